"""Fast tokenizer for the table rows of MetaTrader HTML reports.

MetaTrader writes flat, regular tables (`<tr>` of `<td>`/`<th>`, no nesting inside a
cell except `<b>`, `<div>`, `<font>`). A regular-expression scan over the text is an
order of magnitude faster than building a DOM (lxml) or ``pandas.read_html``, and it
tolerates what browsers and editors do to the files (bare or quoted attributes,
missing closing tags, CRLF/LF mixes). Cells keep their raw attribute text so readers can
look at ``title`` (MT4 comments), ``class="hidden"`` (MT5), ``colspan`` and the
``mso-number-format`` that carries an MT4 symbol's digits.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: A tag's attributes: quoted values may hold ">" (``<td title="UT>CAC 857064138">``, a Swissquote statement,
#: FORMATS.md 6b), so a quote right after "=" runs to its closing quote, as in lxml/libxml2; anywhere else a quote
#: is an ordinary character. Unrolled (each repetition starts at an "=") and possessive: it never backtracks.
ATTRS = r"""[^>=]*+(?:=(?:\s*+"[^"]*+"|\s*+'[^']*+')?+[^>=]*+)*+"""
#: A row's opening tag: a row runs from after it to the next one.
ROW_TAG = re.compile(rf"<tr\b{ATTRS}>", re.IGNORECASE)
# A cell's text runs to the next <td>/<th>, </tr>, </table> or the end (closing tags are
# optional in HTML). _TEXT spells that as "no '<', or a '<' that starts none of those" (an
# unrolled loop), about twice as fast on a 30 MB statement as a lazy ".*?" with a lookahead
# at every character. Groups: kind, attributes, text up to any </td>, a plain closing tag
# right before the next cell, then anything else (text after </td>, stray closing tags).
# inner + close + tail is exactly the old single capture; a plain cell (no tail, no tag in
# its text) needs only ``inner``, and no tag stripping.
# Possessive (no state kept to backtrack into): a cell of 6 million tags then takes 1 s and no memory, not 3 s
# and 1.5 GB (issue 13).
_TEXT = r"[^<]*+(?:<(?!/?t[dh]\b|/tr\s*>|/table\s*>)[^<]*+)*+"
# A cell tag that never closes runs to the end of the row: it is matched there as a whole, with no groups (a browser
# drops it too), so the scan does not retry from each "<td" inside it: '<td ' * n was quadratic (issue 13).
_CELL = re.compile(
    rf"<t(?:([dh])\b({ATTRS})>({_TEXT})(</t[dh]\s*>\s*(?=<t[dh]\b|</tr\s*>|</table\s*>|$))?"
    rf"((?:</t[dh]\b[^<>]*>?{_TEXT})*)|[dh]\b{ATTRS}\Z)",
    re.IGNORECASE,
)
_TAG = re.compile(rf"<{ATTRS}>")
#: How far into a document its <title> is looked for.
TITLE_CHARS = 20000
_WS = re.compile(r"[\s\u00a0\u3000]+")
_ATTR_CACHE: dict[tuple[str, str], str | None] = {}
_ATTR_PATTERNS: dict[str, re.Pattern[str]] = {}


@dataclass(slots=True)
class Cell:
    """One table cell: its visible text (entities decoded, spaces collapsed) and raw attributes."""

    text: str
    attrs: str
    header: bool = False  # a <th> cell

    def attr(self, name: str) -> str | None:
        """Value of attribute ``name`` (quoted, unquoted or bare), or None when absent."""
        return get_attr(self.attrs, name)

    @property
    def colspan(self) -> int:
        value = self.attr("colspan")
        try:
            return max(1, int(value)) if value else 1
        except ValueError:
            return 1

    @property
    def hidden(self) -> bool:
        cls = self.attr("class")
        return bool(cls) and "hidden" in cls.split()

    @property
    def digits(self) -> int | None:
        """Decimals from an MT4 price cell's ``mso-number-format:0\\.00000;`` style, if any."""
        style = self.attr("style")
        if not style or "mso-number-format" not in style:
            return None
        m = re.search(r"mso-number-format:\s*\"?0(\\?\.)?(0*)", style)
        if not m:
            return None
        return len(m.group(2))


def get_attr(attrs: str, name: str) -> str | None:
    """Attribute lookup on a raw attribute string, cached (reports repeat the same few)."""
    key = (attrs, name)
    if key in _ATTR_CACHE:
        return _ATTR_CACHE[key]
    pattern = _ATTR_PATTERNS.get(name)
    if pattern is None:  # compiled once per name: titles are unique per row, so the cache above rarely hits
        pattern = _ATTR_PATTERNS[name] = re.compile(
            rf"(?:^|\s){name}\s*(?:=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?(?=\s|$)", re.IGNORECASE
        )
    m = pattern.search(attrs)
    value: str | None
    if not m:
        value = None
    else:
        raw = m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(3)
        value = html.unescape(raw[:MAX_CELL_MARKUP])[:MAX_CELL_CHARS] if raw is not None else ""
    if len(_ATTR_CACHE) < 4096 or name != "title":
        if len(_ATTR_CACHE) > 20000:
            _ATTR_CACHE.clear()
        _ATTR_CACHE[key] = value
    return value


#: A cell's visible text, and an attribute's value, are cut at this many characters (issue 13: a 50 MB cell took
#: 20 s and 1 GB). No MetaTrader field comes near it: comments, symbols and names are tens of characters.
MAX_CELL_CHARS = 4096
#: A cell's markup is cut at this many characters before its tags and entities are read.
MAX_CELL_MARKUP = 16 * MAX_CELL_CHARS
#: Rows longer than this are never matched whole by a reader's fast pattern: they go cell by cell, capped.
MAX_ROW_CHARS = 16 * MAX_CELL_MARKUP


def cell_text(raw: str) -> str:
    """Visible text of a cell's inner HTML (at most :data:`MAX_CELL_CHARS` characters)."""
    if len(raw) > MAX_CELL_MARKUP:
        raw = raw[:MAX_CELL_MARKUP]
        if "<" in raw[-200:]:  # a tag cut in half would leave its attributes as text
            raw = raw[: raw.rindex("<")]
    if "<" in raw:
        raw = _TAG.sub(" ", raw)
    if "&" in raw:
        raw = html.unescape(raw)
    text = " ".join(raw.split())  # str.split() splits on the same Unicode spaces as _WS, faster
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS]


