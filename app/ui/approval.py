"""A manager approves in place: an inline box (never a modal dialog) with the manager's code and PIN.

The cashier stays signed in; the staff service checks the manager (wrong PINs count towards the manager's
lock-out, as at sign-in) and the box emits ``approved`` with the manager, for the screen that asked to
retry its request with ``approved_by``. The PIN is read from its field and cleared at once: it lives only
as long as the sign-in call. Esc inside the box cancels it.

The staff model has no cards, so a manager approves with code and PIN only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import Actor, Permission
from app.ui.context import TillContext
from app.ui.signin import CODE_MAX, PIN_MAX
from app.ui.theme import set_property


class ApprovalBox(QFrame):
    """Manager code, PIN, Enter approves, Esc cancels. Hidden until ``ask``."""

    approved = Signal(object)  # Actor: the manager who approved
    cancelled = Signal()

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
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

        # Code and PIN side by side: the box sits under a sale that must stay in view.
        form = QHBoxLayout()
        form.addWidget(self.code_label)
        form.addWidget(self.code, 1)
        form.addSpacing(12)
        form.addWidget(self.pin_label)
        form.addWidget(self.pin, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.approve_button, 1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.reason)
        layout.addLayout(form)
        layout.addLayout(buttons)
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

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Manager approval"))
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
        staff = self.ctx.svc.staff
        self.ctx.ops.query(
            lambda: staff.sign_in(code, pin),
            lambda actor: self._checked(number, actor),
            lambda text, _exc: self._refused(number, text),
        )

    def _checked(self, number: int, actor: Actor) -> None:
        if number != self._asked:
            return  # cancelled meanwhile
        self._busy = False
        self.approve_button.setEnabled(True)
        if not actor.can(self.permission):
            self.code.clear()
            self.show_message(
                self.tr("{name} is not a manager and cannot approve this. Ask a manager.").format(
                    name=actor.name
                )
            )
            self.code.setFocus()
            return
        self.close_box()
        self.approved.emit(actor)

    def _refused(self, number: int, text: str) -> None:
        if number != self._asked:
            return
        self._busy = False
        self.approve_button.setEnabled(True)
        self.show_message(text)
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
