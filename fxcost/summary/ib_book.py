"""The IB's side of a book (issue 14): compared deals in the IB's columns, the pass-back sweep, the projection,
client activity and concentration, and a two-level deal's levels, computed once for the typed summary.

Every figure is in the book's (merged) currency and in cents by the one rule (issue 10): a client's money is its
own exact sum rounded once, a deal's total the sum of its clients' cents (analysis.ib). A client reads as
``login (name)`` where the statement prints a name, as in the IB tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from fxcost.analysis import activity as client_activity
from fxcost.analysis import ib, rebates, whatif
from fxcost.analysis.engine import AnalysisResult
from fxcost.summary import document

#: Days without a trade after which the activity table calls a client dormant.
DORMANT_DAYS = client_activity.DORMANT_DAYS


@dataclass(frozen=True)
class IbBook:
    """What :func:`ib_book` computes; each None (empty for ``concentration``) when there is nothing to show."""

    compare: pd.DataFrame | None = None
    compare_by_client: pd.DataFrame | None = None
    passback_sweep: pd.DataFrame | None = None
    projection: Mapping[str, Any] | None = None
    activity: pd.DataFrame | None = None
    activity_months: pd.DataFrame | None = None
    concentration: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    levels: Mapping[str, pd.DataFrame] | None = None


def client_names(result: AnalysisResult) -> dict[str, str]:
    """Per account id: the account holder's name the statement prints (absent when it prints none)."""
    return {a.account_id: a.book.account.name for a in result.accounts if a.book.account.name}


def client_label(account: str, names: Mapping[str, str]) -> str:
    """``login (name)`` as the IB tables write a client; the login alone without a name, "Total" as it is."""
    return f"{account} ({names[account]})" if account in names else account


def compared(result: AnalysisResult, scenarios, ib_program=None,
             ib_priced: pd.DataFrame | None = None) -> list[tuple[str, pd.DataFrame, Any]]:
    """(setup name, trades priced under it, program) of every deal compared: the IB view's program when it is not
    the main one, then the actual setup and every compared program or setup that has a program."""
    main = result.settings.main_program
    setups = [None, *whatif.compared_setups(result)]
    out = []
    if ib_program is not None and ib_program is not main and ib_priced is not None and all(
            ib_program is not getattr(s, "program", None) for s in setups[1:]):
        out.append((f"IB view: {ib_program.name}", ib_priced, ib_program))
    for setup, (outcome, frame) in zip(setups, scenarios):
        program = main if setup is None else setup.program
        if program is not None:
            out.append((outcome.name, frame, program))
    return out


