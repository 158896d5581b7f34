"""MT5 deals linked to positions: each trade deal attributed to the position it opens, closes or reverses."""

from __future__ import annotations

import math
import re
from array import array
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from fxcost.importers.mt5_cells import VOLUME_EPS
from fxcost.importers.mt5_layout import TRADE_TYPES

_CLOSE_BY = re.compile(r"#\s*(\d+)\s+by\s+#\s*(\d+)")




class PositionRecord:
    """A position while linking deals: from the Positions table, or rebuilt from its deals."""

    __slots__ = ("pid", "symbol", "side", "open_ns", "close_ns", "open_price", "close_price", "volume",
                 "row", "vin", "vout", "deals", "outs", "in_price", "out_volume")

    def __init__(self, pid: int, symbol: str, side: str, open_ns: int, row: int = -1) -> None:
        self.pid = pid
        self.symbol = symbol
        self.side = side
        self.open_ns = open_ns
        self.close_ns: int | None = None
        self.open_price = float("nan")
        self.close_price = float("nan")
        self.volume = float("nan")  # the Positions table's total volume
        self.row = row  # row in the Positions table, -1 when rebuilt from deals
        self.vin = 0.0
        self.vout = 0.0
        self.deals: list[int] = []
        self.outs: list[int] = []
        self.in_price = 0.0  # sum of price x volume of the in deals
        # deal index -> the volume it closed, only for a netting reversal (in/out) that closed this position and
        # opened the next one with the rest of its volume; every other out deal closes its whole volume.
        self.out_volume: dict[int, float] | None = None

    def closed_by(self, i: int, volume: float) -> float:
        """The volume deal ``i`` (of ``volume`` lots) closed of this position."""
        return volume if self.out_volume is None else self.out_volume.get(i, volume)


@dataclass
class DealColumns:
    """The Deals table parsed column-wise (only valid rows)."""

    idx: np.ndarray  # row index within the section
    time: np.ndarray  # datetime64[ns]
    ns: array[int]
    deal: array[int]
    symbol: list[str]
    type: list[str]
    direction: list[str]
    volume: array[float]
    price: array[float]
    order: array[int]
    commission: np.ndarray
    fee: np.ndarray
    swap: np.ndarray
    profit: np.ndarray
    comment: list[str]
    decimals: dict[str, list[int]]  # per symbol, the printed decimals of its first prices (symbol_decimals)


def _opposite(side: str) -> str:
    return "sell" if side == "buy" else "buy"


