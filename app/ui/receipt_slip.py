"""Receipts in the window: the slip shown after a sale, F8 to see and print the last receipt again, the
printer and the PDF.

``ReceiptDesk`` keeps the last receipt and sends receipts out: to the configured ESC/POS printer on its
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
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.paths import receipts_dir
from app.receipts.escpos import PrinterProblem, print_receipt
from app.receipts.layout import plain_text, receipt_rows
from app.receipts.model import Receipt, StoreHeader, build_receipt
from app.receipts.setup import ReceiptSetup
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
        self._on_paper: set[str] = set()  # numbers of receipts printed once: a second print says COPY
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
        paper = replace(receipt, copy=receipt.number in self._on_paper)
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
    """F8: the last receipt, to print again or save; Esc closes it."""

    def __init__(self, desk: ReceiptDesk, receipt: Receipt, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slip = ReceiptSlip(desk, compact=False)
        self.slip.show_receipt(receipt)
        self.close_button = QPushButton()
        self.close_button.setProperty("secondary", True)
        self.close_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.slip, 1)
        layout.addWidget(self.close_button)
        # Enter saves the PDF when there is no printer; with one, F8 has already printed: Enter closes.
        default = self.close_button if desk.has_printer else self.slip.pdf_button
        default.setDefault(True)
        default.setFocus()
        self.resize(SLIP_WIDTH + 120, 720)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Last receipt"))
        self.close_button.setText(self.tr("Close (Esc)"))
        self.close_button.setAccessibleName(self.tr("Close the receipt"))


def reprint_last(desk: ReceiptDesk, parent: QWidget) -> ReceiptDialog | None:
    """F8: show the last receipt and print it again when a printer is set up."""
    receipt = desk.last
    if receipt is None:
        desk.no_receipt_yet()
        return None
    dialog = ReceiptDialog(desk, receipt, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    if desk.has_printer:
        desk.print_receipt(receipt)
    return dialog
