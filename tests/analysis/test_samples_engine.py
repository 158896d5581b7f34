"""Every real history export in ../shared/samples: the engine runs under both bundled spread profiles and
an example program, and its totals still reconcile with the import (the spread is never taken out twice)."""

import json

import numpy as np
import pytest

from fxcost.analysis import programs
from fxcost.analysis.engine import AnalysisSettings, analyse
from fxcost.analysis.spreads import load_profile
from fxcost.pipeline import import_files
from fxcost.report import json_summary
from tests.importers.test_samples import HISTORY

#: The history reports (tests/importers/test_samples.py lists them and checks the folder holds no others).
NAMES = sorted(HISTORY)


def cents(value) -> float:
    return round(float(value), 2) + 0.0


@pytest.mark.parametrize("profile", ["standard", "raw"])
@pytest.mark.parametrize("name", NAMES)
def test_engine_totals_reconcile_with_the_import(samples_dir, name, profile):
    portfolio = import_files([samples_dir / name])
    assert not portfolio.failures
    settings = AnalysisSettings(profile=load_profile(profile),
                                programs=[programs.load_named("example-cashback"), programs.load_named("ib-tiered")])
    result = analyse(portfolio, settings)
    for analysis in result.accounts:
        imported, t = analysis.book.trades, analysis.trades
        assert len(t) == len(imported)
        for col in ("profit", "commission", "taxes", "swap", "lots"):
            assert cents(t[col].sum()) == cents(imported[col].sum()), col
        # broker_net per trade is the balance change as exported, whatever the spread estimate.
        expected = (imported["profit"] + imported["commission"] + imported["taxes"] + imported["swap"]).to_numpy()
        assert np.allclose(t["broker_net"].to_numpy(), expected, atol=1e-9)
        assert np.allclose(t["net_after_rebate"], t["broker_net"] + t["rebate"], atol=1e-9)
        assert np.allclose(t["mid_pnl"], t["profit"] + t["spread_cost"], atol=1e-9)
        assert (t["rebate"] >= 0).all() and (t.loc[~t["eligible"], "rebate"] == 0).all()
        assert (t.loc[~t["eligible"], "excluded_reason"] != "").all()
        assert np.isfinite(t["spread_cost"]).all() and (t["spread_cost"] >= 0).all()
        assert t["spread_source"].astype(str).str.len().gt(0).all()
    doc = json_summary.summary(portfolio)
    doc.update(json_summary.analysis_summary(result))
    c = doc["costs"]
    assert c["broker_net"] == doc["totals"]["broker_net"]
    assert c["profit"] == doc["totals"]["profit"] and c["commission"] == doc["totals"]["commission"]
    assert c["swap"] == doc["totals"]["swap"] and c["taxes"] == doc["totals"]["taxes"]
    assert c["net_after_rebate"] == pytest.approx(c["broker_net"] + c["rebate"], abs=0.011)
    assert doc["whatif"][0]["broker_net"] == pytest.approx(c["broker_net"], abs=0.011)
    assert sum(r["trades"] for r in doc["by_symbol"]) == doc["counts"]["closed_trades"]
    json.dumps(doc, allow_nan=False, default=str)  # strict JSON: no NaN or Infinity anywhere
