"""The printable summary (issue 15): at most four pages of PDF drawn with reportlab from the typed summary.

Page 1 key figures, costs by component, rebate and break-even, reconciliation; page 2 the app's equity chart and
cost by month; page 3 by year and by symbol (top symbols and one "Other" row); page 4 the assumptions. Each page
is one frame that shrinks its content to fit, so no history makes it longer. Every figure comes from the summary
(fxcost.summary: its JSON document, and the chart series and condensed tables of fxcost.summary.series); this
module only lays them out. The Excel workbook stays the complete record. Written atomically, like the workbook.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fxcost import __version__
from fxcost.errors import ExportError
from fxcost.money import lots_text, money_text
from fxcost.report.output import atomic_path, export_steps, output_problem
from fxcost.report.print_rules import default_paper, field_label
from fxcost.summary import Summary, build
from fxcost.summary import series as chart_series
from fxcost.summary import spreads as spread_summary
from fxcost.summary.build import account_currency_text, scope_notes

#: Paper sizes by the name ``--paper`` takes.
PAPERS = {"a4": A4, "letter": LETTER}
#: Symbols listed by name in the By symbol table; the rest are one "Other" row.
TOP_SYMBOLS = 15
#: Warnings printed (the JSON and the Excel report list them all).
MAX_WARNINGS = 8
PAGES = 4


def checked_paper(paper: str | None, path: str | os.PathLike) -> str:
    """The PDF's paper ("a4"/"letter"; None: by locale) once it and the output ``path`` are known good; raises
    ExportError saying what is wrong (the PDF summary and the client statements)."""
    paper = (paper or default_paper()).lower()
    if paper not in PAPERS:
        raise ExportError(f"unknown paper size {paper!r}: use a4 or letter.")
    problem = output_problem(path)
    if problem:
        raise ExportError(problem)
    return paper

INK = colors.HexColor("#222222")
GREY = colors.HexColor("#777777")
RULE = colors.HexColor("#cccccc")
#: Line and bar colours (the app's palette order: blue, orange, green; grey for the net-cost marker).
COLOURS = (colors.HexColor("#1f77b4"), colors.HexColor("#ff7f0e"), colors.HexColor("#2ca02c"),
           colors.HexColor("#444444"))

Progress = Callable[[float, str], None]


# --- text --------------------------------------------------------------------------------------------------

def _count(n) -> str:
    return "n/a" if n is None else f"{int(n):,}".replace(",", " ")


def _num(v, decimals: int = 2) -> str:
    return money_text(v, decimals)


def _pct(v, fraction: bool = True) -> str:
    if v is None or not np.isfinite(float(v)):
        return "n/a"
    return f"{float(v) * (100 if fraction else 1):.1f} %"


def _para(text: str, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


class _Styles:
    def __init__(self) -> None:
        base = getSampleStyleSheet()
        self.title = ParagraphStyle("t", parent=base["Title"], fontSize=16, leading=19, alignment=0, spaceAfter=2)
        self.h2 = ParagraphStyle("h2", parent=base["Heading2"], fontSize=11.5, leading=14, spaceBefore=8,
                                 spaceAfter=3, textColor=INK)
        self.body = ParagraphStyle("b", parent=base["BodyText"], fontSize=8.5, leading=10.5, textColor=INK)
        self.note = ParagraphStyle("n", parent=self.body, fontSize=7.5, leading=9, textColor=GREY)
        self.cell = ParagraphStyle("c", parent=self.body, fontSize=8, leading=9.5)


def _table(rows: list[list], widths: list[float], *, header: bool = True, numeric_from: int = 1,
           bold_last: bool = False) -> Table:
    """A plain table: header row bold over a rule, numbers right-aligned from column ``numeric_from``."""
    table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=0)
    style = [("FONT", (0, 0), (-1, -1), "Helvetica", 8), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
             ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("TOPPADDING", (0, 0), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
             ("LINEBELOW", (0, -1), (-1, -1), 0.3, RULE)]
    if header:
        style += [("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("LINEBELOW", (0, 0), (-1, 0), 0.6, INK)]
    if bold_last:
        style += [("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8), ("LINEABOVE", (0, -1), (-1, -1), 0.6, INK)]
    table.setStyle(TableStyle(style))
    return table


# --- charts ------------------------------------------------------------------------------------------------

def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart)."""
    if not np.isfinite(lo) or not np.isfinite(hi):
        return [0.0]
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(n, 1)
    power = 10 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = np.floor(lo / step) * step
    return [float(v) for v in np.arange(start, hi + step * 0.999, step)]


