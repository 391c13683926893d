"""The customer display: its view-model's states (after a sale, a return and an action too), what it never
shows, and where it is placed."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.ui.customer import CustomerDisplay, CustomerModel, CustomerState, first_name, place
from app.ui.i18n import Language
from app.ui.window import TillWindow
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]


def _values(state: CustomerState) -> list[str]:
    return [str(v) for v in dataclasses.asdict(state).values()]


def test_states_idle_greeting_sale_thanks_idle(qtbot: QtBot, till: Till) -> None:
    member = enrol(till, "Nguyễn Thị Lan", "0901111111")
    model = CustomerModel("Cửa hàng Demo", thanks_ms=50)
    display = CustomerDisplay(model)
    qtbot.addWidget(display)
    lang = Language(parent=display)
    lang.set("en")
    assert model.state.screen == "idle"
    assert display.big.text() == "Welcome" and display.line1.text() == "Cửa hàng Demo"

    model.greet(member)
    assert model.state.screen == "greeting" and model.state.name == "Lan" and model.state.balance == 50
    assert display.big.text() == "Hello Lan"
    assert display.line2.text() == "Your balance: 50 points"
    assert "more to Bạc" in display.line3.text()
    assert display.progress.isVisibleTo(display)

    model.sale(member, earned=85, redeemed=0)
    assert display.line1.text() == "+85 points today"
    model.sale(member, earned=20, redeemed=100)
    assert display.line1.text() == "+20 points today  ·  100 points used"

    model.thanks()
    assert model.state.screen == "thanks" and display.big.text() == "Thank you, Lan!"
    qtbot.waitUntil(lambda: model.state.screen == "idle")  # then back to idle by itself
    assert display.big.text() == "Welcome"

    lang.set("vi")  # Qt posts LanguageChange to every window: retranslated on the next turn of the loop
    qtbot.waitUntil(lambda: display.big.text() == "Xin kính chào quý khách")
    lang.release()


def test_the_view_model_never_holds_staff_pins_contacts_or_other_members(till: Till) -> None:
    lan = enrol(till, "Nguyễn Thị Hồng", "0901111111")
    other = enrol(till, "Trần Văn Bảo", "0902222222")
    model = CustomerModel("Cửa hàng Demo")
    states = [model.state]
    model.greet(lan)
    states.append(model.state)
    model.sale(lan, earned=10, redeemed=5)
    states.append(model.state)
    model.thanks()
    states.append(model.state)
    forbidden = [
        till.cashier.name,
        till.manager.name,
        "1111",
        "9999",
        "1001",
        "9001",
        lan.phone or "",
        lan.member_number,
        lan.referral_code,
        lan.full_name,  # the given name only, never the full name
        other.full_name,
        "Bảo",
    ]
    for state in states:
        values = _values(state)
        for secret in forbidden:
            assert all(secret not in v for v in values), (secret, state)
    # Only plain values: nothing in the state can reach back into the member or the services.
    for state in states:
        for value in dataclasses.asdict(state).values():
            assert value is None or isinstance(value, (str, int))


def test_first_name_is_the_given_name() -> None:
    assert first_name("Nguyễn Thị Lan") == "Lan"
    assert first_name("  ") == ""


def test_alone_on_one_screen_it_is_a_normal_window(qtbot: QtBot) -> None:
    display = CustomerDisplay(CustomerModel("Shop"))
    qtbot.addWidget(display)
    assert place(display) is False
    assert display.isVisible() and not display.isFullScreen()


SECOND_SCREEN = """
import json, os, sys
from PySide6.QtWidgets import QApplication
from app.ui.customer import CustomerDisplay, CustomerModel, place
app = QApplication(sys.argv[:1])
display = CustomerDisplay(CustomerModel("Shop"))
placed = place(display)
app.processEvents()
print(json.dumps({"placed": placed, "screen": display.screen().name(), "x": display.geometry().x()}))
"""


def test_with_a_second_screen_it_goes_there_full_screen(tmp_path: Path) -> None:
    config = tmp_path / "screens.json"
    config.write_text(
        '{"screens": [{"name": "counter", "x": 0, "y": 0, "width": 1280, "height": 800},'
        ' {"name": "customer", "x": 1280, "y": 0, "width": 1024, "height": 600}]}'
    )
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", SECOND_SCREEN],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"placed": true' in done.stdout and '"screen": "customer"' in done.stdout
    assert '"x": 1280' in done.stdout


def _window_and_display(qtbot: QtBot, make_window: MakeWindow) -> tuple[TillWindow, CustomerDisplay]:
    window = make_window("en")
    display = CustomerDisplay(window.customer)  # a second view of the window's own view-model
    qtbot.addWidget(display)
    sign_in(qtbot, window)
    return window, display


def _return(qtbot: QtBot, window: TillWindow, receipt: str) -> None:
    """F6, the receipt number, Enter to find it (the rest is refunded), Enter to confirm."""
    qtbot.keyClick(window, Qt.Key.Key_F6)
    returns = window.returns
    qtbot.keyClicks(returns.receipt, receipt)
    qtbot.keyClick(returns.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.open is not None and returns.preview is not None, timeout=20_000)
    qtbot.keyClick(returns.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.open is not None and returns.open.done, timeout=20_000)


def _said(state: CustomerState, display: CustomerDisplay) -> str:
    texts = [display.big.text(), display.line1.text(), display.line2.text(), display.line3.text()]
    return "\n".join(texts + _values(state))


def test_after_a_return_the_customer_sees_the_points_and_the_new_balance_then_thanks(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    friend = enrol(till, "Lâm Thị Yến", "0903030303")
    member = till.svc.members.enroll(
        till.cashier, "Trương Minh Khôi", phone="0904040404", referral_code=friend.referral_code
    ).member  # 50 welcome points
    till.svc.points.award(
        till.cashier, member.id, Basket.of_total(Money(1_000_000)), "HD1"
    )  # +100, +50 bonus
    till.svc.points.redeem(till.cashier, member.id, 100, bill=Money(1_000_000), receipt_ref="HD1")  # 100 left
    window, display = _window_and_display(qtbot, make_window)
    _return(qtbot, window, "HD1")  # from the waiting screen: refunded in full
    model = window.customer
    assert model.state.screen == "return"
    assert display.big.text() == "Hello Khôi"
    # The sale's 100 and the referral welcome's 50 taken back; the 100 that paid are given back.
    assert display.line1.text() == "Return: 150 points taken back  ·  100 points given back"
    assert display.line2.text() == "Your balance: 50 points"
    assert model.state.balance == till.svc.members.get(member.id).balance == 50
    said = _said(model.state, display)
    for secret in ("Mai", "1111", "1001", "Yến", "Lâm", friend.member_number, member.member_number, "0904"):
        assert secret not in said, secret
    qtbot.keyClick(window.returns.receipt, Qt.Key.Key_Escape)  # the customer is done
    assert model.state.screen == "thanks" and display.big.text() == "Thank you, Khôi!"
    assert display.line1.text() == "Your balance: 50 points"


def test_the_next_receipt_typed_thanks_the_last_customer_of_the_returns_screen(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Cao Thị Lụa", "0905050505")
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(500_000)), "HD1")
    window, display = _window_and_display(qtbot, make_window)
    _return(qtbot, window, "HD1")
    assert window.customer.state.screen == "return"
    window.returns.receipt.selectAll()
    qtbot.keyClicks(window.returns.receipt, "HD2")  # the next customer's receipt
    assert window.customer.state.screen == "thanks" and display.big.text() == "Thank you, Lụa!"


def test_a_return_for_someone_else_leaves_the_display_when_the_cashier_goes_back(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    served = enrol(till, "Mạc Đĩnh Chi", "0906060606")
    other = enrol(till, "Tôn Nữ Hạnh", "0907070707")
    till.svc.points.award(till.cashier, other.id, Basket.of_total(Money(300_000)), "HD9")
    window, display = _window_and_display(qtbot, make_window)
    window.open_member_id(served.id)
    qtbot.waitUntil(lambda: window.member is not None)
    assert display.big.text() == "Hello Chi"
    _return(qtbot, window, "HD9")
    assert display.big.text() == "Hello Hạnh" and display.line1.text() == "Return: 30 points taken back"
    qtbot.keyClick(window.returns.receipt, Qt.Key.Key_Escape)  # back to the member being served
    assert window.customer.state.screen == "greeting" and display.big.text() == "Hello Chi"
    assert "Hạnh" not in _said(window.customer.state, display)


def test_after_an_action_the_customer_sees_its_points_and_the_new_balance_then_thanks(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Kiều Thanh Tâm", "0908080808")  # 50
    window, display = _window_and_display(qtbot, make_window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    qtbot.keyClick(window.sale.total, Qt.Key.Key_F7)
    actions = window.actions_panel
    qtbot.waitUntil(actions.buttons["review"].isEnabled)
    qtbot.keyClick(actions.buttons["recycling"], Qt.Key.Key_2)  # the review: +10
    qtbot.waitUntil(lambda: window.customer.state.screen == "action", timeout=20_000)
    assert display.big.text() == "Hello Tâm"
    assert display.line1.text() == "Đánh giá sản phẩm: +10 points"
    assert display.line2.text() == "Your balance: 60 points"
    assert "Mai" not in _said(window.customer.state, display)
    qtbot.keyClick(actions.buttons["review"], Qt.Key.Key_Escape)  # back to the member: still theirs
    assert window.customer.state.screen == "action"
    qtbot.keyClick(window.sale.total, Qt.Key.Key_Escape)  # the customer is done
    assert window.customer.state.screen == "thanks" and display.big.text() == "Thank you, Tâm!"
    assert display.line1.text() == "Your balance: 60 points"


def test_return_and_action_states_in_vietnamese(qtbot: QtBot, till: Till) -> None:
    member = enrol(till, "Nguyễn Thị Lan", "0901111111")
    model = CustomerModel("Cửa hàng Demo")
    display = CustomerDisplay(model)
    qtbot.addWidget(display)
    lang = Language(parent=display)
    lang.set("vi")
    model.returned(member, 45, 100)
    qtbot.waitUntil(lambda: display.line1.text() == "Trả hàng: trừ 45 điểm  ·  hoàn lại 100 điểm")
    model.action(member, "Đổi vỏ chai tái chế", 5)
    assert display.line1.text() == "Đổi vỏ chai tái chế: +5 điểm"
    lang.release()
