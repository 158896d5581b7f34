"""Background work for the GUI: a QRunnable whose signals report progress, a result or an error."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal


class WorkerSignals(QObject):
    """Signals: started(), progress(int percent, str message), partial(object), returned(object),
    errored(object), finished()."""

    started = Signal()
    progress = Signal(int, str)
    partial = Signal(object)  # an early part of the result, sent by fn through its ``publish`` argument
    returned = Signal(object)
    errored = Signal(object)
    finished = Signal()


class Worker(QRunnable):
    """Runs ``fn(progress=..., is_cancelled=...)`` off the GUI thread; exceptions are emitted, never raised.

    With ``publishes=True``, fn also gets ``publish=``: a callable that sends an early part of the result
    (``partial`` signal) while fn goes on working.
    """

    def __init__(self, fn: Callable[..., Any], *, publishes: bool = False):
        super().__init__()
        self.fn = fn
        self.publishes = publishes
        self.signals = WorkerSignals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)  # the window keeps a reference until finished

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        self.signals.started.emit()
        try:
            extra = {"publish": self.signals.partial.emit} if self.publishes else {}
            result = self.fn(
                progress=lambda frac, msg: self.signals.progress.emit(int(frac * 100), msg),
                is_cancelled=self.is_cancelled,
                **extra,
            )
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread, which decides
            self.signals.errored.emit(exc)
        else:
            self.signals.returned.emit(result)
        finally:
            self.signals.finished.emit()
