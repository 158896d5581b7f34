"""Cost a book's accounts in batches: accounts whose costing reads the same settings as one frame (issue 14).

engine.cost_account costs an account of ~850 trades in ~20 ms, nearly all of it pandas' fixed cost per call, while
one frame costs ~3 µs a trade. Accounts that share everything engine.costed_trades reads besides their trades (the
account currency, the resolved spread profile, the UTC offset; no Strategy Tester file, market data or commission
schedule) are costed together as one frame, every per-account step keyed by account: M and the conversion rates
from the account's own price moves (instruments), the spreads of its own same-second fills (observed_spreads), the
volume of its tiers (rebates, ``apart``), the clock of its time-of-day shape. The frame is then split back into the
frames, spread tables and warnings engine.cost_account gives each account (tests/analysis/test_batch.py compares
them, frame by frame); any other account is costed alone.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from fxcost.analysis import codes, costs, engine, instruments, observed_spreads, spread_hours
from fxcost.analysis.engine import AccountJob, AnalysisSettings, CostedAccount, Prepared, SettleJob, Settled
from fxcost.analysis.programs import RebateProgram
from fxcost.analysis.rebates import PRICE_INPUTS

#: Accounts of more trades are costed alone: one frame already (a batch would gain them nothing).
MAX_ACCOUNT_TRADES = costs.BIG_FRAME
#: Trades in one batch at most: its frame and every column costed for it are held at once.
MAX_BATCH_TRADES = 100_000
#: The columns of the classified frame observed_spreads.apply and the spread table read, cut per account.
_TABLE_INPUTS = ("account", "symbol_root", "category", "pip", "point", "open_time")


def cost_accounts(jobs: Sequence[AccountJob], settings: AnalysisSettings) -> list[CostedAccount]:
    """engine.cost_account of every job, in order; the accounts that can be costed together are (:func:`batches`)."""
    preps = [engine.prepare(job, settings) for job in jobs]
    out: list[CostedAccount | None] = [None] * len(jobs)
    for rows in batches(jobs, preps, settings):
        for i, done in zip(rows, cost_batch([jobs[i] for i in rows], [preps[i] for i in rows], settings)):
            out[i] = done
    return [done if done is not None else engine.cost_prepared(job, settings, prep)
            for job, prep, done in zip(jobs, preps, out)]


def batches(jobs: Sequence[AccountJob], preps: Sequence[Prepared], settings: AnalysisSettings) -> list[list[int]]:
    """The jobs (positions) costed together, batch by batch, each of 2 accounts or more; the others go alone."""
    if settings.market_data or (settings.commission is not None and settings.commission.rate):
        return []  # market data and a commission schedule are applied account by account
    groups: dict[Hashable, list[int]] = {}
    for i, (job, prep) in enumerate(zip(jobs, preps)):
        key = _key(job, prep)
        if key is not None:
            groups.setdefault(key, []).append(i)
    out = []
    for rows in groups.values():
        # Every step keys its accounts by the ``account`` column: each batch's accounts name distinct ones.
        named: dict[str, list[int]] = {}
        for i in rows:
            named.setdefault(_account_of(jobs[i]), []).append(i)
        rows = [i for i in rows if len(named[_account_of(jobs[i])]) == 1]
        batch: list[int] = []
        size = 0
        for i in rows:
            if batch and size + len(jobs[i].book.trades) > MAX_BATCH_TRADES:
                out.append(batch)
                batch, size = [], 0
            batch.append(i)
            size += len(jobs[i].book.trades)
        out.append(batch)
    return [b for b in out if len(b) >= 2]


def _account_of(job: AccountJob) -> str:
    return str(job.book.trades["account"].iloc[0])


def _key(job: AccountJob, prep: Prepared) -> Hashable | None:
    """What an account's costing reads besides its trades (None: it is costed alone): its currency, its spread
    profile (the very object auto chose: a catalogue entry's is made per account), its UTC offset, and its frame's
    columns and dtypes."""
    book = job.book
    t = book.trades
    if not 0 < len(t) <= MAX_ACCOUNT_TRADES or job.tester or job.backtests or book.is_backtest:
        return None
    if "account" not in t.columns:
        return None
    account_codes, accounts = codes.factorize(t["account"])
    if len(accounts) != 1 or account_codes.min() < 0:
        return None  # one account value per account: what keys each account's rows in the batch
    return (prep.currency, id(prep.profile), prep.offset, tuple((c, str(d)) for c, d in t.dtypes.items()))


def cost_batch(jobs: Sequence[AccountJob], preps: Sequence[Prepared],
               settings: AnalysisSettings) -> list[CostedAccount]:
    """engine.cost_account of each of ``jobs`` (one batch: the same key, distinct accounts), costed as one frame:
    engine.costed_trades step by step, each per-account step keyed by account."""
    profile, currency = preps[0].profile, preps[0].currency
    originals = [instruments.apply_aliases(job.book.trades, settings.instruments.aliases) for job in jobs]
    ends = np.cumsum([len(o) for o in originals])
    segments = list(zip((ends - [len(o) for o in originals]).tolist(), ends.tolist()))
    joined = pd.concat(originals, ignore_index=True)
    trades = codes.as_categories(joined)
    n = len(trades)
    classes = instruments.classify(trades, settings.instruments)
    frame = trades.assign(**{c: classes[c].array for c in classes.columns})
    tod = _time_of_day(frame, settings, preps, segments) if settings.time_of_day else np.ones(n)
    frame["spread_tod"] = tod
    spread, source = profile.spread_price(frame)
    # Own fills: the pairs of every account at once (keyed by account), then each account's table.
    fills = np.concatenate([p.fills for p in preps])
    summary = observed_spreads.summary_of(frame, fills) if settings.observed_spreads else {}
    parts = frame[list(_TABLE_INPUTS)]
    spread, source = np.asarray(spread, dtype="float64").copy(), np.asarray(source, dtype=object).copy()
    tables = []
    for lo, hi in segments:
        part = parts.iloc[lo:hi]
        if settings.observed_spreads:
            spread[lo:hi], source[lo:hi], table = observed_spreads.apply(part, fills[lo:hi], spread[lo:hi],
                                                                         source[lo:hi], tod[lo:hi], summary)
        else:  # switched off: the same per-symbol table, nothing observed (issue 12)
            _, _, table = observed_spreads.apply(part, np.zeros(hi - lo, dtype=bool), spread[lo:hi], source[lo:hi],
                                                 tod[lo:hi], {})
            table["note"] = "observed spreads switched off"
        tables.append(table.assign(**engine._final_kinds(table, part, source[lo:hi]),
                                   **engine._catalogue_columns(table, part, profile)))
    columns = costs.cost_columns(trades, currency, spread, source, instrument_settings=settings.instruments,
                                 classes=classes, segments=segments)
    kinds = {"spread_kind": engine._kinds(source), "spread_tod": tod}
    program = settings.main_program
    paid: dict[str, Any]
    if program is not None:
        from fxcost.analysis import rebates

        priced = pd.DataFrame({c: columns[c] if c in columns else trades[c] for c in rebates.PRICE_INPUTS
                               if c in columns or c in trades.columns}, index=trades.index, copy=False)
        # ``apart``: tiers not pooled over the book count each account's own volume, as when costed alone.
        paid = rebates.rebate_columns(priced, rebates.apply(priced, program, currency, apart=True), program)
        columns["rebate"] = paid.pop("rebate")
    else:
        paid = {"ib_earnings": 0.0, "eligible": True, "excluded_reason": "", "rebate_rule": "", "forfeited_rebate": 0.0,
                "capped_rebate": 0.0}
    finished = costs.finish_columns({**columns, "lots": trades["lots"].to_numpy()})
    columns["category"] = np.asarray(columns["category"], dtype=object)
    every = {**columns, **finished, **kinds, **paid}
    # One frame for the batch, each account's rows cut from it (issue 14: a frame built per account cost ~3 ms),
    # when that gives what costs.with_columns gives each account: the same dtypes (every text column all text, so
    # read as text in any cut; the batch's columns of the accounts' own dtypes).
    whole = (costs.with_columns(joined, every, owned=True) if _cuttable(every, joined, originals[0]) else None)
    out = []
    for job, prep, original, (lo, hi), table in zip(jobs, preps, originals, segments, tables):
        if whole is not None:
            t = whole.iloc[lo:hi].set_axis(original.index, axis=0)
        else:
            t = costs.with_columns(original, _rows(every, n, lo, hi), owned=True)
        out.append(engine.costed_account(job, settings, prep, t, table, settle=False))
    if program is not None:  # payouts priced here, the batch's together (engine.costed_account prices one's)
        settling = [(i, SettleJob(job.book.label, prep.currency, done.analysis.trades, job.book.cash,
                                  engine._statement_end(job.book)))
                    for i, (job, prep, done) in enumerate(zip(jobs, preps, out)) if job.settle]
        for (i, _), settled in zip(settling, settle_accounts([j for _, j in settling], program, None)):
            out[i].payout_warnings = engine._settled(out[i].analysis, settled)
    return out


def settle_accounts(jobs: Sequence[SettleJob], program: RebateProgram,
                    pooled: pd.Series | None = None) -> list[Settled]:
    """engine.settle_account of every job, in order: accounts of one currency, each naming its own account in its
    trades and cash rows, priced together (:func:`settle_batch`); the others alone."""
    groups: dict[Hashable, list[int]] = {}
    named: dict[str, int] = {}
    for i, job in enumerate(jobs):
        name = _settle_name(job)
        if name is not None:  # the same currency, and the same costed columns to price with
            groups.setdefault((job.currency, tuple(c in job.trades.columns for c in _SETTLE_INPUTS)), []).append(i)
            named[name] = named.get(name, 0) + 1
    out: list[Settled | None] = [None] * len(jobs)
    for rows in groups.values():
        rows = [i for i in rows if named[str(_settle_name(jobs[i]))] == 1]
        for start in range(0, len(rows), MAX_BATCH_ACCOUNTS):
            part = rows[start:start + MAX_BATCH_ACCOUNTS]
            if len(part) < 2:
                continue
            for i, done in zip(part, settle_batch([jobs[i] for i in part], program, pooled)):
                out[i] = done
    return [done if done is not None else engine.settle_account(job, program, pooled)
            for job, done in zip(jobs, out)]


#: Accounts settled in one batch at most.
MAX_BATCH_ACCOUNTS = 200


def _settle_name(job: SettleJob) -> str | None:
    """The one account value of a job's trades when its cash rows name none other (None: it is settled alone)."""
    t, cash = job.trades, job.cash
    if not len(t) or "account" not in t.columns or "close_time" not in t.columns:
        return None
    account_codes, accounts = codes.factorize(t["account"])
    if len(accounts) != 1 or account_codes.min() < 0 or np.isnat(t["close_time"].to_numpy()).any():
        return None
    name = str(accounts[0])
    if cash is not None and len(cash):
        if "account" not in cash.columns or "kind" not in cash.columns:
            return None
        if not (cash["account"].astype(str).to_numpy(dtype=object) == name).all():
            return None
    return name


#: The costed columns rebates.apply, rebate_columns and costs.finish_columns read when settling on pooled tiers.
_SETTLE_INPUTS = tuple(dict.fromkeys((*PRICE_INPUTS, *costs.FINISH_INPUTS)))


def settle_batch(jobs: Sequence[SettleJob], program: RebateProgram, pooled: pd.Series | None) -> list[Settled]:
    """engine.settle_account of each of ``jobs`` (one currency, distinct accounts), priced as one frame: the rebate
    on the book's tiers, the payouts (per account and period) and their match with the statements' rebate rows
    (per account), then each account's share."""
    from fxcost.analysis import rebates

    currency = jobs[0].currency
    frames = [job.trades.copy(deep=False) for job in jobs]
    ends = np.cumsum([len(t) for t in frames])
    segments = list(zip((ends - [len(t) for t in frames]).tolist(), ends.tolist()))
    if pooled is not None:
        inputs = pd.DataFrame({c: np.concatenate([t[c].to_numpy() for t in frames]) for c in _SETTLE_INPUTS
                               if all(c in t.columns for t in frames)}, copy=False)
        priced = rebates.rebate_columns(inputs, rebates.apply(inputs, program, currency, pooled_volume=pooled,
                                                              apart=True), program)
        finished = costs.finish_columns({c: priced[c] if c in priced else inputs[c].to_numpy()
                                         for c in costs.FINISH_INPUTS})
        every = {**priced, **finished}
        for t, (lo, hi) in zip(frames, segments):
            for col, value in _rows(every, len(inputs), lo, hi).items():
                if not engine._unchanged(t[col], value):
                    t[col] = value
    names = [str(t["account"].iloc[0]) for t in frames]
    both = pd.DataFrame({"close_time": np.concatenate([t["close_time"].to_numpy() for t in frames]),
                         "account": np.concatenate([t["account"].to_numpy(dtype=object) for t in frames])})
    rebate = np.concatenate([t["rebate"].to_numpy() for t in frames])
    paid = rebates.payouts(both, rebate, program)
    cash = [job.cash for job in jobs if job.cash is not None and len(job.cash)]
    matches_of: dict[str, tuple[int, int]] = {}
    matches = paid.iloc[:0]
    # The statements' cash rows matched together when their frames have the same columns and dtypes (a column one
    # lacks would read as missing in the others' rows); else account by account.
    if len({tuple((c, str(d)) for c, d in frame.dtypes.items()) for frame in cash}) <= 1:
        matches = rebates.match_payouts(paid, pd.concat(cash, ignore_index=True) if cash else None,
                                        statement_end={name: job.statement_end for name, job in zip(names, jobs)})
        matches_of = _ranges(matches, names)
    paid_of = _ranges(paid, names)
    out = []
    for job, t, name in zip(jobs, frames, names):
        mine = _cut(paid, paid_of.get(name))
        if mine is None:
            mine = rebates.payouts(t, t["rebate"].to_numpy(), program)
        found = _cut(matches, matches_of.get(name))
        if found is None:
            found = rebates.match_payouts(mine, job.cash, statement_end=job.statement_end)
        out.append(Settled(t, mine, found, engine._payout_warnings(job.label, currency, program, found)
                           + engine._cap_warnings(job.label, currency, t, program)))
    return out


def _ranges(frame: pd.DataFrame, names: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Each account's rows of a frame sorted by account (rebates.payouts and match_payouts are)."""
    if not len(frame):
        return {}
    accounts = frame["account"].astype(str).to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, accounts[1:] != accounts[:-1]])
    stops = np.r_[starts[1:], len(accounts)]
    return {str(accounts[a]): (int(a), int(b)) for a, b in zip(starts, stops)}


