"""Several imported statements merged into accounts: duplicates dropped, accounts kept apart."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from fxcost import model
from fxcost.importers.reconcile import Reconciliation, reconcile
from fxcost.model import Account, Statement

#: Columns that identify the same row when two files overlap (monthly statements, HTML + XLSX twins).
TRADE_KEY = ["account", "ticket", "open_time", "close_time", "symbol", "lots"]
OPEN_KEY = ["account", "ticket"]
ORDER_KEY = ["account", "ticket", "open_time", "state"]
CASH_KEY = ["account", "ticket", "time", "amount"]


@dataclass
class ImportedFile:
    """One file as imported, with its reconciliation (a file that is its account's only one shares the account's
    trades frame: :func:`_share_trades`)."""

    statement: Statement
    reconciliation: Reconciliation
    account_key: str


@dataclass
class AccountBook:
    """One account's merged history."""

    key: str
    account: Account
    files: list[str]
    trades: pd.DataFrame
    open_positions: pd.DataFrame
    orders: pd.DataFrame
    cash: pd.DataFrame
    is_backtest: bool = False

    @property
    def label(self) -> str:
        """How the account is named to the user."""
        a = self.account
        if a.login:
            return f"{a.login} ({a.broker or a.server})" if (a.broker or a.server) else a.login
        return os.path.basename(self.files[0]) if self.files else self.key


@dataclass
class Portfolio:
    """Everything imported in one go: per file, per account, and merged."""

    files: list[ImportedFile] = field(default_factory=list)
    accounts: list[AccountBook] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    warnings: list[str] = field(default_factory=list)

    # The small merged frames (all but the trades) as last joined, with the books' frames they were joined from.
    _joined: dict[str, tuple[list[pd.DataFrame], pd.DataFrame]] = field(default_factory=dict, init=False,
                                                                        repr=False, compare=False)

    def frame(self, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """A merged frame over all accounts: 'trades', 'open_positions', 'orders' or 'cash'; ``columns``: only those
        (a sum over a book's trades need not join every column of hundreds of accounts, issue 14).

        The cash, orders and open positions (a few rows per account, read by many figures) are joined once while
        the books hold the same frames; each caller gets its own shallow copy (copy-on-write)."""
        frames = [getattr(book, name) for book in self.accounts]
        if columns is None and name != "trades":
            kept = self._joined.get(name)
            if kept is not None and len(kept[0]) == len(frames) and all(a is b for a, b in zip(kept[0], frames)):
                return kept[1].copy(deep=False)
        merged = self._join(name, frames, columns)
        if columns is None and name != "trades":
            self._joined[name] = (frames, merged)
            return merged.copy(deep=False)
        return merged

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_joined": {}}  # a pickled portfolio (a saved result) carries no joined copies

    @staticmethod
    def _join(name: str, frames: list[pd.DataFrame], columns: Sequence[str] | None) -> pd.DataFrame:
        frames = [f for f in frames if len(f)]
        if not frames:
            empty = {
                "trades": model.trades_frame,
                "open_positions": model.open_frame,
                "orders": model.orders_frame,
                "cash": model.cash_frame,
            }[name]()
            return empty if columns is None else empty[list(columns)]
        if columns is not None:  # column by column: selecting columns of each of hundreds of frames costs more
            return pd.DataFrame({c: joined([f[c] for f in frames]) for c in columns},
                                index=pd.RangeIndex(sum(len(f) for f in frames)), copy=False)
        return pd.concat(frames, ignore_index=True)

    @property
    def trades(self) -> pd.DataFrame:
        return self.frame("trades")


def joined(pieces: Sequence[pd.Series]) -> Any:
    """The pieces one after the other, as ``pd.concat`` (ignoring their index) gives them; pieces of one numpy dtype
    as one array."""
    dtype = pieces[0].dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM" and all(p.dtype == dtype for p in pieces):
        return np.concatenate([p.to_numpy() for p in pieces])
    return pd.concat(pieces, ignore_index=True)


def account_key(statement: Statement) -> str:
    """Accounts are the same when login and server (or broker) agree; unnamed ones stay per file."""
    return statement.account.key or f"file:{statement.path}"


def merge(statements: list[Statement], reconciliations: Sequence[Reconciliation] | None = None) -> Portfolio:
    """Merge statements into per-account books, dropping rows that appear in several files.

    ``reconciliations``: each statement's, when the caller has them already (parallel_import computes them where
    each file is read); else they are computed here."""
    portfolio = Portfolio()
    by_key: dict[str, list[Statement]] = {}
    if reconciliations is None or len(reconciliations) != len(statements):
        reconciliations = [reconcile(st) for st in statements]
    for st, reconciled in zip(statements, reconciliations):
        key = account_key(st)
        portfolio.files.append(ImportedFile(st, reconciled, key))
        by_key.setdefault(key, []).append(st)
    _attach_unnamed(by_key, portfolio)
    file_of = {id(f.statement): i for i, f in enumerate(portfolio.files)}
    for key, group in by_key.items():
        book = _book(key, group, portfolio.warnings)
        portfolio.accounts.append(book)
        if len(group) == 1:
            _share_trades(portfolio.files, file_of[id(group[0])], book)
    return portfolio


def _share_trades(files: list[ImportedFile], i: int, book: AccountBook) -> None:
    """A file that is its account's only one holds the account's trades (the same rows, sorted by close time and
    named by the account's label) instead of its own frame: a report listed by open time was sorted into a copy,
    so the book's trades were held twice (issue 14: two thirds of a 500-client book's). The file's figures read
    its trades as a whole (their count, their earliest open); its reconciliation was made as it was read."""
    f = files[i]
    if len(book.trades) == len(f.statement.trades):
        files[i] = replace(f, statement=replace(f.statement, trades=book.trades))


#: Share of an unnamed file's trades that must appear in a named account for the file to be that account's.
SAME_ACCOUNT_SHARE = 0.5


def _attach_unnamed(by_key: dict[str, list[Statement]], portfolio: Portfolio) -> None:
    """Give a file without an account header (edited out) to the named account whose trades it repeats.

    Without this, the same trades would count twice: once under the named account and once under the file.
    Ticket, open and close time, symbol and lots together do not repeat across accounts by chance.
    The named accounts' trade keys are stacked once and each unnamed file is joined against them (an IB's book
    has hundreds of named accounts, issue 14); nothing is done when every file names its account.
    """
    cols = TRADE_KEY[1:]
    unnamed = [k for k in by_key if k.startswith("file:")]
    named_keys = [k for k in by_key if not k.startswith("file:")]
    if not unnamed or not named_keys:
        return
    frames = [st.trades[cols].assign(_owner=i) for i, k in enumerate(named_keys) for st in by_key[k] if len(st.trades)]
    if not frames:
        return
    named = pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)
    for key in unnamed:
        (st,) = by_key[key]
        rows = len(st.trades)
        if not rows:
            continue
        shared_by = st.trades[cols].drop_duplicates().merge(named, on=cols, how="inner")["_owner"].value_counts()
        if not len(shared_by):
            continue
        # The account sharing most rows; on a tie the first named (value_counts' order is not stable).
        shared = int(shared_by.max())
        best = named_keys[int(shared_by[shared_by == shared].index.min())]
        if shared < SAME_ACCOUNT_SHARE * rows:
            continue
        by_key[best].append(by_key.pop(key)[0])
        for f in portfolio.files:
            if f.statement is st:
                f.account_key = best
        login = by_key[best][0].account.login
        portfolio.warnings.append(
            f"{os.path.basename(st.path)} names no account, but {shared} of its {rows} trades are account "
            f"{login}'s: it was merged into that account, and trades in both files are counted once."
        )


