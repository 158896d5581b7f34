"""Client statements (issue 14): what an IB sends a client; cents add up, nothing of the IB's side is in it."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from openpyxl import load_workbook

from fxcost.analysis import ib, programs, rebates
from fxcost.errors import ExportError
from fxcost.report import client_statement as cs

#: Words of the IB's side that must appear in no cell of a client's statement.
IB_WORDS = re.compile(r"\bIB\b|earn|margin|keep|passed|share|rule|program|commission|partner", re.IGNORECASE)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """Three generated clients under an IB deal passing 50 %, 10 % and the default 25 % back."""
    from fxcost.analysis.engine import AnalysisSettings
    from fxcost.pipeline import run
    from fxcost.samples.generate import generate

    tmp = tmp_path_factory.mktemp("statements")
    paths, logins = [], []
    for seed in (31, 32, 33):
        path = tmp / f"client{seed}.htm"
        generate(path, "mt4", 80, seed, months=3)
        paths.append(path)
        logins.append(re.search(r"Account: (\d+)", path.read_text(encoding="utf-8")).group(1))
    data = programs.load_named("ib-tiered").as_dict()
    data.update(name="IB shares", client_share_pct=25, client_shares={logins[0]: 50, logins[1]: 10})
    program = programs.from_dict(json.loads(json.dumps(data)))
    settings = AnalysisSettings()
    settings.programs = [program]
    return run(paths, settings), program, logins


def _cells(path):
    ws = load_workbook(path).active
    return [c for row in ws.iter_rows() for c in row if c.value is not None], ws


def test_a_client_statement_whose_trade_cents_sum_to_its_payable(book, tmp_path):
    result, program, logins = book
    t = result.trades
    for login in logins:
        mine = t[t["account"].astype(str) == login]
        month = str(mine["close_time"].dt.strftime("%Y-%m").iloc[len(mine) // 2])
        st = cs.statement(result, login, month)
        in_month = mine[mine["close_time"].dt.strftime("%Y-%m") == month]
        assert len(st.trades) == len(in_month) > 0
        assert st.payable == rebates.round_cents(float(in_month["rebate"].sum()))
        cents = st.trades["cashback"].to_numpy()
        assert np.round(cents * 100) == pytest.approx(cents * 100)  # whole cents
        assert round(float(cents.sum()), 2) == st.payable
        # Written and read back: the printed trade cents add up to the printed payable.
        path = cs.write(st, tmp_path / f"{login}.xlsx")
        _, ws = _cells(path)
        header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Ticket")
        printed = [ws.cell(r, 7).value for r in range(header + 1, header + 1 + len(st.trades))]
        total = ws.cell(header + 1 + len(st.trades), 7).value
        payable = next(ws.cell(r, 2).value for r in range(1, header) if str(ws.cell(r, 1).value).startswith("Cashback payable"))
        assert round(sum(printed), 2) == total == payable == st.payable
    # Over every trade, a client's payable is the IB roll-up's "passed back" for that client, to the cent.
    by_client = ib.program_rollup(t, program)["by_client"].set_index("account")
    for login in logins:
        assert cs.statement(result, login).payable == by_client.loc[login, "passed_back"]


def test_no_ib_column_or_value_in_a_statement(book, tmp_path):
    result, program, logins = book
    t = result.trades
    login = logins[1]  # passes 10 % back: the IB's earnings and keeps differ from the cashback
    path = cs.write_client(result, login, tmp_path / "s.xlsx")
    cells, _ = _cells(path)
    texts = [str(c.value) for c in cells if isinstance(c.value, str)]
    assert not [s for s in texts if IB_WORDS.search(s)]
    mine = t[t["account"].astype(str) == login]
    earnings = rebates.round_cents(float(mine["ib_earnings"].sum()))
    keeps = rebates.round_cents(earnings - cs.statement(result, login).payable)
    numbers = {round(float(c.value), 2) for c in cells if isinstance(c.value, (int, float))}
    assert earnings not in numbers and keeps not in numbers
    # Row by row (by ticket), the money printed is the client's cashback, never the trade's IB earnings.
    _, ws = _cells(path)
    printed = {ws.cell(r, 1).value: ws.cell(r, 7).value for r in range(12, ws.max_row)}
    apart = mine[mine["ib_earnings"] - mine["rebate"] > 0.02]
    assert len(apart) > 10
    for ticket, earned, rebate in zip(apart["ticket"], apart["ib_earnings"], apart["rebate"]):
        assert printed[int(ticket)] != pytest.approx(earned, abs=0.005)
        assert printed[int(ticket)] == pytest.approx(rebate, abs=0.011)
    # The statement's header row names exactly the client's columns.
    assert [h for h, in [(c.value,) for c in cells if c.row == 11]] == [
        "Ticket", "Open time", "Close time", "Symbol", "Side", "Lots", f"Cashback ({result.accounts[0].currency})"]


def test_the_batch_writes_one_per_client(book, tmp_path):
    result, _, logins = book
    month = str(result.trades["close_time"].min().strftime("%Y-%m"))
    files = cs.write_all(result, tmp_path / "out", month)
    assert len(files) == 3 and len({f.name for f in files}) == 3
    assert sorted(f.name for f in (tmp_path / "out").iterdir()) == sorted(f.name for f in files)
    for login in logins:
        assert any(login in f.name and month in f.name for f in files)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temporary file left


def test_bad_requests_say_why(book, tmp_path):
    result, _, logins = book
    with pytest.raises(ValueError, match="no client account"):
        cs.statement(result, "nobody")
    with pytest.raises(ValueError, match="not a month"):
        cs.statement(result, logins[0], "March")
    with pytest.raises(ValueError, match="before it starts"):
        cs.statement(result, logins[0], ("2024-03-01", "2024-02-01"))
    with pytest.raises(ExportError, match="does not exist"):
        cs.write_client(result, logins[0], tmp_path / "missing" / "s.xlsx")


def test_formula_like_text_stays_text(tmp_path):
    import pandas as pd

    trades = pd.DataFrame({"ticket": [1], "open_time": [pd.Timestamp("2024-01-02")],
                           "close_time": [pd.Timestamp("2024-01-03")], "symbol": ["=HYPERLINK(\"x\")"],
                           "side": ["buy"], "lots": [1.0], "cashback": [1.25]})
    path = cs.write(cs.Statement("=1+1", "USD", "2024-01", trades, 1.0, 1.25), tmp_path / "s.xlsx")
    ws = load_workbook(path).active
    assert ws["B3"].data_type == "s" and ws["B3"].value == "=1+1"
    assert ws["D12"].data_type == "s"


def _pdf_text(path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _money(text: str) -> float:
    return float(text.replace(" ", "").replace("\u00a0", ""))


def test_a_pdf_statement_whose_printed_trade_cents_sum_to_its_printed_payable(book, tmp_path):
    result, _, logins = book
    t = result.trades
    login = logins[0]
    mine = t[t["account"].astype(str) == login]
    month = str(mine["close_time"].dt.strftime("%Y-%m").iloc[len(mine) // 2])
    path = cs.write_client(result, login, tmp_path / "s.pdf", month)  # the format from the extension
    text = _pdf_text(path)
    st = cs.statement(result, login, month)
    payable = re.search(r"Cashback payable \((\w+)\)\s+(-?[\d ]+\.\d\d)", text)
    assert payable.group(1) == st.currency and _money(payable.group(2)) == st.payable
    # Every trade row: ticket, open and close time, symbol, side, lots, cashback (the last column).
    rows = re.findall(r"^\s*(\d+)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\S+\s+\S+\s+"
                      r"([\d.]+)\s+(-?[\d ]*\d\.\d\d)\s*$", text, re.MULTILINE)
    assert len(rows) == len(st.trades) > 0
    assert [int(r[0]) for r in rows] == st.trades["ticket"].astype(int).tolist()
    printed = sum(round(_money(r[2]) * 100) for r in rows)
    assert printed == round(st.payable * 100)
    total = re.search(r"^\s*Total\s+([\d.]+)\s+(-?[\d ]*\d\.\d\d)\s*$", text, re.MULTILINE)
    assert _money(total.group(2)) == st.payable and float(total.group(1)) == st.lots
    assert not IB_WORDS.search(text.replace("Cashback statement", "")), "an IB word in the client's statement"


def test_a_long_statement_runs_over_pages_and_still_adds_up(book, tmp_path):
    result, _, logins = book
    path = cs.write_client(result, logins[1], tmp_path / "all.pdf", fmt="pdf", paper="letter")
    text = _pdf_text(path)
    st = cs.statement(result, logins[1])
    assert "page 2" in text  # 80 trades do not fit one page
    # The last money of every trade row (its ticket first) is its cashback.
    rows = re.findall(r"^\s*\d{6,}\s.*\s(-?[\d ]*\d\.\d\d)\s*$", text, re.MULTILINE)
    assert len(rows) == len(st.trades)
    assert sum(round(_money(r) * 100) for r in rows) == round(st.payable * 100)
    with pytest.raises(ExportError, match="paper"):
        cs.write_client(result, logins[1], tmp_path / "x.pdf", paper="legal")
    with pytest.raises(ValueError, match="xlsx, pdf or both"):
        cs.write_client(result, logins[1], tmp_path / "x.doc", fmt="doc")


def test_the_batch_writes_both_formats_or_the_chosen_clients(book, tmp_path):
    result, _, logins = book
    files = cs.write_all(result, tmp_path / "both", None, "both")
    assert sorted(f.suffix for f in files) == [".pdf"] * 3 + [".xlsx"] * 3
    from types import SimpleNamespace

    # The app passes its views, which hold the result.
    assert cs.write_client(SimpleNamespace(result=result), logins[2], tmp_path / "v.xlsx").suffix == ".xlsx"
    files = cs.write_all(result, tmp_path / "one", None, "pdf", accounts=[logins[2]])
    assert [f.name for f in files] == [f"statement-{logins[2]}-all_trades.pdf"]
    with pytest.raises(ValueError, match="no client account"):
        cs.write_all(result, tmp_path / "none", None, "pdf", accounts=["nobody"])
    assert not (tmp_path / "none").exists() or not list((tmp_path / "none").iterdir())  # checked before writing


def test_a_statement_under_the_ib_views_program_pays_what_the_ib_view_passes_back(book, tmp_path):
    """The app's default: no main program, the IB view's deal chosen apart. A statement under that deal pays each
    client the IB view's "passed back", to the cent, alone and in a batch (priced once), not the main program's 0."""
    from fxcost.analysis.engine import AnalysisSettings
    from fxcost.pipeline import run

    result, program, logins = book
    no_main = run(sorted({f for b in result.portfolio.accounts for f in b.files}), AnalysisSettings())
    assert no_main.settings.main_program is None
    assert float(no_main.trades["rebate"].sum()) == 0.0
    by_client = ib.program_rollup(result.trades, program)["by_client"].set_index("account")
    for login in logins:
        assert cs.statement(no_main, login).payable == 0.0
        st = cs.statement(no_main, login, program=program)
        assert st.payable == by_client.loc[login, "passed_back"] > 0
        assert round(float(st.trades["cashback"].sum()), 2) == st.payable
    written = cs.write_all(no_main, tmp_path, fmt="xlsx", program=program)
    assert len(written) == len(logins)
    for path in written:
        login = next(x for x in logins if x in path.name)
        _, ws = _cells(path)
        payable = next(ws.cell(r, 2).value for r in range(1, 12)
                       if str(ws.cell(r, 1).value).startswith("Cashback payable"))
        assert payable == by_client.loc[login, "passed_back"]