class Linker:
    """Attributes each trade deal to a position.

    ``in`` deals: the deal's Order is the position id (hedging accounts). ``out`` deals carry only
    the closing order, so: a close-by comment ``#A by #B`` names the position; otherwise the
    candidates are the open positions of the symbol on the other side with enough volume left,
    narrowed to the one the Positions table says closes at this time with this volume, then to
    the one whose profit the deal's price explains (per-symbol money per price unit learnt from the
    Positions table), then first in, first out.
    """

    def __init__(self, positions: list[PositionRecord], netting: bool, multipliers: dict[str, float]) -> None:
        self.by_id: dict[int, PositionRecord] = {p.pid: p for p in positions}
        self.records: list[PositionRecord] = list(positions)
        self.netting = netting
        self.mult = multipliers
        self.learn = not multipliers
        self.learnt: dict[str, list[float]] = defaultdict(list)
        self.active: dict[tuple[str, str], dict[int, PositionRecord]] = defaultdict(dict)
        # Positions by close time: one PositionRecord, or a list when several close at the same time (a dict keyed by
        # (symbol, side, time) tuples holding lists costs ~170 bytes more per position).
        self.closing: dict[int, PositionRecord | list[PositionRecord]] = {}
        self.table_by_key: dict[tuple[str, str], list[PositionRecord]] = defaultdict(list)
        for p in positions:
            if p.row >= 0 and p.close_ns is not None:
                at = self.closing.setdefault(p.close_ns, p)
                if at is not p:
                    if type(at) is list:
                        at.append(p)
                    else:
                        self.closing[p.close_ns] = [at, p]
                self.table_by_key[(p.symbol, p.side)].append(p)

    def link(self, d: DealColumns) -> list[PositionRecord | None]:
        links: list[PositionRecord | None] = [None] * len(d.ns)
        opening, closing, reversing = self._open, self._close, self._reverse
        for i, (typ, direction) in enumerate(zip(d.type, d.direction)):
            if typ not in TRADE_TYPES:
                continue
            if direction == "in":
                rec = opening(d, i)
            elif direction in ("out", "out by"):
                rec = closing(d, i)
            elif direction in ("inout", "in/out"):
                # Netting reversal: closes the open position and opens one the other way.
                rec = reversing(d, i)
            else:
                continue
            if rec is not None:
                links[i] = rec
                rec.deals.append(i)
        return links

    def _open(self, d: DealColumns, i: int) -> PositionRecord:
        sym, typ, vol = d.symbol[i], d.type[i], d.volume[i]
        rec = self.by_id.get(d.order[i])
        if rec is None and self.netting:
            act = self.active.get((sym, typ))
            if act:
                rec = next(iter(act.values()))
        if rec is None:
            rec = PositionRecord(d.order[i], sym, typ, d.ns[i])
            rec.open_price = d.price[i]
            self.by_id[rec.pid] = rec
            self.records.append(rec)
        rec.vin += vol
        rec.in_price += vol * d.price[i]
        self.active[(rec.symbol, rec.side)][rec.pid] = rec
        return rec

    def _reverse(self, d: DealColumns, i: int) -> PositionRecord | None:
        """A netting reversal (direction in/out, issue 11): the deal closes what is left of the symbol's position
        (with the deal's whole profit, commission and swap) and opens a new position the other way with the
        rest of its volume, at its price, under the deal's order number."""
        sym, typ, vol = d.symbol[i], d.type[i], d.volume[i]
        act = self.active.get((sym, _opposite(typ)))
        old = next(iter(act.values()), None) if act else None
        if old is None:
            return self._open(d, i)  # nothing to reverse: the deal only opens
        left = self._left(old)
        old.vout += left
        old.outs.append(i)
        if old.out_volume is None:
            old.out_volume = {}
        old.out_volume[i] = min(left, vol)
        act.pop(old.pid, None)
        rest = vol - left
        if rest > VOLUME_EPS:
            pid = d.order[i] if d.order[i] not in self.by_id else d.deal[i]
            new = PositionRecord(pid, sym, typ, d.ns[i])
            new.open_price = d.price[i]
            new.vin = rest
            new.in_price = rest * d.price[i]
            self.by_id[new.pid] = new
            self.records.append(new)
            self.active[(sym, typ)][new.pid] = new
        return old

    def _close(self, d: DealColumns, i: int) -> PositionRecord | None:
        sym, vol, t, price = d.symbol[i], d.volume[i], d.ns[i], d.price[i]
        side = _opposite(d.type[i])
        rec = None
        m = _CLOSE_BY.search(d.comment[i]) if d.direction[i] == "out by" else None
        if m:
            for pid in (int(m.group(1)), int(m.group(2))):
                r = self.by_id.get(pid)
                if r is not None and r.side == side:
                    rec = r
                    break
        if rec is None:
            rec = self._choose(sym, side, vol, t, price, d.profit[i])
        if rec is None:
            return None
        rec.vout += vol
        rec.outs.append(i)
        if self.learn and len(self.active.get((sym, side), ())) == 1:
            self._learn(rec, price, vol, d.profit[i])
        if rec.vin > 0 and rec.vout >= rec.vin - VOLUME_EPS:
            self.active[(rec.symbol, rec.side)].pop(rec.pid, None)
        return rec

    def _choose(self, sym: str, side: str, vol: float, t: int, price: float, profit: float) -> PositionRecord | None:
        # Fast path: the one position the Positions table closes now, with exactly this volume left.
        at = self.closing.get(t)
        if at is not None and type(at) is not list:
            # One position closes now (the usual case): _left inlined (issue 14: a book of hundreds of files).
            if at.symbol == sym and at.side == side \
                    and abs((at.vin if at.vin > 0 else at.volume) - at.vout - vol) < VOLUME_EPS:
                return at
            exact = []
        else:
            exact = [r for r in (() if at is None else at)
                     if r.symbol == sym and r.side == side and abs(self._left(r) - vol) < VOLUME_EPS]
        if len(exact) == 1:
            return exact[0]
        act = self.active.get((sym, side))
        cands = [r for r in act.values() if self._left(r) >= vol - VOLUME_EPS and (r.close_ns is None or r.close_ns >= t)] \
            if act else []
        if not cands:
            # The position's in deal may predate the report period: the Positions table still knows it.
            cands = [r for r in self.table_by_key.get((sym, side), ())
                     if r.open_ns <= t <= (r.close_ns or t) and r.volume - r.vout >= vol - VOLUME_EPS]
        if len(cands) <= 1:
            return cands[0] if cands else None
        final = [r for r in cands if r.close_ns == t and abs(self._left(r) - vol) < VOLUME_EPS]
        if final:
            cands = final
            same_price = [r for r in cands if r.close_price == price]
            cands = same_price or cands
        if len(cands) > 1:
            mult = self.mult.get(sym) or self._learnt(sym)
            if mult and profit:
                sign = {"buy": 1.0, "sell": -1.0}
                errs = [abs(mult * (price - r.open_price) * sign[r.side] * vol - profit) for r in cands]
                best = min((e for e in errs if not math.isnan(e)), default=math.nan)  # NaN: a price is missing
                if not math.isnan(best):
                    cands = [r for r, e in zip(cands, errs) if e <= best + 1e-9]
        return cands[0]

    @staticmethod
    def _left(r: PositionRecord) -> float:
        return (r.vin if r.vin > 0 else r.volume) - r.vout

    def _learn(self, rec: PositionRecord, price: float, vol: float, profit: float) -> None:
        diff = (price - rec.open_price) * (1.0 if rec.side == "buy" else -1.0) * vol
        if diff and profit and not math.isnan(diff):
            lst = self.learnt[rec.symbol]
            if len(lst) < 200:
                lst.append(profit / diff)

    def _learnt(self, sym: str) -> float | None:
        lst = self.learnt.get(sym)
        return float(np.median(lst)) if lst else None

