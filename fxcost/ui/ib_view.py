"""IB view: an introducing broker's clients, volume, earnings, share passed back and what the IB keeps, by month."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fxcost.ui.charts import BarChart
from fxcost.ui.frame_model import FitSplitter, FrameModel, fit_columns
from fxcost.ui.viewdata import Bars, fill_months

#: Widest the client column gets before a name wraps onto more lines (pixels): the money columns come first.
CLIENT_WIDTH = 130

TABLES = (("by_client", "By client"), ("by_month", "By month"), ("by_client_month", "By client and month"))

VALUES = [
    ("trades", "Trades", "int", ""),
    ("lots", "Lots", "num", "Closed volume"),
    ("notional_usd", "Notional (USD)", "money", "Σ lots × open price × contract, in USD"),
    ("ib_earnings", "IB earnings", "money", "Σ rebate the broker pays the IB under the IB program"),
    ("share_pct", "Share passed back", "pct", "Passed back / IB earnings (clients at different shares average)"),
    ("passed_back", "Passed back", "money", "What the IB returns to the client"),
    ("ib_keeps", "IB keeps", "money", "IB earnings − passed back"),
    ("earnings_per_lot", "Earnings per lot", "money", "IB earnings / lots"),
]


def _columns(key: str) -> list[tuple]:
    client = [("client", "Client account", "text", "Login, and the account holder's name as the statement prints it")]
    keys = {"by_client": client,
            "by_month": [("month", "Month", "text")],
            "by_client_month": [*client, ("month", "Month", "text")]}[key]
    return keys + VALUES


class IBView(QWidget):
    """A roll-up table (by client / month / both) and a monthly chart of IB earnings vs what is passed back."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rollup: dict | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.heading = QLabel("")
        self.heading.setObjectName("ib-heading")
        self.heading.setWordWrap(True)
        self.table_choice = QComboBox()
        self.table_choice.setObjectName("ib-table-choice")
        for _key, label in TABLES:
            self.table_choice.addItem(label)
        top.addWidget(self.heading, 1)
        top.addWidget(self.table_choice)
        layout.addLayout(top)
        self.models = {key: FrameModel(_columns(key), self) for key, _ in TABLES}
        self.table = QTableView()
        self.table.setObjectName("ib-table")
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.chart = BarChart("IB earnings by month: passed back to clients and kept", "money")
        self.splitter = splitter = FitSplitter(self.table)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([160, 480])
        layout.addWidget(splitter, 1)
        self.table_choice.currentIndexChanged.connect(self._show_table)
        self._show_table(0)

    def _show_table(self, index: int) -> None:
        self.table.setModel(self.models[TABLES[max(0, index)][0]])
        fit_columns(self.table, widest_text=CLIENT_WIDTH)
        self.splitter.fit()

    def model(self) -> FrameModel:
        return self.models[TABLES[max(0, self.table_choice.currentIndex())][0]]

    def set_views(self, views) -> None:
        self.rollup = views.ib
        for key, model in self.models.items():
            model.set_frame(views.ib[key] if views.ib else None)
        fit_columns(self.table, widest_text=CLIENT_WIDTH)
        self.splitter.fit()
        ccy = views.result.currency
        self.chart.set_currency(ccy)
        if views.ib:
            month = views.ib["by_month"]
            month = month[month["month"] != "Total"]
            # Every month of the range, a month without trades at 0 (UX review item 9).
            self.chart.set_bars(fill_months(Bars(
                labels=[str(m) for m in month["month"]],
                series={"Passed back to clients": month["passed_back"].to_numpy(dtype=float),
                        "IB keeps": month["ib_keeps"].to_numpy(dtype=float)},
                stacked=True, unit=ccy, line=("IB earnings", month["ib_earnings"].to_numpy(dtype=float)))))
            total = views.ib["by_client"].iloc[-1]
            clients = len(views.ib["by_client"]) - 1
            self.heading.setText(
                f"<b>{views.ib_program}</b>: {clients} client account(s), {total['lots']:,.2f} lots, "
                f"IB earnings {total['ib_earnings']:,.2f} {ccy}, passed back {total['passed_back']:,.2f}, "
                f"IB keeps {total['ib_keeps']:,.2f}. {views.ib_note}")
        else:
            self.chart.set_bars(None)
            self.heading.setText(views.ib_note or "No IB figures.")

    def apply_theme(self) -> None:
        self.chart.apply_theme()
