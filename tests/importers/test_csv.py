"""CSV trade lists: delimiters, header synonyms, user mapping, bad rows listed."""

import pytest

from fxcost.errors import ImportFailed
from fxcost.importers import load_bytes, load_file


def _load(text: str, mapping=None):
    return load_bytes(text.encode("utf-8"), "test.csv", csv_mapping=mapping)


EA_CSV = (
    "#,Open Time,Type,Lots,Symbol,Price,Stop/Loss,Take Profit,Close Time,Close Price,Swap,Commission,Profit,Comment\n"
    "1001,2024.01.05 10:22,buy,0.10,EURUSD.r,1.09120,0,1.09500,2024.01.05 12:00,1.09300,0.00,-0.70,18.00,[tp]\n"
    "1002,2024.01.05 11:00,sell,1.00,USDJPY.r,144.500,145.000,0,2024.01.08 09:00,144.300,-12.40,-7.00,138.60,\n"
    "1003,2024.01.06 09:00,balance,0,,0,0,0,,0,0,0,500.00,Deposit\n"
    "1004,2024.01.09 09:00,buy,0.50,XAUUSD,2030.15,0,0,,2031.00,0,0,42.50,\n"
)


def test_ea_written_csv_with_header_synonyms():
    st = _load(EA_CSV)
    t = st.trades
    assert list(t["ticket"]) == [1001, 1002]
    assert list(t["side"]) == ["buy", "sell"]
    assert list(t["symbol_root"]) == ["EURUSD", "USDJPY"]
    assert list(t["symbol_suffix"]) == [".r", ".r"]
    assert t["commission"].sum() == pytest.approx(-7.70)
    assert t["swap"].sum() == pytest.approx(-12.40)
    assert t["profit"].sum() == pytest.approx(156.60)
    assert t.loc[0, "tp"] == pytest.approx(1.095)
    assert t["sl"].isna().iloc[0]  # 0 = none
    assert t.loc[0, "close_reason"] == "tp"
    assert list(t["digits"]) == [5, 3]
    assert len(st.cash) == 1 and st.cash.loc[0, "kind"] == "deposit" and st.cash.loc[0, "amount"] == 500
    assert len(st.open_positions) == 1 and st.open_positions.loc[0, "symbol_root"] == "XAUUSD"


def test_semicolon_and_decimal_comma():
    text = EA_CSV.replace(",", ";").replace("1.09120", "1,09120")
    # Only change the decimal point of money and prices a European spreadsheet would write.
    text = text.replace("-0.70", "-0,70").replace("18.00", "18,00")
    st = _load(text)
    assert st.trades.loc[0, "open_price"] == pytest.approx(1.0912)
    assert st.trades.loc[0, "commission"] == pytest.approx(-0.70)
    assert st.trades.loc[0, "profit"] == pytest.approx(18.0)


def test_tab_separated_numeric_types_and_iso_dates():
    text = (
        "Ticket\tOpen Time\tSymbol\tVolume\tType\tOpen Price\tClose Time\tClose Price\tProfit\tStatus\n"
        "1\t2025-05-28 14:08:59\tXAUUSD\t0.01\t1\t3306\t2025-05-28 16:15:31\t3297\t9.0000000000\tCLOSED\n"
        "2\t2025-05-29 14:08:59\tEURUSD\t0.10\t0\t1.1000\t2025-05-29 16:15:31\t1.1010\t10.0\tCLOSED\n"
    )
    st = _load(text)
    assert list(st.trades["side"]) == ["sell", "buy"]
    assert st.trades["profit"].sum() == pytest.approx(19.0)
    assert any("no commission or swap" in w for w in st.warnings)


def test_user_mapping_for_unknown_headers():
    text = (
        "Deal Number,Entered,Exited,Direction Code,Qty,Market,In,Out,Net Result\n"
        "1,2024-03-01 10:00:00,2024-03-01 11:00:00,buy,0.2,GBPUSD,1.2600,1.2610,20.00\n"
    )
    with pytest.raises(ImportFailed, match="no column for open_time"):
        _load(text)
    mapping = {"open_time": "Entered", "close_time": "Exited", "side": "Direction Code", "lots": "Qty",
               "symbol": "Market", "open_price": "In", "close_price": "Out", "profit": "Net Result"}
    st = _load(text, mapping)
    assert st.trades.loc[0, "profit"] == 20.0
    assert st.trades.loc[0, "lots"] == 0.2


def test_mapping_to_missing_column_is_explained():
    with pytest.raises(ImportFailed, match="no such column"):
        _load(EA_CSV, {"profit": "Net"})


def test_bad_rows_are_listed_not_dropped():
    text = EA_CSV + "1005,2024.13.45 99:99,buy,0.10,EURUSD,1.1,0,0,2024.01.10 10:00,1.2,0,0,5,\n"
    text += "1006,2024.01.10 10:00,hedge,0.10,EURUSD,1.1,0,0,2024.01.10 11:00,1.2,0,0,5,\n"
    st = _load(text)
    assert len(st.trades) == 2
    reasons = {s.row: s.reason for s in st.skipped}
    assert "not a date" in reasons[6]
    assert "neither buy nor sell" in reasons[7]
    assert any("skipped" in w for w in st.warnings)


def test_sample_platform_csv(samples_dir):
    st = load_file(samples_dir / "csv-platform-export-harry-11119147.csv")
    assert st.format == "csv"
    assert len(st.trades) == 9
    assert set(st.trades["symbol_root"]) == {"XAUUSD", "EURUSD"}
    assert st.trades["profit"].sum() == pytest.approx(542.51, abs=0.005)
    assert not st.skipped


