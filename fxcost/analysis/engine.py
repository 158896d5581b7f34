"""The cost engine's front door: a Portfolio and settings in, a read-only AnalysisResult out.

Per account: instruments and M, the spread per trade (measured where market data covers
the trade, else the spread profile), the cost decomposition, the main rebate program with
eligibility and payouts, then the comparisons. Everything here is Qt-free and vectorised.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fxcost.analysis import codes, costs, instruments, observed_spreads
from fxcost.analysis.costs import CommissionSchedule
from fxcost.analysis.instruments import InstrumentSettings
from fxcost.analysis.slices import row_range
from fxcost.analysis.spreads import AutoProfile, SpreadProfile, load_profile
from fxcost.gcpause import paused
from fxcost.portfolio import AccountBook, Portfolio

if TYPE_CHECKING:  # only named in annotations here
    from fxcost.analysis.broker_catalogue import Entry, Sourced
    from fxcost.analysis.market_data import MarketData
    from fxcost.analysis.programs import RebateProgram

#: ``Setup.commission`` value that keeps the exported commission whatever the setup's profile.
EXPORTED_COMMISSION = "export"


@dataclass
class Setup:
    """One way of trading the same history: a spread profile, a commission schedule, a rebate program.

    ``commission``: a schedule that replaces the exported commission; :data:`EXPORTED_COMMISSION` keeps it;
    None: the commission of the profile's account type when that differs from the account's (a Standard
    account charges none, see whatif.commission_schedule), else the exported one.
    """

    name: str
    profile: SpreadProfile | None = None  # None: the analysis' own spreads
    commission: CommissionSchedule | str | None = None
    program: RebateProgram | None = None  # None: no rebate


@dataclass
class AnalysisSettings:
    """Everything the user chooses; defaults give a full analysis with no input at all.

    ``profile``: a spread profile for every account, or ``load_profile("auto")`` (spreads.AutoProfile,
    the CLI's default) to pick Raw/ECN or Standard per account from its export; the choice and its
    reason are in each AccountAnalysis (``profile``, ``profile_reason``).
    """

    profile: SpreadProfile = field(default_factory=lambda: load_profile("standard"))
    programs: list[RebateProgram] = field(default_factory=list)  # the first is the main one
    commission: CommissionSchedule | None = None  # for exports without commission
    server_utc_offset: float = 0.0  # hours, default for every account
    utc_offsets: dict[str, float] = field(default_factory=dict)  # account label -> hours
    leverage: int | None = None  # overrides the printed leverage
    instruments: InstrumentSettings = field(default_factory=InstrumentSettings)
    market_data: list[MarketData] = field(default_factory=list)
    setups: list[Setup] = field(default_factory=list)  # extra comparisons (profiles x schedules x programs)
    include_swap_in_cost: bool = False
    # Issue 12: spreads seen in the account's own same-second fills replace the profile's (DOMAIN.md 3.5).
    observed_spreads: bool = True
    # Issue 12: profile and catalogue spreads follow the time-of-day shape (spread_hours, DOMAIN.md 3.6).
    time_of_day: bool = True
    # The server clock the shape reads trade times with; "": the account's UTC offset when one is set, else
    # spread_hours.DEFAULT_SERVER_CLOCK (UTC when a tenth of the FX trades open on a Sunday: a UTC server).
    time_of_day_clock: str = ""
    # Issue 15: the period every figure covers (analysis.period.Period); None: the whole history.
    period: Any = None
    # Issue 15: how the by-strategy breakdown names a trade's strategy from its comment (analysis.strategy).
    strategy_rule: str = ""

    @property
    def main_program(self) -> RebateProgram | None:
        return self.programs[0] if self.programs else None


@dataclass
class AccountAnalysis:
    """One account's costed trades and rebate bookkeeping."""

    book: AccountBook
    currency: str
    trades: pd.DataFrame  # the costed frame (docs/ENGINE.md)
    payouts: pd.DataFrame | None = None
    payout_matches: pd.DataFrame | None = None
    leverage: int | None = None
    usd_rate: float = 1.0  # USD per unit of the account currency (the rate of its trades' usd_rate column)
    profile: SpreadProfile | None = None  # the profile its trades were costed with (auto: the one chosen)
    profile_reason: str = ""  # why (auto), else ""
    tester_spread_points: dict[str, float] = field(default_factory=dict)  # backtest file -> its fixed spread
    # What the statement itself paid: its rebate-like cash rows (cash kind "rebate"), whatever program is chosen;
    # the modelled rebate is the trades' ``rebate`` column. Account currency.
    received_rebate: float = 0.0
    received_rebate_rows: int = 0
    no_spread: dict[str, int] = field(default_factory=dict)  # symbol root -> trades costed with no spread at all
    # Issue 12: per symbol, the spread used and its evidence (observed_spreads.TABLE_COLUMNS).
    spreads: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=observed_spreads.TABLE_COLUMNS + observed_spreads.CATALOGUE_COLUMNS))
    catalogue: str = ""  # the broker catalogue entry the auto profile chose (its reason is profile_reason), else ""
    time_of_day_clock: str = ""  # the server clock the time-of-day shape read the trades with, and why; "" when off

    @property
    def account_id(self) -> str:
        """The account's value in the ``account`` column of the trades and cash frames."""
        for frame in (self.book.trades, self.book.cash):
            if len(frame):
                return str(frame["account"].iloc[0])
        return self.book.account.login or self.book.label


