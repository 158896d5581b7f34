"""Import panel: what was imported, per file: account, counts, reconciliation with printed totals, warnings, skips."""

from __future__ import annotations

import html
import os
from urllib.parse import quote, unquote

from PySide6.QtWidgets import QTextBrowser

from fxcost.importers.csv_table import AMBIGUOUS_DATES, DATE_ORDERS
from fxcost.importers.tester import backtest_facts, backtest_text
from fxcost.model import FORMATS
from fxcost.money import money_text
from fxcost.portfolio import Portfolio
from fxcost.summary.imported import UNPRINTED_CURRENCY, ImportSummary, import_summary

#: How the reconciliation's and the totals' keys read in the panel (others: "some_key" -> "Some key").
LABELS = {"closed_pl": "Closed trade P/L", "total_net_profit": "Total net profit", "rebate_like":
          "Rebate-like cash rows", "broker_net": "Net (balance change)", "taxes": "Taxes / fees"}
#: Link target of "Set the account currency…" under a file that prints none; the file's path follows, URL-quoted.
CURRENCY_LINK = "fxcost-currency:"
#: Link target of "Read them as …" under a CSV with day/month dates: the date order, ":", the file's quoted path.
DATES_LINK = "fxcost-dates:"
#: Keys that count things: shown without decimals.
COUNTS = ("trades", "deals", "positions", "orders")
#: An account whose file prints no currency: its money is taken as USD (every figure, and the CSV's warning, say so).
NO_CURRENCY = f"currency {UNPRINTED_CURRENCY}"


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def _value(key: str, value, currency: str = "") -> str:
    if isinstance(value, dict):  # cash by kind: each kind and its money, not the mapping's code
        return " · ".join(f"{html.escape(_label(k))} {_value(k, v, currency)}" for k, v in value.items())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return html.escape(str(value if value is not None else "–"))  # e.g. a currency code
    if key in COUNTS:
        return f"{value:,.0f}"
    if key == "lots":
        return money_text(value, 2, sep=",")
    return money_text(value, currency=currency, sep=",")  # no decimals in JPY (issue 15)


def render_html(portfolio: Portfolio, date_orders: dict[str, str] | None = None,
                summary: ImportSummary | None = None) -> str:
    """The import panel as HTML; ``date_orders`` (absolute path -> "dmy"/"mdy") are the CSV date readings the
    user chose, offered to switch back. Every figure is the typed import summary's (``summary``, built here from
    ``portfolio`` when not given, issue 10)."""
    summary = summary if summary is not None else import_summary(portfolio)
    esc = html.escape
    parts = ["<h2>Imported files</h2>"]
    files = list(zip(portfolio.files, summary.files))
    if len(files) <= FULL_BLOCKS_UP_TO:
        for f, checked in files:
            parts += _file_block(f, checked, date_orders)
    else:
        # Issue 14: an IB's book. The files that need a look first, whole; the others one line each.
        look, fine = [], []
        for f, checked in files:
            (look if _needs_a_look(f, checked) else fine).append((f, checked))
        if look:
            parts.append(f"<p>{len(files):,} files: {len(look):,} need a look (a total that does not reconcile, a "
                         "warning, skipped rows or a choice to make) and come first, in full; the other "
                         f"{len(fine):,} reconcile with the totals they print (or print none), a line each after "
                         "them.</p>")
        else:
            parts.append(f"<p>All {len(files):,} files reconcile with the totals they print (or print none), a line "
                         "each.</p>")
        for f, checked in look:
            parts += _file_block(f, checked, date_orders)
        if fine:
            parts.append(_file_table(fine))
    for p, m in portfolio.failures:
        parts.append(f"<h3>{esc(os.path.basename(p))}</h3><p style='color:#b00'>Not imported: {esc(m)}</p>")
    for w in portfolio.warnings:
        parts.append(f"<p style='color:#a60'>⚠ {esc(w)}</p>")
    currency = summary.currency  # a heading, not a row among the amounts
    in_ccy = f" ({esc(currency)})" if currency else ""
    parts.append(
        f"<h2>Totals over closed trades{in_ccy}</h2>"
        # Issue 15: the import and its reconciliation are of the whole files, whatever the period chosen.
        "<p>Of the whole files as imported, as their reconciliation above: the Period in the toolbar applies to "
        "the other views and the exports, not here.</p><table cellpadding=3>"
        + "".join(f"<tr><td>{esc(_label(k))}</td><td align=right>{_value(k, v, currency)}</td></tr>"
                  for k, v in summary.totals.items())
        + "</table>"
    )
    return "".join(parts)


