"""One period for every figure: a year, quarter, month, the last 30/90 days or custom dates (issue 15).

The period restricts an analysed result (:func:`restrict`), so every surface that reads the result (the summary,
the JSON, Excel, CSV, every view and the what-if) follows it from one place. Trades are in the period by their
close time; cash events (deposits, withdrawals, rebate payments) by their own time; expected payouts by the end
of their payout period. Trades are costed over the whole history first, so a trade's rebate under a monthly
volume tier is the one its whole month earns, whatever the period cuts (DOMAIN.md: tiers count the month).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from fxcost.errors import FxCostError

#: Relative periods: spec -> days before the end of the data.
LAST_DAYS = {"last30": 30, "last90": 90}

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class PeriodError(FxCostError):
    """A period or date the user gave that cannot be read (the message says which form is expected)."""


@dataclass(frozen=True)
class Period:
    """What the user chose: ``spec`` "" (all), "2025", "2025-Q3", "2025-07", "last30", "last90" or "custom";
    ``start``/``end``: ISO dates (``end`` inclusive) of a custom period, either may be open ("")."""

    spec: str = ""
    start: str = ""
    end: str = ""

    @property
    def is_all(self) -> bool:
        return not self.spec or (self.spec == "custom" and not self.start and not self.end)


@dataclass(frozen=True)
class Bounds:
    """A period as times: trades closed at or after ``start`` and before ``stop`` (None: open)."""

    label: str
    start: pd.Timestamp | None
    stop: pd.Timestamp | None

    def as_json(self) -> dict[str, Any]:
        last = self.stop - pd.Timedelta(days=1) if self.stop is not None else None
        return {"label": self.label, "from": self.start.date().isoformat() if self.start is not None else None,
                "to": last.date().isoformat() if last is not None else None,
                "trades_by": "close time", "cash_by": "its own date", "payouts_by": "end of the payout period"}


def parse_date(text: str, what: str = "date") -> pd.Timestamp:
    """An ISO date (2025-07-01); raises PeriodError naming the form expected."""
    text = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        raise PeriodError(f"{what} {text!r}: give a date as YYYY-MM-DD, e.g. 2025-07-01")
    try:
        return pd.Timestamp(text)
    except (ValueError, OverflowError) as exc:
        raise PeriodError(f"{what} {text!r} is not a calendar date ({exc})") from exc


def parse(spec: str = "", start: str = "", end: str = "") -> Period:
    """A :class:`Period` from the command line's ``--period`` and ``--from``/``--to``; raises PeriodError."""
    spec = (spec or "").strip()
    start, end = (start or "").strip(), (end or "").strip()
    if spec.lower() in ("", "all"):
        spec = "custom" if start or end else ""
    elif spec.lower() in LAST_DAYS:
        spec = spec.lower()
    elif spec.lower() != "custom" and not (_YEAR.match(spec) or _QUARTER.match(spec) or _MONTH.match(spec)):
        raise PeriodError(f"period {spec!r}: give a year (2025), a quarter (2025-Q3), a month (2025-07), "
                          "last30, last90 or all")
    if spec and spec != "custom" and (start or end):
        raise PeriodError("give either --period or --from/--to, not both")
    if m := _QUARTER.match(spec):
        spec = f"{m.group(1)}-Q{m.group(2)}"
    period = Period(spec, start, end)
    bounds(period, None)  # check the dates and months now, with their message
    return period


def bounds(period: Period, data_end: pd.Timestamp | None) -> Bounds:
    """The times of ``period``; ``data_end`` (the data's last time) anchors the last 30/90 days."""
    spec = period.spec
    if period.is_all:
        return Bounds("all", None, None)
    start: pd.Timestamp | None  # a Timestamp, or None for an open custom start
    if spec in LAST_DAYS:
        days = LAST_DAYS[spec]
        if data_end is None or pd.isna(data_end):
            return Bounds(f"last {days} days", None, None)
        stop = pd.Timestamp(data_end).normalize() + pd.Timedelta(days=1)
        start = stop - pd.Timedelta(days=days)
        # Of the data, not of today: a statement exported last year still has a "last 30 days".
        return Bounds(f"last {days} days of the data ({start.date()} to {(stop - pd.Timedelta(days=1)).date()})",
                      start, stop)
    if spec == "custom":
        start = parse_date(period.start, "--from") if period.start else None
        last = parse_date(period.end, "--to") if period.end else None
        if start is not None and last is not None and last < start:
            raise PeriodError(f"--to {period.end} is before --from {period.start}")
        label = f"{period.start or 'start'} to {period.end or 'end'}"
        return Bounds(label, start, last + pd.Timedelta(days=1) if last is not None else None)
    if m := _YEAR.match(spec):
        start = pd.Timestamp(int(m.group(1)), 1, 1)
        return Bounds(spec, start, start + pd.DateOffset(years=1))
    if m := _QUARTER.match(spec):
        start = pd.Timestamp(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
        return Bounds(f"{m.group(1)}-Q{m.group(2)}", start, start + pd.DateOffset(months=3))
    if m := _MONTH.match(spec):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"period {spec!r}: the month must be 01 to 12")
        start = pd.Timestamp(int(m.group(1)), month, 1)
        return Bounds(f"{m.group(1)}-{month:02d}", start, start + pd.DateOffset(months=1))
    raise PeriodError(f"period {spec!r} is not one fxcost knows")


