"""Between the pure ledger maths (loyalty.ledger) and the tables: load a member's account, write the
entries and the postings they produce, and build the member's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.services.core import Core
from app.services.sync_settings import TOKEN as SYNC_TOKEN
from app.services.views import EntryView, MemberView, TierView
from app.store import models as m
from app.store.settings import get_setting
from app.store.types import format_utc
from loyalty import tiers as tiermath
from loyalty.audit import canonical_json
from loyalty.chain import entry_hash
from loyalty.errors import MemberInactive, NotFound
from loyalty.ids import new_id
from loyalty.ledger import Account, EntryKind, Lot, Overdraft, Posting, expiry_for
from loyalty.money import Money
from loyalty.program import Program

EXPIRY_NOTICE = timedelta(days=30)


_LOTS = cast(Table, m.Lot.__table__)
_ENTRIES = cast(Table, m.LedgerEntry.__table__)
_CONSUMPTIONS = cast(Table, m.LotConsumption.__table__)
_OVERDRAFTS = cast(Table, m.Overdraft.__table__)
_MEMBERS = cast(Table, m.Member.__table__)
_OUTBOX = cast(Table, m.OutboxItem.__table__)


# Statements of the hot path are built once: SQLAlchemy then reuses their compiled form and cache key.
_OPEN_LOTS = select(
    _LOTS.c.id, _LOTS.c.points, _LOTS.c.remaining, _LOTS.c.expires_at, _LOTS.c.created_at
).where(_LOTS.c.member_id == bindparam("member_id"), _LOTS.c.remaining > 0)
_OPEN_OVERDRAFTS = select(
    _OVERDRAFTS.c.id, _OVERDRAFTS.c.points, _OVERDRAFTS.c.remaining, _OVERDRAFTS.c.created_at
).where(_OVERDRAFTS.c.member_id == bindparam("member_id"), _OVERDRAFTS.c.remaining > 0)
_INSERT_ENTRY = insert(_ENTRIES)
_INSERT_LOT = insert(_LOTS)
_INSERT_CONSUMPTION = insert(_CONSUMPTIONS)
_INSERT_OVERDRAFT = insert(_OVERDRAFTS)
_INSERT_OUTBOX = insert(_OUTBOX)
_SET_LOT_REMAINING = (
    update(_LOTS).where(_LOTS.c.id == bindparam("lot_id")).values(remaining=bindparam("left"))
)
_ADD_TO_BALANCE = (
    update(_MEMBERS)
    .where(_MEMBERS.c.id == bindparam("member_id"))
    .values(balance=_MEMBERS.c.balance + bindparam("delta"), updated_at=bindparam("at"))
)
_SPEND_IN_WINDOW = select(func.coalesce(func.sum(_ENTRIES.c.amount_minor), 0)).where(
    _ENTRIES.c.member_id == bindparam("member_id"),
    _ENTRIES.c.created_at > bindparam("start"),
    _ENTRIES.c.created_at <= bindparam("at"),
    _ENTRIES.c.kind.in_(("earn", "reverse")),
    _ENTRIES.c.amount_minor.is_not(None),
)


@dataclass(slots=True)
class MemberRow:
    """The member columns a sale needs, read with one plain statement.

    The points use cases run on every sale; loading an ORM object costs several times the query itself.
    Changes go back through ``set_member`` (a Core UPDATE), which keeps ORM objects and rows alike in step.
    """

    id: str
    member_number: str
    full_name: str
    phone: str | None
    email: str | None
    birthday: date | None
    status: str
    referral_code: str
    referred_by_id: str | None
    tier_code: str | None
    tier_since: datetime | None
    tier_review_at: datetime | None
    balance: int
    first_purchase_at: datetime | None
    created_at: datetime | None


MemberLike = m.Member | MemberRow

_MEMBER_ROW = select(*(_MEMBERS.c[name] for name in MemberRow.__slots__)).where(
    _MEMBERS.c.id == bindparam("member_id")
)


def load_member(session: Session, member_id: str) -> MemberRow:
    row = session.execute(_MEMBER_ROW, {"member_id": member_id}).first()
    if row is None:
        raise NotFound(what="member", ref=member_id)
    return MemberRow(*row)


def surviving_member_id(session: Session, member_id: str) -> str:
    """The member a merged member leads to (itself when not merged): an old card, number or receipt of a
    merged duplicate still works, on the member it was merged into."""
    seen: set[str] = set()
    while member_id not in seen:
        seen.add(member_id)
        row = session.execute(
            select(m.Member.status, m.Member.merged_into_id).where(m.Member.id == member_id)
        ).first()
        if row is None or row.status != "merged" or row.merged_into_id is None:
            return member_id
        member_id = row.merged_into_id
    return member_id


def set_member(session: Session, member: MemberLike, at: datetime, **values: Any) -> None:
    """Write member columns with one UPDATE and mirror them on the object in hand, ORM or row."""
    session.execute(update(_MEMBERS).where(_MEMBERS.c.id == member.id).values(updated_at=at, **values))
    for name, value in values.items():
        if isinstance(member, m.Member):
            set_committed_value(member, name, value)
        else:
            setattr(member, name, value)


def load_account(session: Session, member: MemberLike) -> Account:
    """The member's open lots and open overdrafts."""
    lots = session.execute(_OPEN_LOTS, {"member_id": member.id}).all()
    overdrafts = [Overdraft(*row) for row in session.execute(_OPEN_OVERDRAFTS, {"member_id": member.id})]
    return Account.of(member.balance, (Lot(*row) for row in lots), overdrafts)


