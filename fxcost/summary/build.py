"""The typed summary of one AnalysisResult: every figure any surface shows, computed once (issue 10).

The JSON (``report --json``), the command line's text, the Excel sheets, the trades CSV, the Import panel and
every view read a :class:`Summary`; none of them computes a figure. The app builds it on the worker thread,
the command line right after ``pipeline.run``. ``Summary.document`` is the JSON document (its key names are
the report's, docs/ENGINE.md); the other fields hold what the views need in the form they draw it (frames for
tables and charts), computed from the same numbers.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from fxcost.analysis import aggregate, breakeven, ib, rebates, strategy, whatif
from fxcost.analysis.engine import AnalysisResult, Setup
from fxcost.gcpause import paused
from fxcost.summary import document, ib_book, series
from fxcost.summary import spreads as spread_summary
from fxcost.summary.alerts import FileAlert, file_alerts

#: Columns of the per-account table, as aggregate.total names them.
ACCOUNT_FIGURES = ("trades", "lots", "broker_net", "spread_cost", "commission", "taxes", "swap", "rebate",
                   "net_after_rebate", "cost_per_lot_after")


@dataclass(frozen=True)
class KeyFigures:
    """The Overview's key figures: the ``costs`` block (document.cost_totals) plus break-even and equity shares."""

    currency: str
    trades: int
    lots: float
    costs: Mapping[str, Any]  # document.cost_totals: spread_cost, commission, ... usd_per_million
    shift_pips: float | None = None
    win_rate_before: float | None = None
    win_rate_after: float | None = None
    actual_win_rate: float | None = None
    cost_pct_of_gross_profit: float | None = None
    rebate_pct_of_costs: float | None = None
    max_drawdown_without: float | None = None
    max_drawdown_with: float | None = None
    program: str | None = None
    profile: str = ""
    rebate_received: float = 0.0
    rebate_received_rows: int = 0
    breakeven: Mapping[str, Any] = field(default_factory=dict)  # breakeven.summary, whole (the JSON's block)
    # Issue 15: trades whose Profit is exactly zero: left out of the win rate (neither won nor lost), counted apart.
    zero_profit_trades: int = 0
    equity_effect: Mapping[str, Any] = field(default_factory=dict)  # breakeven.equity_effect, whole
    #: Issue 11: files that do not reconcile, had rows skipped or derived an opening balance (alerts.file_alerts),
    #: known with the key figures so the Overview's banner shows from the first copy.
    alerts: tuple[FileAlert, ...] = ()
    #: Trades per kind of spread source (observed, calibrated, catalogue, profile, ...; issue 12): the JSON's
    #: ``assumptions.spread_kind``, known as early as the other key figures.
    spread_kinds: Mapping[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The figures as one flat mapping (the Overview reads them by name)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in ("costs", "breakeven", "equity_effect")}
        return {**out, **self.costs}


@dataclass(frozen=True)
class IbSummary:
    """The IB view's roll-up under the IB program (the one chosen for the IB view, else the main one)."""

    program: str
    note: str
    tables: Mapping[str, pd.DataFrame]  # ib.ib_rollup: by_client, by_month, by_client_month (+ "client" names)
    is_ib: bool  # the program passes a share back: the JSON's ``ib`` block holds these tables
    #: Issue 14: a two-level deal's (sub_ibs / client_groups) ib.level_rollup: ``by_client`` (account, client,
    #: sub_ib, group, ...) and ``by_level`` (each sub-IB, ib.MASTER, Total); None for a one-level deal.
    levels: Mapping[str, pd.DataFrame] | None = None


