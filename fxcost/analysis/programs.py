"""Rebate programs: the JSON schema (rates, tiers, eligibility, payout), validation with precise messages, load/save.

A program is a JSON object (DOMAIN.md 6)::

    {"name": "Example cashback", "currency": "USD", "lot_basis": "round_turn",
     "rates": [{"match": {"symbols": ["XAUUSD"]}, "model": "per_lot", "rate": 6.0},
               {"match": {"category": "fx_major"}, "model": "pips_per_lot", "rate": 0.68},
               {"match": {}, "model": "pct_commission", "rate": 25}],
     "tiers": [{"min_lots_per_month": 0, "multiplier": 1.0}, {"min_lots_per_month": 100, "multiplier": 1.2}],
     "eligibility": {"min_hold_seconds": 0, "min_move_points": 0, "exclude_symbols": [],
                     "exclude_categories": [], "cap_pct_of_spread": null},
     "payout": {"cycle": "monthly", "lag_days": 5, "min_amount": 0.01, "day_boundary_hour": 0}}

The first rate whose ``match`` fits a trade wins (an empty match fits every trade). ``match`` takes
``symbols`` (normalised roots or raw symbols, case-insensitive), ``category`` or ``categories`` and
``accounts`` (logins); a rate may override the program's ``lot_basis`` and may add components paid on
top of it (``"plus": [{"model": "pct_commission", "rate": 25}]``: $3/lot + 25% of commission). Optional keys:
``description``, ``source``, ``date`` (free text), ``cent_lot_factor`` (standard lots per lot on a
cent account, default 0.01), ``tier_volume`` (``eligible`` or ``all`` trades count towards a tier,
default eligible), ``tier_scope`` (whose volume a tier counts: ``account``, each account's own monthly
lots, or ``all_accounts``, the monthly lots of every account together, as an IB's tiers on its total
client volume; default ``all_accounts`` for an IB program, i.e. one with a client share, else ``account``), ``client_share_pct`` and ``client_shares`` ({login: pct}) for IB programs (the
share of the rebate passed back to each client), ``tier_mode`` (``retroactive``, default: every lot of a
month at the tier its volume reached; ``marginal``: each lot at the tier of the band it falls in), ``tier_basis``
(``current``, default, or ``previous_period``: last month's volume fixes this month's tier), ``client_groups``
([{"name", "clients", "client_share_pct"}]: clients with their own share) and ``sub_ibs`` ([{"name", "clients",
"master_share_pct", "client_share_pct"?}]: a two-level deal, see :class:`SubIB`). Unknown keys are errors, so a typo never silently
does nothing. The arithmetic lives in :mod:`fxcost.analysis.rebates`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

from fxcost import atomic, safeio
from fxcost.analysis.instruments import CATEGORIES, CENT, DEFAULT_USD_RATES
from fxcost.errors import FxCostError, clip, did_you_mean
from fxcost.resources import asset

MODELS = ("per_lot", "pips_per_lot", "pct_spread", "pct_commission", "per_million")
#: Models whose rate is money in the program currency (the others are pips or percentages).
MONEY_MODELS = ("per_lot", "per_million")
PCT_MODELS = ("pct_spread", "pct_commission")
LOT_BASES = ("round_turn", "per_side")
CYCLES = ("daily", "weekly", "monthly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TIER_VOLUMES = ("eligible", "all")
#: Whose monthly volume a tier counts: each account's own, or every account's together (an IB's total).
TIER_SCOPES = ("account", "all_accounts")
#: How a month's tier prices its lots: ``retroactive``, every lot at the tier the month's volume reached;
#: ``marginal``, each lot at the tier of the volume band it falls in (issue 14).
TIER_MODES = ("retroactive", "marginal")
#: Which volume decides the tier: the month's own (``current``), or the previous month's (``previous_period``:
#: the level qualified for last month applies all this month, issue 14).
TIER_BASES = ("current", "previous_period")
#: Currencies a program may be quoted in (those fxcost can convert).
CURRENCIES = tuple(sorted(set(DEFAULT_USD_RATES) | set(CENT)))
BUNDLED_DIR = "programs"

_TOP_KEYS = ("name", "currency", "lot_basis", "rates", "tiers", "eligibility", "payout", "description", "source",
             "date", "cent_lot_factor", "tier_volume", "tier_scope", "client_share_pct", "client_shares",
             "tier_mode", "tier_basis", "sub_ibs", "client_groups")
_SUB_IB_KEYS = ("name", "clients", "master_share_pct", "client_share_pct")
_GROUP_KEYS = ("name", "clients", "client_share_pct")
_RATE_KEYS = ("match", "model", "rate", "lot_basis", "plus")
_PLUS_KEYS = ("model", "rate", "lot_basis")
_MATCH_KEYS = ("symbols", "category", "categories", "accounts")
_TIER_KEYS = ("min_lots_per_month", "multiplier")
_ELIGIBILITY_KEYS = ("min_hold_seconds", "min_move_points", "exclude_symbols", "exclude_categories",
                     "cap_pct_of_spread")
_PAYOUT_KEYS = ("cycle", "lag_days", "min_amount", "day_boundary_hour", "weekday")


class ProgramError(FxCostError):
    """A rebate program file is missing or invalid; the message names the key, the problem and what is allowed."""


@dataclass
class Component:
    """An extra amount a rate pays on top of its own (same trades, another model)."""

    model: str
    rate: float
    lot_basis: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"model": self.model, "rate": self.rate}
        if self.lot_basis is not None:
            out["lot_basis"] = self.lot_basis
        return out


@dataclass
class RateRule:
    """One rate: which trades it matches and what it pays."""

    model: str
    rate: float
    symbols: list[str] = field(default_factory=list)  # roots or raw symbols, as written
    categories: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    lot_basis: str | None = None  # None: the program's
    plus: list[Component] = field(default_factory=list)

    def components(self) -> list[Component]:
        """The rule's own model and rate, then its ``plus`` components."""
        return [Component(self.model, self.rate, self.lot_basis), *self.plus]

    def label(self, index: int) -> str:
        """How a trade's rule is shown, e.g. ``rates[1] pips_per_lot 0.68`` or ``rates[0] per_lot 3 + pct_commission 25``."""
        return f"rates[{index}] " + " + ".join(f"{c.model} {c.rate:g}" for c in self.components())

    def as_dict(self) -> dict[str, Any]:
        match: dict[str, Any] = {}
        if self.symbols:
            match["symbols"] = list(self.symbols)
        if len(self.categories) == 1:
            match["category"] = self.categories[0]
        elif self.categories:
            match["categories"] = list(self.categories)
        if self.accounts:
            match["accounts"] = list(self.accounts)
        out: dict[str, Any] = {"match": match, "model": self.model, "rate": self.rate}
        if self.lot_basis is not None:
            out["lot_basis"] = self.lot_basis
        if self.plus:
            out["plus"] = [c.as_dict() for c in self.plus]
        return out


