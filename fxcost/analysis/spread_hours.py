"""Spread by time of day (issue 12, DOMAIN.md 3.6): a multiplier per hour applied to profile and catalogue spreads.

The shape is bundled (assets/spread-profiles/time-of-day.json, made by scripts/make_spread_hours.py from the MT5 bar
exports in ../shared/samples/market-data; derivation in docs/SPREADS.md). Its hours are counted from the New York
close (17:00 New York = hour 0), the clock the daily rollover keeps all year; in UTC that is 21:00 in US summer and
22:00 in winter, and it is the server time of the common "GMT+2/+3 New York close" MetaTrader servers. A trade's
server times are converted to UTC with the account's server clock (measured.server_clock), then to this clock.

Per trade the factor is (m(open) + m(close)) / 2: half the round-turn spread is paid at each end (DOMAIN.md 3.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from fxcost.analysis.codes import nanoseconds
from fxcost.analysis.measured import DstOffset, ServerClock, _to_utc_ns, server_clock
from fxcost.errors import FxCostError
from fxcost.resources import asset

#: The bundled shape.
BUNDLED = "spread-profiles/time-of-day.json"
#: The clock the shape's hours are counted in: UTC+2, UTC+3 while New York keeps daylight saving (17:00 NY = 0:00).
NY_CLOSE = DstOffset(2.0, 3.0, "us")
#: The server clock assumed when the user gave none (AnalysisSettings.server_utc_offset left at 0 and no
#: per-account offset): most retail MetaTrader servers keep New York close time (DOMAIN.md 3.4, FBS [15]).
DEFAULT_SERVER_CLOCK = "GMT+2/+3 NY"
_NS_PER_HOUR = 3_600_000_000_000
_NAT = np.iinfo("int64").min


class ShapeError(FxCostError):
    """The time-of-day shape file is missing or invalid."""


class DerivedShape(TypedDict):
    """What :func:`derive` returns: the 24 multipliers, and each bar series' own 24."""

    hours: list[float]
    per_series: list[list[float]]


@dataclass(frozen=True)
class Shape:
    """24 spread multipliers by hour after the New York close, with where they came from."""

    hours: tuple[float, ...]
    source: str = ""
    date: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "") -> Shape:
        hours = data.get("hours") if isinstance(data, dict) else None
        if (not isinstance(hours, list) or len(hours) != 24
                or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and np.isfinite(x) and x > 0
                           for x in hours)):
            raise ShapeError(f"{where}: \"hours\" must be a list of 24 positive multipliers (hour 0 = 17:00 New York)")
        return cls(tuple(float(x) for x in hours), str(data.get("source", "")), str(data.get("date", "")))

    def at(self, utc_ns: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The multiplier at UTC instants (int64 ns; NaT gives 1)."""
        ns = np.asarray(utc_ns, dtype="int64")
        out = np.ones(len(ns))
        valid = ns != _NAT
        if valid.any():
            local = ns[valid] + _utc_offset_ns(NY_CLOSE, ns[valid])
            out[valid] = np.asarray(self.hours)[(local // _NS_PER_HOUR) % 24]
        return out

    def factors(self, open_time: pd.Series, close_time: pd.Series,
                clock: ServerClock | str | float | None) -> npt.NDArray[np.float64]:
        """Per trade (m(open) + m(close)) / 2, its server times read with ``clock``."""
        clock = server_clock(clock)
        ends = [_to_utc_ns(clock, nanoseconds(x))
                for x in (open_time, close_time)]
        return (self.at(ends[0]) + self.at(ends[1])) / 2.0


def _utc_offset_ns(clock: DstOffset, utc_ns: np.ndarray) -> np.ndarray:
    """The offset of ``clock`` at UTC instants (DstOffset.offset_ns reads server times, not UTC ones)."""
    from fxcost.analysis.measured import _dst_bounds

    years = utc_ns.view("datetime64[ns]").astype("datetime64[Y]").astype("int64") + 1970
    distinct = np.unique(years)
    bounds = np.array([_dst_bounds(int(y), clock.rule) for y in distinct], dtype="int64").reshape(-1, 2)
    where = np.searchsorted(distinct, years)
    summer = (utc_ns >= bounds[where, 0]) & (utc_ns < bounds[where, 1])
    return np.where(summer, int(clock.summer * _NS_PER_HOUR), int(clock.winter * _NS_PER_HOUR))


@lru_cache(maxsize=1)
def bundled() -> Shape:
    """The bundled shape, read once."""
    return load()


def load(path: str | Path | None = None) -> Shape:
    """The bundled shape, or one from a JSON file of the same form."""
    from fxcost.analysis.broker_catalogue import read_json

    path = Path(path) if path is not None else asset(BUNDLED)
    return Shape.from_dict(read_json(path, "time-of-day shape", ShapeError), str(path))


def derive(bars: list[tuple[pd.Series, pd.Series]]) -> DerivedShape:
    """The shape from MT5 bar exports of New-York-close servers: per series (bar open times in server time, spreads
    in points), the median spread of each hour divided by the series' overall median (DOMAIN.md 3.6); the
    multiplier of an hour is the mean over the series (each series weighs the same, however many bars it has).
    Returns ``{"hours": [...24], "per_series": [[...24], ...]}``."""
    per_series = []
    for times, spread in bars:
        t = pd.to_datetime(times)
        s = pd.Series(np.asarray(spread, dtype="float64"))
        overall = float(s.median())
        if not overall > 0:
            raise ValueError("a bar series whose median spread is 0 gives no shape")
        by_hour = s.groupby(t.dt.hour.to_numpy()).median().reindex(range(24))
        per_series.append([round(float(x) / overall, 4) if np.isfinite(x) else 1.0 for x in by_hour])
    hours = [round(float(np.mean([p[h] for p in per_series])), 3) for h in range(24)]
    return {"hours": hours, "per_series": per_series}


def sunday_share(t: pd.DataFrame) -> float:
    """Share of an account's FX trades opened on a Sunday (server time): none on a New-York-close server, whose
    week opens on Monday 00:00; many on a UTC server, whose week opens on Sunday evening."""
    if not len(t) or "category" not in t.columns:
        return 0.0
    from fxcost.analysis.codes import factorize

    codes, cats = factorize(t["category"])
    fx = np.array([str(c).startswith("fx") for c in cats] + [False])[codes]
    if not fx.any():
        return 0.0
    # Day of the week in integer maths (1970-01-01 was a Thursday, day 3; Sunday is 6), not the .dt accessor.
    ns = nanoseconds(t["open_time"])[fx]
    sunday = ((ns // 86_400_000_000_000 + 3) % 7 == 6) & (ns != np.iinfo("int64").min)
    return float(sunday.mean())
