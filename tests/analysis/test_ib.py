"""Introducing-broker roll-up: two client accounts over two months."""

import dataclasses
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from fxcost import model
from fxcost.analysis import costs, ib


def clients() -> pd.DataFrame:
    """Client B first so the tables must sort; IB earnings = the IB program's $8 per lot."""
    spec = [  # account, close day, lots
        ("B", datetime(2024, 1, 10), 2.0), ("A", datetime(2024, 1, 5), 1.0), ("A", datetime(2024, 1, 31, 23), 1.0),
        ("A", datetime(2024, 2, 1, 1), 0.5), ("B", datetime(2024, 2, 12), 1.0), ("B", datetime(2024, 2, 29), 1.0),
    ]
    n = len(spec)
    t = model.trades_frame({
        "account": [s[0] for s in spec], "ticket": list(range(1, n + 1)),
        "open_time": [s[1].replace(hour=0) for s in spec], "close_time": [s[1] for s in spec],
        "side": ["buy"] * n, "lots": [s[2] for s in spec], "symbol": ["EURUSD"] * n, "symbol_root": ["EURUSD"] * n,
        "open_price": [1.10000] * n, "close_price": [1.10100] * n, "profit": [100.0 * s[2] for s in spec],
        "digits": [5] * n,
    })
    c = costs.decompose(t, "USD", np.full(n, 0.0001), np.full(n, "test", dtype=object))
    c["rebate"] = 8.0 * c["lots"]
    return costs.finish(c)


def test_per_client_shares():
    r = ib.ib_rollup(clients(), {"A": 50, "B": 25})
    by_client = r["by_client"].set_index("account")
    assert by_client.index.tolist() == ["A", "B", "Total"]
    assert by_client["trades"].tolist() == [3, 3, 6]
    assert by_client["lots"].tolist() == pytest.approx([2.5, 4.0, 6.5])
    assert by_client["ib_earnings"].tolist() == pytest.approx([20.0, 32.0, 52.0])
    assert by_client["passed_back"].tolist() == pytest.approx([10.0, 8.0, 18.0])
    assert by_client["ib_keeps"].tolist() == pytest.approx([10.0, 24.0, 34.0])
    assert by_client["share_pct"].tolist() == pytest.approx([50.0, 25.0, 18.0 / 52.0 * 100])
    assert by_client["earnings_per_lot"].tolist() == pytest.approx([8.0, 8.0, 8.0])
    assert by_client.loc["A", "notional_usd"] == pytest.approx(2.5 * 110_000, rel=1e-9)


def test_per_month_by_close_time():
    r = ib.ib_rollup(clients(), {"A": 50, "B": 25})
    by_month = r["by_month"].set_index("month")
    # A's trade closing 31 Jan 23:00 is January; the one closing 1 Feb 01:00 is February.
    assert by_month.index.tolist() == ["2024-01", "2024-02", "Total"]
    assert by_month["ib_earnings"].tolist() == pytest.approx([32.0, 20.0, 52.0])
    assert by_month["passed_back"].tolist() == pytest.approx([8.0 + 4.0, 2.0 + 4.0, 18.0])
    cm = r["by_client_month"]
    assert cm[["account", "month"]].values.tolist() == [
        ["A", "2024-01"], ["A", "2024-02"], ["B", "2024-01"], ["B", "2024-02"], ["Total", "Total"]]
    assert cm["ib_keeps"].tolist() == pytest.approx([8.0, 2.0, 12.0, 12.0, 34.0])
    assert cm["trades"].tolist() == [2, 1, 1, 2, 6]


def test_one_share_for_all_missing_clients_and_bad_input():
    t = clients()
    uniform = ib.ib_rollup(t, 40)["by_client"].set_index("account")
    assert uniform["passed_back"].tolist() == pytest.approx([8.0, 12.8, 20.8])
    missing = ib.ib_rollup(t, {"A": 100})["by_client"].set_index("account")
    assert missing["passed_back"].tolist() == pytest.approx([20.0, 0.0, 20.0])
    with pytest.raises(ValueError):
        ib.ib_rollup(t, 120)
    empty = ib.ib_rollup(t.iloc[0:0], 50)["by_client"]
    assert empty["account"].tolist() == ["Total"] and empty["ib_earnings"].tolist() == [0.0]


