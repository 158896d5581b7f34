"""A seeded retail trader simulation: positions, partial and close-by exits, pending orders, swaps, commissions and
cash flows, all money in integer cents (DOMAIN.md 2 and 4).

Profit = signed move x contract x lots x quote->USD rate at close, rounded to cents; commission round turn on the
MT4 row, half on each MT5 deal; swap at every rollover, triple on Wednesday night. Every writer prints this one
History, so every printed total is the exact sum of the printed rows.
"""

from __future__ import annotations

import calendar
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

from fxcost.samples.market import (
    DAY,
    EXPERTS,
    HOUR_WEIGHTS,
    LOT_WEIGHTS,
    LOTS,
    YEAR,
    AccountInfo,
    Instrument,
    PriceBook,
    instruments,
)


@dataclass(slots=True)
class Leg:
    """One closing of (part of) a position: an MT4 row or an MT5 out deal."""

    time: int
    lots: int  # hundredths of a lot
    price: float
    profit: int  # cents
    swap: int
    commission: int  # MT4: this row's share of the round turn; MT5: the out deal's
    reason: str = ""  # "sl" | "tp" | ""
    by: int = -1  # MT5 close-by: index (in History.positions) of the opposite position
    lead: bool = False  # MT5 close-by: this leg books the pair's result (the other books 0)
    ticket: int = 0  # MT4 row ticket / MT5 closing order
    deal: int = 0  # MT5 out deal


@dataclass(slots=True)
class Position:
    """One position: opened once, closed by one or more legs (none while still open)."""

    inst: Instrument
    symbol: str  # as the platform prints it
    side: int  # +1 buy, -1 sell
    lots: int
    open_time: int
    open_price: float
    sl: float
    tp: float
    legs: list[Leg]
    comment: str = ""  # EA comment, "" for manual trades
    magic: int = 0
    open_commission: int = 0  # MT4: whole round turn; MT5: the in deal's commission
    placed: int = 0  # when the order was placed (pending) or = open_time
    pending: str = ""  # "buy limit" etc. when opened by a pending order
    ticket: int = 0  # MT4 ticket / MT5 position id (= opening order)
    deal: int = 0  # MT5 in deal
    market: float = 0.0  # open positions: price at report time
    float_profit: int = 0
    float_swap: int = 0

    @property
    def type(self) -> str:
        return "buy" if self.side > 0 else "sell"


@dataclass(slots=True)
class PendingOrder:
    """A pending order that was cancelled, or still works at report time."""

    inst: Instrument
    symbol: str
    kind: str  # "buy limit", "sell stop", ...
    lots: int
    placed: int
    done: int  # cancel time; 0 while working
    price: float
    sl: float
    tp: float
    market: float  # price when cancelled / at report time
    ticket: int = 0


@dataclass(slots=True)
class CashEvent:
    """A balance row / balance deal."""

    time: int
    amount: int  # cents
    comment: str
    kind: str  # "deposit" | "withdrawal" | "rebate"
    ticket: int = 0


@dataclass
class History:
    """A simulated account history, platform conventions already applied."""

    platform: str  # "mt4" | "mt5"
    account: AccountInfo
    start: int
    report_time: int
    positions: list[Position]
    open_positions: list[Position]
    cancelled: list[PendingOrder]
    working: list[PendingOrder]
    cash: list[CashEvent]
    instruments: tuple[Instrument, ...]
    book: PriceBook = field(repr=False)


def to_cents(x: float) -> int:
    """Money -> integer cents, half away from zero (the epsilon absorbs float noise)."""
    return int(math.copysign(math.floor(abs(x) * 100.0 + 0.5 + 1e-7), x))


