"""Row shapes of a worksheet: rows written alike, matched whole by one regular expression (issue 14).

MetaTrader writes every row of a section with the same cells: the same columns, types and attributes, only the
values differ. Once mt5_xlsx has read one such row cell by cell, :meth:`Shapes.learn` compiles a regular
expression for rows of exactly that form, with one group per value; the following rows of that form are matched by
it (one C call per row instead of a Python loop per cell) and converted a column at a time (:meth:`Shape.build`).

A shape accepts only what gives the same values as the cell-by-cell reader: cells of one row number, in column
order, of type number (a plain decimal number), shared string (an index) or inline string (one plain ``<t>``), or
empty; no formula. Any other row (and any row none of the recent shapes matches) is read cell by cell. So that no
input costs more than linear time, a sheet learns at most :data:`MAX_LEARNT` shapes and tries the
:data:`RECENT` used last among those of a row's signature.
"""

from __future__ import annotations

import html
import re
from itertools import repeat
from typing import Any

#: Shapes tried on each row, most recently used first.
RECENT = 8
#: Rows a sheet may learn a shape from.
MAX_LEARNT = 64
#: Compiled shapes kept between sheets (a book's workbooks share them).
MAX_CACHED = 256

_GAP, _EMPTY, _NUM, _TEXT, _SHARED = range(5)
#: A number cell's value that float() reads as the cell-by-cell reader does; anything else is read that way.
_NUMBER = rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_NUMBER_RE = re.compile(_NUMBER)
_CONTENT = {
    _NUM: rb"<v>(" + _NUMBER + rb"|)</v></c>",
    _SHARED: rb"<v>([0-9]{1,9}|)</v></c>",
    _TEXT: rb"<is><t>([^<]*)</t></is></c>",
}


def decode(raw: bytes) -> str:
    """Cell text from the XML: UTF-8, entities resolved."""
    s = raw.decode("utf-8", errors="replace")
    return html.unescape(s) if "&" in s else s


class Floats(dict):
    """Raw ``<v>`` bytes -> the number (None for none), computed once per distinct text."""

    def __missing__(self, raw: bytes) -> float | None:
        value = self[raw] = float(raw) if raw else None
        return value


class Texts(dict):
    """Raw text of a plain inline string -> the string (None for an empty one, which the reader skips)."""

    def __missing__(self, raw: bytes) -> str | None:
        value = self[raw] = decode(raw) or None
        return value


class Shape:
    """One row form: its regular expression (group 1 the row number, then one group per value) and, per column
    position, where its value comes from."""

    __slots__ = ("regex", "fields", "cells")

    def __init__(self, regex: re.Pattern[bytes], fields: list[tuple[int, int]], cells: int) -> None:
        self.regex = regex
        self.fields = fields  # per position: (kind, group index in Match.groups())
        self.cells = cells

    def build(self, groups: list[tuple[bytes, ...]], values: Floats, texts: Texts, shared: list[str]) -> list[Any]:
        """The rows whose ``Match.groups()`` are ``groups``, as the cell-by-cell reader makes them: values by column,
        None where no value, the empty positions at the end left out."""
        cols = list(zip(*groups))
        sources: list[Any] = []
        finite = False
        for kind, g in self.fields:
            if kind in (_GAP, _EMPTY):
                sources.append(repeat(None))
                continue
            raw = cols[g]
            if kind == _NUM:
                vals = list(map(values.__getitem__, raw))
            elif kind == _TEXT:
                vals = list(map(texts.__getitem__, raw))
            else:
                n_shared = len(shared)
                vals = [None if not v else shared[int(v)] if int(v) < n_shared else None for v in raw]
                vals = [None if x == "" else x for x in vals]
            sources.append(vals)
            finite = True
        if not finite:
            return [()] * len(groups)
        rows = list(zip(*sources))
        last = sources[-1]
        if type(last) is repeat or None in last:
            rows = [_trim(r) for r in rows]
        return rows


def _trim(row: tuple[Any, ...]) -> tuple[Any, ...]:
    k = len(row)
    while k and row[k - 1] is None:
        k -= 1
    return row if k == len(row) else row[:k]


