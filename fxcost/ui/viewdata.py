"""Everything the views show, computed from one AnalysisResult on the worker thread (no Qt objects here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from fxcost.analysis import aggregate, breakeven, costs, exposure, rebates
from fxcost.analysis.engine import AnalysisResult
from fxcost.errors import ImportCancelled
from fxcost.summary import Summary, build, series
from fxcost.summary import spreads as spread_summary
from fxcost.summary.build import ACCOUNT_FIGURES, accounts_table, key_figures  # noqa: F401 (public here as before)
from fxcost.summary.document import balance_cash, merged_cash


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


@dataclass
class Views:
    """The read-only bundle the window hands to every view after an analysis.

    Every figure is the typed summary's (``summary``, fxcost.summary.build); the fields below it are the
    summary's parts as the views read them, and the charts' series drawn from the costed trades.
    """

    result: AnalysisResult
    figures: dict
    summary: Summary | None = None  # None only in the early copies published before it is built
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
    accounts: pd.DataFrame | None = None  # per account in its own currency (accounts_table); None for one account
    # Issue 12: per account and symbol the spread used and its evidence, per account the catalogue pick and why
    # (Summary.spreads, Summary.spread_choices); the Overview tells them (spread_lines).
    spreads: pd.DataFrame | None = None
    spread_choices: tuple = ()
    warnings: list[str] = field(default_factory=list)
    # Issue 15: the Overview's By year table and the Strategies view's tables (the summary's by_* lists as
    # frames), the note when no trade names a strategy, and each trade's strategy (the Trades filter).
    by_year: pd.DataFrame | None = None
    by_strategy: pd.DataFrame | None = None
    by_magic: pd.DataFrame | None = None
    strategy_note: str = ""
    strategies: np.ndarray | None = None
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
    """The overview's key figures (fxcost.summary.key_figures) as one flat mapping."""
    return key_figures(result).as_dict()


