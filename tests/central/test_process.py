"""The central as a real process on 127.0.0.1 (``python -m central serve``), driven over HTTP and through its
commands, on SQLite and on a throwaway PostgreSQL cluster."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from central import service
from central.db import make_engine
from loyalty.ledger import EntryKind
from sync.protocol import ItemStatus, Reason

from .process import central_process
from .tillmodel import Till, enroll, statuses

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "resources" / "programs" / "default.toml"


def central(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "central", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def server(db_url: str) -> Iterator[httpx.Client]:
    with central_process(db_url) as base, httpx.Client(base_url=base, timeout=180) as client:
        yield client


def code_for(db_url: str, store: str) -> str:
    done = central("enrollment-code", "--db", db_url, "--store", store, "--new-store", f"Cửa hàng {store}")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def quick_codes(db_url: str, store: str, count: int) -> list[str]:
    """Enrollment codes made in this process (the command is tested above; each run of it costs a second)."""
    engine = make_engine(db_url)
    try:
        with Session(engine) as session, session.begin():
            found = service.store_by_code(session, store)
            assert found is not None
            return [service.new_enrollment_code(session, found) for _ in range(count)]
    finally:
        engine.dispose()


def member_json(db_url: str, number: str) -> dict[str, object]:
    done = central("member", number, "--db", db_url)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_push_replay_conflict_gap_and_rejection(server: httpx.Client, db_url: str) -> None:
    till = enroll(server, code_for(db_url, "HCM1"))
    lan = till.new_member(number="M-0001")
    for points in (100, 20, 5):
        till.entry(lan.id, points)
    till.entry(lan.id, -25, EntryKind.REDEEM)
    assert statuses(till.push(server, till.outbox)) == ["applied"] * 5
    # The same batch again (a lost reply): all duplicates, nothing counted twice.
    assert statuses(till.push(server, till.outbox)) == ["duplicate"] * 5
    assert member_json(db_url, "M-0001") | {"id": None} == {
        "id": None,
        "store": "HCM1",
        "member_number": "M-0001",
        "full_name": lan.full_name,
        "status": "active",
        "tier": None,
        "balance": 100,
        "entry_count": 4,
    }
    # Same id, other content: a conflict, into the inbox, balance untouched.
    forged = till.outbox[1].model_copy(update={"hash": "e" * 64})
    assert statuses(till.push(server, [forged])) == ["conflict"]
    # A gap is refused until it is filled.
    till.entry(lan.id, 1)
    till.entry(lan.id, 2)
    gap = till.push(server, till.outbox[6:])
    assert statuses(gap) == ["gap"] and gap.next_seq == 6
    assert statuses(till.push(server, till.outbox[5:])) == ["applied", "applied"]
    # A rejected item does not block the next one.
    till.entry("01890000-0000-7000-8000-000000000001", 999)
    till.entry(lan.id, 4)
    done = till.push(server, till.outbox[7:])
    assert statuses(done) == ["rejected", "applied"] and done.results[0].reason is Reason.UNKNOWN_MEMBER
    assert member_json(db_url, "M-0001")["balance"] == 107
    assert member_json(db_url, "M-0001")["entry_count"] == 7


def test_pull_within_the_store_only_and_revocation(server: httpx.Client, db_url: str) -> None:
    a1: Till = enroll(server, code_for(db_url, "HCM1"), "A1")
    a2: Till = enroll(server, code_for(db_url, "HCM1"), "A2")
    b1: Till = enroll(server, code_for(db_url, "HN1"), "B1")
    lan = a1.new_member()
    a1.entry(lan.id, 60)
    a1.push(server, a1.outbox)
    minh = b1.new_member(name="Trần Văn Minh")
    b1.entry(minh.id, 800)
    b1.push(server, b1.outbox)

    seen = a2.pull_all(server)
    assert [c["kind"] for c in seen] == ["member", "entry", "balance"]
    assert seen[1]["body"]["id"] == a1.outbox[1].id and seen[2]["body"]["balance"] == 60
    assert minh.id not in json.dumps(seen)
    assert lan.id not in json.dumps(b1.pull_all(server))
    assert server.get(f"/v1/members/{lan.member_number}", headers=b1.auth).status_code == 404

    revoked = central("till", "revoke", a2.id, "--db", db_url)
    assert revoked.returncode == 0, revoked.stderr
    refused = server.get("/v1/pull", headers=a2.auth)
    assert refused.status_code == 403 and "revoked" in refused.json()["detail"]
    # An item A2 made before it was revoked can no longer be pushed either.
    a2.new_member()
    assert server.post("/v1/push", json=a2.batch(a2.outbox), headers=a2.auth).status_code == 403


def test_program_install_reaches_every_till(server: httpx.Client, db_url: str) -> None:
    till = enroll(server, code_for(db_url, "HCM1"))
    installed = central("program", "install", str(PROGRAM), "--db", db_url)
    assert installed.returncode == 0, installed.stderr
    assert "installed" in installed.stdout
    again = central("program", "install", str(PROGRAM), "--db", db_url)
    assert again.returncode == 0 and "already" in again.stdout
    seen = till.pull_all(server)
    assert [c["kind"] for c in seen] == ["program"]
    assert seen[0]["body"]["program"]["version"] == seen[0]["body"]["version"]
    # A broken program file is refused with the reason.
    broken = central("program", "install", str(ROOT / "README.md"), "--db", db_url)
    assert broken.returncode == 1 and "program refused" in broken.stderr
    assert central("member", "NOBODY", "--db", db_url).returncode == 1


def test_results_report_the_first_outcome(server: httpx.Client, db_url: str) -> None:
    till = enroll(server, code_for(db_url, "HCM1"))
    till.entry("01890000-0000-7000-8000-000000000002", 5)
    till.push(server, till.outbox)
    replay = till.push(server, till.outbox)
    assert (
        replay.results[0].status is ItemStatus.DUPLICATE and replay.results[0].original is ItemStatus.REJECTED
    )


def test_tills_pushing_at_once_count_everything_once(server: httpx.Client, db_url: str) -> None:
    """Six tills push entries for the same members at once, each batch twice (a lost reply): no deadlock
    surfaces, nothing is lost or counted twice, and a reader's pull sees every change exactly once."""
    owner = enroll(server, code_for(db_url, "HCM1"), "owner")
    shared = [owner.new_member(number=f"S-{n}").id for n in range(3)]
    owner.push(server, owner.outbox)
    tills = [enroll(server, code, f"T{n}") for n, code in enumerate(quick_codes(db_url, "HCM1", 6))]
    reader = enroll(server, quick_codes(db_url, "HCM1", 1)[0], "reader")
    failures: list[BaseException] = []

    def work(n: int, till: Till) -> None:
        try:
            with httpx.Client(base_url=str(server.base_url), timeout=60) as client:
                for round_ in range(8):
                    start = len(till.outbox)
                    # Members in a different order at each till: batches lock them in id order regardless.
                    for member in shared[n % 3 :] + shared[: n % 3]:
                        till.entry(member, round_ + 1)
                    for _ in range(2):
                        till.push(client, till.outbox[start:])
        except BaseException as err:  # pragma: no cover - reported below
            failures.append(err)

    threads = [threading.Thread(target=work, args=(n, t)) for n, t in enumerate(tills)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert failures == []
    each = sum(range(1, 9))  # points per member per till
    for n in range(3):
        found = member_json(db_url, f"S-{n}")
        assert (found["balance"], found["entry_count"]) == (6 * each, 6 * 8)
    # The owner's 3 members, every entry once, and the balances: one per member for each push, or for each
    # group of pushes the central applied together. Numbered without a gap; replays add nothing.
    seen = reader.pull_all(server, limit=97)
    assert [c["no"] for c in seen] == list(range(1, len(seen) + 1))
    kinds = [c["kind"] for c in seen]
    assert kinds.count("member") == 3 and kinds.count("entry") == 6 * 8 * 3
    assert 3 <= kinds.count("balance") <= 6 * 8 * 3
    last = {c["body"]["member_id"]: c["body"]["balance"] for c in seen if c["kind"] == "balance"}
    assert sorted(last.values()) == [6 * each] * 3
    assert reader.pull_all(server) == []
