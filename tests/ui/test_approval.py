"""A manager approves a large redemption in place: the inline box on the sale panel, on the real window."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.views import MemberView
from app.store import models as m
from app.ui.window import TillWindow
from devices.base import SunKeys
from devices.sim import SimReader, SimTap, text_record
from loyalty.identity import CardKind, CardRef
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]
VECTORS = Path(__file__).parents[1] / "devices" / "parsers" / "vectors" / "an12196_sun.json"


def _rich_member(till: Till) -> MemberView:
    """A member with 3.050 points: more than the demo program's approval threshold (2.000)."""
    member = enrol(till, "Phan Thị Ngọc", "0961234567")
    till.svc.points.adjust(till.manager, member.id, 3000, "moved from the old card system")
    return till.svc.members.get(member.id)


def _large_redemption(qtbot: QtBot, make_window: MakeWindow, till: Till) -> TillWindow:
    """The cashier asks to pay 2.500 points of a 5.000.000 ₫ bill: the approval box opens."""
    member = _rich_member(till)
    window = make_window()
    sign_in(qtbot, window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    sale = window.sale
    qtbot.keyClicks(sale.total, "5.000.000")
    qtbot.keyClicks(sale.receipt, "HD-BIG")
    qtbot.keyClicks(sale.redeem, "2500")
    qtbot.keyClick(sale.redeem, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sale.approval.waiting)
    return window


def _type_approval(qtbot: QtBot, window: TillWindow, code: str, pin: str) -> None:
    box = window.sale.approval
    box.code.clear()
    qtbot.keyClicks(box.code, code)
    qtbot.keyClick(box.code, Qt.Key.Key_Return)  # Enter in the code moves to the PIN
    assert box.pin.hasFocus()
    qtbot.keyClicks(box.pin, pin)
    qtbot.keyClick(box.pin, Qt.Key.Key_Return)


def _redemptions(till: Till, receipt: str) -> list[m.LedgerEntry]:
    with till.store.read() as session:
        rows = session.scalars(
            select(m.LedgerEntry).where(m.LedgerEntry.kind == "redeem", m.LedgerEntry.receipt_ref == receipt)
        ).all()
        session.expunge_all()
        return list(rows)


def test_a_redemption_over_the_threshold_opens_the_approval_box_in_place(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    window = _large_redemption(qtbot, make_window, till)
    sale = window.sale
    box = sale.approval
    assert box.isVisibleTo(sale) and box.code.hasFocus()
    assert box.reason.text() == (
        "Redeeming 2,500 points needs a manager: this bill would use more than 2,000 points."
    )
    assert window.message.text() == "Waiting for a manager to approve (Esc cancels)."
    # The sale is held as it was asked while the manager approves.
    assert not sale.redeem.isEnabled() and not sale.total.isEnabled() and not sale.confirm.isEnabled()
    assert window.member is not None and window.member.balance == 3050
    assert _redemptions(till, "HD-BIG") == []
    # Esc in the box cancels the approval only: the member and the sale stay, the cursor goes back to
    # the points to redeem.
    qtbot.keyClick(box.code, Qt.Key.Key_Escape)
    assert not box.waiting and window.member is not None
    assert window.counter.currentWidget() is window.member_page
    assert sale.redeem.isEnabled() and sale.redeem.hasFocus()
    assert window.message.text() == "Not approved: redeem fewer points, or ask a manager."


def test_a_wrong_manager_pin_is_said_and_counts_towards_the_lock_out(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    window = _large_redemption(qtbot, make_window, till)
    box = window.sale.approval
    _type_approval(qtbot, window, "9001", "0000")
    qtbot.waitUntil(lambda: box.message.text() == "Wrong staff code or PIN.")
    assert box.pin.text() == "" and box.pin.hasFocus()  # the PIN is not kept, even in its field
    assert box.waiting
    for _ in range(4):
        qtbot.keyClicks(box.pin, "0000")
        qtbot.keyClick(box.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not box._busy)
    # The fifth wrong PIN locks the manager's code, as at sign-in; even the right PIN waits now.
    qtbot.keyClicks(box.pin, "9999")
    qtbot.keyClick(box.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Too many wrong PINs" in box.message.text())
    assert _redemptions(till, "HD-BIG") == []
    assert window.ctx.actor is not None and window.ctx.actor.name == "Mai"


def test_a_cashier_cannot_approve(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    window = _large_redemption(qtbot, make_window, till)
    box = window.sale.approval
    _type_approval(qtbot, window, "1001", "1111")
    qtbot.waitUntil(lambda: "not a manager" in box.message.text())
    assert box.message.text() == "Mai is not a manager and cannot approve this. Ask a manager."
    assert box.waiting and box.code.hasFocus() and box.code.text() == ""
    assert _redemptions(till, "HD-BIG") == []


def test_a_manager_approves_and_the_redemption_is_written_once_with_who_approved(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    window = _large_redemption(qtbot, make_window, till)
    sale = window.sale
    assert sale.sale is not None
    redeem_id = sale.sale.redeem_id
    _type_approval(qtbot, window, "9001", "9999")
    qtbot.waitUntil(lambda: window.customer.state.screen == "sale")
    # 3.050 - 2.500 + 500 earned on 5.000.000 ₫.
    assert window.member is not None and window.member.balance == 3050 - 2500 + 500
    assert window.message.text() == "+500 points earned, 2,500 redeemed. New balance: 1,050 points."
    assert not sale.approval.waiting and sale.total.isEnabled() and sale.total.hasFocus()
    [entry] = _redemptions(till, "HD-BIG")
    assert entry.id == redeem_id  # retried under the entry id the sale had from the start
    assert entry.points == -2500 and entry.staff_id == till.cashier.staff_id
    assert entry.details == {"approved_by": till.manager.staff_id}
    with till.store.read() as session:
        audit = session.scalars(select(m.AuditRecord).where(m.AuditRecord.action == "redeem.large")).one()
        assert audit.staff_id == till.manager.staff_id and audit.subject_id == redeem_id
    # The cashier is still the one signed in.
    assert window.ctx.actor is not None and window.ctx.actor.staff_id == till.cashier.staff_id
    assert window.staff.text() == "Cashier: Mai"
    # Enter again on the next sale of the same customer starts afresh: no approval carried over.
    assert sale.sale is not None and sale.sale.redeem_id != redeem_id


# -- a manager's card ------------------------------------------------------------------------------------
WAIT = 20_000  # ms: a tap, a check and a write through the op runner, on a busy machine
MANAGER_CARD = "04C0FFEE000001"
CASHIER_CARD = "04C0FFEE000002"


def _sim(window: TillWindow) -> SimReader:
    hub = window.readers
    assert hub is not None
    hub.start(["sim"])
    reader = hub.reader("sim")
    assert isinstance(reader, SimReader)
    return reader


def _approvals(till: Till) -> list[dict[str, object]]:
    with till.store.read() as session:
        rows = session.scalars(select(m.AuditRecord).where(m.AuditRecord.action == "staff.approve")).all()
        return [{"staff": r.staff_id, **json.loads(r.details)} for r in rows]


def test_the_box_says_a_manager_card_may_be_tapped(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    window = _large_redemption(qtbot, make_window, till)
    box = window.sale.approval
    assert box.card_hint.isVisibleTo(box) and box.card_hint.text() == "…or tap a manager card"
    assert window.waiting_approval() is box


def test_a_tap_of_a_managers_card_approves_in_place_once_with_the_card_as_the_means(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    till.svc.staff_cards.link(till.manager, "9001", till.svc.cards.ref_for_uid(MANAGER_CARD))
    window = _large_redemption(qtbot, make_window, till)
    sale = window.sale
    assert sale.sale is not None
    redeem_id = sale.sale.redeem_id
    member_id = window.member.id if window.member else ""
    _sim(window).tap(SimTap(uid=MANAGER_CARD, hold=0.0))
    qtbot.waitUntil(lambda: window.customer.state.screen == "sale", timeout=WAIT)
    assert not sale.approval.waiting
    [entry] = _redemptions(till, "HD-BIG")
    assert entry.id == redeem_id and entry.details == {"approved_by": till.manager.staff_id}
    assert _approvals(till) == [
        {
            "staff": till.manager.staff_id,
            "means": "card",
            "approves": "large_redemption",
            "cashier": till.cashier.staff_id,
            "card": till.svc.staff_cards.list(till.manager)[0].id,
        }
    ]
    # The tap approved; it did not look anyone up: the same member is still served, by the same cashier.
    assert window.member is not None and window.member.id == member_id
    assert window.ctx.actor is not None and window.ctx.actor.staff_id == till.cashier.staff_id


def test_a_cashiers_card_or_a_members_card_tapped_on_the_box_is_refused_and_the_box_waits(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    till.svc.staff_cards.link(till.manager, "1001", till.svc.cards.ref_for_uid(CASHIER_CARD))
    window = _large_redemption(qtbot, make_window, till)
    box = window.sale.approval
    member = window.member
    assert member is not None
    other = enrol(till, "Bùi Văn Khoa", "0977000111")
    till.svc.cards.link(till.cashier, other.id, till.svc.cards.ref_for_uid("04AB000000AA09"))
    reader = _sim(window)
    reader.tap(SimTap(uid=CASHIER_CARD, hold=0.0))
    qtbot.waitUntil(lambda: "not a manager" in box.message.text(), timeout=WAIT)
    assert box.message.text() == "Mai is not a manager and cannot approve this. Ask a manager."
    reader.tap(SimTap(uid="04AB000000AA09", hold=0.0))
    qtbot.waitUntil(lambda: "member's card" in box.message.text(), timeout=WAIT)
    assert box.message.text().startswith("This is a member's card, not a manager's.")
    assert box.waiting and window.member is not None and window.member.id == member.id  # nobody else shown
    assert _redemptions(till, "HD-BIG") == [] and _approvals(till) == []


def test_an_unlinked_managers_card_is_refused_in_vietnamese_too(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    ref = till.svc.cards.ref_for_uid(MANAGER_CARD)
    till.svc.staff_cards.link(till.manager, "9001", ref)
    till.svc.staff_cards.unlink(till.manager, "9001", "lost")
    member = _rich_member(till)
    window = make_window("vi")
    sign_in(qtbot, window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None, timeout=WAIT)
    sale = window.sale
    qtbot.keyClicks(sale.total, "5.000.000")
    qtbot.keyClicks(sale.receipt, "HD-BIG")
    qtbot.keyClicks(sale.redeem, "2500")
    qtbot.keyClick(sale.redeem, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sale.approval.waiting, timeout=WAIT)
    assert sale.approval.card_hint.text() == "…hoặc chạm thẻ quản lý"
    _sim(window).tap(SimTap(uid=MANAGER_CARD, hold=0.0))
    qtbot.waitUntil(lambda: "đã bị gỡ" in sale.approval.message.text(), timeout=WAIT)
    assert sale.approval.message.text() == (
        "Thẻ nhân viên này đã bị gỡ ngày 02/03/2026 và không duyệt được gì. Quản lý hãy nhập mã nhân viên và mã PIN."
    )
    assert _redemptions(till, "HD-BIG") == []


def test_a_staff_card_on_the_waiting_screen_shows_no_one_and_offers_no_enrolment(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    till.svc.staff_cards.link(till.manager, "9001", till.svc.cards.ref_for_uid(MANAGER_CARD))
    window = make_window()
    sign_in(qtbot, window)
    _sim(window).tap(SimTap(uid=MANAGER_CARD, hold=0.0))
    qtbot.waitUntil(lambda: "staff card" in window.message.text(), timeout=WAIT)
    assert window.message.text() == (
        "This is a staff card: it does not identify a member. Tap the customer's card or look them up."
    )
    assert window.member is None and window.counter.currentWidget() is window.search
    assert window.waiting_approval() is None


def test_a_replayed_secure_manager_card_is_refused_as_at_the_counter(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    vector = json.loads(VECTORS.read_text())["vectors"][0]
    token = till.svc.cards.ref_for_uid(vector["expect"]["uid"]).token
    till.svc.staff_cards.link(till.manager, "9001", CardRef(token, CardKind.SUN, "SUN card"))
    window = _large_redemption(qtbot, make_window, till)
    box = window.sale.approval
    hub = window.readers
    assert hub is not None
    hub.config.sun_keys = SunKeys(bytes(16), bytes(16))
    reader = _sim(window)
    tap = SimTap(uid="08010203", ndef=(text_record("uri", vector["url"]),), tag_type="Type4", hold=0.0)
    # The till already saw this card's tap number: the very same message again is a copy or a replay.
    with hub.config.sun_lock:
        hub.config.sun_counters[vector["expect"]["uid"]] = vector["expect"]["read_counter"]
    reader.tap(tap)
    qtbot.waitUntil(lambda: "replayed" in box.message.text(), timeout=WAIT)
    assert box.waiting and _approvals(till) == [] and _redemptions(till, "HD-BIG") == []
    # A tap the till has not seen (here: the counter forgotten) is verified and approves.
    with hub.config.sun_lock:
        hub.config.sun_counters.clear()
    reader.tap(tap)
    qtbot.waitUntil(lambda: not box.waiting, timeout=WAIT)
    assert [a["means"] for a in _approvals(till)] == ["card"]
    qtbot.waitUntil(lambda: len(_redemptions(till, "HD-BIG")) == 1, timeout=WAIT)


def test_on_the_desk_a_managers_card_approves_a_card_replacement_asked_by_a_cashier(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    till.svc.staff_cards.link(till.manager, "9001", till.svc.cards.ref_for_uid(MANAGER_CARD))
    member = enrol(till, "Trần Văn Bình", "0912345678")
    old = till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid("04C4D00000AA01"))
    window = make_window()
    sign_in(qtbot, window)
    reader = _sim(window)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    page = window.desk_cards
    window.desk.show_page(page)
    reader.tap(SimTap(uid="04C4D00000AA01", hold=0.0))  # the page looks the card up
    qtbot.waitUntil(lambda: page.selected is not None and page.selected.id == old.id, timeout=WAIT)
    page.reason.setText("damaged")
    page.replace_button.click()
    assert page.approval.waiting and window.waiting_approval() is page.approval
    reader.tap(SimTap(uid=MANAGER_CARD, hold=0.0))  # to the approval, not to the page's card look-up
    qtbot.waitUntil(lambda: page.waiting == "replace", timeout=WAIT)
    assert page.selected is not None and page.selected.id == old.id
    [approval] = _approvals(till)
    assert (approval["staff"], approval["means"], approval["approves"]) == (
        till.manager.staff_id,
        "card",
        "replace_card",
    )
    reader.tap(SimTap(uid="04C4D00000BB02", hold=0.0))  # the new card
    qtbot.waitUntil(lambda: page.waiting is None, timeout=WAIT)
    with till.store.read() as session:
        audit = session.scalars(select(m.AuditRecord).where(m.AuditRecord.action == "card.replace")).one()
        assert audit.staff_id == till.manager.staff_id  # the replacement is the approving manager's


def test_a_staff_card_on_the_sign_in_screen_fills_in_the_code_and_the_pin_is_still_asked(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    till.svc.staff_cards.link(till.manager, "1001", till.svc.cards.ref_for_uid(CASHIER_CARD))
    window = make_window()
    reader = _sim(window)
    reader.tap(SimTap(uid="04FF000000FF01", hold=0.0))  # not a staff card: sign in first
    qtbot.waitUntil(
        lambda: window.signin.message.text() == "Sign in first, then tap the card again.", timeout=WAIT
    )
    reader.tap(SimTap(uid=CASHIER_CARD, hold=0.0))
    qtbot.waitUntil(lambda: window.signin.code.text() == "1001", timeout=WAIT)
    assert window.signin.message.text() == "Staff card of Mai: type your PIN."
    assert window.signin.pin.hasFocus() and window.ctx.actor is None  # nobody is signed in by a card alone
    qtbot.keyClicks(window.signin.pin, "1111")
    qtbot.keyClick(window.signin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.ctx.actor is not None, timeout=WAIT)
    assert window.ctx.actor is not None and window.ctx.actor.staff_id == till.cashier.staff_id
