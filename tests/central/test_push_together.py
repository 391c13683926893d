"""Pushes applied together (``service.push_together``, the group commit) hold what the same pushes hold
applied one after the other: balances, overdrafts, inbox items, entries, the pull log's entries; each push gets
the answer it gets alone, and a push refused as a whole leaves the group's others applied. On SQLite and on
PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from central import models as m
from central import service
from central.base import Conflict
from central.service import BULK_MIN, TillIdentity
from sync.protocol import PushRequest

from .tillmodel import Till, enroll

_stores = iter(range(1, 10**6))

# Per till: a list of (member 0-2, points): positive earns, negative redemptions (which can overdraw when
# several tills spend the same points).
_LINE = st.tuples(st.integers(0, 2), st.integers(-60, 40).filter(bool))
_SALES = st.lists(st.lists(_LINE, min_size=1, max_size=12), min_size=2, max_size=4)
# Every till with a run long enough for the bulk path (``service.BULK_MIN``): the group is applied in bulk.
_RUNS = st.lists(st.lists(_LINE, min_size=BULK_MIN, max_size=BULK_MIN + 6), min_size=2, max_size=4)


def _store(
    client: TestClient, new_code: Callable[[str], str], code: str, sales: list[list[tuple[int, int]]]
) -> tuple[list[Till], list[PushRequest]]:
    owner = enroll(client, new_code(code))
    members = [owner.new_member(number=f"{code}-{n}") for n in range(3)]
    for member in members:
        owner.entry(member.id, 50)
    owner.push(client, owner.outbox)
    tills = [enroll(client, new_code(code)) for _ in sales]
    for till, lines in zip(tills, sales, strict=True):
        for n, (member, points) in enumerate(lines):
            if points > 0:
                till.entry(members[member].id, points, receipt_ref=f"{code}-{n}")
            else:
                till.redeem(members[member].id, -points)
    return tills, [PushRequest(till_id=t.id, epoch=t.epoch, items=t.outbox) for t in tills]


def _held(engine: Engine, code: str) -> dict[str, Any]:
    with Session(engine) as session:
        store_id = session.scalar(select(m.Store.id).where(m.Store.code == code))
        members = session.execute(
            select(m.Member.member_number, m.Member.balance, m.Member.entry_count)
            .where(m.Member.store_id == store_id)
            .order_by(m.Member.member_number)
        ).all()
        overdrafts = session.execute(
            select(m.Member.member_number, m.Overdraft.points, m.Overdraft.remaining)
            .join(m.Member, m.Member.id == m.Overdraft.member_id)
            .where(m.Member.store_id == store_id)
            .order_by(m.Member.member_number, m.Overdraft.points, m.Overdraft.remaining)
        ).all()
        inbox = Counter(
            session.scalars(select(m.InboxItem.kind).where(m.InboxItem.store_id == store_id)).all()
        )
        entries = session.scalar(
            select(func.count()).select_from(m.Entry).where(m.Entry.store_id == store_id)
        )
        logged = Counter(
            session.scalars(
                select(m.Change.kind).where(m.Change.store_id == store_id, m.Change.kind != "balance")
            ).all()
        )
        last = session.scalar(select(m.Store.last_change).where(m.Store.id == store_id))
        numbered = session.scalar(
            select(func.count()).select_from(m.Change).where(m.Change.store_id == store_id)
        )
    return {
        "members": [(number.split("-")[-1], balance, count) for number, balance, count in members],
        "overdrafts": [
            (number.split("-")[-1], points, remaining) for number, points, remaining in overdrafts
        ],
        "inbox": inbox,
        "entries": entries,
        "logged": logged,
        "numbered without gaps": last == numbered,
    }


def test_pushes_together_hold_what_they_hold_one_after_the_other(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(sales=st.one_of(_SALES, _RUNS))
    def same(sales: list[list[tuple[int, int]]]) -> None:
        n = next(_stores)
        one, together = f"ONE{n}", f"TOG{n}"
        _, requests = _store(client, new_code, one, sales)
        alone = [_push_alone(engine, request) for request in requests]
        tills, requests = _store(client, new_code, together, sales)
        with Session(engine) as session, session.begin():
            jobs = [service.prepare(_identity(t), r) for t, r in zip(tills, requests, strict=True)]
            grouped = service.push_together(session, jobs)
        assert [_statuses(answer) for answer in grouped] == [_statuses(answer) for answer in alone]
        assert _held(engine, together) == _held(engine, one)

    same()


def test_a_push_refused_as_a_whole_leaves_the_others_applied(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    tills, requests = _store(client, new_code, "REF", [[(0, 10)], [(1, 20)], [(2, 30)]])
    stale = requests[1].model_copy(update={"epoch": requests[1].epoch + 1})
    with Session(engine) as session, session.begin():
        jobs = [
            service.prepare(_identity(t), r)
            for t, r in zip(tills, [requests[0], stale, requests[2]], strict=True)
        ]
        first, refused, third = service.push_together(session, jobs)
    assert isinstance(refused, Conflict) and "not this till's current epoch" in refused.detail
    assert _statuses(first) == ["applied"] and _statuses(third) == ["applied"]
    assert [balance for _, balance, _ in _held(engine, "REF")["members"]] == [60, 50, 80]


def _identity(till: Till) -> TillIdentity:
    return TillIdentity(till_id=till.id, store_id=till.store_id)


def _push_alone(engine: Engine, request: PushRequest) -> Any:
    with Session(engine) as session, session.begin():
        identity = session.execute(
            select(m.Till.id, m.Till.store_id).where(m.Till.id == request.till_id)
        ).one()
        return service.push(session, TillIdentity(till_id=identity.id, store_id=identity.store_id), request)


def _statuses(answer: Any) -> list[str]:
    return [r.status.value for r in answer.results]


def test_a_group_of_runs_of_new_entries_is_applied_in_bulk(
    client: TestClient, new_code: Callable[[str], str], engine: Engine, monkeypatch: Any
) -> None:
    """Each till's push a run of new sales (the fleet's case): no push goes through ``_push_one``, the
    receipt number two tills awarded is found all the same, and the result is as one after the other."""
    sales = [[(n % 3, 10 + n) for n in range(BULK_MIN)] for _ in range(3)]
    _, requests = _store(client, new_code, "BULK1", sales)
    alone = [_push_alone(engine, request) for request in requests]
    tills, requests = _store(client, new_code, "BULK2", sales)
    one_by_one: list[str] = []
    original = service._push_one

    def counted(session: Session, job: service.PushJob) -> Any:
        one_by_one.append(job.till.till_id)
        return original(session, job)

    monkeypatch.setattr(service, "_push_one", counted)
    with Session(engine) as session, session.begin():
        jobs = [service.prepare(_identity(t), r) for t, r in zip(tills, requests, strict=True)]
        grouped = service.push_together(session, jobs)
    assert one_by_one == []
    assert [_statuses(answer) for answer in grouped] == [_statuses(answer) for answer in alone]
    held = _held(engine, "BULK2")
    assert held == _held(engine, "BULK1")
    assert held["inbox"]["receipt"] == 2 * BULK_MIN  # the second and third till's numbers, each once
    # Sent again, the group is answered duplicate item by item: the claims are taken.
    with Session(engine) as session, session.begin():
        jobs = [service.prepare(_identity(t), r) for t, r in zip(tills, requests, strict=True)]
        again = service.push_together(session, jobs)
    assert {status for answer in again for status in _statuses(answer)} == {"duplicate"}
    assert one_by_one == [t.id for t in tills]
    assert _held(engine, "BULK2") == held
