"""Generated client statements for tests of a book (issue 14): MT4 HTML, MT5 HTML and MT5 XLSX in turn."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fxcost.samples.generate import generate

FORMATS = (("mt4", ".htm"), ("mt5-html", ".html"), ("mt5-xlsx", ".xlsx"))


def book_files(folder: Path, clients: range, trades: Callable[[int], int], seed: int, *, months: int | None = None,
               name: str = "client{i}") -> list[str]:
    """Client ``i``'s statement for each ``i`` of ``clients`` in ``folder`` (made if missing): ``trades(i)`` trades,
    seed ``seed + i``, file ``name.format(i=i)`` with its format's extension; their paths, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in clients:
        fmt, ext = FORMATS[i % len(FORMATS)]
        path = folder / f"{name.format(i=i)}{ext}"
        generate(str(path), fmt, trades(i), seed + i, months=months)
        paths.append(str(path))
    return paths
