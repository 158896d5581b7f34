"""The MT4 tester reader's rows (tester._rows) are the cell scan's (htmltable.iter_rows), texts and price digits:
plain event rows are matched whole (issue 13: a 70 MB backtest), every other row is read cell by cell."""

from __future__ import annotations

import random

import pytest

from fxcost.importers import tester
from fxcost.importers.detect import identify
from fxcost.importers.htmltable import iter_rows
from fxcost.samples.writers.tester import TESTER_LANGUAGES, mt4_tester_variant
from tests.conftest import SAMPLES


def _scanned(text: str) -> list[tuple[list[str], int]]:
    """What the cell scan gives: each row's texts, and its sixth cell's digits as the reader takes them."""
    return [([c.text for c in cells], tester._digits(cells[5]) if len(cells) > 5 else -1) for cells in iter_rows(text)]


def _read(path) -> str:
    """The text the importer reads (its code page as the file declares it)."""
    kind, text = identify(path.read_bytes(), str(path))
    assert kind == "mt4_tester"
    return text


@pytest.mark.parametrize("language", list(TESTER_LANGUAGES))
def test_generated_reports(tmp_path, language):
    path = tmp_path / "t.htm"
    mt4_tester_variant(path, language, trades=40, partials=True)
    text = _read(path)
    rows = list(tester._rows(text))
    assert rows == _scanned(text)
    assert sum(len(t) in (9, 10) for t, _ in rows) > 80  # the event rows are there


def test_real_reports():
    paths = sorted(SAMPLES.glob("mt4-tester-*.htm")) if SAMPLES.is_dir() else []
    if not paths:
        pytest.skip("../shared/samples is absent")
    for path in paths:
        text = _read(path)
        assert list(tester._rows(text)) == _scanned(text), path.name


#: Event rows the whole-row expression must not take as it is, or must read as the scan does.
ODD_ROWS = [
    '<td>7</td><td class=msdate>2018.01.04  10:00</td>',  # two spaces: the scan collapses them
    '<td> 7 </td><td>\t2018.01.04 10:00\n</td>',  # spaces around
    '<td>7</td><td>a&amp;b</td>',  # an entity
    '<td>7</td><td><b>bold</b></td>',  # markup
    '<TD>7</TD><Td>2018.01.04 10:00</tD>',  # upper case
    '<td>7<td>2018.01.04 10:00',  # no closing tags
    '<th>7</th><td>x</td>',  # a header cell
    '<td title="a>b">7</td><td>x</td>',  # ">" in a quoted attribute
    '<td>7</td><td>x\u00a0y</td>',  # a no-break space
    '<td>7</td><td>' + 'x' * 5000 + '</td>',  # a text over the scan's cap
    '<td>7</td><td>' + ' ' * 70000 + '2018.01.04 10:00</td>',  # markup over the scan's cap (a short text)
    '<td>7</td><td>' + ' ' * 65530 + '2018.01.04 10:00</td>',  # the scan cuts the text at the cap
]


@pytest.mark.parametrize("seed", range(40))
def test_odd_rows_read_as_the_scan_reads_them(tmp_path, seed):
    path = tmp_path / "t.htm"
    mt4_tester_variant(path, "en", trades=12, seed=seed)
    text = _read(path)
    rng = random.Random(seed)
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if line.startswith("<tr align=right><td>")]
    for i in rng.sample(rows, 4):
        odd = rng.choice(ODD_ROWS)
        cells = lines[i][len("<tr align=right>"):].split("</td>", 2)[2]  # the row's first two cells replaced
        lines[i] = "<tr align=right>" + odd + cells
    if seed % 5 == 0:
        lines[rows[-1]] += " trailing text <td>3</td>"  # a cell after an event row's </tr>: the scan reads it too
    text = "\n".join(lines)
    assert list(tester._rows(text)) == _scanned(text)