@dataclass
class AnalysisResult:
    """Read-only result that crosses from the worker thread to the UI, the CLI and the report."""

    portfolio: Portfolio
    settings: AnalysisSettings
    accounts: list[AccountAnalysis]
    trades: pd.DataFrame  # all accounts' costed trades
    currency: str  # currency of the merged figures ("USD" when accounts differ)
    warnings: list[str] = field(default_factory=list)
    # Issue 15: the period the result covers (analysis.period.Bounds) and the whole imported portfolio.
    period: Any = None
    whole: Any = None
    #: ``trades`` is every account's costed trades one after the other in the order of ``accounts``, with their own
    #: values and dtypes (one currency, each account's frame its rows of the merge: :func:`_share_rows`), so a
    #: caller reads a run of accounts' columns there instead of joining their frames (whatif, issue 14). A period
    #: (period.restrict) keeps it: the merge and each account are cut by the same rule.
    rows_in_order: bool = False

    @property
    def received_rebate(self) -> float:
        """Σ of the statements' rebate-like cash rows (what was actually received, with or without a program),
        in the merged currency; the modelled rebate is ``trades["rebate"].sum()``."""
        return float(sum(a.received_rebate * self.merged_rate(a) for a in self.accounts))

    @property
    def received_rebate_rows(self) -> int:
        """How many rebate-like cash rows the statements hold."""
        return int(sum(a.received_rebate_rows for a in self.accounts))

    @property
    def no_spread(self) -> dict[str, int]:
        """Symbol root -> trades costed with no spread at all (over every account); empty when none."""
        out: dict[str, int] = {}
        for a in self.accounts:
            for root, n in a.no_spread.items():
                out[root] = out.get(root, 0) + n
        return out

    @property
    def spreads(self) -> pd.DataFrame:
        """Every account's per-symbol spread table (observed_spreads.TABLE_COLUMNS), one after the other."""
        frames = [a.spreads for a in self.accounts if len(a.spreads)]
        if not frames:
            return pd.DataFrame(columns=observed_spreads.TABLE_COLUMNS + observed_spreads.CATALOGUE_COLUMNS)
        return pd.concat(frames, ignore_index=True)

    def merged_rate(self, analysis: AccountAnalysis) -> float:
        """Merged-currency units per unit of an account's currency: 1 when all accounts share a currency,
        else the USD rate the engine costed that account with (the one rate for every merged figure)."""
        return 1.0 if analysis.currency == self.currency else analysis.usd_rate

    def merged_rates(self) -> dict[str, float]:
        """:meth:`merged_rate` per value of the ``account`` column of the trades and cash frames."""
        return {a.account_id: self.merged_rate(a) for a in self.accounts}


