"""A broker's partner-portal report (CSV or XLSX): what the broker says it paid the IB, per client and period.

Issue 14 (Partner reports): an introducing broker's real income record is the partner portal's export, one row
per client account and period (or per trade) with volume and commission/reward. Columns are found by header
synonyms (case, spaces and punctuation ignored, as for CSV trade lists) or by a mapping ``{canonical: header}``
like the trade CSV's ``--csv-map``. Every row is put in a server-time month ("YYYY-MM") so it can be reconciled
with the modelled IB earnings (fxcost.analysis.partner_reconcile). The CSV reading, number and date rules are the
trade CSV's (importers.csv_table, importers.text); an XLSX's first sheet with a known header is read by the MT5
XLSX reader's capped sheet reader (issue 13: a workbook cannot inflate beyond its caps).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from fxcost import safeio
from fxcost.errors import ImportFailed, clip
from fxcost.importers import csv_table
from fxcost.importers.frames import RowChecks, mapped_columns, match_synonyms
from fxcost.importers.text import decode

#: Canonical column -> header synonyms, normalised as csv_table._key (lower case, letters and digits only).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "account": ("client", "clientaccount", "account", "login", "accountno", "accountnumber", "accountid", "clientlogin",
                "clientid", "clientno", "tradingaccount", "mt4account", "mt5account", "mtlogin", "acct", "loginid"),
    "date": ("month", "period", "date", "closetime", "closedate", "time", "tradedate", "day", "periodstart",
             "periodend", "settlementdate", "paymentdate", "closed", "opentime"),
    "volume": ("volume", "lots", "volumelots", "lot", "tradedvolume", "volumelot", "standardlots", "size", "qty"),
    "reward": ("reward", "commission", "amount", "rebate", "ibcommission", "partnercommission", "earnings", "payout",
               "commissionusd", "rewardusd", "ibreward", "partnerreward", "income", "profit", "total"),
    "currency": ("currency", "ccy", "rewardcurrency", "commissioncurrency", "payoutcurrency"),
}
#: Columns a partner report must have to be reconciled.
REQUIRED = ("account", "date", "reward")
#: Bytes read at most from a partner report (a portal export is a few MB; a larger file is no such report).
MAX_BYTES = 200 * 1024 * 1024

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}
#: "2024-01", "2024.01", "2024/1": a month alone, year first.
_YEAR_MONTH = re.compile(r"^\s*(\d{4})[-./](\d{1,2})\s*$")
#: "01/2024", "1.2024", "01-2024": a month alone, year last.
_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})[-./](\d{4})\s*$")
#: "Jan 2024", "January 2024", "jan-24".
_NAMED_MONTH = re.compile(r"^\s*([A-Za-z]{3})[A-Za-z]*\.?[\s\-/,]*(\d{4}|\d{2})\s*$")


@dataclass(frozen=True)
class PartnerReport:
    """One partner report read: ``rows`` has columns account (str), month ("YYYY-MM"), volume (lots, NaN when the
    report has none), reward (money), currency (str, '' when the report names none), line (row number in the file).
    ``skipped``: (line, reason) of rows that are no data (totals, blanks, unreadable cells)."""

    path: str
    rows: pd.DataFrame
    columns: dict[str, str]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def currencies(self) -> list[str]:
        return sorted({c for c in self.rows["currency"] if c})


class ColumnsUnknown(ImportFailed):
    """The partner report's columns are not recognised: ``headers`` are the file's, for a mapping to be asked
    (the app's partner-report mapping dialog; the CLI's --partner-map). ``what``: the message without the
    command line's advice (the app asks for the mapping instead)."""

    def __init__(self, path: str, what: str, headers: Sequence[str]):
        super().__init__(path, f"{what} {_HOW}")
        self.what = what
        self.headers = [h for h in headers if h]

    def __reduce__(self):
        return type(self), (self.path, self.what, self.headers)


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``COL=HEADER`` pairs (``--partner-map``) as a mapping; a pair without '=' or an unknown column is refused."""
    out: dict[str, str] = {}
    for pair in pairs:
        col, sep, header = pair.partition("=")
        if not sep or not col.strip() or not header.strip():
            raise ValueError(f"{pair!r} is not COLUMN=HEADER (e.g. reward='IB Commission')")
        if col.strip() not in SYNONYMS:
            raise ValueError(f"unknown partner-report column {col.strip()!r}; known: {', '.join(SYNONYMS)}")
        out[col.strip()] = header.strip()
    return out


def read(path: str | Path, mapping: Mapping[str, str] | None = None, date_order: str | None = None) -> PartnerReport:
    """Read a partner report (CSV or XLSX, told by its bytes) through ``mapping`` (canonical -> header).

    ``date_order``: "dmy" or "mdy" for year-last dates that read both ways (default: decided from the dates).

    Raises:
        ImportFailed: the file cannot be read, has no header with the required columns, or a mapping names a
            column it does not have (the message lists the columns found).
    """
    name = str(path)
    try:
        data = safeio.read_capped(name, MAX_BYTES, "partner report")
    except safeio.FileRefused as exc:
        raise ImportFailed(name, str(exc)) from exc
    except OSError as exc:
        raise ImportFailed(name, f"The partner report cannot be read: {exc.strerror or exc}.") from exc
    if data[:4] == b"PK\x03\x04":
        return _rows(_xlsx_cells(data, name, mapping), name, mapping, date_order, decimal_comma=False)
    cells, sep = csv_table._table(decode(data), name)
    return _rows(cells, name, mapping, date_order, decimal_comma=sep == ";")


def _xlsx_cells(data: bytes, path: str, mapping: Mapping[str, str] | None) -> pd.DataFrame:
    """The first sheet's table under its first row that holds every mapped header and names an account and a
    reward column (portals print a title above the table), as a frame of cells."""
    from fxcost.gcpause import paused
    from fxcost.importers.mt5_xlsx import _Book

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, paused():
            sheets = _Book(archive, data, path).sheets()
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, EOFError) as exc:
        raise ImportFailed(path, f"The Excel file is damaged and cannot be read ({clip(exc)}). Export the partner "
                                 "report again from the broker's portal.") from exc
    for sheet in sheets:
        for i, row in enumerate(sheet.rows[:50]):
            headers = [("" if v is None else str(v)).strip() for v in row]
            if not set((mapping or {}).values()) <= set(headers):
                continue
            found = _find(headers, mapping, path)
            if "account" in found and "reward" in found:
                body = [list(r) + [None] * (len(headers) - len(r)) for r in sheet.rows[i + 1:]]
                frame = pd.DataFrame([r[:len(headers)] for r in body], columns=_unique(headers), dtype=object)
                return frame
    first = next((row for sheet in sheets for row in sheet.rows[:50]
                  if sum(v is not None and str(v).strip() != "" for v in row) >= 2), [])
    raise ColumnsUnknown(path, "The workbook holds no partner-report table: no sheet has a header row naming a "
                               "client account and a commission/reward column.",
                         _unique([("" if v is None else str(v)).strip() for v in first]))


_HOW = ("Name the columns with --partner-map, e.g. --partner-map account='Client ID' --partner-map reward='Payout' "
        f"(columns: {', '.join(SYNONYMS)}).")


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        n = seen.get(h, 0)
        seen[h] = n + 1
        out.append(h if n == 0 else f"{h}.{n}")
    return out


def _find(headers: list[str], mapping: Mapping[str, str] | None, path: str) -> dict[str, str]:
    columns = mapped_columns(headers, mapping, SYNONYMS, path, "partner-report")
    match_synonyms(columns, headers, [csv_table._key(h) for h in headers], SYNONYMS, set(columns.values()))
    return columns


def _rows(cells: pd.DataFrame, path: str, mapping: Mapping[str, str] | None, date_order: str | None,
          decimal_comma: bool) -> PartnerReport:
    headers = [str(c) for c in cells.columns]
    columns = _find(headers, mapping, path)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ColumnsUnknown(path, f"The partner report has no {', '.join(missing)} column. Columns found: "
                                   f"{', '.join(repr(h) for h in headers[:20])}.", headers)
    n = len(cells)
    lines = np.arange(n) + 2  # the header is line 1

    def text(col: str) -> pd.Series:
        values = cells[columns[col]] if col in columns else pd.Series([""] * n, index=cells.index)
        return values.map(_text).astype(object)

    account = text("account").str.strip().str.replace(r"\.0$", "", regex=True)  # 1234567.0 from a number cell
    reward = _money(cells[columns["reward"]], decimal_comma)
    volume = _money(cells[columns["volume"]], decimal_comma) if "volume" in columns else np.full(n, np.nan)
    month, note = months(cells[columns["date"]], date_order)
    currency = text("currency").str.strip().str.upper()
    checks = RowChecks(n, [
        (account.eq("").to_numpy(), "no client account (a total or blank row)"),
        (np.isnan(reward), f"the {columns['reward']!r} cell is not a number"),
        (month.isna().to_numpy(), f"the {columns['date']!r} cell is not a date or month"),
    ])
    skipped = [(int(lines[i]), why) for i, why in checks.first_reasons()]
    ok = checks.ok
    rows = pd.DataFrame({
        "account": account[ok].astype(str).to_numpy(),
        "month": month[ok].astype(str).to_numpy(),
        "volume": volume[ok],
        "reward": reward[ok],
        "currency": currency[ok].astype(str).to_numpy(),
        "line": lines[ok],
    })
    if not len(rows):
        raise ImportFailed(path, "The partner report holds no row with a client account, a month and a reward."
                           + (f" First row skipped (line {skipped[0][0]}): {skipped[0][1]}." if skipped else ""))
    notes = [note] if note else []
    return PartnerReport(path, rows, columns, skipped, notes)


def _text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _money(values: pd.Series, decimal_comma: bool) -> np.ndarray:
    """Numbers by the trade CSV's rules (currency signs, accounting negatives, thousands and decimal commas)."""
    if values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all():
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    return csv_table._numbers(values.map(_text).astype(object), decimal_comma)


