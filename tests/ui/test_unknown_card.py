"""Cards the till does not know, and cards that no longer work, tapped on the real (simulated) reader."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.ui.window import TillWindow
from devices.sim import SimReader, SimTap
from loyalty.errors import UnknownCard
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]
UNKNOWN_UID = "04C0FFEE123456"


def _serving(qtbot: QtBot, make_window: MakeWindow, language: str = "en") -> tuple[TillWindow, SimReader]:
    window = make_window(language=language)
    sign_in(qtbot, window)
    hub = window.readers
    assert hub is not None
    hub.start(["sim"])
    reader = hub.reader("sim")
    assert isinstance(reader, SimReader)
    return window, reader


def _tap_unknown(qtbot: QtBot, window: TillWindow, reader: SimReader) -> None:
    reader.tap(SimTap(uid=UNKNOWN_UID, hold=0.0))
    qtbot.waitUntil(lambda: window.counter.currentWidget() is window.unknown_card)
    offer = window.unknown_card
    assert offer.title.text() == "Card ····3456 is not registered"
    assert offer.search.field.hasFocus()  # typing a name starts the link
    assert window.member is None


def test_an_unknown_card_enrols_a_new_member_with_it(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    window, reader = _serving(qtbot, make_window)
    _tap_unknown(qtbot, window, reader)
    assert window.unknown_card.enrol_button.text() == "Enrol a new member with this card (F3)"
    qtbot.keyClick(window.unknown_card.search.field, Qt.Key.Key_F3)
    form = window.enrol
    assert window.counter.currentWidget() is form and form.name.hasFocus()
    assert form.card is not None and form.card_status.text() == "Card ready: ····3456"
    form.name.insert("Vương Thị Hạnh")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.member is not None)
    member = window.member
    assert member is not None and member.full_name == "Vương Thị Hạnh" and member.balance == 50
    assert window.customer.state.screen == "welcome"
    token = till.svc.cards.ref_for_uid(UNKNOWN_UID).token
    assert till.svc.cards.identify(token).id == member.id


def test_an_unknown_card_is_linked_to_a_member_found_by_search(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Nguyễn Văn Bảo", "0981112233")
    enrol(till, "Trần Thị Thu", "0982223344")
    window, reader = _serving(qtbot, make_window)
    _tap_unknown(qtbot, window, reader)
    offer = window.unknown_card
    qtbot.keyClicks(offer.search.field, "nguyen bao")
    qtbot.keyClick(offer.search.field, Qt.Key.Key_Return)  # the single match
    qtbot.waitUntil(lambda: offer.confirming)
    assert offer.confirm_text.text() == (
        f"Link card ····3456 to Nguyễn Văn Bảo, member no. {member.member_number}?"
    )
    assert offer.confirm_button.hasFocus()
    # Esc steps back to the search, with what was typed; Enter picks again.
    qtbot.keyClick(offer.confirm_button, Qt.Key.Key_Escape)
    assert not offer.confirming and offer.search.field.hasFocus()
    assert offer.search.field.text() == "nguyen bao"
    assert window.counter.currentWidget() is offer
    qtbot.keyClick(offer.search.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: offer.confirming)
    qtbot.keyClick(offer.confirm_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.member is not None)
    assert window.member is not None and window.member.id == member.id
    assert window.message.text() == "Card ····3456 is now linked to Nguyễn Văn Bảo."
    assert window.counter.currentWidget() is window.member_page and window.sale.total.hasFocus()
    # The customer is done; their next tap shows them at once.
    qtbot.keyClick(window.sale.total, Qt.Key.Key_Escape)
    assert window.member is None
    reader.tap(SimTap(uid=UNKNOWN_UID, hold=0.0))
    qtbot.waitUntil(lambda: window.member is not None)
    assert window.member is not None and window.member.id == member.id


def test_esc_leaves_the_offer_for_the_waiting_screen(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    window, reader = _serving(qtbot, make_window)
    _tap_unknown(qtbot, window, reader)
    qtbot.keyClick(window.unknown_card.search.field, Qt.Key.Key_Escape)
    assert window.counter.currentWidget() is window.search and window.search.field.hasFocus()
    with pytest.raises(UnknownCard):  # nothing was linked
        till.svc.cards.identify(till.svc.cards.ref_for_uid(UNKNOWN_UID).token)


def test_a_blocked_card_is_refused_with_its_reason_and_day(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Tôn Nữ Minh", "0984445566")
    card = till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid("04B10C4ED00001"))
    till.svc.cards.block(till.cashier, card.id, "lost at the market")
    window, reader = _serving(qtbot, make_window, language="vi")
    reader.tap(SimTap(uid="04B10C4ED00001", hold=0.0))
    qtbot.waitUntil(lambda: "02/03/2026" in window.message.text())
    assert window.message.text() == (
        "Thẻ này đã bị khóa ngày 02/03/2026 (lost at the market). "
        "Hãy xin khách thẻ đang dùng hoặc tìm khách theo số điện thoại."
    )
    assert window.member is None and window.counter.currentWidget() is window.search


def test_a_replaced_card_says_it_was_replaced(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    member = enrol(till, "Lạc Văn Hòa", "0985556677")
    old = till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid("04E1D0000000AA"))
    till.svc.cards.replace(till.manager, old.id, till.svc.cards.ref_for_uid("04E1D0000000BB"), "worn out")
    window, reader = _serving(qtbot, make_window)
    reader.tap(SimTap(uid="04E1D0000000AA", hold=0.0))
    qtbot.waitUntil(lambda: "replaced" in window.message.text())
    assert window.message.text() == (
        "This card was replaced by a new card on 02/03/2026. Ask the customer for their new card or look "
        "them up by phone."
    )
    assert window.member is None
    reader.tap(SimTap(uid="04E1D0000000BB", hold=0.0))  # the new card works
    qtbot.waitUntil(lambda: window.member is not None)
    assert window.member is not None and window.member.id == member.id
