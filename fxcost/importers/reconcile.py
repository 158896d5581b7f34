"""Reconciliation: the imported sums against the report's own printed totals, field by field, cash included.

Trades: Σ profit, commission, taxes (fee), swap, closed P/L, total net profit, trade count.
Cash (issue 11, :func:`reconcile_cash`): the cash ledger by kind, and

* Σ balance-type rows = printed Deposit/Withdrawal (MT4: every ``balance`` row, whatever its comment);
* Σ credit rows = printed Credit Facility;
* opening balance + Σ balance-type rows + closed P/L = printed Balance. MT5 reports give the opening balance
  (the Deals' running Balance before the first deal) and a tester starts at 0, so the check is real; an MT4
  statement of part of the history never prints it, so it is derived from the Balance and flagged as derived;
* Σ open positions' commission + swap + profit = printed Floating P/L;
* Balance + Credit + Floating P/L = printed Equity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fxcost.model import PrintedTotals, Statement
from fxcost.money import money_text

#: Two money figures agree when they differ by less than half a cent (or half a unit on
#: integer-money reports, where the report rounds every row).
MONEY_TOLERANCE = 0.005

#: Printed field -> what it is compared with, and how that imported figure is computed.
FIELDS = ("profit", "commission", "taxes", "swap", "closed_pl", "total_net_profit", "trades")


@dataclass
class Difference:
    """One field whose imported sum differs from the printed total."""

    field: str
    imported: float
    printed: float
    cause: str = ""

    @property
    def difference(self) -> float:
        return round(self.imported - self.printed, 8)

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": _round(self.imported),
            "printed": _round(self.printed),
            "difference": _round(self.difference),
            "cause": self.cause,
        }

    def __str__(self) -> str:
        text = f"{self.field}: imported {_fmt(self.imported)}, report prints {_fmt(self.printed)}"
        return text + (f" ({self.cause})" if self.cause else " (cause unknown)")


@dataclass
class CashReconciliation:
    """The cash side of one statement: its ledger by kind and the statement figures it must add up to.

    Money in the account currency, signs as printed (money in +). ``opening_balance`` is None when the
    report prints no Balance; ``opening_derived`` says it was worked out from the printed Balance (an MT4
    statement of part of the history) rather than read from the report.
    """

    cash_by_kind: dict[str, float] = field(default_factory=dict)
    balance_rows: float = 0.0  # Σ rows that move the balance (every cash row but credit and MT4 roll-ups)
    credit_rows: float = 0.0  # Σ credit rows
    closed_pl: float = 0.0  # imported closed P/L as the balance saw it (trades + roll-ups + open positions' deals)
    floating_pl: float = 0.0  # Σ open positions' commission + taxes + swap + profit
    opening_balance: float | None = None
    opening_derived: bool = False
    compared: dict[str, tuple[float, float]] = field(default_factory=dict)  # field -> (imported, printed)
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the user should know although it reconciles

    @property
    def ok(self) -> bool:
        return not self.differences

    def statement_totals(self, statement: Statement) -> dict[str, Any]:
        """The printed statement figures for the JSON ``statement_totals`` (None = not printed)."""
        p = statement.printed
        return {
            "deposit_withdrawal": p.deposit_withdrawal,
            "credit_facility": p.credit,
            "balance": p.balance,
            "floating_pl": p.floating_pl,
            "equity": p.equity,
            "opening_balance": None if self.opening_balance is None else _round(self.opening_balance),
            "opening_balance_derived": self.opening_derived,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cash_by_kind": {k: _round(v) for k, v in self.cash_by_kind.items()},
            "opening_balance": None if self.opening_balance is None else _round(self.opening_balance),
            "opening_balance_derived": self.opening_derived,
            "compared": {k: {"imported": _round(a), "printed": _round(b)} for k, (a, b) in self.compared.items()},
            "differences": {d.field: d.as_json() for d in self.differences},
            "notes": list(self.notes),
        }


@dataclass
class Reconciliation:
    """Result of comparing one statement's import with its printed totals (trades and cash)."""

    compared: dict[str, tuple[float, float]] = field(default_factory=dict)  # field -> (imported, printed)
    differences: dict[str, Difference] = field(default_factory=dict)
    cash: CashReconciliation = field(default_factory=CashReconciliation)

    @property
    def ok(self) -> bool:
        """No printed total differs (true also when the file prints none: see :attr:`checked`)."""
        return not self.differences

    @property
    def checked(self) -> bool:
        """Some printed total was compared with the import (a CSV, or a report cut short, prints none)."""
        return bool(self.compared or self.differences)

    def as_json(self) -> dict[str, Any]:
        # "ok" is null when nothing was compared: a reader of the JSON must not take "nothing to compare" for
        # "agrees" (the text and the app say "not reconciled" there).
        return {"ok": self.ok if self.checked else None, "checked": self.checked, "compared": list(self.compared),
                "differences": {k: d.as_json() for k, d in self.differences.items()}, "cash": self.cash.as_json()}


