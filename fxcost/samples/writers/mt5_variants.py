"""MT5 report variants seen in the wild (FORMATS.md 6b, issue 11): an old build, netting accounts, transfers."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from fxcost.samples.simulate import epoch_seconds, to_cents
from fxcost.samples.writers.common import MT5_HTML_TEXT, lots2, money_text, report_file, timestamp
from fxcost.samples.writers.mt5_html import ROW_COLOURS
from fxcost.samples.writers.mt5_report import mt5_date

#: MT5 report variants: a 2016 build (Orders, Deals of 13 columns without Fee, Trade Positions, Working Orders;
#: "Broker:" for "Company:"; a Deals totals row of 4 numbers whose Profit leaves out the deposit), a netting account
#: (NoHedge) with in/out reversal deals, and internal transfers (Autotrf .../fr, AutoTrf/to) in the same layout.
#: "netting-positions" is the netting account as newer builds write it, with a Positions section, where a reversed
#: position is one row that shows only its first life (issue 11: a report read from that table gave 2 trades where
#: it has 3, and a net that missed the reversed part).
MT5_VARIANTS = ("old-build", "netting", "transfers", "netting-positions")

_MT5_OLD_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
  <head>
    <title>{login}: {name} - Trade History Report</title>
    <meta name="generator" content="MetaTrader 5">
  </head>
<body>
<div align="center">
<table cellspacing="1" cellpadding="3" border="0">
   <tr align="center">
      <td colspan="13"><div style="font: 14pt Tahoma"><b>Trade History Report</b><br></div></td>
   </tr>
   <tr align="left">
      <th colspan="3" nowrap align="right">Name:</th><th colspan="10" nowrap align="left"><b>{name}</b></th>
   </tr>
   <tr align="left">
      <th colspan="3" nowrap align="right">Account:</th><th colspan="10" nowrap align="left"><b>{account}</b></th>
   </tr>
   <tr align="left">
      <th colspan="3" nowrap align="right">Broker:</th><th colspan="10" nowrap align="left"><b>{company}</b></th>
   </tr>
   <tr align="left">
      <th colspan="3" nowrap align="right">Date:</th><th colspan="10" nowrap align="left"><b>{date}</b></th>
   </tr>
"""


def _mt5_old_section(title: str, labels: Iterable[tuple[str, int]]) -> str:
    cells = "".join(f'<td nowrap{f" colspan={chr(34)}{n}{chr(34)}" if n > 1 else ""}><b>{t}</b></td>'
                    for t, n in labels)
    return (f'   <tr align="center">\n      <th colspan="13" style="height: 25px"><div style="font: 10pt Tahoma">'
            f"<b>{title}</b></div></th>\n   </tr>\n"
            f'   <tr align="center" bgcolor="#E5F0FC">{cells}</tr>\n')


