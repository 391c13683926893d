"""Balances, overdrafts and the entries the central writes itself.

**Balances and overdrafts.** A member's balance at the central is the sum of its entries. Entries are settled
at the end of a request: its members are locked and read in member-id order (``SELECT ... ORDER BY id FOR
UPDATE``: two requests lock members in the same order), then ``UPDATE members SET balance = balance + :points``
for each. The row locks are held to commit, so the balance before the request's entries is known exactly, and
the entries are replayed from it in order:

- a debit that takes the balance below zero (redemptions at two offline tills that together spent more than
  the member had) records an **overdraft** of the part below zero, keyed by ``(member, entry)`` and written in
  the same transaction as the entry, and one **inbox item** (``(store, entry, 'overdraft', hash)``): exactly
  once, since the entry itself is applied exactly once;
- a credit while the balance is below zero pays the open overdrafts back first, oldest first (or the one a
  write-off names), recorded in ``overdraft_payoffs``.

So at every commit: the sum of what open overdrafts still owe is what the balance is below zero.

**Entries the central writes** (online orders, non-purchase actions of other channels, write-offs, what a merge
leaves behind) are chained like a till's: each channel, and the central itself, is a writer row in ``tills``
with its own sequence and chain head, taken under that row's lock. Tills receive them at the next pull and
check their chains as they check each other's.

Lock order, everywhere: a till's own row and then its store's push turn (pushes), then members (in id order
when settling), then a writer's chain row, then the store row (audit chain, change numbers) last. Rows are
locked ``FOR NO KEY UPDATE`` (never plain ``FOR UPDATE``): inserting a row that refers to a member or a till
takes a ``KEY SHARE`` lock on it through the foreign key, which ``NO KEY UPDATE`` does not wait for and
``FOR UPDATE`` would (a deadlock between two requests that both inserted entries for a member before locking
it).
"""

from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from central.base import (
    AUDIT,
    CHANGES,
    ENTRIES,
    INBOX,
    ITEMS,
    MEMBERS,
    NUMBERS,
    OVERDRAFTS,
    PAYOFFS,
    POSITIONS,
    PROGRAMS,
    STORES,
    TILLS,
    Posted,
    Work,
    among,
    insert_on_conflict,
    sha256_hex,
)
from central.bulk import add_to_rows, insert_rows
from central.lots import Facts as LotFacts
from central.lots import correction_entry_id
from central.lots import track as track_lots
from loyalty.audit import audit_hash, canonical_json
from loyalty.ids import new_id
from loyalty.ledger import EntryKind, Restore
from loyalty.program import Program, parse_program
from sync.protocol import ChangeKind, EntryPayload, ItemKind, Reason, format_utc, item_hash, parse_utc

MAX_DETAILS = 8000
"""``EntryPayload.details`` is bounded; details that would not fit are trimmed to their summary."""

_CENTRAL_WRITERS = uuid.UUID("6f1e3c52-47a9-4b5e-9c0d-2d8f7a1b3e64")
"""Namespace of the central's own writer id per store (a UUIDv5 of the store id: one per store, no look-up)."""


# -- arithmetic ---------------------------------------------------------------------------------------------


def shortfall(before: int, points: int) -> int:
    """How much of the entry ``points`` (negative: a debit) goes below zero from a balance of ``before``."""
    if points >= 0:
        return 0
    return max(0, -(before + points)) - max(0, -before)


def payoffs(
    open_overdrafts: Sequence[tuple[str, int]], points: int, first: str | None = None
) -> list[tuple[str, int]]:
    """Which open overdrafts (id, remaining; oldest first) a credit of ``points`` pays, and how much each:
    ``first`` before the others, then the oldest, never more than an overdraft's remaining or the credit."""
    order = sorted(range(len(open_overdrafts)), key=lambda i: (open_overdrafts[i][0] != first, i))
    paid: list[tuple[str, int]] = []
    left = max(points, 0)
    for i in order:
        if left == 0:
            break
        od_id, remaining = open_overdrafts[i]
        pay = min(left, remaining)
        if pay > 0:
            paid.append((od_id, pay))
            left -= pay
    return paid


# -- programs ------------------------------------------------------------------------------------------------


def program_version(session: Session, version: str) -> Program | None:
    """An installed program version, or None when the central does not have it."""
    body = session.execute(select(PROGRAMS.c.body).where(PROGRAMS.c.version == version)).scalar()
    return None if body is None else parse_program(body)


