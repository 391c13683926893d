"""Ledger maths on lots: the part of every award, redemption, expiry and return that must be right.

A member's points live in *lots*: every credit (earning, bonus, action, positive adjustment, restored
redemption) creates one, with an expiry date. Debits consume the soonest-expiring live lots first and record
which; expiry removes only what is left of a lot. A balance below zero is only possible through a recorded
*overdraft* (a return after the points were spent, two offline tills redeeming at once); the next credits
pay overdrafts off before they create spendable points.

``Account`` works on a member's open lots and overdrafts and returns a ``Posting`` — a change record that the
store persists as it is. The invariant, checked by property tests:

    balance == sum(open lot remaining) - sum(open overdraft remaining)

and a member never has spendable lots and open overdrafts at the same time (a lot already past its expiry,
whose expire entry is not written yet, may still be open next to an overdraft recorded after that expiry).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from loyalty.errors import InsufficientPoints, InvalidInput
from loyalty.program import Expiry


class EntryKind(StrEnum):
    EARN = "earn"
    REDEEM = "redeem"
    BONUS = "bonus"
    ACTION = "action"
    ADJUST = "adjust"
    EXPIRE = "expire"
    REVERSE = "reverse"
    TRANSFER = "transfer"


@dataclass(frozen=True, slots=True)
class Lot:
    id: str
    points: int
    remaining: int
    expires_at: datetime | None
    created_at: datetime

    def live_at(self, at: datetime) -> bool:
        return self.remaining > 0 and (self.expires_at is None or self.expires_at > at)


@dataclass(frozen=True, slots=True)
class Overdraft:
    id: str
    points: int
    remaining: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Consumption:
    lot_id: str
    points: int


@dataclass(frozen=True, slots=True)
class Payoff:
    overdraft_id: str
    points: int


@dataclass(frozen=True, slots=True)
class ExpiredLot:
    """A lot an expiry entry closed, as a debit that reached the ledger late sees it: ``expired`` is what the
    expiry took from it (net of what corrections gave back), ``expire_id`` the expiry entry."""

    lot: Lot
    expired: int
    expire_id: str


@dataclass(frozen=True, slots=True)
class Restore:
    """Points an expiry took that a debit dated before the expiry spent: the expiry took them once too often,
    and a correction naming ``expire_id`` gives them back to ``lot_id`` (``Account.unexpire``)."""

    expire_id: str
    lot_id: str
    points: int


@dataclass(frozen=True, slots=True)
class Posting:
    """What one ledger entry does to a member's lots and overdrafts."""

    entry_id: str
    points: int  # signed, what the entry adds to the balance
    new_lot: Lot | None = None
    consumptions: tuple[Consumption, ...] = ()
    payoffs: tuple[Payoff, ...] = ()
    new_overdraft: Overdraft | None = None
    lot_remaining: dict[str, int] = field(default_factory=dict)  # lot id -> remaining after this entry
    overdraft_remaining: dict[str, int] = field(default_factory=dict)


def _sort_key(lot: Lot) -> tuple[int, datetime, datetime, str]:
    # Soonest expiry first; lots that never expire go last; ties by age, then id (deterministic).
    if lot.expires_at is None:
        return (1, lot.created_at, lot.created_at, lot.id)
    return (0, lot.expires_at, lot.created_at, lot.id)


