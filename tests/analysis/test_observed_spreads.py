"""Spreads seen in the trader's own same-second fills (issue 12, DOMAIN.md 3.5): pairing, consistency, calibration,
and what the engine does with them."""

from datetime import datetime, timedelta

import numpy as np
import pytest

from fxcost import model
from fxcost.analysis import observed_spreads as obs
from fxcost.analysis.engine import AnalysisSettings, analyse
from fxcost.analysis.spreads import SpreadProfile
from fxcost.model import Account, Statement
from fxcost.portfolio import merge

PROFILE = SpreadProfile.from_dict({"name": "test", "spreads": {"USDJPY": 1.3, "EURUSD": 1.3, "GBPUSD": 1.5,
                                                               "XAUUSD": {"value": 0.36, "unit": "price"}}})


def _rows(symbol, digits, t0, pairs, spread, mid, step=0.0, second=7, end="open"):
    """``pairs`` buy/sell pairs, one per minute from t0 (at ``second`` past), filled spread apart at open
    (``end="open"``) or at close."""
    rows = []
    for i in range(pairs):
        t = t0 + timedelta(minutes=i, seconds=second)
        later = t + timedelta(hours=1, seconds=13)
        bid = mid + i * step
        for side in ("buy", "sell"):
            fill = bid + spread if side == "buy" else bid
            close_fill = bid if side == "buy" else bid + spread  # a buy closes at the bid, a sell at the ask
            if end == "open":
                rows.append(dict(open_time=t, close_time=later + timedelta(seconds=len(rows)), side=side,
                                 open_price=fill, close_price=fill, symbol=symbol, digits=digits))
            else:
                rows.append(dict(open_time=t - timedelta(hours=1, seconds=len(rows)), close_time=t, side=side,
                                 open_price=close_fill, close_price=close_fill, symbol=symbol, digits=digits))
    return rows


def _statement(rows, path="a.htm", login="1", backtest=False):
    cols = {k: [r[k] for r in rows] for k in rows[0]}
    n = len(rows)
    cols.update(account=[login] * n, ticket=list(range(1, n + 1)), lots=[0.1] * n, symbol_root=cols["symbol"],
                profit=[1.0] * n, source=[path] * n)
    return Statement(path=path, format="mt5_html", account=Account(login=login, currency="USD", server="X-Demo"),
                     trades=model.trades_frame(cols), is_backtest=backtest)


T0 = datetime(2024, 3, 4, 10, 0)


def test_opens_and_closes_of_one_second_give_the_spread_and_the_engine_uses_their_median():
    rows = _rows("USDJPY", 3, T0, 6, 0.004, 150.0) + _rows("USDJPY", 3, T0 + timedelta(hours=5), 4, 0.006, 150.0,
                                                           end="close")
    result = analyse(merge([_statement(rows)]), AnalysisSettings(profile=PROFILE))
    t = result.trades
    assert set(t["spread_kind"]) == {"observed"}
    assert set(t["spread_source"]) == {"observed: median of 10 same-second pairs"}
    assert t["spread_pips"].to_numpy() == pytest.approx(0.4)  # six pairs at 0.4, four at 0.6: median 0.4
    row = result.spreads.iloc[0]
    assert (row["symbol"], row["source"], row["pairs"], row["profile_pips"]) == ("USDJPY", "observed", 10, 1.3)
    assert row["median_pips"] == pytest.approx(0.4) and row["iqr_pips"] == pytest.approx(0.2)


def test_too_few_pairs_keep_the_profile_and_say_why():
    rows = _rows("USDJPY", 3, T0, obs.MIN_PAIRS - 1, 0.004, 150.0)
    result = analyse(merge([_statement(rows)]), AnalysisSettings(profile=PROFILE))
    assert set(result.trades["spread_kind"]) == {"profile"}
    assert result.trades["spread_pips"].to_numpy() == pytest.approx(1.3)
    assert result.spreads.iloc[0]["note"] == f"only {obs.MIN_PAIRS - 1} pair(s), fewer than {obs.MIN_PAIRS}"


