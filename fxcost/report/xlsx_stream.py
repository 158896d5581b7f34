"""Rows streamed into openpyxl's write-only worksheets as typed cell XML: numbers, dates, booleans, text, never a formula.

Why not ``ws.append``: openpyxl's per-cell writer costs about 7 µs a cell, 26 s for the 3.9 million
cells of 100k trades, against a 10 s budget for the whole workbook. Here each column is rendered in
bulk (a list comprehension per column and chunk) into a spool file, which :meth:`SheetStream.close`
splices into the ``<sheetData>`` element of the sheet openpyxl wrote (head: widths, frozen panes;
tail: autofilter, drawing of the charts). openpyxl still writes everything else: styles, charts,
workbook parts. Text is always an inline string (``t="inlineStr"``) and no ``<f>`` element is ever
written, so no text can become a formula; formula-like text also gets Excel's quotePrefix style so it
stays text when a user edits the cell.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.writer.excel import ExcelWriter

from fxcost.money import number_format
from fxcost.report.output import formula_like
from fxcost.report.print_rules import default_paper

#: Day zero of Excel's 1900 date system as used by openpyxl (serial 1 = 1900-01-01 after the leap-year bug).
EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "ns")
NS_PER_DAY = 86_400 * 10**9
#: Excel's limit for the text of one cell.
MAX_TEXT = 32_767
#: Deflate level of the package: level 1 compresses 100k trades three times faster than openpyxl's default
#: (level 6) for a file about 30% larger.
COMPRESS_LEVEL = 1
#: Rows rendered per chunk: big enough to amortise the per-column setup, small enough to keep memory flat.
CHUNK = 4_000

MONEY = number_format("USD")  # two decimals; a workbook's own: Styles.currency
#: SpreadsheetML paper size codes (ECMA-376 Part 1, 18.3.1.63: 1 Letter, 9 A4).
PAPER_SIZES = {"letter": 1, "a4": 9}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="8EA9C1")

#: Named styles: keyword arguments of an openpyxl cell (font, fill, border, alignment, number_format).
STYLES: dict[str, dict] = {
    "text": {},
    "wrap": {"alignment": Alignment(wrap_text=True, vertical="top")},
    "title": {"font": Font(bold=True, size=14, color="1F4E78")},
    "section": {"font": Font(bold=True, size=12, color="1F4E78")},
    "bold": {"font": Font(bold=True)},
    "note": {"font": Font(italic=True, color="595959")},
    "warn": {"font": Font(color="C00000")},
    "header": {"font": Font(bold=True), "fill": _HEADER_FILL, "border": Border(bottom=_THIN),
               "alignment": Alignment(wrap_text=True, vertical="top")},
    "money": {"number_format": MONEY},
    "money_bold": {"number_format": MONEY, "font": Font(bold=True)},
    "money0": {"number_format": "#,##0"},
    "int": {"number_format": "0"},
    "count": {"number_format": "#,##0"},
    "lots": {"number_format": "#,##0.00"},
    "number2": {"number_format": "0.00"},
    "number4": {"number_format": "0.0000"},
    "pct": {"number_format": "0.00%"},
    "date": {"number_format": "yyyy-mm-dd"},
    "month": {"number_format": "yyyy-mm"},
    "datetime": {"number_format": "yyyy-mm-dd hh:mm:ss"},
    "duration": {"number_format": "[h]:mm:ss"},
}


class Styles:
    """Style ids of one workbook, registered on first use (the raw cell XML refers to them by number)."""

    def __init__(self, ws, currency: str | None = None) -> None:
        self._ws = ws  # any write-only sheet of the workbook: styles are registered through a cell of it
        self._ids: dict[tuple[str, bool], int] = {}
        #: The currency of the workbook's money: "money" cells show its decimals ('#,##0' for JPY, issue 15).
        self.currency = currency

    def id(self, name: str | None, quote: bool = False) -> int:
        """The xf index of style ``name`` (price0..price10 for prices), quote-prefixed when ``quote``."""
        name = name or "text"
        key = (name, quote)
        if key not in self._ids:
            if name.startswith("price"):
                digits = int(name[5:])
                spec = {"number_format": "0." + "0" * digits if digits else "0"}
            else:
                spec = STYLES[name]
            if name in ("money", "money_bold"):
                spec = {**spec, "number_format": number_format(self.currency)}
            cell = WriteOnlyCell(self._ws)
            for attr, value in spec.items():
                setattr(cell, attr, value)
            if quote:
                cell.quotePrefix = True
            self._ids[key] = cell.style_id if cell.has_style else 0
        return self._ids[key]


#: Characters a value needs at most, by style, where its text is not the value's own (dates; None = computed).
_FIXED = {"datetime": 19, "date": 10, "month": 7, "duration": 9}


def shown_width(value, style: str | None) -> float:
    """The column width (characters) a number or date needs to show in full under ``style``; 0 for text,
    which may overflow into an empty neighbour or be cut, but is never shown as ###."""
    if value is None or isinstance(value, (str, bool, np.bool_)):
        return 0.0
    if isinstance(value, (dt.date, np.datetime64, pd.Timestamp)):
        return _FIXED.get(style or "datetime", 19) + 1.0
    try:
        v = float(value)
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(v):
        return 0.0
    if style in _FIXED:
        return _FIXED[style] + 1.0
    if style in ("money", "money_bold", "lots"):
        text = f"{v:,.2f}"
    elif style in ("money0", "count"):
        text = f"{v:,.0f}"
    elif style == "pct":
        text = f"{v * 100:.2f}%"
    elif style == "number4":
        text = f"{v:.4f}"
    elif style == "number2":
        text = f"{v:.2f}"
    elif style == "int" or isinstance(value, (int, np.integer)):
        text = f"{v:.0f}"
    else:  # General: up to about 11 significant characters
        text = f"{v:.10g}"[:12]
    return len(text) + 1.5  # a width of N fits N digits; separators are narrower


