"""The model's frame builders: dtypes, defaults and the text columns' shared objects (issue 10, issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fxcost import model


def _fresh(text: str) -> str:
    """An equal str that is a new object (as a reader makes one per cell)."""
    return "".join(list(text))


def test_text_columns_hold_one_object_per_distinct_value() -> None:
    sides = [_fresh("buy"), _fresh("sell"), _fresh("buy"), _fresh("buy")]
    assert sides[0] is not sides[2]
    t = model.trades_frame({"ticket": [1, 2, 3, 4], "side": sides, "symbol": ["EURUSD"] * 4})
    col = t["side"].tolist()
    assert col == ["buy", "sell", "buy", "buy"]
    assert col[0] is col[2] is col[3]
    assert t["side"].dtype == object and t["symbol"].dtype == object  # never pandas' str dtype


def test_missing_text_becomes_empty_and_mixed_values_are_kept() -> None:
    t = model.trades_frame({"ticket": [1, 2, 3], "comment": ["a", None, np.nan]})
    assert t["comment"].tolist() == ["a", "", ""]
    o = model.orders_frame({"ticket": [1, 2], "comment": [1, "1"]})
    assert o["comment"].tolist() == [1, "1"] and [type(v) for v in o["comment"]] == [int, str]


def test_frame_equals_the_pandas_constructor_and_owns_its_arrays() -> None:
    magic = pd.array([5, None, 7], dtype="Int64")
    lots = np.array([0.1, 0.2, 0.3])
    t = model.trades_frame({"ticket": [1, 2, 3], "side": ["buy", "sell", "buy"], "lots": lots, "magic": magic,
                            "open_time": ["2025.01.02 10:00:00"] * 3, "commission": [np.nan, -1.0, 0.0]})
    assert list(t.columns) == list(model.TRADE_COLUMNS)
    assert {c: str(d) for c, d in t.dtypes.items()} == dict(model.TRADE_COLUMNS)
    expected = pd.DataFrame({c: pd.Series(t[c].to_numpy(), dtype=t[c].dtype) for c in t.columns})
    pd.testing.assert_frame_equal(t, expected)
    assert t["commission"].tolist() == [0.0, -1.0, 0.0] and t["partial_group"].tolist() == [1, 2, 3]
    magic[0] = 99
    lots[0] = 9.0
    assert t["magic"].iloc[0] == 5 and t["lots"].iloc[0] == 0.1  # the caller's arrays are not the frame's


def test_empty_frames_have_the_schema() -> None:
    for build, schema in ((model.trades_frame, model.TRADE_COLUMNS), (model.cash_frame, model.CASH_COLUMNS),
                          (model.open_frame, model.OPEN_COLUMNS), (model.orders_frame, model.ORDER_COLUMNS)):
        f = build()
        assert len(f) == 0 and {c: str(d) for c, d in f.dtypes.items()} == dict(schema)
