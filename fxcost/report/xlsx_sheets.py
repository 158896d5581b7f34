"""The analysis sheets of the report: By symbol, By month, Equity, Rebates, Break-even, Compare, Cash events, IB."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from fxcost.analysis import rebates
from fxcost.report.xlsx_book import typed
from fxcost.report.xlsx_stream import NumberColumn, SheetStream, TextColumn, excel_serial, number_width
from fxcost.summary.ib_book import activity_worth_telling, concentration_text

#: Largest number of distinct exclusion reasons listed one by one (reasons carry each trade's figures).
MAX_REASONS = 25


class AnalysisSheets:
    """Sheet writers mixed into the report book (fxcost.report.xlsx_book.Book): figures from the JSON summary."""

    def _aggregate_columns(self, key: str, label: str, key_style: str | None) -> list[tuple[str, str, str | None]]:
        m = self.money
        return [
            (key, label, key_style), ("trades", "Trades", "count"), ("lots", "Lots", "lots"),
            ("profit", m("Profit"), "money"), ("commission", m("Commission"), "money"),
            ("taxes", m("Taxes / fees"), "money"), ("swap", m("Swap"), "money"),
            ("broker_net", m("Broker net"), "money"), ("spread_cost", m("Spread cost (est.)"), "money"),
            ("transaction_cost", m("Transaction cost"), "money"), ("rebate", m("Rebate"), "money"),
            ("net_transaction_cost", m("Net transaction cost"), "money"),
            ("net_after_rebate", m("Net after rebate"), "money"),
            ("cost_per_lot", m("Cost per lot"), "money"), ("cost_per_lot_after", m("Cost per lot after rebate"), "money"),
            ("cost_pips_per_lot", "Cost pips per lot", "number2"),
            ("cost_pips_per_lot_after", "Cost pips per lot after rebate", "number2"),
            ("bps_before", "Cost bps before rebate", "number2"), ("bps", "Cost bps after rebate", "number2"),
            ("win_rate", "Win rate", "pct"),
        ]

    def _account_currency(self) -> dict[str, str]:
        """Account id and label -> the account's own currency (per-account rows name it in a Ccy column)."""
        out: dict[str, str] = {}
        for a in self.result.accounts:
            out[str(a.account_id)] = a.currency
            out.setdefault(str(a.book.label), a.currency)
        return out

    def _by_symbol(self) -> None:
        s = self.sheets["By symbol"]
        columns = self._aggregate_columns("symbol", "Symbol", None)
        s.widths([12] + [13] * (len(columns) - 1))
        records = self.doc.get("by_symbol") or []
        self.table(s, columns, records, name="By symbol")
        self._total_row(s, columns)
        s.ws.freeze_panes = "B2"

    def _by_strategy(self) -> None:
        """Issue 15: the By symbol columns by strategy name, then by magic number; a history without any magic
        number or comment says so instead of a table of one untagged row."""
        s = self.sheets["By strategy"]
        columns = self._aggregate_columns("strategy", "Strategy", None)
        s.widths([30] + [13] * (len(columns) - 1))
        info = self.doc.get("strategy") or {}
        s.append([f"Strategy name from the comment by the rule: {info.get('rule', '')}; else the magic number; "
                  f"trades with neither are {info.get('untagged', '')}."], "note")
        if info.get("note"):
            s.append([info["note"]], "warn")
        self.table(s, columns, self.doc.get("by_strategy") or [], name="By strategy")
        self._total_row(s, columns)
        s.skip()
        s.append(["By magic number"], "section")
        columns = self._aggregate_columns("magic", "Magic number", None)
        self.table(s, columns, self.doc.get("by_magic") or [], name="By magic")
        self._total_row(s, columns)

    def _by_month(self) -> None:
        s = self.sheets["By month"]
        columns = self._aggregate_columns("month", "Month (close, server time)", "month")
        s.widths([14] + [13] * (len(columns) - 1))
        self.table(s, columns, self.doc.get("by_month") or [], name="By month")
        self._total_row(s, columns)
        s.ws.freeze_panes = "B2"

    def _by_year(self) -> None:
        """Issue 15: the By year sheet, beside By month (the same columns, its own total row)."""
        s = self.sheets["By year"]
        columns = self._aggregate_columns("year", "Year (close, server time)", None)
        s.widths([14] + [13] * (len(columns) - 1))
        self.table(s, columns, self.doc.get("by_year") or [], name="By year")
        self._total_row(s, columns)
        s.ws.freeze_panes = "B2"

    def _total_row(self, s: SheetStream, columns) -> None:
        from fxcost.analysis import aggregate

        total = aggregate.total(self.t).to_dict() if len(self.t) else {}
        total[columns[0][0]] = "Total"
        styles = [("bold" if i == 0 else (st if st != "money" else "money_bold")) for i, (_, _, st) in enumerate(columns)]
        s.append([typed(total.get(k), st) if i else "Total" for i, (k, _, st) in enumerate(columns)], styles)

    def _equity(self) -> None:
        """Daily cumulative P&L lines for the chart (trades summed per server day of close)."""
        from fxcost.analysis import aggregate

        s = self.sheets["Equity"]
        s.widths([14, 8, 20, 20, 20, 20])
        t = self.t
        m = self.money
        columns = [("day", "Day (close, server time)", "date"), ("trades", "Trades", "count"),
                   ("raw", m("Cumulative P&L at mid, before costs (est.)"), "money"),
                   ("net", m("Cumulative net after costs (statement)"), "money"),
                   ("net_rebate", m("Cumulative net + cashback"), "money"),
                   ("rebate", m("Cumulative cashback"), "money")]
        records: list[dict] = []
        if len(t):
            daily = aggregate.by(t.assign(day=t["close_time"].dt.normalize()), "day")
            frame = pd.DataFrame({
                "day": daily.index, "trades": daily["trades"].to_numpy(),
                # P&L at mid = Profit + spread cost (costs.decompose), summed per day then accumulated.
                "raw": (daily["profit"] + daily["spread_cost"]).cumsum().to_numpy(),
                "net": daily["broker_net"].cumsum().to_numpy(),
                "net_rebate": daily["net_after_rebate"].cumsum().to_numpy(),
                "rebate": daily["rebate"].cumsum().to_numpy(),
            })
            records = frame.to_dict("records")
        self.table(s, columns, records, name="Equity")
        s.ws.freeze_panes = "A2"

    def _rebates(self) -> None:
        s = self.sheets["Rebates"]
        s.widths([44, 8, 20, 20, 20, 14, 20, 14, 14, 19, 12, 30])
        doc = self.doc
        reb = doc.get("rebate") or {}
        costs = doc.get("costs") or {}
        program = self.result.settings.main_program
        payouts = _frames([a.payouts for a in self.result.accounts])
        matches = _frames([a.payout_matches for a in self.result.accounts])
        ccy = {a.account_id: a.currency for a in self.result.accounts}
        payouts, matches = (_cents(f.assign(currency=f["account"].astype(str).map(ccy))) if len(f) else f
                            for f in (payouts, matches))
        s.append(["Rebates: accrual, expected payouts and the statement's payout rows"], "title")
        mixed = len({a.currency for a in self.result.accounts}) > 1
        rates = self.result.merged_rates()

        def m(text: str) -> str:  # payouts stay in each account's currency; the merged figures are in USD
            return f"{text} (account currency)" if mixed else self.money(text)

        def total(frame: pd.DataFrame, col: str) -> float:
            """A payout column summed over the accounts, each converted to the merged currency."""
            if not len(frame) or col not in frame.columns:
                return 0.0
            return rebates.round_cents(float((frame[col] * frame["account"].astype(str).map(rates).fillna(1.0)).sum()))

        if program is None:
            s.append(["No rebate program was chosen: no rebate is accrued (choose one with --program or in the "
                      "setup panel)."], "note")
        matched = matches.loc[matches["status"] == "matched"] if len(matches) else matches
        unexpected = matches.loc[matches["status"] == "unexpected"] if len(matches) else matches
        missing = matches.loc[matches["status"] == "missing"] if len(matches) else matches
        pending = matches.loc[matches["status"] == "pending"] if len(matches) else matches
        off = matches.loc[matches["amount_check"].isin(("underpaid", "overpaid"))] \
            if len(matches) and "amount_check" in matches.columns else matches
        s.skip()
        self.pairs(s, [
            ("Program", getattr(program, "name", "none"), None),
            ("Eligible trades", reb.get("eligible_trades"), "count"),
            ("Excluded trades", reb.get("excluded_trades"), "count"),
            (self.money("Rebate accrued (at each close)"), costs.get("rebate"), "money"),
            (self.money("Expected payouts (program schedule)"), total(payouts, "paid"), "money"),
            (self.money("Still carried forward (below the minimum)"), _carried(payouts, rates), "money"),
            (self.money("Statement payout rows matched"), total(matched, "actual"), "money"),
            (self.money("Difference, matched rows (statement − expected)"), total(matched, "difference"), "money"),
            (f"Matched payouts more than {rebates.AMOUNT_TOLERANCE_PCT:g}% off the expected amount", len(off), "count"),
            ("Expected payouts not found in the statement", len(missing), "count"),
            ("Expected payouts due after the statement ends", len(pending), "count"),
            (self.money("Statement rebate rows not expected"), total(unexpected, "actual"), "money",
             f"{len(unexpected)} row(s)"),
        ])
        s.skip()
        s.append(["Excluded trades by reason"], "section")
        reasons = sorted((reb.get("by_reason") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
        rows = [{"reason": k, "trades": v} for k, v in reasons[:MAX_REASONS]]
        if len(reasons) > MAX_REASONS:
            rest = reasons[MAX_REASONS:]
            rows.append({"reason": f"{len(rest)} other reasons", "trades": sum(v for _, v in rest)})
        self.table(s, [("reason", "Reason", None), ("trades", "Trades", "count")],
                   rows or [{"reason": "none: every trade is eligible" if program else "no program", "trades": 0}])
        s.skip()
        s.append(["Expected payouts per period (accrued at close, paid after the period ends)"], "section")
        if mixed:
            s.append(["Payouts and statement rows are in each account's own currency."], "note")
        self.table(s, [("account", "Account", None), ("currency", "Ccy", None),
                       ("period_start", "Period start", "datetime"),
                       ("period_end", "Period end (exclusive)", "datetime"), ("trades", "Trades", "count"),
                       ("accrued", m("Accrued"), "money"), ("carried_in", m("Carried in"), "money"),
                       ("paid", m("Paid"), "money"), ("carried_forward", m("Carried forward"), "money"),
                       ("pay_date", "Pay date", "datetime")], _records(payouts), name="Payouts")
        s.skip()
        s.append(["Statement payouts matched to expected payouts"], "section")
        self.table(s, [("account", "Account", None), ("currency", "Ccy", None), ("status", "Status", None),
                       ("period_start", "Period start", "datetime"), ("pay_date", "Expected pay date", "datetime"),
                       ("expected", m("Expected"), "money"), ("time", "Statement time", "datetime"),
                       ("actual", m("Statement amount"), "money"), ("difference", m("Difference"), "money"),
                       ("difference_pct", "Difference %", "number2"), ("amount_check", "Amount check", None),
                       ("days_late", "Days late", "number2"), ("ticket", "Ticket", "int"),
                       ("comment", "Comment", None)], _records(matches), name="Matches")

    def _breakeven(self) -> None:
        s = self.sheets["Break-even"]
        s.widths([40, 14, 12, 14, 14, 12, 14, 14, 14, 14, 12, 14, 14])
        be = self.doc.get("breakeven") or {}
        eff = be.get("equity_effect") or {}
        m = self.money
        s.append(["Break-even: what it costs to trade, and the win rate needed to cover it"], "title")
        s.append([f"P&L basis: {be.get('pnl_basis', '')}; swap counted as a cost: "
                  f"{'yes' if be.get('swap_in_cost') else 'no'}."], "note")
        s.skip()
        self.pairs(s, [
            ("Trades (winners / losers)", be.get("trades"), "count", f"{_count(be.get('winners'))} / {_count(be.get('losers'))}"),
            ("Cost pips per lot before rebate", be.get("cost_pips_per_lot_before"), "number2"),
            ("Cost pips per lot after rebate", be.get("cost_pips_per_lot_after"), "number2"),
            ("Break-even shift from the rebate (pips)", be.get("shift_pips"), "number2"),
            (m("Cost per lot before rebate"), be.get("cost_per_lot_before"), "money"),
            (m("Cost per lot after rebate"), be.get("cost_per_lot_after"), "money"),
            (m("Average win"), be.get("avg_win"), "money"), (m("Average loss"), be.get("avg_loss"), "money"),
            (m("Explicit cost per trade before rebate"), be.get("cost_per_trade_before"), "money"),
            (m("Explicit cost per trade after rebate"), be.get("cost_per_trade_after"), "money"),
            ("Break-even win rate before rebate", be.get("win_rate_before"), "pct"),
            ("Break-even win rate after rebate", be.get("win_rate_after"), "pct"),
            ("Actual win rate", be.get("actual_win_rate"), "pct"),
            (m("Expectancy per trade before rebate"), be.get("expectancy_before"), "money"),
            (m("Expectancy per trade after rebate"), be.get("expectancy_after"), "money"),
            (m("Carry (swap) per trade"), be.get("carry_per_trade"), "money"),
            (m("Max drawdown without rebates"), eff.get("max_drawdown_without"), "money"),
            (m("Max drawdown with rebates"), eff.get("max_drawdown_with"), "money"),
            (m("Daily P&L volatility without rebates"), eff.get("daily_pnl_vol_without"), "money"),
            (m("Daily P&L volatility with rebates"), eff.get("daily_pnl_vol_with"), "money"),
            ("Share of costs covered by rebates", eff.get("share_of_costs_covered"), "pct"),
            ("Share of losses covered by rebates", eff.get("share_of_losses_covered"), "pct"),
        ])
        columns = [("symbol", "Symbol", None), ("trades", "Trades", "count"), ("lots", "Lots", "lots"),
                   ("cost_pips_per_lot_before", "Cost pips/lot before", "number2"),
                   ("cost_pips_per_lot_after", "Cost pips/lot after", "number2"),
                   ("shift_pips", "Shift (pips)", "number2"),
                   ("avg_win", m("Average win"), "money"), ("avg_loss", m("Average loss"), "money"),
                   ("win_rate_before", "Break-even win rate before", "pct"),
                   ("win_rate_after", "Break-even win rate after", "pct"),
                   ("actual_win_rate", "Actual win rate", "pct"),
                   ("expectancy_before", m("Expectancy before"), "money"),
                   ("expectancy_after", m("Expectancy after"), "money")]
        for key, title in (("by_symbol", "By symbol"), ("by_category", "By category"), ("by_account", "By account")):
            records = be.get(key)
            if not records:
                continue
            label = {"by_symbol": "symbol", "by_category": "category", "by_account": "account"}[key]
            s.skip()
            s.append([title], "section")
            cols = [(label, title[3:].capitalize(), None)] + columns[1:]
            if key == "by_account":  # money converted to the merged currency: the header says which
                ccy = self._account_currency()
                records = [{**r, "ccy": ccy.get(str(r.get("account")), "")} for r in records]
                cols = [cols[0], ("ccy", "Account ccy", None)] + cols[1:]
                if len(set(ccy.values())) > 1:
                    s.append([f"Money converted to {self.currency} at each account's rate (see the Summary)."],
                             "note")
            self.table(s, cols, records, name="Break-even " + key if key == "by_symbol" else None)

    def _compare(self) -> None:
        s = self.sheets["Compare"]
        s.widths([34, 24, 18, 22, 10, 10, 14, 14, 14, 14, 14, 14, 14, 12, 12])
        m = self.money
        doc = self.doc
        s.append(["What if: the same history under other rebate programs, spreads and commissions"], "title")
        s.append(["Same market moves (P&L at mid); only what the trader pays changes."], "note")
        s.skip()
        self.table(s, [("name", "Setup", None), ("profile", "Spread profile", None),
                       ("commission", "Commission", None), ("program", "Rebate program", None),
                       ("trades", "Trades", "count"), ("lots", "Lots", "lots"),
                       ("spread_cost", m("Spread cost (est.)"), "money"),
                       ("commission_total", m("Commission"), "money"), ("rebate", m("Rebate"), "money"),
                       ("broker_net", m("Broker net"), "money"), ("net_after_rebate", m("Net after rebate"), "money"),
                       ("transaction_cost", m("Transaction cost"), "money"),
                       ("net_transaction_cost", m("Net transaction cost"), "money"),
                       ("cost_pips_per_lot_before", "Cost pips/lot before", "number2"),
                       ("cost_pips_per_lot_after", "Cost pips/lot after", "number2"),
                       # Issue 14: the IB's columns of each deal (empty for a setup without a program).
                       ("ib_earnings", m("IB earnings"), "money"), ("passed_back", m("Passed back"), "money"),
                       ("ib_keeps", m("IB keeps"), "money"), ("ib_earnings_per_lot", m("IB earnings per lot"), "money"),
                       ("passed_back_per_lot", m("Passed back per lot"), "money"),
                       ("ib_keeps_per_lot", m("IB keeps per lot"), "money")],
                   doc.get("whatif") or [], name="Compare")
        by_deal = self.summary.ib_compare_by_client
        if by_deal is not None and len(by_deal) and self.summary.ib_compare["is_ib"].any():
            s.skip()
            s.append(["Each deal for the IB, per client: IB earnings, passed back, IB keeps"], "section")
            self.table(s, [("setup", "Deal", None), ("account", "Account", None), ("trades", "Trades", "count"),
                           ("lots", "Lots", "lots"), ("ib_earnings", m("IB earnings"), "money"),
                           ("passed_back", m("Passed back"), "money"), ("ib_keeps", m("IB keeps"), "money"),
                           ("ib_earnings_per_lot", m("IB earnings per lot"), "money"),
                           ("ib_keeps_per_lot", m("IB keeps per lot"), "money")],
                       _records(by_deal))
        sweep = doc.get("passback_sweep") or []
        if sweep:
            s.skip()
            program = (doc.get("ib_projection") or {}).get("program") or ""
            s.append([f"If the IB passed back another share to every client ({program}; the marked row is the "
                      "program's own shares)"], "section")
            self.table(s, [("pass_back_pct", "Passed back (%)", "number2"), ("own", "Program's own", None),
                           ("ib_earnings", m("IB earnings"), "money"), ("passed_back", m("Passed back"), "money"),
                           ("ib_keeps", m("IB keeps"), "money"),
                           ("clients_rebate_per_lot", m("Clients' rebate per lot"), "money"),
                           ("ib_keeps_per_lot", m("IB keeps per lot"), "money")],
                       [{**r, "own": "yes" if r.get("is_program") else ""} for r in sweep], name="Pass-back sweep")
        sweeps = doc.get("sweeps") or {}
        if sweeps.get("extra_spread_pips"):
            s.skip()
            s.append(["If every trade had paid more spread"], "section")
            self.table(s, [("extra_pips", "Extra spread (pips)", "number2"),
                           ("extra_spread_cost", m("Extra spread cost"), "money"), ("rebate", m("Rebate"), "money"),
                           ("broker_net", m("Broker net"), "money"),
                           ("net_after_rebate", m("Net after rebate"), "money")], sweeps["extra_spread_pips"])
        if sweeps.get("rebate_rate"):
            s.skip()
            s.append(["If the rebate rate were scaled"], "section")
            self.table(s, [("rebate_multiplier", "Rebate rate x", "number2"), ("rebate", m("Rebate"), "money"),
                           ("rebate_per_lot", m("Rebate per lot"), "money"),
                           ("net_after_rebate", m("Net after rebate"), "money")], sweeps["rebate_rate"])
        projection = (doc.get("projection") or {}).get("programs") or []
        if projection:
            s.skip()
            s.append([f"Cashback projection over {doc['projection'].get('months')} months at the history's "
                      "average monthly volume"], "section")
            self.table(s, [("program", "Program", None), ("lots_per_month", "Lots per month", "lots"),
                           ("rebate_per_lot", m("Rebate per lot"), "money"),
                           ("rebate_per_month", m("Rebate per month"), "money"),
                           ("rebate_total", m("Rebate over the period"), "money"),
                           ("rebate_total_reinvested", m("Reinvested (volume grows with equity)"), "money")],
                       projection)

    def _cash(self) -> None:
        s = self.sheets["Cash events"]
        s.widths([14, 11, 19, 12, 6, 16, 40, 24])
        cash = self.result.portfolio.frame("cash")
        st = self.styles
        headers = ["Account", "Ticket", "Time", "Kind", "Ccy", "Amount (account currency)", "Comment", "File"]
        s.append(headers, "header")
        n = len(cash)
        columns = [
            TextColumn(cash["account"].astype(object).to_numpy(), st),
            NumberColumn(cash["ticket"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan), st.id("int"),
                         integer=True),
            NumberColumn(excel_serial(cash["time"].to_numpy()), st.id("datetime")),
            TextColumn(cash["kind"].astype(object).to_numpy(), st),
            TextColumn(cash["account"].astype(str).map(self._account_currency()).astype(object).to_numpy(), st),
            NumberColumn(cash["amount"].to_numpy(dtype="float64"), st.id("money")),
            TextColumn(cash["comment"].astype(object).to_numpy(), st),
            TextColumn(cash["source"].astype(object).map(lambda p: os.path.basename(str(p))).to_numpy(), st),
        ]
        s.need(1, number_width(cash["ticket"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan), "int"))
        s.need(5, number_width(cash["amount"].to_numpy(dtype="float64"), "money"))
        s.write_columns(columns, n)
        s.ws.freeze_panes = "A2"
        s.ws.auto_filter.ref = f"A1:H{max(s.rows, 1)}"

    def _ib(self) -> None:
        s = self.sheets["IB"]
        s.widths([24, 10, 10, 10, 16, 14, 14, 14, 14, 14, 14])
        summary = self.summary.ib  # the IB view's program (issue 10), else the main one
        s.append(["Introducing broker: client accounts' volume, IB earnings and the share passed back"], "title")
        if summary is None:
            s.append([self.summary.ib_note or "Choose a rebate program (the IB's) to see earnings per client and "
                      "month."], "note")
            return
        s.append([f"Program: {summary.program}. IB earnings = the program's rebate on each client trade; the share "
                  "passed back is the program's client_share_pct / client_shares."], "note")
        if summary.note:
            s.append([summary.note], "warn")
        m = self.money
        columns = [("trades", "Trades", "count"), ("lots", "Lots", "lots"), ("notional_usd", "Notional USD", "money0"),
                   ("ib_earnings", m("IB earnings"), "money"), ("share_pct", "Share passed back (%)", "number2"),
                   ("passed_back", m("Passed back"), "money"), ("ib_keeps", m("IB keeps"), "money"),
                   ("earnings_per_lot", m("Earnings per lot"), "money")]
        ccy = self._account_currency()
        if len(set(ccy.values())) > 1:
            s.append([f"Money in {self.currency}: each client's figures converted at its account's rate (Account ccy "
                      "names the account's own currency; see the Summary)."], "note")
        client = [("account", "Account", None), ("ccy", "Account ccy", None)]
        for key, title, keys in (("by_client", "By client account", client),
                                 ("by_month", "By month", [("month", "Month", None)]),
                                 ("by_client_month", "By client and month", client + [("month", "Month", None)])):
            s.skip()
            s.append([title], "section")
            records = summary.tables[key].to_dict("records")
            if key != "by_month":
                records = [{**r, "ccy": ccy.get(str(r.get("account")))} for r in records]
            self.table(s, keys + columns, records)
        self._ib_side(s)

    def _ib_side(self, s: SheetStream) -> None:
        """Issue 14: a two-level deal's levels, every deal per client, the projection, activity and the partner
        report's reconciliation, from the summary (the JSON's blocks)."""
        m = self.money
        doc = self.doc
        levels = self.summary.ib.levels if self.summary.ib is not None else None
        if levels is not None:
            money = [("ib_earnings", m("IB earnings"), "money"), ("passed_back", m("Passed back"), "money"),
                     ("ib_keeps", m("IB keeps"), "money"), ("master_share_pct", "Master share (%)", "number2"),
                     ("master_keeps", m("Master IB keeps"), "money"), ("sub_ib_keeps", m("Sub-IB keeps"), "money")]
            s.skip()
            s.append(["Levels: what the master IB and each sub-IB keep"], "section")
            self.table(s, [("sub_ib", "Sub-IB", None), ("clients", "Clients", "count"), ("trades", "Trades", "count"),
                           ("lots", "Lots", "lots"), *money], _records(levels["by_level"]))
            s.skip()
            s.append(["Levels by client"], "section")
            self.table(s, [("account", "Account", None), ("sub_ib", "Sub-IB", None), ("group", "Client group", None),
                           ("lots", "Lots", "lots"), ("share_pct", "Share passed back (%)", "number2"), *money],
                       _records(levels["by_client"]))
        p = doc.get("ib_projection")
        if p and p.get("months"):
            s.skip()
            used = p["months_used"]
            s.append([f"Projection from {used[0]} to {used[-1]} ({p['months']} full month(s)) and the "
                      f"{p['clients']} client(s) active in its last month ({p['clients_left_out']} left out)"],
                     "section")
            if p.get("note"):
                s.append([p["note"]], "note")
            self.table(s, [("what", "Projected", None), ("month", m("Per month"), "money"), ("year", m("Per year"), "money")],
                       [{"what": label, "month": p[f"{key}_per_month"], "year": p[f"{key}_per_year"]}
                        for label, key in (("IB earnings", "ib_earnings"), ("Passed back", "passed_back"),
                                           ("IB keeps", "ib_keeps"))])
        act = self.summary.activity
        if act is not None and len(act) and activity_worth_telling(len(act), self.summary.concentration):
            c = self.summary.concentration
            s.skip()
            s.append([f"Client activity (dormant: no trade for {doc['activity']['dormant_days']} days); "
                      f"{concentration_text(c)}"], "section")
            self.table(s, [("client", "Client", None), ("first_trade", "First trade", "datetime"),
                           ("last_trade", "Last trade", "datetime"), ("trades", "Trades", "count"),
                           ("lots", "Lots", "lots"), ("active", "Active this month", None),
                           ("is_dormant", "Dormant", None), ("is_new", "New this period", None),
                           ("lots_this_month", "Lots this month", "lots"),
                           ("lots_before", "Lots a month before", "lots"), ("trend", "Volume trend", None),
                           ("ib_earnings", m("IB earnings"), "money"),
                           ("earnings_share_pct", "Share of IB earnings (%)", "number2")],
                       [{**r, "active": _yes(r["active_this_month"]), "is_dormant": _yes(r["dormant"]),
                         "is_new": _yes(r["new_this_period"])} for r in _records(act)], name="Activity")
        rec = doc.get("partner_reconciliation")
        if rec:
            s.skip()
            verdict = ("every client-month agrees to the cent" if rec["reconciles"] else
                       f"{len(rec['differing'])} client-month(s) differ")
            s.append([f"Partner report against the modelled IB earnings ({rec['currency']}): modelled "
                      f"{rec['modelled']:,.2f}, reported {rec['reported']:,.2f}, difference {rec['difference']:+,.2f}; "
                      f"{verdict}"], "section")
            for note in rec.get("notes") or []:
                s.append([note], "note")
            self.table(s, [("account", "Account", None), ("month", "Month", None),
                           ("modelled_lots", "Modelled lots", "lots"), ("reported_lots", "Reported lots", "lots"),
                           ("modelled", "Modelled", "money"), ("reported", "Reported", "money"),
                           ("difference", "Difference", "money"), ("status", "Status", None)],
                       rec["rows"], name="Partner reconciliation")


def _frames(frames: list) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _records(frame: pd.DataFrame) -> list[dict]:
    return frame.to_dict("records") if len(frame) else []


#: Money columns of the payout and match tables, written to the cent as the JSON and the text show them.
_PAYOUT_MONEY = ("accrued", "carried_in", "paid", "carried_forward", "expected", "actual", "difference")


def _cents(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its payout money rounded by the one cents rule (2.685 -> 2.69 everywhere)."""
    return frame.assign(**{c: rebates.round_cents(frame[c].to_numpy(dtype=float)) for c in _PAYOUT_MONEY
                           if c in frame.columns})


def _carried(payouts: pd.DataFrame, rates: dict[str, float]) -> float:
    """What the accounts still carry after their last period (below the program's minimum payout), each converted
    to the merged currency with ``rates`` (account -> merged-currency units per unit of its currency)."""
    if not len(payouts):
        return 0.0
    last = payouts.groupby("account", sort=False)["carried_forward"].last()
    return float(sum(v * rates.get(str(k), 1.0) for k, v in last.items()))


def _yes(flag) -> str:
    return "yes" if bool(flag) else ""


def _count(value) -> str:
    """A count for a note: 663, not 663.0 (the JSON keeps counts as numbers that may be floats)."""
    return "" if value is None else f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)
