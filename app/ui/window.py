"""The till window: sign-in, lock, the waiting screen with search, the member and the sale.

Pages of one stacked widget: sign in → counter (waiting screen, or the member with the sale) ⇄ locked.
Reader events arrive as Qt signals from the reader hub; every service call goes through the op runner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

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

from app.services import Actor, TillServices
from app.services.views import Change, MemberView
from app.ui.context import TillContext
from app.ui.customer import CustomerModel
from app.ui.dialogs import confirm
from app.ui.i18n import ENGLISH, Language
from app.ui.idle import IdleWatcher
from app.ui.member import MemberPanel
from app.ui.readers import ReaderHub, refusal
from app.ui.sale import SalePanel, SaleResult
from app.ui.search import SearchPanel
from app.ui.signin import LockScreen, SignInScreen
from app.ui.theme import set_property
from devices.events import CardPresented, ReaderEvent, ReadError

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
        self.member_panel = MemberPanel(ctx.program)
        self.sale = SalePanel(ctx)
        member_page = QWidget()
        member_row = QHBoxLayout(member_page)
        member_row.addWidget(self.member_panel, 1)
        member_row.addWidget(self.sale, 1)
        self.counter = QStackedWidget()
        self.counter.addWidget(self.search)
        self.counter.addWidget(member_page)
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
        self.ctx.ops.changed.connect(self._changed)
        self.ctx.ops.failed.connect(lambda text: self.show_message(text, "error"))
        self.language_button.clicked.connect(self.language.toggle)
        self.lock_button.clicked.connect(self.lock)
        if readers is not None:
            readers.received.connect(self.on_reader_event)

        self.idle = IdleWatcher(lock_after, self)
        self.idle.idle.connect(self.lock)
        self.shortcuts = {
            "lock": QShortcut(QKeySequence("Ctrl+L"), self, self.lock),
            "search": QShortcut(QKeySequence(Qt.Key.Key_F2), self, self.focus_search),
            "redeem": QShortcut(QKeySequence(Qt.Key.Key_F4), self, self.focus_redeem),
            "language": QShortcut(QKeySequence(Qt.Key.Key_F12), self, self.language.toggle),
            "clear": QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.clear_member),
        }
        self.shortcuts["clear"].setContext(Qt.ShortcutContext.WindowShortcut)
        self.resize(1280, 800)
        self.retranslate()
        self.pages.setCurrentWidget(self.signin)
        self.signin.reset()

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Loyalty Till — {store}").format(store=self.ctx.store_name))
        self.title.setText(self.ctx.store_name)
        actor = self.ctx.actor
        self.staff.setText(self.tr("Cashier: {name}").format(name=actor.name) if actor else "")
        # The button names the language it switches to, in that language.
        self.language_button.setText("English (F12)" if self.language.code != ENGLISH else "Tiếng Việt (F12)")
        self.language_button.setAccessibleName(self.tr("Switch language"))
        self.lock_button.setText(self.tr("Lock (Ctrl+L)"))
        self.lock_button.setAccessibleName(self.tr("Lock the till"))
        self.message.setAccessibleName(self.tr("Message"))
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
        if self.member is not None:
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

    def clear_member(self) -> None:
        """Esc: the customer is done; back to the waiting screen."""
        if self.ctx.actor is None or self.pages.currentWidget() is not self.counter:
            return
        if self.member is not None:
            self.customer.thanks()
        self.member = None
        self._identifying += 1
        self.sale.close_sale()
        self.show_message("")
        self.go_waiting()

    def open_member_id(self, member_id: str) -> None:
        self._identify(lambda svc: svc.members.get(member_id), secure=False)

    def _identify(self, fn: Callable[[TillServices], MemberView], *, secure: bool) -> None:
        self._identifying += 1
        number = self._identifying
        svc = self.ctx.svc
        self.ctx.ops.query(
            lambda: fn(svc),
            lambda member: self._identified(number, member, secure),
            lambda text, _exc: self._not_identified(number, text),
        )

    def _identified(self, number: int, member: MemberView, secure: bool) -> None:
        if number != self._identifying or not self.serving:
            return
        self.show_member(member, secure=secure)

    def _not_identified(self, number: int, text: str) -> None:
        if number == self._identifying:
            self.show_message(text, "error")

    def show_member(self, member: MemberView, *, secure: bool = False) -> None:
        self.member = member
        self.member_panel.show_member(member, secure=secure)
        self.counter.setCurrentWidget(self.member_page)
        self.sale.open_sale(member)
        self.show_message("")
        self.customer.greet(member)

    def _sale_done(self, result: SaleResult) -> None:
        if self.member is None or self.member.id != result.member.id:
            return  # the cashier has moved on (Esc, another card) while the sale was being written
        self.customer.sale(result.member, result.earned, result.redeemed)

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
                self.signin.show_message(self.tr("Sign in first, then tap the card again."))
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
            self._identify(lambda svc: svc.cards.identify(ref.value), secure=ref.kind == "sun")

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
        self.sale.quote_timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
            if self.wedge_filter is not None:
                app.removeEventFilter(self.wedge_filter)
        if self.readers is not None:
            self.readers.stop()
        self.ctx.ops.shutdown()
        self.language.release()
