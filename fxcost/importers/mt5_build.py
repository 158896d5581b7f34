"""MT5 report builder shared by the HTML and XLSX readers: section tables of raw cells -> one Statement.

Both readers turn their file into :class:`Sheet` objects: rows of raw cell values by column
position (an HTML cell's ``colspan`` or an XLSX merged range covers several positions, only the
first holding the value; HTML ``class="hidden"`` cells are left out, the hidden Positions comment
goes into ``Sheet.notes``). Everything after that happens here, once for both formats:

1. :func:`_scan` splits the rows into tables (a header row followed by rows that start with a
   date-time), label blocks (``Label:`` value rows: account header, summary, results, tester
   settings) and title rows. Nothing depends on the UI language: headings and labels are
   translated (EN, FR, JA, BG, SK...), the structure and the data tokens are not (FORMATS.md 0, 3.6).
2. :func:`_identify` names each table (Positions, Orders, Deals, Open Positions, Working Orders)
   from its column count and the English tokens in its data rows, falling back on the fixed order.
3. Columns are mapped by position, parsed column-wise, and the deals are linked to positions
   (:func:`_link`) to attribute fees, count partial closes and explain the printed totals.
"""

from __future__ import annotations

import gc
import math
import re
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from fxcost.errors import UnsupportedReport
from fxcost.importers import text as tx
from fxcost.importers.mt5_rows import Block, Rows, blank, span_value
from fxcost.model import (
    Account,
    SkippedRow,
    Statement,
    cash_frame,
    open_frame,
    orders_frame,
    trades_frame,
)
from fxcost.symbols import normalise_many

