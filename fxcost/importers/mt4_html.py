"""Reader for MT4 account statements (Statement.htm / DetailedStatement.htm) -> Statement.

One pass over the table rows (``htmltable.row_spans``) sorts each row into per-column
Python lists; numbers and times are then parsed column-wise (``text.parse_numbers`` /
``parse_times``) and the canonical frames are built once. No per-row DataFrame work and no
DOM: a 100k-trade DetailedStatement (~50 MB) imports in about 2 s and 150 MB above the
interpreter. Buy/sell rows as MetaTrader writes them are matched whole by one regular
expression (:data:`_TRADE_ROW`); every other row is tokenised cell by cell
(``htmltable.row_cells``), with the same result. The document is freed once its rows are
read (:func:`read`). Layout: FORMATS.md 2.

Rules this reader applies (the reports have no field for them):

* The order comment is only in the Ticket cell's ``title`` (newer builds repeat it, with
  the magic number, in a continuation row ``<td colspan=9>&nbsp;</td><td>magic</td><td
  colspan=3>comment</td>`` under the row, see :func:`_continuation`).
* Magic number: the continuation row's magic cell when it holds an integer; otherwise a
  title of the form ``#<integer> <comment>`` (MT4 prints ``"#" + magic + " " + comment``
  for EA orders) when the integer fits MT4's 32-bit ``int``. The ``#<magic> `` prefix is
  then removed from ``comment``. Titles such as ``to #123``, ``Dividend #5`` or ``5 Min
  Strategy`` never give a magic number.
* ``close_reason``: ``so`` for stop-outs (``so: 59.7%/15.0/25.2``), else ``sl``/``tp``
  from ``[sl]``, ``[tp]``, ``[sl/gap]``..., else "".
* Partial closes: ``to #N`` on a row links it to ticket N, ``from #N`` links N to the
  row; linked tickets form one chain (A->B->C), every row of it gets ``is_partial`` and
  ``partial_group`` = the chain's first (lowest-linked) ticket.
* Close-by is unverified in MT4 (FORMATS.md 2.5): only an explicit ``close by #N`` /
  ``close hedge by #N`` comment sets ``close_by``.
* A buy/sell row with open and close price 0 is not a trade but a broker roll-up (Alpari's
  Item ``profit`` "Summary trade result" rows): it becomes a cash event (kind from
  :func:`cash.classify`, ``adjustment`` when the comment says nothing) with the row's
  commission + taxes + swap + profit; the report's own totals include it, so the reader
  records it as an explained adjustment for reconciliation and warns.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from fxcost import model
from fxcost.errors import ImportFailed
from fxcost.gcpause import paused
from fxcost.importers import cash
from fxcost.importers.frames import RowChecks, none_if_zero
from fxcost.importers.htmltable import (
    MAX_ROW_CHARS,
    ROW_TAG,
    Cell,
    cell_text,
    flatten,
    get_attr,
    needs_tree,
    row_cells,
    row_spans,
    title_text,
)
from fxcost.importers.reconcile import CASH_CAUSES, MONEY_TOLERANCE, reconcile
from fxcost.importers.reconcile import CASH_FIELDS as CASH_LABELS
from fxcost.importers.text import (
    clean,
    decimals,
    parse_number,
    parse_numbers,
    parse_report_time,
    plain_floats,
    times_array,
)
from fxcost.model import Account, PrintedTotals, SkippedRow, Statement
from fxcost.money import money_text
from fxcost.symbols import normalise_many

#: Section heading text -> section id (FORMATS.md 2.1, always in this order).
SECTIONS = {
    "Closed Transactions:": "closed",
    "Open Trades:": "open",
    "Working Orders:": "working",
    "Summary:": "summary",
    "Details:": "details",
}

#: The Closed Transactions header, lower-cased (FORMATS.md 2.2).
CLOSED_HEADER = (
    "ticket", "open time", "type", "size", "item", "price", "s / l", "t / p",
    "close time", "price", "commission", "taxes", "swap", "profit",
)  # fmt: skip

TRADE_TYPES = frozenset({"buy", "sell"})
CASH_TYPES = frozenset({"balance", "credit"})
PENDING_TYPES = frozenset({"buy limit", "sell limit", "buy stop", "sell stop"})

#: Text of the ``<td colspan=4>`` cell of a closed pending order -> order state.
ORDER_STATES = {
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "deleted": "deleted",
    "expiration": "expired",
    "expired": "expired",
    "rejected": "rejected",
}

HOW_TO_EXPORT = (
    "In MetaTrader 4: Terminal window > Account History tab > right-click > 'All History', "
    "then right-click > 'Save as Detailed Report'."
)

_MAGIC = re.compile(r"^#(-?\d{1,10})(?:\s+(.*))?$", re.DOTALL)
_LINK = re.compile(r"\b(to|from) #(\d{1,19})\b")
_REASON = re.compile(r"\[(sl|tp)\b")
_STOP_OUT = re.compile(r"(?<![a-z])so:")
_CLOSE_BY = re.compile(r"\bclose (?:hedge )?by #\d+", re.IGNORECASE)
#: What could make the flat row scan misread a document (htmltable.needs_tree decides): an opening table,
#: comment, script or style tag inside the rows.
_SUSPECT = re.compile(r"<(?:table\b|!--|script\b|style\b)", re.IGNORECASE)
# Linear (issue 13): attributes never run past the next tag, the search in them is atomic, and the content stops
# at any <div, so no start rescans what a failed one scanned.
_BROKER = re.compile(r"<div\b(?>[^<>]*?font:\s*20pt)[^<>]*+>((?:[^<]++|<(?!/?div\b))*+)</div>", re.IGNORECASE)
_STATEMENT_TITLE = re.compile(r"^Statement:\s*(.*?)\s*-\s*(.*)$", re.DOTALL)
_LEVERAGE = re.compile(r"(\d{1,6})\s*:\s*(\d{1,7})\b")
_INT32 = 2**31
_INTEGER = re.compile(r"-?\d{1,10}")

# A buy/sell row as MetaTrader writes it: 14 <td> cells of plain text (no markup, no entity, single
# spaces), so each cell's text is exactly what htmltable.cell_text would make of it. One match per
# row instead of 14 Cell objects; groups: ticket attrs, the 14 texts with the price cell's attrs
# after the Item text. Any other row (and any variation of this one) goes through htmltable.
# The attributes are read up to the first ">" (fast); a quoted value holding ">" (``title="UT>CAC 1">``) then leaves
# its closing quote in the "text", which _PLAIN refuses, so such a row falls to htmltable, which reads it right.
_PLAIN = r"([^<&\s\"']+(?: [^<&\s\"']+)*|)"
_TD = r"<td\b[^>]*>" + _PLAIN + r"</td>\s*"
_TRADE_ROW = re.compile(
    r"\s*<td\b([^>]*)>" + _PLAIN + r"</td>\s*" + _TD * 4 + r"<td\b([^>]*)>" + _PLAIN + r"</td>\s*" + _TD * 8
    + r"</tr\s*>\s*\Z"
)

#: Summary-block labels -> PrintedTotals field (others go to ``printed.extra``).
SUMMARY_FIELDS = {
    "deposit/withdrawal": "deposit_withdrawal",
    "credit facility": "credit",
    "balance": "balance",
    "gross profit": "gross_profit",
    "gross loss": "gross_loss",
    "total net profit": "total_net_profit",
    "floating p/l": "floating_pl",
    "equity": "equity",
}

_digits_cache: dict[str, int] = {}


class _Columns:
    """Raw cell texts of one kind of row: one record (list) per row, transposed into one
    list per column once the scan is over (``zip(*records)`` runs in C)."""

    def __init__(self, *names: str):
        self.names = names
        self.pos = {name: i for i, name in enumerate(names)}
        self.records: list[list[Any]] = []
        self.rows: list[int] = []
        self._data: dict[str, list[Any]] | None = None

    def add(self, row: int, record: list[Any]) -> int:
        self.records.append(record)
        self.rows.append(row)
        return len(self.rows) - 1

    @property
    def data(self) -> dict[str, list[Any]]:
        if self._data is None:
            columns = list(zip(*self.records)) if self.records else [() for _ in self.names]
            self._data = {name: list(col) for name, col in zip(self.names, columns)}
            self.records = []  # the columns hold the same values: one list per row less to keep
        return self._data

    def text(self, i: int) -> str:
        """The row as read, for :class:`SkippedRow` (built only for rows that are skipped)."""
        names = self.names[: self.pos["title"]]
        values = [self._data[k][i] for k in names] if self._data is not None else self.records[i][: len(names)]
        return _clip(" | ".join(str(v) for v in values if v not in ("", -1)))

    def __len__(self) -> int:
        return len(self.rows)


#: Record layout of buy/sell rows; Open Trades put the market price where the close price is.
TRADE_FIELDS = (
    "ticket", "open_time", "side", "lots", "symbol", "open_price", "sl", "tp", "close_time",
    "close_price", "commission", "taxes", "swap", "profit", "title", "digits", "magic",
)  # fmt: skip
ORDER_FIELDS = (
    "ticket",
    "open_time",
    "order_type",
    "lots",
    "symbol",
    "price",
    "sl",
    "tp",
    "close_time",
    "state",
    "title",
)
CASH_FIELDS = ("ticket", "time", "type", "amount", "title")


class _Scan:
    """What one pass over the rows collects."""

    def __init__(self) -> None:
        self.trades = _Columns(*TRADE_FIELDS)
        self.opens = _Columns(*TRADE_FIELDS[:9], "market_price", *TRADE_FIELDS[10:])
        self.orders = _Columns(*ORDER_FIELDS)
        self.cash = _Columns(*CASH_FIELDS)
        self.skipped: list[SkippedRow] = []
        self.extra: dict[str, Any] = {}
        self.account_cells: list[Cell] | None = None
        self.seen: list[str] = []
        self.header_checked = False
        self.head = ""  # the start of the document (broker line, <title>), for the account
        self.suspect = False  # a table, comment, script or style opens inside the rows (see read)


def _scan(text: str, path: str) -> _Scan:
    """Sort every table row into the collector of its kind (module doc)."""
    scan = _Scan()
    trades, opens, orders, cashrows = scan.trades, scan.opens, scan.orders, scan.cash
    skipped, extra, seen = scan.skipped, scan.extra, scan.seen
    section = "header"
    last: tuple[_Columns, int] | None = None  # the row a continuation row belongs to
    names = {v: k[:-1] for k, v in SECTIONS.items()}
    scan.head = text[:20000]
    first_row = ROW_TAG.search(text)
    scan.suspect = needs_tree(text[: first_row.start()] if first_row else text)
    fast = _TRADE_ROW.match
    # The texts that repeat row after row (type, size, item, S/L, T/P, commission, taxes, swap) share one
    # string object per distinct value (a bounded cache): a string object per cell is most of the import's
    # memory. Tickets, times, prices and profits are nearly all distinct, so they are not looked up.
    shared: dict[str, str] = {}
    share = shared.setdefault
    number = 0
    for start, end in row_spans(text):
        if section in ("closed", "open") and end - start <= MAX_ROW_CHARS:
            m = fast(text, start, end)
            if m and m.group(4) in TRADE_TYPES:
                number += 1
                target = trades if section == "closed" else opens
                if len(shared) > 100_000:
                    shared.clear()
                # _trade_record's layout: the 14 texts (g[0], g[6]: ticket and price cell attributes), then
                # title, digits, magic.
                g = m.groups()
                record = [
                    g[1], g[2], share(g[3], g[3]), share(g[4], g[4]), share(g[5], g[5]), g[7],
                    share(g[8], g[8]), share(g[9], g[9]), g[10], g[11],
                    share(g[12], g[12]), share(g[13], g[13]), share(g[14], g[14]), g[15],
                    _title_of(g[0].strip()), _digits_of(g[6].strip()), "",
                ]  # fmt: skip
                last = (target, target.add(number, record))
                continue
        # Markup the flat scan may misread can only be in a row the fast pattern refused (or before the first row).
        if not scan.suspect and _SUSPECT.search(text, start, end):
            scan.suspect = True
        cells = row_cells(text, start, end)
        if not cells:
            continue
        number += 1
        first = cells[0]
        n = len(cells)
        # Section headings: one cell, known text; or, in a broker's translated template (FORMATS.md 6b), any
        # one-cell "<b>...:</b>" row, named by its place: Closed Transactions, then Open Trades, then the
        # rest by what follows them (see _decide).
        if n == 1 and (first.text in SECTIONS or (_HEADING.search(first.text) and first.colspan >= 12)):
            section = SECTIONS.get(first.text) or _next_section(seen)
            seen.append(section)
            last = None
            continue
        if section == "later":
            if n == 1 and not first.text:
                continue  # the Details graph, a spacer
            section = seen[-1] = _decide(cells, seen)
        if section == "header":
            if scan.account_cells is None and (first.text.startswith("Account:") or n >= 4):
                scan.account_cells = cells
            continue
        if section in ("summary", "details"):
            _label_values(cells, extra.setdefault(section, {}))
            extra.setdefault(f"{section}_rows", []).append([c.text for c in cells])
            continue
        kind = cells[2].text if n > 2 else ""
        if section in ("closed", "open") and n == 14 and kind in TRADE_TYPES:
            target = trades if section == "closed" else opens
            last = (target, target.add(number, _trade_record(cells)))
            continue
        if section == "closed" and n == 5 and kind in CASH_TYPES:
            record = [first.text, cells[1].text, kind, cells[4].text, _title(first, cells[3].text)]
            last = (cashrows, cashrows.add(number, record))
            continue
        if kind in PENDING_TYPES and (
            (section == "closed" and n == 11 and cells[10].colspan == 4) or (section == "working" and n >= 10)
        ):
            if section == "closed":
                state_text = cells[10].text.lower()
                state = next((v for k, v in ORDER_STATES.items() if k in state_text), state_text or "cancelled")
                close_time = cells[8].text
            else:
                state, close_time = "working", ""
            record = [
                first.text, cells[1].text, kind, cells[3].text, cells[4].text, cells[5].text,
                cells[6].text, cells[7].text, close_time, state, _title(first, ""),
            ]  # fmt: skip
            last = (orders, orders.add(number, record))
            continue
        # Comment rows under a ticket's row: newer builds ``colspan=9 | magic | comment``, old builds
        # ``colspan=10 | comment`` (mt4-detailed-mihawk-mt4trade02.htm).
        if ((n == 3 and first.colspan == 9) or (n == 2 and first.colspan == 10)) and not first.text:
            if last is not None:
                _continuation(last, cells if n == 3 else [first, Cell("", ""), cells[1]])
            else:
                skipped.append(
                    SkippedRow(names[section], number, "comment row without a row above it", _row_text(cells))
                )
            continue
        if first.text.lower() == "ticket" or _is_column_header(cells):
            if section == "closed":
                _check_header(cells, path)
                scan.header_checked = True
            continue
        if section in ("closed", "open") and n == 5 and first.colspan == 10 and not first.text:
            extra[f"{section}_subtotal"] = [c.text for c in cells[1:]]
            last = None
            continue
        label = _label(cells)
        # "Closed P/L:" / "Floating P/L:" (translated: "損益計:"): a label, then the total in the last cell.
        if label and section in ("closed", "open") and n in (2, 3) and cells[-2].text == label \
                and parse_number(cells[-1].text) == parse_number(cells[-1].text):
            extra["closed_pl" if section == "closed" else "floating_pl"] = cells[-1].text
            continue
        if first.text == "No transactions" or (n == 1 and not first.text):
            continue
        skipped.append(SkippedRow(names[section], number, _why(cells), _row_text(cells)))
    return scan


_HEADING = re.compile(r"[:\uff1a]$")  # a heading ends with a colon (full-width in CJK templates)
#: Sections whose headings are read by place when translated: after Open Trades, _decide names them.
_LATER = ("working", "summary", "details")


def _is_column_header(cells: list[Cell]) -> bool:
    """A table's column header in any language: ten or more cells, the first and every other filled one a label
    (not a number). Data rows start with a ticket number."""
    texts = [c.text for c in cells if c.text]
    return (len(cells) >= 10 and bool(cells[0].text) and len(texts) >= 8
            and all(parse_number(t) != parse_number(t) for t in texts))


def _next_section(seen: list[str]) -> str:
    """The section a translated heading opens: Closed Transactions first, Open Trades second, then "later"."""
    if "closed" not in seen:
        return "closed"
    if "open" not in seen:
        return "open"
    return "later"


def _decide(cells: list[Cell], seen: list[str]) -> str:
    """A translated heading after Open Trades, named by its first row: label/value pairs open the Summary (the
    Details when the Summary was seen), anything else (a column header, an order, "No transactions") Working
    Orders."""
    pairs = sum(1 for c in cells if _HEADING.search(c.text))
    if pairs >= 1 and not cells[0].text.lower() == "ticket":
        return "details" if "summary" in seen[:-1] else "summary"
    return "working"


def _check_header(cells: list[Cell], path: str) -> None:
    found = tuple(c.text.lower() for c in cells)
    # Old builds head the lots column "Volume" (FORMATS.md 6b, mt4-detailed-mihawk-mt4trade02.htm).
    if found[3:4] == ("volume",):
        found = found[:3] + ("size",) + found[4:]
    # A broker's translated template names no column in English: its 14 columns are read by position.
    if len(found) == 14 and not set(found) & set(CLOSED_HEADER):
        return
    if found != CLOSED_HEADER:
        raise ImportFailed(
            path,
            "The Closed Transactions table has unexpected columns "
            f"({' | '.join(c.text for c in cells)}); expected "
            "Ticket | Open Time | Type | Size | Item | Price | S / L | T / P | Close Time | "
            "Price | Commission | Taxes | Swap | Profit. The file may have been edited or "
            "re-saved by another program; export the statement again from MetaTrader 4. " + HOW_TO_EXPORT,
        )


def read(text: str, path: str) -> Statement:
    """Read an MT4 Statement.htm or DetailedStatement.htm.

    Raises:
        ImportFailed: the file has no Closed Transactions section or an unexpected table layout.
    """
    # The import allocates millions of small, cycle-free objects (cells, strings, records): the cyclic garbage
    # collector would only re-walk them, again and again (about a third of the time on a 100k-trade file).
    with paused():
        scan = _scan(text, path)
        if scan.suspect and needs_tree(text):
            # An edited file that nests tables or hides markup in a comment: read as a tree builder reads it.
            scan = _scan(flatten(text), path)
        # Everything needed is in ``scan`` now. When this frame holds the only reference (load_file), this
        # frees the document before the columns are parsed, which is where the import's memory peaks.
        del text
        return _read(scan, path)


def _read(scan: _Scan, path: str) -> Statement:
    trades, opens, orders, cashrows = scan.trades, scan.opens, scan.orders, scan.cash
    skipped, extra, seen = scan.skipped, scan.extra, scan.seen
    warnings: list[str] = []
    printed = PrintedTotals()

    if "closed" not in seen:
        raise ImportFailed(
            path,
            "No 'Closed Transactions:' section was found, so this is not a complete MetaTrader 4 "
            "statement (it may be cut off, or a different report). " + HOW_TO_EXPORT,
        )
    if not scan.header_checked:
        raise ImportFailed(
            path,
            "The 'Closed Transactions:' section has no column header row (Ticket, Open Time, ...); "
            "the file is damaged or was edited. " + HOW_TO_EXPORT,
        )
    if "summary" not in seen:
        warnings.append(
            "The statement ends before its Summary block: the file may be cut off, so trades after "
            "that point are missing."
        )

    account = _account(scan.head, scan.account_cells)
    account.source_format = "mt4_detailed" if "details" in seen else "mt4_statement"
    login = account.login

    trades_df, pseudo, bad = _trades_frame(trades, login, path)
    skipped.extend(bad)
    open_df, bad = _open_frame(opens, login, path)
    skipped.extend(bad)
    orders_df, bad = _orders_frame(orders, login, path)
    skipped.extend(bad)
    cash_df, bad = _cash_frame(cashrows, pseudo, login, path)
    skipped.extend(bad)

    _partials(trades_df, open_df)
    _printed(printed, extra, pseudo, warnings)

    dupes = int(trades_df["ticket"].duplicated().sum())
    if dupes:
        warnings.append(f"{dupes} closed-trade tickets appear more than once; the file may have been merged by hand.")
    if skipped:
        skipped.sort(key=lambda s: s.row)
        warnings.append(f"{len(skipped)} table rows could not be read and were skipped (first: {skipped[0]}).")
    statement = Statement(
        path=path,
        format=account.source_format,
        account=account,
        trades=trades_df,
        open_positions=open_df,
        orders=orders_df,
        cash=cash_df,
        printed=printed,
        warnings=warnings,
        skipped=skipped,
    )
    _check_totals(statement, pseudo)
    return statement


# ----------------------------------------------------------------------------- rows


def _trade_record(cells: list[Cell]) -> list[Any]:
    """A buy/sell row in :data:`TRADE_FIELDS` order."""
    first = cells[0]
    return [
        first.text, cells[1].text, cells[2].text, cells[3].text, cells[4].text, cells[5].text,
        cells[6].text, cells[7].text, cells[8].text, cells[9].text, cells[10].text,
        cells[11].text, cells[12].text, cells[13].text, _title(first, ""), _digits_of(cells[5].attrs), "",
    ]  # fmt: skip


def _digits_of(attrs: str) -> int:
    """Digits from a price cell's (stripped) attributes, -1 when they give none (cached: few distinct)."""
    digits = _digits_cache.get(attrs, -2)
    if digits == -2:
        digits = Cell("", attrs).digits
        digits = -1 if digits is None else digits
        if len(_digits_cache) < 1000:
            _digits_cache[attrs] = digits
    return digits


