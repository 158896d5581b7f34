"""Synthetic MetaTrader 4/5 trade histories: a seeded trader simulation and report writers faithful to the real markup.

``generate(path, fmt, trades, seed)`` simulates a retail trader (FX majors, JPY and other
crosses, gold and a Dow index CFD) and writes the history as an MT4 DetailedStatement
(HTML), an MT5 Trade History Report (HTML, UTF-16LE) or its XLSX twin, returning a
:class:`Manifest` with the figures it wrote. Layouts follow FORMATS.md 2-4 and the real
exports in ``../shared/samples``; money follows MetaTrader's rules (DOMAIN.md 2 and 4):
Profit = signed move x contract x lots x quote->USD rate at close, rounded to cents;
commission round turn on the MT4 row, half on each MT5 deal; swap at every rollover,
triple on Wednesday night. All money is kept in integer cents so every printed total is
the exact sum of the printed rows.

Writers stream: rows are formatted in batches and written as they go (XLSX through
openpyxl's write-only mode), so a 100k-trade report never exists as one string.
"""

from __future__ import annotations

import calendar
import copy
import html
import math
import re
import shutil
import time
import zipfile
from array import array
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

#: Output formats: MT4 DetailedStatement, MT5 Trade History Report HTML / XLSX.
FORMATS = ("mt4", "mt5-html", "mt5-xlsx")

#: What the bundled sample is: an MT4 USD account, about 14 months and 1,500 trades.
BUNDLED = {"fmt": "mt4", "trades": 1500, "seed": 20240102, "months": 14, "start": "2024-01-02", "suffix": ".r"}

DAY = 86400
YEAR = 365 * DAY
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


# --------------------------------------------------------------------------------------
# Instruments
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instrument:
    """Contract data of one simulated symbol (what a broker's symbol specification holds)."""

    root: str
    digits: int
    contract: float
    quote: str  # profit currency, converted to USD at close
    spread: float  # typical spread in price units
    swap_long: float  # price units per night on contract x lots (negative = charged)
    swap_short: float
    commission: float  # USD per lot, round turn
    weight: float  # share of the trader's positions
    lot_cap: int = 500  # largest position, in hundredths of a lot

    @property
    def point(self) -> float:
        return 10.0 ** -self.digits


#: Base series simulated as random walks: start level and annualised volatility.
BASE_SERIES = {
    "EURUSD": (1.0950, 0.07),
    "GBPUSD": (1.2700, 0.08),
    "USDJPY": (146.50, 0.09),
    "USDCHF": (0.8750, 0.08),
    "AUDUSD": (0.6650, 0.09),
    "USDCAD": (1.3450, 0.06),
    "XAUUSD": (2050.0, 0.15),
    "US30": (37500.0, 0.15),
}

#: Crosses are products/ratios of the base series, so triangular arbitrage holds.
CROSSES = {
    "EURJPY": ("EURUSD", "USDJPY", "*"),
    "GBPJPY": ("GBPUSD", "USDJPY", "*"),
    "EURGBP": ("EURUSD", "GBPUSD", "/"),
    "EURCHF": ("EURUSD", "USDCHF", "*"),
}


def instruments(us30_contract: float = 1.0, us30_digits: int = 1) -> tuple[Instrument, ...]:
    """The simulated symbol set; spreads are raw-account levels since commission is charged."""
    return (
        Instrument("EURUSD", 5, 100_000, "USD", 0.00005, -0.000075, 0.000028, 7.0, 0.22),
        Instrument("GBPUSD", 5, 100_000, "USD", 0.00009, -0.000042, -0.000012, 7.0, 0.11),
        Instrument("USDJPY", 3, 100_000, "JPY", 0.007, 0.0145, -0.0280, 7.0, 0.11),
        Instrument("USDCHF", 5, 100_000, "CHF", 0.00010, 0.000061, -0.000124, 7.0, 0.04),
        Instrument("AUDUSD", 5, 100_000, "USD", 0.00008, -0.000036, -0.000009, 7.0, 0.06),
        Instrument("USDCAD", 5, 100_000, "CAD", 0.00011, 0.000013, -0.000066, 7.0, 0.05),
        Instrument("EURJPY", 3, 100_000, "JPY", 0.012, 0.0082, -0.0210, 7.0, 0.05),
        Instrument("GBPJPY", 3, 100_000, "JPY", 0.020, 0.0120, -0.0265, 7.0, 0.06),
        Instrument("EURGBP", 5, 100_000, "GBP", 0.00009, -0.000054, 0.000009, 7.0, 0.04),
        Instrument("EURCHF", 5, 100_000, "CHF", 0.00013, 0.000024, -0.000081, 7.0, 0.02),
        Instrument("XAUUSD", 2, 100, "USD", 0.18, -0.46, 0.24, 7.0, 0.15, 300),
        # Index CFDs are usually commission-free; the cost is all in the spread.
        Instrument("US30", us30_digits, us30_contract, "USD", 2.0, -6.2, 1.2, 0.0, 0.11, 500 if us30_contract < 10 else 100),
    )


#: Lot sizes (hundredths) a retail trader uses, and how often.
LOTS = np.array([1, 2, 3, 5, 10, 20, 30, 50, 100, 150, 200, 300, 500])
LOT_WEIGHTS = np.array([18, 10, 6, 10, 14, 8, 5, 8, 9, 3, 4, 2, 2], dtype=float)

#: Server-time (GMT+2) activity by hour: quiet Asia, busy London and New York.
HOUR_WEIGHTS = np.array(
    [0.3, 0.5, 0.6, 0.7, 0.7, 0.7, 0.8, 0.9, 1.2, 1.6, 1.7, 1.6, 1.5, 1.5, 1.7, 1.9, 1.9, 1.7, 1.4, 1.1, 0.9, 0.7, 0.5, 0.3]
)

#: Expert advisors some positions belong to: (comment, magic).
EXPERTS = (("MA Cross EA", 20240), ("Scalper v3", 7781), ("Breakout H1", 31337))


@dataclass
class AccountInfo:
    """What the report header says about the (fictional) account."""

    login: int
    name: str
    company: str
    server: str
    leverage: int = 100
    account_type: str = "real"


# --------------------------------------------------------------------------------------
# Prices
# --------------------------------------------------------------------------------------


class PriceBook:
    """Bid prices of every symbol on a 5-minute grid, random walks seeded once per history."""

    STEP = 300

    def __init__(self, rng: np.random.Generator, t0: int, t1: int):
        self.t0 = t0
        n = (t1 - t0) // self.STEP + 3
        self.n = n
        self.series: dict[str, np.ndarray] = {}
        per_step = math.sqrt(self.STEP / YEAR)
        for root, (start, vol) in BASE_SERIES.items():
            steps = rng.standard_normal(n) * (vol * per_step)
            steps[0] = 0.0
            self.series[root] = start * np.exp(np.cumsum(steps))
        for root, (a, b, op) in CROSSES.items():
            x, y = self.series[a], self.series[b]
            self.series[root] = x * y if op == "*" else x / y
        self.vol = {root: BASE_SERIES.get(root, (0, 0.09))[1] for root in self.series}
        # Scalar look-ups index array.array: it returns Python floats, numpy scalars are slow.
        self._scalar = {root: array("d", s.tobytes()) for root, s in self.series.items()}

    def bid(self, root: str, t: np.ndarray) -> np.ndarray:
        """Bid at many times (linear between grid points)."""
        x = (np.asarray(t, dtype=np.float64) - self.t0) / self.STEP
        i = np.clip(x.astype(np.int64), 0, self.n - 2)
        f = np.clip(x - i, 0.0, 1.0)
        s = self.series[root]
        return s[i] * (1.0 - f) + s[i + 1] * f

    def bid1(self, root: str, t: int) -> float:
        """Bid at one time."""
        x = (t - self.t0) / self.STEP
        i = min(max(int(x), 0), self.n - 2)
        f = min(max(x - i, 0.0), 1.0)
        s = self._scalar[root]
        return s[i] * (1.0 - f) + s[i + 1] * f

    def usd_rate(self, inst: Instrument, t: int, price: float) -> float:
        """Quote currency -> USD at ``t``; USD-base pairs convert at their own ``price``."""
        quote = inst.quote
        if quote == "USD":
            return 1.0
        if inst.root.startswith("USD"):
            return 1.0 / price
        if quote == "JPY":
            return 1.0 / round(self.bid1("USDJPY", t), 3)
        if quote == "CHF":
            return 1.0 / round(self.bid1("USDCHF", t), 5)
        if quote == "CAD":
            return 1.0 / round(self.bid1("USDCAD", t), 5)
        if quote == "GBP":
            return round(self.bid1("GBPUSD", t), 5)
        raise ValueError(f"no conversion for {quote}")


# --------------------------------------------------------------------------------------
# Simulated history
# --------------------------------------------------------------------------------------


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


def _cents(x: float) -> int:
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


def _epoch(d: date | datetime) -> int:
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
    t0 = _epoch(start_d)
    t_end = _epoch(_add_months(start_d, months))
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
        result = _cents(side * (b.open_price - a.open_price) * inst.contract * lot / 100 * rate)
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
    return _cents(pos.side * (price - pos.open_price) * inst.contract * lots / 100 * rate)


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
            share = _cents(acc / 100 * leg.lots / remaining)
            leg.swap, acc, remaining = share, acc - share, remaining - leg.lots
            leg = next(legs, None)
        usd = book.usd_rate(inst, m, book.bid1(inst.root, m))
        acc += _cents(rate * inst.contract * remaining / 100 * usd * nights)
    while leg is not None:
        if leg is pos.legs[-1]:
            leg.swap = acc
        else:
            share = _cents(acc / 100 * leg.lots / remaining)
            leg.swap, acc, remaining = share, acc - share, remaining - leg.lots
        leg = next(legs, None)
    if not pos.legs:
        pos.float_swap = acc


