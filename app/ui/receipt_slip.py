"""Receipts in the window: the slip shown after a sale, F8 to see and print the last receipt again (or any
receipt of this till by its number), the printer and the PDF.

``ReceiptDesk`` keeps the last receipt, finds older ones in the ledger (``app.services.receipts``: after a
restart F8 still has the last one, made again from the entries exactly as it was printed) and sends
receipts out: to the configured ESC/POS printer on its
own thread (a printer that is off, unplugged or out of paper answers slowly or not at all, and must never
hold the window or the database worker), or to a PDF in the till's data folder. Either happens after the
sale is recorded: a receipt that does not come out is a sentence in the window, and the sale stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.paths import receipts_dir
from app.receipts.escpos import PrinterProblem, print_receipt
from app.receipts.layout import plain_text, receipt_rows
from app.receipts.model import Receipt, StoreHeader, build_receipt, rebuild_receipt
from app.receipts.setup import ReceiptSetup
from app.services.receipts import ReceiptBook
from app.services.views import Change
from app.ui.context import TillContext
from app.ui.receipt_pdf import (
    QtFormats,
    pdf_name,
    receipt_font_family,
    receipt_html,
    render_pdf,
    window_language,
    write_pdf,
)
from app.ui.theme import set_property
from loyalty.errors import NotFound
from loyalty.text import MAX_RECEIPT

log = logging.getLogger(__name__)

SLIP_WIDTH = 360
# The slip looks like the paper it stands for: black on white, whatever the window's theme.
PAPER_STYLE = (
    "QLabel#receiptPaper {{ background-color: #ffffff; color: #000000; padding: 10px; "
    "font-family: '{family}'; font-size: 15px; }}"
)


@dataclass(frozen=True)
class _Job:
    fn: Callable[[], Any]
    on_success: Callable[[Any], None]
    on_failure: Callable[[BaseException], None]


class PrintRunner(QObject):
    """One thread for printers and PDF files; results come back on the UI thread."""

    _finished = Signal(object, object, object)  # job, result, exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="till-printer")
        self._pending = 0
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        return self._pending

    def run(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        if self._closed:
            return
        self._pending += 1
        self._executor.submit(self._work, _Job(fn, on_success, on_failure))

    def _work(self, job: _Job) -> None:
        try:
            result = job.fn()
        except Exception as exc:  # every failure goes back to the UI thread as a sentence
            self._finished.emit(job, None, exc)
        else:
            self._finished.emit(job, result, None)

    def _deliver(self, job: _Job, result: object, exc: BaseException | None) -> None:
        self._pending -= 1
        if exc is not None:
            job.on_failure(exc)
        else:
            job.on_success(result)

    def shutdown(self) -> None:
        # A printer that does not answer is not waited for: the window closes, its job is given up.
        self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)


class ReceiptDesk(QObject):
    """The last receipt, and where receipts go (printer, PDF)."""

    message = Signal(str, str)  # text, tone
    issued = Signal(object, str)  # the receipt, the id of its member (never printed: for the window only)
    saved = Signal(object)  # the Path of a PDF written
    printed = Signal(object)  # the Receipt that reached the printer

    def __init__(self, ctx: TillContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setup = ReceiptSetup()
        self.folder = receipts_dir(ctx.svc.core.store.path.parent)
        self.last: Receipt | None = None
        self.book = ReceiptBook(ctx.svc.core)
        self._on_paper: set[str] = set()  # numbers of receipts printed once: a second print says COPY
        self._from_ledger: set[str] = set()  # numbers of receipts made again from the ledger: copies too
        self.runner = PrintRunner(self)
        # Returns and non-purchase actions get a receipt as they are recorded (a sale is issued by the window
        # from the sale's result, which holds its two change records together).
        ctx.ops.changed.connect(self._changed)

    def configure(self, setup: ReceiptSetup) -> None:
        self.setup = setup

    @property
    def has_printer(self) -> bool:
        return self.setup.printer is not None

    def no_receipt_yet(self) -> None:
        self.message.emit(self.tr("No receipt yet: it appears after a sale."), "info")

    def _header(self) -> StoreHeader:
        return StoreHeader(self.ctx.store_name, self.ctx.svc.core.till.till_id, self.setup.address)

    # -- issuing ---------------------------------------------------------------------------------------
    def issue(self, changes: Sequence[Change], cashier: str) -> Receipt | None:
        """The receipt of a completed sale, return or action; it becomes the last receipt."""
        if not changes:
            return None
        try:
            receipt = build_receipt(changes, program=self.ctx.program, store=self._header(), cashier=cashier)
        except ValueError:
            log.exception("no receipt for %s", [c.operation for c in changes])
            return None
        self.last = receipt
        self.issued.emit(receipt, changes[-1].member.id)
        return receipt

    def _changed(self, change: Change) -> None:
        if change.operation in ("return", "action"):
            actor = self.ctx.actor
            self.issue([change], actor.name if actor is not None else "")

    # -- from the ledger -------------------------------------------------------------------------------
    def fetch_last(self, done: Callable[[Receipt | None], None]) -> None:
        """The last receipt of this till: the one in hand, else the ledger's latest (after a restart)."""
        if self.last is not None:
            done(self.last)
            return
        book, header = self.book, self._header()

        def found(stored_receipt: Receipt | None) -> None:
            if stored_receipt is not None:
                self._from_ledger.add(stored_receipt.number)
                if self.last is None:  # a sale recorded meanwhile is the last one, not this
                    self.last = stored_receipt
            done(self.last or stored_receipt)

        def work() -> Receipt | None:
            stored = book.last()
            return None if stored is None else rebuild_receipt(stored, header)

        self.ctx.ops.query(work, found, lambda text, _exc: self.message.emit(text, "error"))

    def find(
        self, number: str, found: Callable[[Receipt], None], failed: Callable[[str, BaseException], None]
    ) -> None:
        """The receipt with this slip number (or the sale with this bill number), made from the ledger."""
        book, header = self.book, self._header()

        def done(receipt: Receipt) -> None:
            self._from_ledger.add(receipt.number)
            found(receipt)

        self.ctx.ops.query(lambda: rebuild_receipt(book.find(number), header), done, failed)

    # -- printing --------------------------------------------------------------------------------------
    def print_receipt(self, receipt: Receipt | None = None) -> bool:
        """Send ``receipt`` (the last one by default) to the printer; False when there is none to use."""
        receipt = receipt or self.last
        spec = self.setup.printer
        if receipt is None:
            self.no_receipt_yet()
            return False
        if spec is None:
            self.message.emit(self.tr("No receipt printer is set up: save the receipt as PDF."), "error")
            return False
        paper = replace(receipt, copy=receipt.number in self._on_paper | self._from_ledger)
        language = window_language()
        self.runner.run(
            lambda: print_receipt(spec, paper, language),
            lambda _data: self._printed(paper),
            lambda exc: self._print_failed(paper, exc),
        )
        return True

    def _printed(self, receipt: Receipt) -> None:
        self._on_paper.add(receipt.number)
        self.message.emit(self.tr("Receipt {number} printed.").format(number=receipt.number), "ok")
        self.printed.emit(receipt)

    def _print_failed(self, receipt: Receipt, exc: BaseException) -> None:
        log.warning("receipt %s not printed: %s", receipt.number, exc)
        reason = exc.reason if isinstance(exc, PrinterProblem) else "failed"
        if reason == "unreachable":
            text = self.tr(
                "The receipt printer does not answer: check that it is switched on and connected. "
                "The sale is recorded; press F8 to print the receipt again, or save it as PDF."
            )
        elif reason == "paper_out":
            text = self.tr(
                "The receipt printer is out of paper. The sale is recorded; load paper and press F8 to "
                "print the receipt again."
            )
        else:
            text = self.tr(
                "The receipt could not be printed. The sale is recorded; press F8 to try again, or save "
                "the receipt as PDF."
            )
        self.message.emit(text, "error")

    # -- PDF -------------------------------------------------------------------------------------------
    def save_pdf(self, receipt: Receipt | None = None) -> bool:
        """Write ``receipt`` (the last one by default) as a PDF in the till's receipts folder."""
        receipt = receipt or self.last
        if receipt is None:
            self.no_receipt_yet()
            return False
        data = render_pdf(receipt, window_language())  # drawing: here; the disk: on the printer thread
        folder, name = self.folder, pdf_name(receipt)
        self.runner.run(lambda: write_pdf(folder, name, data), self._pdf_saved, self._pdf_failed)
        return True

    def _pdf_saved(self, path: Path) -> None:
        self.message.emit(self.tr("Receipt saved as PDF: {path}").format(path=str(path)), "ok")
        self.saved.emit(path)

    def _pdf_failed(self, exc: BaseException) -> None:
        log.warning("receipt PDF not written: %s", exc)
        self.message.emit(
            self.tr("The receipt could not be saved as PDF ({reason}). The sale is recorded.").format(
                reason=getattr(exc, "strerror", None) or type(exc).__name__
            ),
            "error",
        )

    def shutdown(self) -> None:
        self.runner.shutdown()


