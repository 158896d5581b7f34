"""The engine's merged figures: accounts in different currencies, an IB program's client share as the trader's
rebate, and rules of a rebate program that match nothing."""

from datetime import datetime

import pytest

from fxcost import cli, model
from fxcost.analysis import engine, programs, whatif
from fxcost.analysis.engine import AnalysisSettings, analyse
from fxcost.analysis.spreads import SpreadProfile
from fxcost.model import Account, Statement
from fxcost.portfolio import merge
from fxcost.report import json_summary

PROFILE = SpreadProfile.from_dict({"name": "1 pip", "spreads": {"EURUSD": 1.0}})


def trade(profit, commission=0.0, swap=0.0, lots=1.0, close=1.10100, account="", day=4):
    return {"account": account, "ticket": day, "open_time": datetime(2024, 3, day, 10),
            "close_time": datetime(2024, 3, day, 12), "side": "buy", "lots": lots, "symbol": "EURUSD",
            "symbol_root": "EURUSD", "open_price": 1.10000, "close_price": close, "profit": profit,
            "commission": commission, "swap": swap, "digits": 5}


def frame(*rows):
    return model.trades_frame({k: [r[k] for r in rows] for k in rows[0]})


def deposit(login, amount):
    return model.cash_frame({"account": [login], "ticket": [99], "time": [datetime(2024, 3, 1)],
                             "kind": ["deposit"], "amount": [amount]})


def two_currencies():
    # EUR account: buy 1 lot EURUSD 1.10000 -> 1.10100 = $100 = 90.83 EUR, so the trade implies
    # r = 100 / 90.83 USD per EUR; commission -5, swap -2 EUR; deposit 1,000 EUR.
    # USD account: the same trade at 0.50 lot, Profit $50, commission -3; deposit 500 USD.
    eur = Statement(path="eur.htm", format="csv", account=Account(login="7", currency="EUR"),
                    trades=frame(trade(90.83, -5.0, -2.0)), cash=deposit("7", 1000.0))
    usd = Statement(path="usd.htm", format="csv", account=Account(login="8", currency="USD"),
                    trades=frame(trade(50.0, -3.0, lots=0.5)), cash=deposit("8", 500.0))
    return merge([eur, usd])


def test_merged_totals_of_two_currencies_are_converted_at_the_engine_rate():
    portfolio = two_currencies()
    result = analyse(portfolio, AnalysisSettings(profile=PROFILE))
    doc = json_summary.summary(portfolio)
    assert doc["totals"]["currency"] == "mixed"  # import alone cannot add EUR and USD
    doc.update(json_summary.analysis_summary(result))
    t = doc["totals"]
    r = 100 / 90.83
    assert t["currency"] == "USD" and t["usd_rates"] == {"EUR": pytest.approx(r, abs=1e-6)}
    assert t["profit"] == 150.00  # 90.83 r + 50 = 100 + 50
    assert t["commission"] == -8.50  # -5 r - 3 = -5.5048 - 3
    assert t["swap"] == -2.20  # -2 r
    assert t["broker_net"] == 139.29  # 83.83 r + 47 = 92.2933 + 47
    assert t["deposits"] == 1600.96  # 1,000 r + 500
    assert t["lots"] == 1.5
    # The same figures as the costs block (one rate for every merged figure).
    for key in ("profit", "commission", "swap", "broker_net"):
        assert doc["costs"][key] == t[key], key
    # Per-account figures stay in their own currency.
    accounts = {a["account"]["login"]: a["totals"] for a in json_summary.summary(portfolio)["accounts"]}
    assert (accounts["7"]["profit"], accounts["7"]["currency"]) == (90.83, "EUR")
    assert (accounts["8"]["profit"], accounts["8"]["currency"]) == (50.0, "USD")
    text = cli.render_text(portfolio, doc)
    assert "Total (USD converted at 1 EUR = 1.10096 USD): 2 trades, 1.5 lots, profit 150.00" in text


def test_one_currency_totals_are_unchanged_and_say_the_currency():
    eur = Statement(path="eur.htm", format="csv", account=Account(login="7", currency="EUR"),
                    trades=frame(trade(90.83, -5.0, -2.0)), cash=deposit("7", 1000.0))
    portfolio = merge([eur])
    doc = json_summary.summary(portfolio)
    before = dict(doc["totals"])
    doc.update(json_summary.analysis_summary(analyse(portfolio, AnalysisSettings(profile=PROFILE))))
    assert doc["totals"] == before
    assert doc["totals"]["profit"] == 90.83 and doc["totals"]["currency"] == "EUR"
    assert "Total (EUR): 1 trades" in cli.render_text(portfolio, doc)


IB = {"name": "IB", "lot_basis": "round_turn", "rates": [{"match": {}, "model": "per_lot", "rate": 8.0}],
      "client_share_pct": 50, "client_shares": {"2": 25}}


