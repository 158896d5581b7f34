"""Charts (pyqtgraph): time series on a date axis and bar charts over groups, with legends and a hover readout.

Each series is one PlotDataItem updated with ``setData`` (never one item per trade), with
peak downsampling and clip-to-view so a million points pan and zoom smoothly
(ARCHITECTURE.md 2.9). Times are broker server time shown as printed, so the date axis runs
with a zero UTC offset.
"""

from __future__ import annotations

import os
import time

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QSplitter, QStackedWidget, QVBoxLayout, QWidget

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # PyQt6 would win if installed
import pyqtgraph as pg  # noqa: E402

from fxcost.ui.viewdata import Bars, Series  # noqa: E402

pg.setConfigOptions(antialias=False, useOpenGL=False)

#: Okabe-Ito colours: distinguishable with the common colour-vision deficiencies, on light and dark.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#999999")


def _palette_colours() -> tuple[QColor, QColor]:
    app = QApplication.instance()
    pal = app.palette() if app else QPalette()
    return pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)


def _money(v: float) -> str:
    return "—" if not np.isfinite(v) else f"{v:,.2f}"


def step_xy(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A step line's vertices (value held until the next x), built once so downsampling sees plain points."""
    if len(x) < 2:
        return x, y
    return np.repeat(x, 2)[1:], np.repeat(y, 2)[:-1]


class _Chart(QWidget):
    """A PlotWidget with a title, a legend whose entries toggle their series, and a readout line."""

    hovered = Signal(str)

    def __init__(self, title: str, y_label: str, axis_items: dict | None = None, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = title
        self.plot = pg.PlotWidget(axisItems=axis_items or {})
        self.plot.setObjectName("chart-plot")
        self.item = self.plot.getPlotItem()
        self.item.setTitle(title)
        self.item.setLabel("left", y_label)
        self.item.showGrid(x=True, y=True, alpha=0.25)
        self.item.setMenuEnabled(True)
        self.legend = self.item.addLegend(offset=(10, 10))
        self.plot.setContentsMargins(0, 0, 12, 0)  # room for the last date label at the right edge
        self.y_label = y_label
        self.readout = QLabel(" ")
        self.readout.setObjectName("chart-readout")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen((128, 128, 128), style=Qt.PenStyle.DotLine))
        self.cursor.setZValue(100)
        self.cursor.hide()
        self.item.addItem(self.cursor, ignoreBounds=True)
        self._proxy = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=30, slot=self._mouse_moved)
        self.apply_theme()

    def set_currency(self, currency: str) -> None:
        """Money charts name the currency on the y axis."""
        if self.y_label == "money":
            self.item.setLabel("left", currency)

    def apply_theme(self) -> None:
        """Follow the application palette (light or dark)."""
        bg, fg = _palette_colours()
        self.plot.setBackground(bg)
        for name in ("left", "bottom"):
            axis = self.item.getAxis(name)
            axis.setPen(fg)
            axis.setTextPen(fg)
        self.item.titleLabel.setText(self.title, color=fg.name())
        self.legend.setLabelTextColor(fg)
        self.legend.setBrush(pg.mkBrush(QColor(bg.red(), bg.green(), bg.blue(), 200)))
        self.legend.setPen(pg.mkPen(fg.darker(150) if bg.lightness() > 128 else fg.lighter(60)))

    def _mouse_moved(self, event) -> None:
        pos: QPointF = event[0]
        if not self.item.sceneBoundingRect().contains(pos):
            return
        x = self.item.vb.mapSceneToView(pos).x()
        text = self.readout_at(x)
        if text:
            self.readout.setText(text)
            self.hovered.emit(text)

    def readout_at(self, x: float) -> str:  # pragma: no cover - overridden
        return ""


