"""Issue 12: same-second pairs use market executions only where the MT5 Orders section gives the order type."""

from __future__ import annotations

import pytest

from fxcost.analysis import observed_spreads as obs
from fxcost.importers.mt5_builder import build
from fxcost.importers.mt5_layout import Sheet

POS13 = ["Time", "Position", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "Price", "Commission",
         "Swap", "Profit"]
ORD11 = ["Open Time", "Order", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "State", "Comment"]
DEAL13 = ["Time", "Deal", "Symbol", "Type", "Direction", "Volume", "Price", "Order", "Commission", "Swap", "Profit",
          "Balance", "Comment"]
D = "2025.06.06 "
# (position/opening order, side, open second, open price, open order type, close second, close price, close order,
#  close order type). 201/202: a market pair at both ends. 203 opens by a buy limit in the second 204 opens at
# market; 203 and 204 close in one second, 203 by a sell stop: neither of their pairs is a bid/ask pair.
TRADES = [
    (201, "buy", "10:00:07", 1.10010, "buy", "12:00:01", 1.10100, 301, "sell"),
    (202, "sell", "10:00:07", 1.10000, "sell", "12:00:01", 1.10110, 302, "buy"),
    (203, "buy", "11:00:05", 1.09000, "buy limit", "13:00:02", 1.09500, 303, "sell stop"),
    (204, "sell", "11:00:05", 1.10200, "sell", "13:00:02", 1.09700, 304, "buy"),
]


def _rows(with_positions: bool) -> list[list]:
    rows: list[list] = []
    if with_positions:
        rows.append(POS13)
        for pid, side, t0, p0, _, t1, p1, _, _ in TRADES:
            profit = round((p1 - p0) * (1 if side == "buy" else -1) * 100_000, 2)
            rows.append([D + t0, pid, "EURUSD", side, 1.0, p0, "", "", D + t1, p1, 0.0, 0.0, profit])
    rows.append(ORD11)
    for pid, side, t0, p0, kind0, t1, p1, order1, kind1 in TRADES:
        rows.append([D + "09:00:00" if kind0 != side else D + t0, pid, "EURUSD", kind0, "1 / 1", p0, "", "", D + t0,
                     "filled", ""])
        rows.append([D + t1, order1, "EURUSD", kind1, "1 / 1", p1, "", "", D + t1, "filled", ""])
    rows.append(DEAL13)
    deals = []
    for pid, side, t0, p0, _, t1, p1, order1, _ in TRADES:
        profit = round((p1 - p0) * (1 if side == "buy" else -1) * 100_000, 2)
        deals.append((t0, side, "in", p0, pid, 0.0))
        deals.append((t1, "sell" if side == "buy" else "buy", "out", p1, order1, profit))
    balance = 0.0
    for n, (t, typ, direction, price, order, profit) in enumerate(sorted(deals, key=lambda x: x[0])):
        balance += profit
        rows.append([D + t, 1000 + n, "EURUSD", typ, direction, 1.0, price, order, 0.0, 0.0, profit, balance, ""])
    return rows


@pytest.mark.parametrize("with_positions", [True, False])
def test_a_pending_order_fill_is_not_paired_and_a_market_pair_is(with_positions):
    rows = _rows(with_positions)
    st = build([Sheet(rows, list(range(1, len(rows) + 1)))], "orders.html", "html")
    t = st.trades.sort_values("ticket").reset_index(drop=True)
    assert t["ticket"].tolist() == [201, 202, 203, 204]
    assert t["open_order_type"].tolist() == ["market", "market", "limit", "market"]
    assert t["close_order_type"].tolist() == ["market", "market", "stop", "market"]
    pairs = obs.same_second_pairs(t).sort_values("end").reset_index(drop=True)
    assert pairs["end"].tolist() == ["close", "open"]
    assert pairs["spread"].round(5).tolist() == [0.0001, 0.0001]
    # Without the order types the pending fills pair too (so the columns are what drops them).
    assert len(obs.same_second_pairs(t.drop(columns=["open_order_type", "close_order_type"]))) == 4


def test_trades_without_an_orders_section_keep_unknown_order_types_and_pair():
    rows = _rows(True)
    start = rows.index(ORD11)
    rows = rows[:start] + rows[rows.index(DEAL13):]
    st = build([Sheet(rows, list(range(1, len(rows) + 1)))], "no_orders.html", "html")
    assert set(st.trades["open_order_type"]) == {""} and set(st.trades["close_order_type"]) == {""}
    assert len(obs.same_second_pairs(st.trades)) == 4
