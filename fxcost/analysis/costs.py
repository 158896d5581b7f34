"""Per-trade cost decomposition (DOMAIN.md 7.2): spread (implicit, inside Profit), commission,
taxes, swap, rebate, and the TCA figures, vectorised over a trades frame.

    mid_pnl              = profit + spread_cost           (estimated P&L at mid prices)
    broker_net           = profit + commission + taxes + swap
    net_after_rebate     = broker_net + rebate
    transaction_cost     = spread_cost - commission - taxes     (>= 0; swap is carry, shown apart)
    net_transaction_cost = transaction_cost - rebate

Never ``profit - spread_cost``: MetaTrader's Profit already contains the spread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from fxcost.analysis import instruments
from fxcost.analysis.codes import factorize
from fxcost.analysis.instruments import InstrumentSettings

#: Columns :func:`decompose` adds to a trades frame (documented in docs/ENGINE.md).
COST_COLUMNS = (
    "category", "quote_ccy", "point", "pip", "m", "m_source", "pip_value", "usd_rate",
    "spread_price", "spread_pips", "spread_source", "spread_cost", "commission_source",
    "mid_pnl", "broker_net", "transaction_cost", "rebate", "net_after_rebate", "net_transaction_cost",
    "notional_usd", "hold_seconds", "move_points", "cost_per_lot", "cost_per_lot_after", "cost_pips", "cost_pips_after",
    "bps", "bps_before", "usd_per_million", "usd_per_million_before",
)


@dataclass
class CommissionSchedule:
    """A commission to apply where the export has none (or, for what-if, instead of the exported one).

    ``model``: ``per_lot`` (money per lot), ``per_million`` (money per 1M USD notional) or
    ``base_units`` (units of the symbol's base currency per lot, Tickmill-style).
    ``per``: ``round_turn`` or ``per_side`` (per side is charged twice per round turn).
    ``apply``: ``missing`` (only trades with zero commission) or ``always`` (replace).
    """

    name: str = "Commission"
    model: str = "per_lot"
    rate: float = 0.0
    per: str = "round_turn"
    currency: str = "USD"
    apply: str = "missing"
    categories: dict[str, float] = field(default_factory=dict)  # category -> rate override

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CommissionSchedule:
        keys = ("name", "model", "rate", "per", "currency", "apply", "categories")
        unknown = [k for k in data if k not in keys]
        if unknown:  # a typo must not silently leave the commission at its default
            raise ValueError(f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(keys)}")
        rate = data.get("rate", 0.0)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not np.isfinite(rate) or rate < 0:
            raise ValueError(f"commission rate {rate!r} must be a number >= 0 (money per lot, or per million)")
        schedule = cls(**{k: data[k] for k in keys if k in data})
        if schedule.model not in ("per_lot", "per_million", "base_units"):
            raise ValueError(f"commission model {schedule.model!r}: use per_lot, per_million or base_units")
        if schedule.per not in ("round_turn", "per_side"):
            raise ValueError(f"commission 'per' {schedule.per!r}: use round_turn or per_side")
        if schedule.apply not in ("missing", "always"):
            raise ValueError(f"commission 'apply' {schedule.apply!r}: use missing or always")
        return schedule

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "model": self.model, "rate": self.rate, "per": self.per,
                "currency": self.currency, "apply": self.apply, "categories": dict(self.categories)}


def schedule_commission(
    t: pd.DataFrame, schedule: CommissionSchedule, to_account: float
) -> np.ndarray:
    """Commission (negative money, account currency) a schedule charges each trade.

    ``to_account``: account-currency units per unit of the schedule's currency.
    """
    sides = 2.0 if schedule.per == "per_side" else 1.0
    rate = _category_rates(t["category"], schedule)
    lots = t["lots"].to_numpy()
    if schedule.model == "per_lot":
        money: npt.NDArray[np.float64] = rate * lots * sides * to_account
    elif schedule.model == "per_million":
        money = rate * t["notional_usd"].to_numpy() / 1e6 * sides * to_account
    else:  # base_units: units of base currency per lot -> account currency via the trade's own M
        # M / contract = account units per quote unit; base -> quote at the open price.
        contract = 100_000.0
        money = rate * lots * sides * t["open_price"].to_numpy() * t["m"].to_numpy() / contract
    return -np.round(money, 2)


def _category_rates(category: pd.Series, schedule: CommissionSchedule) -> npt.NDArray[np.float64]:
    """Each trade's rate: its category's in the schedule, else the schedule's own (as ``category.map(categories)``
    then ``fillna(rate)``), looked up once per distinct category (issue 14: a map per client of a book, per setup)."""
    codes, uniques = factorize(category)
    rates = [schedule.categories.get(u) for u in uniques]
    table = np.array([np.nan if r is None else r for r in rates] + [np.nan], dtype="float64")
    table[np.isnan(table)] = schedule.rate
    return table[codes]


def decompose(
    trades: pd.DataFrame,
    account_currency: str,
    spread_price: np.ndarray,
    spread_source: np.ndarray,
    *,
    instrument_settings: InstrumentSettings | None = None,
    commission: CommissionSchedule | None = None,
    classes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The trades of one account with every cost column but the rebate (set to 0 here).

    ``category`` comes back categorical (rebate rules match on its codes); engine.costed_trades turns it
    back into plain text before the frame leaves the engine.

    Args:
        trades: canonical closed trades of one account.
        account_currency: e.g. "USD", "USC".
        spread_price: round-turn spread per trade in price units (from fxcost.analysis.spreads).
        spread_source: where each spread came from ("measured (bar minimum)", "profile: ...", ...).
        commission: schedule applied where the export has none (or always, per its ``apply``).
        classes: precomputed :func:`instruments.classify` result (optional).
    """
    columns = cost_columns(trades, account_currency, spread_price, spread_source,
                           instrument_settings=instrument_settings, commission=commission, classes=classes)
    return with_columns(trades, columns | finish_columns({**columns, "lots": trades["lots"].to_numpy()}))


