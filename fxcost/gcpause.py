"""Python's cyclic garbage collector paused around work that makes many short-lived objects (imports, costing)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collection inside (as a ``with`` block or a decorator); the collector's state before is restored
    after, so nested pauses and a caller's own choice (the app collects in its GUI thread) are kept.

    Reading a report or costing a book makes millions of small objects (cells, rows, pandas' frames and blocks) and
    few reference cycles; every collection of the oldest generation walks all of them again. Reference counting still
    frees them as they go. Measured: a 100k-position MT5 report spent seconds in collections, and costing and
    summarising a 500-client book 1.7-1.9 s (1,100 collections) of about 10 s.

    Not around work that keeps objects in cycles for long (openpyxl's workbooks: cell and sheet point at each other),
    which only a collection frees. The collector's switch is the process's: a program that turns it off for good must
    do so before its worker threads start (the app does, and collects in its GUI thread)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
