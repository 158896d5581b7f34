"""Instruments: category, point and pip per symbol, and M (money per 1.0 price move per lot) per trade.

M is derived from each trade's own Profit (DOMAIN.md 2.4): M_i = Profit / (signed move x lots),
which equals contract size x the broker's conversion rate at close. Where a trade's own M is
unreliable (tiny profit or move), the median of the symbol's reliable trades nearest in
time is used; where a symbol has none, contract size x a conversion rate implied by other
trades (or a default). Every M records its source: implied, median, default or user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fxcost.analysis.codes import categorical
from fxcost.analysis.codes import factorize as codes_of
from fxcost.symbols import CURRENCIES

CATEGORIES = ("fx_major", "fx_minor", "fx_exotic", "metal", "index", "energy", "crypto", "stock", "other")

_G10 = {"USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD"}
_MAJORS = {"EURUSD", "GBPUSD", "USDJPY", "USDCHF", "AUDUSD", "USDCAD", "NZDUSD"}
_METALS = {"XAU", "XAG", "XPT", "XPD"}
_INDICES = {
    "US30", "NAS100", "SPX500", "GER40", "UK100", "JP225", "FRA40", "EU50", "ESP35", "AUS200", "HK50",
    "US2000", "CHINA50", "CN50", "SWI20", "NETH25", "ITA40", "SG30", "VIX", "DXY", "USDX", "STOXX50",
}
_ENERGIES = {"USOIL", "UKOIL", "NATGAS", "GASOLINE", "HEATOIL"}
_CRYPTO = {"BTC", "ETH", "LTC", "XRP", "BCH", "ADA", "DOT", "SOL", "DOGE", "BNB", "LINK", "XLM", "EOS", "TRX", "AVAX"}

#: Units per 1.0 lot by category, used only when M cannot be implied from the trades (DOMAIN.md 1.1).
DEFAULT_CONTRACT: dict[str, float] = {
    "fx_major": 100_000.0, "fx_minor": 100_000.0, "fx_exotic": 100_000.0,
    "index": 1.0, "energy": 1000.0, "crypto": 1.0, "stock": 1.0, "other": 1.0,
}
METAL_CONTRACT = {"XAU": 100.0, "XAG": 5000.0, "XPT": 50.0, "XPD": 50.0}

#: Approximate USD value of one unit of a currency: only for notional in USD and a last-resort
#: conversion when the history itself implies no rate (source "default"). Dated so users can judge.
DEFAULT_USD_RATES_DATE = "2025-06"
DEFAULT_USD_RATES: dict[str, float] = {
    "USD": 1.0, "EUR": 1.14, "GBP": 1.35, "JPY": 1 / 145.0, "CHF": 1 / 0.82, "CAD": 1 / 1.37, "AUD": 0.65,
    "NZD": 0.60, "SEK": 1 / 9.6, "NOK": 1 / 10.1, "DKK": 1 / 6.55, "PLN": 1 / 3.75, "HUF": 1 / 350.0,
    "CZK": 1 / 21.8, "TRY": 1 / 39.0, "ZAR": 1 / 17.9, "MXN": 1 / 19.2, "SGD": 1 / 1.29, "HKD": 1 / 7.85,
    "CNH": 1 / 7.18, "CNY": 1 / 7.18, "XAU": 3300.0, "XAG": 36.0, "XPT": 1050.0, "XPD": 1000.0,
}
#: Cent-account currencies and their major currency.
CENT = {"USC": ("USD", 0.01), "EUC": ("EUR", 0.01), "GBX": ("GBP", 0.01)}

#: A trade's own M is trusted when |Profit| >= this (rounding error <= 0.5%) ...
MIN_PROFIT_FOR_M = 1.0
#: ... and the price moved at least this many points.
MIN_POINTS_FOR_M = 10


def category(root: str) -> str:
    """Instrument category of a normalised symbol root."""
    r = (root or "").upper()
    if r in _MAJORS:
        return "fx_major"
    if len(r) == 6 and r[:3] in _METALS:
        return "metal"
    if len(r) == 6 and r[:3] in CURRENCIES and r[3:] in CURRENCIES:
        return "fx_minor" if r[:3] in _G10 and r[3:] in _G10 else "fx_exotic"
    if r in _INDICES:
        return "index"
    if r in _ENERGIES:
        return "energy"
    for coin in _CRYPTO:
        if r.startswith(coin) and r[len(coin):] in ("USD", "USDT", "EUR", "JPY", "BTC", ""):
            return "crypto"
    if r.isalpha() and 1 <= len(r) <= 5:
        return "stock"
    return "other"


def quote_currency(root: str) -> str:
    """The currency prices are quoted in: the last 3 letters of FX/metals, USD for others (an assumption)."""
    r = (root or "").upper()
    if len(r) == 6 and r[:3] in CURRENCIES and r[3:] in CURRENCIES:
        return r[3:]
    if category(r) == "crypto":
        for q in ("USDT", "USD", "EUR", "JPY", "BTC"):
            if r.endswith(q) and len(r) > len(q):
                return "USD" if q == "USDT" else q
    return {"GER40": "EUR", "FRA40": "EUR", "EU50": "EUR", "ESP35": "EUR", "UK100": "GBP", "JP225": "JPY",
            "AUS200": "AUD", "HK50": "HKD", "SWI20": "CHF", "NETH25": "EUR", "ITA40": "EUR",
            "STOXX50": "EUR"}.get(r, "USD")


def base_currency(root: str) -> str:
    r = (root or "").upper()
    if len(r) == 6 and r[:3] in CURRENCIES:
        return r[:3]
    return ""


def pip_size(root: str, cat: str, digits: int) -> float:
    """One pip in price units: 0.0001 (0.01 for JPY quotes) for FX; by convention for the rest."""
    point = 10.0 ** -max(0, int(digits))
    if cat.startswith("fx"):
        return 0.01 if quote_currency(root) in ("JPY", "HUF") else 0.0001
    if cat == "metal":
        return {"XAU": 0.1, "XAG": 0.01}.get(root[:3], 10 * point)
    if cat in ("index", "crypto"):
        return 1.0
    if cat == "energy":
        return 0.01
    return point * 10 if digits >= 3 else point


@dataclass
class InstrumentSettings:
    """User overrides: contract sizes and M per symbol root, categories, and the user's own alias table."""

    contract_size: dict[str, float] = field(default_factory=dict)  # root -> units per lot
    money_per_point: dict[str, float] = field(default_factory=dict)  # root -> M (account ccy per 1.0 price per lot)
    categories: dict[str, str] = field(default_factory=dict)  # root -> category
    # Printed symbol or root -> root, on top of fxcost.symbols' defaults: {"MYGOLD": "XAUUSD", "DE40": "GER40"}.
    aliases: dict[str, str] = field(default_factory=dict)


