"""The desk's frame: F9 opens it over the counter, Esc comes back to the member being served, pages are told
when they come into view, and a page can send the manager to a member."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.ui.window import TillWindow
from tests.ui.conftest import sign_in

MakeWindow = Callable[..., TillWindow]


class _Page(QWidget):
    member_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.activations = 0
        self.shown: list[str] = []

    def activated(self) -> None:
        self.activations += 1

    def show_member(self, member_id: str) -> None:
        self.shown.append(member_id)


class _Follower(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.followed: list[str] = []

    def follow_member(self, member_id: str) -> None:
        self.followed.append(member_id)


def test_f9_opens_the_desk_and_esc_comes_back(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    sign_in(qtbot, window, "9001", "9999")
    qtbot.keyClick(window, Qt.Key.Key_F9)
    assert window.counter.currentWidget() is window.desk
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.counter.currentWidget() is window.search


def test_pages_are_told_when_shown_and_can_open_a_member(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    sign_in(qtbot, window, "9001", "9999")
    listing, member, follower = _Page(), _Page(), _Follower()
    window.desk.add_page(listing, lambda: "List")
    window.desk.add_page(member, lambda: "Member")
    window.desk.add_page(follower, lambda: "Insight")
    window.desk.set_member_view(member)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    window.desk.show_page(listing)  # the desk's own pages come first
    assert listing.activations >= 1
    listing.member_requested.emit("m-1")
    assert window.desk.tabs.currentWidget() is member
    assert member.shown == ["m-1"]
    assert follower.followed == ["m-1"]  # told, and left where it is


def test_a_page_without_show_member_cannot_be_the_member_view(make_window: MakeWindow) -> None:
    window = make_window()
    label = QLabel("x")
    window.desk.add_page(label, lambda: "x")
    with pytest.raises(TypeError, match="show_member"):
        window.desk.set_member_view(label)
