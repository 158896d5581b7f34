"""Hostile and broken inputs of issue 13, each class generated small enough for the test suite.

``CASES`` maps a name to a function that writes the input into a folder and returns the command-line arguments
of ``main.py`` that feed it to fxcost, with the exit codes and a pattern of the message the answer must hold.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Case:
    """One hostile input: how to make it, the exit codes allowed and a regex the output must match."""

    make: Callable[[Path], list[str]]
    codes: tuple[int, ...]
    message: str


def _report(path: Path) -> list[str]:
    return ["report", str(path), "--json", "-"]


def _write(name: str, data: bytes | str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return _report(path)

    return make


def _mt4_head(extra: str) -> str:
    return ("<html><head><title>Statement: 123 - Someone</title></head><body>" + extra
            + "<table><tr><td colspan=13><b>Closed Transactions:</b></td></tr></table></body></html>")


# --- CPU from small files (backtracking patterns) --------------------------------------------------------------

def mt5_section(n: int) -> str:
    return "<html><table>" + "<th colspan=13 " * n


def titles(n: int) -> str:
    return "<html>" + "<title>" * n + "x"


def broker_divs(n: int) -> str:
    return _mt4_head("<div font:20pt " * n)


def mt5_cells(n: int) -> str:
    """An MT5-looking page whose cells never close their tag."""
    return ('<html><body><table><tr><th colspan="13" style="x"><div style="font: 10pt Tahoma"><b>Positions</b>'
            "</div></th></tr><tr>" + "<td " * n)


def row_tags(n: int) -> str:
    return _mt4_head("<table>" + "<tr " * n)


def mt4_statement(trades: int = 5) -> str:
    """A small generated MT4 Detailed Statement (fxcost.samples), as text."""
    import tempfile

    from fxcost.samples.generate import generate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.htm"
        generate(str(path), "mt4", trades, 7)
        return path.read_bytes().decode("cp1252")


def mt4_with_year(year: str) -> str:
    """A generated MT4 statement whose first trade closes in ``year`` (pandas holds 1677 to 2262 only)."""
    text = mt4_statement()
    at = text.index("Closed Transactions:")
    times = [m for m in re.finditer(r"<td class=msdate nowrap>(2024)\.", text[at:])]
    close = times[1]  # the first trade's close time (the first time is a deposit's)
    return text[: at + close.start(1)] + year + text[at + close.end(1):]


def huge_cell(mb: int) -> str:
    """An MT4 statement whose first trade's symbol cell holds ``mb`` MB of text."""
    text = mt4_statement()
    at = text.index("<td>", text.index("Closed Transactions:"))
    row = text.index("<tr", at)
    symbol = text.index("</td><td>", text.index("class=mspt", row)) + len("</td><td>")
    end = text.index("</td>", symbol)
    return text[:symbol] + "x" * (mb * 2**20) + text[end:]


def sparse(folder: Path) -> list[str]:
    """A 250 MB CSV file that takes no disk space (its size alone must refuse it)."""
    path = folder / "big.csv"
    with open(path, "wb") as fh:
        fh.write(b"Ticket,Open Time\n")
        fh.truncate(250_000_000)
    return _report(path)


# --- XLSX ------------------------------------------------------------------------------------------------------

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
       '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
       '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><sheetData>')


