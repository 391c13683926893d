"""The desk's Dashboard: the service's store metrics as numbers, charts and tables, computed off the UI thread,
exported as CSV, in the window's language, and read again after a sale (at most once per interval while in
view)."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from app.paths import exports_dir
from app.services.insight_figures import StoreMetrics
from app.ui.desk.dashboard import DashboardPage
from app.ui.i18n import money, points
from app.ui.insight_text import SEGMENTS, percent, segment_name
from app.ui.window import TillWindow
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till, make_till
from tests.ui.conftest import sign_in
from tests.ui.insights_data import open_demo_till, seed_demo_file, shown_window

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


def open_dashboard(qtbot: QtBot, window: TillWindow) -> DashboardPage:
    sign_in(qtbot, window, "9001", "9999")
    qtbot.keyClick(window, Qt.Key.Key_F9)
    page = window.desk_dashboard
    window.desk.show_page(page)
    return page


def loaded(qtbot: QtBot, page: DashboardPage) -> StoreMetrics:
    qtbot.waitUntil(lambda: page.metrics is not None and not page.loading, timeout=30_000)
    assert page.metrics is not None
    return page.metrics


def test_the_dashboard_shows_the_services_figures(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    window = make_window()
    page = open_dashboard(qtbot, window)
    # Asked for on the worker: the page says it is computing, the figures come after.
    assert page.loading and page.busy.isVisibleTo(page)
    assert page.status.text() == "Computing the figures…"
    shown = loaded(qtbot, page)
    assert not page.busy.isVisibleTo(page)
    assert page.status.text() == "Figures as of 01/11/2026, computed at 12:00."
    m = till.svc.insights.store_metrics()
    assert (shown.members, shown.buyers, shown.active, shown.north_star) == (
        m.members,
        m.buyers,
        m.active,
        m.north_star,
    )
    figures = {key: label.text() for key, label in page.figures.items()}
    assert figures["members"] == "60"
    assert figures["buyers"] == points(m.buyers)
    assert figures["active"] == points(m.active)
    assert figures["north_star"] == points(m.north_star) and m.north_star > 0
    assert figures["liability"] == money(m.liability.value) and m.liability.value > 0
    assert (
        page.figure_captions["liability"].text() == f"Points liability: {points(m.liability.points)} points"
    )
    assert m.redemption_rate is not None and figures["redemption_rate"] == percent(m.redemption_rate, 1)
    assert figures["enrolments"] == points(sum(n for _, n in m.enrolments))
    assert page.model.text() == f"Lifetime-value models fitted today on {m.buyers} members who bought."
    # Charts: the same numbers, drawn.
    charts = page.charts
    assert charts["north_star"].drawn["values"] == [n for _, n in m.north_star_trend]
    assert charts["enrolments"].drawn["series"] == [("Enrolments", [n for _, n in m.enrolments])]
    issued, redeemed, expired = charts["flow"].drawn["series"]
    assert issued == ("Issued", [f.issued for f in m.flow])
    assert redeemed == ("Redeemed", [f.redeemed for f in m.flow])
    assert expired == ("Expired", [f.expired for f in m.flow])
    assert charts["expiry"].drawn["series"] == [("Points", [b.points for b in m.liability.schedule])]
    segment_sizes = {str(k): n for k, n in m.segments.items()}
    assert charts["segments"].drawn["values"] == [segment_sizes[s] for s in SEGMENTS]
    heat = charts["cohorts"].drawn["shares"]
    assert heat.shape == m.cohorts.retention.shape
    assert all(
        (math.isnan(a) and math.isnan(b)) or a == b
        for a, b in zip(heat.ravel(), m.cohorts.retention.ravel(), strict=True)
    )
    # Tables: cohorts (sizes and shares), segments, the liability's expiry schedule.
    cohorts = page.cohort_table.table
    assert cohorts.rowCount() == len(m.cohorts.cohorts) > 1
    assert [cohorts.item(r, 1).text() for r in range(cohorts.rowCount())] == [str(n) for n in m.cohorts.sizes]
    assert cohorts.item(0, 2).text() == "100%"  # the month of the first purchase: everyone bought
    segments = page.segment_table.table
    assert [segments.item(r, 0).text() for r in range(segments.rowCount())] == [
        segment_name(s) for s in m.segments
    ]
    assert [segments.item(r, 1).text() for r in range(segments.rowCount())] == [
        points(n) for n in m.segments.values()
    ]
    schedule = page.liability_table.table
    assert schedule.rowCount() == len(m.liability.schedule)
    assert [schedule.item(r, 2).text() for r in range(schedule.rowCount())] == [
        money(b.value) for b in m.liability.schedule
    ]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_every_table_exports_as_csv(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    window = make_window()
    page = open_dashboard(qtbot, window)
    m = loaded(qtbot, page)
    written: dict[str, Path] = {}
    for name, table in (
        ("cohorts", page.cohort_table),
        ("segments", page.segment_table),
        ("liability", page.liability_table),
    ):
        with qtbot.waitSignal(page.exported, timeout=10_000) as done:
            qtbot.mouseClick(table.export_button, Qt.MouseButton.LeftButton)
        written[name] = done.args[0]
        assert written[name].parent == exports_dir(till.path.parent)
        assert window.message.text() == f"Table saved as {written[name]}"
    cohorts = read_csv(written["cohorts"])
    width = m.cohorts.retention.shape[1]
    assert cohorts[0] == ["Cohort", "Members"] + [f"Month {k}" for k in range(width)]
    assert len(cohorts) == len(m.cohorts.cohorts) + 1
    for row, cohort, size, shares in zip(
        cohorts[1:], m.cohorts.cohorts, m.cohorts.sizes, m.cohorts.retention, strict=True
    ):
        assert row[0] == cohort.isoformat()[:7] and row[1] == str(size)
        assert row[2:] == ["" if math.isnan(v) else f"{v:.4f}" for v in shares]
    segments = read_csv(written["segments"])
    total = sum(m.segments.values())
    assert segments[0] == ["Segment", "Members", "Share"]
    assert segments[1:] == [[segment_name(s), str(n), f"{n / total:.4f}"] for s, n in m.segments.items()]
    liability = read_csv(written["liability"])
    assert liability[0] == ["Expires in", "Points", "Value (VND)"]
    assert liability[1:] == [
        [b.month.isoformat()[:7] if b.month else "No expiry", str(b.points), str(b.value)]
        for b in m.liability.schedule
    ]
    assert sum(int(row[1]) for row in liability[1:]) == m.liability.points
    # The repeat-purchase table, when that is the measure shown.
    page.cohort_measure.setCurrentIndex(1)
    with qtbot.waitSignal(page.exported, timeout=10_000) as repeat:
        page.export("cohorts")
    assert repeat.args[0].name.startswith("cohorts-repeat-")
    rows = read_csv(repeat.args[0])
    assert rows[1][2:] == ["" if math.isnan(v) else f"{v:.4f}" for v in m.cohorts.repeat_rate[0]]


def test_switching_language_redraws_the_tables_and_their_headers(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    window = make_window(language="vi")
    page = open_dashboard(qtbot, window)
    loaded(qtbot, page)

    def headers(table: QTableWidget) -> list[str]:
        return [table.horizontalHeaderItem(i).text() for i in range(min(3, table.columnCount()))]

    assert headers(page.cohort_table.table) == ["Nhóm khách", "Hội viên", "Tháng 0"]
    assert headers(page.segment_table.table) == ["Phân khúc", "Hội viên", "Tỷ lệ"]
    assert headers(page.liability_table.table) == ["Hết hạn vào tháng", "Điểm", "Giá trị (VND)"]
    assert page.segment_table.table.item(0, 0).text() == "Khách hàng tốt nhất"
    assert page.figures["liability"].text().endswith(" ₫") and "." in page.figures["liability"].text()
    assert page.status.text().startswith("Số liệu tính đến ngày 01/11/2026")
    qtbot.keyClick(window, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: headers(page.cohort_table.table) == ["Cohort", "Members", "Month 0"])
    assert headers(page.segment_table.table) == ["Segment", "Members", "Share"]
    assert headers(page.liability_table.table) == ["Expires in", "Points", "Value (VND)"]
    assert page.segment_table.table.item(0, 0).text() == "Champions"
    assert page.charts["segments"].drawn["labels"][0] == "Champions"
    assert page.chart_titles["cohorts"].text() == "Cohorts: Retention, by months since the first purchase"


def test_a_sale_refreshes_the_dashboard_at_most_once_per_interval(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    window = make_window()
    page = open_dashboard(qtbot, window)
    page.min_interval_ms = 10 * 60 * 1000  # so that nothing here waits on the clock
    first = loaded(qtbot, page)
    newcomer = till.svc.members.enroll(till.cashier, "Đinh Văn Mới", phone="0912000888").member

    def sale(receipt: str) -> None:
        with qtbot.waitSignal(window.ctx.ops.changed, timeout=10_000):
            window.ctx.ops.change(
                lambda: till.svc.points.award(
                    till.cashier, newcomer.id, Basket.of_total(Money(300_000)), receipt
                )
            )

    sale("DASH-1")
    # Just read: the refresh waits for the interval instead of running at once.
    assert page.dirty and page.refresh_timer.isActive() and not page.loading
    assert page.metrics is first
    sale("DASH-2")  # a second sale within the interval plans no second refresh
    assert page.refresh_timer.isActive() and not page.loading
    # The interval is over: one refresh, with both sales in it.
    with qtbot.waitSignal(page.refreshed, timeout=30_000) as refreshed:
        page.refresh_timer.start(0)
    after: StoreMetrics = refreshed.args[0]
    assert after.buyers == first.buyers + 1
    assert not page.dirty and not page.refresh_timer.isActive()
    assert page.figures["buyers"].text() == points(after.buyers)
    assert after.buyers == till.svc.insights.store_metrics().buyers
    # Out of view (back at the counter), a sale only marks the figures stale; coming back reads them.
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not page.isVisible()
    sale("DASH-3")
    assert page.dirty and not page.refresh_timer.isActive()
    page.min_interval_ms = 0
    with qtbot.waitSignal(page.refreshed, timeout=30_000):
        qtbot.keyClick(window, Qt.Key.Key_F9)
    assert not page.dirty


def test_a_store_without_history_says_why_there_are_no_predictions(qtbot: QtBot, tmp_path: Path) -> None:
    fresh = make_till(tmp_path / "fresh")
    window = shown_window(qtbot, fresh, "vi")
    try:
        page = open_dashboard(qtbot, window)
        m = loaded(qtbot, page)
        assert (m.buyers, m.north_star) == (0, 0)
        assert page.figures["buyers"].text() == "0"
        assert page.model.text().startswith("Chưa đủ lịch sử để dự báo giá trị vòng đời: ")
        assert "Không thể khớp mô hình BG/NBD với lịch sử mua hàng này: mới có 0 khách, cần ít nhất 20" in (
            page.model.text()
        )
        assert page.cohort_table.table.rowCount() == 0
        assert not page.cohort_table.export_button.isEnabled()  # nothing to export
    finally:
        window.shutdown()
        fresh.store.close()


def test_the_dashboard_asks_the_model_process_as_the_till_runs_it(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    """With the models beside the till (how ``python -m app`` runs), the figures come from the model process
    through the study thread and are the figures this process would compute."""
    from app.services.insight_figures import metrics_as_dict
    from app.services.insights import InsightsService

    till.svc.separate_models = True
    try:
        window = make_window()
        page = open_dashboard(qtbot, window)
        qtbot.waitUntil(lambda: page.metrics is not None and not page.loading, timeout=120_000)
        assert page.error is None and page.metrics is not None
        assert till.svc.model_process is not None and till.svc.model_process.pid is not None
        here = InsightsService(till.svc.core).store_metrics()
        assert metrics_as_dict(page.metrics) == metrics_as_dict(here)
        assert page.figures["north_star"].text() == points(here.north_star)
    finally:
        till.svc.close()
