"""Market-data readers: every real file in samples/market-data, hand-written files per format, bad files."""


import numpy as np
import pandas as pd
import pytest

from fxcost.analysis import market_data
from fxcost.analysis.market_data import MarketData, MarketDataError, detect_format, read_market_data, symbol_from_name
from fxcost.errors import FxCostError
from tests.conftest import sample

EURUSD_H1 = "market-data/mt5bars_EURUSD_H1_2024-2025_modularer-backtester.csv"
GBPUSD_H1 = "market-data/mt5bars_GBPUSD_H1_2025-2026_Modelos_ONNX_trading.csv"
US30_D1 = "market-data/mt5bars_US30m_D1_2024-2025_MyPhytonEA.csv"
CADJPY_TICKS = "market-data/dukascopy_ticks_CADJPY_2012-05_tickconverter.csv"
HISTDATA = "market-data/histdata_ticks_EURUSD_2012-02_FIXTURE-3rows.csv"


def write(tmp_path, name, text, *, newline="\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def points(md: MarketData):
    s = md.frame["spread_points"]
    return s.min(), s.median(), s.max()


# ---- real files -----------------------------------------------------------------------------------


@pytest.mark.samples
def test_mt5_bars_eurusd_h1():
    md = read_market_data(sample(EURUSD_H1))
    assert (md.symbol, md.kind, md.format, md.utc, md.offset_hours) == ("EURUSD", "bars", "mt5_bars", False, None)
    assert len(md) == 7728
    assert md.digits == 5 and md.point == pytest.approx(1e-5)
    assert points(md) == (2, 12, 45)
    spread = md.frame["spread"]
    assert (spread.min(), spread.median(), spread.max()) == pytest.approx((0.00002, 0.00012, 0.00045))
    assert md.label == "measured (bar minimum)"
    assert md.bar_seconds == 3600
    assert md.start == pd.Timestamp("2024-01-02 00:00") and md.end == pd.Timestamp("2025-03-28 23:00")
    assert md.frame["spread"].iloc[0] == pytest.approx(0.00015)  # first bar: SPREAD 15
    assert md.frame["time"].dtype == "datetime64[ns]"
    assert not md.third_party and md.warnings == []


@pytest.mark.samples
def test_mt5_bars_gbpusd_h1_crlf_spread_floor():
    md = read_market_data(sample(GBPUSD_H1))
    assert md.symbol == "GBPUSD" and len(md) == 3608 and md.digits == 5
    assert points(md) == (8, 8, 81)  # sits at its floor of 8 points
    assert md.frame["spread"].median() == pytest.approx(0.00008)


@pytest.mark.samples
def test_mt5_bars_us30m_d1_without_time_column():
    md = read_market_data(sample(US30_D1))
    assert (md.symbol, md.file_symbol) == ("US30", "US30m")
    assert len(md) == 527
    assert md.digits == 1  # 37763.9
    assert md.frame["spread"].iloc[0] == pytest.approx(9.0)  # SPREAD 90 points x 0.1
    assert points(md) == (10, 27, 90)
    assert md.bar_seconds == 86400
    assert (md.frame["time"].dt.hour == 0).all()
    assert (md.frame["time"].dt.day_of_week == 6).any()  # Sunday bars: a UTC+0 server


@pytest.mark.samples
def test_dukascopy_cadjpy_ticks():
    path = sample(CADJPY_TICKS)
    md = read_market_data(path)  # its speed: benchmarks/bench_hostile.py (no timed tests on a shared machine)
    assert (md.symbol, md.kind, md.format, md.utc, md.offset_hours) == ("CADJPY", "ticks", "dukascopy", True, 0.0)
    assert len(md) == 52948
    assert md.digits == 3
    assert points(md) == (4, 16, 138)
    first = md.frame.iloc[0]
    # Ask comes before Bid in this layout: 80.928 is the ask.
    assert (first["ask"], first["bid"], first["spread"]) == pytest.approx((80.928, 80.911, 0.017))
    assert first["time"] == pd.Timestamp("2012-05-01 00:00:01.680")
    assert md.label == "measured (ticks, Dukascopy feed)"
    assert md.third_party and any("not your broker" in w for w in md.warnings)


@pytest.mark.samples
def test_histdata_three_rows_est_to_utc():
    md = read_market_data(sample(HISTDATA))
    assert (md.symbol, md.format, md.utc, md.offset_hours) == ("EURUSD", "histdata", True, -5.0)
    assert len(md) == 3
    assert md.frame["time"].iloc[0] == pd.Timestamp("2012-02-01 05:00:03.660")  # 00:00:03.660 EST
    assert md.frame["volume"].tolist() == [0, 25, 2147483647]
    assert md.frame["spread"].to_numpy() == pytest.approx([0.00017] * 3)
    assert md.label == "measured (ticks, HistData feed)"


@pytest.mark.samples
def test_every_market_data_sample_parses(samples_dir):
    files = sorted((samples_dir / "market-data").glob("*.csv"))
    assert len(files) >= 5
    for path in files:
        md = read_market_data(path)
        assert len(md) > 0 and md.symbol and md.label.startswith("measured")
        assert (md.frame["spread"] >= 0).all()
        assert md.frame["time"].is_monotonic_increasing


# ---- hand-written files per format ---------------------------------------------------------------

MT5_BARS = (
    "<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n"
    "2024.01.02\t00:00:00\t1.10409\t1.10439\t1.10409\t1.10432\t167\t0\t15\n"
    "2024.01.02\t01:00:00\t1.10430\t1.10436\t1.10350\t1.10359\t563\t0\t11\n"
    "2024.01.02\t02:00:00\t1.10360\t1.10400\t1.10300\t1.10310\t400\t0\t7\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_mt5_bars_any_header_case_and_line_ending(tmp_path, newline):
    text = MT5_BARS.replace("<DATE>", "<date>").replace("<SPREAD>", "<Spread>")
    md = read_market_data(write(tmp_path, "EURUSD_H1_202401020000_202401020200.csv", text, newline=newline))
    assert md.symbol == "EURUSD" and md.format == "mt5_bars"
    assert md.frame["spread"].to_numpy() == pytest.approx([0.00015, 0.00011, 0.00007])
    assert md.frame["time"].tolist() == list(pd.date_range("2024-01-02", periods=3, freq="h"))


def test_mt5_bars_d1_without_time(tmp_path):
    text = ("<DATE>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n"
            "2024.01.01\t37763.9\t37791.7\t37762.5\t37776.3\t385\t0\t90\n"
            "2024.01.02\t37777.0\t37863.5\t37510.1\t37763.1\t39963\t0\t71\n")
    md = read_market_data(write(tmp_path, "US30m_Daily.csv", text))
    assert md.symbol == "US30" and md.digits == 1
    assert md.frame["spread"].to_numpy() == pytest.approx([9.0, 7.1])
    assert md.bar_seconds == 86400


def test_symbol_given_by_the_caller_wins(tmp_path):
    path = write(tmp_path, "export.csv", MT5_BARS)
    with pytest.raises(MarketDataError, match="which symbol"):
        read_market_data(path)
    md = read_market_data(path, symbol="eurusd.pro")
    assert (md.symbol, md.file_symbol) == ("EURUSD", "eurusd.pro")


def test_python_copy_rates_dump_iso_time(tmp_path):
    text = ("time,open,high,low,close,tick_volume,spread,real_volume\n"
            "2024-01-02 00:00:00,1.10409,1.10439,1.10409,1.1043200000000001,167,15,0\n"
            "2024-01-02 01:00:00,1.1043,1.10436,1.1035,1.10359,563,11,0\n")
    md = read_market_data(write(tmp_path, "rates.csv", text), symbol="EURUSD")
    assert md.format == "mt5_rates" and md.digits == 5  # float noise is not 16 digits
    assert md.frame["spread"].to_numpy() == pytest.approx([0.00015, 0.00011])
    assert md.frame["time"].iloc[1] == pd.Timestamp("2024-01-02 01:00")
    assert not md.utc


def test_python_copy_rates_dump_epoch_time_with_index_column(tmp_path):
    t0 = int(pd.Timestamp("2024-01-02").timestamp())
    text = (",time,open,high,low,close,tick_volume,spread,real_volume\n"
            f"0,{t0},150.123,150.2,150.1,150.15,10,14,0\n"
            f"1,{t0 + 60},150.15,150.2,150.1,150.111,10,16,0\n")
    md = read_market_data(write(tmp_path, "USDJPY_M1_rates.csv", text))
    assert md.symbol == "USDJPY" and md.digits == 3
    assert md.frame["time"].tolist() == [pd.Timestamp("2024-01-02 00:00"), pd.Timestamp("2024-01-02 00:01")]
    assert md.frame["spread"].to_numpy() == pytest.approx([0.014, 0.016])
    assert md.bar_seconds == 60


def test_semicolon_decimal_comma_resave(tmp_path):
    text = ("Date;Time;Open;High;Low;Close;TickVol;Vol;Spread\n"
            "2024.01.02;00:00:00;1,10409;1,10439;1,10409;1,10432;167;0;15\n")
    md = read_market_data(write(tmp_path, "EURUSD_H1.csv", text))
    assert md.digits == 5 and md.frame["spread"].iloc[0] == pytest.approx(0.00015)
    assert md.bar_seconds == 3600  # one bar: the timeframe comes from the file name


def test_mt5_ticks_forward_fill_empty_fields(tmp_path):
    text = ("<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>\n"
            "2024.01.02\t00:00:00.100\t\t1.10424\t\t\t4\n"  # ask only: no bid yet, dropped
            "2024.01.02\t00:00:00.200\t1.10409\t1.10424\t\t\t6\n"
            "2024.01.02\t00:00:01.300\t1.10410\t\t\t\t2\n"  # ask unchanged
            "2024.01.02\t00:00:02.400\t\t1.10430\t\t\t4\n"  # bid unchanged
            "2024.01.02\t00:00:03.500\t\t\t1.1\t1\t8\n")  # a trade print only: no quote change, dropped
    md = read_market_data(write(tmp_path, "EURUSD.a_ticks.csv", text))
    assert (md.format, md.kind, md.utc, md.symbol) == ("mt5_ticks", "ticks", False, "EURUSD")
    assert md.frame["bid"].tolist() == pytest.approx([1.10409, 1.10410, 1.10410])
    assert md.frame["ask"].tolist() == pytest.approx([1.10424, 1.10424, 1.10430])
    assert md.frame["spread"].tolist() == pytest.approx([0.00015, 0.00014, 0.00020])
    assert md.frame["time"].iloc[0] == pd.Timestamp("2024-01-02 00:00:00.200")
    assert md.label == "measured (ticks, MT5 export)" and not md.third_party


def test_dukascopy_gmt_time_header(tmp_path):
    text = ("Gmt time,Ask,Bid,AskVolume,BidVolume\n"
            "04.09.2023 01:00:05.962,1.07913,1.07905,0.9,0.9\n"
            "04.09.2023 01:00:06.100,1.07915,1.07906,0.9,1.35\n")
    md = read_market_data(write(tmp_path, "EURUSD_Ticks_04.09.2023.csv", text))
    assert md.utc and md.offset_hours == 0
    assert md.frame["time"].iloc[0] == pd.Timestamp("2023-09-04 01:00:05.962")
    assert md.frame["spread"].to_numpy() == pytest.approx([0.00008, 0.00009])


def test_dukascopy_local_time_with_offset_is_converted_to_utc(tmp_path):
    text = ("Local time,Ask,Bid,AskVolume,BidVolume\n"
            "04.09.2023 01:00:05.962 GMT+0300,1.07913,1.07905,0.9,0.9\n"
            "04.09.2023 01:00:06.962 GMT+0300,1.07914,1.07905,0.9,0.9\n")
    md = read_market_data(write(tmp_path, "EURUSD_Ticks.csv", text))
    assert md.utc and md.offset_hours == 3
    assert md.frame["time"].tolist() == [pd.Timestamp("2023-09-03 22:00:05.962"),
                                         pd.Timestamp("2023-09-03 22:00:06.962")]


def test_dukascopy_local_time_without_offset_is_refused(tmp_path):
    text = "Local time,Ask,Bid,AskVolume,BidVolume\n04.09.2023 01:00:05.962,1.07913,1.07905,0.9,0.9\n"
    with pytest.raises(MarketDataError, match="time zone is unknown"):
        read_market_data(write(tmp_path, "EURUSD.csv", text))


def test_histdata_hand_written(tmp_path):
    text = "20120201 000003660,1.306600,1.306770,0\n20120201 235959999,1.306000,1.306100,0\n"
    md = read_market_data(write(tmp_path, "DAT_ASCII_EURUSD_T_201202.csv", text))
    assert md.format == "histdata" and md.symbol == "EURUSD"
    assert md.frame["time"].iloc[1] == pd.Timestamp("2012-02-02 04:59:59.999")
    assert md.frame["spread"].to_numpy() == pytest.approx([0.00017, 0.00010])


def test_truefx(tmp_path):
    text = ("EUR/USD,20190102 00:00:00.123,1.14632,1.14637\n"
            "EUR/USD,20190102 00:00:00.456,1.14630,1.14640\n")
    md = read_market_data(write(tmp_path, "data.csv", text))  # symbol from the content, not the name
    assert (md.symbol, md.format, md.utc, md.offset_hours) == ("EURUSD", "truefx", True, 0.0)
    assert md.frame["spread"].to_numpy() == pytest.approx([0.00005, 0.00010])
    assert md.frame["time"].iloc[0] == pd.Timestamp("2019-01-02 00:00:00.123")
    assert md.label == "measured (ticks, TrueFX feed)"


def test_truefx_several_symbols_need_a_choice(tmp_path):
    text = ("EUR/USD,20190102 00:00:00.123,1.14632,1.14637\n"
            "USD/JPY,20190102 00:00:00.200,108.100,108.110\n")
    path = write(tmp_path, "mixed.csv", text)
    with pytest.raises(MarketDataError, match="several symbols"):
        read_market_data(path)
    md = read_market_data(path, symbol="USDJPY")
    assert len(md) == 1 and md.frame["spread"].iloc[0] == pytest.approx(0.010)
    with pytest.raises(MarketDataError, match="has no rows for GBPUSD; it holds EURUSD, USDJPY"):
        read_market_data(path, symbol="GBPUSD")


def test_unsorted_rows_are_sorted_with_a_warning(tmp_path):
    lines = MT5_BARS.splitlines()
    text = "\n".join([lines[0], lines[2], lines[1], lines[3]]) + "\n"
    md = read_market_data(write(tmp_path, "EURUSD_H1.csv", text))
    assert md.frame["time"].is_monotonic_increasing
    assert md.frame["spread_points"].tolist() == [15, 11, 7]
    assert any("sorted" in w for w in md.warnings)


def test_ticks_with_ask_below_bid_are_dropped(tmp_path):
    text = ("Time,Ask,Bid,AskVolume,BidVolume\n"
            "01.05.2012 00:00:01.680,80.928,80.911,1,1\n"
            "01.05.2012 00:00:02.680,80.900,80.911,1,1\n")
    md = read_market_data(write(tmp_path, "CADJPY.csv", text))
    assert len(md) == 1 and any("Ask below Bid" in w for w in md.warnings)


def test_utf16_and_bom_files_decode(tmp_path):
    path = tmp_path / "EURUSD_H1.csv"
    path.write_bytes(b"\xff\xfe" + MT5_BARS.encode("utf-16-le"))
    assert len(read_market_data(path)) == 3
    path.write_bytes(b"\xef\xbb\xbf" + MT5_BARS.encode())
    assert len(read_market_data(path)) == 3


def test_bytes_in_memory():
    md = read_market_data("EURUSD_H1.csv", data=MT5_BARS.encode())
    assert len(md) == 3 and md.source == "EURUSD_H1.csv"


def test_detect_format_and_symbol_from_name():
    assert detect_format(MT5_BARS.splitlines()[0]) == "mt5_bars"
    assert detect_format("time,open,high,low,close,tick_volume,spread,real_volume") == "mt5_rates"
    assert detect_format("<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>") == "mt5_ticks"
    assert detect_format("Time,Ask,Bid,AskVolume,BidVolume") == "dukascopy"
    assert detect_format("Local time,Ask,Bid,AskVolume,BidVolume") == "dukascopy"
    assert detect_format("20120201 000003660,1.306600,1.306770,0") == "histdata"
    assert detect_format("EUR/USD,20190102 00:00:00.123,1.14632,1.14637") == "truefx"
    assert detect_format("Ticket,Open Time,Type") is None
    assert symbol_from_name("mt5bars_US30m_D1_2024-2025_MyPhytonEA.csv") == "US30m"
    assert symbol_from_name("dukascopy_ticks_CADJPY_2012-05_tickconverter.csv") == "CADJPY"
    assert symbol_from_name("DAT_ASCII_EURUSD_T_201202.csv") == "EURUSD"
    assert symbol_from_name("XAUUSD.m_M5_202401020000.csv") == "XAUUSD.m"
    assert symbol_from_name("export.csv") == ""


# ---- bad files --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (b"", "the file is empty", None),
        (b"\r\n  \n", "the file is empty", None),
        (MT5_BARS.splitlines()[0].encode() + b"\n", "no data rows", None),
        (b"<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\n2024.01.02\t00:00:00\t1\t1\t1\t1\t5\n",
         "without a spread column", 1),
        (b"Ticket,Open Time,Type,Size\n1,2024.01.02,buy,1\n", "not market data fxcost can read", 1),
        (b"time,bid,ask\n2024-01-02 00:00:00,1.1,1.2\n", "time zone fxcost knows", 1),
        ((MT5_BARS + "this is not a bar\n").encode(), "is not a date/time", 5),
        ((MT5_BARS.replace("\t15\n", "\tabc\n")).encode(), "SPREAD 'abc' is not a number", 2),
        ((MT5_BARS.replace("\t15\n", "\t-3\n")).encode(), "whole number of points", 2),
        ((MT5_BARS.replace("\t11\n", "\t11\t9\t9\n")).encode(), "11 fields where 9 are expected", 3),
        ((MT5_BARS.replace("1.10430\t", "1.1O430\t")).encode(), "OPEN '1.1O430' is not a number", 3),
        (b"PK\x03\x04rest of a zip", "not a text file", None),
        (b"Time,Ask,Bid,AskVolume,BidVolume\n01.05.2012 00:00:01.680,80.9,,1,1\n", "Bid is missing", 2),
    ],
)
def test_bad_files_raise_market_data_error(tmp_path, content, message, line):
    path = tmp_path / "EURUSD_H1.csv"
    path.write_bytes(content)
    with pytest.raises(MarketDataError, match=message) as info:
        read_market_data(path)
    err = info.value
    assert isinstance(err, FxCostError)
    assert err.line == line
    assert str(err).startswith(str(path))
    if line:
        assert f"line {line}:" in str(err)


