"""The receipt model: plain values taken from the change records of one completed sale, return or action.

It holds values, never labels: the same receipt is drawn in Vietnamese or English by the renderers. What
it leaves out is as deliberate as what it holds: the member's number is masked, and there is no name,
phone, e-mail, PIN, card or any other member's entry (an award that pays a referral bonus to the friend
who referred the customer carries the friend's entry too; it is not on this customer's receipt).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from app.services.receipts import StoredReceipt
from app.services.views import Change, EntryView
from loyalty.money import Money
from loyalty.program import Program
from loyalty.quote import redemption_value

ReceiptKind = Literal["sale", "return", "action"]

SHOWN_DIGITS = 4  # of the member number: enough for the customer to know it is theirs
MASK = "••••"


def mask_member_number(number: str) -> str:
    """``•••• 0123``: the last digits only, and never how long the number is."""
    digits = number.strip()
    if len(digits) <= SHOWN_DIGITS:
        return MASK
    return f"{MASK} {digits[-SHOWN_DIGITS:]}"


@dataclass(frozen=True, slots=True)
class EarnLine:
    """One rule's share of the points a sale earned (the quote's breakdown)."""

    rule: str  # base, category, sku, tier, promotion, cap, minimum_spend (the labels know each)
    name: str  # the category, product, tier or promotion the rule is about; '' for the others
    points: int


@dataclass(frozen=True, slots=True)
class StoreHeader:
    """What the top of every receipt of this till says."""

    name: str
    till: str
    address: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Receipt:
    kind: ReceiptKind
    store: StoreHeader
    number: str  # this slip's number: the till's sequence number of its first ledger entry
    issued_at: datetime  # in the store's time zone
    cashier: str  # the display name of the staff member who served
    member_number: str  # masked
    currency: str
    receipt_ref: str | None = None  # the bill's number at the cash register
    bill: Money | None = None
    earned: int = 0
    breakdown: tuple[EarnLine, ...] = ()
    bonus: int = 0  # bonuses this sale paid this member (a referral welcome)
    redeemed: int = 0
    redeemed_value: Money | None = None
    reward: str | None = None
    refund: Money | None = None
    reversed_points: int = 0
    restored_points: int = 0
    overdraft_points: int = 0
    action: str | None = None
    action_points: int = 0
    balance: int = 0
    balance_value: Money | None = None
    expiring_points: int = 0
    usable_until: date | None = None  # the last day the expiring points can be spent
    replayed: bool = False  # everything on it had been recorded before (a retried sale)
    copy: bool = False  # a paper copy of a receipt already printed


def _local(moment: datetime, program: Program) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(program.zone)


def _breakdown(components: Sequence[tuple[str, int]], program: Program) -> tuple[EarnLine, ...]:
    lines = []
    for rule, points in components:
        kind, _, name = rule.partition(":")
        if kind == "tier":
            tier = program.tier(name)
            name = tier.name if tier is not None else name
        elif kind == "promotion":
            name = next((p.name for p in program.promotions if p.code == name), name)
        lines.append(EarnLine(kind, name, points))
    return tuple(lines)


@dataclass
class _Tally:
    """What the member's entries add up to, kind by kind."""

    bill: Money | None = None
    earned: int = 0
    bonus: int = 0
    redeemed: int = 0
    redeemed_value: Money | None = None
    reward: str | None = None
    refund: Money | None = None
    reversed_points: int = 0
    restored_points: int = 0
    action: str | None = None
    action_points: int = 0

    def add(self, entry: EntryView, program: Program, value: Money | None = None) -> None:
        if entry.kind == "earn":
            self.bill = entry.amount
            self.earned += entry.points
        elif entry.kind == "bonus":
            self.bonus += entry.points
        elif entry.kind == "redeem":
            self.redeemed -= entry.points
            self.redeemed_value = entry.amount if entry.amount is not None else value
            if entry.action_code:
                reward = program.reward(entry.action_code)
                self.reward = reward.name if reward is not None else entry.action_code
        elif entry.kind == "reverse":
            if entry.points < 0:
                self.reversed_points -= entry.points
            else:
                self.restored_points += entry.points
            if entry.reverses_id is not None and entry.amount is not None and entry.amount.amount < 0:
                # The reversal of the sale carries the refunded amount (negative, as money going back).
                self.refund = Money(-entry.amount.amount, entry.amount.currency)
        elif entry.kind == "action":
            action = program.actions.get(entry.action_code or "")
            self.action = action.name if action is not None else entry.action_code
            self.action_points += entry.points


