"""Parsed statements kept on disk, so reopening a book imports only the files that are new or changed (issue 14).

An entry is keyed by the file's absolute path, size, modification time and a hash of its content, by the options
that change how it reads (CSV mapping, currency, date order) and by fxcost's version: a file edited, replaced or
read differently, or a new fxcost, is parsed again. An entry is two files in the user cache folder: ``KEY.json``
(the accounts, printed totals, warnings, skipped rows, each column's dtype and where its arrays are) and ``KEY.bin``
(the columns' arrays one after another: numbers, booleans and, for text, codes and the distinct texts as unicode;
read back as views of one read of the file, only of these dtypes and within the file): nothing in the cache can run
code when it is loaded. A damaged or unreadable entry is a miss (the file is parsed again), never an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from fxcost import __version__, model, safeio, userdata
from fxcost.model import Account, PrintedTotals, SkippedRow, Statement

log = logging.getLogger(__name__)

#: Layout of an entry; a change makes every older entry a miss (with fxcost's version, in the folder's name).
#: 2: one raw data file (KEY.bin) instead of an .npz, text as codes and distinct texts.
LAYOUT = 2
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
    """Parsed statements by file: :meth:`get` before parsing, :func:`write_entry` at :meth:`entry_of` after; counts
    ``hits`` and ``misses``."""

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
            digest = hashlib.sha256()  # hardware-assisted on current CPUs: about 2.5x blake2b's speed here
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

    def entry_of(self, path: str) -> Entry | None:
        """Where ``path``'s statements are kept (as the last :meth:`get` of it saw the file), for
        :func:`write_entry` in the import worker that parses it (parallel_import); None: not kept."""
        key = self._keys.get(path)
        return Entry(str(self.folder), key) if key is not None else None

    def _read(self, key: str, path: str) -> list[Statement] | None:
        meta_path, data_path = self.folder / f"{key}.json", self.folder / f"{key}.bin"
        if not meta_path.exists() or not data_path.exists():
            return None
        try:
            meta = safeio.read_json(meta_path, "statement cache entry", cap=META_MAX_BYTES)
            # One read of the raw data file; the columns are views of it (bytearray: writable, as parsed columns).
            if data_path.stat().st_size != meta["data_bytes"]:  # cut short or replaced: not this entry's data
                raise ValueError("the data file is not the size its description says")
            data = bytearray(data_path.read_bytes())
            found = _decode(meta, _unpack(meta["data"], data), path)
        except Exception as exc:  # any damage (or a hostile entry) is a miss: the file is parsed again

            log.info("statement cache: entry of %s unreadable (%s); parsing the file again", path, exc)
            for p in (meta_path, data_path):
                try:
                    p.unlink()
                except OSError:
                    pass
            return None
        try:
            os.utime(meta_path)  # read now: kept another MAX_AGE_DAYS
        except OSError:  # a read-only cache folder: the entry is still good
            pass
        return found


class Entry(NamedTuple):
    """Where one file's statements are kept: the cache's folder and the entry's key (picklable)."""

    folder: str
    key: str


def write_entry(where: Entry, path: str, statements: list[Statement]) -> None:
    """Keep ``statements`` parsed from ``path`` as entry ``where``; what cannot be kept is logged, never raised
    (the file is parsed again next time). Statements that name another file are not kept."""
    if not statements or any(st.path != path for st in statements):
        return
    folder = Path(where.folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        meta, arrays = _encode(statements)
        meta["data"], data = _pack(arrays)
        meta["data_bytes"] = len(data)
        text = json.dumps(meta, ensure_ascii=False)
    except Exception as exc:  # an unusual value: the file is simply parsed next time (this runs in an import worker)
        log.info("statement cache: %s not kept (%s)", path, exc)
        return
    # Replaced whole, the description last: an entry is whole or absent. Each writer its own temporary files (two
    # workers may keep one file named twice). Not synced to the disk (as the app's own files are,
    # atomic.write_text): an entry a power cut damaged is a miss, the file parsed again.
    mine = f"{os.getpid()}-{uuid.uuid4().hex}"
    for suffix, content in ((".bin", data), (".json", text.encode())):
        tmp = folder / f"{where.key}.{mine}.tmp{suffix}"
        try:
            tmp.write_bytes(content)
            os.replace(tmp, folder / f"{where.key}{suffix}")
        except OSError as exc:
            log.info("statement cache: cannot write %s (%s)", folder, exc)
            try:
                tmp.unlink()
            except OSError:
                pass
            return


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
        for p in (meta, meta.with_suffix(".bin")):
            try:
                p.unlink()
            except OSError:
                pass


def _plain_options(options: Mapping[str, Any]) -> dict:
    return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in sorted(options.items())}


# --- encoding -------------------------------------------------------------------------------------------------

#: The only dtypes an entry's data file holds (numbers, booleans, fixed-width unicode): nothing read back can be an
#: object, so nothing in the cache can run code.
_SAFE_DTYPE = re.compile(r"^[<>|](f8|i8|i4|i1|b1|U\d{1,6})$")
_ALIGN = 8


