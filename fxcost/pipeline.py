"""One run of fxcost's work, from file paths to a read-only result, with progress and cancel.

The GUI runs this on a worker thread and the CLI calls it directly; it knows nothing of Qt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from fxcost.errors import ImportCancelled, ImportFailed
from fxcost.importers import load_file, split_accounts
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
) -> Portfolio:
    """Import every file, merge them into accounts, reconcile each file.

    A file that fails is recorded in ``Portfolio.failures`` with its message; the others
    still import. ``currency`` is the account currency of files that print none (CSV trade lists):
    one code for all, or a code per path. ``csv_date_order`` ("dmy"/"mdy", for all or per path) forces how a
    CSV's dates like 01/03/2024 read. Raises ImportCancelled when ``is_cancelled()`` turns true between files.
    """
    paths = [str(p) for p in paths]
    statements = []
    failures: list[tuple[str, str]] = []
    for i, path in enumerate(paths):
        if is_cancelled and is_cancelled():
            raise ImportCancelled("Import cancelled.")
        if progress:
            progress(i / max(1, len(paths)), f"Reading {Path(path).name}")
        try:
            statements.extend(split_accounts(load_file(path, csv_mapping=csv_mapping,
                                                       csv_currency=_for_path(currency, path),
                                                       csv_date_order=_for_path(csv_date_order, path),
                                                       is_cancelled=is_cancelled)))
        except ImportFailed as exc:
            log.warning("import failed: %s", exc)
            failures.append((path, exc.message))
    if is_cancelled and is_cancelled():
        raise ImportCancelled("Import cancelled.")
    if progress:
        progress(0.95, "Merging accounts")
    portfolio = merge(statements)
    portfolio.failures = failures
    if progress:
        progress(1.0, "Done")
    return portfolio


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
):
    """Import ``paths`` and analyse them: the whole job behind the GUI's Open and the CLI's report."""
    from fxcost.analysis.engine import analyse

    def scaled(frac: float, msg: str) -> None:
        if progress:
            progress(frac * 0.8, msg)

    portfolio = import_files(paths, progress=scaled, is_cancelled=is_cancelled, csv_mapping=csv_mapping,
                             currency=currency, csv_date_order=csv_date_order)
    if is_cancelled and is_cancelled():
        raise ImportCancelled("Import cancelled.")
    if progress:
        progress(0.85, "Computing costs and rebates")
    result = analyse(portfolio, settings)
    if progress:
        progress(1.0, "Done")
    return result