def _weekday(t: int) -> int:
    """0 = Monday (1970-01-01 was a Thursday)."""
    return (t // DAY + 3) % 7


def _skip_weekend(t: int, extra: int) -> int:
    """Move a time that falls on Saturday/Sunday to Monday just after the open."""
    wd = _weekday(t)
    if wd >= 5:
        return (t // DAY + (7 - wd)) * DAY + 60 + extra
    return t


def epoch_seconds(d: date | datetime) -> int:
    return calendar.timegm(d.timetuple())


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, min(d.day, 28))


def default_months(trades: int) -> int:
    """History length that gives a plausible trading rate (about 110 closed trades a month)."""
    return int(min(36, max(2, round(trades / 110))))


def simulate(
    trades: int,
    seed: int = 0,
    platform: str = "mt4",
    *,
    months: int | None = None,
    start: str | date = "2024-01-02",
    suffix: str = "",
) -> History:
    """Simulate an account with exactly ``trades`` closed trades as the platform counts them.

    MT4 counts ticket rows (a partial close adds one row), MT5 counts positions.
    """
    if platform not in ("mt4", "mt5"):
        raise ValueError(f"platform must be 'mt4' or 'mt5', not {platform!r}")
    if trades < 1:
        raise ValueError("trades must be at least 1")
    rng = np.random.default_rng(seed)
    start_d = date.fromisoformat(start) if isinstance(start, str) else start
    months = months or default_months(trades)
    t0 = epoch_seconds(start_d)
    t_end = epoch_seconds(_add_months(start_d, months))
    # The report is saved on the last weekday of the period, mid-morning.
    report = t_end - DAY
    while _weekday(report) >= 5:
        report -= DAY
    report = report // DAY * DAY + 9 * 3600 + int(rng.integers(0, 3 * 3600))
    last_close = report - 3 * 3600

    us30 = [(1.0, 1), (1.0, 2), (10.0, 1), (10.0, 2)][int(rng.integers(0, 4))]
    insts = instruments(*us30)
    book = PriceBook(rng, t0, t_end + 7 * DAY)
    login = int(rng.integers(1_000_000, 9_999_999))
    account = AccountInfo(
        login=login,
        name="Alex Demo Trader",
        company="Northwind Markets Ltd.",
        server="NorthwindMarkets-Live",
        leverage=100,
    )

    def printed(inst: Instrument) -> str:
        # MT4 prints symbols lower-cased, MT5 as the broker names them (FORMATS.md 2.2).
        return (inst.root.lower() if platform == "mt4" else inst.root) + suffix

    symbols = {inst.root: printed(inst) for inst in insts}

    # Trading days (Mon-Fri) of the period; the first two hours of the first day are
    # left for the initial deposit.
    days = np.arange(t0 // DAY, last_close // DAY + 1, dtype=np.int64) * DAY
    days = days[((days // DAY + 3) % 7) < 5]
    first_trade = int(days[0]) + 2 * 3600
    hour_p = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()

    def sample_times(n: int) -> np.ndarray:
        d = days[rng.integers(0, len(days), n)]
        h = rng.choice(24, n, p=hour_p)
        s = rng.integers(0, 3600, n)
        t = d + h * 3600 + s
        return np.clip(t, first_trade, last_close - 3600)

    # Closing legs per position: MT4 rows must add up to exactly ``trades``.
    n_pairs = trades // 250 if platform == "mt5" else 0  # close-by pairs (MT5 only)
    k_all = rng.choice(3, size=trades, p=[0.955, 0.035, 0.010])
    if platform == "mt4":
        cum = np.cumsum(1 + k_all)
        n_pos = int(np.searchsorted(cum, trades)) + 1
        k_all = k_all[:n_pos].copy()
        before = int(cum[n_pos - 2]) if n_pos >= 2 else 0
        k_all[-1] = trades - before - 1
    else:
        n_pos = trades - 2 * n_pairs
        k_all = k_all[:n_pos].copy()

    weights = np.array([inst.weight for inst in insts])
    sym_idx = rng.choice(len(insts), size=n_pos, p=weights / weights.sum())
    sides = np.where(rng.random(n_pos) < 0.5, 1, -1)
    lots = rng.choice(LOTS, size=n_pos, p=LOT_WEIGHTS / LOT_WEIGHTS.sum())
    opens = np.sort(sample_times(n_pos))
    holds = np.exp(rng.normal(math.log(2700), 1.9, n_pos)).clip(4, 12 * DAY).astype(np.int64)
    u_close = rng.integers(0, 7200, n_pos)
    stops_u = rng.random((n_pos, 4))
    jitter = rng.standard_normal((n_pos, 2))
    spread_u = rng.lognormal(0.0, 0.3, (n_pos, 2))
    expert_u = rng.random(n_pos)
    expert_i = rng.integers(0, len(EXPERTS), n_pos)
    pending_u = rng.random((n_pos, 2))

    positions: list[Position] = []
    # Python lists: indexing numpy arrays one element at a time is several times slower.
    columns = zip(
        sym_idx.tolist(), sides.tolist(), k_all.tolist(), lots.tolist(), opens.tolist(), holds.tolist(),
        u_close.tolist(), stops_u.tolist(), jitter.tolist(), spread_u.tolist(), expert_u.tolist(),
        expert_i.tolist(), pending_u.tolist(),
    )  # fmt: skip
    for si, side, k, lot, t_open, hold, uc, su, jit, spr, eu, ei, pu in columns:
        inst = insts[si]
        lot = min(lot, inst.lot_cap)
        if lot < k + 1:
            lot = 5 * (k + 1)
        if k:
            hold = max(hold, 1800 * (k + 1))
        t_close = _skip_weekend(t_open + hold, uc)
        if t_close > last_close:
            t_close = t_open + max(1, (last_close - t_open) // 2)
            if _weekday(t_close) >= 5:
                t_close = last_close - uc // 4
        pos = _open_position(inst, symbols[inst.root], side, lot, t_open, book, jit[0], spr[0])
        _closing_legs(pos, k, t_close, book, rng, jit[1], spr[1])
        _stops(pos, book, su)
        if eu < 0.25:
            pos.comment, pos.magic = EXPERTS[ei]
        if pu[0] < 0.07 and t_open % DAY > 600:
            pos.pending = ("buy " if side > 0 else "sell ") + ("limit" if pu[1] < 0.6 else "stop")
            pos.placed = t_open - 60 - int(pu[1] * min(6 * 3600, t_open % DAY - 120))
        positions.append(pos)

    # MT5 close-by: an opposite position of the same volume closes both (FORMATS.md 3.7).
    pairs: list[tuple[Position, Position]] = []
    for _ in range(n_pairs):
        inst = insts[int(rng.choice(len(insts), p=weights / weights.sum()))]
        lot = int(rng.choice(LOTS[:9]))
        ta = int(sample_times(1)[0])
        tb = _skip_weekend(ta + int(rng.integers(30, 7200)), int(rng.integers(0, 600)))
        tc = _skip_weekend(tb + int(rng.integers(60, 6 * 3600)), int(rng.integers(0, 600)))
        if tc > last_close:
            ta, tb, tc = last_close - 9000, last_close - 6000, last_close - 3000
        side = 1 if rng.random() < 0.5 else -1
        a = _open_position(inst, symbols[inst.root], side, lot, ta, book, rng.standard_normal(), rng.lognormal(0, 0.3))
        b = _open_position(inst, symbols[inst.root], -side, lot, tb, book, rng.standard_normal(), rng.lognormal(0, 0.3))
        # The first position books the whole result at the other's open price; the
        # second closes at the first's open price with Profit 0.00 (tradetaper sample).
        rate = book.usd_rate(inst, tc, b.open_price)
        result = to_cents(side * (b.open_price - a.open_price) * inst.contract * lot / 100 * rate)
        a.legs = [Leg(tc, lot, b.open_price, result, 0, 0, lead=True)]
        b.legs = [Leg(tc, lot, a.open_price, 0, 0, 0)]
        pairs.append((a, b))
        positions += [a, b]
    positions.sort(key=lambda p: p.open_time)
    index = {id(p): i for i, p in enumerate(positions)}
    for a, b in pairs:
        a.legs[0].by, b.legs[0].by = index[id(b)], index[id(a)]

    # Positions still open when the report is saved.
    n_open = int(min(25, max(3, trades // 150)))
    open_positions = []
    for t in np.sort(report - 3600 - rng.integers(600, 3 * DAY, n_open)):
        t = int(t)
        if _weekday(t) >= 5:
            t -= (_weekday(t) - 4) * DAY
        inst = insts[int(rng.choice(len(insts), p=weights / weights.sum()))]
        lot = int(min(rng.choice(LOTS), inst.lot_cap))
        pos = _open_position(inst, symbols[inst.root], 1 if rng.random() < 0.5 else -1, lot, t, book, rng.standard_normal(), 1.0)
        _stops(pos, book, rng.random(4), still_open=True)
        _float(pos, report, book)
        open_positions.append(pos)

    # Pending orders that never filled, and two still working at report time.
    cancelled = [
        _pending(insts[int(rng.choice(len(insts), p=weights / weights.sum()))], symbols, int(t), rng, book, last_close)
        for t in np.sort(sample_times(max(3, trades // 80)))
    ]
    working = []
    if platform == "mt4":
        for t in sorted(report - 3600 - rng.integers(600, DAY, 2)):
            order = _pending(insts[int(rng.choice(len(insts), p=weights / weights.sum()))], symbols, int(t), rng, book, 0)
            order.market = round(book.bid1(order.inst.root, report), order.inst.digits)
            working.append(order)

    for pos in positions:
        _swaps(pos, book, report)
    for pos in open_positions:
        _swaps(pos, book, report)
    _commissions(positions, open_positions, platform)

    cash = _cash_flows(rng, platform, positions, open_positions, days, first_trade, report)
    history = History(platform, account, t0, report, positions, open_positions, cancelled, working, cash, insts, book)
    _assign_tickets(history, rng)
    return history


def _open_position(
    inst: Instrument, symbol: str, side: int, lots: int, t: int, book: PriceBook, jitter: float, spread_u: float
) -> Position:
    # Buys fill at the ask, sells at the bid (the spread is inside MT's Profit).
    bid = book.bid1(inst.root, t) * (1.0 + jitter * book.vol[inst.root] * math.sqrt(60 / YEAR))
    spread = _spread(inst, t, spread_u)
    price = round(bid + spread if side > 0 else bid, inst.digits)
    return Position(inst, symbol, side, lots, t, price, 0.0, 0.0, [], placed=t)


def _spread(inst: Instrument, t: int, u: float) -> float:
    hour = t % DAY // 3600
    wide = 2.5 if hour in (23, 0) else 1.0  # rollover hour: liquidity thins out
    return max(inst.point, round(inst.spread * u * wide / inst.point) * inst.point)


def _close_price(pos: Position, t: int, book: PriceBook, jitter: float, spread_u: float) -> float:
    inst = pos.inst
    bid = book.bid1(inst.root, t) * (1.0 + jitter * book.vol[inst.root] * math.sqrt(60 / YEAR))
    # A buy closes at the bid, a sell at the ask.
    return round(bid if pos.side > 0 else bid + _spread(inst, t, spread_u), inst.digits)


def _profit(pos: Position, lots: int, price: float, t: int, book: PriceBook) -> int:
    inst = pos.inst
    rate = book.usd_rate(inst, t, price)
    return to_cents(pos.side * (price - pos.open_price) * inst.contract * lots / 100 * rate)


def _closing_legs(
    pos: Position, k: int, t_close: int, book: PriceBook, rng: np.random.Generator, jitter: float, spread_u: float
) -> None:
    """Split the position into k partial closes plus the final one."""
    times: list[int] = []
    span = t_close - pos.open_time
    for _ in range(k):
        for _try in range(10):
            t = pos.open_time + int(span * rng.uniform(0.1, 0.9))
            if _weekday(t) < 5 and t not in times and pos.open_time < t < t_close:
                break
        else:
            t = pos.open_time + 1 + len(times)
        times.append(t)
    times = sorted(times) + [t_close]
    if k:
        cuts = np.sort(rng.choice(np.arange(1, pos.lots), size=k, replace=False))
        sizes = np.diff(np.concatenate(([0], cuts, [pos.lots]))).tolist()
    else:
        sizes = [pos.lots]
    for j, (t, lots) in enumerate(zip(times, sizes)):
        last = j == len(times) - 1
        price = _close_price(pos, t, book, jitter if last else rng.standard_normal(), spread_u if last else 1.0)
        pos.legs.append(Leg(t, int(lots), price, _profit(pos, int(lots), price, t, book), 0, 0))


def _stops(pos: Position, book: PriceBook, u: np.ndarray, still_open: bool = False) -> None:
    """S/L and T/P, and which closes they caused: [tp] on winners, [sl] on losers."""
    if u[0] > 0.55:
        return
    inst = pos.inst
    price = pos.open_price
    hold_days = ((pos.legs[-1].time if pos.legs else pos.open_time + DAY) - pos.open_time) / DAY
    dist = price * book.vol[inst.root] * math.sqrt(hold_days / 365 + 0.0005) * (1.0 + 2.0 * u[1])
    dist = max(dist, 20 * inst.point)
    sl = price - pos.side * dist
    tp = price + pos.side * dist * (1.0 + u[2])
    if not still_open:
        final = pos.legs[-1]
        won = pos.side * (final.price - price) > 0
        if won and u[3] < 0.5:
            tp, final.reason = final.price, "tp"
        elif not won and u[3] < 0.5 and pos.side * (final.price - price) < 0:
            sl, final.reason = final.price, "sl"
        else:
            # Keep untouched stops beyond every price the position closed at.
            worst = min(pos.side * (leg.price - price) for leg in pos.legs)
            best = max(pos.side * (leg.price - price) for leg in pos.legs)
            sl = price - pos.side * (max(dist, -worst) + 5 * inst.point)
            tp = price + pos.side * (max(dist, best) + 5 * inst.point)
    pos.sl = round(max(sl, inst.point), inst.digits)
    pos.tp = round(max(tp, inst.point), inst.digits)


def _float(pos: Position, report: int, book: PriceBook) -> None:
    inst = pos.inst
    bid = round(book.bid1(inst.root, report), inst.digits)
    pos.market = bid if pos.side > 0 else round(bid + _spread(inst, report, 1.0), inst.digits)
    pos.float_profit = _profit(pos, pos.lots, pos.market, report, book)


def _pending(
    inst: Instrument, symbols: dict[str, str], t: int, rng: np.random.Generator, book: PriceBook, last: int
) -> PendingOrder:
    side = "buy" if rng.random() < 0.5 else "sell"
    kind = "limit" if rng.random() < 0.6 else "stop"
    bid = book.bid1(inst.root, t)
    dist = max(30 * inst.point, bid * 0.003 * (1 + rng.random()))
    below = (side == "buy") == (kind == "limit")
    price = round(bid - dist if below else bid + dist, inst.digits)
    sl = round(price - dist if side == "buy" else price + dist, inst.digits) if rng.random() < 0.5 else 0.0
    tp = round(price + 2 * dist if side == "buy" else price - 2 * dist, inst.digits) if rng.random() < 0.4 else 0.0
    done = 0
    market = 0.0
    if last:
        done = min(_skip_weekend(t + int(rng.integers(60, DAY)), int(rng.integers(0, 900))), last)
        done = max(done, t + 30)
        market = round(book.bid1(inst.root, done), inst.digits)
    lots = int(min(rng.choice(LOTS), inst.lot_cap))
    return PendingOrder(inst, symbols[inst.root], f"{side} {kind}", lots, t, done, price, sl, tp, market)


def _rollovers(t_from: int, t_to: int) -> Iterable[tuple[int, int]]:
    """(time, nights) of every swap rollover strictly between two times.

    Swap is charged at 00:00 server time starting Tuesday to Saturday; the Wednesday
    night rollover (Thursday 00:00) counts three nights for the weekend (DOMAIN.md 5).
    """
    m = (t_from // DAY + 1) * DAY
    while m < t_to:
        wd = _weekday(m)
        if 1 <= wd <= 5:
            yield m, 3 if wd == 3 else 1
        m += DAY


def _swaps(pos: Position, book: PriceBook, report: int) -> None:
    """Accrue swap on the remaining volume at each rollover; each leg takes its share."""
    inst = pos.inst
    rate = inst.swap_long if pos.side > 0 else inst.swap_short
    end = pos.legs[-1].time if pos.legs else report
    acc = 0
    remaining = pos.lots
    legs = iter(pos.legs)
    leg = next(legs, None)
    for m, nights in _rollovers(pos.open_time, end):
        while leg is not None and leg.time <= m and leg is not pos.legs[-1]:
            share = to_cents(acc / 100 * leg.lots / remaining)
            leg.swap, acc, remaining = share, acc - share, remaining - leg.lots
            leg = next(legs, None)
        usd = book.usd_rate(inst, m, book.bid1(inst.root, m))
        acc += to_cents(rate * inst.contract * remaining / 100 * usd * nights)
    while leg is not None:
        if leg is pos.legs[-1]:
            leg.swap = acc
        else:
            share = to_cents(acc / 100 * leg.lots / remaining)
            leg.swap, acc, remaining = share, acc - share, remaining - leg.lots
        leg = next(legs, None)
    if not pos.legs:
        pos.float_swap = acc


def _commissions(positions: list[Position], open_positions: list[Position], platform: str) -> None:
    """$X round turn per lot: MT4 on the row (split over partial rows), MT5 half per deal."""
    for pos in positions + open_positions:
        rt = pos.inst.commission
        if platform == "mt4":
            total = -to_cents(rt * pos.lots / 100)
            pos.open_commission = total
            left = total
            for j, leg in enumerate(pos.legs):
                share = left if j == len(pos.legs) - 1 else -to_cents(-total * leg.lots / pos.lots / 100)
                leg.commission, left = share, left - share
        else:
            pos.open_commission = -to_cents(rt / 2 * pos.lots / 100)
            for leg in pos.legs:
                leg.commission = -to_cents(rt / 2 * leg.lots / 100)


def _cash_flows(
    rng: np.random.Generator,
    platform: str,
    positions: list[Position],
    open_positions: list[Position],
    days: np.ndarray,
    first_trade: int,
    report: int,
) -> list[CashEvent]:
    """Deposits, one withdrawal, monthly rebates, and top-ups that keep the balance positive."""
    initial = int(rng.choice([5_000, 10_000, 25_000, 50_000])) * 100
    cash = [CashEvent(int(days[0]) + 1800 + int(rng.integers(0, 3600)), initial, "Deposit", "deposit")]
    span = report - first_trade
    for _ in range(2):
        t = _skip_weekend(first_trade + int(rng.uniform(0.15, 0.9) * span), int(rng.integers(0, 3600)))
        cash.append(CashEvent(t, int(rng.choice([1_000, 2_000, 5_000])) * 100, "Deposit", "deposit"))

    # Rebates: a cashback programme pays $3.00 per closed lot, monthly in arrears.
    lots_by_month: dict[tuple[int, int], int] = {}
    for pos in positions:
        for leg in pos.legs:
            tm = time.gmtime(leg.time)
            key = (tm.tm_year, tm.tm_mon)
            lots_by_month[key] = lots_by_month.get(key, 0) + leg.lots
    for (year, month), lots in sorted(lots_by_month.items()):
        ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
        t = _skip_weekend(epoch_seconds(date(ny, nm, 3)) + 10 * 3600 + int(rng.integers(0, 3600)), 36000)
        amount = to_cents(3.00 * lots / 100)
        if t < report - 3600 and amount > 0:
            cash.append(CashEvent(t, amount, f"Rebate payout {year:04d}-{month:02d} cashback", "rebate"))

    withdrawal_time = _skip_weekend(first_trade + int(rng.uniform(0.55, 0.7) * span), 7200)
    withdrawal = CashEvent(withdrawal_time, 0, "Withdrawal", "withdrawal")
    cash.append(withdrawal)

    # Balance walk with this platform's booking: top up whenever it drops too low.
    events: list[tuple[int, int, int, Any]] = [(c.time, 0, 0, c) for c in cash]
    for pos in positions + open_positions:
        events.append((pos.open_time, 1, -1, pos))
        for leg in pos.legs:
            booked = leg.profit + leg.swap + leg.commission
            events.append((leg.time, 2, booked, None))
    events.sort(key=lambda e: (e[0], e[1]))
    balance = 0
    threshold = initial // 4
    for t, kind, amount, ref in events:
        if kind == 0:
            if ref is withdrawal:
                ref.amount = -max(10_000, balance // 5 // 10_000 * 10_000) if balance > 2 * threshold else -10_000
            balance += ref.amount
        elif kind == 1:
            if platform == "mt5":
                balance += ref.open_commission
            if balance < threshold:
                when = t - 60 - int(rng.integers(0, 600))
                cash.append(CashEvent(when if _weekday(when) < 5 else t - 1, initial, "Deposit", "deposit"))
                balance += initial
        else:
            balance += amount
    cash.sort(key=lambda c: c.time)
    return cash


def _assign_tickets(h: History, rng: np.random.Generator) -> None:
    """Tickets increase with time; other clients' orders leave gaps.

    Events are (time, priority, object, attribute): sorted, then numbered in order.
    """
    if h.platform == "mt4":
        events: list[tuple[int, int, Any, str]] = [(c.time, 0, c, "ticket") for c in h.cash]
        for pos in h.positions + h.open_positions:
            events.append((pos.placed, 1, pos, "ticket"))
            # A partial close gives the remainder a new ticket (FORMATS.md 2.5).
            for j in range(1, len(pos.legs)):
                events.append((pos.legs[j - 1].time, 2, pos.legs[j], "ticket"))
        events += [(o.placed, 1, o, "ticket") for o in h.cancelled + h.working]
        _number(events, rng, int(rng.integers(40_000_000, 60_000_000)))
        for pos in h.positions:
            pos.legs[0].ticket = pos.ticket
        return
    orders: list[tuple[int, int, Any, str]] = []
    deals: list[tuple[int, int, Any, str]] = [(c.time, 0, c, "ticket") for c in h.cash]
    for pos in h.positions + h.open_positions:
        orders.append((pos.placed, 1, pos, "ticket"))
        deals.append((pos.open_time, 1, pos, "deal"))
    for pos in h.positions:
        for leg in pos.legs:
            if leg.by >= 0:
                if not leg.lead:
                    continue  # numbered with its partner
                # One "close by" order closes both; the deal of the position that books
                # the result comes first.
                other = h.positions[leg.by].legs[0]
                orders.append((leg.time, 2, (leg, other), "ticket"))
                deals.append((leg.time, 2, leg, "deal"))
                deals.append((leg.time, 3, other, "deal"))
            else:
                orders.append((leg.time, 2, leg, "ticket"))
                deals.append((leg.time, 2, leg, "deal"))
    orders += [(o.placed, 1, o, "ticket") for o in h.cancelled]
    _number(orders, rng, int(rng.integers(400_000_000, 480_000_000)))
    _number(deals, rng, int(rng.integers(300_000_000, 380_000_000)))


def _number(events: list[tuple[int, int, Any, str]], rng: np.random.Generator, first: int) -> None:
    events.sort(key=lambda e: (e[0], e[1]))
    gaps = rng.integers(1, 40, len(events)).tolist()
    ticket = first
    for (_, _, obj, attr), gap in zip(events, gaps):
        ticket += gap
        if isinstance(obj, tuple):
            for o in obj:
                setattr(o, attr, ticket)
        else:
            setattr(obj, attr, ticket)
