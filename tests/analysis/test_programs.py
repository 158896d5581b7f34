"""Rebate program schema: validation messages, round-trips, atomic save, bundled examples."""

import json
import os

import pytest

from fxcost import atomic
from fxcost.analysis import programs
from fxcost.analysis.programs import Component, Eligibility, Payout, ProgramError, RateRule, RebateProgram, Tier
from fxcost.errors import FxCostError

ISSUE_EXAMPLE = {
    "name": "Example cashback", "currency": "USD", "lot_basis": "round_turn",
    "rates": [{"match": {"symbols": ["XAUUSD"]}, "model": "per_lot", "rate": 6.0},
              {"match": {"category": "fx_major"}, "model": "pips_per_lot", "rate": 0.68},
              {"match": {"category": "index"}, "model": "pct_spread", "rate": 30},
              {"match": {}, "model": "pct_commission", "rate": 25}],
    "tiers": [{"min_lots_per_month": 0, "multiplier": 1.0}, {"min_lots_per_month": 100, "multiplier": 1.2}],
    "eligibility": {"min_hold_seconds": 0, "min_move_points": 0, "exclude_symbols": [],
                    "exclude_categories": [], "cap_pct_of_spread": None},
    "payout": {"cycle": "monthly", "lag_days": 5, "min_amount": 0.01},
}


def with_(path: str, value):
    """The issue example with one key (dotted path, list indices as ints) replaced or removed."""
    data = json.loads(json.dumps(ISSUE_EXAMPLE))
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = data
    for p in parents:
        node = node[p]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()


def test_issue_example_loads_as_written():
    p = programs.from_dict(ISSUE_EXAMPLE)
    assert p.name == "Example cashback"
    assert p.currency == "USD" and p.lot_basis == "round_turn"
    assert p.rates[0] == RateRule(model="per_lot", rate=6.0, symbols=["XAUUSD"])
    assert p.rates[1] == RateRule(model="pips_per_lot", rate=0.68, categories=["fx_major"])
    assert p.rates[3] == RateRule(model="pct_commission", rate=25.0)
    assert [r.label(i) for i, r in enumerate(p.rates)] == [
        "rates[0] per_lot 6", "rates[1] pips_per_lot 0.68", "rates[2] pct_spread 30", "rates[3] pct_commission 25"]
    assert p.tiers == [Tier(0.0, 1.0), Tier(100.0, 1.2)]
    assert p.eligibility == Eligibility()
    assert p.payout == Payout(cycle="monthly", lag_days=5, min_amount=0.01, day_boundary_hour=0, weekday="monday")
    assert p.cent_lot_factor == 0.01 and p.tier_volume == "eligible"
    assert p.client_share_pct is None


def test_defaults_of_a_minimal_program():
    p = programs.from_dict({"name": " Flat ", "rates": [{"model": "per_lot", "rate": 8}]})
    assert p == RebateProgram(name="Flat", rates=[RateRule("per_lot", 8.0)])
    assert p.payout == Payout("monthly", 0, 0.0, 0, "monday")


def test_optional_keys_round_trip():
    data = with_("rates.0.lot_basis", "per_side")
    data["rates"][3]["plus"] = [{"model": "per_lot", "rate": 1.5, "lot_basis": "per_side"}]
    data["rates"][1]["match"] = {"categories": ["fx_minor", "fx_exotic"], "accounts": [12345, "777"],
                                 "symbols": ["eurusd.r"]}
    data.update(description="d", source="s", date="2026-01", cent_lot_factor=1.0, tier_volume="all",
                client_share_pct=40, client_shares={"12345": 60})
    data["payout"].update(cycle="weekly", weekday="Friday", day_boundary_hour=22)
    p = programs.from_dict(data)
    assert p.rates[0].lot_basis == "per_side"
    assert p.rates[1].accounts == ["12345", "777"]
    assert p.rates[1].symbols == ["eurusd.r"]
    assert p.rates[3].plus == [Component("per_lot", 1.5, "per_side")]
    assert p.rates[3].label(3) == "rates[3] pct_commission 25 + per_lot 1.5"
    assert p.payout.weekday == "friday"
    assert p.client_share("12345") == 60.0
    assert p.client_share("999") == 40.0
    again = programs.from_dict(p.as_dict())
    assert again == p
    assert again.as_dict() == p.as_dict()


def test_client_share_defaults_to_zero():
    p = programs.from_dict(ISSUE_EXAMPLE)
    assert p.client_share("1") == 0.0


OPTIONS = "per_lot, pips_per_lot, pct_spread, pct_commission, per_million"
CATS = "fx_major, fx_minor, fx_exotic, metal, index, energy, crypto, stock, other"


