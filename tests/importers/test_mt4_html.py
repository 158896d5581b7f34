"""MT4 Statement / DetailedStatement reader: hand-written snippets (no samples needed), the real
samples in ../shared/samples (skipped when absent), and the 100k-trade speed target."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from fxcost.errors import ImportFailed
from fxcost.importers import load_bytes, load_file, mt4_html
from fxcost.importers.htmltable import MAX_CELL_CHARS
from fxcost.importers.reconcile import reconcile
from tests.conftest import sample

# ----------------------------------------------------------------------------- snippet builder

HEADER = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html><head><title>Statement: {login} - {name}</title></head><body><div align=center>
<div style="font: 20pt Times New Roman"><b>{broker}</b></div><br>
<table cellspacing=1 cellpadding=3 border=0>
<tr align=left>
    <td colspan=2><b>Account: {login}</b></td>
    <td colspan=5><b>Name: {name}</b></td>
    <td colspan=2><b>Currency: {currency}</b></td>
    {leverage}
    <td colspan=3 align=right><b>2017 October 18, 08:05</b></td></tr>
"""
CLOSED = """<tr align=left><td colspan=13><b>Closed Transactions:</b></td></tr>
<tr align=center bgcolor="#C0C0C0">
   <td>Ticket</td><td nowrap>Open Time</td><td>Type</td><td>Size</td><td>Item</td>
   <td>Price</td><td>S / L</td><td>T / P</td><td nowrap>Close Time</td>
   <td>Price</td><td>Commission</td><td>Taxes</td><td>Swap</td><td>Profit</td></tr>
"""
OPEN = """<tr align=left><td colspan=14><b>Open Trades:</b></td></tr>
<tr align=center bgcolor="#C0C0C0">
    <td>Ticket</td><td nowrap>Open Time</td><td>Type</td><td>Size</td><td>Item</td>
    <td>Price</td><td>S / L</td><td>T / P</td><td>&nbsp;</td>
    <td>Price</td><td>Commission</td><td>Taxes</td><td>Swap</td><td>Profit</td></tr>
"""
WORKING = """<tr align=left><td colspan=14><b>Working Orders:</b></td></tr>
<tr align=center bgcolor="#C0C0C0">
    <td>Ticket</td><td nowrap>Open Time</td><td>Type</td><td>Size</td><td>Item</td>
    <td>Price</td><td>S / L</td><td>T / P</td><td colspan=2 nowrap>Market Price</td><td colspan=4>&nbsp;</td></tr>
"""
NO_ROWS = '<tr align=right><td colspan=13 align=center>No transactions</td></tr>\n'
END = "</table></div></body></html>\n"


def _price(value: str, digits: int | None) -> str:
    if digits is None:
        return f"<td>{value}</td>"
    fmt = "0\\." + "0" * digits + ";"
    return f'<td style="mso-number-format:{fmt}">{value}</td>'


def trade(
    ticket: int,
    side: str = "buy",
    lots: str = "0.10",
    item: str = "eurusd",
    open_price: str = "1.10000",
    close_price: str = "1.10100",
    commission: str = "-0.70",
    taxes: str = "0.00",
    swap: str = "0.00",
    profit: str = "10.00",
    title: str | None = None,
    digits: int | None = 5,
    sl: str = "0.00000",
    tp: str = "0.00000",
    open_time: str = "2024.01.02 10:00:00",
    close_time: str = "2024.01.02 11:00:00",
) -> str:
    t = f' title="{title}"' if title is not None else ""
    return (
        f"<tr align=right><td{t}>{ticket}</td><td class=msdate nowrap>{open_time}</td><td>{side}</td>"
        f"<td class=mspt>{lots}</td><td>{item}</td>{_price(open_price, digits)}{_price(sl, digits)}"
        f"{_price(tp, digits)}<td class=msdate nowrap>{close_time}</td>{_price(close_price, digits)}"
        f"<td class=mspt>{commission}</td><td class=mspt>{taxes}</td><td class=mspt>{swap}</td>"
        f"<td class=mspt>{profit}</td></tr>\n"
    )


def open_trade(ticket: int, profit: str = "5.00", title: str | None = None) -> str:
    t = f' title="{title}"' if title is not None else ""
    return (
        f"<tr align=right><td{t}>{ticket}</td><td nowrap>2024.01.03 10:00:00</td><td>sell</td><td class=mspt>0.20</td>"
        f"<td>gbpusd</td>{_price('1.27000', 5)}{_price('0.00000', 5)}{_price('1.26000', 5)}"
        f"<td class=msdate nowrap>&nbsp;</td>{_price('1.26900', 5)}<td class=mspt>-1.40</td>"
        f"<td class=mspt>0.00</td><td class=mspt>-0.30</td><td class=mspt>{profit}</td></tr>\n"
    )


def cash_row(ticket: int, amount: str, comment: str, kind: str = "balance", title: bool = True) -> str:
    t = f' title="{comment}"' if title else ""
    return (
        f"<tr align=right><td{t}>{ticket}</td><td class=msdate nowrap>2024.01.01 09:00:00</td><td>{kind}</td>"
        f"<td colspan=10 align=left>{comment}</td><td class=mspt>{amount}</td></tr>\n"
    )


def cancelled(ticket: int, state: str = "cancelled", title: str = "cancelled", kind: str = "buy limit") -> str:
    return (
        f'<tr bgcolor=#E0E0E0 align=right><td title="{title}">{ticket}</td><td class=msdate nowrap>2019.05.10 16:24:11</td>'
        f"<td>{kind}</td><td class=mspt>0.01</td><td>jp225</td>{_price('21016', 0)}{_price('0', 0)}{_price('0', 0)}"
        f"<td class=msdate nowrap>2019.05.10 16:25:50</td>{_price('21166', 0)}<td colspan=4>{state}</td></tr>\n"
    )


def working(ticket: int) -> str:
    return (
        f"<tr align=right><td>{ticket}</td><td nowrap>2020.05.15 06:54:22</td><td>sell limit</td><td class=mspt>0.02</td>"
        f"<td>gbpusd.</td>{_price('1.21638', 5)}{_price('0.00000', 5)}{_price('0.00000', 5)}"
        f"<td class=msdate nowrap>&nbsp;</td>{_price('1.21012', 5)}<td colspan=4></td></tr>\n"
    )


