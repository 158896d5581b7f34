"""Identify a file by its content (never its name or UI language) and refuse non-history files.

Every refusal says what the file is and how to export the right one from MetaTrader.
"""

from __future__ import annotations

import re

from fxcost.errors import ImportFailed, UnsupportedReport
from fxcost.importers import text as tx
from fxcost.importers.text import decode

#: How to export a history, quoted in refusals.
HOW_TO_EXPORT = (
    "In MetaTrader 4: Terminal window > Account History tab > right-click > 'All History', then "
    "right-click > 'Save as Detailed Report'. In MetaTrader 5: View > Toolbox > History tab > "
    "right-click > 'Positions', then right-click > 'Report' > 'HTML' or 'Open XML (MS Office Excel 2007)'."
)

# Every pattern here runs on untrusted content, so each is linear (issue 13): a tag's attributes are matched with
# [^<>] (never past the next tag), and the one search inside them is in an atomic group, so a failed match never
# retries every split of a long attribute run.
_MT5_SECTION = re.compile(r"<th\b(?>[^<>]*?colspan=\"?1[34])[^<>]*+>\s*+<div\b(?>[^<>]*?10pt Tahoma)", re.IGNORECASE)
_MT5_HEADER_ROW = re.compile(r"bgcolor=\"?#E5F0FC", re.IGNORECASE)
_MT5_PLACEHOLDER = re.compile(r"<!--(MQTABLE=|DEAL_|POSITION_|ORDER_|ACCOUNT_)[A-Z_=]*-->")
#: An MT4 statement row: a ticket, an open time with seconds, then the row type (MT4 tester rows have no seconds;
#: MT5 rows put a deal or position number between the time and the type). The types stay English (FORMATS.md 6b).
_MT4_ROW = re.compile(r"<td\b[^<>]*>\d{1,12}</td>\s*+<td\b[^<>]*>\d{4}\.\d\d\.\d\d \d\d:\d\d:\d\d</td>\s*+"
                      r"<td\b[^<>]*>(?:buy|sell|balance|credit)</td>", re.IGNORECASE)
#: An MT4 Strategy Tester event row: its number, a time without seconds, the event type (English in every language,
#: issue 11), the order number. Known by these, not by the title, which the terminal translates.
_MT4_TESTER_ROW = re.compile(
    r"<td\b[^<>]*>\d{1,9}</td>\s*+<td\b[^<>]*>\d{4}\.\d\d\.\d\d \d\d:\d\d</td>\s*+<td\b[^<>]*>"
    r"(?:(?:buy|sell)(?: stop| limit)?|s/l|t/p|close(?: at stop)?|modify|delete|swap (?:open|close))</td>\s*+"
    r"<td\b[^<>]*>\d{1,12}</td>", re.IGNORECASE)
#: A tester report without events is still known by its settings table (label over 2 columns, value over 4) and
#: the "<server> (Build NNNN)" line under its title.
_MT4_TESTER_SETTING = re.compile(r"<td colspan=\"?2\"?>[^<>]*+</td>\s*+<td colspan=\"?4\"?>", re.IGNORECASE)
_MT4_TESTER_BUILD = re.compile(r"\(Build \d{1,6}\)</b>", re.IGNORECASE)
#: A table cell holding a date-time: a report's data, which a template never has.
_DATA_ROW = re.compile(r"<td\b[^<>]*>\s*+\d{4}\.\d\d\.\d\d \d\d:\d\d")
_HTML = re.compile(r"<\s*(html|!doctype|table|body|head)\b", re.IGNORECASE)
#: Nothing but spaces, NULs and BOM bytes (a regex, not ``data.strip()``, which would copy the whole file).
_BLANK = re.compile(rb"[ \t\r\n\x00\xef\xbb\xbf\xff\xfe]*")


