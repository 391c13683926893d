"""``python -m app staff add|deactivate|reactivate|reset-pin|role|list`` as a script runs it: a real process over
a real till. A new PIN comes from ``LOYALTY_NEW_PIN`` or is typed twice, never an argument; a cashier is refused
in a sentence; the till keeps its last manager; a refusal is exit status 2 and one line, never a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.app.test_cli import ROOT, run
from tests.leaks import holds
from tests.services.conftest import Till, make_till

MANAGER = {"LOYALTY_PIN": "9999"}


@pytest.fixture
def till(tmp_path: Path) -> Till:
    made = make_till(tmp_path)  # staff 1001 Mai (cashier, PIN 1111) and 9001 Lan (manager, PIN 9999)
    made.store.close()
    return made


def _typed(data_dir: Path, *args: str, typed: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command whose prompts read what is ``typed``: in a session of its own, without a terminal,
    getpass reads standard input, as it does under a script."""
    full_env = {k: v for k, v in os.environ.items() if k != "LOYALTY_NEW_PIN"}
    full_env.update({"LOYALTY_NO_WINDOW": "1", **env})
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        input=typed,
        capture_output=True,
        check=False,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=300,
        start_new_session=True,
    )


def _audit(path: Path, action: str) -> list[tuple[str, dict[str, object]]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT staff_id, details FROM audit_log WHERE action = ? ORDER BY seq", (action,)
        )
        return [(staff, json.loads(details)) for staff, details in rows.fetchall()]