def subtotal(commission: str, taxes: str, swap: str, profit: str, label: str = "Closed P/L:", total: str = "") -> str:
    row = (
        f"<tr align=right><td colspan=10>&nbsp;</td><td class=mspt>{commission}</td><td class=mspt>{taxes}</td>"
        f"<td class=mspt>{swap}</td><td class=mspt>{profit}</td></tr>\n"
    )
    if total:
        row += (
            f'<tr align=right><td colspan=12 align=right><b>{label}</b></td><td colspan=2 align=right '
            f'title="Commission + Swap + Profit + Taxes" class=mspt><b>{total}</b></td></tr>\n'
        )
    return row


def _money(text: str) -> float:
    return float(text.replace(" ", ""))


def summary(deposit: str = "0.00", credit: str = "0.00", closed: str = "0.00", balance: str | None = None,
            floating: str = "0.00", equity: str | None = None) -> str:
    """The Summary block; Balance and Equity default to what MetaTrader prints for a whole history."""
    if balance is None:
        balance = f"{_money(deposit) + _money(closed):.2f}"
    if equity is None:
        equity = f"{_money(balance) + _money(credit) + _money(floating):.2f}"
    return f"""<tr align=left><td colspan=14><b>Summary:</b></td></tr>
<tr align=right><td colspan=2><b>Deposit/Withdrawal:</b></td><td colspan=2 class=mspt><b>{deposit}</b></td>
<td colspan=4><b>Credit Facility:</b></td><td class=mspt><b>{credit}</b></td><td colspan=5>&nbsp;</td></tr>
<tr align=right><td colspan=2><b>Closed Trade P/L:</b></td><td colspan=2 class=mspt><b>{closed}</b></td>
<td colspan=4><b>Floating P/L:</b></td><td class=mspt><b>{floating}</b></td><td colspan=3><b>Margin:</b></td>
<td colspan=2 class=mspt><b>0.00</b></td></tr>
<tr align=right><td colspan=2><b>Balance:</b></td><td colspan=2 class=mspt><b>{balance}</b></td>
<td colspan=4><b>Equity:</b></td><td class=mspt><b>{equity}</b></td><td colspan=3><b>Free Margin:</b></td>
<td colspan=2 class=mspt><b>{balance}</b></td></tr>
"""


def details(gross_profit: str, gross_loss: str, net: str, trades: int) -> str:
    return f"""<tr align=left><td colspan=14><b>Details:</b></td></tr>
<tr align=center><td colspan=14><img src="DetailedStatement.gif" width=820 height=200 border=0 alt="Graph"></td></tr>
<tr align=right><td colspan=2><b>Gross Profit:</b></td><td colspan=2 class=mspt><b>{gross_profit}</b></td>
<td colspan=4><b>Gross Loss:</b></td><td class=mspt><b>{gross_loss}</b></td><td colspan=3><b>Total Net Profit:</b></td>
<td colspan=2 class=mspt><b>{net}</b></td></tr>
<tr align=right><td colspan=2><b>Total Trades:</b></td><td colspan=2 class=mspt><b>{trades}</b></td>
<td colspan=4><b>Short Positions (won %):</b></td><td class=mspt><b>0 (0.00%)</b></td>
<td colspan=3><b>Long Positions (won %):</b></td><td colspan=2 class=mspt><b>{trades} (100.00%)</b></td></tr>
<tr align=right><td colspan=2><b>Largest</b></td><td colspan=6><b>profit trade:</b></td><td class=mspt><b>1.00</b></td>
<td colspan=3><b>loss trade:</b></td><td colspan=2 class=mspt><b>0.00</b></td></tr>
"""


def statement(
    closed_rows: str,
    *,
    open_rows: str = "",
    working_rows: str = "",
    tail: str = "",
    login: str = "535110",
    name: str = "Pat Trader",
    broker: str = "TW Corp.",
    currency: str = "USD",
    leverage: str = "<td colspan=2><b>Leverage: 1:100</b></td>",
    closed_header: str = CLOSED,
) -> str:
    head = HEADER.format(login=login, name=name, broker=broker, currency=currency, leverage=leverage)
    return (
        head
        + closed_header
        + closed_rows
        + OPEN
        + (open_rows or NO_ROWS)
        + WORKING
        + (working_rows or NO_ROWS)
        + (tail or summary())
        + END
    )


def read(html: str, encoding: str = "cp1252"):
    """Through the public entry point, as the app does (sniffing + decoding included)."""
    return load_bytes(html.encode(encoding), "snippet.htm")


# ----------------------------------------------------------------------------- snippets


def test_basic_statement_account_and_frames():
    html = statement(
        cash_row(1, "1 000.00", "Deposit")
        + trade(11, profit="10.00")
        + trade(12, side="sell", profit="-5.50", swap="-0.20", sl="1.20000", tp="1.09000")
        + subtotal("-1.40", "0.00", "-0.20", "4.50", total="2.90"),
        open_rows=open_trade(21),
        working_rows=working(31),
        tail=summary(deposit="1 000.00", closed="2.90", balance="1 002.90", floating="3.30", equity="1 006.20"),
    )
    st = read(html)
    assert st.format == "mt4_statement"
    a = st.account
    assert (a.login, a.name, a.broker, a.currency, a.leverage, a.margin_mode) == (
        "535110", "Pat Trader", "TW Corp.", "USD", 100, "hedge",
    )  # fmt: skip
    assert a.report_time == pd.Timestamp("2017-10-18 08:05")
    t = st.trades
    assert list(t["ticket"]) == [11, 12]
    assert list(t["side"]) == ["buy", "sell"]
    assert t["lots"].tolist() == [0.1, 0.1]
    assert t["open_time"].iloc[0] == pd.Timestamp("2024-01-02 10:00:00")
    assert t["sl"].isna().iloc[0] and t["tp"].isna().iloc[0]  # 0 = none
    assert (t["sl"].iloc[1], t["tp"].iloc[1]) == (1.2, 1.09)
    assert (t["digits"] == 5).all()
    assert list(t["symbol_root"]) == ["EURUSD", "EURUSD"]
    assert (t["account"] == "535110").all() and (t["source"] == "snippet.htm").all()
    assert not t["is_partial"].any() and list(t["partial_group"]) == [11, 12]
    assert len(st.open_positions) == 1 and st.open_positions["market_price"].iloc[0] == 1.269
    assert list(st.orders["state"]) == ["working"] and st.orders["close_time"].isna().all()
    assert list(st.cash["kind"]) == ["deposit"] and st.cash["amount"].iloc[0] == 1000.0
    p = st.printed
    assert (p.commission, p.taxes, p.swap, p.profit, p.closed_pl) == (-1.4, 0.0, -0.2, 4.5, 2.9)
    assert (p.deposit_withdrawal, p.balance) == (1000.0, 1002.9)
    assert reconcile(st).ok and not st.warnings and not st.skipped


