"""The Excel workbook: summary, trades, breakdowns, rebates, break-even, what-if, cash, IB and native charts.

One code path for the GUI's Export button, its ``--smoke-test`` and ``python main.py report -o``. Every
figure comes from the typed summary (fxcost.summary: its JSON document, IB roll-up and per-trade cents) or from
the engine's own frames, never recomputed here; the workbook is written atomically (temporary file beside it, then ``os.replace``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.axis import DateAxis
from openpyxl.utils import get_column_letter

from fxcost.errors import ExportError
from fxcost.report.columns import TRADE_COLUMNS, header
from fxcost.report.output import atomic_path, export_steps, output_problem
from fxcost.report.xlsx_book import SHEETS, Book  # noqa: F401  (SHEETS: the tab order, public here)
from fxcost.report.xlsx_sheets import AnalysisSheets
from fxcost.report.xlsx_stream import BoolColumn, NumberColumn, TextColumn, excel_serial, number_width, save
from fxcost.report.xlsx_summary import SummarySheet
from fxcost.summary import Summary, build

Progress = Callable[[float, str], None]

#: Rows of the Charts sheet where the charts start (each about 20 rows high; a page break before each but the first).
CHART_ROWS = (3, 25, 47)


def document(result) -> dict:
    """The JSON summary of ``result``, exactly as ``report --json`` writes it."""
    return build(result).json()


def write_workbook(result, path: str | os.PathLike, *, progress: Progress | None = None,
                   is_cancelled: Callable[[], bool] | None = None, summary: Summary | dict | None = None,
                   ib_program=None) -> Path:
    """Write the report workbook for an AnalysisResult to ``path`` and return the path.

    Args:
        result: what fxcost.pipeline.run / fxcost.analysis.engine.analyse returned.
        path: the .xlsx to write; an existing file is replaced only once the new one is complete.
        progress: progress(fraction 0..1, message), called between steps.
        is_cancelled: polled between steps and chunks of trades; True raises ImportCancelled.
        summary: the summary already built for ``result`` (the app's views and the CLI pass theirs), else built
            here (under ``ib_program`` for the IB sheet); a plain dict is taken as its JSON document.
        ib_program: the IB view's program, when the summary is built here.

    Raises:
        ExportError: the file cannot be written (message names the path and the reason).
        ImportCancelled: ``is_cancelled()`` turned true; nothing is written.
    """

    step = export_steps(progress, is_cancelled)

    problem = output_problem(path)
    if problem:  # before the summary: a bad destination is reported at once
        raise ExportError(problem)
    step(0.0, "Summarising")
    built = summary if isinstance(summary, Summary) else build(result, ib_program=ib_program)
    doc = summary if isinstance(summary, dict) else built.json()
    with atomic_path(path, ".xlsx.tmp") as tmp:
        wb = Workbook(write_only=True)
        book = _Book(wb, result, doc)
        book.summary = built
        try:
            book.write(step)
            step(0.93, "Saving the workbook")
            save(wb, tmp)
        except BaseException:
            book.discard()
            raise
    if progress:  # written: too late to cancel
        progress(1.0, "Done")
    return Path(path)


def write_trades_only(result, path: str | os.PathLike) -> Path:
    """A workbook with just the Trades sheet, written like the full report (the benchmark's like-for-like)."""
    with atomic_path(path, ".xlsx.tmp") as tmp:
        wb = Workbook(write_only=True)
        book = _Book(wb, result, {}, names=["Trades"])
        try:
            book._trades(None)
            book.sheets["Trades"].close()
            save(wb, tmp)
        except BaseException:
            book.discard()
            raise
    return Path(path)


class _Book(Book, AnalysisSheets, SummarySheet):
    """The whole report: the Trades sheet and the charts here, the other sheets in their mixins."""

    def write(self, step) -> None:
        step(0.02, "Trades")
        self._trades(lambda done, n: step(0.05 + 0.75 * done / max(n, 1), f"Trades: {done:,} of {n:,}"))
        step(0.8, "Breakdowns")
        self._by_symbol()
        if "By strategy" in self.sheets:
            self._by_strategy()
        self._by_month()
        if "By year" in self.sheets:
            self._by_year()
        self._equity()
        step(0.84, "Rebates")
        self._rebates()
        self._breakeven()
        self._compare()
        step(0.88, "Cash events")
        self._cash()
        if "IB" in self.sheets:
            self._ib()
        self._summary()
        self._charts()
        for stream in self.streams:
            self._print_setup(stream)
            stream.close()

    def _print_setup(self, stream) -> None:
        """Printing and PDF: landscape, a page wide (Trades too, issue 15, with Account and Ticket kept), table
        headers repeated on every page, each chart on a page of its own, A4 or Letter by locale (issue 15)."""
        title = stream.title
        if title == "Trades":
            stream.print_setup(pages_wide=1, title_rows="1:1", title_cols="A:B")
        elif title == "Charts":
            stream.print_setup(breaks=[row - 2 for row in CHART_ROWS[1:]])
        elif title in ("By symbol", "By month", "By year", "Equity", "Cash events"):  # one table, header in row 1
            stream.print_setup(title_rows="1:1")
        else:
            stream.print_setup()

    def _trades(self, on_chunk) -> None:
        s = self.sheets["Trades"]
        s.widths([c.width for c in TRADE_COLUMNS])
        t = self.t
        st = self.styles
        s.append([header(c, self.currency) for c in TRADE_COLUMNS], "header")
        digits = np.clip(t["digits"].astype("float64").fillna(5).to_numpy(), 0, 10).astype(int)
        price_styles = np.array([st.id(f"price{d}") for d in range(11)])[digits]
        columns = []
        cents = getattr(self, "summary", None)
        for c in TRADE_COLUMNS:
            values = t[c.key] if c.key in t.columns else pd.Series([None] * len(t), index=t.index)
            if c.key == "rebate" and cents is not None and len(cents.rebate_cents) == len(t):
                # The allocated cents (issue 10): a client's trades add up to its payable.
                values = pd.Series(cents.rebate_cents, index=t.index)
            if c.kind == "text":
                columns.append(TextColumn(values.astype(object).to_numpy(), st))
            elif c.kind == "bool":
                columns.append(BoolColumn(values.to_numpy(dtype=bool)))
            elif c.kind == "datetime":
                columns.append(NumberColumn(excel_serial(values.to_numpy()), st.id("datetime")))
            elif c.kind == "duration":
                columns.append(NumberColumn(values.to_numpy(dtype="float64") / 86400.0, st.id("duration")))
            elif c.kind == "price":
                columns.append(NumberColumn(values.to_numpy(dtype="float64"), price_styles))
            elif c.kind == "int":
                columns.append(NumberColumn(values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan),
                                            st.id("int"), integer=True))
            else:
                columns.append(NumberColumn(values.to_numpy(dtype="float64"), st.id(c.kind)))
        for j, c in enumerate(TRADE_COLUMNS):  # numbers too wide for the column would show as ###
            if c.kind in ("int", "money", "count", "lots", "number2") and c.key in t.columns:
                s.need(j, number_width(t[c.key].astype("Float64").to_numpy(dtype="float64", na_value=np.nan),
                                       "money" if c.kind == "money" else c.kind))
        first, last = s.write_columns(columns, len(t), on_chunk=on_chunk)
        s.ws.freeze_panes = "A2"
        s.ws.auto_filter.ref = f"A1:{get_column_letter(len(TRADE_COLUMNS))}{max(last, 1)}"
        self.ranges["Trades"] = (first, last)

    def _charts(self) -> None:
        ws = self.sheets["Charts"].ws
        self.sheets["Charts"].append(["Charts (data on the Equity, By month and By symbol sheets)"], "title")
        anchors = iter(f"A{row}" for row in CHART_ROWS)
        first, last = self.ranges.get("Equity", (2, 1))
        if last >= first:
            eq = self.sheets["Equity"].ws
            # A line chart over a date axis: ticks on the first of each month, spacing by calendar time.
            chart = LineChart()
            chart.title = f"Cumulative P&L ({self.currency})"
            chart.style = 2
            chart.y_axis.title = self.currency
            chart.y_axis.crossAx = 500
            chart.x_axis = DateAxis(crossAx=100)
            chart.x_axis.number_format = "mmm yyyy"
            chart.x_axis.majorTimeUnit = "months"
            chart.x_axis.majorUnit = 1
            chart.x_axis.baseTimeUnit = "days"
            chart.x_axis.axPos = "b"
            chart.x_axis.title = "Close date (server time)"
            chart.x_axis.tickLblPos = "low"  # dates below the plot, not across it where P&L turns negative
            for col in (3, 4, 5, 6):
                series = Series(Reference(eq, min_col=col, min_row=first - 1, max_row=last), title_from_data=True)
                series.marker.symbol = "none"
                series.smooth = False
                chart.series.append(series)
            chart.set_categories(Reference(eq, min_col=1, min_row=first, max_row=last))
            self._place(ws, chart, next(anchors))
        for sheet, title, cols, horizontal in (
            ("By month", "Costs by month", (9, 10, 11, 12), False),
            ("By symbol", "Cost by symbol", (9, 10, 11, 12), True),
        ):
            first, last = self.ranges.get(sheet, (2, 1))
            if last < first:
                continue
            data_ws = self.sheets[sheet].ws
            chart = BarChart()
            chart.type = "bar" if horizontal else "col"
            chart.grouping = "clustered"
            chart.title = f"{title} ({self.currency})"
            chart.y_axis.title = self.currency
            for col in cols:
                chart.add_data(Reference(data_ws, min_col=col, min_row=first - 1, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(data_ws, min_col=1, min_row=first, max_row=last))
            records = self.doc.get("by_month" if sheet == "By month" else "by_symbol") or []
            keys = ("spread_cost", "transaction_cost", "rebate", "net_transaction_cost")
            if all((r.get(k) or 0) >= 0 for r in records for k in keys):
                chart.y_axis.scaling.min = 0  # costs start at zero (Calc otherwise zooms in on the bar tops)
            if sheet == "By month":
                chart.x_axis.number_format = "yyyy-mm"
            self._place(ws, chart, next(anchors))

    @staticmethod
    def _place(ws, chart, anchor: str) -> None:
        chart.width, chart.height = 26, 10
        # openpyxl >= 3.1 marks axes as deleted unless told otherwise; Excel then draws no axis labels.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend.position = "b"
        chart.y_axis.number_format = "#,##0"
        ws.add_chart(chart, anchor)
