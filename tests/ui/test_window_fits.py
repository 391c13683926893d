"""Every screen of the till and of the desk fits a 1280×800 screen, in Vietnamese and in English.

A page of a stacked widget asks for room even while another is in view, so the window's minimum size is the
largest any screen has asked for so far: each screen is brought up in turn, in its tallest state (a member
with history, the manager approval boxes open, a return previewed, the desk's pages with a member), and the
window is checked after each one: its minimum size hint and its size stay within 1280×800.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.services import Permission
from app.ui.approval import ApprovalBox
from app.ui.scroll import VerticalScroll
from app.ui.window import TillWindow
from devices.events import CardTech
from devices.identity import card_presented
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]
WIDTH, HEIGHT = 1280, 800
WAIT = 20_000  # ms: what the op runner does for a screen, on a busy machine


class Fit:
    """The screens seen so far, and the first that made the window too large."""

    def __init__(self, qtbot: QtBot, window: TillWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.seen: list[str] = []

    def check(self, screen: str) -> None:
        self.seen.append(screen)
        window = self.window
        self.qtbot.wait(1)  # layouts settle on the event loop
        hint = window.minimumSizeHint()
        tallest = _tallest(window)
        assert hint.height() <= HEIGHT and hint.width() <= WIDTH, (
            screen,
            hint.width(),
            hint.height(),
            tallest,
        )
        assert window.height() <= HEIGHT and window.width() <= WIDTH, (
            screen,
            window.width(),
            window.height(),
        )


def _tallest(window: TillWindow) -> list[tuple[str, int, int]]:
    """The pages asking for the most room (what to look at when the window grows)."""
    pages = [window.counter.widget(i) for i in range(window.counter.count())]
    pages += [window.desk.tabs.widget(i) for i in range(window.desk.tabs.count())]
    sizes = [(type(p).__name__, p.minimumSizeHint().width(), p.minimumSizeHint().height()) for p in pages]
    return sorted(sizes, key=lambda size: -size[2])[:3]


def _member_with_history(till: Till) -> str:
    member = enrol(till, "Nguyễn Thị Phương Thảo", "0901234999")
    till.svc.points.adjust(till.manager, member.id, 3000, "moved from the old card system")
    for i, amount in enumerate((1_850_000, 2_400_000, 3_100_000)):
        till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(amount)), f"HD10{i}")
    till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid("04A1B2C3D4E580"))
    return member.id


def _open_every_approval_box(window: TillWindow, page: QWidget) -> None:
    """Each approval box of a page open, as when a cashier asks for a manager there (its tallest state)."""
    for box in page.findChildren(ApprovalBox):
        box.ask(window.tr("Only a manager can replace a card."), Permission.REPLACE_CARD)


def _counter(qtbot: QtBot, window: TillWindow, fit: Fit, member_id: str) -> None:
    fit.check("sign in")
    sign_in(qtbot, window)
    fit.check("waiting")
    qtbot.keyClicks(window.search.field, "nguyen")
    qtbot.waitUntil(lambda: window.search.table.rowCount() > 0 and not window.search.pending, timeout=WAIT)
    fit.check("search")
    window.open_member_id(member_id)
    qtbot.waitUntil(lambda: window.member is not None, timeout=WAIT)
    fit.check("member")
    sale = window.sale
    qtbot.keyClicks(sale.total, "5.000.000")
    qtbot.keyClicks(sale.receipt, "HD-BIG")
    qtbot.keyClicks(sale.redeem, "2500")
    qtbot.keyClick(sale.redeem, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sale.approval.waiting, timeout=WAIT)
    fit.check("sale with the manager approval")
    # The sale scrolls only when its lines are open: with the approval box, it is all in view.
    scroll = sale.parentWidget().parentWidget()
    assert isinstance(scroll, VerticalScroll) and not scroll.verticalScrollBar().isVisible()
    sale.approval.cancel()
    sale.toggle_lines()
    fit.check("sale with lines")
    sale.toggle_lines()
    window.open_enrol()
    fit.check("enrol")
    window.escape()
    hub = window.readers
    assert hub is not None
    window.clear_member()
    window.on_reader_event(
        card_presented("sim", "04000000000099", CardTech(tag_type="Type2"), (), hub.config)
    )
    qtbot.waitUntil(lambda: window.counter.currentWidget() is window.unknown_card, timeout=WAIT)
    fit.check("unknown card")
    window.escape()
    window.open_member_id(member_id)
    qtbot.waitUntil(lambda: window.member is not None, timeout=WAIT)
    window.open_actions()
    fit.check("actions")
    window.open_returns()
    returns = window.returns
    qtbot.keyClicks(returns.receipt, "HD101")
    qtbot.keyClick(returns.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.open is not None and returns.preview is not None, timeout=WAIT)
    fit.check("return previewed")
    window.back_to_counter()


def _desk(qtbot: QtBot, window: TillWindow, fit: Fit, member_id: str) -> None:
    """Every page of the desk (whatever pages it has), with the member opened, then with its approval boxes
    open."""
    window.open_desk()
    desk = window.desk
    desk.open_member(member_id)
    qtbot.waitUntil(lambda: window.desk_member.member_id == member_id, timeout=WAIT)
    for index in range(desk.tabs.count()):
        desk.tabs.setCurrentIndex(index)  # a page built on first view is built now
        qtbot.wait(1)
        name = f"desk: {desk.tabs.tabText(index)}"
        fit.check(name)
        _open_every_approval_box(window, desk.tabs.widget(index))
        fit.check(f"{name} with the manager approval")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_screen_fits_1280_by_800(
    qtbot: QtBot, till: Till, make_window: MakeWindow, language: str
) -> None:
    member_id = _member_with_history(till)
    window = make_window(language)
    window.resize(WIDTH, HEIGHT)
    fit = Fit(qtbot, window)
    _counter(qtbot, window, fit, member_id)
    _desk(qtbot, window, fit, member_id)  # as a cashier: the manager's actions ask for a manager in place
    window.escape()
    window.lock()
    fit.check("locked")
    window.sign_out()
    sign_in(qtbot, window, "9001", "9999")
    _desk(qtbot, window, fit, member_id)  # as the manager: every page with what it offers a manager
    window.language.toggle()  # the other language, at runtime, over every screen already built
    fit.check("desk after a language switch")
    assert len(fit.seen) > 40
