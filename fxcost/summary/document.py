"""The summary document, keyed as ``report --json`` writes it: files, counts, totals, printed totals,
reconciliation (:func:`summary`) and the engine's blocks (:func:`analysis_summary`).

Built once per result by fxcost.summary.build; JSON numbers keep their precision (money totals to the cent,
per-trade and per-group figures to 6 decimals).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from fxcost import __version__
from fxcost.analysis.codes import factorize as codes_of
from fxcost.importers.reconcile import cash_by_kind, cash_by_kind_each
from fxcost.importers.tester import backtest_facts
from fxcost.model import FORMATS
from fxcost.portfolio import AccountBook, ImportedFile, Portfolio, newest_last

STATEMENT_FIELDS = ("profit", "commission", "taxes", "swap", "closed_pl", "total_net_profit", "trades")


def _money(value: float) -> float:
    """Money to the cent, half away from zero (rebates.round_cents, the rule of every view)."""
    from fxcost.analysis.rebates import round_cents

    return round_cents(float(value))


def counts(trades: pd.DataFrame, open_positions: pd.DataFrame, orders: pd.DataFrame, cash: pd.DataFrame) -> dict:
    return _counts(len(trades), len(open_positions), *order_counts(orders), len(cash))


def order_counts(orders: pd.DataFrame) -> tuple[int, int]:
    """(orders that never filled, pending orders still working) of an orders frame (model.orders_frame): the
    report's Orders section holds both, and only the working ones are pending; every other state (cancelled,
    expired, rejected, deleted) is one that never filled."""
    return int((orders["state"] != "working").sum()), int((orders["state"] == "working").sum())


def _counts(trades: int, open_positions: int, cancelled: int, working: int, cash_events: int) -> dict:
    """The ``counts`` block from its numbers (:func:`counts`, :func:`_books_counts`)."""
    return {"closed_trades": int(trades), "open_positions": int(open_positions), "cancelled_orders": int(cancelled),
            "working_orders": int(working), "cash_events": int(cash_events)}


#: The trade columns :func:`totals` sums (all a book's merged trades need for it, issue 14).
TOTALS_COLUMNS = ("lots", "profit", "commission", "taxes", "swap")


def totals(trades: pd.DataFrame | Mapping[str, pd.Series], cash: pd.DataFrame,
           by_kind: dict[str, float] | None = None) -> dict:
    """Sums over closed trades (a frame, or its :data:`TOTALS_COLUMNS` by name) and cash events. Withdrawals are
    negative (money out). ``by_kind``: the cash's reconcile.cash_by_kind when the caller has it."""
    profit, commission = float(trades["profit"].sum()), float(trades["commission"].sum())
    taxes, swap = float(trades["taxes"].sum()), float(trades["swap"].sum())
    # Per kind with numpy, not a .loc per kind: an IB's book totals hundreds of accounts (issue 14); nansum adds
    # as Series.sum does (NaN skipped, the same pairwise sum).
    kind = cash["kind"].to_numpy()
    amount = cash["amount"].to_numpy(dtype="float64")

    def of(name: str) -> float:
        return float(np.nansum(amount[kind == name]))

    return {
        "lots": round(float(trades["lots"].sum()), 4),
        "profit": _money(profit),
        "commission": _money(commission),
        "taxes": _money(taxes),
        "swap": _money(swap),
        "broker_net": _money(profit + commission + taxes + swap),
        "deposits": _money(of("deposit")),
        "withdrawals": _money(of("withdrawal")),
        "credit": _money(of("credit")),
        "rebate_like": _money(of("rebate")),
        # Issue 11: every kind of the cash ledger, signs as printed (model.CASH_KINDS order).
        "cash_by_kind": {k: _money(v) for k, v in (cash_by_kind(cash) if by_kind is None else by_kind).items()},
    }


#: Issue 11: what a statement prints about its cash (CashReconciliation.statement_totals), in ``statement_totals``.
CASH_STATEMENT_FIELDS = ("deposit_withdrawal", "credit_facility", "balance", "floating_pl", "equity", "opening_balance")

#: Printed figures that are the account's state when the report was made, not a sum over its period: of one
#: account's several files, the newest's (two files of one Startrader account showed twice its Balance).
STATE_FIELDS = ("balance", "floating_pl", "equity")


