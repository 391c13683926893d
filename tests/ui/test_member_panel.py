"""The member panel on a real widget: points past their date that an enrolled till leaves to the central's
expiry are said apart from the balance."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from app.ui.member import MemberPanel
from tests.services.conftest import Till
from tests.ui.conftest import enrol


def test_points_awaiting_the_central_s_expiry_are_said_apart(qtbot: QtBot, till: Till) -> None:
    member = enrol(till, "Đặng Thị Thảo", "0911111111")
    panel = MemberPanel(till.svc.programs.active())
    qtbot.addWidget(panel)
    panel.show_member(replace(member, expiring_points=0, next_expiry=None, lapsed_points=30))
    assert panel.expiring.isVisibleTo(panel)
    assert panel.expiring.text() == "30 points are past their date (not in the balance)"
    panel.show_member(replace(member, expiring_points=0, next_expiry=None, lapsed_points=0))
    assert not panel.expiring.isVisibleTo(panel)
