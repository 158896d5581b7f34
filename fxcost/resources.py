"""Where bundled files (sample statement, default profiles, example programs) live, frozen or not."""

from __future__ import annotations

import sys
from pathlib import Path

#: The statement the app opens when started without files.
BUNDLED_SAMPLE = "sample-statement.htm"


def assets_dir() -> Path:
    """The assets folder: next to the package in a checkout, under _MEIPASS when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def asset(name: str) -> Path:
    """Path of one bundled asset."""
    return assets_dir() / name
