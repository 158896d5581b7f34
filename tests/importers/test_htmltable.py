"""The regex row tokenizer used by the MT4 and MT5 HTML readers."""

from fxcost.importers import htmltable as ht

DOC = """<html><head><title>Statement: 1 - A &amp; B</title></head><body><table>
<tr align=left><td colspan=13><b>Closed Transactions:</b></td></tr>
<tr align=right><td title="#2022 [sl]">77953025</td><td class=msdate nowrap>2023.12.29 07:32:27</td>
<td style="mso-number-format:0\\.000;">180.190</td><td class=mspt>1&nbsp;000.00</td></tr>
<tr bgcolor="#F7F7F7"><td nowrap="">a</td><td class="hidden" colspan="8">JamesORB</td><td colspan="2">-232.00</td>
<TR><TD>no closing tags<TD>second
</table>"""


def test_rows_cells_text_and_attributes():
    rows = ht.rows(DOC)
    assert ht.texts(rows[0]) == ["Closed Transactions:"]
    assert rows[0][0].colspan == 13
    trade = rows[1]
    assert trade[0].attr("title") == "#2022 [sl]"
    assert trade[0].text == "77953025"
    assert trade[1].attr("nowrap") == ""
    assert trade[2].digits == 3
    assert trade[3].text == "1 000.00"
    assert trade[3].digits is None


def test_hidden_cells_and_unclosed_rows():
    rows = ht.rows(DOC)
    mt5 = rows[2]
    assert [c.hidden for c in mt5] == [False, True, False]
    assert ht.texts(ht.visible(mt5)) == ["a", "-232.00"]
    assert mt5[1].text == "JamesORB"
    assert ht.texts(rows[3]) == ["no closing tags", "second"]


def test_title_text_unescaped():
    assert ht.title_text(DOC) == "Statement: 1 - A & B"
    assert ht.title_text("<p>no title</p>") == ""


def test_zero_digit_mso_format():
    rows = ht.rows('<tr><td style="mso-number-format:0\\.;">21016</td></tr>')
    assert rows[0][0].digits == 0


def test_row_spans_and_row_cells_in_place():
    spans = list(ht.row_spans(DOC))
    assert len(spans) == 4 and spans[-1][1] == len(DOC)
    for start, end in spans:
        in_place = ht.row_cells(DOC, start, end)
        sliced = ht.row_cells(DOC[start:end])
        assert [(c.text, c.attrs, c.header) for c in in_place] == [(c.text, c.attrs, c.header) for c in sliced]
    assert [ht.texts(cells) for cells in ht.iter_rows(DOC)] == [ht.texts(ht.row_cells(DOC, s, e)) for s, e in spans]


def test_huge_cells_and_attribute_values_are_cut_at_the_documented_size():
    """A hostile 5 MB cell (plain words, or millions of tags) and a 5 MB title are cut at MAX_CELL_CHARS."""
    words = "ab " * 1_700_000
    tags = "<b>a</b>" * 700_000
    title = "t" * 5_000_000
    doc = f'<table><tr><td>{words}</td><td>{tags}</td><td title="{title}">ok</td></tr></table>'
    row = ht.rows(doc)[0]
    assert [len(c.text) for c in row[:2]] == [ht.MAX_CELL_CHARS, ht.MAX_CELL_CHARS]
    assert row[0].text.startswith("ab ab") and set(row[1].text.split()) == {"a"}
    assert row[2].text == "ok" and len(row[2].attr("title")) == ht.MAX_CELL_CHARS
