"""Decoding of report bytes and the number, date and volume parsing shared by all readers."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

import numpy as np
import pandas as pd

from fxcost.importers import cancel
from fxcost.symbols import CURRENCIES

#: Fallback code pages for 8-bit MT4 files that are not UTF-8, tried in this order.
#: GBK before cp1252 because cp1252 decodes almost anything (into mojibake).
DEFAULT_CODEPAGES = ("gbk", "cp1252")

# Every kind of space a report uses as a thousands separator or padding:
# NBSP, the GBK full-width space (U+3000, from re-saved files), thin spaces.
_SPACES = "\u00a0\u3000\u2009\u202f\u2007 \t\r\n"
_SPACE_RE = re.compile(f"[{_SPACES}]+")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# Spreadsheet and journal money: a currency sign or code before or after the number ("$12.50", "12.50€",
# "USD12.50" once spaces are gone), accounting negatives "(12.50)" and thousands commas "1,275.00".
# Codes are the real ones only, so a symbol such as NAS100 or GER30 never reads as a number.
_CODES = "|".join(sorted(c for c in CURRENCIES if not c.startswith("X")))
_CURRENCY = rf"(?:US\$|[$€£¥₽₹₩]|(?:{_CODES}))"
_LEADING_CURRENCY = re.compile(rf"^([+-]?){_CURRENCY}(?=[\d.(])")
_TRAILING_CURRENCY = re.compile(rf"(?<=[\d.%]){_CURRENCY}$")
# Not "(0.78%)", a printed share. The first run excludes digits so that the pattern is linear (issue 13).
_ACCOUNTING_NEGATIVE = re.compile(r"^\(([^()%\d]*\d[^()%]*)\)$")
# "1,275.00" or "12,345": the first group never starts with 0 ("0,100" is a decimal comma, not 100).
_THOUSANDS_COMMAS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")
#: The same with a decimal point after the groups: the only thousands a lots or price column may hold
#: ("147,123" there is more likely a price with a decimal comma).
_THOUSANDS_WITH_POINT = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+\.\d+$")


def decode(data: bytes, codepages: tuple[str, ...] = DEFAULT_CODEPAGES) -> str:
    """Decode report bytes: BOMs, UTF-16 with a stray odd byte, UTF-8, then 8-bit code pages.

    MT5 HTML is UTF-16LE with a BOM (sometimes with one stray trailing byte); MT4 HTML has
    no charset and is written in the PC's ANSI code page; users re-save either as UTF-8.
    """
    # Slices are memoryviews (str() decodes any buffer): a bytes slice would copy the whole file.
    if data.startswith(b"\xef\xbb\xbf"):
        return str(memoryview(data)[3:], "utf-8", "replace")
    wide = wide_codec(data)
    if wide is not None and wide[0] != "utf-16-le":  # UTF-32 and big-endian UTF-16, re-saved by other programs
        name, bom = wide
        view = memoryview(data)[bom:]
        unit = 4 if "32" in name else 2
        return str(view[: len(view) - len(view) % unit], name, "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        view = memoryview(data)
        if len(view) % 2:
            view = view[:-1]  # a stray byte appended after the last character (FORMATS.md 1)
        if data.startswith(b"\xff\xfe"):
            return str(view[2:], "utf-16-le", "replace")
        if data.startswith(b"\xfe\xff"):
            return str(view[2:], "utf-16-be", "replace")
        return str(view, "utf-16-le", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for codepage in codepages:
        try:
            return data.decode(codepage)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")


def wide_codec(head: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) of a file in UTF-32 or UTF-16 (either byte order, BOM or not), else None.

    Such files hold NUL bytes, yet are text (issue 13: UTF-16BE and UTF-32 were called binary)."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return ("utf-32-le" if head[0] == 0xFF else "utf-32-be"), 4
    if head.startswith(b"\xff\xfe"):
        return "utf-16-le", 2
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be", 2
    sample = head[:400]
    if len(sample) < 8:
        return None

    def zeros(offset: int, step: int) -> bool:
        part = sample[offset::step]
        return part.count(0) > 0.8 * len(part)

    if zeros(2, 4) and zeros(3, 4) and not zeros(0, 4):
        return "utf-32-le", 0
    if zeros(0, 4) and zeros(1, 4) and not zeros(3, 4):
        return "utf-32-be", 0
    if zeros(1, 2):
        return "utf-16-le", 0
    if zeros(0, 2) and not zeros(1, 2):
        return "utf-16-be", 0
    return None


def utf16_codec(head: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when the file starting with ``head`` is UTF-16 by :func:`decode`'s rules, else None."""
    if head.startswith(b"\xef\xbb\xbf"):
        return None
    wide = wide_codec(head)
    if wide is not None and wide[0] in ("utf-32-le", "utf-32-be"):
        return None  # read whole by decode
    if head.startswith(b"\xff\xfe"):
        return "utf-16-le", 2
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be", 2
    return ("utf-16-le", 0) if _looks_utf16(head) else None


