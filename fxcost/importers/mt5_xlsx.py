"""MT5 Trade History Report and Strategy Tester report (XLSX) -> Statement, via mt5_builder.

An MT5 workbook holds the same sections as the HTML report, stacked in ``Sheet1`` (users split
them over several sheets or delete the header; all sheets are read in order). This module turns
each worksheet into rows of cell values by column (merged ranges keep their value in the first
cell, which lines up with the HTML colspans) and resolves the ``=SUM()`` formulas MT5 writes in
totals rows; mt5_builder does the rest for HTML and XLSX alike.

Speed: openpyxl (and ``pandas.read_excel``, built on it) spends ~7 us per cell in a pure-Python
XML event loop, and read-only mode first scans the whole sheet for its size when the file has no
``<dimension>``. A 100k-deal workbook has ~1.5M cells, so worksheets are read here with one
regular expression over the sheet XML instead (MetaTrader, Excel, LibreOffice and openpyxl all
write cells as ``<c r="A1" ...><f>..</f><v>..</v></c>``); a sheet using anything else (prefixed
tags, cells without a reference, ...) is read with openpyxl in read-only mode instead. Rows written like a row
read before are matched whole by that row shape's expression (:mod:`xlsx_shapes`, issue 14), the same values. No XML
with a DTD is accepted (the workbook-level parts go through defusedxml), so entity expansion
attacks cannot apply.
"""

from __future__ import annotations

import bisect
import codecs
import html
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from posixpath import dirname, join, normpath
from typing import Any

from fxcost.errors import ImportFailed, clip
from fxcost.gcpause import paused
from fxcost.importers import cancel, xlsx_shapes
from fxcost.importers import text as tx
from fxcost.importers.mt5_builder import MT5_HOW_TO_EXPORT, build
from fxcost.importers.mt5_layout import Sheet
from fxcost.model import Statement

#: Largest uncompressed XML part read (a 100k-deal sheet is ~145 MB; beyond this it is a zip bomb).
MAX_PART_BYTES = 1_000_000_000
#: Largest total of the parts read, uncompressed (every sheet and the shared strings together).
MAX_TOTAL_BYTES = 1_000_000_000
#: Largest compression ratio of a part over MAX_RATIO_FROM bytes: MetaTrader's sheets compress ~9 times, a
#: zip bomb ~1000 times (issue 13: a 1.36 MB file held a 1.4 GB part).
MAX_RATIO = 100
MAX_RATIO_FROM = 20_000_000
#: Largest single row (or shared string) of a sheet: a MetaTrader row is under 2 kB; the reader holds one whole.
MAX_ROW_BYTES = 16_000_000
#: Cells a workbook's SUM formulas may read before the rest keep their cached values (issue 13: a SUM over 5M
#: empty rows in each of thousands of cells); a 100k-deal report's totals read ~1M.
MAX_SUM_CELLS = 5_000_000

# Every pattern below runs on untrusted XML and is linear (issue 13): attributes never run past the next tag
# ([^<>]), and element content stops at the element's own next opening or closing tag, possessively.
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# A tag's attributes are read greedily up to its ">" and a self-closing tag is told by the "/" before it (a lookbehind):
# a lazy scan that tried "/>" at every character took twice as long (issue 14: a book of hundreds of workbooks). The
# attributes group then ends with "/" for a self-closing cell, which only the t="..." search reads.
_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^<>]*+)>(?:(?<=/>)|'
    rb"(<f\b[^<>]*+>(?:(?<=/>)|[^<]*</f>))?"
    rb"(?:<v\b[^<>]*+>(?:(?<=/>)|([^<]*)</v>))?"
    rb"(?:<is>((?:[^<]++|<(?!/?c\b|/is>))*+)</is>)?"
    rb"</c>)",
    re.DOTALL,
)
_TYPE = re.compile(rb'\bt="([A-Za-z]+)"')
_F_TEXT = re.compile(rb"<f\b[^<>]*>([^<]*)</f>")
_T_TEXT = re.compile(rb"<t\b[^<>]*?(?:/>|>([^<]*)</t>)")
_RPH = re.compile(rb"<rPh\b(?:[^<]++|<(?!/?rPh\b))*+</rPh>")
_SI = re.compile(rb"<si\b[^<>]*?(?:/>|>((?:[^<]++|<(?!/?si\b))*+)</si>)")
_SI_TAG = re.compile(rb"<si[\s/>]")
_SUM = re.compile(r"^=\s*SUM\(\s*(?:'?([^'!]+)'?!)?\$?([A-Z]{1,3})\$?(\d+)\s*:\s*\$?([A-Z]{1,3})\$?(\d+)\s*\)\s*$",
                  re.IGNORECASE)
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class Formula(str):
    """A formula cell ('=SUM(...)', as openpyxl shows it) with the value cached in the file, if any."""

    cached: float | None = None


