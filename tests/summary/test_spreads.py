"""Issue 12's spreads through issue 10's summary: the per-symbol table and catalogue pick in the JSON, the CLI
text, the trades CSV, the Excel Summary's assumptions, and the switches of the session and the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from fxcost import cli
from fxcost.report.columns import TRADE_COLUMNS
from fxcost.session import Catalog, Session, SetupState
from fxcost.summary import build
from fxcost.summary import spreads as spread_summary
from fxcost.summary.document import _frame_records

HEADER = ("Ticket", "Open Time", "Type", "Volume", "Symbol", "Open Price", "Close Time", "Close Price",
          "Commission", "Swap", "Profit", "Currency")
#: USDJPY: 8 hedges opened and closed in one second each, filled 0.4 pips apart (the profile says 1.3): 16 pairs.
PAIRS = 8


def _statement(path: Path) -> Path:
    """A CSV trade list (seconds in its times) whose USDJPY hedges show a 0.4-pip spread, and two EURUSD trades
    of which one opens and closes in the hour after the New York close (00:10-00:40 on a GMT+2/+3 NY server)."""
    rows = []
    t0 = pd.Timestamp("2024-03-05 10:00:07")
    for i in range(PAIRS):
        t = t0 + pd.Timedelta(minutes=7 * i)
        later = t + pd.Timedelta(minutes=30, seconds=11)
        bid = 150.0 + 0.01 * i
        for side, entry, exit_ in (("buy", bid + 0.004, bid + 0.002), ("sell", bid, bid + 0.006)):
            rows.append((len(rows) + 1, f"{t:%Y-%m-%d %H:%M:%S}", side, "0.10", "USDJPY", f"{entry:.3f}",
                         f"{later:%Y-%m-%d %H:%M:%S}", f"{exit_:.3f}", "0.00", "0.00", "-1.00", "USD"))
    for k, (opened, closed) in enumerate((("2024-03-06 00:10:03", "2024-03-06 00:40:09"),
                                          ("2024-03-06 11:10:03", "2024-03-06 11:40:09"))):
        rows.append((len(rows) + 1, opened, "buy", "1.00", "EURUSD", "1.08000", closed, f"{1.0801 + k / 1e4:.5f}",
                     "0.00", "0.00", "10.00", "USD"))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def statement(tmp_path) -> Path:
    return _statement(tmp_path / "hedges.csv")


def _doc(statement: Path, tmp_path: Path, *options: str) -> dict:
    out = tmp_path / "r.json"
    assert cli.main(["report", str(statement), *options, "--json", str(out), "-q"]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _result(statement: Path, *options: str):
    catalog = Catalog(user=False)
    session = cli.session_from_args(cli.build_parser().parse_args([str(statement), *options]), catalog)
    return session.run(catalog)


def test_the_json_spread_table_is_the_analysis_table(statement, tmp_path):
    doc = _doc(statement, tmp_path)
    a = doc["assumptions"]
    result = _result(statement)
    assert len(result.spreads) == 2
    assert a["spread_table"] == _frame_records(result.spreads.reindex(columns=list(spread_summary.COLUMNS)))
    table = {r["symbol"]: r for r in a["spread_table"]}
    assert set(table["USDJPY"]) == set(spread_summary.COLUMNS)
    assert (table["USDJPY"]["source"], table["USDJPY"]["pairs"]) == ("observed", 2 * PAIRS)
    assert table["USDJPY"]["spread_pips"] == pytest.approx(0.4) and table["USDJPY"]["profile_pips"] == 1.3
    assert table["EURUSD"]["source"] == "calibrated" and table["EURUSD"]["ratio"] == pytest.approx(0.4 / 1.3)
    assert table["EURUSD"]["median_pips"] is None  # NaN -> null
    (choice,) = a["spread_profiles"]
    assert choice["catalogue"] == "" and "spread-only account" in choice["reason"]
    assert a["spread_kind"] == {"observed": 2 * PAIRS, "calibrated": 2}
    assert (a["observed_spreads"], a["time_of_day"], a["time_of_day_clock"]) == (True, True, "")
    # The typed summary holds the same table and choices the JSON was written from.
    summary = build(result)
    assert _frame_records(summary.spreads) == a["spread_table"]
    assert [dict(c) for c in summary.spread_choices] == a["spread_profiles"]
    assert dict(summary.key.spread_kinds) == a["spread_kind"]


def test_the_command_line_text_says_which_spreads_are_observed_and_calibrated(statement, capsys):
    assert cli.main(["report", str(statement)]) == 0
    out = capsys.readouterr().out
    assert (f"observed in the account's own same-second fills for {2 * PAIRS} of {2 * PAIRS + 2} trades, "
            f"calibrated to those fills for 2 of {2 * PAIRS + 2} trades") in out
    assert 'estimated with "Typical Standard account"' not in out
    assert f"USDJPY 0.4 pips ({2 * PAIRS} pairs)" in out and "EURUSD 0.4 pips (× 0.31)" in out
    assert cli.main(["report", str(statement), "--no-observed-spreads"]) == 0
    out = capsys.readouterr().out
    assert '(estimated with "Typical Standard account", already inside Profit)' in out
    assert 'the profile "Typical Standard account" for USDJPY 1.3 pips, EURUSD 1.3 pips' in out


def test_the_flags_switch_observed_spreads_and_the_time_of_day_shape(statement, tmp_path):
    base = _doc(statement, tmp_path)
    off = _doc(statement, tmp_path, "--no-observed-spreads")
    assert off["assumptions"]["spread_kind"] == {"profile": 2 * PAIRS + 2} and not off["assumptions"]["observed_spreads"]
    # Switched off, the table still lists every symbol (its profile value), and says why nothing is observed.
    assert {(r["symbol"], r["source"], r["profile_pips"], r["note"]) for r in off["assumptions"]["spread_table"]} == {
        ("USDJPY", "profile", 1.3, "observed spreads switched off"),
        ("EURUSD", "profile", 1.3, "observed spreads switched off")}
    assert off["costs"]["spread_cost"] > 2 * base["costs"]["spread_cost"]
    # EURUSD's rollover trade pays the shape's 1.73x at both ends; without the shape it pays the plain spread.
    flat = _doc(statement, tmp_path, "--no-time-of-day")
    assert not flat["assumptions"]["time_of_day"] and flat["costs"]["spread_cost"] < base["costs"]["spread_cost"]
    utc = _doc(statement, tmp_path, "--time-of-day-clock", "UTC")
    assert utc["assumptions"]["time_of_day_clock"] == "UTC"
    assert utc["costs"]["spread_cost"] != base["costs"]["spread_cost"]
    result = _result(statement, "--no-time-of-day")
    assert (result.trades["spread_tod"] == 1.0).all()
    tod = _result(statement).trades.set_index("ticket")["spread_tod"]
    assert tod[2 * PAIRS + 1] == pytest.approx(1.729) and tod[2 * PAIRS + 2] == 1.0
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args([str(statement), "--time-of-day-clock", "half past"])


def test_the_session_keeps_the_switches(statement, tmp_path):
    path = tmp_path / "s.json"
    assert cli.main(["report", str(statement), "--no-observed-spreads", "--no-time-of-day", "--time-of-day-clock",
                     "+2/+3 EU", "--save-session", str(path), "-q"]) == 0
    session = Session.load(path)
    assert (session.setup.observed_spreads, session.setup.time_of_day, session.setup.time_of_day_clock) == (
        False, False, "+2/+3 EU")
    settings = session.settings()
    assert (settings.observed_spreads, settings.time_of_day, settings.time_of_day_clock) == (False, False, "+2/+3 EU")
    defaults = Session(setup=SetupState()).settings()
    assert defaults.observed_spreads and defaults.time_of_day and defaults.time_of_day_clock == ""
    assert SetupState.from_dict({"observed_spreads": "no"}).observed_spreads  # a mistyped value: the default


def test_the_trades_csv_and_workbook_name_each_trades_spread_source(statement, tmp_path):
    doc = _doc(statement, tmp_path)
    out_csv, out_xlsx = tmp_path / "t.csv", tmp_path / "r.xlsx"
    assert cli.main(["report", str(statement), "--csv", str(out_csv), "-o", str(out_xlsx), "-q"]) == 0
    with open(out_csv, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["Spread from"] for r in rows if r["Symbol"] == "USDJPY"} == {"observed"}
    assert {r["Spread from"] for r in rows if r["Symbol"] == "EURUSD"} == {"calibrated"}
    assert sorted(float(r["Time-of-day factor"]) for r in rows if r["Symbol"] == "EURUSD") == pytest.approx(
        [1.0, 1.729])
    wb = load_workbook(out_xlsx, read_only=True)
    sheet = list(wb["Trades"].iter_rows(values_only=True))
    assert [c.header for c in TRADE_COLUMNS if c.key in ("spread_kind", "spread_tod")] == [
        h for h in sheet[0] if h in ("Spread from", "Time-of-day factor")]
    # The Summary's assumptions: every symbol's spread with its source and pair count, as the JSON has them.
    summary = list(wb["Summary"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(summary) if r and str(r[0]).startswith("Spread per account and symbol"))
    header = summary[start + 1]
    cells = [dict(zip(header, r)) for r in summary[start + 2:start + 4]]
    for cell, row in zip(cells, doc["assumptions"]["spread_table"]):
        assert (cell["Symbol"], cell["Source"], cell["Same-second pairs"], cell["Trades"]) == (
            row["symbol"], row["source"], row["pairs"], row["trades"])
        assert cell["Spread used"] == pytest.approx(row["spread_pips"])


def _ic_markets():
    """Four EURUSD trades of an account whose MT4 header names Raw Trading Ltd (IC Markets), analysed with auto."""
    from fxcost import model
    from fxcost.analysis.engine import AnalysisSettings, analyse
    from fxcost.analysis.spreads import load_profile
    from fxcost.model import Account, Statement
    from fxcost.portfolio import merge

    n = 4
    cols = dict(account=["9"] * n, ticket=list(range(1, n + 1)), lots=[0.1] * n, symbol=["EURUSD"] * n,
                symbol_root=["EURUSD"] * n, side=["buy"] * n, profit=[1.0] * n, open_price=[1.1] * n,
                close_price=[1.1001] * n, open_time=pd.date_range("2024-03-05 10:00:01", periods=n, freq="h"),
                close_time=pd.date_range("2024-03-05 10:30:01", periods=n, freq="h"))
    st = Statement(path="ic.htm", format="mt4_html", account=Account(login="9", currency="USD",
                                                                     broker="Raw Trading Ltd"),
                   trades=model.trades_frame(cols))
    return analyse(merge([st]), AnalysisSettings(profile=load_profile("auto")))


def test_a_catalogued_broker_is_named_with_its_reason():
    """The catalogue pick sits beside the spread profiles in the JSON and is told in the text."""
    result = _ic_markets()
    doc = build(result).json()
    (choice,) = doc["assumptions"]["spread_profiles"]
    assert choice["catalogue"].startswith("IC Markets") and "IC Markets" in choice["reason"]
    lines = spread_summary.describe(doc["assumptions"]["spread_table"], doc["assumptions"]["spread_profiles"])
    assert any(line.startswith("Broker catalogue, account") and choice["catalogue"] in line
               and choice["reason"] in line for line in lines)


def test_an_auto_what_if_setup_uses_the_brokers_catalogue_entry():
    """whatif.resolve passes the account to auto's choose(): the what-if prices with the catalogue, as the analysis."""
    from fxcost.analysis import whatif
    from fxcost.analysis.engine import Setup
    from fxcost.analysis.spreads import load_profile

    result = _ic_markets()
    (account,) = result.accounts
    assert account.catalogue
    frame, used = whatif._reprice(result, Setup("Auto", profile=load_profile("auto")))
    assert used == [account.profile.name] and "broker catalogue" in used[0]
    assert list(frame["spread_source"]) == list(account.trades["spread_source"])


