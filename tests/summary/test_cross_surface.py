"""Every figure from one place (issue 10): the views, ``report --json``, the Excel cells and the CSV sums agree.

For the bundled sample, every history report in ../shared/samples and a generated 3-account book under an IB
program with ``client_shares``: the figures the views are given (viewdata.views_json, what ``--smoke-test``
writes as views.json) are compared figure by figure with the JSON the command line writes for the same options,
then with the workbook's cells and the trades CSV's sums, for the main program, every compared program and a
sweep point. The last tests make one surface compute on its own and check that the comparison catches it.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from fxcost import cli
from fxcost.analysis import ib as ib_rollups
from fxcost.analysis import programs, rebates, whatif
from fxcost.report.columns import TRADE_COLUMNS
from fxcost.summary.ib_book import activity_worth_telling
from tests.conftest import ROOT, SAMPLES

SAMPLE = ROOT / "assets" / "sample-statement.htm"
#: The options of every case: a main program, a compared one, the IB view's program (issue 10's examples).
OPTIONS = ["--program", "ib-tiered", "--program", "example-cashback"]
#: Lists keyed by these fields, so both sides are matched row by row (the views fill months without trades).
LIST_KEYS = {"by_symbol": "symbol", "by_month": "month", "by_account": "account", "whatif": "name",
             "extra_spread_pips": "extra_pips", "rebate_rate": "rebate_multiplier",
             # "setup": a deal's clients in ib_compare (issue 14); None on both sides in the ib block's by_client.
             "by_client": ("setup", "account"), "programs": "setup", "passback_sweep": ("pass_back_pct", "is_program"),
             "clients": "account",
             "by_client_month": None, "payout_matches": None, "warnings": None,
             # Issue 15: the Overview's By year and the Strategies view's tables.
             "by_year": "year", "by_strategy": "strategy", "by_magic": "magic",
             # Issue 12: the spread per account and symbol, and each account's profile and catalogue pick.
             "spread_table": ("account", "symbol"), "spread_profiles": "account"}


def _close(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return a == b
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


def mismatches(views: dict, doc: dict, path: str = "") -> list[str]:
    """Every figure present on both sides that differs (lists matched by their key field), as "path: a != b"."""
    out: list[str] = []
    if isinstance(views, dict) and isinstance(doc, dict):
        for k in views:
            if k in doc:
                if isinstance(views[k], list) and isinstance(doc[k], list) and k in LIST_KEYS:
                    field = LIST_KEYS[k]
                    if field is None:
                        continue
                    def key_of(r: dict, field=field) -> str:
                        return "|".join(str(r.get(f)) for f in field) if isinstance(field, tuple) else str(r.get(field))

                    theirs = {key_of(r): r for r in doc[k] if isinstance(r, dict)}
                    for r in views[k]:
                        key = key_of(r)
                        if key in theirs:
                            out += mismatches(r, theirs[key], f"{path}.{k}[{key}]")
                        elif k not in ("by_month",):  # the views' month axis adds the months without trades
                            out.append(f"{path}.{k}[{key}]: only in the views")
                else:
                    out += mismatches(views[k], doc[k], f"{path}.{k}")
    elif not _close(views, doc):
        out.append(f"{path}: {views!r} != {doc!r}")
    return out


def _surfaces(files: list[Path], options: list[str], tmp: Path, ib_program: str | None = None):
    """(views.json figures, the views' summary, report --json, workbook path, CSV path) for ``files``."""
    from fxcost.session import Catalog
    from fxcost.ui import viewdata

    argv = [str(f) for f in files] + options + (["--ib-program", ib_program] if ib_program else [])
    out = {"json": tmp / "r.json", "xlsx": tmp / "r.xlsx", "csv": tmp / "t.csv"}
    code = cli.main(["report", *argv, "--json", str(out["json"]), "-o", str(out["xlsx"]), "--csv", str(out["csv"]),
                     "-q"])
    # The app's door: the same options through the same Session, then the views' own bundle.
    args = cli.build_parser().parse_args(argv)
    catalog = Catalog(user=False)
    session = cli.session_from_args(args, catalog)
    result = session.run(catalog)
    if code == 1:  # nothing could be imported (a report without a trade list): both doors refuse it alike
        assert not result.portfolio.files and result.portfolio.failures
        return None
    assert code == 0
    views = viewdata.prepare(result, ib_program=session.ib_program(catalog))
    return viewdata.views_json(views), views, json.loads(out["json"].read_text(encoding="utf-8")), out


def _table(ws, first_header: str, start: int = 0) -> list[dict]:
    """The rows under the first header row (from row ``start``) whose first cell is ``first_header``."""
    rows = list(ws.iter_rows(values_only=True))
    for i in range(start, len(rows)):
        if rows[i] and rows[i][0] == first_header:
            header = [str(h) if h is not None else "" for h in rows[i]]
            out = []
            for r in rows[i + 1:]:
                if not r or r[0] is None:
                    break
                out.append(dict(zip(header, r)))
            return out
    return []


def _row_of(ws, first_cell: str) -> int:
    """The index of the first row whose first cell starts with ``first_cell`` (the end when none)."""
    rows = list(ws.iter_rows(values_only=True))
    return next((i for i, r in enumerate(rows) if r and str(r[0] or "").startswith(first_cell)), len(rows))


def _col(row: dict, label: str):
    """The cell under ``label``, or under ``label (CCY)`` for money (xlsx_book.Book.money)."""
    return next(v for k, v in row.items() if k == label or k.startswith(label + " ("))


def _excel_mismatches(path: Path, doc: dict) -> list[str]:
    out = []
    wb = load_workbook(path, read_only=True)
    compare = {r["Setup"]: r for r in _table(wb["Compare"], "Setup")}
    for w in doc.get("whatif") or []:  # the main program and every compared program
        row = compare.get(w["name"])
        if row is None:
            out.append(f"Compare sheet: no row {w['name']}")
            continue
        for label, key in (("Rebate", "rebate"), ("Net after rebate", "net_after_rebate")):
            if not _close(round(_col(row, label), 6), w[key]):
                out.append(f"Compare sheet {w['name']} {key}: {_col(row, label)} != {w[key]}")
    sweep = {r["Extra spread (pips)"]: r for r in _table(wb["Compare"], "Extra spread (pips)")}
    for s in (doc.get("sweeps") or {}).get("extra_spread_pips") or []:
        row = sweep.get(s["extra_pips"])
        if row is None or not _close(round(_col(row, "Rebate"), 6), s["rebate"]):
            out.append(f"Compare sheet sweep {s['extra_pips']}: {row and _col(row, 'Rebate')} != {s['rebate']}")
    symbols = {r["Symbol"]: r for r in _table(wb["By symbol"], "Symbol")}
    for s in doc.get("by_symbol") or []:
        row = symbols.get(s["symbol"])
        if row is None or not _close(round(_col(row, "Rebate"), 6), s["rebate"]):
            out.append(f"By symbol sheet {s['symbol']}: {row and _col(row, 'Rebate')} != {s['rebate']}")
    # The alerts at the top of the Summary sheet (issue 11): the same files, in the same order, as the JSON's.
    marks = ("ATTENTION: ", "NOTE: ")
    shown = [r[0] for r in wb["Summary"].iter_rows(max_col=1, values_only=True)
             if isinstance(r[0], str) and r[0].startswith(marks)]
    expected = [("ATTENTION: " if a["severity"] == "error" else "NOTE: ") + a["headline"] for a in doc.get("alerts") or []]
    if shown != expected:
        out.append(f"Summary sheet alerts: {shown} != {expected}")
    spreads = {(str(r["Account"]), r["Symbol"]): r
               for r in _table(wb["Summary"], "Account", _row_of(wb["Summary"], "Spread per account and symbol"))}
    for s in (doc.get("assumptions") or {}).get("spread_table") or []:  # issue 12: every symbol's spread
        row = spreads.get((str(s["account"]), s["symbol"]))
        if row is None or row["Source"] != s["source"] or not _close(row["Spread used"], s["spread_pips"]) or \
                row["Same-second pairs"] != s["pairs"]:
            out.append(f"Summary sheet spread of {s['account']} {s['symbol']}: {row} != {s}")
    if doc.get("ib") and "IB" in wb.sheetnames:
        clients = {str(r["Account"]): r for r in _table(wb["IB"], "Account")}
        for c in doc["ib"]["by_client"]:
            row = clients.get(str(c["account"]))
            for label, key in (("Passed back", "passed_back"), ("IB earnings", "ib_earnings")):
                if row is None or not _close(_col(row, label), c[key]):
                    out.append(f"IB sheet {c['account']} {key}: {row and _col(row, label)} != {c[key]}")
    return out + _excel_ib_side(wb, doc)


#: Issue 14: the IB's money of every deal compared, as the Compare sheet heads it and the JSON keys it.
IB_MONEY = (("IB earnings", "ib_earnings"), ("Passed back", "passed_back"), ("IB keeps", "ib_keeps"),
            ("IB keeps per lot", "ib_keeps_per_lot"))


def _excel_ib_side(wb, doc: dict) -> list[str]:
    """Issue 14: each deal's IB columns, the pass-back sweep, the projection and the activity shares in the
    workbook equal the JSON's."""
    out = []
    compare = {r["Setup"]: r for r in _table(wb["Compare"], "Setup")}
    for w in doc.get("whatif") or []:
        row = compare.get(w["name"], {})
        for label, key in IB_MONEY:
            cell = next((v for k, v in row.items() if k == f"{label} ({doc['currency']})"), None)
            if not _close(cell, w.get(key)):
                out.append(f"Compare sheet {w['name']} {key}: {cell} != {w.get(key)}")
    sweep = {r["Passed back (%)"]: r for r in _table(wb["Compare"], "Passed back (%)")}
    for p in doc.get("passback_sweep") or []:
        row = sweep.get(p["pass_back_pct"])
        money = {k: row.get(f"{k} ({doc['currency']})") for k in ("IB keeps", "Passed back")} if row else {}
        if row is None or not _close(money["IB keeps"], p["ib_keeps"]) or \
                not _close(money["Passed back"], p["passed_back"]) or (row["Program's own"] == "yes") != p["is_program"]:
            out.append(f"Compare sheet pass-back sweep {p['pass_back_pct']}: {row} != {p}")
    if "IB" not in wb.sheetnames:
        return out + ([] if not doc.get("ib") else ["no IB sheet for an IB deal"])
    projection = doc.get("ib_projection") or {}
    if projection.get("months"):
        rows = {r["Projected"]: r for r in _table(wb["IB"], "Projected", _row_of(wb["IB"], "Projection from"))}
        for label, key in (("IB earnings", "ib_earnings"), ("IB keeps", "ib_keeps")):
            row = rows.get(label)
            if row is None or not _close(_col(row, "Per month"), projection[f"{key}_per_month"]) or \
                    not _close(_col(row, "Per year"), projection[f"{key}_per_year"]):
                out.append(f"IB sheet projection {key}: {row} != {projection}")
    activity = (doc.get("activity") or {}).get("clients") or []
    if not activity_worth_telling(len(activity), (doc.get("activity") or {}).get("concentration")):
        # One client who earns the IB nothing (a trader's own file): the sheet leaves client activity out.
        if any(str(r[0] or "").startswith("Client activity") for r in wb["IB"].iter_rows(values_only=True) if r):
            out.append("IB sheet: client activity of a single client without IB earnings")
        return out
    shown = {r["Client"]: r for r in _table(wb["IB"], "Client", _row_of(wb["IB"], "Client activity"))}
    for a in activity:
        row = shown.get(a["client"])
        if row is None or not _close(_col(row, "IB earnings"), a["ib_earnings"]) or \
                not _close(row["Share of IB earnings (%)"], a["earnings_share_pct"]):
            out.append(f"IB sheet activity of {a['client']}: {row} != {a}")
    return out


def _text_mismatches(doc: dict) -> list[str]:
    """Issue 14: the command line's line of each deal prints the IB money of its ``whatif`` entry, and the sweep's
    line of the program's own shares prints the ``ib`` block's Total (the text is drawn from other blocks)."""
    from fxcost.money import money_text
    from fxcost.report import json_summary

    lines = json_summary.render_ib_side(doc)
    out = []
    if any(p.get("is_ib") for p in (doc.get("ib_compare") or {}).get("programs") or []):
        for w in doc.get("whatif") or []:
            if w.get("ib_keeps") is None:
                continue
            line = next((x for x in lines if x.strip().startswith(w["name"] + ":")
                         or x.strip().startswith(w["name"] + " (cashback")), "")
            for key in ("ib_earnings", "passed_back", "ib_keeps"):
                if money_text(w[key]) not in line:
                    out.append(f"text of {w['name']}: no {key} {money_text(w[key])} in {line!r}")
    ib = doc.get("ib")
    if ib and doc.get("passback_sweep") and ib["program"] == (doc.get("ib_projection") or {}).get("program"):
        total = ib["by_client"][-1]
        own = next((x for x in lines if x.endswith("<- the program's own shares")), "")
        if f"IB keeps {money_text(total['ib_keeps'])}," not in own:
            out.append(f"text of the sweep's own row: no IB keeps {money_text(total['ib_keeps'])} in {own!r}")
    return out


def _csv_mismatches(path: Path, doc: dict) -> list[str]:
    """The trades CSV's Rebate cents per account add up to the account's rebate (by_account, or the whole
    history's with one account) and, under an IB program, to what the IB table says is passed back."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    a = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "account")
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "rebate")
    sums: dict[str, float] = {}
    for r in rows:
        sums[r[a]] = round(sums.get(r[a], 0.0) + float(r[j] or 0), 2)
    expected = ({str(r["account"]): rebates.round_cents(r["rebate"]) for r in doc.get("by_account") or []}
                if len(sums) > 1 else {k: doc["costs"]["rebate"] for k in sums})
    if doc.get("ib") and doc["ib"]["program"] == doc["rebate"]["program"]:  # the trades' rebate is the IB's share
        expected = {str(r["account"]): r["passed_back"] for r in doc["ib"]["by_client"] if r["account"] != "Total"}
    return [f"CSV rebate of {k}: {v} != {expected.get(k)}" for k, v in sums.items() if expected.get(k) != v]


def _check(files: list[Path], tmp: Path, options: list[str] = OPTIONS, ib_program: str | None = None) -> None:
    surfaces = _surfaces(files, options, tmp, ib_program)
    if surfaces is None:
        return
    figures, views, doc, out = surfaces
    assert mismatches(figures, doc) == []
    assert figures["alerts"] == doc["alerts"]  # the Overview's banner says what the JSON and the CLI say
    assert figures["whatif"] and figures["sweeps"]["extra_spread_pips"]  # the programs and a sweep point compared
    assert _excel_mismatches(out["xlsx"], doc) == []
    assert _csv_mismatches(out["csv"], doc) == []
    assert _text_mismatches(doc) == []
    if doc.get("ib"):  # issue 14: the IB's side is there to compare
        assert doc["passback_sweep"] and doc["ib_compare"]["programs"] and doc["activity"]["clients"]


def test_the_bundled_sample(tmp_path):
    _check([SAMPLE], tmp_path)


def _three_accounts(folder: Path) -> tuple[list[Path], Path]:
    """Three generated client accounts and an IB program that lists two of them in client_shares."""
    import re

    from fxcost.samples.generate import generate

    paths = [folder / f"client{seed}.htm" for seed in (21, 22, 23)]
    logins = []
    for seed, path in zip((21, 22, 23), paths):
        generate(path, "mt4", 120, seed)
        logins.append(re.search(r"Account: (\d+)", path.read_text(encoding="utf-8")).group(1))
    data = programs.load_named("ib-tiered").as_dict()
    data.update(name="IB shares", client_share_pct=25, client_shares={logins[0]: 50, logins[1]: 10})
    program = folder / "ib-shares.json"
    program.write_text(json.dumps(data), encoding="utf-8")
    return paths, program


def test_a_three_account_book_with_client_shares(tmp_path):
    paths, program = _three_accounts(tmp_path)
    _check(paths, tmp_path, ["--program", str(program), "--program", "example-cashback"])
    # The IB view's program apart from the main one (issue 10: the IB sheet followed the main program).
    _check(paths, tmp_path, ["--program", "example-cashback", "--program", "flat-8-per-lot"], ib_program=str(program))


def _history_reports() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    return sorted(p for p in SAMPLES.iterdir()
                  if p.suffix.lower() in (".htm", ".html", ".xlsx", ".csv") and "TEMPLATE" not in p.name)


@pytest.mark.samples
@pytest.mark.parametrize("path", _history_reports(), ids=lambda p: p.name)
def test_every_shared_sample(path, tmp_path):
    _check([path], tmp_path)


# --- the comparison catches a surface that computes on its own ------------------------------------------------


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("book")
    paths, program = _three_accounts(tmp)
    return _surfaces(paths, ["--program", str(program), "--program", "example-cashback"], tmp)


def test_a_view_with_its_own_sweep_is_caught(book):
    from dataclasses import replace

    from fxcost.ui import viewdata

    figures, views, doc, _ = book
    t = views.result.trades
    own = replace(views, spread_sweep=whatif.spread_sweep(t))  # priced without the program, as before issue 10
    assert any(".sweeps.extra_spread_pips" in m for m in mismatches(viewdata.views_json(own), doc))


def test_a_view_with_its_own_ib_shares_is_caught(book):
    from dataclasses import replace

    from fxcost.ui import viewdata

    figures, views, doc, _ = book
    program = views.result.settings.main_program
    own = replace(views, ib=ib_rollups.ib_rollup(views.result.trades, program.client_shares))  # no default share
    assert any(".ib.by_client" in m for m in mismatches(viewdata.views_json(own), doc))


def test_a_csv_rounded_trade_by_trade_is_caught(book, tmp_path):
    figures, views, doc, out = book
    with open(out["csv"], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "rebate")
    t = views.result.trades
    own = np.asarray(rebates.round_cents(t["rebate"].to_numpy(dtype=float)))  # each trade on its own
    for r, v in zip(rows[1:], own):
        r[j] = repr(float(v))
    path = tmp_path / "own.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    assert _csv_mismatches(path, doc)


def test_a_workbook_from_another_program_is_caught(book, tmp_path):
    from fxcost.report.excel import write_workbook
    from fxcost.summary import build

    figures, views, doc, out = book
    result = views.result
    other = build(result, ib_program=programs.load_named("ib-tiered"))  # the IB sheet under another program
    path = write_workbook(result, tmp_path / "own.xlsx", summary=other)
    assert any(m.startswith("IB sheet") for m in _excel_mismatches(path, doc))


def test_a_banner_of_its_own_is_caught(book):
    """Issue 11: the Overview's banner must say what the JSON's ``alerts`` say."""
    from dataclasses import replace

    from fxcost.summary.alerts import ERROR, FileAlert
    from fxcost.ui import viewdata

    figures, views, doc, _ = book
    own = replace(views, figures={**views.figures, "alerts": (FileAlert("x.htm", ERROR, "x.htm does not reconcile"),)})
    assert any(m.startswith(".alerts") for m in mismatches(viewdata.views_json(own), doc))


def test_a_view_with_its_own_spread_table_is_caught(book):
    """Issue 12: an Overview that priced the spreads its own way (here: the profile's value for every symbol, as
    before observed spreads) differs from the JSON's spread table."""
    from dataclasses import replace

    from fxcost.ui import viewdata

    figures, views, doc, _ = book
    assert figures["assumptions"]["spread_table"] and mismatches(figures, doc) == []
    spreads = views.spreads
    own = replace(views, spreads=spreads.assign(spread_pips=spreads["spread_pips"] * 2, source="profile"))
    assert any(".assumptions.spread_table" in m for m in mismatches(viewdata.views_json(own), doc))


def test_a_summary_sheet_without_the_spread_table_is_caught(book, tmp_path):
    figures, views, doc, out = book
    gone = {**doc, "assumptions": {**doc["assumptions"], "spread_table": [
        {**r, "spread_pips": (r["spread_pips"] or 0) + 1} for r in doc["assumptions"]["spread_table"]]}}
    assert any(m.startswith("Summary sheet spread") for m in _excel_mismatches(out["xlsx"], gone))


def test_ib_figures_of_their_own_are_caught(book):
    """Issue 14: a workbook or a text whose IB keeps, sweep or projection differ from the JSON's is caught."""
    _, _, doc, out = book
    wb = load_workbook(out["xlsx"], read_only=True)
    assert _excel_ib_side(wb, doc) == [] and _text_mismatches(doc) == []
    other = json.loads(json.dumps(doc))
    other["whatif"][0]["ib_keeps"] += 0.01
    other["passback_sweep"][3]["ib_keeps"] += 0.01
    other["ib_projection"]["ib_keeps_per_year"] += 1.0
    other["activity"]["clients"][0]["earnings_share_pct"] += 0.5
    found = _excel_ib_side(wb, other)
    assert [m.split(":")[0] for m in found] == [
        f"Compare sheet {doc['whatif'][0]['name']} ib_keeps",
        f"Compare sheet pass-back sweep {doc['passback_sweep'][3]['pass_back_pct']}",
        "IB sheet projection ib_keeps", f"IB sheet activity of {doc['activity']['clients'][0]['client']}"]
    # The text draws a deal's line from ib_compare: one that differs from the whatif entry is caught.
    other = json.loads(json.dumps(doc))
    other["ib_compare"]["programs"][0]["ib_keeps"] += 0.01
    assert _text_mismatches(other)[0].startswith(f"text of {doc['ib_compare']['programs'][0]['setup']}")


def test_views_json_holds_the_ib_side_and_a_view_of_its_own_is_caught(book):
    """Issue 14 / issue 10: views.json carries the IB columns, sweep, projection and activity the Compare and IB
    views show, equal to the JSON's; a Compare view pricing its own IB keeps would show as a difference."""
    from dataclasses import replace

    from fxcost.ui import viewdata

    figures, views, doc, _ = book
    assert figures["ib_compare"]["programs"] and figures["passback_sweep"] and figures["activity"]["clients"]
    assert mismatches(figures, doc) == []
    own_compare = views.summary.ib_compare.copy()
    own_compare.loc[0, "ib_keeps"] += 0.01
    own = replace(views, summary=replace(views.summary, ib_compare=own_compare))
    assert any(m.startswith(".ib_compare.programs[") and "ib_keeps" in m
               for m in mismatches(viewdata.views_json(own), doc))
