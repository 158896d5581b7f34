"""Symbol normalisation: broker symbol as printed -> (root, suffix), per DOMAIN.md 1.3.

``eurusd.p`` -> ("EURUSD", ".p"), ``EURUSDm`` -> ("EURUSD", "m"), ``#US30`` -> ("US30", "#"),
``GOLD`` -> ("XAUUSD", "") via the alias table. Vectorised over a column with a cache,
since a history has few distinct symbols.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: ISO codes (and metals) that can form a 6-letter FX or metal symbol.
CURRENCIES = frozenset(
    """
    USD EUR GBP JPY CHF CAD AUD NZD SEK NOK DKK PLN HUF CZK TRY ZAR MXN SGD HKD CNH CNY
    RUB ILS THB INR KRW TWD BRL CLP COP PEN IDR MYR PHP SAR AED KWD QAR BHD OMR RON BGN
    HRK ISK KES NGN EGP MAD VND PKR XAU XAG XPT XPD
    """.split()
)

#: Broker aliases -> canonical root (user-editable at run time via ``normalise(..., aliases=)``).
DEFAULT_ALIASES: dict[str, str] = {
    "GOLD": "XAUUSD",
    "SILVER": "XAGUSD",
    "PLATINUM": "XPTUSD",
    "PALLADIUM": "XPDUSD",
    "US30": "US30",
    "DJ30": "US30",
    "WS30": "US30",
    "DOW": "US30",
    "DJI": "US30",
    "USA30": "US30",
    "NAS100": "NAS100",
    "USTEC": "NAS100",
    "US100": "NAS100",
    "NQ100": "NAS100",
    "NDX": "NAS100",
    "USTECH": "NAS100",
    "SPX500": "SPX500",
    "US500": "SPX500",
    "SP500": "SPX500",
    "USA500": "SPX500",
    "SPX": "SPX500",
    "GER30": "GER40",
    "GER40": "GER40",
    "DE30": "GER40",
    "DE40": "GER40",
    "DAX": "GER40",
    "DAX40": "GER40",
    "UK100": "UK100",
    "FTSE": "UK100",
    "FTSE100": "UK100",
    "JP225": "JP225",
    "JPN225": "JP225",
    "NIKKEI": "JP225",
    "NI225": "JP225",
    "USOIL": "USOIL",
    "WTI": "USOIL",
    "XTIUSD": "USOIL",
    "CL": "USOIL",
    "OIL": "USOIL",
    "UKOIL": "UKOIL",
    "BRENT": "UKOIL",
    "XBRUSD": "UKOIL",
    "XNGUSD": "NATGAS",
    "NATGAS": "NATGAS",
    "NGAS": "NATGAS",
    # More broker spellings of the same instruments (review item 5: these were costed with no spread).
    # US crude (WTI)
    "USOUSD": "USOIL",
    "WTIUSD": "USOIL",
    "WTICO": "USOIL",  # OANDA WTICO_USD
    "CRUDE": "USOIL",
    "CRUDEOIL": "USOIL",
    "USCRUDE": "USOIL",
    "SPOTCRUDE": "USOIL",  # Pepperstone
    # Brent
    "UKOUSD": "UKOIL",
    "BRN": "UKOIL",  # Alpari
    "BRENTUSD": "UKOIL",
    "BRENTOIL": "UKOIL",
    "UKBRENT": "UKOIL",
    "SPOTBRENT": "UKOIL",  # Pepperstone
    "BCO": "UKOIL",  # OANDA BCO_USD
    "NATURALGAS": "NATGAS",
    # Dow Jones
    "WST30": "US30",  # Alpari
    "WALLST30": "US30",
    "WALLSTREET": "US30",
    "WALLSTREET30": "US30",
    "USA30IDXUSD": "US30",  # Dukascopy
    # Nasdaq 100
    "NASDAQ": "NAS100",
    "NASDAQ100": "NAS100",
    "NDX100": "NAS100",
    "USTECH100": "NAS100",
    "TECH100": "NAS100",
    "USATECHIDXUSD": "NAS100",
    # S&P 500
    "S&P500": "SPX500",
    "USA500IDXUSD": "SPX500",
    # DAX
    "DAX30": "GER40",
    "GERMANY40": "GER40",
    "GERMANY30": "GER40",
    "DEUIDXEUR": "GER40",
    # FTSE 100
    "UKX": "UK100",
    "GBRIDXGBP": "UK100",
    # Nikkei 225
    "NIKKEI225": "JP225",
    "JAPAN225": "JP225",
    "JPNIDXJPY": "JP225",
    # Other indices (roots of fxcost.analysis.instruments' index list)
    "F40": "FRA40",
    "FRANCE40": "FRA40",
    "CAC40": "FRA40",
    "EUSTX50": "EU50",
    "STOXX50E": "EU50",
    "ESTX50": "EU50",
    "EUROSTOXX50": "EU50",
    "EURO50": "EU50",
    "SPA35": "ESP35",
    "SPAIN35": "ESP35",
    "IBEX35": "ESP35",
    "IT40": "ITA40",
    "ITALY40": "ITA40",
    "CH20": "SWI20",
    "SMI20": "SWI20",
    "SWISS20": "SWI20",
    "NL25": "NETH25",
    "NED25": "NETH25",
    "AEX25": "NETH25",
    "AU200": "AUS200",
    "ASX200": "AUS200",
    "AUSTRALIA200": "AUS200",
    "HSI": "HK50",
    "HKG50": "HK50",
    "HONGKONG50": "HK50",
    "RUSSELL2000": "US2000",
    "RUS2000": "US2000",
}

_PREFIX = re.compile(r"^[#._]+")
_SEPARATOR_SUFFIX = re.compile(r"^([A-Z0-9]+?)([._#\-@!+].*)$")
_CACHE: dict[tuple[str, int], tuple[str, str]] = {}


def normalise(symbol: str, aliases: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Split a printed symbol into (root, suffix). The suffix keeps any stripped prefix too."""
    aliases_key = id(aliases) if aliases is not None else 0
    key = (symbol, aliases_key)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    table = DEFAULT_ALIASES if aliases is None else {**DEFAULT_ALIASES, **{k.upper(): v for k, v in aliases.items()}}
    raw = (symbol or "").strip()
    prefix_match = _PREFIX.match(raw)
    prefix = prefix_match.group(0) if prefix_match else ""
    body = raw[len(prefix) :].upper()
    suffix = ""
    m = _SEPARATOR_SUFFIX.match(body)
    joined = re.sub(r"[._#\-@!+]", "", body)
    if m and m.group(1) not in table and joined in table:  # us_oil -> USOIL, not "US" + "_oil"
        result = (table[joined], prefix)
        _CACHE[key] = result
        return result
    if m and m.group(1):
        body, suffix = m.group(1), raw[len(prefix) + len(m.group(1)) :]
    root = body
    if root in table:
        root = table[root]
    elif len(body) > 6 and body[:3] in CURRENCIES and body[3:6] in CURRENCIES:
        root = body[:6]
        suffix = raw[len(prefix) + 6 :]
    else:
        # Exness-style lower-case letter suffixes on aliases: US30m, USTECm.
        for cut in (1, 2, 3, 4):
            head = body[:-cut]
            if head in table:
                root = table[head]
                suffix = raw[len(prefix) + len(head) :]
                break
    result = (root, prefix + suffix)
    if len(_CACHE) > 50000:
        _CACHE.clear()
    _CACHE[key] = result
    return result


def normalise_many(symbols: Iterable[str], aliases: Mapping[str, str] | None = None) -> tuple[list[str], list[str]]:
    """Roots and suffixes for a column of symbols (one computation per distinct symbol)."""
    symbols = list(symbols)
    distinct = {s: normalise(s, aliases) for s in set(symbols)}
    roots = [distinct[s][0] for s in symbols]
    suffixes = [distinct[s][1] for s in symbols]
    return roots, suffixes
