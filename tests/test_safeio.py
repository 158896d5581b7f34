"""safeio: only regular files are opened, and a size is checked both as reported and as read (issue 13)."""

from __future__ import annotations

import os
import socket

import pytest

from fxcost import safeio


def test_special_files_are_refused_by_what_they_are(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(tmp_path / "sock"))
    s.close()
    for path, kind in (("/dev/zero", "a device"), (tmp_path / "pipe", "a named pipe (FIFO)"),
                       (tmp_path / "sock", "a socket"), (tmp_path, "a folder")):
        with pytest.raises(safeio.FileRefused, match=f"This is {kind.replace('(', '[(]').replace(')', '[)]')}"):
            safeio.read_capped(path, 100, "test file")


def test_a_file_whose_reported_size_lies_is_measured_as_read():
    # /proc files report a size of 0 and hold more: what is read counts, not what the size says.
    data = safeio.read_capped("/proc/self/status", 1_000_000, "test file")
    assert b"VmRSS" in data
    with pytest.raises(safeio.FileRefused, match=r"larger than any test file \(10 bytes at most\)"):
        safeio.read_capped("/proc/self/status", 10, "test file")


def test_json_refusals_are_short_and_specific(tmp_path):
    cases = {"deep.json": ("[" * 100_000 + "]" * 100_000, "nested too deeply to be a program"),
             "bin.json": (b"\x00\x81\xfe" * 10, "not a UTF-8 text file"),
             "cut.json": ('{"name": "x", "rates": [', r"not valid JSON \(line 1, column 25"),
             "big.json": ("[" + "1," * 1_500_000 + "1]", r"3\.0 MB, larger than any program \(2\.0 MB at most\)")}
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        with pytest.raises(safeio.FileRefused, match=message) as info:
            safeio.read_json(path, "program")
        assert len(str(info.value)) < 200
    (tmp_path / "ok.json").write_text('\ufeff{"name": "x"}')
    assert safeio.read_json(tmp_path / "ok.json", "program") == {"name": "x"}


@pytest.mark.parametrize("fmt", ["mt5-xlsx", "mt5-html"])
def test_cancel_is_checked_inside_the_parse_of_one_file(tmp_path, fmt):
    """A cancel stops the long parses (a streamed MT5 report, an XLSX sheet) inside the file, not only between files."""
    from fxcost.errors import ImportCancelled
    from fxcost.importers import load_file
    from fxcost.samples.generate import generate

    path = tmp_path / ("r.xlsx" if fmt == "mt5-xlsx" else "r.html")
    generate(str(path), fmt, 30, 3)
    polls = []
    assert len(load_file(path, is_cancelled=lambda: polls.append(1) and False).trades) == 30
    assert polls  # it was asked while parsing
    with pytest.raises(ImportCancelled):
        load_file(path, is_cancelled=lambda: True)
