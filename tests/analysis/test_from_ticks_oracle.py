"""Issue 12 oracle: a statement filled at real Dukascopy bid/ask ticks; the spread fxcost sees in its same-second
fills is the ticks' own spread at those times, and the engine costs the trades with it."""

import numpy as np
import pytest

from fxcost.analysis.engine import AnalysisSettings, analyse
from fxcost.analysis.market_data import read_market_data
from fxcost.analysis.measured import measured_spreads
from fxcost.analysis.spreads import load_profile
from fxcost.pipeline import import_files
from fxcost.samples import from_ticks
from tests.conftest import sample

TICKS = "market-data/dukascopy_ticks_CADJPY_2012-05_tickconverter.csv"


@pytest.mark.samples
def test_observed_spread_equals_the_ticks_spread(tmp_path):
    ticks = sample(TICKS)
    manifest = from_ticks.write(ticks, tmp_path / "hedges.csv", pairs=30, seed=7, server_offset_hours=3.0)
    result = analyse(import_files([manifest.path]), AnalysisSettings(profile=load_profile("standard")))
    t = result.trades
    assert len(t) == 60 and set(t["spread_kind"]) == {"observed"}
    assert set(t["spread_source"]) == {"observed: median of 60 same-second pairs"}
    truth = float(np.median(manifest.spreads))  # the ticks' spread at the 30 opening and 30 closing seconds
    assert t["spread_price"].to_numpy() == pytest.approx(truth, rel=0.05)
    # The same, measured independently from the tick file at each trade's open and close (server time UTC+3).
    measured, _ = measured_spreads(t, [read_market_data(ticks)], 3.0, window_seconds=1)
    assert float(np.median(measured)) == pytest.approx(truth, rel=0.05)
    row = result.spreads.iloc[0]
    assert row["symbol"] == "CADJPY" and row["pairs"] == 60 and row["negative"] == 0
    assert row["median_pips"] == pytest.approx(truth / 0.01)
    assert row["profile_pips"] != pytest.approx(row["median_pips"], rel=0.05)  # the profile alone would miss it


@pytest.mark.samples
def test_every_pair_of_the_oracle_is_the_ticks_spread_of_its_second(tmp_path):
    from fxcost.analysis import observed_spreads as obs

    manifest = from_ticks.write(sample(TICKS), tmp_path / "h.csv", pairs=12, seed=3)
    st = import_files([manifest.path]).accounts[0]
    pairs = obs.same_second_pairs(st.trades).sort_values(["end", "time"], kind="stable")
    opens = pairs[pairs["end"] == "open"]
    closes = pairs[pairs["end"] == "close"]
    assert opens["spread"].to_numpy() == pytest.approx(manifest.open_spreads, abs=1e-9)
    assert closes["spread"].to_numpy() == pytest.approx(manifest.close_spreads, abs=1e-9)


@pytest.mark.samples
def test_a_close_and_the_next_open_in_one_second_show_the_ticks_spread(tmp_path):
    # A position closed (a sell at the bid) in the second the next one opens (a buy at the ask): the two fills
    # differ by the spread of that second, as two opens or two closes do (a real MT5 report's EA rolls this way).
    from fxcost.analysis import observed_spreads as obs

    manifest = from_ticks.write(sample(TICKS), tmp_path / "rolls.csv", pairs=25, seed=5, rolls=True)
    st = import_files([manifest.path]).accounts[0]
    pairs = obs.same_second_pairs(st.trades).sort_values("time", kind="stable")
    assert set(pairs["end"]) == {obs.MIXED} and len(pairs) == 25
    assert pairs["spread"].to_numpy() == pytest.approx(manifest.roll_spreads, abs=1e-9)
    result = analyse(import_files([manifest.path]), AnalysisSettings(profile=load_profile("standard")))
    assert set(result.trades["spread_kind"]) == {"observed"}
    assert result.spreads.iloc[0]["median_pips"] == pytest.approx(float(np.median(manifest.roll_spreads)) / 0.01)