def test_pairs_with_swapped_sides_are_dropped_and_too_many_make_the_symbol_inconsistent():
    good = _rows("USDJPY", 3, T0, 6, 0.004, 150.0)
    swapped = _rows("USDJPY", 3, T0 + timedelta(hours=3), 3, -0.005, 150.0)  # buy below sell: a pending order
    o, _ = obs.summarise(obs.same_second_pairs(_statement(good + swapped).trades))[("1", "USDJPY")]
    assert (o.pairs, o.negative) == (6, 3)
    assert not o.consistent(0.001) and "swapped" in o.why_not(0.001)


def test_scattered_pairs_are_not_consistent():
    rows = []
    for i, spread in enumerate((0.001, 0.002, 0.030, 0.040, 0.001, 0.050)):
        rows += _rows("USDJPY", 3, T0 + timedelta(hours=i), 1, spread, 150.0)
    o, _ = obs.summarise(obs.same_second_pairs(_statement(rows).trades))[("1", "USDJPY")]
    assert o.pairs == 6 and not o.consistent(0.001) and "disagree" in o.why_not(0.001)


def test_minute_times_and_backtests_show_no_pairs():
    minute = _rows("USDJPY", 3, T0, 8, 0.004, 150.0, second=0)
    for r in minute:
        r["close_time"] = r["close_time"].replace(second=0)
    result = analyse(merge([_statement(minute)]), AnalysisSettings(profile=PROFILE))
    assert set(result.trades["spread_kind"]) == {"profile"}
    tester = analyse(merge([_statement(_rows("USDJPY", 3, T0, 8, 0.004, 150.0), backtest=True)]),
                     AnalysisSettings(profile=PROFILE))
    assert "observed" not in set(tester.trades["spread_kind"])


def test_close_by_and_take_profit_closes_are_not_market_fills():
    rows = _rows("USDJPY", 3, T0, 6, 0.004, 150.0, end="close")
    st = _statement(rows)
    assert len(obs.same_second_pairs(st.trades)) == 6
    st.trades["close_by"] = True
    assert len(obs.same_second_pairs(st.trades)) == 0
    st.trades["close_by"] = False
    st.trades["close_reason"] = "tp"
    assert len(obs.same_second_pairs(st.trades)) == 0


def test_every_buy_pairs_with_every_sell_of_its_second():
    rows = _rows("USDJPY", 3, T0, 1, 0.004, 150.0)
    rows.append(dict(rows[0], side="buy"))  # a second buy of the same second
    pairs = obs.same_second_pairs(_statement(rows).trades)
    assert len(pairs) == 2 and pairs["spread"].to_numpy() == pytest.approx([0.004, 0.004])


def test_unobserved_symbols_of_the_account_are_calibrated_by_category():
    rows = (_rows("USDJPY", 3, T0, 6, 0.0065, 150.0)  # 0.65 pips against a profile of 1.3: ratio 0.5
            + _rows("EURUSD", 5, T0 + timedelta(hours=2), 1, 0.0001, 1.1)  # one pair only: calibrated
            + _rows("XAUUSD", 2, T0 + timedelta(hours=3), 1, 0.3, 2000.0))  # another category: profile
    result = analyse(merge([_statement(rows)]), AnalysisSettings(profile=PROFILE))
    t = result.trades
    eur = t[t["symbol_root"] == "EURUSD"]
    assert set(eur["spread_kind"]) == {"calibrated"}
    assert eur["spread_pips"].to_numpy() == pytest.approx(0.65)  # 1.3 x 0.5
    assert "observed/profile over USDJPY" in eur["spread_source"].iloc[0]
    gold = t[t["symbol_root"] == "XAUUSD"]
    assert set(gold["spread_kind"]) == {"profile"} and gold["spread_price"].to_numpy() == pytest.approx(0.36)
    table = result.spreads.set_index("symbol")
    assert table.loc["EURUSD", "ratio"] == pytest.approx(0.5) and table.loc["EURUSD", "source"] == "calibrated"