def _time_series(t: pd.DataFrame, include_swap: bool = False) -> tuple[list[Series], list[Series]]:
    order = np.argsort(t["close_time"].to_numpy("datetime64[ns]"), kind="stable")
    s = t.iloc[order]
    x = _seconds(s["close_time"].to_numpy())

    def cum(values) -> np.ndarray:
        return np.cumsum(np.nan_to_num(np.asarray(values, dtype=float)))

    # The equity lines are the printable summary's too (summary.series.equity_lines, issue 15). Cumulative sums
    # change only when a trade closes: steps, so a month without trades is drawn flat rather than as a slope.
    equity = [Series(line.name, line.x, line.y, step=True) for line in series.equity_lines(t)]
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
                   group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Open positions' notional / balance of the trades of one group, after every instant a position opens
    or closes: (seconds, leverage), 0 while nothing is open.

    exposure.leverage gives this ratio at each open only, so a line through those points held the last
    open's value through flat months (UX review item 8). Conventions as exposure's: at one instant cash
    and closes come before opens, the balance excludes credit, and a group of several accounts adds their
    notionals and their balances. ``timeline`` is exposure.balance_timeline of ``t``.
    """
    rows = np.flatnonzero(group)
    n = len(rows)
    if not n:
        return np.zeros(0), np.zeros(0)
    opened = t["open_time"].to_numpy("datetime64[ns]")[rows].view(np.int64)
    closed = t["close_time"].to_numpy("datetime64[ns]")[rows].view(np.int64)
    size = notional[rows]
    unknown = ~np.isfinite(size)
    times = np.concatenate([closed, opened])
    kind = np.concatenate([np.zeros(n, np.int8), np.ones(n, np.int8)])  # closes before opens
    order = np.lexsort((kind, times))
    times = times[order]
    sign = np.where(kind[order] == 1, 1, -1)
    open_count = np.cumsum(sign)
    open_notional = np.cumsum(sign * np.tile(np.where(unknown, 0.0, size), 2)[order])
    open_unknown = np.cumsum(sign * np.tile(unknown, 2)[order])
    last = np.r_[times[1:] != times[:-1], True]  # the state after every event of an instant
    times, open_count, open_notional, open_unknown = times[last], open_count[last], open_notional[last], \
        open_unknown[last]
    # The group's balance at each instant: Σ over its accounts of cash and closed trades up to then.
    accounts = set(t["account"].astype(str).to_numpy()[rows])
    timeline = timeline.loc[timeline["account"].isin(accounts)].sort_values("time", kind="stable")
    booked = np.r_[0.0, np.cumsum(timeline["amount"].to_numpy(dtype=float))]
    balance = booked[np.searchsorted(timeline["time"].to_numpy("datetime64[ns]").view(np.int64), times,
                                     side="right")]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(balance > 0, open_notional / balance, np.nan)
    value[open_unknown > 0] = np.nan
    value[open_count == 0] = 0.0  # flat: no exposure, whatever the balance
    ok = times != np.iinfo(np.int64).min  # NaT
    return times[ok] / 1e9, value[ok]


#: Up to this many accounts the leverage chart has a line per account; beyond, one line for all together.
LEVERAGE_LINES = 4


def _leverage_series(result: AnalysisResult) -> list[Series]:
    t = result.trades
    if not len(t):
        return []
    levels = {}
    for a in result.accounts:
        if len(a.trades) and a.leverage:
            levels[str(a.trades["account"].iloc[0])] = int(a.leverage)
    cash = balance_cash(result)  # the balance starts from the opening balance (issue 11)
    lev = exposure.leverage(t, cash, levels or None)
    per = lev["per_trade"]
    notional = per["notional"].to_numpy(dtype=float)
    name = "Open positions' notional / balance"
    accounts = t["account"].astype(str).to_numpy()
    names = list(dict.fromkeys(accounts))
    if len(names) == 1:
        groups = [(name, np.ones(len(t), dtype=bool))]
    elif len(names) <= LEVERAGE_LINES:
        groups = [(f"{name} · {a}", accounts == a) for a in names]
    else:
        groups = [(f"{name} (all {len(names)} accounts)", np.ones(len(t), dtype=bool))]
    # Step lines: the exposure holds until the next open or close, and is 0 while the account is flat.
    timeline = exposure.balance_timeline(t, cash)
    out = [Series(label, *_open_leverage(t, timeline, notional, rows), step=True) for label, rows in groups]
    order = np.argsort(t["open_time"].to_numpy("datetime64[ns]"), kind="stable")
    x = _seconds(t["open_time"].to_numpy()[order])
    out.append(Series("This trade's notional / balance", x, per["effective_leverage"].to_numpy(dtype=float)[order],
                      visible=False))
    return out


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
        summary = build(result, ib_program=ib_program)
        return Views(result=result, figures=summary.key.as_dict(), summary=summary,
                     warnings=list(summary.warnings), ib_note=summary.ib_note, spreads=summary.spreads,
                     spread_choices=summary.spread_choices)
    key = key_figures(result)
    spreads = spread_summary.table(result)  # issue 12: the Overview tells it from the first copy on
    views = Views(result=result, figures=key.as_dict(), warnings=list(result.warnings),
                  accounts=accounts_table(result), spreads=spreads,
                  spread_choices=tuple(spread_summary.choices(result)))
    if publish is not None:
        publish(replace(views, parts=frozenset(("overview", "trades"))))
    step(0.15, "Charts")
    views.equity, views.costs = _time_series(t, result.settings.include_swap_in_cost)
    views.rebates = _rebate_series(result)
    views.leverage = _leverage_series(result)
    step(0.35, "Breakdowns")
    # Issue 15: the costliest symbol first (net cost after rebate), not the alphabet's order.
    sym = aggregate.by(t, "symbol").sort_values("net_transaction_cost", ascending=False, kind="stable")
    views.by_symbol = _cost_bars(sym, [str(i) for i in sym.index])
    month = aggregate.by(t, "month")
    views.by_month = fill_months(_cost_bars(month, [str(i) for i in month.index]))
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
    summary = build(result, ib_program=ib_program, step=lambda f, m: step(0.55 + f * 0.45, m), key=key,
                    spreads=spreads, per_account=views.accounts)
    views.summary = summary
    views.figures = summary.key.as_dict()
    views.compare = list(summary.compare)
    views.spread_sweep, views.rebate_sweep = summary.spread_sweep, summary.rebate_sweep
    views.ib = dict(summary.ib.tables) if summary.ib is not None else None
    views.ib_program = summary.ib.program if summary.ib is not None else ""
    views.ib_note = summary.ib_note
    views.payout_matches = summary.payout_matches
    views.accounts = summary.accounts
    views.spreads, views.spread_choices = summary.spreads, summary.spread_choices
    views.warnings = list(summary.warnings)
    _strategy_and_year(views, summary)
    step(1.0, "Done")
    return views


def _strategy_and_year(views: Views, summary: Summary) -> None:
    """Issue 15: the summary's By year and By strategy tables, as the Overview and the Strategies view read them."""
    views.by_year = summary.table("by_year")
    views.by_strategy = summary.table("by_strategy")
    views.by_magic = summary.table("by_magic")
    views.strategy_note = str((summary.document.get("strategy") or {}).get("note", ""))
    views.strategies = summary.strategies


def spread_lines(views: Views) -> list[str]:
    """The Overview's sentences on the spreads (issue 12): which symbols use observed, calibrated, catalogue or
    profile spreads, and the catalogue entry Auto picked with its reason (summary.spreads.describe)."""
    from fxcost.summary import spreads

    if views.spreads is None:
        return []
    return spreads.describe(_records(views.spreads), [dict(c) for c in views.spread_choices])


