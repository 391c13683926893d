"""The reconciliation inbox's overdrafts at this till: their facts, recovered from the next earnings or
written off (manager, reason, audited) without breaking the ledger's arithmetic; resolved items are kept."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.services.reconcile import Reconciliation
from app.services.returns_preview import ReturnDesk
from app.store import models as m
from app.store.integrity import check_database
from app.store.settings import set_setting
from loyalty.errors import InvalidInput, LoyaltyError, PermissionDenied
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till, make_till, simple_program


def overdrawn(till: Till, name: str = "Vũ Đức Hải", receipt: str = "HD1") -> str:
    """A member who spent the points of a sale that was then refunded: 100 points owed."""
    svc = till.svc
    member = svc.members.enroll(till.cashier, name).member  # 50
    svc.points.award(till.cashier, member.id, Basket.of_total(Money(1_000_000)), receipt)  # 150
    svc.points.redeem(till.cashier, member.id, 150, bill=Money(400_000), receipt_ref=receipt + "-R")  # 0
    svc.points.process_return(till.cashier, receipt, Money(1_000_000))  # -100, an overdraft
    return member.id


def test_an_overdraft_is_an_open_item_with_its_facts(till: Till) -> None:
    member_id = overdrawn(till)
    (item,) = Reconciliation(till.svc.core).overdrafts("open")
    assert item.member_id == member_id and item.member_name == "Vũ Đức Hải"
    assert (item.points, item.remaining) == (100, 100)
    assert item.entry_kind == "reverse" and item.receipt_ref == "HD1" and item.own_till
    assert item.reason == "return after the points were spent"
    assert item.staff == "Mai" and not item.resolved


def test_write_off_credits_what_is_owed_and_keeps_the_item(till: Till) -> None:
    member_id = overdrawn(till)
    inbox = Reconciliation(till.svc.core)
    (item,) = inbox.overdrafts()
    with pytest.raises(PermissionDenied):
        inbox.write_off(till.cashier, item.id, "goodwill")
    with pytest.raises(InvalidInput):
        inbox.write_off(till.manager, item.id, "   ")
    change = inbox.write_off(till.manager, item.id, "goodwill: the return was our mistake")
    assert (
        change.member.balance == 0 and change.entries[0].kind == "adjust" and change.entries[0].points == 100
    )
    assert inbox.overdrafts("open") == []
    (done,) = inbox.overdrafts("resolved")
    assert done.decision == "write_off" and done.decided_by == "Lan" and done.remaining == 0
    assert (
        done.note == "goodwill: the return was our mistake" and done.write_off_entry == change.entries[0].id
    )
    assert till.svc.members.get(member_id).balance == 0
    with pytest.raises(InvalidInput):
        inbox.write_off(till.manager, item.id, "again")
    with till.store.read() as session:
        assert check_database(session) == []
        assert (
            session.scalar(
                select(m.AuditRecord.subject_id).where(m.AuditRecord.action == "overdraft.write_off")
            )
            == item.id
        )


def test_recover_is_a_decision_and_earnings_pay_it_back(till: Till) -> None:
    member_id = overdrawn(till)
    inbox = Reconciliation(till.svc.core)
    (item,) = inbox.overdrafts()
    with pytest.raises(PermissionDenied):
        inbox.recover(till.cashier, item.id)
    decided = inbox.recover(till.manager, item.id, "she comes every week")
    assert decided.decision == "recover" and decided.remaining == 100
    assert [i.id for i in inbox.overdrafts("resolved")] == [item.id]
    till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(1_500_000)), "HD7")
    (paid,) = inbox.overdrafts("all")
    assert paid.remaining == 0 and paid.decision == "recover"
    with till.store.read() as session:
        assert check_database(session) == []


def test_an_overdraft_paid_by_earnings_resolves_itself(till: Till) -> None:
    member_id = overdrawn(till)
    till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(1_500_000)), "HD7")
    inbox = Reconciliation(till.svc.core)
    assert inbox.overdrafts("open") == []
    (paid,) = inbox.overdrafts("resolved")
    assert paid.decision == "paid" and paid.decided_by is None


def test_two_debts_of_one_member_are_written_off_oldest_first(till: Till) -> None:
    svc = till.svc
    member_id = overdrawn(till)
    till.clock.advance(days=1)
    svc.points.award(till.cashier, member_id, Basket.of_total(Money(100_000)), "HD2")  # pays 10 of 100
    till.clock.advance(days=1)
    # A second sale whose points are spent and then refunded: a second overdraft of the same member.
    svc.points.award(till.cashier, member_id, Basket.of_total(Money(2_000_000)), "HD3")  # pays 90, +110
    svc.points.redeem(till.cashier, member_id, 110, bill=Money(400_000), receipt_ref="HD3-R")
    till.clock.advance(days=1)
    svc.points.process_return(till.cashier, "HD2", Money(100_000))  # 10 more owed
    inbox = Reconciliation(till.svc.core)
    items = inbox.overdrafts("open")
    assert [i.remaining for i in items] == [10]
    svc.points.process_return(till.cashier, "HD3", Money(2_000_000))
    items = inbox.overdrafts("open")
    assert len(items) == 2
    older, newer = items
    with pytest.raises(InvalidInput) as refused:
        inbox.write_off(till.manager, newer.id, "goodwill")
    assert "older overdraft" in refused.value.message
    inbox.write_off(till.manager, older.id, "goodwill")
    inbox.write_off(till.manager, newer.id, "goodwill")
    assert inbox.overdrafts("open") == []
    assert svc.members.get(member_id).balance == 0
    with till.store.read() as session:
        assert check_database(session) == []


def test_a_till_that_syncs_leaves_write_offs_to_the_central(till: Till) -> None:
    overdrawn(till)
    with till.store.write() as session:
        set_setting(session, "sync.central_url", "http://127.0.0.1:9")
        set_setting(session, "sync.token", "x" * 43)
    inbox = Reconciliation(till.svc.core)
    (item,) = inbox.overdrafts()
    with pytest.raises(InvalidInput) as refused:
        inbox.write_off(till.manager, item.id, "goodwill")
    assert "central" in refused.value.message
    assert inbox.recover(till.manager, item.id).decision == "recover"
    # The central cannot be reached: a state, never an exception.
    assert inbox.central_inbox().state == "offline"


# -- a property: write-offs keep the ledger's arithmetic ----------------------------------------------------
WHO = st.sampled_from([0, 0, 0, 1])  # mostly one member: their sales, redemptions and returns interleave
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("award"), WHO, st.integers(10_000, 2_000_000)),
        st.tuples(st.just("redeem"), WHO, st.integers(1, 100)),
        st.tuples(st.just("return"), st.integers(0, 40), st.integers(1, 100)),
        st.tuples(st.just("return"), st.integers(0, 40), st.just(100)),
        st.tuples(st.just("write_off"), WHO, st.just(0)),
        st.tuples(st.just("recover"), WHO, st.just(0)),
        st.tuples(st.just("advance"), st.integers(1, 40), st.just(0)),
    ),
    min_size=10,  # long enough for a sale, its redemption, its return and a decision to meet
    max_size=30,
)


@given(OPERATIONS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_write_offs_and_decisions_keep_the_arithmetic(operations: list[tuple[str, int, int]]) -> None:
    """Any mix of sales, redemptions, returns (each may leave a debt), write-offs and decisions: the file
    passes ``check`` after every step, a member owes exactly what their open overdrafts hold, and writing
    off every debt leaves nobody below zero."""
    with tempfile.TemporaryDirectory() as folder:
        till = make_till(Path(folder), simple_program(redemption={"point_value": 1000}))
        try:
            svc, inbox = till.svc, Reconciliation(till.svc.core)
            members = [svc.members.enroll(till.cashier, name).member.id for name in ("An", "Bình")]
            receipts: list[str] = []
            for kind, who, amount in operations:
                member = members[who % 2]
                with contextlib.suppress(
                    LoyaltyError
                ):  # a refused step (nothing to return...) writes nothing
                    if kind == "award":
                        receipt = f"HD{len(receipts)}"
                        svc.points.award(till.cashier, member, Basket.of_total(Money(amount)), receipt)
                        receipts.append(receipt)
                    elif kind == "redeem":
                        balance = svc.members.get(member).balance
                        if balance > 0:
                            # Most of the balance: a later return of the sale then leaves a debt.
                            points = max(1, balance * (50 + amount // 2) // 100)
                            bill = Money(points * 1000)  # the whole bill paid with points
                            svc.points.redeem(
                                till.cashier, member, points, bill=bill, receipt_ref=f"R{points}"
                            )
                    elif kind == "return" and receipts:
                        receipt = receipts[who % len(receipts)]
                        info = ReturnDesk(svc.core).receipt_info(receipt)
                        refund = info.left.amount * amount // 100
                        if refund > 0:
                            svc.points.process_return(till.cashier, receipt, Money(refund))
                    elif kind in ("write_off", "recover"):
                        owed = [i for i in inbox.overdrafts("open") if i.member_id == member]
                        if owed:
                            if kind == "write_off":
                                inbox.write_off(till.manager, owed[0].id, "goodwill")
                                event("a debt written off")
                            else:
                                inbox.recover(till.manager, owed[0].id)
                    elif kind == "advance":
                        till.clock.advance(days=who)
                _check(till, inbox, members)
            for item in inbox.overdrafts("all"):  # whatever was decided before, what is still owed goes
                if item.remaining > 0 and item.decision != "write_off":
                    _write_off_as_a_new_decision(till, item.id)
            for member in members:
                assert svc.members.get(member).balance >= 0
            _check(till, inbox, members)
        finally:
            till.store.close()


def _check(till: Till, inbox: Reconciliation, members: list[str]) -> None:
    with till.store.read() as session:
        assert check_database(session) == []
    for member in members:
        owed = sum(i.remaining for i in inbox.overdrafts("all", member_id=member))
        balance = till.svc.members.get(member).balance
        assert owed == max(0, -balance)


def _write_off_as_a_new_decision(till: Till, overdraft_id: str) -> None:
    """A debt someone decided to recover, written off after all: only a credit settles it (as the
    service does), oldest first, so ``check`` still agrees."""
    inbox = Reconciliation(till.svc.core)
    item = next(i for i in inbox.overdrafts("all") if i.id == overdraft_id)
    if item.decision is None:
        inbox.write_off(till.manager, overdraft_id, "goodwill")
    else:
        till.svc.points.adjust(till.manager, item.member_id, item.remaining, "overdraft settled")
