"""Reconcile a broker's partner report with the modelled IB earnings, per client account and month (issue 14).

The modelled side is the engine's costed trades: ``ib_earnings`` (else ``rebate``) summed per account and server
month of close time, each client-month rounded once to the cent (rebates.round_cents, issue 10's one cents rule).
The reported side is the partner report's rewards (fxcost.importers.partner_report) summed the same way. A
client-month whose two sides differ by more than a cent is named, with the side that is missing when only one
side has it ("not in the partner report": the broker did not pay for trades fxcost costed; "not in the
statements": the broker paid for a client or month none of the imported statements holds).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from fxcost.analysis.rebates import cents_within, round_cents
from fxcost.money import money_text

if TYPE_CHECKING:  # the engine and the importer are only named in annotations here
    from fxcost.analysis.engine import AnalysisResult
    from fxcost.analysis.programs import RebateProgram
    from fxcost.importers.partner_report import PartnerReport

#: Per client-month: the status words of ``status``.
MATCHED, DIFFERS, NOT_REPORTED, NOT_MODELLED = "ok", "differs", "not in the partner report", "not in the statements"
#: A client-month differing by more than this (money) is named; a cent is rounding on either side.
TOLERANCE = 0.01
COLUMNS = ("account", "month", "modelled_lots", "reported_lots", "modelled", "reported", "difference", "status")


@dataclass(frozen=True)
class Reconciliation:
    """``rows``: one per client-month on either side (columns COLUMNS, sorted by account then month; money in
    cents; lots NaN where the side has none). ``currency``: the modelled side's; ``notes``: what the reader
    must know (another currency in the report, rows the report skipped)."""

    rows: pd.DataFrame
    currency: str
    notes: list[str] = field(default_factory=list)

    @property
    def differing(self) -> pd.DataFrame:
        return self.rows[self.rows["status"] != MATCHED].reset_index(drop=True)

    @property
    def reconciles(self) -> bool:
        return bool(len(self.rows)) and not len(self.differing)

    def totals(self) -> dict[str, float]:
        return {"modelled": float(round_cents(self.rows["modelled"].sum())),
                "reported": float(round_cents(self.rows["reported"].sum())),
                "difference": float(round_cents(self.rows["difference"].sum()))}

    def lines(self) -> list[str]:
        """The reconciliation as text lines (the CLI prints them)."""
        t = self.totals()
        m = partial(money_text, currency=self.currency, sep=",")  # the one money formatter (issue 10)
        out = [f"Partner report: {len(self.rows)} client-months, modelled {m(t['modelled'])} against reported "
               f"{m(t['reported'])} {self.currency} (difference {_signed(m(t['difference']))})."]
        diff = self.differing
        if not len(diff):
            out.append("Every client-month agrees to the cent." if len(self.rows) else "Nothing to reconcile.")
        for r in diff.itertuples(index=False):
            what = (f"differs by {_signed(m(r.difference))}" if r.status == DIFFERS else str(r.status))
            out.append(f"  {r.account} {r.month}: modelled {m(r.modelled)}, reported {m(r.reported)} ({what})")
        out += [f"  Note: {n}" for n in self.notes]
        return out

    def json(self) -> dict[str, Any]:
        """The ``partner_reconciliation`` block of the JSON summary: totals, every client-month, the differing ones."""
        def records(frame: pd.DataFrame) -> list[dict[Hashable, Any]]:
            return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in rec.items()}
                    for rec in frame.to_dict("records")]

        return {"currency": self.currency, "reconciles": self.reconciles, **self.totals(),
                "rows": records(self.rows), "differing": records(self.differing), "notes": list(self.notes)}


def modelled(trades: pd.DataFrame) -> pd.DataFrame:
    """The modelled IB earnings per account and close month: columns account, month ("YYYY-MM"), lots, earnings
    (each client-month's cents allocated within the client's exact sum rounded once, as ib.ib_rollup's
    ``by_client_month``)."""
    if not len(trades):
        return pd.DataFrame({"account": pd.Series(dtype=object), "month": pd.Series(dtype=object),
                             "lots": pd.Series(dtype="float64"), "earnings": pd.Series(dtype="float64")})
    earnings = trades["ib_earnings" if "ib_earnings" in trades.columns else "rebate"].to_numpy(dtype="float64")
    frame = pd.DataFrame({
        "account": trades["account"].astype(str).to_numpy(dtype=object),
        "month": np.datetime_as_string(trades["close_time"].to_numpy("datetime64[ns]").astype("datetime64[M]"),
                                       unit="M").astype(object),
        "lots": trades["lots"].to_numpy(dtype="float64"),
        "earnings": np.nan_to_num(earnings),
    })
    out = frame.groupby(["account", "month"], sort=True, as_index=False).sum()
    # The one cents rule (issue 10), as the IB view's By client and month: each client's months share out the
    # client's own total rounded once, so the modelled figures are the ones the IB view shows.
    out["earnings"] = cents_within(out["earnings"].to_numpy(), out["account"].to_numpy())
    return out


def reconcile(trades: pd.DataFrame, report: PartnerReport | pd.DataFrame, currency: str = "USD",
              tolerance: float = TOLERANCE) -> Reconciliation:
    """Reconcile the costed ``trades`` (an engine result's ``trades``, priced under the IB's program) with a
    :class:`fxcost.importers.partner_report.PartnerReport` (or its ``rows`` frame). ``currency``: the trades'."""
    rows = cast(pd.DataFrame, getattr(report, "rows", report))  # a PartnerReport's rows, or the frame given
    notes = []
    other = sorted({c for c in rows["currency"] if c and c != currency}) if "currency" in rows else []
    if other:
        notes.append(f"The partner report pays in {', '.join(other)}, the statements are costed in {currency}: "
                     "the amounts are compared as printed, without conversion.")
    skipped = getattr(report, "skipped", [])
    if skipped:
        notes.append(f"{len(skipped)} row(s) of the partner report are not client rows and were left out "
                     f"(first: line {skipped[0][0]}, {skipped[0][1]}).")
    notes += list(getattr(report, "notes", []))
    mine = modelled(trades)
    accounts, note = _logins(rows["account"].astype(str), mine["account"])
    notes += [note] if note else []
    theirs = rows.assign(account=accounts).groupby(["account", "month"], sort=True,
                                                                      as_index=False)[["volume", "reward"]].sum(
        min_count=1)
    theirs["reward"] = round_cents(theirs["reward"].fillna(0.0).to_numpy())
    both = mine.merge(theirs, on=["account", "month"], how="outer", indicator=True)
    m = both["earnings"].fillna(0.0).to_numpy()
    r = both["reward"].fillna(0.0).to_numpy()
    diff = round_cents(r - m)
    status = np.where(both["_merge"] == "left_only", NOT_REPORTED,
                      np.where(both["_merge"] == "right_only", NOT_MODELLED,
                               np.where(np.abs(diff) > tolerance + 1e-9, DIFFERS, MATCHED)))
    # A side missing with nothing on the other (a zero-earning month) is no difference.
    status = np.where((status != DIFFERS) & (status != MATCHED) & (np.abs(diff) <= tolerance + 1e-9), MATCHED, status)
    out = pd.DataFrame({
        "account": both["account"].astype(object), "month": both["month"].astype(object),
        "modelled_lots": both["lots"].to_numpy(dtype="float64"),
        "reported_lots": both["volume"].to_numpy(dtype="float64"),
        "modelled": m + 0.0, "reported": r + 0.0, "difference": diff, "status": status.astype(object),
    }).sort_values(["account", "month"], ignore_index=True)
    return Reconciliation(out, currency, notes)