# ---------------------------------------------------------------------------------------------
# What readers hand over
# ---------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """A run of rows from one file part: the whole HTML document, or one XLSX worksheet.

    ``rows[i]`` holds cell values by column position (str, float, int, None, datetime);
    ``nums[i]`` is that row's 1-based number in the file (HTML table row, sheet row);
    ``notes`` maps a row index to the text of a hidden cell (the HTML Positions comment).
    """

    rows: list[Sequence[Any]]
    nums: list[int]
    notes: dict[int, str] = field(default_factory=dict)
    name: str = ""


@contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while a reader creates millions of small objects.

    Each collection of the oldest generation walks every live row and cell; with ~7M cells in a
    100k-position report that alone costs seconds. Nothing created here forms reference cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# Table layouts (by column count) and the data tokens that tell the tables apart
# ---------------------------------------------------------------------------------------------

POSITIONS = "positions"
ORDERS = "orders"
DEALS = "deals"
OPEN = "open"
WORKING = "working"

#: Canonical section order in an MT5 report (FORMATS.md 3.2) and the names used in messages.
SECTION_ORDER = (POSITIONS, ORDERS, DEALS, OPEN, WORKING)
SECTION_NAMES = {
    POSITIONS: "Positions",
    ORDERS: "Orders",
    DEALS: "Deals",
    OPEN: "Open Positions",
    WORKING: "Working Orders",
}

_POS13 = ("open_time", "position", "symbol", "type", "volume", "open_price", "sl", "tp",
          "close_time", "close_price", "commission", "swap", "profit")
_ORD11 = ("open_time", "order", "symbol", "type", "volume", "price", "sl", "tp", "time", "state", "comment")
_DEAL13 = ("time", "deal", "symbol", "type", "direction", "volume", "price", "order",
           "commission", "swap", "profit", "balance", "comment")
_DEAL14 = ("time", "deal", "symbol", "type", "direction", "volume", "price", "order",
           "commission", "fee", "swap", "profit", "balance", "comment")
_DEAL15 = ("time", "deal", "symbol", "type", "direction", "volume", "price", "order",
           "cost", "commission", "fee", "swap", "profit", "balance", "comment")
_OPEN12 = ("open_time", "position", "symbol", "type", "volume", "open_price", "sl", "tp",
           "market_price", "swap", "profit", "comment")
_OPEN13 = ("open_time", "position", "symbol", "type", "volume", "open_price", "sl", "tp",
           "market_price", "commission", "swap", "profit", "comment")
_WORK11 = ("open_time", "order", "symbol", "type", "volume", "price", "sl", "tp", "market_price", "state", "comment")

#: kind -> {number of header cells -> column names by position}. Deals: 13 columns in older
#: builds and tester reports, 14 in current XLSX (and HTML once the hidden Cost is left out),
#: 15 if a Cost column is ever shown.
LAYOUTS: dict[str, dict[int, tuple[str, ...]]] = {
    POSITIONS: {13: _POS13},
    ORDERS: {11: _ORD11},
    DEALS: {13: _DEAL13, 14: _DEAL14, 15: _DEAL15},
    OPEN: {12: _OPEN12, 13: _OPEN13},
    WORKING: {11: _WORK11},
}

DIRECTIONS = frozenset({"in", "out", "out by", "inout", "in/out"})
TRADE_TYPES = frozenset({"buy", "sell"})
#: MT5 order states (ENUM_ORDER_STATE as printed) and what fxcost keeps of them.
ORDER_STATES = {
    "canceled": "cancelled",
    "cancelled": "cancelled",
    "expired": "expired",
    "rejected": "rejected",
    "placed": "working",
    "started": "working",
    "request add": "working",
    "request modify": "working",
    "request cancel": "working",
    "filled": None,  # became a deal: the trade is in Positions/Deals
    "partial": None,  # partially filled: the filled part is a deal
}

#: How an MT5 order executes: its Type without the side ("buy limit" -> "limit"; "buy" -> "market").
_ORDER_KINDS = frozenset({"market", "limit", "stop", "stop limit", "close by"})
_CLOSE_BY = re.compile(r"#\s*(\d+)\s+by\s+#\s*(\d+)")
_REASON = re.compile(r"^\s*\[(sl|tp|so)\b", re.IGNORECASE)
_ACCOUNT = re.compile(r"^\s*([^\s(]*)\s*\((.*)\)\s*$")
_COUNT = re.compile(r"^\s*(\d+)\s*\(")
_LEVERAGE = re.compile(r"^1\s*:\s*(\d+)$")
#: "<server> (build 1234)" in a tester report's title: searched for its end only, the server being the text before
#: it (a lazy "^(.*?)\s*" before it was quadratic on a run of spaces, issue 13).
_BUILD = re.compile(r"\(\s*+build\s++\d++\s*+\)\s*+$", re.IGNORECASE)
#: Volumes are compared with this tolerance (lots have at most 2-3 decimals).
_EPS = 1e-6
#: Money totals agree within half a cent per row summed (the report rounds every row).
_MONEY_TOL = 0.005

# ---------------------------------------------------------------------------------------------
# Cell helpers
# ---------------------------------------------------------------------------------------------


def is_time(v: Any) -> bool:
    """A data row starts with a date-time: '2025.06.06 00:33:56' (or a real date in edited XLSX).

    Readers that keep rows in Blocks admit only rows whose first cell passes this test (see mt5_rows).
    """
    if type(v) is str:
        return len(v) >= 10 and v[:4].isdigit() and v[4:5] in (".", "-") and v[5:7].isdigit()
    return isinstance(v, datetime)


def _numeric(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    if type(v) is str:
        s = v.strip()
        return s.startswith("=") or not math.isnan(tx.parse_number(s))
    return False


def _text(v: Any) -> str:
    """A cell as clean text; numbers as printed (an XLSX ticket 200000.0 -> '200000')."""
    if v is None:
        return ""
    if type(v) is str:
        return tx.clean(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.strftime("%Y.%m.%d %H:%M:%S")
    return str(v)


def _row_text(row: Sequence[Any]) -> str:
    return " | ".join(_text(v) for v in row if not blank(v))[:300]


def _texts(col: Sequence[Any]) -> list[str]:
    """:func:`_text` of each cell, computed once per distinct value (the lookups run in C)."""
    texts = dict.fromkeys(col)
    if True in texts or False in texts:
        # 1 == 1.0 == True as dict keys, but their texts differ ("1" / "True"): no sharing then.
        return [_text(v) for v in col]
    for v in texts:
        texts[v] = _text(v)
    return list(map(texts.__getitem__, col))


def _lower(texts: Sequence[str]) -> list[str]:
    """``[t.lower() for t in texts]``, one string object per distinct text: a column of 100k "buy"/"sell"
    cells would otherwise become 100k new strings (``str.lower`` always makes a new one)."""
    cache: dict[str, str] = {}
    return [cache.get(t) or cache.setdefault(t, t.lower()) for t in texts]


def _floats(col: Sequence[Any]) -> np.ndarray:
    """Numbers column-wise: a C-speed pass, then the space/minus-tolerant parser for the rest."""
    arr = np.empty(len(col), dtype=object)
    arr[:] = col
    out = np.asarray(pd.to_numeric(arr, errors="coerce"), dtype="float64").copy()
    bad = np.flatnonzero(np.isnan(out))
    if bad.size:
        sub = [(k, arr[k]) for k in bad if not blank(arr[k]) and not isinstance(arr[k], bool)]
        if sub:
            out[[k for k, _ in sub]] = tx.parse_numbers([v for _, v in sub])
    return out


def _volumes(col: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """MT5 volume cells -> (first, second): 'filled / requested' (orders), 'closed / total'
    (a partly closed position) or a plain volume (both the same)."""
    cache: dict[Any, tuple[float, float]] = {}
    first = np.empty(len(col))
    second = np.empty(len(col))
    for k, v in enumerate(col):
        r = cache.get(v) if type(v) is str else None
        if r is None:
            if type(v) is str and "/" in v:
                a, _, b = v.partition("/")
                r = (tx.parse_number(a), tx.parse_number(b))
            else:
                x = tx.parse_number(v) if not blank(v) else float("nan")
                r = (x, x)
            if type(v) is str:
                cache[v] = r
        first[k], second[k] = r
    return first, second


#: Ticket, deal, order and position numbers are below this (MetaTrader's are 64-bit; none comes near 2^63).
_MAX_ID = 2.0**63


def _bad_ids(a: np.ndarray) -> np.ndarray:
    """True where a number is present but is no ticket: negative, fractional or too large for int64 (issue 13:
    a position number of 1e300 was cast to int64 without a check)."""
    with np.errstate(invalid="ignore"):
        return ~np.isnan(a) & ((a < 0) | (a >= _MAX_ID) | (a != np.floor(a)))


def _nan0(a: np.ndarray) -> np.ndarray:
    """Whole numbers (tickets, orders) as int64, 0 where the cell held none."""
    return np.where(np.isnan(a), 0, a).astype("int64")


def _ints(a: np.ndarray) -> array[int]:
    return array("q", np.ascontiguousarray(a, dtype="int64").tobytes())


def _reals(a: np.ndarray) -> array[float]:
    return array("d", np.ascontiguousarray(a, dtype="float64").tobytes())


def _times(col: Sequence[Any]) -> np.ndarray:
    return tx.parse_times(list(col)).to_numpy(dtype="datetime64[ns]")


#: Prices looked at per symbol for its digits: MT5 prints every price at the symbol's digits (HTML),
#: and an XLSX float drops trailing zeros only now and then, so a few hundred values settle it.
_DIGITS_SAMPLE = 400


def _symbol_decimals(symbols: Sequence[str], prices: Sequence[Any]) -> dict[str, list[int]]:
    """Per symbol, the printed decimals of its first :data:`_DIGITS_SAMPLE` non-empty prices, in order."""
    seen: dict[str, int] = defaultdict(int)
    picked_s: list[str] = []
    picked_p: list[Any] = []
    for sym, price in zip(symbols, prices):
        if seen[sym] < _DIGITS_SAMPLE and not blank(price):
            seen[sym] += 1
            picked_s.append(sym)
            picked_p.append(price)
    out: dict[str, list[int]] = defaultdict(list)
    for sym, dec in zip(picked_s, _decimals(picked_p).tolist() if picked_p else []):
        out[sym].append(dec)
    return dict(out)


def _decimals(values: Sequence[Any]) -> np.ndarray:
    """Printed decimals of each price ('1.14475' -> 5; an XLSX float by its shortest repr)."""
    s = pd.Series(values, dtype=object).map(lambda v: v if type(v) is str else ("" if v is None else repr(v)))
    dec = s.str.strip().str.partition(".")[2]
    dec = dec.where(dec.str.fullmatch(r"\d*"), "")
    return dec.str.len().to_numpy(dtype="int64")


# ---------------------------------------------------------------------------------------------
# 1. Scan rows into titles, label blocks and tables
# ---------------------------------------------------------------------------------------------


@dataclass
class _RawTable:
    sheet: str
    header: Sequence[Any]
    header_num: int
    title: str
    rows: Rows
    totals: Sequence[Any] | None
    starts: list[int]
    kind: str = ""

    @property
    def width(self) -> int:
        return len(self.starts)


@dataclass
class _Labels:
    """Consecutive label rows: each row as [(label, value), ...] in printed order."""

    rows: list[list[tuple[str, Any]]] = field(default_factory=list)
    nums: list[int] = field(default_factory=list)


@dataclass
class _Layout:
    items: list[tuple[str, Any]]  # ("title", text) | ("labels", _Labels) | ("table", _RawTable)
    stray: list[SkippedRow]


def _classify(row: Sequence[Any]) -> str:
    """blank | label | title | header | totals | other, for a row that does not start with a date."""
    ne = [(p, v) for p, v in enumerate(row) if not blank(v)]
    if not ne:
        return "blank"
    p0, v0 = ne[0]
    if type(v0) is str and v0.strip().endswith((":", "\uff1a")):
        return "label"
    if len(ne) == 1 and p0 == 0 and type(v0) is str:
        return "title"
    if p0 == 0 and len(ne) >= 10 and all(type(v) is str for _, v in ne):
        # A header has words only; a data row whose date is damaged still has numbers.
        if sum(1 for _, v in ne if _numeric(v) or is_time(v)) <= 1:
            return "header"
    if p0 >= 4 and all(_numeric(v) for _, v in ne):
        return "totals"
    return "other"


def _label_pairs(row: Sequence[Any]) -> list[tuple[str, Any]]:
    """'Label:' value pairs of a summary/results/settings row, in printed order."""
    pairs: list[tuple[str, Any]] = []
    label: str | None = None
    for v in row:
        if blank(v):
            continue
        if type(v) is str and v.strip().endswith((":", "\uff1a")):
            if label is not None:
                pairs.append((label, None))
            label = tx.clean(v)
        else:
            pairs.append((label or "", v))
            label = None
    if label is not None:
        pairs.append((label, None))
    return pairs


def _scan(sheets: Sequence[Sheet]) -> _Layout:
    items: list[tuple[str, Any]] = []
    stray: list[SkippedRow] = []
    for sheet in sheets:
        rows, nums, notes = sheet.rows, sheet.nums, sheet.notes
        n = len(rows)
        title = ""
        i = 0
        items.append(("sheet", sheet.name))
        while i < n:
            row = rows[i]
            if type(row) is Block or (row and is_time(row[0])):
                for num, r in zip(row.nums, row.rows()) if type(row) is Block else [(nums[i], row)]:
                    stray.append(SkippedRow("report", num, "a data row outside any table (no header row above it)",
                                            _row_text(r)))
                i += 1
                continue
            kind = _classify(row)
            if kind == "header":
                j = i + 1
                while j < n:
                    r = rows[j]
                    if type(r) is Block:  # a run of data rows (HTML)
                        j += 1
                        continue
                    v = r[0] if r else None
                    # is_time inlined: this loop runs once per data row.
                    if type(v) is str and len(v) >= 10 and v[4:5] in (".", "-") and v[:4].isdigit():
                        j += 1
                        continue
                    if r and is_time(v):
                        j += 1
                        continue
                    if _classify(r) == "other":  # a damaged data row: kept, and skipped with its reason later
                        j += 1
                        continue
                    break
                totals = None
                end = j
                if j < n and type(rows[j]) is not Block and _classify(rows[j]) == "totals":
                    totals = rows[j]
                    j += 1
                starts = [p for p, v in enumerate(row) if not blank(v)]
                items.append(("table", _RawTable(
                    sheet=sheet.name, header=row, header_num=nums[i], title=title,
                    rows=Rows(rows[i + 1:end], nums[i + 1:end],
                              [notes.get(k, "") for k in range(i + 1, end)] if notes else []),
                    totals=totals, starts=starts)))
                title = ""
                i = j
                continue
            if kind == "title":
                title = _text(next(v for v in row if not blank(v)))
                items.append(("title", title))
            elif kind in ("label", "other", "totals"):
                if not items or items[-1][0] != "labels":
                    items.append(("labels", _Labels()))
                block: _Labels = items[-1][1]
                block.rows.append(_label_pairs(row))
                block.nums.append(nums[i])
            i += 1
    return _Layout(items, stray)


# ---------------------------------------------------------------------------------------------
# 2. Name the tables
# ---------------------------------------------------------------------------------------------


def _spans(table: _RawTable) -> list[tuple[int, int]]:
    starts = table.starts
    width = max([len(table.header)] + [len(r) for r in table.rows.head(50)])
    ends = starts[1:] + [max(width, starts[-1] + 1)]
    return list(zip(starts, ends))


def _sample(table: _RawTable, names: tuple[str, ...], limit: int = 40) -> dict[str, list[Any]]:
    spans = _spans(table)
    rows = [r for r in table.rows.head(200) if r and is_time(r[0])][:limit]
    return {name: [span_value(r, s, e) for r in rows] for name, (s, e) in zip(names, spans)}


def _word(v: Any) -> str:
    return _text(v).lower()


def _fits(kind: str, c: dict[str, list[Any]]) -> bool:
    """Do a table's sample rows carry the English data tokens of ``kind`` (FORMATS.md 3.6)?"""
    if kind == DEALS:
        return all(_word(v) in DIRECTIONS or blank(v) for v in c["direction"]) and all(
            _word(v).replace(" ", "").isalpha() for v in c["type"]
        )
    if kind == POSITIONS:
        return all(_word(v) in TRADE_TYPES for v in c["type"]) and all(is_time(v) for v in c["close_time"])
    if kind == OPEN:
        return all(_word(v) in TRADE_TYPES for v in c["type"]) and all(
            blank(v) or (_numeric(v) and not is_time(v)) for v in c["market_price"]
        )
    if kind == ORDERS:
        return all(blank(v) or is_time(v) for v in c["time"]) and all(
            not _numeric(v) for v in c["state"]
        )
    if kind == WORKING:
        return all(blank(v) or (_numeric(v) and not is_time(v)) for v in c["market_price"]) and all(
            not _numeric(v) for v in c["state"]
        )
    return False


