"""CSV trade lists: delimiters, header synonyms, user mapping, bad rows listed."""

import math

import pandas as pd
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


# --- dates: day/month order, 12-hour clock, unreadable dates --------------------------------------------------

US_HEADER = "Trade #,Open Date,Close Date,Side,Quantity,Symbol,Entry Price,Exit Price,Commission,Profit\n"


def _us(*dates: tuple[str, str]) -> str:
    rows = [f"{i},{o},{c},Long,0.5,EURUSD,1.10412,1.10538,-3.50,63.00" for i, (o, c) in enumerate(dates, 1)]
    return US_HEADER + "\n".join(rows) + "\n"


def test_ambiguous_dates_take_the_reading_with_plausible_holds_and_say_so():
    st = _load(_us(("01/02/2024 09:15:00", "01/02/2024 10:20:00"), ("01/03/2024 14:02:00", "01/04/2024 08:30:00"),
                   ("01/08/2024 16:30:00", "01/09/2024 09:10:00")))
    t = st.trades
    assert t["open_time"].dt.month.tolist() == [1, 1, 1]  # not 1 February, 1 March, 1 August
    assert t["close_time"].iloc[1] == pd.Timestamp("2024-01-04 08:30")
    note = next(w for w in st.warnings if "ambiguous" in w)
    assert "month/day/year" in note and "ISO" in note
    # The same evidence reads day-first journals day-first (3 January -> 4 January), still with the warning.
    st = _load(_us(("03/01/2024 14:02", "04/01/2024 08:30"), ("08/01/2024 16:30", "09/01/2024 09:10")))
    assert st.trades["open_time"].tolist() == [pd.Timestamp("2024-01-03 14:02"), pd.Timestamp("2024-01-08 16:30")]
    assert any("ambiguous" in w and "as day/month/year" in w for w in st.warnings)


def test_one_unambiguous_date_in_either_column_decides_both_columns_without_a_warning():
    st = _load(_us(("01/03/2024 14:02", "01/03/2024 15:00"), ("01/12/2024 10:00", "01/13/2024 08:30")))
    assert st.trades["open_time"].tolist() == [pd.Timestamp("2024-01-03 14:02"), pd.Timestamp("2024-01-12 10:00")]
    assert not any("ambiguous" in w for w in st.warnings)
    st = _load(_us(("03/01/2024 14:02", "03/01/2024 15:00"), ("12/01/2024 10:00", "13/01/2024 08:30")))
    assert st.trades["open_time"].tolist() == [pd.Timestamp("2024-01-03 14:02"), pd.Timestamp("2024-01-12 10:00")]
    assert not any("ambiguous" in w for w in st.warnings)


def test_a_date_order_given_to_the_reader_wins():
    from fxcost.importers import csv_table

    text = _us(("01/03/2024 14:02", "01/04/2024 08:30"))
    st = csv_table.read(text, "t.csv", date_order="dmy")
    assert st.trades["open_time"].iloc[0] == pd.Timestamp("2024-03-01 14:02")
    assert not any("ambiguous" in w for w in st.warnings)


@pytest.mark.parametrize("opened, closed, want_open, want_close", [
    ("2024-01-03 9:15:00 AM", "2024-01-03 2:15:00 PM", "2024-01-03 09:15", "2024-01-03 14:15"),
    ("01/03/2024 02:15 PM", "01/03/2024 11:59 PM", "2024-01-03 14:15", "2024-01-03 23:59"),
    ("2024-01-03 12:05 AM", "2024-01-03 12:05 PM", "2024-01-03 00:05", "2024-01-03 12:05"),
    ("2024-01-03 9:15:00 am", "2024-01-03 16:00:00", "2024-01-03 09:15", "2024-01-03 16:00"),  # mixed clocks
])
def test_12_hour_times(opened, closed, want_open, want_close):
    st = _load(_us((opened, closed), ("01/10/2024 10:00:00", "01/10/2024 10:05:00")))
    assert not st.skipped
    # Nothing but the 12-hour clock tells 01/03 and 01/10 apart: it reads as month/day/year, and says so.
    assert any("ambiguous" in w and "AM/PM" in w for w in st.warnings)
    assert st.trades["open_time"].iloc[0] == pd.Timestamp(want_open)
    assert st.trades["close_time"].iloc[0] == pd.Timestamp(want_close)


