"""A run of new ledger entries is applied in bulk (``central.service._new_entries``): the same claims, rows and
answers as item by item, and item by item whenever anything in the run is not the common case. On SQLite and
on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, aliased

from central import models as m
from central.service import BULK_MIN
from loyalty.ledger import EntryKind
from sync.protocol import ItemStatus, Reason

from .tillmodel import Till, enroll, statuses

RUN = BULK_MIN * 3


def _state(engine: Engine, till: Till) -> dict[str, Any]:
    """What the central holds of a till's entries, without the ids that differ from till to till."""
    with Session(engine) as session:
        entries = session.execute(
            select(m.Entry.seq, m.Entry.points, m.Entry.kind, m.Entry.epoch, m.Entry.hash == m.Item.hash)
            .join(m.Item, m.Item.id == m.Entry.id)
            .where(m.Entry.till_id == till.id)
            .order_by(m.Entry.seq)
        ).all()
        members = session.execute(
            select(m.Member.member_number, m.Member.balance, m.Member.entry_count)
            .where(m.Member.store_id == till.store_id)
            .order_by(m.Member.member_number)
        ).all()
        slots = session.execute(
            select(m.PushSlot.seq, m.PushSlot.status)
            .where(m.PushSlot.till_id == till.id)
            .order_by(m.PushSlot.seq)
        ).all()
        positions = session.scalar(
            select(func.count()).select_from(m.LedgerPosition).where(m.LedgerPosition.till_id == till.id)
        )
        # Balance changes come one per member and batch: how many depends on the batches, not the entries.
        changes = session.execute(
            select(m.Change.kind, func.count())
            .where(m.Change.store_id == till.store_id, m.Change.kind != "balance")
            .group_by(m.Change.kind)
            .order_by(m.Change.kind)
        ).all()
        # Lots and what each debit took from them, by the entries' places in the till's ledger.
        lots = session.execute(
            select(m.Entry.seq, m.CentralLot.points, m.CentralLot.remaining)
            .join(m.Entry, m.Entry.id == m.CentralLot.id)
            .where(m.Entry.till_id == till.id)
            .order_by(m.Entry.seq)
        ).all()
        debit, lot_entry = aliased(m.Entry), aliased(m.Entry)
        uses = session.execute(
            select(debit.seq, lot_entry.seq, m.CentralLotUse.points)
            .join(debit, debit.id == m.CentralLotUse.entry_id)
            .join(lot_entry, lot_entry.id == m.CentralLotUse.lot_id)
            .where(debit.till_id == till.id)
            .order_by(debit.seq, lot_entry.seq)
        ).all()
    return {
        "lots": [tuple(row) for row in lots],
        "uses": [tuple(row) for row in uses],
        "entries": [tuple(row) for row in entries],
        "members": [(number[-1:], balance, count) for number, balance, count in members],
        "slots": [tuple(row) for row in slots],
        "positions": positions,
        "changes": [tuple(row) for row in changes],
    }


def _sales(till: Till, numbers: tuple[str, str, str]) -> None:
    """Three members and a run of their sales, with redemptions for two of them (the third only earns: its
    lots are never read), as a till queues them offline."""
    lan = till.new_member(number=numbers[0])
    minh = till.new_member(number=numbers[1])
    an = till.new_member(number=numbers[2])
    for n in range(RUN):
        member = an if n % 5 == 4 else lan if n % 3 else minh
        if n % 7 == 6 and member is not an:
            till.redeem(member.id, 5 + n)
        else:
            till.entry(member.id, 10 + n)


