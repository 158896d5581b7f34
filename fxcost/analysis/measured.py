"""Measured spread per trade from market data (DOMAIN.md 3.4): the bar or the ticks at open and at close."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

from fxcost.analysis.codes import factorize as codes_of
from fxcost.analysis.market_data import MarketData
from fxcost.errors import FxCostError
from fxcost.symbols import normalise

__all__ = [
    "DstOffset",
    "FixedOffset",
    "ServerClock",
    "ServerTimeError",
    "measured_spreads",
    "server_clock",
]

_NS_PER_HOUR = 3_600_000_000_000
_NAT = np.iinfo("int64").min
#: Largest number of tick values gathered at once for the window medians (bounds memory on dense feeds).
_CHUNK_VALUES = 4_000_000


class ServerTimeError(FxCostError):
    """The broker server's UTC offset setting is not understood."""


class ServerClock:
    """How a broker's server time relates to UTC."""

    name = "server time"

    def offset_ns(self, server_ns: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def to_utc(self, server: np.ndarray | pd.Series) -> np.ndarray:
        """Server times (naive datetime64) -> UTC (naive datetime64[ns]); NaT stays NaT."""
        ns = np.asarray(server, dtype="datetime64[ns]").view("int64")
        return _to_utc_ns(self, ns).view("datetime64[ns]")


@dataclass(frozen=True)
class FixedOffset(ServerClock):
    """Server time = UTC + ``hours`` all year."""

    hours: float = 0.0

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"UTC{self.hours:+g}"

    def offset_ns(self, server_ns: np.ndarray) -> np.ndarray:
        return np.full(len(server_ns), int(round(self.hours * _NS_PER_HOUR)), dtype="int64")


@dataclass(frozen=True)
class DstOffset(ServerClock):
    """Server time = UTC + ``winter`` hours, + ``summer`` while daylight saving is on.

    ``rule="us"``: the US dates, as "GMT+2/+3 New York close" servers use (17:00 New York is
    always 00:00 server time, so the server changes clock with New York). ``rule="eu"``: the EU
    dates (last Sunday of March / October, 01:00 UTC), as EET/CET servers use.
    """

    winter: float = 2.0
    summer: float = 3.0
    rule: str = "us"

    @property
    def name(self) -> str:  # type: ignore[override]
        where = "New York" if self.rule == "us" else "EU"
        return f"UTC{self.winter:+g}/{self.summer:+g} ({where} daylight saving)"

    def offset_ns(self, server_ns: np.ndarray) -> np.ndarray:
        winter = int(round(self.winter * _NS_PER_HOUR))
        summer = int(round(self.summer * _NS_PER_HOUR))
        # Read the time as summer time first; if that instant is not inside summer, it is winter time.
        as_summer = server_ns - summer
        years = as_summer.view("datetime64[ns]").astype("datetime64[Y]").astype("int64") + 1970
        distinct = np.unique(years)
        bounds = np.array([_dst_bounds(int(y), self.rule) for y in distinct], dtype="int64").reshape(-1, 2)
        where = np.searchsorted(distinct, years)
        in_summer = (as_summer >= bounds[where, 0]) & (as_summer < bounds[where, 1])
        return np.where(in_summer, summer, winter)


@functools.lru_cache(maxsize=512)  # a few years per account, every account (issue 14)
def _dst_bounds(year: int, rule: str) -> tuple[int, int]:
    """UTC instants (ns) when daylight saving starts and ends in ``year``."""

    def sunday(month: int, nth: int) -> date:  # nth Sunday of the month; nth = -1 for the last
        if nth > 0:
            first = date(year, month, 1)
            return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))
        last = date(year, month + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() + 1) % 7)

    if rule == "eu":
        start, end, start_hour, end_hour = sunday(3, -1), sunday(10, -1), 1, 1
    elif year >= 2007:  # US Energy Policy Act 2005
        start, end, start_hour, end_hour = sunday(3, 2), sunday(11, 1), 7, 6
    else:
        start, end, start_hour, end_hour = sunday(4, 1), sunday(10, -1), 7, 6

    def ns(day: date, hour: int) -> int:
        return int(np.datetime64(day, "ns").astype("int64")) + hour * _NS_PER_HOUR

    return ns(start, start_hour), ns(end, end_hour)


def _to_utc_ns(clock: ServerClock, ns: np.ndarray) -> np.ndarray:
    valid = ns != _NAT
    out = np.full(len(ns), _NAT, dtype="int64")
    if valid.any():
        out[valid] = ns[valid] - clock.offset_ns(ns[valid])
    return out


_NUMBER = r"[+-]?\d+(?:[.:]\d+)?"


