"""The desk's Program page on the real window: the active program in plain words (in both languages), what
changed between two versions, a file checked with its mistakes on their lines, and a new version installed by
a manager (a cashier may check a file, not install it)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.demo import PROGRAM_FILE
from app.services.program_text import TEXT, WORDS
from app.ui.desk import program_words
from app.ui.desk.program import ProgramPage
from app.ui.i18n import TRANSLATIONS_DIR, money
from app.ui.window import TillWindow
from loyalty.program import load_program
from tests.services.conftest import Till
from tests.ui.conftest import sign_in

MakeWindow = Callable[..., TillWindow]
WAIT = 20_000  # ms: generous; reading a program takes milliseconds here

BROKEN = """\
version = "2026.9"
name = "Thẻ thử"

[earn]
spend_step = 0
rounding = "sideways"

[redemption]
point_value = 1000
"""


def _open(
    qtbot: QtBot, make_window: MakeWindow, code: str = "9001", pin: str = "9999", language: str = "en"
) -> tuple[TillWindow, ProgramPage]:
    window = make_window(language=language)
    sign_in(qtbot, window, code, pin)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    page = window.desk_program
    window.desk.show_page(page)
    qtbot.waitUntil(lambda: bool(page.versions) and page.selected in page.programs, timeout=WAIT)
    return window, page


def _next_version(tmp_path: Path, *replace: tuple[str, str]) -> Path:
    """The demo program as version 2026.3, with each (old, new) text replaced once."""
    text = PROGRAM_FILE.read_text(encoding="utf-8").replace('version = "2026.2"', 'version = "2026.3"')
    for old, new in replace:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "next.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_active_program_in_plain_words_in_both_languages(qtbot: QtBot, make_window: MakeWindow) -> None:
    window, page = _open(qtbot, make_window)
    assert page.heading.text() == "Thẻ Thành Viên — Cửa hàng Demo, version 2026.2 (active)"
    text = page.reading.toPlainText()
    assert f"Points: 1 per {money(10_000)} spent; a sale's points are rounded down." in text
    assert f"Example: a bill of {money(250_000)} earns 25 points." in text
    assert "Bạc (silver): from" in text and "Example: at this tier" in text
    assert "On Monday, Tuesday, Wednesday, Thursday, Friday." in text
    assert "From 14:00 to 17:00." in text
    assert "Đổi vỏ chai tái chế (recycling): 5 points each time, up to 4 a month." in text
    assert "Points expire at the end of the month, 12 months after they are earned." in text
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == "2026.2  ✓"
    assert page.table.item(0, 2).text() == "the till's set-up"

    window.language.set("vi")
    qtbot.waitUntil(lambda: "Tích điểm" in page.reading.toPlainText(), timeout=WAIT)
    text = page.reading.toPlainText()
    assert f"Tích điểm: 1 điểm cho mỗi {money(10_000)} chi tiêu" in text
    assert "Ngành hàng bakery: điểm ×1,5." in text
    assert "Vào Thứ Hai, Thứ Ba, Thứ Tư, Thứ Năm, Thứ Sáu." in text
    assert page.heading.text().endswith("(đang dùng)")
    assert page.table.horizontalHeaderItem(0).text() == "Phiên bản"


def test_what_changed_between_two_versions(
    qtbot: QtBot, till: Till, make_window: MakeWindow, tmp_path: Path
) -> None:
    till.clock.advance(days=1)
    till.svc.programs.install_file(
        till.manager,
        _next_version(
            tmp_path,
            ("welcome_bonus = 50", "welcome_bonus = 80"),
            ('points = 50\nkind = "free_item"', 'points = 60\nkind = "free_item"'),
        ),
    )
    _window, page = _open(qtbot, make_window)
    assert page.selected == "2026.3" and page.table.rowCount() == 2
    page.compare_box.setCurrentIndex(page.compare_box.findData("2026.2"))
    page.compare_box.activated.emit(page.compare_box.currentIndex())
    qtbot.waitUntil(lambda: "What changed" in page.reading.toPlainText(), timeout=WAIT)
    text = page.reading.toPlainText()
    assert "What changed from version 2026.2 to version 2026.3" in text
    assert "Version: 2026.2 → 2026.3" in text
    assert "Welcome bonus: 50 → 80" in text
    assert "Rewards › COFFEE › points: 50 → 60" in text
    # The older version, in words, from the list.
    page.show_version("2026.2")
    qtbot.waitUntil(lambda: "version 2026.2" in page.heading.text(), timeout=WAIT)
    assert "(active)" not in page.heading.text()
    assert "Welcome bonus: 50 points at enrolment." in page.reading.toPlainText()


def test_a_file_with_mistakes_shows_each_on_its_line(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN, encoding="utf-8")
    _window, page = _open(qtbot, make_window)
    qtbot.keyClicks(page.path, str(path))
    qtbot.keyClick(page.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.check is not None, timeout=WAIT)
    assert page.stack.currentWidget() is page.file_page
    assert "cannot be installed: 2 mistake(s)" in page.verdict.text()
    rows = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert rows[0] == "Line 5: earn.spend_step: must be more than 0"
    assert rows[1] == "Line 6: earn.rounding: must be one of 'down', 'half_up' or 'up'"
    assert len(page.file_view.extraSelections()) == 2
    assert page.file_view.toPlainText().splitlines()[4] == "5 │ spend_step = 0"
    assert not page.install_button.isEnabled()
    # Choosing a mistake puts the cursor on its line in the file's text.
    page.problems.setCurrentRow(1)
    page.problems.itemActivated.emit(page.problems.item(1))
    assert page.file_view.textCursor().blockNumber() == 5
    page.back_button.click()
    assert page.stack.currentWidget() is page.reading


def test_a_manager_installs_a_new_version_from_a_chosen_file(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    path = _next_version(tmp_path, ("welcome_bonus = 50", "welcome_bonus = 80"))
    window, page = _open(qtbot, make_window)
    page.browse()
    dialog = page.dialog
    assert isinstance(dialog, QFileDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert page.isEnabled()  # the window is not held by the dialog: open(), never exec()
    dialog.fileSelected.emit(str(path))
    dialog.close()
    assert page.path.text() == str(path)
    qtbot.waitUntil(lambda: page.check is not None, timeout=WAIT)
    assert page.check.ok and "The file is correct" in page.verdict.text()
    changes = page.changes_view.toPlainText()
    assert "What changes from the active version 2026.2" in changes and "Welcome bonus: 50 → 80" in changes
    assert page.install_button.isEnabled()
    assert page.install_button.text() == "Install version 2026.3 and make it active"
    page.install_button.click()
    qtbot.waitUntil(lambda: window.ctx.program.version == "2026.3", timeout=WAIT)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=WAIT)
    assert window.message.text() == "Version 2026.3 is installed and active: the next sale follows its rules."
    assert window.ctx.svc.programs.active().version == "2026.3"
    assert page.stack.currentWidget() is page.reading
    qtbot.waitUntil(lambda: "version 2026.3 (active)" in page.heading.text(), timeout=WAIT)
    # The same file again: installed and active already.
    page.path.setText(str(path))
    page.check_file()
    qtbot.waitUntil(lambda: page.check is not None, timeout=WAIT)
    assert "installed and active already" in page.verdict.text() and not page.install_button.isEnabled()


def test_a_cashier_checks_a_file_but_cannot_install_it(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    path = _next_version(tmp_path)
    window, page = _open(qtbot, make_window, "1001", "1111")
    assert page.file_hint.text() == "Only a manager can install a program; anyone can check a file."
    page.path.setText(str(path))
    page.check_file()
    qtbot.waitUntil(lambda: page.check is not None, timeout=WAIT)
    assert page.check.ok and not page.install_button.isEnabled()
    page.install()  # asked anyway (a shortcut, a script): the service refuses, in one sentence
    qtbot.waitUntil(lambda: window.message.text().startswith("Only a manager can"), timeout=WAIT)
    assert load_program(path).version == "2026.3"
    assert window.ctx.svc.programs.active().version == "2026.2"


def test_a_missing_file_is_one_sentence(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> None:
    _window, page = _open(qtbot, make_window)
    page.path.setText(str(tmp_path / "nowhere.toml"))
    page.check_file()
    qtbot.waitUntil(lambda: page.check is not None, timeout=WAIT)
    (row,) = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert row.startswith("cannot read nowhere.toml:")
    page.path.clear()
    page.check_file()
    assert _window.message.text() == "Type the path of the program file, or choose it."


def test_every_program_text_is_listed_for_linguist_and_has_vietnamese() -> None:
    assert set(program_words.TEMPLATES) == set(TEXT.values())
    assert set(program_words.WORDS) == set(WORDS)
    root = ET.parse(TRANSLATIONS_DIR / "till_vi.ts").getroot()
    (context,) = [c for c in root.iter("context") if c.findtext("name") == "ProgramText"]
    finished = {
        m.findtext("source")
        for m in context.iter("message")
        if (t := m.find("translation")) is not None and t.get("type") is None and t.text
    }
    assert set(TEXT.values()) | set(WORDS) <= finished
