"""Everything the views show, computed from one AnalysisResult on the worker thread (no Qt objects here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from fxcost.analysis import aggregate, breakeven, exposure, rebates, whatif
from fxcost.analysis.engine import AnalysisResult, Setup
from fxcost.errors import ImportCancelled
from fxcost.report import json_summary


@dataclass
class Series:
    """One line of a time chart: x in seconds since 1970 (server time shown as is), y values."""

    name: str
    x: np.ndarray
    y: np.ndarray
    step: bool = False
    visible: bool = True


@dataclass
class Bars:
    """A bar chart over labelled groups: one array per series (same length as ``labels``)."""

    labels: list[str]
    series: dict[str, np.ndarray]
    stacked: bool = True
    unit: str = ""
    line: tuple[str, np.ndarray] | None = None  # an extra marker series (e.g. net cost)


@dataclass
class Views:
    """The read-only bundle the window hands to every view after an analysis."""

    result: AnalysisResult
    figures: dict
    equity: list[Series] = field(default_factory=list)
    costs: list[Series] = field(default_factory=list)
    rebates: list[Series] = field(default_factory=list)
    leverage: list[Series] = field(default_factory=list)
    by_symbol: Bars | None = None
    by_month: Bars | None = None
    breakeven_pips: Bars | None = None
    breakeven_winrate: Bars | None = None
    compare: list = field(default_factory=list)  # whatif.Outcome
    spread_sweep: pd.DataFrame | None = None
    rebate_sweep: pd.DataFrame | None = None
    ib: dict | None = None  # ib.ib_rollup output
    ib_program: str = ""
    ib_note: str = ""
    payout_matches: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)
    #: The views whose data this bundle holds (see PARTS); the early copies ``prepare`` publishes hold fewer.
    parts: frozenset[str] = frozenset(("overview", "trades", "charts", "compare", "ib"))

    @property
    def complete(self) -> bool:
        return self.parts.issuperset(PARTS)


#: Every view's part of the data, in the order they are filled: overview (figures), trades (result.trades),
#: charts, compare, ib.
PARTS = ("overview", "trades", "charts", "compare", "ib")


def _seconds(times: np.ndarray) -> np.ndarray:
    return times.astype("datetime64[ns]").view(np.int64) / 1e9


def overview_figures(result: AnalysisResult) -> dict:
    """The overview's key figures: json_summary.cost_totals plus break-even and gross-profit shares."""
    t = result.trades
    costs = json_summary.cost_totals(t)
    be = breakeven.summary(t, swap_in_cost=result.settings.include_swap_in_cost)
    cash = result.portfolio.frame("cash")
    effect = breakeven.equity_effect(t, cash)
    return {
        "currency": result.currency,
        "trades": int(len(t)),
        "lots": float(t["lots"].sum()) if len(t) else 0.0,
        **costs,
        "shift_pips": be.get("shift_pips"),
        "win_rate_before": be.get("win_rate_before"),
        "win_rate_after": be.get("win_rate_after"),
        "actual_win_rate": be.get("actual_win_rate"),
        "cost_pct_of_gross_profit": effect.get("cost_pct_of_gross_profit"),
        "rebate_pct_of_costs": effect.get("rebate_pct_of_costs"),
        "max_drawdown_without": effect.get("max_drawdown_without"),
        "max_drawdown_with": effect.get("max_drawdown_with"),
        "program": getattr(result.settings.main_program, "name", None),
        "profile": result.settings.profile.name,
    }


