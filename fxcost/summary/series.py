"""Every chart's series, computed once on the worker (issue 10): the app's charts only draw them, the printable
summary (issue 15) draws the same equity lines and month bars; plus its condensed tables (by close year, top
symbols).

:func:`charts` builds the app's series (:class:`Charts`) from an analysed result; the summary holds them
(Summary.charts). Grouped tables come from analysis.aggregate, so an "Other" row or a year row carries exact
ratios, not sums of rounded rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from fxcost.analysis import aggregate, breakeven, costs, exposure, rebates
from fxcost.analysis.engine import AnalysisResult
from fxcost.summary.document import balance_cash, merged_cash

#: Names of the equity lines, as the app's chart names them.
RAW, NET, CASHBACK = ("Raw P&L at mid prices (before costs, est.)", "Net after costs (statement)",
                      "Net + cumulative cashback")


@dataclass(frozen=True)
class Line:
    """One line of a time chart: x in seconds since 1970 (server time as printed), y cumulative money."""

    name: str
    x: np.ndarray
    y: np.ndarray


def _cum(values) -> np.ndarray:
    return np.cumsum(np.nan_to_num(np.asarray(values, dtype=float)))


def equity_lines(t: pd.DataFrame) -> list[Line]:
    """Cumulative raw P&L at mid prices, net after costs and (when any trade earns a rebate) net + cashback,
    over the close times in order; steps change only when a trade closes."""
    if not len(t):
        return []
    order = np.argsort(t["close_time"].to_numpy("datetime64[ns]"), kind="stable")
    # Only the columns read are put in order (issue 14: the whole costed frame of a 500-client book, copied
    # for four columns, stayed in the app's memory as freed but unreturned heap).
    read = [c for c in ("close_time", "mid_pnl", "broker_net", "rebate", "net_after_rebate") if c in t.columns]
    s = t[read].iloc[order]
    x = s["close_time"].to_numpy().astype("datetime64[ns]").view(np.int64) / 1e9
    lines = [Line(RAW, x, _cum(s["mid_pnl"])), Line(NET, x, _cum(s["broker_net"]))]
    if np.nan_to_num(s["rebate"].to_numpy(dtype=float)).any():  # else it is the net line again (as in the app)
        lines.append(Line(CASHBACK, x, _cum(s["net_after_rebate"])))
    return lines


@dataclass(frozen=True)
class MonthBars:
    """Cost by month of close, every month of the range (months without trades at 0), as the app's bar chart."""

    months: list[str]
    spread: np.ndarray
    commission_taxes: np.ndarray  # charged: positive
    rebate: np.ndarray  # given back: negative
    net_cost: np.ndarray


def cost_by_month(by_month: list[dict]) -> MonthBars:
    """The app's "Cost by month" bars (ui/viewdata._cost_bars + fill_months) from the summary's ``by_month``."""
    rows = [r for r in by_month if r.get("month")]
    if not rows:
        return MonthBars([], *(np.zeros(0) for _ in range(4)))
    have = np.array([np.datetime64(str(r["month"]), "M") for r in rows]).astype(np.int64)
    every = np.arange(have.min(), have.max() + 1)
    where = np.searchsorted(every, have)

    def spread(key, sign=1.0, extra: str | None = None) -> np.ndarray:
        out = np.zeros(len(every))
        vals = np.array([float(r.get(key) or 0.0) + (float(r.get(extra) or 0.0) if extra else 0.0) for r in rows])
        out[where] = sign * vals
        return out

    return MonthBars([str(m) for m in every.astype("datetime64[M]")], spread("spread_cost"),
                     spread("commission", -1.0, "taxes"), spread("rebate", -1.0), spread("net_transaction_cost"))


def _records(table: pd.DataFrame, key: str) -> list[dict]:
    table = table.reset_index()
    table.columns = [key, *table.columns[1:]]
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in table.to_dict("records")]


def by_close_year(t: pd.DataFrame) -> list[dict]:
    """Trades grouped by the year they closed (aggregate.by's columns, ``year`` first), for a summary that has
    no ``by_year`` block of its own."""
    if not len(t):
        return []
    years = t["close_time"].dt.year.astype("Int64").astype(str).rename("year")
    return _records(aggregate.by(t.assign(year=years.to_numpy()), "year"), "year")


