"""Chart series and condensed tables for the printable summary (issue 15): equity lines, cost by month, by close
year, top symbols.

The equity lines are the ones the app's Charts > Equity draws (ui/viewdata._time_series takes them from here), so
the PDF and the app cannot draw different lines. Grouped tables come from
analysis.aggregate, so an "Other" row or a year row carries exact ratios, not sums of rounded rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fxcost.analysis import aggregate

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
    s = t.iloc[order]
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
