"""A client's cashback statement as PDF (issue 14), drawn with reportlab in the house style of the PDF summary.

It prints what report.client_statement.statement gives, and only that: the client account, the period, the
trades (ticket, times, symbol, side, lots, cashback in cents), the volume and the payable, in the client's own
account currency. No IB earnings, shares or margins (issue 14). The cashback column is the statement's allocated
cents, so the printed trades add up to the printed payable. The trade table runs over as many pages as it needs,
its header repeated on each; the paper follows the user's locale (print_rules.default_paper) unless given.
Written atomically, like every report.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from fxcost import __version__
from fxcost.money import lots_text, money_text
from fxcost.report.client_statement import Statement
from fxcost.report.output import atomic_path
from fxcost.report.pdf_summary import GREY, PAPERS, _Styles, _table, checked_paper

TITLE = "Cashback statement"


def _time(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")


def _lots(value) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):.2f}"


def trade_rows(st: Statement) -> list[list[str]]:
    """The trade table as printed: a header, one row per trade (cashback to the cent), then the Total row whose
    cashback is the payable."""
    rows = [["Ticket", "Open time", "Close time", "Symbol", "Side", "Lots", f"Cashback ({st.currency})"]]
    for r in st.trades.itertuples(index=False):
        number: Any = r.ticket
        ticket = "" if number is None or pd.isna(number) else str(int(number))
        rows.append([ticket, _time(r.open_time), _time(r.close_time), str(r.symbol), str(r.side), _lots(r.lots),
                     money_text(r.cashback)])
    rows.append(["Total", "", "", "", "", _lots(st.lots), money_text(st.payable)])
    return rows


def write(st: Statement, path: str | os.PathLike, *, paper: str | None = None, title: str = TITLE) -> Path:
    """Write ``st`` as a PDF at ``path`` (replaced only once complete). Raises ExportError (one line)."""
    paper = checked_paper(paper, path)
    size = PAPERS[paper]
    margin = 15 * mm
    styles = _Styles()
    with atomic_path(path, ".pdf.tmp") as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=margin,
                                bottomMargin=margin, title=f"{title} {st.account} {st.period}",
                                author=f"fxcost {__version__}", subject=title)
        width = doc.width - 12
        who = f"{st.account} ({st.name})" if st.name else st.account
        head = [["Client account", who], ["Period", st.period], ["Currency", st.currency],
                ["Trades", f"{len(st.trades):,}".replace(",", " ")], ["Volume", lots_text(st.lots)],
                [f"Cashback payable ({st.currency})", money_text(st.payable)]]
        story = [Paragraph(escape(title), styles.title), Spacer(1, 4),
                 _table(head, [width * 0.35, width * 0.65], header=False, numeric_from=2, bold_last=True),
                 Spacer(1, 8), Paragraph("Trades closed in the period (server time)", styles.h2)]
        table = _table(trade_rows(st), [w * width for w in (0.11, 0.19, 0.19, 0.13, 0.07, 0.1, 0.21)],
                       numeric_from=5, bold_last=True)
        table.repeatRows = 1
        story.append(table)
        story.append(Spacer(1, 6))
        story.append(Paragraph(escape("Each trade's cashback is in cents; the cents add up to the payable."),
                               styles.note))

        def footer(canvas, _doc) -> None:
            canvas.saveState()
            canvas.setFont("Helvetica", 7)
            canvas.setFillColor(GREY)
            canvas.drawString(margin, margin / 2, f"{title}, account {st.account}, {st.period}")
            canvas.drawRightString(size[0] - margin, margin / 2, f"page {canvas.getPageNumber()}")
            canvas.restoreState()

        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return Path(path)