#: Bytes read and decoded at a time by :func:`decode_pieces` (2 MB of text for an MT5 report).
PIECE_BYTES = 4 << 20


def decode_pieces(stream: BinaryIO, size: int, codec: tuple[str, int], piece: int = PIECE_BYTES) -> Iterator[str]:
    """The text of a UTF-16 file (``codec`` from :func:`utf16_codec`) decoded piece by piece as it is read.

    The pieces joined equal :func:`decode` of the whole file, without ever holding the whole file.
    """
    name, bom = codec
    stream.seek(bom)
    left = size - bom
    left -= left % 2  # a stray byte appended after the last character (FORMATS.md 1)
    decoder = codecs.getincrementaldecoder(name)("replace")
    while left > 0:
        cancel.check()
        data = stream.read(min(piece, left))
        if not data:
            break
        left -= len(data)
        text = decoder.decode(data, final=left <= 0)
        if text:
            yield text
    rest = decoder.decode(b"", final=True)
    if rest:
        yield rest


def _looks_utf16(data: bytes) -> bool:
    """UTF-16LE without BOM: most odd bytes of the first few hundred are NUL."""
    head = data[:400]
    if len(head) < 8:
        return False
    return head[1::2].count(0) > 0.8 * len(head[1::2])


def clean(text: str) -> str:
    """Collapse every kind of space into one plain space and strip the ends."""
    return _SPACE_RE.sub(" ", text).strip()


def parse_number(text: str | float | int | None) -> float:
    """One printed number: '1 000.00', '- 30.12', '-3 865', '0.1', '' -> NaN.

    Also accepts a trailing '%' and parenthesised extras ('23.50 (0.78%)' -> 23.5), thousands commas
    ('1,275.00'), a currency sign or code ('$12.50', '12.50 €', 'USD 12.50') and accounting negatives
    ('(12.50)' -> -12.5).
    Returns NaN for anything that is not a number.
    """
    if text is None:
        return float("nan")
    if isinstance(text, (int, float)):
        return float(text)
    s = _SPACE_RE.sub("", str(text))
    s = _ACCOUNTING_NEGATIVE.sub(r"-\1", s)
    s = _TRAILING_CURRENCY.sub("", _LEADING_CURRENCY.sub(r"\1", s))
    if "(" in s:
        s = s.split("(", 1)[0]
    s = s.rstrip("%")
    if _THOUSANDS_COMMAS.match(s):
        s = s.replace(",", "")
    if s.startswith("+"):
        s = s[1:]
    if _NUMBER_RE.match(s):
        return float(s)
    return float("nan")


def parse_numbers(values: list | pd.Series, thousands_need_point: bool = False) -> np.ndarray:
    """Vectorised :func:`parse_number` over many cells (NaN where a cell is not a number).

    Plain numbers are converted at C speed; only the cells that are not go through the spreadsheet rules
    (currency, accounting negatives, thousands commas). ``thousands_need_point``: thousands commas only with a
    decimal point after them (lots and prices).
    """
    series = pd.Series(values, dtype=object)
    if len(series) == 0:
        return np.zeros(0, dtype="float64")
    # A float NaN cell (an XLSX value "NaN") stays NaN through astype(str): spelt out, it is one more non-number.
    text = series.astype(str).fillna("nan").str.replace(_SPACE_RE, "", regex=True)
    out = pd.to_numeric(text, errors="coerce")
    rest = out.isna() & (text != "") & (text.str.lower() != "nan")
    if rest.any():
        t = text[rest]
        t = t.str.replace(_ACCOUNTING_NEGATIVE, r"-\1", regex=True)
        t = t.str.replace(_LEADING_CURRENCY, r"\1", regex=True).str.replace(_TRAILING_CURRENCY, "", regex=True)
        t = t.str.split("(", n=1).str[0].str.rstrip("%")
        grouped = t.str.match(_THOUSANDS_WITH_POINT if thousands_need_point else _THOUSANDS_COMMAS)
        t = t.where(~grouped, t.str.replace(",", "", regex=False))
        out = out.where(~rest, pd.to_numeric(t, errors="coerce").reindex(out.index))
    # Cells that already were numbers (XLSX) keep their value.
    numeric = series.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
    if numeric.any():
        out = out.where(~numeric, pd.to_numeric(series.where(numeric), errors="coerce"))
    return out.to_numpy(dtype="float64")


def parse_volume(text: str | float | None) -> float:
    """MT5 order volume 'filled / requested' -> filled; plain volumes pass through."""
    if isinstance(text, str) and "/" in text:
        text = text.split("/", 1)[0]
    return parse_number(text)


def decimals(text: str) -> int:
    """How many decimals a printed price has ('1.14475' -> 5, '21016' -> 0)."""
    s = clean(str(text))
    if "." not in s:
        return 0
    return len(s.rsplit(".", 1)[1].rstrip("%"))


