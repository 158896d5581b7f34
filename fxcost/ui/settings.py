"""Typed access to the app's QSettings (window state, folders, recent files, analysis choices), one key list."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from fxcost import APP_NAME, ORG_NAME, atomic, safeio, userdata

#: Bumped when keys change; :meth:`Settings.migrate` moves old values over.
SCHEMA = 1
MAX_RECENT = 10
#: CSV files whose account currency or date order is remembered (the most recently answered first).
MAX_CSV_CHOICES = 200
#: Largest settings file read: real ones are a few kB (recent files, per-file CSV choices).
MAX_SETTINGS_BYTES = 10_000_000

log = logging.getLogger(__name__)


class Settings:
    """A small typed wrapper around QSettings: every key the app uses is a property or method here.

    ``FXCOST_SETTINGS_FILE`` (or the ``path`` argument) keeps settings in an INI file instead of the
    platform's store, so tests, ``--smoke-test`` and ``--screenshot`` never touch the user's settings.
    """

    def __init__(self, path: str | Path | None = None):
        path = path or os.environ.get("FXCOST_SETTINGS_FILE")
        #: What was wrong with the settings store and what was done, for the app to tell the user once (issue 13).
        self.problems: list[str] = []
        self._reported_unsaved = False
        file = self._file(path)
        if file is not None:
            self._check(file)  # before QSettings opens it: a pipe would block start-up forever
        self.q = self._open(path)
        if file is not None:
            if self.q.status() == QSettings.Status.FormatError and self._set_aside(file, "it is not a settings file"):
                self.q = self._open(path)
            if not self._writable(file):
                self._unsaved(f"the settings file {file} cannot be written")
            atomic.clean_stale(file.parent)
        self.migrate()

    @staticmethod
    def _file(path: str | Path | None) -> Path | None:
        """The settings file, or None where the platform keeps settings elsewhere (the Windows registry)."""
        if path:
            return Path(path)
        if sys.platform.startswith("linux"):
            from PySide6.QtCore import QStandardPaths

            config = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
            return Path(config) / ORG_NAME / f"{APP_NAME}.conf"
        if sys.platform == "darwin":
            return None  # a property list the system reads and writes
        return None

    @staticmethod
    def _open(path: str | Path | None) -> QSettings:
        if path:
            return QSettings(str(path), QSettings.Format.IniFormat)
        return QSettings(ORG_NAME, APP_NAME)

    def _check(self, file: Path) -> None:
        """Set the settings file aside (renamed with the date, never deleted) when it is not a readable text file;
        say what was done in :attr:`problems`."""
        try:
            st = os.stat(file)
        except (FileNotFoundError, NotADirectoryError):
            return  # nothing to read; whether it can be written is checked apart
        except OSError as exc:
            self.problems.append(f"The settings file {file} cannot be read ({exc.strerror or exc}); settings start "
                                 "afresh and may not be saved.")
            return
        kind = safeio.special_kind(st.st_mode)
        if kind:
            self._set_aside(file, f"it is {kind}")
            return
        try:
            data = safeio.read_capped(file, MAX_SETTINGS_BYTES, "settings file")
        except safeio.FileRefused as exc:
            self._set_aside(file, str(exc))
            return
        except OSError as exc:
            self.problems.append(f"The settings file {file} cannot be read ({exc.strerror or exc}); settings start "
                                 "afresh and may not be saved.")
            return
        if b"\x00" in data:
            self._set_aside(file, "it holds binary data")
            return
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            self._set_aside(file, "it is not UTF-8 text")

    def _set_aside(self, file: Path, why: str) -> bool:
        """Rename the damaged settings file with the date and say so; whether it was renamed."""
        try:
            moved = userdata.set_aside(file)
        except OSError as exc:
            self.problems.append(f"The settings file {file} is damaged ({why}) and could not be renamed "
                                 f"({exc.strerror or exc}): it was left as it is, and settings will not be saved.")
            self._reported_unsaved = True
            return False
        log.warning("damaged settings file %s (%s) renamed to %s", file, why, moved)
        self.problems.append(f"The settings file {file.name} was damaged ({why}): it was renamed to {moved.name} "
                             "(your earlier recent files and analysis choices are in it) and settings start afresh.")
        return True

    @staticmethod
    def _writable(file: Path) -> bool:
        if file.exists():
            return file.is_file() and os.access(file, os.W_OK)
        folder = file.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return folder.is_dir() and os.access(folder, os.W_OK)

    def _unsaved(self, why: str) -> None:
        """Report once that settings are not being saved."""
        if not self._reported_unsaved:
            self._reported_unsaved = True
            self.problems.append(f"Settings cannot be saved: {why}. Changes last only until fxcost closes.")

    def migrate(self) -> None:
        """Bring settings written by an older version up to :data:`SCHEMA` (nothing to move yet)."""
        version = self._int("schema", 0)
        if version < SCHEMA:
            self.q.setValue("schema", SCHEMA)

    def sync(self) -> None:
        self.q.sync()
        if self.q.status() == QSettings.Status.AccessError:
            self._unsaved(f"the settings file {self.q.fileName()} cannot be written")

    # --- typed helpers: QSettings returns strings from INI files, so every read converts -------------------

    def _int(self, key: str, default: int) -> int:
        try:
            return int(self.q.value(key, default))
        except (TypeError, ValueError):
            return default

    def _float(self, key: str, default: float) -> float:
        try:
            return float(self.q.value(key, default))
        except (TypeError, ValueError):
            return default

    def _str(self, key: str, default: str = "") -> str:
        value = self.q.value(key, default)
        return value if isinstance(value, str) else default

    def _json(self, key: str, default: Any) -> Any:
        try:
            return json.loads(self._str(key, "")) if self.q.contains(key) else default
        except ValueError:
            return default

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.q.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # --- window ------------------------------------------------------------------------------------------

    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.q.setValue("window/geometry", geometry)
        self.q.setValue("window/state", state)

    def header_state(self, name: str) -> QByteArray | None:
        return self._bytes(f"{name}/header")

    def set_header_state(self, name: str, state: QByteArray) -> None:
        self.q.setValue(f"{name}/header", state)

    def current_tab(self) -> int:
        return self._int("window/tab", 0)

    def set_current_tab(self, index: int) -> None:
        self.q.setValue("window/tab", index)

    # --- files -------------------------------------------------------------------------------------------

    def last_dir(self) -> str:
        folder = self._str("files/last_dir")
        return folder if folder and os.path.isdir(folder) else str(Path.home())

    def set_last_dir(self, folder: str) -> None:
        self.q.setValue("files/last_dir", folder)

    def recent_files(self) -> list[str]:
        items = self._json("files/recent", [])
        return [p for p in items if isinstance(p, str)][:MAX_RECENT]

    def add_recent(self, paths: list[str]) -> list[str]:
        """Put ``paths`` first in the recent list (newest first, no duplicates) and return the list."""
        new = [os.path.abspath(p) for p in paths]
        items = new + [p for p in self.recent_files() if p not in new]
        self.q.setValue("files/recent", json.dumps(items[:MAX_RECENT]))
        return items[:MAX_RECENT]

    def last_open(self) -> list[str]:
        """The files of the last Open (issue 15: a restart reopens them, not the bundled sample)."""
        items = self._json("files/last_open", [])
        return [p for p in items if isinstance(p, str)] if isinstance(items, list) else []

    def set_last_open(self, paths: list[str]) -> None:
        self.q.setValue("files/last_open", json.dumps([os.path.abspath(p) for p in paths]))

    def clear_recent(self) -> None:
        self.q.setValue("files/recent", "[]")

    def _per_file(self, key: str) -> dict[str, str]:
        items = self._json(key, {})
        return {k: v for k, v in items.items() if isinstance(k, str) and isinstance(v, str)} \
            if isinstance(items, dict) else {}

    def _set_per_file(self, key: str, path: str, value: str) -> None:
        """Remember ``value`` for the file (most recent first, at most MAX_CSV_CHOICES files)."""
        path = os.path.abspath(path)
        items = {path: value, **{k: v for k, v in self._per_file(key).items() if k != path}}
        self.q.setValue(key, json.dumps(dict(list(items.items())[:MAX_CSV_CHOICES])))

    def csv_currencies(self) -> dict[str, str]:
        """The account currency the user gave for each CSV file (absolute path -> code): a CSV prints none."""
        return self._per_file("files/csv_currency")

    def set_csv_currency(self, path: str, code: str) -> None:
        self._set_per_file("files/csv_currency", path, code)

    def csv_date_orders(self) -> dict[str, str]:
        """How the user said each CSV file writes day/month dates (absolute path -> "dmy" or "mdy")."""
        return self._per_file("files/csv_date_order")

    def set_csv_date_order(self, path: str, order: str) -> None:
        self._set_per_file("files/csv_date_order", path, order)

    # --- analysis choices (which profile and programs, offsets); the files themselves live in userdata ---

    def analysis(self) -> dict:
        """The setup panel's choices as saved (see setup_panel.SetupState)."""
        value = self._json("analysis/state", {})
        return value if isinstance(value, dict) else {}

    def set_analysis(self, state: dict) -> None:
        self.q.setValue("analysis/state", json.dumps(state))