_CACHE: dict[tuple[Any, ...], Shape] = {}


class Shapes:
    """The shapes one sheet has learnt, by signature (see :func:`signature`), most recently used first."""

    def __init__(self) -> None:
        self.by_sig: dict[tuple[int, int], list[Shape]] = {}
        self.learnt = 0

    def learn(self, data: bytes, start: int, stop: int, found: list[re.Match[bytes]], types: dict[bytes, bytes]
              ) -> None:
        """Learn the shape of the row ``data[start:stop]`` (through its ``</row>``) whose cells are ``found``, if it
        has one the shapes accept and its expression matches the row again."""
        if self.learnt >= MAX_LEARNT:
            return
        self.learnt += 1
        shape = _shape(data, found, types)
        if shape is None:
            return
        m = shape.regex.match(data, start, stop)
        if m is None or m.end() != stop:
            return
        candidates = self.by_sig.setdefault(signature(data, start, stop), [])
        candidates.insert(0, shape)
        del candidates[RECENT:]


def signature(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """What tells row forms apart at the cost of three C calls, so that a row is tried against few shapes (rows with a
    comment and rows without alternate at random): the number of cell tags up to the next ``</row>`` and the first
    letter of the last one's column."""
    stop = data.find(b"</row>", pos, end)
    if stop < 0:
        return (-1, 0)
    last = data.rfind(b'<c r="', pos, stop)
    return (data.count(b"<c ", pos, stop), data[last + 6] if last >= 0 else 0)


def _shape(data: bytes, found: list[re.Match[bytes]], types: dict[bytes, bytes]) -> Shape | None:
    from fxcost.importers.mt5_xlsx import _col  # the column numbers the reader uses

    first_num = found[0].group(2)
    key: list[tuple[bytes, bytes, int]] = []
    for m in found:
        letters, num_b, rest, ftag, v, inline = m.groups(b"")
        typ = types.get(rest)
        if num_b != first_num or ftag or typ not in (b"n", b"s", b"inlineStr"):
            return None
        tail = data[m.start() + len(b'<c r="') + len(letters) + len(num_b) + 1 + len(rest) + 1:m.end()]
        if rest.endswith(b"/") and not tail:
            kind = _EMPTY
        elif tail == b"</c>":
            kind = _EMPTY
        elif typ == b"inlineStr" and inline.startswith(b"<t>") and inline.endswith(b"</t>") \
                and inline.count(b"<") == 2 and tail == b"<is>" + inline + b"</is></c>":
            kind = _TEXT
        elif typ == b"n" and tail == b"<v>" + v + b"</v></c>" and (not v or _NUMBER_RE.fullmatch(v)):
            kind = _NUM
        elif typ == b"s" and tail == b"<v>" + v + b"</v></c>" and (not v or (v.isdigit() and len(v) <= 9)):
            kind = _SHARED
        else:
            return None
        key.append((letters, rest, kind))
    cached = _CACHE.get(tuple(key))
    if cached is not None:
        return cached
    parts = [rb"\s*<row\b[^<>]*+>\s*"]
    fields: list[tuple[int, int]] = []
    group = 0
    for j, (letters, rest, kind) in enumerate(key):
        col = _col(letters)
        if col < len(fields):
            return None  # cells out of order
        fields.extend([(_GAP, -1)] * (col - len(fields)))
        parts.append(re.escape(b'<c r="' + letters) + (rb"([0-9]{1,7})" if j == 0 else rb"\1")
                     + re.escape(b'"' + rest + b">"))
        if kind == _EMPTY:
            parts.append(b"" if rest.endswith(b"/") else re.escape(b"</c>"))
            fields.append((_EMPTY, -1))
        else:
            group += 1
            parts.append(_CONTENT[kind])
            fields.append((kind, group))
        parts.append(rb"\s*")
    parts.append(rb"</row>")
    shape = Shape(re.compile(b"".join(parts)), fields, len(key))
    if len(_CACHE) >= MAX_CACHED:
        _CACHE.clear()
    _CACHE[tuple(key)] = shape
    return shape
