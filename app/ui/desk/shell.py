"""The desk's frame: one tab per page, opened with F9 from any counter screen, Esc back to the counter.

Pages are plain widgets added with ``add_page``, or built the first time they are needed with ``add_page_later``
(a key, a function that builds the page, its title): the desk's pages bring NumPy, rapidfuzz, the charts and the
sync client, which a till serving customers never needs, so the window opens without them. Such a page is built
when it comes into view, when ``page(key)`` asks for it, or when it is the member view and a member is opened. A
page that can send the manager to a member (a row of the
audit log, a duplicate pair, a card) has a ``member_requested`` signal carrying the member id; the desk
connects it to ``open_member``, which shows that member on the page registered with ``set_member_view``.
A page with ``follow_member(member_id)`` is told of every member opened that way. A page with an
``activated()`` method is told when it comes into view (to load or refresh what it shows);
one with ``retranslate()`` keeps its own texts. Permissions stay with the services: a page may hide what the
signed-in staff cannot do, but the service refuses it either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.ui.context import TillContext


@dataclass
class _Later:
    """A tab whose page is not built yet: an empty widget holds its place."""

    placeholder: QWidget
    build: Callable[[], QWidget]
    title: Callable[[], str]


class DeskPanel(QFrame):
    closed = Signal()
    message = Signal(str, str)  # text, tone: for the window's message line

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ctx = ctx
        self._titles: list[tuple[QWidget, Callable[[], str]]] = []
        self._member_view: tuple[QWidget, Callable[[str], None]] | None = None
        self._member_view_key: str | None = None  # the member view, when it is a page not built yet
        self._later: dict[str, _Later] = {}
        self._built: dict[str, QWidget] = {}
        self._followed: str | None = None  # the last member opened, for the pages built after it

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
        self._wire(page)

    def add_page_later(self, key: str, build: Callable[[], QWidget], title: Callable[[], str]) -> None:
        """Add a tab whose page ``build()`` makes the first time it is needed; ``page(key)`` returns it."""
        if key in self._later or key in self._built:
            raise ValueError(f"the desk already has a page {key!r}")
        placeholder = QWidget()
        placeholder.setAccessibleName(title())
        self._later[key] = _Later(placeholder, build, title)
        self._titles.append((placeholder, title))
        self.tabs.addTab(placeholder, title())

    def page(self, key: str) -> QWidget:
        """The page added under ``key`` with ``add_page_later``, built now if it was not yet."""
        built = self._built.get(key)
        return built if built is not None else self._build(key)

    def built_page(self, key: str) -> QWidget | None:
        """The page added under ``key`` if it has been built, else None (nothing is built here)."""
        return self._built.get(key)

    def _build(self, key: str) -> QWidget:
        later = self._later.pop(key)
        page = later.build()
        index = self.tabs.indexOf(later.placeholder)
        current = self.tabs.currentIndex() == index
        # The tab changes widget in place: no page is told it came into view while the tabs are rearranged.
        blocked = self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, page, later.title())
            if current:
                self.tabs.setCurrentIndex(index)
        finally:
            self.tabs.blockSignals(blocked)
        self._titles = [(page if p is later.placeholder else p, t) for p, t in self._titles]
        later.placeholder.deleteLater()
        self._built[key] = page
        self._wire(page)
        follow = getattr(page, "follow_member", None)
        if self._followed is not None and callable(follow):
            follow(self._followed)  # as it would have been told, had it been there
        return page

    def _wire(self, page: QWidget) -> None:
        requested = getattr(page, "member_requested", None)
        if requested is not None:
            requested.connect(self.open_member)
        page_message = getattr(page, "message", None)
        if page_message is not None and hasattr(page_message, "connect"):
            page_message.connect(self.message.emit)

    def set_member_view(self, page: QWidget | str) -> None:
        """The page that shows one member (``show_member(member_id)``); it must have been added. A key names a
        page added with ``add_page_later``: it is checked when it is built."""
        if isinstance(page, str):
            if page not in self._later and page not in self._built:
                raise KeyError(f"the desk has no page {page!r}")
            self._member_view, self._member_view_key = None, page
            return
        show = getattr(page, "show_member", None)
        if not callable(show):
            raise TypeError(f"{type(page).__name__} has no show_member(member_id)")
        self._member_view, self._member_view_key = (page, show), None

    def open_member(self, member_id: str) -> None:
        """Show this member on the member page; pages with ``follow_member(member_id)`` (the member's insight,
        privacy) follow along without coming into view (a page built later is told when it is built)."""
        self._followed = member_id
        for page, _title in self._titles:
            follow = getattr(page, "follow_member", None)
            if callable(follow):
                follow(member_id)
        if self._member_view_key is not None:
            self.set_member_view(self.page(self._member_view_key))
        if self._member_view is None:
            return
        page, show = self._member_view
        self.tabs.setCurrentWidget(page)
        show(member_id)

    def show_page(self, page: QWidget) -> None:
        self.tabs.setCurrentWidget(page)

    def open_desk(self) -> None:
        """Come into view: the current page (built now if it was not yet) refreshes and takes the focus."""
        self._page_shown(self.tabs.currentIndex(), build=True)

    def _page_shown(self, index: int, *, build: bool = False) -> None:
        page = self.tabs.widget(index)
        if page is None:
            return
        key = next((k for k, later in self._later.items() if later.placeholder is page), None)
        if key is not None:
            # A tab not built yet is built when the manager sees it, not when the window adds the first tab.
            if not (build or self.isVisible()):
                return
            page = self._build(key)
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
        for later in self._later.values():
            later.placeholder.setAccessibleName(later.title())
