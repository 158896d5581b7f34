"""Everything the views show, from one AnalysisResult on the worker thread (no Qt objects here): the typed summary
and its chart series (summary.series, issue 10), in the form the views read them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from fxcost.analysis.engine import AnalysisResult
from fxcost.errors import ImportCancelled
from fxcost.summary import Summary, build, document, ib_book, series
from fxcost.summary import spreads as spread_summary
from fxcost.summary.build import ACCOUNT_FIGURES, accounts_table, key_figures  # noqa: F401 (public here as before)

# The chart series live in summary.series (issue 10); these names stay importable from here.
from fxcost.summary.series import (  # noqa: F401
    LEVERAGE_LINES,
    Bars,
    Series,
    _cost_bars,
    _open_leverage,
    _seconds,
    _time_series,
    fill_months,
)


@dataclass
class Views:
    """The read-only bundle the window hands to every view after an analysis.

    Every figure is the typed summary's (``summary``, fxcost.summary.build); the fields below it are the
    summary's parts as the views read them, and the charts' series drawn from the costed trades.
    """

    result: AnalysisResult
    figures: dict
    summary: Summary | None = None  # None only in the early copies published before it is built
    charts: series.Charts = field(default_factory=series.Charts)  # the summary's chart series (issue 10)
    compare: list = field(default_factory=list)  # whatif.Outcome
    # Issue 15: the Compare view's chart of each setup (absolute) and of its difference from the actual setup.
    compare_bars: Bars | None = None
    compare_difference: Bars | None = None
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


def overview_figures(result: AnalysisResult) -> dict:
    """The overview's key figures (fxcost.summary.key_figures) as one flat mapping."""
    return key_figures(result).as_dict()


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
    # The cash (with opening balances) once, for the key figures, the charts and the summary (issue 14).
    cash = document.balance_cash(result)
    key = key_figures(result, cash=cash)
    spreads = spread_summary.table(result)  # issue 12: the Overview tells it from the first copy on
    views = Views(result=result, figures=key.as_dict(), warnings=list(result.warnings),
                  accounts=accounts_table(result), spreads=spreads,
                  spread_choices=tuple(spread_summary.choices(result)))
    if publish is not None:
        publish(replace(views, parts=frozenset(("overview", "trades"))))
    step(0.15, "Charts")
    # The summary's chart series (summary.series.charts), computed here first so the charts show early; the
    # summary built below holds the same object.
    # The leverage sweep once, for the charts and the summary (issue 14: a 500-client book's sort).
    leverage = document.leverage_of(result, cash)
    charts = series.charts(result, leverage=leverage, cash=cash)
    # The charts read each trade's leverage; the summary built below reads only the figures (its exposure block), so
    # the per-trade frame is let go first (issue 14: a 500-client book's, held through the summary's working set).
    leverage = document.leverage_figures(leverage)
    _set_charts(views, charts)
    if publish is not None:
        publish(replace(views, parts=frozenset(("overview", "trades", "charts"))))
    summary = build(result, ib_program=ib_program, step=lambda f, m: step(0.55 + f * 0.45, m), key=key,
                    spreads=spreads, charts=charts, per_account=views.accounts, leverage=leverage, cash=cash)
    leverage = cash = None
    views.summary = summary
    views.figures = summary.key.as_dict()
    views.compare = list(summary.compare)
    views.compare_bars, views.compare_difference = summary.compare_bars
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


def _set_charts(views: Views, charts: series.Charts) -> None:
    """The chart series of the summary (summary.series.Charts) on the bundle the charts read."""
    views.charts = charts


def _strategy_and_year(views: Views, summary: Summary) -> None:
    """Issue 15: the summary's By year and By strategy tables, as the Overview and the Strategies view read them."""
    views.by_year = summary.table("by_year")
    views.by_strategy = summary.table("by_strategy")
    views.by_magic = summary.table("by_magic")
    views.strategy_note = str((summary.document.get("strategy") or {}).get("note", ""))
    views.strategies = summary.strategies


#: Above this many accounts, the Overview tells the accounts whose spreads read the same in one sentence, ...
SPREADS_GROUPED_ABOVE = 4
#: ... and at most this many such sentences, the largest groups first (an IB's book: 500 accounts' sentences were a
#: quarter of a megabyte of text the Overview laid out again on every resize).
SPREAD_GROUPS_SHOWN = 6


