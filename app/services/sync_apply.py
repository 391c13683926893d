"""Taking pulled changes into the till's store: members, entries made at the store's other tills, balances,
program versions.

Applying is idempotent — the same change twice changes nothing the second time — because a page is pulled
again after any interruption:

- an **entry** is inserted once, by its id, exactly as it was made (its till, sequence number and chain
  links, so ``check`` verifies the other till's chain here too), with what it does to the member's lots and
  overdrafts, worked out by the same ledger maths as a sale here (``loyalty.ledger.Account``). Only lots and
  overdrafts that existed at the entry's time take part, so the postings replay in time order as ``check``
  replays them;
- a **member** profile is taken unless this till changed the member later (its own edit goes up and the
  central, which keeps the newest, will agree);
- a **balance** is the central's figure after a push: entries carry the truth here, so it is compared, not
  copied (a difference once this till holds the same entries is logged);
- a **program** version is stored, audited and made active the first time it arrives.

A change that cannot be taken in (a member number another member holds here, an entry whose member or reversed
entry is missing) is skipped with a sentence in the log, and the pull goes on: one bad change never blocks
the rest.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.services.core import ACTIVE_PROGRAM, TILL_ID
from app.services.members import MemberService
from app.services.privacy import forget, optimize_name_index
from app.store import models as m
from app.store.audit import append_audit
from app.store.integrity import program_digest
from app.store.settings import get_setting, set_setting
from app.store.types import parse_utc, utcnow
from loyalty.audit import canonical_json
from loyalty.errors import LoyaltyError
from loyalty.ledger import Account, EntryKind, Lot, Overdraft, Posting
from loyalty.program import loads_program
from sync.protocol import (
    Change,
    ChangeKind,
    EntryPayload,
    ItemKind,
    MemberPayload,
    ProtocolError,
    item_hash,
    parse_payload,
)

log = logging.getLogger(__name__)

_ENTRIES = cast(Table, m.LedgerEntry.__table__)
_LOTS = cast(Table, m.Lot.__table__)
_CONSUMPTIONS = cast(Table, m.LotConsumption.__table__)
_OVERDRAFTS = cast(Table, m.Overdraft.__table__)
_MEMBERS = cast(Table, m.Member.__table__)

_OPEN_LOTS = select(
    _LOTS.c.id, _LOTS.c.points, _LOTS.c.remaining, _LOTS.c.expires_at, _LOTS.c.created_at
).where(_LOTS.c.member_id == bindparam("member_id"), _LOTS.c.remaining > 0)
_OPEN_OVERDRAFTS = select(
    _OVERDRAFTS.c.id, _OVERDRAFTS.c.points, _OVERDRAFTS.c.remaining, _OVERDRAFTS.c.created_at
).where(_OVERDRAFTS.c.member_id == bindparam("member_id"), _OVERDRAFTS.c.remaining > 0)
_LAST_OWN_EDIT = text("SELECT max(created_at) FROM outbox WHERE entity = 'member' AND entity_id = :id")
_ENTRY_COUNT = text("SELECT count(*) FROM ledger_entries WHERE member_id = :id")

_PROFILE = ("member_number", "full_name", "phone", "email")


class Skipped(Exception):
    """A change that cannot be taken in here; the message says why."""


@dataclass(slots=True)
class ChunkResult:
    written: int = 0
    skipped: list[str] = field(default_factory=list)


def apply_changes(session: Session, changes: Sequence[Change]) -> ChunkResult:
    """Apply pulled changes in the caller's write transaction, each in a savepoint of its own."""
    result = ChunkResult()
    own_till = get_setting(session, TILL_ID)
    for change in changes:
        apply = _APPLY.get(change.kind)
        if apply is None:  # a kind of change newer than this till: said, not silently dropped
            sentence = (
                f"change {change.no} ({change.kind.value}) not taken in: this till does not know the kind"
            )
            log.warning("pull: %s", sentence)
            result.skipped.append(sentence)
            continue
        try:
            with session.begin_nested():
                if apply(session, change.body, own_till):
                    result.written += 1
        except (Skipped, IntegrityError, LoyaltyError) as err:
            why = str(err) if not isinstance(err, IntegrityError) else _constraint(err)
            sentence = f"change {change.no} ({change.kind.value}) not taken in: {why}"
            log.warning("pull: %s", sentence)
            result.skipped.append(sentence)
    return result


def _constraint(err: IntegrityError) -> str:
    text_ = str(err.orig) if err.orig is not None else str(err)
    return f"it clashes with what this till holds ({text_})"


