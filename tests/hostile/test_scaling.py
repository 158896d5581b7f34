"""Patterns that run on file content are linear (issue 13): the time on an input 4 times larger grows at most
~8 times (generous: linear is 4, quadratic 16, cubic 64). Each input is the one that made a pattern backtrack."""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fxcost.analysis.market_data import detect_format
from fxcost.errors import ImportFailed
from fxcost.importers import detect, htmltable, load_bytes, mt4_html, mt5_header, mt5_html, mt5_xlsx, text
from fxcost.importers.csv_table import _date_parts, records
from tests.hostile import cases

#: Largest growth of the time allowed when the input grows 4 times, and a floor under which times are noise.
MAX_GROWTH = 8.0
NOISE = 0.05


def _best(work: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _growth(make: Callable[[int], object], run: Callable[[object], object], n: int) -> tuple[float, float]:
    small, big = make(n), make(4 * n)
    return _best(lambda: run(small)), _best(lambda: run(big))


def _refused(data: bytes, path: str) -> None:
    try:
        load_bytes(data, path)
    except ImportFailed:
        pass


def _chunks(data: bytes) -> list[bytes]:
    """The sheet part cut into row-ending pieces, read 64 kB at a time (a part without rows was quadratic)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return list(mt5_xlsx._Book(archive, data, "x.xlsx").chunks("xl/worksheets/sheet1.xml", b"</row>", 1 << 16))


SCALING = {
    # the three examples, through the code that meets them
    "detect-mt5-section": (cases.mt5_section, lambda s: _refused(s.encode(), "a.html"), 8000),
    "detect-title": (cases.titles, lambda s: _refused(s.encode(), "b.html"), 30000),
    "detect-cell-soup": (lambda n: "<html><table>" + "<td " * n, lambda s: _refused(s.encode(), "c.html"), 2500),
    "mt4-broker": (cases.broker_divs, lambda s: mt4_html._BROKER.search(s), 4000),
    # the same shapes against the other patterns of the files this issue owns
    "accounting-negative": (lambda n: ["(" + "1" * n + "x"] * 20, lambda v: text.parse_numbers(v), 5000),
    "xlsx-cell-attrs": (lambda n: b'<c r="A1" ' * n, lambda b: mt5_xlsx._CELL.findall(b), 20000),
    "xlsx-inline-string": (lambda n: b'<c r="A1" t="inlineStr"><is>' * n, lambda b: mt5_xlsx._CELL.findall(b), 20000),
    "xlsx-shared-string": (lambda n: b"<si>" * n, lambda b: mt5_xlsx._SI.findall(b), 20000),
    "xlsx-phonetic": (lambda n: b"<rPh>" * n, lambda b: mt5_xlsx._RPH.sub(b"", b), 20000),
    "xlsx-text": (lambda n: b"<t " * n, lambda b: mt5_xlsx._T_TEXT.findall(b), 20000),
    "csv-dates": (lambda n: pd.Series(["2024-01-02" + " " * n + "x", "2024-01-02 10:00" + " " * n + "x"]),
                  lambda v: _date_parts(v), 8000),
    "market-data-first-line": (lambda n: "A" * n + "!", lambda s: detect_format(s), 8000),
    "csv-records": (lambda n: 'a,b,"c\n' * n, lambda s: records(s, 20), 20000),
    "xlsx-no-row-end": (lambda n: cases.workbook(cases.SHEET_HEAD.encode() + b'<row r="1">'
                                                 + b'<c r="A1"><v>1</v></c>' * n), _chunks, 150_000),
    # patterns of the HTML readers issue 11 rewrote
    "mt5-html-cell": (cases.mt5_cells, lambda s: mt5_html._CELL.findall(s), 3000),
    "mt5-html-rows": (cases.mt5_cells, lambda s: mt5_html.rows([s]), 3000),
    "html-cell": (cases.mt5_cells, lambda s: htmltable.rows(s), 3000),
    "html-row-tag": (cases.row_tags, lambda s: htmltable.ROW_TAG.findall(s), 20000),
    "html-title": (lambda n: "<title>" * n, htmltable.title_text, 700),
    "html-title-unclosed-tag": (lambda n: "<title " * n, htmltable.title_text, 700),
    "mt5-tester-build": (lambda n: "MetaQuotes-Demo" + " " * n + "(build 1234) x", lambda s: mt5_header.BUILD_SUFFIX.search(s),
                         20000),
}


@pytest.mark.parametrize("name", list(SCALING))
def test_time_grows_linearly_with_the_input(name):
    make, run, n = SCALING[name]
    small, big = _growth(make, run, n)
    assert big <= max(NOISE, MAX_GROWTH * small), f"{name}: {small:.4f} s at n={n}, {big:.4f} s at 4n"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["<th ", "colspan=13 ", "colspan=\"14\" ", ">", " <div ", "10pt Tahoma", "x", "<",
                                 "<title>", "</title>", "<tr", "Closed Transactions:"]), min_size=1, max_size=40),
       st.integers(50, 400))
def test_detection_of_any_tag_soup_is_fast_and_consistent(parts, repeat):
    """Whatever repeats, identify answers quickly, and the same page in UTF-16 gets the same answer."""
    page = "<html>" + "".join(parts) * repeat
    start = time.perf_counter()
    answers = []
    for data in (page.encode(), "\ufeff".encode("utf-16-le") + page.encode("utf-16-le")):
        try:
            answers.append(detect.identify(data, "p.html")[0])
        except ImportFailed as exc:
            answers.append(type(exc).__name__)
    assert time.perf_counter() - start < 2.0
    assert answers[0] == answers[1]
