"""The desk's Member page on the real window, offscreen, over a real SQLite till: every part of the member 360
is on screen, the history pages in as it scrolls with who, where and why, and "Why this balance?" ends at the
balance."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.members import CONSENT_TEXTS
from app.ui.desk.member360 import HistoryModel, Member360Page
from app.ui.window import TillWindow
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.ui.conftest import sign_in

MakeWindow = Callable[..., TillWindow]


def _text(label: object) -> str:
    return str(label.text()).replace("\xa0", " ")  # type: ignore[attr-defined]


def _cells(table: object) -> list[list[str]]:
    rows = []
    for r in range(table.rowCount()):  # type: ignore[attr-defined]
        rows.append([table.item(r, c).text() for c in range(table.columnCount())])  # type: ignore[attr-defined]
    return rows


def _member(till: Till) -> str:
    """A member with a bit of everything: consents (one withdrawn), a card, a sale that made them silver, a
    redemption, a return after the points were spent (an overdraft), expired points."""
    svc = till.svc
    member = svc.members.enroll(
        till.cashier,
        "Nguyễn Thị Lan",
        phone="0901234567",
        email="lan@example.vn",
        consents=tuple(text.answer(True) for text in CONSENT_TEXTS),
    ).member
    svc.cards.link(till.cashier, member.id, svc.cards.ref_for_uid("04A1B2C3D4E5F6"))
    till.clock.advance(hours=1)
    svc.members.record_consent(till.manager, member.id, CONSENT_TEXTS[0].answer(False))
    svc.points.award(till.cashier, member.id, Basket.of_total(Money(6_000_000)), "HD1")
    return member.id


def _open(
    qtbot: QtBot, make_window: MakeWindow, member_id: str, code: str = "9001", pin: str = "9999"
) -> Member360Page:
    window = make_window()
    sign_in(qtbot, window, code, pin)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    window.desk.open_member(member_id)
    page = window.desk_member
    assert window.desk.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: page.overview is not None and page.statement is not None, timeout=10_000)
    return page


def test_the_member_page_shows_every_part(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    member_id = _member(till)
    balance = till.svc.members.get(member_id).balance
    page = _open(qtbot, make_window, member_id)
    assert page.name.text() == "Nguyễn Thị Lan"
    assert page.tier_badge.text() == "Bạc" and page.tier_badge.isVisible()
    assert _text(page.balance) == f"{balance:,} points"
    assert _text(page.worth) == f"worth {balance * 1000:,} ₫"
    assert page.facts["phone"][1].text() == "0901 234 567"
    assert page.facts["email"][1].text() == "lan@example.vn"
    consents = page.consents.text().splitlines()
    version = CONSENT_TEXTS[0].version
    # Newest first: the withdrawal is in force, recorded by Lan; the first answer is kept below it.
    assert consents[0] == f"Offers and news: declined (in force). Words {version}, 02/03/2026 11:00, by Lan."
    assert f"Offers and news: agreed. Words {version}, 02/03/2026 10:00, by Mai." in consents
    assert page.cards.text() == "…E5F6, NFC card, issued 02/03/2026: active"
    assert "Bạc since 02/03/2026; next review on" in page.tier_text.text()
    assert "more to Vàng" in _text(page.tier_next)
    lots = _cells(page.lots)
    # The welcome bonus and the sale, each with its expiry date, and what earned it on hover.
    assert [page.lots.item(r, 0).toolTip() for r in range(page.lots.rowCount())] == ["Bonus", "Purchase"]
    assert all(row[3] != "never" for row in lots)
    assert not page.overdraft_text.isVisible()
    assert "1 purchases" in page.visits_text.text() and "1 visits" in page.visits_text.text()
    assert page.adjust_button.isEnabled() and not page.permission_note.isVisible()


def test_an_overdraft_and_expired_points_are_shown(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    member_id = _member(till)
    svc = till.svc
    balance = svc.members.get(member_id).balance
    svc.points.redeem(till.cashier, member_id, balance - 10, bill=Money(10_000_000), receipt_ref="HD2")
    svc.points.process_return(till.cashier, "HD1", Money(6_000_000))  # its points were spent: an overdraft
    page = _open(qtbot, make_window, member_id)
    assert page.overdraft_text.isVisible()
    assert "a return after the points were spent" in page.overdraft_text.text()
    assert page.statement is not None and page.statement.total == page.overview.member.balance < 0  # type: ignore[union-attr]


def test_history_pages_in_with_who_where_and_why(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    member_id = _member(till)
    for i in range(12):
        till.clock.advance(minutes=10)
        till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(100_000 + i)), f"S{i}")
    window = make_window()
    sign_in(qtbot, window, "9001", "9999")
    page = window.desk_member
    page.history_model.page_size = 4
    qtbot.keyClick(window, Qt.Key.Key_F9)
    window.desk.open_member(member_id)
    page.tabs.setCurrentIndex(1)
    model = page.history_model
    qtbot.waitUntil(lambda: model.rowCount() >= 4 and not model.loading)
    while model.canFetchMore() or model.loading:
        before = model.rowCount()
        page.history.scrollToBottom()
        qtbot.waitUntil(lambda: not model.loading and (model.rowCount() > before or not model.canFetchMore()))  # noqa: B023
    assert model.rowCount() == 14  # the welcome bonus, the first sale, twelve more
    newest = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert newest[HistoryModel.WHAT] == "Purchase\nreceipt S11"
    assert newest[HistoryModel.WHO] == "Mai\ntill t1, counter"
    where = model.data(model.index(0, HistoryModel.WHO), Qt.ItemDataRole.ToolTipRole)
    assert where == "store s1, till t1, counter"
    assert newest[HistoryModel.PROGRAM]
    assert model.data(model.index(13, HistoryModel.WHAT)) == "Bonus"


def test_why_this_balance_ends_at_the_balance(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    member_id = _member(till)
    till.svc.points.redeem(till.cashier, member_id, 100, bill=Money(1_000_000), receipt_ref="HD2")
    till.clock.advance(days=800)  # everything left expires
    till.svc.points.expire_due()
    till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(500_000)), "HD3")
    page = _open(qtbot, make_window, member_id)
    page.tabs.setCurrentIndex(2)
    rows = _cells(page.statement_table)
    balance = till.svc.members.get(member_id).balance
    assert rows[-1][3] == f"{balance:,}"
    assert [row[1] for row in rows] == ["Bonus", "Purchase", "Redemption", "Expiry", "Purchase"]
    expiry = rows[3]
    assert "expired:" in expiry[4] and "of the purchase of 02/03/2026" in expiry[4]
    assert rows[1][4].startswith("receipt HD1; expires ")
    assert _text(page.statement_total).startswith(f"Total: {balance:,} points = the balance.")
    assert "points expired in all" in page.statement_total.text()


def test_a_cashier_corrects_a_profile_and_a_refusal_keeps_the_form(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    """Only what was changed is sent; a number another member has is refused in the form, which keeps what was
    typed; Esc closes without saving; the page shows the saved profile and the audit log holds the change."""
    from app.ui.desk.profile_edit import ProfileEditPanel
    from tests.ui.conftest import enrol

    member_id = _member(till)
    enrol(till, "Trần Văn Bình", "0912000999")
    page = _open(qtbot, make_window, member_id, "1001", "1111")  # a cashier: may enrol, so may correct
    assert page.edit_button.isEnabled() and not page.adjust_button.isEnabled()
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    form = page.profile_edit
    assert isinstance(form, ProfileEditPanel) and page.body.currentWidget() is form
    assert (form.name.text(), form.email.text()) == ("Nguyễn Thị Lan", "lan@example.vn")

    form.phone.setText("0912 000 999")  # Bình's number
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.problem.isVisible() and not form.in_flight)
    assert "already" in form.problem.text() and page.body.currentWidget() is form
    assert form.phone.text() == "0912 000 999"
    assert till.svc.members.get(member_id).phone == "+84901234567"

    form.phone.setText("")  # removes it
    form.name.setText("Nguyễn Thị Lan Anh")
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert saved.args[0].member.full_name == "Nguyễn Thị Lan Anh"
    qtbot.waitUntil(lambda: page.name.text() == "Nguyễn Thị Lan Anh")
    assert page.body.currentWidget() is page.tabs
    view = till.svc.members.get(member_id)
    assert (view.full_name, view.phone, view.email) == ("Nguyễn Thị Lan Anh", None, "lan@example.vn")

    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    form.email.setText("someone@else.vn")
    qtbot.keyClick(form.email, Qt.Key.Key_Escape)
    assert page.body.currentWidget() is page.tabs
    assert till.svc.members.get(member_id).email == "lan@example.vn"
