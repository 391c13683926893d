"""The sale panel: bill total and receipt number, the points the sale earns rule by rule, points or a
reward to redeem (the most that may be redeemed shown before the cashier types), Enter confirms.

A sale carries its entry ids from the moment it is opened: a double Enter, or a retry after an error,
asks the services for the same entries again and can never award twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import Actor, Permission
from app.services.views import Change, MemberView
from app.ui.approval import ApprovalBox
from app.ui.context import TillContext
from app.ui.i18n import amount_text, money, parse_points, points
from app.ui.sale_lines import SaleLines
from loyalty.errors import InvalidAmount, LoyaltyError, PermissionDenied
from loyalty.ids import new_id
from loyalty.money import Money
from loyalty.quote import Basket, BasketLine, Quote, QuoteComponent

QUOTE_DEBOUNCE_MS = 150
MAX_AMOUNT_TEXT = 20


@dataclass
class OpenSale:
    """One sale from the moment the member is shown: its entry ids are its idempotency keys."""

    member_id: str
    award_id: str = field(default_factory=new_id)
    redeem_id: str = field(default_factory=new_id)


@dataclass(frozen=True)
class SaleRequest:
    """What Enter asked for, kept as it was while a manager approves it."""

    bill: Money
    receipt: str
    points: int  # points to redeem (0: none)
    reward_code: str | None
    basket: Basket  # the bill as lines: one line, or the lines typed and the rest of the bill


@dataclass(frozen=True)
class SaleResult:
    member: MemberView
    earned: int
    redeemed: int
    replayed: bool
    changes: tuple[Change, ...] = ()  # what was written, in order: the receipt is made from them
    cashier: str = ""  # who served (the receipt names them)


class SalePanel(QFrame):
    completed = Signal(object)  # SaleResult
    message = Signal(str, str)  # text, tone

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ctx = ctx
        self.member: MemberView | None = None
        self.sale: OpenSale | None = None
        self.quote: Quote | None = None
        self.in_flight = False
        self._quote_asked = 0
        self.pending: SaleRequest | None = None  # sent, and refused until a manager approves

        self.title = QLabel()
        self.title.setObjectName("title")
        self.total = QLineEdit()
        self.total.setMaxLength(MAX_AMOUNT_TEXT)
        self.total.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.receipt = QLineEdit()
        self.receipt.setMaxLength(64)
        self.earns = QLabel()
        self.earns.setObjectName("earns")
        self.earns.setWordWrap(True)
        self.breakdown = QLabel()
        self.breakdown.setObjectName("hint")
        self.breakdown.setWordWrap(True)
        self.redeem = QLineEdit()
        self.redeem.setMaxLength(9)
        self.redeem.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.redeem_max = QLabel()
        self.redeem_max.setObjectName("hint")
        self.redeem_max.setWordWrap(True)
        self.reward = QComboBox()
        self.confirm = QPushButton()
        self.result = QLabel()
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.approval = ApprovalBox(ctx)
        self.lines = SaleLines(ctx)
        self.lines_button = QPushButton()
        self.lines_button.setProperty("secondary", True)
        self.total_label, self.receipt_label = QLabel(), QLabel()
        self.redeem_label, self.reward_label = QLabel(), QLabel()
        for label, buddy in (
            (self.total_label, self.total),
            (self.receipt_label, self.receipt),
            (self.redeem_label, self.redeem),
            (self.reward_label, self.reward),
        ):
            label.setBuddy(buddy)

        # The lines button beside the total, not under it: with the manager's approval box open, the sale
        # must still fit a 1280×800 screen. When the receipt column leaves too little width for the total's
        # amount and the button's name, that one row goes under its label instead of clipping either.
        total_row = QHBoxLayout()
        total_row.addWidget(self.total, 1)
        total_row.addWidget(self.lines_button)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.total_label, total_row)
        form.addRow(self.lines)
        form.addRow(self.receipt_label, self.receipt)
        form.addRow(self.redeem_label, self.redeem)
        form.addRow("", self.redeem_max)
        form.addRow(self.reward_label, self.reward)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.earns)
        layout.addWidget(self.breakdown)
        layout.addWidget(self.confirm)
        layout.addWidget(self.approval)
        layout.addWidget(self.result)
        layout.addStretch(1)

        self.setTabOrder(self.total, self.receipt)
        self.setTabOrder(self.receipt, self.redeem)
        self.setTabOrder(self.redeem, self.reward)
        self.setTabOrder(self.reward, self.confirm)

        self.quote_timer = QTimer(self)
        self.quote_timer.setSingleShot(True)
        self.quote_timer.setInterval(QUOTE_DEBOUNCE_MS)
        self.quote_timer.timeout.connect(self._ask_quote)
        self.total.textEdited.connect(lambda _t: self.quote_timer.start())
        self.redeem.textEdited.connect(lambda _t: self._on_redeem_typed())
        self.reward.currentIndexChanged.connect(lambda _i: self._on_reward_chosen())
        for line in (self.total, self.receipt, self.redeem):
            line.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.lines_button.clicked.connect(self.toggle_lines)
        self.lines.changed.connect(self._lines_changed)
        self.lines.message.connect(self.message.emit)
        self.lines_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.toggle_lines)
        self.lines_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.approval.approved.connect(self._approved)
        self.approval.cancelled.connect(self._approval_cancelled)
        self.retranslate()

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        self._size_total()  # the theme's font is known once the panel is polished for showing
        super().showEvent(event)

    def _size_total(self) -> None:
        # Room for a bill in the tens of millions and its example: a total the cashier cannot read is a risk.
        # The lines key keeps its whole name beside it.
        metrics = self.total.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(self.total.placeholderText()), metrics.horizontalAdvance("99.999.999")
        )
        self.total.setMinimumWidth(widest + 32)
        self.lines_button.setMinimumWidth(self.lines_button.sizeHint().width())

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sale"))
        self.total_label.setText(self.tr("Bill &total"))
        self.receipt_label.setText(self.tr("&Receipt no."))
        self.redeem_label.setText(self.tr("Pay with p&oints"))
        self.reward_label.setText(self.tr("Re&ward"))
        self.total.setPlaceholderText(self.tr("e.g. 250.000"))
        self._size_total()
        self.receipt.setPlaceholderText(self.tr("e.g. HD123"))
        self.redeem.setPlaceholderText(self.tr("0"))
        self.confirm.setText(self.tr("Award points (Enter)"))
        self.lines_button.setText(
            self.tr("Hide lines (F5)") if self.lines.isVisibleTo(self) else self.tr("Lines (F5)")
        )
        self.lines_button.setAccessibleName(self.tr("Lines by category or product"))
        self._size_total()
        self.total.setAccessibleName(self.tr("Bill total"))
        self.receipt.setAccessibleName(self.tr("Receipt number"))
        self.redeem.setAccessibleName(self.tr("Points to redeem"))
        self.reward.setAccessibleName(self.tr("Reward"))
        self.confirm.setAccessibleName(self.tr("Award points"))
        self._fill_rewards()
        self._show_quote()

    # -- opening a sale --------------------------------------------------------------------------------
    def open_sale(self, member: MemberView) -> None:
        self.member = member
        self.sale = OpenSale(member.id)
        self.quote = None
        self._quote_asked += 1
        self.quote_timer.stop()
        for line in (self.total, self.receipt, self.redeem):
            line.clear()
        self.lines.clear()
        self._fill_rewards()
        self.reward.setCurrentIndex(0)
        self._show_quote()
        self._end_approval()
        self.total.setFocus()

    def update_member(self, member: MemberView) -> None:
        """The member changed elsewhere (a change record): new balance, same open sale."""
        self.member = member
        self._fill_rewards()
        self._show_quote()

    def close_sale(self) -> None:
        self.member = None
        self.sale = None
        self.quote = None
        self.lines.clear()
        self.result.clear()
        self._end_approval()

    def _fill_rewards(self) -> None:
        current = self.reward.currentData()
        self.reward.blockSignals(True)
        self.reward.clear()
        self.reward.addItem(self.tr("No reward"), None)
        balance = self.member.balance if self.member else 0
        for reward in self.ctx.program.rewards:
            if reward.points <= balance:
                label = self.tr("{reward} ({points} points)").format(
                    reward=reward.name, points=points(reward.points)
                )
                self.reward.addItem(label, reward.code)
        index = self.reward.findData(current)
        self.reward.setCurrentIndex(max(0, index))
        self.reward.blockSignals(False)

    # -- quote -----------------------------------------------------------------------------------------
    def _amount(self, text: str) -> Money:
        return Money.parse(text.strip(), self.ctx.currency)

    def _ask_quote(self) -> None:
        self._quote_asked += 1
        number = self._quote_asked
        text = self.total.text().strip()
        if not text or self.member is None:
            self.quote = None
            self._show_quote()
            return
        try:
            amount = self._amount(text)
            basket = self.basket(amount)
        except LoyaltyError:
            self.quote = None
            self._show_quote()
            return
        member_id, service = self.member.id, self.ctx.svc.points
        self.ctx.ops.query(
            lambda: service.quote(member_id, basket),
            lambda q: self._quoted(number, q),
            lambda _text, _exc: self._quoted(number, None),
        )

    def _quoted(self, number: int, quote: Quote | None) -> None:
        if number == self._quote_asked:
            self.quote = quote
            self._show_quote()

    def component_label(self, c: QuoteComponent) -> str:
        kind, _, name = c.rule.partition(":")
        program = self.ctx.program
        if kind == "tier":
            tier = program.tier(name)
            name = tier.name if tier is not None else name
        elif kind == "promotion":
            name = next((p.name for p in program.promotions if p.code == name), name)
        labels = {
            "base": self.tr("Base points"),
            "category": self.tr("Category {name}"),
            "sku": self.tr("Product {name}"),
            "tier": self.tr("Tier {name}"),
            "promotion": self.tr("Promotion {name}"),
            "cap": self.tr("Cap per sale"),
            "minimum_spend": self.tr("Under the minimum spend"),
        }
        return labels.get(kind, c.rule).format(name=name)

    def max_redeemable(self) -> int:
        balance = self.member.balance if self.member else 0
        if self.quote is None:
            return balance
        return max(0, min(balance, self.quote.max_redeemable_points))

    def _show_quote(self) -> None:
        red = self.ctx.program.redemption
        balance = self.member.balance if self.member else 0
        q = self.quote
        if q is None:
            self.earns.setText(self.tr("Type the bill total to see the points."))
            self.breakdown.setText("")
            self.redeem_max.setText(
                self.tr("Balance {points} points; points pay at most {percent}% of a bill.").format(
                    points=points(balance), percent=red.max_bill_share_percent
                )
            )
            return
        self.earns.setText(self.tr("Earns {points} points").format(points=points(q.points)))
        lines = [
            self.tr("{rule}: {points}").format(rule=self.component_label(c), points=f"{c.points:+d}")
            for c in q.components
        ]
        self.breakdown.setText("\n".join(lines))
        most = self.max_redeemable()
        if most < red.minimum_points:
            self.redeem_max.setText(
                self.tr("Nothing to redeem on this bill (the minimum is {minimum} points).").format(
                    minimum=points(red.minimum_points)
                )
            )
        else:
            self.redeem_max.setText(
                self.tr("Up to {points} points ({money})").format(
                    points=points(most), money=money(most * red.point_value, self.ctx.currency)
                )
            )

    def _redeem_problem(self, wanted: int) -> str | None:
        """The program's limits, said in the window's language before the services are asked (they check
        again, and have the last word)."""
        if wanted <= 0:
            return None
        red = self.ctx.program.redemption
        if wanted < red.minimum_points:
            return self.tr("Redeem at least {minimum} points.").format(minimum=points(red.minimum_points))
        balance = self.member.balance if self.member else 0
        if wanted > balance:
            return self.tr("The member has {balance} points: that is the most they can redeem.").format(
                balance=points(balance)
            )
        if self.quote is not None and wanted > self.max_redeemable():
            return self.tr("At most {points} points can pay this bill.").format(
                points=points(self.max_redeemable())
            )
        return None

    def _on_redeem_typed(self) -> None:
        if self.redeem.text().strip() and self.reward.currentIndex() > 0:
            self.reward.setCurrentIndex(0)

    def _on_reward_chosen(self) -> None:
        if self.reward.currentIndex() > 0:
            self.redeem.clear()

    # -- lines -----------------------------------------------------------------------------------------
    def toggle_lines(self) -> None:
        """F5: show the lines (the cursor in their category) or hide them; hidden lines still count."""
        if self.member is None:
            return
        if self.lines.isVisibleTo(self):
            self.lines.hide()
            self.total.setFocus()
        else:
            self.lines.open_lines()
        self.retranslate()

    def basket(self, bill: Money) -> Basket:
        """The bill as the quote and the award see it: the lines typed, and what the bill has beyond them
        as an ordinary line. Lines adding up to more than the bill are refused."""
        lines = self.lines.lines()
        if not lines:
            return Basket.of_total(bill)
        typed = self.lines.total()
        if typed.amount > bill.amount:
            raise InvalidAmount(amount=bill.amount, why="the lines add up to more than the bill")
        rest = bill.amount - typed.amount
        return Basket.of([*lines, BasketLine(Money(rest, bill.currency))] if rest else lines)

    def lines_over_bill(self, bill: Money) -> str:
        return self.tr(
            "The lines add up to {lines}, more than the bill ({bill}): correct the bill total."
        ).format(
            lines=money(self.lines.total().amount, self.ctx.currency),
            bill=money(bill.amount, self.ctx.currency),
        )

    def _lines_changed(self) -> None:
        # A bill total left empty or below the lines becomes their sum: the cashier may type lines first.
        typed = self.lines.total()
        text = self.total.text().strip()
        try:
            bill = self._amount(text) if text else None
        except LoyaltyError:
            bill = None
        if typed.amount and (bill is None or bill.amount < typed.amount):
            self.total.setText(amount_text(typed.amount, self.ctx.currency))
        self.quote_timer.start()

    # -- confirm ---------------------------------------------------------------------------------------
    def submit(self) -> None:
        """Enter: redeem what was asked, then award the sale. Ignored while the sale is being written."""
        if self.in_flight or self.member is None or self.sale is None or self.ctx.actor is None:
            return
        total_text = self.total.text().strip()
        if not total_text:
            self.message.emit(self.tr("Type the bill total."), "error")
            self.total.setFocus()
            return
        try:
            bill = self._amount(total_text)
            Basket.of_total(bill)
            if bill.amount <= 0:
                raise InvalidAmount(amount=bill.amount, why="it must be more than zero")
        except LoyaltyError:
            self.message.emit(
                self.tr("The bill total is not an amount: type it in đồng, e.g. 250.000."), "error"
            )
            self.total.setFocus()
            return
        try:
            basket = self.basket(bill)
        except LoyaltyError:
            self.message.emit(self.lines_over_bill(bill), "error")
            self.total.setFocus()
            return
        receipt = self.receipt.text().strip()
        if not receipt:
            self.message.emit(self.tr("Type the receipt number."), "error")
            self.receipt.setFocus()
            return
        to_redeem = 0
        if self.redeem.text().strip():
            parsed = parse_points(self.redeem.text())
            if parsed is None:
                self.message.emit(self.tr("Points to redeem: type a whole number."), "error")
                self.redeem.setFocus()
                return
            to_redeem = parsed
        problem = self._redeem_problem(to_redeem)
        if problem:
            self.message.emit(problem, "error")
            self.redeem.setFocus()
            return
        reward_code = self.reward.currentData()
        self._send(SaleRequest(bill, receipt, to_redeem, reward_code, basket), approved_by=None)

    def _send(self, request: SaleRequest, approved_by: Actor | None) -> None:
        """Write the sale: the redemption first (with the manager who approved it, if any), then the award;
        always under this sale's entry ids."""
        actor, sale, service = self.ctx.actor, self.sale, self.ctx.svc.points
        if actor is None or sale is None:
            return
        bill, receipt, to_redeem, reward_code = (
            request.bill,
            request.receipt,
            request.points,
            request.reward_code,
        )

        def work() -> list[Change]:
            changes: list[Change] = []
            if reward_code:
                changes.append(
                    service.redeem_reward(
                        actor,
                        sale.member_id,
                        reward_code,
                        bill=bill,
                        receipt_ref=receipt,
                        approved_by=approved_by,
                        entry_id=sale.redeem_id,
                    )
                )
            elif to_redeem > 0:
                changes.append(
                    service.redeem(
                        actor,
                        sale.member_id,
                        to_redeem,
                        bill=bill,
                        receipt_ref=receipt,
                        approved_by=approved_by,
                        entry_id=sale.redeem_id,
                    )
                )
            changes.append(
                service.award(actor, sale.member_id, request.basket, receipt, entry_id=sale.award_id)
            )
            return changes

        self.pending = request
        self.in_flight = True
        self.confirm.setEnabled(False)
        self.result.setText(self.tr("Saving…"))
        self.ctx.ops.change(work, lambda changes: self._done(sale, changes, actor.name), self._failed)

    def _done(self, sale: OpenSale, changes: list[Change], cashier: str = "") -> None:
        self.in_flight = False
        self.confirm.setEnabled(True)
        self.pending = None
        redeemed = sum(-e.points for c in changes if c.operation == "redeem" for e in c.entries)
        earned = sum(
            e.points for c in changes if c.operation == "award" for e in c.entries if e.kind == "earn"
        )
        member = changes[-1].member
        replayed = all(c.replayed for c in changes)
        if redeemed:
            text = self.tr("+{earned} points earned, {redeemed} redeemed. New balance: {balance} points.")
        else:
            text = self.tr("+{earned} points earned. New balance: {balance} points.")
        text = text.format(earned=points(earned), redeemed=points(redeemed), balance=points(member.balance))
        if replayed:
            text = self.tr("Already recorded, nothing new was written.") + " " + text
        if self.sale is sale:
            self.open_sale(member)  # the next sale of the same customer gets new ids
        self.result.clear()
        self.message.emit(text, "ok")
        self.completed.emit(SaleResult(member, earned, redeemed, replayed, tuple(changes), cashier))

    def _failed(self, text: str, exc: BaseException) -> None:
        # The sale stays open with the same entry ids: pressing Enter again retries it safely.
        self.in_flight = False
        self.confirm.setEnabled(True)
        self.result.clear()
        if isinstance(exc, PermissionDenied) and self.pending is not None and self.sale is not None:
            self._ask_manager(self.pending, exc)
            return
        self.pending = None
        self.message.emit(text, "error")

    # -- manager approval ------------------------------------------------------------------------------
    def _ask_manager(self, request: SaleRequest, exc: PermissionDenied) -> None:
        """The services want a manager for this request: ask in place, the sale's fields held as they are."""
        try:
            permission = Permission(str(exc.params.get("action")))
        except ValueError:
            permission = Permission.LARGE_REDEMPTION
        limit = self.ctx.program.redemption.manager_approval_over
        wanted = request.points
        if request.reward_code:
            reward = self.ctx.program.reward(request.reward_code)
            wanted = reward.points if reward is not None else 0
        if permission is Permission.LARGE_REDEMPTION and limit is not None and wanted:
            reason = self.tr(
                "Redeeming {points} points needs a manager: this bill would use more than {limit} points."
            ).format(points=points(wanted), limit=points(limit))
        else:
            reason = self.tr("Only a manager can {action}.").format(
                action=QCoreApplication.translate("LoyaltyError", permission.value)
            )
        self._hold(True)
        self.approval.ask(reason, permission)
        self.message.emit(self.tr("Waiting for a manager to approve (Esc cancels)."), "info")

    def _hold(self, held: bool) -> None:
        for widget in (self.total, self.receipt, self.redeem, self.reward, self.confirm):
            widget.setEnabled(not held)
        self.confirm.setVisible(not held)  # the approval box's own button takes its place
        # While held, the rule-by-rule lines and the (empty) result make room for the approval box: the sale
        # stays in view without scrolling at 1280×800. The total to earn stays shown.
        self.breakdown.setVisible(not held)
        self.result.setVisible(not held)

    def _approved(self, manager: Actor) -> None:
        self._hold(False)
        request = self.pending
        if request is None or self.sale is None or self.in_flight:
            return
        self.message.emit(self.tr("Approved by {name}.").format(name=manager.name), "ok")
        self._send(request, approved_by=manager)  # the same entry ids: it can only be written once

    def _approval_cancelled(self) -> None:
        self._hold(False)
        self.pending = None
        self.message.emit(self.tr("Not approved: redeem fewer points, or ask a manager."), "info")
        self.redeem.setFocus()
        self.redeem.selectAll()

    def _end_approval(self) -> None:
        self.pending = None
        self.approval.close_box()
        self._hold(False)
