"""Balance timeline, notional, margin and effective leverage per trade, concurrent exposure, drawdown, lot scaling.

Conventions:
- The balance is MetaTrader's: deposits, withdrawals, transfers, bonuses, adjustments, broker
  postings and rebate rows from the cash frame, plus each trade's realised ``broker_net`` at its
  close time. **Credit is left out** (MT4/MT5 print Balance without credit; credit is broker money
  that counts toward equity and free margin but is not the trader's).
- Events at the same instant are ordered cash, then closes, then opens: a deposit or a close at
  10:00 is in the balance of a trade opened at 10:00, and a position closed at 10:00 is not
  concurrent with one opened at 10:00.
- Notional is in the account currency at the open price: lots x open price x M (M = contract x
  quote-to-account rate, fxcost.analysis.instruments). Margin = notional / leverage, the plain FX
  rule; brokers with per-instrument margin rates for CFDs differ.
- Concurrent exposure is gross (a hedged buy and sell both count) and per account.
- Cash amounts are taken to be in the same currency as the frame's money columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from fxcost.analysis import costs
from fxcost.analysis.aggregate import account_codes, ratio

#: Cash kinds that are not part of MetaTrader's Balance.
NOT_BALANCE = ("credit",)

#: Money columns (and notional) that scale with the lot size in :func:`scale`.
SCALED = ("lots", "commission", "taxes", "swap", "profit", "spread_cost", "mid_pnl", "broker_net",
          "transaction_cost", "rebate", "notional_usd", "ib_earnings", "forfeited_rebate")

_CASH, _CLOSE, _OPEN = 0, 1, 2
#: The kinds of :class:`Leverage`'s ``events`` (``order``): a cash row, a close, an open.
CASH_EVENT, CLOSE_EVENT, OPEN_EVENT = _CASH, _CLOSE, _OPEN


def _cash_rows(cash: pd.DataFrame | None, exclude: Iterable[str]) -> pd.DataFrame | None:
    if cash is None or not len(cash):
        return None
    keep = ~cash["kind"].isin(tuple(exclude)).to_numpy()
    return cash.loc[keep] if keep.any() else None


def _block_cumsum(values: npt.NDArray[np.float64], block: np.ndarray | None) -> npt.NDArray[np.float64]:
    """Cumulative sum restarting at every change of ``block`` (rows sorted by block; None: one block)."""
    if not len(values):
        return values.astype("float64")
    cs = np.cumsum(values)
    if block is None:
        return cs
    starts = np.r_[True, block[1:] != block[:-1]]
    if starts.sum() == 1:
        return cs
    first = np.maximum.accumulate(np.where(starts, np.arange(len(values)), 0))
    # Subtract what came before the block (exactly 0 for the first block).
    return cs - (cs[first] - values[first])


def event_order(acct: np.ndarray, time: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Stable permutation sorting events by account, time, then kind (cash, close, open).

    Same result as np.lexsort((order, time, acct)), several times faster: time and kind fold into
    one int64 key (event times are nearly sorted already, which stable sorts exploit), then a
    radix sort on the small account codes.
    """
    if not len(time):
        return np.arange(0)
    valid = time != np.iinfo("int64").min  # NaT sorts first, as in lexsort
    t0 = time[valid].min() if valid.any() else 0
    span = (time[valid].max() - t0) if valid.any() else 0
    if span >= 2**60 or acct.max() >= 2**16:
        return np.lexsort((order, time, acct))
    key = np.where(valid, time - t0 + 1, 0) * 4 + order
    perm = np.argsort(key, kind="stable")
    if acct.max() > 0:
        perm = perm[np.argsort(acct[perm].astype("uint16"), kind="stable")]
    return perm


