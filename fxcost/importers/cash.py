"""Classify non-trade cash rows (MT4 balance/credit rows, MT5 balance-type deals) into ``CASH_KINDS``.

Shared by the MT4 and MT5 readers: pass the printed row or deal type as ``type_text``
(MT4 ``balance``/``credit``; MT5 ``balance``, ``credit``, ``bonus``, ``charge``,
``correction``, ``commission``, ``daily commission``, ``interest``, ``dividend``, ``tax``...),
the signed amount and the free-text comment. Brokers have no field for rebates, deposits
or transfers, so for ``balance`` rows the comment decides, then the sign (FORMATS.md 2.3, 7).
"""

from __future__ import annotations

import re

from fxcost.model import CASH_KINDS

#: Deal / row types whose kind does not depend on the comment. Checked in order; a pattern
#: matches anywhere in the lower-cased type, so "daily agent commission" is a rebate (an
#: agent commission is paid *to* an introducing broker) before it can be a "commission".
TYPE_RULES: tuple[tuple[str, str], ...] = (
    (r"\bagent\b", "rebate"),
    (r"commission", "commission"),
    (r"\bcredit\b", "credit"),
    (r"\bbonus\b", "bonus"),
    (r"\bcharge\b|\bfee\b", "charge"),
    (r"correction|compensation", "adjustment"),
    (r"interest", "interest"),
    (r"dividend", "dividend"),
    (r"\btax\b", "tax"),
)

#: Comment rules for ``balance`` rows (and unknown types), first match wins. Order matters:
#: an Alpari roll-up or a "commission rebate" must not fall through to a later rule.
COMMENT_RULES: tuple[tuple[str, str], ...] = (
    # Alpari archives old history into yearly/quarterly roll-ups (FORMATS.md 2.3).
    (r"\bsummary (balance|trade) result\b", "summary"),
    (r"rebate|cash[\s-]*back|\bib\s*commission|\bagent\s*commission|\bib\s*payment", "rebate"),
    # "IT From 8072790 27787244", "Autotrf", Alpari "IntrFr"/"IntrTo", "Internal transfer".
    # Word boundaries keep "Deposit from card" (contains "it from") a deposit.
    (r"\btransfer|\btrf\b|autotrf|\bit (from|to)\b|\binternal\b|\bintr ?(fr|to)\b", "transfer"),
    (r"adjust|correction|compensation", "adjustment"),
    (r"dividend", "dividend"),
    # OANDA books its overnight financing (its swap) as "Financing" balance rows.
    (r"interest|financing|rollover", "interest"),
    (r"\bbonus", "bonus"),
    (r"\btax\b|withholding", "tax"),
    (r"commission", "commission"),
    (r"\bfee\b|\bcharge\b|\bfees\b|\bcharges\b", "charge"),
)

_TYPE_RULES = tuple((re.compile(p), k) for p, k in TYPE_RULES)
_COMMENT_RULES = tuple((re.compile(p), k) for p, k in COMMENT_RULES)
_SPACES = re.compile(r"\s+")
_WITHDRAW = re.compile(r"withdraw")

if not all(k in CASH_KINDS for _, k in TYPE_RULES + COMMENT_RULES):  # pragma: no cover - table typo guard
    raise ValueError("cash rules name a kind that is not in model.CASH_KINDS")


def classify(type_text: str, amount: float, comment: str = "") -> str:
    """The cash kind of one row: one of :data:`fxcost.model.CASH_KINDS`.

    ``balance`` rows (and types not in :data:`TYPE_RULES`) go by comment, then by sign:
    money in is a deposit, money out a withdrawal.
    """
    kind_type = _SPACES.sub(" ", (type_text or "").strip().lower())
    if kind_type != "balance":
        for pattern, kind in _TYPE_RULES:
            if pattern.search(kind_type):
                return kind
    text = _SPACES.sub(" ", (comment or "").strip().lower())
    # The comment first; then the type itself, for readers of CSVs and other tools that
    # print types such as "transfer" or "rebate" instead of MetaTrader's "balance".
    for candidate in (text, "" if kind_type == "balance" else kind_type):
        if candidate:
            for pattern, kind in _COMMENT_RULES:
                if pattern.search(candidate):
                    return kind
    if amount is not None and amount == amount and amount < 0:  # NaN-safe
        return "withdrawal"
    if (amount is None or amount != amount or amount == 0) and (_WITHDRAW.search(text) or _WITHDRAW.search(kind_type)):
        return "withdrawal"
    return "deposit"
