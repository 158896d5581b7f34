"""The report's Summary sheet: accounts, period, key figures, reconciliation, assumptions and warnings."""

from __future__ import annotations

import datetime as dt
import os
import re

from fxcost import __version__
from fxcost.money import money_text
from fxcost.report.print_rules import field_label
from fxcost.report.xlsx_stream import SheetStream
from fxcost.summary import spreads as spread_summary
from fxcost.summary.build import account_currency_text, scope_notes

#: The Reconciliation sheet's last line by the document's ``reconciliation.ok`` (null: some file prints no totals).
_RECONCILED_NOTE = {
    True: "Every printed total agrees with the import.",
    False: "Some printed totals differ from the import: see the rows above and the warnings.",
    None: "Not every file is reconciled: a file marked above prints no totals to compare (a CSV, or a report cut "
          "short); every total that is printed agrees with the import.",
}



#: The spread source of a backtest's trades (engine: "tester: fixed 19 points").
_TESTER_SPREAD = re.compile(r"tester: fixed (\d+(?:\.\d+)?) points")

class SummarySheet:
    """The Summary sheet, mixed into the report book (fxcost.report.xlsx_book.Book)."""

    def _summary(self) -> None:
        s = self.sheets["Summary"]
        s.widths([44, 22, 36, 12, 12, 12, 12, 12, 19, 19, 30])
        doc, result = self.doc, self.result
        m = self.money
        t = self.t
        costs, totals, counts = doc.get("costs") or {}, doc.get("totals") or {}, doc.get("counts") or {}
        be = doc.get("breakeven") or {}
        eff = be.get("equity_effect") or {}
        s.append(["fxcost report: trading costs and cashback"], "title")
        # Issue 11: a file that does not reconcile, had rows skipped or derived its opening balance, first.
        for a in doc.get("alerts") or []:
            s.append([("ATTENTION: " if a["severity"] == "error" else "NOTE: ") + a["headline"]],
                     "warn" if a["severity"] == "error" else "note")
            for d in a["details"]:
                s.append([f"  {d}"], "note")
        s.append([f"Written {dt.datetime.now():%Y-%m-%d %H:%M} by fxcost {__version__}. Money in {self.currency} "
                  "unless a column says otherwise; times are broker server time as printed."], "note")
        currencies = sorted({a.currency for a in result.accounts})
        if len(currencies) > 1:
            rates = ", ".join(f"1 {a.currency} = {a.usd_rate:.6g} {self.currency}" for a in result.accounts
                              if a.currency != self.currency)
            s.append([f"Accounts in {', '.join(currencies)}: every figure headed ({self.currency}) is converted to "
                      f"{self.currency} ({rates}), per-account tables too (By account, IB); columns headed "
                      "\"account currency\" (payouts, cash events) stay in the currency of their Ccy column."],
                     "warn")
        s.append(["The spread cost is an estimate and is already inside MetaTrader's Profit: it explains the "
                  "P&L, it is never subtracted from it again."], "note")
        s.skip()
        s.append(["Accounts"], "section")
        accounts = []
        for a in result.accounts:
            acct, trades = a.book.account, a.trades
            accounts.append({
                "label": a.book.label, "name": acct.name, "broker": acct.broker or acct.server,
                "currency": a.currency, "leverage": a.leverage if a.leverage else NOT_PRINTED,
                "account_type": acct.account_type or NOT_PRINTED, "margin_mode": _margin_mode(acct),
                "trades": len(trades),
                "first": trades["open_time"].min() if len(trades) else None,
                "last": trades["close_time"].max() if len(trades) else None,
                "files": ", ".join(os.path.basename(f) for f in a.book.files),
            })
        self.table(s, [("label", "Account", None), ("name", "Name", None), ("broker", "Broker / server", None),
                       ("currency", "Currency", None), ("leverage", "Leverage (1:N)", "count"),
                       ("account_type", "Account type", None), ("margin_mode", "Margin mode", None),
                       ("trades", "Closed trades", "count"),
                       ("first", "First open", "datetime"), ("last", "Last close", "datetime"),
                       ("files", "Files", None)], accounts, fit_text=False)
        s.skip()
        s.append(["Period"], "section")
        first = t["open_time"].min() if len(t) else None
        last = t["close_time"].max() if len(t) else None
        self.pairs(s, [("First trade opened", first, "datetime"), ("Last trade closed", last, "datetime")])
        chosen = doc.get("period") or {}
        if chosen.get("label", "all") != "all":  # issue 15: every figure of the report covers this period
            self.pairs(s, [("Period chosen", chosen["label"], None,
                            "trades by close time; cash and payouts by their own dates")])
            for note in scope_notes(doc)[1:]:  # the reconciliation is of the whole file; projection, drawdown
                s.append([note], "note")
        s.skip()
        s.append(["Key figures", "Value", "Note"], "header")
        self.pairs(s, [
            ("Closed trades", counts.get("closed_trades"), "count"),
            ("Lots", totals.get("lots"), "lots"),
            (m("Profit (MetaTrader)"), costs.get("profit"), "money", "price result at executed prices"),
            (m("Commission"), costs.get("commission"), "money", "negative = charged"),
            (m("Taxes / fees"), costs.get("taxes"), "money"),
            (m("Swap"), costs.get("swap"), "money", "carry, shown apart; + is income"),
            (m("Swap incl. financing"), costs.get("swap_incl_financing"), "money",
             f"+ financing rows booked as balance rows ({money_text(costs.get('financing') or 0, currency=self.currency)}); not in broker net"),
            (m("Broker net"), costs.get("broker_net"), "money_bold", "Profit + commission + taxes + swap"),
            (m("Spread cost (estimated)"), costs.get("spread_cost"), "money", "already inside Profit"),
            (m("P&L at mid prices (estimated)"), costs.get("mid_pnl"), "money", "Profit + spread cost"),
            (m("Transaction cost"), costs.get("transaction_cost"), "money", "spread + commission + taxes"),
            (m("Rebate (cashback accrued)"), costs.get("rebate"), "money"),
            (m("Net transaction cost"), costs.get("net_transaction_cost"), "money", "after rebate"),
            (m("Net after rebate"), costs.get("net_after_rebate"), "money_bold", "broker net + rebate"),
            (m("Cost per lot before rebate"), costs.get("cost_per_lot"), "money"),
            (m("Cost per lot after rebate"), costs.get("cost_per_lot_after"), "money"),
            ("Cost pips per lot before rebate", costs.get("cost_pips_per_lot_before"), "number2"),
            ("Cost pips per lot after rebate", costs.get("cost_pips_per_lot_after"), "number2"),
            ("Cost in bps of notional before rebate", costs.get("bps_before"), "number2"),
            ("Cost in bps of notional after rebate", costs.get("bps"), "number2"),
            ("USD per million before rebate", costs.get("usd_per_million_before"), "money"),
            ("USD per million after rebate", costs.get("usd_per_million"), "money"),
            ("Notional USD", costs.get("notional_usd"), "money0"),
            ("Break-even win rate before rebate", be.get("win_rate_before"), "pct"),
            ("Break-even win rate after rebate", be.get("win_rate_after"), "pct"),
            ("Actual win rate", be.get("actual_win_rate"), "pct"),
            ("Share of costs covered by rebates", eff.get("share_of_costs_covered"), "pct"),
            (m("Max drawdown without / with rebates"), eff.get("max_drawdown_without"), "money",
             _fmt_money(eff.get("max_drawdown_with"), self.currency)),
            ("Trades with a measured spread", costs.get("spread_measured_trades"), "count"),
            ("Trades with an estimated spread", costs.get("spread_estimated_trades"), "count"),
            (m("Deposits"), totals.get("deposits"), "money"),
            (m("Withdrawals"), totals.get("withdrawals"), "money"),
            (m("Credit"), totals.get("credit"), "money"),
            (m("Rebate rows in the statement"), totals.get("rebate_like"), "money"),
            ("Open positions (not costed)", counts.get("open_positions"), "count"),
            ("Cancelled orders (not costed)", counts.get("cancelled_orders"), "count"),
            ("Working (pending) orders (not costed)", counts.get("working_orders"), "count",
             "still open when the statement was printed"),
        ])
        s.skip()
        self._reconciliation(s)
        s.skip()
        self._assumptions(s)
        warnings = doc.get("warnings") or []
        if warnings:
            s.skip()
            s.append(["Warnings"], "section")
            for w in warnings:
                s.append([w], "warn")

    def _reconciliation(self, s: SheetStream) -> None:
        s.append(["Reconciliation with the report's printed totals"], "section")
        for note in scope_notes(self.doc)[1:2]:  # issue 15: of the whole file, whatever the period
            s.append([note], "note")
        rows = []
        for f in self.result.portfolio.files:
            rec = f.reconciliation
            name = os.path.basename(f.statement.path)
            if not rec.compared:
                rows.append({"file": name, "result": "the report prints no totals to compare"})
            for fld, (imported, printed) in rec.compared.items():
                diff = rec.differences.get(fld)
                # To the cent, as printed: the import's float sums carry noise like -4494.9800000000005.
                rows.append({"file": name, "field": field_label(fld), "imported": round(imported, 2) + 0.0,
                             "printed": round(printed, 2) + 0.0, "difference": round(imported - printed, 2) + 0.0,
                             "result": "agrees" if diff is None else f"DIFFERENCE: {diff.cause or 'cause unknown'}"})
        self.table(s, [("file", "File", None), ("field", "Printed total", None), ("imported", "Imported", "money"),
                       ("printed", "Printed", "money"), ("difference", "Difference", "money"),
                       ("result", "Result", None)], rows, fit_text=False)
        ok = (self.doc.get("reconciliation") or {}).get("ok")
        s.append([_RECONCILED_NOTE.get(ok, _RECONCILED_NOTE[None])], "note")

    def _assumptions(self, s: SheetStream) -> None:
        settings = self.result.settings
        profile = settings.profile
        s.append(["Assumptions"], "section")
        offsets = ", ".join(f"{k}: {v:+g} h" for k, v in settings.utc_offsets.items())
        commission = settings.commission
        self.pairs(s, [
            ("Spread profile", profile.name, None, profile.path and os.path.basename(profile.path)),
            ("Profile source", profile.source, None, profile.date),
            ("Commission schedule (where the export has none)",
             commission.name if commission else "none: commission as exported", None,
             _schedule_text(commission, account_currency_text(self.result)) if commission else ""),
            ("Server time minus UTC (hours)", settings.server_utc_offset, "number2", offsets),
            ("Leverage override", settings.leverage, "count"),
            ("Swap counted as a cost in break-even", "yes" if settings.include_swap_in_cost else "no", None),
            ("Market data files for measured spreads", len(settings.market_data), "count"),
        ])
        self._profile_table(s)
        self._spread_table(s)
        program = settings.main_program
        s.skip()
        s.append(["Rebate program"], "section")
        if program is None:
            s.append(["none: no rebate is accrued"], "note")
        else:
            self._program_rows(s, program)
            for other in settings.programs[1:]:
                s.append([f"Compared program: {other.name}"], "bold")
                self._program_rows(s, other)

    def _profile_table(self, s: SheetStream) -> None:
        """The profile's spreads for the symbols and categories traded, with the trades each one priced."""
        t = self.t
        # "auto" picks a profile per account: look each spread up in the profile its trades were priced with.
        candidates = [self.result.settings.profile, *(getattr(a, "profile", None) for a in self.result.accounts)]
        profiles = {p.name: p for p in candidates if p is not None and getattr(p, "spreads", None) is not None}
        if not len(t):
            return
        used = t.groupby(["symbol_root", "category", "spread_source"], observed=True).size().reset_index(name="n")
        rows = []
        for rec in used.to_dict("records"):
            root, cat, source = rec["symbol_root"], rec["category"], rec["spread_source"]
            named = str(source).removeprefix("profile: ")
            profile = next((p for name, p in profiles.items() if named.startswith(name)), None)
            entry = profile and (profile.spreads.get(str(root).upper()) or profile.categories.get(cat))
            fixed = _TESTER_SPREAD.match(str(source))  # a backtest's own spread: its points (an EA trial found it empty)
            rows.append({"symbol": root, "category": cat, "source_used": source, "trades": rec["n"],
                         "value": entry.value if entry and source.startswith("profile") else
                         float(fixed.group(1)) if fixed else None,
                         "unit": entry.unit if entry and source.startswith("profile") else "points" if fixed else "",
                         "source": entry.source if entry and source.startswith("profile") else "",
                         "date": entry.date if entry and source.startswith("profile") else ""})
        s.skip()
        s.append(["Spreads used (round turn)"], "bold")
        self.table(s, [("symbol", "Symbol", None), ("category", "Category", None), ("value", "Spread", "number4"),
                       ("unit", "Unit", None), ("trades", "Trades", "count"), ("source_used", "Spread from", None),
                       ("source", "Source", None), ("date", "Date", None)], rows, fit_text=False)

    def _spread_table(self, s: SheetStream) -> None:
        """Issue 12: every account's symbols with the spread used, its source and its evidence (the summary's
        ``assumptions.spread_table``), and the broker catalogue entry Auto picked with its reason."""
        a = self.doc.get("assumptions") or {}
        rows = a.get("spread_table") or []
        picks = [c for c in a.get("spread_profiles") or [] if c.get("catalogue")]
        if not rows and not picks:
            return
        s.skip()
        s.append(["Spread per account and symbol (pips, round turn; docs/SPREADS.md)"], "bold")
        self.table(s, [("account", "Account", None), ("symbol", "Symbol", None), ("category", "Category", None),
                       ("spread_pips", "Spread used", "number4"), ("source", "Source", None),
                       ("trades", "Trades", "count"), ("pairs", "Same-second pairs", "count"),
                       ("negative", "Swapped pairs", "count"), ("median_pips", "Median of pairs", "number4"),
                       ("iqr_pips", "IQR of pairs", "number4"), ("profile_pips", "Profile", "number4"),
                       ("ratio", "Observed / profile", "number4"), ("catalogue_pips", "Catalogue", "number4"),
                       ("catalogue_source", "Catalogue source and date", None), ("note", "Pairs not used because", None),
                       ("label", "Spread from", None)], rows, fit_text=False)
        used = spread_summary.profile_used(rows)  # a backtest's spreads are all the tester's: no entry, no clock
        for c in picks:
            if str(c["account"]) in used:
                s.append([f"Broker catalogue entry, account {c['account']}", c["catalogue"], c.get("reason") or ""])
        for c in a.get("spread_profiles") or []:
            if c.get("time_of_day_clock") and str(c["account"]) in used:
                s.append([f"Time-of-day server clock, account {c['account']}", c["time_of_day_clock"]])

    def _program_rows(self, s: SheetStream, program) -> None:
        e, p = program.eligibility, program.payout
        self.pairs(s, [
            ("Program", program.name, None, program.description),
            ("Currency / lot basis", f"{program.currency}, {program.lot_basis.replace('_', ' ')}", None,
             " ".join(x for x in (program.source, program.date) if x)),
        ])
        for i, rule in enumerate(program.rates):
            match = ", ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in
                              rule.as_dict()["match"].items()) or "every trade"
            s.append([f"Rate {i + 1}", rule.label(i), match])
        for tier in program.tiers:
            s.append(["Tier", f"from {tier.min_lots_per_month:g} lots a month", f"x {tier.multiplier:g}"])
        rules = [f"min hold {e.min_hold_seconds:g} s" if e.min_hold_seconds else "",
                 f"min move {e.min_move_points:g} points" if e.min_move_points else "",
                 f"excluded symbols {', '.join(e.exclude_symbols)}" if e.exclude_symbols else "",
                 f"excluded categories {', '.join(e.exclude_categories)}" if e.exclude_categories else "",
                 f"capped at {e.cap_pct_of_spread:g}% of the spread" if e.cap_pct_of_spread is not None else ""]
        s.append(["Eligibility", "; ".join(r for r in rules if r) or "every trade"])
        s.append(["Payout", f"{p.cycle}, {p.lag_days} day(s) after the period, minimum {p.min_amount:g}",
                  f"day starts {p.day_boundary_hour:02d}:00 server time"])


#: Shown where the export prints no value (MT5 reports print no leverage, MT4 no margin mode).
NOT_PRINTED = "not printed"


def _margin_mode(account) -> str:
    """Hedging or netting, as printed; MT4 always hedges but does not say so."""
    if account.margin_mode:
        return account.margin_mode
    return "hedge (MT4)" if str(account.source_format).startswith("mt4") else NOT_PRINTED


def _fmt_money(value, currency: str | None = None) -> str:
    return "" if value is None else f"with rebates: {money_text(value, currency=currency, sep=',')}"


def _schedule_text(schedule, account_currency: str = "") -> str:
    """A commission schedule in words, with its currency: the account's when the schedule names none (issue 15)."""
    d = schedule.as_dict()
    ccy = d["currency"] or account_currency or "(account currency)"
    text = f"{d['model'].replace('_', ' ')} {d['rate']:g} {ccy} {d['per'].replace('_', ' ')}, applied {d['apply']}"
    if d["categories"]:
        text += "; " + ", ".join(f"{k} {v:g}" for k, v in d["categories"].items())
    return text
