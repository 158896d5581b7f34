"""Where reports go: output-path checks, atomic replacement, and the text rules that keep cells from becoming formulas."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from fxcost import atomic
from fxcost.errors import ExportError, ImportCancelled

#: A spreadsheet treats text starting with these as a formula (or DDE command) when it is typed or
#: imported from CSV; OWASP's CSV-injection list, tab and carriage return included.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether ``text`` would be read as a formula if it reached a cell unprotected."""
    return text.startswith(FORMULA_START)


def csv_text(text: str) -> str:
    """Text for a CSV cell: formula-like text gets a leading single quote, so Excel and Calc show it as text."""
    return "'" + text if text.startswith(FORMULA_START) else text


def output_problem(path: str | os.PathLike) -> str | None:
    """Why a report cannot be written to ``path`` (one line), or None when it can be tried."""
    target = Path(path)
    folder = target.absolute().parent
    if target.is_dir():
        return f"cannot write {path}: it is a folder; give a file name."
    if not folder.is_dir():
        return f"cannot write {path}: the folder {folder} does not exist."
    if not os.access(folder, os.W_OK):
        return f"cannot write {path}: the folder {folder} is not writable."
    return None


def export_steps(progress: Callable[[float, str], None] | None,
                 is_cancelled: Callable[[], bool] | None) -> Callable[[float, str], None]:
    """``step(fraction, message)`` for a report writer: raises ImportCancelled once ``is_cancelled()`` turns true
    (nothing is written then), else reports the progress."""

    def step(frac: float, message: str) -> None:
        if is_cancelled and is_cancelled():
            raise ImportCancelled("Export cancelled.")
        if progress:
            progress(frac, message)

    return step


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it only when the block succeeds.

    A failed or cancelled export leaves neither a half-written file nor a damaged earlier report.
    Raises ExportError (a one-line message) when the folder cannot be written.
    """
    target = Path(path)
    problem = output_problem(target)
    if problem:
        raise ExportError(problem)
    try:
        with atomic.replacing(target, suffix) as tmp:
            yield tmp
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}.") from exc