def _short(v: float) -> str:
    """An axis label: 12 000 -> "12k", 1 500 000 -> "1.5M"."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:g}M"
    if a >= 1e4:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


def _envelope(x: np.ndarray, y: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Points that draw a long step line as it looks at ``buckets`` columns: each column's first, lowest,
    highest and last value (a PDF of 100 000 points per line would be slow to open and no sharper)."""
    if len(x) <= buckets * 2:
        # A step: the value holds until the next close.
        xs = np.repeat(x, 2)[1:]
        ys = np.repeat(y, 2)[:-1]
        return xs, ys
    span = (x[-1] - x[0]) or 1.0
    col = np.minimum(((x - x[0]) / span * buckets).astype(np.int64), buckets - 1)
    starts = np.flatnonzero(np.r_[True, col[1:] != col[:-1]])
    ends = np.r_[starts[1:], len(x)] - 1
    lo, hi = np.minimum.reduceat(y, starts), np.maximum.reduceat(y, starts)
    xs = np.column_stack([x[starts], x[starts], x[starts], x[ends]]).ravel()
    ys = np.column_stack([y[starts], lo, hi, y[ends]]).ravel()
    return xs, ys


def _date_ticks(x0: float, x1: float, most: int = 8) -> list[tuple[float, str]]:
    """Month-start ticks between two times (seconds), every 1, 2, 3, 6, 12, 24 or 60 months."""
    m0 = np.datetime64(int(x0), "s").astype("datetime64[M]").astype(np.int64)
    m1 = np.datetime64(int(x1), "s").astype("datetime64[M]").astype(np.int64)
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60, 120) if (m1 - m0) / s <= most), 120)
    out = []
    for m in range(int(m0) + 1, int(m1) + 1):
        if m % step == 0:
            when = np.datetime64(m, "M")
            sec = when.astype("datetime64[s]").astype(np.int64)
            out.append((float(sec), str(when)[:4] if step >= 12 else str(when)))
    return out


