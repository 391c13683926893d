"""Nothing a till or a channel of store A sends reads or touches store B's data — members, cards, the inbox,
orders — and a revoked till or channel is refused; against the central as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from central import channels, service
from central import models as m
from central.db import make_engine, migrate
from loyalty.ids import new_id
from loyalty.ledger import EntryKind
from loyalty.program import load_program
from sync.protocol import ItemKind, PushItem, Reason
from tests.programs import steady

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


class Store:
    """A store with a till, a web channel, and a member with a card and 200 points (made in this process: the
    commands themselves are tested elsewhere, and each run of one costs a second)."""

    def __init__(self, http: httpx.Client, db_url: str, code: str) -> None:
        engine = make_engine(db_url)
        try:
            with Session(engine) as session, session.begin():
                store = service.create_store(session, code, f"Store {code}")
                enrollment = service.new_enrollment_code(session, store)
                _, token = channels.create_channel(session, code, "web")
        finally:
            engine.dispose()
        self.till: Till = enroll(http, enrollment)
        self.web = {"Authorization": f"Bearer {token}"}
        self.member = self.till.new_member(number=f"{code}-1")
        self.till.card(self.member.id, f"code:{code}-1")
        self.till.entry(self.member.id, 200)
        self.till.push(http, self.till.outbox)


@pytest.fixture
def stores(db_url: str) -> Iterator[tuple[httpx.Client, Store, Store]]:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        with Session(engine) as session, session.begin():
            service.install_program(session, steady(load_program(PROGRAM)))
    finally:
        engine.dispose()
    with central_process(db_url) as base, httpx.Client(base_url=base, timeout=180) as http:
        yield http, Store(http, db_url, "A"), Store(http, db_url, "B")


def test_store_a_cannot_read_or_touch_store_b(stores: tuple[httpx.Client, Store, Store], db_url: str) -> None:
    http, a, b = stores
    # B has an order, an overdraft in its inbox and a rejection.
    order = http.post(
        "/v1/orders",
        json={"member_number": "B-1", "order_ref": "B-ORDER", "currency": "VND", "total": 100_000},
        headers={**b.web, "Idempotency-Key": "b-1"},
    )
    assert order.status_code == 200
    b.till.entry(b.member.id, -400, EntryKind.REDEEM)
    b.till.entry("01890000-0000-7000-8000-000000000099", 5)
    b.till.push(http, b.till.outbox)
    inbox_b = http.get("/v1/inbox", params={"status": "all"}, headers=b.till.auth).json()["items"]
    assert {i["kind"] for i in inbox_b} == {"overdraft", "rejected"}

    # Reading: members, the inbox, orders, the pull log.
    assert http.get("/v1/members/B-1", headers=a.till.auth).status_code == 404
    assert http.get("/v1/inbox", params={"status": "all"}, headers=a.till.auth).json()["items"] == []
    assert http.get("/v1/orders/B-ORDER", headers=a.web).status_code == 404
    seen = json.dumps(a.till.pull_all(http))
    assert b.member.id not in seen and "B-ORDER" not in seen and "code:B-1" not in seen
    # Writing through channels: orders and actions for B's member are unknown in A.
    for path, body in (
        ("/v1/orders", {"member_number": "B-1", "order_ref": "A-STEAL", "currency": "VND", "total": 10**6}),
        ("/v1/actions", {"member_number": "B-1", "action": "survey"}),
    ):
        stolen = http.post(path, json=body, headers={**a.web, "Idempotency-Key": "a-1"})
        assert stolen.status_code == 404 and "B-1" in stolen.json()["detail"]
    # Writing through a till: entries, profile edits, cards, merges of B's members; resolving B's inbox.
    a.till.entry(b.member.id, 1_000)
    a.till.edit(b.member.id, full_name="Kẻ gian")
    a.till.card(b.member.id, "code:B-1", "blocked")
    a.till.merge(b.member.id, a.member.id)
    a.till.merge(a.member.id, b.member.id)
    pushed = a.till.push(http, a.till.outbox[3:])
    assert statuses(pushed) == ["rejected"] * 5
    assert {r.reason for r in pushed.results} <= {Reason.UNKNOWN_MEMBER, Reason.FOREIGN_TILL}
    for item in inbox_b:
        resolved = http.post(
            f"/v1/inbox/{item['id']}/resolve",
            json={"action": "write_off", "staff_id": "x", "reason": "mine"},
            headers=a.till.auth,
        )
        assert resolved.status_code == 404
    # Pushing in B's till's name.
    assert http.post("/v1/push", json=b.till.batch(b.till.outbox), headers=a.till.auth).status_code == 403

    # B is as it was.
    shown = http.get("/v1/members/B-1", headers=b.till.auth).json()
    assert (shown["full_name"], shown["balance"], shown["status"]) == (b.member.full_name, -190, "active")
    assert http.get("/v1/inbox", headers=b.till.auth).json()["items"] == [
        i for i in inbox_b if i["resolution"] is None
    ]
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            card = session.execute(
                select(m.Card.status, m.Card.member_id).where(m.Card.token == "code:B-1")
            ).one()
            assert tuple(card) == ("active", b.member.id)
            assert session.scalar(select(m.Member.merged_into_id).where(m.Member.id == b.member.id)) is None
    finally:
        engine.dispose()


@pytest.mark.slow
def test_revoked_tills_and_channels_are_refused(
    stores: tuple[httpx.Client, Store, Store], db_url: str
) -> None:
    http, a, _ = stores
    channel_id = http.post(
        "/v1/orders",
        json={"member_number": "A-1", "order_ref": "A-1", "currency": "VND", "total": 50_000},
        headers={**a.web, "Idempotency-Key": "a-2"},
    ).json()["entry_id"]
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            channel_id = session.scalar(select(m.Entry.till_id).where(m.Entry.id == channel_id))
    finally:
        engine.dispose()
    assert central("till", "revoke", str(channel_id), "--db", db_url).returncode == 1  # not a till
    assert central("channel", "revoke", a.till.id, "--db", db_url).returncode == 1  # not a channel
    assert central("channel", "revoke", str(channel_id), "--db", db_url).returncode == 0
    assert central("till", "revoke", a.till.id, "--db", db_url).returncode == 0
    order = http.post(
        "/v1/orders",
        json={"member_number": "A-1", "order_ref": "A-2", "currency": "VND", "total": 50_000},
        headers={**a.web, "Idempotency-Key": "a-3"},
    )
    assert order.status_code == 403 and "revoked" in order.json()["detail"]
    for method, path in (("GET", "/v1/pull"), ("GET", "/v1/inbox"), ("GET", "/v1/members/A-1")):
        refused = http.request(method, path, headers=a.till.auth)
        assert refused.status_code == 403 and "revoked" in refused.json()["detail"]
    # The till pushed before (the central knows its token): its push is refused all the same.
    a.till.entry(a.member.id, 5)
    pushed = http.post("/v1/push", json=a.till.batch(a.till.outbox[-1:]), headers=a.till.auth)
    assert pushed.status_code == 403 and "revoked" in pushed.json()["detail"]
    resolve = http.post(
        "/v1/inbox/1/resolve", json={"action": "recover", "staff_id": "m"}, headers=a.till.auth
    )
    assert resolve.status_code == 403


def test_requests_are_bounded(stores: tuple[httpx.Client, Store, Store]) -> None:
    http, a, _ = stores
    key = {**a.web, "Idempotency-Key": "bounded-1"}
    order = {"member_number": "A-1", "order_ref": "A-9", "currency": "VND"}
    for body, where in (
        ({**order, "lines": [{"amount": 1000}] * 101}, "lines"),
        ({**order, "total": 10**16}, "total"),
        ({**order, "total": True}, "total"),
        ({**order, "total": 1000, "member_number": "x" * 65}, "member_number"),
        ({**order, "total": 1000, "order_ref": "bad ref"}, "order_ref"),
    ):
        refused = http.post("/v1/orders", json=body, headers=key)
        assert refused.status_code == 422 and where in refused.text, body
    assert (
        http.post("/v1/orders", content=b"[", headers={**key, "Content-Type": "application/json"}).status_code
        == 422
    )
    huge = http.post(
        "/v1/orders",
        content=b"{" + b" " * (13 * 1024 * 1024) + b"}",
        headers={**key, "Content-Type": "application/json"},
    )
    assert huge.status_code == 413
    action = {"member_number": "A-1", "action": "review", "reference": "r" * 201}
    assert http.post("/v1/actions", json=action, headers=key).status_code == 422
    edit = PushItem(  # a phone number not in E.164: refused item by item, not with the batch
        id=new_id(),
        seq=len(a.till.outbox) + 1,
        kind=ItemKind.MEMBER_EDIT,
        payload={
            "member_id": a.member.id,
            "store_id": a.till.store_id,
            "changes": {"phone": "0901234567"},
            "edited_at": "2026-03-02T03:00:00.000000Z",
        },
        hash="a" * 64,
    )
    pushed = a.till.push(http, [edit])
    assert statuses(pushed) == ["rejected"] and pushed.results[0].reason is Reason.INVALID_PAYLOAD
    assert "phone" in (pushed.results[0].detail or "")