def row_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every row's markup: from after its ``<tr ...>`` to the next ``<tr`` or the end.

    Spans, not slices: a reader can match a whole row in place (``pattern.match(text, start, end)``).
    """
    # One row at a time (not ROW_TAG.split): a list of every row would copy the whole document.
    start = None
    for m in ROW_TAG.finditer(text):
        if start is not None:
            yield start, m.start()
        start = m.end()
    if start is not None:
        yield start, len(text)


def iter_rows(text: str) -> Iterator[list[Cell]]:
    """Yield every table row of the document as a list of cells, in document order.

    Rows without any cell (spacers) are skipped. Text before the first ``<tr>`` is ignored. A document the
    flat scan would misread (:func:`needs_tree`) is read as a tree builder reads it.
    """
    if needs_tree(text):
        yield from _tree_rows(text)
        return
    for start, end in row_spans(text):
        cells = row_cells(text, start, end)
        if cells:
            yield cells


def row_cells(text: str, start: int = 0, end: int | None = None) -> list[Cell]:
    """The cells of one row's markup ``text[start:end]`` (see :func:`row_spans`)."""
    return [
        Cell(cell_text(inner + close + tail if tail or "<" in inner else inner), attrs.strip(), kind in "hH")
        for kind, attrs, inner, close, tail in _CELL.findall(text, start, len(text) if end is None else end)
        if kind
    ]


def rows(text: str) -> list[list[Cell]]:
    """All rows of :func:`iter_rows` as a list."""
    return list(iter_rows(text))


# ----------------------------------------------------------------------------- documents the scan cannot read
#
# The row scan above reads flat tables: MetaTrader never nests a table in a cell nor hides markup in a comment,
# script or style. A document that does (an edited or hostile file) is first rewritten as the flat table a real
# HTML parser sees (:func:`flatten`): rows in document order (an outer row before the rows of a table nested in
# it), each cell's own text (a nested table's text is its own cells'), comments, scripts and styles left out.
# tests/importers/test_htmltable.py proves the rows and cell texts equal lxml's, for generated and real documents.

