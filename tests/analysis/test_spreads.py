"""Spread profiles: strict validation, the ``auto`` account-type choice, trades a profile leaves without a spread,
and the Strategy Tester's fixed spread."""

from datetime import datetime

import pytest

from fxcost import model
from fxcost.analysis.engine import AnalysisSettings, analyse
from fxcost.analysis.spreads import AutoProfile, ProfileError, SpreadProfile, load_profile
from fxcost.model import Account, PrintedTotals, Statement
from fxcost.portfolio import merge


def trades(symbols=("EURUSD",), commission=0.0, suffix="", n=None):
    """Buy 1 lot at 1.10000 -> 1.10100 (Profit $100, M = 100,000) per symbol, on a USD account."""
    symbols = list(symbols) * (n or 1)
    k = len(symbols)
    return model.trades_frame({
        "ticket": list(range(1, k + 1)), "open_time": [datetime(2024, 3, 4, 10)] * k,
        "close_time": [datetime(2024, 3, 4, 12)] * k, "side": ["buy"] * k, "lots": [1.0] * k,
        "symbol": [s + suffix for s in symbols], "symbol_root": symbols, "symbol_suffix": [suffix] * k,
        "open_price": [1.10000] * k, "close_price": [1.10100] * k, "profit": [100.0] * k,
        "commission": [commission] * k, "digits": [5] * k})


def folio(t, **statement):
    return merge([Statement(path="t.htm", format="csv", account=Account(login="1", currency="USD"), trades=t,
                            **statement)])


# ---- validation --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data, words", [
    ({"name": "X", "spread": {"EURUSD": 1.0}}, ['unknown key "spread"', 'did you mean "spreads"', "allowed"]),
    ({"name": "X", "unit": "pip", "spreads": {}}, ['unit "pip"', 'did you mean "pips"', "points"]),
    ({"name": "X", "spreads": {"EURUSD": {"value": 1.0, "unit": "pipettes"}}}, ["spreads.EURUSD", '"pipettes"']),
    ({"name": "X", "spreads": {"EURUSD": {"value": 1.0, "untis": "pips"}}},
     ["spreads.EURUSD", 'unknown key "untis"', 'did you mean "unit"']),
    ({"name": "X", "categories": {"fx_majors": 1.0}}, ['unknown category "fx_majors"', 'did you mean "fx_major"']),
])
def test_a_typo_in_a_profile_is_rejected_with_a_suggestion(data, words):
    with pytest.raises(ProfileError) as err:
        SpreadProfile.from_dict(data, "mine.json")
    message = str(err.value)
    assert message.startswith("mine.json: ")
    for word in words:
        assert word in message


def test_bundled_profiles_and_their_editor_form_still_load():
    for name in ("standard", "raw"):
        p = load_profile(name)
        assert SpreadProfile.from_dict(p.as_dict(), name).spreads.keys() == p.spreads.keys()


def test_a_profile_without_the_symbol_or_its_category_warns_with_symbols_and_count():
    profile = SpreadProfile.from_dict({"name": "Majors only", "spreads": {"EURUSD": 1.0}})
    result = analyse(folio(trades(("EURUSD", "GBPUSD", "AUDNZD"), n=2)), AnalysisSettings(profile=profile))
    # 2 GBPUSD and 2 AUDNZD trades are costed at 0: one warning names both roots and the 4 trades.
    warning = next(w for w in result.warnings if "no spread" in w)
    # Specific: how many trades of how many, which symbols with their count and category, what to do.
    assert "4 of 6 trade(s) are costed with no spread at all" in warning and "costs are understated" in warning
    assert "AUDNZD (2 trade(s), category fx_minor)" in warning and "GBPUSD (2 trade(s), category fx_major)" in warning
    assert '"Majors only"' in warning and "Add each symbol" in warning and "Spreads > Edit" in warning
    assert result.warnings[0] == warning  # understated costs come first
    assert result.accounts[0].no_spread == {"AUDNZD": 2, "GBPUSD": 2} == result.no_spread
    assert result.trades["spread_cost"].sum() == pytest.approx(2 * 10.0)  # only EURUSD: 1 pip x $10 x 1 lot x 2
    covered = SpreadProfile.from_dict({"name": "All FX", "spreads": {"EURUSD": 1.0},
                                       "categories": {"fx_major": 1.5, "fx_minor": 2.0}})
    assert not [w for w in analyse(folio(trades(("EURUSD", "GBPUSD", "AUDNZD"))),
                                   AnalysisSettings(profile=covered)).warnings if "no spread" in w]


# ---- auto --------------------------------------------------------------------------------------------------