class _Unsupported(Exception):
    """The sheet XML uses constructs the fast reader does not handle: read it with openpyxl."""


def read(data: bytes, path: str) -> Statement:
    """Import an MT5 history or tester report from XLSX bytes.

    Raises:
        ImportFailed: a damaged workbook.
        UnsupportedReport: a workbook that is not an MT5 history/tester report.
    """
    if data.rfind(b"PK\x05\x06", max(0, len(data) - 65_600)) < 0:
        # A ZIP ends with its table of contents: without it the file was cut off (issue 13).
        raise ImportFailed(path, "The Excel file is incomplete: it ends before the end of its archive, so it was "
                                 "cut off while being written, downloaded or copied. Export it again from MetaTrader "
                                 "(or copy it again) and import the new file.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ImportFailed(path, f"The Excel file is damaged (it is not a readable ZIP archive: {exc}). "
                                 "Export it again from MetaTrader.") from exc
    try:
        with archive, paused():
            book = _Book(archive, data, path)
            sheets = book.sheets()
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError) as exc:
        raise ImportFailed(path, f"The Excel file is damaged or incomplete and cannot be read ({type(exc).__name__}: "
                                 f"{clip(exc)}). Export it again from MetaTrader.") from exc
    title = next((str(v) for s in sheets for r in s.rows[:1] for v in r if isinstance(v, str) and v.strip()), "")
    names = ", ".join(repr(s.name) for s in sheets) or "none"
    foreign = (
        f"This Excel workbook is not a MetaTrader 5 report: its sheets ({names}) hold no MT5 Positions, "
        f"Orders or Deals table. " + MT5_HOW_TO_EXPORT
    )
    return build(sheets, path, "xlsx", title, foreign=foreign)