def costed_trades(
    trades: pd.DataFrame,
    currency: str,
    settings: AnalysisSettings,
    *,
    utc_offset: float = 0.0,
    profile: SpreadProfile | None = None,
    commission: CommissionSchedule | None = None,
    program: RebateProgram | None = None,
    use_program: bool = True,
    tester_points: dict[str, float] | None = None,
    fills: np.ndarray | None = None,
    spread_table: list[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One account's trades with every cost column and the rebate of ``program`` (default: the main one).

    ``tester_points``: Strategy Tester report path -> the fixed spread in points it was run with (key
    ``"*"``: every other trade); the trades of that file (``source`` column) are costed with it
    (``tester: fixed N points``), not with the profile or market data: a backtest fills at exactly that spread.
    ``fills``: rows whose same-second fills may be paired (observed_spreads.usable); with it, spreads seen in the
    trades' own fills replace the profile's (issue 12) and ``spread_table`` (a list) receives the per-symbol table.
    The ``spread_kind`` column says what each spread is (observed_spreads.KINDS).
    """
    profile = profile or settings.profile
    trades = instruments.apply_aliases(trades, settings.instruments.aliases)
    original = trades
    trades = codes.as_categories(trades)  # the string keys are hashed once here, not in every step
    classes = instruments.classify(trades, settings.instruments)
    frame = trades.assign(**{c: classes[c].array for c in classes.columns})
    tod = np.ones(len(frame))
    if settings.time_of_day and len(frame):
        from fxcost.analysis import spread_hours

        tod = spread_hours.bundled().factors(frame["open_time"], frame["close_time"],
                                          shape_clock(settings, utc_offset, frame, profile))
    frame["spread_tod"] = tod
    spread, source = profile.spread_price(frame)
    table = None
    if fills is not None and len(trades) and settings.observed_spreads:
        spread, source, table = observed_spreads.apply(frame, fills, spread, source, tod)
    elif fills is not None and len(trades):  # switched off: the same per-symbol table, nothing observed (issue 12)
        _, _, table = observed_spreads.apply(frame, np.zeros(len(frame), dtype=bool), spread, source, tod)
        table["note"] = "observed spreads switched off"
    if settings.market_data and len(trades):
        from fxcost.analysis.measured import measured_spreads

        measured, label = measured_spreads(frame, settings.market_data, utc_offset)
        have = np.isfinite(measured)
        spread = np.where(have, measured, spread)
        source = np.where(have, label, source)
    if tester_points and len(trades):
        spread, source = _tester_spread(frame, tester_points, spread, source)
    # The costed frame is built once from the caller's frame and the new columns as arrays (issue 14: a
    # DataFrame.__setitem__ per column cost more than the arithmetic on an account of a few hundred trades).
    columns = costs.cost_columns(trades, currency, spread, source, instrument_settings=settings.instruments,
                                 commission=commission or settings.commission, classes=classes)
    # spread_tod applies where the kind is profile, catalogue or calibrated
    kinds = {"spread_kind": _kinds(source), "spread_tod": tod}
    if spread_table is not None and table is not None:
        # One assign for the final labels and the catalogue's columns (issue 14: a frame copy per step before).
        spread_table.append(table.assign(**_final_kinds(table, frame, source, spread),
                                         **_catalogue_columns(table, frame, profile)))
    program = settings.main_program if (program is None and use_program) else program
    paid: dict[str, Any]
    if program is not None and len(trades):
        from fxcost.analysis import rebates

        # Only what the program reads (rule keys, lots, spread cost...): a frame of a dozen columns (issue 14); a
        # big account's is set column by column (costs.with_columns: a new frame would copy its columns).
        priced = (pd.DataFrame({c: columns[c] if c in columns else trades[c] for c in rebates.PRICE_INPUTS
                                if c in columns or c in trades.columns}, index=trades.index, copy=False)
                  if len(trades) <= costs.BIG_FRAME else costs.with_columns(trades, columns, owned=True))
        paid = rebates.rebate_columns(priced, rebates.apply(priced, program, currency), program)
        columns["rebate"] = paid.pop("rebate")
    else:  # no rebate: the rebate columns at 0
        paid = dict(costs.NO_REBATE)
    finished = costs.finish_columns({**columns, "lots": trades["lots"].to_numpy()})
    # The category back to plain text, and the caller's own string columns (``original``): its rows are in the
    # same order, and a Series keeps its dtype (an object array would turn into str).
    columns["category"] = np.asarray(columns["category"], dtype=object)
    return costs.with_columns(original, {**columns, **finished, **kinds, **paid}, owned=True)


def shape_clock(settings: AnalysisSettings, utc_offset: float | str, frame: pd.DataFrame,
                profile: SpreadProfile | None = None) -> str | float:
    """The server clock the time-of-day shape reads one account's trade times with (AnalysisSettings.time_of_day_clock;
    by default the account's UTC offset when set, else the clock its broker publishes (broker catalogue), else a
    New York close server unless its FX trades open on Sundays, as only a UTC server's do)."""
    return shape_clock_and_why(settings, utc_offset, frame, profile)[0]


def shape_clock_and_why(settings: AnalysisSettings, utc_offset: float | str, frame: pd.DataFrame,
                        profile: SpreadProfile | None = None) -> tuple[str | float, str]:
    """:func:`shape_clock`, and where it comes from in a few words (the text and the JSON say which clock the
    time-of-day shape assumed: a real Startrader statement's user could not tell)."""
    from fxcost.analysis import spread_hours

    if settings.time_of_day_clock:
        return settings.time_of_day_clock, "the clock given"
    if utc_offset:
        return utc_offset, "the server time - UTC given"
    published: Sourced | None = getattr(getattr(profile, "catalogue_entry", None), "server_clock", None)
    if published is not None:
        return published.note, "the broker's published server clock"
    if spread_hours.sunday_share(frame) > 0.1:
        return "UTC", "assumed: its FX trades open on Sundays, as on a UTC server"
    return spread_hours.DEFAULT_SERVER_CLOCK, "assumed: most MetaTrader servers keep New York close time"


def clock_text(clock: str | float) -> str:
    """A server clock as the text says it: a UTC offset in hours ("UTC+2"), else its spec ("GMT+2/+3 NY")."""
    if isinstance(clock, (int, float)):
        return f"UTC{float(clock):+g}"
    return str(clock)


def _kinds(source: np.ndarray) -> np.ndarray:
    """observed_spreads.kind_of per trade, computed once per distinct label."""
    codes_, labels = pd.factorize(np.asarray(source, dtype=object))
    return np.array([observed_spreads.kind_of(x) for x in labels] + ["default"], dtype=object)[codes_]


def _final_kinds(table: pd.DataFrame, frame: pd.DataFrame, source: np.ndarray,
                 spread: np.ndarray) -> dict[str, list[Any]]:
    """The per-symbol table's label and source columns with the source the trades ended with (market data or a
    backtest's fixed spread win over the observed and profile spreads): the most common label per symbol; and
    where that label is not the table's own, the symbol's ``spread_pips`` is what its trades of that label were
    costed with (their median ``spread`` in pips), not the profile's it replaced (a backtest's 8 points showed as
    the profile's 1.3 pips while its trades were costed at 0.8)."""
    root_codes, roots = codes.factorize(frame["symbol_root"])
    own = table["label"].to_numpy(dtype=object)
    out: dict[str, list[Any]] = final_labels(table["symbol"].to_numpy(dtype=object), own, root_codes, roots, source)
    changed = [i for i, (final, mine) in enumerate(zip(out["label"], own)) if final != mine]
    if changed:
        pips = [float(x) for x in table["spread_pips"].to_numpy(dtype="float64")]
        position = {str(r): k for k, r in enumerate(roots)}
        in_pips = np.asarray(spread, dtype="float64") / frame["pip"].to_numpy(dtype="float64")
        for i in changed:
            # The symbol's rows first (integer codes), then their labels: each trade's label compared once.
            rows = np.flatnonzero(root_codes == position.get(str(table["symbol"].iloc[i]), -2))
            rows = rows[np.asarray(source, dtype=object)[rows] == out["label"][i]]
            values = in_pips[rows][np.isfinite(in_pips[rows])]
            if len(values):
                pips[i] = float(np.median(values))
        out["spread_pips"] = pips
    return out


def final_labels(symbols: np.ndarray, own: np.ndarray, root_codes: np.ndarray, roots: np.ndarray,
                 source: np.ndarray) -> dict[str, list[Any]]:
    """:func:`_final_kinds` of a table's ``symbols`` and ``own`` labels, the trades' symbol codes and names
    (codes.factorize of their symbol_root) and final ``source``."""
    label_codes, names = pd.factorize(np.asarray(source, dtype=object))
    if len(root_codes) and root_codes.min() >= 0 and label_codes.min() >= 0:
        # Per root, its most common label, ties to the pair seen first (as value_counts' stable order would give),
        # in numpy: value_counts cost more than the rest of the table (issue 14, hundreds of accounts).
        pair = root_codes.astype(np.int64) * len(names) + label_codes
        uniq, seen, count = np.unique(pair, return_index=True, return_counts=True)
        pick = np.lexsort((seen, -count, uniq // len(names)))
        pick = pick[np.r_[True, np.diff(uniq[pick] // len(names)) != 0]]
        first_root, first_label = uniq[pick] // len(names), uniq[pick] % len(names)
    else:
        counts = pd.DataFrame({"root": root_codes, "label": label_codes}).value_counts()  # most common first
        first = counts.reset_index().drop_duplicates("root")
        first_root, first_label = first["root"].to_numpy(), first["label"].to_numpy()
    labels = dict(zip([str(roots[r]) for r in first_root], np.asarray(names, dtype=object)[first_label]))
    # A symbol's final label, else the table's own (as Series.map then fillna), in a list: the table has a few rows.
    final = [labels.get(sym, mine) for sym, mine in zip(symbols, own)]
    return {"label": final, "source": [observed_spreads.kind_of(x) for x in final]}


def _catalogue_columns(table: pd.DataFrame, frame: pd.DataFrame, profile: SpreadProfile) -> dict[str, list[Any]]:
    """The table's columns of each symbol's value in the broker catalogue entry the profile was made from (pips)
    and its citation; NaN and "" where the entry publishes none (or the profile is not a catalogue entry's)."""
    entry: Entry | None = getattr(profile, "catalogue_entry", None)
    published = entry.published() if entry is not None else {}
    roots = table["symbol"].astype(str)
    if not any(root in published for root in roots):  # most accounts: no entry, or none of its symbols
        return {"catalogue_pips": [np.nan] * len(table), "catalogue_source": [""] * len(table)}
    first = frame.drop_duplicates("symbol_root").set_index(frame["symbol_root"].astype(str).drop_duplicates())
    pips, cites = [], []
    for root in roots:
        pub = published.get(root)
        if pub is None or root not in first.index:
            pips.append(np.nan)
            cites.append("")
            continue
        assert entry is not None  # nothing is published without an entry
        row: pd.Series = first.loc[root]  # type: ignore[assignment]  # one row per root: a label gives a Series
        factor = {"pips": 1.0, "points": float(row["point"]) / float(row["pip"]), "price": 1.0 / float(row["pip"])}
        pips.append(pub.value * factor.get(pub.unit, 1.0))
        cites.append(f"{entry.name}: {pub.basis} ({pub.cite()})")
    return {"catalogue_pips": pips, "catalogue_source": cites}


def _tester_spread(frame: pd.DataFrame, points: dict[str, float], spread: np.ndarray,
                   source: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The spread of trades from Strategy Tester reports: the report's fixed spread x the symbol's point."""
    default = points.get("*", np.nan)  # the one spread of a book that is a single backtest
    if "source" in frame.columns:
        codes_, files = pd.factorize(frame["source"].astype(str).to_numpy(dtype=object))
    else:
        codes_, files = np.full(len(frame), -1), np.array([], dtype=object)
    values = np.array([float(points.get(f, default)) for f in files] + [default])
    per_file = values[codes_]
    have = np.isfinite(per_file)
    if not have.any():
        return spread, source
    labels = np.array([f"tester: fixed {v:g} points" for v in values], dtype=object)[codes_]
    spread = np.where(have, per_file * frame["point"].to_numpy(dtype="float64"), spread)
    return spread, np.where(have, labels, source)


def _backtest_paths(files: Sequence[Any]) -> list[str]:
    """Which of an account's ``files`` (its files of the portfolio, in order) are Strategy Tester reports: their
    simulated fills show no real spread (issue 12)."""
    return [f.statement.path for f in files if f.statement.is_backtest]


def tester_spreads(files: Sequence[Any]) -> dict[str, float]:
    """Which of an account's ``files`` (its files of the portfolio) are Strategy Tester reports that state their
    fixed spread: path -> points (printed.extra)."""
    out = {}
    for f in files:
        st = f.statement
        points = st.printed.extra.get("spread_points") if st.is_backtest else None
        if isinstance(points, (int, float)) and np.isfinite(points) and points >= 0:
            out[st.path] = float(points)
    return out


#: Maps a one-account function over jobs, in their order: the builtin ``map``, or worker processes
#: (fxcost.parallel_analysis, issue 14: an IB's book of hundreds of accounts costed on every core).
AccountMap = Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]]


@dataclass
class AccountJob:
    """What costing one account needs besides the settings; picklable, so a worker process can cost it.

    ``book`` carries the trades and cash only (its orders and open positions stay behind, see :func:`_slim`);
    ``tester``: its Strategy Tester files' fixed spreads (:func:`tester_spreads`); ``backtests``: its files that are
    Strategy Tester reports, in the portfolio's order; ``settle``: also price payouts here (no pooled tiers).
    """

    book: AccountBook
    tester: dict[str, float]
    backtests: tuple[str, ...]
    settle: bool


@dataclass
class CostedAccount:
    """One account's analysis and the warnings it gave: ``loud`` (understated costs, listed first), ``warnings``,
    then ``payout_warnings`` (listed after every account's other warnings)."""

    analysis: AccountAnalysis
    warnings: list[str]
    loud: list[str]
    payout_warnings: list[str] = field(default_factory=list)


def account_jobs(portfolio: Portfolio, pools: bool) -> list[AccountJob]:
    """The :class:`AccountJob` of each of ``portfolio``'s accounts, in order; ``pools``: the main program's tiers
    count every account's volume together (rebates.pools_tiers), so payouts are priced in a second pass."""
    # Each book's files found in one pass (issue 14: a pass over the portfolio's files per book is quadratic).
    files: dict[str, list[Any]] = {}
    for f in portfolio.files:
        files.setdefault(f.account_key, []).append(f)
    return [AccountJob(book=_slim(book), tester=tester_spreads(files.get(book.key, [])),
                       backtests=tuple(_backtest_paths(files.get(book.key, []))), settle=not pools)
            for book in portfolio.accounts]


@paused()
def analyse(portfolio: Portfolio, settings: AnalysisSettings | None = None, *,
            map_accounts: AccountMap | None = None) -> AnalysisResult:
    """Cost every closed trade of every account under ``settings``.

    Accounts are costed one by one, independently until their tiers are pooled; ``map_accounts`` runs that
    per-account work (default: here, in order; fxcost.parallel_analysis: in worker processes). The result is the
    same either way.
    """
    from fxcost.analysis import rebates

    settings = settings or AnalysisSettings()
    program = settings.main_program
    # IB tiers that count every account's volume together re-price each account once all are costed.
    pools = rebates.pools_tiers(program, sum(1 for b in portfolio.accounts if len(b.trades)))
    jobs = account_jobs(portfolio, pools)
    costed: list[CostedAccount] = []
    accounts: list[AccountAnalysis] = []
    warnings: list[str] = []
    loud: list[str] = []
    for book, done in zip(portfolio.accounts, _cost_jobs(jobs, settings, map_accounts)):
        costed.append(done)
        done.analysis.book = book  # the caller's own book: the job carried a slim copy
        accounts.append(done.analysis)
        warnings += done.warnings
        loud += done.loud
    if program is not None and pools:
        # Every account was just priced under ``program``: its eligibility is read, not recomputed.
        pooled = rebates.pooled_volume([(a.trades, a.currency) for a in accounts], program, priced=True)
        # Taken as they come: each account's frame before re-pricing is let go as its new one arrives.
        settled = _settle_jobs([_settle_job(a) for a in accounts], program, pooled, map_accounts)
        for a, paid in zip(accounts, settled):
            warnings += _settled(a, paid)
    else:
        for done in costed:
            warnings += done.payout_warnings
    warnings += _unmatched_rules(settings.main_program, accounts)
    from fxcost.analysis.ib import unknown_client_warnings  # issue 14: a mistyped login in the IB's deal

    warnings += unknown_client_warnings(settings.main_program, {x for a in accounts
                                                                for x in (a.book.label, a.book.account.login)})
    currencies = {a.currency for a in accounts}
    if len(currencies) <= 1:
        currency = currencies.pop() if currencies else "USD"
        frames = [a.trades for a in accounts if len(a.trades)]
        merged = pd.concat(frames, ignore_index=True) if frames else _empty(settings)
        in_order = _share_rows(accounts, merged)
    else:
        currency, in_order = "USD", False
        merged = pd.concat([_to_usd(a.trades) for a in accounts if len(a.trades)], ignore_index=True)
        rates = ", ".join(sorted({f"1 {a.currency} = {a.usd_rate:.6g} USD" for a in accounts if a.currency != "USD"}))
        warnings.append(
            f"Accounts in {', '.join(sorted(currencies))}: merged figures (totals, costs, break-even...) are "
            f"converted to USD ({rates}); per-account figures stay in each account's currency."
        )
    result = AnalysisResult(portfolio=portfolio, settings=settings, accounts=accounts, trades=merged,
                            currency=currency, warnings=loud + warnings, rows_in_order=in_order)
    if settings.period is not None:  # issue 15: costed over the whole history, then cut to the period
        from fxcost.analysis.period import restrict

        result = restrict(result, settings.period)
    return result


def same_dtype(a: Any, b: Any) -> bool:
    """Whether two columns' dtypes are the same, a categorical's categories in their order included (pandas calls
    two categoricals of the same categories equal whatever their order, which changes their codes)."""
    if isinstance(a, pd.CategoricalDtype) or isinstance(b, pd.CategoricalDtype):
        return (isinstance(a, pd.CategoricalDtype) and isinstance(b, pd.CategoricalDtype) and a.ordered == b.ordered
                and a.categories is not None and b.categories is not None and a.categories.equals(b.categories)
                and a.categories.dtype == b.categories.dtype)
    return bool(a == b)


def _share_rows(accounts: list[AccountAnalysis], merged: pd.DataFrame) -> bool:
    """Each account's costed trades as its rows of ``merged`` (the same values, columns, dtypes and index from 0),
    so a book's trades are held once, not once per account and once merged (issue 14: a 500-client book's costed
    trades twice over); an account whose frame the merge would change (other columns or dtypes) keeps its own.
    True when every account's frame is its rows (AnalysisResult.rows_in_order)."""
    start, shared = 0, True
    columns, dtypes = list(merged.columns), list(merged.dtypes)  # read once, not per account
    for a in accounts:
        own, n = a.trades, len(a.trades)
        if not n:
            continue
        if (own.index.equals(pd.RangeIndex(n)) and list(own.columns) == columns
                and all(same_dtype(x, y) for x, y in zip(own.dtypes, dtypes))):
            a.trades = row_range(merged, start, start + n)  # a view of merged's rows (copy-on-write)
        else:
            shared = False
        start += n
    return shared and start == len(merged)


#: Accounts per piece of the book a worker process costs (fxcost.analysis.batch within it): a few pieces per worker,
#: each big enough to batch.
ACCOUNTS_PER_PIECE = 64


def _cost_jobs(jobs: Sequence[AccountJob], settings: AnalysisSettings,
               map_accounts: AccountMap | None) -> Iterable[CostedAccount]:
    """:func:`cost_account` of every job, in order: accounts that share their settings costed as one frame
    (fxcost.analysis.batch, issue 14); with ``map_accounts``, the book in consecutive pieces mapped with it."""
    from fxcost.analysis import batch

    if map_accounts is None:
        return batch.cost_accounts(jobs, settings)
    return (done for piece in map_accounts(functools.partial(batch.cost_accounts, settings=settings), _pieces(jobs))
            for done in piece)


def _settle_jobs(jobs: Sequence[SettleJob], program: RebateProgram, pooled: pd.Series | None,
                 map_accounts: AccountMap | None) -> Iterable[Settled]:
    """:func:`settle_account` of every job, in order, batched as :func:`_cost_jobs` costs them (issue 14)."""
    from fxcost.analysis import batch

    if map_accounts is None:
        return batch.settle_accounts(jobs, program, pooled)
    return (done for piece in map_accounts(functools.partial(batch.settle_accounts, program=program, pooled=pooled),
                                           _pieces(jobs)) for done in piece)


def _pieces(jobs: Sequence[Any]) -> list[list[Any]]:
    """The jobs in consecutive pieces of :data:`ACCOUNTS_PER_PIECE`, each a worker's task."""
    return [list(jobs[i:i + ACCOUNTS_PER_PIECE]) for i in range(0, len(jobs), ACCOUNTS_PER_PIECE)]


def cost_account(job: AccountJob, settings: AnalysisSettings) -> CostedAccount:
    """Cost one account (:func:`costed_trades` with its profile, offset, tester spreads and own fills) and, when
    ``job.settle``, its payouts; runs in a worker process for a big book, so it reads nothing but its arguments."""
    return cost_prepared(job, settings, prepare(job, settings))


@dataclass
class Prepared:
    """What costing one account takes besides its trades and the settings (:func:`prepare`): its currency, UTC
    offset, spread profile (auto: the one chosen, and why), tester spreads, the rows whose fills may be paired, and
    the warnings so far. fxcost.analysis.batch groups accounts whose costing reads the same (issue 14)."""

    currency: str
    offset: float
    profile: SpreadProfile
    reason: str
    points: dict[str, float]
    fills: np.ndarray | None  # None: not read yet (:func:`fills_of`)
    warnings: list[str]
    clock: tuple[str | float, str] | None = None  # the time-of-day clock and why, once found (shape_clock_and_why)


#: A currency code standing alone in a server name: not inside a longer capitalised word ("FXCM-EURDemo01" names EUR,
#: "EURONEXT" none) nor the start of a word ("HKDemo", "SGDirect": no HKD, SGD).
_SERVER_CURRENCY = re.compile(r"(?<![A-Z])([A-Z]{3})(?![a-z])(?![A-Z](?![a-z]))")
#: Metals have a rate but are no account's currency ("XAUMarkets-Live").
_NOT_ACCOUNT_CURRENCIES = frozenset({"XAU", "XAG", "XPT", "XPD"})


def server_currency(server: str) -> str:
    """The one account currency a server's name names (MetaTrader has none print it in a tester report, but brokers
    name servers by it: FXCM-EURDemo01), else ""."""
    found = {code for code in _SERVER_CURRENCY.findall(server or "")
             if (code in instruments.DEFAULT_USD_RATES or code in instruments.CENT)
             and code not in _NOT_ACCOUNT_CURRENCIES}
    return found.pop() if len(found) == 1 else ""


def prepare(job: AccountJob, settings: AnalysisSettings, *, fills: bool = True) -> Prepared:
    """The :class:`Prepared` of one account; ``fills``: also which rows' fills may be paired (a batch finds them for
    all its accounts at once)."""
    book = job.book
    warnings: list[str] = []
    currency = book.account.currency or "USD"
    if not book.account.currency and book.account.source_format != "csv":  # a CSV's import already says so
        hint = server_currency(book.account.server)
        warnings.append(f"Account {book.label}: the report prints no currency; USD is assumed." + (
            f" Its server {book.account.server} names {hint}: if the account is in {hint}, say so (report "
            f"--currency {hint}; in the app, the file's \"Set the account currency…\" in the Import panel)."
            if hint and hint != "USD" else ""))
    major = instruments.CENT.get(currency.upper(), (currency.upper(), 1.0))[0]
    if major not in instruments.DEFAULT_USD_RATES and major != "USD":
        warnings.append(f"Account {book.label}: its currency {currency} is not one fxcost can convert; where "
                        "amounts are converted to USD (merged totals, cost per million), its trades' own "
                        "price moves give the rate, else 1 is assumed. Check the currency the file gives.")
    offset = settings.utc_offsets.get(book.label, settings.server_utc_offset)
    profile, reason = settings.profile, ""
    if isinstance(profile, AutoProfile):
        profile, reason = profile.choose(book.trades, book.account)
    tester = job.tester
    points = dict(tester)
    if tester and set(tester) == set(book.files) and len(set(tester.values())) == 1:
        points["*"] = next(iter(tester.values()))  # one backtest: also its rows without a source file
    return Prepared(currency, offset, profile, reason, points, fills_of(job) if fills else None, warnings)


def fills_of(job: AccountJob) -> np.ndarray:
    """The rows of an account whose same-second fills may be paired (observed_spreads.usable)."""
    book = job.book
    fills = observed_spreads.usable(book.trades, set(job.backtests))
    if book.is_backtest and "source" not in book.trades.columns:
        fills[:] = False
    return fills


def cost_prepared(job: AccountJob, settings: AnalysisSettings, prep: Prepared) -> CostedAccount:
    """:func:`cost_account` of a prepared account."""
    book = job.book
    table: list[pd.DataFrame] = []
    t = costed_trades(book.trades, prep.currency, settings, utc_offset=prep.offset, profile=prep.profile,
                      tester_points=prep.points, fills=prep.fills if prep.fills is not None else fills_of(job),
                      spread_table=table)
    return costed_account(job, settings, prep, t, table[0].assign(account=book.label) if table else None)


@dataclass
class Facts:
    """What :func:`costed_account` reads of an account's costed trades, found for a batch of accounts at once
    (fxcost.analysis.batch, issue 14): the USD rate, whether a spread is the profile's, how many trades have a
    default M, whether any has no spread at all."""

    usd_rate: float
    uses_profile: bool
    defaults: int
    no_spread: bool


def costed_account(job: AccountJob, settings: AnalysisSettings, prep: Prepared, t: pd.DataFrame,
                   spreads: pd.DataFrame | None, settle: bool = True, facts: Facts | None = None) -> CostedAccount:
    """One account's analysis and warnings from its costed trades ``t`` and ``spreads`` (the spread table of
    :func:`costed_trades` with the account's label, or fxcost.analysis.batch's share of a batch), its payouts priced
    when ``job.settle`` (and ``settle``: the batch prices a batch's payouts together, then puts them in with
    :func:`_settled`); ``facts``: :class:`Facts` of ``t`` when known."""
    book = job.book
    warnings = list(prep.warnings)
    currency, profile, reason, tester = prep.currency, prep.profile, prep.reason, job.tester
    # The spread table passed in, not set after: the default (an empty frame) costs a frame per account.
    own: dict[str, Any] = {"spreads": spreads} if spreads is not None else {}
    analysis = AccountAnalysis(book=book, currency=currency, trades=t,
                               leverage=settings.leverage or book.account.leverage,
                               usd_rate=facts.usd_rate if facts else _usd_rate(t, currency), profile=profile,
                               profile_reason=reason, tester_spread_points=tester, **own)
    if reason and len(t) and not (facts.uses_profile if facts else _uses_profile(t)):
        analysis.profile_reason = ""  # every spread is measured or the tester's: no profile was used
    entry = getattr(profile, "catalogue_entry", None)
    analysis.catalogue = entry.name if entry is not None else ""
    if settings.time_of_day and len(t):
        clock, why = prep.clock or shape_clock_and_why(settings, prep.offset, t, profile)
        analysis.time_of_day_clock = f"{clock_text(clock)} ({why})"
    analysis.received_rebate, analysis.received_rebate_rows = _received_rebate(book.cash)
    loud, analysis.no_spread = (_spread_warnings(book.label, t, profile) if facts is None or facts.no_spread
                                else ([], {}))
    warnings += _backtest_warnings(book, job.backtests, t, profile, tester)
    defaults = facts.defaults if facts else (t["m_source"] == "default").sum()
    if defaults:
        roots = ", ".join(sorted(set(t.loc[t["m_source"] == "default", "symbol_root"])))
        warnings.append(
            f"Account {book.label}: {defaults} trade(s) of {roots} have no price move and Profit that give their "
            "money value per point (too small to be exact at the cent, no move, or a Profit of the other sign), and "
            "no other trade of the symbol gives it; a default contract size and conversion rate is assumed (set the "
            "contract size to be exact)."
        )
    done = CostedAccount(analysis, warnings, loud)
    if settle and job.settle and settings.main_program is not None:
        done.payout_warnings = _settled(analysis, settle_account(_settle_job(analysis), settings.main_program))
    # Sent back without its book: the caller puts its own back (analyse), and one shared stand-in pickles once.
    analysis.book = _detached_book()
    return done


@dataclass
class SettleJob:
    """What pricing one account's payouts needs: its costed trades, its statement's cash rows and when the
    statement ends; picklable, so a worker process can settle it."""

    label: str
    currency: str
    trades: pd.DataFrame
    cash: pd.DataFrame
    statement_end: pd.Timestamp | None


@dataclass
class Settled:
    """One account's trades re-priced on pooled tiers (else as they were), its payouts, their match with the
    statement and the warnings they gave."""

    trades: pd.DataFrame
    payouts: pd.DataFrame | None = None
    matches: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)


def settle_account(job: SettleJob, program: RebateProgram, pooled: pd.Series | None = None) -> Settled:
    """An account priced under ``program``: its rebate re-priced on the book's ``pooled`` tier volume (when the
    tiers count every account together, rebates.pooled_volume), its expected payouts and their match with the
    statement's rebate rows (runs in a worker process for a big book)."""
    from fxcost.analysis import rebates

    t = job.trades.copy(deep=False)  # the job's frame is left as it was (copy-on-write copies what changes)
    if not len(t):
        return Settled(t)
    if pooled is not None:
        # rebates.assign then costs.finish, but only the columns the book's tiers changed are written (issue 14:
        # eligibility, rules and the costs before rebate stay as they were, and a column written costs more than
        # a comparison).
        priced = rebates.rebate_columns(t, rebates.apply(t, program, job.currency, pooled_volume=pooled), program)
        finished = costs.finish_columns({c: priced[c] if c in priced else t[c].to_numpy()
                                         for c in costs.FINISH_INPUTS})
        for col, value in {**priced, **finished}.items():
            if not _unchanged(t[col], value):
                t[col] = value
    paid = rebates.payouts(t, t["rebate"].to_numpy(), program)
    matches = rebates.match_payouts(paid, job.cash, statement_end=job.statement_end)
    return Settled(t, paid, matches, _payout_warnings(job.label, job.currency, program, matches)
                   + _cap_warnings(job.label, job.currency, t, program))


def _unchanged(column: pd.Series, value: Any) -> bool:
    """Whether ``column[:] = value`` would leave ``column`` as it is: the same dtype and the same bits (floats and
    booleans), or the same text in a text column."""
    if not isinstance(value, np.ndarray) or len(value) != len(column):
        return False
    if value.dtype.kind in "fb":
        return column.dtype == value.dtype and column.to_numpy().tobytes() == value.tobytes()
    if value.dtype == object and column.dtype == "str":  # equal to every (non-missing) text: text itself
        return bool((column.to_numpy(dtype=object) == value).all())
    return False


def _settle_job(a: AccountAnalysis) -> SettleJob:
    return SettleJob(a.book.label, a.currency, a.trades, a.book.cash, _statement_end(a.book))


def _settled(a: AccountAnalysis, done: Settled) -> list[str]:
    """Put an account's settlement in its analysis; its warnings."""
    a.trades, a.payouts, a.payout_matches = done.trades, done.payouts, done.matches
    return done.warnings


@functools.cache
def _detached_book() -> AccountBook:
    """The stand-in book of a costed account on its way back to :func:`analyse`: no frames to pickle."""
    from fxcost import model

    return AccountBook(key="", account=model.Account(), files=[], trades=model.trades_frame(),
                       open_positions=model.open_frame(), orders=model.orders_frame(), cash=model.cash_frame())


def _slim(book: AccountBook) -> AccountBook:
    """``book`` with what costing reads (trades, cash, the account, its files), not its orders and open positions:
    the job a worker process is sent."""
    return replace(book, orders=book.orders.iloc[:0], open_positions=book.open_positions.iloc[:0])


def _cap_warnings(label: str, currency: str, t: pd.DataFrame, program: RebateProgram) -> list[str]:
    """Say when the program's cap at a share of the spread cut rebates: the cap is applied to fxcost's spread
    estimate, and on a tight-spread (Raw/ECN) account it can take much of a per-lot rebate."""
    cap = program.eligibility.cap_pct_of_spread
    taken: np.ndarray | list[float]
    taken = t["capped_rebate"].to_numpy(dtype=float) if "capped_rebate" in t.columns else []
    hit = int((np.asarray(taken) > 1e-9).sum())
    if cap is None or not hit:
        return []
    # Each distinct source label read once (issue 14), as ``.astype(str).str.startswith`` reads every trade's.
    labels = pd.unique(t["spread_source"].to_numpy(dtype=object))
    measured = all(str(x).startswith("measured") for x in labels)
    return [f"Account {label}: \"{program.name}\" caps a trade's rebate at {cap:g}% of its spread; that cut "
            f"{hit} trade(s) by {float(np.sum(taken)):,.2f} {currency} in all. The spread is "
            f"{'measured' if measured else 'estimated'}"
            ": check the program's terms, or measure spreads (Add bars/ticks) if the estimate is off."]


def _statement_end(book: AccountBook) -> pd.Timestamp | None:
    """The last time an account's statements cover: the report time when printed, else the last trade or cash row."""
    if book.account.report_time is not None:
        return pd.Timestamp(book.account.report_time)
    times = [f[c].max() for f, c in ((book.trades, "close_time"), (book.cash, "time")) if len(f)]
    times = [t for t in times if pd.notna(t)]
    return max(times) if times else None


def _usd_rate(t: pd.DataFrame, currency: str) -> float:
    """USD per unit of the account currency: the rate its trades were costed with, else the dated default."""
    if len(t):
        return float(t["usd_rate"].iloc[0])
    major, factor = instruments.CENT.get(currency.upper(), (currency.upper(), 1.0))
    return 1.0 if major == "USD" and factor == 1.0 else instruments.DEFAULT_USD_RATES.get(major, 1.0) * factor


def _uses_profile(t: pd.DataFrame) -> bool:
    """Whether any trade's spread comes from the profile (not measured, not a tester's fixed spread)."""
    labels = pd.unique(t["spread_source"].astype(str).to_numpy(dtype=object))
    return any(not (x.startswith("measured") or x.startswith("tester:")) for x in labels)


def _spread_warnings(label: str, t: pd.DataFrame, profile: SpreadProfile) -> tuple[list[str], dict[str, int]]:
    """A loud warning when the profile leaves trades without any spread (they are costed at 0, understating the
    cost): which symbols (with the printed names and category), how many trades, and what to do; and the
    count per symbol root."""
    from fxcost.analysis.spreads import missing_spread_by_root

    by_root = missing_spread_by_root(t, t["spread_source"].to_numpy()) if len(t) else {}
    if not by_root:
        return [], {}
    n = sum(by_root.values())
    roots = pd.Series(np.asarray(t["symbol_root"], dtype=object)).astype(str).to_numpy()
    printed = pd.Series(np.asarray(t["symbol"], dtype=object)).astype(str).to_numpy() if "symbol" in t else roots
    cats = pd.Series(np.asarray(t["category"], dtype=object)).astype(str).to_numpy()
    parts = []
    for root, count in by_root.items():
        mask = roots == root
        names = sorted({p for p in pd.unique(printed[mask]) if p != root})
        as_printed = f", printed {', '.join(names)}" if names else ""
        parts.append(f"{root} ({count} trade(s), category {cats[mask][0]}{as_printed})")
    return [f"Account {label}: {n} of {len(t)} trade(s) are costed with no spread at all (spread cost 0), so the "
            f"costs are understated: {'; '.join(parts)}. The profile \"{profile.name}\" lists neither these symbols nor "
            "their category. Add each symbol (as named here) or its category to the spread profile (setup panel: "
            "Spreads > Edit…; command line: a profile file for --spread-profile)."], by_root


def _backtest_warnings(book: AccountBook, backtests: Sequence[str], t: pd.DataFrame, profile: SpreadProfile,
                       tester: dict[str, float]) -> list[str]:
    """A warning per Strategy Tester report of ``book`` (``backtests``: their paths) that states no fixed spread (an
    MT5 tester report never does): its simulated trades are costed with the profile's typical live spreads, not the
    tester's own."""
    out = []
    for path in backtests:
        if path in tester:
            continue
        n = int((t["source"].astype(str) == path).sum()) if "source" in t.columns and len(t) else len(t)
        if not n and "source" in t.columns and len(t) and len(book.files) == 1:
            n = len(t)  # a single backtest whose rows name no source
        out.append(f"{os.path.basename(path)} is a Strategy Tester backtest (simulated trades, not account "
                   f"history) and does not state the spread it was run with: its {n} trade(s) are costed with the "
                   f"typical live spreads of \"{profile.name}\", which may differ from the tester's; the tester's "
                   "commission and swap are taken as reported.")
    return out


def _received_rebate(cash: pd.DataFrame | None) -> tuple[float, int]:
    """Σ and count of a statement's rebate-like cash rows (``kind == "rebate"``)."""
    if cash is None or not len(cash) or "kind" not in cash.columns:
        return 0.0, 0
    # In arrays (issue 14); np.nansum adds as pandas' sum does (NaN as 0).
    rows = cash["amount"].to_numpy(dtype="float64")[cash["kind"].to_numpy(dtype=object) == "rebate"]
    return round(float(np.nansum(rows)), 2), int(len(rows))


def _payout_warnings(label: str, currency: str, program: RebateProgram, matches: pd.DataFrame | None) -> list[str]:
    """A warning when matched statement payouts differ from the program's expected ones beyond the tolerance
    (rebates.match_payouts' ``amount_check``)."""
    if matches is None or not len(matches) or "amount_check" not in matches.columns:
        return []
    out = []
    checks = matches["amount_check"].to_numpy()
    for check, word in (("underpaid", "less"), ("overpaid", "more")):
        hit = checks == check
        if not hit.any():  # mostly none: no frame is cut (issue 14, 500 accounts)
            continue
        # In arrays, not a frame cut with .loc (issue 14): the worst is the first largest |difference_pct|.
        pct = matches["difference_pct"].to_numpy(dtype="float64")[hit]
        if np.isnan(pct).all() or not isinstance(matches.index, pd.RangeIndex):
            rows = matches.loc[hit]  # what pandas' idxmax makes of it (all NaN, or an index of its own)
            worst_row = rows.loc[rows["difference_pct"].abs().idxmax()]
            worst = {c: worst_row[c] for c in ("actual", "time", "expected", "difference_pct")}
        else:
            at = int(np.flatnonzero(hit)[np.nanargmax(np.abs(pct))])
            worst = {c: matches[c].to_numpy()[at] for c in ("actual", "time", "expected", "difference_pct")}
        n = int(hit.sum())
        # np.nansum adds as pandas' Series.sum does (NaN as 0, then a numpy sum).
        expected = float(np.nansum(matches["expected"].to_numpy(dtype="float64")[hit]))
        actual = float(np.nansum(matches["actual"].to_numpy(dtype="float64")[hit]))
        out.append(
            f"Account {label}: {n} payout(s) of the statement are {check} against the program "
            f"\"{program.name}\": {actual:,.2f} {currency} received where {expected:,.2f} was expected "
            f"({actual - expected:+,.2f}, {(actual - expected) / expected:+.0%}). Worst: "
            f"{float(worst['actual']):,.2f} paid on {pd.Timestamp(worst['time']):%Y-%m-%d} for "
            f"{float(worst['expected']):,.2f} expected ({float(worst['difference_pct']):+.0f}%). The provider paid "
            f"{word} than this program's rules give: check the program's rates, tiers and eligibility"
            + (", or claim the difference." if check == "underpaid" else " (the program chosen may not be the one "
               "the provider applies).")
        )
    return out


def _unmatched_rules(program: RebateProgram | None, accounts: list[AccountAnalysis]) -> list[str]:
    """A warning per rate rule of the main program that names symbols or accounts and matched no trade
    (a misspelt symbol or login); rules by category alone may well match nothing in one history."""
    if program is None:
        return []
    frames = [a.trades for a in accounts if len(a.trades)]
    if not frames:
        return []
    used: set[str] = set()
    for t in frames:
        used.update(str(x) for x in pd.unique(t["rebate_rule"].astype(str).to_numpy(dtype=object)))
    out = []
    for i, rule in enumerate(program.rates):
        if rule.label(i) in used or not (rule.symbols or rule.accounts):
            continue
        what = "; ".join(f"{k} {', '.join(v)}" for k, v in (("symbols", rule.symbols), ("categories", rule.categories),
                                                         ("accounts", rule.accounts)) if v)
        out.append(f"Rebate program \"{program.name}\": rule {rule.label(i)} ({what}) matches no trade; "
                   "check the symbol names (an earlier rule may also take all its trades).")
    return out


#: Money columns converted when accounts in different currencies are merged.
MONEY = ("commission", "taxes", "swap", "profit", "spread_cost", "mid_pnl", "broker_net", "transaction_cost",
         "rebate", "net_after_rebate", "net_transaction_cost", "pip_value", "m", "forfeited_rebate", "ib_earnings", "capped_rebate")


def _to_usd(t: pd.DataFrame) -> pd.DataFrame:
    t = t.copy()
    rate = t["usd_rate"].to_numpy()
    for col in MONEY:
        if col in t.columns:
            t[col] = t[col].to_numpy() * rate
    t["usd_rate"] = 1.0
    return t


def _empty(settings: AnalysisSettings) -> pd.DataFrame:
    from fxcost import model

    return costed_trades(model.trades_frame(), "USD", settings, use_program=False)
