"""MT5 XLSX reports: generated workbooks import and reconcile, in UTF-8 and in MetaTrader's UTF-16 parts."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from fxcost.importers import load_bytes, mt5_xlsx
from fxcost.importers.reconcile import reconcile
from fxcost.samples.generate import generate


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("xlsx") / "history.xlsx"
    generate(path, "mt5-xlsx", 300, 7)
    return path.read_bytes()


def _reencode(data: bytes, encode) -> bytes:
    """The same workbook with every worksheet part re-encoded by ``encode`` (as MetaTrader writes UTF-16)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                raw = encode(raw.decode("utf-8"))
            dst.writestr(info.filename, raw)
    return out.getvalue()


def test_generated_workbook_imports_and_reconciles(workbook):
    st = load_bytes(workbook, "history.xlsx")
    assert st.format.startswith("mt5") and len(st.trades) == 300
    assert reconcile(st).ok, reconcile(st).differences


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: b"\xff\xfe" + t.encode("utf-16-le"),  # MetaTrader: UTF-16 with BOM
        lambda t: t.encode("utf-16-le"),  # no BOM
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),  # UTF-8 with BOM
    ],
    ids=["utf16-bom", "utf16-le", "utf8-bom"],
)
def test_sheet_encodings_give_the_same_trades(workbook, encode):
    plain = load_bytes(workbook, "a.xlsx").trades.drop(columns="source")
    other = load_bytes(_reencode(workbook, encode), "a.xlsx").trades.drop(columns="source")
    pd.testing.assert_frame_equal(plain, other)


@pytest.mark.parametrize("size", [7, 64, 1000])
def test_sheet_chunks_end_on_rows_and_rebuild_the_part(workbook, size):
    data = _reencode(workbook, lambda t: b"\xff\xfe" + t.encode("utf-16-le"))
    archive = zipfile.ZipFile(io.BytesIO(data))
    book = mt5_xlsx._Book(archive, data, "a.xlsx")
    name = next(n for n in archive.namelist() if n.startswith("xl/worksheets/"))
    chunks = list(book.sheet_chunks(name, size=size))
    assert len(chunks) > 10
    assert all(c.endswith(b"</row>") for c in chunks[:-1])
    assert b"".join(chunks) == mt5_xlsx._utf8(archive.read(name)).removeprefix(b"\xef\xbb\xbf")


def test_fast_reader_matches_openpyxl(workbook, monkeypatch):
    fast = load_bytes(workbook, "a.xlsx")

    def unsupported(*args, **kwargs):
        raise mt5_xlsx._Unsupported

    monkeypatch.setattr(mt5_xlsx, "_fast_sheet", unsupported)
    slow = load_bytes(workbook, "a.xlsx")
    for name in ("trades", "open_positions", "orders", "cash"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name))
    assert fast.printed == slow.printed and fast.warnings == slow.warnings and fast.skipped == slow.skipped


def test_fast_sheet_values_shared_and_formula_rows():
    xml = (
        b'<worksheet><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>buy</t></is></c><c r="C1" t="n"><v>0.5</v></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>buy</t></is></c><c r="B2" t="s"><v>0</v></c>'
        b'<c r="C2" t="n"><v>0.5</v></c></row>'
        b'<row r="3"><c r="A3" t="inlineStr"><is><r><t>a &amp;</t></r><r><t> b</t></r></is></c></row>'
        b'<row r="5"><c r="C5"><f>SUM(C1:C2)</f><v>1</v></c></row>'
        b'</sheetData></worksheet>'
    )
    rows, nums, with_formula = mt5_xlsx._fast_sheet([xml], ["shared"])
    assert nums == [1, 2, 3, 5] and with_formula == {5}
    assert rows[0] == ("buy", None, 0.5) and rows[1] == ("buy", "shared", 0.5) and rows[2] == ("a & b",)
    assert rows[0][0] is rows[1][0] and rows[0][2] is rows[1][2]  # equal cells share one object
    assert isinstance(rows[3], list) and rows[3][2] == "=SUM(C1:C2)"  # replaced in place by _resolve_formulas
    sheet = mt5_xlsx.Sheet(rows, nums, {}, "Sheet1")
    mt5_xlsx._resolve_formulas([sheet], [[3]])
    assert sheet.rows[3][2] == 1.0
