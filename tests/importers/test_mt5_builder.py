"""The MT5 builder on hand-made rows (no file format involved)."""

from __future__ import annotations

from fxcost.importers.mt5_builder import build
from fxcost.importers.mt5_cells import lowered
from fxcost.importers.mt5_layout import Sheet

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
    out = lowered(["BUY", "Sell", "BUY", ""])
    assert out == ["buy", "sell", "buy", ""] and out[0] is out[2]


POS13 = ["Time", "Position", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "Price", "Commission",
         "Swap", "Profit"]


def test_closing_deals_without_a_price_are_still_linked_not_a_crash():
    # Two positions alike in all but their number close at the same time; their closing deals print no price, so
    # the profit cannot tell them apart (found by a fuzzer: an IndexError escaped from the linker).
    rows = [
        POS13,
        ["2025.06.06 00:00:00", 201, "EURUSD", "buy", 1.0, 1.1, "", "", "2025.06.06 01:00:00", 1.101, 0.0, 0.0, 100.0],
        ["2025.06.06 00:00:00", 202, "EURUSD", "buy", 1.0, 1.1, "", "", "2025.06.06 01:00:00", 1.101, 0.0, 0.0, 100.0],
        ["2025.06.06 00:00:00", 203, "EURUSD", "buy", 1.0, 1.2, "", "", "2025.06.06 02:00:00", 1.101, 0.0, 0.0, -990.0],
        DEAL13,
        ["2025.06.06 00:00:00", 1, "EURUSD", "buy", "in", 1.0, 1.1, 201, 0.0, 0.0, 0.0, 1000.0, ""],
        ["2025.06.06 00:00:00", 2, "EURUSD", "buy", "in", 1.0, 1.1, 202, 0.0, 0.0, 0.0, 1000.0, ""],
        ["2025.06.06 00:00:00", 3, "EURUSD", "buy", "in", 1.0, 1.2, 203, 0.0, 0.0, 0.0, 1000.0, ""],
        ["2025.06.06 01:00:00", 4, "EURUSD", "sell", "out", 1.0, "", 301, 0.0, 0.0, 100.0, 1100.0, ""],
        ["2025.06.06 01:00:00", 5, "EURUSD", "sell", "out", 1.0, "", 302, 0.0, 0.0, 100.0, 1200.0, ""],
        ["2025.06.06 02:00:00", 6, "EURUSD", "sell", "out", 1.0, 1.101, 303, 0.0, 0.0, -990.0, 210.0, ""],
    ]
    st = build([Sheet(rows, list(range(1, len(rows) + 1)))], "noprice.html", "html")
    assert sorted(st.trades["ticket"]) == [201, 202, 203]
    assert st.trades["profit"].sum() == -790.0


def test_html_rows_with_a_date_the_scanner_would_not_take_stay_plain_rows():
    # A Block holds data rows only: a first cell that only looks like a date ('2024.1.05') must stay a plain row,
    # classified by mt5_layout like any other (a label row after the tables, for instance).
    from fxcost.importers import mt5_html
    from fxcost.importers.mt5_rows import Block

    cells = "".join(f"<td>{v}</td>" for v in ("x", "1", "EURUSD", "buy", "in", "1", "1.1", "5", "0", "0", "0", "9", ""))
    good = "<tr>" + cells.replace("<td>x</td>", "<td>2024.01.05 10:00:00</td>", 1) + "</tr>"
    odd = "<tr>" + cells.replace("<td>x</td>", "<td>2024.1.05 10:00</td>", 1) + "</tr>"
    sheet, _ = mt5_html.rows(iter(["<table>" + good * 3 + odd + good + "</table>"]))
    kinds = [type(r).__name__ if type(r) is Block else "row" for r in sheet.rows]
    assert kinds == ["row", "Block", "row", "Block"]  # the first row is tokenised cell by cell, then compiled
    assert sheet.rows[2][0] == "2024.1.05 10:00"
    assert [len(r) for r in sheet.rows if type(r) is Block] == [2, 1]
