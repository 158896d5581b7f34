"""Benchmark the statement cache (issue 14): a book imported cold, then again with every statement read before.

The book is bench_book.py's pool of generated client statements (300-1400 trades each; bench-data/book, reused).
Three imports of the same N files, each in a fresh child process: "cold" (pipeline.import_files, no cache: what
every Open did before), "first" (the cache empty: every file parsed, then kept) and "warm" (every file unchanged:
read from the cache, none parsed). It prints seconds, peak memory, the cache's size on disk and the ratio of each
to the cold import, measured in the same run. "Next month" adds 10 % new files to a warm book.

Run: python benchmarks/bench_cache.py [--clients 50] [--data bench-data/book]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from fxcost import parallel_import
from fxcost.pipeline import import_files
from fxcost.statement_cache import StatementCache
mode, cache_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
parsed = []
real = parallel_import.load_one
parallel_import.load_one = lambda p, o, c=None: (parsed.append(p), real(p, o, c))[1]
cache = None if mode == "cold" else StatementCache(cache_dir)
start = time.perf_counter()
portfolio = import_files(files, cache=cache)
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "trades": len(portfolio.trades), "files": len(portfolio.files),
                  "parsed_here": len(parsed), "workers": parallel_import.last_run.get("workers", 0)}}))
"""


def run(mode: str, cache_dir: str, files: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), mode, cache_dir, *files],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--data", default=str(ROOT / "bench-data" / "book"))
    args = parser.parse_args()
    from benchmarks.bench_book import book

    n = args.clients
    extra = max(1, n // 10)
    paths = book(Path(args.data), n + extra)
    files, new = paths[:n], paths[n:]
    with tempfile.TemporaryDirectory(prefix="fxcost-bench-cache-") as cache_dir:
        cold = run("cold", cache_dir, files)
        first = run("first", cache_dir, files)
        warm = run("warm", cache_dir, files)
        size = sum(p.stat().st_size for p in Path(cache_dir).rglob("*") if p.is_file())
        later = run("warm", cache_dir, files + new)
    data = sum(os.path.getsize(p) for p in files)
    print(f"{n} client statements, {cold['trades']:,} trades, {data / 1e6:.1f} MB of statements; "
          f"cache {size / 1e6:.1f} MB on disk")
    print(f"{'run':<28}{'seconds':>9}{'ratio':>8}{'peak MB':>9}{'parsed':>8}")
    for name, r in (("cold (no cache)", cold), ("first (cache empty)", first), ("warm (all cached)", warm),
                    (f"next month (+{extra} new)", later)):
        parsed = r["parsed_here"] if not r["workers"] else "workers"
        print(f"{name:<28}{r['seconds']:>9.2f}{r['seconds'] / cold['seconds']:>8.2f}{r['peak_mb']:>9.0f}{parsed:>8}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