def test_detailed_statement_totals_and_format():
    html = statement(
        trade(11, profit="10.00", commission="-1.00") + trade(12, profit="-3.00", commission="-1.00")
        + subtotal("-2.00", "0.00", "0.00", "7.00", total="5.00"),
        tail=summary(closed="5.00") + details("9.00", "4.00", "5.00", 2),
    )  # fmt: skip
    st = read(html)
    assert st.format == "mt4_detailed" and st.account.source_format == "mt4_detailed"
    p = st.printed
    assert (p.gross_profit, p.gross_loss, p.total_net_profit, p.trades) == (9.0, 4.0, 5.0, 2)
    assert p.extra["details"]["largest profit trade"] == "1.00"
    rec = reconcile(st)
    assert rec.ok and set(rec.compared) >= {"profit", "commission", "closed_pl", "total_net_profit", "trades"}
    assert not st.warnings


def test_partial_close_chains():
    # A (closed 0.04, rest to B), B (closed 0.02, rest to C), C (rest 0.01, stopped out with a gap).
    rows = (
        trade(100, lots="0.04", title="to #200", profit="716.00")
        + trade(200, lots="0.02", title="to #300", profit="304.00")
        + trade(300, lots="0.01", title="from #200[sl/gap]", profit="-50.00")
        + trade(400, title="[tp]")
        + trade(500, lots="0.01", title="to #600")
    )
    st = read(statement(rows, open_rows=open_trade(600, title="from #500")))
    t = st.trades.set_index("ticket")
    assert t.loc[[100, 200, 300], "is_partial"].all()
    assert (t.loc[[100, 200, 300], "partial_group"] == 100).all()
    assert t.loc[300, "close_reason"] == "sl"
    assert not t.loc[400, "is_partial"] and t.loc[400, "partial_group"] == 400 and t.loc[400, "close_reason"] == "tp"
    # The rest of 500 is still open: 500 is still a partial close.
    assert t.loc[500, "is_partial"] and t.loc[500, "partial_group"] == 500
    assert st.open_positions["comment"].iloc[0] == "from #500"


def test_cancelled_deleted_expired_orders():
    rows = (
        cancelled(1)
        + cancelled(2, state="deleted", title="#5421 deleted [no money]", kind="sell stop")
        + cancelled(3, state="expiration", title="expiration [2019.05.11]")
        + trade(4)
    )
    st = read(statement(rows))
    o = st.orders.set_index("ticket")
    assert list(o["state"]) == ["cancelled", "deleted", "expired"]
    assert o.loc[2, "comment"] == "#5421 deleted [no money]" and o.loc[2, "order_type"] == "sell stop"
    assert o.loc[1, "price"] == 21016 and o.loc[1, "sl"] != o.loc[1, "sl"]  # 0 -> NaN
    assert o.loc[1, "close_time"] == pd.Timestamp("2019-05-10 16:25:50")
    assert list(st.trades["ticket"]) == [4]
    assert st.cash.empty and not st.skipped


def test_balance_and_credit_rows():
    rows = (
        cash_row(1, "10 000.00", "Deposit")
        + cash_row(2, "-350.00", "Withdrawal")
        + cash_row(3, "12.40", "Cashback for May")
        + cash_row(4, "250.00", "IT From 8072790 27787244")
        + cash_row(5, "5 000.00", "ADJUSTMENT")
        + cash_row(6, "493.00", "Credit In-VTOS-DPBonus, value date: 2024.07.16", kind="credit")
        + cash_row(7, "110.00", "", title=False)
        + cash_row(8, "-2.46", "Financing", title=False)
        + trade(9)
    )
    st = read(statement(rows, tail=summary(deposit="15 019.94", credit="493.00", closed="9.30")))
    c = st.cash.set_index("ticket")
    assert list(c["kind"]) == ["deposit", "withdrawal", "rebate", "transfer_in", "adjustment", "credit", "deposit", "financing"]
    assert c.loc[1, "amount"] == 10000.0 and c.loc[2, "amount"] == -350.0
    assert c.loc[8, "comment"] == "Financing"  # no title: the comment cell
    assert c.loc[1, "time"] == pd.Timestamp("2024-01-01 09:00:00")
    assert list(st.trades["ticket"]) == [9]
    # Summary's Deposit/Withdrawal counts the balance rows, Credit Facility the credit rows.
    assert not st.warnings


def test_deposit_withdrawal_mismatch_is_reported():
    st = read(statement(cash_row(1, "100.00", "Deposit") + trade(2), tail=summary(deposit="150.00")))
    assert any("Deposit/Withdrawal" in w for w in st.warnings)


def test_space_thousands_nbsp_and_full_width_spaces():
    rows = (
        trade(1, profit="1 522.80", swap="-1&nbsp;000.00", commission="-22.70")
        + trade(2, profit="-1\u3000234.50", lots="0.1", open_time="2024.01.02\u300010:00:00")
        + cash_row(3, "10\u00a0000.00", "Deposit")
    )
    st = read(statement(rows), encoding="utf-8")
    t = st.trades
    assert t["profit"].tolist() == [1522.8, -1234.5]
    assert t["swap"].iloc[0] == -1000.0
    assert t["lots"].tolist() == [0.1, 0.1]
    assert t["open_time"].iloc[1] == pd.Timestamp("2024-01-02 10:00:00")
    assert st.cash["amount"].iloc[0] == 10000.0
    assert not st.skipped


def test_gbk_resave_with_full_width_spaces():
    html = statement(trade(1, profit="246.40"), name="李振芳").replace("&nbsp;", "\u3000")
    st = load_bytes(html.encode("gbk"), "cn.html")
    assert st.account.name == "李振芳"
    assert st.trades["profit"].iloc[0] == 246.4


