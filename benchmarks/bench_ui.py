"""Benchmark the desktop app on a 100k-trade statement, each figure beside a baseline measured in the same run.

1. Open to all views ready (File ▸ Open on a worker until every view shows the analysis), against
   ``fxcost.pipeline.run`` alone on the same file (target, issue 4: <= 3 s); and open to the first
   views (the Overview and the Trades table shown and painted, while the charts, the comparison and the
   IB roll-up are still being computed), against the same baseline.
2. Sorting the trades table by a money and a text column, against ``np.argsort`` of that column
   alone (target: <= 0.3 s).
3. Cold start to the first window (a fresh interpreter until the main window is shown), against a
   fresh interpreter showing a bare QWidget (target: <= 2 s).
4. A 1M-point equity chart: setting the data and drawing it with peak downsampling and clip-to-view,
   against the same PlotWidget drawn without them.

Run: python benchmarks/bench_ui.py [--file STATEMENT] [--trades N] [--repeat R]
(the statement is generated with ``python -m fxcost.samples`` when missing).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def line(name: str, seconds: float, baseline_name: str, baseline: float, target: float | None = None) -> None:
    ratio = seconds / baseline if baseline else float("nan")
    verdict = ""
    if target is not None:
        verdict = f"  (target <= {target:.1f} s: {'met' if seconds <= target else 'MISSED'})"
    print(f"{name:<38} {seconds:8.3f} s   baseline {baseline_name}: {baseline:.3f} s   ratio {ratio:.2f}x{verdict}")


COLD_WINDOW = """
import os, sys, time
t0 = float(sys.argv[1])
sys.path.insert(0, {root!r})
from fxcost.ui.application import make_app
app = make_app(None)
from fxcost.ui.main_window import MainWindow
w = MainWindow()
w.show()
app.processEvents()
print(time.time() - t0)
"""

COLD_BARE = """
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
w.show()
app.processEvents()
print(time.time() - t0)
"""


def cold_start(code: str, env: dict) -> float:
    t0 = time.time()
    done = subprocess.run([sys.executable, "-c", code, repr(t0)], env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default="/tmp/big.htm", help="MT4 statement to open (generated when missing)")
    parser.add_argument("--trades", type=int, default=100_000, help="trades of a generated statement")
    parser.add_argument("--repeat", type=int, default=3, help="best of R runs for the fast measurements")
    args = parser.parse_args(argv)
    path = Path(args.file)
    if not path.exists():
        print(f"generating {path} with {args.trades} trades…")
        subprocess.run([sys.executable, "-m", "fxcost.samples", "--format", "mt4", "--trades", str(args.trades),
                        "-o", str(path)], cwd=ROOT, check=True)

    import tempfile

    tmp = tempfile.mkdtemp(prefix="fxcost-bench-")
    os.environ["FXCOST_DATA_DIR"] = os.path.join(tmp, "data")
    os.environ["FXCOST_NO_ERR_WINDOWS"] = "1"
    env = {**os.environ, "FXCOST_SETTINGS_FILE": os.path.join(tmp, "settings.ini")}

    # 3 first: a cold interpreter, before this process warms the disk cache for Qt any further.
    bare = min(cold_start(COLD_BARE, env) for _ in range(args.repeat))
    window = min(cold_start(COLD_WINDOW.format(root=str(ROOT)), env) for _ in range(args.repeat))

    from PySide6.QtCore import Qt

    from fxcost.pipeline import run
    from fxcost.ui.application import make_app, wait_for
    from fxcost.ui.main_window import MainWindow
    from fxcost.ui.settings import Settings
    from fxcost.ui.setup_panel import Catalog, SetupState, build_settings

    app = make_app(None)
    settings = build_settings(SetupState(), Catalog())
    pipeline_s = best(lambda: run([path], settings), args.repeat)

    win = MainWindow(settings=Settings(os.path.join(tmp, "settings.ini")))
    win.resize(1360, 820)
    win.show()
    app.processEvents()
    first: list[float] = []

    def first_shown():
        win.repaint()  # the first paint of the Overview, as the user sees it
        first.append(time.perf_counter())

    win.first_views_shown.connect(first_shown)
    opens, firsts = [], []
    for _ in range(args.repeat):  # best of R like the baseline: other processes on the machine add noise
        first.clear()
        t0 = time.perf_counter()
        win.open_files([str(path)])
        if not wait_for(win.analysis_ready, 600_000):
            print("the file did not open", file=sys.stderr)
            return 1
        app.processEvents()  # the views paint once
        opens.append(time.perf_counter() - t0)
        firsts.append(first[0] - t0)
    open_s, first_s = min(opens), min(firsts)
    n = len(win.views.result.trades)

    model = win.trades.model
    frame = model.frame()
    profit = model.column_index("profit")
    symbol = model.column_index("symbol")

    def first_click(column: int) -> float:
        """A header click on a fresh table: the sort key is built, then the rows are ordered."""
        times = []
        for _ in range(args.repeat):
            model._sort = None  # back to the file's order, no cached keys, as right after opening
            model.set_frame(frame)
            t0 = time.perf_counter()
            model.sort(column, Qt.SortOrder.DescendingOrder)
            times.append(time.perf_counter() - t0)
        return min(times)

    sort_money = first_click(profit)
    argsort_money = best(lambda: np.argsort(-frame["profit"].to_numpy(), kind="stable"), args.repeat)
    sort_text = first_click(symbol)
    argsort_text = best(lambda: np.argsort(frame["symbol"].to_numpy(dtype=str), kind="stable"), args.repeat)
    win.show_tab("trades")
    app.processEvents()
    filter_s = best(lambda: win.trades.side.setCurrentIndex(1 + win.trades.side.currentIndex() % 2), args.repeat)
    win.trades.reset_filter()
    names = model.symbol_counts()[0]
    picker = win.trades.symbol
    # Alternately tick three symbols and none, as a user narrowing and widening the table does.
    symbols_s = best(lambda: picker.set_picked([] if picker.picked() else names[:3]), args.repeat)

    import pyqtgraph as pg

    from fxcost.ui.charts import TimeChart
    from fxcost.ui.viewdata import Series

    points = 1_000_000
    x = np.linspace(1.7e9, 1.8e9, points)
    y = np.cumsum(np.random.default_rng(1).normal(size=points))
    chart = TimeChart("1M points", "money")
    chart.resize(1000, 600)
    chart.show()
    app.processEvents()

    def draw_fast():
        chart.set_series([Series("equity", x, y)])
        chart.plot.grab()

    plain = pg.PlotWidget()
    plain.resize(1000, 600)
    plain.show()
    curve = plain.plot(x, y)

    def draw_plain():
        curve.setData(x, y)
        plain.grab()

    fast = best(draw_fast, args.repeat)
    slow = best(draw_plain, 1)
    chart.item.vb.setXRange(x[400_000], x[410_000], padding=0)
    zoom = best(lambda: chart.plot.grab(), args.repeat)

    print(f"fxcost UI benchmark: {path.name}, {n:,} trades (best of {args.repeat} where repeated)")
    line("open to first views (Overview, Trades)", first_s, "pipeline.run alone", pipeline_s)
    line("open to all views ready", open_s, "pipeline.run alone", pipeline_s, 3.0)
    line("sort trades by Profit", sort_money, "np.argsort of the column", argsort_money, 0.3)
    line("sort trades by Symbol (text)", sort_text, "np.argsort of the strings", argsort_text, 0.3)
    line("filter trades by side", filter_s, "np.argsort of the column", argsort_money)
    line("filter trades by 3 symbols", symbols_s, "np.argsort of the column", argsort_money)
    line("cold start to first window", window, "bare QWidget cold start", bare, 2.0)
    line("1M-point chart: set data + draw", fast, "same draw without downsampling", slow)
    line("1M-point chart: redraw zoomed in", zoom, "same draw without downsampling", slow)
    win.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