def _in_order(df: pd.DataFrame, time: str) -> pd.DataFrame:
    """``df`` sorted by ``time`` then ticket (stable, unknown times last); a statement mostly is already."""
    times = df[time].to_numpy()
    t = times.view("int64")
    ticket = df["ticket"].to_numpy()
    unknown = np.isnat(times)
    if not unknown.any() and bool(np.all((t[1:] > t[:-1]) | ((t[1:] == t[:-1]) & (ticket[1:] >= ticket[:-1])))):
        return df if _numbered(df) else df.reset_index(drop=True)
    if ticket.dtype.kind not in "iu":
        return df.sort_values([time, "ticket"], kind="stable", ignore_index=True)
    # The same order as sort_values (stable, unknown times last) in one numpy lexsort: pandas' multi-key sort cost
    # more than the rest of the merge (issue 14, hundreds of accounts).
    order = np.lexsort((ticket, np.where(unknown, np.iinfo(np.int64).max, t)))
    out = df.take(order)
    out.index = pd.RangeIndex(len(out))  # what reset_index(drop=True) gives, without its copy
    return out


def _numbered(df: pd.DataFrame) -> bool:
    """``df``'s index is 0, 1, 2, ... already (a frame stacked for the merge is a fresh one; issue 14)."""
    index = df.index
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def newest_last(statement: Statement) -> tuple[bool, Any]:
    """Sorts one account's statements by report time, those that print none first: the last is the newest, whose
    account and open positions are current (and whose Balance is the account's, summary.document.printed_totals)."""
    made = statement.account.report_time
    return (made is not None, made or 0)


def _book(key: str, group: list[Statement], warnings: list[str]) -> AccountBook:
    # The newest report describes the account best (and its open positions are current).
    group = sorted(group, key=newest_last)
    newest = group[-1]
    # A file whose header was edited out (see _attach_unnamed) must not blank the account's name.
    account = next((s.account for s in reversed(group) if s.account.login), newest.account)
    label = account.login or os.path.basename(newest.path)
    currencies = {s.account.currency for s in group if s.account.currency}
    if len(currencies) > 1:
        warnings.append(f"Account {label}: the files disagree on the currency ({', '.join(sorted(currencies))}).")

    def stacked(name: str, key_cols: list[str]) -> tuple[pd.DataFrame, int]:
        # One concat per account and kind, the account named once (an IB's book has hundreds, issue 14).
        frames = [getattr(st, name) for st in group]
        # One file: its columns are shared, not copied (pandas copies on write, so the statement stays as read).
        df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy(deep=False)
        df["account"] = label
        before = len(df)
        if len(group) > 1 and before:
            df = df.drop_duplicates(subset=key_cols, keep="last", ignore_index=True)
        return df, before - len(df)

    trades, dup_trades = stacked("trades", TRADE_KEY)
    trades = _in_order(trades, "close_time")
    cash, dup_cash = stacked("cash", CASH_KEY)
    cash = _in_order(cash, "time")
    orders, _ = stacked("orders", ORDER_KEY)
    # Open positions: only the newest file's are current; one closed later is a trade now.
    open_positions = newest.open_positions.copy(deep=False)  # copy on write: the statement stays as read
    open_positions["account"] = label
    if len(open_positions):
        open_positions = open_positions[~open_positions["ticket"].isin(trades["ticket"])].reset_index(drop=True)
    if dup_trades or dup_cash:
        warnings.append(
            f"Account {label}: {dup_trades} trade(s) and {dup_cash} cash event(s) appeared in more than one "
            "file and were counted once."
        )
    return AccountBook(
        key=key,
        account=account,
        files=[s.path for s in group],
        trades=trades,
        open_positions=open_positions,
        orders=orders,
        cash=cash,
        is_backtest=any(s.is_backtest for s in group),
    )