def _inside(times: pd.Series, b: Bounds) -> pd.Series:
    keep = pd.Series(True, index=times.index)
    if b.start is not None:
        keep &= times >= b.start
    if b.stop is not None:
        keep &= times < b.stop
    return keep.fillna(False).astype(bool)


def data_end(portfolio: Any) -> pd.Timestamp | None:
    """The last close or cash time of ``portfolio`` (what "the last 30 days" count back from)."""
    return data_span(portfolio)[1]


def data_span(portfolio: Any) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The first and last close or cash time (a date picker opens on them); missing times left out."""
    # Every account's times joined once, not a reduction per account and column (issue 14: 2,000 for 500 clients).
    columns = [f[c].to_numpy(dtype="datetime64[ns]") for book in portfolio.accounts
               for f, c in ((book.trades, "close_time"), (book.cash, "time")) if len(f)]
    times = np.concatenate(columns) if columns else np.zeros(0, dtype="datetime64[ns]")
    times = times[~np.isnat(times)]
    if not len(times):
        return None, None
    return pd.Timestamp(times.min()), pd.Timestamp(times.max())


def choices(portfolio: Any) -> list[tuple[str, str]]:
    """(spec, label) of the periods the data covers: all, the last 30/90 days, each year, quarter and month."""
    out = [("", "All"), ("last30", "Last 30 days"), ("last90", "Last 90 days")]
    times = pd.concat([book.trades["close_time"] for book in portfolio.accounts if len(book.trades)] or
                      [pd.Series([], dtype="datetime64[ns]")]).dropna()
    if len(times):
        # Distinct months in numpy, then one Period each (a Period per trade cost seconds for a book, issue 14).
        months = [pd.Period(str(m), freq="M") for m in np.unique(times.to_numpy().astype("datetime64[M]"))]
        years = sorted({m.year for m in months})
        quarters = sorted({(m.year, m.quarter) for m in months})
        out += [(str(y), str(y)) for y in years]
        out += [(f"{y}-Q{q}", f"{y}-Q{q}") for y, q in quarters]
        out += [(f"{m.year}-{m.month:02d}", f"{m.year}-{m.month:02d}") for m in months]
    out.append(("custom", "Custom dates…"))
    return out


def restrict(result: Any, period: Period) -> Any:
    """``result`` (engine.AnalysisResult) with only the trades, cash and payouts of ``period``; the whole
    portfolio stays reachable as ``result.whole`` (the app re-analyses it when the period changes)."""
    whole = result.portfolio
    b = bounds(period, data_end(whole))
    if b.start is None and b.stop is None:
        return replace(result, period=b, whole=whole)
    books = []
    for book in whole.accounts:
        cash = book.cash[_inside(book.cash["time"], b)].reset_index(drop=True) if len(book.cash) else book.cash
        trades = book.trades[_inside(book.trades["close_time"], b)].reset_index(drop=True) \
            if len(book.trades) else book.trades
        orders = book.orders
        if len(orders) and "open_time" in orders.columns:
            orders = orders[_inside(orders["open_time"], b)].reset_index(drop=True)
        books.append(replace(book, trades=trades, cash=cash, orders=orders))
    by_key = {book.key: new for book, new in zip(whole.accounts, books)}
    portfolio = replace(whole, accounts=books)
    accounts = []
    for a in result.accounts:
        keep = _inside(a.trades["close_time"], b).to_numpy() if len(a.trades) else slice(None)
        payouts = a.payouts
        if payouts is not None and len(payouts) and "period_end" in payouts.columns:
            # A payout counts in the period its accrual period ends in (period_end is exclusive).
            payouts = payouts[_inside(payouts["period_end"] - pd.Timedelta(microseconds=1), b)].reset_index(drop=True)
        matches = a.payout_matches
        if matches is not None and len(matches) and "period_end" in matches.columns:
            # A statement's payment that matches no expected payout has no payout period: its own date counts.
            when = (matches["period_end"] - pd.Timedelta(microseconds=1)).fillna(matches["time"])
            matches = matches[_inside(when, b)].reset_index(drop=True)
        book = by_key[a.book.key]
        from fxcost.analysis.engine import _received_rebate

        received, rows = _received_rebate(book.cash)
        accounts.append(replace(a, book=book, trades=a.trades[keep].reset_index(drop=True), payouts=payouts,
                                payout_matches=matches, received_rebate=received, received_rebate_rows=rows))
    t = result.trades
    trades = t[_inside(t["close_time"], b).to_numpy()].reset_index(drop=True) if len(t) else t
    return replace(result, portfolio=portfolio, accounts=accounts, trades=trades, period=b, whole=whole)