@dataclass
class Tier:
    """Volume tier: the rate multiplier once an account closes ``min_lots_per_month`` standard lots in a month."""

    min_lots_per_month: float
    multiplier: float

    def as_dict(self) -> dict[str, Any]:
        return {"min_lots_per_month": self.min_lots_per_month, "multiplier": self.multiplier}


@dataclass
class Eligibility:
    """Filters a trade must pass to earn a rebate (DOMAIN.md 6.4), and the optional cap."""

    min_hold_seconds: float = 0.0
    min_move_points: float = 0.0  # |close - open| in points, profitable or not
    exclude_symbols: list[str] = field(default_factory=list)
    exclude_categories: list[str] = field(default_factory=list)
    cap_pct_of_spread: float | None = None  # a trade's rebate is at most this % of its spread cost

    def as_dict(self) -> dict[str, Any]:
        return {"min_hold_seconds": self.min_hold_seconds, "min_move_points": self.min_move_points,
                "exclude_symbols": list(self.exclude_symbols), "exclude_categories": list(self.exclude_categories),
                "cap_pct_of_spread": self.cap_pct_of_spread}


@dataclass
class Payout:
    """When accrued rebates are paid (DOMAIN.md 6.5).

    Periods start at ``day_boundary_hour`` (server time) on each day, on ``weekday`` for weekly
    cycles and on the 1st for monthly ones; a period is paid ``lag_days`` after it ends. A period
    whose amount (plus what was carried) is below ``min_amount`` is carried to the next period.
    """

    cycle: str = "monthly"
    lag_days: int = 0
    min_amount: float = 0.0
    day_boundary_hour: int = 0
    weekday: str = "monday"

    def as_dict(self) -> dict[str, Any]:
        return {"cycle": self.cycle, "lag_days": self.lag_days, "min_amount": self.min_amount,
                "day_boundary_hour": self.day_boundary_hour, "weekday": self.weekday}


