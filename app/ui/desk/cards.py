"""The desk's Cards page: find a member's cards (search, or tap the card on the reader), see what happened to
each, link a new card, block a lost one, replace one.

* Blocking is for anyone signed in: a customer who has lost their card wants it stopped now, and speed
  protects them. It needs a reason.
* Replacing is a manager's: a cashier gets the manager approval box in place; the new card belongs to the
  same member, so balance, tier and history stay. It needs a reason.
* Linking: a card tapped that nobody has can be linked to the member found by search; or, with a member
  shown, "Link a new card" waits for the next tap.

While the page waits for a new card, the window hands it every tap (``card_presented``); Esc stops waiting.
Every refusal is a sentence in the message line; the services refuse anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QLocale, QObject, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import Actor, Permission
from app.services.points import MAX_REASON
from app.services.views import CardEventView, CardView, MemberView
from app.ui.approval import ApprovalBox
from app.ui.context import TillContext
from app.ui.desk.escape import escape_claimed
from app.ui.i18n import points
from app.ui.readers import card_digits, card_ref, refusal
from app.ui.search import SearchPanel
from devices.events import CardPresented
from loyalty.errors import CardBlocked, UnknownCard
from loyalty.identity import CardRef

ROW_HEIGHT = 40


class CardsPage(QWidget):
    member_requested = Signal(str)  # member id: open the member's page
    message = Signal(str, str)  # text, tone

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member: MemberView | None = None
        self.cards: list[CardView] = []
        self.selected: CardView | None = None
        self.events: list[CardEventView] = []
        self.tapped: CardRef | None = None  # a card nobody has, waiting for a member to be linked to
        self.waiting: str | None = None  # 'link' or 'replace': the next tap is the new card
        self.manager: Actor | None = None  # the manager who approved the replacement waited for
        self.in_flight = False
        self._shown = 0  # number of the newest member look-up
        self._history_asked = 0

        self.search = SearchPanel(ctx)
        self.search.prompt.hide()  # this page says what the search is for
        search_layout = self.search.layout()
        if isinstance(search_layout, QBoxLayout):
            search_layout.setStretch(0, 0)  # the field at the top, not centred
        self.find_line = QLabel()
        self.find_line.setObjectName("earns")
        self.find_line.setWordWrap(True)

        self.member_line = QLabel()
        self.member_line.setObjectName("earns")
        self.member_line.setWordWrap(True)
        self.open_member_button = QPushButton()
        self.open_member_button.setProperty("secondary", True)
        self.tapped_line = QLabel()
        self.tapped_line.setObjectName("warning")
        self.tapped_line.setWordWrap(True)
        self.cards_table = _table(5, stretch=(4,))
        self.history_title = QLabel()
        self.history_title.setWordWrap(True)
        self.history_table = _table(4, stretch=(1, 3))
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason_label = QLabel()
        self.reason_label.setBuddy(self.reason)
        self.block_button = QPushButton()
        self.replace_button = QPushButton()
        self.link_button = QPushButton()
        self.cancel_button = QPushButton()
        for button in (self.replace_button, self.link_button, self.cancel_button):
            button.setProperty("secondary", True)
        for button in (self.block_button, self.replace_button, self.link_button, self.cancel_button):
            button.setAutoDefault(True)
        self.waiting_line = QLabel()
        self.waiting_line.setObjectName("prompt")
        self.waiting_line.setWordWrap(True)
        self.approval = ApprovalBox(ctx, wide=True)  # code, PIN and buttons in one row: the page fits 800 px

        member_row = QHBoxLayout()
        member_row.addWidget(self.member_line, 1)
        member_row.addWidget(self.open_member_button)
        reason_row = QHBoxLayout()
        reason_row.addWidget(self.reason_label)
        reason_row.addWidget(self.reason, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.block_button)
        buttons.addWidget(self.replace_button)
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(member_row)
        right.addWidget(self.tapped_line)
        right.addWidget(self.cards_table, 1)
        right.addWidget(self.history_title)
        right.addWidget(self.history_table, 1)
        right.addLayout(reason_row)
        right.addLayout(buttons)
        right.addWidget(self.waiting_line)
        right.addWidget(self.approval)
        left = QVBoxLayout()
        left.addWidget(self.find_line)
        left.addWidget(self.search, 1)
        row = QHBoxLayout(self)
        row.addLayout(left, 1)
        row.addLayout(right, 2)

        self.setTabOrder(self.search.field, self.search.table)
        self.setTabOrder(self.search.table, self.cards_table)
        self.setTabOrder(self.cards_table, self.reason)
        self.setTabOrder(self.reason, self.block_button)
        self.setTabOrder(self.block_button, self.replace_button)
        self.setTabOrder(self.replace_button, self.link_button)
        self.setTabOrder(self.link_button, self.history_table)

        self.search.member_chosen.connect(self.show_member)
        self.search.message.connect(self.message)
        self.cards_table.itemSelectionChanged.connect(self._card_chosen)
        self.open_member_button.clicked.connect(self._open_member)
        self.block_button.clicked.connect(self.block)
        self.replace_button.clicked.connect(self.replace)
        self.link_button.clicked.connect(self.link)
        self.cancel_button.clicked.connect(self.cancel)
        self.approval.approved.connect(self._approved)
        self.approval.cancelled.connect(self.cancel)
        for child in (
            self,
            self.search.field,
            self.search.table,
            self.cards_table,
            self.history_table,
            self.reason,
            self.block_button,
            self.replace_button,
            self.link_button,
            self.cancel_button,
        ):
            child.installEventFilter(self)
        self.retranslate()
        self._draw()

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("CardsPage", "Cards")

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Cards"))
        self.find_line.setText(self.tr("Find the member, or tap the card on the reader"))
        self.open_member_button.setText(self.tr("Open the member"))
        self.open_member_button.setAccessibleName(self.tr("Open this member's page"))
        self.cards_table.setAccessibleName(self.tr("The member's cards"))
        self.cards_table.setHorizontalHeaderLabels(
            [self.tr("Card"), self.tr("Kind"), self.tr("Status"), self.tr("Since"), self.tr("Reason")]
        )
        self.history_table.setAccessibleName(self.tr("The card's history"))
        self.history_table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("What"), self.tr("Who"), self.tr("Why")]
        )
        self.reason_label.setText(self.tr("&Reason"))
        self.reason.setPlaceholderText(self.tr("e.g. lost at the market, stolen, damaged"))
        self.reason.setAccessibleName(self.tr("Reason for blocking or replacing the card"))
        self.block_button.setText(self.tr("&Block the card"))
        self.block_button.setAccessibleName(self.tr("Block the chosen card"))
        self.replace_button.setText(self.tr("Re&place the card"))
        self.replace_button.setAccessibleName(self.tr("Replace the chosen card with a new one"))
        self.cancel_button.setText(self.tr("Cancel (Esc)"))
        self.cancel_button.setAccessibleName(self.tr("Stop waiting for a card"))
        self._write_cards()
        self._fill_history()
        self._draw()

    # -- coming into view --------------------------------------------------------------------------
    def activated(self) -> None:
        if self.waiting is None and not self.approval.waiting:
            self.search.field.setFocus()

    # -- finding -----------------------------------------------------------------------------------
    def show_member(self, member_id: str, card_id: str | None = None) -> None:
        """Show a member and their cards (``card_id`` chosen, else their first working card)."""
        self._shown += 1
        number = self._shown
        svc = self.ctx.svc

        def work() -> tuple[MemberView, list[CardView]]:
            return svc.members.get(member_id), svc.cards.cards_of(member_id)

        self.ctx.ops.query(
            work,
            lambda found: self._member_shown(number, found[0], found[1], card_id),
            lambda text, _exc: self._say(text, "error"),
        )

    def _member_shown(
        self, number: int, member: MemberView, cards: list[CardView], card_id: str | None
    ) -> None:
        if number != self._shown:
            return
        if self.member is None or self.member.id != member.id:
            self.reason.clear()
        self.member = member
        self.cards = cards
        wanted = next((c for c in cards if c.id == card_id), None)
        if wanted is None:
            wanted = next((c for c in cards if c.status == "active"), cards[0] if cards else None)
        self._fill_cards(wanted)
        self._draw()

    def card_presented(self, event: CardPresented) -> None:
        """A card tapped while this page is shown: the new card waited for, or the card to look up."""
        problem = refusal(event)
        if problem is not None:
            self._say(problem, "error")
            return
        ref = event.member_ref
        assert ref is not None
        card = card_ref(ref)
        if card is None:
            if self.waiting is not None:
                self._say(
                    self.tr("This is a printed member number, not a card that can be linked. Tap a card."),
                    "error",
                )
                return
            # A scanned member number: that member's cards.
            members = self.ctx.svc.members
            self.ctx.ops.query(
                lambda: members.by_number(ref.value),
                lambda member: self.show_member(member.id),
                lambda text, _exc: self._say(text, "error"),
            )
            return
        if self.waiting == "link":
            self._link(card)
            return
        if self.waiting == "replace":
            self._replace(card)
            return
        cards = self.ctx.svc.cards
        self.ctx.ops.query(
            lambda: cards.lookup(card.token),
            lambda found: self._looked_up(card, found),
            lambda text, _exc: self._say(text, "error"),
        )

    def _looked_up(self, card: CardRef, found: CardView | None) -> None:
        if found is not None:
            self.tapped = None
            self._say("", "info")
            self.show_member(found.member_id, found.id)
            return
        self.tapped = card
        self._draw()
        if self.member is None:
            self._say(
                self.tr("Card {digits} is not registered. Find the member to link it to.").format(
                    digits=card_digits(card.label)
                ),
                "info",
            )
            self.search.field.setFocus()
        else:
            self._say(
                self.tr(
                    "Card {digits} is not registered. Press Link to give it to {name}, or find another member."
                ).format(digits=card_digits(card.label), name=self.member.full_name),
                "info",
            )
            self.link_button.setFocus()

    # -- the cards and their history ----------------------------------------------------------------
    def _fill_cards(self, chosen: CardView | None) -> None:
        self._write_cards()
        self.selected = None
        if chosen is not None:
            self.cards_table.selectRow(self.cards.index(chosen))
        else:
            self.events = []
            self._fill_history()
        self._card_chosen()

    def _write_cards(self) -> None:
        """The cards' rows in the current language (the selection stays)."""
        table = self.cards_table
        table.blockSignals(True)
        table.setRowCount(len(self.cards))
        for row, card in enumerate(self.cards):
            cells = (
                card_digits(card.label),
                self._kind(card.kind),
                self._status(card.status),
                self._day(card.created_at),
                card.status_reason or "",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, col, item)
        table.blockSignals(False)

    def _card_chosen(self) -> None:
        rows = self.cards_table.selectionModel().selectedRows()
        card = self.cards[rows[0].row()] if rows and rows[0].row() < len(self.cards) else None
        if card is self.selected or (
            card is not None and self.selected is not None and card.id == self.selected.id
        ):
            self.selected = card
            self._draw()
            return
        self.selected = card
        self.events = []
        self._fill_history()
        self._draw()
        if card is None:
            return
        self._history_asked += 1
        number = self._history_asked
        cards = self.ctx.svc.cards
        self.ctx.ops.query(
            lambda: cards.history(card.id),
            lambda events: self._history(number, events),
            lambda text, _exc: self._say(text, "error"),
        )

    def _history(self, number: int, events: list[CardEventView]) -> None:
        if number == self._history_asked:
            self.events = events
            self._fill_history()

    def _fill_history(self) -> None:
        table = self.history_table
        table.setRowCount(len(self.events))
        for row, event in enumerate(reversed(self.events)):  # newest first
            cells = (
                self._when(event.at),
                self._event_text(event),
                self._who(event.staff),
                event.reason or "",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, col, item)

    # -- block -----------------------------------------------------------------------------------------
    def block(self) -> None:
        card, actor = (
            self._chosen_card(self.tr("Choose the card to block in the list first.")),
            self.ctx.actor,
        )
        if card is None or actor is None or self.in_flight:
            return
        if card.status != "active":
            self._say(self._not_active(card), "error")
            return
        reason = self.reason.text().strip()
        if not reason:
            self._say(
                self.tr("Type why the card is blocked (lost, stolen, damaged), then press Block."), "error"
            )
            self.reason.setFocus()
            return
        cards = self.ctx.svc.cards
        self._write(
            lambda: cards.block(actor, card.id, reason),
            self.tr(
                "Card {digits} is blocked: it no longer works at any till. {name} keeps their points."
            ).format(digits=card_digits(card.label), name=self.member.full_name if self.member else ""),
        )

    # -- replace ---------------------------------------------------------------------------------------
    def replace(self) -> None:
        card, actor = (
            self._chosen_card(self.tr("Choose the card to replace in the list first.")),
            self.ctx.actor,
        )
        if card is None or actor is None or self.in_flight:
            return
        if card.status == "replaced":
            self._say(self._not_active(card), "error")
            return
        if not self.reason.text().strip():
            self._say(
                self.tr("Type why the card is replaced (lost, stolen, damaged), then press Replace."), "error"
            )
            self.reason.setFocus()
            return
        if not actor.can(Permission.REPLACE_CARD):
            self.approval.ask(
                self.tr("Replacing a card needs a manager: card {digits} of {name}.").format(
                    digits=card_digits(card.label), name=self.member.full_name if self.member else ""
                ),
                Permission.REPLACE_CARD,
            )
            self._draw()
            return
        self._wait("replace")

    def _approved(self, manager: Actor) -> None:
        self.manager = manager
        self._wait("replace")

    def _replace(self, new: CardRef) -> None:
        card, actor = self.selected, self.manager or self.ctx.actor
        reason = self.reason.text().strip()
        if card is None or actor is None or self.in_flight:
            return
        cards = self.ctx.svc.cards
        name = self.member.full_name if self.member else ""
        balance = self.member.balance if self.member else 0
        self._write(
            lambda: cards.replace(actor, card.id, new, reason),
            self.tr(
                "Card {old} is replaced by card {new}: {name} keeps their {points} points and their history."
            ).format(
                old=card_digits(card.label), new=card_digits(new.label), name=name, points=points(balance)
            ),
        )

    # -- link ------------------------------------------------------------------------------------------
    def link(self) -> None:
        if self.in_flight or self.ctx.actor is None:
            return
        if self.member is None:
            self._say(self.tr("Find the member first (search on the left), then link the card."), "error")
            self.search.field.setFocus()
            return
        if self.tapped is not None:
            self._link(self.tapped)
            return
        self._wait("link")

    def _link(self, card: CardRef) -> None:
        member, actor = self.member, self.ctx.actor
        if member is None or actor is None or self.in_flight:
            return
        cards = self.ctx.svc.cards
        self._write(
            lambda: cards.link(actor, member.id, card),
            self.tr("Card {digits} is now linked to {name}.").format(
                digits=card_digits(card.label), name=member.full_name
            ),
        )

    # -- waiting for a card ------------------------------------------------------------------------------
    def _wait(self, what: str) -> None:
        self.waiting = what
        self._say("", "info")
        self._draw()
        self.cancel_button.setFocus()

    def cancel(self) -> None:
        """Esc: stop waiting for a card (or for the manager)."""
        was = self.waiting is not None or self.approval.waiting
        self.waiting = None
        self.manager = None
        self.approval.close_box()
        self._draw()
        if was:
            self._say(self.tr("Nothing was changed."), "info")
        (self.search.field if self.member is None else self.cards_table).setFocus()

    # -- writing ---------------------------------------------------------------------------------------
    def _write(self, work: Callable[[], CardView], done_text: str) -> None:
        """Run a card change; afterwards the member's cards are shown again with the changed (or new) card
        chosen."""
        self.in_flight = True
        self._draw()
        member = self.member

        def done(card: CardView) -> None:
            self.in_flight = False
            self.waiting = None
            self.manager = None
            self.tapped = None
            self.reason.clear()
            self._say(done_text, "ok")
            if member is not None:
                self.show_member(member.id, card.id)
            self._draw()

        def failed(text: str, exc: BaseException) -> None:
            self.in_flight = False
            if isinstance(exc, (CardBlocked, UnknownCard)) or self.waiting is None:
                self.waiting = None
                self.manager = None
            self._draw()
            self._say(text, "error")

        self.ctx.ops.change(work, done, failed)

    # -- drawing ---------------------------------------------------------------------------------------
    def _draw(self) -> None:
        member, card = self.member, self.selected
        if member is None:
            self.member_line.setText(self.tr("No member shown: search for one, or tap a card."))
        else:
            self.member_line.setText(
                self.tr("{name} · no. {number} · {points} points").format(
                    name=member.full_name, number=member.member_number, points=points(member.balance)
                )
            )
        self.open_member_button.setVisible(member is not None)
        self.tapped_line.setVisible(self.tapped is not None)
        if self.tapped is not None:
            self.tapped_line.setText(
                self.tr("Card {digits} is not registered yet.").format(digits=card_digits(self.tapped.label))
            )
        if card is None:
            self.history_title.setText(
                self.tr("History: choose a card.") if self.cards else self.tr("This member has no card.")
            )
        else:
            self.history_title.setText(
                self.tr("History of card {digits}").format(digits=card_digits(card.label))
            )
        if self.tapped is not None and member is not None:
            self.link_button.setText(
                self.tr("&Link card {digits} to {name}").format(
                    digits=card_digits(self.tapped.label), name=member.full_name
                )
            )
        else:
            self.link_button.setText(self.tr("&Link a new card"))
        self.link_button.setAccessibleName(self.tr("Link a card to this member"))
        waiting = self.waiting is not None
        if self.waiting == "replace" and card is not None:
            self.waiting_line.setText(
                self.tr("Tap the new card on the reader to replace card {digits}. Esc cancels.").format(
                    digits=card_digits(card.label)
                )
            )
        elif self.waiting == "link" and member is not None:
            self.waiting_line.setText(
                self.tr("Tap the new card on the reader to link it to {name}. Esc cancels.").format(
                    name=member.full_name
                )
            )
        self.waiting_line.setVisible(waiting)
        self.cancel_button.setVisible(waiting or self.approval.waiting)
        busy = self.in_flight or waiting or self.approval.waiting
        for button in (self.block_button, self.replace_button, self.link_button):
            button.setEnabled(not busy)
        self.reason.setReadOnly(busy)

    # -- small helpers -----------------------------------------------------------------------------------
    def _chosen_card(self, prompt: str) -> CardView | None:
        if self.selected is None:
            self._say(
                prompt if self.member is not None else self.tr("Find the member or tap the card first."),
                "error",
            )
            (self.cards_table if self.cards else self.search.field).setFocus()
        return self.selected

    def _not_active(self, card: CardView) -> str:
        if card.status == "replaced":
            return self.tr("Card {digits} was already replaced: it does not work any more.").format(
                digits=card_digits(card.label)
            )
        return self.tr(
            "Card {digits} is already blocked. To give the customer a working card, replace it."
        ).format(digits=card_digits(card.label))

    def _say(self, text: str, tone: str) -> None:
        self.message.emit(text, tone)

    def _open_member(self) -> None:
        if self.member is not None:
            self.member_requested.emit(self.member.id)

    def _kind(self, kind: str) -> str:
        names = {
            "uid": self.tr("NFC card"),
            "ndef": self.tr("NFC card (NDEF)"),
            "sun": self.tr("Secure card"),
            "barcode": self.tr("Barcode"),
            "qr": self.tr("QR code"),
            "virtual": self.tr("Phone"),
        }
        return names.get(kind, kind)

    def _status(self, status: str) -> str:
        names = {"active": self.tr("Works"), "blocked": self.tr("Blocked"), "replaced": self.tr("Replaced")}
        return names.get(status, status)

    def _event_text(self, event: CardEventView) -> str:
        if event.event == "linked":
            if self.member is not None and event.member_number == self.member.member_number:
                return self.tr("Linked to this member")
            return self.tr("Linked to member no. {number}").format(number=event.member_number or "")
        if event.event == "blocked":
            return self.tr("Blocked")
        if event.event == "replaced":
            return self.tr("Replaced by card {digits}").format(digits=card_digits(event.other_card or ""))
        if event.event == "issued":
            return self.tr("Issued to replace card {digits}").format(
                digits=card_digits(event.other_card or "")
            )
        if event.event == "moved":
            return self.tr("Moved to member no. {number} by a merge").format(number=event.member_number or "")
        return self.tr("Added (made at another till or before this till kept a log)")

    def _who(self, staff: str | None) -> str:
        if staff is None:
            return "—"
        return self.tr("System") if staff == "system" else staff

    def _local(self, at: datetime) -> QDateTime:
        local = at.astimezone(self.ctx.program.zone)
        return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))

    def _when(self, at: datetime) -> str:
        return QLocale().toString(self._local(at), "dd/MM/yyyy HH:mm")

    def _day(self, at: datetime) -> str:
        return QLocale().toString(self._local(at), "dd/MM/yyyy")

    # -- Esc ---------------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # While waiting for a card, Esc belongs to the page (it stops waiting): claim it before the window's
        # Esc shortcut, which would leave the desk.
        if self.waiting is not None and escape_claimed(event, self.cancel):
            return True
        return super().eventFilter(watched, event)


def _table(columns: int, *, stretch: tuple[int, ...]) -> QTableWidget:
    """A read-only table whose ``stretch`` columns share the width and wrap their text (never a sideways
    scroll bar: a manager reads a row at a glance)."""
    table = QTableWidget(0, columns)
    table.setWordWrap(True)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setMinimumSectionSize(ROW_HEIGHT)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # wrapped rows grow
    header = table.horizontalHeader()
    for column in range(columns):
        mode = (
            QHeaderView.ResizeMode.Stretch if column in stretch else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(column, mode)
    return table