def cost_columns(
    trades: pd.DataFrame,
    account_currency: str,
    spread_price: np.ndarray,
    spread_source: np.ndarray,
    *,
    instrument_settings: InstrumentSettings | None = None,
    commission: CommissionSchedule | None = None,
    classes: pd.DataFrame | None = None,
    segments: Sequence[tuple[int, int]] | None = None,
) -> dict[str, Any]:
    """The columns :func:`decompose` sets before :func:`finish`, in the order it sets them (``commission`` among
    them when a schedule replaces some), as arrays: the engine builds its frame from them in one go (issue 14).

    ``segments``: ``trades`` holds several accounts of one currency (fxcost.analysis.batch), each its row range:
    M and the USD rate are each account's own (no commission schedule then)."""
    if classes is None:
        classes = instruments.classify(trades, instrument_settings)
    n = len(trades)
    out: dict[str, Any] = {col: classes[col].array for col in ("category", "quote_ccy", "point", "pip")}
    # .array keeps the categorical category (no string hashing later)
    sign = instruments.side_sign(trades)
    m, m_source = instruments.money_per_price(trades, classes, account_currency, instrument_settings, sign, segments)
    pip = classes["pip"].to_numpy()
    point = classes["point"].to_numpy()
    out["m"] = m
    out["m_source"] = m_source
    out["pip_value"] = pip * m  # account currency per pip per 1.0 lot
    usd_rate: float | np.ndarray
    if segments is None:
        usd_rate = instruments.usd_per_account_unit(trades, classes, m, account_currency)
        out["usd_rate"] = np.full(n, usd_rate, dtype="float64")
    else:  # each account's own rate on its rows (a product by it is the product by the account's scalar)
        if commission is not None and commission.rate:
            raise ValueError("a commission schedule is applied account by account, not to a batch")
        usd_rate = np.repeat(instruments.usd_per_account_units(trades, classes, m, account_currency, segments),
                             [hi - lo for lo, hi in segments])
        out["usd_rate"] = usd_rate

    lots = trades["lots"].to_numpy()
    # Notional in USD at the open price: lots x contract x price x (quote -> USD). M / account->USD
    # conversion gives contract x (quote -> account), so notional_usd = lots x open x M x usd_rate.
    out["notional_usd"] = lots * trades["open_price"].to_numpy() * m * usd_rate

    out["spread_price"] = spread_price
    out["spread_pips"] = spread_price / pip
    out["spread_source"] = spread_source
    spread_cost = spread_price * m * lots
    out["spread_cost"] = spread_cost

    out["commission_source"] = "export"
    charged_commission = trades["commission"].to_numpy()
    if commission is not None and commission.rate:
        to_account = 1.0 / _usd_to(account_currency, commission.currency, float(usd_rate))  # one account: a float
        scheduled = trades.assign(category=out["category"], lots=lots, notional_usd=out["notional_usd"], m=m)
        charged = schedule_commission(scheduled, commission, to_account)
        target = np.ones(n, bool) if commission.apply == "always" else (charged_commission == 0)
        charged_commission = charged_commission.copy()
        charged_commission[target] = charged[target]
        out["commission"] = charged_commission
        out["commission_source"] = np.where(target, f"schedule: {commission.name}", "export").astype(object)

    profit = trades["profit"].to_numpy()
    taxes = trades["taxes"].to_numpy()
    out["mid_pnl"] = profit + spread_cost
    out["broker_net"] = profit + charged_commission + taxes + trades["swap"].to_numpy()
    out["transaction_cost"] = spread_cost - charged_commission - taxes
    out["rebate"] = np.zeros(n)
    out["hold_seconds"] = (trades["close_time"].array - trades["open_time"].array).total_seconds()
    out["move_points"] = (trades["close_price"].to_numpy() - trades["open_price"].to_numpy()) * sign / point
    return out