def _commissions(positions: list[Position], open_positions: list[Position], platform: str) -> None:
    """$X round turn per lot: MT4 on the row (split over partial rows), MT5 half per deal."""
    for pos in positions + open_positions:
        rt = pos.inst.commission
        if platform == "mt4":
            total = -_cents(rt * pos.lots / 100)
            pos.open_commission = total
            left = total
            for j, leg in enumerate(pos.legs):
                share = left if j == len(pos.legs) - 1 else -_cents(-total * leg.lots / pos.lots / 100)
                leg.commission, left = share, left - share
        else:
            pos.open_commission = -_cents(rt / 2 * pos.lots / 100)
            for leg in pos.legs:
                leg.commission = -_cents(rt / 2 * leg.lots / 100)


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
        t = _skip_weekend(_epoch(date(ny, nm, 3)) + 10 * 3600 + int(rng.integers(0, 3600)), 36000)
        amount = _cents(3.00 * lots / 100)
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


# --------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------


def _ts(t: int) -> str:
    return time.strftime("%Y.%m.%d %H:%M:%S", time.gmtime(t))


def _money(c: int) -> str:
    """Cents -> '1 234.56' (space thousands separator, as MetaTrader prints)."""
    units = f"{abs(c) // 100:,}".replace(",", " ")
    return f"{'-' if c < 0 else ''}{units}.{abs(c) % 100:02d}"


def _lots2(lots: int) -> str:
    return f"{lots // 100}.{lots % 100:02d}"


def _vol(lots: int) -> str:
    """MT5 volume without padding: 4, 0.1, 0.01, 1.5."""
    if lots % 100 == 0:
        return str(lots // 100)
    if lots % 10 == 0:
        return f"{lots // 100}.{lots % 100 // 10}"
    return f"{lots // 100}.{lots % 100:02d}"


def _price(p: float, digits: int) -> str:
    return f"{p:.{digits}f}"


def _pct(x: float) -> str:
    return f"{x:.2f}%"


def _num(x: float) -> str:
    """Decimal with space thousands separators: -1 324.00."""
    return f"{x:,.2f}".replace(",", " ")


# --------------------------------------------------------------------------------------
# Statistics (MT4 Details / MT5 Results)
# --------------------------------------------------------------------------------------


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


def _stats(nets: list[int], shorts: list[bool]) -> TradeStats:
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


def _drawdowns(curve: Iterable[int], initial: int) -> tuple[int, int, float, float, int]:
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


def _pct_of(part: int, whole: int) -> float:
    return part / whole * 100 if whole else 0.0


def _margin(h: History) -> int:
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
    return _cents(total)


# --------------------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------------------


@dataclass
class Manifest:
    """The true figures of a generated file, for tests and benchmarks."""

    format: str
    path: str
    seed: int
    login: str
    currency: str
    report_time: str
    trades: int  # closed trades as the importer's trades frame counts them
    positions: int  # closed positions (round trips)
    partial_trades: int  # trades-frame rows that belong to a partial close (MT4 chain rows, MT5 positions)
    partial_closes: int  # partial closing events (extra MT4 rows, extra MT5 out deals)
    close_by: int  # positions closed by an opposite one (MT5)
    sl_closes: int
    tp_closes: int
    open_positions: int
    cancelled_orders: int
    working_orders: int
    deposits: int
    withdrawals: int
    rebates: int
    cash_events: int
    deposit_total: float
    withdrawal_total: float
    rebate_total: float
    profit: float  # sums over the closed trades
    commission: float
    swap: float
    taxes: float
    open_commission: float  # MT5: in-deal commission of still-open positions (in the balance)
    balance: float
    total_net_profit: float  # as the report prints it
    deals: int  # MT5 deal rows (0 for MT4)
    orders: int  # MT5 order rows (0 for MT4)
    symbols: list[str] = field(default_factory=list)
    contracts: dict[str, float] = field(default_factory=dict)
    rows_by_kind: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _manifest(h: History, fmt: str, path: str, seed: int, extra: dict[str, Any]) -> Manifest:
    mt4 = h.platform == "mt4"
    closed_legs = [leg for pos in h.positions for leg in pos.legs]
    partial_positions = [pos for pos in h.positions if len(pos.legs) > 1]
    kinds = [c.kind for c in h.cash]
    if mt4:
        trades = len(closed_legs)
        commission = sum(leg.commission for leg in closed_legs)
        partial_trades = sum(len(pos.legs) for pos in partial_positions)
    else:
        trades = len(h.positions)
        commission = sum(pos.open_commission for pos in h.positions) + sum(leg.commission for leg in closed_legs)
        partial_trades = len(partial_positions)
    return Manifest(
        format=fmt,
        path=path,
        seed=seed,
        login=str(h.account.login),
        currency="USD",
        report_time=_ts(h.report_time),
        trades=trades,
        positions=len(h.positions),
        partial_trades=partial_trades,
        partial_closes=sum(len(pos.legs) - 1 for pos in partial_positions),
        close_by=sum(1 for leg in closed_legs if leg.by >= 0),
        sl_closes=sum(1 for leg in closed_legs if leg.reason == "sl"),
        tp_closes=sum(1 for leg in closed_legs if leg.reason == "tp"),
        open_positions=len(h.open_positions),
        cancelled_orders=len(h.cancelled),
        working_orders=len(h.working),
        deposits=kinds.count("deposit"),
        withdrawals=kinds.count("withdrawal"),
        rebates=kinds.count("rebate"),
        cash_events=len(h.cash),
        deposit_total=sum(c.amount for c in h.cash if c.kind == "deposit") / 100,
        withdrawal_total=sum(c.amount for c in h.cash if c.kind == "withdrawal") / 100,
        rebate_total=sum(c.amount for c in h.cash if c.kind == "rebate") / 100,
        profit=sum(leg.profit for leg in closed_legs) / 100,
        commission=commission / 100,
        swap=sum(leg.swap for leg in closed_legs) / 100,
        taxes=0.0,
        open_commission=0.0 if mt4 else sum(pos.open_commission for pos in h.open_positions) / 100,
        balance=extra["balance"] / 100,
        total_net_profit=extra["total_net_profit"] / 100,
        deals=extra.get("deals", 0),
        orders=extra.get("orders", 0),
        symbols=sorted({pos.symbol for pos in h.positions + h.open_positions}),
        contracts={inst.root: inst.contract for inst in h.instruments},
        rows_by_kind=extra.get("rows_by_kind", {}),
    )


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

#: Rows are written to the file in batches of this many.
BATCH = 4096


class _Sink:
    """Collects formatted rows and writes them encoded, in batches, to an open binary file."""

    def __init__(self, f: Any, encoding: str, newline: str = "\n"):
        self.f = f
        self.encoding = encoding
        self.newline = newline
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        if len(self.parts) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            text = "".join(self.parts)
            if self.newline != "\n":
                text = text.replace("\n", self.newline)
            self.f.write(text.encode(self.encoding))
            self.parts.clear()


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
    with open(path, "wb") as f:
        out = _Sink(f, "cp1252")
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
                    f"<tr{bg} align=right><td{title}>{ticket}</td><td{cls} nowrap>{_ts(c.time)}</td><td>balance</td>"
                    f"<td colspan=10 align=left>{html.escape(c.comment)}</td><td class=mspt>{_money(c.amount)}</td></tr>\n"
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
                    f"<tr{bg} align=right><td{title}>{ticket}</td><td{cls} nowrap>{_ts(pos.open_time)}</td>"
                    f"<td>{pos.type}</td><td class=mspt>{_lots2(leg.lots)}</td><td>{pos.symbol}</td>"
                    f"<td {mso}>{_price(pos.open_price, d)}</td><td {mso}>{_price(pos.sl, d)}</td>"
                    f"<td {mso}>{_price(pos.tp, d)}</td><td class=msdate nowrap>{_ts(leg.time)}</td>"
                    f"<td {mso}>{_price(leg.price, d)}</td><td class=mspt>{_money(leg.commission)}</td>"
                    f"<td class=mspt>0.00</td><td class=mspt>{_money(leg.swap)}</td>"
                    f"<td class=mspt>{_money(leg.profit)}</td></tr>\n"
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
                    f'<tr{bg} align=right><td title="cancelled">{ticket}</td><td class=msdate nowrap>{_ts(o.placed)}</td>'
                    f"<td>{o.kind}</td><td class=mspt>{_lots2(o.lots)}</td><td>{o.symbol}</td>"
                    f"<td {mso}>{_price(o.price, d)}</td><td {mso}>{_price(o.sl, d)}</td><td {mso}>{_price(o.tp, d)}</td>"
                    f"<td class=msdate nowrap>{_ts(o.done)}</td><td {mso}>{_price(o.market, d)}</td>"
                    f"<td colspan=4>cancelled</td></tr>\n"
                )
        closed_pl = commission + swap + profit
        out.add(_MT4_SUBTOTAL.format(commission=_money(commission), taxes="0.00", swap=_money(swap), profit=_money(profit)))
        out.add(_MT4_OPEN_HEAD.format(closed_pl=_money(closed_pl)))

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
                f"<tr{bg} align=right><td{title}>{pos.ticket}</td><td{cls} nowrap>{_ts(pos.open_time)}</td>"
                f"<td>{pos.type}</td><td class=mspt>{_lots2(pos.lots)}</td><td>{pos.symbol}</td>"
                f"<td {mso}>{_price(pos.open_price, d)}</td><td {mso}>{_price(pos.sl, d)}</td>"
                f"<td {mso}>{_price(pos.tp, d)}</td><td class=msdate nowrap>&nbsp;</td>"
                f"<td {mso}>{_price(pos.market, d)}</td><td class=mspt>{_money(pos.open_commission)}</td>"
                f"<td class=mspt>0.00</td><td class=mspt>{_money(pos.float_swap)}</td>"
                f"<td class=mspt>{_money(pos.float_profit)}</td></tr>\n"
            )
            o_comm += pos.open_commission
            o_swap += pos.float_swap
            o_profit += pos.float_profit
        floating = o_comm + o_swap + o_profit
        out.add(_MT4_SUBTOTAL.format(commission=_money(o_comm), taxes="0.00", swap=_money(o_swap), profit=_money(o_profit)))
        out.add(_MT4_WORKING_HEAD.format(floating=_money(floating)))
        if not h.working:
            out.add(_MT4_NO_ROWS)
        for n, o in enumerate(h.working):
            bg = " bgcolor=#E0E0E0" if n % 2 else ""
            d = o.inst.digits
            mso = _mso(d)
            out.add(
                f"<tr{bg} align=right><td>{o.ticket}</td><td nowrap>{_ts(o.placed)}</td><td>{o.kind}</td>"
                f"<td class=mspt>{_lots2(o.lots)}</td><td>{o.symbol}</td><td {mso}>{_price(o.price, d)}</td>"
                f"<td {mso}>{_price(o.sl, d)}</td><td {mso}>{_price(o.tp, d)}</td>"
                f"<td class=msdate nowrap>&nbsp;</td><td {mso}>{_price(o.market, d)}</td><td colspan=4></td></tr>\n"
            )

        st = _stats(nets, shorts)
        initial = next((c.amount for c in h.cash), 0)
        dd_abs, dd_max, dd_max_pct, dd_rel_pct, dd_rel = _drawdowns(curve, initial)
        gl = -st.gross_loss
        net_total = st.gross_profit - gl
        margin = _margin(h)
        balance_end = opening + deposit + closed_pl
        equity = balance_end + floating
        out.add(
            _MT4_SUMMARY.format(
                pad="    ",  # MT4 leaves some separator lines indented but empty
                deposit=_money(deposit),
                closed_pl=_money(closed_pl),
                floating=_money(floating),
                margin=_money(margin),
                balance=_money(balance_end),
                equity=_money(equity),
                free=_money(equity - margin),
                gross_profit=_money(st.gross_profit),
                gross_loss=_money(gl),
                net=_money(net_total),
                factor=f"{st.gross_profit / gl:.2f}" if gl else "0.00",
                payoff=_num(net_total / 100 / st.trades) if st.trades else "0.00",
                dd_abs=_money(dd_abs),
                dd_max=f"{_money(dd_max)} ({_pct(dd_max_pct)})",
                dd_rel=f"{_pct(dd_rel_pct)} ({_money(dd_rel)})",
                trades=st.trades,
                short=f"{st.short} ({_pct(_pct_of(st.short_won, st.short))})",
                long=f"{st.long} ({_pct(_pct_of(st.long_won, st.long))})",
                wins=f"{st.wins} ({_pct(_pct_of(st.wins, st.trades))})",
                losses=f"{st.losses} ({_pct(_pct_of(st.losses, st.trades))})",
                largest_win=_money(st.largest_win),
                largest_loss=_money(st.largest_loss),
                avg_win=_num(st.gross_profit / 100 / st.wins) if st.wins else "0.00",
                avg_loss=_num(st.gross_loss / 100 / st.losses) if st.losses else "0.00",
                max_wins=f"{st.max_wins[0]} ({_money(st.max_wins[1])})",
                max_losses=f"{st.max_losses[0]} ({_money(st.max_losses[1])})",
                max_profit=f"{_money(st.max_profit_run[0])} ({st.max_profit_run[1]})",
                max_loss=f"{_money(st.max_loss_run[0])} ({st.max_loss_run[1]})",
                avg_wins=st.avg_win_run,
                avg_losses=st.avg_loss_run,
            )
        )
        out.flush()
    return {
        "balance": balance_end,
        "total_net_profit": net_total,
        "rows_by_kind": {
            "trade": sum(1 for r in rows if r[2] == 1),
            "balance": sum(1 for r in rows if r[2] == 0),
            "cancelled": sum(1 for r in rows if r[2] == 2),
        },
    }