def test_auto_is_a_profile_choice():
    auto = load_profile("auto")
    assert isinstance(auto, AutoProfile) and auto.standard.name == "Typical Standard account"
    assert auto.raw.name == "Typical Raw/ECN account"


@pytest.mark.parametrize("commission, suffix, expected", [
    (-7.0, "", "Typical Raw/ECN account"),  # commission on every trade
    (0.0, ".r", "Typical Raw/ECN account"),  # DOMAIN 1.3 suffix hint, no commission column
    (0.0, "zero", "Typical Raw/ECN account"),
    (0.0, ".pro", "Typical Standard account"),
    (0.0, "", "Typical Standard account"),
])
def test_auto_picks_raw_for_commission_accounts_and_raw_suffixes(commission, suffix, expected):
    auto = AnalysisSettings(profile=load_profile("auto"))
    result = analyse(folio(trades(commission=commission, suffix=suffix)), auto)
    a = result.accounts[0]
    assert a.profile.name == expected and expected in a.profile_reason
    # EURUSD is 1.3 pips on Standard, 0.1 on Raw: $13.00 or $1.00 on 1 lot.
    assert result.trades["spread_cost"].iloc[0] == pytest.approx(13.0 if "Standard" in expected else 1.0)
    assert result.trades["spread_source"].iloc[0] == f"profile: {expected}"


def test_auto_needs_commission_on_most_trades():
    t = trades(n=4)
    t.loc[[0, 1], "commission"] = -7.0  # 2 of 4: not most
    assert analyse(folio(t), AnalysisSettings(profile=load_profile("auto"))).accounts[0].profile.name == \
        "Typical Standard account"
    t.loc[2, "commission"] = -7.0  # 3 of 4
    a = analyse(folio(t), AnalysisSettings(profile=load_profile("auto"))).accounts[0]
    assert a.profile.name == "Typical Raw/ECN account" and "3 of 4 trades" in a.profile_reason


def test_a_forced_profile_has_no_auto_reason():
    a = analyse(folio(trades(commission=-7.0)), AnalysisSettings(profile=load_profile("standard"))).accounts[0]
    assert a.profile.name == "Typical Standard account" and a.profile_reason == ""


# ---- Strategy Tester -----------------------------------------------------------------------------------------


def test_a_backtest_is_costed_with_its_fixed_spread():
    printed = PrintedTotals(extra={"spread_points": 32})
    t = trades(("EURUSD", "USDJPY"))
    t.loc[1, ["open_price", "close_price", "digits"]] = [150.000, 150.100, 3]
    result = analyse(folio(t, printed=printed, is_backtest=True), AnalysisSettings(profile=load_profile("standard")))
    c = result.trades
    # 32 points: 0.00032 on 5-digit EURUSD (3.2 pips, $32.00 on 1 lot), 0.032 on 3-digit USDJPY.
    assert c["spread_price"].tolist() == pytest.approx([0.00032, 0.032])
    assert c["spread_cost"].iloc[0] == pytest.approx(32.0)
    assert c["spread_source"].tolist() == ["tester: fixed 32 points"] * 2
    assert result.accounts[0].tester_spread_points == {"t.htm": 32.0}


def test_a_backtest_that_states_no_spread_says_its_spreads_are_the_profiles():
    # An MT5 Strategy Tester report prints no spread setting (review item 13): say so, naming file and trades.
    t = trades(n=3)
    t["source"] = "mt5-tester.html"
    folio_ = merge([Statement(path="mt5-tester.html", format="mt5_tester_html", account=Account(login="1",
                                                                                                 currency="USD"),
                              trades=t, is_backtest=True)])
    result = analyse(folio_, AnalysisSettings(profile=load_profile("standard")))
    warning = next(w for w in result.warnings if "Strategy Tester backtest" in w)
    assert warning.startswith("mt5-tester.html is a Strategy Tester backtest")
    assert "does not state the spread" in warning and "its 3 trade(s)" in warning
    assert '"Typical Standard account"' in warning
    # A backtest that states its spread is priced with it: no such warning; nor for account history.
    stated = analyse(folio(trades(), printed=PrintedTotals(extra={"spread_points": 32}), is_backtest=True),
                     AnalysisSettings(profile=load_profile("standard")))
    live = analyse(folio(trades()), AnalysisSettings(profile=load_profile("standard")))
    assert not [w for w in stated.warnings + live.warnings if "Strategy Tester" in w]


