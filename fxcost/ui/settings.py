"""Typed access to the app's QSettings (window state, folders, recent files, analysis choices), one key list."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from fxcost import APP_NAME, ORG_NAME

#: Bumped when keys change; :meth:`Settings.migrate` moves old values over.
SCHEMA = 1
MAX_RECENT = 10
#: CSV files whose account currency or date order is remembered (the most recently answered first).
MAX_CSV_CHOICES = 200


class Settings:
    """A small typed wrapper around QSettings: every key the app uses is a property or method here.

    ``FXCOST_SETTINGS_FILE`` (or the ``path`` argument) keeps settings in an INI file instead of the
    platform's store, so tests, ``--smoke-test`` and ``--screenshot`` never touch the user's settings.
    """

    def __init__(self, path: str | Path | None = None):
        path = path or os.environ.get("FXCOST_SETTINGS_FILE")
        if path:
            self.q = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self.q = QSettings(ORG_NAME, APP_NAME)
        self.migrate()

    def migrate(self) -> None:
        """Bring settings written by an older version up to :data:`SCHEMA` (nothing to move yet)."""
        version = self._int("schema", 0)
        if version < SCHEMA:
            self.q.setValue("schema", SCHEMA)

    def sync(self) -> None:
        self.q.sync()

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
