"""The desk's member list: search a million members as you type, sort, filter by tier and status, open one.

The rows come a page at a time from ``MemberDirectory.list_members`` (keyset pages, never OFFSET), asked on
the op runner's worker when the manager scrolls near the end. Each key press restarts a short timer; when it
fires the list starts again from its first page. Sorting: a click on a column header, or the "Sort by" list
(keyboard). Enter or a double click opens the member on the Member page (``member_requested``); in the search
field, Enter opens the only match or moves to the list, and Down moves to the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.directory import MAX_QUERY, MemberDirectory, MemberListPage, MemberListRow, Sort, SortKey
from app.services.views import Change
from app.ui.context import TillContext
from app.ui.desk.paged import Index, PagedTableModel
from app.ui.i18n import phone, points
from app.ui.ops import OpRunner
from loyalty.program import Program

DEBOUNCE_MS = 200
PAGE_SIZE = 50

NAME, NUMBER, PHONE, TIER, BALANCE, LAST_VISIT, STATUS = range(7)
COLUMN_SORTS = {NAME: SortKey.NAME, NUMBER: SortKey.NUMBER, TIER: SortKey.TIER, BALANCE: SortKey.BALANCE}
COLUMN_SORTS[LAST_VISIT] = SortKey.LAST_VISIT
SORT_COLUMNS = {key: column for column, key in COLUMN_SORTS.items()}
# The "Sort by" list, in the order a manager reaches for them.
SORT_CHOICES = (
    Sort(SortKey.NAME),
    Sort(SortKey.NAME, descending=True),
    Sort(SortKey.NUMBER),
    Sort(SortKey.NUMBER, descending=True),
    Sort(SortKey.BALANCE, descending=True),
    Sort(SortKey.BALANCE),
    Sort(SortKey.LAST_VISIT, descending=True),
    Sort(SortKey.LAST_VISIT),
    Sort(SortKey.TIER, descending=True),
    Sort(SortKey.TIER),
)
STATUSES = ("active", "merged", "erased")


def day(moment: datetime, program: Program) -> str:
    """A moment as the store's calendar day, dd/MM/yyyy."""
    local = moment.astimezone(program.zone)
    return QLocale().toString(QDate(local.year, local.month, local.day), "dd/MM/yyyy")