@dataclass(frozen=True)
class Summary:
    """Every figure of one result, built once by :func:`build`; read-only."""

    key: KeyFigures
    document: Mapping[str, Any]  # the JSON document, keyed as ``report --json`` writes it
    accounts: pd.DataFrame | None  # per account in its own currency; None for one account
    compare: tuple[whatif.Outcome, ...]
    spread_sweep: pd.DataFrame | None
    rebate_sweep: pd.DataFrame | None
    ib: IbSummary | None
    ib_note: str
    payout_matches: pd.DataFrame | None
    warnings: tuple[str, ...]
    #: Per trade of ``result.trades``: the rebate and the IB earnings in cents, allocated by largest remainder
    #: within each account's total (rebates.cents_within), so the cents of any export add up to the payable.
    rebate_cents: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ib_earnings_cents: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: Issue 15: per trade of ``result.trades``, its strategy (analysis.strategy.names under the session's rule).
    strategies: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    #: Issue 14, the IB's side (summary.ib_book; money in the book's currency, cents by the one rule). Per deal
    #: compared (the IB view's program, the main one, each compared program or setup with a program):
    #: ib.COMPARE_COLUMNS (setup, program, is_ib, clients, trades, lots, ib_earnings, share_pct, passed_back,
    #: ib_keeps, ib_earnings_per_lot, passed_back_per_lot, ib_keeps_per_lot).
    ib_compare: pd.DataFrame | None = None
    #: Per deal and client: setup, program, account, client ("login (name)"), trades, lots, ib_earnings,
    #: share_pct, passed_back, ib_keeps and the three per lot.
    ib_compare_by_client: pd.DataFrame | None = None
    #: Under the IB view's program: pass_back_pct 0, 10, ... 100 and the program's own (is_program), ib_earnings,
    #: passed_back, ib_keeps, clients_rebate_per_lot, ib_keeps_per_lot (ib.passback_sweep).
    passback_sweep: pd.DataFrame | None = None
    #: ib.projection: months_used, clients (active), clients_left_out, IB earnings / passed back / IB keeps per
    #: month and per year, note.
    ib_projection: Mapping[str, Any] | None = None
    #: analysis.activity per client (with a ``client`` column) under the IB view's program, judged at the end of the
    #: period; ``concentration``: activity.concentration of it (empty without one).
    activity: pd.DataFrame | None = None
    #: Lots per client (rows, as ``activity``'s accounts) and close month (columns "YYYY-MM", every month, 0 where
    #: the client did not trade): the volume trend month by month (activity.monthly_volume).
    activity_months: pd.DataFrame | None = None
    concentration: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: The partner report's reconciliation (analysis.partner_reconcile.Reconciliation: ``rows``, ``differing``,
    #: ``reconciles``, ``totals()``), added by summary.partner.with_partner_reconciliation; None without a report.
    partner_reconciliation: Any = None

    def table(self, name: str) -> pd.DataFrame:
        """A ``by_*`` list of the document as a frame (the Overview's By year, the Strategies view's tables)."""
        return pd.DataFrame(list(self.document.get(name) or []))
    #: Issue 12: per account and symbol, the spread used and its evidence (summary.spreads.table; the JSON's
    #: ``assumptions.spread_table``), and per account the profile, catalogue entry and reason (spreads.choices).
    spreads: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(spread_summary.COLUMNS)))
    spread_choices: tuple[Mapping[str, Any], ...] = ()
    #: Issue 10: every chart's series (summary.series.Charts), built on the worker with the rest; the charts draw
    #: them and compute nothing. ``compare_bars``: the Compare view's setups and (issue 15) their difference from
    #: the actual setup (series.compare_bars).
    charts: series.Charts = field(default_factory=series.Charts)
    compare_bars: tuple[series.Bars | None, series.Bars | None] = (None, None)

    def json(self) -> dict[str, Any]:
        """The JSON document as a plain (mutable) dict."""
        return dict(self.document)


def key_figures(result: AnalysisResult, keyed: pd.DataFrame | None = None,
                breakeven_parts: pd.DataFrame | None = None, cash: pd.DataFrame | None = None) -> KeyFigures:
    """The Overview's key figures (cheap: the window shows them before the rest is built); ``keyed``: the trades
    with their text columns hashed (:func:`_keyed`), ``breakeven_parts`` (breakeven.addends under the
    settings' swap rule) and ``cash`` (document.balance_cash) when the caller has them."""
    t = result.trades
    settings = result.settings
    common = {"currency": result.currency, "program": getattr(settings.main_program, "name", None),
              "profile": settings.profile.name, "rebate_received": result.received_rebate,
              "rebate_received_rows": result.received_rebate_rows, "alerts": file_alerts(result.portfolio)}
    if not len(t):
        return KeyFigures(trades=0, lots=0.0, costs=MappingProxyType({}), **common)
    be = breakeven.summary(t, swap_in_cost=settings.include_swap_in_cost, parts=breakeven_parts)
    # Cash in the trades' currency: converted like them when accounts in several currencies are merged.
    # With the opening balance: drawdown % rests on the balance.
    cash = document.balance_cash(result) if cash is None else cash
    effect = breakeven.equity_effect(t, cash)
    costs = document.cost_totals(t if keyed is None else keyed, document.financing_total(cash))
    return KeyFigures(
        trades=int(len(t)), lots=float(t["lots"].sum()), costs=MappingProxyType(costs),
        shift_pips=be.get("shift_pips"), win_rate_before=be.get("win_rate_before"),
        win_rate_after=be.get("win_rate_after"), actual_win_rate=be.get("actual_win_rate"),
        cost_pct_of_gross_profit=effect.get("cost_pct_of_gross_profit"),
        rebate_pct_of_costs=effect.get("rebate_pct_of_costs"),
        max_drawdown_without=effect.get("max_drawdown_without"), max_drawdown_with=effect.get("max_drawdown_with"),
        breakeven=MappingProxyType(dict(be)), equity_effect=MappingProxyType(dict(effect)),
        zero_profit_trades=int((t["profit"].to_numpy(dtype="float64") == 0).sum()),
        spread_kinds=MappingProxyType(document.spread_kinds(t)), **common)


