"""Charts (pyqtgraph): time series on a date axis and bar charts over groups, with legends and a hover readout.

Each series is one PlotDataItem updated with ``setData`` (never one item per trade), with
peak downsampling and clip-to-view so a million points pan and zoom smoothly
(ARCHITECTURE.md 2.9). Times are broker server time shown as printed, so the date axis runs
with a zero UTC offset.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # PyQt6 would win if installed
import pyqtgraph as pg  # noqa: E402

from fxcost.money import currency_decimals, money_text  # noqa: E402
from fxcost.summary.series import Bars, Series  # noqa: E402

pg.setConfigOptions(antialias=False, useOpenGL=False)

#: Okabe-Ito colours: distinguishable with the common colour-vision deficiencies, on light and dark.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#999999")


def _palette_colours() -> tuple[QColor, QColor]:
    app = QApplication.instance()
    pal = app.palette() if app else QPalette()
    return pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)


def _money(v: float, currency: str | None = None) -> str:
    """A readout's figure: money in ``currency`` (no decimals in JPY, issue 15), else two decimals."""
    return money_text(v, currency=currency, sep=",", missing="—") if currency is not None else \
        money_text(v, 2, sep=",", missing="—")


class ValueAxis(pg.AxisItem):
    """A value axis whose ticks carry thousands separators ("-25,000", not "-25000"), and no more decimals than
    the money shows (:attr:`decimals`: 0 for JPY, issue 15; None: as the tick spacing needs)."""

    decimals: int | None = None

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        if self.logMode or not spacing:
            return super().tickStrings(values, scale, spacing)
        places = max(0, math.ceil(-math.log10(abs(spacing * scale))))
        if self.decimals is not None:
            places = min(places, self.decimals)
        out = []
        for v in values:
            text = f"{v * scale:,.{places}f}"
            out.append(text[1:] if text.startswith("-") and not text.strip("-0.,") else text)  # no "-0"
        return out


def pick_colour(name: str, remembered: dict[str, str], used: set[str]) -> str:
    """The colour of series ``name``: the one it had before if no other series shows it now, else the first
    palette colour nobody uses (cycling only past the palette's size); remembered for the next call.

    Colouring by position when a curve is first made gave a line added later a colour already in use
    (UX review item 6).
    """
    colour = remembered.get(name)
    if colour is None or colour in used:
        free = [c for c in COLOURS if c not in used]
        colour = free[0] if free else COLOURS[len(used) % len(COLOURS)]
        remembered[name] = colour
    used.add(colour)
    return colour


#: Colour of the legend text of a hidden series.
HIDDEN_TEXT = "#8a8a8a"


class _Sample(pg.ItemSample):
    """A legend sample that draws a hidden series faded and dotted, where pyqtgraph draws an "eye" icon
    (a pixmap most users read as a broken glyph, UX review item 16)."""

    def __init__(self, item):
        super().__init__(item)
        self.setToolTip("Click to hide or show")

    def paint(self, p, *args):
        item = self.item
        opts = item.opts
        if item.isVisible():
            return super().paint(p, *args)
        p.setOpacity(0.45)
        if isinstance(item, pg.BarGraphItem):
            p.setPen(pg.mkPen(opts.get("brush"), width=1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(3, 3, 15, 15))
            return
        pen = pg.mkPen(opts.get("pen"))
        if pen.style() != Qt.PenStyle.NoPen:
            pen.setStyle(Qt.PenStyle.DotLine)
            p.setPen(pen)
            p.drawLine(0, 11, 20, 11)
        if opts.get("symbol") is not None:
            p.setPen(pg.mkPen(HIDDEN_TEXT))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QRectF(5, 5, 10, 10))