@dataclass
class Account:
    """A member's open lots and overdrafts, and their balance. Mutated by the postings it returns."""

    balance: int = 0
    lots: dict[str, Lot] = field(default_factory=dict)
    overdrafts: dict[str, Overdraft] = field(default_factory=dict)

    @classmethod
    def of(cls, balance: int, lots: Iterable[Lot], overdrafts: Iterable[Overdraft] = ()) -> Account:
        return cls(
            balance,
            {lot.id: lot for lot in lots if lot.remaining > 0},
            {o.id: o for o in overdrafts if o.remaining > 0},
        )

    def available(self, at: datetime) -> int:
        """Points that may be spent now: live lots only (a lot past its expiry is not spendable even if
        the expiry entry has not been written yet)."""
        return sum(lot.remaining for lot in self.lots.values() if lot.live_at(at))

    def owed(self) -> int:
        return sum(o.remaining for o in self.overdrafts.values())

    # -- credits ---------------------------------------------------------------------------------------
    def credit(self, entry_id: str, points: int, at: datetime, expires_at: datetime | None) -> Posting:
        if points <= 0:
            raise InvalidInput(what="Points", why="a credit must add at least one point")
        payoffs: list[Payoff] = []
        left = points
        for od in sorted(self.overdrafts.values(), key=lambda o: (o.created_at, o.id)):
            if left == 0:
                break
            pay = min(left, od.remaining)
            payoffs.append(Payoff(od.id, pay))
            left -= pay
        od_remaining = {p.overdraft_id: self.overdrafts[p.overdraft_id].remaining - p.points for p in payoffs}
        # The lot is kept even when an overdraft took all of it: it records where the points went.
        new_lot = Lot(entry_id, points, left, expires_at, at)
        posting = Posting(
            entry_id=entry_id,
            points=points,
            new_lot=new_lot,
            payoffs=tuple(payoffs),
            overdraft_remaining=od_remaining,
        )
        self.apply(posting)
        return posting

    # -- debits ----------------------------------------------------------------------------------------
    def debit(
        self,
        entry_id: str,
        points: int,
        at: datetime,
        *,
        allow_overdraft: bool = False,
        first: str | None = None,
    ) -> Posting:
        """Take ``points`` from the soonest-expiring live lots. With ``allow_overdraft`` (returns of spent
        points, reconciled offline redemptions) a shortfall becomes a recorded overdraft instead of an
        error. ``first`` names a lot to take from before the others (a return takes back the sale's own
        points first)."""
        if points <= 0:
            raise InvalidInput(what="Points", why="a debit must take at least one point")
        live = sorted(
            (lot for lot in self.lots.values() if lot.live_at(at)),
            key=lambda lot: (lot.id != first, _sort_key(lot)),
        )
        available = sum(lot.remaining for lot in live)
        if available < points and not allow_overdraft:
            raise InsufficientPoints(requested=points, available=available)
        consumptions: list[Consumption] = []
        left = points
        for lot in live:
            if left == 0:
                break
            take = min(left, lot.remaining)
            consumptions.append(Consumption(lot.id, take))
            left -= take
        overdraft = Overdraft(entry_id, left, left, at) if left > 0 else None
        posting = Posting(
            entry_id=entry_id,
            points=-points,
            consumptions=tuple(consumptions),
            new_overdraft=overdraft,
            lot_remaining={c.lot_id: self.lots[c.lot_id].remaining - c.points for c in consumptions},
        )
        self.apply(posting)
        return posting

    def expire(self, entry_id: str, at: datetime) -> Posting | None:
        """Remove what is left of every lot whose expiry has come. None when nothing expires."""
        due = sorted(
            (lot for lot in self.lots.values() if lot.expires_at is not None and lot.expires_at <= at),
            key=_sort_key,
        )
        due = [lot for lot in due if lot.remaining > 0]
        if not due:
            return None
        consumptions = tuple(Consumption(lot.id, lot.remaining) for lot in due)
        posting = Posting(
            entry_id=entry_id,
            points=-sum(c.points for c in consumptions),
            consumptions=consumptions,
            lot_remaining={lot.id: 0 for lot in due},
        )
        self.apply(posting)
        return posting

    def expire_lot(self, entry_id: str, lot_id: str, points: int, at: datetime) -> Posting:
        """An expiry of one named lot that another ledger (the central, which owns expiry) wrote for
        ``points``: it takes what this ledger still holds of the lot, and any difference (a debit here spent
        from the lot before its expiry, which the writer did not know yet) becomes a recorded overdraft that
        the writer's correction (``unexpire``) pays back."""
        if points <= 0:
            raise InvalidInput(what="Points", why="an expiry must take at least one point")
        lot = self.lots.get(lot_id)
        take = 0 if lot is None else min(points, lot.remaining)
        short = points - take
        posting = Posting(
            entry_id=entry_id,
            points=-points,
            consumptions=(Consumption(lot_id, take),) if take else (),
            new_overdraft=Overdraft(entry_id, short, short, at) if short else None,
            lot_remaining={lot_id: lot.remaining - take} if lot is not None and take else {},
        )
        self.apply(posting)
        return posting

    def unexpire(self, entry_id: str, lot: Lot, points: int, at: datetime) -> tuple[Posting, int]:
        """A correction of an expiry: ``points`` the expiry of ``lot`` took although a debit dated before
        the expiry spent them. Like every credit it pays open overdrafts first (the one ``expire_lot``
        recorded, where this ledger had seen that debit before the expiry); what is left goes back into the
        lot, for the late debit to spend. Returns the posting and the points given back to the lot."""
        if points <= 0:
            raise InvalidInput(what="Points", why="a correction must give back at least one point")
        probe = Account(0, {}, dict(self.overdrafts))
        paid = probe.credit(entry_id, points, at, None)
        back = points - sum(p.points for p in paid.payoffs)
        current = self.lots.get(lot.id)
        posting = Posting(
            entry_id=entry_id,
            points=points,
            payoffs=paid.payoffs,
            overdraft_remaining=paid.overdraft_remaining,
        )
        self.apply(posting)
        if back:
            held = 0 if current is None else current.remaining
            self.lots[lot.id] = replace(lot, remaining=held + back)
        return posting, back

    def restores(
        self,
        points: int,
        at: datetime,
        expired: Iterable[ExpiredLot],
        *,
        first: str | None = None,
    ) -> tuple[Restore, ...]:
        """What a debit of ``points`` dated ``at`` would spend of points that expiries took from lots still
        live at ``at`` (the debit reached this ledger after the expiry: an offline till's redemption, a
        return). Those points were spent before they expired, so the expiry took them once too often: each
        ``Restore`` is given back by a correction (``unexpire``) before the debit is applied. Nothing is
        changed here."""
        usable: Mapping[str, ExpiredLot] = {
            e.lot.id: e
            for e in expired
            if e.expired > 0
            and e.lot.expires_at is not None
            and e.lot.expires_at > at
            and e.lot.created_at <= at
        }
        if not usable or points <= 0:
            return ()
        trial = Account(self.balance, dict(self.lots), {})
        for lot_id, e in usable.items():
            held = self.lots[lot_id].remaining if lot_id in self.lots else 0
            trial.lots[lot_id] = replace(e.lot, remaining=held + e.expired)
        posting = trial.debit("probe", points, at, allow_overdraft=True, first=first)
        out: list[Restore] = []
        for c in posting.consumptions:
            if c.lot_id not in usable:
                continue
            held = self.lots[c.lot_id].remaining if c.lot_id in self.lots else 0
            if c.points > held:
                out.append(Restore(usable[c.lot_id].expire_id, c.lot_id, c.points - held))
        return tuple(out)

    # -- applying a change record --------------------------------------------------------------------
    def apply(self, posting: Posting) -> None:
        self.balance += posting.points
        for lot_id, remaining in posting.lot_remaining.items():
            lot = self.lots[lot_id]
            if remaining <= 0:
                del self.lots[lot_id]
            else:
                self.lots[lot_id] = replace(lot, remaining=remaining)
        if posting.new_lot is not None and posting.new_lot.remaining > 0:
            self.lots[posting.new_lot.id] = posting.new_lot
        for od_id, remaining in posting.overdraft_remaining.items():
            od = self.overdrafts[od_id]
            if remaining <= 0:
                del self.overdrafts[od_id]
            else:
                self.overdrafts[od_id] = replace(od, remaining=remaining)
        if posting.new_overdraft is not None:
            self.overdrafts[posting.new_overdraft.id] = posting.new_overdraft

    def check(self) -> None:
        """Raise AssertionError if the account breaks the lot invariant (used by tests and self-checks)."""
        lots_total = sum(lot.remaining for lot in self.lots.values())
        if lots_total - self.owed() != self.balance:
            raise AssertionError(f"balance {self.balance} != lots {lots_total} - overdrafts {self.owed()}")
        # An overdraft is only recorded when every live lot is used up, and credits pay overdrafts before
        # they open a lot: so every lot open next to an overdraft had expired when the overdraft was recorded.
        if any(
            lot.expires_at is None or lot.expires_at > od.created_at
            for lot in self.lots.values()
            for od in self.overdrafts.values()
        ):
            raise AssertionError("a member with spendable lots must not owe an overdraft")
        if any(lot.remaining < 0 or lot.remaining > lot.points for lot in self.lots.values()):
            raise AssertionError("a lot's remaining points are out of range")


def add_months(moment: datetime, months: int) -> datetime:
    """Same day ``months`` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiry_for(expiry: Expiry | None, earned_at: datetime, zone: ZoneInfo) -> datetime | None:
    """When points earned at ``earned_at`` expire, in UTC: N months later, or at the end of that month (the
    first instant of the next month, in the store's time zone) when the program says end of month."""
    if expiry is None:
        return None
    local = earned_at.astimezone(zone)
    due = add_months(local, expiry.months)
    if expiry.end_of_month:
        first_next = add_months(due.replace(day=1, hour=0, minute=0, second=0, microsecond=0), 1)
        due = first_next
    return due.astimezone(earned_at.tzinfo)


def earliest_expiry(lots: Iterable[Lot]) -> datetime | None:
    dates = [lot.expires_at for lot in lots if lot.expires_at is not None]
    return min(dates) if dates else None
