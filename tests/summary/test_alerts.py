"""Files that do not reconcile, had rows skipped or derived their opening balance are flagged first on every
surface (issue 11): the summary's alerts, the command line's first lines and the top of the Excel Summary."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from fxcost import cli
from fxcost.analysis.engine import AnalysisSettings
from fxcost.pipeline import run
from fxcost.samples.writers.mt4_variants import mt4_variant
from fxcost.summary import build
from fxcost.summary.alerts import ERROR, NOTE, file_alerts

CSV_HEAD = "ticket,symbol,type,lots,open_time,open_price,close_time,close_price,commission,swap,profit\n"
CSV_ROW = "{n},EURUSD,buy,{lots},2024-01-02 10:00:00,1.1000,2024-01-02 11:00:00,1.1010,-7,0,100\n"


def edited_deposit(source, target) -> None:
    """``source`` with its printed Deposit/Withdrawal changed: a balance row now seems missing."""
    text = source.read_text(encoding="utf-8")
    text, n = re.subn(r"(Deposit/Withdrawal:</b></td>\s*<td[^>]*><b>)[^<]+", r"\g<1>12 345.67", text)
    assert n == 1
    target.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("alerts")
    sub = folder / "sub-period.htm"
    mt4_variant(sub, "sub-period")
    clean = folder / "clean.htm"
    mt4_variant(clean, "oanda-financing")
    edited = folder / "edited.htm"
    edited_deposit(clean, edited)
    skipped = folder / "skipped.csv"
    skipped.write_text(CSV_HEAD + CSV_ROW.format(n=1, lots="1.0") + CSV_ROW.format(n=2, lots="abc"))
    return {"sub": sub, "clean": clean, "edited": edited, "skipped": skipped}


def _alerts(*paths):
    return file_alerts(run(list(paths), AnalysisSettings()).portfolio)


def test_a_file_that_reconciles_has_no_alert(files):
    assert _alerts(files["clean"]) == ()


def test_a_cash_difference_says_what_differs_and_what_to_check(files):
    (alert,) = _alerts(files["edited"])
    assert alert.severity == ERROR and alert.file == "edited.htm"
    assert "does not reconcile" in alert.headline
    (detail,) = alert.details
    assert detail.startswith("deposit_withdrawal: imported ") and "the report prints 12 345.67" in detail
    assert "Check: the balance rows do not add up to the report's Deposit/Withdrawal" in detail


def test_skipped_rows_are_an_error_naming_the_row(files):
    (alert,) = _alerts(files["skipped"])
    assert alert.severity == ERROR and "1 row(s) skipped" in alert.headline
    assert "volume 'abc' is not a number" in alert.details[0] and "Import tab" in alert.details[0]


def test_a_derived_opening_balance_is_a_note_and_errors_come_first(files):
    alerts = _alerts(files["sub"], files["edited"])
    assert [a.severity for a in alerts] == [ERROR, NOTE]
    note = alerts[1]
    assert note.file == "sub-period.htm" and "derived from the printed Balance" in note.headline
    assert "opening balance of" in note.details[0]


def test_the_json_and_the_key_figures_carry_the_alerts(files):
    summary = build(run([files["edited"], files["skipped"]], AnalysisSettings()))
    doc = summary.json()
    assert [a["file"] for a in doc["alerts"]] == ["edited.htm", "skipped.csv"]
    assert doc["alerts"] == [a.as_json() for a in summary.key.alerts]
    assert summary.key.as_dict()["alerts"] == summary.key.alerts  # the Overview reads them with the figures


def test_the_command_line_text_starts_with_the_alerts(files, capsys):
    assert cli.main(["report", str(files["edited"]), str(files["sub"])]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "ATTENTION: edited.htm does not reconcile with the report's own totals"
    assert lines[1].startswith("  deposit_withdrawal: imported ") and "Check: " in lines[1]
    assert lines[2].startswith("NOTE: sub-period.htm: opening balance ")


def test_a_clean_file_prints_no_alert(files, capsys):
    assert cli.main(["report", str(files["clean"])]) == 0
    out = capsys.readouterr().out
    assert "ATTENTION" not in out and "NOTE:" not in out


def test_the_excel_summary_opens_with_the_alerts(files, tmp_path):
    out = tmp_path / "report.xlsx"
    assert cli.main(["report", str(files["skipped"]), str(files["sub"]), "-o", str(out), "-q"]) == 0
    book = load_workbook(out, read_only=True)
    first = [r[0] for r in book["Summary"].iter_rows(min_row=1, max_row=6, max_col=1, values_only=True)]
    book.close()
    assert first[0] == "fxcost report: trading costs and cashback"
    assert first[1] == "ATTENTION: skipped.csv had 1 row(s) skipped"
    assert "volume 'abc' is not a number" in first[2] and "Check: " in first[2]
    assert first[3].startswith("NOTE: sub-period.htm: opening balance ")
    assert "opening balance of" in first[4]
