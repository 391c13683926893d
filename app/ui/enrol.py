"""The enrol screen: name, phone, e-mail, birthday, the consents with their words, a referral code, and a
blank card tapped to link it. Enter enrols.

Each field is checked as the cashier leaves it, with the same rules as the member service (the phone
through ``normalize_phone`` in the store's region), and the sentence is shown under the field. The form
carries one id from the moment it opens: it becomes the new member's id, so a double Enter or a retry
after an error asks the service for the same enrolment and can never enrol twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from PySide6.QtCore import QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.members import CONSENT_TEXTS, ConsentText
from app.services.views import Change, MemberView
from app.ui.context import TillContext
from app.ui.errors import sentence
from app.ui.readers import card_digits, card_ref, refusal
from devices.events import CardPresented
from loyalty.errors import CardBlocked, LoyaltyError, UnknownCard
from loyalty.identity import CardRef
from loyalty.ids import new_id
from loyalty.text import normalize_email, normalize_phone

NAME_MAX = 120
PHONE_MAX = 32
EMAIL_MAX = 254
REFERRAL_MAX = 16
DATE_FORMATS = ("dd/MM/yyyy", "d/M/yyyy")


@dataclass(frozen=True)
class Enrolled:
    """What the enrol screen hands the window: the new member and their welcome gift."""

    member: MemberView
    gift: int
    replayed: bool


@dataclass
class _Consent:
    text: ConsentText
    box: QCheckBox
    words: QLabel


def window_language() -> str:
    """The window's language, as the consent texts are keyed ('vi' or 'en')."""
    return "vi" if QLocale().language() == QLocale.Language.Vietnamese else "en"


def parse_birthday(text: str) -> date | None:
    """A day typed as dd/MM/yyyy (1/2/1990 too); None when it is not one."""
    loc = QLocale()
    for fmt in DATE_FORMATS:
        day = loc.toDate(text.strip(), fmt)
        if day.isValid():
            return date(day.year(), day.month(), day.day())
    return None


