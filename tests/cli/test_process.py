"""The process fxcost.app.main sets up before any work: numpy's arrays without transparent huge pages (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from fxcost import app

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("from fxcost.app import no_huge_page_stalls; no_huge_page_stalls(); import os, numpy; "
         "print(os.environ['NUMPY_MADVISE_HUGEPAGE'], numpy._core.multiarray._get_madvise_hugepage())")


def _probe(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={**clean, **env}, capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout.strip()


def test_a_fresh_process_asks_for_no_huge_pages():
    """Before numpy is imported: the environment says so (read by numpy at import; processes it starts inherit it)."""
    assert _probe() == "0 False"


def test_the_users_own_setting_is_kept():
    assert _probe(NUMPY_MADVISE_HUGEPAGE="1") == "1 True"


def test_numpy_imported_already_is_switched_too(monkeypatch):
    """main called in-process, numpy imported before: numpy's own switch is turned off as well."""
    switch = np._core.multiarray
    before = switch._set_madvise_hugepage(True)  # returns the previous state
    # Set, then removed: monkeypatch then removes what no_huge_page_stalls sets, as the variable was before.
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE")
    try:
        app.no_huge_page_stalls()
        assert os.environ["NUMPY_MADVISE_HUGEPAGE"] == "0"
        assert switch._get_madvise_hugepage() is False
    finally:
        switch._set_madvise_hugepage(before)
