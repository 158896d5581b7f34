"""Table model over the costed trades frame: numpy-backed, sorted with argsort and filtered with boolean masks.

Sized for 100k+ rows (ARCHITECTURE.md 2.4): the model keeps one numpy array per column and a
view-to-frame row index. ``sort()`` is a stable ``np.argsort`` of that index inside
``layoutAboutToBeChanged``/``layoutChanged``; a filter is a boolean mask and a model reset.
Display strings are made per requested cell from the arrays (an O(1) lookup and one format
call): formatting whole 100k-row columns up front costs about 50 ms per column, which would
put a second and a half between "analysis done" and "table ready" for cells nobody looks at.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from fxcost.money import money_text

#: Raw value of a cell (float, int, str, bool or pandas Timestamp).
RawValueRole = Qt.ItemDataRole.UserRole
#: Value used for sorting (numbers as floats, text as text).
SortRole = Qt.ItemDataRole.UserRole + 1
#: Row of the cell in the costed frame (int).
FrameRowRole = Qt.ItemDataRole.UserRole + 2
#: The roles TradesModel.data answers.
_ROLES = frozenset(int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
                                    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole, RawValueRole,
                                    SortRole, FrameRowRole))


@dataclass(frozen=True)
class Column:
    """One column: the frame's column, its header, how to show it, and a tooltip saying what it is."""

    key: str
    header: str
    kind: str  # text, int, lots, money, price, pips, bps, time, hold, bool, factor
    tip: str = ""


#: The trades table's columns, in the order shown. A trader opens this view to see what each trade cost, so
#: the cost columns come right after what identifies the trade; the rest follows. Account is first but hidden
#: while one account is loaded (TradesView). This is the only ordering: the view shows the model's order.
COLUMNS: tuple[Column, ...] = (
    Column("account", "Account", "text", "Account login (shown when several accounts are loaded)"),
    Column("currency", "Ccy", "text", "The account's currency (shown when accounts in several currencies are "
           "loaded: money columns are then converted to one currency, the header says which)"),
    Column("symbol", "Symbol", "text", "Symbol as printed by the broker"),
    Column("side", "Side", "text", "buy or sell"),
    Column("lots", "Lots", "lots", "Closed volume in lots"),
    Column("close_time", "Close time", "time", "Close time in server time"),
    Column("profit", "Profit", "money", "MetaTrader's Profit: the price result, spread already inside"),
    Column("spread_cost", "Spread (est.)", "money",
           "Estimated spread cost = round-turn spread × money per point × lots; already inside Profit "
           "(see Spread source)"),
    # Issue 12 (docs/SPREADS.md): what the estimated spread rests on, right beside it.
    Column("spread_kind", "Spread from", "text", "What the spread estimate rests on: tester (the backtest's fixed "
           "spread), measured (your bar/tick files), observed (your own same-second buy/sell fills), calibrated "
           "(the profile scaled to your fills), catalogue (your broker's published spread), profile (a typical "
           "account's) or default (none)"),
    Column("commission", "Commission", "money", "Commission as exported (negative when charged)"),
    Column("swap", "Swap", "money", "Carry: + income, − charge (not part of the transaction cost)"),
    Column("rebate", "Rebate", "money", "Rebate under the main program (see Rebate rule)"),
    Column("net_after_rebate", "Net after rebate", "money", "Profit + commission + taxes + swap + rebate"),
    Column("cost_pips", "Cost (pips)", "pips", "Transaction cost before rebate / (lots × pip value)"),
    Column("eligible", "Eligible", "bool", "Whether the trade earns a rebate under the main program"),
    Column("excluded_reason", "Excluded because", "text", "Why the main program pays nothing for it"),
    Column("ticket", "Ticket", "int", "MT4 ticket / MT5 position id"),
    Column("category", "Category", "text", "Instrument category"),
    Column("open_time", "Open time", "time", "Open time in server time"),
    Column("hold_seconds", "Held", "hold", "Holding time"),
    Column("open_price", "Open", "price", "Open price"),
    Column("close_price", "Close", "price", "Close price"),
    Column("taxes", "Taxes", "money", "MT4 Taxes / MT5 Fee (negative when charged)"),
    Column("broker_net", "Net", "money", "Profit + commission + taxes + swap: the balance change"),
    Column("transaction_cost", "Cost", "money", "Spread − commission − taxes (swap apart), before rebate"),
    Column("net_transaction_cost", "Cost after rebate", "money", "Cost − rebate"),
    Column("cost_pips_after", "Cost after rebate (pips)", "pips", "Cost after rebate / (lots × pip value)"),
    Column("bps", "bps", "bps", "Cost after rebate in basis points of the USD notional"),
    Column("rebate_rule", "Rebate rule", "text", "The program rate that priced the trade"),
    Column("spread_source", "Spread source", "text", "Where the spread came from: measured, profile, or default"),
    Column("spread_tod", "Time-of-day ×", "factor", "The time-of-day multiplier of a profile, catalogue or "
           "calibrated spread: the mean of the hourly shape at the open and the close (1 when switched off)"),
    Column("comment", "Comment", "text", "Comment as exported"),
)


