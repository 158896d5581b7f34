"""An introducing broker's book in the app (issue 14): a folder of 50 client statements, the IB view by month,
books saved and reopened, only new statements parsed, and the program editor's IB settings."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from PySide6.QtWidgets import QFileDialog

from tests.test_statement_cache import write_book

CLIENTS = 50


@pytest.fixture(scope="module")
def book_source(tmp_path_factory):
    """50 small generated client statements, and a note that is not a statement."""
    folder = tmp_path_factory.mktemp("ib-book") / "book"
    write_book(folder, CLIENTS, trades=8)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not a statement")
    return folder


@pytest.fixture
def book(book_source, tmp_path):
    """A copy of the book the test may add to."""
    folder = tmp_path / "book"
    shutil.copytree(book_source, folder)
    return folder


def open_folder(qtbot, window, folder, monkeypatch) -> None:
    """File ▸ Open folder, the folder dialog answered with ``folder``; waits for every view."""
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    with qtbot.waitSignal(window.analysis_ready, timeout=120_000):
        window.open_folder_action.trigger()


def test_opening_a_folder_imports_every_statement_and_lists_the_rest(qtbot, window, book, monkeypatch, messages):
    open_folder(qtbot, window, book, monkeypatch)
    assert len(window.portfolio.files) == CLIENTS
    assert len(window.views.result.accounts) == CLIENTS
    panel = window.summary.toPlainText()
    assert "notes.pdf" in panel and "Not a statement" in panel
    assert any("notes.pdf" in m for m in messages)  # told once, not dropped
    # The folder is what is remembered: reopened, it brings the statements added since.
    assert window.settings.last_open() == [str(book)]
    assert window.files_to_reopen() == [str(book)]


def test_the_ib_view_shows_the_latest_month_first(qtbot, window, book, monkeypatch, messages):
    open_folder(qtbot, window, book, monkeypatch)
    ib = window.ib
    tables = window.views.ib
    months = [m for m in tables["by_month"]["month"] if m != "Total"]
    assert ib.month() == months[-1]
    assert ib.month_choice.itemData(1) == months[-1]  # the latest month first, after "All months"
    model = ib.model()
    assert model is ib.month_model
    owed = tables["by_client_month"][tables["by_client_month"]["month"] == months[-1]]
    assert model.rowCount() == len(owed) + 1  # each client who traded that month, and its Total
    col = {c[0]: i for i, c in enumerate(model.columns)}
    shown = sorted(model.text(r, col["passed_back"]) for r in range(model.rowCount() - 1))
    assert shown == sorted(f"{v:,.2f}" for v in owed["passed_back"])
    total = tables["by_month"].set_index("month").loc[months[-1]]
    assert model.text(model.rowCount() - 1, col["passed_back"]) == f"{total['passed_back']:,.2f}"
    assert months[-1] in ib.heading.text()
    projection = window.views.summary.ib_projection
    assert f"IB keeps {projection['ib_keeps_per_month']:,.2f} a month" in ib.heading.text()
    assert f"{window.views.summary.concentration['clients_for_80_pct']} client(s) make 80 %" in ib.heading.text()
    # One click back to every month: the whole book.
    ib.set_month("")
    assert ib.model() is ib.models["by_client"] and ib.model().rowCount() == CLIENTS + 1


def test_naming_a_client_goes_into_the_book(qtbot, window, book, monkeypatch, messages, tmp_path):
    open_folder(qtbot, window, book, monkeypatch)
    ib = window.ib
    ib.set_month("")
    login = str(window.views.ib["by_client"]["account"].iloc[0])
    ib.table.selectRow(0)
    assert ib.selected_login() == login and ib.rename_button.isEnabled()
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Ann Example", True))
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        ib.rename_button.click()
    by_client = window.views.ib["by_client"].set_index("account")
    assert by_client.loc[login, "client"] == f"{login} (Ann Example)"
    ib.table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (80.0, True))
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        ib.share_button.click()
    by_client = window.views.ib["by_client"].set_index("account")
    assert by_client.loc[login, "share_pct"] == pytest.approx(80.0)  # the roster's share, over the program's 50
    assert window.client_shares == {login: 80.0}
    path = tmp_path / "ib.fxbook.json"
    assert window.save_session_to(str(path))
    before = window.views.ib["by_client"]

    from fxcost.ui.main_window import MainWindow
    from fxcost.ui.settings import Settings

    other = MainWindow(settings=Settings(tmp_path / "other.ini"))
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.analysis_ready, timeout=120_000):
        assert other.open_book(str(path))
    assert other.client_names == {login: "Ann Example"} and other.client_shares == {login: 80.0}
    pd.testing.assert_frame_equal(other.views.ib["by_client"], before)  # the same figures, names and all


def test_next_months_statements_are_the_only_files_parsed(qtbot, window, book, monkeypatch, messages, counted,
                                                          tmp_path):
    open_folder(qtbot, window, book, monkeypatch)
    assert len(counted) == CLIENTS
    path = tmp_path / "ib.fxbook.json"
    window.save_session_to(str(path))
    new = write_book(book / "next-month", 2, first=CLIENTS, trades=8)
    counted.clear()
    with qtbot.waitSignal(window.analysis_ready, timeout=120_000):
        window.open_book(str(path))
    assert sorted(counted) == sorted(new)
    assert len(window.portfolio.files) == CLIENTS + 2
    # Added by hand (File ▸ Add statements): again only the new file.
    extra = write_book(tmp_path / "elsewhere", 1, first=CLIENTS + 2, trades=8)
    counted.clear()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (extra, ""))
    with qtbot.waitSignal(window.analysis_ready, timeout=120_000):
        window.add_files_action.trigger()
    assert counted == extra and len(window.portfolio.files) == CLIENTS + 3


def test_the_program_editor_edits_ib_levels_and_names_bad_entries(qtbot):
    from fxcost.analysis import programs
    from fxcost.ui.program_editor import ProgramDialog

    data = {"name": "Two-level IB", "currency": "USD", "rates": [{"match": {}, "model": "per_lot", "rate": 8}],
            "client_share_pct": 40, "client_shares": {"111": 50},
            "client_groups": [{"name": "VIP", "clients": ["222"], "client_share_pct": 70}],
            "sub_ibs": [{"name": "Sub A", "clients": ["333", "444"], "master_share_pct": 30}],
            "tier_mode": "marginal", "tier_scope": "account"}
    dialog = ProgramDialog(data)
    qtbot.addWidget(dialog)
    assert dialog.error.text() == ""
    assert dialog.program().as_dict() == programs.from_dict(data).as_dict()  # every key round-trips
    assert dialog.tier_mode.currentData() == "marginal" and dialog.tier_scope.currentData() == "account"
    dialog.client_shares.add_row(["", "20"])
    assert "row 2: give the client's login" in dialog.error.text() and dialog.program() is None
    dialog.client_shares.table.item(1, 0).setText("111")
    assert "111 is already in the table" in dialog.error.text()
    dialog.client_shares.table.item(1, 0).setText("555")
    dialog.client_shares.table.item(1, 1).setText("half")
    assert "client_shares.555" in dialog.error.text() and "must be a number" in dialog.error.text()
    dialog.client_shares.table.item(1, 1).setText("20")
    dialog.tier_basis.setCurrentIndex(dialog.tier_basis.findData("previous_period"))
    assert "cannot use tier_basis" in dialog.error.text()  # marginal tiers with last month's level
    dialog.tier_mode.setCurrentIndex(dialog.tier_mode.findData("retroactive"))
    dialog.sub_ibs.add_row(["Sub B", "777", "150", ""])
    assert "master_share_pct 150" in dialog.error.text()
    dialog.sub_ibs.table.item(1, 2).setText("25")
    program = dialog.program()
    assert program is not None and program.client_shares == {"111": 50.0, "555": 20.0}
    assert program.tier_basis == "previous_period" and [s.name for s in program.sub_ibs] == ["Sub A", "Sub B"]
    assert program.client_groups[0].client_share_pct == 70.0


BROKER_B = {"name": "Broker B partner deal", "currency": "USD", "lot_basis": "round_turn",
            "rates": [{"match": {}, "model": "per_lot", "rate": 6.0}], "client_share_pct": 40}


@pytest.fixture
def two_deals(qtbot, isolated, make_window, book, monkeypatch, messages):
    """A window on the 50-client book with two IB deals: the bundled tiered one (main and the IB view's) and another
    broker's flat deal (a user program), compared."""
    import json

    from fxcost.session import BUNDLED, Session, SetupState

    programs = isolated / "data" / "programs"
    programs.mkdir(parents=True)
    (programs / "broker-b.json").write_text(json.dumps(BROKER_B))
    window = make_window()
    tiered = BUNDLED + "ib-tiered.json"
    session = Session(files=[str(book)], setup=SetupState(main_program=tiered, ib_program=tiered, compare_profiles=[],
                                                          compare_programs=[str(programs / "broker-b.json")]))
    with qtbot.waitSignal(window.analysis_ready, timeout=120_000):
        window.open_session(session)
    return window


def test_two_deals_compared_in_the_ibs_columns(two_deals):
    from fxcost.ui.compare_view import ALL_COLUMNS

    window = two_deals
    compare = window.compare
    summary = window.views.summary
    deals = summary.ib_compare.set_index("setup")
    assert len(deals) == 2 and deals["is_ib"].all()
    model = compare.model
    col = {c[0]: i for i, c in enumerate(ALL_COLUMNS)}
    rows = {model.text(r, col["name"]): r for r in range(model.rowCount())}
    for setup, deal in deals.iterrows():
        r = rows[setup]
        for key in ("ib_earnings", "passed_back", "ib_keeps", "ib_keeps_per_lot"):
            assert model.text(r, col[key]) == f"{deal[key]:,.2f}"
            assert not compare.table.isColumnHidden(col[key])  # an IB's deals: the IB's columns are shown
    b = deals.loc["Program: Broker B partner deal"]
    assert b["passed_back"] == pytest.approx(round(b["ib_earnings"] * 0.4, 2), abs=0.01 * CLIENTS)
    # Each client under each deal, side by side; the book's figures are the clients' cents added up.
    clients = compare.client_model
    assert clients.rowCount() == 2 * CLIENTS
    per_client = summary.ib_compare_by_client
    assert per_client.groupby("setup")["ib_keeps"].sum().round(2).to_dict() == \
        pytest.approx(deals["ib_keeps"].to_dict())
    # The pass-back sweep: what the IB keeps and what the clients get from 0 to 100 %.
    sweep = compare.sweep_model
    texts = [sweep.text(r, 0) for r in range(sweep.rowCount())]
    assert "30 %" in texts and "90 %" in texts and any("program" in t for t in texts)
    keeps, clients_get = compare.passback_chart.data["IB keeps"], compare.passback_chart.data["Clients get"]
    assert list(keeps[0]) == list(range(0, 101, 10))
    assert keeps[1][3] > keeps[1][9] and clients_get[1][3] < clients_get[1][9]


def test_one_client_statement_is_exported_from_the_ib_view(qtbot, two_deals, tmp_path, monkeypatch):
    import openpyxl

    window = two_deals
    ib = window.ib
    month = ib.month()
    ib.table.selectRow(0)
    login = ib.selected_login()
    assert login and ib.statement_button.isEnabled()
    target = tmp_path / "out" / f"statement-{login}.xlsx"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(window.export_finished, timeout=60_000) as done:
        ib.statement_button.click()
    assert done.args == [str(target)] and target.is_file()
    sheet = openpyxl.load_workbook(target).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert login in [str(v) for v in values] and month in [str(v) for v in values]
    owed = window.views.ib["by_client_month"]
    row = owed[(owed["account"] == login) & (owed["month"] == month)]
    # The client's cashback that month: what the IB view says the client is owed.
    assert pytest.approx(float(row["passed_back"].iloc[0]), abs=0.01) in [v for v in values if isinstance(v, float)]
    assert not any("IB" in str(v) for v in values)  # nothing of the IB's side


def test_a_pdf_statement_and_every_clients_statement(qtbot, two_deals, tmp_path):
    window = two_deals
    month = window.ib.month()
    login = str(window.views.ib["by_client"]["account"].iloc[0])
    pdf = tmp_path / "one.pdf"
    with qtbot.waitSignal(window.export_finished, timeout=60_000) as done:
        assert window.export_client_statement_to(login, str(pdf))
    assert done.args == [str(pdf)] and pdf.read_bytes().startswith(b"%PDF")
    folder = tmp_path / "all"
    with qtbot.waitSignal(window.export_finished, timeout=120_000) as done:
        assert window.export_client_statements_to(str(folder), ("xlsx",))
    assert done.args == [str(folder)]
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == CLIENTS and all(month in name and name.endswith(".xlsx") for name in written)


def test_a_two_level_deal_shows_its_levels_and_the_clients_activity(qtbot, isolated, make_window, book, monkeypatch,
                                                                     messages):
    import json

    from fxcost import pipeline
    from fxcost.session import Session, SetupState

    files = sorted(str(p) for p in book.iterdir() if p.suffix != ".pdf")[:3]
    logins = [f.statement.account.login for f in pipeline.import_files(files).files]
    deal = {"name": "Master with a sub-IB", "currency": "USD", "rates": [{"match": {}, "model": "per_lot", "rate": 8}],
            "client_share_pct": 40, "sub_ibs": [{"name": "Sub A", "clients": logins[:2], "master_share_pct": 30}]}
    programs = isolated / "data" / "programs"
    programs.mkdir(parents=True)
    (programs / "two-level.json").write_text(json.dumps(deal))
    window = make_window()
    key = str(programs / "two-level.json")
    with qtbot.waitSignal(window.analysis_ready, timeout=120_000):
        window.open_session(Session(files=[str(book)], setup=SetupState(main_program=key, ib_program=key,
                                                                        compare_profiles=[], compare_programs=[])))
    ib = window.ib
    ib.table_choice.setCurrentIndex(4)
    model = ib.model()
    assert model is ib.models["levels"]
    labels = [model.text(r, 0) for r in range(model.rowCount())]
    levels = window.views.summary.ib.levels["by_level"]
    assert labels[0] == "▸ Master IB" and "▸ Sub A" in labels and labels[-1] == "Total"
    sub = labels.index("▸ Sub A")
    assert [s.strip().split(" ")[0] for s in labels[sub + 1:sub + 3]] == sorted(logins[:2])
    col = {c[0]: i for i, c in enumerate(model.columns)}
    row = levels.set_index("sub_ib").loc["Sub A"]
    assert model.text(sub, col["master_keeps"]) == f"{row['master_keeps']:,.2f}"
    assert model.text(sub, col["sub_ib_keeps"]) == f"{row['sub_ib_keeps']:,.2f}"
    # The clients' activity beside their figures.
    ib.table_choice.setCurrentIndex(3)
    act = ib.model()
    acol = {c[0]: i for i, c in enumerate(act.columns)}
    activity = window.views.summary.activity.set_index("account")
    first = str(window.views.ib["by_client"]["account"].iloc[0])
    assert act.text(0, acol["earnings_share_pct"]) == f"{activity.loc[first, 'earnings_share_pct']:,.1f} %"
    assert act.text(0, acol["trend"]) == str(activity.loc[first, "trend"])
    assert act.text(0, acol["active_text"]) in ("yes", "no")


def test_a_dropped_folder_is_opened(qtbot, window, tmp_path, messages):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    folder = tmp_path / "dropped"
    write_book(folder / "sub", 2, trades=8)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.dropEvent(event)
    assert len(window.portfolio.files) == 2 and not window.portfolio.failures


def test_a_statement_with_no_main_program_pays_what_the_ib_view_says_the_client_is_owed(qtbot, window, tmp_path):
    from openpyxl import load_workbook

    folder = tmp_path / "small"
    write_book(folder, 2, trades=8)
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_files([str(folder)])
    # The default setup: no main program, the IB view under the bundled tiered IB program.
    assert window.views.result.settings.main_program is None
    by_client = window.views.ib["by_client"]
    login = str(by_client["account"].iloc[0])
    owed = float(by_client.set_index(by_client["account"].astype(str)).loc[login, "passed_back"])
    path = tmp_path / "x.xlsx"
    with qtbot.waitSignal(window.export_finished, timeout=60_000):
        assert window.export_client_statement_to(login, str(path), month="")
    ws = load_workbook(path).active
    payable = next(ws.cell(r, 2).value for r in range(1, 12) if str(ws.cell(r, 1).value).startswith("Cashback payable"))
    assert payable == owed > 0
