"""An erasure pushed by a till (``erase`` item) at the central, on SQLite and PostgreSQL: the member anonymised
once, its cards unlinked, one audit record and one ``erase`` change whoever sends it and however often; from
then on no edit, whole profile or card brings the person back (``member_erased``, into the inbox)."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from central import models as m
from central import service
from central.ledger import audit_problems
from loyalty.ids import new_id
from sync.protocol import ERASED_NAME, ErasePayload, ItemKind, MemberPayload, PushItem, Reason

from .tillmodel import Till, enroll, stamp, statuses

_stores = itertools.count()


def _pair(client: TestClient, engine: Engine) -> tuple[Till, Till]:
    store = f"ER{next(_stores)}"
    with Session(engine) as session, session.begin():
        found = service.create_store(session, store, store)
        codes = [service.new_enrollment_code(session, found) for _ in range(2)]
    return enroll(client, codes[0], "A"), enroll(client, codes[1], "B")


def _erase(till: Till, member_id: str) -> PushItem:
    payload = ErasePayload(member_id=member_id, store_id=till.store_id, erased_at=stamp(), staff_id="9001")
    return till._queue(ItemKind.ERASE, payload, new_id())


def test_an_erasure_is_applied_once_audited_and_sent_to_every_till(
    client: TestClient, engine: Engine
) -> None:
    a, b = _pair(client, engine)
    lan = a.new_member(name="Khúc Thừa Lan")
    a.entry(lan.id, 120)
    card = a.card(lan.id, "uid:" + "ab" * 32)
    a.push(client, a.outbox)
    b.pull_all(client)

    item = _erase(a, lan.id)
    assert statuses(a.push(client, [item])) == ["applied"]
    assert statuses(a.push(client, [item])) == ["duplicate"]
    again = _erase(b, lan.id)  # erased at the other till too, before it heard of it
    answer = b.push(client, [again])
    assert statuses(answer) == ["applied"]
    assert answer.results[0].detail == "the member's personal data was erased already"

    with Session(engine) as session:
        member = session.get_one(m.Member, lan.id)
        assert (member.full_name, member.phone, member.email, member.status) == (
            ERASED_NAME,
            None,
            None,
            "erased",
        )
        assert (member.balance, member.member_number) == (120, lan.member_number)
        assert session.scalar(select(func.count()).where(m.Card.token == card.token)) == 0
        audits = session.scalars(select(m.AuditRecord).where(m.AuditRecord.action == "member.erase")).all()
        assert [(r.subject, r.actor, r.via) for r in audits if r.store_id == a.store_id] == [
            (lan.id, "9001", a.id)
        ]
        assert audit_problems(session, a.store_id) == []
    erasures = [c["body"] for c in b.pull_all(client) if c["kind"] == "erase"]
    assert erasures == [{"member_id": lan.id, "erased_at": item.payload["erased_at"]}]
    # The till that erased hears of it too (a member merged into this one is erased with it there).
    assert [c["kind"] for c in a.pull_all(client)].count("erase") == 1


def test_nothing_brings_an_erased_person_back(client: TestClient, engine: Engine) -> None:
    a, b = _pair(client, engine)
    lan = a.new_member(name="Khúc Thừa Lan")
    a.push(client, a.outbox)
    b.pull_all(client)
    # b edited the profile offline, later than the erasure, and links a card; a erased first.
    a.push(client, [_erase(a, lan.id)])
    edit = b.edit(lan.id, full_name="Khúc Thừa Lành", phone="+84901234569")
    profile = MemberPayload(
        id=lan.id,
        member_number=lan.member_number,
        full_name="Khúc Thừa Lan",
        store_id=b.store_id,
        updated_at=stamp(),
    )
    whole = b._queue(ItemKind.MEMBER, profile, new_id())
    b.card(lan.id, "uid:" + "cd" * 32)
    answer = b.push(client, [edit, whole, b.outbox[-1]])
    assert statuses(answer) == ["rejected"] * 3
    assert {r.reason for r in answer.results} == {Reason.MEMBER_ERASED}
    assert all("erased" in (r.detail or "") for r in answer.results)
    with Session(engine) as session:
        member = session.get_one(m.Member, lan.id)
        assert (member.full_name, member.phone) == (ERASED_NAME, None)
        inbox = session.scalars(
            select(m.InboxItem.reason).where(m.InboxItem.store_id == a.store_id, m.InboxItem.till_id == b.id)
        ).all()
        assert inbox == ["member_erased"] * 3


def test_a_merged_duplicate_erased_keeps_its_merge(client: TestClient, engine: Engine) -> None:
    a, b = _pair(client, engine)
    dup, keep = a.new_member(name="Lan (trùng)"), a.new_member()
    a.merge(dup.id, keep.id)
    a.push(client, a.outbox)
    # The till erases the survivor and the duplicate merged into it (the same person).
    assert statuses(a.push(client, [_erase(a, keep.id), _erase(a, dup.id)])) == ["applied", "applied"]
    with Session(engine) as session:
        rows = {r.id: r for r in session.scalars(select(m.Member).where(m.Member.id.in_([dup.id, keep.id])))}
        assert (rows[dup.id].status, rows[dup.id].merged_into_id, rows[dup.id].full_name) == (
            "merged",
            keep.id,
            ERASED_NAME,
        )
        assert rows[keep.id].status == "erased"
    answer = b.push(client, [b.edit(dup.id, full_name="Lan")])
    assert [r.reason for r in answer.results] == [Reason.MEMBER_ERASED]