def _folded_positions(trade_deals: list[dict[str, Any]]) -> list[str]:
    """The Positions section of a netting account whose first position is reversed: one row per position number,
    the reversed one showing its first life only (its side and volume, the reversal's price and profit), closed when
    the position number went flat."""
    first, reversal, last, again, close = trade_deals[:5]
    rows = [(first, reversal["price"], last["time"], first["commission"] + reversal["commission"], reversal["profit"]),
            (again, close["price"], close["time"], again["commission"] + close["commission"], close["profit"])]
    out = [_mt5_old_section("Positions", [(x, 1) for x in ("Time", "Position", "Symbol", "Type", "Volume", "Price",
                                                          "S / L", "T / P", "Time", "Price", "Commission", "Swap",
                                                          "Profit")])]
    for n, (dl, price, shut, comm, profit) in enumerate(rows):
        cells = [timestamp(dl["time"]), str(dl["order"]), dl["symbol"], dl["type"], lots2(dl["volume"]),
                 f"{dl['price']:.5f}", "", "", timestamp(shut), f"{price:.5f}", money_text(comm), money_text(0), money_text(profit)]
        out.append(f'   <tr bgcolor="{ROW_COLOURS[n % 2]}" align="right">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>\n")
    return out


def mt5_variant(path: str | Path, variant: str, seed: int = 7) -> dict[str, Any]:
    """Write one of :data:`MT5_VARIANTS` (HTML, UTF-16LE) and return what it holds: ``trades`` (closed trades as
    fxcost counts them), ``closing_deals`` (MetaTrader's Total Trades), ``net`` (closed P/L, cents),
    ``cash_by_kind`` (cents), ``balance`` and ``equity`` (cents)."""
    if variant not in MT5_VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(MT5_VARIANTS)}, not {variant!r}")
    rng = np.random.default_rng(seed)
    t = epoch_seconds(date(2016, 8, 1)) + 9 * 3600
    deal_no, order_no = 78_388_200, 93_164_100
    deals: list[dict[str, Any]] = []  # time, deal, symbol, type, direction, volume (lots x100), price, order, money
    cash_kinds: dict[str, int] = {}

    def add(kind: str, **kw: Any) -> dict[str, Any]:
        nonlocal deal_no, t
        deal_no += int(rng.integers(1, 30))
        t += int(rng.integers(300, 20_000))
        row = {"time": t, "deal": deal_no, "symbol": "", "type": kind, "direction": "", "volume": 0, "price": 0.0,
               "order": 0, "commission": 0, "swap": 0, "profit": 0, "comment": "", **kw}
        deals.append(row)
        return row

    def order() -> int:
        nonlocal order_no
        order_no += int(rng.integers(1, 30))
        return order_no

    def cash(amount: int, comment: str, kind: str) -> None:
        add("balance", profit=amount, comment=comment)
        cash_kinds[kind] = cash_kinds.get(kind, 0) + amount

    cash(1_000_000, "Deposit", "deposit")
    closed: list[int] = []  # net cents per closed trade
    price = 1.10000
    if variant in ("netting", "netting-positions"):
        # Long 0.10; a sell of 0.30 in/out closes it and opens a short 0.20; a buy 0.20 closes that; then a
        # long 0.05 closed by a sell. Three trades, three closing deals, one of them a reversal.
        steps = [("buy", "in", 10), ("sell", "in/out", 30), ("buy", "out", 20), ("buy", "in", 5), ("sell", "out", 5)]
        pos_side, pos_lots, pos_price = "", 0, 0.0
        for side, direction, lots in steps:
            price = round(price + float(rng.normal(0, 0.0015)), 5)
            comm = -to_cents(7.0 * lots / 100)
            profit = 0
            if direction in ("out", "in/out"):
                closing = min(lots, pos_lots)
                sign = 1 if pos_side == "buy" else -1
                profit = to_cents(sign * (price - pos_price) * 100_000 * closing / 100)
            add(side, symbol="EURUSD", direction=direction, volume=lots, price=price, order=order(),
                commission=comm, profit=profit)
            if direction == "in":
                pos_side, pos_lots, pos_price = side, lots, price
                closed_comm = comm
            elif direction == "in/out":
                closed.append(closed_comm + comm + profit)
                pos_side, pos_lots, pos_price, closed_comm = side, lots - pos_lots, price, 0
            else:
                closed.append(closed_comm + comm + profit)
                pos_side, pos_lots = "", 0
        open_row = None
    else:
        for k in range(6):
            symbol, digits = ("EURUSD", 5) if k % 2 else ("GBPUSD", 5)
            side = "buy" if rng.random() < 0.5 else "sell"
            lots = int(rng.choice([1, 5, 10, 20]))
            p_in = round(1.1 + float(rng.normal(0, 0.01)), digits)
            pid = order()
            add(side, symbol=symbol, direction="in", volume=lots, price=p_in, order=pid)
            p_out = round(p_in + float(rng.normal(0, 0.002)), digits)
            sign = 1 if side == "buy" else -1
            profit = to_cents(sign * (p_out - p_in) * 100_000 * lots / 100)
            swap = -int(rng.integers(0, 40))
            add("sell" if side == "buy" else "buy", symbol=symbol, direction="out", volume=lots, price=p_out,
                order=order(), swap=swap, profit=profit)
            closed.append(profit + swap)
            if variant == "transfers" and k == 2:
                cash(5_955_606, f"Autotrf 70770783/fr {11029377}", "transfer_in")
                cash(-2_940_000, "AutoTrf/to 11029377", "transfer_out")
        # One position still open at report time (Trade Positions).
        p_open = 1.10831
        oid = order()
        add("buy", symbol="EURUSD", direction="in", volume=100, price=p_open, order=oid)
        open_row = (t, oid, p_open, 1.10822, -900)
    balance = 0
    rows = []
    for n, dl in enumerate(deals):
        balance += dl["commission"] + dl["swap"] + dl["profit"]
        trade = dl["type"] in ("buy", "sell")
        cells = [timestamp(dl["time"]), str(dl["deal"]), dl["symbol"], dl["type"], dl["direction"],
                 lots2(dl["volume"]) if trade else "", f"{dl['price']:.5f}" if trade else "",
                 str(dl["order"]) if trade else "", money_text(dl["commission"]), money_text(dl["swap"]),
                 money_text(dl["profit"]), money_text(balance), html.escape(dl["comment"])]
        bg = ROW_COLOURS[n % 2]
        rows.append(f'   <tr bgcolor="{bg}" align="right">' + "".join(f"<td nowrap>{c}</td>" for c in cells) + "</tr>\n")
    trade_deals = [dl for dl in deals if dl["type"] in ("buy", "sell")]
    t_comm = sum(dl["commission"] for dl in trade_deals)
    t_swap = sum(dl["swap"] for dl in trade_deals)
    t_profit = sum(dl["profit"] for dl in trade_deals)  # the 2016 totals row leaves the deposit out
    floating = open_row[4] if open_row else 0
    equity = balance + floating
    mode = ", NoHedge" if variant.startswith("netting") else ""
    out = [_MT5_OLD_HEAD.format(login=3873474, name="MetaTrader 5 Demo", company="MetaQuotes Software Corp.",
                                account=f"3873474&nbsp;(USD,&nbsp;1:100,&nbsp;MetaQuotes-Demo,&nbsp;demo{mode})",
                                date=mt5_date(t + 600))]
    if variant == "netting-positions":
        out += _folded_positions(trade_deals)
    out.append(_mt5_old_section("Orders", [("Open Time", 1), ("Order", 1), ("Symbol", 1), ("Type", 1),
                                           ("Volume", 2), ("Price", 1), ("S / L", 1), ("T / P", 1), ("Time", 2),
                                           ("State", 1), ("Comment", 1)]))
    for n, dl in enumerate(trade_deals):
        out.append(f'   <tr bgcolor="{ROW_COLOURS[n % 2]}" align="right"><td>{timestamp(dl["time"])}</td><td>{dl["order"]}</td>'
                   f'<td>{dl["symbol"]}</td><td>{dl["type"]}</td><td colspan="2">{lots2(dl["volume"])} / '
                   f'{lots2(dl["volume"])}</td><td>{dl["price"]:.5f}</td><td></td><td></td>'
                   f'<td colspan="2">{timestamp(dl["time"])}</td><td>filled</td><td></td></tr>\n')
    out.append(_mt5_old_section("Deals", [(x, 1) for x in ("Time", "Deal", "Symbol", "Type", "Direction", "Volume",
                                                          "Price", "Order", "Commission", "Swap", "Profit",
                                                          "Balance", "Comment")]))
    out += rows
    out.append(f'   <tr align="right"><td nowrap colspan="8" style="height: 30px"></td><td nowrap><b>{money_text(t_comm)}'
               f"</b></td><td nowrap><b>{money_text(t_swap)}</b></td><td nowrap><b>{money_text(t_profit)}</b></td>"
               f"<td nowrap><b>{money_text(balance)}</b></td><td nowrap></td></tr>\n")
    out.append(_mt5_old_section("Trade Positions", [("Time", 1), ("Position", 1), ("Symbol", 1), ("Type", 1),
                                                    ("Volume", 1), ("Price", 1), ("S / L", 1), ("T / P", 1),
                                                    ("Market Price", 1), ("Swap", 1), ("Profit", 1), ("Comment", 2)]))
    if open_row:
        ot, oid, op, market, fl = open_row
        out.append(f'   <tr bgcolor="#FFFFFF" align="right"><td>{timestamp(ot)}</td><td>{oid}</td><td>EURUSD</td>'
                   f"<td>buy</td><td>1.00</td><td>{op:.5f}</td><td></td><td></td><td>{market:.5f}</td><td>0.00</td>"
                   f'<td>{money_text(fl)}</td><td colspan="2"></td></tr>\n')
    out.append(f'   <tr align="right"><td colspan="9" style="height: 30px"></td><td nowrap><b>0.00</b></td>'
               f"<td nowrap><b>{money_text(floating)}</b></td><td></td></tr>\n")
    summary = (("Balance:", balance, "Free Margin:", equity), ("Credit Facility:", 0, "Margin:", 0),
               ("Floating P/L:", floating, "Margin Level:", None), ("Equity:", equity, None, None))
    for a, av, b, bv in summary:
        right = (f'<td></td><td colspan="3">{b}</td><td colspan="2"><b>{money_text(bv) if bv is not None else "0.00%"}'
                 f"</b></td>") if b else ""
        out.append(f'   <tr align="right"><td colspan="3" style="height: 20px">{a}</td><td colspan="2"><b>'
                   f"{money_text(av).replace(' ', '')}</b></td>{right}</tr>\n")
    wins = [x for x in closed if x > 0]
    losses = [x for x in closed if x <= 0]
    n_close = sum(1 for dl in trade_deals if dl["direction"] in ("out", "in/out"))
    out.append('   <tr><td colspan="13" align="center"><div style="font: 10pt Tahoma"><b>Results</b></div></td></tr>\n')
    out.append(f'   <tr align="right"><td nowrap colspan="3">Total Net Profit:</td><td nowrap><b>{money_text(sum(closed))}'
               f'</b></td><td nowrap colspan="3">Gross Profit:</td><td nowrap><b>{money_text(sum(wins))}</b></td>'
               f'<td nowrap colspan="3">Gross Loss:</td><td nowrap colspan="2"><b>{money_text(sum(losses))}</b></td>'
               "</tr>\n")
    shorts = sum(1 for dl in trade_deals if dl["direction"] in ("out", "in/out") and dl["type"] == "buy")
    out.append(f'   <tr align="right"><td nowrap colspan="3">Total Trades:</td><td nowrap><b>{n_close}</b></td>'
               f'<td nowrap colspan="3">Short Trades (won %):</td><td nowrap><b>{shorts} (0.00%)</b></td>'
               f'<td nowrap colspan="3">Long Trades (won %):</td><td nowrap colspan="2"><b>{n_close - shorts} '
               "(0.00%)</b></td></tr>\n")
    out.append("</table>\n</div></body></html>\n")
    with report_file(path, **MT5_HTML_TEXT) as sink:
        sink.add("".join(out))
    return {"trades": len(closed), "closing_deals": n_close, "net": sum(closed), "cash_by_kind": cash_kinds,
            "balance": balance, "equity": equity}
