"""Operating the central (docs/operations.md): several worker processes sharing only the database, and a
database restored from a backup to an earlier point (``pg_dump``/``pg_restore``, then ``after-restore``)."""

from __future__ import annotations

import gc
import subprocess
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from central import service
from central.__main__ import main
from central.asgi import create
from central.db import make_engine, migrate
from central.service import TillIdentity
from sync.protocol import EnrollRequest, PullRequest, PushRequest

from .pgcluster import PostgresCluster
from .process import central_process
from .tillmodel import Till, enroll


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


@pytest.mark.slow
def test_several_workers_count_every_push_once(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        with Session(engine) as session, session.begin():
            store = service.create_store(session, "HCM1", "Quận 1")
            codes = [service.new_enrollment_code(session, store) for _ in range(5)]
    finally:
        engine.dispose()
    with (
        central_process(db_url, extra=("--workers", "2")) as base,
        httpx.Client(base_url=base, timeout=180) as http,
    ):
        owner = enroll(http, codes[0], "owner")
        members = [owner.new_member(number=f"S-{n}").id for n in range(3)]
        owner.push(http, owner.outbox)
        tills = [enroll(http, code, f"T{n}") for n, code in enumerate(codes[1:])]
        failures: list[BaseException] = []

        def work(till: Till) -> None:
            try:
                with httpx.Client(base_url=base, timeout=180) as client:
                    for round_ in range(6):
                        start = len(till.outbox)
                        for member in members:
                            till.entry(member, round_ + 1)
                        for _ in range(2):  # each batch twice: a reply lost, the batch sent again
                            till.push(client, till.outbox[start:])
            except BaseException as err:  # pragma: no cover - reported below
                failures.append(err)

        threads = [threading.Thread(target=work, args=(till,)) for till in tills]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=240)
        assert failures == []
        for n in range(3):
            found = http.get(f"/v1/members/S-{n}", headers=owner.auth).json()
            assert (found["balance"], found["entry_count"]) == (4 * sum(range(1, 7)), 4 * 6)
        numbers = [change["no"] for change in owner.pull_all(http, limit=50)]
        assert numbers == sorted(set(numbers))


def test_workers_refuse_a_schema_that_is_not_theirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CENTRAL_DB", raising=False)
    with pytest.raises(RuntimeError, match="set CENTRAL_DB"):
        create()
    monkeypatch.setenv("CENTRAL_DB", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(RuntimeError, match="python -m central migrate"):
        create()
    assert main(["migrate", "--db", f"sqlite:///{tmp_path / 'empty.sqlite3'}"]) == 0
    gc.unfreeze()
    try:
        assert create().title.startswith("Loyalty Till")
        assert gc.get_freeze_count() > 0  # what the worker made while starting is set aside from collections
    finally:
        gc.unfreeze()
    assert main(["migrate", "--db", f"sqlite:///{tmp_path / 'other.sqlite3'}", "--partitions", "4"]) == 1


def _enroll(engine: Engine, name: str) -> Till:
    with Session(engine) as session, session.begin():
        store = service.store_by_code(session, "HCM1") or service.create_store(session, "HCM1", "Quận 1")
        code = service.new_enrollment_code(session, store)
        return Till(service.enroll(session, EnrollRequest(code=code, till_name=name)))


def _push(engine: Engine, till: Till, start: int) -> None:
    with Session(engine) as session, session.begin():
        identity = TillIdentity(till.id, till.store_id)
        service.push(
            session, identity, PushRequest(till_id=till.id, epoch=till.epoch, items=till.outbox[start:])
        )


def _pull(engine: Engine, till: Till, cursor: str) -> tuple[list[tuple[str, str]], str, bool]:
    """(kind, member id) of each change after ``cursor``, the next cursor, and whether it was a resync."""
    identity = TillIdentity(till.id, till.store_id)
    with Session(engine) as session, session.begin():
        page = service.pull(session, identity, PullRequest(cursor=cursor, limit=1000))
    seen = [(c.kind, str(c.body.get("member_id", c.body.get("id")))) for c in page.changes]
    return seen, page.next_cursor, page.resync


def test_a_restored_database_makes_every_till_pull_again(postgres: PostgresCluster) -> None:
    """Back up with pg_dump, go on, restore the backup with pg_restore: numbers after the restore point are
    given out again to other changes. ``after-restore`` renames the change logs, so a till's cursor from before
    the restore gets a full resync instead of skipping them."""
    source, restored = postgres.new_database(), postgres.new_database()
    engine = make_engine(source)
    migrate(engine)
    writer, reader = _enroll(engine, "A"), _enroll(engine, "R")
    lan = writer.new_member()
    writer.entry(lan.id, 10)
    _push(engine, writer, 0)
    dump = postgres.root / "central.dump"
    pg = postgres.bindir
    subprocess.run([str(pg / "pg_dump"), "-Fc", "-f", str(dump), source], check=True, timeout=120)
    writer.entry(lan.id, 20)
    _push(engine, writer, 2)
    _, cursor, _ = _pull(engine, reader, "")  # the reader has everything, numbers 1..5
    engine.dispose()
    subprocess.run([str(pg / "pg_restore"), "--no-owner", "-d", restored, str(dump)], check=True, timeout=120)
    engine = make_engine(restored)
    try:
        # After the restore the central knows only the first push (changes 1..3). New changes take numbers 4..6
        # again, and the reader's cursor (5) would skip 4 and 5: Minh's profile and first entry.
        writer.outbox = writer.outbox[:2]
        minh = writer.new_member(name="Trần Văn Minh")
        writer.entry(minh.id, 5)
        writer.entry(minh.id, 7)
        _push(engine, writer, 2)
        seen, _, resync = _pull(engine, reader, cursor)
        assert not resync and ("member", minh.id) not in seen  # what goes wrong without it: Minh is skipped
        assert main(["after-restore", "--db", restored]) == 0
        seen, _, resync = _pull(engine, reader, cursor)
        assert resync and ("member", minh.id) in seen and ("member", lan.id) in seen
    finally:
        engine.dispose()
