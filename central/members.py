"""Members, cards and merges pushed by the tills, and how the central arbitrates between tills that changed the
same thing offline (docs/sync.md, "Conflicts"):

- **Profiles merge field by field.** The central keeps, for each profile field, the time of the edit that set
  it and the writer (till) that made it. An edit sets a field only when it is newer, ties broken by the greater
  writer id: two tills editing different fields both win, the same field goes to the later edit, and every
  till ends with the same profile whatever order the pushes arrive in. A ``member`` item (a whole profile) sets
  every field at its ``updated_at``; a ``member_edit`` item only the fields it changed. A member merged away or
  erased keeps that status.
- **A block beats a link.** A card is one row per store and token. A block or replacement applies whenever it
  arrives; a link of a card the central holds blocked or replaced is refused (``card_blocked``), and a link of a
  card held by another member is refused (``card_taken``): both go to the inbox. The central's card goes to
  every till.
- **Entries follow merges.** A ``merge`` item points the duplicate at the survivor: every entry counts on the
  member it names, as at the tills, and what the duplicate holds after a request — entries that reached it
  before the merge, or for it from a till that had not heard of the merge — is moved to the survivor by the
  central with transfer entries (``central.service.follow_merge``, ``central.ledger.finish``). A duplicate merged into two different members at
  two tills: the first merge to arrive wins, the other is refused (``merged_elsewhere``).
- **An erasure is for good.** An ``erase`` item anonymises the member once (name, phone, e-mail; the number
  and the points stay), unlinks its cards, is audited and goes to every till. From then on an edit, a whole
  profile or a card of the member is refused (``member_erased``, into the inbox): a till that edited the
  person offline cannot bring them back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from central.base import CARDS, MEMBERS, NUMBERS, ItemRefused, Work, insert_on_conflict
from central.ledger import survivor
from sync.protocol import (
    ERASED_NAME,
    PROFILE_FIELDS,
    CardPayload,
    ChangeKind,
    ErasePayload,
    ItemStatus,
    MemberEditPayload,
    MemberPayload,
    MergePayload,
    Reason,
)

TERMINAL = ("merged", "erased")
"""Statuses no profile edit undoes."""

ERASED_MARK = "erased"
"""The key in ``members.field_times`` that marks an erasure, ``[erased_at, till]``: a merged member keeps its
status ``merged`` when it is erased, and is still never edited again."""

_CARD_RANK = {"active": 0, "blocked": 1, "replaced": 2}
"""A card only moves up: active, blocked, replaced."""


def member_body(session: Session, member_id: str) -> dict[str, Any]:
    """A member as pull sends it (the fields of ``MemberPayload``)."""
    row = session.execute(select(MEMBERS).where(MEMBERS.c.id == member_id)).mappings().one()
    body = {k: row[k] for k in ("id", "store_id", *PROFILE_FIELDS, "updated_at")}
    # Each field's [time, writer]: a till keeps its own newer edit of a field and takes the rest, as here.
    times = row["field_times"] or {}
    body["field_times"] = {name: times[name] for name in PROFILE_FIELDS if name in times}
    return body


def is_erased(row: Any) -> bool:
    return row["status"] == "erased" or ERASED_MARK in (row["field_times"] or {})


def _refuse(reason: Reason, detail: str) -> ItemRefused:
    return ItemRefused(ItemStatus.REJECTED, reason, detail)


def apply_member(session: Session, work: Work, member: MemberPayload) -> str | None:
    """A member created at a till, or a whole profile: every field as of ``updated_at``."""
    values = member.model_dump(mode="json")
    profile: dict[str, Any] = {name: values[name] for name in PROFILE_FIELDS}
    stamp = [member.updated_at, work.writer_id]
    created = session.execute(
        insert_on_conflict(session, MEMBERS)
        .values(
            id=member.id,
            store_id=member.store_id,
            balance=0,
            entry_count=0,
            updated_at=member.updated_at,
            merged_into_id=None,
            field_times={name: stamp for name in PROFILE_FIELDS},
            **profile,
        )
        .on_conflict_do_nothing()
        .returning(MEMBERS.c.id)
    ).first()
    if created is not None:
        _claim_number(session, member.store_id, member.member_number, member.id)
        work.changes.append((ChangeKind.MEMBER, work.writer_id, member_body(session, member.id)))
        return None
    return merge_fields(session, work, member.id, profile, member.updated_at)


def apply_member_edit(session: Session, work: Work, edit: MemberEditPayload) -> str | None:
    """Only the fields an edit changed, each taken if the edit is the newest for it."""
    changes: dict[str, Any] = {str(name): value for name, value in edit.changes.items()}
    return merge_fields(session, work, edit.member_id, changes, edit.edited_at)


def _claim_number(session: Session, store_id: str, number: str, member_id: str) -> None:
    claimed = session.execute(
        insert_on_conflict(session, NUMBERS)
        .values(store_id=store_id, member_number=number, member_id=member_id)
        .on_conflict_do_nothing()
        .returning(NUMBERS.c.member_id)
    ).first()
    if claimed is None:
        raise _refuse(Reason.MEMBER_NUMBER_TAKEN, "another member of this store has this number")


def _stamp_of(times: dict[str, Any], name: str, updated_at: str) -> tuple[str, str]:
    found = times.get(name)
    if isinstance(found, list) and len(found) == 2:
        return str(found[0]), str(found[1])
    return updated_at, ""  # a row from before per-field times: its profile's time, the lowest writer


def merge_fields(
    session: Session, work: Work, member_id: str, changes: dict[str, Any], edited_at: str
) -> str | None:
    """Take each changed field whose stored edit is older than this one (ties: the greater writer id)."""
    row = (
        session.execute(select(MEMBERS).where(MEMBERS.c.id == member_id).with_for_update(key_share=True))
        .mappings()
        .first()
    )
    if row is None:
        raise _refuse(Reason.UNKNOWN_MEMBER, "no member with this id in this store")
    if row["store_id"] != work.store_id:
        raise _refuse(Reason.FOREIGN_TILL, "the member belongs to another store")
    if is_erased(row):
        if changes.get("status") == "erased":
            return "the member's personal data was erased already"
        raise _refuse(
            Reason.MEMBER_ERASED,
            "this member's personal data was erased at a till: the edit is not taken, so that the person "
            "is not brought back",
        )
    if changes.get("status") == "erased":
        # A whole profile with status erased: how tills sent an erasure before the ``erase`` item.
        return erase_member(session, work, member_id, edited_at, None)
    times: dict[str, Any] = dict(row["field_times"] or {})
    stamp = (edited_at, work.writer_id)
    taken: dict[str, Any] = {}
    kept: list[str] = []
    for name, value in changes.items():
        if name == "status" and row["status"] in TERMINAL:
            kept.append(name)
            continue
        if stamp > _stamp_of(times, name, row["updated_at"]):
            times[name] = list(stamp)
            if row[name] != value:
                taken[name] = value
        elif row[name] != value:
            kept.append(name)
    if not taken and kept and len(kept) == len(changes):
        return "the central holds a newer edit of every field: kept"
    if "member_number" in taken:
        _claim_number(session, work.store_id, taken["member_number"], member_id)
        session.execute(
            delete(NUMBERS).where(
                NUMBERS.c.store_id == work.store_id,
                NUMBERS.c.member_number == row["member_number"],
                NUMBERS.c.member_id == member_id,
            )
        )
    # ``updated_at`` is the time of the newest edit taken in: an edit that changed no value leaves it.
    updated_at = max(row["updated_at"], edited_at) if taken else row["updated_at"]
    session.execute(
        update(MEMBERS)
        .where(MEMBERS.c.id == member_id)
        .values(field_times=times, updated_at=updated_at, **taken)
    )
    if taken:
        # The sender already shows what it sent; when the central kept some of its own fields, the sender
        # must learn the result too.
        origin = work.writer_id if not kept else None
        work.changes.append((ChangeKind.MEMBER, origin, member_body(session, member_id)))
    if kept:
        return f"the central holds newer edits of {', '.join(sorted(kept))}: kept"
    return None


def apply_merge(session: Session, work: Work, merge: MergePayload) -> str | None:
    """Point the duplicate at the survivor; its cards follow, and so do its entries from now on."""
    rows = {
        row.id: row
        for row in session.execute(
            select(MEMBERS.c.id, MEMBERS.c.store_id, MEMBERS.c.merged_into_id)
            .where(MEMBERS.c.id.in_([merge.source_id, merge.target_id]))
            .order_by(MEMBERS.c.id)
            .with_for_update(key_share=True)
        )
    }
    for member_id in (merge.source_id, merge.target_id):
        if member_id not in rows:
            raise _refuse(Reason.UNKNOWN_MEMBER, f"no member {member_id} in this store")
        if rows[member_id].store_id != work.store_id:
            raise _refuse(Reason.FOREIGN_TILL, f"member {member_id} belongs to another store")
    target = survivor(session, work.store_id, merge.target_id)
    assert target is not None
    if target == merge.source_id:
        raise _refuse(Reason.INVALID_MERGE, "the target was merged into this member: merging back would loop")
    already = rows[merge.source_id].merged_into_id
    if already is not None:
        if survivor(session, work.store_id, already) == target:
            return "merged into the same member already"
        raise _refuse(
            Reason.MERGED_ELSEWHERE,
            f"this member was merged into {already} at another till first: a manager decides",
        )
    times_row = session.execute(
        select(MEMBERS.c.field_times, MEMBERS.c.updated_at).where(MEMBERS.c.id == merge.source_id)
    ).one()
    times = dict(times_row.field_times or {})
    times["status"] = [merge.merged_at, work.writer_id]
    session.execute(
        update(MEMBERS)
        .where(MEMBERS.c.id == merge.source_id)
        .values(
            status="merged",
            merged_into_id=target,
            field_times=times,
            updated_at=max(times_row.updated_at, merge.merged_at),
        )
    )
    session.execute(
        update(CARDS)
        .where(CARDS.c.store_id == work.store_id, CARDS.c.member_id == merge.source_id)
        .values(member_id=target)
    )
    work.merged.append((merge.source_id, target))
    work.changes.append(
        (
            ChangeKind.MERGE,
            None,
            {"source_id": merge.source_id, "target_id": target, "merged_at": merge.merged_at},
        )
    )
    work.changes.append((ChangeKind.MEMBER, None, member_body(session, merge.source_id)))
    return None


def apply_erase(session: Session, work: Work, erase: ErasePayload) -> str | None:
    return erase_member(session, work, erase.member_id, erase.erased_at, erase.staff_id)


def erase_member(
    session: Session, work: Work, member_id: str, erased_at: str, staff_id: str | None
) -> str | None:
    """Anonymise the member once: name, phone and e-mail go; the number, tier and points stay (the ledger
    keeps its arithmetic without the person); its cards are unlinked; audited; sent to every till."""
    row = (
        session.execute(select(MEMBERS).where(MEMBERS.c.id == member_id).with_for_update(key_share=True))
        .mappings()
        .first()
    )
    if row is None:
        raise _refuse(Reason.UNKNOWN_MEMBER, "no member with this id in this store")
    if row["store_id"] != work.store_id:
        raise _refuse(Reason.FOREIGN_TILL, "the member belongs to another store")
    if is_erased(row):
        return "the member's personal data was erased already"
    times: dict[str, Any] = dict(row["field_times"] or {})
    stamp = [erased_at, work.writer_id]
    for name in ("full_name", "phone", "email"):
        times[name] = max(stamp, list(_stamp_of(times, name, row["updated_at"])))
    times[ERASED_MARK] = stamp
    values: dict[str, Any] = {"full_name": ERASED_NAME, "phone": None, "email": None}
    if row["status"] != "merged":
        values["status"] = "erased"
        times["status"] = stamp
    session.execute(
        update(MEMBERS)
        .where(MEMBERS.c.id == member_id)
        .values(field_times=times, updated_at=max(row["updated_at"], erased_at), **values)
    )
    cards = session.execute(
        select(func.count())
        .select_from(CARDS)
        .where(CARDS.c.store_id == work.store_id, CARDS.c.member_id == member_id)
    ).scalar_one()
    session.execute(delete(CARDS).where(CARDS.c.store_id == work.store_id, CARDS.c.member_id == member_id))
    # To every till, the sender too: a till that erased a member merged into this one learns it as well.
    work.changes.append((ChangeKind.ERASE, None, {"member_id": member_id, "erased_at": erased_at}))
    work.audits.append(
        {
            "actor": staff_id or "till",
            "via": work.writer_id,
            "action": "member.erase",
            "subject": member_id,
            "details": {"member": row["member_number"], "erased_at": erased_at, "cards": int(cards)},
        }
    )
    return None


def card_body(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "store_id": row["store_id"],
        "member_id": row["member_id"],
        "token": row["token"],
        "kind": row["kind"],
        "status": row["status"],
        "label": row["label"],
        "replaced_by_id": row["replaced_by_id"],
        "status_reason": row["status_reason"],
        "changed_at": row["changed_at"],
    }


def apply_card(session: Session, work: Work, card: CardPayload) -> str | None:
    """A card linked, blocked or replaced at a till, against the central's card of the same token."""
    member = survivor(session, work.store_id, card.member_id)
    if member is None:
        raise _refuse(Reason.UNKNOWN_MEMBER, "no member with this id in this store")
    holder = session.execute(select(MEMBERS).where(MEMBERS.c.id == member)).mappings().one()
    if is_erased(holder):
        raise _refuse(
            Reason.MEMBER_ERASED,
            "this member's personal data was erased at a till: a card cannot be linked to them any more",
        )
    values = card.model_dump(mode="json")
    values["member_id"] = member
    created = session.execute(
        insert_on_conflict(session, CARDS).values(**values).on_conflict_do_nothing().returning(CARDS.c.id)
    ).first()
    if created is not None:
        _card_change(session, work, card.token, work.writer_id)
        return None
    held = (
        session.execute(
            select(CARDS)
            .where(CARDS.c.store_id == work.store_id, CARDS.c.token == card.token)
            .with_for_update(key_share=True)
        )
        .mappings()
        .one()
    )
    held_rank, rank = _CARD_RANK[held["status"]], _CARD_RANK[card.status]
    if rank == 0:
        if held_rank > 0:
            if held["id"] == card.id and card.changed_at <= held["changed_at"]:
                return "the card is blocked at the central since: kept"
            raise _refuse(
                Reason.CARD_BLOCKED,
                f"this card was {held['status']} at another till: a block beats a link, the card stays "
                f"{held['status']}",
            )
        if held["member_id"] != member:
            raise _refuse(Reason.CARD_TAKEN, "this card is linked to another member of the store")
        return None if held["id"] == card.id else "the card was linked to this member already"
    if rank < held_rank:
        return f"the card is {held['status']} at the central already: kept"
    if rank == held_rank and card.changed_at <= held["changed_at"]:
        return None
    session.execute(
        update(CARDS)
        .where(CARDS.c.store_id == work.store_id, CARDS.c.token == card.token)
        .values(
            status=card.status,
            status_reason=card.status_reason,
            replaced_by_id=card.replaced_by_id or held["replaced_by_id"],
            changed_at=max(card.changed_at, held["changed_at"]),
        )
    )
    # A block that beat a link must reach the till that linked: to every till.
    _card_change(session, work, card.token, None)
    return None


def _card_change(session: Session, work: Work, token: str, origin: str | None) -> None:
    row = (
        session.execute(select(CARDS).where(CARDS.c.store_id == work.store_id, CARDS.c.token == token))
        .mappings()
        .one()
    )
    work.changes.append((ChangeKind.CARD, origin, card_body(row)))
