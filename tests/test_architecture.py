"""House rules that keep the code base honest: Qt only in fxcost.ui, lint and type clean."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "PySide2", "pyqtgraph", "shiboken6")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_ui_imports_qt():
    offenders = []
    for path in (ROOT / "fxcost").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "fxcost").parts[:1]:
            continue
        bad = _imports(path) & set(QT_MODULES)
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not offenders


def test_core_runs_without_qt_loaded():
    code = (
        "import sys; import fxcost.cli, fxcost.pipeline, fxcost.importers.detect, fxcost.portfolio;"
        "import fxcost.importers.mt4_html, fxcost.importers.mt5_html, fxcost.importers.mt5_xlsx;"
        f"bad=[m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}]; print(bad); assert not bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_mypy_strict_clean():
    """Issue 10: mypy strict on fxcost.model and fxcost.analysis (pyproject.toml [tool.mypy]) reports nothing."""
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    result = subprocess.run([ruff, "check", "--quiet", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