def _identify(layout: _Layout) -> list[_RawTable]:
    tables = [t for kind, t in layout.items if kind == "table"]
    last = -1
    for table in tables:
        n = table.width
        candidates = [k for k in SECTION_ORDER if n in LAYOUTS[k]]
        has_rows = any(r and is_time(r[0]) for r in table.rows.head(200))
        if has_rows:
            candidates = [k for k in candidates if _fits(k, _sample(table, LAYOUTS[k][n]))]
        if not candidates:
            continue
        # Several fit (or the table is empty): the one next in MT5's fixed section order.
        later = [k for k in candidates if SECTION_ORDER.index(k) > last]
        table.kind = (later or candidates)[0]
        last = SECTION_ORDER.index(table.kind)
    return tables


# ---------------------------------------------------------------------------------------------
# 3. Columns
# ---------------------------------------------------------------------------------------------


class _Cols:
    """One section's data rows by column name, read one column at a time (see :mod:`mt5_rows`).

    ``col(name)`` builds that column's raw values afresh on each call: keep the parsed result, not the list.
    """

    def __init__(self, kind: str, parts: list[tuple[Rows, dict[str, tuple[int, int]]]], sheet: str,
                 totals: dict[str, Any] | None) -> None:
        self.kind = kind
        self.parts = parts  # each table of this kind: its rows and column name -> position span
        self.sheet = sheet
        self.totals = totals
        self.count = sum(len(rows) for rows, _ in parts)

    def __len__(self) -> int:
        return self.count

    def has(self, name: str) -> bool:
        return any(name in spans for _, spans in self.parts)

    def col(self, name: str) -> list[Any]:
        out: list[Any] = []
        for rows, spans in self.parts:
            out.extend(rows.column(*spans[name]) if name in spans else [None] * len(rows))
        return out

    def notes(self) -> list[str]:
        return [note for rows, _ in self.parts for note in rows.notes()]

    def value_at(self, name: str, k: int) -> Any:
        """Column ``name`` of the section's row ``k`` alone (``col`` would build the whole column)."""
        start = 0
        for rows, spans in self.parts:
            if start <= k < start + len(rows):
                if name not in spans:
                    return None
                (_, row), = rows.rows_at([k - start])
                return span_value(row, *spans[name])
            start += len(rows)
        return None

    def rows_at(self, ks: Sequence[int]) -> list[tuple[int, Sequence[Any]]]:
        """(number in the file, row) of the section's rows at ``ks`` (ascending)."""
        out: list[tuple[int, Sequence[Any]]] = []
        start = 0
        for rows, _ in self.parts:
            out.extend(rows.rows_at([k - start for k in ks if start <= k < start + len(rows)]))
            start += len(rows)
        return out

    def release(self) -> None:
        """Free the rows once the section is parsed (``totals`` stays)."""
        self.parts = []


def _columns(tables: list[_RawTable], kind: str) -> _Cols | None:
    """All tables of one kind (an edited workbook may repeat a header per sheet), by column name."""
    parts = [t for t in tables if t.kind == kind]
    if not parts:
        return None
    totals = None
    for t in parts:
        if t.totals is not None:
            names = LAYOUTS[kind][t.width]
            totals = {name: span_value(t.totals, s, e) for name, (s, e) in zip(names, _spans(t))}
    return _Cols(kind, [(t.rows, dict(zip(LAYOUTS[kind][t.width], _spans(t)))) for t in parts],
                 parts[0].sheet, totals)


def _section(cols: _Cols) -> str:
    name = SECTION_NAMES[cols.kind]
    return f"{name} (sheet {cols.sheet})" if cols.sheet else name


def _keep(cols: _Cols, ok: np.ndarray, reasons: list[tuple[np.ndarray, str]], skipped: list[SkippedRow]) -> np.ndarray:
    """Record every row failing a check as a SkippedRow with the first reason that applies."""
    bad = np.flatnonzero(~ok).tolist()
    for k, (num, row) in zip(bad, cols.rows_at(bad)):
        reason = next((why for mask, why in reasons if mask[k]), "the row cannot be read")
        skipped.append(SkippedRow(_section(cols), num, reason, _row_text(row)))
    return ok


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

#: How to export a history, quoted in refusals (kept in step with detect.HOW_TO_EXPORT).
MT5_HOW_TO_EXPORT = (
    "In MetaTrader 5: View > Toolbox > History tab > right-click > 'Positions', then right-click > "
    "'Report' > 'HTML' or 'Open XML (MS Office Excel 2007)'."
)

_TRADE_ACCOUNT_TITLES = ("trade account report", "トレード口座レポート")


def build(sheets: Sequence[Sheet], path: str, source: str, title: str = "", foreign: str = "") -> Statement:
    """Build the Statement of an MT5 history or tester report from its rows.

    Args:
        sheets: the rows of the file (one Sheet for HTML, one per worksheet for XLSX).
        path: the file (messages and the ``source`` column).
        source: ``"html"`` or ``"xlsx"`` (the format is ``mt5_<source>`` or ``mt5_tester_<source>``).
        title: the document title (HTML ``<title>``, XLSX cell A1), used only to name a refused report.
        foreign: the refusal message when nothing in the file looks like an MT5 report at all.

    Raises:
        UnsupportedReport: an MT5 Trade Account Report, or an MT5 report without a Deals table.
        ImportFailed: a Deals table whose structure cannot be read.
    """
    with bulk():
        return _build(sheets, path, source, title, foreign)


def _build(sheets: Sequence[Sheet], path: str, source: str, title: str, foreign: str) -> Statement:
    layout = _scan(sheets)
    tables = _identify(layout)
    if not any(t.kind == DEALS for t in tables):
        if foreign and not any(t.kind for t in tables):
            raise UnsupportedReport(path, foreign)
        _refuse_without_deals(layout, tables, path, title)
    cols = {k: _columns(tables, k) for k in SECTION_ORDER}
    _release_rows(sheets, layout)
    first_table = next(i for i, (k, _) in enumerate(layout.items) if k == "table")
    pre_labels = [b for k, b in layout.items[:first_table] if k == "labels"]
    post_labels = [b for k, b in layout.items[first_table:] if k == "labels"]
    tester = cols[POSITIONS] is None and sum(len(b.rows) for b in pre_labels) >= 6
    fmt = f"mt5_tester_{source}" if tester else f"mt5_{source}"
    st = Statement(path=path, format=fmt, account=Account(source_format=fmt), is_backtest=tester)
    st.skipped.extend(layout.stray)
    for t in tables:
        if not t.kind:
            st.warnings.append(
                f"A table with {t.width} columns (header row {t.header_num}"
                + (f", sheet {t.sheet}" if t.sheet else "")
                + f": {_row_text(t.header)[:120]}) is not part of an MT5 history report and was ignored."
            )
    if tester:
        _tester_header(st, pre_labels, layout)
        results = pre_labels[1] if len(pre_labels) > 1 else None
        summary = None
    else:
        _account_header(st, pre_labels[0] if pre_labels else None)
        summary, results = _summary_and_results(post_labels)
    _results(st, results)
    _summary(st, summary)
    _Builder(st, cols).run()
    from fxcost.importers.reconcile import cash_warnings  # reconcile imports the model only; no cycle at run time

    st.warnings.extend(cash_warnings(st))
    return st


def _release_rows(sheets: Sequence[Sheet], layout: _Layout) -> None:
    """Drop the sheets' and tables' references to the rows once each section's :class:`_Cols` holds them.

    The rows are the largest thing the import holds; from here on only each section's ``_Cols`` keeps
    them, and :meth:`_Cols.release` frees them section by section as soon as that section is parsed.
    The callers' Sheets are emptied: build consumes its input.
    """
    for sheet in sheets:
        sheet.rows, sheet.nums, sheet.notes = [], [], {}
    for kind, item in layout.items:
        if kind == "table":
            item.rows = Rows([], [], [])


def _refuse_without_deals(layout: _Layout, tables: list[_RawTable], path: str, title: str) -> None:
    low = title.lower()
    kinds = {t.kind for t in tables}
    titled = any(k == "title" for k, _ in layout.items)
    if any(t in low for t in _TRADE_ACCOUNT_TITLES) or (
        titled and not kinds & {POSITIONS, DEALS, ORDERS} and (kinds & {OPEN, WORKING} or not tables)
    ):
        raise UnsupportedReport(
            path,
            "This is a MetaTrader 5 Trade Account Report: a snapshot of the open positions, working orders "
            "and exposure at one moment, not the trade history, so it holds no closed trades or deals to "
            "compute costs from. Export the Trade History Report instead. " + MT5_HOW_TO_EXPORT,
        )
    found = ", ".join(SECTION_NAMES[k] for k in SECTION_ORDER if k in kinds) or "no table fxcost recognises"
    raise UnsupportedReport(
        path,
        f"This MetaTrader 5 report has no Deals table ({found}), and the deals are what costs are computed "
        "from. Export the full Trade History Report (Positions, Orders and Deals). " + MT5_HOW_TO_EXPORT,
    )


# ---------------------------------------------------------------------------------------------
# Header blocks
# ---------------------------------------------------------------------------------------------


