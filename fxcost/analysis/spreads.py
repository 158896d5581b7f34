"""Spread profiles: editable per-symbol / per-category typical spreads, with source and date.

A profile is a JSON file. The minimal form is ``{"name": "...", "unit": "pips", "spreads":
{"EURUSD": 1.2}}`` (symbols by normalised root); an entry may also be an object
``{"value": 0.30, "unit": "price", "source": "...", "date": "..."}`` and a profile may give
``"categories": {"fx_minor": 2.5}`` as fallbacks. Units: ``pips``, ``points`` or ``price``.
Unknown keys are errors with a "did you mean" (a typo such as ``"spread"`` must not silently
cost every trade at 0). Two profiles are bundled ("Typical Standard account", "Typical Raw/ECN
account"), built from the published averages in DOMAIN.md 3.3; ``auto`` (:class:`AutoProfile`)
picks one of them per account from what the export shows (DOMAIN.md 1.3), and ``other``
(:class:`OtherTypeProfile`) the other one, for comparisons.

A profile may say which account type it stands for (``"account_type": "standard" | "raw"``; the
bundled ones do) and the commission such an account charges (``"commission"``: a
costs.CommissionSchedule; default by type: none for Standard, :data:`RAW_COMMISSION` for Raw/ECN).
A what-if under a profile of another account type than the export shows charges that commission
instead of the exported one (whatif.reprice): a Standard account charges none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
import pandas as pd

from fxcost.analysis.codes import factorize as codes_of
from fxcost.analysis.costs import CommissionSchedule
from fxcost.analysis.instruments import CATEGORIES
from fxcost.errors import FxCostError, did_you_mean
from fxcost.model import Account
from fxcost.resources import asset

if TYPE_CHECKING:  # broker_catalogue imports this module's account_type_evidence
    from fxcost.analysis.broker_catalogue import Entry

UNITS = ("pips", "points", "price")
BUNDLED = {
    "standard": "spread-profiles/standard.json",
    "raw": "spread-profiles/raw.json",
}
AUTO = "auto"
#: ``load_profile`` name of :class:`OtherTypeProfile` (per account: the account type the export does not show).
OTHER = "other"
_TOP_KEYS = ("name", "unit", "spreads", "categories", "source", "date", "description", "account_type", "commission")
#: Account types a profile can stand for: spread only, or a raw/ECN spread plus commission.
ACCOUNT_TYPES = ("standard", "raw")


class _CommissionFields(TypedDict, total=False):
    """Fields of a costs.CommissionSchedule, as the constants below give them."""

    name: str
    rate: float
    per: str
    currency: str


#: The commission of a typical Raw/ECN account (DOMAIN.md 4: "$3.50 per side per standard lot, so $7 round-turn").
RAW_COMMISSION: _CommissionFields
RAW_COMMISSION = {"name": "7 USD per lot round turn (typical Raw/ECN)", "rate": 7.0, "per": "round_turn",
                  "currency": "USD"}
#: A Standard account's commission: none (its cost is all in the wider spread).
STANDARD_COMMISSION: _CommissionFields = {"name": "none (Standard account)", "rate": 0.0}
_ENTRY_KEYS = ("value", "unit", "source", "date")
#: Symbol suffixes that mark a commission-based raw/ECN account (DOMAIN.md 1.3), upper case without the separator.
RAW_SUFFIXES = ("R", "RAW", "ECN", "ZERO")
#: Share of an account's trades that must pay commission (or carry a raw suffix) for ``auto`` to pick Raw/ECN.
RAW_SHARE = 0.5


class ProfileError(FxCostError):
    """A spread profile file is missing or invalid; the message says which entry and why."""


def _unknown(where: str, path: str, keys: Iterable[str], allowed: tuple[str, ...]) -> ProfileError | None:
    """An error naming unknown keys with a "did you mean", as rebate programs do; None when all are known."""
    unknown = [k for k in keys if k not in allowed]
    if not unknown:
        return None
    parts = []
    for key in unknown:
        parts.append(json.dumps(key) + did_you_mean(key, allowed))
    noun = "key" if len(unknown) == 1 else "keys"
    return ProfileError(f"{where}: {path}unknown {noun} {', '.join(parts)}; allowed: {', '.join(allowed)}")


def _unit_error(where: str, path: str, unit: object) -> ProfileError:
    hint = did_you_mean(unit, UNITS) if isinstance(unit, str) else ""
    return ProfileError(f"{where}: {path}unit {json.dumps(unit)} is not one of {', '.join(UNITS)}{hint}")


@dataclass
class SpreadValue:
    value: float
    unit: str
    source: str = ""
    date: str = ""
    label: str = ""  # the trades' spread source (default "profile: <profile name>"); catalogue entries name theirs


@dataclass
class SpreadProfile:
    """Typical round-turn spreads per symbol root and per category."""

    name: str
    unit: str = "pips"
    spreads: dict[str, SpreadValue] = field(default_factory=dict)
    categories: dict[str, SpreadValue] = field(default_factory=dict)
    source: str = ""
    date: str = ""
    path: str = ""
    account_type: str = ""  # "standard", "raw" or "" (unknown: a what-if keeps the exported commission)
    commission: CommissionSchedule | None = None  # what such an account charges (None: by account_type)
    catalogue_entry: object | None = None  # broker_catalogue.Entry this profile was made from (issue 12), else None

    def account_commission(self) -> CommissionSchedule | None:
        """The commission an account of this profile's type charges (replacing the exported one in a what-if):
        the profile's own ``commission``, else none for Standard and :data:`RAW_COMMISSION` for Raw/ECN;
        None when the profile names no account type."""
        if self.commission is not None:
            return CommissionSchedule(**{**self.commission.as_dict(), "apply": "always"})
        if self.account_type == "standard":
            return CommissionSchedule(**STANDARD_COMMISSION, apply="always")
        if self.account_type == "raw":
            return CommissionSchedule(**RAW_COMMISSION, apply="always")
        return None

    @classmethod
    def from_dict(cls, data: object, where: str = "") -> SpreadProfile:
        if not isinstance(data, dict):
            raise ProfileError(f"{where}: a spread profile must be a JSON object")
        error = _unknown(where, "", data, _TOP_KEYS)
        if error:
            raise error
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ProfileError(f"{where}: the profile needs a \"name\"")
        unit: str = data.get("unit", "pips")  # checked against UNITS below
        if unit not in UNITS:
            raise _unit_error(where, "", unit)
        source, date = str(data.get("source", "")), str(data.get("date", ""))

        def entries(key: str) -> dict[str, SpreadValue]:
            raw = data.get(key, {})
            if not isinstance(raw, dict):
                raise ProfileError(f"{where}: \"{key}\" must be an object of name: spread")
            out = {}
            for name_, entry in raw.items():
                if isinstance(entry, (int, float)) and not isinstance(entry, bool):
                    value = SpreadValue(float(entry), unit, source, date)
                elif (isinstance(entry, dict) and isinstance(entry.get("value"), (int, float))
                      and not isinstance(entry.get("value"), bool)):
                    error = _unknown(where, f"{key}.{name_}: ", entry, _ENTRY_KEYS)
                    if error:
                        raise error
                    value = SpreadValue(float(entry["value"]), entry.get("unit", unit),
                                        str(entry.get("source", source)), str(entry.get("date", date)))
                else:
                    raise ProfileError(f"{where}: {key}.{name_} must be a number or {{\"value\": number, ...}}")
                if value.unit not in UNITS:
                    raise _unit_error(where, f"{key}.{name_}: ", value.unit)
                if not np.isfinite(value.value) or value.value < 0:
                    raise ProfileError(f"{where}: {key}.{name_} = {value.value} is not a spread (must be >= 0)")
                if key == "categories" and name_ not in CATEGORIES:
                    hint = did_you_mean(name_, CATEGORIES)
                    raise ProfileError(f"{where}: categories: unknown category {json.dumps(name_)}{hint}; "
                                       f"allowed: {', '.join(CATEGORIES)}")
                out[name_.upper() if key == "spreads" else name_] = value
            return out

        account_type = data.get("account_type", "")
        if account_type not in ("", *ACCOUNT_TYPES):
            hint = did_you_mean(account_type, ACCOUNT_TYPES) if isinstance(account_type, str) else ""
            raise ProfileError(f"{where}: account_type {json.dumps(account_type)} is not one of "
                               f"{', '.join(ACCOUNT_TYPES)}{hint}")
        commission = None
        if "commission" in data:
            if not isinstance(data["commission"], dict):
                raise ProfileError(f"{where}: \"commission\" must be an object such as {{\"rate\": 7.0, \"per\": "
                                   "\"round_turn\"}} (the commission an account of this type charges)")
            try:
                commission = CommissionSchedule.from_dict({**data["commission"], "apply": "always"})
            except (TypeError, ValueError) as exc:
                raise ProfileError(f"{where}: commission: {exc}") from exc
            if "name" not in data["commission"]:
                commission.name = (f"{commission.rate:g} {commission.model.replace('_', ' ')} "
                                   f"{commission.per.replace('_', ' ')}" if commission.rate else "none")
        return cls(name=name.strip(), unit=unit, spreads=entries("spreads"), categories=entries("categories"),
                   source=source, date=date, account_type=account_type, commission=commission)

    def as_dict(self) -> dict[str, Any]:
        def dump(d: dict[str, SpreadValue]) -> dict[str, dict[str, Any]]:
            return {k: {"value": v.value, "unit": v.unit, "source": v.source, "date": v.date} for k, v in d.items()}

        out: dict[str, Any] = {"name": self.name, "unit": self.unit, "source": self.source, "date": self.date,
               "spreads": dump(self.spreads), "categories": dump(self.categories)}
        if self.account_type:
            out["account_type"] = self.account_type
        if self.commission is not None:
            out["commission"] = {k: v for k, v in self.commission.as_dict().items() if k != "apply"}
        return out

    def spread_price(self, t: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Round-turn spread in price units for each trade, and its source label.

        ``t`` needs symbol_root, category, pip and point (from instruments.classify); a ``spread_tod`` column (the
        engine's time-of-day multiplier per trade, issue 12) scales the profile's averages.
        """
        n = len(t)
        # Group on integer codes: a million trades have a handful of (root, category, pip, point).
        parts = [codes_of(t["symbol_root"]), codes_of(t["category"]), pd.factorize(t["pip"].to_numpy()),
                 pd.factorize(t["point"].to_numpy())]
        key = np.zeros(n, dtype=np.int64)
        for codes, uniques in parts:
            key = key * (len(uniques) + 1) + codes + 1
        group, first = _groups(key)
        prices = np.zeros(len(first))
        labels = np.full(len(first), f"default: no spread for this symbol in {self.name}", dtype=object)
        missing: tuple[Any, ...] = (None, None, np.nan, np.nan)  # what a code of -1 (NaN in the column) stands for
        for g, i in enumerate(first):
            root, cat, pip, point = (u[c[i]] if c[i] >= 0 else miss for (c, u), miss in zip(parts, missing))
            entry = self.spreads.get(str(root).upper())
            label = f"profile: {self.name}"
            if entry is None:
                entry = self.categories.get(cat)
                label = f"profile: {self.name} ({cat} average)"
            if entry is None:
                continue
            label = entry.label or label
            factor = {"pips": pip, "points": point, "price": 1.0}[entry.unit]
            prices[g] = entry.value * factor
            labels[g] = label
        prices = prices[group]
        if "spread_tod" in t.columns:  # the time-of-day multiplier at the trade's open and close (spread_hours)
            prices = prices * t["spread_tod"].to_numpy(dtype="float64")
        return prices, labels[group]


