"""Before a return: the sale behind a receipt number, and a preview of what refunding part of it does to
the member's points.

The preview is the return itself, rehearsed: ``PointsService.process_return`` runs unchanged over a core
whose write transactions are always rolled back. It takes the same rows, applies the same rules in the same
order (expiry swept first, points taken from the sale's own lot first, overdrafts, restored points, referral
bonuses) and leaves the database exactly as it was. A second copy of the arithmetic could drift from the
real one; a rehearsal cannot, so what the cashier confirms is what is written (unless another till writes to
the same member in between, which the return then simply accounts for).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.accounts import load_member, member_view, surviving_member_id
from app.services.context import Actor
from app.services.core import Core
from app.services.points import PointsService
from app.services.sale_by_receipt import redeems_of_sale, sale_on_receipt
from app.services.views import Change, ReceiptView, ReturnPreview
from app.store import models as m
from loyalty.errors import NotFound
from loyalty.money import Money
from loyalty.text import clean_receipt


class _Rehearsed(Exception):
    """Raised inside a rehearsal's transaction so that the store rolls it back."""


class _RehearsalCore(Core):
    """A core whose writes never commit: each write transaction is rolled back when its block ends, and
    whatever the block raised (a refusal) still reaches the caller."""

    @contextmanager
    def write(self) -> Iterator[Session]:
        try:
            with self.store.write() as session:
                yield session
                raise _Rehearsed  # the store rolls back on any exception leaving its block
        except _Rehearsed:
            pass


def rehearsal_of(core: Core) -> Core:
    """The same till, store, clock and program cache, with every write rolled back."""
    return _RehearsalCore(**{f.name: getattr(core, f.name) for f in fields(core) if f.init})


def summarize_return(change: Change, receipt: str, refund: Money) -> ReturnPreview:
    """The points of a return's change record, as the cashier reads them.

    ``process_return`` writes the sale's reversal first, then the restored points (a credit), then any
    referral bonuses taken back (the member's own and their referrer's).
    """
    member_id = change.member.id
    reversed_, restored, bonus, others = 0, 0, 0, 0
    for index, entry in enumerate(change.entries):
        if index == 0:
            reversed_ = -entry.points
        elif entry.points > 0:
            restored += entry.points
        elif entry.member_id == member_id:
            bonus -= entry.points
        else:
            others -= entry.points
    return ReturnPreview(
        receipt=receipt,
        refund=refund,
        member=change.member,
        points_reversed=reversed_,
        points_restored=restored,
        overdraft_points=change.overdraft_points,
        bonus_reversed=bonus,
        others_reversed=others,
        replayed=change.replayed,
    )


class ReturnDesk:
    """Read-only use cases of the returns screen. Nothing here writes to the database."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self._rehearsal = PointsService(rehearsal_of(core))

    def receipt_info(self, receipt_ref: str) -> ReceiptView:
        """The sale with this receipt number at this store, with what was already refunded on it."""
        core = self.core
        receipt = clean_receipt(receipt_ref)
        with core.read() as session:
            program = core.program(session)
            # The same rows process_return works from: the sale's earn entry, its reversals, the points
            # redeemed on the receipt.
            earn = sale_on_receipt(session, core.till.store_id, core.till.till_id, receipt)
            if earn.amount_minor is None:
                raise NotFound(what="sale with receipt", ref=receipt)
            reversals = session.execute(
                select(
                    func.coalesce(func.sum(m.LedgerEntry.amount_minor), 0),
                    func.coalesce(func.sum(m.LedgerEntry.points), 0),
                ).where(m.LedgerEntry.reverses_id == earn.id, m.LedgerEntry.kind == "reverse")
            ).one()
            redeemed = -sum(r.points for r in redeems_of_sale(session, earn))
            member = load_member(session, surviving_member_id(session, earn.member_id))
            currency = earn.currency or program.currency
            return ReceiptView(
                receipt=receipt,
                member=member_view(session, program, member, core.now()),
                sold_at=earn.created_at,
                bill=Money(earn.amount_minor, currency),
                points_earned=earn.points,
                points_redeemed=redeemed,
                refunded=Money(-int(reversals[0] or 0), currency),
                points_reversed=-int(reversals[1] or 0),
            )

    def preview_return(
        self, actor: Actor, receipt_ref: str, refund: Money, *, entry_id: str | None = None
    ) -> ReturnPreview:
        """What ``process_return(actor, receipt_ref, refund, entry_id=entry_id)`` would do, written nowhere.
        Refuses exactly what the return would refuse (permission, amount, what is left to refund)."""
        change = self._rehearsal.process_return(actor, receipt_ref, refund, entry_id=entry_id)
        return summarize_return(change, clean_receipt(receipt_ref), refund)
