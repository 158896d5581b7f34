"""Import many independent statements at once in worker processes, one file per task (issue 14: an IB's book).

Files are independent until they are merged (portfolio.merge), so each is read in a worker process and its
Statements come back pickled; the caller merges them once. One file, a small total, or no way to start
processes (a frozen app whose entry point has not called :func:`enable_frozen_workers`, a sandbox without
semaphores) falls back to reading in this process, with the same results and the same messages.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, NamedTuple

from fxcost.errors import ImportCancelled, ImportFailed
from fxcost.importers.reconcile import Reconciliation, reconcile
from fxcost.model import Statement
from fxcost.statement_cache import Entry, write_entry

log = logging.getLogger(__name__)

#: Below this many bytes in all, the files are read in-process: starting workers (a Python with pandas each,
#: about a second) costs more than it saves.
MIN_PARALLEL_BYTES = 16 << 20

#: The last :func:`load_all` with workers: how many, their CPU seconds and largest peak memory (benchmarks/bench_book.py).
last_run: dict[str, float] = {}

#: Set by a frozen app's entry point once ``multiprocessing.freeze_support()`` has run (see enable_frozen_workers).
_frozen_workers = False


def enable_frozen_workers() -> None:
    """Allow worker processes in a frozen (PyInstaller) app. Its entry point must call this right after
    ``multiprocessing.freeze_support()``: without that call a worker would start the app again instead of
    importing files, so a frozen app that never calls this imports in-process."""
    global _frozen_workers
    _frozen_workers = True


def worker_count(paths: Sequence[str], workers: int | None = None) -> int:
    """How many worker processes to use for ``paths``: 0 means in-process.

    ``workers`` forces a count (tests, benchmarks); by default one per core for two or more files that are
    worth it (:data:`MIN_PARALLEL_BYTES`).
    """
    if len(paths) < 2 or not workers_allowed():
        return 0
    if workers is not None:
        return max(0, min(workers, len(paths)))
    if cores() < 2 or _total_bytes(paths) < MIN_PARALLEL_BYTES:
        return 0
    return min(cores(), len(paths))


def workers_allowed() -> bool:
    """Whether worker processes may start here: always, except in a frozen app whose entry point did not call
    :func:`enable_frozen_workers`."""
    return not getattr(sys, "frozen", False) or _frozen_workers


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _total_bytes(paths: Sequence[str]) -> int:
    total = 0
    for p in paths:
        try:
            total += os.path.getsize(p)
        except OSError:
            pass  # the reader says what is wrong with it
    return total


class Loaded(NamedTuple):
    """What :func:`load_all` read: the Statements in the order of the paths, each one's Reconciliation (computed
    where it was read, so a book's hundreds of files are reconciled on every core, issue 14; portfolio.merge takes
    them) and the files that failed, as (path, error)."""

    statements: list[Statement]
    failures: list[tuple[str, ImportFailed]]
    reconciliations: list[Reconciliation]


def load_one(path: str, options: Mapping[str, Any],
             is_cancelled: Callable[[], bool] | None = None) -> tuple[list[Statement], ImportFailed | None]:
    """One file's Statements (a CSV journal of several logins gives one each), or its ImportFailed (typed, so a
    caller decides by its class, e.g. errors.CsvColumnsUnknown; it pickles back from a worker).

    Runs in a worker process: everything it takes and returns is picklable.
    """
    from fxcost.importers import load_file, split_accounts

    try:
        # In-process, a long parse checks cancel inside (issue 13); a worker's file is dropped when cancelled.
        return split_accounts(load_file(path, is_cancelled=is_cancelled, **options)), None
    except ImportFailed as exc:
        return [], exc


def _load_reconciled(path: str, options: Mapping[str, Any], is_cancelled: Callable[[], bool] | None = None
                     ) -> tuple[list[Statement], ImportFailed | None, list[Reconciliation]]:
    """:func:`load_one` with each Statement's Reconciliation."""
    statements, error = load_one(path, options, is_cancelled)
    return statements, error, [reconcile(st) for st in statements]


def _load_in_worker(path: str, options: Mapping[str, Any], keep: Entry | None = None
                    ) -> tuple[tuple[list[Statement], ImportFailed | None, list[Reconciliation]], float, float]:
    """:func:`_load_reconciled` in a worker, kept in the statement cache as ``keep`` says (here, while the main
    process works on other files: issue 14), with the worker's CPU seconds for this file and its peak memory so far
    (MB)."""
    started = time.process_time()
    result = _load_reconciled(path, options)
    if keep is not None:
        write_entry(keep, path, result[0])
    return result, time.process_time() - started, _peak_mb()


