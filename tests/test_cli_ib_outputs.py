"""``report --partner-report`` and ``--client-statements`` (issue 14), in-process."""

from __future__ import annotations

import json

import pytest

from fxcost import cli
from fxcost.analysis import partner_reconcile as pr


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """Three generated client statements and the modelled IB earnings under the bundled IB program, from the
    command line's own session (the spread profile decides the spread cap, so the same options are used)."""
    from fxcost.samples.generate import generate
    from fxcost.session import Catalog

    tmp = tmp_path_factory.mktemp("cli_ib")
    paths = [tmp / f"client{seed}.htm" for seed in (41, 42, 43)]
    for seed, path in zip((41, 42, 43), paths):
        generate(path, "mt4", 50, seed, months=2)
    catalog = Catalog(user=False)
    args = cli.build_parser().parse_args([*map(str, paths), "--program", "ib-tiered"])
    return paths, pr.modelled(cli.session_from_args(args, catalog).run(catalog).trades)


def _portal(path, model, bump=None):
    rows = ["Login,Month,Volume,Reward"]
    for r in model.itertuples(index=False):
        amount = r.earnings + (5.0 if (r.account, r.month) == bump else 0.0)
        rows.append(f"{r.account},{r.month},{r.lots:.2f},{amount:.2f}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_reconciling_partner_report_and_the_statements(book, tmp_path, capsys):
    paths, model = book
    portal = _portal(tmp_path / "portal.csv", model)
    month = model["month"].iloc[0]
    code = cli.main(["report", *map(str, paths), "--program", "ib-tiered", "--partner-report", str(portal),
                     "--json", str(tmp_path / "r.json"), "--client-statements", str(tmp_path / "st"),
                     "--statement-period", month])
    assert code == 0
    out = capsys.readouterr().out
    assert "Every client-month agrees to the cent." in out and "Client statements: 3 written" in out
    block = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["partner_reconciliation"]
    assert block["reconciles"] is True and len(block["rows"]) == len(model) and block["differing"] == []
    assert block["modelled"] == pytest.approx(float(model["earnings"].sum()))
    assert len(list((tmp_path / "st").glob("*.xlsx"))) == 3


def test_the_differing_client_month_is_named(book, tmp_path, capsys):
    paths, model = book
    bump = (model["account"].iloc[2], model["month"].iloc[2])
    portal = _portal(tmp_path / "portal.csv", model, bump)
    assert cli.main(["report", *map(str, paths), "--program", "ib-tiered", "--partner-report", str(portal),
                     "--json", "-"]) == 0
    block = json.loads(capsys.readouterr().out)["partner_reconciliation"]
    assert [(d["account"], d["month"], d["difference"]) for d in block["differing"]] == [(*bump, 5.0)]
    assert cli.main(["report", *map(str, paths), "--program", "ib-tiered", "--partner-report", str(portal)]) == 0
    assert f"{bump[0]} {bump[1]}: modelled" in capsys.readouterr().out


def test_a_partner_map_and_bad_input(book, tmp_path, capsys):
    paths, model = book
    portal = tmp_path / "portal.csv"
    portal.write_text("Client ID,Paid on,Payout\n" + "".join(
        f"{r.account},{r.month}-28,{r.earnings:.2f}\n" for r in model.itertuples(index=False)), encoding="utf-8")
    base = ["report", *map(str, paths), "--program", "ib-tiered", "--partner-report", str(portal)]
    assert cli.main([*base, "--partner-map", "date=Paid on", "--partner-map", "reward=Payout", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["partner_reconciliation"]["reconciles"] is True
    assert cli.main(base) == 2
    assert "has no date column" in capsys.readouterr().err
    assert cli.main([*base, "--partner-map", "payout"]) == 2
    assert "--partner-map: 'payout' is not COLUMN=HEADER" in capsys.readouterr().err
    assert cli.main([*base[:-2], "--client-statements", str(tmp_path / "s"), "--statement-period", "May"]) == 2
    assert "--statement-period: 'May' is not a month" in capsys.readouterr().err


def test_client_statements_as_pdf_for_one_client(book, tmp_path, capsys):
    paths, model = book
    login = model["account"].iloc[0]
    out = tmp_path / "pdf"
    assert cli.main(["report", *map(str, paths), "--program", "ib-tiered", "--client-statements", str(out),
                     "--statement-format", "pdf", "--client", login, "-q"]) == 0
    assert [p.name for p in out.iterdir()] == [f"statement-{login}-all_trades.pdf"]
    assert cli.main(["report", *map(str, paths), "--program", "ib-tiered", "--client", login]) == 2
    assert "--client names the client of --client-statements" in capsys.readouterr().err
    assert cli.main(["report", *map(str, paths), "--program", "ib-tiered", "--client-statements", str(out),
                     "--client", "nobody"]) == 2
    assert "--client: no client account 'nobody'" in capsys.readouterr().err


def test_the_partner_reconciliation_in_the_workbook(book, tmp_path):
    from openpyxl import load_workbook

    paths, model = book
    bump = (model["account"].iloc[1], model["month"].iloc[1])
    portal = _portal(tmp_path / "portal.csv", model, bump)
    report = tmp_path / "r.xlsx"
    assert cli.main(["report", *map(str, paths), "--program", "ib-tiered", "--partner-report", str(portal),
                     "-o", str(report), "-q"]) == 0
    rows = [[c for c in row if c is not None] for row in load_workbook(report)["IB"].iter_rows(values_only=True)]
    (title,) = [r[0] for r in rows if r and str(r[0]).startswith("Partner report against")]
    assert "1 client-month(s) differ" in title
    differs = [r for r in rows if len(r) > 2 and r[-1] == pr.DIFFERS]
    assert [(r[0], r[1], r[-2]) for r in differs] == [(*bump, 5.0)]
    portal = _portal(tmp_path / "portal.csv", model)
    assert cli.main(["report", *map(str, paths), "--program", "ib-tiered", "--partner-report", str(portal),
                     "-o", str(report), "-q"]) == 0
    rows = [[c for c in row if c is not None] for row in load_workbook(report)["IB"].iter_rows(values_only=True)]
    assert any(r and "every client-month agrees to the cent" in str(r[0]) for r in rows)


def test_statements_follow_the_analysis_period(book, tmp_path):
    paths, model = book
    login, month = model["account"].iloc[0], model["month"].iloc[0]
    out = tmp_path / "st"
    assert cli.main(["report", *map(str, paths), "--program", "ib-tiered", "--period", month, "--client-statements",
                     str(out), "--client", login, "-q"]) == 0
    (path,) = out.iterdir()
    assert path.name == f"statement-{login}-{month}.xlsx"
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    mine = model[(model["account"] == login) & (model["month"] == month)]
    assert ws["B4"].value == month and ws["B8"].value == pytest.approx(float(mine["lots"].iloc[0]))
