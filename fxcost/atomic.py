"""Atomic file replacement: what fxcost writes (reports, programs, profiles, settings) is whole or not there."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: str | os.PathLike, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it only when the block succeeds.

    A crash, an exception or a cancel inside the block leaves neither half a file nor a damaged earlier one;
    the temporary file is removed. A symbolic link is followed (its target is replaced, the link stays);
    a device or pipe is written in place. Raises OSError when the folder cannot be written.
    """
    target = Path(path)
    if target.is_symlink():
        try:
            target = target.resolve()  # write the file the link points to; keep the user's link
        except RuntimeError as exc:  # a link that points to itself, at last (Python before 3.13)
            raise OSError(errno.ELOOP, "the link points to itself", str(target)) from exc
    if target.exists() and not target.is_file():
        # A device, pipe or socket (/dev/stdout, a FIFO): renaming over it would replace it with a plain
        # file, so write into it directly; there is no earlier content to protect.
        yield target
        return
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.absolute().parent)
    os.close(fd)
    tmp = Path(name)
    try:
        # mkstemp makes the file private (0600); what the user saves gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        yield tmp
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, flushed to disk before it replaces the old file."""
    with replacing(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # pipes and devices cannot be synced
            os.fsync(fh.fileno())


#: A temporary file of :func:`replacing` (``tempfile.mkstemp``: ".NAME." + 8 random characters + ".tmp").
_TEMP = re.compile(r"\A\..+\.[a-z0-9_]{8}\.tmp\Z")


def clean_stale(folder: str | os.PathLike, older_than: float = 3600.0) -> list[Path]:
    """Remove the temporary files an interrupted save of fxcost's left in ``folder`` (issue 13: 50 killed saves
    left 446 MB), and return them. Only regular files named as :func:`replacing` names them and untouched for
    ``older_than`` seconds are removed: another fxcost may be saving right now. Errors are ignored."""
    removed: list[Path] = []
    cutoff = time.time() - older_than
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _TEMP.match(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed
