"""Folders of statements and the statement cache (issue 14): only new or changed files are parsed again."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from fxcost import pipeline
from fxcost.statement_cache import StatementCache
from tests.books import book_files


def write_book(folder, n: int, first: int = 0, trades: int = 12) -> list[str]:
    """``n`` small generated client statements in ``folder`` (MT4 HTML, MT5 HTML and XLSX in turn)."""
    return book_files(folder, range(first, first + n), lambda i: trades, 5000, months=3, name="client-{i:03d}")


def _same(a, b) -> None:
    assert [f.statement.path for f in a.files] == [f.statement.path for f in b.files]
    for x, y in zip(a.files, b.files):
        for name in ("trades", "open_positions", "orders", "cash"):
            pd.testing.assert_frame_equal(getattr(x.statement, name), getattr(y.statement, name))
        assert x.statement.account == y.statement.account
        assert x.statement.printed == y.statement.printed
        assert x.statement.warnings == y.statement.warnings
        assert x.statement.skipped == y.statement.skipped
    pd.testing.assert_frame_equal(a.trades, b.trades)


def test_a_folder_imports_every_statement_and_lists_the_other_files(tmp_path):
    book = tmp_path / "book"
    write_book(book, 2)
    write_book(book / "2024-03", 1, first=2)
    (book / "notes.pdf").write_bytes(b"%PDF-1.4")
    (book / ".hidden.htm").write_text("x")
    portfolio = pipeline.import_files([str(book)])
    assert len(portfolio.files) == 3
    assert [os.path.basename(f.statement.path) for f in portfolio.files] == \
        ["client-000.htm", "client-001.html", "client-002.xlsx"]
    (path, message), = portfolio.failures
    assert path.endswith("notes.pdf") and "Not a statement" in message and ".pdf" in message


def test_an_empty_folder_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    portfolio = pipeline.import_files([str(tmp_path / "empty")])
    assert not portfolio.files and "No statement in this folder" in portfolio.failures[0][1]


def test_an_unchanged_file_is_not_parsed_again_and_the_figures_equal_a_cold_import(tmp_path, counted):
    book = tmp_path / "book"
    write_book(book, 4)
    cold = pipeline.import_files([str(book)])
    assert len(counted) == 4
    counted.clear()
    first = pipeline.import_files([str(book)], cache=StatementCache(tmp_path / "cache"))
    assert len(counted) == 4  # an empty cache parses everything, and keeps it
    counted.clear()
    cache = StatementCache(tmp_path / "cache")
    again = pipeline.import_files([str(book)], cache=cache)
    assert counted == [] and (cache.hits, cache.misses) == (4, 0)
    _same(cold, again)
    _same(first, again)
    # Next month's statement: only it is parsed.
    new = write_book(book, 1, first=4)
    counted.clear()
    more = pipeline.import_files([str(book)], cache=StatementCache(tmp_path / "cache"))
    assert counted == new and len(more.files) == 5
    _same(pipeline.import_files([str(book)]), more)


def test_a_changed_file_or_other_options_are_parsed_again(tmp_path, counted):
    book = tmp_path / "book"
    paths = write_book(book, 2)
    pipeline.import_files(paths, cache=StatementCache(tmp_path / "cache"))
    counted.clear()
    write_book(book, 1, first=0, trades=20)  # client-000 rewritten with other trades
    changed = pipeline.import_files(paths, cache=StatementCache(tmp_path / "cache"))
    assert counted == [paths[0]]
    assert len(changed.files[0].statement.trades) == 20
    counted.clear()
    pipeline.import_files(paths, cache=StatementCache(tmp_path / "cache"), currency="EUR")
    assert counted == paths  # read with another currency: another entry


def test_a_damaged_entry_is_a_miss_and_an_old_version_is_dropped(tmp_path, counted, monkeypatch):
    from fxcost import statement_cache

    book = tmp_path / "book"
    paths = write_book(book, 1)
    cache = StatementCache(tmp_path / "cache")
    pipeline.import_files(paths, cache=cache)
    for entry in cache.folder.glob("*.bin"):
        entry.write_bytes(b"damaged")
    counted.clear()
    again = pipeline.import_files(paths, cache=StatementCache(tmp_path / "cache"))
    assert counted == paths and len(again.files) == 1
    old = cache.folder
    monkeypatch.setattr(statement_cache, "__version__", "0.0-other")
    newer = StatementCache(tmp_path / "cache")
    assert not old.exists() and newer.folder != old
    counted.clear()
    pipeline.import_files(paths, cache=newer)
    assert counted == paths


def test_cache_entries_hold_no_pickles(tmp_path):
    import json

    from fxcost import statement_cache

    book = tmp_path / "book"
    paths = write_book(book, 3)
    cache = StatementCache(tmp_path / "cache")
    pipeline.import_files(paths, cache=cache)
    entries = list(cache.folder.glob("*.json"))
    assert len(entries) == 3 and len(list(cache.folder.glob("*.bin"))) == 3
    for entry in entries:
        where = json.loads(entry.read_text())["data"]
        assert where and all(np.dtype(dtype).kind in "fiubU" for dtype, _, _ in where.values())
    # An entry that says it holds objects, or arrays past its end, is refused (then parsed again), never read.
    data = bytearray(16)
    for bad in ({"x": ["|O", 0, 1]}, {"x": ["<f8", 8, 2]}, {"x": ["<f8", -8, 1]}):
        with pytest.raises(ValueError):
            statement_cache._unpack(bad, data)


def test_a_cached_book_shares_one_text_object_per_value(tmp_path):
    """Text read back from the cache is shared per distinct value, as the importers make it (issue 14's memory)."""
    paths = write_book(tmp_path / "book", 2, trades=40)
    pipeline.import_files(paths, cache=StatementCache(tmp_path / "cache"))
    cache = StatementCache(tmp_path / "cache")
    warm = pipeline.import_files(paths, cache=cache)
    assert cache.hits == 2
    for f in warm.files:
        side = f.statement.trades["side"].to_numpy()
        assert side.dtype == object and len({id(v) for v in side}) == len(set(side))


def test_entries_not_read_for_months_are_removed(tmp_path, counted):
    from fxcost import statement_cache

    paths = write_book(tmp_path / "book", 2)
    cache = StatementCache(tmp_path / "cache")
    pipeline.import_files(paths, cache=cache)
    old = sorted(cache.folder.glob("*.json"))[0]
    gone = time_ago(statement_cache.MAX_AGE_DAYS + 1)
    os.utime(old, (gone, gone))
    StatementCache(tmp_path / "cache")
    assert not old.exists() and not old.with_suffix(".bin").exists()
    counted.clear()
    again = StatementCache(tmp_path / "cache")
    pipeline.import_files(paths, cache=again)
    assert len(counted) == 1 and again.hits == 1  # the other entry, read on, stays


def time_ago(days: float) -> float:
    import time

    return time.time() - days * 86400


def test_files_read_in_import_workers_are_kept_by_the_workers(tmp_path):
    """Issue 14: each worker keeps the file it parsed, so the main process does not write 500 entries after the
    import; the entries read back equal the parsed statements."""
    from fxcost import parallel_import

    paths = write_book(tmp_path / "book", 3, trades=30)
    cache = StatementCache(tmp_path / "cache")
    assert all(cache.get(p, {}) is None for p in paths)
    loaded = parallel_import.load_all(paths, lambda p: {}, workers=2, keep=cache.entry_of)
    assert parallel_import.last_run.get("workers") == 2
    again = StatementCache(tmp_path / "cache")
    for st in loaded.statements:
        (kept,) = again.get(st.path, {})
        for name in ("trades", "open_positions", "orders", "cash"):
            pd.testing.assert_frame_equal(getattr(kept, name), getattr(st, name))
    assert again.hits == 3


def test_an_entry_whose_arrays_are_of_another_kind_is_a_miss(tmp_path, counted):
    """Review: text codes stored as floats (a damaged or planted description) passed the dtype list and crashed
    the import; any entry that cannot be read is a miss, the file parsed again."""
    import json

    paths = write_book(tmp_path / "book", 1)
    pipeline.import_files(paths, cache=StatementCache(tmp_path / "cache"))
    (meta_path,) = StatementCache(tmp_path / "cache").folder.glob("*.json")
    meta = json.loads(meta_path.read_text())
    name = next(k for k in meta["data"] if k.endswith("_codes"))
    meta["data"][name][0] = "<f8"
    meta["data"][name][2] //= 2
    meta_path.write_text(json.dumps(meta))
    counted.clear()
    cache = StatementCache(tmp_path / "cache")
    again = pipeline.import_files(paths, cache=cache)
    assert cache.misses == 1 and counted == paths and len(again.files) == 1