def test_integer_jpy_money_and_zero_digit_prices():
    rows = (
        trade(1, item="jp225", open_price="21719", close_price="21723", sl="0", tp="0", digits=0,
              commission="0", taxes="0", swap="-11", profit="-3 865")
        + trade(2, item="usdjpy.", open_price="111.391", close_price="111.300", digits=3, sl="0.000", tp="111.300",
                commission="0", taxes="0", swap="0", profit="91")
        + cash_row(3, "200 000", "Deposit: 10352 JPY")
        + subtotal("0", "0", "-11", "-3 774", total="-3 785")
    )  # fmt: skip
    st = read(statement(rows, currency="JPY", tail=summary(deposit="200 000", closed="-3 785", balance="196 215")))
    t = st.trades
    assert t["profit"].tolist() == [-3865.0, 91.0]
    assert t["digits"].tolist() == [0, 3]
    assert t["sl"].isna().all() and t["tp"].iloc[1] == 111.3
    assert list(t["symbol_root"]) == ["JP225", "USDJPY"] and list(t["symbol_suffix"]) == ["", "."]
    assert st.cash["amount"].iloc[0] == 200000.0
    assert st.account.currency == "JPY"
    assert reconcile(st).ok


def test_digits_from_printed_decimals_when_no_mso_format():
    rows = trade(1, open_price="1.1", close_price="1.10250", digits=None) + trade(2, open_price="1.105", digits=None)
    st = read(statement(rows))
    assert st.trades["digits"].tolist() == [5, 5]  # max printed over the symbol


@pytest.mark.parametrize(
    ("cell", "leverage"),
    [
        ("<td colspan=2><b>Leverage: 1:100</b></td>", 100),
        ("<td colspan=2><b>Leverage: 1:25</b></td>", 25),
        ("<td colspan=2><b>Leverage: <!--LEVERAGE--></b></td>", None),
        ("<td colspan=2><b></b></td>", None),
        ("", None),  # no cell at all
    ],
)
def test_leverage_variants(cell, leverage):
    st = read(statement(trade(1), leverage=cell))
    assert st.account.leverage == leverage
    assert st.account.report_time == pd.Timestamp("2017-10-18 08:05")


@pytest.mark.parametrize("heading", ["Un-official Statement", "Unofficial statement", " Statement "])
def test_a_statement_heading_where_the_broker_goes_is_no_broker(heading):
    # A real report (yinglli/trade, DetailedStatement.htm) prints "Un-official Statement" in the broker's line.
    assert read(statement(trade(1), broker=heading)).account.broker == ""
    assert read(statement(trade(1), broker="Statement Markets Ltd.")).account.broker == "Statement Markets Ltd."


def test_empty_login_and_name_still_import():
    st = read(statement(trade(1), login="", name="", broker="Alpari"))
    assert (st.account.login, st.account.name, st.account.broker) == ("", "", "Alpari")
    assert st.account.key == ""
    assert len(st.trades) == 1 and (st.trades["account"] == "").all()


def test_name_from_title_when_it_is_the_same_name_with_accents():
    html = statement(trade(1), name="Ignacio pena").replace("Statement: 535110 - Ignacio pena", "Statement: 535110 - Ignacio Peña")
    st = load_bytes(html.encode("utf-8"), "es.htm")
    assert st.account.name == "Ignacio Peña"
    html = statement(trade(1), name="Jane Doe").replace("Statement: 535110 - Jane Doe", "Statement: 535110 - Someone Else")
    assert read(html).account.name == "Jane Doe"


def test_comments_magic_numbers_and_close_reasons():
    rows = (
        trade(1, title="#16384 MACD Sample[tp]")
        + trade(2, title="5 Min Strategy[tp]")
        + trade(3, title="#2022052714 [sl]")
        + trade(4, title="#99999999999 too big")
        + trade(5, title="so: 59.7%/15.0/25.2")
        + trade(6, title="#21000 ")
        + trade(7, title="Dividend #55")
        + trade(8, title="close hedge by #9")
        + trade(9)
    )
    st = read(statement(rows))
    t = st.trades.set_index("ticket")
    assert t.loc[1, "magic"] == 16384 and t.loc[1, "comment"] == "MACD Sample[tp]" and t.loc[1, "close_reason"] == "tp"
    assert pd.isna(t.loc[2, "magic"]) and t.loc[2, "comment"] == "5 Min Strategy[tp]"
    assert t.loc[3, "magic"] == 2022052714 and t.loc[3, "close_reason"] == "sl"
    assert pd.isna(t.loc[4, "magic"]) and t.loc[4, "comment"] == "#99999999999 too big"
    assert t.loc[5, "stop_out"] and t.loc[5, "close_reason"] == "so"
    assert t.loc[6, "magic"] == 21000 and t.loc[6, "comment"] == ""
    assert pd.isna(t.loc[7, "magic"])
    assert t.loc[8, "close_by"] and not t.loc[9, "close_by"]
    assert t["stop_out"].sum() == 1


def test_continuation_rows_give_magic_and_comment():
    # Newer builds: a row under the trade with the magic number and the comment.
    rows = (
        trade(1, title="#21000 ")
        + "<tr align=right><td colspan=9>&nbsp;</td><td>21000</td><td colspan=3>&nbsp;</td></tr>\n"
        + trade(2)
        + "<tr align=right><td colspan=9>&nbsp;</td><td>&nbsp;</td><td colspan=3>to #3</td></tr>\n"
        + trade(3, title="from #2")
        + cancelled(4, title="#5421 cancelled")
        + "<tr align=right><td colspan=9>&nbsp;</td><td>5421</td><td colspan=3>cancelled</td></tr>\n"
    )
    st = read(statement(rows))
    t = st.trades.set_index("ticket")
    assert t.loc[1, "magic"] == 21000 and t.loc[1, "comment"] == ""
    assert t.loc[2, "comment"] == "to #3" and t.loc[2, "is_partial"] and t.loc[3, "partial_group"] == 2
    assert len(st.orders) == 1 and not st.skipped


def test_broker_roll_up_rows_become_cash_and_reconcile():
    # Alpari: Item 'profit', prices 0, a quarter's commission/swap/profit in one row.
    rows = (
        cash_row(1, "365.47", "Summary balance result 2013")
        + trade(2, item="profit", open_price="0.00000", close_price="0.00000", commission="-45.90",
                swap="-0.13", profit="-148.03", title="Summary trade result Q4 2013")
        + "<tr align=right><td colspan=9>&nbsp;</td><td>&nbsp;</td><td colspan=3>Summary trade result Q4 2013</td></tr>\n"
        + trade(3, item="eurusd", commission="-1.00", profit="10.00")
        + subtotal("-46.90", "0.00", "-0.13", "-138.03", total="-185.06")
    )  # fmt: skip
    st = read(statement(rows, tail=summary(deposit="365.47", closed="-185.06") + details("9.00", "194.06", "-185.06", 2)))
    assert list(st.trades["ticket"]) == [3]
    c = st.cash.set_index("ticket")
    assert list(c["kind"]) == ["archived", "archived"]
    assert c.loc[2, "amount"] == pytest.approx(-194.06)
    assert c.loc[2, "time"] == pd.Timestamp("2024-01-02 11:00:00")
    rec = reconcile(st)
    assert rec.ok, rec.differences
    assert st.printed.extra["adjust"]["commission"] == pytest.approx(-45.90)
    assert st.printed.extra["adjust"]["trades"] == 1
    assert any("roll-up" in w for w in st.warnings)
    assert not any("Gross" in w for w in st.warnings)  # the roll-up counts in Gross Loss too


