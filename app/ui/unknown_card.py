"""A card nobody has: offered in place to enrol a new member with it, or to link it to a member found by
search (the waiting screen's search, as you type). Picking a member asks to confirm; Enter links the card
(the card service checks the cashier may), Esc steps back.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.views import MemberView
from app.ui.context import TillContext
from app.ui.readers import card_digits
from app.ui.search import SearchPanel
from loyalty.identity import CardRef


class UnknownCardPanel(QFrame):
    enrol_requested = Signal(object)  # CardRef: enrol a new member with this card
    linked = Signal(object, str)  # MemberView the card now belongs to, the card's digits
    message = Signal(str, str)  # text, tone

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ctx = ctx
        self.card: CardRef | None = None
        self.chosen: MemberView | None = None
        self.in_flight = False
        self._asked = 0

        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.enrol_button = QPushButton()
        self.enrol_button.setAutoDefault(True)
        self.link_title = QLabel()
        self.link_title.setObjectName("earns")
        self.link_title.setWordWrap(True)
        self.search = SearchPanel(ctx)
        self.search.prompt.hide()  # this panel says what the search is for
        # The waiting screen centres its prompt with a stretch; here the field goes to the top.
        search_layout = self.search.layout()
        if isinstance(search_layout, QBoxLayout):
            search_layout.setStretch(0, 0)

        self.confirm_box = QFrame()
        self.confirm_text = QLabel()
        self.confirm_text.setObjectName("earns")
        self.confirm_text.setWordWrap(True)
        self.confirm_button = QPushButton()
        self.confirm_button.setAutoDefault(True)  # Enter on it links
        self.back_button = QPushButton()
        self.back_button.setProperty("secondary", True)
        self.back_button.setAutoDefault(True)
        confirm_buttons = QHBoxLayout()
        confirm_buttons.addWidget(self.confirm_button, 1)
        confirm_buttons.addWidget(self.back_button)
        confirm_layout = QVBoxLayout(self.confirm_box)
        confirm_layout.setContentsMargins(0, 0, 0, 0)
        confirm_layout.addWidget(self.confirm_text)
        confirm_layout.addLayout(confirm_buttons)
        confirm_layout.addStretch(1)
        self.confirm_box.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addWidget(self.enrol_button)
        layout.addSpacing(16)
        layout.addWidget(self.link_title)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.confirm_box, 1)

        self.setTabOrder(self.enrol_button, self.search.field)
        self.enrol_button.clicked.connect(self._enrol)
        self.search.member_chosen.connect(self.pick)
        self.search.message.connect(self.message)
        self.confirm_button.clicked.connect(self.confirm)
        self.back_button.clicked.connect(self.back)
        self.retranslate()

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        digits = card_digits(self.card.label) if self.card else ""
        self.title.setText(self.tr("Card {digits} is not registered").format(digits=digits))
        self.explain.setText(
            self.tr("Enrol the customer with this card, or link it to a member who already has an account.")
        )
        self.enrol_button.setText(self.tr("Enrol a new member with this card (F3)"))
        self.enrol_button.setAccessibleName(self.tr("Enrol a new member with this card"))
        self.link_title.setText(self.tr("Or link it to a member: type a name, phone or member number"))
        self.confirm_button.setText(self.tr("Link the card (Enter)"))
        self.confirm_button.setAccessibleName(self.tr("Link the card to this member"))
        self.back_button.setText(self.tr("Back (Esc)"))
        self.back_button.setAccessibleName(self.tr("Back to the search"))
        self._show_choice()

    def _show_choice(self) -> None:
        m, card = self.chosen, self.card
        if m is None or card is None:
            self.confirm_text.setText("")
            return
        self.confirm_text.setText(
            self.tr("Link card {digits} to {name}, member no. {number}?").format(
                digits=card_digits(card.label), name=m.full_name, number=m.member_number
            )
        )

    # -- flow --------------------------------------------------------------------------------------
    def offer(self, card: CardRef) -> None:
        """Show the offer for ``card``; the cursor goes to the search (typing a name links)."""
        self.card = card
        self.chosen = None
        self.in_flight = False
        self._asked += 1
        self.search.reset()
        self.search.show()
        self.confirm_box.hide()
        self.confirm_button.setEnabled(True)
        self.retranslate()
        self.search.field.setFocus()

    def _enrol(self) -> None:
        if self.card is not None:
            self.enrol_requested.emit(self.card)

    def pick(self, member_id: str) -> None:
        """A member chosen in the search: ask to confirm the link."""
        self._asked += 1
        number = self._asked
        members = self.ctx.svc.members
        self.ctx.ops.query(
            lambda: members.get(member_id),
            lambda member: self._picked(number, member),
            lambda text, _exc: self.message.emit(text, "error"),
        )

    def _picked(self, number: int, member: MemberView) -> None:
        if number != self._asked:
            return
        self.chosen = member
        self._show_choice()
        self.search.hide()
        self.confirm_box.show()
        self.confirm_button.setFocus()

    @property
    def confirming(self) -> bool:
        return not self.confirm_box.isHidden()

    def back(self) -> bool:
        """Esc: from the confirmation back to the search; False when there was nothing to step back from."""
        if not self.confirming:
            return False
        self._asked += 1
        self.chosen = None
        self.confirm_box.hide()
        self.search.show()
        self.search.field.setFocus()
        self.search.field.selectAll()
        return True

    def confirm(self) -> None:
        """Enter: link the card to the chosen member; the window then shows that member."""
        if self.in_flight or self.chosen is None or self.card is None or self.ctx.actor is None:
            return
        actor, card, member_id = self.ctx.actor, self.card, self.chosen.id
        svc = self.ctx.svc
        self._asked += 1
        number = self._asked
        self.in_flight = True
        self.confirm_button.setEnabled(False)

        def work() -> MemberView:
            svc.cards.link(actor, member_id, card)
            return svc.cards.identify(card.token)

        self.ctx.ops.change(work, lambda member: self._linked(number, member), self._failed)

    def _linked(self, number: int, member: MemberView) -> None:
        self.in_flight = False
        self.confirm_button.setEnabled(True)
        if number == self._asked and self.card is not None:
            self.linked.emit(member, card_digits(self.card.label))

    def _failed(self, text: str, _exc: BaseException) -> None:
        self.in_flight = False
        self.confirm_button.setEnabled(True)
        self.message.emit(text, "error")
