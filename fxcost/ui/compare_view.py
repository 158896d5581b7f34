"""Compare view: the same history under other rebate programs and spread profiles, and sensitivity sweeps.

Issue 14: the IB's side of every compared deal: IB earnings, passed back, IB keeps and each per lot beside each
setup (Summary.ib_compare), per client (Summary.ib_compare_by_client), and the pass-back sweep (what the IB keeps
and what the clients get at 0-100 %, Summary.passback_sweep). The view formats the summary's tables only.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMenu, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget

from fxcost.summary.series import short_name  # noqa: F401 (as before)
from fxcost.ui.charts import BarChart, XYChart
from fxcost.ui.frame_model import FitSplitter, FrameModel, fit_columns

#: Columns of the what-if table: (Outcome field, header, kind, tooltip). What a trader compares (net after
#: rebate and its difference to the actual setup, the rebate, the cost) comes first; what each setup is made
#: of (profile, commission schedule, program) last, since the setup's name already says it.
COLUMNS = [
    ("name", "Setup", "text", "The actual setup first, then each compared program and profile"),
    ("net_after_rebate", "Net after rebate", "money", "Net + rebate"),
    ("difference", "vs actual", "money", "Net after rebate minus the actual setup's: + means this setup pays more"),
    ("rebate", "Rebate", "money", "Σ rebate under this setup's program"),
    ("net_transaction_cost", "Cost after rebate", "money", "Cost − rebate"),
    ("cost_pips_per_lot_after", "Pips/lot after rebate", "num", "Cost after rebate / Σ (lots × pip value)"),
    ("spread_cost", "Spread (est.)", "money", "Σ spread × M × lots under this setup's profile"),
    ("commission_total", "Commission", "money", "Σ commission under this setup: as exported for the account's own "
     "type, else what the compared account type charges (none on a Standard account); negative when charged"),
    ("broker_net", "Net", "money", "Σ (Profit' + commission + taxes + swap), Profit' = mid P&L − spread'"),
    ("transaction_cost", "Cost", "money", "Spread − commission − taxes, before rebate"),
    ("cost_pips_per_lot_before", "Cost pips/lot", "num", "Cost / Σ (lots × pip value), before rebate"),
    ("trades", "Trades", "int", "Closed trades re-priced"),
    ("lots", "Lots", "num", "Σ lots"),
    ("profile", "Spread profile", "text", "The spread profile this setup prices the trades with"),
    ("commission", "Commission schedule", "text", "The commission this setup charges (as exported, or a schedule)"),
    ("program", "Rebate program", "text", "The rebate program this setup pays"),
]

#: Issue 14: the IB's columns of each setup with a program (Summary.ib_compare, joined to its row by name).
IB_COLUMNS = [
    ("ib_earnings", "IB earnings", "money", "Σ what the broker pays the IB under this setup's program"),
    ("passed_back", "Passed back", "money", "What the IB passes back to its clients (each client's share)"),
    ("ib_keeps", "IB keeps", "money", "IB earnings − passed back"),
    ("ib_earnings_per_lot", "IB earnings per lot", "money", "IB earnings / lots"),
    ("passed_back_per_lot", "Passed back per lot", "money", "Passed back / lots: what a client gets per lot"),
    ("ib_keeps_per_lot", "IB keeps per lot", "money", "IB keeps / lots"),
]
IB_KEYS = frozenset(k for k, *_ in IB_COLUMNS)
ALL_COLUMNS = COLUMNS + IB_COLUMNS

#: The per-client table of every deal (Summary.ib_compare_by_client): each client's deals side by side.
CLIENT_COLUMNS = [
    ("client", "Client account", "text", "Login, and the account holder's name"),
    ("setup", "Setup", "text", "The deal (setup) these figures are under"),
    ("trades", "Trades", "int", ""),
    ("lots", "Lots", "num", ""),
    ("ib_earnings", "IB earnings", "money", "What the broker pays the IB for this client's trades"),
    ("share_pct", "Share passed back", "pct", "Passed back / IB earnings"),
    ("passed_back", "Passed back", "money", "What the client gets"),
    ("ib_keeps", "IB keeps", "money", "IB earnings − passed back"),
    ("passed_back_per_lot", "Passed back per lot", "money", "What the client gets per lot under this deal"),
    ("ib_keeps_per_lot", "IB keeps per lot", "money", "What the IB keeps per lot of this client's"),
]

#: The pass-back sweep (Summary.passback_sweep).
SWEEP_COLUMNS = [
    ("label", "Passed back", "text", "The share of each client's earnings passed back; the program's own share "
     "is the row marked “program”"),
    ("ib_earnings", "IB earnings", "money", "The same at every share"),
    ("passed_back", "Clients get", "money", "What the clients get at this share"),
    ("ib_keeps", "IB keeps", "money", "What the IB keeps at this share"),
    ("clients_rebate_per_lot", "Clients get per lot", "money", ""),
    ("ib_keeps_per_lot", "IB keeps per lot", "money", ""),
]


#: Columns hidden until the user shows them (right-click on the header): the same in every row (trades, lots),
#: already said by the setup's name (profile, commission schedule, program), or the before-rebate twins of shown
#: figures. The table then fits a laptop screen beside the setup panel.
HIDDEN_AT_FIRST = frozenset({"trades", "lots", "profile", "commission", "program", "transaction_cost",
                             "cost_pips_per_lot_before"})


def outcomes_frame(outcomes: list) -> pd.DataFrame:
    """The what-if outcomes as a frame, with the difference to the first (actual) row."""
    frame = pd.DataFrame([o.__dict__ for o in outcomes])
    if len(frame):
        frame["difference"] = frame["net_after_rebate"] - float(frame["net_after_rebate"].iloc[0])
    return frame


def with_ib_columns(frame: pd.DataFrame, ib_compare: pd.DataFrame | None) -> pd.DataFrame:
    """The what-if rows with each deal's IB columns beside them (joined by setup name; a setup without a program
    has none). The IB view's own program, when compared nowhere else, is in the IB view, not here."""
    if ib_compare is None or not len(ib_compare) or not len(frame):
        return frame
    ib = ib_compare.drop_duplicates("setup")
    keep = ["setup", *(k for k in IB_KEYS if k in ib.columns)]
    return frame.merge(ib[keep], left_on="name", right_on="setup", how="left").drop(columns="setup")


