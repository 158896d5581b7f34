"""Table models: Qt's model contract (qtmodeltester), and sort/filter giving exactly the right rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QDate, Qt

from fxcost.ui.trades_model import TradeFilter, TradesModel


def test_trades_model_passes_the_model_tester(qtmodeltester, loaded):
    model = loaded.trades.model
    assert model.rowCount() == 1500
    qtmodeltester.check(model, force_py=True)
    model.sort(model.column_index("profit"), Qt.SortOrder.DescendingOrder)
    model.set_filter(TradeFilter(side="buy"))
    qtmodeltester.check(model, force_py=True)


def test_small_models_pass_the_model_tester(qtmodeltester, loaded):
    qtmodeltester.check(loaded.compare.model, force_py=True)
    for model in loaded.ib.models.values():
        qtmodeltester.check(model, force_py=True)


def test_empty_trades_model_passes_the_model_tester(qtmodeltester, qtbot):
    model = TradesModel()
    qtmodeltester.check(model, force_py=True)
    model.sort(3)
    assert model.rowCount() == 0


def _shown(model, key):
    column = model.column_index(key)
    return [model.data(model.index(r, column), Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]


def test_sort_orders_rows_by_the_value_and_keeps_ties_stable(loaded):
    model = loaded.trades.model
    frame = model.frame()
    profit = model.column_index("profit")
    model.sort(profit, Qt.SortOrder.AscendingOrder)
    values = np.array(_shown(model, "profit"), dtype=float)
    assert np.array_equal(values, np.sort(frame["profit"].to_numpy()))
    model.sort(profit, Qt.SortOrder.DescendingOrder)
    assert np.array_equal(np.array(_shown(model, "profit"), dtype=float), np.sort(frame["profit"].to_numpy())[::-1])
    rows = model.frame_rows()
    expected = frame.sort_values("profit", ascending=False, kind="stable").index.to_numpy()
    assert np.array_equal(np.sort(rows), np.sort(expected))
    symbol = model.column_index("symbol")
    model.sort(symbol, Qt.SortOrder.AscendingOrder)
    assert _shown(model, "symbol") == sorted(frame["symbol"].astype(str))


def test_filters_give_exactly_the_matching_rows(qtbot, loaded):
    view = loaded.trades
    model = view.model
    frame = model.frame()
    root = "EURUSD"
    view.symbol.set_picked([root])
    assert set(model.frame()["symbol_root"].to_numpy()[model.frame_rows()]) == {root}
    assert model.rowCount() == int((frame["symbol_root"] == root).sum())
    view.side.setCurrentIndex(view.side.findText("sell"))
    mask = (frame["symbol_root"] == root) & (frame["side"] == "sell")
    assert list(model.frame_rows()) == list(np.flatnonzero(mask.to_numpy()))
    view.reset_filter()
    assert model.rowCount() == len(frame)

    # A program with a minimum hold time, so some trades are excluded.
    panel = loaded.setup
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        panel.main_program.setCurrentIndex(panel.main_program.findData("bundled:ib-tiered.json"))
    frame = model.frame()
    view.eligible.setCurrentIndex(2)  # Excluded
    excluded = ~frame["eligible"].to_numpy(dtype=bool)
    assert model.rowCount() == int(excluded.sum()) > 0
    assert all(_shown(model, "excluded_reason"))  # each excluded trade says why
    view.reset_filter()

    view.date_from.setDate(QDate(2024, 3, 1))
    view.date_to.setDate(QDate(2024, 3, 31))
    close = frame["close_time"]
    march = (close >= pd.Timestamp("2024-03-01")) & (close < pd.Timestamp("2024-04-01"))
    assert model.rowCount() == int(march.sum()) > 0
    view.reset_filter()

    ticket = str(frame["ticket"].iloc[10])
    with qtbot.waitSignal(model.modelReset, timeout=30_000):
        view.find.setText(ticket)
    assert model.frame()["ticket"].to_numpy()[model.frame_rows()].astype(str).tolist().count(ticket) >= 1
    assert model.rowCount() < len(frame)


def test_several_symbols_can_be_picked_at_once(qtbot, loaded):
    view = loaded.trades
    model = view.model
    frame = model.frame()
    names, counts = model.symbol_counts()
    assert names == sorted(frame["symbol_root"].unique())
    assert counts == [int((frame["symbol_root"] == n).sum()) for n in names]
    picked = names[:2] + names[-1:]
    with qtbot.waitSignal(model.modelReset, timeout=30_000):
        view.symbol.set_picked(picked)  # what ticking three boxes in the popup does
    expected = np.flatnonzero(frame["symbol_root"].isin(picked).to_numpy())
    assert list(model.frame_rows()) == list(expected)
    assert 0 < model.rowCount() < len(frame)
    assert view.symbol.text().startswith(f"{sorted(picked)[0]}, {sorted(picked)[1]}")
    # Ticking a box in the list filters too, and combines with the other filters.
    item = view.symbol.list.item(names.index(names[1]))
    item.setCheckState(Qt.CheckState.Unchecked)
    view.side.setCurrentIndex(view.side.findText("buy"))
    mask = frame["symbol_root"].isin([names[0], names[-1]]) & (frame["side"] == "buy")
    assert list(model.frame_rows()) == list(np.flatnonzero(mask.to_numpy()))
    view.symbol.invert()
    mask = ~frame["symbol_root"].isin([names[0], names[-1]]) & (frame["side"] == "buy")
    assert list(model.frame_rows()) == list(np.flatnonzero(mask.to_numpy()))
    view.reset_filter()
    assert view.symbol.picked() == frozenset() and view.symbol.text() == "All"
    assert model.rowCount() == len(frame)


def test_cost_columns_come_first_and_one_account_hides_its_column(loaded):
    view = loaded.trades
    keys = [view.model.columns[c].key for c in view.visible_columns()]
    assert keys[:14] == ["symbol", "side", "lots", "close_time", "profit", "spread_cost", "spread_kind",
                         "commission", "swap", "rebate", "net_after_rebate", "cost_pips", "eligible", "excluded_reason"]
    assert "account" not in keys  # the sample is one account
    assert view.table.isColumnHidden(view.model.column_index("account"))
    assert view.table.isColumnHidden(view.model.column_index("currency"))  # one currency: nothing converted
    assert len(keys) == len(view.model.columns) - 2
    for column in range(view.model.columnCount()):  # every column says what it is
        assert view.model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    spread = view.model.index(0, view.model.column_index("spread_cost"))
    assert "pip round-turn spread" in view.model.data(spread, Qt.ItemDataRole.ToolTipRole)


def test_two_accounts_show_the_account_column(qtbot, window, sample_path, tmp_path, monkeypatch):
    from tests.ui.conftest import open_through_dialog

    other = tmp_path / "other.htm"
    text = Path(sample_path).read_text(encoding="utf-8", errors="replace")
    login = window_login(text)
    other.write_text(text.replace(login, "99" + login[2:]), encoding="utf-8")
    open_through_dialog(qtbot, window, [sample_path, other], monkeypatch)
    view = window.trades
    assert view.model.frame()["account"].nunique() == 2
    assert not view.table.isColumnHidden(view.model.column_index("account"))
    assert view.visible_columns()[0] == view.model.column_index("account")


def window_login(text: str) -> str:
    import re

    return re.search(r"Account:\s*(?:</?b>)?\s*(\d{4,})", text).group(1)


def test_copy_selection_is_tab_separated_with_a_header(loaded):
    from PySide6.QtWidgets import QApplication

    view = loaded.trades
    view.table.selectRow(0)
    view.table.selectionModel().select(view.model.index(1, 0), view.table.selectionModel().SelectionFlag.Select
                                       | view.table.selectionModel().SelectionFlag.Rows)
    view.copy()
    lines = QApplication.clipboard().text().splitlines()
    header = lines[0].split("\t")
    assert header[:4] == ["Symbol", "Side", "Lots", "Close time"] and "Account" not in header
    assert len(lines) == 3
    assert lines[1].split("\t")[header.index("Ticket")] == str(view.model.frame()["ticket"].iloc[0])


@pytest.mark.parametrize("n", [0, 1, 7])
def test_frame_model_sorts_numbers_and_text(qtmodeltester, n):
    from fxcost.ui.frame_model import FrameModel

    model = FrameModel([("name", "Name", "text"), ("value", "Value", "money")])
    frame = pd.DataFrame({"name": [f"n{i % 3}" for i in range(n)], "value": [float((i * 7) % 5) for i in range(n)]})
    model.set_frame(frame)
    qtmodeltester.check(model, force_py=True)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    values = [model.data(model.index(r, 1), Qt.ItemDataRole.UserRole) for r in range(n)]
    assert values == sorted(frame["value"].tolist(), reverse=True)


def test_compare_table_shows_what_is_compared_first(loaded):
    model = loaded.compare.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
               for c in range(model.columnCount())]
    assert headers[:4] == ["Setup", "Net after rebate", "vs actual", "Rebate"]
    assert len(set(headers)) == len(headers)  # no two columns called "Commission"
    for c in range(model.columnCount()):
        assert model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    actual = model.data(model.index(0, 2), Qt.ItemDataRole.UserRole)
    assert actual == 0.0  # the actual setup against itself


def test_import_panel_reads_as_words(loaded):
    text = loaded.summary.toPlainText()
    assert "Closed trade P/L" in text and "closed_pl" not in text
    assert "Rebate-like cash rows" in text and "1,500.00" not in text


def test_the_overview_says_how_the_spread_was_found(loaded):
    notes = loaded.overview.notes.text()
    assert "estimated from the profile for all 1,500 trade(s)" in notes and "Add bars/ticks" in notes
    assert "for 0 trade(s)" not in notes


def _fitted(qtbot, monkeypatch, frame, columns, *, rows_measured: int, widest: int, width: int = 700,
            sort: bool = False) -> tuple[list[int], list[int], int, int]:
    """fit_columns on a FrameModel table of ``frame`` with MEASURED_ROWS set to ``rows_measured``: its column widths,
    row heights, header height and how many rows it measured one by one (resizeRowToContents)."""
    from PySide6.QtWidgets import QTableView

    from fxcost.ui import frame_model
    from fxcost.ui.frame_model import FrameModel, fit_columns

    monkeypatch.setattr(frame_model, "MEASURED_ROWS", rows_measured)
    table = QTableView()
    qtbot.addWidget(table)
    table.resize(width, 400)
    model = FrameModel(columns, table)
    table.setModel(model)
    model.set_frame(frame, "USD")
    if sort:
        model.sort(2, Qt.SortOrder.DescendingOrder)
    resize = table.resizeRowToContents
    measured_rows: list[int] = []
    table.resizeRowToContents = lambda r: (measured_rows.append(r), resize(r))[1]
    fit_columns(table, widest_text=widest)
    header = table.horizontalHeader()
    return ([header.sectionSize(c) for c in range(model.columnCount())], [table.rowHeight(r) for r in range(len(frame))],
            header.height(), len(measured_rows))


@pytest.mark.parametrize("widest", [180, 60])
def test_a_long_table_gets_the_row_heights_every_row_measured_gives(qtbot, monkeypatch, widest):
    """Issue 14: past MEASURED_ROWS rows fit_columns measures one one-line row for all such rows and each row that
    may wrap; the columns and row heights are those of measuring every row (as below that size)."""
    from fxcost.ui import frame_model

    n = 400
    frame = pd.DataFrame({
        "name": [("a client with a rather long name that wraps " * (1 + i % 3)) if i % 37 == 5 else f"c{i}"
                 for i in range(n)],
        "setup": [["Program: flat", "Profile: Raw/ECN account with commission", "x"][i % 3] for i in range(n)],
        "value": [(-1) ** i * 1234.5678 * i for i in range(n)],
        "note": ["two\nlines" if i == 390 else "" for i in range(n)],
    })
    columns = [("name", "Client name", "text"), ("setup", "Setup", "text"), ("value", "IB keeps", "money"),
               ("note", "Note", "text")]

    measured = frame_model.MEASURED_ROWS
    assert n > measured
    for sort in (False, True):
        *every, _ = _fitted(qtbot, monkeypatch, frame, columns, rows_measured=10_000, widest=widest, sort=sort)
        *fast, count = _fitted(qtbot, monkeypatch, frame, columns, rows_measured=measured, widest=widest, sort=sort)
        assert fast == every
        assert len(set(every[1])) > 1  # some rows wrap: the comparison says something
        # One row per distinct text of the cells that may wrap (the names that wrap, the setups, the note) and
        # one one-line row: not every row whose setup wraps.
        assert count <= 3 + 3 + 1 + 1 < n


def test_rows_whose_wrapping_texts_all_differ_are_measured_once_per_height(qtbot, monkeypatch):
    """Issue 14: a book's comparison by client names each client on a few rows only, and every name wraps: rows are
    told apart by how high the delegate makes each such cell (each text asked once), so a few rows are measured,
    not every row, and the heights are those of measuring every row."""
    from fxcost.ui import frame_model

    n = 600
    frame = pd.DataFrame({
        "client": [f"client {i:04d} at Northwind Markets" + " Ltd." * (i % 5) + (" (VIP, two-level deal)" if i % 7 == 0
                   else "") for i in range(n)],
        "setup": [["Example cashback", "The other account type (Standard to Raw/ECN)"][i % 2] for i in range(n)],
        "value": [1000.0 + i for i in range(n)],
    })
    columns = [("client", "Client", "text"), ("setup", "Setup", "text"), ("value", "IB keeps", "money")]
    few = frame_model.MEASURED_ROWS
    _, every, _, _ = _fitted(qtbot, monkeypatch, frame, columns, rows_measured=10_000, widest=120, width=600)
    _, fast, _, measured = _fitted(qtbot, monkeypatch, frame, columns, rows_measured=few, widest=120, width=600)
    assert fast == every
    assert len(set(every)) > 1  # the VIP names wrap onto one more line
    assert measured <= 6 < n