@pytest.mark.parametrize("data, message", [
    (with_("rates.1.model", "per_pip"), f'rates[1].model "per_pip" is not one of {OPTIONS}'),
    (with_("rates.0.rate", -1), "rates[0].rate -1 must be >= 0"),
    (with_("rates.0.rate", "6"), 'rates[0].rate "6" must be a number'),
    (with_("rates.0.rate", True), "rates[0].rate true must be a number"),
    (with_("rates.2.rate", 130), "rates[2].rate 130 must be between 0 and 100"),
    (with_("rates.0.model", _DELETE), 'rates[0] needs "model"'),
    (with_("rates.0.lot_basis", "rt"), 'rates[0].lot_basis "rt" is not one of round_turn, per_side'),
    (with_("rates.1.match.category", "indices"), f'rates[1].match.category "indices" is not one of {CATS}'),
    (with_("rates.1.match.categories", ["metal"]),
     'rates[1].match has both "category" and "categories"; use one'),
    (with_("rates.0.match.symbols", "XAUUSD"), 'rates[0].match.symbols must be a list of strings, not "XAUUSD"'),
    (with_("rates.0.match.symbols", [""]), 'rates[0].match.symbols[0] "" must be a non-empty string'),
    (with_("rates.3.plus", [{"model": "per_lots", "rate": 1}]),
     f'rates[3].plus[0].model "per_lots" is not one of {OPTIONS}'),
    (with_("rates", []), "rates must be a non-empty list of "
                         '{"match": ..., "model": ..., "rate": ...}, not []'),
    (with_("name", ""), 'name "" must be a non-empty string (the program\'s display name)'),
    (with_("name", _DELETE), "name null must be a non-empty string (the program's display name)"),
    (with_("lot_basis", "per_lot"), 'lot_basis "per_lot" is not one of round_turn, per_side'),
    (with_("currency", "XYZ"), 'currency "XYZ" has no conversion rate; use one of '),
    (with_("tiers.1.min_lots_per_month", 0),
     "tiers[1].min_lots_per_month 0 repeats tiers[0]; each tier needs its own threshold"),
    (with_("tiers.1.multiplier", _DELETE), 'tiers[1] needs "multiplier"'),
    (with_("tiers", {"min": 1}), 'tiers must be a list of {"min_lots_per_month": ..., "multiplier": ...}, '
                                 'not {"min": 1}'),
    (with_("eligibility.min_hold_seconds", -5), "eligibility.min_hold_seconds -5 must be >= 0"),
    (with_("eligibility.exclude_categories", ["cryptos"]),
     f'eligibility.exclude_categories[0] "cryptos" is not one of {CATS}'),
    (with_("eligibility.cap_pct_of_spread", "80%"), 'eligibility.cap_pct_of_spread "80%" must be a number'),
    (with_("payout.cycle", "yearly"), 'payout.cycle "yearly" is not one of daily, weekly, monthly'),
    (with_("payout.lag_days", 1.5), "payout.lag_days 1.5 must be a whole number"),
    (with_("payout.day_boundary_hour", 24), "payout.day_boundary_hour 24 must be between 0 and 23"),
    (with_("payout.weekday", "funday"),
     'payout.weekday "funday" is not one of monday, tuesday, wednesday, thursday, friday, saturday, sunday'),
    (with_("payout.min_amount", None), "payout.min_amount null must be a number"),
    (with_("payout", []), "payout must be a JSON object, not []"),
    (with_("client_share_pct", 150), "client_share_pct 150 must be between 0 and 100"),
    (with_("tier_volume", "lots"), 'tier_volume "lots" is not one of eligible, all'),
    ([ISSUE_EXAMPLE], "a rebate program must be a JSON object, not [{"),
])
def test_validation_messages(data, message):
    with pytest.raises(ProgramError) as err:
        programs.from_dict(data)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("data, message", [
    (with_("tier", []), 'unknown key "tier" (did you mean "tiers"?); allowed: name, currency, lot_basis, rates, '
                        "tiers, eligibility, payout, description, source, date, cent_lot_factor, tier_volume, "
                        "tier_scope, client_share_pct, client_shares, tier_mode, tier_basis, sub_ibs, client_groups"),
    (with_("rates.0.rat", 6), 'rates[0]: unknown key "rat" (did you mean "rate"?); allowed: match, model, rate, '
                              "lot_basis, plus"),
    (with_("rates.0.match.symbol", ["X"]), 'rates[0].match: unknown key "symbol" (did you mean "symbols"?); '
                                           "allowed: symbols, category, categories, accounts"),
    (with_("eligibility.min_hold", 900), 'eligibility: unknown key "min_hold" (did you mean "min_hold_seconds"?); '
                                         "allowed: min_hold_seconds, min_move_points, exclude_symbols, "
                                         "exclude_categories, cap_pct_of_spread"),
    (with_("payout.zzz", 1), 'payout: unknown key "zzz"; allowed: cycle, lag_days, min_amount, day_boundary_hour, '
                             "weekday"),
])
def test_unknown_keys_are_named(data, message):
    with pytest.raises(ProgramError) as err:
        programs.from_dict(data)
    assert str(err.value) == message


