"""The user's own rebate programs and spread profiles: JSON files in the platform's user data folder (Qt-free)."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fxcost import APP_NAME, ORG_NAME, atomic, safeio
from fxcost.errors import FxCostError

log = logging.getLogger(__name__)

#: Sub-folders of the data folder, one per kind of file.
PROGRAMS = "programs"
PROFILES = "spread-profiles"


class UserDataError(FxCostError):
    """A user file could not be written; the message names the file and the reason."""


def data_dir() -> Path:
    """The user data folder (FXCOST_DATA_DIR overrides it, e.g. for tests and portable installs)."""
    override = os.environ.get("FXCOST_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))


def cache_dir() -> Path:
    """The user cache folder (FXCOST_CACHE_DIR overrides it; else a ``cache`` folder beside FXCOST_DATA_DIR's data
    when that is set, so tests and portable installs keep everything together). Issue 14: parsed statements."""
    override = os.environ.get("FXCOST_CACHE_DIR")
    if override:
        return Path(override)
    if os.environ.get("FXCOST_DATA_DIR"):
        return Path(os.environ["FXCOST_DATA_DIR"]) / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, ORG_NAME))


def folder(kind: str) -> Path:
    """The folder holding one kind of file (``PROGRAMS`` or ``PROFILES``); created on demand."""
    path = data_dir() / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def slug(name: str) -> str:
    """A file name stem from a display name: lower case, ASCII letters, digits and dashes."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:60] or "unnamed"


def atomic_write_json(path: str | Path, data: Any) -> None:
    """Write JSON to ``path`` through a temporary file in the same folder, so a crash never leaves half a file."""
    try:
        atomic.write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise UserDataError(f"{path}: cannot save ({exc.strerror or exc}). Check that the folder is writable.") from exc


def set_aside(path: str | Path) -> Path:
    """Rename a damaged file to ``NAME.damaged-YYYYmmdd-HHMMSS.json`` next to it and return the new path."""
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    n = 1
    while target.exists():  # two damaged files in the same second must not overwrite each other
        n += 1
        target = path.with_name(f"{path.stem}.damaged-{stamp}-{n}{path.suffix}")
    os.replace(path, target)
    return target


@dataclass
class Problem:
    """A damaged file found while loading or saving, and where it was moved."""

    path: Path
    message: str
    moved_to: Path | None = None

    def __str__(self) -> str:
        # Say what was done, whatever it was (issue 13: files that could not be renamed were called renamed).
        done = f"It was renamed to {self.moved_to.name} so you can repair it." if self.moved_to else \
            "It was left where it is."
        return f"{self.path.name}: {self.message}. {done}"


@dataclass
class Loaded:
    """What :func:`load_all` found: the parsed items (each with ``.path`` set) and the damaged files."""

    items: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _is_data_file(path: Path) -> bool:
    return path.suffix == ".json" and not path.name.startswith(".") and ".damaged-" not in path.name


def _parse(path: Path, parse: Callable[[Any, str], Any]) -> Any:
    """Parse one file; raises ValueError (JSON, encoding) or FxCostError (schema) with a readable message."""
    data = safeio.read_json(path, "user file")  # FileRefused is a ValueError
    try:
        item = parse(data, path.name)
    except RecursionError as exc:
        raise ValueError("nested too deeply to be a program or profile") from exc
    item.path = str(path)
    return item


def _strip_where(message: str, path: Path) -> str:
    prefix = f"{path.name}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def load_all(kind: str, parse: Callable[[Any, str], Any]) -> Loaded:
    """Every file of one kind; a damaged file is set aside and reported, never dropped silently."""
    out = Loaded()
    for stale in atomic.clean_stale(folder(kind)):
        log.info("removed %s, left by an interrupted save", stale)
    for path in sorted(folder(kind).glob("*.json")):
        if not _is_data_file(path):
            continue
        try:
            out.items.append(_parse(path, parse))
        except OSError as exc:
            out.problems.append(Problem(path, f"cannot be read ({exc.strerror or exc})"))
        except (ValueError, FxCostError) as exc:
            problem = Problem(path, _strip_where(str(exc), path))
            try:
                problem.moved_to = set_aside(path)
            except OSError as move_exc:
                problem.message += f"; it could not be renamed ({move_exc.strerror or move_exc})"
            log.warning("damaged user file: %s", problem)
            out.problems.append(problem)
    return out


