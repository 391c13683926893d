"""Corrections on the desk's Member page, on the real window, offscreen, over a real SQLite till: a cashier
cannot adjust and is told why; a manager sees the effect before confirming and gets exactly that; a double
Enter applies once; an entry of the history is reversed by a new entry that names it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.store import models as m
from app.ui.desk.member360 import HistoryModel, Member360Page
from app.ui.window import TillWindow
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]


def _text(label: object) -> str:
    return str(label.text()).replace("\xa0", " ")  # type: ignore[attr-defined]


def _open(qtbot: QtBot, make_window: MakeWindow, member_id: str, code: str, pin: str) -> Member360Page:
    window = make_window()
    sign_in(qtbot, window, code, pin)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    window.desk.open_member(member_id)
    page = window.desk_member
    qtbot.waitUntil(lambda: page.overview is not None and page.statement is not None, timeout=10_000)
    return page


def _entries(till: Till, kind: str) -> list[tuple[str, int, str | None, str | None]]:
    """(id, points, reason, the entry it reverses) of the entries of ``kind``, in ledger order."""
    e = m.LedgerEntry
    with till.store.read() as s:
        rows = s.execute(
            select(e.id, e.points, e.reason, e.reverses_id).where(e.kind == kind).order_by(e.seq)
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]


def _audit(till: Till) -> list[str]:
    with till.store.read() as s:
        return list(s.scalars(select(m.AuditRecord.action)))


def test_a_cashier_cannot_adjust_and_is_told_why(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    member = enrol(till, "Trần Thị Lan", "0901234567")
    page = _open(qtbot, make_window, member.id, "1001", "1111")
    assert not page.adjust_button.isEnabled() and not page.reverse_button.isEnabled()
    assert page.permission_note.isVisible()
    assert (
        page.permission_note.text()
        == "Only a manager can adjust or reverse points. Ask a manager to sign in."
    )
    with qtbot.waitSignal(page.message) as said:
        page.open_adjust()  # the shortcut reaches it even with the button off: the page still refuses
    assert said.args == ["Only a manager can adjust or reverse points. Ask a manager to sign in.", "error"]
    assert not page.corrections.isVisible()
    assert _entries(till, "adjust") == []


def test_a_manager_adjusts_after_seeing_the_effect(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    member = enrol(till, "Trần Thị Lan", "0901234567")  # 50 welcome points
    page = _open(qtbot, make_window, member.id, "9001", "9999")
    window = page.window()
    assert isinstance(window, TillWindow) and window.staff.text() == "Manager: Lan"  # not "Cashier"
    qtbot.keyClick(page.tabs, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # "&Adjust points…"
    form = page.corrections
    qtbot.waitUntil(form.isVisible)  # a button's mnemonic clicks it as if pressed: a moment later
    assert form.points.hasFocus()
    qtbot.keyClicks(form.points, "+500")
    qtbot.waitUntil(lambda: form.preview is not None)
    assert _text(form.balance) == "Balance: 50 → 550 points (+500)"
    assert form.lots.text().startswith("New lot of 500 points, expires ")
    assert form.overdraft.text() == "No overdraft."
    preview = form.preview
    assert preview is not None
    # Enter without a reason: told what is missing, nothing written.
    qtbot.keyClick(form.points, Qt.Key.Key_Return)
    assert form.reason.hasFocus()
    with qtbot.waitSignal(form.message) as said:
        qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    assert said.args[1] == "error" and "reason" in said.args[0]
    qtbot.keyClicks(form.reason, "points of the old card")
    # A double Enter: one adjustment.
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.open is not None and form.open.done and not form.in_flight)
    adjustments = _entries(till, "adjust")
    assert adjustments == [(form.open.entry_id, 500, "points of the old card", None)]
    assert till.svc.members.get(member.id).balance == preview.after.balance == 550
    assert "points.adjust" in _audit(till)
    qtbot.waitUntil(lambda: page.overview is not None and page.overview.member.balance == 550)
    assert _text(page.balance) == "550 points"
    qtbot.waitUntil(lambda: form.preview is not None and form.preview.entries[0].id == form.open.entry_id)  # type: ignore[union-attr]
    assert form.preview_title.text() == "What the correction did"
    assert form.preview.effect == preview.effect  # type: ignore[union-attr]


def test_taking_more_than_the_member_has_is_refused_in_the_preview(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    member = enrol(till, "Lê Văn Đức", "0934567890")
    page = _open(qtbot, make_window, member.id, "9001", "9999")
    page.open_adjust()
    form = page.corrections
    qtbot.keyClicks(form.points, "-80")
    qtbot.waitUntil(lambda: bool(form.problem))
    assert form.problem == "Not enough points: 80 asked, 50 available."
    assert not form.confirm.isEnabled()


def test_reverse_an_entry_of_the_history(qtbot: QtBot, make_window: MakeWindow, till: Till) -> None:
    member = enrol(till, "Phạm Minh Châu", "0945678901")
    sale = till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(1_000_000)), "HD7").entries[0]
    page = _open(qtbot, make_window, member.id, "9001", "9999")
    page.open_reverse()  # nothing chosen: the history comes up to choose from
    assert page.tabs.currentIndex() == 1 and not page.corrections.isVisible()
    model = page.history_model
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    row = next(r for r in range(model.rowCount()) if model.row(r).id == sale.id)
    page.history.selectRow(row)
    qtbot.keyClick(page.history, Qt.Key.Key_Return)
    form = page.corrections
    assert form.isVisible() and form.reason.hasFocus()
    assert "Purchase of 02/03/2026 10:00" in form.target.text() and "receipt HD7" in form.target.text()
    qtbot.waitUntil(lambda: form.preview is not None)
    balance = till.svc.members.get(member.id).balance
    assert (
        _text(form.balance) == f"Balance: {balance:,} → {balance - sale.points:,} points (−{sale.points:,})"
    )
    qtbot.keyClicks(form.reason, "sale rung up on the wrong member")
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.open is not None and form.open.done)
    (reversal,) = _entries(till, "reverse")
    assert reversal[1:] == (-sale.points, "sale rung up on the wrong member", sale.id)
    assert "points.reverse" in _audit(till)
    qtbot.waitUntil(lambda: model.rowCount() == 3 and model.row(0).kind == "reverse")
    why = model.data(model.index(0, HistoryModel.WHY))
    assert why == "sale rung up on the wrong member; reverses the purchase of 02/03/2026 10:00"
    assert model.data(model.index(0, HistoryModel.WHO)) == "Lan\ntill t1, counter"
