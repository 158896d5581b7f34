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
    """With glibc (Linux), the columns and temporaries of a costing or a summary (megabytes each) are taken from
    this process's heap and their memory reused when freed; whether it was set. Left as it is where the user's
    environment tunes glibc's allocator (a MALLOC_ variable, glibc.malloc in GLIBC_TUNABLES) and elsewhere.
    The processes it starts (the import workers, whose arrays are small) keep glibc's default.

    By default glibc maps each block of 32 MB or less anew until one is freed, and gives the heap's free top back to
    the system as soon as it exceeds twice the largest block freed. A summary of a million trades makes and frees
    hundreds of such arrays, so the same memory was given back and taken again, and every page of it was faulted in
    again: ``benchmarks/bench_engine.py`` measured summary.build on a million trades at 3.10 CPU seconds, and 2.48
    with the heap kept (this project's 2-core Linux machine, issue 10). The heap's free memory is given back between
    the stages of a job and after it (release_freed), so no stage holds what the one before freed."""
    libc = _libc()
    if libc is None or _user_tunes_malloc(os.environ):
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(libc.mallopt(_M_TRIM_THRESHOLD,
                                                                                        TRIM_THRESHOLD))


def _user_tunes_malloc(environ) -> bool:
    """The environment sets glibc's allocator: MALLOC_ARENA_MAX, MALLOC_TRIM_THRESHOLD_ ... or glibc.malloc.*
    tunables."""
    return (any(k.startswith("MALLOC_") for k in environ)
            or "glibc.malloc." in environ.get("GLIBC_TUNABLES", ""))


def release_freed() -> None:
    """Give the heap's free pages back to the system (after a job: the worker's temporaries are gone).

    glibc keeps freed heap memory in the process (all the more with reuse_freed_memory): after opening a 500-client
    book the app held 2.3 GB, of which about 1.3 GB was freed temporaries of the analysis. Given back between the
    stages of pipeline.run, the GUI's peak at 500 clients was 957 MB, against 1,038 MB with the heap kept
    throughout (and 1,010 MB before the heap was kept at all)."""
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
