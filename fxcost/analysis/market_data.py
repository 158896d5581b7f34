"""Market-data readers for measured spreads (FORMATS.md 8): MT5 bars and ticks, Dukascopy, HistData, TrueFX."""

from __future__ import annotations

import codecs
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal, TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from fxcost import safeio
from fxcost.analysis.instruments import category
from fxcost.errors import FxCostError, clip
from fxcost.importers import cancel
from fxcost.importers.text import DEFAULT_CODEPAGES, utf16_codec, wide_codec
from fxcost.symbols import CURRENCIES, DEFAULT_ALIASES, normalise

__all__ = [
    "FORMATS",
    "LABELS",
    "MarketData",
    "MarketDataError",
    "detect_format",
    "read_market_data",
    "symbol_from_name",
]

#: Format id -> what the user sees in messages.
FORMATS = {
    "mt5_bars": "MT5 bar export",
    "mt5_rates": "MetaTrader5 Python copy_rates dump",
    "mt5_ticks": "MT5 tick export",
    "dukascopy": "Dukascopy tick CSV",
    "histdata": "HistData ASCII ticks",
    "truefx": "TrueFX ticks",
}

#: Format id -> spread source label recorded on each trade (always starts with "measured").
LABELS = {
    "mt5_bars": "measured (bar minimum)",
    "mt5_rates": "measured (bar minimum)",
    "mt5_ticks": "measured (ticks, MT5 export)",
    "dukascopy": "measured (ticks, Dukascopy feed)",
    "histdata": "measured (ticks, HistData feed)",
    "truefx": "measured (ticks, TrueFX feed)",
}

_SUPPORTED = (
    "MT5 bar export (<DATE> <TIME> <OPEN> ... <SPREAD>), MetaTrader5 Python rates (time,open,...,spread), "
    "MT5 tick export (<DATE> <TIME> <BID> <ASK> ...), Dukascopy ticks (Time,Ask,Bid,...), "
    "HistData ASCII ticks (YYYYMMDD HHMMSSmmm,Bid,Ask,Volume) and TrueFX (EUR/USD,YYYYMMDD HH:MM:SS.mmm,bid,ask)"
)

_HISTDATA = re.compile(r"^\d{8} \d{9}[,;]")
# "EUR/USD" or "EURUSD": the optional part starts with its "/", so the two letter runs never split one run
# between them (that was quadratic in a long first line: issue 13).
_TRUEFX = re.compile(r"^[A-Za-z][A-Za-z0-9.]{2,}(?:/[A-Za-z0-9.]*)?,\d{8} \d{2}:\d{2}:\d{2}")
_GMT_SUFFIX = r"\s*(?:GMT|UTC)\s*([+-])(\d{1,2}):?(\d{2})?\s*$"
_TIMEFRAMES = {
    "M1": 60, "M5": 300, "M15": 900, "M30": 1800, "H1": 3600, "H4": 14400, "D1": 86400, "W1": 604800,
    "MN1": 2678400, "HOURLY": 3600, "DAILY": 86400, "WEEKLY": 604800, "MONTHLY": 2678400,
}
_KNOWN_ROOTS = frozenset(DEFAULT_ALIASES.values())


