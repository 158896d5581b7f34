"""The IB's side of a 3-client book through the typed summary and the JSON (issue 14), checked by hand.

The book of tests/analysis/test_rebates_tiers.py, imported from a CSV journal of three logins: $10 per lot round
turn, client shares 50% (1002: 70%).
  1001: 2 trades of 4 lots in January                 ->  8 lots
  1002: 1 trade of 10 lots in January                 -> 10 lots
  1003: 6 lots closing 31 January 23:00, 5 in February -> 11 lots
January's pooled volume is 24 lots, February's 5. Tiers: 1.0 from 0 lots, 1.2 from 10, 1.5 from 30.
"""

from __future__ import annotations

import json

import pytest

from fxcost import cli
from fxcost.analysis import ib
from fxcost.session import Catalog
from fxcost.summary import build
from tests.analysis.test_rebates_tiers import TIERS

ROWS = [  # login, ticket, close time, lots
    ("1001", 1, "2024-01-05 10:00:00", 4.0), ("1001", 2, "2024-01-20 10:00:00", 4.0),
    ("1002", 3, "2024-01-10 10:00:00", 10.0), ("1003", 4, "2024-01-31 23:00:00", 6.0),
    ("1003", 5, "2024-02-02 10:00:00", 5.0),
]
DEAL = {"name": "IB deal", "rates": [{"match": {}, "model": "per_lot", "rate": 10}], "client_share_pct": 50,
        "client_shares": {"1002": 70}}
TWO_LEVEL = {"name": "Two-level deal", "rates": [{"match": {}, "model": "per_lot", "rate": 10}],
             "client_share_pct": 50,
             "sub_ibs": [{"name": "Anna", "clients": ["1002", "1003"], "master_share_pct": 30,
                          "client_share_pct": 40}],
             "client_groups": [{"name": "VIP", "clients": ["1003"], "client_share_pct": 60}]}


def journal(folder) -> str:
    lines = ["Login,Ticket,Open time,Close time,Type,Lots,Symbol,Open price,Close price,Commission,Swap,Profit"]
    for login, ticket, close, lots in ROWS:
        open_ = close[:11] + "08:00:00" if not close.endswith("23:00:00") else close[:11] + "20:00:00"
        lines.append(f"{login},{ticket},{open_},{close},buy,{lots},EURUSD,1.10000,1.10100,0,0,{100 * lots:.2f}")
    path = folder / "book.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def program_file(folder, data: dict, name: str) -> str:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def summary_and_json(folder, programs: list[dict], *extra: str):
    """The summary of the book under ``programs`` (first the main one) and the JSON ``report --json`` writes."""
    argv = [journal(folder), "--currency", "USD"]
    for i, data in enumerate(programs):
        argv += ["--program", program_file(folder, data, f"p{i}")]
    argv += list(extra)
    catalog = Catalog(user=False)
    args = cli.build_parser().parse_args(argv)
    session = cli.session_from_args(args, catalog)
    summary = build(session.run(catalog), ib_program=session.ib_program(catalog))
    out = folder / "out.json"
    assert cli.report([*argv, "--json", str(out), "-q"]) == 0
    return summary, json.loads(out.read_text(encoding="utf-8"))


def per_client(summary, setup: int = 0) -> dict[str, tuple[float, float, float]]:
    """(IB earnings, passed back, IB keeps) per client and the Total of one compared deal, from the summary."""
    name = summary.ib_compare["setup"].iloc[setup]
    rows = summary.ib_compare_by_client[summary.ib_compare_by_client["setup"] == name]
    out = {r.account: (r.ib_earnings, r.passed_back, r.ib_keeps) for r in rows.itertuples()}
    total = summary.ib_compare.iloc[setup]
    out["Total"] = (total["ib_earnings"], total["passed_back"], total["ib_keeps"])
    return out