def active_program(session: Session) -> Program | None:
    """The program version installed last: what the central prices orders and actions with."""
    body = session.execute(
        select(PROGRAMS.c.body).order_by(PROGRAMS.c.installed_at.desc(), PROGRAMS.c.version.desc()).limit(1)
    ).scalar()
    return None if body is None else parse_program(body)


# -- members -------------------------------------------------------------------------------------------------


def survivor(session: Session, store_id: str, member_id: str) -> str | None:
    """The member an entry for ``member_id`` counts on: itself, or the member it was merged into (followed
    to the end). None when the store has no such member."""
    seen: list[str] = []
    current = member_id
    while True:
        row = session.execute(
            select(MEMBERS.c.merged_into_id).where(MEMBERS.c.id == current, MEMBERS.c.store_id == store_id)
        ).first()
        if row is None:
            return None if not seen else seen[-1]
        if row.merged_into_id is None or row.merged_into_id in seen or len(seen) > 16:
            return current
        seen.append(current)
        current = row.merged_into_id


def member_id_by_number(session: Session, store_id: str, number: str) -> str | None:
    return session.execute(
        select(NUMBERS.c.member_id).where(NUMBERS.c.store_id == store_id, NUMBERS.c.member_number == number)
    ).scalar()


# -- settling ------------------------------------------------------------------------------------------------


def settle(session: Session, work: Work) -> None:
    """Add the request's entries to their members' balances (member-id order), recording overdrafts and
    their payoffs, and a ``balance`` change per member."""
    programs: dict[str, Program | None] = {}
    by_member: dict[str, list[Posted]] = defaultdict(list)
    for member_id, one in work.postings:
        by_member[member_id].append(one)
    work.postings = []
    if not by_member:
        return
    members = sorted(by_member)
    # Locked in member-id order and read, then added to with one executemany: a statement per member
    # would cost a round trip each, and a batch of a till's sales touches hundreds of members.
    before = {
        row.id: (int(row.balance), int(row.entry_count))
        for row in session.execute(
            select(MEMBERS.c.id, MEMBERS.c.balance, MEMBERS.c.entry_count)
            .where(among(session, MEMBERS.c.id, members))
            .order_by(MEMBERS.c.id)
            # NO KEY UPDATE, like the UPDATE that follows: the request's entry rows hold KEY SHARE locks on
            # these members (their foreign key), and so do other requests'; a plain FOR UPDATE would wait
            # for those and deadlock with them.
            .with_for_update(key_share=True)  # renders FOR NO KEY UPDATE
        )
    }
    totals = {member_id: sum(p.points for p in by_member[member_id]) for member_id in members}
    add_to_rows(
        session,
        MEMBERS,
        "id",
        [
            {"id": member_id, "balance": totals[member_id], "entry_count": len(by_member[member_id])}
            for member_id in members
        ],
    )
    for member_id in members:
        posted = by_member[member_id]
        total = totals[member_id]
        balance = before[member_id][0] + total
        entries = before[member_id][1] + len(posted)
        running = balance - total
        open_ods: list[tuple[str, int]] | None = None
        for p in posted:
            if p.points < 0:
                short = shortfall(running, p.points)
                if short > 0:
                    if p.program_version not in programs:
                        programs[p.program_version] = program_version(session, p.program_version)
                    _record_overdraft(session, work, member_id, p, short, programs[p.program_version])
                    if open_ods is not None:
                        open_ods.append((p.entry_id, short))
            elif p.points > 0 and running < 0:
                if open_ods is None:
                    open_ods = _open_overdrafts(session, member_id)
                for od_id, pay in payoffs(open_ods, min(p.points, -running), p.pays_first):
                    _pay(session, work, member_id, p.entry_id, od_id, pay)
                    open_ods = [(i, r - pay if i == od_id else r) for i, r in open_ods]
                    open_ods = [(i, r) for i, r in open_ods if r > 0]
            running += p.points
        work.balances[member_id] = balance
        work.changes.append(
            (ChangeKind.BALANCE, None, {"member_id": member_id, "balance": balance, "entry_count": entries})
        )


def _open_overdrafts(session: Session, member_id: str) -> list[tuple[str, int]]:
    rows = session.execute(
        select(OVERDRAFTS.c.id, OVERDRAFTS.c.remaining)
        .where(OVERDRAFTS.c.member_id == member_id, OVERDRAFTS.c.remaining > 0)
        .order_by(OVERDRAFTS.c.created_at, OVERDRAFTS.c.id)
    ).all()
    return [(row.id, int(row.remaining)) for row in rows]