def _time_series(t: pd.DataFrame) -> tuple[list[Series], list[Series]]:
    order = np.argsort(t["close_time"].to_numpy("datetime64[ns]"), kind="stable")
    s = t.iloc[order]
    x = _seconds(s["close_time"].to_numpy())

    def cum(values) -> np.ndarray:
        return np.cumsum(np.nan_to_num(np.asarray(values, dtype=float)))

    equity = [
        Series("Raw P&L at mid prices (before costs, est.)", x, cum(s["mid_pnl"])),
        Series("Net after costs (statement)", x, cum(s["broker_net"])),
        Series("Net + cumulative cashback", x, cum(s["net_after_rebate"])),
    ]
    costs = [
        Series("Spread (est.)", x, cum(s["spread_cost"])),
        Series("Commission", x, cum(-s["commission"])),
        Series("Taxes / fees", x, cum(-s["taxes"])),
        Series("Swap (charged − earned)", x, cum(-s["swap"])),
        Series("Rebate (given back)", x, -cum(s["rebate"])),
        Series("Total cost after rebate", x, cum(s["net_transaction_cost"])),
    ]
    return equity, costs


def _cost_bars(table: pd.DataFrame, labels: list[str]) -> Bars:
    return Bars(
        labels=labels,
        series={
            "Spread (est.)": table["spread_cost"].to_numpy(dtype=float),
            "Commission + taxes": -(table["commission"] + table["taxes"]).to_numpy(dtype=float),
            "Rebate (given back)": -table["rebate"].to_numpy(dtype=float),
        },
        stacked=True,
        line=("Net cost", table["net_transaction_cost"].to_numpy(dtype=float)),
    )


def _rebate_series(result: AnalysisResult) -> list[Series]:
    t = result.trades
    out: list[Series] = []
    if len(t):
        acc = rebates.accrual(t, t["rebate"].to_numpy())
        out.append(Series("Accrued (at each close)", _seconds(acc.index.to_numpy()), acc.to_numpy(), step=True))
    frames = [a.payouts for a in result.accounts if a.payouts is not None and len(a.payouts)]
    if frames:
        paid = rebates.paid_series(pd.concat(frames, ignore_index=True))
        if len(paid):
            out.append(Series("Expected payouts (program schedule)", _seconds(paid.index.to_numpy()),
                              paid.to_numpy(), step=True))
    cash = result.portfolio.frame("cash")
    got = cash.loc[cash["kind"] == "rebate"].sort_values("time", kind="stable")
    if len(got):
        out.append(Series("Rebate rows in the statement", _seconds(got["time"].to_numpy()),
                          np.cumsum(got["amount"].to_numpy(dtype=float)), step=True))
    return out


def _leverage_series(result: AnalysisResult) -> list[Series]:
    t = result.trades
    if not len(t):
        return []
    levels = {}
    for a in result.accounts:
        if len(a.trades) and a.leverage:
            levels[str(a.trades["account"].iloc[0])] = int(a.leverage)
    lev = exposure.leverage(t, result.portfolio.frame("cash"), levels or None)
    per = lev["per_trade"]
    order = np.argsort(t["open_time"].to_numpy("datetime64[ns]"), kind="stable")
    x = _seconds(t["open_time"].to_numpy()[order])
    # A step line: the open positions' leverage holds until the next trade opens.
    out = [Series("Open positions' notional / balance", x, per["concurrent_leverage"].to_numpy(dtype=float)[order],
                  step=True),
           Series("This trade's notional / balance", x, per["effective_leverage"].to_numpy(dtype=float)[order],
                  visible=False)]
    return out


def _ib(result: AnalysisResult, ib_program, repriced: dict | None = None) -> tuple[dict | None, str, str]:
    """The IB roll-up under ``ib_program`` (else the main program); ``repriced`` maps id(program) to the
    trades already re-priced under it for the comparison, so a compared program is not priced twice."""
    from fxcost.analysis import ib

    t = result.trades
    if not len(t):
        return None, "", "No trades."
    main = result.settings.main_program
    program = ib_program or main
    if program is None:
        return None, "", ("Choose an IB program in the setup panel (or make the main program one) to see "
                          "IB earnings per client and month.")
    if program is main:
        priced = t
    elif repriced and id(program) in repriced:
        priced = repriced[id(program)]
    else:
        priced = whatif.reprice(result, Setup(f"IB: {program.name}", None, None, program))
    shares = program.client_shares if program.client_shares else (program.client_share_pct or 0.0)
    note = "" if (program.client_shares or program.client_share_pct is not None) else \
        "The program passes nothing back to clients (no client_share_pct)."
    return ib.ib_rollup(priced, shares), program.name, note


