"""The spreads seen in real statements' own fills (issue 12): what the Popov MT5 report shows, and on every
real history report with at least 20 same-second pairs the engine uses the observed spreads."""

import pytest

from fxcost.analysis import instruments
from fxcost.analysis import observed_spreads as obs
from fxcost.analysis.engine import AnalysisSettings, analyse
from fxcost.analysis.spreads import load_profile
from fxcost.pipeline import import_files
from tests.conftest import SAMPLES

POPOV = "mt5-history-popov-70358000.html"

#: Every statement in ../shared/samples (the folder grows; tests/importers/test_samples.py lists the known ones).
STATEMENTS = sorted(p.name for p in SAMPLES.glob("*.*") if p.suffix.lower() in (".htm", ".html", ".xlsx", ".csv")) \
    if SAMPLES.is_dir() else []


@pytest.mark.samples
def test_the_popov_report_shows_its_own_tight_spreads(samples_dir):
    result = analyse(import_files([samples_dir / POPOV]), AnalysisSettings(profile=load_profile("standard")))
    table = result.spreads.set_index("symbol")
    # 146 same-second USDJPY pairs of two opens or two closes (issue 12), three of them with the sides swapped
    # (dropped), and 165 of a close and the next open in one second (the EA rolls its positions).
    pairs = obs.same_second_pairs(result.portfolio.accounts[0].trades)
    usdjpy = pairs[pairs["symbol_root"] == "USDJPY"]
    assert (usdjpy["end"] != obs.MIXED).sum() == 146 and (usdjpy["end"] == obs.MIXED).sum() == 165
    assert table.loc["USDJPY", "pairs"] + table.loc["USDJPY", "negative"] == 146 + 165
    assert table.loc["USDJPY", "median_pips"] == pytest.approx(0.4)
    assert table.loc["GBPUSD", "median_pips"] == pytest.approx(0.5)
    for root in ("USDJPY", "GBPUSD"):
        assert table.loc[root, "source"] == "observed"
        t = result.trades[result.trades["symbol_root"] == root]
        assert t["spread_pips"].to_numpy() == pytest.approx(table.loc[root, "median_pips"])
    # USDCHF's 16 pairs disagree (0.2 to 0.8 pips in the middle half): calibrated, not taken as observed.
    assert table.loc["USDCHF", "pairs"] == 16 and table.loc["USDCHF", "source"] == "calibrated"
    # EURUSD has a single pair: calibrated from the other majors' observed/profile ratio (about 1/3).
    assert table.loc["EURUSD", "source"] == "calibrated"
    assert table.loc["EURUSD", "spread_pips"] == pytest.approx(1.3 * table.loc["EURUSD", "ratio"])
    assert 0.25 < table.loc["EURUSD", "ratio"] < 0.4


@pytest.mark.samples
@pytest.mark.parametrize("name", STATEMENTS)
def test_reports_with_20_pairs_are_costed_with_their_observed_spreads(samples_dir, name):
    portfolio = import_files([samples_dir / name])
    for book in portfolio.accounts:
        backtests = {f.statement.path for f in portfolio.files if f.statement.is_backtest}
        pairs = obs.same_second_pairs(book.trades, obs.usable(book.trades, backtests))
        kept = pairs[pairs["spread"] >= 0]
        if len(pairs) < 20:
            continue
        result = analyse(portfolio, AnalysisSettings(profile=load_profile("auto")))
        t = result.trades
        classes = instruments.classify(book.trades)
        for root, n in kept["symbol_root"].value_counts().items():
            if n < 20:
                continue
            mine = t[t["symbol_root"] == root]
            assert set(mine["spread_kind"]) == {"observed"}, root
            median = kept.loc[kept["symbol_root"] == root, "spread"].median()
            pip = classes.loc[book.trades["symbol_root"] == root, "pip"].iloc[0]
            assert mine["spread_pips"].median() == pytest.approx(median / pip)
