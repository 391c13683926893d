"""The desk's Insight page: one member's historic and predicted value, RFM segment and ranked hints — the
service's figures, in the window's language — or why there is no prediction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from pytestqt.qtbot import QtBot

from app.ui.desk.member_insight import MemberInsightPage
from app.ui.i18n import money, points
from app.ui.insight_text import full_date, hint_text, percent, segment_name
from app.ui.window import TillWindow
from loyalty.analytics.hints import HintKind
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till, make_till
from tests.ui.conftest import sign_in
from tests.ui.insights_data import open_demo_till, regular, seed_demo_file, shown_window

MakeWindow = Callable[..., TillWindow]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_demo_file(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def till(demo_file: Path, tmp_path: Path) -> Iterator[Till]:
    """The demo store with a year of history (``make_window`` builds the window over it)."""
    t = open_demo_till(demo_file, tmp_path)
    yield t
    t.store.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Till]:
    """A new store: the demo program and staff, no history."""
    t = make_till(tmp_path / "fresh")
    yield t
    t.store.close()


def open_insight(qtbot: QtBot, window: TillWindow, member_id: str) -> MemberInsightPage:
    """F9, the member opened on the desk, then the Insight tab."""
    qtbot.keyClick(window, Qt.Key.Key_F9)
    page = window.desk_insight
    window.desk.open_member(member_id)
    window.desk.show_page(page)
    qtbot.waitUntil(lambda: page.insight is not None and not page.loading, timeout=20_000)
    return page


def test_the_insight_shows_the_services_figures(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    member_id = regular(till)
    window = make_window()
    sign_in(qtbot, window, "9001", "9999")
    page = open_insight(qtbot, window, member_id)
    got = till.svc.insights.member(member_id)
    assert page.insight == got
    h = got.history
    facts = page.historic.values
    assert facts["total_spend"].text() == money(h.total_spend) and h.total_spend > 0
    assert facts["sales"].text() == points(h.sales)
    assert facts["visits"].text() == points(h.visits)
    assert h.average_basket is not None and facts["average_basket"].text() == money(h.average_basket)
    assert h.first_visit is not None and facts["first_visit"].text() == full_date(h.first_visit)
    assert facts["tenure"].text() == f"{points(h.tenure_days)} days"
    assert facts["points_earned"].text() == points(h.points_earned)
    assert facts["points_redeemed"].text() == points(h.points_redeemed)
    assert h.redemption_rate is not None and facts["redemption_rate"].text() == percent(h.redemption_rate)
    # The regular has enough history for the models' prediction.
    p = got.prediction
    assert p is not None and p.expected_spend is not None and p.clv is not None
    assert page.predicted.isVisibleTo(page) and not page.prediction_note.isVisibleTo(page)
    predicted = page.predicted.values
    assert predicted["p_alive"].text() == percent(p.p_alive)
    assert predicted["purchases"].text() == QLocale().toString(p.expected_purchases, "f", 2)
    assert predicted["spend_per_purchase"].text() == money(round(p.expected_spend))
    assert predicted["spend"].text() == money(round(p.expected_spend * p.expected_purchases))
    assert predicted["clv"].text() == money(round(p.clv))
    assert got.scores is not None and got.segment is not None
    r, f, m = got.scores
    assert page.segment.text() == (
        f"{segment_name(got.segment)} — recency {r}, frequency {f}, monetary {m} (each 1 to 5, 5 best)"
    )
    table = page.hints
    assert table.rowCount() == len(got.hints) > 0
    for row, hint in enumerate(got.hints):
        assert table.item(row, 0).text() == str(row + 1)
        assert table.item(row, 1).text() == hint_text(hint, "VND")
    assert page.name.text() == till.svc.members.get(member_id).full_name


def test_the_pages_own_search_finds_a_member(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    member_id = regular(till)
    number = till.svc.members.get(member_id).member_number
    window = make_window()
    sign_in(qtbot, window, "9001", "9999")
    qtbot.keyClick(window, Qt.Key.Key_F9)
    page = window.desk_insight
    window.desk.show_page(page)
    assert page.state.text().startswith("Open a member from the desk")
    qtbot.keyClicks(page.search.field, number)
    qtbot.keyClick(page.search.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.insight is not None and not page.loading, timeout=20_000)
    assert page.insight is not None and page.insight.member_id == member_id
    assert page.number.text() == f"Member no. {number}"


def test_a_new_member_has_no_prediction_yet(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    svc = till.svc
    newcomer = svc.members.enroll(till.cashier, "Đinh Thị Mới", phone="0912000999").member
    window = make_window()
    sign_in(qtbot, window, "9001", "9999")
    page = open_insight(qtbot, window, newcomer.id)
    assert page.insight is not None and page.insight.prediction is None
    assert not page.predicted.isVisibleTo(page)
    assert page.prediction_note.text() == "Not enough history: no purchase yet, so nothing to predict from."
    assert page.segment.text() == "No segment before a first purchase."
    # One visit today: the models would answer, but from the store's averages, not the member's history.
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.ctx.ops.change(
            lambda: svc.points.award(till.cashier, newcomer.id, Basket.of_total(Money(250_000)), "NEW-1")
        )
    insight = page.insight
    assert insight is not None and insight.history.visits == 1 and insight.prediction is not None
    assert not page.predicted.isVisibleTo(page)
    assert page.prediction_note.text() == (
        "Not enough history: 1 visit(s), the first 0 days ago; a prediction needs at least 3 visits, "
        "the first at least 56 days ago."
    )
    assert page.historic.values["total_spend"].text() == "250,000 ₫"


def test_a_store_the_models_cannot_fit_says_why_in_vietnamese(qtbot: QtBot, fresh: Till) -> None:
    """One member in a new store: nobody to fit the lifetime-value models on. The reason is the models'
    own (CannotFit), in the window's language."""
    svc = fresh.svc
    member = svc.members.enroll(fresh.cashier, "Hà Thị Một", phone="0912000301").member
    svc.points.award(fresh.cashier, member.id, Basket.of_total(Money(4_200_000)), "ONE-1")
    window = shown_window(qtbot, fresh, "vi")
    try:
        check_cannot_fit(qtbot, window, member.id)
    finally:
        window.shutdown()


