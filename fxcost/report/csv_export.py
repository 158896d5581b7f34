"""The Trades table as CSV: the workbook's columns, typed text (ISO dates, dot decimals), formula-injection safe.

Numbers are written as numbers (a negative amount stays ``-12.5``); only text cells that a spreadsheet
would read as a formula (starting with = + - @, tab or CR) get a leading single quote. UTF-8 with a
byte-order mark, so Excel detects the encoding of names and comments.

Precision: this file is for spreadsheets, so money is written to the cent by the one rule of every view
(rebates.round_cents: halves away from zero; a rebate of 0.046648 is 0.05, as a statement would print it). The
Rebate column is the summary's allocated cents (issue 10: largest remainder within each account's rebate, so a
client's trades add up to the payable printed beside them); another money column's SUM may differ from the JSON
total (summed unrounded) by a few cents over many trades. Rates and ratios keep 6 decimals: pips, bps and the pip value per lot (money
per pip, a rate that multiplies lots). Lots, counts and seconds are written as they are. The JSON summary
keeps full precision for programs that recompute.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pandas as pd

from fxcost.analysis import rebates
from fxcost.report.columns import TRADE_COLUMNS, header
from fxcost.report.output import atomic_path, csv_text

#: Rows formatted and written per batch (keeps memory flat on big histories).
CHUNK = 20_000
#: Decimals of rates and ratios (pips, bps, pip value per lot): cents would erase them (0.000125 pips/lot).
RATE_DECIMALS = 6
#: Columns of kind "money" that are rates: pip value is money per pip per lot, multiplied by lots before use.
RATE_MONEY = frozenset({"pip_value"})


def _numbers(values: np.ndarray, decimals: int | None = None) -> list[str]:
    """Plain decimal text ('' for NaN); ``decimals`` rounds away float noise without padding zeros."""
    v = np.asarray(values, dtype="float64")
    if decimals is not None:
        v = np.round(v, decimals)
    v = v + 0.0  # + 0.0: no "-0.0"
    ok = np.isfinite(v)
    out = np.asarray([repr(x) for x in v.tolist()], dtype=object)
    out[~ok] = ""
    mag = np.abs(np.where(ok, v, 0.0))
    # repr writes exponents below 1e-4 and from 1e16; a spreadsheet reading CSV wants plain decimals.
    for i in np.flatnonzero(ok & (((mag < 1e-4) & (mag > 0)) | (mag >= 1e16))):
        out[i] = np.format_float_positional(v[i], trim="-")
    integral = ok & (v == np.floor(v)) & (mag < 1e16)
    out[integral] = [s[:-2] for s in out[integral]]  # "12.0" -> "12"
    return out.tolist()


def _prices(values: np.ndarray, digits: np.ndarray) -> list[str]:
    return ["" if v != v else f"{v:.{d}f}" for v, d in zip(values.tolist(), digits.tolist())]


def _texts(series: pd.Series) -> list[str]:
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    safe = np.asarray([csv_text(str(u)) for u in uniques] + [""], dtype=object)
    return safe[codes].tolist()


def _column(t: pd.DataFrame, key: str, kind: str, digits: np.ndarray, cents: np.ndarray | None = None) -> list[str]:
    if cents is not None:  # already in cents (the summary's allocation)
        return _numbers(cents)
    if key not in t.columns:
        return [""] * len(t)
    s = t[key]
    if kind == "text":
        return _texts(s)
    if kind == "bool":
        return np.where(s.to_numpy(dtype=bool), "TRUE", "FALSE").tolist()
    if kind == "datetime":
        return s.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").tolist()
    if kind == "price":
        return _prices(s.to_numpy(dtype="float64"), digits)
    if kind == "int":
        return ["" if v is pd.NA else str(int(v)) for v in s.astype("Int64").tolist()]
    values = s.to_numpy(dtype="float64")
    if kind == "money" and key not in RATE_MONEY:
        return _numbers(rebates.round_cents(values))  # the one cents rule of the JSON, text and workbook
    return _numbers(values, None if kind in ("lots", "count", "duration") else RATE_DECIMALS)


def write_trades_csv(result, path: str | os.PathLike, summary=None) -> Path:
    """Write every closed trade of ``result`` with all cost columns to ``path`` (atomically) and return it.

    ``summary``: the result's fxcost.summary.Summary (its per-trade rebate cents); without it the cents are
    allocated here by the same rule (rebates.cents_within). Holding time is in seconds here (the workbook shows
    it as a duration). Raises ExportError when the file cannot be written.
    """
    t = result.trades
    cents = summary.rebate_cents if summary is not None and len(summary.rebate_cents) == len(t) else \
        (rebates.cents_within(t["rebate"].to_numpy(dtype="float64"), t["account"].astype(str).to_numpy(dtype=object))
         if len(t) else np.zeros(0))
    names = [header(c, result.currency) for c in TRADE_COLUMNS]
    names = [n.replace("Holding time", "Holding time (s)") for n in names]
    digits = np.clip(t["digits"].astype("float64").fillna(5).to_numpy(), 0, 10).astype(int)
    with atomic_path(path, ".csv.tmp") as tmp:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(names)
            for lo in range(0, len(t), CHUNK):
                part = t.iloc[lo:lo + CHUNK]
                cols = [_column(part, c.key, c.kind, digits[lo:lo + CHUNK],
                                cents[lo:lo + CHUNK] if c.key == "rebate" else None) for c in TRADE_COLUMNS]
                writer.writerows(zip(*cols))
    return Path(path)
