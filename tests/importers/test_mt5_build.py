"""The MT5 builder on hand-made rows (no file format involved)."""

from __future__ import annotations

from fxcost.importers.mt5_build import Sheet, _lower, build

DEAL13 = ["Time", "Deal", "Symbol", "Type", "Direction", "Volume", "Price", "Order", "Commission", "Swap", "Profit",
          "Balance", "Comment"]
DEAL14 = DEAL13[:9] + ["Fee"] + DEAL13[9:]


def test_deals_tables_with_13_and_14_columns_merge():
    # An edited file can hold two Deals tables of different layouts (found by tests/importers/test_fuzz.py):
    # the Fee column the first one lacks must be empty for its rows, not shorter than the others.
    rows = [
        DEAL13,
        ["2025.06.05 23:32:35", 100, "", "balance", "", "", "", "", 0.0, 0.0, 1000.0, 1000.0, "Deposit"],
        ["2025.06.06 00:33:56", 101, "EURUSD", "buy", "in", 1.0, 1.14475, 201, -7.0, 0.0, 0.0, 993.0, ""],
        DEAL14,
        ["2025.06.06 00:35:41", 102, "EURUSD", "sell", "out", 1.0, 1.14417, 202, -7.0, -1.5, 0.0, -58.0, 926.5, ""],
    ]
    st = build([Sheet(rows, list(range(1, len(rows) + 1)))], "mixed.html", "html")
    assert len(st.trades) == 1 and not st.skipped
    t = st.trades.iloc[0]
    assert (t["ticket"], t["commission"], t["taxes"], t["profit"]) == (201, -14.0, -1.5, -58.0)
    assert st.cash["amount"].tolist() == [1000.0]


def test_lower_shares_one_string_per_distinct_text():
    out = _lower(["BUY", "Sell", "BUY", ""])
    assert out == ["buy", "sell", "buy", ""] and out[0] is out[2]
