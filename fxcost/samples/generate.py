"""Synthetic MetaTrader 4/5 trade histories: ``generate(path, fmt, trades, seed)`` and the bundled sample.

``generate`` simulates a retail trader (fxcost.samples.simulate: FX majors, JPY and other crosses, gold and a Dow
index CFD) and writes the history with one writer per format (fxcost.samples.writers: an MT4 DetailedStatement
(HTML), an MT5 Trade History Report (HTML, UTF-16LE) or its XLSX twin), returning a :class:`Manifest` with the
figures it wrote. Layouts follow FORMATS.md 2-4 and the real exports in ``../shared/samples``. Report variants
seen in the wild are written by fxcost.samples.writers.mt4_variants, mt5_variants and tester.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fxcost.samples.manifest import Manifest, build_manifest
from fxcost.samples.simulate import simulate
from fxcost.samples.writers.mt4_html import write_mt4
from fxcost.samples.writers.mt5_html import write_mt5_html
from fxcost.samples.writers.mt5_xlsx import write_mt5_xlsx

#: Output formats: MT4 DetailedStatement, MT5 Trade History Report HTML / XLSX.
FORMATS = ("mt4", "mt5-html", "mt5-xlsx")

#: What the bundled sample is: an MT4 USD account, about 14 months and 1,500 trades.
BUNDLED = {"fmt": "mt4", "trades": 1500, "seed": 20240102, "months": 14, "start": "2024-01-02", "suffix": ".r"}


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------


def generate(
    path: str | Path,
    fmt: str = "mt4",
    trades: int = 1000,
    seed: int = 0,
    *,
    months: int | None = None,
    start: str | date = "2024-01-02",
    suffix: str = "",
) -> Manifest:
    """Simulate a history and write it in ``fmt`` (one of :data:`FORMATS`) to ``path``."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    platform = "mt4" if fmt == "mt4" else "mt5"
    h = simulate(trades, seed, platform, months=months, start=start, suffix=suffix)
    writer = {"mt4": write_mt4, "mt5-html": write_mt5_html, "mt5-xlsx": write_mt5_xlsx}[fmt]
    extra = writer(h, path)
    return build_manifest(h, fmt, str(path), seed, extra)


def bundled_sample(path: str | Path) -> Manifest:
    """Write the app's embedded sample: an MT4 DetailedStatement of ~14 months, ~1,500 trades."""
    b = BUNDLED
    return generate(path, b["fmt"], b["trades"], b["seed"], months=b["months"], start=b["start"], suffix=b["suffix"])
