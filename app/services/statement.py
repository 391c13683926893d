""" "Why this balance?": every entry of a member, oldest first, with the running total, ending at the balance.

A balance is the sum of the member's entries (DESIGN: the ledger). The statement lists them in the order they
were written (time, then the till's sequence number), each with what it did to the total: for a credit, when
its points expire; for an expiry, which earlier credits lost how many points; for a debit beyond the balance,
the overdraft it recorded.

Points whose expiry date has come but whose expiry entry is not written yet (the member has not been back
since, and the nightly run has not reached them) are not spendable: the balance shown everywhere leaves them
out. The statement shows them as what they are — a line "expired on <date>, written off at the next run" —
so that its last running total is exactly the balance on screen.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.services.accounts import load_member, member_view
from app.services.core import Core
from app.services.views import MemberView
from app.store import models as m
from loyalty.money import Money

EXPIRY_DUE = "expiry_due"
"""The kind of a statement line for points past their date whose expiry entry is not written yet."""


@dataclass(frozen=True, slots=True)
class ExpiredPart:
    """What one expiry took from one earlier credit."""

    lot_id: str  # the credit's entry
    lot_kind: str
    earned_at: datetime
    expired_at: datetime | None  # the lot's date
    points: int


@dataclass(frozen=True, slots=True)
class StatementLine:
    entry_id: str | None  # None for an expiry not written yet
    at: datetime
    kind: str  # a ledger kind, or EXPIRY_DUE
    points: int
    running: int  # the total after this line
    amount: Money | None = None
    receipt_ref: str | None = None
    reason: str | None = None
    action_code: str | None = None
    staff_name: str | None = None
    reverses_id: str | None = None
    program_version: str | None = None
    expires_at: datetime | None = None  # a credit: when the points it added expire
    expired: tuple[ExpiredPart, ...] = ()  # an expiry: what it removed, credit by credit
    overdraft: int = 0  # points of a debit that the member did not have: recorded as owed


@dataclass(frozen=True, slots=True)
class Statement:
    member: MemberView
    lines: tuple[StatementLine, ...]

    @property
    def total(self) -> int:
        """The last running total: the member's balance."""
        return self.lines[-1].running if self.lines else 0

    @property
    def expired_points(self) -> int:
        return -sum(line.points for line in self.lines if line.kind in ("expire", EXPIRY_DUE))


_E = m.LedgerEntry
_LOT_ENTRY = aliased(m.LedgerEntry)


class StatementService:
    def __init__(self, core: Core) -> None:
        self.core = core

    def statement(self, member_id: str) -> Statement:
        core = self.core
        with core.read() as session:
            program = core.program(session)
            at = core.now()
            member = member_view(session, program, load_member(session, member_id), at)
            return Statement(member, tuple(statement_lines(session, member_id, at)))


def statement_lines(session: Session, member_id: str, at: datetime) -> list[StatementLine]:
    """Every entry of ``member_id`` with its running total, then the expiries due by ``at`` and not written."""
    staff = {row[0]: row[1] for row in session.execute(select(m.Staff.id, m.Staff.name))}
    entries = session.scalars(
        select(_E).where(_E.member_id == member_id).order_by(_E.created_at, _E.till_id, _E.seq, _E.id)
    ).all()
    # A lot's id is the id of the credit that opened it: read by key (the lots index covers open lots only).
    credits = [e.id for e in entries if e.points > 0]
    lots: dict[str, m.Lot] = {}
    for start in range(0, len(credits), 500):
        chunk = credits[start : start + 500]
        lots.update((lot.id, lot) for lot in session.scalars(select(m.Lot).where(m.Lot.id.in_(chunk))))
    expired: dict[str, list[ExpiredPart]] = defaultdict(list)
    expiries = [e.id for e in entries if e.kind == "expire"]
    for start in range(0, len(expiries), 500):
        # By the expiry entries' ids: the consumption index answers, without reading other members' rows.
        chunk = expiries[start : start + 500]
        for entry_id, lot_id, points, lot_kind, earned_at, expires_at in session.execute(
            select(
                m.LotConsumption.entry_id,
                m.LotConsumption.lot_id,
                m.LotConsumption.points,
                _LOT_ENTRY.kind,
                m.Lot.created_at,
                m.Lot.expires_at,
            )
            .join(m.Lot, m.Lot.id == m.LotConsumption.lot_id)
            .join(_LOT_ENTRY, _LOT_ENTRY.id == m.Lot.id)
            .where(m.LotConsumption.entry_id.in_(chunk))
            .order_by(m.LotConsumption.id)
        ):
            expired[entry_id].append(ExpiredPart(lot_id, lot_kind, earned_at, expires_at, points))
    owed: dict[str, int] = {
        row.entry_id: row.points
        for row in session.execute(
            select(m.Overdraft.entry_id, m.Overdraft.points).where(m.Overdraft.member_id == member_id)
        )
    }
    kinds = {e.id: e.kind for e in entries}

    lines: list[StatementLine] = []
    running = 0
    for e in entries:
        running += e.points
        lot = lots.get(e.id)
        amount = None if e.amount_minor is None or e.currency is None else Money(e.amount_minor, e.currency)
        lines.append(
            StatementLine(
                entry_id=e.id,
                at=e.created_at,
                kind=e.kind,
                points=e.points,
                running=running,
                amount=amount,
                receipt_ref=e.receipt_ref,
                reason=e.reason,
                action_code=e.action_code,
                staff_name=staff.get(e.staff_id) if e.staff_id else None,
                reverses_id=e.reverses_id,
                program_version=e.program_version,
                expires_at=lot.expires_at if lot is not None else None,
                expired=tuple(expired.get(e.id, ())),
                overdraft=owed.get(e.id, 0),
            )
        )
    # Points past their date, not yet written off: no entry yet, but not spendable either. Any entry of the
    # member writes such an expiry first, so these come after every entry.
    due = sorted(
        (
            lot
            for lot in lots.values()
            if lot.remaining > 0 and lot.expires_at is not None and lot.expires_at <= at
        ),
        key=lambda lot: (lot.expires_at, lot.id),
    )
    for lot in due:
        assert lot.expires_at is not None
        running -= lot.remaining
        lines.append(
            StatementLine(
                entry_id=None,
                at=lot.expires_at,
                kind=EXPIRY_DUE,
                points=-lot.remaining,
                running=running,
                expired=(
                    ExpiredPart(
                        lot.id, kinds.get(lot.id, "earn"), lot.created_at, lot.expires_at, lot.remaining
                    ),
                ),
            )
        )
    return lines
