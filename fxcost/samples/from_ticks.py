"""A statement filled at real bid/ask ticks: same-second hedges and closes whose spread is known (issue 12 oracle).

``write(ticks_path, out_path)`` reads a tick file (any format fxcost.analysis.market_data reads: Dukascopy,
HistData, TrueFX, MT5 ticks), picks seeded moments, and at each opens a buy at the ask and a sell at the bid in
the same second, then closes both in one later second (the buy at the bid, the sell at the ask): what a hedging
or grid EA's market orders get (DOMAIN.md 3.5). The statement is written as a CSV trade list with seconds in
its times (the importers read it; MetaTrader has no CSV export, FORMATS.md 6) and server times =
tick time (UTC) + ``server_offset_hours``. The returned manifest holds every pair's true spread, so a test can
check that the spreads fxcost observes in the fills are the ticks' own.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fxcost.analysis.market_data import read_market_data

#: Account currency of the statement: the tick symbol's quote currency, so Profit needs no conversion.
HEADER = ("Ticket", "Open Time", "Type", "Volume", "Symbol", "Open Price", "Close Time", "Close Price",
          "Commission", "Swap", "Profit", "Currency")


@dataclass
class Manifest:
    """What the statement holds: its symbol, and per pair the second it was filled and the tick's true spread."""

    path: str
    symbol: str
    currency: str
    open_seconds: list[pd.Timestamp] = field(default_factory=list)  # server time
    open_spreads: list[float] = field(default_factory=list)  # price units
    close_seconds: list[pd.Timestamp] = field(default_factory=list)
    close_spreads: list[float] = field(default_factory=list)
    roll_seconds: list[pd.Timestamp] = field(default_factory=list)  # ``rolls``: a close and the next open
    roll_spreads: list[float] = field(default_factory=list)

    @property
    def spreads(self) -> np.ndarray:
        return np.array(self.open_spreads + self.close_spreads + self.roll_spreads)


def write(ticks_path: str | Path, out_path: str | Path, *, pairs: int = 40, seed: int = 12, lots: float = 0.1,
          hold_minutes: int = 45, server_offset_hours: float = 3.0, contract: float = 100_000.0,
          rolls: bool = False) -> Manifest:
    """Write a CSV statement of ``pairs`` same-second hedges filled at the ticks of ``ticks_path``; ``rolls``:
    instead, one buy after another, each closed (a sell at the bid) in the second the next opens (a buy at the
    ask), as an EA that rolls its position does: ``pairs`` close/open pairs at random seconds (``hold_minutes``
    is the hedges')."""
    md = read_market_data(ticks_path)
    ticks = md.frame
    if md.kind != "ticks" or "bid" not in ticks.columns:
        raise ValueError(f"{ticks_path}: not a tick file with bid and ask")
    times = ticks["time"].to_numpy(dtype="datetime64[ns]")
    bid, ask = ticks["bid"].to_numpy(dtype="float64"), ticks["ask"].to_numpy(dtype="float64")
    seconds = times.astype("datetime64[s]")
    # The quote in force for a whole second is its last tick: a fill anywhere in that second may see it.
    last = np.flatnonzero(np.r_[seconds[1:] != seconds[:-1], True])
    rng = np.random.default_rng(seed)
    hold = np.timedelta64(hold_minutes, "m")
    later = np.searchsorted(seconds[last], seconds[last] + hold)  # the last-tick index hold_minutes on
    candidates = np.flatnonzero(later < len(last))
    chosen = np.sort(rng.choice(candidates, size=min(pairs, len(candidates)), replace=False))
    offset = np.timedelta64(int(round(server_offset_hours * 3600)), "s")
    quote = md.symbol[3:6] if len(md.symbol) >= 6 else "USD"
    manifest = Manifest(path=str(out_path), symbol=md.symbol, currency=quote)
    rows = []
    digits = md.digits
    if rolls:
        # pairs + 1 buys: each closes in the second the next opens, but the last.
        chosen = np.sort(rng.choice(len(last), size=min(pairs + 2, len(last)), replace=False))
        for k, (o, c) in enumerate(zip(last[chosen[:-1]], last[chosen[1:]])):
            t_open, t_close = pd.Timestamp(seconds[o] + offset), pd.Timestamp(seconds[c] + offset)
            if k < len(chosen) - 2:
                manifest.roll_seconds.append(t_close)
                manifest.roll_spreads.append(round(ask[c] - bid[c], digits))
            rows.append((k + 1, f"{t_open:%Y-%m-%d %H:%M:%S}", "buy", f"{lots:.2f}", md.symbol, f"{ask[o]:.{digits}f}",
                         f"{t_close:%Y-%m-%d %H:%M:%S}", f"{bid[c]:.{digits}f}", "0.00", "0.00",
                         f"{(bid[c] - ask[o]) * contract * lots:.2f}", quote))
    for k in [] if rolls else chosen:
        o, c = last[k], last[later[k]]
        t_open = pd.Timestamp(seconds[o] + offset)
        t_close = pd.Timestamp(seconds[c] + offset)
        manifest.open_seconds.append(t_open)
        manifest.open_spreads.append(round(ask[o] - bid[o], digits))
        manifest.close_seconds.append(t_close)
        manifest.close_spreads.append(round(ask[c] - bid[c], digits))
        for side, entry, exit_ in (("buy", ask[o], bid[c]), ("sell", bid[o], ask[c])):
            move = (exit_ - entry) if side == "buy" else (entry - exit_)
            rows.append((len(rows) + 1, f"{t_open:%Y-%m-%d %H:%M:%S}", side, f"{lots:.2f}", md.symbol,
                         f"{entry:.{digits}f}", f"{t_close:%Y-%m-%d %H:%M:%S}", f"{exit_:.{digits}f}", "0.00", "0.00",
                         f"{move * contract * lots:.2f}", quote))
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return manifest
