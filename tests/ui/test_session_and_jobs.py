"""The app's session (File > Save / Open a session, --session, --smoke-test's views.json) and its JobRunner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from fxcost.session import BUNDLED, Session

ROOT = Path(__file__).resolve().parents[2]


def test_a_saved_session_reopens_with_its_files_and_settings(qtbot, loaded, make_window, tmp_path):
    setup = loaded.setup
    setup.swap_in_cost.setChecked(True)  # a setting the command line also has (--swap-in-cost)
    combo = setup.ib_program
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        combo.setCurrentIndex(combo.findData(BUNDLED + "flat-8-per-lot.json"))
    assert loaded.views.result.settings.include_swap_in_cost
    path = tmp_path / "s.json"
    assert loaded.save_session_to(str(path))
    saved = Session.load(path)
    assert saved.setup.include_swap_in_cost and saved.setup.ib_program == BUNDLED + "flat-8-per-lot.json"
    assert [os.path.abspath(f) for f in saved.files] == [os.path.abspath(f) for f in loaded.session().files]
    other = make_window()
    with qtbot.waitSignal(other.analysis_ready, timeout=60_000):
        other.open_session(saved)
    assert other.setup.state() == loaded.setup.state()
    assert other.views.summary.document["costs"] == loaded.views.summary.document["costs"]
    flat = loaded.setup.catalog.programs[BUNDLED + "flat-8-per-lot.json"].name
    assert other.views.ib_program == loaded.views.ib_program == flat


def test_the_apps_command_line_and_report_run_the_same_analysis(tmp_path):
    """Issue 10: ``main.py FILE [OPTIONS] --smoke-test DIR`` writes DIR/views.json, and ``report --json`` with the
    same options agrees on every shared key (the one subprocess of this check; the rest run in-process)."""
    from fxcost import cli
    from fxcost.resources import BUNDLED_SAMPLE, asset
    from tests.summary.test_cross_surface import mismatches

    options = ["--program", "ib-tiered", "--program", "example-cashback", "--swap-in-cost"]
    sample = str(asset(BUNDLED_SAMPLE))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FXCOST_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "main.py", sample, *options, "--smoke-test", str(tmp_path / "out")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    views = json.loads((tmp_path / "out" / "views.json").read_text(encoding="utf-8"))
    assert cli.main(["report", sample, *options, "--json", str(tmp_path / "r.json"), "-q"]) == 0
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert mismatches(views, doc) == []
    assert views["whatif"] and views["ib"]["by_client"] and views["costs"]["rebate"] == doc["costs"]["rebate"]
    assert views["assumptions"]["program"] == doc["assumptions"]["program"]


def test_a_superseded_jobs_news_is_dropped(qtbot):
    from fxcost.ui.jobs import JobRunner
    from fxcost.ui.workers import Worker

    runner = JobRunner()
    release = threading.Event()
    old = Worker(lambda progress, is_cancelled: release.wait(30) and "old")
    runner.start(old, "analyse")
    got, ended = [], []
    runner.returned.connect(got.append)
    runner.finished.connect(ended.append)
    new = Worker(lambda progress, is_cancelled: "new")
    runner.cancel()
    runner.start(new, "open")  # the old job still runs; only the new one's news counts
    qtbot.waitUntil(lambda: ended == ["open"], timeout=30_000)
    release.set()
    qtbot.wait(200)
    assert got == ["new"] and ended == ["open"] and not runner.busy and old.is_cancelled()
    runner.supersede(["a.htm"], None)
    assert runner.take_reopen() == (["a.htm"], None) and runner.take_reopen() is None
