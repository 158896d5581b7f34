"""The simulated market: the instruments a retail trader trades and their seeded mid-price paths."""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import numpy as np

DAY = 86400
YEAR = 365 * DAY


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
