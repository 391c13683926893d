"""The desk's frame: one tab per page, opened with F9 from any counter screen, Esc back to the counter.

Pages are plain widgets added with ``add_page``. A page that can send the manager to a member (a row of the
audit log, a duplicate pair, a card) has a ``member_requested`` signal carrying the member id; the desk
connects it to ``open_member``, which shows that member on the page registered with ``set_member_view``.
A page with ``follow_member(member_id)`` is told of every member opened that way. A page with an
``activated()`` method is told when it comes into view (to load or refresh what it shows);
one with ``retranslate()`` keeps its own texts. Permissions stay with the services: a page may hide what the
signed-in staff cannot do, but the service refuses it either way.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.ui.context import TillContext


class DeskPanel(QFrame):
    closed = Signal()
    message = Signal(str, str)  # text, tone: for the window's message line

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ctx = ctx
        self._titles: list[tuple[QWidget, Callable[[], str]]] = []
        self._member_view: tuple[QWidget, Callable[[str], None]] | None = None

        self.title = QLabel()
        self.title.setObjectName("title")
        self.back_button = QPushButton()
        self.back_button.setProperty("secondary", True)
        self.back_button.clicked.connect(self.closed.emit)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._page_shown)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    # -- pages ---------------------------------------------------------------------------------------
    def add_page(self, page: QWidget, title: Callable[[], str]) -> None:
        """Add a tab; ``title`` gives its text in the current language (called again on a language change)."""
        self._titles.append((page, title))
        self.tabs.addTab(page, title())
        requested = getattr(page, "member_requested", None)
        if requested is not None:
            requested.connect(self.open_member)
        page_message = getattr(page, "message", None)
        if page_message is not None and hasattr(page_message, "connect"):
            page_message.connect(self.message.emit)

    def set_member_view(self, page: QWidget) -> None:
        """The page that shows one member (``show_member(member_id)``); it must have been added."""
        show = getattr(page, "show_member", None)
        if not callable(show):
            raise TypeError(f"{type(page).__name__} has no show_member(member_id)")
        self._member_view = (page, show)

    def open_member(self, member_id: str) -> None:
        """Show this member on the member page; pages with ``follow_member(member_id)`` (the member's insight,
        privacy) follow along without coming into view."""
        for page, _title in self._titles:
            follow = getattr(page, "follow_member", None)
            if callable(follow):
                follow(member_id)
        if self._member_view is None:
            return
        page, show = self._member_view
        self.tabs.setCurrentWidget(page)
        show(member_id)

    def show_page(self, page: QWidget) -> None:
        self.tabs.setCurrentWidget(page)

    def open_desk(self) -> None:
        """Come into view: the current page refreshes and takes the focus."""
        self._page_shown(self.tabs.currentIndex())

    def _page_shown(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is None:
            return
        activated = getattr(page, "activated", None)
        if callable(activated):
            activated()
        page.setFocus()

    # -- language ------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Manager's desk"))
        self.back_button.setText(self.tr("Back to the counter (Esc)"))
        self.back_button.setAccessibleName(self.tr("Back to the counter"))
        self.tabs.setAccessibleName(self.tr("Desk pages"))
        for page, title in self._titles:
            self.tabs.setTabText(self.tabs.indexOf(page), title())