#: Start of the source label of a trade the profile gives no spread (costed at 0: see :func:`missing_spread`).
NO_SPREAD = "default: no spread for this symbol in "


def missing_spread(t: pd.DataFrame, source: np.ndarray) -> tuple[int, list[str]]:
    """Trades whose spread ``source`` says the profile had none for them (count, sorted symbol roots)."""
    by_root = missing_spread_by_root(t, source)
    return sum(by_root.values()), sorted(by_root)


def missing_spread_by_root(t: pd.DataFrame, source: np.ndarray) -> dict[str, int]:
    """Trades costed with no spread at all (the profile had neither the symbol nor its category), per symbol
    root, most trades first."""
    codes, labels = pd.factorize(np.asarray(source, dtype=object))
    bad = np.array([str(x).startswith(NO_SPREAD) for x in labels] + [False])[codes]
    if not bad.any():
        return {}
    counts = pd.Series(np.asarray(t["symbol_root"], dtype=object)[bad]).astype(str).value_counts()
    return {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def account_type_evidence(t: pd.DataFrame) -> tuple[str, int, int, int]:
    """What an account's export says about its type: ("raw" | "standard", trades, trades that paid commission
    in the export, trades with a raw-account symbol suffix).

    Raw/ECN when more than :data:`RAW_SHARE` of the trades paid commission (the exported commission column
    is < 0; a what-if schedule is no evidence) or carry a raw-account suffix (``.r``, ``.raw``, ``.ecn``,
    ``zero``: DOMAIN.md 1.3); else Standard (also with no trades).
    """
    n = len(t)
    if not n:
        return "standard", 0, 0, 0
    commission = t["commission"].to_numpy(dtype="float64") if "commission" in t.columns else np.zeros(n)
    if "commission_source" in t.columns:  # a what-if schedule is not evidence of the account type
        # Read per distinct source (issue 14: a text copy of every trade's source, per client of a book, per setup).
        codes, sources = codes_of(t["commission_source"])
        exported = np.array([str(x) == "export" for x in sources] + [False])[codes]
        commission = np.where(exported, commission, 0.0)
    charged = int((commission < 0).sum())
    raw_suffix = 0
    if "symbol_suffix" in t.columns:
        codes, suffixes = codes_of(t["symbol_suffix"])
        is_raw = np.array([str(x).strip().lstrip("._#-").upper() in RAW_SUFFIXES for x in suffixes] + [False])
        raw_suffix = int(is_raw[codes].sum())
    kind = "raw" if charged / n > RAW_SHARE or raw_suffix / n > RAW_SHARE else "standard"
    return kind, n, charged, raw_suffix


@dataclass
class AutoProfile(SpreadProfile):
    """``auto``: per account, the Raw/ECN profile when the export shows a commission-based account, else Standard.

    Raw/ECN when more than :data:`RAW_SHARE` of the account's trades paid commission (the exported
    commission column is < 0) or carry a raw-account symbol suffix (``.r``, ``.raw``, ``.ecn``,
    ``zero``: DOMAIN.md 1.3); else Standard. The engine calls :meth:`choose` once per account and
    records the choice and the reason; :meth:`spread_price` on a frame chooses for that frame.
    """

    standard: SpreadProfile | None = None
    raw: SpreadProfile | None = None
    catalogue: bool = True  # issue 12: a statement naming a catalogued broker is costed with its entry

    def choose(self, t: pd.DataFrame, account: Account | None = None) -> tuple[SpreadProfile, str]:
        """The profile for one account's trades, and why (one sentence for the user). With the ``account``
        (model.Account) whose company or server names a broker of the catalogue (broker_catalogue), that broker's
        entry for the account type the trades show, its gaps filled by the generic profile of that type."""
        assert self.standard is not None and self.raw is not None  # auto_profile() sets both
        if account is not None and self.catalogue:
            from fxcost.analysis import broker_catalogue

            entry, why = broker_catalogue.bundled().pick(account, t)
            if entry is not None:
                generic = self.raw if entry.account_type == "raw" else self.standard
                return catalogue_profile(entry, generic, account.currency), why
        kind, n, charged, raw_suffix = account_type_evidence(t)
        if not n:
            return self.standard, "no trades: Standard"
        share = charged / n
        if share > RAW_SHARE:
            return self.raw, (f"commission charged on {charged} of {n} trades ({share:.0%}): a commission-based "
                              f"account, costed with {self.raw.name}")
        if kind == "raw":
            return self.raw, (f"{raw_suffix} of {n} trades carry a raw-account symbol suffix "
                              f"(.r, .raw, .ecn, zero; DOMAIN.md 1.3): costed with {self.raw.name}")
        return self.standard, (f"commission charged on {charged} of {n} trades ({share:.0%}) and no raw-account "
                               f"symbol suffix: a spread-only account, costed with {self.standard.name}")

    def spread_price(self, t: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return self.choose(t)[0].spread_price(t)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "auto": True}


@dataclass
class OtherTypeProfile(AutoProfile):
    """``other``: per account, the account type it does *not* have (for comparisons): Standard for a Raw/ECN
    account, Raw/ECN for a Standard one.

    The account's type is that of the profile it was costed with when that profile names one (the user's
    choice of account type), else what the export shows (:func:`account_type_evidence`).
    """

    def other_than(self, actual: SpreadProfile | None, t: pd.DataFrame) -> SpreadProfile:
        """The other type's profile for an account costed with ``actual`` whose trades are ``t``."""
        assert self.standard is not None and self.raw is not None  # other_type_profile() sets both
        kind = getattr(actual, "account_type", "") or account_type_evidence(t)[0]
        return self.standard if kind == "raw" else self.raw

    def choose(self, t: pd.DataFrame, account: Account | None = None) -> tuple[SpreadProfile, str]:
        profile = self.other_than(None, t)
        return profile, f"the account type the export does not show: {profile.name}"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "other": True}


