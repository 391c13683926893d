"""The cashier's hint under the member's balance: the best next action, asked for after the member is shown,
in the window's language; Done and Dismiss recorded once per hint shown; personalised hints only for members
who said yes (the service decides)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services import ConsentInput
from app.services.member_facts import CounterHints
from app.store import models as m
from app.ui.insight_text import HINT_KINDS, HINT_TEMPLATES, SEGMENTS
from app.ui.launch import build_window
from app.ui.member_hint import HintCard
from app.ui.window import TillWindow
from loyalty.analytics.hints import TEMPLATES, HintKind
from loyalty.analytics.rfm import Segment
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till, make_till, simple_program
from tests.ui.conftest import sign_in

MakeWindow = Callable[..., TillWindow]
LATER = datetime(2027, 3, 15, 3, 0, tzinfo=UTC)  # 10:00 on 15 March 2027 in Ho Chi Minh City


def card_of(window: TillWindow) -> HintCard:
    card = window.member_panel.hint_card
    assert card is not None
    return card


def show(qtbot: QtBot, window: TillWindow, member_id: str) -> HintCard:
    window.open_member_id(member_id)
    card = card_of(window)
    qtbot.waitUntil(lambda: window.member is not None and window.member.id == member_id and card.answered)
    return card


def hint_uses(till: Till) -> list[tuple[str, str, bool]]:
    with till.store.read() as s:
        rows = s.execute(
            select(m.HintUse.member_id, m.HintUse.hint_kind, m.HintUse.used).order_by(m.HintUse.id)
        )
        return [(str(a), str(b), bool(c)) for a, b, c in rows]


def expiring_member(till: Till) -> str:
    """Enrolled and bought 2.000.000 ₫ on 2 March 2026 (50 welcome + 200 points, usable until 31 March
    2027); the clock moved to 15 March 2027."""
    member = till.svc.members.enroll(till.cashier, "Lý Thị Hạn", phone="0912000111").member
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(2_000_000)), "EXP-1")
    till.clock.now = LATER
    return member.id


def test_every_hint_template_kind_and_segment_is_listed_for_translation() -> None:
    assert set(HINT_TEMPLATES) == set(TEMPLATES.values())
    assert set(HINT_KINDS) == {k.value for k in HintKind}
    assert list(SEGMENTS) == [s.value for s in Segment]


@pytest.mark.parametrize(
    ("language", "expected", "other"),
    [
        (
            "en",
            "250 points expire on 31/03 — enough for Giảm 10% hoá đơn now.",
            "250 điểm chỉ dùng được đến hết ngày 31/03 — đủ để đổi Giảm 10% hoá đơn ngay.",
        ),
        (
            "vi",
            "250 điểm chỉ dùng được đến hết ngày 31/03 — đủ để đổi Giảm 10% hoá đơn ngay.",
            "250 points expire on 31/03 — enough for Giảm 10% hoá đơn now.",
        ),
    ],
    ids=["en", "vi"],
)
def test_the_cashier_reads_the_best_hint_in_the_windows_language(
    qtbot: QtBot, make_window: MakeWindow, till: Till, language: str, expected: str, other: str
) -> None:
    member_id = expiring_member(till)
    window = make_window(language=language)
    sign_in(qtbot, window)
    card = show(qtbot, window, member_id)
    assert card.hint is not None and card.hint.kind is HintKind.POINTS_EXPIRING
    assert card.hint == till.svc.insights.best_hint(member_id)
    assert card.isVisibleTo(window.member_panel)
    assert card.text.text() == expected
    qtbot.keyClick(window, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: card.text.text() == other)
    assert card.done_button.text() in ("Done", "Đã làm")


def test_the_member_is_shown_before_the_hint_is_asked_for(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    member_id = expiring_member(till)
    window = make_window()
    sign_in(qtbot, window)
    view = till.svc.members.get(member_id)
    window.show_member(view)
    # Drawn at once; the hint is only asked for once the event loop runs again (after the sale's own work).
    assert window.member_panel.name.text() == "Lý Thị Hạn"
    card = card_of(window)
    assert not card.answered and not card.isVisibleTo(window.member_panel)
    qtbot.waitUntil(lambda: card.answered)
    assert card.hint is not None and card.isVisibleTo(window.member_panel)


def test_done_and_dismiss_are_recorded_once_per_hint_shown(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    member_id = expiring_member(till)
    window = make_window()
    sign_in(qtbot, window)
    card = show(qtbot, window, member_id)
    assert card.hint is not None and card.hint.kind is HintKind.POINTS_EXPIRING
    with qtbot.waitSignal(card.recorded, timeout=10_000) as done:
        qtbot.mouseDClick(card.done_button, Qt.MouseButton.LeftButton)
        card.record(used=True)  # a third press while the first is being written: ignored too
    assert done.args == ["points_expiring", True]
    assert hint_uses(till) == [(member_id, "points_expiring", True)]
    assert not card.isVisibleTo(window.member_panel)  # answered: gone

    # A sale refreshes the member: the hint answered during this visit is not offered again, the next one is.
    with qtbot.waitSignal(card.shown_hint, timeout=10_000) as shown:
        window.ctx.ops.change(
            lambda: till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(30_000)), "EXP-2")
        )
    assert shown.args[0] is not None and shown.args[0].kind is HintKind.ASK_CONSENT
    assert card.text.text() == "No answer on personalised offers yet: ask whether they want them."
    with qtbot.waitSignal(card.recorded, timeout=10_000) as dismissed:
        qtbot.mouseClick(card.dismiss_button, Qt.MouseButton.LeftButton)
    assert dismissed.args == ["ask_consent", False]
    assert hint_uses(till) == [(member_id, "points_expiring", True), (member_id, "ask_consent", False)]
    usage = {u.kind: (u.used, u.dismissed) for u in till.svc.insights.store_metrics().hint_usage}
    assert usage == {"points_expiring": (1, 0), "ask_consent": (0, 1)}

    # The next visit starts afresh: the best hint is shown again.
    window.clear_member()
    card = show(qtbot, window, member_id)
    assert card.hint is not None and card.hint.kind is HintKind.POINTS_EXPIRING


@pytest.fixture
def plain_till(tmp_path: Path) -> Iterator[Till]:
    """A program without rewards or welcome bonus: only the profile and consent hints are left."""
    t = make_till(tmp_path / "plain", simple_program())
    yield t
    t.store.close()


def test_personalised_hints_only_for_members_who_said_yes(qtbot: QtBot, plain_till: Till) -> None:
    till = plain_till
    svc = till.svc
    birthday = date(1990, 3, 20)  # the till's clock says 2 March 2026
    never = svc.members.enroll(till.cashier, "Chưa Hỏi", phone="0912000201", birthday=birthday).member
    declined = svc.members.enroll(till.cashier, "Không Muốn", phone="0912000202", birthday=birthday).member
    granted = svc.members.enroll(till.cashier, "Đồng Ý", phone="0912000203", birthday=birthday).member
    svc.members.record_consent(till.cashier, declined.id, ConsentInput("personalisation", False, "2026-01"))
    svc.members.record_consent(till.cashier, granted.id, ConsentInput("personalisation", True, "2026-01"))
    window, display = build_window(till.store, svc, language="en", lock_after=600)
    qtbot.addWidget(window)
    qtbot.addWidget(display)
    window.show()
    try:
        sign_in(qtbot, window)
        card = show(qtbot, window, never.id)
        assert card.hint is not None and card.hint.kind is HintKind.ASK_CONSENT  # asked, not personalised
        card = show(qtbot, window, declined.id)
        assert card.hint is None and not card.isVisibleTo(window.member_panel)  # said no: nothing personal
        card = show(qtbot, window, granted.id)
        assert card.hint is not None and card.hint.kind is HintKind.BIRTHDAY
        assert card.text.text() == "Birthday on 20/03: wish them a happy birthday."
    finally:
        window.shutdown()


class _StuckModels:
    """Models that do not answer until let go: a model process busy with the day's refit, say."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.asked = threading.Event()

    def score(self, summary: object, as_of: date) -> None:
        self.asked.set()
        self.release.wait(60)

    def warm_up(self, as_of: date) -> None:
        pass

    def close(self) -> None:
        self.release.set()


def test_a_hint_still_being_worked_out_never_holds_up_a_sale(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    """The hint runs beside the database worker: the cashier's Enter is written while it is still out."""
    member_id = expiring_member(till)
    stuck = _StuckModels()
    till.svc.__dict__["counter_hints"] = CounterHints(till.svc.core, stuck)
    window = make_window()
    sign_in(qtbot, window)
    try:
        window.open_member_id(member_id)
        qtbot.waitUntil(lambda: window.member is not None and stuck.asked.is_set())
        sale = window.sale
        with qtbot.waitSignal(sale.completed, timeout=10_000):
            sale.total.setText("120.000")
            sale.receipt.setText("STUCK-1")
            sale.submit()
        assert not card_of(window).answered  # the hint is still out
        stuck.release.set()
        qtbot.waitUntil(lambda: card_of(window).answered)
        assert card_of(window).hint is not None and card_of(window).hint.kind is HintKind.POINTS_EXPIRING
    finally:
        stuck.release.set()
