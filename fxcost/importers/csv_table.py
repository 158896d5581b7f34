"""CSV trade lists written by EAs, scripts, broker portals and journals (`,` `;` or tab).

Columns are found by header synonyms (case, spaces and punctuation ignored) or by a
user-supplied mapping ``{canonical column: header in the file}``. MetaTrader itself has
no CSV history export (FORMATS.md 6), so anything goes: numeric types 0/1 (OP_BUY/OP_SELL),
ISO or MetaTrader dates, decimal commas in `;`-separated files.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from fxcost import model
from fxcost.errors import ImportFailed
from fxcost.importers import cash
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
    "lots": ("lots", "volume", "size", "lot", "quantity", "qty", "lotsize", "volumelots", "sizelots", "volumelot"),
    "symbol": ("symbol", "item", "instrument", "pair", "market", "asset", "ticker"),
    "open_price": ("openprice", "priceopen", "entryprice", "entry", "price"),
    "close_price": ("closeprice", "priceclose", "exitprice", "exit", "price2", "price1"),
    "sl": ("sl", "stoploss", "s/l"),
    "tp": ("tp", "takeprofit", "t/p"),
    "commission": ("commission", "commissions", "comm"),
    "taxes": ("taxes", "tax", "fee", "fees"),
    "swap": ("swap", "swaps", "rollover", "storage"),
    "profit": ("profit", "pl", "pnl", "profitloss", "grossprofit", "result"),
    "comment": ("comment", "comments", "note", "notes"),
    "magic": ("magic", "magicnumber", "expert", "eaid"),
    "status": ("status", "state"),
    "currency": ("currency", "ccy", "accountcurrency", "depositcurrency", "profitcurrency"),
}

#: The warning of a CSV import that was not given the account currency and has no currency column.
CURRENCY_UNKNOWN = ("The CSV file does not say the account's currency: its money is taken as USD. If the account is in "
                    "another currency, amounts converted to USD (cost per million, merged totals) are wrong: choose "
                    "the currency with the link under the file in the app's Import tab (on the command line: --currency EUR, "
                    "for example).")

#: Columns a CSV must have for fxcost to compute anything.
REQUIRED = ("open_time", "close_time", "side", "lots", "symbol", "profit")

#: Date formats tried on the whole column, first full match wins.
DATE_FORMATS = (
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
)

_EARLIEST, _LATEST = pd.Timestamp("1970-01-01"), pd.Timestamp("2200-01-01")
_SIDE_VALUES = {"buy": "buy", "sell": "sell", "0": "buy", "1": "sell", "long": "buy", "short": "sell", "b": "buy", "s": "sell"}
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


def read(text: str, path: str, mapping: Mapping[str, str] | None = None, currency: str | None = None) -> Statement:
    """Read a CSV trade list. ``mapping`` overrides or supplies columns: canonical -> header.

    ``currency`` is the account currency (a CSV prints none); without it, a currency column holding one code
    names it, else the money is taken as USD with a warning.
    """
    raw, sep = _table(text, path)
    columns = _map_columns(list(raw.columns), mapping, path)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        found = ", ".join(repr(c) for c in raw.columns[:20])
        raise ImportFailed(
            path,
            f"The CSV file has no column for {', '.join(missing)}. Columns found: {found}. "
            "Rename those columns in the file's first line (e.g. 'Open Time', 'Close Time', 'Type', 'Lots', "
            "'Symbol', 'Profit'), or give fxcost a column mapping (the app asks for one; on the command line: "
            "--csv-map open_time=\"Time\" ...).",
        )
    n = len(raw)
    col = {name: raw[header].astype(str).str.strip() for name, header in columns.items()}
    lines = np.arange(n) + 2  # header is line 1
    skipped: list[SkippedRow] = []
    notes: list[str] = []

    side_text = col["side"].str.lower()
    decimal_comma = sep == ";"
    num = {name: _numbers(col[name], decimal_comma) for name in
           ("lots", "open_price", "close_price", "sl", "tp", "commission", "taxes", "swap", "profit", "ticket", "magic")
           if name in col}
    open_time = _times(col["open_time"])
    close_time = _times(col["close_time"])

    is_cash = side_text.isin(_CASH_TYPES)
    side = side_text.map(_SIDE_VALUES)
    status = col.get("status", pd.Series([""] * n)).str.lower()
    is_open = (status == "open") | ((close_time.isna()) & (col["close_time"] == "")) & ~is_cash
    valid_trade = side.notna() & ~is_cash & open_time.notna() & np.isfinite(num["lots"]) & np.isfinite(num["profit"])
    is_trade = valid_trade & ~is_open & close_time.notna()

    for i in np.flatnonzero(~(is_trade | is_cash | (is_open & valid_trade))):
        skipped.append(SkippedRow("CSV", int(lines[i]), _reason(raw.iloc[i], columns, side, open_time, close_time, num, i),
                                  sep.join(raw.iloc[i].astype(str))[:120]))
    if skipped:
        notes.append(f"{len(skipped)} CSV row(s) could not be read and were skipped (listed with their reasons).")

    tickets = num.get("ticket")
    if tickets is None or not np.isfinite(tickets).all():
        tickets = np.where(np.isfinite(tickets), tickets, lines) if tickets is not None else lines.astype(float)
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
        "sl": _none_if_zero(num.get("sl", np.full(n, np.nan)))[is_trade.to_numpy()],
        "tp": _none_if_zero(num.get("tp", np.full(n, np.nan)))[is_trade.to_numpy()],
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

    if len(trades) == 0 and len(open_positions) == 0 and len(cash_events) == 0:
        raise ImportFailed(
            path,
            f"No trade could be read from this CSV file ({n} data rows; first problem: "
            f"{skipped[0] if skipped else 'the file has a header but no rows'}).",
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
    return Statement(path=path, format="csv", account=account, trades=trades, open_positions=open_positions,
                     cash=cash_events, warnings=notes, skipped=skipped)


def _sniff(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
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
    columns: dict[str, str] = {}
    mapping = dict(mapping or {})
    for canonical, header in mapping.items():
        if canonical not in SYNONYMS:
            raise ImportFailed(path, f"Unknown column name {canonical!r} in the CSV mapping. "
                               f"Known names: {', '.join(SYNONYMS)}.")
        if header not in headers:
            raise ImportFailed(path, f"The CSV mapping names column {header!r} for {canonical}, but the file has "
                               f"no such column. Columns found: {', '.join(repr(h) for h in headers[:20])}.")
        columns[canonical] = header
    used = set(columns.values())
    keys = [_key(h) for h in headers]
    # Two "Price" columns (open then close), as in MetaTrader's own tables.
    price_idx = [i for i, k in enumerate(keys) if k == "price"]
    if len(price_idx) >= 2:
        columns.setdefault("open_price", headers[price_idx[0]])
        columns.setdefault("close_price", headers[price_idx[1]])
        used.update(headers[i] for i in price_idx[:2])
    for canonical, synonyms in SYNONYMS.items():
        if canonical in columns:
            continue
        for synonym in synonyms:
            match = next((h for h, k in zip(headers, keys) if k == synonym and h not in used), None)
            if match is not None:
                columns[canonical] = match
                used.add(match)
                break
    return columns


def _numbers(values: pd.Series, decimal_comma: bool) -> np.ndarray:
    if decimal_comma:
        # European spreadsheets: "1.234,56" or "-0,35" in ";"-separated files.
        mask = values.str.fullmatch(r"[+-]?\s*[\d .\u00a0]*,\d+").fillna(False)
        fixed = values.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        values = values.where(~mask, fixed)
    return parse_numbers(values)


def _times(values: pd.Series) -> pd.Series:
    text = values.str.strip()
    nonempty = text != ""
    best = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if not nonempty.any():
        return best
    for fmt in DATE_FORMATS:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        # Years a trade history cannot hold ("0-01-05" from a mangled cell) would overflow ns.
        parsed = parsed.where((parsed >= _EARLIEST) & (parsed < _LATEST))
        if parsed[nonempty].notna().mean() > best[nonempty].notna().mean():
            best = parsed.astype("datetime64[ns]")
        if best[nonempty].notna().all():
            return best
    # Epoch seconds (MQL datetime as an integer).
    digits_only = text.str.fullmatch(r"\d{9,10}")
    if digits_only[nonempty].all():
        return pd.to_datetime(pd.to_numeric(text, errors="coerce"), unit="s").astype("datetime64[ns]")
    return best


def _none_if_zero(values: np.ndarray) -> np.ndarray:
    return np.where(values == 0, np.nan, values)


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
    if pd.isna(side.iloc[i]):
        return f"type {row[columns['side']]!r} is neither buy nor sell nor a balance operation"
    if pd.isna(open_time.iloc[i]):
        return f"open time {row[columns['open_time']]!r} is not a date"
    if not np.isfinite(num["lots"][i]):
        return f"volume {row[columns['lots']]!r} is not a number"
    if not np.isfinite(num["profit"][i]):
        return f"profit {row[columns['profit']]!r} is not a number"
    if pd.isna(close_time.iloc[i]):
        return f"close time {row[columns['close_time']]!r} is not a date"
    return "row could not be read"
