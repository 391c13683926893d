"""The pull cursor never skips a change that commits out of order (PostgreSQL runs pushes concurrently)."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from central import service
from central.db import reading
from central.service import TillIdentity
from sync.protocol import EnrollRequest, PullRequest, PushRequest

from .tillmodel import Till


def _enroll(engine: Engine, store: str, name: str) -> Till:
    with Session(engine) as session, session.begin():
        found = service.store_by_code(session, store) or service.create_store(session, store, store)
        code = service.new_enrollment_code(session, found)
        return Till(service.enroll(session, EnrollRequest(code=code, till_name=name)))


def _identity(till: Till) -> TillIdentity:
    return TillIdentity(till.id, till.store_id)


def _push(session: Session, till: Till, start: int) -> None:
    items = till.outbox[start:]
    service.push(session, _identity(till), PushRequest(till_id=till.id, epoch=till.epoch, items=items))


def _pull_numbers(engine: Engine, till: Till, cursor: str) -> tuple[list[int], str]:
    with Session(reading(engine)) as session, session.begin():
        page = service.pull(session, _identity(till), PullRequest(cursor=cursor, limit=1000))
    return [change.no for change in page.changes], page.next_cursor


def test_a_later_number_waits_for_the_earlier_commit(engine: Engine) -> None:
    a, b, reader = (_enroll(engine, "S1", n) for n in ("A", "B", "R"))
    for till in (a, b):
        member = till.new_member()
        till.entry(member.id, 10)
        with Session(engine) as session, session.begin():
            _push(session, till, 0)
    seen, cursor = _pull_numbers(engine, reader, "")
    assert seen == list(range(1, 7))

    a.entry(a.outbox[0].payload["id"], 5)  # type: ignore[arg-type]
    b.entry(b.outbox[0].payload["id"], 7)  # type: ignore[arg-type]
    first = Session(engine)
    first.begin()
    _push(first, a, 2)  # holds numbers 7 and 8, not committed yet
    done = threading.Event()

    def second() -> None:
        with Session(engine) as session, session.begin():
            _push(session, b, 2)
        done.set()

    worker = threading.Thread(target=second)
    worker.start()
    try:
        time.sleep(0.5)
        # B's push cannot take a change number while A's transaction holds the store's counter ...
        assert not done.is_set()
        # ... and a reader meanwhile sees neither, so its cursor cannot jump past A's numbers.
        assert _pull_numbers(engine, reader, cursor) == ([], cursor)
        first.commit()
    finally:
        first.close()
        worker.join(timeout=30)
    assert done.is_set()
    later, _ = _pull_numbers(engine, reader, cursor)
    assert later == [7, 8, 9, 10]


def test_concurrent_pushes_and_pulls_skip_nothing(engine: Engine) -> None:
    tills = [_enroll(engine, "S1", f"T{i}") for i in range(4)]
    reader = _enroll(engine, "S1", "reader")
    errors: list[BaseException] = []
    writing = threading.Event()
    writing.set()

    def writer(till: Till) -> None:
        try:
            member = till.new_member()
            for i in range(12):
                start = len(till.outbox)
                till.entry(member.id, i + 1)
                with Session(engine) as session, session.begin():
                    _push(session, till, 0 if start == 1 and i == 0 else start)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    collected: list[int] = []

    def puller() -> None:
        cursor = ""
        while writing.is_set():
            numbers, cursor = _pull_numbers(engine, reader, cursor)
            collected.extend(numbers)
        numbers, cursor = _pull_numbers(engine, reader, cursor)
        collected.extend(numbers)

    threads = [threading.Thread(target=writer, args=(t,)) for t in tills]
    pulling = threading.Thread(target=puller)
    pulling.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    writing.clear()
    pulling.join(timeout=60)
    assert errors == []
    # Each push: its entry and the member's balance (the first push also the member): 4 x (1 + 12 x 2) changes.
    assert collected == list(range(1, 4 * 25 + 1))


def test_the_pull_page_is_consistent_through_the_api(client: TestClient, engine: Engine) -> None:
    a = _enroll(engine, "S1", "A")
    reader = _enroll(engine, "S1", "R")
    member = a.new_member()
    for points in range(1, 8):
        a.entry(member.id, points)
    a.push(client, a.outbox)
    numbers = [c["no"] for c in reader.pull_all(client, limit=3)]
    assert numbers == sorted(set(numbers)) and len(numbers) == 1 + 7 + 1
