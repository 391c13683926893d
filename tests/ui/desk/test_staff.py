"""The desk's Staff page on the real window, offscreen, over a real SQLite till: a manager adds someone,
deactivates a cashier (whose sign-in is then refused in a sentence), resets a PIN, changes a role, and is told
that the last manager stays; a cashier sees no buttons and the services' refusal in place."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, Qt
from pytestqt.qtbot import QtBot

from app.services import Role
from app.ui.desk.staff import ADD, CHANGE_ROLE, DEACTIVATE, REACTIVATE, RESET_PIN, StaffPage
from app.ui.window import TillWindow
from loyalty.errors import AuthenticationFailed
from tests.services.conftest import Till
from tests.ui.conftest import sign_in

MakeWindow = Callable[..., TillWindow]


def _open(qtbot: QtBot, window: TillWindow, code: str, pin: str) -> StaffPage:
    sign_in(qtbot, window, code, pin)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    page = window.desk.page("staff")
    assert isinstance(page, StaffPage)
    window.desk.show_page(page)
    qtbot.waitUntil(lambda: not page.loading and bool(page.rows or page.refused), timeout=10_000)
    return page


def _cells(page: StaffPage) -> list[list[str]]:
    table = page.table
    return [
        [table.item(row, col).text() for col in range(table.columnCount())] for row in range(table.rowCount())
    ]


def _choose(qtbot: QtBot, page: StaffPage, code: str) -> None:
    row = next(i for i, r in enumerate(page.rows) if r.code == code)
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.selected is not None and page.selected.code == code)


def _confirm(qtbot: QtBot, page: StaffPage, said: str, tone: str = "ok") -> None:
    """Press Enter on the form's confirm button and wait for the sentence."""
    with qtbot.waitSignal(page.message, timeout=20_000, check_params_cb=lambda t, _tone: t == said) as got:
        qtbot.keyClick(page.confirm, Qt.Key.Key_Return)
    assert got.args == [said, tone]