def compares_ib_deals(frame: pd.DataFrame, ib_compare: pd.DataFrame | None) -> bool:
    """Whether a setup of the what-if table is an IB's deal (it passes a share back): then the IB's columns lead."""
    if ib_compare is None or not len(ib_compare) or not len(frame):
        return False
    return bool(ib_compare.loc[ib_compare["setup"].isin(frame["name"]), "is_ib"].astype(bool).any())


def sweep_frame(sweep: pd.DataFrame | None) -> pd.DataFrame | None:
    """The pass-back sweep with its share as a label ("50 %", and "program" on the program's own row)."""
    if sweep is None or not len(sweep):
        return None
    out = sweep.copy()
    own = out["is_program"].to_numpy(dtype=bool) if "is_program" in out.columns else [False] * len(out)
    out["label"] = [f"{p:g} % (program)" if o else f"{p:g} %" for p, o in zip(out["pass_back_pct"], own)]
    return out


class CompareView(QWidget):
    """What-if table over a chart of net after rebate per setup, and the spread and rebate sweeps."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.note = QLabel("Choose programs and spread profiles to compare in the setup panel (“Compare”).")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.model = FrameModel(ALL_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("compare-table")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        for c, (key, *_rest) in enumerate(ALL_COLUMNS):
            self.table.setColumnHidden(c, key in HIDDEN_AT_FIRST or key in IB_KEYS)
        self._ib_shown = False  # the IB columns are shown once a compared deal is an IB's
        fit_columns(self.table)
        self.splitter = splitter = FitSplitter(self.table)
        splitter.addWidget(self.table)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("compare-charts")
        self.chart = BarChart("Net after rebate per setup", "money")
        self.difference = BarChart("Difference from the actual setup (+ = this setup pays more)", "money")
        self.spread_sweep = XYChart("If every trade paid more spread", "extra spread (pips per round turn)", "money")
        self.rebate_sweep = XYChart("If the rebate rate were scaled", "rebate multiplier (1 = main program)",
                                    "money")
        self.tabs.addTab(self.chart, "Setups")
        self.tabs.addTab(self.difference, "vs actual")  # issue 15
        self.tabs.addTab(self.spread_sweep, "Spread sweep")
        self.tabs.addTab(self.rebate_sweep, "Rebate sweep")
        # Issue 14: the IB's side: each client under each deal, and what the IB keeps at each pass-back share.
        self.client_model = FrameModel(CLIENT_COLUMNS, self)
        self.client_table = self._small_table(self.client_model, "compare-ib-clients")
        self.tabs.addTab(self.client_table, "IB: deals per client")
        self.sweep_model = FrameModel(SWEEP_COLUMNS, self)
        self.sweep_table = self._small_table(self.sweep_model, "compare-passback-table")
        # Short titles: the chart shares its tab with the table, and a title wider than the chart would widen it.
        self.passback_chart = XYChart("IB keeps, clients get", "passed back (%)", "money")
        sweep_page = QSplitter(Qt.Orientation.Horizontal)
        sweep_page.addWidget(self.sweep_table)
        sweep_page.addWidget(self.passback_chart)
        sweep_page.setStretchFactor(1, 1)
        sweep_page.setSizes([470, 380])
        self.passback_page = sweep_page
        self.tabs.addTab(sweep_page, "IB: pass-back sweep")
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([160, 460])
        layout.addWidget(splitter, 1)

    def _small_table(self, model: FrameModel, name: str) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        table.setModel(model)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        table.verticalHeader().hide()
        return table

    def _show_ib_columns(self, shown: bool) -> None:
        """Show the IB's columns right after the setup's name (an IB compares deals by what it keeps), or hide
        them at the end again; the model's order stays, only the header's visual order moves."""
        header = self.table.horizontalHeader()
        first = len(COLUMNS)
        for k in range(len(IB_COLUMNS)):
            logical = first + k
            self.table.setColumnHidden(logical, not shown)
            header.moveSection(header.visualIndex(logical), 1 + k if shown else header.count() - 1)
        self._ib_shown = shown
        fit_columns(self.table)

    def column_menu(self) -> QMenu:
        """Every column with a tick for whether it is shown (what a right-click on the header opens)."""
        menu = QMenu(self)
        for c, (_key, title, *_rest) in enumerate(ALL_COLUMNS):
            if c == 0:
                continue  # the setup's name: always shown
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(c))
            action.toggled.connect(lambda on, c=c: self._show_column(c, on))
        return menu

    def _column_menu(self, pos) -> None:
        self.column_menu().exec(self.table.horizontalHeader().mapToGlobal(pos))

    def _show_column(self, column: int, shown: bool) -> None:
        self.table.setColumnHidden(column, not shown)
        fit_columns(self.table)

    def set_views(self, views) -> None:
        frame = outcomes_frame(views.compare)
        ccy = views.result.currency
        summary = getattr(views, "summary", None)
        ib_compare = getattr(summary, "ib_compare", None)
        self.model.set_frame(with_ib_columns(frame, ib_compare), ccy)
        is_ib = compares_ib_deals(frame, ib_compare)
        if is_ib != self._ib_shown:  # an IB's deals: its columns shown (the user may hide them again)
            self._show_ib_columns(is_ib)
        by_client = getattr(summary, "ib_compare_by_client", None)
        if by_client is not None and len(by_client):
            by_client = by_client.sort_values(["account", "setup"], kind="stable", ignore_index=True)
        self.client_model.set_frame(by_client, ccy)
        fit_columns(self.client_table)
        sweep = sweep_frame(getattr(summary, "passback_sweep", None))
        self.sweep_model.set_frame(sweep, ccy)
        fit_columns(self.sweep_table)
        self.passback_chart.set_currency(views.result.currency)
        if sweep is not None:
            # Every share, the program's own among them (it lies on the same lines), in order.
            grid = sweep.sort_values("pass_back_pct", kind="stable").drop_duplicates("pass_back_pct")
            x = grid["pass_back_pct"].to_numpy(dtype=float)
            self.passback_chart.set_lines([("IB keeps", x, grid["ib_keeps"].to_numpy(dtype=float)),
                                           ("Clients get", x, grid["passed_back"].to_numpy(dtype=float))], " %")
        else:
            self.passback_chart.set_lines([], " %")
        fit_columns(self.table)
        self.splitter.fit()
        for chart in (self.chart, self.difference, self.spread_sweep, self.rebate_sweep):
            chart.set_currency(ccy)
        self.chart.set_bars(views.compare_bars)  # the summary's series (summary.series.compare_bars)
        self.difference.set_bars(views.compare_difference)
        lines = []
        if views.spread_sweep is not None:
            s = views.spread_sweep
            lines = [("Net after rebate", s["extra_pips"].to_numpy(), s["net_after_rebate"].to_numpy())]
        self.spread_sweep.set_lines(lines, " pips")
        lines = []
        if views.rebate_sweep is not None:
            r = views.rebate_sweep
            lines = [("Net after rebate", r["rebate_multiplier"].to_numpy(), r["net_after_rebate"].to_numpy()),
                     ("Rebate", r["rebate_multiplier"].to_numpy(), r["rebate"].to_numpy())]
        self.rebate_sweep.set_lines(lines, "×")
        n = max(0, len(frame) - 1)
        self.note.setText(
            f"The same trades re-priced under {n} other setup(s): the market's move (mid-price P&L) stays, "
            f"spread, commission and rebate change. Figures in {ccy}. Choose what to compare in the setup panel; "
            "right-click the table's header for more columns."
            if n else "Nothing to compare yet: tick programs or spread profiles under “Compare” in the setup panel.")

    def current_chart(self) -> QWidget:
        return self.tabs.currentWidget()

    def apply_theme(self) -> None:
        for chart in (self.chart, self.difference, self.spread_sweep, self.rebate_sweep, self.passback_chart):
            chart.apply_theme()