def test_malformed_rows_are_skipped_with_reason():
    rows = (
        trade(1)
        + trade(2).replace("<td class=mspt>0.00</td>", "", 1)  # 13 cells
        + trade(3, open_time="2024.13.45 10:00:00")  # no such date
        + trade(4, profit="abc")
        + "<tr align=right><td>5</td><td>2024.01.02 10:00:00</td><td>swap</td><td>x</td></tr>\n"
        + trade(6)
    )
    st = read(statement(rows))
    assert list(st.trades["ticket"]) == [1, 6]
    reasons = {s.text.split(" | ")[0]: s for s in st.skipped}
    assert set(reasons) == {"2", "3", "4", "5"}
    assert "13 cells instead of 14" in reasons["2"].reason
    assert "open time" in reasons["3"].reason
    assert "profit" in reasons["4"].reason
    assert "unknown row type 'swap'" in reasons["5"].reason
    assert all(s.section == "Closed Transactions" and s.row > 0 for s in st.skipped)
    assert [s.row for s in st.skipped] == sorted(s.row for s in st.skipped)
    assert any("4 table rows could not be read" in w for w in st.warnings)


def test_edited_totals_get_a_cause_and_a_warning():
    # Row swaps add up to -88.00 but the subtotal prints -41.20 and Closed P/L something else.
    rows = trade(1, swap="-88.00", profit="100.00", commission="0.00") + subtotal("0.00", "0.00", "-41.20", "100.00", total="52.32")
    st = read(statement(rows, tail=summary(closed="58.80")))
    rec = reconcile(st)
    assert set(rec.differences) == {"swap", "closed_pl"}
    for diff in rec.differences.values():
        assert "contradict" in diff.cause
        assert any(diff.field in w and "contradict" in w for w in st.warnings)


def test_unexplained_difference_still_warns():
    # The printed totals agree with each other (so the file was not edited) but not with the row.
    rows = trade(1, profit="10.00") + subtotal("-0.70", "0.00", "0.00", "11.00", total="10.30")
    st = read(statement(rows, tail=summary(closed="10.30")))
    rec = reconcile(st)
    assert set(rec.differences) == {"profit", "closed_pl"}
    assert any("cause unknown" in w for w in st.warnings)


def test_missing_closed_transactions_fails():
    # A renamed heading is a translated template's (read by place); a statement without the heading fails.
    html = statement(trade(1)).replace("<tr align=left><td colspan=13><b>Closed Transactions:</b></td></tr>", "")
    with pytest.raises(ImportFailed, match="Closed Transactions"):
        mt4_html.read(html, "x.htm")


def test_unexpected_columns_fail_with_advice():
    header = CLOSED.replace("<td>Swap</td>", "<td>Rollover</td>")
    with pytest.raises(ImportFailed, match="unexpected columns.*Rollover") as info:
        mt4_html.read(statement(trade(1), closed_header=header), "x.htm")
    assert "Save as Detailed Report" in info.value.message


def test_missing_header_row_fails():
    header = CLOSED.split("\n", 1)[0] + "\n"
    with pytest.raises(ImportFailed, match="no column header"):
        mt4_html.read(statement(trade(1), closed_header=header), "x.htm")


def test_cut_off_file_warns():
    html = statement(trade(1) + trade(2))
    cut = html[: html.index("<tr align=left><td colspan=14><b>Open Trades:")]
    st = mt4_html.read(cut, "cut.htm")
    assert len(st.trades) == 2
    assert any("cut off" in w for w in st.warnings)


def test_empty_sections():
    st = read(statement(NO_ROWS))
    assert st.trades.empty and st.cash.empty and st.orders.empty and st.open_positions.empty
    assert list(st.trades.columns) == list(mt4_html.model.TRADE_COLUMNS)
    assert not st.skipped


# ----------------------------------------------------------------------------- real samples

#: sample -> (format, trades, cash events, cancelled/deleted orders, open positions, working orders)
COUNTS = {
    "mt4-detailed-4xlots-a.htm": ("mt4_detailed", 112, 2, 0, 19, 0),
    # 2089 printed trades = 2064 trades + 25 Alpari roll-ups; 126 balance rows + 25 roll-ups.
    "mt4-detailed-dyk42.htm": ("mt4_detailed", 2064, 151, 8, 3, 1),
    "mt4-detailed-es-demo-heikenashi.htm": ("mt4_detailed", 23, 0, 2, 1, 0),
    "mt4-detailed-jblanco-ntfy.htm": ("mt4_detailed", 297, 3, 789, 5, 3),
    "mt4-detailed-learncoding-b.htm": ("mt4_detailed", 1304, 4, 0, 0, 0),
    "mt4-detailed-rawtrading-cn.html": ("mt4_detailed", 10, 0, 10, 0, 1),
    "mt4-detailed-tianyeshiye.htm": ("mt4_detailed", 1761, 2, 132, 22, 4),
    # Exported 46 minutes after the detailed file: two more cancelled orders.
    "mt4-statement-jblanco-ntfy.htm": ("mt4_statement", 297, 3, 791, 5, 3),
    "mt4-statement-oanda-acs.htm": ("mt4_statement", 42, 3, 0, 0, 0),
    "mt4-statement-tradeslide.htm": ("mt4_statement", 124, 1, 3, 1, 0),
}