def accounts_table(result: AnalysisResult) -> pd.DataFrame | None:
    """One row per account with trades, each in its own currency (the merged figures may be converted);
    None when there is only one account."""
    # The login alone keeps the table narrow (the heading above the cards names each account in full); the full
    # label where two accounts share a login (at two brokers).
    logins = Counter(a.book.account.login for a in result.accounts)
    with_trades = [a for a in result.accounts if len(a.trades)]
    if len(result.accounts) < 2 or not with_trades:
        return None
    figures = aggregate.totals([a.trades for a in with_trades],
                               joined=result.trades if result.rows_in_order else None)[list(ACCOUNT_FIGURES)]
    return pd.DataFrame({
        "account": [a.book.label if not a.book.account.login or logins[a.book.account.login] > 1
                    else a.book.account.login for a in with_trades],
        "currency": [a.currency for a in with_trades],
        **{name: figures[name].to_numpy() for name in ACCOUNT_FIGURES}})


def _ib(result: AnalysisResult, ib_program, repriced: Mapping[int, pd.DataFrame],
        trades: pd.DataFrame | None = None, key_accounts: Callable[[pd.DataFrame], pd.DataFrame] | None = None
        ) -> tuple[IbSummary | None, str, pd.DataFrame | None]:
    """The IB roll-up under ``ib_program`` (else the main program), its note and the trades priced under it;
    ``repriced`` maps id(program) to the trades already re-priced under it for the comparison, so a compared
    program is not priced twice; ``trades``: the result's trades with the account keyed, and ``key_accounts`` the
    keying (:func:`_account_keyer`), when the caller has them."""
    t = result.trades if trades is None else trades
    if not len(t):
        return None, "No trades.", None
    main = result.settings.main_program
    program = ib_program or main
    if program is None:
        return None, ("Choose an IB program in the setup panel (or make the main program one) to see "
                      "IB earnings per client and month."), None
    if program is main:
        priced = t
    elif id(program) in repriced:
        priced = repriced[id(program)]
    else:
        # Only the columns the IB's tables read (issue 14: a 500-client book's every column, once more).
        priced = whatif.reprice(result, Setup(f"IB: {program.name}", None, None, program), whatif.IB_COLUMNS)
        priced = priced if key_accounts is None else key_accounts(priced)
    is_ib = rebates.is_ib(program)
    note = "" if is_ib else "The program passes nothing back to clients (no client_share_pct)."
    tables = ib.program_rollup(priced, program)
    # The client as a person reads it: the login and the name the statement prints (the Total row keeps "Total").
    names = {a.account_id: a.book.account.name for a in result.accounts if a.book.account.name}
    for name in ("by_client", "by_client_month"):
        table = tables[name]
        logins = table["account"].astype(str)
        table.insert(1, "client", [f"{k} ({names[k]})" if k in names else k for k in logins])
    return IbSummary(program=program.name, note=note, tables=MappingProxyType(tables), is_ib=is_ib), note, priced