def catalogue_profile(entry: Entry, generic: SpreadProfile, currency: str = "") -> SpreadProfile:
    """A spread profile from a broker catalogue entry (broker_catalogue.Entry): its published spreads (a published
    minimum raises the generic value to at least it), the generic profile's for the rest, each labelled with where
    it came from; its commission in the account ``currency`` when the catalogue has one, else the generic type's."""
    spreads = {}
    for root, v in generic.spreads.items():
        spreads[root] = SpreadValue(v.value, v.unit, v.source, v.date,
                                    f"profile: {generic.name} (not in the catalogue entry {entry.name})")
    categories = {c: SpreadValue(v.value, v.unit, v.source, v.date, f"profile: {generic.name} ({c} average)")
                  for c, v in generic.categories.items()}
    for root, pub in entry.published().items():
        base = spreads.get(root)
        value, unit = pub.value, pub.unit if pub.unit in UNITS else "pips"
        label = f"catalogue: {entry.name} ({pub.basis} {pub.value:g} {unit}; {pub.cite()})"
        if pub.basis == "minimum":
            if base is not None and base.unit == unit and base.value > value:
                value = base.value
                label = (f"profile: {generic.name}, above {entry.name}'s published minimum of {pub.value:g} {unit} "
                         f"({pub.cite()})")
            else:
                label = f"catalogue: {entry.name} (published minimum {pub.value:g} {unit}; {pub.cite()})"
        spreads[root] = SpreadValue(value, unit, pub.source, pub.date, label)
    commission = entry.commission_schedule(currency) if currency else None
    profile = SpreadProfile(name=f"{entry.name} (broker catalogue)", unit="pips", spreads=spreads,
                            categories=categories, source=f"broker catalogue; gaps from {generic.name}",
                            date=generic.date, account_type=entry.account_type,
                            commission=commission or generic.commission)
    profile.catalogue_entry = entry
    return profile


