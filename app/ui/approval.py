"""A manager approves in place: an inline box (never a modal dialog) with the manager's code and PIN, or a
tap of the manager's card.

The cashier stays signed in; the staff service checks the manager (wrong PINs count towards the manager's
lock-out, as at sign-in; a card must be an active manager's) and the box emits ``approved`` with the
manager, for the screen that asked to retry its request with ``approved_by``. Either way the service writes
one audit record naming the manager and the means. The PIN is read from its field and cleared at once: it
lives only as long as the check. Esc inside the box cancels it.

While the box waits, the window hands it every card tapped (``card_presented``) instead of looking a member
up; a secure card's tap that was replayed or cloned is refused in the same words as at the counter.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import Actor, Permission
from app.services.staff_cards import NotAManager
from app.ui.context import TillContext
from app.ui.readers import refusal
from app.ui.signin import CODE_MAX, PIN_MAX
from app.ui.theme import set_property
from devices.events import CardPresented
from loyalty.identity import code_token


class ApprovalBox(QFrame):
    """Manager code, PIN, Enter approves, Esc cancels. Hidden until ``ask``."""

    approved = Signal(object)  # Actor: the manager who approved
    cancelled = Signal()

    def __init__(self, ctx: TillContext, parent: QWidget | None = None, *, wide: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("approval")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.ctx = ctx
        self.permission = Permission.LARGE_REDEMPTION
        self.reason_text = ""
        self._asked = 0  # the number of the newest check; an answer to an older one is dropped
        self._busy = False

        self.title = QLabel()
        self.title.setObjectName("title")
        # Beside the title, so that the box is no taller for it: the box sits under a sale in view.
        self.card_hint = QLabel()
        self.card_hint.setObjectName("hint")
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setMaxLength(CODE_MAX)
        self.code.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(PIN_MAX)
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
        self.code_label, self.pin_label = QLabel(), QLabel()
        self.code_label.setBuddy(self.code)
        self.pin_label.setBuddy(self.pin)
        self.approve_button = QPushButton()
        self.approve_button.setAutoDefault(True)  # Enter on the focused button presses it
        self.cancel_button = QPushButton()
        self.cancel_button.setProperty("secondary", True)
        self.cancel_button.setAutoDefault(True)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        set_property(self.message, "tone", "info")

        # Code and PIN side by side, the buttons under them; in a ``wide`` box (a desk page's right-hand column,
        # 800 px at 1280), the buttons beside them: one row less, so that the page still fits 1280×800.
        self.form = QHBoxLayout()
        self.form.addWidget(self.code_label)
        self.form.addWidget(self.code, 1)
        self.form.addSpacing(12)
        self.form.addWidget(self.pin_label)
        self.form.addWidget(self.pin, 1)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.approve_button, 1)
        self.buttons.addWidget(self.cancel_button)
        self.entry = QBoxLayout(
            QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        )
        self.entry.addLayout(self.form, 1)
        self.entry.addLayout(self.buttons)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.card_hint, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = self.column = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(heading)
        layout.addWidget(self.reason)
        layout.addLayout(self.entry)
        layout.addWidget(self.message)

        self.setTabOrder(self.code, self.pin)
        self.setTabOrder(self.pin, self.approve_button)
        self.setTabOrder(self.approve_button, self.cancel_button)
        self.code.returnPressed.connect(self._code_entered)
        self.pin.returnPressed.connect(self.submit)
        self.approve_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.cancel)
        for child in (self.code, self.pin, self.approve_button, self.cancel_button):
            child.installEventFilter(self)
        self.retranslate()
        self.hide()

    # -- one row or two --------------------------------------------------------------------------
    @property
    def one_row(self) -> bool:
        """Code, PIN and buttons in one row (a ``wide`` box)."""
        return self.entry.direction() == QBoxLayout.Direction.LeftToRight

    def minimumSizeHint(self) -> QSize:
        # A wide box asks for the width of two rows only: the desk's column is wide enough for one at the
        # till's 1280 px, and the window must not ask for more than that screen.
        hint = super().minimumSizeHint()
        if self.one_row:
            margins = self.column.contentsMargins()
            narrow = max(self.form.minimumSize().width(), self.buttons.minimumSize().width())
            hint.setWidth(
                max(narrow + margins.left() + margins.right(), self.title.minimumSizeHint().width())
            )
        return hint

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Manager approval"))
        self.card_hint.setText(self.tr("…or tap a manager card"))
        self.card_hint.setAccessibleName(self.tr("A manager may tap their card instead"))
        self.reason.setText(self.reason_text)
        self.code_label.setText(self.tr("Manager &code"))
        self.pin_label.setText(self.tr("P&IN"))
        self.approve_button.setText(self.tr("Approve (Enter)"))
        self.cancel_button.setText(self.tr("Cancel (Esc)"))
        self.setAccessibleName(self.tr("Manager approval"))
        self.code.setAccessibleName(self.tr("Manager's staff code"))
        self.pin.setAccessibleName(self.tr("Manager's PIN"))
        self.approve_button.setAccessibleName(self.tr("Approve"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the approval"))
        self.message.setAccessibleName(self.tr("Approval message"))

    # -- asking ------------------------------------------------------------------------------------
    def ask(self, reason: str, permission: Permission = Permission.LARGE_REDEMPTION) -> None:
        """Show the box for ``permission``, saying why (in the window's language); the cursor goes to the
        manager's code."""
        self.permission = permission
        self.reason_text = reason
        self._reset_fields()
        self.retranslate()
        self.show()
        self.code.setFocus()

    @property
    def waiting(self) -> bool:
        """Shown, waiting for a manager."""
        return not self.isHidden()

    def close_box(self) -> None:
        """Hide without a word (the sale it was for has gone)."""
        self._asked += 1
        self._busy = False
        self._reset_fields()
        self.hide()

    def cancel(self) -> None:
        """Esc: no approval; the screen that asked gets ``cancelled``."""
        if self.isHidden():
            return
        self.close_box()
        self.cancelled.emit()

    def _reset_fields(self) -> None:
        self.code.clear()
        self.pin.clear()
        self.show_message("")
        self.approve_button.setEnabled(True)

    def show_message(self, text: str, tone: str = "error") -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        set_property(self.message, "tone", tone if text else "info")

    def _code_entered(self) -> None:
        if self.code.text().strip() and not self.pin.text():
            self.pin.setFocus()
        else:
            self.submit()

    def submit(self) -> None:
        if self._busy or self.isHidden():
            return
        code = self.code.text().strip()
        pin = self.pin.text()
        self.pin.clear()  # the PIN goes to the check and nowhere else
        if not code:
            self.show_message(self.tr("The manager types their staff code."))
            self.code.setFocus()
            return
        if not pin:
            self.show_message(self.tr("The manager types their PIN."))
            self.pin.setFocus()
            return
        self._asked += 1
        number = self._asked
        self._busy = True
        self.approve_button.setEnabled(False)
        self.show_message(self.tr("Checking…"), "info")
        staff, permission, cashier = self.ctx.svc.staff, self.permission, self.ctx.actor
        self.ctx.ops.query(
            lambda: staff.approve(code, pin, permission, cashier=cashier),
            lambda actor: self._checked(number, actor),
            lambda text, exc: self._refused(number, text, exc),
        )

    def card_presented(self, event: CardPresented) -> None:
        """A card tapped while the box waits: a manager's card approves, anything else is refused in words
        (and never looks a member up)."""
        if self._busy or self.isHidden():
            return
        problem = refusal(event)
        if problem is not None:
            self.show_message(problem)
            return
        ref = event.member_ref
        assert ref is not None
        # A member number read from a card or a code names a member: its token says so to the service.
        token = code_token(ref.value) if ref.kind == "number" else ref.value
        secure = ref.kind == "sun"
        self._asked += 1
        number = self._asked
        self._busy = True
        self.approve_button.setEnabled(False)
        self.show_message(self.tr("Checking the card…"), "info")
        cards, permission, cashier = self.ctx.svc.staff_cards, self.permission, self.ctx.actor
        self.ctx.ops.query(
            lambda: cards.approve_by_card(token, permission, secure=secure, cashier=cashier),
            lambda actor: self._checked(number, actor),
            lambda text, exc: self._refused(number, text, exc, by_card=True),
        )

    def _checked(self, number: int, actor: Actor) -> None:
        if number != self._asked:
            return  # cancelled meanwhile
        self._busy = False
        self.approve_button.setEnabled(True)
        self.close_box()
        self.approved.emit(actor)

    def _refused(self, number: int, text: str, exc: BaseException, *, by_card: bool = False) -> None:
        if number != self._asked:
            return
        self._busy = False
        self.approve_button.setEnabled(True)
        self.show_message(text)
        if isinstance(exc, NotAManager) and not by_card:
            self.code.clear()  # someone else's code: the manager starts from their own
            self.code.setFocus()
        elif by_card:
            self.code.setFocus()
        else:
            self.pin.setFocus()

    # -- Esc ---------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Esc inside the box belongs to the box: claim it before the window's Esc shortcut (which would
        # clear the member) sees it, then cancel on the key press.
        if isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.cancel()
                return True
        return super().eventFilter(watched, event)