def test_shown_cents_add_up_to_the_shown_total():
    """225.205313 + 241.047314 + 189.891085: each client is paid its own sum rounded once, and the Total is the
    sum of what the clients are shown (issue 10: one rule for money in cents)."""
    t = clients().iloc[[0, 1, 4]].reset_index(drop=True)
    t["account"] = ["B", "A", "C"]
    t["ib_earnings"] = [450.410626, 482.094629, 379.78217]
    r = ib.ib_rollup(t, 50)
    by_client = r["by_client"].set_index("account")
    rows, total = by_client.drop(index="Total"), by_client.loc["Total"]
    assert rows["passed_back"].to_dict() == {"A": 241.05, "B": 225.21, "C": 189.89}
    assert total["passed_back"] == 656.15 and total["ib_earnings"] == 1312.28
    assert round(rows["passed_back"].sum(), 2) == total["passed_back"]
    assert round(rows["ib_earnings"].sum(), 2) == total["ib_earnings"]
    assert total["ib_keeps"] == 656.13 and round(rows["ib_keeps"].sum(), 2) == 656.13
    assert (rows["passed_back"] * 100).round(6).apply(float.is_integer).all()
    for name in ("by_month", "by_client_month"):
        table = r[name]
        assert round(table["passed_back"].iloc[:-1].sum(), 2) == table["passed_back"].iloc[-1] == 656.15
    # A client's months add up to the client.
    cm = r["by_client_month"].iloc[:-1].groupby("account")["passed_back"].sum().round(2)
    assert cm.to_dict() == rows["passed_back"].to_dict()


@pytest.mark.parametrize("earned", [45.31, 2.75, 165.25])
def test_a_clients_payable_is_the_same_alone_and_in_a_book(earned):
    """Issue 10: a client shown 22.65 in a book but 22.66 alone (half cents: 1.375 and 82.625); its payable is
    its own sum rounded once, whatever other clients are in the book."""
    t = clients().iloc[[0, 1, 4]].reset_index(drop=True)
    t["account"] = ["B", "A", "C"]
    t["ib_earnings"] = [earned, 10.018, 0.038]  # 50 %: B is owed a half cent (22.655, 1.375, 82.625); A and C
    # have larger remainders (.9 of a cent), which a largest-remainder share of the book total would favour
    book = ib.ib_rollup(t, 50)["by_client"].set_index("account")
    alone = ib.ib_rollup(t.iloc[[0]], 50)["by_client"].set_index("account")
    owed = rebates_round(earned / 2)
    assert book.loc["B", "passed_back"] == alone.loc["B", "passed_back"] == owed
    assert book.loc["B", "passed_back"] == rebates_round(earned * 0.5)


def rebates_round(x: float) -> float:
    from fxcost.analysis.rebates import round_cents

    return round_cents(x)


def test_a_client_not_listed_gets_the_default_share():
    """Issue 10: a program with client_shares gives its client_share_pct to every client it does not list."""
    from fxcost.analysis.programs import from_dict

    program = from_dict({"name": "IB", "currency": "USD", "client_share_pct": 40,
                                 "client_shares": {"A": 50},
                                 "rates": [{"model": "per_lot", "rate": 8}]})
    by_client = ib.program_rollup(clients(), program)["by_client"].set_index("account")
    assert by_client["passed_back"].to_dict() == pytest.approx({"A": 10.0, "B": 12.8, "Total": 22.8})


def test_allocate_cents():
    assert ib.allocate_cents([0.333333, 0.333333, 0.333334]).tolist() == [0.33, 0.33, 0.34]
    assert ib.allocate_cents([1.005, 1.005], 2.00).tolist() == [1.0, 1.0]
    assert ib.allocate_cents([]).tolist() == []


