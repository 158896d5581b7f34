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

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from fxcost.analysis import codes, costs, engine, instruments, observed_spreads, spread_hours
from fxcost.analysis.engine import AccountJob, AnalysisSettings, CostedAccount, Prepared, Settled, SettleJob
from fxcost.analysis.programs import RebateProgram
from fxcost.analysis.slices import row_range
from fxcost.analysis.spreads import NO_SPREAD

#: Accounts of more trades are costed alone: one frame already (a batch would gain them nothing).
MAX_ACCOUNT_TRADES = costs.BIG_FRAME
#: Trades in one batch at most: its frame and every column costed for it are held at once.
MAX_BATCH_TRADES = 100_000
#: Accounts settled in one batch at most.
MAX_BATCH_ACCOUNTS = 200


def cost_accounts(jobs: Sequence[AccountJob], settings: AnalysisSettings) -> list[CostedAccount]:
    """engine.cost_account of every job, in order; the accounts that can be costed together are (:func:`batches`)."""
    preps = [engine.prepare(job, settings, fills=False) for job in jobs]  # a batch finds its fills at once
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


def _one_text(column: pd.Series) -> str | None:
    """The column's one value when every row holds that same text, else None."""
    values = column.to_numpy(dtype=object)
    first = values[0]
    return first if isinstance(first, str) and bool((values == first).all()) else None


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
    if _one_text(t["account"]) is None:
        return None  # one account value per account: what keys each account's rows in the batch
    if t["symbol_root"].isna().any():
        return None  # the spread table's tie-breaks would read the batch's codes of the missing symbol
    if any(isinstance(d, pd.CategoricalDtype) for d in t.dtypes):
        return None  # joined, a categorical would take the first account's categories (the importers make none)
    return (prep.currency, id(prep.profile), prep.offset, _dtypes_key(t))


def cost_batch(jobs: Sequence[AccountJob], preps: Sequence[Prepared],
               settings: AnalysisSettings) -> list[CostedAccount]:
    """engine.cost_account of each of ``jobs`` (one batch: the same key, distinct accounts), costed as one frame:
    engine.costed_trades step by step, each per-account step keyed by account."""
    profile, currency = preps[0].profile, preps[0].currency
    originals = [instruments.apply_aliases(job.book.trades, settings.instruments.aliases) for job in jobs]
    segments = _segments([len(o) for o in originals])
    joined = pd.concat(originals, ignore_index=True)
    trades = codes.as_categories(joined)
    n = len(trades)
    classes = instruments.classify(trades, settings.instruments)
    frame = trades.assign(**{c: classes[c].array for c in classes.columns})
    tod = _time_of_day(frame, settings, preps, segments) if settings.time_of_day else np.ones(n)
    frame["spread_tod"] = tod
    spread, source = profile.spread_price(frame)
    # Own fills: the pairs of every account at once (keyed by account), then each account's table.
    fills = _fills(frame, segments)
    summary = observed_spreads.summary_of(frame, fills) if settings.observed_spreads else {}
    tables = _spread_tables(jobs, frame, segments, spread, source, tod, summary, settings, profile)
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
        paid = dict(costs.NO_REBATE)
    finished = costs.finish_columns({**columns, "lots": trades["lots"].to_numpy()})
    columns["category"] = np.asarray(columns["category"], dtype=object)
    every = {**columns, **finished, **kinds, **paid}
    # One frame for the batch, each account's rows cut from it (issue 14: a frame built per account cost ~3 ms),
    # when that gives what costs.with_columns gives each account: the same dtypes (every text column all text, so
    # read as text in any cut; the batch's columns of the accounts' own dtypes).
    # Consolidated (a copy, its columns in a dozen blocks, not one each): every later read of an account's cut, the
    # book's merged frame and the settlement's concat visit each block (tried: views, as _written makes them, slowed the
    # summary of a 500-client book by more than they saved here, 4.4-5.3 -> 5.2-6.8 s).
    whole = (costs.with_columns(joined, every, owned=True).copy() if _cuttable(every, joined, originals) else None)
    out = []
    for job, prep, original, (lo, hi), table, facts in zip(jobs, preps, originals, segments, tables,
                                                          _facts(every, segments)):
        if whole is not None:
            t = row_range(whole, lo, hi, original.index)
        else:
            t = costs.with_columns(original, _rows(every, n, lo, hi), owned=True)
        out.append(engine.costed_account(job, settings, prep, t, table, settle=False, facts=facts))
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
    names = [_settle_name(job) for job in jobs]
    named: dict[str, int] = {}
    for i, (job, name) in enumerate(zip(jobs, names)):
        if name is not None:  # the same currency, and the same costed columns to price with
            groups.setdefault((job.currency, _dtypes_key(job.trades)), []).append(i)
            named[name] = named.get(name, 0) + 1
    out: list[Settled | None] = [None] * len(jobs)
    for rows in groups.values():
        rows = [i for i in rows if named[str(names[i])] == 1]
        for start in range(0, len(rows), MAX_BATCH_ACCOUNTS):
            part = rows[start:start + MAX_BATCH_ACCOUNTS]
            if len(part) < 2:
                continue
            for i, done in zip(part, settle_batch([jobs[i] for i in part], program, pooled,
                                                  [str(names[i]) for i in part])):
                out[i] = done
    return [done if done is not None else engine.settle_account(job, program, pooled)
            for job, done in zip(jobs, out)]


