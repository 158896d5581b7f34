"""Shared fixtures: where the reference samples live, a headless Qt platform, and the test process left as Python
starts it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "samples"


@pytest.fixture(autouse=True)
def _process_as_python_starts_it(monkeypatch):
    """fxcost.app.main, called in-process by a test, leaves the test process's allocator and environment as they are
    (fxcost.allocator.set_up is tested in processes of its own, tests/test_allocator.py): one test's call would
    otherwise keep freed memory in the heap, and numpy's setting in the environment, for every test after it."""
    from fxcost import allocator

    monkeypatch.setattr(allocator, "set_up", lambda: None)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """../shared/samples; tests that need it skip cleanly when it is absent."""
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not present")
    return SAMPLES


def sample(name: str) -> Path:
    """Path of one reference sample, skipping the test when it is absent."""
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample {name} is not present in ../shared/samples")
    return path


@pytest.fixture
def counted(monkeypatch):
    """Every file the importer parses, by path (parallel_import.load_one, in this process: small files; issue 14's
    statement cache is proven by what it spares)."""
    from fxcost import parallel_import

    calls: list[str] = []
    real = parallel_import.load_one

    def load_one(path, options, is_cancelled=None):
        calls.append(path)
        return real(path, options, is_cancelled)

    monkeypatch.setattr(parallel_import, "load_one", load_one)
    return calls