class _Book:
    def __init__(self, archive: zipfile.ZipFile, data: bytes, path: str) -> None:
        self.zip = archive
        self.data = data
        self.path = path
        self.names = set(archive.namelist())
        self._openpyxl: Any = None

    def check(self, names: Iterable[str]) -> None:
        """Refuse a workbook whose parts ``names`` would inflate beyond the caps, from the sizes its ZIP directory
        declares (zipfile never inflates a part beyond its declared size: the CRC check then fails)."""
        total = 0
        for name in names:
            info = self.zip.getinfo(name)
            size = info.file_size
            total += size
            if size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                raise ImportFailed(self.path, f"The workbook part {name} is {size / 1e6:,.0f} MB uncompressed "
                                              f"({total / 1e6:,.0f} MB with the parts before it), far more than any "
                                              "trade history: fxcost does not read it.")
            if size > MAX_RATIO_FROM and size > MAX_RATIO * max(info.compress_size, 1):
                raise ImportFailed(self.path, f"The workbook part {name} is compressed {size / max(info.compress_size, 1):,.0f} "
                                              f"times ({size / 1e6:,.0f} MB uncompressed): a real report compresses "
                                              "about 10 times, so this is a 'zip bomb'; fxcost does not read it.")

    def part(self, name: str) -> bytes:
        self.check([name])
        raw = self.zip.read(name)
        if _DTD.search(_utf8(raw[:4000])):
            raise ImportFailed(self.path, f"The workbook part {name} declares a DTD or entities, which Excel files "
                                          "never contain: fxcost does not read it.")
        return raw

    def sheet_chunks(self, name: str, size: int = 1 << 22) -> Iterator[bytes]:
        """A worksheet part as UTF-8 chunks that each end right after a ``</row>`` (the last one: the rest),
        decompressed as read, so a 140 MB sheet never sits in memory whole. Same checks as ``part``."""
        return self.chunks(name, b"</row>", size)

    def chunks(self, name: str, end: bytes, size: int = 1 << 22) -> Iterator[bytes]:
        """The part ``name`` as UTF-8 in pieces of about ``size`` bytes, each ending on ``end`` (a row or a shared
        string), so that no element is split. Pieces without ``end`` are kept as a list until one comes, so a part
        that never ends a row costs linear time (issue 13), and a run over MAX_ROW_BYTES is refused."""
        self.check([name])
        with self.zip.open(name) as stream:
            first = stream.read(size)
            encoding = _xml_encoding(first)
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace") if encoding else None
            pending: list[bytes] = []
            held = 0
            chunk = first
            checked = False
            while chunk:
                cancel.check()
                text = decoder.decode(chunk).encode("utf-8") if decoder else chunk
                if not checked:
                    text = text.removeprefix(b"\xef\xbb\xbf")
                    if _DTD.search(text[:4000]):
                        self.part(name)  # raises the DTD message
                    checked = True
                # An end tag split across two reads: look back into what is held by one byte less than it.
                carry = pending[-1][1 - len(end):] if pending else b""
                cut = (carry + text).rfind(end)
                if cut < 0:
                    if text:
                        pending.append(text)
                        held += len(text)
                    if held > MAX_ROW_BYTES:
                        raise ImportFailed(self.path, f"The workbook part {name} holds {held / 1e6:,.0f} MB without "
                                                      "one row (or string) ending: not a MetaTrader report.")
                else:
                    k = cut - len(carry) + len(end)  # > 0: the end tag reaches into text
                    yield b"".join([*pending, text[:k]])
                    pending, held = [text[k:]], len(text) - k
                chunk = stream.read(size)
            if decoder:
                pending.append(decoder.decode(b"", final=True).encode("utf-8"))
            rest = b"".join(pending)
            if rest:
                yield rest

    def sheets(self) -> list[Sheet]:
        listing = self._listing()
        # Every part read, together, within the caps before any is inflated (openpyxl's too, if it is needed).
        self.check([*(t for _, t in listing), *(n for n in ("xl/sharedStrings.xml",) if n in self.names)])
        shared = self._shared_strings()
        out: list[Sheet] = []
        formula_rows: list[list[int] | None] = []  # per sheet, the rows holding a formula (None: look at all)
        for name, target in listing:
            try:
                rows, nums, with_formula = _fast_sheet(self.sheet_chunks(target, 1 << 20), shared)
                # The rows holding a formula (a few totals), found by their numbers, which ascend (issue 14: a
                # Python step per row of the sheet).
                at = [bisect.bisect_left(nums, num) for num in with_formula]
                formula_rows.append(sorted(k for k, num in zip(at, with_formula) if k < len(nums) and nums[k] == num))
            except _Unsupported:
                rows, nums = self._openpyxl_sheet(name)
                formula_rows.append(None)
            out.append(Sheet(rows, nums, {}, name))
        _resolve_formulas(out, formula_rows)
        return out

    def _listing(self) -> list[tuple[str, str]]:
        """(sheet name, worksheet part) in workbook order; chart sheets are left out."""
        from defusedxml import ElementTree

        if "xl/workbook.xml" not in self.names:
            workbook = next((n for n in self.names if n.endswith("/workbook.xml")), None)
            if workbook is None:
                raise ImportFailed(self.path, "This ZIP file is not an Excel workbook (it has no workbook part). "
                                              + MT5_HOW_TO_EXPORT)
        else:
            workbook = "xl/workbook.xml"
        try:
            root = ElementTree.fromstring(self.part(workbook))
            rels_name = join(dirname(workbook), "_rels", "workbook.xml.rels")
            rels = ElementTree.fromstring(self.part(rels_name)) if rels_name in self.names else None
        except ImportFailed:
            raise
        except Exception as exc:  # defusedxml's DTD/entity refusals and expat's ParseError
            raise ImportFailed(self.path, f"The workbook's sheet list cannot be read ({type(exc).__name__}: {exc}).") \
                from exc
        targets = {}
        if rels is not None:
            for rel in rels:
                if rel.get("Type", "").endswith("/worksheet"):
                    target = rel.get("Target", "")
                    part = target.lstrip("/") if target.startswith("/") else normpath(join(dirname(workbook), target))
                    targets[rel.get("Id")] = part
        out = []
        for el in root.iter():
            if el.tag.rsplit("}", 1)[-1] != "sheet":
                continue
            rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            part = targets.get(rid)
            if part and part in self.names:
                out.append((el.get("name", ""), part))
        return out

    def _shared_strings(self) -> list[str]:
        name = "xl/sharedStrings.xml"
        if name not in self.names:
            return []
        out = []
        # Read a piece at a time (issue 13: the part was read whole, 5.4 GB for 1.4 GB of strings).
        for data in self.chunks(name, b"</si>"):
            found = _SI.findall(data)
            if len(found) != len(_SI_TAG.findall(data)):
                return self._openpyxl_shared()
            for inner in found:
                if inner.startswith(b"<t>") and inner.endswith(b"</t>") and inner.count(b"<") == 2:
                    raw = inner[3:-4]
                else:
                    raw = b"".join(t for t in _T_TEXT.findall(_RPH.sub(b"", inner)))
                s = raw.decode("utf-8", errors="replace")
                out.append(html.unescape(s) if "&" in s else s)
        return out

    # -- openpyxl fallback --------------------------------------------------------------------

    def _book(self) -> Any:
        if self._openpyxl is None:
            import openpyxl

            with warnings.catch_warnings():
                # "Workbook contains no default style" and similar cosmetic complaints.
                warnings.simplefilter("ignore")
                try:
                    self._openpyxl = openpyxl.load_workbook(io.BytesIO(self.data), read_only=True, data_only=False)
                except Exception as exc:
                    raise ImportFailed(self.path, f"The Excel file cannot be read ({type(exc).__name__}: {exc}).") \
                        from exc
        return self._openpyxl

    def _openpyxl_sheet(self, name: str) -> tuple[list[list[Any]], list[int]]:
        book = self._book()
        rows, nums = [], []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ws = book[name]
                ws.reset_dimensions()  # the stored size may be wrong; read every row there is
                for num, row in enumerate(ws.iter_rows(values_only=True), 1):
                    if any(v is not None for v in row):
                        rows.append([Formula(v) if isinstance(v, str) and v.startswith("=") else v for v in row])
                        nums.append(num)
            except ImportFailed:
                raise
            except Exception as exc:
                raise ImportFailed(self.path, f"The sheet {name!r} cannot be read ({type(exc).__name__}: {exc}).") \
                    from exc
        return rows, nums

    def _openpyxl_shared(self) -> list[str]:
        # Only reached with unusual shared-string XML: let openpyxl parse it.
        from openpyxl.reader.strings import read_string_table

        with self.zip.open("xl/sharedStrings.xml") as src:
            return [str(s) for s in read_string_table(src)]


