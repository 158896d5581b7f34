"""A backtest's spreads are all the tester's: the Excel and the PDF name no spread profile, broker catalogue entry or
time-of-day clock as if one had priced a trade (a real NAS100 backtest's PDF said "Pepperstone Razor")."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from fxcost import cli
from fxcost.samples.writers.tester import mt4_tester_variant


@pytest.fixture(scope="module")
def backtest(tmp_path_factory):
    path = tmp_path_factory.mktemp("tester") / "StrategyTester.htm"
    mt4_tester_variant(path, "en", trades=20, server="ICMarketsSC-Demo03")  # a server the catalogue knows
    return path


def test_the_excel_names_no_catalogue_entry_or_clock(backtest, tmp_path):
    out = tmp_path / "r.xlsx"
    assert cli.report([str(backtest), "-q", "-o", str(out)]) == 0
    firsts = [str(r[0]) for ws in load_workbook(out) for r in ws.iter_rows(values_only=True) if r and r[0]]
    assert any(f.startswith("Spread per account and symbol") for f in firsts)
    assert not any(f.startswith(("Broker catalogue entry", "Time-of-day server clock")) for f in firsts)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed (.ci/run does)")
def test_the_pdf_says_no_profile_was_used(backtest, tmp_path):
    out = tmp_path / "r.pdf"
    assert cli.report([str(backtest), "-q", "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "none used" in text and "every spread is the tester's" in text


def test_the_excel_spreads_used_table_gives_the_testers_spread(backtest, tmp_path):
    # An EA developer found the Spread and Unit of "Spreads used" empty for a backtest.
    out = tmp_path / "r.xlsx"
    assert cli.report([str(backtest), "-q", "-o", str(out)]) == 0
    rows = [r for ws in load_workbook(out) for r in ws.iter_rows(values_only=True)]
    head = next(k for k, r in enumerate(rows) if r and r[0] == "Spreads used (round turn)")
    spread, unit = rows[head + 2][2:4]
    assert unit == "points" and spread > 0 and f"tester: fixed {spread:g} points" == rows[head + 2][5]