def apply_aliases(trades: pd.DataFrame, aliases: dict[str, str]) -> pd.DataFrame:
    """``trades`` with ``symbol_root`` re-derived under the user's alias table (unchanged without one).

    A printed symbol (``MYGOLD``, case-insensitive) or the root the importer derived from it
    (``MYGOLD`` from ``mygold.r``) that the table names takes the table's root; other trades keep theirs.
    """
    if not aliases or not len(trades):
        return trades
    table = {str(k).strip().upper(): str(v).strip().upper() for k, v in aliases.items()}
    sym_codes, symbols = codes_of(trades["symbol"])
    root_codes, roots = codes_of(trades["symbol_root"])
    # One lookup per distinct (symbol, root) pair, not per trade.
    pair_codes, pairs = pd.factorize((sym_codes.astype(np.int64) + 1) * (len(roots) + 1) + root_codes + 1)
    mapped = np.empty(len(pairs), dtype=object)
    for i, pair in enumerate(pairs):
        s, r = divmod(int(pair), len(roots) + 1)
        symbol = str(symbols[s - 1]).strip().upper() if s else ""
        root = str(roots[r - 1]) if r else ""
        mapped[i] = table.get(symbol) or table.get(root.upper()) or root
    out = trades.copy(deep=False)
    out["symbol_root"] = pd.Series(mapped[pair_codes], index=trades.index, dtype=trades["symbol_root"].dtype)
    return out


