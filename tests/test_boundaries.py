"""The direction of dependencies (DESIGN.md): import-linter contracts in pyproject.toml ([tool.importlinter]),
which `make test` checks with `lint-imports`. These tests run the same check, so a plain `pytest` holds the
rules too, and prove that no contract is a dead letter: each one breaks on a violation written for it in a
copy of the tree. A new contract needs a violation here, or the last test says so."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
)

# One violation per contract id: new modules (path -> source) added to a copy of the tree.
VIOLATIONS: dict[str, dict[str, str]] = {
    "loyalty-bottom": {"loyalty/_violation_project.py": "import central\n"},
    "loyalty-no-framework": {"loyalty/_violation_framework.py": "import sqlalchemy\n"},
    "analytics-pure": {"loyalty/analytics/_violation_qt.py": "from PySide6 import QtCore\n"},
    "devices-above-loyalty-only": {"devices/_violation_sync.py": "import sync\n"},
    "sync-above-loyalty-only": {"sync/_violation_devices.py": "import devices.ndef\n"},
    "central-no-till": {"central/_violation_app.py": "import app.paths\n"},
    "app-no-bench-tests": {"app/_violation_bench.py": "import bench.names\n"},
    "app-layers": {
        "app/store/_violation_services.py": "import app.services\n",
        "app/ui/__init__.py": "",
        "app/services/_violation_ui.py": "import app.ui\n",
    },
    "qt-only-in-ui": {"app/services/_violation_qt.py": "from PySide6 import QtCore\n"},
    "devices-no-database": {"devices/_violation_database.py": "import sqlalchemy\n"},
    "testbed-for-tests-and-bench": {
        "devices/_violation_testbed.py": "from devices.testbed.pcsc import cards\n"
    },
    "central-testbed-for-tests-and-bench": {"central/_violation_testbed.py": "import central.testbed\n"},
    "bench-no-tests": {"bench/_violation_tests.py": "import tests.loyalty.helpers\n"},
    "bench-acyclic": {
        "bench/_violation_a.py": "import bench._violation_b\n",
        "bench/_violation_b.py": "import bench._violation_a\n",
    },
}


def _config() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        config: dict[str, Any] = tomllib.load(f)["tool"]["importlinter"]
    return config


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="400", PYTHONPATH=str(cwd))  # one line per contract; cwd's packages first
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_import_contracts_are_kept() -> None:
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_every_contract_breaks_when_violated(tmp_path: Path) -> None:
    config = _config()
    tree = tmp_path / "tree"
    for package in config["root_packages"]:
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    shutil.copy(ROOT / "pyproject.toml", tree)
    for modules in VIOLATIONS.values():
        for relative, source in modules.items():
            (tree / relative).parent.mkdir(parents=True, exist_ok=True)
            (tree / relative).write_text(source, encoding="utf-8")
    done = _lint_imports(tree)
    assert done.returncode == 1, done.stdout + done.stderr
    report = done.stdout.splitlines()
    kept = [c["name"] for c in config["contracts"] if f"{c['name']} BROKEN" not in report]
    assert not kept, f"not broken by their violations: {kept}\n{done.stdout}"


def test_every_contract_has_an_id_and_a_violation() -> None:
    ids = [contract.get("id") for contract in _config()["contracts"]]
    assert None not in ids, "give every contract an id (`lint-imports --contract ID` runs one)"
    assert sorted(ids) == sorted(VIOLATIONS), "add a violation to VIOLATIONS for each contract"


def test_loyalty_runs_without_frameworks() -> None:
    """Importing every loyalty module in a fresh interpreter pulls in no framework at all (nor, at run time, any
    other part of the project)."""
    modules = [p.stem for p in (ROOT / "loyalty").glob("*.py") if p.stem != "__init__"]
    code = (
        "import sys\n"
        + "".join(f"import loyalty.{m}\n" for m in modules)
        + "banned = ('PySide6', 'sqlalchemy', 'alembic', 'httpx', 'fastapi', 'app', 'devices', 'sync', 'central')\n"
        + "bad = [m for m in sys.modules if m.split('.')[0] in banned]\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""
