"""A table model that loads its rows a page at a time, off the UI thread.

The view asks ``canFetchMore`` / ``fetchMore`` when the manager scrolls near the end (or when the rows do not
fill the view yet); the model asks the service for the page after the last row it holds, through the op
runner, and appends the rows when they arrive. One page is on its way at a time. ``restart`` (a new search, a
new order) forgets the rows and any page still on its way: a page that arrives for an older question is
dropped, never mixed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.ui.ops import OpRunner

Index = QModelIndex | QPersistentModelIndex


class PagedTableModel(QAbstractTableModel):
    loaded = Signal(object)  # the page that arrived (after its rows were added)
    failed = Signal(str)  # a sentence

    def __init__(self, ops: OpRunner, page_size: int = 50) -> None:
        super().__init__()
        self.ops = ops
        self.page_size = page_size
        self.rows: list[Any] = []
        self.cursor: Any = None
        self.exhausted = True  # nothing asked yet
        self.loading = False
        self._generation = 0

    # -- what a subclass says ------------------------------------------------------------------------
    def page_call(self, after: Any, limit: int) -> Callable[[], Any]:
        """The service call (run on the worker) for the page after ``after`` (None: the first)."""
        raise NotImplementedError

    def rows_of(self, page: Any) -> list[Any]:
        return list(page.rows)

    def next_of(self, page: Any) -> Any:
        return page.next

    # -- loading -------------------------------------------------------------------------------------
    def restart(self) -> None:
        """Forget the rows and load the first page again."""
        self._generation += 1
        self.beginResetModel()
        self.rows = []
        self.cursor = None
        self.exhausted = False
        self.loading = False
        self.endResetModel()
        self._fetch()

    def clear(self) -> None:
        """No rows, nothing to load (and a page on its way is dropped)."""
        self._generation += 1
        self.beginResetModel()
        self.rows = []
        self.cursor = None
        self.exhausted = True
        self.loading = False
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and not self.exhausted and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if self.canFetchMore(parent):
            self._fetch()

    def _fetch(self) -> None:
        self.loading = True
        generation = self._generation
        call = self.page_call(self.cursor, self.page_size)
        self.ops.query(
            call,
            lambda page: self._arrived(generation, page),
            lambda text, _exc: self._not_arrived(generation, text),
        )

    def _arrived(self, generation: int, page: Any) -> None:
        if generation != self._generation:
            return  # an answer to an older question
        self.loading = False
        rows = self.rows_of(page)
        if rows:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self.rows += rows
            self.endInsertRows()
        self.cursor = self.next_of(page)
        self.exhausted = self.cursor is None
        self.loaded.emit(page)

    def _not_arrived(self, generation: int, text: str) -> None:
        if generation != self._generation:
            return
        # Stop asking: scrolling would only repeat the failure. The next search or refresh asks again.
        self.loading = False
        self.exhausted = True
        self.failed.emit(text)

    # -- the table -----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def row(self, number: int) -> Any:
        return self.rows[number] if 0 <= number < len(self.rows) else None

    def refresh_headers(self) -> None:
        """The header texts changed (a language switch): the view draws them again."""
        if self.columnCount() > 0:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.columnCount() - 1))