def server_clock(spec: float | int | str | ServerClock | None) -> ServerClock:
    """A clock from a setting: hours (2, "+2", "UTC+2", "GMT-5"), a rule ("GMT+2/+3 NY", "+2/+3 EU",
    "EET", "CET", "NY close") or a :class:`ServerClock`. Two offsets without a region mean New York dates."""
    if isinstance(spec, ServerClock):
        return spec
    if spec is None:
        return FixedOffset(0.0)
    if isinstance(spec, (int, float, np.integer, np.floating)) and not isinstance(spec, bool):
        if not np.isfinite(spec) or abs(float(spec)) > 14:
            raise ServerTimeError(f"server UTC offset {spec!r} is not an offset in hours between -14 and +14")
        return FixedOffset(float(spec))
    text = str(spec).strip().upper()
    if text in ("", "GMT", "UTC", "Z"):
        return FixedOffset(0.0)
    named = {"EET": DstOffset(2, 3, "eu"), "CET": DstOffset(1, 2, "eu"), "NY": DstOffset(2, 3, "us"),
             "NY CLOSE": DstOffset(2, 3, "us"), "NEW YORK": DstOffset(2, 3, "us"),
             "NEW YORK CLOSE": DstOffset(2, 3, "us"), "NYC": DstOffset(2, 3, "us")}
    if text in named:
        return named[text]
    m = re.fullmatch(rf"(?:GMT|UTC)?\s*({_NUMBER})\s*(?:/\s*(?:GMT|UTC)?\s*({_NUMBER}))?\s*(.*)", text)
    if m:
        first, second, words = _hours(m.group(1)), m.group(2), re.sub(r"[()\s]+", " ", m.group(3)).strip()
        eu = bool(re.search(r"\b(EU|EET|CET|EUROPE|EUROPEAN)\b", words))
        us = bool(re.search(r"\b(US|NY|NEW YORK|NYC|CLOSE)\b", words))
        if (not words or eu or us) and abs(first) <= 14:
            if second is None:
                if not words:
                    return FixedOffset(first)
                return DstOffset(first, first + 1, "eu" if eu else "us")
            return DstOffset(first, _hours(second), "eu" if eu else "us")
    raise ServerTimeError(
        f"server UTC offset {spec!r} is not understood; give hours like +2 or -5, or a rule like "
        "'GMT+2/+3 NY' (New York close servers), '+2/+3 EU' or 'EET'"
    )


def _hours(text: str) -> float:
    if ":" in text:
        sign = -1.0 if text.startswith("-") else 1.0
        h, m = text.lstrip("+-").split(":", 1)
        return sign * (int(h) + int(m) / 60.0)
    return float(text)


# --------------------------------------------------------------------------------------------------


