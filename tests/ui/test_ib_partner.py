"""A broker's partner report in the app (issue 14): imported from the IB view, reconciled on a worker against the
IB view's program, its columns asked for when not recognised, and remembered in the book."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

from tests.test_statement_cache import write_book

CLIENTS = 4


@pytest.fixture(scope="module")
def book_source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ib-partner") / "book"
    write_book(folder, CLIENTS, trades=8)
    return folder


@pytest.fixture
def opened(qtbot, window, book_source, monkeypatch, messages):
    """The window with the generated book open (every view filled)."""
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(book_source))
    with qtbot.waitSignal(window.analysis_ready, timeout=120_000):
        window.open_folder_action.trigger()
    return window


def portal_csv(path, window, headers=("Login", "Month", "Lots", "Commission"), change=0.0):
    """The partner report a broker would print for the book: the IB view's earnings per client and month (its
    By client and month rows), the latest month of the first client ``change``d."""
    rows = window.views.ib["by_client_month"]
    rows = rows[rows["account"].astype(str) != "Total"]
    first = str(rows["account"].iloc[0]), str(rows[rows["account"] == rows["account"].iloc[0]]["month"].iloc[-1])
    lines = [",".join(headers)]
    for r in rows.itertuples(index=False):
        paid = r.ib_earnings + (change if (str(r.account), str(r.month)) == first else 0.0)
        lines.append(f"{r.account},{r.month},{r.lots:.2f},{paid:.2f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, first


def import_report(qtbot, window, path, monkeypatch) -> bool:
    """The IB view's Partner report… button, the file dialog answered with ``path``; waits for the reconciliation."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    assert window.ib.partner_button.isEnabled()
    with qtbot.waitSignal(window.partner_finished, timeout=60_000) as blocker:
        window.ib.partner_button.click()
    return blocker.args[0]


def test_a_partner_report_that_reconciles(qtbot, opened, tmp_path, monkeypatch):
    path, _ = portal_csv(tmp_path / "portal.csv", opened)
    assert import_report(qtbot, opened, path, monkeypatch)
    ib = opened.ib
    rec = opened.views.summary.partner_reconciliation
    assert rec is ib.reconciliation and rec.reconciles
    assert "Every client-month agrees to the cent." in ib.partner_label.text()
    assert ib.partner_box.isVisibleTo(ib) and ib.partner_model.rowCount() == len(rec.rows)
    assert {ib.partner_cell(r, "status") for r in range(ib.partner_model.rowCount())} == {"ok"}
    assert opened.partner_path == str(path) and opened.session().partner_report == str(path)


def test_a_partner_report_that_differs_names_the_client_month_first(qtbot, opened, tmp_path, monkeypatch):
    path, (account, month) = portal_csv(tmp_path / "portal.csv", opened, change=-5.0)
    assert import_report(qtbot, opened, path, monkeypatch)
    ib = opened.ib
    assert not ib.reconciliation.reconciles
    assert f"1 of {len(ib.reconciliation.rows)} client-month(s) differ" in ib.partner_label.text()
    assert (ib.partner_cell(0, "account"), ib.partner_cell(0, "month")) == (account, month)
    # Reported − modelled: the 5.00 taken off, give or take the cent by which the roll-up's client-month (per-trade
    # cents) and the reconciliation's (the client-month rounded once) may round apart.
    difference = float(ib.partner_cell(0, "difference"))
    assert difference == pytest.approx(-5.0, abs=0.011) and ib.partner_cell(0, "status") == "differs"
    assert difference == ib.reconciliation.differing["difference"].iloc[0]
    assert ib.partner_cell(1, "status") == "ok"


def test_unknown_headers_ask_for_the_mapping_then_reconcile(qtbot, opened, tmp_path, monkeypatch):
    from fxcost.ui.partner_mapping import PartnerMappingDialog

    headers = ("Sub account", "Settled", "Traded", "Paid out")
    path, _ = portal_csv(tmp_path / "odd.csv", opened, headers=headers)
    asked: list[list[str]] = []

    def answer(dialog):
        asked.append([dialog.combos["account"].itemData(i) for i in range(1, dialog.combos["account"].count())])
        for key, header in zip(("account", "date", "volume", "reward"), headers):
            dialog.choose(key, header)
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(PartnerMappingDialog, "exec", answer)
    with qtbot.waitSignal(opened.partner_finished, timeout=60_000) as blocker:
        opened.import_partner_report(str(path))
    assert blocker.args == [True] and asked == [list(headers)]
    assert opened.ib.reconciliation.reconciles
    assert opened.partner_mapping == {"account": "Sub account", "date": "Settled", "volume": "Traded",
                                      "reward": "Paid out"}
    # Saved with the book and reconciled again when the book is reopened.
    book = tmp_path / "ib.fxbook.json"
    assert opened.save_session_to(str(book))
    from fxcost.ui.main_window import MainWindow
    from fxcost.ui.settings import Settings

    other = MainWindow(settings=Settings(tmp_path / "other.ini"))
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.partner_finished, timeout=120_000) as again:
        assert other.open_book(str(book))
    assert again.args == [True] and other.ib.reconciliation.reconciles
    assert other.partner_mapping == opened.partner_mapping


def test_a_bad_partner_report_says_why_and_keeps_the_figures(qtbot, opened, tmp_path, monkeypatch, messages):
    path = tmp_path / "junk.csv"
    path.write_text("nothing,here\n1,2\n", encoding="utf-8")
    opened.ask_user = False  # no mapping asked: the message says what is missing
    figures = opened.views.ib["by_client"]
    with qtbot.waitSignal(opened.partner_finished, timeout=60_000) as blocker:
        opened.import_partner_report(str(path))
    assert blocker.args == [False]
    assert messages and "junk.csv" in messages[-1] and "no account" in messages[-1]
    assert "Traceback" not in messages[-1] and "--partner-map" not in messages[-1]  # the app asks, no flags
    assert opened.views.ib["by_client"] is figures and opened.ib.reconciliation is None
    assert opened.partner_path == ""
