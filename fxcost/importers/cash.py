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
#: agent commission is paid *to* an introducing broker) before it can be a "commission" fee.
TYPE_RULES: tuple[tuple[str, str], ...] = (
    (r"\bagent\b", "rebate"),
    (r"commission", "fee"),
    (r"\bcredit\b", "credit"),
    (r"\bbonus\b", "bonus"),
    (r"\bcharge\b|\bfee\b", "fee"),
    (r"correction|compensation", "adjustment"),
    (r"financing|rollover", "financing"),
    (r"interest", "interest"),
    (r"dividend", "dividend"),
    (r"\btax\b", "tax"),
)

#: Comment rules for ``balance`` rows (and unknown types), first match wins. Order matters:
#: an Alpari roll-up or a "commission rebate" must not fall through to a later rule.
COMMENT_RULES: tuple[tuple[str, str], ...] = (
    # Archived history rolled into one row: Alpari's yearly/quarterly "Summary balance result 2013"
    # (FORMATS.md 2.3), recent builds' "Archived orders" (FORMATS.md 6b). Cash, not a deposit.
    (r"\bsummary (balance|trade) result\b|\barchived?\b", "archived"),
    (r"rebate|cash[\s-]*back|\bib\s*commission|\bagent\s*commission|\bib\s*payment", "rebate"),
    # "IT From 8072790 27787244", "Autotrf 70770783/fr 11029377", "AutoTrf/to", Alpari "IntrFr"/"IntrTo",
    # "Internal transfer". Word boundaries keep "Deposit from card" (contains "it from") a deposit.
    (r"\btransfer|\btrf\b|autotrf|\bit (from|to)\b|\binternal\b|\bintr ?(fr|to)\b", "transfer"),
    (r"adjust|correction|compensation", "adjustment"),
    (r"dividend", "dividend"),
    # OANDA books its overnight financing (its swap) as "Financing" balance rows (FORMATS.md 6b).
    (r"financing|rollover|\bswap\b", "financing"),
    (r"interest", "interest"),
    (r"\bbonus", "bonus"),
    (r"\btax\b|withholding", "tax"),
    (r"commission|\bfee\b|\bcharge\b|\bfees\b|\bcharges\b", "fee"),
)

#: Types that say nothing beyond "money in or out": the comment, then the sign decides. Any other type
#: no rule knows is ``other`` (shown in the ledger, never dropped).
PLAIN_TYPES = frozenset({"", "balance", "deposit", "withdrawal", "withdraw", "cash"})

_TYPE_RULES = tuple((re.compile(p), k) for p, k in TYPE_RULES)
_COMMENT_RULES = tuple((re.compile(p), k) for p, k in COMMENT_RULES)
_SPACES = re.compile(r"\s+")
_WITHDRAW = re.compile(r"withdraw")
#: Direction words of a transfer comment, for a transfer of 0 (the sign decides otherwise).
_OUT = re.compile(r"/to\b|\bto\b|intr ?to")

if not all(k in CASH_KINDS or k == "transfer" for _, k in TYPE_RULES + COMMENT_RULES):  # pragma: no cover
    raise ValueError("cash rules name a kind that is not in model.CASH_KINDS")


def classify(type_text: str, amount: float, comment: str = "") -> str:
    """The cash kind of one row: one of :data:`fxcost.model.CASH_KINDS` (their rules: model.py).

    ``balance`` rows (and plain types such as a CSV's "deposit") go by comment, then by sign:
    money in is a deposit, money out a withdrawal. A transfer is in or out by its sign.
    """
    # Rules look at the start of a comment: a huge one (a hostile file) is not scanned whole.
    kind_type = _SPACES.sub(" ", (type_text or "")[:200].strip().lower())
    text = _SPACES.sub(" ", (comment or "")[:500].strip().lower())
    signed = amount is not None and amount == amount  # NaN-safe
    if kind_type != "balance":
        for pattern, kind in _TYPE_RULES:
            if pattern.search(kind_type):
                return kind
    # The comment first; then the type itself, for readers of CSVs and other tools that
    # print types such as "transfer" or "rebate" instead of MetaTrader's "balance".
    for candidate in (text, "" if kind_type == "balance" else kind_type):
        if candidate:
            for pattern, kind in _COMMENT_RULES:
                if pattern.search(candidate):
                    if kind == "transfer":
                        out = amount < 0 if signed and amount != 0 else bool(_OUT.search(candidate))
                        return "transfer_out" if out else "transfer_in"
                    return kind
    if kind_type not in PLAIN_TYPES:
        return "other"
    if signed and amount < 0:
        return "withdrawal"
    if (not signed or amount == 0) and (_WITHDRAW.search(text) or _WITHDRAW.search(kind_type)):
        return "withdrawal"
    return "deposit"
