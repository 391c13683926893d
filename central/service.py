"""The central service's use cases, on a SQLAlchemy session: enrollment, push, pull, member look-up, programs.

Each public function runs inside the caller's transaction (the API opens one per request) and is correct on
PostgreSQL under concurrent requests and on SQLite (one writer at a time, ``BEGIN IMMEDIATE``):

- a push takes its store's turn, then locks its till's row (``SELECT ... FOR UPDATE``), so two pushes of one
  till run one after the other and agree on ``next_seq``; pushes of a store that arrive together are applied
  in one transaction (``push_together``, ``central.push_groups``);
- every item id is *claimed* by ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` on ``items.id``; an item whose
  claim returns nothing was seen before and is answered from the stored hash — never looked up first;
- each item's effects run in a savepoint: a domain refusal rolls back that item only, records it as rejected
  and the batch goes on;
- balances, overdrafts and the entries the central writes itself are in ``central.ledger``; members, cards and
  merges (and how conflicting edits from two tills resolve) in ``central.members``; the inbox in
  ``central.inbox``; other channels in ``central.channels``;
- change numbers for pull are taken last, with ``UPDATE stores SET last_change = last_change + k RETURNING``:
  that row lock is held until commit, so a store's change numbers are handed out in commit order and a reader
  never sees number n+1 committed while n is still in flight (docs/sync.md).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from central import models as m
from central.base import (
    CHANGES,
    CODES,
    ENTRIES,
    ITEMS,
    MEMBERS,
    NUMBERS,
    POSITIONS,
    PROGRAMS,
    SLOTS,
    STORES,
    TILLS,
    Conflict,
    Forbidden,
    Invalid,
    ItemRefused,
    NotFound,
    Posted,
    ServiceError,
    Unauthorized,
    Work,
    among,
    insert_on_conflict,
    sha256_hex,
)
from central.base import now as _now
from central.bulk import claim_rows, insert_rows
from central.inbox import inbox, to_inbox
from central.ledger import append_changes, audit, entry_row, finish, insert_entry, survivor
from central.members import apply_card, apply_erase, apply_member, apply_member_edit, apply_merge
from central.receipts import record_awards, record_pushed_awards
from central.tiers import current_tier
from loyalty.audit import canonical_json
from loyalty.ids import new_id
from loyalty.program import Program
from sync.protocol import (
    CardPayload,
    Change,
    ChangeKind,
    EnrollRequest,
    EnrollResponse,
    EntryPayload,
    EpochResponse,
    ErasePayload,
    ItemKind,
    ItemPayload,
    ItemResult,
    ItemStatus,
    MemberEditPayload,
    MemberPayload,
    MemberResponse,
    MergePayload,
    ProtocolError,
    PullRequest,
    PullResponse,
    PushItem,
    PushRequest,
    PushResponse,
    Reason,
    format_utc,
    item_hash,
    parse_payload,
)

__all__ = [
    "Conflict",
    "Forbidden",
    "Invalid",
    "NotFound",
    "ServiceError",
    "Unauthorized",
    "inbox",
    "sha256_hex",
]

ENROLLMENT_CODE_TTL = timedelta(minutes=30)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


# -- stores, codes, tills ---------------------------------------------------------------------------------------


def create_store(session: Session, code: str, name: str) -> m.Store:
    store = m.Store(
        id=new_id(),
        code=code,
        name=name,
        card_key=secrets.token_hex(32),
        log_id=secrets.token_hex(8),
        last_change=0,
    )
    session.add(store)
    session.flush()
    return store


def store_by_code(session: Session, code: str) -> m.Store | None:
    return session.scalars(select(m.Store).where(m.Store.code == code)).first()


def new_enrollment_code(session: Session, store: m.Store, now: datetime | None = None) -> str:
    """A one-time code for enrolling one till of ``store``; only its hash is stored."""
    now = now or _now()
    letters = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    code = f"{letters[:4]}-{letters[4:8]}-{letters[8:]}"
    session.execute(
        insert(CODES).values(
            code_hash=sha256_hex(code),
            store_id=store.id,
            created_at=now,
            expires_at=now + ENROLLMENT_CODE_TTL,
        )
    )
    return code


def enroll(session: Session, request: EnrollRequest, now: datetime | None = None) -> EnrollResponse:
    """Spend a one-time code (an UPDATE that only one request can win) and give a till its credentials."""
    now = now or _now()
    store_id = session.execute(
        update(CODES)
        .where(
            CODES.c.code_hash == sha256_hex(request.code), CODES.c.used_at.is_(None), CODES.c.expires_at > now
        )
        .values(used_at=now)
        .returning(CODES.c.store_id)
    ).scalar_one_or_none()
    if store_id is None:
        raise Forbidden("unknown, expired or already used enrollment code")
    store = session.get_one(m.Store, store_id)
    token = secrets.token_urlsafe(32)
    if request.previous_till_id is not None:
        row = session.execute(
            update(TILLS)
            .where(
                TILLS.c.id == request.previous_till_id,
                TILLS.c.store_id == store.id,
                TILLS.c.revoked_at.is_(None),
            )
            .values(epoch=TILLS.c.epoch + 1, next_seq=1, token_hash=sha256_hex(token), name=request.till_name)
            .returning(TILLS.c.id, TILLS.c.epoch)
        ).first()
        if row is None:
            raise NotFound("no till of this store with that id, or it was revoked: enroll as a new till")
        till_id, epoch = row
    else:
        till_id, epoch = new_id(), 1
        session.execute(
            insert(TILLS).values(
                id=till_id,
                store_id=store.id,
                name=request.till_name,
                token_hash=sha256_hex(token),
                epoch=1,
                next_seq=1,
                enrolled_at=now,
            )
        )
    session.execute(
        update(CODES).where(CODES.c.code_hash == sha256_hex(request.code)).values(till_id=till_id)
    )
    return EnrollResponse(
        till_id=till_id,
        token=token,
        store_id=store.id,
        store_code=store.code,
        card_key=store.card_key,
        epoch=epoch,
        next_seq=1,
    )


@dataclass(frozen=True, slots=True)
class TillIdentity:
    till_id: str
    store_id: str
    kind: str = "till"
    """``till`` or ``channel`` (a sales channel: its id is ``till_id`` too); ``name`` is the channel's name."""
    name: str = ""
    token_hash: str = ""
    """The SHA-256 of the token it came with: a push checks it again under the till's row lock (the token of
    a till enrolled again is replaced), so the API may skip looking a pushing till's token up."""


