"""The actions screen (F7) on the real window, offscreen, over a real SQLite till: one number key per
action, what is left of each cap on screen and going down, a cap reached turns its key off with the reason,
a double press records once."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.demo import PROGRAM_FILE
from app.services import SYSTEM
from app.services.views import MemberView
from app.store import models as m
from app.ui.window import TillWindow
from loyalty.program import load_program, parse_program
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]


def _actions_of(till: Till, member_id: str, code: str) -> list[str | None]:
    """The references of the member's recorded entries of action ``code``."""
    with till.store.read() as s:
        return list(
            s.scalars(
                select(m.LedgerEntry.reason).where(
                    m.LedgerEntry.member_id == member_id,
                    m.LedgerEntry.kind == "action",
                    m.LedgerEntry.action_code == code,
                )
            )
        )


def _open_actions(qtbot: QtBot, window: TillWindow, member: MemberView) -> None:
    """Show the member, then F7: the actions screen with every cap counted."""
    if window.member is None or window.member.id != member.id:
        window.open_member_id(member.id)
        qtbot.waitUntil(lambda: window.member is not None)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F7)
    actions = window.actions_panel
    assert window.counter.currentWidget() is actions
    qtbot.waitUntil(lambda: len(actions.standings) == len(actions.codes))


def _serving(qtbot: QtBot, make_window: MakeWindow, language: str = "en") -> TillWindow:
    window = make_window(language=language)
    sign_in(qtbot, window)
    return window


