"""Benchmark the MT4 Strategy Tester reader on a long backtest, against the MT4 statement reader on as many trades.

An EA developer's multi-year backtest runs to hundreds of thousands of events (a 70 MB StrategyTester.htm for 79k
trades). Both files are generated (``mt4_tester_variant`` with partial closes, and an MT4 Detailed Statement of the
same number of trades from ``fxcost.samples.generate``) under bench-data/tester (gitignored) and each is imported by
``load_file`` in a fresh child process: CPU seconds and peak memory, and the tester's ratio to the statement's (the
baseline, measured in the same run). ``--root DIR`` imports with another checkout's fxcost (e.g. one from before a
change) on the same files, printed beside this one's.

Run: python benchmarks/bench_tester.py [--trades 70000] [--root DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from fxcost.allocator import set_up
set_up()
from fxcost.importers import load_file
start = time.process_time()
st = load_file({path!r})
print(json.dumps({{"cpu_s": time.process_time() - start, "trades": len(st.trades),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def files(trades: int) -> tuple[Path, Path]:
    sys.path.insert(0, str(ROOT))
    from fxcost.samples.generate import generate
    from fxcost.samples.writers.tester import mt4_tester_variant

    folder = ROOT / "bench-data" / "tester"
    folder.mkdir(parents=True, exist_ok=True)
    tester, statement = folder / f"tester-{trades}.htm", folder / f"statement-{trades}.htm"
    if not tester.exists():
        mt4_tester_variant(tester, "en", trades=trades, partials=True)
    if not statement.exists():
        generate(str(statement), "mt4", trades, 7)
    return tester, statement


def measure(root: Path, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(root), path=str(path))],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=70_000)
    parser.add_argument("--root", type=Path, help="another checkout, measured on the same files")
    args = parser.parse_args()
    tester, statement = files(args.trades)
    for label, root in [("this", ROOT)] + ([("other", args.root)] if args.root else []):
        base = measure(root, statement)
        got = measure(root, tester)
        print(f"{label:5} {root}: statement (baseline) {base['trades']:,} trades {base['cpu_s']:.2f} s "
              f"{base['peak_mb']:.0f} MB; tester {got['trades']:,} trades ({tester.stat().st_size / 2**20:.0f} MB) "
              f"{got['cpu_s']:.2f} s {got['peak_mb']:.0f} MB; tester / statement: time x{got['cpu_s'] / base['cpu_s']:.2f}, "
              f"memory x{got['peak_mb'] / base['peak_mb']:.2f}")


if __name__ == "__main__":
    main()
