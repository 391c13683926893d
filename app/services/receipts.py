"""Receipts from the ledger: what the store holds of one receipt of this till, found by its number.

A receipt is made when a sale, a return or a non-purchase action is recorded, from the change records the
use case returns. Those live in memory; the ledger keeps everything needed to make the same receipt again
after a restart:

- its **number** is the till's sequence number of the receipt's first entry, so it leads straight to the
  entries: a sale's redemptions and award on one bill number (with the referral welcome the award paid the
  member), a return's reversals written together, or one action;
- the rule-by-rule **breakdown** is in the award entry's details, the **cashier** is the staff member the
  entries name, the **program** is the version the entries were computed under;
- the **balance after** and the points **expiring soon** are derived, not stored: the balance is the sum of
  the member's entries up to the receipt's last one, and a lot's remaining points at that moment are what it
  has now plus what entries written after it took from it. "Up to" is in the order this store learnt the
  entries (SQLite's rowid), not by their times: an entry made at another till before the sale but pulled
  after it was not in the balance printed, and is not in the rebuilt one either.

Nothing here is personal beyond what the receipt itself holds: the member's number (masked by the receipt
model) and no name, which an erasure has removed anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnClause, func, literal_column, select
from sqlalchemy.orm import Session

from app.services.accounts import EXPIRY_NOTICE, entry_view
from app.services.core import Core
from app.services.views import EntryView
from app.store import models as m
from loyalty.errors import NotFound
from loyalty.program import Program
from loyalty.text import clean_receipt

StoredKind = Literal["sale", "return", "action"]

_E = m.LedgerEntry
# The order this store learnt its entries in (an implicit column of every SQLite table with a text key).
_order: ColumnClause[int] = literal_column("ledger_entries.rowid")
_SLIP_KINDS = ("earn", "redeem", "reverse", "action")
MAX_SLIP_NUMBER = 10**12


@dataclass(frozen=True, slots=True)
class StoredReceipt:
    """One receipt as the store holds it: plain values, from which ``app.receipts.model`` makes the same
    receipt that was printed when it was recorded."""

    kind: StoredKind
    entries: tuple[EntryView, ...]  # the member's own entries of it, in the till's order
    member_number: str
    balance: int  # the member's balance right after it
    expiring_points: int  # of that balance, points that expired within the notice period
    next_expiry: datetime | None
    components: tuple[tuple[str, int], ...]  # the award's breakdown: (rule, points)
    overdraft_points: int  # points of this member taken back beyond their balance (a return)
    cashier: str  # the staff member the entries name ('' when none)
    program: Program  # the version the entries were computed under

    @property
    def number(self) -> str:
        return f"{self.entries[0].seq:06d}"


class ReceiptBook:
    """Finds this till's receipts in the ledger (reads only)."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def last(self) -> StoredReceipt | None:
        """The latest receipt of this till, or None when it has made none."""
        till = self.core.till.till_id
        with self.core.read() as session:
            rows = session.scalars(
                select(_E)
                .where(_E.till_id == till, _E.kind.in_(_SLIP_KINDS))
                .order_by(_E.seq.desc())
                .limit(50)
            ).all()
            for row in rows:
                group = _group_of(session, self.core, row)
                if group is not None:
                    return _stored(session, self.core, group)
        return None

    def find(self, number: str) -> StoredReceipt:
        """The receipt with this slip number (as printed: ``000042`` or ``42``) or, failing that, the sale
        with this bill number at this till. ``NotFound`` when there is neither."""
        text = clean_receipt(number)
        with self.core.read() as session:
            if text.isascii() and text.isdigit() and int(text) < MAX_SLIP_NUMBER:
                found = self._by_slip(session, int(text))
                if found is not None:
                    return found
            earn = session.scalars(
                select(_E).where(
                    _E.kind == "earn", _E.receipt_ref == text, _E.till_id == self.core.till.till_id
                )
            ).first()
            if earn is not None:
                group = _group_of(session, self.core, earn)
                if group is not None:
                    return _stored(session, self.core, group)
        raise NotFound(what="receipt", ref=text)

    def _by_slip(self, session: Session, seq: int) -> StoredReceipt | None:
        row = session.scalars(select(_E).where(_E.till_id == self.core.till.till_id, _E.seq == seq)).first()
        if row is None:
            return None
        group = _group_of(session, self.core, row)
        # Only the first entry of a receipt is its number: the slip does not print the others.
        if group is None or group[0].seq != seq:
            return None
        return _stored(session, self.core, group)


def _is_return(entry: m.LedgerEntry) -> bool:
    """The first entry of a return: the sale's reversal, which carries the refunded amount. (A manager's
    reversal of an entry is a correction, not a return, and has no receipt.)"""
    return (
        entry.kind == "reverse"
        and entry.reason == "return"
        and entry.receipt_ref is not None
        and entry.amount_minor is not None
    )