def _xml_encoding(head: bytes) -> str | None:
    """The codec a part's first bytes call for, or None for UTF-8 (MetaTrader writes UTF-16)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if head.startswith(b"<\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<"):
        return "utf-16-be"
    return None


def _utf8(raw: bytes) -> bytes:
    """XML part bytes as UTF-8 (MetaTrader writes its workbook parts in UTF-16)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16", errors="replace").encode("utf-8")
    if raw[:3] == b"\xef\xbb\xbf":
        return raw[3:]
    head = raw[:100]
    if head.startswith(b"<\x00") or head.startswith(b"\x00<"):
        return raw.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace").encode("utf-8")
    return raw


_COLS: dict[bytes, int] = {}


def _col(letters: bytes) -> int:
    n = _COLS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ch - 64
        n -= 1
        _COLS[letters] = n
    return n


def _fast_sheet(chunks: Iterable[bytes], shared: list[str], shapes: bool = True
                ) -> tuple[list[Sequence[Any]], list[int], set[int]]:
    """Rows of one worksheet from its UTF-8 XML in chunks that end on a ``</row>`` (see _Book.sheet_chunks):
    (values by column, sheet row numbers, numbers of the rows holding a formula); raises _Unsupported when unsure.
    Rows holding a formula are lists (_resolve_formulas replaces the formula in place), the others tuples.

    A 100k-deal sheet is 140 MB of XML and ~3M cells, so it is read a chunk at a time and never held whole. Equal
    cell texts and numbers give one shared object (a cache by raw bytes): the sheet repeats a few hundred thousand
    distinct values millions of times, and one Python object per cell would cost more memory than the resulting
    Statement.

    Speed (issue 14: a book of hundreds of workbooks): a row whose cells are written like a row read before (same
    columns, types and plain values: see :mod:`xlsx_shapes`) is matched whole by that row shape's regular
    expression, and such rows are converted a column at a time; every other row (the first of each shape, formula
    rows, anything unusual) is read cell by cell (:meth:`_SheetReader.cells`), and the result is the same either way.
    ``shapes=False`` reads every row cell by cell (tests compare the two).
    """
    reader = _SheetReader(shared, shapes)
    for data in chunks:
        if not reader.chunk(data):
            break
    return reader.result()