def identify(data: bytes, path: str = "") -> tuple[str, str | None]:
    """Return (kind, decoded text or None for binary kinds).

    kind is one of: ``mt4_html``, ``mt4_tester``, ``mt5_html``, ``xlsx``, ``csv``.

    Raises:
        ImportFailed: empty or unreadable file.
        UnsupportedReport: a file of a known kind that holds no trade history.
    """
    if _BLANK.fullmatch(data):
        if path.lower().endswith((".csv", ".txt", ".tsv")):  # a trade list from a journal or script, not MetaTrader
            raise ImportFailed(path, "This CSV file is empty. Export the trade list again from the tool that wrote it "
                               "(a first line naming the columns, then one line per trade).")
        raise ImportFailed(path, "The file is empty. " + HOW_TO_EXPORT)
    head = data[:16]
    if head.startswith(b"%PDF"):
        raise UnsupportedReport(
            path,
            "This is a PDF document. fxcost reads the HTML or Excel reports MetaTrader writes, "
            "not PDFs (a PDF's tables cannot be read back reliably). " + HOW_TO_EXPORT,
        )
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")) or head[8:12] == b"WEBP":
        raise UnsupportedReport(
            path, "This is an image, not a trade history. " + HOW_TO_EXPORT
        )
    if head.startswith(b"PK\x03\x04"):
        if b"xl/" in data[:200000] or b"[Content_Types].xml" in data[:200000]:
            return "xlsx", None
        raise UnsupportedReport(
            path,
            "This is a ZIP archive, not a report. Unzip it and open the report inside it "
            "(an .htm, .html or .xlsx file).",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedReport(
            path,
            "This is an old-style Excel 97-2003 (.xls) workbook. Open it in Excel or LibreOffice and "
            "save it as .xlsx, or export the report again from MetaTrader 5 as 'Open XML' (.xlsx).",
        )
    if b"\x00" in data[:4096] and not _utf16(data) and tx.wide_codec(data) is None:
        raise UnsupportedReport(path, "This is a binary file, not a trade history. " + HOW_TO_EXPORT)

    text = decode(data)
    probe = text[:200000]
    if _HTML.search(probe[:5000]) or "<tr" in probe.lower()[:20000]:
        return _identify_html(text, probe, path), text
    if _looks_like_csv(text):
        return "csv", text
    raise UnsupportedReport(
        path,
        "This text file is neither a MetaTrader report nor a CSV table of trades. " + HOW_TO_EXPORT,
    )


def _utf16(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    odd = data[1:400:2]
    return len(odd) > 4 and odd.count(0) > 0.8 * len(odd)


def _identify_html(text: str, probe: str, path: str) -> str:
    placeholder = _MT5_PLACEHOLDER.search(probe)
    # A report with data rows is no empty template, whatever comment a broker's build left in it (issue 11: a
    # Japanese Trade Account Report was refused as a template); its own reader names what it is.
    if placeholder and not _DATA_ROW.search(probe):
        raise UnsupportedReport(
            path,
            f"This is an empty MetaTrader 5 report template (it holds placeholders such as {placeholder.group(0)} "
            "instead of data), not an exported report. " + HOW_TO_EXPORT,
        )
    title = _title(probe)
    if _is_mt4_tester(probe, title):
        return "mt4_tester"
    if "Closed Transactions:" in probe or title.startswith("Statement:"):
        return "mt4_html"
    if _MT5_SECTION.search(probe) or _MT5_HEADER_ROW.search(probe):
        return "mt5_html"
    if "Open Trades:" in probe and "Working Orders:" in probe:
        return "mt4_html"
    if _MT4_ROW.search(probe):  # a broker's translated MT4 template (issue 11): known by its rows, not its words
        return "mt4_html"
    raise UnsupportedReport(
        path,
        f"This is a web page{f' titled {title!r}' if title else ''}, not a MetaTrader report. " + HOW_TO_EXPORT,
    )


def _is_mt4_tester(probe: str, title: str) -> bool:
    """An MT4 Strategy Tester report, in any language (issue 11): its event rows, or its settings table under a
    "(Build NNNN)" line; the English title is one more sign."""
    return (title.startswith("Strategy Tester:") or bool(_MT4_TESTER_ROW.search(probe))
            or bool(_MT4_TESTER_BUILD.search(probe[:20000]) and _MT4_TESTER_SETTING.search(probe[:50000])))


#: Characters of a title quoted in a refusal.
TITLE_QUOTED = 200


def _title(probe: str) -> str:
    """The text of the first ``<title>`` element, found with plain searches (a lazy regex would retry every
    ``<title`` of a page that never closes one: quadratic, issue 13); at most TITLE_QUOTED characters."""
    lower = probe.lower()
    start = lower.find("<title")
    if start < 0:
        return ""
    body = lower.find(">", start)
    end = lower.find("</title", body + 1) if body >= 0 else -1
    if end < 0:
        return ""
    return probe[body + 1 : end].strip()[:TITLE_QUOTED]


def _looks_like_csv(text: str) -> bool:
    from fxcost.importers.csv_table import is_trade_header, records

    lines = records(text, 20)  # records, not lines: a quoted note may span lines (issue 13)
    if len(lines) == 1:
        # A header and no rows: still a CSV of trades if the header names trade columns, so
        # the user hears "no trade in it" rather than "not a CSV".

        return is_trade_header(lines[0])
    if len(lines) < 2:
        return False
    for sep in (",", ";", "\t", "|"):
        counts = [ln.count(sep) for ln in lines]
        if counts[0] >= 2 and sum(1 for c in counts if c >= counts[0] - 1) >= 0.8 * len(counts):
            return True
    return False