def test_ib_tiers_count_every_client_together_in_the_engine(tmp_path):
    # Each account is costed alone; an IB program's tiers are on the IB's total client volume per month, so the
    # engine re-prices every client with the pooled volume: the same rebate as pricing all clients at once.
    import dataclasses

    import pandas as pd

    from fxcost.analysis import programs, rebates
    from fxcost.analysis.engine import AnalysisSettings
    from fxcost.pipeline import run
    from fxcost.samples.generate import generate

    paths = [tmp_path / f"client{seed}.htm" for seed in (11, 12)]
    for seed, path in zip((11, 12), paths):
        generate(path, "mt4", 150, seed)
    program = programs.load_named("ib-tiered")
    assert program.effective_tier_scope == "all_accounts"

    def total(p) -> float:
        s = AnalysisSettings()
        s.programs = [p]
        return sum(float(a.trades["rebate"].sum()) for a in run(paths, s).accounts)

    s = AnalysisSettings()
    s.programs = [program]
    merged = pd.concat([a.trades for a in run(paths, s).accounts], ignore_index=True)
    rebates.assign(merged, rebates.apply(merged, program, "USD"), program)
    assert total(program) == pytest.approx(float(merged["rebate"].sum()))
    # Per account, the clients' smaller monthly volumes reach the higher tiers less often.
    assert total(dataclasses.replace(program, tier_scope="account")) < total(program) - 1.0


def test_the_spread_cap_says_what_it_took(tmp_path):
    import dataclasses

    from fxcost.analysis import programs
    from fxcost.analysis.engine import AnalysisSettings
    from fxcost.pipeline import run
    from fxcost.samples.generate import generate

    path = tmp_path / "client.htm"
    generate(path, "mt4", 150, 11)
    program = programs.load_named("ib-tiered")
    assert program.eligibility.cap_pct_of_spread == 80

    def result(p):
        s = AnalysisSettings()
        s.programs = [p]
        return run([path], s)

    capped = result(program)
    t = capped.trades
    taken = float(t["capped_rebate"].sum())
    assert taken > 0 and any(f"by {taken:,.2f} USD" in w for w in capped.warnings)
    free = result(dataclasses.replace(program, eligibility=dataclasses.replace(program.eligibility,
                                                                               cap_pct_of_spread=None)))
    # Without the cap every trade earns exactly what the cap took on top (tiers count volume, not money).
    assert float(free.trades["ib_earnings"].sum()) == pytest.approx(float(t["ib_earnings"].sum()) + taken)
    assert not any("caps a trade's rebate" in w for w in free.warnings)


def _two_level_deal():
    """Issue 14's two-level deal on the 3-client book of test_rebates_tiers ($10 a lot, no tiers)."""
    from fxcost.analysis import programs

    return programs.from_dict({
        "name": "Two-level deal", "rates": [{"match": {}, "model": "per_lot", "rate": 10}], "client_share_pct": 50,
        "sub_ibs": [{"name": "Anna", "clients": ["1002", "1003"], "master_share_pct": 30, "client_share_pct": 40}],
        "client_groups": [{"name": "VIP", "clients": ["1003"], "client_share_pct": 60}],
    })