def _encode(statements: list[Statement]) -> tuple[dict, dict[str, np.ndarray]]:
    arrays: dict[str, np.ndarray] = {}
    entries = []
    for i, st in enumerate(statements):
        frames = {}
        for name in FRAMES:
            frame: pd.DataFrame = getattr(st, name)
            columns = []
            for c, (col, series) in enumerate(frame.items()):
                dtype = str(series.dtype)
                stem = f"s{i}_{name}_{c}"
                columns.append([str(col), dtype])
                for part, values in _column_arrays(series, dtype).items():
                    arrays[stem + part] = values
            frames[name] = {"rows": len(frame), "columns": columns}
        entries.append({"path": st.path, "format": st.format, "is_backtest": bool(st.is_backtest),
                        "account": _account(st.account), "printed": dataclasses.asdict(st.printed),
                        "warnings": list(st.warnings), "skipped": [dataclasses.asdict(s) for s in st.skipped],
                        "frames": frames})
    return {"layout": LAYOUT, "version": __version__, "statements": entries}, arrays


def _column_arrays(series: pd.Series, dtype: str) -> dict[str, np.ndarray]:
    """A column as the plain arrays an entry keeps, by suffix: "" its values, "_mask" an Int64's missing rows,
    "_codes" and "_texts" a text column's codes and distinct texts."""
    if dtype.startswith("datetime64"):
        return {"": series.to_numpy("datetime64[ns]").view("int64")}
    if dtype == "Int64":
        return {"": series.fillna(0).to_numpy("int64"), "_mask": series.isna().to_numpy()}
    if dtype == "object":
        codes, texts = pd.factorize(series.to_numpy(), use_na_sentinel=False)
        if not all(isinstance(v, str) for v in texts):
            raise TypeError(f"column {series.name} holds values other than text")
        # Each distinct text once (a column of a few distinct values, not one per row): a unicode array keeps every
        # character but trailing NULs, which no statement's text ends with.
        return {"_codes": codes.astype("int32"),
                "_texts": np.array(list(texts), dtype=str) if len(texts) else np.zeros(0, dtype="<U1")}
    return {"": series.to_numpy()}


def _pack(arrays: dict[str, np.ndarray]) -> tuple[dict[str, list], bytes]:
    """The arrays as one block of bytes (each at a multiple of 8) and where each is: name -> [dtype, offset,
    count]."""
    where: dict[str, list] = {}
    parts: list[bytes] = []
    offset = 0
    for name, values in arrays.items():
        values = np.ascontiguousarray(values)
        if not _SAFE_DTYPE.match(values.dtype.str):
            raise TypeError(f"{name}: {values.dtype} is not kept")
        raw = values.tobytes()
        where[name] = [values.dtype.str, offset, len(values)]
        pad = -len(raw) % _ALIGN
        parts.append(raw + b"\0" * pad)
        offset += len(raw) + pad
    return where, b"".join(parts)


def _unpack(where: dict[str, list], data: bytearray) -> dict[str, np.ndarray]:
    """The arrays :func:`_pack` wrote, as views of ``data`` (checked: a safe dtype, inside the block)."""
    out = {}
    for name, (dtype, offset, count) in where.items():
        if not isinstance(dtype, str) or not _SAFE_DTYPE.match(dtype):
            raise ValueError(f"{name}: dtype {dtype!r} is not one an entry holds")
        kind = np.dtype(dtype)
        if not (isinstance(offset, int) and isinstance(count, int) and 0 <= offset
                and 0 <= count and offset + count * kind.itemsize <= len(data)):
            raise ValueError(f"{name}: outside the data file")
        out[name] = np.frombuffer(data, dtype=kind, count=count, offset=offset)
    return out


def _account(account: Account) -> dict:
    out = dataclasses.asdict(account)
    out["report_time"] = account.report_time.isoformat() if account.report_time else None
    return out


def _decode(meta: dict, data: dict[str, np.ndarray], path: str) -> list[Statement]:
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
                cols[col] = _column(data, f"s{i}_{name}_{c}", dtype)
                if len(cols[col]) != spec["rows"]:
                    raise ValueError(f"column {col} of {name} has the wrong length")
            frames[name] = model._frame(cols, [c for c, _ in spec["columns"]], pd.RangeIndex(spec["rows"]))
        account = dict(entry["account"])
        if account.get("report_time"):
            account["report_time"] = datetime.fromisoformat(account["report_time"])
        out.append(Statement(path=path, format=entry["format"], account=Account(**account),
                             printed=PrintedTotals(**entry["printed"]), warnings=list(entry["warnings"]),
                             skipped=[SkippedRow(**s) for s in entry["skipped"]],
                             is_backtest=bool(entry["is_backtest"]), **frames))
    return out


def _column(data: dict[str, np.ndarray], stem: str, dtype: str):
    if dtype == "object":
        codes, texts = data[stem + "_codes"], data[stem + "_texts"]
        if codes.dtype.kind != "i" or texts.dtype.kind != "U":
            raise ValueError(f"{stem}: text codes or texts of another kind")
        if len(codes) and (codes.min() < 0 or codes.max() >= len(texts)):
            raise ValueError(f"{stem}: text codes outside its texts")
        # One str object per distinct text, shared by its rows, as the importers make them (model).
        return np.asarray(texts.astype(object), dtype=object)[codes]
    values = data[stem]
    if dtype.startswith("datetime64"):
        return values.astype("int64").view("datetime64[ns]")
    if dtype == "Int64":
        return pd.arrays.IntegerArray(values.astype("int64"), data[stem + "_mask"].astype(bool))
    return values.astype(dtype, copy=False)
