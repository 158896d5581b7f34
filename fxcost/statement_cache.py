"""Parsed statements kept on disk, so reopening a book imports only the files that are new or changed (issue 14).

An entry is keyed by the file's absolute path, size, modification time and a hash of its content, by the options
that change how it reads (CSV mapping, currency, date order) and by fxcost's version: a file edited, replaced or
read differently, or a new fxcost, is parsed again. An entry is two files in the user cache folder: ``KEY.json``
(the accounts, printed totals, warnings, skipped rows, and each column's dtype) and ``KEY.npz`` (the columns as
numpy arrays, text as unicode arrays), read with ``allow_pickle=False``: nothing in the cache can run code when it
is loaded. A damaged or unreadable entry is a miss (the file is parsed again), never an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fxcost import __version__, atomic, safeio, userdata
from fxcost.model import Account, PrintedTotals, SkippedRow, Statement

log = logging.getLogger(__name__)

#: Layout of an entry; a change makes every older entry a miss (with fxcost's version, in the folder's name).
LAYOUT = 1
FRAMES = ("trades", "open_positions", "orders", "cash")
#: Largest entry description read back (warnings and skipped rows of a huge statement are clipped on import).
META_MAX_BYTES = 64_000_000
#: Entries not read for this many days are removed when a cache is opened: statements of books no longer opened
#: (a file moved or changed leaves its old entry behind) do not pile up in the cache folder forever.
MAX_AGE_DAYS = 90
_PREFIX = "statements-"


def _folder_name() -> str:
    return f"{_PREFIX}{LAYOUT}-{__version__}"


class StatementCache:
    """Parsed statements by file: :meth:`get` before parsing, :meth:`put` after; counts ``hits`` and ``misses``."""

    def __init__(self, folder: str | os.PathLike | None = None):
        base = Path(folder) if folder is not None else userdata.cache_dir()
        self.folder = base / _folder_name()
        self.hits = 0
        self.misses = 0
        self._keys: dict[str, str] = {}
        _drop_other_versions(base)
        _drop_unused(self.folder)

    def key(self, path: str, options: Mapping[str, Any]) -> str | None:
        """The entry key of ``path`` read with ``options``; None when the file cannot be read (the importer says
        why)."""
        try:
            st = safeio.regular(path)
            digest = hashlib.blake2b(digest_size=20)
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
        except (OSError, ValueError):
            return None
        ident = json.dumps([LAYOUT, __version__, os.path.abspath(path), st.st_size, st.st_mtime_ns,
                            digest.hexdigest(), _plain_options(options)], sort_keys=True, default=str)
        key = hashlib.blake2b(ident.encode(), digest_size=20).hexdigest()
        self._keys[path] = key
        return key

    def get(self, path: str, options: Mapping[str, Any]) -> list[Statement] | None:
        """The statements cached for ``path`` as it is now, else None (a miss)."""
        key = self.key(path, options)
        found = self._read(key, path) if key else None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, path: str, statements: list[Statement]) -> None:
        """Keep ``statements`` parsed from ``path`` (keyed as the last :meth:`get` of it saw the file)."""
        key = self._keys.get(path)
        if key is None or not statements:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            meta, arrays = _encode(statements)
            text = json.dumps(meta, ensure_ascii=False)
        except (OSError, TypeError, ValueError) as exc:  # an unusual value: the file is simply parsed next time
            log.info("statement cache: %s not kept (%s)", path, exc)
            return
        try:
            tmp = self.folder / f"{key}.tmp.npz"
            np.savez(tmp, **arrays)  # type: ignore[arg-type]  # numpy's stub reads a keyword as allow_pickle
            os.replace(tmp, self.folder / f"{key}.npz")
            atomic.write_text(self.folder / f"{key}.json", text)  # written last: an entry is whole or absent
        except OSError as exc:
            log.info("statement cache: cannot write %s (%s)", self.folder, exc)

    def _read(self, key: str, path: str) -> list[Statement] | None:
        meta_path, data_path = self.folder / f"{key}.json", self.folder / f"{key}.npz"
        if not meta_path.exists() or not data_path.exists():
            return None
        try:
            meta = safeio.read_json(meta_path, "statement cache entry", cap=META_MAX_BYTES)
            with np.load(data_path, allow_pickle=False) as data:
                found = _decode(meta, data, path)
            os.utime(meta_path)  # read now: kept another MAX_AGE_DAYS
            return found
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.info("statement cache: entry of %s unreadable (%s); parsing the file again", path, exc)
            for p in (meta_path, data_path):
                try:
                    p.unlink()
                except OSError:
                    pass
            return None


def _drop_other_versions(base: Path) -> None:
    """Remove the entries of other fxcost versions or layouts (never read again)."""
    try:
        olds = [p for p in base.iterdir() if p.is_dir() and p.name.startswith(_PREFIX) and p.name != _folder_name()]
    except OSError:
        return
    for p in olds:
        shutil.rmtree(p, ignore_errors=True)


def _drop_unused(folder: Path) -> None:
    """Remove the entries (both files) not read for :data:`MAX_AGE_DAYS`."""
    import time

    cutoff = time.time() - MAX_AGE_DAYS * 86400
    try:
        stale = [p for p in folder.glob("*.json") if p.stat().st_mtime < cutoff]
    except OSError:
        return
    for meta in stale:
        for p in (meta, meta.with_suffix(".npz")):
            try:
                p.unlink()
            except OSError:
                pass


def _plain_options(options: Mapping[str, Any]) -> dict:
    return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in sorted(options.items())}


# --- encoding -------------------------------------------------------------------------------------------------


def _encode(statements: list[Statement]) -> tuple[dict, dict[str, np.ndarray]]:
    arrays: dict[str, np.ndarray] = {}
    entries = []
    for i, st in enumerate(statements):
        frames = {}
        for name in FRAMES:
            frame: pd.DataFrame = getattr(st, name)
            columns = []
            for c, col in enumerate(frame.columns):
                dtype = str(frame[col].dtype)
                stem = f"s{i}_{name}_{c}"
                columns.append([str(col), dtype])
                arrays[stem], mask = _column_array(frame[col], dtype)
                if mask is not None:
                    arrays[stem + "_mask"] = mask
            frames[name] = {"rows": len(frame), "columns": columns}
        entries.append({"path": st.path, "format": st.format, "is_backtest": bool(st.is_backtest),
                        "account": _account(st.account), "printed": dataclasses.asdict(st.printed),
                        "warnings": list(st.warnings), "skipped": [dataclasses.asdict(s) for s in st.skipped],
                        "frames": frames})
    return {"layout": LAYOUT, "version": __version__, "statements": entries}, arrays


def _column_array(series: pd.Series, dtype: str) -> tuple[np.ndarray, np.ndarray | None]:
    if dtype.startswith("datetime64"):
        return series.to_numpy("datetime64[ns]").view("int64"), None
    if dtype == "Int64":
        mask = series.isna().to_numpy()
        return series.fillna(0).to_numpy("int64"), mask
    if dtype == "object":
        values = series.to_numpy()
        if not all(isinstance(v, str) for v in values):
            raise TypeError(f"column {series.name} holds values other than text")
        # A unicode array keeps every character but trailing NULs, which no statement's text ends with.
        return np.array(values, dtype=str) if len(values) else np.zeros(0, dtype="<U1"), None
    return series.to_numpy(), None


def _account(account: Account) -> dict:
    out = dataclasses.asdict(account)
    out["report_time"] = account.report_time.isoformat() if account.report_time else None
    return out


def _decode(meta: dict, data, path: str) -> list[Statement]:
    if meta.get("layout") != LAYOUT or meta.get("version") != __version__:
        raise ValueError("entry of another version")
    out = []
    for i, entry in enumerate(meta["statements"]):
        if os.path.abspath(entry["path"]) != os.path.abspath(path):
            raise ValueError("entry of another file")
        frames = {}
        for name in FRAMES:
            spec = entry["frames"][name]
            cols = {}
            for c, (col, dtype) in enumerate(spec["columns"]):
                stem = f"s{i}_{name}_{c}"
                cols[col] = _column(data[stem], dtype, data[stem + "_mask"] if dtype == "Int64" else None)
                if len(cols[col]) != spec["rows"]:
                    raise ValueError(f"column {col} of {name} has the wrong length")
            frames[name] = pd.DataFrame(cols, columns=[c for c, _ in spec["columns"]], index=pd.RangeIndex(spec["rows"]))
        account = dict(entry["account"])
        if account.get("report_time"):
            account["report_time"] = datetime.fromisoformat(account["report_time"])
        out.append(Statement(path=entry["path"], format=entry["format"], account=Account(**account),
                             printed=PrintedTotals(**entry["printed"]), warnings=list(entry["warnings"]),
                             skipped=[SkippedRow(**s) for s in entry["skipped"]],
                             is_backtest=bool(entry["is_backtest"]), **frames))
    return out


def _column(values: np.ndarray, dtype: str, mask: np.ndarray | None):
    if dtype.startswith("datetime64"):
        return values.astype("int64").view("datetime64[ns]")
    if dtype == "Int64":
        if mask is None:
            raise ValueError("a nullable integer column without its mask")
        return pd.arrays.IntegerArray(values.astype("int64"), mask.astype(bool))
    if dtype == "object":
        return pd.Series(values.astype(object), dtype=object)
    return values.astype(dtype, copy=False)