def explanation(name: str, cause: str) -> str:
    """The warning that says why a report prints a total other than the imported one by design (MT5: the deals of
    positions still open, closing deals counted as trades), which the check then allows for: a note, not a fault."""
    return f"Reconciliation, {name}: the report's total includes {cause}."


def explanations(statement: Statement) -> frozenset[str]:
    """The :func:`explanation` warnings of ``statement`` (the causes its reader kept with the printed totals)."""
    printed = statement.printed
    causes = (printed.extra.get("causes") or {}) if printed is not None else {}
    return frozenset(explanation(name, cause) for name, cause in causes.items())


def imported_totals(statement: Statement) -> dict[str, float]:
    """The figures of the import that a report prints totals for."""
    t = statement.trades
    profit = _total(t["profit"].to_numpy())
    commission = _total(t["commission"].to_numpy())
    taxes = _total(t["taxes"].to_numpy())
    swap = _total(t["swap"].to_numpy())
    return {
        "profit": profit,
        "commission": commission,
        "taxes": taxes,
        "swap": swap,
        "closed_pl": profit + commission + taxes + swap,
        "total_net_profit": profit + commission + taxes + swap,
        "trades": float(len(t)),
    }


def _total(values: Any) -> float:
    """``Series.sum()`` of a float column, bit for bit (NaN counts 0, numpy's pairwise sum), without pandas' calls
    (issue 14: a statement is reconciled twice, and a book has hundreds)."""
    a = np.asarray(values, dtype="float64")
    missing = np.isnan(a)
    if missing.any():
        a = np.where(missing, 0.0, a)
    return float(a.sum())


def _texts(values: Any) -> Any:
    """A text column as an array of str (``astype(str)``, which only text columns need not pay for)."""
    arr = values.to_numpy()
    if arr.dtype == object and set(map(type, arr.tolist())) <= {str}:
        return arr
    return values.astype(str).to_numpy()


