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

import io
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

import numpy as np

from fxcost import safeio
from fxcost.errors import FxCostError, ImportFailed, clip
from fxcost.importers import cancel
from fxcost.importers import text as tx
from fxcost.importers.detect import identify
from fxcost.importers.frames import RowChecks
from fxcost.model import SkippedRow, Statement

#: Largest file fxcost will try to read: an MT5 HTML report in UTF-16, the bulkiest format, read as a stream
#: (~370 MB for 100k positions).
MAX_FILE_BYTES = 1_000_000_000
#: Largest file read whole (every kind but the streamed UTF-16 MT5 report): a 100k-trade MT4 statement is ~50 MB,
#: a 100k-trade CSV ~15 MB and a 100k-deal MT5 workbook ~10 MB; a text file is held about 8 times over while it
#: is parsed, so this cap keeps any import under ~2 GB (issue 13: a 950 MB CSV once took 8.3 GB).
MAX_WHOLE_BYTES = 200_000_000


def load_file(path: str | Path, *, csv_mapping: Mapping[str, str] | None = None,
              csv_currency: str | None = None, csv_date_order: str | None = None,
              is_cancelled: Callable[[], bool] | None = None) -> Statement:
    """Import one file, whatever its kind, into a :class:`Statement`.

    ``csv_mapping``, ``csv_currency`` and ``csv_date_order`` are for CSV trade lists: the columns fxcost cannot
    name itself, the account currency (a CSV never prints it) and how dates like 01/03/2024 are written ("dmy" or
    "mdy"; by default fxcost decides from the dates and says so when they are ambiguous). ``is_cancelled`` is polled
    between pieces of the long parses (a streamed MT5 report, an XLSX sheet).

    Raises:
        ImportFailed: with a specific message when the file cannot be imported.
        ImportCancelled: ``is_cancelled()`` turned true.
    """
    with cancel.polling(is_cancelled):
        return _load_file(str(path), (csv_mapping, csv_currency, csv_date_order))


def _load_file(path: str, csv: tuple) -> Statement:
    try:
        p = Path(path)
        if not p.exists():
            raise ImportFailed(path, "The file does not exist (was it moved or renamed?).")
        try:
            size = safeio.regular(p).st_size  # never open a pipe, socket or device (issue 13)
        except safeio.FileRefused as exc:
            raise ImportFailed(path, str(exc)) from exc
        if size > MAX_FILE_BYTES:
            raise ImportFailed(path, str(safeio.too_large(size, MAX_FILE_BYTES, "trade history")))
        with p.open("rb") as stream:
            st = _load_streamed(stream, size, path)
            if st is not None:
                return st
            if size > MAX_WHOLE_BYTES:
                raise ImportFailed(path, str(safeio.too_large(size, MAX_WHOLE_BYTES, "trade history of this kind"))
                                   + " Only an MT5 HTML report in MetaTrader's own UTF-16 encoding may be larger.")
            stream.seek(0)
            data = stream.read(MAX_WHOLE_BYTES + 1)  # the size reported may lie (a file growing while read)
        if len(data) > MAX_WHOLE_BYTES:
            raise ImportFailed(path, str(safeio.too_large(len(data), MAX_WHOLE_BYTES, "trade history of this kind")))
        box = [data]
        del data
    except OSError as exc:
        raise ImportFailed(path, f"The file cannot be read: {exc.strerror or exc}.") from exc
    return _load(box, path, csv)


def load_bytes(data: bytes, path: str = "", *, csv_mapping: Mapping[str, str] | None = None,
               csv_currency: str | None = None, csv_date_order: str | None = None) -> Statement:
    """Import a file's content (``path`` is only used in messages and the ``source`` column)."""
    st = _load_streamed(io.BytesIO(data), len(data), path)
    return st if st is not None else _load([data], path, (csv_mapping, csv_currency, csv_date_order))


#: Bytes looked at to tell whether a file is read as a stream: enough for :func:`identify`'s probe of the
#: first 200,000 characters of any UTF-16 text.
_HEAD_BYTES = 1 << 20


def _load_streamed(stream: BinaryIO, size: int, path: str) -> Statement | None:
    """Import an MT5 HTML report in UTF-16 (MetaTrader's own encoding) decoded piece by piece; None for any other file.

    Such reports are the largest files traders have (~370 MB for 100k positions): the file is never held whole,
    neither as bytes nor as text. Every other kind is read whole by :func:`_load`.
    """
    head = stream.read(_HEAD_BYTES)
    codec = tx.utf16_codec(head)
    if codec is None:
        return None
    try:
        kind, _ = identify(head, path)
    except FxCostError:
        return None  # the whole file decides (a head alone may look empty or cut)
    if kind != "mt5_html":
        return None
    del head
    from fxcost.importers import mt5_html

    return _drop_implausible(_guard(lambda: mt5_html.read_chunks(tx.decode_pieces(stream, size, codec), path), path))


