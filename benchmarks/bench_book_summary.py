"""Benchmark summary.build on an IB's book under the app's default compared setups (issue 14).

The app compares 4 setups by default (3 bundled programs and the other account type, session.SetupState) and
shows the IB view under ib-tiered: on a book of hundreds of clients the summary re-prices every client for each.
This imports the first N files of the book (bench-data/book, see bench_book.py), analyses them with the default
setup, and prints the CPU seconds of summary.build (best of --repeat) and of its comparison (summary.build._compare).
``--baseline DIR`` measures another checkout (e.g. main's) on the same analysed book in the same invocation.

Run: python benchmarks/bench_book_summary.py [--clients 200] [--repeat 2] [--data bench-data/book] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Child program: time summary.build of the pickled (result, ib_program) with the fxcost at ``root``.
CHILD = r"""
import importlib, pickle, sys, time
sys.path.insert(0, {root!r})
with open({path!r}, "rb") as fh:
    result, ib_program = pickle.load(fh)
build = importlib.import_module("fxcost.summary.build")
from fxcost.summary import document
build.build(result, ib_program=ib_program)
whole = compare = float("inf")
for _ in range({repeat}):
    c = time.process_time()
    build.build(result, ib_program=ib_program)
    whole = min(whole, time.process_time() - c)
    keyed, cash = build._keyed(result.trades), document.balance_cash(result)
    c = time.process_time()
    build._compare(result, build._account_keyer(keyed), ib_program, cash)
    compare = min(compare, time.process_time() - c)
print(f"{{whole}} {{compare}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data" / "book")
    parser.add_argument("--baseline", type=Path, help="another checkout measured on the same book")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import pickle

    from fxcost.session import Session, SetupState

    files = sorted(str(p) for p in args.data.iterdir())[: args.clients]
    session = Session(files=files, setup=SetupState())
    result = session.run()
    print(f"{len(files)} clients, {len(result.trades):,} trades; setups: "
          f"{', '.join(s.name for s in result.settings.setups)}; IB view: {session.setup.ib_program}")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "book.pkl")
        with open(path, "wb") as fh:
            pickle.dump((result, session.ib_program()), fh)
        measured = {}
        for label, root in ([("baseline", args.baseline)] if args.baseline else []) + [("this", ROOT)]:
            out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(root), path=path, repeat=args.repeat)],
                                 capture_output=True, text=True, check=True).stdout.split()
            measured[label] = (float(out[0]), float(out[1]))
            print(f"{label:<9} {root}: summary.build CPU {measured[label][0]:.2f} s, "
                  f"its comparison of the setups {measured[label][1]:.2f} s (best of {args.repeat})")
        if args.baseline:
            (b_all, b_cmp), (t_all, t_cmp) = measured["baseline"], measured["this"]
            print(f"after/before: summary.build CPU x{t_all / b_all:.2f}, comparison x{t_cmp / b_cmp:.2f}")


if __name__ == "__main__":
    main()
