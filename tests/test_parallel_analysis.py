"""Costing an IB's book in worker processes (issue 14): the same analysis as in-process, figure by figure."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import pandas as pd
import pytest

from fxcost import parallel_analysis
from fxcost.analysis import programs
from fxcost.analysis.engine import AnalysisResult, AnalysisSettings, analyse
from fxcost.analysis.spreads import load_profile
from fxcost.pipeline import import_files
from fxcost.resources import asset
from fxcost.samples.generate import generate
from tests.books import book_files


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    """Five client statements in the three generated formats, one of them a cent account's size."""
    return import_files(book_files(tmp_path_factory.mktemp("book"), range(5), lambda i: 60 + 15 * i, 300))


def _settings(program: str | None) -> AnalysisSettings:
    chosen = [programs.load(asset(f"programs/{program}"))] if program else []
    return AnalysisSettings(profile=load_profile("auto"), programs=chosen)


def _same(here: AnalysisResult, there: AnalysisResult) -> None:
    pd.testing.assert_frame_equal(here.trades, there.trades)
    assert here.warnings == there.warnings and here.currency == there.currency
    assert [a.book for a in here.accounts] == [a.book for a in there.accounts]  # the caller's own books
    for a, b in zip(here.accounts, there.accounts):
        pd.testing.assert_frame_equal(a.trades, b.trades)
        pd.testing.assert_frame_equal(a.spreads, b.spreads)
        for name in ("payouts", "payout_matches"):
            x, y = getattr(a, name), getattr(b, name)
            assert (x is None) == (y is None)
            if x is not None:
                pd.testing.assert_frame_equal(x, y)
        assert (a.currency, a.usd_rate, a.profile_reason, a.catalogue, a.no_spread, a.received_rebate) == (
            b.currency, b.usd_rate, b.profile_reason, b.catalogue, b.no_spread, b.received_rebate)
        assert getattr(a.profile, "name", None) == getattr(b.profile, "name", None)


@pytest.mark.parametrize("program", [None, "example-cashback.json", "ib-tiered.json"])
def test_workers_cost_the_book_as_in_process(portfolio, program):
    """No program, a cashback (payouts priced with each account) and an IB deal whose tiers pool every client's
    volume (a second pass once all accounts are costed)."""
    settings = _settings(program)
    here = analyse(portfolio, settings)
    there = parallel_analysis.analyse_book(portfolio, settings, workers=2)
    _same(here, there)
    if program:
        assert there.trades["rebate"].sum() > 0 and all(a.payouts is not None for a in there.accounts)


def test_pooled_tiers_are_priced_on_the_whole_book(portfolio):
    """The IB deal's tiers count every client's lots: a client costed alone would get another rebate."""
    settings = _settings("ib-tiered.json")
    book = parallel_analysis.analyse_book(portfolio, settings, workers=2)
    alone = analyse(type(portfolio)(files=portfolio.files, accounts=portfolio.accounts[:1]), settings)
    assert book.accounts[0].trades["rebate"].sum() != pytest.approx(alone.accounts[0].trades["rebate"].sum())


def test_when_workers_are_used(portfolio, monkeypatch):
    settings = _settings(None)
    assert parallel_analysis.worker_count(portfolio, settings, workers=2) == 2
    assert parallel_analysis.worker_count(portfolio, settings) == 0  # a few hundred trades: not worth a process
    monkeypatch.setattr(parallel_analysis, "MIN_PARALLEL_TRADES", 0)
    monkeypatch.setattr(parallel_analysis, "cores", lambda: 2)
    assert parallel_analysis.worker_count(portfolio, settings) == 0  # 2 cores: slower than in-process (measured)
    monkeypatch.setattr(parallel_analysis, "cores", lambda: 8)
    assert parallel_analysis.worker_count(portfolio, settings) == 5  # one per account, up to the cores
    with_bars = AnalysisSettings(market_data=[object()])  # type: ignore[list-item]  # sent to every worker: no
    assert parallel_analysis.worker_count(portfolio, with_bars, workers=2) == 0


def test_a_book_is_costed_in_process_when_workers_cannot_start(portfolio, monkeypatch):
    def broken(self, function, jobs):
        raise BrokenProcessPool("a worker was killed")

    monkeypatch.setattr(parallel_analysis.AccountWorkers, "__call__", broken)
    settings = _settings("ib-tiered.json")
    _same(analyse(portfolio, settings), parallel_analysis.analyse_book(portfolio, settings, workers=2))


def test_the_pipeline_gives_the_result_of_analysing_its_portfolio(tmp_path, monkeypatch):
    """pipeline.run with import workers: the result is the one costing the same portfolio afterwards gives (the
    accounts are costed after the import, in batches: issue 14)."""
    from fxcost import parallel_import, pipeline

    paths = []
    for i in range(6):
        path = tmp_path / f"client{i}.htm"
        generate(path, "mt4", 40 + 10 * i, seed=500 + i)
        paths.append(str(path))
    monkeypatch.setattr(parallel_import, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel_import, "cores", lambda: 2)
    settings = _settings("ib-tiered.json")
    there = pipeline.run(paths, settings)
    assert parallel_import.last_run["workers"] == 2
    _same(analyse(there.portfolio, settings), there)