def with_columns(t: pd.DataFrame, columns: Mapping[str, Any], *, owned: bool = False) -> pd.DataFrame:
    """``t`` (not modified) with ``columns`` set as ``t[name] = value`` one after the other would set them (a column
    it has is replaced where it is, a new one appended), the new ones in one frame construction: a __setitem__ per
    column cost more than the arithmetic on an account of a few hundred trades (issue 14).

    ``owned``: the arrays are the caller's own, used nowhere else, so the frame takes them as they are instead of
    copying each (an array given for two columns is copied for the second: each column its own memory).
    """
    out = t.copy(deep=False)  # copy-on-write: the caller's frame is never modified
    new = {}
    big = len(t) > BIG_FRAME
    seen: set[int] = set()
    for col, value in columns.items():
        if owned and isinstance(value, np.ndarray):
            raw = value if id(value) not in seen else value.copy()
            seen.add(id(value))
            value = raw
            if big and value.dtype.kind in "biufmM" and len(value) == len(t):
                value = pd.Series(value, index=t.index, copy=False)
        if col in t.columns or big:
            out[col] = value
        else:
            new[col] = value
    if not new:
        return out
    # Owned arrays are taken as they are, each column its own block as __setitem__ would leave it: stacked into
    # one block (a copy), every later __setitem__ of one of them (pooled tiers, what-if setups) would split it.
    return pd.concat([out, pd.DataFrame(new, index=t.index, copy=False if owned else None)], axis=1)


#: Rows from which :func:`with_columns` sets column by column: a new frame would stack its columns of one dtype
#: into one block, copying them, which costs more than a __setitem__ per column on a big account.
BIG_FRAME = 20_000