def prepare(result: AnalysisResult, *, ib_program=None, progress: Callable[[float, str], None] | None = None,
            is_cancelled: Callable[[], bool] | None = None,
            publish: Callable[[Views], None] | None = None) -> Views:
    """Every view's data from ``result``; checks ``is_cancelled`` between the steps.

    ``publish`` receives early copies as parts get ready: the Overview's and the Trades table's (``parts``
    overview, trades) as soon as the key figures are known, then with the charts too, so the window shows
    them while the what-if comparison and the IB roll-up are computed. A published copy is never changed
    afterwards (the worker goes on with its own object).
    """

    def step(frac: float, message: str) -> None:
        if is_cancelled and is_cancelled():
            raise ImportCancelled("Cancelled.")
        if progress:
            progress(frac, message)

    t = result.trades
    step(0.0, "Key figures")
    if not len(t):
        # Nothing closed (or nothing imported): the views show dashes and empty charts, not an error.
        return Views(result=result, figures={"currency": result.currency, "trades": 0, "lots": 0.0,
                                             "program": getattr(result.settings.main_program, "name", None),
                                             "profile": result.settings.profile.name},
                     warnings=list(result.warnings), ib_note="No trades.")
    views = Views(result=result, figures=overview_figures(result), warnings=list(result.warnings))
    if publish is not None:
        publish(replace(views, parts=frozenset(("overview", "trades"))))
    step(0.15, "Charts")
    views.equity, views.costs = _time_series(t)
    views.rebates = _rebate_series(result)
    views.leverage = _leverage_series(result)
    step(0.35, "Breakdowns")
    sym = aggregate.by(t, "symbol")
    views.by_symbol = _cost_bars(sym, [str(i) for i in sym.index])
    month = aggregate.by(t, "month")
    views.by_month = _cost_bars(month, [str(i) for i in month.index])
    be = breakeven.by(t, "symbol", swap_in_cost=result.settings.include_swap_in_cost)
    labels = [str(i) for i in be.index]
    views.breakeven_pips = Bars(labels, {
        "Cost pips before rebate": be["cost_pips_per_lot_before"].to_numpy(dtype=float),
        "Cost pips after rebate": be["cost_pips_per_lot_after"].to_numpy(dtype=float),
    }, stacked=False, unit="pips")
    views.breakeven_winrate = Bars(labels, {
        "Break-even win rate before rebate": be["win_rate_before"].to_numpy(dtype=float) * 100,
        "Break-even win rate after rebate": be["win_rate_after"].to_numpy(dtype=float) * 100,
        "Actual win rate": be["actual_win_rate"].to_numpy(dtype=float) * 100,
    }, stacked=False, unit="%")
    if publish is not None:
        publish(replace(views, parts=frozenset(("overview", "trades", "charts"))))
    step(0.55, "Comparing programs and profiles")
    scenarios = whatif.scenarios(result)
    views.compare = [o for o, _ in scenarios]
    # scenarios lists the actual setup, then each program after the main one, in settings order.
    programs = result.settings.programs[1:]
    repriced = {id(p): frame for p, (_, frame) in zip(programs, scenarios[1:len(programs) + 1])}
    views.spread_sweep = whatif.spread_sweep(t)
    views.rebate_sweep = whatif.rebate_sweep(t)
    step(0.85, "IB roll-up")
    views.ib, views.ib_program, views.ib_note = _ib(result, ib_program, repriced)
    matches = [a.payout_matches for a in result.accounts if a.payout_matches is not None and len(a.payout_matches)]
    views.payout_matches = pd.concat(matches, ignore_index=True) if matches else None
    step(1.0, "Done")
    return views