def classify(trades: pd.DataFrame, settings: InstrumentSettings | None = None) -> pd.DataFrame:
    """Per-trade category, quote currency, point, pip (computed once per distinct symbol and digits)."""
    settings = settings or InstrumentSettings()
    # Integer codes, not a merge on strings: a million trades have a handful of (root, digits) pairs.
    root_codes, roots = codes_of(trades["symbol_root"])
    digit_codes, digits = pd.factorize(trades["digits"].to_numpy())
    codes, pairs = pd.factorize(root_codes.astype(np.int64) * max(1, len(digits)) + digit_codes)
    n = len(pairs)
    cat, quote = np.empty(n, dtype=object), np.empty(n, dtype=object)
    point, pip = np.empty(n), np.empty(n)
    for i, pair in enumerate(pairs):
        rc, dc = divmod(int(pair), max(1, len(digits)))
        root = str(roots[rc]) if rc >= 0 and rc < len(roots) else ""
        d = int(digits[dc]) if dc >= 0 and len(digits) else 0
        cat[i] = settings.categories.get(root) or category(root)
        quote[i] = quote_currency(root)
        point[i] = 10.0 ** -max(0, d)
        pip[i] = pip_size(root, cat[i], d)
    # Category as a categorical: spread profiles and rebate rules match on it without hashing strings.
    names = list(CATEGORIES) + sorted(set(cat) - set(CATEGORIES))  # a user's own category is kept too
    cat_codes = np.array([names.index(c) for c in cat], dtype=np.intp)
    return pd.DataFrame({"category": categorical(cat_codes[codes], names), "quote_ccy": quote[codes],
                         "point": point[codes], "pip": pip[codes]}, index=trades.index)