class TimeChart(_Chart):
    """Lines over time (x: seconds since 1970, server time), one PlotDataItem per series."""

    def __init__(self, title: str, y_label: str, parent=None):
        super().__init__(title, y_label, {"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=0)}, parent)
        self.item.setDownsampling(auto=True, mode="peak")
        self.item.setClipToView(True)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.empty = pg.TextItem("", anchor=(0.5, 0.5))
        self.item.addItem(self.empty, ignoreBounds=True)

    def set_series(self, series: list[Series]) -> None:
        names = {s.name for s in series}
        for name in list(self.curves):
            if name not in names:
                self.legend.removeItem(self.curves[name])
                self.item.removeItem(self.curves.pop(name))
                self.data.pop(name, None)
        for i, s in enumerate(series):
            ok = np.isfinite(s.y) & np.isfinite(s.x)
            x, y = (s.x, s.y) if ok.all() else (s.x[ok], s.y[ok])
            self.data[s.name] = (x, y)
            px, py = step_xy(x, y) if s.step else (x, y)
            curve = self.curves.get(s.name)
            if curve is None:
                pen = pg.mkPen(COLOURS[i % len(COLOURS)], width=2)
                # skipFiniteCheck: NaN/inf are dropped above, so pyqtgraph need not scan a million points again.
                curve = self.item.plot(px, py, name=s.name, pen=pen, skipFiniteCheck=True)
                curve.setVisible(s.visible)
                self.curves[s.name] = curve
            else:
                curve.setData(px, py)
        has_data = any(len(x) for x, _ in self.data.values())
        self.empty.setText("" if has_data else "Nothing to show for this history.")
        self.item.enableAutoRange()

    def readout_at(self, x: float) -> str:
        parts = []
        for name, curve in self.curves.items():
            if not curve.isVisible():
                continue
            xs, ys = self.data[name]
            if not len(xs):
                continue
            i = int(np.clip(np.searchsorted(xs, x, side="right") - 1, 0, len(xs) - 1))
            parts.append(f"{name}: <b>{_money(float(ys[i]))}</b>")
        if not parts:
            return ""
        self.cursor.setPos(x)
        self.cursor.show()
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(max(0.0, x)))
        return f"{when} · " + " · ".join(parts)


class BarChart(_Chart):
    """Bars over labelled groups: stacked (positive up, negative down) or side by side."""

    def __init__(self, title: str, y_label: str, parent=None):
        self.axis = pg.AxisItem(orientation="bottom")
        super().__init__(title, y_label, {"bottom": self.axis}, parent)
        self.item.setMouseEnabled(x=True, y=False)
        self.legend.setColumnCount(4)  # one row across the top: a tall legend would hide the first bars
        self.bars: list[pg.BarGraphItem] = []
        self.marker: pg.PlotDataItem | None = None
        self.current: Bars | None = None
        self.zero = pg.InfiniteLine(pos=0, angle=0, movable=False, pen=pg.mkPen((128, 128, 128)))
        self.item.addItem(self.zero, ignoreBounds=True)

    def set_bars(self, bars: Bars | None) -> None:
        for item in self.bars:
            self.legend.removeItem(item)
            self.item.removeItem(item)
        self.bars = []
        if self.marker is not None:
            self.legend.removeItem(self.marker)
            self.item.removeItem(self.marker)
            self.marker = None
        self.current = bars
        if bars is None or not bars.labels:
            self.axis.setTicks([[]])
            return
        n = len(bars.labels)
        x = np.arange(n, dtype=float)
        k = len(bars.series)
        pos_base = np.zeros(n)
        neg_base = np.zeros(n)
        width = 0.7 if bars.stacked else 0.8 / max(1, k)
        for i, (name, values) in enumerate(bars.series.items()):
            v = np.nan_to_num(np.asarray(values, dtype=float))
            colour = QColor(COLOURS[i % len(COLOURS)])
            if bars.stacked:
                y0 = np.where(v >= 0, pos_base, neg_base)
                pos_base = pos_base + np.where(v >= 0, v, 0)
                neg_base = neg_base + np.where(v < 0, v, 0)
                item = pg.BarGraphItem(x=x, y0=y0, height=v, width=width, brush=colour, pen=pg.mkPen(None),
                                       name=name)
            else:
                offset = (i - (k - 1) / 2) * width
                item = pg.BarGraphItem(x=x + offset, y0=np.zeros(n), height=v, width=width * 0.95, brush=colour,
                                       pen=pg.mkPen(None), name=name)
            self.item.addItem(item)  # named items join the legend here (adding them again would list them twice)
            self.bars.append(item)
        if bars.line is not None:
            name, values = bars.line
            self.marker = self.item.plot(x, np.asarray(values, dtype=float), name=name, pen=None, symbol="d",
                                         symbolSize=11, symbolBrush=pg.mkBrush("#222222"),
                                         symbolPen=pg.mkPen("w", width=1))
        self._set_ticks()
        self.item.setXRange(-0.6, n - 0.4, padding=0)
        self._set_y_range(bars, pos_base, neg_base)

    def _set_y_range(self, bars: Bars, pos_top: np.ndarray, neg_bottom: np.ndarray) -> None:
        """The y range of the bars, with headroom above for the legend: it sits over the top of the plot and
        would otherwise hide the tallest bars (y is not zoomable here, so a fixed range loses nothing)."""
        values = [pos_top, neg_bottom, np.zeros(1)]
        if not bars.stacked:
            values += [np.nan_to_num(np.asarray(v, dtype=float)) for v in bars.series.values()]
        if bars.line is not None:
            line = np.asarray(bars.line[1], dtype=float)
            values.append(line[np.isfinite(line)])
        every = np.concatenate(values)
        low, high = float(every.min()), float(every.max())
        span = (high - low) or 1.0
        self.item.setYRange(low - 0.04 * span, high + 0.3 * span, padding=0)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.current is not None and self.current.labels:
            self._set_ticks()

    def _set_ticks(self) -> None:
        # Thin the labels so they never overlap: room for the longest label (about 6.5 px a character) each.
        labels = self.current.labels
        n = len(labels)
        width = self.plot.width() - 80 if self.plot.width() > 200 else 900
        per_label = 6.5 * max(len(s) for s in labels) + 12
        every = max(1, int(np.ceil(n * per_label / max(1, width))))
        self.axis.setTicks([[(i, labels[i]) for i in range(0, n, every)], []])

    def readout_at(self, x: float) -> str:
        bars = self.current
        if bars is None or not bars.labels:
            return ""
        i = int(round(x))
        if not 0 <= i < len(bars.labels):
            return ""
        unit = f" {bars.unit}" if bars.unit else ""
        parts = [f"{name}: <b>{_money(float(values[i]))}{unit}</b>" for name, values in bars.series.items()]
        if bars.line is not None:
            parts.append(f"{bars.line[0]}: <b>{_money(float(bars.line[1][i]))}{unit}</b>")
        return f"<b>{bars.labels[i]}</b> · " + " · ".join(parts)


class XYChart(_Chart):
    """Lines over a numeric x (sensitivity sweeps): one PlotDataItem per line, readout at the nearest x."""

    def __init__(self, title: str, x_label: str, y_label: str, parent=None):
        super().__init__(title, y_label, None, parent)
        self.item.setLabel("bottom", x_label)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.x_unit = ""

    def set_lines(self, lines: list[tuple[str, np.ndarray, np.ndarray]], x_unit: str = "") -> None:
        for name in list(self.curves):
            self.legend.removeItem(self.curves[name])
            self.item.removeItem(self.curves.pop(name))
        self.data = {}
        self.x_unit = x_unit
        for i, (name, x, y) in enumerate(lines):
            x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
            self.data[name] = (x, y)
            self.curves[name] = self.item.plot(x, y, name=name, pen=pg.mkPen(COLOURS[i % len(COLOURS)], width=2),
                                               symbol="o", symbolSize=6,
                                               symbolBrush=pg.mkBrush(COLOURS[i % len(COLOURS)]))
        self.item.enableAutoRange()

    def readout_at(self, x: float) -> str:
        parts = []
        where = None
        for name, curve in self.curves.items():
            xs, ys = self.data[name]
            if not curve.isVisible() or not len(xs):
                continue
            i = int(np.argmin(np.abs(xs - x)))
            where = xs[i]
            parts.append(f"{name}: <b>{_money(float(ys[i]))}</b>")
        if not parts:
            return ""
        self.cursor.setPos(where)
        self.cursor.show()
        return f"{where:g}{self.x_unit} · " + " · ".join(parts)


class BreakevenChart(QWidget):
    """Two bar charts: cost pips before/after rebate by symbol; break-even win rates vs actual."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.pips = BarChart("Cost per lot in pips, before and after rebate, by symbol", "pips")
        self.winrate = BarChart("Break-even win rate vs actual win rate, by symbol", "%")
        layout.addWidget(self.pips, 1)
        layout.addWidget(self.winrate, 1)

    def apply_theme(self) -> None:
        self.pips.apply_theme()
        self.winrate.apply_theme()


#: (key, list label) of every chart, in list order.
CHARTS = (
    ("equity", "Equity: raw, net, + cashback"),
    ("costs", "Cumulative cost"),
    ("by_symbol", "Cost by symbol"),
    ("by_month", "Cost by month"),
    ("breakeven", "Break-even by symbol"),
    ("rebates", "Rebate accrual vs payouts"),
    ("leverage", "Effective leverage"),
)


class ChartsView(QWidget):
    """A list of charts on the left, the chosen chart on the right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter()
        self.splitter.setObjectName("charts-splitter")
        layout.addWidget(self.splitter)
        self.list = QListWidget()
        self.list.setObjectName("charts-list")
        self.stack = QStackedWidget()
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([180, 900])
        self.charts: dict[str, QWidget] = {
            "equity": TimeChart("Cumulative P&L: raw, net after costs, net + cashback", "money"),
            "costs": TimeChart("Cumulative cost by component (rebate shown negative)", "money"),
            "by_symbol": BarChart("Cost by symbol (rebate below zero; ◆ net cost)", "money"),
            "by_month": BarChart("Cost by month of close (rebate below zero; ◆ net cost)", "money"),
            "breakeven": BreakevenChart(),
            "rebates": TimeChart("Cumulative rebate: accrued at close vs paid", "money"),
            "leverage": TimeChart("Effective leverage (notional at open / balance)", "× balance"),
        }
        for key, label in CHARTS:
            self.list.addItem(label)
            self.stack.addWidget(self.charts[key])
        self.list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.list.setCurrentRow(0)

    def set_views(self, views) -> None:
        for chart in (self.charts[k] for k in ("equity", "costs", "by_symbol", "by_month", "rebates")):
            chart.set_currency(views.result.currency)
        self.charts["equity"].set_series(views.equity)
        self.charts["costs"].set_series(views.costs)
        self.charts["by_symbol"].set_bars(views.by_symbol)
        self.charts["by_month"].set_bars(views.by_month)
        self.charts["breakeven"].pips.set_bars(views.breakeven_pips)
        self.charts["breakeven"].winrate.set_bars(views.breakeven_winrate)
        self.charts["rebates"].set_series(views.rebates)
        self.charts["leverage"].set_series(views.leverage)

    def show_chart(self, key: str) -> None:
        self.list.setCurrentRow([k for k, _ in CHARTS].index(key))

    def current_key(self) -> str:
        return CHARTS[max(0, self.list.currentRow())][0]

    def current_widget(self) -> QWidget:
        return self.stack.currentWidget()

    def apply_theme(self) -> None:
        for chart in self.charts.values():
            chart.apply_theme()
