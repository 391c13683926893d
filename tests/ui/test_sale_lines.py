"""Lines by category or product (F5 in the sale): they earn by their own rules, the rest of the bill earns as
usual, and the award records exactly what the quote showed."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.store import models as m
from app.ui.window import TillWindow
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]


def _member_shown(qtbot: QtBot, till: Till, make_window: MakeWindow, language: str = "en") -> TillWindow:
    member = enrol(till, "Lý Thị Hạnh", "0977777777")
    window = make_window(language)
    sign_in(qtbot, window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    return window


def _add(
    qtbot: QtBot, window: TillWindow, amount: str, *, category: str | None = None, sku: str = ""
) -> None:
    lines = window.sale.lines
    lines.category.setCurrentIndex(lines.category.findData(category) if category else 0)
    lines.sku.setText(sku)
    lines.amount.setText(amount)
    qtbot.keyClick(lines.amount, Qt.Key.Key_Return)


def test_f5_lines_earn_by_their_rules_and_the_award_records_them(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    window = _member_shown(qtbot, till, make_window)
    sale = window.sale
    qtbot.keyClick(sale.total, Qt.Key.Key_F5)
    assert sale.lines.isVisible() and sale.lines.category.hasFocus()
    _add(qtbot, window, "100.000", category="fresh")  # ×2: 10 base + 10 extra
    assert sale.total.text() == "100,000"  # an empty bill total becomes the lines' sum
    _add(qtbot, window, "30.000", sku="8934563138165")  # ×3: 3 base + 6 extra
    _add(qtbot, window, "50.000", category="tobacco")  # excluded: nothing
    assert sale.lines.table.rowCount() == 3
    sale.total.setText("400.000")  # 220.000 more of ordinary goods: 22 points
    sale.quote_timer.start()
    qtbot.waitUntil(lambda: sale.quote is not None and sale.quote.total.amount == 400_000)
    assert sale.quote is not None and sale.quote.points == 10 + 10 + 3 + 6 + 22
    assert "Category fresh" in sale.breakdown.text()
    sale.receipt.setText("HD-L1")
    qtbot.keyClick(sale.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not sale.in_flight and window.member is not None and window.member.balance > 50)
    assert window.member is not None and window.member.balance == 50 + 51
    with till.store.read() as session:
        earn = session.scalars(select(m.LedgerEntry).where(m.LedgerEntry.receipt_ref == "HD-L1")).one()
        assert earn.points == 51 and earn.amount_minor == 400_000
    assert not sale.lines.lines()  # the next sale starts without lines


def test_lines_above_the_bill_and_bad_lines_are_refused_in_words(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    window = _member_shown(qtbot, till, make_window)
    sale = window.sale
    qtbot.keyClick(sale.total, Qt.Key.Key_F5)
    _add(qtbot, window, "abc", category="fresh")
    assert "not an amount" in window.message.text() and not sale.lines.lines()
    _add(qtbot, window, "10.000")  # neither category nor product
    assert "Choose a category" in window.message.text()
    _add(qtbot, window, "10.000", sku="bad code!")
    assert "product code" in window.message.text()
    _add(qtbot, window, "300.000", category="fresh")
    sale.total.setText("200.000")
    sale.receipt.setText("HD-L2")
    qtbot.keyClick(sale.receipt, Qt.Key.Key_Return)
    assert "more than the bill" in window.message.text()
    assert not sale.in_flight
    sale.lines.table.selectRow(0)
    qtbot.keyClick(sale.lines.table, Qt.Key.Key_Delete)
    assert not sale.lines.lines()


def test_lines_speak_vietnamese_and_refresh_their_headers(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    window = _member_shown(qtbot, till, make_window, "vi")
    qtbot.keyClick(window.sale.total, Qt.Key.Key_F5)
    header = window.sale.lines.table.horizontalHeaderItem(0)
    assert header is not None and header.text() == "Nhóm hàng"
    window.language.toggle()

    def header_text() -> str:
        item = window.sale.lines.table.horizontalHeaderItem(0)
        return item.text() if item is not None else ""

    qtbot.waitUntil(lambda: header_text() == "Category")  # language changes arrive as events
    assert json.dumps(window.sale.lines_button.text())  # a label in either language, never empty
