"""Between the pure ledger maths (loyalty.ledger) and the tables: load a member's account, write the
entries and the postings they produce, and build the member's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.core import Core
from app.services.views import EntryView, MemberView, TierView
from app.store import models as m
from loyalty import tiers as tiermath
from loyalty.errors import MemberInactive
from loyalty.ids import new_id
from loyalty.ledger import Account, EntryKind, Lot, Overdraft, Posting
from loyalty.money import Money
from loyalty.program import Program

EXPIRY_NOTICE = timedelta(days=30)


def load_account(session: Session, member: m.Member) -> Account:
    lots = session.scalars(select(m.Lot).where(m.Lot.member_id == member.id, m.Lot.remaining > 0))
    ods = session.scalars(
        select(m.Overdraft).where(m.Overdraft.member_id == member.id, m.Overdraft.remaining > 0)
    )
    return Account.of(
        member.balance,
        (Lot(x.id, x.points, x.remaining, x.expires_at, x.created_at) for x in lots),
        (Overdraft(o.id, o.points, o.remaining, o.created_at) for o in ods),
    )


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
    member: m.Member,
    program: Program,
    staff_id: str | None,
    posting: Posting,
    spec: NewEntry,
    at: datetime,
) -> m.LedgerEntry:
    """Persist one entry with its posting: lots, consumptions, overdrafts, the balance cache, the outbox."""
    entry = m.LedgerEntry(
        id=posting.entry_id,
        member_id=member.id,
        kind=spec.kind.value,
        points=posting.points,
        amount_minor=None if spec.amount is None else spec.amount.amount,
        currency=None if spec.amount is None else spec.amount.currency,
        receipt_ref=spec.receipt_ref,
        store_id=core.till.store_id,
        till_id=core.till.till_id,
        seq=core.next_seq(session),
        staff_id=staff_id,
        reason=spec.reason,
        action_code=spec.action_code,
        program_version=program.version,
        reverses_id=spec.reverses_id,
        created_at=at,
        details=spec.details,
    )
    session.add(entry)
    session.flush()  # the entry must exist before lots and consumptions point at it
    if posting.new_lot is not None:
        lot = posting.new_lot
        session.add(
            m.Lot(
                id=lot.id,
                member_id=member.id,
                points=lot.points,
                remaining=lot.remaining,
                expires_at=lot.expires_at,
                created_at=lot.created_at,
            )
        )
    for lot_id, remaining in posting.lot_remaining.items():
        row = session.get(m.Lot, lot_id)
        assert row is not None
        row.remaining = remaining
    for c in posting.consumptions:
        session.add(m.LotConsumption(entry_id=entry.id, lot_id=c.lot_id, points=c.points))
    for od_id, remaining in posting.overdraft_remaining.items():
        od = session.get(m.Overdraft, od_id)
        assert od is not None
        od.remaining = remaining
        if remaining == 0:
            od.settled_at = at
    if posting.new_overdraft is not None:
        new_od = posting.new_overdraft
        session.add(
            m.Overdraft(
                id=new_od.id,
                member_id=member.id,
                entry_id=entry.id,
                points=new_od.points,
                remaining=new_od.remaining,
                reason=spec.overdraft_reason or spec.kind.value,
                created_at=at,
            )
        )
    member.balance += posting.points
    member.updated_at = at
    core.outbox(session, "ledger_entry", entry.id, "append", entry_payload(entry, posting))
    return entry


def entry_payload(entry: m.LedgerEntry, posting: Posting | None = None) -> dict[str, Any]:
    """The entry as the sync engine will send it (ids and plain values only)."""
    payload: dict[str, Any] = {
        "id": entry.id,
        "member_id": entry.member_id,
        "kind": entry.kind,
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
        "created_at": entry.created_at.isoformat(),
        "details": entry.details,
    }
    if posting is not None:
        payload["consumes"] = [{"lot_id": c.lot_id, "points": c.points} for c in posting.consumptions]
        if posting.new_lot is not None and posting.new_lot.expires_at is not None:
            payload["expires_at"] = posting.new_lot.expires_at.isoformat()
    return payload


def sweep_expired(core: Core, session: Session, member: m.Member, account: Account, at: datetime) -> None:
    """Write the expiry of every lot of this member that is due. Runs before any debit or credit so that
    spending never touches expired points and expired points never pay an overdraft."""
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


def require_active(member: m.Member) -> None:
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
    total = session.scalar(
        select(func.coalesce(func.sum(m.LedgerEntry.amount_minor), 0)).where(
            m.LedgerEntry.member_id == member_id,
            m.LedgerEntry.created_at > start,
            m.LedgerEntry.created_at <= at,
            m.LedgerEntry.kind.in_(("earn", "reverse")),
            m.LedgerEntry.amount_minor.is_not(None),
        )
    )
    return max(0, int(total or 0))


def update_tier(session: Session, program: Program, member: m.Member, at: datetime) -> None:
    if program.tiers is None:
        return
    spend = qualifying_spend(session, program, member.id, at)
    state = None
    if member.tier_code is not None and member.tier_since is not None and member.tier_review_at is not None:
        state = tiermath.TierState(member.tier_code, member.tier_since, member.tier_review_at)
    new = tiermath.evaluate(program.tiers, state, spend, at)
    if new != state:
        member.tier_code, member.tier_since, member.tier_review_at = new.code, new.since, new.review_at


def member_view(session: Session, program: Program, member: m.Member, at: datetime) -> MemberView:
    live = session.execute(
        select(m.Lot.remaining, m.Lot.expires_at).where(m.Lot.member_id == member.id, m.Lot.remaining > 0)
    ).all()
    owed = session.scalar(
        select(func.coalesce(func.sum(m.Overdraft.remaining), 0)).where(
            m.Overdraft.member_id == member.id, m.Overdraft.remaining > 0
        )
    )
    spendable = [(r, e) for r, e in live if e is None or e > at]
    balance = sum(r for r, _ in spendable) - int(owed or 0)
    soon = [(r, e) for r, e in spendable if e is not None and e <= at + EXPIRY_NOTICE]
    tier_view = None
    if program.tiers is not None:
        spend = qualifying_spend(session, program, member.id, at)
        prog = tiermath.progress(program.tiers, member.tier_code, spend)
        tier_view = TierView(
            code=prog.current.code,
            name=prog.current.name,
            since=member.tier_since,
            review_at=member.tier_review_at,
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
        expiring_points=sum(r for r, _ in soon),
        next_expiry=min((e for _, e in soon), default=None),
        created_at=member.created_at,
    )
