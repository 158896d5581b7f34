"""Integer codes for the string columns the engine groups and matches on, computed once per analysis.

Hashing a million symbol or account strings costs tens of milliseconds each time; the engine
turns those columns into categoricals once (:func:`as_categories`) so every later grouping and
match reads their codes (:func:`factorize`); the costed frame leaves the engine with the caller's own
columns (engine.costed_trades).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

#: The trade columns the engine groups or matches on.
KEY_COLUMNS = ("account", "symbol_root")


def factorize(column: pd.Series) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """Codes (-1 = missing) and distinct values (object array) of a column; free for a categorical column."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cat = column.array  # the Categorical itself: no .cat accessor built per call (issue 14)
        assert isinstance(cat, pd.Categorical)
        return cat.codes.astype(np.intp), np.asarray(cat.categories, dtype=object)
    codes, uniques = pd.factorize(column.to_numpy(dtype=object))
    return codes, np.asarray(uniques, dtype=object)


def categorical(codes: np.ndarray, values: Iterable[object]) -> pd.Categorical:
    """A categorical from codes (-1 = missing) and distinct values."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(values), dtype=object))


def as_categories(t: pd.DataFrame, columns: Iterable[str] = KEY_COLUMNS) -> pd.DataFrame:
    """A shallow copy of ``t`` whose ``columns`` are categorical."""
    out = t.copy(deep=False)
    for col in columns:
        if col in out.columns and not isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = categorical(*factorize(out[col]))
    return out


def nanoseconds(times: pd.Series) -> npt.NDArray[np.int64]:
    """``np.asarray(pd.to_datetime(times), dtype="datetime64[ns]").view("int64")`` (NaT: int64 min), read straight
    from a naive datetime64[ns] column (issue 14: pd.to_datetime builds a Series per call, several per account)."""
    if isinstance(times, pd.Series) and times.dtype == np.dtype("datetime64[ns]"):
        return times.to_numpy().view("int64")
    return np.asarray(pd.to_datetime(times), dtype="datetime64[ns]").view("int64")
