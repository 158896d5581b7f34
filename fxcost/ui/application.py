"""GUI bootstrap: Qt binding, excepthooks that show a crash dialog (dialogs.show_crash), QApplication, main window;
smoke and screenshot runs."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # before any pyqtgraph import

from PySide6 import __version__ as PYSIDE_VERSION  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer, QtMsgType, qInstallMessageHandler, qVersion  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fxcost import APP_NAME, ORG_NAME, __version__  # noqa: E402
from fxcost.ui.dialogs import HEADLESS_MESSAGES, headless, show_crash  # noqa: E402,F401  (public here as before)

log = logging.getLogger(__name__)


def make_app(log_path: Path | None) -> QApplication:
    """The QApplication with names, version and the excepthooks that route to the crash dialog."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    sys.excepthook = lambda t, e, tb: show_crash(e.with_traceback(tb), log_path)
    threading.excepthook = lambda args: show_crash(args.exc_value, log_path)
    qInstallMessageHandler(_qt_message)
    collect_garbage_in_gui_thread()
    log.info("Qt %s, PySide6 %s, platform %s", qVersion(), PYSIDE_VERSION, app.platformName())
    return app


_collector = None


def collect_garbage_in_gui_thread():
    """Python's cyclic garbage collected by the GUI thread only, on a timer (pyqtgraph's GarbageCollector turns the
    automatic collection off); returns the collector, one per process.

    An automatic collection runs in whichever thread allocates: in a worker thread it could free Qt objects left in
    reference cycles there, and destroying them waits for the GIL while the GUI thread, deleting other widgets,
    waits for Qt's lock the worker holds. The test suite hung so: the GUI thread deleting a closed window's menu,
    a worker's collection (inside pandas, costing a book) deleting one of its actions."""
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=1.0)
    return _collector


#: Qt message types -> logging levels.
_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


def _qt_message(kind, _context, message: str) -> None:
    """Qt's own warnings go to the log, not to a console the user never sees."""
    if "propagateSizeHints" in message:  # the offscreen platform's notice, harmless
        return
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), message)


def run_gui(files: list[str], log_path: Path | None = None, session=None) -> int:
    """Start the app on ``files`` (or the bundled sample), or on ``session`` (fxcost.session.Session: the command
    line's analysis options), and run the event loop."""
    app = make_app(log_path)
    from fxcost.resources import BUNDLED_SAMPLE, asset
    from fxcost.ui.main_window import MainWindow

    window = MainWindow(log_path=log_path)
    window.show()
    log.info("first window shown")
    if session is not None:
        window.open_session(session)
    else:
        # Issue 15: a restart reopens the last files (the setup panel already holds the last settings).
        window.open_files(files or window.files_to_reopen() or [str(asset(BUNDLED_SAMPLE))])
    return app.exec()


def wait_for(signal, timeout_ms: int) -> bool:
    """Run the event loop until ``signal`` fires (True) or ``timeout_ms`` passes (False)."""
    loop = QEventLoop()
    fired = []
    signal.connect(lambda *a: (fired.append(a), loop.quit()))
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    return bool(fired)


def _isolated_window(log_path: Path | None, folder: Path):
    """A window whose settings and user files live in ``folder``, so headless runs never touch the user's; its
    message boxes are logged instead of shown (a modal box would wait forever for a click)."""
    os.environ["FXCOST_DATA_DIR"] = str(folder / "data")
    os.environ["FXCOST_NO_ERR_WINDOWS"] = "1"
    headless(True)  # dialogs.notify logs what it would have shown (a modal box would wait forever for a click)
    from fxcost.ui.main_window import MainWindow
    from fxcost.ui.settings import Settings

    window = MainWindow(log_path=log_path, settings=Settings(folder / "settings.ini"))
    window.ask_user = False
    return window


def _open_sample(window, files: list[str] | None = None, session=None) -> bool:
    """Open ``session`` (else ``files``, default: the bundled sample) and wait for the analysis; whether trades
    were analysed."""
    from fxcost.resources import BUNDLED_SAMPLE, asset

    loop_ok = []
    window.analysis_ready.connect(lambda: loop_ok.append(True))
    if session is not None:
        window.open_session(session)
    else:
        window.open_files(list(files or [str(asset(BUNDLED_SAMPLE))]))
    if not loop_ok:
        wait_for(window.import_finished, 120_000)
    return bool(loop_ok) and window.views is not None and len(window.views.result.trades) > 0