def top_symbols(t: pd.DataFrame, n: int = 15) -> tuple[list[dict], dict]:
    """The ``n`` symbols with the highest transaction cost, then one "Other (k symbols)" row for the rest (exact
    ratios over those trades), and the total row (aggregate.total)."""
    if not len(t):
        return [], {}
    roots = t["symbol_root"].astype(str)
    by = aggregate.by(t, "symbol").sort_values("transaction_cost", ascending=False, kind="stable")
    rows = _records(by.iloc[:n], "symbol")
    rest = by.index[n:]
    if len(rest):
        others = roots.isin([str(s) for s in rest]).to_numpy()
        other = aggregate.total(t.loc[others])
        rows.append({"symbol": f"Other ({len(rest)} symbols)", **{k: v.item() if hasattr(v, "item") else v
                                                                  for k, v in other.items()}})
    total = aggregate.total(t)
    return rows, {"symbol": "Total", **{k: v.item() if hasattr(v, "item") else v for k, v in total.items()}}


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
    months: bool = False  # labels are every month "YYYY-MM" of a range (see fill_months): the axis labels by date


def _month_numbers(labels: list[str]) -> np.ndarray:
    return np.array([np.datetime64(s, "M") for s in labels], dtype="datetime64[M]").astype(np.int64)


def fill_months(bars: Bars) -> Bars:
    """``bars`` over "YYYY-MM" labels with every month from the first to the last, months without trades at 0.

    A month axis that skipped empty months would put 2020-04 right next to 2023-09 (UX review item 9).
    """
    if not bars.labels:
        return replace(bars, months=True)
    have = _month_numbers(bars.labels)
    known = have != np.iinfo(np.int64).min  # a trade without a close time has no month to be shown in
    if not known.any():
        return replace(bars, labels=[], series={k: np.zeros(0) for k in bars.series},
                       line=(bars.line[0], np.zeros(0)) if bars.line is not None else None, months=True)
    every = np.arange(have[known].min(), have[known].max() + 1)
    where = np.searchsorted(every, have[known])

    def spread(values) -> np.ndarray:
        out = np.zeros(len(every))
        out[where] = np.asarray(values, dtype=float)[known]
        return out

    labels = [str(m) for m in every.astype("datetime64[M]")]
    line = (bars.line[0], spread(bars.line[1])) if bars.line is not None else None
    return replace(bars, labels=labels, series={k: spread(v) for k, v in bars.series.items()}, line=line, months=True)


def _seconds(times: np.ndarray) -> np.ndarray:
    return times.astype("datetime64[ns]").view(np.int64) / 1e9


def _time_series(t: pd.DataFrame, include_swap: bool = False) -> tuple[list[Series], list[Series]]:
    order = np.argsort(t["close_time"].to_numpy("datetime64[ns]"), kind="stable")
    s = t[["close_time", "spread_cost", "commission", "taxes", "swap", "rebate", "net_transaction_cost"]].iloc[order]
    x = _seconds(s["close_time"].to_numpy())

    def cum(values) -> np.ndarray:
        return np.cumsum(np.nan_to_num(np.asarray(values, dtype=float)))

    # The equity lines are the printable summary's too (equity_lines, issue 15). Cumulative sums
    # change only when a trade closes: steps, so a month without trades is drawn flat rather than as a slope.
    equity = [Series(line.name, line.x, line.y, step=True) for line in equity_lines(t)]
    cost_lines = [
        Series("Spread (est.)", x, cum(s["spread_cost"]), step=True),
        Series("Commission", x, cum(-s["commission"]), step=True),
        Series("Taxes / fees", x, cum(-s["taxes"]), step=True),
        Series("Swap (charged − earned)", x, cum(-s["swap"]), step=True),
        Series("Rebate (given back)", x, -cum(s["rebate"]), step=True),
        # Swap is carry, in only when the user counts it as a cost: the label says which (costs.cost_after_rebate).
        Series(costs.cost_after_rebate_label(include_swap)[0], x, np.cumsum(costs.cost_after_rebate(s, include_swap)),
               step=True),
    ]
    return equity, cost_lines


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
    cash = merged_cash(result)
    got = cash.loc[cash["kind"] == "rebate"].sort_values("time", kind="stable")
    if len(got):
        out.append(Series("Rebate rows in the statement", _seconds(got["time"].to_numpy()),
                          np.cumsum(got["amount"].to_numpy(dtype=float)), step=True))
    return out


