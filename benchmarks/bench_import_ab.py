"""Compare the importers of this checkout with another's (e.g. main) in one process, file by file in turns.

On a machine other work loads, ``bench_import.py --book --against`` (one child process per checkout, one after the
other) sees the machine's speed drift by 10 % and more between its two children, more than most changes it is
meant to measure (issue 14). Here the other checkout's ``fxcost`` package is copied under another name
(``fxcost_other``, its imports rewritten) and both are imported into one process; each file is then read by one and
by the other in turn (who goes first alternating), ``--repeat`` times, and the least CPU time of each is kept. A
drift then falls on both alike.

Printed: CPU ms per file of load_file plus reconcile (what bench_import's book mode times) per format, and of the
MT5 pieces (the HTML row scanner, the XLSX sheet reader, the shared builder's phases) for the formats asked for.

Run: python benchmarks/bench_import_ab.py --book bench-data/book --against ../main [--files 30] [--repeat 4]
"""

from __future__ import annotations

import argparse
import collections
import functools
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: The builder's phases timed for the MT5 formats (methods of mt5_builder._Builder).
PHASES = ("_deals", "_orders", "_positions", "_trades_from_table", "_open_positions", "_cash", "_printed")


def _copy_as(src: Path, dest: Path, name: str) -> None:
    """Copy the package ``src`` (an ``fxcost`` folder) to ``dest/name`` with its own imports renamed."""
    target = dest / name
    shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in target.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\bfxcost\.", f"{name}.", text)
        text = re.sub(r"\bfrom fxcost import\b", f"from {name} import", text)
        text = re.sub(r"^import fxcost$", f"import {name}", text, flags=re.MULTILINE)
        path.write_text(text, encoding="utf-8")


def _timers(acc: collections.Counter, tag: str, pkg: str) -> None:
    """Wrap the MT5 pieces of the package ``pkg`` so that their CPU time adds up in ``acc[(tag, piece)]``."""
    import importlib

    def wrap(obj: Any, name: str, label: str) -> None:
        f = getattr(obj, name)

        @functools.wraps(f)
        def timed(*a: Any, **k: Any) -> Any:
            start = time.process_time()
            try:
                return f(*a, **k)
            finally:
                acc[(tag, label)] += time.process_time() - start

        setattr(obj, name, timed)

    builder = importlib.import_module(f"{pkg}.importers.mt5_builder")
    for method in PHASES:
        wrap(builder._Builder, method, f"builder.{method}")
    wrap(importlib.import_module(f"{pkg}.importers.mt5_linker").Linker, "link", "builder.link")
    wrap(importlib.import_module(f"{pkg}.importers.mt5_html"), "rows", "html rows")
    wrap(importlib.import_module(f"{pkg}.importers.mt5_xlsx")._Book, "sheets", "xlsx sheets")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, required=True, help="a folder of client statements (bench_book.py's)")
    parser.add_argument("--against", type=Path, required=True, help="the other fxcost checkout (e.g. main)")
    parser.add_argument("--files", type=int, default=30, help="files per format (default 30)")
    parser.add_argument("--repeat", type=int, default=4, help="reads of each file by each checkout (default 4)")
    parser.add_argument("--formats", default=".htm,.html,.xlsx", help="file suffixes (default .htm,.html,.xlsx)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _copy_as(args.against.resolve() / "fxcost", Path(tmp), "fxcost_other")
        sys.path[:0] = [str(ROOT), tmp]
        from fxcost_other.parallel_import import _load_reconciled as other  # type: ignore[import-not-found]

        from fxcost.parallel_import import _load_reconciled as this  # noqa: PLC0415 (after the path is set)

        acc: collections.Counter = collections.Counter()
        _timers(acc, "this", "fxcost")
        _timers(acc, "against", "fxcost_other")
        files = sorted(args.book.iterdir())
        print(f"{args.files} files per format from {args.book}, CPU ms per file (least of {args.repeat} reads each, "
              f"the checkouts in turns in one process)")
        print(f"{'':<24} {'this':>8} {'against':>8} {'speed-up':>8}")
        for ext in args.formats.split(","):
            chosen = [str(f) for f in files if f.suffix == ext][: args.files]
            if not chosen:
                continue
            this(chosen[0], {})  # imports and caches warm
            other(chosen[0], {})
            total: dict[tuple[str, str], float] = collections.defaultdict(float)
            for path in chosen:
                best: dict[tuple[str, str], float] = {}
                for turn in range(args.repeat):
                    # Who reads first alternates: a file read a second time in a row is read faster (caches).
                    order = (("against", other), ("this", this))
                    for tag, read in order if turn % 2 == 0 else order[::-1]:
                        acc.clear()
                        start = time.process_time()
                        read(path, {})
                        acc[(tag, "all")] = time.process_time() - start
                        for key, spent in acc.items():
                            if key[0] == tag:
                                best[key] = min(best.get(key, spent), spent)
                for key, spent in best.items():
                    total[key] += spent
            pieces = sorted({k for _, k in total}, key=lambda k: (k != "all", -total[("against", k)]))
            for piece in pieces:
                mine, theirs = total[("this", piece)], total[("against", piece)]
                name = f"{ext} {piece}" if piece == "all" else f"  {piece}"
                ratio = f"{theirs / mine:>7.2f}x" if mine else ""
                print(f"{name:<24} {mine / len(chosen) * 1000:>8.2f} {theirs / len(chosen) * 1000:>8.2f} {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
