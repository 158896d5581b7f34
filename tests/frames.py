"""Frame comparisons for tests of fast paths that must give the very same values (issues 10 and 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def assert_same_bits(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """``a`` equals ``b`` exactly, and every float column holds the very same bits (-0.0 apart from 0.0), every NaN
    made one NaN first."""
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for col in a.columns:
        x, y = a[col].to_numpy(), b[col].to_numpy()
        if x.dtype.kind == "f":
            x, y = np.where(np.isnan(x), np.nan, x), np.where(np.isnan(y), np.nan, y)
            assert np.array_equal(x.view(np.int64), y.view(np.int64)), col
        else:
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "c"), col
