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


def test_a_payout_far_above_the_model_is_matched_by_date_and_flagged_overpaid():
    # Review 2 item 5: 167.34 received on 5 Feb for 100.99 expected on 6 Feb (+66 %), and 2x above it
    # (132.09 for 64.67): matched and overpaid, not "missing" plus "unexpected".
    m = rebates.match_payouts(expected(100.99, 64.67), cash(167.34, 132.09))
    assert m["status"].tolist() == ["matched", "matched"]
    assert m["amount_check"].tolist() == ["overpaid", "overpaid"]
    assert m["difference_pct"].round(1).tolist() == [65.7, 104.3]
    assert m["days_late"].tolist() == [-1.0, -1.0]


def test_each_payout_takes_the_nearest_row_by_date_once():
    e = expected(100.0)
    c = model.cash_frame({"account": ["1", "1"], "ticket": [1, 2], "kind": ["rebate"] * 2,
                          "time": [datetime(2024, 2, 1), datetime(2024, 2, 7)], "amount": [100.0, 150.0]})
    m = rebates.match_payouts(e, c)  # the row one day off wins over the one with the right amount 5 days off
    matched = m.loc[m["status"] == "matched"].iloc[0]
    assert matched["actual"] == 150.0 and matched["amount_check"] == "overpaid"
    assert m["status"].tolist() == ["unexpected", "matched"]
    # A row outside the day tolerance never pairs, whatever its amount.
    far = rebates.match_payouts(e, cash(100.0, month=3))
    assert sorted(far["status"]) == ["missing", "unexpected"]


def test_missing_and_unexpected_rows_have_no_amount_check():
    m = rebates.match_payouts(expected(50.0), cash(500.0))  # 10x: beyond the sanity bound (MATCH_MAX_RATIO 5x)
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


def test_round_cents_is_half_away_from_zero_whatever_the_float_noise():
    # Review 2 item 8: 2.685 carried forward is stored as 2.6849999999999996; every view shows 2.69.
    assert rebates.round_cents(2.6849999999999996) == 2.69 == rebates.round_cents(2.685)
    assert rebates.round_cents(-2.685) == -2.69 and rebates.round_cents(0.004) == 0.0
    assert rebates.round_cents([1.005, 0.125, -0.0049]).tolist() == [1.01, 0.13, 0.0]


def tier_trades():
    """Two client accounts, 30 and 25 lots of EURUSD in January 2024 (55 together)."""
    n = 2
    t = model.trades_frame({
        "account": ["A", "B"], "ticket": [1, 2], "open_time": [datetime(2024, 1, 5, 10)] * n,
        "close_time": [datetime(2024, 1, 5, 12)] * n, "side": ["buy"] * n, "lots": [30.0, 25.0],
        "symbol": ["EURUSD"] * n, "symbol_root": ["EURUSD"] * n, "open_price": [1.1] * n,
        "close_price": [1.101] * n, "profit": [3000.0, 2500.0], "digits": [5] * n})
    from fxcost.analysis import costs

    return costs.decompose(t, "USD", np.full(n, 0.0001), np.full(n, "test", dtype=object))


def tiered(**extra):
    return programs.from_dict({"name": "IB", "rates": [{"model": "per_lot", "rate": 1.0}],
                               "tiers": [{"min_lots_per_month": 0, "multiplier": 1.0},
                                         {"min_lots_per_month": 50, "multiplier": 1.1}], **extra})


def test_ib_tiers_count_the_total_client_volume():
    """Review 2 item 6: 30 + 25 lots reach the 50-lot tier for an IB, though neither client does alone."""
    t = tier_trades()
    assert rebates.apply(t, tiered(client_share_pct=50), "USD").tier_multiplier.tolist() == [1.1, 1.1]
    assert rebates.apply(t, tiered(), "USD").tier_multiplier.tolist() == [1.0, 1.0]  # cashback: per account
    own = tiered(client_share_pct=50, tier_scope="account")
    assert rebates.apply(t, own, "USD").tier_multiplier.tolist() == [1.0, 1.0]
    # One account at a time (as the engine prices them), with the pooled volume of all of them.
    program = tiered(client_share_pct=50)
    pooled = rebates.tier_volumes([(t.iloc[[0]], "USD"), (t.iloc[[1]], "USD")], program)
    assert pooled.to_dict() == {pd.Timestamp("2024-01-01"): 55.0}
    alone = rebates.apply(t.iloc[[1]].reset_index(drop=True), program, "USD")
    assert alone.tier_multiplier.tolist() == [1.0]
    pooled_b = rebates.apply(t.iloc[[1]].reset_index(drop=True), program, "USD", pooled_volume=pooled)
    assert pooled_b.tier_multiplier.tolist() == [1.1] and pooled_b.rebate[0] == pytest.approx(25 * 1.1)
