"""User-facing exceptions: each carries a message that says what, where, and what to do."""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence

#: Longest message an error carries: whatever a message quotes from a file, the user gets a readable answer.
MESSAGE_CHARS = 1500


class FxCostError(Exception):
    """Base of every error fxcost expects and explains to the user (no traceback shown)."""

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], str) and len(args[0]) > MESSAGE_CHARS:
            args = (clip(args[0], MESSAGE_CHARS), *args[1:])  # issue 13: an 8 MB message once
        super().__init__(*args)


class ImportFailed(FxCostError):
    """A file could not be imported: it is damaged, empty, or not what it claims to be."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = clip(message, MESSAGE_CHARS)
        super().__init__(f"{path}: {message}" if path else message)

    def __reduce__(self):
        # A worker process sends its import failure back pickled (parallel_import); args hold one joined string.
        return type(self), (self.path, self.message)


class UnsupportedReport(ImportFailed):
    """The file is a real file of a kind fxcost does not analyse (with advice on what to export)."""


class CsvColumnsUnknown(ImportFailed):
    """A CSV trade list whose columns fxcost cannot name (``missing``: the canonical columns it found no header
    for): the app asks the user which header is which, the command line points at ``--csv-map`` (issue 10: a
    typed error, not a message matched by its text)."""

    def __init__(self, path: str, message: str, missing: Sequence[str] = ()):
        super().__init__(path, message)
        self.missing = tuple(missing)

    def __reduce__(self):
        return CsvColumnsUnknown, (self.path, self.message, self.missing)


class ImportCancelled(FxCostError):
    """The user cancelled a running import."""


class ExportError(FxCostError):
    """A report could not be written."""


def did_you_mean(word: object, allowed: Sequence[str]) -> str:
    """' (did you mean "x"?)' for the allowed word closest to a mistyped one, or '' when none is close."""
    if len(str(word)) > 100:  # no allowed word is that long; difflib is quadratic in it (issue 13)
        return ""
    close = difflib.get_close_matches(str(word), list(allowed), n=1)
    return f" (did you mean {json.dumps(close[0], ensure_ascii=False)}?)" if close else ""


#: Characters of a file's content a message quotes at most (issue 13: a refusal once printed a 940 MB field).
QUOTE_CHARS = 120


def clip(text: object, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out, so a message never quotes a huge value."""
    s = str(text)
    if len(s) <= limit:
        return s
    return f"{s[:limit]}... ({len(s):,} characters in all)"