def _event_accounts(trades: pd.Series, cash: pd.Series | None) -> npt.NDArray[np.intp]:
    """The account code of every cash row, then of every trade: ``pd.factorize`` of the cash's accounts followed by
    the trades' (codes in order of first appearance), the trades' read off their categorical's codes when they are
    keyed (aggregate.account_codes; issue 10: a million trades' accounts hashed again per sweep)."""
    if not isinstance(trades.dtype, pd.CategoricalDtype):
        names = trades.to_numpy(dtype=object)
        if cash is not None:
            names = np.concatenate([cash.to_numpy(dtype=object), names])
        return np.asarray(pd.factorize(names)[0], dtype=np.intp)
    codes, uniques = account_codes(trades, sort=False, as_text=False)
    if cash is None:
        return np.asarray(codes, dtype=np.intp)
    cash_codes, cash_uniques = pd.factorize(cash.to_numpy(dtype=object))
    position = {u: i for i, u in enumerate(cash_uniques)}
    for u in uniques:  # an account the cash does not name comes after the cash's, in order of first trade
        position.setdefault(u, len(position))
    table = np.array([position[u] for u in uniques] + [-1], dtype=np.intp)  # code -1 (missing) stays -1
    return np.concatenate([np.asarray(cash_codes, dtype=np.intp), table[codes]])


def _sweep(t: pd.DataFrame, cash: pd.DataFrame | None, *, pnl: str = "broker_net", opens: bool = False,
           include_credit: bool = False, exposure: tuple[np.ndarray, ...] = ()) -> dict[str, np.ndarray]:
    """One sorted pass over cash, close (and open) events of every account.

    Returns the sorted event arrays: ``src`` (row position in cash or t), ``order``, ``acct``,
    ``time``, ``amount``, ``balance`` and, per array in ``exposure`` (+ at open, - at close), its
    running sum per account at each open event (``at_open``: their positions among the sorted events) in
    ``exp0``, ``exp1``... with ties at the same instant resolved to the last event of the tie (so positions opened
    together see each other).
    """
    c = _cash_rows(cash, () if include_credit else NOT_BALANCE)
    n = len(t)
    nc = 0 if c is None else len(c)
    # One factorisation over trades and cash so that both share account codes.
    codes = _event_accounts(t["account"], None if c is None else c["account"])
    acct = np.concatenate([codes, codes[nc:]]) if opens else codes
    times = [t["close_time"].to_numpy("datetime64[ns]").view("int64")]
    if opens:
        times.append(t["open_time"].to_numpy("datetime64[ns]").view("int64"))
    if c is not None:
        times.insert(0, c["time"].to_numpy("datetime64[ns]").view("int64"))
    time = np.concatenate(times)
    # The kinds as small integers: the same order, an eighth of the memory to permute (issue 10).
    order = np.concatenate([np.full(nc, _CASH, dtype=np.int8), np.full(n, _CLOSE, dtype=np.int8)]
                           + ([np.full(n, _OPEN, dtype=np.int8)] if opens else []))
    pos = np.arange(n)
    src = np.concatenate([np.arange(nc), pos] + ([pos] if opens else []))
    amounts = [np.nan_to_num(t[pnl].to_numpy(dtype="float64"))]
    if c is not None:
        amounts.insert(0, np.nan_to_num(c["amount"].to_numpy(dtype="float64")))
    if opens:
        amounts.append(np.zeros(n))
    amount = np.concatenate(amounts)

    perm = event_order(acct, time, order)
    several = bool(acct.any())  # one account (all codes 0, common): its codes need no permuting or comparing
    acct = acct[perm] if several else acct
    time, order, src, amount = time[perm], order[perm], src[perm], amount[perm]
    out = {"src": src, "order": order, "acct": acct, "time": time, "amount": amount,
           "balance": _block_cumsum(amount, acct if several else None)}
    if exposure:
        # The tie group of an event: same account, instant and kind; its last row holds the total. Read at the
        # opens only (all leverage reads): one index into each running sum instead of two passes over all events.
        new = np.ones(len(acct), dtype=bool)
        new[1:] = (np.diff(time) != 0) | (np.diff(order) != 0)
        if several:
            new[1:] |= np.diff(acct) != 0
        gid = np.cumsum(new) - 1
        last = np.r_[np.flatnonzero(new)[1:] - 1, len(new) - 1] if len(new) else gid
        at_open = np.flatnonzero(order == _OPEN)
        at = last[gid[at_open]]
        out["at_open"] = at_open
        for i, values in enumerate(exposure):
            v = np.nan_to_num(np.asarray(values, dtype="float64"))
            delta = np.concatenate([np.zeros(nc), -v] + ([v] if opens else []))[perm]
            out[f"exp{i}"] = _block_cumsum(delta, acct if several else None)[at]
    return out


