"""The till's command line as a person runs it: a real process, a real data folder."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # The commands under test print; the till window (run on a machine with a display) is tested in tests/ui.
    full_env = {**os.environ, "LOYALTY_NO_WINDOW": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        capture_output=True,
        check=False,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=300,
    )


def test_run_seeds_demo_once_then_serves_commands(tmp_path: Path) -> None:
    first = run(tmp_path, "run", "--demo-members", "25")
    assert first.returncode == 0, first.stderr
    assert "seeding the demo store" in first.stdout
    assert "members: 25" in first.stdout
    second = run(tmp_path, "run")
    assert second.returncode == 0 and "seeding" not in second.stdout

    found = run(tmp_path, "members", "search", "nguyen")
    assert found.returncode == 0
    number = next(line.split()[0] for line in found.stdout.splitlines() if line.strip())
    nobody = run(tmp_path, "members", "search", "zzqx")  # nothing found is an answer: said, status 0
    assert (nobody.returncode, nobody.stdout, nobody.stderr) == (0, "", "No member matches 'zzqx'.\n")
    shown = run(tmp_path, "members", "history", number)
    assert shown.returncode == 0 and "points:" in shown.stdout

    pin = {"LOYALTY_PIN": "1111"}
    award = run(tmp_path, "--staff", "1001", "award", number, "250.000", "--receipt", "CLI-1", env=pin)
    assert award.returncode == 0, award.stderr
    assert "+25" in award.stdout or "earn" in award.stdout
    again = run(tmp_path, "--staff", "1001", "award", number, "250.000", "--receipt", "CLI-1", env=pin)
    assert again.returncode == 0 and "already recorded" in again.stdout
    clash = run(tmp_path, "--staff", "1001", "award", number, "99.000", "--receipt", "CLI-1", env=pin)
    assert clash.returncode == 2 and "already earned points" in clash.stderr

    wrong_pin = run(
        tmp_path, "--staff", "1001", "award", number, "1", "--receipt", "X", env={"LOYALTY_PIN": "0"}
    )
    assert wrong_pin.returncode == 2 and "Wrong staff code or PIN" in wrong_pin.stderr
    assert run(tmp_path, "audit").stdout.strip() == "Audit log intact."
    check = run(tmp_path, "check")
    assert check.returncode == 0 and "consistent" in check.stdout


@pytest.mark.parametrize("content", [b"hello, this is a shopping list\n", b"\x89PNG\r\n\x1a\n" + b"\0" * 200])
def test_a_file_that_is_not_ours_is_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "till.sqlite"
    db.write_bytes(content)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = run(tmp_path, "run")
    assert result.returncode == 2
    assert "not a Loyalty Till database" in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    # Nothing new next to the refused file; the command's log goes to the data folder's logs/ (its refusal too).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logs", "till.sqlite"]
    assert "not a Loyalty Till database" in (tmp_path / "logs" / "till.log").read_text(encoding="utf-8")


def test_program_check_reports_the_place_of_a_mistake(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('version = "x"\nname = "X"\n[earn]\nspend_step = 0\n[redemption]\npoint_value = 1000\n')
    result = run(tmp_path, "program", "check", str(bad))
    assert result.returncode == 2
    assert "earn.spend_step" in result.stderr
    good = run(tmp_path, "program", "check", str(ROOT / "resources" / "programs" / "default.toml"))
    assert good.returncode == 0 and "is valid" in good.stdout


def test_second_till_shares_the_store_card_key(tmp_path: Path) -> None:
    from app.services import TillServices
    from app.store.db import open_store

    first, second = tmp_path / "till1", tmp_path / "till2"
    assert run(first, "init").returncode == 0
    key = run(first, "card-key").stdout.strip()
    assert len(key) == 64
    bad = run(second, "--till-number", "2", "init", "--card-key", "not-hex")
    assert bad.returncode != 0 and "64 hexadecimal digits" in bad.stderr
    assert run(second, "--till-number", "2", "init", "--card-key", key).returncode == 0
    tokens = []
    for folder in (first, second):
        store = open_store(folder / "till.sqlite")
        tokens.append(TillServices.open(store).cards.ref_for_uid("04A1B2C3D4E580").token)
        store.close()
    assert tokens[0] == tokens[1]  # a card linked at one till is known at the other