def test_several_unknown_keys_are_all_named():
    data = with_("colour", "red")
    data["frequency"] = "weekly"
    with pytest.raises(ProgramError, match=r'^unknown keys "colour", "frequency"; allowed: '):
        programs.from_dict(data)


def test_messages_name_the_file_and_are_fxcost_errors():
    with pytest.raises(FxCostError) as err:
        programs.from_dict(with_("rates.1.model", "per_pip"), "cashback.json")
    assert str(err.value) == f'cashback.json: rates[1].model "per_pip" is not one of {OPTIONS}'


def test_save_and_load_round_trip(tmp_path):
    p = programs.from_dict(with_("payout.day_boundary_hour", 3))
    path = tmp_path / "prog.json"
    programs.save(p, path)
    assert os.listdir(tmp_path) == ["prog.json"]  # the temp file was renamed, not left behind
    loaded = programs.load(path)
    assert loaded == p
    assert loaded.path == str(path)
    assert json.loads(path.read_text(encoding="utf-8"))["payout"]["day_boundary_hour"] == 3


def test_save_refuses_an_invalid_program_and_keeps_the_old_file(tmp_path):
    path = tmp_path / "prog.json"
    good = programs.from_dict(ISSUE_EXAMPLE)
    programs.save(good, path)
    before = path.read_text(encoding="utf-8")
    bad = programs.from_dict(ISSUE_EXAMPLE)
    bad.rates[0].rate = -2.0
    with pytest.raises(ProgramError, match=r"rates\[0\]\.rate -2\.0 must be >= 0"):
        programs.save(bad, path)
    assert path.read_text(encoding="utf-8") == before
    assert os.listdir(tmp_path) == ["prog.json"]


def test_save_is_atomic_when_the_replace_fails(tmp_path, monkeypatch):
    path = tmp_path / "prog.json"
    programs.save(programs.from_dict(ISSUE_EXAMPLE), path)
    before = path.read_text(encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    changed = programs.from_dict(with_("name", "Changed"))
    with pytest.raises(ProgramError, match="cannot save the rebate program"):
        programs.save(changed, path)
    assert path.read_text(encoding="utf-8") == before
    assert os.listdir(tmp_path) == ["prog.json"]


def test_save_into_a_missing_folder(tmp_path):
    with pytest.raises(ProgramError, match="cannot save the rebate program"):
        programs.save(programs.from_dict(ISSUE_EXAMPLE), tmp_path / "nope" / "prog.json")


def test_load_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x",\n "rates": [}', encoding="utf-8")
    with pytest.raises(ProgramError, match=r"bad\.json: not valid JSON \(line 2, column 12"):
        programs.load(bad)
    with pytest.raises(ProgramError, match="cannot read the rebate program"):
        programs.load(tmp_path / "missing.json")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(with_("payout.cycle", "hourly")), encoding="utf-8")
    with pytest.raises(ProgramError) as err:
        programs.load(wrong)
    assert str(err.value) == f'{wrong}: payout.cycle "hourly" is not one of daily, weekly, monthly'


def test_every_bundled_program_loads_and_round_trips():
    bundled = programs.bundled_programs()
    assert len(bundled) >= 3
    assert len({p.name for p in bundled}) == len(bundled)
    for p in bundled:
        assert p.path.endswith(".json")
        assert programs.from_dict(p.as_dict()) == p
    by_name = {p.name: p for p in bundled}
    example = by_name["Example cashback"]
    assert example.rates == programs.from_dict(ISSUE_EXAMPLE).rates
    assert any(p.client_share_pct is not None and p.tiers for p in bundled)  # an IB program with tiers


def test_load_named(tmp_path):
    assert programs.load_named("example-cashback").name == "Example cashback"
    assert programs.load_named("EXAMPLE CASHBACK").name == "Example cashback"
    path = tmp_path / "mine.json"
    programs.save(programs.from_dict(with_("name", "Mine")), path)
    assert programs.load_named(str(path)).name == "Mine"
    with pytest.raises(ProgramError, match=r"No rebate program 'nope': give a bundled name \(.*example-cashback"):
        programs.load_named("nope")


def test_tier_scope_defaults_to_all_accounts_for_ib_programs_and_is_validated():
    """Review 2 item 6: an IB's tiers count its total client volume unless the program says otherwise."""
    base = {"name": "P", "rates": [{"model": "per_lot", "rate": 1}]}
    assert programs.from_dict(base).effective_tier_scope == "account"
    ib = programs.from_dict({**base, "client_share_pct": 50})
    assert ib.tier_scope is None and ib.effective_tier_scope == "all_accounts"
    assert "tier_scope" not in ib.as_dict()
    own = programs.from_dict({**base, "client_share_pct": 50, "tier_scope": "account"})
    assert own.effective_tier_scope == "account" and programs.from_dict(own.as_dict()) == own
    with pytest.raises(ProgramError, match=r'tier_scope "client" is not one of account, all_accounts \(account: '):
        programs.from_dict({**base, "tier_scope": "client"})