class _SheetReader:
    """The state of :func:`_fast_sheet` across the chunks of one worksheet."""

    def __init__(self, shared: list[str], shapes: bool) -> None:
        self.shared = shared
        self.matched = self.tags = 0
        self.rows: list[Any] = []
        self.nums: list[int] = []
        self.with_formula: set[int] = set()
        self.types: dict[bytes, bytes] = {}
        self.values = xlsx_shapes.Floats()  # raw <v> bytes -> value of a number cell
        self.texts: dict[bytes, Any] = {}  # raw <is> bytes -> value
        self.plain = xlsx_shapes.Texts()  # the text of a plain <is><t>...</t></is> -> value (shape rows)
        self.cur: list[Any] = []
        self.cur_num_b = b""
        self.cur_num = -1
        self.started = self.finished = False
        self.shapes = xlsx_shapes.Shapes() if shapes else None
        self.pending: list[tuple[xlsx_shapes.Shape, tuple[bytes, ...], int, bytes]] = []

    def chunk(self, data: bytes) -> bool:
        """Read one chunk; False once the sheet data has ended."""
        if self.finished:
            return False
        start = 0
        if not self.started:
            start = data.find(b"<sheetData")
            if start < 0:
                return True
            self.started = True
        end = data.find(b"</sheetData>", start)
        if end < 0:
            end = len(data)
        else:
            self.finished = True
        # Every cell tag must be matched. Each matched cell is a "<c " and each such tag a "<c": when the chunk has
        # as many "<c" as cells matched, it has as many cell tags too, and the exact count (six passes) is skipped.
        before = self.matched
        every_c = data.count(b"<c", start, end)
        for cache in (self.values, self.texts, self.plain):
            if len(cache) > 200_000:
                cache.clear()  # bounded: a cache, not a copy of the sheet
        self.read(data, start, end)
        self.tags += every_c if self.matched - before == every_c else sum(
            data.count(b"<c" + c, start, end) for c in (b" ", b">", b"/", b"\n", b"\r", b"\t"))
        return True

    def read(self, data: bytes, start: int, end: int) -> None:
        """Read the rows of ``data[start:end]``."""
        if self.shapes is None:
            self.matched += self.cells(data, start, end, None)
            return
        pos = start
        while pos < end:
            pos = self.shaped(data, pos, end)
            self.flush()
            if pos >= end:
                break
            # One row cell by cell (up to a cell followed by </row>), then shapes again from the next row.
            row_start = pos
            found: list[re.Match[bytes]] = []
            pos = self.cells(data, pos, end, found)
            self.matched += len(found)
            if pos < end and found:
                self.shapes.learn(data, row_start, pos, found, self.types)

    def shaped(self, data: bytes, pos: int, end: int) -> int:
        """Take the rows from ``pos`` on that match a known shape (into ``pending``); where the next row starts."""
        shapes = self.shapes
        assert shapes is not None
        last = self.pending[-1][2] if self.pending else self.cur_num
        pending = self.pending
        append = pending.append
        matched = 0
        # The shapes' match (xlsx_shapes.Shapes.by_sig, most recent first) and signature inlined: two calls a row
        # were a fifth of this loop (issue 14).
        by_sig = shapes.by_sig
        find, rfind, count = data.find, data.rfind, data.count
        while True:
            stop = find(b"</row>", pos, end)
            if stop < 0:
                sig: tuple[int, int] = (-1, 0)
            else:
                cell = rfind(b'<c r="', pos, stop)
                sig = (count(b"<c ", pos, stop), data[cell + 6] if cell >= 0 else 0)
            candidates = by_sig.get(sig)
            if not candidates:
                break
            m = candidates[0].regex.match(data, pos, end)
            if m is not None:
                shape = candidates[0]
            else:
                for i in range(1, len(candidates)):
                    m = candidates[i].regex.match(data, pos, end)
                    if m is not None:
                        shape = candidates[i]
                        candidates.insert(0, candidates.pop(i))
                        break
                else:
                    break
            groups = m.groups()
            num_b = groups[0]
            num = int(num_b)
            if num <= last:  # a row number repeated or going back: the cell-by-cell reader decides
                break
            append((shape, groups, num, num_b))
            matched += shape.cells
            last = num
            pos = m.end()
        self.matched += matched
        return pos

    def flush(self) -> None:
        """Turn the pending shape rows into rows, a column at a time, in their places."""
        pending = self.pending
        if not pending:
            return
        rows = self.rows
        if rows and self.cur_num not in self.with_formula:
            rows[-1] = tuple(self.cur)  # the row before is finished
        self.nums.extend(map(itemgetter(2), pending))
        groups = list(map(itemgetter(1), pending))
        kinds = list(map(itemgetter(0), pending))
        first = kinds[0]
        if kinds.count(first) == len(kinds):  # one shape: its rows in order
            rows.extend(first.build(groups, self.values, self.plain, self.shared))
        else:
            # Each shape's rows built together, then taken back in file order from each shape's built rows in turn,
            # in C (issue 14: a sort by shape and its inverse in numpy cost twice as much).
            slot: dict[xlsx_shapes.Shape, int] = {}
            which = [slot.setdefault(kind, len(slot)) for kind in kinds]
            parts: list[list[tuple[bytes, ...]]] = [[] for _ in slot]
            adds = [part.append for part in parts]
            for k, g in zip(which, groups):
                adds[k](g)
            built = [iter(shape.build(part, self.values, self.plain, self.shared)) for shape, part in zip(slot, parts)]
            rows.extend(map(next, map(built.__getitem__, which)))
        # The last row stays open as a list, as the cell-by-cell reader leaves it (a later cell may join it).
        self.cur = list(rows[-1])
        rows[-1] = self.cur
        self.cur_num = pending[-1][2]
        self.cur_num_b = pending[-1][3]
        self.pending = []

    def cells(self, data: bytes, start: int, end: int, found: list[re.Match[bytes]] | None) -> int:
        """Read cells from ``start`` one by one: all of them up to ``end`` (``found`` None; returns how many), or up
        to the first one a ``</row>`` follows (kept in ``found``; returns where the next row starts, else ``end``)."""
        rows, nums, with_formula, types = self.rows, self.nums, self.with_formula, self.types
        values, texts, shared = self.values, self.texts, self.shared
        n_shared = len(shared)
        cols = _COLS
        cur, cur_num_b, cur_num = self.cur, self.cur_num_b, self.cur_num
        count = 0
        next_row = end
        # findall gives b"" for an absent group (finditer: None); every branch below treats both alike.
        cells = _CELL.findall(data, start, end) if found is None else _CELL.finditer(data, start, end)
        for cell in cells:
            if found is None:
                letters, num_b, rest, ftag, v, inline = cell
            else:
                found.append(cell)
                letters, num_b, rest, ftag, v, inline = cell.groups(b"")
            count += 1
            if num_b != cur_num_b:
                num = int(num_b)
                if num < cur_num:
                    raise _Unsupported  # rows out of order: let openpyxl sort it out
                if num != cur_num:
                    if rows and cur_num not in with_formula:
                        rows[-1] = tuple(cur)  # a finished row: a tuple is smaller than a grown list
                    cur = []
                    rows.append(cur)
                    nums.append(num)
                    cur_num = num
                cur_num_b = num_b
            typ = types.get(rest)
            if typ is None:
                m = _TYPE.search(rest)
                typ = types[rest] = m.group(1) if m else b"n"
            if ftag:
                value: Any = _formula(ftag, v)
                with_formula.add(cur_num)
            elif typ == b"inlineStr":
                value = texts.get(inline)
                if value is None:
                    value = texts[inline] = _inline(inline) if inline else None
            elif typ == b"n":
                value = values[v]
            elif typ == b"s":
                if not v:
                    value = None
                else:
                    k = int(v)
                    value = shared[k] if k < n_shared else None
            elif typ == b"str":
                value = _decode(v)
            elif typ == b"b":
                value = v == b"1"
            else:  # e (error), d (ISO date) and anything newer: keep the text
                value = _decode(v) if v else None
            if value is not None and value != "":
                col = cols.get(letters)
                if col is None:
                    col = _col(letters)
                gap = col - len(cur)
                if gap > 0:
                    cur.extend([None] * gap)
                elif gap < 0:
                    raise _Unsupported  # cells out of order within a row
                cur.append(value)
            if found is not None:
                m = _ROW_END.match(data, cell.end(), end)
                if m:
                    next_row = m.end()
                    break
        self.cur, self.cur_num_b, self.cur_num = cur, cur_num_b, cur_num
        return count if found is None else next_row

    def result(self) -> tuple[list[Sequence[Any]], list[int], set[int]]:
        self.flush()
        if not self.started or self.matched != self.tags:
            raise _Unsupported
        rows = self.rows
        if rows and self.cur_num not in self.with_formula:
            rows[-1] = tuple(self.cur)
        if all(rows):  # no empty row (the usual case): the lists as they are (issue 14)
            return rows, self.nums, self.with_formula
        keep = [k for k, r in enumerate(rows) if r]
        return [rows[k] for k in keep], [self.nums[k] for k in keep], self.with_formula


