"""The array paths of issue 14 (one frame built per account, not a column at a time) give what the pandas steps
they replace gave: the same values, dtypes and column order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fxcost.analysis import codes, costs, observed_spreads, rebates


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({"a": rng.random(n), "text": np.array(["x", "y"] * (n // 2), dtype=object),
                         "when": pd.date_range("2024-01-01", periods=n, freq="37min")})


@pytest.mark.parametrize("n", [10, costs.BIG_FRAME + 2])
@pytest.mark.parametrize("owned", [False, True])
def test_with_columns_sets_as_setitem_would(n: int, owned: bool) -> None:
    t = _frame(n)
    shared = np.arange(n, dtype="float64")
    columns = {"b": shared, "a": np.ones(n), "label": np.array(["p"] * n, dtype=object), "flag": True,
               "word": "export", "c": shared, "cat": pd.Categorical(["u", "v"] * (n // 2))}
    expected = t.copy()
    for col, value in columns.items():
        expected[col] = value
    got = costs.with_columns(t, columns, owned=owned)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert list(t.columns) == ["a", "text", "when"]  # the caller's frame is left as it was
    assert not np.shares_memory(got["b"].to_numpy(), got["c"].to_numpy())  # one array, two columns: two copies


def test_group_medians_are_numpy_medians() -> None:
    rng = np.random.default_rng(0)
    for trial in range(300):
        k = int(rng.integers(1, 6))
        n = int(rng.integers(k, 40))
        group = np.r_[np.arange(k), rng.integers(-1, k, n - k)]
        rng.shuffle(group)
        values = np.round(rng.random(n) * 10, int(rng.integers(1, 6)))
        if trial % 5 == 0:
            values[rng.integers(0, n)] = np.nan
        expected = np.array([np.median(values[group == i]) for i in range(k)])
        np.testing.assert_array_equal(observed_spreads._medians(group, values, k), expected)


def test_looked_up_is_series_map() -> None:
    given = pd.Series([1.5, 2.5, 4.0], index=np.array([10, 40, 70], dtype=np.int64))
    keys = np.array([10, 11, 40, 70, 71, -1, 0], dtype=np.int64)
    np.testing.assert_array_equal(rebates._looked_up(keys, given), pd.Series(keys).map(given).to_numpy(dtype=float))
    unsorted = given.iloc[::-1]
    np.testing.assert_array_equal(rebates._looked_up(keys, unsorted),
                                  pd.Series(keys).map(unsorted).to_numpy(dtype=float))


def test_nanoseconds_is_to_datetime() -> None:
    times = pd.Series(pd.to_datetime(["2024-01-01 10:00:01", None, "2023-12-31 23:59:59"]))
    expected = np.asarray(pd.to_datetime(times), dtype="datetime64[ns]").view("int64")
    np.testing.assert_array_equal(codes.nanoseconds(times), expected)
    as_text = pd.Series(["2024-01-01 10:00:01", "2024-01-02 00:00:00"])
    np.testing.assert_array_equal(codes.nanoseconds(as_text),
                                  np.asarray(pd.to_datetime(as_text), dtype="datetime64[ns]").view("int64"))


def test_pair_summary_without_frames_is_the_frame_summary() -> None:
    rng = np.random.default_rng(5)
    n = 400
    second = pd.Timestamp("2024-03-01 00:00:01") + pd.to_timedelta(rng.integers(0, 120, n) * 86400 // 2, unit="s")
    t = pd.DataFrame({
        "account": np.where(rng.random(n) < 0.5, "A", "B"), "symbol_root": rng.choice(["EURUSD", "XAUUSD"], n),
        "side": rng.choice(["buy", "sell"], n), "open_time": second, "close_time": second + pd.Timedelta(minutes=5),
        "open_price": 1.1 + rng.integers(0, 5, n) * 1e-5, "close_price": 1.1 + rng.integers(0, 5, n) * 1e-5,
    })
    pairs = observed_spreads.same_second_pairs(t)
    assert len(pairs)
    fast = observed_spreads._summarised_parts(observed_spreads._pair_parts(t))
    assert fast == observed_spreads.summarise(pairs)
