"""Issue 15: cost by symbol with no bar clipped, whatever the number of symbols (the order by cost:
test_small_things)."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.mark.parametrize("symbols", [3, 45])
def test_every_bar_and_marker_is_inside_the_chart(qtbot, symbols):
    from fxcost.summary.series import Bars
    from fxcost.ui.charts import BarChart

    rng = np.random.default_rng(symbols)
    spread, commission = rng.gamma(1.2, 2000, symbols), rng.gamma(1.0, 600, symbols)
    rebate = -rng.gamma(1.0, 400, symbols)
    net = spread + commission + rebate
    chart = BarChart("Cost by symbol", "money")
    qtbot.addWidget(chart)
    chart.resize(850, 720)  # the chart's share of the default 1360 x 820 window
    chart.show()
    chart.set_bars(Bars([f"S{i}" for i in range(symbols)], {"Spread (est.)": spread, "Commission + taxes": commission,
                                                           "Rebate (given back)": rebate}, line=("Net cost", net)))
    (x0, x1), (y0, y1) = chart.item.viewRange()
    assert x0 <= -0.35 and x1 >= symbols - 1 + 0.35  # the first and the last bar whole (width 0.7)
    assert y1 >= float((spread + commission).max()) and y0 <= float(rebate.min())  # tops and rebates whole
    assert y1 >= float(net.max())

