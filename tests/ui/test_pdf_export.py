"""File > Export PDF summary (issue 15): written on a worker, the status line names the file, errors are a message."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QMessageBox


def test_export_pdf_summary_names_the_file_written(qtbot, loaded, tmp_path):
    pytest.importorskip("fxcost.report.pdf_summary")
    assert loaded.export_pdf_action.isEnabled()
    assert loaded.export_pdf_action in loaded.menuBar().actions()[0].menu().actions()
    target = tmp_path / "summary.pdf"
    with qtbot.waitSignal(loaded.export_finished, timeout=120_000) as blocker:
        assert loaded.export_pdf_to(str(target), paper="letter")
    assert blocker.args == [str(target)]
    data = target.read_bytes()
    assert data[:5] == b"%PDF-" and 1 <= len(re.findall(rb"/Type /Page\b(?!s)", data)) <= 4
    assert b"/MediaBox [ 0 0 612 792 ]" in data
    assert loaded.status_label.text() == f"Saved {target}"


def test_export_pdf_to_a_missing_folder_is_a_message(qtbot, loaded, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    target = tmp_path / "missing-folder" / "summary.pdf"
    with qtbot.waitSignal(loaded.export_finished, timeout=60_000) as blocker:
        loaded.export_pdf_to(str(target))
    assert blocker.args == [""]
    assert shown and "missing-folder" in shown[0]
    assert not target.exists()
