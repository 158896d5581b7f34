"""The typed summary (fxcost.summary.build): issue 10's cases, where one surface used to compute on its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fxcost.analysis import programs, rebates, whatif
from fxcost.analysis.engine import AnalysisSettings
from fxcost.pipeline import run
from fxcost.summary import build

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "assets" / "sample-statement.htm"


def settings(*names: str) -> AnalysisSettings:
    s = AnalysisSettings()
    s.programs = [programs.load_named(n) for n in names]
    return s


@pytest.fixture(scope="module")
def ib_tiered():
    return run([SAMPLE], settings("ib-tiered", "example-cashback"))


def _at(records: list[dict], key: str, value: float) -> dict:
    return next(r for r in records if r[key] == pytest.approx(value))


def test_spread_sweep_is_priced_under_the_main_program_everywhere(ib_tiered):
    """Issue 10: ib-tiered at +2 pips, the Compare view showed rebate 1,943.88 against 1,968.92 in the JSON and
    Excel (the view's sweep was priced without the program)."""
    from fxcost.ui import viewdata

    summary = build(ib_tiered)
    t = ib_tiered.trades
    main = ib_tiered.settings.main_program
    expected = whatif.spread_sweep(t, program=main, currency=ib_tiered.currency)
    views = viewdata.prepare(ib_tiered)
    row = views.spread_sweep.set_index("extra_pips").loc[2.0]
    doc_row = _at(summary.document["sweeps"]["extra_spread_pips"], "extra_pips", 2.0)
    assert row["rebate"] == pytest.approx(expected.set_index("extra_pips").loc[2.0, "rebate"])
    assert row["rebate"] == pytest.approx(doc_row["rebate"], abs=1e-6)
    assert row["net_after_rebate"] == pytest.approx(doc_row["net_after_rebate"], abs=1e-6)
    # The program changes the figure (a pct-of-spread or capped deal pays more when spreads widen).
    unpriced = whatif.spread_sweep(t).set_index("extra_pips").loc[2.0, "rebate"]
    assert unpriced != pytest.approx(row["rebate"])


def _shared_program(share_for_first: float, default: float):
    base = programs.load_named("ib-tiered").as_dict()
    base.update(name="IB with shares", client_share_pct=default)
    return lambda first: programs.from_dict({**base, "client_shares": {first: share_for_first}})


@pytest.fixture(scope="module")
def two_clients(tmp_path_factory):
    from fxcost.samples.generate import generate

    folder = tmp_path_factory.mktemp("clients")
    paths = [folder / f"client{seed}.htm" for seed in (11, 12)]
    for seed, path in zip((11, 12), paths):
        generate(path, "mt4", 150, seed)
    return paths


def test_ib_view_gives_unlisted_clients_the_default_share(two_clients):
    """Issue 10: with client_shares, a client not listed got 0 % in the IB view (24,555.27 passed back against
    26,854.92 in the Overview, the CLI and Excel)."""
    from fxcost.ui import viewdata

    first = run(two_clients[:1], AnalysisSettings()).accounts[0].account_id
    program = _shared_program(50, 20)(first)
    result = run(two_clients, AnalysisSettings(programs=[program]))
    views = viewdata.prepare(result)
    by_client = views.ib["by_client"].set_index("account")
    other = next(a for a in by_client.index if a not in (first, "Total"))
    assert by_client.loc[other, "share_pct"] == pytest.approx(20.0)
    assert by_client.loc[first, "share_pct"] == pytest.approx(50.0)
    # The view's passed back is the Overview's rebate (the clients' share) and the JSON's.
    doc_total = views.summary.document["ib"]["by_client"][-1]
    assert by_client.loc["Total", "passed_back"] == doc_total["passed_back"]
    assert by_client.loc["Total", "passed_back"] == pytest.approx(result.trades["rebate"].sum(), abs=0.01)


def test_excel_ib_sheet_is_the_ib_views_program(two_clients, tmp_path):
    """Issue 10: the IB sheet was built from the Main program (cashback, "0 % passed back"), not from the program
    chosen in the IB view."""
    from openpyxl import load_workbook

    from fxcost.report.excel import write_workbook

    ib_program = programs.load_named("ib-tiered")
    result = run(two_clients, settings("example-cashback", "ib-tiered"))
    ib_program = result.settings.programs[1]
    summary = build(result, ib_program=ib_program)
    path = write_workbook(result, tmp_path / "r.xlsx", summary=summary)
    ws = load_workbook(path, read_only=True)["IB"]
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    text = " ".join(str(c) for r in rows for c in r if c is not None)
    assert f"Program: {ib_program.name}." in text and "Example cashback" not in text
    total = next(r for r in rows if r and r[0] == "Total")
    header = next(r for r in rows if r and r[0] == "Account")
    passed = header.index(next(h for h in header if h and str(h).startswith("Passed back")))
    assert total[passed] == summary.document["ib"]["by_client"][-1]["passed_back"]
    assert total[passed] > 0


def test_two_accounts_with_one_login_at_two_brokers_stay_apart(tmp_path):
    """Issue 10: the same login at two brokers became one client in by_account and the IB tables (600 trades)."""
    from fxcost.samples.generate import generate

    a, b = tmp_path / "a.htm", tmp_path / "b.htm"
    generate(a, "mt4", 60, 11)
    generate(b, "mt4", 40, 12)
    login = re.search(r"Account: (\d+)", a.read_text(encoding="utf-8")).group(1)
    text = b.read_text(encoding="utf-8")
    other = re.search(r"Account: (\d+)", text).group(1)
    b.write_text(text.replace(other, login).replace("Northwind Markets Ltd.", "Southwind Capital Ltd."),
                 encoding="utf-8")
    result = run([a, b], settings("ib-tiered"))
    assert len(result.accounts) == 2
    doc = build(result).document
    by_account = {r["account"]: r["trades"] for r in doc["by_account"]}
    assert len(by_account) == 2 and sorted(by_account.values()) == [40, 60]
    assert all(login in k for k in by_account)
    clients = [r for r in doc["ib"]["by_client"] if r["account"] != "Total"]
    assert sorted(r["trades"] for r in clients) == [40, 60]


def test_a_clients_payable_is_the_same_alone_and_in_the_book(two_clients):
    """Issue 10: 22.65 in the IB sheet and JSON but 22.66 in the Rebates sheet and alone (a program without tiers:
    pooled tiers would change the amount itself)."""
    flat = programs.from_dict({**programs.load_named("flat-8-per-lot").as_dict(), "client_share_pct": 33.3})
    both = build(run(two_clients, AnalysisSettings(programs=[flat]))).document["ib"]["by_client"]
    for path in two_clients:
        alone = build(run([path], AnalysisSettings(programs=[flat]))).document["ib"]["by_client"][0]
        in_book = next(r for r in both if r["account"] == alone["account"])
        assert in_book["passed_back"] == alone["passed_back"]
        assert in_book["ib_earnings"] == alone["ib_earnings"]


def test_trade_cents_add_up_to_each_accounts_rebate(two_clients):
    result = run(two_clients, settings("ib-tiered"))
    summary = build(result)
    t = result.trades
    for rows in t.groupby("account").groups.values():
        cents = summary.rebate_cents[t.index.get_indexer(rows)]
        assert round(cents.sum(), 2) == rebates.round_cents(t.loc[rows, "rebate"].sum())
