"""Compare view: the same history under other rebate programs and spread profiles, and sensitivity sweeps."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMenu, QTableView, QTabWidget, QVBoxLayout, QWidget

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


class CompareView(QWidget):
    """What-if table over a chart of net after rebate per setup, and the spread and rebate sweeps."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.note = QLabel("Choose programs and spread profiles to compare in the setup panel (“Compare”).")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.model = FrameModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("compare-table")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        for c, (key, *_rest) in enumerate(COLUMNS):
            self.table.setColumnHidden(c, key in HIDDEN_AT_FIRST)
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
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([160, 460])
        layout.addWidget(splitter, 1)

    def column_menu(self) -> QMenu:
        """Every column with a tick for whether it is shown (what a right-click on the header opens)."""
        menu = QMenu(self)
        for c, (_key, title, *_rest) in enumerate(COLUMNS):
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
        self.model.set_frame(frame, ccy)
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
        for chart in (self.chart, self.difference, self.spread_sweep, self.rebate_sweep):
            chart.apply_theme()