def _open_leverage(t: pd.DataFrame, timeline: pd.DataFrame, notional: np.ndarray,
                   group: np.ndarray, accounts: set[str] | None = None,
                   whole: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Open positions' notional / balance of the trades of one group, after every instant a position opens
    or closes: (seconds, leverage), 0 while nothing is open.

    exposure.leverage gives this ratio at each open only, so a line through those points held the last
    open's value through flat months (UX review item 8). Conventions as exposure's: at one instant cash
    and closes come before opens, the balance excludes credit, and a group of several accounts adds their
    notionals and their balances. ``timeline`` is exposure.balance_timeline of ``t``; ``accounts``: the accounts
    of the group's trades when the caller knows them (reading them off a million trades' labels is slow);
    ``whole``: every row of ``timeline`` is of the group's accounts (no row to leave out; ``timeline`` then needs
    only its ``time`` and ``amount``, exposure.balance_steps).
    """
    rows = np.flatnonzero(group)
    n = len(rows)
    if not n:
        return np.zeros(0), np.zeros(0)
    opened = t["open_time"].to_numpy("datetime64[ns]")[rows].view(np.int64)
    closed = t["close_time"].to_numpy("datetime64[ns]")[rows].view(np.int64)
    times = np.concatenate([closed, opened])
    kind = np.concatenate([np.zeros(n, np.int8), np.ones(n, np.int8)])  # closes before opens
    order = exposure.event_order(np.zeros(len(times), dtype=np.int64), times, kind)  # = np.lexsort((kind, times))
    times, open_count, open_notional, open_unknown = _open_state(
        times[order], np.where(kind[order] == 1, 1, -1), np.tile(notional[rows], 2)[order])
    # The group's balance at each instant: Σ over its accounts of cash and closed trades up to then.
    if accounts is None:
        accounts = set(t["account"].astype(str).to_numpy()[rows])
    event_times = timeline["time"].to_numpy("datetime64[ns]")
    if whole and not np.isnat(event_times).any():
        # The same stable order by time as sort_values below, on the two columns read (issue 10: a million rows).
        by_time = np.argsort(event_times, kind="stable")
        amounts, event_times = timeline["amount"].to_numpy(dtype=float)[by_time], event_times[by_time]
    else:
        if not whole:  # a whole group keeps every row (and the timeline may hold no account column)
            timeline = timeline.loc[timeline["account"].isin(accounts)]
        timeline = timeline.sort_values("time", kind="stable")
        amounts, event_times = timeline["amount"].to_numpy(dtype=float), timeline["time"].to_numpy("datetime64[ns]")
    booked = np.r_[0.0, np.cumsum(amounts)]
    balance = booked[np.searchsorted(event_times.view(np.int64), times, side="right")]
    return _leverage_points(times, balance, open_notional, open_count, open_unknown)


def _open_state(times: np.ndarray, sign: np.ndarray, size: np.ndarray, keep: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """After every instant of the time-sorted open (+1) and close (-1) events ``sign`` of positions of notional
    ``size`` (NaN: unknown): (instant, open positions, their known notional, those of unknown size or None when
    no size is unknown). ``keep``: the events whose instants count (others, sign 0 and size -0.0, only pass)."""
    unknown = ~np.isfinite(size)
    # Issue 10: the count of open positions of unknown size only when some size is unknown (a million trades).
    has_unknown = bool(unknown.any())
    open_count = np.cumsum(sign)
    open_notional = np.cumsum(sign * (np.where(unknown, 0.0, size) if has_unknown else size))
    last = np.r_[times[1:] != times[:-1], True]  # the state after every event of an instant
    if keep is not None:
        last &= keep
    open_unknown = np.cumsum(sign * unknown)[last] if has_unknown else None
    return times[last], open_count[last], open_notional[last], open_unknown


def _leverage_points(times: np.ndarray, balance: np.ndarray, open_notional: np.ndarray, open_count: np.ndarray,
                     open_unknown: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The leverage after each instant (open notional / balance; NaN while a position's size is unknown or the
    balance is not positive, 0 when flat), as (epoch seconds, value) without instants of unknown time."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(balance > 0, open_notional / balance, np.nan)
    if open_unknown is not None:
        value[open_unknown > 0] = np.nan
    value[open_count == 0] = 0.0  # flat: no exposure, whatever the balance
    ok = times != np.iinfo(np.int64).min  # NaT
    return times[ok] / 1e9, value[ok]


def _sorted_open_leverage(events: dict[str, np.ndarray], notional: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_open_leverage` of every trade of one account (``whole``), read from exposure.leverage's sorted events
    (its ``events``: cash, close and open events by time, then kind, then row, and the running balance) instead of
    sorting them again: the same events in the same order, so the same sums (issue 10). None when a cash or close
    time is missing (NaT: :func:`_open_leverage` orders those otherwise)."""
    kind, time, src = events["order"], events["time"], events["src"]
    if bool(((time == np.iinfo(np.int64).min) & (kind != exposure.OPEN_EVENT)).any()):
        return None
    # Every event read in place (issue 10: no copy of two million events per kind): a cash event moves no position
    # (sign 0, notional -0.0, which adds nothing to any sum, not even to -0.0) and ends no instant of the chart,
    # because at one instant cash comes before closes and opens. The balance after an instant's last trade event
    # is the sweep's running balance there (the opens add +0.0 to it: the same figures, a zero's sign aside, which
    # no ratio reads: a balance of zero gives no leverage).
    trade = kind != exposure.CASH_EVENT
    sign = (kind == exposure.OPEN_EVENT).astype(np.int64) - (kind == exposure.CLOSE_EVENT)
    size = np.where(trade, np.take(notional, src, mode="clip"), -0.0) if len(notional) else np.zeros(len(src))
    times, open_count, open_notional, open_unknown = _open_state(time, sign, size, keep=trade)
    last = np.flatnonzero(np.r_[time[1:] != time[:-1], True] & trade)
    running = events["balance"] if "balance" in events else np.cumsum(events["amount"])
    return _leverage_points(times, running[last], open_notional, open_count, open_unknown)