def header_width(text) -> float:
    """The width a wrapped header needs: its longest word on one line, the whole in at most three lines."""
    words = str(text or "").split()
    if not words:
        return 0.0
    return max(max(len(w) for w in words) * 1.1 + 2.0, len(" ".join(words)) * 1.1 / 3 + 2.0)


def number_width(values, style: str) -> float:
    """:func:`shown_width` of the widest of a numeric array (its largest magnitude, negative if any is)."""
    arr = np.asarray(values, dtype="float64")
    arr = arr[np.isfinite(arr)]
    if not len(arr):
        return 0.0
    big = float(np.abs(arr).max())
    return shown_width(-big if (arr < 0).any() else big, style)


def _attr(style: int) -> str:
    return f' s="{style}"' if style else ""


def text_tail(text: str, styles: Styles, style: str | None = None) -> str:
    """The part of a text cell after its reference: style, inline-string type and escaped text ("" = no cell)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(text))[:MAX_TEXT]
    if not text:
        return ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    body = escape(text).replace("\r", "&#13;")  # a raw CR would be normalised away by XML readers
    sid = styles.id(style, quote=formula_like(text))
    return f'{_attr(sid)} t="inlineStr"><is><t{space}>{body}</t></is></c>'


def excel_serial(times) -> np.ndarray:
    """Excel serial day numbers of naive datetimes (NaN for NaT)."""
    ns = np.asarray(times, dtype="datetime64[ns]")
    out = (ns - EXCEL_EPOCH).astype("int64") / NS_PER_DAY
    return np.where(np.isnat(ns), np.nan, out)


class NumberColumn:
    """A numeric column: float values (NaN = empty cell) and one style id or one per row."""

    def __init__(self, values, style: int | np.ndarray, integer: bool = False):
        arr = np.asarray(values, dtype="float64")
        self.ok = np.isfinite(arr)
        self.values = arr.astype("int64", copy=False) if integer and self.ok.all() else arr
        self.integer = integer
        self.style = style

    def cells(self, letter: str, rows: range, lo: int, hi: int) -> list[str]:
        vals = self.values[lo:hi].tolist()
        if self.integer:
            vals = [int(v) if isinstance(v, float) and math.isfinite(v) else v for v in vals]
        ok = self.ok[lo:hi].tolist()
        if isinstance(self.style, np.ndarray):
            st = [_attr(int(s)) for s in self.style[lo:hi].tolist()]
            return [f'<c r="{letter}{r}"{s}><v>{v!r}</v></c>' if k else ""
                    for r, v, k, s in zip(rows, vals, ok, st)]
        s = _attr(self.style)
        return [f'<c r="{letter}{r}"{s}><v>{v!r}</v></c>' if k else "" for r, v, k in zip(rows, vals, ok)]


class TextColumn:
    """A text column, rendered once per distinct value (symbols, sources and reasons repeat a lot)."""

    def __init__(self, values, styles: Styles, style: str | None = None):
        series = pd.Series(values, dtype=object)
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        tails = [text_tail(u, styles, style) for u in uniques] + [""]  # code -1 (missing) picks the last: ""
        self.tails = np.asarray(tails, dtype=object)[codes]

    def cells(self, letter: str, rows: range, lo: int, hi: int) -> list[str]:
        return [f'<c r="{letter}{r}"{t}' if t else "" for r, t in zip(rows, self.tails[lo:hi].tolist())]


class BoolColumn:
    """A boolean column (TRUE/FALSE cells)."""

    def __init__(self, values):
        self.values = np.asarray(values, dtype=bool)

    def cells(self, letter: str, rows: range, lo: int, hi: int) -> list[str]:
        return [f'<c r="{letter}{r}" t="b"><v>{int(v)}</v></c>' for r, v in zip(rows, self.values[lo:hi].tolist())]


class SheetStream:
    """One write-only worksheet whose rows are spooled as XML and spliced in on :meth:`close`."""

    def __init__(self, wb, title: str, styles: Styles | None = None):
        self.ws = wb.create_sheet(title)
        self.title = title
        self.styles = styles or Styles(self.ws)
        self.rows = 0
        self._widths: list[float] = []
        self._need: dict[int, float] = {}  # 0-based column -> width its numbers and dates need (grown on close)
        self._spool = tempfile.TemporaryFile()

    # -- small rows -----------------------------------------------------------------------------------

    def append(self, values: Sequence, styles: Sequence[str | None] | str | None = None) -> int:
        """Write one row of Python values (str, int, float, bool, datetime, date, None); returns its number."""
        self.rows += 1
        r = self.rows
        if styles == "header":  # every header word fits its column, and the header takes at most three lines
            for j, value in enumerate(values):
                self.fit(j, header_width(value))
        lines = self._header_lines(values) if styles == "header" else 1
        # Header text wraps; rows written as XML carry no height unless told, so give it room for its lines.
        parts = [f'<row r="{r}" ht="{15 * lines}" customHeight="1">' if lines > 1 else f'<row r="{r}">']
        for j, value in enumerate(values):
            style = styles[j] if isinstance(styles, (list, tuple)) else styles
            cell = self._cell(f"{get_column_letter(j + 1)}{r}", value, style)
            if cell:
                parts.append(cell)
                if styles != "header":
                    self.need(j, shown_width(value, style))
        parts.append("</row>")
        self._spool.write("".join(parts).encode("utf-8"))
        return r

    def _header_lines(self, values: Sequence) -> int:
        """Lines the longest wrapped header needs at the column widths set so far (about one character a unit)."""
        lines = 1
        for j, value in enumerate(values):
            width = self._widths[j] if j < len(self._widths) else 8.43
            words = str(value or "").split()
            count, used = 1, 0
            for word in words:  # greedy word wrap, as the spreadsheet does
                need = len(word) * 1.1 + (1 if used else 0)
                if used and used + need > width - 1:
                    count, used = count + 1, len(word) * 1.1
                else:
                    used += need
            lines = max(lines, count)
        return min(lines, 4)

    def skip(self, n: int = 1) -> None:
        """Leave ``n`` empty rows."""
        self.rows += n

    def _cell(self, ref: str, value, style: str | None) -> str:
        if value is None or value is pd.NaT or value is pd.NA:
            return ""
        if isinstance(value, (bool, np.bool_)):
            return f'<c r="{ref}"{_attr(self.styles.id(style) if style else 0)} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, np.integer)):
            return f'<c r="{ref}"{_attr(self.styles.id(style or "count"))}><v>{int(value)}</v></c>'
        if isinstance(value, (float, np.floating)):
            value = float(value)
            if not math.isfinite(value):
                return ""
            return f'<c r="{ref}"{_attr(self.styles.id(style) if style else 0)}><v>{value!r}</v></c>'
        if isinstance(value, (dt.datetime, np.datetime64)):
            serial = float(excel_serial([value])[0])
            if not math.isfinite(serial):
                return ""
            return f'<c r="{ref}"{_attr(self.styles.id(style or "datetime"))}><v>{serial!r}</v></c>'
        if isinstance(value, dt.date):
            serial = float(excel_serial([np.datetime64(value, "D")])[0])
            return f'<c r="{ref}"{_attr(self.styles.id(style or "date"))}><v>{serial!r}</v></c>'
        tail = text_tail(value, self.styles, style)
        return f'<c r="{ref}"{tail}' if tail else ""

    # -- big tables -----------------------------------------------------------------------------------

    def write_columns(self, columns: Sequence, n: int, *, on_chunk=None) -> tuple[int, int]:
        """Write ``n`` rows given column by column (NumberColumn, TextColumn, BoolColumn or None = empty).

        ``on_chunk(done, n)`` is called after each chunk (progress and cancel checks). Returns the
        first and last row numbers written.
        """
        first = self.rows + 1
        letters = [get_column_letter(j + 1) for j in range(len(columns))]
        for lo in range(0, n, CHUNK):
            hi = min(n, lo + CHUNK)
            rows = range(self.rows + 1, self.rows + 1 + hi - lo)
            rendered = [col.cells(letter, rows, lo, hi) for col, letter in zip(columns, letters) if col is not None]
            parts = []
            for r, cells in zip(rows, zip(*rendered)):
                parts.append(f'<row r="{r}">')
                parts.extend(cells)
                parts.append("</row>")
            self._spool.write("".join(parts).encode("utf-8"))
            self.rows += hi - lo
            if on_chunk:
                on_chunk(hi, n)
        return first, self.rows

    # -- layout ---------------------------------------------------------------------------------------

    def widths(self, widths: Sequence[float]) -> None:
        """Column widths in characters; set them before the header row so it gets the height its text needs."""
        self._widths = list(widths)
        for j, w in enumerate(widths):
            self.ws.column_dimensions[get_column_letter(j + 1)].width = w

    def need(self, j: int, width: float) -> None:
        """Column ``j`` (0-based) must be at least ``width`` characters wide (numbers and dates show ### if
        narrower); applied on :meth:`close`, or at once by :meth:`fit`."""
        if width > self._need.get(j, 0.0):
            self._need[j] = width

    def fit(self, j: int, width: float) -> None:
        """Widen column ``j`` (0-based) to ``width`` now (before a header row, so its height is right)."""
        self.need(j, width)
        while len(self._widths) <= j:
            self._widths.append(8.43)
        if width > self._widths[j]:
            self._widths[j] = width
            self.ws.column_dimensions[get_column_letter(j + 1)].width = width

    def width(self, j: int) -> float:
        """Column ``j``'s width (0-based) as set so far."""
        return self._widths[j] if j < len(self._widths) else 8.43

    def print_setup(self, *, landscape: bool = True, pages_wide: int = 1, title_rows: str | None = None,
                    title_cols: str | None = None, breaks: Sequence[int] = (), paper: str | None = None) -> None:
        """Page setup for printing and PDF: orientation, ``pages_wide`` pages across (as many down as needed),
        the paper ("a4" or "letter"; None: the locale's, print_rules.default_paper),
        rows/columns repeated on every page, manual page breaks after the given rows, and a header and footer
        naming the sheet and the page."""
        ws = self.ws
        setup = ws.page_setup
        setup.orientation = "landscape" if landscape else "portrait"
        setup.fitToWidth, setup.fitToHeight = pages_wide, 0
        setup.paperSize = PAPER_SIZES[paper or default_paper()]  # issue 15: A4, or Letter in the US and Canada
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.page_margins.header = ws.page_margins.footer = 0.25
        if title_rows:
            ws.print_title_rows = title_rows
        if title_cols:
            ws.print_title_cols = title_cols
        ws.oddHeader.left.text = "fxcost report"
        ws.oddHeader.right.text = "&A"  # the sheet's name
        ws.oddFooter.center.text = "Page &P of &N"
        for row in breaks:
            ws.row_breaks.append(Break(id=row))

    def close(self) -> None:
        """Let openpyxl write the sheet around an empty ``<sheetData>``, then put the spooled rows inside it."""
        for j, w in self._need.items():
            if w > self.width(j):
                self.ws.column_dimensions[get_column_letter(j + 1)].width = w
        self.ws.close()
        out = Path(self.ws._writer.out)
        xml = out.read_bytes()
        if b"<sheetData/>" in xml:
            xml = xml.replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
        cut = xml.rindex(b"</sheetData>")
        self._spool.seek(0)
        with out.open("wb") as fh:
            fh.write(xml[:cut])
            shutil.copyfileobj(self._spool, fh, 1 << 20)
            fh.write(xml[cut:])
        self._spool.close()

    def discard(self) -> None:
        """Drop the spooled rows and openpyxl's temporary file after a failed export."""
        self._spool.close()
        writer = getattr(self.ws, "_writer", None)
        if writer is not None:
            Path(writer.out).unlink(missing_ok=True)


def save(wb, path: str | Path) -> None:
    """Save a workbook like ``Workbook.save`` does, with a faster deflate level (see COMPRESS_LEVEL)."""
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESS_LEVEL)
    try:
        ExcelWriter(wb, archive).save()  # writes every part, then closes the archive
    finally:
        archive.close()
