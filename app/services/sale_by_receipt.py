"""The sale behind a receipt number, when two tills of the store may have used the same number.

A till numbers its receipts on its own, so two tills of one store can award the same number while offline;
the central keeps both awards and every till ends up holding both (migration 0008 of the store scopes the
unique award index to the till that wrote it). Whatever looks a sale up by its number goes through here:

- one earn entry with the number: that sale;
- several: this till's own (at most one, the index sees to it);
- several, none of them this till's: the cashier is told so in a sentence naming the members, and makes the
  return at the till that made the sale, where it is that till's own. Never one of them picked silently.

``warn_if_receipt_clash`` is what a pull says when it takes in another till's award of a number already
awarded here or at a third till: the entry is taken in (the central counts it, so balances agree) and the
log names both entries.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store import models as m
from loyalty.errors import Detail, NotFound, ReturnNotAllowed
from loyalty.ledger import EntryKind

if TYPE_CHECKING:  # a type only: the returns screen opens without the sync protocol's models
    from sync.protocol import EntryPayload

log = logging.getLogger(__name__)

_E = m.LedgerEntry


def earns_on_receipt(session: Session, store_id: str, receipt: str) -> list[m.LedgerEntry]:
    """Every award of this receipt number at the store, oldest first."""
    return list(
        session.scalars(
            select(_E)
            .where(_E.kind == "earn", _E.receipt_ref == receipt, _E.store_id == store_id)
            .order_by(_E.created_at, _E.id)
        ).all()
    )


def sale_on_receipt(session: Session, store_id: str, till_id: str, receipt: str) -> m.LedgerEntry:
    """The earn entry of the sale with this receipt number, as described above. ``NotFound`` when there is
    none; ``ReturnNotAllowed`` with a sentence when other tills awarded it more than once."""
    earns = earns_on_receipt(session, store_id, receipt)
    if not earns:
        raise NotFound(what="sale with receipt", ref=receipt)
    if len(earns) == 1:
        return earns[0]
    own = [e for e in earns if e.till_id == till_id]
    if own:
        return own[0]
    numbers = sorted(
        {
            number or e.member_id
            for e, number in (
                (e, session.scalar(select(m.Member.member_number).where(m.Member.id == e.member_id)))
                for e in earns
            )
        }
    )
    raise ReturnNotAllowed(
        why=Detail(
            "receipt {receipt} was used for {count} sales at other tills of this store (members {members}); "
            "make the return at the till that made the sale",
            receipt=receipt,
            count=len(earns),
            members=", ".join(numbers),
        )
    )


def redeems_of_sale(session: Session, earn: m.LedgerEntry) -> list[m.LedgerEntry]:
    """The redemptions made on the sale's receipt. When the number was used at more than one till, only
    those of the till that made this sale: the other sale's redemptions are not this sale's."""
    query = select(_E).where(
        _E.kind == "redeem", _E.receipt_ref == earn.receipt_ref, _E.store_id == earn.store_id
    )
    if len(earns_on_receipt(session, earn.store_id, earn.receipt_ref or "")) > 1:
        query = query.where(_E.till_id == earn.till_id)
    return list(session.scalars(query.order_by(_E.created_at, _E.id)).all())


def warn_if_receipt_clash(session: Session, entry: EntryPayload) -> None:
    """Log a pulled award whose receipt number another till of the store has already used here."""
    if entry.kind != EntryKind.EARN or entry.receipt_ref is None:
        return
    entry_id, store_id, till_id, receipt = entry.id, entry.store_id, entry.till_id, entry.receipt_ref
    others = session.execute(
        select(_E.id, _E.till_id).where(
            _E.kind == "earn",
            _E.receipt_ref == receipt,
            _E.store_id == store_id,
            _E.till_id != till_id,
            _E.id != entry_id,
        )
    ).all()
    for other in others:
        log.warning(
            "pull: receipt %s was awarded at two tills: entry %s (till %s) and entry %s (till %s); "
            "both are kept, a manager decides",
            receipt,
            entry_id,
            till_id,
            other.id,
            other.till_id,
        )
