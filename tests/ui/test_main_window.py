"""The main window imports on a worker thread and shows the import panel."""

import pytest

pytest.importorskip("PySide6")

from fxcost.ui.main_window import MainWindow  # noqa: E402

CSV = (
    "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit\n"
    "1,2024.01.05 10:22:00,buy,0.10,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,18.00\n"
    "2,2024.01.05 11:00:00,sell,1.00,USDJPY,144.500,2024.01.08 09:00:00,144.300,-7.00,-12.40,138.60\n"
)


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow()
    qtbot.addWidget(w)
    return w


def _open(qtbot, window, files):
    with qtbot.waitSignal(window.import_finished, timeout=60_000):
        window.open_files([str(f) for f in files])


def test_import_shows_counts_and_totals(qtbot, window, tmp_path):
    src = tmp_path / "trades.csv"
    src.write_text(CSV)
    _open(qtbot, window, [src])
    assert window.portfolio is not None
    assert len(window.portfolio.trades) == 2
    text = window.summary.toPlainText()
    assert "trades.csv" in text
    assert "2 closed trades" in text
    assert "156.60" in text  # profit total, the engine's figure
    assert "2 closed trades" in window.status_label.text()
    assert window.open_action.isEnabled()


def test_bad_file_is_listed_not_crashing(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing")
    _open(qtbot, window, [bad])
    assert shown and "PDF" in shown[0]
    assert "Not imported" in window.summary.toPlainText()