#: Up to this many accounts the leverage chart has a line per account; beyond, one line for all together.
LEVERAGE_LINES = 4


def _accounts_in_order(t: pd.DataFrame, accounts: pd.Series | None = None) -> tuple[np.ndarray, list[str]]:
    """Each trade's account as a code, and the accounts' labels in order of first trade. ``accounts``: the
    ``account`` column as a categorical when the caller has it (its codes are read, not the labels hashed)."""
    if accounts is not None and isinstance(accounts.dtype, pd.CategoricalDtype):
        cat_codes = accounts.cat.codes.to_numpy()
        if len(cat_codes) and cat_codes.min() >= 0:
            firsts = pd.unique(cat_codes)
            remap = np.zeros(len(accounts.cat.categories), dtype=np.intp)
            remap[firsts] = np.arange(len(firsts))
            categories = accounts.cat.categories
            return remap[cat_codes], [str(categories[c]) for c in firsts]
    codes, labels = pd.factorize(t["account"].astype(str).to_numpy())
    return codes, [str(a) for a in labels]


def _leverage_series(result: AnalysisResult, lev: exposure.Leverage | None = None,
                     cash: pd.DataFrame | None = None, accounts: pd.Series | None = None) -> list[Series]:
    """``lev``: exposure.leverage of the trades, ``cash`` (document.balance_cash) and ``accounts`` (the account
    column as a categorical) when the caller has them."""
    t = result.trades
    if not len(t):
        return []
    if cash is None:
        cash = balance_cash(result)  # the balance starts from the opening balance (issue 11)
    if lev is None:
        levels = {}
        for a in result.accounts:
            if len(a.trades) and a.leverage:
                levels[str(a.trades["account"].iloc[0])] = int(a.leverage)
        lev = exposure.leverage(t, cash, levels or None)
    per = lev["per_trade"]
    notional = per["notional"].to_numpy(dtype=float)
    name = "Open positions' notional / balance"
    # The accounts in order of first trade, each trade's as a code: the labels hashed once, not once per group.
    codes, names = _accounts_in_order(t, accounts)
    if len(names) == 1:
        groups = [(name, np.ones(len(t), dtype=bool), set(names))]
    elif len(names) <= LEVERAGE_LINES:
        groups = [(f"{name} · {a}", codes == i, {a}) for i, a in enumerate(names)]
    else:
        groups = [(f"{name} (all {len(names)} accounts)", np.ones(len(t), dtype=bool), set(names))]
    # A group holding every account of the trades and of the cash reads the whole timeline.
    cash_accounts = set(cash["account"].astype(str)) if cash is not None and len(cash) else set()
    whole = [group >= set(names) | cash_accounts for _, _, group in groups]
    # Step lines: the exposure holds until the next open or close, and is 0 while the account is flat. Groups
    # that read the whole timeline need only its times and amounts, not each row's account (issue 10).
    opened = t["open_time"].to_numpy("datetime64[ns]")
    events = lev.get("events")
    line = (_sorted_open_leverage(events, notional) if events is not None and len(groups) == 1 and all(whole)
            and len(names) == 1 else None)
    if line is not None:  # one account: exposure.leverage sorted these events already (issue 10)
        out = [Series(groups[0][0], *line, step=True)]
    else:
        timeline = exposure.balance_steps(t, cash) if all(whole) else exposure.balance_timeline(t, cash)
        out = [Series(label, *_open_leverage(t, timeline, notional, rows, group, whole=w), step=True)
               for (label, rows, group), w in zip(groups, whole)]
    if line is not None and not np.isnat(opened).any():
        # The opens in the sweep's order (time, then row) are the stable order by open time.
        assert events is not None
        order = events["src"][events["order"] == exposure.OPEN_EVENT]
    else:
        order = np.argsort(opened, kind="stable")
    x = _seconds(t["open_time"].to_numpy()[order])
    out.append(Series("This trade's notional / balance", x, per["effective_leverage"].to_numpy(dtype=float)[order],
                      visible=False))
    return out