def months(values: pd.Series, date_order: str | None = None) -> tuple[pd.Series, str]:
    """Each cell's month as "YYYY-MM" (NaN where it is none) and a note when year-last dates read both ways.

    A cell may be a month ("2024-01", "01/2024", "Jan 2024", "January 2024"), a date or date-time as the trade
    CSV reads them (ISO, MetaTrader, day/month or month/day year-last), or an XLSX date cell."""
    out = pd.Series(np.nan, index=values.index, dtype=object)
    is_time = values.map(lambda v: isinstance(v, (datetime, date, pd.Timestamp)))
    if is_time.any():
        out[is_time] = values[is_time].map(lambda v: f"{v.year:04d}-{v.month:02d}")
    texts = values[~is_time].map(_text).astype(str).str.strip()
    for pattern, y, m in ((_YEAR_MONTH, 1, 2), (_MONTH_YEAR, 2, 1)):
        found = texts.str.extract(pattern)
        hit = found[0].notna() & out[texts.index].isna()
        if hit.any():
            year = found.loc[hit, y - 1].astype(int)
            month = found.loc[hit, m - 1].astype(int)
            good = month.between(1, 12)
            out[good[good].index] = [f"{a:04d}-{b:02d}" for a, b in zip(year[good], month[good])]
    named = texts.str.extract(_NAMED_MONTH)
    hit = named[0].notna() & named[0].str.lower().isin(list(_MONTHS)) & out[texts.index].isna()
    if hit.any():
        year = named.loc[hit, 1].astype(int)
        year = year.where(year >= 100, year + 2000)
        month = named.loc[hit, 0].str.lower().map(_MONTHS)
        out[hit[hit].index] = [f"{a:04d}-{b:02d}" for a, b in zip(year, month)]
    rest = texts[out[texts.index].isna() & (texts != "")]
    note = ""
    if len(rest):
        _, parsed, note = csv_table._read_times(rest, rest, date_order)
        good = parsed.notna()
        out[rest.index[good.to_numpy()]] = parsed[good].dt.strftime("%Y-%m").to_numpy()
        if note:
            note = ("The partner report's dates read both ways (day/month/year and month/day/year); fxcost chose one "
                    "as for trade CSVs. Use ISO dates (yyyy-mm-dd) or months (yyyy-mm) in the report to be sure.")
    return out, note
