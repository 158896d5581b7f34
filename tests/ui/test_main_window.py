"""The main window: opening files on a worker, the figures it shows against the engine's, errors, state."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from fxcost.ui.overview import AFTER, SECTIONS, format_value
from fxcost.ui.setup_panel import BUNDLED
from tests.ui.conftest import open_through_dialog

CSV = (
    "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit\n"
    "1,2024.01.05 10:22:00,buy,0.10,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,18.00\n"
    "2,2024.01.05 11:00:00,sell,1.00,USDJPY,144.500,2024.01.08 09:00:00,144.300,-7.00,-12.40,138.60\n"
)


def engine_result(paths, state=None):
    """What the engine computes for ``paths`` under a setup state (default: the ``loaded`` fixture's, i.e. the
    example cashback as main program), independently of the window."""
    from fxcost.pipeline import run
    from fxcost.ui.setup_panel import Catalog, SetupState, build_settings

    state = state or SetupState(main_program=BUNDLED + "example-cashback.json")
    return run(paths, build_settings(state, Catalog()))


def test_open_sample_shows_the_engines_figures(loaded, sample_path):
    from fxcost.ui.viewdata import overview_figures

    result = engine_result([sample_path])
    figures = overview_figures(result)
    assert figures["trades"] == 1500
    for _title, cards in SECTIONS:
        for fig in cards:
            expected = format_value(figures.get(fig.key), fig.unit, result.currency)
            shown = loaded.overview.text(fig.key)
            assert shown.startswith(expected), (fig.key, shown, expected)
            if fig.key in AFTER:
                assert shown.endswith(format_value(figures.get(AFTER[fig.key]), fig.unit, result.currency))
    assert loaded.overview.text("broker_net") == f"{result.trades['broker_net'].sum():,.2f} USD"
    assert loaded.trades.model.rowCount() == len(result.trades)
    assert "1500 closed trades" in loaded.status_label.text()
    assert loaded.tabs.currentWidget() is loaded.overview
    assert "sample-statement.htm" in loaded.summary.toPlainText()


def test_every_view_is_filled(loaded):
    views = loaded.views
    equity = loaded.charts.charts["equity"]
    assert len(equity.curves) == 3
    x, y = equity.data["Net after costs (statement)"]
    assert len(x) == 1500 and y[-1] == pytest.approx(views.result.trades["broker_net"].sum())
    assert loaded.charts.charts["by_symbol"].current.labels
    assert loaded.compare.model.rowCount() == len(views.compare) >= 2
    assert loaded.ib.model().rowCount() >= 2  # a client and the Total row
    ib_total = loaded.ib.models["by_client"]
    assert ib_total.text(ib_total.rowCount() - 1, 0) == "Total"


def test_import_panel_counts_and_totals(qtbot, window, tmp_path, monkeypatch):
    from tests.ui.conftest import open_through_dialog

    src = tmp_path / "trades.csv"
    src.write_text(CSV)
    open_through_dialog(qtbot, window, [src], monkeypatch)
    assert len(window.portfolio.trades) == 2
    text = window.summary.toPlainText()
    assert "trades.csv" in text and "2 closed trades" in text
    assert "156.60" in text  # profit total, the engine's figure
    assert "2 closed trades" in window.status_label.text()


def test_a_file_that_is_not_a_report_is_explained(qtbot, window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing")
    with qtbot.waitSignal(window.import_finished, timeout=60_000):
        window.open_files([str(bad)])
    assert shown and "PDF" in shown[0] and "Export" in shown[0]
    assert "Not imported" in window.summary.toPlainText()
    assert window.views is None and window.open_action.isEnabled()


def test_cancel_stops_the_import(qtbot, window, sample_path):
    with qtbot.waitSignal(window.import_finished, timeout=60_000):
        window.open_files([str(sample_path)])
        assert window.cancel_button.isVisibleTo(window)
        window.cancel_work()
    assert window.views is None
    assert window.status_label.text() == "Cancelled."
    assert window.open_action.isEnabled()


def test_drop_files_opens_them(qtbot, window, sample_path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sample_path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.dropEvent(event)
    assert len(window.views.result.trades) == 1500


def test_recent_files_and_window_state_are_remembered(loaded, make_window, sample_path):
    loaded.show_tab("charts")
    loaded.close()
    again = make_window()
    assert again.settings.recent_files()[0] == os.path.abspath(sample_path)
    assert [a.text() for a in again.recent_menu.actions()][0] == os.path.abspath(sample_path)
    assert again.tabs.currentWidget() is again.charts


def test_a_setup_change_recomputes_without_reimporting(qtbot, loaded, monkeypatch):
    import fxcost.pipeline

    monkeypatch.setattr(fxcost.pipeline, "import_files", lambda *a, **k: pytest.fail("re-imported"))
    before = loaded.views.figures["rebate"]
    panel = loaded.setup
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        panel.main_program.setCurrentIndex(panel.main_program.findData(""))  # (no rebate)
    assert before > 0
    assert loaded.views.figures["rebate"] == 0
    assert loaded.overview.text("rebate") == "0.00 USD"
    assert "No rebate program is chosen" in loaded.overview.notes.text()
    # What the statement itself received stays in view, program or not.
    received = loaded.views.result.received_rebate
    assert received > 0 and loaded.overview.text("rebate_received") == f"{received:,.2f} USD"
    assert f"holds {loaded.views.result.received_rebate_rows} rebate payout row(s)" in loaded.overview.notes.text()
    assert loaded.views.result.portfolio is not None


def test_no_rebate_program_and_auto_spreads_until_the_user_picks(qtbot, window, sample_path, monkeypatch):
    open_through_dialog(qtbot, window, [sample_path], monkeypatch)
    assert window.views.figures["rebate"] == 0 and window.views.result.settings.main_program is None
    assert "No rebate program is chosen" in window.overview.notes.text()
    # Auto: the sample pays commission on most trades, so its spreads come from the Raw/ECN table.
    (account,) = window.views.result.accounts
    assert account.profile.name == "Typical Raw/ECN account" and "commission" in account.profile_reason
    assert "Typical Raw/ECN account" in window.overview.notes.text()


def test_commission_schedule_and_leverage_reach_the_engine(qtbot, loaded):
    panel = loaded.setup
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        panel.leverage.setValue(30)
    assert loaded.views.result.settings.leverage == 30
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        panel.account_type.setCurrentIndex(panel.account_type.findData("raw"))
    assert loaded.views.result.settings.profile.name == "Typical Raw/ECN account"


def test_export_excel_csv_and_png(qtbot, loaded, tmp_path):
    pytest.importorskip("fxcost.report.excel")
    xlsx = tmp_path / "report.xlsx"
    with qtbot.waitSignal(loaded.export_finished, timeout=120_000) as blocker:
        assert loaded.export_excel_to(str(xlsx))
    assert blocker.args == [str(xlsx)]
    assert xlsx.read_bytes()[:2] == b"PK"
    csv_path = tmp_path / "trades.csv"
    with qtbot.waitSignal(loaded.export_finished, timeout=60_000):
        assert loaded.export_csv_to(str(csv_path))
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 1500
    png = tmp_path / "chart.png"
    loaded.show_tab("charts")
    assert loaded.save_chart_png(str(png))
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_export_error_is_a_message_not_a_crash(qtbot, loaded, tmp_path, monkeypatch):
    pytest.importorskip("fxcost.report.excel")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    target = tmp_path / "missing-folder" / "report.xlsx"
    with qtbot.waitSignal(loaded.export_finished, timeout=60_000) as blocker:
        loaded.export_excel_to(str(target))
    assert blocker.args == [""]
    assert shown and "missing-folder" in shown[0]


def test_find_goes_to_the_trades_search(loaded):
    loaded.find_action.trigger()
    assert loaded.tabs.currentWidget() is loaded.trades
    assert loaded.find_action.shortcut().matches(loaded.find_action.shortcut())


def test_crash_dialog_has_details_and_log_path(qtbot, tmp_path):
    from fxcost.ui.dialogs import CrashDialog

    dialog = CrashDialog("ValueError: boom", "Traceback ...\nValueError: boom", tmp_path / "fxcost.log")
    qtbot.addWidget(dialog)
    dialog.copy_details()
    from PySide6.QtWidgets import QApplication

    copied = QApplication.clipboard().text()
    assert "ValueError: boom" in copied and "fxcost.log" in copied


def test_leverage_chart_and_rebate_series_are_finite(loaded):
    for key in ("leverage", "rebates", "costs"):
        chart = loaded.charts.charts[key]
        for x, y in chart.data.values():
            assert np.isfinite(x).all() and np.isfinite(y).all()
            assert len(x) and not math.isnan(float(y[-1]))


@pytest.mark.parametrize("flag", ["--smoke-test"])
def test_smoke_test_exits_zero(tmp_path, flag):
    pytest.importorskip("fxcost.report.excel")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "FXCOST_LOG_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "main.py", flag], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smoke test passed: 1500 trades" in done.stdout
    assert "smoke test passed" in (tmp_path / "fxcost.log").read_text()


def test_smoke_test_on_given_files_never_waits_for_a_dialog(tmp_path):
    # Headless runs answer no dialog: a CSV that needs a column mapping, or a missing file, is reported and the
    # run ends (it used to wait forever on the mapping dialog).
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "FXCOST_LOG_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    odd = tmp_path / "odd.csv"
    odd.write_text("Nr;Entered;Left;Way;Amount;Pair;Result\n1;2024.03.04 10:00;2024.03.04 12:00;BUY;0,10;EURUSD;18,80\n")
    done = subprocess.run([sys.executable, "main.py", str(odd), str(tmp_path / "missing.htm"), "--smoke-test"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "odd.csv" in done.stderr and "has no column for" in done.stderr and "does not exist" in done.stderr


def test_screenshot_mode_writes_a_png_of_each_view(tmp_path):
    from fxcost.ui.application import SHOTS

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "FXCOST_LOG_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    out = tmp_path / "shots"
    done = subprocess.run([sys.executable, "main.py", "--screenshot", str(out)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    # Issue 15: the app and `report` choose no program; the screenshots say which one they show.
    assert "--screenshot shows the main program 'Example cashback" in done.stdout, done.stdout
    for name, _tab, _chart in SHOTS:
        data = (out / f"{name}.png").read_bytes()
        assert data[:4] == b"\x89PNG" and 10_000 < len(data) < 200_000, name


def test_charts_follow_a_dark_palette(qtbot, loaded):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    original = app.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Base, QColor(30, 30, 30))
    dark.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(lambda: loaded.charts.charts["equity"].plot.backgroundBrush().color() == QColor(30, 30, 30),
                        timeout=30_000)
        assert loaded.trades.model._negative.lightness() > 128  # readable on dark
    finally:
        app.setPalette(original)


def test_an_unexpected_error_goes_to_the_crash_route(qtbot, loaded, monkeypatch):
    from fxcost.ui import dialogs, main_window

    crashes = []
    monkeypatch.setattr(dialogs, "show_crash", lambda exc, log_path: crashes.append(exc))

    def broken(*a, **k):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(main_window.viewdata, "prepare", broken)
    with qtbot.waitSignal(loaded.import_finished, timeout=60_000):
        loaded.open_sample()
    assert [str(e) for e in crashes] == ["engine bug"]
    assert "unexpected error" in loaded.status_label.text()
    assert loaded.views is not None  # the previous analysis stays on screen


def test_shortcuts_about_box_and_version(qtbot, window, monkeypatch):
    from PySide6.QtGui import QKeySequence

    from fxcost import __version__

    std = QKeySequence.StandardKey
    assert window.open_action.shortcut() == QKeySequence(std.Open)
    assert window.quit_action.shortcut() == QKeySequence(std.Quit)
    assert window.find_action.shortcut() == QKeySequence(std.Find)
    assert window.export_excel_action.shortcut() == QKeySequence("Ctrl+E")
    assert not window.export_excel_action.isEnabled()  # nothing to export before a file is open
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.about_action.trigger()
    assert __version__ in shown[0] and "no network connection" in shown[0]


def test_no_network_connection_is_attempted(qtbot, window, sample_path, tmp_path, monkeypatch):
    import socket

    def refuse(*a, **k):
        raise AssertionError("fxcost tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_files([str(sample_path)])
    if _has_excel():
        with qtbot.waitSignal(window.export_finished, timeout=120_000) as blocker:
            window.export_excel_to(str(tmp_path / "r.xlsx"))
        assert blocker.args == [str(tmp_path / "r.xlsx")]


def _has_excel() -> bool:
    try:
        import fxcost.report.excel  # noqa: F401
    except ImportError:
        return False
    return True


def test_overview_and_trades_show_before_the_comparison_is_done(qtbot, window, sample_path):
    seen = []

    def first():
        # What the window shows at its first paint: the new figures and trades; the rest greyed.
        seen.append({key: page.isEnabled() for key, page in window.pages.items() if key != "import"})
        seen.append(window.views.complete)
        seen.append(window.trades.model.rowCount())

    window.first_views_shown.connect(first)
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_files([str(sample_path)])
    assert seen[0] == {"overview": True, "trades": True, "charts": False, "compare": False, "ib": False,
                       "strategies": False}  # issue 15's Strategies view waits for the summary too
    assert seen[1:] == [False, 1500]
    assert all(page.isEnabled() for page in window.pages.values())
    assert window.views.complete and window.compare.model.rowCount() == len(window.views.compare) > 1
    assert window.ib.model().rowCount() > 0 and window.charts.charts["equity"].curves
    # A setup change goes the same way and ends with every view filled from the new analysis.
    seen.clear()
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.setup.main_program.setCurrentIndex(window.setup.main_program.findData("bundled:flat-8-per-lot.json"))
    assert seen and seen[0]["compare"] is False
    assert window.views.complete and all(page.isEnabled() for page in window.pages.values())
    assert window.overview.text("rebate").startswith(f"{window.views.figures['rebate']:,.2f}")


def test_csv_with_unknown_columns_asks_which_is_which_and_opens(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from fxcost.ui.csv_mapping import CsvMappingDialog

    path = tmp_path / "journal.csv"
    path.write_text(
        "Nr;Entered;Left;Way;Amount;Pair;In;Out;Fee;Carry;Result\n"
        "1;2024.03.04 10:00;2024.03.04 12:00;BUY;0,10;EURUSD;1,08512;1,08700;-0,70;0;18,80\n"
        "2;2024.03.05 10:00;2024.03.05 12:00;SELL;0,10;GBPUSD;1,27000;1,26900;-0,70;-0,1;10,00\n",
        encoding="utf-8",
    )
    asked = []

    def answer(dialog: CsvMappingDialog):
        asked.append(dialog.mapping())
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        assert not ok.isEnabled()  # required columns still missing
        assert asked[0]["commission"] == "Fee"  # no commission column: a Fee column is proposed as commission
        for key, header in {"open_time": "Entered", "close_time": "Left", "side": "Way", "lots": "Amount",
                            "symbol": "Pair", "profit": "Result", "swap": "Carry", "taxes": "Fee"}.items():
            combo = dialog.combos[key]
            combo.setCurrentIndex(combo.findData(header))
        assert not ok.isEnabled() and "Fee" in dialog.error.text()  # one column cannot hold two values
        dialog.combos["taxes"].setCurrentIndex(0)
        assert ok.isEnabled()
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(CsvMappingDialog, "exec", answer)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"message box: {a[2]}"))
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_files([str(path)])
    assert len(asked) == 1
    trades = window.views.result.trades
    assert trades["profit"].tolist() == [18.8, 10.0] and trades["commission"].sum() == pytest.approx(-1.4)


def test_csv_without_a_currency_offers_a_link_that_sets_it_and_remembers_it(qtbot, make_window, tmp_path,
                                                                            monkeypatch):
    from urllib.parse import quote

    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QDialog

    from fxcost.ui.csv_mapping import CsvCurrencyDialog
    from fxcost.ui.import_panel import CURRENCY_LINK

    path = tmp_path / "eur-journal.csv"
    path.write_text(
        "Ticket,Open Time,Close Time,Type,Lots,Symbol,Commission,Swap,Profit\n"
        "1,2024.03.04 10:00,2024.03.04 12:00,buy,0.10,EURUSD,-0.70,0,18.80\n"
        "2,2024.03.05 10:00,2024.03.05 12:00,sell,0.10,GBPUSD,-0.70,-0.10,10.00\n",
        encoding="utf-8",
    )
    asked = []

    def answer(dialog: CsvCurrencyDialog):
        asked.append(dialog.currency())
        dialog.combo.setCurrentIndex(dialog.combo.findData("EUR"))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(CsvCurrencyDialog, "exec", answer)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"message box: {a[2]}"))
    window = make_window()
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_files([str(path)])
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert asked == []  # nothing modal while importing
    assert "account currency unknown" in window.status_label.text()
    assert "Set the account currency" in window.summary.toPlainText()
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.summary.anchorClicked.emit(QUrl(CURRENCY_LINK + quote(str(path))))
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert asked == ["USD"] and window.views.result.accounts[0].currency == "EUR"
    assert not any("does not say the account's currency" in w for w in window.views.warnings)
    assert "Set the account currency" not in window.summary.toPlainText()
    assert "currency unknown" not in window.status_label.text()
    # A later session opens the file with the remembered currency.
    again = make_window()
    with qtbot.waitSignal(again.analysis_ready, timeout=60_000):
        again.open_files([str(path)])
    assert asked == ["USD"] and again.views.result.accounts[0].currency == "EUR"


def test_csv_mapping_dialog_also_takes_the_account_currency(qtbot, window):
    from fxcost.ui.csv_mapping import CsvMappingDialog

    dialog = CsvMappingDialog("x.csv", ["A", "B"], {}, window, currency="jpy")
    qtbot.addWidget(dialog)
    assert dialog.currency() == "JPY"
    dialog.currency_combo.setCurrentIndex(dialog.currency_combo.findData("USC"))
    assert dialog.currency() == "USC" and "cent" in dialog.currency_combo.currentText()
    # Untouched, it leaves the currency to the file (its currency column, else USD with a warning).
    fresh = CsvMappingDialog("x.csv", ["A", "B"], {}, window)
    qtbot.addWidget(fresh)
    assert fresh.currency() == "" and "file says" in fresh.currency_combo.currentText()


def test_mapping_answered_in_a_real_modal_loop_opens_again_and_the_next_open_is_its_own(qtbot, window, tmp_path,
                                                                                       monkeypatch, sample_path):
    # A modal dialog runs its own event loop: the failed Open's worker finishes while the user picks columns.
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QDialog

    from fxcost.ui.csv_mapping import CsvMappingDialog

    path = tmp_path / "journal.csv"
    path.write_text("Entered;Left;Way;Amount;Pair;Result\n"
                    "2024.03.04 10:00;2024.03.04 12:00;BUY;0,10;EURUSD;18,80\n", encoding="utf-8")

    def answer(dialog: CsvMappingDialog):
        loop = QEventLoop()
        QTimer.singleShot(300, loop.quit)
        loop.exec()  # the worker's "finished" is handled in here, as under a real exec()
        for key, header in {"open_time": "Entered", "close_time": "Left", "side": "Way", "lots": "Amount",
                            "symbol": "Pair", "profit": "Result"}.items():
            dialog.combos[key].setCurrentIndex(dialog.combos[key].findData(header))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(CsvMappingDialog, "exec", answer)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_files([str(path)])
    assert window.views.result.trades["profit"].tolist() == [18.8]
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_files([str(sample_path)])
    assert len(window.views.result.trades) == 1500  # the new Open, not the old CSV again


def test_a_tester_report_without_a_currency_offers_the_link_too(qtbot, make_window, tmp_path, monkeypatch):
    # A real French MT4 backtest on FXCM-EURDemo01 printed no currency: the warning names the server's EUR, and the
    # Import panel's link sets it as for a CSV (pipeline.apply_currency applies it to any file that prints none).
    from urllib.parse import quote

    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QDialog

    from fxcost.samples.writers.tester import mt4_tester_variant
    from fxcost.ui.csv_mapping import CsvCurrencyDialog
    from fxcost.ui.import_panel import CURRENCY_LINK

    path = tmp_path / "StrategyTester.htm"
    mt4_tester_variant(path, "en", trades=12, server="FXCM-EURDemo01")

    def answer(dialog: CsvCurrencyDialog):
        dialog.combo.setCurrentIndex(dialog.combo.findData("EUR"))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(CsvCurrencyDialog, "exec", answer)
    window = make_window()
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_files([str(path)])
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert window.views.result.accounts[0].currency == "USD"
    assert any("Its server FXCM-EURDemo01 names EUR" in w and "--currency EUR" in w for w in window.views.warnings)
    assert "Set the account currency" in window.summary.toPlainText()
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.summary.anchorClicked.emit(QUrl(CURRENCY_LINK + quote(str(path))))
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert window.views.result.accounts[0].currency == "EUR"
    assert not any("prints no currency" in w for w in window.views.warnings)
    assert "Set the account currency" not in window.summary.toPlainText()
