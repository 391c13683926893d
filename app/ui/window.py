"""The till window: sign-in, lock, the waiting screen with search, the member and the sale.

Pages of one stacked widget: sign in → counter (waiting screen, or the member with the sale) ⇄ locked.
Reader events arrive as Qt signals from the reader hub; every service call goes through the op runner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.receipts.model import Receipt
from app.services import Actor, Role, TillServices
from app.services.staff_cards import StaffCardView
from app.services.views import Change, MemberView, ReturnPreview
from app.ui.actions import ActionsPanel
from app.ui.approval import ApprovalBox
from app.ui.context import TillContext
from app.ui.customer import CustomerModel
from app.ui.desk.pages import add_desk_pages
from app.ui.desk.shell import DeskPanel
from app.ui.dialogs import confirm
from app.ui.enrol import Enrolled, EnrolPanel
from app.ui.i18n import ENGLISH, Language, points
from app.ui.idle import IdleWatcher
from app.ui.member import MemberPanel
from app.ui.readers import ReaderHub, card_ref, refusal
from app.ui.receipt_slip import ReceiptDesk, ReceiptDialog, ReceiptSlip, reprint_last
from app.ui.returns import ReturnsPanel
from app.ui.sale import SalePanel, SaleResult
from app.ui.scroll import VerticalScroll
from app.ui.search import SearchPanel
from app.ui.signin import LockScreen, SignInScreen
from app.ui.status import TillStatusBar
from app.ui.theme import set_property
from app.ui.unknown_card import UnknownCardPanel
from devices.events import CardPresented, ReaderEvent, ReadError
from loyalty.errors import UnknownCard
from loyalty.identity import CardRef
from loyalty.program import Program

if TYPE_CHECKING:  # the desk's pages are imported when first built (app.ui.desk.pages)
    from app.ui.desk.audit import AuditLogPage
    from app.ui.desk.cards import CardsPage
    from app.ui.desk.dashboard import DashboardPage
    from app.ui.desk.duplicates import DuplicatesPage
    from app.ui.desk.inbox import InboxPage
    from app.ui.desk.member360 import Member360Page
    from app.ui.desk.member_insight import MemberInsightPage
    from app.ui.desk.members import MembersPage
    from app.ui.desk.privacy import PrivacyPage
    from app.ui.desk.program import ProgramPage

log = logging.getLogger(__name__)

DEFAULT_LOCK_AFTER = 120.0  # seconds without a key press or touch


class TillWindow(QMainWindow):
    def __init__(
        self,
        ctx: TillContext,
        language: Language,
        customer: CustomerModel,
        readers: ReaderHub | None = None,
        *,
        lock_after: float = DEFAULT_LOCK_AFTER,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.language = language
        self.customer = customer
        self.readers = readers
        self.member: MemberView | None = None
        self._identifying = 0
        # Ask before the window closes while someone is signed in (the running till; tests leave it off).
        self.ask_before_closing = False
        self.wedge_filter: QObject | None = None  # the scanner's key filter, when a wedge reader is used

        # Top bar: who is signed in, the language, the lock.
        self.title = QLabel()
        self.title.setObjectName("title")
        self.staff = QLabel()
        self.language_button = QPushButton()
        self.language_button.setProperty("secondary", True)
        self.lock_button = QPushButton()
        self.lock_button.setProperty("secondary", True)
        top = QHBoxLayout()
        self.top_bar = top
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.staff)
        top.addWidget(self.language_button)
        top.addWidget(self.lock_button)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        set_property(self.message, "tone", "info")

        # Pages.
        self.signin = SignInScreen(ctx)
        self.lock_screen = LockScreen(ctx)
        self.search = SearchPanel(ctx)
        self.member_panel = MemberPanel(ctx.program, ctx=ctx)
        self.sale = SalePanel(ctx)
        member_page = QWidget()
        member_row = QHBoxLayout(member_page)
        member_row.addWidget(self.member_panel, 1)
        # The sale scrolls when it grows taller than the screen (its lines open): the window stays 1280×800.
        member_row.addWidget(VerticalScroll(self.sale), 1)
        self.receipts = ReceiptDesk(ctx, self)
        self.receipt_slip = ReceiptSlip(self.receipts)
        self.receipt_dialog: ReceiptDialog | None = None
        member_row.addWidget(self.receipt_slip)
        self.enrol = EnrolPanel(ctx)
        self.unknown_card = UnknownCardPanel(ctx)
        self.enrol_button = QPushButton()
        self.enrol_button.setProperty("secondary", True)
        self.enrol_button.setAutoDefault(True)
        waiting = self.search.layout()
        assert isinstance(waiting, QVBoxLayout)
        # The waiting screen's touch ways in, in one row under the search.
        self.waiting_keys = QHBoxLayout()
        self.waiting_keys.addWidget(self.enrol_button)
        self.waiting_keys.addStretch(1)
        waiting.addLayout(self.waiting_keys)
        self.counter = QStackedWidget()
        self.counter.addWidget(self.search)
        self.counter.addWidget(member_page)
        self.counter.addWidget(self.enrol)
        self.counter.addWidget(self.unknown_card)
        self.returns = ReturnsPanel(ctx)
        self.counter.addWidget(self.returns)
        self.actions_panel = self._make_actions_panel()
        self.desk = DeskPanel(ctx)
        add_desk_pages(self.desk, ctx)  # each built when first needed: the window opens without them
        self.counter.addWidget(self.desk)
        # Touch ways in: returns from the waiting screen and the member, actions from the member (F6, F7).
        self.returns_button, self.member_returns_button = QPushButton(), QPushButton()
        self.actions_button = QPushButton()
        for button in (self.returns_button, self.member_returns_button, self.actions_button):
            button.setProperty("secondary", True)
            button.setAutoDefault(True)
        self.waiting_keys.insertWidget(1, self.returns_button)
        member_keys = QHBoxLayout()
        member_keys.addWidget(self.actions_button)
        member_keys.addWidget(self.member_returns_button)
        member_keys.addStretch(1)
        member_column = self.member_panel.layout()
        assert isinstance(member_column, QVBoxLayout)
        member_column.addLayout(member_keys)
        self.member_page = member_page
        self.pages = QStackedWidget()
        self.pages.addWidget(self.signin)
        self.pages.addWidget(self.counter)
        self.pages.addWidget(self.lock_screen)

        central = QWidget()
        column = QVBoxLayout(central)
        column.addLayout(top)
        column.addWidget(self.message)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        # Wiring.
        self.signin.signed_in.connect(self.signed_in)
        self.lock_screen.unlocked.connect(self._unlocked)
        self.lock_screen.switch_requested.connect(self.sign_out)
        self.search.member_chosen.connect(self.open_member_id)
        self.search.message.connect(self.show_message)
        self.sale.message.connect(self.show_message)
        self.sale.completed.connect(self._sale_done)
        self.receipts.issued.connect(self._receipt_issued)
        self.receipts.message.connect(self.show_message)
        self.enrol_button.clicked.connect(lambda _checked: self.open_enrol())
        self.enrol.enrolled.connect(self._enrolled)
        self.enrol.cancelled.connect(self.back_to_counter)
        self.enrol.message.connect(self.show_message)
        self.unknown_card.enrol_requested.connect(self.open_enrol)
        self.unknown_card.linked.connect(self._card_linked)
        self.unknown_card.message.connect(self.show_message)
        self.returns.message.connect(self.show_message)
        self.returns.back.clicked.connect(lambda _checked: self.back_to_counter())
        self.returns.completed.connect(self._return_done)
        # The next receipt typed is the next customer's: the last one's return leaves the display.
        self.returns.receipt.textEdited.connect(lambda _text: self._customer_done_with("return"))
        self.desk.message.connect(self.show_message)
        self.desk.closed.connect(self.back_to_counter)
        self.returns_button.clicked.connect(lambda _checked: self.open_returns())
        self.member_returns_button.clicked.connect(lambda _checked: self.open_returns())
        self.actions_button.clicked.connect(lambda _checked: self.open_actions())
        self.ctx.ops.changed.connect(self._changed)
        self.ctx.ops.failed.connect(lambda text: self.show_message(text, "error"))
        self.language_button.clicked.connect(self.language.toggle)
        self.lock_button.clicked.connect(self.lock)
        # Status bar: each reader's state, the sync state, who is signed in (app.ui.status).
        self.status_bar = TillStatusBar(ctx)
        self.setStatusBar(self.status_bar)
        if readers is not None:
            readers.received.connect(self.on_reader_event)
            readers.received.connect(self.status_bar.on_reader_event)

        self.idle = IdleWatcher(lock_after, self)
        self.idle.idle.connect(self.lock)
        self.shortcuts = {
            "lock": QShortcut(QKeySequence("Ctrl+L"), self, self.lock),
            "search": QShortcut(QKeySequence(Qt.Key.Key_F2), self, self.focus_search),
            "enrol": QShortcut(QKeySequence(Qt.Key.Key_F3), self, self.enrol_shortcut),
            "redeem": QShortcut(QKeySequence(Qt.Key.Key_F4), self, self.focus_redeem),
            "returns": QShortcut(QKeySequence(Qt.Key.Key_F6), self, self.open_returns),
            "actions": QShortcut(QKeySequence(Qt.Key.Key_F7), self, self.open_actions),
            "reprint": QShortcut(QKeySequence(Qt.Key.Key_F8), self, self.reprint_receipt),
            "desk": QShortcut(QKeySequence(Qt.Key.Key_F9), self, self.open_desk),
            "language": QShortcut(QKeySequence(Qt.Key.Key_F12), self, self.language.toggle),
            "clear": QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.escape),
        }
        self.shortcuts["clear"].setContext(Qt.ShortcutContext.WindowShortcut)
        self.resize(1280, 800)
        self.retranslate()
        self.pages.setCurrentWidget(self.signin)
        self.signin.reset()

    # -- the desk's pages, built on first use --------------------------------------------------------
    @property
    def desk_members(self) -> MembersPage:
        return cast("MembersPage", self.desk.page("members"))

    @property
    def desk_member(self) -> Member360Page:
        return cast("Member360Page", self.desk.page("member"))

    @property
    def desk_insight(self) -> MemberInsightPage:
        return cast("MemberInsightPage", self.desk.page("insight"))

    @property
    def desk_dashboard(self) -> DashboardPage:
        return cast("DashboardPage", self.desk.page("dashboard"))

    @property
    def desk_cards(self) -> CardsPage:
        return cast("CardsPage", self.desk.page("cards"))

    @property
    def desk_duplicates(self) -> DuplicatesPage:
        return cast("DuplicatesPage", self.desk.page("duplicates"))

    @property
    def desk_audit(self) -> AuditLogPage:
        return cast("AuditLogPage", self.desk.page("audit"))

    @property
    def desk_program(self) -> ProgramPage:
        return cast("ProgramPage", self.desk.page("program"))

    @property
    def desk_inbox(self) -> InboxPage:
        return cast("InboxPage", self.desk.page("inbox"))

    @property
    def desk_privacy(self) -> PrivacyPage:
        return cast("PrivacyPage", self.desk.page("privacy"))

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Loyalty Till — {store}").format(store=self.ctx.store_name))
        self.title.setText(self.ctx.store_name)
        actor = self.ctx.actor
        if actor is None:
            self.staff.setText("")
        elif actor.role == Role.MANAGER:
            self.staff.setText(self.tr("Manager: {name}").format(name=actor.name))
        else:
            self.staff.setText(self.tr("Cashier: {name}").format(name=actor.name))
        # The button names the language it switches to, in that language.
        self.language_button.setText("English (F12)" if self.language.code != ENGLISH else "Tiếng Việt (F12)")
        self.language_button.setAccessibleName(self.tr("Switch language"))
        self.lock_button.setText(self.tr("Lock (Ctrl+L)"))
        self.lock_button.setAccessibleName(self.tr("Lock the till"))
        self.message.setAccessibleName(self.tr("Message"))
        self.enrol_button.setText(self.tr("New member (F3)"))
        self.enrol_button.setAccessibleName(self.tr("Enrol a new member"))
        for button in (self.returns_button, self.member_returns_button):
            button.setText(self.tr("Return (F6)"))
            button.setAccessibleName(self.tr("Return a sale"))
        self.actions_button.setText(self.tr("Actions (F7)"))
        self.actions_button.setAccessibleName(self.tr("Actions without a purchase"))
        self.lock_button.setVisible(actor is not None and self.pages.currentWidget() is not self.lock_screen)

    def add_to_top_bar(self, widget: QWidget) -> None:
        """A control shown before the staff name (the demo store's card tapper)."""
        self.top_bar.insertWidget(2, widget)

    # -- messages ----------------------------------------------------------------------------------
    def show_message(self, text: str, tone: str = "info") -> None:
        self.message.setText(text)
        set_property(self.message, "tone", tone if text else "info")

    # -- staff -------------------------------------------------------------------------------------
    @property
    def signed_in_actor(self) -> Actor | None:
        return self.ctx.actor

    def signed_in(self, actor: Actor, code: str) -> None:
        self.ctx.actor, self.ctx.staff_code = actor, code
        self.retranslate()
        self.show_message(self.tr("Signed in: {name}.").format(name=actor.name), "ok")
        self.pages.setCurrentWidget(self.counter)
        self.go_waiting()
        self.idle.start()

    def lock(self) -> None:
        if self.ctx.actor is None or self.pages.currentWidget() is self.lock_screen:
            return
        self.idle.stop()
        self.lock_button.setVisible(False)
        self.pages.setCurrentWidget(self.lock_screen)
        self.lock_screen.lock(self.ctx.actor, self.ctx.staff_code or "")
        self.show_message("")

    def _unlocked(self, actor: Actor) -> None:
        self.ctx.actor = actor
        self.pages.setCurrentWidget(self.counter)
        self.lock_button.setVisible(True)
        self.show_message("")
        self.idle.start()
        if self.counter.currentWidget() is self.returns:
            self.returns.focus_first()
        elif self.counter.currentWidget() is self.actions_panel:
            self.actions_panel.focus_first()
        elif self.counter.currentWidget() is self.enrol:
            self.enrol.name.setFocus()
        elif self.counter.currentWidget() is self.unknown_card:
            self.unknown_card.search.field.setFocus()
        elif self.member is not None and self.sale.approval.waiting:
            self.sale.approval.code.setFocus()
        elif self.member is not None:
            self.sale.total.setFocus()
        else:
            self.search.field.setFocus()

    def sign_out(self) -> None:
        self.clear_member()
        self.idle.stop()
        self.ctx.actor, self.ctx.staff_code = None, None
        self.retranslate()
        self.pages.setCurrentWidget(self.signin)
        self.signin.reset()
        self.show_message("")

    @property
    def serving(self) -> bool:
        """Signed in and not locked: the counter is in use."""
        return self.ctx.actor is not None and self.pages.currentWidget() is self.counter

    # -- waiting, search, member -------------------------------------------------------------------
    def go_waiting(self) -> None:
        self.follow_program()  # between customers: a new program version applies from the next one
        self.counter.setCurrentWidget(self.search)
        self.search.reset()
        self.search.field.setFocus()

    def focus_search(self) -> None:
        if self.serving:
            self.counter.setCurrentWidget(self.search)
            self.search.field.setFocus()
            self.search.field.selectAll()

    def focus_redeem(self) -> None:
        if self.serving and self.member is not None:
            self.counter.setCurrentWidget(self.member_page)
            self.sale.redeem.setFocus()

    def escape(self) -> None:
        """Esc: closes what is open over the counter (the enrol screen, the unknown-card offer, one step at
        a time); otherwise the customer is done."""
        if self.serving:
            page = self.counter.currentWidget()
            if page is self.enrol:
                self.enrol.cancel()
                return
            if page is self.returns or page is self.actions_panel or page is self.desk:
                self.back_to_counter()
                return
            if page is self.unknown_card:
                if not self.unknown_card.back():
                    self.show_message("")
                    self.back_to_counter()
                return
        self.clear_member()

    def clear_member(self) -> None:
        """Esc: the customer is done; back to the waiting screen."""
        if self.ctx.actor is None or self.pages.currentWidget() is not self.counter:
            return
        if self.member is not None:
            self.customer.thanks()
        self.member = None
        self._identifying += 1
        self.sale.close_sale()
        self.receipt_slip.clear()
        self.show_message("")
        self.go_waiting()

    def open_member_id(self, member_id: str) -> None:
        self._identify(lambda svc: svc.members.get(member_id), secure=False)

    def _identify(
        self, fn: Callable[[TillServices], MemberView], *, secure: bool, card: CardRef | None = None
    ) -> None:
        self._identifying += 1
        number = self._identifying
        svc = self.ctx.svc
        self.ctx.ops.query(
            lambda: fn(svc),
            lambda member: self._identified(number, member, secure),
            lambda text, exc: self._not_identified(number, text, exc, card),
        )

    def _identified(self, number: int, member: MemberView, secure: bool) -> None:
        if number != self._identifying or not self.serving:
            return
        self.show_member(member, secure=secure)

    def _not_identified(self, number: int, text: str, exc: BaseException, card: CardRef | None) -> None:
        if number != self._identifying:
            return
        if isinstance(exc, UnknownCard) and card is not None and self.serving:
            # A card nobody has: offer, in place, to enrol with it or to link it to a member.
            self.show_message("")
            self.unknown_card.offer(card)
            self.counter.setCurrentWidget(self.unknown_card)
            self.unknown_card.search.field.setFocus()
            return
        self.show_message(text, "error")

    # -- enrol and unknown cards ---------------------------------------------------------------------
    def enrol_shortcut(self) -> None:
        """F3: the enrol screen; on the unknown-card offer, with that card."""
        if self.serving and self.counter.currentWidget() is self.unknown_card:
            self.open_enrol(self.unknown_card.card)
        else:
            self.open_enrol()

    def open_enrol(self, card: CardRef | None = None) -> None:
        if not self.serving or self.counter.currentWidget() is self.enrol:
            return
        self._identifying += 1  # a look-up still on its way must not cover the form
        self.show_message("")
        self.enrol.open(card)
        self.counter.setCurrentWidget(self.enrol)
        self.enrol.name.setFocus()

    def back_to_counter(self) -> None:
        """Leave the enrol screen or the offer: back to the member being served, or to the waiting screen."""
        if self.member is not None:
            self.counter.setCurrentWidget(self.member_page)
            if self.sale.approval.waiting:
                self.sale.approval.code.setFocus()
            else:
                self.sale.total.setFocus()
            if self.customer.member_id != self.member.id:  # a return of someone else was on the display
                self.customer.greet(self.member)
        else:
            self._customer_done_with("return")  # after a return at the waiting screen: thank them
            self.go_waiting()

    # -- returns and non-purchase actions ------------------------------------------------------------
    def open_returns(self) -> None:
        """F6, from any counter screen: a new return, the cursor in the receipt number."""
        if not self.serving:
            return
        self._identifying += 1  # a look-up still on its way must not cover the return
        self.show_message("")
        self.counter.setCurrentWidget(self.returns)
        self.returns.open_screen()

    def open_desk(self) -> None:
        """F9, from any counter screen: the manager's desk (members, cards, audit, program, privacy). The
        member being served stays: Esc comes back to them."""
        if not self.serving:
            return
        self._identifying += 1  # a look-up still on its way must not cover the desk
        self.show_message("")
        self.counter.setCurrentWidget(self.desk)
        self.desk.open_desk()

    def _make_actions_panel(self) -> ActionsPanel:
        """The actions screen of the active program (one key per action: built for the program's list)."""
        panel = ActionsPanel(self.ctx)
        self.counter.addWidget(panel)
        panel.message.connect(self.show_message)
        panel.recorded.connect(self._action_done)
        panel.back.clicked.connect(lambda _checked: self.back_to_counter())
        return panel

    def follow_program(self) -> None:
        """Read the active program again: a version installed on the desk, by a command on this till or
        pulled from the central. The screens price, cap and describe by the new one from the next customer."""
        self.ctx.ops.query(self.ctx.svc.programs.active, self._program_read, lambda _text, _exc: None)

    def _program_read(self, program: Program) -> None:
        if program.version == self.ctx.program.version:
            return
        log.info("the active program is now %s", program.version)
        self.ctx.program = program
        if self.member is not None:
            self.member_panel.show_member(self.member)
            self.sale.update_member(self.member)

    def open_actions(self) -> None:
        """F7, with a member shown: their non-purchase actions, one number key each."""
        if not self.serving:
            return
        if self.member is None:
            self.show_message(self.tr("Show the member first (tap, scan or search), then press F7."), "error")
            return
        if self.actions_panel.version != self.ctx.program.version:  # another program's actions: rebuilt
            stale = self.actions_panel
            self.actions_panel = self._make_actions_panel()
            self.counter.removeWidget(stale)
            stale.deleteLater()
        self.show_message("")
        self.counter.setCurrentWidget(self.actions_panel)
        self.actions_panel.open_for(self.member)

    def _enrolled(self, done: Enrolled) -> None:
        if not self.serving:
            return
        self.show_member(done.member)
        self.customer.welcome(done.member, done.gift)
        if done.gift:
            text = self.tr("Welcome, {name}: member no. {number}. Welcome gift: +{points} points.")
        else:
            text = self.tr("Welcome, {name}: member no. {number}.")
        self.show_message(
            text.format(
                name=done.member.full_name, number=done.member.member_number, points=points(done.gift)
            ),
            "ok",
        )

    def _card_linked(self, member: MemberView, digits: str) -> None:
        if not self.serving:
            return
        self.show_member(member)
        self.show_message(
            self.tr("Card {digits} is now linked to {name}.").format(digits=digits, name=member.full_name),
            "ok",
        )

    def show_member(self, member: MemberView, *, secure: bool = False) -> None:
        self.member = member
        self.member_panel.show_member(member, secure=secure)
        self.receipt_slip.clear()  # the last customer's receipt is not the next one's to see
        self.counter.setCurrentWidget(self.member_page)
        self.sale.open_sale(member)
        self.show_message("")
        self.customer.greet(member)

    def _sale_done(self, result: SaleResult) -> None:
        self.receipts.issue(result.changes, result.cashier)  # F8 prints it even if the cashier moved on
        if self.member is None or self.member.id != result.member.id:
            return  # the cashier has moved on (Esc, another card) while the sale was being written
        self.customer.sale(result.member, result.earned, result.redeemed)

    def _return_done(self, recorded: ReturnPreview) -> None:
        """The customer sees what their return did to their points (never the referrer's side of it)."""
        if self.counter.currentWidget() is self.returns:
            taken = recorded.points_reversed + recorded.bonus_reversed
            self.customer.returned(recorded.member, taken, recorded.points_restored)

    def _action_done(self, change: Change) -> None:
        if self.member is not None and self.member.id == change.member.id:
            action = self.ctx.program.actions.get(change.entries[0].action_code or "")
            earned = sum(e.points for e in change.entries)
            self.customer.action(change.member, action.name if action is not None else "", earned)

    def _customer_done_with(self, screen: str) -> None:
        if self.customer.state.screen == screen and self.member is None:
            self.customer.thanks()

    def _receipt_issued(self, receipt: Receipt, member_id: str) -> None:
        """A receipt is shown on the member's page only while that member is being served."""
        if self.member is not None and self.member.id == member_id:
            self.receipt_slip.show_receipt(receipt)

    def reprint_receipt(self) -> None:
        """F8: the last receipt (from the ledger after a restart), printed again when a printer is set up;
        its dialog finds any other receipt of this till by number."""
        if self.serving:
            self.receipt_dialog = reprint_last(self.receipts, self, self._reprint_opened)

    def _reprint_opened(self, dialog: ReceiptDialog) -> None:
        self.receipt_dialog = dialog

    def _changed(self, change: Change) -> None:
        if self.member is not None and change.member.id == self.member.id:
            self.member = change.member
            self.member_panel.show_member(change.member)
            self.sale.update_member(change.member)

    # -- readers -----------------------------------------------------------------------------------
    def on_reader_event(self, event: ReaderEvent) -> None:
        if isinstance(event, ReadError):
            if self.serving:
                self.show_message(
                    self.tr("The card could not be read ({reason}). Tap it again.").format(
                        reason=event.message
                    ),
                    "error",
                )
            return
        if not isinstance(event, CardPresented):
            log.info("reader event: %s", event)
            return
        if not self.serving:
            if self.pages.currentWidget() is self.signin:
                self._staff_card_at_sign_in(event)
            return
        approval = self.waiting_approval()
        if approval is not None:
            approval.card_presented(event)  # a manager's card approves; no member is looked up meanwhile
            return
        if self.counter.currentWidget() is self.enrol:
            self.enrol.card_presented(event)  # a blank card to link to the member being enrolled
            return
        cards = self.desk.built_page("cards")  # None until the Cards page is first opened
        on_cards = cards is not None and self.desk.tabs.currentWidget() is cards
        if on_cards and self.counter.currentWidget() is self.desk:
            self.desk_cards.card_presented(event)  # the card to look up, link or give as a replacement
            return
        problem = refusal(event)
        if problem is not None:
            self.show_message(problem, "error")
            return
        ref = event.member_ref
        assert ref is not None
        if ref.kind == "number":
            self._identify(lambda svc: svc.members.by_number(ref.value), secure=False)
        else:
            self._identify(
                lambda svc: svc.cards.identify(ref.value), secure=ref.kind == "sun", card=card_ref(ref)
            )

    def _staff_card_at_sign_in(self, event: CardPresented) -> None:
        """A staff card tapped on the sign-in screen fills in its holder's code; the PIN is still typed. Any
        other card: sign in first."""
        ref = event.member_ref
        if refusal(event) is not None or ref is None or ref.kind == "number":
            self.signin.show_message(self.tr("Sign in first, then tap the card again."))
            return
        cards, token, secure = self.ctx.svc.staff_cards, ref.value, ref.kind == "sun"
        self.ctx.ops.query(
            lambda: cards.holder(token, secure=secure),
            self._staff_card_read,
            lambda _text, _exc: self.signin.show_message(self.tr("Sign in first, then tap the card again.")),
        )

    def _staff_card_read(self, card: StaffCardView) -> None:
        if self.pages.currentWidget() is not self.signin:
            return
        self.signin.code.setText(card.staff_code)
        self.signin.pin.clear()
        self.signin.pin.setFocus()
        self.signin.show_message(
            self.tr("Staff card of {name}: type your PIN.").format(name=card.staff_name), "info"
        )

    def waiting_approval(self) -> ApprovalBox | None:
        """The manager approval box waiting on the screen in view (the sale's, a desk page's), if any."""
        page = self.counter.currentWidget()
        if not self.serving or page is None:
            return None
        for box in page.findChildren(ApprovalBox):
            if box.waiting and box.isVisible():
                return box
        return None

    # -- closing -----------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        actor = self.ctx.actor
        if self.ask_before_closing and actor is not None:
            leave = confirm(
                self,
                self.tr("Close the till?"),
                self.tr("{name} is signed in. Closing the till signs them out.").format(name=actor.name),
                self.tr("Close the till"),
                self.tr("Keep serving"),
            )
            if not leave:
                event.ignore()
                return
        self.idle.stop()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the readers, let the sale being written finish, and leave the application as it was."""
        self.idle.stop()
        self.search.timer.stop()
        self.unknown_card.search.timer.stop()
        self.sale.quote_timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
            if self.wedge_filter is not None:
                app.removeEventFilter(self.wedge_filter)
        if self.readers is not None:
            self.readers.stop()
        self.ctx.ops.shutdown()
        self.receipts.shutdown()
        self.language.release()
