"""Money and lots as text: the one formatter of every surface (issue 10), JPY without decimals (issue 15).

Outside the layer list on purpose: the importers' messages, the analysis's warnings, the summary, the reports,
the command line and the views all format money here, so this module imports nothing of fxcost.
"""

from __future__ import annotations

import math

#: ISO 4217 currencies without minor units (issue 15: a JPY account's money shows no decimals).
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
                          "VUV", "XAF", "XOF", "XPF"})


def currency_decimals(currency: str | None) -> int:
    """How many decimals money in ``currency`` shows: 0 for JPY and the other zero-decimal currencies, else 2."""
    return 0 if str(currency or "").strip().upper() in ZERO_DECIMAL else 2


def rounded(value: float, decimals: int = 2) -> float:
    """``value`` to ``decimals`` places, half away from zero once float noise is gone: the rule of
    analysis.rebates.round_cents (2.6849999999999996 -> 2.69; 0.5 JPY -> 1, where round() would give 0)."""
    if not 0 <= decimals <= 6:
        return round(value, decimals) + 0.0
    micro = round(value * 1e6)  # integer millionths: float noise below them cannot decide the last digit
    unit = 10 ** (6 - decimals)
    steps = (abs(micro) + unit // 2) // unit
    return math.copysign(steps, micro) / 10 ** decimals + 0.0  # + 0.0: -0.0 prints as 0


def money_text(value, decimals: int = 2, *, currency: str | None = None, sep: str = " ",
               missing: str = "n/a") -> str:
    """Money as text: ``decimals`` places (``currency`` given: that currency's, 0 for JPY), thousands separated
    by ``sep`` (a space, as the command line and the reconciliation lines print them: "-348 604.00"; the views
    pass ","), ``missing`` when there is no figure (None, NaN, infinite)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return missing
    if not math.isfinite(number):
        return missing
    if currency is not None:
        decimals = currency_decimals(currency)
    text = f"{rounded(number, decimals):,.{decimals}f}"
    return text.replace(",", sep) if sep != "," else text


def money_with_unit(value, currency: str | None, *, sep: str = ",", missing: str = "—") -> str:
    """Money in ``currency`` followed by its code ("1,234 JPY", "12.50 USD"); ``missing`` without a figure."""
    text = money_text(value, currency=currency or "", sep=sep, missing=missing)
    return text if text == missing or not currency else f"{text} {currency}"


def number_format(currency: str | None, *, red: bool = True) -> str:
    """The Excel number format of money in ``currency``: '#,##0.00' (negatives red), '#,##0' for JPY."""
    body = "#,##0" if currency_decimals(currency) == 0 else "#,##0.00"
    return f"{body};[Red]-{body}" if red else body


def lots_text(lots: float) -> str:
    """A lot count as text: no trailing zeros, spaces between thousands ("1 lot", "1 234.5 lots")."""
    text = f"{float(lots):,.4f}".rstrip("0").rstrip(".").replace(",", " ")
    return f"{text} lot" if float(lots) == 1 else f"{text} lots"
