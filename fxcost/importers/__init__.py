"""Importers: files -> canonical model (no Qt). ``load_file`` is the one entry point per file.

Reader contract (each module below):
- ``mt4_html.read(text, path) -> Statement``        MT4 Statement / DetailedStatement
- ``tester.read_mt4(text, path) -> Statement``      MT4 Strategy Tester report
- ``mt5_html.read(text, path) -> Statement``        MT5 history / tester report (HTML)
- ``mt5_xlsx.read(data, path) -> Statement``        MT5 history / tester report (XLSX)
- ``csv_table.read(text, path, mapping) -> Statement``
A reader raises :class:`fxcost.errors.ImportFailed` (or ``UnsupportedReport``) with a
user-readable message for anything it cannot read; any other exception is a bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fxcost.errors import FxCostError, ImportFailed
from fxcost.importers.detect import identify
from fxcost.model import Statement

#: Largest file fxcost will try to read (a 100k-trade MT5 HTML report is ~60 MB).
MAX_FILE_BYTES = 1_000_000_000


def load_file(path: str | Path, *, csv_mapping: Mapping[str, str] | None = None) -> Statement:
    """Import one file, whatever its kind, into a :class:`Statement`.

    Raises:
        ImportFailed: with a specific message when the file cannot be imported.
    """
    path = str(path)
    try:
        p = Path(path)
        if not p.exists():
            raise ImportFailed(path, "The file does not exist (was it moved or renamed?).")
        if p.is_dir():
            raise ImportFailed(path, "This is a folder. Choose the report file inside it.")
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFailed(path, f"The file is {size / 1e9:.1f} GB, larger than any trade history fxcost reads.")
        box = [p.read_bytes()]
    except OSError as exc:
        raise ImportFailed(path, f"The file cannot be read: {exc.strerror or exc}.") from exc
    return _load(box, path, csv_mapping)


def load_bytes(data: bytes, path: str = "", *, csv_mapping: Mapping[str, str] | None = None) -> Statement:
    """Import a file's content (``path`` is only used in messages and the ``source`` column)."""
    return _load([data], path, csv_mapping)


def _load(box: list[bytes], path: str, csv_mapping: Mapping[str, str] | None) -> Statement:
    """Import the bytes in ``box`` (taken out of it).

    The bytes and the decoded text are passed on in a one-item list and popped by the callee, so
    that no frame up the stack keeps them: the HTML readers then hold the only reference to the
    document and free it once its rows are tokenised (a 100k-trade report would otherwise sit in
    memory twice, as bytes and as text, for the whole import).
    """
    data = box.pop()
    kind, text = identify(data, path)
    if kind != "xlsx":
        del data  # the text is all a text reader needs
    doc = [text or ""]
    del text
    try:
        if kind == "mt4_html":
            from fxcost.importers import mt4_html

            return mt4_html.read(doc.pop(), path)
        if kind == "mt4_tester":
            from fxcost.importers import tester

            return tester.read_mt4(doc.pop(), path)
        if kind == "mt5_html":
            from fxcost.importers import mt5_html

            return mt5_html.read(doc.pop(), path)
        if kind == "xlsx":
            from fxcost.importers import mt5_xlsx

            return mt5_xlsx.read(data, path)
        if kind == "csv":
            from fxcost.importers import csv_table

            return csv_table.read(doc.pop(), path, csv_mapping)
    except FxCostError:
        raise
    except RecursionError as exc:
        raise ImportFailed(path, "The file is nested too deeply to be a MetaTrader report.") from exc
    raise ImportFailed(path, f"No reader for files of kind {kind!r}.")
