"""Issue 14: a book's figures read from its merged rows, joined columns or shared copies equal those computed per
account, bit for bit, and each fast path is taken."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from fxcost import model
from fxcost.analysis import aggregate, costs, programs, spreads, whatif
from fxcost.analysis.engine import AnalysisSettings, Setup, analyse
from fxcost.analysis.period import Period, restrict
from fxcost.importers.reconcile import cash_by_kind, cash_by_kind_each
from fxcost.pipeline import import_files
from fxcost.portfolio import Portfolio
from fxcost.summary import document
from tests.books import book_files
from tests.frames import assert_same_bits


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Portfolio:
    """Four generated clients in one currency, in the three formats."""
    return import_files(book_files(tmp_path_factory.mktemp("book"), range(4), lambda i: 40 + 30 * i, 910))


SETUPS = [Setup("Other", spreads.load_profile("other")),
          Setup("IB", None, None, programs.load_named("ib-tiered")),
          Setup("Raw + 7", spreads.load_profile("raw"), costs.CommissionSchedule(name="7", rate=7.0, currency=""),
                programs.load_named("raw-3-per-lot-plus-25pct-commission"))]


@pytest.fixture(scope="module")
def result(book):
    return analyse(book, AnalysisSettings(profile=spreads.load_profile("auto"), setups=SETUPS))


def test_a_book_in_one_currency_is_merged_in_account_order(result):
    assert result.rows_in_order
    joined = pd.concat([a.trades for a in result.accounts if len(a.trades)], ignore_index=True)
    assert_same_bits(joined, result.trades)
    later = (pd.Timestamp(result.trades["close_time"].min()) + pd.Timedelta(days=40)).strftime("%Y-%m-%d")
    a_year = restrict(result, Period(spec="custom", start=later))
    assert a_year.rows_in_order and 0 < len(a_year.trades) < len(result.trades)
    assert_same_bits(pd.concat([a.trades for a in a_year.accounts if len(a.trades)], ignore_index=True),
                     a_year.trades)


def test_a_book_in_several_currencies_is_not(book):
    accounts = list(book.accounts)
    accounts[1] = dataclasses.replace(accounts[1], account=dataclasses.replace(accounts[1].account, currency="EUR"))
    assert not analyse(dataclasses.replace(book, accounts=accounts)).rows_in_order


@pytest.mark.parametrize("setup", SETUPS, ids=lambda s: s.name)
def test_repricing_reads_the_merged_rows_and_prices_the_same(result, setup, monkeypatch):
    """The run's trade columns are the merged frame's (no column joined again, unless it is the setup's own
    spread), and every re-priced value is the one of joining the accounts' frames."""
    assert [len(run) for run in whatif._batches(result.accounts)] == [len(result.accounts)]
    apart = dataclasses.replace(result, rows_in_order=False)
    joined_columns = []
    real = whatif.joined
    monkeypatch.setattr(whatif, "joined", lambda pieces: joined_columns.append(pieces[0].name) or real(pieces))
    for columns in (whatif.OUTCOME_COLUMNS, whatif.IB_COLUMNS):
        joined_columns.clear()
        fast = whatif.reprice(result, setup, columns)
        # Only another profile's spread columns are joined (pieces made per account, named None).
        assert joined_columns == ([None] * len(joined_columns) if setup.profile is not None else [])
        joined_columns.clear()
        assert_same_bits(fast, whatif.reprice(apart, setup, columns))
        assert "lots" in joined_columns  # the other way does join the trades' own columns


def test_account_totals_from_the_merged_rows(result):
    frames = [a.trades for a in result.accounts if len(a.trades)]
    with_nan = [t.assign(pip_value=np.where(np.arange(len(t)) % 7 == 0, np.nan, t["pip_value"])) for t in frames]
    for pieces in (frames, with_nan):
        assert_same_bits(aggregate.totals(pieces, joined=pd.concat(pieces, ignore_index=True)),
                         aggregate.totals(pieces))


