"""The statistics a report prints under its trades (MT4 Details, MT5 Results): wins, runs, drawdowns, margin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fxcost.samples.simulate import History, to_cents


@dataclass
class TradeStats:
    """MetaTrader's report statistics over the per-trade net results, in report order."""

    trades: int
    gross_profit: int
    gross_loss: int  # <= 0
    wins: int
    losses: int
    short: int
    short_won: int
    long: int
    long_won: int
    largest_win: int
    largest_loss: int
    max_wins: tuple[int, int]  # (count, money) of the longest winning run
    max_losses: tuple[int, int]
    max_profit_run: tuple[int, int]  # (money, count) of the most profitable run
    max_loss_run: tuple[int, int]
    avg_win_run: int
    avg_loss_run: int


def trade_stats(nets: list[int], shorts: list[bool]) -> TradeStats:
    """A trade with net >= 0 counts as won (the samples count break-even trades as wins)."""
    gp = sum(n for n in nets if n > 0)
    gl = sum(n for n in nets if n < 0)
    wins = sum(1 for n in nets if n >= 0)
    short = sum(shorts)
    short_won = sum(1 for n, s in zip(nets, shorts) if s and n >= 0)
    long_won = wins - short_won
    runs: list[tuple[bool, int, int]] = []  # (win, count, money)
    for n in nets:
        w = n >= 0
        if runs and runs[-1][0] == w:
            _, c, m = runs[-1]
            runs[-1] = (w, c + 1, m + n)
        else:
            runs.append((w, 1, n))
    win_runs = [r for r in runs if r[0]]
    loss_runs = [r for r in runs if not r[0]]
    longest_w = max(win_runs, key=lambda r: r[1], default=(True, 0, 0))
    longest_l = max(loss_runs, key=lambda r: r[1], default=(False, 0, 0))
    richest_w = max(win_runs, key=lambda r: r[2], default=(True, 0, 0))
    poorest_l = min(loss_runs, key=lambda r: r[2], default=(False, 0, 0))
    return TradeStats(
        trades=len(nets),
        gross_profit=gp,
        gross_loss=gl,
        wins=wins,
        losses=len(nets) - wins,
        short=short,
        short_won=short_won,
        long=len(nets) - short,
        long_won=long_won,
        largest_win=max((n for n in nets if n >= 0), default=0),
        largest_loss=min((n for n in nets if n < 0), default=0),
        max_wins=(longest_w[1], longest_w[2]),
        max_losses=(longest_l[1], longest_l[2]),
        max_profit_run=(richest_w[2], richest_w[1]),
        max_loss_run=(poorest_l[2], poorest_l[1]),
        avg_win_run=round(sum(r[1] for r in win_runs) / len(win_runs)) if win_runs else 0,
        avg_loss_run=round(sum(r[1] for r in loss_runs) / len(loss_runs)) if loss_runs else 0,
    )


def drawdowns(curve: Iterable[int], initial: int) -> tuple[int, int, float, float, int]:
    """(absolute, maximal, maximal %, relative %, relative money) of a balance curve."""
    peak = None
    low = None
    maximal = 0
    maximal_pct = 0.0
    relative_pct = 0.0
    relative = 0
    for b in curve:
        peak = b if peak is None or b > peak else peak
        low = b if low is None or b < low else low
        dd = peak - b
        pct = dd / peak * 100 if peak > 0 else 0.0
        if dd > maximal:
            maximal, maximal_pct = dd, pct
        if pct > relative_pct:
            relative_pct, relative = pct, dd
    absolute = max(0, initial - (low if low is not None else initial))
    return absolute, maximal, maximal_pct, relative_pct, relative


def pct_of(part: int, whole: int) -> float:
    return part / whole * 100 if whole else 0.0


def used_margin(h: History) -> int:
    """Used margin of the open positions: notional in USD / leverage."""
    total = 0.0
    for pos in h.open_positions:
        inst = pos.inst
        notional = inst.contract * pos.lots / 100 * pos.open_price
        if inst.root.startswith("USD"):
            notional = inst.contract * pos.lots / 100
        else:
            notional *= h.book.usd_rate(inst, h.report_time, pos.market)
        total += notional / h.account.leverage
    return to_cents(total)
