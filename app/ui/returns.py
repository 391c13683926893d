"""The returns screen (F6): find the sale by its receipt number, choose the refunded amount, see what the
return does to the member's points, confirm with Enter.

The preview comes from the services' rehearsal of the very return that Enter then records
(``app/services/returns_preview.py``), so the numbers the cashier confirms are the numbers written. A
return carries one entry id from the moment its receipt is found: a double Enter, or a retry after an
error, asks for the same entry and can never reverse twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from PySide6.QtCore import QDate, QDateTime, QEvent, QLocale, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import Permission
from app.services.returns_preview import ReturnDesk, summarize_return
from app.services.views import Change, ReceiptView, ReturnPreview
from app.ui.context import TillContext
from app.ui.i18n import amount_text, money, points
from loyalty.errors import LoyaltyError, NotFound, PermissionDenied
from loyalty.ids import new_id
from loyalty.money import Money
from loyalty.text import MAX_RECEIPT

PREVIEW_DEBOUNCE_MS = 150
MAX_AMOUNT_TEXT = 20


@dataclass
class OpenReturn:
    """A return from the moment its receipt is found: its entry id is its idempotency key."""

    receipt: ReceiptView
    entry_id: str = field(default_factory=new_id)
    done: bool = False


class ReturnsPanel(QFrame):
    message = Signal(str, str)  # text, tone
    completed = Signal(object)  # ReturnPreview of the return just recorded
    # A cashier without the permission to process returns: a manager approval box can take it from here.
    approval_needed = Signal(str)  # the permission asked for (Permission value)

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ctx = ctx
        self.desk = ReturnDesk(ctx.svc.core)
        self.open: OpenReturn | None = None
        self.preview: ReturnPreview | None = None
        self.preview_problem = ""  # why there is no preview (a sentence), or ""
        self.in_flight = False
        self.looking_up = False
        self._lookup_asked = 0
        self._preview_asked = 0

        self.title = QLabel()
        self.title.setObjectName("title")
        self.receipt = QLineEdit()
        self.receipt.setMaxLength(MAX_RECEIPT)
        self.receipt_label = QLabel()
        self.receipt_label.setBuddy(self.receipt)
        self.find_button = QPushButton()
        self.find_button.setProperty("secondary", True)

        # The sale, as found.
        self.sale_box = QFrame()
        self.sale_box.setObjectName("panel")
        self.sale_hint = QLabel()
        self.sale_hint.setObjectName("hint")
        self.sale_hint.setWordWrap(True)
        self.facts: dict[str, tuple[QLabel, QLabel]] = {}
        facts = QFormLayout()
        for key in ("member", "sold_at", "bill", "earned", "redeemed", "refunded", "left"):
            name, value = QLabel(), QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts[key] = (name, value)
            facts.addRow(name, value)
        self.facts["left"][1].setObjectName("earns")
        sale_column = QVBoxLayout(self.sale_box)
        sale_column.addWidget(self.sale_hint)
        sale_column.addLayout(facts)
        sale_column.addStretch(1)

        # The refund and its preview.
        self.amount = QLineEdit()
        self.amount.setMaxLength(MAX_AMOUNT_TEXT)
        self.amount.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.amount_label = QLabel()
        self.amount_label.setBuddy(self.amount)
        self.amount_hint = QLabel()
        self.amount_hint.setObjectName("hint")
        self.amount_hint.setWordWrap(True)
        self.preview_title = QLabel()
        self.preview_title.setObjectName("earns")
        self.reversed = QLabel()
        self.restored = QLabel()
        self.overdraft = QLabel()
        self.bonuses = QLabel()
        self.balance = QLabel()
        self.balance.setObjectName("earns")
        # The two numbers the cashier confirms, as large as the balance they lead to.
        self.reversed.setObjectName("earns")
        self.restored.setObjectName("earns")
        for label in (self.reversed, self.restored, self.overdraft, self.bonuses, self.balance):
            label.setWordWrap(True)
        self.confirm = QPushButton()
        self.back = QPushButton()
        self.back.setProperty("secondary", True)
        self.result = QLabel()
        self.result.setObjectName("result")
        self.result.setWordWrap(True)

        receipt_row = QHBoxLayout()
        receipt_row.addWidget(self.receipt, 1)
        receipt_row.addWidget(self.find_button)
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.receipt_label)
        left.addLayout(receipt_row)
        left.addWidget(self.sale_box, 1)
        right = QVBoxLayout()
        right.addWidget(self.amount_label)
        right.addWidget(self.amount)
        right.addWidget(self.amount_hint)
        right.addSpacing(8)
        right.addWidget(self.preview_title)
        right.addWidget(self.reversed)
        right.addWidget(self.restored)
        right.addWidget(self.overdraft)
        right.addWidget(self.bonuses)
        right.addWidget(self.balance)
        right.addWidget(self.confirm)
        right.addWidget(self.result)
        right.addStretch(1)
        right.addWidget(self.back)
        grid = QGridLayout(self)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self.setTabOrder(self.receipt, self.amount)
        self.setTabOrder(self.amount, self.confirm)
        self.setTabOrder(self.confirm, self.find_button)
        self.setTabOrder(self.find_button, self.back)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DEBOUNCE_MS)
        self.preview_timer.timeout.connect(self._ask_preview)
        self.receipt.returnPressed.connect(self.look_up)
        self.receipt.textEdited.connect(lambda _t: self._receipt_edited())
        self.find_button.clicked.connect(self.look_up)
        self.amount.textEdited.connect(lambda _t: self._amount_edited())
        self.amount.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.ctx.ops.changed.connect(self._changed)
        self.retranslate()
        self._show()

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Return"))
        self.title.setText(self.tr("Return"))
        self.receipt_label.setText(self.tr("&Receipt no. of the sale"))
        self.receipt.setPlaceholderText(self.tr("e.g. HD123"))
        self.receipt.setAccessibleName(self.tr("Receipt number of the sale"))
        self.find_button.setText(self.tr("Find (Enter)"))
        self.find_button.setAccessibleName(self.tr("Find the sale"))
        self.sale_box.setAccessibleName(self.tr("The sale"))
        names = {
            "member": self.tr("Member"),
            "sold_at": self.tr("Sold on"),
            "bill": self.tr("Bill"),
            "earned": self.tr("Points earned"),
            "redeemed": self.tr("Paid with points"),
            "refunded": self.tr("Already refunded"),
            "left": self.tr("Left to refund"),
        }
        for key, (name, value) in self.facts.items():
            name.setText(names[key])
            value.setAccessibleName(names[key])
        self.amount_label.setText(self.tr("Refunded &amount"))
        self.amount.setPlaceholderText(self.tr("e.g. 120.000"))
        self.amount.setAccessibleName(self.tr("Refunded amount"))
        self.preview_title.setText(self.tr("What the return does"))
        self.confirm.setText(self.tr("Confirm the return (Enter)"))
        self.confirm.setAccessibleName(self.tr("Confirm the return"))
        self.back.setText(self.tr("Back (Esc)"))
        self.back.setAccessibleName(self.tr("Back to the counter"))
        self._show()

    # -- opening -----------------------------------------------------------------------------------
    def open_screen(self) -> None:
        """F6: a fresh return, the cursor in the receipt number. A return still being written finishes
        and is reported; it is not shown again."""
        self._lookup_asked += 1
        self._preview_asked += 1
        self.preview_timer.stop()
        self.open = None
        self.preview = None
        self.preview_problem = ""
        self.looking_up = False
        self.receipt.clear()
        self.amount.clear()
        self.result.clear()
        self._show()
        self.focus_first()
        self.check_permission()

    def focus_first(self) -> None:
        if self.open is None or self.open.done:
            self.receipt.setFocus()
        else:
            self.amount.setFocus()

    def check_permission(self) -> bool:
        """A cashier who may not process returns is told so at once (the services refuse anyway)."""
        actor = self.ctx.actor
        if actor is None or actor.can(Permission.RETURN):
            return True
        self.message.emit(
            self.tr("Only a manager can process returns. Ask a manager to approve it."), "error"
        )
        self.approval_needed.emit(Permission.RETURN.value)
        return False

    # -- finding the sale ----------------------------------------------------------------------------
    def _receipt_edited(self) -> None:
        # Another receipt number typed: the sale shown no longer matches it, so it cannot be returned.
        if self.open is not None and not self.in_flight:
            self.open = None
            self.preview = None
            self.preview_problem = ""
            self.amount.clear()
            self._show()

    def look_up(self) -> None:
        """Enter in the receipt number: find the sale off the UI thread."""
        if self.in_flight:
            return
        text = self.receipt.text().strip()
        if not text:
            self.message.emit(self.tr("Type or scan the receipt number of the sale."), "error")
            self.receipt.setFocus()
            return
        self._lookup_asked += 1
        number = self._lookup_asked
        self.looking_up = True
        self._show()
        desk = self.desk
        self.ctx.ops.query(
            lambda: desk.receipt_info(text),
            lambda info: self._found(number, info),
            lambda sentence, exc: self._not_found(number, text, sentence, exc),
        )

    def _found(self, number: int, info: ReceiptView) -> None:
        if number != self._lookup_asked or not self.isVisible():
            return  # a newer look-up, or the cashier has left the screen
        self.looking_up = False
        self.open = OpenReturn(info)
        self.preview = None
        self.preview_problem = ""
        self.result.clear()
        self.message.emit("", "info")
        left = info.left.amount
        self.amount.setText(amount_text(left, info.bill.currency) if left > 0 else "")
        self._show()
        if left > 0:
            self.amount.setFocus()
            self.amount.selectAll()
            self._ask_preview()
        else:
            self.message.emit(
                self.tr("Receipt {receipt} is refunded in full: nothing is left to return.").format(
                    receipt=info.receipt
                ),
                "error",
            )
            self.receipt.setFocus()
            self.receipt.selectAll()

    def _not_found(self, number: int, text: str, sentence: str, exc: BaseException) -> None:
        if number != self._lookup_asked or not self.isVisible():
            return
        self.looking_up = False
        self.open = None
        self._show()
        if isinstance(exc, NotFound):
            sentence = self.tr(
                "No sale with receipt number {receipt} at this store. Check the number on the receipt."
            ).format(receipt=text)
        self.message.emit(sentence, "error")
        self.receipt.setFocus()
        self.receipt.selectAll()

    # -- the refund and its preview ------------------------------------------------------------------
    def refund(self) -> tuple[Money | None, str]:
        """The amount typed, or why it cannot be refunded (a sentence)."""
        if self.open is None:
            return None, self.tr("Find the sale first: type its receipt number and press Enter.")
        info = self.open.receipt
        currency = info.bill.currency
        text = self.amount.text().strip()
        if not text:
            return None, self.tr("Type the refunded amount.")
        try:
            amount = Money.parse(text, currency)
        except LoyaltyError:
            return None, self.tr("The refunded amount is not an amount: type it in đồng, e.g. 120.000.")
        if amount.amount <= 0:
            return None, self.tr("The refunded amount must be more than zero.")
        if amount.amount > info.left.amount:
            return None, self.tr("At most {money} is left to refund on this receipt.").format(
                money=money(info.left.amount, currency)
            )
        return amount, ""

    def _amount_edited(self) -> None:
        self.preview = None
        self.preview_problem = ""
        self._show()
        self.preview_timer.start()

    def _ask_preview(self) -> None:
        self.preview_timer.stop()
        self._preview_asked += 1
        number = self._preview_asked
        opened, actor = self.open, self.ctx.actor
        if opened is None or opened.done or actor is None:
            return
        amount, problem = self.refund()
        if amount is None:
            self.preview = None
            self.preview_problem = problem
            self._show()
            return
        desk, receipt = self.desk, opened.receipt.receipt
        self.ctx.ops.query(
            lambda: desk.preview_return(actor, receipt, amount, entry_id=opened.entry_id),
            lambda preview: self._previewed(number, preview),
            lambda sentence, exc: self._not_previewed(number, sentence, exc),
        )

    def _previewed(self, number: int, preview: ReturnPreview) -> None:
        if number == self._preview_asked:
            self.preview = preview
            self.preview_problem = ""
            self._show()

    def _not_previewed(self, number: int, sentence: str, exc: BaseException) -> None:
        if number == self._preview_asked:
            self.preview = None
            self.preview_problem = sentence
            self._show()
            if isinstance(exc, PermissionDenied):
                self.approval_needed.emit(Permission.RETURN.value)

    # -- confirm -------------------------------------------------------------------------------------
    def submit(self) -> None:
        """Enter in the amount: record the return previewed. Without a preview of this very amount on
        screen, Enter shows it first: the cashier confirms only what they have seen."""
        if self.in_flight:
            return
        opened, actor = self.open, self.ctx.actor
        if actor is None:
            return
        if opened is None:
            if self.receipt.text().strip():
                self.look_up()
            else:
                self.message.emit(self.tr("Type or scan the receipt number of the sale."), "error")
                self.receipt.setFocus()
            return
        if opened.done:
            self.message.emit(
                self.tr("This return is recorded. Type the next receipt number, or press Esc."), "info"
            )
            self.receipt.setFocus()
            self.receipt.selectAll()
            return
        amount, problem = self.refund()
        if amount is None:
            self.message.emit(problem, "error")
            self.amount.setFocus()
            return
        if not self.check_permission():
            return
        if (
            self.preview is None
            or self.preview.refund != amount
            or self.preview.receipt != opened.receipt.receipt
        ):
            self.message.emit(
                self.tr("Check what the return does, then press Enter again to confirm."), "info"
            )
            self._ask_preview()
            return
        service, receipt = self.ctx.svc.points, opened.receipt.receipt

        def work() -> Change:
            return service.process_return(actor, receipt, amount, entry_id=opened.entry_id)

        self.in_flight = True
        self._show()
        self.result.setText(self.tr("Saving…"))
        self.ctx.ops.change(
            work,
            lambda change: self._done(opened, amount, change),
            self._failed,
        )

    def _done(self, opened: OpenReturn, amount: Money, change: Change) -> None:
        self.in_flight = False
        opened.done = True
        recorded = summarize_return(change, opened.receipt.receipt, amount)
        text = self.tr(
            "Return of {money} on receipt {receipt} recorded: {reversed} points taken back, {restored} given "
            "back. {name} now has {balance} points."
        ).format(
            money=money(amount.amount, amount.currency),
            receipt=opened.receipt.receipt,
            reversed=points(recorded.points_reversed + recorded.bonus_reversed),
            restored=points(recorded.points_restored),
            name=recorded.member.full_name,
            balance=points(recorded.member.balance),
        )
        if recorded.replayed:
            text = self.tr("Already recorded, nothing new was written.") + " " + text
        if self.open is opened:
            self.preview = recorded
            self.result.clear()
            self._show()
            if self.isVisible():
                self.receipt.setFocus()
                self.receipt.selectAll()
            self._refresh_sale(opened)
        self.message.emit(text, "ok")
        self.completed.emit(recorded)

    def _failed(self, sentence: str, exc: BaseException) -> None:
        # The return stays open with the same entry id: pressing Enter again retries it safely.
        self.in_flight = False
        self.result.clear()
        self._show()
        self.message.emit(sentence, "error")
        if isinstance(exc, PermissionDenied):
            self.approval_needed.emit(Permission.RETURN.value)

    def _refresh_sale(self, opened: OpenReturn) -> None:
        """After the return: what the receipt now has refunded (the entry id stays with this return)."""
        desk, receipt = self.desk, opened.receipt.receipt

        def refreshed(info: ReceiptView) -> None:
            if self.open is opened:
                opened.receipt = info
                self._show()

        self.ctx.ops.query(lambda: desk.receipt_info(receipt), refreshed, lambda _s, _e: None)

    def _changed(self, change: Change) -> None:
        """The member of the sale shown changed (this return, a sale, another screen): new balance."""
        opened = self.open
        if opened is not None and change.member.id == opened.receipt.member.id:
            opened.receipt = replace(opened.receipt, member=change.member)
            self._show()

    # -- drawing -------------------------------------------------------------------------------------
    def _show(self) -> None:
        opened = self.open
        returnable = opened is not None and not opened.done and opened.receipt.left.amount > 0
        self.confirm.setEnabled(returnable and not self.in_flight)
        self.amount.setEnabled(returnable)
        self.receipt.setReadOnly(self.in_flight)
        self._show_sale()
        self._show_preview()

    def _show_sale(self) -> None:
        opened = self.open
        for name, value in self.facts.values():
            name.setVisible(opened is not None)
            value.setVisible(opened is not None)
        if opened is None:
            self.sale_hint.setVisible(True)
            self.sale_hint.setText(
                self.tr("Looking for the sale…")
                if self.looking_up
                else self.tr("Type or scan the receipt number of the sale, then press Enter.")
            )
            self.amount_hint.setText("")
            return
        self.sale_hint.setVisible(False)
        info = opened.receipt
        currency = info.bill.currency
        facts = {
            "member": self.tr("{name} (no. {number}), {points} points now").format(
                name=info.member.full_name,
                number=info.member.member_number,
                points=points(info.member.balance),
            ),
            "sold_at": self._when(info),
            "bill": money(info.bill.amount, currency),
            "earned": self.tr("{points} points").format(points=points(info.points_earned)),
            "redeemed": self.tr("{points} points").format(points=points(info.points_redeemed)),
            "refunded": self.tr("{money} ({points} points taken back)").format(
                money=money(info.refunded.amount, currency), points=points(info.points_reversed)
            ),
            "left": money(info.left.amount, currency),
        }
        for key, text in facts.items():
            self.facts[key][1].setText(text)
        self.amount_hint.setText(
            self.tr("At most {money}: what is left to refund on this receipt.").format(
                money=money(info.left.amount, currency)
            )
            if info.left.amount > 0
            else self.tr("Nothing is left to refund on this receipt.")
        )

    def _when(self, info: ReceiptView) -> str:
        local = info.sold_at.astimezone(self.ctx.program.zone)
        moment = QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        return QLocale().toString(moment, "dd/MM/yyyy HH:mm")

    def _show_preview(self) -> None:
        lines = (self.reversed, self.restored, self.overdraft, self.bonuses, self.balance)
        p = self.preview
        opened = self.open
        if p is None or opened is None:
            for label in lines:
                label.clear()
            _warn(self.reversed, bool(self.preview_problem), "earns")
            self.bonuses.setVisible(False)
            if opened is not None and not opened.done:
                self.reversed.setText(self.preview_problem or self.tr("Working out the points…"))
            return
        if opened.done:
            self.preview_title.setText(self.tr("What the return did"))
        else:
            self.preview_title.setText(self.tr("What the return does"))
        _warn(self.reversed, False, "earns")
        self.reversed.setText(
            self.tr("Points taken back: {points} (earned on the refunded part)").format(
                points=points(p.points_reversed)
            )
        )
        self.restored.setText(
            self.tr("Points given back: {points} (they paid for the refunded part)").format(
                points=points(p.points_restored)
            )
        )
        if p.overdraft_points and p.member.balance < 0:
            overdraft = self.tr(
                "Overdraft: {points} points were already spent; the member owes them and their next "
                "purchases pay them off."
            )
        elif p.overdraft_points:
            overdraft = self.tr(
                "Overdraft: {points} points were already spent; the points given back pay them off at once."
            )
        else:
            overdraft = self.tr("No overdraft: the member still has the points taken back.")
        self.overdraft.setText(overdraft.format(points=points(p.overdraft_points)))
        _warn(self.overdraft, p.overdraft_points > 0)
        bonuses = []
        if p.bonus_reversed:
            bonuses.append(
                self.tr(
                    "Referral bonus taken back: {points} points (the purchase is refunded in full)."
                ).format(points=points(p.bonus_reversed))
            )
        if p.others_reversed:
            bonuses.append(
                self.tr("The member who referred them loses their {points}-point bonus for it.").format(
                    points=points(p.others_reversed)
                )
            )
        self.bonuses.setText("\n".join(bonuses))
        self.bonuses.setVisible(bool(bonuses))
        if opened.done:
            self.balance.setText(
                self.tr("New balance: {after} points").format(after=points(p.member.balance))
            )
        else:
            self.balance.setText(
                self.tr("Balance: {before} → {after} points").format(
                    before=points(opened.receipt.member.balance), after=points(p.member.balance)
                )
            )


def _warn(label: QLabel, warning: bool, plain: str = "") -> None:
    """Draw a line as something to notice (the theme's ``warning`` label) or as ``plain``."""
    name = "warning" if warning else plain
    if label.objectName() != name:
        label.setObjectName(name)
        label.style().unpolish(label)
        label.style().polish(label)