EUROPEAN = (
    "  DEAL#;Opened;Closed;Direction;Volume (lots);Instrument;Entry;Exit;Comm.;Rollover;P/L;\n"
    "1;2024.03.04 10:00;2024.03.04 12:00;BUY;0,10;EURUSD;1,08512;1,08700;-0,70;0;18,80;\n"
    "2;2024.03.05 10:00;2024.03.05 12:00;SELL;0,10;USDJPY;150,120;149,900;-0,70;-0,1;14,66;\n"
)


def test_decimal_comma_prices_keep_their_digits_and_headers_are_recognised():
    st = load_bytes(EUROPEAN.encode("utf-8"), "broker.csv")
    t = st.trades
    assert t["ticket"].tolist() == [1, 2]
    assert t["open_price"].tolist() == [1.08512, 150.12]
    assert t["digits"].tolist() == [5, 3]  # from "1,08512" and "150,120", as with dots
    assert t["lots"].tolist() == [0.1, 0.1] and t["profit"].tolist() == [18.8, 14.66]
    assert not st.skipped
    assert any("currency" in w for w in st.warnings)


def test_trailing_separator_column_is_not_listed_as_a_column():
    text = "When;What;Amount;\n2024-01-01;x;1;\n2024-01-02;y;2;\n"
    with pytest.raises(ImportFailed) as info:
        load_bytes(text.encode(), "notes.csv")
    assert "Unnamed" not in info.value.message and "'Amount'" in info.value.message


def test_absurd_values_are_skipped_with_a_reason_not_summed():
    text = (
        "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit\n"
        "1,2024.01.05 10:22:00,buy,0.10,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,18.00\n"
        "2,2024.01.05 11:00:00,buy,0.10,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,1e308\n"
        "3,2024.01.05 11:00:00,buy,100000000,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,5.00\n"
    )
    st = load_bytes(text.encode(), "ea.csv")
    assert st.trades["ticket"].tolist() == [1]
    reasons = [s for s in st.skipped if "implausible" in s.reason]
    assert [s.text.split(":")[0] for s in reasons] == ["ticket 2", "ticket 3"]
    assert any("implausible" in w for w in st.warnings)


UNKNOWN = "does not say the account's currency"


def test_currency_given_to_the_reader_names_the_account_and_drops_the_warning():
    st = load_bytes(EA_CSV.encode(), "t.csv", csv_currency="eur")
    assert st.account.currency == "EUR"
    assert not any(UNKNOWN in w for w in st.warnings)
    assert any(UNKNOWN in w for w in _load(EA_CSV).warnings) and _load(EA_CSV).account.currency == ""


def test_a_currency_column_with_one_code_names_the_account_currency():
    lines = EA_CSV.splitlines()
    with_ccy = "\n".join([lines[0] + ",Currency"] + [ln + ",gbp" for ln in lines[1:]]) + "\n"
    st = _load(with_ccy)
    assert st.account.currency == "GBP" and not any(UNKNOWN in w for w in st.warnings)
    # The user's choice wins over the column, and the import says so.
    st = load_bytes(with_ccy.encode(), "t.csv", csv_currency="USD")
    assert st.account.currency == "USD" and any("column says GBP" in w for w in st.warnings)
    assert not any("column says" in w for w in load_bytes(with_ccy.encode(), "t.csv", csv_currency="gbp").warnings)


@pytest.mark.parametrize("values", [["USD", "EUR", "USD", "USD"], ["EURUSD"] * 4])
def test_a_currency_column_that_names_no_single_code_leaves_the_currency_unknown(values):
    lines = EA_CSV.splitlines()
    text = "\n".join([lines[0] + ",Currency"] + [ln + "," + v for ln, v in zip(lines[1:], values)]) + "\n"
    st = _load(text)
    assert st.account.currency == "" and any(UNKNOWN in w for w in st.warnings)
    assert any("different values" in w for w in st.warnings) == (len(set(values)) > 1)


def test_pipeline_gives_each_csv_its_own_currency(tmp_path):
    from fxcost.pipeline import import_files

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(EA_CSV)
    b.write_text(EA_CSV.replace("1001,", "2001,").replace("1002,", "2002,").replace("1003,", "2003,")
                 .replace("1004,", "2004,"))
    portfolio = import_files([a, b], currency={str(a): "EUR"})
    ccy = {f.statement.path: f.statement.account.currency for f in portfolio.files}
    assert ccy == {str(a): "EUR", str(b): ""}


def test_a_csv_without_currency_is_warned_about_once(tmp_path):
    from fxcost.pipeline import run

    path = tmp_path / "t.csv"
    path.write_text(EA_CSV)
    result = run([path])
    every = [w for f in result.portfolio.files for w in f.statement.warnings] + result.warnings
    assert sum("currency" in w.lower() and "usd" in w.lower() for w in every) == 1


def test_a_currency_fxcost_cannot_convert_is_named_in_a_warning(tmp_path):
    from fxcost.pipeline import run

    lines = EA_CSV.splitlines()
    path = tmp_path / "t.csv"
    path.write_text("\n".join([lines[0] + ",Currency"] + [ln + ",XYZ" for ln in lines[1:]]) + "\n")
    result = run([path])
    assert result.accounts[0].currency == "XYZ"
    assert any("XYZ is not one fxcost can convert" in w for w in result.warnings)
    usd = tmp_path / "u.csv"
    usd.write_text("\n".join([lines[0] + ",Currency"] + [ln + ",EUR" for ln in lines[1:]]) + "\n")
    assert not any("can convert" in w for w in run([usd]).warnings)
