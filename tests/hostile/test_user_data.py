"""Damaged user data and settings (issue 13): set aside intact with a date, the user told what was done, never a
blocked start-up; stale temporary files of interrupted saves cleaned on start."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.hostile.cases import deep_json
from tests.hostile.run import ROOT


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FXCOST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FXCOST_NO_ERR_WINDOWS", "1")
    return tmp_path / "data"


def _child(code: str, tmp_path, timeout: float = 20) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter: a read that blocks (a pipe) must not hang the test run."""
    env = {**os.environ, "FXCOST_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env=env)


def _damaged_copies(folder, stem):
    return sorted(p for p in folder.iterdir() if p.name.startswith(f"{stem}.damaged-"))


@pytest.mark.parametrize("content", [deep_json(), bytes(range(256)) * 8, "{" + '"k' * 10 + '": 1'],
                         ids=["nested-100k", "binary", "cut-off"])
def test_a_damaged_program_is_set_aside_intact_and_reported_once(data_dir, content):
    from fxcost import userdata

    folder = data_dir / "programs"
    folder.mkdir(parents=True)
    raw = content.encode() if isinstance(content, str) else content
    (folder / "mine.json").write_bytes(raw)
    loaded = userdata.load_programs()
    assert not loaded.items and len(loaded.problems) == 1
    copies = _damaged_copies(folder, "mine")
    assert len(copies) == 1 and copies[0].read_bytes() == raw  # intact, with a date in its name
    assert f"It was renamed to {copies[0].name}" in str(loaded.problems[0])
    assert len(str(loaded.problems[0])) < 400
    assert userdata.load_programs().problems == []


def test_a_symlink_loop_is_reported_as_left_where_it_is(data_dir):
    from fxcost import userdata

    folder = data_dir / "spread-profiles"
    folder.mkdir(parents=True)
    (folder / "loop.json").symlink_to(folder / "loop.json")
    problems = userdata.load_profiles().problems
    assert len(problems) == 1 and str(problems[0]).endswith("It was left where it is.")
    assert "renamed to" not in str(problems[0])


def test_a_pipe_named_like_a_program_does_not_block_start_up(tmp_path):
    folder = tmp_path / "data" / "programs"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "fifo.json")
    out = _child("from fxcost import userdata; print([str(p) for p in userdata.load_programs().problems])", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "named pipe (FIFO)" in out.stdout and "renamed to fifo.damaged-" in out.stdout


def test_stale_temporary_files_of_fxcost_are_removed_and_no_others(data_dir):
    from fxcost import userdata

    folder = data_dir / "programs"
    folder.mkdir(parents=True)
    old = folder / ".mine.json.ab1_cd2e.tmp"
    fresh = folder / ".mine.json.zz9_yy8x.tmp"
    foreign = folder / "notes.tmp"
    for p in (old, fresh, foreign):
        p.write_bytes(b"x" * 1000)
    hour_ago = time.time() - 7200
    for p in (old, foreign):
        os.utime(p, (hour_ago, hour_ago))
    userdata.load_programs()
    assert not old.exists() and fresh.exists() and foreign.exists()


@pytest.mark.parametrize("kind", ["binary", "folder", "pipe", "latin1"])
def test_a_damaged_settings_file_is_set_aside_and_reported(tmp_path, kind):
    path = tmp_path / "settings.ini"
    if kind == "binary":
        path.write_bytes(b"[General]\nfiles%2Frecent=\x00\x01\x02\xff" * 50)
    elif kind == "latin1":
        path.write_bytes("[General]\nfiles%2Flast_dir=/home/caf\xe9\n".encode("latin-1"))
    elif kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    code = ("from fxcost.ui.settings import Settings\n"
            f"s = Settings({str(path)!r})\n"
            "s.add_recent(['/x/report.htm'])\n"
            "s.sync()\n"
            "print('\\n'.join(s.problems))\n"
            f"print('reread', Settings({str(path)!r}).recent_files(), Settings({str(path)!r}).problems)\n")
    out = _child(code, tmp_path)
    assert out.returncode == 0, out.stderr
    copies = _damaged_copies(tmp_path, "settings")
    assert len(copies) == 1, out.stdout
    assert f"was renamed to {copies[0].name}" in out.stdout
    # A fresh settings file now keeps what the user does, and is not reported again.
    assert "reread ['/x/report.htm'] []" in out.stdout
    if kind == "binary":
        assert copies[0].read_bytes().startswith(b"[General]\nfiles%2Frecent=\x00")


def test_an_unwritable_settings_store_is_reported_once(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the settings folder should be")
    from fxcost.ui.settings import Settings

    s = Settings(blocker / "settings.ini")
    s.add_recent(["/x/a.htm"])
    s.sync()
    s.sync()
    assert len(s.problems) == 1 and "Settings cannot be saved" in s.problems[0]
    assert s.recent_files() == ["/x/a.htm"]  # kept for this session


def test_the_window_tells_the_user_about_damaged_settings_and_programs(qtbot, tmp_path, monkeypatch):
    """What the real user folders would hold at start-up, in a window like --smoke-test's."""
    from fxcost.ui import application, dialogs

    # _isolated_window makes message boxes headless for the whole process; put that back after this test
    monkeypatch.setattr(dialogs, "_HEADLESS", [False])
    monkeypatch.setenv("FXCOST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FXCOST_NO_ERR_WINDOWS", "1")
    (tmp_path / "data" / "programs").mkdir(parents=True)
    (tmp_path / "data" / "programs" / "deep.json").write_text(deep_json())
    (tmp_path / "settings.ini").write_bytes(bytes(range(256)))
    window = application._isolated_window(None, tmp_path)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: len(application.HEADLESS_MESSAGES) > 0, timeout=30_000)
    text = "\n".join(application.HEADLESS_MESSAGES)
    assert "deep.json: nested too deeply" in text and "renamed to deep.damaged-" in text
    assert "settings.ini was damaged (it holds binary data): it was renamed to settings.damaged-" in text
