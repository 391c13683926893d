"""A manager approves a large redemption in place: the inline box on the sale panel, on the real window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.views import MemberView
from app.store import models as m
from app.ui.window import TillWindow
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]


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