def test_an_account_without_the_engines_table_gets_one_from_its_trades(statement):
    """summary.spreads.table falls back to the trades (symbols, their median spread and commonest label) for an
    account the engine made no table for."""
    import dataclasses

    result = _result(statement, "--no-time-of-day")
    (account,) = result.accounts
    bare = dataclasses.replace(result, accounts=[dataclasses.replace(account, spreads=account.spreads.iloc[0:0])])
    rows = spread_summary.table(bare).set_index("symbol")
    assert rows.loc["USDJPY", "trades"] == 2 * PAIRS and rows.loc["EURUSD", "trades"] == 2
    assert rows.loc["USDJPY", "spread_pips"] == pytest.approx(0.4) and rows.loc["USDJPY", "source"] == "observed"
    assert rows.loc["EURUSD", "label"].startswith("calibrated: profile: Typical Standard account")


@pytest.mark.parametrize("value, text", [(1.3, "1.3"), (0.5, "0.5"), (2.0, "2"), (0.002, "0.002"), (0.0042, "0.0042"),
                                         (0.0, "0"), (None, "?")])
def test_a_spread_under_half_a_hundredth_of_a_pip_is_not_said_as_zero(value, text):
    # A real BTCUSD backtest (pip 1.0, a fixed spread of 2 points of 0.001) read "BTCUSD 0 pips".
    assert spread_summary._pips(value) == text


