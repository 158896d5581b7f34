"""MT5 HTML read as a stream: UTF-16 decoded piece by piece, rows kept in column-wise Blocks.

Whatever the piece size, the result must equal reading the whole decoded text at once.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fxcost.importers import htmltable, load_bytes, load_file, mt5_html
from fxcost.importers import text as tx
from fxcost.importers.mt5_rows import Block, Rows
from fxcost.samples.generate import generate
from tests.conftest import SAMPLES

#: The real MT5 HTML reports in UTF-16, MetaTrader's own encoding (the streamed ones; UTF-8 re-saves are read whole).
MT5_HTML_SAMPLES = sorted(
    p.name for p in SAMPLES.glob("mt5-*.htm*") if tx.utf16_codec(p.read_bytes()[:400]) is not None
) if SAMPLES.is_dir() else []


@pytest.fixture(scope="module")
def generated_mt5(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mt5") / "gen.html"
    generate(path, "mt5-html", 300, seed=7)
    return path


def _whole(data: bytes, path: str):
    """The reference: the whole file decoded, then read."""
    return mt5_html.read(tx.decode(data), path)


def _streamed(data: bytes, path: str, piece: int):
    codec = tx.utf16_codec(data[:400])
    assert codec is not None, "MetaTrader writes MT5 HTML in UTF-16"
    return mt5_html.read_chunks(tx.decode_pieces(io.BytesIO(data), len(data), codec, piece), path)


def _assert_same(a, b) -> None:
    for name in ("trades", "open_positions", "orders", "cash"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    assert a.printed == b.printed
    assert a.warnings == b.warnings
    assert a.skipped == b.skipped
    assert a.account == b.account


@pytest.mark.parametrize("piece", [7, 1000, 65536])
def test_generated_report_streamed_in_pieces_equals_the_whole(generated_mt5, piece):
    data = generated_mt5.read_bytes()
    whole = _whole(data, "gen.html")
    assert len(whole.trades) > 250
    _assert_same(_streamed(data, "gen.html", piece), whole)


@pytest.mark.parametrize("name", MT5_HTML_SAMPLES or ["(no samples)"])
def test_real_report_streamed_in_pieces_equals_the_whole(samples_dir, name):
    data = (samples_dir / name).read_bytes()
    try:
        whole = _whole(data, name)
    except Exception as exc:  # a refused file must be refused the same way when streamed
        with pytest.raises(type(exc)) as streamed_exc:
            _streamed(data, name, 999)
        assert str(streamed_exc.value) == str(exc)
        return
    _assert_same(_streamed(data, name, 999), whole)


def test_load_file_streams_utf16_reports_without_reading_them_whole(generated_mt5, monkeypatch):
    expected = load_bytes(generated_mt5.read_bytes(), str(generated_mt5))

    def refuse(self):
        raise AssertionError("read_bytes: an MT5 HTML report in UTF-16 must be streamed, not read whole")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(tx, "PIECE_BYTES", 4096)
    monkeypatch.setattr(tx.decode_pieces, "__defaults__", (4096,))
    got = load_file(generated_mt5)
    _assert_same(got, expected)
    assert got.format == "mt5_html"


def test_a_stray_trailing_byte_and_a_missing_bom_stream_like_the_whole(generated_mt5):
    data = generated_mt5.read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE)
    for variant in (data + b"\x00", data[2:], data[2:] + b"\x0a"):
        _assert_same(_streamed(variant, "v.html", 501), _whole(variant, "v.html"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.integers(1, 40), st.sampled_from([b"\xff\xfe", b"\xfe\xff", b""]))
def test_decode_pieces_equals_decode(body, piece, bom):
    data = bom + (body if bom else b"<\x00" + body)  # without a BOM: the UTF-16LE look decode() relies on
    codec = tx.utf16_codec(data)
    if codec is None:
        return
    joined = "".join(tx.decode_pieces(io.BytesIO(data), len(data), codec, piece))
    assert joined == tx.decode(data)


_HTML_BITS = ["<tr>", "<TR class=x>", "<tr\n bgcolor=#fff>", "<td>", "</td>", "</tr>", "<t", "r", "<", ">",
              "a", " ", "<track>", "<tr", "\u00e9", "<table>", "<tr a<", "b>"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_HTML_BITS), max_size=40), st.lists(st.integers(0, 200), max_size=8))
def test_row_spans_over_pieces_equal_row_spans_of_the_whole(bits, cuts):
    text = "".join(bits)
    points = sorted({min(c, len(text)) for c in cuts})
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)])]
    expected = [text[s:e] for s, e in htmltable.row_spans(text)]
    got = [piece[s:e] for piece, spans in mt5_html._row_spans(iter(pieces)) for s, e in spans]
    assert got == expected


_CELL_TEXT = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=6)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.data())
def test_block_gives_back_its_rows_and_columns(width, data):
    fill = frozenset(data.draw(st.sets(st.integers(1, width - 1), max_size=width - 1)) if width > 1 else set())
    n = data.draw(st.integers(0, 5000 if data.draw(st.booleans()) else 30))
    cell = data.draw(st.sampled_from(["", "x", "1.25", "2025.01.02 10:00:00"]))
    rows = [tuple(None if p in fill else (f"{cell}{k}" if p else f"{k}") for p in range(width)) for k in range(n)]
    if n and data.draw(st.booleans()):
        rows[n // 2] = tuple(None if p in fill else data.draw(_CELL_TEXT) for p in range(width))
    block = Block(width, fill)
    for k, row in enumerate(rows):
        block.add(row, 100 + k, "note" if k == 3 else None)
    block.close()
    assert len(block) == n
    for p in range(width + 1):
        assert block.column(p) == [r[p] if p < width else None for r in rows]
    a = data.draw(st.integers(0, n))
    b = data.draw(st.integers(a, n))
    assert block.rows(a, b) == rows[a:b]
    picks = sorted(data.draw(st.sets(st.integers(0, n - 1), max_size=20))) if n else []
    assert block.rows_at(picks) == [rows[k] for k in picks]
    table = Rows([["plain"], block, ["tail"]], [1, 0, 9999], ["", "", "last"])
    assert len(table) == n + 2
    every = table.rows_at(range(n + 2))
    assert every[n + 1] == (9999, ["tail"])
    assert [num for num, _ in every] == [1, *range(100, 100 + n), 9999]
    assert table.notes() == ["", *("note" if k == 3 else "" for k in range(n)), "last"]
    if n:
        assert every[n][1] == rows[-1] and every[1][0] == 100
    assert table.rows_at([0, *(k + 1 for k in picks), n + 1]) == [
        (1, ["plain"]), *((100 + k, rows[k]) for k in picks), (9999, ["tail"])]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(0, 6000), st.lists(st.integers(1, 3000), min_size=1, max_size=8))
def test_block_add_many_is_add_of_each_row(width, n, runs):
    """Issue 14: rows added in runs (mt5_html's loop) give the Block that one add per row gives."""
    rows = [tuple(f"{k}" if p == 0 else ("c" if k % 7 else "") for p in range(width)) for k in range(n)]
    note = width - 1 if width > 1 else None
    one, many = Block(width, frozenset()), Block(width, frozenset())
    for k, row in enumerate(rows):
        one.add(row, 10 + k, row[note] if note is not None else None)
    one.close()
    at, r = 0, 0
    while at < n:
        size = runs[r % len(runs)]
        many.add_many(rows[at:at + size], list(range(10 + at, 10 + min(at + size, n))), note)
        at, r = at + size, r + 1
    many.close()
    assert (many.count, many.chunks, list(many.nums), many.notes) == (one.count, one.chunks, list(one.nums), one.notes)


def test_a_cell_holding_nul_keeps_its_text(generated_mt5):
    # NUL joins a Block's cells, so a row with one in a cell must be read cell by cell, its text intact.
    text = tx.decode(generated_mt5.read_bytes())
    sheet, _ = mt5_html.rows(iter([text]))
    block = next(r for r in sheet.rows if type(r) is Block)
    value = block.column(2)[0]  # the symbol of the first row of the first run
    assert value and value in text
    damaged = text.replace(f">{value}<", f">{value}\x00X<", 1)
    sheet2, _ = mt5_html.rows(iter([damaged]))
    cells = [v for r in sheet2.rows if type(r) is not Block for v in r]
    assert f"{value}\x00X" in cells
