"""slices.row_range (issue 14): an account's rows of a book's frame, as set_axis would give them, sharing memory."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fxcost.analysis.slices import row_range


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame({"a": np.arange(10.0), "s": [f"t{i}" for i in range(10)]})
    return pd.concat([frame, pd.DataFrame({"b": np.arange(10) * 3}, copy=False)], axis=1)  # blocks of their own


def test_rows_are_what_iloc_and_set_axis_give_as_views():
    frame = _frame()
    got = row_range(frame, 3, 7)
    pd.testing.assert_frame_equal(got, frame.iloc[3:7].set_axis(pd.RangeIndex(4), axis=0), check_exact=True)
    assert np.shares_memory(got["a"].to_numpy(), frame["a"].to_numpy())
    own = pd.Index([40, 41, 42, 43], name="row")
    assert row_range(frame, 3, 7, own).index.equals(own)


def test_the_frame_cut_keeps_its_index_and_values():
    """Setting the cut's index in place, or writing into the cut, leaves the frame as it was (copy-on-write)."""
    frame = _frame()
    before = frame.copy()
    rows = row_range(frame, 2, 5)
    rows.loc[0, "a"] = -1.0
    rows["b"] = 0
    assert frame.index.equals(pd.RangeIndex(10))
    pd.testing.assert_frame_equal(frame, before, check_exact=True)