def _title(cell: Cell, fallback: str) -> str:
    """The comment of a row: the ticket cell's ``title`` (only there, FORMATS.md 2.2)."""
    return _title_of(cell.attrs, fallback)


def _title_of(attrs: str, fallback: str = "") -> str:
    """:func:`_title` from the ticket cell's (stripped) attributes."""
    if "title" not in attrs.lower():  # skip the attribute regex for plain cells
        return fallback.strip()
    value = get_attr(attrs, "title")
    return fallback.strip() if value is None else value.strip()


def _continuation(last: tuple[_Columns, int], cells: list[Cell]) -> None:
    """Newer builds print ``magic`` and ``comment`` in a row under the ticket's row."""
    target, index = last
    record = target.records[index]
    magic, comment = cells[1].text, cells[2].text
    if "magic" in target.pos and _INTEGER.fullmatch(magic):
        record[target.pos["magic"]] = magic
    title = target.pos["title"]
    if comment and not record[title]:
        record[title] = comment


def _label(cells: list[Cell]) -> str:
    for c in cells:
        if c.text.endswith(":"):
            return c.text
    return ""


def _why(cells: list[Cell]) -> str:
    kind = cells[2].text if len(cells) > 2 else ""
    if kind in TRADE_TYPES:
        return f"a {kind} row with {len(cells)} cells instead of 14"
    if kind in CASH_TYPES:
        return f"a {kind} row with {len(cells)} cells instead of 5"
    if kind in PENDING_TYPES:
        return f"a {kind} order row that is neither a trade nor a cancelled/working order ({len(cells)} cells)"
    if kind:
        return f"unknown row type {kind!r}"
    return f"unrecognised row ({len(cells)} cells)"


