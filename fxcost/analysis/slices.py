"""Consecutive rows of a frame as a frame of their own, sharing the frame's memory (issue 14: a book's accounts)."""

from __future__ import annotations

import pandas as pd


def row_range(frame: pd.DataFrame, start: int, stop: int, index: pd.Index | None = None) -> pd.DataFrame:
    """Rows ``start:stop`` of ``frame`` (a view: copy-on-write keeps ``frame`` as it is), indexed by ``index``
    (default: from 0).

    The slice is a new frame of its own, so its index is set in place: ``set_axis`` would copy the slice first, one
    block object per column block, which was most of cutting a 500-client book's frames into accounts."""
    rows = frame.iloc[start:stop]
    rows.index = pd.RangeIndex(stop - start) if index is None else index
    return rows