# --------------------------------------------------------------------------------------
# MT5 report content shared by the HTML and XLSX writers
# --------------------------------------------------------------------------------------


@dataclass
class _Mt5Report:
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


def _mt5_report(h: History) -> _Mt5Report:
    positions = sorted(h.positions, key=lambda p: (p.open_time, p.ticket))
    open_positions = sorted(h.open_positions, key=lambda p: (p.open_time, p.ticket))
    orders: list[tuple] = []
    deal_rows: list[tuple] = []  # without the running balance yet
    for pos in positions + open_positions:
        d = pos.inst.digits
        orders.append(
            (pos.placed, pos.ticket, pos.symbol, pos.pending or pos.type, f"{_vol(pos.lots)} / {_vol(pos.lots)}",
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
                        (leg.time, leg.ticket, pos.symbol, "close by", f"{_vol(leg.lots)} / {_vol(leg.lots)}",
                         leg.price, 0.0, 0.0, leg.time, "filled", comment, d)
                    )  # fmt: skip
                direction = "out by"
            else:
                if leg.reason:
                    comment = f"[{leg.reason} {_price(leg.price, d)}]"
                else:
                    comment = pos.comment
                orders.append(
                    (leg.time, leg.ticket, pos.symbol, deal_type, f"{_vol(leg.lots)} / {_vol(leg.lots)}",
                     leg.price, 0.0, 0.0, leg.time, "filled", comment, d)
                )  # fmt: skip
                direction = "out"
            deal_rows.append(
                (leg.time, leg.deal, pos.symbol, deal_type, direction, leg.lots, leg.price, leg.ticket,
                 leg.commission, 0, leg.swap, leg.profit, comment, d)
            )  # fmt: skip
    for o in h.cancelled:
        orders.append(
            (o.placed, o.ticket, o.symbol, o.kind, f"{_vol(o.lots)} / 0", o.price, o.sl, o.tp, o.done, "canceled", "",
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
    st = _stats(nets, shorts)
    initial = next((c.amount for c in h.cash), 0)
    dd = _drawdowns(curve, initial)
    if len(nets) > 1:
        arr = np.array(nets, dtype=float)
        sharpe = float(arr.mean() / arr.std()) if arr.std() else 0.0
    else:
        sharpe = 0.0
    o_swap = sum(p.float_swap for p in open_positions)
    o_profit = sum(p.float_profit for p in open_positions)
    margin = _margin(h)
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
    return _Mt5Report(
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


def _mt5_results(r: _Mt5Report) -> list[tuple[str, Any, str, Any, str, Any]]:
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
         ("text", f"{_money(dd_max)} ({_pct(dd_max_pct)})"), "Balance Drawdown Relative:",
         ("text", f"{_pct(dd_rel_pct)} ({_money(dd_rel)})")),
        ("Total Trades:", ("count", st.trades), "Short Trades (won %):",
         ("text", f"{st.short} ({_pct(_pct_of(st.short_won, st.short))})"), "Long Trades (won %):",
         ("text", f"{st.long} ({_pct(_pct_of(st.long_won, st.long))})")),
        ("", None, "Profit Trades (% of total):", ("text", f"{st.wins} ({_pct(_pct_of(st.wins, st.trades))})"),
         "Loss Trades (% of total):", ("text", f"{st.losses} ({_pct(_pct_of(st.losses, st.trades))})")),
        ("", None, "Largest profit trade:", ("money", st.largest_win), "Largest loss trade:",
         ("money", st.largest_loss)),
        ("", None, "Average profit trade:", ("ratio", st.gross_profit / 100 / st.wins if st.wins else 0.0),
         "Average loss trade:", ("ratio", gl / 100 / st.losses if st.losses else 0.0)),
        ("", None, "Maximum consecutive wins ($):", ("text", f"{st.max_wins[0]} ({_money(st.max_wins[1])})"),
         "Maximum consecutive losses ($):", ("text", f"{st.max_losses[0]} ({_money(st.max_losses[1])})")),
        ("", None, "Maximal consecutive profit (count):",
         ("text", f"{_money(st.max_profit_run[0])} ({st.max_profit_run[1]})"), "Maximal consecutive loss (count):",
         ("text", f"{_money(st.max_loss_run[0])} ({st.max_loss_run[1]})")),
        ("", None, "Average consecutive wins:", ("int", st.avg_win_run), "Average consecutive losses:",
         ("int", st.avg_loss_run)),
    ]  # fmt: skip


def _mt5_account_line(h: History, sep: str) -> str:
    return f"{h.account.login}{sep}(USD,{sep}{h.account.server},{sep}{h.account.account_type},{sep}Hedge)"


def _mt5_date(t: int) -> str:
    return time.strftime("%Y.%m.%d %H:%M", time.gmtime(t))


# --------------------------------------------------------------------------------------
# MT5 Trade History Report (HTML, UTF-16LE, CRLF)
# --------------------------------------------------------------------------------------

_MT5_HEAD = r"""<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
  <head>
    <title>{login}: {name} - Trade History Report</title>
    <meta name="generator" content="client terminal">
    <style type="text/css">
    <!--
    @media screen {{
      td {{ font: 8pt  Tahoma,Arial; }}
      th {{ font: 10pt Tahoma,Arial; }}
    }}
    @media print {{
      td {{ font: 7pt Tahoma,Arial; }}
      th {{ font: 9pt Tahoma,Arial; }}
    }}
    .msdate {{ mso-number-format:"General Date"; }}
    .mspt   {{ mso-number-format:\#\,\#\#0\.00;  }}
    .hidden {{ display: none; }}
    body {{margin:1px;}}
    //-->
    </style>
  </head>
<body>
<div align="center">
    <table cellspacing="1" cellpadding="3" border="0">
        <tr align="center">
            <td colspan="14"><div style="font: 14pt Tahoma"><b>Trade History Report</b><br></div></td>
        </tr>
        <tr align="left">
            <th colspan="4" nowrap align="right" style="width: 220px; height: 20px">Name:</th>
            <th colspan="10" nowrap align="left" style="width: 220px; height: 20px"><b>{name}</b></th>
        </tr>
        <tr align="left">
            <th colspan="4" nowrap align="right" style="width: 220px; height: 20px">Account:</th>
            <th colspan="10" nowrap align="left" style="width: 220px; height: 20px"><b>{account}</b></th>
        </tr>
        <tr align="left">
            <th colspan="4" nowrap align="right" style="width: 220px; height: 20px">Company:</th>
            <th colspan="10" nowrap align="left" style="width: 220px; height: 20px"><b>{company}</b></th>
        </tr>
        <tr align="left">
            <th colspan="4" nowrap align="right" style="width: 220px; height: 20px">Date:</th>
            <th colspan="10" nowrap align="left" style="width: 220px; height: 20px"><b>{date}</b></th>
        </tr>
        <tr>
            <td nowrap style="width: 140px;height: 10px"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 70px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 140px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 100px;"></td>
        </tr>
"""


def _mt5_title(text: str) -> str:
    return (
        '        <tr align="center">\n'
        f'            <th colspan="14" style="height: 25px"><div style="font: 10pt Tahoma"><b>{text}</b></div></th>\n'
        "        </tr>\n"
    )


def _mt5_header(labels: Iterable[str], last: str = "        </tr>\n") -> str:
    cells = []
    for n, label in enumerate(labels):
        hidden = ""
        colspan = ""
        if label.startswith("~"):
            label, hidden = label[1:], ' class="hidden"'
        if "|" in label:
            label, span = label.split("|")
            colspan = f' colspan="{span}"'
        style = ' style="height: 30px"' if n == 0 else ""
        cells.append(f"            <td nowrap{style}{colspan}{hidden}><b>{label}</b></td>\n")
    return '        <tr align="center" bgcolor="#E5F0FC">\n' + "".join(cells) + last


_MT5_SPACER = '        <tr>\n            <td nowrap style="height: 10px"></td>\n        </tr>\n'
_MT5_GAP = '        <tr align="right">\n            <td colspan="13" style="height: 10px"></td>\n        </tr>\n'
_BG = ("#FFFFFF", "#F7F7F7")


def _opt_price(p: float, digits: int) -> str:
    return _price(p, digits) if p else ""


def write_mt5_html(h: History, path: str | Path) -> dict[str, Any]:
    """Write an MT5 Trade History Report as the desktop terminal does (UTF-16LE + BOM, CRLF)."""
    r = _mt5_report(h)
    esc = html.escape
    with open(path, "wb") as f:
        f.write(b"\xff\xfe")
        out = _Sink(f, "utf-16-le", "\r\n")
        out.add(
            _MT5_HEAD.format(
                login=h.account.login,
                name=esc(h.account.name),
                account=_mt5_account_line(h, "&nbsp;"),
                company=esc(h.account.company),
                date=_mt5_date(h.report_time),
            )
        )
        out.add(_mt5_title("Positions"))
        out.add(
            _mt5_header(
                ("Time", "Position", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "Price",
                 "Commission", "Swap", "Profit|2")
            )
        )  # fmt: skip
        out.add("        \n")
        for n, pos in enumerate(r.positions):
            d = pos.inst.digits
            lots = sum(leg.lots for leg in pos.legs)
            close_price = sum(leg.price * leg.lots for leg in pos.legs) / lots
            commission = pos.open_commission + sum(leg.commission for leg in pos.legs)
            out.add(
                f'        <tr bgcolor="{_BG[n % 2]}" align="right">\n'
                f"            <td>{_ts(pos.open_time)}</td>\n"
                f"            <td>{pos.ticket}</td>\n"
                f"            <td>{pos.symbol}</td>\n"
                f"            <td>{pos.type}</td>\n"
                f'            <td class="hidden" colspan="8">{esc(pos.comment)}</td>\n'
                f'            <td class="">{_vol(pos.lots)}</td>\n'
                f'            <td class="">{_price(pos.open_price, d)}</td>\n'
                f'            <td class="">{_opt_price(pos.sl, d)}</td>\n'
                f'            <td class="">{_opt_price(pos.tp, d)}</td>\n'
                f'            <td class="">{_ts(pos.legs[-1].time)}</td>\n'
                f'            <td class="">{_price(close_price, d)}</td>\n'
                f'            <td class="">{_money(commission)}</td>\n'
                f'            <td class="">{_money(sum(leg.swap for leg in pos.legs))}</td>\n'
                f'            <td colspan="2">{_money(sum(leg.profit for leg in pos.legs))}</td>\n'
                "        </tr>\n"
                "        \n"
            )
        out.add(_MT5_SPACER)
        out.add(_mt5_title("Orders"))
        out.add(
            _mt5_header(
                ("Open Time", "Order", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "State|2",
                 "Comment|3")
            )
        )  # fmt: skip
        for n, o in enumerate(r.orders):
            d = o[11]
            out.add(
                f'        <tr bgcolor="{_BG[n % 2]}" align="right"><td>{_ts(o[0])}</td><td>{o[1]}</td><td>{o[2]}</td>'
                f"<td>{o[3]}</td><td>{o[4]}</td><td>{_price(o[5], d)}</td><td>{_opt_price(o[6], d)}</td>"
                f"<td>{_opt_price(o[7], d)}</td><td>{_ts(o[8])}</td><td colspan=\"2\">{o[9]}</td>"
                f'<td colspan="3">{esc(o[10])}</td></tr>\n'
            )
        out.add(_MT5_SPACER)
        out.add(_mt5_title("Deals"))
        out.add(
            _mt5_header(
                ("Time", "Deal", "Symbol", "Type", "Direction", "Volume", "Price", "Order", "~Cost", "Commission",
                 "Fee", "Swap", "Profit", "Balance", "Comment")
            )
        )  # fmt: skip
        for n, dl in enumerate(r.deals):
            d = dl[14]
            trade = dl[3] != "balance"
            out.add(
                f'        <tr bgcolor="{_BG[n % 2]}" align="right"><td nowrap>{_ts(dl[0])}</td><td nowrap>{dl[1]}</td>'
                f"<td nowrap>{dl[2]}</td><td nowrap>{dl[3]}</td><td nowrap>{dl[4]}</td>"
                f"<td nowrap>{_vol(dl[5]) if trade else ''}</td><td nowrap>{_price(dl[6], d) if trade else ''}</td>"
                f"<td nowrap>{dl[7] if trade else ''}</td><td nowrap class=\"hidden\"></td>"
                f"<td nowrap>{_money(dl[8])}</td><td nowrap>{_money(dl[9])}</td><td nowrap>{_money(dl[10])}</td>"
                f"<td nowrap>{_money(dl[11])}</td><td nowrap>{_money(dl[12])}</td><td nowrap>{esc(dl[13])}</td></tr>\n"
            )
        t = r.totals
        out.add(
            '        <tr align="right">\n'
            '            <td nowrap colspan="8" style="height: 30px"></td>\n'
            f"            <td nowrap><b>{_money(t['commission'])}</b></td>\n"
            f"            <td nowrap><b>{_money(t['fee'])}</b></td>\n"
            f"            <td nowrap><b>{_money(t['swap'])}</b></td>\n"
            f"            <td nowrap><b>{_money(t['profit'])}</b></td>\n"
            f"            <td nowrap><b>{_money(t['balance'])}</b></td>\n"
            "            <td nowrap></td>\n"
            "        </tr>\n"
        )
        s = r.summary
        if r.open_positions:
            out.add(_mt5_title("Open Positions"))
            out.add(
                _mt5_header(
                    ("Time", "Position", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Market Price",
                     "Swap", "Profit", "Comment|3"),
                    last="        </tr> \n",
                )
            )  # fmt: skip
            for n, pos in enumerate(r.open_positions):
                d = pos.inst.digits
                end = " \n" if n == len(r.open_positions) - 1 else "\n"
                out.add(
                    f'        <tr bgcolor="{_BG[n % 2]}" align="right"><td>{_ts(pos.open_time)}</td><td>{pos.ticket}</td>'
                    f"<td>{pos.symbol}</td><td>{pos.type}</td><td>{_vol(pos.lots)}</td>"
                    f"<td>{_price(pos.open_price, d)}</td><td>{_opt_price(pos.sl, d)}</td><td>{_opt_price(pos.tp, d)}</td>"
                    f"<td>{_price(pos.market, d)}</td><td>{_money(pos.float_swap)}</td>"
                    f'<td>{_money(pos.float_profit)}</td><td colspan="3">{esc(pos.comment)}</td></tr>{end}'
                )
            out.add(
                '        <tr align="right">\n'
                '            <td colspan="9" style="height: 30px"></td>\n'
                f"            <td nowrap><b>{_money(s['open_swap'])}</b></td>\n"
                f"            <td nowrap><b>{_money(s['open_profit'])}</b></td>\n"
                "            <td></td>\n"
                "        </tr>  \n"
            )
        out.add(_MT5_GAP)
        for left, lv, right, rv in (
            ("Balance:", _money(s["balance"]), "Free Margin:", _money(s["free"])),
            ("Credit Facility:", "0.00", "Margin:", _money(s["margin"])),
            ("Floating P/L:", _money(s["floating"]), "Margin Level:", _pct(s["level"])),
            ("Equity:", _money(s["equity"]), "", ""),
        ):
            row = (
                '        <tr align="right">\n'
                f'            <td colspan="3" style="height: 20px">{left}</td>\n'
                f'            <td colspan="2"><b>{lv}</b></td>\n'
            )
            if right:
                row += (
                    "            <td></td>\n"
                    f'            <td colspan="3">{right}</td>\n'
                    f'            <td colspan="2"><b>{rv}</b></td>\n'
                )
            out.add(row + "        </tr>\n")
        out.add(_MT5_GAP)
        out.add(
            '        <tr align="center">\n'
            f'            <th colspan="13"><img src="ReportHistory-{h.account.login}.png" title="Balance graph" '
            'width=820 height=200 border=0 alt="Graph"></th>\n'
            "        </tr>\n"
            "        <tr>\n"
            '            <td colspan="13" align="center"><div style="font: 10pt Tahoma"><b>Results</b></div></td>\n'
            "        </tr>\n"
        )
        for n, row in enumerate(_mt5_results(r)):
            if n in (3, 5):
                out.add(_MT5_SPACER)
            out.add(_mt5_results_row(row))
        out.add(_MT5_SPACER + "    </table>\n</div>\n</body>\n</html>")
        out.flush()
    return {
        "balance": r.totals["balance"],
        "total_net_profit": r.total_net_profit,
        "deals": len(r.deals),
        "orders": len(r.orders),
        "rows_by_kind": {"positions": len(r.positions), "orders": len(r.orders), "deals": len(r.deals)},
    }


def _fmt_value(v: tuple[str, Any]) -> str:
    kind, x = v
    if kind == "money":
        return _money(x)
    if kind == "ratio":
        return _num(x)
    return str(x)


def _mt5_results_row(row: tuple) -> str:
    l1, v1, l2, v2, l3, v3 = row
    cells = []
    if l1:
        cells.append(f'            <td nowrap colspan="3">{l1}</td>\n')
        if v1 is not None:
            cells.append(f"            <td nowrap><b>{_fmt_value(v1)}</b></td>\n")
    else:
        cells.append('            <td nowrap colspan="4"></td>\n')
    if l2:
        cells.append(f'            <td nowrap colspan="3">{l2}</td>\n')
        cells.append(f"            <td nowrap><b>{_fmt_value(v2)}</b></td>\n")
    if l3:
        cells.append(f'            <td nowrap colspan="3">{l3}</td>\n')
        cells.append(f'            <td nowrap colspan="2"><b>{_fmt_value(v3)}</b></td>\n')
    return '        <tr align="right">\n' + "".join(cells) + "        </tr>\n"


# --------------------------------------------------------------------------------------
# MT5 Trade History Report (XLSX)
# --------------------------------------------------------------------------------------

#: Formula cells whose cached value we write too, keyed by id(worksheet) -> coordinate.
_CACHED: dict[int, dict[str, float]] = {}


def _install_cached_formulas() -> None:
    """Let openpyxl write a cached value with a formula, as Excel and MetaTrader do.

    MetaTrader's XLSX has ``=SUM(...)`` totals *with* their values; openpyxl writes
    formulas without one, so readers that open the file with ``data_only=True`` would
    see nothing. The wrapper only acts on cells registered in ``_CACHED``.
    """
    from openpyxl.worksheet import _writer as ws_writer

    original = ws_writer.write_cell
    if getattr(original, "_fxcost", False):
        return
    from openpyxl.xml.functions import Element, SubElement

    def write_cell(xf: Any, worksheet: Any, cell: Any, styled: bool | None = None) -> None:
        cached = _CACHED.get(id(worksheet))
        if cached and cell.data_type == "f" and cell.coordinate in cached:
            attrs = {"r": cell.coordinate}
            if styled:
                attrs["s"] = f"{cell.style_id}"
            el = Element("c", attrs)
            SubElement(el, "f").text = cell._value[1:]
            SubElement(el, "v").text = repr(float(cached[cell.coordinate]))
            xf.write(el)
            return
        original(xf, worksheet, cell, styled)

    write_cell._fxcost = True  # type: ignore[attr-defined]
    ws_writer.write_cell = write_cell


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile that stamps every member with one fixed time, so output is reproducible."""

    def __init__(self, *args: Any, date_time: tuple[int, int, int, int, int, int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._date_time = date_time

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self._date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # Stream the (possibly large) worksheet temp file instead of reading it whole.
        with open(filename, "rb") as src, self.open(self._info(arcname or str(filename)), "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def write_mt5_xlsx(h: History, path: str | Path) -> dict[str, Any]:
    """Write the MT5 Trade History Report as XLSX: one sheet, sections stacked (FORMATS.md 4)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.writer.excel import ExcelWriter

    _install_cached_formulas()
    r = _mt5_report(h)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    cached: dict[str, float] = {}
    _CACHED[id(ws)] = cached
    for col, width in zip("ABCDEFGHIJKLMNO", (18, 10, 10, 10, 10, 10, 10, 10, 18, 10, 10, 10, 10, 10, 1)):
        ws.column_dimensions[col].width = width

    money_fmt = "# ##0.00;-# ##0.00;0.00;"
    count_fmt = "# ##0;-# ##0;0;"
    right = Alignment(horizontal="right")
    fills = (PatternFill("solid", fgColor="FFF7F7F7"), PatternFill("solid", fgColor="FFFFFFFF"))
    header_fill = PatternFill("solid", fgColor="FFE5F0FC")
    bold = Font(name="Tahoma", sz=10, b=True)
    plain = Font(name="Tahoma", sz=10)

    # Styles are shared through template cells: building a style per cell is what makes
    # openpyxl slow, copying a finished StyleArray is cheap.
    templates: dict[tuple, Any] = {}

    def styled(value: Any, fmt: str = "General", fill: int = -1, font: Any = plain, align: Any = right) -> Any:
        key = (fmt, fill, id(font), id(align))
        tpl = templates.get(key)
        if tpl is None:
            tpl = WriteOnlyCell(ws)
            tpl.font = font
            tpl.number_format = fmt
            if align is not None:
                tpl.alignment = align
            if fill == 2:
                tpl.fill = header_fill
            elif fill >= 0:
                tpl.fill = fills[fill]
            templates[key] = tpl
        cell = WriteOnlyCell(ws, value)
        cell._style = copy.copy(tpl._style)
        return cell

    row_no = 0

    def append(cells: list[Any]) -> None:
        nonlocal row_no
        ws.append(cells)
        row_no += 1

    def merge(ref: str) -> None:
        ws.merged_cells.add(ref)

    def title(text: str, size: int = 10) -> None:
        append([styled(text, font=Font(name="Tahoma", sz=size, b=True), align=Alignment(horizontal="center"))])
        merge(f"A{row_no}:O{row_no}")

    def header(labels: list[str | None]) -> None:
        append([styled(x, fill=2, font=bold) if x is not None else None for x in labels])

    title("Trade History Report", 14)
    for label, value in (
        ("Name:", h.account.name),
        ("Account:", _mt5_account_line(h, " ")),
        ("Company:", h.account.company),
        ("Date:", _mt5_date(h.report_time)),
    ):
        append([styled(label, font=bold), None, None, styled(value, font=bold, align=Alignment(horizontal="left"))])
        merge(f"A{row_no}:C{row_no}")
        merge(f"D{row_no}:O{row_no}")

    title("Positions")
    header(["Time", "Position", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "Price", "Commission", "Swap", "Profit"])  # noqa: E501
    # Data rows are plain values: a styled cell costs openpyxl about twice as much, and
    # readers want values, not the number formats (FORMATS.md 4 lists what is typed how).
    for pos in r.positions:
        d = pos.inst.digits
        lots = sum(leg.lots for leg in pos.legs)
        append([
            _ts(pos.open_time), pos.ticket, pos.symbol, pos.type, _vol(pos.lots), pos.open_price, pos.sl or None,
            pos.tp or None, _ts(pos.legs[-1].time), round(sum(leg.price * leg.lots for leg in pos.legs) / lots, d),
            (pos.open_commission + sum(leg.commission for leg in pos.legs)) / 100,
            sum(leg.swap for leg in pos.legs) / 100, sum(leg.profit for leg in pos.legs) / 100,
        ])  # fmt: skip

    title("Orders")
    first_orders = row_no + 1
    header(["Open Time", "Order", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "State", None, "Comment"])
    merge(f"J{first_orders}:K{first_orders}")
    merge(f"L{first_orders}:O{first_orders}")
    for o in r.orders:
        append([
            _ts(o[0]), o[1], o[2], o[3], o[4], o[5], o[6] or None, o[7] or None, _ts(o[8]), o[9], None, o[10] or None,
        ])  # fmt: skip

    title("Deals")
    header(["Time", "Deal", "Symbol", "Type", "Direction", "Volume", "Price", "Order", "Commission", "Fee", "Swap", "Profit", "Balance", "Comment"])  # noqa: E501
    first_deal = row_no + 1
    for dl in r.deals:
        if dl[3] == "balance":
            append([_ts(dl[0]), dl[1], None, "balance", None, None, None, None, 0, 0, 0, dl[11] / 100, dl[12] / 100, dl[13] or None])
        else:
            append([
                _ts(dl[0]), dl[1], dl[2], dl[3], dl[4], _vol(dl[5]), dl[6], dl[7], dl[8] / 100, dl[9] / 100,
                dl[10] / 100, dl[11] / 100, dl[12] / 100, dl[13] or None,
            ])  # fmt: skip
    last_deal = row_no
    t = r.totals
    total_row = row_no + 1
    # MetaTrader writes SUM formulas (with their values) for commission, fee and swap,
    # and plain numbers for profit and balance.
    for col, key in (("I", "commission"), ("J", "fee"), ("K", "swap")):
        cached[f"{col}{total_row}"] = t[key] / 100
    append(
        [None] * 8
        + [styled(f"=SUM(Sheet1!{col}{first_deal}:{col}{last_deal})", money_fmt, font=bold) for col in "IJK"]
        + [styled(t["profit"] / 100, money_fmt, font=bold), styled(t["balance"] / 100, money_fmt, font=bold)]
    )
    merge(f"A{total_row}:H{total_row}")

    s = r.summary
    if r.open_positions:
        title("Open Positions")
        header(["Time", "Position", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Market Price", "Swap", None, "Profit", "Comment"])  # noqa: E501
        first_open = row_no + 1
        for pos in r.open_positions:
            append([
                _ts(pos.open_time), pos.ticket, pos.symbol, pos.type, _vol(pos.lots), pos.open_price, pos.sl or None,
                pos.tp or None, pos.market, pos.float_swap / 100, None, pos.float_profit / 100, pos.comment or None,
            ])  # fmt: skip
        last_open = row_no
        sums_row = row_no + 1
        # The real reports sum column K (empty) under Swap: a MetaTrader quirk kept as is.
        cached[f"K{sums_row}"] = 0.0
        cached[f"L{sums_row}"] = s["open_profit"] / 100
        append(
            [None] * 10
            + [styled(f"=SUM(Sheet1!{col}{first_open}:{col}{last_open})", money_fmt, font=bold) for col in "KL"]
        )
        merge(f"A{sums_row}:J{sums_row}")

    for left, lv, right_label, rv, fmt in (
        ("Balance:", s["balance"] / 100, "Free Margin:", s["free"] / 100, money_fmt),
        ("Credit Facility:", 0.0, "Margin:", s["margin"] / 100, money_fmt),
        ("Floating P/L:", s["floating"] / 100, "Margin Level:", s["level"], "# ##0.00%;-# ##0.00%;0.00%;"),
        ("Equity:", s["equity"] / 100, None, None, money_fmt),
    ):
        cells = [styled(left), None, None, styled(lv, money_fmt, font=bold)]
        if right_label:
            cells += [None, None, styled(right_label), None, None, styled(rv, fmt, font=bold)]
        append(cells)
        merge(f"A{row_no}:C{row_no}")
        merge(f"D{row_no}:E{row_no}")
        if right_label:
            merge(f"G{row_no}:I{row_no}")
            merge(f"J{row_no}:K{row_no}")
    for _ in range(20):  # room for the balance graph
        append([])

    title("Results")
    for row in _mt5_results(r):
        l1, v1, l2, v2, l3, v3 = row
        cells: list[Any] = [None] * 12
        if l1:
            cells[0] = styled(l1)
            if v1 is not None:
                cells[3] = _xlsx_value(styled, v1, money_fmt, count_fmt)
        if l2:
            cells[4] = styled(l2)
            cells[7] = _xlsx_value(styled, v2, money_fmt, count_fmt)
        if l3:
            cells[8] = styled(l3)
            cells[11] = _xlsx_value(styled, v3, money_fmt, count_fmt)
        append(cells)
        if l1:
            merge(f"A{row_no}:C{row_no}")
        if l2:
            merge(f"E{row_no}:G{row_no}")
        if l3:
            merge(f"I{row_no}:K{row_no}")
            merge(f"L{row_no}:N{row_no}")

    stamp = time.gmtime(h.report_time)
    wb.properties.creator = "MetaQuotes Ltd."
    wb.properties.created = wb.properties.modified = datetime(*stamp[:6])
    try:
        archive = _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, date_time=tuple(stamp[:6]))
        ExcelWriter(wb, archive).save()
        # openpyxl's save_workbook() stamps "modified" with the clock; writing through
        # ExcelWriter directly keeps the fixed time, so the bytes depend on the seed only.
    finally:
        _CACHED.pop(id(ws), None)
    return {
        "balance": r.totals["balance"],
        "total_net_profit": r.total_net_profit,
        "deals": len(r.deals),
        "orders": len(r.orders),
        "rows_by_kind": {"positions": len(r.positions), "orders": len(r.orders), "deals": len(r.deals)},
    }


def _xlsx_value(styled: Callable[..., Any], v: tuple[str, Any], money_fmt: str, count_fmt: str) -> Any:
    kind, x = v
    if kind == "money":
        return styled(x / 100, money_fmt)
    if kind == "ratio":
        return styled(round(x, 6), money_fmt)
    if kind == "count":
        return styled(float(x), count_fmt)
    if kind == "int":
        return styled(int(x), count_fmt)
    return styled(x)


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------


def generate(
    path: str | Path,
    fmt: str = "mt4",
    trades: int = 1000,
    seed: int = 0,
    *,
    months: int | None = None,
    start: str | date = "2024-01-02",
    suffix: str = "",
) -> Manifest:
    """Simulate a history and write it in ``fmt`` (one of :data:`FORMATS`) to ``path``."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    platform = "mt4" if fmt == "mt4" else "mt5"
    h = simulate(trades, seed, platform, months=months, start=start, suffix=suffix)
    writer = {"mt4": write_mt4, "mt5-html": write_mt5_html, "mt5-xlsx": write_mt5_xlsx}[fmt]
    extra = writer(h, path)
    return _manifest(h, fmt, str(path), seed, extra)


def bundled_sample(path: str | Path) -> Manifest:
    """Write the app's embedded sample: an MT4 DetailedStatement of ~14 months, ~1,500 trades."""
    b = BUNDLED
    return generate(path, b["fmt"], b["trades"], b["seed"], months=b["months"], start=b["start"], suffix=b["suffix"])


# --------------------------------------------------------------------------------------
# Variants seen in the wild (FORMATS.md 6b, issue 11)
# --------------------------------------------------------------------------------------

#: MT4 statement variants: a broker's Japanese server template (Shift-JIS, headings, labels and columns
#: translated, an unfilled <!--CLOSED_Commission--> cell, no Working Orders section, legal text after the report),
#: an old build (lots column "Volume", comment rows under tickets), a recent build (no meta generator, a literal
#: <!--LEVERAGE-->, an "Archived orders" roll-up first), a statement of part of the history (an opening balance in
#: its Balance, never printed), OANDA's cash rows (Financing = swap, ADJUSTMENT funding) with transfers, and a
#: Swissquote-style deposit titled "UT>CAC ..." (a ">" inside a quoted attribute).
MT4_VARIANTS = ("ja-template", "old-volume", "recent-build", "sub-period", "oanda-financing", "attr-gt")

#: Translated labels of the Japanese template; anything else is numbered (the reader never reads them).
_JA = {
    "Closed Transactions:": "決済情報:", "Open Trades:": "オープンポジション情報:", "Summary:": "レポート概要:",
    "Details:": "レポート詳細:", "Closed P/L:": "損益計:", "Floating P/L:": "評価損益:",
    "Deposit/Withdrawal:": "入出金:", "Credit Facility:": "クレジット:", "Closed Trade P/L:": "決済損益:",
    "Margin:": "必要証拠金:", "Balance:": "口座残高:", "Equity:": "有効証拠金:", "Free Margin:": "余剰証拠金:",
    "Gross Profit:": "総利益:", "Gross Loss:": "総損失:", "Total Net Profit:": "純損益:",
    "Total Trades:": "総取引数:",
}
_JA_COLUMNS = ("チケット", "約定日時", "売買", "数量", "通貨ペア", "約定価格", "決済逆指値", "決済指値",
               "決済日時", "決済価格", "手数料", "税金", "スワップ", "損益")
_JA_HEADER = ("口座番号", "名前", "通貨", "レバレッジ")


#: The account holder and the expert of the Japanese template's trade comments.
JA_NAME = "山田 太郎"
JA_EXPERT = "移動平均クロスEA"


def _ja_template(text: str) -> str:
    text = text.replace("<title>Statement:", "<title>取引報告書:")
    text = re.sub(r'\s*<meta name="generator"[^>]*>', "", text)
    for en, ja in zip(("Account", "Name", "Currency", "Leverage"), _JA_HEADER):
        text = text.replace(f"<b>{en}: ", f"<b>{ja}: ")
    # A Japanese account holder and expert name: in Shift-JIS they also decode as GBK, into the wrong characters.
    text = re.sub(r"<b>名前: [^<]*", f"<b>名前: {JA_NAME}", text)
    text = text.replace("MA Cross EA", JA_EXPERT)
    # No Working Orders section in this template: its heading, column header and rows go.
    text = re.sub(r"<tr align=left><td colspan=14><b>Working Orders:</b>.*?(?=\n\n<tr><td colspan=14 style)", "",
                  text, flags=re.DOTALL)
    n = iter(range(1, 1000))
    text = re.sub(r"<b>([^<>]*?:)</b>", lambda m: f"<b>{_JA.get(m.group(1), f'項目{next(n)}:')}</b>", text)
    header = re.compile(r"(<tr align=center bgcolor=\"#C0C0C0\">\s*)(.*?)(</tr>)", re.DOTALL)

    def columns(m: re.Match[str]) -> str:
        cells = iter(_JA_COLUMNS)
        return m.group(1) + re.sub(r">([^<>]*)</td>", lambda c: f">{next(cells, '')}</td>", m.group(2)) + m.group(3)

    text = header.sub(columns, text)
    # The closed subtotal's commission cell holds the template's unfilled placeholder.
    text = re.sub(r"(<td colspan=10>&nbsp;</td>\s*<td class=mspt>)[^<]*(</td>)", r"\1<!--CLOSED_Commission-->\2",
                  text, count=1)
    legal = ("<p>本報告書は情報提供のみを目的としています。</p>\n<table><tr><td colspan=2>"
             "お取引に関するお問い合わせは営業日にお願いします。</td></tr></table>\n")
    return text.replace("</div></body></html>", legal + "</div></body></html>")


def mt4_variant(path: str | Path, variant: str, trades: int = 60, seed: int = 11) -> dict[str, Any]:
    """Write one of :data:`MT4_VARIANTS` and return what it holds: the written totals (cents) plus the cash the
    reader must find (``cash_by_kind`` in cents, ``opening`` = the unprinted opening balance in cents)."""
    if variant not in MT4_VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(MT4_VARIANTS)}, not {variant!r}")
    h = simulate(trades, seed, "mt4", months=3)
    opening = 0
    kinds: dict[str, int] = {}
    span = h.report_time - h.start
    if variant == "sub-period":
        # The statement starts at mid-history: earlier rows are gone, their money is in the Balance.
        cut = h.start + span // 2
        gone = [p for p in h.positions if p.legs[-1].time < cut]
        h.positions = [p for p in h.positions if p.legs[-1].time >= cut]
        opening = sum(c.amount for c in h.cash if c.time < cut)
        opening += sum(leg.commission + leg.swap + leg.profit for p in gone for leg in p.legs)
        h.cash = [c for c in h.cash if c.time >= cut]
        h.cancelled = [o for o in h.cancelled if o.done >= cut]
    elif variant == "recent-build":
        first = h.cash[0]
        first.comment, first.kind = "Archived orders", "archived"
    elif variant == "oanda-financing":
        for c in h.cash:
            if c.kind == "deposit":
                c.comment, c.kind = "ADJUSTMENT", "adjustment"
        t0 = h.cash[0].time
        for k in range(1, 9):
            h.cash.append(CashEvent(t0 + k * 7 * DAY + 3600, -137 * k, "Financing", "financing", h.cash[0].ticket + k))
        h.cash.append(CashEvent(t0 + 20 * DAY, 25_000, "IT From 8072790 27787244", "transfer_in", h.cash[0].ticket + 40))
        h.cash.append(CashEvent(t0 + 30 * DAY, -10_000, "IntrTo 4556 1", "transfer_out", h.cash[0].ticket + 41))
    elif variant == "attr-gt":
        h.cash.append(CashEvent(h.cash[0].time + 5 * DAY, 1_500_000, "UT>CAC 857064138", "deposit",
                                h.cash[0].ticket + 50))
    h.cash.sort(key=lambda c: c.time)
    for c in h.cash:
        kind = {"rebate": "rebate"}.get(c.kind, c.kind)
        if kind == "deposit" and c.amount < 0:
            kind = "withdrawal"
        kinds[kind] = kinds.get(kind, 0) + c.amount
    out = write_mt4(h, path, opening=opening)
    text = Path(path).read_text("cp1252")
    encoding = "cp1252"
    if variant == "ja-template":
        text, encoding = _ja_template(text), "cp932"
    elif variant == "old-volume":
        text = text.replace("<td>Size</td>", "<td>Volume</td>")
        # Old builds print a trade's comment again in a row of its own under it.
        text = re.sub(r'(<tr[^>]*><td title="([^"]*\\[(?:sl|tp)\\])">.*?</tr>\n)',
                      lambda m: m.group(1) + f"<tr align=right><td colspan=10>&nbsp;</td><td colspan=4>"
                                                f"{m.group(2)}</td></tr>\n", text)
    elif variant == "recent-build":
        text = re.sub(r'\s*<meta name="generator"[^>]*>', "", text)
        text = re.sub(r"<b>Leverage: 1:\d+</b>", "<b>Leverage: <!--LEVERAGE--></b>", text)
    elif variant == "attr-gt":
        text = text.replace("UT&gt;CAC", "UT>CAC")  # written raw, as the real file does
    Path(path).write_bytes(text.encode(encoding))
    return {**out, "cash_by_kind": kinds, "opening": opening, "rebates": sum(c.amount for c in h.cash
                                                                               if c.kind == "rebate")}


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
        cells = [_ts(dl["time"]), str(dl["order"]), dl["symbol"], dl["type"], _lots2(dl["volume"]),
                 f"{dl['price']:.5f}", "", "", _ts(shut), f"{price:.5f}", _money(comm), _money(0), _money(profit)]
        out.append(f'   <tr bgcolor="{_BG[n % 2]}" align="right">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>\n")
    return out


def mt5_variant(path: str | Path, variant: str, seed: int = 7) -> dict[str, Any]:
    """Write one of :data:`MT5_VARIANTS` (HTML, UTF-16LE) and return what it holds: ``trades`` (closed trades as
    fxcost counts them), ``closing_deals`` (MetaTrader's Total Trades), ``net`` (closed P/L, cents),
    ``cash_by_kind`` (cents), ``balance`` and ``equity`` (cents)."""
    if variant not in MT5_VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(MT5_VARIANTS)}, not {variant!r}")
    rng = np.random.default_rng(seed)
    t = _epoch(date(2016, 8, 1)) + 9 * 3600
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
            comm = -_cents(7.0 * lots / 100)
            profit = 0
            if direction in ("out", "in/out"):
                closing = min(lots, pos_lots)
                sign = 1 if pos_side == "buy" else -1
                profit = _cents(sign * (price - pos_price) * 100_000 * closing / 100)
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
            profit = _cents(sign * (p_out - p_in) * 100_000 * lots / 100)
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
        cells = [_ts(dl["time"]), str(dl["deal"]), dl["symbol"], dl["type"], dl["direction"],
                 _lots2(dl["volume"]) if trade else "", f"{dl['price']:.5f}" if trade else "",
                 str(dl["order"]) if trade else "", _money(dl["commission"]), _money(dl["swap"]),
                 _money(dl["profit"]), _money(balance), html.escape(dl["comment"])]
        bg = _BG[n % 2]
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
                                date=_mt5_date(t + 600))]
    if variant == "netting-positions":
        out += _folded_positions(trade_deals)
    out.append(_mt5_old_section("Orders", [("Open Time", 1), ("Order", 1), ("Symbol", 1), ("Type", 1),
                                           ("Volume", 2), ("Price", 1), ("S / L", 1), ("T / P", 1), ("Time", 2),
                                           ("State", 1), ("Comment", 1)]))
    for n, dl in enumerate(trade_deals):
        out.append(f'   <tr bgcolor="{_BG[n % 2]}" align="right"><td>{_ts(dl["time"])}</td><td>{dl["order"]}</td>'
                   f'<td>{dl["symbol"]}</td><td>{dl["type"]}</td><td colspan="2">{_lots2(dl["volume"])} / '
                   f'{_lots2(dl["volume"])}</td><td>{dl["price"]:.5f}</td><td></td><td></td>'
                   f'<td colspan="2">{_ts(dl["time"])}</td><td>filled</td><td></td></tr>\n')
    out.append(_mt5_old_section("Deals", [(x, 1) for x in ("Time", "Deal", "Symbol", "Type", "Direction", "Volume",
                                                          "Price", "Order", "Commission", "Swap", "Profit",
                                                          "Balance", "Comment")]))
    out += rows
    out.append(f'   <tr align="right"><td nowrap colspan="8" style="height: 30px"></td><td nowrap><b>{_money(t_comm)}'
               f"</b></td><td nowrap><b>{_money(t_swap)}</b></td><td nowrap><b>{_money(t_profit)}</b></td>"
               f"<td nowrap><b>{_money(balance)}</b></td><td nowrap></td></tr>\n")
    out.append(_mt5_old_section("Trade Positions", [("Time", 1), ("Position", 1), ("Symbol", 1), ("Type", 1),
                                                    ("Volume", 1), ("Price", 1), ("S / L", 1), ("T / P", 1),
                                                    ("Market Price", 1), ("Swap", 1), ("Profit", 1), ("Comment", 2)]))
    if open_row:
        ot, oid, op, market, fl = open_row
        out.append(f'   <tr bgcolor="#FFFFFF" align="right"><td>{_ts(ot)}</td><td>{oid}</td><td>EURUSD</td>'
                   f"<td>buy</td><td>1.00</td><td>{op:.5f}</td><td></td><td></td><td>{market:.5f}</td><td>0.00</td>"
                   f'<td>{_money(fl)}</td><td colspan="2"></td></tr>\n')
    out.append(f'   <tr align="right"><td colspan="9" style="height: 30px"></td><td nowrap><b>0.00</b></td>'
               f"<td nowrap><b>{_money(floating)}</b></td><td></td></tr>\n")
    summary = (("Balance:", balance, "Free Margin:", equity), ("Credit Facility:", 0, "Margin:", 0),
               ("Floating P/L:", floating, "Margin Level:", None), ("Equity:", equity, None, None))
    for a, av, b, bv in summary:
        right = (f'<td></td><td colspan="3">{b}</td><td colspan="2"><b>{_money(bv) if bv is not None else "0.00%"}'
                 f"</b></td>") if b else ""
        out.append(f'   <tr align="right"><td colspan="3" style="height: 20px">{a}</td><td colspan="2"><b>'
                   f"{_money(av).replace(' ', '')}</b></td>{right}</tr>\n")
    wins = [x for x in closed if x > 0]
    losses = [x for x in closed if x <= 0]
    n_close = sum(1 for dl in trade_deals if dl["direction"] in ("out", "in/out"))
    out.append('   <tr><td colspan="13" align="center"><div style="font: 10pt Tahoma"><b>Results</b></div></td></tr>\n')
    out.append(f'   <tr align="right"><td nowrap colspan="3">Total Net Profit:</td><td nowrap><b>{_money(sum(closed))}'
               f'</b></td><td nowrap colspan="3">Gross Profit:</td><td nowrap><b>{_money(sum(wins))}</b></td>'
               f'<td nowrap colspan="3">Gross Loss:</td><td nowrap colspan="2"><b>{_money(sum(losses))}</b></td>'
               "</tr>\n")
    shorts = sum(1 for dl in trade_deals if dl["direction"] in ("out", "in/out") and dl["type"] == "buy")
    out.append(f'   <tr align="right"><td nowrap colspan="3">Total Trades:</td><td nowrap><b>{n_close}</b></td>'
               f'<td nowrap colspan="3">Short Trades (won %):</td><td nowrap><b>{shorts} (0.00%)</b></td>'
               f'<td nowrap colspan="3">Long Trades (won %):</td><td nowrap colspan="2"><b>{n_close - shorts} '
               "(0.00%)</b></td></tr>\n")
    out.append("</table>\n</div></body></html>\n")
    Path(path).write_bytes(b"\xff\xfe" + "".join(out).replace("\n", "\r\n").encode("utf-16-le"))
    return {"trades": len(closed), "closing_deals": n_close, "net": sum(closed), "cash_by_kind": cash_kinds,
            "balance": balance, "equity": equity}


