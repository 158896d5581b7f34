"""Dialogs: the crash dialog (copyable details and the log's path) and the About box."""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fxcost import __version__


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
