"""Real exports from ../shared/samples through the window: every view fills, nothing crashes (skips without samples)."""

from __future__ import annotations

import pytest

from tests.conftest import sample

CASES = [
    ["mt5-history-popov-70358000.html"],  # MT5 HTML, EUR account
    ["mt4-detailed-tianyeshiye.htm"],  # MT4, JPY account
    ["mt5-history-ftmo-propfirm.xlsx"],  # MT5 XLSX
    ["mt4-tester-swissquote-macdsample.htm"],  # Strategy Tester report
    ["mt4-detailed-learncoding-b.htm", "mt5-history-harry-es.xlsx"],  # two accounts, EUR and USD
]


@pytest.mark.samples
@pytest.mark.parametrize("names", CASES, ids=lambda n: "+".join(n))
def test_real_exports_fill_every_view(qtbot, window, names, tmp_path):
    paths = [str(sample(n)) for n in names]
    with qtbot.waitSignal(window.analysis_ready, timeout=120_000):
        window.open_files(paths)
    result = window.views.result
    assert len(result.portfolio.files) == len(names)
    assert window.trades.model.rowCount() == len(result.trades) > 0
    assert window.overview.text("trades") == f"{len(result.trades):,}"
    assert window.charts.charts["equity"].data
    assert window.compare.model.rowCount() == len(window.views.compare)
    for tab in ("overview", "trades", "charts", "compare", "ib"):
        window.show_tab(tab)
        assert window.save_chart_png(str(tmp_path / f"{tab}.png"))
    if len(names) > 1:
        assert len({a.currency for a in result.accounts}) == 2 and result.currency == "USD"
        assert any("converted to USD" in w for w in window.views.warnings)