def _row_text(cells: list[Cell]) -> str:
    return _clip(" | ".join(c.text for c in cells))


def _clip(text: str) -> str:
    return text if len(text) <= 200 else text[:197] + "..."


def _label_values(cells: list[Cell], into: dict[str, str]) -> None:
    """Summary / Details rows: ``<b>Label:</b>`` cells each followed by a value cell."""
    prefix = ""
    for i, c in enumerate(cells):
        label = c.text
        if not label:
            continue
        if label.endswith(":") and i + 1 < len(cells):
            key = (prefix + " " + label[:-1]).strip().lower() if prefix else label[:-1].strip().lower()
            into[key] = cells[i + 1].text
        elif not label.endswith(":") and i == 0 and parse_number(label) != parse_number(label):
            prefix = label  # "Largest" / "Average" / "Maximum" row prefixes


# ----------------------------------------------------------------------------- frames


def _numbers(values: list[str]) -> np.ndarray:
    """``text.parse_numbers`` semantics, fast: plain cells ("-0.70", "1.12593") take the C
    float parser, cells with space thousands ("1 000.00") lose their spaces first, and only
    what is left ("", "abc", "23 (5%)") goes through ``parse_numbers``. Non-finite results
    ("nan", "inf" in a cell) are redone too, so they come back NaN as from ``parse_number``."""
    if not values:
        return np.zeros(0, dtype="float64")
    try:
        if "_" in "".join(values):  # float() reads "1_000"; a report never prints it
            raise ValueError
        out = np.fromiter(map(float, values), dtype="float64", count=len(values))
    except (ValueError, TypeError):  # some cell is "1 000.00", "" or text
        plain = plain_floats(values)  # blanks and space thousands at the cost of one numpy call (issue 14)
        if plain is not None:
            return plain
        out = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype="float64", copy=True)
    redo = np.flatnonzero(~np.isfinite(out))
    if len(redo):
        # Cell texts have every kind of space collapsed to " ": "1 000.00", "-3 865".
        spaced = [values[i].replace(" ", "") if isinstance(values[i], str) else values[i] for i in redo]
        out[redo] = pd.to_numeric(pd.Series(spaced, dtype=object), errors="coerce").to_numpy(dtype="float64")
        rest = redo[~np.isfinite(out[redo])]
        if len(rest):
            out[rest] = parse_numbers([values[i] for i in rest])
        out[~np.isfinite(out)] = np.nan  # "1e400" is no amount either
    return out


