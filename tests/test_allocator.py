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
HUGE_PAGES = ("from fxcost.allocator import set_up; set_up(); import os, numpy; "
              "print(os.environ['NUMPY_MADVISE_HUGEPAGE'], numpy._core.multiarray._get_madvise_hugepage())")
# Forty columns of a million float64 (8 MB each, every page written) made and freed: the resident memory the
# process holds after, and after release_freed, in MB. ``set_up`` is replaced by nothing for the default allocator.
HEAP = """import json, os, sys
import numpy as np
from fxcost import allocator
set_up = {set_up}
def resident():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
before = resident()
columns = [np.ones(1_000_000) for _ in range(40)]
del columns
held = resident()
allocator.release_freed()
print(json.dumps({{"set": set_up, "held": held - before, "after_release": resident() - before,
                   "env": {{k: v for k, v in os.environ.items() if k.startswith("MALLOC_")}}}}))
"""
GLIBC = allocator._libc() is not None
TUNING = ("NUMPY_MADVISE_HUGEPAGE", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")


def _run(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in TUNING}
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
def test_freed_columns_stay_for_reuse_until_released():
    """With the set-up, 320 MB of freed columns stay in the heap (no page of them faulted in again when reused) and
    release_freed gives them back; glibc's default gives each back as it is freed. The workers inherit the setting."""
    default = json.loads(_run(HEAP.format(set_up="None")))
    tuned = json.loads(_run(HEAP.format(set_up="allocator.reuse_freed_memory()")))
    assert tuned["set"] is True
    assert default["held"] < 60 < 250 < tuned["held"]
    assert tuned["after_release"] < 60
    assert tuned["env"] == {"MALLOC_MMAP_THRESHOLD_": str(allocator.MMAP_THRESHOLD),
                            "MALLOC_TRIM_THRESHOLD_": str(allocator.TRIM_THRESHOLD)}
    assert default["env"] == {}


@pytest.mark.skipif(not GLIBC, reason="glibc's allocator (Linux) only: elsewhere the system allocator is left as is")
@pytest.mark.parametrize("own", [{"MALLOC_TRIM_THRESHOLD_": "131072"}, {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}])
def test_the_users_own_allocator_setting_is_kept(own):
    kept = json.loads(_run(HEAP.format(set_up="allocator.reuse_freed_memory()"), **own))
    assert kept["set"] is False
    assert kept["held"] < 60
    assert kept["env"] == {k: v for k, v in own.items() if k.startswith("MALLOC_")}
