"""The Import tab's HTML: what was imported, per file."""

from __future__ import annotations

import pytest


def test_import_panel_states_a_reconciliation_difference_once():
    from fxcost.pipeline import import_files
    from fxcost.ui.import_panel import render_html
    from tests.conftest import sample

    portfolio = import_files([sample("mt4-detailed-rawtrading-cn.html")])
    f = portfolio.files[0]
    assert f.reconciliation.differences, "the statement's printed Closed Trade P/L differs"
    assert any(w.startswith("Reconciliation: ") for w in f.statement.warnings)
    html = render_html(portfolio)
    assert "✘" in html and "Reconciliation: " not in html


def test_a_testers_proved_rounding_gap_reconciles_and_is_said_once():
    # Real backtests printed ATTENTION for a cent or two that each row's rounding to the cent explains, the report's
    # own Balance column confirming it: accepted, with one warning saying what the gap is.
    from fxcost.pipeline import import_files
    from fxcost.summary.alerts import file_alerts
    from fxcost.ui.import_panel import render_html
    from tests.conftest import sample

    portfolio = import_files([sample("mt4-tester-swissquote-macdsample.htm")])
    f = portfolio.files[0]
    assert f.reconciliation.ok and f.reconciliation.checked
    assert f.reconciliation.compared["total_net_profit"] == (pytest.approx(-1071.39), -1071.49)
    assert not file_alerts(portfolio)
    html = render_html(portfolio)
    assert "✘" not in html and html.count("Rounding: the rows add up to a total net profit of -1 071.39") == 1


def test_ambiguous_csv_dates_can_be_read_the_other_way_and_it_is_remembered(qtbot, make_window, tmp_path):
    from urllib.parse import quote

    from PySide6.QtCore import QUrl

    from fxcost.ui.import_panel import DATES_LINK

    path = tmp_path / "us.csv"
    path.write_text("Open Time,Close Time,Type,Lots,Symbol,Profit\n"
                    "01/03/2024 10:00,01/03/2024 12:00,buy,0.1,EURUSD,5\n"
                    "02/03/2024 10:00,02/03/2024 12:00,buy,0.1,EURUSD,5\n", encoding="utf-8")
    window = make_window()
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_files([str(path)])
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    text = window.summary.toPlainText()
    assert "Dates read as day/month/year (fxcost's guess" in text and "Read them as month/day/year" in text
    assert window.views.result.trades["close_time"].dt.month.tolist() == [3, 3]
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.summary.anchorClicked.emit(QUrl(f"{DATES_LINK}mdy:{quote(str(path))}"))
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert window.views.result.trades["close_time"].dt.month.tolist() == [1, 2]
    text = window.summary.toPlainText()
    assert "Dates read as month/day/year (your choice)" in text and "Read them as day/month/year" in text
    again = make_window()  # remembered for the file
    with qtbot.waitSignal(again.analysis_ready, timeout=60_000):
        again.open_files([str(path)])
    assert again.views.result.trades["close_time"].dt.month.tolist() == [1, 2]


def test_a_csv_with_clear_dates_offers_no_date_switch(tmp_path):
    from fxcost.pipeline import import_files
    from fxcost.ui.import_panel import render_html
    from tests.importers.test_csv import EA_CSV

    (tmp_path / "t.csv").write_text(EA_CSV)
    assert "Dates read as" not in render_html(import_files([tmp_path / "t.csv"]))


def test_a_books_import_panel_shows_the_files_that_need_a_look_in_full_and_the_others_a_line_each(tmp_path):
    """Issue 14: with more than FULL_BLOCKS_UP_TO files, only the files with a fault (here one whose total is made
    not to reconcile) keep their whole block, first; the others are a row each of one table. MT5's notes on what its
    report's totals include are not faults. Up to FULL_BLOCKS_UP_TO files, every file keeps its block."""
    import dataclasses

    from fxcost.pipeline import import_files
    from fxcost.summary.imported import import_summary
    from fxcost.ui.import_panel import FULL_BLOCKS_UP_TO, render_html
    from tests.books import book_files

    paths = book_files(tmp_path, range(FULL_BLOCKS_UP_TO + 3), lambda i: 30 + i, seed=11)
    portfolio = import_files(paths)
    summary = import_summary(portfolio)
    assert any(f.explained for f in summary.files), "an MT5 statement whose totals include open positions' deals"
    assert not any(f.has_faults for f in summary.files)
    html = render_html(portfolio, summary=summary)
    assert html.count("<h3>") == 1 and "Files that reconcile" in html
    assert all(html.count(f"<td>{p.rsplit('/', 1)[-1]}</td>") == 1 for p in paths)
    assert "✔ 10*" in html and "the check allows for it" in html and "All 15 files reconcile" in html

    broken = summary.files[4]
    check = dataclasses.replace(broken.checks[0], agrees=False, cause="a row was edited")
    faulty = dataclasses.replace(summary, files=(*summary.files[:4], dataclasses.replace(
        broken, checks=(check, *broken.checks[1:])), *summary.files[5:]))
    html = render_html(portfolio, summary=faulty)
    name = paths[4].rsplit("/", 1)[-1]
    assert html.count("<h3>") == 2 and html.index(f"<h3>{name}</h3>") < html.index("Files that reconcile")
    assert "✘ a row was edited" in html and f"<td>{name}</td>" not in html
    assert f"{len(paths):,} files: 1 need a look" in html

    few = import_files(paths[:FULL_BLOCKS_UP_TO])
    assert render_html(few).count("<h3>") == FULL_BLOCKS_UP_TO


def test_the_panel_tells_cancelled_orders_from_working_ones_and_an_unprinted_currency(tmp_path):
    # A real MT4 statement whose 11 orders were all cancelled showed "11 pending orders".
    from fxcost.pipeline import import_files
    from fxcost.ui.import_panel import NO_CURRENCY, render_html

    (tmp_path / "o.csv").write_text(
        "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit,Comment\n"
        "1,2024.01.05 10:22:00,buy,0.10,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,18.00,\n"
        "2,2024.01.09 10:00:00,buy limit,0.10,EURUSD,1.08000,2024.01.09 12:00:00,0,0,0,0,cancelled\n")
    html = render_html(import_files([tmp_path / "o.csv"]))
    assert "1 cancelled and 0 working orders" in html and "pending orders ·" not in html
    assert NO_CURRENCY in html
