"""The pinned Qt binding keeps Python's reference counts: PySide6 6.12.0 on Python 3.11 did not.

There, every ``Signal.emit()`` dropped a reference to True and every void Qt method one to None, and the
interpreter aborted ("bool_dealloc", "none_dealloc") after a few thousand chart hovers. requirements.txt pins a
release without that bug; this test fails if a later pin brings it back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()
    value = Signal(bool)


def test_signal_emit_keeps_references_to_true(qapp):
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(200):
        probe.ping.emit()
        probe.value.emit(True)
    assert sys.getrefcount(True) >= before - 5


def test_void_methods_keep_references_to_none(qapp):
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(200):
        probe.setObjectName("probe")
    assert sys.getrefcount(None) >= before - 5
