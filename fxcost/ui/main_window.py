"""The main window: opens reports on a worker thread and shows what was imported and whether it reconciles."""

from __future__ import annotations

import html
import os
from pathlib import Path

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTextBrowser,
)

from fxcost import __version__
from fxcost.errors import FxCostError, ImportCancelled
from fxcost.model import FORMATS
from fxcost.pipeline import import_files
from fxcost.portfolio import Portfolio
from fxcost.report import json_summary

FILE_FILTER = "Trade history (*.htm *.html *.xlsx *.csv *.txt);;All files (*)"


class MainWindow(QMainWindow):
    """Import panel: accounts, counts, totals, reconciliation, warnings and skipped rows.

    Signals:
        import_finished(): an import ended (imported, failed or cancelled) and the window is idle again.
    """

    import_finished = Signal()

    def __init__(self, log_path: Path | None = None):
        super().__init__()
        self.log_path = log_path
        self.portfolio: Portfolio | None = None
        self._worker = None
        self.setWindowTitle(f"fxcost {__version__}")
        self.resize(1000, 700)
        self.summary = QTextBrowser()
        self.summary.setOpenExternalLinks(False)
        self.setCentralWidget(self.summary)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        self.progress.hide()
        self.status_label = QLabel("")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_import)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)

        file_menu = self.menuBar().addMenu("&File")
        self.open_action = QAction("&Open…", self, shortcut=QKeySequence.StandardKey.Open, triggered=self.choose_files)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close)
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.addAction(self.open_action)

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Open trade history", "", FILE_FILTER)
        if files:
            self.open_files(files)

    def open_files(self, files: list[str]) -> None:
        """Import ``files`` on a worker thread; the window stays responsive and can cancel."""
        from fxcost.ui.workers import Worker

        if self._worker is not None:
            return
        worker = Worker(lambda progress, is_cancelled: import_files(files, progress=progress, is_cancelled=is_cancelled))
        worker.signals.progress.connect(self._on_progress)
        worker.signals.returned.connect(self._on_imported)
        worker.signals.errored.connect(self._on_error)
        worker.signals.finished.connect(self._on_finished)
        self._worker = worker
        self.open_action.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.status_label.setText("Importing…")
        QThreadPool.globalInstance().start(worker)

    def cancel_import(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def _on_progress(self, percent: int, message: str) -> None:
        self.progress.setValue(percent)
        self.status_label.setText(message)

    def _on_finished(self) -> None:
        self._worker = None
        self.open_action.setEnabled(True)
        self.progress.hide()
        self.cancel_button.hide()
        self.import_finished.emit()

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, ImportCancelled):
            self.status_label.setText("Import cancelled.")
            return
        if isinstance(exc, FxCostError):
            QMessageBox.warning(self, "fxcost", str(exc))
            return
        from fxcost.ui.application import show_crash

        show_crash(exc, self.log_path)

    def _on_imported(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self.summary.setHtml(render_html(portfolio))
        n = len(portfolio.trades)
        self.status_label.setText(f"{n} closed trades in {len(portfolio.accounts)} account(s)")
        if portfolio.failures and not portfolio.files:
            QMessageBox.warning(self, "fxcost: nothing imported",
                                "\n\n".join(f"{os.path.basename(p)}: {m}" for p, m in portfolio.failures))


def render_html(portfolio: Portfolio) -> str:
    """The import panel as HTML."""
    doc = json_summary.summary(portfolio)
    esc = html.escape
    parts = ["<h2>Imported files</h2>"]
    for f in portfolio.files:
        st, a = f.statement, f.statement.account
        parts.append(f"<h3>{esc(os.path.basename(st.path))}</h3><p>{esc(FORMATS.get(st.format, st.format))}<br>")
        parts.append(
            f"Account <b>{esc(a.login or '(not printed)')}</b> {esc(a.name)} · {esc(a.broker)} · "
            f"{esc(a.currency or '?')}" + (f" · 1:{a.leverage}" if a.leverage else "") + "<br>"
        )
        parts.append(
            f"{len(st.trades)} closed trades · {len(st.open_positions)} open positions · "
            f"{len(st.orders)} pending orders · {len(st.cash)} cash events</p>"
        )
        rec = f.reconciliation
        rows = "".join(
            f"<tr><td>{esc(name)}</td><td align=right>{mine:,.2f}</td><td align=right>{printed:,.2f}</td>"
            f"<td>{'✔' if name not in rec.differences else '✘ ' + esc(rec.differences[name].cause or 'cause unknown')}</td></tr>"
            for name, (mine, printed) in rec.compared.items()
        )
        parts.append(
            "<table border=1 cellspacing=0 cellpadding=3><tr><th>Field</th><th>Imported</th><th>Printed</th>"
            f"<th>Reconciled</th></tr>{rows}</table>" if rows else "<p>The report prints no totals to compare.</p>"
        )
        for w in st.warnings:
            parts.append(f"<p style='color:#a60'>⚠ {esc(w)}</p>")
        if st.skipped:
            items = "".join(f"<li>{esc(str(s))}</li>" for s in st.skipped[:200])
            parts.append(f"<p>{len(st.skipped)} row(s) skipped:</p><ul>{items}</ul>")
    for p, m in portfolio.failures:
        parts.append(f"<h3>{esc(os.path.basename(p))}</h3><p style='color:#b00'>Not imported: {esc(m)}</p>")
    t = doc["totals"]
    parts.append(
        "<h2>Totals over closed trades</h2><table cellpadding=3>"
        + "".join(f"<tr><td>{k}</td><td align=right>{v:,.2f}</td></tr>" for k, v in t.items())
        + "</table>"
    )
    return "".join(parts)
