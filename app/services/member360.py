"""Member 360: everything the desk shows about one member, read in one snapshot.

The profile and its consents (every version, with the words' version and the time), the cards, the tier and
the way to the next one, the balance and what it is worth, the open lots with their expiry dates, an
overdraft, purchases and visits, and the ledger history page by page: who wrote each entry (staff name),
where (store, till, channel), why (kind, reason, receipt, the entry it reverses) and under which program
version. Nothing here writes.

A *visit* is a day with a purchase (an ``earn`` entry), counted in the store's calendar; the last visit is the
latest purchase, the same instant the member list sorts by (``members.last_visit_at``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, select, text, tuple_
from sqlalchemy.orm import Session, aliased

from app.services.accounts import load_member, member_view
from app.services.cards import card_view
from app.services.core import Core
from app.services.views import CardView, MemberView
from app.store import models as m
from app.store.types import UTCDateTime, parse_utc
from loyalty.errors import NotFound
from loyalty.money import Money

HISTORY_PAGE = 50
MAX_HISTORY_PAGE = 500


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    purpose: str  # 'marketing', 'personalisation'
    granted: bool
    text_version: str  # the version of the words the customer answered
    recorded_at: datetime
    staff_name: str | None


@dataclass(frozen=True, slots=True)
class LotView:
    """Points one credit added, and what is left of them."""

    id: str  # the entry that earned them
    kind: str  # that entry's kind (earn, bonus, action, adjust, reverse, transfer)
    earned_at: datetime
    points: int
    remaining: int
    expires_at: datetime | None
    past_expiry: bool  # its date has come; the next expiry run (or the member's next entry) writes it off


@dataclass(frozen=True, slots=True)
class OverdraftView:
    """Points spent beyond the balance, still owed: the next earnings pay them off."""

    id: str
    entry_id: str
    points: int
    remaining: int
    reason: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Visits:
    purchases: int  # earn entries
    spend: Money  # what those purchases came to, less what was refunded
    visits: int  # days with a purchase, in the store's calendar
    first_purchase_at: datetime | None
    last_visit_at: datetime | None


@dataclass(frozen=True, slots=True)
class Related:
    """Another member this one points to (who referred them, whom they were merged into)."""

    member_id: str
    member_number: str
    full_name: str


@dataclass(frozen=True, slots=True)
class MemberOverview:
    member: MemberView
    worth: Money  # what the balance pays at the counter
    preferred_language: str
    home_store_id: str | None
    referred_by: Related | None
    merged_into: Related | None
    consents: tuple[ConsentRecord, ...]  # newest first; the newest of each purpose is the one in force
    cards: tuple[CardView, ...]
    lots: tuple[LotView, ...]  # open lots, soonest expiry first
    overdrafts: tuple[OverdraftView, ...]  # open ones
    visits: Visits

    @property
    def owed(self) -> int:
        return sum(o.remaining for o in self.overdrafts)

    def consent(self, purpose: str) -> ConsentRecord | None:
        """The answer in force for ``purpose`` (the newest record)."""
        return next((c for c in self.consents if c.purpose == purpose), None)


@dataclass(frozen=True, slots=True)
class HistoryLine:
    id: str
    at: datetime
    kind: str
    points: int
    amount: Money | None
    receipt_ref: str | None
    reason: str | None
    action_code: str | None
    staff_id: str | None
    staff_name: str | None  # None: written by the till itself (expiry) or by staff of another store
    store_id: str
    till_id: str
    channel: str
    seq: int
    program_version: str
    reverses_id: str | None
    reverses_kind: str | None  # the entry it reverses: its kind, time and receipt
    reverses_at: datetime | None
    reverses_receipt: str | None
    reversed_by: int  # how many reversals name this entry


@dataclass(frozen=True, slots=True)
class HistoryCursor:
    at: datetime  # the last line's time and id
    id: str


@dataclass(frozen=True, slots=True)
class HistoryPage:
    lines: tuple[HistoryLine, ...]
    next: HistoryCursor | None  # None: the oldest entry is on this page


_E = m.LedgerEntry
_REVERSED = aliased(m.LedgerEntry)
_REVERSAL = aliased(m.LedgerEntry)
_STAFF = aliased(m.Staff)
_REVERSALS = (
    select(func.count())
    .where(_REVERSAL.reverses_id == _E.id, _REVERSAL.kind == "reverse")
    .correlate(_E)
    .scalar_subquery()
)
_HISTORY = (
    select(
        _E,
        _STAFF.name,
        _REVERSED.kind,
        _REVERSED.created_at,
        _REVERSED.receipt_ref,
        _REVERSALS,
    )
    .outerjoin(_STAFF, _STAFF.id == _E.staff_id)
    .outerjoin(_REVERSED, _REVERSED.id == _E.reverses_id)
)


class Member360:
    """Read-only use cases of the member page of the desk."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def overview(self, member_id: str) -> MemberOverview:
        core = self.core
        with core.read() as session:
            program = core.program(session)
            at = core.now()
            row = session.get(m.Member, member_id)
            if row is None:
                raise NotFound(what="member", ref=member_id)
            view = member_view(session, program, load_member(session, member_id), at)
            return MemberOverview(
                member=view,
                worth=Money(max(0, view.balance) * program.redemption.point_value, program.currency),
                preferred_language=row.preferred_language,
                home_store_id=row.home_store_id,
                referred_by=_related(session, row.referred_by_id),
                merged_into=_related(session, row.merged_into_id),
                consents=_consents(session, member_id),
                cards=tuple(
                    card_view(c)
                    for c in session.scalars(
                        select(m.Card).where(m.Card.member_id == member_id).order_by(m.Card.created_at)
                    )
                ),
                lots=_lots(session, member_id, at),
                overdrafts=tuple(
                    OverdraftView(o.id, o.entry_id, o.points, o.remaining, o.reason, o.created_at)
                    for o in session.scalars(
                        select(m.Overdraft)
                        .where(m.Overdraft.member_id == member_id, m.Overdraft.remaining > 0)
                        .order_by(m.Overdraft.created_at)
                    )
                ),
                visits=_visits(session, member_id, program.currency, program.zone, row.last_visit_at),
            )

    def history(
        self, member_id: str, after: HistoryCursor | None = None, limit: int = HISTORY_PAGE
    ) -> HistoryPage:
        """The member's entries, newest first, a page at a time (keyset on time then id)."""
        limit = max(1, min(limit, MAX_HISTORY_PAGE))
        with self.core.read() as session:
            if session.scalar(select(m.Member.id).where(m.Member.id == member_id)) is None:
                raise NotFound(what="member", ref=member_id)
            query = _HISTORY.where(_E.member_id == member_id)
            if after is not None:
                query = query.where(
                    tuple_(_E.created_at, _E.id) < tuple_(literal(after.at, UTCDateTime()), after.id)
                )
            rows = session.execute(query.order_by(_E.created_at.desc(), _E.id.desc()).limit(limit + 1)).all()
            lines = tuple(_line(*row) for row in rows[:limit])
            following = None
            if len(rows) > limit:
                last = lines[-1]
                following = HistoryCursor(last.at, last.id)
            return HistoryPage(lines, following)


