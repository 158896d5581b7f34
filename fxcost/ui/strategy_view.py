"""Strategies view: costs by strategy name or magic number, the naming rule the user can edit, and a chart (issue 15).

Every figure is the summary's (``by_strategy``, ``by_magic``); this view only formats it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fxcost.analysis.strategy import RULE_HELP, StrategyRuleError, check_rule
from fxcost.summary.series import strategy_bars  # noqa: F401 (the chart series: summary.series, issue 10)
from fxcost.ui.charts import BarChart
from fxcost.ui.frame_model import FrameModel, fit_columns

#: The table's columns (the By symbol figures): (key, header, kind[, tip]).
COLUMNS = [
    ("name", "Strategy", "text"), ("trades", "Trades", "int"), ("lots", "Lots", "num"),
    ("spread_cost", "Spread (est.)", "money"), ("commission", "Commission", "money"), ("taxes", "Taxes", "money"),
    ("swap", "Swap", "money"), ("transaction_cost", "Transaction cost", "money", "Spread − commission − taxes"),
    ("rebate", "Rebate", "money", "Under the main program"),
    ("net_transaction_cost", "Cost after rebate", "money"),
    ("broker_net", "Net result", "money", "Profit + commission + taxes + swap"),
    ("net_after_rebate", "Net after rebate", "money"),
    ("cost_per_lot", "Cost/lot", "money_lot"), ("cost_per_lot_after", "Cost/lot after rebate", "money_lot"),
    ("cost_pips_per_lot", "Cost pips/lot", "num"), ("win_rate_pct", "Win rate", "pct"),
]

#: The breakdowns: (summary frame on Views, its name column, label).
BREAKDOWNS = (("by_strategy", "strategy", "Strategy name"), ("by_magic", "magic", "Magic number"))


class StrategyView(QWidget):
    """Rule editor, breakdown choice, table and chart.

    Signals:
        rule_changed(str): the user applied another naming rule ("" = the default).
    """

    rule_changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._views = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Group by"))
        self.kind = QComboBox()
        self.kind.setObjectName("strategy-kind")
        for _name, _key, label in BREAKDOWNS:
            self.kind.addItem(label)
        bar.addWidget(self.kind)
        bar.addWidget(QLabel("Name rule"))
        self.rule = QLineEdit()
        self.rule.setObjectName("strategy-rule")
        self.rule.setPlaceholderText("text before '['  (or a regular expression)")
        self.rule.setToolTip(RULE_HELP)
        bar.addWidget(self.rule, 1)
        self.apply = QPushButton("Apply")
        self.apply.setToolTip("Name the strategies with this rule (empty: the default)")
        bar.addWidget(self.apply)
        layout.addLayout(bar)
        self.help = QLabel(RULE_HELP)
        self.help.setTextFormat(Qt.TextFormat.PlainText)
        self.help.setWordWrap(True)
        self.help.setObjectName("strategy-help")
        layout.addWidget(self.help)
        self.note = QLabel("")
        self.note.setObjectName("strategy-note")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setStyleSheet("font-weight: bold")
        layout.addWidget(self.note)
        split = QSplitter(Qt.Orientation.Vertical)
        self.model = FrameModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("strategy-table")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        split.addWidget(self.table)
        self.chart = BarChart("Cost and net after rebate per strategy", "money")
        split.addWidget(self.chart)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        self.kind.currentIndexChanged.connect(self._show)
        self.apply.clicked.connect(self._apply_rule)
        self.rule.returnPressed.connect(self._apply_rule)

    def set_rule(self, rule: str) -> None:
        """Show the setup's rule (no signal)."""
        self.rule.setText(rule or "")

    def _apply_rule(self) -> None:
        text = self.rule.text().strip()
        try:
            check_rule(text)
        except StrategyRuleError as exc:
            self.note.setText(str(exc))
            self.note.show()
            return
        self.rule_changed.emit(text)

    def set_views(self, views) -> None:
        self._views = views
        self._show()

    def _show(self) -> None:
        views = self._views
        name, key, _label = BREAKDOWNS[max(0, self.kind.currentIndex())]
        frame = getattr(views, name, None) if views is not None else None
        note = getattr(views, "strategy_note", "") if views is not None else ""
        if frame is not None and len(frame):
            shown = frame.rename(columns={key: "name"}).assign(
                win_rate_pct=frame["win_rate"].to_numpy(dtype=float) * 100 if "win_rate" in frame.columns
                else np.nan)
            shown = shown.sort_values("transaction_cost", ascending=False, kind="stable")
        else:
            shown = None
        self.model.set_frame(shown, views.result.currency if views is not None else None)
        fit_columns(self.table, widest_text=260)
        self.chart.set_bars(strategy_bars(frame, key))
        if views is not None:
            self.chart.set_currency(views.result.currency)
        # Where no trade has a magic number or a comment, say so instead of a table of one "untagged" row.
        self.note.setText(note)
        self.note.setVisible(bool(note))
