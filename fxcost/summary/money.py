"""Money and lots as text: the one formatter of the command line, the Import panel and the views' tables."""

from __future__ import annotations

import math

from fxcost.analysis.rebates import round_cents


def money_text(value, decimals: int = 2) -> str:
    """Money as the command line prints it: to the cent, thousands separated by spaces ("-348 604.00"), as in
    the reconciliation lines (importers.reconcile); "n/a" when there is no figure."""
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    if decimals == 2:  # cents: half away from zero after float noise is gone (2.6849999999999996 -> 2.69)
        value = round_cents(float(value))
    value = round(float(value), decimals) + 0.0  # + 0.0: -0.001 prints as 0.00, not -0.00
    return f"{value:,.{decimals}f}".replace(",", " ")


#: ISO 4217 currencies without minor units (issue 15: a JPY account's money shows no decimals).
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
                          "VUV", "XAF", "XOF", "XPF"})


def currency_decimals(currency: str | None) -> int:
    """How many decimals money in ``currency`` shows: 0 for JPY and the other zero-decimal currencies, else 2."""
    return 0 if str(currency or "").strip().upper() in ZERO_DECIMAL else 2


def lots_text(lots: float) -> str:
    """A lot count as text: no trailing zeros, spaces between thousands ("1 lot", "1 234.5 lots")."""
    text = f"{float(lots):,.4f}".rstrip("0").rstrip(".").replace(",", " ")
    return f"{text} lot" if float(lots) == 1 else f"{text} lots"