def ib_portfolio():
    return merge([
        Statement(path="a.htm", format="csv", account=Account(login="1", currency="USD"),
                  trades=frame(trade(100.0, -7.0))),
        Statement(path="b.htm", format="csv", account=Account(login="2", currency="USD"),
                  trades=frame(trade(-50.0, -3.5, lots=0.5, close=1.09900))),
    ])


def test_an_ib_program_gives_the_trader_only_the_client_share():
    result = analyse(ib_portfolio(), AnalysisSettings(profile=PROFILE, programs=[programs.from_dict(IB)]))
    t = result.trades.set_index("account")
    # The IB earns $8/lot: 8.00 on account 1 (50% back = 4.00), 4.00 on account 2 (25% back = 1.00).
    assert t.loc["1", "ib_earnings"] == pytest.approx(8.0) and t.loc["1", "rebate"] == pytest.approx(4.0)
    assert t.loc["2", "ib_earnings"] == pytest.approx(4.0) and t.loc["2", "rebate"] == pytest.approx(1.0)
    # Everything the trader sees uses what the trader receives.
    assert t.loc["1", "net_after_rebate"] == pytest.approx(100.0 - 7.0 + 4.0)
    assert t.loc["2", "net_transaction_cost"] == pytest.approx(5.0 + 3.5 - 1.0)  # 1 pip x $10 x 0.5 + 3.50
    doc = json_summary.analysis_summary(result)
    assert doc["costs"]["rebate"] == 5.00
    assert sum(p["paid"] for p in doc["rebate"]["payouts"]) == pytest.approx(5.0)
    # The IB's own roll-up still shows its full earnings, and passed back = the trader's rebate.
    total = doc["ib"]["by_client"][-1]
    assert (total["ib_earnings"], total["passed_back"], total["ib_keeps"]) == (12.0, 5.0, 7.0)
    # The same in a comparison: the program as a compared one, and the rebate sweep of the actual setup.
    compared = analyse(ib_portfolio(), AnalysisSettings(profile=PROFILE, programs=[
        programs.from_dict({**IB, "name": "none", "rates": [{"match": {}, "model": "per_lot", "rate": 0.0}]}),
        programs.from_dict(IB)]))
    assert whatif.compare(compared)[1].rebate == pytest.approx(5.0)
    assert {r["rebate_multiplier"]: r["rebate"] for r in doc["sweeps"]["rebate_rate"]}[2.0] == pytest.approx(10.0)


def test_a_share_of_spread_ib_program_sweeps_the_trader_share():
    program = programs.from_dict({"name": "IB spread", "rates": [{"match": {}, "model": "pct_spread", "rate": 40}],
                                  "client_share_pct": 50})
    result = analyse(ib_portfolio(), AnalysisSettings(profile=PROFILE, programs=[program]))
    sweep = {r["extra_pips"]: r for r in json_summary.analysis_summary(result)["sweeps"]["extra_spread_pips"]}
    # Spread 1 pip: $10 + $5 -> IB earns 40% = 6.00, trader 3.00. One more pip: $30 -> 12.00 / 6.00.
    assert sweep[0.0]["rebate"] == pytest.approx(3.0)
    assert sweep[1.0]["rebate"] == pytest.approx(6.0)


def test_a_rule_that_matches_no_trade_is_named_in_a_warning():
    program = programs.from_dict({"name": "Typo", "rates": [
        {"match": {"symbols": ["EURUSDD"]}, "model": "per_lot", "rate": 5.0},
        {"match": {"category": "crypto"}, "model": "per_lot", "rate": 1.0},
        {"match": {}, "model": "per_lot", "rate": 2.0}]})
    result = analyse(ib_portfolio(), AnalysisSettings(profile=PROFILE, programs=[program]))
    found = [w for w in result.warnings if "matches no trade" in w]
    assert len(found) == 1  # a category without trades in this history is no typo
    assert 'Rebate program "Typo": rule rates[0] per_lot 5 (symbols EURUSDD) matches no trade' in found[0]


@pytest.mark.parametrize("server, currency", [
    ("FXCM-EURDemo01", "EUR"), ("FXCM-GBPDemo", "GBP"), ("FIBO-USC-Demo", "USC"), ("AlpariUSD-Demo", "USD"),
    ("EURONEXT", ""), ("ICMarketsSC-Demo", ""), ("XM.COM-Real 12", ""), ("RoboForex-ECN", ""), ("ABC-EUR-USD", ""),
    ("HKDemo-Live", ""), ("SGDirect", ""), ("XAUMarkets-Live", ""), ("Broker-JPY", "JPY"),
    ("", ""),
])
def test_the_currency_a_server_name_gives(server, currency):
    assert engine.server_currency(server) == currency