def smoke_test(log_path: Path | None = None, keep_in: str | None = None, files: list[str] | None = None,
               session=None) -> int:
    """Load the sample (or ``files``, or ``session``: the command line's analysis), compute, export the Excel
    report, exit 0; no window is shown.

    The report goes to a temporary folder, or to ``keep_in`` (created if needed) where a caller such as the
    frozen-build test wants to open it afterwards; there ``views.json`` holds every figure the views display,
    keyed as ``report --json`` keys them (viewdata.views_json, issue 10).
    """
    make_app(log_path)
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:  # report files are untrusted: the build must carry defusedxml
        print("fxcost smoke test FAILED: openpyxl runs without defusedxml", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="fxcost-smoke-") as tmp:
        folder = Path(tmp)
        window = _isolated_window(log_path, folder)
        what = ", ".join(Path(f).name for f in files) if files else "the sample"
        if not _open_sample(window, files, session):
            log.error("smoke test: %s did not import and analyse", what)
            print(f"fxcost smoke test FAILED: {what} did not import and analyse"
                  + (f" ({_failures(window)})" if files else ""), file=sys.stderr)
            return 1
        target = folder / "smoke-report.xlsx"
        if keep_in:
            Path(keep_in).mkdir(parents=True, exist_ok=True)
            target = Path(keep_in) / "smoke-report.xlsx"
        written = []
        window.export_finished.connect(written.append)
        if not window.export_excel_to(str(target)):
            print("fxcost smoke test FAILED: the Excel report could not be started", file=sys.stderr)
            return 1
        if not written:
            wait_for(window.export_finished, 120_000)
        if not written or not written[0] or not target.is_file() or target.stat().st_size == 0:
            print("fxcost smoke test FAILED: the Excel report was not written", file=sys.stderr)
            return 1
        trades = len(window.views.result.trades)
        size = target.stat().st_size
        if keep_in:
            import json

            from fxcost import atomic
            from fxcost.ui.viewdata import views_json

            atomic.write_text(str(Path(keep_in) / "views.json"),
                              json.dumps(views_json(window.views), indent=2, ensure_ascii=False, default=str) + "\n")
        window.close()
    log.info("smoke test passed: %d trades, report of %d bytes", trades, size)
    print(f"fxcost {__version__} smoke test passed: {trades} trades analysed, Excel report of {size:,} bytes written")
    return 0


def _failures(window) -> str:
    """Why the last Open imported nothing, one line (the messages the window would have shown)."""
    return " | ".join(m.replace("\n\n", " ") for m in HEADLESS_MESSAGES) or "no closed trade in them"


#: (file name, tab, chart key or None) of each screenshot.
SHOTS = (
    ("01-overview", "overview", None),
    ("02-trades", "trades", None),
    ("03-chart-equity", "charts", "equity"),
    ("04-chart-costs", "charts", "costs"),
    ("05-chart-by-symbol", "charts", "by_symbol"),
    ("06-chart-breakeven", "charts", "breakeven"),
    ("07-chart-rebates", "charts", "rebates"),
    ("08-compare", "compare", None),
    ("09-ib", "ib", None),
    ("10-import", "import", None),
    ("11-strategies", "strategies", None),  # issue 15
    ("18-compare-vs-actual", "compare", "difference"),  # issue 15: each setup's difference from the actual
)


def screenshots(directory: str, log_path: Path | None = None, size: tuple[int, int] = (1360, 820),
                files: list[str] | None = None, session=None) -> int:
    """Open the bundled sample (or ``files``, or ``session``) and write a PNG of each view into ``directory``."""
    app = make_app(log_path)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fxcost-shots-") as tmp:
        window = _isolated_window(log_path, Path(tmp))
        window.resize(*size)
        window.show()
        # The pictures show what a rebate does, so the example program is picked as the main one, as a
        # user would (the app itself applies none until the user chooses).
        from fxcost.ui.setup_panel import BUNDLED

        if not _open_sample(window, files, session):
            print(f"fxcost: {'the files did' if files else 'the sample did'} not import; no screenshots written"
                  + (f" ({_failures(window)})" if files else ""), file=sys.stderr)
            return 1
        combo = window.setup.main_program
        ready = []
        window.analysis_ready.connect(lambda: ready.append(True))
        if session is None:  # the command line's options name the program themselves
            combo.setCurrentIndex(combo.findData(BUNDLED + "example-cashback.json"))
            # Issue 15: the app and `report` choose no program by default; say which one the pictures use.
            print(f"fxcost: --screenshot shows the main program {combo.currentText()!r} (the bundled example, so "
                  "the pictures show what a rebate does); the app and `report` choose none by default; "
                  "give --program FILE to choose one.")
        if not ready and session is None:
            wait_for(window.analysis_ready, 120_000)
        for name, tab, chart in SHOTS:
            window.show_tab(tab)
            if tab == "compare":  # the Compare view's chart tabs: its setups, or (issue 15) their differences
                window.compare.tabs.setCurrentWidget(window.compare.difference if chart else window.compare.chart)
            elif chart:
                window.charts.show_chart(chart)
            for _ in range(3):  # layouts and pyqtgraph's deferred range updates settle over a few passes
                app.processEvents()
            save_shot(window, out / f"{name}.png")
        window.close()
    return 0


def save_shot(widget, path: Path) -> None:
    """A PNG of ``widget`` as the screenshots in docs/screenshots are kept (scripts/ib_screenshots.py too)."""
    # 256 colours and the strongest compression: ~40 kB instead of ~200 kB a view, the images
    # go into the repository, and a UI has few colours (no dithering, so text stays crisp).
    image = widget.grab().toImage().convertToFormat(
        QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither)
    image.save(str(path), "PNG", 0)
    print(path)
