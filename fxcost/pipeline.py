"""One run of fxcost's work, from file paths to a read-only result, with progress and cancel.

The GUI runs this on a worker thread and the CLI calls it directly; it knows nothing of Qt.
"""
# Issue 10: both doors (the app's Open and ``report``) import through import_files, so the per-file choices
# (currency, CSV mapping, date order) and an account's identity are decided here once.

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from fxcost import allocator, folders
from fxcost.errors import ImportCancelled, ImportFailed
from fxcost.importers.reconcile import reconcile
from fxcost.parallel_import import Loaded, load_all
from fxcost.portfolio import Portfolio, merge

log = logging.getLogger(__name__)

#: progress(fraction 0..1, message)
Progress = Callable[[float, str], None]


def import_files(
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    csv_mapping: Mapping[str, str] | None = None,
    currency: str | Mapping[str, str] | None = None,
    csv_date_order: str | Mapping[str, str] | None = None,
    cache=None,
) -> Portfolio:
    """Import every file, merge them into accounts, reconcile each file.

    A folder among ``paths`` stands for every statement in it and its subfolders (fxcost.folders, issue 14); its
    other files are reported in ``Portfolio.failures`` with the reason. ``cache`` (statement_cache.StatementCache)
    gives the files parsed before and unchanged since; only the others are parsed (and then kept in it).

    A file that fails is recorded in ``Portfolio.failures`` with its message; the others
    still import. ``currency`` is the account currency of files that print none (CSV trade lists):
    one code for all, or a code per path. ``csv_date_order`` ("dmy"/"mdy", for all or per path) forces how a
    CSV's dates like 01/03/2024 read. Raises ImportCancelled when ``is_cancelled()`` turns true between files.
    """
    paths, not_statements = folders.expand([str(p) for p in paths])

    def options(path: str) -> dict:
        return {"csv_mapping": csv_mapping, "csv_currency": _for_path(currency, path),
                "csv_date_order": _for_path(csv_date_order, path)}

    statements, failed, reconciliations = _load(paths, options, cache, progress, is_cancelled)
    failures: list[tuple[str, Failure]] = [(path, Failure(ImportFailed(path, reason))) for path, reason in not_statements]
    failures += [(path, Failure(exc)) for path, exc in failed]
    if is_cancelled and is_cancelled():
        raise ImportCancelled("Import cancelled.")
    if progress:
        progress(0.95, "Merging accounts")
    portfolio = merge(statements, reconciliations)
    portfolio.failures = failures
    distinct_accounts(portfolio)
    if currency:
        portfolio.warnings += apply_currency(portfolio, currency)
    if progress:
        progress(1.0, "Done")
    return portfolio


def _load(paths: list[str], options, cache, progress: Progress | None, is_cancelled) -> Loaded:
    """load_all of the files ``cache`` does not hold; the statements (with their reconciliations) in the order of
    ``paths`` either way."""
    if cache is None:
        return load_all(paths, options, progress=progress, is_cancelled=is_cancelled)
    if progress:
        progress(0.0, f"Checking {len(paths)} file(s) against the files read before")
    kept = {p: cache.get(p, options(p)) for p in paths}
    todo = [p for p in paths if kept[p] is None]
    # Each file parsed is kept by whoever read it (an import worker, as it goes: issue 14).
    loaded = load_all(todo, options, progress=progress, is_cancelled=is_cancelled, keep=cache.entry_of)
    parsed: dict[str, list] = {}
    checked = {id(st): rec for st, rec in zip(loaded.statements, loaded.reconciliations)}
    for st in loaded.statements:
        parsed.setdefault(st.path, []).append(st)
    if not set(parsed) <= set(todo):  # a reader that names its file otherwise (then not kept): nothing lost
        statements = [st for p in paths for st in (kept[p] or [])] + loaded.statements
    else:
        log.info("statement cache: %d file(s) read before, %d parsed", len(paths) - len(todo), len(todo))
        statements = [st for p in paths for st in (kept[p] or parsed.get(p, []))]
    # A statement read before is reconciled here (the cache keeps the statement, not its check).
    return Loaded(statements, loaded.failures, [checked.get(id(st)) or reconcile(st) for st in statements])