def spread_lines(views: Views) -> list[str]:
    """The Overview's sentences on the spreads (issue 12): which symbols use observed, calibrated, catalogue or
    profile spreads, and the catalogue entry Auto picked with its reason (summary.spreads.describe), per account;
    for a book, per group of accounts whose spreads read the same (issue 14)."""
    from fxcost.summary import spreads

    if views.spreads is None:
        return []
    # Issue 14: describe() scans every record once per account (minutes of a 500-client book's Overview); given
    # one account's records and choices at a time it writes the same sentences in the same order.
    records: dict[str, list[dict]] = {}
    for r in _records(views.spreads):
        records.setdefault(str(r.get("account")), []).append(r)
    choices: dict[str, list[dict]] = {}
    for c in views.spread_choices:
        choices.setdefault(str(c.get("account")), []).append(dict(c))
    if len(records) <= SPREADS_GROUPED_ABOVE:
        return [line for account, rows in records.items() for line in spreads.describe(rows, choices.get(account, []))]
    # The accounts whose sentences are the same once the account is left out (and the symbols put in order).
    groups: dict[tuple[str, ...], list[str]] = {}
    for account, rows in records.items():
        same = tuple(spreads.describe(_unnamed(rows), _unnamed(choices.get(account, []))))
        if same:  # an account describe() says nothing of (no spread at all) takes no place among the groups
            groups.setdefault(same, []).append(account)
    shown, rest = largest_groups(groups)
    lines = []
    for _same, accounts in shown:
        first = accounts[0]
        if len(accounts) == 1:
            lines += spreads.describe(records[first], choices.get(first, []))
        else:
            named = ", ".join(accounts[:2]) + (", …" if len(accounts) > 2 else "")
            lines += spreads.describe(_unnamed(records[first]), _unnamed(choices.get(first, [])),
                                      who=f"{len(accounts):,} accounts ({named}): ")
    if rest:
        lines.append(f"Spreads of {rest:,} more account(s) differ from these: the Excel report's Assumptions sheet "
                     "lists every account's spread per symbol, with its source.")
    return lines


def largest_groups(groups: dict[Any, list]) -> tuple[list[tuple[Any, list]], int]:
    """The Overview's :data:`SPREAD_GROUPS_SHOWN` largest of ``groups`` (key -> members), largest first (first seen
    first among equals), and how many members the groups left out hold."""
    ordered = sorted(groups.items(), key=lambda group: -len(group[1]))
    return ordered[:SPREAD_GROUPS_SHOWN], sum(len(members) for _, members in ordered[SPREAD_GROUPS_SHOWN:])


def _unnamed(rows: list[dict]) -> list[dict]:
    """An account's spread records or choices without the account, symbols in order (spread_lines' groups)."""
    return sorted(({**r, "account": ""} for r in rows), key=lambda r: str(r.get("symbol") or ""))


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
    doc["by_symbol"] = _bar_records(views.charts.by_symbol, "symbol", cost_fields)
    doc["by_month"] = [r for r in _bar_records(views.charts.by_month, "month", cost_fields)]
    doc["breakeven"]["by_symbol"] = [
        {**a, **b} for a, b in zip(
            _bar_records(views.charts.breakeven_pips, "symbol", {"cost_pips_per_lot_before": ("Cost pips before rebate", 1.0),
                                                         "cost_pips_per_lot_after": ("Cost pips after rebate", 1.0)}),
            _bar_records(views.charts.breakeven_winrate, "symbol",
                         {"win_rate_before": ("Break-even win rate before rebate", 100.0),
                          "win_rate_after": ("Break-even win rate after rebate", 100.0),
                          "actual_win_rate": ("Actual win rate", 100.0)}))]
    if views.accounts is not None:
        doc["by_account"] = _records(views.accounts)
    if views.ib is not None and views.summary is not None and views.summary.ib is not None and views.summary.ib.is_ib:
        doc["ib"] = {"program": views.ib_program, **{k: _records(v) for k, v in views.ib.items()}}
    if views.summary is not None:  # issue 14: the IB's side the Compare and IB views show
        s = views.summary
        book = ib_book.IbBook(compare=s.ib_compare, compare_by_client=s.ib_compare_by_client,
                              passback_sweep=s.passback_sweep, projection=s.ib_projection, activity=s.activity,
                              activity_months=s.activity_months, concentration=s.concentration)
        doc.update({k: v for k, v in ib_book.json_blocks(book).items() if v is not None})
    doc["warnings"] = list(views.warnings)
    doc["alerts"] = [a.as_json() for a in f.get("alerts") or ()]  # the Overview's banner (issue 11)
    for name in ("by_year", "by_strategy", "by_magic"):  # issue 15: the tables the Overview and Strategies show
        frame = getattr(views, name)
        if frame is not None and len(frame):
            doc[name] = _records(frame)
    return doc
