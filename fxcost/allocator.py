"""How this process takes memory from the system: no huge-page stalls, freed memory reused during work, given back after."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import sys

#: glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: Blocks up to this size come from the heap, not from a mapping of their own: glibc's largest allowed value on
#: 64-bit systems, above a million-row column of float64 (8 MB) or an event array of two million (16 MB).
MMAP_THRESHOLD = 32 * 1024 * 1024
#: The heap's free top is given back to the system only beyond this, during work; release_freed gives it back after.
TRIM_THRESHOLD = 1024 * 1024 * 1024
#: The environment variables with which glibc reads the same settings in a process it starts (the import workers).
_ENVIRONMENT = {"MALLOC_MMAP_THRESHOLD_": MMAP_THRESHOLD, "MALLOC_TRIM_THRESHOLD_": TRIM_THRESHOLD}


def set_up() -> None:
    """The process as fxcost's entry point sets it up before any work (issue 14)."""
    no_huge_page_stalls()
    reuse_freed_memory()


def no_huge_page_stalls() -> None:
    """numpy's arrays of 4 MB and more without transparent huge pages, in this process and the workers it starts
    (they inherit the environment), unless the user's environment says otherwise (NUMPY_MADVISE_HUGEPAGE).

    On Linux, numpy asks for huge pages for such arrays; where the kernel compacts memory on demand for them (the
    default "madvise" setting of many distributions), a fresh process's first big arrays waited on that compaction:
    the first costing of a 500-client book took 7.5-10 s against 6.1-6.6 s without, and a second one in the same
    process took as long either way (measured on this project's 2-core Linux machine, issue 14). Windows and macOS
    are unaffected."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return
    os.environ["NUMPY_MADVISE_HUGEPAGE"] = "0"  # read when numpy is imported
    numpy = sys.modules.get("numpy")
    if numpy is not None:  # imported already (a caller of main in-process): numpy's own switch
        setter = getattr(getattr(getattr(numpy, "_core", None), "multiarray", None), "_set_madvise_hugepage", None)
        if setter is not None:
            setter(False)


def reuse_freed_memory() -> bool:
    """With glibc (Linux), the columns and temporaries of a costing or a summary (megabytes each) are taken from the
    heap and their memory reused when freed, in this process and in the workers it starts; whether it was set.
    Left as it is where the user's environment sets glibc's allocator (MALLOC_*_, GLIBC_TUNABLES) and elsewhere.

    By default glibc maps each block of 32 MB or less anew until one is freed, and gives the heap's free top back to
    the system as soon as it exceeds twice the largest block freed. A summary of a million trades makes and frees
    hundreds of such arrays, so the same memory was given back and taken again, and every page of it was faulted in
    again: building the summary of a million trades took 3.6-4.1 s, and 2.6-2.9 s with the heap kept (measured on
    this project's 2-core Linux machine, issue 10). The heap's top is given back after a job (release_freed)."""
    if _libc() is None or any(name in os.environ for name in (*_ENVIRONMENT, "GLIBC_TUNABLES")):
        return False
    libc = _libc()
    if not (libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)):
        return False
    os.environ.update({name: str(value) for name, value in _ENVIRONMENT.items()})
    return True


def release_freed() -> None:
    """Give the heap's free pages back to the system (after a job: the worker's temporaries are gone).

    glibc keeps freed heap memory in the process (all the more with reuse_freed_memory): after opening a 500-client
    book the app held 2.3 GB, of which about 1.3 GB was freed temporaries of the analysis."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache  # find_library runs ldconfig: once, not after every job on the GUI thread
def _libc():
    """glibc, or None elsewhere (macOS, Windows, musl): there the system allocator is left as it is."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None
