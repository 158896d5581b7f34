"""What `report` prints and where it writes: every warning once, money with separators, the rebate program's
eligibility and payouts, a closed pipe, --json -, -o by extension and --currency checked against what fxcost
can convert."""

import json
import os
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from fxcost import cli, model
from fxcost.importers.reconcile import reconcile
from fxcost.model import Account, PrintedTotals, Statement
from fxcost.portfolio import merge
from fxcost.report import json_summary

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "assets" / "sample-statement.htm"  # prints currency USD, 1,500 trades, rebate rows

HEADER = "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit\n"
EURUSD = "1,2024.03.04 10:00:00,buy,0.10,EURUSD,1.08512,2024.03.04 12:00:00,1.08700,-0.70,0.00,18.80\n"
GBPUSD = "2,2024.03.05 10:00:00,buy,0.10,GBPUSD,1.26500,2024.03.05 12:00:00,1.26400,-0.70,0.00,-10.00\n"
PROFILE = {"name": "EURUSD only", "unit": "pips", "spreads": {"EURUSD": 1.2}}


def files(tmp_path: Path, rows: str = EURUSD + GBPUSD) -> tuple[Path, Path]:
    (tmp_path / "trades.csv").write_text(HEADER + rows)
    (tmp_path / "profile.json").write_text(json.dumps(PROFILE))
    return tmp_path / "trades.csv", tmp_path / "profile.json"


def program(tmp_path: Path, **eligibility) -> Path:
    path = tmp_path / "program.json"
    path.write_text(json.dumps({"name": "Five", "lot_basis": "round_turn", "eligibility": eligibility,
                                "rates": [{"match": {}, "model": "per_lot", "rate": 5.0}]}))
    return path


# Item 4: the engine's warnings reach the text output.

def test_the_engines_warnings_are_printed_once(tmp_path, capsys):
    src, profile = files(tmp_path)
    assert cli.main(["report", str(src), "--spread-profile", str(profile)]) == 0
    out = capsys.readouterr().out.splitlines()
    # GBPUSD is not in the profile: costed at spread 0, which the text must say (it only reached the JSON).
    zero = [line for line in out if "GBPUSD" in line]
    assert len(zero) == 1 and zero[0].startswith("warning: Account ") and "spread" in zero[0]


def test_a_warning_is_printed_once_whoever_raised_it(tmp_path):
    st = Statement(path="a.csv", format="csv", account=Account(login="1", currency="USD"),
                   warnings=["the file's own note"])
    portfolio = merge([st])
    portfolio.warnings.append("a portfolio note")
    doc = json_summary.summary(portfolio)
    text = cli.render_text(portfolio, doc, ["an engine note", "a portfolio note", "an engine note",
                                             "the file's own note"])
    for note in ("the file's own note", "a portfolio note", "an engine note"):
        assert text.count(note) == 1, note


# Item 15: one money format in the text, and the duplicated reconciliation warning.

