"""Decoding and number/date parsing shared by every reader."""

import math
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from fxcost.importers import text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1 000.00", 1000.0),
        ("-1 522.80", -1522.8),
        ("- 30.12", -30.12),
        (" 39.02", 39.02),
        ("-3\u00a0865", -3865.0),
        ("200\u3000000", 200000.0),
        ("0.1", 0.1),
        ("23.50 (0.78%)", 23.5),
        ("43 790%", 43790.0),
        ("+5", 5.0),
        ("", math.nan),
        ("market", math.nan),
        ("1.2.3", math.nan),
        (7, 7.0),
    ],
)
def test_parse_number(raw, expected):
    got = text.parse_number(raw)
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected)


def test_parse_numbers_vectorised_matches_scalar():
    cells = ["1 000.00", "- 30.12", "", "abc", 12.5, "-3\u00a0865", "0.78%"]
    got = text.parse_numbers(cells)
    want = np.array([text.parse_number(c) for c in cells])
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got[~np.isnan(got)], want[~np.isnan(want)])


def test_parse_volume_filled_over_requested():
    assert text.parse_volume("0.03 / 0.05") == 0.03
    assert text.parse_volume("4") == 4.0


def test_decimals():
    assert text.decimals("1.14475") == 5
    assert text.decimals("21016") == 0
    assert text.decimals("180.190") == 3


def test_parse_times_mixed_formats():
    got = text.parse_times(["2025.06.06 00:33:56", "2025.06.06 16:52", "", "not a date"])
    assert got[0] == datetime(2025, 6, 6, 0, 33, 56)
    assert got[1] == datetime(2025, 6, 6, 16, 52)
    assert got[2:].isna().all()


def test_parse_report_time_mt4_and_mt5():
    assert text.parse_report_time("2017 October 18, 08:05") == datetime(2017, 10, 18, 8, 5)
    assert text.parse_report_time("2025.06.06 16:52") == datetime(2025, 6, 6, 16, 52)
    assert text.parse_report_time("whenever") is None


@pytest.mark.parametrize(
    "data, expected",
    [
        ("Peña".encode(), "Peña"),
        (b"\xef\xbb\xbf" + "Peña".encode(), "Peña"),
        (b"\xff\xfe" + "口座".encode("utf-16-le"), "口座"),
        (b"\xff\xfe" + "<html>".encode("utf-16-le") + b"\n", "<html>"),  # stray odd byte
        (b"\xfe\xff" + "<html>".encode("utf-16-be") + b"\n", "<html>"),  # big-endian, stray odd byte
        ("<html>abc</html>".encode("utf-16-le"), "<html>abc</html>"),  # UTF-16 without BOM
        ("李振芳".encode("gbk"), "李振芳"),
        ("Señor €".encode("cp1252"), "Señor €"),
        # 8-bit code pages that also decode as another without error: the text that reads as its script wins
        ("口座番号 名前 押し目買い".encode("cp932"), "口座番号 名前 押し目買い"),  # also valid GBK
        ("山田太郎".encode("cp932"), "山田太郎"),
        ("交易品种 时间周期 获利".encode("gbk"), "交易品种 时间周期 获利"),
        ("Символ Период Модель".encode("cp1251"), "Символ Период Модель"),  # also valid GBK
        ("Иванов Иван".encode("cp1251"), "Иванов Иван"),
        ("Başlangıç mevduatı".encode("cp1254"), "Başlangıç mevduatı"),
        ("Période".encode("cp1252"), "Période"),  # also valid cp932 and GBK
    ],
)
def test_decode(data, expected):
    assert text.decode(data) == expected


def test_clean_collapses_every_space():
    assert text.clean("\u00a0 a\u3000\u3000b\t\r\n") == "a b"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1,275.00", 1275.0),
        ("-1,234,567.5", -1234567.5),
        ("$12.50", 12.5),
        ("-$12.50", -12.5),
        ("12.50 €", 12.5),
        ("USD 12.50", 12.5),
        ("12.50USD", 12.5),
        ("(12.50)", -12.5),
        ("($1,275.00)", -1275.0),
        ("23.50 (0.78%)", 23.5),
        ("1,2", math.nan),
        ("12,50", math.nan),
        ("EURUSD", math.nan),
        ("USD", math.nan),
        ("-(12.50)", math.nan),
    ],
)
def test_spreadsheet_money(raw, expected):
    for got in (text.parse_number(raw), text.parse_numbers([raw])[0]):
        if math.isnan(expected):
            assert math.isnan(got)
        else:
            assert got == pytest.approx(expected)


def test_plain_times_outside_the_nanosecond_range_are_no_dates():
    # The numpy fast path (issue 14) must not wrap a year 1600 or 9999 round into another date (issue 13).
    from fxcost.importers.text import parse_times

    out = parse_times(["1600.01.05 11:16:54", "2024.01.05 11:16:54", "9999.12.31 11:00:00"])
    assert out.isna().tolist() == [True, False, True]
    assert out[1] == pd.Timestamp("2024-01-05 11:16:54")