def balance_timeline(t: pd.DataFrame, cash: pd.DataFrame | None = None, *, pnl: str = "broker_net",
                     include_credit: bool = False) -> pd.DataFrame:
    """Balance after every cash event and trade close, per account (sorted by account, then time).

    Columns: ``account``, ``time``, ``kind`` (the cash kind, or ``trade``), ``ticket``, ``amount``,
    ``balance``. ``pnl`` is the trade column booked at close (``net_after_rebate`` adds the
    accrued rebates). Credit is excluded unless ``include_credit``.
    """
    s = _sweep(t, cash, pnl=pnl, include_credit=include_credit)
    c = _cash_rows(cash, () if include_credit else NOT_BALANCE)
    is_cash = s["order"] == _CASH
    src = s["src"]
    n = len(src)
    account = np.empty(n, dtype=object)
    kind = np.empty(n, dtype=object)
    ticket = np.zeros(n, dtype="int64")
    trade_rows = ~is_cash
    account[trade_rows] = t["account"].astype(str).to_numpy()[src[trade_rows]]
    kind[trade_rows] = "trade"
    ticket[trade_rows] = t["ticket"].to_numpy()[src[trade_rows]]
    if c is not None:
        account[is_cash] = c["account"].astype(str).to_numpy()[src[is_cash]]
        kind[is_cash] = c["kind"].to_numpy()[src[is_cash]]
        ticket[is_cash] = c["ticket"].to_numpy()[src[is_cash]]
    return pd.DataFrame({"account": account, "time": s["time"].view("datetime64[ns]"), "kind": kind,
                         "ticket": ticket, "amount": s["amount"], "balance": s["balance"]})


