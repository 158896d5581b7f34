"""The plain-number fast path of mt5_cells.floats (issue 14) reads what the general path reads, bit for bit."""

from __future__ import annotations

import random

import numpy as np
import pytest

from fxcost.importers import mt5_cells

_EDGE = ["-0", "0", "-00", "-0.0", "5.", ".5", "-.5", "00012", "1.2.3", "-", ".", "", " 1.5", "1 000.00", "1e5",
         "123456789012345", "1234567890123456", "0.000000000000001", "nan", "inf", "\u0661"]


def _general(col, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(mt5_cells.tx, "plain_floats", lambda col: None)
        return mt5_cells.floats(col)


@pytest.mark.parametrize("seed", range(20))
def test_plain_floats_as_general_path(seed, monkeypatch):
    rng = random.Random(seed)
    col = [f"{rng.uniform(-10 ** rng.randint(0, 7), 10 ** rng.randint(0, 7)):.{rng.randint(0, 8)}f}"
           for _ in range(rng.randint(1, 300))]
    if seed % 2:
        col[rng.randrange(len(col))] = rng.choice(_EDGE)
    got, want = mt5_cells.floats(col), _general(col, monkeypatch)
    assert np.array_equal(got.view("int64"), want.view("int64")) or np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.parametrize("edge", _EDGE)
def test_plain_floats_edges(edge, monkeypatch):
    col = ["1.5", edge, "-2"]
    got, want = mt5_cells.floats(col), _general(col, monkeypatch)
    assert np.array_equal(got, want, equal_nan=True) and np.array_equal(np.signbit(got), np.signbit(want))