def _settle_name(job: SettleJob) -> str | None:
    """The one account value of a job's trades when its cash rows name none other (None: it is settled alone)."""
    t, cash = job.trades, job.cash
    if not len(t) or "account" not in t.columns or "close_time" not in t.columns:
        return None
    name = _one_text(t["account"])
    if name is None or np.isnat(t["close_time"].to_numpy()).any():
        return None
    if cash is not None and len(cash):
        if "account" not in cash.columns or "kind" not in cash.columns:
            return None
        if not (cash["account"].astype(str).to_numpy(dtype=object) == name).all():
            return None
    return name


def settle_batch(jobs: Sequence[SettleJob], program: RebateProgram, pooled: pd.Series | None,
                 names: Sequence[str]) -> list[Settled]:
    """engine.settle_account of each of ``jobs`` (one currency, distinct accounts: ``names``, see
    :func:`_settle_name`), priced as one frame: the rebate on the book's tiers, the payouts (per account and period)
    and their match with the statements' rebate rows (per account), then each account's share."""
    from fxcost.analysis import rebates

    currency = jobs[0].currency
    joined = pd.concat([job.trades for job in jobs], ignore_index=True)
    segments = _segments([len(job.trades) for job in jobs])
    whole = _keeps_dtypes(joined, [job.trades for job in jobs])  # else each account's frame re-priced
    frames = [job.trades.copy(deep=False) for job in jobs] if pooled is None or not whole else []
    if pooled is not None:
        priced = rebates.rebate_columns(joined, rebates.apply(joined, program, currency, pooled_volume=pooled,
                                                              apart=True), program)
        finished = costs.finish_columns({c: priced[c] if c in priced else joined[c].to_numpy()
                                         for c in costs.FINISH_INPUTS})
        every = {**priced, **finished}
        if whole:
            # Each column written whole: where an account's is unchanged (engine.settle_account leaves it) the same
            # bits and dtype are written, so every account's cut holds what settle_account gives it (issue 14).
            # Not written into the batch's frame: a column written into a consolidated block splits it, copying the
            # other columns each time (issue 14).
            joined = _written(joined, every)
            frames = [row_range(joined, lo, hi, job.trades.index) for job, (lo, hi) in zip(jobs, segments)]
        else:
            for t, (lo, hi) in zip(frames, segments):
                for col, value in _rows(every, len(joined), lo, hi).items():
                    if not engine._unchanged(t[col], value):
                        t[col] = value
            joined = pd.concat(frames, ignore_index=True)
    paid = rebates.payouts(joined, joined["rebate"].to_numpy(), program)
    cash = [job.cash for job in jobs if job.cash is not None and len(job.cash)]
    matches_of: dict[str, tuple[int, int]] = {}
    matches = paid.iloc[:0]
    # The statements' cash rows matched together when their frames have the same columns and dtypes (a column one
    # lacks would read as missing in the others' rows); else account by account.
    if len({_dtypes_key(frame) for frame in cash}) <= 1:
        matches = rebates.match_payouts(paid, pd.concat(cash, ignore_index=True) if cash else None,
                                        statement_end={name: job.statement_end for name, job in zip(names, jobs)})
        matches_of = _ranges(matches, names)
    checks = matches["amount_check"].to_numpy(dtype=object) if "amount_check" in matches.columns else None
    paid_of = _ranges(paid, names)
    # engine._cap_warnings' own test, per account (a trade whose rebate the cap cut), on the batch's column.
    capped = (np.add.reduceat((joined["capped_rebate"].to_numpy(dtype=float) > 1e-9).astype(np.int64),
                              np.array([lo for lo, _ in segments], dtype=np.intp))
              if program.eligibility.cap_pct_of_spread is not None and "capped_rebate" in joined.columns
              else np.zeros(len(jobs), dtype=np.int64))
    out = []
    for job, t, name, cut in zip(jobs, frames, names, capped):
        mine = _cut(paid, paid_of.get(name))
        if mine is None:
            mine = rebates.payouts(t, t["rebate"].to_numpy(), program)
        rows = matches_of.get(name)
        found = _cut(matches, rows)
        if found is None:
            found = rebates.match_payouts(mine, job.cash, statement_end=job.statement_end)
        # The warnings' own tests first (issue 14): most accounts are paid as expected, and most programs cap nothing.
        off = (bool(np.isin(checks[rows[0]:rows[1]], ("underpaid", "overpaid")).any())
               if rows is not None and checks is not None else bool(len(found)))
        warnings = engine._payout_warnings(job.label, currency, program, found) if off else []
        if cut:
            warnings += engine._cap_warnings(job.label, currency, t, program)
        out.append(Settled(t, mine, found, warnings))
    return out