def test_money_in_the_text_has_thousands_separators(capsys):
    assert cli.main(["report", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "profit -21 242.90, commission -4 494.98" in out and "broker net -26 122.28" in out
    assert "net after rebate -26 122.28" in out and "-21242.90" not in out


def test_money_and_lots_text():
    assert json_summary.money_text(-348604.0) == "-348 604.00"
    assert json_summary.money_text(1234567.891, 1) == "1 234 567.9"
    assert json_summary.money_text(-0.001) == "0.00"
    assert json_summary.money_text(None) == json_summary.money_text(float("nan")) == "n/a"
    assert json_summary.lots_text(1.0) == "1 lot"
    assert json_summary.lots_text(1234.5) == "1 234.5 lots"
    assert json_summary.lots_text(0.01) == "0.01 lots"


def test_a_difference_the_reader_also_words_as_a_warning_is_reported_once():
    trades = model.trades_frame({
        "account": ["1"], "ticket": [1], "open_time": [datetime(2024, 3, 4, 10)],
        "close_time": [datetime(2024, 3, 4, 12)], "side": ["buy"], "lots": [0.1], "symbol": ["EURUSD"],
        "symbol_root": ["EURUSD"], "open_price": [1.1], "close_price": [1.1001], "profit": [1.0],
        "commission": [0.0], "swap": [0.0], "digits": [5]})
    # What the MT4 readers do: the difference also becomes a "Reconciliation: ..." import warning.
    st = Statement(path="t.htm", format="mt4_tester", account=Account(login="1", currency="USD"), trades=trades,
                   printed=PrintedTotals(total_net_profit=1.1), is_backtest=True)
    assert "total_net_profit" in reconcile(st).differences
    st.warnings = ["Reconciliation: total_net_profit imported 1.00, the report prints 1.10 (cause unknown).",
                   "This is a Strategy Tester backtest."]
    portfolio = merge([st])
    doc = json_summary.summary(portfolio)
    assert sum("total_net_profit" in w for w in doc["warnings"]) == 1
    assert "This is a Strategy Tester backtest." in doc["warnings"]
    text = cli.render_text(portfolio, doc)
    assert text.count("total_net_profit") == 1 and "DIFFERENCE total_net_profit" in text


# The rebate program's eligibility and payouts in the text.

def test_the_text_states_excluded_trades_and_the_rebate_they_forfeited(tmp_path, capsys):
    src, profile = files(tmp_path)
    strict = program(tmp_path, min_hold_seconds=10800)  # both trades are held 2 h: excluded, 0.50 each forfeited
    assert cli.main(["report", str(src), "--spread-profile", str(profile), "--program", str(strict)]) == 0
    out = capsys.readouterr().out
    assert ("Rebate eligibility (Five): 0 of 2 trades eligible, 2 excluded (held < 10800 s: 2 trades, 1.00 "
            "forfeited); 1.00 USD of rebate forfeited in all") in out
    assert "expected payouts (USD): none" in out


def test_the_text_states_expected_payouts_and_how_they_matched(capsys, tmp_path):
    out_json = tmp_path / "s.json"
    assert cli.main(["report", str(SAMPLE), "--program", "example-cashback", "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    r = json.loads(out_json.read_text())["rebate"]
    paid = sum(p["paid"] for p in r["payouts"] if p["paid"])
    matched = [m for m in r["payout_matches"] if m["status"] == "matched"]
    pending = sum(m["status"] == "pending" for m in r["payout_matches"])
    assert "Rebate eligibility (Example cashback): 1500 of 1500 trades eligible" in out
    assert f"{json_summary.money_text(paid)} in all" in out
    assert pending == 1  # the last payout falls after the statement's end: not there yet, not missing
    assert f"in the statement: {len(matched)} matched, 1 pending (due after the statement ends)" in out
    assert f"(matched: {json_summary.money_text(sum(m['actual'] for m in matched))} received for " in out
    assert {p["currency"] for p in r["payouts"]} == {"USD"}  # payouts name their account's currency


def test_payouts_are_per_account_in_its_currency_with_underpaid_ones_named():
    def payout(account, currency, day, paid, carried=0.0):
        return {"account": account, "currency": currency, "pay_date": f"2024-0{day}-05 00:00:00", "paid": paid,
                "carried_forward": carried}

    def match(account, status, expected, actual=None, check=""):
        return {"account": account, "status": status, "expected": expected, "actual": actual, "amount_check": check}

    doc = {"currency": "USD", "rebate": {
        "program": "P", "eligible_trades": 3, "excluded_trades": 0, "by_reason": {}, "forfeited_by_reason": {},
        "forfeited": 0.0,
        "payouts": [payout("7", "EUR", 1, 1200.0), payout("7", "EUR", 2, 0.0, 0.4), payout("8", "USD", 3, 5.0)],
        "payout_matches": [match("7", "matched", 1200.0, 1000.0, "underpaid"), match("8", "missing", 5.0),
                           match("8", "unexpected", None, 9.0)]}}
    lines = json_summary.render_rebate(doc)
    assert lines[0] == "Rebate eligibility (P): 3 of 3 trades eligible"
    assert lines[1] == ("  expected payouts (EUR, account 7): 1 on 2024-01-05, 1 200.00 in all, 0.40 still carried "
                        "forward (below the minimum payout); in the statement: 1 matched (matched: 1 000.00 received "
                        "for 1 200.00 expected; 1 underpaid)")
    assert lines[2].startswith("  expected payouts (USD, account 8): 1 on 2024-03-05, 5.00 in all; in the statement: "
                               "1 missing, 1 unexpected")


def test_without_a_program_the_statements_rebate_rows_are_mentioned(capsys):
    assert cli.main(["report", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "rebate 0.00 (no rebate program)" in out
    assert "Rebate rows in the statement: 1 969.65 USD" in out and "Rebate eligibility" not in out


# Item 12: a reader that stops early.

def test_a_closed_stdout_ends_quietly(tmp_path, capsys, monkeypatch):
    src, _ = files(tmp_path)
    reader, writer = os.pipe()
    os.close(reader)  # before the command prints anything: its write meets a pipe with no reader
    stdout = open(writer, "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)
    try:
        assert cli.main(["report", str(src)]) == 0
    finally:
        stdout.close()  # as the interpreter flushes stdout at exit: it must not fail a second time
    err = capsys.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err


# Item 14: option handling.

def test_json_dash_writes_the_json_to_stdout_and_nothing_else(tmp_path, capsys):
    src, _ = files(tmp_path)
    assert cli.main(["report", str(src), "--json", "-"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["counts"]["closed_trades"] == 2
    assert not (tmp_path / "-").exists() and not (ROOT / "-").exists()


def test_output_with_an_unknown_extension_is_refused(tmp_path, capsys):
    src, _ = files(tmp_path)
    assert cli.main(["report", str(src), "-o", str(tmp_path / "x.txt")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and ".xlsx" in err and "x.txt" in err
    assert not (tmp_path / "x.txt").exists()


def test_output_format_follows_the_extension(tmp_path):
    src, _ = files(tmp_path)
    for name in ("r.xlsx", "r.CSV", "r.json"):
        assert cli.main(["report", str(src), "-o", str(tmp_path / name), "-q"]) == 0
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Summary"
    assert (tmp_path / "r.CSV").read_text(encoding="utf-8-sig").startswith("Account,Ticket,")
    assert json.loads((tmp_path / "r.json").read_text())["counts"]["closed_trades"] == 2


@pytest.mark.parametrize("code, hint", [("XYZ", ""), ("eurr", 'did you mean "EUR"')])
def test_a_currency_fxcost_cannot_convert_is_a_usage_error(tmp_path, capsys, code, hint):
    src, _ = files(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["report", str(src), "--currency", code])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"'{code}'" in err and "EUR, GBP" in err and hint in err


def test_currency_flag_on_a_file_that_prints_another_is_a_warning(tmp_path, capsys):
    out = tmp_path / "s.json"
    assert cli.main(["report", str(SAMPLE), "--currency", "eur", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    doc = json.loads(out.read_text())
    assert doc["currency"] == "USD"  # the file's own word wins
    note = [w for w in doc["warnings"] if "--currency EUR" in w]
    assert len(note) == 1 and "sample-statement.htm prints its own account currency USD" in note[0]
    assert f"warning: {note[0]}" in text


def test_currency_flag_applies_to_a_report_that_prints_none():
    tester = Statement(path="tester.htm", format="mt4_tester", account=Account(currency=""), is_backtest=True)
    usd = Statement(path="usd.htm", format="mt4_detailed", account=Account(login="2", currency="USD"))
    portfolio = merge([tester, usd])
    warnings = cli.apply_currency(portfolio, "EUR")
    assert tester.account.currency == "EUR" and usd.account.currency == "USD"
    assert [b.account.currency for b in portfolio.accounts] == ["EUR", "USD"]
    assert len(warnings) == 1 and warnings[0].startswith("usd.htm prints its own account currency USD")


# Review 2: the IB section of the text summary, and cents.

def test_the_text_has_an_ib_section_per_client_with_the_total(tmp_path, capsys):
    csv, profile = files(tmp_path)
    ib_program = tmp_path / "ib.json"
    ib_program.write_text(json.dumps({"name": "My IB", "lot_basis": "round_turn", "client_share_pct": 40,
                                      "rates": [{"match": {}, "model": "per_lot", "rate": 10.0}]}))
    assert cli.main(["report", str(csv), "--spread-profile", str(profile), "--program", str(ib_program)]) == 0
    out = capsys.readouterr().out.splitlines()
    head = out.index("IB (My IB), USD: per client trades, lots, IB earnings, passed back (share), IB keeps")
    assert out[head + 1].split() == ["trades.csv", "2", "trades,", "0.2", "lots,", "earnings", "2.00,", "passed",
                                     "back", "0.80", "(40%),", "keeps", "1.20"]
    assert out[head + 2].split()[:3] == ["Total", "2", "trades,"] and out[head + 2].endswith("keeps 1.20")


def test_no_ib_section_without_an_ib_program(tmp_path, capsys):
    csv, profile = files(tmp_path)
    assert cli.main(["report", str(csv), "--spread-profile", str(profile), "--program",
                     str(program(tmp_path))]) == 0
    assert "IB (" not in capsys.readouterr().out


def test_ib_lines_name_the_converted_currency_and_cents_round_half_away_from_zero():
    doc = {"currency": "USD", "totals": {"usd_rates": {"EUR": 1.08}},
           "ib": {"program": "P", "by_client": [
               {"account": "111", "trades": 1, "lots": 1.0, "ib_earnings": 2.685, "share_pct": 50.0,
                "passed_back": 1.34, "ib_keeps": 1.345},
               {"account": "Total", "trades": 1, "lots": 1.0, "ib_earnings": 2.685, "share_pct": 50.0,
                "passed_back": 1.34, "ib_keeps": 1.345}]}}
    lines = json_summary.render_ib(doc)
    assert lines[0] == ("IB (P), USD (each account converted to USD): per client trades, lots, IB earnings, "
                        "passed back (share), IB keeps")
    assert lines[1].endswith("1 trade, 1 lot, earnings 2.69, passed back 1.34 (50%), keeps 1.35")
    assert json_summary.money_text(2.6849999999999996) == "2.69" == json_summary.money_text(2.685)
    assert json_summary.render_ib({"ib": None}) == []


def test_csv_dates_option_decides_ambiguous_day_month_dates(tmp_path, capsys):
    path = tmp_path / "amb.csv"
    path.write_text("Open Time,Close Time,Type,Lots,Symbol,Profit\n"
                    "01/03/2024 10:00,01/03/2024 12:00,buy,0.1,EURUSD,5\n"
                    "02/03/2024 10:00,02/03/2024 12:00,buy,0.1,EURUSD,5\n")

    def months(*extra) -> tuple[list[str], list[str]]:
        out = tmp_path / "s.json"
        assert cli.main(["report", str(path), "--json", str(out), "-q", *extra]) == 0
        doc = json.loads(out.read_text())
        return [m["month"] for m in doc["by_month"]], doc["warnings"]

    guessed, warnings = months()
    assert any("--csv-dates" in w for w in warnings)
    assert months("--csv-dates", "mdy")[0] == ["2024-01", "2024-02"]
    forced, warnings = months("--csv-dates", "dmy")
    assert forced == ["2024-03"] and not any("ambiguous" in w for w in warnings)
