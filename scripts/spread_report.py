"""Print, per statement and symbol, the spread seen in its own same-second fills against the profile and the one
fxcost uses (issue 12). Usage: python scripts/spread_report.py [files...] (default: every ../shared/samples report)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fxcost.analysis.engine import AnalysisSettings, analyse  # noqa: E402
from fxcost.analysis.spreads import load_profile  # noqa: E402
from fxcost.errors import FxCostError  # noqa: E402
from fxcost.pipeline import import_files  # noqa: E402


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted(p for p in (ROOT.parent / "shared" / "samples").glob("*.*")
                                               if p.suffix.lower() in (".htm", ".html", ".xlsx", ".csv"))
    print(f"{'file':44} {'symbol':8} {'pairs':>5} {'observed':>8} {'IQR':>5} {'profile':>7} {'used':>6}  source")
    for path in paths:
        try:
            portfolio = import_files([path])
        except FxCostError as exc:
            print(f"{path.name:44} not read: {exc}")
            continue
        if not portfolio.accounts:
            continue
        result = analyse(portfolio, AnalysisSettings(profile=load_profile("auto")))
        table = result.spreads
        for a in result.accounts:
            if a.profile_reason:
                print(f"{path.name:44} profile: {a.profile.name if a.profile else ''} ({a.profile_reason})")
        for row in table[table["pairs"] > 0].itertuples():
            print(f"{path.name[:44]:44} {row.symbol:8} {row.pairs:5d} {row.median_pips:8.2f} {row.iqr_pips:5.2f} "
                  f"{row.profile_pips:7.2f} {row.spread_pips:6.2f}  {row.source}{' (' + row.note + ')' if row.note else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
