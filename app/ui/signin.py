"""Sign-in and lock screens: staff code and PIN, checked by the staff service off the UI thread."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import Actor
from app.ui.context import TillContext
from app.ui.theme import set_property

PIN_MAX = 8
CODE_MAX = 8


def _pin_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(PIN_MAX)
    field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
    return field


class SignInScreen(QWidget):
    """Staff code (focused first), Tab to the PIN, Enter signs in."""

    signed_in = Signal(object, str)  # Actor, staff code

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._busy = False
        self.title = QLabel()
        self.title.setObjectName("title")
        self.code = QLineEdit()
        self.code.setMaxLength(CODE_MAX)
        self.code.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.pin = _pin_field()
        self.button = QPushButton()
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.code_label = QLabel()
        self.pin_label = QLabel()
        self.code_label.setBuddy(self.code)
        self.pin_label.setBuddy(self.pin)

        form = QFormLayout()
        form.addRow(self.code_label, self.code)
        form.addRow(self.pin_label, self.pin)
        box = QVBoxLayout()
        box.addWidget(self.title)
        box.addLayout(form)
        box.addWidget(self.button)
        box.addWidget(self.message)
        box.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(box, 2)
        outer.addStretch(1)

        self.setTabOrder(self.code, self.pin)
        self.setTabOrder(self.pin, self.button)
        self.code.returnPressed.connect(self._code_entered)
        self.pin.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sign in"))
        self.code_label.setText(self.tr("Staff &code"))
        self.pin_label.setText(self.tr("&PIN"))
        self.button.setText(self.tr("Sign in (Enter)"))
        self.code.setAccessibleName(self.tr("Staff code"))
        self.pin.setAccessibleName(self.tr("PIN"))
        self.button.setAccessibleName(self.tr("Sign in"))
        self.message.setAccessibleName(self.tr("Message"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def reset(self, text: str = "") -> None:
        self.code.clear()
        self.pin.clear()
        self.show_message(text)
        self.code.setFocus()

    def show_message(self, text: str, tone: str = "error") -> None:
        self.message.setText(text)
        set_property(self.message, "tone", tone if text else "info")

    def _code_entered(self) -> None:
        if self.code.text().strip() and not self.pin.text():
            self.pin.setFocus()
        else:
            self.submit()

    def submit(self) -> None:
        if self._busy:
            return
        code, pin = self.code.text().strip(), self.pin.text()
        if not code:
            self.show_message(self.tr("Type your staff code."))
            self.code.setFocus()
            return
        if not pin:
            self.show_message(self.tr("Type your PIN."))
            self.pin.setFocus()
            return
        self._busy = True
        self.button.setEnabled(False)
        self.show_message(self.tr("Checking…"), "info")
        staff = self.ctx.svc.staff
        self.ctx.ops.query(lambda: staff.sign_in(code, pin), self._done, self._failed)

    def _done(self, actor: Actor) -> None:
        self._busy = False
        self.button.setEnabled(True)
        code = self.code.text().strip()
        self.pin.clear()
        self.show_message("")
        self.signed_in.emit(actor, code)

    def _failed(self, text: str, _exc: BaseException) -> None:
        self._busy = False
        self.button.setEnabled(True)
        self.pin.clear()
        self.show_message(text)
        self.pin.setFocus()


class LockScreen(QWidget):
    """The till is locked: the same cashier unlocks with their PIN, or another one signs in."""

    unlocked = Signal(object)  # Actor
    switch_requested = Signal()

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._busy = False
        self._actor: Actor | None = None
        self._code = ""
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.pin_label = QLabel()
        self.pin = _pin_field()
        self.pin_label.setBuddy(self.pin)
        self.unlock_button = QPushButton()
        self.switch_button = QPushButton()
        self.switch_button.setProperty("secondary", True)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.pin_label, self.pin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.switch_button)
        box = QVBoxLayout()
        box.addWidget(self.title)
        box.addLayout(form)
        box.addLayout(buttons)
        box.addWidget(self.message)
        box.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(box, 2)
        outer.addStretch(1)

        self.pin.returnPressed.connect(self.submit)
        self.unlock_button.clicked.connect(self.submit)
        self.switch_button.clicked.connect(self.switch_requested)
        self.retranslate()

    def retranslate(self) -> None:
        name = self._actor.name if self._actor else ""
        self.title.setText(self.tr("Locked. {name} unlocks with their PIN.").format(name=name))
        self.pin_label.setText(self.tr("&PIN"))
        self.unlock_button.setText(self.tr("Unlock (Enter)"))
        self.switch_button.setText(self.tr("Switch cashier"))
        self.pin.setAccessibleName(self.tr("PIN"))
        self.unlock_button.setAccessibleName(self.tr("Unlock"))
        self.switch_button.setAccessibleName(self.tr("Switch cashier"))
        self.message.setAccessibleName(self.tr("Message"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def lock(self, actor: Actor, code: str) -> None:
        self._actor, self._code = actor, code
        self.pin.clear()
        self.message.clear()
        set_property(self.message, "tone", "info")
        self.retranslate()
        self.pin.setFocus()

    def submit(self) -> None:
        if self._busy or self._actor is None:
            return
        pin = self.pin.text()
        if not pin:
            self.message.setText(self.tr("Type your PIN."))
            set_property(self.message, "tone", "error")
            return
        self._busy = True
        code, staff = self._code, self.ctx.svc.staff
        self.ctx.ops.query(lambda: staff.sign_in(code, pin), self._done, self._failed)

    def _done(self, actor: Actor) -> None:
        self._busy = False
        self.pin.clear()
        if self._actor is None or actor.staff_id != self._actor.staff_id:
            return
        self.unlocked.emit(actor)

    def _failed(self, text: str, _exc: BaseException) -> None:
        self._busy = False
        self.pin.clear()
        self.message.setText(text)
        set_property(self.message, "tone", "error")
        self.pin.setFocus()
