"""Importing an IB's book in worker processes (issue 14): the same Statements, order and messages as in-process."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from fxcost import parallel_import
from fxcost.errors import ImportCancelled
from fxcost.importers.reconcile import reconcile
from fxcost.pipeline import import_files
from fxcost.samples.generate import generate


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> list[str]:
    """Three small client statements in the three generated formats, and one file that is no report."""
    folder = tmp_path_factory.mktemp("book")
    paths = []
    for i, (fmt, ext) in enumerate((("mt4", ".htm"), ("mt5-html", ".html"), ("mt5-xlsx", ".xlsx"))):
        path = folder / f"client{i}{ext}"
        generate(path, fmt, 40 + 10 * i, seed=100 + i)
        paths.append(str(path))
    bad = folder / "notes.htm"
    bad.write_text("<html><body>my trading notes</body></html>", encoding="utf-8")
    return [paths[0], str(bad), paths[1], paths[2]]


def _no_options(path: str) -> dict:
    return {}


def _same(a, b) -> None:
    assert [s.path for s in a] == [s.path for s in b]
    for x, y in zip(a, b):
        for name in ("trades", "open_positions", "orders", "cash"):
            pd.testing.assert_frame_equal(getattr(x, name), getattr(y, name))
        assert (x.account, x.printed, x.warnings, x.format) == (y.account, y.printed, y.warnings, y.format)


def test_workers_import_the_same_statements_in_the_same_order_as_in_process(book):
    here, here_failed, here_reconciled = parallel_import.load_all(book, _no_options, workers=0)
    there, there_failed, there_reconciled = parallel_import.load_all(book, _no_options, workers=2)
    assert [s.path for s in here] == [book[0], book[2], book[3]]
    _same(here, there)
    # Each file is reconciled where it is read (issue 14), the same in a worker as here, and as merge would
    assert here_reconciled == there_reconciled == [reconcile(st) for st in here]
    assert len(here[0].trades) == 40 and len(here[2].trades) == 60
    # The typed error comes back from a worker with its class and message (pickled, issue 10's CsvColumnsUnknown too)
    assert [(p, type(e), e.message) for p, e in here_failed] == [(p, type(e), e.message) for p, e in there_failed]
    assert [p for p, _ in here_failed] == [book[1]] and here_failed[0][1].message


def test_progress_reaches_every_file_and_cancel_stops_the_import(book):
    seen = []
    parallel_import.load_all(book, _no_options, workers=2, progress=lambda f, m: seen.append(f))
    assert len(seen) == len(book) and seen[-1] == 1.0
    for workers in (0, 2):
        with pytest.raises(ImportCancelled):
            parallel_import.load_all(book, _no_options, workers=workers, is_cancelled=lambda: True)


def test_pipeline_import_merges_what_the_workers_read(book, monkeypatch):
    monkeypatch.setattr(parallel_import, "MIN_PARALLEL_BYTES", 0)  # workers even for these small files
    monkeypatch.setattr(parallel_import.os, "cpu_count", lambda: 2)
    monkeypatch.delattr(parallel_import.os, "sched_getaffinity", raising=False)
    used = []
    real = parallel_import._in_workers
    monkeypatch.setattr(parallel_import, "_in_workers", lambda *a: used.append(a[3]) or real(*a))
    portfolio = import_files(book)
    assert used == [2]
    assert len(portfolio.accounts) == 3 and len(portfolio.trades) == 40 + 50 + 60
    assert [p for p, _ in portfolio.failures] == [book[1]]


def test_one_file_small_books_and_frozen_apps_read_in_process(book, monkeypatch):
    assert parallel_import.worker_count(book[:1], workers=2) == 0
    assert parallel_import.worker_count(book) == 0  # a few kB: starting workers would cost more than it saves
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(parallel_import, "_frozen_workers", False)
    assert parallel_import.worker_count(book, workers=2) == 0  # no freeze_support: a worker would start the app
    parallel_import.enable_frozen_workers()
    assert parallel_import.worker_count(book, workers=2) == 2


def test_no_processes_falls_back_to_reading_in_process(book, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no semaphores here")

    monkeypatch.setattr(parallel_import, "ProcessPoolExecutor", refuse)
    statements, failures, _ = parallel_import.load_all(book, _no_options, workers=2)
    assert len(statements) == 3 and [p for p, _ in failures] == [book[1]]


@pytest.mark.parametrize("cells", [
    ["2024.01.02 10:15:23", "2023.12.31 23:59:59"],
    ["2024.01.02 10:15", "2024.02.29 00:00"],
    ["2024-01-02 10:15:23"],
    ["2024.01.02", "2024.01.03"],
    ["2024.02.30 10:00:00", "2024.01.02 10:15:23"],  # an impossible date: NaT, the rest still read
    ["2024.01.02 10:15:23", "", "2024.01.02 10:15"],  # blanks and mixed widths
    [" 2024.01.02 10:15:23", "2024.01-02 10:15:23", "2024.01.02T10:15:23", "nan", None],
    ["2024.01.02 10:15:23\n2024.01.02 10:15:24", "2024.01.02 10:15:25"],  # a cell holding a line break
    ["2024.13.02 10:15:23", "2024.01.02 25:15:23"],
])
def test_parse_times_reads_every_layout_as_parse_time_does(cells):
    # parse_times reads plain columns with numpy (issue 14); the scalar parse_time is the reference.
    from fxcost.importers.text import parse_time, parse_times

    got = parse_times(cells)
    expected = [parse_time(c) for c in cells]
    assert got.dtype == "datetime64[ns]"
    assert [None if pd.isna(x) else x.to_pydatetime() for x in got] == expected


def test_parse_times_keeps_the_index_of_a_series():
    from fxcost.importers.text import parse_times

    got = parse_times(pd.Series(["2024.01.02 10:15:23", "2024.01.03 10:15:23"], index=[7, 9]))
    assert got.index.tolist() == [7, 9] and got[9] == pd.Timestamp("2024-01-03 10:15:23")


def test_model_frames_from_lists_arrays_and_series_keep_the_schema():
    import numpy as np

    from fxcost import model

    cols = {"ticket": np.array([1, 2]), "open_time": pd.Series(pd.to_datetime(["2024-01-01 10:00", None]), index=[3, 4]),
            "close_time": ["2024-01-01 11:00", None], "lots": [0.1, None], "profit": pd.Series([np.nan, 2.0]),
            "magic": [None, 5], "comment": pd.Series(["a", None], dtype="str"), "side": ("buy", "sell"),
            "digits": [5, 3], "close_by": [True, False]}
    t = model.trades_frame(cols)
    assert dict(t.dtypes.astype(str)) == model.TRADE_COLUMNS
    assert t["open_time"].tolist()[0] == pd.Timestamp("2024-01-01 10:00") and pd.isna(t["close_time"][1])
    assert t["profit"].tolist() == [0.0, 2.0] and t["commission"].tolist() == [0.0, 0.0]  # money: blank is 0
    assert np.isnan(t["lots"][1]) and t["comment"].tolist() == ["a", ""] and t["account"].tolist() == ["", ""]
    assert t["magic"].isna().tolist() == [True, False] and t["partial_group"].tolist() == [1, 2]
    # The empty frames are copies: changing one does not change the next.
    empty = model.trades_frame()
    empty["ticket"] = empty["ticket"].astype("float64")
    assert model.trades_frame()["ticket"].dtype == "int64" and len(model.trades_frame()) == 0


def test_workers_run_from_a_thread_as_the_gui_imports(book):
    # The GUI imports on a worker thread: the pool must start there too (forkserver/spawn, never a bare fork).
    import threading

    out = {}
    thread = threading.Thread(target=lambda: out.update(r=parallel_import.load_all(book, _no_options, workers=2)))
    thread.start()
    thread.join(timeout=120)
    statements, failures, _ = out["r"]
    assert [s.path for s in statements] == [book[0], book[2], book[3]] and len(failures) == 1
    assert parallel_import.last_run["workers"] == 2


def test_model_frames_take_one_value_for_every_row_and_rows_that_are_sequences():
    from fxcost import model

    t = model.cash_frame({"ticket": [1, 2], "amount": [5.0, None], "account": "1001", "comment": [("a", 1), ("b",)]})
    assert t["account"].tolist() == ["1001", "1001"] and t["amount"].tolist() == [5.0, 0.0]
    assert t["comment"].tolist() == [("a", 1), ("b",)]
