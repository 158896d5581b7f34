"""Canonical data model: the frames every importer produces and every analysis consumes.

The schema is documented in docs/MODEL.md; this module is its single source of truth.
Importers fill plain column lists and call the ``*_frame`` builders, which add missing
columns with their defaults, cast every column to its dtype and order the columns.
Money is in the account currency, with MetaTrader's signs (a charged commission is
negative, positive swap is income); times are broker server time as printed (naive).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

#: The dtype names a schema uses (each one pandas and numpy accept as it is).
ColumnDtype = Literal["object", "int64", "int8", "bool", "Int64", "float64", "datetime64[ns]"]

#: Column -> dtype of the closed-trades frame (one row per closed MT4 ticket / MT5 position).
TRADE_COLUMNS: dict[str, ColumnDtype] = {
    "account": "object",  # account login (str); "" when the report does not print it
    "ticket": "int64",  # MT4 ticket / MT5 position id
    "open_time": "datetime64[ns]",
    "close_time": "datetime64[ns]",
    "side": "object",  # "buy" | "sell"
    "lots": "float64",
    "symbol": "object",  # as printed, e.g. "eurusd.p"
    "symbol_root": "object",  # normalised, e.g. "EURUSD"
    "symbol_suffix": "object",  # what was stripped, e.g. ".p"
    "open_price": "float64",
    "close_price": "float64",
    "sl": "float64",  # NaN = none
    "tp": "float64",  # NaN = none
    "commission": "float64",  # <= 0 when charged
    "taxes": "float64",  # MT4 Taxes / MT5 Fee, <= 0 when charged
    "swap": "float64",  # + income, - charge
    "profit": "float64",  # MetaTrader Profit: price result at executed prices (spread inside)
    "comment": "object",
    "magic": "Int64",  # EA magic number where printed
    "digits": "int8",  # price decimals (mso-number-format or printed decimals)
    "is_partial": "bool",  # row belongs to a partial-close chain
    "partial_group": "int64",  # ticket of the chain's first row (= ticket when not partial)
    "close_by": "bool",
    "stop_out": "bool",
    "close_reason": "object",  # "sl" | "tp" | "so" | "" (from the comment); "end": a backtest's close at the test's end
    # How each end executed (issue 12): "market" | "limit" | "stop" | "stop limit" | "close by" | "" (unknown;
    # MT5 Orders section only, linked by order ticket)
    "open_order_type": "object",
    "close_order_type": "object",
    "source": "object",  # file the row came from
}

#: Open positions at report time: kept and counted, excluded from costs.
OPEN_COLUMNS: dict[str, ColumnDtype] = {
    "account": "object",
    "ticket": "int64",
    "open_time": "datetime64[ns]",
    "side": "object",
    "lots": "float64",
    "symbol": "object",
    "symbol_root": "object",
    "symbol_suffix": "object",
    "open_price": "float64",
    "sl": "float64",
    "tp": "float64",
    "market_price": "float64",
    "commission": "float64",
    "taxes": "float64",
    "swap": "float64",
    "profit": "float64",  # floating
    "comment": "object",
    "magic": "Int64",
    "digits": "int8",
    "source": "object",
}

#: Pending orders that never became trades (cancelled, deleted, expired, rejected) or still work.
ORDER_COLUMNS: dict[str, ColumnDtype] = {
    "account": "object",
    "ticket": "int64",
    "open_time": "datetime64[ns]",
    "close_time": "datetime64[ns]",  # NaT for working orders
    "order_type": "object",  # "buy limit", "sell stop", ...
    "lots": "float64",
    "symbol": "object",
    "symbol_root": "object",
    "symbol_suffix": "object",
    "price": "float64",
    "sl": "float64",
    "tp": "float64",
    "state": "object",  # "cancelled" | "deleted" | "expired" | "rejected" | "working"
    "comment": "object",
    "source": "object",
}

#: Cash movements that are not trades.
CASH_COLUMNS: dict[str, ColumnDtype] = {
    "account": "object",
    "ticket": "int64",  # MT4 ticket / MT5 deal id; 0 when none printed
    "time": "datetime64[ns]",
    "kind": "object",  # one of CASH_KINDS
    "amount": "float64",  # + into the account, - out of it
    "comment": "object",
    # The row's printed type: MT4 "balance" / "credit" / "roll-up" (a buy/sell row with prices 0, FORMATS.md 2.3),
    # the MT5 deal type ("balance", "credit", "bonus", ...); "" when the source does not say. MT4's Deposit/Withdrawal
    # sums the "balance" rows and its Credit Facility the "credit" rows (FORMATS.md 6b).
    "row_type": "object",
    "source": "object",
}

#: The kinds of cash event (the cash ledger, issue 11). Each has one rule in importers/cash.py:
#: deposit / withdrawal    a balance row the comment says nothing more of: money in / out, by its sign;
#: transfer_in / _out      a transfer between the trader's own accounts (``Autotrf``, ``IT From``), by its sign;
#: credit                  a credit row / deal (MT4 Credit Facility): broker's money, outside the balance;
#: bonus, rebate           broker bonuses; cashback / IB payments (comments, or MT5 agent-commission deals);
#: financing               overnight financing booked as cash (OANDA's ``Financing`` rows): swap, costed with it;
#: interest                interest on the balance (MT5 ``interest`` deals, ``interest`` comments);
#: adjustment              broker corrections and compensations (OANDA ``ADJUSTMENT``, MT5 ``correction``);
#: archived                a roll-up of archived history (``Archived orders``, Alpari ``Summary ... result``);
#: fee                     charges, fees and commission deals (MT5 ``charge``, ``commission``, ``daily commission``);
#: dividend, tax           index-CFD dividends, withholding tax;
#: other                   a deal type no rule knows: shown in the ledger and every sum, never dropped.
CASH_KINDS = (
    "deposit",
    "withdrawal",
    "transfer_in",
    "transfer_out",
    "credit",
    "bonus",
    "rebate",
    "financing",
    "interest",
    "adjustment",
    "archived",
    "fee",
    "dividend",
    "tax",
    "other",
)

#: Cash kinds that move the balance without being the trader's own money in or out.
EXTERNAL_KINDS = ("deposit", "withdrawal", "transfer_in", "transfer_out")

_DEFAULTS: dict[str, Any] = {
    "object": "",
    "int64": 0,
    "Int64": pd.NA,
    "int8": 0,
    "float64": np.nan,
    "bool": False,
    "datetime64[ns]": pd.NaT,
}

#: Money columns: a missing value means 0, not "unknown".
MONEY_COLUMNS = ("commission", "taxes", "swap", "profit", "amount")


#: Empty frames by name, built once (see _build).
_EMPTY: dict[str, pd.DataFrame] = {}


def _build(columns: Mapping[str, Any], schema: dict[str, ColumnDtype], name: str) -> pd.DataFrame:
    # One numpy array per column and one DataFrame at the end: an importer calls this several times per file,
    # and a Series per column made a book of 500 statements spend seconds here (issue 14).
    if not columns:  # an empty frame (every Statement starts with four): copy the one built once
        if name not in _EMPTY:
            _EMPTY[name] = _build({col: [] for col in schema}, schema, name)
        return _EMPTY[name].copy()
    lengths = {len(v) for v in columns.values() if not np.isscalar(v)}
    if len(lengths) > 1:
        raise ValueError(f"{name}: columns of different lengths {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    unknown = set(columns) - set(schema)
    if unknown:
        raise ValueError(f"{name}: unknown columns {sorted(unknown)}")
    data: dict[str, Any] = {}
    for col, dtype in schema.items():
        values = columns.get(col)
        if values is None:
            data[col] = _default_column(col, dtype, n)
        elif np.isscalar(values):  # one value for every row
            data[col] = _column([values] * n, dtype, col in MONEY_COLUMNS)
        else:
            data[col] = _column(values.to_numpy() if isinstance(values, pd.Series) else values, dtype,
                                col in MONEY_COLUMNS)
    return _frame(data, list(schema), pd.RangeIndex(n))


#: pandas' constructor from column arrays without its per-column checks: the arrays _build makes are already one per
#: column, of the schema's dtypes and length (issue 14: pd.DataFrame(dict) was half of building a frame, and a text
#: column had to be a Series there, else pandas made it its str dtype).
_FROM_ARRAYS = getattr(pd.DataFrame, "_from_arrays", None)


def _frame(data: dict[str, Any], columns: list[str], index: pd.RangeIndex) -> pd.DataFrame:
    """The frame of the columns in ``data`` (text columns as object arrays), in ``columns`` order."""
    # numpy columns are this build's own arrays; a pandas array (Int64) may be the caller's: copied, as pd.DataFrame does.
    arrays = [a if isinstance(a, np.ndarray) else a.copy() for a in data.values()]
    n = len(index)
    if _FROM_ARRAYS is not None and all(getattr(a, "ndim", 0) == 1 and len(a) == n for a in arrays):
        frame: pd.DataFrame = _FROM_ARRAYS(arrays, columns=pd.Index(columns), index=index, verify_integrity=False)
        return frame
    # A text column as a Series keeps its object dtype.
    return pd.DataFrame({k: pd.Series(v, dtype=object, index=index, copy=False)
                         if isinstance(v, np.ndarray) and v.dtype == object else v for k, v in data.items()},
                        columns=columns, index=index)


def _one_object_per_value(arr: np.ndarray) -> np.ndarray:
    """A text column with one shared str object per distinct value (an importer makes one per cell): the same
    values, but later grouping hashes each text once and compares by identity, and a book of 500 statements holds
    a handful of "buy"/"sell" objects instead of one per trade (issue 10's summary, issue 14's memory). Left as it
    is when it holds anything but text (1, 1.0 and True would hash as one value)."""
    if len(arr) < 2:
        return arr
    try:
        codes, uniques = pd.factorize(arr)
    except TypeError:  # unhashable rows (sequences)
        return arr
    if len(uniques) == len(arr) or not all(type(u) is str for u in uniques):
        return arr
    shared: np.ndarray = np.asarray(uniques, dtype=object)[codes]
    return shared


def _shared_texts(arr: np.ndarray) -> np.ndarray | None:
    """:func:`_one_object_per_value` of a column of str alone, which has no blanks to fill in; None when it holds
    anything else. One factorize tells both (issue 14: pd.isna first cost as much again per column)."""
    try:
        codes, uniques = pd.factorize(arr)
    except TypeError:  # unhashable rows (sequences)
        return None
    if not all(type(u) is str for u in uniques) or (codes < 0).any():  # other values, or missing ones
        return None
    if len(uniques) == len(arr):
        return arr
    shared: np.ndarray = np.asarray(uniques, dtype=object)[codes]
    return shared


def _default_column(col: str, dtype: ColumnDtype, n: int) -> Any:
    """A column left out: every row holds the dtype's default (0 for money)."""
    if dtype == "Int64":
        return pd.arrays.IntegerArray(np.zeros(n, dtype="int64"), np.ones(n, dtype=bool))
    if dtype == "object":
        return np.full(n, "", dtype=object)
    default = 0.0 if col in MONEY_COLUMNS else _DEFAULTS[dtype]
    return np.full(n, np.datetime64("NaT", "ns") if dtype == "datetime64[ns]" else default, dtype=dtype)