class MarketDataError(FxCostError):
    """A market-data file cannot be read; the message says what, where (line) and what to do."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path = path
        self.line = line
        self.message = message
        where = ", ".join(p for p in (path, f"line {line}" if line else "") if p)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class MarketData:
    """One symbol's spreads over time, read from one file.

    ``frame`` has ``time`` (datetime64[ns], sorted; UTC when ``utc`` else broker server time),
    ``spread`` (price units) and ``spread_points``; tick frames also ``bid`` and ``ask``.
    ``offset_hours`` is the UTC offset of the times as printed in the file (already removed when
    ``utc``; e.g. -5 for HistData); None for server time, whose offset only the user knows.
    """

    symbol: str
    kind: str  # "bars" | "ticks"
    utc: bool
    offset_hours: float | None
    frame: pd.DataFrame
    label: str
    digits: int
    point: float
    format: str
    source: str = ""
    file_symbol: str = ""  # as printed in the file or its name, e.g. "US30m"
    bar_seconds: float | None = None  # bars: how long one bar lasts
    third_party: bool = False  # a data vendor's feed, not the broker's own spread (DOMAIN.md 3.4)
    warnings: list[str] = field(default_factory=list)

    @property
    def start(self) -> pd.Timestamp:
        first: pd.Timestamp = self.frame["time"].iloc[0]
        return first

    @property
    def end(self) -> pd.Timestamp:
        last: pd.Timestamp = self.frame["time"].iloc[-1]
        return last

    def __len__(self) -> int:
        return len(self.frame)

    def summary(self) -> dict[str, Any]:
        """Rows, time range and spread statistics (points and price units) for display and tests."""
        pts = self.frame["spread_points"]
        price = self.frame["spread"]
        return {
            "symbol": self.symbol, "kind": self.kind, "format": self.format, "rows": len(self.frame),
            "start": str(self.start), "end": str(self.end), "clock": "UTC" if self.utc else "server time",
            "digits": self.digits, "label": self.label,
            "spread_points": {"min": float(pts.min()), "median": float(pts.median()), "max": float(pts.max())},
            "spread_price": {"min": float(price.min()), "median": float(price.median()), "max": float(price.max())},
        }


# --------------------------------------------------------------------------------------------------
# Entry point


#: Largest market-data file read. The file is read as a stream, CHUNK_CHARS of text at a time, and each chunk becomes
#: numbers at once, so memory follows the rows kept (~40 bytes a tick, ~16 a bar), not the text (issue 13: a 610 MB
#: file took 6.85 GB when read whole). A year of one symbol's MT5 ticks is a few hundred MB. docs/LIMITS.md.
MAX_BYTES = 1_000_000_000
#: Characters of text parsed at a time; a chunk's table of text strings takes ~12 bytes per character while parsed.
#: It is also the longest line read (a market-data line is under 200 characters): a longer one is refused.
CHUNK_CHARS = 1_000_000
#: Bytes read to tell the encoding and the kind of file, and then at a time.
_HEAD_BYTES = 1 << 16
_PIECE_BYTES = 1 << 20
#: The first chunk holds at least this much text, so the samples that settle a file's layout (decimal comma in the
#: first 2000 characters, date formats in the first 50 rows, GMT offsets in the first 20) see the same rows at any
#: chunk size.
_FIRST_CHUNK_CHARS = 8192


def read_market_data(path: str | Path, symbol: str | None = None, *, data: bytes | None = None,
                     chunk_chars: int = CHUNK_CHARS) -> MarketData:
    """Read one market-data file, detecting its format from its content.

    ``symbol`` (any broker spelling) overrides the symbol found in the file or its name.
    ``data``: the file's bytes when already in memory (``path`` then only names it).
    ``chunk_chars``: text parsed at a time (the result does not depend on it).
    Raises :class:`MarketDataError` for anything it cannot use.
    """
    name = str(path)
    if data is not None:
        return _Reader(name, io.BytesIO(data), symbol, chunk_chars).read()
    try:
        st = safeio.regular(path)  # a device, pipe or socket is refused by name before it is opened (issue 13)
        if st.st_size > MAX_BYTES:
            raise safeio.too_large(st.st_size, MAX_BYTES, "market-data file")
        stream = open(path, "rb")  # noqa: SIM115 - closed below, after the reader is built
    except IsADirectoryError:
        raise MarketDataError(name, "is a folder, not a market-data file; choose the CSV file inside it") from None
    except safeio.FileRefused as exc:
        raise _refused(name, exc) from None
    except OSError as exc:
        raise _unreadable(name, exc) from None
    with stream:
        return _Reader(name, stream, symbol, chunk_chars).read()


def _refused(name: str, exc: safeio.FileRefused) -> MarketDataError:
    if "folder" in str(exc):
        return MarketDataError(name, "is a folder, not a market-data file; choose the CSV file inside it")
    advice = " Export a shorter date range, or split the file by month." if "larger than" in str(exc) else ""
    return MarketDataError(name, f"{exc}{advice}")


def _unreadable(name: str, exc: OSError) -> MarketDataError:
    return MarketDataError(
        name, f"cannot read the file ({exc.strerror or exc}); check that it exists and is not open elsewhere")


def detect_format(first_line: str) -> str | None:
    """Format id for a file's first non-empty line, or None when it is not market data fxcost reads."""
    fmt, _sep, _names = _detect(first_line.strip().lstrip("\ufeff"))
    return fmt if fmt in FORMATS else None


def symbol_from_name(name: str) -> str:
    """The symbol a file name carries ('EURUSD_H1_2024.csv' -> 'EURUSD', 'US30m_D1...' -> 'US30m'), or ''."""
    stem = Path(name).name
    stem = re.sub(r"\.(csv|txt|tsv|dat|gz|zip)$", "", stem, flags=re.I)
    for token in re.split(r"[_\s\-,]+", stem):
        if token and _known_root(normalise(token)[0]):
            return token
    return ""


def _known_root(root: str) -> bool:
    r = root.upper()
    if len(r) == 6 and r[:3] in CURRENCIES and r[3:] in CURRENCIES:
        return True
    return r in _KNOWN_ROOTS or category(r) in ("index", "energy", "crypto", "metal")


def _key(header: str) -> str:
    """Comparable column name: '<TICKVOL>' -> 'tickvol', 'Gmt time' -> 'gmttime', 'tick_volume' -> 'tickvolume'."""
    return re.sub(r"[^a-z0-9()+\-]", "", header.lower())