def _pay(session: Session, work: Work, member_id: str, entry_id: str, od_id: str, pay: int) -> None:
    session.execute(
        insert(PAYOFFS).values(member_id=member_id, entry_id=entry_id, overdraft_id=od_id, points=pay)
    )
    left = session.execute(
        update(OVERDRAFTS)
        .where(OVERDRAFTS.c.member_id == member_id, OVERDRAFTS.c.id == od_id)
        .values(remaining=OVERDRAFTS.c.remaining - pay)
        .returning(OVERDRAFTS.c.remaining)
    ).scalar_one()
    if left == 0:
        session.execute(
            update(OVERDRAFTS)
            .where(
                OVERDRAFTS.c.member_id == member_id, OVERDRAFTS.c.id == od_id, OVERDRAFTS.c.status == "open"
            )
            .values(status="recovered", settled_at=work.now)
        )


def _record_overdraft(
    session: Session, work: Work, member_id: str, p: Posted, short: int, program: Program | None
) -> None:
    allowance = None if program is None else program.redemption.offline_allowance
    claimed = session.execute(
        insert_on_conflict(session, OVERDRAFTS)
        .values(
            member_id=member_id,
            id=p.entry_id,
            store_id=work.store_id,
            till_id=p.till_id,
            points=short,
            remaining=short,
            allowance=allowance,
            status="open",
            created_at=work.now,
        )
        .on_conflict_do_nothing()
        .returning(OVERDRAFTS.c.id)
    ).first()
    if claimed is None:  # pragma: no cover - the entry is applied once, so is its overdraft
        return
    number = session.execute(select(NUMBERS.c.member_number).where(NUMBERS.c.member_id == member_id)).scalar()
    detail = (
        f"member {number or member_id} spent {short} points more than the balance held, "
        "through redemptions at more than one till while offline"
    )
    if allowance is not None:
        detail += f" (the program allows {allowance} points per member offline)"
    detail += ": recover it from the member's next earnings, or write it off"
    session.execute(
        insert_on_conflict(session, INBOX)
        .values(
            store_id=work.store_id,
            till_id=p.till_id,
            item_id=p.entry_id,
            kind="overdraft",
            reason=Reason.OVERDRAFT.value,
            hash=p.hash,
            detail=detail,
            body={"member_id": member_id, "points": short, "entry_id": p.entry_id},
            created_at=work.now,
            member_id=member_id,
        )
        .on_conflict_do_nothing()
    )


# -- entries the central writes ----------------------------------------------------------------------------


def central_writer(session: Session, store_id: str) -> str:
    """The central's own writer of ``store_id`` (write-offs, merges), created the first time it is needed."""
    writer_id = str(uuid.uuid5(_CENTRAL_WRITERS, store_id))
    session.execute(
        insert_on_conflict(session, TILLS)
        .values(
            id=writer_id,
            store_id=store_id,
            name="central",
            # Never a bearer of a token: a hash of a secret nobody keeps (authentication refuses the kind too).
            token_hash=sha256_hex(secrets.token_urlsafe(32)),
            epoch=1,
            next_seq=1,
            kind="central",
            ledger_seq=0,
            ledger_head="0" * 64,
        )
        .on_conflict_do_nothing()
    )
    return writer_id