class Failure(str):
    """A file's import failure in ``Portfolio.failures``: its message (a str, as before), with the typed
    error kept as ``error`` (e.g. errors.CsvColumnsUnknown), so a caller decides by type, not by the text."""

    error: ImportFailed

    def __new__(cls, error: ImportFailed) -> Failure:
        text = super().__new__(cls, error.message)
        text.error = error
        return text

    def __reduce__(self):
        return Failure, (self.error,)


def distinct_accounts(portfolio: Portfolio) -> None:
    """Name accounts that share a login (the same login at two brokers) by their full label in every frame.

    An account is login + broker/server (portfolio.account_key keeps them apart as books), but the frames'
    ``account`` column holds the login alone, so ``by_account``, the IB tables and payouts would merge the two
    (issue 10). The label ("12345 (Broker A)") is used only where a login is ambiguous.
    """
    logins: dict[str, int] = {}
    for book in portfolio.accounts:
        if book.account.login:
            logins[book.account.login] = logins.get(book.account.login, 0) + 1
    for book in portfolio.accounts:
        if logins.get(book.account.login, 0) < 2 or book.label == book.account.login:
            continue
        for name in ("trades", "open_positions", "orders", "cash"):
            frame = getattr(book, name)
            if "account" in frame.columns and len(frame):
                setattr(book, name, frame.assign(account=book.label))


def apply_currency(portfolio: Portfolio, currency: str | Mapping[str, str]) -> list[str]:
    """The user's currency for accounts none of whose files prints one; warnings for files that print another.

    ``currency``: one code for every file, or a code per path. CSV readers already took the code; a report that
    prints no currency (an MT4 tester report, some MT5 XLSX) would otherwise be costed in USD whatever the user
    said. A printed currency is the file's own word and is kept.
    """
    warnings = []
    for book in portfolio.accounts:
        statements = [f.statement for f in portfolio.files if f.account_key == book.key]
        codes = [c for c in (_for_path(currency, st.path) for st in statements) if c]
        if not codes:
            continue
        code = codes[0]
        printed = [st for st in statements if st.account.currency]
        for st in printed:
            if st.account.currency.upper() != code and st.format != "csv":
                warnings.append(f"{os.path.basename(st.path)} prints its own account currency "
                                f"{st.account.currency}, which is kept: --currency {code} applies only to files "
                                "that print none.")
        if not printed:
            for st in statements:
                st.account.currency = code
            book.account.currency = code
    return warnings


def _for_path(value: str | Mapping[str, str] | None, path: str) -> str | None:
    """A CSV choice given for every file, or per path."""
    return value.get(path) if isinstance(value, Mapping) else value


def run(
    paths: Iterable[str | Path],
    settings=None,
    *,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    csv_mapping: Mapping[str, str] | None = None,
    currency: str | Mapping[str, str] | None = None,
    csv_date_order: str | Mapping[str, str] | None = None,
    cache=None,
    prepare: Callable[[Portfolio], None] | None = None,
):
    """Import ``paths`` and analyse them: the whole job behind the GUI's Open and the CLI's report.

    ``cache``: a statement_cache.StatementCache (files parsed before are not parsed again); ``prepare``: applied to
    the merged portfolio before the analysis (a book's roster: session.Session.apply_roster)."""
    from fxcost.parallel_analysis import analyse_book

    def scaled(frac: float, msg: str) -> None:
        if progress:
            progress(frac * 0.8, msg)

    # Issue 14: the book's accounts are costed after the import, in batches (analysis.batch). Costing each file's
    # accounts while the workers read the others cost more of this process's CPU (100 clients: 2.3 s against 1.4 s,
    # its per-file merge and the comparison of each job) on the same wall time, and was removed.
    portfolio = import_files(paths, progress=scaled, is_cancelled=is_cancelled, csv_mapping=csv_mapping,
                             currency=currency, csv_date_order=csv_date_order, cache=cache)
    if is_cancelled and is_cancelled():
        raise ImportCancelled("Import cancelled.")
    if prepare is not None:
        prepare(portfolio)
    if progress:
        progress(0.85, "Computing costs and rebates")
    # The heap's free memory is given back between the stages (allocator.reuse_freed_memory keeps it during
    # work): what one stage freed is not held on top of the next stage's own peak (issue 14: 1 GB at 500 clients).
    allocator.release_freed()
    result = analyse_book(portfolio, settings)
    allocator.release_freed()
    if progress:
        progress(1.0, "Done")
    return result