class ReceiptSlip(QFrame):
    """The receipt on screen, with Print (when a printer is set up) and Save PDF."""

    def __init__(self, desk: ReceiptDesk, parent: QWidget | None = None, *, compact: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.desk = desk
        self.receipt: Receipt | None = None
        self.title = QLabel()
        self.title.setObjectName("title")
        self.paper = QLabel()
        self.paper.setObjectName("receiptPaper")
        self.paper.setTextFormat(Qt.TextFormat.RichText)
        self.paper.setWordWrap(True)
        self.paper.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.paper.setStyleSheet(PAPER_STYLE.format(family=receipt_font_family()))
        self.scroller = QScrollArea()
        self.scroller.setWidget(self.paper)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.print_button = QPushButton()
        self.pdf_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.scroller, 1)
        layout.addLayout(buttons)
        if compact:
            self.setFixedWidth(SLIP_WIDTH)
        self.print_button.clicked.connect(lambda: self.desk.print_receipt(self.receipt))
        self.pdf_button.clicked.connect(lambda: self.desk.save_pdf(self.receipt))
        self.retranslate()
        self.setVisible(False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Receipt"))
        self.print_button.setText(self.tr("Print"))
        self.pdf_button.setText(self.tr("Save PDF"))
        self.print_button.setAccessibleName(self.tr("Print the receipt"))
        self.pdf_button.setAccessibleName(self.tr("Save the receipt as PDF"))
        self.paper.setAccessibleName(self.tr("Receipt"))
        self.scroller.setAccessibleName(self.tr("Receipt"))
        self._render()  # the receipt's own words follow the window's language

    def show_receipt(self, receipt: Receipt) -> None:
        self.receipt = receipt
        self._render()
        self.setVisible(True)

    def clear(self) -> None:
        self.receipt = None
        self.paper.clear()
        self.setVisible(False)

    def _render(self) -> None:
        self.print_button.setVisible(self.desk.has_printer)
        # Without a printer, Save PDF is the slip's one action, and looks it.
        set_property(self.pdf_button, "secondary", self.desk.has_printer)
        if self.receipt is None:
            return
        rows = receipt_rows(self.receipt, window_language(), QtFormats())
        self.paper.setText(receipt_html(rows))
        self.paper.setAccessibleDescription(plain_text(rows))

    def text(self) -> str:
        """What the slip says, as plain lines (for a screen reader, and for tests)."""
        return self.paper.accessibleDescription()


class ReceiptDialog(QDialog):
    """F8: the last receipt, to print again or save; a receipt number finds another one; Esc closes it.

    Enter does what the moment asks: with a number typed, it finds that receipt; with the field empty, it
    prints the receipt shown (or saves it as PDF without a printer), and closes once it has been sent."""

    def __init__(
        self, desk: ReceiptDesk, receipt: Receipt, parent: QWidget | None = None, *, sent: bool = False
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.sent = sent  # the receipt shown has gone to the printer (F8 prints the last one at once)
        self.looking_up = False
        self._asked = 0
        self.number_label = QLabel()
        self.number = QLineEdit()
        self.number.setMaxLength(MAX_RECEIPT)
        self.number_label.setBuddy(self.number)
        self.find_button = QPushButton()
        self.find_button.setProperty("secondary", True)
        self.note = QLabel()
        self.note.setObjectName("message")
        self.note.setWordWrap(True)
        self.problem = False  # the note says why a number found nothing (until the next look-up)
        set_property(self.note, "tone", "info")
        self.slip = ReceiptSlip(desk, compact=False)
        self.slip.show_receipt(receipt)
        self.slip.title.setVisible(False)  # the dialog's title names the receipt: the paper gets the room
        self.close_button = QPushButton()
        self.close_button.setProperty("secondary", True)
        self.close_button.clicked.connect(self.accept)
        self.find_button.clicked.connect(self.look_up)
        self.slip.print_button.clicked.connect(self._sent_now)
        find_row = QHBoxLayout()
        find_row.addWidget(self.number, 1)
        find_row.addWidget(self.find_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.number_label)
        layout.addLayout(find_row)
        layout.addWidget(self.note)
        layout.addWidget(self.slip, 1)
        layout.addWidget(self.close_button)
        self.setTabOrder(self.number, self.find_button)
        self.setTabOrder(self.find_button, self.slip.print_button)
        self.setTabOrder(self.slip.print_button, self.slip.pdf_button)
        self.setTabOrder(self.slip.pdf_button, self.close_button)
        self.resize(SLIP_WIDTH + 180, 760)
        self.retranslate()
        self.number.setFocus()

    @property
    def receipt(self) -> Receipt | None:
        return self.slip.receipt

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        receipt = self.receipt
        if receipt is not None and receipt is self.desk.last:
            self.setWindowTitle(self.tr("Last receipt"))
        else:
            self.setWindowTitle(
                self.tr("Receipt {number}").format(number=receipt.number if receipt is not None else "")
            )
        self.number_label.setText(self.tr("Another receipt: slip no. or &receipt no."))
        self.number.setPlaceholderText(self.tr("e.g. 000042 or HD123"))
        self.number.setAccessibleName(self.tr("Number of the receipt to find"))
        self.find_button.setText(self.tr("Find (Enter)"))
        self.find_button.setAccessibleName(self.tr("Find the receipt"))
        self.note.setAccessibleName(self.tr("Message"))
        self.close_button.setText(self.tr("Close (Esc)"))
        self.close_button.setAccessibleName(self.tr("Close the receipt"))
        self._show_default()

    # -- Enter -----------------------------------------------------------------------------------------
    def _default_button(self) -> QPushButton:
        if not self.desk.has_printer:
            return self.slip.pdf_button
        return self.close_button if self.sent else self.slip.print_button

    def _show_default(self) -> None:
        default = self._default_button()
        for button in (self.close_button, self.slip.print_button, self.slip.pdf_button, self.find_button):
            button.setDefault(button is default)
        if self.looking_up:
            text = self.tr("Looking for the receipt…")
        elif not self.desk.has_printer:
            text = self.tr("Enter saves this receipt as PDF; type another number to find that receipt.")
        elif self.sent:
            text = self.tr("Sent to the printer. Enter closes; type another number to find that receipt.")
        else:
            text = self.tr("Enter prints this receipt (marked COPY); type another number to find that one.")
        if not self.problem:
            self.note.setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A button with the focus takes Enter itself; here Enter comes from the number field or the slip.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            if self.number.text().strip():
                self.look_up()
            elif not self.looking_up:
                self._default_button().click()
            return
        super().keyPressEvent(event)

    def _sent_now(self) -> None:
        self.sent = True
        self._show_default()

    # -- another receipt -------------------------------------------------------------------------------
    def look_up(self) -> None:
        text = self.number.text().strip()
        if not text:
            self._problem(
                self.tr("Type the slip number printed on the receipt, or the bill's receipt number.")
            )
            self.number.setFocus()
            return
        self._asked += 1
        asked = self._asked
        self.looking_up = True
        self.problem = False
        set_property(self.note, "tone", "info")
        self._show_default()
        self.desk.find(
            text,
            lambda receipt: self._found(asked, receipt),
            lambda sentence, exc: self._not_found(asked, text, sentence, exc),
        )

    def _found(self, asked: int, receipt: Receipt) -> None:
        if asked != self._asked:
            return
        self.looking_up = False
        self.sent = False
        self.slip.show_receipt(receipt)
        self.number.clear()
        self.number.setFocus()
        self.retranslate()

    def _not_found(self, asked: int, text: str, sentence: str, exc: BaseException) -> None:
        if asked != self._asked:
            return
        self.looking_up = False
        if isinstance(exc, NotFound):
            sentence = self.tr(
                "No receipt {number} at this till. Type the slip number printed on it (Slip no.) or the "
                "bill's receipt number."
            ).format(number=text)
        self._problem(sentence)
        self.number.setFocus()
        self.number.selectAll()

    def _problem(self, sentence: str) -> None:
        self.problem = True
        set_property(self.note, "tone", "error")
        self.note.setText(sentence)


def reprint_last(
    desk: ReceiptDesk, parent: QWidget, opened: Callable[[ReceiptDialog], None] | None = None
) -> ReceiptDialog | None:
    """F8: show the last receipt and print it again when a printer is set up. The receipt in hand opens at
    once (and is returned); after a restart it is made from the ledger first, and ``opened`` gets the
    dialog."""
    if desk.last is not None:
        return _open_reprint(desk, desk.last, parent)

    def found(receipt: Receipt | None) -> None:
        if receipt is None:
            desk.no_receipt_yet()
            return
        dialog = _open_reprint(desk, receipt, parent)
        if opened is not None:
            opened(dialog)

    desk.fetch_last(found)
    return None


def _open_reprint(desk: ReceiptDesk, receipt: Receipt, parent: QWidget) -> ReceiptDialog:
    dialog = ReceiptDialog(desk, receipt, parent, sent=desk.has_printer)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.number.setFocus()
    if desk.has_printer:
        desk.print_receipt(receipt)
    return dialog