def workbook(sheet: bytes, shared: bytes | None = None) -> bytes:
    """A minimal XLSX with one sheet part (bytes, written deflated) and optional shared strings."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return buf.getvalue()


def xlsx_no_row_end(mb: int) -> bytes:
    """A sheet part of ``mb`` MB of cells and never a ``</row>`` (a zip bomb that also defeats row chunking)."""
    return workbook(SHEET_HEAD.encode() + b"<row r=\"1\">" + b'<c r="A1"><v>1</v></c>' * (mb * 2**20 // 22))


def xlsx_big_shared(mb: int) -> bytes:
    sheet = SHEET_HEAD.encode() + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
               b'2006/main">' + b"<si><t>abcdefghij</t></si>" * (mb * 2**20 // 25) + b"</sst>")
    return workbook(sheet, strings)


def xlsx_sum(rows: int) -> bytes:
    """Many formulas, each summing a range of millions of rows that hold nothing."""
    cells = b"".join(b'<row r="%d"><c r="A%d"><f>SUM(B1:B5000000)</f></c></row>' % (i, i) for i in range(1, rows))
    return workbook(SHEET_HEAD.encode() + cells + b"</sheetData></worksheet>")


def cut_xlsx() -> bytes:
    from tests.hostile.cases import xlsx_valid

    data = xlsx_valid()
    return data[: len(data) * 2 // 3]


def xlsx_valid() -> bytes:
    sheet = SHEET_HEAD.encode() + b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>cell %d</t></is></c></row>' % (i, i, i) for i in range(1, 3000))
    return workbook(sheet + b"</sheetData></worksheet>")


def lying_xlsx() -> bytes:
    """An XLSX whose ZIP directory says its 50 MB sheet part is 1,000 bytes."""
    data = bytearray(xlsx_no_row_end(50))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    local = info.header_offset
    data[local + 22 : local + 26] = (1000).to_bytes(4, "little")
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_len = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_len] == b"xl/worksheets/sheet1.xml":
            data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


# --- JSON ------------------------------------------------------------------------------------------------------

def deep_json(n: int = 100_000) -> str:
    return "[" * n + "]" * n


def wide_keys(mb: int = 10) -> str:
    return json.dumps({"name": "x", "rates": [], "k" * (mb * 2**20): 1})


# --- special files ---------------------------------------------------------------------------------------------

def fifo(folder: Path) -> list[str]:
    path = folder / "report.htm"
    os.mkfifo(path)
    return _report(path)


def unix_socket(folder: Path) -> list[str]:
    path = folder / "report.htm"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))  # the socket file stays after the test's process closes it
    s.close()
    return _report(path)


def _csv(rows: list[str]) -> str:
    return "\n".join(["Ticket,Open Time,Type,Lots,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit",
                      *rows]) + "\n"


_GOOD = "1,2024-01-02 10:00:00,buy,1.00,EURUSD,1.10000,2024-01-02 11:00:00,1.10100,-7.00,0,100.00"


def _with_good(row: str) -> str:
    return _csv([_GOOD, row])


CASES: dict[str, Case] = {
    "mt5-section-backtracking": Case(_write("a.html", mt5_section(2000)), (1,), r"This is a web page, not a MetaTrader"),
    "title-backtracking": Case(_write("b.html", titles(30000)), (1,), r"This is a web page, not a MetaTrader"),
    "mt4-broker-backtracking": Case(_write("c.htm", broker_divs(1400)), (1,),
                                    r"The 'Closed Transactions:' section has no column header row"),
    "row-tag-backtracking": Case(_write("e.htm", row_tags(20000)), (1,),
                                 r"The 'Closed Transactions:' section has no column header row"),
    "huge-cell": Case(lambda folder: _write("cell.htm", huge_cell(50))(folder), (0,), r"x{120}\.\.\. "),
    "huge-csv-field": Case(_write("field.csv", _with_good("2," + "x" * 5_000_000 + ",buy,1,EURUSD,1.1,"
                                                          "2024-01-02 11:00:00,1.2,0,0,1")), (0,),
                           r"open time 'x{120}\.\.\. \(5,000,000 characters in all\)' is not a date"),
    "larger-than-cap": Case(sparse, (1,), r"The file is 250\.0 MB, larger than any trade history of this kind"),
    "xlsx-lying-size": Case(lambda folder: _write("lie.xlsx", lying_xlsx())(folder), (1,),
                            r"damaged or incomplete .*Bad CRC-32.*Export it again"),
    "empty": Case(_write("empty.htm", b""), (1,), r"The file is empty"),
    "dev-zero": Case(lambda folder: _report(Path("/dev/zero")), (1,), r"/dev/zero: This is a device, not a regular file"),
    "dev-null": Case(lambda folder: _report(Path("/dev/null")), (1,), r"This is a device, not a regular file"),
    "fifo": Case(fifo, (1,), r"This is a named pipe \(FIFO\), not a regular file"),
    "socket": Case(unix_socket, (1,), r"This is a socket, not a regular file"),
    # Issue 14: a folder is opened as a book; an empty one says what fxcost reads.
    "folder": Case(lambda folder: _report(folder), (1,), r"No statement in this folder or its subfolders: fxcost reads"),
    "utf16be-csv": Case(_write("be.csv", "\ufeff".encode("utf-16-be") + _csv([_GOOD]).encode("utf-16-be")),
                        (0,), r'"symbol": "EURUSD"'),
    "utf32-csv": Case(_write("u32.csv", _csv([_GOOD]).encode("utf-32")), (0,), r'"symbol": "EURUSD"'),
    "cut-xlsx": Case(lambda folder: _write("cut.xlsx", cut_xlsx())(folder), (1,), r"incomplete.*Export it again"),
    "xlsx-no-row-end": Case(lambda folder: _write("norow.xlsx", xlsx_no_row_end(60))(folder), (1,),
                            r"compressed [\d,]+ times .*zip bomb"),
    "xlsx-big-shared-strings": Case(lambda folder: _write("shared.xlsx", xlsx_big_shared(60))(folder), (1,),
                                    r"compressed [\d,]+ times .*zip bomb"),
    "xlsx-sum-5m": Case(lambda folder: _write("sum.xlsx", xlsx_sum(2000))(folder), (1,), r"not a MetaTrader 5 report"),
    "date-1600": Case(_write("d1600.csv", _with_good(_GOOD.replace("2024-01-02 10", "1600-01-02 10").replace(
        "1,", "2,", 1))), (0,), r"'1600-01-02 10:00:00' is not a date fxcost reads"),
    "date-9999": Case(_write("d9999.csv", _with_good(_GOOD.replace("2024-01-02 11", "9999-12-31 11").replace(
        "1,", "2,", 1))), (0,), r"'9999-12-31 11:00:00' is not a date fxcost reads"),
    "mt4-date-1600": Case(lambda folder: _write("y1600.htm", mt4_with_year("1600").encode("cp1252"))(folder), (0,),
                          r"cannot read close time .*\| 1600"),
    "mt4-date-9999": Case(lambda folder: _write("y9999.htm", mt4_with_year("9999").encode("cp1252"))(folder), (0,),
                          r"cannot read close time .*\| 9999"),
    "lots-zero": Case(_write("lots0.csv", _with_good(_GOOD.replace(",1.00,", ",0,").replace("1,", "2,", 1))), (0,),
                      r"a size of 0 lots or below"),
    "lots-negative": Case(_write("lotsneg.csv", _with_good(_GOOD.replace(",1.00,", ",-1,").replace("1,", "2,", 1))),
                          (0,), r"a size of 0 lots or below"),
    "close-before-open": Case(_write("back.csv", _with_good(
        "2,2024-01-02 10:00:00,buy,1.00,EURUSD,1.10000,2023-01-02 11:00:00,1.10100,-7.00,0,100.00")), (0,),
        r"closed before it was opened"),
    "price-1e300": Case(_write("p300.csv", _with_good(_GOOD.replace("1.10100", "1e300").replace("1,", "2,", 1))),
                        (0,), r"implausible price.*close_price 1e\+300"),
    "nan-commission": Case(_write("nan.csv", _with_good(_GOOD.replace("-7.00", "NaN").replace("1,", "2,", 1))),
                           (0,), r"commission 'NaN' is not a number"),
    "multiline-csv": Case(_write("notes.csv", "Ticket,Open Time,Type,Lots,Symbol,Open Price,Close Time,Close Price,"
                                 "Commission,Swap,Profit,Comment\n" + _GOOD + ',"first line\nsecond line"\n'),
                          (0,), r'"symbol": "EURUSD"'),
    "deep-program": Case(lambda folder: ["report", str(_sample_csv(folder)), "--program",
                                         str(_put(folder / "p.json", deep_json())), "--json", "-"],
                         (1, 2), r"nested too deeply"),
    "deep-setup": Case(lambda folder: ["report", str(_sample_csv(folder)), "--setup",
                                       str(_put(folder / "s.json", deep_json())), "--json", "-"],
                       (1, 2), r"nested too deeply"),
    "deep-profile": Case(lambda folder: ["report", str(_sample_csv(folder)), "--spread-profile",
                                         str(_put(folder / "sp.json", deep_json())), "--json", "-"],
                         (1, 2), r"nested too deeply"),
    "binary-profile": Case(lambda folder: ["report", str(_sample_csv(folder)), "--spread-profile",
                                           str(_put(folder / "bin.json", bytes(range(256)) * 40)), "--json", "-"],
                           (1, 2), r"not a UTF-8 text file"),
    "wide-program": Case(lambda folder: ["report", str(_sample_csv(folder)), "--program",
                                         str(_put(folder / "w.json", wide_keys())), "--json", "-"],
                         (1, 2), r"10\.5 MB, larger than any rebate program"),
    "profile-spread-1e300": Case(lambda folder: ["report", str(_sample_csv(folder)), "--spread-profile",
                                                 str(_put(folder / "sp300.json", json.dumps(
                                                     {"name": "x", "spreads": {"EURUSD": 1e300}}))), "--json", "-"],
                                 (1, 2), r"spreads\.EURUSD = 1e\+300 is not a spread \(at most 1e\+06 pips\)"),
    "market-data-dev-zero": Case(lambda folder: ["report", str(_sample_csv(folder)), "--market-data", "/dev/zero",
                                                 "--json", "-"], (1, 2), r"/dev/zero: This is a device, not a regular file"),
    # Big market data is read as a stream (the 60 MB one is in test_market_data_stream.py, 200 MB in the benchmark).
    "market-data-5MB-ticks": Case(lambda folder: ["report", str(_sample_csv(folder)), "--market-data",
                                                  str(tick_file(folder / "EURUSD_ticks.csv", 5_000_000)), "--json", "-"],
                                  (0,), r"measured \(ticks, MT5 export\)"),
}


def tick_file(path: Path, size: int) -> Path:
    """An MT5 tick export of about ``size`` bytes (~46 bytes a tick, EURUSD, one tick every 0.7 s from 2024-01-02),
    written a block at a time: legitimately big market data, read as a stream (issue 13)."""
    import numpy as np

    block = 100_000
    t0 = np.datetime64("2024-01-02T00:00:00", "ms")
    with open(path, "w", encoding="ascii", newline="\n") as fh:
        fh.write("<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>\n")
        start = 0
        while fh.tell() < size:
            i = np.arange(start, start + block)
            stamps = np.datetime_as_string(t0 + i * 700, unit="ms")
            bid = 108000 + i % 97
            ask = bid + 5 + i % 7
            fh.write("".join(f"{s[:10].replace('-', '.')}\t{s[11:]}\t1.{b:05d}\t1.{a:05d}\t\t\t6\n"
                             for s, b, a in zip(stamps.tolist(), (bid - 100000).tolist(), (ask - 100000).tolist())))
            start += block
    return path


def _put(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _sample_csv(folder: Path) -> Path:
    return _put(folder / "trades.csv", _csv([_GOOD]))