def _bar_records(bars: Bars | None, key: str, fields: dict[str, tuple[str, float]]) -> list[dict]:
    """A bar chart's groups as records keyed like the JSON's ``by_<key>`` lists: ``fields`` maps a JSON name to
    (series name, the factor the chart drew it with)."""
    if bars is None:
        return []
    series = {**bars.series, **({bars.line[0]: bars.line[1]} if bars.line is not None else {})}
    return [{key: label, **{name: _plain(series[s][i] / factor) for name, (s, factor) in fields.items()}}
            for i, label in enumerate(bars.labels)]


def _plain(value) -> float | None:
    f = float(value)
    return f + 0.0 if np.isfinite(f) else None


def _records(frame: pd.DataFrame | None) -> list[dict]:
    from fxcost.summary.document import _frame_records

    return _frame_records(frame)


#: The Overview's cards, as the JSON keys them: (block, key) of each flat figure.
FIGURE_KEYS = {
    "shift_pips": ("breakeven", "shift_pips"), "win_rate_before": ("breakeven", "win_rate_before"),
    "win_rate_after": ("breakeven", "win_rate_after"), "actual_win_rate": ("breakeven", "actual_win_rate"),
    "cost_pct_of_gross_profit": ("breakeven.equity_effect", "cost_pct_of_gross_profit"),
    "rebate_pct_of_costs": ("breakeven.equity_effect", "rebate_pct_of_costs"),
    "max_drawdown_without": ("breakeven.equity_effect", "max_drawdown_without"),
    "max_drawdown_with": ("breakeven.equity_effect", "max_drawdown_with"),
}


def views_json(views: Views) -> dict:
    """Every figure the views display, keyed the way the JSON report keys them (issue 10: ``--smoke-test DIR``
    writes it as DIR/views.json): the same key names and nesting, lists keyed by symbol, account or month.

    Read from the bundle the views are given (not from the summary's document), so a view that computed a
    figure of its own would show here as a difference from ``report --json``.
    """
    f = views.figures
    key = views.summary.key if views.summary is not None else None
    costs = dict(key.costs) if key is not None else {}
    doc: dict = {"currency": f.get("currency"), "counts": {"closed_trades": int(len(views.result.trades))},
                 "costs": {k: f.get(k) for k in costs}, "breakeven": {"equity_effect": {}}}
    for name, (block, field_) in FIGURE_KEYS.items():
        target = doc["breakeven"] if block == "breakeven" else doc["breakeven"]["equity_effect"]
        target[field_] = _plain(f[name]) if f.get(name) is not None else None
    doc["rebate"] = {"program": f.get("program"), "payout_matches": _records(views.payout_matches)}
    doc["assumptions"] = {"spread_profile": f.get("profile"), "program": f.get("program")}
    if views.spreads is not None:  # issue 12: the spread table the Overview tells (views.spreads)
        doc["assumptions"]["spread_table"] = _records(views.spreads)
        doc["assumptions"]["spread_profiles"] = [dict(c) for c in views.spread_choices]
    doc["whatif"] = [o.as_json() for o in views.compare]
    doc["sweeps"] = {"extra_spread_pips": _records(views.spread_sweep), "rebate_rate": _records(views.rebate_sweep)}
    cost_fields = {"spread_cost": ("Spread (est.)", 1.0), "rebate": ("Rebate (given back)", -1.0),
                   "net_transaction_cost": ("Net cost", 1.0)}
    doc["by_symbol"] = _bar_records(views.by_symbol, "symbol", cost_fields)
    doc["by_month"] = [r for r in _bar_records(views.by_month, "month", cost_fields)]
    doc["breakeven"]["by_symbol"] = [
        {**a, **b} for a, b in zip(
            _bar_records(views.breakeven_pips, "symbol", {"cost_pips_per_lot_before": ("Cost pips before rebate", 1.0),
                                                         "cost_pips_per_lot_after": ("Cost pips after rebate", 1.0)}),
            _bar_records(views.breakeven_winrate, "symbol",
                         {"win_rate_before": ("Break-even win rate before rebate", 100.0),
                          "win_rate_after": ("Break-even win rate after rebate", 100.0),
                          "actual_win_rate": ("Actual win rate", 100.0)}))]
    if views.accounts is not None:
        doc["by_account"] = _records(views.accounts)
    if views.ib is not None and views.summary is not None and views.summary.ib is not None and views.summary.ib.is_ib:
        doc["ib"] = {"program": views.ib_program, **{k: _records(v) for k, v in views.ib.items()}}
    doc["warnings"] = list(views.warnings)
    doc["alerts"] = [a.as_json() for a in f.get("alerts") or ()]  # the Overview's banner (issue 11)
    for name in ("by_year", "by_strategy", "by_magic"):  # issue 15: the tables the Overview and Strategies show
        frame = getattr(views, name)
        if frame is not None and len(frame):
            doc[name] = _records(frame)
    return doc