def test_an_unreadable_date_names_the_accepted_formats_and_what_to_do():
    text = "Ticket,Open Time,Type,Size,Item,Close Time,Profit\n1,yesterday,buy,0.1,EURUSD,today,5\n"
    with pytest.raises(ImportFailed) as info:
        _load(text)
    assert "'yesterday'" in info.value.message
    assert "2024-01-31 14:05:00" in info.value.message and "AM/PM" not in info.value.message
    assert "ISO dates" in info.value.message
    st = _load(EA_CSV + "1005,yesterday,buy,0.10,EURUSD,1.1,0,0,2024.01.10 10:00,1.2,0,0,5,\n")
    assert any("01/31/2024 2:05 PM" in w for w in st.warnings)


# --- numbers ----------------------------------------------------------------------------------------------------

def test_thousands_separators_in_a_quoted_comma_csv():
    text = _us(("2024-01-10 10:00", "2024-01-10 10:05")).replace("63.00", '"1,275.00"')
    st = _load(text)
    assert not st.skipped and st.trades["profit"].tolist() == [1275.0]


@pytest.mark.parametrize("sep", ["\t", "|"])
def test_decimal_commas_in_tab_and_pipe_files(sep):
    text = (sep.join(["Open Time", "Close Time", "Type", "Lots", "Symbol", "Open Price", "Close Price", "Commission",
                      "Profit"]) + "\n"
            + sep.join(["02.01.2024 09:15", "02.01.2024 10:20", "buy", "0,50", "EURUSD", "1,10412", "1,10538",
                        "-3,50", "1.063,00"]) + "\n"
            + sep.join(["03.01.2024 09:15", "03.01.2024 10:20", "sell", "1,00", "GBPUSD", "1,26810", "1,26555",
                        "-7,00", "255,00"]) + "\n")
    st = _load(text)
    t = st.trades
    assert not st.skipped
    assert t["lots"].tolist() == [0.5, 1.0] and t["profit"].tolist() == [1063.0, 255.0]
    assert t["open_price"].tolist() == [1.10412, 1.2681] and t["commission"].tolist() == [-3.5, -7.0]


def test_tab_file_with_decimal_dots_and_thousands_commas_stays_dotted():
    text = ("Open Time\tClose Time\tType\tLots\tSymbol\tOpen Price\tClose Price\tProfit\n"
            "2024-01-02 09:15\t2024-01-02 10:20\tbuy\t0.50\tEURUSD\t1.10412\t1.10538\t1,063.00\n")
    assert _load(text).trades["profit"].tolist() == [1063.0]


def test_currency_signs_and_accounting_negatives():
    text = _us(*[("2024-01-10 10:00", "2024-01-10 10:05")] * 4)
    rows = text.splitlines()
    for i, (comm, profit) in enumerate([("$3.50", "($12.50)"), ("3.50 €", '"USD 1,275.00"'), ("(3.50)", "-$2.25"),
                                        ("£0", "12.50 USD")], 1):
        rows[i] = rows[i].replace("-3.50", comm).replace("63.00", profit)
    st = _load("\n".join(rows) + "\n")
    assert not st.skipped
    assert st.trades["profit"].tolist() == [-12.5, 1275.0, -2.25, 12.5]
    assert st.trades["commission"].tolist() == [3.5, 3.5, -3.5, 0.0]


def test_decimal_comma_money_with_a_currency_sign_in_a_semicolon_file():
    text = _us(("2024-01-10 10:00", "2024-01-10 10:05")).replace(",", ";").replace("-3.50", "-3,50 €")
    text = text.replace("63.00", "1.063,00 €").replace("1.10412", "1,10412").replace("1.10538", "1,10538")
    st = _load(text)
    assert st.trades["profit"].tolist() == [1063.0] and st.trades["commission"].tolist() == [-3.5]


