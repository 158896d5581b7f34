"""The main window: opens reports and re-analyses on worker threads, shows every view, exports, remembers state."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QWidget,
)

from fxcost import __version__, allocator, userdata
from fxcost.errors import CsvColumnsUnknown, ExportError, FxCostError, ImportCancelled
from fxcost.portfolio import Portfolio
from fxcost.session import Session
from fxcost.ui import dialogs, viewdata
from fxcost.ui.charts import ChartsView
from fxcost.ui.compare_view import CompareView
from fxcost.ui.ib_view import IBView
from fxcost.ui.import_panel import ImportPanel, currency_link_path, dates_link
from fxcost.ui.jobs import JobRunner
from fxcost.ui.overview import OverviewView
from fxcost.ui.period_bar import PeriodBar
from fxcost.ui.settings import Settings
from fxcost.ui.setup_panel import SetupPanel, SetupState
from fxcost.ui.strategy_view import StrategyView
from fxcost.ui.trades_view import TradesView
from fxcost.ui.workers import Worker

log = logging.getLogger(__name__)

SESSION_FILTER = "fxcost session (*.json);;All files (*)"
BOOK_FILTER = "fxcost book (*.fxbook.json *.json);;All files (*)"
FILE_FILTER = "Trade history (*.htm *.html *.xlsx *.csv *.txt);;All files (*)"
TABS = (("import", "Import"), ("overview", "Overview"), ("trades", "Trades"), ("charts", "Charts"),
        ("compare", "Compare"), ("ib", "IB"), ("strategies", "Strategies"))


def open_job(session, catalog, cache, progress, is_cancelled, publish=None, statements=None):
    """Worker body of Open: the session's import + analysis (Session.run, i.e. fxcost.pipeline.run, as
    ``report`` runs it), then every view's data and the summary (viewdata.prepare).

    ``publish`` gets the Overview's and the Trades table's data first (viewdata.prepare). ``statements`` (a
    statement_cache.StatementCache) gives the files parsed before (issue 14: a book's next month imports only the
    new files).
    """
    settings = session.settings(catalog, cache)
    result = session.run(settings=settings, progress=lambda f, m: progress(f * 0.8, m), is_cancelled=is_cancelled,
                         cache=statements)
    return viewdata.prepare(result, ib_program=session.ib_program(catalog),
                            progress=lambda f, m: progress(0.8 + f * 0.2, m), is_cancelled=is_cancelled,
                            publish=publish)


def _remembered(files: list[str], stored: dict[str, str]) -> dict[str, str]:
    """The per-file CSV choices (stored by absolute path) of ``files``, keyed as the files are given."""
    return {f: stored[os.path.abspath(f)] for f in files if os.path.abspath(f) in stored}


def analyse_job(portfolio, session, catalog, cache, progress, is_cancelled, publish=None):
    """Worker body of a setup change: re-analyse the imported portfolio (no re-import) under the session's setup
    and roster (issue 14: a client renamed or given another share in the IB view)."""
    from fxcost.parallel_analysis import analyse_book

    progress(0.0, "Applying the new setup")
    settings = session.settings(catalog, cache)
    if is_cancelled():
        raise ImportCancelled("Cancelled.")
    session.apply_roster(portfolio)
    result = analyse_book(portfolio, settings)
    return viewdata.prepare(result, ib_program=session.ib_program(catalog),
                            progress=lambda f, m: progress(0.5 + f * 0.5, m), is_cancelled=is_cancelled,
                            publish=publish)


def _writer(kind: str):
    """The report writer of ``kind`` ("excel", "pdf" or "csv"), imported when used; None if this build lacks it."""
    try:
        if kind == "excel":
            from fxcost.report.excel import write_workbook

            return write_workbook
        if kind == "pdf":
            from fxcost.report.pdf_summary import write_pdf_summary

            return write_pdf_summary
        from fxcost.report.csv_export import write_trades_csv

        return write_trades_csv
    except ImportError:
        log.warning("report writer %s not available", kind, exc_info=True)
        return None


CLIENT_FILTER = "PDF (*.pdf);;Excel workbook (*.xlsx)"
PARTNER_FILTER = "Partner report (*.csv *.xlsx *.txt);;All files (*)"


def partner_job(result, summary, path: str, mapping: dict[str, str], program):
    """Worker body of a partner report (issue 14): read it through ``mapping`` and reconcile it with ``result``
    priced under ``program`` (the IB view's deal); returns the summary with its partner_reconciliation. A bad file
    or mapping is an ImportFailed (importers.partner_report.ColumnsUnknown when its columns are not recognised)."""
    from fxcost.analysis.partner_reconcile import reconcile_result
    from fxcost.importers import partner_report
    from fxcost.summary.partner import with_partner_reconciliation

    rec = reconcile_result(result, partner_report.read(path, mapping or None), program)
    return with_partner_reconciliation(summary, rec) if summary is not None else rec


def _client_writer():
    """report.client_statement.write_client (issue 14), imported when used; None if this build lacks it."""
    try:
        from fxcost.report.client_statement import write_client
    except ImportError:
        return None
    return write_client


def _statement_format(path: str) -> str:
    return "xlsx" if path.lower().endswith((".xlsx", ".xls")) else "pdf"


def write_one_statement(write, result, login: str, month: str, path: str, fmt: str, paper: str | None = None,
                        program=None, priced=None) -> str:
    """One client's statement (``month`` "YYYY-MM", "" for every trade) through report.client_statement.write_client,
    as ``fmt`` ("pdf" or "xlsx"), paying the cashback of ``program`` (the IB view's deal); returns ``path``. A
    refused request (no such client) is an ExportError. ``priced``: client_statement.client_trades of ``program``,
    computed once for a batch."""
    try:
        write(result, login, path, period=month or None, fmt=fmt, paper=paper, program=program, priced=priced)
    except ValueError as exc:
        raise ExportError(f"The statement of {login} was not written: {exc}.") from exc
    return path


def system_paper() -> str | None:
    """The PDF paper of the system's territory (print_rules.paper_for: Letter in the US and Canada, else A4); None
    when the locale names none (the writer then reads the environment)."""
    from PySide6.QtCore import QLocale

    from fxcost.report.print_rules import paper_for

    name = QLocale.system().name()  # "en_US"
    return paper_for(name) if "_" in name else None


class MainWindow(QMainWindow):
    """Tabs Import / Overview / Trades / Charts / Compare / IB, the setup panel docked on the left.

    Signals:
        import_finished(): an Open ended (imported, failed or cancelled) and the window is idle again.
        first_views_shown(): the Overview and Trades show a new analysis; the other views follow.
        analysis_ready(): every view shows a new analysis (after Open or a setup change).
        export_finished(str): a report was written (its path), or "" when the export failed or was cancelled.
        partner_finished(bool): a partner report was reconciled (True) or could not be (False).
    """

    import_finished = Signal()
    first_views_shown = Signal()
    analysis_ready = Signal()
    export_finished = Signal(str)
    partner_finished = Signal(bool)

    def __init__(self, log_path: Path | None = None, settings: Settings | None = None):
        super().__init__()
        self.log_path = log_path
        self.settings = settings or Settings()
        self.views: viewdata.Views | None = None
        self._portfolio: Portfolio | None = None
        self.jobs = JobRunner(self)  # the one background job: start, cancel, supersede, reopen
        self.jobs.progress.connect(self._on_progress)
        self.jobs.partial.connect(self._on_returned)
        self.jobs.returned.connect(self._on_returned)
        self.jobs.errored.connect(self._on_error)
        self.jobs.finished.connect(self._on_finished)
        self._market_cache: dict = {}
        self._shown_views = False  # a worker's result is on screen; analysis_ready follows when it ends
        self._shown_parts: frozenset[str] = frozenset()  # views already showing the running worker's analysis
        self._export_result = ""
        self._open_paths: list[str] = []  # what the running or last Open imports
        self._open_mapping: dict[str, str] | None = None  # and the CSV column mapping it was given
        # Issue 14, an IB's book: the roster (client names and shares by login) and the statements parsed before.
        self.client_names: dict[str, str] = {}
        self.client_shares: dict[str, float] = {}
        self._statements = None  # statement_cache.StatementCache, made at the first Open
        # Issue 14: the partner report reconciled with the book (saved in it) and its column mapping.
        self.partner_path = ""
        self.partner_mapping: dict[str, str] = {}
        self._partner_error: FxCostError | None = None
        self._partner_job: tuple[str, dict[str, str]] | None = None  # the file and mapping the running job reads
        self.ask_user = True  # False in headless runs (smoke test, screenshots): no dialog waits for an answer
        self.setWindowTitle(f"fxcost {__version__}")
        self.setAcceptDrops(True)
        self.resize(1280, 820)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("views")
        self.tabs.setDocumentMode(True)
        self.summary = ImportPanel()
        self.summary.anchorClicked.connect(self._summary_link)
        self.overview = OverviewView()
        self.trades = TradesView()
        self.charts = ChartsView()
        self.compare = CompareView()
        self.ib = IBView()
        self.ib.names, self.ib.shares = self.client_names, self.client_shares
        self.ib.name_edited.connect(self.set_client_name)
        self.ib.share_edited.connect(self.set_client_share)
        self.ib.statement_requested.connect(self.export_client_statement)
        self.ib.statements_requested.connect(self.export_client_statements)
        self.ib.partner_requested.connect(self.choose_partner_report)
        self.strategies = StrategyView()  # issue 15: costs by strategy name or magic number
        self.pages: dict[str, QWidget] = {"import": self.summary, "overview": self.overview, "trades": self.trades,
                                          "charts": self.charts, "compare": self.compare, "ib": self.ib,
                                          "strategies": self.strategies}
        for key, label in TABS:
            self.tabs.addTab(self.pages[key], label)
        self.setCentralWidget(self.tabs)

        self.setup = SetupPanel(SetupState.from_dict(self.settings.analysis()))
        self.setup.setMinimumWidth(330)
        dock = QDockWidget("Setup", self)
        dock.setObjectName("setup-dock")
        dock.setWidget(self.setup)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.setup_dock = dock
        self.setup.changed.connect(self._setup_changed)
        self.strategies.set_rule(self.setup.state().strategy_rule)
        self.strategies.rule_changed.connect(self._strategy_rule_changed)
        self.setup.problems.connect(self._report_problems)
        self._recompute_timer = QTimer(self, singleShot=True, interval=150, timeout=self.recompute)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        self.progress.hide()
        self.status_label = QLabel("")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_work)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self._build_actions()
        self._restore()
        self._enable_exports()
        # Damaged settings are set aside and reported like damaged programs (issue 13).
        problems = [str(p) for p in self.setup.catalog.problems] + list(getattr(self.settings, "problems", []))
        if problems:
            # Shown once the event loop runs, so a message box never blocks construction.
            QTimer.singleShot(0, self, lambda: self._report_problems(problems))

    # --- actions and menus -------------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.setStatusTip(tip)
        action.setToolTip(tip or text.replace("&", "").rstrip("…"))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        self.open_action = self._action("&Open…", self.choose_files, std.Open, "Open MT4/MT5 history exports")
        self.open_folder_action = self._action("Open &folder…", self.choose_folder, QKeySequence("Ctrl+Shift+O"),
                                               "Open every statement in a folder and its subfolders (an IB's "
                                               "client statements)")
        self.add_files_action = self._action("&Add statements…", self.choose_more_files, None,
                                             "Add statements to those open (files read before are not read again)")
        self.open_book_action = self._action("Open a &book…", self.choose_book, None,
                                             "Open a saved book: its statements, client names and shares, and "
                                             "settings (new statements in its folders are added)")
        self.save_book_action = self._action("Save the boo&k…", self.save_book, None,
                                             "Save the statements or folders, client names and shares, and every "
                                             "setting as a book file")
        self.partner_action = self._action("&Partner report…", self.choose_partner_report, None,
                                           "Reconcile the broker's partner-portal report with the modelled IB "
                                           "earnings per client and month (shown in the IB tab)")
        self.sample_action = self._action("Open the &sample", self.open_sample, None, "Open the bundled sample")
        self.export_excel_action = self._action("Export &Excel report…", self.export_excel, QKeySequence("Ctrl+E"),
                                                "Write the typed Excel report")
        self.export_pdf_action = self._action("Export &PDF summary…", self.export_pdf, None,
                                              "Write a printable summary of at most 4 pages (issue 15)")
        self.export_csv_action = self._action("Export trades as &CSV…", self.export_csv, QKeySequence("Ctrl+Shift+E"),
                                              "Write every costed trade as CSV")
        self.export_png_action = self._action("Save chart as &PNG…", self.export_png, QKeySequence("Ctrl+Shift+P"),
                                              "Save the chart in view as a PNG image")
        self.open_session_action = self._action("Open a sess&ion…", self.choose_session, None,
                                                "Open a saved session: its files, per-file choices and every setting")
        self.save_session_action = self._action("Sa&ve the session…", self.save_session, None,
                                                "Save the files, per-file choices and every setting as a small JSON "
                                                "file (python main.py report --session FILE runs the same analysis)")
        self.quit_action = self._action("&Quit", self.close, std.Quit)
        self.find_action = self._action("&Find trades", self.find, std.Find, "Search the trades table")
        self.about_action = self._action("&About fxcost", self.show_about)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.open_folder_action)
        file_menu.addAction(self.add_files_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setObjectName("recent-menu")
        file_menu.addAction(self.sample_action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_book_action)
        file_menu.addAction(self.save_book_action)
        file_menu.addAction(self.open_session_action)
        file_menu.addAction(self.save_session_action)
        file_menu.addSeparator()
        file_menu.addAction(self.partner_action)
        file_menu.addSeparator()
        for a in (self.export_excel_action, self.export_pdf_action, self.export_csv_action, self.export_png_action):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.trades.copy_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.setup_dock.toggleViewAction())
        # Slots read the action's data: a lambda with a default argument would receive triggered()'s bool
        # instead, and PySide6 6.12 then corrupts the refcount of True/False (abort at exit).
        for i, (key, label) in enumerate(TABS):
            action = self._action(label, self._tab_action, QKeySequence(f"Ctrl+{i + 1}"))
            action.setData(key)
            view_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        self.log_action = self._action("Show the &log folder", self.show_log_folder, None,
                                       "Open the folder with fxcost's log (attach it to a bug report)")
        self.log_action.setEnabled(self.log_path is not None)
        help_menu.addAction(self.log_action)
        help_menu.addAction(self.about_action)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (self.open_action, self.export_excel_action, self.export_pdf_action, self.export_csv_action,
                  self.export_png_action):
            toolbar.addAction(a)
        # Issue 15: one period for every view, chart, the what-if and every export.
        self.period_bar = PeriodBar()
        state = self.setup.state()
        self.period_bar.set_period(state.period, state.period_from, state.period_to)
        self.period_bar.changed.connect(self._period_changed)
        toolbar.addSeparator()
        toolbar.addWidget(self.period_bar)
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.setData(path)
            action.setEnabled(os.path.exists(path))  # moved or deleted since: shown, but greyed out
            action.triggered.connect(self._recent_action)
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear the list", self._clear_recent)
        self.recent_menu.setEnabled(bool(recent))

    @Slot()
    def _recent_action(self) -> None:
        self.open_files([self.sender().data()])

    @Slot()
    def _tab_action(self) -> None:
        self.show_tab(self.sender().data())

    def _clear_recent(self) -> None:
        self.settings.clear_recent()
        self._update_recent_menu()

    def _enable_exports(self) -> None:
        ready = self.views is not None and not self.jobs.busy
        for a in (self.export_excel_action, self.export_pdf_action, self.export_csv_action):
            a.setEnabled(ready and len(self.views.result.trades) > 0)
        self.export_png_action.setEnabled(ready)
        self.partner_action.setEnabled(ready and bool(self.views.ib))
        self.open_action.setEnabled(not self.jobs.busy or self.jobs.kind == "analyse")
        self.open_folder_action.setEnabled(self.open_action.isEnabled())
        self.add_files_action.setEnabled(self.open_action.isEnabled() and bool(self._open_paths))

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.pages[key])

    def find(self) -> None:
        self.show_tab("trades")
        self.trades.focus_find()

    def show_log_folder(self) -> None:
        """Open the log's folder in the system file manager (a local file URL: no network)."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if self.log_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.log_path).parent)))

    def show_about(self) -> None:
        from fxcost.ui.dialogs import about

        about(self, self.log_path, userdata.data_dir())

    # --- state -------------------------------------------------------------------------------------------

    @property
    def portfolio(self) -> Portfolio | None:
        return self._portfolio

    def _restore(self) -> None:
        if (geometry := self.settings.geometry()) is not None:
            self.restoreGeometry(geometry)
        if (state := self.settings.window_state()) is not None:
            self.restoreState(state)
        if (header := self.settings.header_state(self.trades.header_key())) is not None:
            self.trades.table.horizontalHeader().restoreState(header)
        self.tabs.setCurrentIndex(min(max(0, self.settings.current_tab()), self.tabs.count() - 1))

    def save_state(self) -> None:
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.set_header_state(self.trades.header_key(), self.trades.table.horizontalHeader().saveState())
        self.settings.set_current_tab(self.tabs.currentIndex())
        self.settings.set_analysis(self.setup.state().as_dict())
        self.settings.sync()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.jobs.cancel()
        self.save_state()
        super().closeEvent(event)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Follow the system's light/dark switch: charts and negative-number colours are picked per palette.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.apply_theme()
        super().changeEvent(event)

    def apply_theme(self) -> None:
        self.charts.apply_theme()
        self.compare.apply_theme()
        self.ib.apply_theme()
        self.trades.model.palette_changed()

    # --- opening -----------------------------------------------------------------------------------------

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Open trade history", self.settings.last_dir(), FILE_FILTER)
        if files:
            self.open_files(files)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of statements", self.settings.last_dir())
        if folder:
            self.open_files([folder])

    def choose_more_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add statements", self.settings.last_dir(), FILE_FILTER)
        if files:
            self.add_files(files)

    def add_files(self, files: list[str]) -> None:
        """Open the files open now and ``files`` (issue 14: next month's statements); the files read before come
        from the statement cache, so only the new ones are parsed."""
        self.open_files(list(dict.fromkeys([*self._open_paths, *map(str, files)])), self._open_mapping)

    def statement_cache(self):
        """The statements parsed before (issue 14), or None when the cache folder cannot be used."""
        if self._statements is None:
            from fxcost.statement_cache import StatementCache

            try:
                self._statements = StatementCache()
            except OSError as exc:
                log.warning("no statement cache: %s", exc)
                return None
        return self._statements

    def open_sample(self) -> None:
        from fxcost.resources import BUNDLED_SAMPLE, asset

        self.open_files([str(asset(BUNDLED_SAMPLE))])

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_files(files)

    def open_files(self, files: list[str], csv_mapping: dict[str, str] | None = None) -> None:
        """Import and analyse ``files`` on a worker thread; the window stays responsive and can cancel.

        ``csv_mapping`` (canonical column -> header) is for CSV files whose columns fxcost cannot name itself.
        """
        files = [str(f) for f in files]
        if self.jobs.busy:
            if self.jobs.kind != "analyse":
                return  # one Open at a time; the toolbar button is disabled meanwhile
            self.jobs.cancel()  # a re-analysis is superseded by the new Open
        session = self._session_for(files, csv_mapping)
        catalog, cache, statements = self.setup.catalog, self._market_cache, self.statement_cache()
        self._open_paths = files
        self._open_mapping = csv_mapping
        self.ib.forget_month()  # a book opens on its latest month
        self._start(Worker(lambda progress, is_cancelled, publish: open_job(session, catalog, cache, progress,
                                                                            is_cancelled, publish, statements),
                           publishes=True), "open", "Importing…")

    def _session_for(self, files: list[str], csv_mapping: dict[str, str] | None) -> Session:
        """The Session of ``files`` with the setup panel's choices and the per-file choices remembered."""
        return Session(files=list(files), setup=self.setup.state(),
                       currency=_remembered(files, self.settings.csv_currencies()),
                       date_order=_remembered(files, self.settings.csv_date_orders()),
                       csv_mapping=dict(csv_mapping or {}), client_names=dict(self.client_names),
                       client_shares=dict(self.client_shares), partner_report=self.partner_path,
                       partner_mapping=dict(self.partner_mapping))

    def session(self) -> Session:
        """The session on screen: the files of the last Open, their choices and the setup as it stands."""
        return self._session_for(self._open_paths, self._open_mapping)

    def open_session(self, session: Session) -> None:
        """Take a session's setup and per-file choices, then open its files (as ``--session`` does)."""
        for name, store in (("currency", self.settings.set_csv_currency), ("date_order", self.settings.set_csv_date_order)):
            chosen = session.for_files(getattr(session, name))
            for path, value in (chosen or {}).items():
                store(os.path.abspath(path), value)
        catalog = self.setup.catalog
        state = session.setup
        for key in (state.main_program, *state.compare_programs, state.ib_program):
            if key and key not in catalog.programs:
                try:  # a program the session names by its file (made on another machine, or by report)
                    catalog.program_key(key)
                except FxCostError as exc:
                    self._report_problems([str(exc)])
        self.client_names, self.client_shares = dict(session.client_names), dict(session.client_shares)
        self.ib.names, self.ib.shares = self.client_names, self.client_shares
        # Issue 14: the book's partner report is reconciled again once its statements are analysed.
        self.partner_path, self.partner_mapping = session.partner_report, dict(session.partner_mapping)
        self.ib.set_partner(None)
        self.setup.set_state(state)
        self._recompute_timer.stop()  # the Open below analyses under this setup
        if session.files:
            self.open_files(session.files, session.csv_mapping or None)

    def choose_session(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a session", self.settings.last_dir(), SESSION_FILTER)
        if path:
            try:
                session = Session.load(path)
            except FxCostError as exc:
                dialogs.notify(self, "fxcost", str(exc))
                return
            self.open_session(session)

    def choose_book(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a book", self.settings.last_dir(), BOOK_FILTER)
        if path:
            self.open_book(path)

    def open_book(self, path: str) -> bool:
        """Open a book (a session with its roster, fxcost.session): its folders are read again, so statements added
        since are imported, and those read before come from the statement cache."""
        try:
            session = Session.load(path)
        except FxCostError as exc:
            dialogs.notify(self, "fxcost", str(exc))
            return False
        self.open_session(session)
        return True

    def save_book(self) -> None:
        path = self._save_name("Save the book", f"{self._report_stem()}.fxbook.json", BOOK_FILTER)
        if path:
            self.save_session_to(path)

    def set_client_name(self, login: str, name: str) -> None:
        """Name client ``login`` in the roster (the IB view's edit; "" removes the name) and re-analyse."""
        name = name.strip()
        if name:
            self.client_names[login] = name
        else:
            self.client_names.pop(login, None)
        self.recompute()

    def set_client_share(self, login: str, share: float) -> None:
        """Pass ``share`` percent back to client ``login`` (the roster's, over any IB program's; below 0: the
        program's share again) and re-analyse."""
        if share < 0:
            self.client_shares.pop(login, None)
        else:
            self.client_shares[login] = min(100.0, float(share))
        self.recompute()

    def save_session(self) -> None:
        path = self._save_name("Save the session", f"{self._report_stem()}-session.json", SESSION_FILTER)
        if path:
            self.save_session_to(path)

    def save_session_to(self, path: str) -> bool:
        """Write the session on screen (files, per-file choices, every setting) as JSON."""
        try:
            self.session().save(path)
        except FxCostError as exc:
            dialogs.notify(self, "fxcost", str(exc))
            return False
        self.status_label.setText(f"Saved {path}")
        return True

    def _setup_changed(self) -> None:
        state = self.setup.state()
        if hasattr(self, "period_bar"):  # a session or restored state may bring its own period
            self.period_bar.set_period(state.period, state.period_from, state.period_to)
        self.settings.set_analysis(state.as_dict())
        self._recompute_timer.start()

    def _period_changed(self) -> None:
        """The period bar's choice goes into the setup state: the analysis (engine) restricts to it."""
        state = self.setup.state()
        state.period, state.period_from, state.period_to = self.period_bar.period()
        self.setup.set_state(state)  # emits changed: saved, and re-analysed like any setup change

    def files_to_reopen(self) -> list[str]:
        """The last Open's files that still exist (issue 15: a restart reopens them with the saved settings)."""
        return [p for p in self.settings.last_open() if os.path.exists(p)]  # a folder too (issue 14)

    def _strategy_rule_changed(self, rule: str) -> None:
        """The Strategies view's naming rule goes into the setup state (saved, re-analysed)."""
        state = self.setup.state()
        state.strategy_rule = rule
        self.setup.set_state(state)

    def _show_tables(self, views: viewdata.Views) -> None:
        """Issue 15: the summary's By year (Overview), strategies (their view, the Trades filter)."""
        self.overview.set_years(views.by_year)
        self.strategies.set_views(views)
        self.trades.set_strategies(views.strategies)

    def _update_period_choices(self, portfolio) -> None:
        """The periods the imported data covers, and its dates for the calendars (issue 15)."""
        from fxcost.analysis import period

        first, last = period.data_span(portfolio)
        self.period_bar.set_data(period.choices(portfolio), first, last)

    def recompute(self) -> None:
        """Re-analyse the imported history under the current setup (on a worker; the views keep the old one)."""
        if self._portfolio is None:
            return
        if self.jobs.busy:
            self.jobs.pending_analysis = True
            if self.jobs.kind == "analyse":
                self.jobs.cancel()
            return
        self.jobs.pending_analysis = False
        portfolio, session, catalog, cache = self._portfolio, self.session(), self.setup.catalog, self._market_cache
        self._start(Worker(lambda progress, is_cancelled, publish: analyse_job(portfolio, session, catalog, cache,
                                                                               progress, is_cancelled, publish),
                           publishes=True), "analyse", "Recomputing…")

    def _start(self, worker: Worker, kind: str, message: str) -> None:
        self._export_result = ""
        self._shown_parts = frozenset()
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.status_label.setText(message)
        self.jobs.start(worker, kind)
        self._enable_exports()

    def cancel_work(self) -> None:
        self.jobs.cancel()

    @Slot(int, str)
    def _on_progress(self, percent: int, message: str) -> None:
        self.progress.setValue(percent)
        self.status_label.setText(message)

    @Slot(str)
    def _on_finished(self, kind: str) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self._enable_exports()
        # Signals go out once the window is idle again, so a listener can start the next job at once.
        shown, self._shown_views = self._shown_views, False
        if kind in ("open", "analyse"):
            allocator.release_freed()  # issue 14: the worker's temporaries (hundreds of MB in a book) back to the system
        if shown:
            self.analysis_ready.emit()
        if kind == "export":
            self.export_finished.emit(self._export_result)
        if kind == "open":
            self.import_finished.emit()
        if kind == "partner":
            self._partner_done()
            return
        reopen = self.jobs.take_reopen()
        if reopen is not None:
            files, mapping = reopen
            self.open_files(files, csv_mapping=mapping)
            return
        if self.jobs.pending_analysis and self._portfolio is not None:
            self.recompute()
            return
        if shown and self.partner_path and self.views is not None and self.views.complete:
            self.import_partner_report(self.partner_path, self.partner_mapping)  # the new figures reconciled again

    @Slot(object)
    def _on_error(self, exc: BaseException) -> None:
        from fxcost.analysis.market_data import MarketDataError

        if self.jobs.kind == "partner" and isinstance(exc, FxCostError):
            self._partner_error = exc  # answered once the job has ended (a mapping asked, or the message shown)
            return
        if isinstance(exc, ImportCancelled):
            if self.jobs.reopen_with is None:  # else the status says why the files are opened again
                self.status_label.setText("Cancelled." if self.jobs.kind != "export" else "Export cancelled.")
        elif isinstance(exc, MarketDataError):
            self.setup.remove_market_data(exc.path)
            if self.jobs.kind == "open":  # the statements themselves are fine: open them without the file
                self.jobs.pending_analysis = False
                files = list(self._open_paths)
                QTimer.singleShot(0, self, lambda: self.open_files(files))
            dialogs.notify(self, "fxcost: market data not used",
                                f"{exc}\n\nThe file was removed from the setup; export bars or ticks again and add "
                                "them with “Add bars/ticks…”.")
        elif isinstance(exc, FxCostError):
            dialogs.notify(self, "fxcost", str(exc))
        else:
            self.status_label.setText("An unexpected error stopped the work; see the log.")
            dialogs.show_crash(exc, self.log_path)
        if self.jobs.kind == "export":
            self._export_result = ""

    @Slot(object)
    def _on_returned(self, value) -> None:
        if self.jobs.kind == "export":
            self.status_label.setText(f"Saved {value}")
            self._export_result = str(value)
            return
        if self.jobs.kind == "partner":
            self._show_partner(value)
            return
        views: viewdata.Views = value
        if self.jobs.reopen_with is not None:
            return  # this Open is superseded: the files are opened again once its worker has stopped
        if self._shown_parts:  # an early part of this analysis is on screen: fill the views that were waiting
            self.set_views(views)
            if views.complete:
                self._show_summary(views)
            return
        # Issue 15: the whole import (the result holds only the period's rows), re-analysed when the period changes.
        portfolio = getattr(views.result, "whole", None) or views.result.portfolio
        if self.jobs.kind == "open":
            self._portfolio = portfolio if portfolio.files else self._portfolio
            self._update_period_choices(portfolio)
            self.summary.set_portfolio(portfolio, self.settings.csv_date_orders())
            if portfolio.files:
                imported = [f.statement.path for f in portfolio.files]
                more = f" and {len(imported) - 1} more" if len(imported) > 1 else ""
                self.setWindowTitle(f"{os.path.basename(imported[0])}{more} — fxcost {__version__}")
                # An opened folder is remembered as the folder (issue 14): reopened, it brings its new statements.
                opened = self._open_paths if any(os.path.isdir(p) for p in self._open_paths) else imported
                self.settings.add_recent(opened)
                self.settings.set_last_open(opened)
                self.settings.set_last_dir(os.path.dirname(os.path.abspath(imported[0])))
                self._update_recent_menu()
            if self._ask_csv_columns(portfolio.failures):
                return  # opening again with the user's column mapping
            if portfolio.failures and not portfolio.files:
                self.status_label.setText("Nothing imported.")
                dialogs.notify(self, "fxcost: nothing imported",
                                    "\n\n".join(f"{os.path.basename(p)}: {m}" for p, m in portfolio.failures)
                                    + "\n\nExport the account history from MetaTrader (Account History ▸ Save as "
                                      "Report / Detailed Report) and open that file.")
                return
            if portfolio.failures:
                dialogs.notify(self, "fxcost: some files not imported",
                                    "\n\n".join(f"{os.path.basename(p)}: {m}" for p, m in portfolio.failures))
        self.set_views(views)
        log.info("%s: %d trades shown %.2f s after the start", self.jobs.kind, len(views.result.trades),
                 time.perf_counter() - self.jobs.started)
        self._show_summary(views)

    def _ask_csv_columns(self, failures: list[tuple[str, str]]) -> bool:
        """A CSV whose columns fxcost could not name: ask the user which is which and open again.

        Returns whether the files are being opened again (the user gave a mapping).
        """
        from fxcost.importers.csv_table import column_proposal
        from fxcost.ui.csv_mapping import CsvMappingDialog

        if not self.ask_user:
            return False  # the failure is reported like any other
        for path, message in failures:
            if not isinstance(getattr(message, "error", None), CsvColumnsUnknown):
                continue
            try:
                headers, proposal = column_proposal(path)
            except (OSError, FxCostError):  # gone or unreadable since: the failure message stands
                continue
            dialog = CsvMappingDialog(path, headers, proposal, self,
                                      self.settings.csv_currencies().get(os.path.abspath(path), ""))
            if dialog.exec() != QDialog.DialogCode.Accepted.value:
                return False
            if dialog.currency():  # a currency the user chose; else the file's own, or USD with a warning
                self.settings.set_csv_currency(path, dialog.currency())
            self._open_again(dialog.mapping(), "Opening again with your column mapping…")
            return True
        return False

    def ask_csv_currency(self, path: str) -> bool:
        """Ask which currency the account of file ``path`` is in; remember it and open the files again.

        Started by the Import panel's link under a file that prints none (a CSV, an MT4 tester report). Returns whether the user answered.
        """
        from fxcost.ui.csv_mapping import CsvCurrencyDialog

        dialog = CsvCurrencyDialog(path, self, self.settings.csv_currencies().get(os.path.abspath(path), ""))
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return False
        self.settings.set_csv_currency(path, dialog.currency())
        self._open_again(self._open_mapping, "Opening again with the account currency you gave…")
        return True

    def _summary_link(self, url) -> None:
        path = currency_link_path(url.toString())
        if path is not None:
            self.ask_csv_currency(path)
        dates = dates_link(url.toString())
        if dates is not None:
            self.read_csv_dates(*dates)

    def read_csv_dates(self, order: str, path: str) -> None:
        """Read the day/month dates of CSV file ``path`` as ``order`` ("dmy"/"mdy"), remember it, open again."""
        from fxcost.importers.csv_table import DATE_ORDERS

        self.settings.set_csv_date_order(path, order)
        self._open_again(self._open_mapping, f"Opening again with the dates read as {DATE_ORDERS[order]}…")

    def _open_again(self, csv_mapping: dict[str, str] | None, message: str) -> None:
        """Open this Open's files again (with ``csv_mapping``) once no worker runs: at once when none does (a
        modal dialog's own event loop may have seen the Open's worker finish already), else when it stops; an
        import or analysis is cancelled and its further results dropped, an export is left to finish."""
        files = list(self._open_paths)
        self.status_label.setText(message)
        if not self.jobs.busy:
            QTimer.singleShot(0, self, lambda: self.open_files(files, csv_mapping=csv_mapping))
            return
        self.jobs.reopen_with = (files, csv_mapping)
        if self.jobs.kind in ("open", "analyse"):
            self.jobs.cancel()

    def _show_summary(self, views: viewdata.Views) -> None:
        self._show_tables(views)
        unknown = [os.path.basename(f.statement.path) for f in views.result.portfolio.files
                   if f.statement.format == "csv" and not f.statement.account.currency]
        self.status_label.setText(f"{len(views.result.trades)} closed trades in "
                                  f"{len(views.result.portfolio.accounts)} account(s) · "
                                  f"profile {views.figures.get('profile')} · "
                                  f"program {views.figures.get('program') or 'none'}"
                                  + (f" · {', '.join(unknown)}: account currency unknown, taken as USD (set it in the "
                                     "Import tab)" if unknown else ""))

    def set_views(self, views: viewdata.Views) -> None:
        """Show an analysis in every view (``analysis_ready`` follows when the worker has ended).

        An early Views (``parts`` short of all) fills the views it has data for and greys the others until a
        later Views of the same analysis fills them; views already showing this analysis are left alone.
        """
        same = self.views is not None and self.views.result is views.result
        shown = self._shown_parts if same else frozenset()
        self.views = views
        # Issue 15: the commission schedules say the currency they are read in (the accounts' own).
        self.setup.set_currencies([a.currency for a in views.result.accounts if len(a.trades)] or
                                  [views.result.currency])
        fill = {"overview": lambda: self.overview.set_views(views),
                "trades": lambda: self.trades.set_frame(
                    views.result.trades,
                    {a.account_id: (a.currency, views.result.merged_rate(a)) for a in views.result.accounts},
                    views.result.currency),
                "charts": lambda: self.charts.set_views(views),
                "compare": lambda: self.compare.set_views(views),
                "ib": lambda: self.ib.set_views(views)}
        for part in viewdata.PARTS:
            if part in views.parts and part not in shown:
                fill[part]()
            # Greyed while it still shows the previous analysis (or nothing).
            self.pages[part].setEnabled(part in views.parts)
        self._shown_parts = shown | views.parts
        self.strategies.setEnabled(views.complete)  # issue 15: filled from the summary, once it is built
        if not views.complete:
            # The import and the analysis are done; the rest follows in a moment. A superseding Open or
            # setup change still cancels it (and fills every view again), a Cancel click would only
            # leave views greyed.
            self.cancel_button.hide()
        if self.tabs.currentWidget() is self.summary and self.jobs.kind == "open" and views.result.trades.size:
            self.show_tab("overview")
        self._enable_exports()
        self._shown_views = True
        if not shown:
            self.first_views_shown.emit()

    def _report_problems(self, problems: list) -> None:
        dialogs.notify(self, "fxcost: damaged files set aside",
                       "These files of yours could not be read; each line says what was done with it, and "
                       "nothing was overwritten:\n\n" + "\n".join(problems)
                       + "\n\nRepair them in a text editor and import them again.")

    # --- export ------------------------------------------------------------------------------------------

    def _save_name(self, title: str, name: str, file_filter: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, title, os.path.join(self.settings.last_dir(), name), file_filter)
        if path:
            self.settings.set_last_dir(os.path.dirname(path))
        return path

    def _report_stem(self) -> str:
        accounts = self.views.result.accounts if self.views else []
        login = accounts[0].book.account.login if accounts else ""
        return f"fxcost-{login}" if login else "fxcost-report"

    def export_excel(self) -> None:
        if self.views is None:
            return
        if _writer("excel") is None:
            dialogs.notify(self, "fxcost", "The Excel report is not available in this version of fxcost. "
                                "Export the trades as CSV instead.")
            return
        path = self._save_name("Export the Excel report", f"{self._report_stem()}.xlsx", "Excel workbook (*.xlsx)")
        if path:
            self.export_excel_to(path)

    def export_excel_to(self, path: str) -> bool:
        """Write the Excel report on a worker (``export_finished`` tells when); False if it cannot start."""
        write_workbook = _writer("excel")
        if write_workbook is None or self.views is None or self.jobs.busy:
            return False
        result, summary = self.views.result, self.views.summary  # the figures the views show (issue 10)
        self._start(Worker(lambda progress, is_cancelled: write_workbook(result, path, progress=progress,
                                                                         is_cancelled=is_cancelled, summary=summary)),
                    "export", f"Writing {os.path.basename(path)}…")
        return True

    def export_pdf(self) -> None:
        if self.views is None:
            return
        if _writer("pdf") is None:
            dialogs.notify(self, "fxcost", "The PDF summary is not available in this version of fxcost. "
                                "Export the Excel report instead.")
            return
        path = self._save_name("Export the PDF summary", f"{self._report_stem()}-summary.pdf", "PDF (*.pdf)")
        if path:
            self.export_pdf_to(path)

    def export_pdf_to(self, path: str, paper: str | None = None) -> bool:
        """Write the PDF summary on a worker (``export_finished`` tells when); False if it cannot start. The paper
        follows the system's territory (Letter in the US and Canada, else A4) unless ``paper`` names one."""
        write_pdf_summary = _writer("pdf")
        if write_pdf_summary is None or self.views is None or self.jobs.busy:
            return False
        if paper is None:
            paper = system_paper()
        result, summary = self.views.result, self.views.summary
        self._start(Worker(lambda progress, is_cancelled: write_pdf_summary(
            result, path, summary=summary, paper=paper, progress=progress, is_cancelled=is_cancelled)),
            "export", f"Writing {os.path.basename(path)}…")
        return True

    def export_csv(self) -> None:
        if self.views is None:
            return
        if _writer("csv") is None:
            dialogs.notify(self, "fxcost", "CSV export is not available in this version of fxcost.")
            return
        path = self._save_name("Export the trades as CSV", f"{self._report_stem()}-trades.csv", "CSV (*.csv)")
        if path:
            self.export_csv_to(path)

    def export_csv_to(self, path: str) -> bool:
        """Write every costed trade as CSV on a worker (``export_finished`` tells when); False if it cannot start."""
        write_trades_csv = _writer("csv")
        if write_trades_csv is None or self.views is None or self.jobs.busy:
            return False
        result, summary = self.views.result, self.views.summary
        self._start(Worker(lambda progress, is_cancelled: write_trades_csv(result, path, summary=summary)), "export",
                    f"Writing {os.path.basename(path)}…")
        return True

    # --- client statements (issue 14) ----------------------------------------------------------------------

    def _clients(self) -> list[str]:
        """The IB view's client logins (the summary's By client rows, without the Total)."""
        if self.views is None or not self.views.ib:
            return []
        return [str(a) for a in self.views.ib["by_client"]["account"] if str(a) != "Total"]

    def statement_problem(self) -> str:
        """Why client statements cannot be written now, or ""."""
        if self.views is None or not self.views.ib:
            return "Open the clients' statements and choose an IB program first."
        return ""

    def statement_program(self):
        """The program whose cashback a client statement pays: the IB view's deal (what the IB view says each
        client is owed), else the main program."""
        return self.session().ib_program(self.setup.catalog) or self.views.result.settings.main_program

    def export_client_statement(self, login: str) -> None:
        """Ask where to write client ``login``'s statement (PDF or Excel by the name's ending), then write it."""
        if _client_writer() is None:
            dialogs.notify(self, "fxcost", "Client statements are not available in this version of fxcost.")
            return
        if problem := self.statement_problem():
            dialogs.notify(self, "fxcost: client statement", problem)
            return
        month = self.ib.month()
        name = f"statement-{login}{'-' + month if month else ''}.pdf"
        path = self._save_name("Export the client statement", name, CLIENT_FILTER)
        if path:
            self.export_client_statement_to(login, path)

    def export_client_statement_to(self, login: str, path: str, month: str | None = None) -> bool:
        """Write client ``login``'s statement for ``month`` (default: the IB view's; "" all months) to ``path``, as
        PDF or Excel by its ending, on a worker (``export_finished`` tells when); False if it cannot start."""
        write = _client_writer()
        if write is None or self.views is None or self.jobs.busy:
            return False
        if problem := self.statement_problem():
            dialogs.notify(self, "fxcost: client statement", problem)
            return False
        month = self.ib.month() if month is None else month
        result, fmt, paper, program = self.views.result, _statement_format(path), system_paper(), self.statement_program()
        self._start(Worker(lambda progress, is_cancelled: write_one_statement(write, result, login, month, path, fmt,
                                                                              paper, program)),
                    "export",
            f"Writing {os.path.basename(path)}…")
        return True

    def export_client_statements(self) -> None:
        """Ask for a folder and a kind (PDF, Excel or both), then write every client's statement into it."""
        from PySide6.QtWidgets import QInputDialog

        if _client_writer() is None or not self._clients():
            return
        if problem := self.statement_problem():
            dialogs.notify(self, "fxcost: client statements", problem)
            return
        folder = QFileDialog.getExistingDirectory(self, "Write every client's statement into", self.settings.last_dir())
        if not folder:
            return
        kinds = {"PDF": ("pdf",), "Excel": ("xlsx",), "PDF and Excel": ("pdf", "xlsx")}
        kind, ok = QInputDialog.getItem(self, "Client statements", "Write each statement as:", list(kinds), 0, False)
        if ok:
            self.export_client_statements_to(folder, kinds[kind])

    def export_client_statements_to(self, folder: str, fmts=("pdf",), month: str | None = None) -> bool:
        """Write one statement per client into ``folder`` in each of ``fmts`` on a worker; False if it cannot
        start. ``export_finished`` gives the folder."""
        write = _client_writer()
        clients = self._clients()
        if write is None or self.views is None or self.jobs.busy or not clients:
            return False
        if problem := self.statement_problem():
            dialogs.notify(self, "fxcost: client statements", problem)
            return False
        month = self.ib.month() if month is None else month
        from fxcost.report.client_statement import file_name

        result, paper, program = self.views.result, system_paper(), self.statement_program()

        def job(progress, is_cancelled):
            from fxcost.report.client_statement import client_trades

            os.makedirs(folder, exist_ok=True)
            priced = client_trades(result, program)  # once for the batch, not once per client
            for i, login in enumerate(clients):
                if is_cancelled():
                    raise ImportCancelled("Export cancelled.")
                progress(i / len(clients), f"Statement of {login}")
                for fmt in fmts:
                    path = os.path.join(folder, file_name(login, month or "all-trades", fmt))
                    write_one_statement(write, result, login, month, path, fmt, paper, program, priced)
            return folder

        self._start(Worker(job), "export", f"Writing {len(clients)} client statement(s)…")
        return True

    # --- partner reports (issue 14) -------------------------------------------------------------------------

    def choose_partner_report(self) -> None:
        """Ask for the broker's partner report (CSV or Excel) and reconcile it with the IB view's figures."""
        if self.views is None or not self.views.ib:
            dialogs.notify(self, "fxcost: partner report", "Open the clients' statements and choose an IB program "
                                                           "first.")
            return
        start = os.path.dirname(self.partner_path) if self.partner_path else self.settings.last_dir()
        path, _ = QFileDialog.getOpenFileName(self, "Reconcile a partner report", start, PARTNER_FILTER)
        if path:
            self.import_partner_report(path)

    def import_partner_report(self, path: str, mapping: dict[str, str] | None = None) -> bool:
        """Read and reconcile partner report ``path`` (through ``mapping``) on a worker against the IB view's
        program; ``partner_finished`` tells how it ended. False if it cannot start (nothing open, or busy)."""
        if self.views is None or not self.views.ib or self.jobs.busy:
            return False
        result, summary, program = self.views.result, self.views.summary, self.statement_program()
        mapping = dict(mapping or {})
        self._partner_error, self._partner_job = None, (path, mapping)
        self._start(Worker(lambda progress, is_cancelled: partner_job(result, summary, path, mapping, program)),
                    "partner", f"Reconciling {os.path.basename(path)}…")
        return True

    def _show_partner(self, summary) -> None:
        rec = getattr(summary, "partner_reconciliation", summary)
        if self.views is not None and getattr(summary, "partner_reconciliation", None) is not None:
            self.views.summary = summary  # the typed summary now holds the reconciliation (summary.partner)
        self.partner_path, self.partner_mapping = self._partner_job or ("", {})
        self.ib.set_partner(rec, self.views.result.currency if self.views is not None else "")
        self.status_label.setText(f"Partner report {os.path.basename(self.partner_path)}: "
                                  + ("every client-month agrees." if rec.reconciles else
                                     f"{len(rec.differing)} client-month(s) differ (IB tab)."))

    def _partner_done(self) -> None:
        """A partner report's job has ended: on unknown columns ask for the mapping and read it again; on another
        failure say why (the figures on screen stay)."""
        from fxcost.importers.partner_report import ColumnsUnknown

        exc, (path, mapping) = self._partner_error, self._partner_job or ("", {})
        self._partner_error = None
        if exc is None:
            self.partner_finished.emit(not self.jobs.kind and self.ib.reconciliation is not None)
            return
        if isinstance(exc, ImportCancelled):
            self.status_label.setText("Partner report cancelled.")
            self.partner_finished.emit(False)
            return
        if isinstance(exc, ColumnsUnknown) and exc.headers and self.ask_user:
            from fxcost.ui.partner_mapping import PartnerMappingDialog

            dialog = PartnerMappingDialog(path, exc.headers, mapping, self)
            if dialog.exec() == QDialog.DialogCode.Accepted.value:
                self.status_label.setText("Reading the partner report again with your column mapping…")
                self.import_partner_report(path, dialog.mapping())
                return
        self.status_label.setText("The partner report was not reconciled.")
        if path == self.partner_path:  # the book's report is unreadable now: not asked again at every change
            self.partner_path, self.partner_mapping = "", {}
        text = getattr(exc, "what", None) or getattr(exc, "message", None) or str(exc)
        dialogs.notify(self, "fxcost: partner report not reconciled",
                       f"{os.path.basename(path)}: {text}\n\nExport the report again from the broker's partner "
                       "portal as CSV or Excel, with a header row naming the client account, the month or date and "
                       "the commission or reward.")
        self.partner_finished.emit(False)

    def current_chart(self) -> QWidget:
        """The chart in view: the current tab's chart, else the chosen chart of the Charts tab."""
        page = self.tabs.currentWidget()
        if page is self.compare:
            return self.compare.current_chart()
        if page is self.ib:
            return self.ib.chart
        return self.charts.current_widget()

    def export_png(self) -> None:
        path = self._save_name("Save the chart as PNG", "fxcost-chart.png", "PNG image (*.png)")
        if path:
            self.save_chart_png(path)

    def save_chart_png(self, path: str) -> bool:
        """Save the chart in view as a PNG image; shows what to do when it cannot be written."""
        if not self.current_chart().grab().save(path, "PNG"):
            dialogs.notify(self, "fxcost", f"Could not write {path}. Choose a folder you can write to.")
            return False
        self.status_label.setText(f"Saved {path}")
        return True
