"""The report workbook's shared state and table helpers (the sheets are methods of mixins beside it)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from openpyxl import Workbook

from fxcost.report.xlsx_stream import SheetStream, Styles, shown_width

#: Sheet names, in tab order (IB only when several accounts are loaded).
SHEETS = ("Summary", "Charts", "Trades", "By symbol", "By strategy", "By month", "By year", "Rebates", "Break-even", "Compare",
          "Cash events", "IB", "Equity")

#: Widest a table's text column is made to fit its values (longer text is cut or overflows).
TEXT_WIDTH = 36.0


class Book:
    """The sheets of one workbook while it is being written, and the helpers every sheet uses."""

    def __init__(self, wb: Workbook, result, doc: dict, names: list[str] | None = None):
        self.wb = wb
        self.result = result
        self.doc = doc
        self.currency = result.currency
        self.streams: list[SheetStream] = []
        self.ranges: dict[str, tuple[int, int]] = {}
        t = result.trades
        if names is None:
            several = sum(1 for a in result.accounts if len(a.trades)) > 1
            # Issue 14: a one-client book with an IB deal or a partner report has its IB sheet too.
            several = several or bool(doc.get("ib") or doc.get("partner_reconciliation"))
            names = [s for s in SHEETS if s != "IB" or several]
        self.sheets: dict[str, SheetStream] = {}
        styles = None
        for name in names:
            stream = SheetStream(wb, name, styles)
            styles = stream.styles
            self.sheets[name] = stream
            self.streams.append(stream)
        self.styles: Styles = styles
        self.t = t

    def discard(self) -> None:
        """Drop every sheet's spooled rows and temporary files after a failed or cancelled export."""
        for stream in self.streams:
            stream.discard()

    # -- helpers --------------------------------------------------------------------------------------

    def table(self, sheet: SheetStream, columns: list[tuple[str, str, str | None]], records: list[dict],
              name: str | None = None, fit_text: bool = True) -> tuple[int, int]:
        """A header row and one row per record; returns the first and last data rows (kept under ``name``).

        Columns are widened first to what their values need (numbers and dates in full, text up to
        TEXT_WIDTH characters unless not ``fit_text``), so the header is wrapped at the final widths."""
        styles = [st for _, _, st in columns]
        rows = [[typed(rec.get(key), st) for key, _, st in columns] for rec in records]
        for row in rows:
            for j, (value, st) in enumerate(zip(row, styles)):
                if isinstance(value, str) and (j == len(styles) - 1 or not fit_text):
                    continue  # the last column's text overflows into the empty cells beside it
                if isinstance(value, str):
                    sheet.fit(j, min(len(value) * 1.05 + 2.0, TEXT_WIDTH))
                else:
                    sheet.fit(j, shown_width(value, st))
        sheet.append([h for _, h, _ in columns], "header")
        first = sheet.rows + 1
        for row in rows:
            sheet.append(row, styles)
        if name:
            self.ranges[name] = (first, sheet.rows)
        return first, sheet.rows

    def pairs(self, sheet: SheetStream, rows: list[tuple]) -> None:
        """Label / value (/ note) rows; a value's style is the third item."""
        for label, value, style, *note in rows:
            sheet.append([label, typed(value, style), *(note or [])], [None, style, "note"])

    def money(self, text: str) -> str:
        """A money header or label, naming the currency of the merged figures."""
        return f"{text} ({self.currency})"


def typed(value, style: str | None):
    """A value ready for a cell: month and date strings of the JSON summary back to dates, NaN to empty."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, str) and style in ("month", "date", "datetime"):
        try:
            return pd.Timestamp(value + "-01" if style == "month" and len(value) == 7 else value).to_pydatetime()
        except ValueError:
            return value
    if isinstance(value, pd.Period):
        return value.to_timestamp().to_pydatetime()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value