# --- messages ---------------------------------------------------------------------------------------------------

def test_pending_orders_are_orders_not_unreadable_rows():
    text = EA_CSV + "1005,2024.01.10 09:00,buy limit,0.10,EURUSD,1.0700,0,0,2024.01.11 09:00,0,0,0,0,\n"
    text += "1006,2024.01.10 09:30,Sell Stop,0.20,GBPUSD,1.2500,0,0,,0,0,0,0,\n"
    st = _load(text)
    assert not st.skipped and len(st.trades) == 2
    o = st.orders
    assert o["ticket"].tolist() == [1005, 1006] and o["order_type"].tolist() == ["buy limit", "sell stop"]
    assert o["state"].tolist() == ["cancelled", "working"]
    assert any("2 CSV row(s) are pending orders" in w for w in st.warnings)
    assert not any("could not be read" in w for w in st.warnings)


def test_columns_found_are_the_files_own_headers():
    text = "Ticket,Time,Type,Size,Item,Price,Time,Price,Profit\n1,2024.01.05 10:22,buy,0.1,EURUSD,1.1,x,1.2,5\n"
    with pytest.raises(ImportFailed) as info:
        _load(text)
    assert "'Price', 'Time', 'Price'" in info.value.message and "Price.1" not in info.value.message


# --- fees and net profit ----------------------------------------------------------------------------------------

def test_fees_are_commission_when_the_file_has_no_commission_column():
    st = _load(_us(("2024-01-10 10:00", "2024-01-10 10:05")).replace("Commission", "Fees"))
    assert st.trades["commission"].tolist() == [-3.5] and st.trades["taxes"].tolist() == [0.0]
    lines = _us(("2024-01-10 10:00", "2024-01-10 10:05")).splitlines()
    st = _load(f"{lines[0]},Fees\n{lines[1]},-0.25\n")
    assert st.trades["commission"].tolist() == [-3.5] and st.trades["taxes"].tolist() == [-0.25]


def test_a_net_profit_column_has_the_fees_added_back_and_says_so():
    text = _us(("2024-01-10 10:00", "2024-01-10 10:05")).replace("Commission", "Fees").replace("Profit", "Net P&L")
    st = _load(text)
    t = st.trades
    assert t["profit"].tolist() == [66.5]  # 63.00 after 3.50 fees
    assert (t["profit"] + t["commission"]).tolist() == [63.0]  # the net result is not charged twice
    assert any("'Net P&L' is a net profit" in w and "'Fees'" in w for w in st.warnings)
    # A gross profit column wins over a net one, and nothing is added back.
    lines = _us(("2024-01-10 10:00", "2024-01-10 10:05")).splitlines()
    st = _load(f"{lines[0]},Net profit\n{lines[1]},59.50\n")
    assert st.trades["profit"].tolist() == [63.0] and not any("net profit" in w for w in st.warnings)


def test_an_empty_csv_is_called_an_empty_csv():
    with pytest.raises(ImportFailed) as exc:
        load_bytes(b"", "journal.csv")
    assert "This CSV file is empty" in exc.value.message and "MetaTrader" not in exc.value.message


def test_fees_printed_positive_beside_a_net_profit_are_charges():
    text = ("Ticket,Open Time,Close Time,Type,Volume,Symbol,Fees,Net P&L\n"
            "1,2024-03-04 10:00:00,2024-03-04 11:00:00,buy,1.00,EURUSD,3.50,96.50\n")
    t = _load(text).trades
    assert t.loc[0, "commission"] == pytest.approx(-3.5) and t.loc[0, "profit"] == pytest.approx(100.0)
    st = _load(text.replace(",3.50,", ",-3.50,"))  # the same charge printed negative reads the same
    assert st.trades.loc[0, "profit"] == pytest.approx(100.0) and not any("only positive" in w for w in st.warnings)