def write_entry(
    session: Session,
    work: Work,
    writer_id: str,
    *,
    member_id: str,
    kind: EntryKind,
    points: int,
    channel: str,
    program_version: str,
    at: datetime,
    amount_minor: int | None = None,
    currency: str | None = None,
    receipt_ref: str | None = None,
    staff_id: str | None = None,
    reason: str | None = None,
    action_code: str | None = None,
    details: dict[str, Any] | None = None,
    expires_at: datetime | None = None,
    pays_first: str | None = None,
    entry_id: str | None = None,
    reverses_id: str | None = None,
) -> EntryPayload:
    """Write an entry in ``writer_id``'s chain (taken under that row's lock) for ``member_id`` (a survivor),
    claimed like a pushed one (item, ledger position), to be settled and sent to every till."""
    row = session.execute(
        select(TILLS.c.ledger_seq, TILLS.c.ledger_head)
        .where(TILLS.c.id == writer_id)
        .with_for_update(key_share=True)
    ).one()
    seq = int(row.ledger_seq) + 1
    text = None if details is None else canonical_json(details)
    if details is not None and text is not None and len(text) > MAX_DETAILS:
        text = canonical_json(
            {"summary": {k: v for k, v in details.items() if k != "lines"}, "trimmed": True}
        )
    entry = EntryPayload(
        id=entry_id or new_id(),
        member_id=member_id,
        kind=kind,
        points=points,
        amount_minor=amount_minor,
        currency=currency,
        receipt_ref=receipt_ref,
        store_id=work.store_id,
        till_id=writer_id,
        seq=seq,
        staff_id=staff_id,
        reason=reason,
        action_code=action_code,
        program_version=program_version,
        reverses_id=reverses_id,
        channel=channel,
        created_at=format_utc(at),
        details=text,
        expires_at=None if expires_at is None else format_utc(expires_at),
        prev_hash=row.ledger_head,
    )
    digest = item_hash(ItemKind.LEDGER_ENTRY, entry)
    body = entry.model_dump(mode="json")
    session.execute(
        insert(ITEMS).values(
            id=entry.id,
            store_id=work.store_id,
            till_id=writer_id,
            epoch=1,
            seq=seq,
            kind=ItemKind.LEDGER_ENTRY.value,
            hash=digest,
            status="applied",
            reason=None,
            received_at=work.now,
        )
    )
    session.execute(insert(POSITIONS).values(till_id=writer_id, epoch=1, seq=seq, entry_id=entry.id))
    insert_entry(session, entry, member_id, epoch=1, digest=digest)
    session.execute(update(TILLS).where(TILLS.c.id == writer_id).values(ledger_seq=seq, ledger_head=digest))
    work.post(member_id, Posted(entry.id, points, writer_id, digest, program_version, pays_first, body=body))
    work.changes.append((ChangeKind.ENTRY, writer_id, {**body, "epoch": 1}))
    return entry


def insert_entry(session: Session, entry: EntryPayload, counted_on: str, *, epoch: int, digest: str) -> None:
    """The entry's row, counted on ``counted_on`` (its member, or the survivor of a merge)."""
    session.execute(insert(ENTRIES).values(**entry_row(entry, counted_on, epoch=epoch, digest=digest)))