class _Plot:
    """A chart frame: margins, y scale and grid, legend below."""

    def __init__(self, width: float, height: float, title: str, legend: list[tuple[str, colors.Color]]):
        self.d = Drawing(width, height)
        self.left, self.right, self.top = 44.0, width - 8.0, height - 16.0
        rows = (len(legend) + 1) // 2
        self.bottom = 18.0 + 11.0 * rows
        self.d.add(String(0, height - 10, title, fontName="Helvetica-Bold", fontSize=9, fillColor=INK))
        for i, (name, colour) in enumerate(legend):
            lx = self.left + (i % 2) * (self.right - self.left) / 2
            ly = 11.0 * (rows - 1 - i // 2) + 2
            self.d.add(Rect(lx, ly + 1, 10, 5, fillColor=colour, strokeColor=None))
            self.d.add(String(lx + 14, ly, name, fontName="Helvetica", fontSize=7, fillColor=INK))

    def y_scale(self, lo: float, hi: float, unit: str) -> None:
        ticks = nice_ticks(min(lo, 0.0), max(hi, 0.0))
        self.y0, self.y1 = ticks[0], ticks[-1] if ticks[-1] > ticks[0] else ticks[0] + 1
        for v in ticks:
            yy = self.y(v)
            self.d.add(Line(self.left, yy, self.right, yy, strokeColor=INK if v == 0 else RULE,
                            strokeWidth=0.6 if v == 0 else 0.3))
            self.d.add(String(self.left - 3, yy - 2.5, _short(v), fontName="Helvetica", fontSize=6.5,
                              textAnchor="end", fillColor=GREY))

    def y(self, v):
        return self.bottom + (np.asarray(v, dtype=float) - self.y0) / (self.y1 - self.y0) * (self.top - self.bottom)


def equity_chart(lines: list[chart_series.Line], width: float, height: float, currency: str) -> Drawing:
    """The app's equity chart: cumulative raw P&L, net after costs and net + cashback over the close times."""
    plot = _Plot(width, height, f"Cumulative P&L: raw, net after costs, net + cashback ({currency})",
                 [(ln.name, COLOURS[i]) for i, ln in enumerate(lines)])
    if not lines:
        plot.d.add(String(plot.left, plot.bottom + 20, "No closed trades.", fontName="Helvetica", fontSize=8))
        return plot.d
    x = lines[0].x
    plot.y_scale(min(float(ln.y.min()) for ln in lines), max(float(ln.y.max()) for ln in lines), currency)
    x0, x1 = float(x[0]), float(x[-1]) if x[-1] > x[0] else float(x[0]) + 86400.0

    def px(v):
        return plot.left + (np.asarray(v, dtype=float) - x0) / (x1 - x0) * (plot.right - plot.left)

    for when, label in _date_ticks(x0, x1):
        xx = float(px(when))
        plot.d.add(Line(xx, plot.bottom, xx, plot.bottom - 3, strokeColor=GREY, strokeWidth=0.4))
        plot.d.add(String(xx, plot.bottom - 10, label, fontName="Helvetica", fontSize=6.5, textAnchor="middle",
                          fillColor=GREY))
    for i, ln in enumerate(lines):
        xs, ys = _envelope(ln.x, ln.y, int(plot.right - plot.left) * 2)
        pts = np.column_stack([px(xs), plot.y(ys)]).ravel().tolist()
        plot.d.add(PolyLine(pts, strokeColor=COLOURS[i], strokeWidth=0.9))
    return plot.d


def month_chart(bars: chart_series.MonthBars, width: float, height: float, currency: str) -> Drawing:
    """The app's cost by month: spread and commission + taxes stacked up, rebate below zero, net cost marked."""
    plot = _Plot(width, height, f"Cost by month of close, {currency} (rebate below zero; marker: net cost)",
                 [("Spread (est.)", COLOURS[0]), ("Commission + taxes", COLOURS[1]),
                  ("Rebate (given back)", COLOURS[2]), ("Net cost", COLOURS[3])])
    n = len(bars.months)
    if not n:
        plot.d.add(String(plot.left, plot.bottom + 20, "No closed trades.", fontName="Helvetica", fontSize=8))
        return plot.d
    pos_a, pos_b = np.clip(bars.spread, 0, None), np.clip(bars.commission_taxes, 0, None)
    neg_a, neg_b = np.clip(bars.spread, None, 0), np.clip(bars.commission_taxes, None, 0)
    top = pos_a + pos_b
    low = neg_a + neg_b + np.clip(bars.rebate, None, 0)
    plot.y_scale(float(min(low.min(), bars.net_cost.min())), float(max(top.max(), bars.net_cost.max())), currency)
    slot = (plot.right - plot.left) / n
    bar = max(slot * 0.75, 0.4)
    for i in range(n):
        xl = plot.left + i * slot + (slot - bar) / 2
        up = down = 0.0
        for value, colour in ((bars.spread[i], COLOURS[0]), (bars.commission_taxes[i], COLOURS[1]),
                              (bars.rebate[i], COLOURS[2])):
            if value == 0:
                continue
            base = up if value > 0 else down
            y_a, y_b = float(plot.y(base)), float(plot.y(base + value))
            plot.d.add(Rect(xl, min(y_a, y_b), bar, abs(y_b - y_a), fillColor=colour, strokeColor=None))
            if value > 0:
                up += value
            else:
                down += value
        yy = float(plot.y(bars.net_cost[i]))
        plot.d.add(Line(xl - 0.5, yy, xl + bar + 0.5, yy, strokeColor=COLOURS[3], strokeWidth=1.2))
    # x labels: every k-th month so the labels never overlap (YYYY-MM is about 24 pt wide at 6.5 pt).
    every = max(1, int(np.ceil(28 / slot)))
    for step in (1, 2, 3, 6, 12, 24, 60):
        if step >= every:
            every = step
            break
    for i, label in enumerate(bars.months):
        month = int(label[5:7])
        if (every < 12 and (month - 1) % every == 0) or (every >= 12 and month == 1 and int(label[:4]) % (every // 12) == 0) \
                or (n == 1):
            xx = plot.left + (i + 0.5) * slot
            plot.d.add(String(xx, plot.bottom - 10, label if every < 12 else label[:4], fontName="Helvetica",
                              fontSize=6.5, textAnchor="middle", fillColor=GREY))
    return plot.d


# --- pages -------------------------------------------------------------------------------------------------

class _Pages:
    """The four pages' flowables from one summary."""

    def __init__(self, result, summary: Summary, width: float):
        self.result, self.summary, self.doc = result, summary, summary.json()
        self.width = width
        self.s = _Styles()
        self.currency = self.doc.get("currency") or (self.doc.get("totals") or {}).get("currency") or ""

    def money(self, value) -> str:
        """Money in the summary's currency: no decimals in JPY (issue 15), cents otherwise; per-lot figures use
        money_text with two decimals."""
        return money_text(value, currency=self.currency)

    def m(self, label: str) -> str:
        return f"{label} ({self.currency})" if self.currency else label

    def pairs(self, rows: list[tuple[str, str, str]], title: str | None = None) -> list:
        head = [[title or "", "", ""]] if title else []
        body = [[_para(a, self.s.cell), b, _para(c, self.s.note)] for a, b, c in rows]
        w = self.width
        return [_table(head + body, [w * 0.42, w * 0.18, w * 0.40], header=bool(title))]

    def page1(self) -> list:
        doc, s = self.doc, self.s
        costs, totals, counts = doc.get("costs") or {}, doc.get("totals") or {}, doc.get("counts") or {}
        be = doc.get("breakeven") or {}
        eff = be.get("equity_effect") or {}
        out = [_para("fxcost summary: trading costs and cashback", s.title)]
        who = []
        for f in doc.get("files") or []:
            a = f.get("account") or {}
            parts = [a.get("login") and f"account {a['login']}", a.get("name"), a.get("broker") or a.get("server")]
            who.append(" · ".join(str(p) for p in parts if p) or os.path.basename(str(f.get("path"))))
        t = self.result.trades
        period = (f"Trades opened and closed from {t['open_time'].min():%Y-%m-%d} to {t['close_time'].max():%Y-%m-%d}"
                  if len(t) and t["close_time"].notna().any() else "No closed trades")
        out.append(_para("; ".join(dict.fromkeys(who)) or "no file", s.body))
        chosen = (doc.get("period") or {}).get("label")  # the period the figures cover, when one is chosen
        if chosen:
            out.append(_para(f"Period: {chosen} (trades by close time).", s.body))
        out.append(_para(f"{period}. Money in {self.currency or 'the account currency'}"
                         f"; written {dt.datetime.now():%Y-%m-%d %H:%M} by fxcost {__version__}.", s.note))
        out.append(_para("Spread cost is an estimate and is already inside MetaTrader's Profit: it explains the "
                         "P&L and is never subtracted from it again.", s.note))
        out.append(_para("Key figures", s.h2))
        out += self.pairs([
            ("Closed trades", _count(counts.get("closed_trades")), ""),
            ("Lots", lots_text(totals.get("lots") or 0.0), "round-turn lots traded"),
            (self.m("Broker net"), self.money(costs.get("broker_net")), "Profit + commission + taxes + swap"),
            (self.m("Net after rebate"), self.money(costs.get("net_after_rebate")), "broker net + rebate"),
            (self.m("Transaction cost"), self.money(costs.get("transaction_cost")), "spread + commission + taxes"),
            (self.m("Net transaction cost"), self.money(costs.get("net_transaction_cost")), "after rebate"),
            (self.m("Cost per lot before rebate"), money_text(costs.get("cost_per_lot")), ""),
            (self.m("Cost per lot after rebate"), money_text(costs.get("cost_per_lot_after")), ""),
            ("Cost in pips per lot before rebate", _num(costs.get("cost_pips_per_lot_before")), ""),
            ("Cost in pips per lot after rebate", _num(costs.get("cost_pips_per_lot_after")), ""),
            ("Cost in bps of notional after rebate", _num(costs.get("bps")), "USD per million: "
             + money_text(costs.get("usd_per_million"))),
        ])
        out.append(_para("Costs by component", s.h2))
        out += self.pairs([
            (self.m("Profit (MetaTrader)"), self.money(costs.get("profit")), "price result at executed prices"),
            (self.m("Spread cost (estimated)"), self.money(costs.get("spread_cost")),
             f"{_count(costs.get('spread_measured_trades'))} trades measured, "
             f"{_count(costs.get('spread_estimated_trades'))} estimated; already inside Profit"),
            (self.m("Commission"), self.money(costs.get("commission")), "negative = charged"),
            (self.m("Taxes / fees"), self.money(costs.get("taxes")), ""),
            (self.m("Swap"), self.money(costs.get("swap")),
             "counted as a cost" if (doc.get("assumptions") or {}).get("swap_in_cost")
             else "carry: shown apart, not a trading cost"),
            (self.m("Rebate (cashback accrued)"), self.money(costs.get("rebate")), "given back by the program"),
            (self.m("Raw P&L at mid prices (estimated)"), self.money(costs.get("mid_pnl")), "Profit + spread cost"),
        ])
        rebate = doc.get("rebate") or {}
        program = rebate.get("program")
        out.append(_para("Rebate and break-even", s.h2))
        rows = [("Rebate program", program or "none", "" if program else "no rebate is accrued")]
        if program:
            rows += [("Eligible / excluded trades",
                      f"{_count(rebate.get('eligible_trades'))} / {_count(rebate.get('excluded_trades'))}",
                      "; ".join(f"{k}: {_count(v)}" for k, v in list((rebate.get("by_reason") or {}).items())[:3])),
                     (self.m("Rebate forfeited by excluded trades"), self.money(rebate.get("forfeited")), ""),
                     ("Share of costs covered by the rebate", _pct(eff.get("share_of_costs_covered")), "")]
        rows += [
            ("Break-even win rate before rebate", _pct(be.get("win_rate_before")),
             "the win rate that pays the costs, at your average win and loss"),
            ("Break-even win rate after rebate", _pct(be.get("win_rate_after")), ""),
            ("Actual win rate", _pct(be.get("actual_win_rate")), "trades with a non-zero profit"),
            ("Rebate shifts break-even by (pips per lot)", _num(be.get("shift_pips")), ""),
            (self.m("Max drawdown without / with rebates"),
             f"{self.money(eff.get('max_drawdown_without'))} / {self.money(eff.get('max_drawdown_with'))}",
             "on the " + str(eff.get("drawdown_basis") or "balance").replace("pnl", "P&L").replace("_", " ")),
        ]
        out += self.pairs(rows)
        out.append(_para("Reconciliation with the printed totals", s.h2))
        out += [_para(note, s.note) for note in scope_notes(self.doc)[1:]]  # issue 15: whole file vs the period
        out += self.reconciliation()
        return out

    def reconciliation(self) -> list:
        s, out, rows = self.s, [], []
        files = self.doc.get("files") or []
        for f in files:
            name = os.path.basename(str(f.get("path")))
            rec = f.get("reconciliation") or {}
            diffs = rec.get("differences") or {}
            checked = list(rec.get("compared") or ())  # the totals the import compared, trades' and cash's
            if diffs:
                text = f"{len(diffs)} printed total(s) differ from the import"
            elif checked:
                text = "every printed total agrees with the import"
            else:
                text = "the file prints no totals to compare (a CSV, or a report cut short)"
            out.append(_para(f"{name}: {text}" + (f" ({', '.join(field_label(k) for k in checked)})."
                                                   if checked and not diffs else "."), s.body))
            for k, d in diffs.items():
                rows.append([_para(f"{name}: {field_label(k)}" if len(files) > 1 else field_label(k), s.cell), self.money(d.get("imported")),
                             self.money(d.get("printed")), self.money(d.get("difference")),
                             _para(d.get("cause") or "cause unknown", s.note)])
        if rows:
            w = self.width
            out.append(_table([["Printed total", "Imported", "Printed", "Difference", "Likely cause"], *rows[:12]],
                              [w * 0.24, w * 0.13, w * 0.13, w * 0.12, w * 0.38], numeric_from=1))
        return out

    def page2(self) -> list:
        w = self.width
        t = self.result.trades
        lines = chart_series.equity_lines(t)
        bars = chart_series.cost_by_month(self.doc.get("by_month") or [])
        return [_para("Equity and cost over time", self.s.h2),
                _para("The same lines as the app's Charts > Equity and Cost by month. Times are broker server time.",
                      self.s.note), Spacer(1, 6),
                equity_chart(lines, w, 300, self.currency), Spacer(1, 14),
                month_chart(bars, w, 280, self.currency)]

    def _group_rows(self, records: list[dict], key: str) -> list[list]:
        return [[str(r.get(key)), _count(r.get("trades")), f"{float(r.get('lots') or 0):,.2f}".replace(",", " "),
                 self.money(r.get("spread_cost")), self.money(r.get("commission")), self.money(r.get("taxes")),
                 self.money(r.get("swap")), self.money(r.get("rebate")), self.money(r.get("net_after_rebate")),
                 money_text(r.get("cost_per_lot")), _num(r.get("cost_pips_per_lot"))] for r in records]

    def page3(self) -> list:
        s, w = self.s, self.width
        head = ["", "Trades", "Lots", "Spread\n(est.)", "Commission", "Taxes /\nfees", "Swap", "Rebate",
                "Net after\nrebate", "Cost /\nlot", "Pips /\nlot"]
        widths = [w * f for f in (0.14, 0.07, 0.08, 0.09, 0.11, 0.07, 0.08, 0.09, 0.11, 0.08, 0.08)]
        years = self.doc.get("by_year")
        if years is None:
            years = chart_series.by_close_year(self.result.trades)
        top, total = chart_series.top_symbols(self.result.trades, TOP_SYMBOLS)
        out = [_para(f"By year of close ({self.currency})", s.h2)]
        if years:
            out.append(_table([["Year", *head[1:]], *self._group_rows(years, "year"),
                               *self._group_rows([{**total, "year": "Total"}], "year")], widths, bold_last=True))
        else:
            out.append(_para("No closed trades.", s.body))
        out.append(_para(f"By symbol, highest cost first ({self.currency})", s.h2))
        if top:
            out.append(_table([["Symbol", *head[1:]], *self._group_rows(top, "symbol"),
                               *self._group_rows([total], "symbol")], widths, bold_last=True))
            out.append(_para("Cost / lot: spread + commission + taxes per round-turn lot, before rebate. The Excel "
                             "report lists every symbol and every trade.", s.note))
        else:
            out.append(_para("No closed trades.", s.body))
        return out

    def page4(self) -> list:
        s, doc = self.s, self.doc
        a = doc.get("assumptions") or {}
        settings = self.result.settings
        out = [_para("Assumptions", s.h2)]
        rows = [("Spread profile", str(a.get("spread_profile") or "n/a"), str(a.get("spread_profile_source") or ""))]
        used = spread_summary.profile_used(a.get("spread_table") or [])
        for p in (a.get("spread_profiles") or [])[:6]:
            if str(p.get("account")) in used:
                rows.append((f"  {p.get('account')}", str(p.get("profile") or ""), str(p.get("reason") or "")))
            else:  # a backtest's spreads are all the tester's (or measured, or observed): no profile priced a trade
                rows.append((f"  {p.get('account')}", "none used", "every spread is the tester's, measured or observed"))
        sources = a.get("spread_source") or {}
        rows.append(("Spreads from", "; ".join(f"{k.replace('_', ' ')}: {_count(v)} trades"
                                               for k, v in list(sources.items())[:6])
                     or "n/a", ""))
        commission = a.get("commission_schedule")
        rows += [
            ("Commission where the export has none", "schedule" if commission else "none",
             _schedule_text(commission, account_currency_text(self.result)) if commission else "commission as exported"),
            ("Commission from", "; ".join(f"{k}: {_count(v)} trades" for k, v in
                                          (a.get("commission_source") or {}).items()) or "n/a", ""),
            ("Server time minus UTC", f"{a.get('server_utc_offset') or 0:+g} h", ""),
            ("Swap counted as a cost", "yes" if a.get("swap_in_cost") else "no", ""),
            ("P&L basis", str(a.get("pnl_basis") or ""), ""),
        ]
        out += [_table([[_para(x, s.cell), _para(y, s.cell), _para(z, s.note)] for x, y, z in rows],
                       [self.width * 0.28, self.width * 0.36, self.width * 0.36], header=False, numeric_from=3)]
        out.append(_para("Rebate program rules", s.h2))
        program = settings.main_program
        if program is None:
            out.append(_para("No program chosen: no rebate is accrued.", s.body))
        else:
            out += [_para(line, s.body) for line in program_lines(program)]
            others = [p.name for p in settings.programs[1:]]
            if others:
                out.append(_para("Compared in the app and the Excel report: " + ", ".join(others) + ".", s.note))
        warnings = [w for w in doc.get("warnings") or [] if "does not reconcile:" not in w]
        if warnings:
            out.append(_para("Warnings", s.h2))
            out += [_para(f"- {w}", s.note) for w in warnings[:MAX_WARNINGS]]
            if len(warnings) > MAX_WARNINGS:
                out.append(_para(f"... and {len(warnings) - MAX_WARNINGS} more: see the Excel report or the JSON.",
                                 s.note))
        return out


def _schedule_text(d: dict, account_currency: str = "") -> str:
    """A commission schedule in words, with its currency: the account's when the schedule names none (issue 15)."""
    ccy = d.get("currency") or account_currency or "(account currency)"
    text = f"{str(d.get('model', '')).replace('_', ' ')} {d.get('rate', 0):g} {ccy} " \
           f"{str(d.get('per', '')).replace('_', ' ')}, applied {d.get('apply', '')}"
    if d.get("categories"):
        text += "; " + ", ".join(f"{k} {v:g}" for k, v in d["categories"].items())
    return text


#: A program's rate models in words (programs.MODELS).
RATE_WORDS = {"per_lot": "{rate:g} {ccy} per lot", "pips_per_lot": "{rate:g} pips per lot",
              "pct_spread": "{rate:g}% of the spread", "pct_commission": "{rate:g}% of the commission",
              "per_million": "{rate:g} {ccy} per million traded"}


def _rate_text(model: str, rate: float, currency: str) -> str:
    return RATE_WORDS.get(model, model.replace("_", " ") + " {rate:g}").format(rate=rate, ccy=currency)


def program_lines(program) -> list[str]:
    """A rebate program's rules in a few sentences: rates, tiers, eligibility, payout."""
    e, p = program.eligibility, program.payout
    lines = [f"{program.name}: {program.currency}, per {program.lot_basis.replace('_', ' ')}"
             + (f". {program.description}" if program.description else "")]
    for i, rule in enumerate(program.rates[:8]):
        match = "; ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in
                          rule.as_dict()["match"].items()) or "every trade"
        pays = " plus ".join(_rate_text(c.model, c.rate, program.currency) for c in rule.components())
        lines.append(f"Rate {i + 1}: {pays}, for {match.replace('_', ' ')}")
    if len(program.rates) > 8:
        lines.append(f"... and {len(program.rates) - 8} more rates (see the Excel report).")
    for tier in program.tiers[:6]:
        lines.append(f"Tier: from {tier.min_lots_per_month:g} lots a month, x {tier.multiplier:g}")
    rules = [f"min hold {e.min_hold_seconds:g} s" if e.min_hold_seconds else "",
             f"min move {e.min_move_points:g} points" if e.min_move_points else "",
             f"excluded symbols {', '.join(e.exclude_symbols)}" if e.exclude_symbols else "",
             f"excluded categories {', '.join(e.exclude_categories)}" if e.exclude_categories else "",
             f"capped at {e.cap_pct_of_spread:g}% of the spread" if e.cap_pct_of_spread is not None else ""]
    lines.append("Eligibility: " + ("; ".join(r for r in rules if r) or "every trade"))
    lines.append(f"Payout: {p.cycle}, {p.lag_days} day(s) after the period, minimum {p.min_amount:g}")
    return lines


def write_pdf_summary(result, path: str | os.PathLike, *, summary: Summary | None = None, paper: str | None = None,
                      ib_program=None, progress: Progress | None = None,
                      is_cancelled: Callable[[], bool] | None = None) -> Path:
    """Write the printable summary of an AnalysisResult to ``path`` and return the path.

    ``summary``: the summary already built for ``result`` (the app and the CLI pass theirs), else built here;
    ``paper``: "a4" or "letter" (default: by locale, :func:`default_paper`).

    Raises:
        ExportError: the file cannot be written, or ``paper`` is not a paper size (one-line message).
        ImportCancelled: ``is_cancelled()`` turned true; nothing is written.
    """

    step = export_steps(progress, is_cancelled)

    paper = checked_paper(paper, path)
    step(0.0, "Summarising")
    summary = summary if isinstance(summary, Summary) else build(result, ib_program=ib_program)
    size = PAPERS[paper]
    margin = 15 * mm
    step(0.3, "Laying out the summary")
    with atomic_path(path, ".pdf.tmp") as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=margin,
                                bottomMargin=margin, title="fxcost summary", author=f"fxcost {__version__}",
                                subject="Trading costs and cashback")
        # SimpleDocTemplate's frame pads 6 pt on each side: each page's content is shrunk into what is left.
        width, height = doc.width - 12, doc.height - 12
        pages = _Pages(result, summary, width)
        story: list = []
        for i, content in enumerate((pages.page1(), pages.page2(), pages.page3(), pages.page4())):
            if i:
                story.append(PageBreak())
            story.append(KeepInFrame(width, height, content, mode="shrink"))
            step(0.3 + 0.15 * (i + 1), "Laying out the summary")

        def footer(canvas, _doc) -> None:
            canvas.saveState()
            canvas.setFont("Helvetica", 7)
            canvas.setFillColor(GREY)
            canvas.drawString(margin, margin / 2, f"fxcost {__version__} summary. The Excel report is the complete "
                              "record; every figure here equals its figures and the JSON's.")
            canvas.drawRightString(size[0] - margin, margin / 2, f"page {canvas.getPageNumber()} of {PAGES}")
            canvas.restoreState()

        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        step(1.0, "Saved")
    return Path(path)
