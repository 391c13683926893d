"""The receipt model, built from what the real use cases return on a real SQLite till: its numbers are the
ledger's, and it carries nothing of another member, nor any PIN, name, phone or e-mail."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.receipts.labels import ENGLISH, LABELS, VIETNAMESE
from app.receipts.layout import PlainFormats, plain_text, receipt_rows
from app.receipts.model import MASK, Receipt, StoreHeader, build_receipt, mask_member_number
from app.services.views import Change, MemberView
from app.store import models as m
from loyalty.money import MAX_MINOR_UNITS, Money
from loyalty.quote import Basket, BasketLine
from tests.services.conftest import Till

STORE = StoreHeader("Cửa hàng Demo", "t1", ("12 Lê Lợi, Quận 1",))


def _basket(amount: int, category: str | None = None) -> Basket:
    return Basket.of((BasketLine(Money(amount), category=category),))


def _receipt(till: Till, changes: list[Change]) -> Receipt:
    return build_receipt(changes, program=till.svc.programs.active(), store=STORE, cashier=till.cashier.name)


def _ledger(till: Till, member_id: str, kind: str, receipt: str | None = None) -> int:
    query = select(func.coalesce(func.sum(m.LedgerEntry.points), 0)).where(
        m.LedgerEntry.member_id == member_id, m.LedgerEntry.kind == kind
    )
    if receipt is not None:
        query = query.where(m.LedgerEntry.receipt_ref == receipt)
    with till.store.read() as session:
        return int(session.scalar(query) or 0)


def _balance_in_ledger(till: Till, member_id: str) -> int:
    with till.store.read() as session:
        total = session.scalar(
            select(func.coalesce(func.sum(m.LedgerEntry.points), 0)).where(
                m.LedgerEntry.member_id == member_id
            )
        )
    return int(total or 0)


def _everything_said(receipt: Receipt) -> str:
    """Every value in the receipt and every word it prints, in both languages."""
    said = [repr(receipt)]
    for language in (VIETNAMESE, ENGLISH):
        said.append(plain_text(receipt_rows(receipt, language, PlainFormats(language))))
    return "\n".join(said)


def _assert_private(receipt: Receipt, *members: MemberView) -> None:
    said = _everything_said(receipt)
    for member in members:
        for secret in (
            member.member_number,
            member.full_name,
            member.phone,
            member.email,
            member.referral_code,
        ):
            if secret:
                assert secret not in said
    assert "1111" not in said and "9999" not in said  # the staff PINs of the test till


def test_a_sale_with_points_paid_has_the_ledger_numbers(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Nguyễn Thị Lan", phone="0901234567").member
    till.svc.points.award(till.cashier, member.id, _basket(1_000_000), "OLD-1")  # 50 + 100
    redeem = till.svc.points.redeem(till.cashier, member.id, 100, bill=Money(450_000), receipt_ref="HD2001")
    award = till.svc.points.award(till.cashier, member.id, _basket(450_000), "HD2001")
    receipt = _receipt(till, [redeem, award])

    assert receipt.kind == "sale" and receipt.receipt_ref == "HD2001"
    assert receipt.bill == Money(450_000)
    assert receipt.earned == _ledger(till, member.id, "earn", "HD2001") == 45
    assert receipt.redeemed == -_ledger(till, member.id, "redeem", "HD2001") == 100
    assert receipt.redeemed_value == Money(100_000)
    now = till.svc.members.get(member.id)
    assert receipt.balance == now.balance == _balance_in_ledger(till, member.id) == 150 - 100 + 45
    assert receipt.balance_value == Money(receipt.balance * 1000)
    assert sum(line.points for line in receipt.breakdown) == receipt.earned
    assert [line.rule for line in receipt.breakdown] == ["base"]
    assert receipt.number == f"{redeem.entries[0].seq:06d}"  # the sale's first entry on this till
    assert receipt.cashier == "Mai" and receipt.store == STORE
    assert receipt.issued_at.utcoffset() is not None and receipt.issued_at.hour == 10  # Ho Chi Minh City
    assert receipt.member_number == f"{MASK} {member.member_number[-4:]}"
    assert not receipt.replayed and not receipt.copy
    _assert_private(receipt, member)


def test_the_breakdown_names_each_rule_and_adds_up(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Trần Văn Bình").member
    basket = Basket.of((BasketLine(Money(300_000), category="fresh"), BasketLine(Money(200_000))))
    award = till.svc.points.award(till.cashier, member.id, basket, "HD-FRESH")
    receipt = _receipt(till, [award])
    rules = {line.rule: line for line in receipt.breakdown}
    assert rules["category"].name == "fresh" and rules["category"].points == 30  # double on fresh
    assert receipt.earned == sum(line.points for line in receipt.breakdown) == award.quote.points  # type: ignore[union-attr]
    assert receipt.earned == _ledger(till, member.id, "earn", "HD-FRESH")
    rows = plain_text(receipt_rows(receipt, VIETNAMESE, PlainFormats(VIETNAMESE)))
    assert "Ngành hàng fresh: +30" in rows and "Điểm cơ bản: +50" in rows


def test_a_reward_is_named_on_the_receipt(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Ngô Quốc Sơn").member
    redeem = till.svc.points.redeem_reward(
        till.cashier, member.id, "VOUCHER50K", bill=Money(300_000), receipt_ref="HD-R"
    )
    award = till.svc.points.award(till.cashier, member.id, _basket(300_000), "HD-R")
    receipt = _receipt(till, [redeem, award])
    assert receipt.reward == "Phiếu giảm 50.000 ₫" and receipt.redeemed == 50
    assert receipt.redeemed_value == Money(50_000)
    assert receipt.balance == till.svc.members.get(member.id).balance == 30


def test_the_referrers_bonus_is_not_on_the_customers_receipt(till: Till) -> None:
    friend = till.svc.members.enroll(till.cashier, "Phạm Minh Tâm", phone="0912345678").member
    member = till.svc.members.enroll(
        till.cashier, "Lê Thị Hoa", phone="0987654321", referral_code=friend.referral_code
    ).member
    award = till.svc.points.award(till.cashier, member.id, _basket(500_000), "HD-REF")
    assert {e.member_id for e in award.entries} == {member.id, friend.id}  # the change carries both
    receipt = _receipt(till, [award])
    with till.store.read() as session:
        referral = session.scalar(
            select(func.sum(m.LedgerEntry.points)).where(
                m.LedgerEntry.member_id == member.id, m.LedgerEntry.action_code == "referral"
            )
        )
    # The customer's referral welcome only: the change's bonus entries add up to 150 with the friend's 100.
    assert sum(e.points for e in award.entries if e.kind == "bonus") == 150
    assert receipt.bonus == referral == 50
    assert receipt.earned == 50
    assert receipt.balance == _balance_in_ledger(till, member.id) == till.svc.members.get(member.id).balance
    _assert_private(receipt, member, friend)


def test_a_return_shows_what_was_refunded_taken_back_and_given_back(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Huỳnh Thị Ngân").member  # 50 welcome
    till.svc.points.award(till.cashier, member.id, _basket(1_000_000), "HD1")  # 150
    till.svc.points.redeem(till.cashier, member.id, 100, bill=Money(1_000_000), receipt_ref="HD1")  # 50
    change = till.svc.points.process_return(till.cashier, "HD1", Money(400_000))
    receipt = _receipt(till, [change])
    assert receipt.kind == "return" and receipt.receipt_ref == "HD1"
    assert receipt.refund == Money(400_000)
    reversed_points = -sum(e.points for e in change.entries if e.points < 0)
    assert receipt.reversed_points == reversed_points == 40
    assert receipt.restored_points == 40
    assert receipt.balance == _balance_in_ledger(till, member.id) == 50
    assert receipt.earned == 0 and receipt.bill is None
    rows = plain_text(receipt_rows(receipt, ENGLISH, PlainFormats(ENGLISH)))
    assert "RETURN RECEIPT" in rows and "Refunded: 400,000 ₫" in rows and "Points taken back: −40" in rows


def test_a_return_after_the_points_were_spent_shows_the_overdraft(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Vũ Đức Hải").member  # 50
    till.svc.points.award(till.cashier, member.id, _basket(1_000_000), "HD1")  # 150
    till.svc.points.redeem(till.cashier, member.id, 150, bill=Money(400_000), receipt_ref="HD2")  # 0
    change = till.svc.points.process_return(till.cashier, "HD1", Money(1_000_000))
    receipt = _receipt(till, [change])
    assert receipt.overdraft_points == change.overdraft_points == 100
    assert receipt.balance == -100 and receipt.balance_value == Money(0)


def test_an_action_names_the_action_and_its_points(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Đỗ Thu Hà").member
    change = till.svc.points.record_action(till.cashier, member.id, "recycling")
    receipt = _receipt(till, [change])
    assert receipt.kind == "action" and receipt.action == "Đổi vỏ chai tái chế"
    assert receipt.action_points == _ledger(till, member.id, "action") == 5
    assert receipt.balance == 55 and receipt.receipt_ref is None


def test_a_replayed_sale_says_so_and_keeps_its_numbers(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Bùi Gia Long").member
    first = till.svc.points.award(till.cashier, member.id, _basket(250_000), "HD-9", entry_id="e-9")
    again = till.svc.points.award(till.cashier, member.id, _basket(250_000), "HD-9", entry_id="e-9")
    receipt = _receipt(till, [again])
    assert receipt.replayed and receipt.earned == 25 and receipt.breakdown == ()
    assert receipt.number == f"{first.entries[0].seq:06d}"  # the same slip number as the first time
    assert "Already recorded" in plain_text(receipt_rows(receipt, ENGLISH, PlainFormats(ENGLISH)))


def test_points_expiring_soon_are_on_the_receipt(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Hồ Ngọc Hà").member  # 50, expiring end of March 2027
    till.clock.advance(days=380)
    award = till.svc.points.award(till.cashier, member.id, _basket(200_000), "HD-EXP")
    receipt = _receipt(till, [award])
    assert receipt.expiring_points == 50 and receipt.usable_until == date(2027, 3, 31)
    rows = plain_text(receipt_rows(receipt, VIETNAMESE, PlainFormats(VIETNAMESE)))
    assert "50 điểm sẽ hết hạn, dùng trước hết ngày 31/03/2027" in rows


def test_no_receipt_without_change_records_or_for_other_operations(till: Till) -> None:
    program = till.svc.programs.active()
    with pytest.raises(ValueError, match="change records"):
        build_receipt([], program=program, store=STORE, cashier="Mai")
    enrolled = till.svc.members.enroll(till.cashier, "Tạ Minh Khoa")
    with pytest.raises(ValueError, match="no receipt"):
        build_receipt([enrolled], program=program, store=STORE, cashier="Mai")


def test_the_member_number_is_masked_to_its_last_four_digits() -> None:
    assert mask_member_number("0010100000016") == f"{MASK} 0016"
    assert mask_member_number("123") == MASK  # too short to show any of it


def test_both_languages_have_every_label() -> None:
    assert set(LABELS[VIETNAMESE]) == set(LABELS[ENGLISH])
    for key, text in LABELS[VIETNAMESE].items():
        english = LABELS[ENGLISH][key]
        for placeholder in ("{name}", "{points}", "{date}"):
            assert (placeholder in text) == (placeholder in english), key


@given(st.integers(min_value=-MAX_MINOR_UNITS, max_value=MAX_MINOR_UNITS), st.sampled_from(["VND", "USD"]))
def test_plain_money_groups_like_the_window(amount: int, currency: str) -> None:
    vi = PlainFormats(VIETNAMESE).money(Money(amount, currency))
    en = PlainFormats(ENGLISH).money(Money(amount, currency))
    # The same digits in both; only the separators differ, and they swap.
    assert vi.translate(str.maketrans(".,", ",.")) == en
    digits = "".join(c for c in en if c.isdigit())
    assert int(digits) == abs(amount)
    assert en.startswith("-") == (amount < 0)


def test_a_receipt_is_plain_data() -> None:
    assert dataclasses.is_dataclass(Receipt)
    assert all(f.type != "object" for f in dataclasses.fields(Receipt))
