"""Cash-row classification shared by the MT4 and MT5 readers (balance, credit, bonus... rows)."""

import math

import pytest

from fxcost.importers import cash
from fxcost.model import CASH_KINDS


@pytest.mark.parametrize(
    ("type_text", "amount", "comment", "kind"),
    [
        # MT4 balance rows: the comment decides, then the sign.
        ("balance", 200000, "Deposit: 10352 JPY", "deposit"),
        ("balance", 397, "Auto-Account-Deposit", "deposit"),
        ("balance", 100, "", "deposit"),
        ("balance", -450, "Withdrawal", "withdrawal"),
        ("balance", -3989.26, "Withdraw-Crypto-USDT", "withdrawal"),
        ("balance", 0, "Withdrawal request", "withdrawal"),
        ("balance", 12.5, "Rebate payment 2024-05", "rebate"),
        ("balance", 3.1, "Cashback", "rebate"),
        ("balance", 3.1, "cash back March", "rebate"),
        ("balance", 3.1, "Cash-Back", "rebate"),
        ("balance", 8.0, "IB commission 123456", "rebate"),
        ("balance", 5000, "ADJUSTMENT", "adjustment"),
        ("balance", -1.0, "Balance correction", "adjustment"),
        ("balance", -1.62, "Trading compensation", "adjustment"),
        ("balance", 250, "IT From 8072790 27787244", "transfer_in"),
        ("balance", -100, "Autotrf to 555", "transfer_out"),
        ("balance", -10, "Internal transfer", "transfer_out"),
        ("balance", 5.0, "IntrFr USD4556 1", "transfer_in"),
        ("balance", -1.52, "IntrTo 4556 1", "transfer_out"),
        ("balance", 500, "Deposit from card", "deposit"),  # contains "it from" inside a word
        ("balance", 365.47, "Summary balance result 2013", "archived"),
        ("balance", -194.06, "Summary trade result Q4 2013", "archived"),
        ("balance", 0.4, "Dividend #1520007", "dividend"),
        ("balance", -2.46, "Financing", "financing"),  # OANDA's overnight financing (its swap)
        ("balance", 50, "Welcome bonus", "bonus"),
        ("balance", -0.5, "Withholding tax", "tax"),
        ("balance", -3.5, "Commission", "fee"),
        ("balance", -1.0, "Inactivity fee", "fee"),
        # MT4 credit rows: always credit, whatever the comment.
        ("credit", 493.0, "Credit In-VTOS-DPBonus", "credit"),
        ("credit", -493.0, "Deduct Credit-AuditWithdrawal", "credit"),
        # MT5 deal types.
        ("bonus", 10, "", "bonus"),
        ("charge", -2, "", "fee"),
        ("correction", 4, "", "adjustment"),
        ("commission", -7, "", "fee"),
        ("daily commission", -7, "", "fee"),
        ("monthly commission", -7, "", "fee"),
        ("daily agent commission", 4.2, "", "rebate"),
        ("interest rate", 0.3, "", "interest"),
        ("dividend", 1.2, "", "dividend"),
        ("franked dividend", 1.2, "", "dividend"),
        ("tax", -0.3, "", "tax"),
        ("Balance", 10, "  Deposit  ", "deposit"),
        # Types other tools print.
        ("transfer", 10, "", "transfer_in"),
        ("rebate", 10, "", "rebate"),
        ("deposit", 10, "cashback", "rebate"),
        ("withdrawal", 0, "", "withdrawal"),
        # Issue 11: MT5 transfers, archived roll-ups, financing; an unknown deal type is "other", never dropped.
        ("balance", 59556.06, "Autotrf 70770783/fr 11029377", "transfer_in"),
        ("balance", -29400.0, "AutoTrf/to 11029377", "transfer_out"),
        ("balance", 0.0, "AutoTrf/to 11029377", "transfer_out"),
        ("balance", 1316.58, "Archived orders", "archived"),
        ("balance", -62.76, "Financing", "financing"),
        ("financing", -1.2, "", "financing"),
        ("so compensation credit", 5.0, "", "credit"),
        ("balance", 15000.0, "UT>CAC 857064138", "deposit"),
        ("corporate action", 3.0, "", "other"),
        ("weird type", -3.0, "", "other"),
    ],
)
def test_classify(type_text, amount, comment, kind):
    assert cash.classify(type_text, amount, comment) == kind


def test_every_rule_names_a_known_kind():
    kinds = {k for _, k in cash.TYPE_RULES} | {k for _, k in cash.COMMENT_RULES}
    assert kinds - {"transfer"} <= set(CASH_KINDS)  # "transfer" becomes transfer_in / transfer_out by sign


def test_missing_amount_and_comment():
    assert cash.classify("balance", math.nan, "") == "deposit"
    assert cash.classify("balance", None, None) == "deposit"  # type: ignore[arg-type]
    assert cash.classify("", -1, "") == "withdrawal"
