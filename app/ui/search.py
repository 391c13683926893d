"""The waiting screen: "Tap, scan or search", with search as you type.

Each key press restarts a short timer; when it fires, the search runs on the op runner's worker. Only the
answer to the newest question is shown (an older one arriving late is dropped), at most a screenful of rows.
Enter takes the single match (or the highlighted row); Down moves into the list.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.views import SearchHit
from app.ui.context import TillContext
from app.ui.i18n import phone

DEBOUNCE_MS = 150
SCREENFUL = 8
MAX_QUERY = 100


class SearchPanel(QWidget):
    member_chosen = Signal(str)  # member id
    message = Signal(str, str)  # text, tone

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.hits: list[SearchHit] = []
        self._asked = 0  # number of the newest search sent to the worker
        self._answered = 0  # number of the search whose rows are shown
        self._take_when_answered = False

        self.prompt = QLabel()
        self.prompt.setObjectName("prompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setMaxLength(MAX_QUERY)
        self.field.setClearButtonEnabled(True)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(48)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.prompt)
        layout.addSpacing(16)
        layout.addWidget(self.field)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 3)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self._search)
        self.field.textEdited.connect(self._edited)
        self.field.returnPressed.connect(self.take)
        self.field.installEventFilter(self)
        self.table.activated.connect(lambda index: self._take_row(index.row()))
        self.retranslate()

    # -- language ----------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.prompt.setText(self.tr("Tap, scan or search"))
        self.field.setPlaceholderText(self.tr("Name, phone, e-mail or member number"))
        self.field.setAccessibleName(self.tr("Search members"))
        self.table.setAccessibleName(self.tr("Members found"))
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Member number"), self.tr("Phone")])
        self.hint.setText(self._hint_text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _hint_text(self) -> str:
        if not self.field.text().strip():
            return self.tr("Accents are optional. Enter takes a single match; Down arrow moves to the list.")
        if self._answered and not self.hits:
            return self.tr("No member found.")
        if len(self.hits) >= SCREENFUL:
            return self.tr("More members match: type more of the name or the phone number.")
        return ""

    # -- searching ---------------------------------------------------------------------------------
    def reset(self) -> None:
        self.timer.stop()
        self.field.clear()
        self.hits = []
        self._asked += 1
        self._answered = 0
        self._take_when_answered = False
        self.table.setRowCount(0)
        self.hint.setText(self._hint_text())

    def _edited(self, _text: str) -> None:
        self.message.emit("", "info")  # what was said before is about another search
        self.timer.start()

    @property
    def pending(self) -> bool:
        return self.timer.isActive() or self._answered != self._asked

    def _search(self) -> None:
        query = self.field.text().strip()
        self._asked += 1
        number = self._asked
        if not query:
            self._show(number, [])
            return
        members = self.ctx.svc.members
        self.ctx.ops.query(
            lambda: members.search(query, limit=SCREENFUL),
            lambda hits: self._show(number, hits),
            lambda text, _exc: self._failed(number, text),
        )

    def _show(self, number: int, hits: list[SearchHit]) -> None:
        if number != self._asked:
            return  # a newer search is on its way
        self._answered = number
        self.hits = hits[:SCREENFUL]
        self.table.setRowCount(len(self.hits))
        for row, hit in enumerate(self.hits):
            contact = phone(hit.phone, self.ctx.svc.core.phone_region)
            for col, text in enumerate((hit.full_name, hit.member_number, contact)):
                item = QTableWidgetItem(text)
                self.table.setItem(row, col, item)
        self.hint.setText(self._hint_text())
        if self._take_when_answered:
            self._take_when_answered = False
            self.take()

    def _failed(self, number: int, text: str) -> None:
        if number == self._asked:
            self._answered = number
            self._take_when_answered = False
            self.message.emit(text, "error")

    def take(self) -> None:
        """Enter: the single match, or the highlighted row."""
        if not self.field.text().strip():
            return
        if self.pending:
            if self.timer.isActive():
                self.timer.stop()
                self._search()
            self._take_when_answered = True
            return
        if len(self.hits) == 1:
            self._take_row(0)
        elif not self.hits:
            self.message.emit(self.tr("No member found."), "error")
        else:
            self.message.emit(self.tr("Several members match: choose one with the arrow keys."), "info")
            self.table.setFocus()
            self.table.selectRow(0)

    def _take_row(self, row: int) -> None:
        if 0 <= row < len(self.hits):
            self.member_chosen.emit(self.hits[row].member_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.table.rowCount()
        ):
            self.table.setFocus()
            self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)
