"""The protocol against the app in process (TestClient), on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from central import models as m
from central import service
from central.api import BodyLimit
from loyalty.ids import new_id
from loyalty.ledger import EntryKind
from sync.protocol import (
    MAX_PAGE,
    InboxResponse,
    ItemKind,
    ItemStatus,
    PullResponse,
    PushItem,
    Reason,
    make_item,
)

from .tillmodel import enroll, statuses


def _balance(client: TestClient, till_auth: dict[str, str], number: str) -> tuple[int, int]:
    response = client.get(f"/v1/members/{number}", headers=till_auth)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["balance"], body["entry_count"]


def test_enroll_push_replay_and_member(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    till = enroll(client, new_code("S1"))
    assert till.enrollment.epoch == 1 and len(till.enrollment.card_key) == 64
    lan = till.new_member()
    till.entry(lan.id, 120)
    till.entry(lan.id, 30)
    till.entry(lan.id, -50, EntryKind.REDEEM)
    first = till.push(client, till.outbox)
    assert statuses(first) == ["applied"] * 4 and first.next_seq == 5
    assert _balance(client, till.auth, lan.member_number) == (100, 3)

    again = till.push(client, till.outbox)  # the reply was lost: the till sends the same batch again
    assert statuses(again) == ["duplicate"] * 4
    assert all(r.original is ItemStatus.APPLIED for r in again.results)
    assert _balance(client, till.auth, lan.member_number) == (100, 3)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(m.Entry)) == 3
        assert session.scalar(select(func.sum(m.Entry.points))) == 100


def test_enrollment_code_is_one_time(client: TestClient, new_code: Callable[[str], str]) -> None:
    code = new_code("S1")
    enroll(client, code)
    response = client.post("/v1/enroll", json={"code": code, "till_name": "Quầy 2"})
    assert response.status_code == 403
    assert "already used" in response.json()["detail"]


def test_reenrolled_till_starts_a_new_epoch(client: TestClient, new_code: Callable[[str], str]) -> None:
    till = enroll(client, new_code("S1"))
    lan = till.new_member()
    till.entry(lan.id, 10)
    till.push(client, till.outbox)
    again = enroll(client, new_code("S1"), previous=till.id)
    assert again.id == till.id and again.enrollment.epoch == 2
    # The old token is gone (for a push too, though the till pushed with it before); the old epoch is refused.
    assert client.get("/v1/pull", headers=till.auth).status_code == 401
    stale = client.post("/v1/push", json=again.batch(till.outbox), headers=till.auth)
    assert stale.status_code == 401 and stale.json()["detail"] == "unknown till token"
    old = client.post("/v1/push", json=till.batch(till.outbox), headers=again.auth)
    assert old.status_code == 409 and "epoch" in old.json()["detail"]
    # Restored from a backup: the same items sent again under the new epoch are duplicates, not new points.
    again.outbox = till.outbox
    replay = again.push(client, again.outbox)
    assert statuses(replay) == ["duplicate", "duplicate"]
    assert _balance(client, again.auth, lan.member_number) == (10, 1)


def test_conflict_goes_to_the_inbox_once(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    till = enroll(client, new_code("S1"))
    lan = till.new_member()
    earn = till.entry(lan.id, 100)
    till.push(client, till.outbox)
    tampered = earn.model_copy(update={"hash": "f" * 64})
    for _ in range(3):
        response = till.push(client, [tampered])
        assert statuses(response) == ["conflict"]
        assert response.results[0].reason is Reason.SEQ_TAKEN
    with Session(engine) as session, session.begin():
        items = service.inbox(session, till.store_id).items
    assert [(i.item_id, i.kind) for i in items] == [(earn.id, "conflict")]
    assert _balance(client, till.auth, lan.member_number) == (100, 1)


def test_gap_refused_until_filled(client: TestClient, new_code: Callable[[str], str]) -> None:
    till = enroll(client, new_code("S1"))
    lan = till.new_member()
    till.entry(lan.id, 5)
    till.entry(lan.id, 7)
    late = till.push(client, till.outbox[2:])
    assert statuses(late) == ["gap"] and late.next_seq == 1
    assert late.results[0].reason is Reason.MISSING_SEQ
    filled = till.push(client, till.outbox)
    assert statuses(filled) == ["applied"] * 3
    assert _balance(client, till.auth, lan.member_number) == (12, 2)


def test_rejected_item_does_not_block_the_next(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    till = enroll(client, new_code("S1"))
    lan = till.new_member()
    ghost = till.entry("01890000-0000-7000-8000-000000000000", 40)  # a member the central never heard of
    till.entry(lan.id, 25)
    response = till.push(client, till.outbox)
    assert statuses(response) == ["applied", "rejected", "applied"]
    assert response.results[1].reason is Reason.UNKNOWN_MEMBER and response.next_seq == 4
    assert statuses(till.push(client, till.outbox)) == ["duplicate"] * 3
    assert till.push(client, till.outbox).results[1].original is ItemStatus.REJECTED
    with Session(engine) as session, session.begin():
        assert [(i.item_id, i.reason) for i in service.inbox(session, till.store_id).items] == [
            (ghost.id, Reason.UNKNOWN_MEMBER)
        ]
    assert _balance(client, till.auth, lan.member_number) == (25, 1)


def test_bad_hash_and_bad_payload_are_rejected_item_by_item(
    client: TestClient, new_code: Callable[[str], str]
) -> None:
    till = enroll(client, new_code("S1"))
    lan = till.new_member()
    till.outbox[-1:] = [till.entry(lan.id, 9).model_copy(update={"hash": "0" * 64})]
    till.entry(lan.id, 1)
    garbage = PushItem(
        id=new_id(), seq=4, kind=ItemKind.LEDGER_ENTRY, payload={"points": "many"}, hash="a" * 64
    )
    response = till.push(client, [*till.outbox, garbage])
    assert statuses(response) == ["applied", "rejected", "applied", "rejected"]
    assert response.results[1].reason is Reason.HASH_MISMATCH
    assert response.results[3].reason is Reason.INVALID_PAYLOAD
    assert "points" in (response.results[3].detail or "")
    assert _balance(client, till.auth, lan.member_number) == (1, 1)


def test_pull_sees_the_store_and_nothing_else(client: TestClient, new_code: Callable[[str], str]) -> None:
    a1 = enroll(client, new_code("S1"), "A1")
    a2 = enroll(client, new_code("S1"), "A2")
    b1 = enroll(client, new_code("S2"), "B1")
    lan = a1.new_member()
    a1.entry(lan.id, 70)
    a1.push(client, a1.outbox)
    other = b1.new_member(name="Trần Văn Minh")
    b1.entry(other.id, 500)
    b1.push(client, b1.outbox)

    seen = a2.pull_all(client, limit=1)
    kinds = [c["kind"] for c in seen]
    assert kinds == ["member", "entry", "balance"]
    assert seen[0]["body"]["id"] == lan.id and seen[2]["body"] == {
        "member_id": lan.id,
        "balance": 70,
        "entry_count": 1,
    }
    assert all(other.id not in str(c["body"]) for c in seen)
    # Its own changes are not sent back to the till that made them; balances are.
    assert [c["kind"] for c in a1.pull_all(client)] == ["balance"]
    # Nothing new: an empty page, same cursor.
    cursor = a2.cursor
    assert a2.pull_all(client) == [] and a2.cursor == cursor


def test_a_till_cannot_touch_another_store(client: TestClient, new_code: Callable[[str], str]) -> None:
    a1 = enroll(client, new_code("S1"))
    b1 = enroll(client, new_code("S2"))
    lan = a1.new_member(number="M-LAN")
    a1.entry(lan.id, 70)
    a1.push(client, a1.outbox)
    # Read: the number is unknown to another store's till.
    assert client.get("/v1/members/M-LAN", headers=b1.auth).status_code == 404
    # Write: an entry for the other store's member, a member edit of it, or a batch in another till's name.
    b1.entry(lan.id, 1_000)
    hijack = lan.model_copy(
        update={"full_name": "Kẻ gian", "store_id": b1.store_id, "updated_at": "2030-01-01T00:00:00.000000Z"}
    )
    b1.outbox.append(make_item(2, ItemKind.MEMBER, hijack, "01890000-0000-7000-8000-00000000abcd"))
    response = b1.push(client, b1.outbox)
    assert statuses(response) == ["rejected", "rejected"]
    assert [r.reason for r in response.results] == [Reason.UNKNOWN_MEMBER, Reason.FOREIGN_TILL]
    spoof = client.post("/v1/push", json=a1.batch(a1.outbox), headers=b1.auth)
    assert spoof.status_code == 403
    assert _balance(client, a1.auth, "M-LAN") == (70, 1)
    assert client.get("/v1/members/M-LAN", headers=a1.auth).json()["full_name"] == lan.full_name


def test_revoked_till_is_refused(client: TestClient, new_code: Callable[[str], str], engine: Engine) -> None:
    till = enroll(client, new_code("S1"))
    with Session(engine) as session, session.begin():
        assert service.revoke_till(session, till.id)
    response = client.get("/v1/pull", headers=till.auth)
    assert response.status_code == 403 and "revoked" in response.json()["detail"]
    assert client.get("/v1/pull").status_code == 401
    assert client.get("/v1/pull", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_unknown_cursor_gets_a_resync(client: TestClient, new_code: Callable[[str], str]) -> None:
    a1 = enroll(client, new_code("S1"))
    a2 = enroll(client, new_code("S1"))
    lan = a1.new_member()
    a1.push(client, a1.outbox)
    for cursor in ("0123456789abcdef.1", a2.pull_all(client) and a2.cursor.replace(".1", ".99")):
        response = client.get("/v1/pull", params={"cursor": cursor}, headers=a2.auth)
        page = PullResponse.model_validate_json(response.text)
        assert page.resync and [c.body["id"] for c in page.changes] == [lan.id]


def test_strict_validation_answers_422(client: TestClient, new_code: Callable[[str], str]) -> None:
    till = enroll(client, new_code("S1"))
    lan = till.new_member()
    body = till.batch(till.outbox)
    for broken in (
        {**body, "epoch": "1"},
        {**body, "items": []},
        {**body, "items": body["items"] * 2},
        {**body, "extra": 1},
        {**body, "items": [{**body["items"][0], "seq": 0}]},
    ):
        assert client.post("/v1/push", json=broken, headers=till.auth).status_code == 422
    assert client.get("/v1/pull", params={"limit": MAX_PAGE + 1}, headers=till.auth).status_code == 422
    assert client.get("/v1/pull", params={"cursor": "x"}, headers=till.auth).status_code == 422
    assert client.get("/v1/members/%20bad", headers=till.auth).status_code == 422
    huge = client.post(
        "/v1/push",
        content=b"{" + b" " * (13 * 1024 * 1024) + b"}",
        headers={**till.auth, "Content-Type": "application/json"},
    )
    assert huge.status_code == 413
    del lan


def test_inbox_is_shared_by_the_store_and_no_one_else(
    client: TestClient, new_code: Callable[[str], str]
) -> None:
    a1 = enroll(client, new_code("S1"))
    a2 = enroll(client, new_code("S1"))
    b1 = enroll(client, new_code("S2"))
    for n in range(3):
        a1.entry(f"01890000-0000-7000-8000-00000000000{n}", 10 + n)
    a1.push(client, a1.outbox)
    a1.push(client, a1.outbox)  # replayed: still one inbox item each
    page = InboxResponse.model_validate_json(
        client.get("/v1/inbox", params={"limit": 2}, headers=a2.auth).text
    )
    assert [(i.item_id, i.kind, i.till_id) for i in page.items] == [
        (a1.outbox[n].id, "rejected", a1.id) for n in (0, 1)
    ]
    assert page.more
    rest = client.get("/v1/inbox", params={"after": page.items[-1].id}, headers=a2.auth)
    assert [i["item_id"] for i in rest.json()["items"]] == [a1.outbox[2].id] and not rest.json()["more"]
    assert client.get("/v1/inbox", headers=b1.auth).json() == {"items": [], "more": False}
    assert client.get("/v1/inbox").status_code == 401


def test_expired_code_and_foreign_previous_till_are_refused(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    with Session(engine) as session, session.begin():
        store = service.store_by_code(session, "S1") or service.create_store(session, "S1", "S1")
        stale = service.new_enrollment_code(session, store, now=datetime.now(UTC) - timedelta(hours=1))
    assert client.post("/v1/enroll", json={"code": stale, "till_name": "Quầy 1"}).status_code == 403
    other = enroll(client, new_code("S2"))
    code = new_code("S1")
    moved = client.post(
        "/v1/enroll", json={"code": code, "till_name": "Quầy 1", "previous_till_id": other.id}
    )
    assert moved.status_code == 404
    # The refused request spent nothing: the code still enrolls a new till.
    assert enroll(client, code).enrollment.epoch == 1
    assert client.post("/v1/enroll", json={"code": "abcd", "till_name": "x"}).status_code == 422


def test_new_epoch_restarts_the_sequence(client: TestClient, new_code: Callable[[str], str]) -> None:
    till = enroll(client, new_code("S1"))
    lan = till.new_member()
    till.entry(lan.id, 3)
    till.push(client, till.outbox)
    response = client.post("/v1/epoch", headers=till.auth)
    assert response.json() == {"epoch": 2, "next_seq": 1}
    till.epoch = 2
    till.ledger_seq = 0  # restored from a backup taken before the entry: the same ledger position again
    till.outbox = till.outbox[:1]
    till.entry(lan.id, 4)
    assert statuses(till.push(client, till.outbox)) == ["duplicate", "applied"]
    assert _balance(client, till.auth, lan.member_number) == (7, 2)


def test_body_without_a_length_is_refused() -> None:
    sent: list[dict[str, object]] = []

    async def app(scope: object, receive: object, send: object) -> None:  # pragma: no cover - never reached
        raise AssertionError("the body limit let a request through")

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/push",
        "headers": [(b"transfer-encoding", b"chunked")],
    }
    asyncio.run(BodyLimit(app)(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 411


def test_member_edits_newest_wins_and_numbers_stay_unique(
    client: TestClient, new_code: Callable[[str], str]
) -> None:
    a1 = enroll(client, new_code("S1"))
    a2 = enroll(client, new_code("S1"))
    lan = a1.new_member(number="M-7")
    a1.push(client, a1.outbox)
    a2.pull_all(client)
    # Another member with a taken number is rejected (a unique constraint inside the item's savepoint) ...
    a2.new_member(name="Lê Thị Hoa", number="M-7")
    # ... an edit older than the central's copy is kept out, a newer one wins.
    older = lan.model_copy(update={"full_name": "Lan (cũ)", "updated_at": "2020-01-01T00:00:00.000000Z"})
    newer = lan.model_copy(
        update={"full_name": "Nguyễn Thị Lan Anh", "updated_at": "2030-01-01T00:00:00.000000Z"}
    )
    for edit in (older, newer):
        a2.outbox.append(make_item(len(a2.outbox) + 1, ItemKind.MEMBER, edit, new_id()))
    a2.entry(lan.id, 15)  # the batch goes on after the rejection
    response = a2.push(client, a2.outbox)
    assert statuses(response) == ["rejected", "applied", "applied", "applied"]
    assert response.results[0].reason is Reason.MEMBER_NUMBER_TAKEN
    assert "newer edit" in (response.results[1].detail or "")
    shown = client.get("/v1/members/M-7", headers=a1.auth).json()
    assert (shown["full_name"], shown["balance"], shown["updated_at"]) == (
        newer.full_name,
        15,
        newer.updated_at,
    )
    assert [c["kind"] for c in a1.pull_all(client)] == ["member", "entry", "balance"]
