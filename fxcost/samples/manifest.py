"""The true figures of a generated file (trades, cash, totals), for tests and benchmarks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from fxcost.samples.simulate import History
from fxcost.samples.writers.common import timestamp


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


def build_manifest(h: History, fmt: str, path: str, seed: int, extra: dict[str, Any]) -> Manifest:
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
        report_time=timestamp(h.report_time),
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
