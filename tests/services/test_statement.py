""" "Why this balance?" (app.services.statement) under random histories on a real SQLite till: whatever sales,
redemptions, returns, adjustments, reversals, expiries and passing time a member goes through, the statement's
running total steps by each entry and ends exactly at the balance the till shows, and every expiry says which
credits lost how much."""

from __future__ import annotations

import contextlib
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from app.services import SYSTEM, Actor, Role, TillServices, bootstrap_till
from app.services.statement import EXPIRY_DUE, StatementService
from app.store import models as m
from app.store.db import open_store
from loyalty.errors import LoyaltyError
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import FakeClock, Till, simple_program

CASHIER = Actor("c1", "Cashier", Role.CASHIER)
MANAGER = Actor("m1", "Manager", Role.MANAGER)


class StatementMachine(RuleBasedStateMachine):
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
            ),
        )
        self.statements = StatementService(self.svc.core)
        self.members: list[str] = []
        self.receipts: list[str] = []

    def teardown(self) -> None:
        self.store.close()
        self.dir.cleanup()

    @initialize()
    def two_members(self) -> None:
        for name in ("Nguyễn An", "Trần Bình"):
            self.members.append(self.svc.members.enroll(CASHIER, name).member.id)

    def _member(self, who: int) -> str:
        return self.members[who % len(self.members)]

    @rule(who=st.integers(0, 1), amount=st.integers(1, 3_000_000))
    def award(self, who: int, amount: int) -> None:
        ref = f"R{len(self.receipts) + 1}"
        self.svc.points.award(CASHIER, self._member(who), Basket.of_total(Money(amount)), ref)
        self.receipts.append(ref)

    @rule(who=st.integers(0, 1), points=st.integers(1, 400))
    def redeem(self, who: int, points: int) -> None:
        with contextlib.suppress(LoyaltyError):
            self.svc.points.redeem(
                CASHIER, self._member(who), points, bill=Money(10_000_000), receipt_ref="B"
            )

    @rule(data=st.data(), share=st.integers(1, 100))
    def refund(self, data: st.DataObject, share: int) -> None:
        if self.receipts:
            ref = data.draw(st.sampled_from(self.receipts))
            with contextlib.suppress(LoyaltyError):
                self.svc.points.process_return(MANAGER, ref, Money(max(1, 3_000_000 * share // 100)))

    @rule(who=st.integers(0, 1), points=st.integers(-300, 300).filter(bool))
    def adjust(self, who: int, points: int) -> None:
        with contextlib.suppress(LoyaltyError):
            self.svc.points.adjust(MANAGER, self._member(who), points, "property test")

    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        with self.store.read() as s:
            ids = s.scalars(select(m.LedgerEntry.id).order_by(m.LedgerEntry.id)).all()
        target = data.draw(st.sampled_from(ids))
        before = self._entries()
        try:
            self.svc.points.reverse_entry(MANAGER, target, "property test")
        except LoyaltyError:
            assert self._entries() == before  # refused means nothing written

    @rule(days=st.integers(1, 45))
    def time_passes(self, days: int) -> None:
        self.clock.advance(days=days)

    @rule()
    def expire(self) -> None:
        self.svc.points.expire_due()

    def _entries(self) -> int:
        with self.store.read() as s:
            return int(s.scalar(select(func.count()).select_from(m.LedgerEntry)) or 0)

    @invariant()
    def statement_ends_at_the_balance(self) -> None:
        for member_id in self.members:
            statement = self.statements.statement(member_id)
            running = 0
            for line in statement.lines:
                running += line.points
                assert line.running == running
                if line.kind in ("expire", EXPIRY_DUE):
                    # An expiry names what it removed, and removes only that.
                    assert sum(part.points for part in line.expired) == -line.points
            assert statement.total == statement.member.balance
            assert statement.total == self.svc.members.get(member_id).balance
            written = sum(line.points for line in statement.lines if line.entry_id is not None)
            with self.store.read() as s:
                assert written == s.get(m.Member, member_id).balance  # the cache is the sum of entries
            assert [line.at for line in statement.lines] == sorted(line.at for line in statement.lines)


StatementMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestStatement = StatementMachine.TestCase


def test_a_statement_tells_what_expired_when(till: Till) -> None:
    """Points past their date show as due before the expiry run writes them off, then as the expiry entry
    that names the credit they came from; the running total ends at the balance each time."""
    member = till.svc.members.enroll(till.cashier, "Lê Thị Hồng").member
    sale = till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(1_000_000)), "HD1")
    earned = sale.entries[0]
    statements = StatementService(till.svc.core)
    first = statements.statement(member.id)
    assert [line.kind for line in first.lines] == ["bonus", "earn"]
    expires = first.lines[1].expires_at
    assert expires is not None and first.total == sale.member.balance
    till.clock.now = expires
    due = statements.statement(member.id)
    assert due.lines[-1].kind == EXPIRY_DUE and due.total == 0 == due.member.balance
    till.svc.points.expire_due()
    written = statements.statement(member.id)
    expiry = [line for line in written.lines if line.kind == "expire"]
    assert len(expiry) == 1 and written.total == 0
    assert {part.lot_id for part in expiry[0].expired} >= {earned.id}
    assert written.expired_points == sale.member.balance
