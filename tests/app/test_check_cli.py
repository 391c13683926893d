"""``python -m app check`` as a manager runs it, on a till file someone edited with the sqlite3 shell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import make_till, simple_program
from tests.store.test_integrity import entry_id, tamper

ROOT = Path(__file__).resolve().parents[2]


def check(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "check"],
        capture_output=True,
        check=False,
        text=True,
        cwd=ROOT,
        env=dict(os.environ),
        timeout=300,
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose till (t1) wrote: 1 earn S1, 2 redeem S2, 3 earn S3."""
    folder = tmp_path_factory.mktemp("till")
    t = make_till(folder, simple_program(redemption={"point_value": 1000, "max_bill_share_percent": 100}))
    member = t.svc.members.enroll(t.cashier, "Phạm Thu Hà").member.id
    t.svc.points.award(t.cashier, member, Basket.of_total(Money(500_000, "VND")), "S1")
    t.svc.points.redeem(t.cashier, member, 20, bill=Money(100_000, "VND"), receipt_ref="S2")
    t.svc.points.award(t.cashier, member, Basket.of_total(Money(300_000, "VND")), "S3")
    t.store.close()
    assert t.path == folder / "till.sqlite"
    return folder


@pytest.fixture
def data_dir(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(template, target)
    return target


def test_a_clean_till_checks_clean(data_dir: Path) -> None:
    result = check(data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "consistent" in result.stdout


@pytest.mark.parametrize(
    ("statements", "sentence"),
    [
        (
            ["UPDATE ledger_entries SET amount_minor = 5000000 WHERE seq = 1"],
            "Ledger entry 1 of till t1 was changed after it was written",
        ),
        (
            ["UPDATE ledger_entries SET receipt_ref = 'S9' WHERE seq = 3"],
            "Ledger entry 3 of till t1 was changed after it was written",
        ),
        (
            ["UPDATE ledger_entries SET staff_id = (SELECT id FROM staff WHERE code = '9001') WHERE seq = 2"],
            "Ledger entry 2 of till t1 was changed after it was written",
        ),
        (
            [
                "DELETE FROM lots WHERE id = (SELECT id FROM ledger_entries WHERE seq = 3)",
                "DELETE FROM ledger_entries WHERE seq = 3",
            ],
            "The last ledger entries of till t1 were deleted: its ledger ends at entry 2, "
            "but the till recorded entry 3 as its last.",
        ),
        (
            ["UPDATE staff SET role = 'manager' WHERE code = '1001'"],
            "Staff 1001 (Mai) was changed outside the till: role manager, but the till gave them cashier.",
        ),
        (
            ["UPDATE program_versions SET body = replace(body, '10000', '100')"],
            "Program version t1 was edited: its rules no longer match their stored sha256.",
        ),
        (
            ["UPDATE lots SET remaining = points"],
            "The lot of ledger entry 1 of till t1 has 50 points left, but the entries leave 30.",
        ),
    ],
)
def test_tampering_is_reported_in_a_sentence(data_dir: Path, statements: list[str], sentence: str) -> None:
    tamper(data_dir / "till.sqlite", *statements)
    result = check(data_dir)
    assert result.returncode == 1, result.stdout + result.stderr
    assert sentence in result.stdout
    # The finding is in the till's log too, beside the command's start and end.
    log = (data_dir / "logs" / "till.log").read_text(encoding="utf-8")
    assert f"check: {sentence}" in log


def test_a_dropped_trigger_is_reported(data_dir: Path) -> None:
    tamper(data_dir / "till.sqlite", restore_triggers=False)
    result = check(data_dir)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        "The trigger that keeps the ledger append-only is missing (ledger_entries_no_update was dropped)."
        in lines
    )
    assert (
        "The trigger that keeps the audit log append-only is missing (audit_log_no_delete was dropped)."
        in lines
    )


def test_a_consumption_removed_is_reported(data_dir: Path) -> None:
    path = data_dir / "till.sqlite"
    tamper(path, f"DELETE FROM lot_consumptions WHERE entry_id = '{entry_id(path, 2)}'")
    result = check(data_dir)
    assert result.returncode == 1
    assert (
        "Ledger entry 2 of till t1 took 20 points, but its lot consumptions and overdraft account for 0."
        in result.stdout
    )
