"""UI test fixtures: a main window whose settings and user files live in a temporary folder."""

from __future__ import annotations

import gc

import pytest


@pytest.fixture(scope="session", autouse=True)
def garbage_in_gui_thread(qapp):
    """As the app does (application.collect_garbage_in_gui_thread): cyclic garbage is collected by the GUI thread
    only, never by an analysis worker freeing a closed window's widgets; automatic collection is back afterwards."""
    from fxcost.ui.application import collect_garbage_in_gui_thread

    collector = collect_garbage_in_gui_thread()
    # An earlier test may have made the collector under another QApplication, or this session's teardown stopped it:
    # its timer is started again on this one (a timer that is "active" but never fires otherwise).
    gc.disable()
    collector.timer.start()
    yield collector
    collector.timer.stop()
    gc.enable()


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """User data folder and settings file under tmp_path; no blocking error windows."""
    monkeypatch.setenv("FXCOST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FXCOST_NO_ERR_WINDOWS", "1")
    return tmp_path


@pytest.fixture
def make_window(qtbot, isolated):
    """Factory of real main windows sharing one settings file (so a second window sees the first's state)."""
    from fxcost.ui.main_window import MainWindow
    from fxcost.ui.settings import Settings

    def make():
        w = MainWindow(settings=Settings(isolated / "settings.ini"))
        qtbot.addWidget(w)
        return w

    return make


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def sample_path():
    from fxcost.resources import BUNDLED_SAMPLE, asset

    return asset(BUNDLED_SAMPLE)


def open_through_dialog(qtbot, window, files, monkeypatch):
    """Open ``files`` the way a user does: File ▸ Open, the file dialog, then wait for the analysis."""
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(f) for f in files], ""))
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        window.open_action.trigger()


@pytest.fixture
def loaded(qtbot, window, sample_path, monkeypatch):
    """A window showing the bundled sample, opened through File ▸ Open, with the example cashback program
    picked as the main one (the app applies none until the user picks one)."""
    from fxcost.ui.setup_panel import BUNDLED

    open_through_dialog(qtbot, window, [sample_path], monkeypatch)
    combo = window.setup.main_program
    with qtbot.waitSignal(window.analysis_ready, timeout=60_000):
        combo.setCurrentIndex(combo.findData(BUNDLED + "example-cashback.json"))
    return window


@pytest.fixture
def messages(monkeypatch):
    """The texts of the warnings the window shows (QMessageBox.warning), in order."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    return shown
