"""The desk's Inbox page on the real window: this till's overdrafts with their facts, written off or recovered
by a manager (a cashier is refused), resolved items kept behind a filter; the central's items read off the UI
thread and resolved through it (a real central process); an unreachable central is one sentence and the
till's own part still works."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.store.integrity import check_database
from app.store.settings import set_setting
from app.ui.desk.inbox import InboxPage
from app.ui.launch import build_window
from app.ui.window import TillWindow
from central.testbed import free_port
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.services.test_reconcile import overdrawn
from tests.sync.conftest import EnrolledTill, MakeTill, central, make_till  # noqa: F401  (fixtures)
from tests.ui.conftest import sign_in

MakeWindow = Callable[..., TillWindow]
WAIT = 20_000  # ms: generous; a local look-up takes milliseconds, the central a few


def _open(qtbot: QtBot, window: TillWindow, code: str = "9001", pin: str = "9999") -> InboxPage:
    sign_in(qtbot, window, code, pin)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    page = window.desk_inbox
    window.desk.show_page(page)
    qtbot.waitUntil(lambda: page.central is not None and not page.central_loading, timeout=WAIT)
    return page


def _rows(page: InboxPage, which: str = "local") -> list[list[str]]:
    table = page.local_table if which == "local" else page.central_table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _show(qtbot: QtBot, page: InboxPage, status: str) -> None:
    page.filter_box.setCurrentIndex(page.filter_box.findData(status))
    page.filter_box.activated.emit(page.filter_box.currentIndex())
    qtbot.waitUntil(lambda: page.status == status and page.central is not None, timeout=WAIT)


def _decided_and_listed(qtbot: QtBot, window: TillWindow, page: InboxPage) -> None:
    """After a decision on the central's only open item: the central recorded it, the open list is empty, and
    the item is listed under the resolved ones."""
    qtbot.waitUntil(lambda: window.message.text().startswith("The central service recorded"), timeout=WAIT)
    qtbot.waitUntil(
        lambda: page.central is not None and page.central.state == "ok" and not page.central.items,
        timeout=WAIT,
    )
    _show(qtbot, page, "resolved")
    qtbot.waitUntil(lambda: page.central is not None and len(page.central.items) == 1, timeout=WAIT)


def test_a_manager_writes_off_an_overdraft_with_a_reason(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member_id = overdrawn(till)
    window = make_window()
    page = _open(qtbot, window)
    assert _rows(page) == [["02/03/2026", "Vũ Đức Hải", "100 of 100", "Open"]]
    assert page.central_state.text() == (
        "This till does not sync with a central service: only the overdrafts recorded here are listed."
    )
    page.local_table.selectRow(0)
    facts = page.facts.toPlainText()
    assert "Still owed" in facts and "a return after the points were spent" in facts
    assert "Return: -100 points, receipt HD1" in facts and "this till" in facts
    assert page.write_off_button.isEnabled() and page.recover_button.isEnabled()
    assert not page.dismiss_button.isVisible()
    # Enter without a reason: the reason is asked for, nothing is written.
    qtbot.keyClick(page.reason, Qt.Key.Key_Return)
    assert window.message.text() == "Type the reason first: it is kept with the decision."
    qtbot.keyClicks(page.reason, "goodwill: our mistake")
    qtbot.keyClick(page.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.local == [] and not page.busy, timeout=WAIT)
    assert window.message.text() == (
        "Written off: 100 points credited to Vũ Đức Hải; the overdraft is settled."
    )
    assert page.local_empty.text() == "No open overdraft at this till."
    assert till.svc.members.get(member_id).balance == 0
    # Resolved items are kept, behind the filter.
    _show(qtbot, page, "resolved")
    qtbot.waitUntil(lambda: len(page.local) == 1, timeout=WAIT)
    assert _rows(page)[0][-1] == "Written off"
    page.choose("till", page.local[0].id)
    facts = page.facts.toPlainText()
    assert "goodwill: our mistake" in facts and "Lan" in facts
    assert not page.write_off_button.isEnabled()
    assert page.hint.text() == "This item is resolved: it stays listed under Resolved items."
    with till.store.read() as session:
        assert check_database(session) == []


def test_recover_from_next_earnings_and_the_member_opens(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member_id = overdrawn(till)
    window = make_window()
    page = _open(qtbot, window)
    page.choose("till", page.local[0].id)
    page.recover_button.click()
    qtbot.waitUntil(lambda: page.local == [] and not page.busy, timeout=WAIT)
    assert window.message.text() == "Decided: the member's next earnings pay it back."
    _show(qtbot, page, "all")
    qtbot.waitUntil(lambda: len(page.local) == 1, timeout=WAIT)
    assert _rows(page)[0][-1] == "Recovering from next earnings"
    till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(1_500_000)), "HD7")
    page.load()
    qtbot.waitUntil(lambda: _rows(page)[0][-1] == "Recovered from next earnings", timeout=WAIT)
    page.choose("till", page.local[0].id)
    opened: list[str] = []
    page.member_requested.connect(opened.append)
    page.open_member_button.click()
    assert opened == [member_id]


def test_a_cashier_sees_the_facts_and_is_refused(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    overdrawn(till)
    window = make_window()
    page = _open(qtbot, window, "1001", "1111")
    page.choose("till", page.local[0].id)
    assert "Still owed" in page.facts.toPlainText()
    assert not page.write_off_button.isEnabled() and not page.recover_button.isEnabled()
    assert page.hint.text() == "Only a manager can resolve an item. Ask a manager to sign in."
    # Asked anyway (a script, a shortcut): the service refuses in one sentence and writes nothing.
    page.reason.setText("goodwill")
    page.resolve("write_off")
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT)
    assert window.message.text() == "Only a manager can adjust points. Ask a manager to sign in."
    page.load()
    qtbot.waitUntil(lambda: len(page.local) == 1 and not page.local[0].resolved, timeout=WAIT)


def test_an_unreachable_central_is_a_sentence_and_the_till_still_works(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    overdrawn(till)
    with till.store.write() as session:
        set_setting(session, "sync.central_url", f"http://127.0.0.1:{free_port()}")
        set_setting(session, "sync.token", "t" * 43)
    window = make_window()
    page = _open(qtbot, window)
    qtbot.waitUntil(lambda: page.central is not None and page.central.state == "offline", timeout=WAIT)
    assert page.central_state.text().startswith("The central service cannot be reached now")
    assert not page.central_table.isVisible()
    page.choose("till", page.local[0].id)
    # A till that syncs leaves write-offs to the central; deciding to recover still works offline.
    assert not page.write_off_button.isEnabled()
    assert page.hint.text().startswith("This till syncs: write the debt off from the central service's item")
    page.recover_button.click()
    qtbot.waitUntil(lambda: page.local == [] and not page.busy, timeout=WAIT)


# -- with a real central ---------------------------------------------------------------------------------------
@pytest.fixture
def two_tills(make_till: MakeTill) -> Iterator[tuple[EnrolledTill, EnrolledTill, str]]:  # noqa: F811
    """Two tills of a store, each spending the same member's points while the other did not know: the
    central records an overdraft for the member (an item in its inbox)."""
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = a.svc.members.enroll(a.cashier, "Trần Thị Lan", phone="0901234568").member  # 50
    a.svc.points.award(a.cashier, lan.id, Basket.of_total(Money(1_000_000)), "A-1")  # 150
    a.engine().sync_once()
    b.engine().sync_once()
    a.svc.points.redeem(a.cashier, lan.id, 100, bill=Money(400_000), receipt_ref="A-2")
    b.svc.points.redeem(b.cashier, lan.id, 100, bill=Money(400_000), receipt_ref="B-2")
    a.engine().sync_once()
    b.engine().sync_once()  # the central: -50, an overdraft
    a.engine().sync_once()  # a learns of b's redemption: it owes 50 here too
    yield a, b, lan.id


@pytest.fixture
def window_of(qtbot: QtBot) -> Iterator[Callable[[EnrolledTill], TillWindow]]:
    built: list[TillWindow] = []

    def build(till: EnrolledTill) -> TillWindow:
        window, display = build_window(till.store, till.svc, language="en", lock_after=600)
        qtbot.addWidget(window)
        qtbot.addWidget(display)
        window.show()
        qtbot.waitExposed(window)
        built.append(window)
        return window

    yield build
    for window in built:
        window.shutdown()


def test_the_centrals_overdraft_is_written_off_through_it(
    qtbot: QtBot,
    two_tills: tuple[EnrolledTill, EnrolledTill, str],
    window_of: Callable[[EnrolledTill], TillWindow],
) -> None:
    a, _b, lan_id = two_tills
    assert a.balance(lan_id) == -50
    window = window_of(a)
    page = _open(qtbot, window)
    qtbot.waitUntil(lambda: page.central is not None and page.central.state == "ok", timeout=WAIT)
    (item,) = page.central.items
    assert item.entry.kind == "overdraft" and item.entry.remaining == 50
    assert _rows(page, "central") == [[f"#{item.entry.id}", "Overdraft", "Trần Thị Lan", "50 of 50", "Open"]]
    # This till's own record of the debt (b's redemption, pulled) is listed too, and left to the central.
    assert [row[-1] for row in _rows(page)] == ["Open"]
    page.choose("central", str(item.entry.id))
    facts = page.facts.toPlainText()
    assert "Redemptions at several tills, offline, spent more than the member had." in facts
    assert f"Trần Thị Lan ({a.svc.members.get(lan_id).member_number})" in facts
    assert page.write_off_button.isEnabled() and not page.dismiss_button.isVisible()
    page.reason.setText("two tills offline: the store's risk")
    page.write_off_button.click()
    _decided_and_listed(qtbot, window, page)
    assert _rows(page, "central")[0][-1] == "Written off"
    # The central's entry reaches the till at the next sync and pays the debt here too.
    a.engine().sync_once()
    assert a.balance(lan_id) == 0
    page.load()
    qtbot.waitUntil(lambda: [i.decision for i in page.local] == ["paid"], timeout=WAIT)
    with a.store.read() as session:
        assert check_database(session) == []


def test_a_receipt_two_tills_awarded_is_dismissed_once_checked(
    qtbot: QtBot,
    make_till: MakeTill,  # noqa: F811
    window_of: Callable[[EnrolledTill], TillWindow],
) -> None:
    """Both tills rang up receipt HD-7 while offline (each numbers its own receipts): the central keeps both
    awards and lists the second in the inbox, with the first sale's member; a manager dismisses it with a
    reason."""
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = a.svc.members.enroll(a.cashier, "Trần Thị Lan", phone="0901234568").member
    minh = a.svc.members.enroll(a.cashier, "Lê Văn Minh", phone="0901234569").member
    a.engine().sync_once()
    b.engine().sync_once()
    a.svc.points.award(a.cashier, lan.id, Basket.of_total(Money(300_000)), "HD-7")
    b.svc.points.award(b.cashier, minh.id, Basket.of_total(Money(200_000)), "HD-7")
    a.engine().sync_once()
    b.engine().sync_once()
    a.engine().sync_once()
    window = window_of(a)
    page = _open(qtbot, window)
    qtbot.waitUntil(lambda: page.central is not None and page.central.state == "ok", timeout=WAIT)
    (item,) = page.central.items
    assert _rows(page, "central") == [
        [f"#{item.entry.id}", "Receipt awarded twice", "Lê Văn Minh", "—", "Open"]
    ]
    page.choose("central", str(item.entry.id))
    facts = page.facts.toPlainText()
    assert "Another till of the store awarded points for the same receipt number." in facts
    assert "receipt HD-7 was awarded at another till of the store too" in facts
    assert lan.member_number in facts and f"Lê Văn Minh ({minh.member_number})" in facts
    assert page.dismiss_button.isVisible() and not page.write_off_button.isVisible()
    page.reason.setText("two customers, two sales: checked the till rolls")
    page.dismiss_button.click()
    _decided_and_listed(qtbot, window, page)
    assert _rows(page, "central")[0][-1] == "Dismissed"
    assert a.balance(lan.id) == a.central_member(lan.member_number).balance  # both awards count
    assert a.balance(minh.id) == a.central_member(minh.member_number).balance
