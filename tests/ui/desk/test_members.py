"""The desk's member list on the real window, offscreen, over a real SQLite till: search as you type (a name
without accents, a phone, a member number), sort by a header or the list, filter by tier and status, the next
page loaded as the list scrolls, Enter opens the member, and the headers follow a language switch."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from app.services.directory import Sort, SortKey
from app.ui.desk.members import BALANCE, NAME, PHONE, SORT_CHOICES, MembersPage
from app.ui.window import TillWindow
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]

PEOPLE = (
    ("Nguyễn Văn An", "0912345678"),
    ("Nguyễn Thị Ánh", "0987654321"),
    ("Trần Thị Lan", "0901234567"),
    ("Lê Văn Đức", "0934567890"),
    ("Phạm Minh Châu", "0945678901"),
    ("Hoàng Thị Mai", "0956789012"),
    ("Võ Văn Nam", "0967890123"),
    ("Đặng Thị Hà", "0978901234"),
)


def _people(till: Till) -> dict[str, str]:
    ids = {name: enrol(till, name, phone).id for name, phone in PEOPLE}
    # Balances apart; one member reaches silver.
    till.svc.points.award(till.cashier, ids["Trần Thị Lan"], Basket.of_total(Money(6_000_000)), "HD1")
    till.svc.points.award(till.cashier, ids["Lê Văn Đức"], Basket.of_total(Money(900_000)), "HD2")
    return ids


def _desk(qtbot: QtBot, make_window: MakeWindow, *, page_size: int = 50, language: str = "en") -> MembersPage:
    window = make_window(language=language)
    sign_in(qtbot, window, "9001", "9999")
    page = window.desk_members
    page.model.page_size = page_size
    qtbot.keyClick(window, Qt.Key.Key_F9)
    assert window.desk.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: not page.pending and page.model.rowCount() > 0, timeout=10_000)
    assert page.field.hasFocus()
    return page


def _search(qtbot: QtBot, page: MembersPage, text: str) -> list[str]:
    page.field.selectAll()
    qtbot.keyClicks(page.field, text)
    qtbot.waitUntil(lambda: not page.pending and page.model.query == text.strip(), timeout=10_000)
    return [page.model.row(i).full_name for i in range(page.model.rowCount())]


def test_search_by_name_without_accents_phone_and_number(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    ids = _people(till)
    page = _desk(qtbot, make_window)
    assert page.model.rowCount() == len(PEOPLE)
    assert page.count.text() == f"{len(PEOPLE)} members"
    assert _search(qtbot, page, "nguyen van an") == ["Nguyễn Văn An"]
    assert _search(qtbot, page, "nguyen") == ["Nguyễn Thị Ánh", "Nguyễn Văn An"]
    assert _search(qtbot, page, "0901 234") == ["Trần Thị Lan"]
    assert page.model.data(page.model.index(0, PHONE)) == "0901 234 567"
    number = till.svc.members.get(ids["Phạm Minh Châu"]).member_number
    assert _search(qtbot, page, number) == ["Phạm Minh Châu"]
    assert _search(qtbot, page, "khong co ai") == []
    assert "No member matches" in page.count.text()


def test_sort_by_the_list_and_by_a_header(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    _people(till)
    page = _desk(qtbot, make_window)
    most = SORT_CHOICES.index(Sort(SortKey.BALANCE, descending=True))
    page.order.setCurrentIndex(page.order.findData(most))
    qtbot.waitUntil(lambda: not page.pending and page.model.order.key is SortKey.BALANCE)
    balances = [page.model.row(i).balance for i in range(page.model.rowCount())]
    assert balances == sorted(balances, reverse=True) and balances[0] > balances[-1]
    header = page.table.horizontalHeader()
    assert header.sortIndicatorSection() == BALANCE
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    # A click on the name header: A to Z.
    x = header.sectionViewportPosition(NAME) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    qtbot.waitUntil(lambda: not page.pending and page.model.order.key is SortKey.NAME)
    names = [page.model.row(i).full_name for i in range(page.model.rowCount())]
    assert names[0] == "Đặng Thị Hà" and names[-1] == "Võ Văn Nam"  # by the name without accents
    assert page.order.currentData() == SORT_CHOICES.index(page.model.order)
    # Phone has no order: a click leaves the list as it is.
    x = header.sectionViewportPosition(PHONE) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert page.model.order.key is SortKey.NAME and header.sortIndicatorSection() == NAME


def test_filter_by_tier_and_status(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    ids = _people(till)
    till.svc.members.merge(till.manager, ids["Nguyễn Thị Ánh"], ids["Nguyễn Văn An"], "enrolled twice")
    page = _desk(qtbot, make_window)
    page.tier.setCurrentIndex(page.tier.findData("silver"))
    qtbot.waitUntil(lambda: not page.pending and page.model.tier == "silver")
    assert [page.model.row(i).full_name for i in range(page.model.rowCount())] == ["Trần Thị Lan"]
    assert page.model.data(page.model.index(0, 3)) == "Bạc"
    page.tier.setCurrentIndex(0)
    page.status.setCurrentIndex(page.status.findData("merged"))
    qtbot.waitUntil(lambda: not page.pending and page.model.status == "merged" and page.model.tier is None)
    assert [page.model.row(i).full_name for i in range(page.model.rowCount())] == ["Nguyễn Thị Ánh"]
    assert page.model.data(page.model.index(0, 6)) == "Merged"


def test_the_next_page_loads_as_the_list_scrolls(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    names = {f"Khách {i:02d}" for i in range(40)}
    for name in names:
        till.svc.members.enroll(till.cashier, name)
    window = make_window()
    sign_in(qtbot, window, "9001", "9999")
    page = window.desk_members
    model = page.model
    model.page_size = 5
    pages: list[int] = []
    model.loaded.connect(lambda answer: pages.append(len(answer.rows)))
    qtbot.keyClick(window, Qt.Key.Key_F9)
    # The view asks for pages until its rows fill it, and no more: the list never loads everything.
    qtbot.waitUntil(lambda: bool(pages) and not model.loading)
    qtbot.wait(50)
    qtbot.waitUntil(lambda: not model.loading)
    shown = model.rowCount()
    assert 0 < shown < len(names) and model.canFetchMore()
    assert all(size == 5 for size in pages)
    while model.canFetchMore() or model.loading:
        before = model.rowCount()
        page.table.scrollToBottom()
        qtbot.waitUntil(lambda: not model.loading and (model.rowCount() > before or not model.canFetchMore()))  # noqa: B023
    listed = [model.row(i).full_name for i in range(model.rowCount())]
    assert listed == sorted(names, key=lambda n: n.replace("á", "a"))
    assert sum(pages) == len(names) and len(pages) >= len(names) // 5


def test_enter_opens_the_member(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    ids = _people(till)
    page = _desk(qtbot, make_window)
    window = page.window()
    assert isinstance(window, TillWindow)
    _search(qtbot, page, "tran thi")
    qtbot.keyClick(page.field, Qt.Key.Key_Return)  # the only match opens
    member = window.desk_member
    assert window.desk.tabs.currentWidget() is member
    qtbot.waitUntil(lambda: member.overview is not None)
    assert member.overview is not None and member.overview.member.id == ids["Trần Thị Lan"]
    # Several matches: Enter moves to the list, Enter there opens the highlighted one.
    window.desk.show_page(page)
    _search(qtbot, page, "nguyen")
    qtbot.keyClick(page.field, Qt.Key.Key_Return)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert window.desk.tabs.currentWidget() is member
    qtbot.waitUntil(
        lambda: member.overview is not None and member.overview.member.full_name == "Nguyễn Văn An"
    )


def test_a_language_switch_refreshes_the_headers(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    _people(till)
    page = _desk(qtbot, make_window)
    model = page.model
    english = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert english[0] == "Name" and english[BALANCE] == "Points"
    refreshed: list[int] = []
    model.headerDataChanged.connect(lambda _o, first, last: refreshed.append(last - first + 1))
    window = page.window()
    assert isinstance(window, TillWindow)
    window.language.set("vi")
    vietnamese = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert vietnamese[0] == "Họ tên" and vietnamese[BALANCE] == "Điểm"
    # The window hears of the new language a moment later (a posted event): the header is drawn again.
    qtbot.waitUntil(lambda: bool(refreshed))
    assert refreshed[-1] == model.columnCount()
    assert window.desk.tabs.tabText(0) == "Hội viên"
    assert page.order.currentText() == "Tên, A đến Z"
    assert page.count.text() == f"{len(PEOPLE)} hội viên"