def printed_totals(files: list[ImportedFile], books: Mapping[str, AccountBook],
                   rates: Mapping[str, float] | None = None) -> dict:
    """The JSON's ``statement_totals`` of ``files``: :data:`STATEMENT_FIELDS` and :data:`CASH_STATEMENT_FIELDS` as the
    reports print them (the opening balance read or derived, reconcile.reconcile_cash), each file's money at its
    account's rate in ``rates`` (account key -> factor to the merged currency; 1 when absent).

    One account's several files are taken as one statement first: its state at the end (:data:`STATE_FIELDS`) is the
    newest report's, its opening balance the oldest's, and the rest (flows of their periods) their sum, unknown (None)
    when the files overlap (``books``: the accounts by key, whose rows the merge counted once: a sum of overlapping
    reports counts their common rows twice). The accounts are then summed, a field only when every account has it.
    ``opening_balance_derived`` is true when an opening balance taken was worked out from its printed Balance."""
    by_account: dict[str, list[ImportedFile]] = {}
    for f in files:
        by_account.setdefault(f.account_key, []).append(f)
    accounts = []
    for key, group in by_account.items():
        rate = (rates or {}).get(key, 1.0)
        each = [_printed_figures(f, rate) for f in group]
        if len(each) == 1:
            accounts.append(each[0])
            continue
        by_time = sorted(range(len(group)), key=lambda i: newest_last(group[i].statement))
        book = books.get(key)
        overlap = book is not None and sum(len(f.statement.trades) + len(f.statement.cash) for f in group) > \
            len(book.trades) + len(book.cash)
        merged = {name: (None if overlap else _known_sum([d[name] for d in each])) for name in each[0]}
        merged.update({name: each[by_time[-1]][name] for name in STATE_FIELDS})
        merged["opening_balance"] = each[by_time[0]]["opening_balance"]
        merged["opening_balance_derived"] = each[by_time[0]]["opening_balance_derived"]
        accounts.append(merged)
    out: dict[str, Any] = {}
    for name in (*STATEMENT_FIELDS, *CASH_STATEMENT_FIELDS):
        total = _known_sum([a[name] for a in accounts])
        out[name] = None if total is None else int(total) if name == "trades" else _money(total)
    out["opening_balance_derived"] = bool(out["opening_balance"] is not None
                                          and any(a["opening_balance_derived"] for a in accounts))
    return out


def _printed_figures(f: ImportedFile, rate: float) -> dict[str, Any]:
    """One file's printed figures for :func:`printed_totals` (money at ``rate``; NaN as None)."""
    p = f.statement.printed
    out: dict[str, Any] = {name: getattr(p, name) for name in STATEMENT_FIELDS}
    out.update(f.reconciliation.cash.statement_totals(f.statement))
    for name, value in out.items():
        if name == "opening_balance_derived":
            continue
        if value is None or not math.isfinite(float(value)):
            out[name] = None
        elif name != "trades":
            out[name] = float(value) * rate
    return out


def _known_sum(values: list[Any]) -> Any:
    """The sum of ``values`` when none is None (and there is one), else None."""
    return sum(values) if values and all(v is not None for v in values) else None


def _files_by_account(portfolio: Portfolio) -> dict[str, list[ImportedFile]]:
    """Each account's files in import order, by account key (one pass, not one per account: issue 14)."""
    out: dict[str, list[ImportedFile]] = {}
    for f in portfolio.files:
        out.setdefault(f.account_key, []).append(f)
    return out


def _book_json(book: AccountBook, files: list[ImportedFile], by_kind: dict[str, float],
               trades: Mapping[str, pd.Series] | None, book_counts: dict) -> dict:
    """One account's block of the document; ``by_kind``: its cash per kind (reconcile.cash_by_kind_each),
    ``trades``: its trades' :data:`TOTALS_COLUMNS` (:func:`_books_trades`; None: its own frame's), ``book_counts``:
    its :func:`counts` (:func:`_books_counts`)."""
    return {
        "account": {**book.account.as_json(), "label": book.label},
        "files": book.files,
        "backtest": book.is_backtest,
        "counts": book_counts,
        "totals": {**totals(book.trades if trades is None else trades, book.cash, by_kind),
                   "currency": book.account.currency or "USD"},
        "statement_totals": printed_totals(files, {book.key: book}),
    }


def summary(portfolio: Portfolio, trades: pd.DataFrame | None = None) -> dict:
    """The whole JSON document for a portfolio; ``trades``: its merged trades' :data:`TOTALS_COLUMNS`
    (Portfolio.frame) when the caller has them."""
    trades = portfolio.frame("trades", TOTALS_COLUMNS) if trades is None else trades
    cash = portfolio.frame("cash")
    many = len(portfolio.files) > 1
    differences: dict[str, Any] = {}
    for f in portfolio.files:
        for name, diff in f.reconciliation.differences.items():
            differences[f"{f.statement.path}: {name}" if many else name] = diff.as_json()
    warnings: list[str] = []
    for f in portfolio.files:
        prefix = f"{os.path.basename(f.statement.path)}: " if many else ""
        warnings += [prefix + w for w in file_warnings(f)]
        warnings += [prefix + "does not reconcile: " + str(d) for d in f.reconciliation.differences.values()]
        if f.statement.skipped:
            warnings.append(prefix + f"{len(f.statement.skipped)} row(s) skipped")
    warnings += portfolio.warnings
    warnings += [f"{os.path.basename(p)}: not imported: {m}" for p, m in portfolio.failures]
    orders = portfolio.frame("orders")
    doc = {
        "fxcost_version": __version__,
        "files": [
            {
                "path": f.statement.path,
                "format": f.statement.format,
                "format_name": FORMATS.get(f.statement.format, f.statement.format),
                "backtest": f.statement.is_backtest,
                "backtest_of": backtest_facts(f.statement) or None,
                "account": f.statement.account.as_json(),
                "reconciliation": f.reconciliation.as_json(),
                "skipped_rows": [
                    {"section": s.section, "row": s.row, "reason": s.reason, "text": s.text} for s in f.statement.skipped
                ],
            }
            for f in portfolio.files
        ],
        "counts": counts(trades, portfolio.frame("open_positions"), orders, cash),
        # Several currencies cannot be added up here; analysis_summary converts them (merged_totals).
        "totals": import_totals(portfolio, trades, cash),
        "statement_totals": printed_totals(portfolio.files, {b.key: b for b in portfolio.accounts}),
        "reconciliation": reconciliation_block(portfolio.files, differences),
        "warnings": warnings,
        "failures": [{"path": p, "message": m} for p, m in portfolio.failures],
    }
    if many:
        by_key = _files_by_account(portfolio)
        by_kind = cash_by_kind_each([book.cash for book in portfolio.accounts])
        doc["accounts"] = [_book_json(book, by_key.get(book.key, []), kinds, own, book_counts)
                           for book, kinds, own, book_counts in zip(portfolio.accounts, by_kind,
                                                                    _books_trades(portfolio, trades),
                                                                    _books_counts(portfolio, orders))]
    return doc