def test_cash_per_kind_of_each_ledger_in_one_pass():
    rng = np.random.default_rng(5)
    kinds = np.array(["deposit", "withdrawal", "financing", "rebate", "my own kind", None], dtype=object)
    ledgers = [None, model.cash_frame()]
    for n in (1, 3, 17, 40):
        ledgers.append(model.cash_frame({"kind": kinds[rng.integers(0, len(kinds), n)],
                                         "amount": np.where(rng.random(n) < 0.1, np.nan,
                                                            rng.normal(0, 1e4, n).round(2) + 0.1)}))
    got = cash_by_kind_each(ledgers)
    assert got == [cash_by_kind(c) for c in ledgers]
    assert all(list(g) == list(cash_by_kind(c)) for g, c in zip(got, ledgers))  # the kinds in the same order
    assert any("my own kind" in g for g in got) and got[0] == got[1] == {}


def test_the_small_merged_frames_are_joined_once_per_books_frames(book):
    cash = book.frame("cash")
    again = book.frame("cash")
    assert again is not cash and np.shares_memory(again["amount"].to_numpy(), cash["amount"].to_numpy())
    again["amount"] = 0.0  # a caller's change stays its own
    assert_same_bits(book.frame("cash"), cash)
    fresh = Portfolio(files=book.files, accounts=list(book.accounts))
    assert_same_bits(fresh.frame("cash"), cash)
    changed = book.accounts[0].cash.assign(amount=book.accounts[0].cash["amount"] + 1.0)
    moved = dataclasses.replace(book.accounts[0], cash=changed)
    book.accounts[0], old = moved, book.accounts[0]
    try:
        assert float(book.frame("cash")["amount"].sum()) == pytest.approx(float(cash["amount"].sum()) + len(changed))
    finally:
        book.accounts[0] = old
    assert_same_bits(book.frame("cash"), cash)


def test_some_columns_of_the_merged_trades(book):
    columns = ["profit", "lots", "symbol", "open_time"]
    assert_same_bits(book.frame("trades", columns), book.frame("trades")[columns])
    assert list(Portfolio().frame("trades", columns).columns) == columns


def test_each_accounts_import_totals_read_from_the_joined_columns(book):
    doc = document.summary(book)
    assert sum(a["counts"]["cancelled_orders"] + a["counts"]["working_orders"] for a in doc["accounts"]) > 0
    for block, account in zip(doc["accounts"], book.accounts, strict=True):
        own = document.totals(account.trades, account.cash)
        assert {k: block["totals"][k] for k in own} == own
        assert block["counts"] == document.counts(account.trades, account.open_positions, account.orders,
                                                  account.cash)


def test_runs_of_accounts_read_their_names_from_the_merge(result):
    accounts = [a for a in result.accounts if len(a.trades)]
    # The third account's trades also name the first's: it starts a run of its own.
    odd = accounts[2].trades.assign(account=np.where(np.arange(len(accounts[2].trades)) % 2,
                                                     accounts[0].trades["account"].iloc[0],
                                                     accounts[2].trades["account"].to_numpy(dtype=object)))
    for books in (accounts, [*accounts[:2], dataclasses.replace(accounts[2], trades=odd), *accounts[3:]]):
        merged = pd.concat([a.trades for a in books], ignore_index=True)
        fast, slow = whatif._batches(books, merged), whatif._batches(books)
        assert [[id(a) for a in run] for run in fast] == [[id(a) for a in run] for run in slow]
    assert [len(run) for run in fast] == [2, len(accounts) - 2]


def test_commission_rates_by_category_are_read_once_per_category():
    schedule = costs.CommissionSchedule(name="s", rate=6.0, categories={"metals": 10.0, "indices": 0.0})
    category = pd.Series(["fx", "metals", None, "indices", "metals", np.nan, "energy"])
    expected = category.map(schedule.categories).astype("float64").fillna(schedule.rate).to_numpy()
    for column in (category, category.astype(object), category.astype("category")):
        frame = pd.DataFrame({"category": column, "lots": np.arange(1.0, 8.0)})
        assert np.array_equal(costs._category_rates(frame["category"], schedule), expected)
        assert np.array_equal(costs.schedule_commission(frame, schedule, 1.0), -np.round(expected * frame["lots"], 2))


def test_account_type_evidence_counts_only_exported_commission():
    t = pd.DataFrame({"commission": [-1.0, -1.0, -1.0, -1.0, 0.0],
                      "commission_source": ["export", "schedule: 7", None, "export", "export"]})
    assert spreads.account_type_evidence(t)[:3] == ("standard", 5, 2)
    assert spreads.account_type_evidence(t.assign(commission_source="export"))[:3] == ("raw", 5, 4)
