"""MT5 report header blocks: account line, tester settings, summary and results, read by position and arithmetic
(the labels are translated, FORMATS.md 3.6)."""

from __future__ import annotations

import math
import re
from typing import Any

from fxcost.importers import text as tx
from fxcost.importers.mt5_cells import cell_text
from fxcost.importers.mt5_layout import Labels, Layout
from fxcost.model import Account, Statement

_ACCOUNT = re.compile(r"^\s*([^\s(]*)\s*\((.*)\)\s*$")
_COUNT = re.compile(r"^\s*(\d+)\s*\(")
_LEVERAGE = re.compile(r"^1\s*:\s*(\d+)$")
#: "<server> (build 1234)" in a tester report's title: searched for its end only, the server being the text before
#: it (a lazy "^(.*?)\s*" before it was quadratic on a run of spaces, issue 13).
BUILD_SUFFIX = re.compile(r"\(\s*+build\s++\d++\s*+\)\s*+$", re.IGNORECASE)




def account_header(st: Statement, block: Labels | None) -> None:
    """Name / Account / Company / Date, by position around the account line (labels are translated)."""
    acc = st.account
    values = [cell_text(row[0][1]) if row and row[0][1] is not None else "" for row in (block.rows if block else [])]
    at = next((k for k, v in enumerate(values) if _ACCOUNT.match(v) and "," in v), None)
    if at is None:
        st.warnings.append(
            "The report has no account header (Name, Account, Company, Date: removed when the file was "
            "edited), so the account's login, currency, server and hedging mode are unknown."
        )
        return
    m = _ACCOUNT.match(values[at])
    acc.login = m.group(1)
    _account_details(acc, m.group(2))
    if at >= 1:
        acc.name = values[at - 1]
    if at + 1 < len(values):
        acc.broker = values[at + 1]
    if at + 2 < len(values):
        report_time = tx.parse_report_time(values[at + 2])
        acc.report_time = report_time
    if not acc.currency:
        st.warnings.append(f"The account line {values[at]!r} names no currency.")


def _account_details(acc: Account, inner: str) -> None:
    """'USD, MetaQuotes-Demo, demo, Hedge' or the older 'USD, 1:100, Server, real'."""
    servers = []
    for part in (tx.clean(p) for p in inner.split(",")):
        low = part.lower()
        lev = _LEVERAGE.match(part)
        if low in ("hedge", "hedging"):
            acc.margin_mode = "hedge"
        elif low in ("netting", "exchange", "nohedge", "no hedge"):
            acc.margin_mode = "netting"
        elif low in ("demo", "real", "contest"):
            acc.account_type = low
        elif lev:
            acc.leverage = int(lev.group(1))
        elif not acc.currency and re.fullmatch(r"[A-Z]{3,6}", part):
            acc.currency = part
        elif part:
            servers.append(part)
    acc.server = servers[0] if servers else ""


def tester_header(st: Statement, blocks: list[Labels], layout: Layout) -> None:
    """Tester Settings block: Expert, Symbol, Period, Inputs..., Company, Currency, Deposit, Leverage."""
    acc = st.account
    titles = [v for k, v in layout.items if k == "title"]
    for t in titles:
        m = BUILD_SUFFIX.search(t)
        if m:
            acc.server = t[: m.start()].rstrip()
            break
    if not blocks:
        return
    labelled = [row[0] for row in blocks[0].rows if row and row[0][0]]
    values = [cell_text(v) if v is not None else "" for _, v in labelled]
    tester: dict[str, Any] = {}
    if len(values) >= 3:
        tester.update(expert=values[0], symbol=values[1], period=values[2])
        acc.name = values[0]
    for k, v in enumerate(values):
        if re.fullmatch(r"[A-Z]{3,6}", v) and k >= 3:
            acc.currency = v
            acc.broker = values[k - 1] if k >= 1 else ""
            if k + 1 < len(values):
                tester["initial_deposit"] = tx.parse_number(values[k + 1])
            if k + 2 < len(values):
                lev = _LEVERAGE.match(values[k + 2])
                acc.leverage = int(lev.group(1)) if lev else None
            break
    st.printed.extra["tester"] = tester


def summary_and_results(blocks: list[Labels]) -> tuple[Labels | None, Labels | None]:
    """After the tables: the summary rows (Balance, Credit Facility...), then the Results block."""
    if not blocks:
        return None, None
    if len(blocks) == 1:
        only = blocks[0]
        return (None, only) if _tnp_in_row(only) is not None else (only, None)
    return blocks[0], blocks[-1]


def _value(pair: tuple[str, Any] | None) -> float:
    return tx.parse_number(pair[1]) if pair and pair[1] is not None else float("nan")


def _tnp_in_row(block: Labels) -> tuple[float, float, float] | None:
    """Total Net Profit / Gross Profit / Gross Loss printed side by side (history reports)."""
    for row in block.rows:
        if len(row) >= 3:
            a, b, c = (_value(p) for p in row[:3])
            if _tnp_ok(a, b, c):
                return a, b, c
    return None


def _tnp_ok(a: float, b: float, c: float) -> bool:
    return not any(math.isnan(x) for x in (a, b, c)) and b >= 0 >= c and abs(a - (b + c)) < 0.015


def read_results(st: Statement, block: Labels | None) -> None:
    """Results: located by the arithmetic that ties the figures together, not by the (translated) labels."""
    if block is None:
        return
    p = st.printed
    found = _tnp_in_row(block)
    if found is None:
        # Tester layout: Total Net Profit, Gross Profit and Gross Loss head three consecutive rows.
        firsts = [_value(row[0]) if row else float("nan") for row in block.rows]
        for k in range(len(firsts) - 2):
            if _tnp_ok(*firsts[k:k + 3]):
                found = tuple(firsts[k:k + 3])
                break
    if found is not None:
        p.total_net_profit, p.gross_profit, p.gross_loss = found
    # Total Trades: "n", "short (won %)", "long (won %)" with n = short + long.
    for row in block.rows:
        if len(row) < 3:
            continue
        n = _value(row[0])
        m1, m2 = (_COUNT.match(cell_text(row[k][1])) if row[k][1] is not None else None for k in (1, 2))
        if m1 and m2 and not math.isnan(n) and n == int(m1.group(1)) + int(m2.group(1)):
            p.trades = int(n)
            break


def read_summary(st: Statement, block: Labels | None) -> None:
    """Balance, Credit Facility, Floating P/L, Equity (left) and Free Margin, Margin, Margin Level (right)."""
    if block is None or len(block.rows) < 4:
        return
    left = [_value(row[0]) if row else float("nan") for row in block.rows[:4]]
    right = [_value(row[1]) if len(row) > 1 else float("nan") for row in block.rows[:3]]
    if any(math.isnan(x) for x in left[:2]):
        return
    p = st.printed
    p.balance, p.credit = left[0], left[1]
    names = ("floating_pl", "equity")
    for name, v in zip(names, left[2:]):
        if not math.isnan(v):
            p.extra[name] = v
            setattr(p, name, v)
    for name, v in zip(("free_margin", "margin", "margin_level"), right):
        if not math.isnan(v):
            p.extra[name] = v

