"""Cost a big book's accounts in worker processes: the engine's per-account work on every core (issue 14).

An IB's book of hundreds of client accounts is costed in batches of accounts (analysis.batch), then settled once
pooled tiers are known; the accounts are independent, so worker processes cost pieces of the book side by side. The result is the one engine.analyse gives in-process (tests/test_parallel_analysis.py); a machine
that cannot start processes gets it in-process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from pandas.arrays import NumpyExtensionArray

from fxcost.analysis.engine import (
    AccountJob,
    AccountMap,
    AnalysisResult,
    AnalysisSettings,
    CostedAccount,
    analyse,
)
from fxcost.parallel_import import cores, worker_context, workers_allowed
from fxcost.portfolio import Portfolio

log = logging.getLogger(__name__)

#: Below this many trades in all, the accounts are costed in-process: a worker costs a second or so to start
#: (its Python and pandas) and the pickling of each account's frames both ways, more than a small book saves.
MIN_PARALLEL_TRADES = 40_000
#: ... or below this many accounts (one big account gains nothing from a second process).
MIN_PARALLEL_ACCOUNTS = 4
#: ... or on fewer cores: this process pickles every account out and back (~12 s of a 500-client book's CPU) while
#: the workers cost them (~32 s), so 2 cores finished later than 1 (25.1 s against 21.9 s in-process, measured on a
#: 2-core machine); from 4 cores the workers' share is 8 s and the whole ~13 s.
MIN_PARALLEL_CORES = 4


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
    if cores() < MIN_PARALLEL_CORES or accounts < MIN_PARALLEL_ACCOUNTS or trades < MIN_PARALLEL_TRADES:
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
        shipped = self._pool.map(_Shipped(function), jobs, chunksize=chunk)
        return (_landed(job, parcel) for job, parcel in zip(jobs, shipped))  # in order, as each chunk arrives

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _given(job: Any) -> pd.DataFrame:
    """The trades frame a job hands a worker."""
    return job.book.trades if isinstance(job, AccountJob) else job.trades


def _frame(done: Any) -> pd.DataFrame:
    return done.analysis.trades if isinstance(done, CostedAccount) else done.trades


def _set_frame(done: Any, frame: pd.DataFrame) -> None:
    if isinstance(done, CostedAccount):
        done.analysis.trades = frame
    else:
        done.trades = frame


def _same_column(a: pd.Series, b: pd.Series) -> bool:
    """Whether column ``a`` is ``b`` itself (the same numpy buffer, as a frame built from ``b`` without copying
    holds it): then the caller already has it."""
    x, y = a.array, b.array
    if not (isinstance(x, NumpyExtensionArray) or x.dtype.kind in "biufcmMO") or x.dtype != y.dtype:
        return False
    u, v = np.asarray(x), np.asarray(y)
    return bool(u.shape == v.shape and u.strides == v.strides and u.__array_interface__["data"][0]
                == v.__array_interface__["data"][0])


class _Shipped:
    """``function`` run in a worker; its result's trades frame is sent back without the columns the job gave it
    unchanged (the caller holds them: :func:`_landed` puts them back, sharing the caller's memory as the
    in-process analysis does), and consolidated (a frame built column by column unpickles ~7x slower).

    A column counts as unchanged when it is the job's own buffer, so ``function`` must never write into the job's
    frame in place: engine.cost_account and engine.settle_account work on shallow copies (copy-on-write)."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def __call__(self, job: Any) -> Any:
        done = self.function(job)
        if isinstance(job, list):  # a piece of the book (engine.analyse, batched costing): a result per job
            return [_parcel(j, d) for j, d in zip(job, done)]
        return _parcel(job, done)


def _parcel(job: Any, done: Any) -> tuple[Any, list[str], list[str]]:
    """``done`` without the columns of its frame that are the job's own (see :class:`_Shipped`)."""
    given = _given(job)
    out = _frame(done)
    kept = [c for c in out.columns if c in given.columns and _same_column(out[c], given[c])]
    _set_frame(done, out.drop(columns=kept).copy())
    return done, list(out.columns), kept


def _landed(job: Any, parcel: Any) -> Any:
    """A worker's result with the columns it left out taken from the job's own frame (here, the caller's)."""
    if isinstance(job, list):
        return [_landed(j, p) for j, p in zip(job, parcel)]
    done, order, kept = parcel
    given, new, keep = _given(job), _frame(done), set(kept)
    _set_frame(done, pd.DataFrame({c: given[c] if c in keep else new[c] for c in order}, index=new.index, copy=False))
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