#: MT4 Strategy Tester report languages and the code page the terminal writes each in (FORMATS.md 6b). The labels
#: are translated; the row types stay English. Only the labels fxcost could be tempted to read are listed; the
#: tester's others are numbered. "ru-cent" is a Russian report of a RoboForex ProCent account.
TESTER_LANGUAGES = {
    "en": ("cp1252", ("Symbol", "Period", "Model", "Parameters", "Bars in test", "Ticks modelled",
                      "Modelling quality", "Mismatched charts errors", "Initial deposit", "Spread",
                      "Total net profit", "Gross profit", "Gross loss", "Total trades", "Time", "Type", "Order",
                      "Size", "Price", "Profit", "Balance")),
    "ru": ("cp1251", ("Символ", "Период", "Модель", "Параметры", "Баров в истории", "Смоделировано тиков",
                      "Качество моделирования", "Ошибки рассогласования графиков", "Начальный депозит", "Спред",
                      "Чистая прибыль", "Общая прибыль", "Общий убыток", "Всего сделок", "Время", "Тип", "Ордер",
                      "Объем", "Цена", "Прибыль", "Баланс")),
    "tr": ("cp1254", ("Sembol", "Periyot", "Model", "Parametreler", "Test edilen çubuklar", "Modellenen fiyatlar",
                      "Modelleme kalitesi", "Uyuşmayan grafik hataları", "Başlangıç mevduatı", "Yayılma",
                      "Toplam net kâr", "Brüt kâr", "Brüt zarar", "Toplam işlem", "Zaman", "Tür", "Emir",
                      "Büyüklük", "Fiyat", "Kâr", "Bakiye")),
    "fr": ("cp1252", ("Symbole", "Période", "Modèle", "Paramètres", "Barres testées", "Ticks modélisés",
                      "Qualité de modélisation", "Erreurs de graphiques", "Dépôt initial", "Écart",
                      "Bénéfice net total", "Bénéfice brut", "Perte brute", "Total des trades", "Heure", "Type",
                      "Ordre", "Taille", "Prix", "Profit", "Solde")),
    "es": ("cp1252", ("Símbolo", "Período", "Modelo", "Parámetros", "Barras en la prueba", "Ticks modelados",
                      "Calidad del modelado", "Errores de gráficos", "Depósito inicial", "Spread",
                      "Beneficio neto total", "Beneficio bruto", "Pérdidas brutas", "Total de operaciones", "Hora",
                      "Tipo", "Orden", "Volumen", "Precio", "Beneficio", "Balance")),
    "zh": ("gbk", ("交易品种", "时间周期", "复盘模型", "参数", "经测试过的柱数", "用于复盘的即时价数量",
                   "复盘模型的质量", "输入图表错误", "起始资金", "点差", "总净盈利", "总获利", "总亏损",
                   "交易单总计", "时间", "类型", "订单", "手数", "价格", "获利", "余额")),
}
TESTER_LANGUAGES["ru-cent"] = TESTER_LANGUAGES["ru"]
#: The title ("Strategy Tester: <expert>") and heading ("Strategy Tester Report") as a terminal whose own strings are
#: translated writes them (issue 11): detection must not rest on the English words.
TESTER_TITLES = {
    "en": ("Strategy Tester", "Strategy Tester Report"),
    "ru": ("Тестер стратегий", "Отчет тестера стратегий"),
    "tr": ("Strateji Test Cihazı", "Strateji Test Raporu"),
    "fr": ("Testeur de stratégie", "Rapport du testeur de stratégie"),
    "es": ("Probador de estrategias", "Informe del probador de estrategias"),
    "zh": ("策略测试", "策略测试报告"),
}
TESTER_TITLES["ru-cent"] = TESTER_TITLES["ru"]


