"""GUI bootstrap: Qt binding, excepthooks that show a crash dialog, QApplication, main window."""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from pathlib import Path

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # before any pyqtgraph import

from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from fxcost import APP_NAME, ORG_NAME, __version__  # noqa: E402

log = logging.getLogger(__name__)


def show_crash(exc: BaseException, log_path: Path | None) -> None:
    """Log an unexpected error and show it with copyable details (never blocks under CI)."""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("unexpected error\n%s", details)
    if os.environ.get("FXCOST_NO_ERR_WINDOWS") or QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "fxcost: unexpected error",
                      f"Something went wrong inside fxcost: {exc}\n\nYour files were not changed."
                      + (f"\nThe log is at {log_path}." if log_path else ""))
    box.setDetailedText(details)
    box.exec()


def run_gui(files: list[str], log_path: Path | None = None) -> int:
    """Start the app on ``files`` (or the bundled sample) and run the event loop."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    sys.excepthook = lambda t, e, tb: show_crash(e.with_traceback(tb), log_path)
    threading.excepthook = lambda args: show_crash(args.exc_value, log_path)
    from fxcost.resources import BUNDLED_SAMPLE, asset
    from fxcost.ui.main_window import MainWindow

    window = MainWindow(log_path=log_path)
    window.show()
    window.open_files(files or [str(asset(BUNDLED_SAMPLE))])
    return app.exec()
