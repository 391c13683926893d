"""``python -m app enroll-till | sync --once | status --json`` against the central as a real process: what
they print, what they store, and one clear sentence (never a traceback) for each way they can fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.__main__ import main
from app.demo import PROGRAM_FILE
from app.paths import database_path
from app.services import SYSTEM, Role, TillServices
from app.services.sync_settings import TOKEN
from app.store.db import open_store
from app.store.settings import get_setting
from app.sync_cli import MAX_BATCH as CLI_MAX_BATCH
from central import service
from loyalty.money import Money
from loyalty.quote import Basket
from sync.protocol import MAX_BATCH
from tests.central.pgcluster import free_port

from .conftest import Central

ROOT = Path(__file__).resolve().parents[2]


def app(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), *args])


def test_enroll_sync_and_status(central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "till"
    store_code = central.new_store()
    assert app(data, "init", "--program", str(PROGRAM_FILE)) == 0
    assert app(data, "enroll-till", "--central", central.url, "--code", central.code(store_code)) == 0
    enrolled = capsys.readouterr().out
    assert f"of store {store_code}, epoch 1" in enrolled

    store = open_store(database_path(data))
    try:
        with store.read() as session:
            token = get_setting(session, TOKEN)
        svc = TillServices.open(store)
        svc.staff.create(SYSTEM, "1001", "Mai", Role.CASHIER, "1111")
        cashier = svc.staff.sign_in("1001", "1111")
        lan = svc.members.enroll(cashier, "Nguyễn Thị Lan", phone="0901234567").member
        svc.points.award(cashier, lan.id, Basket.of_total(Money(300_000)), "HD-1")
    finally:
        store.close()
    assert app(data, "status", "--json") == 0
    before = json.loads(capsys.readouterr().out)
    assert before["enrolled"] and before["store_code"] == store_code and before["waiting"] == 3
    assert before["state"] == {"phase": "never_synced"}

    assert app(data, "sync", "--once") == 0
    line = capsys.readouterr().out
    assert line.count("\n") == 1
    assert "sent 3 (3 applied, 0 already there, 0 refused)" in line and "0 waiting" in line

    assert app(data, "status", "--json") == 0
    after = json.loads(capsys.readouterr().out)
    assert after["waiting"] == 0 and after["next_seq"] == 4 and after["cursor"]
    assert after["state"]["phase"] == "online" and after["last_success"] == after["state"]["at"]
    assert token not in enrolled + line + json.dumps(after)


def sentence(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_each_failure_is_one_sentence(
    central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "till"
    store_code = central.new_store()
    assert app(data, "sync", "--once") == 2
    assert "not enrolled with a central service" in sentence(capsys)

    assert app(data, "enroll-till", "--central", central.url, "--code", "ABCD-EFGH-JKMN") == 2
    assert "unknown, expired or already used enrollment code" in sentence(capsys)
    assert app(data, "enroll-till", "--central", central.url, "--code", "12") == 2
    assert "not an enrollment code" in sentence(capsys)
    closed = f"http://127.0.0.1:{free_port()}"
    assert app(data, "enroll-till", "--central", closed, "--code", central.code(store_code)) == 2
    assert f"The central service at {closed} is unavailable" in sentence(capsys)
    assert app(data, "enroll-till", "--central", "http://192.0.2.1:8765", "--code", "ABCD-EFGH-JKMN") == 2
    assert "plain http would send the till's token in clear" in sentence(capsys)

    assert app(data, "enroll-till", "--central", central.url, "--code", central.code(store_code)) == 0
    capsys.readouterr()
    with Session(central.engine) as session, session.begin():
        till_id = json.loads(_status(data, capsys))["till_id"]
        assert service.revoke_till(session, till_id)
    assert app(data, "sync", "--once") == 2
    assert "refused this till: this till has been revoked" in sentence(capsys)
    assert json.loads(_status(data, capsys))["state"]["phase"] == "refused"


def _status(data: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert app(data, "status", "--json") == 0
    return capsys.readouterr().out


def test_a_till_with_history_under_another_identity_is_not_enrolled(
    central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "till"
    assert app(data, "demo", "--members", "3") == 0
    capsys.readouterr()
    assert (
        app(data, "enroll-till", "--central", central.url, "--code", central.code(central.new_store())) == 2
    )
    assert "already holds" in sentence(capsys)


def test_the_command_runs_as_a_process_and_prints_no_traceback(central: Central, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "till"), "sync", "--once"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: This till is not enrolled") and "Traceback" not in done.stderr


def test_the_command_line_s_batch_bound_is_the_protocol_s() -> None:
    assert CLI_MAX_BATCH == MAX_BATCH