def _logins(reported: pd.Series, ours: pd.Series) -> tuple[pd.Series, str]:
    """The report's accounts as the book names them: a portal prints the login alone, the book names an account
    "login (broker)" where the login is at two brokers (issue 10: accounts keep their identity). A login that
    names exactly one such account is that account; one that names several is left alone, with a note."""
    known = set(ours)
    by_login: dict[str, list[str]] = {}
    for name in known:
        by_login.setdefault(str(name).split(" (", 1)[0], []).append(name)
    unknown = sorted(set(reported) - known)
    mapping = {a: by_login[a][0] for a in unknown if len(by_login.get(a, [])) == 1}
    ambiguous = [a for a in unknown if len(by_login.get(a, [])) > 1]
    note = (f"Login(s) {', '.join(ambiguous)} of the partner report are accounts at more than one broker in the "
            "statements: the report cannot say which, so they are not matched." if ambiguous else "")
    return reported.replace(mapping) if mapping else reported, note


def reconcile_result(result: AnalysisResult, report: PartnerReport | pd.DataFrame,
                     ib_program: RebateProgram | None = None) -> Reconciliation:
    """:func:`reconcile` of an engine result, priced as the IB roll-up prices it: under ``ib_program`` (the IB
    view's program) when it is not the main program, else the result's own trades."""
    from fxcost.analysis import whatif
    from fxcost.analysis.engine import Setup

    trades = result.trades
    main = result.settings.main_program
    if ib_program is not None and ib_program is not main and len(trades):
        trades = whatif.reprice(result, Setup(f"IB: {ib_program.name}", None, None, ib_program))
    return reconcile(trades, report, result.currency)


def _signed(text: str) -> str:
    """A money text with its sign: "+1,234.50" / "-3.00"."""
    return text if text.startswith(("-", "n/a")) else f"+{text}"
