"""MT5 Trade History Report and Strategy Tester report (HTML) -> Statement, via mt5_build.

This module only turns the HTML into rows of cell values by column position (a ``colspan``
covers several positions; ``class="hidden"`` cells are left out, except that the hidden
Positions comment is kept as the row's note); mt5_build does the rest for HTML and XLSX alike.

Speed: a 100k-position report has ~500k rows and ~7M cells. MetaTrader writes every data row
of a table with the same cell tags, so after one row has been tokenised cell by cell, the
following rows are matched by a single regular expression compiled for that row shape (one C
call per row instead of Python work per cell). A row that does not fit (another table, a cell
holding markup or an entity, a damaged row) goes through the cell-by-cell tokenizer, which uses
the same cell boundaries and text cleaning as :mod:`fxcost.importers.htmltable`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from fxcost.importers import htmltable
from fxcost.importers.mt5_build import Sheet, build, bulk
from fxcost.model import Statement

# A cell runs from its tag to the next cell, row or table tag (closing tags optional, as browsers
# allow). Written as an unrolled loop: [^<]* runs at C speed, unlike a lazy .*? with a lookahead.
_CELL = re.compile(r"(<t([dh])\b[^>]*>)([^<]*(?:<(?!/?t[dhr]\b|/?table\b)[^<]*)*)", re.IGNORECASE)
#: Cell text the fast path accepts: no markup and no entity (then it equals the cleaned text);
#: the first cell (the date) must not start with a space.
_PLAIN = r"([^<&]*)"
_PLAIN_FIRST = r"([^<&\s][^<&]*|)"
#: Distinct cell texts remembered for sharing (about 10 MB); beyond that the cache starts afresh.
_SHARED_MAX = 100_000


def read(text: str, path: str) -> Statement:
    """Import an MT5 history or tester report decoded from HTML.

    Raises:
        UnsupportedReport: a Trade Account Report, or an MT5 report without a Deals table.
        ImportFailed: a report whose Deals table cannot be read.
    """
    title = htmltable.title_text(text)
    with bulk():
        sheet = rows(text)
    # The rows hold every value now. When this frame holds the only reference (load_file), this frees the
    # document before the build, which is where the import's memory peaks.
    del text
    return build([sheet], path, "html", title)


class _Shape:
    """A compiled data-row shape: its regex and how its groups map to column positions."""

    __slots__ = ("regex", "get", "note")

    def __init__(self, regex: re.Pattern[str], get: Callable[[tuple[Any, ...]], tuple[Any, ...]], note: int | None):
        self.regex = regex
        self.get = get
        self.note = note


def rows(text: str) -> Sheet:
    """The document's table rows as cell values by column position (see the module docstring)."""
    out: list[Any] = []
    nums: list[int] = []
    notes: dict[int, str] = {}
    shapes: dict[tuple[str, ...], _Shape | None] = {}
    shape: _Shape | None = None
    # Equal cell texts of fast-path rows share one string (a bounded cache): every row repeats its symbol,
    # type, direction, volume and zero amounts, and a string object per cell is most of the import's memory.
    shared: dict[str, str] = {}
    share = shared.setdefault
    # Each row is matched in place, text[start:end] (no list of row strings: that would copy the document).
    for k, (start, end) in enumerate(htmltable.row_spans(text), 1):
        if shape is not None:
            m = shape.regex.match(text, start, end)
            if m:
                if len(shared) > _SHARED_MAX:
                    shared.clear()
                g = m.groups()
                g = tuple(map(share, g, g))
                if shape.note is not None and g[shape.note]:
                    notes[len(out)] = g[shape.note]
                out.append(shape.get(g))
                nums.append(k)
                continue
        cells = _CELL.findall(text, start, end)
        if not cells:
            continue
        row: list[Any] = []
        note = None
        for _tag, _kind, inner in cells:
            attrs = _tag[3:-1]
            text_ = htmltable.cell_text(inner)
            if _hidden(attrs):
                note = text_
                continue
            row.append(text_)
            span = _colspan(attrs)
            if span > 1:
                row.extend([None] * (span - 1))
        if note:
            notes[len(out)] = note
        out.append(row)
        nums.append(k)
        if row and _looks_like_date(row[0]):
            key = tuple(tag for tag, _, _ in cells)
            if key not in shapes:
                shapes[key] = _compile(cells)
            shape = shapes[key]
    return Sheet(out, nums, notes, "")


def _hidden(attrs: str) -> bool:
    cls = htmltable.get_attr(attrs, "class")
    return bool(cls) and "hidden" in cls.split()


def _colspan(attrs: str) -> int:
    if "colspan" not in attrs.lower():
        return 1
    value = htmltable.get_attr(attrs, "colspan")
    try:
        return min(max(1, int(value or 1)), 64)
    except ValueError:
        return 1


def _looks_like_date(v: Any) -> bool:
    return isinstance(v, str) and len(v) >= 10 and v[:4].isdigit() and v[4:5] == "."


def _compile(cells: list[tuple[str, str, str]]) -> _Shape | None:
    """Regex for rows with exactly these cell tags; groups are mapped to positions like the slow path."""
    # Exact tags and mandatory closing tags, no IGNORECASE: about twice as fast as a looser pattern.
    parts = [r"\s*"]
    index: list[int] = []  # position -> group number (len(groups) = the None filler)
    note = None
    for g, (tag, kind, _inner) in enumerate(cells):
        parts.append(re.escape(tag) + (_PLAIN_FIRST if g == 0 else _PLAIN) + "</t" + kind + r">\s*")
        attrs = tag[3:-1]
        if _hidden(attrs):
            note = g
            continue
        index.append(g)
        index.extend([-1] * (_colspan(attrs) - 1))
    parts.append(r"(?:</tr|$)")
    if len(index) < 2:
        return None
    filler = len(cells)
    picks = [filler if i < 0 else i for i in index]
    getter = itemgetter(*picks)
    none_tail = (None,)

    def get(groups: tuple[Any, ...]) -> tuple[Any, ...]:
        return getter(groups + none_tail)

    return _Shape(re.compile("".join(parts)), get, note)
