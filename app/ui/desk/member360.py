"""The desk's Member page (member 360): everything about one member, and the manager's corrections.

- *Overview*: profile and consents (each answer with the version of the words and when), cards with their
  status, tier with the review date and the way to the next tier, balance and what it is worth, the open lots
  with their expiry dates, an overdraft, purchases and visits.
- *History*: every entry, newest first, a page at a time: when, what, points and amount, the receipt, why
  (reason, the entry it reverses), who (staff), where (store, till, channel), under which program version.
- *Why this balance?*: every entry oldest first with the running total that ends at the balance, and what
  expired when (``app.services.statement``).
- *Corrections*: adjust points, reverse the entry chosen in the history (``app.ui.desk.corrections``), for
  managers; a cashier sees why the buttons are off.

Everything is read on the op runner's worker. A change to this member (a sale at the counter, a correction)
reads the page again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QLocale, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import SYSTEM, Permission
from app.services.member360 import HistoryLine, HistoryPage, Member360, MemberOverview
from app.services.statement import Statement, StatementLine, StatementService
from app.services.views import Change
from app.ui.context import TillContext
from app.ui.desk.corrections import CorrectionPanel
from app.ui.desk.entries import channel_text, kind_text, reason_text, signed, when
from app.ui.desk.paged import Index, PagedTableModel
from app.ui.desk.profile_edit import ProfileEditPanel
from app.ui.i18n import money, phone, points
from app.ui.member import tier_progress

HISTORY_PAGE = 50


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(40)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], *, fit: int | None = None) -> None:
    """Rows of texts; with ``fit``, the table is as tall as its rows (up to ``fit`` of them), so that a page
    that scrolls does not hold tables that scroll too."""
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    if fit is not None:
        shown = max(1, min(len(rows), fit))
        frame = 2 * table.frameWidth()
        height = (
            table.horizontalHeader().sizeHint().height() + shown * table.verticalHeader().defaultSectionSize()
        )
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the last column stretches
        table.setFixedHeight(height + frame)


def _right(item: QTableWidgetItem | None) -> None:
    if item is not None:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _section(title: QLabel, *widgets: QWidget) -> QFrame:
    box = QFrame()
    box.setObjectName("panel")
    column = QVBoxLayout(box)
    title.setObjectName("earns")
    column.addWidget(title)
    for widget in widgets:
        column.addWidget(widget)
    return box


class HistoryModel(PagedTableModel):
    """One member's entries, newest first, a page at a time."""

    WHEN, WHAT, POINTS, AMOUNT, WHY, WHO, PROGRAM = range(7)

    def __init__(self, ctx: TillContext, desk: Member360, page_size: int = HISTORY_PAGE) -> None:
        super().__init__(ctx.ops, page_size)
        self.ctx = ctx
        self.desk = desk
        self.member_id: str | None = None

    def show_member(self, member_id: str) -> None:
        self.member_id = member_id
        self.restart()

    def page_call(self, after: Any, limit: int) -> Callable[[], HistoryPage]:
        desk, member_id = self.desk, self.member_id
        assert member_id is not None
        return lambda: desk.history(member_id, after, limit)

    def rows_of(self, page: Any) -> list[Any]:
        return list(page.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 7

    def headers(self) -> list[str]:
        return [
            self.tr("When"),
            self.tr("What"),
            self.tr("Points"),
            self.tr("Amount"),
            self.tr("Why"),
            self.tr("Who, where"),
            self.tr("Program"),
        ]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            names = self.headers()
            return names[section] if 0 <= section < len(names) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line: HistoryLine | None = self.row(index.row()) if index.isValid() else None
        if line is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(line, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.POINTS, self.AMOUNT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.WHY:
            return self.text(line, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.WHO:
            return self.where(line, with_store=True)
        return None

    def text(self, line: HistoryLine, column: int) -> str:
        program = self.ctx.program
        if column == self.WHEN:
            return when(line.at, program).replace(" ", "\n", 1)  # the day, then the time under it
        if column == self.WHAT:
            if line.receipt_ref:
                return self.tr("{kind}\nreceipt {receipt}").format(
                    kind=kind_text(line.kind), receipt=line.receipt_ref
                )
            return kind_text(line.kind)
        if column == self.POINTS:
            return signed(line.points)
        if column == self.AMOUNT:
            return money(line.amount.amount, line.amount.currency) if line.amount else ""
        if column == self.WHY:
            return self.why(line)
        if column == self.WHO:
            return self.tr("{staff}\n{where}").format(staff=self.staff(line), where=self.where(line))
        return line.program_version

    def code_text(self, kind: str, code: str | None) -> str:
        """The action or the reward an entry was for, by its name in the program."""
        program = self.ctx.program
        if code is None:
            return ""
        if kind == "action":
            action = program.actions.get(code)
            return action.name if action is not None else code
        if kind == "redeem":
            reward = program.reward(code)
            return self.tr("reward: {name}").format(name=reward.name if reward is not None else code)
        return ""

    def staff(self, line: HistoryLine) -> str:
        if line.staff_name:
            return line.staff_name
        if line.staff_id is None:
            return self.tr("the till")  # written by the till itself: an expiry
        if line.staff_id == SYSTEM.staff_id:
            return self.tr("set-up")
        return line.staff_id  # staff of another store, known by their id only

    def where(self, line: HistoryLine, *, with_store: bool = False) -> str:
        """The till and channel; the store too when it is another store's (or when asked)."""
        channel = channel_text(line.channel)
        if with_store or line.store_id != self.ctx.svc.core.till.store_id:
            return self.tr("store {store}, till {till}, {channel}").format(
                store=line.store_id, till=line.till_id, channel=channel
            )
        return self.tr("till {till}, {channel}").format(till=line.till_id, channel=channel)

    def why(self, line: HistoryLine) -> str:
        parts = []
        if line.reason:
            parts.append(reason_text(line.reason))
        what = self.code_text(line.kind, line.action_code)
        if what:
            parts.append(what)
        if line.reverses_id is not None:
            if line.reverses_kind is not None and line.reverses_at is not None:
                parts.append(
                    self.tr("reverses the {kind} of {when}").format(
                        kind=kind_text(line.reverses_kind).lower(),
                        when=when(line.reverses_at, self.ctx.program),
                    )
                )
            else:
                parts.append(self.tr("reverses entry {entry}").format(entry=line.reverses_id))
        if line.reversed_by:
            parts.append(self.tr("reversed later"))
        return "; ".join(parts)


class Member360Page(QWidget):
    member_requested = Signal(str)
    message = Signal(str, str)  # text, tone

    def __init__(
        self, ctx: TillContext, parent: QWidget | None = None, *, page_size: int = HISTORY_PAGE
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.desk = Member360(ctx.svc.core)
        self.statements = StatementService(ctx.svc.core)
        self.member_id: str | None = None
        self.overview: MemberOverview | None = None
        self.statement: Statement | None = None
        self._asked = 0

        # The member at a glance, and the corrections.
        self.empty = QLabel()
        self.empty.setObjectName("prompt")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name = QLabel()
        self.name.setObjectName("memberName")
        self.number = QLabel()
        self.tier_badge = QLabel()
        self.tier_badge.setObjectName("tierBadge")
        self.balance = QLabel()
        self.balance.setObjectName("balance")
        self.worth = QLabel()
        self.adjust_button = QPushButton()
        self.reverse_button = QPushButton()
        self.reverse_button.setProperty("secondary", True)
        self.edit_button = QPushButton()
        self.edit_button.setProperty("secondary", True)
        self.permission_note = QLabel()
        self.permission_note.setObjectName("hint")
        self.permission_note.setWordWrap(True)

        # Overview.
        self.profile_title, self.consents_title, self.cards_title = QLabel(), QLabel(), QLabel()
        self.tier_title, self.points_title, self.visits_title = QLabel(), QLabel(), QLabel()
        self.profile = QFormLayout()
        self.facts: dict[str, tuple[QLabel, QLabel]] = {}
        for key in (
            "phone",
            "email",
            "birthday",
            "enrolled",
            "language",
            "home",
            "referral",
            "referred",
            "merged",
        ):
            label, value = QLabel(), QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts[key] = (label, value)
            self.profile.addRow(label, value)
        self.open_merged = QPushButton()
        self.open_merged.setProperty("secondary", True)
        profile_box = QWidget()
        profile_column = QVBoxLayout(profile_box)
        profile_column.setContentsMargins(0, 0, 0, 0)
        profile_column.addLayout(self.profile)
        profile_column.addWidget(self.open_merged)
        # Consents and cards are a few lines each: sentences that wrap fit a narrow column better than tables.
        self.consents = QLabel()
        self.cards = QLabel()
        for label in (self.consents, self.cards):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tier_text = QLabel()
        self.tier_text.setWordWrap(True)
        self.tier_bar = QProgressBar()
        self.tier_bar.setRange(0, 100)
        self.tier_bar.setTextVisible(False)
        self.tier_next = QLabel()
        self.tier_next.setWordWrap(True)
        self.points_text = QLabel()
        self.points_text.setWordWrap(True)
        self.overdraft_text = QLabel()
        self.overdraft_text.setObjectName("warning")
        self.overdraft_text.setWordWrap(True)
        self.lots = _table(4)
        self.visits_text = QLabel()
        self.visits_text.setWordWrap(True)
        self.no_consents, self.no_cards = QLabel(), QLabel()
        for label in (self.no_consents, self.no_cards):
            label.setObjectName("hint")
            label.setWordWrap(True)
        overview = QWidget()
        grid = QGridLayout(overview)
        # First what "how many points, and until when?" needs: the lots; then the tier, consents and cards;
        # then who they are.
        points_box, standing, person = QVBoxLayout(), QVBoxLayout(), QVBoxLayout()
        points_box.addWidget(_section(self.points_title, self.points_text, self.overdraft_text, self.lots))
        points_box.addWidget(_section(self.visits_title, self.visits_text))
        standing.addWidget(_section(self.tier_title, self.tier_text, self.tier_bar, self.tier_next))
        standing.addWidget(_section(self.consents_title, self.no_consents, self.consents))
        standing.addWidget(_section(self.cards_title, self.no_cards, self.cards))
        person.addWidget(_section(self.profile_title, profile_box))
        for number, (column, share) in enumerate(((points_box, 4), (standing, 3), (person, 3))):
            column.addStretch(1)
            grid.addLayout(column, 0, number)
            grid.setColumnStretch(number, share)
        self.overview_area = QScrollArea()
        self.overview_area.setWidgetResizable(True)
        self.overview_area.setWidget(overview)

        # History.
        self.history_model = HistoryModel(ctx, self.desk, page_size)
        self.history = QTableView()
        self.history.setModel(self.history_model)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setAlternatingRowColors(True)
        self.history.setTabKeyNavigation(False)
        self.history.verticalHeader().setVisible(False)
        self.history.verticalHeader().setDefaultSectionSize(64)  # two lines a row: a long history reads down
        self.history.setWordWrap(True)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.history.horizontalHeader().setSectionResizeMode(HistoryModel.WHY, QHeaderView.ResizeMode.Stretch)
        for section, width in ((0, 135), (1, 250), (2, 90), (3, 140), (5, 240), (6, 110)):
            self.history.setColumnWidth(section, width)
        self.history_hint = QLabel()
        self.history_hint.setObjectName("hint")
        self.history_hint.setWordWrap(True)
        history_page = QWidget()
        history_column = QVBoxLayout(history_page)
        history_column.addWidget(self.history_hint)
        history_column.addWidget(self.history, 1)

        # Why this balance?
        self.statement_hint = QLabel()
        self.statement_hint.setObjectName("hint")
        self.statement_hint.setWordWrap(True)
        self.statement_table = _table(5)
        self.statement_table.verticalHeader().setDefaultSectionSize(44)
        self.statement_total = QLabel()
        self.statement_total.setObjectName("earns")
        self.statement_total.setWordWrap(True)
        statement_page = QWidget()
        statement_column = QVBoxLayout(statement_page)
        statement_column.addWidget(self.statement_hint)
        statement_column.addWidget(self.statement_table, 1)
        statement_column.addWidget(self.statement_total)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.overview_area, "")
        self.tabs.addTab(history_page, "")
        self.tabs.addTab(statement_page, "")
        self.corrections = CorrectionPanel(ctx)
        self.profile_edit = ProfileEditPanel(ctx)

        head = QHBoxLayout()
        who = QVBoxLayout()
        who.addWidget(self.name)
        badges = QHBoxLayout()
        badges.addWidget(self.number)
        badges.addWidget(self.tier_badge)
        badges.addStretch(1)
        who.addLayout(badges)
        head.addLayout(who, 1)
        purse = QVBoxLayout()
        purse.addWidget(self.balance)
        purse.addWidget(self.worth)
        head.addLayout(purse)
        # Two rows, not three: the page must keep to a 1280×800 screen.
        actions = QGridLayout()
        actions.addWidget(self.adjust_button, 0, 0)
        actions.addWidget(self.reverse_button, 1, 0)
        actions.addWidget(self.edit_button, 0, 1)
        head.addLayout(actions)
        # A correction takes the place of the member's pages while it is open (room for its preview).
        self.body = QStackedWidget()
        self.body.addWidget(self.tabs)
        self.body.addWidget(self.corrections)
        self.body.addWidget(self.profile_edit)
        self.member_box = QWidget()
        member_column = QVBoxLayout(self.member_box)
        member_column.setContentsMargins(0, 0, 0, 0)
        member_column.addLayout(head)
        member_column.addWidget(self.permission_note)
        member_column.addWidget(self.body, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.member_box, 1)

        self.adjust_button.clicked.connect(lambda _c: self.open_adjust())
        self.reverse_button.clicked.connect(lambda _c: self.open_reverse())
        self.edit_button.clicked.connect(lambda _c: self.open_profile_edit())
        self.open_merged.clicked.connect(lambda _c: self._open_merged())
        self.history.activated.connect(lambda _i: self.open_reverse())
        self.tabs.currentChanged.connect(self._tab_shown)
        self.history_model.failed.connect(lambda text: self.message.emit(text, "error"))
        self.history_model.loaded.connect(lambda _p: self._show_buttons())
        self.history.selectionModel().selectionChanged.connect(lambda *_a: self._show_buttons())
        self.corrections.message.connect(self.message.emit)
        self.corrections.closed.connect(self._correction_closed)
        self.profile_edit.message.connect(self.message.emit)
        self.profile_edit.closed.connect(self._correction_closed)
        self.ctx.ops.changed.connect(self._changed)
        self.setFocusProxy(self.tabs)
        self.retranslate()

    # -- the desk --------------------------------------------------------------------------------------
    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("Member360Page", "Member")

    def activated(self) -> None:
        """Shown: who is signed in may have changed (what they may do)."""
        self._show_buttons()

    def show_member(self, member_id: str) -> None:
        """Read this member (the desk's ``open_member``)."""
        if member_id != self.member_id and self.correcting:
            self.corrections.close_form()
        if member_id != self.member_id and self.body.currentWidget() is self.profile_edit:
            self.profile_edit.close_form()
        self.member_id = member_id
        self.overview = None
        self.statement = None
        self.tabs.setCurrentIndex(0)
        self.history_model.show_member(member_id)
        self._load()

    def _load(self) -> None:
        member_id = self.member_id
        if member_id is None:
            return
        self._asked += 1
        number = self._asked
        desk, statements = self.desk, self.statements
        self.ctx.ops.query(
            lambda: desk.overview(member_id),
            lambda overview: self._overview_arrived(number, overview),
            lambda text, _exc: self._failed(number, text),
        )
        self.ctx.ops.query(
            lambda: statements.statement(member_id),
            lambda statement: self._statement_arrived(number, statement),
            lambda text, _exc: self._failed(number, text),
        )
        self._show()

    def _overview_arrived(self, number: int, overview: MemberOverview) -> None:
        if number == self._asked:
            self.overview = overview
            self._show()

    def _statement_arrived(self, number: int, statement: Statement) -> None:
        if number == self._asked:
            self.statement = statement
            self._show_statement()

    def _failed(self, number: int, text: str) -> None:
        if number == self._asked:
            self.message.emit(text, "error")

    def _changed(self, change: Change) -> None:
        if self.member_id is not None and change.member.id == self.member_id:
            self.history_model.restart()
            self._load()

    def _open_merged(self) -> None:
        if self.overview is not None and self.overview.merged_into is not None:
            self.member_requested.emit(self.overview.merged_into.member_id)

    # -- corrections -----------------------------------------------------------------------------------
    @property
    def may_correct(self) -> bool:
        actor = self.ctx.actor
        return actor is not None and actor.can(Permission.ADJUST)

    def selected_entry(self) -> HistoryLine | None:
        rows = self.history.selectionModel().selectedRows()
        line = self.history_model.row(rows[0].row()) if rows else None
        return line if isinstance(line, HistoryLine) else None

    def open_adjust(self) -> None:
        if self.overview is None:
            return
        if not self.may_correct:
            self.message.emit(self._refusal(), "error")
            return
        self.body.setCurrentWidget(self.corrections)
        self.corrections.open_adjust(self.overview.member)

    def open_reverse(self) -> None:
        if self.overview is None:
            return
        if not self.may_correct:
            self.message.emit(self._refusal(), "error")
            return
        line = self.selected_entry()
        if line is None or self.tabs.currentIndex() != 1:
            self.tabs.setCurrentIndex(1)
            self.history.setFocus()
            self.message.emit(
                self.tr("Choose the entry to reverse in the history (arrow keys), then press Enter."), "info"
            )
            return
        self.body.setCurrentWidget(self.corrections)
        self.corrections.open_reverse(self.overview.member, line)

    @property
    def may_edit_profile(self) -> bool:
        actor, o = self.ctx.actor, self.overview
        return (
            actor is not None
            and actor.can(Permission.ENROLL)
            and o is not None
            and o.member.status == "active"
        )

    def open_profile_edit(self) -> None:
        if self.overview is None:
            return
        if not self.may_edit_profile:
            self.message.emit(
                self.tr("Only an active member's profile can be corrected, by staff who enrol."), "error"
            )
            return
        self.body.setCurrentWidget(self.profile_edit)
        self.profile_edit.open_for(self.overview.member)

    def _tab_shown(self, index: int) -> None:
        if index == 2:
            self.statement_table.scrollToBottom()  # the last line's total is the balance

    def _correction_closed(self) -> None:
        self.body.setCurrentWidget(self.tabs)
        self.tabs.currentWidget().setFocus()

    @property
    def correcting(self) -> bool:
        return self.body.currentWidget() is self.corrections

    def _refusal(self) -> str:
        return self.tr("Only a manager can adjust or reverse points. Ask a manager to sign in.")

    # -- language --------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Member"))
        self.empty.setText(self.tr("Open a member from the Members page: search, then Enter."))
        self.adjust_button.setText(self.tr("&Adjust points…"))
        self.adjust_button.setAccessibleName(self.tr("Adjust points"))
        self.reverse_button.setText(self.tr("&Reverse an entry…"))
        self.reverse_button.setAccessibleName(self.tr("Reverse the entry chosen in the history"))
        self.edit_button.setText(self.tr("Correct the &profile…"))
        self.edit_button.setAccessibleName(self.tr("Correct the name, phone number or e-mail address"))
        self.tabs.setTabText(0, self.tr("&Overview"))
        self.tabs.setTabText(1, self.tr("&History"))
        self.tabs.setTabText(2, self.tr("&Why this balance?"))
        self.tabs.setAccessibleName(self.tr("Member pages"))
        self.open_merged.setAccessibleName(self.tr("Open the member this one was merged into"))
        self.profile_title.setText(self.tr("Profile"))
        self.consents_title.setText(self.tr("Consents"))
        self.cards_title.setText(self.tr("Cards"))
        self.no_consents.setText(self.tr("No consent recorded: no offers, nothing personalised."))
        self.no_cards.setText(self.tr("No card: the member is found by phone, name or number."))
        self.tier_title.setText(self.tr("Tier"))
        self.points_title.setText(self.tr("Points"))
        self.visits_title.setText(self.tr("Purchases and visits"))
        names = {
            "phone": self.tr("Phone"),
            "email": self.tr("E-mail"),
            "birthday": self.tr("Birthday"),
            "enrolled": self.tr("Enrolled"),
            "language": self.tr("Language"),
            "home": self.tr("Home store"),
            "referral": self.tr("Referral code"),
            "referred": self.tr("Referred by"),
            "merged": self.tr("Merged into"),
        }
        for key, (label, value) in self.facts.items():
            label.setText(names[key])
            value.setAccessibleName(names[key])
        self.consents.setAccessibleName(self.tr("Consents"))
        self.cards.setAccessibleName(self.tr("Cards"))
        self.lots.setHorizontalHeaderLabels(
            [self.tr("Earned"), self.tr("Points"), self.tr("Left"), self.tr("Expires")]
        )
        self.lots.setAccessibleName(self.tr("Points and when they expire"))
        self.tier_bar.setAccessibleName(self.tr("Progress to the next tier"))
        self.history.setAccessibleName(self.tr("History"))
        self.history_hint.setText(
            self.tr(
                "Newest first; more entries load as you scroll. Choose an entry and press Enter to reverse it."
            )
        )
        self.statement_table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("What"), self.tr("Points"), self.tr("Total"), self.tr("Details")]
        )
        self.statement_table.setAccessibleName(self.tr("Why this balance"))
        self.statement_hint.setText(
            self.tr(
                "Every entry since the member joined, oldest first, with the running total. The last total is "
                "the balance."
            )
        )
        self.history_model.refresh_headers()
        self._show()

    # -- drawing -----------------------------------------------------------------------------------------
    def _show_buttons(self) -> None:
        allowed = self.may_correct
        loaded = self.overview is not None
        self.adjust_button.setEnabled(allowed and loaded)
        self.reverse_button.setEnabled(allowed and loaded)
        self.edit_button.setEnabled(self.may_edit_profile)
        self.permission_note.setVisible(loaded and not allowed)
        self.permission_note.setText(self._refusal())

    def _show(self) -> None:
        o = self.overview
        self.empty.setVisible(self.member_id is None)
        self.member_box.setVisible(self.member_id is not None)
        self._show_buttons()
        if o is None:
            self.name.setText(self.tr("Loading…") if self.member_id else "")
            return
        m = o.member
        program = self.ctx.program
        self.name.setText(m.full_name)
        status = {"active": "", "merged": self.tr(" — merged"), "erased": self.tr(" — erased")}.get(
            m.status, ""
        )
        self.number.setText(self.tr("Member no. {number}").format(number=m.member_number) + status)
        self.tier_badge.setVisible(m.tier is not None)
        self.tier_badge.setText(m.tier.name if m.tier else "")
        self.balance.setText(self.tr("{points} points").format(points=points(m.balance)))
        self.worth.setText(self.tr("worth {money}").format(money=money(o.worth.amount, o.worth.currency)))

        region = self.ctx.svc.core.phone_region
        dash = "—"
        values = {
            "phone": phone(m.phone, region) or dash,
            "email": m.email or dash,
            "birthday": when_day(m.birthday) if m.birthday else dash,
            "enrolled": when(m.created_at, program, with_time=False) if m.created_at else dash,
            "language": "Tiếng Việt" if o.preferred_language == "vi" else "English",
            "home": o.home_store_id or dash,
            "referral": m.referral_code,
            "referred": (
                self.tr("{name} (no. {number})").format(
                    name=o.referred_by.full_name, number=o.referred_by.member_number
                )
                if o.referred_by
                else dash
            ),
            "merged": (
                self.tr("{name} (no. {number})").format(
                    name=o.merged_into.full_name, number=o.merged_into.member_number
                )
                if o.merged_into
                else dash
            ),
        }
        for key, text in values.items():
            self.facts[key][1].setText(text)
        self.open_merged.setVisible(o.merged_into is not None)
        if o.merged_into is not None:
            self.open_merged.setText(self.tr("Open {name}").format(name=o.merged_into.full_name))

        in_force: set[int] = set()
        seen: set[str] = set()
        for number, consent in enumerate(o.consents):
            if consent.purpose not in seen:
                seen.add(consent.purpose)
                in_force.add(number)
        self.consents.setText(
            "\n".join(
                self.tr("{purpose}: {answer}{in_force}. Words {version}, {when}, by {staff}.").format(
                    purpose=self.purpose_text(c.purpose),
                    answer=self.tr("agreed") if c.granted else self.tr("declined"),
                    in_force=self.tr(" (in force)") if n in in_force else "",
                    version=c.text_version,
                    when=when(c.recorded_at, program),
                    staff=c.staff_name or dash,
                )
                for n, c in enumerate(o.consents)
            )
        )
        self.consents.setVisible(bool(o.consents))
        self.no_consents.setVisible(not o.consents)
        self.cards.setText(
            "\n".join(
                self.tr("{card}, {kind}, issued {issued}: {status}{reason}").format(
                    card=c.label,
                    kind=self.card_kind_text(c.kind),
                    issued=when(c.created_at, program, with_time=False),
                    status=self.card_status_text(c.status),
                    reason=self.tr(" ({reason})").format(reason=c.status_reason) if c.status_reason else "",
                )
                for c in o.cards
            )
        )
        self.cards.setVisible(bool(o.cards))
        self.no_cards.setVisible(not o.cards)
        self._show_tier(o)
        self._show_points(o)
        v = o.visits
        self.visits_text.setText(
            self.tr(
                "{purchases} purchases, {spend} in all (less refunds). {visits} visits (days with a purchase). "
                "First purchase: {first}. Last visit: {last}."
            ).format(
                purchases=points(v.purchases),
                spend=money(v.spend.amount, v.spend.currency),
                visits=points(v.visits),
                first=when(v.first_purchase_at, program, with_time=False) if v.first_purchase_at else dash,
                last=when(v.last_visit_at, program) if v.last_visit_at else self.tr("never"),
            )
        )
        self._show_statement()

    def _show_tier(self, o: MemberOverview) -> None:
        tier = o.member.tier
        currency = self.ctx.program.currency
        program = self.ctx.program
        if tier is None:
            self.tier_text.setText(self.tr("This program has no tiers."))
            self.tier_bar.setVisible(False)
            self.tier_next.setText("")
            return
        since = when(tier.since, program, with_time=False) if tier.since else "—"
        review = when(tier.review_at, program, with_time=False) if tier.review_at else "—"
        self.tier_text.setText(
            self.tr("{tier} since {since}; next review on {review}.").format(
                tier=tier.name, since=since, review=review
            )
        )
        percent = tier_progress(tier)
        self.tier_bar.setVisible(percent is not None)
        self.tier_bar.setValue(percent or 0)
        spent = money(tier.qualifying_spend, currency)
        if tier.next_name:
            self.tier_next.setText(
                self.tr("Qualifying spend {spent}; {more} more to {tier}.").format(
                    spent=spent, more=money(tier.spend_to_next, currency), tier=tier.next_name
                )
            )
        else:
            self.tier_next.setText(self.tr("Qualifying spend {spent}; top tier.").format(spent=spent))

    def _show_points(self, o: MemberOverview) -> None:
        m = o.member
        program = self.ctx.program
        if m.expiring_points and m.next_expiry is not None:
            text = self.tr("{points} points expire within 30 days (the first on {date}).").format(
                points=points(m.expiring_points), date=when(m.next_expiry, program, with_time=False)
            )
        else:
            text = self.tr("No points expire within 30 days.")
        self.points_text.setText(text)
        if o.overdrafts:
            first = o.overdrafts[0]
            self.overdraft_text.setText(
                self.tr(
                    "Overdraft: the member owes {points} points (since {since}: {reason}). Their next purchases "
                    "pay it off."
                ).format(
                    points=points(o.owed),
                    since=when(first.created_at, program, with_time=False),
                    reason=self.overdraft_reason_text(first.reason),
                )
            )
        self.overdraft_text.setVisible(bool(o.overdrafts))
        _fill(
            self.lots,
            [
                [
                    when(lot.earned_at, program, with_time=False),
                    points(lot.points),
                    points(lot.remaining),
                    (
                        (
                            when(lot.expires_at, program, with_time=False)
                            + (
                                self.tr(" (passed, written off at the next expiry run)")
                                if lot.past_expiry
                                else ""
                            )
                        )
                        if lot.expires_at
                        else self.tr("never")
                    ),
                ]
                for lot in o.lots
            ],
            fit=8,
        )
        self.lots.setVisible(bool(o.lots))
        for row, lot in enumerate(o.lots):
            earned = self.lots.item(row, 0)
            if earned is not None:
                earned.setToolTip(kind_text(lot.kind))  # what earned them: a purchase, a bonus…
            for column in (1, 2):
                _right(self.lots.item(row, column))

    def _show_statement(self) -> None:
        s = self.statement
        if s is None:
            self.statement_table.setRowCount(0)
            self.statement_total.setText(self.tr("Loading…") if self.member_id else "")
            return
        program = self.ctx.program
        _fill(
            self.statement_table,
            [
                [
                    when(line.at, program),
                    kind_text(line.kind),
                    signed(line.points),
                    points(line.running),
                    self.details(line),
                ]
                for line in s.lines
            ],
        )
        for row in range(self.statement_table.rowCount()):
            for column in (2, 3):
                _right(self.statement_table.item(row, column))
            details = self.statement_table.item(row, 4)
            if details is not None:
                details.setToolTip(details.text())  # a long line is cut on screen: whole on hover
        self.statement_table.horizontalHeader().setStretchLastSection(True)
        self.statement_table.scrollToBottom()  # where the total is the balance
        text = self.tr("Total: {total} points = the balance.").format(total=points(s.total))
        if s.expired_points:
            text += " " + self.tr("{points} points expired in all.").format(points=points(s.expired_points))
        self.statement_total.setText(text)

    def details(self, line: StatementLine) -> str:
        program = self.ctx.program
        parts: list[str] = []
        if line.receipt_ref:
            parts.append(self.tr("receipt {receipt}").format(receipt=line.receipt_ref))
        if line.reason and line.kind != "expire":
            parts.append(reason_text(line.reason))
        if line.expires_at is not None and line.points > 0:
            parts.append(
                self.tr("expires {date}").format(date=when(line.expires_at, program, with_time=False))
            )
        if line.expired:
            parts.append(
                self.tr("expired: {lots}").format(
                    lots=", ".join(
                        self.tr("{points} of the {kind} of {date}").format(
                            points=points(part.points),
                            kind=kind_text(part.lot_kind).lower(),
                            date=when(part.earned_at, program, with_time=False),
                        )
                        for part in line.expired
                    )
                )
            )
        if line.overdraft:
            parts.append(self.tr("{points} points owed (overdraft)").format(points=points(line.overdraft)))
        if line.staff_name:
            parts.append(self.tr("by {name}").format(name=line.staff_name))
        return "; ".join(parts)

    # -- words from the data -----------------------------------------------------------------------------
    def purpose_text(self, purpose: str) -> str:
        return {"marketing": self.tr("Offers and news"), "personalisation": self.tr("Personal offers")}.get(
            purpose, purpose
        )

    def card_status_text(self, status: str) -> str:
        return {
            "active": self.tr("active"),
            "blocked": self.tr("blocked"),
            "replaced": self.tr("replaced"),
        }.get(status, status)

    def card_kind_text(self, kind: str) -> str:
        return {
            "uid": self.tr("NFC card"),
            "ndef": self.tr("NFC card (NDEF)"),
            "sun": self.tr("Secure NFC card"),
            "barcode": self.tr("Barcode"),
            "qr": self.tr("QR code"),
            "virtual": self.tr("Phone wallet"),
        }.get(kind, kind)

    def overdraft_reason_text(self, reason: str) -> str:
        return {
            "return after the points were spent": self.tr("a return after the points were spent"),
            "reversal after the points were spent": self.tr("a reversal after the points were spent"),
            "referral bonus reversed after the points were spent": self.tr(
                "a referral bonus taken back after the points were spent"
            ),
            "overdraft moved by a merge": self.tr("moved here by a merge"),
        }.get(reason, reason)


def when_day(day: date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), "dd/MM/yyyy")
