"""Issue 10/14: the summary reuses what it computed (account codes, the leverage sweep) and reads the compared setups
one at a time; every figure equals the one computed the long way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fxcost.analysis import exposure, ib, programs, whatif
from fxcost.analysis.aggregate import account_codes
from fxcost.analysis.engine import AnalysisSettings
from fxcost.pipeline import run
from fxcost.report.json_summary import dumps
from fxcost.summary import build, document, series

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "assets" / "sample-statement.htm"


@pytest.fixture(scope="module")
def sample():
    s = AnalysisSettings()
    s.programs = [programs.load_named(n) for n in ("example-cashback", "ib-tiered", "flat-8-per-lot")]
    return run([SAMPLE], s)


def test_account_codes_of_a_categorical_are_the_factorised_texts():
    texts = np.array(["b", "a", "c", "a", "b"], dtype=object)
    keyed = pd.Series(pd.Categorical(texts, categories=["a", "b", "c"]))
    for sort in (True, False):
        codes, names = account_codes(keyed, sort=sort)
        want_codes, want_names = pd.factorize(texts, sort=sort)
        assert codes.tolist() == want_codes.tolist()
        assert names.tolist() == list(want_names)
    # An unused category is not a client: the texts are factorised instead.
    unused = pd.Series(pd.Categorical(texts, categories=["a", "b", "c", "d"]))
    assert account_codes(unused)[1].tolist() == ["a", "b", "c"]


def test_scenario_stream_gives_the_scenarios_outcomes_and_the_columns_asked(sample):
    whole = whatif.scenarios(sample)
    narrow = list(whatif.scenario_stream(sample, lambda setup: whatif.OUTCOME_COLUMNS))
    assert [o for o, _ in narrow] == [o for o, _ in whole]
    for (_, frame), (_, full) in zip(narrow[1:], whole[1:]):
        assert list(frame.columns) == [c for c in whatif.OUTCOME_COLUMNS if c in full.columns]
        pd.testing.assert_frame_equal(frame, full[list(frame.columns)])


def test_compare_deals_one_at_a_time_give_the_compared_table(sample):
    priced = [(o.name, frame, p) for (o, frame), p in zip(whatif.scenarios(sample), sample.settings.programs)]
    table, by_client = ib.compare_programs(priced)
    deals = [ib.compare_deal(*p) for p in priced]
    one_by_one = ib.compare_table([d for d in deals if d is not None])
    pd.testing.assert_frame_equal(one_by_one[0], table)
    pd.testing.assert_frame_equal(one_by_one[1], by_client)


def test_leverage_chart_from_the_sorted_events_equals_the_sorted_again(sample):
    cash = document.balance_cash(sample)
    lev = document.leverage_of(sample, cash)
    assert lev["events"] is not None  # one account
    reused = series._leverage_series(sample, lev, cash)
    again = series._leverage_series(sample, {**lev, "events": None}, cash)  # type: ignore[typeddict-item]
    assert [s.name for s in reused] == [s.name for s in again]
    for a, b in zip(reused, again):
        np.testing.assert_array_equal(a.x, b.x)
        np.testing.assert_array_equal(a.y, b.y)
    assert "events" not in document._exposure(sample, lev, cash)
    assert exposure.OPEN_EVENT > exposure.CLOSE_EVENT > exposure.CASH_EVENT


def test_summary_with_the_apps_cash_and_leverage_is_the_same(sample):
    cash = document.balance_cash(sample)
    given = build(sample, cash=cash, leverage=document.leverage_of(sample, cash))
    own = build(sample)
    assert dumps(given.json()) == dumps(own.json())