def authenticate(session: Session, token: str) -> TillIdentity:
    digest = sha256_hex(token)
    row = session.execute(
        select(TILLS.c.id, TILLS.c.store_id, TILLS.c.revoked_at, TILLS.c.kind, TILLS.c.name).where(
            TILLS.c.token_hash == digest
        )
    ).first()
    if row is None or row.kind not in ("till", "channel"):
        raise Unauthorized("unknown till token")
    if row.revoked_at is not None:
        raise Forbidden(f"this {row.kind} has been revoked")
    return TillIdentity(row.id, row.store_id, row.kind, row.name, digest)


def revoke_till(session: Session, till_id: str, now: datetime | None = None, kind: str = "till") -> bool:
    """Refuse a till (or, with ``kind='channel'``, a channel) from now on."""
    result = session.execute(
        update(TILLS)
        .where(TILLS.c.id == till_id, TILLS.c.kind == kind, TILLS.c.revoked_at.is_(None))
        .values(revoked_at=now or _now())
        .returning(TILLS.c.id)
    )
    return result.first() is not None


def _lock_till(session: Session, till: TillIdentity) -> Any:
    """The till's row, locked; refused if the till was revoked or its token replaced since the request was
    authenticated (the API does not look a pushing till's token up again: ``central.api.KnownTills``)."""
    row = session.execute(
        select(TILLS.c.epoch, TILLS.c.next_seq, TILLS.c.revoked_at, TILLS.c.token_hash)
        .where(TILLS.c.id == till.till_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: rows that refer to the till need not wait
    ).first()
    refused = _refusal(row, till)
    if refused is not None:
        raise refused
    return row


def _refusal(row: Any, till: TillIdentity) -> ServiceError | None:
    """Why the till's locked row (None: there is none) refuses a request of ``till``, or None if it does not:
    one rule for a push alone (``_lock_till``) and for a group in bulk (``_all_in_bulk``)."""
    if row is None or (till.token_hash and row.token_hash != till.token_hash):
        return Unauthorized("unknown till token")
    if row.revoked_at is not None:
        return Forbidden("this till has been revoked")
    return None


def new_epoch(session: Session, till: TillIdentity) -> EpochResponse:
    """Start a new epoch (a till restored from a backup): push sequence numbers start again at 1."""
    _lock_till(session, till)
    epoch = session.execute(
        update(TILLS)
        .where(TILLS.c.id == till.till_id)
        .values(epoch=TILLS.c.epoch + 1, next_seq=1)
        .returning(TILLS.c.epoch)
    ).scalar_one()
    return EpochResponse(epoch=epoch, next_seq=1)


# -- push -------------------------------------------------------------------------------------------------------


def _take_store_turn(session: Session, store_id: str) -> None:
    """Pushes of one store take turns from their start (PostgreSQL: a transaction-level advisory lock on the
    store, held to commit; SQLite has one writer at a time anyway).

    They took turns already at their end, on the store row that numbers the pull log, and on the members
    they share; fifty tills of a store pushing at once so all did their work side by side, then waited
    for each other, each thread's work slowed by the forty others' (one interpreter lock) and by the lock
    waits. Taking the turn first, each push runs as fast as a till's alone while the others wait idle.
    Lock order: first, before the tills' rows and any member, chain or store row."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(f"push:{store_id}".encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@dataclass
class _Batch:
    till: TillIdentity
    epoch: int
    work: Work
    checked: dict[str, ItemPayload | ItemRefused]
    """Each item's payload as checked, or why it is refused (``_precheck``)."""


def _precheck(till: TillIdentity, items: Sequence[PushItem]) -> dict[str, ItemPayload | ItemRefused]:
    """Every item checked (its payload parsed, its hash recomputed) before the push takes its store's turn.

    The checks read nothing from the database, and they are a tenth of a push's time: done inside the turn,
    the other tills of the store waited for them too. Outside it, they run while the push before this one
    waits for PostgreSQL."""
    checked: dict[str, ItemPayload | ItemRefused] = {}
    for item in items:
        try:
            checked[item.id] = _check(till, item)
        except ItemRefused as refused:
            checked[item.id] = refused
    return checked


def _checked(batch: _Batch, item: PushItem) -> ItemPayload:
    """The item's payload as ``_precheck`` found it; ``ItemRefused`` (a new one each time) if refused."""
    found = batch.checked[item.id]
    if isinstance(found, ItemRefused):
        raise ItemRefused(found.status, found.reason, found.detail)
    return found


@dataclass(frozen=True)
class PushJob:
    """A push as it arrived, its items checked (``prepare``): what a group of pushes is made of."""

    till: TillIdentity
    request: PushRequest
    checked: dict[str, ItemPayload | ItemRefused]
    now: datetime


def prepare(till: TillIdentity, request: PushRequest, now: datetime | None = None) -> PushJob:
    """A push ready to apply: refused at once if it names another till; every item checked (``_precheck``)
    before it waits for its store's turn."""
    if request.till_id != till.till_id:
        raise Forbidden("the batch names another till than the token's")
    return PushJob(till, request, _precheck(till, request.items), now or _now())


def push(
    session: Session, till: TillIdentity, request: PushRequest, now: datetime | None = None
) -> PushResponse:
    """Apply a batch: each item at most once, in order, answered item by item (docs/sync.md)."""
    (outcome,) = push_together(session, [prepare(till, request, now)])
    if isinstance(outcome, ServiceError):
        raise outcome
    return outcome


def push_together(session: Session, jobs: Sequence[PushJob]) -> list[PushResponse | ServiceError]:
    """Apply pushes of one store in one transaction (group commit, ``central.push_groups``): each exactly as
    alone and in the order given, each in a savepoint of its own, so a push refused as a whole (a stale epoch,
    a revoked till) leaves the others untouched. What they cause beyond their own rows (lots, balances,
    overdrafts, the pull log) is finished once for all of them: a member the pushes share is settled once,
    and the store's turn, its row and the commit are taken once per group instead of once per push.

    The answer of each push, or the refusal it gets, in the order of ``jobs``."""
    store_id = jobs[0].till.store_id
    if any(job.till.store_id != store_id for job in jobs):
        raise ValueError("a group of pushes belongs to one store")
    _take_store_turn(session, store_id)
    outcomes: list[PushResponse | ServiceError] = []
    done: list[Work] = []
    together = _all_in_bulk(session, jobs) if len(jobs) > 1 else None
    if together is not None:
        outcomes.extend(together[0])
        done.extend(together[1])
    for job in jobs if together is None else ():
        try:
            with session.begin_nested():
                response, work = _push_one(session, job)
        except ServiceError as refused:
            outcomes.append(refused)
            continue
        outcomes.append(response)
        done.append(work)
    group = Work(store_id=store_id, writer_id="", now=max(job.now for job in jobs))
    for work in done:
        group.take(work)
    finish(session, group)
    for record in group.audits:  # after the changes: the audit chain is on the store row, locked last
        audit(session, store_id, at=group.now, **record)
    return outcomes


def _push_one(session: Session, job: PushJob) -> tuple[PushResponse, Work]:
    """One push's items (everything but ``finish``), under its till's row lock."""
    till, request = job.till, job.request
    locked = _lock_till(session, till)
    if request.epoch != locked.epoch:
        raise Conflict(
            f"epoch {request.epoch} is not this till's current epoch ({locked.epoch}): "
            "a till restored or enrolled again pushes under its new epoch"
        )
    batch = _Batch(
        till, request.epoch, Work(store_id=till.store_id, writer_id=till.till_id, now=job.now), job.checked
    )
    expected = int(locked.next_seq)
    results: list[ItemResult] = []
    bulk_from = _entries_from(request.items)
    for n, item in enumerate(request.items):
        if n == bulk_from and item.seq == expected:
            applied = _new_entries(session, batch, request.items[n:])
            if applied is not None:
                results.extend(applied)
                expected += len(applied)
                break
        if item.seq > expected:
            results.append(
                ItemResult(
                    id=item.id,
                    seq=item.seq,
                    status=ItemStatus.GAP,
                    reason=Reason.MISSING_SEQ,
                    detail=f"sequence {expected} has not arrived yet",
                )
            )
            continue
        if item.seq < expected:
            results.append(_replay(session, batch, item))
            continue
        result = _first_time(session, batch, item)
        session.execute(
            insert(SLOTS).values(
                till_id=till.till_id,
                epoch=batch.epoch,
                seq=item.seq,
                item_id=item.id,
                hash=item.hash,
                status=result.status.value,
                reason=None if result.reason is None else result.reason.value,
            )
        )
        results.append(result)
        expected += 1
    session.execute(
        update(TILLS).where(TILLS.c.id == till.till_id).values(next_seq=expected, last_push_at=batch.work.now)
    )
    return PushResponse(results=results, next_seq=expected), batch.work


def _to_inbox(
    session: Session, batch: _Batch, item: PushItem, kind: str, reason: Reason, detail: str
) -> None:
    to_inbox(session, batch.till.store_id, batch.till.till_id, item, kind, reason, detail, batch.work.now)


def _replay(session: Session, batch: _Batch, item: PushItem) -> ItemResult:
    """A sequence number already done: the same item again is a duplicate; anything else a conflict."""
    slot = session.execute(
        select(SLOTS.c.item_id, SLOTS.c.hash, SLOTS.c.status).where(
            SLOTS.c.till_id == batch.till.till_id, SLOTS.c.epoch == batch.epoch, SLOTS.c.seq == item.seq
        )
    ).one()
    if slot.item_id == item.id and slot.hash == item.hash:
        return ItemResult(
            id=item.id, seq=item.seq, status=ItemStatus.DUPLICATE, original=ItemStatus(slot.status)
        )
    detail = f"sequence {item.seq} of epoch {batch.epoch} was already taken by another item"
    _to_inbox(session, batch, item, "conflict", Reason.SEQ_TAKEN, detail)
    return ItemResult(
        id=item.id, seq=item.seq, status=ItemStatus.CONFLICT, reason=Reason.SEQ_TAKEN, detail=detail
    )


def _claim(
    session: Session, batch: _Batch, item: PushItem, status: ItemStatus, reason: Reason | None
) -> bool:
    claimed = session.execute(
        insert_on_conflict(session, ITEMS)
        .values(
            id=item.id,
            store_id=batch.till.store_id,
            till_id=batch.till.till_id,
            epoch=batch.epoch,
            seq=item.seq,
            kind=item.kind.value,
            hash=item.hash,
            status=status.value,
            reason=None if reason is None else reason.value,
            received_at=batch.work.now,
        )
        .on_conflict_do_nothing()
        .returning(ITEMS.c.id)
    ).first()
    return claimed is not None


def _first_time(session: Session, batch: _Batch, item: PushItem) -> ItemResult:
    mark = batch.work.mark()  # what the item adds to the unit of work is kept only if it is applied
    try:
        with session.begin_nested():
            if not _claim(session, batch, item, ItemStatus.APPLIED, None):
                return _seen_before(session, batch, item)
            payload = _checked(batch, item)
            detail = _apply(session, batch, item, payload)
        return ItemResult(id=item.id, seq=item.seq, status=ItemStatus.APPLIED, detail=detail)
    except ItemRefused as refused:
        batch.work.rewind(mark)
        # The savepoint rolled the claim back with everything else: claim the id again as rejected.
        _claim(session, batch, item, refused.status, refused.reason)
        _to_inbox(session, batch, item, refused.status.value, refused.reason, refused.detail)
        return ItemResult(
            id=item.id, seq=item.seq, status=refused.status, reason=refused.reason, detail=refused.detail
        )


def _seen_before(session: Session, batch: _Batch, item: PushItem) -> ItemResult:
    """The id was claimed before (by this till in an earlier epoch, say): same content is a duplicate."""
    seen = session.execute(
        select(ITEMS.c.hash, ITEMS.c.status, ITEMS.c.store_id).where(ITEMS.c.id == item.id)
    ).one()
    if seen.hash == item.hash and seen.store_id == batch.till.store_id:
        return ItemResult(
            id=item.id, seq=item.seq, status=ItemStatus.DUPLICATE, original=ItemStatus(seen.status)
        )
    detail = "an item with this id and other content was received before"
    _to_inbox(session, batch, item, "conflict", Reason.SAME_ID_OTHER_CONTENT, detail)
    return ItemResult(
        id=item.id,
        seq=item.seq,
        status=ItemStatus.CONFLICT,
        reason=Reason.SAME_ID_OTHER_CONTENT,
        detail=detail,
    )


def _check(till: TillIdentity, item: PushItem) -> ItemPayload:
    try:
        payload = parse_payload(item.kind, item.payload)
    except ProtocolError as err:
        raise ItemRefused(ItemStatus.REJECTED, Reason.INVALID_PAYLOAD, err.problems[:2000]) from None
    if item_hash(item.kind, payload) != item.hash:
        raise ItemRefused(
            ItemStatus.REJECTED, Reason.HASH_MISMATCH, "the hash is not the hash of this payload"
        )
    if payload.store_id != till.store_id:
        raise ItemRefused(ItemStatus.REJECTED, Reason.FOREIGN_TILL, "the payload names another store")
    if isinstance(payload, EntryPayload):
        if payload.id != item.id:
            raise ItemRefused(
                ItemStatus.REJECTED, Reason.ID_MISMATCH, "a ledger entry's item id is the entry's id"
            )
        if payload.till_id != till.till_id:
            raise ItemRefused(ItemStatus.REJECTED, Reason.FOREIGN_TILL, "the entry was made at another till")
        if payload.channel != "till":
            raise ItemRefused(
                ItemStatus.REJECTED,
                Reason.NOT_A_TILL_ENTRY,
                f"a till's entries are in the 'till' channel, not {payload.channel!r}",
            )
    return payload


def _apply(session: Session, batch: _Batch, item: PushItem, payload: ItemPayload) -> str | None:
    work = batch.work
    if isinstance(payload, EntryPayload):
        _apply_entry(session, batch, item, payload)
        return None
    if isinstance(payload, MemberPayload):
        return apply_member(session, work, payload)
    if isinstance(payload, MemberEditPayload):
        return apply_member_edit(session, work, payload)
    if isinstance(payload, MergePayload):
        return apply_merge(session, work, payload)
    if isinstance(payload, ErasePayload):
        return apply_erase(session, work, payload)
    assert isinstance(payload, CardPayload)
    return apply_card(session, work, payload)


def follow_merge(work: Work, member_id: str, target: str) -> None:
    """An entry for a member merged into ``target`` counts on the member it names, as it does at every till
    (a till's balance is the sum of the entries naming the member); what that leaves on the merged member is
    moved to the survivor by the central, with two transfer entries that reach every till
    (``central.ledger.finish``). So the tills and the central agree on both members."""
    if target != member_id and (member_id, target) not in work.merged:
        work.merged.append((member_id, target))


def _apply_entry(session: Session, batch: _Batch, item: PushItem, entry: EntryPayload) -> None:
    """Claim the entry's ledger position and count it on its member (a merged member's leftover moves)."""
    target = survivor(session, batch.till.store_id, entry.member_id)
    if target is None:
        raise ItemRefused(ItemStatus.REJECTED, Reason.UNKNOWN_MEMBER, "no member with this id in this store")
    counted_on = entry.member_id
    follow_merge(batch.work, counted_on, target)
    position = session.execute(
        insert_on_conflict(session, POSITIONS)
        .values(till_id=entry.till_id, epoch=batch.epoch, seq=entry.seq, entry_id=entry.id)
        .on_conflict_do_nothing()
        .returning(POSITIONS.c.entry_id)
    ).first()
    if position is None:
        raise ItemRefused(
            ItemStatus.CONFLICT,
            Reason.ENTRY_SEQ_TAKEN,
            f"ledger position {entry.seq} of this till's epoch {batch.epoch} holds another entry",
        )
    body = entry.model_dump(mode="json")
    insert_entry(session, entry, counted_on, epoch=batch.epoch, digest=item.hash)
    record_awards(session, batch.till.store_id, batch.till.till_id, [(item, entry)], batch.work.now)
    batch.work.post(
        counted_on,
        Posted(entry.id, entry.points, batch.till.till_id, item.hash, entry.program_version, body=body),
    )
    batch.work.changes.append((ChangeKind.ENTRY, batch.till.till_id, {**body, "epoch": batch.epoch}))


# -- the common case, in bulk -------------------------------------------------------------------------------------

BULK_MIN = 8
"""A run of at least this many new ledger entries is applied with one multi-row statement per table."""


class _NotInBulk(Exception):
    """A claim in the run was taken before: the run's savepoint is rolled back, its items go one by one."""


def _entries_from(items: Sequence[PushItem]) -> int:
    """The first index from which every item is a ledger entry with consecutive seqs (``len(items)``: none)."""
    start = len(items)
    for i in range(len(items) - 1, -1, -1):
        if items[i].kind is not ItemKind.LEDGER_ENTRY:
            break
        if i + 1 < len(items) and items[i + 1].seq != items[i].seq + 1:
            break
        start = i
    return start


def _new_entries(session: Session, batch: _Batch, items: Sequence[PushItem]) -> list[ItemResult] | None:
    """Apply a run of ledger entries whose seqs start at the till's ``next_seq`` — a till's offline sales,
    the common case — with one multi-row statement per table: the same claims (items, ledger positions),
    rows and effects (receipt numbers, ``central.receipts``) as item by item, in one savepoint.

    None, with nothing written, when anything in the run is not the common case: an item the checks refuse,
    a member unknown here, an id or ledger position claimed before. The caller then takes the items one by
    one, which answers each of them as it deserves (rejected, conflict, duplicate...)."""
    if len(items) < BULK_MIN:
        return None
    entries: list[EntryPayload] = []
    for item in items:
        try:
            payload = _checked(batch, item)
        except ItemRefused:
            return None
        if not isinstance(payload, EntryPayload):  # pragma: no cover - the kind is checked by the caller
            return None
        entries.append(payload)
    run = _Run(batch.till.till_id, batch.epoch, batch.work.now, items, entries)
    if not _runs_in_bulk(session, batch.till.store_id, [run], [batch.work]):
        return None
    return [ItemResult(id=item.id, seq=item.seq, status=ItemStatus.APPLIED) for item in items]


@dataclass(frozen=True)
class _Run:
    """A till's run of new ledger entries, its items checked."""

    till_id: str
    epoch: int
    now: datetime
    items: Sequence[PushItem]
    entries: list[EntryPayload]


def _runs_in_bulk(session: Session, store_id: str, runs: Sequence[_Run], works: Sequence[Work]) -> bool:
    """Claim and write the runs' rows with one statement per table for all of them, in one savepoint, and
    add each run's postings and changes to its work (``works``, in the order of ``runs``), as item by item.
    False, with nothing written, when a member is unknown here or an id or ledger position was claimed."""
    wanted = sorted({entry.member_id for run in runs for entry in run.entries})
    found = session.execute(
        select(MEMBERS.c.id, MEMBERS.c.merged_into_id).where(
            MEMBERS.c.store_id == store_id, among(session, MEMBERS.c.id, wanted)
        )
    ).all()
    if len(found) != len(wanted):
        return False
    follows: dict[str, str] = {}
    for member_id, merged_into in found:
        target = member_id if merged_into is None else survivor(session, store_id, member_id)
        if target is None:  # pragma: no cover - a member found above is its own survivor at least
            return False
        follows[member_id] = target
    count = sum(len(run.entries) for run in runs)
    bodies = [[entry.model_dump(mode="json") for entry in run.entries] for run in runs]
    try:
        with session.begin_nested():
            claimed = claim_rows(
                session,
                ITEMS,
                [
                    {
                        "id": item.id,
                        "store_id": store_id,
                        "till_id": run.till_id,
                        "epoch": run.epoch,
                        "seq": item.seq,
                        "kind": item.kind.value,
                        "hash": item.hash,
                        "status": ItemStatus.APPLIED.value,
                        "reason": None,
                        "received_at": run.now,
                    }
                    for run in runs
                    for item in run.items
                ],
                "id",
            )
            if len(claimed) != count:
                raise _NotInBulk
            placed = claim_rows(
                session,
                POSITIONS,
                [
                    {"till_id": entry.till_id, "epoch": run.epoch, "seq": entry.seq, "entry_id": entry.id}
                    for run in runs
                    for entry in run.entries
                ],
                "entry_id",
            )
            if len(placed) != count:
                raise _NotInBulk
            insert_rows(
                session,
                ENTRIES,
                [
                    entry_row(entry, entry.member_id, epoch=run.epoch, digest=item.hash, body=body)
                    for run, run_bodies in zip(runs, bodies, strict=True)
                    for item, entry, body in zip(run.items, run.entries, run_bodies, strict=True)
                ],
            )
            insert_rows(
                session,
                SLOTS,
                [
                    {
                        "till_id": run.till_id,
                        "epoch": run.epoch,
                        "seq": item.seq,
                        "item_id": item.id,
                        "hash": item.hash,
                        "status": ItemStatus.APPLIED.value,
                        "reason": None,
                    }
                    for run in runs
                    for item in run.items
                ],
            )
    except _NotInBulk:
        return False
    record_pushed_awards(
        session,
        store_id,
        [(run.till_id, list(zip(run.items, run.entries, strict=True))) for run in runs],
        max(run.now for run in runs),
    )
    for run, run_bodies, work in zip(runs, bodies, works, strict=True):
        for member_id in sorted({entry.member_id for entry in run.entries}):
            follow_merge(work, member_id, follows[member_id])
        for item, entry, body in zip(run.items, run.entries, run_bodies, strict=True):
            posted = Posted(entry.id, entry.points, run.till_id, item.hash, entry.program_version, body=body)
            work.post(entry.member_id, posted)
            work.changes.append((ChangeKind.ENTRY, run.till_id, {**body, "epoch": run.epoch}))
    return True


def _all_in_bulk(session: Session, jobs: Sequence[PushJob]) -> tuple[list[PushResponse], list[Work]] | None:
    """A group of pushes that are each the common case (a run of new ledger entries from the till's
    ``next_seq``, every item passing its checks, under the till's epoch) applied with one statement per table
    for all of them (``_runs_in_bulk``): the tills' rows locked and moved on together, one claim of items and
    of ledger positions, one ``COPY`` of entries and of slots, one look-up of receipt numbers.

    Pushes one after the other each paid these statements' round trips and the statements' own cost: about
    20 ms a push before any of its entries, so fifty tills in line needed a second a round at the least. The
    rows, answers and effects are those of ``_push_one`` for each push in turn (``tests/central/
    test_push_together.py`` holds the two ways alike); None, with nothing written, when any push of the group
    is not the common case (the caller then takes them one by one, in order, as before)."""
    store_id = jobs[0].till.store_id
    till_ids = [job.till.till_id for job in jobs]
    if len(set(till_ids)) != len(till_ids):
        return None  # a till's push sent again while the first was waiting: the second replays the first
    locked = {
        row.id: row
        for row in session.execute(
            select(TILLS.c.id, TILLS.c.epoch, TILLS.c.next_seq, TILLS.c.revoked_at, TILLS.c.token_hash)
            .where(among(session, TILLS.c.id, sorted(till_ids)))
            .order_by(TILLS.c.id)
            .with_for_update(key_share=True)  # FOR NO KEY UPDATE, as ``_lock_till``
        )
    }
    runs: list[_Run] = []
    for job in jobs:
        row, items = locked.get(job.till.till_id), job.request.items
        if (
            row is None
            or _refusal(row, job.till) is not None  # refused one by one, alone
            or job.request.epoch != row.epoch
            or len(items) < BULK_MIN
            or _entries_from(items) != 0
            or items[0].seq != row.next_seq
        ):
            return None
        entries: list[EntryPayload] = []
        for item in items:
            checked = job.checked[item.id]
            if not isinstance(checked, EntryPayload):
                return None  # refused by its checks: the push answers that item alone
            entries.append(checked)
        runs.append(_Run(job.till.till_id, int(row.epoch), job.now, items, entries))
    works = [Work(store_id=store_id, writer_id=run.till_id, now=run.now) for run in runs]
    if not _runs_in_bulk(session, store_id, runs, works):
        return None
    session.execute(
        update(TILLS)
        .where(TILLS.c.id == bindparam("t_id"))
        .values(next_seq=bindparam("t_next"), last_push_at=bindparam("t_at")),
        [{"t_id": run.till_id, "t_next": run.items[-1].seq + 1, "t_at": run.now} for run in runs],
    )
    responses = [
        PushResponse(
            results=[ItemResult(id=item.id, seq=item.seq, status=ItemStatus.APPLIED) for item in run.items],
            next_seq=run.items[-1].seq + 1,
        )
        for run in runs
    ]
    return responses, works


# -- pull -------------------------------------------------------------------------------------------------------


def pull(session: Session, till: TillIdentity, request: PullRequest) -> PullResponse:
    """The store's changes after the cursor, leaving out what this till sent itself (balances always come)."""
    if session.get_bind().dialect.name == "postgresql":
        # One snapshot for the head and the page (SQLite's read transaction is one already).
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    log_id, head = session.execute(
        select(STORES.c.log_id, STORES.c.last_change).where(STORES.c.id == till.store_id)
    ).one()
    after, resync = 0, False
    if request.cursor:
        cursor_log, _, number = request.cursor.partition(".")
        after = int(number)
        if cursor_log != log_id or after > head:
            after, resync = 0, True
    rows = session.execute(
        select(CHANGES.c.no, CHANGES.c.kind, CHANGES.c.body)
        .where(
            CHANGES.c.store_id == till.store_id,
            CHANGES.c.no > after,
            CHANGES.c.no <= head,
            (CHANGES.c.origin_till_id.is_(None)) | (CHANGES.c.origin_till_id != till.till_id),
        )
        .order_by(CHANGES.c.no)
        .limit(request.limit + 1)
    ).all()
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    last = rows[-1].no if more else head
    return PullResponse(
        changes=[Change(no=row.no, kind=row.kind, body=row.body) for row in rows],
        next_cursor=f"{log_id}.{last}",
        more=more,
        resync=resync,
        head=head,
    )


# -- members and programs ---------------------------------------------------------------------------------------


def member(session: Session, store_id: str, number: str) -> MemberResponse:
    row = (
        session.execute(
            select(MEMBERS)
            .join(NUMBERS, NUMBERS.c.member_id == MEMBERS.c.id)
            .where(NUMBERS.c.store_id == store_id, NUMBERS.c.member_number == number)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no member {number} in this store")
    return MemberResponse(
        id=row["id"],
        member_number=row["member_number"],
        full_name=row["full_name"],
        status=row["status"],
        tier_code=current_tier(session, row["id"], row["tier_code"]),
        balance=row["balance"],
        entry_count=row["entry_count"],
        updated_at=row["updated_at"],
    )


def members_by_number(session: Session, number: str, store_code: str | None) -> list[dict[str, Any]]:
    """Operators' look-up across stores (``python -m central member``)."""
    query = (
        select(
            STORES.c.code.label("store"),
            MEMBERS.c.id,
            MEMBERS.c.member_number,
            MEMBERS.c.full_name,
            MEMBERS.c.status,
            MEMBERS.c.tier_code.label("tier"),
            MEMBERS.c.balance,
            MEMBERS.c.entry_count,
        )
        .join(NUMBERS, NUMBERS.c.member_id == MEMBERS.c.id)
        .join(STORES, STORES.c.id == NUMBERS.c.store_id)
        .where(NUMBERS.c.member_number == number)
    )
    if store_code is not None:
        query = query.where(STORES.c.code == store_code)
    found = [dict(row) for row in session.execute(query.order_by(STORES.c.code)).mappings()]
    for row in found:
        row["tier"] = current_tier(session, row["id"], row["tier"])
    return found


def stable_program(program: Program) -> dict[str, Any]:
    """The program as JSON values, its sets sorted (``Program.canonical_json``): the same in every process."""
    stable: dict[str, Any] = json.loads(program.canonical_json())
    return stable


def install_program(session: Session, program: Program, now: datetime | None = None) -> bool:
    """Publish a program version to every store's tills (a ``program`` change in each store's log).

    False when this exact version is installed already; a different program under a used version is refused.
    """
    now = now or _now()
    body = stable_program(program)
    digest = sha256_hex(canonical_json(body))
    added = session.execute(
        insert_on_conflict(session, PROGRAMS)
        .values(version=program.version, body=body, sha256=digest, installed_at=now)
        .on_conflict_do_nothing()
        .returning(PROGRAMS.c.version)
    ).first()
    if added is None:
        existing = session.execute(
            select(PROGRAMS.c.sha256).where(PROGRAMS.c.version == program.version)
        ).scalar_one()
        if existing != digest:
            raise Conflict(
                f"program version {program.version} is installed with other rules: give it a new version"
            )
        return False
    change = {"version": program.version, "sha256": digest, "program": body, "installed_at": format_utc(now)}
    for store_id in session.scalars(select(STORES.c.id).order_by(STORES.c.id)):
        append_changes(session, store_id, [(ChangeKind.PROGRAM, None, change)], now)
    return True


def rotate_change_logs(session: Session) -> int:
    """Give every store's change log a new id: after the database was restored to an earlier point, change
    numbers after the restore point are handed out again for other changes, and a till whose cursor is below
    the new head would skip them. A cursor of another log gets a full resync (docs/operations.md)."""
    count = 0
    for store_id in session.scalars(select(STORES.c.id).order_by(STORES.c.id)).all():
        session.execute(update(STORES).where(STORES.c.id == store_id).values(log_id=secrets.token_hex(8)))
        count += 1
    return count