#: sample -> (login, name, broker, currency, leverage, report time)
ACCOUNTS = {
    "mt4-detailed-4xlots-a.htm": ("535110", "Patrick Ingle", "TW Corp.", "USD", 1000, "2017-10-18 08:05"),
    "mt4-detailed-dyk42.htm": ("", "", "Alpari", "USD", None, "2023-07-29 13:27"),
    "mt4-detailed-es-demo-heikenashi.htm": (
        "51311252", "Ignacio Peña", "Cuenta de demostración", "USD", 100, "2018-05-23 12:19",
    ),  # fmt: skip
    "mt4-detailed-jblanco-ntfy.htm": ("1320698", "Jose Blanco", "Fyntura Limited", "USD", None, "2025-01-22 18:16"),
    "mt4-detailed-learncoding-b.htm": (
        "9406472", "Gerrit Hardenbol", "VT Markets Pty Ltd", "EUR", None, "2024-12-31 11:47",
    ),  # fmt: skip
    "mt4-detailed-rawtrading-cn.html": ("20047381", "li zhen fang", "Raw Trading Ltd", "USD", None, "2025-07-24 05:52"),
    "mt4-detailed-tianyeshiye.htm": (
        "120010550", "TIAN YE", "Performance Ronnaru Capital Ltd.", "JPY", 100, "2020-05-16 22:35",
    ),  # fmt: skip
    "mt4-statement-jblanco-ntfy.htm": ("1320698", "Jose Blanco", "Fyntura Limited", "USD", None, "2025-01-22 19:02"),
    "mt4-statement-oanda-acs.htm": ("7400777", "ACS_OANDA_MT4", "OANDA Corporation", "USD", 100, "2020-03-02 07:57"),
    "mt4-statement-tradeslide.htm": (
        "2100104808", "jsacap_MT4", "Tradeslide Trading Tech Limited", "USD", None, "2024-01-19 14:48",
    ),  # fmt: skip
}

_cache: dict[str, object] = {}


def _load(name: str):
    if name not in _cache:
        _cache[name] = load_file(sample(name))
    return _cache[name]


@pytest.mark.samples
@pytest.mark.parametrize("name", sorted(COUNTS))
def test_sample_counts(name):
    fmt, trades, cash, closed_orders, opens, working_orders = COUNTS[name]
    st = _load(name)
    assert st.format == fmt and not st.is_backtest
    assert len(st.trades) == trades
    assert len(st.cash) == cash
    assert (st.orders["state"] != "working").sum() == closed_orders
    assert len(st.open_positions) == opens
    assert (st.orders["state"] == "working").sum() == working_orders
    assert not st.skipped
    assert st.trades["ticket"].is_unique
    assert (st.trades["symbol"] != "").all() and (st.trades["digits"] >= 0).all()


@pytest.mark.samples
@pytest.mark.parametrize("name", sorted(ACCOUNTS))
def test_sample_accounts(name):
    login, acct_name, broker, currency, leverage, report_time = ACCOUNTS[name]
    a = _load(name).account
    assert (a.login, a.name, a.broker, a.currency, a.leverage) == (login, acct_name, broker, currency, leverage)
    assert a.report_time == pd.Timestamp(report_time)
    assert a.margin_mode == "hedge"


@pytest.mark.samples
@pytest.mark.parametrize("name", sorted(COUNTS))
def test_sample_reconciles(name):
    st = _load(name)
    rec = reconcile(st)
    assert {"profit", "commission", "swap", "closed_pl"} <= set(rec.compared)
    if name == "mt4-detailed-rawtrading-cn.html":
        # Hand-edited: row swaps -88.00, subtotal -41.20, Closed P/L 1 490.72 vs Summary 1 497.20.
        assert set(rec.differences) == {"swap", "closed_pl"}
        for diff in rec.differences.values():
            assert "contradict" in diff.cause
            assert any(diff.field in w for w in st.warnings)
    elif name == "mt4-statement-tradeslide.htm":
        # A 100 000.00 deposit and 8 205.65 of closed P/L against a Balance of 94 174.94, printed on 2024-01-19 by
        # a statement whose rows end on 2023-12-29: the Balance counts trades closed in between. No negative
        # opening balance is taken, and the Balance is not counted as checked.
        assert rec.ok and "balance" not in rec.compared and rec.cash.opening_balance == 0.0
        assert any("108 205.65" in w and "after its last row (2023-12-29)" in w for w in st.warnings)
    else:
        assert rec.ok, rec.differences
    if st.format == "mt4_detailed" and name != "mt4-detailed-rawtrading-cn.html":
        assert {"total_net_profit", "trades"} <= set(rec.compared)
        # Like for like beyond the reconciler's fields: no Gross/Deposit/Credit warning.
        assert not any("the report prints" in w.lower() for w in st.warnings)


@pytest.mark.samples
def test_tianyeshiye_partials_jpy_and_digits():
    st = _load("mt4-detailed-tianyeshiye.htm")
    t = st.trades.set_index("ticket")
    assert t["is_partial"].sum() == 4
    assert t.loc[[10884298, 10888957], "partial_group"].tolist() == [10884298, 10884298]
    assert t.loc[[10879500, 10901601], "partial_group"].tolist() == [10879500, 10879500]
    assert t.loc[10901601, "comment"] == "from #10879500[sl/gap]" and t.loc[10901601, "close_reason"] == "sl"
    assert t.loc[10884298, "lots"] == 0.04 and t.loc[10888957, "lots"] == 0.01
    assert t.loc[10884298, "open_price"] == t.loc[10888957, "open_price"] == 1.29307
    digits = st.trades.groupby("symbol")["digits"].first()
    assert (digits["jp225"], digits["usdjpy."], digits["eurusd."], digits["xauusd."], digits["spx500"]) == (0, 3, 5, 2, 1)
    assert (st.trades["profit"] == st.trades["profit"].round()).all()  # integer JPY money
    assert (st.trades["swap"] != 0).sum() == 976
    assert st.cash["amount"].tolist() == [200000.0, 300000.0]
    assert st.printed.profit == -348433 and st.printed.closed_pl == -348604


@pytest.mark.samples
def test_dyk42_stop_outs_partials_and_roll_ups():
    st = _load("mt4-detailed-dyk42.htm")
    t = st.trades
    assert t["stop_out"].sum() == 13 and (t.loc[t["stop_out"], "close_reason"] == "so").all()
    assert t["comment"].str.startswith("to #").sum() == 203
    assert t["comment"].str.startswith("from #").sum() == 180
    groups = t[t["is_partial"]].groupby("partial_group").size()
    assert len(groups) == 181 and groups.max() == 4  # chains up to A->B->C->D
    assert (t.loc[t["is_partial"], "partial_group"] <= t.loc[t["is_partial"], "ticket"]).all()
    assert "nq100_m" in set(t["symbol"]) and "profit" not in set(t["symbol"])
    kinds = st.cash["kind"].value_counts()
    assert kinds["archived"] == 30  # 5 yearly balance roll-ups + 25 trade roll-ups
    assert kinds["dividend"] == 26 and kinds["transfer_in"] + kinds["transfer_out"] == 17
    assert st.printed.trades == 2089
    assert st.printed.extra["adjust"]["trades"] == 25
    assert any("roll-up" in w for w in st.warnings)


