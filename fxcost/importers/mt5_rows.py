"""Compact storage of an MT5 report's data rows: runs of same-shaped rows kept column-wise as joined text.

A 100k-position HTML report has ~500k data rows and ~7M cells. As one Python string per cell they take
~270 MB; a :class:`Block` keeps each column of a run of rows as a few long strings (cells joined by NUL,
which no HTML cell the fast tokenizer accepts contains), about one byte per character. Cells become
Python objects again only one column at a time, while mt5_builder parses that column.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

#: Joins the cells of a column; the HTML tokenizer never lets it into a fast-path cell.
SEP = "\x00"
#: Rows per joined chunk: small enough that reading one row back splits little, large enough to be compact.
CHUNK = 2048


def blank(v: Any) -> bool:
    """An empty cell: None or only spaces."""
    return v is None or (type(v) is str and not v.strip())


def span_value(row: Sequence[Any], start: int, end: int) -> Any:
    """The value of a column that may cover several positions (colspan / merged cells)."""
    for p in range(start, min(end, len(row))):
        v = row[p]
        if not blank(v):
            return v
    return row[start] if start < len(row) else None


class Block:
    """Consecutive data rows of one shape: ``width`` positions, ``fill`` those a colspan covers (always None).

    Rows are added as tuples of ``width`` values (str at the real positions); :meth:`close` once the last is in.
    """

    __slots__ = ("width", "fill", "picks", "chunks", "count", "nums", "notes", "_pending")

    def __init__(self, width: int, fill: frozenset[int], picks: Sequence[int] | None = None) -> None:
        self.width = width
        self.fill = fill
        # With ``picks``, rows are added as a regex match's groups (:meth:`add`) and position p holds group picks[p]:
        # mapped a column at a time when joined, not row by row (issue 14).
        self.picks = picks
        self.chunks: list[list[str]] = [[] for _ in range(width)]
        self.count = 0
        self.nums = array("q")  # each row's number in the file
        self.notes: dict[int, str] = {}  # row index -> hidden cell text
        self._pending: list[tuple[Any, ...]] = []

    def add(self, row: tuple[Any, ...], num: int, note: str | None = None) -> None:
        """Add a row: its values by position, or with ``picks`` the groups of its shape's match."""
        if note:
            self.notes[self.count] = note
        pending = self._pending
        pending.append(row)
        self.nums.append(num)
        self.count += 1
        if len(pending) >= CHUNK:
            self._flush()

    def add_many(self, rows: list[tuple[Any, ...]], nums: list[int], note: int | None = None) -> None:
        """:meth:`add` of each row of ``rows`` (``nums`` their numbers in the file), ``note`` the index in a row of its
        note (or None): one call per run of rows, not per row (issue 14: a book of hundreds of files)."""
        for at in range(0, len(rows), CHUNK):
            part = rows[at:at + CHUNK] if at or len(rows) > CHUNK else rows
            room = CHUNK - len(self._pending)
            if len(part) > room:  # fill the pending chunk first, so chunks keep CHUNK rows each (rows_at relies on it)
                self.add_many(part[:room], nums[at:at + room], note)
                self.add_many(part[room:], nums[at + room:at + len(part)], note)
                continue
            if note is not None:
                base = self.count
                for j, text in enumerate(map(itemgetter(note), part)):
                    if text:
                        self.notes[base + j] = text
            self._pending.extend(part)
            self.nums.extend(nums[at:at + len(part)])
            self.count += len(part)
            if len(self._pending) >= CHUNK:
                self._flush()

    def close(self) -> None:
        if self._pending:
            self._flush()

    def _flush(self) -> None:
        if self.picks is not None:
            groups = list(zip(*self._pending))
            for p in range(self.width):
                if p not in self.fill:
                    self.chunks[p].append(SEP.join(groups[self.picks[p]]))
        else:
            for p, values in enumerate(zip(*self._pending)):
                if p not in self.fill:
                    self.chunks[p].append(SEP.join(values))
        self._pending = []

    def __len__(self) -> int:
        return self.count

    def column(self, p: int) -> list[Any]:
        """Every row's value at position ``p`` (None where the shape has no cell there)."""
        if p >= self.width or p in self.fill:
            return [None] * self.count
        out: list[Any] = []
        for chunk in self.chunks[p]:
            out.extend(chunk.split(SEP))
        return out

    def rows(self, start: int = 0, stop: int | None = None) -> list[tuple[Any, ...]]:
        """Rows ``start:stop`` as tuples (only the chunks holding them are split)."""
        stop = self.count if stop is None else min(stop, self.count)
        return self.rows_at(range(start, stop))

    def rows_at(self, offsets: Iterable[int]) -> list[tuple[Any, ...]]:
        """The rows at ``offsets`` (ascending), each chunk holding some of them split once."""
        out: list[tuple[Any, ...]] = []
        for c, group in groupby(offsets, lambda k: k // CHUNK):
            ks = list(group)
            off = c * CHUNK
            # Split no further than the last row wanted: a table's first rows (mt5_build samples them to name it)
            # cost those rows, not the chunk's 2048.
            upto = ks[-1] - off + 1
            columns = [None if p in self.fill else self.chunks[p][c].split(SEP, upto) for p in range(self.width)]
            out.extend(tuple(None if col is None else col[k - off] for col in columns) for k in ks)
        return out


class Rows:
    """A table's data rows in document order: plain rows (sequences of values) and :class:`Block` runs.

    ``nums`` and ``notes`` give each plain row's number in the file and hidden-cell text; a Block carries
    its own. Read by row (``head``, ``rows_at``) or by column (``column``), never all cells at once.
    """

    def __init__(self, items: list[Any], nums: list[int], notes: list[str]) -> None:
        self.items = items
        self._nums = nums
        self._notes = notes
        self._starts: list[int] = []  # first row index of each item
        self._head: tuple[int, list[Sequence[Any]]] | None = None  # (n, the first n rows) asked last
        # Blocks and runs of consecutive plain rows, for column(): a run is read by one comprehension (an XLSX
        # table is all plain rows; issue 14, a book of hundreds of workbooks).
        self._runs: list[Block | list[Sequence[Any]]] = []
        self._shortest: dict[int, int] = {}  # run index -> its shortest row's length (column() asks once per column)
        if Block not in set(map(type, items)):
            # Plain rows alone (an XLSX table): one run, each row its own item (issue 14: a Python step per row).
            self._starts = list(range(len(items)))
            self._runs = [list(items)] if items else []
            self.count = len(items)
            return
        n = 0
        for item in items:
            self._starts.append(n)
            if type(item) is Block:
                n += len(item)
                self._runs.append(item)
            else:
                n += 1
                if not self._runs or type(self._runs[-1]) is Block:
                    self._runs.append([])
                self._runs[-1].append(item)
        self.count = n

    def __len__(self) -> int:
        return self.count

    def _locate(self, k: int) -> tuple[int, int]:
        i = bisect_right(self._starts, k) - 1
        return i, k - self._starts[i]

    def rows_at(self, ks: Iterable[int]) -> list[tuple[int, Sequence[Any]]]:
        """(number in the file, row) of the rows at ``ks`` (ascending); a Block splits each chunk once."""
        out: list[tuple[int, Sequence[Any]]] = []
        for i, group in groupby(ks, lambda k: self._locate(k)[0]):
            item, start = self.items[i], self._starts[i]
            if type(item) is Block:
                offsets = [k - start for k in group]
                out.extend(zip((int(item.nums[o]) for o in offsets), item.rows_at(offsets)))
            else:
                out.extend((self._nums[i], item) for _ in group)
        return out

    def head(self, n: int) -> list[Sequence[Any]]:
        """The first ``n`` rows."""
        # Naming a table asks for its first rows once per candidate section: they are split from a Block once
        # (issue 14: a book of hundreds of files).
        if self._head is not None and (n <= self._head[0] or len(self._head[1]) == self.count):
            return self._head[1][:n]
        out: list[Sequence[Any]] = []
        for item in self.items:
            if len(out) >= n:
                break
            out.extend(item.rows(0, n - len(out)) if type(item) is Block else [item])
        out = out[:n]
        self._head = (n, out)
        return out[:]

    def notes(self) -> list[str]:
        out: list[str] = []
        for i, item in enumerate(self.items):
            if type(item) is Block:
                out.extend([item.notes.get(k, "") for k in range(len(item))] if item.notes else [""] * len(item))
            else:
                out.append(self._notes[i] if self._notes else "")
        return out

    def column(self, start: int, end: int) -> list[Any]:
        """Each row's value of the column covering positions ``start:end`` (see :func:`span_value`)."""
        out: list[Any] = []
        merged = end - start > 1
        for i, run in enumerate(self._runs):
            if type(run) is Block:
                if start in run.fill and merged:
                    out.extend(span_value(r, start, end) for r in run.rows())
                else:
                    out.extend(run.column(start))
                continue
            # Every row long enough (the usual case): one C-speed pass (issue 14: hundreds of workbooks in a book).
            shortest = self._shortest.get(i)
            if shortest is None:
                shortest = self._shortest[i] = min(map(len, run))
            values = (list(map(itemgetter(start), run)) if shortest > start
                      else [r[start] if start < len(r) else None for r in run])
            # Merged cells (XLSX) may hold the value in a later position of the column's span;
            # an HTML cell always starts at the span's first position (an empty one is "").
            if merged and any(v is None for v in values):
                values = [span_value(r, start, end) if v is None else v for r, v in zip(run, values)]
            out.extend(values)
        return out
