"""Dump what the importers produce, to prove a change leaves it alone (issue 14); compare two dumps.

Every real sample (../shared/samples), the hostile inputs of tests/hostile/cases.py and 20 files of each format of
the generated book are imported with load_file; each Statement (every field: frames, account, printed totals,
warnings, skipped rows, ...) and its Reconciliation is pickled, or the error's type and message. ``cmp`` compares two
dumps exactly: frames by DataFrame.equals, columns, dtypes and index, the type of each text cell and how many distinct
objects a text column holds (model.py shares one object per value); everything else by ==.

Run (FXCOST_BOOK: the book's folder when this checkout has no bench-data/book):
    PYTHONPATH=../main python benchmarks/dump_imports.py dump /tmp/main.pkl
    PYTHONPATH=. python benchmarks/dump_imports.py dump /tmp/this.pkl
    python benchmarks/dump_imports.py cmp /tmp/main.pkl /tmp/this.pkl
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(os.environ.get("FXCOST_SAMPLES", ROOT.parent / "shared" / "samples"))
BOOK = Path(os.environ.get("FXCOST_BOOK", ROOT / "bench-data" / "book"))
#: A fixed folder for the hostile inputs: the ``source`` column quotes each file's path.
HOSTILE = Path("/tmp/fxcost-dump-hostile")


def files() -> list[Path]:
    out = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "SOURCES.tsv")
    book = sorted(BOOK.iterdir()) if BOOK.is_dir() else []
    for ext in (".htm", ".html", ".xlsx"):
        out += [p for p in book if p.suffix == ext][:20]
    return out


def hostile() -> list[Path]:
    """The files tests/hostile/cases.py writes (its cases import nothing of fxcost)."""
    shutil.rmtree(HOSTILE, ignore_errors=True)
    HOSTILE.mkdir(parents=True)
    sys.path.insert(0, str(ROOT))
    from tests.hostile.cases import CASES

    paths = []
    for name, case in CASES.items():
        folder = HOSTILE / name
        folder.mkdir()
        try:
            args = case.make(folder)
        except Exception:  # noqa: BLE001 (a case that needs what this machine lacks: left out)
            continue
        paths += [Path(a) for a in args if Path(a).is_absolute() and Path(a).is_file()
                  and Path(a).stat().st_size < 50_000_000]
    return paths


def dump(out: str) -> None:
    from fxcost.importers import load_file
    from fxcost.importers.reconcile import reconcile

    result: dict[str, Any] = {}
    for path in files() + hostile():
        key = str(path).replace(str(HOSTILE), "HOSTILE")
        try:
            st = load_file(path)
            result[key] = ("ok", {f.name: getattr(st, f.name) for f in dataclasses.fields(st)}, reconcile(st))
        except Exception as exc:  # noqa: BLE001 (the error is part of what is compared)
            result[key] = ("err", type(exc).__name__, str(exc))
    with open(out, "wb") as fh:
        pickle.dump(result, fh)
    print(len(result), "files dumped")


def same(a: Any, b: Any, where: str, diffs: list[str]) -> None:
    import pandas as pd

    if isinstance(a, pd.DataFrame):
        if (not isinstance(b, pd.DataFrame) or list(a.columns) != list(b.columns) or list(a.dtypes) != list(b.dtypes)
                or not a.equals(b) or not a.index.equals(b.index)):
            diffs.append(where)
            return
        for c in a.columns:
            if a[c].dtype == object:
                if [type(x) for x in a[c]] != [type(x) for x in b[c]]:
                    diffs.append(f"{where}.{c} types")
                if len({id(x) for x in a[c]}) != len({id(x) for x in b[c]}):
                    diffs.append(f"{where}.{c} shared objects")
        return
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        if type(a) is not type(b):
            diffs.append(where)
            return
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}", diffs)
        return
    if isinstance(a, dict):
        if not isinstance(b, dict) or list(a) != list(b):
            diffs.append(where)
            return
        for k in a:
            same(a[k], b[k], f"{where}[{k!r}]", diffs)
        return
    if isinstance(a, (list, tuple)):
        if type(a) is not type(b) or len(a) != len(b):
            diffs.append(where)
            return
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]", diffs)
        return
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return  # NaN
    if type(a) is not type(b) or a != b:
        diffs.append(f"{where}: {a!r:.80} != {b!r:.80}")


def cmp(a: str, b: str) -> int:
    sys.path.insert(0, str(ROOT))  # unpickling needs fxcost's classes
    with open(a, "rb") as fa, open(b, "rb") as fb:
        first, second = pickle.load(fa), pickle.load(fb)
    diffs: list[str] = []
    same(first, second, "", diffs)
    for d in diffs[:40]:
        print(d)
    print(len(first), "files,", len(diffs), "differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2])
    else:
        raise SystemExit(cmp(sys.argv[2], sys.argv[3]))