def _account_keyer(keyed: pd.DataFrame) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A function of a frame of the trades' rows (the trades, or the trades re-priced: the same rows in the same
    order) that gives it ``keyed``'s account categorical, so the IB tables and the activity group by its codes
    instead of hashing every trade's account again (issue 10); a frame whose accounts are not those rows' comes
    back as it is. The categorical's text per trade is made once for every frame keyed (a book's setups)."""
    accounts = keyed["account"] if "account" in keyed.columns else None
    if accounts is None or not isinstance(accounts.dtype, pd.CategoricalDtype):
        return lambda frame: frame

    @functools.cache
    def theirs() -> np.ndarray:
        return np.asarray(accounts.cat.categories, dtype=object)[accounts.cat.codes.to_numpy()]

    def keyed_accounts(frame: pd.DataFrame) -> pd.DataFrame:
        if len(frame) != len(keyed) or isinstance(frame["account"].dtype, pd.CategoricalDtype):
            return frame
        # Each text is one shared object from import on (model._column): the comparison is by identity, fast.
        if not bool((frame["account"].to_numpy(dtype=object) == theirs()).all()):
            return frame
        return frame.assign(account=accounts.array)

    return keyed_accounts


def _compare(result: AnalysisResult, key_accounts: Callable[[pd.DataFrame], pd.DataFrame], ib_program,
             cash: pd.DataFrame | None) -> tuple[list[whatif.Outcome], list[dict[str, Any]], list, pd.DataFrame | None]:
    """Every compared setup (whatif.scenario_stream) read one at a time, each re-priced frame let go before the
    next is made (issue 14: the GUI's 4 setups held a copy of a 500-client book's trades each, all at once): the
    outcomes (commission labels naming the currency), the projection block's programs, the IB comparison's deals
    (ib.compare_deal, the actual setup and every setup with a program) and the frame re-priced under the IB view's
    program when that program is a compared one (kept for the IB roll-up; None otherwise)."""
    t = result.trades
    if not len(t):
        return [], [], [], None
    settings = result.settings
    relabel = _commission_relabel(result)
    balance = document.projection_balance(result, cash)
    setups = [None, *whatif.compared_setups(result)]
    programs = settings.programs[1:]
    outcomes, projections, deals = [], [], []
    kept = None
    # Each setup's frame holds only the columns its outcome, projection and IB deal read, and those the IB's tables
    # read for the IB view's program (issue 14: a 500-client book's every column, once per setup).
    kept_program = ib_program if ib_program is not None and any(p is ib_program for p in programs) else None

    def columns_of(setup: Setup) -> tuple[str, ...] | None:
        return whatif.IB_COLUMNS if kept_program is not None and setup.program is kept_program else \
            whatif.OUTCOME_COLUMNS

    for i, (outcome, frame) in enumerate(whatif.scenario_stream(result, columns_of)):
        outcome = relabel(outcome)
        frame = key_accounts(frame)
        outcomes.append(outcome)
        projections.append(document.projection_of(outcome, frame, balance))
        setup = setups[i]
        deal = ib.compare_deal(outcome.name, frame, settings.main_program if setup is None else setup.program)
        if deal is not None:
            deals.append(deal)
        if ib_program is not None and 1 <= i <= len(programs) and programs[i - 1] is ib_program and kept is None:
            kept = frame
        del frame  # before the next setup is re-priced
    return outcomes, projections, deals, kept


#: Text columns the summary's tables group or count by: hashed once into sorted categoricals (:func:`_keyed`).
KEYED = ("account", "symbol_root", "category", "side", "spread_source", "m_source", "commission_source",
         "excluded_reason")


def _keyed(t: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy of ``t`` whose :data:`KEYED` columns are categoricals with sorted categories, so every
    grouping reads codes instead of hashing the strings again (and groups keep the alphabetical order)."""
    out = t.copy(deep=False)
    bases: list[pd.Categorical] = []  # the columns keyed so far, for :func:`_derived`
    for col in KEYED:
        if col in out.columns and not isinstance(out[col].dtype, pd.CategoricalDtype):
            values = out[col].to_numpy(dtype=object)
            keyed = next((d for d in (_derived(values, b) for b in bases) if d is not None), None)
            out[col] = keyed if keyed is not None else _sorted_categorical(values)
        if col in ("account", "symbol_root") and col in out.columns:
            bases.append(out[col].array)
    return out


def _derived(values: np.ndarray, base: pd.Categorical) -> pd.Categorical | None:
    """``values`` as a sorted categorical when each is a text fixed by ``base`` (a category per symbol, a source
    per account: common), checked by one comparison instead of hashing every trade; else None."""
    codes = base.codes
    if not len(values) or len(codes) != len(values) or (codes < 0).any():
        return None
    rep = np.zeros(len(base.categories), dtype=np.intp)
    rep[codes] = np.arange(len(codes))  # any one row of each base value
    texts = values[rep]
    if not all(isinstance(v, str) for v in texts):
        return None
    # A strided sample first: a column that is not fixed by ``base`` (the side, per symbol) is told apart without
    # comparing a million scattered strings (issue 10); the whole column is compared only when the sample agrees.
    sample = _sample(len(values))
    if not bool((values[sample] == texts[codes[sample]]).all()) or not bool((values == texts[codes]).all()):
        return None
    categories = sorted(set(texts))
    position = {v: i for i, v in enumerate(categories)}
    return pd.Categorical.from_codes(np.array([position[v] for v in texts], dtype=np.intp)[codes],
                                     categories=pd.Index(categories, dtype=object))


