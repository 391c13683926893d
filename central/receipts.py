"""Receipt numbers two tills of a store awarded points for.

Each till numbers its receipts on its own, so two tills can award the same number while offline, to one
member or to two. Both awards count (the central counts what the tills committed); the second to arrive also
puts an item in the managers' inbox (kind ``receipt``), so someone checks that it was two sales and not one
rung up twice. A push lists its till sales in ``receipt_awards`` and looks there for the same numbers from other
tills of the store, in the transaction that applies them: pushes of a store take turns, so the later of two
awards always sees the earlier one. The inbox item is claimed like any other (store, item, kind, hash): once,
however often the push is replayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from central.base import MEMBERS, RECEIPTS, among
from central.bulk import insert_rows
from central.inbox import to_inbox
from loyalty.ledger import EntryKind
from sync.protocol import EntryPayload, PushItem, Reason


def _awards(entries: Sequence[tuple[PushItem, EntryPayload]]) -> list[tuple[PushItem, EntryPayload]]:
    """The till sales among ``entries``: an order's number belongs to its channel, not to the tills' series."""
    return [
        (item, entry)
        for item, entry in entries
        if entry.kind is EntryKind.EARN and entry.channel == "till" and entry.receipt_ref is not None
    ]


def record_awards(
    session: Session,
    store_id: str,
    till_id: str,
    entries: Sequence[tuple[PushItem, EntryPayload]],
    at: datetime,
) -> int:
    """List the till sales among ``entries`` (applied now, by ``till_id``) and put each whose number another
    till of the store awarded in the inbox. Returns how many went to the inbox."""
    return record_pushed_awards(session, store_id, [(till_id, entries)], at)


_STORED_AWARDS = text(
    "SELECT r.receipt_ref, r.entry_id, r.till_id, r.member_id "
    "FROM unnest(CAST(:numbers AS varchar[])) AS u(receipt_ref) "
    "JOIN receipt_awards AS r ON r.store_id = :store_id AND r.receipt_ref = u.receipt_ref"
)


def _stored_awards(session: Session, store_id: str, numbers: list[str]) -> tuple[Any, dict[str, Any]]:
    """The statement reading the store's awards of ``numbers``, and its parameters.

    On PostgreSQL a join with the numbers as a table: each is looked up in the primary key's index. As
    ``receipt_ref = ANY(:numbers)``, the plan the driver prepared while the table was small kept reading every
    award of the store and comparing it with each number (0.5 s a batch once the store held 30,000 awards:
    the push of one till took twice as long)."""
    if session.get_bind().dialect.name == "postgresql":
        return _STORED_AWARDS, {"numbers": numbers, "store_id": store_id}
    query = select(
        RECEIPTS.c.receipt_ref, RECEIPTS.c.entry_id, RECEIPTS.c.till_id, RECEIPTS.c.member_id
    ).where(RECEIPTS.c.store_id == store_id, RECEIPTS.c.receipt_ref.in_(numbers))
    return query, {}


def record_pushed_awards(
    session: Session,
    store_id: str,
    pushes: Sequence[tuple[str, Sequence[tuple[PushItem, EntryPayload]]]],
    at: datetime,
) -> int:
    """``record_awards`` for several pushes applied together, each ``(till id, entries)``, in their order:
    what each push finds is what it would find applied after the ones before it (the awards stored before,
    and those of the earlier pushes). One look-up and one insert for all of them."""
    awarded = [(till_id, _awards(entries)) for till_id, entries in pushes]
    numbers = sorted({entry.receipt_ref for _, awards in awarded for _, entry in awards if entry.receipt_ref})
    if not numbers:
        return 0
    # The awards stored before, then each push's own as it comes: (entry id, till, member) by number.
    seen: dict[str, list[tuple[str, str, str]]] = {}
    for row in session.execute(*_stored_awards(session, store_id, numbers)):
        seen.setdefault(row.receipt_ref, []).append((row.entry_id, row.till_id, row.member_id))
    clashes: list[tuple[str, PushItem, EntryPayload, list[tuple[str, str, str]]]] = []
    for till_id, awards in awarded:
        for item, entry in awards:
            assert entry.receipt_ref is not None
            others = [award for award in seen.get(entry.receipt_ref, []) if award[1] != till_id]
            if others:
                clashes.append((till_id, item, entry, sorted(others)))
        for _, entry in awards:
            assert entry.receipt_ref is not None
            seen.setdefault(entry.receipt_ref, []).append((entry.id, till_id, entry.member_id))
    insert_rows(
        session,
        RECEIPTS,
        [
            {
                "store_id": store_id,
                "receipt_ref": entry.receipt_ref,
                "entry_id": entry.id,
                "till_id": till_id,
                "member_id": entry.member_id,
            }
            for till_id, awards in awarded
            for _, entry in awards
        ],
    )
    if not clashes:
        return 0
    # Read apart, not joined: the members are spread by member id, these rows by store (docs/operations.md).
    member_numbers: dict[str, str] = {
        row.id: row.member_number
        for row in session.execute(
            select(MEMBERS.c.id, MEMBERS.c.member_number).where(
                among(session, MEMBERS.c.id, sorted({award[2] for *_, found in clashes for award in found}))
            )
        )
    }
    for till_id, item, entry, found in clashes:
        listed = "; ".join(
            f"entry {entry_id} (member {member_numbers.get(member_id, 'unknown')}, till {other_till})"
            for entry_id, other_till, member_id in found
        )
        detail = (
            f"receipt {entry.receipt_ref} was awarded at another till of the store too: "
            f"{listed}. Both count: check it was two sales, not one rung up twice"
        )
        to_inbox(
            session,
            store_id,
            till_id,
            item,
            "receipt",
            Reason.RECEIPT_TWICE,
            detail[:2000],
            at,
            member_id=entry.member_id,
        )
    return len(clashes)
