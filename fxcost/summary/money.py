"""The money formatter's old address: fxcost.money is the one formatter now (issue 10); these names stay here so
code that imports them from the summary keeps working."""

from fxcost.money import ZERO_DECIMAL, currency_decimals, lots_text, money_text

__all__ = ["ZERO_DECIMAL", "currency_decimals", "lots_text", "money_text"]