def mt4_tester_variant(path: str | Path, language: str = "en", trades: int = 40, seed: int = 3,
                       translated_title: bool = False) -> dict[str, Any]:
    """Write an MT4 Strategy Tester report in ``language`` (a key of :data:`TESTER_LANGUAGES`) and its code page.

    Events per trade: an open (market, or a filled ``buy stop``/``sell stop``), sometimes ``modify``, then ``s/l``,
    ``t/p`` or ``close``; a rollover pair ``swap close``/``swap open`` in Russian reports; a deleted pending order;
    the last trade ends with ``close at stop``. Returns ``trades``, ``net`` and ``deposit`` (cents) and
    ``cent`` (a cent account: RoboForex-ProCent, deposit 10,000 cents = 100 USD). ``translated_title`` writes the
    title and heading in ``language`` too (:data:`TESTER_TITLES`), as some terminals do."""
    if language not in TESTER_LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(TESTER_LANGUAGES)}, not {language!r}")
    codepage, labels = TESTER_LANGUAGES[language]
    lab = dict(zip(TESTER_LANGUAGES["en"][1], labels))
    rng = np.random.default_rng(seed)
    cent = language == "ru-cent"
    server = "RoboForex-ProCent" if cent else "Demo-Server"
    deposit = 1_000_000
    t = _epoch(date(2018, 1, 2)) + 3600
    price = 1.35000
    events: list[tuple[int, str, int, int, float, float, float, int | None]] = []  # time, type, order, lots...
    balance = deposit
    net = 0
    count = 0
    order = 0
    for k in range(trades):
        order += 1
        t += int(rng.integers(2, 20)) * 3600
        side = "buy" if rng.random() < 0.5 else "sell"
        lots = int(rng.choice([1, 2, 5, 10]))
        sign = 1 if side == "buy" else -1
        sl = round(price - sign * 0.0040, 4)
        tp = round(price + sign * 0.0080, 4)
        if k % 7 == 3:
            # A pending order placed, then filled.
            events.append((t, f"{side} stop", order, lots, price, sl, tp, None))
            t += 1800
        events.append((t, side, order, lots, price, sl, tp, None))
        if rng.random() < 0.4:
            sl = round(sl + sign * 0.0010, 4)
            t += 600
            events.append((t, "modify", order, lots, price, sl, tp, None))
        if language.startswith("ru") and k % 5 == 1:
            # Rollover: closed with its profit so far, reopened under a new order number at a swapped price.
            t += 3600
            mid = round(price + float(rng.normal(0, 0.001)), 4)
            p = _cents(sign * (mid - price) * 100_000 * lots / 100)
            balance += p
            net += p
            count += 1
            events.append((t, "swap close", order, lots, mid, sl, tp, p))
            order += 1
            price = round(mid - sign * 0.00002, 6)
            events.append((t, "swap open", order, lots, price, sl, tp, None))
        t += int(rng.integers(1, 30)) * 600
        end = "close at stop" if k == trades - 1 else str(rng.choice(["s/l", "t/p", "close"]))
        close = sl if end == "s/l" else tp if end == "t/p" else round(price + float(rng.normal(0, 0.002)), 4)
        p = _cents(sign * (close - price) * 100_000 * lots / 100)
        balance += p
        net += p
        count += 1
        events.append((t, end, order, lots, close, sl, tp, p))
        price = round(close + float(rng.normal(0, 0.001)), 4)
        if k % 9 == 4:
            order += 1
            events.append((t, "sell limit", order, 1, round(price + 0.01, 4), 0.0, 0.0, None))
            events.append((t + 60, "delete", order, 1, round(price + 0.01, 4), 0.0, 0.0, None))
    spread = "Текущий (2)" if language.startswith("ru") else "2"
    mso = 'style="mso-number-format:0\\.0000;"'
    title, heading = TESTER_TITLES[language if translated_title else "en"]
    head = [
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n<html>\n'
        f"  <head>\n    <title>{title}: Sample EA</title>\n"
        '    <meta name="generator" content="MetaQuotes Software Corp.">\n'
        f'    <meta name="version" content="Build 1090">\n    <meta name="server" content="{server}">\n  </head>\n'
        '<body topmargin=1 marginheight=1>\n<div align=center>\n'
        f'<div style="font: 20pt Times New Roman"><b>{heading}</b></div>\n'
        '<div style="font: 16pt Times New Roman"><b>Sample EA</b></div>\n'
        f'<div style="font: 10pt Times New Roman"><b>{server} (Build 1090)</b></div><br>\n'
        '<table width=820 cellspacing=1 cellpadding=3 border=0>\n',
        f'<tr align=left><td colspan=2>{lab["Symbol"]}</td><td colspan=4>GBPUSD (Great Britain Pound vs US Dollar)'
        f"</td></tr>\n",
        f'<tr align=left><td colspan=2>{lab["Period"]}</td><td colspan=4>H1 2018.01.02 00:00 - 2018.06.29 00:00</td>'
        "</tr>\n",
        f'<tr align=left><td colspan=2>{lab["Model"]}</td><td colspan=4>—</td></tr>\n',
        f'<tr align=left><td colspan=2>{lab["Parameters"]}</td><td colspan=4>Lots=0.1; </td></tr>\n',
        f'<tr align=left><td colspan=2><tr align=left><td>{lab["Bars in test"]}</td><td align=right>1068</td>'
        f'<td>{lab["Ticks modelled"]}</td><td align=right>756107</td><td>{lab["Modelling quality"]}</td>'
        "<td align=right>n/a</td></tr>\n",
        f'<tr align=left><td>{lab["Mismatched charts errors"]}</td><td align=right>0</td><td></td><td align=right>'
        "</td><td></td><td align=right></td></tr>\n",
        "<tr height=8><td colspan=6></td></tr>\n",
        f'<tr align=left><td>{lab["Initial deposit"]}</td><td align=right>{_money(deposit).replace(" ", "")}</td>'
        f'<td></td><td align=right></td><td>{lab["Spread"]}</td><td align=right>{spread}</td></tr>\n',
    ]
    wins = sum(e[7] for e in events if e[7] is not None and e[7] > 0)
    losses = sum(e[7] for e in events if e[7] is not None and e[7] <= 0)
    head.append(f'<tr align=left><td>{lab["Total net profit"]}</td><td align=right>{_money(net).replace(" ", "")}</td>'
                f'<td>{lab["Gross profit"]}</td><td align=right>{_money(wins).replace(" ", "")}</td>'
                f'<td>{lab["Gross loss"]}</td><td align=right>{_money(losses).replace(" ", "")}</td></tr>\n')
    head.append("<tr align=left><td>x</td><td align=right>1.00</td><td>y</td><td align=right>0.00</td><td></td>"
                "<td align=right></td></tr>\n<tr height=8><td colspan=6></td></tr>\n")
    head.append(f'<tr align=left><td>{lab["Total trades"]}</td><td align=right>{count}</td><td>a</td>'
                f"<td align=right>0 (0.00%)</td><td>b</td><td align=right>{count} (0.00%)</td></tr>\n</table>\n")
    head.append('<table width=820 cellspacing=1 cellpadding=3 border=0>\n<tr bgcolor="#C0C0C0" align=right>'
                + "".join(f"<td>{x}</td>" for x in ("#", lab["Time"], lab["Type"], lab["Order"], lab["Size"],
                                                     lab["Price"], "S / L", "T / P", lab["Profit"], lab["Balance"]))
                + "</tr>\n")
    running = deposit
    for n, (et, kind, o, lots, p, sl, tp, profit) in enumerate(events, start=1):
        if profit is not None:
            running += profit
            money = f"<td class=mspt>{_money(profit).replace(' ', '')}</td><td class=mspt>" \
                    f"{_money(running).replace(' ', '')}</td>"
        else:
            money = "<td colspan=2></td>"
        tm = time.gmtime(et)
        stamp = f"{tm.tm_year}.{tm.tm_mon:02d}.{tm.tm_mday:02d} {tm.tm_hour:02d}:{tm.tm_min:02d}"
        head.append(f"<tr align=right><td>{n}</td><td class=msdate>{stamp}</td><td>{kind}</td><td>{o}</td>"
                    f"<td class=mspt>{_lots2(lots)}</td><td {mso}>{p:.4f}</td><td {mso} align=right>{sl:.4f}</td>"
                    f"<td {mso} align=right>{tp:.4f}</td>{money}</tr>\n")
    head.append("</table>\n</div></body></html>\n")
    Path(path).write_bytes("".join(head).encode(codepage))
    return {"trades": count, "net": net, "deposit": deposit, "balance": running, "cent": cent}
