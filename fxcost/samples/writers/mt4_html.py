"""MT4 DetailedStatement writer (HTML, cp1252, LF), as the terminal writes it (FORMATS.md 2)."""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

from fxcost.samples.simulate import CashEvent, History, PendingOrder, Position
from fxcost.samples.stats import drawdowns, pct_of, trade_stats, used_margin
from fxcost.samples.writers.common import lots2, money_text, number_text, pct_text, price_text, report_file, timestamp

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


# --------------------------------------------------------------------------------------
# MT4 DetailedStatement (HTML)
# --------------------------------------------------------------------------------------

_MT4_HEAD = r"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html>
  <head>
    <title>Statement: {login} - {name}</title>
    <meta name="generator" content="MetaQuotes Software Corp.">
    <link rel="help" href="https://www.metaquotes.net">
    <style type="text/css" media="screen">
    <!--
    td {{ font: 8pt Tahoma,Arial; }}
    //-->
    </style>
    <style type="text/css" media="print">
    <!--
    td {{ font: 7pt Tahoma,Arial; }}
    //-->
    </style>
    <style type="text/css">
    <!--
    .msdate {{ mso-number-format:"General Date"; }}
    .mspt   {{ mso-number-format:\#\,\#\#0\.00;  }}
    //-->
    </style>
  </head>
<body topmargin=1 marginheight=1>
<div align=center>
<div style="font: 20pt Times New Roman"><b>{company}</b></div><br>


<table cellspacing=1 cellpadding=3 border=0>
<tr align=left>
    <td colspan=2><b>Account: {login}</b></td>
    <td colspan=5><b>Name: {name}</b></td>
    <td colspan=2><b>Currency: USD</b></td>
    <td colspan=2><b>Leverage: 1:{leverage}</b></td>
    <td colspan=3 align=right><b>{report}</b></td></tr>

<tr align=left><td colspan=13><b>Closed Transactions:</b></td></tr>
<tr align=center bgcolor="#C0C0C0">
   <td>Ticket</td><td nowrap>Open Time</td><td>Type</td><td>Size</td><td>Item</td>
   <td>Price</td><td>S / L</td><td>T / P</td><td nowrap>Close Time</td>
   <td>Price</td><td>Commission</td><td>Taxes</td><td>Swap</td><td>Profit</td></tr>
"""

_MT4_SUBTOTAL = """

<tr align=right>
    <td colspan=10>&nbsp;</td>
    <td class=mspt>{commission}</td>
    <td class=mspt>{taxes}</td>
    <td class=mspt>{swap}</td>
    <td class=mspt>{profit}</td>
</tr>
"""

_MT4_OPEN_HEAD = """
<tr align=right>
    <td colspan=12 align=right><b>Closed P/L:</b></td>
    <td colspan=2 align=right title="Commission + Swap + Profit + Taxes" class=mspt><b>{closed_pl}</b></td>
</tr>

<tr align=left><td colspan=14><b>Open Trades:</b></td></tr>
<tr align=center bgcolor="#C0C0C0">
    <td>Ticket</td><td nowrap>Open Time</td><td>Type</td><td>Size</td><td>Item</td>
    <td>Price</td><td>S / L</td><td>T / P</td><td>&nbsp;</td>
    <td>Price</td><td>Commission</td><td>Taxes</td><td>Swap</td><td>Profit</td></tr>
"""

_MT4_WORKING_HEAD = """<tr><td colspan=10>&nbsp;</td><td colspan=2 align=right><b>Floating P/L:</b></td>
    <td colspan=2 align=right title="Commission + Swap + Profit" class=mspt><b>{floating}</b></td></tr>

<tr align=left><td colspan=14><b>Working Orders:</b></td></tr>
<tr align=center bgcolor="#C0C0C0">
    <td>Ticket</td><td nowrap>Open Time</td><td>Type</td><td>Size</td><td>Item</td>
    <td>Price</td><td>S / L</td><td>T / P</td><td colspan=2 nowrap>Market Price</td><td colspan=4>&nbsp;</td></tr>
"""

_MT4_NO_ROWS = "<tr align=right><td colspan=13 align=center>No transactions</td></tr>\n"

_MT4_SUMMARY = """

<tr><td colspan=14 style="font: 1pt arial">&nbsp;</td></tr>

<tr align=left><td colspan=14><b>Summary:</b></td></tr>
<tr align=right>
    <td colspan=2><b>Deposit/Withdrawal:</b></td>
    <td colspan=2 class=mspt><b>{deposit}</b></td>
    <td colspan=4><b>Credit Facility:</b></td>
    <td class=mspt><b>0.00</b></td>
    <td colspan=5>&nbsp;</td></tr>
{pad}
<tr align=right>
    <td colspan=2><b>Closed Trade P/L:</b></td>
    <td colspan=2 class=mspt><b>{closed_pl}</b></td>
    <td colspan=4><b>Floating P/L:</b></td>
    <td class=mspt><b>{floating}</b></td>
    <td colspan=3><b>Margin:</b></td>
    <td colspan=2 class=mspt><b>{margin}</b></td></tr>

<tr align=right>
    <td colspan=2><b>Balance:</b></td>
    <td colspan=2 class=mspt><b>{balance}</b></td>
    <td colspan=4><b>Equity:</b></td>
    <td class=mspt><b>{equity}</b></td>
    <td colspan=3><b>Free Margin:</b></td>
    <td colspan=2 class=mspt><b>{free}</b></td></tr>
{pad}
<tr><td colspan=14 style="font: 1pt arial">&nbsp;</td></tr>
<tr align=left><td colspan=14><b>Details:</b></td></tr>

<tr align=center><td colspan=14><img src="DetailedStatement.gif" width=820 height=200 border=0 alt="Graph"></td></tr>

<tr align=right>
    <td colspan=2><b>Gross Profit:</b></td>
    <td colspan=2 class=mspt><b>{gross_profit}</b></td>
    <td colspan=4><b>Gross Loss:</b></td>
    <td class=mspt><b>{gross_loss}</b></td>
    <td colspan=3><b>Total Net Profit:</b></td>
    <td colspan=2 class=mspt><b>{net}</b></td></tr>
{pad}
<tr align=right>
    <td colspan=2><b>Profit Factor:</b></td>
    <td colspan=2 class=mspt><b>{factor}</b></td>
    <td colspan=4><b>Expected Payoff:</b></td>
    <td class=mspt><b>{payoff}</b></td>
    <td colspan=5>&nbsp;</td></tr>
{pad}
<tr align=right>
    <td colspan=2><b>Absolute Drawdown:</b></td>
    <td colspan=2 class=mspt><b>{dd_abs}</b></td>
    <td colspan=4><b>Maximal Drawdown:</b></td>
    <td class=mspt><b>{dd_max}</b></td>
    <td colspan=3><b>Relative Drawdown:</b></td>
    <td colspan=2 class=mspt><b>{dd_rel}</b></td></tr>

<tr><td colspan=14 style="font: 1pt arial">&nbsp;</td></tr>
{pad}
<tr align=right>
    <td colspan=2><b>Total Trades:</b></td>
    <td colspan=2 class=mspt><b>{trades}</b></td>
    <td colspan=4><b>Short Positions (won %):</b></td>
    <td class=mspt><b>{short}</b></td>
    <td colspan=3><b>Long Positions (won %):</b></td>
    <td colspan=2 class=mspt><b>{long}</b></td></tr>

<tr align=right>
    <td colspan=8><b>Profit Trades (% of total):</b></td>
    <td class=mspt><b>{wins}</b></td>
    <td colspan=3><b>Loss trades (% of total):</b></td>
    <td colspan=2 class=mspt><b>{losses}</b></td></tr>

<tr align=right>
    <td colspan=2><b>Largest</b></td>
    <td colspan=6><b>profit trade:</b></td>
    <td class=mspt><b>{largest_win}</b></td>
    <td colspan=3><b>loss trade:</b></td>
    <td colspan=2 class=mspt><b>{largest_loss}</b></td></tr>

<tr align=right>
    <td colspan=2><b>Average</b></td>
    <td colspan=6><b>profit trade:</b></td>
    <td class=mspt><b>{avg_win}</b></td>
    <td colspan=3><b>loss trade:</b></td>
    <td colspan=2 class=mspt><b>{avg_loss}</b></td></tr>

<tr align=right>
    <td colspan=2><b>Maximum</b></td>
    <td colspan=6><b>consecutive wins ($):</b></td>
    <td class=mspt><b>{max_wins}</b></td>
    <td colspan=3><b>consecutive losses ($):</b></td>
    <td colspan=2 class=mspt><b>{max_losses}</b></td></tr>

<tr align=right>
    <td colspan=2><b>Maximal</b></td>
    <td colspan=6><b>consecutive profit (count):</b></td>
    <td class=mspt><b>{max_profit}</b></td>
    <td colspan=3><b>consecutive loss (count):</b></td>
    <td colspan=2 class=mspt><b>{max_loss}</b></td></tr>

<tr align=right>
    <td colspan=2><b>Average</b></td>
    <td colspan=6><b>consecutive wins:</b></td>
    <td class=mspt><b>{avg_wins}</b></td>
    <td colspan=3><b>consecutive losses:</b></td>
    <td colspan=2 class=mspt><b>{avg_losses}</b></td></tr>
</table>
</div></body></html>
"""


def _mso(digits: int) -> str:
    return 'style="mso-number-format:0\\.' + "0" * digits + ';"'


def _mt4_report_time(t: int) -> str:
    tm = time.gmtime(t)
    return f"{tm.tm_year} {MONTHS[tm.tm_mon - 1]} {tm.tm_mday}, {tm.tm_hour:02d}:{tm.tm_min:02d}"


def _mt4_rows(h: History) -> list[tuple[int, int, int, Any, int]]:
    """Closed Transactions in report order: (close time, ticket, kind, object, leg index)."""
    rows: list[tuple[int, int, int, Any, int]] = []
    for pos in h.positions:
        for j, leg in enumerate(pos.legs):
            rows.append((leg.time, leg.ticket, 1, pos, j))
    for c in h.cash:
        rows.append((c.time, c.ticket, 0, c, 0))
    for o in h.cancelled:
        rows.append((o.done, o.ticket, 2, o, 0))
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def _mt4_comment(pos: Position, j: int) -> str:
    """The order comment MT4 puts in the Ticket cell's title (FORMATS.md 2.2, 2.5)."""
    legs = pos.legs
    if len(legs) > 1:
        if j < len(legs) - 1:
            return f"to #{legs[j + 1].ticket}"
        text = f"from #{legs[j - 1].ticket}"
    else:
        text = f"#{pos.magic} {pos.comment}" if pos.magic else ""
    reason = legs[j].reason
    return text + (f"[{reason}]" if reason else "")


def write_mt4(h: History, path: str | Path, opening: int = 0) -> dict[str, Any]:
    """Write an MT4 DetailedStatement (ASCII, LF) and return its printed totals (cents).

    ``opening`` (cents) is the balance before the first row: a statement of part of the history prints a
    Balance that includes it, and never prints it (FORMATS.md 6b).
    """
    rows = _mt4_rows(h)
    commission = swap = profit = 0
    deposit = 0
    nets: list[int] = []
    shorts: list[bool] = []
    curve: list[int] = []
    balance = opening
    with report_file(path, "cp1252") as out:
        out.add(
            _MT4_HEAD.format(
                login=h.account.login,
                name=html.escape(h.account.name),
                company=html.escape(h.account.company),
                leverage=h.account.leverage,
                report=_mt4_report_time(h.report_time),
            )
        )
        for n, (_, ticket, kind, obj, j) in enumerate(rows):
            bg = " bgcolor=#E0E0E0" if n % 2 else ""
            if kind == 0:
                c: CashEvent = obj
                title = f' title="{html.escape(c.comment)}"' if c.comment else ""
                cls = " class=msdate" if c.comment else ""
                out.add(
                    f"<tr{bg} align=right><td{title}>{ticket}</td><td{cls} nowrap>{timestamp(c.time)}</td><td>balance</td>"
                    f"<td colspan=10 align=left>{html.escape(c.comment)}</td><td class=mspt>{money_text(c.amount)}</td></tr>\n"
                )
                deposit += c.amount
                balance += c.amount
                curve.append(balance)
            elif kind == 1:
                pos: Position = obj
                leg = pos.legs[j]
                d = pos.inst.digits
                mso = _mso(d)
                comment = _mt4_comment(pos, j)
                title = f' title="{html.escape(comment)}"' if comment else ""
                cls = " class=msdate" if comment else ""
                out.add(
                    f"<tr{bg} align=right><td{title}>{ticket}</td><td{cls} nowrap>{timestamp(pos.open_time)}</td>"
                    f"<td>{pos.type}</td><td class=mspt>{lots2(leg.lots)}</td><td>{pos.symbol}</td>"
                    f"<td {mso}>{price_text(pos.open_price, d)}</td><td {mso}>{price_text(pos.sl, d)}</td>"
                    f"<td {mso}>{price_text(pos.tp, d)}</td><td class=msdate nowrap>{timestamp(leg.time)}</td>"
                    f"<td {mso}>{price_text(leg.price, d)}</td><td class=mspt>{money_text(leg.commission)}</td>"
                    f"<td class=mspt>0.00</td><td class=mspt>{money_text(leg.swap)}</td>"
                    f"<td class=mspt>{money_text(leg.profit)}</td></tr>\n"
                )
                commission += leg.commission
                swap += leg.swap
                profit += leg.profit
                net = leg.commission + leg.swap + leg.profit
                nets.append(net)
                shorts.append(pos.side < 0)
                balance += net
                curve.append(balance)
            else:
                o: PendingOrder = obj
                d = o.inst.digits
                mso = _mso(d)
                out.add(
                    f'<tr{bg} align=right><td title="cancelled">{ticket}</td><td class=msdate nowrap>{timestamp(o.placed)}</td>'
                    f"<td>{o.kind}</td><td class=mspt>{lots2(o.lots)}</td><td>{o.symbol}</td>"
                    f"<td {mso}>{price_text(o.price, d)}</td><td {mso}>{price_text(o.sl, d)}</td><td {mso}>{price_text(o.tp, d)}</td>"
                    f"<td class=msdate nowrap>{timestamp(o.done)}</td><td {mso}>{price_text(o.market, d)}</td>"
                    f"<td colspan=4>cancelled</td></tr>\n"
                )
        closed_pl = commission + swap + profit
        out.add(_MT4_SUBTOTAL.format(commission=money_text(commission), taxes="0.00", swap=money_text(swap), profit=money_text(profit)))
        out.add(_MT4_OPEN_HEAD.format(closed_pl=money_text(closed_pl)))

        o_comm = o_swap = o_profit = 0
        if not h.open_positions:
            out.add(_MT4_NO_ROWS)
        for n, pos in enumerate(sorted(h.open_positions, key=lambda p: (p.open_time, p.ticket))):
            bg = " bgcolor=#E0E0E0" if n % 2 else ""
            d = pos.inst.digits
            mso = _mso(d)
            comment = f"#{pos.magic} {pos.comment}" if pos.magic else ""
            title = f' title="{html.escape(comment)}"' if comment else ""
            cls = " class=msdate" if comment else ""
            out.add(
                f"<tr{bg} align=right><td{title}>{pos.ticket}</td><td{cls} nowrap>{timestamp(pos.open_time)}</td>"
                f"<td>{pos.type}</td><td class=mspt>{lots2(pos.lots)}</td><td>{pos.symbol}</td>"
                f"<td {mso}>{price_text(pos.open_price, d)}</td><td {mso}>{price_text(pos.sl, d)}</td>"
                f"<td {mso}>{price_text(pos.tp, d)}</td><td class=msdate nowrap>&nbsp;</td>"
                f"<td {mso}>{price_text(pos.market, d)}</td><td class=mspt>{money_text(pos.open_commission)}</td>"
                f"<td class=mspt>0.00</td><td class=mspt>{money_text(pos.float_swap)}</td>"
                f"<td class=mspt>{money_text(pos.float_profit)}</td></tr>\n"
            )
            o_comm += pos.open_commission
            o_swap += pos.float_swap
            o_profit += pos.float_profit
        floating = o_comm + o_swap + o_profit
        out.add(_MT4_SUBTOTAL.format(commission=money_text(o_comm), taxes="0.00", swap=money_text(o_swap), profit=money_text(o_profit)))
        out.add(_MT4_WORKING_HEAD.format(floating=money_text(floating)))
        if not h.working:
            out.add(_MT4_NO_ROWS)
        for n, o in enumerate(h.working):
            bg = " bgcolor=#E0E0E0" if n % 2 else ""
            d = o.inst.digits
            mso = _mso(d)
            out.add(
                f"<tr{bg} align=right><td>{o.ticket}</td><td nowrap>{timestamp(o.placed)}</td><td>{o.kind}</td>"
                f"<td class=mspt>{lots2(o.lots)}</td><td>{o.symbol}</td><td {mso}>{price_text(o.price, d)}</td>"
                f"<td {mso}>{price_text(o.sl, d)}</td><td {mso}>{price_text(o.tp, d)}</td>"
                f"<td class=msdate nowrap>&nbsp;</td><td {mso}>{price_text(o.market, d)}</td><td colspan=4></td></tr>\n"
            )

        st = trade_stats(nets, shorts)
        initial = next((c.amount for c in h.cash), 0)
        dd_abs, dd_max, dd_max_pct, dd_rel_pct, dd_rel = drawdowns(curve, initial)
        gl = -st.gross_loss
        net_total = st.gross_profit - gl
        margin = used_margin(h)
        balance_end = opening + deposit + closed_pl
        equity = balance_end + floating
        out.add(
            _MT4_SUMMARY.format(
                pad="    ",  # MT4 leaves some separator lines indented but empty
                deposit=money_text(deposit),
                closed_pl=money_text(closed_pl),
                floating=money_text(floating),
                margin=money_text(margin),
                balance=money_text(balance_end),
                equity=money_text(equity),
                free=money_text(equity - margin),
                gross_profit=money_text(st.gross_profit),
                gross_loss=money_text(gl),
                net=money_text(net_total),
                factor=f"{st.gross_profit / gl:.2f}" if gl else "0.00",
                payoff=number_text(net_total / 100 / st.trades) if st.trades else "0.00",
                dd_abs=money_text(dd_abs),
                dd_max=f"{money_text(dd_max)} ({pct_text(dd_max_pct)})",
                dd_rel=f"{pct_text(dd_rel_pct)} ({money_text(dd_rel)})",
                trades=st.trades,
                short=f"{st.short} ({pct_text(pct_of(st.short_won, st.short))})",
                long=f"{st.long} ({pct_text(pct_of(st.long_won, st.long))})",
                wins=f"{st.wins} ({pct_text(pct_of(st.wins, st.trades))})",
                losses=f"{st.losses} ({pct_text(pct_of(st.losses, st.trades))})",
                largest_win=money_text(st.largest_win),
                largest_loss=money_text(st.largest_loss),
                avg_win=number_text(st.gross_profit / 100 / st.wins) if st.wins else "0.00",
                avg_loss=number_text(st.gross_loss / 100 / st.losses) if st.losses else "0.00",
                max_wins=f"{st.max_wins[0]} ({money_text(st.max_wins[1])})",
                max_losses=f"{st.max_losses[0]} ({money_text(st.max_losses[1])})",
                max_profit=f"{money_text(st.max_profit_run[0])} ({st.max_profit_run[1]})",
                max_loss=f"{money_text(st.max_loss_run[0])} ({st.max_loss_run[1]})",
                avg_wins=st.avg_win_run,
                avg_losses=st.avg_loss_run,
            )
        )
    return {
        "balance": balance_end,
        "total_net_profit": net_total,
        "rows_by_kind": {
            "trade": sum(1 for r in rows if r[2] == 1),
            "balance": sum(1 for r in rows if r[2] == 0),
            "cancelled": sum(1 for r in rows if r[2] == 2),
        },
    }
