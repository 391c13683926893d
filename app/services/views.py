"""Change records and read models the services return. Plain frozen data: the UI and the CLI show them,
tests compare them, and nothing in them talks to the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from loyalty.money import Money
from loyalty.quote import Quote


@dataclass(frozen=True, slots=True)
class TierView:
    code: str
    name: str
    since: datetime | None
    review_at: datetime | None
    qualifying_spend: int
    next_code: str | None
    next_name: str | None
    spend_to_next: int


@dataclass(frozen=True, slots=True)
class MemberView:
    id: str
    member_number: str
    full_name: str
    phone: str | None
    email: str | None
    birthday: date | None
    status: str
    balance: int  # points that can be spent now (expired lots excluded, overdraft subtracted)
    referral_code: str
    tier: TierView | None
    expiring_points: int = 0  # points that expire within the next 30 days
    next_expiry: datetime | None = None
    created_at: datetime | None = None
    lapsed_points: int = 0  # past their expiry date, awaiting the central's expiry entry (enrolled tills)


@dataclass(frozen=True, slots=True)
class EntryView:
    id: str
    member_id: str
    kind: str
    points: int
    amount: Money | None
    receipt_ref: str | None
    reason: str | None
    action_code: str | None
    staff_id: str | None
    program_version: str
    store_id: str
    till_id: str
    seq: int
    created_at: datetime
    reverses_id: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """What a use case did: the entries it wrote and the member as they are afterwards.

    ``replayed`` is true when the request had already been applied (same idempotency key): nothing new was
    written and the original entries are returned.
    """

    operation: str
    member: MemberView
    entries: tuple[EntryView, ...] = ()
    replayed: bool = False
    quote: Quote | None = None
    value: Money | None = None  # money value of a redemption or reward
    overdraft_points: int = 0
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class CardView:
    id: str
    member_id: str
    kind: str
    status: str
    label: str
    created_at: datetime
    replaced_by_id: str | None = None
    status_reason: str | None = None


@dataclass(frozen=True, slots=True)
class CardEventView:
    """One moment of a card's life, for its history: linked, blocked, replaced, issued as a replacement,
    moved by a merge, or added without a record here (pulled from the central, or before the audit log)."""

    at: datetime
    event: str  # 'linked', 'blocked', 'replaced', 'issued', 'moved', 'added'
    staff: str | None  # who did it (the staff member's name), None when nobody here did
    reason: str | None = None
    member_number: str | None = None  # linked to / moved to this member
    other_card: str | None = None  # the label of the card it replaced, or that replaced it


@dataclass(frozen=True, slots=True)
class SearchHit:
    member_id: str
    member_number: str
    full_name: str
    phone: str | None
    email: str | None
    matched_on: str  # 'name', 'phone', 'email', 'number', 'card'


@dataclass(frozen=True, slots=True)
class DuplicateView:
    """A member listed as a probable duplicate of another, and why."""

    id: int
    reason: str  # 'phone' (same number once normalised), 'invalid_phone' (not a valid number)
    value: str | None  # the shared value (the normalised number)
    old_value: str | None  # what the member had before it was taken away to keep the column unique
    found_at: datetime
    resolved_at: datetime | None
    member_number: str
    full_name: str
    duplicate_of_number: str | None
    duplicate_of_name: str | None


@dataclass(frozen=True, slots=True)
class StaffView:
    id: str
    code: str
    name: str
    role: str
    active: bool


@dataclass(frozen=True, slots=True)
class ReceiptView:
    """A sale found by its receipt number, as a return needs it: who earned, what was paid and what of it
    was already refunded."""

    receipt: str
    member: MemberView  # the member who earned (the one it was merged into, after a merge)
    sold_at: datetime
    bill: Money
    points_earned: int
    points_redeemed: int  # points that paid part of this bill
    refunded: Money  # refunded so far
    points_reversed: int  # taken back so far by earlier returns

    @property
    def left(self) -> Money:
        """What may still be refunded on this receipt."""
        return Money(self.bill.amount - self.refunded.amount, self.bill.currency)


@dataclass(frozen=True, slots=True)
class ReturnPreview:
    """What a return does (or will do) to the member's points."""

    receipt: str
    refund: Money
    member: MemberView  # as the return leaves them
    points_reversed: int  # taken back: earned on the refunded part
    points_restored: int  # given back: they paid for the refunded part
    overdraft_points: int  # of the points taken back, those the member had already spent
    bonus_reversed: int = 0  # the member's referral bonus, taken back when the purchase is refunded in full
    others_reversed: int = 0  # the referrer's bonus, taken back from that other member
    replayed: bool = False  # the return was already recorded under this entry id: nothing new


@dataclass(frozen=True, slots=True)
class ActionStanding:
    """A non-purchase action for one member: its points, its cap and what is left of it this period."""

    code: str
    name: str
    points: int
    cap: int | None  # None: no limit
    period: str  # 'day', 'week', 'month', 'year' or 'ever'
    used: int  # recorded in the current period
    period_ends: datetime | None  # when the count starts again (None for 'ever' or without a cap)

    @property
    def left(self) -> int | None:
        return None if self.cap is None else max(0, self.cap - self.used)

    @property
    def reached(self) -> bool:
        return self.cap is not None and self.used >= self.cap
