"""User-facing exceptions: each carries a message that says what, where, and what to do."""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence


class FxCostError(Exception):
    """Base of every error fxcost expects and explains to the user (no traceback shown)."""


class ImportFailed(FxCostError):
    """A file could not be imported: it is damaged, empty, or not what it claims to be."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


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
    close = difflib.get_close_matches(str(word), list(allowed), n=1)
    return f" (did you mean {json.dumps(close[0], ensure_ascii=False)}?)" if close else ""
