"""What every report writer shares: MetaTrader's number, volume and time formats and the streaming sink.

Writers stream: rows are formatted in batches and written as they go, so a 100k-trade report never exists as one
string.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def timestamp(t: int) -> str:
    return time.strftime("%Y.%m.%d %H:%M:%S", time.gmtime(t))


def money_text(c: int) -> str:
    """Cents -> '1 234.56' (space thousands separator, as MetaTrader prints)."""
    units = f"{abs(c) // 100:,}".replace(",", " ")
    return f"{'-' if c < 0 else ''}{units}.{abs(c) % 100:02d}"


def lots2(lots: int) -> str:
    return f"{lots // 100}.{lots % 100:02d}"


def volume_text(lots: int) -> str:
    """MT5 volume without padding: 4, 0.1, 0.01, 1.5."""
    if lots % 100 == 0:
        return str(lots // 100)
    if lots % 10 == 0:
        return f"{lots // 100}.{lots % 100 // 10}"
    return f"{lots // 100}.{lots % 100:02d}"


def price_text(p: float, digits: int) -> str:
    return f"{p:.{digits}f}"


def pct_text(x: float) -> str:
    return f"{x:.2f}%"


def number_text(x: float) -> str:
    """Decimal with space thousands separators: -1 324.00."""
    return f"{x:,.2f}".replace(",", " ")


#: How the desktop terminal writes an MT5 HTML report: UTF-16LE text, CRLF line ends, a byte-order mark.
MT5_HTML_TEXT = {"encoding": "utf-16-le", "newline": "\r\n", "bom": b"\xff\xfe"}

#: Rows are written to the file in batches of this many.
BATCH = 4096


class Sink:
    """Collects formatted rows and writes them encoded, in batches, to an open binary file."""

    def __init__(self, f: Any, encoding: str, newline: str = "\n"):
        self.f = f
        self.encoding = encoding
        self.newline = newline
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        if len(self.parts) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            text = "".join(self.parts)
            if self.newline != "\n":
                text = text.replace("\n", self.newline)
            self.f.write(text.encode(self.encoding))
            self.parts.clear()


@contextmanager
def report_file(path: str | Path, encoding: str, newline: str = "\n", bom: bytes = b"") -> Iterator[Sink]:
    """The one way a writer writes its report: ``bom``, then the text it adds to the yielded :class:`Sink`,
    encoded as ``encoding`` with ``newline`` line ends, in batches, flushed when the writer is done."""
    with open(path, "wb") as f:
        f.write(bom)
        out = Sink(f, encoding, newline)
        yield out
        out.flush()
