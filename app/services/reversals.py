"""Taking points back: what a return reverses and what a refunded referral gives up, by the ledger's rules.

A credit (a sale's points, a referral bonus) is taken back from its own lot first; what was already spent
from it is taken from the member's other live points and, when those are short, becomes a recorded
overdraft. What of it already expired is never taken again: the member lost those points once already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.services.accounts import MemberLike, NewEntry, write_entry
from app.services.core import Core
from app.services.views import EntryView
from app.store import models as m
from loyalty.ids import new_id
from loyalty.ledger import Account, Posting, expiry_for
from loyalty.program import Program

_E = m.LedgerEntry
_REVERSAL = aliased(m.LedgerEntry)

_EXPIRED_FROM_LOT = (
    select(func.coalesce(func.sum(m.LotConsumption.points), 0))
    .join(_E, _E.id == m.LotConsumption.entry_id)
    .where(m.LotConsumption.lot_id == bindparam("lot_id"), _E.kind == "expire")
)
_TAKEN_BEFORE = select(func.coalesce(func.sum(_E.points), 0)).where(
    _E.reverses_id == bindparam("credit_id"), _E.kind == "reverse"
)
_NOT_REVERSED = ~exists().where(_REVERSAL.reverses_id == _E.id, _REVERSAL.kind == "reverse")


@dataclass(frozen=True, slots=True)
class TakenBack:
    entry: EntryView
    overdraft: int  # points that became a recorded overdraft


def takeable(session: Session, credit_id: str, credit_points: int, at: datetime | None = None) -> int:
    """What may still be taken back of a credit: its points, less what expired from its lot and what
    earlier reversals of it already took. At ``at``, what is left of a lot past its date counts as expired
    too: at a till enrolled with a central the central's expiry of it has not arrived yet, and will take it
    (taking it here as well would take expired points twice)."""
    expired = int(session.scalar(_EXPIRED_FROM_LOT, {"lot_id": credit_id}) or 0)
    taken_before = -int(session.scalar(_TAKEN_BEFORE, {"credit_id": credit_id}) or 0)
    lapsed = 0
    if at is not None:
        lot = session.execute(select(m.Lot.remaining, m.Lot.expires_at).where(m.Lot.id == credit_id)).first()
        if lot is not None and lot.expires_at is not None and lot.expires_at <= at:
            lapsed = int(lot.remaining)
    return max(0, credit_points - expired - taken_before - lapsed)


def take_back(
    core: Core,
    session: Session,
    member: MemberLike,
    account: Account,
    program: Program,
    staff_id: str | None,
    credit: m.LedgerEntry,
    points: int,
    spec: NewEntry,
    at: datetime,
    *,
    entry_id: str | None = None,
) -> TakenBack:
    """Write one entry that takes back up to ``points`` of the entry ``credit`` (its own lot first).
    ``entry_id`` is the caller's idempotency key, when the entry is the one a retry must find."""
    amount = min(points, takeable(session, credit.id, credit.points, at))
    eid = entry_id or new_id()
    posting = (
        account.debit(eid, amount, at, allow_overdraft=True, first=credit.id)
        if amount > 0
        else Posting(eid, 0)
    )
    entry = write_entry(core, session, member, program, staff_id, posting, spec, at)
    return TakenBack(entry, posting.new_overdraft.points if posting.new_overdraft else 0)


def restored_expiry(
    session: Session, program: Program, redeems: Sequence[m.LedgerEntry], at: datetime
) -> datetime | None:
    """When points given back by a return expire. Never already expired: by default ("grace") they keep the
    soonest expiry of the points that paid, but live at least ``restore_grace_days`` from the return;
    with "fresh" they get the program's full expiry from the return, like newly earned points."""
    if program.expiry is None:
        return None
    red = program.redemption
    if red.restore_expiry == "fresh":
        return expiry_for(program.expiry, at, program.zone)
    dates = session.scalars(
        select(m.Lot.expires_at)
        .join(m.LotConsumption, m.LotConsumption.lot_id == m.Lot.id)
        .where(m.LotConsumption.entry_id.in_([r.id for r in redeems]))
    ).all()
    if not dates or any(d is None for d in dates):
        return None if dates else expiry_for(program.expiry, at, program.zone)
    floor = at + timedelta(days=red.restore_grace_days)
    return max(min(d for d in dates if d is not None), floor)


def open_referral_bonuses(session: Session, referee_id: str, referrer_id: str | None) -> bool:
    """Whether the referral of ``referee_id`` has bonuses paid and not reversed (paid once only)."""
    members = [referee_id] if referrer_id is None else [referee_id, referrer_id]
    query = (
        select(_E.id)
        .where(
            _E.member_id.in_(members),
            _E.kind == "bonus",
            _E.action_code == "referral",
            _NOT_REVERSED,
            or_(
                func.json_extract(_E.details, "$.referee") == referee_id,
                # bonuses written before they named their referee: the referee's own
                and_(_E.member_id == referee_id, _E.details.is_(None)),
            ),
        )
        .limit(1)
    )
    return session.execute(query).first() is not None


def referral_bonuses_paid_by(session: Session, earn: m.LedgerEntry) -> list[m.LedgerEntry]:
    """The referral bonuses (both sides) that the purchase ``earn`` paid and that still stand."""
    referrer_id = session.scalar(select(m.Member.referred_by_id).where(m.Member.id == earn.member_id))
    if referrer_id is None:
        return []
    return list(
        session.scalars(
            select(_E).where(
                _E.member_id.in_([earn.member_id, referrer_id]),
                _E.kind == "bonus",
                _E.action_code == "referral",
                _NOT_REVERSED,
                func.json_extract(_E.details, "$.qualifying_entry") == earn.id,
            )
        ).all()
    )


def redeemed_on_receipt(session: Session, store_id: str, receipt: str) -> tuple[int, int]:
    """Points and money value already redeemed on a receipt at this store."""
    row = session.execute(
        select(func.coalesce(-func.sum(_E.points), 0), func.coalesce(func.sum(_E.amount_minor), 0)).where(
            _E.kind == "redeem", _E.receipt_ref == receipt, _E.store_id == store_id
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)
