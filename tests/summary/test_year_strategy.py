"""Issue 15: the By year and By strategy breakdowns of the summary (JSON ``by_year``, ``by_strategy``, ``by_magic``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fxcost.analysis import strategy
from fxcost.resources import BUNDLED_SAMPLE, asset
from fxcost.session import Catalog, Session, SetupState
from fxcost.summary import build

SUMMED = ("trades", "lots", "spread_cost", "commission", "taxes", "swap", "rebate", "broker_net", "net_after_rebate",
          "transaction_cost", "net_transaction_cost")


def _summary(**setup):
    state = SetupState(main_program="bundled:example-cashback.json", compare_programs=[], compare_profiles=[], **setup)
    result = Session(files=[str(asset(BUNDLED_SAMPLE))], setup=state).run(Catalog(user=False))
    return result, build(result)


@pytest.fixture(scope="module")
def sample():
    return _summary()


def test_by_year_summed_over_the_years_equals_the_totals(sample):
    result, summary = sample
    doc = summary.json()
    years = doc["by_year"]
    assert len(years) >= 2  # the bundled sample spans a new year
    assert [r["year"] for r in years] == sorted({str(y) for y in result.trades["close_time"].dt.year})
    for name in SUMMED:
        total = doc["counts"]["closed_trades"] if name == "trades" else (
            doc["totals"]["lots"] if name == "lots" else doc["costs"][name])
        assert sum(r[name] for r in years) == pytest.approx(total, abs=0.01), name
    for r in years:  # cost per lot and pips per lot of each year are its own ratios
        inside = result.trades[result.trades["close_time"].dt.year == int(r["year"])]
        assert r["cost_per_lot"] == pytest.approx(inside["transaction_cost"].sum() / inside["lots"].sum(), rel=1e-6)
        assert r["cost_pips_per_lot"] is not None


def test_by_strategy_covers_every_trade_and_names_the_untagged(sample):
    result, summary = sample
    doc = summary.json()
    rows = doc["by_strategy"]
    assert sum(r["trades"] for r in rows) == len(result.trades)
    assert sum(r["spread_cost"] for r in rows) == pytest.approx(doc["costs"]["spread_cost"], abs=0.01)
    names = {r["strategy"] for r in rows}
    assert strategy.UNTAGGED in names and "" not in names and len(names) > 2
    assert sum(r["trades"] for r in doc["by_magic"]) == len(result.trades)
    assert strategy.NO_MAGIC in {r["magic"] for r in doc["by_magic"]}
    # Per trade, for the Trades view's filter: the same names, the same counts.
    counts = pd.Series(summary.strategies).value_counts()
    assert {r["strategy"]: r["trades"] for r in rows} == counts.to_dict()
    assert doc["strategy"]["note"] == ""


def test_a_rule_names_strategies_by_regex():
    result, summary = _summary(strategy_rule=r"^(\w+)")
    rows = {r["strategy"]: r["trades"] for r in summary.json()["by_strategy"]}
    assert sum(rows.values()) == len(result.trades)
    assert summary.json()["strategy"]["rule"] == r"^(\w+)"
    assert "Breakout" in rows  # "Breakout H1" cut to its first word


def test_names_rules_and_the_note_without_tags():
    t = pd.DataFrame({"comment": ["Grid EA v2[sl]", "from #12345", "", None, "[tp]", "Scalper"],
                      "magic": pd.array([0, 7, 9, None, None, 3], dtype="Int64")})
    assert list(strategy.names(t)) == ["Grid EA v2", "magic 7", "magic 9", strategy.UNTAGGED, strategy.UNTAGGED,
                                       "Scalper"]
    assert list(strategy.names(t, r"EA (v\d)")) == ["v2", "magic 7", "magic 9", strategy.UNTAGGED,
                                                    strategy.UNTAGGED, "magic 3"]
    bare = pd.DataFrame({"comment": ["", None], "magic": pd.array([None, 0], dtype="Int64")})
    names = strategy.names(bare)
    assert (names == strategy.UNTAGGED).all()
    assert "no magic numbers and no comments" in strategy.note(bare, names)
    server = pd.DataFrame({"comment": ["from #1", "partial close"], "magic": pd.array([None, None], dtype="Int64")})
    assert "Change the rule" in strategy.note(server, strategy.names(server))
    with pytest.raises(strategy.StrategyRuleError, match="not a valid regular expression"):
        strategy.check_rule("(unclosed")
    assert isinstance(strategy.magics(t), np.ndarray)


def test_cli_strategy_rule_is_checked(capsys):
    from fxcost import cli

    assert cli.report([str(asset(BUNDLED_SAMPLE)), "--strategy-rule", "(bad", "-q"]) == 2
    assert "not a valid regular expression" in capsys.readouterr().err


def test_excel_has_by_strategy_and_by_year_beside_by_month(tmp_path, sample):
    openpyxl = pytest.importorskip("openpyxl")
    from fxcost.report.excel import write_workbook

    result, summary = sample
    path = tmp_path / "r.xlsx"
    write_workbook(result, path, summary=summary)
    book = openpyxl.load_workbook(path, read_only=True)
    names = book.sheetnames
    assert names.index("By strategy") == names.index("By symbol") + 1
    rows = list(book["By strategy"].iter_rows(values_only=True))
    doc = summary.json()
    strategies = {r[0]: r[1] for r in rows if r and r[0] in {s["strategy"] for s in doc["by_strategy"]}}
    assert strategies == {s["strategy"]: s["trades"] for s in doc["by_strategy"]}
    assert names.index("By year") == names.index("By month") + 1
    year_rows = list(book["By year"].iter_rows(values_only=True))
    years = {r[0]: r[1] for r in year_rows[1:] if r and r[0] not in (None, "Total")}
    assert years == {y["year"]: y["trades"] for y in doc["by_year"]}


def test_the_testers_own_close_events_name_no_strategy():
    # A real MT4 backtest's strategy table had a "close at stop" strategy: the 3 trades the test's end closed.
    for event in ("close at stop", "swap close", "close by", "Close At Stop"):
        assert strategy.name_of(event) == "", event
    assert strategy.name_of("close by me EA") == "close by me EA"  # an EA's own name that starts alike is kept
