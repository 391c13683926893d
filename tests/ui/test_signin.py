"""Sign-in, lock, auto-lock and switching cashier on the real window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.ui.window import TillWindow
from tests.ui.conftest import sign_in

MakeWindow = Callable[..., TillWindow]


def test_sign_in_starts_in_the_code_field_tab_to_pin_enter_signs_in(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    assert window.pages.currentWidget() is window.signin
    qtbot.waitUntil(window.signin.code.hasFocus)
    qtbot.keyClicks(window.signin.code, "1001")
    qtbot.keyClick(window.signin.code, Qt.Key.Key_Tab)
    assert window.signin.pin.hasFocus()
    qtbot.keyClicks(window.signin.pin, "1111")
    qtbot.keyClick(window.signin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.serving)
    assert window.ctx.actor is not None and window.ctx.actor.name == "Mai"
    assert window.counter.currentWidget() is window.search
    assert window.search.field.hasFocus()
    assert "Mai" in window.staff.text()


def test_a_wrong_pin_shows_the_services_sentence(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    qtbot.keyClicks(window.signin.code, "1001")
    qtbot.keyClicks(window.signin.pin, "4321")
    qtbot.keyClick(window.signin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.signin.message.text() == "Wrong staff code or PIN.")
    assert window.ctx.actor is None
    assert window.signin.pin.text() == "" and window.signin.pin.hasFocus()
    # Enter in the code field with no PIN moves to the PIN rather than signing in.
    window.signin.code.clear()
    qtbot.keyClicks(window.signin.code, "1002")
    qtbot.keyClick(window.signin.code, Qt.Key.Key_Return)
    assert window.signin.pin.hasFocus()


def test_ctrl_l_locks_and_only_the_same_pin_unlocks(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    sign_in(qtbot, window)
    qtbot.keyClick(window.search.field, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.lock_screen
    assert "Mai" in window.lock_screen.title.text()
    assert not window.lock_button.isVisibleTo(window)
    assert not window.serving
    qtbot.keyClicks(window.lock_screen.pin, "9999")  # the manager's PIN is not Mai's
    qtbot.keyClick(window.lock_screen.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.lock_screen.message.text() == "Wrong staff code or PIN.")
    assert window.pages.currentWidget() is window.lock_screen
    qtbot.keyClicks(window.lock_screen.pin, "1111")
    qtbot.keyClick(window.lock_screen.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.serving)
    assert window.lock_button.isVisibleTo(window)


def test_switch_cashier_from_the_lock_screen(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    sign_in(qtbot, window)
    window.lock()
    qtbot.mouseClick(window.lock_screen.switch_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.signin
    assert window.ctx.actor is None
    sign_in(qtbot, window, "9001", "9999")
    assert window.ctx.actor is not None and window.ctx.actor.name == "Lan"


def test_the_till_locks_itself_when_idle(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(lock_after=0.2)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.lock_screen, timeout=5000)
    assert window.ctx.actor is not None  # locked, still signed in: the PIN unlocks


def test_closing_while_signed_in_asks_with_our_own_vietnamese_buttons(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(language="vi")
    window.ask_before_closing = True
    sign_in(qtbot, window)
    asked: list[list[str]] = []

    def answer(choice: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        buttons = {b.text(): b for b in box.findChildren(QPushButton)}
        asked.append(sorted(buttons))
        buttons[choice].click()

    QTimer.singleShot(0, lambda: answer("Tiếp tục bán"))
    window.close()
    assert window.isVisible()  # kept serving
    assert asked == [["Tiếp tục bán", "Đóng quầy"]]
    QTimer.singleShot(0, lambda: answer("Đóng quầy"))
    window.close()
    assert not window.isVisible()