def _column(values: Any, dtype: ColumnDtype, money: bool) -> Any:
    """``values`` (a list, array or pandas array, by position) cast to ``dtype``."""
    if dtype == "datetime64[ns]":
        arr = np.asarray(values) if isinstance(values, np.ndarray) else None
        if arr is not None and arr.dtype.kind == "M":
            return arr.astype("datetime64[ns]")
        return pd.Series(pd.to_datetime(values), dtype="datetime64[ns]").to_numpy()
    if dtype == "object":
        try:
            arr = np.array(values, dtype=object)  # a copy: blanks are filled in below
        except ValueError:  # rows of different lengths
            arr = None
        if arr is None or arr.ndim != 1:  # rows that are sequences: one object per row, as pd.Series keeps them
            arr = pd.Series(list(values), dtype=object).to_numpy()
        shared = _shared_texts(arr) if len(arr) > 1 else None
        if shared is not None:
            arr = shared  # text alone: nothing missing to fill in (pd.isna costs ~50 us a column; issue 14)
        else:
            missing = pd.isna(arr)
            if missing.any():
                arr[missing] = ""
            arr = _one_object_per_value(arr)
        # An object array, this column's own copy: _frame keeps it as it is (pandas would make bare text its str dtype).
        return arr
    if dtype == "float64":
        try:
            arr = np.array(values, dtype="float64")
        except (TypeError, ValueError):  # pd.NA and the like: pandas knows them
            arr = pd.Series(values, dtype="float64").to_numpy(dtype="float64", na_value=np.nan)
        if money:
            arr[np.isnan(arr)] = 0.0
        return arr
    if dtype in ("int64", "int8", "bool") and isinstance(values, np.ndarray) and values.dtype.kind in "iub":
        return values.astype(dtype)
    return pd.Series(values).astype(dtype).array if dtype == "Int64" else pd.Series(values).astype(dtype).to_numpy()


