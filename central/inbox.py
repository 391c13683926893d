"""The managers' reconciliation inbox: conflicting and rejected push items, overdrafts, and receipt numbers two
tills awarded points for (``central.receipts``).

A manager acts through a till of the store: the till checks the manager's PIN and permission (as it does for
any manager-only action), then forwards the decision with the manager's staff id under its own token. The
central records the decision on the item (who, at which till, when, why) and in the store's hash-chained
audit log; resolved items stay listed (``status=resolved`` or ``all``).

- ``recover`` (overdrafts): the member's next earnings pay the overdraft back; they do so whether or not a
  manager has looked, so this records the decision.
- ``write_off`` (overdrafts, reason required): the central credits what is still owed with an ``adjust`` entry in
  its own chain (it reaches every till at the next pull), which pays exactly this overdraft.
- ``dismiss`` (conflicts, rejections and receipts, reason required): looked at, nothing to do at the central.

Resolving is claimed by a conditional ``UPDATE ... WHERE resolved_at IS NULL``: the same decision sent twice
(a lost reply) answers the first resolution again; a different one is refused.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.base import (
    AUDIT,
    ENTRIES,
    INBOX,
    MEMBERS,
    OVERDRAFTS,
    Conflict,
    Invalid,
    NotFound,
    Work,
    insert_on_conflict,
    now,
)
from central.ledger import active_program, audit, central_writer, finish, write_entry
from loyalty.ledger import EntryKind
from sync.protocol import (
    DEFAULT_PAGE,
    InboxEntry,
    InboxResolveRequest,
    InboxResolveResponse,
    InboxResponse,
    PushItem,
    Reason,
    format_utc,
)

InboxStatus = Literal["open", "resolved", "all"]


def to_inbox(
    session: Session,
    store_id: str,
    till_id: str,
    item: PushItem,
    kind: str,
    reason: Reason,
    detail: str,
    at: Any,
    *,
    member_id: str | None = None,
) -> None:
    """One inbox item per (store, item, kind, hash), however often the item is replayed."""
    session.execute(
        insert_on_conflict(session, INBOX)
        .values(
            store_id=store_id,
            till_id=till_id,
            item_id=item.id,
            kind=kind,
            reason=reason.value,
            hash=item.hash,
            detail=detail,
            body=item.model_dump(mode="json"),
            created_at=at,
            member_id=member_id,
        )
        .on_conflict_do_nothing()
    )


def _entry(row: Any, overdraft: Any | None) -> InboxEntry:
    return InboxEntry(
        id=row.id,
        item_id=row.item_id,
        till_id=row.till_id,
        kind=row.kind,
        reason=Reason(row.reason),
        detail=row.detail,
        created_at=format_utc(row.created_at),
        member_id=row.member_id,
        points=None if overdraft is None else int(overdraft.points),
        remaining=None if overdraft is None else int(overdraft.remaining),
        resolution=row.resolution,
        resolved_at=None if row.resolved_at is None else format_utc(row.resolved_at),
        resolved_by=row.resolved_by,
        resolved_via=row.resolved_via,
        note=row.note,
    )


def _overdraft(session: Session, row: Any) -> Any | None:
    if row.kind != "overdraft" or row.member_id is None:
        return None
    return session.execute(
        select(OVERDRAFTS.c.points, OVERDRAFTS.c.remaining, OVERDRAFTS.c.status).where(
            OVERDRAFTS.c.member_id == row.member_id, OVERDRAFTS.c.id == row.item_id
        )
    ).first()


def inbox(
    session: Session,
    store_id: str,
    after: int = 0,
    limit: int = DEFAULT_PAGE,
    *,
    status: InboxStatus = "open",
    kind: str | None = None,
    member_id: str | None = None,
) -> InboxResponse:
    """The store's inbox items after ``after`` (an inbox id), oldest first, filtered."""
    query = select(INBOX).where(INBOX.c.store_id == store_id, INBOX.c.id > after)
    if status == "open":
        query = query.where(INBOX.c.resolved_at.is_(None))
    elif status == "resolved":
        query = query.where(INBOX.c.resolved_at.is_not(None))
    if kind is not None:
        query = query.where(INBOX.c.kind == kind)
    if member_id is not None:
        query = query.where(INBOX.c.member_id == member_id)
    rows = session.execute(query.order_by(INBOX.c.id).limit(limit + 1)).all()
    return InboxResponse(
        items=[_entry(row, _overdraft(session, row)) for row in rows[:limit]],
        more=len(rows) > limit,
    )


