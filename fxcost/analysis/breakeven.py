"""Break-even (DOMAIN.md 7.3-7.5): cost pips before/after rebate, break-even win rate, expectancy, equity effect.

Consistency rule (DOMAIN.md 7.4): the average win W and loss L come from MetaTrader's Profit by
default (``basis="profit"``), so the per-trade cost C holds only the explicit costs: commission +
taxes - rebate (- swap with ``swap_in_cost``). With ``basis="mid"`` W and L come from mid_pnl and C
adds the spread; both give the same break-even win rate p* = (L + C) / (W + L) (7.6).

Units: money in the frame's currency; win rates and ``share_*`` figures are fractions (0.4829 =
48.29%); keys ending in ``_pct`` are percentages. A winner is a trade whose P&L on the basis is
> 0, a loser < 0; trades at exactly 0 count in the expectancy but not in W, L or the win rate.
Anything undefined (no trades, no winners, no losers, no pip value) is None, never an error.
"""

from __future__ import annotations

from typing import SupportsFloat, TypedDict

import numpy as np
import pandas as pd

from fxcost.analysis import exposure
from fxcost.analysis.aggregate import group_sums, key_series, ratio

BASES = ("profit", "mid")

#: Columns of :func:`by`, also the numeric keys of :func:`summary`.
COLUMNS = (
    "trades", "winners", "losers", "lots",
    "cost_pips_per_lot_before", "cost_pips_per_lot_after", "shift_pips",
    "cost_per_lot_before", "cost_per_lot_after",
    "avg_win", "avg_loss", "cost_per_trade_before", "cost_per_trade_after",
    "win_rate_before", "win_rate_after", "actual_win_rate",
    "expectancy_before", "expectancy_after", "carry_per_trade",
)


def _parts(t: pd.DataFrame, basis: str, swap_in_cost: bool) -> pd.DataFrame:
    """Per-trade addends; every figure is a ratio of their sums, so groups and totals share one formula."""
    if basis not in BASES:
        raise ValueError(f"pnl basis {basis!r}: use 'profit' or 'mid'")
    f = {c: t[c].to_numpy(dtype="float64") for c in (
        "lots", "pip_value", "profit", "mid_pnl", "commission", "taxes", "swap", "transaction_cost", "rebate")}
    # Positive swap is income, so it lowers the cost when the user counts carry as a cost.
    carry = -f["swap"] if swap_in_cost else 0.0
    cost = f["transaction_cost"] + carry  # spread + explicit (7.3), money per trade
    if basis == "profit":
        pnl = f["profit"]
        explicit = -f["commission"] - f["taxes"] + carry  # spread is already inside Profit
    else:
        pnl = f["mid_pnl"]
        explicit = cost
    lot_pips = f["lots"] * f["pip_value"]
    has_pips = np.isfinite(lot_pips) & (lot_pips > 0)
    win = pnl > 0
    loss = pnl < 0
    return pd.DataFrame({
        "trades": np.ones(len(t), dtype="int64"),
        "winners": win.astype("int64"),
        "losers": loss.astype("int64"),
        "lots": f["lots"],
        "_lot_pips": np.where(has_pips, lot_pips, 0.0),
        "_cost_pips": np.where(has_pips, cost, 0.0),
        "_rebate_pips": np.where(has_pips, f["rebate"], 0.0),
        "_cost": cost,
        "_rebate": f["rebate"],
        "_win": np.where(win, pnl, 0.0),
        "_loss": np.where(loss, -pnl, 0.0),
        "_explicit": explicit,
        "_net": pnl - explicit,
        "_swap": f["swap"],
    }, index=t.index)