def test_garbage_line_after_blank_lines_reports_the_file_line(tmp_path):
    text = MT5_BARS.replace("\n2024.01.02\t01:00", "\n\n\n2024.01.02\t01:00") + "garbage\n"
    with pytest.raises(MarketDataError) as info:
        read_market_data(write(tmp_path, "EURUSD_H1.csv", text))
    assert info.value.line == 7
    assert "'garbage'" in str(info.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(MarketDataError, match="cannot read the file"):
        read_market_data(tmp_path / "nope.csv")
    with pytest.raises(MarketDataError, match="is a folder"):
        read_market_data(tmp_path)


def test_reading_50k_ticks(tmp_path):
    n = 50_000
    times = pd.Timestamp("2024-03-04") + pd.to_timedelta(np.arange(n) * 700, unit="ms")
    bid = 1.08 + (np.arange(n) % 97) * 1e-5
    ask = bid + 1e-5 * (5 + np.arange(n) % 7)
    body = "\n".join(f"{t:%d.%m.%Y %H:%M:%S}.{t.microsecond // 1000:03d},{a:.5f},{b:.5f},1.5,2.25"
                     for t, a, b in zip(times, ask, bid))
    path = write(tmp_path, "EURUSD_ticks.csv", "Time,Ask,Bid,AskVolume,BidVolume\n" + body + "\n")
    md = read_market_data(path)
    assert len(md) == n
    assert md.frame["spread_points"].min() == 5 and md.frame["spread_points"].max() == 11


# ---- chunked reading (issue 13: market data is read as a stream) ----------------------------------


def _rows(n, line):
    """``n`` lines from ``line(i, t)``, one every 0.7 s from 2024-03-04 (prices vary, some with trailing zeros)."""
    t0 = pd.Timestamp("2024-03-04")
    return "".join(line(i, t0 + pd.Timedelta(milliseconds=700 * i)) + "\n" for i in range(n))


def _bid(i):
    return 1.08 + (i % 97) * 1e-5


def _ask(i):
    return _bid(i) + 1e-5 * (5 + i % 7)


_CHUNKED = {
    "mt5_bars": ("EURUSD_M1.csv", "<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n"
                 + _rows(1500, lambda i, t: f"{t + pd.Timedelta(minutes=i):%Y.%m.%d\t%H:%M:%S}\t{_bid(i):.5f}\t"
                         f"{_ask(i):.5f}\t{_bid(i):.5f}\t{_bid(i):.5f}\t{i}\t0\t{i % 13}")),
    "mt5_rates": ("USDJPY_M1_rates.csv", ",time,open,high,low,close,tick_volume,spread,real_volume\n"
                  + _rows(1500, lambda i, t: f"{i},{1709510400 + 60 * i},150.1{i % 10},150.2,150.1,150.15,10,"
                          f"{i % 20},0")),
    "mt5_ticks": ("EURUSD_ticks.csv", "<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>\n"
                  + _rows(1500, lambda i, t: f"{t:%Y.%m.%d\t%H:%M:%S}.{t.microsecond // 1000:03d}\t"
                          f"{'' if i % 3 == 1 else f'{_bid(i):.5f}'}\t{'' if i % 3 == 2 else f'{_ask(i):.5f}'}"
                          "\t\t\t6")),
    "dukascopy": ("EURUSD_Ticks.csv", "Local time,Ask,Bid,AskVolume,BidVolume\n"
                  + _rows(1500, lambda i, t: f"{t:%d.%m.%Y %H:%M:%S}.{t.microsecond // 1000:03d} "
                          f"GMT+0{2 + (i > 900)}00,{_ask(i):.5f},{_bid(i):.5f},1.5,2.25")),
    "histdata": ("DAT_ASCII_EURUSD_T_202403.csv",
                 _rows(1500, lambda i, t: f"{t:%Y%m%d %H%M%S}{t.microsecond // 1000:03d},{_bid(i):.6f},"
                       f"{_ask(i):.6f},{i % 5}")),
    "truefx": ("data.csv", _rows(1500, lambda i, t: f"EUR/USD,{t:%Y%m%d %H:%M:%S}.{t.microsecond // 1000:03d},"
                                 f"{_bid(i):.5f},{_ask(i):.5f}")),
}


def _same(a: MarketData, b: MarketData):
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    for name in ("symbol", "kind", "utc", "offset_hours", "label", "digits", "point", "format", "file_symbol",
                 "bar_seconds", "third_party", "warnings"):
        assert getattr(a, name) == getattr(b, name), name


@pytest.mark.parametrize("fmt", sorted(_CHUNKED))
def test_chunked_reading_gives_the_same_market_data(tmp_path, monkeypatch, fmt):
    name, text = _CHUNKED[fmt]
    path = write(tmp_path, name, text)
    whole = read_market_data(path, chunk_chars=10**9)
    chunks = []
    real_table = market_data._Reader.table
    monkeypatch.setattr(market_data._Reader, "table", lambda self, *a: chunks.append(1) or real_table(self, *a))
    chunked = read_market_data(path, chunk_chars=2000)
    assert len(chunks) >= 10  # the file really was read in many pieces
    assert whole.format == fmt and len(whole) > 900
    _same(whole, chunked)


def test_chunked_reading_keeps_sorting_ask_below_bid_and_a_chosen_truefx_symbol(tmp_path):
    rows = _CHUNKED["truefx"][1].splitlines(keepends=True)
    rows[1200] = rows[1200].replace("EUR/USD", "USD/JPY")  # a second symbol first seen in a late chunk
    rows[300], rows[301] = rows[301], rows[300]  # out of order
    rows[700] = "EUR/USD,20240304 00:08:10.000,1.08100,1.08000\n"  # ask below bid
    path = write(tmp_path, "data.csv", "".join(rows))
    with pytest.raises(MarketDataError, match="several symbols"):
        read_market_data(path, chunk_chars=2000)
    whole = read_market_data(path, "EURUSD", chunk_chars=10**9)
    assert len(whole) == 1498 and any("sorted" in w for w in whole.warnings)
    _same(whole, read_market_data(path, "EURUSD", chunk_chars=2000))


def test_utf16_file_read_in_chunks(tmp_path):
    name, text = _CHUNKED["mt5_ticks"]
    path = tmp_path / name
    path.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le") + b"\x00")  # a stray last byte
    _same(read_market_data(path, chunk_chars=10**9), read_market_data(path, chunk_chars=700))
    _same(read_market_data(path), read_market_data(write(tmp_path, "EURUSD_utf8_ticks.csv", text)))


@pytest.mark.parametrize(
    ("bad", "message"),
    [("2024.03.05\tnoon\t1.1\t1.1\t1.1\t1.1\t1\t0\t5", "<DATE> <TIME> '2024.03.05 noon' is not a date/time"),
     ("2024.03.05\t12:00:00\t1.1\t1.1\t1.1\t1.1\t1\t0\tx", "SPREAD 'x' is not a number"),
     ("2024.03.05\t12:00:00\t1.1\t1.1\t1.1\t1.1\t1\t0\t5\t7", "10 fields where 9 are expected")],
)
def test_a_bad_row_in_a_late_chunk_has_its_file_line(tmp_path, bad, message):
    lines = _CHUNKED["mt5_bars"][1].splitlines()
    lines[600:600] = ["", "", ""]  # blank lines are skipped by the parser but count as file lines
    lines[1234] = bad
    path = write(tmp_path, "EURUSD_M1.csv", "\n".join(lines) + "\n")
    for size in (2000, 10**9):
        with pytest.raises(MarketDataError, match=message) as info:
            read_market_data(path, chunk_chars=size)
        assert info.value.line == 1235, size


@pytest.mark.parametrize("end", ["\n", ""])
def test_a_line_longer_than_a_chunk_is_refused_with_its_number(tmp_path, end):
    text = MT5_BARS + "".join(MT5_BARS.splitlines(keepends=True)[1:]) * 66 + "2024.01.02\t03:00:00\t" + "1" * 20_000 + end
    with pytest.raises(MarketDataError, match="line longer than 10,000 characters") as info:
        read_market_data(write(tmp_path, "EURUSD_H1.csv", text), chunk_chars=10_000)
    assert info.value.line == 203  # 1 header + 3 + 66 * 3 bars before it
