"""The desk's Cards page on the real window: cards found by search or by a tap on the (simulated) reader,
blocked by a cashier, replaced by a manager (approved in place when a cashier is signed in), linked, each
with its history and a sentence for every refusal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.store import models as m
from app.ui.desk.cards import CardsPage
from app.ui.window import TillWindow
from devices.sim import SimReader, SimTap
from loyalty.errors import CardBlocked
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]
OLD_UID = "04C4D00000AA01"
NEW_UID = "04C4D00000BB02"


def _cards_page(
    qtbot: QtBot, make_window: MakeWindow, code: str = "1001", pin: str = "1111", language: str = "en"
) -> tuple[TillWindow, CardsPage, SimReader]:
    window = make_window(language=language)
    sign_in(qtbot, window, code, pin)
    hub = window.readers
    assert hub is not None
    hub.start(["sim"])
    reader = hub.reader("sim")
    assert isinstance(reader, SimReader)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    window.desk.show_page(window.desk_cards)
    page = window.desk_cards
    assert window.desk.tabs.tabText(window.desk.tabs.indexOf(page)) == (
        "Cards" if language == "en" else "Thẻ"
    )
    return window, page, reader


def _history(page: CardsPage) -> list[tuple[str, str, str]]:
    table = page.history_table
    return [
        (table.item(r, 1).text(), table.item(r, 2).text(), table.item(r, 3).text())
        for r in range(table.rowCount())
    ]


def _tap(qtbot: QtBot, page: CardsPage, reader: SimReader, uid: str, card_digits: str) -> None:
    reader.tap(SimTap(uid=uid, hold=0.0))
    qtbot.waitUntil(lambda: page.selected is not None and page.selected.label.endswith(card_digits[-4:]))


def test_a_cashier_taps_a_lost_card_and_blocks_it_with_a_reason(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Nguyễn Thị Lan", "0901234567")
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(1_000_000)), "HD1")
    till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid(OLD_UID))
    window, page, reader = _cards_page(qtbot, make_window)
    _tap(qtbot, page, reader, OLD_UID, "AA01")
    assert window.counter.currentWidget() is window.desk  # the tap stays on the page
    assert page.member is not None and page.member.id == member.id
    assert page.member_line.text() == f"Nguyễn Thị Lan · no. {member.member_number} · 150 points"
    qtbot.waitUntil(lambda: page.history_table.rowCount() == 1)
    assert _history(page) == [("Linked to this member", "Mai", "")]

    page.block_button.click()  # no reason yet
    assert window.message.text() == "Type why the card is blocked (lost, stolen, damaged), then press Block."
    assert page.reason.hasFocus()
    qtbot.keyClicks(page.reason, "lost at the market")
    qtbot.mouseClick(page.block_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.selected is not None and page.selected.status == "blocked")
    assert window.message.text() == (
        "Card ····AA01 is blocked: it no longer works at any till. Nguyễn Thị Lan keeps their points."
    )
    assert page.cards_table.item(0, 2).text() == "Blocked"
    assert page.cards_table.item(0, 4).text() == "lost at the market"
    qtbot.waitUntil(lambda: page.history_table.rowCount() == 2)
    assert _history(page)[0] == ("Blocked", "Mai", "lost at the market")
    with pytest.raises(CardBlocked):
        till.svc.cards.identify(till.svc.cards.ref_for_uid(OLD_UID).token)

    page.block_button.click()  # a second time: already blocked
    assert window.message.text() == (
        "Card ····AA01 is already blocked. To give the customer a working card, replace it."
    )


def test_a_cashier_replaces_a_card_with_a_managers_approval_and_the_balance_stays(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Trần Văn Bình", "0912345678")
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(2_000_000)), "HD2")
    old = till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid(OLD_UID))
    till.svc.cards.block(till.cashier, old.id, "lost")
    balance = till.svc.members.get(member.id).balance
    window, page, reader = _cards_page(qtbot, make_window)
    qtbot.keyClicks(page.search.field, "tran van binh")
    qtbot.keyClick(page.search.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.selected is not None and page.selected.id == old.id)

    page.replace_button.click()
    assert (
        window.message.text() == "Type why the card is replaced (lost, stolen, damaged), then press Replace."
    )
    page.reason.setText("lost, customer came back")
    page.replace_button.click()
    assert page.approval.waiting and page.approval.code.hasFocus()
    assert page.approval.reason.text() == "Replacing a card needs a manager: card ····AA01 of Trần Văn Bình."
    qtbot.keyClicks(page.approval.code, "1001")  # the cashier's own code is not a manager's
    qtbot.keyClicks(page.approval.pin, "1111")
    qtbot.keyClick(page.approval.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "not a manager" in page.approval.message.text())
    assert page.approval.message.text() == "Mai is not a manager and cannot approve this. Ask a manager."
    qtbot.keyClicks(page.approval.code, "9001")
    qtbot.keyClicks(page.approval.pin, "9999")
    qtbot.keyClick(page.approval.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.waiting == "replace")
    assert page.waiting_line.text() == "Tap the new card on the reader to replace card ····AA01. Esc cancels."
    assert not page.block_button.isEnabled()

    _tap(qtbot, page, reader, NEW_UID, "BB02")
    assert page.waiting is None
    assert window.message.text() == (
        f"Card ····AA01 is replaced by card ····BB02: Trần Văn Bình keeps their {balance} points and their "
        "history."
    )
    assert till.svc.cards.identify(till.svc.cards.ref_for_uid(NEW_UID).token).balance == balance
    qtbot.waitUntil(lambda: page.history_table.rowCount() == 1)
    assert _history(page) == [("Issued to replace card ····AA01", "Lan", "lost, customer came back")]
    assert [page.cards_table.item(r, 2).text() for r in range(2)] == ["Replaced", "Works"]
    with till.store.read() as s:  # the manager who approved is the one the log names
        staff = s.scalar(select(m.AuditRecord.staff_id).where(m.AuditRecord.action == "card.replace"))
    assert staff == till.manager.staff_id

    page.cards_table.selectRow(0)  # the old card: replaced already
    qtbot.waitUntil(lambda: page.history_table.rowCount() == 3)
    assert [row[0] for row in _history(page)] == [
        "Replaced by card ····BB02",
        "Blocked",
        "Linked to this member",
    ]
    page.reason.setText("again")
    page.replace_button.click()
    assert window.message.text() == "Card ····AA01 was already replaced: it does not work any more."


def test_an_unknown_card_is_linked_to_the_member_found(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Lê Thị Hoa", "0987654321")
    window, page, reader = _cards_page(qtbot, make_window)
    page.link_button.click()  # nobody shown yet
    assert window.message.text() == "Find the member first (search on the left), then link the card."
    reader.tap(SimTap(uid=NEW_UID, hold=0.0))
    qtbot.waitUntil(lambda: page.tapped is not None)
    assert window.message.text() == "Card ····BB02 is not registered. Find the member to link it to."
    assert page.search.field.hasFocus()
    qtbot.keyClicks(page.search.field, "le thi hoa")
    qtbot.keyClick(page.search.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.member is not None)
    assert page.link_button.text() == "&Link card ····BB02 to Lê Thị Hoa"
    assert page.history_title.text() == "This member has no card."
    page.link_button.click()
    qtbot.waitUntil(lambda: page.selected is not None)
    assert window.message.text() == "Card ····BB02 is now linked to Lê Thị Hoa."
    assert till.svc.cards.identify(till.svc.cards.ref_for_uid(NEW_UID).token).id == member.id

    # With the member shown, "Link a new card" waits for the next tap; Esc stops waiting, not the desk.
    assert page.link_button.text() == "&Link a new card"
    page.link_button.click()
    assert page.waiting == "link"
    assert page.waiting_line.text() == "Tap the new card on the reader to link it to Lê Thị Hoa. Esc cancels."
    qtbot.keyClick(page.cancel_button, Qt.Key.Key_Escape)
    assert page.waiting is None and window.counter.currentWidget() is window.desk
    assert window.message.text() == "Nothing was changed."
    page.link_button.click()
    _tap(qtbot, page, reader, OLD_UID, "AA01")
    assert [c.status for c in till.svc.cards.cards_of(member.id)] == ["active", "active"]

    # The same card again, waited for as a new one: refused in a sentence.
    page.link_button.click()
    reader.tap(SimTap(uid=OLD_UID, hold=0.0))
    qtbot.waitUntil(lambda: "already" in window.message.text())
    assert window.message.text() == "This card is already in use: it is already linked to a member."


def test_a_manager_replaces_without_approval_and_refusals_are_sentences(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Phạm Minh Châu", "0934567890")
    till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid(OLD_UID))
    window, page, reader = _cards_page(qtbot, make_window, "9001", "9999")
    page.block_button.click()
    assert window.message.text() == "Find the member or tap the card first."
    _tap(qtbot, page, reader, OLD_UID, "AA01")
    page.reason.setText("damaged")
    page.replace_button.click()
    assert not page.approval.waiting and page.waiting == "replace"
    _tap(qtbot, page, reader, NEW_UID, "BB02")
    assert window.message.text().startswith("Card ····AA01 is replaced by card ····BB02")
    page.open_member_button.click()  # no member page registered yet: the desk stays
    assert window.counter.currentWidget() is window.desk


def test_the_page_speaks_vietnamese(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    member = enrol(till, "Đỗ Văn Nam", "0945678901")
    till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid(OLD_UID))
    window, page, reader = _cards_page(qtbot, make_window, language="vi")
    _tap(qtbot, page, reader, OLD_UID, "AA01")
    qtbot.waitUntil(lambda: page.history_table.rowCount() == 1)
    assert page.block_button.text() == "&Khóa thẻ"
    assert page.cards_table.horizontalHeaderItem(2).text() == "Trạng thái"
    assert page.cards_table.item(0, 2).text() == "Đang dùng"
    assert _history(page)[0][0] == "Gắn cho hội viên này"
    page.block_button.click()
    assert window.message.text() == "Hãy nhập lý do khóa thẻ (mất, bị lấy cắp, hỏng), rồi bấm Khóa."


def test_a_language_switch_rewrites_what_is_shown(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    member = enrol(till, "Đỗ Văn Nam", "0945678901")
    till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid(OLD_UID))
    window, page, reader = _cards_page(qtbot, make_window)
    _tap(qtbot, page, reader, OLD_UID, "AA01")
    qtbot.waitUntil(lambda: page.history_table.rowCount() == 1)
    assert page.cards_table.item(0, 2).text() == "Works"
    window.language.toggle()
    qtbot.waitUntil(lambda: page.cards_table.item(0, 2).text() == "Đang dùng")
    assert _history(page)[0][0] == "Gắn cho hội viên này"
    assert page.selected is not None and page.selected.label.endswith("AA01")  # the choice stays
