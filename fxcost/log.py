"""Logging: a rotating log file in the platform's log folder, and a start-up banner."""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import sys
from pathlib import Path

from fxcost import APP_NAME, ORG_NAME, __version__

log = logging.getLogger("fxcost")


def log_dir() -> Path:
    """Where fxcost writes its log (FXCOST_LOG_DIR overrides, e.g. for tests)."""
    override = os.environ.get("FXCOST_LOG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, ORG_NAME))


def setup(verbose: bool = False) -> Path | None:
    """Log to a rotating file (and stderr when verbose); returns the log file's path, if any."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    path: Path | None = None
    try:
        directory = log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "fxcost.log"
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    except OSError:
        path = None  # a read-only home must not stop the app
    if verbose:
        root.addHandler(logging.StreamHandler(sys.stderr))
    if getattr(sys, "frozen", False) and path is not None:
        # A windowed frozen app has no console: print() and stray tracebacks go to the log instead. Only with a
        # log file: without a handler, logging's last resort would write to sys.stderr, i.e. back into itself.
        sys.stdout = _LogStream(logging.getLogger("stdout"), logging.INFO, sys.stdout)
        sys.stderr = _LogStream(logging.getLogger("stderr"), logging.ERROR, sys.stderr)
    log.info("fxcost %s on Python %s, %s", __version__, platform.python_version(), platform.platform())
    return path


class _LogStream:
    """A text stream that writes whole lines to a logger (and still to the console, if there is one)."""

    def __init__(self, logger: logging.Logger, level: int, console=None):
        self.logger, self.level, self.console = logger, level, console
        self._buffer = ""

    def write(self, text: str) -> int:
        if self.console is not None:
            try:
                self.console.write(text)
            except (OSError, ValueError):
                self.console = None
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line.strip():
                self.logger.log(self.level, line)
        return len(text)

    def flush(self) -> None:
        if self.console is not None:
            try:
                self.console.flush()
            except (OSError, ValueError):
                self.console = None

    def isatty(self) -> bool:
        return False