@pytest.mark.samples
def test_learncoding_credit_rows_and_suffix():
    st = _load("mt4-detailed-learncoding-b.htm")
    credit = st.cash[st.cash["kind"] == "credit"]
    assert credit["amount"].tolist() == [493.0, -493.0]
    assert credit["comment"].iloc[0] == "Credit In-VTOS-DPBonus"
    assert (st.trades["symbol_suffix"] == "-std").all()
    assert (st.trades["swap"] != 0).sum() == 293
    assert st.printed.credit == 0.0 and st.printed.deposit_withdrawal == -3004.26


@pytest.mark.samples
def test_rawtrading_gbk_resave():
    st = _load("mt4-detailed-rawtrading-cn.html")
    assert (st.trades["lots"] == 0.1).all()
    assert (st.trades["symbol"] == "xauusd").all() and (st.trades["digits"] == 2).all()
    assert st.account.leverage is None


@pytest.mark.samples
def test_jblanco_commission_magic_and_orders():
    st = _load("mt4-detailed-jblanco-ntfy.htm")
    t = st.trades
    assert (t.loc[t["lots"] == 0.02, "commission"] == -0.04).all()
    assert (t["swap"] != 0).sum() == 28
    assert (t["magic"] == 21000).sum() == 105
    states = st.orders["state"].value_counts()
    assert (states["cancelled"], states["deleted"], states["working"]) == (771, 18, 3)
    assert "deleted [no money]" in set(st.orders["comment"].str.replace(r"^#\d+ ", "", regex=True))
    assert st.cash["kind"].tolist() == ["deposit", "withdrawal", "withdrawal"]


@pytest.mark.samples
def test_statement_and_detailed_statement_have_the_same_trades():
    a = _load("mt4-statement-jblanco-ntfy.htm")
    b = _load("mt4-detailed-jblanco-ntfy.htm")
    assert a.trades.drop(columns="source").equals(b.trades.drop(columns="source"))
    assert a.cash.drop(columns="source").equals(b.cash.drop(columns="source"))
    assert a.printed.closed_pl == b.printed.closed_pl
    assert b.printed.total_net_profit == b.printed.closed_pl and a.printed.total_net_profit is None


@pytest.mark.samples
def test_other_samples_facts():
    st = _load("mt4-statement-tradeslide.htm")
    t = st.trades.set_index("ticket")
    assert (t.loc[77953025, "lots"], t.loc[77953025, "commission"], t.loc[77953025, "profit"]) == (3.56, -22.70, -543.43)
    assert t.loc[77953025, "magic"] == 2022052714 and t.loc[77953025, "close_reason"] == "sl"
    assert st.cash["amount"].tolist() == [100000.0]
    oanda = _load("mt4-statement-oanda-acs.htm")
    assert oanda.cash["kind"].tolist() == ["adjustment", "financing", "financing"]
    assert set(oanda.trades["symbol_suffix"]) == {"-2"}
    lots = _load("mt4-detailed-4xlots-a.htm")
    assert (lots.trades.loc[lots.trades["lots"] == 0.02, "commission"] == -0.14).all()
    assert set(lots.trades["symbol_suffix"]) >= {"i"}
    es = _load("mt4-detailed-es-demo-heikenashi.htm")
    assert (es.trades["swap"] != 0).any()


# ----------------------------------------------------------------------------- speed

SYMBOLS = [("eurusd", 5, 1.1), ("usdjpy", 3, 150.0), ("xauusd", 2, 2000.0), ("jp225", 0, 38000.0)]


def generated_statement(n: int, seed: int = 1) -> str:
    """A DetailedStatement with ``n`` closed trades in the real files' markup, with balance
    rows, cancelled orders, partial-close pairs, comments and space-separated thousands."""
    rnd = random.Random(seed)
    parts = []
    for i in range(n):
        item, digits, base = SYMBOLS[i % len(SYMBOLS)]
        price = base * (1 + rnd.uniform(-0.01, 0.01))
        close = price * (1 + rnd.uniform(-0.002, 0.002))
        profit = f"{rnd.uniform(-3000, 3000):,.2f}".replace(",", " ")
        title = ("[sl]", "[tp]", "#16384 EA[tp]", None)[i % 4]
        day = 1 + (i // 1000) % 28
        parts.append(
            trade(
                1_000_000 + i, side=("buy", "sell")[i % 2], item=item, digits=digits,
                open_price=f"{price:.{digits}f}", close_price=f"{close:.{digits}f}",
                sl=f"{0:.{digits}f}", tp=f"{price * 1.01:.{digits}f}", profit=profit, title=title,
                open_time=f"2024.01.{day:02d} 10:00:00", close_time=f"2024.01.{day:02d} 12:30:00",
            )  # fmt: skip
        )
        if i % 500 == 0:
            parts.append(cash_row(9_000_000 + i, "1 000.00", "Deposit"))
        if i % 250 == 0:
            parts.append(cancelled(8_000_000 + i))
    return statement("".join(parts), tail=summary())


def test_20k_trade_statement_imports_whole():
    # Speed is measured by benchmarks/bench_import.py, not asserted here.
    html = generated_statement(20_000, seed=2)
    st = mt4_html.read(html, "big.htm")
    assert len(st.trades) == 20_000 and len(st.cash) == 40 and not st.skipped
    t = st.trades
    assert np.isclose(t["tp"], t["open_price"] * 1.01, rtol=1e-3).all()
    assert (t["magic"].dropna() == 16384).all() and t["magic"].notna().sum() == 5000


def test_whole_row_fast_path_reads_like_the_cell_tokenizer():
    # The tokenizer ignores tag case; the whole-row regex only takes MetaTrader's lower-case rows, so the
    # upper-cased copy is read cell by cell and must give the same statement.
    html = statement(
        cash_row(1, "1 000.00", "Deposit")
        + trade(11, title="#16384 EA &amp; co[tp]")
        + trade(12, side="sell", profit="1&nbsp;000.00", title="to #13")  # an entity: cell by cell
        + trade(13, item="eurusd ", lots="0.10  ", title="from #12")  # spaces cell_text would collapse
        + trade(14, digits=None, open_price="1.1", close_price="1.10150")
        + '<tr><td colspan=9>&nbsp;</td><td>777</td><td colspan=3>by hand</td></tr>\n'
        + trade(15, side="buy limit")
        + trade(16, open_time="not a date"),
        open_rows=open_trade(21, title="#5 grid"),
    )
    assert mt4_html._TRADE_ROW.match(trade(11)[len("<tr align=right>"):])  # the fast path is taken at all
    fast, slow = read(html), read(html.replace("<td", "<TD").replace("</td>", "</TD>"))
    assert len(fast.trades) == 4 and len(fast.skipped) == 2 and fast.trades["magic"].tolist()[:1] == [16384]
    for name in ("trades", "open_positions", "orders", "cash"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name))
    assert fast.skipped == slow.skipped and fast.warnings == slow.warnings and fast.account == slow.account


