"""``python main.py report FILE... -o report.xlsx --csv trades.csv``: files written, one-line errors, exit codes."""

from __future__ import annotations

import openpyxl

from tests.report.conftest import HOSTILE_CSV


def test_report_writes_the_workbook_and_the_csv(tmp_path, run_report):
    src = tmp_path / "trades.csv"
    src.write_text(HOSTILE_CSV, encoding="utf-8")
    xlsx, csv_path = tmp_path / "report.xlsx", tmp_path / "trades.csv.out"
    result = run_report(src, "-o", xlsx, "--csv", csv_path, "--program", "example-cashback", "-q")
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(xlsx)
    assert wb["Trades"].max_row == 6
    assert len(csv_path.read_text(encoding="utf-8-sig").splitlines()) == 6


def test_missing_output_folder_is_one_line_and_exit_2(tmp_path, run_report):
    src = tmp_path / "trades.csv"
    src.write_text(HOSTILE_CSV, encoding="utf-8")
    for option in ("-o", "--csv"):
        result = run_report(src, option, tmp_path / "missing" / "out.file")
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "does not exist" in lines[0] and "Traceback" not in result.stderr


def test_output_that_is_a_folder_is_refused(tmp_path, run_report):
    src = tmp_path / "trades.csv"
    src.write_text(HOSTILE_CSV, encoding="utf-8")
    result = run_report(src, "-o", tmp_path)
    assert result.returncode == 2 and "is a folder" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["trades.csv"]