def _cut(frame: pd.DataFrame, rows: tuple[int, int] | None) -> pd.DataFrame | None:
    """Rows ``lo:hi`` of ``frame`` as a frame of its own (index from 0); None without rows (the caller prices
    that account alone: an empty result has dtypes of its own)."""
    if rows is None:
        return None
    return frame.iloc[rows[0]:rows[1]].reset_index(drop=True)


def _cuttable(columns: dict[str, Any], joined: pd.DataFrame, first: pd.DataFrame) -> bool:
    """Whether a cut of the batch's frame holds what costs.with_columns makes of each account's own rows: the
    joined trades keep the accounts' dtypes (a categorical of other categories would not), and every column of
    objects is all text (pandas reads it as text then, in any cut; a mix could read otherwise in a cut)."""
    if not all(joined[c].dtype == first[c].dtype for c in first.columns):
        return False
    return all(pd.api.types.infer_dtype(v, skipna=False) == "string" for v in columns.values()
               if isinstance(v, np.ndarray) and v.dtype == object)


def _rows(columns: dict[str, Any], n: int, lo: int, hi: int) -> dict[str, Any]:
    """Each column's rows ``lo:hi`` (a scalar stays one); an array given for two columns is cut for the first and
    copied for the second, as costs.with_columns' ``owned`` copies it for one account."""
    out: dict[str, Any] = {}
    seen: set[int] = set()
    for col, value in columns.items():
        if isinstance(value, (np.ndarray, ExtensionArray)):
            if len(value) != n:
                raise ValueError(f"column {col}: {len(value)} rows in a batch of {n}")
            piece = value[lo:hi]
            out[col] = piece.copy() if id(value) in seen else piece
            seen.add(id(value))
        elif isinstance(value, (str, bool, int, float)):
            out[col] = value
        else:
            raise TypeError(f"column {col}: {type(value).__name__} is not cut per account")
    return out


def _time_of_day(frame: pd.DataFrame, settings: AnalysisSettings, preps: Sequence[Prepared],
                 segments: Sequence[tuple[int, int]]) -> np.ndarray:
    """spread_hours' factor per trade, each account's times read with its own clock (engine.shape_clock)."""
    ends = frame[["category", "open_time"]]
    clocks: dict[tuple[str, Any], list[int]] = {}
    for k, (prep, (lo, hi)) in enumerate(zip(preps, segments)):
        clock = engine.shape_clock(settings, prep.offset, ends.iloc[lo:hi], prep.profile)
        clocks.setdefault((type(clock).__name__, clock), []).append(k)
    shape = spread_hours.bundled()
    if len(clocks) == 1:
        (_, clock), = clocks
        return shape.factors(frame["open_time"], frame["close_time"], clock)
    tod = np.ones(len(frame))
    for (_, clock), ks in clocks.items():
        rows = np.concatenate([np.arange(*segments[k]) for k in ks])
        tod[rows] = shape.factors(frame["open_time"].iloc[rows], frame["close_time"].iloc[rows], clock)
    return tod
