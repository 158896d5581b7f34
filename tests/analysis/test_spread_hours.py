"""Spread by time of day (issue 12, DOMAIN.md 3.6): the bundled shape, its derivation from the real bar exports,
and the engine applying it to profile spreads at a rollover trade and a mid-session trade."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from fxcost import model
from fxcost.analysis import spread_hours
from fxcost.analysis.engine import AnalysisSettings, analyse
from fxcost.analysis.market_data import read_market_data
from fxcost.analysis.spreads import SpreadProfile
from fxcost.model import Account, Statement
from fxcost.portfolio import merge
from tests.conftest import sample

PROFILE = SpreadProfile.from_dict({"name": "1 pip", "spreads": {"EURUSD": 1.0}})


def _trade(open_time, close_time, ticket=1):
    return {"account": "1", "ticket": ticket, "open_time": open_time, "close_time": close_time, "side": "buy",
            "lots": 1.0, "symbol": "EURUSD", "symbol_root": "EURUSD", "open_price": 1.1, "close_price": 1.101,
            "profit": 100.0, "digits": 5}


def _analyse(rows, **settings):
    trades = model.trades_frame({k: [r[k] for r in rows] for k in rows[0]})
    st = Statement(path="a.htm", format="mt4_detailed", account=Account(login="1", currency="USD"), trades=trades)
    return analyse(merge([st]), AnalysisSettings(profile=PROFILE, **settings))


def test_the_bundled_shape_widens_after_the_new_york_close_only():
    shape = spread_hours.bundled()
    assert len(shape.hours) == 24 and shape.hours[0] > 1.5
    assert all(h == pytest.approx(1.0) for h in shape.hours[1:])
    assert "mt5bars_EURUSD_H1" in shape.source and shape.date


@pytest.mark.samples
def test_the_bundled_shape_is_what_the_script_derives_from_the_bar_exports():
    files = ("mt5bars_EURUSD_H1_2024-2025_modularer-backtester.csv",
             "mt5bars_GBPUSD_H1_2025-2026_Modelos_ONNX_trading.csv")
    series = []
    for name in files:
        md = read_market_data(sample(f"market-data/{name}"))
        series.append((md.frame["time"], md.frame["spread_points"]))
    assert tuple(spread_hours.derive(series)["hours"]) == spread_hours.bundled().hours
    # EURUSD: hour-0 bars have a median of 16 points against 12 over all bars; GBPUSD: 17 against 8.
    assert spread_hours.derive(series[:1])["hours"][0] == pytest.approx(16 / 12, abs=1e-3)
    assert spread_hours.derive(series[1:])["hours"][0] == pytest.approx(17 / 8, abs=1e-3)


@pytest.mark.samples
def test_real_ticks_peak_in_the_shapes_widest_hour():
    # A vendor's UTC ticks (Dukascopy CADJPY, 1 May 2012, US summer): their widest hour is 21:00 UTC = 17:00 NY.
    ticks = read_market_data(sample("market-data/dukascopy_ticks_CADJPY_2012-05_tickconverter.csv")).frame
    hours = ticks.groupby(ticks["time"].dt.hour)["spread_points"].mean()
    utc = np.datetime64(f"2012-05-01T{int(hours.idxmax()):02d}:30", "ns").view("int64")
    widest = int(np.argmax(spread_hours.bundled().hours))
    assert spread_hours.bundled().at(np.array([utc]))[0] == spread_hours.bundled().hours[widest]


def test_a_rollover_trade_pays_the_wider_spread_and_a_mid_session_trade_the_average():
    # Server time of a New York close server (the default clock): 00:10 is 17:10 New York, just after the close.
    shape = spread_hours.bundled()
    rollover = _trade(datetime(2024, 3, 5, 0, 10), datetime(2024, 3, 5, 0, 40))
    mid = _trade(datetime(2024, 3, 5, 15, 0), datetime(2024, 3, 5, 16, 0), ticket=2)
    across = _trade(datetime(2024, 3, 4, 23, 58), datetime(2024, 3, 5, 0, 3), ticket=3)  # opens before, closes after
    t = _analyse([rollover, mid, across]).trades.set_index("ticket")
    assert t.loc[1, "spread_pips"] == pytest.approx(shape.hours[0])
    assert t.loc[2, "spread_pips"] == pytest.approx(shape.hours[15])
    assert t.loc[3, "spread_pips"] == pytest.approx((shape.hours[23] + shape.hours[0]) / 2)
    assert t.loc[1, "spread_tod"] == pytest.approx(shape.hours[0]) and t.loc[1, "spread_kind"] == "profile"
    assert t.loc[1, "spread_cost"] == pytest.approx(shape.hours[0] * 10.0)  # 1 lot, $10 a pip


def test_the_shape_is_read_in_the_servers_clock_and_can_be_switched_off():
    rollover = _trade(datetime(2024, 3, 5, 0, 10), datetime(2024, 3, 5, 0, 40))
    # On a UTC server 00:10 is 19:10 New York: mid-session.
    assert _analyse([rollover], server_utc_offset=0.0, time_of_day_clock="UTC").trades["spread_pips"].iloc[0] == \
        pytest.approx(spread_hours.bundled().hours[2])
    # A fixed UTC+2 server in July (US summer): 00:10 server = 22:10 UTC = 18:10 New York (hour 1).
    july = _trade(datetime(2024, 7, 2, 0, 10), datetime(2024, 7, 2, 0, 40))
    assert _analyse([july], server_utc_offset=2.0).trades["spread_tod"].iloc[0] == \
        pytest.approx(spread_hours.bundled().hours[1])
    off = _analyse([rollover], time_of_day=False).trades
    assert off["spread_pips"].iloc[0] == pytest.approx(1.0) and off["spread_tod"].iloc[0] == 1.0


def test_a_utc_server_is_recognised_by_its_sunday_trades():
    sunday = [_trade(datetime(2024, 3, 3, 22, 10), datetime(2024, 3, 3, 22, 40), ticket=i) for i in range(3)]
    monday = _trade(datetime(2024, 3, 4, 0, 10), datetime(2024, 3, 4, 0, 40), ticket=9)
    t = _analyse(sunday + [monday]).trades.set_index("ticket")
    # Read as UTC: Monday 00:10 UTC is 19:10 New York (hour 2), Sunday 22:10 UTC is 17:10 New York (hour 0).
    assert t.loc[9, "spread_tod"] == pytest.approx(spread_hours.bundled().hours[2])
    assert t.loc[0, "spread_tod"] == pytest.approx(spread_hours.bundled().hours[0])


def test_a_bad_shape_file_says_why_and_unknown_times_take_no_shape(tmp_path):
    bad = tmp_path / "shape.json"
    bad.write_text('{"hours": [1, 2]}', encoding="utf-8")
    with pytest.raises(spread_hours.ShapeError, match="24 positive multipliers"):
        spread_hours.load(bad)
    times = pd.Series(pd.to_datetime(["2024-03-05 00:10", "NaT"]))
    assert spread_hours.bundled().factors(times, times, "UTC")[1] == 1.0
