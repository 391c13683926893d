"""The returns screen (F6) on the real window, offscreen, over a real SQLite till: the sale found by its
receipt number, the preview, Enter records exactly what was previewed, once."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.store import models as m
from app.ui.window import TillWindow
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]


def _text(label: object) -> str:
    """A label's text with the money sign's space as typed here (QLocale may use a non-breaking one)."""
    return str(label.text()).replace("\xa0", " ")  # type: ignore[attr-defined]


def _serving(qtbot: QtBot, make_window: MakeWindow, language: str = "en") -> TillWindow:
    window = make_window(language=language)
    sign_in(qtbot, window)
    return window


def _reversals(till: Till, receipt: str) -> list[int]:
    """Points of the reverse entries a return wrote for the receipt, in ledger order."""
    with till.store.read() as s:
        return list(
            s.scalars(
                select(m.LedgerEntry.points)
                .where(m.LedgerEntry.kind == "reverse", m.LedgerEntry.receipt_ref == receipt)
                .order_by(m.LedgerEntry.seq)
            )
        )


def _find(qtbot: QtBot, window: TillWindow, receipt: str) -> None:
    """F6, type the receipt number, Enter: the sale is shown and its default refund previewed."""
    qtbot.keyClick(window.sale.total if window.member else window.search.field, Qt.Key.Key_F6)
    returns = window.returns
    assert window.counter.currentWidget() is returns and returns.receipt.hasFocus()
    qtbot.keyClicks(returns.receipt, receipt)
    qtbot.keyClick(returns.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.open is not None and returns.preview is not None)


def _type_amount(qtbot: QtBot, window: TillWindow, text: str) -> None:
    returns = window.returns
    returns.amount.selectAll()
    qtbot.keyClicks(returns.amount, text)


def test_a_partial_return_previews_what_the_ledger_then_records(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Huỳnh Thị Ngân", "0901111111")  # 50 welcome points
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(1_000_000)), "HD1")  # +100
    till.svc.points.redeem(till.cashier, member.id, 100, bill=Money(1_000_000), receipt_ref="HD1")  # 50 left
    window = _serving(qtbot, make_window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    _find(qtbot, window, "HD1")
    returns = window.returns
    facts = {key: _text(value) for key, (_name, value) in returns.facts.items()}
    assert facts["member"].startswith("Huỳnh Thị Ngân (no. ") and facts["member"].endswith("50 points now")
    assert facts["sold_at"] == "02/03/2026 10:00"  # the store's time
    assert facts["bill"] == "1,000,000 ₫" and facts["left"] == "1,000,000 ₫"
    assert (facts["earned"], facts["redeemed"]) == ("100 points", "100 points")
    assert facts["refunded"] == "0 ₫ (0 points taken back)"
    assert returns.amount.text() == "1,000,000" and returns.amount.hasFocus()  # the rest, ready to confirm
    _type_amount(qtbot, window, "400.000")
    qtbot.waitUntil(lambda: returns.preview is not None and returns.preview.refund == Money(400_000))
    preview = returns.preview
    assert preview is not None
    assert returns.reversed.text() == "Points taken back: 40 (earned on the refunded part)"
    assert returns.restored.text() == "Points given back: 40 (they paid for the refunded part)"
    assert returns.overdraft.text() == "No overdraft: the member still has the points taken back."
    assert returns.balance.text() == "Balance: 50 → 50 points"
    assert _reversals(till, "HD1") == []  # a preview writes nothing
    qtbot.keyClick(returns.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.open is not None and returns.open.done)
    # What the ledger holds is what was previewed.
    assert _reversals(till, "HD1") == [-preview.points_reversed, preview.points_restored] == [-40, 40]
    assert till.svc.members.get(member.id).balance == preview.member.balance == 50
    assert _text(window.message) == (
        "Return of 400,000 ₫ on receipt HD1 recorded: 40 points taken back, 40 given back. "
        "Huỳnh Thị Ngân now has 50 points."
    )
    qtbot.waitUntil(lambda: _text(returns.facts["refunded"][1]) == "400,000 ₫ (40 points taken back)")
    assert _text(returns.facts["left"][1]) == "600,000 ₫"
    assert returns.balance.text() == "New balance: 50 points"
    assert returns.receipt.hasFocus() and not returns.amount.isEnabled()
    # Esc: back to the member being served, the cursor in the bill total.
    qtbot.keyClick(returns.receipt, Qt.Key.Key_Escape)
    assert window.counter.currentWidget() is window.member_page and window.sale.total.hasFocus()
    assert window.member is not None and window.member.id == member.id


def test_a_full_return_after_the_points_were_spent_shows_and_records_the_overdraft(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Vũ Đức Hải", "0902222222")  # 50
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(1_000_000)), "HD1")  # 150
    till.svc.points.redeem(till.cashier, member.id, 150, bill=Money(400_000), receipt_ref="HD2")  # 0
    window = _serving(qtbot, make_window)
    _find(qtbot, window, "HD1")  # from the waiting screen
    returns = window.returns
    assert returns.preview is not None and returns.preview.refund == Money(1_000_000)
    assert returns.reversed.text() == "Points taken back: 100 (earned on the refunded part)"
    assert returns.overdraft.text() == (
        "Overdraft: 100 points were already spent; the member owes them and their next purchases pay them off."
    )
    assert returns.overdraft.objectName() == "warning"  # drawn to be noticed
    assert returns.balance.text() == "Balance: 0 → -100 points"
    qtbot.keyClick(returns.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.open is not None and returns.open.done)
    with till.store.read() as s:
        overdraft = s.execute(select(m.Overdraft.member_id, m.Overdraft.remaining)).one()
    assert tuple(overdraft) == (member.id, 100)
    assert till.svc.members.get(member.id).balance == -100
    assert "100 points taken back, 0 given back" in window.message.text()
    qtbot.keyClick(returns.receipt, Qt.Key.Key_Escape)
    assert window.counter.currentWidget() is window.search and window.search.field.hasFocus()


def test_a_double_enter_reverses_once(qtbot: QtBot, till: Till, make_window: MakeWindow) -> None:
    member = enrol(till, "Đặng Thu Trang", "0903333333")
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(500_000)), "HD5")  # +50
    window = _serving(qtbot, make_window)
    _find(qtbot, window, "HD5")
    returns = window.returns
    opened = returns.open
    assert opened is not None
    qtbot.keyClick(returns.amount, Qt.Key.Key_Return)
    qtbot.keyClick(returns.amount, Qt.Key.Key_Return)  # the impatient second press
    qtbot.waitUntil(lambda: opened.done and not returns.in_flight)
    assert _reversals(till, "HD5") == [-50]
    # Enter again on the recorded return says so and writes nothing.
    returns.submit()
    assert window.message.text() == "This return is recorded. Type the next receipt number, or press Esc."
    # A retry that reached the worker twice carries the same entry id: replayed, never reversed again.
    again = till.svc.points.process_return(till.cashier, "HD5", Money(500_000), entry_id=opened.entry_id)
    assert again.replayed and _reversals(till, "HD5") == [-50]
    assert till.svc.members.get(member.id).balance == 50
    # Locked and unlocked on the return screen: the cashier carries on where they were, keyboard ready.
    qtbot.keyClick(returns.receipt, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.lock_screen
    qtbot.keyClicks(window.lock_screen.pin, "1111")
    qtbot.keyClick(window.lock_screen.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.counter)
    assert window.counter.currentWidget() is returns and returns.receipt.hasFocus()


def test_enter_before_the_preview_is_on_screen_shows_it_first(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Lâm Thị Thu", "0904444444")
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(300_000)), "HD9")  # +30
    window = _serving(qtbot, make_window)
    _find(qtbot, window, "HD9")
    returns = window.returns
    _type_amount(qtbot, window, "100.000")
    qtbot.keyClick(returns.amount, Qt.Key.Key_Return)  # before the new preview came back
    assert window.message.text() == "Check what the return does, then press Enter again to confirm."
    qtbot.waitUntil(lambda: returns.preview is not None and returns.preview.refund == Money(100_000))
    assert _reversals(till, "HD9") == []
    qtbot.keyClick(returns.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.open is not None and returns.open.done)
    assert _reversals(till, "HD9") == [-10]


def test_what_cannot_be_returned_is_said_in_sentences(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Trịnh Công Sơn", "0905555555")
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(800_000)), "HD2")
    till.svc.points.process_return(till.cashier, "HD2", Money(300_000))
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(100_000)), "HD3")
    till.svc.points.process_return(till.cashier, "HD3", Money(100_000))
    window = _serving(qtbot, make_window)
    returns = window.returns
    qtbot.keyClick(window.search.field, Qt.Key.Key_F6)
    qtbot.keyClick(returns.receipt, Qt.Key.Key_Return)
    assert window.message.text() == "Type or scan the receipt number of the sale."
    qtbot.keyClicks(returns.receipt, "HD-NOPE")
    qtbot.keyClick(returns.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No sale with receipt number HD-NOPE" in window.message.text())
    assert window.message.text() == (
        "No sale with receipt number HD-NOPE at this store. Check the number on the receipt."
    )
    assert returns.open is None and returns.receipt.hasFocus()
    # A receipt refunded in full has nothing left.
    returns.receipt.clear()
    qtbot.keyClicks(returns.receipt, "HD3")
    qtbot.keyClick(returns.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.open is not None)
    assert window.message.text() == "Receipt HD3 is refunded in full: nothing is left to return."
    assert not returns.amount.isEnabled() and not returns.confirm.isEnabled()
    # Partly refunded: at most what is left; not an amount; nothing.
    returns.receipt.clear()
    qtbot.keyClicks(returns.receipt, "HD2")
    qtbot.keyClick(returns.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.open is not None and returns.preview is not None)
    assert returns.amount.text() == "500,000"  # 800.000 less the 300.000 already refunded
    for typed, sentence in (
        ("600.000", "At most 500,000 ₫ is left to refund on this receipt."),
        ("12,5", "The refunded amount is not an amount: type it in đồng, e.g. 120.000."),
        ("abc", "The refunded amount is not an amount: type it in đồng, e.g. 120.000."),
        ("0", "The refunded amount must be more than zero."),
        ("", "Type the refunded amount."),
    ):
        returns.amount.selectAll()
        qtbot.keyClick(returns.amount, Qt.Key.Key_Backspace)
        if typed:
            qtbot.keyClicks(returns.amount, typed)
        qtbot.keyClick(returns.amount, Qt.Key.Key_Return)
        assert _text(window.message) == sentence, typed
        qtbot.waitUntil(lambda s=sentence: _text(returns.reversed) == s)  # the preview says why, too
    assert _reversals(till, "HD2") == [-30]  # only the return made before
    # Another receipt number typed: the sale shown no longer stands for it.
    qtbot.keyClicks(returns.receipt, "X")
    assert returns.open is None and not returns.confirm.isEnabled()


def test_the_return_screen_speaks_the_window_language(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Ngô Quốc Sơn", "0906666666")  # 50
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(1_250_000)), "HD8")  # +125
    window = _serving(qtbot, make_window)
    returns = window.returns
    qtbot.mouseClick(window.returns_button, Qt.MouseButton.LeftButton)  # the waiting screen's button
    assert window.counter.currentWidget() is returns
    qtbot.keyClicks(returns.receipt, "HD8")
    qtbot.keyClick(returns.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: returns.preview is not None)
    assert returns.title.text() == "Return" and returns.confirm.text() == "Confirm the return (Enter)"
    qtbot.keyClick(returns.amount, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: returns.title.text() == "Trả hàng")
    assert returns.confirm.text() == "Xác nhận trả hàng (Enter)"
    assert returns.reversed.text() == "Trừ lại: 125 điểm (tích trên phần hoàn tiền)"
    assert returns.balance.text() == "Số dư: 175 → 50 điểm"
    assert _text(returns.facts["bill"][1]) == "1.250.000 ₫"
    assert returns.facts["left"][0].text() == "Còn được hoàn"
    assert window.returns_button.text() == "Trả hàng (F6)"
    returns.amount.clear()
    qtbot.keyClicks(returns.amount, "9.999.999")
    qtbot.keyClick(returns.amount, Qt.Key.Key_Return)
    assert _text(window.message) == "Chỉ còn tối đa 1.250.000 ₫ được hoàn trên hóa đơn này."
    qtbot.keyClick(returns.amount, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: returns.title.text() == "Return")
