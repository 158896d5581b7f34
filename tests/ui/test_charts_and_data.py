"""Charts (hover readout, legend toggles, 1M points) and measured spreads from a bar file added in the setup panel."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from tests.conftest import sample


@pytest.mark.samples
def test_a_bar_file_gives_measured_spreads(qtbot, loaded):
    bars = sample("market-data/mt5bars_EURUSD_H1_2024-2025_modularer-backtester.csv")
    assert loaded.views.figures["spread_measured_trades"] == 0
    with qtbot.waitSignal(loaded.analysis_ready, timeout=120_000):
        loaded.setup.add_market_files([str(bars)])
    measured = loaded.views.figures["spread_measured_trades"]
    t = loaded.views.result.trades
    assert measured == int(t["spread_source"].str.startswith("measured").sum()) > 0
    assert set(t.loc[t["spread_source"].str.startswith("measured"), "symbol_root"]) == {"EURUSD"}
    assert f"{measured:,} trade(s)" in loaded.overview.notes.text()


def test_an_unreadable_bar_file_is_explained_and_dropped(qtbot, loaded, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    bad = tmp_path / "EURUSD_H1.csv"
    bad.write_text("this is not market data\n1,2,3\n")
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        loaded.setup.add_market_files([str(bad)])  # fails, is dropped, and the analysis runs without it
    assert shown and "EURUSD_H1.csv" in shown[0]
    assert loaded.setup.state().market_data == []
    assert loaded.views.figures["spread_measured_trades"] == 0


def test_hover_readout_shows_each_visible_series(loaded):
    chart = loaded.charts.charts["equity"]
    x, y = chart.data["Net after costs (statement)"]
    text = chart.readout_at(float(x[100]))
    assert f"{y[100]:,.2f}" in text and text.count("<b>") == 3
    curve = chart.curves["Net + cumulative cashback"]
    sample_item = next(s for s, label in chart.legend.items if label.text == "Net + cumulative cashback")

    class Click:
        def button(self):
            from PySide6.QtCore import Qt

            return Qt.MouseButton.LeftButton

        def accept(self):
            pass

    sample_item.mouseClickEvent(Click())  # a click on the legend entry hides its line
    assert not curve.isVisible()
    assert chart.readout_at(float(x[100])).count("<b>") == 2
    bars = loaded.charts.charts["by_symbol"]
    assert bars.readout_at(0).startswith(f"<b>{bars.current.labels[0]}</b>")


def test_a_million_points_are_downsampled_and_clipped(qtbot):
    from fxcost.ui.charts import TimeChart
    from fxcost.ui.viewdata import Series

    chart = TimeChart("1M", "money")
    qtbot.addWidget(chart)
    chart.resize(800, 500)
    chart.show()
    x = np.linspace(1.7e9, 1.8e9, 1_000_000)
    chart.set_series([Series("equity", x, np.cumsum(np.ones_like(x)))])
    curve = chart.curves["equity"]
    assert curve.opts["autoDownsample"] and curve.opts["clipToView"] and curve.opts["downsampleMethod"] == "peak"
    chart.plot.grab()
    drawn = curve.curve.getData()[0]
    assert len(drawn) < 20_000  # what is drawn is a few points per pixel, not a million


def test_a_bad_bar_file_does_not_stop_opening_statements(qtbot, window, sample_path, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    bad = tmp_path / "GBPUSD_H1.csv"
    bad.write_text("garbage\n")
    window.setup.add_market_files([str(bad)])
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_files([str(sample_path)])
    assert shown and "GBPUSD_H1.csv" in shown[0]
    assert len(window.views.result.trades) == 1500 and window.setup.state().market_data == []