def resolve(
    session: Session, store_id: str, till_id: str, item_id: int, request: InboxResolveRequest
) -> InboxResolveResponse:
    """A manager's decision on an inbox item of the store, forwarded by ``till_id`` (docstring above)."""
    at = now()
    reason = (request.reason or "").strip() or None
    if request.action in ("write_off", "dismiss") and reason is None:
        raise Invalid(f"say why: a reason is required to {request.action.replace('_', ' ')}")
    row = session.execute(select(INBOX).where(INBOX.c.id == item_id, INBOX.c.store_id == store_id)).first()
    if row is None:
        raise NotFound(f"no inbox item {item_id} in this store")
    if (row.kind == "overdraft") != (request.action != "dismiss"):
        raise Invalid(
            "an overdraft is recovered or written off"
            if row.kind == "overdraft"
            else "only an overdraft can be recovered or written off: dismiss a conflict or rejection"
        )
    claimed = session.execute(
        update(INBOX)
        .where(INBOX.c.id == item_id, INBOX.c.resolved_at.is_(None))
        .values(
            resolved_at=at,
            resolution=request.action,
            resolved_by=request.staff_id,
            resolved_via=till_id,
            note=reason,
        )
        .returning(INBOX.c.id)
    ).first()
    if claimed is None:
        if row.resolution == request.action:
            return _answer(session, store_id, item_id)  # the same decision again (a lost reply)
        raise Conflict(f"inbox item {item_id} was resolved already ({row.resolution} by {row.resolved_by})")
    work = Work(store_id=store_id, writer_id=till_id, now=at)
    details: dict[str, Any] = {"inbox_item": item_id, "kind": row.kind, "item_id": row.item_id}
    entry_id = None
    if row.kind == "overdraft":
        entry_id = _settle_overdraft(session, work, row, request, reason, details)
    finish(session, work)
    audit(
        session,
        store_id,
        actor=request.staff_id,
        via=till_id,
        action={"recover": "overdraft.recover", "write_off": "overdraft.write_off"}.get(
            request.action, "inbox.dismiss"
        ),
        subject=str(item_id),
        details={**details, "reason": reason},
        at=at,
    )
    return _answer(session, store_id, item_id, entry_id)


def _settle_overdraft(
    session: Session,
    work: Work,
    row: Any,
    request: InboxResolveRequest,
    reason: str | None,
    details: dict[str, Any],
) -> str | None:
    # The member's row first (the lock order of every writer: members, a chain, the store).
    session.execute(
        select(MEMBERS.c.id).where(MEMBERS.c.id == row.member_id).with_for_update(key_share=True)
    ).one()
    overdraft = session.execute(
        select(OVERDRAFTS.c.remaining, OVERDRAFTS.c.status).where(
            OVERDRAFTS.c.member_id == row.member_id, OVERDRAFTS.c.id == row.item_id
        )
    ).one()
    details["remaining"] = int(overdraft.remaining)
    if request.action == "recover":
        return None
    if overdraft.remaining <= 0:
        raise Conflict("nothing is left to write off: the member's earnings paid this overdraft back already")
    # The overdraft's id is the id of the entry that overspent: the write-off is made under its program.
    program_version = session.execute(
        select(ENTRIES.c.program_version).where(
            ENTRIES.c.member_id == row.member_id, ENTRIES.c.id == row.item_id
        )
    ).scalar()
    program = active_program(session)
    entry = write_entry(
        session,
        work,
        central_writer(session, work.store_id),
        member_id=row.member_id,
        kind=EntryKind.ADJUST,
        points=int(overdraft.remaining),
        channel="central",
        program_version=program_version or (program.version if program else "central"),
        at=work.now,
        staff_id=request.staff_id,
        reason=f"overdraft written off: {reason}"[:2000],
        details={"overdraft": row.item_id, "inbox_item": row.id, "via": work.writer_id},
        pays_first=row.item_id,
    )
    session.execute(
        update(OVERDRAFTS)
        .where(OVERDRAFTS.c.member_id == row.member_id, OVERDRAFTS.c.id == row.item_id)
        .values(status="written_off", settled_at=work.now)
    )
    details["entry_id"] = entry.id
    return entry.id


def _answer(
    session: Session, store_id: str, item_id: int, entry_id: str | None = None
) -> InboxResolveResponse:
    row = session.execute(select(INBOX).where(INBOX.c.id == item_id, INBOX.c.store_id == store_id)).one()
    balance = None
    if row.member_id is not None:
        balance = session.execute(select(MEMBERS.c.balance).where(MEMBERS.c.id == row.member_id)).scalar()
    if entry_id is None and row.resolution == "write_off":
        details = session.execute(
            select(AUDIT.c.details).where(
                AUDIT.c.store_id == store_id,
                AUDIT.c.action == "overdraft.write_off",
                AUDIT.c.subject == str(item_id),
            )
        ).scalar()
        entry_id = None if details is None else details.get("entry_id")
    return InboxResolveResponse(
        item=_entry(row, _overdraft(session, row)),
        entry_id=entry_id,
        balance=None if balance is None else int(balance),
    )