def test_a_month_with_enough_pairs_of_its_own_uses_them():
    march = _rows("USDJPY", 3, T0, 6, 0.004, 150.0)
    april = _rows("USDJPY", 3, T0 + timedelta(days=30), 6, 0.008, 150.0)
    result = analyse(merge([_statement(march + april)]), AnalysisSettings(profile=PROFILE))
    t = result.trades
    by_month = t.groupby(t["open_time"].dt.month)["spread_pips"].median()
    assert by_month.to_dict() == {3: pytest.approx(0.4), 4: pytest.approx(0.8)}
    assert t["spread_source"].str.endswith("in 2024-04").sum() == 12


def test_the_setting_switches_observed_spreads_off():
    rows = _rows("USDJPY", 3, T0, 6, 0.004, 150.0)
    result = analyse(merge([_statement(rows)]), AnalysisSettings(profile=PROFILE, observed_spreads=False))
    assert set(result.trades["spread_kind"]) == {"profile"}


def test_kinds_of_labels():
    assert [obs.kind_of(x) for x in ("observed: median of 5 same-second pairs", "calibrated: profile: x",
                                     "measured (bars)", "tester: fixed 3 points", "profile: Standard",
                                     "catalogue: IC Markets Raw", "default: no spread for this symbol in x")] == \
        ["observed", "calibrated", "measured", "tester", "profile", "catalogue", "default"]
    assert np.isnan(obs.Observation(0, 0, np.nan, np.nan, np.nan, 0, 0).median)


def test_observed_spreads_take_no_time_of_day_shape_and_calibrated_ones_do():
    from fxcost.analysis import spread_hours

    rollover = datetime(2024, 3, 5, 0, 5)  # 17:05 New York on the default New York close server clock
    rows = (_rows("USDJPY", 3, rollover, 6, 0.0065, 150.0)
            + _rows("EURUSD", 5, rollover + timedelta(minutes=10), 1, 0.0001, 1.1))
    t = analyse(merge([_statement(rows)]), AnalysisSettings(profile=PROFILE)).trades
    jpy, eur = t[t["symbol_root"] == "USDJPY"], t[t["symbol_root"] == "EURUSD"]
    widest = spread_hours.bundled().hours[0]
    assert jpy["spread_pips"].to_numpy() == pytest.approx(0.65)  # what the fills show, whatever the hour
    assert eur["spread_tod"].to_numpy() == pytest.approx((widest + spread_hours.bundled().hours[1]) / 2)
    assert eur["spread_pips"].to_numpy() == pytest.approx(1.3 * 0.5 * eur["spread_tod"].to_numpy())


def _frame(rows):
    """A bare trades frame for same_second_pairs (account 1, USDJPY unless given)."""
    import pandas as pd

    base = dict(account="1", symbol_root="USDJPY", close_reason="", close_by=False, open_order_type="",
                close_order_type="")
    return pd.DataFrame([{**base, **r} for r in rows])


S = datetime(2024, 3, 5, 10, 0, 7)


def _roll(close_side="buy", open_side="buy", bid=150.000, ask=150.004, **extra):
    """A trade closed at second S and the next opened at S: a close of ``close_side`` and an open of ``open_side``."""
    close_fill = bid if close_side == "buy" else ask  # a buy closes with a sell (the bid), a sell with a buy (the ask)
    open_fill = ask if open_side == "buy" else bid
    closing = dict(side=close_side, open_time=S - timedelta(minutes=5), close_time=S, open_price=149.9,
                   close_price=close_fill, **{k: v for k, v in extra.items() if k.startswith("close")})
    opening = dict(side=open_side, open_time=S, close_time=S + timedelta(minutes=5), open_price=open_fill,
                   close_price=150.1, **{k: v for k, v in extra.items() if k.startswith("open")})
    return [closing, opening]


def test_a_close_and_the_next_open_of_opposite_fills_pair_once():
    pairs = obs.same_second_pairs(_frame(_roll()))
    assert pairs["end"].tolist() == [obs.MIXED] and pairs["spread"].round(6).tolist() == [0.004]
    assert len(obs.same_second_pairs(_frame(_roll("sell", "sell")))) == 1  # a sell closed (ask), a sell opened (bid)
    # A reversal (a buy closed with a sell, a sell opened with a sell): two sell fills, no pair.
    assert obs.same_second_pairs(_frame(_roll("buy", "sell"))).empty
    # Two rolls in one second: its two opens and its two closes pair as theirs (as do the opens 5 minutes before
    # and the closes 5 minutes after), and each close crosses the open of the other fill once: nothing twice.
    hedge = _roll("buy", "buy") + _roll("sell", "sell")
    ends = obs.same_second_pairs(_frame(hedge))["end"].value_counts().to_dict()
    assert ends == {"open": 2, "close": 2, obs.MIXED: 2}