@dataclass
class SubIB:
    """A sub-IB of a two-level deal (issue 14): the master IB keeps ``master_share_pct`` percent of what the
    sub-IB's clients earn after their own share is passed back to them; the sub-IB keeps the rest."""

    name: str
    clients: list[str]
    master_share_pct: float
    client_share_pct: float | None = None  # the share passed back to its clients (None: the program's)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "clients": list(self.clients),
                               "master_share_pct": self.master_share_pct}
        if self.client_share_pct is not None:
            out["client_share_pct"] = self.client_share_pct
        return out


@dataclass
class ClientGroup:
    """Clients passed back their own share (a VIP group, issue 14), unless client_shares names one of them."""

    name: str
    clients: list[str]
    client_share_pct: float

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "clients": list(self.clients), "client_share_pct": self.client_share_pct}


@dataclass
class RebateProgram:
    """A cashback / IB rebate program (see the module docstring for the JSON form)."""

    name: str
    rates: list[RateRule]
    currency: str = "USD"
    lot_basis: str = "round_turn"
    tiers: list[Tier] = field(default_factory=list)
    eligibility: Eligibility = field(default_factory=Eligibility)
    payout: Payout = field(default_factory=Payout)
    description: str = ""
    source: str = ""
    date: str = ""
    cent_lot_factor: float = 0.01
    tier_volume: str = "eligible"
    tier_scope: str | None = None  # None: all_accounts for an IB program, else account (effective_tier_scope)
    client_share_pct: float | None = None
    client_shares: dict[str, float] = field(default_factory=dict)
    tier_mode: str = "retroactive"  # TIER_MODES
    tier_basis: str = "current"  # TIER_BASES
    sub_ibs: list[SubIB] = field(default_factory=list)
    client_groups: list[ClientGroup] = field(default_factory=list)
    path: str = field(default="", compare=False)

    def client_share(self, account: str) -> float:
        """Percentage of the rebate an IB passes back to ``account``: its own (client_shares), else its group's,
        else its sub-IB's, else the program's default, else 0."""
        account = str(account)
        share = self.client_shares.get(account)
        if share is None:
            share = next((g.client_share_pct for g in self.client_groups if account in g.clients), None)
        if share is None:
            share = next((s.client_share_pct for s in self.sub_ibs if account in s.clients), None)
        if share is None:
            share = self.client_share_pct
        return float(share) if share is not None else 0.0

    def sub_ib_of(self, account: str) -> SubIB | None:
        """The sub-IB whose client ``account`` is (None: a client of the master IB itself)."""
        return next((s for s in self.sub_ibs if str(account) in s.clients), None)

    @property
    def effective_tier_scope(self) -> str:
        """``tier_scope`` as written, else ``all_accounts`` for an IB program (it passes a client share back:
        IB tiers count the IB's total client volume) and ``account`` for a cashback program."""
        if self.tier_scope is not None:
            return self.tier_scope
        return "all_accounts" if (self.client_share_pct is not None or self.client_shares) else "account"

    @classmethod
    def from_dict(cls, data: Any, where: str = "") -> RebateProgram:
        return from_dict(data, where)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        for key in ("description", "source", "date"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        out.update({"currency": self.currency, "lot_basis": self.lot_basis,
                    "rates": [r.as_dict() for r in self.rates], "tiers": [t.as_dict() for t in self.tiers],
                    "eligibility": self.eligibility.as_dict(), "payout": self.payout.as_dict(),
                    "cent_lot_factor": self.cent_lot_factor, "tier_volume": self.tier_volume})
        if self.tier_scope is not None:
            out["tier_scope"] = self.tier_scope
        if self.client_share_pct is not None:
            out["client_share_pct"] = self.client_share_pct
        if self.client_shares:
            out["client_shares"] = dict(self.client_shares)
        if self.tier_mode != "retroactive":
            out["tier_mode"] = self.tier_mode
        if self.tier_basis != "current":
            out["tier_basis"] = self.tier_basis
        if self.sub_ibs:
            out["sub_ibs"] = [x.as_dict() for x in self.sub_ibs]
        if self.client_groups:
            out["client_groups"] = [x.as_dict() for x in self.client_groups]
        return out


# --- validation -------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    """A value as the user wrote it in JSON."""
    try:
        return clip(json.dumps(value, ensure_ascii=False))  # a value may be megabytes long (issue 13)
    except (TypeError, ValueError, RecursionError):
        return clip(repr(value))


class _Checker:
    """Builds messages prefixed with the file (``where``) and the key path."""

    def __init__(self, where: str):
        self.where = where

    def fail(self, message: str) -> ProgramError:
        return ProgramError(f"{self.where}: {message}" if self.where else message)

    def obj(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{path} must be a JSON object, not {_show(value)}")
        unknown = [k for k in value if k not in allowed]
        if unknown:
            parts = []
            for key in unknown:
                parts.append(_show(key) + did_you_mean(key, allowed))
            where = f"{path}: " if path != "program" else ""
            noun = "key" if len(unknown) == 1 else "keys"
            raise self.fail(f"{where}unknown {noun} {', '.join(parts)}; allowed: {', '.join(allowed)}")
        return value

    @overload
    def number(self, value: Any, path: str, *, minimum: float | None = 0.0, maximum: float | None = None,
               integer: Literal[False] = False) -> float: ...

    @overload
    def number(self, value: Any, path: str, *, minimum: float | None = 0.0, maximum: float | None = None,
               integer: Literal[True]) -> int: ...

    def number(self, value: Any, path: str, *, minimum: float | None = 0.0, maximum: float | None = None,
               integer: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "an integer" if integer else "a number"
            raise self.fail(f"{path} {_show(value)} must be {kind}")
        if not math.isfinite(value):
            raise self.fail(f"{path} {_show(value)} must be a finite number")
        if integer and value != int(value):
            raise self.fail(f"{path} {_show(value)} must be a whole number")
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            if maximum is None:
                bounds = f">= {minimum:g}"
            elif minimum is None:
                bounds = f"<= {maximum:g}"
            else:
                bounds = f"between {minimum:g} and {maximum:g}"
            raise self.fail(f"{path} {_show(value)} must be {bounds}")
        return int(value) if integer else float(value)

    def choice(self, value: Any, path: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(f"{path} {_show(value)} is not one of {', '.join(allowed)}")
        chosen: str = value  # one of ``allowed``
        return chosen

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise self.fail(f"{path} {_show(value)} must be a string")
        return value

    def names(self, value: Any, path: str) -> list[str]:
        """A list of symbols or logins (logins may be written as numbers)."""
        if not isinstance(value, list):
            raise self.fail(f"{path} must be a list of strings, not {_show(value)}")
        out = []
        for i, item in enumerate(value):
            if isinstance(item, int) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{path}[{i}] {_show(item)} must be a non-empty string")
            out.append(item.strip())
        return out

    def categories(self, value: Any, path: str) -> list[str]:
        if not isinstance(value, list):
            raise self.fail(f"{path} must be a list of categories ({', '.join(CATEGORIES)}), not {_show(value)}")
        return [self.choice(c, f"{path}[{i}]", CATEGORIES) for i, c in enumerate(value)]


def from_dict(data: Any, where: str = "") -> RebateProgram:
    """A validated program from its JSON object; ``where`` (a file name) prefixes every error message."""
    c = _Checker(where)
    if not isinstance(data, dict):
        raise c.fail(f"a rebate program must be a JSON object, not {_show(data)}")
    c.obj(data, "program", _TOP_KEYS)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise c.fail(f"name {_show(name)} must be a non-empty string (the program's display name)")
    currency = data.get("currency", "USD")
    if not isinstance(currency, str) or currency.upper() not in CURRENCIES:
        raise c.fail(f"currency {_show(currency)} has no conversion rate; use one of {', '.join(CURRENCIES)}")
    lot_basis = c.choice(data.get("lot_basis", "round_turn"), "lot_basis", LOT_BASES)

    rates_raw = data.get("rates")
    if not isinstance(rates_raw, list) or not rates_raw:
        raise c.fail(f"rates must be a non-empty list of {{\"match\": ..., \"model\": ..., \"rate\": ...}}, "
                     f"not {_show(rates_raw)}")
    rates = [_rate(c, item, f"rates[{i}]") for i, item in enumerate(rates_raw)]

    tiers_raw = data.get("tiers", [])
    if not isinstance(tiers_raw, list):
        raise c.fail(f"tiers must be a list of {{\"min_lots_per_month\": ..., \"multiplier\": ...}}, "
                     f"not {_show(tiers_raw)}")
    tiers = []
    for i, item in enumerate(tiers_raw):
        path = f"tiers[{i}]"
        c.obj(item, path, _TIER_KEYS)
        for key in _TIER_KEYS:
            if key not in item:
                raise c.fail(f"{path} needs {_show(key)}")
        tiers.append(Tier(c.number(item["min_lots_per_month"], f"{path}.min_lots_per_month"),
                          c.number(item["multiplier"], f"{path}.multiplier")))
    seen: dict[float, int] = {}
    for i, tier in enumerate(tiers):
        if tier.min_lots_per_month in seen:
            raise c.fail(f"tiers[{i}].min_lots_per_month {tier.min_lots_per_month:g} repeats "
                         f"tiers[{seen[tier.min_lots_per_month]}]; each tier needs its own threshold")
        seen[tier.min_lots_per_month] = i

    elig_raw = c.obj(data.get("eligibility", {}), "eligibility", _ELIGIBILITY_KEYS)
    cap = elig_raw.get("cap_pct_of_spread")
    eligibility = Eligibility(
        min_hold_seconds=c.number(elig_raw.get("min_hold_seconds", 0), "eligibility.min_hold_seconds"),
        min_move_points=c.number(elig_raw.get("min_move_points", 0), "eligibility.min_move_points"),
        exclude_symbols=c.names(elig_raw.get("exclude_symbols", []), "eligibility.exclude_symbols"),
        exclude_categories=c.categories(elig_raw.get("exclude_categories", []), "eligibility.exclude_categories"),
        cap_pct_of_spread=None if cap is None else c.number(cap, "eligibility.cap_pct_of_spread"),
    )

    pay_raw = c.obj(data.get("payout", {}), "payout", _PAYOUT_KEYS)
    weekday = pay_raw.get("weekday", "monday")
    payout = Payout(
        cycle=c.choice(pay_raw.get("cycle", "monthly"), "payout.cycle", CYCLES),
        lag_days=c.number(pay_raw.get("lag_days", 0), "payout.lag_days", integer=True),
        min_amount=c.number(pay_raw.get("min_amount", 0), "payout.min_amount"),
        day_boundary_hour=c.number(pay_raw.get("day_boundary_hour", 0), "payout.day_boundary_hour",
                                   maximum=23, integer=True),
        weekday=c.choice(weekday.lower() if isinstance(weekday, str) else weekday, "payout.weekday", WEEKDAYS),
    )

    tier_scope = data.get("tier_scope")
    if tier_scope is not None and tier_scope not in TIER_SCOPES:
        raise c.fail(f"tier_scope {_show(tier_scope)} is not one of {', '.join(TIER_SCOPES)} (account: each "
                     "account's own monthly lots; all_accounts: the monthly lots of every account together, "
                     "e.g. an IB's total client volume)")
    share = data.get("client_share_pct")
    shares_raw = data.get("client_shares", {})
    if not isinstance(shares_raw, dict):
        raise c.fail(f"client_shares must be an object of login: percentage, not {_show(shares_raw)}")
    client_shares = {str(k): c.number(v, f"client_shares.{k}", maximum=100) for k, v in shares_raw.items()}
    return RebateProgram(
        name=name.strip(),
        rates=rates,
        currency=currency.upper(),
        lot_basis=lot_basis,
        tiers=tiers,
        eligibility=eligibility,
        payout=payout,
        description=c.text(data.get("description", ""), "description"),
        source=c.text(data.get("source", ""), "source"),
        date=c.text(data.get("date", ""), "date"),
        cent_lot_factor=c.number(data.get("cent_lot_factor", 0.01), "cent_lot_factor"),
        tier_volume=c.choice(data.get("tier_volume", "eligible"), "tier_volume", TIER_VOLUMES),
        tier_scope=tier_scope,
        client_share_pct=None if share is None else c.number(share, "client_share_pct", maximum=100),
        client_shares=client_shares,
        **_levels(c, data),
    )


def _levels(c: _Checker, data: dict[str, Any]) -> dict[str, Any]:
    """The tier mode and basis, the sub-IBs and the client groups of a program's JSON (issue 14), validated."""
    mode = c.choice(data.get("tier_mode", "retroactive"), "tier_mode", TIER_MODES)
    basis = c.choice(data.get("tier_basis", "current"), "tier_basis", TIER_BASES)
    if mode == "marginal" and basis == "previous_period":
        raise c.fail("tier_mode \"marginal\" prices each lot at the band of this month's volume, so it cannot use "
                     "tier_basis \"previous_period\" (a level fixed by last month's volume applies to every lot: "
                     "use tier_mode \"retroactive\" with it)")
    out: dict[str, Any] = {"tier_mode": mode, "tier_basis": basis, "sub_ibs": [], "client_groups": []}
    for key, keys in (("sub_ibs", _SUB_IB_KEYS), ("client_groups", _GROUP_KEYS)):
        raw = data.get(key, [])
        if not isinstance(raw, list):
            raise c.fail(f"{key} must be a list of {{\"name\": ..., \"clients\": [...], ...}}, not {_show(raw)}")
        if raw and data.get("client_share_pct") is None:
            raise c.fail(f"{key} needs client_share_pct: the share passed back to the clients it does not name")
        owner: dict[str, str] = {}
        for i, item in enumerate(raw):
            path = f"{key}[{i}]"
            c.obj(item, path, keys)
            for need in keys[:3]:
                if need not in item:
                    raise c.fail(f"{path} needs {_show(need)}")
            name = item["name"]
            if not isinstance(name, str) or not name.strip():
                raise c.fail(f"{path}.name {_show(name)} must be a non-empty string")
            clients = c.names(item["clients"], f"{path}.clients")
            for login in clients:
                if login in owner:
                    raise c.fail(f"{path}.clients: {login} is already in {owner[login]}; a client belongs to one")
                owner[login] = f"{key} {_show(name.strip())}"
            if key == "sub_ibs":
                share = item.get("client_share_pct")
                out[key].append(SubIB(name.strip(), clients,
                                      c.number(item["master_share_pct"], f"{path}.master_share_pct", maximum=100),
                                      None if share is None else c.number(share, f"{path}.client_share_pct",
                                                                          maximum=100)))
            else:
                out[key].append(ClientGroup(name.strip(), clients,
                                            c.number(item["client_share_pct"], f"{path}.client_share_pct",
                                                     maximum=100)))
    return out


def _component(c: _Checker, item: Any, path: str, allowed: tuple[str, ...]) -> Component:
    c.obj(item, path, allowed)
    for key in ("model", "rate"):
        if key not in item:
            raise c.fail(f"{path} needs {_show(key)}")
    model = c.choice(item["model"], f"{path}.model", MODELS)
    maximum = 100.0 if model in PCT_MODELS else None
    rate = c.number(item["rate"], f"{path}.rate", maximum=maximum)
    lot_basis = item.get("lot_basis")
    if lot_basis is not None:
        c.choice(lot_basis, f"{path}.lot_basis", LOT_BASES)
    return Component(model, rate, lot_basis)


def _rate(c: _Checker, item: Any, path: str) -> RateRule:
    own = _component(c, item, path, _RATE_KEYS)
    plus_raw = item.get("plus", [])
    if not isinstance(plus_raw, list):
        raise c.fail(f"{path}.plus must be a list of {{\"model\": ..., \"rate\": ...}}, not {_show(plus_raw)}")
    plus = [_component(c, p, f"{path}.plus[{i}]", _PLUS_KEYS) for i, p in enumerate(plus_raw)]
    match = c.obj(item.get("match", {}), f"{path}.match", _MATCH_KEYS)
    if "category" in match and "categories" in match:
        raise c.fail(f"{path}.match has both \"category\" and \"categories\"; use one")
    if "category" in match:
        categories = [c.choice(match["category"], f"{path}.match.category", CATEGORIES)]
    else:
        categories = c.categories(match.get("categories", []), f"{path}.match.categories")
    return RateRule(model=own.model, rate=own.rate, lot_basis=own.lot_basis, plus=plus,
                    symbols=c.names(match.get("symbols", []), f"{path}.match.symbols"),
                    categories=categories,
                    accounts=c.names(match.get("accounts", []), f"{path}.match.accounts"))


# --- files ------------------------------------------------------------------------------------------------


def load(path: str | Path) -> RebateProgram:
    """A program from a JSON file."""
    path = Path(path)
    try:
        data = safeio.read_json(path, "rebate program")
    except OSError as exc:
        raise ProgramError(f"{path}: cannot read the rebate program ({exc.strerror or exc})") from exc
    except safeio.FileRefused as exc:
        raise ProgramError(f"{path}: {exc}") from exc
    program = _guarded(lambda: from_dict(data, str(path)), path)
    program.path = str(path)
    return program


def _guarded(build: Callable[[], RebateProgram], path: Path) -> RebateProgram:
    """``build()``, with a structure too deep for Python refused like any other invalid program."""
    try:
        return build()
    except RecursionError as exc:
        raise ProgramError(f"{path}: nested too deeply to be a rebate program") from exc


def save(program: RebateProgram, path: str | Path) -> None:
    """Write ``program`` as JSON atomically (temp file in the same folder, then os.replace).

    The program is validated first, so the GUI can never write a file the CLI cannot read.
    """
    path = Path(path)
    data = program.as_dict()
    from_dict(data, program.name)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        atomic.write_text(path, text)
    except OSError as exc:
        raise ProgramError(f"{path}: cannot save the rebate program ({exc.strerror or exc})") from exc
    program.path = str(path)


def bundled_programs() -> list[RebateProgram]:
    """The example programs in assets/programs, by file name."""
    folder = asset(BUNDLED_DIR)
    return [load(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []


def load_named(name_or_path: str | Path) -> RebateProgram:
    """A bundled program by file stem or display name (case-insensitive), else a JSON file."""
    key = str(name_or_path)
    folder = asset(BUNDLED_DIR)
    bundled = sorted(folder.glob("*.json")) if folder.is_dir() else []
    for p in bundled:
        if p.stem.lower() == key.lower():
            return load(p)
    path = Path(key)
    if path.is_file():
        return load(path)
    for program in (load(p) for p in bundled):
        if program.name.lower() == key.lower():
            return program
    names = ", ".join(p.stem for p in bundled) or "none bundled"
    raise ProgramError(f"No rebate program {key!r}: give a bundled name ({names}) or the path of a JSON file.")
