"""Correcting a member's profile on the member page: name, phone number, e-mail address.

The form opens with what is stored; only what the cashier changes is sent (``MemberService.edit``: checked as
at enrolment, one audited change, and a ``member_edit`` for the central of only the changed fields, which the
central merges field by field with other tills' edits). An empty phone or e-mail removes it. A refusal (a
number another member has, an address that is not one, a member erased or merged) is said in the form, which
stays open with what was typed. Any cashier who may enrol may correct a profile; the services check.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.views import Change, MemberView
from app.ui.context import TillContext
from app.ui.desk.escape import escape_claimed


class ProfileEditPanel(QFrame):
    message = Signal(str, str)  # text, tone
    closed = Signal()
    saved = Signal(object)  # the Change of the edit just recorded

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ctx = ctx
        self.member: MemberView | None = None
        self.in_flight = False

        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.name, self.phone, self.email = QLineEdit(), QLineEdit(), QLineEdit()
        self.name_label, self.phone_label, self.email_label = QLabel(), QLabel(), QLabel()
        form = QFormLayout()
        for label, field in (
            (self.name_label, self.name),
            (self.phone_label, self.phone),
            (self.email_label, self.email),
        ):
            label.setBuddy(field)
            form.addRow(label, field)
            field.returnPressed.connect(self.submit)
        self.problem = QLabel()
        self.problem.setObjectName("error")
        self.problem.setWordWrap(True)
        self.save_button = QPushButton()
        self.cancel_button = QPushButton()
        self.cancel_button.setProperty("secondary", True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.save_button.clicked.connect(lambda _c: self.submit())
        self.cancel_button.clicked.connect(lambda _c: self.close_form())
        for child in (self, self.name, self.phone, self.email, self.save_button, self.cancel_button):
            child.installEventFilter(self)
        self.retranslate()

    # -- Esc -------------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # With the form open, Esc closes it: claim it before the window's Esc shortcut, which leaves the desk.
        if self.member is not None and escape_claimed(event, self._escape):
            return True
        return super().eventFilter(watched, event)

    def _escape(self) -> None:
        self.close_form()
        self.message.emit(self.tr("Nothing was changed."), "info")

    # -- language --------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Correct the profile"))
        self.intro.setText(
            self.tr(
                "Change what is wrong and press Enter. An empty phone number or e-mail address removes it. "
                "Esc closes without saving."
            )
        )
        self.name_label.setText(self.tr("&Name"))
        self.phone_label.setText(self.tr("&Phone"))
        self.email_label.setText(self.tr("&E-mail"))
        self.name.setAccessibleName(self.tr("Name"))
        self.phone.setAccessibleName(self.tr("Phone number"))
        self.email.setAccessibleName(self.tr("E-mail address"))
        self.save_button.setText(self.tr("Save (Enter)"))
        self.save_button.setAccessibleName(self.tr("Save the profile"))
        self.cancel_button.setText(self.tr("Cancel (Esc)"))
        self.cancel_button.setAccessibleName(self.tr("Close without saving"))

    # -- the form --------------------------------------------------------------------------------------
    def open_for(self, member: MemberView) -> None:
        self.member = member
        self.in_flight = False
        self.name.setText(member.full_name)
        self.phone.setText(member.phone or "")
        self.email.setText(member.email or "")
        self.problem.clear()
        self.problem.setVisible(False)
        self.name.setFocus()
        self.name.selectAll()

    def close_form(self) -> None:
        self.member = None
        self.closed.emit()

    def changed_fields(self) -> dict[str, str]:
        """What the cashier changed: only these are sent."""
        member = self.member
        if member is None:
            return {}
        typed = {"full_name": self.name.text(), "phone": self.phone.text(), "email": self.email.text()}
        stored = {"full_name": member.full_name, "phone": member.phone or "", "email": member.email or ""}
        return {key: value for key, value in typed.items() if value.strip() != stored[key]}

    def submit(self) -> None:
        member, actor = self.member, self.ctx.actor
        if member is None or actor is None or self.in_flight:
            return
        changes = self.changed_fields()
        if not changes:
            self.message.emit(self.tr("Nothing changed in the profile."), "info")
            self.close_form()
            return
        self.in_flight = True
        self.save_button.setEnabled(False)
        members = self.ctx.svc.members
        member_id = member.id

        def work() -> Change:
            return Change(operation="member_edit", member=members.edit(actor, member_id, **changes))

        self.ctx.ops.change(work, self._saved, self._refused)

    def _saved(self, change: Change) -> None:
        self.in_flight = False
        self.save_button.setEnabled(True)
        self.message.emit(self.tr("Profile saved for {name}.").format(name=change.member.full_name), "ok")
        self.saved.emit(change)
        self.close_form()

    def _refused(self, text: str, _exc: BaseException) -> None:
        self.in_flight = False
        self.save_button.setEnabled(True)
        self.problem.setText(text)
        self.problem.setVisible(True)
