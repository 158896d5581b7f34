"""The cost engine's front door: a Portfolio and settings in, a read-only AnalysisResult out.

Per account: instruments and M, the spread per trade (measured where market data covers
the trade, else the spread profile), the cost decomposition, the main rebate program with
eligibility and payouts, then the comparisons. Everything here is Qt-free and vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fxcost.analysis import codes, costs, instruments
from fxcost.analysis.costs import CommissionSchedule
from fxcost.analysis.instruments import InstrumentSettings
from fxcost.analysis.spreads import SpreadProfile, load_profile
from fxcost.portfolio import AccountBook, Portfolio


@dataclass
class Setup:
    """One way of trading the same history: a spread profile, a commission schedule, a rebate program."""

    name: str
    profile: SpreadProfile | None = None  # None: the analysis' own spreads
    commission: CommissionSchedule | None = None  # None: the exported commission
    program: object | None = None  # programs.RebateProgram; None: no rebate


@dataclass
class AnalysisSettings:
    """Everything the user chooses; defaults give a full analysis with no input at all."""

    profile: SpreadProfile = field(default_factory=lambda: load_profile("standard"))
    programs: list = field(default_factory=list)  # programs.RebateProgram; the first is the main one
    commission: CommissionSchedule | None = None  # for exports without commission
    server_utc_offset: float = 0.0  # hours, default for every account
    utc_offsets: dict[str, float] = field(default_factory=dict)  # account label -> hours
    leverage: int | None = None  # overrides the printed leverage
    instruments: InstrumentSettings = field(default_factory=InstrumentSettings)
    market_data: list = field(default_factory=list)  # market_data.MarketData
    setups: list[Setup] = field(default_factory=list)  # extra comparisons (profiles x schedules x programs)
    include_swap_in_cost: bool = False

    @property
    def main_program(self):
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


@dataclass
class AnalysisResult:
    """Read-only result that crosses from the worker thread to the UI, the CLI and the report."""

    portfolio: Portfolio
    settings: AnalysisSettings
    accounts: list[AccountAnalysis]
    trades: pd.DataFrame  # all accounts' costed trades
    currency: str  # currency of the merged figures ("USD" when accounts differ)
    warnings: list[str] = field(default_factory=list)


def costed_trades(
    trades: pd.DataFrame,
    currency: str,
    settings: AnalysisSettings,
    *,
    utc_offset: float = 0.0,
    profile: SpreadProfile | None = None,
    commission: CommissionSchedule | None = None,
    program=None,
    use_program: bool = True,
) -> pd.DataFrame:
    """One account's trades with every cost column and the rebate of ``program`` (default: the main one)."""
    profile = profile or settings.profile
    trades = instruments.apply_aliases(trades, settings.instruments.aliases)
    original = trades
    trades = codes.as_categories(trades)  # the string keys are hashed once here, not in every step
    classes = instruments.classify(trades, settings.instruments)
    frame = trades.assign(**{c: classes[c].array for c in classes.columns})
    spread, source = profile.spread_price(frame)
    if settings.market_data and len(trades):
        from fxcost.analysis.measured import measured_spreads

        measured, label = measured_spreads(frame, settings.market_data, utc_offset)
        have = np.isfinite(measured)
        spread = np.where(have, measured, spread)
        source = np.where(have, label, source)
    t = costs.decompose(trades, currency, spread, source, instrument_settings=settings.instruments,
                        commission=commission or settings.commission, classes=classes)
    program = settings.main_program if (program is None and use_program) else program
    if program is not None and len(t):
        from fxcost.analysis import rebates

        result = rebates.apply(t, program, currency)
        t["rebate"] = result.rebate
        t["eligible"] = result.eligible
        t["excluded_reason"] = result.reason
        t["rebate_rule"] = result.rule
        t["forfeited_rebate"] = result.forfeited  # what an excluded trade would have earned
        t = costs.finish(t)
    else:  # decompose already finished the frame with rebate 0
        t["eligible"] = True
        t["excluded_reason"] = ""
        t["rebate_rule"] = ""
        t["forfeited_rebate"] = 0.0
    for col in codes.KEY_COLUMNS:  # the caller's own string columns back, rows are in the same order
        if col in original.columns:
            t[col] = original[col]  # a Series keeps its dtype (an object array would turn into str)
    return codes.as_objects(t, ("category",))


def analyse(portfolio: Portfolio, settings: AnalysisSettings | None = None) -> AnalysisResult:
    """Cost every closed trade of every account under ``settings``."""
    settings = settings or AnalysisSettings()
    accounts: list[AccountAnalysis] = []
    warnings: list[str] = []
    for book in portfolio.accounts:
        currency = book.account.currency or "USD"
        if not book.account.currency:
            warnings.append(f"Account {book.label}: the report prints no currency; USD is assumed.")
        offset = settings.utc_offsets.get(book.label, settings.server_utc_offset)
        t = costed_trades(book.trades, currency, settings, utc_offset=offset)
        analysis = AccountAnalysis(book=book, currency=currency, trades=t,
                                   leverage=settings.leverage or book.account.leverage)
        program = settings.main_program
        if program is not None and len(t):
            from fxcost.analysis import rebates

            analysis.payouts = rebates.payouts(t, t["rebate"].to_numpy(), program)
            analysis.payout_matches = rebates.match_payouts(analysis.payouts, book.cash)
        defaults = (t["m_source"] == "default").sum()
        if defaults:
            roots = ", ".join(sorted(set(t.loc[t["m_source"] == "default", "symbol_root"])))
            warnings.append(
                f"Account {book.label}: {defaults} trade(s) of {roots} have no usable price move to derive their "
                "money value per point; a default contract size and conversion rate is assumed (set the contract "
                "size to be exact)."
            )
        accounts.append(analysis)
    currencies = {a.currency for a in accounts}
    if len(currencies) <= 1:
        currency = currencies.pop() if currencies else "USD"
        frames = [a.trades for a in accounts if len(a.trades)]
        merged = pd.concat(frames, ignore_index=True) if frames else _empty(settings)
    else:
        currency = "USD"
        merged = pd.concat([_to_usd(a.trades) for a in accounts if len(a.trades)], ignore_index=True)
        warnings.append(
            f"Accounts in {', '.join(sorted(currencies))}: merged figures are converted to USD; "
            "per-account figures stay in each account's currency."
        )
    return AnalysisResult(portfolio=portfolio, settings=settings, accounts=accounts, trades=merged,
                          currency=currency, warnings=warnings)


#: Money columns converted when accounts in different currencies are merged.
MONEY = ("commission", "taxes", "swap", "profit", "spread_cost", "mid_pnl", "broker_net", "transaction_cost",
         "rebate", "net_after_rebate", "net_transaction_cost", "pip_value", "m", "forfeited_rebate")


def _to_usd(t: pd.DataFrame) -> pd.DataFrame:
    t = t.copy()
    rate = t["usd_rate"].to_numpy()
    for col in MONEY:
        t[col] = t[col].to_numpy() * rate
    t["usd_rate"] = 1.0
    return t


def _empty(settings: AnalysisSettings) -> pd.DataFrame:
    from fxcost import model

    return costed_trades(model.trades_frame(), "USD", settings, use_program=False)