MONEY_KINDS = ("money",)
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass
class TradeFilter:
    """What the trades view shows; ``None``/empty means "any"."""

    symbols: frozenset[str] = frozenset()  # symbol roots
    categories: frozenset[str] = frozenset()
    side: str | None = None  # "buy" | "sell"
    date_from: pd.Timestamp | None = None  # close time, inclusive
    date_to: pd.Timestamp | None = None  # close time, inclusive (whole day when a date)
    eligible: bool | None = None
    text: str = ""  # in ticket, symbol or comment (case-insensitive)
    extra: dict = field(default_factory=dict)
    strategy: str | None = None  # issue 15: the strategy name (analysis.strategy.names), None: any

    def is_empty(self) -> bool:
        return (not self.symbols and not self.categories and self.side is None and self.date_from is None
                and self.date_to is None and self.eligible is None and not self.text and self.strategy is None)


def _missing(kind: str, n: int) -> np.ndarray:
    """A column the frame lacks (e.g. an older result): empty text, NaT, False, 0 or NaN."""
    if kind == "text":
        return np.full(n, "", dtype=object)
    if kind == "time":
        return np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    if kind == "bool":
        return np.zeros(n, dtype=bool)
    if kind == "int":
        return np.zeros(n, dtype=np.int64)
    return np.full(n, np.nan)


def _text_array(s: pd.Series) -> np.ndarray:
    """A text column as an object array of str, missing values as "" (no copy when it already is one)."""
    values = s.to_numpy(dtype=object)
    # The common case, checked in C: every value already a str. Converting anyway costs ~40 ms a column at 100k.
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)


def _fmt_money(v: float, currency: str = "") -> str:
    """A money cell: to the cent, or without decimals in JPY and the other zero-decimal currencies (issue 15)."""
    return money_text(v, currency=currency, sep=",", missing="")


def _fmt_lots(v: float) -> str:
    return "" if math.isnan(v) else f"{v:,.2f}"


def _fmt_pips(v: float) -> str:
    return "" if not math.isfinite(v) else f"{v:,.2f}"


def _fmt_bps(v: float) -> str:
    return "" if not math.isfinite(v) else f"{v:,.2f}"


def _fmt_hold(v: float) -> str:
    if math.isnan(v):
        return ""
    s = int(v)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    return f"{s // 86400} d {s % 86400 // 3600} h"