def reconciliation_block(files: list[ImportedFile], differences: dict[str, Any]) -> dict:
    """The document's ``reconciliation``: ``ok`` is true when every file printed totals and each agrees with the
    import, false when any differs, and null when some file printed none to compare (``unchecked`` names them): the
    JSON never says "reconciled" of a file that was not checked."""
    unchecked = [f.statement.path for f in files if not f.reconciliation.checked]
    ok = False if differences else (None if unchecked or not files else True)
    return {"ok": ok, "checked_files": len(files) - len(unchecked), "unchecked": unchecked,
            "differences": differences}


def _books_trades(portfolio: Portfolio, joined: pd.DataFrame) -> list[dict[str, pd.Series] | None]:
    """Each book's rows of ``joined``'s :data:`TOTALS_COLUMNS` (Portfolio.frame("trades", TOTALS_COLUMNS)): the same
    values in the same dtypes as its own columns, so the same sums, without a frame's columns read per client of a
    book (issue 14); None for a book whose columns were joined into another dtype."""
    out: list[dict[str, pd.Series] | None] = []
    start = 0
    columns = {c: joined[c] for c in TOTALS_COLUMNS}
    for book in portfolio.accounts:
        n = len(book.trades)
        if not n:
            out.append(None)
            continue
        same = all(book.trades[c].dtype == column.dtype for c, column in columns.items())
        out.append({c: column.iloc[start:start + n] for c, column in columns.items()} if same else None)
        start += n
    return out


def _books_counts(portfolio: Portfolio, orders: pd.DataFrame) -> list[dict]:
    """:func:`counts` of each book, its orders' states read from ``orders`` (Portfolio.frame("orders"), the books'
    orders one after the other) in one comparison, not one per client of a book (issue 14)."""
    state = orders["state"]
    # A missing comparison (a "string" column's NA) counts as neither, as Series.sum skips it in counts().
    working = np.r_[0, np.cumsum((state == "working").to_numpy(dtype=bool, na_value=False))]
    other = np.r_[0, np.cumsum((state != "working").to_numpy(dtype=bool, na_value=False))]
    out = []
    start = 0
    for book in portfolio.accounts:
        n = len(book.orders)
        stop = start + n
        out.append(_counts(len(book.trades), len(book.open_positions), other[stop] - other[start],
                           working[stop] - working[start], len(book.cash)))
        start = stop
    return out


def import_totals(portfolio: Portfolio, trades: pd.DataFrame | None = None, cash: pd.DataFrame | None = None) -> dict:
    """The document's ``totals`` over every account's closed trades and cash, with their currency (the Import
    panel's figures: it need not build the rest of the document, seconds for a book of 500 clients, issue 14)."""
    trades = portfolio.frame("trades", TOTALS_COLUMNS) if trades is None else trades
    cash = portfolio.frame("cash") if cash is None else cash
    return {**totals(trades, cash), "currency": _portfolio_currency(portfolio)}


def file_warnings(f: ImportedFile) -> list[str]:
    """A file's import warnings without those that restate one of its reconciliation differences.

    The MT4 readers also word each difference as a "Reconciliation: <field> imported ..." warning; the
    difference itself is reported (with the same figures and cause) as "does not reconcile: ...", once.
    """
    restated = tuple(f"Reconciliation: {name} imported " for name in f.reconciliation.differences)
    return [w for w in f.statement.warnings if not (restated and w.startswith(restated))]


def _portfolio_currency(portfolio: Portfolio) -> str:
    """The accounts' one currency (as the engine assumes: USD when a report prints none), else "mixed"."""
    currencies = {book.account.currency or "USD" for book in portfolio.accounts}
    return currencies.pop() if len(currencies) == 1 else ("USD" if not currencies else "mixed")


