"""MT5 Trade History Report and Strategy Tester report (HTML) -> Statement, via mt5_builder.

This module only turns the HTML into rows of cell values by column position (a ``colspan``
covers several positions; ``class="hidden"`` cells are left out, except that the hidden
Positions comment is kept as the row's note); mt5_builder does the rest for HTML and XLSX alike.

Speed: a 100k-position report has ~500k rows and ~7M cells. MetaTrader writes every data row
of a table with the same cell tags, so after one row has been tokenised cell by cell, the
following rows are matched by a single regular expression compiled for that row shape (one C
call per row instead of Python work per cell). A row that does not fit (another table, a cell
holding markup or an entity, a damaged row) goes through the cell-by-cell tokenizer, which uses
the same cell boundaries and text cleaning as :mod:`fxcost.importers.htmltable`.

Memory: the text may come in pieces (:func:`read_chunks`; load_file decodes a UTF-16 report as it reads
it), and fast-path rows go into column-wise :class:`~fxcost.importers.mt5_rows.Block` runs, so neither
the file nor a Python object per cell is ever held: a 100k-position report (~370 MB) peaks under 300 MB.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from fxcost.gcpause import paused
from fxcost.importers import htmltable
from fxcost.importers.mt5_builder import build
from fxcost.importers.mt5_cells import is_time
from fxcost.importers.mt5_layout import Sheet
from fxcost.importers.mt5_rows import CHUNK, Block
from fxcost.model import Statement

# A cell runs from its tag to the next cell, row or table tag (closing tags optional, as browsers
# allow). Written as an unrolled loop: [^<]* runs at C speed, unlike a lazy .*? with a lookahead.
# Attributes as htmltable.ATTRS reads them: a quoted value may hold ">" (issue 11). A cell tag that never closes is
# matched to the end of the row (and dropped: its tag has no ">"), so the scan does not retry from every "<td" inside it
# ('<td ' * n was quadratic, issue 13).
_CELL = re.compile(rf"(<t([dh])\b{htmltable.ATTRS}(?:>|\Z))([^<]*+(?:<(?!/?t[dhr]\b|/?table\b)[^<]*+)*+)",
                   re.IGNORECASE)
#: Cell text the fast path accepts: no markup and no entity (then it equals the cleaned text);
#: the first cell (the date) must not start with a space.
_PLAIN = r"([^<&\x00]*)"
_PLAIN_FIRST = r"([^<&\s\x00][^<&\x00]*|)"


def read(text: str, path: str) -> Statement:
    """Import an MT5 history or tester report decoded from HTML.

    Raises:
        UnsupportedReport: a Trade Account Report, or an MT5 report without a Deals table.
        ImportFailed: a report whose Deals table cannot be read.
    """
    box = [text]
    del text
    return read_chunks(_drain(box), path)


def read_chunks(chunks: Iterable[str], path: str) -> Statement:
    """Import an MT5 report given as consecutive pieces of its decoded text (a file decoded as it is read).

    Only a piece and the current row are in memory at a time, besides the compact rows (see :mod:`mt5_rows`).
    """
    with paused():
        sheet, title = rows(chunks)
    return build([sheet], path, "html", title)


def _drain(box: list[str]) -> Iterator[str]:
    """The one text in ``box``, handed over without keeping a reference (so it is freed once tokenised)."""
    yield box.pop()


class _Shape:
    """A compiled data-row shape: its regex, how its groups map to column positions, its filler positions."""

    __slots__ = ("regex", "picks", "first", "note", "width", "fill")

    def __init__(self, regex: re.Pattern[str], picks: list[int], note: int | None, width: int,
                 fill: frozenset[int]):
        self.regex = regex
        self.picks = picks  # position -> group (fillers: any group; a Block skips them)
        self.first = picks[0]  # the group of position 0 (the date-time)
        self.note = note
        self.width = width
        self.fill = fill


def rows(chunks: Iterable[str]) -> tuple[Sheet, str]:
    """The document's table rows as cell values by column position, and its title (see the module docstring).

    Rows matched by a compiled shape go into :class:`Block` runs; every other row is a list of cell texts.
    """
    out: list[Any] = []
    nums: list[int] = []
    notes: dict[int, str] = {}
    shapes: dict[tuple[str, ...], _Shape | None] = {}
    shape: _Shape | None = None
    block: Block | None = None
    head = [""]
    k = 0
    # The current shape's match and the group of its date, as locals; a Block's rows are collected here and added a
    # CHUNK at a time (issue 14: a method call and attribute reads per row were a fifth of this loop).
    match: Any = None
    first = 0
    pending: list[tuple[str, ...]] = []
    pending_nums: list[int] = []
    most = htmltable.MAX_ROW_CHARS
    for text, spans in _row_spans(_with_head(chunks, head)):
        # Each row is matched in place, text[start:end] (no list of row strings: that would copy the text).
        for start, end in spans:
            k += 1
            if match is not None and end - start <= most:
                m = match(text, start, end)
                if m:
                    g = m.groups()
                    v = g[first]
                    # A Block holds data rows only (mt5_layout relies on it): is_time inlined, as this runs per row.
                    if len(v) >= 10 and v[:4].isdigit() and v[4:5] in (".", "-") and v[5:7].isdigit():
                        if block is None:
                            assert shape is not None
                            block = Block(shape.width, shape.fill, shape.picks)
                            out.append(block)
                            nums.append(k)
                        pending.append(g)
                        pending_nums.append(k)
                        if len(pending) >= CHUNK:
                            block.add_many(pending, pending_nums, shape.note)  # type: ignore[union-attr]
                            pending, pending_nums = [], []
                        continue
            if block is not None:
                block.add_many(pending, pending_nums, shape.note)  # type: ignore[union-attr]
                pending, pending_nums = [], []
                block.close()
                block = None
            cells = _CELL.findall(text, start, end)
            if cells and cells[-1][0][-1] != ">":  # only the last cell of a row can be one whose tag never closes
                cells.pop()
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
            if row and is_time(row[0]):
                key = tuple(tag for tag, _, _ in cells)
                if key not in shapes:
                    shapes[key] = _compile(cells)
                shape = shapes[key]
                match = shape.regex.match if shape is not None else None
                first = shape.first if shape is not None else 0
    if block is not None:
        block.add_many(pending, pending_nums, shape.note)  # type: ignore[union-attr]
        block.close()
    return Sheet(out, nums, notes, ""), htmltable.title_text(head[0])


def _row_spans(chunks: Iterable[str]) -> Iterator[tuple[str, list[tuple[int, int]]]]:
    """For each piece of text, (text, spans of the complete rows in it), as :func:`htmltable.row_spans` finds
    them in the whole document: a row runs from after its ``<tr ...>`` tag to the next one (or the end).

    The unfinished row at the end of a piece is carried into the next; pieces without a row tag are only
    collected, so a long row costs one join, not one per piece.
    """
    parts: list[str] = []  # the unfinished row (after its <tr ...> tag), or the tail of the text before any row
    inside = False
    for chunk in chunks:
        if parts and not htmltable.ROW_TAG.search(_tail(parts) + chunk):
            parts.append(chunk)
            continue
        text = "".join(parts) + chunk if parts else chunk
        del chunk
        spans: list[tuple[int, int]] = []
        start = 0 if inside else None
        for m in htmltable.ROW_TAG.finditer(text):
            if start is not None:
                spans.append((start, m.start()))
            start = m.end()
        if start is None:
            lt = _unfinished_tag(text)
            parts = [text[lt:]] if lt >= 0 else []
        else:
            inside = True
            parts = [text[start:]]
        yield text, spans
        del text
    if inside:
        text = "".join(parts)
        yield text, [(0, len(text))]


def _unfinished_tag(text: str) -> int:
    """Where a ``<tr ...>`` tag cut by the end of ``text`` would start: the first "<" after the last ">" (an
    unfinished tag holds no ">", though it may hold a "<"), or -1."""
    return text.find("<", text.rfind(">") + 1)


def _tail(parts: list[str]) -> str:
    """The collected text from :func:`_unfinished_tag` on: where a ``<tr ...>`` tag split across pieces would start."""
    for i in range(len(parts) - 1, -1, -1):
        if ">" in parts[i] or i == 0:
            joined = "".join(parts[i:])
            lt = _unfinished_tag(joined)
            return joined[lt:] if lt >= 0 else ""
    return ""


def _with_head(chunks: Iterable[str], head: list[str]) -> Iterator[str]:
    """Pass the pieces on, collecting the document's first characters in ``head[0]`` (where its title is)."""
    for chunk in chunks:
        if len(head[0]) < htmltable.TITLE_CHARS:
            head[0] += chunk[:htmltable.TITLE_CHARS - len(head[0])]
        yield chunk


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
    picks = [max(i, 0) for i in index]  # a filler position (a colspan's) holds None: the Block never reads it
    fill = frozenset(p for p, i in enumerate(index) if i < 0)
    return _Shape(re.compile("".join(parts)), picks, note, len(index), fill)
