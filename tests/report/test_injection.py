"""Formula-like text in symbols, comments and cash rows stays text in the workbook and the CSV."""

from __future__ import annotations

import csv
import re
import zipfile

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from fxcost.report import csv_export, excel
from fxcost.report.columns import TRADE_COLUMNS
from fxcost.report.output import csv_text, formula_like

from .conftest import HOSTILE

#: The Trades sheet's Comment column (its letter follows the columns before it).
COMMENT = get_column_letter(1 + next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "comment"))


@pytest.fixture(scope="module")
def hostile_files(hostile_result, tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    return (excel.write_workbook(hostile_result, folder / "report.xlsx"),
            csv_export.write_trades_csv(hostile_result, folder / "trades.csv"))


def test_no_cell_of_the_workbook_is_a_formula(hostile_files):
    xlsx, _ = hostile_files
    with zipfile.ZipFile(xlsx) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert not re.search(rb"<f[ >/]", z.read(name)), name
    wb = openpyxl.load_workbook(xlsx)
    texts = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} = {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    # The hostile text arrives as it was written (text, not evaluated, not mangled).
    for text in HOSTILE:
        assert text in texts, text
    comments = [c.value for c in wb["Trades"][COMMENT][1:]]
    assert comments[0] == HOSTILE[0]


def test_formula_like_text_cells_carry_the_quote_prefix(hostile_files):
    xlsx, _ = hostile_files
    wb = openpyxl.load_workbook(xlsx)
    cell = next(c for c in wb["Trades"][COMMENT] if c.value == HOSTILE[0])
    assert cell.quotePrefix and cell.data_type == "s"


def test_csv_quotes_formula_like_text_but_keeps_negative_numbers(hostile_files, hostile_result):
    _, path = hostile_files
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    head, body = rows[0], rows[1:]
    assert len(body) == len(hostile_result.trades)
    comment, symbol, profit = head.index("Comment"), head.index("Symbol"), head.index("Profit (USD)")
    assert [r[comment] for r in body] == ["'" + HOSTILE[0], "'+1", "'-cmd|' /C calc'!A0", "'@SUM(1+1)", "'=1+2"]
    assert "'@SUM(1+1)" in [r[symbol] for r in body] and "'=1+2" in [r[symbol] for r in body]
    assert body[2][profit] == "-50"  # a negative number stays a number
    commission = head.index("Commission (USD)")
    assert all(float(r[commission]) < 0 for r in body)
    for r in body:
        for value in r:
            assert not formula_like(value) or value.lstrip("-").replace(".", "", 1).isdigit(), value


@pytest.mark.parametrize("text", ["=1", "+1", "-1x", "@A", "\tcmd", "\rcmd"])
def test_csv_text_prefixes_every_formula_start(text):
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", ["EURUSD", "", "a=b", "1-2", "'quoted"])
def test_csv_text_leaves_plain_text_alone(text):
    assert csv_text(text) == text
