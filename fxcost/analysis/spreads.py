"""Spread profiles: editable per-symbol / per-category typical spreads, with source and date.

A profile is a JSON file. The minimal form is ``{"name": "...", "unit": "pips", "spreads":
{"EURUSD": 1.2}}`` (symbols by normalised root); an entry may also be an object
``{"value": 0.30, "unit": "price", "source": "...", "date": "..."}`` and a profile may give
``"categories": {"fx_minor": 2.5}`` as fallbacks. Units: ``pips``, ``points`` or ``price``.
Two profiles are bundled ("Typical Standard account", "Typical Raw/ECN account"), built from
the published averages in DOMAIN.md 3.3.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fxcost.analysis.codes import factorize as codes_of
from fxcost.errors import FxCostError
from fxcost.resources import asset

UNITS = ("pips", "points", "price")
BUNDLED = {
    "standard": "spread-profiles/standard.json",
    "raw": "spread-profiles/raw.json",
}


class ProfileError(FxCostError):
    """A spread profile file is missing or invalid; the message says which entry and why."""


@dataclass
class SpreadValue:
    value: float
    unit: str
    source: str = ""
    date: str = ""


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

    @classmethod
    def from_dict(cls, data: dict, where: str = "") -> SpreadProfile:
        if not isinstance(data, dict):
            raise ProfileError(f"{where}: a spread profile must be a JSON object")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ProfileError(f"{where}: the profile needs a \"name\"")
        unit = data.get("unit", "pips")
        if unit not in UNITS:
            raise ProfileError(f"{where}: unit {unit!r} is not one of {', '.join(UNITS)}")
        source, date = str(data.get("source", "")), str(data.get("date", ""))

        def entries(key: str) -> dict[str, SpreadValue]:
            raw = data.get(key, {})
            if not isinstance(raw, dict):
                raise ProfileError(f"{where}: \"{key}\" must be an object of name: spread")
            out = {}
            for name_, entry in raw.items():
                if isinstance(entry, (int, float)) and not isinstance(entry, bool):
                    value = SpreadValue(float(entry), unit, source, date)
                elif isinstance(entry, dict) and isinstance(entry.get("value"), (int, float)):
                    value = SpreadValue(float(entry["value"]), entry.get("unit", unit),
                                        str(entry.get("source", source)), str(entry.get("date", date)))
                else:
                    raise ProfileError(f"{where}: {key}.{name_} must be a number or {{\"value\": number, ...}}")
                if value.unit not in UNITS:
                    raise ProfileError(f"{where}: {key}.{name_} has unit {value.unit!r}; use {', '.join(UNITS)}")
                if not np.isfinite(value.value) or value.value < 0:
                    raise ProfileError(f"{where}: {key}.{name_} = {value.value} is not a spread (must be >= 0)")
                out[name_.upper() if key == "spreads" else name_] = value
            return out

        return cls(name=name.strip(), unit=unit, spreads=entries("spreads"), categories=entries("categories"),
                   source=source, date=date)

    def as_dict(self) -> dict:
        def dump(d: dict[str, SpreadValue]) -> dict:
            return {k: {"value": v.value, "unit": v.unit, "source": v.source, "date": v.date} for k, v in d.items()}

        return {"name": self.name, "unit": self.unit, "source": self.source, "date": self.date,
                "spreads": dump(self.spreads), "categories": dump(self.categories)}

    def spread_price(self, t: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Round-turn spread in price units for each trade, and its source label.

        ``t`` needs symbol_root, category, pip and point (from instruments.classify).
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
        missing = (None, None, np.nan, np.nan)  # what a code of -1 (NaN in the column) stands for
        for g, i in enumerate(first):
            root, cat, pip, point = (u[c[i]] if c[i] >= 0 else miss for (c, u), miss in zip(parts, missing))
            entry = self.spreads.get(str(root).upper())
            label = f"profile: {self.name}"
            if entry is None:
                entry = self.categories.get(cat)
                label = f"profile: {self.name} ({cat} average)"
            if entry is None:
                continue
            factor = {"pips": pip, "points": point, "price": 1.0}[entry.unit]
            prices[g] = entry.value * factor
            labels[g] = label
        return prices[group], labels[group]


def _groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row and one row of each group (hashing, no sort of the rows)."""
    codes, uniques = pd.factorize(key)
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes] = np.arange(len(key))  # any row of a group will do: its rows share the key
    return codes, first


def load_profile(name_or_path: str | Path) -> SpreadProfile:
    """A bundled profile by name ("standard", "raw", or its display name) or a JSON file."""
    key = str(name_or_path)
    lowered = key.lower()
    for short, rel in BUNDLED.items():
        if lowered == short:
            return _read(asset(rel))
    for short in BUNDLED:
        profile = _read(asset(BUNDLED[short]))
        if profile.name.lower() == lowered:
            return profile
    path = Path(key)
    if not path.exists():
        raise ProfileError(
            f"No spread profile {key!r}: give a bundled name ({', '.join(BUNDLED)}) or the path of a JSON file."
        )
    return _read(path)


def bundled_profiles() -> list[SpreadProfile]:
    return [_read(asset(rel)) for rel in BUNDLED.values()]


def _read(path: Path) -> SpreadProfile:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the spread profile ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    profile = SpreadProfile.from_dict(data, str(path))
    profile.path = str(path)
    return profile