def _segments(lengths: Sequence[int]) -> list[tuple[int, int]]:
    """The row range (start, stop) of each of consecutive pieces of these lengths in the frame they are joined in."""
    ends = np.cumsum(lengths, dtype=np.int64)
    return list(zip((ends - np.asarray(lengths, dtype=np.int64)).tolist(), ends.tolist()))


def _dtypes_key(frame: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """A frame's columns and their dtypes' names, to group frames that concatenate without a dtype changing (as far
    as names tell: :func:`_keeps_dtypes` checks categories)."""
    return tuple((str(c), _dtype_name(d)) for c, d in frame.dtypes.items())


#: Each numpy dtype's name as str() gives it, found once per dtype (issue 14: numpy names a dtype in Python, and a
#: book's accounts asked for the names of their 70 columns several times each). Equal numpy dtypes have one name;
#: pandas' own dtypes (a categorical's holds its categories) are named each time, not kept.
_DTYPE_NAMES: dict[np.dtype, str] = {}


def _dtype_name(dtype: Any) -> str:
    if not isinstance(dtype, np.dtype):
        return str(dtype)
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = str(dtype)
    return name


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
    return row_range(frame, rows[0], rows[1])


def _fills(frame: pd.DataFrame, segments: Sequence[tuple[int, int]]) -> np.ndarray:
    """engine.fills_of each account of a batch (no backtests in a batch): observed_spreads.usable per (account,
    file): the rows of a file whose times print seconds; per account when the trades name no file."""
    nat = np.iinfo("int64").min
    seconds = np.zeros(len(frame), dtype=bool)
    for col in ("open_time", "close_time"):
        ns = codes.nanoseconds(frame[col])
        seconds |= (ns != nat) & ((ns // 1_000_000_000) % 60 != 0)
    account = np.repeat(np.arange(len(segments)), [hi - lo for lo, hi in segments])
    if "source" in frame.columns:
        files, _ = pd.factorize(frame["source"].astype(str).to_numpy(dtype=object))
        group, _ = pd.factorize(account.astype(np.int64) * (int(files.max()) + 1) + files)
    else:
        group = account
    has = np.zeros(int(group.max()) + 1, dtype=bool)
    np.logical_or.at(has, group, seconds)
    return has[group]


def _spread_tables(jobs: Sequence[AccountJob], frame: pd.DataFrame, segments: Sequence[tuple[int, int]],
                   spread: np.ndarray, source: np.ndarray, tod: np.ndarray,
                   summary: dict[Any, Any], settings: AnalysisSettings, profile: Any) -> list[pd.DataFrame]:
    """observed_spreads.apply on each account's rows (``spread`` and ``source`` changed in place where they are
    observed), and each account's spread table as engine.cost_account labels it, cut from one frame (issue 14: three
    frames built per account cost more than the rest of its spreads)."""
    roots, cats = frame["symbol_root"].array, frame["category"].array
    assert isinstance(roots, pd.Categorical) and isinstance(cats, pd.Categorical)  # as_categories, classify
    root_names = np.asarray(roots.categories, dtype=object)
    cat_names = np.asarray(cats.categories, dtype=object)
    pip, point = frame["pip"].to_numpy(dtype="float64"), frame["point"].to_numpy(dtype="float64")
    lazy: dict[str, np.ndarray] = {}

    def whole(name: str) -> np.ndarray:  # a column of the batch read once, when an account needs it
        if name not in lazy:
            lazy[name] = (np.asarray(pd.to_datetime(frame["open_time"]), dtype="datetime64[M]") if name == "months"
                          else frame[name].astype(str).to_numpy(dtype=object))
        return lazy[name]

    def cut(name: str, lo: int, hi: int) -> Callable[[], np.ndarray]:  # one account's rows of it, when asked
        return lambda: whole(name)[lo:hi]

    columns: dict[str, list[np.ndarray]] = {}
    for job, (lo, hi) in zip(jobs, segments):
        root_codes, root_text = observed_spreads.text_codes_of(roots.codes[lo:hi], root_names,
                                                               cut("symbol_root", lo, hi))
        cat_codes, cat_text = observed_spreads.text_codes_of(cats.codes[lo:hi], cat_names, cut("category", lo, hi))
        rows = observed_spreads.Rows(root_codes, root_text, cat_codes, cat_text, pip[lo:hi], point[lo:hi],
                                     _account_of(job), cut("category", lo, hi), cut("months", lo, hi))
        if settings.observed_spreads:
            table = observed_spreads.replace_in(rows, spread[lo:hi], source[lo:hi], tod[lo:hi], summary)
        else:  # switched off: the same per-symbol table, nothing observed (issue 12)
            table = observed_spreads.replace_in(rows, spread[lo:hi].copy(), source[lo:hi].copy(), tod[lo:hi], {})
            table["note"] = np.full(len(table["note"]), "observed spreads switched off", dtype=object)
        final = engine.final_labels(table["symbol"], table["label"], roots.codes[lo:hi], root_names, source[lo:hi])
        table.update({k: np.array(v, dtype=object) for k, v in final.items()})
        table.update(_catalogue(table["symbol"], profile, frame, lo, hi))
        table["account"] = np.full(len(table["symbol"]), job.book.label, dtype=object)
        for col, value in table.items():
            columns.setdefault(col, []).append(value)
    joined = pd.DataFrame({c: np.concatenate(v) for c, v in columns.items()},
                          columns=[*observed_spreads.TABLE_COLUMNS, *observed_spreads.CATALOGUE_COLUMNS])
    return [row_range(joined, lo, hi)
            for lo, hi in _segments([len(v) for v in columns["symbol"]])]


def _catalogue(symbols: np.ndarray, profile: Any, frame: pd.DataFrame, lo: int, hi: int) -> dict[str, np.ndarray]:
    """engine._catalogue_columns of a table's ``symbols`` (the account's classified trades, rows ``lo:hi`` of
    ``frame``, are read only when its profile's catalogue entry publishes one of them)."""
    entry = getattr(profile, "catalogue_entry", None)
    published = entry.published() if entry is not None else {}
    if not any(str(root) in published for root in symbols):  # most accounts: no entry, or none of its symbols
        return {"catalogue_pips": np.full(len(symbols), np.nan), "catalogue_source": np.full(len(symbols), "", dtype=object)}
    found = engine._catalogue_columns(pd.DataFrame({"symbol": symbols}), frame.iloc[lo:hi], profile)
    return {"catalogue_pips": np.array(found["catalogue_pips"], dtype="float64"),
            "catalogue_source": np.array(found["catalogue_source"], dtype=object)}


def _facts(columns: dict[str, Any], segments: Sequence[tuple[int, int]]) -> list[engine.Facts]:
    """engine.Facts of each account of a batch, read from the batch's columns: engine._usd_rate, _uses_profile, the
    count of trades with a default M and whether engine._spread_warnings has trades to tell of."""
    starts = np.array([lo for lo, _ in segments], dtype=np.intp)
    codes_, labels = pd.factorize(np.asarray(columns["spread_source"], dtype=object))
    text = [str(x) for x in labels]
    profiled = np.array([not (x.startswith("measured") or x.startswith("tester:")) for x in text] + [True])[codes_]
    missing = np.array([x.startswith(NO_SPREAD) for x in text] + [False])[codes_]
    defaults = np.asarray(columns["m_source"], dtype=object) == "default"
    usd = np.asarray(columns["usd_rate"], dtype="float64")
    per = [np.add.reduceat(x.astype(np.int64), starts) for x in (profiled, missing, defaults)]
    return [engine.Facts(float(usd[lo]), bool(p), int(d), bool(m))
            for (lo, _), p, m, d in zip(segments, *per)]


def _cuttable(columns: dict[str, Any], joined: pd.DataFrame, frames: Sequence[pd.DataFrame]) -> bool:
    """Whether a cut of the batch's frame holds what costs.with_columns makes of each account's own rows: the
    joined trades keep the accounts' dtypes (:func:`_keeps_dtypes`), and every column of objects is all text
    (pandas reads it as text then, in any cut; a mix could read otherwise in a cut)."""
    if not _keeps_dtypes(joined, frames):
        return False
    return all(pd.api.types.infer_dtype(v, skipna=False) == "string" for v in columns.values()
               if isinstance(v, np.ndarray) and v.dtype == object)


def _keeps_dtypes(joined: pd.DataFrame, frames: Sequence[pd.DataFrame]) -> bool:
    """Whether the frames ``joined`` was concatenated from each have its columns and dtypes (a categorical of other
    categories, or of the same in another order, would not: joined, it takes the first one's)."""
    dtypes = list(joined.dtypes)
    return all(list(f.columns) == list(joined.columns) and all(engine.same_dtype(x, y) for x, y in zip(dtypes, f.dtypes))
               for f in frames)


def _written(frame: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    """``frame`` with ``columns`` written over its own, in their places, and the others appended: what
    ``pd.DataFrame({**frame, **columns})`` builds, but with ``frame``'s other columns as views and each new column in
    a block of its own (issue 14: that constructor copied a batch's every column into consolidated blocks, half of
    settling a 500-client book). ``columns`` are the caller's own numpy arrays; one that is a view of another array,
    or given for two columns, is copied, and so is any pandas array (whether it is a view cannot be told)."""
    seen: set[int] = set()
    own: dict[str, Any] = {}
    for col, value in columns.items():
        if (isinstance(value, np.ndarray) and (value.base is not None or id(value) in seen)) \
                or isinstance(value, ExtensionArray):
            value = value.copy()
        seen.add(id(value))
        own[col] = value
    new = pd.DataFrame(own, index=frame.index, copy=False)
    rest = frame.drop(columns=[c for c in columns if c in frame.columns])
    order = list(frame.columns) + [c for c in columns if c not in frame.columns]
    return pd.concat([rest, new], axis=1)[order]


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
        prep.clock = engine.shape_clock_and_why(settings, prep.offset, ends.iloc[lo:hi], prep.profile)
        clock = prep.clock[0]
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
