"""Cells of an MT5 report read column-wise: clean text, numbers, volumes, ticket ids, times and printed digits."""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from fxcost.importers import text as tx
from fxcost.importers.mt5_rows import blank

#: Volumes are compared with this tolerance (lots have at most 2-3 decimals).
VOLUME_EPS = 1e-6


def is_time(v: Any) -> bool:
    """A data row starts with a date-time: '2025.06.06 00:33:56' (or a real date in edited XLSX).

    Readers that keep rows in Blocks admit only rows whose first cell passes this test (see mt5_rows).
    """
    if type(v) is str:
        return len(v) >= 10 and v[:4].isdigit() and v[4:5] in (".", "-") and v[5:7].isdigit()
    return isinstance(v, datetime)


def is_numeric(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    if type(v) is str:
        s = v.strip()
        return s.startswith("=") or not math.isnan(tx.parse_number(s))
    return False


def cell_text(v: Any) -> str:
    """A cell as clean text; numbers as printed (an XLSX ticket 200000.0 -> '200000')."""
    if v is None:
        return ""
    if type(v) is str:
        return tx.clean(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.strftime("%Y.%m.%d %H:%M:%S")
    return str(v)


def row_text(row: Sequence[Any]) -> str:
    return " | ".join(cell_text(v) for v in row if not blank(v))[:300]


def cell_texts(col: Sequence[Any]) -> list[str]:
    """:func:`cell_text` of each cell, computed once per distinct value (the lookups run in C)."""
    texts = dict.fromkeys(col)
    if True in texts or False in texts:
        # 1 == 1.0 == True as dict keys, but their texts differ ("1" / "True"): no sharing then.
        return [cell_text(v) for v in col]
    for v in texts:
        texts[v] = cell_text(v)
    return list(map(texts.__getitem__, col))


def lowered(texts: Sequence[str]) -> list[str]:
    """``[t.lower() for t in texts]``, one string object per distinct text: a column of 100k "buy"/"sell"
    cells would otherwise become 100k new strings (``str.lower`` always makes a new one)."""
    distinct = dict.fromkeys(texts)
    for t in distinct:
        distinct[t] = t.lower()
    return list(map(distinct.__getitem__, texts))  # in C (issue 14)


#: What a cell of plain decimal numbers holds: Python's float() reads these exactly as pandas' to_numeric does (up to
#: 15 characters, so at most 15 digits; "-0" aside, which to_numeric reads as an integer 0).
_PLAIN_NUMBER_CHARS = str.maketrans("", "", "0123456789.-")


#: The cell types of a column numpy turns into floats exactly as pd.to_numeric does.
_FLOAT_CELLS = frozenset({float, type(None)})


def floats(col: Sequence[Any]) -> np.ndarray:
    """Numbers column-wise: a C-speed pass, then the space/minus-tolerant parser for the rest."""
    # Issue 14 (a book of hundreds of files): a column of plain numbers costs one numpy call, half of to_numeric's.
    plain = tx.plain_floats(col)
    if plain is not None:
        return plain
    if len(col) and set(map(type, col)) <= _FLOAT_CELLS:
        # An XLSX number column (floats, None where empty): numpy reads it as to_numeric does, None as NaN (issue 14).
        return np.array(col, dtype="float64")
    arr = np.empty(len(col), dtype=object)
    arr[:] = col
    out = np.asarray(pd.to_numeric(arr, errors="coerce"), dtype="float64").copy()
    bad = np.flatnonzero(np.isnan(out))
    if bad.size:
        sub = [(k, arr[k]) for k in bad if not blank(arr[k]) and not isinstance(arr[k], bool)]
        if sub:
            # Most of these are numbers with a space between thousands ('-2 010.50'): without their spaces the C pass
            # reads them, as parse_numbers would (its first step), and only what is left pays for its pandas string
            # rules (~2 ms a call; issue 14: a book of hundreds of files).
            texts = [(k, v) for k, v in sub if type(v) is str]
            if texts:
                spaced = np.empty(len(texts), dtype=object)
                spaced[:] = [tx.SPACE_RE.sub("", v) for _, v in texts]
                got = np.asarray(pd.to_numeric(spaced, errors="coerce"), dtype="float64")
                read = ~np.isnan(got)
                out[[k for (k, _), ok in zip(texts, read.tolist()) if ok]] = got[read]
                sub = [(k, v) for (k, v), ok in zip(texts, read.tolist()) if not ok] + [
                    (k, v) for k, v in sub if type(v) is not str]
            if sub:
                out[[k for k, _ in sub]] = tx.parse_numbers([v for _, v in sub])
    return out


def volumes(col: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """MT5 volume cells -> (first, second): 'filled / requested' (orders), 'closed / total'
    (a partly closed position) or a plain volume (both the same)."""
    if len(col) and set(map(type, col)) <= _FLOAT_CELLS:
        # An XLSX volume column (floats, None where empty): a plain volume each, read by numpy (issue 14).
        plain = np.array(col, dtype="float64")
        return plain, plain.copy()
    if not set(map(type, col)) <= _TEXT_CELLS:
        return _volumes_each(col)
    # Each distinct text worked out once and spread in C (issue 14: a Python step per cell). Text alone: numbers as
    # keys would merge 0.0 and -0.0.
    first: dict[Any, float] = dict.fromkeys(col)  # type: ignore[arg-type]
    second: dict[Any, float] = {}
    for v in first:
        if v is not None and "/" in v:
            a, _, b = v.partition("/")
            first[v], second[v] = tx.parse_number(a), tx.parse_number(b)
        else:
            first[v] = second[v] = tx.parse_number(v) if not blank(v) else float("nan")
    # Two flat passes in C (issue 14: an array of a list of pairs cost ~4 times as much).
    n = len(col)
    return (np.fromiter(map(first.__getitem__, col), dtype="float64", count=n),
            np.fromiter(map(second.__getitem__, col), dtype="float64", count=n))


#: The cell types of a column of text (None where empty).
_TEXT_CELLS = frozenset({str, type(None)})


def _volumes_each(col: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`volumes` cell by cell (a column mixing numbers and text)."""
    cache: dict[Any, tuple[float, float]] = {}
    first = np.empty(len(col))
    second = np.empty(len(col))
    for k, v in enumerate(col):
        r = cache.get(v) if type(v) is str else None
        if r is None:
            if type(v) is str and "/" in v:
                a, _, b = v.partition("/")
                r = (tx.parse_number(a), tx.parse_number(b))
            else:
                x = tx.parse_number(v) if not blank(v) else float("nan")
                r = (x, x)
            if type(v) is str:
                cache[v] = r
        first[k], second[k] = r
    return first, second


#: Ticket, deal, order and position numbers are below this (MetaTrader's are 64-bit; none comes near 2^63).
_MAX_ID = 2.0**63


def bad_ids(a: np.ndarray) -> np.ndarray:
    """True where a number is present but is no ticket: negative, fractional or too large for int64 (issue 13:
    a position number of 1e300 was cast to int64 without a check)."""
    with np.errstate(invalid="ignore"):
        return ~np.isnan(a) & ((a < 0) | (a >= _MAX_ID) | (a != np.floor(a)))


def whole_or_zero(a: np.ndarray) -> np.ndarray:
    """Whole numbers (tickets, orders) as int64, 0 where the cell held none."""
    return np.where(np.isnan(a), 0, a).astype("int64")


def int_array(a: np.ndarray) -> array[int]:
    return array("q", np.ascontiguousarray(a, dtype="int64").tobytes())


def real_array(a: np.ndarray) -> array[float]:
    return array("d", np.ascontiguousarray(a, dtype="float64").tobytes())


def times(col: Sequence[Any]) -> np.ndarray:
    return tx.times_array(list(col))


#: Prices looked at per symbol for its digits: MT5 prints every price at the symbol's digits (HTML),
#: and an XLSX float drops trailing zeros only now and then, so a few hundred values settle it.
DIGITS_SAMPLE = 400


def symbol_decimals(symbols: Sequence[str], prices: Sequence[Any]) -> dict[str, list[int]]:
    """Per symbol, the printed decimals of its first :data:`DIGITS_SAMPLE` non-empty prices, in order."""
    kinds = set(map(type, prices))
    if kinds and kinds <= _FLOAT_CELLS:
        # XLSX numbers: their reprs in one C call (a list's repr is its items' reprs), None as an empty cell.
        texts = repr(list(prices))[1:-1].split(", ")
        fast = _plain_symbol_decimals(symbols, [t if t != "None" else "" for t in texts] if type(None) in kinds
                                      else texts)
    else:
        fast = _plain_symbol_decimals(symbols, prices)
    if fast is not None:
        return fast
    # One pass, each distinct text's decimals computed once (issue 14: it ran a second loop over the sample, and
    # printed_decimals a third; a book of hundreds of files paid for each). Same values as printed_decimals.
    seen: dict[str, int] = {}
    out: dict[str, list[int]] = {}
    by_text: dict[str, int] = {}  # -1: a blank cell (skipped)
    by_float: dict[float, int] = {}  # an XLSX number: the decimals of its repr
    for sym, price in zip(symbols, prices):
        kind = type(price)
        if kind is str:
            dec = by_text.get(price)
            if dec is None:
                dec = by_text[price] = _decimals(price) if price.strip() else -1
            if dec < 0:
                continue
        elif price is None:
            continue
        elif kind is float:
            dec = by_float.get(price)
            if dec is None:  # 0.0 and -0.0 are one key: both print one decimal
                dec = by_float[price] = _decimals(repr(price))
        else:
            dec = _decimals(repr(price))
        n = seen.get(sym, 0)
        if n < DIGITS_SAMPLE:
            seen[sym] = n + 1
            got = out.get(sym)
            if got is None:
                out[sym] = [dec]
            else:
                got.append(dec)
    return out


def _plain_symbol_decimals(symbols: Sequence[str], prices: Sequence[Any]) -> dict[str, list[int]] | None:
    """:func:`symbol_decimals` of prices that are all plain decimal texts or empty (an HTML report's), in numpy; else
    None.

    Issue 14: a Python step per price was a tenth of building an MT5 HTML statement."""
    n = len(prices)
    if not n or len(symbols) != n:
        return None
    try:
        joined = "".join(prices)
    except TypeError:  # numbers (XLSX), None
        return None
    if not joined or not joined.isascii() or joined.translate(_PLAIN_NUMBER_CHARS):
        return None  # spaces or other characters: the general path decides
    texts = np.array(prices)
    lengths = np.strings.str_len(texts)
    dot = np.strings.find(texts, ".")
    # The decimals are the characters after the point when they are digits alone (no second point, no minus).
    dec = np.where(dot >= 0, lengths - dot - 1, 0)
    dec[(np.strings.count(texts, ".") > 1) | (np.strings.rfind(texts, "-") > dot) & (dot >= 0)] = 0
    index: dict[str, int] = {}
    for sym in symbols:
        if sym not in index:
            index[sym] = len(index)
    codes = np.fromiter(map(index.__getitem__, symbols), dtype=np.int64, count=n)
    present = np.flatnonzero(lengths > 0)  # an empty cell is no price
    codes, dec = codes[present], dec[present]
    # Each price's rank among its symbol's prices: only the first DIGITS_SAMPLE count.
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(index)))
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes)) - starts[codes[order]]
    keep = rank < DIGITS_SAMPLE
    _, first = np.unique(codes, return_index=True)
    names = list(index)
    # Symbols in the order their first price comes, as the loop in symbol_decimals gives them.
    return {names[k]: dec[(codes == k) & keep].tolist() for k in codes[np.sort(first)].tolist()}


def _decimals(text: str) -> int:
    """The printed decimals of one price's text (see :func:`printed_decimals`)."""
    dec = text.strip().partition(".")[2]
    return len(dec) if _DIGITS.fullmatch(dec) else 0


#: The decimals part of a printed price: digits only (else it counts 0).
_DIGITS = re.compile(r"\d*")


def printed_decimals(values: Sequence[Any]) -> np.ndarray:
    """Printed decimals of each price ('1.14475' -> 5; an XLSX float by its shortest repr).

    A plain loop, once per distinct text: a few hundred prices per symbol and file, where pandas' string methods
    cost more in calls than the work (issue 14: a book of hundreds of files)."""
    if isinstance(values, np.ndarray):
        values = values.tolist()  # Python scalars, as an object Series would hold them
    out: list[int] = []
    seen: dict[str, int] = {}
    for v in values:
        text = v if type(v) is str else ("" if v is None else repr(v))
        n = seen.get(text)
        if n is None:
            n = seen[text] = _decimals(text)
        out.append(n)
    return np.array(out, dtype="int64")