# ----------------------------------------------------------------------------- issue 11


def test_attribute_values_holding_a_greater_than_sign_keep_their_rows():
    """A Swissquote statement titles a 15,000 EUR deposit ``UT>CAC 857064138``: the row is read, not lost."""
    rows = (
        cash_row(75801624, "15 000.00", "UT>CAC 857064138")
        + trade(2, title="#77 grid>level 3", profit="10.00")
        + trade(3, title="a > b 'quoted'", profit="-4.00")
        + subtotal("-1.40", "0.00", "0.00", "6.00", total="4.60")
    )
    st = read(statement(rows, tail=summary(deposit="15 000.00", closed="4.60")))
    assert not st.skipped and not st.warnings
    assert st.cash["ticket"].tolist() == [75801624] and st.cash["amount"].tolist() == [15000.0]
    assert st.cash["comment"].tolist() == ["UT>CAC 857064138"] and st.cash["kind"].tolist() == ["deposit"]
    t = st.trades
    assert t["ticket"].tolist() == [2, 3] and t["comment"].tolist() == ["grid>level 3", "a > b 'quoted'"]
    assert t["magic"].tolist()[0] == 77 and t["profit"].tolist() == [10.0, -4.0]
    rec = reconcile(st)
    assert rec.ok and rec.cash.compared["deposit_withdrawal"] == (15000.0, 15000.0)


def test_old_build_volume_header_and_comment_rows():
    """Old builds head the lots column Volume and print comments as ``colspan=10 | comment`` rows (FORMATS.md 6b)."""
    header = CLOSED.replace("<td>Size</td>", "<td>Volume</td>")
    rows = (
        cash_row(1, "1 000.00", "Deposit")
        + trade(2, profit="10.00")
        + '<tr align=right><td colspan=10>&nbsp;</td><td colspan=4>[sl]</td></tr>\n'
        + subtotal("-0.70", "0.00", "0.00", "10.00", total="9.30")
    )
    st = read(statement(rows, closed_header=header, tail=summary(deposit="1 000.00", closed="9.30")))
    assert not st.skipped and not st.warnings
    assert st.trades["comment"].tolist() == ["[sl]"] and st.trades["close_reason"].tolist() == ["sl"]
    assert reconcile(st).ok


def test_cash_reconciliation_finds_a_missing_balance_row():
    """Deposit/Withdrawal is the sum of every balance row; a row missing from the file is a named difference."""
    rows = cash_row(1, "1 000.00", "Deposit") + cash_row(2, "-200.00", "Withdrawal") + trade(3)
    st = read(statement(rows, tail=summary(deposit="1 300.00", closed="9.30", balance="1 109.30")))
    rec = reconcile(st)
    assert not rec.ok and set(rec.differences) == {"deposit_withdrawal"}
    diff = rec.differences["deposit_withdrawal"]
    assert (diff.imported, diff.printed) == (800.0, 1300.0) and "balance row" in diff.cause
    assert any("Deposit/Withdrawal" in w for w in st.warnings)


def test_sub_period_statement_derives_its_opening_balance_and_says_so():
    """A statement of part of the history: Balance 999,999.10 with Deposit/Withdrawal 99,999.98 (FORMATS.md 6b)."""
    rows = cash_row(1, "99 999.98", "Deposit") + trade(2, profit="10.00")
    st = read(statement(rows, tail=summary(deposit="99 999.98", closed="9.30", balance="999 999.10")))
    rec = reconcile(st)
    assert rec.ok
    assert rec.cash.opening_derived and rec.cash.opening_balance == pytest.approx(899_989.82)
    assert any("opening balance of 899 989.82" in w for w in st.warnings)


def test_credit_equity_and_floating_reconcile():
    rows = cash_row(1, "1 000.00", "Deposit") + cash_row(2, "50.00", "Credit In-Bonus", kind="credit") + trade(3)
    tail = summary(deposit="1 000.00", credit="50.00", closed="9.30", floating="3.30", equity="1 062.60")
    st = read(statement(rows, open_rows=open_trade(21), tail=tail))
    rec = reconcile(st)
    assert rec.ok and rec.cash.credit_rows == 50.0 and rec.cash.floating_pl == pytest.approx(3.30)
    assert rec.cash.compared["equity"] == (pytest.approx(1062.60), 1062.60)
    st = read(statement(rows, open_rows=open_trade(21), tail=tail.replace("1 062.60", "1 012.60")))
    assert set(reconcile(st).differences) == {"equity"}


def test_markup_hidden_in_a_comment_or_a_nested_table_is_read_as_a_browser_reads_it():
    """An edited statement: a commented-out trade row is no row, a table nested in a cell adds no cell to it."""
    hidden = "<!-- " + trade(5, profit="999.00") + " -->\n"
    nested = trade(6, title="x").replace("<td>eurusd</td>", "<td>eurusd<table><tr><td>note</td></tr></table></td>")
    rows = cash_row(1, "1 000.00", "Deposit") + hidden + trade(2) + nested + subtotal(
        "-1.40", "0.00", "0.00", "20.00", total="18.60")
    st = read(statement(rows, tail=summary(deposit="1 000.00", closed="18.60")))
    assert st.trades["ticket"].tolist() == [2, 6]
    assert st.trades["symbol"].tolist() == ["eurusd", "eurusd"]
    assert reconcile(st).ok
    # "note" is a row of its own, as lxml reads it: skipped and said.
    assert [s.text for s in st.skipped] == ["note"]


def test_a_huge_comment_is_cut_and_the_row_kept():
    rows = cash_row(1, "1 000.00", "Deposit " + "x" * 3_000_000) + trade(2)
    st = read(statement(rows, tail=summary(deposit="1 000.00", closed="9.30")))
    assert st.cash["amount"].tolist() == [1000.0] and st.cash["kind"].tolist() == ["deposit"]
    assert len(st.cash["comment"].iloc[0]) == MAX_CELL_CHARS
    assert reconcile(st).ok