def _group_of(session: Session, core: Core, entry: m.LedgerEntry) -> list[m.LedgerEntry] | None:
    """The entries of the receipt ``entry`` belongs to, the member's own only, in the till's order; None
    when it belongs to none (an expiry, an adjustment, a welcome gift, another member's bonus)."""
    till, store = core.till.till_id, core.till.store_id
    if entry.kind == "action":
        return [entry]
    if entry.kind in ("earn", "redeem") and entry.receipt_ref is not None:
        earn = (
            entry
            if entry.kind == "earn"
            # This till's own award of the number first: another till may have used it too (offline).
            else session.scalars(
                select(_E)
                .where(_E.kind == "earn", _E.receipt_ref == entry.receipt_ref, _E.store_id == store)
                .order_by(_E.till_id != till, _E.created_at)
            ).first()
        )
        member_id = earn.member_id if earn is not None else entry.member_id
        redeems = session.scalars(
            select(_E).where(
                _E.kind == "redeem",
                _E.receipt_ref == entry.receipt_ref,
                _E.till_id == till,
                _E.member_id == member_id,
            )
        ).all()
        group = list(redeems)
        if earn is not None and earn.till_id == till:
            group.append(earn)
            # The referral welcome the award paid this member (the referrer's half is theirs, not here).
            group += session.scalars(
                select(_E).where(
                    _E.kind == "bonus",
                    _E.member_id == member_id,
                    func.json_extract(_E.details, "$.qualifying_entry") == earn.id,
                )
            ).all()
        group.sort(key=lambda e: e.seq)
        return group if group and any(e.id == entry.id for e in group) else None
    if entry.kind == "reverse" and entry.receipt_ref is not None:
        together = session.scalars(
            select(_E)
            .where(
                _E.kind == "reverse",
                _E.receipt_ref == entry.receipt_ref,
                _E.till_id == till,
                _E.created_at == entry.created_at,  # one return is one transaction: one moment
            )
            .order_by(_E.seq)
        ).all()
        if not together or not _is_return(together[0]):
            return None
        member_id = together[0].member_id
        own = [e for e in together if e.member_id == member_id]
        return own if any(e.id == entry.id for e in own) else None
    return None


def _rowid(session: Session, entry_ids: list[str]) -> int:
    return int(session.scalar(select(func.max(_order)).where(_E.id.in_(entry_ids))) or 0)


def _stored(session: Session, core: Core, group: list[m.LedgerEntry]) -> StoredReceipt:
    first, last = group[0], group[-1]
    member_id = first.member_id
    upto = _rowid(session, [e.id for e in group])
    at = max(e.created_at for e in group)
    balance = int(
        session.scalar(
            select(func.coalesce(func.sum(_E.points), 0)).where(_E.member_id == member_id, _order <= upto)
        )
        or 0
    )
    expiring, next_expiry = _expiring(session, member_id, upto, at)
    member_number = session.scalar(select(m.Member.member_number).where(m.Member.id == member_id)) or ""
    components: tuple[tuple[str, int], ...] = ()
    for e in group:
        if e.kind == "earn" and isinstance(e.details, dict):
            components = _components(e.details)
    overdraft = int(
        session.scalar(
            select(func.coalesce(func.sum(m.Overdraft.points), 0)).where(
                m.Overdraft.entry_id.in_([e.id for e in group])
            )
        )
        or 0
    )
    staff = next((e.staff_id for e in group if e.staff_id), None)
    cashier = "" if staff is None else session.scalar(select(m.Staff.name).where(m.Staff.id == staff)) or ""
    kind: StoredKind = "action" if first.kind == "action" else "return" if first.kind == "reverse" else "sale"
    return StoredReceipt(
        kind=kind,
        entries=tuple(entry_view(e) for e in group),
        member_number=member_number,
        balance=balance,
        expiring_points=expiring,
        next_expiry=next_expiry,
        components=components,
        overdraft_points=overdraft if kind == "return" else 0,
        cashier=cashier,
        program=core.program(session, last.program_version),
    )


def _components(details: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    out = []
    for c in details.get("components") or ():
        if isinstance(c, dict) and isinstance(c.get("rule"), str) and isinstance(c.get("points"), int):
            out.append((c["rule"], c["points"]))
    return tuple(out)


def _expiring(session: Session, member_id: str, upto: int, at: datetime) -> tuple[int, datetime | None]:
    """The member's points that were live at ``at`` and expired within the notice after it, as the
    entries up to ``upto`` had left them: a lot's remaining then is its remaining now plus what later
    entries took from it."""
    made = select(_E.id).where(_E.member_id == member_id, _order <= upto)
    taken_later = (
        select(func.coalesce(func.sum(m.LotConsumption.points), 0))
        .join(_E, _E.id == m.LotConsumption.entry_id)
        .where(m.LotConsumption.lot_id == m.Lot.id, _order > upto)
        .scalar_subquery()
    )
    rows = session.execute(
        select(m.Lot.remaining + taken_later, m.Lot.expires_at).where(
            m.Lot.id.in_(made),  # the member's lots made by then (a lot's id is its entry's)
            m.Lot.expires_at.is_not(None),
            m.Lot.expires_at > at,
            m.Lot.expires_at <= at + EXPIRY_NOTICE,
        )
    ).all()
    soon = [(int(left), expires) for left, expires in rows if left > 0 and expires is not None]
    total = sum(left for left, _ in soon)
    return total, min((expires for _, expires in soon), default=None)
