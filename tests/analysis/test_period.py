"""Issue 15: one period for every figure (analysis.period, ``report --period/--from/--to``)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from fxcost import cli
from fxcost.analysis import aggregate, period
from fxcost.analysis.rebates import round_cents
from fxcost.resources import BUNDLED_SAMPLE, asset
from fxcost.session import Catalog, Session, SetupState

MONEY = ("spread_cost", "commission", "taxes", "swap", "rebate", "profit", "broker_net", "net_after_rebate",
         "transaction_cost", "net_transaction_cost")


@pytest.fixture(scope="module")
def whole():
    """The bundled sample under the example cashback program, every trade (the reference)."""
    catalog = Catalog(user=False)
    state = SetupState(main_program="bundled:example-cashback.json", compare_programs=[], compare_profiles=[])
    return Session(files=[str(asset(BUNDLED_SAMPLE))], setup=state).run(catalog)


def _json(tmp_path, *options):
    out = tmp_path / "out.json"
    assert cli.report([str(asset(BUNDLED_SAMPLE)), "--program", "example-cashback", *options,
                       "--json", str(out), "-q"]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_every_json_figure_is_the_sum_over_the_trades_closed_in_the_period(tmp_path, whole):
    t = whole.trades
    month = t["close_time"].dt.to_period("M").value_counts().index[1]  # a month with trades, not the first
    q = f"{month.year}-Q{month.quarter}"
    doc = _json(tmp_path, "--period", q)
    start = pd.Timestamp(month.year, 3 * month.quarter - 2, 1)
    inside = t[(t["close_time"] >= start) & (t["close_time"] < start + pd.DateOffset(months=3))]
    assert 0 < len(inside) < len(t)
    assert doc["period"]["label"] == q and doc["period"]["trades_by"] == "close time"
    assert doc["counts"]["closed_trades"] == len(inside)
    for name in MONEY:
        assert doc["costs"][name] == round_cents(inside[name].sum()), name
    assert doc["totals"]["lots"] == round(inside["lots"].sum(), 4)
    # Every per-symbol and per-month row, too.
    by_symbol = aggregate.by(inside, "symbol")
    assert [r["symbol"] for r in doc["by_symbol"]] == [str(s) for s in by_symbol.index]
    for row in doc["by_symbol"]:
        for name in ("trades", *MONEY):
            assert row[name] == pytest.approx(by_symbol.loc[row["symbol"], name], abs=1e-6), (row["symbol"], name)
    assert {r["month"] for r in doc["by_month"]} <= {str(m) for m in inside["close_time"].dt.to_period("M")}
    # The projection and the drawdown say which period they use.
    assert doc["projection"]["period"] == q
    assert doc["breakeven"]["equity_effect"]["period"] == q


def test_from_to_is_inclusive_and_cash_counts_by_its_own_date(tmp_path, whole):
    t = whole.trades
    day = t["close_time"].iloc[len(t) // 2].normalize()
    doc = _json(tmp_path, "--from", str(day.date()), "--to", str(day.date()))
    inside = t[t["close_time"].dt.normalize() == day]
    assert doc["counts"]["closed_trades"] == len(inside) > 0
    assert doc["costs"]["spread_cost"] == round_cents(inside["spread_cost"].sum())
    cash = whole.portfolio.frame("cash")
    assert doc["counts"]["cash_events"] == int((cash["time"].dt.normalize() == day).sum())


def test_bad_periods_are_refused_with_the_form_expected(capsys):
    for options, words in ((["--period", "2025-13"], "01 to 12"), (["--period", "Q3"], "2025-Q3"),
                           (["--from", "01/07/2025"], "YYYY-MM-DD"), (["--period", "2025", "--from", "2025-01-01"],
                                                                      "not both")):
        assert cli.report([str(asset(BUNDLED_SAMPLE)), *options, "-q"]) == 2
        assert words in capsys.readouterr().err


def test_last_days_count_back_from_the_data_not_today(whole):
    b = period.bounds(period.parse("last30"), period.data_end(whole.portfolio))
    assert b.stop - b.start == pd.Timedelta(days=30)
    assert b.start <= whole.trades["close_time"].max() < b.stop


def test_the_session_file_keeps_the_period(tmp_path):
    s = Session(files=[], setup=SetupState(period="2025-Q3"))
    s.save(tmp_path / "s.json")
    assert Session.load(tmp_path / "s.json").setup.period == "2025-Q3"
    assert period.parse("2025q3").spec == "2025-Q3"
