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
    assert "4 trade(s) of AUDNZD, GBPUSD" in warning and '"Majors only"' in warning
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


def test_account_history_ignores_a_spread_in_printed_extra():
    # Only a backtest fills at a fixed spread; a live statement keeps the profile.
    result = analyse(folio(trades(), printed=PrintedTotals(extra={"spread_points": 32})),
                     AnalysisSettings(profile=load_profile("standard")))
    assert result.trades["spread_source"].iloc[0] == "profile: Typical Standard account"
