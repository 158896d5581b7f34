"""gcpause.paused: automatic garbage collection off inside, the state before restored after (issue 14)."""

from __future__ import annotations

import gc

import pytest

from fxcost import cli, gcpause
from fxcost.analysis import batch, engine
from fxcost.pipeline import import_files
from fxcost.resources import BUNDLED_SAMPLE, asset
from fxcost.summary import build


@pytest.fixture
def collecting():
    """Automatic collection on for the test, whatever the session set, and put back after."""
    before = gc.isenabled()
    gc.enable()
    yield
    if not before:
        gc.disable()


def test_paused_turns_collection_off_and_back_on(collecting):
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause keeps the outer one's
    assert gc.isenabled()


def test_paused_restores_on_error_and_keeps_a_caller_s_disabled_collector(collecting):
    with pytest.raises(ValueError):
        with gcpause.paused():
            raise ValueError("boom")
    assert gc.isenabled()
    gc.disable()  # the app's own choice (it collects in its GUI thread): left as it is
    with gcpause.paused():
        pass
    assert not gc.isenabled()


def test_costing_summarising_and_the_report_command_run_paused(collecting, monkeypatch, tmp_path):
    """engine.analyse, summary.build and `report` make millions of objects on a big book: no collection inside."""
    seen: dict[str, bool] = {}

    def spy(name, original):
        def call(*args, **kwargs):
            seen[name] = gc.isenabled()
            return original(*args, **kwargs)
        return call

    monkeypatch.setattr(batch, "cost_accounts", spy("analyse", batch.cost_accounts))
    portfolio = import_files([str(asset(BUNDLED_SAMPLE))])
    result = engine.analyse(portfolio, engine.AnalysisSettings())
    assert seen == {"analyse": False} and gc.isenabled()
    from fxcost.summary import document
    monkeypatch.setattr(document, "analysis_summary", spy("build", document.analysis_summary))
    build(result)
    assert seen == {"analyse": False, "build": False} and gc.isenabled()
    monkeypatch.setattr(cli, "report", spy("report", cli.report))
    assert cli.main(["report", str(asset(BUNDLED_SAMPLE)), "--json", str(tmp_path / "out.json")]) == 0
    assert seen["report"] is False and gc.isenabled()
