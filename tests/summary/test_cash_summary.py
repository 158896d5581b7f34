"""The cash side of the typed summary (issue 11): ``totals.cash_by_kind`` and the statement's printed cash figures
in ``statement_totals``, computed once in fxcost.summary and only written out by the JSON."""

from __future__ import annotations

import pytest

from fxcost.analysis.engine import AnalysisSettings
from fxcost.pipeline import run
from fxcost.samples.writers.mt4_variants import mt4_variant
from fxcost.summary import build

CASH_KEYS = {"deposit_withdrawal", "credit_facility", "balance", "equity", "floating_pl", "opening_balance",
             "opening_balance_derived"}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cash")
    out = {}
    for name in ("sub-period", "oanda-financing"):
        path = folder / f"{name}.htm"
        out[name] = (path, mt4_variant(path, name))
    return out


def _doc(paths) -> dict:
    return build(run(list(paths), AnalysisSettings())).json()


def test_cash_by_kind_sums_each_kind_as_printed(written):
    path, w = written["oanda-financing"]
    doc = _doc([path])
    expected = {k: round(v / 100, 2) for k, v in w["cash_by_kind"].items()}
    assert doc["totals"]["cash_by_kind"] == pytest.approx(expected)
    assert doc["totals"]["cash_by_kind"]["transfer_in"] == 250.0
    assert doc["totals"]["cash_by_kind"]["transfer_out"] == -100.0
    # The per-file reconciliation and the totals agree kind by kind.
    assert doc["files"][0]["reconciliation"]["cash"]["cash_by_kind"] == pytest.approx(doc["totals"]["cash_by_kind"])


def test_statement_totals_carry_the_printed_cash_and_a_derived_opening_balance(written):
    path, w = written["sub-period"]
    doc = _doc([path])
    st = doc["statement_totals"]
    assert CASH_KEYS <= set(st)
    assert st["balance"] == pytest.approx(w["balance"] / 100)
    assert st["opening_balance"] == pytest.approx(w["opening"] / 100) and w["opening"] > 0
    assert st["opening_balance_derived"] is True
    # Opening + Σ balance rows + closed P/L = the printed Balance (the check the reconciliation made).
    assert st["opening_balance"] + st["deposit_withdrawal"] + doc["totals"]["broker_net"] == pytest.approx(
        st["balance"], abs=0.01)
    assert st["equity"] == pytest.approx(st["balance"] + st["credit_facility"] + st["floating_pl"], abs=0.01)


def test_two_files_sum_the_cash_figures_only_when_both_print_them(written, tmp_path):
    a, _ = written["sub-period"]
    b, _ = written["oanda-financing"]
    # The variants are written for one account: the second is made another's (two accounts' figures add up).
    other = tmp_path / "other-account.htm"
    other.write_bytes(b.read_bytes().replace(b"4120686", b"4120687"))
    b = other
    one = [_doc([p])["statement_totals"] for p in (a, b)]
    both = _doc([a, b])
    st = both["statement_totals"]
    for name in ("deposit_withdrawal", "balance", "equity", "opening_balance"):
        assert st[name] == pytest.approx(one[0][name] + one[1][name], abs=0.01)
    assert st["opening_balance_derived"] is True  # one of the two was derived
    kinds = both["totals"]["cash_by_kind"]
    assert kinds["transfer_in"] == 250.0
    per_account = {a["account"]["label"]: a["statement_totals"] for a in both.get("accounts", [])}
    assert per_account and all(CASH_KEYS <= set(s) for s in per_account.values())


def test_a_report_without_a_printed_balance_has_none(tmp_path):
    src = tmp_path / "trades.csv"
    src.write_text("ticket,symbol,type,lots,open_time,open_price,close_time,close_price,commission,swap,profit\n"
                   "1,EURUSD,buy,1.0,2024-01-02 10:00:00,1.1000,2024-01-02 11:00:00,1.1010,-7,0,100\n")
    doc = _doc([src])
    st = doc["statement_totals"]
    assert st["balance"] is None and st["opening_balance"] is None and st["opening_balance_derived"] is False
    assert doc["totals"]["cash_by_kind"] == {}


def test_financing_rows_reach_swap_on_every_surface(written, capsys):
    """OANDA's MT4 books swap as balance rows titled Financing (issue 11): the swap the summary shows includes
    them, the same figure in the JSON, the key figures the Overview shows and the command line's text."""
    from fxcost import cli
    from fxcost.ui import viewdata

    path, w = written["oanda-financing"]
    result = run([path], AnalysisSettings())
    summary = build(result)
    costs = summary.document["costs"]
    financing = round(w["cash_by_kind"]["financing"] / 100, 2)
    assert financing < 0 and costs["financing"] == pytest.approx(financing)
    assert costs["swap"] == summary.document["totals"]["swap"]  # the trades' own swap, as the statement prints it
    assert costs["swap_incl_financing"] == pytest.approx(costs["swap"] + financing, abs=0.006)
    assert viewdata.prepare(result).figures["swap_incl_financing"] == costs["swap_incl_financing"]
    assert cli.main(["report", str(path)]) == 0
    out = capsys.readouterr().out
    from fxcost.money import money_text

    assert f"swap incl. financing {money_text(costs['swap_incl_financing'])}" in out