def _account_header(st: Statement, block: _Labels | None) -> None:
    """Name / Account / Company / Date, by position around the account line (labels are translated)."""
    acc = st.account
    values = [_text(row[0][1]) if row and row[0][1] is not None else "" for row in (block.rows if block else [])]
    at = next((k for k, v in enumerate(values) if _ACCOUNT.match(v) and "," in v), None)
    if at is None:
        st.warnings.append(
            "The report has no account header (Name, Account, Company, Date: removed when the file was "
            "edited), so the account's login, currency, server and hedging mode are unknown."
        )
        return
    m = _ACCOUNT.match(values[at])
    acc.login = m.group(1)
    _account_details(acc, m.group(2))
    if at >= 1:
        acc.name = values[at - 1]
    if at + 1 < len(values):
        acc.broker = values[at + 1]
    if at + 2 < len(values):
        report_time = tx.parse_report_time(values[at + 2])
        acc.report_time = report_time
    if not acc.currency:
        st.warnings.append(f"The account line {values[at]!r} names no currency.")


def _account_details(acc: Account, inner: str) -> None:
    """'USD, MetaQuotes-Demo, demo, Hedge' or the older 'USD, 1:100, Server, real'."""
    servers = []
    for part in (tx.clean(p) for p in inner.split(",")):
        low = part.lower()
        lev = _LEVERAGE.match(part)
        if low in ("hedge", "hedging"):
            acc.margin_mode = "hedge"
        elif low in ("netting", "exchange", "nohedge", "no hedge"):
            acc.margin_mode = "netting"
        elif low in ("demo", "real", "contest"):
            acc.account_type = low
        elif lev:
            acc.leverage = int(lev.group(1))
        elif not acc.currency and re.fullmatch(r"[A-Z]{3,6}", part):
            acc.currency = part
        elif part:
            servers.append(part)
    acc.server = servers[0] if servers else ""


def _tester_header(st: Statement, blocks: list[_Labels], layout: _Layout) -> None:
    """Tester Settings block: Expert, Symbol, Period, Inputs..., Company, Currency, Deposit, Leverage."""
    acc = st.account
    titles = [v for k, v in layout.items if k == "title"]
    for t in titles:
        m = _BUILD.search(t)
        if m:
            acc.server = t[: m.start()].rstrip()
            break
    if not blocks:
        return
    labelled = [row[0] for row in blocks[0].rows if row and row[0][0]]
    values = [_text(v) if v is not None else "" for _, v in labelled]
    tester: dict[str, Any] = {}
    if len(values) >= 3:
        tester.update(expert=values[0], symbol=values[1], period=values[2])
        acc.name = values[0]
    for k, v in enumerate(values):
        if re.fullmatch(r"[A-Z]{3,6}", v) and k >= 3:
            acc.currency = v
            acc.broker = values[k - 1] if k >= 1 else ""
            if k + 1 < len(values):
                tester["initial_deposit"] = tx.parse_number(values[k + 1])
            if k + 2 < len(values):
                lev = _LEVERAGE.match(values[k + 2])
                acc.leverage = int(lev.group(1)) if lev else None
            break
    st.printed.extra["tester"] = tester


def _summary_and_results(blocks: list[_Labels]) -> tuple[_Labels | None, _Labels | None]:
    """After the tables: the summary rows (Balance, Credit Facility...), then the Results block."""
    if not blocks:
        return None, None
    if len(blocks) == 1:
        only = blocks[0]
        return (None, only) if _tnp_in_row(only) is not None else (only, None)
    return blocks[0], blocks[-1]


def _value(pair: tuple[str, Any] | None) -> float:
    return tx.parse_number(pair[1]) if pair and pair[1] is not None else float("nan")


def _tnp_in_row(block: _Labels) -> tuple[float, float, float] | None:
    """Total Net Profit / Gross Profit / Gross Loss printed side by side (history reports)."""
    for row in block.rows:
        if len(row) >= 3:
            a, b, c = (_value(p) for p in row[:3])
            if _tnp_ok(a, b, c):
                return a, b, c
    return None


def _tnp_ok(a: float, b: float, c: float) -> bool:
    return not any(math.isnan(x) for x in (a, b, c)) and b >= 0 >= c and abs(a - (b + c)) < 0.015


def _results(st: Statement, block: _Labels | None) -> None:
    """Results: located by the arithmetic that ties the figures together, not by the (translated) labels."""
    if block is None:
        return
    p = st.printed
    found = _tnp_in_row(block)
    if found is None:
        # Tester layout: Total Net Profit, Gross Profit and Gross Loss head three consecutive rows.
        firsts = [_value(row[0]) if row else float("nan") for row in block.rows]
        for k in range(len(firsts) - 2):
            if _tnp_ok(*firsts[k:k + 3]):
                found = tuple(firsts[k:k + 3])
                break
    if found is not None:
        p.total_net_profit, p.gross_profit, p.gross_loss = found
    # Total Trades: "n", "short (won %)", "long (won %)" with n = short + long.
    for row in block.rows:
        if len(row) < 3:
            continue
        n = _value(row[0])
        m1, m2 = (_COUNT.match(_text(row[k][1])) if row[k][1] is not None else None for k in (1, 2))
        if m1 and m2 and not math.isnan(n) and n == int(m1.group(1)) + int(m2.group(1)):
            p.trades = int(n)
            break


def _summary(st: Statement, block: _Labels | None) -> None:
    """Balance, Credit Facility, Floating P/L, Equity (left) and Free Margin, Margin, Margin Level (right)."""
    if block is None or len(block.rows) < 4:
        return
    left = [_value(row[0]) if row else float("nan") for row in block.rows[:4]]
    right = [_value(row[1]) if len(row) > 1 else float("nan") for row in block.rows[:3]]
    if any(math.isnan(x) for x in left[:2]):
        return
    p = st.printed
    p.balance, p.credit = left[0], left[1]
    names = ("floating_pl", "equity")
    for name, v in zip(names, left[2:]):
        if not math.isnan(v):
            p.extra[name] = v
            setattr(p, name, v)
    for name, v in zip(("free_margin", "margin", "margin_level"), right):
        if not math.isnan(v):
            p.extra[name] = v


# ---------------------------------------------------------------------------------------------
# Deals <-> positions
# ---------------------------------------------------------------------------------------------


class _Pos:
    """A position while linking deals: from the Positions table, or rebuilt from its deals."""

    __slots__ = ("pid", "symbol", "side", "open_ns", "close_ns", "open_price", "close_price", "volume",
                 "row", "vin", "vout", "deals", "outs", "in_price", "out_volume")

    def __init__(self, pid: int, symbol: str, side: str, open_ns: int, row: int = -1) -> None:
        self.pid = pid
        self.symbol = symbol
        self.side = side
        self.open_ns = open_ns
        self.close_ns: int | None = None
        self.open_price = float("nan")
        self.close_price = float("nan")
        self.volume = float("nan")  # the Positions table's total volume
        self.row = row  # row in the Positions table, -1 when rebuilt from deals
        self.vin = 0.0
        self.vout = 0.0
        self.deals: list[int] = []
        self.outs: list[int] = []
        self.in_price = 0.0  # sum of price x volume of the in deals
        # deal index -> the volume it closed, only for a netting reversal (in/out) that closed this position and
        # opened the next one with the rest of its volume; every other out deal closes its whole volume.
        self.out_volume: dict[int, float] | None = None

    def closed_by(self, i: int, volume: float) -> float:
        """The volume deal ``i`` (of ``volume`` lots) closed of this position."""
        return volume if self.out_volume is None else self.out_volume.get(i, volume)


@dataclass
class _Deals:
    """The Deals table parsed column-wise (only valid rows)."""

    idx: np.ndarray  # row index within the section
    time: np.ndarray  # datetime64[ns]
    ns: array[int]
    deal: array[int]
    symbol: list[str]
    type: list[str]
    direction: list[str]
    volume: array[float]
    price: array[float]
    order: array[int]
    commission: np.ndarray
    fee: np.ndarray
    swap: np.ndarray
    profit: np.ndarray
    comment: list[str]
    decimals: dict[str, list[int]]  # per symbol, the printed decimals of its first prices (_symbol_decimals)


def _opposite(side: str) -> str:
    return "sell" if side == "buy" else "buy"


