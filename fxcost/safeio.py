"""Reading untrusted files in bounded time and memory: regular files only, size caps, bounded JSON (issue 13)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

#: Largest program, spread profile or setup JSON read: real ones are a few kB.
JSON_MAX_BYTES = 2_000_000
#: Bytes read at a time by :func:`read_capped`.
_CHUNK = 1 << 20


class FileRefused(ValueError):
    """A file fxcost will not read (a device, a pipe, too large, not text, nested too deeply); ``str()`` says why."""


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is ('a folder', 'a named pipe (FIFO)', ...), or None for a file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def regular(path: str | os.PathLike) -> os.stat_result:
    """``stat`` of ``path`` (links followed), refusing anything but a regular file by what it is.

    A pipe, socket or device could block forever or never end (``/dev/zero`` reports size 0), so none is opened.
    Raises FileNotFoundError, OSError, or FileRefused."""
    st = os.stat(path)
    kind = special_kind(st.st_mode)
    if kind == "a folder":
        raise FileRefused("This is a folder, not a file. Choose a file inside it.")
    if kind is not None:
        raise FileRefused(f"This is {kind}, not a regular file: fxcost reads only regular files (save the data to "
                          "a file first).")
    return st


def too_large(size: int, cap: int, what: str) -> FileRefused:
    """The refusal of a file of ``size`` bytes over the ``cap`` for a ``what`` ('rebate program', ...)."""
    return FileRefused(f"The file is {_size(size)}, larger than any {what} ({_size(cap)} at most): fxcost does not "
                       "read it.")


def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n:,} bytes"


def read_capped(path: str | os.PathLike, cap: int, what: str) -> bytes:
    """The bytes of the regular file ``path``, refused when it is (or grows while read) over ``cap`` bytes.

    The size the file system reports is checked first, and what is read is counted as well, for files whose size
    lies (a file growing while it is read, a /proc file reporting 0). Raises OSError or FileRefused."""
    st = regular(path)
    if st.st_size > cap:
        raise too_large(st.st_size, cap, what)
    with open(path, "rb") as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise too_large(len(data), cap, what)
    return data


def read_json(path: str | os.PathLike, what: str, cap: int = JSON_MAX_BYTES) -> Any:
    """Parse a user JSON file (a program, spread profile or setup), refusing what cannot be one, with a short reason.

    Raises OSError (cannot be read) or FileRefused: larger than ``cap``, not UTF-8 text, not valid JSON, nested too
    deeply for Python (the message never quotes the file)."""
    data = read_capped(Path(path), cap, what)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(f"not a UTF-8 text file (a {what} is JSON text; this looks like a binary file)") from exc
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise FileRefused(f"nested too deeply to be a {what} (a JSON value inside thousands of others)") from exc
    except json.JSONDecodeError as exc:
        raise FileRefused(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
