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


def test_costing_and_summarising_run_paused_but_not_the_exports(collecting, monkeypatch, tmp_path):
    """engine.analyse and summary.build make millions of objects on a big book: no collection inside. The exports
    are not paused: openpyxl's workbooks are reference cycles, and a batch of client statements was held to the end
    of the command (300 clients: 530 MB -> 1,069 MB peak)."""
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
    from fxcost.report import client_statement
    monkeypatch.setattr(client_statement, "write", spy("statement", client_statement.write))
    assert cli.main(["report", str(asset(BUNDLED_SAMPLE)), "-q", "--program", str(asset("programs/ib-tiered.json")),
                     "--client-statements", str(tmp_path / "statements")]) == 0
    assert seen["statement"] is True and gc.isenabled()
