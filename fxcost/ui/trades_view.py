"""Trades view: the costed trades in a fast table with filters (symbols, category, side, dates, eligibility, text)."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fxcost.money import money_with_unit
from fxcost.ui.checklist import CheckList
from fxcost.ui.date_edit import IsoDateEdit
from fxcost.ui.trades_model import TradeFilter, TradesModel

ANY = "All"
#: The earliest date of the date pickers; it stands for "no limit" and is shown as "any".
NO_DATE = QDate(1970, 1, 1)


def _combo(name: str, tip: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setToolTip(tip)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


def _date_edit(name: str, tip: str) -> QDateEdit:
    # Issue 15: takes a typed ISO date (QDateEdit blanked "2025-07-01" typed over "any").
    edit = IsoDateEdit("any")
    edit.setObjectName(name)
    edit.setToolTip(tip)
    return edit


class TradesView(QWidget):
    """Filter bar, table and a status line of what is shown."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = TradesModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.symbol = CheckList("symbol", "Symbols are normalised: EURUSD also covers EURUSD.r, eurusd.pro…")
        self.symbol.setObjectName("filter-symbol")
        self.category = _combo("filter-category", "Instrument category")
        self.side = _combo("filter-side", "Buy or sell")
        self.side.addItems([ANY, "buy", "sell"])
        self.eligible = _combo("filter-eligible", "Whether the main rebate program pays for the trade")
        self.eligible.addItems([ANY, "Eligible", "Excluded"])
        self.date_from = _date_edit("filter-from", "First close date shown (server time)")
        self.date_to = _date_edit("filter-to", "Last close date shown (server time)")
        # Issue 15: the strategy (from the comment by the setup's rule, else the magic number).
        self.strategy = _combo("filter-strategy", "The trade's strategy: its comment's name by the rule in the "
                               "Strategies tab, else its magic number")
        self.strategy.addItem(ANY)
        self.find = QLineEdit()
        self.find.setObjectName("filter-text")
        self.find.setPlaceholderText("Find ticket, symbol, comment…")
        self.find.setClearButtonEnabled(True)
        self.reset = QPushButton("Reset")
        self.reset.setToolTip("Show every trade")
        # Two rows, so the bar never forces the window wider than a laptop screen next to the setup panel.
        second = QHBoxLayout()
        for row, items in ((bar, (("Symbols", self.symbol), ("Category", self.category), ("Side", self.side),
                                  ("Rebate", self.eligible))),
                           (second, (("Closed from", self.date_from), ("to", self.date_to),
                                     ("Strategy", self.strategy)))):
            for label, widget in items:
                row.addWidget(QLabel(label))
                row.addWidget(widget)
        bar.addStretch(1)
        second.addWidget(self.find, 1)
        second.addWidget(self.reset)
        layout.addLayout(bar)
        layout.addLayout(second)
        # Accounts in several currencies: the money columns are converted to one; say which, and offer each
        # account's own amounts (what its statement prints) instead.
        third = QHBoxLayout()
        self.currency_note = QLabel("")
        self.currency_note.setObjectName("trades-currency-note")
        self.native = QCheckBox("Show each account's own currency")
        self.native.setObjectName("trades-native")
        self.native.setToolTip("Money as each statement prints it (see the Ccy column); the totals below stay "
                               "converted, so they add up")
        self.native.toggled.connect(self._native_toggled)
        third.addWidget(self.currency_note)
        third.addWidget(self.native)
        third.addStretch(1)
        layout.addLayout(third)
        self.currency_note.hide()
        self.native.hide()

        self.table = QTableView()
        self.table.setObjectName("trades-table")
        self.table.setModel(self.model)
        # No sort until the user clicks a header: the frame's own order (close time) is the natural one.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        # Fixed row height and interactive columns: nothing is measured per row at 100k rows (ARCHITECTURE 2.4).
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        vh.hide()
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setDefaultSectionSize(92)
        # Narrow enough that the cost columns up to Eligible fit beside the setup panel on a 1366-px screen.
        for key, width in (("account", 110), ("currency", 44), ("symbol", 74), ("side", 40), ("lots", 50),
                           ("close_time", 142),
                           ("profit", 80), ("spread_cost", 86), ("commission", 82), ("swap", 66), ("rebate", 66),
                           ("net_after_rebate", 106), ("cost_pips", 78), ("eligible", 58), ("excluded_reason", 220),
                           ("open_time", 132), ("rebate_rule", 200), ("spread_source", 200), ("comment", 160),
                           ("spread_kind", 80), ("spread_tod", 90),
                           ("ticket", 80), ("category", 80), ("cost_pips_after", 150), ("net_transaction_cost", 110)):
            hh.resizeSection(self.model.column_index(key), width)
        layout.addWidget(self.table, 1)
        self.status = QLabel("")
        self.status.setObjectName("trades-status")
        layout.addWidget(self.status)

        self.copy_action = QAction("Copy", self, shortcut=QKeySequence.StandardKey.Copy, triggered=self.copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.copy_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        # Typing refilters after a short pause, so each keystroke does not rescan 100k comments.
        self._text_timer = QTimer(self, singleShot=True, interval=200, timeout=self.apply_filter)
        self.find.textChanged.connect(self._text_timer.start)
        self.symbol.changed.connect(self.apply_filter)
        for box in (self.category, self.side, self.eligible, self.strategy):
            box.currentIndexChanged.connect(self.apply_filter)
        self.date_from.dateChanged.connect(self.apply_filter)
        self.date_to.dateChanged.connect(self.apply_filter)
        self.reset.clicked.connect(self.reset_filter)
        self.model.modelReset.connect(self._update_status)
        self.model.layoutChanged.connect(self._update_status)
        self._update_status()

    def set_frame(self, frame: pd.DataFrame, accounts: dict[str, tuple[str, float]] | None = None,
                  currency: str = "") -> None:
        """Show a new costed frame; filter choices follow its symbols and categories, kept where possible.

        ``accounts`` and ``currency``: see :meth:`TradesModel.set_frame`."""
        box, current = self.category, self.category.currentText()
        box.blockSignals(True)
        box.clear()
        box.addItems([ANY, *(sorted(frame["category"].astype(str).unique()) if len(frame) else [])])
        box.setCurrentIndex(max(0, box.findText(current)))
        box.blockSignals(False)
        self.model.set_frame(frame, accounts, currency)
        self.symbol.blockSignals(True)
        self.symbol.set_choices(*self.model.symbol_counts())
        self.symbol.blockSignals(False)
        # One account: its login on every row says nothing; several: it tells the rows apart.
        accounts = frame["account"].nunique() if "account" in frame.columns and len(frame) else 0
        self.table.setColumnHidden(self.model.column_index("account"), accounts <= 1)
        self.table.setColumnHidden(self.model.column_index("currency"), not self.model.converted)
        self.currency_note.setVisible(self.model.converted)
        self.native.setVisible(self.model.converted)
        self.native.blockSignals(True)  # the model may have dropped native mode (one currency): follow it
        self.native.setChecked(self.model.native)
        self.native.blockSignals(False)
        self._update_currency_note()
        if len(frame) and "close_time" in frame.columns:  # issue 15: the calendars open on the data's dates
            first, last = frame["close_time"].min(), frame["close_time"].max()
            if not pd.isna(first):
                self.date_from.set_anchor(QDate(first.year, first.month, first.day))
                self.date_to.set_anchor(QDate(last.year, last.month, last.day))
        self.apply_filter()

    def current_filter(self) -> TradeFilter:
        def pick(box: QComboBox) -> frozenset[str]:
            return frozenset() if box.currentIndex() <= 0 else frozenset([box.currentText()])

        def day(edit: QDateEdit):
            d = edit.date()
            return None if d == NO_DATE else pd.Timestamp(d.year(), d.month(), d.day())

        eligible = {1: True, 2: False}.get(self.eligible.currentIndex())
        return TradeFilter(symbols=self.symbol.picked(), categories=pick(self.category),
                           side=None if self.side.currentIndex() <= 0 else self.side.currentText(),
                           date_from=day(self.date_from), date_to=day(self.date_to), eligible=eligible,
                           text=self.find.text().strip(),
                           strategy=None if self.strategy.currentIndex() <= 0 else self.strategy.currentText())

    def set_strategies(self, names) -> None:
        """Each shown trade's strategy (the summary's, issue 15): the Strategy filter's choices, kept where possible."""
        current = self.strategy.currentText()
        self.strategy.blockSignals(True)
        self.strategy.clear()
        self.strategy.addItem(ANY)
        if names is not None and len(names):
            self.strategy.addItems(sorted({str(n) for n in names}))
        self.strategy.setCurrentIndex(max(0, self.strategy.findText(current)))
        self.strategy.blockSignals(False)
        self.model.set_strategies(names)
        self.apply_filter()

    def apply_filter(self) -> None:
        spec = self.current_filter()
        if spec != self.model.filter():
            self.model.set_filter(spec)

    def reset_filter(self) -> None:
        for w in (self.symbol, self.category, self.side, self.eligible, self.date_from, self.date_to, self.find,
                  self.strategy):
            w.blockSignals(True)
        self.symbol.clear()
        for box in (self.category, self.side, self.eligible, self.strategy):
            box.setCurrentIndex(0)
        self.date_from.setDate(NO_DATE)
        self.date_to.setDate(NO_DATE)
        self.find.clear()
        for w in (self.symbol, self.category, self.side, self.eligible, self.date_from, self.date_to, self.find,
                  self.strategy):
            w.blockSignals(False)
        self.apply_filter()

    def focus_find(self) -> None:
        self.find.setFocus()
        self.find.selectAll()

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})

    def header_key(self) -> str:
        """The settings name of the table header's saved state; it changes with the columns, so widths and
        order saved for another column list are never applied to the wrong columns."""
        keys = ",".join(c.key for c in self.model.columns)
        return f"trades-{zlib.crc32(keys.encode()):08x}"

    def visible_columns(self) -> list[int]:
        """The columns on screen, in the order the user arranged them (hidden ones left out)."""
        hh = self.table.horizontalHeader()
        logical = (hh.logicalIndex(v) for v in range(hh.count()))
        return [c for c in logical if not hh.isSectionHidden(c)]

    def copy(self) -> None:
        """Copy the selected rows (the visible columns as arranged, tab-separated with a header) to the clipboard."""
        rows = self.selected_rows()
        if rows:
            QApplication.clipboard().setText(self.model.copy_text(rows, self.visible_columns()))

    def _native_toggled(self, on: bool) -> None:
        self.model.set_native(on)
        self._update_currency_note()

    def _update_currency_note(self) -> None:
        m = self.model
        self.currency_note.setText("Money columns: each account's own currency (Ccy)." if m.native else
                                   f"Money columns converted to {m.currency} (each trade's account currency: Ccy).")

    def _update_status(self) -> None:
        frame = self.model.frame()
        total = len(frame)
        shown = self.model.rowCount()
        if not total:
            self.status.setText("No trades.")
            return
        rows = self.model.frame_rows()
        net = float(np.nansum(frame["net_after_rebate"].to_numpy(dtype=float)[rows])) if shown else 0.0
        cost = float(np.nansum(frame["net_transaction_cost"].to_numpy(dtype=float)[rows])) if shown else 0.0
        ccy = self.model.currency  # totals: always the merged, converted money (no decimals in JPY, issue 15)
        self.status.setText(f"{shown:,} of {total:,} trades shown · net after rebate {money_with_unit(net, ccy)} · "
                            f"cost after rebate {money_with_unit(cost, ccy)} · Ctrl+C copies the selected rows")