class _Linker:
    """Attributes each trade deal to a position.

    ``in`` deals: the deal's Order is the position id (hedging accounts). ``out`` deals carry only
    the closing order, so: a close-by comment ``#A by #B`` names the position; otherwise the
    candidates are the open positions of the symbol on the other side with enough volume left,
    narrowed to the one the Positions table says closes at this time with this volume, then to
    the one whose profit the deal's price explains (per-symbol money per price unit learnt from the
    Positions table), then first in, first out.
    """

    def __init__(self, positions: list[_Pos], netting: bool, multipliers: dict[str, float]) -> None:
        self.by_id: dict[int, _Pos] = {p.pid: p for p in positions}
        self.records: list[_Pos] = list(positions)
        self.netting = netting
        self.mult = multipliers
        self.learn = not multipliers
        self.learnt: dict[str, list[float]] = defaultdict(list)
        self.active: dict[tuple[str, str], dict[int, _Pos]] = defaultdict(dict)
        # Positions by close time: one _Pos, or a list when several close at the same time (a dict keyed by
        # (symbol, side, time) tuples holding lists costs ~170 bytes more per position).
        self.closing: dict[int, _Pos | list[_Pos]] = {}
        self.table_by_key: dict[tuple[str, str], list[_Pos]] = defaultdict(list)
        for p in positions:
            if p.row >= 0 and p.close_ns is not None:
                at = self.closing.setdefault(p.close_ns, p)
                if at is not p:
                    if type(at) is list:
                        at.append(p)
                    else:
                        self.closing[p.close_ns] = [at, p]
                self.table_by_key[(p.symbol, p.side)].append(p)

    def link(self, d: _Deals) -> list[_Pos | None]:
        links: list[_Pos | None] = [None] * len(d.ns)
        for i in range(len(d.ns)):
            typ = d.type[i]
            if typ not in TRADE_TYPES:
                continue
            direction = d.direction[i]
            if direction == "in":
                links[i] = self._open(d, i)
            elif direction in ("out", "out by"):
                links[i] = self._close(d, i)
            elif direction in ("inout", "in/out"):
                # Netting reversal: closes the open position and opens one the other way.
                links[i] = self._reverse(d, i)
            if links[i] is not None:
                links[i].deals.append(i)
        return links

    def _open(self, d: _Deals, i: int) -> _Pos:
        sym, typ, vol = d.symbol[i], d.type[i], d.volume[i]
        rec = self.by_id.get(d.order[i])
        if rec is None and self.netting:
            act = self.active.get((sym, typ))
            if act:
                rec = next(iter(act.values()))
        if rec is None:
            rec = _Pos(d.order[i], sym, typ, d.ns[i])
            rec.open_price = d.price[i]
            self.by_id[rec.pid] = rec
            self.records.append(rec)
        rec.vin += vol
        rec.in_price += vol * d.price[i]
        self.active[(rec.symbol, rec.side)][rec.pid] = rec
        return rec

    def _reverse(self, d: _Deals, i: int) -> _Pos | None:
        """A netting reversal (direction in/out, issue 11): the deal closes what is left of the symbol's position
        (with the deal's whole profit, commission and swap) and opens a new position the other way with the
        rest of its volume, at its price, under the deal's order number."""
        sym, typ, vol = d.symbol[i], d.type[i], d.volume[i]
        act = self.active.get((sym, _opposite(typ)))
        old = next(iter(act.values()), None) if act else None
        if old is None:
            return self._open(d, i)  # nothing to reverse: the deal only opens
        left = self._left(old)
        old.vout += left
        old.outs.append(i)
        if old.out_volume is None:
            old.out_volume = {}
        old.out_volume[i] = min(left, vol)
        act.pop(old.pid, None)
        rest = vol - left
        if rest > _EPS:
            pid = d.order[i] if d.order[i] not in self.by_id else d.deal[i]
            new = _Pos(pid, sym, typ, d.ns[i])
            new.open_price = d.price[i]
            new.vin = rest
            new.in_price = rest * d.price[i]
            self.by_id[new.pid] = new
            self.records.append(new)
            self.active[(sym, typ)][new.pid] = new
        return old

    def _close(self, d: _Deals, i: int) -> _Pos | None:
        sym, vol, t, price = d.symbol[i], d.volume[i], d.ns[i], d.price[i]
        side = _opposite(d.type[i])
        rec = None
        m = _CLOSE_BY.search(d.comment[i]) if d.direction[i] == "out by" else None
        if m:
            for pid in (int(m.group(1)), int(m.group(2))):
                r = self.by_id.get(pid)
                if r is not None and r.side == side:
                    rec = r
                    break
        if rec is None:
            rec = self._choose(sym, side, vol, t, price, d.profit[i])
        if rec is None:
            return None
        rec.vout += vol
        rec.outs.append(i)
        if self.learn and len(self.active.get((sym, side), ())) == 1:
            self._learn(rec, price, vol, d.profit[i])
        if rec.vin > 0 and rec.vout >= rec.vin - _EPS:
            self.active[(rec.symbol, rec.side)].pop(rec.pid, None)
        return rec

    def _choose(self, sym: str, side: str, vol: float, t: int, price: float, profit: float) -> _Pos | None:
        # Fast path: the one position the Positions table closes now, with exactly this volume left.
        at = self.closing.get(t)
        exact = [r for r in (() if at is None else at if type(at) is list else (at,))
                 if r.symbol == sym and r.side == side and abs(self._left(r) - vol) < _EPS]
        if len(exact) == 1:
            return exact[0]
        act = self.active.get((sym, side))
        cands = [r for r in act.values() if self._left(r) >= vol - _EPS and (r.close_ns is None or r.close_ns >= t)] \
            if act else []
        if not cands:
            # The position's in deal may predate the report period: the Positions table still knows it.
            cands = [r for r in self.table_by_key.get((sym, side), ())
                     if r.open_ns <= t <= (r.close_ns or t) and r.volume - r.vout >= vol - _EPS]
        if len(cands) <= 1:
            return cands[0] if cands else None
        final = [r for r in cands if r.close_ns == t and abs(self._left(r) - vol) < _EPS]
        if final:
            cands = final
            same_price = [r for r in cands if r.close_price == price]
            cands = same_price or cands
        if len(cands) > 1:
            mult = self.mult.get(sym) or self._learnt(sym)
            if mult and profit:
                sign = {"buy": 1.0, "sell": -1.0}
                errs = [abs(mult * (price - r.open_price) * sign[r.side] * vol - profit) for r in cands]
                best = min((e for e in errs if not math.isnan(e)), default=math.nan)  # NaN: a price is missing
                if not math.isnan(best):
                    cands = [r for r, e in zip(cands, errs) if e <= best + 1e-9]
        return cands[0]

    @staticmethod
    def _left(r: _Pos) -> float:
        return (r.vin if r.vin > 0 else r.volume) - r.vout

    def _learn(self, rec: _Pos, price: float, vol: float, profit: float) -> None:
        diff = (price - rec.open_price) * (1.0 if rec.side == "buy" else -1.0) * vol
        if diff and profit and not math.isnan(diff):
            lst = self.learnt[rec.symbol]
            if len(lst) < 200:
                lst.append(profit / diff)

    def _learnt(self, sym: str) -> float | None:
        lst = self.learnt.get(sym)
        return float(np.median(lst)) if lst else None