def _bad_ticket(ticket: np.ndarray) -> np.ndarray:
    """Not a whole number that fits the int64 ticket column."""
    with np.errstate(invalid="ignore"):
        return ~np.isfinite(ticket) | (ticket != np.round(ticket)) | (np.abs(ticket) >= 2.0**63)


def _nonempty(values: list[str]) -> np.ndarray:
    return np.array([bool(v) for v in values], dtype=bool)


def _skips(cols: _Columns, checks: RowChecks, section: str, where: np.ndarray | None = None) -> list[SkippedRow]:
    """The failing rows (of those ``where`` is true), each with every field it cannot read."""
    rows = checks.bad if where is None else checks.bad & where
    return [
        SkippedRow(section, cols.rows[i], "cannot read " + ", ".join(checks.reasons_of(i)), cols.text(i))
        for i in np.flatnonzero(rows)
    ]


def _comments(titles: list[str], magics: list[str]) -> tuple[list[str], list[Any]]:
    """Split ``#<magic> <comment>`` titles; the continuation row's magic wins (module doc).

    Worked out once per distinct (title, magic): EAs write the same few titles on thousands of rows.
    """
    done = {key: _comment(*key) for key in dict.fromkeys(zip(titles, magics))}
    split = [done[key] for key in zip(titles, magics)]
    return [c for c, _ in split], [v for _, v in split]


