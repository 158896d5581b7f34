"""Per-trade decomposition (DOMAIN.md 7.2, 7.6) and M derivation (2.4)."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fxcost import model
from fxcost.analysis import costs, instruments
from fxcost.analysis.costs import CommissionSchedule
from fxcost.analysis.instruments import InstrumentSettings
from fxcost.analysis.spreads import SpreadProfile, load_profile


def trade(**kw):
    base = dict(ticket=[1], open_time=[datetime(2024, 3, 4, 10)], close_time=[datetime(2024, 3, 4, 12)],
                side=["buy"], lots=[0.10], symbol=["EURUSD"], symbol_root=["EURUSD"], open_price=[1.08512],
                close_price=[1.08700], commission=[-0.70], profit=[18.80], digits=[5])
    base.update(kw)
    return model.trades_frame(base)


def test_domain_7_6_worked_example():
    t = costs.decompose(trade(), "USD", np.array([0.00012]), np.array(["test"]))
    row = t.iloc[0]
    assert row["m"] == pytest.approx(100_000.0)
    assert row["m_source"] == "implied"
    assert row["pip_value"] == pytest.approx(10.0)
    assert row["spread_cost"] == pytest.approx(1.20)
    assert row["mid_pnl"] == pytest.approx(20.00)
    assert row["broker_net"] == pytest.approx(18.10)
    assert row["transaction_cost"] == pytest.approx(1.90)
    assert row["cost_pips"] == pytest.approx(1.9)
    t["rebate"] = 0.50
    t = costs.finish(t)
    row = t.iloc[0]
    assert row["net_after_rebate"] == pytest.approx(18.60)
    assert row["net_transaction_cost"] == pytest.approx(1.40)
    assert row["cost_pips_after"] == pytest.approx(1.4)
    assert row["cost_per_lot"] == pytest.approx(19.0)  # $1.90 on 0.10 lot, per round-turn lot
    assert row["cost_per_lot_after"] == pytest.approx(14.0)
    # DOMAIN 8: notional $10,850.60 at the mid; at the ask 1.08512 it is $10,851.20.
    assert row["notional_usd"] == pytest.approx(10_851.20)
    assert row["bps_before"] == pytest.approx(1.90 / 10_851.20 * 1e4)
    assert row["usd_per_million"] == pytest.approx(1.40 / 10_851.20 * 1e6)


def test_commission_schedule_keys_are_checked():
    with pytest.raises(ValueError, match="unknown key.*'rte'"):
        CommissionSchedule.from_dict({"rte": 7})
    with pytest.raises(ValueError, match="must be a number >= 0"):
        CommissionSchedule.from_dict({"rate": -7})
    assert CommissionSchedule.from_dict({"rate": 7, "per": "per_side"}).per == "per_side"


def test_spread_is_never_subtracted_from_profit_twice():
    t = costs.decompose(trade(), "USD", np.array([0.00012]), np.array(["test"]))
    assert t.loc[0, "broker_net"] == pytest.approx(18.80 - 0.70)  # not 18.80 - 1.20 - 0.70


def test_usdjpy_m_is_contract_over_rate():
    # DOMAIN 2.4: buy USDJPY 0.30 lot 150.000 -> 150.500, Profit 99.67 -> M = 664.45
    t = costs.decompose(trade(symbol=["USDJPY"], symbol_root=["USDJPY"], open_price=[150.0], close_price=[150.5],
                              lots=[0.30], profit=[99.67], commission=[0.0], digits=[3]),
                        "USD", np.array([0.014]), np.array(["test"]))
    assert t.loc[0, "m"] == pytest.approx(664.47, rel=1e-4)
    assert t.loc[0, "pip"] == 0.01
    # 1.4-pip spread at 0.30 lots: 0.014 * 664.47 * 0.30
    assert t.loc[0, "spread_cost"] == pytest.approx(0.014 * 664.47 * 0.30, rel=1e-4)


def test_tiny_trade_takes_the_symbol_median():
    n = 5
    t = trade(ticket=list(range(1, n + 2)),
              open_time=[datetime(2024, 3, d, 10) for d in range(1, n + 2)],
              close_time=[datetime(2024, 3, d, 12) for d in range(1, n + 2)],
              side=["sell"] * (n + 1), lots=[0.20] * n + [0.01], symbol=["EURGBP"] * (n + 1),
              symbol_root=["EURGBP"] * (n + 1), open_price=[0.85500] * (n + 1),
              close_price=[0.85300] * n + [0.85499], commission=[0.0] * (n + 1),
              profit=[50.80] * n + [0.01], digits=[5] * (n + 1))
    c = costs.decompose(t, "USD", np.zeros(n + 1), np.array(["x"] * (n + 1), dtype=object))
    assert (c["m_source"][:n] == "implied").all()
    assert c["m"][:n].to_numpy() == pytest.approx(127_000.0)
    assert c.loc[n, "m_source"] == "median"
    assert c.loc[n, "m"] == pytest.approx(127_000.0)  # not 0.01 / (0.00001 * 0.01) = 100,000


def test_symbol_without_usable_trades_gets_default_and_user_override():
    t = trade(symbol=["XAUUSD"], symbol_root=["XAUUSD"], open_price=[2000.00], close_price=[2000.00],
              profit=[0.0], commission=[0.0], lots=[0.05], digits=[2])
    c = costs.decompose(t, "USD", np.array([0.30]), np.array(["x"], dtype=object))
    assert c.loc[0, "m_source"] == "default" and c.loc[0, "m"] == pytest.approx(100.0)
    assert c.loc[0, "spread_cost"] == pytest.approx(1.50)  # DOMAIN 3.2: 0.30 x 100 x 0.05
    user = InstrumentSettings(contract_size={"XAUUSD": 10.0})
    c = costs.decompose(t, "USD", np.array([0.30]), np.array(["x"], dtype=object), instrument_settings=user)
    assert c.loc[0, "m_source"] == "user" and c.loc[0, "spread_cost"] == pytest.approx(0.15)


def test_commission_schedule_only_where_missing_and_per_side_doubles():
    t = trade(ticket=[1, 2], open_time=[datetime(2024, 3, 4, 10)] * 2, close_time=[datetime(2024, 3, 4, 12)] * 2,
              side=["buy"] * 2, lots=[0.10, 1.0], symbol=["EURUSD"] * 2, symbol_root=["EURUSD"] * 2,
              open_price=[1.08512] * 2, close_price=[1.08700] * 2, commission=[-0.70, 0.0],
              profit=[18.80, 188.0], digits=[5] * 2)
    rt = CommissionSchedule(rate=7.0, per="round_turn")
    c = costs.decompose(t, "USD", np.zeros(2), np.array(["x", "x"], dtype=object), commission=rt)
    assert list(c["commission"]) == [-0.70, -7.0]
    assert list(c["commission_source"]) == ["export", "schedule: Commission"]
    side = CommissionSchedule(rate=3.5, per="per_side", apply="always")
    c = costs.decompose(t, "USD", np.zeros(2), np.array(["x", "x"], dtype=object), commission=side)
    assert list(c["commission"]) == [-0.70, -7.0]
    with pytest.raises(ValueError, match="per_side"):
        CommissionSchedule.from_dict({"per": "both"})


def test_categories_and_pips():
    cases = {"EURUSD": "fx_major", "EURGBP": "fx_minor", "USDTRY": "fx_exotic", "XAUUSD": "metal",
             "US30": "index", "USOIL": "energy", "BTCUSD": "crypto", "AAPL": "stock"}
    for root, cat in cases.items():
        assert instruments.category(root) == cat, root
    assert instruments.pip_size("USDJPY", "fx_major", 3) == 0.01
    assert instruments.pip_size("EURUSD", "fx_major", 5) == 0.0001
    assert instruments.quote_currency("GER40") == "EUR"


def test_bundled_profiles_and_units():
    std = load_profile("standard")
    raw = load_profile("Typical Raw/ECN account")
    assert std.spreads["EURUSD"].value == 1.3 and std.spreads["EURUSD"].source
    assert raw.spreads["EURUSD"].value < std.spreads["EURUSD"].value
    frame = pd.DataFrame({"symbol_root": ["EURUSD", "XAUUSD", "NZDJPY", "ZZZ"],
                          "category": ["fx_major", "metal", "fx_minor", "other"],
                          "pip": [0.0001, 0.1, 0.01, 0.01], "point": [0.00001, 0.01, 0.001, 0.01]})
    price, source = std.spread_price(frame)
    assert price == pytest.approx([0.00013, 0.36, 0.027, 0.0])
    assert "fx_minor average" in source[2] and source[3].startswith("default")


def test_minimal_profile_file_shape(tmp_path):
    p = SpreadProfile.from_dict({"name": "Mine", "unit": "pips", "spreads": {"eurusd": 1.2}})
    frame = pd.DataFrame({"symbol_root": ["EURUSD"], "category": ["fx_major"], "pip": [0.0001], "point": [1e-5]})
    assert p.spread_price(frame)[0] == pytest.approx([0.00012])
    from fxcost.analysis.spreads import ProfileError
    with pytest.raises(ProfileError, match="unit"):
        SpreadProfile.from_dict({"name": "x", "unit": "bananas"})
    with pytest.raises(ProfileError, match="spreads.EURUSD"):
        SpreadProfile.from_dict({"name": "x", "spreads": {"EURUSD": "wide"}})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ProfileError, match="not valid JSON"):
        load_profile(bad)


def test_the_users_alias_table_renames_roots_before_anything_is_priced():
    from fxcost.analysis.engine import AnalysisSettings, costed_trades

    # A broker's own gold name the importer cannot know ("MYGOLD" is "other"); 1 lot, +$1.00 move.
    t = trade(ticket=[1, 2], open_time=[datetime(2024, 3, 4, 10)] * 2, close_time=[datetime(2024, 3, 4, 12)] * 2,
              side=["buy", "buy"], lots=[1.0, 0.10], symbol=["mygold.r", "EURUSD"], symbol_root=["MYGOLD", "EURUSD"],
              open_price=[2300.00, 1.08512], close_price=[2301.00, 1.08700], commission=[0.0, -0.70],
              profit=[100.0, 18.80], digits=[2, 5])
    plain = costed_trades(t, "USD", AnalysisSettings())
    assert plain["symbol_root"].tolist() == ["MYGOLD", "EURUSD"] and plain["category"].iloc[0] == "other"
    settings = AnalysisSettings(instruments=InstrumentSettings(aliases={"MYGOLD": "XAUUSD"}))
    out = costed_trades(t, "USD", settings)
    assert out["symbol_root"].tolist() == ["XAUUSD", "EURUSD"]
    assert out["category"].tolist() == ["metal", "fx_major"]
    # Standard profile: XAUUSD 0.36 in price units x M 100 (100 oz) x 1 lot = $36.00.
    assert out["spread_cost"].iloc[0] == pytest.approx(36.0)
    assert out["spread_source"].iloc[0] == "profile: Typical Standard account"
    by_raw = costed_trades(t, "USD", AnalysisSettings(instruments=InstrumentSettings(aliases={"mygold.r": "XAUUSD"})))
    assert by_raw["symbol_root"].iloc[0] == "XAUUSD"
    assert t["symbol_root"].tolist() == ["MYGOLD", "EURUSD"]  # the caller's frame is left alone


def test_cost_after_rebate_says_whether_swap_is_in():
    # Review item 11: the chart plots swap as a component; the total excludes it (DOMAIN 5: swap is carry)
    # unless the user counts it, and the label must say which.
    t = costs.decompose(trade(swap=[-0.35]), "USD", np.array([0.00012]), np.array(["test"]))
    t["rebate"] = 0.50
    t = costs.finish(t)
    assert costs.cost_after_rebate(t).tolist() == pytest.approx([1.40])  # 1.20 + 0.70 - 0.50
    assert costs.cost_after_rebate(t, include_swap=True).tolist() == pytest.approx([1.75])  # + 0.35 swap charged
    label, tip = costs.cost_after_rebate_label()
    assert label == "Trading cost after rebate (excl. swap)" and "Swap is carry" in tip
    label, tip = costs.cost_after_rebate_label(include_swap=True)
    assert label == "Total cost after rebate (incl. swap)" and "swap charged" in tip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.one_of(st.just(float("nan")),
                                                      st.floats(-1e6, 1e6, allow_nan=False))), min_size=1))
def test_group_median_is_pandas_groupby_median(rows):
    """instruments.group_median (M's medians per symbol and month, issue 14) gives pandas' own value, bit for bit."""
    groups = np.array([g for g, _ in rows])
    values = np.array([v for _, v in rows])
    expected = pd.DataFrame({"g": groups, "v": values}).groupby("g")["v"].transform("median").to_numpy()
    assert np.array_equal(instruments.group_median(groups, values), expected, equal_nan=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.integers(0, 6), st.sampled_from([32_767, 32_768, 65_536, 65_537, 98_304])),
                          st.floats(-1e6, 1e6, allow_nan=False), st.booleans()), min_size=1))
def test_group_median_with_the_values_sorted_before_some_turned_nan(rows):
    """group_median's ``order`` (issue 10: M's three medians sort the values once): the order of the values before
    some were set to NaN gives pandas' median of the values after, for codes that fit a radix sort and codes that
    do not (which would collide as 16-bit integers)."""
    groups = np.array([g for g, _, _ in rows])
    before = np.array([v for _, v, _ in rows])
    after = np.where(np.array([drop for _, _, drop in rows]), np.nan, before)
    expected = pd.DataFrame({"g": groups, "v": after}).groupby("g")["v"].transform("median").to_numpy()
    got = instruments.group_median(groups, after, instruments.value_order(before))
    assert np.array_equal(got, expected, equal_nan=True)


def test_same_second_pairs_cross_every_buy_with_every_sell_up_to_the_cap():
    """observed_spreads._cross (issue 14): per account, symbol and second, each of the first MAX_SIDE buys with each
    of the first MAX_SIDE sells."""
    from fxcost.analysis import observed_spreads

    key = np.array([5, 5, 5, 7, 7, 9] + [3] * 60 + [3] * 2)
    buy = np.array([True, False, False, True, True, False] + [True] * 60 + [False] * 2)
    b, s = observed_spreads._cross(np.arange(len(key)), key, buy)
    pairs = sorted(zip(b.tolist(), s.tolist()))
    assert pairs[:2] == [(0, 1), (0, 2)]  # key 7 has no sell, key 9 no buy
    assert pairs[2:] == sorted((i, j) for i in range(6, 6 + observed_spreads.MAX_SIDE) for j in (66, 67))


def test_a_default_the_trades_own_profit_agrees_with_is_confirmed():
    # A real Vantage statement: sell 1.00 EURUSD 1.15994 -> 1.15988 made 6.00 USD. Six points are too few to take
    # the trade's own M alone, but 6.00 / (0.00006 x 1) = 100,000 is the default exactly: no doubt to warn of.
    t = trade(symbol=["EURUSD"] * 2, symbol_root=["EURUSD"] * 2, side=["sell"] * 2, lots=[1.0, 1.0],
              open_price=[1.15994] * 2, close_price=[1.15988] * 2, profit=[6.00, 0.60], commission=[0.0] * 2,
              digits=[5] * 2, ticket=[1, 2], account=["a", "b"], open_time=[datetime(2025, 6, 12, 10)] * 2,
              close_time=[datetime(2025, 6, 12, 11)] * 2)
    c = costs.decompose(t, "USD", np.zeros(2), np.array(["x"] * 2, dtype=object))
    assert c.loc[0, "m_source"] == "confirmed" and c.loc[0, "m"] == pytest.approx(100_000.0)
    # 0.60 for the same move is a contract of 10,000: the default stays an assumption, and is said to be one.
    assert c.loc[1, "m_source"] == "default"
