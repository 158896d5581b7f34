"""The process fxcost.app.main sets up before any work (fxcost.allocator): numpy's arrays without transparent huge
pages, and glibc's heap reused during work and given back after (issues 10 and 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fxcost import allocator

ROOT = Path(__file__).resolve().parents[1]
HUGE_PAGES = ("from fxcost.allocator import no_huge_page_stalls; no_huge_page_stalls(); import os, numpy; "
              "print(os.environ['NUMPY_MADVISE_HUGEPAGE'], numpy._core.multiarray._get_madvise_hugepage())")
# Forty columns of a million float64 (8 MB each, every page written) made and freed, then made again: the page
# faults of making them again (none when their memory was kept), and the resident MB the process holds after they
# are freed and after release_freed. ``tuned``: what reuse_freed_memory returned (None: not called).
HEAP = """import json, os, resource
import numpy as np
from fxcost import allocator
tuned = {tuned}
def resident():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
def columns():
    return [np.ones(1_000_000) for _ in range(40)]
before = resident()
del columns()[:]
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
made = columns()
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
del made
held = resident()
allocator.release_freed()
print(json.dumps({{"tuned": tuned, "faults": faults, "held": held - before, "after_release": resident() - before}}))
"""
GLIBC = allocator._libc() is not None and not os.environ.get("LD_PRELOAD")  # a preloaded allocator is not glibc's
TUNING = ("NUMPY_MADVISE_HUGEPAGE", "GLIBC_TUNABLES")


def _run(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in TUNING and not k.startswith("MALLOC_")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout.strip()


def test_a_fresh_process_asks_for_no_huge_pages():
    """Before numpy is imported: the environment says so (read by numpy at import; processes it starts inherit it)."""
    assert _run(HUGE_PAGES) == "0 False"


def test_the_users_own_huge_page_setting_is_kept():
    assert _run(HUGE_PAGES, NUMPY_MADVISE_HUGEPAGE="1") == "1 True"


def test_numpy_imported_already_is_switched_too(monkeypatch):
    """main called in-process, numpy imported before: numpy's own switch is turned off as well."""
    switch = np._core.multiarray
    before = switch._set_madvise_hugepage(True)  # returns the previous state
    # Set, then removed: monkeypatch then removes what no_huge_page_stalls sets, as the variable was before.
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE")
    try:
        allocator.no_huge_page_stalls()
        assert os.environ["NUMPY_MADVISE_HUGEPAGE"] == "0"
        assert switch._get_madvise_hugepage() is False
    finally:
        switch._set_madvise_hugepage(before)


@pytest.mark.skipif(not GLIBC, reason="glibc's allocator (Linux) only: elsewhere the system allocator is left as is")
def test_freed_columns_are_reused_until_released():
    """With the set-up, 320 MB of columns made again after being freed take no page fault (their memory was kept);
    glibc's default gives each back as it is freed and faults its 2,000 pages in again. release_freed gives the
    kept memory back."""
    default = json.loads(_run(HEAP.format(tuned="None")))
    tuned = json.loads(_run(HEAP.format(tuned="allocator.reuse_freed_memory()")))
    assert tuned["tuned"] is True
    assert tuned["faults"] < 1_000 < 10_000 < default["faults"]
    assert default["held"] < 60 < 250 < tuned["held"]
    assert tuned["after_release"] < 60


@pytest.mark.skipif(not GLIBC, reason="glibc's allocator (Linux) only: elsewhere the system allocator is left as is")
@pytest.mark.parametrize("own", [{"MALLOC_TRIM_THRESHOLD_": "131072"}, {"MALLOC_ARENA_MAX": "2"},
                                 {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}])
def test_the_users_own_allocator_setting_is_kept(own):
    kept = json.loads(_run(HEAP.format(tuned="allocator.reuse_freed_memory()"), **own))
    assert kept["tuned"] is False
    assert kept["faults"] > 10_000


def test_what_counts_as_the_users_own_tuning():
    assert allocator._user_tunes_malloc({"MALLOC_ARENA_MAX": "2"})
    assert allocator._user_tunes_malloc({"GLIBC_TUNABLES": "glibc.rtld.nns=2:glibc.malloc.tcache_count=0"})
    assert not allocator._user_tunes_malloc({"GLIBC_TUNABLES": "glibc.rtld.nns=2", "MALLOCX": "1", "PATH": "/"})
