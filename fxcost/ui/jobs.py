"""The window's one background job: start, cancel, supersede and reopen, in one place (issue 10).

A window runs one job at a time on the thread pool (an Open, a re-analysis or an export). :class:`JobRunner`
starts it, cancels it, and forwards only the current job's news: a superseded job (cancelled for a newer one)
may still report before it stops, and what it says is dropped. It also remembers what to do once the job has
stopped: open files again (``reopen_with``) or re-analyse (``pending_analysis``).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from fxcost.ui.workers import Worker

#: Kinds of job: an Open (import + analysis), a re-analysis under a new setup, an export.
KINDS = ("open", "analyse", "export", "partner")


class JobRunner(QObject):
    """Owns the current job; its signals carry only that job's news.

    Signals:
        progress(int, str): percent and message.
        partial(object): an early part of the result (viewdata.prepare's ``publish``).
        returned(object): the result.
        errored(object): the exception the job raised (ImportCancelled when cancelled).
        finished(str): the job of that kind ended; the runner is idle again (a listener may start the next).
    """

    progress = Signal(int, str)
    partial = Signal(object)
    returned = Signal(object)
    errored = Signal(object)
    finished = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.worker: Worker | None = None
        self.kind = ""
        self.started = 0.0  # perf_counter() when the current job started
        self.pending_analysis = False  # re-analyse once the current job has stopped
        self.reopen_with: tuple[list[str], dict[str, str] | None] | None = None  # files to open once it stops

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def start(self, worker: Worker, kind: str) -> None:
        """Run ``worker`` as the current job of ``kind`` (the caller cancels or waits for the previous one)."""
        if kind not in KINDS:
            raise ValueError(f"unknown job kind {kind!r}")
        # Bound methods, not lambdas: Qt drops these connections when the runner is destroyed, so a worker still
        # running after its window closed (tests, quitting mid-import) calls nothing.
        worker.signals.progress.connect(self._progress)
        worker.signals.partial.connect(self._partial)
        worker.signals.returned.connect(self._returned)
        worker.signals.errored.connect(self._errored)
        worker.signals.finished.connect(self._finished)
        self.worker, self.kind, self.started = worker, kind, time.perf_counter()
        QThreadPool.globalInstance().start(worker)

    def cancel(self) -> None:
        """Ask the current job to stop (cooperative: it raises ImportCancelled at its next check)."""
        if self.worker is not None:
            self.worker.cancel()

    def supersede(self, files: list[str], mapping: dict[str, str] | None) -> None:
        """Cancel the current job and open ``files`` once it has stopped (its own result is dropped)."""
        self.reopen_with = (list(files), mapping)
        self.cancel()

    def take_reopen(self) -> tuple[list[str], dict[str, str] | None] | None:
        """The files to open again now that the job stopped (once), else None."""
        reopen, self.reopen_with = self.reopen_with, None
        return reopen

    def _current(self) -> bool:
        """Whether the signal being handled comes from the current job (a superseded job's news is dropped)."""
        return self.worker is not None and self.sender() is self.worker.signals

    @Slot(int, str)
    def _progress(self, percent: int, message: str) -> None:
        if self._current():
            self.progress.emit(percent, message)

    @Slot(object)
    def _partial(self, value) -> None:
        if self._current():
            self.partial.emit(value)

    @Slot(object)
    def _returned(self, value) -> None:
        if self._current():
            self.returned.emit(value)

    @Slot(object)
    def _errored(self, exc) -> None:
        if self._current():
            self.errored.emit(exc)

    @Slot()
    def _finished(self) -> None:
        if not self._current():
            return
        kind = self.kind
        self.worker, self.kind = None, ""
        self.finished.emit(kind)