# -- members ------------------------------------------------------------------------------------------------
def _member(session: Session, body: dict[str, Any], _own_till: str | None) -> bool:
    try:
        profile = parse_payload(ItemKind.MEMBER, body)
    except ProtocolError as err:
        raise Skipped(f"not a member profile: {err.problems}") from None
    assert isinstance(profile, MemberPayload)
    own_edit = session.execute(_LAST_OWN_EDIT, {"id": profile.id}).scalar()
    erased = profile.status == "erased"  # an erasure wins over any edit, here as at the central
    if own_edit is not None and str(own_edit) > profile.updated_at and not erased:
        return False  # this till's later edit wins here, and will at the central
    status = profile.status if profile.status in m.MEMBER_STATUSES else None
    member = session.get(m.Member, profile.id)
    if member is None:
        holder = session.scalar(select(m.Member.id).where(m.Member.member_number == profile.member_number))
        if holder is not None:
            raise Skipped(f"member number {profile.member_number} belongs to another member here")
        at = parse_utc(profile.updated_at)
        member = m.Member(
            id=profile.id,
            member_number=profile.member_number,
            full_name=profile.full_name,
            phone=_free(session, m.Member.phone, profile.phone, profile.id),
            email=_free(session, m.Member.email, profile.email, profile.id),
            referral_code=MemberService._new_referral_code(session),
            status=status or "active",
            tier_code=profile.tier_code,
            balance=0,
            home_store_id=profile.store_id,
            created_at=at,
            updated_at=at,
        )
        session.add(member)
        session.flush()
        return True
    wanted: dict[str, Any] = {
        "member_number": profile.member_number,
        "full_name": profile.full_name,
        "phone": _free(session, m.Member.phone, profile.phone, profile.id),
        "email": _free(session, m.Member.email, profile.email, profile.id),
    }
    if status is not None:
        wanted["status"] = status
    if profile.tier_code is not None:  # tills compute tiers from their entries; an empty one says nothing
        wanted["tier_code"] = profile.tier_code
    changed = {k: v for k, v in wanted.items() if getattr(member, k) != v}
    if "member_number" in changed and session.scalar(
        select(m.Member.id).where(m.Member.member_number == profile.member_number, m.Member.id != profile.id)
    ):
        raise Skipped(f"member number {profile.member_number} belongs to another member here")
    was_erased = member.status == "erased"
    for key, value in changed.items():
        setattr(member, key, value)
    session.flush()
    if erased and not was_erased:
        # Erased at another till: what this till holds of the person goes too (app.services.privacy).
        at = parse_utc(profile.updated_at)
        cards = forget(session, member, at, None)
        optimize_name_index(session)
        append_audit(
            session,
            action="member.erase",
            staff_id=None,
            subject_type="member",
            subject_id=member.id,
            details={"member": member.member_number, "via": "central", "cards": cards},
            at=utcnow(),
        )
    return bool(changed)


def _free(session: Session, column: Any, value: str | None, member_id: str) -> str | None:
    """A unique contact (phone, e-mail) when no other member here has it; else None, kept off this copy."""
    if value is None:
        return None
    holder = session.scalar(select(m.Member.id).where(column == value, m.Member.id != member_id))
    if holder is not None:
        log.warning("pull: member %s has a contact another member holds here: left off", member_id)
        return None
    return value


# -- entries ------------------------------------------------------------------------------------------------
def _entry(session: Session, body: dict[str, Any], own_till: str | None) -> bool:
    fields = {k: v for k, v in body.items() if k != "epoch"}
    try:
        entry = parse_payload(ItemKind.LEDGER_ENTRY, fields)
    except ProtocolError as err:
        raise Skipped(f"not a ledger entry: {err.problems}") from None
    assert isinstance(entry, EntryPayload)
    if entry.till_id == own_till:
        return False
    if session.execute(select(_ENTRIES.c.id).where(_ENTRIES.c.id == entry.id)).first() is not None:
        return False
    member = session.execute(
        select(_MEMBERS.c.balance).where(_MEMBERS.c.id == entry.member_id)
    ).scalar_one_or_none()
    if member is None:
        raise Skipped(f"member {entry.member_id} of entry {entry.id} is not known here")
    at = parse_utc(entry.created_at)
    session.execute(
        insert(_ENTRIES),
        {
            "id": entry.id,
            "member_id": entry.member_id,
            "kind": entry.kind.value,
            "points": entry.points,
            "amount_minor": entry.amount_minor,
            "currency": entry.currency,
            "receipt_ref": entry.receipt_ref,
            "store_id": entry.store_id,
            "till_id": entry.till_id,
            "seq": entry.seq,
            "staff_id": entry.staff_id,
            "reason": entry.reason,
            "action_code": entry.action_code,
            "program_version": entry.program_version,
            "reverses_id": entry.reverses_id,
            "channel": entry.channel,
            "created_at": at,
            # Stored as canonical JSON text again: the same text the other till hashed.
            "details": None if entry.details is None else json.loads(entry.details),
            "prev_hash": entry.prev_hash,
            "hash": item_hash(ItemKind.LEDGER_ENTRY, entry),
        },
    )
    posting = _posting(session, entry, int(member), at)
    if posting is not None:
        _persist(session, entry.member_id, posting, at, entry.kind.value)
    return True


