"""Break-even figures (DOMAIN.md 7.3-7.6) and the equity effect of cashback (7.5, 8)."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from fxcost import model
from fxcost.analysis import breakeven, costs


def costed(rows: list[dict], spread: float = 0.00012, rebate: float | list[float] = 0.50) -> pd.DataFrame:
    """EURUSD-style trades through the real decomposition; Profit follows from the prices (M = 100,000)."""
    cols: dict[str, list] = {k: [r[k] for r in rows] for k in rows[0]}
    n = len(rows)
    cols.setdefault("ticket", list(range(1, n + 1)))
    cols.setdefault("symbol", ["EURUSD"] * n)
    cols.setdefault("symbol_root", cols["symbol"])
    cols.setdefault("digits", [5] * n)
    sign = np.where(np.array(cols["side"]) == "buy", 1.0, -1.0)
    move = (np.array(cols["close_price"]) - np.array(cols["open_price"])) * sign
    cols.setdefault("profit", list(np.round(move * 100_000 * np.array(cols["lots"]), 2)))
    t = costs.decompose(model.trades_frame(cols), "USD", np.full(n, spread), np.full(n, "test", dtype=object))
    t["rebate"] = rebate
    return costs.finish(t)


def domain_pair(**extra) -> pd.DataFrame:
    """DOMAIN 7.6: a winner of 18.80 Profit (mid +20 pips) and a loser of -16.20 (mid -15 pips), 0.10 lot."""
    base = dict(account="1", side="buy", lots=0.10, open_price=1.08512, commission=-0.70)
    rows = [
        {**base, "open_time": datetime(2024, 3, 4, 10), "close_time": datetime(2024, 3, 4, 12), "close_price": 1.08700},
        {**base, "open_time": datetime(2024, 3, 5, 10), "close_time": datetime(2024, 3, 5, 12), "close_price": 1.08350},
    ]
    for i, row in enumerate(rows):
        row.update({k: v[i] for k, v in extra.items()})
    return costed(rows)


def test_domain_7_6_cost_pips_shift_and_cost_per_lot():
    s = breakeven.summary(domain_pair())
    assert s["cost_pips_per_lot_before"] == pytest.approx(1.9, rel=1e-9)
    assert s["cost_pips_per_lot_after"] == pytest.approx(1.4, rel=1e-9)
    assert s["shift_pips"] == pytest.approx(0.5, rel=1e-9)
    # $1.90 per 0.10 lot = $19 per round-turn lot; $14 after the $5/lot rebate.
    assert s["cost_per_lot_before"] == pytest.approx(19.0, rel=1e-9)
    assert s["cost_per_lot_after"] == pytest.approx(14.0, rel=1e-9)


def test_domain_7_6_break_even_win_rates_from_profit():
    s = breakeven.summary(domain_pair())
    assert s["avg_win"] == pytest.approx(18.80)
    assert s["avg_loss"] == pytest.approx(16.20)
    assert s["cost_per_trade_before"] == pytest.approx(0.70)  # explicit only: the spread is inside Profit
    assert s["cost_per_trade_after"] == pytest.approx(0.20)
    assert s["win_rate_before"] == pytest.approx(16.9 / 35, rel=1e-12)
    assert s["win_rate_after"] == pytest.approx(16.4 / 35, rel=1e-12)
    assert round(s["win_rate_before"] * 100, 2) == 48.29
    assert round(s["win_rate_after"] * 100, 2) == 46.86
    assert s["actual_win_rate"] == 0.5
    assert s["pnl_basis"].startswith("MetaTrader Profit")
    assert (s["trades"], s["winners"], s["losers"]) == (2, 1, 1)


def test_mid_basis_gives_the_same_break_even_win_rate():
    s = breakeven.summary(domain_pair(), basis="mid")
    assert s["avg_win"] == pytest.approx(20.0, rel=1e-9)
    assert s["avg_loss"] == pytest.approx(15.0, rel=1e-9)
    assert s["cost_per_trade_before"] == pytest.approx(1.90, rel=1e-9)  # spread + commission
    assert s["win_rate_before"] == pytest.approx(16.9 / 35, rel=1e-9)
    assert s["win_rate_after"] == pytest.approx(16.4 / 35, rel=1e-9)
    assert s["pnl_basis"].startswith("mid_pnl")
    with pytest.raises(ValueError):
        breakeven.summary(domain_pair(), basis="net")


def test_expectancy_rises_by_exactly_the_rebate():
    s = breakeven.summary(domain_pair())
    assert s["expectancy_before"] == pytest.approx((18.10 - 16.90) / 2)
    assert s["expectancy_after"] == pytest.approx((18.60 - 16.40) / 2)
    assert s["expectancy_after"] - s["expectancy_before"] == pytest.approx(0.50)


def test_swap_is_carry_unless_asked_for():
    t = domain_pair(swap=[0.0, -0.30])
    default = breakeven.summary(t)
    assert default["cost_per_trade_before"] == pytest.approx(0.70)
    assert default["carry_per_trade"] == pytest.approx(-0.15)
    assert default["expectancy_before"] == pytest.approx(0.60)  # swap shown apart
    assert default["swap_in_cost"] is False
    with_swap = breakeven.summary(t, swap_in_cost=True)
    assert with_swap["cost_per_trade_before"] == pytest.approx(0.85)
    assert with_swap["win_rate_before"] == pytest.approx((16.2 + 0.85) / 35)
    assert with_swap["expectancy_before"] == pytest.approx(0.45)
    # (1.90 + 1.90 + 0.30) over 0.20 lot x $10 per pip: the swap adds 0.15 pip per lot.
    assert with_swap["cost_pips_per_lot_before"] == pytest.approx((3.80 + 0.30) / 2.0, rel=1e-9)


def test_no_winners_no_losers_no_trades_and_no_pip_value_give_none():
    t = domain_pair()
    losers_only = breakeven.summary(t.iloc[[1]])
    assert losers_only["win_rate_before"] is None and losers_only["avg_win"] is None
    assert losers_only["actual_win_rate"] == 0.0
    assert losers_only["cost_pips_per_lot_before"] == pytest.approx(1.9, rel=1e-9)
    assert breakeven.summary(t.iloc[[0]])["win_rate_after"] is None
    empty = breakeven.summary(t.iloc[0:0])
    assert empty["trades"] == 0
    assert all(empty[k] is None for k in breakeven.COLUMNS if k not in ("trades", "winners", "losers", "lots"))
    no_pip = t.copy()
    no_pip["pip_value"] = np.nan
    no_pip = costs.finish(no_pip)
    s = breakeven.summary(no_pip)
    assert s["cost_pips_per_lot_before"] is None and s["shift_pips"] is None
    assert s["cost_per_lot_before"] == pytest.approx(19.0, rel=1e-9)  # money per lot still known
    assert s["win_rate_before"] == pytest.approx(16.9 / 35, rel=1e-12)


def test_a_rebate_above_the_loss_reads_as_zero_percent():
    t = domain_pair()
    t["rebate"] = 40.0
    s = breakeven.summary(costs.finish(t))
    assert s["win_rate_after"] == 0.0


def test_by_group_matches_summary_of_each_subset():
    t = pd.concat([domain_pair(), domain_pair(account=["2", "2"], lots=[0.20, 0.30], commission=[-1.40, -2.10])],
                  ignore_index=True)
    t.loc[3, "pip_value"] = np.nan  # one trade without a pip value stays out of the pip ratio only
    t = costs.finish(t)
    table = breakeven.by(t, "account")
    assert list(table.index) == ["1", "2"]
    for account, row in table.iterrows():
        expected = breakeven.summary(t[t["account"] == account])
        for col in breakeven.COLUMNS:
            if expected[col] is None:
                assert np.isnan(row[col]), col
            else:
                assert row[col] == pytest.approx(expected[col]), col
    assert table.loc["2", "cost_pips_per_lot_before"] == pytest.approx(1.9, rel=1e-9)
    assert table.loc["2", "trades"] == 2
    by_symbol = breakeven.by(t, "symbol")
    assert list(by_symbol.index) == ["EURUSD"] and by_symbol.loc["EURUSD", "trades"] == 4
    assert breakeven.by(t, "category").index.tolist() == ["fx_major"]


def equity_frame() -> pd.DataFrame:
    # Mon, Tue, Wed and Fri 4-8 March 2024; Thursday has no close and counts as a 0 day.
    return pd.DataFrame({
        "close_time": pd.to_datetime(["2024-03-04 12:00", "2024-03-05 12:00", "2024-03-06 12:00",
                                      "2024-03-08 12:00"]),
        "broker_net": [100.0, -60.0, 30.0, -80.0],
        "rebate": [4.0, 6.0, 2.0, 8.0],
        "transaction_cost": [10.0, 10.0, 10.0, 10.0],
        "mid_pnl": [110.0, -50.0, 40.0, -70.0],
    }).assign(net_after_rebate=lambda d: d["broker_net"] + d["rebate"])


def test_equity_effect_without_cash():
    e = breakeven.equity_effect(equity_frame())
    # Cumulative: 0, 100, 40, 70, -10 (without); 0, 104, 50, 82, 10 (with rebates).
    assert e["max_drawdown_without"] == pytest.approx(110.0)
    assert e["max_drawdown_with"] == pytest.approx(94.0)
    assert e["drawdown_basis"] == "cumulative_pnl"
    assert e["max_drawdown_pct_without"] == pytest.approx(110.0)  # of the 100 peak
    assert e["max_drawdown_pct_with"] == pytest.approx(94.0 / 104.0 * 100)
    # Days Mon..Fri: [100, -60, 30, 0, -80] and [104, -54, 32, 0, -72].
    assert e["daily_pnl_vol_without"] == pytest.approx(np.sqrt(20880 / 4))
    assert e["daily_pnl_vol_with"] == pytest.approx(np.sqrt(19920 / 4))
    assert e["share_of_losses_covered"] == pytest.approx(20.0 / 140.0)
    assert e["share_of_costs_covered"] == pytest.approx(0.5)
    assert e["rebate_pct_of_costs"] == pytest.approx(50.0)
    assert e["cost_pct_of_gross_profit"] == pytest.approx(40.0 / 150.0 * 100)


def test_equity_effect_with_a_balance():
    cash = model.cash_frame({
        "account": ["1"] * 4, "ticket": [1, 2, 3, 4],
        "time": [datetime(2024, 3, 1), datetime(2024, 3, 1), datetime(2024, 3, 2), datetime(2024, 3, 5, 23)],
        "kind": ["deposit", "credit", "rebate", "withdrawal"], "amount": [1000.0, 500.0, 20.0, -200.0],
    })
    e = breakeven.equity_effect(equity_frame(), cash)
    assert e["drawdown_basis"] == "balance"
    # Peak balance 1,000 + 100 (credit and the paid rebate row are not in it); the withdrawal
    # after the peak moves the balance, not the drawdown, but it lowers the balance peak the loss is
    # measured against: 1,100 - 200 = 900 (= balance 790 at the trough + drawdown 110).
    assert e["max_drawdown_without"] == pytest.approx(110.0)
    assert e["max_drawdown_pct_without"] == pytest.approx(110.0 / 900.0 * 100)
    # With rebates: peak 1,104, minus the withdrawal: 904; trough 810 (drawdown 94).
    assert e["max_drawdown_pct_with"] == pytest.approx(94.0 / 904.0 * 100)


def test_drawdown_pct_refilled_by_deposits_stays_below_100():
    # Deposit 1,000, lose 900, deposit 1,000, lose 900: the balance never goes below 100, so the
    # drawdown in percent cannot reach 100%. Money drawdown: 1,800 from the 0 peak of the P&L
    # curve; balance peak it is measured against: 1,000 + the second deposit = 2,000 -> 90%.
    t = pd.DataFrame({"close_time": pd.to_datetime(["2024-03-04", "2024-03-06"]),
                      "broker_net": [-900.0, -900.0], "net_after_rebate": [-900.0, -900.0]})
    cash = model.cash_frame({"account": ["1", "1"], "ticket": [1, 2],
                             "time": [datetime(2024, 3, 1), datetime(2024, 3, 5)],
                             "kind": ["deposit", "deposit"], "amount": [1000.0, 1000.0]})
    e = breakeven.equity_effect(t.assign(rebate=0.0, transaction_cost=0.0, mid_pnl=t["broker_net"]), cash)
    assert e["max_drawdown_without"] == pytest.approx(1800.0)
    assert e["max_drawdown_pct_without"] == pytest.approx(90.0)


def test_equity_effect_edge_cases():
    f = equity_frame()
    winners = breakeven.equity_effect(f[f["broker_net"] > 0])
    assert winners["share_of_losses_covered"] is None
    assert winners["max_drawdown_without"] == 0.0
    one_day = breakeven.equity_effect(f.iloc[[0]])
    assert one_day["daily_pnl_vol_without"] is None
    empty = breakeven.equity_effect(f.iloc[0:0])
    assert empty["max_drawdown_without"] is None and empty["cost_pct_of_gross_profit"] is None
    assert empty["rebate_pct_of_costs"] is None and empty["losses"] == 0.0
    losers = breakeven.equity_effect(f[f["broker_net"] < 0])
    assert losers["max_drawdown_pct_without"] is None  # never above 0: no base for a percentage
    assert losers["cost_pct_of_gross_profit"] is None


def test_by_many_gives_the_same_tables_as_by():
    t = domain_pair(account=["1", "2"])
    many = breakeven.by_many(t, ("symbol", "account"))
    for key, table in many.items():
        pd.testing.assert_frame_equal(table, breakeven.by(t, key))
    assert many["account"]["cost_pips_per_lot_before"].tolist() == pytest.approx([1.9, 1.9])
