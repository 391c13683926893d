"""Vietnamese first, English second: the catalogue is complete, switching needs no restart, errors speak the
window's language, money and points follow QLocale."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

import app.__main__
import app.services.staff
import app.store.errors
from app.ui.errors import TEMPLATES
from app.ui.i18n import TRANSLATIONS_DIR, Language, money, parse_points, phone, points
from app.ui.window import TillWindow
from loyalty.errors import LoyaltyError
from tests.ui.conftest import sign_in

MakeWindow = Callable[..., TillWindow]
# Store errors that only the command line meets (opening, backing up or restoring the file).
CLI_ONLY = {
    "NotOurDatabase",
    "CorruptDatabase",
    "DatabaseTooNew",
    "EmptyDatabase",
    "OrphanedJournal",
    "DatabaseInUse",
    "BackupFailed",
    "AmbiguousMember",
    # Enrolling a till and syncing by hand (python -m app enroll-till / sync): the window's status bar shows the
    # engine's state in its own words (app/ui/status.py), never these.
    "SyncError",
    "NotEnrolled",
    "CentralUnreachable",
    "TillRefused",
    "EnrollmentRefused",
    "BadCentralAddress",
    "TillHasHistory",
}


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_error_the_window_can_show_is_in_the_catalogue() -> None:
    assert app.store.errors.DatabaseBusy in _subclasses(LoyaltyError)
    for cls in _subclasses(LoyaltyError):
        if cls.__name__ not in CLI_ONLY and not cls.__module__.startswith("tests"):
            assert cls.template in TEMPLATES, cls


def test_every_vietnamese_translation_is_finished_and_keeps_its_placeholders() -> None:
    root = ET.parse(TRANSLATIONS_DIR / "till_vi.ts").getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 100
    for message in messages:
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None, source
        text = translation.text or ""
        assert text.strip(), source
        placeholders = {p.split("}")[0] for p in source.split("{")[1:]}
        assert placeholders == {p.split("}")[0] for p in text.split("{")[1:]}, source
        assert source.count("&") == text.count("&"), source  # keyboard accelerators kept


def test_switching_language_at_run_time_retranslates_everything(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(language="vi")
    assert window.signin.title.text() == "Đăng nhập"
    qtbot.keyClicks(window.signin.code, "1001")
    qtbot.keyClicks(window.signin.pin, "0000")
    qtbot.keyClick(window.signin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.signin.message.text() == "Sai mã nhân viên hoặc mã PIN.")
    sign_in(qtbot, window)
    search = window.search
    assert search.prompt.text() == "Chạm thẻ, quét mã hoặc tìm kiếm"
    assert [search.table.horizontalHeaderItem(i).text() for i in range(3)] == [
        "Họ tên",
        "Số hội viên",
        "Điện thoại",
    ]
    assert window.language_button.text() == "English (F12)"
    qtbot.keyClick(search.field, Qt.Key.Key_F12)
    assert window.language.code == "en"
    qtbot.waitUntil(lambda: search.prompt.text() == "Tap, scan or search")
    assert [search.table.horizontalHeaderItem(i).text() for i in range(3)] == [
        "Name",
        "Member number",
        "Phone",
    ]
    assert window.staff.text() == "Cashier: Mai"
    assert window.language_button.text() == "Tiếng Việt (F12)"
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.staff.text() == "Thu ngân: Mai")


def test_every_control_has_an_accessible_name_and_a_touch_size(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(language="vi")
    sign_in(qtbot, window)
    window.resize(1280, 800)
    for control in window.findChildren(QLineEdit) + window.findChildren(QPushButton):
        assert control.accessibleName(), control
        if control.isVisibleTo(window):
            assert control.sizeHint().height() >= 48 or control.minimumHeight() >= 48, (
                control.accessibleName()
            )


def test_money_and_points_follow_the_language(qtbot: QtBot) -> None:
    lang = Language()
    assert isinstance(QApplication.instance(), QApplication)
    lang.set("vi")
    try:
        assert money(1_250_000) == "1.250.000 ₫"
        assert points(1250) == "1.250"
        assert QLocale().toString(QLocale().toDate("02/03/2026", "dd/MM/yyyy"), "dd/MM/yyyy") == "02/03/2026"
        lang.set("en")
        assert money(1_250_000) == "1,250,000 ₫"
        assert money(-1999, "USD") == "-19.99 $"
    finally:
        lang.set("en")
        lang.release()


@pytest.mark.parametrize(
    ("text", "value"), [("1.000", 1000), ("1,000", 1000), (" 50 ", 50), ("", None), ("5x", None)]
)
def test_points_typed_by_a_cashier(text: str, value: int | None) -> None:
    assert parse_points(text) == value


def test_phone_numbers_are_shown_as_written_in_the_store_country() -> None:
    assert phone("+84901234567", "VN") == "0901 234 567"
    assert phone("+447911123456", "VN") == "+44 7911 123456"
    assert phone(None, "VN") == ""