def test_an_action_is_recorded_by_its_number_and_its_cap_goes_down(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Đặng Thị Thảo", "0911111111")  # 50 welcome points
    window = _serving(qtbot, make_window)
    _open_actions(qtbot, window, member)
    actions = window.actions_panel
    recycling = actions.buttons["recycling"]
    assert [actions.buttons[c].text() for c in actions.codes] == [
        "1. Đổi vỏ chai tái chế: +5 points",
        "2. Đánh giá sản phẩm: +10 points",
        "3. Khảo sát khách hàng: +20 points",
    ]
    assert [actions.cap_labels[c].text() for c in actions.codes] == [
        "4 of 4 left this month",
        "2 of 2 left this month",
        "1 of 1 left this year",
    ]
    assert recycling.hasFocus() and actions.who.text() == "Đặng Thị Thảo: 50 points"
    qtbot.keyClick(recycling, Qt.Key.Key_Down)  # the arrows move between the actions
    assert actions.buttons["review"].hasFocus()
    qtbot.keyClick(actions.buttons["review"], Qt.Key.Key_Up)
    qtbot.keyClick(recycling, Qt.Key.Key_1)
    qtbot.waitUntil(
        lambda: actions.cap_labels["recycling"].text() == "Recorded just now. 3 of 4 left this month"
    )
    assert window.message.text() == "Đổi vỏ chai tái chế: +5 points. New balance: 55 points."
    assert actions.who.text() == "Đặng Thị Thảo: 55 points"
    assert window.member is not None and window.member.balance == 55  # the window refreshed, too
    # Again for the same customer: a deliberate new opening of the screen, with new entry ids.
    qtbot.keyClick(actions.back, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: actions.cap_labels["recycling"].text() == "3 of 4 left this month")
    qtbot.keyClick(actions.buttons["recycling"], Qt.Key.Key_Enter)  # Enter on the focused action
    qtbot.waitUntil(
        lambda: actions.cap_labels["recycling"].text() == "Recorded just now. 2 of 4 left this month"
    )
    assert len(_actions_of(till, member.id, "recycling")) == 2
    assert till.svc.members.get(member.id).balance == 60
    qtbot.keyClick(actions.buttons["recycling"], Qt.Key.Key_Escape)  # back to the member
    assert window.counter.currentWidget() is window.member_page and window.sale.total.hasFocus()


def test_a_cap_reached_turns_the_key_off_with_the_reason(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Cao Văn Lộc", "0912222222")
    for _ in range(4):
        till.svc.points.record_action(till.cashier, member.id, "recycling")
    window = _serving(qtbot, make_window)
    _open_actions(qtbot, window, member)
    actions = window.actions_panel
    assert not actions.buttons["recycling"].isEnabled()
    assert actions.cap_labels["recycling"].text() == "Limit reached: 4 this month. Again from 01/04/2026."
    assert actions.cap_labels["recycling"].objectName() == "warning"
    assert actions.buttons["review"].hasFocus()  # the cursor starts on the first action still open
    qtbot.keyClick(actions.buttons["review"], Qt.Key.Key_1)  # the key of the used-up action
    assert window.message.text() == "Limit reached: 4 this month. Again from 01/04/2026."
    qtbot.keyClick(actions.buttons["review"], Qt.Key.Key_3)  # the survey: once a year
    qtbot.waitUntil(
        lambda: actions.cap_labels["survey"].text() == "Limit reached: 1 this year. Again from 01/01/2027."
    )
    assert not actions.buttons["survey"].isEnabled() and actions.buttons["review"].hasFocus()
    assert len(_actions_of(till, member.id, "recycling")) == 4
    assert len(_actions_of(till, member.id, "survey")) == 1
    # Reopened, the key stays off: the count is the one the services enforce.
    qtbot.keyClick(actions.buttons["review"], Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: len(actions.standings) == 3)
    assert not actions.buttons["survey"].isEnabled()
    qtbot.keyClick(actions.buttons["review"], Qt.Key.Key_3)
    assert window.message.text() == "Limit reached: 1 this year. Again from 01/01/2027."
    assert len(_actions_of(till, member.id, "survey")) == 1


def test_a_double_press_records_the_action_once(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    member = enrol(till, "Tô Ngọc Vy", "0913333333")
    window = _serving(qtbot, make_window)
    _open_actions(qtbot, window, member)
    actions = window.actions_panel
    button = actions.buttons["review"]
    qtbot.keyClick(button, Qt.Key.Key_2)
    qtbot.keyClick(button, Qt.Key.Key_2)  # the impatient second press
    qtbot.waitUntil(
        lambda: actions.cap_labels["review"].text() == "Recorded just now. 1 of 2 left this month"
    )
    qtbot.waitUntil(lambda: not actions.in_flight)
    assert len(_actions_of(till, member.id, "review")) == 1
    # Pressed again once it is recorded: the same entry id, so nothing new is written.
    qtbot.keyClick(button, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: window.message.text().startswith("Already recorded, nothing new was written."))
    assert "press F7 again" in window.message.text()
    assert len(_actions_of(till, member.id, "review")) == 1
    assert till.svc.members.get(member.id).balance == 60


def test_a_reference_is_typed_then_kept_with_the_action(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Lý Văn Phúc", "0914444444")
    window = _serving(qtbot, make_window)
    _open_actions(qtbot, window, member)
    actions = window.actions_panel
    qtbot.keyClick(actions.buttons["recycling"], Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert actions.reference.hasFocus()
    qtbot.keyClicks(actions.reference, "REV-2031")  # digits typed here stay in the field
    assert actions.reference.text() == "REV-2031" and _actions_of(till, member.id, "review") == []
    qtbot.keyClick(actions.reference, Qt.Key.Key_Return)
    assert actions.buttons["recycling"].hasFocus()
    assert window.message.text() == "Now press the number of the action to record it with this reference."
    qtbot.keyClick(actions.buttons["recycling"], Qt.Key.Key_2)
    qtbot.waitUntil(lambda: _actions_of(till, member.id, "review") == ["REV-2031"])
    qtbot.waitUntil(lambda: actions.reference.text() == "")  # not carried to the next action


def test_f7_needs_a_member_and_the_screen_speaks_the_window_language(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Bùi Gia Long", "0915555555")
    window = _serving(qtbot, make_window, language="vi")
    qtbot.keyClick(window.search.field, Qt.Key.Key_F7)
    assert window.counter.currentWidget() is window.search
    assert window.message.text() == "Hãy mở hội viên trước (chạm thẻ, quét mã hoặc tìm kiếm), rồi bấm F7."
    _open_actions(qtbot, window, member)
    actions = window.actions_panel
    assert actions.title.text() == "Tích điểm không cần mua hàng"
    assert actions.buttons["recycling"].text() == "1. Đổi vỏ chai tái chế: +5 điểm"
    assert actions.cap_labels["survey"].text() == "Còn 1/1 lần trong năm nay"
    qtbot.keyClick(actions.buttons["recycling"], Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: actions.title.text() == "Actions without a purchase")
    assert actions.cap_labels["survey"].text() == "1 of 1 left this year"
    assert window.actions_button.text() == "Actions (F7)"


def test_a_new_program_version_reaches_the_screens_between_customers(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    """A version installed while the window is open (by a command here, or pulled from the central) is the
    one the next customer meets: its actions on F7, its rewards on the member panel."""
    member = enrol(till, "Đặng Thị Thảo", "0911111111")
    window = _serving(qtbot, make_window)
    _open_actions(qtbot, window, member)
    assert "survey" in window.actions_panel.codes
    window.clear_member()

    current = load_program(PROGRAM_FILE)
    data = json.loads(current.canonical_json())
    data["version"] = current.version + "-b"
    data["actions"] = {"review": data["actions"]["review"]}  # only the review earns points now
    till.svc.programs.install(SYSTEM, parse_program(data))

    window.clear_member()  # the next customer: the screens read the active program again
    qtbot.waitUntil(lambda: window.ctx.program.version == current.version + "-b")
    _open_actions(qtbot, window, member)
    assert window.actions_panel.codes == ["review"]
    assert window.member_panel.program.version == current.version + "-b"