#: The end of a row after its last cell.
_ROW_END = re.compile(rb"\s*</row>")


def _inline(inner: bytes) -> str:
    """An inline string's text (``<is>`` content): one plain ``<t>`` needs no regex."""
    if inner.startswith(b"<t>") and inner.endswith(b"</t>") and inner.count(b"<") == 2:
        return _decode(inner[3:-4])
    return _decode(b"".join(t for t in _T_TEXT.findall(_RPH.sub(b"", inner))))


#: Cell text from the XML (one function for the shape rows and the cell-by-cell reader).
_decode = xlsx_shapes.decode


def _formula(ftag: bytes, cached: bytes | None) -> Formula:
    m = _F_TEXT.match(ftag)
    f = Formula("=" + (_decode(m.group(1)) if m else ""))
    if cached:
        try:
            f.cached = float(cached)
        except ValueError:
            f.cached = None
    return f


def _resolve_formulas(sheets: list[Sheet], formula_rows: list[list[int] | None]) -> None:
    """Replace each formula by its value: SUM over a range is computed from the cells; any other
    formula keeps the value cached in the file, or becomes empty (then the total is not compared).
    ``formula_rows``: per sheet, the indices of the rows that hold a formula, or None for every row."""
    sums: _Sums | None = None
    for sheet, which in zip(sheets, formula_rows):
        for i in range(len(sheet.rows)) if which is None else which:
            row = sheet.rows[i]
            for k, v in enumerate(row):
                if isinstance(v, Formula) or (isinstance(v, str) and v.startswith("=")):
                    if sums is None:  # built for the first formula only
                        sums = _Sums(sheets)
                    row[k] = _evaluate(v, sheet.name, sums)


