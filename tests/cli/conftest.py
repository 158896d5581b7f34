"""Command-line test fixtures: ``python main.py report ...`` run in-process (issue 10: the CLI is tested in-process,
with one subprocess smoke test, tests/cli/test_engine.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from fxcost import cli


@dataclass(frozen=True)
class Ran:
    """What a run of the command printed and returned, named as subprocess.CompletedProcess names them."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_report(capsys, monkeypatch) -> Callable[..., Ran]:
    """``run_report(*args, cwd=None)``: ``report`` with ``args`` through cli.main, in ``cwd`` when given; argparse's
    exits (``--help``, usage errors) become the exit code the process would have."""

    def run(*args: object, cwd: Path | None = None) -> Ran:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()  # only this run's output
        try:
            code = cli.main(["report", *map(str, args)])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run
