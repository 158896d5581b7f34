"""What a printed report follows (issue 15): the paper of the user's locale and plain words for reconciled totals."""

from __future__ import annotations

import locale
import os

#: Territories that print on Letter (issue 15: A4 everywhere else); POSIX codes and Windows' locale names.
LETTER_TERRITORIES = ("US", "CA")
LETTER_NAMES = ("united states", "canada")

#: Printed totals as the statement's reader knows them (the report's own labels), never the JSON's code names.
FIELD_LABELS = {
    "profit": "Profit", "commission": "Commission", "taxes": "Taxes / fees", "swap": "Swap",
    "closed_pl": "Closed trade P/L", "total_net_profit": "Total net profit", "trades": "Number of trades",
    "deposit_withdrawal": "Deposits / withdrawals", "credit_facility": "Credit facility", "balance": "Balance",
    "floating_pl": "Floating P/L", "equity": "Equity",
}


def field_label(name: str) -> str:
    """A reconciled field in plain words ("closed_pl" -> "Closed trade P/L")."""
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def paper_for(locale_name: str) -> str:
    """The paper of a locale name: "en_US.UTF-8" or Windows' "English_United States" -> "letter", else "a4"."""
    base = locale_name.split(".")[0].split("@")[0]
    territory = base.split("_", 1)[1] if "_" in base else ""
    if territory.upper() in LETTER_TERRITORIES or territory.lower() in LETTER_NAMES:
        return "letter"
    return "a4"


def default_paper(environ: dict | None = None) -> str:
    """"letter" in the US and Canada, else "a4": from LC_ALL, LC_PAPER or LANG (the POSIX order), else the
    process locale (Windows, macOS apps started from the Finder); ``environ`` replaces os.environ (tests)."""
    env = os.environ if environ is None else environ
    names = [env.get(k, "") for k in ("LC_ALL", "LC_PAPER", "LANG")]
    if environ is None:
        try:
            names.append(locale.getlocale()[0] or "")
        except ValueError:
            pass
    for name in names:
        if name and name not in ("C", "POSIX") and not name.startswith("C."):
            return paper_for(name)
    return "a4"