class _Sums:
    """What SUM formulas read: each sheet's row numbers (ascending) and rows, and a budget of cells.

    A SUM costs the rows the sheet holds in its range, never the empty rows between; equal ranges are added up
    once (issue 13: thousands of SUMs over 5M rows each); beyond MAX_SUM_CELLS cells read in all, formulas keep
    the value cached in the file."""

    def __init__(self, sheets: list[Sheet]) -> None:
        self.sheets = {s.name: (list(s.nums), s.rows) for s in sheets}
        self.budget = MAX_SUM_CELLS
        self.done: dict[tuple[str, int, int, int, int], float] = {}


def _evaluate(formula: str, sheet: str, sums: _Sums) -> float | None:
    """A SUM over a range from the cells, else the value cached in the file."""
    m = _SUM.match(formula)
    if m:
        name = m.group(1) or sheet
        source = sums.sheets.get(name)
        c1, r1, c2, r2 = _col(m.group(2).upper().encode()), int(m.group(3)), _col(m.group(4).upper().encode()), \
            int(m.group(5))
        if source is not None:
            nums, rows = source  # row numbers ascending (the fast reader refuses rows out of order)
            lo, hi = bisect.bisect_left(nums, min(r1, r2)), bisect.bisect_right(nums, max(r1, r2))
            first, last = min(c1, c2), max(c1, c2)
            key = (name, lo, hi, first, last)
            if key in sums.done:
                return sums.done[key]
            cost = (hi - lo) * min(last - first + 1, 1000)
            if cost > sums.budget:
                return getattr(formula, "cached", None)
            sums.budget -= cost
            total = 0.0
            for row in rows[lo:hi]:
                for x in row[first:last + 1]:
                    if type(x) is float:  # a number cell (the usual case), checked first: the same sum, sooner
                        if x == x:
                            total += x
                        continue
                    if isinstance(x, bool) or x is None or isinstance(x, Formula):
                        continue
                    value = x if isinstance(x, (int, float)) else tx.parse_number(x)
                    if value == value:
                        total += value
            sums.done[key] = round(total, 8)
            return sums.done[key]
    return getattr(formula, "cached", None)
