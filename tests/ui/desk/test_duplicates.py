"""The desk's Duplicates page on the real window: likely duplicates found off the UI thread, the merge
previewed (balances, lots and expiry, cards, the stricter consent), then confirmed by a manager (in place
when a cashier is signed in); the phone clean-up's list beside them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services import ConsentInput
from app.services.views import MemberView
from app.store import models as m
from app.ui.desk.duplicates import DuplicatesPage
from app.ui.window import TillWindow
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.ui.conftest import sign_in

MakeWindow = Callable[..., TillWindow]
WAIT = 20_000  # ms: a generous bound; the finder takes milliseconds here


def _two_lans(till: Till) -> tuple[MemberView, MemberView]:
    lan = till.svc.members.enroll(
        till.cashier,
        "Nguyễn Thị Lan",
        phone="0901234567",
        birthday=date(1990, 5, 17),
        consents=(ConsentInput("marketing", True, "2026-01"),),
    ).member
    again = till.svc.members.enroll(
        till.cashier,
        "Lan Nguyen Thi",
        email="lan@example.vn",
        birthday=date(1990, 5, 17),
        consents=(ConsentInput("marketing", False, "2026-01"),),
    ).member
    till.svc.points.award(till.cashier, again.id, Basket.of_total(Money(1_000_000)), "HD1")
    till.svc.cards.link(till.cashier, again.id, till.svc.cards.ref_for_uid("04AB000000AB01"))
    return lan, again


def _open(
    qtbot: QtBot, make_window: MakeWindow, code: str, pin: str, language: str = "en"
) -> tuple[TillWindow, DuplicatesPage]:
    window = make_window(language=language)
    sign_in(qtbot, window, code, pin)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    window.desk.show_page(window.desk_duplicates)
    page = window.desk_duplicates
    qtbot.waitUntil(lambda: page.findings is not None, timeout=WAIT)
    return window, page


def _cell(page: DuplicatesPage, row: int, col: int) -> str:
    item = page.preview_table.item(row, col)
    return item.text() if item is not None else ""


def test_a_manager_finds_previews_and_merges(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    lan, again = _two_lans(till)
    window, page = _open(qtbot, make_window, "9001", "9999")
    assert page.summary.text() == "Likely duplicates found: 1."
    assert page.pairs_table.rowCount() == 1
    assert page.pairs_table.item(0, 0).text() == (
        f"Nguyễn Thị Lan (no. {lan.member_number})\nLan Nguyen Thi (no. {again.member_number})"
    )
    assert page.pairs_table.item(0, 1).text() == "name alike, same birthday\nnames 100% alike"
    assert page.cleanup_table.isHidden()  # nothing from the phone clean-up here

    assert not page.merge_button.isEnabled()
    qtbot.keyClick(page.reason, Qt.Key.Key_Return)  # Enter with nothing chosen
    assert window.message.text() == "Choose a pair in the list first: the merge is shown before it is done."
    page.pairs_table.selectRow(0)
    qtbot.waitUntil(lambda: page.preview is not None, timeout=WAIT)
    assert page.preview_title.text() == (
        f"Merge no. {again.member_number} into no. {lan.member_number}: Nguyễn Thị Lan keeps their number."
    )
    # Rows: member, balance, lots, overdraft, cards, consents; columns: kept, merged in, after.
    assert (
        _cell(page, 1, 0) == "50 points"
        and _cell(page, 1, 1) == "150 points"
        and _cell(page, 1, 2) == "200 points"
    )
    assert _cell(page, 0, 2).splitlines() == [
        "Nguyễn Thị Lan",
        f"no. {lan.member_number}",
        "0901 234 567",
        "lan@example.vn",  # the e-mail moves to the survivor, who had none
        "born 17/05/1990",
    ]
    assert _cell(page, 2, 1).startswith("150 points, expire ")  # lots expiring the same day: one line
    assert _cell(page, 2, 2) == _cell(page, 2, 1).replace("150", "200")  # every lot keeps its expiry
    assert _cell(page, 3, 2) == "none"
    assert _cell(page, 4, 0) == "none" and _cell(page, 4, 2) == "····AB01 (works)"
    assert (_cell(page, 5, 0), _cell(page, 5, 1), _cell(page, 5, 2)) == (
        "Marketing: yes (text 2026-01)\nPersonal offers: not asked",
        "Marketing: no (text 2026-01)\nPersonal offers: not asked",
        "Marketing: no (text 2026-01)\nPersonal offers: not asked",  # a no beats a yes
    )

    page.merge_button.click()
    assert window.message.text() == "Type why these two are one person, then press Merge."
    assert page.reason.hasFocus()
    qtbot.keyClicks(page.reason, "same person, enrolled twice")
    qtbot.keyClick(page.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.pairs_table.rowCount() == 0, timeout=WAIT)
    assert window.message.text() == (
        f"No. {again.member_number} is merged into Nguyễn Thị Lan (no. {lan.member_number}): 200 points now, "
        "cards and history together."
    )
    assert till.svc.members.get(lan.id).balance == 200
    assert page.preview is None and page.preview_table.rowCount() == 0


def test_a_cashier_sees_the_pair_and_a_manager_approves_the_merge_in_place(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    lan, again = _two_lans(till)
    window, page = _open(qtbot, make_window, "1001", "1111")
    page.pairs_table.selectRow(0)
    qtbot.waitUntil(lambda: page.preview is not None, timeout=WAIT)
    page.swap_button.click()  # keep the other one
    qtbot.waitUntil(
        lambda: page.preview is not None and page.preview.keep.member.id == again.id, timeout=WAIT
    )
    page.reason.setText("same person")
    page.merge_button.click()
    assert page.approval.waiting and page.approval.code.hasFocus()
    assert page.approval.reason.text() == (
        f"Merging members needs a manager: no. {lan.member_number} into no. {again.member_number}."
    )
    qtbot.keyClicks(page.approval.code, "9001")
    qtbot.keyClicks(page.approval.pin, "9999")
    qtbot.keyClick(page.approval.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.pairs_table.rowCount() == 0, timeout=WAIT)
    assert window.message.text().startswith(f"No. {lan.member_number} is merged into Lan Nguyen Thi")
    with till.store.read() as s:
        merged_by = s.scalar(select(m.AuditRecord.staff_id).where(m.AuditRecord.action == "member.merge"))
        status = s.scalar(select(m.Member.status).where(m.Member.id == lan.id))
    assert merged_by == till.manager.staff_id and status == "merged"


def test_the_phone_clean_up_list_and_its_refusals(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    keep = till.svc.members.enroll(till.cashier, "Võ Thị Mai", phone="0901234567").member
    dup = till.svc.members.enroll(till.cashier, "Võ Mai").member
    bad = till.svc.members.enroll(till.cashier, "Đặng Văn Tú").member
    with till.store.write() as s:
        s.add(
            m.MemberDuplicate(
                member_id=dup.id,
                duplicate_of_id=keep.id,
                reason="phone",
                value="+84901234567",
                old_value="090 123 4567",
                found_at=till.clock.now,
            )
        )
        s.add(m.MemberDuplicate(member_id=bad.id, reason="invalid_phone", old_value="0901 23"))
    window, page = _open(qtbot, make_window, "9001", "9999")
    assert not page.cleanup_table.isHidden() and page.cleanup_table.rowCount() == 2
    assert page.cleanup_table.item(0, 0).text() == (
        f"Võ Mai (no. {dup.member_number})\nsame number as Võ Thị Mai (no. {keep.member_number})"
    )
    assert page.cleanup_table.item(0, 1).text() == "090 123 4567\nfound 02/03/2026"
    assert page.cleanup_table.item(1, 0).text().endswith("\nnot a valid number")
    assert page.pairs_table.item(0, 1).text().startswith("same phone\n")  # the finder sees it too
    page.cleanup_table.selectRow(1)
    assert window.message.text() == (
        f"Member no. {bad.member_number} had a phone number that is not valid (0901 23): correct it on the "
        "member's page; there is nobody to merge."
    )
    page.cleanup_table.selectRow(0)
    qtbot.waitUntil(lambda: page.preview is not None, timeout=WAIT)
    assert page.preview.merge.member.id == dup.id and page.preview.keep.member.id == keep.id
    page.reason.setText("same number")
    page.merge_button.click()
    qtbot.waitUntil(lambda: page.cleanup_table.rowCount() == 1, timeout=WAIT)
    page.choose(bad.id, keep.id)
    qtbot.waitUntil(lambda: page.preview is not None, timeout=WAIT)
    with qtbot.waitSignal(page.member_requested, timeout=WAIT) as opened:
        page.open_button.click()
    assert opened.args == [keep.id]


def test_the_page_speaks_vietnamese(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    _two_lans(till)
    window, page = _open(qtbot, make_window, "9001", "9999", language="vi")
    assert window.desk.tabs.tabText(window.desk.tabs.indexOf(page)) == "Trùng lặp"
    assert page.pairs_table.item(0, 1).text().splitlines()[0] == "tên giống nhau, cùng ngày sinh"
    assert page.merge_button.text() == "&Gộp (quản lý)"
    page.pairs_table.selectRow(0)
    qtbot.waitUntil(lambda: page.preview is not None, timeout=WAIT)
    assert _cell(page, 5, 2).splitlines()[0] == "Nhận khuyến mãi: không (văn bản 2026-01)"