def _figures(s: pd.DataFrame) -> pd.DataFrame:
    """The break-even figures from group sums (vectorised over groups)."""
    # Each sum read once as an array and the table made in one go (issue 10: column by column cost more than the
    # sums themselves on a 100k-trade report's small tables).
    v = {c: s[c].to_numpy() for c in ("trades", "winners", "losers", "lots", "_cost_pips", "_rebate_pips",
                                      "_lot_pips", "_cost", "_rebate", "_win", "_loss", "_explicit", "_net", "_swap")}
    n = v["trades"]
    out = {c: v[c].copy() for c in ("trades", "winners", "losers", "lots")}
    before = ratio(v["_cost_pips"], v["_lot_pips"])
    after = ratio(v["_cost_pips"] - v["_rebate_pips"], v["_lot_pips"])
    out["cost_pips_per_lot_before"] = before
    out["cost_pips_per_lot_after"] = after
    out["shift_pips"] = before - after
    out["cost_per_lot_before"] = ratio(v["_cost"], v["lots"])
    out["cost_per_lot_after"] = ratio(v["_cost"] - v["_rebate"], v["lots"])
    w = ratio(v["_win"], v["winners"])
    loss = ratio(v["_loss"], v["losers"])
    c_before = ratio(v["_explicit"], n)
    c_after = ratio(v["_explicit"] - v["_rebate"], n)
    out["avg_win"] = w
    out["avg_loss"] = loss
    out["cost_per_trade_before"] = c_before
    out["cost_per_trade_after"] = c_after
    # p* = (L + C) / (W + L), a probability: clipped, so a rebate above the loss reads as 0%.
    out["win_rate_before"] = np.clip(ratio(loss + c_before, w + loss), 0.0, 1.0)
    out["win_rate_after"] = np.clip(ratio(loss + c_after, w + loss), 0.0, 1.0)
    out["actual_win_rate"] = ratio(v["winners"], v["winners"] + v["losers"])
    # The realised mean, which equals p*W - (1-p)*L - C when no trade is exactly flat; the rebate
    # adds to it one for one (7.5).
    out["expectancy_before"] = ratio(v["_net"], n)
    out["expectancy_after"] = ratio(v["_net"] + v["_rebate"], n)
    out["carry_per_trade"] = ratio(v["_swap"], n)
    return pd.DataFrame(out, index=s.index)


def _clean(value: SupportsFloat) -> float | int | None:
    if isinstance(value, (int, np.integer)):
        return int(value)
    value = float(value)
    return value if np.isfinite(value) else None


def addends(t: pd.DataFrame, *, basis: str = "profit", swap_in_cost: bool = False) -> pd.DataFrame:
    """The per-trade addends of :func:`summary` and :func:`by_many`, for a caller that needs both."""
    return _parts(t, basis, swap_in_cost)


def summary(t: pd.DataFrame, *, basis: str = "profit", swap_in_cost: bool = False,
            parts: pd.DataFrame | None = None) -> dict[str, float | int | str | None]:
    """Break-even figures of the whole frame (keys: :data:`COLUMNS` plus ``pnl_basis``, ``swap_in_cost``).

    ``cost_pips_per_lot_*`` are money-weighted: Σ cost / Σ(lots x pip value) over trades with a
    pip value; ``cost_per_lot_*`` are money per round-turn lot; ``avg_loss`` is a positive amount;
    ``cost_per_trade_*`` is C of the formula; ``carry_per_trade`` is the mean swap (+ income),
    shown apart unless ``swap_in_cost``. ``parts``: :func:`addends` of ``t`` (same basis and swap) when the
    caller has them.
    """
    if parts is None:
        parts = _parts(t, basis, swap_in_cost)
    sums = parts.sum().to_frame().T
    row = _figures(sums).iloc[0]
    out: dict[str, float | int | str | None] = {c: _clean(row[c]) for c in COLUMNS}
    for c in ("trades", "winners", "losers"):
        out[c] = int(row[c])
    out["pnl_basis"] = "MetaTrader Profit (spread inside; C = explicit costs)" if basis == "profit" else \
        "mid_pnl (before spread; C includes the spread)"
    out["swap_in_cost"] = bool(swap_in_cost)
    return out


def by(t: pd.DataFrame, key: str = "symbol", *, basis: str = "profit", swap_in_cost: bool = False) -> pd.DataFrame:
    """:func:`summary` per group: ``key`` is symbol, category, account or any key of aggregate.by."""
    return _figures(group_sums(_parts(t, basis, swap_in_cost), key_series(t, key)))