def test_add_then_the_new_cashier_signs_in_and_a_pin_is_never_an_argument(till: Till, tmp_path: Path) -> None:
    added = run(
        tmp_path,
        "--staff",
        "9001",
        "staff",
        "add",
        "1002",
        "Lê Văn Hùng",
        env={**MANAGER, "LOYALTY_NEW_PIN": "2468"},
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "Added 1002 Lê Văn Hùng (cashier): they sign in with their code and PIN."
    listed = run(
        tmp_path, "--staff", "1002", "staff", "list", env={"LOYALTY_PIN": "2468"}
    )  # signs in, refused
    assert listed.returncode == 2
    assert listed.stderr.strip() == "error: Only a manager can manage staff. Ask a manager to sign in."
    shown = run(tmp_path, "--staff", "9001", "staff", "list", env=MANAGER)
    assert shown.returncode == 0
    lines = shown.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["1001", "1002", "9001"]
    assert "cashier" in lines[1] and "active" in lines[1] and "last sign-in" in lines[1]
    as_argument = run(tmp_path, "--staff", "9001", "staff", "add", "1003", "Tú", "2580", env=MANAGER)
    assert as_argument.returncode == 2 and as_argument.stderr.startswith(
        "error: unrecognized arguments: 2580"
    )
    with closing(sqlite3.connect(till.path)) as conn:
        dump = "\n".join(conn.iterdump())
    assert not holds(dump, "2468")  # only its argon2 hash


def test_reset_pin_typed_twice_old_refused_new_accepted(till: Till, tmp_path: Path) -> None:
    differ = _typed(
        tmp_path, "--staff", "9001", "staff", "reset-pin", "1001", typed="4321\n4322\n", env=MANAGER
    )
    assert differ.returncode == 2
    assert differ.stderr.strip().endswith("error: the two new PINs differ: nothing was done")
    assert _audit(till.path, "staff.reset_pin") == []
    reset = _typed(
        tmp_path, "--staff", "9001", "staff", "reset-pin", "1001", typed="4321\n4321\n", env=MANAGER
    )
    assert reset.returncode == 0, reset.stderr
    assert "New PIN for staff 1001:" in reset.stderr  # the prompts; what was typed is never printed
    assert reset.stdout.strip() == "New PIN set for 1001 Mai: the old one no longer works."
    [(_who, details)] = _audit(till.path, "staff.reset_pin")
    assert not holds(json.dumps(details), "4321")
    refused = run(tmp_path, "--staff", "1001", "staff", "list", env={"LOYALTY_PIN": "1111"})
    assert refused.returncode == 2 and refused.stderr.strip() == "error: Wrong staff code or PIN."
    accepted = run(tmp_path, "--staff", "1001", "staff", "list", env={"LOYALTY_PIN": "4321"})
    assert accepted.returncode == 2  # signed in with the new PIN, then refused as a cashier
    assert accepted.stderr.strip() == "error: Only a manager can manage staff. Ask a manager to sign in."
    short = run(
        tmp_path, "--staff", "9001", "staff", "reset-pin", "1001", env={**MANAGER, "LOYALTY_NEW_PIN": "12"}
    )
    assert short.returncode == 2
    assert short.stderr.strip() == "error: the new PIN must be 4 to 8 digits (0-9): nothing was done"


def test_deactivate_role_and_the_last_manager(till: Till, tmp_path: Path) -> None:
    last = run(tmp_path, "--staff", "9001", "staff", "deactivate", "9001", env=MANAGER)
    assert last.returncode == 2
    assert last.stderr.strip() == (
        "error: Lan is the till's last active manager. Add or reactivate another manager first."
    )
    demote = run(tmp_path, "--staff", "9001", "staff", "role", "9001", "cashier", env=MANAGER)
    assert demote.returncode == 2 and "last active manager" in demote.stderr
    off = run(tmp_path, "--staff", "9001", "staff", "deactivate", "1001", env=MANAGER)
    assert off.returncode == 0 and off.stdout.strip() == (
        "Deactivated 1001 Mai: they can no longer sign in or approve."
    )
    mai = run(tmp_path, "--staff", "1001", "staff", "list", env={"LOYALTY_PIN": "1111"})
    assert mai.returncode == 2 and mai.stderr.strip() == "error: Wrong staff code or PIN."  # cannot sign in
    again = run(tmp_path, "--staff", "9001", "staff", "deactivate", "1001", env=MANAGER)
    assert again.returncode == 2 and again.stderr.strip() == "error: Mai is already deactivated."
    back = run(tmp_path, "--staff", "9001", "staff", "reactivate", "1001", env=MANAGER)
    assert back.returncode == 0 and back.stdout.strip() == "Reactivated 1001 Mai: they can sign in again."
    promoted = run(tmp_path, "--staff", "9001", "staff", "role", "1001", "manager", env=MANAGER)
    assert promoted.returncode == 0
    assert promoted.stdout.strip() == "1001 Mai is now manager, from their next sign-in."
    listed = run(tmp_path, "--staff", "1001", "staff", "list", env={"LOYALTY_PIN": "1111"})
    assert listed.returncode == 0 and "1001" in listed.stdout  # Mai signs in as a manager now
    unknown = run(tmp_path, "--staff", "9001", "staff", "deactivate", "4040", env=MANAGER)
    assert unknown.returncode == 2 and unknown.stderr.strip() == "error: No staff member has the code 4040."
    assert [d["code"] for _w, d in _audit(till.path, "staff.deactivate")] == ["1001"]
    checked = run(tmp_path, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr  # every change carried its seal


def test_a_new_till_adds_its_first_manager_without_signing_in_then_no_one_else_can(tmp_path: Path) -> None:
    """A till set up with ``init`` has nobody to sign in with: its first member of staff is added by the set-up
    (a manager, audited as the set-up); from then on, adding staff needs a manager signed in."""
    data = tmp_path / "till"
    assert (
        run(data, "init", "--program", str(ROOT / "resources" / "programs" / "default.toml")).returncode == 0
    )
    cashier_first = run(data, "staff", "add", "1001", "Trần Thị Mai", env={"LOYALTY_NEW_PIN": "1111"})
    assert cashier_first.returncode == 2
    assert "add its first manager with --role manager" in cashier_first.stderr
    first = run(
        data, "staff", "add", "9001", "Nguyễn Thị Lan", "--role", "manager", env={"LOYALTY_NEW_PIN": "9999"}
    )
    assert first.returncode == 0, first.stderr
    assert "first member of staff" in first.stdout
    assert [staff for staff, _details in _audit(data / "till.sqlite", "staff.create")] == ["system"]
    second = run(
        data, "staff", "add", "9002", "Lê Văn Hùng", "--role", "manager", env={"LOYALTY_NEW_PIN": "8888"}
    )
    assert second.returncode == 2 and "give --staff CODE" in second.stderr
    added = run(
        data,
        "--staff",
        "9001",
        "staff",
        "add",
        "1001",
        "Trần Thị Mai",
        env={**MANAGER, "LOYALTY_NEW_PIN": "1111"},
    )
    assert added.returncode == 0, added.stderr
    enrolled = run(
        data,
        "--staff",
        "1001",
        "members",
        "enrol",
        "Nguyễn Thị Hoa",
        "--phone",
        "0912 345 678",
        env={"LOYALTY_PIN": "1111"},
    )
    assert enrolled.returncode == 0, enrolled.stderr
    assert "Enrolled Nguyễn Thị Hoa: member number" in enrolled.stdout
    again = run(
        data,
        "--staff",
        "1001",
        "members",
        "enrol",
        "Nguyễn Hoa",
        "--phone",
        "+84912345678",
        env={"LOYALTY_PIN": "1111"},
    )
    assert again.returncode == 2 and "\n" not in again.stderr.strip()  # the same phone: one sentence
    nothing = run(data, "--staff", "1001", "members", "enrol", "Ẩn Danh", env={"LOYALTY_PIN": "1111"})
    assert nothing.returncode == 2 and "give --phone or --email" in nothing.stderr
