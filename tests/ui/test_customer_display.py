"""The customer display: its view-model's states, what it never shows, and where it is placed."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.ui.customer import CustomerDisplay, CustomerModel, CustomerState, first_name, place
from app.ui.i18n import Language
from tests.services.conftest import Till
from tests.ui.conftest import enrol


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