def _sorted_categorical(values: np.ndarray) -> pd.Categorical:
    """``values`` (an object array) as a categorical with sorted categories. A column holding one text for every
    trade (one source, no exclusion, one account: common) is compared with that text instead of hashed."""
    one = _one_text(values)
    if one is not None:
        return one
    codes, uniques = pd.factorize(values, sort=True)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def _trade_cents(t: pd.DataFrame, column: str, accounts: np.ndarray | None = None) -> np.ndarray:
    """Per trade, ``column`` in cents allocated within each account (``accounts``: the account of each trade,
    e.g. its categorical codes; default the ``account`` column)."""
    if not len(t) or column not in t.columns:
        return np.zeros(len(t))
    if accounts is None:
        accounts = t["account"].astype(str).to_numpy(dtype=object)
    return rebates.cents_within(t[column].to_numpy(dtype="float64"), accounts)


def _cents_columns(t: pd.DataFrame, accounts: np.ndarray | None) -> dict[str, np.ndarray]:
    """Summary's ``rebate_cents`` and ``ib_earnings_cents`` (:func:`_trade_cents`). Without a client share the IB
    earnings are the rebate, trade by trade: their cents are then the rebate's, allocated once (issue 10: each
    allocation sorts a million remainders)."""
    rebate = _trade_cents(t, "rebate", accounts)
    same = ("rebate" in t.columns and "ib_earnings" in t.columns
            and np.array_equal(t["rebate"].to_numpy(dtype="float64"), t["ib_earnings"].to_numpy(dtype="float64")))
    return {"rebate_cents": rebate,
            "ib_earnings_cents": rebate.copy() if same else _trade_cents(t, "ib_earnings", accounts)}


def commission_label(label: str, currencies: list[str], setups: list[str]) -> str:
    """A what-if's commission as the user must read it (issue 15): a schedule given in the account currency names
    that currency ("7 JPY per lot round turn"), one given in another currency says it was converted ("7 USD per
    lot round turn (typical Raw/ECN), converted to JPY"). ``currencies``: the accounts' currencies;
    ``setups``: the schedule names the session gave in the account currency (session.compare_commission)."""
    one = currencies[0] if len(set(currencies)) == 1 else "the account currency"
    parts = []
    for part in label.split("; "):
        if part in setups:
            part = part.replace(" per ", f" {one} per ", 1) if one != "the account currency" else \
                f"{part} (in each account's currency)"
        else:
            named = [c for c in ("USD", "EUR", "GBP", "JPY", "CHF", "AUD", "CAD", "NZD") if f" {c} " in f" {part} "]
            if named and any(c != named[0] for c in currencies):
                part = f"{part}, converted to {one}" if one != "the account currency" else \
                    f"{part}, converted to each account's currency"
        parts.append(part)
    return "; ".join(parts)


def account_currency_text(result: AnalysisResult) -> str:
    """The currency a schedule "in the account currency" is read in: the accounts' one currency, else "each
    account's currency" (issue 15: a JPY account's 7 is 7 JPY)."""
    currencies = {a.currency for a in result.accounts if len(a.trades)} or {result.currency}
    return next(iter(currencies)) if len(currencies) == 1 else "each account's currency"


def _commission_relabel(result: AnalysisResult) -> Callable[[whatif.Outcome], whatif.Outcome]:
    """One what-if outcome with its commission label naming the currency (:func:`commission_label`)."""
    from dataclasses import replace

    currencies = [a.currency for a in result.accounts if len(a.trades)] or [result.currency]
    schedules = [result.settings.commission, *(s.commission for s in result.settings.setups)]
    own = [c.name for c in schedules if getattr(c, "currency", None) == "" and getattr(c, "name", "")]
    return lambda o: replace(o, commission=commission_label(o.commission, currencies, own))


def period_of(result: AnalysisResult) -> dict[str, Any]:
    """The ``period`` block: which period every figure covers and by which date each kind of row counts."""
    bounds = getattr(result, "period", None)
    if bounds is None:
        return {"label": "all", "from": None, "to": None, "trades_by": "close time", "cash_by": "its own date",
                "payouts_by": "end of the payout period"}
    return dict(bounds.as_json())


#: What the reconciliation covers, as every surface says it when a period is chosen (issue 15).
RECONCILIATION_SCOPE = "the whole file: every trade and cash row it holds, whatever the period"


