"""The PyInstaller bundle made from build.spec starts, finds its bundled assets and does real work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """Build dist/fxcost once for this module (about a minute on two cores)."""
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    exe = work / "dist" / "fxcost" / ("fxcost.exe" if os.name == "nt" else "fxcost")
    assert exe.is_file(), f"no executable at {exe}"
    return exe


def _env(tmp_path: Path) -> dict[str, str]:
    """A clean user: logs, settings and user data in tmp_path, offscreen Qt."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(QT_QPA_PLATFORM="offscreen", FXCOST_LOG_DIR=str(tmp_path / "logs"), HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    return env


def test_bundle_carries_the_assets(bundle):
    internal = bundle.parent / "_internal" / "assets"
    for name in ("sample-statement.htm", "spread-profiles/standard.json", "spread-profiles/raw.json",
                 "programs/example-cashback.json", "icons/fxcost-256.png"):
        assert (internal / name).is_file(), name


def test_frozen_smoke_test_exports_a_report(bundle, tmp_path):
    out_dir = tmp_path / "smoke"
    result = subprocess.run([str(bundle), "--smoke-test", str(out_dir)], env=_env(tmp_path), capture_output=True,
                            text=True, timeout=300, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "smoke test passed" in output, output
    reports = list(out_dir.glob("*.xlsx"))
    assert len(reports) == 1 and reports[0].stat().st_size > 10_000, output
    import openpyxl

    book = openpyxl.load_workbook(reports[0], read_only=True)
    assert "Trades" in book.sheetnames
    log_text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "logs").glob("*.log"))
    for bad in ("Traceback", "ModuleNotFoundError", "ImportError"):
        assert bad not in output and bad not in log_text, bad


def test_frozen_report_command_matches_the_source_tree(bundle, tmp_path):
    """The frozen CLI finds the bundled sample and profiles and computes what the source tree computes."""
    sample = ROOT / "assets" / "sample-statement.htm"
    frozen_json = tmp_path / "frozen.json"
    source_json = tmp_path / "source.json"
    args = ["report", str(sample), "--program", "example-cashback", "--quiet"]
    frozen = subprocess.run([str(bundle), *args, "--json", str(frozen_json)], env=_env(tmp_path),
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert frozen.returncode == 0, frozen.stdout + frozen.stderr
    source = subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--json", str(source_json)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert source.returncode == 0, source.stdout + source.stderr
    a, b = json.loads(frozen_json.read_text()), json.loads(source_json.read_text())
    assert a["totals"] == b["totals"] and a["costs"] == b["costs"]
    assert a["rebate"]["program"] == "Example cashback" and a["costs"]["rebate"] > 0
