"""The desk's Audit page on the real window: filtered keyset pages, a record opening its member, the hash
chains checked off the UI thread (an edit made with raw sqlite3 is named), the CSV export, and a cashier
refused in a sentence."""

from __future__ import annotations

import csv
import sqlite3
import threading
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.services import ConsentInput
from app.ui.desk.audit import AuditLogPage
from app.ui.desk.background import BackgroundJob
from app.ui.window import TillWindow
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]
WAIT = 20_000  # ms: generous; the check and the export take milliseconds here


def _open(
    qtbot: QtBot, make_window: MakeWindow, code: str = "9001", pin: str = "9999", language: str = "en"
) -> tuple[TillWindow, AuditLogPage]:
    window = make_window(language=language)
    sign_in(qtbot, window, code, pin)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    window.desk.show_page(window.desk_audit)
    page = window.desk_audit
    if window.ctx.actor is not None and window.ctx.actor.role == "manager":
        qtbot.waitUntil(lambda: page.page is not None and page.action_box.count() > 1, timeout=WAIT)
    return window, page


def _actions(page: AuditLogPage) -> list[str]:
    return [page.table.item(r, 2).text() for r in range(page.table.rowCount())]


def test_filters_pages_and_a_record_opens_its_member(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    lan = enrol(till, "Nguyễn Thị Lan", "0901234567")
    card = till.svc.cards.link(till.cashier, lan.id, till.svc.cards.ref_for_uid("04AA000000AA01"))
    till.svc.cards.block(till.cashier, card.id, "lost")
    for i in range(60):  # more than a page
        till.svc.members.record_consent(
            till.cashier, lan.id, ConsentInput("marketing", i % 2 == 0, "2026-01")
        )
    window, page = _open(qtbot, make_window)
    assert page.table.rowCount() == 50
    assert _actions(page)[0] == "Signed in"  # newest first: the manager who just signed in
    assert page.table.item(0, 1).text() == "Lan"
    assert page.older_button.isEnabled() and not page.newer_button.isEnabled()
    first = page.rows[0].seq
    page.older_button.click()
    qtbot.waitUntil(lambda: bool(page.rows) and page.rows[0].seq < first, timeout=WAIT)
    assert page.newer_button.isEnabled()
    page.newer_button.click()
    qtbot.waitUntil(lambda: bool(page.rows) and page.rows[0].seq == first, timeout=WAIT)

    page.action_box.setCurrentIndex(page.action_box.findData("card.block"))
    qtbot.keyClick(page.member_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _actions(page) == ["Card blocked"], timeout=WAIT)
    assert page.table.item(0, 3).text() == "Nguyễn Thị Lan"
    assert page.table.item(0, 3).toolTip() == f"Nguyễn Thị Lan (no. {lan.member_number})"
    assert page.table.item(0, 4).text() == "lost"
    assert page.page_line.text().startswith("Records ")

    page.action_box.setCurrentIndex(0)
    page.member_field.setText(lan.member_number)
    page.apply()
    qtbot.waitUntil(lambda: page.where.member_id == lan.id and page.table.rowCount() == 50, timeout=WAIT)
    assert set(_actions(page)) <= {"Consent recorded", "Card blocked", "Card linked"}
    page.table.setFocus()
    page.table.selectRow(0)
    with qtbot.waitSignal(page.member_requested, timeout=WAIT) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [lan.id]

    page.member_field.setText("nobody at all")
    page.apply()
    qtbot.waitUntil(lambda: "No single member" in window.message.text(), timeout=WAIT)
    assert window.message.text() == (
        "No single member matches nobody at all: type their member number or full phone number."
    )
    page.member_field.clear()
    page.since_field.setText("31/02/2026")
    page.apply()
    assert window.message.text() == "Type the day as dd/mm/yyyy, e.g. 02/03/2026."
    page.since_field.setText("03/03/2026")
    page.until_field.setText("02/03/2026")
    page.apply()
    assert window.message.text() == "The end day comes before the start day: swap them."
    page.clear_filters()
    qtbot.waitUntil(lambda: not page.loading and _actions(page)[0] == "Signed in", timeout=WAIT)
    page.table.selectRow(0)  # the manager signing in: about nobody
    page.open_row()
    assert window.message.text() == "This record is not about a member."


def test_the_chains_are_checked_off_the_ui_thread_and_an_edit_is_named(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    lan = enrol(till, "Trần Văn Bình", "0912345678")
    card = till.svc.cards.link(till.cashier, lan.id, till.svc.cards.ref_for_uid("04AA000000AA02"))
    till.svc.cards.block(till.cashier, card.id, "lost")
    _window, page = _open(qtbot, make_window)
    page.check_button.click()
    qtbot.waitUntil(lambda: page.verdict is not None, timeout=WAIT)
    assert page.verdict_line.text().startswith(
        "Intact: nothing was changed, removed or added outside the till."
    )
    assert page.verdict_line.property("tone") == "ok"

    con = sqlite3.connect(till.path)  # someone with the sqlite3 shell, the triggers dropped
    try:
        con.execute("DROP TRIGGER audit_log_no_update")
        seq = con.execute("SELECT seq FROM audit_log WHERE action = 'card.block'").fetchone()[0]
        con.execute('UPDATE audit_log SET details = \'{"reason":"found"}\' WHERE seq = ?', (seq,))
        con.commit()
    finally:
        con.close()
    page.check_button.click()
    qtbot.waitUntil(lambda: page.verdict is not None and not page.check_job.running, timeout=WAIT)
    assert page.verdict_line.text().startswith(
        "Broken: the database was changed outside the till (1 problem(s) in the audit log, 0 in the ledger)."
    )
    assert page.verdict_line.property("tone") == "error"
    assert page.problems_line.text() == f"Audit record {seq} was changed after it was written."


def test_export_to_csv_in_the_data_folder_and_a_chosen_file(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    enrol(till, "Lê Thị Hoa", "0987654321")
    window, page = _open(qtbot, make_window)
    path = page.path_field.text()
    assert path.startswith(str(till.path.parent / "exports" / "audit-")) and path.endswith(".csv")
    page.action_box.setCurrentIndex(page.action_box.findData("staff.sign_in"))
    page.apply()
    qtbot.waitUntil(lambda: set(_actions(page)) == {"Signed in"}, timeout=WAIT)
    page.export_button.click()
    qtbot.waitUntil(lambda: "records written" in window.message.text(), timeout=WAIT)
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["action"] for r in rows} == {"staff.sign_in"} and len(rows) == page.table.rowCount()
    assert window.message.text() == f"{len(rows)} records written to {path}."

    page.path_field.setText(path)  # the same file again: refused, not overwritten
    page.export_button.click()
    assert window.message.text() == f"{path} already exists: choose another name, nothing was overwritten."

    page.choose_button.click()  # a non-modal dialog: the window goes on
    dialog = page.dialog
    assert isinstance(dialog, QFileDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    chosen = str(till.path.parent / "chosen.csv")
    dialog.fileSelected.emit(chosen)
    dialog.close()
    assert page.path_field.text() == chosen
    page.export_button.click()
    qtbot.waitUntil(lambda: "chosen.csv" in window.message.text(), timeout=WAIT)


def test_a_cashier_is_refused_in_a_sentence(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    _window, page = _open(qtbot, make_window, "1001", "1111")
    assert page.refused.text() == (
        "Only a manager can read the audit log. Ask a manager to sign in (Ctrl+L, then switch)."
    )
    assert not page.check_button.isEnabled() and not page.export_button.isEnabled()
    assert page.table.rowCount() == 0


def test_the_page_speaks_vietnamese(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    window, page = _open(qtbot, make_window, language="vi")
    assert window.desk.tabs.tabText(window.desk.tabs.indexOf(page)) == "Nhật ký"
    assert _actions(page)[0] == "Đăng nhập"
    assert page.check_button.text() == "Kiểm tra chuỗi băm"
    page.check_button.click()
    qtbot.waitUntil(lambda: page.verdict is not None, timeout=WAIT)
    assert page.verdict_line.text().startswith("Nguyên vẹn:")


def test_a_background_job_can_be_stopped(qtbot: QtBot) -> None:
    job = BackgroundJob()
    started = threading.Event()

    def work(progress: Callable[[int, int], None], stop: Callable[[], bool]) -> int:
        started.set()
        count = 0
        while not stop():  # a long read, asked to stop
            count += 1
            progress(count, 0)
        raise RuntimeError("stopped early")

    assert job.start(work)
    assert not job.start(work)  # one job at a time
    started.wait(10)
    with qtbot.waitSignal(job.stopped, timeout=WAIT):
        job.stop()
    assert not job.running
    job.wait(10)