def test_the_catalogue_line_says_which_symbols_its_entry_publishes_no_spread_for():
    # A real Exness statement's text named "Exness Standard" (which publishes no spread) beside the generic 1.3 pips.
    from fxcost.summary.spreads import describe

    def row(symbol, kind, label):
        return {"account": "1", "symbol": symbol, "source": kind, "spread_pips": 1.3, "label": label}

    left = "profile: Typical Standard account (not in the catalogue entry Exness Standard)"
    choice = [{"account": "1", "catalogue": "Exness Standard", "reason": "company names Exness"}]
    lines = describe([row("EURUSD", "profile", left)], choice)
    assert lines[-1].endswith("It publishes no spread for the symbols traded here (EURUSD): the generic profile "
                              "gives them.")
    lines = describe([row("EURUSD", "catalogue", "catalogue: Exness Standard"), row("XAUUSD", "profile", left)], choice)
    assert lines[-1].endswith("It publishes no spread for XAUUSD: the generic profile gives it.")
    assert not describe([row("EURUSD", "catalogue", "catalogue: Exness Standard")], choice)[-1].count("publishes")


def test_the_text_says_which_server_clock_the_time_of_day_shape_assumed(statement, capsys):
    # A real Startrader statement's user could not tell that the shape read its times as a New York close server.
    assert cli.report([str(statement), "-q", "--json", "-"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (choice,) = doc["assumptions"]["spread_profiles"]
    assert choice["time_of_day_clock"].startswith("GMT+2/+3 NY (assumed")
    assert cli.report([str(statement), "--server-utc-offset", "3"]) == 0
    text = capsys.readouterr().out
    assert "read on the server clock UTC+3 (the server time - UTC given)." in text
    assert cli.report([str(statement), "-q", "--no-time-of-day", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["assumptions"]["spread_profiles"][0]["time_of_day_clock"] == ""


def test_a_backtest_whose_spreads_are_the_testers_names_no_catalogue_entry_or_clock():
    # A real Spanish backtest's text said "Broker catalogue: Pepperstone Razor." of spreads that were all the
    # tester's own 19 points.
    from fxcost.summary.spreads import describe

    rows = [{"account": "t", "symbol": "NAS100", "source": "tester", "spread_pips": 1.9, "label": "tester: 19 points"}]
    choice = [{"account": "t", "catalogue": "Pepperstone Razor", "reason": "", "time_of_day_clock": "UTC+0 (x)"}]
    assert describe(rows, choice) == ["Spreads, account t: the Strategy Tester's fixed spread for NAS100 1.9 pips."]