def _load(box: list[bytes], path: str, csv: tuple) -> Statement:
    """Import the bytes in ``box`` (taken out of it); ``csv`` is load_file's (mapping, currency, date order).

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
    return _drop_implausible(_guard(lambda: _reader(kind, doc, data if kind == "xlsx" else b"", path, *csv), path))


#: Characters of a skipped row's reason and text kept: a row may hold a cell of megabytes (issue 13), which every
#: report would otherwise quote in full.
SKIPPED_CHARS = 300


def _guard(read: Callable[[], Statement], path: str) -> Statement:
    """Run a reader; the project's own errors pass, a too-deep structure becomes an ImportFailed.

    What the Statement quotes from the file (skipped rows, warnings) is cut to a bounded length here, for
    every reader alike."""
    try:
        st = read()
        if any(len(s.reason) > SKIPPED_CHARS or len(s.text) > SKIPPED_CHARS for s in st.skipped):
            st.skipped = [replace(s, reason=clip(s.reason, SKIPPED_CHARS), text=clip(s.text, SKIPPED_CHARS))
                          for s in st.skipped]
        st.warnings = [clip(w, 4 * SKIPPED_CHARS) for w in st.warnings]
        return st
    except FxCostError:
        raise
    except RecursionError as exc:
        raise ImportFailed(path, "The file is nested too deeply to be a MetaTrader report.") from exc


def _reader(kind: str, doc: list[str], data: bytes, path: str, csv_mapping: Mapping[str, str] | None,
            csv_currency: str | None, csv_date_order: str | None) -> Statement:
    """The reader for ``kind`` on the text in ``doc`` (popped) or, for XLSX, the bytes."""
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

        return csv_table.read(doc.pop(), path, csv_mapping, csv_currency, csv_date_order)
    raise ImportFailed(path, f"No reader for files of kind {kind!r}.")


def split_accounts(st: Statement) -> list[Statement]:
    """A CSV journal of several accounts (its ``account`` column holds several logins) as one Statement per
    account; any other Statement as it is."""
    if st.format != "csv":  # asked first: the logins of every row of every frame cost ~2 ms a file (issue 14)
        return [st]
    logins = sorted({x for f in (st.trades, st.open_positions, st.cash, st.orders) if "account" in f.columns
                     for x in f["account"].astype(str) if x})
    if len(logins) < 2:
        return [st]

    def part(frame, login):
        return frame.loc[frame["account"].astype(str) == login].reset_index(drop=True) if len(frame) else frame

    return [Statement(path=st.path, format=st.format, account=replace(st.account, login=login),
                      trades=part(st.trades, login), open_positions=part(st.open_positions, login),
                      orders=part(st.orders, login), cash=part(st.cash, login), printed=st.printed,
                      warnings=list(st.warnings), skipped=st.skipped if i == 0 else [], is_backtest=st.is_backtest)
            for i, login in enumerate(logins)]


#: Beyond these a value is a corrupted or mistyped cell, not a trade: the largest real positions and account
#: balances are orders of magnitude smaller, and such values would overflow every sum they enter.
MAX_LOTS = 1e5
MAX_MONEY = 1e12
#: Beyond this a price is a corrupted cell (issue 13: a price of 1e300 gave 300-digit costs); prices may be
#: negative (oil futures in April 2020).
MAX_PRICE = 1e12
_MONEY = ("profit", "commission", "taxes", "swap")
_PRICES = ("open_price", "close_price")


def _drop_implausible(st: Statement) -> Statement:
    """Move closed trades with absurd values to the skipped rows, each with its reason (DOMAIN.md: a trade
    has a positive size, closes after it opens, and has finite money and prices).

    Every reader's Statement passes here, so the bounds hold for every format alike (issue 13)."""
    t = st.trades
    if not len(t):
        return st
    money = t[list(_MONEY)].to_numpy(dtype="float64")
    lots = t["lots"].to_numpy(dtype="float64")
    prices = t[[c for c in _PRICES if c in t.columns]].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        checks = [
            ((~np.isfinite(money).all(axis=1)) | (np.abs(money) > MAX_MONEY).any(axis=1) | ~np.isfinite(lots)
             | (np.abs(lots) > MAX_LOTS),
             f"implausible value (a corrupted or mistyped cell): over {MAX_LOTS:g} lots or {MAX_MONEY:g} in money, "
             "or not a number"),
            (lots <= 0, "a size of 0 lots or below: not a trade"),
            (np.isinf(prices).any(axis=1) | (np.abs(prices) > MAX_PRICE).any(axis=1),
             f"implausible price (a corrupted or mistyped cell): over {MAX_PRICE:g}"),
            ((t["close_time"] < t["open_time"]).to_numpy(), "closed before it was opened (a corrupted date)"),
        ]
    failed = RowChecks(len(t), checks)
    for i, reason in failed.first_reasons():
        row = t.iloc[i]
        values = ", ".join(f"{k} {row[k]:g}" for k in ("lots", *_MONEY, *(c for c in _PRICES if c in t.columns)))
        times = f", open {row['open_time']}, close {row['close_time']}"
        st.skipped.append(SkippedRow("Closed trades", 0, reason, f"ticket {row['ticket']}: {values}{times}"))
    bad = failed.bad
    if not bad.any():
        return st
    st.trades = t[~bad].reset_index(drop=True)
    st.warnings.append(f"{int(bad.sum())} closed trade(s) with implausible sizes, amounts, prices or dates were left "
                       "out (listed with the skipped rows); the report's totals will not reconcile with them.")
    return st
