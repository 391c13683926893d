"""The direction of dependencies (DESIGN.md): loyalty/ imports nothing of the project and no framework;
devices/ and sync/ are Qt-free and never reach into app/; the store never reaches up into services or UI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "loyalty": ("PySide6", "sqlalchemy", "alembic", "httpx", "app", "devices", "sync", "central", "bench"),
    "devices": ("PySide6", "app", "sync", "central", "sqlalchemy"),
    "sync": ("PySide6", "app", "devices", "central"),
    "central": ("PySide6", "app", "devices"),
    "app/store": ("PySide6", "app.services", "app.ui"),
    "app/services": ("PySide6", "app.ui"),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _hits(module: str, banned: str) -> bool:
    return module == banned or module.startswith(banned + ".")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_forbidden_imports(package: str) -> None:
    problems = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for lineno, module in _imports(path):
            for banned in FORBIDDEN[package]:
                if _hits(module, banned):
                    problems.append(f"{path.relative_to(ROOT)}:{lineno} imports {module}")
    assert not problems, "dependency direction broken:\n" + "\n".join(problems)


def test_loyalty_runs_without_frameworks() -> None:
    """Importing every loyalty module in a fresh interpreter pulls in no framework at all."""
    import subprocess
    import sys

    modules = [p.stem for p in (ROOT / "loyalty").glob("*.py") if p.stem != "__init__"]
    code = (
        "import sys\n"
        + "".join(f"import loyalty.{m}\n" for m in modules)
        + "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6','sqlalchemy','httpx','app')]\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""
