"""Costing an IB's book in worker processes (issue 14): the same analysis as in-process, figure by figure."""

from __future__ import annotations

import dataclasses
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


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    """Five client statements in the three generated formats, one of them a cent account's size."""
    folder = tmp_path_factory.mktemp("book")
    formats = (("mt4", ".htm"), ("mt5-html", ".html"), ("mt5-xlsx", ".xlsx"))
    paths = []
    for i in range(5):
        fmt, ext = formats[i % 3]
        path = folder / f"client{i}{ext}"
        generate(path, fmt, 60 + 15 * i, seed=300 + i)
        paths.append(str(path))
    return import_files(paths)


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


def _precosted(portfolio, settings) -> parallel_analysis.Precost:
    """Every file's accounts costed as the import's ``meanwhile`` costs them, file by file (then those still
    waiting for a batch)."""
    precost = parallel_analysis.Precost(settings)
    for f in portfolio.files:
        precost([f.statement], [f.reconciliation])
    precost.flush()
    return precost


def test_accounts_read_meanwhile_are_costed_in_batches(portfolio, monkeypatch):
    """Issue 14: arrived accounts wait until they hold PRECOST_BATCH_TRADES trades, then are costed together (as
    each alone would be)."""
    settings = _settings("ib-tiered.json")
    monkeypatch.setattr(parallel_analysis, "PRECOST_BATCH_TRADES", sum(len(b.trades) for b in portfolio.accounts[:2]))
    precost = parallel_analysis.Precost(settings)
    files = portfolio.files
    precost([files[0].statement], [files[0].reconciliation])
    assert not precost.ready and len(precost.pending) == 1
    precost([files[1].statement], [files[1].reconciliation])
    assert not precost.pending and len(precost.ready) == 2
    there = parallel_analysis.analyse_book(portfolio, settings, precost=precost)
    _same(analyse(portfolio, settings), there)
    assert not precost.ready and not precost.pending


@pytest.mark.parametrize("program", [None, "example-cashback.json", "ib-tiered.json"])
def test_accounts_costed_while_the_files_were_read_are_taken_as_they_are(portfolio, program):
    """Issue 14: the analysis takes each account's costs from the import's meanwhile when its job is the same:
    the very objects, and the same result as costing them afterwards (the IB deal's pooled tiers still price the
    payouts on the whole book)."""
    settings = _settings(program)
    precost = _precosted(portfolio, settings)
    costed = {key: done.analysis for key, (_, done) in precost.ready.items()}
    there = parallel_analysis.analyse_book(portfolio, settings, precost=precost)
    _same(analyse(portfolio, settings), there)
    assert all(a is costed[a.book.key] for a in there.accounts)
    assert not precost.ready  # what was taken or refused is let go


def test_an_account_whose_job_changed_after_its_file_was_read_is_costed_again(portfolio):
    """A job that differs once the book is merged is not taken: here the roster renamed a client, and a book of
    one account under pooled tiers prices its payouts with its costs (the meanwhile assumed a pooled book)."""
    settings = _settings("ib-tiered.json")
    precost = _precosted(portfolio, settings)
    costed = {key: done.analysis for key, (_, done) in precost.ready.items()}
    first = portfolio.accounts[0]
    renamed = dataclasses.replace(first, account=dataclasses.replace(first.account, name="Renamed"))
    changed = dataclasses.replace(portfolio, accounts=[renamed, *portfolio.accounts[1:]])
    there = parallel_analysis.analyse_book(changed, settings, precost=precost)
    _same(analyse(changed, settings), there)
    assert there.accounts[0] is not costed[first.key]
    assert all(a is costed[a.book.key] for a in there.accounts[1:])

    alone = dataclasses.replace(portfolio, accounts=portfolio.accounts[1:2])
    precost = _precosted(portfolio, settings)
    there = parallel_analysis.analyse_book(alone, settings, precost=precost)
    _same(analyse(alone, settings), there)
    assert there.accounts[0] is not precost.ready.get(alone.accounts[0].key, (None, None))[1]


def test_same_job_compares_every_field_and_frame(portfolio):
    from fxcost.analysis.engine import account_jobs

    jobs = account_jobs(portfolio, False)
    again = account_jobs(portfolio, False)
    assert all(parallel_analysis.same_job(a, b) for a, b in zip(jobs, again))
    assert not parallel_analysis.same_job(jobs[0], account_jobs(portfolio, True)[0])  # payouts priced elsewhere
    edited = jobs[0].book.trades.copy()
    edited.loc[0, "commission"] += 0.01
    assert not parallel_analysis.same_job(jobs[0], dataclasses.replace(
        jobs[0], book=dataclasses.replace(jobs[0].book, trades=edited)))
    assert not parallel_analysis.same_job(jobs[0], jobs[1])


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


def test_an_account_changed_in_place_after_it_was_costed_is_costed_again(tmp_path):
    """The merged book shares its Statement's Account; a currency the user chose (pipeline.apply_currency) is set on
    it after the file's account was costed meanwhile. The job costed then must not pass for the changed one."""
    paths = []
    for i in range(2):
        path = tmp_path / f"client{i}.htm"
        generate(path, "mt4", 40, seed=700 + i)
        paths.append(str(path))
    book = import_files(paths)
    settings = _settings(None)
    precost = _precosted(book, settings)
    costed = {key: done.analysis for key, (_, done) in precost.ready.items()}
    book.accounts[0].account.currency = "EUR"  # in place, as apply_currency does for a file that prints none
    there = parallel_analysis.analyse_book(book, settings, precost=precost)
    _same(analyse(book, settings), there)
    assert there.accounts[0].currency == "EUR" and there.accounts[0] is not costed[book.accounts[0].key]
    assert there.accounts[1] is costed[book.accounts[1].key]


def test_work_meanwhile_that_fails_leaves_the_import_whole(tmp_path):
    """A failure of the work done while the other files are read only means that work is done later."""
    from fxcost import parallel_import

    paths = []
    for i in range(3):
        path = tmp_path / f"client{i}.htm"
        generate(path, "mt4", 30, seed=800 + i)
        paths.append(str(path))

    def failing(statements, reconciliations):
        raise ValueError("a bug in the meanwhile")

    loaded = parallel_import.load_all(paths, lambda p: {}, workers=2, meanwhile=failing)
    assert len(loaded.statements) == 3 and not loaded.failures