def breakeven_bars(t: pd.DataFrame, swap_in_cost: bool = False, be: pd.DataFrame | None = None) -> tuple[Bars, Bars]:
    """Per symbol: cost pips per lot before and after rebate; break-even win rates before and after rebate
    against the actual win rate (in %). ``be``: breakeven.by(t, "symbol") when the caller has it."""
    be = breakeven.by(t, "symbol", swap_in_cost=swap_in_cost) if be is None else be
    labels = [str(i) for i in be.index]
    pips = Bars(labels, {
        "Cost pips before rebate": be["cost_pips_per_lot_before"].to_numpy(dtype=float),
        "Cost pips after rebate": be["cost_pips_per_lot_after"].to_numpy(dtype=float),
    }, stacked=False, unit="pips")
    winrate = Bars(labels, {
        "Break-even win rate before rebate": be["win_rate_before"].to_numpy(dtype=float) * 100,
        "Break-even win rate after rebate": be["win_rate_after"].to_numpy(dtype=float) * 100,
        "Actual win rate": be["actual_win_rate"].to_numpy(dtype=float) * 100,
    }, stacked=False, unit="%")
    return pips, winrate


def symbol_bars(t: pd.DataFrame, by_symbol: pd.DataFrame | None = None) -> Bars:
    """Cost by symbol, the costliest first (issue 15: net cost after rebate, not the alphabet's order).
    ``by_symbol``: aggregate.by(t, "symbol") when the caller has it."""
    sym = (aggregate.by(t, "symbol") if by_symbol is None else by_symbol).sort_values("net_transaction_cost", ascending=False, kind="stable")
    return _cost_bars(sym, [str(i) for i in sym.index])


def month_bars(t: pd.DataFrame, by_month: pd.DataFrame | None = None) -> Bars:
    """Cost by month of close, every month of the range (``by_month``: aggregate.by(t, "month") when the caller
    has it)."""
    month = aggregate.by(t, "month") if by_month is None else by_month
    return fill_months(_cost_bars(month, [str(i) for i in month.index]))


