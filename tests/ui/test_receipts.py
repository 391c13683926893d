"""Receipts in the real window: the slip after a sale (in English and Vietnamese), F8 for the last receipt,
the PDF in the till's data folder read back with a PDF text extractor, a file printer, and a printer that
does not answer (a sentence; the sale stands)."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from PySide6.QtCore import QLocale, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.receipts.escpos import parse_printer, receipt_bytes
from app.receipts.layout import PlainFormats
from app.receipts.setup import ReceiptSetup
from app.receipts.vietnamese import to_cp1258
from app.services import TillServices
from app.services.views import MemberView
from app.store import models as m
from app.store.db import open_store
from app.ui.i18n import locale_for
from app.ui.launch import build_window
from app.ui.receipt_pdf import QtFormats
from app.ui.window import TillWindow
from loyalty.money import MAX_MINOR_UNITS, Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]


def _serve(qtbot: QtBot, make_window: MakeWindow, member: MemberView, language: str = "en") -> TillWindow:
    window = make_window(language)
    sign_in(qtbot, window)
    window.open_member_id(member.id)
    qtbot.waitUntil(lambda: window.member is not None)
    return window


def _sell(qtbot: QtBot, window: TillWindow, total: str, receipt: str, redeem: str = "") -> None:
    sale = window.sale
    qtbot.keyClicks(sale.total, total)
    qtbot.keyClicks(sale.receipt, receipt)
    if redeem:
        qtbot.keyClicks(sale.redeem, redeem)
    with qtbot.waitSignal(window.receipts.issued, timeout=10_000):
        qtbot.keyClick(sale.receipt, Qt.Key.Key_Return)


def _earned(till: Till, receipt: str) -> int:
    with till.store.read() as session:
        return int(
            session.scalar(
                select(func.coalesce(func.sum(m.LedgerEntry.points), 0)).where(
                    m.LedgerEntry.kind == "earn", m.LedgerEntry.receipt_ref == receipt
                )
            )
            or 0
        )


def test_a_sale_shows_the_slip_with_its_numbers_in_english_and_in_vietnamese(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Đặng Thu Trang", "0955555555")
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(1_000_000)), "OLD-1")  # 150
    window = _serve(qtbot, make_window, member)
    slip = window.receipt_slip
    assert not slip.isVisible()  # nothing to show before the sale
    _sell(qtbot, window, "250.000", "HD-1", redeem="100")
    assert slip.isVisible() and slip.title.text() == "Receipt"
    text = slip.text()
    for line in (
        "LOYALTY RECEIPT",
        "Receipt no.: HD-1",
        "Cashier: Mai",
        f"Member card: •••• {member.member_number[-4:]}",
        "Bill total: 250,000 ₫",
        "Points earned: +25",
        "Base points: +25",
        "Points redeemed: −100",
        "Off the bill: 100,000 ₫",
        "Points balance: 75",
        "Worth: 75,000 ₫",
    ):
        assert line in text, line
    assert _earned(till, "HD-1") == 25 and till.svc.members.get(member.id).balance == 75
    assert member.member_number not in text and "Đặng" not in text and "0955" not in text
    assert not slip.print_button.isVisible() and slip.pdf_button.isVisible()  # no printer set up
    qtbot.keyClick(window, Qt.Key.Key_F12)  # the window, and its receipt, in Vietnamese
    qtbot.waitUntil(lambda: "PHIẾU TÍCH ĐIỂM" in slip.text())
    text = slip.text()
    assert slip.title.text() == "Phiếu" and slip.pdf_button.text() == "Lưu PDF"
    for line in ("Tổng hóa đơn: 250.000 ₫", "Điểm tích lũy: +25", "Điểm đã dùng: −100", "Số dư điểm: 75"):
        assert line in text, line


def test_f8_shows_the_last_receipt_and_enter_saves_it_as_a_pdf_with_its_vietnamese(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Nguyễn Thị Lan", "0901234567")
    window = _serve(qtbot, make_window, member, language="vi")
    _sell(qtbot, window, "450.000", "HD2001")
    qtbot.keyClick(window.sale.total, Qt.Key.Key_Escape)  # the customer leaves: the slip goes with them
    assert window.member is None and not window.receipt_slip.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F8)
    dialog = window.receipt_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert "Số hóa đơn: HD2001" in dialog.slip.text() and dialog.windowTitle() == "Phiếu gần nhất"
    with qtbot.waitSignal(window.receipts.saved, timeout=10_000) as saved:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # no printer: Enter saves the PDF
    path = saved.args[0]
    assert isinstance(path, Path) and path.parent == till.path.parent / "receipts" and path.suffix == ".pdf"
    assert "Đã lưu phiếu thành PDF" in window.message.text()
    pages = PdfReader(path).pages
    assert len(pages) == 1
    words = " ".join(pages[0].extract_text().split())  # the extractor puts tabs between words
    for phrase in (
        "PHIẾU TÍCH ĐIỂM",
        "Tổng hóa đơn",
        "450.000 ₫",
        "Điểm tích lũy",
        "+45",
        "Cảm ơn quý khách!",
    ):
        assert phrase in words, phrase
    assert window.ctx.store_name in words  # the store's Vietnamese name, glyphs embedded
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()  # closed (and deleted once the event loop runs)


def test_f8_before_any_sale_says_there_is_no_receipt(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    sign_in(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F8)  # the ledger is asked for the till's last receipt: it has none
    qtbot.waitUntil(lambda: window.message.text() == "No receipt yet: it appears after a sale.")
    assert window.receipt_dialog is None


def test_a_file_printer_prints_and_the_second_print_is_marked_copy(
    qtbot: QtBot, till: Till, make_window: MakeWindow, tmp_path: Path
) -> None:
    member = enrol(till, "Bùi Gia Long", "0966666666")
    window = _serve(qtbot, make_window, member, language="vi")
    device = tmp_path / "lp0"
    window.receipts.configure(ReceiptSetup(printer=parse_printer(f"file:{device}", "TM-T88V")))
    _sell(qtbot, window, "120.000", "HD-P")
    slip = window.receipt_slip
    assert slip.print_button.isVisible()
    with qtbot.waitSignal(window.receipts.printed, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_F8)  # F8 prints the last receipt when there is a printer
    first = device.read_bytes()
    assert first.startswith(b"\x1b@\x1bt\x34")  # initialise, Windows-1258
    assert to_cp1258("Điểm tích lũy").encode("cp1258") in first
    assert to_cp1258("BẢN SAO").encode("cp1258") not in first
    assert re.fullmatch(r"Đã in phiếu \d{6}\.", window.message.text())
    dialog = window.receipt_dialog
    assert dialog is not None
    dialog.close()
    with qtbot.waitSignal(window.receipts.printed, timeout=10_000):
        qtbot.mouseClick(slip.print_button, Qt.MouseButton.LeftButton)
    assert to_cp1258("BẢN SAO").encode("cp1258") in device.read_bytes()  # printed again: a copy


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = int(probe.getsockname()[1])
    yield port  # nothing listens there: a printer switched off


def test_a_printer_that_does_not_answer_is_a_sentence_and_the_sale_stands(
    qtbot: QtBot, till: Till, make_window: MakeWindow, closed_port: int
) -> None:
    member = enrol(till, "Trịnh Công Sơn", "0929292929")
    window = _serve(qtbot, make_window, member)
    window.receipts.configure(ReceiptSetup(printer=parse_printer(f"network:127.0.0.1:{closed_port}")))
    _sell(qtbot, window, "100.000", "HD-OFF")
    qtbot.mouseClick(window.receipt_slip.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "does not answer" in window.message.text(), timeout=15_000)
    assert "The sale is recorded" in window.message.text()
    assert _earned(till, "HD-OFF") == 10
    assert window.member is not None and window.member.balance == 60
    assert window.receipt_slip.isVisible() and "Points earned: +10" in window.receipt_slip.text()
    qtbot.keyClicks(window.sale.total, "50.000")  # the till goes on serving
    qtbot.keyClicks(window.sale.receipt, "HD-NEXT")
    qtbot.keyClick(window.sale.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _earned(till, "HD-NEXT") == 5, timeout=10_000)


def test_an_action_recorded_at_the_till_gets_a_receipt(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Đỗ Thu Hà", "0977777771")
    window = _serve(qtbot, make_window, member)
    svc, actor = till.svc, window.ctx.actor
    assert actor is not None
    with qtbot.waitSignal(window.receipts.issued, timeout=10_000):
        window.ctx.ops.change(lambda: svc.points.record_action(actor, member.id, "recycling"))
    receipt = window.receipts.last
    assert receipt is not None and receipt.kind == "action" and receipt.action_points == 5
    assert "Points awarded: +5" in window.receipt_slip.text()
    assert "Points balance: 55" in window.receipt_slip.text()


@given(st.integers(min_value=-MAX_MINOR_UNITS, max_value=MAX_MINOR_UNITS), st.sampled_from(["vi", "en"]))
def test_paper_writes_money_as_the_window_does(qapp: object, amount: int, language: str) -> None:
    previous = QLocale()
    QLocale.setDefault(locale_for(language))
    try:
        window_text = QtFormats().money(Money(amount))
    finally:
        QLocale.setDefault(previous)
    assert PlainFormats(language).money(Money(amount)) == window_text.replace("\u00a0", " ")


def _restarted(qtbot: QtBot, till: Till, language: str) -> Iterator[TillWindow]:
    """The same store file opened again by new services and a new window: the till after a restart."""
    store = open_store(till.path)
    window, display = build_window(store, TillServices.open(store, till.clock), language=language)
    qtbot.addWidget(window)
    qtbot.addWidget(display)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    try:
        yield window
    finally:
        window.shutdown()
        store.close()


def test_after_a_restart_f8_reprints_the_last_receipt_from_the_ledger_as_a_copy(
    qtbot: QtBot, till: Till, make_window: MakeWindow, tmp_path: Path
) -> None:
    member = enrol(till, "Lương Thế Vinh", "0931313131")
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(1_000_000)), "OLD-1")
    window = _serve(qtbot, make_window, member, language="vi")
    _sell(qtbot, window, "450.000", "HD-R1", redeem="60")
    printed = window.receipts.last
    assert printed is not None and printed.redeemed == 60
    for restarted in _restarted(qtbot, till, "vi"):
        device = tmp_path / "lp0"
        restarted.receipts.configure(ReceiptSetup(printer=parse_printer(f"file:{device}", "TM-T88V")))
        assert restarted.receipts.last is None  # nothing in memory: the ledger has it
        sign_in(qtbot, restarted)
        with qtbot.waitSignal(restarted.receipts.printed, timeout=10_000):
            qtbot.keyClick(restarted, Qt.Key.Key_F8)
        dialog = restarted.receipt_dialog
        assert dialog is not None and dialog.receipt == printed
        qtbot.waitUntil(dialog.isVisible)
        assert dialog.windowTitle() == "Phiếu gần nhất" and "Số hóa đơn: HD-R1" in dialog.slip.text()
        # The paper is the receipt of the day, byte for byte, marked as a copy.
        assert device.read_bytes() == receipt_bytes(replace(printed, copy=True), "vi", "TM-T88V")
        assert to_cp1258("BẢN SAO").encode("cp1258") in device.read_bytes()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_the_reprint_dialog_finds_a_receipt_by_its_number_with_the_keyboard(
    qtbot: QtBot, till: Till, make_window: MakeWindow
) -> None:
    member = enrol(till, "Hoàng Thị Thu", "0932323232")
    window = _serve(qtbot, make_window, member)
    _sell(qtbot, window, "300.000", "HD-A")
    first = window.receipts.last
    _sell(qtbot, window, "200.000", "HD-B")
    second = window.receipts.last
    assert first is not None and second is not None and first.number != second.number
    qtbot.keyClick(window, Qt.Key.Key_F8)
    dialog = window.receipt_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.receipt == second
    qtbot.waitUntil(dialog.number.hasFocus)  # the cursor waits in the number field
    assert dialog.number.accessibleName() == "Number of the receipt to find"
    qtbot.keyClicks(dialog.number, first.number)
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.receipt == first)
    assert dialog.windowTitle() == f"Receipt {first.number}" and "Receipt no.: HD-A" in dialog.slip.text()
    assert dialog.number.text() == "" and dialog.number.hasFocus()
    qtbot.keyClicks(dialog.number, "HD-B")  # the bill's number finds its sale too
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.receipt == second)
    qtbot.keyClicks(dialog.number, "424242")
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No receipt 424242 at this till" in dialog.note.text())
    assert dialog.receipt == second and dialog.number.selectedText() == "424242"
    with qtbot.waitSignal(window.receipts.saved, timeout=10_000):
        dialog.number.clear()
        qtbot.keyClick(dialog.number, Qt.Key.Key_Return)  # an empty field: Enter saves the receipt shown
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