def trades_frame(columns: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Closed trades in canonical form; ``partial_group`` defaults to the ticket."""
    columns = dict(columns or {})
    if "partial_group" not in columns and "ticket" in columns:
        columns["partial_group"] = columns["ticket"]
    return _build(columns, TRADE_COLUMNS, "trades")


def open_frame(columns: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Open positions in canonical form."""
    return _build(columns or {}, OPEN_COLUMNS, "open positions")


def orders_frame(columns: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Cancelled / working pending orders in canonical form."""
    return _build(columns or {}, ORDER_COLUMNS, "orders")


def cash_frame(columns: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Cash events in canonical form."""
    return _build(columns or {}, CASH_COLUMNS, "cash events")


#: Currencies whose unit is 1/100 of a major currency (cent accounts).
CENT_CURRENCIES = {"USC": "USD", "EUC": "EUR", "GBX": "GBP", "USCENT": "USD", "CENT": "USD"}


@dataclass
class Account:
    """What a report says about the account it belongs to."""

    login: str = ""
    name: str = ""
    broker: str = ""
    currency: str = ""
    leverage: int | None = None
    server: str = ""
    margin_mode: str = ""  # "hedge" | "netting" | "" (MT4 is always hedging but does not say)
    account_type: str = ""  # "demo" | "real" | "contest" | ""
    report_time: datetime | None = None
    source_format: str = ""

    @property
    def is_cent(self) -> bool:
        """True for cent accounts (balance in 1/100 of a major currency)."""
        return self.currency.upper() in CENT_CURRENCIES

    @property
    def key(self) -> str:
        """Identity used to keep accounts apart when several files are merged."""
        if self.login:
            return f"{self.login}@{self.server or self.broker}"
        return ""

    def as_json(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "name": self.name,
            "broker": self.broker,
            "currency": self.currency,
            "leverage": self.leverage,
            "margin_mode": self.margin_mode,
            "server": self.server,
            "account_type": self.account_type,
            "report_time": self.report_time.isoformat(sep=" ") if self.report_time else None,
        }


@dataclass
class PrintedTotals:
    """The report's own printed totals, used to reconcile the import. None = not printed."""

    profit: float | None = None  # sum of Profit over closed trades
    commission: float | None = None
    taxes: float | None = None
    swap: float | None = None
    closed_pl: float | None = None  # MT4 "Closed P/L" = commission + swap + profit + taxes
    total_net_profit: float | None = None
    trades: int | None = None  # "Total Trades"
    deposit_withdrawal: float | None = None
    credit: float | None = None
    balance: float | None = None
    gross_profit: float | None = None
    gross_loss: float | None = None
    # Issue 11: the rest of what a statement's summary prints. ``credit`` is its Credit Facility.
    floating_pl: float | None = None
    equity: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "extra"}
        return data


@dataclass
class SkippedRow:
    """A row that could not be parsed: where it was and why it was skipped."""

    section: str
    row: int  # 1-based row number within the file (line, table row or sheet row); 0 when not known
    reason: str
    text: str = ""

    def __str__(self) -> str:
        where = f"{self.section} row {self.row}" if self.row else self.section
        return f"{where}: {self.reason}" + (f" ({self.text})" if self.text else "")


@dataclass
class Statement:
    """Everything imported from one file."""

    path: str
    format: str  # see FORMATS below
    account: Account
    trades: pd.DataFrame = field(default_factory=trades_frame)
    open_positions: pd.DataFrame = field(default_factory=open_frame)
    orders: pd.DataFrame = field(default_factory=orders_frame)
    cash: pd.DataFrame = field(default_factory=cash_frame)
    printed: PrintedTotals = field(default_factory=PrintedTotals)
    warnings: list[str] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    is_backtest: bool = False


#: Format identifiers, with the names shown to users.
FORMATS = {
    "mt4_statement": "MetaTrader 4 Statement (HTML)",
    "mt4_detailed": "MetaTrader 4 Detailed Statement (HTML)",
    "mt4_tester": "MetaTrader 4 Strategy Tester report (HTML)",
    "mt5_html": "MetaTrader 5 Trade History Report (HTML)",
    "mt5_xlsx": "MetaTrader 5 Trade History Report (XLSX)",
    "mt5_tester_html": "MetaTrader 5 Strategy Tester report (HTML)",
    "mt5_tester_xlsx": "MetaTrader 5 Strategy Tester report (XLSX)",
    "csv": "CSV trade list",
    "generated": "fxcost generated data",
}