def _posting(session: Session, entry: EntryPayload, balance: int, at: datetime) -> Posting | None:
    """What the entry does to the member's lots and overdrafts, by the till's own ledger maths, among the
    lots and overdrafts that existed at the entry's time."""
    lots = [Lot(*row) for row in session.execute(_OPEN_LOTS, {"member_id": entry.member_id}) if row[4] <= at]
    overdrafts = [
        Overdraft(*row)
        for row in session.execute(_OPEN_OVERDRAFTS, {"member_id": entry.member_id})
        if row[3] <= at
    ]
    account = Account.of(balance, lots, overdrafts)
    if entry.points > 0:
        expires = None if entry.expires_at is None else parse_utc(entry.expires_at)
        return account.credit(entry.id, entry.points, at, expires)
    if entry.points == 0:
        return None
    if entry.kind is EntryKind.EXPIRE:
        # The other till removed what was left of the lots due by then: the same lots here, when they
        # hold the same points.
        due = sum(
            lot.remaining
            for lot in account.lots.values()
            if lot.expires_at is not None and lot.expires_at <= at
        )
        if due == -entry.points:
            return account.expire(entry.id, at)
    return account.debit(entry.id, -entry.points, at, allow_overdraft=True)


def _persist(session: Session, member_id: str, posting: Posting, at: datetime, reason: str) -> None:
    """Write a posting's lots, consumptions, overdrafts and the balance cache (as a sale here does)."""
    lot = posting.new_lot
    if lot is not None:
        session.execute(
            insert(_LOTS),
            {
                "id": lot.id,
                "member_id": member_id,
                "points": lot.points,
                "remaining": lot.remaining,
                "expires_at": lot.expires_at,
                "created_at": lot.created_at,
            },
        )
    for lot_id, left in posting.lot_remaining.items():
        session.execute(update(_LOTS).where(_LOTS.c.id == lot_id).values(remaining=left))
    if posting.consumptions:
        session.execute(
            insert(_CONSUMPTIONS),
            [
                {"entry_id": posting.entry_id, "lot_id": c.lot_id, "points": c.points}
                for c in posting.consumptions
            ],
        )
    for od_id, remaining in posting.overdraft_remaining.items():
        session.execute(
            update(_OVERDRAFTS)
            .where(_OVERDRAFTS.c.id == od_id)
            .values(remaining=remaining, settled_at=at if remaining == 0 else None)
        )
    od = posting.new_overdraft
    if od is not None:
        session.execute(
            insert(_OVERDRAFTS),
            {
                "id": od.id,
                "member_id": member_id,
                "entry_id": posting.entry_id,
                "points": od.points,
                "remaining": od.remaining,
                "reason": f"{reason} at another till",
                "created_at": at,
            },
        )
    if posting.points:
        session.execute(
            update(_MEMBERS)
            .where(_MEMBERS.c.id == member_id)
            .values(balance=_MEMBERS.c.balance + posting.points, updated_at=utcnow())
        )


# -- balances and programs ------------------------------------------------------------------------------------
def _balance(session: Session, body: dict[str, Any], _own_till: str | None) -> bool:
    member_id, balance, count = body.get("member_id"), body.get("balance"), body.get("entry_count")
    if not isinstance(member_id, str) or not isinstance(balance, int) or not isinstance(count, int):
        raise Skipped("not a balance")
    local = session.execute(select(_MEMBERS.c.balance).where(_MEMBERS.c.id == member_id)).scalar()
    if local is None or local == balance:
        return False
    if session.execute(_ENTRY_COUNT, {"id": member_id}).scalar_one() == count:
        log.warning(
            "pull: member %s has %d points here but %d at the central, with the same %d entries",
            member_id,
            local,
            balance,
            count,
        )
    return False


def _program(session: Session, body: dict[str, Any], _own_till: str | None) -> bool:
    version, rules = body.get("version"), body.get("program")
    if not isinstance(version, str) or not isinstance(rules, dict):
        raise Skipped("not a program version")
    program = loads_program(canonical_json(rules), "json")
    text_ = program.canonical_json()
    digest = program_digest(text_)
    row = session.get(m.ProgramVersion, program.version)
    if row is not None:
        if row.sha256 != digest:
            raise Skipped(f"program version {program.version} is installed here with other rules")
        return False
    at = utcnow()
    session.add(m.ProgramVersion(version=program.version, body=text_, sha256=digest, loaded_at=at))
    set_setting(session, ACTIVE_PROGRAM, program.version)
    append_audit(
        session,
        action="program.install",
        staff_id=None,
        subject_type="program",
        subject_id=program.version,
        details={"sha256": digest, "activate": True, "from": "central"},
        at=at,
    )
    session.flush()
    log.info("pull: program %s installed and made active", program.version)
    return True


_APPLY: dict[ChangeKind, Callable[[Session, dict[str, Any], str | None], bool]] = {
    ChangeKind.MEMBER: _member,
    ChangeKind.ENTRY: _entry,
    ChangeKind.BALANCE: _balance,
    ChangeKind.PROGRAM: _program,
}
