"""Every non-history or broken file gets a specific ImportFailed message, never a traceback."""

from pathlib import Path

import pytest

from fxcost.errors import ImportFailed, UnsupportedReport
from fxcost.importers import load_file

BROKEN = Path(__file__).resolve().parent.parent / "data" / "broken"

#: file in tests/data/broken -> words the message must contain (what the file is / what to do)
EXPECTED = {
    "empty.htm": ["empty", "Save as Detailed Report"],
    "whitespace.html": ["empty"],
    "statement.pdf": ["PDF"],
    "chart.png": ["image"],
    "photo.jpg": ["image"],
    "archive.zip": ["ZIP", "Unzip"],
    "old-excel.xls": ["Excel 97", ".xlsx"],
    "random.bin": ["binary"],
    "notes.txt": ["neither a MetaTrader report nor a CSV"],
    "other-site.html": ["My Trading Blog", "not a MetaTrader report"],
    "no-columns.csv": ["no column for", "mapping"],
    "header-only.csv": ["No trade"],
    "mt5-template.htm": ["template"],
    "mt4-truncated.htm": ["Closed Transactions"],
    "mt5-trade-account-report.html": ["Trade Account Report", "History"],
}


def test_corpus_is_complete():
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_gets_specific_message(name):
    with pytest.raises(ImportFailed) as info:
        load_file(BROKEN / name)
    message = info.value.message
    for word in EXPECTED[name]:
        assert word.lower() in message.lower(), message
    assert "Traceback" not in message


@pytest.mark.parametrize("name", ["statement.pdf", "chart.png", "archive.zip", "mt5-template.htm"])
def test_known_non_history_kinds_are_unsupported_reports(name):
    with pytest.raises(UnsupportedReport):
        load_file(BROKEN / name)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImportFailed, match="does not exist"):
        load_file(tmp_path / "nope.htm")
    with pytest.raises(ImportFailed, match="folder"):
        load_file(tmp_path)


def test_xlsx_that_is_not_a_report(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Budget"
    wb.active.append(["Rent", 1200])
    path = tmp_path / "budget.xlsx"
    wb.save(path)
    with pytest.raises(UnsupportedReport) as info:
        load_file(path)
    assert "Budget" in info.value.message


def test_sample_template_refused(samples_dir):
    with pytest.raises(UnsupportedReport, match="template"):
        load_file(samples_dir / "mt5-TEMPLATE-reporthistory-yaser.htm")
