"""What two tills changed offline, arbitrated by the central: profiles field by field (the later edit of each
field wins, ties to the greater till id), a block beats a link, entries follow a merge."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from central import models as m
from central import service
from loyalty.ids import new_id
from loyalty.ledger import EntryKind
from sync.protocol import ItemKind, MemberResponse, Reason, format_utc

from .tillmodel import T0, Till, enroll, statuses

_stores = itertools.count()


def _pair(client: TestClient, engine: Engine) -> tuple[Till, Till]:
    """Two tills of a fresh store; the second knows what the first pushed."""
    store = f"CF{next(_stores)}"
    with Session(engine) as session, session.begin():
        found = service.create_store(session, store, store)
        codes = [service.new_enrollment_code(session, found) for _ in range(2)]
    return enroll(client, codes[0], "A"), enroll(client, codes[1], "B")


def _profile(client: TestClient, till: Till, number: str) -> MemberResponse:
    return MemberResponse.model_validate_json(client.get(f"/v1/members/{number}", headers=till.auth).text)


def _at(minutes: int) -> str:
    return format_utc(T0 + timedelta(days=1, minutes=minutes))


# -- profiles ----------------------------------------------------------------------------------------------

_EDIT = st.tuples(
    st.integers(0, 1),  # which till
    st.sampled_from(["full_name", "phone", "email"]),
    st.integers(0, 5),  # minutes after the start: equal times happen
)


def test_profile_edits_merge_field_by_field_in_any_delivery_order(client: TestClient, engine: Engine) -> None:
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(edits=st.lists(_EDIT, min_size=1, max_size=8), data=st.data())
    def merged(edits: list[tuple[int, str, int]], data: st.DataObject) -> None:
        tills = _pair(client, engine)
        lan = tills[0].new_member(number="M-1")
        tills[0].push(client, tills[0].outbox)
        start = [len(t.outbox) for t in tills]
        expected: dict[str, tuple[tuple[str, str], str]] = {}
        for n, (which, field, minutes) in enumerate(edits):
            till = tills[which]
            value = {"full_name": f"Lan {n}", "phone": f"+8490000{n:04d}", "email": f"lan{n}@example.vn"}[
                field
            ]
            at = _at(minutes)
            till.edit(lan.id, at=at, **{field: value})
            stamp = (at, till.id)
            if field not in expected or stamp > expected[field][0]:
                expected[field] = (stamp, value)
        # The two tills' queues arrive interleaved in any order, each in its own order.
        queues = [list(t.outbox[s:]) for t, s in zip(tills, start, strict=True)]
        order = data.draw(st.permutations([0] * len(queues[0]) + [1] * len(queues[1])), label="arrival order")
        for which in order:
            item = queues[which].pop(0)
            assert statuses(tills[which].push(client, [item])) == ["applied"]
        wanted = {field: value for field, (_, value) in expected.items()}
        with Session(engine) as session:
            row = session.execute(select(m.Member).where(m.Member.id == lan.id)).scalar_one()
            assert {field: getattr(row, field) for field in wanted} == wanted
        # The pull log ends with the central's profile: a till that reads it shows what the central holds.
        with Session(engine) as session, session.begin():
            code = service.new_enrollment_code(session, session.get_one(m.Store, tills[0].store_id))
        reader = enroll(client, code, "R")
        members = [c["body"] for c in reader.pull_all(client) if c["kind"] == "member"]
        assert {field: members[-1][field] for field in wanted} == wanted
        assert members[-1]["updated_at"] == row.updated_at

    merged()


def test_a_whole_profile_does_not_undo_newer_field_edits(client: TestClient, engine: Engine) -> None:
    a, b = _pair(client, engine)
    lan = a.new_member(number="M-1")
    a.push(client, a.outbox)
    b.edit(lan.id, at=_at(10), phone="+84901111111")
    b.push(client, b.outbox)
    # A sends its whole (older) profile, with a new name: the name is newer than the name's last edit, the
    # phone is not.
    whole = lan.model_copy(update={"full_name": "Nguyễn Thị Lan Anh", "updated_at": _at(5)})
    a._queue(ItemKind.MEMBER, whole, new_id())
    response = a.push(client, a.outbox[1:])
    assert statuses(response) == ["applied"] and "phone" in (response.results[0].detail or "")
    shown = client.get("/v1/members/M-1", headers=a.auth).json()
    assert (shown["full_name"], shown["updated_at"]) == ("Nguyễn Thị Lan Anh", _at(10))
    # The central kept a field A sent otherwise: A is sent the result too.
    assert [c["body"]["full_name"] for c in a.pull_all(client) if c["kind"] == "member"][-1] == (
        "Nguyễn Thị Lan Anh"
    )
    with Session(engine) as session:
        assert session.scalar(select(m.Member.phone).where(m.Member.id == lan.id)) == "+84901111111"


def test_a_renumbered_member_keeps_its_number_unique(client: TestClient, engine: Engine) -> None:
    a, b = _pair(client, engine)
    lan = a.new_member(number="M-1")
    a.new_member(number="M-2")
    a.push(client, a.outbox)
    b.edit(lan.id, member_number="M-2")
    b.edit(lan.id, member_number="M-3")
    response = b.push(client, b.outbox)
    assert statuses(response) == ["rejected", "applied"]
    assert response.results[0].reason is Reason.MEMBER_NUMBER_TAKEN
    assert client.get("/v1/members/M-3", headers=a.auth).json()["id"] == lan.id
    assert client.get("/v1/members/M-1", headers=a.auth).status_code == 404  # the old number is free again
    c = a.new_member(number="M-1")
    assert statuses(a.push(client, a.outbox[2:])) == ["applied"]
    assert client.get("/v1/members/M-1", headers=a.auth).json()["id"] == c.id


# -- cards -----------------------------------------------------------------------------------------------


def test_a_block_beats_a_link_whichever_arrives_first(client: TestClient, engine: Engine) -> None:
    for block_first in (True, False):
        a, b = _pair(client, engine)
        lan = a.new_member()
        minh = a.new_member(name="Trần Văn Minh")
        card = a.card(lan.id, "uid:" + "ab" * 32)
        a.push(client, a.outbox)
        b.pull_all(client)
        # B blocks the card (lost); A, offline, links the same card to Minh as a new card.
        b.card(lan.id, card.token, "blocked", card_id=card.id, status_reason="lost")
        relink = a.card(minh.id, card.token)
        pushes = [(b, b.outbox), (a, a.outbox[3:])]
        results = [till.push(client, items) for till, items in (pushes if block_first else pushes[::-1])]
        outcome = {r.results[0].id: r.results[0] for r in results}
        link = outcome[a.outbox[3].id]
        assert outcome[b.outbox[0].id].status.value == "applied"
        if block_first:
            assert (link.status.value, link.reason) == ("rejected", Reason.CARD_BLOCKED)
            assert "a block beats a link" in (link.detail or "")
        else:
            assert link.status.value == "rejected" and link.reason is Reason.CARD_TAKEN
        with Session(engine) as session:
            held = session.execute(
                select(m.Card.status, m.Card.member_id, m.Card.id).where(
                    m.Card.store_id == a.store_id, m.Card.token == card.token
                )
            ).one()
        assert tuple(held) == ("blocked", lan.id, card.id)
        # Every till hears of the block, the one that linked included.
        cards = [c["body"] for c in a.pull_all(client) if c["kind"] == "card"]
        assert cards[-1]["status"] == "blocked" and cards[-1]["token"] == card.token
        assert client.get("/v1/inbox", headers=b.auth).json()["items"][0]["item_id"] == a.outbox[3].id
        del relink


def test_a_replacement_stays_and_an_old_block_is_kept_out(client: TestClient, engine: Engine) -> None:
    a, b = _pair(client, engine)
    lan = a.new_member()
    card = a.card(lan.id, "code:M-77")
    a.push(client, a.outbox)
    replaced = a.card(lan.id, card.token, "replaced", card_id=card.id, replaced_by_id=lan.id)
    a.push(client, a.outbox[2:])
    b.card(lan.id, card.token, "blocked", card_id=card.id, status_reason="lost")
    response = b.push(client, b.outbox)
    assert statuses(response) == ["applied"] and "replaced at the central already" in (
        response.results[0].detail or ""
    )
    with Session(engine) as session:
        assert session.scalar(select(m.Card.status).where(m.Card.token == card.token)) == "replaced"
    del replaced


# -- merges ------------------------------------------------------------------------------------------------


def _balances(engine: Engine, *member_ids: str) -> list[int]:
    with Session(engine) as session:
        found = dict(
            session.execute(select(m.Member.id, m.Member.balance).where(m.Member.id.in_(member_ids))).all()
        )
    return [int(found[i]) for i in member_ids]


def test_entries_for_a_merged_member_follow_the_merge(client: TestClient, engine: Engine) -> None:
    for merge_first in (True, False):
        a, b = _pair(client, engine)
        dup, keep = a.new_member(name="Lan (trùng)"), a.new_member()
        card = a.card(dup.id, "uid:" + "cd" * 32)
        a.entry(dup.id, 40)
        a.push(client, a.outbox)
        b.pull_all(client)
        # A merges: moves the 40 points with transfers, then the merge. B, offline, earns 25 for the duplicate.
        a.entry(dup.id, -40, EntryKind.TRANSFER)
        a.entry(keep.id, 40, EntryKind.TRANSFER)
        a.merge(dup.id, keep.id)
        b.entry(dup.id, 25)
        pushes = [(a, a.outbox[4:]), (b, b.outbox)]
        for till, items in pushes if merge_first else pushes[::-1]:
            assert set(statuses(till.push(client, items))) == {"applied"}
        assert _balances(engine, dup.id, keep.id) == [0, 65]
        seen = b.pull_all(client)
        assert {
            "source_id": dup.id,
            "target_id": keep.id,
            "merged_at": a.outbox[-1].payload["merged_at"],
        } in [c["body"] for c in seen if c["kind"] == "merge"]
        moved = [c["body"] for c in seen if c["kind"] == "entry" and c["body"]["channel"] == "central"]
        # Whichever came first, B's entry counts on the member it names, as at every till, and the central
        # moves what it leaves on the duplicate to the survivor: every till sums the same entries.
        assert [(e["member_id"], e["points"], e["kind"]) for e in moved] == [
            (dup.id, -25, "transfer"),
            (keep.id, 25, "transfer"),
        ]
        with Session(engine) as session:
            counted = session.execute(select(m.Entry.member_id).where(m.Entry.id == b.outbox[0].id)).one()
        assert counted.member_id == dup.id
        with Session(engine) as session:
            assert session.scalar(select(m.Card.member_id).where(m.Card.id == card.id)) == keep.id
            assert session.scalar(select(m.Member.status).where(m.Member.id == dup.id)) == "merged"


def test_a_member_merged_into_two_members_keeps_the_first(
    client: TestClient, engine: Engine, new_code: Callable[[str], str]
) -> None:
    a, b = _pair(client, engine)
    dup, one, two = a.new_member(), a.new_member(), a.new_member()
    a.push(client, a.outbox)
    a.merge(dup.id, one.id)
    b.merge(dup.id, two.id)
    b.merge(one.id, two.id)
    assert statuses(a.push(client, a.outbox[3:])) == ["applied"]
    second = b.push(client, b.outbox)
    assert statuses(second) == ["rejected", "applied"]
    assert second.results[0].reason is Reason.MERGED_ELSEWHERE
    # one was then merged into two: dup's survivor is two, and a repeated merge of dup into two is nothing new.
    a.merge(dup.id, two.id)
    again = a.push(client, a.outbox[4:])
    assert statuses(again) == ["applied"] and "already" in (again.results[0].detail or "")
    a.merge(two.id, dup.id)
    loop = a.push(client, a.outbox[5:])
    assert statuses(loop) == ["rejected"] and loop.results[0].reason is Reason.INVALID_MERGE
    a.entry(dup.id, 9)
    a.push(client, a.outbox[6:])
    assert _balances(engine, dup.id, one.id, two.id) == [0, 0, 9]
    other = enroll(client, new_code("ELSEWHERE"))
    other.merge(dup.id, two.id)
    foreign = other.push(client, other.outbox)
    assert statuses(foreign) == ["rejected"] and foreign.results[0].reason in (
        Reason.FOREIGN_TILL,
        Reason.UNKNOWN_MEMBER,
    )