def _num(value) -> float | None:
    """JSON-safe number: None for NaN/inf/missing, cents for money."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return round(f, 6) + 0.0 if math.isfinite(f) else None


def cost_totals(t: pd.DataFrame, financing: float = 0.0) -> dict:
    """The `costs` block: sums, per lot, in pips and in bps of notional (docs/ENGINE.md).

    ``financing``: Σ the cash ledger's ``financing`` rows (:func:`financing_total`): swap a broker books as balance
    rows (OANDA MT4's "Financing", issue 11). ``swap`` stays the trades' own (= ``totals.swap``, the statement's
    column); ``swap_incl_financing`` is the carry the account paid, the figure the surfaces show as swap."""
    lots = float(t["lots"].sum())
    lot_pips = float((t["lots"] * t["pip_value"]).where(t["pip_value"].notna()).sum())
    notional_usd = float(t["notional_usd"].sum())
    usd = t["usd_rate"].to_numpy()
    tc, ntc = float(t["transaction_cost"].sum()), float(t["net_transaction_cost"].sum())
    tc_usd, ntc_usd = float((t["transaction_cost"] * usd).sum()), float((t["net_transaction_cost"] * usd).sum())
    # Sources are a handful of labels: test each distinct label, not each trade.
    source_codes, sources = codes_of(t["spread_source"])
    is_measured = np.array([str(x).startswith("measured") for x in sources] + [False])
    measured = int(is_measured[source_codes].sum())
    return {
        "spread_cost": _money(t["spread_cost"].sum()),
        "commission": _money(t["commission"].sum()),
        "taxes": _money(t["taxes"].sum()),
        "swap": _money(t["swap"].sum()),
        "financing": _money(financing),
        "swap_incl_financing": _money(float(t["swap"].sum()) + financing),
        "rebate": _money(t["rebate"].sum()),
        "profit": _money(t["profit"].sum()),
        "mid_pnl": _money(t["mid_pnl"].sum()),
        "broker_net": _money(t["broker_net"].sum()),
        "net_after_rebate": _money(t["net_after_rebate"].sum()),
        "transaction_cost": _money(tc),
        "net_transaction_cost": _money(ntc),
        "cost_per_lot": _num(tc / lots) if lots else None,
        "cost_per_lot_after": _num(ntc / lots) if lots else None,
        "cost_pips_per_lot_before": _num(tc / lot_pips) if lot_pips else None,
        "cost_pips_per_lot_after": _num(ntc / lot_pips) if lot_pips else None,
        "bps_before": _num(tc_usd / notional_usd * 1e4) if notional_usd else None,
        "bps": _num(ntc_usd / notional_usd * 1e4) if notional_usd else None,
        "usd_per_million_before": _num(tc_usd / notional_usd * 1e6) if notional_usd else None,
        "usd_per_million": _num(ntc_usd / notional_usd * 1e6) if notional_usd else None,
        "notional_usd": _money(notional_usd),
        "spread_estimated_trades": int(len(t) - measured),
        "spread_measured_trades": measured,
    }


def _frame_records(df: pd.DataFrame | None) -> list[dict]:
    """``df``'s rows as JSON-safe records (:func:`_cell`). Float, integer and bool columns are converted a column at
    a time (issue 10: cell by cell, a book's tables cost a third of a second); the others as ``to_dict`` gives
    their values, each by :func:`_cell`: the same records either way."""
    if df is None or not len(df):
        return []
    columns = list(df.columns)
    if len(set(columns)) != len(columns):  # to_dict's own rule for repeated names
        return [{k: _cell(v) for k, v in rec.items()} for rec in df.to_dict(orient="records")]
    values: list[list] = [[] for _ in columns]
    rest = []
    for i, dtype in enumerate(df.dtypes):
        if isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize == 8:
            values[i] = [round(f, 6) + 0.0 if math.isfinite(f) else None
                         for f in df[columns[i]].to_numpy(dtype="float64").tolist()]
        elif isinstance(dtype, np.dtype) and dtype.kind in "iub":
            values[i] = df[columns[i]].to_numpy().tolist()  # Python ints and bools, as to_dict gives them
        else:
            rest.append(i)
    if rest:
        others = df.iloc[:, rest].to_dict(orient="records")
        for i in rest:
            name = columns[i]
            values[i] = [_cell(rec[name]) for rec in others]
    return [dict(zip(columns, row)) for row in zip(*values)]


def _cell(v: Any) -> Any:
    """One value of a record as the JSON writes it."""
    if isinstance(v, pd.Timestamp):
        return v.isoformat(sep=" ")
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return _num(v)
    if v is pd.NaT or v is None or v is pd.NA:
        return None
    if isinstance(v, np.bool_):
        return bool(v)
    return v if isinstance(v, (str, bool)) else str(v)


def _account_records(result, name: str) -> list[dict]:
    """Every account's frame ``name`` (payouts, payout_matches) as records, each led by the account's label and
    currency (a frame's own ``account`` column, when it has one, gives the label's value). The frames are stacked
    and converted once: one conversion per account cost more than the rest of the document in an IB's book
    (issue 14)."""
    frames = [(a, getattr(a, name)) for a in result.accounts if getattr(a, name) is not None and len(getattr(a, name))]
    if not frames:
        return []
    records = _frame_records(pd.concat([f for _, f in frames], ignore_index=True)) if len(frames) > 1 \
        else _frame_records(frames[0][1])
    owners = [(a.book.label, a.currency) for a, f in frames for _ in range(len(f))]
    return [{"account": label, "currency": currency, **r} for (label, currency), r in zip(owners, records)]


#: Aggregation keys written as ``by_<key>`` lists (aggregate.by); ``by_symbol`` is the one the issue requires.
AGGREGATIONS = ("symbol", "category", "month", "week", "weekday", "hour", "hold", "side", "account", "year")

#: Keys of the ``breakeven.by_*`` lists (breakeven.by).
BREAKEVEN_KEYS = ("symbol", "category", "account")

#: Lot scale factors of the leverage what-if (exposure.scale_comparison).
LOT_SCALES = (0.5, 1.0, 2.0, 3.0)

#: Months of the forward cashback projection.
PROJECTION_MONTHS = 12


def _clean(d: dict) -> dict:
    """JSON-safe scalars of a flat dict (None for NaN, ints stay ints)."""
    out = {}
    for k, v in d.items():
        if isinstance(v, (bool, np.bool_, str)) or v is None:
            out[k] = v if not isinstance(v, np.bool_) else bool(v)
        elif isinstance(v, (int, np.integer)):
            out[k] = int(v)
        else:
            out[k] = _num(v)
    return out


def _table(df: pd.DataFrame) -> list[dict]:
    """An aggregation table (index = group) as records, the group label first."""
    return _frame_records(df.reset_index())


def _source_counts(column: pd.Series) -> dict[str, int]:
    """Trades per source label, most common first."""
    codes, labels = codes_of(column)
    counts = np.bincount(codes[codes >= 0], minlength=len(labels))
    return {str(labels[i]): int(counts[i]) for i in np.argsort(-counts, kind="stable") if counts[i]}


def spread_kinds(t: pd.DataFrame) -> dict[str, int]:
    """Trades per kind of spread source (the ``spread_kind`` column, issue 12), most common first."""
    return _source_counts(t["spread_kind"]) if "spread_kind" in t.columns and len(t) else {}


def _general_reason(reason: str) -> str:
    """An exclusion reason without the trade's own figure: "held 42 s < 180 s" -> "held < 180 s"."""
    reason = re.sub(r"^held \S+ s < (.*)$", r"held < \1", reason)
    return re.sub(r"^moved \S+ points < (.*)$", r"moved < \1 points", reason)


def _reasons(t: pd.DataFrame) -> tuple[dict[str, int], dict[str, float]]:
    """Excluded trades and the rebate they forfeited, per general reason (largest count first)."""
    excluded = t[["excluded_reason", "forfeited_rebate"]].loc[~t["eligible"].to_numpy(dtype=bool)]
    if not len(excluded):
        return {}, {}
    codes, reasons = codes_of(excluded["excluded_reason"])  # a few distinct texts, not one per trade
    labels = np.array([_general_reason(str(r)) for r in reasons] + [""], dtype=object)[codes]
    groups = pd.DataFrame({"reason": labels, "n": 1, "forfeited": excluded["forfeited_rebate"].to_numpy()})
    sums = groups.groupby("reason", sort=False).sum().sort_values("n", ascending=False, kind="stable")
    return ({str(k): int(v) for k, v in sums["n"].items()},
            {str(k): _money(v) for k, v in sums["forfeited"].items()})


def _leverage_levels(result) -> dict[str, int]:
    """Leverage per account label (the printed one, or --leverage), for accounts that have trades."""
    levels = {}
    for a in result.accounts:
        if len(a.trades) and a.leverage:
            levels[str(a.trades["account"].iloc[0])] = int(a.leverage)
    return levels


def _mixed(result) -> bool:
    return len({a.currency for a in result.accounts}) > 1


def _convert(frame: pd.DataFrame, result, columns: tuple[str, ...]) -> pd.DataFrame:
    """``columns`` of a per-account frame in the merged currency, at the engine's rate of each account."""
    if not _mixed(result) or not len(frame):
        return frame
    rate = frame["account"].astype(str).map(result.merged_rates()).astype("float64").fillna(1.0).to_numpy()
    return frame.assign(**{c: frame[c].to_numpy(dtype="float64") * rate for c in columns})


def merged_cash(result) -> pd.DataFrame:
    """The cash events in the currency of the merged trades (USD when accounts differ, at each account's rate)."""
    return _convert(result.portfolio.frame("cash"), result, ("amount",))


#: The kind of the row :func:`balance_cash` adds for an account's opening balance (issue 11: a statement of part of
#: the history starts from a balance it does not print, FORMATS.md 6b); not a cash event, so not in ``cash_by_kind``.
OPENING_KIND = "opening_balance"


def _first_time(st) -> pd.Timestamp:
    """The earliest time a statement shows (a trade's open, a cash row); NaT when it shows none."""
    times = [x for x in (st.trades["open_time"], st.cash["time"], st.open_positions["open_time"]) if len(x)]
    return min((earliest(x) for x in times), default=pd.NaT)


def earliest(times: pd.Series) -> pd.Timestamp:
    """``times.min()`` (NaT skipped; NaT when none) read from the array: per file of a book of hundreds, the
    Series reduction cost more than the rest (issue 14)."""
    values = times.to_numpy()
    if values.dtype.kind != "M":
        return times.min()
    known = values[~np.isnat(values)]
    return pd.Timestamp(known.min()) if len(known) else pd.NaT


def opening_rows(result) -> pd.DataFrame:
    """Per account whose earliest file starts from a balance (read, or derived from the printed Balance), one
    row of that amount (in the merged currency) just before the file's first event, so the balance, drawdown %,
    leverage and projection start from it rather than from 0."""
    rows = []
    by_key = _files_by_account(result.portfolio)
    for a in result.accounts:
        mine = by_key.get(a.book.key, [])
        if not any(f.reconciliation.cash.opening_balance for f in mine):
            continue  # no file starts above 0 (most of a book's): which is first need not be found
        files = [(f, _first_time(f.statement)) for f in mine]
        files = [(f, t) for f, t in files if not pd.isna(t)]
        if not files:
            continue
        first, at = min(files, key=lambda ft: ft[1])
        opening = first.reconciliation.cash.opening_balance
        if opening:
            rows.append({"account": a.account_id, "ticket": 0, "time": at - pd.Timedelta(seconds=1),
                         "kind": OPENING_KIND, "amount": float(opening) * result.merged_rate(a),
                         "comment": "opening balance" + (" (derived)" if first.reconciliation.cash.opening_derived
                                                         else ""), "row_type": "", "source": first.statement.path})
    return pd.DataFrame(rows)


def balance_cash(result) -> pd.DataFrame:
    """:func:`merged_cash` plus each account's opening balance (:func:`opening_rows`): the cash the balance
    timeline, drawdown %, leverage and projection rest on. Every kind but credit moves the balance, transfers and
    archived roll-ups included (exposure.NOT_BALANCE); ``cash_by_kind`` and the deposits stay :func:`merged_cash`'s."""
    cash, opening = merged_cash(result), opening_rows(result)
    if not len(opening):
        return cash
    opening = opening.astype({c: cash[c].dtype for c in opening.columns if c in cash.columns})
    return pd.concat([cash, opening], ignore_index=True) if len(cash) else opening


def financing_total(cash: pd.DataFrame) -> float:
    """Σ the ``financing`` rows of a cash ledger (swap booked as balance rows, issue 11), unrounded."""
    return float(cash.loc[cash["kind"] == "financing", "amount"].sum()) if len(cash) else 0.0


def merged_totals(result, trades: pd.DataFrame | None = None) -> dict:
    """``totals`` over every account in the merged currency (``currency``): as imported when the accounts
    share one, else each account's trades and cash converted at the rate the engine costed it with
    (``usd_rates``: USD per unit of each account currency). ``trades``: the portfolio's merged trades'
    :data:`TOTALS_COLUMNS` (Portfolio.frame) when the caller has them."""
    portfolio = result.portfolio
    mixed = _mixed(result)  # converted at each account's rate, read off its ``account``
    if mixed or trades is None:
        trades = portfolio.frame("trades", (*TOTALS_COLUMNS, "account") if mixed else TOTALS_COLUMNS)
    trades = _convert(trades, result, ("profit", "commission", "taxes", "swap"))
    out = {**totals(trades, merged_cash(result)), "currency": result.currency}
    if mixed:
        out["usd_rates"] = {a.currency: _num(a.usd_rate) for a in result.accounts if a.currency != result.currency}
    return out


def merged_statement_totals(result) -> dict:
    """``statement_totals`` in the merged currency (each file's printed money at its account's rate; with a
    ``currency`` key when the accounts' currencies differ)."""
    rates = {a.book.key: result.merged_rate(a) for a in result.accounts}
    out = printed_totals(result.portfolio.files, {b.key: b for b in result.portfolio.accounts}, rates)
    if _mixed(result):
        out["currency"] = result.currency
    return out


def _balance(result, cash: pd.DataFrame | None = None) -> float:
    """The balance now (cash events without credit, plus every trade's broker net), for the projection; with a
    period, the balance at its end (issue 15): what came before the period counts too. ``cash``: :func:`balance_cash`
    when the caller has it (issue 10/14: a book's opening rows are read once)."""
    cash = balance_cash(result) if cash is None else cash
    amount = cash.loc[cash["kind"] != "credit", "amount"].sum() if len(cash) else 0.0
    return float(amount + result.trades["broker_net"].sum() + _before_period(result))


def _before_period(result) -> float:
    """Σ cash (without credit) and broker net of the trades before the period's start, in the merged currency;
    0 without a period or one open at its start."""
    bounds, whole = getattr(result, "period", None), getattr(result, "whole", None)
    if bounds is None or whole is None or getattr(bounds, "start", None) is None:
        return 0.0
    books = {book.key: book for book in whole.accounts}
    total = 0.0
    for a in result.accounts:
        book = books.get(a.book.key)
        if book is None:
            continue
        rate = result.merged_rate(a)
        if len(book.cash):
            early = (book.cash["time"] < bounds.start).to_numpy() & (book.cash["kind"] != "credit").to_numpy()
            total += float(book.cash.loc[early, "amount"].sum()) * rate
        if len(book.trades):
            early = (book.trades["close_time"] < bounds.start).to_numpy()
            money = book.trades.loc[early, ["profit", "commission", "taxes", "swap"]].to_numpy(dtype="float64")
            total += float(np.nansum(money)) * rate
    return total


def leverage_of(result, cash: pd.DataFrame, trades: pd.DataFrame | None = None) -> Any:
    """exposure.leverage of the trades at each account's leverage (``cash``: :func:`balance_cash`; ``trades``: the
    result's trades with their keys as categoricals, when the caller has them)."""
    from fxcost.analysis import exposure

    return exposure.leverage(result.trades if trades is None else trades, cash, _leverage_levels(result) or None)


def leverage_figures(lev: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of :func:`leverage_of`'s result, without its per-trade frame and sorted events (not figures)."""
    return {k: v for k, v in lev.items() if k not in ("per_trade", "events")}


def _exposure(result, lev=None, cash: pd.DataFrame | None = None, at_one=None) -> dict:
    """The ``exposure`` block (``lev``: :func:`leverage_of`, ``cash``: :func:`balance_cash`, when the caller has
    them; ``at_one``: the drawdowns of the trades as they are, exposure.scale_comparison's)."""
    from fxcost.analysis import exposure

    t = result.trades
    cash = balance_cash(result) if cash is None else cash
    levels = _leverage_levels(result)
    lev = exposure.leverage(t, cash, levels or None) if lev is None else lev
    out = {"leverage": levels, **_clean(leverage_figures(lev))}
    out["lot_scaling"] = _frame_records(exposure.scale_comparison(t, LOT_SCALES, cash, at_one=at_one)) if len(t) else []
    return out


def equity_drawdowns(effect: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """breakeven.equity_effect's drawdowns as exposure.max_drawdown gives them (without and with rebates), for
    exposure.scale_comparison's k = 1 (issue 10); None without them."""
    if "max_drawdown_without" not in effect:
        return None
    without, with_ = ({"max_drawdown": effect[f"max_drawdown_{side}"], "drawdown_basis": effect["drawdown_basis"],
                       "max_drawdown_pct": effect[f"max_drawdown_pct_{side}"]} for side in ("without", "with"))
    return without, with_


def ib_block(program, tables: dict[str, pd.DataFrame] | None) -> dict | None:
    """The ``ib`` block: the IB program's name and its roll-up tables (ib.program_rollup) as records."""
    if program is None or tables is None:
        return None
    return {"program": program.name, **{name: _frame_records(df) for name, df in tables.items()}}


def _ib(result) -> dict | None:
    """The IB roll-up when the main program passes a share back to clients (client_share_pct / client_shares)."""
    from fxcost.analysis import ib, rebates

    program = result.settings.main_program
    t = result.trades
    if not len(t) or not rebates.is_ib(program):
        return None
    return ib_block(program, ib.program_rollup(t, program))


#: ``analysis_summary``'s default for a block the caller did not compute: compute it here.
_COMPUTE = object()


def analysis_summary(result, *, scenarios=None, sweeps: dict | None = None, ib=_COMPUTE, key=None,
                     keyed: pd.DataFrame | None = None, spreads: pd.DataFrame | None = None,
                     tables: dict[str, pd.DataFrame] | None = None,
                     breakeven_tables: dict[str, pd.DataFrame] | None = None, leverage=None,
                     cash: pd.DataFrame | None = None, projections: list[dict] | None = None,
                     drawdowns=None, import_trades: pd.DataFrame | None = None) -> dict:
    """The engine's blocks of the JSON: costs, breakeven, rebate, whatif, sweeps, projection, exposure, ib, by_*.

    ``projections``: the ``projection`` block's programs (:func:`projection_of` each scenario) when the caller has
    them (it then need not keep the scenarios' re-priced frames: the projections are all they are read for here).

    ``scenarios`` (whatif.scenarios), ``sweeps`` ({"extra_spread_pips": frame, "rebate_rate": frame}), ``ib``
    (the ``ib`` block) and ``key`` (summary.KeyFigures: the costs, break-even and equity effect) when the caller
    (fxcost.summary.build) has them already, else computed here. ``keyed``: the trades with their grouping
    columns as categoricals (hashed once for every table), else ``result.trades``. ``spreads``: the per-symbol
    spread table (summary.spreads.table) when the caller has it. ``tables`` (aggregate.by_many over
    :data:`AGGREGATIONS`), ``breakeven_tables`` (breakeven.by_many over symbol, category, account), ``leverage``
    (:func:`leverage_of`) and ``cash`` (:func:`balance_cash`): when the caller has them, so the charts reuse them.
    ``drawdowns``: :func:`equity_drawdowns` of the key figures computed from the same trades and ``cash``.
    ``import_trades``: the portfolio's merged trades' :data:`TOTALS_COLUMNS` (:func:`merged_totals`).
    """
    from fxcost.analysis import aggregate, breakeven, whatif

    t = result.trades
    g = t if keyed is None else keyed  # for groupings only: the same rows and values
    settings = result.settings
    swap_in_cost = settings.include_swap_in_cost
    be = dict(key.breakeven) if key is not None and key.breakeven else breakeven.summary(t, swap_in_cost=swap_in_cost)
    reasons, forfeited = _reasons(g)
    # Payouts stay in each account's currency (not the merged one): named per row.
    payouts = _account_records(result, "payouts")
    matches = _account_records(result, "payout_matches")
    main = settings.main_program
    cash = balance_cash(result) if cash is None else cash
    scenarios = whatif.scenarios(result) if scenarios is None else scenarios
    if sweeps is None:
        sweeps = {"extra_spread_pips": whatif.spread_sweep(t, program=main, currency=result.currency),
                  "rebate_rate": whatif.rebate_sweep(t)}
    balance = _balance(result, cash)
    from fxcost.summary import spreads as spread_summary

    spread_table = spread_summary.table(result) if spreads is None else spreads
    spread_choices = spread_summary.choices(result)
    doc = {
        "currency": result.currency,
        "totals": merged_totals(result, import_trades),
        "statement_totals": merged_statement_totals(result),
        "assumptions": {
            "spread_profile": settings.profile.name,
            "spread_profile_source": settings.profile.source,
            # Per account: the profile its trades were costed with and, for auto, why.
            # ... and the broker catalogue entry Auto picked for it (issue 12; "" when none).
            "spread_profiles": spread_choices,
            # Issue 12: per account and symbol, the spread used and its evidence (summary.spreads.table).
            "spread_table": _frame_records(spread_table),
            "tester_spread_points": {os.path.basename(k): v for a in result.accounts
                                     for k, v in a.tester_spread_points.items()},
            "usd_rates": {a.book.label: _num(a.usd_rate) for a in result.accounts},
            "program": getattr(main, "name", None),
            "commission_schedule": settings.commission.as_dict() if settings.commission else None,
            "server_utc_offset": settings.server_utc_offset,
            "leverage": settings.leverage,
            "pnl_basis": be["pnl_basis"],
            "swap_in_cost": swap_in_cost,
            # How many trades rest on each kind of estimate (DOMAIN.md 9: every derived figure has a source).
            **{col: _source_counts(g[col]) for col in ("m_source", "spread_source", "commission_source")},
            # Trades per kind of spread source (observed, calibrated, catalogue, profile, ...; issue 12).
            "spread_kind": dict(key.spread_kinds) if key is not None and key.spread_kinds else spread_kinds(g),
            "observed_spreads": settings.observed_spreads,
            "time_of_day": settings.time_of_day,
            "time_of_day_clock": settings.time_of_day_clock,
        },
        "costs": dict(key.costs) if key is not None and key.costs else cost_totals(g, financing_total(cash)),
        "breakeven": {
            **{k: _num(v) if not isinstance(v, (str, bool)) else v for k, v in be.items()},
            "equity_effect": _clean(dict(key.equity_effect) if key is not None and key.equity_effect
                                    else breakeven.equity_effect(t, cash)),
            **{f"by_{key}": _table(table) for key, table in
               (breakeven.by_many(g, BREAKEVEN_KEYS, swap_in_cost=swap_in_cost) if breakeven_tables is None
                else breakeven_tables).items()},
        },
        "rebate": {
            "program": getattr(main, "name", None),
            "eligible_trades": int(t["eligible"].sum()) if main is not None else 0,
            "excluded_trades": int((~t["eligible"]).sum()) if main is not None else 0,
            "by_reason": reasons,
            "forfeited_by_reason": forfeited,
            "forfeited": _money(sum(forfeited.values())),
            "payouts": payouts,
            "payout_matches": matches,
        },
        "whatif": [o.as_json() for o, _ in scenarios],
        "sweeps": {
            "extra_spread_pips": _frame_records(sweeps["extra_spread_pips"]),
            "rebate_rate": _frame_records(sweeps["rebate_rate"]),
        },
        "projection": {
            "months": PROJECTION_MONTHS,
            "balance": _num(balance),
            "programs": projections if projections is not None else _projections(scenarios, balance),
        },
        "exposure": _exposure(result, leverage, cash, drawdowns),
        "ib": _ib(result) if ib is _COMPUTE else ib,
    }
    for name, table in (aggregate.by_many(g, AGGREGATIONS) if tables is None else tables).items():
        doc[f"by_{name}"] = _table(table)
    return doc


def projection_balance(result, cash: pd.DataFrame | None = None) -> float:
    """The balance the ``projection`` block starts from, for a caller that projects one
    scenario at a time (:func:`projection_of`)."""
    return _balance(result, cash)


def projection_of(outcome, frame: pd.DataFrame, balance: float) -> dict:
    """One scenario's entry of the ``projection`` block's programs."""
    return _projections([(outcome, frame)], balance)[0]


def _projections(scenarios, balance: float) -> list[dict]:
    from fxcost.analysis import whatif

    return [_clean_projection(whatif.projection_summary(o.program if o.program != "none" else o.name, frame, balance,
                                                        PROJECTION_MONTHS)) for o, frame in scenarios]


def _clean_projection(p: dict) -> dict:
    monthly = p.pop("reinvested")
    return {**_clean(p), "reinvested": _frame_records(pd.DataFrame(monthly))}