def check_cannot_fit(qtbot: QtBot, window: TillWindow, member_id: str) -> None:
    sign_in(qtbot, window, "9001", "9999")
    page = open_insight(qtbot, window, member_id)
    assert page.insight is not None and page.insight.prediction is None
    note = page.prediction_note.text()
    assert note.startswith("Chưa đủ lịch sử: chưa thể lập mô hình")
    assert "Không thể khớp mô hình BG/NBD với lịch sử mua hàng này: mới có 1 khách, cần ít nhất 20" in note
    assert (
        "Không thể khớp mô hình chi tiêu Gamma-Gamma với lịch sử mua hàng này: mới có 0 khách quay lại"
        in note
    )
    # 4.200.000 ₫ of the 5.000.000 ₫ Silver needs: the hint says how much more, as money in Vietnamese.
    texts = [page.hints.item(row, 1).text() for row in range(page.hints.rowCount())]
    kinds = [h.kind for h in page.insight.hints]
    assert HintKind.TIER_CLOSE in kinds
    assert "Chi tiêu thêm 800.000 ₫ là lên hạng Bạc." in texts
    assert [page.hints.horizontalHeaderItem(i).text() for i in range(3)] == ["#", "Gợi ý", "Loại"]
    assert page.historic_title.text() == "Giá trị đã mang lại"
    qtbot.keyClick(window, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: page.historic_title.text() == "Historic value")
    assert [page.hints.horizontalHeaderItem(i).text() for i in range(3)] == ["#", "Hint", "Kind"]
    texts = [page.hints.item(row, 1).text() for row in range(page.hints.rowCount())]
    assert "800,000 ₫ more spend reaches Bạc." in texts
    assert "The BG/NBD model cannot be fitted to this purchase history" in page.prediction_note.text()


def test_the_page_follows_the_member_and_reads_again_after_a_change(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    member_id = regular(till)
    window = make_window()
    sign_in(qtbot, window, "9001", "9999")
    qtbot.keyClick(window, Qt.Key.Key_F9)
    page = window.desk_insight
    window.desk.open_member(member_id)  # the member page comes into view; the insight only takes note
    assert page.member_id == member_id and page.insight is None and not page.loading
    window.desk.show_page(page)
    qtbot.waitUntil(lambda: page.insight is not None and not page.loading, timeout=20_000)
    assert page.insight is not None
    before = page.insight.history.total_spend
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.ctx.ops.change(
            lambda: till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(120_000)), "FOL-1")
        )
    assert page.insight.history.total_spend == before + 120_000
    assert page.historic.values["total_spend"].text() == money(before + 120_000)
