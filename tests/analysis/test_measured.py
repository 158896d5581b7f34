"""Measured spreads per trade: bar and tick matching, server time vs UTC, DST rules, fallbacks and priorities."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from fxcost import model
from fxcost.analysis.market_data import read_market_data
from fxcost.analysis.measured import DstOffset, FixedOffset, ServerTimeError, measured_spreads, server_clock
from fxcost.errors import FxCostError
from tests.conftest import sample

MT5_BARS = (
    "<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n"
    "2024.01.02\t00:00:00\t1.10409\t1.10439\t1.10409\t1.10432\t167\t0\t15\n"
    "2024.01.02\t01:00:00\t1.10430\t1.10436\t1.10350\t1.10359\t563\t0\t11\n"
    "2024.01.02\t02:00:00\t1.10360\t1.10400\t1.10300\t1.10310\t400\t0\t7\n"
)


def trades(opens, closes, symbols=None):
    n = len(opens)
    return pd.DataFrame({
        "symbol_root": symbols or ["EURUSD"] * n,
        "open_time": pd.to_datetime(opens).astype("datetime64[ns]"),
        "close_time": pd.to_datetime(closes).astype("datetime64[ns]"),
    })


def bars(tmp_path, text=MT5_BARS, name="EURUSDm_H1_202401020000_202401020200.csv"):
    path = tmp_path / name
    path.write_text(text)
    return read_market_data(path)


def dukascopy(tmp_path, rows, name="EURUSD_ticks.csv"):
    """Ticks at UTC times with spreads in points (5-digit EURUSD)."""
    lines = ["Gmt time,Ask,Bid,AskVolume,BidVolume"]
    for when, pts in rows:
        t = pd.Timestamp(when)
        lines.append(f"{t:%d.%m.%Y %H:%M:%S}.{t.microsecond // 1000:03d},{1.1 + pts * 1e-5:.5f},1.10000,1,1")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return read_market_data(path)


# ---- bars --------------------------------------------------------------------------------------------


def test_bar_spread_at_open_and_close_is_averaged(tmp_path):
    md = bars(tmp_path)
    spread, label = measured_spreads(trades(["2024-01-02 00:30"], ["2024-01-02 01:10"]), [md], 0)
    assert spread[0] == pytest.approx((0.00015 + 0.00011) / 2)  # DOMAIN 3.1: (s_open + s_close) / 2
    assert label[0] == "measured (bar minimum)"


def test_bars_are_server_time_whatever_the_offset(tmp_path):
    md = bars(tmp_path)
    t = trades(["2024-01-02 00:30"], ["2024-01-02 00:40"])
    assert measured_spreads(t, [md], 0)[0][0] == measured_spreads(t, [md], "GMT+2/+3 NY")[0][0] == pytest.approx(
        0.00015)


def test_bar_boundaries(tmp_path):
    md = bars(tmp_path)
    t = trades(["2024-01-02 01:00:00", "2024-01-02 02:59:59", "2024-01-02 02:00:00"],
               ["2024-01-02 01:59:59", "2024-01-02 02:59:59", "2024-01-02 03:00:00"])
    spread, label = measured_spreads(t, [md], 0)
    assert spread[:2] == pytest.approx([0.00011, 0.00007])
    # The last bar ends at 03:00: the close is not covered, the open's spread stands for both.
    assert spread[2] == pytest.approx(0.00007)
    assert label[2] == "measured (bar minimum) at open only"
    spread, label = measured_spreads(t, [md], 0, require_both=True)
    assert np.isnan(spread[2]) and label[2] == ""


def test_weekend_gap_between_bars_is_not_covered(tmp_path):
    text = (MT5_BARS.splitlines()[0] + "\n"
            "2024.01.05\t23:00:00\t1.10000\t1.10000\t1.10000\t1.10000\t1\t0\t20\n"
            "2024.01.08\t00:00:00\t1.10000\t1.10000\t1.10000\t1.10000\t1\t0\t30\n"
            "2024.01.08\t01:00:00\t1.10000\t1.10000\t1.10000\t1.10000\t1\t0\t10\n")
    md = bars(tmp_path, text)
    spread, _ = measured_spreads(trades(["2024-01-06 12:00", "2024-01-05 23:59"], ["2024-01-07 12:00",
                                                                                   "2024-01-08 00:01"]), [md], 0)
    assert np.isnan(spread[0])
    assert spread[1] == pytest.approx(0.00025)


def test_trades_outside_the_data_get_nan(tmp_path):
    md = bars(tmp_path)
    t = trades(["2023-12-29 10:00", "2024-02-01 10:00"], ["2023-12-29 11:00", "2024-02-01 11:00"])
    spread, label = measured_spreads(t, [md], 0)
    assert np.isnan(spread).all() and list(label) == ["", ""]


def test_symbols_match_by_normalised_root(tmp_path):
    md = bars(tmp_path, name="eurusd.pro_H1.csv")
    t = pd.DataFrame({"symbol": ["EURUSDm", "GBPUSD", "eurusd.ecn"],
                      "open_time": pd.to_datetime(["2024-01-02 00:30"] * 3),
                      "close_time": pd.to_datetime(["2024-01-02 00:40"] * 3)})
    spread, label = measured_spreads(t, [md], 0)
    assert spread[0] == pytest.approx(0.00015) and spread[2] == pytest.approx(0.00015)
    assert np.isnan(spread[1]) and label[1] == ""


def test_no_data_or_no_trades():
    spread, label = measured_spreads(trades([], []), [], 0)
    assert len(spread) == 0 and len(label) == 0
    spread, label = measured_spreads(trades(["2024-01-02"], ["2024-01-02"]), [], 0)
    assert np.isnan(spread[0]) and label[0] == ""


def test_missing_times_give_nan(tmp_path):
    md = bars(tmp_path)
    t = trades(["2024-01-02 00:30", None], ["2024-01-02 00:40", None])
    spread, _ = measured_spreads(t, [md], 0)
    assert spread[0] == pytest.approx(0.00015) and np.isnan(spread[1])


# ---- ticks -------------------------------------------------------------------------------------------


def test_ticks_in_utc_matched_with_a_server_offset_of_two_hours(tmp_path):
    md = dukascopy(tmp_path, [("2024-01-02 10:00:00", 10), ("2024-01-02 10:00:05", 12), ("2024-01-02 10:00:10", 20),
                              ("2024-01-02 11:00:00", 30)])
    t = trades(["2024-01-02 12:00:05"], ["2024-01-02 13:00:00"])  # server time = UTC + 2
    spread, label = measured_spreads(t, [md], 2)
    assert spread[0] == pytest.approx((0.00012 + 0.00030) / 2)
    assert label[0] == "measured (ticks, Dukascopy feed)"
    # Read as UTC (offset 0), the trade is two hours after the last tick: not covered.
    assert np.isnan(measured_spreads(t, [md], 0)[0][0])


def test_tick_window_median_and_stale_fallback(tmp_path):
    md = dukascopy(tmp_path, [("2024-01-02 10:00:00", 50), ("2024-01-02 10:00:31", 1), ("2024-01-02 10:00:40", 2),
                              ("2024-01-02 10:00:50", 3), ("2024-01-02 10:01:00", 10), ("2024-01-02 10:01:31", 40)])
    t = trades(["2024-01-02 10:01:00", "2024-01-02 10:04:00", "2024-01-02 10:10:00"],
               ["2024-01-02 10:01:00", "2024-01-02 10:04:00", "2024-01-02 10:10:00"])
    spread, label = measured_spreads(t, [md], 0)
    # ±30 s around 10:01:00 holds 1, 2, 3, 10 points (10:00:00 and 10:01:31 are outside): median 2.5.
    assert spread[0] == pytest.approx(0.000025)
    # No tick within ±30 s of 10:04: the last tick before (10:01:31, 2.5 min earlier) stands.
    assert spread[1] == pytest.approx(0.00040)
    # 8.5 minutes after the last tick: stale, not covered.
    assert np.isnan(spread[2]) and label[2] == ""
    narrow, _ = measured_spreads(t, [md], 0, window_seconds=5)
    assert narrow[0] == pytest.approx(0.00010)


def test_mt5_ticks_are_server_time(tmp_path):
    path = tmp_path / "EURUSD_ticks.csv"
    path.write_text("<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>\n"
                    "2024.01.02\t12:00:00.000\t1.10000\t1.10008\t\t\t6\n"
                    "2024.01.02\t12:00:01.000\t\t1.10010\t\t\t4\n")
    md = read_market_data(path)
    spread, label = measured_spreads(trades(["2024-01-02 12:00:01"], ["2024-01-02 12:00:01"]), [md], 2)
    assert spread[0] == pytest.approx(0.00009)  # median of 8 and 10 points, no offset applied
    assert label[0] == "measured (ticks, MT5 export)"


def test_broker_ticks_beat_bars_beat_vendor_ticks(tmp_path):
    md_bars = bars(tmp_path)
    vendor = dukascopy(tmp_path, [("2024-01-02 00:30:00", 3), ("2024-01-02 01:30:00", 4)], name="EURUSD_duka.csv")
    own = tmp_path / "EURUSD_mt5ticks.csv"
    own.write_text("<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>\n"
                   "2024.01.02\t00:30:00.000\t1.10000\t1.10020\t\t\t6\n")
    md_ticks = read_market_data(own)
    t = trades(["2024-01-02 00:30:00", "2024-01-02 01:30:00"], ["2024-01-02 01:30:00", "2024-01-02 05:30:00"])
    spread, label = measured_spreads(t, [vendor, md_bars, md_ticks], 0)
    assert spread[0] == pytest.approx((0.00020 + 0.00011) / 2)
    assert label[0] == "measured (ticks, MT5 export) at open, measured (bar minimum) at close"
    # 05:30 is beyond the bars: the vendor's ticks? None there either (last tick 4 h earlier): open only.
    assert spread[1] == pytest.approx(0.00011) and label[1] == "measured (bar minimum) at open only"
    spread, label = measured_spreads(t[:1], [vendor], 0)
    assert spread[0] == pytest.approx(0.000035) and label[0] == "measured (ticks, Dukascopy feed)"


def test_many_trades_are_vectorised(tmp_path):
    rng = np.random.default_rng(7)
    times = pd.Timestamp("2024-01-02") + pd.to_timedelta(np.sort(rng.integers(0, 86_400_000, 50_000)), unit="ms")
    pts = rng.integers(5, 40, len(times))
    md = dukascopy(tmp_path, list(zip(times.astype(str), pts)))
    opens = pd.Timestamp("2024-01-02 02:00") + pd.to_timedelta(rng.integers(0, 70_000, 20_000), unit="s")
    t = trades(opens, opens + pd.Timedelta("15min"))
    spread, _ = measured_spreads(t, [md], 2)  # speed is not asserted here: timed tests flake on a shared machine
    # Spot-check against a plain per-trade median.
    tick_t = md.frame["time"].to_numpy()
    tick_s = md.frame["spread"].to_numpy()
    w = np.timedelta64(30, "s")
    for i in range(0, 20_000, 2_000):
        ends = []
        for when in (t["open_time"].iloc[i], t["close_time"].iloc[i]):
            utc = (when - pd.Timedelta(hours=2)).to_datetime64()
            inside = (tick_t >= utc - w) & (tick_t <= utc + w)
            ends.append(np.median(tick_s[inside]))
        assert spread[i] == pytest.approx(np.mean(ends))


# ---- real files ----------------------------------------------------------------------------------------


@pytest.mark.samples
def test_real_eurusd_h1_bar_at_a_known_time():
    md = read_market_data(sample("market-data/mt5bars_EURUSD_H1_2024-2025_modularer-backtester.csv"))
    spread, label = measured_spreads(trades(["2024-01-02 00:30"], ["2024-01-02 01:10"]), [md], "GMT+2/+3 NY")
    assert spread[0] == pytest.approx(0.00013)  # bars 00:00 (15 points) and 01:00 (11 points)
    assert label[0] == "measured (bar minimum)"


@pytest.mark.samples
def test_real_us30m_d1_bar():
    md = read_market_data(sample("market-data/mt5bars_US30m_D1_2024-2025_MyPhytonEA.csv"))
    spread, _ = measured_spreads(trades(["2024-01-01 12:00"], ["2024-01-01 20:00"], ["US30"]), [md], 0)
    assert spread[0] == pytest.approx(9.0)


@pytest.mark.samples
def test_real_dukascopy_ticks_with_a_new_york_close_server():
    md = read_market_data(sample("market-data/dukascopy_ticks_CADJPY_2012-05_tickconverter.csv"))
    # May: the server runs UTC+3, so 14:00 server time is 11:00 UTC.
    t = trades(["2012-05-01 14:00:00"], ["2012-05-01 14:00:00"], ["CADJPY"])
    spread, label = measured_spreads(t, [md], "GMT+2/+3 NY")
    frame = md.frame
    inside = frame["time"].between(pd.Timestamp("2012-05-01 10:59:30"), pd.Timestamp("2012-05-01 11:00:30"))
    assert inside.sum() > 5
    assert spread[0] == pytest.approx(frame.loc[inside, "spread"].median())
    assert label[0] == "measured (ticks, Dukascopy feed)"
    assert 0.004 <= spread[0] <= 0.138


@pytest.mark.samples
def test_engine_uses_measured_spreads_where_covered():
    from fxcost.analysis.engine import AnalysisSettings, costed_trades

    md = read_market_data(sample("market-data/mt5bars_EURUSD_H1_2024-2025_modularer-backtester.csv"))
    t = model.trades_frame(dict(
        ticket=[1, 2], open_time=[datetime(2024, 1, 2, 0, 30), datetime(2026, 1, 5, 10)],
        close_time=[datetime(2024, 1, 2, 1, 10), datetime(2026, 1, 5, 11)], side=["buy", "buy"], lots=[1.0, 1.0],
        symbol=["EURUSD", "EURUSD"], symbol_root=["EURUSD", "EURUSD"], open_price=[1.10400, 1.1],
        close_price=[1.10500, 1.101], profit=[100.0, 100.0], digits=[5, 5]))
    costed = costed_trades(t, "USD", AnalysisSettings(market_data=[md]))
    assert costed.loc[0, "spread_price"] == pytest.approx(0.00013)
    assert costed.loc[0, "spread_source"] == "measured (bar minimum)"
    assert costed.loc[1, "spread_source"].startswith("profile")


# ---- server clocks --------------------------------------------------------------------------------------


def utc(clock, *server):
    return [pd.Timestamp(x) for x in clock.to_utc(np.array(server, dtype="datetime64[ns]"))]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (2, FixedOffset(2.0)), (-5.0, FixedOffset(-5.0)), ("+3", FixedOffset(3.0)), ("UTC+2", FixedOffset(2.0)),
        ("GMT-05:30", FixedOffset(-5.5)), ("", FixedOffset(0.0)), (None, FixedOffset(0.0)),
        ("GMT+2/+3 NY", DstOffset(2, 3, "us")), ("+2/+3", DstOffset(2, 3, "us")),
        ("GMT+2/GMT+3 (New York close)", DstOffset(2, 3, "us")), ("NY close", DstOffset(2, 3, "us")),
        ("EET", DstOffset(2, 3, "eu")), ("+2/+3 EU", DstOffset(2, 3, "eu")), ("CET", DstOffset(1, 2, "eu")),
    ],
)
def test_server_clock_specs(spec, expected):
    assert server_clock(spec) == expected


@pytest.mark.parametrize("spec", ["abc", "+2 pizza", 99, float("nan"), "+2/+3/+4"])
def test_server_clock_rejects_nonsense(spec):
    with pytest.raises(ServerTimeError) as info:
        server_clock(spec)
    assert isinstance(info.value, FxCostError)


def test_new_york_close_rule_follows_us_dates():
    ny = server_clock("GMT+2/+3 NY")
    # 2024: US daylight saving from 10 March 07:00 UTC (09:00 server) to 3 November 06:00 UTC.
    assert utc(ny, "2024-03-10 08:59", "2024-03-10 10:00", "2024-03-20 12:00", "2024-11-01 12:00",
               "2024-11-04 12:00") == [pd.Timestamp(x) for x in (
        "2024-03-10 06:59", "2024-03-10 07:00", "2024-03-20 09:00", "2024-11-01 09:00", "2024-11-04 10:00")]
    # Before 2007: first Sunday of April to last Sunday of October.
    assert utc(ny, "2005-03-20 12:00", "2005-04-10 12:00", "2005-11-01 12:00") == [pd.Timestamp(x) for x in (
        "2005-03-20 10:00", "2005-04-10 09:00", "2005-11-01 10:00")]


def test_eet_rule_follows_eu_dates():
    eet = server_clock("EET")
    # 2024: EU summer time from 31 March to 27 October 01:00 UTC; 20 March is still winter (unlike New York).
    assert utc(eet, "2024-03-20 12:00", "2024-04-01 12:00", "2024-10-28 12:00", "2025-01-01 00:30") == [
        pd.Timestamp(x) for x in ("2024-03-20 10:00", "2024-04-01 09:00", "2024-10-28 10:00", "2024-12-31 22:30")]


def test_fixed_clock_keeps_nat():
    out = FixedOffset(2).to_utc(np.array(["2024-01-01 02:00", "NaT"], dtype="datetime64[ns]"))
    assert pd.Timestamp(out[0]) == pd.Timestamp("2024-01-01") and np.isnat(out[1])
