"""Size of the frozen onedir bundle and the frozen app's cold start, against the source tree in the same run.

Builds dist/fxcost with build.spec (unless --dist points at an existing build), then prints the bundle's size
on disk and the wall time of `--smoke-test` (load the sample, compute, export the Excel report, exit) for the
frozen app and for `python main.py --smoke-test`, best of --runs.

Targets (packaging issue): <= 200 MB on disk for the Linux onedir, <= 3 s to finish --smoke-test.
Run: python benchmarks/bench_bundle.py [--dist DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(dist: Path, work: Path) -> Path:
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath",
                    str(dist), "--workpath", str(work), str(ROOT / "build.spec")], cwd=ROOT, check=True)
    return dist / "fxcost"


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def best_time(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    best = float("inf")
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([*cmd, "--smoke-test", out], env=env, check=True, capture_output=True)
            best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, help="an existing onedir build (folder holding the fxcost executable)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dist or build(Path(tmp) / "dist", Path(tmp) / "build")
        exe = folder / ("fxcost.exe" if os.name == "nt" else "fxcost")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FXCOST_LOG_DIR=str(Path(tmp) / "logs"))
        size = size_mb(folder)
        frozen = best_time([str(exe)], args.runs, env)
        source = best_time([sys.executable, str(ROOT / "main.py")], args.runs, env)
    print(f"bundle size on disk     {size:8.1f} MB   target <= 200 MB{'' if size <= 200 else '  (missed)'}")
    print(f"frozen --smoke-test     {frozen:8.2f} s    target <= 3 s{'' if frozen <= 3 else '  (missed)'}")
    print(f"source --smoke-test     {source:8.2f} s    (baseline: python main.py, same machine, same run)")
    print(f"frozen / source         {frozen / source:8.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
