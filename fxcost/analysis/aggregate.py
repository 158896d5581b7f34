"""Costed trades summed by symbol, category, month, week, weekday, hour, holding time, side or account."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

#: Keys :func:`by` understands; any other column name of the frame groups by that column as is.
KEYS = ("symbol", "category", "month", "week", "weekday", "hour", "hold", "side", "account")
#: Issue 15: also understood by :func:`key_series` (not in KEYS, so callers of the default keys are unchanged).
EXTRA_KEYS = ("year",)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: Holding-time buckets: lower edges in seconds (each bucket is [edge, next edge)).
HOLD_EDGES = (60.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 86400.0, 7 * 86400.0)
HOLD_LABELS = ("<1 min", "1–5 min", "5–15 min", "15–60 min", "1–4 h", "4–24 h", "1–7 d", ">7 d")

#: Money columns summed as they are (account currency; merged frames are already in one currency).
SUMMED = ("lots", "profit", "commission", "taxes", "swap", "spread_cost", "rebate", "broker_net",
          "net_after_rebate", "transaction_cost", "net_transaction_cost")

#: Columns of every aggregation, in order.
COLUMNS = ("trades",) + SUMMED + (
    "cost_per_lot", "cost_per_lot_after", "cost_pips_per_lot", "cost_pips_per_lot_after", "win_rate",
    "bps_before", "bps",
)


_NS_PER_HOUR = 3_600_000_000_000
_NS_PER_DAY = 24 * _NS_PER_HOUR


class _Clock:
    """The nanoseconds and day numbers of a time column, read once for every calendar key of :func:`by_many`
    (issue 10: a million close times turned into months, weeks, years, weekdays and hours one key at a time).
    ``ns`` is None when the column is not plain datetime64[ns] or holds a NaT: pandas' accessors then decide."""

    def __init__(self, times: pd.Series[pd.Timestamp]) -> None:
        self.times = times
        ns = None
        if times.dtype == np.dtype("datetime64[ns]"):
            values = times.to_numpy().view(np.int64)
            if not bool((values == np.iinfo(np.int64).min).any()):
                ns = values
        self.ns: npt.NDArray[np.int64] | None = ns
        self._days: npt.NDArray[np.int64] | None = None
        self._months: npt.NDArray[np.int64] | None = None

    @property
    def days(self) -> npt.NDArray[np.int64]:
        assert self.ns is not None
        if self._days is None:
            self._days = np.floor_divide(self.ns, _NS_PER_DAY)
        return self._days

    @property
    def months(self) -> npt.NDArray[np.int64]:
        """Months since 1970-01: the ordinals of monthly periods."""
        if self._months is None:
            self._months = self.days.astype("datetime64[D]").astype("datetime64[M]").view(np.int64)
        return self._months

    def key(self, key: str) -> pd.Series:
        """:func:`key_series` of a calendar key: the same values, from integer arithmetic on the nanoseconds
        (1970-01-01 was a Thursday; weekly periods end on Sunday) instead of pandas' calendar fields per key."""
        times = self.times
        if self.ns is None:
            return _calendar_key(times, key)
        if key in ("month", "week", "year"):
            ordinals = (self.months if key == "month" else np.floor_divide(self.months, 12) if key == "year"
                        else np.floor_divide(self.days + 3, 7) + 1)
            freq = {"month": "M", "week": "W-SUN", "year": "Y"}[key]
            return pd.Series(pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype(freq)), index=times.index,
                             name=key)
        if key == "hour":
            hours = (np.floor_divide(self.ns, _NS_PER_HOUR) % 24).astype(np.int32)
            return pd.Series(hours, index=times.index, name=key)
        return _weekday_series(((self.days + 3) % 7).astype(np.int64), times.index)


def _weekday_series(codes: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(list(WEEKDAYS)), ordered=True),
                     index=index, name="weekday")


def _calendar_key(times: pd.Series[pd.Timestamp], key: str) -> pd.Series:
    """A calendar key through pandas' accessors (the general case of :meth:`_Clock.key`)."""
    if key == "year":  # issue 15: the By year table
        return times.dt.to_period("Y").rename(key)
    if key == "month":
        return times.dt.to_period("M").rename(key)
    if key == "week":
        return times.dt.to_period("W-SUN").rename(key)
    if key == "hour":
        return times.dt.hour.rename(key)
    return _weekday_series(times.dt.day_of_week.fillna(-1).astype("int64").to_numpy(), times.index)


