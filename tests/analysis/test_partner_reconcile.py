"""Partner reports (issue 14): read through a column mapping, reconciled per client and month with the model."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from fxcost.analysis import partner_reconcile as pr
from fxcost.errors import ImportFailed
from fxcost.importers import partner_report


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """A generated 3-client book costed under the bundled IB program (ib_earnings per trade)."""
    from fxcost.analysis import programs
    from fxcost.analysis.engine import AnalysisSettings
    from fxcost.pipeline import run
    from fxcost.samples.generate import generate

    tmp = tmp_path_factory.mktemp("partner")
    paths = [tmp / f"client{seed}.htm" for seed in (21, 22, 23)]
    for seed, path in zip((21, 22, 23), paths):
        generate(path, "mt4", 60, seed, months=3)
    settings = AnalysisSettings()
    settings.programs = [programs.load_named("ib-tiered")]
    return run(paths, settings)


def _portal_csv(path, model, change=None, drop=None):
    """A portal export in its own words ("Client ID", "Period" as Jan 2024, "Lots", "IB Commission", "$1,234.50")."""
    lines = ["Client ID;Period;Lots;IB Commission;Currency"]
    for r in model.itertuples(index=False):
        if (r.account, r.month) == drop:
            continue
        amount = r.earnings + (change[1] if change and (r.account, r.month) == change[0] else 0.0)
        month = f"{['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][int(r.month[5:]) - 1]} {r.month[:4]}"
        lines.append(f"{r.account};{month};{r.lots:.2f};{amount:.2f}".replace(".", ",") + ";USD")
    lines.append(";;;;")
    lines.append(f"Total;;;{model['earnings'].sum():.2f};".replace(".", ","))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_partner_report_that_reconciles(book, tmp_path):
    model = pr.modelled(book.trades)
    assert model["account"].nunique() == 3 and len(model) >= 6
    report = partner_report.read(_portal_csv(tmp_path / "portal.csv", model))
    assert report.columns == {"account": "Client ID", "date": "Period", "volume": "Lots", "reward": "IB Commission",
                              "currency": "Currency"}
    assert len(report.rows) == len(model) and report.skipped  # the blank and Total rows are no client rows
    rec = pr.reconcile(book.trades, report, book.currency)
    assert rec.reconciles, rec.lines()
    assert rec.totals()["difference"] == 0.0
    assert rec.rows["reported_lots"].to_numpy() == pytest.approx(rec.rows["modelled_lots"].to_numpy())
    assert "Every client-month agrees" in "\n".join(rec.lines())


def test_a_partner_report_names_the_differing_client_month(book, tmp_path):
    model = pr.modelled(book.trades)
    changed = (model["account"].iloc[1], model["month"].iloc[1])
    dropped = (model["account"].iloc[-1], model["month"].iloc[-1])
    path = _portal_csv(tmp_path / "portal.csv", model, change=(changed, -3.21), drop=dropped)
    rec = pr.reconcile(book.trades, partner_report.read(path), book.currency)
    assert not rec.reconciles
    diff = rec.differing
    assert [(a, m) for a, m in zip(diff["account"], diff["month"])] == sorted([changed, dropped])
    row = diff.set_index(["account", "month"]).loc[changed]
    assert row["status"] == pr.DIFFERS and row["difference"] == pytest.approx(-3.21)
    assert diff.set_index(["account", "month"]).loc[dropped, "status"] == pr.NOT_REPORTED
    text = "\n".join(rec.lines())
    assert f"{changed[0]} {changed[1]}" in text and "not in the partner report" in text
    doc = rec.json()
    assert doc["reconciles"] is False and len(doc["differing"]) == 2


def test_a_client_only_in_the_partner_report_is_named(book, tmp_path):
    model = pr.modelled(book.trades)
    path = _portal_csv(tmp_path / "portal.csv", model)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("9999999;Feb 2024;1,00;7,00;USD\n")
    rec = pr.reconcile(book.trades, partner_report.read(path), book.currency)
    assert rec.differing[["account", "month", "status"]].values.tolist() == [["9999999", "2024-02", pr.NOT_MODELLED]]


def test_xlsx_with_a_mapping_and_a_title_row(book, tmp_path):
    model = pr.modelled(book.trades)
    wb = Workbook()
    ws = wb.active
    ws.append(["Partner commission report"])
    ws.append(["MT Login", "Trade close", "Vol", "Payout (USD)"])
    for r in model.itertuples(index=False):
        ws.append([int(r.account), f"{r.month}-15 10:00:00", r.lots, r.earnings])
    path = tmp_path / "portal.xlsx"
    wb.save(path)
    with pytest.raises(ImportFailed, match="no partner-report table"):
        partner_report.read(path)
    mapping = partner_report.parse_mapping(["account=MT Login", "date=Trade close", "reward=Payout (USD)",
                                            "volume=Vol"])
    rec = pr.reconcile(book.trades, partner_report.read(path, mapping), book.currency)
    assert rec.reconciles, rec.lines()


@pytest.mark.parametrize("cell, month", [("2024-01", "2024-01"), ("01/2024", "2024-01"), ("March 2024", "2024-03"),
                                         ("mar-24", "2024-03"), ("2024.02.29 23:59", "2024-02"),
                                         ("31/01/2024", "2024-01"), ("2024-13", None), ("total", None)])
def test_months(cell, month):
    import pandas as pd

    got = partner_report.months(pd.Series([cell], dtype=object))[0].iloc[0]
    assert (got if isinstance(got, str) else None) == month


def test_bad_partner_reports_say_why(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Client,Month,Lots\n1,2024-01,2\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="no reward column"):
        partner_report.read(path)
    with pytest.raises(ImportFailed, match="no such column"):
        partner_report.read(path, {"reward": "Payout"})
    with pytest.raises(ValueError, match="COLUMN=HEADER"):
        partner_report.parse_mapping(["reward"])
    with pytest.raises(ValueError, match="unknown partner-report column"):
        partner_report.parse_mapping(["rewards=Payout"])


def test_a_login_at_two_brokers():
    import pandas as pd

    trades = pd.DataFrame({"account": ["111 (Alpha)", "111 (Beta)", "222 (Alpha)"],
                           "close_time": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-01-07"]),
                           "lots": [1.0, 1.0, 2.0], "ib_earnings": [5.0, 6.0, 10.0]})
    rows = pd.DataFrame({"account": ["111", "222"], "month": ["2024-01", "2024-01"], "volume": [2.0, 2.0],
                         "reward": [11.0, 10.0], "currency": ["", ""]})
    rec = pr.reconcile(trades, rows)
    # 222 is one account ("222 (Alpha)"): matched; 111 is at two brokers: named, not guessed.
    assert rec.rows.set_index("account").loc["222 (Alpha)", "status"] == pr.MATCHED
    assert sorted(rec.differing["account"]) == ["111", "111 (Alpha)", "111 (Beta)"]
    assert any("more than one broker" in n for n in rec.notes)


def test_the_modelled_figures_are_the_ib_views(book):
    """Issue 10's one cents rule: the reconciliation's modelled client-months are the IB view's By client and
    month cents (each client's months share out the client's total), so the two never differ by a cent."""
    from fxcost.analysis import ib

    program = book.settings.main_program
    model = pr.modelled(book.trades)
    view = ib.program_rollup(book.trades, program)["by_client_month"]
    view = view[view["account"].astype(str) != "Total"]
    shown = {(str(a), str(m)): e for a, m, e in zip(view["account"], view["month"], view["ib_earnings"])}
    assert len(shown) == len(model) > 3
    for a, m, e in zip(model["account"], model["month"], model["earnings"]):
        assert e == shown[(a, m)], (a, m)
    totals = ib.program_rollup(book.trades, program)["by_client"].set_index("account")["ib_earnings"]
    assert round(float(model["earnings"].sum()), 2) == totals.loc["Total"]


def test_a_clients_months_add_up_to_the_client_rounded_once():
    """Half cents in two months: rounded month by month they would make 0.02, the client earned 0.01."""
    import pandas as pd

    trades = pd.DataFrame({"account": ["7", "7", "8"], "lots": [1.0, 1.0, 1.0], "ib_earnings": [0.005, 0.005, 1.0],
                           "close_time": pd.to_datetime(["2024-01-10", "2024-02-10", "2024-02-11"])})
    model = pr.modelled(trades)
    assert model[model["account"] == "7"]["earnings"].tolist() == [0.01, 0.0]
    assert model["earnings"].sum() == pytest.approx(1.01)
