"""CSV trade lists written by EAs, scripts, broker portals and journals (`,` `;` or tab).

Columns are found by header synonyms (case, spaces and punctuation ignored) or by a
user-supplied mapping ``{canonical column: header in the file}``. MetaTrader itself has
no CSV history export (FORMATS.md 6), so anything goes: numeric types 0/1 (OP_BUY/OP_SELL),
ISO, MetaTrader, day/month/year or month/day/year dates (the dates decide which; 12-hour times too),
decimal commas in `;`-separated files (and in tab or `|` files whose numbers say so), thousands commas,
currency signs and accounting negatives in money, pending orders as orders.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from fxcost import model, safeio
from fxcost.errors import CsvColumnsUnknown, ImportFailed, clip
from fxcost.importers import cash
from fxcost.importers.frames import mapped_columns, match_synonyms, none_if_zero
from fxcost.importers.text import decode, parse_numbers
from fxcost.model import Account, SkippedRow, Statement
from fxcost.symbols import normalise_many

#: Canonical column -> header synonyms, normalised (lower case, letters and digits only).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "ticket": ("ticket", "order", "orderid", "ticketid", "position", "positionid", "id", "deal", "no", "", "nr",
               "ticketno", "orderno", "dealno", "dealid", "positionno", "tradeid", "tradeno"),
    "open_time": ("opentime", "timeopen", "opendate", "entrytime", "opentimestamp", "open", "dateopen", "entrydate",
                  "opened", "openedat", "opening", "openingtime"),
    "close_time": ("closetime", "timeclose", "closedate", "exittime", "closetimestamp", "close", "dateclose", "exitdate",
                   "closed", "closedat", "closing", "closingtime"),
    "side": ("type", "side", "direction", "action", "cmd", "ordertype", "buysell"),
    "lots": ("lots", "volume", "size", "lot", "quantity", "qty", "lotsize", "volumelots", "sizelots", "volumelot")
    # Issue 15: journal exports' headers (Myfxbook "Units/Lots", Edgewonk "Position size", others "Trade size").
    + ("unitslots", "lotsunits", "positionsize", "tradesize"),
    "symbol": ("symbol", "item", "instrument", "pair", "market", "asset", "ticker"),
    "open_price": ("openprice", "priceopen", "entryprice", "entry", "price"),
    "close_price": ("closeprice", "priceclose", "exitprice", "exit", "price2", "price1"),
    "sl": ("sl", "stoploss", "s/l"),
    "tp": ("tp", "takeprofit", "t/p"),
    "commission": ("commission", "commissions", "comm"),
    "taxes": ("taxes", "tax", "fee", "fees"),
    "swap": ("swap", "swaps", "rollover", "storage"),
    "profit": ("profit", "pl", "pnl", "profitloss", "grossprofit", "result", "grosspl", "grosspnl")
    + ("netpl", "netpnl", "netprofit", "netprofitloss", "netresult"),
    "comment": ("comment", "comments", "note", "notes"),
    "magic": ("magic", "magicnumber", "expert", "eaid"),
    "status": ("status", "state"),
    "currency": ("currency", "ccy", "accountcurrency", "depositcurrency", "profitcurrency"),
    "login": ("login", "account", "accountno", "accountnumber", "accountid", "acct", "loginid", "accountlogin"),
}

#: Profit headers that name a profit *after* costs: commission and fees columns are then inside it.
NET_PROFIT = ("netpl", "netpnl", "netprofit", "netprofitloss", "netresult")

#: Fee headers that mean commission when the file has no commission column (journals call commission "Fees").
_FEES = ("fee", "fees")

#: How to write dates fxcost reads, quoted when a date cannot be read.
DATE_HELP = ("fxcost reads dates such as 2024-01-31 14:05:00 (ISO), 2024.01.31 14:05 (MetaTrader), 31.01.2024 14:05, "
             "31/01/2024 14:05 or 01/31/2024 2:05 PM (seconds optional), and Unix seconds. Format the date "
             "columns as ISO dates (yyyy-mm-dd hh:mm:ss) in the spreadsheet and save the CSV again.")

#: The warning of a CSV import that was not given the account currency and has no currency column.
CURRENCY_UNKNOWN = ("The CSV file does not say the account's currency: its money is taken as USD. If the account is in "
                    "another currency, amounts converted to USD (cost per million, merged totals) are wrong: choose "
                    "the currency with the link under the file in the app's Import tab (on the command line: --currency EUR, "
                    "for example).")

#: Charges that may be left empty (none charged) but not written unreadable.
_MONEY_EXTRA = ("commission", "taxes", "swap")

#: Columns a CSV must have for fxcost to compute anything.
REQUIRED = ("open_time", "close_time", "side", "lots", "symbol", "profit")

#: A date (year first, or year last as day/month or month/day) with an optional 24- or 12-hour time.
#: No two runs of spaces may take turns at the same spaces (issue 13: "2024-01-02" + 8,000 spaces took 1.7 s).
_DATE_RE = (r"^(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2})"
            r"(?:(?:\s*[T,]\s*|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
            r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?)?\s*Z?$")

_EARLIEST, _LATEST = pd.Timestamp("1970-01-01"), pd.Timestamp("2200-01-01")
_SIDE_VALUES = {"buy": "buy", "sell": "sell", "0": "buy", "1": "sell", "long": "buy", "short": "sell", "b": "buy", "s": "sell"}
#: Pending order types (letters only): orders, not trades.
_PENDING = {f"{side}{kind}" for side in ("buy", "sell") for kind in ("limit", "stop", "stoplimit")}
_CASH_TYPES = ("balance", "deposit", "withdrawal", "credit", "bonus", "transfer", "rebate", "commission", "charge")


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower().replace("#", "no"))


def is_trade_header(line: str) -> bool:
    """Whether one line reads as the header of a trade table (three or more known columns)."""
    known = {s for synonyms in SYNONYMS.values() for s in synonyms if s}
    return max(sum(_key(cell) in known for cell in line.split(sep)) for sep in (",", ";", "\t", "|")) >= 3


def column_proposal(path: str) -> tuple[list[str], dict[str, str]]:
    """The header cells of a CSV file and the columns fxcost finds among them by synonym (canonical -> header),
    for a user to complete when a required column is missing (the app's column-mapping dialog)."""
    try:
        safeio.regular(path)  # a pipe would block the dialog forever (issue 13)
    except safeio.FileRefused as exc:
        raise ImportFailed(path, str(exc)) from exc
    with open(path, "rb") as fh:
        head = decode(fh.read(256 * 1024))
    headers = list(_table(head, path, nrows=0)[0].columns)
    return headers, _map_columns(headers, None, path)


def _table(text: str, path: str, nrows: int | None = None) -> tuple[pd.DataFrame, str]:
    """The CSV as a frame of text cells, with the separator it uses (``nrows=0``: the header alone)."""
    text = text.lstrip("\ufeff")
    sep = _sniff(text)
    try:
        with warnings.catch_warnings():
            # A row with one field too many is cut to the header's width (index_col=False keeps
            # pandas from turning column 1 into an index); the row then fails validation and is
            # listed as skipped, or it only had a trailing separator. pandas warns about the cut.
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            raw = pd.read_csv(
                io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True,
                on_bad_lines="skip", index_col=False, nrows=nrows,
            )
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise ImportFailed(path, f"The CSV file cannot be parsed: {exc}. Check that it is a plain comma-, "
                           "semicolon- or tab-separated table with one header row.") from exc
    raw.columns = [str(c).strip() for c in raw.columns]  # "  DEAL#" is the column a user calls "DEAL#"
    # A separator at the end of each line gives pandas an empty, nameless last column: not the user's data.
    blank = [c for c in raw.columns if str(c).startswith("Unnamed: ") and not raw[c].str.strip().any()]
    return raw.drop(columns=blank), sep


def read(text: str, path: str, mapping: Mapping[str, str] | None = None, currency: str | None = None,
         date_order: str | None = None) -> Statement:
    """Read a CSV trade list. ``mapping`` overrides or supplies columns: canonical -> header.

    ``date_order`` ("dmy" or "mdy") says how year-last dates such as 01/03/2024 are written; without it
    the dates themselves decide (and an ambiguous choice is warned about).

    ``currency`` is the account currency (a CSV prints none); without it, a currency column holding one code
    names it, else the money is taken as USD with a warning.
    """
    raw, sep = _table(text, path)
    columns = _map_columns(list(raw.columns), mapping, path)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        found = ", ".join(repr(_shown(c, raw.columns)) for c in raw.columns[:20])
        raise CsvColumnsUnknown(
            path,
            f"The CSV file has no column for {', '.join(missing)}. Columns found: {found}. "
            "Rename those columns in the file's first line (e.g. 'Open Time', 'Close Time', 'Type', 'Lots', "
            "'Symbol', 'Profit'), or give fxcost a column mapping (the app asks for one; on the command line: "
            "--csv-map open_time=\"Time\" ...).",
            missing,
        )
    n = len(raw)
    col = {name: raw[header].astype(str).str.strip() for name, header in columns.items()}
    lines = np.arange(n) + 2  # header is line 1
    skipped: list[SkippedRow] = []
    notes: list[str] = []

    side_text = col["side"].str.lower()
    decimal_comma = _decimal_comma(sep, col)
    num = {name: _numbers(col[name], decimal_comma, name in _SIZES) for name in
           ("lots", "open_price", "close_price", "sl", "tp", "commission", "taxes", "swap", "profit", "ticket", "magic")
           if name in col}
    open_time, close_time, date_note = _read_times(col["open_time"], col["close_time"], date_order)
    if date_note:
        notes.append(date_note)

    is_cash = side_text.isin(_CASH_TYPES)
    side = side_text.map(_SIDE_VALUES)
    is_pending = side_text.str.replace(r"[^a-z]", "", regex=True).isin(_PENDING) & ~is_cash
    status = col.get("status", pd.Series([""] * n)).str.lower()
    # A pending order that was filled is a trade: its status says so, or it made or lost money.
    filled = is_pending & (status.isin(_FILLED) | pd.Series(np.isfinite(num["profit"]) & (num["profit"] != 0)))
    if filled.any():
        side = side.where(~filled, side_text.str.split().str[0].map(_SIDE_VALUES))
        is_pending = is_pending & ~filled
    is_open = (status == "open") | ((close_time.isna()) & (col["close_time"] == "")) & ~is_cash
    valid_trade = side.notna() & ~is_cash & open_time.notna() & np.isfinite(num["lots"]) & np.isfinite(num["profit"])
    for name in _MONEY_EXTRA:  # a charge written but unreadable ("NaN", "n/a") is not a charge of 0 (issue 13)
        if name in num:
            valid_trade &= ~((col[name] != "") & ~np.isfinite(num[name]))
    is_trade = valid_trade & ~is_open & close_time.notna()

    for name in ("commission", "taxes"):  # charges printed as positive amounts (MetaTrader books them negative)
        values = num.get(name)
        if values is not None and (values[np.isfinite(values)] > 0).any() and not (values < 0).any():
            num[name] = -values
            notes.append(f"The {_shown(columns[name], raw.columns)!r} column holds only positive amounts: they are "
                         "taken as charges (negative, as MetaTrader books them).")
    if "profit" in columns and _key(columns["profit"]) in NET_PROFIT and ({"commission", "taxes"} & set(num)):
        inside = np.nan_to_num(num.get("commission", 0.0)) + np.nan_to_num(num.get("taxes", 0.0))
        num["profit"] = np.where(is_cash.to_numpy(), num["profit"], num["profit"] - inside)
        fees = " and ".join(repr(_shown(columns[c], raw.columns)) for c in ("commission", "taxes") if c in num)
        notes.append(f"The profit column {_shown(columns['profit'], raw.columns)!r} is a net profit: {fees} are "
                     "taken as already inside it, so fxcost adds them back to get the profit before costs and does "
                     "not subtract them twice (swap is still counted on its own). If that column is the profit "
                     "before fees, rename it 'Profit'.")
    pending = (is_pending & (open_time.notna() | close_time.notna())).to_numpy()
    orders = _orders(pending, col, side_text, status, open_time, close_time, num, _tickets(num, lines), path)
    if pending.any():
        kinds = ", ".join(sorted(set(side_text[pending])))
        notes.append(f"{int(pending.sum())} CSV row(s) are pending orders ({kinds}), not trades: they are counted as "
                     "cancelled or working orders and not costed.")
    for i in np.flatnonzero(~(is_trade | is_cash | (is_open & valid_trade) | pending)):
        skipped.append(SkippedRow("CSV", int(lines[i]), _reason(raw.iloc[i], columns, side, open_time, close_time, num, i),
                                  sep.join(raw.iloc[i].astype(str))[:120]))
    if skipped:
        notes.append(f"{len(skipped)} CSV row(s) could not be read and were skipped (listed with their reasons).")
    date_problem = any("is not a date" in s.reason for s in skipped)
    if date_problem:
        notes.append(DATE_HELP)

    tickets = _tickets(num, lines)
    symbols = col["symbol"].tolist()
    roots, suffixes = normalise_many(symbols)
    digits = _digits(col, "open_price", "close_price", symbols, decimal_comma)

    def take(mask: pd.Series, values) -> list:
        return list(np.asarray(values, dtype=object)[mask.to_numpy()])

    def money(name: str) -> np.ndarray:
        return num[name] if name in num else np.zeros(n)

    trade_cols = {
        "ticket": np.asarray(tickets)[is_trade.to_numpy()].astype("int64"),
        "open_time": open_time[is_trade].to_numpy(),
        "close_time": close_time[is_trade].to_numpy(),
        "side": take(is_trade, side),
        "lots": num["lots"][is_trade.to_numpy()],
        "symbol": take(is_trade, symbols),
        "symbol_root": take(is_trade, roots),
        "symbol_suffix": take(is_trade, suffixes),
        "open_price": num.get("open_price", np.full(n, np.nan))[is_trade.to_numpy()],
        "close_price": num.get("close_price", np.full(n, np.nan))[is_trade.to_numpy()],
        "sl": none_if_zero(num.get("sl", np.full(n, np.nan)))[is_trade.to_numpy()],
        "tp": none_if_zero(num.get("tp", np.full(n, np.nan)))[is_trade.to_numpy()],
        "commission": np.nan_to_num(money("commission"))[is_trade.to_numpy()],
        "taxes": np.nan_to_num(money("taxes"))[is_trade.to_numpy()],
        "swap": np.nan_to_num(money("swap"))[is_trade.to_numpy()],
        "profit": num["profit"][is_trade.to_numpy()],
        "comment": take(is_trade, col.get("comment", pd.Series([""] * n))),
        "digits": digits[is_trade.to_numpy()],
        "source": [path] * int(is_trade.sum()),
    }
    if "magic" in num:
        magic = num["magic"][is_trade.to_numpy()]
        trade_cols["magic"] = pd.array([int(m) if np.isfinite(m) else pd.NA for m in magic], dtype="Int64")
    trades = model.trades_frame(trade_cols)
    comments = trades["comment"].str.lower()
    trades["close_reason"] = np.select(
        [comments.str.contains(r"\[sl|\bsl\b", regex=True), comments.str.contains(r"\[tp|\btp\b", regex=True),
         comments.str.contains(r"\[so|so:", regex=True)], ["sl", "tp", "so"], "")
    trades["stop_out"] = trades["close_reason"] == "so"

    om = (is_open & valid_trade).to_numpy()
    open_positions = model.open_frame({
        "ticket": np.asarray(tickets)[om].astype("int64"),
        "open_time": open_time[om].to_numpy(),
        "side": list(side[om]),
        "lots": num["lots"][om],
        "symbol": list(np.asarray(symbols, dtype=object)[om]),
        "symbol_root": list(np.asarray(roots, dtype=object)[om]),
        "symbol_suffix": list(np.asarray(suffixes, dtype=object)[om]),
        "open_price": num.get("open_price", np.full(n, np.nan))[om],
        "market_price": num.get("close_price", np.full(n, np.nan))[om],
        "commission": np.nan_to_num(money("commission"))[om],
        "swap": np.nan_to_num(money("swap"))[om],
        "profit": np.nan_to_num(num["profit"])[om],
        "digits": digits[om],
        "source": [path] * int(om.sum()),
    })

    cm = is_cash.to_numpy()
    amounts = np.nan_to_num(num["profit"][cm])
    cash_comments = list(col.get("comment", pd.Series([""] * n))[is_cash])
    kinds = [cash.classify(t, a, c) for t, a, c in zip(side_text[is_cash], amounts, cash_comments)]
    cash_events = model.cash_frame({
        "ticket": np.asarray(tickets)[cm].astype("int64"),
        "time": open_time.where(open_time.notna(), close_time)[is_cash].to_numpy(),
        "kind": kinds,
        "amount": amounts,
        "comment": cash_comments,
        "source": [path] * int(cm.sum()),
    })

    if len(trades) == 0 and len(open_positions) == 0 and len(cash_events) == 0 and len(orders) == 0:
        raise ImportFailed(
            path,
            f"No trade could be read from this CSV file ({n} data rows; first problem: "
            f"{skipped[0] if skipped else 'the file has a header but no rows'})."
            + (" " + DATE_HELP if date_problem else ""),
        )
    if "commission" not in columns and "swap" not in columns:
        notes.append("The CSV has no commission or swap columns: they are taken as 0.")
    if "ticket" not in columns:
        notes.append("The CSV has no ticket column: trades are numbered by their line in the file.")
    in_file = _currency_column(col.get("currency"), notes)
    if currency and in_file and in_file != currency.upper():
        notes.append(f"The CSV's currency column says {in_file}, but {currency.upper()} was given as the account "
                     f"currency: {currency.upper()} is used.")
    account = Account(source_format="csv", currency=(currency or in_file).upper())
    if not account.currency:
        notes.append(CURRENCY_UNKNOWN)
    if "login" in col:  # a journal of several accounts: each row says whose it is (the pipeline splits them)
        logins = col["login"].str.strip().to_numpy(dtype=object)
        for frame, rows in ((trades, is_trade.to_numpy()), (open_positions, om), (cash_events, cm), (orders, pending)):
            if len(frame):
                frame["account"] = logins[rows]
        distinct = sorted({x for x in logins if x})
        if len(distinct) == 1:
            account.login = distinct[0]
        elif distinct:
            notes.append(f"The CSV holds {len(distinct)} accounts ({', '.join(distinct[:5])}"
                         f"{', ...' if len(distinct) > 5 else ''}): each is imported as its own account.")
    return Statement(path=path, format="csv", account=account, trades=trades, open_positions=open_positions,
                     orders=orders, cash=cash_events, warnings=notes, skipped=skipped)


def _tickets(num: dict[str, np.ndarray], lines: np.ndarray) -> np.ndarray:
    """The ticket column, with a row's line number where it has none."""
    tickets = num.get("ticket")
    if tickets is None:
        return lines.astype(float)
    return np.where(np.isfinite(tickets), tickets, lines)


def _orders(mask: np.ndarray, col: dict[str, pd.Series], side_text: pd.Series, status: pd.Series,
            open_time: pd.Series, close_time: pd.Series, num: dict[str, np.ndarray], tickets: np.ndarray,
            path: str) -> pd.DataFrame:
    """Pending-order rows (buy limit, sell stop, ...) as cancelled or working orders."""
    n = len(mask)
    symbols = list(col["symbol"][mask])
    roots, suffixes = normalise_many(symbols)
    states = status[mask].str.replace("canceled", "cancelled", regex=False)
    closed = close_time[mask].notna()
    known = states.isin(("cancelled", "deleted", "expired", "rejected", "working"))
    state = states.where(known, np.where(closed, "cancelled", "working"))
    nan = np.full(n, np.nan)
    return model.orders_frame({
        "ticket": tickets[mask].astype("int64"),
        "open_time": open_time.where(open_time.notna(), close_time)[mask].to_numpy(),
        "close_time": close_time[mask].to_numpy(),
        "order_type": list(side_text[mask].str.replace(r"\s+", " ", regex=True)),
        "lots": num["lots"][mask],
        "symbol": symbols,
        "symbol_root": roots,
        "symbol_suffix": suffixes,
        "price": num.get("open_price", nan)[mask],
        "sl": none_if_zero(num.get("sl", nan))[mask],
        "tp": none_if_zero(num.get("tp", nan))[mask],
        "state": list(state),
        "comment": list(col.get("comment", pd.Series([""] * n))[mask]),
        "source": [path] * int(mask.sum()),
    })


def _shown(header: str, headers) -> str:
    """A column's name as the file prints it: pandas calls a second 'Price' column 'Price.1'."""
    m = re.fullmatch(r"(.*)\.\d+", header)
    return m.group(1) if m and m.group(1) in set(headers) else header


#: Characters looked at to tell a CSV and its separator (the first records are all it takes).
PROBE_CHARS = 200_000
_QUOTED = re.compile(r'"[^"]*"')


def records(text: str, n: int) -> list[str]:
    """The first ``n`` non-blank records of a CSV text, each with its quoted fields emptied (``""``).

    A quoted field may hold line breaks (journal notes: issue 13), so a record ends only at a line break outside
    quotes, and separators inside quotes do not count. Only the first PROBE_CHARS characters are looked at."""
    out: list[str] = []
    cur: list[str] = []
    quotes = 0
    lines = text[:PROBE_CHARS].splitlines()
    if len(text) > PROBE_CHARS and len(lines) > 1:
        lines.pop()  # cut short by the probe: not a whole record
    for line in lines:
        cur.append(line)
        quotes += line.count('"')
        if quotes % 2 == 0:
            record = _QUOTED.sub('""', "\n".join(cur))
            cur, quotes = [], 0
            if record.strip():
                out.append(record)
                if len(out) >= n:
                    break
    if cur and len(out) < n:
        out.append(_QUOTED.sub('""', "\n".join(cur)))
    return out


def _sniff(text: str) -> str:
    lines = records(text, 30)
    best, best_score = ",", -1
    for sep in (",", ";", "\t", "|"):
        counts = [ln.count(sep) for ln in lines]
        if not counts or counts[0] == 0:
            continue
        score = sum(1 for c in counts if c == counts[0]) * 10 + counts[0]
        if score > best_score:
            best, best_score = sep, score
    return best


def _currency_column(values: pd.Series | None, notes: list[str]) -> str:
    """The account currency from a currency column: its one code, or '' (with a note when it holds several)."""
    if values is None:
        return ""
    codes = {v.upper() for v in values if v}
    if len(codes) == 1 and (code := codes.pop()).isalpha() and (len(code) == 3 or code in model.CENT_CURRENCIES):
        return code
    if codes:
        notes.append(f"The CSV's currency column holds {len(codes)} different values "
                     f"({', '.join(sorted(codes)[:5])}); it does not name one account currency.")
    return ""


def _map_columns(headers: list[str], mapping: Mapping[str, str] | None, path: str) -> dict[str, str]:
    mapping = dict(mapping or {})
    columns = mapped_columns(headers, mapping, SYNONYMS, path, "CSV")
    used = set(columns.values())
    keys = [_key(h) for h in headers]
    # Two "Price" columns (open then close), as in MetaTrader's own tables.
    price_idx = [i for i, k in enumerate(keys) if k == "price"]
    if len(price_idx) >= 2:
        columns.setdefault("open_price", headers[price_idx[0]])
        columns.setdefault("close_price", headers[price_idx[1]])
        used.update(headers[i] for i in price_idx[:2])
    match_synonyms(columns, headers, keys, SYNONYMS, used)
    # Journals call their commission "Fees": with no commission column, that is what it is.
    if "commission" not in columns and "taxes" not in mapping and _key(columns.get("taxes", "?")) in _FEES:
        columns["commission"] = columns.pop("taxes")
    return columns


#: How the warning about day/month dates that read both ways begins (the app offers the other reading on it).
AMBIGUOUS_DATES = "The CSV's dates are ambiguous:"
#: The two readings of such dates, by their ``date_order`` name.
DATE_ORDERS = {"dmy": "day/month/year", "mdy": "month/day/year"}

#: Statuses of a pending-order row that was filled (the row is then a trade).
_FILLED = frozenset({"filled", "closed", "executed", "done"})

#: Columns of sizes and prices: "147,123" there is a price with a decimal comma sooner than 147 thousand.
_SIZES = frozenset({"lots", "open_price", "close_price", "sl", "tp"})


def _numbers(values: pd.Series, decimal_comma: bool, sizes: bool = False) -> np.ndarray:
    """A column's numbers; ``sizes`` (lots, prices) take thousands commas only before a decimal point."""
    if decimal_comma:
        # European spreadsheets: "1.234,56", "-0,35" or "12,50 €" (dots are then thousands separators).
        mask = values.str.fullmatch(r"[^,]*\d,\d+[^\d,.]*").fillna(False)
        fixed = values.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        values = values.where(~mask, fixed)
    return parse_numbers(values, thousands_need_point=sizes)


def _decimal_comma(sep: str, col: dict[str, pd.Series]) -> bool:
    """Whether the file's numbers use a decimal comma: always in ';' files, never in ',' files (a comma there is
    a thousands separator, as in "1,275.00"), and in tab or '|' files when more cells say so than not."""
    if sep in (";", ","):
        return sep == ";"
    cells = pd.concat([col[c] for c in ("lots", "open_price", "close_price", "commission", "taxes", "swap", "profit")
                       if c in col], ignore_index=True)
    comma = cells.str.contains(r"\d,(?:\d{1,2}|\d{4,})(?:[^\d,.]*)$|\d\.\d{3},\d", regex=True).sum()
    dot = cells.str.contains(r"^[^,]*\d\.(?:\d{1,2}|\d{4,})(?:[^\d,.]*)$|\d,\d{3}\.\d", regex=True).sum()
    return bool(comma > dot)


def _date_parts(values: pd.Series) -> pd.DataFrame:
    """The numeric parts of each date cell (NaN where a cell is no date of :data:`_DATE_RE`)."""
    parts = values.str.strip().str.extract(_DATE_RE)
    out = pd.DataFrame({k: pd.to_numeric(parts[k], errors="coerce") for k in ("a", "b", "c", "H", "M", "S")})
    out["ymd"] = parts["a"].str.len() == 4
    out["dots"] = parts["sep"] == "."
    ampm = parts["ampm"].fillna("").str.lower().str[:1]
    hour = out["H"].fillna(0)
    # 12-hour clock: 12 AM is midnight, 12 PM noon; "13:00 PM" or "0:15 AM" is no time.
    bad_12h = (ampm != "") & ((hour > 12) | (hour < 1))
    hour = np.where(ampm == "p", hour % 12 + 12, np.where(ampm == "a", hour % 12, hour))
    out["hour"] = np.where(bad_12h, np.nan, hour)
    out["ampm"] = ampm != ""
    return out


def _compose(parts: pd.DataFrame, day_first: bool) -> pd.Series:
    ymd = parts["ymd"]
    year_last = parts["c"].where(parts["c"] >= 100, parts["c"] + 2000)
    first, second = (parts["a"], parts["b"]) if day_first else (parts["b"], parts["a"])
    frame = pd.DataFrame({
        "year": parts["a"].where(ymd, year_last),
        "month": parts["b"].where(ymd, second),
        "day": parts["c"].where(ymd, first),
        "hour": parts["hour"], "minute": parts["M"].fillna(0), "second": parts["S"].fillna(0),
    })
    # A year-last cell has at most two digits in front; "2024/01/31" has four, "123/1/2024" is no date.
    frame.loc[~ymd & (parts["a"] > 31), "year"] = np.nan
    frame.loc[ymd & (parts["c"] > 31), "year"] = np.nan
    valid = frame.notna().all(axis=1)
    if not valid.any():
        return pd.Series(pd.NaT, index=parts.index, dtype="datetime64[ns]")
    parsed = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[ns]")
    stamps = pd.to_datetime(frame[valid].astype("int64"), errors="coerce")
    # Years a trade history cannot hold ("0-01-05" from a mangled cell) would overflow ns.
    stamps = stamps.where((stamps >= _EARLIEST) & (stamps < _LATEST))
    parsed[valid] = stamps.astype("datetime64[ns]")
    return parsed


def _epoch(values: pd.Series, parsed: pd.Series) -> pd.Series:
    """Epoch seconds (MQL datetime as an integer) when no cell of the column is a printed date."""
    text = values.str.strip()
    nonempty = text != ""
    if parsed.notna().any() or not nonempty.any() or not text[nonempty].str.fullmatch(r"\d{9,10}").all():
        return parsed
    return pd.to_datetime(pd.to_numeric(text.where(nonempty), errors="coerce"), unit="s").astype("datetime64[ns]")


def _read_times(opened: pd.Series, closed: pd.Series, date_order: str | None = None
                ) -> tuple[pd.Series, pd.Series, str]:
    """Open and close times read with one day/month order for both columns, and a warning ('' for none).

    Year-last dates are day/month/year when a first field is over 12, month/day/year when a second one is;
    when every date fits both, the reading under which trades close after they open with the shortest holds
    (then: the fewest weekend dates) wins, and the warning says the dates were ambiguous.
    """
    p_open, p_close = _date_parts(opened), _date_parts(closed)
    both = pd.concat([p_open, p_close], ignore_index=True)
    year_last = both[~both["ymd"] & both["a"].notna()]
    day_first_votes = int((year_last["a"] > 12).sum())
    month_first_votes = int((year_last["b"] > 12).sum())
    note = ""
    if date_order in ("dmy", "mdy"):
        day_first = date_order == "dmy"
    elif day_first_votes or month_first_votes:
        day_first = day_first_votes >= month_first_votes
    else:
        day_first = True
        differs = year_last["a"] != year_last["b"]
        if differs.any() and not year_last["dots"].all():  # 31.01.2024: dots are day-first by convention
            readings = {}
            for first in (True, False):
                o, c = _compose(p_open, first), _compose(p_close, first)
                hold = (c - o).dropna()
                weekend = sum(int((t.dropna().dt.day_of_week == 5).sum()) for t in (o, c))  # no FX trades on Saturday
                us_clock = first and bool(both["ampm"].any())  # 12-hour times go with month/day/year dates
                readings[first] = (int((hold < pd.Timedelta(0)).sum()), hold.clip(lower=pd.Timedelta(0)).sum(), weekend,
                                   us_clock)
            day_first = readings[True] <= readings[False]
            texts = pd.concat([opened, closed], ignore_index=True).str.strip()
            example = texts[~both["ymd"] & both["a"].notna() & (both["a"] != both["b"])].iloc[0]
            sample = _compose(_date_parts(pd.Series([example])), day_first).iloc[0]
            sample = f"{sample:%d %B %Y}" if pd.notna(sample) else "the other date"
            chosen, other = ("day/month/year", "month/day/year") if day_first else ("month/day/year", "day/month/year")
            if readings[True][:2] != readings[False][:2]:
                why = "it is the reading under which every trade closes after it opens, with the shorter holds"
            elif readings[True][2] != readings[False][2]:
                why = "the other reading puts more trades on Saturdays"
            elif readings[True][3]:
                why = "the times use AM/PM, as month/day/year dates usually do"
            else:
                why = "no trade tells the two apart"
            note = (f"{AMBIGUOUS_DATES} every one (e.g. {example!r}) fits both "
                    f"day/month/year and month/day/year. fxcost read them as {chosen} ({why}), so "
                    f"{example!r} is {sample}. If they are {other}, the trades' dates and "
                    "holds are wrong: format the date columns as ISO dates (yyyy-mm-dd hh:mm:ss) and save the "
                    "CSV again (on the command line: --csv-dates dmy or mdy).")
    open_time = _epoch(opened, _compose(p_open, day_first))
    close_time = _epoch(closed, _compose(p_close, day_first))
    return open_time, close_time, note



def _digits(col: dict[str, pd.Series], a: str, b: str, symbols: list[str], decimal_comma: bool) -> np.ndarray:
    """Decimals printed in the prices, the most per symbol (the quote precision; point = 10^-digits)."""
    n = len(symbols)
    if a not in col:
        return np.zeros(n, dtype="int8")
    fraction = r"[.,](\d+)\s*$" if decimal_comma else r"\.(\d+)\s*$"
    dec = pd.concat([col[a], col.get(b, col[a])], axis=1).apply(
        lambda s: s.str.extract(fraction)[0].str.len().fillna(0)
    ).max(axis=1)
    per_symbol = dec.groupby(pd.Series(symbols)).transform("max")
    return per_symbol.to_numpy(dtype="int8")


def _reason(row, columns, side, open_time, close_time, num, i) -> str:
    if re.sub(r"[^a-z]", "", str(row[columns["side"]]).lower()) in _PENDING:
        return (f"pending order {_q(row[columns['side']])} (not a trade) with no open or close time fxcost reads "
                "(see the accepted date formats)")
    if pd.isna(side.iloc[i]):
        return f"type {_q(row[columns['side']])} is neither buy nor sell nor a balance operation"
    if pd.isna(open_time.iloc[i]):
        return f"open time {_q(row[columns['open_time']])} is not a date fxcost reads (see the accepted formats)"
    if not np.isfinite(num["lots"][i]):
        return f"volume {_q(row[columns['lots']])} is not a number"
    if not np.isfinite(num["profit"][i]):
        return f"profit {_q(row[columns['profit']])} is not a number"
    for name in _MONEY_EXTRA:
        if name in num and not np.isfinite(num[name][i]) and str(row[columns[name]]).strip():
            return f"{name} {_q(row[columns[name]])} is not a number"
    if pd.isna(close_time.iloc[i]):
        return f"close time {_q(row[columns['close_time']])} is not a date fxcost reads (see the accepted formats)"
    return "row could not be read"


def _q(value: object) -> str:
    """A cell quoted in a message, cut short (a field may be megabytes long: issue 13)."""
    return repr(clip(str(value)))