#: With more files than this (an IB's book), each file that needs no look is a line of one table, after the files that
#: do (issue 14: 500 files' blocks were 4 MB of HTML, laid out again whenever the panel was resized).
FULL_BLOCKS_UP_TO = 12


def _needs_a_look(f, checked) -> bool:
    """A file whose block says more than its counts: a total that does not reconcile, a warning (beyond a note on
    why the report's total includes more), skipped rows, or a CSV (its currency and date order are the user's)."""
    return f.statement.format == "csv" or bool(f.statement.skipped) or checked.has_faults


def _file_table(files: list) -> str:
    """Files that need no look, a row each: name, account, counts and how many totals agree."""
    esc = html.escape
    rows = []
    for f, checked in files:
        st, a = f.statement, f.statement.account
        agreed = f"✔ {len(checked.checks)}" if checked.checks else "none printed"
        if checked.explained:  # what the full block would say under its table, told once under this one
            agreed += "*"
        rows.append(f"<tr><td>{esc(os.path.basename(st.path))}</td><td>{esc(a.login or '(not printed)')}</td>"
                    f"<td>{esc(a.name)}</td><td>{esc(a.broker)}</td><td>{esc(a.currency or NO_CURRENCY)}</td>"
                    f"<td align=right>{len(st.trades):,}</td><td align=right>{len(st.open_positions):,}</td>"
                    f"<td align=right>{checked.cancelled_orders:,} / {checked.working_orders:,}</td>"
                    f"<td align=right>{len(st.cash):,}</td>"
                    f"<td>{agreed}</td></tr>")
    noted = ("<p>* The report's own totals include what fxcost counts apart (MetaTrader 5: the deals of positions "
             "still open, each closing deal counted as a trade); the check allows for it.</p>"
             if any(checked.explained for _, checked in files) else "")
    return ("<h3>Files that reconcile</h3><table border=1 cellspacing=0 cellpadding=3><tr><th>File</th>"
            "<th>Account</th><th>Name</th><th>Broker</th><th>Currency</th><th>Closed trades</th><th>Open</th>"
            "<th>Orders cancelled / working</th><th>Cash rows</th><th>Totals agreed</th></tr>" + "".join(rows) + "</table>"
            + noted)


