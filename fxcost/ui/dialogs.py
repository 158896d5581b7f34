"""Dialogs: the crash dialog (copyable details and the log's path), the About box, and :func:`notify`, the one
message box that honours headless runs."""

from __future__ import annotations

import logging
import os
import platform
import threading
import traceback
from pathlib import Path

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fxcost import __version__

log = logging.getLogger(__name__)

#: What message boxes said during a headless run (they are logged, never shown: nobody could close them).
HEADLESS_MESSAGES: list[str] = []
_HEADLESS = [False]


def headless(on: bool) -> None:
    """Headless runs (smoke test, screenshots): :func:`notify` logs its message instead of showing a box."""
    _HEADLESS[0] = on
    HEADLESS_MESSAGES.clear()


def notify(parent, title: str, text: str, kind: str = "warning"):
    """A message box (``kind``: warning, critical or information), or in a headless run a log line kept in
    HEADLESS_MESSAGES (a modal box would wait forever for a click). Returns the button pressed (Ok headless)."""
    if _HEADLESS[0]:
        HEADLESS_MESSAGES.append(f"{title}: {text}")
        log.warning("message box (headless, not shown): %s: %s", title, text)
        return QMessageBox.StandardButton.Ok
    return getattr(QMessageBox, kind)(parent, title, text)


def show_crash(exc: BaseException, log_path: Path | None) -> None:
    """Log an unexpected error and show it with copyable details (never blocks under CI)."""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("unexpected error\n%s", details)
    if os.environ.get("FXCOST_NO_ERR_WINDOWS") or QApplication.instance() is None:
        return
    if threading.current_thread() is not threading.main_thread():
        return  # widgets live on the GUI thread only; workers deliver their errors through a signal instead
    CrashDialog(f"{type(exc).__name__}: {exc}", details, log_path, QApplication.activeWindow()).exec()


class CrashDialog(QDialog):
    """An unexpected error: what happened in one sentence, the traceback to copy, and where the log is."""

    def __init__(self, message: str, details: str, log_path: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("fxcost: unexpected error")
        self.resize(680, 420)
        layout = QVBoxLayout(self)
        text = (f"<b>Something went wrong inside fxcost.</b><br>{message}<br><br>Your files were not changed. "
                "Please send the details below (and the log) with a note of what you did.")
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        log_text = f"Log file: {log_path}" if log_path else "No log file could be written."
        self.log_label = QLabel(log_text)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.log_label)
        self.details = QPlainTextEdit(f"fxcost {__version__} · Python {platform.python_version()} · Qt {qVersion()} · "
                                      f"{platform.platform()}\n\n{details}")
        self.details.setReadOnly(True)
        self.details.setObjectName("crash-details")
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(f"{self.details.toPlainText()}\n{self.log_label.text()}\n")


def about(parent: QWidget, log_path: Path | None, data_dir: Path) -> None:
    """The About box: version, platform, where the log and the user's files are."""
    QMessageBox.about(
        parent, "About fxcost",
        f"<h3>fxcost {__version__}</h3>"
        "<p>What forex trading really costs, and what cashback rebates give back: offline analysis of "
        "MetaTrader 4/5 history exports.</p>"
        "<p>fxcost makes no network connection; your statements never leave this computer.</p>"
        f"<p>Python {platform.python_version()} · Qt {qVersion()} · PySide6 {PYSIDE_VERSION}<br>"
        f"Your programs and profiles: {data_dir}<br>"
        f"Log: {log_path or 'not written'}</p>",
    )


def intro_and_form(dialog: QDialog, title: str, intro: str) -> tuple[QVBoxLayout, QFormLayout]:
    """The head of an editing dialog: its title, a wrapped line that says what to do, and the form its fields go in
    (:func:`error_and_buttons` is its foot)."""
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    label = QLabel(intro)
    label.setWordWrap(True)
    layout.addWidget(label)
    form = QFormLayout()
    layout.addLayout(form)
    return layout, form


def error_and_buttons(dialog: QDialog, layout) -> tuple[QLabel, QDialogButtonBox]:
    """The red line that says what is invalid, and OK / Cancel, at the foot of an editing dialog."""
    error = QLabel("")
    error.setWordWrap(True)
    error.setStyleSheet("color: #c0392b")
    layout.addWidget(error)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return error, buttons