def test_a_run_in_bulk_holds_what_item_by_item_holds(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    bulk, one_by_one = enroll(client, new_code("B1")), enroll(client, new_code("B2"))
    _sales(bulk, ("B1-1", "B1-2", "B1-3"))
    _sales(one_by_one, ("B2-1", "B2-2", "B2-3"))

    assert statuses(bulk.push(client, bulk.outbox)) == ["applied"] * (RUN + 3)
    for item in one_by_one.outbox:  # batches of one: never a run
        assert statuses(one_by_one.push(client, [item])) == ["applied"]

    assert _state(engine, bulk) == _state(engine, one_by_one)
    # A lost reply: the same batch again is answered from the claims, item by item, and changes nothing.
    again = bulk.push(client, bulk.outbox)
    assert statuses(again) == ["duplicate"] * (RUN + 3)
    assert {r.original for r in again.results} == {ItemStatus.APPLIED}
    assert _state(engine, bulk) == _state(engine, one_by_one)


def test_a_run_with_a_refused_item_is_taken_item_by_item(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    till = enroll(client, new_code("B3"))
    lan = till.new_member()
    till.push(client, till.outbox)
    for n in range(RUN):
        if n == 5:
            till.entry("01890000-0000-7000-8000-000000000000", 40)  # a member the central never heard of
        elif n == 9:
            till.outbox[-1:] = [till.entry(lan.id, 9).model_copy(update={"hash": "0" * 64})]
        else:
            till.entry(lan.id, 1)

    response = till.push(client, till.outbox[1:])

    expected = ["applied"] * RUN
    expected[5] = expected[9] = "rejected"
    assert statuses(response) == expected
    assert response.results[5].reason is Reason.UNKNOWN_MEMBER
    assert response.results[9].reason is Reason.HASH_MISMATCH
    assert response.next_seq == RUN + 2
    with Session(engine) as session:
        member = session.get_one(m.Member, lan.id)
        assert (member.balance, member.entry_count) == (RUN - 2, RUN - 2)


def test_an_id_claimed_before_sends_the_run_item_by_item(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    first, second = enroll(client, new_code("B4")), enroll(client, new_code("B5"))
    lan = first.new_member()
    first.entry(lan.id, 3)
    first.push(client, first.outbox)
    minh = second.new_member()
    for _ in range(RUN):
        second.entry(minh.id, 2)
    # The last entry reuses an id the first till's entry holds: a conflict, however it arrives.
    reused = second.outbox[-1].model_copy(update={"id": first.outbox[-1].id})
    second.outbox[-1] = reused

    response = second.push(client, second.outbox)

    assert statuses(response) == ["applied"] * RUN + ["conflict"]
    assert response.results[-1].reason is Reason.SAME_ID_OTHER_CONTENT
    with Session(engine) as session:
        member = session.get_one(m.Member, minh.id)
        assert (member.balance, member.entry_count) == (2 * (RUN - 1), RUN - 1)


def test_a_run_for_a_merged_member_ends_on_the_survivor(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    till = enroll(client, new_code("B6"))
    dup, keep = till.new_member(name="Lan (trùng)"), till.new_member()
    till.merge(dup.id, keep.id)
    till.push(client, till.outbox)
    for _ in range(RUN):
        till.entry(dup.id, 5, EntryKind.EARN)

    assert statuses(till.push(client, till.outbox[3:])) == ["applied"] * RUN

    with Session(engine) as session:
        counted = dict(
            session.execute(
                select(m.Entry.member_id, func.count())
                .where(m.Entry.till_id == till.id)
                .group_by(m.Entry.member_id)
            ).all()
        )
        # Counted on the member each entry names (as at the tills); the central moved the duplicate's
        # points to the survivor with one pair of transfers.
        assert counted == {dup.id: RUN}
        assert session.get_one(m.Member, keep.id).balance == 5 * RUN
        assert session.get_one(m.Member, dup.id).balance == 0
        moved = session.execute(
            select(m.Entry.member_id, m.Entry.points)
            .where(m.Entry.kind == "transfer", m.Entry.member_id.in_([dup.id, keep.id]))
            .order_by(m.Entry.points)
        ).all()
        assert [tuple(row) for row in moved] == [(dup.id, -5 * RUN), (keep.id, 5 * RUN)]


def test_entries_sent_again_under_a_new_epoch_are_duplicates(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    till = enroll(client, new_code("B7"))
    lan = till.new_member()
    for _ in range(RUN):
        till.entry(lan.id, 2)
    assert statuses(till.push(client, till.outbox)) == ["applied"] * (RUN + 1)
    assert client.post("/v1/epoch", headers=till.auth).status_code == 200
    till.epoch = 2
    # Restored from a backup: what the outbox held goes again, numbered from 1 in the new epoch. Every id is
    # claimed already, so the run's claim comes back short and the items are answered one by one.
    again = [item.model_copy(update={"seq": n}) for n, item in enumerate(till.outbox, start=1)]

    response = till.push(client, again)

    assert statuses(response) == ["duplicate"] * (RUN + 1)
    assert response.next_seq == RUN + 2
    with Session(engine) as session:
        member = session.get_one(m.Member, lan.id)
        assert (member.balance, member.entry_count) == (2 * RUN, RUN)


def test_rows_copied_in_bulk_read_back_as_inserted(engine: Engine) -> None:
    """``insert_rows`` (COPY on PostgreSQL, INSERT on SQLite): times, JSON documents with accents and quotes,
    NULLs and big numbers come back as they went in."""
    from datetime import UTC, datetime, timedelta, timezone

    from central.base import CHANGES
    from central.bulk import COPY_FROM, insert_rows
    from central.service import create_store

    at = datetime(2026, 11, 29, 23, 30, 15, 123456, tzinfo=timezone(timedelta(hours=7)))
    rows = [
        {
            "store_id": "",
            "no": 2**40 + i,
            "kind": "entry",
            "origin_till_id": None if i % 2 else f"till-{i}",
            "body": {"name": 'Nguyễn "Văn" An\\t\n', "points": -i, "nested": {"list": [1, None, True]}},
            "created_at": at + timedelta(seconds=i),
        }
        for i in range(COPY_FROM + 5)
    ]
    with Session(engine) as session, session.begin():
        store_id = create_store(session, "BULK", "Bulk").id
        for row in rows:
            row["store_id"] = store_id
        insert_rows(session, CHANGES, rows)
    with Session(engine) as session:
        back = session.execute(
            select(m.Change.no, m.Change.origin_till_id, m.Change.body, m.Change.created_at)
            .where(m.Change.store_id == store_id)
            .order_by(m.Change.no)
        ).all()
    assert [(r.no, r.origin_till_id, r.body) for r in back] == [
        (row["no"], row["origin_till_id"], row["body"]) for row in rows
    ]
    assert [r.created_at for r in back] == [row["created_at"].astimezone(UTC) for row in rows]


def test_claims_in_bulk_take_only_what_is_free(engine: Engine) -> None:
    """``claim_rows`` (unnest arrays on PostgreSQL, INSERT … RETURNING on SQLite): the keys of the rows it
    inserted, none of those claimed before (by an earlier claim or within the same call's earlier rows), and
    the rows as they went in."""
    from datetime import UTC, datetime, timedelta

    from central.base import ITEMS
    from central.bulk import COPY_FROM, claim_rows
    from central.ledger import central_writer
    from central.service import create_store

    at = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
    till_id = ""

    def rows(store_id: str, numbers: range) -> list[dict[str, Any]]:
        return [
            {
                "id": f"01930000-0000-7000-8000-{n:012d}",
                "store_id": store_id,
                "till_id": till_id,
                "epoch": 1,
                "seq": 2**40 + n,
                "kind": "ledger_entry",
                "hash": f"{n:064x}",
                "status": "applied",
                "reason": None if n % 2 else 'it\'s "quoted"',
                "received_at": at + timedelta(seconds=n),
            }
            for n in numbers
        ]

    with Session(engine) as session, session.begin():
        store_id = create_store(session, "CLAIM", "Claims").id
        till_id = central_writer(session, store_id)
        first = claim_rows(session, ITEMS, rows(store_id, range(COPY_FROM * 2)), "id")
        assert len(first) == COPY_FROM * 2
        # Half of these were claimed above: only the new half comes back, in bulk and one by one alike.
        again = claim_rows(session, ITEMS, rows(store_id, range(COPY_FROM, COPY_FROM * 3)), "id")
        assert sorted(again) == [
            f"01930000-0000-7000-8000-{n:012d}" for n in range(COPY_FROM * 2, COPY_FROM * 3)
        ]
        few = claim_rows(session, ITEMS, rows(store_id, range(COPY_FROM * 3 - 2, COPY_FROM * 3 + 2)), "id")
        assert len(few) == 2
    with Session(engine) as session:
        back = session.execute(
            select(m.Item.seq, m.Item.reason, m.Item.received_at)
            .where(m.Item.store_id == store_id)
            .order_by(m.Item.seq)
        ).all()
    assert [(r.seq, r.reason, r.received_at) for r in back] == [
        (row["seq"], row["reason"], row["received_at"]) for row in rows(store_id, range(COPY_FROM * 3 + 2))
    ]


def test_numbers_added_in_bulk_reach_their_rows_only(engine: Engine) -> None:
    """``add_to_rows`` (one ``UPDATE … FROM unnest`` on PostgreSQL, an executemany on SQLite): each row's
    numbers added to its own member (negative and past 32 bits too), in a large call and a small one; the
    members it does not name keep theirs."""
    from central.base import MEMBERS
    from central.bulk import COPY_FROM, add_to_rows, insert_rows
    from central.service import create_store

    count = COPY_FROM * 3
    ids = [f"01930000-0000-7000-8000-{n:012d}" for n in range(count)]
    with Session(engine) as session, session.begin():
        store_id = create_store(session, "ADD", "Adds").id
        insert_rows(
            session,
            MEMBERS,
            [
                {
                    "id": member_id,
                    "store_id": store_id,
                    "member_number": f"{n:08d}",
                    "full_name": f"Khách {n}",
                    "status": "active",
                    "balance": n,
                    "entry_count": 1,
                    "updated_at": "2026-11-30T00:00:00.000000Z",
                }
                for n, member_id in enumerate(ids)
            ],
        )
        many = [{"id": ids[n], "balance": (-1) ** n * 2**33, "entry_count": n} for n in range(0, count, 2)]
        add_to_rows(session, MEMBERS, "id", many)
        add_to_rows(session, MEMBERS, "id", [{"id": ids[1], "balance": -5, "entry_count": 2}])
    with Session(engine) as session:
        back = dict(
            (r.id, (r.balance, r.entry_count))
            for r in session.execute(select(m.Member.id, m.Member.balance, m.Member.entry_count))
            if r.id in ids
        )
    expected = {member_id: (n, 1) for n, member_id in enumerate(ids)}
    for n in range(0, count, 2):
        expected[ids[n]] = (n + (-1) ** n * 2**33, 1 + n)
    expected[ids[1]] = (1 - 5, 3)
    assert back == expected


def _receipt_items(engine: Engine, store_id: str) -> list[tuple[str, str | None, str]]:
    with Session(engine) as session:
        rows = session.execute(
            select(m.InboxItem.item_id, m.InboxItem.member_id, m.InboxItem.detail)
            .where(m.InboxItem.store_id == store_id, m.InboxItem.kind == "receipt")
            .order_by(m.InboxItem.id)
        ).all()
    return [(row.item_id, row.member_id, row.detail or "") for row in rows]


def test_a_receipt_number_awarded_at_two_tills_goes_to_the_inbox_once(
    client: TestClient, new_code: Callable[[str], str], engine: Engine
) -> None:
    """Two tills of a store award receipts HD-3 and HD-10 while offline; the second till's run (in bulk) and a
    third till's single sale (item by item) bring each number again. Each later award is one inbox item naming
    the earlier ones, whatever is sent again; redemptions and a till's own numbers are not compared."""
    a, b, c = (enroll(client, new_code("RC")) for _ in range(3))
    lan = a.new_member(number="RC-1")
    a.push(client, a.outbox)
    for till, prefix in ((a, "A"), (b, "B")):
        for n in range(RUN):
            till.entry(lan.id, 5, receipt_ref=f"HD-{n}" if n in (3, 10) else f"{prefix}-{n}")
        till.redeem(lan.id, 1)  # a redemption carries no sale's number: R{seq} is the till model's
    assert set(statuses(a.push(client, a.outbox[1:]))) == {"applied"}
    assert _receipt_items(engine, a.store_id) == []
    b_sales = {item.payload["receipt_ref"]: item.id for item in b.outbox}
    assert set(statuses(b.push(client, b.outbox))) == {"applied"}
    found = _receipt_items(engine, a.store_id)
    assert [(item_id, member) for item_id, member, _ in found] == [
        (b_sales["HD-3"], lan.id),
        (b_sales["HD-10"], lan.id),
    ]
    a_sales = {item.payload["receipt_ref"]: item.id for item in a.outbox[1:]}
    assert a_sales["HD-3"] in found[0][2] and "RC-1" in found[0][2] and a.id in found[0][2]
    # Sent again, in bulk and one by one: duplicates, no new item.
    assert set(statuses(b.push(client, b.outbox))) == {"duplicate"}
    for item in b.outbox[:12]:
        assert statuses(b.push(client, [item])) == ["duplicate"]
    assert len(_receipt_items(engine, a.store_id)) == 2
    # A third till's single sale of HD-10: one item, naming both earlier awards.
    third = c.entry(lan.id, 5, receipt_ref="HD-10")
    assert statuses(c.push(client, c.outbox)) == ["applied"]
    *_, (item_id, _, detail) = _receipt_items(engine, a.store_id)
    assert item_id == third.id and a_sales["HD-10"] in detail and b_sales["HD-10"] in detail
    assert len(_receipt_items(engine, a.store_id)) == 3
