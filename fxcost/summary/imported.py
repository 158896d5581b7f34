"""What an import holds, typed (issue 10): the Import panel formats this, not the JSON document's mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from fxcost.importers.reconcile import explanations
from fxcost.summary import document

#: What the text and the Import panel say of a currency the file does not print: every figure takes it as USD.
UNPRINTED_CURRENCY = "not printed (taken as USD)"


@dataclass(frozen=True)
class FileCheck:
    """One printed total of a file compared with the import: ``cause`` None when they agree."""

    field: str
    imported: float | None
    printed: float | None
    agrees: bool
    cause: str = ""


@dataclass(frozen=True)
class ImportedFile:
    """One imported file: its account's currency, its reconciliation and its warnings (each once)."""

    path: str
    currency: str
    checks: tuple[FileCheck, ...]
    warnings: tuple[str, ...]
    #: Those of ``warnings`` that say why the report prints a total other than the import's by design, which the
    #: check allowed for (reconcile.explanation): notes, not faults.
    explained: frozenset[str] = frozenset()
    #: Its orders that never filled (cancelled, expired, rejected) and its pending orders still working.
    cancelled_orders: int = 0
    working_orders: int = 0

    @property
    def has_faults(self) -> bool:
        """A total that does not reconcile, or a warning that is more than such a note."""
        return not all(c.agrees for c in self.checks) or any(w not in self.explained for w in self.warnings)


@dataclass(frozen=True)
class ImportSummary:
    """Every figure the Import panel shows: per file its checks and warnings, and the totals over closed trades
    (document.summary's ``totals``) in ``currency``."""

    files: tuple[ImportedFile, ...]
    totals: Mapping[str, Any]
    currency: str


def import_summary(portfolio) -> ImportSummary:
    """The typed import summary of ``portfolio`` (reconciliation as the importers checked it, totals as the JSON's)."""
    files = []
    for f in portfolio.files:
        rec = f.reconciliation
        checks = tuple(FileCheck(name, mine, printed, name not in rec.differences,
                                 "" if name not in rec.differences else (rec.differences[name].cause or ""))
                       for name, (mine, printed) in rec.compared.items())
        cancelled, working = document.order_counts(f.statement.orders)
        files.append(ImportedFile(f.statement.path, f.statement.account.currency or "", checks,
                                  tuple(dict.fromkeys(document.file_warnings(f))), explanations(f.statement),
                                  cancelled, working))
    totals = document.import_totals(portfolio)
    currency = totals.pop("currency", None)
    return ImportSummary(tuple(files), MappingProxyType(totals), currency if isinstance(currency, str) else "")