def test_a_lots_cell_with_a_leading_zero_group_is_not_thousands():
    text = ('Ticket,Open Time,Close Time,Type,Volume,Symbol,Commission,Profit\n'
            '1,2024-03-04 10:00:00,2024-03-04 11:00:00,buy,"0,100",EURUSD,-3,22\n'
            '2,2024-03-04 12:00:00,2024-03-04 13:00:00,buy,0.1,EURUSD,-3,22\n')
    st = _load(text)
    assert st.trades["lots"].tolist() == [0.1]  # "0,100" is not 100 lots: the row is skipped with its reason
    assert [s.reason for s in st.skipped] == ["volume '0,100' is not a number"]


def test_a_price_with_a_comma_is_not_read_as_thousands_in_a_tab_file():
    text = ("Ticket\tOpen Time\tClose Time\tType\tVolume\tSymbol\tOpen Price\tClose Price\tCommission\tProfit\n"
            "1\t2024-03-04 10:00:00\t2024-03-04 11:00:00\tbuy\t1\tUSDJPY\t147,123\t147,456\t-3\t222\n")
    t = _load(text).trades
    assert not (t["open_price"] > 1000).any()  # never 147123


def test_a_pending_type_row_that_was_filled_is_a_trade():
    text = ("Ticket,Open Time,Close Time,Type,Volume,Symbol,Open Price,Close Price,Commission,Profit,Status\n"
            "1,2024-03-04 10:00:00,2024-03-04 11:00:00,Buy Limit,1.00,EURUSD,1.08000,1.08100,-7,100.00,Filled\n"
            "2,2024-03-05 10:00:00,2024-03-05 11:00:00,sell stop,1.00,EURUSD,1.08000,,0,0,Cancelled\n")
    st = _load(text)
    assert st.trades["ticket"].tolist() == [1] and st.trades.loc[0, "side"] == "buy"
    assert st.trades.loc[0, "profit"] == 100.0
    assert len(st.orders) == 1 and st.orders.iloc[0]["ticket"] == 2


def test_symbol_like_text_is_not_a_number():
    from fxcost.importers.text import parse_number, parse_numbers

    for text in ("NAS100", "GER30", "USD-5", "(0.78%)"):
        assert math.isnan(parse_number(text)) and math.isnan(parse_numbers([text])[0]), text


TWO_ACCOUNTS = ("Account,Ticket,Open Time,Close Time,Type,Lots,Symbol,Commission,Profit\n"
                "111,1,2024.01.05 10:00,2024.01.05 12:00,buy,1.00,EURUSD,-7,100\n"
                "222,2,2024.01.06 10:00,2024.01.06 12:00,sell,2.00,GBPUSD,-14,-50\n"
                "111,3,2024.01.07 10:00,2024.01.07 12:00,buy,0.50,EURUSD,-3.5,20\n"
                "111,4,2024.01.08 09:00,,balance,0,,,500\n")


def test_a_login_column_names_the_account():
    one = "\n".join(line for line in TWO_ACCOUNTS.splitlines() if not line.startswith("222")) + "\n"
    st = _load(one)
    assert st.account.login == "111" and set(st.trades["account"]) == {"111"}


def test_a_journal_of_several_accounts_is_split_into_one_account_each(tmp_path):
    from fxcost.pipeline import import_files

    path = tmp_path / "two.csv"
    path.write_text(TWO_ACCOUNTS)
    portfolio = import_files([path], currency="EUR")
    books = {b.account.login: b for b in portfolio.accounts}
    assert set(books) == {"111", "222"}
    assert sorted(books["111"].trades["ticket"]) == [1, 3] and books["111"].trades["profit"].sum() == 120
    assert list(books["222"].trades["ticket"]) == [2] and len(books["222"].cash) == 0
    assert books["111"].cash["amount"].tolist() == [500.0]
    assert all(b.account.currency == "EUR" for b in books.values())
