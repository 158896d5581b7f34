"""MT5 report content shared by the HTML and XLSX writers: the tables in report order and the Results block."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from fxcost.samples.simulate import History, Position
from fxcost.samples.stats import TradeStats, drawdowns, pct_of, trade_stats, used_margin
from fxcost.samples.writers.common import money_text, pct_text, price_text, volume_text


@dataclass
class Mt5Report:
    """The MT5 tables as value tuples, in report order, plus the figures printed below them."""

    positions: list[Position]
    orders: list[tuple]  # (open, ticket, symbol, type, volume, price, sl, tp, time, state, comment, digits)
    deals: list[tuple]  # (time, deal, symbol, type, direction, lots, price, order, comm, fee, swap, profit, balance, comment, digits)
    open_positions: list[Position]
    totals: dict[str, int]
    stats: TradeStats
    drawdown: tuple[int, int, float, float, int]
    total_net_profit: int
    sharpe: float
    summary: dict[str, Any]


def build_mt5_report(h: History) -> Mt5Report:
    positions = sorted(h.positions, key=lambda p: (p.open_time, p.ticket))
    open_positions = sorted(h.open_positions, key=lambda p: (p.open_time, p.ticket))
    orders: list[tuple] = []
    deal_rows: list[tuple] = []  # without the running balance yet
    for pos in positions + open_positions:
        d = pos.inst.digits
        orders.append(
            (pos.placed, pos.ticket, pos.symbol, pos.pending or pos.type, f"{volume_text(pos.lots)} / {volume_text(pos.lots)}",
             pos.open_price, pos.sl, pos.tp, pos.open_time, "filled", pos.comment, d)
        )  # fmt: skip
        deal_rows.append(
            (pos.open_time, pos.deal, pos.symbol, pos.type, "in", pos.lots, pos.open_price, pos.ticket,
             pos.open_commission, 0, 0, 0, pos.comment, d)
        )  # fmt: skip
    closing = "sell", "buy"
    for pos in positions:
        d = pos.inst.digits
        for leg in pos.legs:
            deal_type = closing[0] if pos.side > 0 else closing[1]
            if leg.by >= 0:
                partner = h.positions[leg.by]
                a, b = (pos, partner) if leg.lead else (partner, pos)
                comment = f"#{a.ticket} by #{b.ticket}"
                if leg.lead:
                    orders.append(
                        (leg.time, leg.ticket, pos.symbol, "close by", f"{volume_text(leg.lots)} / {volume_text(leg.lots)}",
                         leg.price, 0.0, 0.0, leg.time, "filled", comment, d)
                    )  # fmt: skip
                direction = "out by"
            else:
                if leg.reason:
                    comment = f"[{leg.reason} {price_text(leg.price, d)}]"
                else:
                    comment = pos.comment
                orders.append(
                    (leg.time, leg.ticket, pos.symbol, deal_type, f"{volume_text(leg.lots)} / {volume_text(leg.lots)}",
                     leg.price, 0.0, 0.0, leg.time, "filled", comment, d)
                )  # fmt: skip
                direction = "out"
            deal_rows.append(
                (leg.time, leg.deal, pos.symbol, deal_type, direction, leg.lots, leg.price, leg.ticket,
                 leg.commission, 0, leg.swap, leg.profit, comment, d)
            )  # fmt: skip
    for o in h.cancelled:
        orders.append(
            (o.placed, o.ticket, o.symbol, o.kind, f"{volume_text(o.lots)} / 0", o.price, o.sl, o.tp, o.done, "canceled", "",
             o.inst.digits)
        )  # fmt: skip
    for c in h.cash:
        deal_rows.append((c.time, c.ticket, "", "balance", "", 0, 0.0, 0, 0, 0, 0, c.amount, c.comment, 0))
    orders.sort(key=lambda r: (r[0], r[1]))
    deal_rows.sort(key=lambda r: r[1])  # deal tickets were numbered in time order

    deals: list[tuple] = []
    balance = 0
    comm = swap = profit = 0
    nets: list[int] = []
    shorts: list[bool] = []
    curve: list[int] = []
    tnp = 0
    for r in deal_rows:
        booked = r[8] + r[9] + r[10] + r[11]
        balance += booked
        comm += r[8]
        swap += r[10]
        profit += r[11]
        if r[3] != "balance":
            tnp += booked
        if r[4].startswith("out"):
            nets.append(booked)
            shorts.append(r[3] == "buy")  # a buy deal closes a short position
        curve.append(balance)
        deals.append(r[:12] + (balance,) + r[12:])
    st = trade_stats(nets, shorts)
    initial = next((c.amount for c in h.cash), 0)
    dd = drawdowns(curve, initial)
    if len(nets) > 1:
        arr = np.array(nets, dtype=float)
        sharpe = float(arr.mean() / arr.std()) if arr.std() else 0.0
    else:
        sharpe = 0.0
    o_swap = sum(p.float_swap for p in open_positions)
    o_profit = sum(p.float_profit for p in open_positions)
    margin = used_margin(h)
    equity = balance + o_profit + o_swap
    summary = {
        "balance": balance,
        "floating": o_profit,
        "equity": equity,
        "margin": margin,
        "free": equity - margin,
        "level": equity / margin * 100 if margin else 0.0,
        "open_swap": o_swap,
        "open_profit": o_profit,
    }
    return Mt5Report(
        positions=positions,
        orders=orders,
        deals=deals,
        open_positions=open_positions,
        totals={"commission": comm, "fee": 0, "swap": swap, "profit": profit, "balance": balance},
        stats=st,
        drawdown=dd,
        total_net_profit=tnp,
        sharpe=sharpe,
        summary=summary,
    )


def mt5_results(r: Mt5Report) -> list[tuple[str, Any, str, Any, str, Any]]:
    """The Results block as (label, value) triples per row; values are cents, counts or text."""
    st = r.stats
    gl = r.total_net_profit - st.gross_profit  # the in-deal charges count as losses
    dd_abs, dd_max, dd_max_pct, dd_rel_pct, dd_rel = r.drawdown
    return [
        ("Total Net Profit:", ("money", r.total_net_profit), "Gross Profit:", ("money", st.gross_profit),
         "Gross Loss:", ("money", gl)),
        ("Profit Factor:", ("ratio", st.gross_profit / -gl if gl else 0.0), "Expected Payoff:",
         ("ratio", r.total_net_profit / 100 / st.trades if st.trades else 0.0), "", None),
        ("Recovery Factor:", ("ratio", r.total_net_profit / dd_max if dd_max else 0.0), "Sharpe Ratio:",
         ("ratio", r.sharpe), "", None),
        ("Balance Drawdown:", None, "", None, "", None),
        ("Balance Drawdown Absolute:", ("money", dd_abs), "Balance Drawdown Maximal:",
         ("text", f"{money_text(dd_max)} ({pct_text(dd_max_pct)})"), "Balance Drawdown Relative:",
         ("text", f"{pct_text(dd_rel_pct)} ({money_text(dd_rel)})")),
        ("Total Trades:", ("count", st.trades), "Short Trades (won %):",
         ("text", f"{st.short} ({pct_text(pct_of(st.short_won, st.short))})"), "Long Trades (won %):",
         ("text", f"{st.long} ({pct_text(pct_of(st.long_won, st.long))})")),
        ("", None, "Profit Trades (% of total):", ("text", f"{st.wins} ({pct_text(pct_of(st.wins, st.trades))})"),
         "Loss Trades (% of total):", ("text", f"{st.losses} ({pct_text(pct_of(st.losses, st.trades))})")),
        ("", None, "Largest profit trade:", ("money", st.largest_win), "Largest loss trade:",
         ("money", st.largest_loss)),
        ("", None, "Average profit trade:", ("ratio", st.gross_profit / 100 / st.wins if st.wins else 0.0),
         "Average loss trade:", ("ratio", gl / 100 / st.losses if st.losses else 0.0)),
        ("", None, "Maximum consecutive wins ($):", ("text", f"{st.max_wins[0]} ({money_text(st.max_wins[1])})"),
         "Maximum consecutive losses ($):", ("text", f"{st.max_losses[0]} ({money_text(st.max_losses[1])})")),
        ("", None, "Maximal consecutive profit (count):",
         ("text", f"{money_text(st.max_profit_run[0])} ({st.max_profit_run[1]})"), "Maximal consecutive loss (count):",
         ("text", f"{money_text(st.max_loss_run[0])} ({st.max_loss_run[1]})")),
        ("", None, "Average consecutive wins:", ("int", st.avg_win_run), "Average consecutive losses:",
         ("int", st.avg_loss_run)),
    ]  # fmt: skip


def mt5_account_line(h: History, sep: str) -> str:
    return f"{h.account.login}{sep}(USD,{sep}{h.account.server},{sep}{h.account.account_type},{sep}Hedge)"


def mt5_date(t: int) -> str:
    return time.strftime("%Y.%m.%d %H:%M", time.gmtime(t))


def mt5_written(r: Mt5Report) -> dict[str, Any]:
    """What an MT5 writer returns for the manifest: the printed totals (cents) and the rows of each table."""
    return {
        "balance": r.totals["balance"],
        "total_net_profit": r.total_net_profit,
        "deals": len(r.deals),
        "orders": len(r.orders),
        "rows_by_kind": {"positions": len(r.positions), "orders": len(r.orders), "deals": len(r.deals)},
    }