def test_two_level_deal_hand_computed():
    from fxcost.analysis import rebates
    from tests.analysis.test_rebates_tiers import book

    program = _two_level_deal()
    t = book()
    rebates.assign(t, rebates.apply(t, program, "USD"), program)
    tables = ib.level_rollup(t, program)
    rows = {r.account: (r.sub_ib, r.group, r.ib_earnings, r.share_pct, r.passed_back, r.ib_keeps, r.master_keeps,
                        r.sub_ib_keeps) for r in tables["by_client"].itertuples()}
    assert rows == {
        # The master's own client: the program's 50% back, the master keeps the whole other half.
        "1001": ("", "", 80.0, 50.0, 40.0, 40.0, 40.0, 0.0),
        # Anna's client: Anna's 40% back; of the 60 left the master keeps 30% (18), Anna 42.
        "1002": ("Anna", "", 100.0, 40.0, 40.0, 60.0, 18.0, 42.0),
        # Anna's client in the VIP group: the group's 60% wins over Anna's 40%; 44 left, 13.20 to the master.
        "1003": ("Anna", "VIP", 110.0, 60.0, 66.0, 44.0, 13.2, 30.8),
        "Total": ("", "", 290.0, pytest.approx(146 / 290 * 100), 146.0, 144.0, 71.2, 72.8),
    }
    levels = tables["by_level"].set_index("sub_ib")
    assert levels.loc["Anna", ["clients", "ib_earnings", "passed_back", "master_keeps", "sub_ib_keeps"]].tolist() == [
        2, 210.0, 106.0, 31.2, 72.8]
    assert levels.loc[ib.MASTER, "master_keeps"] == 40.0 and levels.loc["Total", "clients"] == 3
    # The clients' own rebate in the costed frame is their share, as the roll-up says.
    assert t.groupby("account")["rebate"].sum().round(2).to_dict() == {"1001": 40.0, "1002": 40.0, "1003": 66.0}


def test_two_level_deal_is_validated():
    from fxcost.analysis import programs

    data = _two_level_deal().as_dict()
    assert programs.from_dict(data) == _two_level_deal()
    bad = dict(data, client_groups=[{"name": "VIP", "clients": ["1002", "1002"], "client_share_pct": 60}])
    with pytest.raises(programs.ProgramError, match="already in"):
        programs.from_dict(bad)
    with pytest.raises(programs.ProgramError, match="needs client_share_pct"):
        programs.from_dict({k: v for k, v in data.items() if k != "client_share_pct"})
    with pytest.raises(programs.ProgramError, match="master_share_pct"):
        programs.from_dict(dict(data, sub_ibs=[{"name": "Anna", "clients": ["1"], "master_share_pct": 130}]))


def test_a_login_in_the_deal_that_matches_no_client_is_named():
    from fxcost.analysis import programs

    program = programs.from_dict({
        "name": "VIP deal", "rates": [{"match": {}, "model": "per_lot", "rate": 10}], "client_share_pct": 50,
        "client_shares": {"1001": 70, "10001": 80}, "client_groups": [{"name": "VIP", "clients": ["9"],
                                                                      "client_share_pct": 60}]})
    (warning,) = ib.unknown_client_warnings(program, ["1001", "1002"])
    assert "2 login(s)" in warning and "10001 (client_shares)" in warning and '9 (client group "VIP")' in warning
    assert "default share, 50%" in warning
    assert ib.unknown_client_warnings(program, ["1001", "10001", "9"]) == []


def test_the_engine_warns_of_a_mistyped_client_login(tmp_path):
    from fxcost.analysis import programs
    from fxcost.analysis.engine import AnalysisSettings
    from fxcost.pipeline import run
    from fxcost.samples.generate import generate

    path = tmp_path / "client.htm"
    generate(path, "mt4", 30, 5)
    program = dataclasses.replace(programs.load_named("ib-tiered"), client_shares={"123": 70.0})
    result = run([path], AnalysisSettings(programs=[program]))
    assert any("123 (client_shares)" in w for w in result.warnings)
    login = result.accounts[0].book.account.login
    program = dataclasses.replace(program, client_shares={login: 70.0})
    assert not any("match no imported client" in w for w in run([path], AnalysisSettings(programs=[program])).warnings)


