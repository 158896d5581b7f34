"""Issue 15: the app's period selector changes the Overview, Compare and the Excel export; dates take typed ISO."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate


def _cells(model):
    return [model.text(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())]


def _pick(qtbot, window, spec):
    combo = window.period_bar.combo
    index = combo.findData(spec)
    assert index >= 0, spec
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        combo.setCurrentIndex(index)


def test_the_period_changes_overview_compare_and_excel(qtbot, loaded, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    before_trades = loaded.overview.text("trades")
    before_compare = _cells(loaded.compare.model)
    t = loaded.views.result.trades
    months = t["close_time"].dt.to_period("M")
    month = str(months.iloc[len(t) // 2])
    _pick(qtbot, loaded, month)
    inside = int((months == month).sum())
    assert 0 < inside < len(t)
    assert len(loaded.views.result.trades) == inside
    assert loaded.overview.text("trades") != before_trades and f"{inside:,}" in loaded.overview.text("trades")
    assert _cells(loaded.compare.model) != before_compare
    assert loaded.views.compare[0].net_after_rebate == pytest.approx(
        loaded.views.result.trades["net_after_rebate"].sum(), abs=0.01)
    xlsx = tmp_path / "period.xlsx"
    with qtbot.waitSignal(loaded.export_finished, timeout=120_000):
        assert loaded.export_excel_to(str(xlsx))
    book = openpyxl.load_workbook(xlsx, read_only=True)
    cells = [str(c) for row in book["Summary"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Period chosen" in cells and month in cells
    closed = [row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0] == "Closed trades"]
    assert closed and closed[-1] == inside
    # The setting is kept (a restart shows the same period) and the whole import stays for the next choice.
    assert loaded.setup.state().period == month
    _pick(qtbot, loaded, "")
    assert len(loaded.views.result.trades) == len(t)


def test_custom_dates_take_typed_iso_dates_and_open_on_the_data(qtbot, loaded):
    bar = loaded.period_bar
    t = loaded.views.result.trades
    first = t["close_time"].min()
    assert bar.date_from.calendarWidget().yearShown() == first.year  # not 1970
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        bar.combo.setCurrentIndex(bar.combo.findData("custom"))
    assert not bar.date_from.isHidden()
    day = t["close_time"].iloc[len(t) // 2]
    iso = f"{day:%Y-%m-%d}"
    bar.date_from.setFocus()
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        qtbot.keyClicks(bar.date_from, iso)
    assert bar.date_from.text() == iso
    assert bar.date_from.date() == QDate(day.year, day.month, day.day)
    assert loaded.setup.state().period_from == iso
    assert loaded.views.result.trades["close_time"].min() >= day.normalize()


def test_the_trades_date_filter_takes_a_typed_iso_date(qtbot, loaded):
    edit = loaded.trades.date_from
    edit.setFocus()
    qtbot.keyClicks(edit, "2025-07-01")
    assert edit.text() == "2025-07-01"  # was blanked: "any2025..." then dropped
    assert edit.date() == QDate(2025, 7, 1)
    first = loaded.views.result.trades["close_time"].min()
    assert loaded.trades.date_to.calendarWidget().yearShown() != 1970 or first.year == 1970
