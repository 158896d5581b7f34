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
        ("balance", 250, "IT From 8072790 27787244", "transfer"),
        ("balance", -100, "Autotrf to 555", "transfer"),
        ("balance", -10, "Internal transfer", "transfer"),
        ("balance", 5.0, "IntrFr USD4556 1", "transfer"),
        ("balance", -1.52, "IntrTo 4556 1", "transfer"),
        ("balance", 500, "Deposit from card", "deposit"),  # contains "it from" inside a word
        ("balance", 365.47, "Summary balance result 2013", "summary"),
        ("balance", -194.06, "Summary trade result Q4 2013", "summary"),
        ("balance", 0.4, "Dividend #1520007", "dividend"),
        ("balance", -2.46, "Financing", "interest"),  # OANDA's overnight financing
        ("balance", 50, "Welcome bonus", "bonus"),
        ("balance", -0.5, "Withholding tax", "tax"),
        ("balance", -3.5, "Commission", "commission"),
        ("balance", -1.0, "Inactivity fee", "charge"),
        # MT4 credit rows: always credit, whatever the comment.
        ("credit", 493.0, "Credit In-VTOS-DPBonus", "credit"),
        ("credit", -493.0, "Deduct Credit-AuditWithdrawal", "credit"),
        # MT5 deal types.
        ("bonus", 10, "", "bonus"),
        ("charge", -2, "", "charge"),
        ("correction", 4, "", "adjustment"),
        ("commission", -7, "", "commission"),
        ("daily commission", -7, "", "commission"),
        ("monthly commission", -7, "", "commission"),
        ("daily agent commission", 4.2, "", "rebate"),
        ("interest rate", 0.3, "", "interest"),
        ("dividend", 1.2, "", "dividend"),
        ("franked dividend", 1.2, "", "dividend"),
        ("tax", -0.3, "", "tax"),
        ("Balance", 10, "  Deposit  ", "deposit"),
        # Types other tools print.
        ("transfer", 10, "", "transfer"),
        ("rebate", 10, "", "rebate"),
        ("deposit", 10, "cashback", "rebate"),
        ("withdrawal", 0, "", "withdrawal"),
    ],
)
def test_classify(type_text, amount, comment, kind):
    assert cash.classify(type_text, amount, comment) == kind


def test_every_rule_names_a_known_kind():
    kinds = {k for _, k in cash.TYPE_RULES} | {k for _, k in cash.COMMENT_RULES}
    assert kinds <= set(CASH_KINDS)


def test_missing_amount_and_comment():
    assert cash.classify("balance", math.nan, "") == "deposit"
    assert cash.classify("balance", None, None) == "deposit"  # type: ignore[arg-type]
    assert cash.classify("", -1, "") == "withdrawal"
