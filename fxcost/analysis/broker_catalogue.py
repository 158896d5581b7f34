"""The broker catalogue (issue 12): brokers and account types with their published spreads and commissions.

assets/spread-profiles/brokers.json lists each broker's company and server names, its account types and, where a
public page gives them, spreads per symbol, commission per lot by account currency and the Standard account's
markup rule. Every number carries its source URL and a date (:func:`load` refuses a number without them). The
``auto`` profile (spreads.AutoProfile) picks an entry from the statement's company (MT4) or server (MT5) and the
account-type evidence (commission charged, symbol suffixes); :meth:`Entry.profile` turns it into a spread profile
whose gaps the generic profile of the same account type fills, and each trade's spread source says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fxcost import safeio
from fxcost.analysis.costs import CommissionSchedule
from fxcost.analysis.instruments import category
from fxcost.errors import FxCostError
from fxcost.model import Account
from fxcost.resources import asset

BUNDLED = "spread-profiles/brokers.json"
#: What a page calls a spread: used as the spread, or (minimum, a "from" figure) as a floor under the generic one.
BASES = ("average", "typical", "unstated", "minimum")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SOURCED = ("value", "source", "date")


class CatalogueError(FxCostError):
    """The broker catalogue is invalid: a number without a source or date, an unknown key..."""


@dataclass(frozen=True)
class Sourced:
    """One published number with where and when it was published (or read)."""

    value: float
    source: str
    date: str
    basis: str = "average"
    unit: str = "pips"
    note: str = ""

    def cite(self) -> str:
        return f"{self.source}, {self.date}"


@dataclass
class Entry:
    """One account type of one broker."""

    broker: str
    id: str
    name: str
    account_type: str
    spreads: dict[str, Sourced] = field(default_factory=dict)
    commission: dict[str, Sourced] = field(default_factory=dict)  # account currency (or BASE) -> rate
    commission_per: str = "round_turn"
    commission_model: str = "per_lot"
    commission_maximum: bool = False
    markup: dict[str, Sourced] = field(default_factory=dict)  # category -> pips over the ``over`` account
    markup_rule: str = ""
    over: Entry | None = None
    suffixes: tuple[str, ...] = ()
    server_clock: Sourced | None = None  # the broker's published server clock (note: a measured.server_clock spec)

    def commission_schedule(self, currency: str) -> CommissionSchedule | None:
        """The entry's commission for an account in ``currency`` (None when the catalogue has no rate for it)."""
        rate = self.commission.get("BASE") or self.commission.get((currency or "").upper())
        if rate is None:
            return None
        model = "base_units" if "BASE" in self.commission else self.commission_model
        return CommissionSchedule(name=f"{self.name}: {rate.value:g} {model.replace('_', ' ')} "
                                       f"{self.commission_per.replace('_', ' ')} ({rate.cite()})",
                                  rate=rate.value, model=model, per=self.commission_per,
                                  currency="" if model == "base_units" else currency.upper(), apply="always")

    def published(self) -> dict[str, Sourced]:
        """Spreads this entry publishes, with the markup rule applied over the account it marks up."""
        out = dict(self.spreads)
        if self.over is not None and self.markup:
            for root, raw in self.over.spreads.items():
                add = self.markup.get(category(root))
                if root not in out and add is not None and raw.unit == "pips":
                    out[root] = Sourced(raw.value + add.value, f"{raw.source} + markup {add.source}",
                                        max(raw.date, add.date), raw.basis, "pips",
                                        f"{self.over.name} {raw.value:g} + {add.value:g} pips markup")
        return out


@dataclass
class Broker:
    id: str
    name: str
    company: tuple[str, ...]
    server: tuple[str, ...]
    accounts: list[Entry]
    server_clock: Sourced | None = None

    def names(self, account: Account) -> str:
        """What in the account's company or server names this broker ("" when nothing)."""
        for what, text, patterns in (("company", account.broker, self.company), ("server", account.server, self.server)):
            low = (text or "").lower()
            for p in patterns:
                if re.search(r"(?<![a-z0-9])" + re.escape(p), low):
                    return f"{what} {text!r}"
        return ""


@dataclass
class Catalogue:
    brokers: list[Broker]
    date: str = ""

    def match(self, account: Account) -> tuple[Broker | None, str]:
        for b in self.brokers:
            why = b.names(account)
            if why:
                return b, why
        return None, ""

    def pick(self, account: Account, trades: pd.DataFrame) -> tuple[Entry | None, str]:
        """The entry for one account: its broker from the company or server, its account type from the trades'
        commission and symbol suffixes (spreads.account_type_evidence), a broker's own suffix first."""
        from fxcost.analysis.spreads import account_type_evidence

        broker, why = self.match(account)
        if broker is None:
            return None, ""
        suffixes: set[str] = set()
        if "symbol_suffix" in trades.columns and len(trades):
            suffixes = {str(s).strip().lstrip("._#-").lower() for s in pd.unique(trades["symbol_suffix"].astype(str))}
        entry: Entry | None
        for entry in broker.accounts:
            if entry.suffixes and suffixes & set(entry.suffixes):
                return entry, f"{why} names {broker.name}; the symbol suffix {sorted(suffixes & set(entry.suffixes))[0]!r} " \
                              f"marks its {entry.name} account"
        kind, n, charged, raw_suffix = account_type_evidence(trades)
        entry = next((e for e in broker.accounts if e.account_type == kind and not e.suffixes), None) or \
            next((e for e in broker.accounts if e.account_type == kind), None)
        if entry is None:
            return None, f"{why} names {broker.name}, but the catalogue has no {kind} account of it"
        evidence = (f"commission charged on {charged} of {n} trades" if kind == "raw" and charged * 2 > n else
                    f"{raw_suffix} of {n} trades carry a raw-account suffix" if kind == "raw" else
                    f"commission charged on {charged} of {n} trades")
        return entry, f"{why} names {broker.name}; {evidence}: {entry.name}"