def test_account_history_ignores_a_spread_in_printed_extra():
    # Only a backtest fills at a fixed spread; a live statement keeps the profile.
    result = analyse(folio(trades(), printed=PrintedTotals(extra={"spread_points": 32})),
                     AnalysisSettings(profile=load_profile("standard")))
    assert result.trades["spread_source"].iloc[0] == "profile: Typical Standard account"


def test_the_no_spread_warning_names_the_printed_symbols():
    t = trades(("EURUSD", "WIDGET"))
    t.loc[1, "symbol"] = "widget.m"
    profile = SpreadProfile.from_dict({"name": "EURUSD only", "spreads": {"EURUSD": 1.0}})
    warning = next(w for w in analyse(folio(t), AnalysisSettings(profile=profile)).warnings if "no spread" in w)
    assert "1 of 2 trade(s)" in warning and "WIDGET (1 trade(s), category other, printed widget.m)" in warning


@pytest.mark.parametrize("printed, root, category, standard_spread", [
    # Review item 5: these were costed with no spread (category other/stock); now a listed symbol's spread.
    ("UKOUSD", "UKOIL", "energy", 0.05), ("brn", "UKOIL", "energy", 0.05), ("wst30_m", "US30", "index", 2.97),
    ("XBRUSD", "UKOIL", "energy", 0.05), ("XTIUSD", "USOIL", "energy", 0.05), ("WTI", "USOIL", "energy", 0.05),
    ("SpotCrude", "USOIL", "energy", 0.05), ("BCO_USD", "UKOIL", "energy", 0.05), ("USTEC", "NAS100", "index", 1.20),
    ("US100", "NAS100", "index", 1.20), ("DE40", "GER40", "index", 1.15), ("UK100", "UK100", "index", 1.33),
    ("JPN225", "JP225", "index", 10.0), ("F40", "FRA40", "index", 2.0),
])
def test_common_broker_names_get_a_category_and_a_spread(printed, root, category, standard_spread):
    from fxcost.symbols import normalise

    got_root, _ = normalise(printed)
    assert got_root == root
    t = model.trades_frame({
        "ticket": [1], "open_time": [datetime(2024, 3, 4, 10)], "close_time": [datetime(2024, 3, 4, 12)],
        "side": ["buy"], "lots": [1.0], "symbol": [printed], "symbol_root": [got_root], "open_price": [80.00],
        "close_price": [81.00], "profit": [1000.0], "digits": [2]})
    result = analyse(folio(t), AnalysisSettings(profile=load_profile("standard")))
    row = result.trades.iloc[0]
    assert row["category"] == category
    assert row["spread_price"] == pytest.approx(standard_spread) and row["spread_cost"] > 0
    assert not [w for w in result.warnings if "no spread" in w]


# ---- account types ---------------------------------------------------------------------------------------


def test_bundled_profiles_name_their_account_type_and_its_commission():
    standard, raw = load_profile("standard"), load_profile("raw")
    assert (standard.account_type, raw.account_type) == ("standard", "raw")
    assert standard.account_commission().rate == 0.0  # a Standard account charges no commission
    assert (raw.account_commission().rate, raw.account_commission().per) == (7.0, "round_turn")
    auto = load_profile("auto")
    assert (auto.standard.account_type, auto.raw.account_type) == ("standard", "raw")
    assert SpreadProfile.from_dict({"name": "X"}).account_commission() is None  # unknown type


def test_a_profile_may_state_its_account_type_and_commission():
    p = SpreadProfile.from_dict({"name": "My ECN", "account_type": "raw",
                                 "commission": {"rate": 3.0, "per": "per_side"}})
    assert p.account_commission().rate == 3.0 and p.account_commission().per == "per_side"
    assert SpreadProfile.from_dict(p.as_dict()).as_dict() == p.as_dict()
    with pytest.raises(ProfileError, match='account_type "ecn".*standard, raw'):
        SpreadProfile.from_dict({"name": "X", "account_type": "ecn"})
    with pytest.raises(ProfileError, match="commission: unknown key"):
        SpreadProfile.from_dict({"name": "X", "commission": {"rates": 3.0}})


@pytest.mark.parametrize("commission, expected", [(-7.0, "Typical Standard account"),
                                                  (0.0, "Typical Raw/ECN account")])
def test_other_is_the_account_type_the_export_does_not_show(commission, expected):
    from fxcost.analysis.spreads import OtherTypeProfile, resolve

    other = load_profile("other")
    assert isinstance(other, OtherTypeProfile)
    t = trades(commission=commission)
    assert resolve(other, None, t).name == expected
    # The type the account was costed with wins over the export (the user said which account they have).
    assert resolve(other, load_profile("standard"), trades(commission=-7.0)).name == "Typical Raw/ECN account"