def save(kind: str, name: str, data: dict, parse: Callable[[Any, str], Any],
         previous: str | Path | None = None) -> tuple[Path, list[Problem]]:
    """Validate ``data`` with ``parse`` and write it as the user file for ``name``.

    ``previous`` is the file the item was loaded from (kept when the name is unchanged, removed
    after a rename). Another item's file is never overwritten: a free name is chosen instead. A
    damaged file in the way is set aside first and reported.

    Returns:
        The written path and the problems met (damaged files set aside).
    """
    parse(data, name)  # never write what cannot be read back
    directory = folder(kind)
    previous_path = Path(previous) if previous else None
    if previous_path is not None and previous_path.parent.resolve() != directory.resolve():
        previous_path = None  # a bundled or imported file: save a user copy, leave the original alone
    problems: list[Problem] = []
    stem = slug(name)
    target = directory / f"{stem}.json"
    n = 1
    while target.exists() and (previous_path is None or target.resolve() != previous_path.resolve()):
        try:
            _parse(target, parse)
        except OSError:
            pass
        except (ValueError, FxCostError) as exc:
            problem = Problem(target, _strip_where(str(exc), target))
            problems.append(problem)
            try:
                problem.moved_to = set_aside(target)
                break
            except OSError as move_exc:  # keep the damaged file as it is, and save under the next free name
                problem.message += f"; it could not be renamed ({move_exc.strerror or move_exc})"
        n += 1
        target = directory / f"{stem}-{n}.json"
    atomic_write_json(target, data)
    if previous_path is not None and previous_path.exists() and previous_path.resolve() != target.resolve():
        previous_path.unlink()
    return target, problems


def delete(path: str | Path) -> None:
    """Remove a user file (only inside the user data folder)."""
    path = Path(path)
    if data_dir().resolve() not in path.resolve().parents:
        raise UserDataError(f"{path}: not a user file; bundled files cannot be deleted.")
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise UserDataError(f"{path}: cannot delete ({exc.strerror or exc}).") from exc


def is_user_file(path: str | Path | None) -> bool:
    """Whether ``path`` lies in the user data folder (editable and deletable in place)."""
    if not path:
        return False
    try:
        return data_dir().resolve() in Path(path).resolve().parents
    except OSError:
        return False


# --- rebate programs and spread profiles --------------------------------------------------------------------


def _program_parse(data: Any, where: str):
    from fxcost.analysis import programs

    return programs.from_dict(data, where)


def _profile_parse(data: Any, where: str):
    from fxcost.analysis.spreads import SpreadProfile, bounded

    return bounded(SpreadProfile.from_dict(data, where), where)


def load_programs() -> Loaded:
    """The user's rebate programs (``programs.RebateProgram``), with any damaged files reported."""
    return load_all(PROGRAMS, _program_parse)


def save_program(program, previous: str | Path | None = None) -> tuple[Path, list[Problem]]:
    """Write a rebate program to the user folder; sets ``program.path``."""
    path, problems = save(PROGRAMS, program.name, program.as_dict(), _program_parse, previous)
    program.path = str(path)
    return path, problems


def load_profiles() -> Loaded:
    """The user's spread profiles (``spreads.SpreadProfile``), with any damaged files reported."""
    return load_all(PROFILES, _profile_parse)


def save_profile(profile, previous: str | Path | None = None) -> tuple[Path, list[Problem]]:
    """Write a spread profile to the user folder; sets ``profile.path``."""
    path, problems = save(PROFILES, profile.name, profile.as_dict(), _profile_parse, previous)
    profile.path = str(path)
    return path, problems
