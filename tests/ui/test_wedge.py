"""The keyboard-wedge scanner on the real window: a burst ended by Enter is a scan, on any screen; a
person's typing reaches the field unchanged. Key times come from a clock the test moves, so the decision
does not depend on how fast the machine runs the test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.ui.launch import attach_wedge
from app.ui.wedge import WedgeFilter
from app.ui.window import TillWindow
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]


@dataclass
class StepClock:
    """Each reading is ``step`` seconds after the one before."""

    step: float
    now: float = 1000.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _wedge(window: TillWindow, step: float) -> tuple[WedgeFilter, StepClock]:
    hub = window.readers
    assert hub is not None
    hub.start(["wedge"])
    wedge = attach_wedge(window)
    assert wedge is not None
    clock = StepClock(step)
    wedge.clock = clock
    return wedge, clock


def test_a_scanned_member_number_opens_the_member_from_the_sale_screen(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    first = enrol(till, "Lý Thu Hà", "0911111111")
    second = enrol(till, "Mai Văn Tiến", "0922222222")
    window = make_window()
    sign_in(qtbot, window)
    window.open_member_id(first.id)
    qtbot.waitUntil(lambda: window.member is not None)
    _wedge(window, step=0.005)  # a scanner: 5 ms between keys
    qtbot.keyClicks(window.sale.total, second.member_number)
    qtbot.keyClick(window.sale.total, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.member is not None and window.member.id == second.id)
    assert window.sale.total.text() == ""  # the scan never reached the bill total


def test_a_person_typing_keeps_every_key_in_order(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    enrol(till, "Nguyễn Văn An", "0901234567")
    window = make_window()
    sign_in(qtbot, window)
    wedge, clock = _wedge(window, step=0.15)  # a person: 150 ms between keys
    qtbot.keyClicks(window.search.field, "nguyen van")
    clock.now += 1
    wedge.flush()
    assert window.search.field.text() == "nguyen van"
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)  # Enter reaches the field: takes the match
    qtbot.waitUntil(lambda: window.member is not None)
    assert window.member is not None and window.member.full_name == "Nguyễn Văn An"


def test_shortcuts_and_arrows_pass_through_at_once(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    sign_in(qtbot, window)
    _wedge(window, step=0.005)
    qtbot.keyClicks(window.search.field, "ab")  # held: might be the start of a scan
    qtbot.keyClick(window.search.field, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.search.field.text() == "ab"  # given back before the shortcut
    assert window.pages.currentWidget() is window.lock_screen
