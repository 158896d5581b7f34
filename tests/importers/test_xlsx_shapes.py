"""Row shapes (issue 14) read a worksheet exactly as the cell-by-cell reader does, whatever the XML."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from fxcost.importers import mt5_xlsx
from fxcost.importers.mt5_xlsx import _fast_sheet, _Unsupported

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"

_CELLS = [
    '<c r="{c}{n}" t="inlineStr"><is><t>2024.01.0{d} 13:15:02</t></is></c>',
    '<c r="{c}{n}" t="inlineStr"><is><t>buy</t></is></c>',
    '<c r="{c}{n}" t="inlineStr"><is><t></t></is></c>',
    '<c r="{c}{n}" t="inlineStr"><is><t>a &amp; b</t></is></c>',
    '<c r="{c}{n}" t="inlineStr"><is><r><t>rich</t></r></is></c>',
    '<c r="{c}{n}" t="n"><v>1.{d}5</v></c>',
    '<c r="{c}{n}" t="n"><v>-2{d}</v></c>',
    '<c r="{c}{n}" t="n"><v>1.5E+3</v></c>',
    '<c r="{c}{n}" t="n"><v></v></c>',
    '<c r="{c}{n}" t="n"/>',
    '<c r="{c}{n}"><v>{d}</v></c>',
    '<c r="{c}{n}" t="s"><v>{d}</v></c>',
    '<c r="{c}{n}" t="s"><v>9</v></c>',
    '<c r="{c}{n}" t="b"><v>1</v></c>',
    '<c r="{c}{n}" t="str"><v>x</v></c>',
    '<c r="{c}{n}" t="n"><f>SUM(B1:B2)</f><v>3</v></c>',
    '<c r="{c}{n}" t="inlineStr"></c>',
]


def _row(rng: random.Random, n: int, shapes: list[list[int]]) -> str:
    if shapes and rng.random() < 0.8:
        kinds = rng.choice(shapes)
    else:
        kinds = [rng.randrange(len(_CELLS)) for _ in range(rng.randint(1, 6))]
        shapes.append(kinds)
    letters = sorted(rng.sample("ABCDEFGHIJ", len(kinds)))
    if rng.random() < 0.03:
        letters.reverse()  # cells out of order
    num = n if rng.random() > 0.03 else max(1, n - rng.randint(0, 2))  # a repeated or earlier row number
    sep = "\n " if rng.random() < 0.1 else ""
    cells = sep.join(_CELLS[k].format(c=c, n=num, d=rng.randint(0, 3)) for k, c in zip(kinds, letters))
    return f'<row r="{num}">{sep}{cells}{sep}</row>'


def _read(xml: bytes, shapes: bool):
    try:
        return _fast_sheet([xml], ["s0", "", "s2", "s3"], shapes)
    except (_Unsupported, ValueError) as exc:
        return type(exc).__name__


@pytest.mark.parametrize("seed", range(40))
def test_shapes_read_as_cell_by_cell(seed):
    rng = random.Random(seed)
    shapes: list[list[int]] = []
    rows = "".join(_row(rng, n, shapes) for n in range(1, 200))
    xml = f'<worksheet><sheetData>{rows}</sheetData></worksheet>'.encode()
    assert _read(xml, True) == _read(xml, False)


def test_shapes_match_mt5_rows_and_bound_what_is_learnt():
    row = ('<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>2024.01.08 13:15:02</t></is></c>'
           '<c r="B{n}" t="n"><v>{n}</v></c><c r="D{n}" t="inlineStr"><is><t>sell</t></is></c></row>')
    xml = ("<worksheet><sheetData>" + "".join(row.format(n=n) for n in range(1, 500)) + "</sheetData></worksheet>")
    reader = mt5_xlsx._SheetReader([], True)
    reader.chunk(xml.encode())
    rows, nums, _ = reader.result()
    assert reader.shapes.learnt <= 2  # a row or two read cell by cell (the first follows <sheetData>), the rest by shape
    assert rows[2] == ("2024.01.08 13:15:02", 3.0, None, "sell") and nums[:3] == [1, 2, 3]
    assert _fast_sheet([xml.encode()], [], False) == (rows, nums, set())


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="reference samples not present")
def test_shapes_on_samples():
    for path in sorted(SAMPLES.rglob("*.xlsx")):
        with zipfile.ZipFile(path) as archive:
            book = mt5_xlsx._Book(archive, path.read_bytes(), str(path))
            shared = book._shared_strings()
            for _name, target in book._listing():
                got = [_fast_sheet(book.sheet_chunks(target, 1 << 16), shared, s) for s in (True, False)]
                assert got[0] == got[1], path.name