def scope_notes(doc: Mapping[str, Any]) -> list[str]:
    """With a period chosen, the sentences every surface shows beside the figures (issue 15): the reconciliation
    is of the whole file, and which period the projection and the drawdown use; none for the whole history."""
    period = (doc.get("period") or {}).get("label", "all")
    if period == "all":
        return []
    return [f"Every figure is of the period {period} (trades by close time, cash and payouts by their own dates).",
            "The reconciliation with the printed totals is of the whole file (every trade and cash row it holds): "
            "a statement prints its totals for the whole file, not for a period.",
            f"The drawdown is over the trades of the period {period}; the cashback projection starts from the "
            f"balance at the end of the period {period}."]


def _period_blocks(doc: dict[str, Any], result: AnalysisResult) -> None:
    """Issue 15: the period, and which period the projection and the drawdown (equity effect) use."""
    period = period_of(result)
    doc["period"] = period
    scoped = period["label"] != "all"
    if scoped and isinstance(doc.get("reconciliation"), dict):
        # A statement prints its totals for the whole file: the import is checked against them over every row it
        # holds, never over the period (a period figure is never compared with a whole-file total).
        doc["reconciliation"] = {**doc["reconciliation"], "scope": RECONCILIATION_SCOPE}
    if isinstance(doc.get("projection"), dict):
        doc["projection"] = {**doc["projection"], "period": period["label"],
                             "balance_basis": (f"the balance at the end of the period {period['label']} (opening "
                                               "balance, every cash row and every trade closed up to then)" if scoped
                                               else "the balance at the end of the history")}
    be = doc.get("breakeven")
    if isinstance(be, dict) and "actual_win_rate" in be:  # issue 15: how the win rate treats zero-profit trades
        zero = int((result.trades["profit"].to_numpy(dtype="float64") == 0).sum())
        be = doc["breakeven"] = {**be, "zero_profit_trades": zero,
                                 "win_rate_rule": "trades with Profit > 0 / trades with non-zero Profit; trades "
                                                  "closed at exactly zero are counted apart (zero_profit_trades)"}
    if isinstance(be, dict) and isinstance(be.get("equity_effect"), dict):
        doc["breakeven"] = {**be, "equity_effect": {**be["equity_effect"], "period": period["label"]}}


#: Rows of the strided sample :func:`_one_text` and :func:`_derived` compare before the whole column.
SAMPLE = 4096


def _sample(n: int) -> slice:
    """A strided sample of at most about :data:`SAMPLE` of ``n`` rows (the first row included)."""
    return slice(0, n, max(1, n // SAMPLE))


def _one_text(values: np.ndarray) -> pd.Categorical | None:
    """``values`` (an object array) as a one-category categorical when every one is the same text, else None."""
    if (len(values) and isinstance(values[0], str) and bool((values[_sample(len(values))] == values[0]).all())
            and bool((values == values[0]).all())):
        return pd.Categorical.from_codes(np.zeros(len(values), dtype=np.int8),
                                         categories=pd.Index([values[0]], dtype=object))
    return None


def _one_text_or_as_is(values: np.ndarray) -> np.ndarray | pd.Categorical:
    """``values`` as a one-category categorical when every one is the same text, else as they are (grouping either
    gives the same table)."""
    one = _one_text(values)
    return values if one is None else one


#: The keys of the strategy tables (:func:`_strategy_blocks`), grouped with the document's (issue 10).
STRATEGY_KEYS = ("strategy", "magic_number")


def _strategy_keyed(t: pd.DataFrame, rule: str) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray | None]]:
    """``t`` with each trade's strategy and magic number as grouping columns, each trade's strategy name and the
    distinct comments (strategy.named_and_comments)."""
    named = strategy.named_and_comments(t, rule)
    # One strategy or no magic number for every trade (common) groups by codes, without hashing each trade's text.
    return (t.assign(strategy=_one_text_or_as_is(named[0]), magic_number=_one_text_or_as_is(strategy.magics(t))),
            named)


def _strategy_blocks(doc: dict[str, Any], result: AnalysisResult, parts: aggregate.Addends | None = None,
                     grouped: tuple[tuple[np.ndarray, np.ndarray | None], dict[str, pd.DataFrame]] | None = None
                     ) -> np.ndarray:
    """Issue 15: ``by_strategy`` and ``by_magic`` (the By symbol columns), the rule used, and a note when the
    history holds no magic number and no comment; returns each trade's strategy name. ``parts``: the trades'
    aggregate.addends when the caller has them; ``grouped``: :func:`_strategy_keyed`'s names (with the distinct
    comments) and the tables of :data:`STRATEGY_KEYS` when the caller grouped them already."""
    t = result.trades
    rule = getattr(result.settings, "strategy_rule", "") or ""
    if grouped is None:
        frame, named = _strategy_keyed(t, rule)
        tables = aggregate.by_many(frame, STRATEGY_KEYS, parts=parts)
    else:
        named, tables = grouped
    names, comments = named
    doc["by_strategy"] = document._table(tables["strategy"])
    doc["by_magic"] = [{"magic": r.pop("magic_number"), **r} for r in document._table(tables["magic_number"])]
    doc["strategy"] = {"rule": rule or "text before '['", "untagged": strategy.UNTAGGED,
                       "note": strategy.note(t, names, comments)}
    return names


