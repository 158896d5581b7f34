"""What the user must see first about each file (issue 11): it does not reconcile, rows were skipped, or its
opening balance was derived; every surface shows these at its top (Overview banner, CLI text, Excel Summary)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from fxcost.money import money_text as _fmt

#: Severities: "error" = the figures may be wrong (a difference, a skipped row); "note" = right, but read this.
ERROR, NOTE = "error", "note"


@dataclass(frozen=True)
class FileAlert:
    """One file's alert: a headline and the lines that say what differs and what to check."""

    file: str  # the file's name (no folder)
    severity: str  # ERROR or NOTE
    headline: str
    details: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The alert as text lines: the headline, then each detail indented."""
        return [self.headline, *(f"  {d}" for d in self.details)]

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "severity": self.severity, "headline": self.headline,
                "details": list(self.details)}


#: Skipped rows named in an alert before "and N more" (the Import tab and --json list them all).
SKIPPED_SHOWN = 3


def file_alerts(portfolio) -> tuple[FileAlert, ...]:
    """Per imported file, an ERROR alert when it does not reconcile (trades or cash: each difference with its
    cause, the thing to check) or had rows skipped, and a NOTE for what the cash reconciliation says although
    it reconciles (a derived opening balance); errors first."""
    errors: list[FileAlert] = []
    notes: list[FileAlert] = []
    for f in portfolio.files:
        st, rec = f.statement, f.reconciliation
        name = os.path.basename(st.path)
        details = []
        for diff in rec.differences.values():
            cause = (diff.cause or "cause unknown: compare the file with the report MetaTrader shows").rstrip(".")
            details.append(f"{diff.field}: imported {_fmt(diff.imported)}, the report prints {_fmt(diff.printed)} "
                           f"(difference {_fmt(diff.difference)}). Check: {cause}.")
        if st.skipped:
            shown = "; ".join(str(s) for s in st.skipped[:SKIPPED_SHOWN])
            more = f"; and {len(st.skipped) - SKIPPED_SHOWN} more" if len(st.skipped) > SKIPPED_SHOWN else ""
            details.append(f"{len(st.skipped)} row(s) skipped: {shown}{more}. Check: the Import tab lists each "
                           "skipped row and why; figures that rest on those rows are incomplete.")
        if details:
            what = [w for w, on in (("does not reconcile with the report's own totals", rec.differences),
                                    (f"had {len(st.skipped)} row(s) skipped", st.skipped)) if on]
            errors.append(FileAlert(name, ERROR, f"{name} {' and '.join(what)}", tuple(details)))
        if rec.cash.notes:
            headline = (f"{name}: opening balance {_fmt(rec.cash.opening_balance)} derived from the printed Balance"
                        if rec.cash.opening_derived and rec.cash.opening_balance else f"{name}: about its cash")
            notes.append(FileAlert(name, NOTE, headline, tuple(rec.cash.notes)))
    return tuple(errors + notes)