def test_compared_deals_and_the_passback_sweep_agree_with_the_roll_up():
    """Issue 14: the deal's IB columns are the roll-up's by_client cents; the sweep re-shares the same earnings."""
    from fxcost.analysis import programs

    program = programs.from_dict({"name": "Deal", "rates": [{"match": {}, "model": "per_lot", "rate": 8}],
                                  "client_share_pct": 25, "client_shares": {"A": 50}})
    t = clients()
    table, per_client = ib.compare_programs([("Deal", t, program), ("Nothing", t, None)])
    assert table["setup"].tolist() == ["Deal"]  # a setup without a program has no IB columns
    rolled = ib.program_rollup(t, program)["by_client"]
    assert per_client[["account", "ib_earnings", "passed_back", "ib_keeps"]].values.tolist() == \
        rolled[["account", "ib_earnings", "passed_back", "ib_keeps"]].iloc[:-1].values.tolist()
    row = table.iloc[0]
    assert (row["ib_earnings"], row["passed_back"], row["ib_keeps"], row["clients"]) == (52.0, 18.0, 34.0, 2)
    assert row["ib_keeps_per_lot"] == pytest.approx(34.0 / 6.5)
    sweep = ib.passback_sweep(t, program).set_index("pass_back_pct")
    # A earns 20, B 32: 30 % back to both is 6 + 9.60; the deal's own 18 / 52 = 34.6 % row is added and marked.
    assert sweep.loc[30.0, ["passed_back", "ib_keeps"]].tolist() == [15.6, 36.4]
    own = sweep[sweep["is_program"]]
    assert own.index.tolist() == [pytest.approx(18 / 52 * 100)] and own["ib_keeps"].tolist() == [34.0]
    assert len(sweep) == 12
    # A cashback program: the trader gets all of it.
    cashback = programs.from_dict({"name": "Cashback", "rates": [{"match": {}, "model": "per_lot", "rate": 8}]})
    row = ib.compare_programs([("Cashback", t, cashback)])[0].iloc[0]
    assert (row["is_ib"], row["passed_back"], row["ib_keeps"]) == (False, 52.0, 0.0)


def test_the_projection_names_its_months_and_clients():
    from fxcost.analysis import programs

    program = programs.from_dict({"name": "Deal", "rates": [{"match": {}, "model": "per_lot", "rate": 8}],
                                  "client_share_pct": 50})
    t = clients()  # January and February 2024; A's last trade is 1 February, B's 29 February
    p = ib.projection(t, program)
    assert p["months_used"] == ["2024-01"] and p["clients"] == 2  # February is the last month: not full
    assert p["ib_earnings_per_month"] == 32.0 and p["ib_keeps_per_month"] == 16.0 and p["ib_keeps_per_year"] == 192.0
    p = ib.projection(t, program, period_stop=pd.Timestamp("2024-03-01"))  # the period ends with February
    assert p["months_used"] == ["2024-01", "2024-02"] and p["clients"] == 2
    assert p["ib_earnings_per_month"] == 26.0  # (32 + 20) / 2
    p = ib.projection(t[t["account"] == "A"], program, months=1, period_stop=pd.Timestamp("2024-03-01"))
    assert p["months_used"] == ["2024-02"] and p["lots_per_month"] == 0.5
    # A trade without a close time has no month: left out, never a NaT month.
    undated = t.copy()
    undated.loc[undated.index[0], "close_time"] = pd.NaT
    assert ib.projection(undated, program)["months_used"] == ["2024-01"]
    assert ib.projection(undated.iloc[:1], program)["months"] == 0


def test_each_clients_money_per_lot():
    from fxcost.analysis import programs

    program = programs.from_dict({"name": "Deal", "rates": [{"match": {}, "model": "per_lot", "rate": 8}],
                                  "client_share_pct": 25, "client_shares": {"A": 50}})
    per_client = ib.compare_programs([("Deal", clients(), program)])[1].set_index("account")
    # A: 20 earned on 2.5 lots, half back; B: 32 on 4 lots, a quarter back.
    assert per_client.loc["A", ["ib_earnings_per_lot", "passed_back_per_lot", "ib_keeps_per_lot"]].tolist() == [
        8.0, 4.0, 4.0]
    assert per_client.loc["B", ["ib_earnings_per_lot", "passed_back_per_lot", "ib_keeps_per_lot"]].tolist() == [
        8.0, 2.0, 6.0]
