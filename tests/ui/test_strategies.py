"""Issue 15: the Strategies view, its editable naming rule, the Trades view's strategy filter, By year in the Overview."""

from __future__ import annotations

import pandas as pd

from fxcost.analysis.strategy import UNTAGGED


def test_strategies_view_table_chart_and_rule(qtbot, loaded):
    views = loaded.views
    view = loaded.strategies
    model = view.model
    names = [model.text(r, 0) for r in range(model.rowCount())]
    assert UNTAGGED in names and "Breakout H1" in names
    assert sum(int(model.text(r, 1).replace(",", "")) for r in range(model.rowCount())) == len(views.result.trades)
    assert view.chart.current is not None and set(view.chart.current.series) == {"Transaction cost",
                                                                                  "Net after rebate"}
    costs = view.chart.current.series["Transaction cost"]
    assert list(costs) == sorted(costs, reverse=True)  # most costly first
    view.kind.setCurrentIndex(1)  # by magic number
    assert model.rowCount() == len(views.by_magic)
    # A rule the user edits is applied (and kept in the setup state, so a restart and a session keep it).
    view.rule.setText(r"^(\w+)")
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        view.apply.click()
    assert loaded.setup.state().strategy_rule == r"^(\w+)"
    view.kind.setCurrentIndex(0)
    names = [model.text(r, 0) for r in range(model.rowCount())]
    assert "Breakout" in names and "Breakout H1" not in names
    # A bad rule is refused with its reason, nothing re-analysed.
    view.rule.setText("(bad")
    view.apply.click()
    assert "not a valid regular expression" in view.note.text()
    assert loaded.setup.state().strategy_rule == r"^(\w+)"


def test_trades_view_filters_by_strategy(loaded):
    trades = loaded.trades
    box = trades.strategy
    assert box.findText("Breakout H1") > 0 and box.findText(UNTAGGED) > 0
    box.setCurrentIndex(box.findText("Breakout H1"))
    expected = int((pd.Series(loaded.views.strategies) == "Breakout H1").sum())
    assert trades.model.rowCount() == expected > 0
    trades.reset_filter()
    assert trades.model.rowCount() == len(loaded.views.result.trades)


def test_overview_shows_by_year(loaded):
    years = loaded.overview.years_model
    assert not loaded.overview.years.isHidden()
    shown = {years.text(r, 0): int(years.text(r, 1).replace(",", "")) for r in range(years.rowCount())}
    expected = loaded.views.result.trades["close_time"].dt.year.astype(str).value_counts().to_dict()
    assert shown == expected
