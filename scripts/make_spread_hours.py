"""Make assets/spread-profiles/time-of-day.json, the spread-by-hour shape (issue 12, docs/SPREADS.md), from the MT5
bar exports in ../shared/samples/market-data. Usage: python scripts/make_spread_hours.py [bar files...]"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fxcost.analysis.market_data import read_market_data  # noqa: E402
from fxcost.analysis.spread_hours import BUNDLED, derive  # noqa: E402
from fxcost.resources import asset  # noqa: E402

#: The H1 bar exports (FX, server time of New-York-close servers: their weeks run Monday 00:00 to Friday 23:59).
DEFAULT = ("mt5bars_EURUSD_H1_2024-2025_modularer-backtester.csv", "mt5bars_GBPUSD_H1_2025-2026_Modelos_ONNX_trading.csv")


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or [ROOT.parent / "shared" / "samples" / "market-data" / n for n in DEFAULT]
    series, files = [], []
    for p in paths:
        md = read_market_data(p)
        series.append((md.frame["time"], md.frame["spread_points"]))
        files.append({"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "symbol": md.symbol,
                      "bars": len(md.frame), "from": str(md.start), "to": str(md.end),
                      "median_spread_points": float(md.frame["spread_points"].median())})
    shape = derive(series)
    doc = {
        "name": "Spread by hour after the New York close",
        "clock": "hour 0 = 17:00-18:00 New York (21:00 UTC in US summer, 22:00 in winter)",
        "hours": shape["hours"],
        "per_series": shape["per_series"],
        "source": "MT5 H1 bar exports (<SPREAD> = the bar's minimum spread, in server time of New-York-close servers): "
                  + ", ".join(f["file"] for f in files),
        "derivation": "per series: median spread of each hour / the series' overall median (DOMAIN.md 3.6); "
                      "hour multiplier = mean over the series. Made by scripts/make_spread_hours.py.",
        "date": date.today().isoformat(),
        "files": files,
    }
    out = asset(BUNDLED)
    lines = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in doc.items()]  # one key a line: reviewable diffs
    out.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"wrote {out}: {shape['hours']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
