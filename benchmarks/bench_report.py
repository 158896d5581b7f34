"""Benchmark the Excel report on N generated trades (default 100k): time and peak memory of the full workbook,
and the Trades sheet alone against ``DataFrame.to_excel(engine="openpyxl")`` of the same table in the same run.

Targets (issue 5): <= 10 s for the full workbook, Trades sheet >= 1.5x faster than the to_excel baseline.
Run: python benchmarks/bench_report.py [--trades N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fxcost.analysis import programs  # noqa: E402
from fxcost.analysis.engine import AnalysisSettings  # noqa: E402
from fxcost.pipeline import run  # noqa: E402
from fxcost.report import csv_export, excel  # noqa: E402
from fxcost.report.columns import TRADE_COLUMNS  # noqa: E402
from fxcost.samples.generate import generate  # noqa: E402


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def peak_mb(fn) -> float:
    """Peak memory traced during a second run (tracing slows Python down, so it is not timed)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=100_000)
    parser.add_argument("--keep", metavar="DIR", help="write the files here and keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / f"history-{args.trades}.htm"
        t0 = time.perf_counter()
        generate(source, "mt4", args.trades, 7)
        settings = AnalysisSettings(programs=[programs.load_named("example-cashback"),
                                              programs.load_named("flat-8-per-lot")])
        result = run([source], settings)
        print(f"{len(result.trades):,} trades generated, imported and costed in {time.perf_counter() - t0:.1f} s")

        doc = excel.document(result)  # the JSON summary, computed once as the CLI does
        full = folder / "report.xlsx"
        seconds = timed(lambda: excel.write_workbook(result, full, summary=doc))
        mb = peak_mb(lambda: excel.write_workbook(result, full, summary=doc))
        print(f"full workbook: {seconds:.2f} s, peak traced memory {mb:.0f} MB, {full.stat().st_size / 2**20:.1f} MB"
              f" on disk (target <= 10 s)")

        csv_seconds = timed(lambda: csv_export.write_trades_csv(result, folder / "trades.csv"))
        print(f"trades CSV: {csv_seconds:.2f} s")

        ours = timed(lambda: excel.write_trades_only(result, folder / "trades-only.xlsx"))
        table = result.trades[[c.key for c in TRADE_COLUMNS]]
        baseline = timed(lambda: table.to_excel(folder / "baseline.xlsx", engine="openpyxl", index=False))
        print(f"Trades sheet alone: {ours:.2f} s; DataFrame.to_excel(engine='openpyxl'): {baseline:.2f} s; "
              f"{baseline / ours:.1f}x faster (target >= 1.5x)")
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