def _line(
    e: m.LedgerEntry,
    staff_name: str | None,
    reverses_kind: str | None,
    reverses_at: datetime | None,
    reverses_receipt: str | None,
    reversed_by: int | None,
) -> HistoryLine:
    amount = None if e.amount_minor is None or e.currency is None else Money(e.amount_minor, e.currency)
    return HistoryLine(
        id=e.id,
        at=e.created_at,
        kind=e.kind,
        points=e.points,
        amount=amount,
        receipt_ref=e.receipt_ref,
        reason=e.reason,
        action_code=e.action_code,
        staff_id=e.staff_id,
        staff_name=staff_name,
        store_id=e.store_id,
        till_id=e.till_id,
        channel=e.channel,
        seq=e.seq,
        program_version=e.program_version,
        reverses_id=e.reverses_id,
        reverses_kind=reverses_kind,
        reverses_at=reverses_at,
        reverses_receipt=reverses_receipt,
        reversed_by=int(reversed_by or 0),
    )


def _related(session: Session, member_id: str | None) -> Related | None:
    if member_id is None:
        return None
    row = session.execute(
        select(m.Member.id, m.Member.member_number, m.Member.full_name).where(m.Member.id == member_id)
    ).first()
    return None if row is None else Related(*row)


def _consents(session: Session, member_id: str) -> tuple[ConsentRecord, ...]:
    rows = session.execute(
        select(m.Consent, m.Staff.name)
        .outerjoin(m.Staff, m.Staff.id == m.Consent.staff_id)
        .where(m.Consent.member_id == member_id)
        .order_by(m.Consent.recorded_at.desc(), m.Consent.id.desc())
    ).all()
    return tuple(ConsentRecord(c.purpose, c.granted, c.text_version, c.recorded_at, name) for c, name in rows)


def _lots(session: Session, member_id: str, at: datetime) -> tuple[LotView, ...]:
    rows = session.execute(
        select(m.Lot, _E.kind)
        .join(_E, _E.id == m.Lot.id)
        .where(m.Lot.member_id == member_id, m.Lot.remaining > 0)
    ).all()
    lots = [
        LotView(
            id=lot.id,
            kind=kind,
            earned_at=lot.created_at,
            points=lot.points,
            remaining=lot.remaining,
            expires_at=lot.expires_at,
            past_expiry=lot.expires_at is not None and lot.expires_at <= at,
        )
        for lot, kind in rows
    ]
    # Soonest expiry first (the order points are spent in); points that never expire last.
    lots.sort(
        key=lambda lot: (lot.expires_at is None, lot.expires_at or lot.earned_at, lot.earned_at, lot.id)
    )
    return tuple(lots)


def _visits(
    session: Session, member_id: str, currency: str, zone: ZoneInfo, last_visit_at: datetime | None
) -> Visits:
    times = [
        parse_utc(str(raw))
        for raw in session.execute(
            text("SELECT created_at FROM ledger_entries WHERE member_id = :member AND kind = 'earn'"),
            {"member": member_id},
        ).scalars()
    ]
    spend = session.scalar(
        select(func.coalesce(func.sum(_E.amount_minor), 0)).where(
            _E.member_id == member_id, _E.kind.in_(("earn", "reverse")), _E.amount_minor.is_not(None)
        )
    )
    days = {moment.astimezone(zone).date() for moment in times}
    return Visits(
        purchases=len(times),
        spend=Money(int(spend or 0), currency),
        visits=len(days),
        first_purchase_at=min(times, default=None),
        last_visit_at=last_visit_at if last_visit_at is not None else max(times, default=None),
    )
