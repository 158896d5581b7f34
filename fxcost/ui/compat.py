"""Work-arounds for bugs of the pinned Qt binding, each detected at run time and applied only where it bites."""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

#: References added to a leaked singleton: ~10^12 leaks before it could matter.
_TOP_UP = 1 << 40
_protected: set[str] = set()


def leaked_singletons(rounds: int = 16) -> list[str]:
    """Which of True and None the binding drops references to (PySide6 6.12.0 on Python 3.11).

    ``Signal.emit()`` drops one reference to True and every void method (``setObjectName``) one
    to None. Python 3.12+ makes both immortal, so there the leak is harmless and this returns [].
    """
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    out = []
    before = sys.getrefcount(True)
    for _ in range(rounds):
        probe.ping.emit()
    if sys.getrefcount(True) <= before - rounds:
        out.append("True")
    before = sys.getrefcount(None)
    for _ in range(rounds):
        probe.setObjectName("probe")
    if sys.getrefcount(None) <= before - rounds:
        out.append("None")
    return out


def protect_singletons() -> list[str]:
    """Keep True, False and None alive despite the binding's leaks; returns what was protected.

    Without it the interpreter aborts ("bool_dealloc: deallocating True or False", "none_dealloc")
    after a few thousand signal emissions or Qt calls. These are static singletons that are never
    freed, so raising their reference counts is safe.
    """
    leaked = [name for name in leaked_singletons() if name not in _protected]
    objects = {"True": (True, False), "None": (None,)}
    for name in leaked:
        for obj in objects[name]:
            ctypes.c_ssize_t.from_address(id(obj)).value += _TOP_UP
        _protected.add(name)
    if leaked:
        log.info("the Qt binding leaks references to %s; their reference counts were raised to compensate",
                 " and ".join(leaked))
    return sorted(_protected)