@pytest.mark.parametrize("extra", [dict(close_reason="sl"), dict(close_reason="TP"), dict(close_by=True),
                                   dict(close_order_type="stop"), dict(open_order_type="limit")])
def test_a_close_or_open_filled_at_a_level_makes_no_close_open_pair(extra):
    assert obs.same_second_pairs(_frame(_roll(**extra))).empty


def test_close_open_pairs_keep_to_the_rows_asked_for_and_to_seconds():
    t = _frame(_roll())
    assert obs.same_second_pairs(t, np.array([True, False])).empty
    t.loc[1, "open_time"] = S + timedelta(seconds=1)
    assert obs.same_second_pairs(t).empty


def test_a_busy_second_of_opens_leaves_the_closes_their_share_of_the_cap():
    # 50 buy and 50 sell opens fill the per-side cap of that second; a close of each side still pairs with them.
    opens = [dict(side=side, open_time=S, close_time=S + timedelta(minutes=9, seconds=2 * (k + j * obs.MAX_SIDE)),
                  open_price=p, close_price=150.1)
             for j, (side, p) in enumerate((("buy", 150.004), ("sell", 150.000))) for k in range(obs.MAX_SIDE)]
    closes = [dict(side=side, open_time=S - timedelta(minutes=9, seconds=2 * j), close_time=S, open_price=149.9,
                   close_price=p) for j, (side, p) in enumerate((("buy", 150.000), ("sell", 150.004)))]
    pairs = obs.same_second_pairs(_frame(opens + closes))
    ends = pairs["end"].value_counts().to_dict()
    assert ends == {"open": obs.MAX_SIDE ** 2, "close": 1, obs.MIXED: 2 * obs.MAX_SIDE}
    assert (pairs["spread"].round(6) == 0.004).all()


def test_a_coin_priced_at_its_categorys_average_calibrates_no_other_coin():
    # A real FTMO report: ETHUSD (no profile value of its own: the crypto average, BTCUSD's 26.75) observed at 0.60
    # made BTCUSD 26.75 x 0.02 = 0.60, a fortieth of a bitcoin's spread. A coin with its own value still does.
    profile = SpreadProfile.from_dict({"name": "coins", "spreads": {"BTCUSD": {"value": 26.75, "unit": "price"},
                                                                      "LTCUSD": {"value": 0.2, "unit": "price"}},
                                       "categories": {"crypto": {"value": 26.75, "unit": "price"}}})
    eth = _rows("ETHUSD", 2, T0, 6, 0.60, 2300.0)
    result = analyse(merge([_statement(eth + _rows("BTCUSD", 2, T0 + timedelta(hours=2), 1, 20.0, 78000.0))]),
                     AnalysisSettings(profile=profile))
    table = result.spreads.set_index("symbol")
    assert table.loc["ETHUSD", "source"] == "observed" and table.loc["ETHUSD", "spread_pips"] == pytest.approx(0.6)
    assert table.loc["BTCUSD", "source"] == "profile" and table.loc["BTCUSD", "spread_pips"] == pytest.approx(26.75)
    ltc = _rows("LTCUSD", 2, T0, 6, 0.10, 80.0)  # its own 0.2 observed at 0.1: ratio 0.5 for the other coins
    result = analyse(merge([_statement(ltc + _rows("BTCUSD", 2, T0 + timedelta(hours=2), 1, 20.0, 78000.0))]),
                     AnalysisSettings(profile=profile))
    table = result.spreads.set_index("symbol")
    assert table.loc["BTCUSD", "source"] == "calibrated" and table.loc["BTCUSD", "spread_pips"] == pytest.approx(13.375)
