"""Offline redemptions that overspend: one overdraft and one inbox item, exactly once, however the pushes are
replayed; recovered by the member's next earnings, or written off by a manager through a till (audited)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from central import models as m
from central import service
from central.ledger import audit_problems, payoffs, shortfall
from loyalty.ledger import EntryKind
from loyalty.program import load_program
from sync.protocol import InboxResolveResponse, InboxResponse, ItemStatus

from .tillmodel import Till, enroll, statuses

_stores = itertools.count()
PROGRAM = Path(__file__).resolve().parents[2] / "resources" / "programs" / "default.toml"


# -- the arithmetic -----------------------------------------------------------------------------------------


@given(before=st.integers(-(10**6), 10**6), points=st.integers(-(10**6), 10**6))
def test_shortfall_is_what_goes_below_zero(before: int, points: int) -> None:
    short = shortfall(before, points)
    assert short >= 0
    if points >= 0:
        assert short == 0
    else:
        assert short <= -points
        # What is owed after is what was owed before plus the shortfall.
        assert max(0, -(before + points)) == max(0, -before) + short


@given(
    remaining=st.lists(st.integers(1, 1000), max_size=6),
    points=st.integers(0, 5000),
    first=st.integers(0, 6),
)
def test_payoffs_never_pay_more_than_owed_or_credited(remaining: list[int], points: int, first: int) -> None:
    open_ = [(f"od{i}", r) for i, r in enumerate(remaining)]
    named = f"od{first}" if first < len(open_) else None
    paid = payoffs(open_, points, named)
    assert sum(p for _, p in paid) == min(points, sum(remaining))
    owed = dict(open_)
    assert all(0 < p <= owed[od] for od, p in paid)
    assert len({od for od, _ in paid}) == len(paid)
    # The named overdraft first, then oldest first: every overdraft paid before a later one is paid in full.
    order = [od for od, _ in paid]
    if named is not None and paid:
        assert order[0] == named
    rest = [od for od in order if od != named]
    assert rest == sorted(rest, key=lambda od: int(od[2:]))
    for od, p in paid[:-1]:
        assert p == owed[od]


# -- exactly once ------------------------------------------------------------------------------------------


def _two_tills(client: TestClient, engine: Engine) -> tuple[Till, Till]:
    store = f"OD{next(_stores)}"
    with Session(engine) as session, session.begin():
        found = service.create_store(session, store, store)
        codes = [service.new_enrollment_code(session, found) for _ in range(2)]
    return enroll(client, codes[0], "A"), enroll(client, codes[1], "B")


def _overdrafts(engine: Engine, member_id: str) -> list[tuple[int, int, str]]:
    with Session(engine) as session:
        return [
            (row.points, row.remaining, row.status)
            for row in session.execute(
                select(m.Overdraft.points, m.Overdraft.remaining, m.Overdraft.status).where(
                    m.Overdraft.member_id == member_id
                )
            )
        ]


def _inbox_items(engine: Engine, member_id: str) -> int:
    with Session(engine) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(m.InboxItem)
                .where(m.InboxItem.member_id == member_id, m.InboxItem.kind == "overdraft")
            )
            or 0
        )


def _balance(engine: Engine, member_id: str) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(m.Member.balance).where(m.Member.id == member_id)) or 0)


def test_overspending_tills_make_one_overdraft_however_pushes_are_replayed(
    client: TestClient, engine: Engine
) -> None:
    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(balance=st.integers(50, 400), data=st.data())
    def overspend(balance: int, data: st.DataObject) -> None:
        a, b = _two_tills(client, engine)
        lan = a.new_member()
        a.entry(lan.id, balance)
        a.push(client, a.outbox)
        b.pull_all(client)
        # Each till sees the whole balance and redeems within it, offline; together they spend too much.
        first = data.draw(st.integers(1, balance), label="redeemed at A")
        second = data.draw(st.integers(balance - first + 1, balance), label="redeemed at B")
        a.redeem(lan.id, first)
        b.redeem(lan.id, second)
        pushes = [(a, a.outbox[2:])] * 3 + [(b, b.outbox)] * 3
        for till, items in data.draw(st.permutations(pushes), label="delivery order"):
            for result in till.push(client, items).results:
                assert result.status in (ItemStatus.APPLIED, ItemStatus.DUPLICATE)
        short = first + second - balance
        assert _overdrafts(engine, lan.id) == [(short, short, "open")]
        assert _inbox_items(engine, lan.id) == 1
        assert _balance(engine, lan.id) == -short

    overspend()


# -- resolutions ---------------------------------------------------------------------------------------------


def _overdrawn(client: TestClient, engine: Engine) -> tuple[Till, Till, str, int]:
    """Lan had 200; A redeemed 150 and B 150 offline: 100 overdrawn. Returns the tills, Lan and the item id."""
    a, b = _two_tills(client, engine)
    lan = a.new_member()
    a.entry(lan.id, 200)
    a.push(client, a.outbox)
    b.pull_all(client)
    a.redeem(lan.id, 150)
    b.redeem(lan.id, 150)
    a.push(client, a.outbox)
    b.push(client, b.outbox)
    page = InboxResponse.model_validate_json(
        client.get("/v1/inbox", params={"kind": "overdraft"}, headers=a.auth).text
    )
    assert len(page.items) == 1
    item = page.items[0]
    assert (item.kind, item.member_id, item.points, item.remaining) == ("overdraft", lan.id, 100, 100)
    assert item.till_id == b.id and item.item_id == b.outbox[0].id
    assert "spent 100 points more" in (item.detail or "")
    return a, b, lan.id, item.id


def test_next_earnings_recover_the_overdraft(client: TestClient, engine: Engine) -> None:
    a, b, lan, item_id = _overdrawn(client, engine)
    a.entry(lan, 30)
    a.push(client, a.outbox)
    assert _overdrafts(engine, lan) == [(100, 70, "open")] and _balance(engine, lan) == -70
    decided = client.post(
        f"/v1/inbox/{item_id}/resolve", json={"action": "recover", "staff_id": "mgr-1"}, headers=b.auth
    )
    assert decided.status_code == 200, decided.text
    answer = InboxResolveResponse.model_validate_json(decided.text)
    assert (answer.item.resolution, answer.item.resolved_by, answer.item.resolved_via) == (
        "recover",
        "mgr-1",
        b.id,
    )
    assert answer.entry_id is None and answer.balance == -70
    # The same decision again (a lost reply) answers the same; another one is refused.
    again = client.post(
        f"/v1/inbox/{item_id}/resolve", json={"action": "recover", "staff_id": "mgr-1"}, headers=a.auth
    )
    assert again.status_code == 200 and again.json()["item"]["resolved_via"] == b.id
    other = client.post(
        f"/v1/inbox/{item_id}/resolve",
        json={"action": "write_off", "staff_id": "mgr-2", "reason": "goodwill"},
        headers=a.auth,
    )
    assert other.status_code == 409 and "resolved already" in other.json()["detail"]
    # Earnings go on paying it back, resolved or not, and stop when it is paid.
    a.entry(lan, 100)
    a.push(client, a.outbox)
    assert _overdrafts(engine, lan) == [(100, 0, "recovered")] and _balance(engine, lan) == 30
    with Session(engine) as session:
        paid = session.execute(
            select(m.OverdraftPayoff.points).where(m.OverdraftPayoff.member_id == lan)
        ).scalars()
        assert sorted(paid) == [30, 70]
    # Resolved items are kept: listed as resolved, gone from the open list.
    assert client.get("/v1/inbox", headers=a.auth).json()["items"] == []
    kept = client.get("/v1/inbox", params={"status": "resolved"}, headers=a.auth).json()["items"]
    assert [(i["id"], i["remaining"], i["resolution"]) for i in kept] == [(item_id, 0, "recover")]


def test_a_manager_writes_the_overdraft_off_with_a_reason(client: TestClient, engine: Engine) -> None:
    a, b, lan, item_id = _overdrawn(client, engine)
    a.entry(lan, 30)
    a.push(client, a.outbox)
    url = f"/v1/inbox/{item_id}/resolve"
    missing = client.post(url, json={"action": "write_off", "staff_id": "mgr-1"}, headers=b.auth)
    assert missing.status_code == 422 and "reason is required" in missing.json()["detail"]
    wrong = client.post(url, json={"action": "dismiss", "staff_id": "mgr-1", "reason": "x"}, headers=b.auth)
    assert wrong.status_code == 422 and "recovered or written off" in wrong.json()["detail"]
    done = client.post(
        url, json={"action": "write_off", "staff_id": "mgr-1", "reason": "khách quen, bỏ qua"}, headers=b.auth
    )
    assert done.status_code == 200, done.text
    answer = InboxResolveResponse.model_validate_json(done.text)
    assert answer.balance == 0 and answer.entry_id is not None
    assert answer.item.resolution == "write_off" and answer.item.note == "khách quen, bỏ qua"
    assert _overdrafts(engine, lan) == [(100, 0, "written_off")]
    # Every till receives the write-off as an entry of the central's own chain.
    written = [c["body"] for c in a.pull_all(client) if c["kind"] == "entry"]
    assert [(e["id"], e["kind"], e["points"], e["channel"], e["staff_id"]) for e in written][-1:] == [
        (answer.entry_id, EntryKind.ADJUST.value, 70, "central", "mgr-1")
    ]
    assert "khách quen" in written[-1]["reason"]
    # The decision is in the store's audit log, chained.
    with Session(engine) as session:
        records = session.execute(
            select(m.AuditRecord.actor, m.AuditRecord.via, m.AuditRecord.action).where(
                m.AuditRecord.store_id == a.store_id
            )
        ).all()
        assert [tuple(r) for r in records] == [("mgr-1", b.id, "overdraft.write_off")]
        assert audit_problems(session, a.store_id) == []
    # Sent again after a lost reply: the same answer, no second entry.
    again = InboxResolveResponse.model_validate_json(
        client.post(
            url,
            json={"action": "write_off", "staff_id": "mgr-1", "reason": "khách quen, bỏ qua"},
            headers=a.auth,
        ).text
    )
    assert again.entry_id == answer.entry_id and _balance(engine, lan) == 0
    # Later earnings are the member's again.
    a.entry(lan, 40)
    a.push(client, a.outbox)
    assert _balance(engine, lan) == 40


def test_the_inbox_is_filtered_paged_and_kept_per_store(
    client: TestClient, engine: Engine, new_code: Callable[[str], str]
) -> None:
    a, b, lan, item_id = _overdrawn(client, engine)
    for n in range(3):  # three rejections as well
        a.entry(f"01890000-0000-7000-8000-00000000000{n}", 5)
    assert statuses(a.push(client, a.outbox))[-3:] == ["rejected"] * 3
    everything = client.get("/v1/inbox", params={"status": "all", "limit": 2}, headers=b.auth).json()
    assert [i["kind"] for i in everything["items"]] == ["overdraft", "rejected"] and everything["more"]
    only = client.get("/v1/inbox", params={"member_id": lan}, headers=b.auth).json()["items"]
    assert [i["id"] for i in only] == [item_id]
    rejected = client.get("/v1/inbox", params={"kind": "rejected"}, headers=b.auth).json()["items"]
    dismissed = client.post(
        f"/v1/inbox/{rejected[0]['id']}/resolve",
        json={"action": "dismiss", "staff_id": "mgr-1", "reason": "till test data"},
        headers=b.auth,
    )
    assert dismissed.status_code == 200 and dismissed.json()["item"]["resolution"] == "dismiss"
    recover = client.post(
        f"/v1/inbox/{rejected[1]['id']}/resolve", json={"action": "recover", "staff_id": "m"}, headers=b.auth
    )
    assert recover.status_code == 422 and "only an overdraft" in recover.json()["detail"]
    # Another store's till sees none of it and can resolve none of it.
    other = enroll(client, new_code("ELSEWHERE"))
    assert client.get("/v1/inbox", params={"status": "all"}, headers=other.auth).json()["items"] == []
    stolen = client.post(
        f"/v1/inbox/{item_id}/resolve",
        json={"action": "write_off", "staff_id": "x", "reason": "mine now"},
        headers=other.auth,
    )
    assert stolen.status_code == 404
    for bad in ({"status": "closed"}, {"kind": "nope"}, {"member_id": "not-a-uuid"}, {"limit": 0}):
        assert client.get("/v1/inbox", params=bad, headers=b.auth).status_code == 422
    assert (
        client.post(f"/v1/inbox/{item_id}/resolve", json={"action": "recover"}, headers=b.auth).status_code
        == 422
    )
    assert (
        client.post(
            f"/v1/inbox/{item_id}/resolve",
            json={"action": "write_off", "staff_id": "m", "reason": "x" * 2001},
            headers=b.auth,
        ).status_code
        == 422
    )


def test_the_overdraft_names_the_programs_offline_allowance(client: TestClient, engine: Engine) -> None:
    program = load_program(PROGRAM)
    with Session(engine) as session, session.begin():
        service.install_program(session, program)
    a, b = _two_tills(client, engine)
    lan = a.new_member()
    a.entry(lan.id, 100, program_version=program.version)
    a.push(client, a.outbox)
    b.pull_all(client)
    a.entry(lan.id, -80, EntryKind.REDEEM, program_version=program.version)
    b.entry(lan.id, -80, EntryKind.REDEEM, program_version=program.version)
    a.push(client, a.outbox)
    b.push(client, b.outbox)
    items = client.get("/v1/inbox", headers=a.auth).json()["items"]
    allowance = program.redemption.offline_allowance
    assert [i["points"] for i in items] == [60]
    assert f"the program allows {allowance} points per member offline" in items[0]["detail"]
