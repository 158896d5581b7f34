"""Cost a big book's accounts in worker processes: the engine's per-account work on every core (issue 14).

An IB's book of hundreds of client accounts is costed account by account (engine.cost_account, then
engine.settle_account once pooled tiers are known); the accounts are independent, so worker processes cost them
side by side. The result is the one engine.analyse gives in-process (tests/test_parallel_analysis.py); a machine
that cannot start processes gets it in-process.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from pandas.arrays import NumpyExtensionArray

from fxcost.analysis import rebates
from fxcost.analysis.batch import cost_accounts
from fxcost.analysis.engine import (
    AccountJob,
    AccountMap,
    AnalysisResult,
    AnalysisSettings,
    CostedAccount,
    account_jobs,
    analyse,
    cost_account,
)
from fxcost.importers.reconcile import Reconciliation
from fxcost.model import Statement
from fxcost.parallel_import import cores, worker_context, workers_allowed
from fxcost.portfolio import Portfolio, merge

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


#: An account of more trades is left to the analysis: costing it would keep the import from noticing Cancel for
#: seconds, and a book's time is in its many small accounts (issue 14).
MAX_PRECOST_TRADES = 50_000
#: Arrived accounts are costed together once they hold this many trades (analysis.batch: one frame costs ~3 µs a
#: trade where an account alone costs ~20 ms, issue 14); a batch of ~25 clients takes ~0.1 s, so Cancel is still
#: noticed at once.
PRECOST_BATCH_TRADES = 20_000


class Precost:
    """Cost the accounts of the files read so far in this process while worker processes read the book's other
    files (parallel_import.load_all's ``meanwhile``, issue 14): the costing that would wait for the last file runs
    beside the reading instead, in batches of arrived accounts (analysis.batch) once they hold
    :data:`PRECOST_BATCH_TRADES` trades; the last ones are left to the analysis, which batches them too.

    An account is costed as if its file alone made it, with pooled tiers assumed (its payouts wait for the book's
    volume, as in any book of several accounts under such a program). :func:`analyse_book` takes a result only
    for an account whose job in the merged book is the same, field by field and frame by frame (:func:`same_job`),
    and costs any other account itself: a file merged with another, an account the roster or a currency choice
    changed, or a book of one account is simply costed again.

    pipeline.run no longer uses it (issue 14): with batched costing the analysis after the import costs less CPU
    than this (its per-file merge and each job's comparison); it pays only where idle cores would cost meanwhile.
    """

    def __init__(self, settings: AnalysisSettings) -> None:
        self.settings = settings
        self.ready: dict[str, tuple[AccountJob, CostedAccount]] = {}
        self.pending: list[AccountJob] = []
        self._pools = rebates.pools_tiers(settings.main_program, 2)

    @classmethod
    def worth_it(cls, settings: AnalysisSettings | None) -> Precost | None:
        """A Precost for ``settings``; None without settings, or with market data (bars and ticks make an
        analysis that stays whole, see :func:`worker_count`)."""
        if settings is None or settings.market_data:
            return None
        return cls(settings)

    def __call__(self, statements: list[Statement], reconciliations: list[Reconciliation]) -> None:
        for job in account_jobs(merge(statements, reconciliations), self._pools):
            if not 0 < len(job.book.trades) <= MAX_PRECOST_TRADES or job.book.key in self.ready or any(
                    job.book.key == other.book.key for other in self.pending):
                continue
            # The book shares the Statement's Account, which the import may still change (a currency the user
            # chose, the roster's name): the job keeps its own copy to be compared as it was costed.
            book = dataclasses.replace(job.book, account=dataclasses.replace(job.book.account),
                                       files=list(job.book.files))
            self.pending.append(dataclasses.replace(job, book=book, tester=dict(job.tester)))
        if sum(len(job.book.trades) for job in self.pending) >= PRECOST_BATCH_TRADES:
            self.flush()

    def flush(self) -> None:
        """Cost the accounts arrived and not costed yet, together."""
        jobs, self.pending = self.pending, []
        for job, done in zip(jobs, cost_accounts(jobs, self.settings)):
            self.ready[job.book.key] = (job, done)

    def take(self, job: AccountJob) -> CostedAccount | None:
        """The account of ``job`` as costed here, if it was costed as that very job; each is given once."""
        ready = self.ready.pop(job.book.key, None)
        return ready[1] if ready is not None and same_job(ready[0], job) else None


def same_job(a: AccountJob, b: AccountJob) -> bool:
    """Whether costing ``a`` gives what costing ``b`` gives: the same account, files, tester spreads, payout pass
    and frames (values, dtypes, columns and index: DataFrame.equals)."""
    x, y = a.book, b.book
    return (a.settle == b.settle and a.tester == b.tester and a.backtests == b.backtests and x.key == y.key
            and x.account == y.account and x.files == y.files and x.is_backtest == y.is_backtest
            and all(getattr(x, name).equals(getattr(y, name))
                    for name in ("trades", "cash", "orders", "open_positions")))


class _Reusing:
    """An engine.AccountMap that takes cost_account's result from ``precost`` for each job it costed as the same
    job under these very settings, and maps the other jobs (and every other function) with ``inner``."""

    def __init__(self, precost: Precost, inner: AccountMap | None) -> None:
        self.precost = precost
        self.inner: AccountMap = inner or map
        self.reused = 0

    def __call__(self, function: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterable[Any]:
        if not (isinstance(function, functools.partial) and function.func in (cost_account, cost_accounts)
                and function.keywords.get("settings") is self.precost.settings and self.precost.ready):
            return self.inner(function, jobs)
        if function.func is cost_accounts:  # pieces of the book (lists of jobs): a list of results per piece
            found = [[self.precost.take(job) for job in piece] for piece in jobs]
            self.precost.ready.clear()
            missing = [[job for job, done in zip(piece, got) if done is None] for piece, got in zip(jobs, found)]
            self.reused += sum(len(piece) for piece in jobs) - sum(len(piece) for piece in missing)
            todo = [piece for piece in missing if piece]
            costed = iter([done for piece in (self.inner(function, todo) if todo else ()) for done in piece])
            return [[next(costed) if done is None else done for done in got] for got in found]
        found = [self.precost.take(job) for job in jobs]
        self.precost.ready.clear()  # what no account took is let go
        missing = [job for job, done in zip(jobs, found) if done is None]
        self.reused += len(jobs) - len(missing)
        rest = iter(self.inner(function, missing) if missing else ())
        return [next(rest) if done is None else done for done in found]


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
                 workers: int | None = None, precost: Precost | None = None) -> AnalysisResult:
    """engine.analyse with the accounts costed in worker processes when the book is worth it; in-process when
    processes cannot start here (a sandbox without semaphores, a killed worker). ``precost``: accounts costed while
    the files were read (:class:`Precost`, under these ``settings``), not costed again when their job is the same.
    """
    settings = settings or AnalysisSettings()
    try:
        with account_map(portfolio, settings, workers=workers) as mapper:
            if precost is None or precost.settings is not settings:
                return analyse(portfolio, settings, map_accounts=mapper)
            reusing = _Reusing(precost, mapper)
            result = analyse(portfolio, settings, map_accounts=reusing)
            precost.pending.clear()  # the accounts not costed meanwhile were costed by the analysis
            log.info("analysis: %d of %d account(s) costed while the files were read", reusing.reused,
                     len(portfolio.accounts))
            return result
    except (OSError, NotImplementedError, BrokenProcessPool) as exc:
        log.warning("analysis workers unavailable (%s); costing the accounts in-process", exc)
        return analyse(portfolio, settings)
