"""Decoding of report bytes and the number, date and volume parsing shared by all readers."""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from fxcost.importers import cancel
from fxcost.symbols import CURRENCIES

#: Code pages of 8-bit MT4 files that are not UTF-8 (the PC's ANSI code page: Chinese, a Japanese broker's server
#: template, Cyrillic, Western, Turkish). Several decode the same bytes without error, so the one whose text reads
#: most like its own script wins (:func:`guess_codepage`); on a tie, the first listed.
DEFAULT_CODEPAGES = ("gbk", "cp932", "cp1252", "cp1251", "cp1254")

# Every kind of space a report uses as a thousands separator or padding:
# NBSP, the GBK full-width space (U+3000, from re-saved files), thin spaces.
_SPACES = "\u00a0\u3000\u2009\u202f\u2007 \t\r\n"
_SPACE_RE = re.compile(f"[{_SPACES}]+")
#: Every kind of space, in a run (what :func:`clean` collapses).
SPACE_RE = _SPACE_RE
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
    for codepage in guess_codepage(data, codepages):
        try:
            return data.decode(codepage)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")


#: Bytes of a file whose text chooses its code page (cut at a line end: a multi-byte character never spans one).
_SAMPLE_BYTES = 1 << 18
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CYRILLIC = "\u0400-\u04ff"
_LATIN = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u011e\u011f\u0130\u0131\u015e\u015f"
#: Signs that a decoding is wrong, whatever its characters: a Cyrillic letter inside a Latin word or a capital after
#: a small letter (Western text read as cp1251); two accented Latin letters in a row (Cyrillic read as cp1252); a
#: kanji or hanzi inside a Latin word (an accented letter and the next read as one character).
_MISFIT = {
    "cjk": re.compile(r"[a-zA-Z][\u3000-\u9fff\uff00-\uffef][a-zA-Z]"),
    "cyrillic": re.compile(rf"[a-zA-Z][{_CYRILLIC}]|[{_CYRILLIC}][a-zA-Z]|[\u0430-\u044f\u0451][\u0410-\u042f\u0401]"),
    "latin": re.compile(rf"[{_LATIN}][{_LATIN}]"),
}
_SCRIPT = {"gbk": "cjk", "cp932": "cjk", "cp1251": "cyrillic", "cp1252": "latin", "cp1254": "latin"}
_PUNCTUATION = set("\u00a0\u00ab\u00bb\u2013\u2014\u2018\u2019\u201c\u201d\u201e\u2022\u2026\u20ac\u00b0\u00b7")
_UKRAINIAN = set("\u0404\u0406\u0407\u0454\u0456\u0457\u0490\u0491\u2116")


def _fits(ch: str, codepage: str) -> float:
    """How surely ``ch`` is a character text written in ``codepage`` uses (1), not one only a wrong guess makes (0).

    GB2312's second level (rarer hanzi, where Cyrillic small letters land when cp1251 is read as GBK) counts half.
    """
    o = ord(ch)
    if codepage == "gbk":  # GB2312's punctuation, full-width forms and hanzi (a wrong guess lands in GBK's extensions)
        b = ch.encode("gbk", "replace")
        if len(b) != 2 or b[1] < 0xA1:
            return 0.0
        return 1.0 if 0xA1 <= b[0] <= 0xA3 or 0xB0 <= b[0] <= 0xD7 else 0.5 if 0xD8 <= b[0] <= 0xF7 else 0.0
    if codepage == "cp932":  # kana, JIS level 1-2 kanji, full-width forms (not half-width kana)
        if 0x3000 <= o <= 0x30FF or 0xFF01 <= o <= 0xFF5E:
            return 1.0
        b = ch.encode("cp932", "replace")
        return float(0x4E00 <= o <= 0x9FFF and len(b) == 2 and (0x88 <= b[0] <= 0x9F or 0xE0 <= b[0] <= 0xEA))
    if ch in _PUNCTUATION:
        return 1.0
    if codepage == "cp1251":
        return float(0x0410 <= o <= 0x044F or o in (0x0401, 0x0451) or ch in _UKRAINIAN)
    if codepage == "cp1252" and ch in "\u00d0\u00de\u00dd\u00f0\u00fe\u00fd":  # Icelandic letters: Turkish in cp1254
        return 0.0
    return float(ch.isalpha() and (0xC0 <= o <= 0xFF or o in (0x011E, 0x011F, 0x0130, 0x0131, 0x015E, 0x015F)))


