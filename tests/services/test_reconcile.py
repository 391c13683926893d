"""The reconciliation inbox's overdrafts at this till: their facts, recovered from the next earnings or
written off (manager, reason, audited) without breaking the ledger's arithmetic; resolved items are kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services.reconcile import Reconciliation
from app.store import models as m
from app.store.integrity import check_database
from app.store.settings import set_setting
from loyalty.errors import InvalidInput, PermissionDenied
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till


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
