"""Command line: ``python -m fxcost.samples --format mt4|mt5-html|mt5-xlsx --trades N --seed S -o FILE``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from fxcost.samples.generate import FORMATS, bundled_sample, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fxcost.samples",
        description="Write a realistic synthetic MetaTrader trade history (deterministic for a given seed).",
    )
    parser.add_argument("--format", choices=FORMATS, default="mt4", help="report kind (default: mt4)")
    parser.add_argument(
        "--trades", type=int, default=1000, help="closed trades as the report counts them (MT4 rows, MT5 positions)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes)")
    parser.add_argument("--months", type=int, default=None, help="history length (default: from --trades)")
    parser.add_argument("--start", default="2024-01-02", help="first day of the history, YYYY-MM-DD")
    parser.add_argument("--suffix", default="", help="broker symbol suffix, e.g. .r or m")
    parser.add_argument("--bundled", action="store_true", help="write the app's bundled MT4 sample (ignores the above)")
    parser.add_argument("--manifest", action="store_true", help="print the generator's true figures as JSON")
    parser.add_argument("-o", "--output", required=True, help="file to write")
    args = parser.parse_args(argv)
    if args.trades < 1:
        parser.error("--trades must be at least 1")

    folder = Path(args.output).absolute().parent
    if not folder.is_dir():
        parser.error(f"cannot write {args.output}: the folder {folder} does not exist")
    started = time.perf_counter()
    if args.bundled:
        manifest = bundled_sample(args.output)
    else:
        manifest = generate(
            args.output,
            args.format,
            args.trades,
            args.seed,
            months=args.months,
            start=args.start,
            suffix=args.suffix,
        )
    elapsed = time.perf_counter() - started
    if args.manifest:
        json.dump(manifest.as_json(), sys.stdout, indent=2)
        print()
    else:
        print(
            f"{manifest.path}: {manifest.format}, {manifest.trades} trades, {manifest.open_positions} open, "
            f"{manifest.cash_events} cash rows ({manifest.rebates} rebates), balance {manifest.balance:,.2f} USD "
            f"in {elapsed:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
