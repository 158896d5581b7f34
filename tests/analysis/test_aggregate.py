"""Aggregations (issue 3, section 9): symbol, category, month, week, weekday, hour, holding time, side, account."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from fxcost import model
from fxcost.analysis import aggregate, costs
from tests.frames import assert_same_bits


def three_trades() -> pd.DataFrame:
    """Hand-priced trades, M = 100,000 ($10 per pip per lot), 1.2-pip spread, $7 RT commission, $5/lot rebate.

    A: account 1, buy 0.10 EURUSD, Mon 4 Mar 10:00:00-10:00:30, +18.80 (spread 1.20, commission -0.70)
    B: account 1, sell 0.20 EURUSD, Tue 5 Mar 09:00-11:00, -20.00 (spread 2.40, commission -1.40)
    C: account 2, buy 1.00 GBPUSD, Mon 1 Apr 10:00 - Wed 10 Apr 10:00, +100.00 (spread 12.00, commission -7.00)
    """
    cols = {
        "account": ["1", "1", "2"], "ticket": [1, 2, 3],
        "open_time": [datetime(2024, 3, 4, 10), datetime(2024, 3, 5, 9), datetime(2024, 4, 1, 10)],
        "close_time": [datetime(2024, 3, 4, 10, 0, 30), datetime(2024, 3, 5, 11), datetime(2024, 4, 10, 10)],
        "side": ["buy", "sell", "buy"], "lots": [0.10, 0.20, 1.00],
        "symbol": ["EURUSD", "EURUSD", "GBPUSD"], "symbol_root": ["EURUSD", "EURUSD", "GBPUSD"],
        "open_price": [1.08512, 1.08500, 1.27000], "close_price": [1.08700, 1.08600, 1.27100],
        "commission": [-0.70, -1.40, -7.00], "profit": [18.80, -20.00, 100.00], "digits": [5, 5, 5],
    }
    t = costs.decompose(model.trades_frame(cols), "USD", np.full(3, 0.00012), np.full(3, "test", dtype=object))
    t["rebate"] = 5.0 * t["lots"]
    return costs.finish(t)


def test_by_symbol_sums_and_ratios():
    s = aggregate.by(three_trades(), "symbol")
    assert list(s.index) == ["EURUSD", "GBPUSD"]
    e = s.loc["EURUSD"]
    assert e["trades"] == 2
    assert e["lots"] == pytest.approx(0.30)
    assert e["profit"] == pytest.approx(-1.20)
    assert e["spread_cost"] == pytest.approx(3.60)
    assert e["commission"] == pytest.approx(-2.10)
    assert e["broker_net"] == pytest.approx(-3.30)
    assert e["rebate"] == pytest.approx(1.50)
    assert e["net_after_rebate"] == pytest.approx(-1.80)
    assert e["transaction_cost"] == pytest.approx(5.70)
    assert e["cost_per_lot"] == pytest.approx(19.0)  # 5.70 / 0.30
    assert e["cost_per_lot_after"] == pytest.approx(14.0)
    assert e["cost_pips_per_lot"] == pytest.approx(1.9)  # 5.70 / (0.30 x $10)
    assert e["cost_pips_per_lot_after"] == pytest.approx(1.4)
    assert e["win_rate"] == 0.5
    # Notional at open: 0.1 x 1.08512 x 100,000 + 0.2 x 1.085 x 100,000 = 32,551.20 USD.
    assert e["bps_before"] == pytest.approx(5.70 / 32_551.20 * 1e4)
    assert e["bps"] == pytest.approx(4.20 / 32_551.20 * 1e4)
    g = s.loc["GBPUSD"]
    assert (g["trades"], g["cost_pips_per_lot"], g["win_rate"]) == (1, pytest.approx(1.9), 1.0)


@pytest.mark.parametrize("key, expected", [
    ("category", {"fx_major": 3}),
    ("month", {pd.Period("2024-03", "M"): 2, pd.Period("2024-04", "M"): 1}),
    ("weekday", {"Mon": 1, "Tue": 1, "Wed": 1}),
    ("hour", {10: 2, 11: 1}),
    ("hold", {"<1 min": 1, "1–4 h": 1, ">7 d": 1}),
    ("side", {"buy": 2, "sell": 1}),
    ("account", {"1": 2, "2": 1}),
])
def test_every_key_groups_by_close_time_and_keeps_calendar_order(key, expected):
    table = aggregate.by(three_trades(), key)
    assert dict(table["trades"]) == expected
    assert list(table.index) == list(expected)  # months, weekdays and holds in calendar / duration order


def test_weeks_run_monday_to_sunday():
    table = aggregate.by(three_trades(), "week")
    starts = [p.start_time for p in table.index]
    assert starts == [pd.Timestamp("2024-03-04"), pd.Timestamp("2024-04-08")]
    assert table["trades"].tolist() == [2, 1]
    assert table["broker_net"].tolist() == pytest.approx([18.10 - 21.40, 93.00])


def test_groups_add_up_to_the_total():
    t = three_trades()
    total = aggregate.total(t)
    assert total["broker_net"] == pytest.approx(18.10 - 21.40 + 93.00)
    assert total["cost_pips_per_lot"] == pytest.approx(1.9)  # 24.70 / (1.30 x $10)
    assert total["cost_pips_per_lot_after"] == pytest.approx((24.70 - 6.50) / 13.0)
    for key in aggregate.KEYS:
        table = aggregate.by(t, key)
        assert table["trades"].sum() == 3
        assert table["net_transaction_cost"].sum() == pytest.approx(total["net_transaction_cost"])


def test_unknown_key_is_a_clear_error():
    with pytest.raises(ValueError, match="cannot group by 'colour'"):
        aggregate.by(three_trades(), "colour")


def test_by_many_gives_the_same_tables_as_by():
    t = three_trades()
    many = aggregate.by_many(t)
    assert list(many) == list(aggregate.KEYS)
    for key, table in many.items():
        pd.testing.assert_frame_equal(table, aggregate.by(t, key))


def test_a_users_own_category_survives_the_engine():
    from fxcost.analysis.engine import AnalysisSettings, costed_trades
    from fxcost.analysis.instruments import InstrumentSettings

    t = three_trades()[list(model.TRADE_COLUMNS)]
    settings = AnalysisSettings(instruments=InstrumentSettings(categories={"GBPUSD": "cable"}))
    out = costed_trades(t, "USD", settings)
    assert out["category"].tolist() == ["fx_major", "fx_major", "cable"]
    assert not isinstance(out["category"].dtype, pd.CategoricalDtype)  # plain text again outside the engine
    assert out["symbol_root"].dtype == t["symbol_root"].dtype and out["account"].dtype == t["account"].dtype


def _many_trades(n: int = 5000, seed: int = 3) -> pd.DataFrame:
    """``three_trades`` repeated with random times (before and after 1970), sizes and costs, in random order."""
    rng = np.random.default_rng(seed)
    t = three_trades().iloc[rng.integers(0, 3, n)].reset_index(drop=True)
    ns = rng.integers(-2 * 10**18, 2 * 10**18, n)
    t["close_time"] = ns.view("datetime64[ns]")
    t["open_time"] = (ns - rng.integers(0, 10**13, n)).view("datetime64[ns]")
    t["hold_seconds"] = (t["close_time"] - t["open_time"]).dt.total_seconds()
    for col in ("profit", "spread_cost", "commission", "rebate", "broker_net", "transaction_cost"):
        t[col] = t[col] * rng.random(n)
    return costs.finish(t)


@pytest.mark.parametrize("key", ["month", "week", "year", "weekday", "hour"])
def test_calendar_keys_are_pandas_own(key):
    # Issue 10: the calendar keys come from integer arithmetic on the nanoseconds; pandas' accessors agree.
    t = _many_trades()
    pd.testing.assert_series_equal(aggregate.key_series(t, key), aggregate._calendar_key(t["close_time"], key))
    t.loc[7, "close_time"] = pd.NaT  # a missing time: pandas' accessors decide (NaN hour, no weekday)
    pd.testing.assert_series_equal(aggregate.key_series(t, key), aggregate._calendar_key(t["close_time"], key))


@pytest.mark.parametrize("variant", ["as_is", "zero_taxes_usd_pips", "nan_and_negative_zero", "one_account"])
def test_by_many_sums_as_by_does(variant):
    # Issue 10: by_many leaves equal and zero columns out of the sums and sums one-group keys once; every figure
    # is by's, bit for bit (pandas sums sorted groups and others differently: both paths are met here).
    t = _many_trades()
    if variant == "zero_taxes_usd_pips":
        t["taxes"], t["usd_rate"] = 0.0, 1.0
    elif variant == "nan_and_negative_zero":
        t.loc[::50, "spread_cost"] = np.nan
        t["taxes"] = -0.0
        t.loc[::9, "pip_value"] = np.nan
    elif variant == "one_account":
        t["account"] = pd.Categorical(["1"] * len(t))
        t["side"] = pd.Categorical(["buy"] * len(t))
        t = t.sort_values("close_time", kind="stable").reset_index(drop=True)
    parts = aggregate.addends(t)
    if variant == "zero_taxes_usd_pips":
        assert parts.same["taxes"] is None and parts.same["_tc_usd"] == "transaction_cost"
    keys = (*aggregate.KEYS, "year")
    many = aggregate.by_many(t, keys, parts=parts)
    for key in keys:
        assert_same_bits(many[key], aggregate.by(t, key))
