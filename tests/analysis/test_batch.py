"""Batched costing (issue 14): accounts costed together as one frame give exactly what costing each alone gives."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from fxcost.analysis import batch, engine, programs, rebates
from fxcost.analysis.engine import AnalysisSettings, CostedAccount, Settled, analyse
from fxcost.analysis.instruments import InstrumentSettings
from fxcost.analysis.spreads import load_profile
from fxcost.pipeline import import_files
from fxcost.portfolio import Portfolio
from fxcost.resources import asset
from tests.books import book_files


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Portfolio:
    """Five generated client statements of different sizes, symbols and months, in the three formats."""
    return import_files(book_files(tmp_path_factory.mktemp("book"), range(5), lambda i: 50 + 40 * i, 700))


def _settings(program: str | None = None, **changes) -> AnalysisSettings:
    chosen = [programs.load(asset(f"programs/{program}"))] if program else []
    settings = AnalysisSettings(profile=load_profile("auto"), programs=chosen)
    return dataclasses.replace(settings, **changes)


def _same_frame(a: pd.DataFrame | None, b: pd.DataFrame | None) -> None:
    if a is None or b is None:
        assert a is None and b is None
        return
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.equals(b) and list(a.columns) == list(b.columns) and list(a.dtypes) == list(b.dtypes)


def _same_account(alone: CostedAccount, together: CostedAccount) -> None:
    x, y = alone.analysis, together.analysis
    for name in ("trades", "spreads", "payouts", "payout_matches"):
        _same_frame(getattr(x, name), getattr(y, name))
    for name in ("currency", "leverage", "usd_rate", "profile_reason", "tester_spread_points", "received_rebate",
                 "received_rebate_rows", "no_spread", "catalogue"):
        assert getattr(x, name) == getattr(y, name), name
    assert x.profile is y.profile
    assert (alone.warnings, alone.loud, alone.payout_warnings) == (together.warnings, together.loud,
                                                                  together.payout_warnings)


def _check(portfolio: Portfolio, settings: AnalysisSettings, *, batched: int) -> list[CostedAccount]:
    """Costing every account alone and in batches gives the same; at least ``batched`` accounts were batched."""
    pools = rebates.pools_tiers(settings.main_program, len(portfolio.accounts))
    jobs = engine.account_jobs(portfolio, pools)
    preps = [engine.prepare(job, settings) for job in jobs]
    assert sum(len(b) for b in batch.batches(jobs, preps, settings)) >= batched
    alone = [engine.cost_account(job, settings) for job in jobs]
    together = batch.cost_accounts(jobs, settings)
    for x, y in zip(alone, together, strict=True):
        _same_account(x, y)
    return alone


def _same_settled(a: Settled, b: Settled) -> None:
    for name in ("trades", "payouts", "matches"):
        _same_frame(getattr(a, name), getattr(b, name))
    assert a.warnings == b.warnings


@pytest.mark.parametrize("program", [None, "ib-tiered.json", "example-cashback.json"])
def test_batched_costing_is_costing_alone(portfolio, program):
    _check(portfolio, _settings(program), batched=2)


@pytest.mark.parametrize("changes", [
    {"observed_spreads": False},
    {"time_of_day": False},
    {"server_utc_offset": 2.0},
    {"time_of_day_clock": "UTC"},
    {"utc_offsets": {}},
])
def test_batched_costing_under_other_settings(portfolio, changes):
    _check(portfolio, _settings("ib-tiered.json", **changes), batched=2)


def test_batched_costing_with_instrument_overrides(portfolio):
    """A user's contract size, money per point, category and alias are applied per account in a batch, each with
    its own conversion rates."""
    roots = pd.concat([b.trades["symbol_root"] for b in portfolio.accounts]).value_counts().index.tolist()
    instruments = InstrumentSettings(contract_size={roots[0]: 50_000.0}, money_per_point={roots[1]: 7.0},
                                     categories={roots[2]: "other"}, aliases={roots[3]: "MYSYMBOL"})
    _check(portfolio, _settings("example-cashback.json", instruments=instruments), batched=2)


def test_batched_settlement_on_pooled_tiers(portfolio):
    """The pooled-tier pass (engine.analyse's second) priced in a batch equals settle_account per account."""
    settings = _settings("ib-tiered.json")
    program = settings.main_program
    assert program is not None and rebates.pools_tiers(program, len(portfolio.accounts))
    costed = [engine.cost_account(job, settings) for job in engine.account_jobs(portfolio, True)]
    for done, book in zip(costed, portfolio.accounts):
        done.analysis.book = book
    accounts = [done.analysis for done in costed]
    pooled = rebates.pooled_volume([(a.trades, a.currency) for a in accounts], program, priced=True)
    jobs = [engine._settle_job(a) for a in accounts]
    for a, b in zip([engine.settle_account(job, program, pooled) for job in jobs],
                    batch.settle_accounts(jobs, program, pooled), strict=True):
        _same_settled(a, b)


def _with(portfolio: Portfolio, index: int, **account_changes) -> Portfolio:
    """``portfolio`` with one account's Account fields changed (its book only: the statements stay)."""
    books = list(portfolio.accounts)
    book = books[index]
    books[index] = dataclasses.replace(book, account=dataclasses.replace(book.account, **account_changes))
    return dataclasses.replace(portfolio, accounts=books)


def test_accounts_that_cannot_batch_are_costed_alone(portfolio):
    """Another currency, a tester's fixed spread or another spread profile keep an account out of the others' batch,
    and it is still costed as alone."""
    book = _with(portfolio, 1, currency="EUR")
    settings = _settings("example-cashback.json")
    jobs = engine.account_jobs(book, False)
    jobs[2] = dataclasses.replace(jobs[2], tester={"x.htm": 12.0})
    preps = [engine.prepare(job, settings) for job in jobs]
    batched = {i for b in batch.batches(jobs, preps, settings) for i in b}
    assert 1 not in batched and 2 not in batched and len(batched) >= 2
    for job, done in zip(jobs, batch.cost_accounts(jobs, settings), strict=True):
        _same_account(engine.cost_account(job, settings), done)
    # The auto profile's choice splits the batches: each batch holds one profile.
    for rows in batch.batches(jobs, preps, settings):
        assert len({id(preps[i].profile) for i in rows}) == 1


def test_analyse_is_unchanged_by_batching(portfolio, monkeypatch):
    """engine.analyse (batched) gives what it gives with every account costed alone, merged frame and warnings."""
    settings = _settings("ib-tiered.json")
    together = analyse(portfolio, settings)
    monkeypatch.setattr(batch, "batches", lambda jobs, preps, settings: [])
    monkeypatch.setattr(batch, "settle_accounts",
                        lambda jobs, program, pooled=None: [engine.settle_account(j, program, pooled) for j in jobs])
    alone = analyse(portfolio, settings)
    _same_frame(alone.trades, together.trades)
    assert alone.warnings == together.warnings
    for a, b in zip(alone.accounts, together.accounts, strict=True):
        for name in ("trades", "spreads", "payouts", "payout_matches"):
            _same_frame(getattr(a, name), getattr(b, name))


def test_rebates_apart_keeps_each_accounts_own_volume():
    """rebates.apply(apart=True) on two accounts' frame tiers each on its own volume where no pooled volume is given,
    as when each is priced alone."""
    program = programs.load(asset("programs/ib-tiered.json"))
    t = pd.DataFrame({"account": ["a"] * 3 + ["b"] * 2, "symbol": "EURUSD", "symbol_root": "EURUSD",
                      "category": "fx_major", "lots": [400.0, 300.0, 200.0, 1.0, 2.0], "pip_value": 10.0,
                      "commission": -7.0, "notional_usd": 1e5, "usd_rate": 1.0, "hold_seconds": 600.0,
                      "move_points": 50.0, "spread_cost": 10.0,
                      "close_time": pd.to_datetime(["2024-01-05"] * 5)})
    together = rebates.apply(t, program, "USD", apart=True).tier_multiplier
    alone = np.concatenate([rebates.apply(t.iloc[:3], program, "USD").tier_multiplier,
                            rebates.apply(t.iloc[3:].reset_index(drop=True), program, "USD").tier_multiplier])
    assert np.array_equal(together, alone)


def test_a_books_trades_are_held_once(portfolio):
    """Issue 14's memory: each account's costed trades are its rows of the merged frame (a view, not a copy), and
    equal the frame the account was costed into; a book in several currencies keeps each account's own frame."""
    settings = _settings("ib-tiered.json")
    result = analyse(portfolio, settings)
    start = 0
    for a in result.accounts:
        n = len(a.trades)
        assert np.shares_memory(a.trades["spread_cost"].to_numpy(), result.trades["spread_cost"].to_numpy())
        _same_frame(a.trades, result.trades.iloc[start:start + n].reset_index(drop=True))
        start += n
    alone = engine.cost_account(engine.account_jobs(portfolio, False)[0], _settings(None))
    shared = analyse(portfolio, _settings(None)).accounts[0].trades
    _same_frame(alone.analysis.trades, shared)
    mixed = analyse(_with(portfolio, 1, currency="EUR"), settings)
    assert not np.shares_memory(mixed.accounts[0].trades["spread_cost"].to_numpy(),
                                mixed.trades["spread_cost"].to_numpy())


def test_categorical_columns_keep_their_own_categories(portfolio):
    """Review: pandas calls two categoricals of the same categories in another order equal, and joined they take
    the first one's; an account with a categorical column is costed alone, and its frame is not shared."""
    roots = sorted(set().union(*[set(b.trades["symbol_root"].astype(object)) for b in portfolio.accounts]))
    books = []
    for k, book in enumerate(portfolio.accounts):
        t = book.trades.copy()
        t["symbol_root"] = pd.Categorical(t["symbol_root"].astype(object), categories=roots[::1 if k % 2 else -1])
        books.append(dataclasses.replace(book, trades=t))
    reordered = dataclasses.replace(portfolio, accounts=books)
    settings = _settings("ib-tiered.json")
    jobs = engine.account_jobs(reordered, True)
    assert batch.batches(jobs, [engine.prepare(job, settings) for job in jobs], settings) == []
    result = analyse(reordered, settings)
    for a, job in zip(result.accounts, jobs, strict=True):
        assert list(a.trades["symbol_root"].cat.categories) == list(job.book.trades["symbol_root"].cat.categories)
    assert not engine.same_dtype(books[0].trades["symbol_root"].dtype, books[1].trades["symbol_root"].dtype)
    assert engine.same_dtype(books[0].trades["symbol_root"].dtype, books[2].trades["symbol_root"].dtype)


def test_written_columns_are_the_constructors_frame_without_copying_the_rest():
    """batch._written (settling a batch, issue 14) gives what pd.DataFrame({**frame, **columns}) gives: the same
    values, dtypes and column order, the written ones in their places and the new ones appended; the frame's other
    columns are views, and a column given as a view of another array is copied."""
    n = 6
    frame = pd.DataFrame({"a": np.arange(n, dtype=float), "b": np.arange(n) * 2.0, "s": ["x"] * n,
                          "c": np.arange(n, dtype=np.int64)})
    parent = np.linspace(0.0, 1.0, 2 * n)
    ints = pd.array([1, 2, None, 4, 5, 6], dtype="Int64")
    columns = {"b": np.full(n, 7.5), "label": np.array(["p", "q"] * 3, dtype=object), "v": parent[:n], "flag": True,
               "i": ints, "j": ints}
    expected = pd.DataFrame({**{c: columns[c] if c in columns else frame[c] for c in frame.columns},
                             **{c: v for c, v in columns.items() if c not in frame.columns}}, index=frame.index)
    got = batch._written(frame, columns)
    _same_frame(got, expected)
    assert np.shares_memory(got["a"].to_numpy(), frame["a"].to_numpy())
    assert np.shares_memory(got["b"].to_numpy(), columns["b"])
    assert not np.shares_memory(got["v"].to_numpy(), parent)
    got.loc[0, "i"] = 100  # a pandas array is copied: neither the caller's nor the other column sees the write
    assert ints[0] == 1 and got["j"].iloc[0] == 1
    assert frame["b"].tolist() == (np.arange(n) * 2.0).tolist()  # the caller's frame is not written