def test_a_manager_adds_staff_and_deactivates_a_cashier_whose_sign_in_is_then_refused(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    window = make_window()
    page = _open(qtbot, window, "9001", "9999")
    assert page.table.horizontalHeaderItem(4).text() == "Last sign-in"
    cells = _cells(page)
    assert [c[:4] for c in cells] == [
        ["1001", "Mai", "Cashier", "Active"],
        ["9001", "Lan", "Manager", "Active"],
    ]
    assert all(button.isVisible() for button in page.buttons) and not page.permission_note.isVisible()

    # Add: by keyboard, Alt+A then the fields, Enter in the second PIN.
    qtbot.keyClick(page.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.mode == ADD and page.form.isVisible())
    assert page.code.hasFocus()
    hint = window.minimumSizeHint()  # the page's tallest state still fits a 1280×800 till screen
    assert hint.width() <= 1280 and hint.height() <= 800, (hint.width(), hint.height())
    qtbot.keyClicks(page.code, "1002")
    qtbot.keyClick(page.code, Qt.Key.Key_Return)
    assert page.name.hasFocus()
    page.name.insert("Bình")  # QTest types Latin-1 keys only
    page.role.setCurrentIndex(0)
    qtbot.keyClicks(page.pin, "2468")
    qtbot.keyClicks(page.pin_again, "2469")
    with qtbot.waitSignal(page.message) as mismatch:
        qtbot.keyClick(page.pin_again, Qt.Key.Key_Return)
    assert mismatch.args == ["The two PINs differ. Type the PIN again in the second field.", "error"]
    assert page.problem.text() == mismatch.args[0] and page.pin_again.hasFocus() and page.mode == ADD
    qtbot.keyClicks(page.pin_again, "2468")
    with qtbot.waitSignal(page.message, timeout=20_000) as added:
        qtbot.keyClick(page.pin_again, Qt.Key.Key_Return)
    assert added.args == ["Bình (1002) is added as cashier: they sign in with their code and PIN.", "ok"]
    qtbot.waitUntil(lambda: len(page.rows) == 3 and page.mode is None)
    assert page.selected is not None and page.selected.code == "1002"
    assert till.svc.staff.sign_in("1002", "2468").role is Role.CASHIER

    # The same code again: the services' sentence, in place, the form kept open.
    page.open_form(ADD)
    qtbot.keyClicks(page.code, "1002")
    qtbot.keyClicks(page.name, "Other")
    qtbot.keyClicks(page.pin, "1357")
    qtbot.keyClicks(page.pin_again, "1357")
    _confirm(qtbot, page, "Staff code is already in use: 1002.", "error")
    assert page.problem.text() == "Staff code is already in use: 1002." and page.mode == ADD
    qtbot.keyClick(page.code, Qt.Key.Key_Escape)  # Esc closes the form, not the desk
    assert page.mode is None and window.desk.isVisible()

    # Deactivate Mai: the button says so, the form asks, Enter confirms.
    _choose(qtbot, page, "1001")
    assert page.active_button.text() == "&Deactivate…"
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert page.mode == DEACTIVATE and page.form_title.text() == "Deactivate Mai (1001)?"
    assert page.confirm.hasFocus()
    _confirm(qtbot, page, "Mai (1001) is deactivated: they can no longer sign in or approve.")
    qtbot.waitUntil(lambda: [r.active for r in page.rows if r.code == "1001"] == [False])
    assert _cells(page)[0][3] == "Deactivated" and page.active_button.text() == "R&eactivate…"
    assert not page.pin_button.isEnabled()  # a deactivated person's PIN is not reset

    # Mai cannot sign in at the counter: the sign-in screen says it in a sentence.
    window.sign_out()
    window.signin.code.clear()
    qtbot.keyClicks(window.signin.code, "1001")
    qtbot.keyClicks(window.signin.pin, "1111")
    qtbot.keyClick(window.signin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.signin.message.text() == "Wrong staff code or PIN.", timeout=20_000)
    assert window.ctx.actor is None


def test_reset_pin_role_change_reactivation_and_the_last_manager(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    window = make_window()
    page = _open(qtbot, window, "9001", "9999")

    # Reset Mai's PIN: the old one is refused, the new one signs in.
    _choose(qtbot, page, "1001")
    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.mode == RESET_PIN)
    assert page.form_title.text() == "New PIN for Mai (1001)" and page.pin.hasFocus()
    assert not page.code.isVisible() and not page.name.isVisible()
    qtbot.keyClicks(page.pin, "12")
    qtbot.keyClicks(page.pin_again, "12")
    with qtbot.waitSignal(page.message) as short:
        qtbot.keyClick(page.pin_again, Qt.Key.Key_Return)
    assert short.args == ["The PIN must be 4 to 8 digits.", "error"]
    page.pin.clear()
    page.pin_again.clear()
    qtbot.keyClicks(page.pin, "55667788")
    qtbot.keyClicks(page.pin_again, "55667788")
    _confirm(qtbot, page, "Mai (1001) has a new PIN: the old one no longer works.")
    with pytest.raises(AuthenticationFailed):
        till.svc.staff.sign_in("1001", "1111")
    assert till.svc.staff.sign_in("1001", "55667788").name == "Mai"

    # The last manager: Lan cannot deactivate herself nor become a cashier.
    qtbot.waitUntil(lambda: page.mode is None and not page.in_flight and not page.loading)
    _choose(qtbot, page, "9001")
    page.open_form(DEACTIVATE)
    last = "Lan is the till's last active manager. Add or reactivate another manager first."
    _confirm(qtbot, page, last, "error")
    assert page.problem.text() == last
    page.close_form()
    page.open_form(CHANGE_ROLE)
    assert page.target is not None and page.target.code == "9001", page.target
    assert page.role.currentText() == "Cashier"  # the other role is proposed
    _confirm(qtbot, page, last, "error")
    page.close_form()

    # Mai becomes a manager (from her next sign-in); then Lan can step down.
    _choose(qtbot, page, "1001")
    qtbot.keyClick(page.table, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.mode == CHANGE_ROLE)
    assert page.role.currentText() == "Manager"
    assert page.effect.text() == (
        "Mai (1001) becomes manager from their next sign-in; their approvals change at once."
    )
    _confirm(qtbot, page, "Mai (1001) is now manager, from their next sign-in.")
    qtbot.waitUntil(lambda: [r.role for r in page.rows if r.code == "1001"] == ["manager"])
    assert till.svc.staff.sign_in("1001", "55667788").role is Role.MANAGER
    qtbot.waitUntil(lambda: page.mode is None and not page.in_flight and not page.loading)
    _choose(qtbot, page, "9001")
    page.open_form(CHANGE_ROLE)
    _confirm(qtbot, page, "Lan (9001) is now cashier, from their next sign-in.")
    qtbot.waitUntil(lambda: page.mode is None and not page.in_flight and not page.loading)
    _choose(qtbot, page, "1001")
    page.open_form(DEACTIVATE)
    _confirm(
        qtbot,
        page,
        "Mai is the till's last active manager. Add or reactivate another manager first.",
        "error",
    )


def test_reactivation_from_the_page(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    till.svc.staff.deactivate(till.manager, "1001")
    window = make_window()
    page = _open(qtbot, window, "9001", "9999")
    _choose(qtbot, page, "1001")
    assert page.active_button.text() == "R&eactivate…"
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert page.mode == REACTIVATE and page.form_title.text() == "Reactivate Mai (1001)?"
    _confirm(qtbot, page, "Mai (1001) is active again and can sign in.")
    assert till.svc.staff.sign_in("1001", "1111").name == "Mai"


def test_a_cashier_sees_no_buttons_and_the_services_refusal(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    window = make_window()
    page = _open(qtbot, window, "1001", "1111")
    refusal = "Only a manager can manage staff. Ask a manager to sign in."
    assert page.refused == refusal  # the roster was asked for and refused by the services
    assert page.permission_note.isVisible() and page.permission_note.text() == refusal
    assert page.rows == [] and page.table.rowCount() == 0
    assert not any(button.isVisible() for button in page.buttons)
    with qtbot.waitSignal(page.message) as said:
        page.open_form(ADD)  # a shortcut reaching it anyway: the page refuses
    assert said.args == [refusal, "error"] and page.mode is None and not page.form.isVisible()
    assert [s.code for s in till.svc.staff.list()] == ["1001", "9001"]


def test_the_page_speaks_vietnamese_and_its_headers_follow_the_language(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    window = make_window("vi")
    page = _open(qtbot, window, "9001", "9999")
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(5)]
    assert headers == ["Mã", "Họ tên", "Vai trò", "Trạng thái", "Đăng nhập cuối"]
    assert _cells(page)[0][2:4] == ["Thu ngân", "Đang hoạt động"]
    assert window.desk.tabs.tabText(window.desk.tabs.indexOf(page)) == "Nhân viên"
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)  # to English
    qtbot.waitUntil(lambda: page.table.horizontalHeaderItem(0).text() == "Code")
    assert _cells(page)[0][2] == "Cashier"
    page.changeEvent(QEvent(QEvent.Type.LanguageChange))  # a second change keeps the rows as they are
    assert len(_cells(page)) == 2


def test_a_cashier_signing_in_after_the_manager_sees_nothing_of_the_managers_list(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    window = make_window()
    page = _open(qtbot, window, "9001", "9999")
    assert len(page.rows) == 2
    page.open_form(RESET_PIN)
    window.escape()
    window.sign_out()
    sign_in(qtbot, window, "1001", "1111")
    qtbot.keyClick(window, Qt.Key.Key_F9)
    window.desk.show_page(page)
    assert page.rows == [] and page.mode is None and not page.form.isVisible()  # at once, before any answer
    qtbot.waitUntil(lambda: not page.loading and bool(page.refused), timeout=10_000)
    assert page.permission_note.text() == "Only a manager can manage staff. Ask a manager to sign in."
    assert page.table.rowCount() == 0
