"""Chart, Overview and table fixes from the UX review: colours, steps, leverage when flat, complete months,
axis tick strings, legends that leave the data free, wrapped labels and headers, cards that reflow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QHeaderView

from fxcost.ui import viewdata
from fxcost.ui.charts import BarChart, TimeChart, ValueAxis, month_ticks, wrapped_ticks
from fxcost.ui.viewdata import Bars, Series, fill_months


@pytest.fixture(scope="module")
def results():
    """The bundled sample analysed with the example cashback program and with no program."""
    from fxcost.pipeline import run
    from fxcost.resources import BUNDLED_SAMPLE, asset
    from fxcost.ui.setup_panel import BUNDLED, Catalog, SetupState, build_settings

    path = str(asset(BUNDLED_SAMPLE))
    cashback = run([path], build_settings(SetupState(main_program=BUNDLED + "example-cashback.json"), Catalog()))
    plain = run([path], build_settings(SetupState(), Catalog()))
    return {"cashback": cashback, "plain": plain}


@pytest.fixture(scope="module")
def views(results):
    return {key: viewdata.prepare(result) for key, result in results.items()}


def _pen(curve) -> str:
    return curve.opts["pen"].color().name()


# --- item 6: every series its own colour ---------------------------------------------------------------------


def test_a_series_added_later_gets_a_colour_nobody_else_has(qtbot):
    chart = TimeChart("Rebates", "money")
    qtbot.addWidget(chart)
    x = np.array([1.7e9, 1.71e9])
    accrued, rows, paid = ("Accrued (at each close)", "Rebate rows in the statement",
                           "Expected payouts (program schedule)")
    # No program yet: accrual and the statement's rebate rows; then a program adds the payouts in between.
    chart.set_series([Series(accrued, x, x * 0), Series(rows, x, x * 0 + 1)])
    before = {name: _pen(c) for name, c in chart.curves.items()}
    chart.set_series([Series(accrued, x, x * 0), Series(paid, x, x * 0 + 2), Series(rows, x, x * 0 + 1)])
    colours = {name: _pen(c) for name, c in chart.curves.items()}
    assert len(set(colours.values())) == 3
    assert colours[accrued] == before[accrued] and colours[rows] == before[rows]  # stable
    # Dropped and added again: its colour comes back, and still nobody shares one.
    chart.set_series([Series(accrued, x, x * 0), Series(rows, x, x * 0 + 1)])
    chart.set_series([Series(accrued, x, x * 0), Series(rows, x, x * 0 + 1), Series(paid, x, x * 0 + 2)])
    assert {name: _pen(c) for name, c in chart.curves.items()} == colours


# --- item 7: cumulative lines are steps ----------------------------------------------------------------------


def test_cumulative_lines_are_drawn_as_steps(qtbot, views):
    v = views["cashback"]
    assert v.charts.equity and v.charts.costs and all(s.step for s in v.charts.equity + v.charts.costs)
    chart = TimeChart("Equity", "money")
    qtbot.addWidget(chart)
    x = np.array([0.0, 100.0, 10_000.0])  # a long gap without trades before the last close
    chart.set_series([Series("net", x, np.array([1.0, 2.0, 5.0]), step=True)])
    chart.resize(800, 500)
    chart.show()
    chart.plot.grab()
    # Issue 14: the steps are pyqtgraph's (stepMode), made for the points drawn: the path's vertices.
    path = chart.curves["net"].curve.getPath()
    drawn = [(path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())]
    drawn = [p for i, p in enumerate(drawn) if i == 0 or p != drawn[i - 1]]
    assert drawn == [(0, 1), (100, 1), (100, 2), (10_000, 2), (10_000, 5)]  # flat through the gap, not a slope


def test_no_cashback_line_without_any_rebate(views):
    names = [s.name for s in views["plain"].charts.equity]
    assert "Net + cumulative cashback" not in names and "Net after costs (statement)" in names
    assert "Net + cumulative cashback" in [s.name for s in views["cashback"].charts.equity]


def test_the_total_cost_line_says_whether_swap_is_in(views, results):
    from fxcost.ui.viewdata import _time_series

    total = {s.name: s for s in views["cashback"].charts.costs}["Trading cost after rebate (excl. swap)"]
    t = results["cashback"].trades
    assert total.y[-1] == pytest.approx(t["net_transaction_cost"].sum())
    with_swap = {s.name: s for s in _time_series(t, include_swap=True)[1]}["Total cost after rebate (incl. swap)"]
    assert with_swap.y[-1] == pytest.approx(t["net_transaction_cost"].sum() - t["swap"].sum())


# --- item 8: leverage drops to 0 while flat ------------------------------------------------------------------


def _frames():
    t = pd.DataFrame({
        "account": ["A", "A", "A"],
        "ticket": [1, 2, 3],
        "open_time": pd.to_datetime(["2024-01-02 10:00", "2024-01-02 13:00", "2024-01-02 13:30"]),
        "close_time": pd.to_datetime(["2024-01-02 11:00", "2024-01-02 14:00", "2024-01-02 15:00"]),
        "broker_net": [0.0, 0.0, 0.0],
    })
    cash = pd.DataFrame({"account": ["A"], "ticket": [0], "time": pd.to_datetime(["2024-01-02 09:00"]),
                         "kind": ["deposit"], "amount": [100.0]})
    return t, cash


def test_leverage_is_zero_while_no_position_is_open():
    from fxcost.analysis import exposure

    t, cash = _frames()
    timeline = exposure.balance_timeline(t, cash)
    x, y = viewdata._open_leverage(t, timeline, np.array([1000.0, 2000.0, 500.0]), np.ones(3, dtype=bool))
    hours = [pd.Timestamp(s, unit="s").strftime("%H:%M") for s in x]
    assert hours == ["10:00", "11:00", "13:00", "13:30", "14:00", "15:00"]
    assert list(y) == pytest.approx([10.0, 0.0, 20.0, 25.0, 5.0, 0.0])


def test_leverage_line_of_the_sample_matches_the_exposure_at_opens_and_is_zero_when_flat(views, results):
    t = results["cashback"].trades
    line = views["cashback"].charts.leverage[0]
    assert line.name == "Open positions' notional / balance" and line.step
    opened = viewdata._seconds(t["open_time"].to_numpy())
    closed = viewdata._seconds(t["close_time"].to_numpy())
    # Positions open right after each instant of the line (opens and closes at that instant applied).
    open_now = ((opened[None, :] <= line.x[:, None]) & (closed[None, :] > line.x[:, None])).sum(axis=1)
    assert (line.y[open_now == 0] == 0).all() and (line.y[open_now > 0] > 0).all()
    flat_after = [c for c in np.unique(closed) if not ((opened <= c) & (closed > c)).any()]
    assert len(flat_after) > 100 and set(flat_after) <= set(line.x)  # every return to flat is a point at 0


# --- item 9: every month ------------------------------------------------------------------------------------


def test_month_bars_have_every_month_of_the_range():
    bars = Bars(["2020-03", "2020-04", "2023-09"], {"Spread": np.array([1.0, 2.0, 3.0])},
                line=("Net", np.array([4.0, 5.0, 6.0])))
    full = fill_months(bars)
    assert full.months and len(full.labels) == 43
    assert full.labels[:3] == ["2020-03", "2020-04", "2020-05"] and full.labels[-1] == "2023-09"
    assert full.series["Spread"].sum() == 6.0 and full.series["Spread"][2] == 0.0
    assert full.line[1][-1] == 6.0 and full.line[1][10] == 0.0


def test_cost_by_month_is_consecutive(views):
    labels = views["cashback"].charts.by_month.labels
    months = np.array(labels, dtype="datetime64[M]").astype(np.int64)
    assert views["cashback"].charts.by_month.months and (np.diff(months) == 1).all()


def test_ib_chart_shows_every_month(qtbot):
    from types import SimpleNamespace

    from fxcost.ui.ib_view import IBView

    view = IBView()
    qtbot.addWidget(view)
    month = pd.DataFrame({"month": ["2020-04", "2023-09", "Total"], "trades": [1, 2, 3], "lots": [1.0, 2.0, 3.0],
                          "notional_usd": [1.0, 1.0, 2.0], "ib_earnings": [2.0, 4.0, 6.0],
                          "share_pct": [50.0, 50.0, 50.0], "passed_back": [1.0, 2.0, 3.0],
                          "ib_keeps": [1.0, 2.0, 3.0], "earnings_per_lot": [2.0, 2.0, 2.0]})
    client = month.iloc[1:].drop(columns="month").assign(account=["123", "Total"])
    ib = {"by_client": client, "by_month": month, "by_client_month": month.assign(account="123")}
    view.set_views(SimpleNamespace(ib=ib, ib_program="IB", ib_note="", result=SimpleNamespace(currency="USD")))
    assert len(view.chart.current.labels) == 42 and view.chart.current.months


def test_long_month_ranges_get_readable_labels(qapp):
    fm = QFontMetrics(qapp.font())
    labels = [str(m) for m in np.arange(np.datetime64("2019-04"), np.datetime64("2025-02"))]
    major, minor = month_ticks(labels, 8.0, fm)  # 70 months in 560 px
    texts = [s for _, s in major]
    assert texts and all(len(s) == 4 for s in texts)  # years, at their Januaries
    assert all(labels[i].endswith("-01") for i, _ in major)
    assert len(minor) == len(labels)  # a small tick every month
    major, _ = month_ticks(labels[:12], 70.0, fm)
    assert [s for _, s in major] == labels[:12]  # room for every month


# --- axes, legends, labels -----------------------------------------------------------------------------------


def test_value_axes_have_thousands_separators():
    axis = ValueAxis(orientation="left")
    assert axis.tickStrings([-25000.0, 0.0, 25000.0], 1.0, 5000.0) == ["-25,000", "0", "25,000"]
    assert axis.tickStrings([0.5, 1.0], 1.0, 0.5) == ["0.5", "1.0"]
    assert axis.tickStrings([1_250_000.0], 1.0, 250_000.0) == ["1,250,000"]


def test_every_chart_uses_the_value_axis(qtbot):
    from fxcost.ui.charts import ChartsView

    view = ChartsView()
    qtbot.addWidget(view)
    charts = [c for c in view.charts.values() if hasattr(c, "item")]
    charts += [view.charts["breakeven"].pips, view.charts["breakeven"].winrate]
    assert all(isinstance(c.item.getAxis("left"), ValueAxis) for c in charts)


def test_the_legend_sits_below_the_plot_not_over_the_data(qtbot, views):
    chart = TimeChart("Equity", "money")
    qtbot.addWidget(chart)
    chart.resize(900, 600)
    chart.show()
    chart.set_series(views["cashback"].charts.equity)
    chart.plot.grab()
    legend = chart.legend.sceneBoundingRect()
    plot_area = chart.item.vb.sceneBoundingRect()
    assert len(chart.legend.items) == 3 and legend.height() > 0
    assert not legend.intersects(plot_area) and legend.top() >= plot_area.bottom()


def test_a_hidden_series_legend_sample_is_a_faded_line_not_an_icon(qtbot):
    chart = TimeChart("Leverage", "x")
    qtbot.addWidget(chart)
    x = np.array([1.7e9, 1.71e9])
    chart.set_series([Series("shown", x, x * 0 + 1), Series("hidden", x, x * 0, visible=False)])
    sample, label = next((s, lab) for s, lab in chart.legend.items if lab.text == "hidden")
    image = QImage(20, 20, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    sample.paint(painter)
    painter.end()
    # pyqtgraph's "eye" pixmap fills the square from (1, 1); the faded line only crosses the middle.
    assert all(image.pixelColor(px, py).alpha() == 0 for px in range(20) for py in range(0, 8))
    assert any(image.pixelColor(px, 11).alpha() > 0 for px in range(20))
    assert "8a8a8a" in label.item.toHtml()  # the entry's text is greyed
    chart.curves["hidden"].setVisible(True)
    assert "8a8a8a" not in label.item.toHtml()


def test_a_short_series_after_the_others_is_in_view_and_drawn(qtbot):
    chart = TimeChart("Leverage", "x")
    qtbot.addWidget(chart)
    chart.resize(800, 500)
    chart.show()
    year = np.linspace(1.70e9, 1.73e9, 500)
    hour = 1.75e9 + np.arange(13) * 120.0  # a second account's 13 events within half an hour, months later
    chart.set_series([Series("a", year, np.ones(500), step=True), Series("b", hour, np.arange(13.0), step=True)])
    chart.plot.grab()
    low, high = chart.item.vb.viewRange()[0]
    assert low <= year[0] and high >= hour[-1]
    assert len(chart.curves["b"].curve.getData()[0]) > 0


def test_long_bar_labels_wrap_instead_of_being_cut(qtbot):
    chart = BarChart("Setups", "money")
    qtbot.addWidget(chart)
    fm = QFontMetrics(chart.plot.font())
    labels = ["Actual (Example cashback)", "$8 per lot cashback (round turn)",
              "Raw account: $3 per lot + 25% of commission", "Typical Raw/ECN account"]
    (major, _minor), lines = wrapped_ticks(labels, 160.0, fm, 3)
    assert [i for i, _ in major] == [0, 1, 2, 3]  # every bar keeps its label
    texts = [s for _, s in major]
    assert all("…" not in s for s in texts) and lines >= 2
    assert all(s.replace("\n", " ") == label for s, label in zip(texts, labels))
    assert all(fm.horizontalAdvance(line) <= 150 for s in texts for line in s.split("\n"))


# --- tables and the overview ---------------------------------------------------------------------------------


def test_compare_table_columns_fit_their_values_and_headers_wrap(qtbot, views):
    from fxcost.ui.compare_view import CompareView

    view = CompareView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.set_views(views["cashback"])
    table, header = view.table, view.table.horizontalHeader()
    model = table.model()
    assert header.stretchLastSection()
    assert header.sectionResizeMode(1) == QHeaderView.ResizeMode.Interactive  # not ResizeToContents
    assert header.defaultAlignment() & Qt.TextFlag.TextWordWrap
    fm = table.fontMetrics()
    pips = [c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal)
            == "Pips/lot after rebate"][0]
    widest = max(fm.horizontalAdvance(model.text(r, pips)) for r in range(model.rowCount()))
    assert header.sectionSize(pips) >= widest + 8  # "1.19", not "1."
    assert header.sectionSize(pips) < fm.horizontalAdvance("Pips/lot after rebate")  # the header wraps
    assert header.height() >= 2 * header.fontMetrics().lineSpacing()
    # The table pane is as tall as its rows, not a fixed block of empty space.
    assert view.splitter.sizes()[0] <= header.height() + sum(table.rowHeight(r) for r in range(model.rowCount())) + 60


def test_ib_table_fits_a_narrow_window(qtbot, views):
    from fxcost.ui.ib_view import IBView

    view = IBView()
    qtbot.addWidget(view)
    view.resize(760, 600)
    view.show()
    v = views["cashback"]
    from dataclasses import replace

    from fxcost.summary import build

    ib = build(v.result, ib_program=v.result.settings.main_program).ib
    view.set_views(replace(v, ib=dict(ib.tables), ib_program=ib.program, ib_note=ib.note))
    qtbot.waitUntil(lambda: view.table.viewport().width() > 0)
    header = view.table.horizontalHeader()
    assert header.length() <= view.table.viewport().width() + 1  # no sideways scrolling
    assert header.stretchLastSection()


def test_overview_cards_reflow_on_a_narrow_window(qtbot, views):
    from fxcost.ui.overview import OverviewView

    view = OverviewView()
    qtbot.addWidget(view)
    view.resize(1000, 800)
    view.show()
    view.set_views(views["cashback"])
    qtbot.waitUntil(lambda: view.columns == 3)
    view.resize(520, 800)
    body = view.scroll.widget()
    # Fewer columns, and nothing cut or behind a sideways scroll bar.
    qtbot.waitUntil(lambda: view.columns < 3 and body.minimumSizeHint().width() <= view.scroll.viewport().width())
    card = view._cards["cost_per_lot"]
    assert card.width() >= card.minimumSizeHint().width()


def test_overview_fits_the_screenshot_window(qtbot, views):
    """At the screenshot size the notes under the cards are not cut off at the bottom."""
    from fxcost.ui.overview import OverviewView

    view = OverviewView()
    qtbot.addWidget(view)
    view.resize(920, 740)  # the Overview's part of a 1360 x 820 window
    view.show()
    view.set_views(views["cashback"])
    qtbot.waitUntil(lambda: view.columns == 3)
    body = view.scroll.widget()
    notes = view.notes.geometry()
    assert notes.bottom() <= view.scroll.viewport().height(), (notes, body.height())


def test_colours_are_distinct_in_the_loaded_rebate_chart(loaded):
    chart = loaded.charts.charts["rebates"]
    colours = [_pen(c) for c in chart.curves.values()]
    assert len(colours) == 3 and len(set(colours)) == 3
    assert QColor(colours[0]).isValid()


def test_compare_table_starts_without_the_descriptive_columns_and_the_header_menu_shows_them(loaded):
    from fxcost.ui.compare_view import COLUMNS, HIDDEN_AT_FIRST

    view = loaded.compare
    keys = [key for key, *_ in COLUMNS]
    assert {keys[c] for c in range(len(keys)) if view.table.isColumnHidden(c)} == HIDDEN_AT_FIRST
    menu = view.column_menu()
    lots = next(a for a in menu.actions() if a.text() == "Lots")
    assert not lots.isChecked()
    lots.setChecked(True)
    assert not view.table.isColumnHidden(keys.index("lots"))
    assert "Setup" not in [a.text() for a in menu.actions()]  # the setup's name is always shown


def test_statement_rebate_line_converts_accounts_in_other_currencies(tmp_path):
    # Merged trades are in USD when accounts differ; the cash rows drawn beside them must be converted too.
    from fxcost.pipeline import run
    from fxcost.ui import viewdata
    from tests.report.conftest import SAMPLE, settings

    eur = tmp_path / "eur.csv"
    eur.write_text("Ticket,Open Time,Type,Size,Symbol,Close Time,Profit,Comment\n"
                   "1,2024.03.05 10:00:00,buy,1.00,EURUSD,2024.03.05 12:00:00,180.00,\n"
                   "2,2024.03.20 10:00:00,balance,0,,,100.00,Cashback rebate March\n", encoding="utf-8")
    result = run([SAMPLE, eur], settings("example-cashback"), currency={str(eur): "EUR"})
    eur_account = next(a for a in result.accounts if a.currency == "EUR")
    assert eur_account.received_rebate == 100.0 and eur_account.usd_rate != 1.0
    views = viewdata.prepare(result)
    line = {s.name: s for s in views.charts.rebates}["Rebate rows in the statement"]
    assert line.y[-1] == pytest.approx(result.received_rebate)


def test_bar_charts_have_no_vertical_grid_through_their_bars(qtbot):
    from fxcost.ui.charts import BarChart, XYChart

    bars, lines = BarChart("b", "money"), XYChart("x", "pips", "money")
    qtbot.addWidget(bars)
    qtbot.addWidget(lines)
    assert not bars.item.getAxis("bottom").grid and bars.item.getAxis("left").grid
    assert lines.item.getAxis("bottom").grid  # a line chart keeps its vertical grid