def by_many(t: pd.DataFrame, keys: tuple[str, ...] = ("symbol", "category", "account"), *, basis: str = "profit",
            swap_in_cost: bool = False, parts: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """:func:`by` for several keys, building the per-trade addends once (``parts``: :func:`addends` of ``t``,
    same basis and swap, when the caller has them)."""
    parts = _parts(t, basis, swap_in_cost) if parts is None else parts
    out = {}
    for key in keys:
        out[key] = _figures(group_sums(parts, key_series(t, key)))
    return out


def _daily_vol(close: np.ndarray, pnl: tuple[np.ndarray, ...]) -> list[float | None]:
    """Standard deviation (ddof 1) of P&L per server day over every weekday from first to last close.

    Weekdays without closes count as 0 (leaving them out would overstate the volatility);
    weekend days count only when something closed on them.
    """
    ok = ~np.isnat(close)
    days = close[ok].astype("datetime64[D]")
    if not len(days):
        return [None] * len(pnl)
    first = days.min()
    span = np.arange(first, days.max() + np.timedelta64(1, "D"))
    weekday = (span.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    # The calendar (every weekday and every day something closed on) marked on the span, and each close's position
    # in it counted along the span: the sorted union and a search for a million days (issue 10), without sorting.
    offset = (days - first).astype(np.int64)
    in_calendar = weekday < 5
    in_calendar[offset] = True
    size = int(in_calendar.sum())
    if size < 2:
        return [None] * len(pnl)
    idx = (np.cumsum(in_calendar) - 1)[offset]
    out: list[float | None] = []
    for values in pnl:
        daily = np.bincount(idx, weights=np.nan_to_num(values[ok]), minlength=size)
        out.append(float(np.std(daily, ddof=1)))
    return out


class EquityEffect(TypedDict):
    """What :func:`equity_effect` returns (None where a figure is undefined)."""

    max_drawdown_without: float | None
    max_drawdown_with: float | None
    max_drawdown_pct_without: float | None
    max_drawdown_pct_with: float | None
    drawdown_basis: str
    daily_pnl_vol_without: float | None
    daily_pnl_vol_with: float | None
    rebate: float
    transaction_cost: float
    losses: float
    share_of_losses_covered: float | int | None
    share_of_costs_covered: float | int | None
    rebate_pct_of_costs: float | None
    cost_pct_of_gross_profit: float | int | None


def equity_effect(t: pd.DataFrame, cash: pd.DataFrame | None = None) -> EquityEffect:
    """What cashback does to the realised equity curve, with and without rebates (accrued at close).

    - ``max_drawdown_*`` / ``max_drawdown_pct_*``: see exposure.max_drawdown (percent of the
      balance at the peak when ``cash`` gives one, else of the cumulative P&L; ``drawdown_basis``).
    - ``daily_pnl_vol_*``: standard deviation of P&L per server day (broker_net vs net_after_rebate).
    - ``share_of_losses_covered`` = Σ rebate / Σ |broker_net| of losing trades (fraction).
    - ``share_of_costs_covered`` = Σ rebate / Σ transaction_cost (fraction); ``rebate_pct_of_costs``
      is the same in percent (DOMAIN.md 8).
    - ``cost_pct_of_gross_profit`` = Σ transaction_cost / Σ mid_pnl of trades with mid_pnl > 0, in percent.
    """
    close = t["close_time"].to_numpy("datetime64[ns]")
    order = (close, np.argsort(close, kind="stable"))  # both curves read one sort of the closes
    without = exposure.max_drawdown(t, cash, "broker_net", close_order=order)
    with_ = exposure.max_drawdown(t, cash, "net_after_rebate", close_order=order)
    net = t["broker_net"].to_numpy(dtype="float64")
    after = t["net_after_rebate"].to_numpy(dtype="float64")
    vol_without, vol_with = _daily_vol(close, (net, after))
    rebate = float(np.nansum(t["rebate"].to_numpy(dtype="float64")))
    cost = float(np.nansum(t["transaction_cost"].to_numpy(dtype="float64")))
    losses = float(-net[net < 0].sum()) + 0.0  # + 0.0: no -0.0
    mid = t["mid_pnl"].to_numpy(dtype="float64")
    gross_profit = float(mid[mid > 0].sum())
    share_costs = _clean(ratio(rebate, cost)) if cost > 0 else None
    return {
        "max_drawdown_without": without["max_drawdown"],
        "max_drawdown_with": with_["max_drawdown"],
        "max_drawdown_pct_without": without["max_drawdown_pct"],
        "max_drawdown_pct_with": with_["max_drawdown_pct"],
        "drawdown_basis": without["drawdown_basis"],
        "daily_pnl_vol_without": vol_without,
        "daily_pnl_vol_with": vol_with,
        "rebate": rebate,
        "transaction_cost": cost,
        "losses": losses,
        "share_of_losses_covered": _clean(ratio(rebate, losses)) if losses > 0 else None,
        "share_of_costs_covered": share_costs,
        "rebate_pct_of_costs": share_costs * 100.0 if share_costs is not None else None,
        "cost_pct_of_gross_profit": _clean(ratio(cost, gross_profit) * 100.0) if gross_profit > 0 else None,
    }