_TIME_KEYS = ("time", "gmttime", "localtime", "time(utc)", "time(gmt)", "timestamp", "datetime")


def _detect(first: str) -> tuple[str | None, str | None, list[str]]:
    """(format or an error kind, separator, column keys) from the first line."""
    if _HISTDATA.match(first):
        return "histdata", first[18], []
    if _TRUEFX.match(first):
        return "truefx", ",", []
    counts = {sep: first.count(sep) for sep in ("\t", ",", ";")}
    sep = max(counts, key=counts.__getitem__)
    if counts[sep] == 0:
        return None, None, []
    keys = [_key(c) for c in first.split(sep)]
    have = set(keys)
    prices = have & {"open", "high", "low", "close"}
    if {"bid", "ask"} <= have:
        if "date" in have or have & {"flags", "last"}:
            return "mt5_ticks", sep, keys
        # Dukascopy's own column set (or an explicit GMT/local clock) tells the time zone; a bare time,bid,ask does not.
        vendor = have & {"askvolume", "bidvolume"} or have & {"gmttime", "localtime", "time(utc)", "time(gmt)"}
        if vendor and any(k in _TIME_KEYS for k in keys):
            return "dukascopy", sep, keys
        return "unknown_ticks", sep, keys
    if prices and have & {"date", "time", "datetime"}:
        if "spread" not in have:
            return "bars_without_spread", sep, keys
        return ("mt5_bars" if "date" in have else "mt5_rates"), sep, keys
    return None, sep, keys


# --------------------------------------------------------------------------------------------------
# Reading


class _HistDataExtra(TypedDict, total=False):
    """The optional column of a HistData tick row kept beside bid and ask."""

    volume: np.ndarray