#: The dates a model frame holds (datetime64[ns]); anything outside is not a date of a trade history.
_FIRST = datetime(1677, 9, 22)  # pd.Timestamp.min is 1677-09-21 00:12:43
_LAST = datetime(2262, 4, 11)  # pd.Timestamp.max is 2262-04-11 23:47:16

#: MetaTrader's printed date formats, most common first.
DATE_FORMATS = ("%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def parse_time(text: str | datetime | None) -> datetime | None:
    """One MetaTrader date-time ('2025.06.06 00:33:56', '2025.06.06 16:52'); None if not a date."""
    if isinstance(text, datetime):
        return text
    if not text:
        return None
    s = clean(str(text))
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(s, fmt)
        except ValueError:
            continue
        return parsed if _FIRST <= parsed <= _LAST else None
    return None


#: The layout of MetaTrader's plain times, 'd' for a digit: '2025.06.06 00:33:56', '2025.06.06 16:52', '2025.06.06'.
_PLAIN_TIME = "dddd.dd.dd dd:dd:dd"


def parse_times(values: list | pd.Series) -> pd.Series:
    """Vectorised date parsing of MetaTrader times; NaT where a cell is not a date."""
    series = pd.Series(values, dtype=object)
    if len(series) == 0:
        return pd.Series([], dtype="datetime64[ns]")
    fast = _plain_times(series)
    if fast is not None:
        return pd.Series(fast, index=series.index, dtype="datetime64[ns]")
    text = series.astype(str).str.strip()
    out = pd.to_datetime(text, format="%Y.%m.%d %H:%M:%S", errors="coerce")
    missing = out.isna() & (text != "")
    for fmt in DATE_FORMATS[1:]:
        if not missing.any():
            break
        out = out.where(~missing, pd.to_datetime(text.where(missing), format=fmt, errors="coerce"))
        missing = out.isna() & (text != "")
    # pandas parses year 1600 or 9999 at second resolution; the model holds nanoseconds (1677 to 2262), so such a
    # date is no date, as any other unreadable one (issue 13: OutOfBoundsDatetime).
    out = out.where((out >= _FIRST) & (out <= _LAST))
    return out.astype("datetime64[ns]")


def _plain_times(series: pd.Series) -> np.ndarray | None:
    """The times of a column holding only plain MetaTrader times of one width (the usual case: a few thousand per
    statement, and an introducing broker's book has hundreds of statements, issue 14), else None.

    The cells' characters are checked position by position in one numpy array and numpy's own ISO parser reads
    them, instead of a strip and a strptime per cell. None (the general path decides) for anything else: blanks,
    spaces, other layouts, or an impossible date such as 2025.02.30.
    """
    n = len(series)
    try:
        raw = "\n".join(series.tolist()).encode("ascii")
    except (TypeError, UnicodeEncodeError):  # datetimes, numbers, None, other scripts: not plain text
        return None
    width = next((w for w in (19, 16, 10) if len(raw) == (w + 1) * n - 1), 0)
    if not width:
        return None
    cells = np.frombuffer(raw + b"\n", dtype=np.uint8).reshape(n, width + 1).copy()
    layout = _PLAIN_TIME[:width]
    digits = [i for i, c in enumerate(layout) if c == "d"]
    marks = {i: ord(c) for i, c in enumerate(layout) if c not in "d."} | {width: ord("\n")}
    dash = (cells[:, 4] == ord("-")) & (cells[:, 7] == ord("-"))
    dot = (cells[:, 4] == ord(".")) & (cells[:, 7] == ord("."))
    if not ((cells[:, digits] - ord("0") < 10).all() and (dash | dot).all()
            and all((cells[:, i] == c).all() for i, c in marks.items())):
        return None
    cells[:, [4, 7]] = ord("-")
    try:
        seconds = cells[:, :width].copy().view(f"S{width}").ravel().astype("datetime64[s]")
    except ValueError:
        return None
    # numpy's nanosecond cast of a year 1600 or 9999 wraps round silently: leave such a column to the general path,
    # which makes those cells NaT (issue 13).
    if ((seconds < np.datetime64(_FIRST, "s")) | (seconds > np.datetime64(_LAST, "s"))).any():
        return None
    return seconds.astype("datetime64[ns]")


#: English month names in MT4's report time ("2017 October 18, 08:05").
_MT4_REPORT_TIME = re.compile(r"(\d{4})\s+([A-Za-z]+)\s+(\d{1,2}),\s*(\d{1,2}):(\d{2})")


def parse_report_time(text: str) -> datetime | None:
    """MT4 report time '2017 October 18, 08:05' or an MT5 '2025.06.06 16:52'."""
    m = _MT4_REPORT_TIME.search(text or "")
    if m:
        try:
            return datetime.strptime(
                f"{m.group(1)} {m.group(2)} {m.group(3)} {m.group(4)}:{m.group(5)}", "%Y %B %d %H:%M"
            )
        except ValueError:
            return None
    return parse_time(text)