#: The IB's columns each ``whatif`` entry gains (issue 14), from Summary.ib_compare.
WHATIF_IB_COLUMNS = ("ib_earnings", "passed_back", "ib_keeps", "ib_earnings_per_lot", "passed_back_per_lot",
                     "ib_keeps_per_lot", "clients")


def _whatif_ib_columns(doc: dict[str, Any], compare: pd.DataFrame | None) -> None:
    """Each ``whatif`` entry with its deal's IB columns (null for a setup without a program)."""
    rows = {}
    if compare is not None:
        for rec in ib_book.records(compare):
            rows.setdefault(rec["setup"], rec)
    doc["whatif"] = [{**w, **{c: rows.get(w.get("name"), {}).get(c) for c in WHATIF_IB_COLUMNS}}
                     for w in doc.get("whatif") or []]


@paused()
def build(result: AnalysisResult, *, ib_program=None, step: Callable[[float, str], None] | None = None,
          on_key_figures: Callable[[KeyFigures], None] | None = None, key: KeyFigures | None = None,
          spreads: pd.DataFrame | None = None, charts: series.Charts | None = None,
          per_account: pd.DataFrame | None | str = "compute", leverage: Any = None,
          cash: pd.DataFrame | None = None) -> Summary:
    """Every figure of ``result``: the Overview's key figures, the JSON document, the comparison, sweeps,
    IB roll-up (under ``ib_program``, else the main program), payouts and warnings (each once).

    ``step(fraction, message)`` is called between the parts (it may raise to cancel); ``on_key_figures`` gets
    the key figures as soon as they are known, so a window can show them while the rest is computed; ``key``:
    those figures when the caller computed them already (:func:`key_figures`); ``spreads``: the per-symbol spread
    table when the caller has it (summary.spreads.table); ``charts``: the chart series when the caller has them
    (series.charts); ``per_account``: the :func:`accounts_table` when the caller has it (None is its value for
    one account), else "compute"; ``leverage`` (document.leverage_of) and ``cash`` (document.balance_cash) when the
    caller has them (the app computed them for the charts).
    """

    def at(frac: float, message: str) -> None:
        if step is not None:
            step(frac, message)

    t = result.trades
    settings = result.settings
    at(0.0, "Key figures")
    # The string columns hashed once, for every grouping below (the sweep's pricings and every table).
    keyed = _keyed(t) if len(t) else t
    # The break-even addends for the key figures and the tables; when the caller has the key figures, made only for
    # the tables (issue 14: not held through the comparison, the summary's largest working set).
    be_parts = breakeven.addends(t, swap_in_cost=settings.include_swap_in_cost) if len(t) and key is None else None
    # The cash the balance rests on, read once for the key figures, the tables, the projection and the charts.
    cash = document.balance_cash(result) if cash is None else cash
    # The key figures' drawdowns are the lot scaling's at k = 1 when they are of these trades and this cash.
    drawdowns = None
    if key is None:
        key = key_figures(result, keyed, be_parts, cash)
        drawdowns = document.equity_drawdowns(key.equity_effect)
    if on_key_figures is not None:
        on_key_figures(key)
    at(0.3, "Comparing programs and profiles")
    main = settings.main_program
    sweeps = {"extra_spread_pips": whatif.spread_sweep(keyed, program=main, currency=result.currency),
              "rebate_rate": whatif.rebate_sweep(t)} if len(t) else None
    # The IB tables and the activity read the account codes keyed above, not each trade's text (issue 10).
    key_accounts = _account_keyer(keyed)
    accounts_keyed = key_accounts(t) if len(t) else t
    outcomes, projections, deals, ib_frame = _compare(result, key_accounts, ib_program, cash)
    scenarios = [(o, None) for o in outcomes]
    at(0.6, "IB roll-up")
    ib_summary, ib_note, ib_priced = _ib(result, ib_program, {id(ib_program): ib_frame} if ib_frame is not None
                                         else {}, accounts_keyed, key_accounts)
    ib_frame = None
    book = ib_book.ib_book(result, scenarios, ib_program or main, ib_priced, ib_program, trades=accounts_keyed,
                           deals=deals if len(t) else None)
    if ib_summary is not None and book.levels is not None:
        ib_summary = dataclasses.replace(ib_summary, levels=book.levels)
    ib_json = (document.ib_block(ib_program or main, dict(ib_summary.tables))
               if ib_summary is not None and ib_summary.is_ib else None)
    if ib_json is not None and book.levels is not None:
        ib_json["levels"] = {name: ib_book.records(frame) for name, frame in book.levels.items()}
    ib_priced = None
    at(0.7, "Summary")
    imported = result.portfolio.frame("trades", document.TOTALS_COLUMNS)  # the import's totals and the merged ones
    doc = document.summary(result.portfolio, imported)
    spread_table = spread_summary.table(result) if spreads is None else spreads
    # Each grouping once: the JSON's tables, the charts and the strategy tables share them (issue 10).
    parts = aggregate.addends(keyed) if len(t) else None
    # The strategy tables with the others: one account, one strategy and one magic number are one group, summed once.
    strategy_frame, named = (_strategy_keyed(keyed, getattr(settings, "strategy_rule", "") or "") if len(t)
                             else (t, None))
    tables = (aggregate.by_many(strategy_frame, document.AGGREGATIONS + STRATEGY_KEYS, parts=parts)
              if len(t) else {})
    strategy_tables = {k: tables.pop(k) for k in STRATEGY_KEYS if k in tables}
    strategy_frame = None
    be_tables = breakeven.by_many(keyed, document.BREAKEVEN_KEYS, swap_in_cost=settings.include_swap_in_cost,
                                  parts=be_parts) if len(t) else {}
    # The strategy tables now, so the per-trade addends (a few hundred MB on a million trades) are let go before
    # the rest is built; their blocks join the document where they always have.
    strategy_doc: dict[str, Any] = {}
    strategies = (_strategy_blocks(strategy_doc, result, grouped=(named, strategy_tables)) if len(t)
                  else np.zeros(0, dtype=object))
    parts = be_parts = None
    if leverage is None:
        leverage = document.leverage_of(result, cash, keyed) if len(t) else None
    if len(t):
        doc.update(document.analysis_summary(result, scenarios=scenarios, sweeps=sweeps, ib=ib_json, key=key,
                                             keyed=keyed, spreads=spread_table, tables=tables,
                                             breakeven_tables=be_tables, leverage=leverage, cash=cash,
                                             projections=projections, drawdowns=drawdowns,
                                             import_trades=imported))
    imported = None
    accounts = keyed["account"].cat.codes.to_numpy() if len(t) else None
    doc["warnings"] = list(dict.fromkeys(doc["warnings"] + list(result.warnings)))
    doc["alerts"] = [a.as_json() for a in key.alerts]
    _period_blocks(doc, result)
    if len(t):
        doc.update(ib_book.json_blocks(book))
        _whatif_ib_columns(doc, book.compare)
    doc.update(strategy_doc)
    matches = [a.payout_matches for a in result.accounts if a.payout_matches is not None and len(a.payout_matches)]
    at(1.0, "Done")
    return Summary(
        key=key, document=MappingProxyType(doc),
        accounts=(accounts_table(result) if isinstance(per_account, str) else per_account) if len(t) else None,
        compare=tuple(o for o, _ in scenarios),
        spread_sweep=sweeps["extra_spread_pips"] if sweeps else None,
        rebate_sweep=sweeps["rebate_rate"] if sweeps else None,
        ib=ib_summary, ib_note=ib_note,
        payout_matches=pd.concat(matches, ignore_index=True) if matches else None,
        warnings=tuple(result.warnings),
        **_cents_columns(t, accounts),
        strategies=strategies,
        ib_compare=book.compare, ib_compare_by_client=book.compare_by_client, passback_sweep=book.passback_sweep,
        ib_projection=book.projection, activity=book.activity, activity_months=book.activity_months,
        concentration=book.concentration,
        spreads=spread_table,
        charts=series.charts(result, tables=tables, breakeven_by_symbol=be_tables.get("symbol"), leverage=leverage,
                             cash=cash, accounts=keyed["account"] if len(t) else None) if charts is None else charts,
        compare_bars=series.compare_bars([o for o, _ in scenarios], result.currency),
        spread_choices=tuple(MappingProxyType(c) for c in spread_summary.choices(result)),
    )
