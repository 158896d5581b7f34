"""MT5 report layout: a file's rows (Sheets) scanned into tables, label blocks and titles; tables named and read by column.

Both readers (mt5_html, mt5_xlsx) turn their file into :class:`Sheet` objects: rows of raw cell values by column
position (an HTML cell's ``colspan`` or an XLSX merged range covers several positions, only the first holding the
value; HTML ``class="hidden"`` cells are left out, the hidden Positions comment goes into ``Sheet.notes``).

1. :func:`scan` splits the rows into tables (a header row followed by rows that start with a date-time), label
   blocks (``Label:`` value rows: account header, summary, results, tester settings) and title rows. Nothing
   depends on the UI language: headings and labels are translated (EN, FR, JA, BG, SK...), the structure and the
   data tokens are not (FORMATS.md 0, 3.6).
2. :func:`identify` names each table (Positions, Orders, Deals, Open Positions, Working Orders) from its column
   count and the English tokens in its data rows, falling back on the fixed order.
3. :func:`section_columns` maps a section's columns by position; mt5_builder parses them column-wise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fxcost.importers import text as tx
from fxcost.importers.frames import RowChecks
from fxcost.importers.mt5_cells import cell_text, is_numeric, is_time, row_text
from fxcost.importers.mt5_rows import Block, Rows, blank, span_value
from fxcost.model import SkippedRow

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


# ---------------------------------------------------------------------------------------------
# 1. Scan rows into titles, label blocks and tables
# ---------------------------------------------------------------------------------------------


@dataclass
class RawTable:
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
class Labels:
    """Consecutive label rows: each row as [(label, value), ...] in printed order."""

    rows: list[list[tuple[str, Any]]] = field(default_factory=list)
    nums: list[int] = field(default_factory=list)


@dataclass
class Layout:
    items: list[tuple[str, Any]]  # ("title", text) | ("labels", Labels) | ("table", RawTable)
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
        if sum(1 for _, v in ne if is_numeric(v) or is_time(v)) <= 1:
            return "header"
    if p0 >= 4 and all(is_numeric(v) for _, v in ne):
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


def scan(sheets: Sequence[Sheet]) -> Layout:
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
                                            row_text(r)))
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
                items.append(("table", RawTable(
                    sheet=sheet.name, header=row, header_num=nums[i], title=title,
                    rows=Rows(rows[i + 1:end], nums[i + 1:end],
                              [notes.get(k, "") for k in range(i + 1, end)] if notes else []),
                    totals=totals, starts=starts)))
                title = ""
                i = j
                continue
            if kind == "title":
                title = cell_text(next(v for v in row if not blank(v)))
                items.append(("title", title))
            elif kind in ("label", "other", "totals"):
                if not items or items[-1][0] != "labels":
                    items.append(("labels", Labels()))
                block: Labels = items[-1][1]
                block.rows.append(_label_pairs(row))
                block.nums.append(nums[i])
            i += 1
    return Layout(items, stray)


# ---------------------------------------------------------------------------------------------
# 2. Name the tables
# ---------------------------------------------------------------------------------------------


def _spans(table: RawTable) -> list[tuple[int, int]]:
    starts = table.starts
    width = max([len(table.header)] + [len(r) for r in table.rows.head(_SAMPLE_SPAN)])
    ends = starts[1:] + [max(width, starts[-1] + 1)]
    return list(zip(starts, ends))


class _Sample(dict):
    """A table's sample rows by column name, each column read when :func:`_fits` first asks for it (it asks for
    two of a dozen; issue 14: a book of hundreds of files read them all, for every candidate section)."""

    def __init__(self, rows: list[Sequence[Any]], spans: dict[str, tuple[int, int]]) -> None:
        super().__init__()
        self.rows = rows
        self.spans = spans

    def __missing__(self, name: str) -> list[Any]:
        s, e = self.spans[name]
        value = self[name] = [span_value(r, s, e) for r in self.rows]
        return value


def _word(v: Any) -> str:
    return cell_text(v).lower()


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
            blank(v) or (is_numeric(v) and not is_time(v)) for v in c["market_price"]
        )
    if kind == ORDERS:
        return all(blank(v) or is_time(v) for v in c["time"]) and all(
            not is_numeric(v) for v in c["state"]
        )
    if kind == WORKING:
        return all(blank(v) or (is_numeric(v) and not is_time(v)) for v in c["market_price"]) and all(
            not is_numeric(v) for v in c["state"]
        )
    return False


def _data_sample(rows: Rows) -> list[Sequence[Any]]:
    """The first 40 data rows (starting with a date-time) among a table's first 200 rows."""
    # Only as many first rows as hold them are read (at least the _SAMPLE_SPAN rows _spans reads next): a Block holds
    # data rows only, so a table of HTML data rows needs its first 50, not 200 split from their Block (issue 14).
    seen = found = 0
    for item in rows.items:
        if type(item) is Block:
            take = min(len(item), 40 - found, 200 - seen)
            seen += take
            found += take
        else:
            seen += 1
            found += bool(item and is_time(item[0]))
        if found >= 40 or seen >= 200:
            break
    return [r for r in rows.head(max(seen, _SAMPLE_SPAN)) if r and is_time(r[0])][:40]


#: Rows _spans reads for a table's width.
_SAMPLE_SPAN = 50


def identify(layout: Layout) -> list[RawTable]:
    tables = [t for kind, t in layout.items if kind == "table"]
    last = -1
    for table in tables:
        n = table.width
        candidates = [k for k in SECTION_ORDER if n in LAYOUTS[k]]
        rows = _data_sample(table.rows)
        if rows:
            # The sample rows and the column spans once per table, not once per candidate section (issue 14).
            spans = _spans(table)
            candidates = [k for k in candidates if _fits(k, _Sample(rows, dict(zip(LAYOUTS[k][n], spans))))]
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


class SectionColumns:
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


def section_columns(tables: list[RawTable], kind: str) -> SectionColumns | None:
    """All tables of one kind (an edited workbook may repeat a header per sheet), by column name."""
    parts = [t for t in tables if t.kind == kind]
    if not parts:
        return None
    totals = None
    for t in parts:
        if t.totals is not None:
            names = LAYOUTS[kind][t.width]
            totals = {name: span_value(t.totals, s, e) for name, (s, e) in zip(names, _spans(t))}
    return SectionColumns(kind, [(t.rows, dict(zip(LAYOUTS[kind][t.width], _spans(t)))) for t in parts],
                 parts[0].sheet, totals)


def _section(cols: SectionColumns) -> str:
    name = SECTION_NAMES[cols.kind]
    return f"{name} (sheet {cols.sheet})" if cols.sheet else name


def keep_valid(cols: SectionColumns, checks: RowChecks, skipped: list[SkippedRow]) -> np.ndarray:
    """Record every row failing a check as a SkippedRow with the first reason that applies; the rows to keep."""
    failed = checks.first_reasons()
    for (_, reason), (num, row) in zip(failed, cols.rows_at([k for k, _ in failed])):
        skipped.append(SkippedRow(_section(cols), num, reason, row_text(row)))
    return checks.ok