#: The rebate columns of trades priced under no rebate program (besides ``rebate`` itself, 0.0 too): the engine's,
#: a batch's and a what-if setup's without a program.
NO_REBATE: dict[str, Any] = {"ib_earnings": 0.0, "eligible": True, "excluded_reason": "", "rebate_rule": "",
                             "forfeited_rebate": 0.0, "capped_rebate": 0.0}

#: What :func:`finish_columns` reads.
FINISH_INPUTS = ("broker_net", "rebate", "transaction_cost", "lots", "pip_value", "usd_rate", "notional_usd")


def finish_columns(v: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The columns :func:`finish` sets, in its order, from arrays of :data:`FINISH_INPUTS` (``v``)."""
    broker_net, rebate, transaction_cost, lots, pip_value, usd, notional = (np.asarray(v[c]) for c in FINISH_INPUTS)
    out = {"net_after_rebate": broker_net + rebate, "net_transaction_cost": transaction_cost - rebate}
    net = out["net_transaction_cost"]
    lot_pips = lots * pip_value
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cost_per_lot"] = np.where(lots > 0, transaction_cost / lots, np.nan)
        out["cost_per_lot_after"] = np.where(lots > 0, net / lots, np.nan)
        out["cost_pips"] = transaction_cost / lot_pips
        out["cost_pips_after"] = net / lot_pips
        out["bps_before"] = transaction_cost * usd / notional * 1e4
        out["bps"] = net * usd / notional * 1e4
    out["usd_per_million_before"] = out["bps_before"] * 100.0
    out["usd_per_million"] = out["bps"] * 100.0
    return out


def finish(t: pd.DataFrame) -> pd.DataFrame:
    """(Re)compute every column that depends on the rebate; call after setting ``rebate``."""
    for col, value in finish_columns({c: t[c].to_numpy() for c in FINISH_INPUTS}).items():
        t[col] = value
    return t


def cost_after_rebate(t: pd.DataFrame, include_swap: bool = False) -> np.ndarray:
    """Per-trade cost after rebate as DOMAIN.md defines it (7.2, 5): net_transaction_cost = spread + commission +
    taxes - rebate; swap is carry (financing), reported apart, and counted (charged swap adds, earned swap
    subtracts) only when the user includes swap in the cost (``AnalysisSettings.include_swap_in_cost``)."""
    cost = t["net_transaction_cost"].to_numpy(dtype="float64")
    return cost - t["swap"].to_numpy(dtype="float64") if include_swap else cost


def cost_after_rebate_label(include_swap: bool = False) -> tuple[str, str]:
    """Label and tooltip of :func:`cost_after_rebate` (a figure or a chart line): it must say whether swap is in."""
    if include_swap:
        return ("Total cost after rebate (incl. swap)",
                "Spread (est.) + commission + taxes + swap charged − swap earned − rebate")
    return ("Trading cost after rebate (excl. swap)",
            "Spread (est.) + commission + taxes − rebate. Swap is carry (financing), shown as its own line and not "
            "counted here (DOMAIN.md 5)")


def _usd_to(account_currency: str, currency: str, usd_per_account: float) -> float:
    """Units of ``currency`` per account-currency unit (for schedules and programs quoted in another currency)."""
    acct = account_currency.upper()
    cur = (currency or acct).upper()
    if cur == acct:
        return 1.0
    usd_per_cur = instruments.DEFAULT_USD_RATES.get(cur)
    if cur in instruments.CENT:
        major, factor = instruments.CENT[cur]
        usd_per_cur = instruments.DEFAULT_USD_RATES.get(major, 1.0) * factor
    if cur == "USD":
        usd_per_cur = 1.0
    if not usd_per_cur:
        raise ValueError(f"no conversion rate for currency {currency!r}")
    return usd_per_account / usd_per_cur


def account_per_unit(account_currency: str, currency: str, usd_per_account: float) -> float:
    """Account-currency units per unit of ``currency`` (e.g. a rebate program's USD into a EUR account)."""
    return 1.0 / _usd_to(account_currency, currency, usd_per_account)
