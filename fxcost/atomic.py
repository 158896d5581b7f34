"""Atomic file replacement: what fxcost writes (reports, programs, profiles, settings) is whole or not there."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
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
        target = target.resolve()  # write the file the link points to; keep the user's link
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