class _Legend(pg.LegendItem):
    """A legend laid out below the plot instead of over it, so it never hides data (UX review item 16),
    with as many columns as fit the width; a hidden series' entry is greyed."""

    def __init__(self):
        super().__init__(offset=None, frame=False, colCount=1, sampleType=_Sample, horSpacing=8)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)  # entries close together
        self.text_colour: QColor | None = None

    def updateSize(self):  # noqa: N802 - pyqtgraph's name
        # The plot's layout places the legend: ask it again instead of pyqtgraph's setGeometry at (0, 0).
        self.updateGeometry()

    def mouseDragEvent(self, ev):  # noqa: N802 - pyqtgraph's name
        ev.ignore()  # it sits in the layout; dragging it around would leave a hole

    def addItem(self, item, name):  # noqa: N802 - pyqtgraph's name
        super().addItem(item, name)
        sample, label = self.items[-1]
        label.setToolTip("Click the line sample to hide or show")
        if hasattr(item, "visibleChanged"):
            item.visibleChanged.connect(lambda s=sample, lab=label: self.restyle(s, lab))
        self.restyle(sample, label)

    def restyle(self, sample, label) -> None:
        """Grey text for a hidden series, the theme's text colour for a shown one."""
        try:
            hidden = not sample.item.isVisible()
            colour = HIDDEN_TEXT if hidden else (self.text_colour.name() if self.text_colour is not None else None)
            label.setText(label.text, color=colour)
            sample.update()
        except RuntimeError:  # the entry is gone (removed while a signal was queued)
            return

    def set_text_colour(self, colour: QColor) -> None:
        self.text_colour = QColor(colour)
        self.setLabelTextColor(colour)
        for sample, label in self.items:
            self.restyle(sample, label)

    def fit(self, width: float) -> None:
        """As many columns as fit ``width`` pixels (entries fill rows left to right, as pyqtgraph lays them)."""
        widths = [20 + 8 + label.item.boundingRect().width() + 8 for _sample, label in self.items]
        columns = 1
        for c in range(len(widths), 0, -1):
            total = sum(max(widths[i::c]) for i in range(c)) + 8 * (c - 1)
            if total <= width:
                columns = c
                break
        self.setColumnCount(columns)
        self.updateGeometry()


def month_ticks(labels: list[str], slot: float, fm: QFontMetrics) -> list[list[tuple[int, str]]]:
    """Ticks of a month axis ("YYYY-MM" labels, one a month, consecutive): every 1, 2, 3, 6 or 12 months
    (years then as "YYYY") or more years, whatever leaves each label room, and a minor tick every month."""
    months = np.array([np.datetime64(s, "M") for s in labels], dtype="datetime64[M]").astype(np.int64)
    for step in (1, 2, 3, 6, 12, 24, 60, 120, 600):
        sample = "2024-12" if step < 12 else "2024"
        if slot * step >= fm.horizontalAdvance(sample) + 14:
            break
    if step < 12:
        major = [(i, labels[i]) for i, m in enumerate(months) if m % step == 0]
    else:
        major = [(i, labels[i][:4]) for i, m in enumerate(months) if m % step == 0]
    if not major:  # a range shorter than the step: name its first month
        major = [(0, labels[0])]
    minor = [(i, "") for i in range(len(labels))] if step > 1 and slot >= 4 else []
    return [major, minor]


def wrap_label(label: str, width: int, fm: QFontMetrics, lines: int) -> str:
    """``label`` in at most ``lines`` lines of at most ``width`` pixels, broken between words, the rest
    elided with "…"."""
    out: list[str] = []
    current = ""
    for word in label.split():
        trial = f"{current} {word}".strip()
        if not current or fm.horizontalAdvance(trial) <= width:
            current = trial
        else:
            out.append(current)
            current = word
    out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1] + " …"
    return "\n".join(line if fm.horizontalAdvance(line) <= width else
                     fm.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in out)


def wrapped_ticks(labels: list[str], slot: float, fm: QFontMetrics,
                  lines: int) -> tuple[list[list[tuple[int, str]]], int]:
    """Category ticks whose labels wrap under their bar instead of being cut (UX review item 16). When a
    word is wider than a bar's room, neighbouring labels take turns on two or three lines (staggered) so
    every bar keeps its label; only beyond that is just every few bars labelled. Returns the ticks and the
    most lines a label takes."""
    longest_word = max((fm.horizontalAdvance(w) for s in labels for w in s.split()), default=0)
    every = max(1, math.ceil((min(longest_word, 140) + 10) / max(slot, 1.0)))
    width = max(20, int(slot * every) - 10)
    if every == 1:
        major = [(i, wrap_label(label, width, fm, lines)) for i, label in enumerate(labels)]
        return [major, []], max(s.count("\n") + 1 for _, s in major)
    if every <= 3:
        major = [(i, "\n" * (i % every) + wrap_label(label, width, fm, 1)) for i, label in enumerate(labels)]
        return [major, []], every
    major = [(i, wrap_label(labels[i], width, fm, lines)) for i in range(0, len(labels), every)]
    return [major, []], max(s.count("\n") + 1 for _, s in major)


class _Chart(QWidget):
    """A PlotWidget with a title, a legend whose entries toggle their series, and a readout line."""

    hovered = Signal(str)

    def __init__(self, title: str, y_label: str, axis_items: dict | None = None, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = title
        self.plot = pg.PlotWidget(axisItems={"left": ValueAxis(orientation="left"), **(axis_items or {})})
        self.plot.setObjectName("chart-plot")
        self.item = self.plot.getPlotItem()
        self.item.setTitle(title)
        self.item.setLabel("left", y_label)
        self.item.showGrid(x=True, y=True, alpha=0.25)
        self.item.setMenuEnabled(True)
        self.legend = _Legend()
        self.item.legend = self.legend  # PlotItem adds named items to it
        self.item.layout.addItem(self.legend, 4, 1, alignment=Qt.AlignmentFlag.AlignLeft)  # below the x axis
        self.colours: dict[str, str] = {}
        self.plot.setContentsMargins(0, 0, 12, 0)  # room for the last date label at the right edge
        self.y_label = y_label
        self.currency: str | None = None  # set_currency: the money's currency (its decimals)
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
        """Money charts name the currency on the y axis, and show its decimals on the axis and in the readout
        (none in JPY, issue 15)."""
        if self.y_label == "money":
            self.item.setLabel("left", currency)
            self.currency = currency
            axis = self.item.getAxis("left")
            if isinstance(axis, ValueAxis):
                axis.decimals = currency_decimals(currency)
                axis.picture = None  # redraw the tick labels
                axis.update()

    def money(self, value: float) -> str:
        """A readout's value: money in the chart's currency, or a plain figure with two decimals."""
        return _money(value, self.currency if self.y_label == "money" else None)

    def apply_theme(self) -> None:
        """Follow the application palette (light or dark)."""
        bg, fg = _palette_colours()
        self.plot.setBackground(bg)
        for name in ("left", "bottom"):
            axis = self.item.getAxis(name)
            axis.setPen(fg)
            axis.setTextPen(fg)
        self.item.titleLabel.setText(self.title, color=fg.name())
        self.legend.set_text_colour(fg)

    def fit_legend(self) -> None:
        """Lay the legend out in as many columns as the plot's width holds."""
        self.legend.fit(max(120.0, self.plot.width() - 70.0))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_legend()

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


#: Series of fewer points are drawn as they are (see TimeChart.set_series).
DOWNSAMPLE_FROM = 20_000


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
        used = {self.colours[name] for name in self.curves}
        for s in series:
            ok = np.isfinite(s.y) & np.isfinite(s.x)
            x, y = (s.x, s.y) if ok.all() else (s.x[ok], s.y[ok])
            self.data[s.name] = (x, y)
            # A step line is pyqtgraph's stepMode "right" (each value held until the next x) over the series' own
            # arrays: its vertices are made for the points drawn (after clipping and downsampling), not as a
            # second copy of every trade's x and y (issue 14: ~100 MB of a 500-client book's charts).
            step = "right" if s.step and len(x) >= 2 else None
            curve = self.curves.get(s.name)
            if curve is None:
                pen = pg.mkPen(pick_colour(s.name, self.colours, used), width=2)
                # skipFiniteCheck: NaN/inf are dropped above, so pyqtgraph need not scan a million points again.
                curve = self.item.plot(x, y, name=s.name, pen=pen, skipFiniteCheck=True, stepMode=step)
                curve.setVisible(s.visible)
                self.curves[s.name] = curve
            else:
                curve.setData(x, y, stepMode=step)
            # pyqtgraph sizes auto-downsampling from the mean spacing of x: a short series whose points
            # bunch into a few hours of a long view got a step wider than itself and drew nothing. (A step
            # line counts its vertices, two per point, as when they were made here.)
            curve.setDownsampling(auto=(2 * len(x) - 1 if step else len(x)) >= DOWNSAMPLE_FROM)
        has_data = any(len(x) for x, _ in self.data.values())
        self.empty.setText("" if has_data else "Nothing to show for this history.")
        self._show_all()
        self.fit_legend()

    def _show_all(self) -> None:
        """x over every series' data, y following what is in view.

        Not pyqtgraph's x auto-range: with clip-to-view a curve whose points all lie outside the current view
        reports no bounds, so a series after the others' range (a second account's later trades) was left
        out of view.
        """
        starts = [x.min() for x, _ in self.data.values() if len(x)]
        ends = [x.max() for x, _ in self.data.values() if len(x)]
        if starts:
            low, high = float(min(starts)), float(max(ends))
            if high <= low:
                low, high = low - 43_200, high + 43_200  # one instant: half a day either side
            self.item.setXRange(low, high, padding=0.02)
        else:
            self.item.enableAutoRange(axis="x")
        self.item.setAutoVisible(y=True)
        self.item.enableAutoRange(axis="y")

    def readout_at(self, x: float) -> str:
        parts = []
        for name, curve in self.curves.items():
            if not curve.isVisible():
                continue
            xs, ys = self.data[name]
            if not len(xs):
                continue
            i = int(np.clip(np.searchsorted(xs, x, side="right") - 1, 0, len(xs) - 1))
            parts.append(f"{name}: <b>{self.money(float(ys[i]))}</b>")
        if not parts:
            return ""
        self.cursor.setPos(x)
        self.cursor.show()
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(max(0.0, x)))
        return f"{when} · " + " · ".join(parts)