def balance_steps(t: pd.DataFrame, cash: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`balance_timeline`'s ``time`` and ``amount`` columns (same rows, same order), without labelling each
    row with its account, kind and ticket: a chart that reads only the amounts over time skips a million labels
    (issue 10)."""
    s = _sweep(t, cash)
    return pd.DataFrame({"time": s["time"].view("datetime64[ns]"), "amount": s["amount"]})


def _leverage_per_trade(t: pd.DataFrame, leverage: int | Mapping[str, int] | None) -> np.ndarray:
    if leverage is None:
        lev = np.full(len(t), np.nan)
    elif isinstance(leverage, Mapping):
        lev = per_account(t["account"], {str(k): float(v or np.nan) for k, v in leverage.items()})
    else:
        lev = np.full(len(t), float(leverage))
    return np.where(lev > 0, lev, np.nan)


def per_account(accounts: pd.Series, values: Mapping[str, float], default: float = np.nan) -> np.ndarray:
    """``values[account]`` per row (``default`` where missing), looked up once per distinct account (a
    categorical's codes are read as they are)."""
    if isinstance(accounts.dtype, pd.CategoricalDtype):
        codes, uniques = accounts.cat.codes.to_numpy(), np.asarray(accounts.cat.categories, dtype=object)
    else:
        codes, uniques = pd.factorize(accounts.to_numpy(dtype=object))
    table = np.array([float(values.get(str(u), default)) for u in uniques] + [default], dtype="float64")
    return table[codes]  # code -1 (missing account) takes the trailing default


def _num(value: float | npt.NDArray[np.float64]) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


def _nanmax(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.max()) if len(finite) else None


def _nanmean(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else None


class Leverage(TypedDict):
    """What :func:`leverage` returns (None where a figure is undefined)."""

    per_trade: pd.DataFrame
    max_effective_leverage: float | None
    avg_effective_leverage: float | None
    max_concurrent_leverage: float | None
    avg_concurrent_leverage: float | None
    max_concurrent_notional: float | None
    max_concurrent_margin: float | None
    total_margin: float | None
    rebate_per_margin: float | None
    rebate_per_peak_margin: float | None
    #: The sorted sweep's ``src``, ``order``, ``time``, ``amount`` and ``balance`` (cash, close and open events,
    #: :func:`_sweep`)
    #: when every event is of one account, else None: the leverage chart reads them instead of sorting the same
    #: events again (issue 10: a million trades). Not a figure.
    events: dict[str, np.ndarray] | None


class Drawdown(TypedDict):
    """What :func:`max_drawdown` returns."""

    max_drawdown: float | None
    max_drawdown_pct: float | None
    drawdown_basis: str


def leverage(t: pd.DataFrame, cash: pd.DataFrame | None = None,
             leverage: int | Mapping[str, int] | None = None) -> Leverage:
    """Notional, margin, balance at open and effective leverage per trade, with their maxima and means.

    ``leverage``: the account's leverage (1:100 -> 100), one per account as a mapping, or None
    (margin figures are then None). Returns a dict: ``per_trade`` (a frame on ``t``'s index:
    notional, leverage, margin, balance_at_open, effective_leverage = notional / balance at open,
    concurrent_notional = gross notional of the account's positions open right after this one
    opened, concurrent_margin, concurrent_leverage = concurrent notional / balance at open,
    rebate_per_margin) and the summary figures (None where undefined): max/avg effective and
    concurrent leverage, max concurrent notional and margin, total margin, rebate per unit of
    margin (Σ rebate / Σ margin) and per unit of peak margin (Σ rebate / max concurrent margin).
    A balance at open that is zero or negative (no deposits in the history) gives no leverage.
    """
    lots = t["lots"].to_numpy(dtype="float64")
    notional = lots * t["open_price"].to_numpy(dtype="float64") * t["m"].to_numpy(dtype="float64")
    lev = _leverage_per_trade(t, leverage)
    margin = notional / lev
    s = _sweep(t, cash, opens=True, exposure=(notional, margin))
    at_open = s["at_open"]
    rows = s["src"][at_open]
    balance = np.full(len(t), np.nan)
    conc = np.full(len(t), np.nan)
    conc_margin = np.full(len(t), np.nan)
    balance[rows] = s["balance"][at_open]
    conc[rows] = s["exp0"]
    conc_margin[rows] = s["exp1"]
    conc[~np.isfinite(notional)] = np.nan
    conc_margin[~np.isfinite(margin)] = np.nan
    positive = np.where(balance > 0, balance, np.nan)
    effective = ratio(notional, positive)
    concurrent = ratio(conc, positive)
    rebate = t["rebate"].to_numpy(dtype="float64")
    columns = {
        "notional": notional, "leverage": lev, "margin": margin, "balance_at_open": balance,
        "effective_leverage": effective, "concurrent_notional": conc, "concurrent_margin": conc_margin,
        "concurrent_leverage": concurrent, "rebate_per_margin": ratio(rebate, margin),
    }
    # One float block filled row by row: building from a dict would copy every column once more.
    block = np.empty((len(columns), len(t)))
    for i, values in enumerate(columns.values()):
        block[i] = values
    per_trade = pd.DataFrame(block.T, columns=list(columns), index=t.index, copy=False)
    has_margin = np.isfinite(margin)
    total_margin = float(margin[has_margin].sum()) if has_margin.any() else None
    peak_margin = _nanmax(conc_margin)
    return {
        "per_trade": per_trade,
        "max_effective_leverage": _nanmax(effective),
        "avg_effective_leverage": _nanmean(effective),
        "max_concurrent_leverage": _nanmax(concurrent),
        "avg_concurrent_leverage": _nanmean(concurrent),
        "max_concurrent_notional": _nanmax(conc),
        "max_concurrent_margin": peak_margin,
        "total_margin": total_margin,
        "rebate_per_margin": _num(ratio(rebate[has_margin].sum(), total_margin)) if total_margin else None,
        "rebate_per_peak_margin": _num(ratio(rebate.sum(), peak_margin)) if peak_margin else None,
        "events": ({k: s[k] for k in ("src", "order", "time", "amount", "balance")}
                   if len(s["acct"]) and not s["acct"].any() else None),
    }


def max_drawdown(t: pd.DataFrame, cash: pd.DataFrame | None = None, pnl: str = "broker_net", *,
                 close_order: tuple[np.ndarray, np.ndarray] | None = None) -> Drawdown:
    """Largest fall of the realised P&L curve (trades in close order) from its running peak.

    ``max_drawdown`` is money (>= 0): trading losses since the peak; deposits and withdrawals never
    move it (a withdrawal is not a drawdown, a deposit does not hide a loss). ``max_drawdown_pct``,
    when the cash frame gives a balance (``drawdown_basis`` ``balance``), is the largest value of
    drawdown / balance peak, where the balance peak is the balance the account would have without
    the losses since the peak: balance now + drawdown now (deposits and withdrawals since the peak
    count in it, as they do in the balance). It is below 100% as long as the balance stays positive,
    and equals (peak - trough) / peak on an account without cash flows in between. Without cash it
    is of the cumulative P&L at the peak (``cumulative_pnl``, peaks > 0 only). Rebate rows of the
    cash frame are left out: the ``net_after_rebate`` curve already holds the rebates on accrual,
    and the ``broker_net`` curve is the account without them. ``close_order``: the close times (datetime64[ns])
    and their stable argsort, when the caller reads several curves of the same trades (issue 10: sorting a
    million closes once).
    """
    c = _cash_rows(cash, NOT_BALANCE + ("rebate",))
    if not len(t):
        return {"max_drawdown": None, "max_drawdown_pct": None,
                "drawdown_basis": "balance" if c is not None else "cumulative_pnl"}
    if close_order is None:
        close = t["close_time"].to_numpy("datetime64[ns]")
        perm = np.argsort(close, kind="stable")
    else:
        close, perm = close_order
    return _drawdown(np.nan_to_num(t[pnl].to_numpy(dtype="float64")[perm]), close[perm], c)


def _drawdown(pnl: npt.NDArray[np.float64], close: np.ndarray, c: pd.DataFrame | None) -> Drawdown:
    """:func:`max_drawdown` of the P&L per trade in close order (``pnl``, NaN as 0) closed at ``close`` (sorted),
    with the balance's cash rows ``c`` (None: none)."""
    basis = "balance" if c is not None else "cumulative_pnl"
    cum = np.r_[0.0, np.cumsum(pnl)]
    peak = np.maximum.accumulate(cum)
    dd = peak - cum
    if c is not None:
        # Every event in time order, cash before a close at the same instant (as the balance timeline).
        cash_time = c["time"].to_numpy("datetime64[ns]")
        cperm = np.argsort(cash_time, kind="stable")
        cash_cum = np.r_[0.0, np.cumsum(np.nan_to_num(c["amount"].to_numpy(dtype="float64")[cperm]))]
        sorted_cash = cash_time[cperm]
        # After each close (the start point is before the first close, with the cash up to it).
        point_time = np.r_[close[:1], close]
        at_points = cash_cum[np.searchsorted(sorted_cash, point_time, side="right")]
        base = at_points + cum + dd
        # Just before each cash event, when the base is smallest (the cash not yet booked).
        if len(sorted_cash):
            closes = np.searchsorted(close, sorted_cash, side="left")  # closes before each cash event
            before = cash_cum[:-1] + cum[closes] + dd[closes]
            started = closes > 0  # no drawdown before the first close
            dd = np.r_[dd, dd[closes][started]]
            base = np.r_[base, before[started]]
    else:
        base = peak
    # dd / base x 100 where the base is positive and finite (ratio's NaN elsewhere, which the maximum skips).
    known = (base > 0) & np.isfinite(base)
    pct = dd[known] / base[known] * 100.0
    return {"max_drawdown": float(dd.max()), "max_drawdown_pct": _nanmax(pct), "drawdown_basis": basis}


def scale(t: pd.DataFrame, k: float) -> pd.DataFrame:
    """The costed frame as if every trade had been ``k`` times its size.

    Lots, notional and every money column (Profit, commission, taxes, swap, spread, rebate and
    what derives from them) scale linearly; per-lot figures (pip value, M, cost pips, bps) do
    not change. Rebate tiers, minimum payouts and rounding are not re-applied (linear model).
    """
    if not k > 0:
        raise ValueError(f"lot scale factor must be positive, got {k!r}")
    out = t.copy()
    for col in SCALED:
        if col in out.columns:
            out[col] = out[col].to_numpy(dtype="float64") * k
    return costs.finish(out)


def scale_comparison(t: pd.DataFrame, ks: Iterable[float] = (0.5, 1.0, 2.0),
                     cash: pd.DataFrame | None = None, *,
                     at_one: tuple[Drawdown, Drawdown] | None = None) -> pd.DataFrame:
    """Lots, P&L, rebates and maximum drawdown (with and without rebates) for each lot scale ``k``.

    Money figures scale with k (as in :func:`scale`); the drawdown in percent grows faster than k
    when a balance is known, because deposits do not scale. ``at_one``: :func:`max_drawdown` of ``t`` and ``cash``
    on ``broker_net`` and on ``net_after_rebate`` when the caller has them (breakeven.equity_effect's): k = 1 is
    then not computed again (issue 10: each drawdown reads a million closes).
    """
    lots = float(np.nansum(t["lots"].to_numpy(dtype="float64")))
    net = t["broker_net"].to_numpy(dtype="float64")
    after = t["net_after_rebate"].to_numpy(dtype="float64")
    rebate = float(np.nansum(t["rebate"].to_numpy(dtype="float64")))
    closes = t["close_time"].to_numpy("datetime64[ns]")
    # One sort for every k and both curves; each curve in close order once ((x * k)[perm] is x[perm] * k, value
    # for value), and each k's drawdown taken from the arrays (issue 10: no frame per k of a million trades).
    perm = np.argsort(closes, kind="stable")
    sorted_close, sorted_net, sorted_after = closes[perm], net[perm], after[perm]
    c = _cash_rows(cash, NOT_BALANCE + ("rebate",))
    rows = []
    for k in ks:
        if not k > 0:
            raise ValueError(f"lot scale factor must be positive, got {k!r}")
        if k == 1.0 and at_one is not None:  # x 1.0 changes no value: the caller's drawdowns are these
            without, with_ = at_one
        elif not len(t):
            without = with_ = max_drawdown(t, cash)
        else:
            without = _drawdown(np.nan_to_num(sorted_net * k), sorted_close, c)
            with_ = _drawdown(np.nan_to_num(sorted_after * k), sorted_close, c)
        rows.append({
            "k": float(k), "lots": lots * k, "broker_net": float(np.nansum(net)) * k, "rebate": rebate * k,
            "net_after_rebate": float(np.nansum(after)) * k,
            "max_drawdown": without["max_drawdown"], "max_drawdown_with_rebates": with_["max_drawdown"],
            "max_drawdown_pct": without["max_drawdown_pct"],
            "max_drawdown_pct_with_rebates": with_["max_drawdown_pct"],
        })
    return pd.DataFrame(rows)