def strategy_bars(frame: pd.DataFrame | None, key: str) -> Bars | None:
    """Transaction cost and net after rebate per strategy (or magic number: ``key``), most costly first."""
    if frame is None or not len(frame):
        return None
    f = frame.sort_values("transaction_cost", ascending=False, kind="stable")
    return Bars(labels=[str(v) for v in f[key]],
                series={"Transaction cost": f["transaction_cost"].to_numpy(dtype=float),
                        "Net after rebate": f["net_after_rebate"].to_numpy(dtype=float)},
                stacked=False)


def short_name(name: str, most: int = 90) -> str:
    """A setup's name for a bar label, without the "Program: " / "Profile: " prefix (the chart wraps it
    under its bar; the table shows it in full)."""
    for prefix in ("Program: ", "Profile: "):
        name = name.removeprefix(prefix)
    return name if len(name) <= most else name[: most - 1] + "…"


def compare_bars(outcomes: Sequence, currency: str = "") -> tuple[Bars | None, Bars | None]:
    """The Compare view's charts from the what-if outcomes (whatif.Outcome, the actual setup first): each setup's
    net (statement) and rebate stacked with its net after rebate; and (issue 15) each other setup's difference
    from the actual one: net, rebate and net after rebate, + when the setup pays more."""
    if not outcomes:
        return None, None
    labels = [short_name(str(o.name)) for o in outcomes]
    net = np.array([float(o.broker_net) for o in outcomes])
    rebate = np.array([float(o.rebate) for o in outcomes])
    after = np.array([float(o.net_after_rebate) for o in outcomes])
    absolute = Bars(labels=labels, series={"Net (statement)": net, "Rebate": rebate}, stacked=True, unit=currency,
                    line=("Net after rebate", after))
    if len(outcomes) < 2:
        return absolute, None
    difference = Bars(labels=labels[1:], series={"Net (statement) vs actual": net[1:] - net[0],
                                                 "Rebate vs actual": rebate[1:] - rebate[0]},
                      stacked=True, unit=currency, line=("Net after rebate vs actual", after[1:] - after[0]))
    return absolute, difference


@dataclass(frozen=True)
class Charts:
    """Every series the app's charts draw (issue 10: computed on the worker, the charts only draw them)."""

    equity: list[Series] = field(default_factory=list)
    costs: list[Series] = field(default_factory=list)
    rebates: list[Series] = field(default_factory=list)
    leverage: list[Series] = field(default_factory=list)
    by_symbol: Bars | None = None
    by_month: Bars | None = None
    breakeven_pips: Bars | None = None
    breakeven_winrate: Bars | None = None


def charts(result: AnalysisResult, *, tables: dict[str, pd.DataFrame] | None = None,
           breakeven_by_symbol: pd.DataFrame | None = None, leverage: exposure.Leverage | None = None,
           cash: pd.DataFrame | None = None, accounts: pd.Series | None = None) -> Charts:
    """The time charts and the bar charts of ``result`` (its costed trades, cash and payouts).

    What the summary computed already is reused, not grouped again (issue 10: the summary on a million trades):
    ``tables`` (aggregate.by_many with "symbol" and "month"), ``breakeven_by_symbol`` (breakeven.by "symbol"),
    ``leverage`` (exposure.leverage with document's leverage levels), ``cash`` (document.balance_cash) and
    ``accounts`` (the trades' account column as a categorical).
    """
    t = result.trades
    if not len(t):
        return Charts()
    tables = tables or {}
    swap = result.settings.include_swap_in_cost
    equity, cost_lines = _time_series(t, swap)
    pips, winrate = breakeven_bars(t, swap, breakeven_by_symbol)
    return Charts(equity=equity, costs=cost_lines, rebates=_rebate_series(result),
                  leverage=_leverage_series(result, leverage, cash, accounts),
                  by_symbol=symbol_bars(t, tables.get("symbol")), by_month=month_bars(t, tables.get("month")),
                  breakeven_pips=pips, breakeven_winrate=winrate)