def _file_block(f, checked, date_orders: dict[str, str] | None) -> list[str]:
    """One file's full block: format, account, counts, its reconciliation table, warnings and skipped rows."""
    esc = html.escape
    parts: list[str] = []
    st, a = f.statement, f.statement.account
    parts.append(f"<h3>{esc(os.path.basename(st.path))}</h3><p>{esc(FORMATS.get(st.format, st.format))}<br>")
    parts.append(
        f"Account <b>{esc(a.login or '(not printed)')}</b> "
        # What the file does not print is left out, not shown as an empty place between dots.
        # A backtest prints no broker: its server says where it ran (as the text's "account on <server>").
        + " · ".join(esc(x) for x in (a.name, a.broker or (f"server {a.server}" if a.server else ""),
                                      a.currency or NO_CURRENCY,
                                      f"1:{a.leverage}" if a.leverage else "") if x) + "<br>"
    )
    tested = backtest_text(backtest_facts(st))
    if tested:  # what the test was: an EA developer's first question (expert, period, model, modelling quality)
        parts.append(f"Backtest of {esc(tested)}<br>")
    if not a.currency:  # a CSV, an MT4 tester report: the user says which (MainWindow asks; pipeline applies it)
        parts.append(f"<a href='{CURRENCY_LINK}{quote(st.path)}'>Set the account currency…</a><br>")
    if st.format == "csv":
        parts.append(_date_order_line(st, (date_orders or {}).get(os.path.abspath(st.path))))
    parts.append(
        f"{len(st.trades)} closed trades · {len(st.open_positions)} open positions · "
        f"{checked.cancelled_orders} cancelled and {checked.working_orders} working orders · "
        f"{len(st.cash)} cash events</p>"
    )
    ccy = checked.currency
    rows = "".join(
        f"<tr><td>{esc(_label(c.field))}</td><td align=right>{_value(c.field, c.imported, ccy)}</td>"
        f"<td align=right>{_value(c.field, c.printed, ccy)}</td>"
        f"<td>{'✔' if c.agrees else '✘ ' + esc(c.cause or 'cause unknown')}</td></tr>"
        for c in checked.checks
    )
    parts.append(
        "<table border=1 cellspacing=0 cellpadding=3><tr><th>Field</th><th>Imported</th><th>Printed</th>"
        f"<th>Reconciled</th></tr>{rows}</table>" if rows else "<p>The report prints no totals to compare.</p>"
    )
    for w in checked.warnings:  # a reconciliation difference is in the table above, once
        parts.append(f"<p style='color:#a60'>⚠ {esc(w)}</p>")
    if st.skipped:
        items = "".join(f"<li>{esc(str(s))}</li>" for s in st.skipped[:200])
        more = f"<li>… and {len(st.skipped) - 200} more</li>" if len(st.skipped) > 200 else ""
        parts.append(f"<p>{len(st.skipped)} row(s) skipped:</p><ul>{items}{more}</ul>")
    return parts


def _date_order_line(st, chosen: str | None) -> str:
    """For a CSV whose day/month dates read both ways: how they were read, and a link to read them the other way."""
    if chosen in DATE_ORDERS:
        now = chosen
        said = "your choice"
    else:
        warning = next((w for w in st.warnings if w.startswith(AMBIGUOUS_DATES)), None)
        if warning is None:
            return ""
        now = "dmy" if f"read them as {DATE_ORDERS['dmy']}" in warning else "mdy"
        said = "fxcost's guess, see the warning below"
    other = "mdy" if now == "dmy" else "dmy"
    return (f"Dates read as {DATE_ORDERS[now]} ({said}) · <a href='{DATES_LINK}{other}:{quote(st.path)}'>Read them as "
            f"{DATE_ORDERS[other]}</a><br>")


class ImportPanel(QTextBrowser):
    """Read-only HTML view of the last import."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("import-panel")
        self.setOpenExternalLinks(False)
        self.setOpenLinks(False)  # links are actions (anchorClicked), never pages to load
        self.setHtml("<p>Open a MetaTrader 4/5 history export (File ▸ Open, or drop files on the window).</p>")

    def set_portfolio(self, portfolio: Portfolio, date_orders: dict[str, str] | None = None) -> None:
        self.setHtml(render_html(portfolio, date_orders))


def dates_link(url: str) -> tuple[str, str] | None:
    """(date order, CSV file) of a "Read them as …" link, or None for any other link."""
    if not url.startswith(DATES_LINK):
        return None
    order, _, path = url[len(DATES_LINK):].partition(":")
    return (order, unquote(path)) if order in DATE_ORDERS else None


def currency_link_path(url: str) -> str | None:
    """The CSV file a "Set the account currency…" link is for, or None for any other link."""
    return unquote(url[len(CURRENCY_LINK):]) if url.startswith(CURRENCY_LINK) else None