class BarChart(_Chart):
    """Bars over labelled groups: stacked (positive up, negative down) or side by side."""

    #: Most lines of a wrapped group label under its bar.
    LABEL_LINES = 3

    def __init__(self, title: str, y_label: str, parent=None):
        self.axis = pg.AxisItem(orientation="bottom")
        super().__init__(title, y_label, {"bottom": self.axis}, parent)
        self.item.showGrid(x=False, y=True, alpha=0.25)  # a vertical grid line would run through every bar
        self.item.setMouseEnabled(x=True, y=False)
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
            self.axis.setHeight(None)
            return
        n = len(bars.labels)
        x = np.arange(n, dtype=float)
        k = len(bars.series)
        pos_base = np.zeros(n)
        neg_base = np.zeros(n)
        width = 0.7 if bars.stacked else 0.8 / max(1, k)
        used: set[str] = set()
        for i, (name, values) in enumerate(bars.series.items()):
            v = np.nan_to_num(np.asarray(values, dtype=float))
            colour = QColor(pick_colour(name, self.colours, used))
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
        self.fit_legend()

    def _set_y_range(self, bars: Bars, pos_top: np.ndarray, neg_bottom: np.ndarray) -> None:
        """The y range of the bars and markers with a little room (y is not zoomable here)."""
        values = [pos_top, neg_bottom, np.zeros(1)]
        if not bars.stacked:
            values += [np.nan_to_num(np.asarray(v, dtype=float)) for v in bars.series.values()]
        if bars.line is not None:
            line = np.asarray(bars.line[1], dtype=float)
            values.append(line[np.isfinite(line)])
        every = np.concatenate(values)
        low, high = float(every.min()), float(every.max())
        span = (high - low) or 1.0
        self.item.setYRange(low - 0.04 * span, high + 0.06 * span, padding=0)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.current is not None and self.current.labels:
            self._set_ticks()

    def _plot_width(self) -> float:
        return self.plot.width() - 80 if self.plot.width() > 200 else 900

    def _set_ticks(self) -> None:
        labels = self.current.labels
        fm = QFontMetrics(self.axis.style["tickFont"] or self.plot.font())
        slot = self._plot_width() / len(labels)  # pixels per group
        if self.current.months:
            ticks, lines = month_ticks(labels, slot, fm), 1
        else:
            ticks, lines = wrapped_ticks(labels, slot, fm, self.LABEL_LINES)
        self.axis.setTicks(ticks)
        # Room for the wrapped lines: pyqtgraph sizes the axis from 80 % of one line's height.
        self.axis.setHeight(int(lines * fm.lineSpacing() + 12))

    def readout_at(self, x: float) -> str:
        bars = self.current
        if bars is None or not bars.labels:
            return ""
        i = int(round(x))
        if not 0 <= i < len(bars.labels):
            return ""
        unit = f" {bars.unit}" if bars.unit else ""
        parts = [f"{name}: <b>{self.money(float(values[i]))}{unit}</b>" for name, values in bars.series.items()]
        if bars.line is not None:
            parts.append(f"{bars.line[0]}: <b>{self.money(float(bars.line[1][i]))}{unit}</b>")
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
        used: set[str] = set()
        for name, x, y in lines:
            x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
            self.data[name] = (x, y)
            colour = pick_colour(name, self.colours, used)
            self.curves[name] = self.item.plot(x, y, name=name, pen=pg.mkPen(colour, width=2), symbol="o",
                                               symbolSize=6, symbolBrush=pg.mkBrush(colour))
        self.item.enableAutoRange()
        self.fit_legend()

    def readout_at(self, x: float) -> str:
        parts = []
        where = None
        for name, curve in self.curves.items():
            xs, ys = self.data[name]
            if not curve.isVisible() or not len(xs):
                continue
            i = int(np.argmin(np.abs(xs - x)))
            where = xs[i]
            parts.append(f"{name}: <b>{self.money(float(ys[i]))}</b>")
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
        # The list as wide as its longest entry, the rest for the chart.
        self.splitter.setSizes([self.list.sizeHintForColumn(0) + 2 * self.list.frameWidth() + 12, 900])
        self.list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.list.setCurrentRow(0)

    def set_views(self, views) -> None:
        for chart in (self.charts[k] for k in ("equity", "costs", "by_symbol", "by_month", "rebates")):
            chart.set_currency(views.result.currency)
        self.charts["equity"].set_series(views.charts.equity)
        self.charts["costs"].set_series(views.charts.costs)
        self.charts["by_symbol"].set_bars(views.charts.by_symbol)
        self.charts["by_month"].set_bars(views.charts.by_month)
        self.charts["breakeven"].pips.set_bars(views.charts.breakeven_pips)
        self.charts["breakeven"].winrate.set_bars(views.charts.breakeven_winrate)
        self.charts["rebates"].set_series(views.charts.rebates)
        self.charts["leverage"].set_series(views.charts.leverage)

    def show_chart(self, key: str) -> None:
        self.list.setCurrentRow([k for k, _ in CHARTS].index(key))

    def current_key(self) -> str:
        return CHARTS[max(0, self.list.currentRow())][0]

    def current_widget(self) -> QWidget:
        return self.stack.currentWidget()

    def apply_theme(self) -> None:
        for chart in self.charts.values():
            chart.apply_theme()
