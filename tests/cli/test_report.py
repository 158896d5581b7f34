"""The `report` command: JSON keys, exit codes, one-line errors."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "data" / "broken"

CSV = (
    "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit,Comment\n"
    "1,2024.01.05 10:22:00,buy,0.10,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,18.00,\n"
    "2,2024.01.05 11:00:00,sell,1.00,USDJPY,144.500,2024.01.08 09:00:00,144.300,-7.00,-12.40,138.60,\n"
    "3,2024.01.04 09:00:00,balance,0,,,,,,,500.00,Deposit\n"
    "4,2024.01.09 09:00:00,balance,0,,,,,,,-100.00,Withdrawal\n"
)


def test_json_has_the_documented_keys(tmp_path, run_report):
    src = tmp_path / "trades.csv"
    src.write_text(CSV)
    out = tmp_path / "out.json"
    result = run_report(src, "--json", out)
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    assert set(doc) >= {"files", "counts", "totals", "statement_totals", "reconciliation", "warnings"}
    assert set(doc["files"][0]) >= {"path", "format", "account"}
    assert set(doc["files"][0]["account"]) >= {"login", "name", "broker", "currency", "leverage", "margin_mode"}
    assert doc["counts"] == {"closed_trades": 2, "open_positions": 0, "cancelled_orders": 0,
                             "working_orders": 0, "cash_events": 2}
    t = doc["totals"]
    assert t["lots"] == 1.1
    assert t["profit"] == 156.6 and t["commission"] == -7.7 and t["swap"] == -12.4 and t["taxes"] == 0
    assert t["broker_net"] == 136.5
    assert t["deposits"] == 500 and t["withdrawals"] == -100 and t["credit"] == 0
    assert set(doc["statement_totals"]) == {"profit", "commission", "taxes", "swap", "closed_pl",
                                            "total_net_profit", "trades", "deposit_withdrawal", "credit_facility",
                                            "balance", "floating_pl", "equity", "opening_balance",
                                            "opening_balance_derived"}
    # A CSV prints no totals: nothing was reconciled, and the JSON must not say "ok" (found on a real CSV, where
    # the text said "not reconciled" and the JSON "ok": true).
    assert doc["reconciliation"] == {"ok": None, "checked_files": 0, "unchecked": [str(src)], "differences": {}}
    assert doc["files"][0]["reconciliation"]["ok"] is None
    assert doc["files"][0]["reconciliation"]["checked"] is False
    assert "not reconciled: the file prints no totals" in result.stdout
    assert "currency not printed (taken as USD)" in result.stdout


def test_the_text_tells_cancelled_orders_from_working_ones(tmp_path, run_report):
    # A real MT4 statement with 11 cancelled limit orders was said to have "11 pending orders".
    src = tmp_path / "orders.csv"
    src.write_text(CSV + "5,2024.01.09 10:00:00,buy limit,0.10,EURUSD,1.08000,2024.01.09 12:00:00,0,0,0,0,"
                         "cancelled\n")
    result = run_report(src)
    assert result.returncode == 0, result.stderr
    assert "1 cancelled and 0 working orders" in result.stdout and "1 pending orders" not in result.stdout


def test_nothing_imported_exits_nonzero_with_one_line_reason(tmp_path, run_report):
    result = run_report(BROKEN / "statement.pdf")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "PDF" in lines[0]
    assert "Traceback" not in result.stderr


def test_one_bad_file_among_good_ones_still_imports(tmp_path, run_report):
    src = tmp_path / "trades.csv"
    src.write_text(CSV)
    out = tmp_path / "out.json"
    result = run_report(src, BROKEN / "chart.png", "--json", out)
    assert result.returncode == 0
    doc = json.loads(out.read_text())
    assert doc["counts"]["closed_trades"] == 2
    assert any("chart.png" in w and "image" in w for w in doc["warnings"])


def test_unwritable_json_folder_is_explained(tmp_path, run_report):
    src = tmp_path / "trades.csv"
    src.write_text(CSV)
    result = run_report(src, "--json", tmp_path / "missing" / "out.json")
    assert result.returncode == 2
    assert "does not exist" in result.stderr


@pytest.mark.parametrize("bad", [["--csv-map", "nonsense"]])
def test_usage_errors(tmp_path, bad, run_report):
    src = tmp_path / "trades.csv"
    src.write_text(CSV)
    result = run_report(src, *bad)
    assert result.returncode == 2


def test_currency_flag_sets_the_currency_of_a_csv(tmp_path, run_report):
    csv = tmp_path / "eur.csv"
    csv.write_text(
        "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit\n"
        "1,2024.01.05 10:22:00,buy,0.10,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,16.50\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    assert run_report(csv, "--currency", "eur", "--json", out, "-q").returncode == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["files"][0]["account"]["currency"] == "EUR"
    assert not any("does not say the account's currency" in w for w in doc["warnings"])
    assert run_report(csv, "--json", out, "-q").returncode == 0  # without it: USD, and said so
    assert any("does not say the account's currency" in w for w in json.loads(out.read_text())["warnings"])


def test_currency_flag_rejects_a_non_code(tmp_path, run_report):
    result = run_report(tmp_path / "x.csv", "--currency", "euros")
    assert result.returncode == 2 and "not a currency code" in result.stderr


def test_a_file_named_like_an_option_is_read_after_double_dash(tmp_path, run_report):
    # Issue 13: the usage text says how; with '--' such a file imports.
    assert "after '--'" in run_report("--help").stdout.replace("\n", " ")
    src = tmp_path / "-trades.csv"
    src.write_text(CSV)
    out = tmp_path / "out.json"
    result = run_report("--json", out, "-q", "--", "-trades.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["counts"]["closed_trades"] == 2
