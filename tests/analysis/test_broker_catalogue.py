"""The broker catalogue (issue 12): every number has a public source and a date, the auto profile picks the
broker a statement names with the account type its trades show, and says which and why."""

import json
from datetime import datetime

import pytest

from fxcost import model
from fxcost.analysis import broker_catalogue
from fxcost.analysis.engine import AnalysisSettings, analyse
from fxcost.analysis.spreads import load_profile
from fxcost.model import Account, Statement
from fxcost.pipeline import import_files
from fxcost.portfolio import merge
from fxcost.resources import asset
from tests.analysis.test_observed_samples import STATEMENTS


def _numbers(node, path=""):
    """Every number in the JSON document with the object that holds it."""
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                yield f"{path}.{k}", node
            else:
                yield from _numbers(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _numbers(v, f"{path}[{i}]")


def test_every_number_in_the_catalogue_has_a_public_source_and_a_date():
    doc = json.loads(asset(broker_catalogue.BUNDLED).read_text(encoding="utf-8"))
    found = list(_numbers(doc))
    assert len(found) > 60
    for where, holder in found:
        assert str(holder.get("source", "")).startswith("https://"), where
        assert broker_catalogue._DATE.match(str(holder.get("date", ""))), where
    catalogue = broker_catalogue.load()
    names = {b.name for b in catalogue.brokers}
    for broker in ("IC Markets", "Exness", "XM", "OANDA", "Vantage", "FTMO", "HFM (HotForex)", "Swissquote",
                   "VT Markets", "Alpari", "Darwinex (Tradeslide)", "Rakuten Securities", "STARTRADER", "Octa",
                   "Weltrade"):
        assert broker in names


def test_a_number_without_a_source_or_date_is_refused():
    doc = {"brokers": [{"id": "x", "name": "X", "accounts": [
        {"id": "raw", "name": "X Raw", "account_type": "raw", "spreads": {"EURUSD": {"value": 0.1, "date": "2024"}}}]}]}
    with pytest.raises(broker_catalogue.CatalogueError, match="needs a source"):
        broker_catalogue.parse(doc)
    doc["brokers"][0]["accounts"][0]["spreads"]["EURUSD"] = {"value": 0.1, "source": "https://x", "date": "soon"}
    with pytest.raises(broker_catalogue.CatalogueError, match="not YYYY"):
        broker_catalogue.parse(doc)


def _statement(company="", server="", currency="USD", commission=0.0, symbols=("EURUSD", "EURGBP"), suffix=""):
    n = len(symbols)
    trades = model.trades_frame({
        "account": ["1"] * n, "ticket": list(range(1, n + 1)), "open_time": [datetime(2024, 3, 5, 10)] * n,
        "close_time": [datetime(2024, 3, 5, 11)] * n, "side": ["buy"] * n, "lots": [1.0] * n,
        "symbol": [s + suffix for s in symbols], "symbol_root": list(symbols), "symbol_suffix": [suffix] * n,
        "open_price": [1.1] * n, "close_price": [1.101] * n, "profit": [100.0] * n,
        "commission": [commission] * n, "digits": [5] * n})
    account = Account(login="1", broker=company, server=server, currency=currency)
    return merge([Statement(path="a.htm", format="mt4_detailed", account=account, trades=trades)])


def _run(portfolio):
    return analyse(portfolio, AnalysisSettings(profile=load_profile("auto"), time_of_day=False))


def test_ic_markets_raw_uses_its_published_spread_and_fills_the_gaps_from_the_generic_raw_profile():
    result = _run(_statement(company="Raw Trading Ltd", currency="EUR", commission=-5.5))
    a = result.accounts[0]
    assert a.catalogue == "IC Markets Raw Spread"
    assert "company 'Raw Trading Ltd' names IC Markets" in a.profile_reason and "commission" in a.profile_reason
    t = result.trades.set_index("symbol_root")
    assert t.loc["EURUSD", "spread_pips"] == pytest.approx(0.1) and t.loc["EURUSD", "spread_kind"] == "catalogue"
    assert "compareforexbrokers" in t.loc["EURUSD", "spread_source"]
    assert t.loc["EURGBP", "spread_kind"] == "profile"
    assert "not in the catalogue entry IC Markets Raw Spread" in t.loc["EURGBP", "spread_source"]
    # What an account of this type charges in EUR: the catalogue's 5.50 round turn (DOMAIN.md 4).
    schedule = a.profile.account_commission()
    assert (schedule.rate, schedule.per, schedule.currency) == (5.5, "round_turn", "EUR")
    table = a.spreads.set_index("symbol")
    assert table.loc["EURUSD", "catalogue_pips"] == pytest.approx(0.1) and table.loc["EURGBP", "catalogue_source"] == ""


def test_ic_markets_standard_is_raw_plus_its_published_markup():
    result = _run(_statement(server="ICMarketsSC-MT5-2"))
    t = result.trades.set_index("symbol_root")
    assert result.accounts[0].catalogue == "IC Markets Standard"
    assert t.loc["EURUSD", "spread_pips"] == pytest.approx(0.9)  # 0.1 average raw + 0.8 pips major markup


def test_a_published_minimum_is_a_floor_under_the_generic_spread():
    result = _run(_statement(company="VT Markets Pty Ltd", symbols=("GBPUSD", "AUDUSD")))
    t = result.trades.set_index("symbol_root")
    assert t.loc["GBPUSD", "spread_pips"] == pytest.approx(1.8)  # "from 1.8" is above the generic 1.5
    assert t.loc["GBPUSD", "spread_kind"] == "catalogue"
    assert t.loc["AUDUSD", "spread_pips"] == pytest.approx(1.8)  # the generic 1.8 is above "from 1.6"
    assert "above VT Markets Standard STP's published minimum of 1.6" in t.loc["AUDUSD", "spread_source"]


def test_a_broker_symbol_suffix_names_the_account_type_and_an_unknown_broker_gets_the_generic_profile():
    assert _run(_statement(company="Exness (SC) Ltd", suffix="z")).accounts[0].catalogue == "Exness Zero"
    plain = _run(_statement(company="Northwind Markets Ltd."))
    assert plain.accounts[0].catalogue == "" and plain.accounts[0].profile.name == "Typical Standard account"


@pytest.mark.samples
@pytest.mark.parametrize("name", STATEMENTS)
def test_auto_picks_the_catalogued_broker_a_sample_names(samples_dir, name):
    portfolio = import_files([samples_dir / name])
    result = analyse(portfolio, AnalysisSettings(profile=load_profile("auto")))
    catalogue = broker_catalogue.bundled()
    for a in result.accounts:
        broker, why = catalogue.match(a.book.account)
        if broker is None:
            assert a.catalogue == ""
            continue
        assert a.catalogue in {e.name for e in broker.accounts}, why
        assert a.profile.catalogue_entry.broker == broker.name
        if a.profile_reason:  # a backtest costed with its own fixed spread has no profile reason
            assert broker.name in a.profile_reason and why in a.profile_reason


def test_an_unreadable_catalogue_says_which_file_and_why(tmp_path):
    bad = tmp_path / "brokers.json"
    bad.write_text('{"brokers": [', encoding="utf-8")
    with pytest.raises(broker_catalogue.CatalogueError, match="brokers.json: not valid JSON"):
        broker_catalogue.load(bad)
    with pytest.raises(broker_catalogue.CatalogueError, match="cannot read the broker catalogue"):
        broker_catalogue.load(tmp_path / "missing.json")


def test_a_brokers_published_server_clock_reads_its_trade_times():
    from fxcost.analysis import spread_hours

    # Sunday FX trades would make fxcost read the times as UTC; FTMO publishes a New York close clock (GMT+2/+3).
    portfolio = _statement(company="FTMO Global Markets Ltd", commission=-5.0)
    for col in ("open_time", "close_time"):
        portfolio.accounts[0].trades[col] = datetime(2024, 3, 3, 0, 30)  # Sunday 00:30 server time
    result = analyse(portfolio, AnalysisSettings(profile=load_profile("auto")))
    assert result.accounts[0].catalogue == "FTMO Raw"
    # On the New York close clock 00:30 is the hour after the close; read as UTC it would be 19:30 New York.
    assert result.trades["spread_tod"].to_numpy() == pytest.approx(spread_hours.bundled().hours[0])
    unnamed = _statement(commission=-5.0)
    for col in ("open_time", "close_time"):
        unnamed.accounts[0].trades[col] = datetime(2024, 3, 3, 0, 30)
    generic = analyse(unnamed, AnalysisSettings(profile=load_profile("auto")))
    assert generic.accounts[0].catalogue == ""
    assert generic.trades["spread_tod"].to_numpy() == pytest.approx(spread_hours.bundled().hours[2])


def test_the_generic_raw_profile_is_built_from_published_raw_account_spreads():
    raw = load_profile("raw")
    assert raw.spreads["EURGBP"].value == 0.35 and raw.spreads["AUDCAD"].value == 1.0
    assert raw.spreads["EURUSD"].value == 0.1
    for root, entry in raw.spreads.items():
        if root[:3] in ("EUR", "GBP", "USD", "AUD", "NZD", "CHF", "CAD") and entry.unit == "pips":
            assert "https://" in entry.source or entry.source.startswith("median of"), root
