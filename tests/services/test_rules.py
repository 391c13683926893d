"""The points rules decided in the hardening review, one worked example each in VND (README "How points are
counted"), through the real services on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.services import SYSTEM
from app.store import models as m
from loyalty.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ProgramError,
    RedemptionNotAllowed,
)
from loyalty.ledger import add_months
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import START, Till, make_till, simple_program


def _vnd(amount: int) -> Basket:
    return Basket.of_total(Money(amount))


TIERS: dict[str, Any] = {
    "qualifying_months": 12,
    "review_months": 12,
    "levels": [
        {"code": "member", "name": "Thành viên", "qualifying_spend": 0},
        {"code": "silver", "name": "Bạc", "qualifying_spend": 5_000_000, "multiplier": "1.5"},
    ],
}


@pytest.fixture
def tier_till(tmp_path: Path) -> Any:
    t = make_till(tmp_path, simple_program(tiers=TIERS))
    yield t
    t.store.close()


# -- 1. tier reviews take effect on time ------------------------------------------------------------------


def test_the_sale_that_crosses_a_threshold_earns_at_the_tier_before_it(tier_till: Till) -> None:
    till = tier_till
    member = till.svc.members.enroll(till.cashier, "Lê Thu").member
    # 5.000.000 ₫ reaches silver: the sale itself earns at the member tier (500 points, no silver extra) …
    change = till.svc.points.award(till.cashier, member.id, _vnd(5_000_000), "A1")
    assert change.entries[0].points == 500
    assert change.member.tier is not None and change.member.tier.code == "silver"
    # … and the next sale earns at silver: 100.000 ₫ → 10 + 5 = 15 points
    assert till.svc.points.award(till.cashier, member.id, _vnd(100_000), "A2").entries[0].points == 15


def test_a_review_that_has_passed_applies_before_anything_reads_or_prices_the_member(tier_till: Till) -> None:
    till = tier_till
    member = till.svc.members.enroll(till.cashier, "Lê Thu").member
    till.svc.points.award(till.cashier, member.id, _vnd(5_000_000), "A1")  # silver, review in 12 months
    till.clock.advance(days=1)
    till.svc.points.award(till.cashier, member.id, _vnd(100_000), "A2")
    review_at = add_months(START, 12)
    till.clock.now = review_at + timedelta(days=3)
    # The window ending on the review date holds only the 100.000 ₫ sale: the member goes back down.
    view = till.svc.members.get(member.id)
    assert view.tier is not None and view.tier.code == "member"
    assert view.tier.since == review_at  # the review took effect on its own date
    quote = till.svc.points.quote(member.id, _vnd(100_000))
    assert quote.points == 10  # priced at the reviewed tier, no silver extra
    with till.store.read() as s:  # looking wrote nothing
        assert s.scalar(select(m.Member.tier_code).where(m.Member.id == member.id)) == "silver"
    change = till.svc.points.award(till.cashier, member.id, _vnd(100_000), "A3")
    assert change.entries[0].points == 10
    with till.store.read() as s:
        assert s.scalar(select(m.Member.tier_code).where(m.Member.id == member.id)) == "member"


def test_daily_maintenance_reviews_members_who_do_not_come_back(tier_till: Till) -> None:
    till = tier_till
    gone = till.svc.members.enroll(till.cashier, "Phạm Đi Xa").member
    stays = till.svc.members.enroll(till.cashier, "Võ Ở Lại").member
    till.svc.points.award(till.cashier, gone.id, _vnd(6_000_000), "B1")
    till.svc.points.award(till.cashier, stays.id, _vnd(6_000_000), "B2")
    till.clock.now = add_months(START, 11)
    till.svc.points.award(till.cashier, stays.id, _vnd(6_000_000), "B3")  # still qualifies at the review
    assert till.svc.points.review_tiers() == 0  # nothing due yet
    till.clock.now = add_months(START, 12) + timedelta(hours=1)
    assert till.svc.points.review_tiers() == 1
    with till.store.read() as s:
        tiers = dict(s.execute(select(m.Member.id, m.Member.tier_code)).all())
        review = s.scalar(select(m.Member.tier_review_at).where(m.Member.id == stays.id))
    assert tiers[gone.id] == "member" and tiers[stays.id] == "silver"
    assert review == add_months(START, 24)
    assert till.svc.points.review_tiers() == 0  # written once


# -- 3. returns never take expired points twice ---------------------------------------------------------


def _expiring_till(tmp_path: Path, **redemption: Any) -> Till:
    return make_till(
        tmp_path,
        simple_program(
            expiry={"months": 1},
            redemption={"point_value": 1000, "max_bill_share_percent": 100, **redemption},
        ),
    )


def test_a_return_does_not_take_back_points_that_already_expired(tmp_path: Path) -> None:
    till = _expiring_till(tmp_path)
    member = till.svc.members.enroll(till.cashier, "Đỗ Hạnh").member
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "R1")  # 100 points, expire in a month
    till.svc.points.redeem(till.cashier, member.id, 40, bill=Money(100_000), receipt_ref="P1")
    till.clock.advance(days=40)
    till.svc.points.expire_due()  # the 60 points left expire
    assert till.svc.members.get(member.id).balance == 0
    # Full refund: of the sale's 100 points, 60 expired (gone already) and 40 were spent → 40 overdraft.
    change = till.svc.points.process_return(till.manager, "R1", Money(1_000_000))
    assert change.entries[0].points == -40
    assert change.overdraft_points == 40
    assert till.svc.members.get(member.id).balance == -40


def test_a_return_takes_the_sales_own_points_first(tmp_path: Path) -> None:
    till = _expiring_till(tmp_path)
    member = till.svc.members.enroll(till.cashier, "Đỗ Hạnh").member
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "R1")  # lot A: 100 points
    till.clock.advance(days=20)
    till.svc.points.award(till.cashier, member.id, _vnd(500_000), "R2")  # lot B: 50 points, expires later
    # Half of R1 refunded → 50 points back, from R1's own lot (A), not the soonest-expiring rule's choice.
    till.svc.points.process_return(till.manager, "R1", Money(500_000))
    with till.store.read() as s:
        lots = dict(s.execute(select(m.Lot.id, m.Lot.remaining)).all())
        earn_ids = dict(
            s.execute(
                select(m.LedgerEntry.receipt_ref, m.LedgerEntry.id).where(m.LedgerEntry.kind == "earn")
            ).all()
        )
    assert lots[earn_ids["R1"]] == 50 and lots[earn_ids["R2"]] == 50


@pytest.mark.parametrize(("mode", "days"), [("grace", 30), ("fresh", 31)])
def test_restored_points_never_arrive_expired(tmp_path: Path, mode: str, days: int) -> None:
    till = _expiring_till(tmp_path, restore_expiry=mode)
    member = till.svc.members.enroll(till.cashier, "Bùi Lan").member
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "R1")  # 100 points expiring 2 April
    till.clock.advance(days=20)
    till.svc.points.award(till.cashier, member.id, _vnd(100_000), "R2")  # 10 points
    till.svc.points.redeem(till.cashier, member.id, 50, bill=Money(100_000), receipt_ref="R2")
    till.clock.advance(days=15)  # the points that paid have expired by now
    at = till.clock.now
    change = till.svc.points.process_return(till.manager, "R2", Money(100_000))
    restored = [e for e in change.entries if e.points > 0]
    assert [e.points for e in restored] == [50]
    with till.store.read() as s:
        expires = s.scalar(select(m.Lot.expires_at).where(m.Lot.id == restored[0].id))
    assert expires is not None and expires > at
    # grace: the 30-day grace from the return; fresh: the program's month from the return (1 May)
    assert expires == (at + timedelta(days=30) if mode == "grace" else add_months(at, 1))
    assert (expires - at).days in (days, days - 1)


# -- 4. rewards obey the redemption limits ------------------------------------------------------------


def _rich(till: Till) -> str:
    member = till.svc.members.enroll(till.cashier, "Hồ Giàu").member
    till.svc.points.adjust(till.manager, member.id, 5000, "test balance")
    return member.id


def test_a_discount_reward_needs_the_bill(till: Till) -> None:
    member = _rich(till)
    with pytest.raises(RedemptionNotAllowed, match="give the bill amount"):
        till.svc.points.redeem_reward(till.cashier, member, "VOUCHER50K", bill=None, receipt_ref="V1")


def test_a_reward_counts_against_the_share_of_the_bill(till: Till) -> None:
    member = _rich(till)
    # Points pay at most 50 %: a 50.000 ₫ voucher on an 80.000 ₫ bill (limit 40.000 ₫) is refused …
    with pytest.raises(RedemptionNotAllowed, match="at most 50% of this bill, 40000"):
        till.svc.points.redeem_reward(
            till.cashier, member, "VOUCHER50K", bill=Money(80_000), receipt_ref="V1"
        )
    # … and taken on a 100.000 ₫ bill.
    till.svc.points.redeem_reward(till.cashier, member, "VOUCHER50K", bill=Money(100_000), receipt_ref="V1")
    # A free coffee worth 35.000 ₫ counts too: refused on a 60.000 ₫ bill (30.000 ₫), fine on 70.000 ₫.
    with pytest.raises(RedemptionNotAllowed, match="give the bill amount"):
        till.svc.points.redeem_reward(till.cashier, member, "COFFEE", bill=None, receipt_ref="C1")
    with pytest.raises(RedemptionNotAllowed, match="30000"):
        till.svc.points.redeem_reward(till.cashier, member, "COFFEE", bill=Money(60_000), receipt_ref="C1")
    till.svc.points.redeem_reward(till.cashier, member, "COFFEE", bill=Money(70_000), receipt_ref="C2")


def test_points_and_rewards_on_one_bill_share_its_limit(till: Till) -> None:
    member = _rich(till)
    till.svc.points.redeem_reward(till.cashier, member, "VOUCHER50K", bill=Money(200_000), receipt_ref="S1")
    # 100.000 ₫ may be paid with points; 50.000 ₫ already were: 60 points (60.000 ₫) more is too much
    with pytest.raises(RedemptionNotAllowed, match=r"50000 already paid with points"):
        till.svc.points.redeem(till.cashier, member, 60, bill=Money(200_000), receipt_ref="S1")
    till.svc.points.redeem(till.cashier, member, 50, bill=Money(200_000), receipt_ref="S1")


def test_a_reward_under_the_minimum_points_is_refused_with_the_program() -> None:
    with pytest.raises(ProgramError, match=r"under redemption\.minimum_points"):
        simple_program(
            redemption={"point_value": 1000, "minimum_points": 50},
            rewards=[{"code": "TEA", "name": "Trà", "points": 20, "kind": "free_item", "sku": "T"}],
        )


def test_the_approval_threshold_counts_rewards_and_splits(tmp_path: Path) -> None:
    till = make_till(
        tmp_path,
        simple_program(
            redemption={"point_value": 1000, "manager_approval_over": 100},
            rewards=[
                {"code": "BIG", "name": "Giảm 10%", "points": 150, "kind": "percent_discount", "percent": 10}
            ],
        ),
    )
    member = _rich(till)
    with pytest.raises(PermissionDenied):
        till.svc.points.redeem_reward(till.cashier, member, "BIG", bill=Money(500_000), receipt_ref="A1")
    till.svc.points.redeem_reward(
        till.cashier, member, "BIG", bill=Money(500_000), receipt_ref="A1", approved_by=till.manager
    )
    # 80 points, then 80 more on the same receipt: 160 in all, over 100 → the second needs a manager
    till.svc.points.redeem(till.cashier, member, 80, bill=Money(500_000), receipt_ref="A2")
    with pytest.raises(PermissionDenied):
        till.svc.points.redeem(till.cashier, member, 80, bill=Money(500_000), receipt_ref="A2")


# -- 5. referral bonuses are earned, not gamed -----------------------------------------------------------


def _referral(till: Till) -> tuple[str, str]:
    referrer = till.svc.members.enroll(till.cashier, "Người Giới Thiệu").member
    friend = till.svc.members.enroll(till.cashier, "Bạn Mới", referral_code=referrer.referral_code).member
    return referrer.id, friend.id


def _bonus_entries(till: Till) -> list[Any]:
    """Referral bonuses and their reversals, as plain rows."""
    bonus = m.LedgerEntry
    with till.store.read() as s:
        bonus_ids = select(bonus.id).where(bonus.action_code == "referral", bonus.kind == "bonus")
        return list(
            s.execute(
                select(bonus.id, bonus.member_id, bonus.kind, bonus.points, bonus.details, bonus.reverses_id)
                .where((bonus.id.in_(bonus_ids)) | (bonus.reverses_id.in_(bonus_ids)))
                .order_by(bonus.seq)
            ).all()
        )


def test_referral_is_paid_on_the_first_purchase_that_earns_points(till: Till) -> None:
    referrer, friend = _referral(till)
    # 15.000 ₫ is under the 20.000 ₫ minimum spend: it earns nothing, so it pays no referral either
    till.svc.points.award(till.cashier, friend, _vnd(15_000), "F1")
    assert _bonus_entries(till) == []
    change = till.svc.points.award(till.cashier, friend, _vnd(100_000), "F2")
    bonuses = _bonus_entries(till)
    assert sorted((b.member_id, b.points) for b in bonuses) == sorted([(friend, 50), (referrer, 100)])
    assert all(b.details and b.details["qualifying_entry"] == change.entries[0].id for b in bonuses)
    till.svc.points.award(till.cashier, friend, _vnd(100_000), "F3")
    assert len(_bonus_entries(till)) == 2  # once only


def test_a_full_refund_of_the_qualifying_purchase_reverses_both_bonuses(till: Till) -> None:
    referrer, friend = _referral(till)
    till.svc.points.award(till.cashier, friend, _vnd(100_000), "F1")  # 10 + 50 bonus; referrer +100
    # The referrer spends 120 of 150 (50 welcome + 100 bonus): the bonus is partly spent.
    till.svc.points.redeem(till.cashier, referrer, 120, bill=Money(300_000), receipt_ref="X1")
    till.svc.points.process_return(till.manager, "F1", Money(40_000))  # partial: bonuses stand
    assert len([e for e in _bonus_entries(till) if e.kind == "reverse"]) == 0
    change = till.svc.points.process_return(till.manager, "F1", Money(60_000))  # now refunded in full
    bonuses = {e.id: e for e in _bonus_entries(till) if e.kind == "bonus"}
    reversals = [e for e in change.entries if e.reverses_id in bonuses]
    assert sorted(e.points for e in reversals) == [-100, -50]
    # The referrer had 30 points left: the other 70 become a recorded overdraft
    assert till.svc.members.get(referrer).balance == -70
    with till.store.read() as s:
        owed = s.scalar(select(m.Overdraft.remaining).where(m.Overdraft.member_id == referrer))
    assert owed == 70
    # The friend: 50 welcome + 10 + 50 bonus, less 10 (the sale) and 50 (the bonus) = 50
    assert till.svc.members.get(friend).balance == 50


# -- 6. minimum spend counts the eligible lines ------------------------------------------------------------


def test_minimum_spend_counts_only_the_eligible_lines(till: Till) -> None:
    from loyalty.quote import BasketLine

    member = till.svc.members.enroll(till.cashier, "Mai Anh").member
    # 30.000 ₫ bill = 15.000 ₫ bread + 15.000 ₫ cigarettes (excluded): 15.000 ₫ eligible < 20.000 ₫ → 0
    basket = Basket.of([BasketLine(Money(15_000)), BasketLine(Money(15_000), category="tobacco")])
    assert till.svc.points.award(till.cashier, member.id, basket, "M1").entries[0].points == 0


# -- 7. phone numbers ---------------------------------------------------------------------------------------


def test_one_phone_number_however_it_is_typed(till: Till) -> None:
    till.svc.members.enroll(till.cashier, "Lan A", phone="0912 345 678")
    for typed in ("+84 912 345 678", "+84 0912 345 678", "84912345678"):
        with pytest.raises(Conflict):
            till.svc.members.enroll(till.cashier, "Lan B", phone=typed)
        assert [h.full_name for h in till.svc.members.search(typed)] == ["Lan A"]
    with pytest.raises(InvalidInput, match="not a valid number"):
        till.svc.members.enroll(till.cashier, "Lan C", phone="0912 345")


def test_the_phone_region_is_the_stores(tmp_path: Path) -> None:
    from app.services import TillServices, bootstrap_till
    from app.store.db import open_store

    store = open_store(tmp_path / "till.sqlite")
    bootstrap_till(store, store_id="sg", till_id="t", store_number=2, till_number=1, phone_region="SG")
    svc = TillServices.open(store)
    svc.programs.install(SYSTEM, simple_program())
    member = svc.members.enroll(SYSTEM, "Tan Ah Kow", phone="6123 4567").member
    assert member.phone == "+6561234567"
    store.close()


# -- 8. untrusted text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "receipt", ["HD1\nHD2", "HD\x00", "HD\u202e1", "HD\u2066x", "HD\u200b1", "HD\x1b[2J"]
)
def test_receipts_refuse_control_and_invisible_characters(till: Till, receipt: str) -> None:
    member = till.svc.members.enroll(till.cashier, "Thu").member
    with pytest.raises(InvalidInput, match="Receipt number"):
        till.svc.points.award(till.cashier, member.id, _vnd(100_000), receipt)


@pytest.mark.parametrize("number", ["٠٠١٠١٠٠٠٠٠٠٠٨١", "００１０１", "¹²³⁴⁵⁶⁷⁸⁹⁰¹²³"])
def test_member_numbers_in_other_scripts_are_not_found(till: Till, number: str) -> None:
    with pytest.raises(NotFound):
        till.svc.members.by_number(number)


def test_a_retried_return_is_replayed_not_reversed_twice(tmp_path: Path) -> None:
    till = _expiring_till(tmp_path)
    member = till.svc.members.enroll(till.cashier, "Đỗ Hạnh").member
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "R1")
    first = till.svc.points.process_return(
        till.manager, "R1", Money(500_000), entry_id="0193a0a0-0000-7000-8000-000000000001"
    )
    again = till.svc.points.process_return(
        till.manager, "R1", Money(500_000), entry_id="0193a0a0-0000-7000-8000-000000000001"
    )
    assert again.replayed and again.entries[0].id == first.entries[0].id
    assert till.svc.members.get(member.id).balance == 50


def test_the_readme_tier_example_on_the_demo_program(till: Till) -> None:
    """README "Tiers": Lan on the demo program (silver ×1,25 from 5.000.000 ₫, reviewed after 12 months)."""
    lan = till.svc.members.enroll(till.cashier, "Lan").member.id
    assert till.svc.points.award(till.cashier, lan, _vnd(5_000_000), "L1").entries[0].points == 500
    till.clock.advance(days=1)
    assert till.svc.points.award(till.cashier, lan, _vnd(100_000), "L2").entries[0].points == 12  # 12,5 ↓
    review_at = add_months(START, 12)  # 2 March 2027
    till.clock.now = START.replace(year=2027, day=5)  # 5 March 2027, 10:00 in the store
    view = till.svc.members.get(lan)
    assert view.tier is not None and (view.tier.code, view.tier.since) == ("member", review_at)
    assert till.svc.points.award(till.cashier, lan, _vnd(100_000), "L3").entries[0].points == 10
