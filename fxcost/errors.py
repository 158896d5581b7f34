"""User-facing exceptions: each carries a message that says what, where, and what to do."""

from __future__ import annotations


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


class ImportCancelled(FxCostError):
    """The user cancelled a running import."""


class ExportError(FxCostError):
    """A report could not be written."""