def test_oanda_statement_financing_is_in_swap():
    """The real OANDA statement prints Financing rows -2.46 and -0.08 and a Swap column of 0.00."""
    from tests.conftest import sample

    doc = _doc([sample("mt4-statement-oanda-acs.htm")])
    assert doc["totals"]["cash_by_kind"] == {"financing": -2.54, "adjustment": 5000.0}
    assert (doc["costs"]["swap"], doc["costs"]["financing"], doc["costs"]["swap_incl_financing"]) == (0.0, -2.54, -2.54)
    st = doc["statement_totals"]
    assert st["deposit_withdrawal"] == 4997.46 and st["balance"] == 4731.27 and st["opening_balance"] == 0.0


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ledgers")
    out = {}
    for name in ("sub-period", "oanda-financing", "recent-build"):
        path = folder / f"{name}.htm"
        out[name] = (path, mt4_variant(path, name))
    return out


@pytest.mark.parametrize("name", ["sub-period", "oanda-financing", "recent-build"])
def test_the_balance_the_overview_rests_on_ends_at_the_printed_balance(ledgers, name):
    """The balance timeline (drawdown %, leverage) and the projection's balance use the whole cash ledger: transfers
    in and out, financing, adjustments, the archived roll-up, and the opening balance of a statement of part of
    the history (issue 11). Before, a sub-period statement's balance ended 52,631.70 below the printed one."""
    from fxcost.analysis import exposure
    from fxcost.summary import document

    path, w = ledgers[name]
    result = run([path], AnalysisSettings())
    printed = w["balance"] / 100
    timeline = exposure.balance_timeline(result.trades, document.balance_cash(result))
    assert timeline["balance"].iloc[-1] == pytest.approx(printed, abs=0.01)
    assert timeline["balance"].min() > 0  # never below zero: the opening balance comes first
    doc = build(result).json()
    assert doc["projection"]["balance"] == pytest.approx(printed, abs=0.01)
    assert doc["breakeven"]["equity_effect"]["drawdown_basis"] == "balance"
    assert "opening_balance" not in doc["totals"]["cash_by_kind"]  # the opening balance is no cash event


def test_an_archived_roll_up_is_balance_but_not_a_deposit(ledgers):
    path, _ = ledgers["recent-build"]
    doc = _doc([path])
    kinds = doc["totals"]["cash_by_kind"]
    assert kinds["archived"] > 0 and doc["totals"]["deposits"] == kinds["deposit"]
    assert doc["projection"]["balance"] == pytest.approx(doc["statement_totals"]["balance"], abs=0.01)


def test_the_sub_period_drawdown_is_a_share_of_the_balance_with_its_opening(ledgers):
    from fxcost.analysis import breakeven
    from fxcost.summary import document

    path, w = ledgers["sub-period"]
    result = run([path], AnalysisSettings())
    key = build(result).key
    without = breakeven.equity_effect(result.trades, document.merged_cash(result))
    # Without the opening balance the balance runs below zero and the drawdown % reads 0; with it, a real share.
    assert without["max_drawdown_pct_without"] == 0.0
    assert 0 < key.equity_effect["max_drawdown_pct_without"] < 100
    assert key.max_drawdown_without == pytest.approx(without["max_drawdown_without"])  # money is not moved


def test_two_files_of_one_account_are_one_statement_in_the_printed_totals(written, tmp_path):
    # A real Startrader account's Statement and Detailed Statement opened together showed twice its printed Balance,
    # Equity, profit and deposits: the files overlap (their trades were counted once) and a Balance is a state.
    import shutil

    path, _ = written["sub-period"]
    alone = _doc([path])["statement_totals"]
    again = tmp_path / "the-same-account.htm"
    shutil.copy(path, again)
    both = _doc([path, again])
    st = both["statement_totals"]
    for name in ("balance", "equity", "floating_pl", "opening_balance"):
        assert st[name] == alone[name], name  # the newest report's state, the oldest's opening balance
    for name in ("profit", "swap", "deposit_withdrawal", "trades"):
        assert alone[name] is not None and st[name] is None, name  # overlapping periods: no sum of their flows
    assert both["totals"]["profit"] == _doc([path])["totals"]["profit"]  # the rows were counted once