def _comment(title: str, magic: str) -> tuple[str, Any]:
    """:func:`_comments` for one row: (comment, magic or NA)."""
    value: Any = pd.NA
    if magic:
        value = int(magic)
        prefix = f"#{magic}"
        if title.startswith(prefix) and (len(title) == len(prefix) or title[len(prefix)].isspace()):
            title = title[len(prefix) :].strip()
    elif title.startswith("#"):
        m = _MAGIC.match(title)
        if m and -_INT32 <= int(m.group(1)) < _INT32:
            value = int(m.group(1))
            title = (m.group(2) or "").strip()
    return title, value


def _digits(cols: _Columns, symbols: list[str], *price_columns: list[str]) -> np.ndarray:
    """mso-number-format digits per row; else the most decimals printed for the symbol.

    Terminals drop trailing zeros ("1.1" for 1.10000), so one price says little; the most
    decimals over every price printed for the symbol is its quote precision.
    """
    digits = np.clip(np.asarray(cols.data["digits"], dtype="int64"), -1, 15)
    missing = digits < 0
    if missing.any():
        printed = pd.Series(
            [max(decimals(p) for p in row) for row in zip(*price_columns, strict=True)], dtype="int64"
        )
        per_symbol = printed.groupby(pd.Series(symbols)).transform("max").to_numpy()
        digits = np.where(missing, np.clip(per_symbol, 0, 15), digits)
    return digits


def _trades_frame(cols: _Columns, login: str, path: str) -> tuple[pd.DataFrame, dict[str, Any], list[SkippedRow]]:
    d = cols.data
    n = len(cols)
    ticket = _numbers(d["ticket"])
    open_time = times_array(d["open_time"])  # an array, no Series (issue 14)
    close_time = times_array(d["close_time"])  # an array, no Series (issue 14)
    lots = _numbers(d["lots"])
    open_price = _numbers(d["open_price"])
    close_price = _numbers(d["close_price"])
    sl = _numbers(d["sl"])
    tp = _numbers(d["tp"])
    money = {k: _numbers(d[k]) for k in ("commission", "taxes", "swap", "profit")}

    checks = RowChecks(n, [
        (_bad_ticket(ticket), "ticket"),
        (np.isnat(open_time), "open time"),
        (np.isnat(close_time), "close time"),
        (np.isnan(lots), "size"),
        (~_nonempty(d["symbol"]), "item"),
        (np.isnan(open_price), "open price"),
        (np.isnan(close_price), "close price"),
        *((np.isnan(v), k) for k, v in money.items()),
    ])
    bad = checks.bad
    skipped = _skips(cols, checks, "Closed Transactions")

    # Broker roll-ups (module doc): both prices 0 can be no real fill.
    pseudo_mask = ~bad & (open_price == 0) & (close_price == 0)
    keep = ~bad & ~pseudo_mask
    pseudo = {
        "ticket": ticket[pseudo_mask].astype("int64"),
        "time": close_time[pseudo_mask],
        "symbol": [s for s, m in zip(d["symbol"], pseudo_mask) if m],
        "title": [t for t, m in zip(d["title"], pseudo_mask) if m],
        "rows": [r for r, m in zip(cols.rows, pseudo_mask) if m],
        **{k: v[pseudo_mask] for k, v in money.items()},
    }

    idx = np.flatnonzero(keep)
    symbols = [d["symbol"][i] for i in idx]
    titles, magics = _comments([d["title"][i] for i in idx], [d["magic"][i] for i in idx])
    roots, suffixes = normalise_many(symbols)
    digits = _digits(cols, d["symbol"], d["open_price"], d["close_price"])[idx]
    distinct = {t: _close_flags(t) for t in dict.fromkeys(titles)}  # titles repeat: once per distinct one
    flags = [distinct[t] for t in titles]
    close_by, stop_out, reason = [f[0] for f in flags], [f[1] for f in flags], [f[2] for f in flags]
    frame = model.trades_frame(
        {
            "account": [login] * len(idx),
            "ticket": ticket[idx].astype("int64"),
            "open_time": open_time[idx],
            "close_time": close_time[idx],
            "side": [d["side"][i] for i in idx],
            "lots": lots[idx],
            "symbol": symbols,
            "symbol_root": roots,
            "symbol_suffix": suffixes,
            "open_price": open_price[idx],
            "close_price": close_price[idx],
            "sl": none_if_zero(sl[idx]),
            "tp": none_if_zero(tp[idx]),
            **{k: v[idx] for k, v in money.items()},
            "comment": titles,
            "magic": pd.array(magics, dtype="Int64"),
            "digits": digits,
            "close_by": close_by,
            "stop_out": stop_out,
            "close_reason": reason,
            "source": [path] * len(idx),
        }
    )
    return frame, pseudo, skipped


