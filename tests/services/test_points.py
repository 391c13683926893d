"""Award, redeem, returns, actions, adjustments and expiry through the real services on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import SYSTEM
from app.store import models as m
from loyalty.errors import (
    ActionCapReached,
    CurrencyMismatch,
    DuplicateReceipt,
    InsufficientPoints,
    InvalidAmount,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RedemptionNotAllowed,
    ReturnNotAllowed,
)
from loyalty.money import Money
from loyalty.quote import Basket, BasketLine
from tests.services.conftest import Till, make_till, simple_program


def _vnd(amount: int) -> Basket:
    return Basket.of_total(Money(amount))


def _count(till: Till, model: type[m.Base]) -> int:
    with till.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_award_worked_example(till: Till) -> None:
    # Default program: 1 point per 10.000 ₫ (down), fresh x2. 150.000 fresh + 55.000 grocery = 205.000
    # -> base 20, fresh extra 15 -> 35 points, plus the 50-point welcome bonus.
    member = till.svc.members.enroll(till.cashier, "Nguyễn Văn An", phone="0912345678").member
    assert member.balance == 50
    basket = Basket.of([BasketLine(Money(150000), "fresh"), BasketLine(Money(55000), "grocery")])
    change = till.svc.points.award(till.cashier, member.id, basket, "HD1")
    assert change.quote is not None and change.quote.points == 35
    assert [e.kind for e in change.entries] == ["earn"]
    assert change.entries[0].points == 35
    assert change.entries[0].amount == Money(205000)
    assert change.member.balance == 85


def test_award_is_idempotent_by_receipt(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Lê Thị Hoa").member
    first = till.svc.points.award(till.cashier, member.id, _vnd(100000), "HD9")
    again = till.svc.points.award(till.cashier, member.id, _vnd(100000), " HD9 ")
    assert again.replayed and again.entries[0].id == first.entries[0].id
    assert again.member.balance == first.member.balance == 60
    before = _count(till, m.LedgerEntry)
    other = till.svc.members.enroll(till.cashier, "Phạm Văn Bình").member
    with pytest.raises(DuplicateReceipt) as err:
        till.svc.points.award(till.cashier, other.id, _vnd(100000), "HD9")
    assert "HD9" in err.value.message
    assert _count(till, m.LedgerEntry) == before + 1  # only the second member's welcome bonus


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (Money(0), InvalidAmount),
        (Money(-5000), InvalidAmount),
        (Money(500, "USD"), CurrencyMismatch),
    ],
)
def test_bad_amounts_write_nothing(till: Till, amount: Money, error: type[Exception]) -> None:
    member = till.svc.members.enroll(till.cashier, "Võ Thị Lan").member
    before = _count(till, m.LedgerEntry)
    with pytest.raises(error):
        till.svc.points.award(till.cashier, member.id, Basket.of_total(amount), "HD1")
    assert _count(till, m.LedgerEntry) == before


def test_absurd_amount_is_refused_before_anything() -> None:
    with pytest.raises(InvalidAmount):
        Money(10**13)


def test_award_needs_a_receipt_and_a_known_member(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Đỗ Minh Quân").member
    with pytest.raises(InvalidInput):
        till.svc.points.award(till.cashier, member.id, _vnd(50000), "   ")
    with pytest.raises(NotFound):
        till.svc.points.award(till.cashier, "no-such-member", _vnd(50000), "HD1")


def test_redeem_within_limits(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Trần Thị Mai").member
    till.svc.points.award(till.cashier, member.id, _vnd(3_000_000), "HD1")  # 300 points + 50 welcome
    # Bill 200.000 ₫: at most 50% = 100.000 ₫ = 100 points.
    with pytest.raises(RedemptionNotAllowed) as err:
        till.svc.points.redeem(till.cashier, member.id, 101, bill=Money(200000), receipt_ref="HD2")
    assert "100" in err.value.message
    with pytest.raises(RedemptionNotAllowed):  # under the 50-point minimum
        till.svc.points.redeem(till.cashier, member.id, 49, bill=Money(200000), receipt_ref="HD2")
    change = till.svc.points.redeem(till.cashier, member.id, 100, bill=Money(200000), receipt_ref="HD2")
    assert change.value == Money(100000)
    assert change.entries[0].points == -100
    assert change.member.balance == 250


def test_redeem_more_than_balance_is_refused(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Hoàng Văn Nam").member
    before = _count(till, m.LedgerEntry)
    with pytest.raises(InsufficientPoints) as err:
        till.svc.points.redeem(till.cashier, member.id, 60, bill=Money(1_000_000), receipt_ref="HD1")
    assert "60" in err.value.message and "50" in err.value.message
    assert _count(till, m.LedgerEntry) == before


def test_large_redemption_needs_a_manager(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Bùi Thị Yến").member
    till.svc.points.adjust(till.manager, member.id, 5000, "migration from paper cards")
    with pytest.raises(PermissionDenied):
        till.svc.points.redeem(till.cashier, member.id, 2500, bill=Money(10_000_000), receipt_ref="HD1")
    change = till.svc.points.redeem(
        till.cashier, member.id, 2500, bill=Money(10_000_000), receipt_ref="HD1", approved_by=till.manager
    )
    assert change.member.balance == 2550


def test_reward_redemption(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Ngô Thu Trang").member
    till.svc.points.award(till.cashier, member.id, _vnd(2_000_000), "HD1")  # 200 + 50
    change = till.svc.points.redeem_reward(
        till.cashier, member.id, "TEN_PERCENT", bill=Money(3_000_000), receipt_ref="HD2"
    )
    assert change.value == Money(200000)  # 10% of 3.000.000 capped at 200.000
    assert change.member.balance == 100
    with pytest.raises(NotFound):
        till.svc.points.redeem_reward(till.cashier, member.id, "NOPE", bill=None, receipt_ref="HD3")


def test_redeem_retry_with_same_entry_id_is_applied_once(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Phan Văn Long").member
    till.svc.points.award(till.cashier, member.id, _vnd(2_000_000), "HD1")
    first = till.svc.points.redeem(
        till.cashier,
        member.id,
        60,
        bill=Money(200000),
        receipt_ref="HD2",
        entry_id="01900000-0000-7000-8000-000000000001",
    )
    again = till.svc.points.redeem(
        till.cashier,
        member.id,
        60,
        bill=Money(200000),
        receipt_ref="HD2",
        entry_id="01900000-0000-7000-8000-000000000001",
    )
    assert again.replayed and again.member.balance == first.member.balance == 190


def test_return_reverses_in_proportion_and_restores_redeemed(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Huỳnh Thị Ngân").member  # 50 welcome
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "HD1")  # +100 -> 150
    till.svc.points.redeem(till.cashier, member.id, 100, bill=Money(1_000_000), receipt_ref="HD1")  # -> 50
    # Refund 400.000 of 1.000.000: reverse floor(100*0.4)=40 earned, restore floor(100*0.4)=40 redeemed.
    change = till.svc.points.process_return(till.cashier, "HD1", Money(400000))
    assert [e.points for e in change.entries] == [-40, 40]
    assert change.member.balance == 50
    # Refund the rest: 60 more reversed and 60 restored; in total exactly what the sale earned and used.
    change = till.svc.points.process_return(till.cashier, "HD1", Money(600000))
    assert [e.points for e in change.entries] == [-60, 60]
    assert change.member.balance == 50
    with pytest.raises(ReturnNotAllowed):
        till.svc.points.process_return(till.cashier, "HD1", Money(1000))


def test_return_after_points_were_spent_records_an_overdraft(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Vũ Đức Hải").member  # 50
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "HD1")  # 150
    till.svc.points.redeem(till.cashier, member.id, 150, bill=Money(400000), receipt_ref="HD2")  # 0
    change = till.svc.points.process_return(till.cashier, "HD1", Money(1_000_000))
    assert change.overdraft_points == 100
    assert change.member.balance == -100
    with till.store.read() as s:
        od = s.scalars(select(m.Overdraft)).one()
        assert od.remaining == 100 and od.member_id == member.id
    # The next earning pays the overdraft off first.
    change = till.svc.points.award(till.cashier, member.id, _vnd(1_500_000), "HD3")
    assert change.member.balance == 50
    with till.store.read() as s:
        od = s.scalars(select(m.Overdraft)).one()
        assert od.remaining == 0 and od.settled_at is not None


def test_return_of_unknown_receipt(till: Till) -> None:
    with pytest.raises(NotFound):
        till.svc.points.process_return(till.cashier, "HD-NOPE", Money(1000))


def test_action_caps(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Đặng Thị Thảo").member
    for _ in range(4):
        till.svc.points.record_action(till.cashier, member.id, "recycling")
    with pytest.raises(ActionCapReached) as err:
        till.svc.points.record_action(till.cashier, member.id, "recycling")
    assert "4" in err.value.message
    assert till.svc.members.get(member.id).balance == 50 + 4 * 5
    till.clock.advance(days=31)  # a new month: the cap starts again
    till.svc.points.record_action(till.cashier, member.id, "recycling")
    with pytest.raises(NotFound):
        till.svc.points.record_action(till.cashier, member.id, "dance")


def test_adjust_is_manager_only_with_reason_and_audited(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Hồ Văn Tâm").member
    with pytest.raises(PermissionDenied):
        till.svc.points.adjust(till.cashier, member.id, 10, "goodwill")
    with pytest.raises(InvalidInput):
        till.svc.points.adjust(till.manager, member.id, 10, "  ")
    with pytest.raises(InsufficientPoints):
        till.svc.points.adjust(till.manager, member.id, -51, "typo")
    change = till.svc.points.adjust(till.manager, member.id, -20, "duplicate welcome bonus")
    assert change.member.balance == 30
    with till.store.read() as s:
        actions = list(s.scalars(select(m.AuditRecord.action)))
    assert "points.adjust" in actions


def test_expiry_removes_only_what_is_left(tmp_path: Path) -> None:
    program = simple_program(expiry={"months": 1})
    till = make_till(tmp_path, program)
    member = till.svc.members.enroll(till.cashier, "Lê Văn Sơn").member
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "HD1")  # 100, expires in a month
    till.clock.advance(days=10)
    till.svc.points.award(till.cashier, member.id, _vnd(500_000), "HD2")  # 50, later expiry
    till.svc.points.redeem(till.cashier, member.id, 30, bill=Money(100000), receipt_ref="HD3")
    # The oldest lot paid the 30 points; at its expiry only its remaining 70 go.
    till.clock.advance(days=25)
    assert till.svc.points.expire_due() == 70
    assert till.svc.members.get(member.id).balance == 50
    assert till.svc.points.expire_due() == 0
    with till.store.read() as s:
        expiries = list(s.scalars(select(m.LedgerEntry.points).where(m.LedgerEntry.kind == "expire")))
    assert expiries == [-70]


def test_expired_points_cannot_be_spent_before_the_sweep(tmp_path: Path) -> None:
    till = make_till(tmp_path, simple_program(expiry={"months": 1}))
    member = till.svc.members.enroll(till.cashier, "Trần Văn Khoa").member
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "HD1")
    till.clock.advance(days=40)
    assert till.svc.members.get(member.id).balance == 0
    with pytest.raises(InsufficientPoints):
        till.svc.points.redeem(till.cashier, member.id, 10, bill=Money(100000), receipt_ref="HD2")


def test_tier_upgrade_is_immediate_and_multiplier_applies(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Nguyễn Thị Hạnh").member
    assert member.tier is not None and member.tier.code == "member"
    change = till.svc.points.award(till.cashier, member.id, _vnd(5_000_000), "HD1")
    assert change.member.tier is not None and change.member.tier.code == "silver"
    assert change.member.tier.spend_to_next == 15_000_000
    # Next sale: silver x1.25 -> 100.000 ₫ earns 10 + 2 (floor of 2.5).
    change = till.svc.points.award(till.cashier, member.id, _vnd(100000), "HD2")
    assert change.entries[0].points == 12


def test_referral_bonus_after_first_purchase(till: Till) -> None:
    referrer = till.svc.members.enroll(till.cashier, "Phạm Thị Vy").member
    friend = till.svc.members.enroll(till.cashier, "Lý Văn Phúc", referral_code=referrer.referral_code).member
    assert till.svc.members.get(referrer.id).balance == 50  # nothing until the friend buys
    change = till.svc.points.award(till.cashier, friend.id, _vnd(100000), "HD1")
    assert sorted(e.points for e in change.entries) == [10, 50, 100]
    assert till.svc.members.get(referrer.id).balance == 150
    assert change.member.balance == 50 + 10 + 50
    till.svc.points.award(till.cashier, friend.id, _vnd(100000), "HD2")
    assert till.svc.members.get(referrer.id).balance == 150  # once only


def test_program_version_is_recorded_and_immutable(till: Till) -> None:
    from loyalty.errors import Conflict

    member = till.svc.members.enroll(till.cashier, "Trương Văn Đạt").member
    change = till.svc.points.award(till.cashier, member.id, _vnd(100000), "HD1")
    assert change.entries[0].program_version == "2026.2"
    changed = simple_program(version="2026.2")
    with pytest.raises(Conflict):
        till.svc.programs.install(SYSTEM, changed)
    with pytest.raises(PermissionDenied):
        till.svc.programs.install(till.cashier, simple_program(version="2027.1"))


def test_cached_balance_equals_sum_of_entries(till: Till) -> None:
    a = till.svc.members.enroll(till.cashier, "A Một").member
    b = till.svc.members.enroll(till.cashier, "B Hai").member
    till.svc.points.award(till.cashier, a.id, _vnd(700000), "HD1")
    till.svc.points.redeem(till.cashier, a.id, 60, bill=Money(700000), receipt_ref="HD1")
    till.svc.points.process_return(till.cashier, "HD1", Money(300000))
    till.svc.points.record_action(till.cashier, b.id, "review")
    till.clock.advance(days=800)
    till.svc.points.expire_due()
    with till.store.read() as s:
        for member in s.scalars(select(m.Member)):
            total = s.scalar(
                select(func.sum(m.LedgerEntry.points)).where(m.LedgerEntry.member_id == member.id)
            )
            assert member.balance == total
    assert till.svc.members.get(a.id).balance == 0


def test_the_receipt_look_up_before_an_award_reads_one_index_entry(till: Till) -> None:
    """Every award first asks whether its receipt was awarded already (at any till of the store): that look-up
    goes straight to the receipt through the per-till receipt index, never along the store's whole ledger."""
    from app.services.points import _EARN_BY_RECEIPT

    with till.store.read() as session:
        compiled = _EARN_BY_RECEIPT.compile(session.get_bind())
        plan = " | ".join(
            str(row[-1])
            for row in session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(compiled), ("earn", "HD1", "s", "t")
            )
        )
    assert "uq_ledger_entries_till_earn_receipt (store_id=? AND receipt_ref=?)" in plan, plan


def test_the_day_s_expiry_sweep_reads_only_the_lots_that_are_due(till: Till) -> None:
    """Before the first customer the till asks which members hold lots past their date: through the index of
    open lots by expiry (a range up to now), never a read of every open lot."""
    from app.services.points import due_members

    with till.store.read() as session:
        statement = due_members(till.clock.now, 500)
        compiled = statement.compile(session.get_bind())
        plan = " | ".join(
            str(row[-1])
            for row in session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(compiled), tuple(compiled.params.values())
            )
        )
    assert "ix_lots_open_by_expiry (expires_at>? AND expires_at<?)" in plan, plan