_NESTING = re.compile(rf"<(/?)table\b{ATTRS}>|<!--|<(?:script|style)\b", re.IGNORECASE)
_TREE_TOKEN = re.compile(
    rf"<!--.*?(?:-->|\Z)|<(script|style)\b{ATTRS}>.*?(?:</\1\s*>|\Z)|<(/?)(table|tr|td|th)\b({ATTRS})>",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT_BODY = re.compile(r"<!--(.*?)(?:-->|\Z)", re.DOTALL)
_RAW_BODY = re.compile(r"<(script|style)\b[^>]*>(.*?)(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
#: Markup the row scan acts on: inside a comment, script or style it would be misread.
_MARKUP = re.compile(r"<(?:/?t[dhr]\b|/?table\b)", re.IGNORECASE)


def needs_tree(text: str) -> bool:
    """True when the flat row scan would misread the document: a table inside a table, or markup inside a
    comment, script or style (their text is no cell's)."""
    depth = 0
    for m in _NESTING.finditer(text):
        token = m.group(0)
        if token.startswith("<!--"):
            # "<!--CLOSED_Commission-->" is harmless; a ">" inside a comment would end it early in a cell.
            body = _COMMENT_BODY.match(text, m.start())
            if body and ("<" in body.group(1) or ">" in body.group(1)):
                return True
        elif token[1:].lower().startswith(("script", "style")):
            raw = _RAW_BODY.match(text, m.start())
            if raw and _MARKUP.search(raw.group(2)):
                return True
        elif m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > 1:
                return True
    return False


def _tree_rows(text: str) -> list[list[Cell]]:
    """Rows of any document, as a tree builder reads them (see the section comment)."""
    out: list[list[list[str]]] = []  # rows of [kind, attrs, raw text pieces...]
    stack: list[list[Any]] = []  # open tables: [row or None, cell or None]
    pos = 0

    def add(piece: str) -> None:
        if stack and stack[-1][1] is not None and piece:
            stack[-1][1].append(piece)

    for m in _TREE_TOKEN.finditer(text):
        add(text[pos:m.start()])
        pos = m.end()
        tag = m.group(3)
        if tag is None:  # a comment, script or style: no cell's text, but a word break
            add(" ")
            continue
        tag, closing, attrs = tag.lower(), bool(m.group(2)), m.group(4).strip()
        if tag == "table":
            if closing:
                if stack:
                    stack.pop()
                add(" ")
            else:
                add(" ")
                stack.append([None, None])
            continue
        if not stack:
            stack.append([None, None])  # rows outside any table still belong to one
        frame = stack[-1]
        if tag == "tr":
            frame[1] = None
            frame[0] = None
            if not closing:
                frame[0] = []
                out.append(frame[0])
        elif closing:
            frame[1] = None
        else:
            if frame[0] is None:
                frame[0] = []
                out.append(frame[0])
            frame[1] = [tag, attrs]
            frame[0].append(frame[1])
    add(text[pos:])
    return [[Cell(cell_text("".join(c[2:])), c[1], c[0] == "th") for c in row] for row in out if row]


def flatten(text: str) -> str:
    """``text`` itself when the row scan reads it right; otherwise the flat table a tree builder sees, after the
    document's head (everything before its first table), so that every reader reads it the same way."""
    if not needs_tree(text):
        return text
    start = text.lower().find("<table")
    head = text[:start] if start >= 0 else ""
    body = "".join(
        "<tr>" + "".join(f"<t{'h' if c.header else 'd'} {c.attrs}>{html.escape(c.text, quote=False)}</t"
                         f"{'h' if c.header else 'd'}>" for c in row) + "</tr>\n"
        for row in _tree_rows(text)
    )
    return f"{head}<table>\n{body}</table>\n"


def visible(cells: list[Cell]) -> list[Cell]:
    """The cells a reader sees: those without ``class="hidden"``."""
    return [c for c in cells if not c.hidden]


def texts(cells: list[Cell]) -> list[str]:
    """The text of each cell."""
    return [c.text for c in cells]


_TITLE_END = re.compile(r"</title\s*+>", re.IGNORECASE)


def title_text(text: str) -> str:
    """The document's ``<title>``, decoded; '' when there is none.

    Found with plain searches from the first ``<title``: a lazy regex retried every ``<title`` of a page that never
    closes one (quadratic, issue 13). When the first has no end, no later one has.
    """
    head = text[:TITLE_CHARS]
    start = head.lower().find("<title")
    body = head.find(">", start) if start >= 0 else -1
    if body < 0:
        return ""
    end = _TITLE_END.search(head, body + 1)
    return cell_text(head[body + 1 : end.start()]) if end else ""