def measured_spreads(
    t: pd.DataFrame,
    data: list[MarketData],
    server_utc_offset_hours: float | str | ServerClock,
    *,
    window_seconds: int = 30,
    stale_seconds: int = 300,
    require_both: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Round-turn spread (price units) per trade from market data, and its source label.

    The round turn is (s_open + s_close) / 2 (DOMAIN.md 3.1). At each end: bars give the spread
    of the bar containing the time (bar times are server time, like the trades); ticks give the
    median spread within ±``window_seconds`` (UTC ticks are matched after converting the trade's
    server time with ``server_utc_offset_hours``), else the last tick up to ``stale_seconds``
    before. Where only one end is covered its spread stands for both (the label says so) unless
    ``require_both``. NaN and "" where no data covers the trade: the caller falls back to a profile.
    When several files cover a symbol, the broker's own ticks win over its bars, which win over
    a data vendor's ticks.
    """
    n = len(t)
    spread = np.full(n, np.nan)
    label = np.full(n, "", dtype=object)
    if n == 0 or not data:
        return spread, label
    clock = server_clock(server_utc_offset_hours)
    roots = _roots(t)
    ends = {"open": _ns(t["open_time"]), "close": _ns(t["close_time"])}
    ends_utc: dict[str, np.ndarray] = {}
    value = {side: np.full(n, np.nan) for side in ends}
    source = {side: np.full(n, "", dtype=object) for side in ends}
    window = int(window_seconds * 1e9)
    stale = int(stale_seconds * 1e9)

    for md in sorted(data, key=_priority):
        rows = roots == normalise(md.symbol)[0]
        if not rows.any() or md.frame.empty:
            continue
        for side, server_ns in ends.items():
            need = rows & np.isnan(value[side]) & (server_ns != _NAT)
            if not need.any():
                continue
            if md.utc:
                if side not in ends_utc:
                    ends_utc[side] = _to_utc_ns(clock, server_ns)
                x = ends_utc[side][need]
            else:
                x = server_ns[need]
            found = _bar_spreads(md, x) if md.kind == "bars" else _tick_spreads(md, x, window, stale)
            got = np.isfinite(found)
            idx = np.flatnonzero(need)[got]
            value[side][idx] = found[got]
            source[side][idx] = md.label

    o, c = value["open"], value["close"]
    lo, lc = source["open"], source["close"]
    both = np.isfinite(o) & np.isfinite(c)
    spread[both] = (o[both] + c[both]) / 2.0
    same = both & (lo == lc)
    label[same] = lo[same]
    mixed = both & ~same
    if mixed.any():
        label[mixed] = [f"{a} at open, {b} at close" for a, b in zip(lo[mixed], lc[mixed])]
    if not require_both:
        only_open = np.isfinite(o) & ~np.isfinite(c)
        only_close = np.isfinite(c) & ~np.isfinite(o)
        spread[only_open] = o[only_open]
        spread[only_close] = c[only_close]
        for mask, lab, end in ((only_open, lo, "open"), (only_close, lc, "close")):
            if mask.any():
                label[mask] = [f"{a} at {end} only" for a in lab[mask]]
    return spread, label


def _priority(md: MarketData) -> int:
    if md.kind == "ticks" and not md.third_party:
        return 0
    return 1 if md.kind == "bars" else 2


def _roots(t: pd.DataFrame) -> np.ndarray:
    column = t["symbol_root"] if "symbol_root" in t.columns else t["symbol"]
    codes, uniques = codes_of(column)  # normalise each distinct symbol once, not once per trade
    table = np.array([normalise(str(u))[0] for u in uniques] + [normalise("nan")[0]], dtype=object)
    return table[codes]


def _ns(times: pd.Series) -> np.ndarray:
    return np.asarray(pd.to_datetime(times), dtype="datetime64[ns]").view("int64")


def _frame_ns(md: MarketData) -> np.ndarray:
    return np.asarray(md.frame["time"], dtype="datetime64[ns]").view("int64")


def _bar_spreads(md: MarketData, x: np.ndarray) -> np.ndarray:
    """Spread of the bar with open <= x < next open (and x before the bar's end, so gaps stay empty)."""
    opens = _frame_ns(md)
    spreads = md.frame["spread"].to_numpy(dtype="float64")
    i = np.searchsorted(opens, x, side="right") - 1
    j = np.clip(i, 0, None)
    length = int((md.bar_seconds or 60.0) * 1e9)
    ok = (i >= 0) & (x < opens[j] + length)
    return np.where(ok, spreads[j], np.nan)


def _tick_spreads(md: MarketData, x: np.ndarray, window: int, stale: int) -> np.ndarray:
    """Median spread of the ticks within ±window of each x, else the last tick up to ``stale`` before."""
    times = _frame_ns(md)
    spreads = md.frame["spread"].to_numpy(dtype="float64")
    points = md.frame["spread_points"].to_numpy(dtype="float64").astype("int64")
    out = np.full(len(x), np.nan)
    lo = np.searchsorted(times, x - window, side="left")
    hi = np.searchsorted(times, x + window, side="right")
    counts = hi - lo
    covered = np.flatnonzero(counts > 0)
    if len(covered):
        # Chunks keep the gathered values bounded; each chunk is fully vectorised.
        total = np.cumsum(counts[covered])
        cuts = np.searchsorted(total, np.arange(_CHUNK_VALUES, total[-1], _CHUNK_VALUES), side="right")
        for chunk in np.split(covered, cuts):
            if len(chunk):
                out[chunk] = _ragged_median(points, lo[chunk], counts[chunk]) * md.point
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        before = np.searchsorted(times, x[empty], side="right") - 1
        k = np.clip(before, 0, None)
        ok = (before >= 0) & (x[empty] - times[k] <= stale)
        out[empty[ok]] = spreads[k[ok]]
    return out


def _ragged_median(points: npt.NDArray[np.int64], starts: npt.NDArray[np.int64],
                   counts: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Median of points[starts[g]:starts[g]+counts[g]] for every group g, without a Python loop.

    Spreads are whole points, so one integer sort of group * span + value orders every group at once.
    """
    group_start = np.cumsum(counts) - counts
    group = np.repeat(np.arange(len(counts), dtype="int64"), counts)
    offset = np.arange(counts.sum()) - np.repeat(group_start, counts)
    gathered = points[np.repeat(starts, counts) + offset]
    low = int(gathered.min())
    span = int(gathered.max()) - low + 1
    ordered = np.sort(group * span + (gathered - low)) - group * span + low
    # numpy's stubs type fancy indexing as Any
    median: npt.NDArray[np.float64]
    median = (ordered[group_start + (counts - 1) // 2] + ordered[group_start + counts // 2]) / 2.0
    return median
