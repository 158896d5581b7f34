"""Spreads seen in the trader's own fills (DOMAIN.md 3.5): same-second buy/sell pairs per account and symbol.

A market buy fills at the ask and a market sell at the bid, so a buy and a sell of one symbol executed in
the same second differ by the spread: two opens give buy price - sell price, two closes sell close - buy
close, and a close and an open whose fills are of opposite sides (a position closed as the next opens: a buy opens
with a buy fill and closes with a sell fill) the buy fill's price - the sell fill's (:data:`MIXED`).
A trade opened and closed in one second pairs with itself (its ask, then its bid). Every buy x sell combination of
one (account, symbol, second, end or close/open) counts as a pair (at most :data:`MAX_SIDE` per side and end, so a
grid of hundreds of orders in one second stays bounded). Pairs with a
negative spread (sides swapped: a pending order at its level, a quote that moved) are dropped.

Which fills count (issue 12): only statements whose times print seconds (a Strategy Tester report prints
minutes, and a same-minute pair is noise) and that are not backtests; closes by SL, TP or stop-out (filled at
a level, not at the market) and close-by pairs (both legs at one price) are left out. The model keeps no
order type for filled positions, so a position opened by a pending order cannot be told from a market one:
the median and the consistency rule below absorb those.

The engine uses an observed spread for a symbol when it has at least :data:`MIN_PAIRS` pairs and they are
consistent (:func:`consistent`); per month where a month alone has that many consistent pairs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fxcost.analysis.codes import factorize as codes_of
from fxcost.analysis.codes import nanoseconds

#: Fewest pairs behind an observed spread. With 5 pairs the median survives two outliers (a pending order,
#: a quote that moved within the second); fewer would let one bad pair pick the spread.
MIN_PAIRS = 5
#: Consistency: the interquartile range of the pairs may be at most this multiple of their median ...
MAX_IQR_RATIO = 1.0
#: ... or at most this many points (spreads are whole points: 0.4 and 0.6 pips disagree by 100% yet by 2 points).
MAX_IQR_POINTS = 3.0
#: Consistency: at most this share of all pairs may be negative (dropped); more means the "pairs" are not
#: market fills at one quote (e.g. limit orders of a grid filled at their levels).
MAX_NEGATIVE_SHARE = 0.25
#: Most buys (and sells) of one second paired with each other.
MAX_SIDE = 50
#: Closes filled at a level, not at the market (model close_reason).
LEVEL_CLOSES = ("sl", "tp", "so")
#: Order types (model.TRADE_COLUMNS open/close_order_type) that fill at the bid/ask: market, or not known.
MARKET_KINDS = ("market", "")
#: How the engine labels an observed spread (issue 12); ``{k}`` pairs.
OBSERVED = "observed: median of {k} same-second pairs"
#: The end of a pair of a close and an open (:func:`_mixed_pairs`); the others are "open" and "close".
MIXED = "close/open"
#: Label of a profile spread scaled by the account's observed/profile ratio.
CALIBRATED = "calibrated"

PAIR_COLUMNS = ("account", "symbol_root", "end", "time", "spread")


def has_seconds(times: pd.Series) -> bool:
    """Whether a file's times print seconds: any time with a nonzero second (minute-only times never have)."""
    ns = np.asarray(pd.to_datetime(times), dtype="datetime64[ns]").view("int64")
    ns = ns[ns != np.iinfo("int64").min]
    return bool(len(ns)) and bool(((ns // 1_000_000_000) % 60 != 0).any())


def usable(t: pd.DataFrame, excluded_sources: Iterable[object] = ()) -> np.ndarray:
    """Rows whose fills may be paired: from files with seconds in their times and not in ``excluded_sources``
    (backtests); a frame without a ``source`` column is one file."""
    n = len(t)
    if not n:
        return np.zeros(0, dtype=bool)
    if "source" not in t.columns:
        return np.full(n, has_seconds(pd.concat([t["open_time"], t["close_time"]])))
    src = t["source"].astype(str).to_numpy(dtype=object)
    codes, files = pd.factorize(src)
    ok = np.zeros(len(files) + 1, dtype=bool)
    excluded = {str(x) for x in excluded_sources}
    # Both time columns read once, each file's rows cut from the arrays (issue 14: not a concat per file).
    times = [nanoseconds(t[col]) for col in ("open_time", "close_time")]
    for i, f in enumerate(files):
        if f in excluded:
            continue
        rows = codes == i
        ok[i] = any(_any_seconds(ns[rows]) for ns in times)
    return ok[codes]


def _any_seconds(ns: np.ndarray) -> bool:
    """:func:`has_seconds` of int64 ns times."""
    ns = ns[ns != np.iinfo("int64").min]
    return bool(len(ns)) and bool(((ns // 1_000_000_000) % 60 != 0).any())


def same_second_pairs(t: pd.DataFrame, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Every same-second buy/sell pair of ``t`` (rows ``rows``): account, symbol_root, end ("open", "close" or
    :data:`MIXED`), time (the second), spread (price units; negatives kept, :func:`summarise` drops them).

    Where ``t`` has ``open_order_type`` / ``close_order_type`` (MT5 Orders section, issue 12), an end filled by a
    pending order (limit, stop, stop limit, close by) is left out: it filled at the order's level, not at the
    bid/ask. "market" and "" (unknown) are kept."""
    parts = _pair_parts(t, rows)
    if not parts:
        return _no_pairs().copy()
    return pd.concat([pd.DataFrame({"account": p.account, "symbol_root": p.symbol_root, "end": p.end,
                                    "time": pd.to_datetime(p.time), "spread": p.spread}) for p in parts],
                     ignore_index=True)


def _pair_parts(t: pd.DataFrame, rows: np.ndarray | None = None) -> list[_Pairs]:
    """:func:`same_second_pairs` per end (open, close, and :data:`MIXED`: those with pairs), as arrays (issue 14: no
    frames for the engine, which only summarises them)."""
    rows = np.ones(len(t), dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
    side = t["side"].to_numpy(dtype=object)  # "buy" | "sell" (model.TRADE_COLUMNS)
    buy, sell = side == "buy", side == "sell"
    acct_codes, accounts = codes_of(t["account"]) if "account" in t.columns else (np.zeros(len(t), int), [""])
    root_codes, roots = codes_of(t["symbol_root"])
    ends: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}  # end -> (ns, price, key, keep)
    for end in ("open", "close"):
        ns = nanoseconds(t[f"{end}_time"])
        price = t[f"{end}_price"].to_numpy(dtype="float64")
        keep = rows & (buy | sell) & (ns != np.iinfo("int64").min) & np.isfinite(price) & (root_codes >= 0)
        # One integer per (account, symbol, second); only seconds with both a buy and a sell are paired, so a
        # million trades without hedges cost a few sorts, not a merge.
        key = ((ns // 1_000_000_000) * (len(roots) + 1) + root_codes + 1) * (len(accounts) + 1) + acct_codes + 1
        ends[end] = (ns, price, key, keep)
    # Most accounts have no second with a buy and a sell even before the order filters (issue 14): their order
    # types and close reasons are not read.
    same = {"open": True, "close": True}
    mixed_possible = True
    if len(t) <= 20_000:
        # Each end's rows sorted by key once, for both questions: a second with a buy and a sell of that end, and a
        # second with an open and a close.
        pre = {end: _by_key(np.flatnonzero(keep), key) for end, (_, _, key, keep) in ends.items()}
        same = {end: bool(len(_with_both_sides(pre[end][0], ends[end][2], buy, pre[end]))) for end in pre}
        mixed_possible = bool(len(_shared_keys(pre["open"][1], pre["close"][1])))
    if not (same["open"] or same["close"] or mixed_possible):
        return []
    # Each end's kept rows by key, sorted once for its own pairs and for the close/open pairs.
    sorted_ends: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for end, (ns, price, key, keep) in ends.items():
        keep = _market_fills(t, end, keep)
        ends[end] = (ns, price, key, keep)
        sorted_ends[end] = _by_key(np.flatnonzero(keep), key)
    parts: list[_Pairs] = []

    def add(end: str, b_rows: np.ndarray, spread: np.ndarray, ns: np.ndarray) -> None:
        parts.append(_Pairs(np.asarray(accounts, dtype=object)[acct_codes[b_rows]].astype(str),
                            np.asarray(roots, dtype=object)[root_codes[b_rows]].astype(str), end,
                            (ns // 1_000_000_000) * 1_000_000_000, spread))

    for end, (ns, price, key, keep) in ends.items():
        both = _with_both_sides(np.flatnonzero(keep), key, buy, sorted_ends[end]) if same[end] else ()
        if not len(both):
            continue
        b_rows, s_rows = _cross(np.asarray(both), key, buy)
        add(end, b_rows, price[b_rows] - price[s_rows] if end == "open" else price[s_rows] - price[b_rows],
            ns[b_rows])
    mixed = _mixed_pairs(ends, sorted_ends, buy) if mixed_possible else None
    if mixed is not None:
        add(MIXED, *mixed)
    return parts


def _shared_keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The keys of sorted ``a`` that sorted ``b`` holds too (each once, sorted): the two runs of distinct keys merged
    by a stable sort (near linear on two sorted runs, a third of a binary search per key on a million)."""
    if not len(a) or not len(b):
        return a[:0]
    merged = np.sort(np.concatenate([a[np.r_[True, a[1:] != a[:-1]]], b[np.r_[True, b[1:] != b[:-1]]]]),
                     kind="stable")
    return np.asarray(merged[1:][merged[1:] == merged[:-1]])


def _member(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Which of ``values`` are among the sorted, distinct ``keys``."""
    at = np.minimum(np.searchsorted(keys, values), len(keys) - 1)
    return np.asarray(keys[at] == values, dtype=bool)


def _market_fills(t: pd.DataFrame, end: str, keep: np.ndarray) -> np.ndarray:
    """``keep`` without the ends filled at a level: closes by SL, TP or stop-out, close-by pairs, and ends filled by
    a pending order where the order type is known."""
    if end == "close":
        if "close_by" in t.columns:
            keep &= ~t["close_by"].to_numpy(dtype=bool)
        if "close_reason" in t.columns:
            reason_codes, reasons = codes_of(t["close_reason"])
            level = np.array([str(x).lower() in LEVEL_CLOSES for x in reasons] + [False])
            keep &= ~level[reason_codes]
    if f"{end}_order_type" in t.columns:
        kind_codes, kinds = codes_of(t[f"{end}_order_type"])
        market = np.array([str(x) in MARKET_KINDS for x in kinds] + [True])
        keep &= market[kind_codes]
    return keep


def _mixed_pairs(ends: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
                 sorted_ends: dict[str, tuple[np.ndarray, np.ndarray]], buy: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The pairs of a close and an open in one (account, symbol, second) whose fills are of opposite sides (a
    position closed and the next opened: a roll; or a trade opened and closed within the second, paired with
    itself): (the buy fill's trade row, the spread, the buy fill's time in ns), or None.

    A trade opened by a buy closes with a sell, so the buy fill of a pair is a buy's open or a sell's close, and
    the spread is the buy fill's price less the sell fill's. Pairs of two opens or two closes are their own ends'
    (:func:`_pair_parts`), not counted again here."""
    o_ns, o_price, o_key, _ = ends["open"]
    c_ns, c_price, c_key, _ = ends["close"]
    (o_rows, o_sorted), (c_rows, c_sorted) = sorted_ends["open"], sorted_ends["close"]
    # Only the seconds with both an open and a close (read off each end's sorted keys): most accounts have none.
    shared = _shared_keys(o_sorted, c_sorted)
    if not len(shared):
        return None
    opens = np.sort(o_rows[_member(o_sorted, shared)])
    closes = np.sort(c_rows[_member(c_sorted, shared)])
    # Each fill as a row of its own: opens first, then closes; a fill buys when a buy opens or a sell closes.
    fill_rows = np.concatenate([opens, closes])
    fill_key = np.concatenate([o_key[opens], c_key[closes]])
    fill_price = np.concatenate([o_price[opens], c_price[closes]])
    fill_ns = np.concatenate([o_ns[opens], c_ns[closes]])
    is_open = np.r_[np.ones(len(opens), dtype=bool), np.zeros(len(closes), dtype=bool)]
    buys = np.where(is_open, buy[fill_rows], ~buy[fill_rows])
    everyone = np.arange(len(fill_rows))
    b, s = _cross(_with_both_sides(everyone, fill_key, buys), fill_key, buys, cap_key=fill_key * 2 + is_open)
    mixed = is_open[b] != is_open[s]
    b, s = b[mixed], s[mixed]
    if not len(b):
        return None
    # The buy fill's trade row names the pair's account and symbol (the sell fill's are the same: one key).
    return fill_rows[b], fill_price[b] - fill_price[s], fill_ns[b]


@dataclass
class _Pairs:
    """The same-second pairs of one end (or of :data:`MIXED` ends), as arrays: :func:`same_second_pairs`' columns
    before any frame."""

    account: np.ndarray
    symbol_root: np.ndarray
    end: str
    time: np.ndarray  # int64 ns of the second
    spread: np.ndarray


@functools.cache
def _no_pairs() -> pd.DataFrame:
    """:func:`same_second_pairs` of an account without any (most accounts: built once, copied)."""
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "time" else "float64" if c == "spread" else object)
                         for c in PAIR_COLUMNS})


def _cross(rows: np.ndarray, key: np.ndarray, buy: np.ndarray, cap_key: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """Every (buy row, sell row) of ``rows`` (ascending) that share a key (account, symbol, second): per key, its
    first :data:`MAX_SIDE` buys and sells in row order, each buy with each sell (in numpy: a merge of two small
    frames cost more than the rest of an account's spreads, issue 14). ``cap_key``: a finer key whose each value
    has the cap of its own (the close/open pairs': the key and the end, so the opens of a busy second leave the
    closes their share)."""
    cap_key = key if cap_key is None else cap_key
    # By cap key, buys first, then row: each (cap key, side) a run, its first MAX_SIDE rows kept.
    ranked = rows[np.lexsort((rows, ~buy[rows], cap_key[rows]))]
    rk, rb = cap_key[ranked], buy[ranked]
    start = np.r_[True, (rk[1:] != rk[:-1]) | (rb[1:] != rb[:-1])] if len(ranked) else np.zeros(0, dtype=bool)
    first = np.maximum.accumulate(np.where(start, np.arange(len(ranked)), 0))
    kept = ranked[np.arange(len(ranked)) - first < MAX_SIDE]
    buys, sells = kept[buy[kept]], kept[~buy[kept]]
    if not len(buys) or not len(sells):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    # Sells per key, by key: each buy takes its key's run of sells.
    sell_keys, sell_start, sell_count = np.unique(key[sells], return_index=True, return_counts=True)
    at = np.searchsorted(sell_keys, key[buys])
    at = np.minimum(at, len(sell_keys) - 1)
    has = sell_keys[at] == key[buys]
    buys, at = buys[has], at[has]
    reps = sell_count[at]
    b_rows = np.repeat(buys, reps)
    offset = np.arange(len(b_rows)) - np.repeat(np.cumsum(reps) - reps, reps)
    s_rows = sells[np.repeat(sell_start[at], reps) + offset]
    return b_rows, s_rows


def _by_key(rows: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` in order of their key (stable), and those keys (sorted): one integer sort."""
    order = rows[np.argsort(key[rows], kind="stable")]
    return order, key[order]


def _with_both_sides(rows: np.ndarray, key: np.ndarray, buy: np.ndarray,
                     by_key: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """The ``rows`` whose key (account, symbol, second) also holds a row of the other side; ``by_key``: their
    :func:`_by_key` when the caller has it."""
    order, ks = _by_key(rows, key) if by_key is None else by_key
    new_group = np.r_[True, ks[1:] != ks[:-1]] if len(ks) else np.zeros(0, dtype=bool)
    starts = np.flatnonzero(new_group)
    if not len(starts):
        return order
    b = buy[order].astype(np.int8)
    has_buy = np.maximum.reduceat(b, starts)
    has_sell = np.maximum.reduceat(1 - b, starts)
    group = np.cumsum(new_group) - 1
    return np.sort(order[(has_buy & has_sell)[group].astype(bool)])


@dataclass
class Observation:
    """The pairs of one account and symbol (or one month of them), in price units."""

    pairs: int  # pairs with a spread >= 0
    negative: int  # pairs dropped as swapped
    median: float
    q1: float
    q3: float
    open_pairs: int
    close_pairs: int  # close/open pairs (MIXED) are counted in ``pairs`` only

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1

    def consistent(self, point: float) -> bool:
        """Enough pairs, few swapped, and a tight middle half (see the module constants)."""
        total = self.pairs + self.negative
        return (self.pairs >= MIN_PAIRS and total > 0 and self.negative / total <= MAX_NEGATIVE_SHARE
                and self.iqr <= max(MAX_IQR_RATIO * self.median, MAX_IQR_POINTS * point) + 1e-12)

    def why_not(self, point: float) -> str:
        """Why these pairs are not used ("" when they are)."""
        total = self.pairs + self.negative
        if self.pairs < MIN_PAIRS:
            return f"only {self.pairs} pair(s), fewer than {MIN_PAIRS}"
        if total and self.negative / total > MAX_NEGATIVE_SHARE:
            return f"{self.negative} of {total} pairs have the sides swapped (negative spread)"
        if not self.consistent(point):
            return "the pairs disagree (interquartile range wider than the median)"
        return ""


def _observe(spread: np.ndarray, ends: np.ndarray) -> Observation:
    good = spread >= -1e-12
    s = np.maximum(spread[good], 0.0)
    if not len(s):
        return Observation(0, int((~good).sum()), np.nan, np.nan, np.nan, 0, 0)
    q1, med, q3 = np.percentile(s, [25, 50, 75])
    return Observation(int(len(s)), int((~good).sum()), float(med), float(q1), float(q3),
                       int((ends[good] == "open").sum()), int((ends[good] == "close").sum()))


def summarise(pairs: pd.DataFrame) -> dict[tuple[str, str], tuple[Observation, dict[str, Observation]]]:
    """Per (account, symbol root): the observation over all pairs, and per month ("YYYY-MM")."""
    out: dict[tuple[str, str], tuple[Observation, dict[str, Observation]]] = {}
    if not len(pairs):
        return out
    return _summarised(pairs["account"].to_numpy(dtype=object), pairs["symbol_root"].to_numpy(dtype=object),
                       pairs["end"].to_numpy(dtype=object), np.asarray(pairs["time"], dtype="datetime64[M]"),
                       pairs["spread"].to_numpy(dtype="float64"))


def _summarised(account: np.ndarray, symbol_root: np.ndarray, all_ends: np.ndarray, month: np.ndarray,
                spreads: np.ndarray) -> dict[tuple[str, str], tuple[Observation, dict[str, Observation]]]:
    """:func:`summarise` of the pairs' columns (``month``: datetime64[M])."""
    out: dict[tuple[str, str], tuple[Observation, dict[str, Observation]]] = {}
    months = month.astype(str).astype(object)
    # Groups on integer codes, not a groupby (issue 14); each group's rows in their order, as groupby gives them.
    acct_codes, accounts = pd.factorize(account)
    root_codes, roots = pd.factorize(symbol_root)
    key = acct_codes.astype(np.int64) * (len(roots) + 1) + root_codes
    for k in np.unique(key[(acct_codes >= 0) & (root_codes >= 0)]):  # groupby leaves missing keys out
        rows = key == k
        spread, ends, m = spreads[rows], all_ends[rows], months[rows]
        per_month = {str(x): _observe(spread[m == x], ends[m == x]) for x in pd.unique(m)}
        acct, root = accounts[k // (len(roots) + 1)], roots[k % (len(roots) + 1)]
        out[(str(acct), str(root))] = (_observe(spread, ends), per_month)
    return out


def _summarised_parts(parts: list[_Pairs]) -> dict[tuple[str, str], tuple[Observation, dict[str, Observation]]]:
    """:func:`summarise` of :func:`same_second_pairs` without its frame: the parts' arrays one after the other."""
    if not parts:
        return {}
    return _summarised(np.concatenate([p.account.astype(object) for p in parts]),
                       np.concatenate([p.symbol_root.astype(object) for p in parts]),
                       np.concatenate([np.full(len(p.spread), p.end, dtype=object) for p in parts]),
                       np.concatenate([p.time for p in parts]).astype("datetime64[ns]").astype("datetime64[M]"),
                       np.concatenate([p.spread for p in parts]).astype("float64"))


#: Categories that calibrate each other when one has no observed symbol of its own (FX markups move together;
#: a metal, an index or a coin is only calibrated from its own category).
_FX = ("fx_major", "fx_minor", "fx_exotic")

TABLE_COLUMNS = ("account", "symbol", "category", "spread_pips", "source", "label", "trades", "pairs", "negative",
                 "median_pips", "q1_pips", "q3_pips", "iqr_pips", "profile_pips", "ratio", "note")
_TEXT = ("account", "symbol", "category", "source", "label", "note")
#: Columns the engine adds to the table: the broker catalogue entry's own value for the symbol and its citation.
CATALOGUE_COLUMNS = ("catalogue_pips", "catalogue_source")


def _own_value(label: str, category: str) -> bool:
    """Whether a profile spread may stand for how this broker marks up its category: outside FX, a symbol priced at
    its category's average has no value of its own (an ETHUSD at a crypto average taken from BTCUSD, 40 times its
    price), so its observed/profile ratio would scale the other symbols wrongly (a real FTMO report: BTCUSD
    calibrated to 0.60 from ETHUSD's 0.60 / 26.75)."""
    return category in _FX or f"({category} average)" not in label


def _calibratable(label: str) -> bool:
    """A profile or catalogue spread (not a default of 0, not already measured): what calibration may scale."""
    return label.startswith("profile:") or label.startswith("catalogue:")


def summary_of(frame: pd.DataFrame, fills: np.ndarray) -> dict[tuple[str, str], tuple[Observation,
                                                                                   dict[str, Observation]]]:
    """The observations of ``frame``'s same-second pairs (rows ``fills``) per (account, symbol root): what
    :func:`apply` reads, found once for a batch of accounts (issue 14: pairs are keyed by account)."""
    fills = np.asarray(fills, dtype=bool)
    # Most accounts of a book have no fills to pair: no pairs to look for (issue 14).
    return _summarised_parts(_pair_parts(frame, fills)) if fills.any() else {}


def apply(frame: pd.DataFrame, fills: np.ndarray, spread: np.ndarray, source: np.ndarray,
          shape: np.ndarray | None = None,
          summary: dict[tuple[str, str], tuple[Observation, dict[str, Observation]]] | None = None,
          ) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """The profile spreads of one account's trades (``spread``, ``source``; price units) replaced by observed ones
    where its own fills show them, and the rest calibrated; with the per-symbol table behind it.

    ``frame``: the classified trades (symbol_root, category, pip, point, open_time); ``fills``: rows whose fills may
    be paired (:func:`usable`); ``shape``: the time-of-day factor already in the profile spreads (1 when none): an
    observed spread carries its own time and takes none, a calibrated one keeps it.
    ``summary``: :func:`summary_of` a batch of accounts this one is part of (default: of ``frame`` itself).
    Returns new spread and source arrays and a frame of :data:`TABLE_COLUMNS` (one row per symbol root).
    """
    n = len(frame)
    spread = np.asarray(spread, dtype="float64").copy()
    source = np.asarray(source, dtype=object).copy()
    if not n:
        return spread, source, pd.DataFrame(columns=TABLE_COLUMNS)
    if summary is None:
        summary = summary_of(frame, fills)
    arrays = replace_in(Rows.of(frame), spread, source, shape, summary)
    return spread, source, pd.DataFrame(arrays, columns=list(TABLE_COLUMNS))


@dataclass
class Rows:
    """What :func:`replace_in` reads of one account's classified trades: symbol and category codes (in order of
    first row) and names, pip, point, the account, and on demand each trade's category as text and open month (a
    batch of accounts cuts these from its arrays, without a frame per account: issue 14)."""

    root_codes: np.ndarray
    roots: np.ndarray
    cat_codes: np.ndarray
    cat_names: np.ndarray
    pip: np.ndarray
    point: np.ndarray
    account: str
    category_text: Callable[[], np.ndarray]
    open_months: Callable[[], np.ndarray]  # datetime64[M]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Rows:
        root_codes, roots = _text_codes(frame["symbol_root"])
        cat_codes, cat_names = _text_codes(frame["category"])
        return cls(root_codes, roots, cat_codes, cat_names, frame["pip"].to_numpy(dtype="float64"),
                   frame["point"].to_numpy(dtype="float64"),
                   str(frame["account"].iloc[0]) if "account" in frame.columns else "",
                   lambda: frame["category"].astype(str).to_numpy(dtype=object),
                   lambda: np.asarray(pd.to_datetime(frame["open_time"]), dtype="datetime64[M]"))


def replace_in(rows: Rows, spread: np.ndarray, source: np.ndarray, shape: np.ndarray | None,
               summary: dict[tuple[str, str], tuple[Observation, dict[str, Observation]]]) -> dict[str, np.ndarray]:
    """:func:`apply`'s work on one account's ``rows``: ``spread`` and ``source`` (float64 and object arrays, changed
    in place) where the observations of ``summary`` replace or calibrate them; the table's columns as arrays."""
    shape = np.ones(len(spread)) if shape is None else np.asarray(shape, dtype="float64")
    base = np.where(shape > 0, spread / np.where(shape > 0, shape, 1.0), spread)  # the profile value, no shape
    root_codes, roots, cat_codes, cat_names = rows.root_codes, rows.roots, rows.cat_codes, rows.cat_names
    account, pip, point = rows.account, rows.pip, rows.point
    months: np.ndarray | None = None  # each trade's open month ("YYYY-MM"), when a symbol has per-month pairs
    columns: dict[str, list[object]] = {c: [] for c in TABLE_COLUMNS}
    ratios: dict[str, list[float]] = {}
    observed_roots: dict[str, list[str]] = {}
    masks = []
    medians = _medians(root_codes, base, len(roots))
    for i, root in enumerate(roots):
        mask = root_codes == i
        masks.append(mask)
        first = int(np.flatnonzero(mask)[0])
        profile_price = float(medians[i])
        profile_label = str(source[first])
        cat = str(cat_names[cat_codes[first]]) if cat_codes[first] >= 0 else rows.category_text()[first]
        obs = summary.get((account, str(root)))
        row: dict[str, object] = {
            "account": account, "symbol": root, "category": cat, "trades": int(mask.sum()),
            "spread_pips": profile_price / pip[first], "pairs": 0, "negative": 0, "median_pips": np.nan,
            "q1_pips": np.nan, "q3_pips": np.nan, "iqr_pips": np.nan,
            "profile_pips": profile_price / pip[first] if _calibratable(profile_label) else np.nan,
            "ratio": np.nan, "note": "no same-second pairs", "label": profile_label}
        if obs is not None:
            total, per_month = obs
            row.update(pairs=total.pairs, negative=total.negative, median_pips=total.median / pip[first],
                       q1_pips=total.q1 / pip[first], q3_pips=total.q3 / pip[first], iqr_pips=total.iqr / pip[first],
                       note=total.why_not(point[first]))
            if total.consistent(point[first]):
                label = OBSERVED.format(k=total.pairs)
                spread[mask], source[mask] = total.median, label
                row.update(label=label, spread_pips=total.median / pip[first])
                for month, m_obs in per_month.items():  # a month with enough pairs of its own uses them
                    if len(per_month) > 1 and m_obs.consistent(point[first]):
                        if months is None:
                            distinct, inverse = np.unique(rows.open_months(), return_inverse=True)
                            months = distinct.astype(str).astype(object)[inverse]
                        sel = mask & (months == month)
                        spread[sel] = m_obs.median
                        source[sel] = f"{OBSERVED.format(k=m_obs.pairs)} in {month}"
                if _calibratable(profile_label) and profile_price > 0:
                    row["ratio"] = total.median / profile_price
                    if _own_value(profile_label, cat):
                        ratios.setdefault(cat, []).append(float(total.median / profile_price))
                        observed_roots.setdefault(cat, []).append(root)
        for c in TABLE_COLUMNS:
            if c != "source":
                columns[c].append(row[c])
    for k in range(len(roots)):
        label = str(columns["label"][k])
        if not _calibratable(label):
            continue
        cat = str(columns["category"][k])
        pool = [cat] if cat in ratios else [c for c in _FX if c in ratios] if cat in _FX else []
        if not pool:
            continue
        values = [r for c in pool for r in ratios[c]]
        names = [s for c in pool for s in observed_roots[c]]
        ratio = float(np.median(values))
        mask = masks[k]
        spread[mask] = spread[mask] * ratio
        label = (f"{CALIBRATED}: {label} x {ratio:.2f} (observed/profile over {', '.join(names)})")
        source[mask] = label
        columns["ratio"][k] = ratio
        columns["label"][k] = label
        columns["spread_pips"][k] = float(columns["spread_pips"][k]) * ratio  # type: ignore[arg-type]
    columns["source"] = [kind_of(str(x)) for x in columns["label"]]
    # Typed arrays, not lists for pandas to infer (issue 14); the same dtypes (text inferred as str).
    return {c: np.array(v, dtype=np.int64 if c in ("trades", "pairs", "negative")
                        else object if c in _TEXT else np.float64) for c, v in columns.items()}


def _medians(codes: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """``np.median`` of ``values`` per code 0..k-1 (NaN where a code's values hold a NaN), in one sort rather than
    a call per symbol (issue 14); every code has a value."""
    if len(values) > 20_000:  # a big account: a sort of every trade costs more than a median per symbol
        return np.array([np.median(values[codes == i]) for i in range(k)], dtype=np.float64)
    rows = np.flatnonzero(codes >= 0)
    order = rows[np.lexsort((values[rows], codes[rows]))]  # NaN last within a code
    v, c = values[order], codes[order]
    starts = np.searchsorted(c, np.arange(k))
    counts = np.diff(np.r_[starts, len(c)])
    # The middle value, or the mean of the two middle ones ((a + b) / 2, as np.median computes it).
    out: np.ndarray = (v[starts + (counts - 1) // 2] + v[starts + counts // 2]) / 2
    has_nan = np.isnan(v[starts + counts - 1])
    odd = counts % 2 == 1
    out[odd] = v[starts + counts // 2][odd]
    out[has_nan] = np.nan
    return out


def _text_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values, in order of first row, of ``column`` as text (``column.astype(str)``), read from
    its categorical codes when it has them (issue 14: no strings hashed per trade)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return text_codes_of(column.cat.codes.to_numpy(), np.asarray(column.cat.categories, dtype=object),
                             lambda: column.astype(str).to_numpy(dtype=object))
    codes, uniques = pd.factorize(column.astype(str).to_numpy(dtype=object))
    return codes, np.asarray(uniques, dtype=object)


def text_codes_of(cat_codes: np.ndarray, categories: np.ndarray,
                  as_text: Callable[[], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_text_codes` of a categorical's ``cat_codes`` and ``categories`` (``as_text``: the column as text, read
    when a value is missing)."""
    if not len(cat_codes) or cat_codes.min() >= 0:
        codes, first = pd.factorize(cat_codes)
        names = categories[first]
        return codes, np.array([str(x) for x in names], dtype=object)
    codes, uniques = pd.factorize(as_text())
    return codes, np.asarray(uniques, dtype=object)


#: The kinds of spread source (the first word of a ``spread_source`` label).
KINDS = ("observed", "calibrated", "catalogue", "profile", "measured", "tester", "default")


def kind_of(label: str) -> str:
    """The kind of a ``spread_source`` label: observed, calibrated, catalogue, profile, measured, tester or default."""
    text = str(label)
    for kind in KINDS:
        if text.startswith(kind):
            return kind
    return "profile"
