"""Cost a big book's accounts in worker processes: the engine's per-account work on every core (issue 14).

An IB's book of hundreds of client accounts is costed account by account (engine.cost_account, then
engine.settle_account once pooled tiers are known); the accounts are independent, so worker processes cost them
side by side. The result is the one engine.analyse gives in-process (tests/test_parallel_analysis.py); a machine
that cannot start processes gets it in-process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from fxcost.analysis.engine import AccountMap, AnalysisResult, AnalysisSettings, CostedAccount, Settled, analyse
from fxcost.parallel_import import cores, worker_context, workers_allowed
from fxcost.portfolio import Portfolio

log = logging.getLogger(__name__)

#: Below this many trades in all, the accounts are costed in-process: a worker costs a second or so to start
#: (its Python and pandas) and the pickling of each account's frames both ways, more than a small book saves.
MIN_PARALLEL_TRADES = 40_000
#: ... or below this many accounts (one big account gains nothing from a second process).
MIN_PARALLEL_ACCOUNTS = 4


def worker_count(portfolio: Portfolio, settings: AnalysisSettings, workers: int | None = None) -> int:
    """How many worker processes to cost ``portfolio``'s accounts with: 0 means in-process.

    ``workers`` forces a count (tests, benchmarks). Market data (bars and ticks, possibly hundreds of MB) would be
    sent to every worker: such an analysis stays in-process.
    """
    accounts = sum(1 for book in portfolio.accounts if len(book.trades))
    if accounts < 2 or not workers_allowed() or settings.market_data:
        return 0
    if workers is not None:
        return max(0, min(workers, accounts))
    trades = sum(len(book.trades) for book in portfolio.accounts)
    if cores() < 2 or accounts < MIN_PARALLEL_ACCOUNTS or trades < MIN_PARALLEL_TRADES:
        return 0
    return min(cores(), accounts)


class AccountWorkers:
    """An engine.AccountMap over ``count`` worker processes, started on first use and kept for the run's
    second pass (pooled tiers); :meth:`close` ends them."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._pool: ProcessPoolExecutor | None = None

    def __call__(self, function: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterator[Any]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.count, mp_context=worker_context())
        # A few chunks per worker: each chunk pickles the function (the settings) once, and a worker that draws
        # small accounts takes another chunk while the other is busy.
        chunk = max(1, len(jobs) // (self.count * 4))
        return self._pool.map(_Shipped(function), jobs, chunksize=chunk)  # in order, as each chunk arrives

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class _Shipped:
    """``function`` run in a worker, its result's trades frame consolidated (one block per dtype) before it is
    pickled back: a costed frame built column by column unpickles ~7x slower than its copy (~7 ms against 1 ms an
    account, on the main process that waits for them all)."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def __call__(self, job: Any) -> Any:
        done = self.function(job)
        if isinstance(done, CostedAccount):
            done.analysis.trades = done.analysis.trades.copy()
        elif isinstance(done, Settled):
            done.trades = done.trades.copy()
        return done


@contextmanager
def account_map(portfolio: Portfolio, settings: AnalysisSettings, *,
                workers: int | None = None) -> Iterator[AccountMap | None]:
    """The map to cost ``portfolio`` with: worker processes when the book is worth it (:func:`worker_count`),
    else None (engine.analyse's own, in-process)."""
    count = worker_count(portfolio, settings, workers)
    if not count:
        yield None
        return
    pool = AccountWorkers(count)
    try:
        yield pool
    finally:
        pool.close()


def analyse_book(portfolio: Portfolio, settings: AnalysisSettings | None = None, *,
                 workers: int | None = None) -> AnalysisResult:
    """engine.analyse with the accounts costed in worker processes when the book is worth it; in-process when
    processes cannot start here (a sandbox without semaphores, a killed worker)."""
    settings = settings or AnalysisSettings()
    try:
        with account_map(portfolio, settings, workers=workers) as mapper:
            return analyse(portfolio, settings, map_accounts=mapper)
    except (OSError, NotImplementedError, BrokenProcessPool) as exc:
        log.warning("analysis workers unavailable (%s); costing the accounts in-process", exc)
        return analyse(portfolio, settings)
