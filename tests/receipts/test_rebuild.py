"""Receipts made again from the ledger after a restart: the store file is closed and opened again by new
services, the receipt is found by its number and rebuilt, and it equals the one made when the sale, return
or action was recorded — the model and the ESC/POS bytes alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.receipts.escpos import receipt_bytes
from app.receipts.model import Receipt, StoreHeader, build_receipt, rebuild_receipt
from app.services import TillServices
from app.services.privacy import PrivacyService
from app.services.receipts import ReceiptBook
from app.services.returns_preview import ReturnDesk
from app.services.views import Change
from app.store.db import open_store
from loyalty.errors import ActionCapReached, NotFound
from loyalty.money import Money
from loyalty.quote import Basket, BasketLine
from tests.services.conftest import Till, make_till

STORE = StoreHeader("Cửa hàng Demo", "t1", ("12 Lê Lợi, Quận 1",))


def _printed(till: Till, changes: list[Change], cashier: str | None = None) -> Receipt:
    program = till.svc.programs.active()
    return build_receipt(changes, program=program, store=STORE, cashier=cashier or till.cashier.name)


def _after_restart(till: Till, number: str) -> Receipt:
    """Close the store, open the same file with new services, and rebuild receipt ``number``."""
    till.store.close()
    till.store = open_store(till.path)
    till.svc = TillServices.open(till.store, till.clock)
    return rebuild_receipt(ReceiptBook(till.svc.core).find(number), STORE)


def _same(printed: Receipt, rebuilt: Receipt) -> None:
    assert rebuilt == printed
    for language in ("vi", "en"):
        for profile in ("TM-T88V", "ZJ-5870"):
            assert receipt_bytes(rebuilt, language, profile) == receipt_bytes(printed, language, profile)


def _sale(till: Till, member_id: str, amount: int, ref: str, redeem: int = 0) -> list[Change]:
    changes = []
    if redeem:
        changes.append(
            till.svc.points.redeem(till.cashier, member_id, redeem, bill=Money(amount), receipt_ref=ref)
        )
    basket = Basket.of((BasketLine(Money(amount - amount // 4)), BasketLine(Money(amount // 4), "fresh")))
    changes.append(till.svc.points.award(till.cashier, member_id, basket, ref))
    return changes


def test_a_sale_with_a_redemption_is_rebuilt_after_a_restart(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Nguyễn Thị Lan", phone="0901234567").member
    _sale(till, member.id, 1_000_000, "OLD-1")
    till.clock.advance(hours=2)
    printed = _printed(till, _sale(till, member.id, 450_000, "HD2001", redeem=100))
    assert printed.redeemed == 100 and printed.earned > 0 and len(printed.breakdown) >= 1
    # Later activity of the member does not change what the receipt said.
    till.clock.advance(days=3)
    _sale(till, member.id, 300_000, "HD2002", redeem=60)
    till.svc.points.record_action(till.cashier, member.id, "recycling")
    _same(printed, _after_restart(till, printed.number))
    assert _after_restart(till, str(int(printed.number))) == printed  # typed without its leading zeros
    assert _after_restart(till, "HD2001") == printed  # or by the bill's number


def test_a_return_and_an_action_are_rebuilt(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Trần Văn Bảo", phone="0902222222").member
    _sale(till, member.id, 1_000_000, "HD1")
    _sale(till, member.id, 500_000, "HD2", redeem=120)  # spends most of what HD1 earned
    till.clock.advance(hours=1)
    returned = _printed(till, [till.svc.points.process_return(till.manager, "HD1", Money(600_000))], "Lan")
    assert returned.kind == "return" and returned.reversed_points > 0 and returned.refund == Money(600_000)
    till.clock.advance(minutes=5)
    action = _printed(till, [till.svc.points.record_action(till.cashier, member.id, "review")])
    assert action.kind == "action" and action.action_points == 10
    till.clock.advance(minutes=5)
    _sale(till, member.id, 200_000, "HD3")
    _same(returned, _after_restart(till, returned.number))
    _same(action, _after_restart(till, action.number))


def test_a_return_into_an_overdraft_with_points_given_back_is_rebuilt(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Lê Thị Hoa", phone="0903333333").member
    _sale(till, member.id, 2_000_000, "HD1")
    _sale(till, member.id, 800_000, "HD2", redeem=250)
    returned = _printed(till, [till.svc.points.process_return(till.manager, "HD1", Money(2_000_000))], "Lan")
    assert returned.overdraft_points > 0 and returned.reversed_points > 0
    refunded = _printed(till, [till.svc.points.process_return(till.manager, "HD2", Money(800_000))], "Lan")
    assert refunded.restored_points > 0
    _same(returned, _after_restart(till, returned.number))
    _same(refunded, _after_restart(till, refunded.number))


def test_points_expiring_soon_are_as_they_were_on_the_day(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Phạm Minh Tuấn", phone="0904444444").member
    _sale(till, member.id, 1_000_000, "HD1")
    till.clock.advance(days=375)  # the first points expire within the month (end of March 2027)
    printed = _printed(till, _sale(till, member.id, 300_000, "HD2"))
    assert printed.expiring_points > 0 and printed.usable_until is not None
    _sale(till, member.id, 500_000, "HD3", redeem=printed.expiring_points)  # spends the expiring points
    till.clock.advance(days=40)
    _sale(till, member.id, 100_000, "HD4")  # and the rest has expired since
    _same(printed, _after_restart(till, printed.number))


def test_the_referral_welcome_is_on_the_rebuilt_receipt_and_the_friends_bonus_is_not(till: Till) -> None:
    friend = till.svc.members.enroll(till.cashier, "Võ Thị Mai", phone="0905555555").member
    member = till.svc.members.enroll(
        till.cashier, "Đỗ Văn Nam", phone="0906666666", referral_code=friend.referral_code
    ).member
    printed = _printed(till, _sale(till, member.id, 400_000, "HD1"))
    assert printed.bonus == 50
    _same(printed, _after_restart(till, printed.number))


def test_the_last_receipt_of_the_till_after_a_restart(till: Till) -> None:
    book = ReceiptBook(till.svc.core)
    assert book.last() is None
    member = till.svc.members.enroll(till.cashier, "Hồ Thu Trang", phone="0907777777").member
    _sale(till, member.id, 250_000, "HD1")
    till.svc.points.adjust(till.manager, member.id, 7, "goodwill")  # no receipt: not the last one
    last = _printed(till, _sale(till, member.id, 350_000, "HD2", redeem=50))
    till.svc.points.adjust(till.manager, member.id, 3, "goodwill")
    till.store.close()
    till.store = open_store(till.path)
    till.svc = TillServices.open(till.store, till.clock)
    stored = ReceiptBook(till.svc.core).last()
    assert stored is not None and rebuild_receipt(stored, STORE) == last


def test_numbers_that_are_no_receipt_are_not_found(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Ngô Bảo Châu", phone="0908888888").member
    sale = _printed(till, _sale(till, member.id, 450_000, "HD1", redeem=50))
    book = ReceiptBook(till.svc.core)
    inside = f"{int(sale.number) + 1:06d}"  # the award's entry: part of the sale, not its number
    for number in ("999999", "HD-NONE", inside, "000001"):  # 000001: the welcome gift, which has no receipt
        with pytest.raises(NotFound):
            book.find(number)


def test_an_erased_members_receipt_still_rebuilds_and_names_nobody(till: Till, tmp_path: Path) -> None:
    member = till.svc.members.enroll(till.cashier, "Đặng Thu Hà", phone="0909999999").member
    printed = _printed(till, _sale(till, member.id, 450_000, "HD1"))
    PrivacyService(till.svc.core).erase(
        till.manager, member.id, "asked to be forgotten", confirm_number=member.member_number
    )
    rebuilt = _after_restart(till, printed.number)
    _same(printed, rebuilt)
    said = repr(rebuilt) + receipt_bytes(rebuilt, "vi", "TM-T88V").decode("cp1258", "replace")
    for secret in ("Đặng", "Thu Hà", "0909999999", member.member_number, member.referral_code):
        assert secret not in said


def test_a_copy_is_still_the_same_receipt(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Lý Gia Huy", phone="0901010101").member
    printed = _printed(till, _sale(till, member.id, 120_000, "HD1"))
    rebuilt = _after_restart(till, printed.number)
    copy = replace(rebuilt, copy=True)
    assert receipt_bytes(copy, "vi", "TM-T88V") != receipt_bytes(printed, "vi", "TM-T88V")
    assert replace(copy, copy=False) == printed
    assert printed.issued_at.utcoffset() == timedelta(hours=7)


Step = tuple[str, int]
_steps = st.lists(
    st.one_of(
        st.tuples(st.just("sale"), st.integers(min_value=10_000, max_value=3_000_000)),
        st.tuples(st.just("redeem_sale"), st.integers(min_value=200_000, max_value=3_000_000)),
        st.tuples(st.just("return"), st.integers(min_value=1, max_value=100)),  # percent of what is left
        st.tuples(st.just("action"), st.sampled_from([0, 1, 2])),
        st.tuples(st.just("days"), st.integers(min_value=1, max_value=200)),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=_steps)
def test_every_receipt_of_any_day_rebuilds_as_printed(
    tmp_path_factory: pytest.TempPathFactory, steps: list[Step]
) -> None:
    till = make_till(tmp_path_factory.mktemp("till"))
    try:
        member = till.svc.members.enroll(till.cashier, "Nguyễn Văn An", phone="0912345678").member
        printed: list[Receipt] = []
        sales: list[str] = []
        for number, (kind, value) in enumerate(steps):
            ref = f"HD{number}"
            if kind == "days":
                till.clock.advance(days=value)
                continue
            if kind == "sale":
                printed.append(_printed(till, _sale(till, member.id, value, ref)))
                sales.append(ref)
            elif kind == "redeem_sale":
                balance = till.svc.members.get(member.id).balance
                red = till.svc.programs.active().redemption
                share = value * red.max_bill_share_percent // 100 // red.point_value
                most = min(balance, share, red.manager_approval_over or balance)
                if most < red.minimum_points:
                    continue
                printed.append(_printed(till, _sale(till, member.id, value, ref, redeem=most)))
                sales.append(ref)
            elif kind == "return" and sales:
                info = ReturnDesk(till.svc.core).receipt_info(sales[value % len(sales)])
                refund = info.left.amount * value // 100
                if refund <= 0:
                    continue
                change = till.svc.points.process_return(till.manager, info.receipt, Money(refund))
                printed.append(_printed(till, [change], till.manager.name))
            elif kind == "action":
                code = ("recycling", "review", "survey")[value]
                try:
                    change = till.svc.points.record_action(till.cashier, member.id, code)
                except ActionCapReached:
                    continue
                printed.append(_printed(till, [change]))
            till.clock.advance(minutes=7)
        book = ReceiptBook(till.svc.core)
        for receipt in printed:
            assert rebuild_receipt(book.find(receipt.number), STORE) == receipt
        last = book.last()
        assert (last is None) == (not printed)
        if printed:
            assert last is not None and rebuild_receipt(last, STORE) == printed[-1]
    finally:
        till.store.close()