class MemberListModel(PagedTableModel):
    """Rows of ``MemberListRow``, a page at a time, for one search, filter and order."""

    def __init__(self, ctx: TillContext, directory: MemberDirectory, page_size: int = PAGE_SIZE) -> None:
        ops: OpRunner = ctx.ops
        super().__init__(ops, page_size)
        self.ctx = ctx
        self.directory = directory
        self.query = ""
        self.tier: str | None = None
        self.status: str | None = None
        self.order = Sort()
        self.matched: int | None = None
        self.more_than: int | None = None

    def search(self, query: str, tier: str | None, status: str | None, order: Sort) -> None:
        self.query, self.tier, self.status, self.order = query, tier, status, order
        self.matched = self.more_than = None
        self.restart()

    def page_call(self, after: Any, limit: int) -> Callable[[], MemberListPage]:
        directory, query, tier, status, order = self.directory, self.query, self.tier, self.status, self.order
        return lambda: directory.list_members(query, tier, status, order, after, limit)

    def _arrived(self, generation: int, page: Any) -> None:
        if generation == self._generation and isinstance(page, MemberListPage) and not self.rows:
            self.matched, self.more_than = page.matched, page.more_than
        super()._arrived(generation, page)

    # -- the table -----------------------------------------------------------------------------------
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 7

    def headers(self) -> list[str]:
        return [
            self.tr("Name"),
            self.tr("Member no."),
            self.tr("Phone"),
            self.tr("Tier"),
            self.tr("Points"),
            self.tr("Last visit"),
            self.tr("Status"),
        ]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            names = self.headers()
            return names[section] if 0 <= section < len(names) else None
        return None

    def status_text(self, status: str) -> str:
        return {"active": self.tr("Active"), "merged": self.tr("Merged"), "erased": self.tr("Erased")}.get(
            status, status
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: MemberListRow | None = self.row(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                return row.full_name
            if column == NUMBER:
                return row.member_number
            if column == PHONE:
                return phone(row.phone, self.ctx.svc.core.phone_region)
            if column == TIER:
                return row.tier_name or ""
            if column == BALANCE:
                return points(row.balance)
            if column == LAST_VISIT:
                return day(row.last_visit_at, self.ctx.program) if row.last_visit_at else self.tr("never")
            if column == STATUS:
                return self.status_text(row.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == BALANCE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.email or None
        if role == Qt.ItemDataRole.UserRole:
            return row.member_id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: columns that have an order (phone and status have none) start the list again."""
        key = COLUMN_SORTS.get(column)
        if key is None:
            return
        wanted = Sort(key, descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self.order:
            self.search(self.query, self.tier, self.status, wanted)

    def update_member(self, change: Change) -> None:
        """A member on the list changed (a sale, a correction): their balance and tier as they are now."""
        for number, row in enumerate(self.rows):
            if row.member_id == change.member.id:
                tier = change.member.tier
                self.rows[number] = replace(
                    row,
                    balance=change.member.balance,
                    tier_code=tier.code if tier else row.tier_code,
                    tier_name=tier.name if tier else row.tier_name,
                )
                self.dataChanged.emit(self.index(number, 0), self.index(number, self.columnCount() - 1))


class MembersPage(QWidget):
    member_requested = Signal(str)
    message = Signal(str, str)  # text, tone

    def __init__(
        self, ctx: TillContext, parent: QWidget | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.directory = MemberDirectory(ctx.svc.core)
        self.model = MemberListModel(ctx, self.directory, page_size)
        self._started = False
        self._open_when_loaded = False

        self.field = QLineEdit()
        self.field.setMaxLength(MAX_QUERY)
        self.field.setClearButtonEnabled(True)
        self.search_label = QLabel()
        self.search_label.setBuddy(self.field)
        self.tier = QComboBox()
        self.tier_label = QLabel()
        self.tier_label.setBuddy(self.tier)
        self.status = QComboBox()
        self.status_label = QLabel()
        self.status_label.setBuddy(self.status)
        self.order = QComboBox()
        self.order_label = QLabel()
        self.order_label.setBuddy(self.order)
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.count.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(48)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(NAME, Qt.SortOrder.AscendingOrder)
        for column, width in (
            (NUMBER, 190),
            (PHONE, 170),
            (TIER, 130),
            (BALANCE, 110),
            (LAST_VISIT, 160),
            (STATUS, 140),
        ):
            self.table.setColumnWidth(column, width)

        filters = QHBoxLayout()
        for label, box in (
            (self.tier_label, self.tier),
            (self.status_label, self.status),
            (self.order_label, self.order),
        ):
            filters.addWidget(label)
            filters.addWidget(box, 1)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_label)
        search_row.addWidget(self.field, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.reload)
        self.field.textEdited.connect(lambda _t: self.timer.start())
        self.field.returnPressed.connect(self.take)
        self.field.installEventFilter(self)
        self.tier.currentIndexChanged.connect(lambda _i: self.reload())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.order.currentIndexChanged.connect(lambda _i: self._order_chosen())
        header.sortIndicatorChanged.connect(self._header_sorted)
        self.table.activated.connect(self._open_row)
        self.model.loaded.connect(lambda _page: self._loaded())
        self.model.failed.connect(lambda text: self.message.emit(text, "error"))
        self.ctx.ops.changed.connect(self.model.update_member)
        self.setTabOrder(self.field, self.tier)
        self.setTabOrder(self.tier, self.status)
        self.setTabOrder(self.status, self.order)
        self.setTabOrder(self.order, self.table)
        self.setFocusProxy(self.field)  # the desk focuses the page: the search takes it
        self.retranslate()

    # -- the desk --------------------------------------------------------------------------------------
    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("MembersPage", "Members")

    def activated(self) -> None:
        """Shown: the first time, the list starts; the cursor goes to the search field. (The desk also says
        so when its first tab is added, while the window is being built: nothing is read then.)"""
        if not self.isVisible():
            return
        if not self._started:
            self._started = True
            self.reload()
        self.field.setFocus()

    # -- language --------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Members"))
        self.search_label.setText(self.tr("&Search"))
        self.field.setPlaceholderText(self.tr("Name, phone, e-mail, member number or card"))
        self.field.setAccessibleName(self.tr("Search members"))
        self.tier_label.setText(self.tr("&Tier"))
        self.status_label.setText(self.tr("St&atus"))
        self.order_label.setText(self.tr("Sort &by"))
        self._fill(self.tier, [(None, self.tr("All tiers")), *self._tiers()])
        self._fill(
            self.status,
            [(None, self.tr("All statuses"))] + [(s, self.model.status_text(s)) for s in STATUSES],
        )
        self._fill(self.order, [(i, self._sort_text(choice)) for i, choice in enumerate(SORT_CHOICES)])
        self._show_order(self.model.order)
        self.tier.setAccessibleName(self.tr("Filter by tier"))
        self.status.setAccessibleName(self.tr("Filter by status"))
        self.order.setAccessibleName(self.tr("Sort by"))
        self.table.setAccessibleName(self.tr("Members found"))
        self.model.refresh_headers()
        self._show_count()

    def _tiers(self) -> list[tuple[object, str]]:
        tiers = self.ctx.program.tiers
        return [(level.code, level.name) for level in tiers.levels] if tiers is not None else []

    @staticmethod
    def _fill(box: QComboBox, items: list[tuple[object, str]]) -> None:
        """(Re)write a list's texts, keeping what is chosen."""
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        for data, text in items:
            box.addItem(text, data)
        found = box.findData(chosen)
        box.setCurrentIndex(found if found >= 0 else 0)
        box.blockSignals(False)

    def _sort_text(self, choice: Sort) -> str:
        texts = {
            (SortKey.NAME, False): self.tr("Name, A to Z"),
            (SortKey.NAME, True): self.tr("Name, Z to A"),
            (SortKey.NUMBER, False): self.tr("Member number, lowest first"),
            (SortKey.NUMBER, True): self.tr("Member number, highest first"),
            (SortKey.BALANCE, True): self.tr("Points, most first"),
            (SortKey.BALANCE, False): self.tr("Points, fewest first"),
            (SortKey.LAST_VISIT, True): self.tr("Last visit, most recent first"),
            (SortKey.LAST_VISIT, False): self.tr("Last visit, longest ago first"),
            (SortKey.TIER, True): self.tr("Tier, highest first"),
            (SortKey.TIER, False): self.tr("Tier, lowest first"),
        }
        return texts[(choice.key, choice.descending)]

    # -- searching ---------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.timer.stop()
        self._started = True
        self.message.emit("", "info")
        self.model.search(
            self.field.text().strip(), self.tier.currentData(), self.status.currentData(), self.model.order
        )
        self._show_count()

    @property
    def pending(self) -> bool:
        return self.timer.isActive() or self.model.loading

    def _order_chosen(self) -> None:
        number = self.order.currentData()
        choice = SORT_CHOICES[number] if isinstance(number, int) else None
        if choice is not None and choice != self.model.order:
            self._show_order(choice)
            self.model.search(self.model.query, self.model.tier, self.model.status, choice)
            self._show_count()

    def _header_sorted(self, column: int, order: Qt.SortOrder) -> None:
        key = COLUMN_SORTS.get(column)
        if key is None:
            # Phone and status have no order: the indicator stays on the column that has.
            self._show_order(self.model.order)
            return
        choice = Sort(key, descending=order == Qt.SortOrder.DescendingOrder)
        if choice != self.model.order:
            self._show_order(choice)
            self.model.search(self.model.query, self.model.tier, self.model.status, choice)
            self._show_count()

    def _show_order(self, choice: Sort) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(
            SORT_COLUMNS[choice.key],
            Qt.SortOrder.DescendingOrder if choice.descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)
        header.viewport().update()
        found = self.order.findData(SORT_CHOICES.index(choice)) if choice in SORT_CHOICES else -1
        if found >= 0:
            self.order.blockSignals(True)
            self.order.setCurrentIndex(found)
            self.order.blockSignals(False)

    def _loaded(self) -> None:
        self._show_count()
        if self._open_when_loaded:
            self._open_when_loaded = False
            self.take()

    def _show_count(self) -> None:
        model = self.model
        if not self._started:
            self.count.setText("")
        elif model.loading and not model.rows:
            self.count.setText(self.tr("Looking…"))
        elif model.matched == 0:
            self.count.setText(
                self.tr("No member matches. Accents are optional; a phone number may be typed any way.")
            )
        elif model.matched is not None:
            self.count.setText(self.tr("{count} members").format(count=points(model.matched)))
        elif model.more_than is not None:
            self.count.setText(
                self.tr("More than {count} members: type more, or choose a tier or a status.").format(
                    count=points(model.more_than)
                )
            )
        else:
            self.count.setText("")

    def take(self) -> None:
        """Enter in the search: the only match opens; several: the cursor goes to the list."""
        if self.pending:
            if self.timer.isActive():
                self.reload()
            self._open_when_loaded = True
            return
        rows = self.model.rowCount()
        if rows == 1:
            self._open_row(self.model.index(0, 0))
        elif rows > 1:
            self.table.setFocus()
            self.table.selectRow(0)

    def _open_row(self, index: QModelIndex | QPersistentModelIndex) -> None:
        member_id = self.model.data(self.model.index(index.row(), 0), Qt.ItemDataRole.UserRole)
        if member_id:
            self.member_requested.emit(str(member_id))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount()
        ):
            self.table.setFocus()
            self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)