def _close_flags(title: str) -> tuple[bool, bool, str]:
    """(close_by, stop_out, close_reason) of a trade from its comment (module doc)."""
    low = title.lower()
    stop_out = bool(_STOP_OUT.search(low))
    m = _REASON.search(low) if not stop_out else None
    return bool(_CLOSE_BY.search(title)), stop_out, "so" if stop_out else (m.group(1) if m else "")


def _open_frame(cols: _Columns, login: str, path: str) -> tuple[pd.DataFrame, list[SkippedRow]]:
    d = cols.data
    n = len(cols)
    ticket = _numbers(d["ticket"])
    open_time = times_array(d["open_time"])  # an array, no Series (issue 14)
    lots = _numbers(d["lots"])
    open_price = _numbers(d["open_price"])
    money = {k: _numbers(d[k]) for k in ("commission", "taxes", "swap", "profit")}
    checks = RowChecks(n, [
        (_bad_ticket(ticket), "ticket"),
        (np.isnat(open_time), "open time"),
        (np.isnan(lots), "size"),
        (~_nonempty(d["symbol"]), "item"),
        (np.isnan(open_price), "open price"),
        *((np.isnan(v), k) for k, v in money.items()),
    ])
    skipped = _skips(cols, checks, "Open Trades")
    idx = np.flatnonzero(checks.ok)
    symbols = [d["symbol"][i] for i in idx]
    roots, suffixes = normalise_many(symbols)
    titles, magics = _comments([d["title"][i] for i in idx], [d["magic"][i] for i in idx])
    frame = model.open_frame(
        {
            "account": [login] * len(idx),
            "ticket": ticket[idx].astype("int64"),
            "open_time": open_time[idx],
            "side": [d["side"][i] for i in idx],
            "lots": lots[idx],
            "symbol": symbols,
            "symbol_root": roots,
            "symbol_suffix": suffixes,
            "open_price": open_price[idx],
            "sl": none_if_zero(_numbers(d["sl"])[idx]),
            "tp": none_if_zero(_numbers(d["tp"])[idx]),
            "market_price": _numbers(d["market_price"])[idx],
            **{k: v[idx] for k, v in money.items()},
            "comment": titles,
            "magic": pd.array(magics, dtype="Int64"),
            "digits": _digits(cols, d["symbol"], d["open_price"], d["market_price"])[idx],
            "source": [path] * len(idx),
        }
    )
    return frame, skipped


def _orders_frame(cols: _Columns, login: str, path: str) -> tuple[pd.DataFrame, list[SkippedRow]]:
    d = cols.data
    n = len(cols)
    ticket = _numbers(d["ticket"])
    open_time = times_array(d["open_time"])  # an array, no Series (issue 14)
    close_time = times_array(d["close_time"])  # an array, no Series (issue 14)
    working = np.array([s == "working" for s in d["state"]], dtype=bool)
    checks = RowChecks(n, [
        (_bad_ticket(ticket), "ticket"),
        (np.isnat(open_time), "open time"),
        (np.isnat(close_time) & ~working, "close time"),
    ])
    skipped = _skips(cols, checks, "Closed Transactions", where=~working)
    skipped += _skips(cols, checks, "Working Orders", where=working)
    idx = np.flatnonzero(checks.ok)
    symbols = [d["symbol"][i] for i in idx]
    roots, suffixes = normalise_many(symbols)
    # Orders keep the whole title as comment ("#5421 deleted [no money]"): there is no magic column.
    frame = model.orders_frame(
        {
            "account": [login] * len(idx),
            "ticket": ticket[idx].astype("int64"),
            "open_time": open_time[idx],
            "close_time": close_time[idx],
            "order_type": [d["order_type"][i] for i in idx],
            "lots": _numbers(d["lots"])[idx],
            "symbol": symbols,
            "symbol_root": roots,
            "symbol_suffix": suffixes,
            "price": _numbers(d["price"])[idx],
            "sl": none_if_zero(_numbers(d["sl"])[idx]),
            "tp": none_if_zero(_numbers(d["tp"])[idx]),
            "state": [d["state"][i] for i in idx],
            "comment": [d["title"][i] for i in idx],
            "source": [path] * len(idx),
        }
    )
    return frame, skipped


def _cash_frame(
    cols: _Columns, pseudo: dict[str, Any], login: str, path: str
) -> tuple[pd.DataFrame, list[SkippedRow]]:
    d = cols.data
    n = len(cols)
    ticket = _numbers(d["ticket"])
    time = times_array(d["time"])  # an array, no Series (issue 14)
    amount = _numbers(d["amount"])
    checks = RowChecks(n, [
        (_bad_ticket(ticket), "ticket"),
        (np.isnat(time), "time"),
        (np.isnan(amount), "amount"),
    ])
    skipped = _skips(cols, checks, "Closed Transactions")
    idx = np.flatnonzero(checks.ok)
    comments = [d["title"][i] for i in idx]
    kinds = [cash.classify(d["type"][i], float(amount[i]), c) for i, c in zip(idx, comments)]
    types = np.array([d["type"][i] for i in idx], dtype=object)

    # Roll-up pseudo-trades: their net effect on the balance.
    p_amount = pseudo["commission"] + pseudo["taxes"] + pseudo["swap"] + pseudo["profit"]
    p_kinds = []
    for a, c in zip(p_amount, pseudo["title"]):
        kind = cash.classify("balance", float(a), c)
        p_kinds.append("adjustment" if kind in ("deposit", "withdrawal") else kind)
    rows = [cols.rows[i] for i in idx] + list(pseudo["rows"])
    frame = model.cash_frame(
        {
            "account": [login] * (len(idx) + len(p_amount)),
            "ticket": np.concatenate([ticket[idx].astype("int64"), pseudo["ticket"]]),
            "time": np.concatenate([time[idx], pseudo["time"]]),
            "kind": kinds + p_kinds,
            "amount": np.concatenate([amount[idx], p_amount]),
            "comment": comments + list(pseudo["title"]),
            "row_type": list(types) + ["roll-up"] * len(p_amount),
            "source": [path] * (len(idx) + len(p_amount)),
        }
    )
    order = np.argsort(np.asarray(rows, dtype="int64"), kind="stable")  # file order
    return frame.iloc[order].reset_index(drop=True), skipped