def _fmt_time(v: int) -> str:
    # int64 nanoseconds; NaT is the minimum int64.
    if v == np.iinfo(np.int64).min:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(v // 1_000_000_000))


class TradesModel(QAbstractTableModel):
    """Every costed trade, with sort and filter that stay fast at 100k+ rows.

    Signals:
        modelReset / layoutChanged: as QAbstractItemModel; ``rowCount()`` is the filtered count.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.columns = COLUMNS
        self._frame = pd.DataFrame()
        self._strategies: np.ndarray | None = None
        self._arrays: dict[str, np.ndarray] = {}
        self._digits = np.zeros(0, dtype=np.int64)
        self._order = np.zeros(0, dtype=np.int64)  # view row -> frame row
        self._root_codes = np.zeros(0, dtype=np.int64)
        self._root_names: dict[str, int] = {}
        self._sort_keys: dict[str, np.ndarray] = {}
        self._filter = TradeFilter()
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.currency = ""  # currency of the merged money (the frame's)
        self.converted = False  # whether some account's money was converted to it
        self.native = False  # show each trade's money in its account's own currency instead
        self._merged: dict[str, np.ndarray] = {}  # the frame's money columns
        self._account_ccy = np.zeros(0, dtype=object)
        self._account_rate = np.zeros(0, dtype=float)
        self._negative = QColor(200, 40, 40)
        self._update_colours()

    # --- data in -----------------------------------------------------------------------------------------

    def set_frame(self, frame: pd.DataFrame, accounts: dict[str, tuple[str, float]] | None = None,
                  currency: str = "") -> None:
        """Show ``frame`` (the costed trades; never modified), keeping the current filter and sort.

        ``accounts`` maps each account (its value in the ``account`` column) to its currency and USD per unit of
        it; ``currency`` is the currency of the frame's money. When an account's currency differs, the money was
        converted: the headers name ``currency`` and each money cell's tooltip gives the account-currency amount.
        """
        self.beginResetModel()
        self._frame = frame
        self._strategies = None  # issue 15: given with the summary (set_strategies), after the frame
        n = len(frame)
        accounts = accounts or {}
        self.currency = currency
        self.converted = bool(currency) and any(c != currency for c, _ in accounts.values())
        self.native = self.native and self.converted
        ids = frame["account"].astype(str).to_numpy(dtype=object) if "account" in frame.columns and n else \
            np.full(n, "", dtype=object)
        # Looked up once per account, not once per trade (issue 14: 425k trades of a 500-client book).
        codes, names = pd.factorize(ids)
        self._account_ccy = np.array([accounts.get(a, ("", 1.0))[0] for a in names] + [""], dtype=object)[codes]
        self._account_rate = np.array([accounts.get(a, ("", 1.0))[1] for a in names] + [1.0], dtype=float)[codes]
        arrays: dict[str, np.ndarray] = {"currency": self._account_ccy}
        for col in self.columns:
            if col.key == "currency":
                continue
            if col.key not in frame.columns:
                arrays[col.key] = _missing(col.kind, n)
                continue
            s = frame[col.key]
            if col.kind == "time":
                arrays[col.key] = s.to_numpy("datetime64[ns]").view(np.int64)
            elif col.kind == "text":
                arrays[col.key] = _text_array(s)
            elif col.kind == "bool":
                arrays[col.key] = s.to_numpy(dtype=bool, na_value=False)
            elif col.kind == "int":
                arrays[col.key] = s.to_numpy(dtype=np.int64, na_value=0)
            else:
                arrays[col.key] = s.to_numpy(dtype=float, na_value=np.nan)
        self._merged = {c.key: arrays[c.key] for c in self.columns if c.kind == "money"}
        self._arrays = arrays
        if self.native:
            self._arrays.update(self._native_money())
        self._digits = (frame["digits"].to_numpy(dtype=np.int64, na_value=5) if "digits" in frame.columns
                        else np.full(n, 5, dtype=np.int64))
        roots = frame["symbol_root"].astype(str).to_numpy(dtype=object) if "symbol_root" in frame.columns \
            else arrays["symbol"]
        # Symbols filter on integer codes: several picked symbols cost one np.isin over ints at 100k rows.
        codes, names = pd.factorize(roots)
        self._root_codes = codes.astype(np.int64)
        self._root_names = {str(name): i for i, name in enumerate(names)}
        self._spread_pips = (frame["spread_pips"].to_numpy(dtype=float, na_value=np.nan)
                             if "spread_pips" in frame.columns else np.full(n, np.nan))
        self._sort_keys = {}
        self._order = self._filtered()
        if self._sort is not None:
            self._order = self._sorted(self._order, *self._sort)
        self.endResetModel()

    def frame(self) -> pd.DataFrame:
        return self._frame

    def _native_money(self) -> dict[str, np.ndarray]:
        rate = np.where(self._account_rate > 0, self._account_rate, 1.0)
        return {key: values / rate for key, values in self._merged.items()}

    def set_native(self, native: bool) -> None:
        """Show money in each trade's account currency (as the statement prints it) or, when False, converted to
        :attr:`currency`; only when some account's money was converted. Keeps the filter and sort."""
        native = bool(native) and self.converted
        if native == self.native:
            return
        self.beginResetModel()
        self.native = native
        self._arrays.update(self._native_money() if native else self._merged)
        self._sort_keys = {}
        order = self._filtered()
        self._order = self._sorted(order, *self._sort) if self._sort is not None else order
        self.endResetModel()

    def symbol_counts(self) -> tuple[list[str], list[int]]:
        """The symbol roots shown in the filter, sorted, with each one's number of trades."""
        if not len(self._frame):
            return [], []
        counts = np.bincount(self._root_codes, minlength=len(self._root_names))
        names = sorted(self._root_names)
        return names, [int(counts[self._root_names[n]]) for n in names]

    # --- filter and sort ---------------------------------------------------------------------------------

    def set_filter(self, spec: TradeFilter) -> None:
        """Show only the trades matching ``spec`` (a boolean mask over the arrays; keeps the sort)."""
        self.beginResetModel()
        self._filter = spec
        order = self._filtered()
        if self._sort is not None:
            order = self._sorted(order, *self._sort)
        self._order = order
        self.endResetModel()

    def filter(self) -> TradeFilter:
        return self._filter

    def set_strategies(self, names: np.ndarray | None) -> None:
        """Each frame row's strategy name (issue 15), for the strategy filter; refiltered at once."""
        self._strategies = names if names is not None and len(names) == len(self._frame) else None
        spec = self._filter
        self.set_filter(spec)

    def _filtered(self) -> np.ndarray:
        spec = self._filter
        n = len(self._frame)
        if spec.is_empty() or n == 0:
            return np.arange(n, dtype=np.int64)
        mask = np.ones(n, dtype=bool)
        if spec.symbols:
            wanted = [self._root_names[s] for s in spec.symbols if s in self._root_names]
            mask &= np.isin(self._root_codes, np.asarray(wanted, dtype=np.int64))
        if spec.categories:
            mask &= np.isin(self._arrays["category"], list(spec.categories))
        if spec.side:
            mask &= self._arrays["side"] == spec.side
        close = self._arrays["close_time"]
        if spec.date_from is not None:
            mask &= close >= pd.Timestamp(spec.date_from).value
        if spec.date_to is not None:
            end = pd.Timestamp(spec.date_to)
            if end == end.normalize():  # a date: include the whole day
                end = end + pd.Timedelta(days=1) - pd.Timedelta(nanoseconds=1)
            mask &= close <= end.value
        if spec.eligible is not None:
            mask &= self._arrays["eligible"] == spec.eligible
        if spec.strategy is not None:
            names = self._strategies
            mask &= (names == spec.strategy) if names is not None else np.zeros(n, dtype=bool)
        if spec.text:
            needle = spec.text.strip()
            hay = (pd.Series(self._arrays["ticket"]).astype(str) + " " + pd.Series(self._arrays["symbol"]) + " "
                   + pd.Series(self._arrays["comment"]))
            mask &= hay.str.contains(needle, case=False, regex=False).to_numpy(dtype=bool)
        return np.flatnonzero(mask).astype(np.int64)

    def _key(self, column: int) -> np.ndarray:
        """Numeric sort key of a column over all frame rows (text as the rank of its value; cached)."""
        col = self.columns[column]
        key = self._sort_keys.get(col.key)
        if key is None:
            values = self._arrays[col.key]
            if col.kind == "text":
                key = np.unique(values.astype(str), return_inverse=True)[1].astype(float)
            elif col.kind in ("time", "int"):
                key = values.astype(float)
                if col.kind == "time":
                    key[values == np.iinfo(np.int64).min] = np.nan
            else:
                key = values.astype(float)
            self._sort_keys[col.key] = key
        return key

    def _sorted(self, order: np.ndarray, column: int, direction: Qt.SortOrder) -> np.ndarray:
        key = self._key(column)[order]
        # Missing values go last in both directions; ties keep frame order (stable).
        key = np.where(np.isnan(key), np.inf, key if direction == Qt.SortOrder.AscendingOrder else -key)
        return order[np.argsort(key, kind="stable")]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        if not self._arrays:  # nothing shown yet: remember the order for set_frame
            self._sort = (column, order)
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old_rows = [self._order[p.row()] if p.row() < len(self._order) else -1 for p in persistent]
        self._sort = (column, order)
        self._order = self._sorted(self._order, column, order)
        if persistent:
            position = np.empty(len(self._frame), dtype=np.int64)
            position[self._order] = np.arange(len(self._order))
            new = [self.index(int(position[r]), p.column()) if r >= 0 else QModelIndex()
                   for p, r in zip(persistent, old_rows)]
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    # --- lookups -----------------------------------------------------------------------------------------

    def frame_row(self, row: int) -> int:
        """The frame row shown at view ``row``."""
        return int(self._order[row])

    def frame_rows(self) -> np.ndarray:
        """Frame rows in view order (after filter and sort)."""
        return self._order

    def column_index(self, key: str) -> int:
        for i, col in enumerate(self.columns):
            if col.key == key:
                return i
        raise KeyError(key)

    def row_currency(self, r: int) -> str:
        """The currency of a frame row's money as shown: its account's when :attr:`native`, else the merged one."""
        return str(self._account_ccy[r]) if self.native else self.currency

    def text(self, row: int, column: int) -> str:
        """The display string of a cell (view coordinates)."""
        col = self.columns[column]
        r = int(self._order[row])
        v = self._arrays[col.key][r]
        kind = col.kind
        if kind == "text":
            return v
        if kind == "money":
            return _fmt_money(v, self.row_currency(r))
        if kind == "time":
            return _fmt_time(int(v))
        if kind == "price":
            return "" if math.isnan(v) else f"{v:.{int(self._digits[r])}f}"
        if kind == "lots":
            return _fmt_lots(v)
        if kind == "pips":
            return _fmt_pips(v)
        if kind == "bps":
            return _fmt_bps(v)
        if kind == "hold":
            return _fmt_hold(v)
        if kind == "factor":  # a multiplier (spread_tod)
            return "" if not math.isfinite(v) else f"{v:.3g}"
        if kind == "bool":
            return "yes" if v else "no"
        return str(int(v))

    def tooltip(self, row: int, column: int) -> str | None:
        """A cell's tooltip: the whole text of a (possibly clipped) text cell; for the spread cost, the spread
        it was estimated from and where that came from."""
        key = self.columns[column].key
        r = int(self._order[row])
        if key == "spread_cost":
            pips, source = self._spread_pips[r], self._arrays["spread_source"][r]
            if math.isfinite(pips):
                return f"Estimated from a {pips:.2f}-pip round-turn spread ({source})" if source else \
                    f"Estimated from a {pips:.2f}-pip round-turn spread"
            return None
        if key == "spread_kind":  # the kind's full label: "observed: median of 143 same-second pairs", ...
            return self._arrays["spread_source"][r] or self._arrays[key][r] or None
        if self.columns[column].kind == "text":
            return self._arrays[key][r] or None
        if self.converted and self.columns[column].kind == "money":
            v, ccy, rate = self._merged[key][r], self._account_ccy[r], self._account_rate[r]
            if math.isfinite(v) and ccy and ccy != self.currency and rate:
                return (f"{_fmt_money(v / rate, ccy)} {ccy} in the account's currency = "
                        f"{_fmt_money(v, self.currency)} {self.currency} at 1 {ccy} = {rate:.6g} {self.currency}")
        return None

    def raw(self, row: int, column: int):
        col = self.columns[column]
        r = int(self._order[row])
        v = self._arrays[col.key][r]
        if col.kind == "time":
            return None if v == np.iinfo(np.int64).min else pd.Timestamp(int(v))
        if col.kind == "bool":
            return bool(v)
        if col.kind == "int":
            return int(v)
        if col.kind == "text":
            return str(v)
        return float(v)

    def copy_text(self, rows: list[int], columns: list[int] | None = None, header: bool = True) -> str:
        """Rows (view order) as tab-separated text for the clipboard, with a header line."""
        columns = list(range(len(self.columns))) if columns is None else columns
        lines = ["\t".join(self.header(c) for c in columns)] if header else []
        for row in rows:
            lines.append("\t".join(self.text(row, c).replace(",", "") if self.columns[c].kind not in ("text",)
                                   else self.text(row, c) for c in columns))
        return "\n".join(lines) + "\n"

    # --- QAbstractTableModel -----------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Roles without a value here leave first: a view asks for about eight roles per cell it paints.
        if role not in _ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if row >= len(self._order) or column >= len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        kind = self.columns[column].kind
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(LEFT if kind in ("text", "bool", "time") else RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole:
            if kind in MONEY_KINDS:
                v = self._arrays[self.columns[column].key][self._order[row]]
                if v < 0:
                    return self._negative
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == RawValueRole:
            return self.raw(row, column)
        if role == SortRole:
            v = self._key(column)[self._order[row]]
            return None if math.isnan(v) else float(v)
        if role == FrameRowRole:
            return int(self._order[row])
        return None

    def header(self, column: int) -> str:
        """A column's header as copied: money columns name their currency when some account's money was converted
        (the table's own headers stay short; the view says the currency above the table)."""
        col = self.columns[column]
        if not (self.converted and col.kind == "money"):
            return col.header
        return f"{col.header} (account ccy)" if self.native else f"{col.header} ({self.currency})"

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            col = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return col.header
            if role == Qt.ItemDataRole.ToolTipRole:
                return col.tip
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(LEFT if col.kind in ("text", "bool", "time") else RIGHT)
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def _update_colours(self) -> None:
        app = QApplication.instance()
        dark = bool(app) and app.palette().color(QPalette.ColorRole.Base).lightness() < 128
        self._negative = QColor(255, 110, 110) if dark else QColor(190, 30, 30)

    def palette_changed(self) -> None:
        """Re-pick the negative-number colour after a light/dark switch."""
        self._update_colours()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.ForegroundRole])

