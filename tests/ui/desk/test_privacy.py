"""The desk's Privacy page on the real window: a member found by search or opened from another page, their
consents changed as new answers, their data exported as JSON and a PDF with Vietnamese text, and erased by a
manager who gives a reason and types the member number (a cashier is refused); the till's checks still pass."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.members import ConsentInput
from app.store.integrity import check_database
from app.ui.desk.privacy import PrivacyPage
from app.ui.window import TillWindow
from tests.services.conftest import Till
from tests.ui.conftest import sign_in

MakeWindow = Callable[..., TillWindow]
WAIT = 20_000  # ms: generous; each step takes milliseconds here


def _enrol(till: Till) -> str:
    member = till.svc.members.enroll(
        till.cashier,
        "Ưng Xuyến Quỳnh",
        phone="0977111222",
        email="quynh@example.vn",
        birthday=date(1990, 5, 17),
        consents=(ConsentInput("marketing", True, "2026-01"),),
    ).member
    till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid("04A1B2C3D4E5F6"))
    return member.id


def _open(
    qtbot: QtBot, make_window: MakeWindow, code: str = "9001", pin: str = "9999", language: str = "en"
) -> tuple[TillWindow, PrivacyPage]:
    window = make_window(language=language)
    sign_in(qtbot, window, code, pin)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    page = window.desk_privacy
    window.desk.show_page(page)
    return window, page


def _find(qtbot: QtBot, page: PrivacyPage, text: str) -> None:
    page.field.setFocus()
    qtbot.keyClicks(page.field, text)
    qtbot.waitUntil(lambda: not page.searching and len(page.hits) > 0, timeout=WAIT)
    qtbot.keyClick(page.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.view is not None, timeout=WAIT)


def test_find_a_member_and_change_a_consent_as_a_new_answer(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    _enrol(till)
    _window, page = _open(qtbot, make_window, "1001", "1111")
    _find(qtbot, page, "xuyen quynh")
    assert page.name.text().startswith("Ưng Xuyến Quỳnh (member ")
    assert "quynh@example.vn" in page.profile.text() and "17/05/1990" in page.profile.text()
    marketing = page.consent_lines["marketing"]
    assert marketing.text().startswith("offers and news: agreed (text 2026-01, ")
    assert page.consent_lines["personalisation"].text() == "offers chosen from purchases: never asked"
    assert page.consent_buttons["marketing"].text() == "Withdraw"
    page.consent_buttons["marketing"].click()
    qtbot.waitUntil(lambda: page.view is not None and len(page.view.consents) == 2, timeout=WAIT)
    assert marketing.text().startswith("offers and news: refused or withdrawn")
    history = page.consent_history.toPlainText()
    # The first answer is kept, the new one above it, each with the words it answered.
    assert history.count("— offers and news: ") == 2
    assert history.index("offers and news: refused or withdrawn") < history.index("offers and news: agreed")
    assert history.count("I agree to receive the store's offers") == 2
    # A cashier may change a consent, not export or erase.
    assert not page.export_button.isEnabled() and not page.erase_button.isEnabled()
    assert page.hint.text() == "Only a manager can export or erase personal data. Ask a manager to sign in."


def test_export_writes_json_and_a_pdf_in_the_exports_folder(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member_id = _enrol(till)
    window, page = _open(qtbot, make_window, language="vi")
    page.open_for(member_id)
    assert window.desk.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: page.view is not None, timeout=WAIT)
    assert page.export_button.isEnabled()
    page.export_button.click()
    qtbot.waitUntil(lambda: page.files is not None, timeout=WAIT)
    files = page.files
    assert files is not None and files.pdf_path is not None
    assert files.json_path.parent == till.path.parent / "exports"
    data = json.loads(files.json_path.read_text(encoding="utf-8"))
    assert data["member"]["full_name"] == "Ưng Xuyến Quỳnh" and data["cards"][0]["kind"] == "uid"
    pdf = files.pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf  # the glyphs it draws are embedded
    assert window.message.text().startswith("Dữ liệu của hội viên đã được lưu vào")
    assert str(files.json_path) in page.export_result.text()


def test_a_manager_erases_with_a_reason_and_the_number_typed_again(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member_id = _enrol(till)
    number = till.svc.members.get(member_id).member_number
    window, page = _open(qtbot, make_window)
    page.show_member(member_id)
    qtbot.waitUntil(lambda: page.view is not None, timeout=WAIT)
    assert not page.erase_button.isEnabled()
    assert page.hint.text() == f"To erase: give the reason and type the member number {number}."
    qtbot.keyClicks(page.reason, "the customer asked at the counter")
    qtbot.keyClicks(page.confirm, number[:-1] + "0")
    assert not page.erase_button.isEnabled()
    qtbot.keyClick(page.confirm, Qt.Key.Key_Return)
    assert window.message.text() == f"Give the reason and type the member number {number} to erase."
    page.confirm.clear()
    qtbot.keyClicks(page.confirm, number)
    assert page.erase_button.isEnabled()
    qtbot.keyClick(page.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.view is not None and page.view.member.status == "erased", timeout=WAIT)
    assert window.message.text() == (
        f"The personal data of member {number} is erased; 1 card(s) unlinked. The central service learns it "
        "at the next sync."
    )
    assert page.name.text() == f"Member {number}: personal data erased"
    assert not page.erase_box.isVisible()
    assert not page.consent_buttons["marketing"].isEnabled()
    erased = till.svc.members.get(member_id)
    assert (erased.phone, erased.email, erased.birthday) == (None, None, None)
    assert till.svc.members.search("Xuyến") == []
    with till.store.read() as session:
        assert check_database(session) == []


def test_a_cashier_cannot_erase_even_if_asked(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    member_id = _enrol(till)
    number = till.svc.members.get(member_id).member_number
    window, page = _open(qtbot, make_window, "1001", "1111")
    page.show_member(member_id)
    qtbot.waitUntil(lambda: page.view is not None, timeout=WAIT)
    page.reason.setText("asked")
    page.confirm.setText(number)
    page._show()
    assert not page.erase_button.isEnabled()
    page.erase()  # the button is off: one sentence, nothing written
    assert window.message.text() == (
        "Only a manager can export or erase personal data. Ask a manager to sign in."
    )
    assert till.svc.members.get(member_id).status == "active"
