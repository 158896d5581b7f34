"""A client's cashback statement as Excel, for an IB to send: trades, volume, cashback and the payable (issue 14).

For one client account and period: the trades closed in the period (server time), their volume, each trade's
cashback in cents and the payable, in the client's own account currency (the account's costed trades, not the
book's merged frame, which may be converted to USD). The client's cashback is the trades' ``rebate`` column:
under an IB program, the client's share of the IB's earnings (rebates.assign). The statement carries NO IB
earnings, shares or margins: only columns a client may see are written (issue 14: "It carries no IB earnings
or margins"). The payable is the period's exact sum rounded once and the per-trade cents are allocated by
largest remainder (rebates.allocate_cents, issue 10's one cents rule), so the printed trades add up to the
printed payable. Every file is written atomically (report.output.atomic_path), like the report workbook.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from fxcost.analysis.rebates import allocate_cents, round_cents
from fxcost.errors import ExportError
from fxcost.report.output import atomic_path, formula_like
from fxcost.report.xlsx_stream import MONEY

#: The trade columns a client sees: (frame column, header, kind). Nothing of the IB's side is among them.
TRADE_COLUMNS = (("ticket", "Ticket", "int"), ("open_time", "Open time", "datetime"),
                 ("close_time", "Close time", "datetime"), ("symbol", "Symbol", "text"), ("side", "Side", "text"),
                 ("lots", "Lots", "lots"), ("cashback", "Cashback", "money"))
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Statement:
    """What a statement prints: ``trades`` (TRADE_COLUMNS, ``cashback`` in allocated cents) and the totals."""

    account: str
    currency: str
    period: str
    trades: pd.DataFrame
    lots: float
    payable: float
    name: str = ""  # the account holder's name the statement prints ("" when none)


def bounds(period) -> tuple[np.datetime64 | None, np.datetime64 | None, str]:
    """(start, end exclusive, label) of ``period``: None (every trade), "YYYY-MM", or a (start, end) pair."""
    if period is None:
        return None, None, "all trades"
    if isinstance(period, str):
        try:
            start = np.datetime64(period, "M")
        except ValueError:
            raise ValueError(f"{period!r} is not a month such as 2024-03") from None
        return (start.astype("datetime64[ns]"), (start + np.timedelta64(1, "M")).astype("datetime64[ns]"),
                str(start))
    a, b = (pd.Timestamp(p) for p in period)
    if b <= a:
        raise ValueError(f"the period ends ({b:%Y-%m-%d}) before it starts ({a:%Y-%m-%d})")
    return (np.datetime64(a, "ns"), np.datetime64(b, "ns"),
            f"{a:%Y-%m-%d} to {(b - pd.Timedelta(days=1)):%Y-%m-%d}")


def _account(result, account: str):
    for a in result.accounts:
        if str(a.account_id) == str(account):
            return a
    known = ", ".join(str(a.account_id) for a in result.accounts[:20])
    raise ValueError(f"no client account {account!r} in this book; accounts: {known}")


def client_trades(result, program=None) -> dict[str, pd.DataFrame] | None:
    """Every account's trades priced under ``program``, the deal whose cashback clients are paid (e.g. the IB
    view's: the client's share of the IB's earnings), by account id; None when that is the main program, whose
    cashback the trades already carry. Priced once for a batch of statements."""
    if program is None or program is result.settings.main_program:
        return None
    from fxcost.analysis.whatif import Setup, repriced_by_account

    return repriced_by_account(result, Setup(f"IB: {program.name}", None, None, program))


def statement(result, account: str, period=None, program=None, priced: dict[str, pd.DataFrame] | None = None
              ) -> Statement:
    """The statement of ``account`` (an ``account_id`` of ``result.accounts``) for ``period`` (None: every trade
    of the result, which covers the analysis period when one is chosen: the statement is then labelled with it).

    ``program``: the rebate program whose cashback the client is paid (None: the main program's, the trades' own
    ``rebate``); ``priced``: :func:`client_trades` of that program, when already computed."""
    a = _account(result, account)
    if priced is None:
        priced = client_trades(result, program)
    t = a.trades if priced is None else priced.get(str(a.account_id), a.trades.iloc[0:0])
    start, end, label = bounds(period)
    chosen = str(getattr(getattr(result, "period", None), "label", "all"))
    if period is None and chosen != "all":  # issue 15: the result is cut to its period
        label = chosen
    close = t["close_time"].to_numpy("datetime64[ns]") if len(t) else np.zeros(0, "datetime64[ns]")
    sel = np.ones(len(t), dtype=bool)
    if start is not None:
        sel = (close >= start) & (close < end)
    t = t[sel].sort_values(["close_time", "ticket"], kind="stable")
    cashback = np.nan_to_num(t["rebate"].to_numpy(dtype="float64")) if "rebate" in t.columns else np.zeros(len(t))
    payable = float(round_cents(cashback.sum())) if len(t) else 0.0
    rows = pd.DataFrame({c: t[c].to_numpy() for c, _, _ in TRADE_COLUMNS if c != "cashback"})
    rows["cashback"] = allocate_cents(cashback, payable)
    return Statement(str(a.account_id), a.currency, label, rows.reset_index(drop=True),
                     float(np.round(t["lots"].sum(), 2)), payable, a.book.account.name or "")


def _text(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col, value=None if value is None else str(value))
    if isinstance(value, str) and formula_like(value):
        cell.data_type = "s"  # a symbol or label from a file never becomes a formula (issue 13)
        cell.quotePrefix = True


def write(st: Statement, path: str | os.PathLike, *, title: str = "Cashback statement") -> Path:
    """Write ``st`` as an .xlsx at ``path`` (replaced only once complete). Raises ExportError."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Statement"
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    head = (("Client account", st.account), ("Period", st.period), ("Currency", st.currency))
    for i, (k, v) in enumerate(head, start=3):
        ws.cell(row=i, column=1, value=k).font = _BOLD
        _text(ws, i, 2, v)
    totals = (("Trades", len(st.trades), "0"), ("Volume (lots)", st.lots, "0.00"),
              (f"Cashback payable ({st.currency})", st.payable, MONEY))
    for i, (k, v, fmt) in enumerate(totals, start=7):
        ws.cell(row=i, column=1, value=k).font = _BOLD
        ws.cell(row=i, column=2, value=v).number_format = fmt
    top = 11
    for j, (_, name, kind) in enumerate(TRADE_COLUMNS, start=1):
        cell = ws.cell(row=top, column=j, value=f"{name} ({st.currency})" if kind == "money" else name)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
    formats = {"datetime": "yyyy-mm-dd hh:mm:ss", "lots": "0.00", "money": MONEY, "int": "0"}
    for i, rec in enumerate(st.trades.itertuples(index=False), start=top + 1):
        for j, ((_, _, kind), v) in enumerate(zip(TRADE_COLUMNS, rec), start=1):
            if kind == "text":
                _text(ws, i, j, v)
                continue
            if kind == "datetime":
                v = None if pd.isna(v) else pd.Timestamp(v).to_pydatetime()
            elif v is not None and not pd.isna(v):
                v = int(v) if kind == "int" else float(v)
            else:
                v = None
            ws.cell(row=i, column=j, value=v).number_format = formats[kind]
    last = top + 1 + len(st.trades)
    ws.cell(row=last, column=1, value="Total").font = _BOLD
    ws.cell(row=last, column=6, value=st.lots).number_format = "0.00"
    # The printed total is the payable itself, not a SUM formula: the cells above add up to it (allocated cents).
    total = ws.cell(row=last, column=7, value=st.payable)
    total.number_format, total.font = MONEY, _BOLD
    for letter, width in zip("ABCDEFG", (24, 19, 19, 12, 12, 10, 16)):
        ws.column_dimensions[letter].width = width
    with atomic_path(path, ".xlsx.tmp") as tmp:
        wb.save(tmp)
    return Path(path)