def from_json(doc: dict, setup: int = 0) -> dict[str, tuple[float, float, float]]:
    """The same figures from the JSON: ``ib_compare`` per client, and the ``whatif`` entry's IB columns."""
    name = doc["ib_compare"]["programs"][setup]["setup"]
    out = {r["account"]: (r["ib_earnings"], r["passed_back"], r["ib_keeps"])
           for r in doc["ib_compare"]["by_client"] if r["setup"] == name}
    (w,) = [w for w in doc["whatif"] if w["name"] == name]
    out["Total"] = (w["ib_earnings"], w["passed_back"], w["ib_keeps"])
    return out


CASES = {
    "flat": ({}, {"1001": (80.0, 40.0, 40.0), "1002": (100.0, 70.0, 30.0), "1003": (110.0, 55.0, 55.0),
                  "Total": (290.0, 165.0, 125.0)}),
    # January's 24 pooled lots reach the 10-lot tier: every January lot at 1.2; February's 5 lots stay at 1.0.
    "tiered": ({"tiers": TIERS}, {"1001": (96.0, 48.0, 48.0), "1002": (120.0, 84.0, 36.0),
                                  "1003": (122.0, 61.0, 61.0), "Total": (338.0, 193.0, 145.0)}),
    # Marginal: January's first 10 lots at 1.0, the next 14 at 1.2 -> 268 for 24 lots, 11.1666.. a lot shared
    # by every January trade (blended 1.11666..); February's 5 lots at 1.0.
    "marginal": ({"tiers": TIERS, "tier_mode": "marginal"},
                 {"1001": (89.33, 44.67, 44.66), "1002": (111.67, 78.17, 33.5), "1003": (117.0, 58.5, 58.5),
                  "Total": (318.0, 181.34, 136.66)}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hand_computed_deals_through_the_summary_and_the_json(case, tmp_path):
    extra, expected = CASES[case]
    summary, doc = summary_and_json(tmp_path, [{**DEAL, **extra}])
    assert per_client(summary) == expected
    assert from_json(doc) == expected
    # The IB block's Total is the same deal's, and the client's rebate is its share.
    total = doc["ib"]["by_client"][-1]
    assert (total["ib_earnings"], total["passed_back"], total["ib_keeps"]) == expected["Total"]
    lots = 29.0
    row = summary.ib_compare.iloc[0]
    assert row["clients"] == 3 and row["lots"] == lots
    assert row["ib_keeps_per_lot"] == pytest.approx(expected["Total"][2] / lots)


def test_a_two_level_deal_through_the_summary_and_the_json(tmp_path):
    summary, doc = summary_and_json(tmp_path, [TWO_LEVEL])
    # 1001 the master's own at 50%; 1002 Anna's at her 40%; 1003 Anna's in the VIP group at 60%.
    assert per_client(summary) == {"1001": (80.0, 40.0, 40.0), "1002": (100.0, 40.0, 60.0),
                                   "1003": (110.0, 66.0, 44.0), "Total": (290.0, 146.0, 144.0)}
    assert from_json(doc) == per_client(summary)
    levels = summary.ib.levels["by_level"].set_index("sub_ib")
    # Of the IB side the master keeps all of 1001's 40 and 30% of Anna's clients' 104 (31.20); Anna the rest.
    assert levels.loc["Anna", ["ib_keeps", "master_keeps", "sub_ib_keeps"]].tolist() == [104.0, 31.2, 72.8]
    assert levels.loc[ib.MASTER, "master_keeps"] == 40.0
    assert levels.loc["Total", ["master_keeps", "sub_ib_keeps"]].tolist() == [71.2, 72.8]
    json_levels = {r["sub_ib"]: r for r in doc["ib"]["levels"]["by_level"]}
    assert (json_levels["Anna"]["master_keeps"], json_levels["Anna"]["sub_ib_keeps"]) == (31.2, 72.8)
    assert {r["account"]: r["sub_ib"] for r in doc["ib"]["levels"]["by_client"]} == {
        "1001": "", "1002": "Anna", "1003": "Anna", "Total": ""}


def test_two_deals_side_by_side_and_the_passback_sweep(tmp_path):
    other = {"name": "Broker B", "rates": [{"match": {}, "model": "per_lot", "rate": 12}], "client_share_pct": 60}
    summary, doc = summary_and_json(tmp_path, [DEAL, other])
    table = summary.ib_compare.set_index("program")
    assert table.loc["IB deal", ["ib_earnings", "passed_back", "ib_keeps"]].tolist() == [290.0, 165.0, 125.0]
    # Broker B: $12 a lot, 60% back to everyone: 348 earned, 208.80 back, 139.20 kept.
    assert table.loc["Broker B", ["ib_earnings", "passed_back", "ib_keeps"]].tolist() == [348.0, 208.8, 139.2]
    assert [w["ib_keeps"] for w in doc["whatif"]] == [125.0, 139.2]
    sweep = summary.passback_sweep.set_index("pass_back_pct")
    # 0..100 % to every client, and the deal's own 165/290 = 56.9 % row, marked.
    assert sweep.loc[30.0, ["passed_back", "ib_keeps"]].tolist() == [87.0, 203.0]
    own = summary.passback_sweep[summary.passback_sweep["is_program"]]
    assert own["pass_back_pct"].tolist() == [pytest.approx(165 / 290 * 100)]
    assert own["ib_keeps"].tolist() == [125.0]
    assert own["clients_rebate_per_lot"].tolist() == [pytest.approx(165 / 29)]
    assert [r["passed_back"] for r in doc["passback_sweep"] if r["pass_back_pct"] == 30.0] == [87.0]


def test_the_projection_uses_full_months_and_active_clients(tmp_path):
    summary, doc = summary_and_json(tmp_path, [DEAL])
    p = summary.ib_projection
    # February is the month of the last close: not full. January is the one full month, and every client
    # traded in it: all three are active.
    assert p["months_used"] == ["2024-01"] and p["clients"] == 3
    # January: 1001 80, 1002 100, 1003 60 -> 240 a month, 40 + 70 + 30 passed back.
    assert (p["ib_earnings_per_month"], p["passed_back_per_month"], p["ib_keeps_per_month"]) == (240.0, 140.0, 100.0)
    assert (p["ib_earnings_per_year"], p["ib_keeps_per_year"]) == (2880.0, 1200.0)
    assert "1 full month" in p["note"]
    assert doc["ib_projection"]["months_used"] == ["2024-01"]
    # With the period to the end of February, February is full: 1001 and 1002 did not trade in it.
    summary, doc = summary_and_json(tmp_path, [DEAL], "--from", "2024-01-01", "--to", "2024-02-29")
    p = summary.ib_projection
    assert p["months_used"] == ["2024-01", "2024-02"] and p["clients"] == 1 and p["left_out"] == ["1001", "1002"]
    assert p["ib_earnings_per_month"] == 55.0  # 1003: (60 + 50) / 2


def test_activity_respects_the_period(tmp_path):
    summary, doc = summary_and_json(tmp_path, [DEAL], "--period", "2024-02")
    act = summary.activity.set_index("account")
    assert act.index.tolist() == ["1003"]  # the only client with a trade in February
    # 1003 first traded in January: not new in February, though February holds its only trade here.
    assert act.loc["1003", "first_trade"].strftime("%Y-%m-%d") == "2024-01-31"
    assert not act.loc["1003", "new_this_period"] and act.loc["1003", "active_this_month"]
    assert summary.concentration["top_client_pct"] == pytest.approx(100.0)
    assert doc["activity"]["clients"][0]["account"] == "1003"
    summary, doc = summary_and_json(tmp_path, [DEAL])
    act = summary.activity.set_index("account")
    assert act.loc["1003", "earnings_share_pct"] == pytest.approx(110 / 290 * 100)
    assert act["new_this_period"].tolist() == [False, False, False]  # new means first traded in February
    assert doc["activity"]["concentration"]["clients_for_80_pct"] == 3
    # From 10 January on (no end): 1002 (10 January) and 1001's second trade are inside, 1001 began before it.
    summary, doc = summary_and_json(tmp_path, [DEAL], "--from", "2024-01-10")
    act = summary.activity.set_index("account")
    assert act["new_this_period"].to_dict() == {"1001": False, "1002": True, "1003": True}


def test_a_two_level_deal_in_the_workbook_and_the_text(tmp_path, capsys):
    from openpyxl import load_workbook

    argv = [journal(tmp_path), "--currency", "USD", "--program", program_file(tmp_path, TWO_LEVEL, "two")]
    assert cli.report([*argv, "-o", str(tmp_path / "r.xlsx")]) == 0
    text = capsys.readouterr().out
    assert ("  Anna: 2 clients, earnings 210.00, passed back 106.00, IB keeps 104.00 (master 31.20, sub-IB 72.80)"
            in text.splitlines())
    rows = [[c for c in r if c is not None] for r in load_workbook(tmp_path / "r.xlsx")["IB"].iter_rows(
        values_only=True)]
    start = rows.index(["Levels: what the master IB and each sub-IB keep"])
    header = rows[start + 1]
    levels = {r[0]: dict(zip(header, r)) for r in rows[start + 2:start + 5]}
    assert [levels["Anna"][f"{k} (USD)"] for k in ("Master IB keeps", "Sub-IB keeps")] == [31.2, 72.8]
    assert levels[ib.MASTER]["Master IB keeps (USD)"] == 40.0 and levels["Total"]["IB keeps (USD)"] == 144.0


def test_the_partner_report_of_the_hand_book(tmp_path, capsys):
    """The broker's portal pays the flat deal's earnings per client-month: 1001 80, 1002 100, 1003 60 in January
    and 50 in February. It reconciles; a portal that paid 1003 45 for February names that client-month."""
    from fxcost.analysis import partner_reconcile
    from fxcost.importers import partner_report
    from fxcost.summary.partner import with_partner_reconciliation

    paid = {("1001", "2024-01"): 80, ("1002", "2024-01"): 100, ("1003", "2024-01"): 60, ("1003", "2024-02"): 50}
    argv = [journal(tmp_path), "--currency", "USD", "--program", program_file(tmp_path, DEAL, "deal")]
    catalog = Catalog(user=False)
    session = cli.session_from_args(cli.build_parser().parse_args(argv), catalog)
    result = session.run(catalog)
    summary = build(result)
    for change, differing in ((0, []), (-5, [("1003", "2024-02", -5.0)])):
        portal = tmp_path / "portal.csv"
        portal.write_text("Login,Month,Volume,Reward\n" + "".join(
            f"{a},{m},1,{v + (change if (a, m) == ('1003', '2024-02') else 0)}\n" for (a, m), v in paid.items()),
            encoding="utf-8")
        rec = partner_reconcile.reconcile_result(result, partner_report.read(str(portal), {}),
                                                 result.settings.main_program)
        with_rec = with_partner_reconciliation(summary, rec)
        assert with_rec.partner_reconciliation.reconciles is (not differing)
        assert [(d["account"], d["month"], d["difference"]) for d in with_rec.document["partner_reconciliation"][
            "differing"]] == differing
        assert cli.report([*argv, "--partner-report", str(portal)]) == 0
        text = capsys.readouterr().out
        if differing:
            assert "  1003 2024-02: modelled 50.00, reported 45.00 (differs by -5.00)" in text.splitlines()
        else:
            assert "Every client-month agrees to the cent." in text


def test_the_monthly_volume_of_each_client(tmp_path):
    summary, doc = summary_and_json(tmp_path, [DEAL])
    months = summary.activity_months
    assert months.columns.tolist() == ["2024-01", "2024-02"]
    assert months.loc["1003"].tolist() == [6.0, 5.0] and months.loc["1001"].tolist() == [8.0, 0.0]
    assert doc["activity"]["months"] == ["2024-01", "2024-02"]
    assert {r["account"]: r["monthly_lots"] for r in doc["activity"]["clients"]} == {
        "1001": [8.0, 0.0], "1002": [10.0, 0.0], "1003": [6.0, 5.0]}