def resolve(profile: SpreadProfile, actual: SpreadProfile | None, t: pd.DataFrame,
            account: Account | None = None) -> SpreadProfile:
    """The concrete profile ``profile`` stands for on one account (costed with ``actual``, trades ``t``):
    ``other`` and ``auto`` choose per account, a table is itself. With the ``account`` (model.Account), ``auto``
    picks its broker's catalogue entry as the analysis does (issue 12)."""
    if isinstance(profile, OtherTypeProfile):
        return profile.other_than(actual, t)
    if isinstance(profile, AutoProfile):
        return profile.choose(t, account)[0]
    return profile


def auto_profile() -> AutoProfile:
    """The ``auto`` choice (the CLI default): Raw/ECN or Standard per account, see :class:`AutoProfile`."""
    standard, raw = _bundled("standard"), _bundled("raw")
    return AutoProfile(name=f"Auto ({standard.name} or {raw.name} per account)", unit="pips",
                       source="chosen per account from the export's commission and symbol suffixes",
                       standard=standard, raw=raw)


def other_type_profile() -> OtherTypeProfile:
    """The ``other`` choice, for comparisons: per account the bundled table of the account type it does not have,
    see :class:`OtherTypeProfile`."""
    standard, raw = _bundled("standard"), _bundled("raw")
    return OtherTypeProfile(name=f"The other account type ({standard.name} or {raw.name})", unit="pips",
                            source="per account, the account type the export does not show",
                            standard=standard, raw=raw)


