"""Corrections, previewed: what an adjustment or the reversal of an entry will do, before the manager confirms.

The preview is the correction itself, rehearsed (as ``returns_preview`` rehearses a return):
``PointsService.adjust`` or ``PointsService.reverse_entry`` runs unchanged over a core whose write transaction
is rolled back. Just before the rollback, the lots and overdrafts the new entries touched are read in the same
transaction. The manager therefore confirms the numbers the real correction writes: the balance before and
after, the lots a debit takes from (soonest expiry first) or the lot a credit opens and when it expires, an
overdraft it records or pays off. The same reading after the real correction says what it did.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session, aliased

from app.services.accounts import load_member, member_view
from app.services.context import Actor
from app.services.core import Core
from app.services.points import PointsService
from app.services.views import Change, EntryView, MemberView
from app.store import models as m

PREVIEW_REASON = "preview"
"""Stands in for a reason not typed yet: the reason changes nothing in the arithmetic, and the real
correction refuses a missing one."""


@dataclass(frozen=True, slots=True)
class LotEffect:
    """What one correction does to one lot of points."""

    lot_id: str  # the credit that made the lot (a new lot: the correction's own entry)
    kind: str  # that credit's kind
    earned_at: datetime
    expires_at: datetime | None
    points: int  # positive: the points a new lot holds; negative: taken from an existing lot
    new: bool


@dataclass(frozen=True, slots=True)
class Effect:
    """What a correction's entries do beyond the balance."""

    lots: tuple[LotEffect, ...] = ()
    overdraft_points: int = 0  # points taken that the member did not have: owed from now on
    overdraft_paid: int = 0  # points of a credit that paid off what the member owed


@dataclass(frozen=True, slots=True)
class CorrectionPreview:
    operation: str  # 'adjust' or 'reverse'
    before: MemberView
    after: MemberView
    entries: tuple[EntryView, ...]
    effect: Effect
    replayed: bool = False  # already recorded under this entry id: nothing new would be written

    @property
    def points(self) -> int:
        return sum(e.points for e in self.entries)


@dataclass
class _Seen:
    effects: dict[str, Effect] = field(default_factory=dict)


class _Rehearsed(Exception):
    """Raised inside a rehearsal's transaction so that the store rolls it back."""


class _ProbeCore(Core):
    """A core whose writes never commit; before each rollback it notes what the entries written did."""

    seen: _Seen

    @contextmanager
    def write(self) -> Iterator[Session]:
        try:
            with self.store.write() as session:
                mark = int(
                    session.execute(text("SELECT coalesce(max(rowid), 0) FROM ledger_entries")).scalar() or 0
                )
                yield session
                written = list(
                    session.execute(
                        text("SELECT id FROM ledger_entries WHERE rowid > :mark"), {"mark": mark}
                    ).scalars()
                )
                self.seen.effects.update(effects(session, written))
                raise _Rehearsed
        except _Rehearsed:
            pass


def _probe(core: Core) -> _ProbeCore:
    probe = _ProbeCore(**{f.name: getattr(core, f.name) for f in fields(core) if f.init})
    probe.seen = _Seen()
    return probe


_LOT_ENTRY = aliased(m.LedgerEntry)


def effects(session: Session, entry_ids: Sequence[str]) -> dict[str, Effect]:
    """What each of ``entry_ids`` did to lots and overdrafts, read right after it was written."""
    if not entry_ids:
        return {}
    ids = list(entry_ids)
    lots: dict[str, list[LotEffect]] = {i: [] for i in ids}
    paid: dict[str, int] = {}
    for lot, kind in session.execute(
        select(m.Lot, _LOT_ENTRY.kind).join(_LOT_ENTRY, _LOT_ENTRY.id == m.Lot.id).where(m.Lot.id.in_(ids))
    ):
        lots[lot.id].append(LotEffect(lot.id, kind, lot.created_at, lot.expires_at, lot.points, True))
        # A credit pays what the member owes before it opens spendable points (loyalty.ledger).
        paid[lot.id] = lot.points - lot.remaining
    for entry_id, points, lot, kind in session.execute(
        select(m.LotConsumption.entry_id, m.LotConsumption.points, m.Lot, _LOT_ENTRY.kind)
        .join(m.Lot, m.Lot.id == m.LotConsumption.lot_id)
        .join(_LOT_ENTRY, _LOT_ENTRY.id == m.Lot.id)
        .where(m.LotConsumption.entry_id.in_(ids))
        .order_by(m.LotConsumption.id)
    ):
        lots[entry_id].append(LotEffect(lot.id, kind, lot.created_at, lot.expires_at, -points, False))
    owed: dict[str, int] = {
        row.entry_id: row.points
        for row in session.execute(
            select(m.Overdraft.entry_id, m.Overdraft.points).where(m.Overdraft.entry_id.in_(ids))
        )
    }
    return {i: Effect(tuple(lots[i]), owed.get(i, 0), paid.get(i, 0)) for i in ids}


def combined(parts: Sequence[Effect]) -> Effect:
    return Effect(
        tuple(lot for part in parts for lot in part.lots),
        sum(part.overdraft_points for part in parts),
        sum(part.overdraft_paid for part in parts),
    )


class CorrectionDesk:
    """Previews of the manager's corrections, and what a recorded one did. Nothing here writes."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def preview_adjust(
        self, actor: Actor, member_id: str, points: int, reason: str, *, entry_id: str | None = None
    ) -> CorrectionPreview:
        """What ``adjust(actor, member_id, points, reason, entry_id=entry_id)`` would do, written nowhere.
        Refuses what the adjustment would refuse (permission, points, a member who cannot collect)."""
        before = self._member(member_id)
        probe = _probe(self.core)
        change = PointsService(probe).adjust(
            actor, member_id, points, reason.strip() or PREVIEW_REASON, entry_id=entry_id
        )
        return self._preview(before, change, probe.seen)

    def preview_reverse(
        self, actor: Actor, target_id: str, reason: str, *, entry_id: str | None = None
    ) -> CorrectionPreview:
        """What ``reverse_entry(actor, target_id, reason, entry_id=entry_id)`` would do, written nowhere."""
        probe = _probe(self.core)
        change = PointsService(probe).reverse_entry(
            actor, target_id, reason.strip() or PREVIEW_REASON, entry_id=entry_id
        )
        before = self._member(change.member.id)
        return self._preview(before, change, probe.seen)

    def recorded(self, before: MemberView, change: Change) -> CorrectionPreview:
        """What a correction just recorded did (read back from the store)."""
        with self.core.read() as session:
            found = effects(session, [e.id for e in change.entries])
        return CorrectionPreview(
            operation=change.operation,
            before=before,
            after=change.member,
            entries=change.entries,
            effect=combined([found[e.id] for e in change.entries]),
            replayed=change.replayed,
        )

    def _member(self, member_id: str) -> MemberView:
        core = self.core
        with core.read() as session:
            return member_view(session, core.program(session), load_member(session, member_id), core.now())

    @staticmethod
    def _preview(before: MemberView, change: Change, seen: _Seen) -> CorrectionPreview:
        if change.replayed:
            # Nothing was rehearsed: the correction exists; its effect is read from the store by the caller.
            return CorrectionPreview(change.operation, before, change.member, change.entries, Effect(), True)
        return CorrectionPreview(
            operation=change.operation,
            before=before,
            after=change.member,
            entries=change.entries,
            effect=combined([seen.effects.get(e.id, Effect()) for e in change.entries]),
        )
