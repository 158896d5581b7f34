"""The row tokenizer (htmltable) reads what a real HTML parser reads (issue 11): for generated documents with
attributes holding '>' and quotes, comments, entities, unclosed <td>/<tr>, <br> in cells and nested tables, and
for every real HTML sample, its rows and cell texts equal lxml's.

The reference: lxml's <tr> elements in document order, each one's <td>/<th> children, a cell's text being its
visible text with element boundaries as word breaks (a <br> or a </b> parts words, as MetaTrader's cells print
them), nested tables' text left to their own cells, comments and whitespace runs as one space.
"""

import html as htmllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fxcost.importers import htmltable as ht
from fxcost.importers.text import decode
from tests.conftest import SAMPLES

lxml_html = pytest.importorskip("lxml.html")


def _own_text(el) -> list[str]:
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag.lower() != "table":
            parts.append(" ")
            parts += _own_text(child)
            parts.append(" ")
        else:
            parts.append(" ")  # a nested table or a comment: not this cell's text
        parts.append(child.tail or "")
    return parts


def lxml_rows(doc: str) -> list[list[str]]:
    root = lxml_html.document_fromstring(doc)
    out = []
    for tr in root.iter("tr"):
        cells = [" ".join("".join(_own_text(c)).split()) for c in tr if isinstance(c.tag, str)
                 and c.tag.lower() in ("td", "th")]
        if cells:
            out.append(cells)
    return out


def our_rows(doc: str) -> list[list[str]]:
    return [[c.text for c in row] for row in ht.rows(doc)]


# ----------------------------------------------------------------------------- generated documents

WORDS = st.sampled_from(["buy", "sell", "1 000.00", "-3 865", "eurusd", "Deposit", "2024.01.02 10:00:00", "x",
                         "Peña", "決済情報:", "a>b", "O'Brien", '"quoted"'])
ENTITIES = st.sampled_from(["&amp;", "&lt;", "&gt;", "&nbsp;", "&#233;", "&#x41;", "&quot;", "&eacute;"])
TITLES = st.sampled_from(["UT>CAC 857064138", "a > b 'x'", "#77 [sl]", 'say "hi"', "", "x=y>z"])


@st.composite
def attrs(draw) -> str:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["title-dq", "title-sq", "bare", "class", "colspan", "style"]))
        title = draw(TITLES)
        if kind == "title-dq":
            out.append(f'title="{title.replace(chr(34), "&quot;")}"')
        elif kind == "title-sq":
            out.append(f"title='{title.replace(chr(39), '&#39;')}'")
        elif kind == "bare":
            out.append("nowrap")
        elif kind == "class":
            out.append(draw(st.sampled_from(["class=mspt", 'class="hidden"', "class=msdate"])))
        elif kind == "colspan":
            out.append(f"colspan={draw(st.integers(1, 14))}")
        else:
            out.append('style="mso-number-format:0\\.000;"')
    return (" " + " ".join(out)) if out else ""


@st.composite
def cell_content(draw, depth: int) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["word", "entity", "br", "b", "comment", "space", "table"]
                                    if depth < 1 else ["word", "entity", "br", "b", "comment", "space"]))
        if kind == "word":
            parts.append(htmllib.escape(draw(WORDS), quote=False))
        elif kind == "entity":
            parts.append(draw(ENTITIES))
        elif kind == "br":
            parts.append(draw(st.sampled_from(["<br>", "<BR>", "<br/>"])))
        elif kind == "b":
            parts.append(f"<b>{htmllib.escape(draw(WORDS), quote=False)}</b>")
        elif kind == "comment":
            parts.append(draw(st.sampled_from(["<!--CLOSED_Commission-->", "<!-- a > b -->",
                                               "<!-- <td>not a cell</td> -->", "<!---->"])))
        elif kind == "space":
            parts.append(draw(st.sampled_from([" ", "\n", "\r\n  ", "\t"])))
        else:
            parts.append(draw(table(depth + 1)))
    return "".join(parts)


@st.composite
def table(draw, depth: int = 0) -> str:
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        cells = []
        for _ in range(draw(st.integers(1, 5))):
            tag = draw(st.sampled_from(["td", "td", "th", "TD"]))
            closed = draw(st.booleans())
            cells.append(f"<{tag}{draw(attrs())}>{draw(cell_content(depth))}" + (f"</{tag}>" if closed else ""))
        row_open = draw(st.sampled_from(["<tr>", "<tr align=right>", '<tr bgcolor="#E0E0E0">', "<TR>"]))
        rows.append(row_open + "".join(cells) + ("</tr>" if draw(st.booleans()) else "") + "\n")
    return "<table>" + "".join(rows) + "</table>"


@st.composite
def document(draw) -> str:
    head = draw(st.sampled_from([
        "<html><head><title>Statement: 1 - A</title></head><body>",
        '<html><head><style type="text/css"><!-- td { font: 8pt Tahoma; } //--></style></head><body>',
        "<!DOCTYPE html><html><body><div>report</div>",
    ]))
    return head + "".join(draw(st.lists(table(), min_size=1, max_size=2))) + "</body></html>"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_rows_and_cell_texts_equal_lxml(doc):
    assert our_rows(doc) == lxml_rows(doc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_flatten_keeps_what_lxml_reads(doc):
    """A flattened document is read the same by the fast scan and by lxml (readers scan it row by row)."""
    flat = ht.flatten(doc)
    assert not ht.needs_tree(flat)
    assert our_rows(flat) == lxml_rows(doc)


@settings(max_examples=60, deadline=None)
@given(title=TITLES)
def test_attribute_values_equal_lxml(title):
    doc = f"<table><tr><td title=\"{title.replace(chr(34), '&quot;')}\" class=mspt>7</td></tr></table>"
    cell = ht.rows(doc)[0][0]
    ref = lxml_html.fromstring(doc).find(".//td")
    assert cell.attr("title") == ref.get("title") and cell.attr("class") == ref.get("class") and cell.text == "7"


# ----------------------------------------------------------------------------- real documents

REAL = sorted(p for p in SAMPLES.glob("*.htm*")) if SAMPLES.is_dir() else []


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_samples_equal_lxml(path):
    doc = decode(path.read_bytes())
    ours = our_rows(doc)
    ref = lxml_rows(doc)
    assert len(ours) == len(ref) > 10
    assert ours == ref
