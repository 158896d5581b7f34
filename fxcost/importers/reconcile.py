"""Reconciliation: the imported sums against the report's own printed totals, field by field."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from fxcost.model import Statement

#: Two money figures agree when they differ by less than half a cent (or half a unit on
#: integer-money reports, where the report rounds every row).
MONEY_TOLERANCE = 0.005

#: Printed field -> what it is compared with, and how that imported figure is computed.
FIELDS = ("profit", "commission", "taxes", "swap", "closed_pl", "total_net_profit", "trades")


@dataclass
class Difference:
    """One field whose imported sum differs from the printed total."""

    field: str
    imported: float
    printed: float
    cause: str = ""

    @property
    def difference(self) -> float:
        return round(self.imported - self.printed, 8)

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": _round(self.imported),
            "printed": _round(self.printed),
            "difference": _round(self.difference),
            "cause": self.cause,
        }

    def __str__(self) -> str:
        text = f"{self.field}: imported {_fmt(self.imported)}, report prints {_fmt(self.printed)}"
        return text + (f" ({self.cause})" if self.cause else " (cause unknown)")


@dataclass
class Reconciliation:
    """Result of comparing one statement's import with its printed totals."""

    compared: dict[str, tuple[float, float]] = field(default_factory=dict)  # field -> (imported, printed)
    differences: dict[str, Difference] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.differences

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "differences": {k: d.as_json() for k, d in self.differences.items()}}


def imported_totals(statement: Statement) -> dict[str, float]:
    """The figures of the import that a report prints totals for."""
    t = statement.trades
    profit = float(t["profit"].sum())
    commission = float(t["commission"].sum())
    taxes = float(t["taxes"].sum())
    swap = float(t["swap"].sum())
    return {
        "profit": profit,
        "commission": commission,
        "taxes": taxes,
        "swap": swap,
        "closed_pl": profit + commission + taxes + swap,
        "total_net_profit": profit + commission + taxes + swap,
        "trades": float(len(t)),
    }


def reconcile(statement: Statement) -> Reconciliation:
    """Compare the import with every total the report printed.

    A reader that knows why a printed figure is computed differently (e.g. commission of
    still-open MT5 positions, or a broker adjustment row counted in the report's totals)
    records the imported-side adjustment in ``printed.extra["adjust"][field]`` and the
    reason in ``printed.extra["causes"][field]``; the cause then accompanies any remaining
    difference, and an explained adjustment is itself reported as a warning by the loader.
    """
    printed = statement.printed
    imported = imported_totals(statement)
    adjust: dict[str, float] = printed.extra.get("adjust", {})
    causes: dict[str, str] = printed.extra.get("causes", {})
    result = Reconciliation()
    tolerance = MONEY_TOLERANCE
    for name in FIELDS:
        value = getattr(printed, name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        mine = imported[name] + adjust.get(name, 0.0)
        result.compared[name] = (mine, float(value))
        limit = 0.5 if name == "trades" else tolerance
        if abs(mine - float(value)) > limit:
            result.differences[name] = Difference(name, mine, float(value), causes.get(name, ""))
    return result


def _round(value: float) -> float:
    return round(value, 2) if not float(value).is_integer() else float(value)


def _fmt(value: float) -> str:
    return f"{value:,.2f}".replace(",", " ")