def implied_m(trades: pd.DataFrame, point: pd.Series, sign: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each trade's own M and whether it is reliable (DOMAIN.md 2.4 pitfalls); ``sign``: +1 buy, -1 sell."""
    if sign is None:
        sign = side_sign(trades)
    move = (trades["close_price"].to_numpy() - trades["open_price"].to_numpy()) * sign
    lots = trades["lots"].to_numpy()
    profit = trades["profit"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        m = profit / (move * lots)
    reliable = (
        np.isfinite(m)
        & (m > 0)
        & (np.abs(profit) >= MIN_PROFIT_FOR_M)
        & (np.abs(move) >= MIN_POINTS_FOR_M * point.to_numpy() - 1e-12)
    )
    return m, reliable


#: A trade's own Profit confirms a default M when that M is within the Profit's cent rounding of the trade's own,
#: and the rounding leaves no more than this relative doubt (a standard contract against a mini one is 10x apart).
MAX_DOUBT_TO_CONFIRM = 0.02


def _agrees(m_own: np.ndarray, m: np.ndarray, profit: np.ndarray) -> np.ndarray:
    """Where the trade's own M (too small a move or profit to be taken alone, :func:`implied_m`) agrees with ``m``
    within the half cent its printed Profit may be rounded by (prices are printed exactly): e.g. a 6-point EURUSD
    trade of 1 lot that made 6.00 USD gives exactly the default 100,000 x 1 (a real Vantage statement warned of it)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        doubt = 0.005 / np.abs(profit)
        agrees: np.ndarray = (np.isfinite(m_own) & (m_own > 0) & np.isfinite(m) & (doubt <= MAX_DOUBT_TO_CONFIRM)
                              & (np.abs(m - m_own) <= m_own * doubt * (1 + 1e-9)))
    return agrees


def side_sign(trades: pd.DataFrame) -> np.ndarray:
    """+1.0 for buys, -1.0 for sells."""
    return np.where(trades["side"].to_numpy() == "buy", 1.0, -1.0)


def money_per_price(
    trades: pd.DataFrame,
    classes: pd.DataFrame,
    account_currency: str,
    settings: InstrumentSettings | None = None,
    sign: np.ndarray | None = None,
    segments: Sequence[tuple[int, int]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """M per trade and its source ('implied', 'median', 'default', 'confirmed': a default the trade's own Profit agrees
    with, 'user').

    Groups by (account, symbol_root): different accounts may convert differently. ``sign`` (+1 buy,
    -1 sell) saves comparing the side strings again when the caller has it. ``segments``: the row ranges of
    the accounts of a batch (fxcost.analysis.batch, issue 14), each converted with its own trades' rates.
    """
    settings = settings or InstrumentSettings()
    n = len(trades)
    m_own, reliable = implied_m(trades, classes["point"], sign)
    m = np.full(n, np.nan)
    source = np.full(n, "", dtype=object)

    m[reliable] = m_own[reliable]
    source[reliable] = "implied"

    # Unreliable trades take the median of the symbol's reliable trades in the same month (the
    # conversion rate drifts over years), else over the whole history. Reliable trades far from
    # that median (a broker adjustment inside Profit) are treated as unreliable too.
    # Integer group keys (account x symbol, months since 1970): joining strings per trade is slow.
    acct_codes, _ = codes_of(trades["account"])
    root_codes, roots = codes_of(trades["symbol_root"])
    key = (acct_codes.astype(np.int64) + 1) * (len(roots) + 1) + root_codes + 1
    month = trades["close_time"].to_numpy().astype("datetime64[M]").astype(np.int64)
    if reliable.any():
        values = np.where(reliable, m_own, np.nan)
        by_key = pd.factorize(key)[0]
        month_codes = pd.factorize(month)[0]
        by_month = by_key.astype(np.int64) * (int(month_codes.max()) + 1) + month_codes
        by_value = value_order(values)  # sorted once: the outliers below only turn NaN
        overall = group_median(by_key, values, by_value)
        outlier = reliable & (np.abs(m_own - overall) > 0.05 * overall)
        values[outlier] = np.nan
        monthly = group_median(by_month, values, by_value)
        overall = group_median(by_key, values, by_value)
        fallback = np.where(np.isfinite(monthly), monthly, overall)
        need = (~reliable | outlier) & np.isfinite(fallback)
        m[need] = fallback[need]
        source[need] = "median"

    # Default: contract size x conversion of the quote currency into the account currency.
    missing = ~np.isfinite(m)
    if missing.any():
        cats = classes["category"].to_numpy()
        quotes = classes["quote_ccy"].to_numpy()
        for lo, hi, rates_of in _parts(trades, classes, segments):
            idx = np.flatnonzero(missing[lo:hi]) + lo
            if not len(idx):
                continue
            rates = rates_of(m, account_currency)
            # One value per symbol (category and quote currency follow from the root), not one per trade.
            per_root = {}
            for code in np.unique(root_codes[idx]):
                i = idx[np.argmax(root_codes[idx] == code)]
                root = roots[code] if code >= 0 else ""
                contract = settings.contract_size.get(root) or _default_contract(root, cats[i])
                per_root[code] = contract * rates.get(quotes[i], np.nan)
            lookup = np.array([per_root.get(c, np.nan) for c in range(-1, len(roots))])
            m[idx] = lookup[root_codes[idx] + 1]
            source[idx] = "default"
        source[missing & _agrees(m_own, m, trades["profit"].to_numpy())] = "confirmed"

    # User overrides win.
    for root, value in settings.money_per_point.items():
        mask = trades["symbol_root"].to_numpy() == root
        m[mask] = value
        source[mask] = "user"
    for root, contract in settings.contract_size.items():
        mask = (trades["symbol_root"].to_numpy() == root) & (source != "user")
        for lo, hi, rates_of in _parts(trades, classes, segments):
            sel = np.flatnonzero(mask[lo:hi]) + lo
            if len(sel):
                rates = rates_of(m, account_currency)
                m[sel] = contract * rates.get(quote_currency(root), np.nan)
                source[sel] = "user"
    return m, source


_Rates = Callable[[np.ndarray, str], dict[str, float]]


def _parts(trades: pd.DataFrame, classes: pd.DataFrame,
           segments: Sequence[tuple[int, int]] | None) -> Iterator[tuple[int, int, _Rates]]:
    """Each account's row range and its :func:`conversion_rates` (of its own rows of M): the whole frame, or each
    segment of a batch (issue 14)."""
    if segments is None:
        yield 0, len(trades), lambda m, ccy: conversion_rates(trades, classes, m, ccy)
        return
    for lo, hi in segments:
        yield lo, hi, _segment_rates(trades, classes, lo, hi)


def _segment_rates(trades: pd.DataFrame, classes: pd.DataFrame, lo: int, hi: int) -> _Rates:
    """:func:`conversion_rates` of rows ``lo:hi`` (one account of a batch)."""
    def rates(m: np.ndarray, ccy: str) -> dict[str, float]:
        return conversion_rates(trades.iloc[lo:hi], classes.iloc[lo:hi], m[lo:hi], ccy)

    return rates


def usd_per_account_units(trades: pd.DataFrame, classes: pd.DataFrame, m: np.ndarray, account_currency: str,
                          segments: Sequence[tuple[int, int]]) -> np.ndarray:
    """:func:`usd_per_account_unit` of each segment (an account's row range) of a batch (issue 14)."""
    acct, factor = CENT.get(account_currency.upper(), (account_currency.upper() or "USD", 1.0))
    if acct == "USD":  # no rate to read from the trades
        return np.full(len(segments), factor, dtype="float64")
    return np.array([usd_per_account_unit(trades.iloc[lo:hi], classes.iloc[lo:hi], m[lo:hi], account_currency)
                     for lo, hi in segments], dtype="float64")


def group_median(groups: np.ndarray, values: np.ndarray, order: np.ndarray | None = None) -> np.ndarray:
    """Per row, the median of the non-NaN ``values`` of its group (NaN when it has none): pandas'
    ``groupby(groups).transform("median")`` in one sort (issue 14: three of them per account cost more than the
    rest of M); ``groups`` are integer codes >= 0.

    ``order``: :func:`value_order` of these values or of values they were made from by setting some to NaN (the rest
    stay in order), so that several medians of one column sort its values once (issues 10 and 14: three lexsorts were
    a fifth of costing 1M trades); then only a stable sort by group is left, a radix sort for small codes. Any other
    order gives wrong medians, unchecked.
    """
    out = np.full(len(values), np.nan)
    if order is None:
        order = value_order(values)
    order = order[~np.isnan(values[order])]
    if not len(order):
        return out
    g = groups[order]
    top = int(g.max())
    # numpy's stable sort is a radix sort for 16-bit integers: the codes as such when they fit.
    order = order[np.argsort(g.astype(np.int16) if top < 2 ** 15 else g, kind="stable")]
    g, v = groups[order], values[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    counts = np.diff(np.r_[starts, len(g)])
    # The middle value, or the mean of the two middle values as pandas computes it ((upper + lower) / 2).
    median = (v[starts + counts // 2] + v[starts + (counts - 1) // 2]) / 2
    per_group = np.full(int(groups.max()) + 1, np.nan)
    per_group[g[starts]] = median
    result: np.ndarray = per_group[groups]
    return result


def value_order(values: np.ndarray) -> np.ndarray:
    """The rows by ascending value, NaN last, ties in row order (what :func:`group_median` takes as ``order``)."""
    order: np.ndarray = np.argsort(values, kind="stable")
    return order


def _default_contract(root: str, cat: str) -> float:
    if cat == "metal":
        return METAL_CONTRACT.get(root[:3], 100.0)
    return DEFAULT_CONTRACT.get(cat, 1.0)


def conversion_rates(
    trades: pd.DataFrame, classes: pd.DataFrame, m: np.ndarray, account_currency: str
) -> dict[str, float]:
    """Account-currency value of one unit of each quote currency, implied by the history when possible.

    FX pairs carry 100,000 units per lot almost everywhere, so an FX pair's median M / 100,000
    is the broker's own rate from its quote currency into the account currency.
    """
    acct, factor = CENT.get(account_currency.upper(), (account_currency.upper(), 1.0))
    rates: dict[str, float] = {acct: 1.0 / factor}
    fx = classes["category"].str.startswith("fx").to_numpy() & np.isfinite(m)
    if fx.any():
        df = pd.DataFrame({"q": classes["quote_ccy"].to_numpy()[fx], "m": m[fx]})
        for q, med in df.groupby("q")["m"].median().items():
            rates.setdefault(str(q), float(med) / 100_000.0)
    usd = DEFAULT_USD_RATES
    if acct in usd:
        for ccy, value in usd.items():
            rates.setdefault(ccy, value / usd[acct] / factor)
    return rates


def usd_per_account_unit(trades: pd.DataFrame, classes: pd.DataFrame, m: np.ndarray, account_currency: str) -> float:
    """USD value of one unit of the account currency (for notional and $ per million)."""
    acct, factor = CENT.get(account_currency.upper(), (account_currency.upper() or "USD", 1.0))
    if acct == "USD":
        return factor
    rates = conversion_rates(trades, classes, m, account_currency)
    # rates["USD"] = account units per USD when implied by XXXUSD trades.
    if "USD" in rates and np.isfinite(rates["USD"]) and rates["USD"] > 0:
        return 1.0 / rates["USD"]
    return DEFAULT_USD_RATES.get(acct, 1.0) * factor
