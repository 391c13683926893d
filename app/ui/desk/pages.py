"""The desk's pages, in tab order, each built the first time it is needed (``DeskPanel.add_page_later``).

Their modules are imported only then: together they bring NumPy, rapidfuzz, pyqtgraph, the PDF writer and
the sync client, which the counter never uses, so the window a cashier waits for opens without them. The tab
titles are here, in the page classes' own translation contexts, so that naming a tab imports nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from app.ui.context import TillContext
from app.ui.desk.shell import DeskPanel


class DeskPage(NamedTuple):
    key: str
    title: Callable[[], str]
    build: Callable[[TillContext], QWidget]


def _members(ctx: TillContext) -> QWidget:
    from app.ui.desk.members import MembersPage

    return MembersPage(ctx)


def _member(ctx: TillContext) -> QWidget:
    from app.ui.desk.member360 import Member360Page

    return Member360Page(ctx)


def _insight(ctx: TillContext) -> QWidget:
    from app.ui.desk.member_insight import MemberInsightPage

    return MemberInsightPage(ctx)


def _dashboard(ctx: TillContext) -> QWidget:
    from app.ui.desk.dashboard import DashboardPage

    return DashboardPage(ctx)


def _cards(ctx: TillContext) -> QWidget:
    from app.ui.desk.cards import CardsPage

    return CardsPage(ctx)


def _duplicates(ctx: TillContext) -> QWidget:
    from app.ui.desk.duplicates import DuplicatesPage

    return DuplicatesPage(ctx)


def _audit(ctx: TillContext) -> QWidget:
    from app.ui.desk.audit import AuditLogPage

    return AuditLogPage(ctx)


def _program(ctx: TillContext) -> QWidget:
    from app.ui.desk.program import ProgramPage

    return ProgramPage(ctx)


def _inbox(ctx: TillContext) -> QWidget:
    from app.ui.desk.inbox import InboxPage

    return InboxPage(ctx)


def _privacy(ctx: TillContext) -> QWidget:
    from app.ui.desk.privacy import PrivacyPage

    return PrivacyPage(ctx)


def _staff(ctx: TillContext) -> QWidget:
    from app.ui.desk.staff import StaffPage

    return StaffPage(ctx)


MEMBER_VIEW = "member"
"""The page that shows one member (``DeskPanel.set_member_view``)."""

DESK_PAGES = (
    DeskPage("members", lambda: QCoreApplication.translate("MembersPage", "Members"), _members),
    DeskPage(MEMBER_VIEW, lambda: QCoreApplication.translate("Member360Page", "Member"), _member),
    DeskPage("insight", lambda: QCoreApplication.translate("MemberInsightPage", "Insight"), _insight),
    DeskPage("dashboard", lambda: QCoreApplication.translate("DashboardPage", "Dashboard"), _dashboard),
    DeskPage("cards", lambda: QCoreApplication.translate("CardsPage", "Cards"), _cards),
    DeskPage("duplicates", lambda: QCoreApplication.translate("DuplicatesPage", "Duplicates"), _duplicates),
    DeskPage("audit", lambda: QCoreApplication.translate("AuditLogPage", "Audit"), _audit),
    DeskPage("program", lambda: QCoreApplication.translate("ProgramPage", "Program"), _program),
    DeskPage("inbox", lambda: QCoreApplication.translate("InboxPage", "Inbox"), _inbox),
    DeskPage("privacy", lambda: QCoreApplication.translate("PrivacyPage", "Privacy"), _privacy),
    DeskPage("staff", lambda: QCoreApplication.translate("StaffPage", "Staff"), _staff),
)


def add_desk_pages(desk: DeskPanel, ctx: TillContext) -> None:
    """The desk's own pages, not built yet, and the member page as its member view."""
    for page in DESK_PAGES:
        desk.add_page_later(page.key, _builder(page.build, ctx), page.title)
    desk.set_member_view(MEMBER_VIEW)


def _builder(build: Callable[[TillContext], QWidget], ctx: TillContext) -> Callable[[], QWidget]:
    return lambda: build(ctx)
