"""Folders of statements: every file fxcost reads in a folder and its subfolders, and why the others are left out.

Issue 14: an introducing broker keeps hundreds of client statements in a folder (a month per subfolder, often with
a PDF or a spreadsheet of notes beside them). Opening the folder imports every statement in it; a file that is not
one is listed with the reason, never dropped silently (pipeline.import_files reports it as a failure).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Extensions of the files fxcost reads: MetaTrader HTML and XLSX reports, CSV/TSV/TXT trade lists.
STATEMENT_EXTENSIONS = (".htm", ".html", ".xlsx", ".csv", ".tsv", ".txt")
#: Most files taken from one folder (a book of 500 clients over a few years is some thousands): a folder tree of
#: millions (a home folder dropped by mistake) is refused with this count rather than walked forever.
MAX_FILES = 20_000


def is_statement_name(path: str | os.PathLike) -> bool:
    """Whether ``path`` has the extension of a kind of file fxcost reads."""
    return str(path).lower().endswith(STATEMENT_EXTENSIONS)


def _hidden(name: str) -> bool:
    # Hidden files and folders (.git, .DS_Store) and Office's lock files (~$book.xlsx) are never statements.
    return name.startswith((".", "~$"))


def statement_files(folder: str | os.PathLike) -> tuple[list[str], list[tuple[str, str]]]:
    """Every statement file under ``folder`` (subfolders too, sorted by path), and (path, reason) of each other file.

    Hidden files and folders are passed over without a word (they are the system's, not the user's). Files beyond
    :data:`MAX_FILES` are not taken: one entry says how many were left out and what to do.
    """
    found: list[str] = []
    others: list[tuple[str, str]] = []
    seen = 0
    kinds = ", ".join(STATEMENT_EXTENSIONS)
    for root, dirs, names in os.walk(str(folder), followlinks=False):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for name in sorted(names):
            if _hidden(name):
                continue
            path = os.path.join(root, name)
            seen += 1
            if seen > MAX_FILES:
                continue
            if is_statement_name(name):
                found.append(path)
            else:
                ext = Path(name).suffix or "no extension"
                others.append((path, f"Not a statement: fxcost reads {kinds} files, and this one is {ext}. "
                                     "It was left out of the import."))
    if seen > MAX_FILES:
        others.append((str(folder), f"The folder holds {seen:,} files; only the first {MAX_FILES:,} were taken. "
                                    "Open the folder of one book (or of one month) instead."))
    return found, others


def expand(paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """``paths`` with each folder replaced by its statement files (in order, each file once), and the files left
    out with their reasons. A folder without any statement is itself reported, so opening it never does nothing."""
    files: list[str] = []
    others: list[tuple[str, str]] = []
    for p in paths:
        if not os.path.isdir(p):
            files.append(p)
            continue
        found, skipped = statement_files(p)
        files += found
        others += skipped
        if not found:
            others.append((p, "No statement in this folder or its subfolders: fxcost reads "
                              f"{', '.join(STATEMENT_EXTENSIONS)} files (MetaTrader reports and trade lists)."))
    return list(dict.fromkeys(files)), others