#: The formats a statement is written in (issue 14: Excel and PDF), and ``both`` for a batch.
FORMATS = ("xlsx", "pdf")
EXTENSIONS = {".xlsx": "xlsx", ".pdf": "pdf"}


def file_name(account: str, period_label: str, fmt: str = "xlsx") -> str:
    """A file name for a statement: letters, digits, '-' and '_' only (an account label may hold '@' or '/')."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", f"statement-{account}-{period_label}").strip("_")
    return f"{safe}.{fmt}"


def _formats(fmt: str) -> tuple[str, ...]:
    if fmt == "both":
        return FORMATS
    if fmt not in FORMATS:
        raise ValueError(f"unknown statement format {fmt!r}: use xlsx, pdf or both")
    return (fmt,)


def write_as(st: Statement, path: str | os.PathLike, fmt: str, paper: str | None = None) -> Path:
    """Write ``st`` at ``path`` as ``fmt`` ("xlsx" or "pdf"). Raises ExportError."""
    if fmt == "pdf":
        from fxcost.report import pdf_statement

        return pdf_statement.write(st, path, paper=paper)
    return write(st, path)


def write_client(result, account: str, path: str | os.PathLike, period=None, fmt: str | None = None,
                 paper: str | None = None, program=None, priced: dict[str, pd.DataFrame] | None = None) -> Path:
    """The statement of one client (``account``: an ``account_id`` of the result) for ``period`` (None, "YYYY-MM"
    or a (start, end exclusive) pair) written at ``path``: the Qt-free call the app makes (issue 14).

    ``result``: the engine's AnalysisResult, or anything holding it as ``.result`` (the app's views). ``fmt``:
    "xlsx" or "pdf"; default by the path's extension (.pdf, else Excel). ``paper``: a PDF's (default by locale).
    ``program``: whose cashback the client is paid (:func:`statement`; None: the main program's); ``priced``: its
    :func:`client_trades`, computed once for a batch.
    Raises ValueError (no such account, a bad period or format) and ExportError (the file cannot be written)."""
    result = getattr(result, "result", result)
    fmt = fmt or EXTENSIONS.get(Path(path).suffix.lower(), "xlsx")
    _formats(fmt)
    if fmt == "both":
        raise ValueError("write one format per file: xlsx or pdf")
    return write_as(statement(result, account, period, program, priced), path, fmt, paper)


def write_all(result, folder: str | os.PathLike, period=None, fmt: str = "xlsx", accounts=None,
              paper: str | None = None, program=None) -> list[Path]:
    """One statement per client account of ``result`` (or of ``accounts``, account ids) into ``folder`` (created if
    missing), a client without a trade in the period included (its payable is 0.00), as ``fmt``: "xlsx", "pdf" or
    "both" (one of each). Returns the files written, in account order."""
    formats = _formats(fmt)
    out_dir = Path(folder)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create the folder {folder}: {exc.strerror or exc}.") from exc
    chosen = [str(a.account_id) for a in result.accounts] if accounts is None else [str(a) for a in accounts]
    priced = client_trades(result, program)
    statements = [statement(result, account, period, priced=priced) for account in sorted(chosen)]  # each checked first
    written: list[Path] = []
    for st in statements:
        for kind in formats:
            name = file_name(st.account, st.period, kind)
            if out_dir / name in written:  # two labels that read alike once made safe ("1 @ A/B", "1 @ A_B")
                name = f"{name[:-len(kind) - 1]}-{len(written) + 1}.{kind}"
            written.append(write_as(st, out_dir / name, kind, paper))
    return written