class _Reader:
    def __init__(self, path: str, stream: BinaryIO, symbol: str | None, chunk_chars: int):
        self.path = path
        self.stream = stream
        self.symbol = symbol
        self.chunk_chars = max(1, int(chunk_chars))
        self.warnings: list[str] = []
        self.header_line = 0  # 1-based file line of the header (0: no header)
        self.chunk_text = ""  # the chunk being parsed, and the file line of its first line
        self.chunk_line0 = 1
        self.row_index: np.ndarray | None = None  # chunk row of each table row, when rows were filtered out
        self.parts: dict[str, list[np.ndarray]] = {}  # arrays of every chunk, joined at the end
        self.decimal_comma = False
        # Settled by the first chunk, so every chunk is read alike.
        self.orders: dict[tuple[str, ...], list[str]] = {}
        self.epoch: tuple[bool, Literal["ms", "s"]] | None = None
        self.gmt: bool | None = None
        self.best_digits = 0
        self.sample_left = 1000  # rows of printed prices still looked at for trailing zeros
        self.symbols_seen: dict[str, None] = {}

    # -- errors and line numbers -------------------------------------------------------------------

    def error(self, message: str, row: int | None = None, line: int | None = None) -> MarketDataError:
        if row is not None:
            line = self.line_of(row)
        return MarketDataError(self.path, message, line)

    def line_of(self, row: int) -> int:
        """1-based file line of data row ``row`` of the current chunk (blank lines are skipped by the CSV parser)."""
        if self.row_index is not None:
            row = int(self.row_index[row])
        seen = -1
        lines = self.chunk_text.split("\n")
        for i, line in enumerate(lines):
            if line.strip():
                seen += 1
                if seen == row:
                    return self.chunk_line0 + i
        return self.chunk_line0 + len(lines) - 1

    # -- streaming the text ------------------------------------------------------------------------

    def pieces(self, head: bytes) -> Iterator[str]:
        """The file's text with every line ending made '\\n', decoded a piece at a time as :func:`decode` would.

        The encoding is told from the first bytes; a byte the encoding cannot decode becomes U+FFFD."""
        name, skip, unit = _encoding(head)
        decoder = codecs.getincrementaldecoder(name)("replace")
        data, carry, first, cr = head[skip:], b"", True, False
        total = len(head)
        while True:
            buf = carry + data
            usable = len(buf) - len(buf) % unit  # a stray byte after the last UTF-16 character (FORMATS.md 1)
            text = decoder.decode(buf[:usable])
            carry = buf[usable:]
            if first:
                if "\x00" in text[:4000]:
                    raise self.error("is not a text file; choose the CSV the platform or data vendor exported")
                first = False
            if cr:
                text = "\r" + text
            cr = text.endswith("\r")  # its "\n" may start the next piece
            if cr:
                text = text[:-1]
            if text:
                yield text.replace("\r\n", "\n").replace("\r", "\n")
            data = self.stream.read(_PIECE_BYTES)
            if not data:
                break
            total += len(data)
            if total > MAX_BYTES:  # a file that grows while it is read
                raise _refused(self.path, safeio.too_large(total, MAX_BYTES, "market-data file"))
        rest = decoder.decode(b"", final=True) + ("\r" if cr else "")
        if rest:
            yield rest.replace("\r\n", "\n").replace("\r", "\n")

    def blocks(self, pieces: Iterator[str]) -> Iterator[tuple[str, int]]:
        """(text of whole lines, file line of its first line), about ``chunk_chars`` at a time."""
        rest, line0, size = "", 1, max(self.chunk_chars, _FIRST_CHUNK_CHARS)
        for piece in pieces:
            cancel.check()
            rest += piece
            start = 0
            while len(rest) - start >= size:
                cut = rest.rfind("\n", start, start + size)
                if cut < 0:  # rest[start:] starts a line, and that line is longer than a chunk
                    raise self.error(f"has a line longer than {size:,} characters, which no market data has; "
                                     "choose the CSV the platform or data vendor exported", line=line0)
                block = rest[start:cut + 1]
                yield block, line0
                line0 += block.count("\n")
                start = cut + 1
                size = self.chunk_chars
            rest = rest[start:]
        if rest:
            yield rest, line0

    # -- top level ---------------------------------------------------------------------------------

    def read(self) -> MarketData:
        try:
            return self._read()
        except OSError as exc:  # a read failing half-way (a network drive gone)
            raise _unreadable(self.path, exc) from None

    def _read(self) -> MarketData:
        head = self.stream.read(_HEAD_BYTES)
        if head[:4] in (b"PK\x03\x04", b"\x89PNG", b"%PDF") or head[:2] == b"\xff\xd8":
            raise self.error("is not a text file (an archive, image or PDF); unpack or export the CSV itself")
        blocks = self.blocks(self.pieces(head))
        found = next(((block, line0) for block, line0 in blocks if block.strip()), None)
        if found is None:
            raise self.error("the file is empty; export the data again (MT5: View > Symbols > Bars or Ticks > Export)")
        block, line0 = found
        pos = 0
        while True:  # the first non-empty line, in this block
            end = block.find("\n", pos)
            end = len(block) if end < 0 else end
            if block[pos:end].strip():
                break
            pos, line0 = end + 1, line0 + 1
        first = block[pos:end].strip().lstrip("\ufeff")
        fmt, sep, keys = _detect(first)
        if fmt == "bars_without_spread":
            raise self.error(
                "bar data without a spread column: these bars carry no spread. Export bars from MetaTrader 5 "
                "(View > Symbols > Bars > Export), which adds <SPREAD>, or use a tick file with bid and ask",
                line=line0,
            )
        if fmt == "unknown_ticks":
            raise self.error(
                f"has bid and ask columns but not a layout whose date/time column and time zone fxcost knows "
                f"({first[:80]!r}); supported layouts: {_SUPPORTED}", line=line0
            )
        if fmt is None:
            raise self.error(
                f"is not market data fxcost can read (first line {first[:80]!r}); supported layouts: {_SUPPORTED}",
                line=line0,
            )
        assert sep is not None  # _detect finds a separator for every format it names
        self.format, self.sep = fmt, sep
        if fmt in ("histdata", "truefx"):
            names, columns = range(first.count(sep) + 1), None
            body, body_line0 = block[pos:], line0
        else:
            self.header_line = line0
            names, columns = range(len(keys)), keys
            body, body_line0 = block[end + 1:], line0 + 1
        # Semicolon files re-saved by a European Excel may use a decimal comma.
        self.decimal_comma = sep == ";" and bool(re.search(r"(^|;)\d+,\d+(;|$)", body[:2000], re.M))
        parse = {"mt5_bars": self.bars, "mt5_rates": self.bars, "mt5_ticks": self.mt5_ticks,
                 "dukascopy": self.dukascopy, "histdata": self.histdata, "truefx": self.truefx}[fmt]
        rows = 0
        for text, text_line0 in itertools.chain([(body, body_line0)], blocks):
            cancel.check()
            self.chunk_text, self.chunk_line0, self.row_index = text, text_line0, None
            table = self.table(text, names, columns)
            if len(table):
                parse(table)
                rows += len(table)
        self.chunk_text, self.row_index = "", None
        if rows == 0:
            raise self.error("has a header but no data rows; export a date range that contains data")
        end_of = {"mt5_bars": self.bars_end, "mt5_rates": self.bars_end, "mt5_ticks": self.mt5_ticks_end,
                  "dukascopy": self.dukascopy_end, "histdata": self.histdata_end, "truefx": self.truefx_end}[fmt]
        return end_of()

    def table(self, text: str, names: range, columns: list[str] | None) -> pd.DataFrame:
        """Every field of one chunk as text (no NA conversion, so empty MT5 tick fields stay '')."""
        if not text.strip():
            return pd.DataFrame()
        try:
            frame = pd.read_csv(io.StringIO(text), sep=self.sep, header=None, dtype=str, keep_default_na=False,
                                na_filter=False, index_col=False, engine="c", skip_blank_lines=True, names=names)
        except pd.errors.EmptyDataError:
            return pd.DataFrame()
        except pd.errors.ParserError as exc:
            m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if m:
                line = int(m.group(2)) + self.chunk_line0 - 1
                raise self.error(f"has {m.group(3)} fields where {m.group(1)} are expected; delete or fix this line, "
                                 "or export the data again", line=line) from None
            raise self.error(f"cannot be parsed as a table ({clip(exc)}); export the data again") from None
        if columns:
            frame.columns = columns
        return frame

    def add(self, **arrays: np.ndarray) -> None:
        for key, values in arrays.items():
            self.parts.setdefault(key, []).append(np.asarray(values))

    def joined(self, key: str) -> np.ndarray:
        """Every chunk's ``key`` array in file order, as one array (the chunks' own are let go)."""
        parts = self.parts.pop(key)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    # -- shared helpers ----------------------------------------------------------------------------

    def column(self, table: pd.DataFrame, *names: str) -> pd.Series | None:
        for name in names:
            if name in table.columns:
                col: pd.Series | pd.DataFrame = table[name]  # a DataFrame when the name is repeated
                return col.iloc[:, 0] if isinstance(col, pd.DataFrame) else col
        return None

    def need(self, table: pd.DataFrame, *names: str) -> pd.Series:
        """:meth:`column` of a column the format was detected by (_detect), so it is there."""
        col = self.column(table, *names)
        assert col is not None, names
        return col

    def numbers(self, text: pd.Series, what: str, *, allow_empty: bool = False) -> npt.NDArray[np.float64]:
        if self.decimal_comma:
            text = text.str.replace(",", ".", regex=False)
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64")  # tolerates padding spaces
        bad = np.isnan(values)
        if allow_empty and bad.any():
            bad &= (text.str.strip() != "").to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            shown = clip(text.iloc[row].strip())
            raise self.error(f"{what} {shown!r} is not a number" if shown else f"{what} is missing", row=row)
        return values

    def times(self, text: pd.Series, formats: tuple[str, ...], what: str, example: str) -> np.ndarray:
        """Parse with explicit formats (fast); rows one format misses get the next; any left over is an error.

        The formats are tried in the order that suits the file's first rows, settled by the first chunk."""
        order = self.orders.get(formats)
        if order is None:
            sample = text.iloc[:50].str.strip()
            order = sorted(formats, key=lambda f: pd.to_datetime(sample, format=f, errors="coerce").isna().sum())
            self.orders[formats] = order
        out = pd.to_datetime(text, format=order[0], errors="coerce")
        missing = out.isna()
        if missing.any():  # padded or re-saved rows: strip them and try every format on what is left
            stripped = text.where(missing).str.strip()
            for fmt in order:
                out = out.where(~missing, pd.to_datetime(stripped, format=fmt, errors="coerce"))
                missing = out.isna()
                if not missing.any():
                    break
        if missing.any():
            row = int(np.flatnonzero(missing.to_numpy())[0])
            raise self.error(f"{what} {clip(text.iloc[row].strip())!r} is not a date/time like {example!r}; delete "
                             "or fix this line, or export the data again", row=row)
        return out.to_numpy().astype("datetime64[ns]")

    def note_digits(self, columns: list[pd.Series], values: list[np.ndarray]) -> None:
        """Price decimals: the most printed anywhere in the file (trailing zeros count, float noise does not).

        Every row is checked numerically (fast); the printed text of the file's first 1000 rows adds
        trailing zeros ('45538.0', '80.910') that the numbers alone cannot show.
        """
        take = self.sample_left
        for col, numbers in zip(columns, values):
            if take > 0:
                text = col.iloc[:take].str.strip()
                text = text[text != ""]
                if self.decimal_comma:
                    text = text.str.replace(",", ".", regex=False)
                pos = text.str.find(".").to_numpy()
                printed = np.where(pos >= 0, text.str.len().to_numpy() - pos - 1, 0)
                printed = printed[printed <= 8]  # 1.1040900000000001 from a Python dump is float noise
                if len(printed):
                    self.best_digits = max(self.best_digits, int(printed.max()))
            self.best_digits = max(self.best_digits, _float_digits(numbers))
        if columns:
            self.sample_left = max(0, take - len(columns[0]))

    def resolve_symbol(self, in_file: str = "") -> tuple[str, str]:
        """(root, as printed): the caller's symbol, else the file's, else the file name's."""
        printed = self.symbol or in_file or symbol_from_name(self.path)
        if not printed:
            raise self.error(
                "does not say which symbol it holds; choose the symbol when adding the file, or rename the file "
                "to start with it (e.g. EURUSD_H1_2024.csv)"
            )
        return normalise(printed)[0], printed

    def finish(self, *, kind: str, time: np.ndarray, spread: np.ndarray, digits: int, utc: bool,
               offset: float | None, symbol_in_file: str = "",
               extra: dict[str, np.ndarray] | None = None) -> MarketData:
        root, printed = self.resolve_symbol(symbol_in_file)
        point = 10.0 ** -digits
        spread = np.round(spread, digits)  # ask - bid carries float noise; prices are exact to `digits`
        # copy=False: the frame holds these arrays as they are, so building it does not double the memory (issue 13).
        frame = pd.DataFrame({"time": time, "spread": spread, "spread_points": np.round(spread / point),
                              **(extra or {})}, copy=False)
        if kind == "ticks":
            negative = frame["spread"].to_numpy() < 0
            if negative.any():
                self.warnings.append(f"{int(negative.sum())} tick(s) with Ask below Bid were ignored")
                frame = frame[~negative]
            if frame.empty:
                raise self.error("has no tick with Ask at or above Bid; check that the Bid and Ask columns are right")
        t = frame["time"].to_numpy()
        if len(t) > 1 and (np.diff(t.view("int64")) < 0).any():
            self.warnings.append("rows were not in time order and have been sorted")
            frame = frame.sort_values("time", kind="stable")
        bar_seconds = None
        if kind == "bars":
            dup = frame["time"].duplicated(keep="last")
            if dup.any():
                self.warnings.append(f"{int(dup.sum())} bar(s) with a repeated time were dropped (the last one kept)")
                frame = frame[~dup]
            bar_seconds = self.bar_seconds(frame["time"].to_numpy())
        frame = frame.reset_index(drop=True)
        third_party = self.format in ("dukascopy", "histdata", "truefx")
        if third_party:
            self.warnings.append(
                f"{FORMATS[self.format]} spreads are the data vendor's, not your broker's: they show the time-of-day "
                "shape, and usually understate a Standard account's spread (DOMAIN.md 3.4)"
            )
        return MarketData(symbol=root, kind=kind, utc=utc, offset_hours=offset, frame=frame,
                          label=LABELS[self.format], digits=digits, point=point, format=self.format,
                          source=self.path, file_symbol=printed, bar_seconds=bar_seconds,
                          third_party=third_party, warnings=self.warnings)

    def bar_seconds(self, times: np.ndarray) -> float:
        """Bar length: the most common step between bars (gaps are weekends and holidays)."""
        steps = np.diff(times.view("int64")) / 1e9
        steps = steps[steps > 0]
        if len(steps):
            values, counts = np.unique(steps, return_counts=True)
            return float(values[np.argmax(counts)])
        for token in re.split(r"[_\s\-.]+", Path(self.path).name.upper()):
            if token in _TIMEFRAMES:
                return float(_TIMEFRAMES[token])
        # One bar and no timeframe in the name: a date-only bar is a day, else assume the shortest (M1).
        day = times.astype("datetime64[D]").astype("datetime64[ns]")
        return 86400.0 if (times == day).all() else 60.0

    # -- formats: each parses one chunk into arrays, then its *_end joins them ----------------------

    def bars(self, table: pd.DataFrame) -> None:
        date = self.column(table, "date")
        clock = self.column(table, "time", "datetime")
        if date is not None and clock is not None:
            stamp = date.str.strip() + " " + clock.str.strip()
            formats = ("%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                       "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
            time = self.times(stamp, formats, "<DATE> <TIME>", "2024.01.02 13:00:00")
        elif date is not None:
            time = self.times(date, ("%Y.%m.%d", "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"),
                              "<DATE>", "2024.01.02")
        else:
            time = self.rate_times(self.need(table, "time", "datetime"))
        named = [(k, self.column(table, k)) for k in ("open", "high", "low", "close")]
        prices = [col for _, col in named if col is not None]
        values = [self.numbers(col, name.upper()) for name, col in named if col is not None]
        points = self.numbers(self.need(table, "spread"), "SPREAD")
        bad = (points < 0) | (points != np.round(points))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise self.error(f"SPREAD {points[row]:g} is not a whole number of points >= 0; delete or fix this line, "
                             "or export the bars again", row=row)
        self.note_digits(prices, values)
        self.add(time=time, points=points)

    def bars_end(self) -> MarketData:
        digits = self.best_digits
        return self.finish(kind="bars", time=self.joined("time"), spread=self.joined("points") * 10.0 ** -digits,
                           digits=digits, utc=False, offset=None)

    def rate_times(self, clock: pd.Series) -> np.ndarray:
        """MetaTrader5 Python ``time``: epoch seconds (server time as if UTC) or an ISO date-time."""
        text = clock.str.strip()
        if self.epoch is None:  # settled by the first chunk
            epoch = bool(text.str.fullmatch(r"\d{9,13}").all())
            unit: Literal["ms", "s"] = "ms" if epoch and self.numbers(text, "time").max() > 1e11 else "s"
            self.epoch = (epoch, unit)
        epoch, unit = self.epoch
        if epoch:
            seconds = self.numbers(text, "time")
            return pd.to_datetime(seconds.astype("int64"), unit=unit).to_numpy().astype("datetime64[ns]")
        formats = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M",
                   "%Y-%m-%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%z")
        stripped = text.str.replace(r"(Z|[+-]00:?00)$", "", regex=True)  # an explicit UTC mark on server time
        return self.times(stripped, formats, "time", "2024-01-02 13:00:00")

    def ticks(self, time: np.ndarray, bid_text: pd.Series, ask_text: pd.Series, *, fill: bool = False,
              **extra: np.ndarray) -> None:
        bid = self.numbers(bid_text, "Bid", allow_empty=fill)
        ask = self.numbers(ask_text, "Ask", allow_empty=fill)
        self.note_digits([bid_text, ask_text], [bid, ask])
        self.add(time=time, bid=bid, ask=ask, **extra)

    def ticks_end(self, *, utc: bool, offset: float | None, symbol_in_file: str = "", fill: bool = False,
                  extra: tuple[str, ...] = (), keep: np.ndarray | None = None) -> MarketData:
        time, bid, ask = self.joined("time"), self.joined("bid"), self.joined("ask")
        more = {k: self.joined(k) for k in extra}
        if keep is not None:
            time, bid, ask = time[keep], bid[keep], ask[keep]
            more = {k: v[keep] for k, v in more.items()}
        if fill:
            # MT5 leaves a field empty when it did not change: carry the last value forward (across chunks).
            quoted = ~(np.isnan(bid) & np.isnan(ask))
            bid = pd.Series(bid).ffill().to_numpy() if np.isnan(bid).any() else bid
            ask = pd.Series(ask).ffill().to_numpy() if np.isnan(ask).any() else ask
            keep = quoted & ~np.isnan(bid) & ~np.isnan(ask)
            if not keep.any():
                raise self.error("has no row with both a Bid and an Ask; export ticks with 'Bid and Ask' selected")
            if not keep.all():
                time, bid, ask = time[keep], bid[keep], ask[keep]
                more = {k: v[keep] for k, v in more.items()}
        return self.finish(kind="ticks", time=time, spread=ask - bid, digits=self.best_digits, utc=utc,
                           offset=offset, symbol_in_file=symbol_in_file, extra={"bid": bid, "ask": ask, **more})

    def mt5_ticks(self, table: pd.DataFrame) -> None:
        date, clock = self.column(table, "date"), self.column(table, "time")
        msc = self.column(table, "timemsc")
        if date is not None and clock is not None:
            stamp = date + " " + clock
            time = self.times(stamp, ("%Y.%m.%d %H:%M:%S.%f", "%Y.%m.%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f"),
                              "<DATE> <TIME>", "2024.01.02 13:00:00.123")
        elif msc is not None:  # MetaTrader5 Python copy_ticks dump: time_msc = server time in epoch ms
            ms = self.numbers(msc, "time_msc")
            time = pd.to_datetime(ms.astype("int64"), unit="ms").to_numpy().astype("datetime64[ns]")
        elif clock is not None:
            time = self.rate_times(clock)
        else:
            raise self.error("tick data without <DATE> and <TIME> columns; export the ticks again from MetaTrader 5 "
                             "(View > Symbols > Ticks > Export)", line=self.header_line)
        self.ticks(time, self.need(table, "bid"), self.need(table, "ask"), fill=True)

    def mt5_ticks_end(self) -> MarketData:
        return self.ticks_end(utc=False, offset=None, fill=True)

    def dukascopy(self, table: pd.DataFrame) -> None:
        key = next(k for k in table.columns if k in _TIME_KEYS)
        text = self.need(table, key).str.strip()
        if self.gmt is None:  # settled by the file's first rows
            self.gmt = bool(text.iloc[:20].str.contains(r"(?:GMT|UTC)\s*[+-]\d", regex=True).any())
            if not self.gmt and key == "localtime":
                raise self.error("'Local time' without a GMT offset on each row: the time zone is unknown; export "
                                 "with 'GMT time' (or with the offset shown)", line=1)
        hours = None
        if self.gmt:
            # 'Local time' exports append the offset to every row; it changes with daylight saving.
            parts = text.str.extract("^(.*?)" + _GMT_SUFFIX)
            missing = parts[0].isna().to_numpy()
            if missing.any():
                row = int(np.flatnonzero(missing)[0])
                raise self.error(f"time {clip(text.iloc[row])!r} has no GMT offset like the other rows "
                                 "(e.g. '04.09.2023 01:00:05.962 GMT+0300'); export with GMT time", row=row)
            sign = np.where(parts[1].to_numpy() == "-", -1.0, 1.0)
            hours = sign * (parts[2].astype("float64").to_numpy()
                            + pd.to_numeric(parts[3], errors="coerce").fillna(0).to_numpy() / 60.0)
            text = parts[0]
        formats = ("%d.%m.%Y %H:%M:%S.%f", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S",
                   "%Y.%m.%d %H:%M:%S.%f", "%Y.%m.%d %H:%M:%S")
        time = self.times(text, formats, "time", "01.05.2012 00:00:01.680")
        if hours is not None:
            time = time - (hours * 3.6e12).astype("int64").astype("timedelta64[ns]")
            self.add(hours=hours)
        self.ticks(time, self.need(table, "bid"), self.need(table, "ask"))

    def dukascopy_end(self) -> MarketData:
        offset = 0.0
        if self.gmt:
            hours = self.joined("hours")
            offset = float(hours[0]) if np.all(hours == hours[0]) else float(np.median(hours))
        return self.ticks_end(utc=True, offset=offset)

    def histdata(self, table: pd.DataFrame) -> None:
        if table.shape[1] < 3:
            raise self.error("HistData rows need 'YYYYMMDD HHMMSSmmm,Bid,Ask,Volume'; export Tick data again")
        time = self.times(table[0], ("%Y%m%d %H%M%S%f",), "time", "20120201 000003660")
        # HistData prints EST all year round (UTC-5, no daylight saving).
        time = time + np.timedelta64(5, "h")
        extra: _HistDataExtra = {}
        if table.shape[1] > 3:
            extra["volume"] = self.numbers(table[3], "Volume", allow_empty=True)
        self.ticks(time, table[1], table[2], **extra)

    def histdata_end(self) -> MarketData:
        return self.ticks_end(utc=True, offset=-5.0, extra=("volume",) if "volume" in self.parts else ())

    def truefx(self, table: pd.DataFrame) -> None:
        if table.shape[1] < 4:
            raise self.error("TrueFX rows need 'EUR/USD,YYYYMMDD HH:MM:SS.mmm,Bid,Ask'; download the file again")
        names = table[0].str.strip().str.replace("/", "", regex=False)
        distinct = names.unique()
        self.symbols_seen.update(dict.fromkeys(map(str, distinct)))
        several = len(self.symbols_seen) > 1
        if several and not self.symbol:
            raise self.error(f"holds several symbols ({', '.join(list(self.symbols_seen)[:5])}); choose one when "
                             "adding the file, or split it per symbol")
        if self.symbol:
            wanted = normalise(self.symbol)[0]
            roots = {name: normalise(name)[0] == wanted for name in distinct}
            match = names.map(roots).to_numpy(dtype=bool)
            if several and not match.all():  # rows of other symbols are not read at all
                self.row_index = np.flatnonzero(match)
                table, match = table[match].reset_index(drop=True), match[match]
                if not len(table):
                    return
            self.add(match=match)  # a first chunk of one symbol is kept whole until a second symbol shows up
        time = self.times(table[1], ("%Y%m%d %H:%M:%S.%f", "%Y%m%d %H:%M:%S"), "time", "20190102 00:00:00.123")
        self.ticks(time, table[2], table[3])

    def truefx_end(self) -> MarketData:
        seen = list(self.symbols_seen)
        keep = None
        if len(seen) > 1:  # only with a symbol chosen (else refused above)
            keep = self.joined("match") if "match" in self.parts else np.zeros(0, dtype=bool)
            if not keep.any():
                raise self.error(f"has no rows for {self.symbol}; it holds {', '.join(seen[:5])}")
            keep = None if keep.all() else keep
        return self.ticks_end(utc=True, offset=0.0, symbol_in_file=seen[0], keep=keep)


def _encoding(head: bytes) -> tuple[str, int, int]:
    """(codec, BOM bytes to skip, bytes per code unit) of a file starting with ``head``, by ``text.decode``'s rules.

    Told from the first bytes only, as the file is read a piece at a time: a file whose first bytes are UTF-8 is
    read as UTF-8 (market data is ASCII but for a symbol or a vendor's note)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8", 3, 1
    wide = wide_codec(head)
    if wide is not None and wide[0] != "utf-16-le":  # UTF-32 and big-endian UTF-16 (issue 13)
        return wide[0], wide[1], 4 if "32" in wide[0] else 2
    utf16 = utf16_codec(head)
    if utf16 is not None:
        return utf16[0], utf16[1], 2
    for name in ("utf-8", *DEFAULT_CODEPAGES):
        try:
            codecs.getincrementaldecoder(name)("strict").decode(head, final=False)
        except (UnicodeDecodeError, LookupError):
            continue
        return name, 0, 1
    return "cp1252", 0, 1


def _float_digits(values: np.ndarray, most: int = 8) -> int:
    """Fewest decimals that represent every value (for numbers printed with float noise)."""
    values = values[np.isfinite(values)]
    for d in range(most + 1):
        scaled = values * 10.0**d
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6):
            return d
    return most
