"""The JSON text ``report --json`` writes (json_summary.dumps): the json module's values, laid out a record a line."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from fxcost.report.json_summary import dumps

DOC = {
    "fxcost_version": "1.0",
    "empty": {}, "none": [], "name": "Zürich «Ltd»",
    "totals": {"profit": 1.5, "commission": -0.25, "trades": 3, "ok": True, "missing": None, "nan": float("nan")},
    "compared": {"balance": {"imported": 9979.67, "printed": 9979.67}},
    "by_account": [{"account": "1", "lots": 0.1, "when": pd.Timestamp("2024-01-02 03:04:05")},
                   {"account": "2", "lots": 2.0, "when": None}],
    "nested": [[1, 2], [3, [4, 5]], ({"a": (1, 2)},)],
    "keys": {1: "one", 2.5: "two and a half", False: "no", None: "nothing", "x": {"y": [1, {"z": 2}]}},
    "numpy": {"big": np.float64(1e17), "tiny": 1e-7},
}


def test_the_values_are_json_dumps_own():
    text = dumps(DOC)
    assert text == text.strip()
    expected = json.loads(json.dumps(DOC, indent=2, ensure_ascii=False, default=str))
    got = json.loads(text)
    assert math.isnan(got["totals"].pop("nan")) and math.isnan(expected["totals"].pop("nan"))
    assert got == expected
    assert "Zürich «Ltd»" in text  # UTF-8, not \u escapes


def test_a_record_a_line_and_blocks_indented():
    lines = dumps(DOC).splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert '  "fxcost_version": "1.0",' in lines
    # Each row of a table on one line, indented under its list.
    assert '    {"account": "1", "lots": 0.1, "when": "2024-01-02 03:04:05"},' in lines
    assert '    {"account": "2", "lots": 2.0, "when": null}' in lines
    # A short block of plain values on one line; a longer one a value a line.
    assert '    "balance": {"imported": 9979.67, "printed": 9979.67}' in lines
    assert '    "profit": 1.5,' in lines
    assert '  "empty": {},' in lines and '  "none": [],' in lines


def test_keys_as_json_spells_them():
    keys = json.loads(dumps({"k": DOC["keys"]}))["k"]
    assert list(keys) == ["1", "2.5", "false", "null", "x"]
    with pytest.raises(TypeError, match="keys must be str"):
        dumps({"k": {("a", "b"): 1, "long": [1, [2]]}})