@dataclass(frozen=True, slots=True)
class NewEntry:
    """The columns of a ledger entry that the use case decides; the rest comes from the till."""

    kind: EntryKind
    amount: Money | None = None
    receipt_ref: str | None = None
    reason: str | None = None
    action_code: str | None = None
    reverses_id: str | None = None
    details: dict[str, Any] | None = None
    overdraft_reason: str | None = None


def write_entry(
    core: Core,
    session: Session,
    member: MemberLike,
    program: Program,
    staff_id: str | None,
    posting: Posting,
    spec: NewEntry,
    at: datetime,
) -> EntryView:
    """Persist one entry with its posting: lots, consumptions, overdrafts, the balance cache, the outbox.

    This is the hot path of every sale, so it speaks SQL Core (a handful of cached statements) rather than
    the ORM's unit of work; the member object's balance is updated in place without marking it dirty.
    The entry joins the till's hash chain: the counter that numbers it also holds the chain's head, so
    chaining costs one small UPDATE of a row this transaction has already written.
    """
    seq, prev_hash = core.next_link(session)
    row: dict[str, Any] = {
        "id": posting.entry_id,
        "member_id": member.id,
        "kind": spec.kind.value,
        "points": posting.points,
        "amount_minor": None if spec.amount is None else spec.amount.amount,
        "currency": None if spec.amount is None else spec.amount.currency,
        "receipt_ref": spec.receipt_ref,
        "store_id": core.till.store_id,
        "till_id": core.till.till_id,
        "seq": seq,
        "staff_id": staff_id,
        "reason": spec.reason,
        "action_code": spec.action_code,
        "program_version": program.version,
        "reverses_id": spec.reverses_id,
        "channel": "till",
        "created_at": at,
        "details": spec.details,
    }
    row["prev_hash"] = prev_hash
    row["hash"] = entry_hash(prev_hash, chained_fields(row, posting))
    session.execute(_INSERT_ENTRY, row)
    core.set_chain_head(session, row["hash"])
    if posting.new_lot is not None:
        lot = posting.new_lot
        session.execute(
            _INSERT_LOT,
            {
                "id": lot.id,
                "member_id": member.id,
                "points": lot.points,
                "remaining": lot.remaining,
                "expires_at": lot.expires_at,
                "created_at": lot.created_at,
            },
        )
    if posting.lot_remaining:
        session.execute(
            _SET_LOT_REMAINING,
            [{"lot_id": k, "left": v} for k, v in posting.lot_remaining.items()],
        )
    if posting.consumptions:
        session.execute(
            _INSERT_CONSUMPTION,
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
    if posting.new_overdraft is not None:
        new_od = posting.new_overdraft
        session.execute(
            _INSERT_OVERDRAFT,
            {
                "id": new_od.id,
                "member_id": member.id,
                "entry_id": posting.entry_id,
                "points": new_od.points,
                "remaining": new_od.remaining,
                "reason": spec.overdraft_reason or spec.kind.value,
                "created_at": at,
            },
        )
    if posting.points:
        session.execute(_ADD_TO_BALANCE, {"member_id": member.id, "delta": posting.points, "at": at})
        # Keep the object in hand in step (without making the ORM write it again).
        if isinstance(member, m.Member):
            set_committed_value(member, "balance", member.balance + posting.points)
        else:
            member.balance += posting.points
    payload = entry_payload(row, posting)
    session.execute(
        _INSERT_OUTBOX,
        {
            "entity": "ledger_entry",
            "entity_id": posting.entry_id,
            "op": "append",
            "payload": payload,
            "created_at": at,
        },
    )
    return _view_of_row(row)


def credit_points(
    core: Core,
    session: Session,
    member: MemberLike,
    account: Account,
    program: Program,
    staff_id: str | None,
    points: int,
    spec: NewEntry,
    at: datetime,
    *,
    entry_id: str | None = None,
) -> EntryView:
    """Credit points that live for the program's expiry period (a new lot), and write their entry."""
    posting = account.credit(entry_id or new_id(), points, at, expiry_for(program.expiry, at, program.zone))
    return write_entry(core, session, member, program, staff_id, posting, spec, at)


def chained_fields(row: dict[str, Any], posting: Posting) -> dict[str, Any]:
    """The entry as its hash covers it (``loyalty.chain``): the values exactly as the store keeps them."""
    fields = dict(row)
    fields["created_at"] = format_utc(row["created_at"])
    fields["details"] = None if row["details"] is None else canonical_json(row["details"])
    lot = posting.new_lot
    fields["expires_at"] = None if lot is None or lot.expires_at is None else format_utc(lot.expires_at)
    return fields


def entry_payload(row: dict[str, Any], posting: Posting | None = None) -> dict[str, Any]:
    """The entry as the sync engine will send it (ids and plain values only)."""
    payload = dict(row)
    payload["created_at"] = row["created_at"].isoformat()
    if posting is not None:
        payload["consumes"] = [{"lot_id": c.lot_id, "points": c.points} for c in posting.consumptions]
        if posting.new_lot is not None and posting.new_lot.expires_at is not None:
            payload["expires_at"] = posting.new_lot.expires_at.isoformat()
    return payload


def _view_of_row(row: dict[str, Any]) -> EntryView:
    amount, currency = row["amount_minor"], row["currency"]
    return EntryView(
        id=row["id"],
        member_id=row["member_id"],
        kind=row["kind"],
        points=row["points"],
        amount=None if amount is None or currency is None else Money(amount, currency),
        receipt_ref=row["receipt_ref"],
        reason=row["reason"],
        action_code=row["action_code"],
        staff_id=row["staff_id"],
        program_version=row["program_version"],
        store_id=row["store_id"],
        till_id=row["till_id"],
        seq=row["seq"],
        created_at=row["created_at"],
        reverses_id=row["reverses_id"],
    )


def central_owns_expiry(session: Session) -> bool:
    """A till enrolled with a central never writes expiries: the central is the single owner of expiry for
    its tills (it sees every till's and channel's entries; two tills expiring one lot would take the points
    twice). The till pulls the central's expiries; until one arrives, a lot past its date is simply not
    spendable (``Lot.live_at``)."""
    return get_setting(session, SYNC_TOKEN) is not None


def sweep_expired(core: Core, session: Session, member: MemberLike, account: Account, at: datetime) -> None:
    """Write the expiry of every lot of this member that is due. Runs before any debit or credit so that
    spending never touches expired points and expired points never pay an overdraft. A till enrolled with a
    central writes none (``central_owns_expiry``)."""
    if not any(lot.expires_at is not None and lot.expires_at <= at for lot in account.lots.values()):
        return
    if central_owns_expiry(session):
        return
    entry_id = new_id()
    posting = account.expire(entry_id, at)
    if posting is None:
        return
    program = core.program(session)
    write_entry(
        core,
        session,
        member,
        program,
        None,
        posting,
        NewEntry(EntryKind.EXPIRE, reason="points expired"),
        at,
    )


def require_active(member: MemberLike) -> None:
    if member.status != "active":
        raise MemberInactive(member=member.member_number, status=member.status)


def entry_view(e: m.LedgerEntry) -> EntryView:
    return EntryView(
        id=e.id,
        member_id=e.member_id,
        kind=e.kind,
        points=e.points,
        amount=None if e.amount_minor is None or e.currency is None else Money(e.amount_minor, e.currency),
        receipt_ref=e.receipt_ref,
        reason=e.reason,
        action_code=e.action_code,
        staff_id=e.staff_id,
        program_version=e.program_version,
        store_id=e.store_id,
        till_id=e.till_id,
        seq=e.seq,
        created_at=e.created_at,
        reverses_id=e.reverses_id,
    )


def qualifying_spend(session: Session, program: Program, member_id: str, at: datetime) -> int:
    """Net purchase amount in the tier window: earnings minus refunds (reverse entries carry negative
    amounts)."""
    if program.tiers is None:
        return 0
    start = tiermath.window_start(program.tiers, at)
    total = session.scalar(_SPEND_IN_WINDOW, {"member_id": member_id, "start": start, "at": at})
    return max(0, int(total or 0))


def _tier_state(member: MemberLike) -> tiermath.TierState | None:
    if member.tier_code is None or member.tier_since is None or member.tier_review_at is None:
        return None
    return tiermath.TierState(member.tier_code, member.tier_since, member.tier_review_at)


def effective_tier(
    session: Session, program: Program, member: MemberLike, at: datetime, *, spend: int | None = None
) -> tuple[tiermath.TierState | None, int]:
    """The member's tier as of ``at`` with every review that has come applied (nothing is written), and the
    qualifying spend of the window ending ``at``. Readers use it so that no screen shows a lapsed tier."""
    if program.tiers is None:
        return None, 0
    now_spend = qualifying_spend(session, program, member.id, at) if spend is None else spend

    def spend_at(when: datetime) -> int:
        return now_spend if when == at else qualifying_spend(session, program, member.id, when)

    return tiermath.review(program.tiers, _tier_state(member), spend_at, at), now_spend


def update_tier(session: Session, program: Program, member: MemberLike, at: datetime) -> int:
    """Re-evaluate the member's tier (due reviews, then an upgrade the spend earns) and write it when it
    changed; returns the qualifying spend it was based on."""
    state, spend = effective_tier(session, program, member, at)
    if state is not None and state != _tier_state(member):
        set_member(
            session, member, at, tier_code=state.code, tier_since=state.since, tier_review_at=state.review_at
        )
    return spend


def review_if_due(session: Session, program: Program, member: MemberLike, at: datetime) -> None:
    """Before a sale is priced: apply a review whose date has passed, so the sale earns at the reviewed
    tier. Costs nothing when no review is due (the common case)."""
    if program.tiers is not None and tiermath.review_due(_tier_state(member), at):
        update_tier(session, program, member, at)


def member_view(
    session: Session,
    program: Program,
    member: MemberLike,
    at: datetime,
    *,
    account: Account | None = None,
    spend: int | None = None,
) -> MemberView:
    """The member as the till shows them. A use case that has just written passes the account and the
    qualifying spend it already holds, so the view costs no further queries."""
    if account is None:
        account = load_account(session, member)
    spendable = [lot for lot in account.lots.values() if lot.live_at(at)]
    balance = sum(lot.remaining for lot in spendable) - account.owed()
    soon = [lot for lot in spendable if lot.expires_at is not None and lot.expires_at <= at + EXPIRY_NOTICE]
    # Past their date but not expired yet: at a till enrolled with a central, until the central's expiry
    # arrives. Never spendable, never in the balance shown.
    lapsed = sum(lot.remaining for lot in account.lots.values() if lot.remaining > 0 and not lot.live_at(at))
    tier_view = None
    if program.tiers is not None:
        state, spend = effective_tier(session, program, member, at, spend=spend)
        prog = tiermath.progress(program.tiers, None if state is None else state.code, spend)
        tier_view = TierView(
            code=prog.current.code,
            name=prog.current.name,
            since=None if state is None else state.since,
            review_at=None if state is None else state.review_at,
            qualifying_spend=spend,
            next_code=None if prog.next is None else prog.next.code,
            next_name=None if prog.next is None else prog.next.name,
            spend_to_next=prog.spend_to_next,
        )
    return MemberView(
        id=member.id,
        member_number=member.member_number,
        full_name=member.full_name,
        phone=member.phone,
        email=member.email,
        birthday=member.birthday,
        status=member.status,
        balance=balance,
        referral_code=member.referral_code,
        tier=tier_view,
        expiring_points=sum(lot.remaining for lot in soon),
        next_expiry=min((lot.expires_at for lot in soon if lot.expires_at is not None), default=None),
        created_at=member.created_at,
        lapsed_points=lapsed,
    )
