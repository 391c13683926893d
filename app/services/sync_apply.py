"""Taking pulled changes into the till's store: members, entries made at the store's other tills, balances,
program versions, cards, merges and erasures.

Applying is idempotent — the same change twice changes nothing the second time — because a page is pulled
again after any interruption:

- an **entry** is inserted once, by its id, exactly as it was made (its till, sequence number and chain
  links, so ``check`` verifies the other till's chain here too), with what it does to the member's lots and
  overdrafts, worked out by the same ledger maths as a sale here (``loyalty.ledger.Account``). Only lots and
  overdrafts that existed at the entry's time take part, so the postings replay in time order as ``check``
  replays them;
- a **member** profile is taken field by field: a field this till edited later than the central's edit of it
  (the change carries each field's time and till) keeps this till's value — its own edit goes up and the
  central, which keeps the newest per field, will agree; an erased member takes no profile again;
- a **balance** is the central's figure after a push: entries carry the truth here, so it is compared, not
  copied (a difference once this till holds the same entries is logged);
- a **program** version is stored, audited and made active the first time it arrives;
- a **card** as the central holds it: a card only moves up (active, blocked, replaced), so a block made at
  another till blocks the card here, and a card the central gave to another member follows it;
- a **merge** marks the duplicate merged into the survivor here too and moves its cards (an old card then
  finds the survivor); its points move by the transfer entries of the merge, which arrive as entries;
- an **erasure** erases the member here as an erasure made here does (``app.services.privacy.forget``).

A change that cannot be taken in (a member number another member holds here, an entry whose member or reversed
entry is missing) is skipped with a sentence in the log, and the pull goes on: one bad change never blocks
the rest. A change of a kind this till does not know, or whose body it cannot read, is different: it comes
from a newer central, and skipping it would lose it for good once this till is updated. The pull stops
right before it (``ChunkResult.stopped``), in a sentence, and the cursor stays there.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar, cast

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import Table, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.services.accounts import surviving_member_id
from app.services.core import ACTIVE_PROGRAM, TILL_ID
from app.services.members import merge_consents, resolve_duplicates
from app.services.privacy import forget, optimize_name_index
from app.services.sale_by_receipt import warn_if_receipt_clash
from app.store import deferred_indexes, lookup
from app.store import models as m
from app.store.audit import append_audit
from app.store.integrity import program_digest, write_order
from app.store.name_index import members_in_bulk
from app.store.referral_codes import new_referral_codes
from app.store.settings import get_setting, set_setting
from app.store.types import format_utc, parse_utc, utcnow
from loyalty.audit import canonical_json
from loyalty.errors import LoyaltyError
from loyalty.ledger import Account, EntryKind, Lot, Overdraft, Posting
from loyalty.program import loads_program
from loyalty.text import fold
from sync.protocol import (
    ERASED_NAME,
    PROFILE_FIELDS,
    CardPayload,
    Change,
    ChangeKind,
    EntryPayload,
    ItemKind,
    MemberPayload,
    ProtocolError,
    UtcText,
    Uuid,
    item_hash,
    parse_payload,
    parse_profiles,
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
_OWN_EDITS = text(
    "SELECT entity, created_at, payload FROM outbox WHERE entity IN ('member', 'member_edit') "
    "AND entity_id = :id"
)
_ENTRY_COUNT = text("SELECT count(*) FROM ledger_entries WHERE member_id = :id")

_PROFILE = ("member_number", "full_name", "phone", "email")


class Skipped(Exception):
    """A change that cannot be taken in here; the message says why."""


class Unreadable(Exception):
    """A change whose body this till cannot read (a newer central's form of it): the pull stops before it."""


@dataclass(slots=True)
class ChunkResult:
    written: int = 0
    skipped: list[str] = field(default_factory=list)
    read: int = 0
    """Changes taken in or skipped, from the start of the chunk (all of them unless ``stopped``)."""
    stopped: str | None = None
    """Why the chunk was taken in only up to change ``stopped_no``, in one sentence."""
    stopped_no: int | None = None


def apply_changes(
    session: Session, changes: Sequence[Change], *, enough: Callable[[float], bool] | None = None
) -> ChunkResult:
    """Apply pulled changes in the caller's write transaction, each in a savepoint of its own (new members
    in bulk), up to the first one this till cannot take in yet (``ChunkResult.stopped``) — or, with
    ``enough`` (given the seconds since the start), up to the change after which it says the transaction
    has gone on long enough (``ChunkResult.read``)."""
    result = ChunkResult()
    own_till = get_setting(session, TILL_ID)
    started = time.monotonic()
    i = 0
    while i < len(changes):
        if enough is not None and i > 0 and enough(time.monotonic() - started):
            return result  # the rest in another transaction: ``result.read`` says how far this one came
        if changes[i].kind == ChangeKind.MEMBER:
            run = _member_run(changes, i)
            if not _member_run_applied(session, run, own_till, result):
                return result
            i += len(run)
            continue
        if not _apply_one(session, changes[i], own_till, result):
            return result
        i += 1
    return result


def _apply_one(session: Session, change: Change, own_till: str | None, result: ChunkResult) -> bool:
    """Apply one change in a savepoint of its own; False when the pull stops before it."""
    apply = _APPLY.get(change.kind)
    if apply is None:
        # A kind newer than this till. Skipping it would lose it for good once the till is updated.
        result.stopped = (
            f"this till needs an update to take in changes of kind {change.kind!r} (change {change.no} "
            "and everything after it wait at the central; sales are still sent)"
        )
        result.stopped_no = change.no
        return False
    try:
        with session.begin_nested():
            if apply(session, change.body, own_till):
                result.written += 1
    except Unreadable as err:
        result.stopped = (
            f"this till needs an update to take in change {change.no} of kind {change.kind!r}: {err} "
            "(it and everything after it wait at the central; sales are still sent)"
        )
        result.stopped_no = change.no
        return False
    except (Skipped, IntegrityError, LoyaltyError) as err:
        why = str(err) if not isinstance(err, IntegrityError) else _constraint(err)
        sentence = f"change {change.no} ({change.kind}) not taken in: {why}"
        log.warning("pull: %s", sentence)
        result.skipped.append(sentence)
    result.read += 1
    return True


def _constraint(err: IntegrityError) -> str:
    text_ = str(err.orig) if err.orig is not None else str(err)
    return f"it clashes with what this till holds ({text_})"


# -- members ------------------------------------------------------------------------------------------------
def _member(session: Session, body: dict[str, Any], own_till: str | None) -> bool:
    times = body.get("field_times")
    try:
        profile = parse_payload(ItemKind.MEMBER, {k: v for k, v in body.items() if k != "field_times"})
    except ProtocolError as err:
        raise Unreadable(f"it is not a member profile as this till knows one ({err.problems})") from None
    assert isinstance(profile, MemberPayload)
    erased = profile.status == "erased"  # an erasure wins over any edit, here as at the central
    status = profile.status if profile.status in m.MEMBER_STATUSES else None
    if status == "merged":
        status = None  # a merge comes as a change of its own, which says into whom
    member = session.get(m.Member, profile.id)
    if member is not None and _erased_here(member):
        return False  # nothing brings an erased person back (an older profile pulled late)
    kept = set() if erased else _kept_fields(session, profile, times, own_till)
    unchecked = deferred_indexes.unchecked(session)
    if member is None:
        holder = session.scalar(select(m.Member.id).where(m.Member.member_number == profile.member_number))
        if holder is not None:
            raise Skipped(f"member number {profile.member_number} belongs to another member here")
        at = parse_utc(profile.updated_at)
        member = m.Member(
            id=profile.id,
            member_number=profile.member_number,
            full_name=profile.full_name,
            phone=_free(session, m.Member.phone, profile.phone, profile.id, unchecked, new=True),
            email=_free(session, m.Member.email, profile.email, profile.id, unchecked, new=True),
            referral_code=_codes(session, 1, unchecked)[0],
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
        "phone": _free(session, m.Member.phone, profile.phone, profile.id, unchecked, held=member.phone),
        "email": _free(session, m.Member.email, profile.email, profile.id, unchecked, held=member.email),
    }
    if status is not None:
        wanted["status"] = status
    if profile.tier_code is not None:  # tills compute tiers from their entries; an empty one says nothing
        wanted["tier_code"] = profile.tier_code
    held = {k: getattr(member, k) for k in wanted}
    for key in ("phone", "email"):
        if key in unchecked and held[key] != wanted[key]:
            held[key] = _held_first(session, key, member)
    changed = {k: v for k, v in wanted.items() if held[k] != v and k not in kept}
    if "member_number" in changed and session.scalar(
        select(m.Member.id).where(m.Member.member_number == profile.member_number, m.Member.id != profile.id)
    ):
        raise Skipped(f"member number {profile.member_number} belongs to another member here")
    for key in unchecked & set(changed):
        _let_go(session, key, held[key], member.id)
    was_erased = member.status == "erased"
    for key, value in changed.items():
        setattr(member, key, value)
    if changed:
        # Changed when the central says, not when this till heard of it (the column's own default is this
        # till's clock); a later edit made here keeps its time. Set even when unchanged, or the default fires.
        member.updated_at = max(member.updated_at, parse_utc(profile.updated_at))
        flag_modified(member, "updated_at")
    session.flush()
    if erased and not was_erased:
        # Erased at another till: what this till holds of the person goes too (app.services.privacy).
        at = parse_utc(profile.updated_at)
        firsts = {key: _held_first(session, key, member) for key in unchecked - {"referral_code"}}
        cards = forget(session, member, at, None)
        for key, value in firsts.items():
            _let_go(session, key, value, member.id)
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


# -- members in bulk ------------------------------------------------------------------------------------------
MEMBER_RUN = 1000
"""At most this many consecutive member changes are looked at together (one query per unique column)."""

_UNIQUE = ("id", "member_number", "phone")
"""Compared as stored; and the e-mail, which the store keeps in lower case."""


def _member_run(changes: Sequence[Change], start: int) -> list[Change]:
    """The consecutive member changes from ``start`` whose ids, numbers, phones and e-mails all differ.

    Within such a run no change can touch what another one holds, so taking the new members among them in
    bulk and the others one by one, in order, ends as taking each in turn would (a first pull: a page of
    profiles, each new here)."""
    run: list[Change] = []
    seen: set[tuple[str, str]] = set()
    for change in changes[start : start + MEMBER_RUN]:
        if change.kind != ChangeKind.MEMBER:
            break
        body = change.body
        keys = [(name, str(value)) for name in _UNIQUE if (value := body.get(name)) is not None]
        if (email := body.get("email")) is not None:
            keys.append(("email", str(email).lower()))
        if run and not seen.isdisjoint(keys):
            break
        seen.update(keys)
        run.append(change)
    return run


def _member_run_applied(
    session: Session, run: Sequence[Change], own_till: str | None, result: ChunkResult
) -> bool:
    """Apply a run of member changes (``_member_run``): the members new here with one multi-row insert per
    stretch, the others alone. False when the pull stops in the run."""
    rows = _new_member_rows(session, run)
    pending: list[tuple[Change, _NewRow]] = []
    for n, change in enumerate(run):
        row = rows.get(n)
        if row is not None:
            pending.append((change, row))
            continue
        if not _insert_members(session, pending, own_till, result):
            return False
        pending = []
        if not _apply_one(session, change, own_till, result):
            return False
    return _insert_members(session, pending, own_till, result)


_NEW_MEMBER_COLUMNS = (
    "id",
    "member_number",
    "full_name",
    "name_folded",
    "phone",
    "email",
    "status",
    "tier_code",
    "balance",
    "preferred_language",
    "home_store_id",
    "created_at",
    "updated_at",
    "referral_code",
)
_INSERT_MEMBERS = f"INSERT INTO members ({', '.join(_NEW_MEMBER_COLUMNS)}) VALUES ({', '.join('?' * len(_NEW_MEMBER_COLUMNS))})"
"""The driver's own executemany over prepared values: through the ORM's insert, converting each row's
parameters was a sixth of a first pull's time."""

_NewRow = tuple[Any, ...]
"""A new member's values in ``_NEW_MEMBER_COLUMNS`` order, but for the referral code (drawn at the insert)."""


def _profiles(run: Sequence[Change]) -> dict[int, MemberPayload]:
    """The run's readable profiles by place: all at once (one call into pydantic for the run), or, should one
    be unreadable, each on its own (that one goes alone and stops the pull in a sentence)."""
    try:
        return dict(enumerate(parse_profiles([change.body for change in run])))
    except ProtocolError:
        pass
    profiles: dict[int, MemberPayload] = {}
    for n, change in enumerate(run):
        try:
            profile = parse_payload(
                ItemKind.MEMBER, {k: v for k, v in change.body.items() if k != "field_times"}
            )
        except ProtocolError:
            continue
        assert isinstance(profile, MemberPayload)
        profiles[n] = profile
    return profiles


def _new_member_rows(session: Session, run: Sequence[Change]) -> dict[int, _NewRow]:
    """The row of each change of the run (by its place) that creates a member, with nothing here in its way:
    its id, number, phone and e-mail all free. The others (an update, a clash, an unreadable body) go alone."""
    profiles = _profiles(run)
    if not profiles:
        return {}
    emails = {n: p.email.lower() for n, p in profiles.items() if p.email is not None}
    # Phones and e-mails whose unique index a first pull builds at its end are settled there (by the same
    # rule as ``_free``): looked up here, each would read every member.
    unchecked = deferred_indexes.unchecked(session)
    phones = [] if "phone" in unchecked else [p.phone for p in profiles.values() if p.phone]
    held = {
        "id": lookup.held(session, _MEMBERS.c.id, [p.id for p in profiles.values()]),
        "number": lookup.held(
            session, _MEMBERS.c.member_number, [p.member_number for p in profiles.values()]
        ),
        "phone": lookup.held(session, _MEMBERS.c.phone, phones),
        "email": lookup.held(
            session, _MEMBERS.c.email, [] if "email" in unchecked else list(emails.values())
        ),
    }
    rows: dict[int, _NewRow] = {}
    for n, p in profiles.items():
        email = emails.get(n)
        if (
            p.id in held["id"]
            or p.member_number in held["number"]
            or (p.phone is not None and p.phone in held["phone"])
            or (email is not None and email in held["email"])
        ):
            continue
        # As ``_member`` creates one: a merge comes as a change of its own, which says into whom.
        status = p.status if p.status in m.MEMBER_STATUSES and p.status != "merged" else "active"
        # The protocol's UTC text is the store's own fixed-width form (``format_utc``): stored as it came.
        at = p.updated_at
        rows[n] = (
            p.id,
            p.member_number,
            p.full_name,
            fold(p.full_name),
            p.phone,
            email,
            status,
            p.tier_code,
            0,
            "vi",
            p.store_id,
            at,
            at,
        )
    return rows


def _insert_members(
    session: Session,
    pending: Sequence[tuple[Change, _NewRow]],
    own_till: str | None,
    result: ChunkResult,
) -> bool:
    """Insert new members with one statement (each with a referral code of its own); should the store refuse
    (it was checked just before), each goes alone and is answered as it deserves."""
    if not pending:
        return True
    codes = _codes(session, len(pending), deferred_indexes.unchecked(session))
    try:
        # Their names go into the name index in large chunks once the page is in (app.store.name_index).
        with session.begin_nested(), members_in_bulk(session):
            session.connection().exec_driver_sql(
                _INSERT_MEMBERS,
                [(*row, code) for (_c, row), code in zip(pending, codes, strict=True)],
            )
    except IntegrityError:  # pragma: no cover - checked against the store in the same transaction
        return all(_apply_one(session, change, own_till, result) for change, _row in pending)
    result.written += len(pending)
    result.read += len(pending)
    return True


def _held_first(session: Session, key: str, member: m.Member) -> str | None:
    """Member's contact (``phone``, ``email``, ``referral_code``) as taking pulled changes one at a time would
    have left it, while a first pull leaves its unique index for later: a new member then takes a contact
    unchecked, so another member here may hold it too; the first of them (lowest rowid) holds it, the others
    would have been given none. Reads the table: called only when the member's contact changes."""
    value = getattr(member, key)
    if value is None:
        return None
    first = session.scalar(
        text(f"SELECT id FROM members WHERE {key} = :value ORDER BY rowid LIMIT 1"), {"value": value}
    )
    return value if first == member.id else None


def _let_go(session: Session, key: str, value: str | None, member_id: str) -> None:
    """The member who held ``value`` first let go of it: the members that took it unchecked since (a first
    pull) would have been given none, one change at a time, and are left without it, as they would be."""
    if value is not None:
        column = getattr(m.Member, key)
        # Through the ORM, which sets the value on those members already loaded in this session too.
        session.execute(update(m.Member).where(column == value, m.Member.id != member_id).values({key: None}))


def _codes(session: Session, n: int, unchecked: frozenset[str]) -> list[str]:
    """New referral codes, looked up in the store unless a first pull builds their unique index at its end
    (``unchecked``: ``deferred_indexes.unchecked``)."""
    return new_referral_codes(session, n, check="referral_code" not in unchecked)


def _erased_here(member: m.Member) -> bool:
    """Erased at this till or by a pulled erasure (a merged member keeps its status when erased; no name a
    person has is the erased name, which has no letters)."""
    return member.status == "erased" or member.full_name == ERASED_NAME


def _kept_fields(session: Session, profile: MemberPayload, times: Any, own_till: str | None) -> set[str]:
    """Fields this till edited later than the central's edit of them: this till's value stays (its edit goes
    up, or went up and the central agrees). The comparison is the central's: time, then till id."""
    own: dict[str, tuple[str, str]] = {}
    for entity, created_at, payload in session.execute(_OWN_EDITS, {"id": profile.id}):
        names: Any = PROFILE_FIELDS
        if entity == "member_edit":
            try:
                names = json.loads(payload).get("changes") or {}
            except (TypeError, ValueError, AttributeError):
                continue
        stamp = (str(created_at), own_till or "")
        for name in names:
            if stamp > own.get(name, ("", "")):
                own[name] = stamp
    kept = set()
    for name, stamp in own.items():
        central = times.get(name) if isinstance(times, dict) else None
        if isinstance(central, list) and len(central) == 2:
            theirs = (str(central[0]), str(central[1]))
        else:
            theirs = (profile.updated_at, "")  # a central that does not say: its profile's time
        if stamp > theirs:
            kept.add(name)
    return kept


def _free(
    session: Session,
    column: Any,
    value: str | None,
    member_id: str,
    unchecked: frozenset[str],
    *,
    new: bool = False,
    held: str | None = None,
) -> str | None:
    """A unique contact (phone, e-mail) when no other member here has it; else None, kept off this copy.

    While a first pull has the column's unique index left for later (``unchecked``: the columns
    ``deferred_indexes.unchecked`` names), a new member takes the value as it is, and so does a member who
    holds it already (a look-up would read every member): building the index keeps it on the member here
    first. A member given a new contact is still checked, so no member here loses a contact to a later change
    of another's."""
    if value is None:
        return None
    if column.key == "email":
        value = value.lower()  # as stored (``Member._lower_email``), or an e-mail in capitals would pass here
    if column.key in unchecked and (new or value == held):
        return value
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
        raise Unreadable(f"it is not a ledger entry as this till knows one ({err.problems})") from None
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
    warn_if_receipt_clash(session, entry)
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
    if entry.points and _arrived_late(session, entry, at):
        # Older than entries the member already has here (an offline redemption at another till, pulled after
        # a later sale here): the lots and overdrafts those entries left are not the ones of this entry's
        # time, so the member's are worked out again from every entry, in write order, as `check` does.
        _rebuild_member(session, entry.member_id, own_till, {entry.id: entry.expires_at})
        return True
    posting = _posting(session, entry, int(member), at)
    if posting is not None:
        _persist(session, entry.member_id, posting, at, entry.kind.value)
    return True


_LATER_BY_TIME = text(
    "SELECT 1 FROM ledger_entries WHERE member_id = :member_id AND created_at >= :at AND id != :id LIMIT 1"
)
_LATER_BY_SEQ = text(
    "SELECT 1 FROM ledger_entries WHERE till_id = :till_id AND seq > :seq AND member_id = :member_id LIMIT 1"
)


def _arrived_late(session: Session, entry: EntryPayload, at: datetime) -> bool:
    """Whether the member has an entry here that comes after ``entry`` in write order
    (``app.store.integrity.write_order``): one of a later (or the same) time, or a later one of the same
    till. Two indexed look-ups; the same instant counts as late, since which of two tills' entries of one
    instant comes first is the write order's to say."""
    by_time = {"member_id": entry.member_id, "at": format_utc(at), "id": entry.id}
    if session.execute(_LATER_BY_TIME, by_time).first() is not None:
        return True
    by_seq = {"member_id": entry.member_id, "till_id": entry.till_id, "seq": entry.seq}
    return session.execute(_LATER_BY_SEQ, by_seq).first() is not None


class _Facts(Protocol):
    """What the posting rules read of an entry: a pulled one (``EntryPayload``) or a stored one (``_Stored``)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> EntryKind: ...
    @property
    def points(self) -> int: ...
    @property
    def channel(self) -> str: ...
    @property
    def details(self) -> str | None: ...
    @property
    def reverses_id(self) -> str | None: ...
    @property
    def expires_at(self) -> str | None: ...


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
    posting, back = _rule(account, entry, at, lambda lot_id: _stored_lot(session, lot_id))
    lot_id = _named_lot(entry)
    if back and lot_id is not None:
        _unexpire(session, entry, lot_id, back)
    return posting


def _rule(
    account: Account, entry: _Facts, at: datetime, lot_of: Callable[[str], Lot | None]
) -> tuple[Posting | None, int]:
    """The posting of one entry on ``account`` (which it updates), by kind, and the points an expiry
    correction gave back to the lot its expiry named (the caller takes them off that expiry's consumption of
    the lot). ``lot_of`` finds a lot by id, whatever it has left. The one rule for an entry pulled in order
    and for a member's entries replayed (``_rebuild_member``)."""
    lot_id = _named_lot(entry)
    if entry.points > 0 and entry.kind is EntryKind.REVERSE and lot_id is not None:
        # The central's correction of its expiry ``entry.reverses_id`` of a lot: points an entry dated before
        # the expiry spent, which reached the central after it. They pay what the expiry left owing here first
        # (this till spent them before the expiry arrived), and the rest goes back into the lot for that late
        # entry, which follows in the log, to take — as at the central.
        lot = lot_of(lot_id)
        if lot is not None and entry.reverses_id is not None:
            return account.unexpire(entry.id, lot, entry.points, at)
    if entry.points > 0:
        expires = None if entry.expires_at is None else parse_utc(entry.expires_at)
        return account.credit(entry.id, entry.points, at, expires), 0
    if entry.points == 0:
        return None, 0
    if entry.kind is EntryKind.EXPIRE and lot_id is not None:
        # The central's expiry of one lot (it owns expiry for enrolled tills): what this till holds of that
        # lot; more than that means a redemption here spent from the lot before its date, and the
        # central's correction, which follows in the log, pays the difference back.
        return account.expire_lot(entry.id, lot_id, -entry.points, at), 0
    if entry.kind is EntryKind.EXPIRE:
        # The other till removed what was left of the lots due by then: the same lots here, when they
        # hold the same points.
        due = sum(
            lot.remaining
            for lot in account.lots.values()
            if lot.expires_at is not None and lot.expires_at <= at
        )
        if due == -entry.points:
            return account.expire(entry.id, at), 0
    return account.debit(entry.id, -entry.points, at, allow_overdraft=True), 0


def _named_lot(entry: _Facts) -> str | None:
    """The lot an expiry written by the central (or its correction) is about, from the entry's details."""
    if entry.channel != "central" or entry.details is None or '"lot_id"' not in entry.details:
        return None
    details = json.loads(entry.details)
    lot_id = details.get("lot_id") if isinstance(details, dict) else None
    return lot_id if isinstance(lot_id, str) else None


def _stored_lot(session: Session, lot_id: str) -> Lot | None:
    row = session.execute(
        select(_LOTS.c.id, _LOTS.c.points, _LOTS.c.remaining, _LOTS.c.expires_at, _LOTS.c.created_at).where(
            _LOTS.c.id == lot_id
        )
    ).first()
    return None if row is None else Lot(*row)


def _unexpire(session: Session, entry: EntryPayload, lot_id: str, back: int) -> None:
    """Points an expiry correction gave back to the lot: the lot holds them again, and the expiry took that
    much less of it."""
    session.execute(update(_LOTS).where(_LOTS.c.id == lot_id).values(remaining=_LOTS.c.remaining + back))
    took = (_CONSUMPTIONS.c.entry_id == entry.reverses_id) & (_CONSUMPTIONS.c.lot_id == lot_id)
    session.execute(delete(_CONSUMPTIONS).where(took, _CONSUMPTIONS.c.points <= back))
    session.execute(update(_CONSUMPTIONS).where(took).values(points=_CONSUMPTIONS.c.points - back))


# -- a member's lots and overdrafts worked out again ---------------------------------------------------------
_MEMBER_LEDGER = text(
    "SELECT e.id, e.till_id, e.seq, e.kind, e.points, e.created_at, e.reverses_id, e.channel, e.details, "
    "l.expires_at FROM ledger_entries e LEFT JOIN lots l ON l.id = e.id WHERE e.member_id = :member_id"
)
_MEMBER_OVERDRAFTS = text("SELECT id, reason, created_at FROM overdrafts WHERE member_id = :member_id")


@dataclass(frozen=True, slots=True)
class _Stored:
    """A ledger entry as stored here, its times as the stored text (the write order compares that text)."""

    id: str
    till_id: str
    seq: int
    kind: EntryKind
    points: int
    created_at: str
    reverses_id: str | None
    channel: str
    details: str | None
    expires_at: str | None


@dataclass(slots=True)
class _Owed:
    overdraft: Overdraft
    reason: str
    created_at: datetime  # a stored overdraft's, kept as it was
    settled_at: datetime | None = None


def _rebuild_member(
    session: Session, member_id: str, own_till: str | None, expiries: dict[str, str | None]
) -> None:
    """Work out the member's lots, lot consumptions and overdrafts again from all of their entries, replayed
    in write order (``app.store.integrity.write_order``, the order `check` replays them in) by the same rule
    as an entry pulled in order (``_rule``), and write them in place of the old ones; the balance cache is the
    sum of the entries.

    Ids do not move: a lot's id is its entry's, an overdraft's is its debit's (``Account.debit``), so what
    names them (the reconciliation inbox's decisions in the audit log) still finds them. An overdraft that
    was here keeps its reason and time. ``expiries`` gives the expiry date of entries whose lot is not
    stored yet (the entry that arrived late).

    Entries made at this till are replayed by the same rule: a debit takes from the soonest-expiring live
    lots, so a return that took its own sale's lot first may now take another live lot. `check` does not
    re-derive which live lot a debit drew on, and neither does the central, which keeps its own lots."""
    rows = session.execute(_MEMBER_LEDGER, {"member_id": member_id}).all()
    entries = [
        _Stored(
            str(r[0]),
            str(r[1]),
            int(r[2]),
            EntryKind(r[3]),
            int(r[4]),
            str(r[5]),
            r[6],
            str(r[7]),
            r[8],
            expiries.get(str(r[0]), r[9]),
        )
        for r in rows
    ]
    kept = {
        str(r[0]): (str(r[1]), parse_utc(str(r[2])))
        for r in session.execute(_MEMBER_OVERDRAFTS, {"member_id": member_id})
    }
    account = Account()
    made: dict[str, Lot] = {}  # every lot opened, as opened
    left: dict[str, int] = {}  # what each has left
    took: dict[str, list[list[Any]]] = {}  # entry id -> [lot id, points] in the order taken
    owed: dict[str, _Owed] = {}
    for e in write_order(entries):
        at = parse_utc(e.created_at)
        posting, back = _rule(account, e, at, made.get)
        if posting is None:
            continue
        if posting.new_lot is not None:
            made[posting.new_lot.id] = posting.new_lot
            left[posting.new_lot.id] = posting.new_lot.remaining
        left.update(posting.lot_remaining)
        if posting.consumptions:
            took[e.id] = [[c.lot_id, c.points] for c in posting.consumptions]
        for od_id, remaining in posting.overdraft_remaining.items():
            owed[od_id].overdraft = replace(owed[od_id].overdraft, remaining=remaining)
            owed[od_id].settled_at = at if remaining == 0 else None
        od = posting.new_overdraft
        if od is not None:
            reason, created_at = kept.get(
                od.id, (e.kind.value if e.till_id == own_till else f"{e.kind.value} at another till", at)
            )
            owed[od.id] = _Owed(od, reason, created_at)
        lot_id = _named_lot(e)
        if back and lot_id is not None:
            # As ``_unexpire`` does to the stored rows: the lot holds them again, the expiry took less of it.
            left[lot_id] += back
            for pair in took.get(e.reverses_id or "", []):
                if pair[0] == lot_id:
                    pair[1] -= back
            if e.reverses_id in took:
                took[e.reverses_id] = [p for p in took[e.reverses_id] if p[1] > 0]

    member_entries = select(_ENTRIES.c.id).where(_ENTRIES.c.member_id == member_id)
    session.execute(
        delete(_CONSUMPTIONS).where(
            _CONSUMPTIONS.c.entry_id.in_(member_entries) | _CONSUMPTIONS.c.lot_id.in_(member_entries)
        )
    )
    session.execute(delete(_OVERDRAFTS).where(_OVERDRAFTS.c.member_id == member_id))
    session.execute(delete(_LOTS).where(_LOTS.c.member_id == member_id))
    if made:
        session.execute(
            insert(_LOTS),
            [
                {
                    "id": lot.id,
                    "member_id": member_id,
                    "points": lot.points,
                    "remaining": left[lot.id],
                    "expires_at": lot.expires_at,
                    "created_at": lot.created_at,
                }
                for lot in made.values()
            ],
        )
    consumptions = [
        {"entry_id": entry_id, "lot_id": lot_id, "points": points}
        for entry_id, pairs in took.items()
        for lot_id, points in pairs
    ]
    if consumptions:
        session.execute(insert(_CONSUMPTIONS), consumptions)
    if owed:
        session.execute(
            insert(_OVERDRAFTS),
            [
                {
                    "id": o.overdraft.id,
                    "member_id": member_id,
                    "entry_id": o.overdraft.id,
                    "points": o.overdraft.points,
                    "remaining": o.overdraft.remaining,
                    "reason": o.reason,
                    "created_at": o.created_at,
                    "settled_at": o.settled_at,
                }
                for o in owed.values()
            ],
        )
    session.execute(
        update(_MEMBERS)
        .where(_MEMBERS.c.id == member_id)
        .values(balance=sum(e.points for e in entries), updated_at=utcnow())
    )


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
        raise Unreadable("it is not a balance as this till knows one")
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
        raise Unreadable("it is not a program version as this till knows one")
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


# -- cards, merges and erasures -------------------------------------------------------------------------------
_CARD_RANK = {"active": 0, "blocked": 1, "replaced": 2}
"""A card only moves up, here as at the central: a block beats a link."""


def _card(session: Session, body: dict[str, Any], _own_till: str | None) -> bool:
    try:
        card = parse_payload(ItemKind.CARD, body)
    except ProtocolError as err:
        raise Unreadable(f"it is not a card as this till knows one ({err.problems})") from None
    assert isinstance(card, CardPayload)
    member = session.get(m.Member, card.member_id)
    if member is not None and _erased_here(member):
        return False  # an erased member's cards are unlinked for good
    local = session.scalars(select(m.Card).where(m.Card.token == card.token)).first()
    at = parse_utc(card.changed_at)
    replaced_by = card.replaced_by_id
    if replaced_by is not None and session.get(m.Card, replaced_by) is None:
        replaced_by = None  # the replacement is not here (yet): its own change links it
    if local is None:
        if member is None:
            raise Skipped(f"member {card.member_id} of card {card.id} is not known here")
        if session.get(m.Card, card.id) is not None:
            raise Skipped(f"card {card.id} is held here under another token")
        session.add(
            m.Card(
                id=card.id,
                token=card.token,
                kind=card.kind,
                status=card.status,
                member_id=card.member_id,
                label=card.label or "",
                replaced_by_id=replaced_by,
                status_reason=card.status_reason,
                created_at=at,
                status_changed_at=at,
            )
        )
        session.flush()
        return True
    changed = False
    if _CARD_RANK[card.status] > _CARD_RANK[local.status]:
        # Blocked or replaced at another till: it stops working here too, whatever this till did since.
        local.status, local.status_reason, local.status_changed_at = card.status, card.status_reason, at
        changed = True
    if replaced_by is not None and local.replaced_by_id is None:
        local.replaced_by_id = replaced_by
        changed = True
    if member is not None and local.member_id != card.member_id:
        # The central gave the card to another member first (this till's link was refused): it follows.
        local.member_id = card.member_id
        changed = True
    session.flush()
    return changed


_Body = TypeVar("_Body", bound=BaseModel)


def _read(model: type[_Body], body: dict[str, Any], kind: str) -> _Body:
    """A pulled change's body as ``model`` reads it; a body this till cannot read stops the pull there.

    ``kind`` only reaches the log and the status line's detail, never a translated error (so it is not named ``what``,
    which the catalogue test reads as a word for the cashier)."""
    try:
        return model.model_validate_json(canonical_json(body))
    except ValidationError as err:
        raise Unreadable(
            f"it is not {kind} as this till knows one ({err.error_count()} problem(s))"
        ) from None


def _merge(session: Session, body: dict[str, Any], _own_till: str | None) -> bool:
    merge = _read(_MergeChange, body, "a merge")
    source = session.get(m.Member, merge.source_id)
    target = session.get(m.Member, merge.target_id)
    if source is None or target is None:
        missing = merge.source_id if source is None else merge.target_id
        raise Skipped(f"member {missing} of the merge is not known here")
    if source.status == "merged" and surviving_member_id(session, source.id) == surviving_member_id(
        session, target.id
    ):
        return False  # merged here already (at this till, or by this change pulled before)
    at = parse_utc(merge.merged_at)
    cards = list(session.scalars(select(m.Card.id).where(m.Card.member_id == source.id)))
    if cards:
        session.execute(update(m.Card).where(m.Card.id.in_(cards)).values(member_id=target.id))
    consents = merge_consents(session, source.id, target.id, at, "central")
    resolve_duplicates(session, source.id, target.id, at)
    source.status, source.merged_into_id = "merged", target.id
    session.flush()
    append_audit(
        session,
        action="member.merge",
        staff_id=None,
        subject_type="member",
        subject_id=target.id,
        details={
            "source": source.member_number,
            "target": target.member_number,
            "via": "central",
            "cards": cards,
            "consents": consents,
        },
        at=utcnow(),
    )
    return True


def _erase(session: Session, body: dict[str, Any], _own_till: str | None) -> bool:
    erase = _read(_EraseChange, body, "an erasure")
    member = session.get(m.Member, erase.member_id)
    if member is None or _erased_here(member):
        return False
    cards = forget(session, member, parse_utc(erase.erased_at), None)
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
    return True


class _MergeChange(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)  # extra fields: what a newer central adds

    source_id: Uuid
    target_id: Uuid
    merged_at: UtcText


class _EraseChange(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)

    member_id: Uuid
    erased_at: UtcText


_APPLY: dict[str, Callable[[Session, dict[str, Any], str | None], bool]] = {
    ChangeKind.MEMBER: _member,
    ChangeKind.ENTRY: _entry,
    ChangeKind.BALANCE: _balance,
    ChangeKind.PROGRAM: _program,
    ChangeKind.CARD: _card,
    ChangeKind.MERGE: _merge,
    ChangeKind.ERASE: _erase,
}