def _peak_mb() -> float:
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_all(
    paths: Sequence[str],
    options: Callable[[str], Mapping[str, Any]],
    *,
    progress: Callable[[float, str], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    workers: int | None = None,
    keep: Callable[[str], Entry | None] | None = None,
) -> Loaded:
    """Import every path: the Statements in the order of ``paths``, their Reconciliations and [(path, error)] of the
    files that failed (:class:`Loaded`).

    ``options(path)`` gives load_file's keyword arguments for that file. ``progress(fraction, message)`` is
    called as files finish; ``is_cancelled()`` is polled between files and raises ImportCancelled.
    ``keep(path)``: where the statement cache keeps the file's statements once
    read (statement_cache.Entry; None: not kept), written by whoever read the file.
    """
    paths = [str(p) for p in paths]
    results: list[tuple[list[Statement], ImportFailed | None, list[Reconciliation]] | None] = [None] * len(paths)
    count = worker_count(paths, workers)
    if count:
        try:
            _in_workers(paths, options, results, count, progress, is_cancelled, keep)
        except (OSError, NotImplementedError, BrokenProcessPool) as exc:
            # No processes here (a sandbox without semaphores, a killed worker): read what is left in-process.
            log.warning("import workers unavailable (%s); reading the files in-process", exc)
    _in_process(paths, options, results, progress, is_cancelled, keep)
    loaded = Loaded([], [], [])
    for path, (found, error, reconciled) in zip(paths, results):
        loaded.statements.extend(found)
        loaded.reconciliations.extend(reconciled)
        if error is not None:
            log.warning("import failed: %s: %s", path, error.message)
            loaded.failures.append((path, error))
    return loaded


def _in_process(paths, options, results, progress, is_cancelled, keep=None) -> None:
    """Read every path whose result is still missing, here."""
    for i, path in enumerate(paths):
        if results[i] is not None:
            continue
        _check(is_cancelled)
        if progress:
            progress(i / len(paths), f"Reading {Path(path).name}")
        results[i] = found = _load_reconciled(path, options(path), is_cancelled)
        where = keep(path) if keep is not None else None
        if where is not None:
            write_entry(where, path, found[0])


def _in_workers(paths, options, results, count, progress, is_cancelled, keep=None) -> None:
    """Read the paths in ``count`` worker processes, polling for cancel while they run."""
    context = worker_context()
    last_run.clear()
    last_run.update(workers=count, worker_cpu_s=0.0, worker_peak_mb=0.0)
    with ProcessPoolExecutor(count, mp_context=context) as pool:
        pending: dict[Future, int] = {pool.submit(_load_in_worker, p, options(p), keep(p) if keep else None): i
                                      for i, p in enumerate(paths)}
        done_count = 0
        try:
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                _check(is_cancelled)
                for future in done:
                    i = pending.pop(future)
                    # A reader's bug is raised here, as it would be in-process.
                    results[i], cpu, peak = future.result()
                    last_run["worker_cpu_s"] += cpu
                    last_run["worker_peak_mb"] = max(last_run["worker_peak_mb"], peak)
                    done_count += 1
                    if progress:
                        progress(done_count / len(paths), f"Read {Path(paths[i]).name}")
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def worker_context() -> multiprocessing.context.BaseContext:
    """Workers started fresh, never forked from this process: the GUI imports on a thread, and a fork copies
    other threads' locks. ``forkserver`` forks them from a clean server that has fxcost's readers and its cost
    engine imported (fxcost.parallel_analysis uses the same server)."""
    if "forkserver" in multiprocessing.get_all_start_methods() and not getattr(sys, "frozen", False):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["fxcost.importers", "fxcost.importers.mt4_html", "fxcost.importers.mt5_html",
                                        "fxcost.importers.mt5_xlsx", "fxcost.analysis.engine",
                                        "fxcost.analysis.rebates"])
        return context
    return multiprocessing.get_context("spawn")


def _check(is_cancelled: Callable[[], bool] | None) -> None:
    if is_cancelled and is_cancelled():
        raise ImportCancelled("Import cancelled.")
