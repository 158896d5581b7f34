"""Payouts against the statement: under- and overpaid payouts are flagged, and the statement's own rebate rows
are carried apart from the modelled rebate (review item 10)."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from fxcost import model
from fxcost.analysis import programs, rebates
from fxcost.analysis.engine import AnalysisSettings, analyse
from fxcost.analysis.spreads import SpreadProfile
from fxcost.model import Account, Statement
from fxcost.portfolio import merge


def expected(*amounts):
    days = [datetime(2024, m, 6) for m in range(2, 2 + len(amounts))]
    return pd.DataFrame({"account": ["1"] * len(amounts), "period_start": [d.replace(day=1) for d in days],
                         "period_end": days, "accrued": amounts, "pay_date": days, "paid": amounts,
                         "carried_forward": 0.0, "carried_in": 0.0, "trades": 1})


def cash(*amounts, kind="rebate", month=2):
    return model.cash_frame({"account": ["1"] * len(amounts), "ticket": list(range(1, len(amounts) + 1)),
                             "time": [datetime(2024, m, 5) for m in range(month, month + len(amounts))],
                             "kind": [kind] * len(amounts), "amount": list(amounts)})


def test_a_big_shortfall_is_matched_but_flagged_underpaid():
    # The review's first payout: 349.80 expected, 188.31 paid: 46 % short.
    m = rebates.match_payouts(expected(349.80, 100.00, 100.00, 100.00), cash(188.31, 100.01, 101.50, 103.00))
    assert m["status"].tolist() == ["matched"] * 4
    assert m["amount_check"].tolist() == ["underpaid", "ok", "ok", "overpaid"]
    assert round(float(m["difference"].iloc[0]), 2) == -161.49
    assert round(float(m["difference_pct"].iloc[0]), 2) == -46.17
    assert m["difference_pct"].iloc[1:].round(2).tolist() == [0.01, 1.50, 3.00]  # within 2 % is rounding


def test_missing_and_unexpected_rows_have_no_amount_check():
    m = rebates.match_payouts(expected(50.0), cash(500.0))  # too far apart to be the same payout
    assert sorted(m["status"]) == ["missing", "unexpected"]
    assert m["amount_check"].tolist() == ["", ""] and m["difference_pct"].isna().all()
    assert list(rebates.match_payouts(None, None).columns) == list(rebates.MATCH_COLUMNS)


def trades():
    """Two 1-lot EURUSD buys in February 2024, Profit $100 each."""
    return model.trades_frame({
        "ticket": [1, 2], "open_time": [datetime(2024, 2, 5, 10), datetime(2024, 2, 6, 10)],
        "close_time": [datetime(2024, 2, 5, 12), datetime(2024, 2, 6, 12)], "side": ["buy", "buy"],
        "lots": [1.0, 1.0], "symbol": ["EURUSD"] * 2, "symbol_root": ["EURUSD"] * 2,
        "open_price": [1.10000] * 2, "close_price": [1.10100] * 2, "profit": [100.0, 100.0], "digits": [5, 5]})


PROFILE = SpreadProfile.from_dict({"name": "1 pip", "spreads": {"EURUSD": 1.0}})


def folio(rebate_rows=(9.00, 3.35), currency="USD"):
    rows = cash(*rebate_rows, month=3) if rebate_rows else None  # paid in March for February's trades
    deposit = cash(1000.0, kind="deposit")
    both = pd.concat([deposit, rows], ignore_index=True) if rows is not None else deposit
    return merge([Statement(path="t.csv", format="csv", account=Account(login="1", currency=currency),
                            trades=trades(), cash=both)])


def test_without_a_program_the_result_still_carries_the_rebate_received():
    result = analyse(folio(), AnalysisSettings(profile=PROFILE))
    assert result.trades["rebate"].sum() == 0.0  # nothing is modelled without a program...
    assert result.received_rebate == 12.35 and result.received_rebate_rows == 2  # ...but 12.35 was received
    assert result.accounts[0].received_rebate == 12.35
    none = analyse(folio(rebate_rows=()), AnalysisSettings(profile=PROFILE))
    assert none.received_rebate == 0.0 and none.received_rebate_rows == 0


def test_received_rebates_are_merged_in_usd_when_currencies_differ():
    eur = Statement(path="e.csv", format="csv", account=Account(login="1", currency="EUR"),
                    trades=trades().assign(profit=90.83), cash=cash(10.0))
    usd = Statement(path="u.csv", format="csv", account=Account(login="2", currency="USD"),
                    trades=trades().assign(account="2"), cash=cash(5.0).assign(account="2"))
    result = analyse(merge([eur, usd]), AnalysisSettings(profile=PROFILE))
    assert result.currency == "USD"
    eur_rate = result.accounts[0].usd_rate
    assert result.accounts[0].received_rebate == 10.0  # each account in its own currency
    assert result.received_rebate == pytest.approx(10.0 * eur_rate + 5.0)


def test_an_underpaid_program_is_named_in_a_warning():
    program = programs.from_dict({"name": "Ten a lot", "rates": [{"match": {}, "model": "per_lot", "rate": 10.0}],
                                  "payout": {"cycle": "monthly", "lag_days": 5}})
    result = analyse(folio(rebate_rows=(12.35,)), AnalysisSettings(profile=PROFILE, programs=[program]))
    m = result.accounts[0].payout_matches
    assert m["amount_check"].tolist() == ["underpaid"]  # 20.00 expected (2 lots x 10), 12.35 paid
    warning = next(w for w in result.warnings if "underpaid" in w)
    assert '"Ten a lot"' in warning and "12.35 USD received where 20.00 was expected (-7.65, -38%)" in warning
    assert np.isclose(result.received_rebate, 12.35) and result.trades["rebate"].sum() == pytest.approx(20.0)


def test_a_payout_due_after_the_statement_ends_is_pending_not_missing():
    # Payouts on Feb 6, Mar 6, Apr 6; the statement pays February and ends on March 20: March's payout should
    # have been there (missing), April's could not be yet (pending).
    m = rebates.match_payouts(expected(100.0, 100.0, 100.0), cash(100.0), statement_end=datetime(2024, 3, 20))
    assert m["status"].tolist() == ["matched", "missing", "pending"]
    # Without the statement's end every unmatched payout is missing, as before.
    assert rebates.match_payouts(expected(100.0, 100.0, 100.0), cash(100.0))["status"].tolist() == [
        "matched", "missing", "missing"]