def reconcile(statement: Statement) -> Reconciliation:
    """Compare the import with every total the report printed.

    A reader that knows why a printed figure is computed differently (e.g. commission of
    still-open MT5 positions, or a broker adjustment row counted in the report's totals)
    records the imported-side adjustment in ``printed.extra["adjust"][field]`` and the
    reason in ``printed.extra["causes"][field]``; the cause then accompanies any remaining
    difference, and an explained adjustment is itself reported as a warning by the loader.
    A gap a reader proved to be the report's own rounding (``printed.extra["rounding"][field]``: a tester's rows
    print Profit to the cent, its total sums the unrounded results) is compared within that gap.
    """
    printed = statement.printed
    imported = imported_totals(statement)
    adjust: dict[str, float] = printed.extra.get("adjust", {})
    causes: dict[str, str] = printed.extra.get("causes", {})
    result = Reconciliation()
    for name in FIELDS:
        value = getattr(printed, name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        mine = imported[name] + adjust.get(name, 0.0)
        result.compared[name] = (mine, float(value))
        limit = 0.5 if name == "trades" else _tolerance(printed, name)
        if abs(mine - float(value)) > limit:
            result.differences[name] = Difference(name, mine, float(value), causes.get(name, ""))
    result.cash = reconcile_cash(statement)
    result.compared.update(result.cash.compared)
    for diff in result.cash.differences:
        result.differences[diff.field] = diff
    return result


#: Cash fields of the reconciliation, in the order a report prints them, with the report's own label.
CASH_FIELDS = {
    "deposit_withdrawal": "Deposit/Withdrawal",
    "credit_facility": "Credit Facility",
    "balance": "Balance",
    "floating_pl": "Floating P/L",
    "equity": "Equity",
}

#: What to check when a cash field does not reconcile (shown with the difference when no reader knows better).
CASH_CAUSES = {
    "deposit_withdrawal": "the balance rows do not add up to the report's Deposit/Withdrawal: a balance row is "
                          "missing or was edited",
    "credit_facility": "the credit rows do not add up to the report's Credit Facility: a credit row is missing or "
                       "was edited",
    "balance": "the opening balance, the balance rows and the closed trades do not add up to the report's Balance: "
               "a row is missing or was edited",
    "floating_pl": "the open positions do not add up to the report's Floating P/L: an open position is missing",
    "equity": "Balance + Credit + the open positions do not add up to the report's Equity",
}


def cash_by_kind(cash: Any) -> dict[str, float]:
    """Σ amount per cash kind (account currency, signs as printed), kinds in ``model.CASH_KINDS`` order."""
    if cash is None or not len(cash):
        return {}
    return _in_kind_order(cash.groupby("kind", sort=False)["amount"].sum().to_dict())


def cash_by_kind_each(ledgers: Sequence[Any]) -> list[dict[str, float]]:
    """:func:`cash_by_kind` of each of ``ledgers`` (cash frames), grouped in one pass over them all: the same sums
    (each group's rows added in their order, as pandas adds them), without a grouping per account of a book of
    hundreds (issue 14)."""
    kept = [i for i, c in enumerate(ledgers) if c is not None and len(c)]
    out: list[dict[str, float]] = [{} for _ in ledgers]
    if not kept:
        return out
    kinds = pd.concat([ledgers[i]["kind"] for i in kept], ignore_index=True).to_numpy(dtype=object)
    amounts = pd.concat([ledgers[i]["amount"] for i in kept], ignore_index=True)
    which = np.repeat(np.arange(len(kept)), [len(ledgers[i]) for i in kept])
    sums = amounts.groupby([which, kinds], sort=False).sum()
    per: dict[int, dict[str, float]] = {}
    for (j, kind), value in sums.items():
        per.setdefault(int(j), {})[kind] = value
    for j, i in enumerate(kept):
        out[i] = _in_kind_order(per.get(j, {}))
    return out


def _in_kind_order(sums: dict[Any, Any]) -> dict[str, float]:
    """Sums per kind as floats, kinds in ``model.CASH_KINDS`` order, then any other in name order."""
    from fxcost.model import CASH_KINDS

    order = [k for k in CASH_KINDS if k in sums] + sorted(k for k in sums if k not in CASH_KINDS)
    return {k: float(sums[k]) for k in order}


def _tolerance(printed: PrintedTotals, name: str) -> float:
    """How far an imported total may be from the printed one: half a cent, or the rounding gap a reader proved."""
    return max(MONEY_TOLERANCE, float(printed.extra.get("rounding", {}).get(name, 0.0)) + 1e-9)


def reconcile_cash(statement: Statement) -> CashReconciliation:
    """The cash ledger against the statement's printed Deposit/Withdrawal, Credit, Balance, Floating P/L, Equity.

    Readers that know more record it in ``printed.extra``: ``opening_balance`` (read from the report, e.g. an
    MT5 Deals table's running Balance), ``adjust`` (money the report counts beside the trades: MT4 roll-up rows,
    MT5 deals of positions still open) and ``causes`` (why a field differs).
    """
    p = statement.printed
    cash = statement.cash
    result = CashReconciliation(cash_by_kind=cash_by_kind(cash))
    if len(cash):
        kinds = _texts(cash["kind"])
        types = _texts(cash["row_type"]) if "row_type" in cash.columns else None
        amount = cash["amount"].to_numpy(dtype="float64")
        credit = kinds == "credit"
        if types is not None:
            credit |= types == "credit"
            rollup = types == "roll-up"
        else:
            rollup = credit & False
        result.balance_rows = float(amount[~credit & ~rollup].sum())
        result.credit_rows = float(amount[credit].sum())
    adjust: dict[str, float] = p.extra.get("adjust", {})
    causes: dict[str, str] = p.extra.get("causes", {})
    t = statement.trades
    net = _total(t["profit"].to_numpy() + t["commission"].to_numpy() + t["taxes"].to_numpy()
                 + t["swap"].to_numpy()) if len(t) else 0.0
    result.closed_pl = net + adjust.get("total_net_profit", adjust.get("closed_pl", 0.0))
    o = statement.open_positions
    # MT4's Floating P/L is "Commission + Swap + Profit" of the open trades (FORMATS.md 2.6) and Equity is Balance +
    # Credit + Floating P/L. MT5 prints the open positions' Profit alone as Floating P/L, and its Equity adds their
    # swap too (the entry commission was charged to the balance when they opened): mt5-history-popov-70358000.html.
    mt5 = statement.format.startswith("mt5")
    charges = () if mt5 else ("commission", "taxes", "swap")
    result.floating_pl = float(o[["profit", *charges]].to_numpy(dtype="float64").sum()) if len(o) else 0.0
    open_swap = _total(o["swap"].to_numpy()) if mt5 and len(o) else 0.0

    def compare(name: str, mine: float, printed: float | None, cause: str = "") -> None:
        if printed is None or (isinstance(printed, float) and math.isnan(printed)):
            return
        result.compared[name] = (mine, float(printed))
        if abs(mine - float(printed)) > _tolerance(p, name) + 1e-9:
            result.differences.append(Difference(name, mine, float(printed), cause or causes.get(name, "")))

    def note_unexplained() -> None:
        # A cash difference no reader explained says what to check: the fields' default causes.
        for diff in result.differences:
            if not diff.cause:
                diff.cause = CASH_CAUSES[diff.field]

    compare("deposit_withdrawal", result.balance_rows, p.deposit_withdrawal)
    compare("credit_facility", result.credit_rows, p.credit)
    read_opening = p.extra.get("opening_balance")
    if p.balance is not None:
        moved = result.balance_rows + result.closed_pl
        if read_opening is not None:
            result.opening_balance = float(read_opening)
            compare("balance", result.opening_balance + moved, p.balance)
        else:
            # Nothing printed says where the statement's history starts: the opening balance is what the
            # Balance holds beyond the rows (FORMATS.md 6b). Zero for a statement of the whole history, whose rows
            # then add up to the Balance (a real check); above zero for a statement of part of it, whose Balance
            # the rows cannot check (not listed as compared); below zero for none: an account's history starts
            # from nothing, so the rows miss money the Balance holds (a real Tradeslide statement: a 100 000.00
            # deposit and 8 205.65 of closed P/L against a Balance of 94 174.94 said "reconciled").
            opening = round(float(p.balance) - moved, 8)
            result.opening_derived = True
            result.opening_balance = opening if opening > MONEY_TOLERANCE else 0.0
            if opening > MONEY_TOLERANCE:
                printed_pl = p.closed_pl if p.closed_pl is not None else p.total_net_profit
                disputed = printed_pl is not None and abs(printed_pl - result.closed_pl) > _tolerance(p, "closed_pl")
                result.notes.append(
                    f"The statement covers part of the account's history: its Balance {_fmt(p.balance)} includes "
                    f"an opening balance of {_fmt(opening)} that it does not print (derived: Balance "
                    f"- deposits/withdrawals {_fmt(result.balance_rows)} - closed P/L {_fmt(result.closed_pl)})."
                    + (f" The closed P/L is the rows'; with the report's own {_fmt(printed_pl)}, which does not "
                       f"reconcile with them, it would be {_fmt(float(p.balance) - result.balance_rows - printed_pl)}."
                       if disputed and printed_pl is not None else "")
                    + (" Its Deposit/Withdrawal does not reconcile either: rows may be missing from the file rather "
                       "than history before it." if any(d.field == "deposit_withdrawal" for d in result.differences)
                       else "")
                )
            elif opening >= -MONEY_TOLERANCE or (last := _after_last_row(statement)) is None:
                compare("balance", moved, p.balance, "" if opening >= -MONEY_TOLERANCE else (
                    f"the deposits/withdrawals {_fmt(result.balance_rows)} and the closed P/L "
                    f"{_fmt(result.closed_pl)} add up to {_fmt(moved)}, more than the Balance, and no earlier history "
                    "explains that (an account starts from nothing): a missing row or an edit"))
            else:
                # A statement of a period prints the Balance at the time of the report: trades closed after its last
                # row count in it (the real Tradeslide statement: rows to 2023-12-29, made on 2024-01-19). Said, and
                # not a check; only with no such gap is a Balance below the rows a difference.
                result.notes.append(
                    f"The rows add up to {_fmt(moved)} (deposits/withdrawals {_fmt(result.balance_rows)} + closed P/L "
                    f"{_fmt(result.closed_pl)}), {_fmt(-opening)} more than the report's Balance {_fmt(p.balance)}: "
                    f"the report was made on {last[1]:%Y-%m-%d %H:%M}, after its last row ({last[0]:%Y-%m-%d}), and "
                    "its Balance counts what was closed in between, which a statement of a period does not list. "
                    "fxcost's figures are the rows'; for the Balance, export the history up to the report's date."
                )
    compare("floating_pl", result.floating_pl, p.floating_pl)
    if p.equity is not None and p.balance is not None:
        compare("equity", float(p.balance) + float(p.credit or 0.0) + result.floating_pl + open_swap, p.equity)
    note_unexplained()
    return result


def _after_last_row(statement: Statement) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(the last closed trade's or cash row's time, the report's time) when the report was made at least a day after
    its last row, else None."""
    made = statement.account.report_time
    times = [x for x in (statement.trades["close_time"], statement.cash["time"]) if len(x)]
    if made is None or pd.isna(made) or not times:
        return None
    last = max(pd.Timestamp(x.max()) for x in times)
    return (last, pd.Timestamp(made)) if not pd.isna(last) and pd.Timestamp(made) - last >= pd.Timedelta(days=1) else None


def _round(value: float) -> float:
    return round(value, 2) if not float(value).is_integer() else float(value)


def _fmt(value: float) -> str:
    return money_text(value)  # the one money formatter (issue 10): "-348 604.00"


def cash_warnings(statement: Statement, explained: tuple[str, ...] = ()) -> list[str]:
    """Warnings for a reader to add: the cash reconciliation's notes and each difference with its cause
    (fields in ``explained`` already have the reader's own warning)."""
    result = reconcile_cash(statement)
    out = list(result.notes)
    for d in result.differences:
        if d.field not in explained:
            out.append(f"Reconciliation: {d.field} imported {_fmt(d.imported)}, the report prints "
                       f"{CASH_FIELDS[d.field]} {_fmt(d.printed)} ({d.cause}).")
    return out