def entry_row(
    entry: EntryPayload,
    counted_on: str,
    *,
    epoch: int,
    digest: str,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The values of an entry's row (``body``: the entry as JSON values, when the caller has it already)."""
    return {
        "member_id": counted_on,
        "id": entry.id,
        "store_id": entry.store_id,
        "till_id": entry.till_id,
        "epoch": epoch,
        "seq": entry.seq,
        "kind": entry.kind.value,
        "points": entry.points,
        "amount_minor": entry.amount_minor,
        "currency": entry.currency,
        "program_version": entry.program_version,
        "created_at": entry.created_at,
        "prev_hash": entry.prev_hash,
        "hash": digest,
        "body": entry.model_dump(mode="json") if body is None else body,
    }


# -- finishing a request ----------------------------------------------------------------------------------


def finish(session: Session, work: Work) -> None:
    """Track the request's entries on their members' lots, settle them, move what merged members still hold
    to their survivors, and number the changes for the pull log (last: the store row's lock is held only for
    the commit)."""
    track_lots(session, work, _write_correction)
    settle(session, work)
    if work.merged:
        writer = central_writer(session, work.store_id)
        for source, target in work.merged:
            _move_leftover(session, work, writer, source, target)
        track_lots(session, work, _write_correction)
        settle(session, work)
    append_changes(session, work.store_id, work.changes, work.now)
    work.changes = []


def _write_correction(
    session: Session, work: Work, member_id: str, restore: Restore, late: LotFacts
) -> Posted:
    """The correction of an expiry that took points a debit dated before it (``late``) spent: a ``reverse``
    entry naming the expiry, in the central's chain, given to every till *before* the late debit (a till
    gives the points back to the lot, then takes the debit from it, as the central does)."""
    expired_at = session.execute(
        select(ENTRIES.c.created_at).where(
            ENTRIES.c.member_id == member_id, ENTRIES.c.id == restore.expire_id
        )
    ).scalar()
    # Never dated before the expiry it corrects (a sweep may run with a time of its own: ``expire --now``).
    at = max(work.now, parse_utc(expired_at)) if expired_at else work.now
    entry = write_entry(
        session,
        work,
        central_writer(session, work.store_id),
        member_id=member_id,
        kind=EntryKind.REVERSE,
        points=restore.points,
        channel="central",
        program_version=late.program_version,
        at=at,
        reason="expiry corrected: points spent before they expired, by an entry that reached the central later",
        details={"lot_id": restore.lot_id, "entry_id": late.id},
        entry_id=correction_entry_id(restore.expire_id, late.id, at),
        reverses_id=restore.expire_id,
    )
    _member, posted = work.postings.pop()
    change = work.changes.pop()
    place = next(
        (
            i
            for i, (kind, _o, body) in enumerate(work.changes)
            if kind is ChangeKind.ENTRY and body["id"] == late.id
        ),
        len(work.changes),
    )
    work.changes.insert(place, change)
    assert posted.entry_id == entry.id
    return posted


def _move_leftover(session: Session, work: Work, writer: str, source: str, target: str) -> None:
    """Entries that reached the central for the duplicate before its merge did are still on it: the central
    moves that balance (or debt) to the survivor with a pair of transfer entries in its own chain."""
    left = session.execute(
        select(MEMBERS.c.balance).where(MEMBERS.c.id == source).with_for_update(key_share=True)
    ).scalar_one()
    if left == 0:
        return
    version = session.execute(
        select(ENTRIES.c.program_version)
        .where(ENTRIES.c.member_id == source)
        .order_by(ENTRIES.c.created_at.desc())
        .limit(1)
    ).scalar()
    program = active_program(session)
    version = version or (program.version if program else "central")
    for member_id, points, reason in (
        (source, -left, "merged: what arrived after the merge moved to the survivor"),
        (target, left, "merged: moved from the duplicate at the central"),
    ):
        write_entry(
            session,
            work,
            writer,
            member_id=member_id,
            kind=EntryKind.TRANSFER,
            points=points,
            channel="central",
            program_version=version,
            at=work.now,
            reason=reason,
            details={"source": source, "target": target},
        )


def append_changes(
    session: Session,
    store_id: str,
    changes: list[tuple[ChangeKind, str | None, dict[str, Any]]],
    at: datetime,
) -> None:
    """Number the changes under the store row's lock, held to commit: numbers come out in commit order."""
    if not changes:
        return
    last = session.execute(
        update(STORES)
        .where(STORES.c.id == store_id)
        .values(last_change=STORES.c.last_change + len(changes))
        .returning(STORES.c.last_change)
    ).scalar_one()
    first = last - len(changes) + 1
    insert_rows(
        session,
        CHANGES,
        [
            {
                "store_id": store_id,
                "no": first + i,
                "kind": kind.value,
                "origin_till_id": origin,
                "body": body,
                "created_at": at,
            }
            for i, (kind, origin, body) in enumerate(changes)
        ],
    )


def audit(
    session: Session,
    store_id: str,
    *,
    actor: str,
    via: str | None,
    action: str,
    subject: str,
    details: dict[str, Any],
    at: datetime,
) -> None:
    """Append to the store's hash-chained audit log (under the store row's lock: taken last)."""
    seq, prev = session.execute(
        update(STORES)
        .where(STORES.c.id == store_id)
        .values(audit_seq=STORES.c.audit_seq + 1)
        .returning(STORES.c.audit_seq, STORES.c.audit_head)
    ).one()
    record = {
        "seq": seq,
        "at": format_utc(at),
        "actor": actor,
        "via": via,
        "action": action,
        "subject": subject,
        "details": details,
    }
    digest = audit_hash(prev, record)
    session.execute(
        insert(AUDIT).values(
            store_id=store_id,
            seq=seq,
            at=at,
            actor=actor,
            via=via,
            action=action,
            subject=subject,
            details=details,
            prev_hash=prev,
            hash=digest,
        )
    )
    session.execute(update(STORES).where(STORES.c.id == store_id).values(audit_head=digest))


def audit_problems(session: Session, store_id: str) -> list[str]:
    """Every break in the store's audit chain (an edited, deleted or inserted record), one sentence each."""
    problems: list[str] = []
    prev = "0" * 64
    expected = 1
    for row in session.execute(
        select(AUDIT).where(AUDIT.c.store_id == store_id).order_by(AUDIT.c.seq)
    ).mappings():
        if row["seq"] != expected:
            problems.append(f"audit record {expected} is missing")
        record = {
            "seq": row["seq"],
            "at": format_utc(row["at"]),
            "actor": row["actor"],
            "via": row["via"],
            "action": row["action"],
            "subject": row["subject"],
            "details": row["details"],
        }
        if row["prev_hash"] != prev or audit_hash(prev, record) != row["hash"]:
            problems.append(f"audit record {row['seq']} was changed or does not follow the one before")
        prev, expected = row["hash"], row["seq"] + 1
    return problems
