"""Issue 12 in the app: the Overview says which symbols use observed, calibrated or profile spreads, the Trades
table has a spread-source column, and the setup panel switches observed spreads and the time-of-day shape."""

from __future__ import annotations

import html

import pytest

from tests.summary.test_spreads import PAIRS, _statement


@pytest.fixture
def hedges(qtbot, window, tmp_path):
    """A window showing a statement whose USDJPY hedges show a 0.4-pip spread (tests.summary.test_spreads)."""
    path = _statement(tmp_path / "hedges.csv")
    with qtbot.waitSignal(window.analysis_ready, timeout=120_000):
        window.open_files([str(path)])
    return window


def test_the_overview_tells_the_observed_and_calibrated_spreads(hedges):
    notes = html.unescape(hedges.overview.notes.text())
    assert f"Spreads: observed in the account's own same-second fills for {2 * PAIRS} trade(s)" in notes
    assert f"USDJPY 0.4 pips ({2 * PAIRS} pairs)" in notes and "EURUSD 0.4 pips (× 0.31)" in notes
    assert "estimated from the profile for all" not in notes
    # The same sentences as the JSON's table gives (one formatter, one table).
    from fxcost.summary import spreads

    doc = hedges.views.summary.document["assumptions"]
    for line in spreads.describe(doc["spread_table"], doc["spread_profiles"]):
        assert line in notes


def test_the_trades_table_has_the_spread_source_kind_and_the_time_of_day_factor(hedges):
    model = hedges.trades.model
    kind, tod = model.column_index("spread_kind"), model.column_index("spread_tod")
    t = hedges.views.result.trades
    shown = {model.text(r, model.column_index("symbol")): set() for r in range(model.rowCount())}
    for r in range(model.rowCount()):
        shown[model.text(r, model.column_index("symbol"))].add(model.text(r, kind))
    assert shown == {"USDJPY": {"observed"}, "EURUSD": {"calibrated"}}
    symbol = model.column_index("symbol")
    assert sorted(model.text(r, tod) for r in range(model.rowCount()) if model.text(r, symbol) == "EURUSD") == \
        ["1", "1.73"]  # the rollover trade: (1.729 + 1.729) / 2
    assert model.tooltip(0, kind) == t["spread_source"].iloc[int(model.frame_row(0))]
    assert not hedges.trades.table.isColumnHidden(kind)


def test_the_setup_panels_switches_change_the_figures_and_are_saved(qtbot, hedges, tmp_path):
    from fxcost.session import Session

    setup = hedges.setup
    before = hedges.views.figures["spread_cost"]
    with qtbot.waitSignal(hedges.analysis_ready, timeout=120_000):
        setup.observed_spreads.setChecked(False)
    assert not hedges.views.result.settings.observed_spreads
    assert dict(hedges.views.figures["spread_kinds"]) == {"profile": 2 * PAIRS + 2}
    assert hedges.views.figures["spread_cost"] > 2 * before
    with qtbot.waitSignal(hedges.analysis_ready, timeout=120_000):
        setup.time_of_day.setChecked(False)
    assert not hedges.views.result.settings.time_of_day and (hedges.views.result.trades["spread_tod"] == 1).all()
    assert not setup.time_of_day_clock.isEnabled()
    with qtbot.waitSignal(hedges.analysis_ready, timeout=120_000):
        setup.time_of_day.setChecked(True)
    combo = setup.time_of_day_clock
    with qtbot.waitSignal(hedges.analysis_ready, timeout=120_000):
        combo.setCurrentIndex(combo.findData("UTC"))
    assert hedges.views.result.settings.time_of_day_clock == "UTC"
    path = tmp_path / "s.json"
    assert hedges.save_session_to(str(path))
    saved = Session.load(path).setup
    assert (saved.observed_spreads, saved.time_of_day, saved.time_of_day_clock) == (False, True, "UTC")


def test_a_backtests_overview_says_its_spreads_are_the_testers(qtbot, window, tmp_path):
    # A real NAS100 backtest's Overview said "Spread estimated from the profile for all 281 trade(s); to measure it,
    # add bar or tick files", above the line saying they were the tester's fixed spread.
    from fxcost.samples.writers.tester import mt4_tester_variant

    path = tmp_path / "StrategyTester.htm"
    written = mt4_tester_variant(path, "en", trades=20)
    with qtbot.waitSignal(window.analysis_ready, timeout=120_000):
        window.open_files([str(path)])
    notes = html.unescape(window.overview.notes.text())
    assert f"Spreads: the Strategy Tester's fixed spread for {written['trades']} trade(s)" in notes
    assert "estimated from the profile" not in notes and "Add bars/ticks" not in notes