def _partials(trades: pd.DataFrame, open_positions: pd.DataFrame) -> None:
    """Mark ``to #N`` / ``from #N`` chains (module doc) in place."""
    links: list[tuple[int, int]] = []  # (earlier ticket, later ticket)
    for frame in (trades, open_positions):
        comments = frame["comment"]
        has = np.array(["#" in c for c in comments], dtype=bool)
        for ticket, comment in zip(frame["ticket"].to_numpy()[has], comments.to_numpy()[has]):
            for direction, other in _LINK.findall(comment):
                other = int(other)
                if other >= 2**63:  # not a ticket
                    continue
                links.append((int(ticket), other) if direction == "to" else (other, int(ticket)))
    if not links:
        return
    parent: dict[int, int] = {}

    def root(t: int) -> int:
        while parent.get(t, t) != t:
            parent[t] = parent.get(parent[t], parent[t])
            t = parent[t]
        return t

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            # The chain's first ticket is its smallest: MT4 tickets grow with time.
            lo, hi = (ra, rb) if ra < rb else (rb, ra)
            parent[hi] = lo
            parent.setdefault(lo, lo)
    members = set(parent)
    tickets = trades["ticket"].to_numpy()
    in_chain = np.array([int(t) in members for t in tickets], dtype=bool)
    trades["is_partial"] = in_chain
    trades["partial_group"] = np.array(
        [root(int(t)) if c else int(t) for t, c in zip(tickets, in_chain)], dtype="int64"
    )


# ----------------------------------------------------------------------------- header and totals


#: A heading some terminals print where the broker's name goes (seen: "Un-official Statement"): no broker name.
_NOT_A_BROKER = re.compile(r"^\s*(?:un-?official\s+)?statement\s*$", re.IGNORECASE)


def _account(text: str, cells: list[Cell] | None) -> Account:
    """Login, name, currency, leverage, report time from the header row; broker from the
    20pt line above the table; the ``<title>`` fills in what the header row lacks."""
    account = Account(margin_mode="hedge")
    m = _BROKER.search(text[:20000])
    if m and not _NOT_A_BROKER.match(cell_text(m.group(1))):
        account.broker = cell_text(m.group(1))
    title_login, title_name = "", ""
    tm = _STATEMENT_TITLE.match(title_text(text))
    if tm:
        title_login, title_name = tm.group(1).strip(), tm.group(2).strip()
    cell_login = cell_name = None
    for c in cells or []:
        t = c.text
        if t.startswith("Account:"):
            cell_login = t[len("Account:") :].strip()
        elif t.startswith("Name:"):
            cell_name = t[len("Name:") :].strip()
        elif t.startswith("Currency:"):
            account.currency = t[len("Currency:") :].strip().upper()
        elif t.startswith("Leverage:"):
            lm = _LEVERAGE.search(t)
            account.leverage = int(lm.group(2)) if lm and int(lm.group(1)) == 1 and int(lm.group(2)) > 0 else None
        elif t and account.report_time is None:
            account.report_time = parse_report_time(t)
    if cell_login is None and cells and len(cells) >= 4:
        # A translated header row ("口座番号: 123"...): login, name, currency, [leverage,] report time by position.
        values = [_after_colon(c.text) for c in cells]
        cell_login, cell_name = values[0], values[1]
        currency = values[2].strip().upper()
        account.currency = currency if re.fullmatch(r"[A-Z]{3,6}", currency) else ""
        if len(cells) >= 5:
            lm = _LEVERAGE.search(values[3])
            account.leverage = int(lm.group(2)) if lm and int(lm.group(1)) == 1 and int(lm.group(2)) > 0 else None
        account.report_time = parse_report_time(cells[-1].text)
    account.login = cell_login if cell_login else title_login
    account.name = _pick_name(cell_name or "", title_name)
    return account


def _after_colon(text: str) -> str:
    """The value of a ``Label: value`` cell (ASCII or full-width colon)."""
    m = re.search(r"[:\uff1a]\s*", text)
    return text[m.end():].strip() if m else text.strip()


def _fold(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch)).casefold()


def _pick_name(cell_name: str, title_name: str) -> str:
    """The Name cell, unless the title spells the same name with accents or capitals.

    mt4-detailed-es-demo-heikenashi.htm: cell "Ignacio pena", title "Ignacio Peña".
    """
    if not cell_name:
        return title_name
    if title_name and title_name != cell_name and _fold(title_name) == _fold(cell_name):
        return title_name
    return cell_name


#: Where MetaTrader puts each Summary / Details figure: (row, pair) -> the English label (FORMATS.md 2.6). A
#: translated template keeps the layout, so its figures are read by place when the English labels are missing.
SUMMARY_PLACES = {
    "summary": {(0, 0): "deposit/withdrawal", (0, 1): "credit facility", (1, 0): "closed trade p/l",
                (1, 1): "floating p/l", (1, 2): "margin", (2, 0): "balance", (2, 1): "equity", (2, 2): "free margin"},
    "details": {(0, 0): "gross profit", (0, 1): "gross loss", (0, 2): "total net profit", (3, 0): "total trades"},
}


def _by_place(section: str, rows: list[list[str]], into: dict[str, str]) -> None:
    """Fill ``into`` (label -> value) from the rows' places when the English labels are not there."""
    places = SUMMARY_PLACES[section]
    if any(label in into for label in places.values()):
        return
    numbered = [r for r in rows if sum(1 for t in r if _HEADING.search(t)) >= 1]
    for i, row in enumerate(numbered):
        pairs = [(t, row[k + 1]) for k, t in enumerate(row[:-1]) if _HEADING.search(t)]
        for j, (_, value) in enumerate(pairs):
            name = places.get((i, j))
            if name:
                into[name] = value


