"""Costed trades summed by symbol, category, month, week, weekday, hour, holding time, side or account."""

from __future__ import annotations

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


def key_series(t: pd.DataFrame, key: str, time_col: str = "close_time") -> pd.Series:
    """The grouping value of each trade for ``key``; times are server time as printed.

    ``month`` and ``week`` are periods (weeks run Monday to Sunday); ``weekday`` and ``hold``
    are ordered categoricals so tables and charts come out in calendar / duration order.
    """
    if key == "symbol":
        return t["symbol_root"].rename("symbol")
    if key in ("month", "week", "weekday", "hour", "year"):
        times: pd.Series[pd.Timestamp] = t[time_col]
        if key == "year":  # issue 15: the By year table
            return times.dt.to_period("Y").rename(key)
        if key == "month":
            return times.dt.to_period("M").rename(key)
        if key == "week":
            return times.dt.to_period("W-SUN").rename(key)
        if key == "hour":
            return times.dt.hour.rename(key)
        codes = times.dt.day_of_week.fillna(-1).astype("int64").to_numpy()
        return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(list(WEEKDAYS)), ordered=True),
                         index=t.index, name=key)
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


def _parts(t: pd.DataFrame) -> pd.DataFrame:
    """Per-trade addends whose group sums give every column (ratios are taken after summing)."""
    lots = t["lots"].to_numpy(dtype="float64")
    lot_pips = lots * t["pip_value"].to_numpy(dtype="float64")
    has_pips = np.isfinite(lot_pips) & (lot_pips > 0)
    usd = t["usd_rate"].to_numpy(dtype="float64")
    notional = t["notional_usd"].to_numpy(dtype="float64")
    has_notional = np.isfinite(notional) & (notional > 0) & np.isfinite(usd)
    tc = t["transaction_cost"].to_numpy(dtype="float64")
    ntc = t["net_transaction_cost"].to_numpy(dtype="float64")
    profit = t["profit"].to_numpy(dtype="float64")
    data = {"trades": np.ones(len(t), dtype="int64")}
    data.update({c: t[c].to_numpy(dtype="float64") for c in SUMMED})
    # Trades without a pip (non-FX without a convention) or notional stay out of both sides of
    # the pip and bps ratios instead of dragging them towards zero.
    data["_lot_pips"] = np.where(has_pips, lot_pips, 0.0)
    data["_tc_pips"] = np.where(has_pips, tc, 0.0)
    data["_ntc_pips"] = np.where(has_pips, ntc, 0.0)
    data["_notional"] = np.where(has_notional, notional, 0.0)
    data["_tc_usd"] = np.where(has_notional, tc * usd, 0.0)
    data["_ntc_usd"] = np.where(has_notional, ntc * usd, 0.0)
    data["_win"] = (profit > 0).astype("int64")
    data["_decisive"] = (profit != 0).astype("int64")
    return pd.DataFrame(data, index=t.index)


def group_sums(parts: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Column sums of ``parts`` per group (sorted; categorical keys in category order, groups without trades
    and trades without a group left out). Pandas sums a single float block in one pass, faster than a
    bincount per column on a million trades."""
    sums = parts.groupby(groups, sort=True, observed=True).sum()
    sums.index.name = groups.name
    return sums


def _finish(s: pd.DataFrame) -> pd.DataFrame:
    # Each column read once as an array and the table made in one go (issue 10: a column set at a time cost more
    # than the sums on a 100k-trade report, for a dozen small tables).
    v = {c: s[c].to_numpy() for c in ("trades", *SUMMED, "_tc_pips", "_ntc_pips", "_lot_pips", "_win", "_decisive",
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
    return _finish(group_sums(_parts(t), key_series(t, key, time_col)))


def addends(t: pd.DataFrame) -> pd.DataFrame:
    """The per-trade addends of :func:`by_many`, for a caller that groups the same trades several times."""
    return _parts(t)


def by_many(t: pd.DataFrame, keys: tuple[str, ...] = KEYS, time_col: str = "close_time", *,
            parts: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """:func:`by` for several keys at once, building the per-trade addends only once (``parts``: the
    :func:`addends` of ``t`` when the caller has them already)."""
    parts = _parts(t) if parts is None else parts
    out = {}
    for key in keys:
        out[key] = _finish(group_sums(parts, key_series(t, key, time_col)))
    return out


def total(t: pd.DataFrame) -> pd.Series:
    """The same columns as :func:`by` over the whole frame (what every ``by`` table sums to)."""
    sums = _parts(t).sum().to_frame().T
    row = _finish(sums).iloc[0]
    row.name = "Total"
    return row


def totals(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """:func:`total` of each of ``frames`` (at least one), one row per frame (index 0, 1, ...): the same sums, with
    the ratios taken once for all rows (an IB's book has hundreds of accounts, issue 14)."""
    return _finish(pd.DataFrame([_parts(t).sum() for t in frames]))
