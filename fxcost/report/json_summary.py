"""The JSON summary written by ``report --json``: files, counts, totals, printed totals, reconciliation."""

from __future__ import annotations

import json
import math
import os
import tempfile
from typing import Any

import pandas as pd

from fxcost import __version__
from fxcost.model import FORMATS, PrintedTotals
from fxcost.portfolio import AccountBook, Portfolio

STATEMENT_FIELDS = ("profit", "commission", "taxes", "swap", "closed_pl", "total_net_profit", "trades")


def _money(value: float) -> float:
    return round(float(value), 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def counts(trades: pd.DataFrame, open_positions: pd.DataFrame, orders: pd.DataFrame, cash: pd.DataFrame) -> dict:
    return {
        "closed_trades": int(len(trades)),
        "open_positions": int(len(open_positions)),
        "cancelled_orders": int((orders["state"] != "working").sum()),
        "working_orders": int((orders["state"] == "working").sum()),
        "cash_events": int(len(cash)),
    }


def totals(trades: pd.DataFrame, cash: pd.DataFrame) -> dict:
    """Sums over closed trades and cash events. Withdrawals are negative (money out)."""
    profit, commission = float(trades["profit"].sum()), float(trades["commission"].sum())
    taxes, swap = float(trades["taxes"].sum()), float(trades["swap"].sum())
    kind = cash["kind"]
    return {
        "lots": round(float(trades["lots"].sum()), 4),
        "profit": _money(profit),
        "commission": _money(commission),
        "taxes": _money(taxes),
        "swap": _money(swap),
        "broker_net": _money(profit + commission + taxes + swap),
        "deposits": _money(cash.loc[kind == "deposit", "amount"].sum()),
        "withdrawals": _money(cash.loc[kind == "withdrawal", "amount"].sum()),
        "credit": _money(cash.loc[kind == "credit", "amount"].sum()),
        "rebate_like": _money(cash.loc[kind == "rebate", "amount"].sum()),
    }


def statement_totals(printed: list[PrintedTotals]) -> dict:
    """Printed totals; over several files a field is summed only when every file prints it."""
    out: dict[str, Any] = {}
    for name in STATEMENT_FIELDS:
        values = [getattr(p, name) for p in printed]
        if values and all(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in values):
            total = sum(values)
            out[name] = int(total) if name == "trades" else _money(total)
        else:
            out[name] = None
    return out


def _book_json(book: AccountBook, portfolio: Portfolio) -> dict:
    files = [f for f in portfolio.files if f.account_key == book.key]
    return {
        "account": {**book.account.as_json(), "label": book.label},
        "files": book.files,
        "backtest": book.is_backtest,
        "counts": counts(book.trades, book.open_positions, book.orders, book.cash),
        "totals": totals(book.trades, book.cash),
        "statement_totals": statement_totals([f.statement.printed for f in files]),
    }


def summary(portfolio: Portfolio) -> dict:
    """The whole JSON document for a portfolio."""
    trades, cash = portfolio.frame("trades"), portfolio.frame("cash")
    many = len(portfolio.files) > 1
    differences: dict[str, Any] = {}
    for f in portfolio.files:
        for name, diff in f.reconciliation.differences.items():
            differences[f"{f.statement.path}: {name}" if many else name] = diff.as_json()
    warnings: list[str] = []
    for f in portfolio.files:
        prefix = f"{os.path.basename(f.statement.path)}: " if many else ""
        warnings += [prefix + w for w in f.statement.warnings]
        warnings += [prefix + "does not reconcile: " + str(d) for d in f.reconciliation.differences.values()]
        if f.statement.skipped:
            warnings.append(prefix + f"{len(f.statement.skipped)} row(s) skipped")
    warnings += portfolio.warnings
    warnings += [f"{os.path.basename(p)}: not imported: {m}" for p, m in portfolio.failures]
    doc = {
        "fxcost_version": __version__,
        "files": [
            {
                "path": f.statement.path,
                "format": f.statement.format,
                "format_name": FORMATS.get(f.statement.format, f.statement.format),
                "backtest": f.statement.is_backtest,
                "account": f.statement.account.as_json(),
                "reconciliation": f.reconciliation.as_json(),
                "skipped_rows": [
                    {"section": s.section, "row": s.row, "reason": s.reason, "text": s.text} for s in f.statement.skipped
                ],
            }
            for f in portfolio.files
        ],
        "counts": counts(trades, portfolio.frame("open_positions"), portfolio.frame("orders"), cash),
        "totals": totals(trades, cash),
        "statement_totals": statement_totals([f.statement.printed for f in portfolio.files]),
        "reconciliation": {"ok": not differences, "differences": differences},
        "warnings": warnings,
        "failures": [{"path": p, "message": m} for p, m in portfolio.failures],
    }
    if many:
        doc["accounts"] = [_book_json(book, portfolio) for book in portfolio.accounts]
    return doc


def write_json(doc: dict, path: str) -> None:
    """Write atomically: a crash mid-write never leaves a half-written file behind."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".fxcost-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2, ensure_ascii=False, default=str)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _num(value) -> float | None:
    """JSON-safe number: None for NaN/inf/missing, cents for money."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return round(f, 6) + 0.0 if math.isfinite(f) else None


def cost_totals(t: pd.DataFrame) -> dict:
    """The `costs` block: sums, per lot, in pips and in bps of notional (docs/ENGINE.md)."""
    lots = float(t["lots"].sum())
    lot_pips = float((t["lots"] * t["pip_value"]).where(t["pip_value"].notna()).sum())
    notional_usd = float(t["notional_usd"].sum())
    usd = t["usd_rate"].to_numpy()
    tc, ntc = float(t["transaction_cost"].sum()), float(t["net_transaction_cost"].sum())
    tc_usd, ntc_usd = float((t["transaction_cost"] * usd).sum()), float((t["net_transaction_cost"] * usd).sum())
    return {
        "spread_cost": _money(t["spread_cost"].sum()),
        "commission": _money(t["commission"].sum()),
        "taxes": _money(t["taxes"].sum()),
        "swap": _money(t["swap"].sum()),
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
        "spread_estimated_trades": int((~t["spread_source"].astype(str).str.startswith("measured")).sum()),
        "spread_measured_trades": int(t["spread_source"].astype(str).str.startswith("measured").sum()),
    }


def _frame_records(df: pd.DataFrame | None) -> list[dict]:
    if df is None or not len(df):
        return []
    out = []
    for rec in df.to_dict(orient="records"):
        row = {}
        for k, v in rec.items():
            if isinstance(v, pd.Timestamp):
                row[k] = v.isoformat(sep=" ")
            elif isinstance(v, (float, int)) and not isinstance(v, bool):
                row[k] = _num(v)
            elif v is pd.NaT or v is None:
                row[k] = None
            else:
                row[k] = v if isinstance(v, (str, bool)) else str(v)
        out.append(row)
    return out


def analysis_summary(result) -> dict:
    """The engine's blocks of the JSON: costs, breakeven, rebate, whatif, by_symbol."""
    from fxcost.analysis import aggregate, breakeven, whatif

    t = result.trades
    be = breakeven.summary(t)
    reasons = t.loc[~t["eligible"], "excluded_reason"].value_counts()
    payouts = []
    matches = []
    for a in result.accounts:
        payouts += [{"account": a.book.label, **r} for r in _frame_records(a.payouts)]
        matches += [{"account": a.book.label, **r} for r in _frame_records(a.payout_matches)]
    settings = result.settings
    main = settings.main_program
    return {
        "currency": result.currency,
        "assumptions": {
            "spread_profile": settings.profile.name,
            "spread_profile_source": settings.profile.source,
            "program": getattr(main, "name", None),
            "commission_schedule": settings.commission.as_dict() if settings.commission else None,
            "server_utc_offset": settings.server_utc_offset,
            "leverage": settings.leverage,
        },
        "costs": cost_totals(t),
        "breakeven": {k: _num(v) if not isinstance(v, str) else v for k, v in be.items()},
        "rebate": {
            "program": getattr(main, "name", None),
            "eligible_trades": int(t["eligible"].sum()) if main is not None else 0,
            "excluded_trades": int((~t["eligible"]).sum()) if main is not None else 0,
            "by_reason": {str(k): int(v) for k, v in reasons.items()},
            "payouts": payouts,
            "payout_matches": matches,
        },
        "whatif": [o.as_json() for o in whatif.compare(result)],
        "by_symbol": _frame_records(aggregate.by(t, "symbol").reset_index()),
    }