def key_series(t: pd.DataFrame, key: str, time_col: str = "close_time", clock: _Clock | None = None) -> pd.Series:
    """The grouping value of each trade for ``key``; times are server time as printed.

    ``month`` and ``week`` are periods (weeks run Monday to Sunday); ``weekday`` and ``hold``
    are ordered categoricals so tables and charts come out in calendar / duration order.
    ``clock``: the time column's :class:`_Clock`, shared by several calendar keys.
    """
    if key == "symbol":
        return t["symbol_root"].rename("symbol")
    if key in ("month", "week", "weekday", "hour", "year"):
        return (_Clock(t[time_col]) if clock is None else clock).key(key)
    if key == "hold":
        seconds = t["hold_seconds"].to_numpy(dtype="float64")
        # searchsorted puts negative holds (clock skew in the export) into the first bucket.
        codes = np.searchsorted(np.asarray(HOLD_EDGES), seconds, side="right")
        codes = np.where(np.isnan(seconds), -1, codes)
        return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(list(HOLD_LABELS)), ordered=True),
                         index=t.index, name=key)
    if key in t.columns:
        return t[key]
    raise ValueError(f"cannot group by {key!r}: use one of {', '.join(KEYS)} or a column name")


def account_codes(accounts: pd.Series, sort: bool = True, as_text: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Each trade's account as a code into the sorted account texts, and those texts (object array): the codes of
    a categorical column with sorted, all-used categories as they are (summary.build keys the account column
    once; issue 10: the IB tables and the activity grouped a million trades by their text again), else the texts
    factorised. Both give the same codes and texts. ``sort=False``: the codes and texts in order of first
    appearance instead, as ``pd.factorize`` gives them (a grouping whose keys come in that order sums as before).
    ``as_text=False``: the values factorised as they are, not as text (a missing account stays out, code -1)."""
    if isinstance(accounts.dtype, pd.CategoricalDtype):
        codes = accounts.cat.codes.to_numpy()
        categories = accounts.cat.categories
        if (len(codes) and categories.dtype == object and codes.min() >= 0
                and all(type(c) is str for c in categories) and categories.is_monotonic_increasing
                and categories.is_unique and bool(np.bincount(codes, minlength=len(categories)).all())):
            names = np.asarray(categories, dtype=object)
            if sort:
                return codes.astype(np.intp, copy=False), names
            firsts = pd.unique(codes)  # the codes in order of first appearance: a pass over small integers
            remap = np.zeros(len(categories), dtype=np.intp)
            remap[firsts] = np.arange(len(firsts))
            return remap[codes], names[firsts]
    values = accounts.astype(str) if as_text else accounts
    codes, names = pd.factorize(values.to_numpy(dtype=object), sort=sort)
    return codes, np.asarray(names, dtype=object)


def ratio(num: npt.ArrayLike, den: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """num / den with NaN wherever the denominator is zero or missing (never inf)."""
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    ok = np.isfinite(den) & (den != 0)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=ok)
    return out


def group_sums(parts: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Column sums of ``parts`` per group (sorted; categorical keys in category order, groups without trades
    and trades without a group left out). Pandas sums a single float block in one pass, faster than a
    bincount per column on a million trades."""
    sums = parts.groupby(groups, sort=True, observed=True).sum()
    sums.index.name = groups.name
    return sums


def _finish(s: pd.DataFrame, same: Mapping[str, str | None] | None = None) -> pd.DataFrame:
    """The table from the group sums ``s``; ``same``: sums ``s`` leaves out (:class:`Addends`), each read from the
    column of the same values, or zero."""
    # Each column read once as an array and the table made in one go (issue 10: a column set at a time cost more
    # than the sums on a 100k-trade report, for a dozen small tables).
    same = same or {}

    def read(c: str) -> np.ndarray:
        source = same[c] if c in same else c
        return np.zeros(len(s)) if source is None else s[source].to_numpy()

    v = {c: read(c) for c in ("trades", *SUMMED, "_tc_pips", "_ntc_pips", "_lot_pips", "_win", "_decisive",
                              "_tc_usd", "_ntc_usd", "_notional")}
    out = {c: v[c].copy() for c in ("trades", *SUMMED)}
    out["cost_per_lot"] = ratio(v["transaction_cost"], v["lots"])
    out["cost_per_lot_after"] = ratio(v["net_transaction_cost"], v["lots"])
    out["cost_pips_per_lot"] = ratio(v["_tc_pips"], v["_lot_pips"])
    out["cost_pips_per_lot_after"] = ratio(v["_ntc_pips"], v["_lot_pips"])
    # Win = Profit > 0 among trades with a non-zero Profit, as in breakeven.summary.
    out["win_rate"] = ratio(v["_win"], v["_decisive"])
    out["bps_before"] = ratio(v["_tc_usd"], v["_notional"]) * 1e4
    out["bps"] = ratio(v["_ntc_usd"], v["_notional"]) * 1e4
    return pd.DataFrame(out, index=s.index)


def by(t: pd.DataFrame, key: str, time_col: str = "close_time") -> pd.DataFrame:
    """Sums and money-weighted ratios of the costed frame per value of ``key`` (one row per group).

    ``cost_per_lot`` is money per round-turn lot; ``cost_pips_per_lot`` is Σ cost / Σ(lots x pip
    value); ``win_rate`` is the share of Profit-winners among trades with non-zero Profit (a
    fraction); ``bps`` is Σ net cost in USD / Σ notional USD x 10,000. Groups without trades are
    left out; categorical keys keep their order.
    """
    return _finish(group_sums(addends(t, every=True).frame, key_series(t, key, time_col)))


@dataclass(frozen=True)
class Addends:
    """The per-trade addends of :func:`by_many` (:func:`addends`): ``frame`` holds each column whose sums must be
    taken; ``same`` names the columns left out of it, each with the column of the very same values (so the same
    sums: the pip and USD columns of an account whose trades all have a pip and a notional in USD), or None for a
    column of zeros (no taxes, no rebate). Issue 10: the grouped sums are the summary's largest cost on a million
    trades, and every column left out is one less to sum per table."""

    frame: pd.DataFrame
    same: dict[str, str | None] = field(default_factory=dict)


def _zero(values: np.ndarray) -> bool:
    """Every value is +0.0 (its sums are 0.0 whichever way they are taken; -0.0 and NaN are not zero here)."""
    return not np.ascontiguousarray(values, dtype="float64").view(np.int64).any()


def addends(t: pd.DataFrame, every: bool = False) -> Addends:
    """Per-trade addends whose group sums give every column of the tables (ratios are taken after summing), for
    :func:`by_many`'s callers that group the same trades several times; the float columns are written into one block
    as they are computed (no second copy when the frame is made), and a column equal to another, or of zeros, is
    left out (:class:`Addends`) unless ``every`` column is asked for."""
    n = len(t)
    lots = t["lots"].to_numpy(dtype="float64")
    lot_pips = lots * t["pip_value"].to_numpy(dtype="float64")
    has_pips = np.isfinite(lot_pips) & (lot_pips > 0)
    usd = t["usd_rate"].to_numpy(dtype="float64")
    notional = t["notional_usd"].to_numpy(dtype="float64")
    has_notional = np.isfinite(notional) & (notional > 0) & np.isfinite(usd)
    all_pips, all_notional = bool(has_pips.all()), bool(has_notional.all())
    one_usd = all_notional and bool((usd == 1.0).all())
    same: dict[str, str | None] = {} if every else {c: None for c in SUMMED if _zero(t[c].to_numpy(dtype="float64"))}
    # np.where(all true, x, 0) is x, and x * 1.0 is x: those columns' sums are the cost columns' own.
    if all_pips and not every:
        same.update({"_tc_pips": "transaction_cost", "_ntc_pips": "net_transaction_cost"})
    if one_usd and not every:
        same.update({"_tc_usd": "transaction_cost", "_ntc_usd": "net_transaction_cost"})
    for alias, source in list(same.items()):
        if source is not None and source in same:  # the source column is zeros itself
            same[alias] = same[source]
    names = [c for c in (*SUMMED, "_lot_pips", "_tc_pips", "_ntc_pips", "_notional", "_tc_usd", "_ntc_usd")
             if c not in same]
    block = np.empty((len(names), n))
    rows = {c: block[i] for i, c in enumerate(names)}
    for c in SUMMED:
        if c in rows:
            np.copyto(rows[c], t[c].to_numpy(dtype="float64"))
    tc = t["transaction_cost"].to_numpy(dtype="float64")
    ntc = t["net_transaction_cost"].to_numpy(dtype="float64")
    # Trades without a pip (non-FX without a convention) or a notional stay out of both sides of the pip and bps
    # ratios instead of dragging them towards zero.
    for name, values, keep in (("_lot_pips", lot_pips, has_pips), ("_tc_pips", tc, has_pips),
                               ("_ntc_pips", ntc, has_pips), ("_notional", notional, has_notional)):
        if name in rows:
            np.copyto(rows[name], values)
            np.copyto(rows[name], 0.0, where=~keep)
    for name, values in (("_tc_usd", tc), ("_ntc_usd", ntc)):
        if name in rows:
            np.multiply(values, usd, out=rows[name])
            np.copyto(rows[name], 0.0, where=~has_notional)
    frame = pd.DataFrame(block.T, columns=names, index=t.index, copy=False)
    profit = t["profit"].to_numpy(dtype="float64")
    frame.insert(0, "trades", np.ones(n, dtype="int64"))
    frame["_win"] = (profit > 0).astype("int64")
    frame["_decisive"] = (profit != 0).astype("int64")
    return Addends(frame, same)


def _one_group(groups: pd.Series) -> bool:
    """Every trade is in one group (a categorical whose every code is the same category: one account, one
    strategy, no magic number)."""
    if not isinstance(groups.dtype, pd.CategoricalDtype):
        return False
    codes = groups.array.codes
    return bool(len(codes)) and codes[0] >= 0 and bool((codes == codes[0]).all())


def by_many(t: pd.DataFrame, keys: tuple[str, ...] = KEYS, time_col: str = "close_time", *,
            parts: Addends | None = None) -> dict[str, pd.DataFrame]:
    """:func:`by` for several keys at once, building the per-trade addends only once (``parts``: the
    :func:`addends` of ``t`` when the caller has them already), and the calendar fields of the times once."""
    parts = addends(t) if parts is None else parts
    clock = _Clock(t[time_col]) if time_col in t.columns else None
    one: pd.DataFrame | None = None
    out = {}
    for key in keys:
        groups = key_series(t, key, time_col, clock)
        if _one_group(groups):
            # Every trade in one group gives the same sums whichever key put them there (issue 10: one account,
            # one strategy, one magic number): summed once, each key's table with its own label.
            if one is None:
                one = group_sums(parts.frame, groups)
            dtype = groups.dtype
            assert isinstance(dtype, pd.CategoricalDtype)
            label = pd.CategoricalIndex(pd.Categorical.from_codes(groups.array.codes[:1], dtype=dtype),
                                        name=groups.name)
            sums = one.set_axis(label, axis=0)
        else:
            sums = group_sums(parts.frame, groups)
        out[key] = _finish(sums, parts.same)
    return out


def total(t: pd.DataFrame) -> pd.Series:
    """The same columns as :func:`by` over the whole frame (what every ``by`` table sums to)."""
    sums = addends(t, every=True).frame.sum().to_frame().T
    row = _finish(sums).iloc[0]
    row.name = "Total"
    return row


def totals(frames: list[pd.DataFrame], joined: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`total` of each of ``frames`` (at least one), one row per frame (index 0, 1, ...): the same sums, with
    the ratios taken once for all rows (an IB's book has hundreds of accounts, issue 14). ``joined``: the frames one
    after the other (engine.AnalysisResult.rows_in_order), whose addends are made once and summed frame by frame:
    each frame's rows of them are its own addends, summed by the same pandas sum."""
    if joined is None:
        return _finish(pd.DataFrame([addends(t, every=True).frame.sum() for t in frames]))
    parts = addends(joined, every=True).frame
    bounds = np.cumsum([0, *(len(t) for t in frames)])
    return _finish(pd.DataFrame([parts.iloc[start:stop].sum() for start, stop in zip(bounds[:-1], bounds[1:])]))
