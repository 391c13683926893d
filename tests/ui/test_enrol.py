"""The enrol screen on the real window: fields checked as the cashier leaves them, the consents with their
words, a blank card tapped to link, Enter enrols once, the welcome gift shown at once."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.services.members import CONSENT_TEXTS
from app.store import models as m
from app.ui.window import TillWindow
from devices.sim import SimReader, SimTap
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]


def _enrol_screen(qtbot: QtBot, make_window: MakeWindow, language: str = "en") -> TillWindow:
    window = make_window(language=language)
    sign_in(qtbot, window)
    qtbot.keyClick(window.search.field, Qt.Key.Key_F3)
    assert window.counter.currentWidget() is window.enrol
    assert window.enrol.name.hasFocus()
    return window


def _sim(window: TillWindow) -> SimReader:
    hub = window.readers
    assert hub is not None
    hub.start(["sim"])
    reader = hub.reader("sim")
    assert isinstance(reader, SimReader)
    return reader


def _members(till: Till, name: str) -> int:
    with till.store.read() as session:
        return int(session.scalar(select(func.count()).where(m.Member.full_name == name)) or 0)


def test_fields_are_checked_as_the_cashier_leaves_them_then_enter_enrols_with_the_welcome_gift(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    window = _enrol_screen(qtbot, make_window)
    form = window.enrol
    qtbot.keyClick(form.name, Qt.Key.Key_Tab)  # an empty name is said when Enter is pressed, not on Tab
    assert form.phone.hasFocus()
    qtbot.keyClicks(form.phone, "0901 23")
    qtbot.keyClick(form.phone, Qt.Key.Key_Tab)
    assert form.errors[form.phone].text() == (
        "Phone number is not valid: it is not a valid number (check the digits)"
    )
    assert form.errors[form.phone].isVisibleTo(form)
    qtbot.keyClicks(form.email, "lan at example")
    qtbot.keyClick(form.email, Qt.Key.Key_Tab)
    assert (
        form.errors[form.email].text()
        == "E-mail address is not valid: it does not look like name@example.com"
    )
    qtbot.keyClicks(form.birthday, "31/02/1990")
    qtbot.keyClick(form.birthday, Qt.Key.Key_Tab)
    assert form.errors[form.birthday].text() == "Type the birthday as dd/mm/yyyy, e.g. 17/05/1990."
    qtbot.keyClick(form.referral, Qt.Key.Key_Return)
    assert window.message.text() == "Check the fields marked in red."
    assert form.errors[form.name].text() == "Type the customer's name."
    assert form.name.hasFocus()  # the first field to fix
    assert _members(till, "Hoàng Thị Lan") == 0

    form.name.insert("Hoàng Thị Lan")  # typed (QTest types ASCII only)
    assert form.errors[form.name].isHidden()  # typing again clears the old sentence
    form.phone.clear()
    qtbot.keyClicks(form.phone, "0901 234 567")
    assert form.errors[form.phone].isHidden()
    form.email.clear()
    qtbot.keyClicks(form.email, "Lan.Hoang@Example.vn")
    form.birthday.clear()
    qtbot.keyClicks(form.birthday, "17/05/1990")
    # The consents: their words are shown, nothing is ticked for the customer.
    marketing, personalisation = form.consents
    assert not marketing.box.isChecked() and not personalisation.box.isChecked()
    assert (
        CONSENT_TEXTS[0].en in marketing.words.text() and "(text version 2026-01)" in marketing.words.text()
    )
    marketing.box.setFocus()
    qtbot.keyClick(marketing.box, Qt.Key.Key_Space)
    assert marketing.box.isChecked()
    qtbot.keyClick(marketing.box, Qt.Key.Key_Return)  # Enter from a box enrols too

    qtbot.waitUntil(lambda: window.member is not None)
    member = window.member
    assert member is not None and member.full_name == "Hoàng Thị Lan"
    assert window.counter.currentWidget() is window.member_page and window.sale.total.hasFocus()
    # The welcome gift at once: the balance, the message, the customer display.
    assert window.member_panel.balance.text() == "50 points"
    assert window.message.text() == (
        f"Welcome, Hoàng Thị Lan: member no. {member.member_number}. Welcome gift: +50 points."
    )
    state = window.customer.state
    assert state.screen == "welcome" and state.gift == 50 and state.balance == 50 and state.name == "Lan"
    assert member.phone == "+84901234567" and member.email == "lan.hoang@example.vn"
    assert member.birthday is not None and member.birthday.isoformat() == "1990-05-17"
    consents = till.svc.members.consents(member.id)
    assert consents["marketing"].granted and consents["marketing"].text_version == "2026-01"
    assert not consents["personalisation"].granted


def test_what_the_service_refuses_is_said_beside_its_field(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    enrol(till, "Lê Văn Tám", "0912345678")
    window = _enrol_screen(qtbot, make_window)
    form = window.enrol
    form.name.insert("Lê Văn Tám")
    qtbot.keyClicks(form.phone, "+84 912 345 678")  # the same number, written another way
    qtbot.keyClicks(form.referral, "NOPE2345")
    qtbot.keyClick(form.referral, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.in_flight and form.errors[form.phone].text() != "")
    assert form.errors[form.phone].text() == "Phone number is already in use: +84912345678."
    assert form.phone.hasFocus() and window.member is None
    form.phone.clear()
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.in_flight and form.errors[form.referral].text() != "")
    assert form.errors[form.referral].text() == "No referral code matches NOPE2345."
    form.referral.clear()
    qtbot.keyClick(form.referral, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.member is not None)
    assert _members(till, "Lê Văn Tám") == 2


def test_a_blank_card_tapped_on_the_form_is_linked_with_the_enrolment(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    window = _enrol_screen(qtbot, make_window)
    form = window.enrol
    reader = _sim(window)
    assert form.card_status.text() == "Tap a blank card on the reader to link it (optional)."
    reader.tap(SimTap(uid="04A1B2C3D4E5F6", hold=0.0))
    qtbot.waitUntil(lambda: form.card is not None)
    assert form.card_status.text() == "Card ready: ····E5F6"
    assert window.counter.currentWidget() is window.enrol  # the tap did not look anyone up
    form.name.insert("Trương Văn Phú")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.member is not None)
    member = window.member
    assert member is not None
    token = till.svc.cards.ref_for_uid("04A1B2C3D4E5F6").token
    assert till.svc.cards.identify(token).id == member.id
    # The next tap of that card shows the new member.
    qtbot.keyClick(window.sale.total, Qt.Key.Key_Escape)
    assert window.member is None
    reader.tap(SimTap(uid="04A1B2C3D4E5F6", hold=0.0))
    qtbot.waitUntil(lambda: window.member is not None)
    assert window.member is not None and window.member.full_name == "Trương Văn Phú"


def test_a_card_already_linked_is_refused_on_the_form(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    owner = enrol(till, "Châu Thị Mỹ", "0923456789")
    till.svc.cards.link(till.cashier, owner.id, till.svc.cards.ref_for_uid("04111111111111"))
    window = _enrol_screen(qtbot, make_window)
    form = window.enrol
    reader = _sim(window)
    reader.tap(SimTap(uid="04111111111111", hold=0.0))
    qtbot.waitUntil(lambda: form.card_error.text() != "")
    assert form.card_error.text() == (
        f"This card already belongs to member no. {owner.member_number}. Tap a blank card."
    )
    assert form.card is None and form.card_status.text().startswith("Tap a blank card")
    assert window.member is None and window.counter.currentWidget() is window.enrol
    # A blank card after it is taken; Remove card lets it go again.
    reader.tap(SimTap(uid="04222222222222", hold=0.0))
    qtbot.waitUntil(lambda: form.card is not None)
    assert form.card_error.isHidden()
    qtbot.mouseClick(form.remove_card, Qt.MouseButton.LeftButton)
    assert form.card is None and form.remove_card.isHidden()


def test_a_double_enter_enrols_once(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    window = _enrol_screen(qtbot, make_window)
    form = window.enrol
    form.name.insert("Lục Văn Đông")
    qtbot.keyClicks(form.phone, "0934567890")
    form_id = form.form_id
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)  # the impatient second press
    qtbot.waitUntil(lambda: window.member is not None)
    assert window.member is not None and window.member.id == form_id  # the form's id is the member's
    assert _members(till, "Lục Văn Đông") == 1
    # The same request again (a retry that reached the worker twice) is replayed, never a second member.
    again = till.svc.members.enroll(till.cashier, "Lục Văn Đông", phone="0934567890", member_id=form_id)
    assert again.replayed and _members(till, "Lục Văn Đông") == 1
    assert till.svc.members.get(form_id).balance == 50
    assert form.form_id != form_id  # the next enrolment gets a new form


def test_esc_leaves_the_form_and_goes_back_to_where_the_cashier_was(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Diệp Thị Hồng", "0945678901")
    window = _enrol_screen(qtbot, make_window)
    qtbot.keyClicks(window.enrol.name, "Someone")
    qtbot.keyClick(window.enrol.name, Qt.Key.Key_Escape)
    assert window.counter.currentWidget() is window.search and window.search.field.hasFocus()
    assert _members(till, "Someone") == 0
    # From a member being served: F3, then Esc, and the sale is still there.
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    qtbot.keyClick(window.sale.total, Qt.Key.Key_F3)
    assert window.counter.currentWidget() is window.enrol
    assert window.enrol.name.text() == ""  # a new form every time
    qtbot.keyClick(window.enrol.name, Qt.Key.Key_Escape)
    assert window.counter.currentWidget() is window.member_page and window.sale.total.hasFocus()
    assert window.member is not None and window.member.id == member.id


def test_the_enrol_screen_follows_the_language(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    window = _enrol_screen(qtbot, make_window, language="vi")
    form = window.enrol
    assert form.title.text() == "Hội viên mới"
    assert CONSENT_TEXTS[0].vi in form.consents[0].words.text()
    assert form.submit_button.text() == "Đăng ký (Enter)"
    qtbot.keyClick(form.name, Qt.Key.Key_Tab)
    qtbot.keyClicks(form.phone, "12")
    qtbot.keyClick(form.phone, Qt.Key.Key_Tab)
    assert (
        form.errors[form.phone].text()
        == "Số điện thoại không hợp lệ: số không đúng (hãy kiểm tra các chữ số)"
    )
    qtbot.keyClick(form.name, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: form.title.text() == "New member")
    assert CONSENT_TEXTS[0].en in form.consents[0].words.text()
    assert form.consents[0].box.text() == "Offers and news"
    assert form.labels[form.phone].text() == "&Phone"