def activity_table(result: AnalysisResult, priced: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """analysis.activity of the book under the IB's program, judged at the end of the period (else of the data),
    "new" meaning a first trade ever inside the period (else in the last month); a ``client`` column after
    ``account``."""
    bounds = getattr(result, "period", None)
    start = getattr(bounds, "start", None)
    stop = getattr(bounds, "stop", None)
    as_of = None
    if stop is not None and len(priced):
        as_of = min(pd.Timestamp(stop) - pd.Timedelta(microseconds=1), pd.Timestamp(priced["close_time"].max()))
    period = None
    if (start is not None or stop is not None) and len(priced):
        first, last = (pd.Timestamp(priced["close_time"].min()), pd.Timestamp(priced["close_time"].max()))
        period = (start if start is not None else first.normalize(),
                  stop if stop is not None else last.normalize() + pd.Timedelta(days=1))
    table = client_activity.activity(priced, as_of=as_of, period=period, first_trades=first_trades(result))
    table.insert(1, "client", [client_label(str(a), names) for a in table["account"]])
    # A client's earnings in cents as the IB tables print them (its own exact sum rounded once); the shares stay
    # of the exact sums.
    table["ib_earnings"] = rebates.round_cents(table["ib_earnings"].to_numpy(dtype="float64"))
    return table


def first_trades(result: AnalysisResult) -> dict[str, pd.Timestamp]:
    """Per account id: its first close time over the whole history (the period may start later)."""
    whole = getattr(result, "whole", None)
    books = {b.key: b for b in getattr(whole, "accounts", [])} if whole is not None else {}
    out = {}
    for a in result.accounts:
        book = books.get(a.book.key, a.book)
        if len(book.trades):  # read from the array (document.earliest): a Series reduction per client cost more
            out[a.account_id] = pd.Timestamp(document.earliest(book.trades["close_time"]))
    return out


def activity_worth_telling(clients: int, concentration: Mapping[str, Any] | None) -> bool:
    """Client activity is an IB's question: told (text, Excel) for a book of several clients or a client who earns
    the IB something, not for a trader's own statement or a backtest (a real backtest's text said "1 clients, 1 new
    this period, volume trend new"). The JSON keeps the block either way."""
    return clients > 1 or bool(concentration and concentration.get("clients_for_80_pct"))


def concentration_text(concentration: Mapping[str, Any] | None) -> str:
    """The concentration of the IB's earnings (activity.concentration) as the text and the Excel sheet say it."""
    if not concentration or not concentration.get("clients_for_80_pct"):
        return "no IB earnings to share among the clients"
    return (f"the top client makes {concentration['top_client_pct']:.1f}% of the IB's earnings, "
            f"{concentration['clients_for_80_pct']} client(s) make 80%")


def _named(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with a ``client`` column after ``account``."""
    out = frame.copy()
    out.insert(list(out.columns).index("account") + 1, "client",
               [client_label(str(a), names) for a in out["account"]])
    return out


def ib_book(result: AnalysisResult, scenarios, program, priced: pd.DataFrame | None, ib_program=None, *,
            trades: pd.DataFrame | None = None, deals: list | None = None) -> IbBook:
    """The IB's side of ``result``: ``program`` is the IB view's (else the main) program and ``priced`` the trades
    priced under it; ``scenarios`` whatif.scenarios of the result; ``trades``: the result's trades (e.g. with the
    account keyed, summary.build) when the caller has them; ``deals``: the scenarios' IB deals (ib.compare_deal of
    the actual setup and each compared setup with a program, in order) when the caller read them one scenario at a
    time (issue 14), the scenarios' frames then unused."""
    t = result.trades if trades is None else trades
    if not len(t):
        return IbBook()
    names = client_names(result)
    if deals is None:
        table, by_client = ib.compare_programs(compared(result, scenarios, ib_program, priced))
    else:  # the IB view's own deal first when it is not one of the scenarios', as compared() lists it
        view = [d for d in (ib.compare_deal(*c) for c in compared(result, [], ib_program, priced)) if d is not None]
        table, by_client = ib.compare_table(view + list(deals))
    out: dict[str, Any] = {}
    if len(table):
        out["compare"] = table
        out["compare_by_client"] = _named(by_client, names)
    if priced is None or not len(priced):
        priced = t  # activity needs no program (its earnings shares are then of the trades' rebate, 0 without one)
    act = activity_table(result, priced, names)
    out["activity"] = act
    out["activity_months"] = client_activity.monthly_volume(priced)  # the volume trend month by month
    out["concentration"] = MappingProxyType(client_activity.concentration(act))
    if rebates.is_ib(program):  # what the IB passes back and keeps: an IB deal's question only
        out["passback_sweep"] = ib.passback_sweep(priced, program)
        bounds = getattr(result, "period", None)
        out["projection"] = MappingProxyType(ib.projection(priced, program,
                                                           period_stop=getattr(bounds, "stop", None)))
        if program.sub_ibs or program.client_groups:
            levels = ib.level_rollup(priced, program)
            out["levels"] = MappingProxyType({"by_client": _named(levels["by_client"], names),
                                              "by_level": levels["by_level"]})
    return IbBook(**out)


def records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A frame as the JSON's records (summary.document's rule: NaN as null, figures to 6 decimals)."""
    return document._frame_records(frame)


def _with_months(book: IbBook) -> list[dict[str, Any]]:
    """The activity records, each with its ``monthly_lots`` (one per month of the ``months`` list)."""
    rows = records(book.activity)
    months = book.activity_months
    if months is None or not len(months):
        return rows
    lots = {str(a): [round(float(v), 6) for v in values] for a, values in zip(months.index, months.to_numpy())}
    return [{**r, "monthly_lots": lots.get(str(r["account"]), [])} for r in rows]


def json_blocks(book: IbBook) -> dict[str, Any]:
    """The JSON blocks of :class:`IbBook`: ``ib_compare`` (``programs``, ``by_client``), ``passback_sweep``,
    ``ib_projection``, ``activity`` (``clients`` each with ``monthly_lots``, ``months``, ``concentration``,
    ``dormant_days``), each null when empty."""
    return {
        "ib_compare": ({"programs": records(book.compare), "by_client": records(book.compare_by_client)}
                       if book.compare is not None else None),
        "passback_sweep": records(book.passback_sweep) if book.passback_sweep is not None else None,
        "ib_projection": dict(book.projection) if book.projection is not None else None,
        "activity": ({"dormant_days": DORMANT_DAYS, "clients": _with_months(book),
                      "months": [str(m) for m in book.activity_months.columns] if book.activity_months is not None
                      else [], "concentration": dict(book.concentration)} if book.activity is not None else None),
    }
