"""What-if: the same history re-priced under other setups, sensitivity sweeps, and a cashback projection.

Re-pricing keeps what the market did (the mid-price P&L) and changes only what the trader
pays: Profit' = mid_pnl - spread_cost' (spread from the other profile), commission' from the
other schedule (or the exported one), rebate' from the other program.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fxcost.analysis import costs
from fxcost.analysis.engine import AnalysisResult, Setup, costed_trades


@dataclass
class Outcome:
    """Totals of one setup over the whole history (merged currency)."""

    name: str
    profile: str
    commission: str
    program: str
    trades: int
    lots: float
    spread_cost: float
    commission_total: float
    rebate: float
    broker_net: float
    net_after_rebate: float
    transaction_cost: float
    net_transaction_cost: float
    cost_pips_per_lot_before: float | None
    cost_pips_per_lot_after: float | None

    def as_json(self) -> dict:
        out = {}
        for k, v in self.__dict__.items():
            out[k] = round(float(v), 2) if isinstance(v, (float, np.floating)) and np.isfinite(v) else v
        return out


def reprice(result: AnalysisResult, setup: Setup) -> pd.DataFrame:
    """All accounts' trades re-priced under ``setup`` (one costed frame)."""
    frames = []
    base_by_account = {a.book.label: a for a in result.accounts}
    for label, analysis in base_by_account.items():
        base = analysis.trades
        if not len(base):
            continue
        book = analysis.book
        offset = result.settings.utc_offsets.get(label, result.settings.server_utc_offset)
        profile = setup.profile or result.settings.profile
        other = costed_trades(book.trades, analysis.currency, result.settings, utc_offset=offset,
                              profile=profile, program=setup.program, use_program=setup.program is not None,
                              commission=None)
        if setup.profile is None:
            other_spread = base["spread_cost"].to_numpy()
        else:
            other_spread = other["spread_cost"].to_numpy()
        # Same market, other price: Profit' = mid_pnl - spread'.
        other["spread_cost"] = other_spread
        other["profit"] = base["mid_pnl"].to_numpy() - other_spread
        other["mid_pnl"] = base["mid_pnl"].to_numpy()
        if setup.commission is not None:
            schedule = costs.CommissionSchedule(**{**setup.commission.as_dict(), "apply": "always"})
            to_account = costs.account_per_unit(analysis.currency, schedule.currency, float(base["usd_rate"].iloc[0]))
            other["commission"] = costs.schedule_commission(other, schedule, to_account)
        else:
            other["commission"] = base["commission"].to_numpy()
        other["broker_net"] = other["profit"] + other["commission"] + other["taxes"] + other["swap"]
        other["transaction_cost"] = other["spread_cost"] - other["commission"] - other["taxes"]
        if setup.program is not None:
            from fxcost.analysis import rebates

            res = rebates.apply(other, setup.program, analysis.currency)
            other["rebate"] = res.rebate
        else:
            other["rebate"] = 0.0
        frames.append(costs.finish(other))
    if not frames:
        return result.trades.iloc[0:0]
    return pd.concat(frames, ignore_index=True)


def outcome(name: str, t: pd.DataFrame, setup: Setup | None = None, base_profile: str = "") -> Outcome:
    lot_pips = float((t["lots"] * t["pip_value"]).where(np.isfinite(t["pip_value"])).sum())
    tc = float(t["transaction_cost"].sum())
    ntc = float(t["net_transaction_cost"].sum())
    return Outcome(
        name=name,
        profile=(setup.profile.name if setup and setup.profile else base_profile),
        commission=(setup.commission.name if setup and setup.commission else "as exported"),
        program=(getattr(setup.program, "name", "") if setup and setup.program is not None else "none"),
        trades=int(len(t)),
        lots=float(t["lots"].sum()),
        spread_cost=float(t["spread_cost"].sum()),
        commission_total=float(t["commission"].sum()),
        rebate=float(t["rebate"].sum()),
        broker_net=float(t["broker_net"].sum()),
        net_after_rebate=float(t["net_after_rebate"].sum()),
        transaction_cost=tc,
        net_transaction_cost=ntc,
        cost_pips_per_lot_before=tc / lot_pips if lot_pips else None,
        cost_pips_per_lot_after=ntc / lot_pips if lot_pips else None,
    )


def compare(result: AnalysisResult) -> list[Outcome]:
    """The actual setup first, then each rebate program after the main one, then each extra setup."""
    settings = result.settings
    main = settings.main_program
    outcomes = [outcome(f"Actual ({getattr(main, 'name', 'no rebate')})", result.trades,
                        Setup("actual", None, None, main), settings.profile.name)]
    setups = [Setup(f"Program: {p.name}", None, None, p) for p in settings.programs[1:]]
    setups += settings.setups
    for setup in setups:
        outcomes.append(outcome(setup.name, reprice(result, setup), setup, settings.profile.name))
    return outcomes


def spread_sweep(t: pd.DataFrame, extra_pips: np.ndarray | None = None) -> pd.DataFrame:
    """Net P&L (after rebate) if every trade had paid ``extra`` more pips of spread."""
    extra_pips = np.arange(0.0, 2.01, 0.25) if extra_pips is None else np.asarray(extra_pips, float)
    lot_pips = (t["lots"] * t["pip_value"]).fillna(0.0).to_numpy().sum()
    base = float(t["net_after_rebate"].sum())
    return pd.DataFrame({"extra_pips": extra_pips, "net_after_rebate": base - extra_pips * lot_pips})


def rebate_sweep(t: pd.DataFrame, multipliers: np.ndarray | None = None) -> pd.DataFrame:
    """Net P&L after rebate if the rebate rate were scaled by each multiplier (0 = no rebate)."""
    multipliers = np.linspace(0.0, 2.0, 9) if multipliers is None else np.asarray(multipliers, float)
    broker_net = float(t["broker_net"].sum())
    rebate = float(t["rebate"].sum())
    return pd.DataFrame({"rebate_multiplier": multipliers, "rebate": multipliers * rebate,
                         "net_after_rebate": broker_net + multipliers * rebate})


def projection(t: pd.DataFrame, balance: float | None = None, months: int = 12,
               reinvest: bool = False) -> pd.DataFrame:
    """Expected cashback per month from the trader's own average monthly volume.

    With ``reinvest`` the volume grows with equity: rebates are added to the balance and the
    trader keeps the same lots-per-equity ratio, so volume compounds at rebate/balance a month.
    """
    if not len(t):
        return pd.DataFrame(columns=["month", "lots", "rebate", "cumulative_rebate", "balance"])
    months_active = max(1, t["close_time"].dt.to_period("M").nunique())
    lots_pm = float(t["lots"].sum()) / months_active
    rebate_per_lot = float(t["rebate"].sum()) / float(t["lots"].sum()) if t["lots"].sum() else 0.0
    rows = []
    equity = balance if balance and balance > 0 else None
    volume = lots_pm
    cumulative = 0.0
    for m in range(1, months + 1):
        rebate = volume * rebate_per_lot
        cumulative += rebate
        rows.append({"month": m, "lots": volume, "rebate": rebate, "cumulative_rebate": cumulative,
                     "balance": (equity + rebate) if equity else None})
        if reinvest and equity:
            volume *= (equity + rebate) / equity
        if equity:
            equity += rebate
    return pd.DataFrame(rows)