class EnrolPanel(QFrame):
    enrolled = Signal(object)  # Enrolled
    cancelled = Signal()
    message = Signal(str, str)  # text, tone

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ctx = ctx
        self.form_id = new_id()
        self.card: CardRef | None = None
        self.in_flight = False
        self._card_asked = 0

        self.title = QLabel()
        self.title.setObjectName("title")
        self.name = self._line(NAME_MAX)
        self.phone = self._line(PHONE_MAX)
        self.phone.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.email = self._line(EMAIL_MAX)
        self.email.setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
        self.birthday = self._line(10)
        self.birthday.setInputMethodHints(Qt.InputMethodHint.ImhDate)
        self.referral = self._line(REFERRAL_MAX)
        self.referral.setInputMethodHints(Qt.InputMethodHint.ImhPreferUppercase)
        self.fields = (self.name, self.phone, self.email, self.birthday, self.referral)
        self.labels = {field: QLabel() for field in self.fields}
        self.errors = {field: self._error_label() for field in self.fields}
        form = QFormLayout()
        for field in self.fields:
            self.labels[field].setBuddy(field)
            form.addRow(self.labels[field], field)
            form.addRow("", self.errors[field])

        self.consent_title = QLabel()
        self.consent_title.setObjectName("earns")
        self.consents: list[_Consent] = []
        right = QVBoxLayout()
        right.addWidget(self.consent_title)
        for text in CONSENT_TEXTS:
            box = QCheckBox()
            words = QLabel()
            words.setWordWrap(True)
            words.setObjectName("hint")
            words.setContentsMargins(40, 0, 0, 8)
            self.consents.append(_Consent(text, box, words))
            right.addWidget(box)
            right.addWidget(words)
        self.card_title = QLabel()
        self.card_title.setObjectName("earns")
        self.card_status = QLabel()
        self.card_status.setWordWrap(True)
        self.card_error = self._error_label()
        self.remove_card = QPushButton()
        self.remove_card.setProperty("secondary", True)
        self.remove_card.setAutoDefault(True)
        card_row = QHBoxLayout()
        card_row.addWidget(self.card_status, 1)
        card_row.addWidget(self.remove_card)
        right.addSpacing(12)
        right.addWidget(self.card_title)
        right.addLayout(card_row)
        right.addWidget(self.card_error)
        right.addStretch(1)

        self.submit_button = QPushButton()
        self.submit_button.setAutoDefault(True)
        self.cancel_button = QPushButton()
        self.cancel_button.setProperty("secondary", True)
        self.cancel_button.setAutoDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.submit_button, 1)
        buttons.addWidget(self.cancel_button)

        columns = QHBoxLayout()
        columns.addLayout(form, 1)
        columns.addSpacing(24)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)

        order: list[QWidget] = [*self.fields, *(c.box for c in self.consents), self.submit_button]
        for first, second in pairwise(order):
            self.setTabOrder(first, second)
        self.setTabOrder(self.submit_button, self.cancel_button)

        self.name.editingFinished.connect(self.check_name)
        self.phone.editingFinished.connect(self.check_phone)
        self.email.editingFinished.connect(self.check_email)
        self.birthday.editingFinished.connect(self.check_birthday)
        for field in self.fields:
            field.textEdited.connect(lambda _t, f=field: self._set_error(f, ""))
        self.submit_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.cancel)
        self.remove_card.clicked.connect(self.forget_card)
        self.retranslate()

    @staticmethod
    def _line(limit: int) -> QLineEdit:
        line = QLineEdit()
        line.setMaxLength(limit)
        return line

    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel()
        label.setObjectName("fieldError")
        label.setWordWrap(True)
        label.hide()
        return label

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("New member"))
        texts = {
            self.name: (self.tr("&Name"), self.tr("Full name"), self.tr("e.g. Nguyễn Thị Lan")),
            self.phone: (self.tr("&Phone"), self.tr("Phone number"), self.tr("e.g. 0901 234 567")),
            self.email: (self.tr("&E-mail"), self.tr("E-mail address"), self.tr("optional")),
            self.birthday: (self.tr("&Birthday"), self.tr("Birthday"), self.tr("dd/mm/yyyy, optional")),
            self.referral: (self.tr("Re&ferral code"), self.tr("Referral code"), self.tr("optional")),
        }
        for field, (label, accessible, placeholder) in texts.items():
            self.labels[field].setText(label)
            field.setAccessibleName(accessible)
            field.setPlaceholderText(placeholder)
        self.consent_title.setText(self.tr("The customer agrees to (tick only what they say yes to):"))
        language = window_language()
        titles = {"marketing": self.tr("Offers and news"), "personalisation": self.tr("Personalised offers")}
        for consent in self.consents:
            title = titles.get(consent.text.purpose, consent.text.purpose)
            consent.box.setText(title)
            consent.box.setAccessibleName(title)
            words = consent.text.text(language)
            consent.box.setAccessibleDescription(words)
            consent.words.setText(
                self.tr("{words} (text version {version})").format(words=words, version=consent.text.version)
            )
        self.card_title.setText(self.tr("Card"))
        self.remove_card.setText(self.tr("Remove card"))
        self.remove_card.setAccessibleName(self.tr("Remove the card from the enrolment"))
        self.submit_button.setText(self.tr("Enrol (Enter)"))
        self.submit_button.setAccessibleName(self.tr("Enrol the member"))
        self.cancel_button.setText(self.tr("Cancel (Esc)"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the enrolment"))
        self._show_card()

    def _show_card(self) -> None:
        if self.card is None:
            self.card_status.setObjectName("hint")
            self.card_status.setText(self.tr("Tap a blank card on the reader to link it (optional)."))
        else:
            self.card_status.setObjectName("cardReady")
            self.card_status.setText(
                self.tr("Card ready: {digits}").format(digits=card_digits(self.card.label))
            )
        self.card_status.style().unpolish(self.card_status)
        self.card_status.style().polish(self.card_status)
        self.remove_card.setVisible(self.card is not None)

    # -- opening and closing -------------------------------------------------------------------------
    def open(self, card: CardRef | None = None) -> None:
        """A new, empty form (a new id), with a card already captured when one is given."""
        self.form_id = new_id()
        self.in_flight = False
        self._card_asked += 1
        for field in self.fields:
            field.clear()
            self._set_error(field, "")
        for consent in self.consents:
            consent.box.setChecked(False)  # consent is given, never assumed
        self.card = card
        self._set_card_error("")
        self.submit_button.setEnabled(True)
        self._show_card()
        self.name.setFocus()

    def cancel(self) -> None:
        self._card_asked += 1
        self.form_id = new_id()  # an enrolment still being written is reported, not opened
        self.in_flight = False
        self.submit_button.setEnabled(True)
        self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter from any field or box of the form enrols (a line edit passes Enter on to its parent).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- checking fields ---------------------------------------------------------------------------
    def _set_error(self, field: QLineEdit, text: str) -> None:
        label = self.errors[field]
        label.setText(text)
        label.setVisible(bool(text))

    def _set_card_error(self, text: str) -> None:
        self.card_error.setText(text)
        self.card_error.setVisible(bool(text))

    def check_name(self) -> bool:
        ok = bool(self.name.text().strip())
        self._set_error(self.name, "" if ok else self.tr("Type the customer's name."))
        return ok

    def check_phone(self) -> bool:
        text = self.phone.text().strip()
        if not text:
            self._set_error(self.phone, "")
            return True
        try:
            normalize_phone(text, self.ctx.svc.core.phone_region)
        except LoyaltyError as err:
            self._set_error(self.phone, sentence(err))
            return False
        self._set_error(self.phone, "")
        return True

    def check_email(self) -> bool:
        text = self.email.text().strip()
        try:
            if text:
                normalize_email(text)
        except LoyaltyError as err:
            self._set_error(self.email, sentence(err))
            return False
        self._set_error(self.email, "")
        return True

    def check_birthday(self) -> bool:
        text = self.birthday.text().strip()
        if text and parse_birthday(text) is None:
            self._set_error(self.birthday, self.tr("Type the birthday as dd/mm/yyyy, e.g. 17/05/1990."))
            return False
        self._set_error(self.birthday, "")
        return True

    # -- the card ----------------------------------------------------------------------------------
    def card_presented(self, event: CardPresented) -> None:
        """A card tapped while the form is open: a blank one is taken as the card to link."""
        problem = refusal(event)
        ref = event.member_ref
        wanted = card_ref(ref) if ref is not None and problem is None else None
        if problem is not None:
            self._set_card_error(problem)
            return
        if wanted is None:
            self._set_card_error(
                self.tr(
                    "This card carries a member number: it already belongs to a member. Tap a blank card."
                )
            )
            return
        self._card_asked += 1
        number = self._card_asked
        self._set_card_error("")
        self.card_status.setText(self.tr("Checking the card…"))
        cards = self.ctx.svc.cards
        self.ctx.ops.query(
            lambda: cards.identify(wanted.token),
            lambda member: self._card_taken(number, member),
            lambda text, exc: self._card_checked(number, wanted, text, exc),
        )

    def _card_taken(self, number: int, member: MemberView) -> None:
        if number != self._card_asked:
            return
        self._show_card()
        self._set_card_error(
            self.tr("This card already belongs to member no. {number}. Tap a blank card.").format(
                number=member.member_number
            )
        )

    def _card_checked(self, number: int, wanted: CardRef, text: str, exc: BaseException) -> None:
        if number != self._card_asked:
            return
        if isinstance(exc, UnknownCard):
            self.card = wanted
            self._show_card()
            self._set_card_error("")
            return
        self._show_card()
        if isinstance(exc, CardBlocked):
            self._set_card_error(
                self.tr("This card already belongs to a member and no longer works. Tap a blank card.")
            )
        else:
            self._set_card_error(text)

    def forget_card(self) -> None:
        self._card_asked += 1
        self.card = None
        self._set_card_error("")
        self._show_card()
        self.name.setFocus()

    # -- enrolling ---------------------------------------------------------------------------------
    def submit(self) -> None:
        """Enter: check the fields, then enrol with this form's id. Ignored while it is being written."""
        if self.in_flight or self.ctx.actor is None:
            return
        checks = (
            (self.name, self.check_name()),
            (self.phone, self.check_phone()),
            (self.email, self.check_email()),
            (self.birthday, self.check_birthday()),
        )
        bad = [field for field, ok in checks if not ok]
        if bad:
            bad[0].setFocus()
            self.message.emit(self.tr("Check the fields marked in red."), "error")
            return
        name = self.name.text().strip()
        phone = self.phone.text().strip() or None
        email = self.email.text().strip() or None
        birthday_text = self.birthday.text().strip()
        birthday = parse_birthday(birthday_text) if birthday_text else None
        referral = self.referral.text().strip() or None
        consents = tuple(c.text.answer(c.box.isChecked()) for c in self.consents)
        actor, card, form_id, members = self.ctx.actor, self.card, self.form_id, self.ctx.svc.members
        self.in_flight = True
        self.submit_button.setEnabled(False)
        self.message.emit(self.tr("Enrolling…"), "info")
        self.ctx.ops.change(
            lambda: members.enroll(
                actor,
                name,
                phone=phone,
                email=email,
                birthday=birthday,
                consents=consents,
                referral_code=referral,
                card=card,
                member_id=form_id,
            ),
            lambda change: self._done(form_id, change),
            lambda text, exc: self._failed(form_id, text, exc),
        )

    def _done(self, form_id: str, change: Change) -> None:
        if form_id != self.form_id:
            # The cashier left the form while it was being written: it is recorded, and said so.
            self.message.emit(
                self.tr("{name} was enrolled: member no. {number}.").format(
                    name=change.member.full_name, number=change.member.member_number
                ),
                "ok",
            )
            return
        self.in_flight = False
        self.submit_button.setEnabled(True)
        gift = sum(e.points for e in change.entries if e.action_code == "welcome")
        self.open()  # the form is spent: a new customer gets a new one
        self.enrolled.emit(Enrolled(change.member, gift, change.replayed))

    def _failed(self, form_id: str, text: str, exc: BaseException) -> None:
        # Nothing was written: the form keeps its id, so Enter again retries the same enrolment.
        if form_id != self.form_id:
            return
        self.in_flight = False
        self.submit_button.setEnabled(True)
        field = self._field_of(exc)
        if field is self.card_status:
            self._set_card_error(text)
            self.message.emit(text, "error")
            return
        if isinstance(field, QLineEdit):
            self._set_error(field, text)
            field.setFocus()
        self.message.emit(text, "error")

    def _field_of(self, exc: BaseException) -> QWidget | None:
        """The field a service error is about (its ``what``), to show the sentence under it."""
        if not isinstance(exc, LoyaltyError):
            return None
        what = exc.params.get("what")
        fields: dict[str, QWidget] = {
            "Name": self.name,
            "Phone number": self.phone,
            "E-mail address": self.email,
            "Birthday": self.birthday,
            "referral code": self.referral,
            "This card": self.card_status,
            "Card": self.card_status,
        }
        return fields.get(what) if isinstance(what, str) else None
