"""Balance timeline, notional, margin, effective and concurrent leverage, and lot scaling."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from fxcost import model
from fxcost.analysis import breakeven, costs, exposure


def costed(rows: list[dict], rebate_per_lot: float = 5.0) -> pd.DataFrame:
    """EURUSD trades through the real decomposition (M = 100,000, 1-pip spread, $7 RT/lot commission)."""
    cols: dict[str, list] = {k: [r[k] for r in rows] for k in rows[0]}
    n = len(rows)
    cols.setdefault("account", ["1"] * n)
    cols.setdefault("ticket", list(range(1, n + 1)))
    cols["symbol"] = cols["symbol_root"] = ["EURUSD"] * n
    cols["digits"] = [5] * n
    cols["side"] = ["buy"] * n
    lots = np.array(cols["lots"])
    cols["profit"] = list(np.round((np.array(cols["close_price"]) - np.array(cols["open_price"])) * 1e5 * lots, 2))
    cols["commission"] = list(-7.0 * lots)
    t = costs.decompose(model.trades_frame(cols), "USD", np.full(n, 0.0001), np.full(n, "test", dtype=object))
    t["rebate"] = rebate_per_lot * t["lots"]
    return costs.finish(t)


def three_trades() -> pd.DataFrame:
    # A (1 lot) 10:00-14:00, B (0.5 lot) 12:00-next day: they overlap. C (1 lot) opens at 14:00
    # exactly when A closes: not concurrent with A, and A's result is already in the balance.
    return costed([
        dict(open_time=datetime(2024, 3, 4, 10), close_time=datetime(2024, 3, 4, 14), lots=1.0,
             open_price=1.10000, close_price=1.10100),
        dict(open_time=datetime(2024, 3, 4, 12), close_time=datetime(2024, 3, 5, 10), lots=0.5,
             open_price=1.10000, close_price=1.09900),
        dict(open_time=datetime(2024, 3, 4, 14), close_time=datetime(2024, 3, 6, 10), lots=1.0,
             open_price=1.20000, close_price=1.20100),
    ])


def cash() -> pd.DataFrame:
    return model.cash_frame({
        "account": ["1", "1"], "ticket": [10, 11], "time": [datetime(2024, 3, 1), datetime(2024, 3, 1)],
        "kind": ["deposit", "credit"], "amount": [10_000.0, 5_000.0],
    })


def test_balance_timeline_excludes_credit_by_default():
    t = three_trades()
    tl = exposure.balance_timeline(t, cash())
    assert tl["kind"].tolist() == ["deposit", "trade", "trade", "trade"]
    # A: 100 - 7 = 93; B: -50 - 3.5; C: 100 - 7.
    assert tl["balance"].to_numpy() == pytest.approx([10_000.0, 10_093.0, 10_039.5, 10_132.5])
    assert tl["ticket"].tolist() == [10, 1, 2, 3]
    with_credit = exposure.balance_timeline(t, cash(), include_credit=True)
    assert with_credit["balance"].iloc[-1] == pytest.approx(15_132.5)
    accrued = exposure.balance_timeline(t, cash(), pnl="net_after_rebate")
    assert accrued["balance"].iloc[-1] == pytest.approx(10_132.5 + 12.5)
    assert exposure.balance_timeline(t)["balance"].iloc[0] == pytest.approx(93.0)  # no cash: P&L only


def test_leverage_with_a_deposit_and_overlapping_trades():
    r = exposure.leverage(three_trades(), cash(), 100)
    p = r["per_trade"]
    assert p["notional"].to_numpy() == pytest.approx([110_000.0, 55_000.0, 120_000.0], rel=1e-9)
    assert p["margin"].to_numpy() == pytest.approx([1_100.0, 550.0, 1_200.0], rel=1e-9)
    assert p["balance_at_open"].to_numpy() == pytest.approx([10_000.0, 10_000.0, 10_093.0])
    assert p["effective_leverage"].to_numpy() == pytest.approx([11.0, 5.5, 120_000 / 10_093], rel=1e-9)
    assert p["concurrent_notional"].to_numpy() == pytest.approx([110_000.0, 165_000.0, 175_000.0], rel=1e-9)
    assert p["concurrent_leverage"].to_numpy() == pytest.approx([11.0, 16.5, 175_000 / 10_093], rel=1e-9)
    assert p["rebate_per_margin"].to_numpy() == pytest.approx([5 / 1100, 2.5 / 550, 5 / 1200], rel=1e-9)
    assert r["max_effective_leverage"] == pytest.approx(120_000 / 10_093, rel=1e-9)
    assert r["avg_effective_leverage"] == pytest.approx((11.0 + 5.5 + 120_000 / 10_093) / 3, rel=1e-9)
    assert r["max_concurrent_notional"] == pytest.approx(175_000.0, rel=1e-9)
    assert r["max_concurrent_leverage"] == pytest.approx(175_000 / 10_093, rel=1e-9)
    assert r["max_concurrent_margin"] == pytest.approx(1_750.0, rel=1e-9)
    assert r["total_margin"] == pytest.approx(2_850.0, rel=1e-9)
    assert r["rebate_per_margin"] == pytest.approx(12.5 / 2_850, rel=1e-9)
    assert r["rebate_per_peak_margin"] == pytest.approx(12.5 / 1_750, rel=1e-9)


def test_positions_opened_together_see_each_other_and_accounts_stay_apart():
    rows = [dict(account=a, open_time=datetime(2024, 3, 4, 10), close_time=datetime(2024, 3, 4, 11), lots=1.0,
                 open_price=1.10000, close_price=1.10100) for a in ("1", "1", "2")]
    r = exposure.leverage(costed(rows), None, {"1": 100, "2": 500})
    p = r["per_trade"]
    assert p["concurrent_notional"].to_numpy() == pytest.approx([220_000.0, 220_000.0, 110_000.0], rel=1e-9)
    assert p["margin"].to_numpy() == pytest.approx([1_100.0, 1_100.0, 220.0], rel=1e-9)
    # No deposits in the history: the balance at open is 0, so no effective leverage.
    assert p["effective_leverage"].isna().all()
    assert r["max_effective_leverage"] is None


def test_no_leverage_and_no_trades_give_none():
    r = exposure.leverage(three_trades(), cash(), None)
    assert r["per_trade"]["margin"].isna().all()
    assert r["total_margin"] is None and r["rebate_per_margin"] is None and r["max_concurrent_margin"] is None
    assert r["max_effective_leverage"] == pytest.approx(120_000 / 10_093, rel=1e-9)
    empty = exposure.leverage(three_trades().iloc[0:0], cash(), 100)
    assert len(empty["per_trade"]) == 0 and empty["max_concurrent_notional"] is None
    assert len(exposure.balance_timeline(three_trades().iloc[0:0], None)) == 0


def test_scale_multiplies_lots_money_and_rebates_not_per_lot_figures():
    t = three_trades()
    s = exposure.scale(t, 2.0)
    for col in ("lots", "profit", "commission", "spread_cost", "rebate", "broker_net", "net_after_rebate",
                "transaction_cost", "net_transaction_cost", "mid_pnl", "notional_usd"):
        assert s[col].to_numpy() == pytest.approx(2.0 * t[col].to_numpy()), col
    for col in ("cost_pips", "cost_pips_after", "bps", "pip_value", "m"):
        assert s[col].to_numpy() == pytest.approx(t[col].to_numpy()), col
    assert t["lots"].tolist() == [1.0, 0.5, 1.0]  # the input is left alone
    with pytest.raises(ValueError):
        exposure.scale(t, 0.0)


def test_scale_comparison_drawdown_grows_faster_than_k_in_percent():
    t = three_trades()
    table = exposure.scale_comparison(t, (1.0, 3.0), cash()).set_index("k")
    # Only B loses: 53.5 without rebates, 51.0 with its 2.5 rebate; the peak balance is 10,093 (x k).
    assert table.loc[1.0, "max_drawdown"] == pytest.approx(53.5)
    assert table.loc[3.0, "max_drawdown"] == pytest.approx(160.5)
    assert table.loc[3.0, "max_drawdown_with_rebates"] == pytest.approx(3 * 51.0)
    assert table.loc[1.0, "max_drawdown_pct"] == pytest.approx(53.5 / 10_093 * 100)
    assert table.loc[3.0, "max_drawdown_pct"] == pytest.approx(160.5 / 10_279 * 100)
    assert table.loc[3.0, "rebate"] == pytest.approx(37.5)
    dd = exposure.max_drawdown(exposure.scale(t, 3.0), cash())
    assert dd["max_drawdown"] == pytest.approx(160.5) and dd["drawdown_basis"] == "balance"
    assert breakeven.equity_effect(exposure.scale(t, 3.0), cash())["max_drawdown_with"] == pytest.approx(153.0)


@pytest.mark.parametrize("cash", [None, ["9", "2", "9"], ["2"]])
def test_event_accounts_read_off_a_categorical_are_the_factorised_texts(cash):
    # Issue 10: a keyed account column's codes give the sweep the codes pd.factorize gives the texts.
    texts = ["3", "1", "3", "2", "1"]
    cash_accounts = None if cash is None else pd.Series(cash, dtype=object)
    expected = pd.factorize(np.array((cash or []) + texts, dtype=object))[0]
    for trades in (pd.Series(texts, dtype=object), pd.Series(pd.Categorical(texts)),
                   pd.Series(pd.Categorical(texts, categories=["1", "2", "3", "4"]))):
        assert exposure._event_accounts(trades, cash_accounts).tolist() == expected.tolist()