def _sourced(data: object, where: str, unit: str = "pips") -> Sourced:
    if not isinstance(data, dict):
        raise CatalogueError(f"{where}: must be an object with value, source and date")
    missing = [k for k in _SOURCED if k not in data]
    if missing:
        raise CatalogueError(f"{where}: a number needs a {', '.join(missing)} (every value carries its public source "
                             "and date; leave the value out where none is found)")
    value = data["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0:
        raise CatalogueError(f"{where}: value {value!r} is not a number >= 0")
    source, date = str(data["source"]), str(data["date"])
    if not source.startswith(("http://", "https://")):
        raise CatalogueError(f"{where}: source {source!r} is not a public URL")
    if not _DATE.match(date):
        raise CatalogueError(f"{where}: date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    basis = str(data.get("basis", "average"))
    if basis not in BASES:
        raise CatalogueError(f"{where}: basis {basis!r} is not one of {', '.join(BASES)}")
    return Sourced(float(value), source, date, basis, str(data.get("unit", unit)), str(data.get("note", "")))


def parse(doc: object, where: str = "brokers.json") -> Catalogue:
    """A catalogue from its JSON document; :class:`CatalogueError` names the first bad entry."""
    if not isinstance(doc, dict) or not isinstance(doc.get("brokers"), list):
        raise CatalogueError(f"{where}: needs a \"brokers\" list")
    brokers = []
    for b in doc["brokers"]:
        bw = f"{where}: {b.get('id', '?')}"
        entries: list[Entry] = []
        by_id: dict[str, Entry] = {}
        for a in b.get("accounts", []):
            aw = f"{bw}.{a.get('id', '?')}"
            if a.get("account_type") not in ("standard", "raw"):
                raise CatalogueError(f"{aw}: account_type must be standard or raw")
            e = Entry(broker=b["name"], id=a["id"], name=a["name"], account_type=a["account_type"])
            for root, v in a.get("spreads", {}).items():
                e.spreads[root.upper()] = _sourced(v, f"{aw}.spreads.{root}")
            com = a.get("commission")
            if com:
                e.commission_per = com.get("per", "round_turn")
                e.commission_model = com.get("model", "per_lot")
                e.commission_maximum = bool(com.get("maximum", False))
                for cur, v in com.get("rates", {}).items():
                    e.commission[cur.upper()] = _sourced(v, f"{aw}.commission.{cur}", unit="money")
            mk = a.get("markup")
            if mk:
                e.markup_rule = str(mk.get("rule", ""))
                for cat, v in mk.get("pips", {}).items():
                    e.markup[cat] = _sourced(v, f"{aw}.markup.{cat}")
                e.over = by_id.get(mk.get("over", ""))
                if e.over is None:
                    raise CatalogueError(f"{aw}: markup over {mk.get('over')!r}, an account listed before it")
            sfx = a.get("suffixes")
            if sfx:
                _sourced({**sfx, "value": 0}, f"{aw}.suffixes")
                e.suffixes = tuple(str(s).lower() for s in sfx["values"])
            entries.append(e)
            by_id[e.id] = e
        clock = _sourced({**b["server_clock"], "value": 0}, f"{bw}.server_clock") if "server_clock" in b else None
        if clock is not None:
            clock = Sourced(0.0, clock.source, clock.date, note=str(b["server_clock"]["value"]))
        for e in entries:
            e.server_clock = clock
        brokers.append(Broker(id=b["id"], name=b["name"], company=tuple(b.get("company", ())),
                              server=tuple(b.get("server", ())), accounts=entries, server_clock=clock))
    return Catalogue(brokers=brokers, date=str(doc.get("date", "")))


def read_json(path: Path, what: str, error: type[FxCostError]) -> Any:
    """A JSON data file's document, read through safeio.read_json (size cap, binary, nesting depth: issue 13);
    ``error`` says which file (``what``) and why it cannot be read."""
    try:
        return safeio.read_json(path, what)
    except safeio.FileRefused as exc:
        raise error(f"{path}: {exc}") from exc
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror or exc})") from exc


def load(path: str | Path | None = None) -> Catalogue:
    path = Path(path) if path is not None else asset(BUNDLED)
    return parse(read_json(path, "broker catalogue", CatalogueError), str(path))


@lru_cache(maxsize=1)
def bundled() -> Catalogue:
    """The bundled catalogue, read once."""
    return load()