def _printed(printed: PrintedTotals, extra: dict[str, Any], pseudo: dict[str, Any], warnings: list[str]) -> None:
    for section in ("summary", "details"):
        rows = extra.pop(f"{section}_rows", None)
        if rows:
            _by_place(section, rows, extra.setdefault(section, {}))
    sub = extra.pop("closed_subtotal", None)
    if sub and len(sub) == 4:
        printed.commission, printed.taxes, printed.swap, printed.profit = (_num(v) for v in sub)
    if "closed_pl" in extra:
        printed.closed_pl = _num(extra.pop("closed_pl"))
    for section in ("summary", "details"):
        values = extra.get(section, {})
        for label, field_name in SUMMARY_FIELDS.items():
            if label in values:
                setattr(printed, field_name, _num(values[label]))
    details = extra.get("details", {})
    if "total trades" in details:
        value = _num(details["total trades"])
        printed.trades = None if value is None else int(value)
    if "floating_pl" in extra:
        extra["floating_pl"] = _num(extra["floating_pl"])
    if "open_subtotal" in extra:
        extra["open_subtotal"] = [_num(v) for v in extra["open_subtotal"]]
    printed.extra.update(extra)

    count = len(pseudo["ticket"])
    if count:
        adjust = {k: float(pseudo[k].sum()) for k in ("commission", "taxes", "swap", "profit")}
        net = sum(adjust.values())
        adjust["closed_pl"] = net
        adjust["total_net_profit"] = net
        adjust["trades"] = float(count)
        symbols = sorted(set(pseudo["symbol"]))
        cause = (
            f"{count} broker roll-up rows (Item {', '.join(symbols)}, prices 0) are counted in the report's totals "
            "but imported as cash events, not trades"
        )
        printed.extra["adjust"] = adjust
        printed.extra["causes"] = dict.fromkeys(adjust, cause)
        warnings.append(
            f"{count} rows with Item {', '.join(repr(s) for s in symbols)} and prices 0 are broker roll-ups "
            f"(e.g. {pseudo['title'][0]!r}), not trades: imported as cash events totalling {_fmt(net)} "
            f"(commission {_fmt(adjust['commission'])}, swap {_fmt(adjust['swap'])}, profit {_fmt(adjust['profit'])}). "
            "The report's printed totals include them; reconciliation accounts for that."
        )


def _check_totals(statement: Statement, pseudo: dict[str, Any]) -> None:
    """Like-for-like checks of the printed totals the reconciler does not compare, and a cause
    plus a warning for every difference :func:`reconcile.reconcile` will report.

    What the samples show the report counts: the subtotal row and ``Closed P/L`` sum the
    buy/sell rows (balance/credit rows excluded, Alpari roll-ups included); ``Total Net
    Profit`` = ``Closed P/L``; ``Total Trades`` counts the same rows; ``Gross Profit`` /
    ``Gross Loss`` sum the positive / negative per-row commission + taxes + swap + profit;
    ``Deposit/Withdrawal`` sums the ``balance`` rows and ``Credit Facility`` the ``credit``
    rows. ``Balance`` is the account's balance at report time, which differs from the rows
    when the statement covers a custom period: reconcile.reconcile_cash decides what that difference is.
    """
    printed, warnings = statement.printed, statement.warnings
    tol = MONEY_TOLERANCE
    t = statement.trades
    net = (t["commission"] + t["taxes"] + t["swap"] + t["profit"]).to_numpy()
    p_net = pseudo["commission"] + pseudo["taxes"] + pseudo["swap"] + pseudo["profit"]
    net = np.concatenate([net, p_net])
    # Deposit/Withdrawal and Credit Facility are compared by reconcile (the cash reconciliation, issue 11).
    checks = (
        ("Gross Profit", printed.gross_profit, float(net[net > 0].sum()), "the winning trades"),
        ("Gross Loss", printed.gross_loss, float(-net[net < 0].sum()), "the losing trades"),
    )
    for label, value, mine, what in checks:
        if value is not None and abs(value - mine) > tol + 1e-9:
            warnings.append(
                f"The report prints {label} {_fmt(value)}, but {what} add up to {_fmt(mine)}; "
                "the file may be incomplete or edited."
            )

    # The report's own figures must agree with each other; when they do not, the file was
    # changed after MetaTrader wrote it and no import can match all of them.
    figures = {}
    if None not in (printed.commission, printed.taxes, printed.swap, printed.profit):
        figures["the subtotal row (commission + taxes + swap + profit)"] = (
            printed.commission + printed.taxes + printed.swap + printed.profit  # type: ignore[operator]
        )
    if printed.closed_pl is not None:
        figures["Closed P/L"] = printed.closed_pl
    summary_pl = _num(printed.extra.get("summary", {}).get("closed trade p/l"))
    if summary_pl is not None:
        figures["Summary 'Closed Trade P/L'"] = summary_pl
    if printed.total_net_profit is not None:
        figures["Total Net Profit"] = printed.total_net_profit
    contradiction = ""
    if figures and max(figures.values()) - min(figures.values()) > tol:
        contradiction = (
            "the report's own totals contradict each other ("
            + ", ".join(f"{k} {_fmt(v)}" for k, v in figures.items())
            + "), so the file was edited after MetaTrader wrote it; the import keeps the rows as printed"
        )
    lost = [s for s in statement.skipped if s.section == "Closed Transactions"]
    causes: dict[str, str] = printed.extra.setdefault("causes", {})
    result = reconcile(statement)
    warnings.extend(result.cash.notes)  # e.g. the opening balance of a statement of part of the history
    for name, diff in result.differences.items():
        cause = diff.cause
        if cause == CASH_CAUSES.get(name) and lost:
            cause = ""  # the rows that could not be read are the better explanation
        if not cause and contradiction:
            cause = contradiction
        elif not cause and lost:
            cause = f"{len(lost)} Closed Transactions rows could not be read and are missing from the import"
        if cause:
            causes[name] = cause
        # "Reconciliation: <field> imported ": the prefix report.json_summary knows a difference's warning by.
        label = f" {CASH_LABELS[name]}" if name in CASH_LABELS else ""
        warnings.append(
            f"Reconciliation: {name} imported {_fmt(diff.imported)}, the report prints{label} {_fmt(diff.printed)} ("
            + (cause or "cause unknown; please report this file")
            + ")."
        )
    if not causes:
        printed.extra.pop("causes")


def _fmt(value: float) -> str:
    return money_text(value)  # the one money formatter (issue 10): "-348 604.00"


def _num(value: Any) -> float | None:
    number = parse_number(clean(str(value)))
    return None if number != number else number