@dataclass(frozen=True, slots=True)
class _After:
    """The member as the receipt leaves them."""

    member_number: str
    balance: int
    expiring_points: int
    next_expiry: datetime | None


def _assemble(
    kind: ReceiptKind,
    own: Sequence[EntryView],
    tally: _Tally,
    after: _After,
    *,
    breakdown: tuple[EarnLine, ...],
    overdraft: int,
    replayed: bool,
    program: Program,
    store: StoreHeader,
    cashier: str,
) -> Receipt:
    first = min(own, key=lambda e: e.seq)
    last = max(e.created_at for e in own)
    refs = [e.receipt_ref for e in own if e.receipt_ref]
    usable_until = None
    if after.expiring_points and after.next_expiry is not None:
        # Points expire at an instant (the start of a day): the last day they can be spent is the one before.
        usable_until = _local(after.next_expiry - timedelta(microseconds=1), program).date()
    t = tally
    return Receipt(
        kind=kind,
        store=store,
        number=f"{first.seq:06d}",
        issued_at=_local(last, program),
        cashier=cashier,
        member_number=mask_member_number(after.member_number),
        currency=program.currency,
        receipt_ref=refs[0] if refs else None,
        overdraft_points=overdraft,
        balance=after.balance,
        balance_value=redemption_value(program, max(after.balance, 0)),
        expiring_points=after.expiring_points if usable_until is not None else 0,
        usable_until=usable_until,
        replayed=replayed,
        bill=t.bill,
        earned=t.earned,
        breakdown=breakdown,
        bonus=t.bonus,
        redeemed=t.redeemed,
        redeemed_value=t.redeemed_value,
        reward=t.reward,
        refund=t.refund,
        reversed_points=t.reversed_points,
        restored_points=t.restored_points,
        action=t.action,
        action_points=t.action_points,
    )


def build_receipt(
    changes: Sequence[Change],
    *,
    program: Program,
    store: StoreHeader,
    cashier: str,
) -> Receipt:
    """The receipt of what ``changes`` did for one member: a sale (a redemption, then the award), a
    return, or a non-purchase action. The last change holds the member as they are afterwards."""
    if not changes:
        raise ValueError("a receipt needs the change records of what was done")
    member = changes[-1].member
    operations = {c.operation for c in changes}
    if operations <= {"award", "redeem"}:
        kind: ReceiptKind = "sale"
    elif operations == {"return"}:
        kind = "return"
    elif operations == {"action"}:
        kind = "action"
    else:
        raise ValueError(f"no receipt for {sorted(operations)}")
    # Only this member's entries: an award can carry the referrer's bonus, which is not theirs to see.
    own: list[tuple[Change, EntryView]] = [
        (c, e) for c in changes for e in c.entries if e.member_id == member.id
    ]
    if not own:
        raise ValueError("the changes hold no entry of their member")
    tally = _Tally()
    breakdown: tuple[EarnLine, ...] = ()
    for change, entry in own:
        tally.add(entry, program, change.value)
        if entry.kind == "earn":
            # A replayed award brings back its entry, not its quote.
            components = () if change.quote is None else change.quote.components
            breakdown = _breakdown([(c.rule, c.points) for c in components], program)
    after = _After(member.member_number, member.balance, member.expiring_points, member.next_expiry)
    return _assemble(
        kind,
        [e for _, e in own],
        tally,
        after,
        breakdown=breakdown,
        overdraft=sum(c.overdraft_points for c in changes),
        replayed=all(c.replayed for c in changes),
        program=program,
        store=store,
        cashier=cashier,
    )


def rebuild_receipt(stored: StoredReceipt, store: StoreHeader) -> Receipt:
    """The receipt the store's entries make (``app.services.receipts``): the same one that was printed
    when they were recorded, under the program version they were computed with."""
    if not stored.entries:
        raise ValueError("a receipt needs its entries")
    program = stored.program
    tally = _Tally()
    for entry in stored.entries:
        tally.add(entry, program)
    after = _After(stored.member_number, stored.balance, stored.expiring_points, stored.next_expiry)
    return _assemble(
        stored.kind,
        stored.entries,
        tally,
        after,
        breakdown=_breakdown(stored.components, program),
        overdraft=stored.overdraft_points,
        replayed=False,
        program=program,
        store=store,
        cashier=stored.cashier,
    )
