"""LibreOffice Calc opens the workbook headless (no repair, every sheet readable); skipped when it is not installed."""

from __future__ import annotations

import csv
import shutil
import subprocess

import pytest

from fxcost.report import excel

from .conftest import HOSTILE

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
#: CSV filter options: comma, double quote, UTF-8, from row 1, raw values, every sheet to its own file (LO >= 7.2).
ALL_SHEETS_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _convert(xlsx, target: str, tmp_path) -> subprocess.CompletedProcess:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    # A private profile: no clash with a running LibreOffice, no first-start dialogs, nothing left in $HOME.
    profile = (tmp_path / "lo-profile").as_uri()
    return subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                           "--convert-to", target, "--outdir", str(out), str(xlsx)],
                          capture_output=True, text=True, timeout=240)


def test_calc_converts_the_workbook_to_pdf(hostile_result, tmp_path):
    xlsx = excel.write_workbook(hostile_result, tmp_path / "report.xlsx")
    proc = _convert(xlsx, "pdf", tmp_path)
    pdf = tmp_path / "out" / "report.pdf"
    assert proc.returncode == 0 and pdf.is_file(), proc.stdout + proc.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000


def test_calc_reads_every_sheet_and_keeps_formula_like_text_as_text(hostile_result, tmp_path):
    xlsx = excel.write_workbook(hostile_result, tmp_path / "report.xlsx")
    proc = _convert(xlsx, ALL_SHEETS_CSV, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "out"
    if not (out / "report-Trades.csv").is_file():
        pytest.skip("this LibreOffice writes only the first sheet to CSV (needs 7.2 or later)")
    names = {p.name for p in out.glob("report-*.csv")}
    assert names == {f"report-{s}.csv" for s in excel.SHEETS if s != "IB"}
    with open(out / "report-Trades.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == len(hostile_result.trades) + 1
    comments = [r[rows[0].index("Comment")] for r in rows[1:]]
    assert comments == list(HOSTILE)  # as written: Calc evaluated none of them
