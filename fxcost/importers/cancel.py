"""Cancel inside a long parse: load_file's ``is_cancelled``, polled by the readers between pieces (issue 13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from fxcost.errors import ImportCancelled

#: The running import's ``is_cancelled`` (per thread: each worker imports in its own context).
_IS_CANCELLED: ContextVar[Callable[[], bool] | None] = ContextVar("fxcost_is_cancelled", default=None)


@contextmanager
def polling(is_cancelled: Callable[[], bool] | None) -> Iterator[None]:
    """Make :func:`check` ask ``is_cancelled`` for the duration of the block."""
    token = _IS_CANCELLED.set(is_cancelled)
    try:
        yield
    finally:
        _IS_CANCELLED.reset(token)


def check() -> None:
    """Raise ImportCancelled when the running import was cancelled; called between pieces of a long parse."""
    is_cancelled = _IS_CANCELLED.get()
    if is_cancelled is not None and is_cancelled():
        raise ImportCancelled("Import cancelled.")
