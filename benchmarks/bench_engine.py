"""Benchmark the cost engine on N generated trades (default 1M): time and peak memory of
`analyse`, against the baseline of merely copying the trades frame in the same run.

Targets (engine issue): <= 1 s and <= 1.5 GB for 1M trades on a 2-core machine.
Run: python benchmarks/bench_engine.py [--trades N]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fxcost import model  # noqa: E402
from fxcost.model import Account, Statement  # noqa: E402
from fxcost.portfolio import merge  # noqa: E402

SYMBOLS = {  # root: (price, digits, contract, quote->USD)
    "EURUSD": (1.10, 5, 100_000, 1.0), "GBPUSD": (1.27, 5, 100_000, 1.0), "USDJPY": (150.0, 3, 100_000, 1 / 150),
    "EURGBP": (0.86, 5, 100_000, 1.27), "XAUUSD": (2300.0, 2, 100, 1.0), "US30": (39000.0, 1, 1, 1.0),
}


def synthetic_trades(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    roots = np.array(list(SYMBOLS))
    sym = rng.integers(0, len(roots), n)
    price = np.array([SYMBOLS[r][0] for r in roots])[sym]
    digits = np.array([SYMBOLS[r][1] for r in roots])[sym]
    contract = np.array([SYMBOLS[r][2] for r in roots], float)[sym]
    conv = np.array([SYMBOLS[r][3] for r in roots])[sym]
    side = np.where(rng.random(n) < 0.5, "buy", "sell")
    lots = np.round(rng.choice([0.01, 0.05, 0.1, 0.5, 1.0, 2.0], n), 2)
    open_p = np.round(price * (1 + rng.normal(0, 0.01, n)), digits)
    move = np.round(price * rng.normal(0, 0.002, n), digits)
    close_p = np.round(open_p + move, digits)
    sign = np.where(side == "buy", 1.0, -1.0)
    profit = np.round((close_p - open_p) * sign * contract * lots * conv, 2)
    start = np.datetime64("2023-01-01T00:00:00")
    open_t = start + rng.integers(0, 3 * 365 * 86400, n).astype("timedelta64[s]")
    close_t = open_t + rng.integers(5, 3 * 86400, n).astype("timedelta64[s]")
    return model.trades_frame({
        "ticket": np.arange(1, n + 1), "open_time": open_t, "close_time": close_t, "side": side, "lots": lots,
        "symbol": roots[sym], "symbol_root": roots[sym], "open_price": open_p, "close_price": close_p,
        "commission": -np.round(3.5 * lots, 2), "swap": np.round(rng.normal(0, 1, n), 2), "profit": profit,
        "digits": digits.astype("int8"),
    })


def measure(fn):
    """Seconds of one plain run, then the peak traced memory of a second run (tracing slows Python down)."""
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return out, dt, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=1_000_000)
    args = parser.parse_args()
    from fxcost.analysis import programs
    from fxcost.analysis.engine import AnalysisSettings, analyse

    trades = synthetic_trades(args.trades)
    st = Statement(path="bench", format="generated", account=Account(login="1", currency="USD"), trades=trades)
    portfolio = merge([st])
    settings = AnalysisSettings(programs=programs.bundled_programs()[:1])
    _, base_t, base_mem = measure(lambda: portfolio.accounts[0].trades.copy(deep=True))
    result, dt, peak = measure(lambda: analyse(portfolio, settings))
    n = len(result.trades)
    print(f"engine: {n:,} trades, program {settings.programs[0].name if settings.programs else 'none'}")
    print(f"{'step':<28}{'seconds':>10}{'peak MB':>10}")
    print(f"{'baseline: copy of trades':<28}{base_t:>10.3f}{base_mem:>10.0f}")
    print(f"{'fxcost analyse()':<28}{dt:>10.3f}{peak:>10.0f}")
    print(f"ratio analyse / copy: {dt / base_t:.1f}x time, {peak / max(base_mem, 1):.1f}x memory")
    if args.trades >= 1_000_000:
        print(f"target <= 1.0 s: {'PASS' if dt <= 1.0 else 'MISS'}; target <= 1500 MB: {'PASS' if peak <= 1500 else 'MISS'}")


if __name__ == "__main__":
    main()