# ---------------------------------------------------------------------------------------------
# The builder proper
# ---------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, st: Statement, cols: dict[str, _Cols | None]) -> None:
        self.st = st
        self.cols = cols
        self.login = st.account.login
        self.orders_comment: dict[int, str] = {}

    def run(self) -> None:
        # Each section's raw cells are freed once parsed (see _release_rows), before deals are linked.
        deals = self._deals()
        self._release(DEALS)
        self._orders()
        kinds = self._order_kinds()
        self._release(ORDERS, WORKING)
        positions = self._positions()
        self._release(POSITIONS)
        # In/out reversal deals exist only on netting accounts: old builds' account lines do not say the mode.
        reversals = any(x in ("inout", "in/out") for x in deals.direction)
        netting = self.st.account.margin_mode == "netting" or reversals
        multipliers = self._multipliers(positions)
        from_table = self.cols[POSITIONS] is not None
        if from_table and netting and reversals:
            # A netting position keeps its number through a reversal, so the Positions table shows a reversed
            # position as one row (issue 11: 2 trades where the report has 3, a net missing the reversed part).
            # The deals say it all: a reversal closes the position and opens the next one the other way.
            positions, self.pos, from_table = [], None, False
            self.st.warnings.append(
                "This netting account's Positions table folds each reversal (an in/out deal) into the position it "
                "reversed: trades were rebuilt from the Deals table, a reversal closing one position and opening "
                "the next."
            )
        linker = _Linker(positions, netting, multipliers)
        links = linker.link(deals)
        if from_table:
            self._trades_from_table(deals, positions, links)
        else:
            if not self.st.is_backtest and self.cols[POSITIONS] is None:
                self.st.warnings.append(
                    "The report has no Positions table: trades were rebuilt from the Deals table by pairing "
                    "each position's in and out deals."
                )
            self._trades_from_deals(deals, linker.records, links)
        self._set_order_kinds(deals, positions if self.cols[POSITIONS] is not None else self.trade_recs, kinds)
        self._open_positions(deals, linker, links)
        self._cash(deals)
        self._printed(deals, linker.records, links)

    def _release(self, *kinds: str) -> None:
        for kind in kinds:
            c = self.cols[kind]
            if c is not None:
                c.release()

    # -- Deals ------------------------------------------------------------------------------

    def _deals(self) -> _Deals:
        c = self.cols[DEALS]
        assert c is not None
        skipped = self.st.skipped
        time = _times(c.col("time"))
        deal = _floats(c.col("deal"))
        types = _lower(_texts(c.col("type")))
        direction = _lower(_texts(c.col("direction")))
        volume, _ = _volumes(c.col("volume"))
        price = _floats(c.col("price"))
        order = _floats(c.col("order"))
        profit_raw = _floats(c.col("profit"))
        money = {k: np.nan_to_num(_floats(c.col(k))) for k in ("commission", "fee", "swap")}
        money["profit"] = np.nan_to_num(profit_raw)
        is_trade = np.array([t in TRADE_TYPES for t in types], dtype=bool)
        no_time = np.isnat(time)
        no_type = np.array([not t for t in types], dtype=bool)
        bad_dir = is_trade & np.array([d not in DIRECTIONS for d in direction], dtype=bool)
        bad_trade = is_trade & (np.isnan(volume) | (volume <= 0) | np.isnan(order))
        bad_cash = ~is_trade & np.isnan(profit_raw)
        bad_deal, bad_order = _bad_ids(deal), _bad_ids(order)
        ok = ~(no_time | no_type | bad_dir | bad_trade | bad_cash | bad_deal | bad_order)
        _keep(c, ok, [
            (no_time, "the time is not a date"),
            (no_type, "no deal type"),
            (bad_dir, "the direction is not in, out, out by or inout"),
            (bad_trade, "a buy/sell deal without a volume or order number"),
            (bad_cash, "a balance deal without an amount"),
            (bad_deal, "the deal number is not a whole number below 2^63"),
            (bad_order, "the order number is not a whole number below 2^63"),
        ], skipped)
        idx = np.flatnonzero(ok)
        ns = time[idx].astype("int64")
        # MT5 writes deals in time order; sort defensively (stable) so that linking runs forwards.
        if len(ns) > 1 and (np.diff(ns) < 0).any():
            self.st.warnings.append("The Deals table is not in time order; it was sorted by time.")
            idx = idx[np.argsort(ns, kind="stable")]
            ns = time[idx].astype("int64")
        if len(idx) and c.has("balance"):
            # The running Balance before the first deal is the statement's opening balance (issue 11): a report
            # of part of the history starts above 0. A credit deal does not move the balance.
            first = int(idx[0])
            running = _floats([c.value_at("balance", first)])[0]
            moved = 0.0 if "credit" in types[first] else sum(float(money[k][first]) for k in money)
            if not math.isnan(running):
                self.st.printed.extra["opening_balance"] = round(float(running) - moved, 8)
        symbols = _texts(c.col("symbol"))
        comments = _texts(c.col("comment"))
        sel = idx.tolist()
        picked = [symbols[k] for k in sel]
        price_raw = c.col("price")
        decimals = _symbol_decimals(picked, [price_raw[k] for k in sel])
        del price_raw
        # Numbers the linker reads one at a time are kept in arrays (8 bytes each), not lists of Python objects.
        return _Deals(
            idx=idx, time=time[idx], ns=_ints(ns), deal=_ints(_nan0(deal)[idx]),
            symbol=picked, type=[types[k] for k in sel],
            direction=[direction[k] for k in sel], volume=_reals(np.nan_to_num(volume[idx])),
            price=_reals(price[idx]), order=_ints(_nan0(order)[idx]),
            commission=money["commission"][idx], fee=money["fee"][idx], swap=money["swap"][idx],
            profit=money["profit"][idx], comment=[comments[k] for k in sel],
            decimals=decimals,
        )

    # -- Orders -----------------------------------------------------------------------------

    def _orders(self) -> None:
        frames = []
        for kind in (ORDERS, WORKING):
            c = self.cols[kind]
            if c is None or not len(c):
                continue
            open_time = _times(c.col("open_time"))
            ticket = _floats(c.col("order"))
            states = _lower(_texts(c.col("state")))
            comments = _texts(c.col("comment"))
            for t, com in zip(ticket.tolist(), comments):
                if com and not math.isnan(t):
                    self.orders_comment[int(t)] = com
            mapped = [ORDER_STATES.get(s, "?") for s in states]
            if kind == WORKING:
                mapped = ["working" if m == "?" or m is None else m for m in mapped]
            unknown = np.array([m == "?" for m in mapped], dtype=bool)
            no_time = np.isnat(open_time)
            no_ticket = np.isnan(ticket)
            bad_ticket = _bad_ids(ticket)
            ok = ~(no_time | no_ticket | bad_ticket | unknown)
            _keep(c, ok, [
                (no_time, "the open time is not a date"),
                (no_ticket, "no order number"),
                (bad_ticket, "the order number is not a whole number below 2^63"),
                (unknown, "unknown order state"),
            ], self.st.skipped)
            keep = ok & np.array([m is not None and m != "?" for m in mapped], dtype=bool)
            if not keep.any():
                continue
            filled, requested = _volumes(c.col("volume"))
            lots = np.where(np.isnan(requested), filled, requested)
            symbols = _texts(c.col("symbol"))
            sel = np.flatnonzero(keep).tolist()
            close_time = _times(c.col("time")) if kind == ORDERS else np.full(len(c), np.datetime64("NaT"), "M8[ns]")
            syms = [symbols[k] for k in sel]
            roots, suffixes = normalise_many(syms)
            types = _texts(c.col("type"))
            frames.append(orders_frame({
                "account": [self.login] * len(sel),
                "ticket": ticket[sel].astype("int64"),
                "open_time": open_time[sel],
                "close_time": close_time[sel],
                "order_type": _lower([types[k] for k in sel]),
                "lots": lots[sel],
                "symbol": syms,
                "symbol_root": roots,
                "symbol_suffix": suffixes,
                "price": _floats(c.col("price"))[sel],
                "sl": _nan_zero(_floats(c.col("sl"))[sel]),
                "tp": _nan_zero(_floats(c.col("tp"))[sel]),
                "state": [mapped[k] for k in sel],
                "comment": [comments[k] for k in sel],
                "source": [self.st.path] * len(sel),
            }))
        if frames:
            self.st.orders = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def _order_kinds(self) -> dict[int, str]:
        """Order ticket -> how it executes ("market", "limit", "stop", "stop limit", "close by"), from the Orders
        section's Type (issue 12: only market executions fill at the bid/ask and may pair for the spread)."""
        c = self.cols[ORDERS]
        if c is None or not len(c):
            return {}
        kinds = {}
        for t, typ in zip(_floats(c.col("order")).tolist(), _lower(_texts(c.col("type")))):
            kind = typ.removeprefix("buy").removeprefix("sell").strip() or "market"
            if not math.isnan(t) and kind in _ORDER_KINDS:
                kinds[int(t)] = kind
        return kinds

    def _set_order_kinds(self, d: _Deals, recs: list[_Pos], kinds: dict[int, str]) -> None:
        """``open_order_type`` / ``close_order_type`` of each trade (``recs`` aligned with st.trades) from the
        orders of its in and out deals: "" when unknown; one pending fill among several deals names the end."""
        if not kinds or len(recs) != len(self.st.trades):
            return
        ends: dict[str, list[str]] = {"open": [], "close": []}
        for r in recs:
            outs = set(r.outs)
            ins = [d.order[i] for i in r.deals if i not in outs] or [r.pid]
            for end, orders in (("open", ins), ("close", [d.order[i] for i in r.outs])):
                got = {kinds.get(o, "") for o in orders}
                pending = sorted(got - {"market", ""})
                ends[end].append(pending[0] if pending else "market" if got == {"market"} else "")
        for end, values in ends.items():
            self.st.trades[f"{end}_order_type"] = pd.Series(values, dtype=object, index=self.st.trades.index)

    # -- Positions table --------------------------------------------------------------------

    def _positions(self) -> list[_Pos]:
        c = self.cols[POSITIONS]
        if c is None:
            self.pos = None
            return []
        open_time = _times(c.col("open_time"))
        close_time = _times(c.col("close_time"))
        pid = _floats(c.col("position"))
        sides = _lower(_texts(c.col("type")))
        closed, total = _volumes(c.col("volume"))
        no_time = np.isnat(open_time) | np.isnat(close_time)
        no_id = np.isnan(pid)
        bad_id = _bad_ids(pid)
        bad_side = np.array([s not in TRADE_TYPES for s in sides], dtype=bool)
        bad_vol = np.isnan(closed) | (closed <= 0)
        ok = ~(no_time | no_id | bad_id | bad_side | bad_vol)
        _keep(c, ok, [
            (no_time, "the open or close time is not a date"),
            (no_id, "no position number"),
            (bad_id, "the position number is not a whole number below 2^63"),
            (bad_side, "the type is not buy or sell"),
            (bad_vol, "no volume"),
        ], self.st.skipped)
        sel = np.flatnonzero(ok)
        symbols = _texts(c.col("symbol"))
        notes = c.notes()
        open_raw, close_raw = c.col("open_price"), c.col("close_price")
        self.pos = {
            "sel": sel,
            "pid": pid[sel].astype("int64"),
            "open_time": open_time[sel],
            "close_time": close_time[sel],
            "side": [sides[k] for k in sel],
            "symbol": [symbols[k] for k in sel],
            "lots": closed[sel],
            "total": total[sel],
            "open_price": _floats(open_raw)[sel],
            "close_price": _floats(close_raw)[sel],
            "sl": _nan_zero(_floats(c.col("sl"))[sel]),
            "tp": _nan_zero(_floats(c.col("tp"))[sel]),
            "commission": np.nan_to_num(_floats(c.col("commission"))[sel]),
            "swap": np.nan_to_num(_floats(c.col("swap"))[sel]),
            "profit": np.nan_to_num(_floats(c.col("profit"))[sel]),
            "note": [notes[k] for k in sel],
        }
        p = self.pos
        p["decimals"] = _symbol_decimals(p["symbol"] * 2, [open_raw[k] for k in sel] + [close_raw[k] for k in sel])
        del open_raw, close_raw
        out = []
        o_ns = p["open_time"].astype("int64").tolist()
        c_ns = p["close_time"].astype("int64").tolist()
        for k in range(len(sel)):
            r = _Pos(int(p["pid"][k]), p["symbol"][k], p["side"][k], o_ns[k], k)
            r.close_ns = c_ns[k]
            r.open_price = float(p["open_price"][k])
            r.close_price = float(p["close_price"][k])
            r.volume = float(p["total"][k]) if not math.isnan(p["total"][k]) else float(p["lots"][k])
            out.append(r)
        dup = len(out) - len({r.pid for r in out})
        if dup:
            self.st.warnings.append(f"{dup} position numbers appear twice in the Positions table.")
        return out

    def _multipliers(self, positions: list[_Pos]) -> dict[str, float]:
        """Money per price unit and lot, per symbol, from the Positions table (to tell positions apart)."""
        if self.pos is None:
            return {}
        p = self.pos
        sign = np.where(np.array(p["side"]) == "buy", 1.0, -1.0)
        diff = (p["close_price"] - p["open_price"]) * sign * p["lots"]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = p["profit"] / diff
        frame = pd.DataFrame({"symbol": p["symbol"], "ratio": ratio})
        frame = frame[np.isfinite(frame["ratio"]) & (frame["ratio"] > 0)]
        return frame.groupby("symbol")["ratio"].median().to_dict() if len(frame) else {}

    def _trades_from_table(self, d: _Deals, positions: list[_Pos], links: list[_Pos | None]) -> None:
        p = self.pos
        n = len(positions)
        fee = np.zeros(n)
        deal_comm = np.zeros(n)
        deal_profit = np.zeros(n)
        n_out = np.zeros(n, dtype="int64")
        close_by = np.zeros(n, dtype=bool)
        stop_out = np.zeros(n, dtype=bool)
        reasons = [""] * n
        comments = list(p["note"])
        for k, r in enumerate(positions):
            for i in r.deals:
                fee[k] += d.fee[i]
                deal_comm[k] += d.commission[i]
                if i in r.outs:
                    deal_profit[k] += d.profit[i]
            n_out[k] = len(r.outs)
            self._close_flags(d, r, k, close_by, stop_out, reasons)
            if not comments[k]:
                comments[k] = self._in_comment(d, r)
        partial = (n_out > 1) | (p["total"] > p["lots"] + _EPS)
        self.table_check = {
            "commission": deal_comm - p["commission"],
            "profit": deal_profit - p["profit"],
            "linked": np.array([bool(r.deals) for r in positions], dtype=bool),
        }
        roots, suffixes = normalise_many(p["symbol"])
        self.st.trades = trades_frame({
            "account": [self.login] * n,
            "ticket": p["pid"],
            "open_time": p["open_time"],
            "close_time": p["close_time"],
            "side": p["side"],
            "lots": p["lots"],
            "symbol": p["symbol"],
            "symbol_root": roots,
            "symbol_suffix": suffixes,
            "open_price": p["open_price"],
            "close_price": p["close_price"],
            "sl": p["sl"],
            "tp": p["tp"],
            "commission": p["commission"],
            "taxes": fee,
            "swap": p["swap"],
            "profit": p["profit"],
            "comment": comments,
            "digits": self._digits(p["symbol"], p["decimals"], d),
            "is_partial": partial,
            "close_by": close_by,
            "stop_out": stop_out,
            "close_reason": reasons,
            "source": [self.st.path] * n,
        })
        self._check_links(positions, n_out)

    def _check_links(self, positions: list[_Pos], n_out: np.ndarray) -> None:
        chk = self.table_check
        tol = _MONEY_TOL * np.maximum(n_out, 1) + 1e-9
        unlinked = int((n_out == 0).sum())
        mism = int(((np.abs(chk["profit"]) > tol) & (n_out > 0)).sum())
        if unlinked:
            self.st.warnings.append(
                f"{unlinked} closed positions have no closing deal in the Deals table (the report period may "
                "cut them); their figures come from the Positions table alone."
            )
        if mism:
            self.st.warnings.append(
                f"For {mism} positions the profit of the closing deals linked to them differs from the Positions "
                "table (deals could not be linked with certainty); the Positions table's figures are used."
            )

    def _close_flags(self, d: _Deals, r: _Pos, k: int, close_by: np.ndarray, stop_out: np.ndarray,
                     reasons: list[str]) -> None:
        for i in r.outs:
            if d.direction[i] == "out by":
                close_by[k] = True
            for text in (d.comment[i], self.orders_comment.get(d.order[i], "")):
                m = _REASON.match(text)
                if m:
                    reason = m.group(1).lower()
                    reasons[k] = reason
                    if reason == "so":
                        stop_out[k] = True
                    break

    def _in_comment(self, d: _Deals, r: _Pos) -> str:
        for i in r.deals:
            if d.direction[i] == "in" and d.comment[i]:
                return d.comment[i]
        return self.orders_comment.get(r.pid, "")

    def _digits(self, symbols: list[str], decimals: dict[str, list[int]], d: _Deals) -> np.ndarray:
        """Per symbol, the most decimals its first :data:`_DIGITS_SAMPLE` prices are printed with: those of
        ``decimals`` (the Positions table's, open then close prices) first, then the deals'."""
        best = {}
        for s in set(symbols):
            first = decimals.get(s, [])
            best[s] = max(first + d.decimals.get(s, [])[:_DIGITS_SAMPLE - len(first)], default=0)
        return np.array([min(best[s], 10) for s in symbols], dtype="int8")

    # -- Trades rebuilt from deals (tester, or a history without its Positions table) --------

    def _trades_from_deals(self, d: _Deals, records: list[_Pos], links: list[_Pos | None]) -> None:
        closed = [r for r in records if r.outs and r.vin > 0 and r.vout >= r.vin - _EPS]
        partly = [r for r in records if r.outs and r.vin > 0 and r.vout < r.vin - _EPS]
        if partly:
            self.st.warnings.append(
                f"{len(partly)} positions were only partly closed at the end of the report; their closed part is "
                "counted as a trade and the rest as an open position."
            )
        rows = closed + partly
        n = len(rows)
        cols: dict[str, list[Any]] = defaultdict(list)
        close_by = np.zeros(n, dtype=bool)
        stop_out = np.zeros(n, dtype=bool)
        reasons = [""] * n
        for k, r in enumerate(rows):
            outs = r.outs
            vols = [r.closed_by(i, d.volume[i]) for i in outs]
            vout = sum(vols)
            cols["ticket"].append(r.pid)
            cols["open_time"].append(r.open_ns)
            cols["close_time"].append(max(d.ns[i] for i in outs))
            cols["side"].append(r.side)
            cols["lots"].append(vout)
            cols["symbol"].append(r.symbol)
            cols["open_price"].append(r.in_price / r.vin if r.vin else r.open_price)
            cols["close_price"].append(sum(d.price[i] * v for i, v in zip(outs, vols)) / vout if vout else float("nan"))
            cols["commission"].append(float(sum(d.commission[i] for i in r.deals)))
            cols["taxes"].append(float(sum(d.fee[i] for i in r.deals)))
            cols["swap"].append(float(sum(d.swap[i] for i in outs)))
            cols["profit"].append(float(sum(d.profit[i] for i in outs)))
            cols["comment"].append(self._in_comment(d, r))
            cols["is_partial"].append(len(outs) > 1 or r.vout < r.vin - _EPS)
            self._close_flags(d, r, k, close_by, stop_out, reasons)
        roots, suffixes = normalise_many(cols["symbol"])
        digits = self._digits(cols["symbol"], {}, d) if n else np.zeros(0, dtype="int8")
        self.st.trades = trades_frame({
            **{k: v for k, v in cols.items() if k not in ("open_time", "close_time")},
            "account": [self.login] * n,
            "open_time": pd.to_datetime(np.array(cols["open_time"], dtype="int64")),
            "close_time": pd.to_datetime(np.array(cols["close_time"], dtype="int64")),
            "symbol_root": roots,
            "symbol_suffix": suffixes,
            "digits": digits,
            "close_by": close_by,
            "stop_out": stop_out,
            "close_reason": reasons,
            "source": [self.st.path] * n,
        }) if n else trades_frame()
        self.rebuilt = {id(r) for r in rows}
        self.trade_recs = rows  # aligned with st.trades, for _set_order_kinds

    # -- Open positions ---------------------------------------------------------------------

    def _open_positions(self, d: _Deals, linker: _Linker, links: list[_Pos | None]) -> None:
        c = self.cols[OPEN]
        table_ids = set(self.pos["pid"].tolist()) if self.pos is not None else set()
        if c is not None and len(c):
            open_time = _times(c.col("open_time"))
            pid = _floats(c.col("position"))
            sides = _lower(_texts(c.col("type")))
            lots = _volumes(c.col("volume"))[0]
            no_time = np.isnat(open_time)
            no_id = np.isnan(pid)
            bad_id = _bad_ids(pid)
            bad_side = np.array([s not in TRADE_TYPES for s in sides], dtype=bool)
            ok = ~(no_time | no_id | bad_id | bad_side)
            _keep(c, ok, [(no_time, "the open time is not a date"), (no_id, "no position number"),
                          (bad_id, "the position number is not a whole number below 2^63"),
                          (bad_side, "the type is not buy or sell")], self.st.skipped)
            sel = np.flatnonzero(ok)
            ids = pid[sel].astype("int64")
            all_symbols = _texts(c.col("symbol"))
            symbols = [all_symbols[k] for k in sel]
            all_comments = _texts(c.col("comment"))
            comm, fee = [], []
            for x in ids.tolist():
                r = linker.by_id.get(x)
                # A partly closed position is also in the Positions table, which already counts its in deal.
                if r is None or x in table_ids:
                    comm.append(0.0)
                    fee.append(0.0)
                else:
                    comm.append(float(sum(d.commission[i] for i in r.deals)))
                    fee.append(float(sum(d.fee[i] for i in r.deals)))
            raw_comm = _floats(c.col("commission"))[sel] if c.has("commission") else None
            roots, suffixes = normalise_many(symbols)
            open_raw = c.col("open_price")
            prices = [open_raw[k] for k in sel]
            dec = _decimals(prices) if len(sel) else np.zeros(0, dtype="int64")
            self.st.open_positions = open_frame({
                "account": [self.login] * len(sel),
                "ticket": ids,
                "open_time": open_time[sel],
                "side": [sides[k] for k in sel],
                "lots": lots[sel],
                "symbol": symbols,
                "symbol_root": roots,
                "symbol_suffix": suffixes,
                "open_price": _floats(prices),
                "sl": _nan_zero(_floats(c.col("sl"))[sel]),
                "tp": _nan_zero(_floats(c.col("tp"))[sel]),
                "market_price": _floats(c.col("market_price"))[sel],
                "commission": np.nan_to_num(raw_comm) if raw_comm is not None else comm,
                "taxes": fee,
                "swap": np.nan_to_num(_floats(c.col("swap"))[sel]),
                "profit": np.nan_to_num(_floats(c.col("profit"))[sel]),
                "comment": [all_comments[k] for k in sel],
                "digits": np.minimum(dec, 10).astype("int8"),
                "source": [self.st.path] * len(sel),
            })
        elif self.st.is_backtest or self.cols[POSITIONS] is None:
            # No Open Positions table: positions whose in deal has no (full) out deal are still open.
            rows = [r for r in linker.records if r.vin > 0 and r.vout < r.vin - _EPS and r.pid not in table_ids]
            if rows:
                roots, suffixes = normalise_many([r.symbol for r in rows])
                self.st.open_positions = open_frame({
                    "account": [self.login] * len(rows),
                    "ticket": [r.pid for r in rows],
                    "open_time": pd.to_datetime(np.array([r.open_ns for r in rows], dtype="int64")),
                    "side": [r.side for r in rows],
                    "lots": [r.vin - r.vout for r in rows],
                    "symbol": [r.symbol for r in rows],
                    "symbol_root": roots,
                    "symbol_suffix": suffixes,
                    "open_price": [r.in_price / r.vin for r in rows],
                    "commission": [float(sum(d.commission[i] for i in r.deals if d.direction[i] == "in"))
                                   if not r.outs else 0.0 for r in rows],
                    "source": [self.st.path] * len(rows),
                })

    # -- Cash -------------------------------------------------------------------------------

    def _cash(self, d: _Deals) -> None:
        from fxcost.importers import cash  # another engineer's module; imported when needed

        sel = [i for i, t in enumerate(d.type) if t not in TRADE_TYPES]
        if not sel:
            return
        amount = (d.profit + d.commission + d.fee + d.swap)[sel]
        kinds = [cash.classify(d.type[i], float(a), d.comment[i]) for i, a in zip(sel, amount)]
        self.st.cash = cash_frame({
            "account": [self.login] * len(sel),
            "ticket": [d.deal[i] for i in sel],
            "time": d.time[sel],
            "kind": kinds,
            "amount": amount,
            "comment": [d.comment[i] for i in sel],
            "row_type": [d.type[i] for i in sel],
            "source": [self.st.path] * len(sel),
        })

    # -- Printed totals ---------------------------------------------------------------------

    def _printed(self, d: _Deals, records: list[_Pos], links: list[_Pos | None]) -> None:
        """The Deals totals row, made comparable with the closed trades, and the causes of what differs."""
        st = self.st
        p = st.printed
        c = self.cols[DEALS]
        totals = c.totals if c is not None else None
        is_trade = np.array([t in TRADE_TYPES for t in d.type], dtype=bool)
        cash_sum = {k: float(getattr(d, k)[~is_trade].sum()) for k in ("commission", "fee", "swap", "profit")}
        n_cash = int((~is_trade).sum())
        adjust: dict[str, float] = defaultdict(float)
        causes: dict[str, list[str]] = defaultdict(list)

        if totals:
            t = {k: tx.parse_number(totals.get(k)) if totals.get(k) is not None else float("nan")
                 for k in ("commission", "fee", "swap", "profit", "balance")}
            p.extra["deals_totals"] = {k: (None if math.isnan(v) else v) for k, v in t.items()}
            # Which builds count balance/credit deals in the Profit total? Newer ones do (the row then
            # adds up to the final Balance), older ones and the tester do not: tell them apart from the
            # printed row itself.
            net = sum(0.0 if math.isnan(t[k]) else t[k] for k in ("commission", "fee", "swap", "profit"))
            with_cash = math.isnan(t["balance"]) or abs(net - t["balance"]) < 0.015
            # The deals themselves settle it when the row's Profit is the sum of the trade deals' profit, or of
            # every deal's (a report of part of the history starts above 0, so its net is no final balance).
            trade_profit = float(d.profit[is_trade].sum())
            if not math.isnan(t["profit"]) and n_cash and abs(cash_sum["profit"]) >= 0.005:
                if abs(t["profit"] - trade_profit - cash_sum["profit"]) < 0.015:
                    with_cash = True
                elif abs(t["profit"] - trade_profit) < 0.015:
                    with_cash = False
            for field_, key in (("commission", "commission"), ("taxes", "fee"), ("swap", "swap"), ("profit", "profit")):
                if math.isnan(t[key]):
                    continue
                value = t[key] - (cash_sum[key] if with_cash else 0.0)
                setattr(p, field_, round(value, 8))
            if with_cash and n_cash:
                p.extra["profit_basis"] = (
                    f"Deals totals row minus the {n_cash} balance/credit deals it includes "
                    f"({_money(cash_sum['profit'])})"
                )
            else:
                p.extra["profit_basis"] = "Deals totals row (it does not include balance/credit deals)"

        # Money of trade deals that belong to no closed trade: deals of positions still open (or not in
        # the Positions table) and deals that could not be linked. The printed totals count them.
        trade_rows = getattr(self, "rebuilt", None)
        outside: list[int] = []
        unlinked: list[int] = []
        open_recs = 0
        for r in records:
            in_trades = (r.row >= 0) if trade_rows is None else (id(r) in trade_rows)
            if not in_trades and r.deals:
                outside.extend(r.deals)
                open_recs += 1
        for i, r in enumerate(links):
            if r is None and d.type[i] in TRADE_TYPES:
                unlinked.append(i)
        for label, deals_, what in (
            ("open", outside, f"{open_recs} positions still open at report time (or not in the Positions table)"),
            ("unlinked", unlinked, f"{len(unlinked)} deals that could not be linked to any position"),
        ):
            if not deals_:
                continue
            sums = {k: float(getattr(d, k)[deals_].sum()) for k in ("commission", "fee", "swap", "profit")}
            for field_, key in (("commission", "commission"), ("taxes", "fee"), ("swap", "swap"), ("profit", "profit")):
                if abs(sums[key]) >= 0.005:
                    adjust[field_] += sums[key]
                    causes[field_].append(f"{_money(sums[key])} {key} on the deals of {what}")
            net = sum(sums.values())
            if abs(net) >= 0.005:
                adjust["total_net_profit"] += net
                causes["total_net_profit"].append(f"{_money(net)} on the deals of {what}")
            p.extra[f"{label}_deals"] = {"count": len(deals_), **{k: round(v, 8) for k, v in sums.items()}}

        if self.pos is not None:  # trades read from the Positions table
            chk = self.table_check
            for field_ in ("commission", "profit"):
                diff = chk[field_][chk["linked"]]
                bad = np.abs(diff) > _MONEY_TOL
                if bad.any():
                    adjust[field_] += float(diff[bad].sum())
                    causes[field_].append(
                        f"{_money(float(diff[bad].sum()))} by which the deals of {int(bad.sum())} positions differ "
                        f"from their {field_} in the Positions table"
                    )
                    adjust["total_net_profit"] += float(diff[bad].sum())
                    causes["total_net_profit"].append(
                        f"{_money(float(diff[bad].sum()))} {field_} difference between deals and Positions table"
                    )

        # MT5's Total Trades counts closing deals, so a position closed in parts counts once per part.
        n_out = sum(1 for i, dirn in enumerate(d.direction) if d.type[i] in TRADE_TYPES
                    and dirn in ("out", "out by", "inout", "in/out"))
        diff_trades = n_out - len(st.trades)
        if diff_trades and p.trades is not None:
            adjust["trades"] += diff_trades
            multi = int(st.trades["is_partial"].sum()) if len(st.trades) else 0
            causes["trades"].append(
                f"{n_out} closing deals, as MetaTrader counts each one as a trade; fxcost counts {len(st.trades)} "
                f"positions ({multi} of them closed in several parts or still partly open)"
            )
        if adjust:
            p.extra["adjust"] = {k: round(v, 8) for k, v in adjust.items() if v}
            p.extra["causes"] = {k: "; ".join(v) for k, v in causes.items() if k in p.extra["adjust"]}
            for k, cause in p.extra["causes"].items():
                st.warnings.append(f"Reconciliation, {k}: the report's total includes {cause}.")


def _nan_zero(a: np.ndarray) -> np.ndarray:
    """S/L and T/P: 0 or empty means none."""
    a = np.asarray(a, dtype="float64").copy()
    a[a == 0] = np.nan
    return a


def _money(v: float) -> str:
    return f"{v:,.2f}".replace(",", " ")