def guess_codepage(data: bytes, codepages: tuple[str, ...] = DEFAULT_CODEPAGES) -> list[str]:
    """``codepages`` that decode the start of ``data``, the likeliest first: the share of its non-ASCII characters
    that fit the code page's script, less the signs of a wrong guess (issue 11: a Japanese cp932 template also
    decodes as GBK, into rare hanzi)."""
    sample = data[:_SAMPLE_BYTES]
    if len(data) > _SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    scored: list[tuple[float, int, str]] = []
    for k, codepage in enumerate(codepages):
        try:
            text = sample.decode(codepage)
        except (UnicodeDecodeError, LookupError):
            continue
        chars = _NON_ASCII.findall(text)
        if not chars:
            scored.append((0.0, k, codepage))
            continue
        fit = sum(n * _fits(ch, codepage) for ch, n in Counter(chars).items())
        script = _SCRIPT.get(codepage, "")
        misfit = len(_MISFIT[script].findall(text)) if script in _MISFIT else 0
        scored.append(((fit - misfit) / len(chars), k, codepage))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [codepage for _, _, codepage in scored]


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


#: Python's float() reads a plain decimal number exactly as pandas' to_numeric does up to this many characters (so
#: at most 15 digits; "-0" aside, which to_numeric reads as an integer 0).
_PLAIN_NUMBER_LEN = 15
#: What a column of plain decimal numbers holds, with space thousands ("1 000.00"; a cell of spaces alone is blank).
_PLAIN_NUMBER_CHARS_SPACED = str.maketrans("", "", "0123456789.- ")


def plain_floats(col: Sequence[Any]) -> np.ndarray | None:
    """A column of plain decimal numbers (MetaTrader's usual one; blanks read NaN, and space thousands "1 001.00" lose
    their spaces, as :func:`parse_numbers` reads them) read by numpy in one call, else None (issue 14)."""
    if not len(col):
        return None
    try:
        joined = "".join(col)
    except TypeError:  # None, numbers (XLSX): not all text
        return None
    if not joined.isascii() or joined.translate(_PLAIN_NUMBER_CHARS_SPACED):
        return None
    if len(col) >= _FEW_FROM and len(set(islice(col, _FEW_SAMPLE))) <= _FEW_DISTINCT:
        # Few distinct texts (fees, swaps, stops: mostly "0.00" or blank): each is parsed once and spread in C, the
        # same values (issue 14: numpy's parse of a text costs ~5 times a dict lookup).
        texts = list(dict.fromkeys(col))
        parsed = _plain_floats(texts, "".join(texts))
        if parsed is None:
            return None
        value = dict(zip(texts, parsed.tolist()))
        return np.fromiter(map(value.__getitem__, col), dtype="float64", count=len(col))
    return _plain_floats(col, joined)


#: plain_floats parses each distinct text once when a column of at least _FEW_FROM cells has at most _FEW_DISTINCT
#: distinct texts among its first _FEW_SAMPLE.
_FEW_FROM = 256
_FEW_SAMPLE = 128
_FEW_DISTINCT = 64


def _plain_floats(col: Sequence[str], joined: str) -> np.ndarray | None:
    """:func:`plain_floats` of a column of text that holds only its characters (``joined``: its cells joined)."""
    if " " in joined:  # thousands apart ("-1 001.00"): parse_numbers reads them without their spaces too
        col = [v.replace(" ", "") for v in col]
    if "" in col:  # empty cells (or spaces alone): NaN, as parse_numbers leaves a blank (one column in three)
        col = [v or "nan" for v in col]
    if max(map(len, col)) > _PLAIN_NUMBER_LEN:
        return None
    try:
        out = np.array(col, dtype="float64")
    except ValueError:  # "1.2.3", "-": the general path decides
        return None
    if np.signbit(out[out == 0]).any():  # "-0": pandas reads an integer 0
        return None
    return out


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


def times_array(values: list) -> np.ndarray:
    """:func:`parse_times` as a datetime64[ns] array (no Series made when every cell is a plain time; issue 14)."""
    fast = _plain_times(values) if values else None
    return fast if fast is not None else parse_times(values).to_numpy(dtype="datetime64[ns]")


def parse_times(values: list | pd.Series) -> pd.Series:
    """Vectorised date parsing of MetaTrader times; NaT where a cell is not a date."""
    series = pd.Series(values, dtype=object)
    if len(series) == 0:
        return pd.Series([], dtype="datetime64[ns]")
    fast = _plain_times(series.tolist())
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


def _plain_times(values: list) -> np.ndarray | None:
    """The times of a column holding only plain MetaTrader times of one width (the usual case: a few thousand per
    statement, and an introducing broker's book has hundreds of statements, issue 14), else None.

    The cells' characters are checked position by position in one numpy array and numpy's own ISO parser reads
    them, instead of a strip and a strptime per cell. None (the general path decides) for anything else: blanks,
    spaces, other layouts, or an impossible date such as 2025.02.30.
    """
    n = len(values)
    try:
        raw = "\n".join(values).encode("ascii")
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
