"""Checks shared by the importers: which columns a table has, the required fields its rows must have, and why a row is skipped.

Every reader parses a section column-wise, then drops the rows whose required cells cannot be read and lists each
one as a :class:`fxcost.model.SkippedRow` with its reason (docs/MODEL.md). :class:`RowChecks` holds those checks in
the order they are made, so that a reader states each check once (a mask and its reason) and gets from it the rows
to keep and the reasons of the rows it skips. The readers of user-made tables (CSV trade lists, partner reports) find
their columns by :func:`mapped_columns` and :func:`match_synonyms`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from fxcost.errors import ImportFailed


class RowChecks:
    """The failed checks of ``n`` rows, in the order they were made.

    ``fail(mask, reason)`` records that the rows where ``mask`` is true fail a check; ``bad`` / ``ok`` are the rows
    that fail any / none. A reader that names one reason per row takes :meth:`first_reasons`; one that names every
    unreadable field (the MT4 statement: "cannot read ticket, open time") takes :meth:`reasons_of`.
    """

    def __init__(self, n: int, checks: Iterable[tuple[np.ndarray, str]] = ()) -> None:
        self.bad = np.zeros(n, dtype=bool)
        self._checks: list[tuple[np.ndarray, str]] = []
        for mask, reason in checks:
            self.fail(mask, reason)

    def fail(self, mask: np.ndarray, reason: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        self._checks.append((mask, reason))
        self.bad |= mask

    @property
    def ok(self) -> np.ndarray:
        return ~self.bad

    def first_reasons(self, rows: np.ndarray | None = None) -> list[tuple[int, str]]:
        """(row index, the first failed check's reason) of each failing row in ``rows`` (default: all), in row
        order."""
        picked = np.flatnonzero(self.bad) if rows is None else np.flatnonzero(self.bad & rows)
        return [(int(i), next(why for mask, why in self._checks if mask[i])) for i in picked]

    def reasons_of(self, i: int) -> list[str]:
        """Every failed check's reason for row ``i``, in check order."""
        return [why for mask, why in self._checks if mask[i]]


def none_if_zero(values: np.ndarray) -> np.ndarray:
    """S/L and T/P: a price of 0 (or an empty cell) means none, kept as NaN (FORMATS.md 2.2, docs/MODEL.md)."""
    a = np.asarray(values, dtype="float64")
    return np.where(a == 0, np.nan, a)


def reason_not_whole_id(what: str) -> str:
    """The skip reason of an id cell that is no ticket (issue 13: a position number of 1e300 was cast to int64)."""
    return f"the {what} number is not a whole number below 2^63"



def mapped_columns(headers: Sequence[str], mapping: Mapping[str, str] | None, known: Iterable[str], path: str,
                   what: str) -> dict[str, str]:
    """The user's column mapping (canonical name -> header), each entry checked: a name fxcost knows, a column the
    file has. ``what`` names the table in the message ("CSV", "partner-report").

    Raises:
        ImportFailed: an unknown name, or a header the file does not have.
    """
    known = list(known)
    columns: dict[str, str] = {}
    for canonical, header in dict(mapping or {}).items():
        if canonical not in known:
            raise ImportFailed(path, f"Unknown column name {canonical!r} in the {what} mapping. "
                                     f"Known names: {', '.join(known)}.")
        if header not in headers:
            raise ImportFailed(path, f"The {what} mapping names column {header!r} for {canonical}, but the file has "
                                     f"no such column. Columns found: {', '.join(repr(h) for h in headers[:20])}.")
        columns[canonical] = header
    return columns


def match_synonyms(columns: dict[str, str], headers: Sequence[str], keys: Sequence[str],
                   synonyms: Mapping[str, Sequence[str]], used: set[str]) -> None:
    """Give each canonical column not in ``columns`` yet the first header not ``used`` whose key (``keys``, aligned
    with ``headers``) is one of its synonyms, tried in order of preference ("Commission" before "Total")."""
    for canonical, names in synonyms.items():
        if canonical in columns:
            continue
        for synonym in names:
            match = next((h for h, k in zip(headers, keys) if k == synonym and h not in used), None)
            if match is not None:
                columns[canonical] = match
                used.add(match)
                break
