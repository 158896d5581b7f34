"""Atomic replacement: the old file survives any failure, no temporary file is left, permissions are normal."""

from __future__ import annotations

import os
import stat

import pytest

from fxcost import atomic


def test_write_text_replaces_whole_file(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("old", encoding="utf-8")
    atomic.write_text(path, "new ✓")
    assert path.read_text(encoding="utf-8") == "new ✓"
    assert os.listdir(tmp_path) == ["a.json"]


def test_failure_inside_the_block_keeps_the_old_file(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"earlier report")
    with pytest.raises(RuntimeError), atomic.replacing(path, ".xlsx") as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("cancelled")
    assert path.read_bytes() == b"earlier report"
    assert os.listdir(tmp_path) == ["report.xlsx"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_new_file_gets_the_umask_permissions_not_private_ones(tmp_path):
    umask = os.umask(0o022)
    try:
        atomic.write_text(tmp_path / "p.json", "{}")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "p.json").stat().st_mode) == 0o644


def test_missing_folder_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        atomic.write_text(tmp_path / "missing" / "x.json", "{}")


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_symlink_is_followed_and_kept(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic.write_text(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_is_written_in_place_not_replaced(tmp_path):
    import threading

    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    atomic.write_text(fifo, "through the pipe")
    reader.join(timeout=10)
    assert received == ["through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
