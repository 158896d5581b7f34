"""Tiers as brokers write them (issue 14): retroactive, marginal, and fixed by the previous month, on a 3-client book.

The book, hand-made: $10 per lot round turn, client shares 50% (1002: 70%).
  1001: 2 trades of 4 lots in January                 ->  8 lots
  1002: 1 trade of 10 lots in January                 -> 10 lots
  1003: 6 lots in January, 5 lots in February         -> 11 lots
January's pooled volume is 24 lots, February's 5. Tiers: 1.0 from 0 lots, 1.2 from 10, 1.5 from 30.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from fxcost.analysis import ib, programs, rebates

TIERS = [{"min_lots_per_month": 0, "multiplier": 1.0}, {"min_lots_per_month": 10, "multiplier": 1.2},
         {"min_lots_per_month": 30, "multiplier": 1.5}]


def book() -> pd.DataFrame:
    return pd.DataFrame({
        "account": ["1001", "1001", "1002", "1003", "1003"],
        "close_time": pd.to_datetime(["2024-01-05 10:00", "2024-01-20 10:00", "2024-01-10 10:00",
                                      "2024-01-31 23:00", "2024-02-02 10:00"]),
        "lots": [4.0, 4.0, 10.0, 6.0, 5.0],
        "symbol": ["EURUSD"] * 5,
        "symbol_root": ["EURUSD"] * 5,
        "notional_usd": [400_000.0, 400_000.0, 1_000_000.0, 600_000.0, 500_000.0],
    })


def deal(**extra) -> programs.RebateProgram:
    data = {"name": "IB deal", "rates": [{"match": {}, "model": "per_lot", "rate": 10}],
            "client_share_pct": 50, "client_shares": {"1002": 70}, **extra}
    return programs.from_dict(data)


def priced(program: programs.RebateProgram) -> pd.DataFrame:
    t = book()
    rebates.assign(t, rebates.apply(t, program, "USD"), program)
    return t


def per_client(t: pd.DataFrame, program) -> dict[str, tuple[float, float, float]]:
    """(IB earnings, passed back, IB keeps) per client and for the Total, from the IB roll-up."""
    shares = {a: program.client_share(a) for a in t["account"].unique()}
    table = ib.ib_rollup(t, shares)["by_client"]
    return {row.account: (row.ib_earnings, row.passed_back, row.ib_keeps) for row in table.itertuples()}


def test_flat_deal():
    t = priced(deal())
    assert per_client(t, deal()) == {
        "1001": (80.0, 40.0, 40.0),  # 8 lots x $10, half passed back
        "1002": (100.0, 70.0, 30.0),  # its own 70%
        "1003": (110.0, 55.0, 55.0),
        "Total": (290.0, 165.0, 125.0),
    }
    # The client's own rebate is the share passed back to it.
    assert t.groupby("account")["rebate"].sum().round(2).to_dict() == {"1001": 40.0, "1002": 70.0, "1003": 55.0}


def test_retroactive_tiers_on_the_pooled_volume():
    program = deal(tiers=TIERS)
    assert program.tier_mode == "retroactive" and program.tier_basis == "current"
    # January's 24 lots reach the 10-lot tier: every January lot at 1.2; February's 5 lots stay at 1.0.
    assert per_client(priced(program), program) == {
        "1001": (96.0, 48.0, 48.0),
        "1002": (120.0, 84.0, 36.0),
        "1003": (122.0, 61.0, 61.0),  # 6 x 10 x 1.2 + 5 x 10
        "Total": (338.0, 193.0, 145.0),
    }


def test_marginal_tiers_price_each_band_at_its_own_tier():
    program = deal(tiers=TIERS, tier_mode="marginal")
    t = priced(program)
    # January: the first 10 lots at 1.0, the other 14 at 1.2 = 26.8 lot-multipliers over 24 lots (x 1.11667).
    jan = t["close_time"] < "2024-02-01"
    assert t.loc[jan, "ib_earnings"].sum() == pytest.approx(268.0)
    assert t.loc[~jan, "ib_earnings"].sum() == pytest.approx(50.0)
    assert t.loc[jan, "rebate_rule"].notna().all()
    assert per_client(t, program) == {
        # Issue 10's cents rule: each client's payable is its own sum rounded once (the same alone or in a book),
        # and the Total adds the clients' cents.
        "1001": (89.33, 44.67, 44.66),  # 80 x 26.8/24 = 89.333; half of it = 44.667
        "1002": (111.67, 78.17, 33.5),  # 100 x 26.8/24; 70% = 78.1667
        "1003": (117.0, 58.5, 58.5),  # 60 x 26.8/24 = 67 + 50
        "Total": (318.0, 181.34, 136.66),
    }


def test_marginal_tiers_below_the_first_threshold_and_across_several_bands():
    # A month of 40 lots: 10 at 1.0, 20 at 1.2, 10 at 1.5 = 49 over 40 lots.
    program = deal(tiers=TIERS, tier_mode="marginal")
    t = book().iloc[[2]].assign(lots=40.0)
    assert rebates.apply(t, program, "USD").tier_multiplier == pytest.approx([49 / 40])
    # Tiers starting above 0 lots: below the first threshold a lot earns the plain rate.
    above = deal(tiers=[{"min_lots_per_month": 20, "multiplier": 2.0}], tier_mode="marginal")
    assert rebates.apply(t, above, "USD").tier_multiplier == pytest.approx([(20 + 40) / 40])
    assert rebates.apply(t.assign(lots=0.0), above, "USD").tier_multiplier == pytest.approx([1.0])


def test_tiers_fixed_by_the_previous_month():
    program = deal(tiers=TIERS, tier_basis="previous_period")
    t = priced(program)
    # January has no month before it in the book (0 lots): 1.0. February takes January's 24 lots: 1.2.
    assert rebates.apply(book(), program, "USD").tier_multiplier.tolist() == [1.0, 1.0, 1.0, 1.0, 1.2]
    assert per_client(t, program)["Total"] == (300.0, 170.0, 130.0)  # 1003: 60 + 5 x 10 x 1.2 = 120, half back
    # Each account's own previous month (tier_scope account): 1003's 6 January lots stay under 10.
    own = dataclasses.replace(program, tier_scope="account")
    assert rebates.apply(book(), own, "USD").tier_multiplier.tolist() == [1.0] * 5


def test_engine_pooling_gives_the_same_tiers_one_account_at_a_time():
    # The engine prices each client alone with the pooled monthly volume of all (rebates.pooled_volume).
    for extra in ({}, {"tier_mode": "marginal"}, {"tier_basis": "previous_period"}):
        program = deal(tiers=TIERS, **extra)
        whole = rebates.apply(book(), program, "USD").rebate
        frames = [g.reset_index(drop=True) for _, g in book().groupby("account", sort=True)]
        pooled = rebates.pooled_volume([(f, "USD") for f in frames], program)
        alone = np.concatenate([rebates.apply(f, program, "USD", pooled_volume=pooled).rebate for f in frames])
        assert alone == pytest.approx(whole), extra


def test_new_tier_fields_are_validated_and_round_trip():
    program = deal(tiers=TIERS, tier_mode="marginal")
    assert programs.from_dict(program.as_dict()) == program
    assert "tier_mode" not in deal().as_dict()  # defaults are not written: old files stay as they were
    with pytest.raises(programs.ProgramError, match="tier_mode"):
        deal(tier_mode="stepped")
    with pytest.raises(programs.ProgramError, match="previous_period"):
        deal(tier_mode="marginal", tier_basis="previous_period")


def test_every_bundled_program_still_loads_with_the_defaults():
    bundled = programs.bundled_programs()
    assert len(bundled) >= 4
    assert all(p.tier_mode == "retroactive" and p.tier_basis == "current" and not p.sub_ibs for p in bundled)
