"""The Import tab's HTML: what was imported, per file."""

from __future__ import annotations


def test_import_panel_states_a_reconciliation_difference_once():
    from fxcost.pipeline import import_files
    from fxcost.ui.import_panel import render_html
    from tests.conftest import sample

    portfolio = import_files([sample("mt4-tester-swissquote-macdsample.htm")])
    f = portfolio.files[0]
    assert f.reconciliation.differences, "the tester report's printed total differs (rounding)"
    assert any(w.startswith("Reconciliation: ") for w in f.statement.warnings)
    html = render_html(portfolio)
    assert "✘" in html and "Reconciliation: " not in html


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