def _groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row and one row of each group (hashing, no sort of the rows)."""
    codes, uniques = pd.factorize(key)
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes] = np.arange(len(key))  # any row of a group will do: its rows share the key
    return codes, first


def load_profile(name_or_path: str | Path) -> SpreadProfile:
    """A bundled profile by name ("standard", "raw", or its display name), ``auto``, ``other`` or a JSON file."""
    key = str(name_or_path)
    lowered = key.lower()
    if lowered == AUTO:
        return auto_profile()
    if lowered == OTHER:
        return other_type_profile()
    for short in BUNDLED:
        if lowered == short:
            return _bundled(short)
    for short in BUNDLED:
        profile = _bundled(short)
        if profile.name.lower() == lowered:
            return profile
    path = Path(key)
    if not path.exists():
        raise ProfileError(
            f"No spread profile {key!r}: give a bundled name ({', '.join(BUNDLED)}), {AUTO!r}, {OTHER!r} or the path "
            "of a JSON file."
        )
    return _read(path)


def bundled_profiles() -> list[SpreadProfile]:
    return [_bundled(short) for short in BUNDLED]


def _bundled(short: str) -> SpreadProfile:
    """A bundled profile; it stands for the account type it is named after ("standard", "raw")."""
    profile = _read(asset(BUNDLED[short]))
    if not profile.account_type and short in ACCOUNT_TYPES:
        profile.account_type = short
    return profile


def _read(path: Path) -> SpreadProfile:
    from fxcost import safeio

    try:
        data = safeio.read_json(path, "spread profile")
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the spread profile ({exc.strerror or exc})") from exc
    except safeio.FileRefused as exc:  # too large, binary, not JSON, nested too deeply (issue 13)
        raise ProfileError(f"{path}: {exc}") from exc
    try:
        profile = bounded(SpreadProfile.from_dict(data, str(path)), str(path))
    except RecursionError as exc:
        raise ProfileError(f"{path}: nested too deeply to be a spread profile") from exc
    profile.path = str(path)
    return profile


#: Largest spread a profile may give, in any unit: beyond it a value is a typo or a hostile file (issue 13: a
#: spread of 1e300 printed 300-digit costs).
MAX_SPREAD = 1e6


def bounded(profile: SpreadProfile, where: str) -> SpreadProfile:
    """``profile``, refused with the first spread over :data:`MAX_SPREAD`."""
    for key, values in (("spreads", profile.spreads), ("categories", profile.categories)):
        for name, value in values.items():
            if value.value > MAX_SPREAD:
                raise ProfileError(f"{where}: {key}.{name} = {value.value:g} is not a spread (at most "
                                   f"{MAX_SPREAD:g} {value.unit})")
    return profile
