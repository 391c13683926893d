"""The central's commands in process, and the program digest that must be the same in every process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from central.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "resources" / "programs" / "default.toml"


def test_enrollment_code_needs_a_known_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    assert main(["enrollment-code", "--db", db, "--store", "HCM1"]) == 1
    assert "--new-store" in capsys.readouterr().err
    assert main(["enrollment-code", "--db", db, "--store", "HCM1", "--new-store", "Quận 1"]) == 0
    first = capsys.readouterr().out.strip()
    assert main(["enrollment-code", "--db", db, "--store", "HCM1"]) == 0
    second = capsys.readouterr().out.strip()
    assert first != second and len(first) == 14 and first[4] == first[9] == "-"
    assert main(["till", "revoke", "01890000-0000-7000-8000-000000000000", "--db", db]) == 1


def test_a_bad_push_group_size_is_a_sentence_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CENTRAL_PUSH_GROUP_ITEMS", "lots")
    db = tmp_path / "c.sqlite3"
    assert main(["serve", "--db", f"sqlite:///{db}", "--port", "1"]) == 2
    assert capsys.readouterr().err == (
        "central: CENTRAL_PUSH_GROUP_ITEMS must be a whole number of items (0: no grouping), not 'lots'\n"
    )
    assert not db.exists()  # nothing was created, migrated or started


def test_unsupported_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        main(["member", "M1", "--db", "mysql://localhost/x"])


def test_program_digest_is_the_same_in_every_process() -> None:
    script = (
        "from pathlib import Path; from loyalty.program import load_program; "
        "from loyalty.audit import canonical_json; from central.service import stable_program; "
        f"print(canonical_json(stable_program(load_program(Path({str(PROGRAM)!r})))))"
    )
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        done = subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    from loyalty.program import parse_program

    assert parse_program(json.loads(outputs.pop())).version
