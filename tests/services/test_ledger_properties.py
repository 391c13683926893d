"""Property-based tests of the ledger through the real services and a real SQLite file: whatever sequence
of awards, redemptions, returns, actions, adjustments, merges and expiry happens, every invariant holds."""

from __future__ import annotations

import contextlib
import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.services import SYSTEM, Actor, Role, TillServices, bootstrap_till
from app.store import models as m
from app.store.db import open_store
from loyalty.errors import LoyaltyError
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import FakeClock, simple_program

CASHIER = Actor("c1", "Cashier", Role.CASHIER)
MANAGER = Actor("m1", "Manager", Role.MANAGER)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.TemporaryDirectory()
        self.store = open_store(Path(self.dir.name) / "till.sqlite")
        bootstrap_till(self.store, store_id="s", till_id="t", store_number=1, till_number=1)
        self.clock = FakeClock(datetime(2026, 1, 5, 3, tzinfo=UTC))
        self.svc = TillServices.open(self.store, self.clock)
        self.svc.programs.install(
            SYSTEM,
            simple_program(
                expiry={"months": 2},
                welcome_bonus=10,
                redemption={"point_value": 1000, "max_bill_share_percent": 100},
                actions={"review": {"name": "Review", "points": 7, "cap": 2, "period": "week"}},
                referral={"referrer_points": 30, "referee_points": 20},
            ),
        )
        self.members: list[str] = []
        self.receipts: list[str] = []
        self.receipt_no = 0
        self.awarded: dict[str, int] = {}  # receipt -> points, to check idempotency

    def teardown(self) -> None:
        self.store.close()
        self.dir.cleanup()

    @initialize()
    def two_members(self) -> None:
        for name in ("Nguyễn An", "Trần Bình"):
            self.members.append(self.svc.members.enroll(CASHIER, name).member.id)

    @rule(who=st.integers(0, 9), amount=st.integers(1, 5_000_000))
    def award(self, who: int, amount: int) -> None:
        self.receipt_no += 1
        ref = f"R{self.receipt_no}"
        member = self.members[who % len(self.members)]
        change = self.svc.points.award(CASHIER, member, Basket.of_total(Money(amount)), ref)
        self.receipts.append(ref)
        self.awarded[ref] = change.entries[0].points

    @rule(data=st.data())
    def award_again(self, data: st.DataObject) -> None:
        if not self.receipts:
            return
        ref = data.draw(st.sampled_from(self.receipts))
        with self.store.read() as s:
            entry = s.scalars(
                select(m.LedgerEntry).where(m.LedgerEntry.receipt_ref == ref, m.LedgerEntry.kind == "earn")
            ).one()
            member_id, amount = entry.member_id, entry.amount_minor
        assert amount is not None
        before = self._entries()
        change = self.svc.points.award(CASHIER, member_id, Basket.of_total(Money(amount)), ref)
        assert change.replayed and change.entries[0].points == self.awarded[ref]
        assert self._entries() == before

    @rule(who=st.integers(0, 9), points=st.integers(1, 800), bill=st.integers(1000, 2_000_000))
    def redeem(self, who: int, points: int, bill: int) -> None:
        self.receipt_no += 1
        member = self.members[who % len(self.members)]
        before = self._entries()
        try:
            self.svc.points.redeem(
                CASHIER, member, points, bill=Money(bill), receipt_ref=f"R{self.receipt_no}"
            )
        except LoyaltyError:
            assert self._entries() == before  # refused means nothing written

    @rule(data=st.data(), share=st.integers(1, 100))
    def refund(self, data: st.DataObject, share: int) -> None:
        if not self.receipts:
            return
        ref = data.draw(st.sampled_from(self.receipts))
        with self.store.read() as s:
            amount = s.scalars(
                select(m.LedgerEntry.amount_minor).where(
                    m.LedgerEntry.receipt_ref == ref, m.LedgerEntry.kind == "earn"
                )
            ).one()
        assert amount is not None
        refund = max(1, amount * share // 100)
        before = self._entries()
        try:
            self.svc.points.process_return(MANAGER, ref, Money(refund))
        except LoyaltyError:
            assert self._entries() == before

    @rule(who=st.integers(0, 9))
    def action(self, who: int) -> None:
        with contextlib.suppress(LoyaltyError):
            self.svc.points.record_action(CASHIER, self.members[who % len(self.members)], "review")

    @rule(who=st.integers(0, 9), points=st.integers(-300, 300).filter(bool))
    def adjust(self, who: int, points: int) -> None:
        with contextlib.suppress(LoyaltyError):
            self.svc.points.adjust(MANAGER, self.members[who % len(self.members)], points, "property test")

    @rule(referred=st.booleans())
    def enroll(self, referred: bool) -> None:
        if len(self.members) < 5:
            code = self.svc.members.get(self.members[0]).referral_code if referred else None
            name = f"Khách {len(self.members)}"
            self.members.append(self.svc.members.enroll(CASHIER, name, referral_code=code).member.id)

    @rule(a=st.integers(0, 9), b=st.integers(0, 9))
    def merge(self, a: int, b: int) -> None:
        src, dst = self.members[a % len(self.members)], self.members[b % len(self.members)]
        if src == dst or len(self.members) <= 2:
            return
        self.svc.members.merge(MANAGER, src, dst, "duplicate")
        self.members.remove(src)

    @rule(days=st.integers(1, 40))
    def time_passes(self, days: int) -> None:
        self.clock.advance(days=days)

    @rule()
    def expire(self) -> None:
        self.svc.points.expire_due()

    def _entries(self) -> int:
        with self.store.read() as s:
            return int(s.scalar(select(func.count()).select_from(m.LedgerEntry)) or 0)

    @invariant()
    def books_balance(self) -> None:
        with self.store.read() as s:
            sums = dict(
                s.execute(
                    select(m.LedgerEntry.member_id, func.sum(m.LedgerEntry.points)).group_by(
                        m.LedgerEntry.member_id
                    )
                ).all()
            )
            lots = s.scalars(select(m.Lot)).all()
            consumed: dict[str, int] = defaultdict(int)
            for lot_id, pts in s.execute(select(m.LotConsumption.lot_id, m.LotConsumption.points)).all():
                consumed[lot_id] += pts
            owed: dict[str, int] = defaultdict(int)
            for od in s.scalars(select(m.Overdraft)):
                owed[od.member_id] += od.remaining
            open_lots: dict[str, int] = defaultdict(int)
            for lot in lots:
                # A lot's remaining is its points less what was consumed from it, less what paid overdrafts.
                assert 0 <= lot.remaining <= lot.points
                assert consumed[lot.id] <= lot.points - lot.remaining
                open_lots[lot.member_id] += lot.remaining
            for member in s.scalars(select(m.Member)):
                # The cached balance is only a cache: it equals the sum of the member's entries.
                assert member.balance == sums.get(member.id, 0)
                assert member.balance == open_lots[member.id] - owed[member.id]
                assert not (open_lots[member.id] and owed[member.id])
                if member.balance < 0:
                    assert owed[member.id] == -member.balance  # below zero only through a recorded overdraft
            # Every entry is queued for the central service exactly once.
            queued = s.scalar(
                select(func.count()).select_from(m.OutboxItem).where(m.OutboxItem.entity == "ledger_entry")
            )
            assert queued == sum(1 for _ in s.scalars(select(m.LedgerEntry.id)))
            # A return never takes back more of a sale (or a referral bonus) than its points less what of them
            # expired: expired points are not taken twice.
            e, r = m.LedgerEntry, aliased(m.LedgerEntry)
            taken = s.execute(
                select(e.id, e.points, func.sum(r.points))
                .join(r, (r.reverses_id == e.id) & (r.kind == "reverse"))
                .where(e.kind.in_(("earn", "bonus")))
                .group_by(e.id)
            ).all()
            for credit_id, points, reversed_sum in taken:
                expired = s.scalar(
                    select(func.coalesce(func.sum(m.LotConsumption.points), 0))
                    .join(e, e.id == m.LotConsumption.entry_id)
                    .where(m.LotConsumption.lot_id == credit_id, e.kind == "expire")
                )
                assert -reversed_sum <= points - int(expired or 0)
            # Points given back by a return never arrive already expired.
            for lot in s.scalars(select(m.Lot).join(e, e.id == m.Lot.id).where(e.kind == "reverse")):
                assert lot.expires_at is None or lot.expires_at > lot.created_at
            # A referral pays once: at most one standing bonus per referee and side.
            standing = s.execute(
                select(e.member_id, func.json_extract(e.details, "$.referee"), func.count())
                .where(
                    e.kind == "bonus",
                    e.action_code == "referral",
                    ~select(r.id).where(r.reverses_id == e.id).exists(),
                )
                .group_by(e.member_id, func.json_extract(e.details, "$.referee"))
            ).all()
            assert all(count == 1 for _, _, count in standing), standing
            # Per-till sequence numbers are unique and gap-free.
            seqs = sorted(s.scalars(select(m.LedgerEntry.seq)))
            assert seqs == list(range(1, len(seqs) + 1))


LedgerMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedger = LedgerMachine.TestCase
