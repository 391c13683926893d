"""Managing staff: add, deactivate and reactivate, reset a PIN, change a role. Manager only, audited with the
row's new seal (so ``check`` still passes), never the PIN; the till always keeps one active manager; a change
holds at the next sign-in and at once for approvals in place (by PIN or by staff card)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.services import Permission, Role
from app.services.staff import (
    AccountLocked,
    LastManager,
    SameRole,
    StaffAlreadyActive,
    StaffAlreadyInactive,
    StaffInactive,
)
from app.services.staff_cards import NotAManager, StaffCardHolderInactive, UnknownStaff
from app.store import models as m
from app.store.integrity import check_database
from loyalty.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from tests.leaks import holds
from tests.services.conftest import Till


def _audit(till: Till, action: str) -> list[tuple[str | None, str | None, dict[str, object]]]:
    """(staff id, subject id, details) of the audit records of ``action``, oldest first."""
    with till.store.read() as session:
        rows = session.execute(
            select(m.AuditRecord.staff_id, m.AuditRecord.subject_id, m.AuditRecord.details)
            .where(m.AuditRecord.action == action)
            .order_by(m.AuditRecord.seq)
        ).all()
    return [(staff, subject, json.loads(details)) for staff, subject, details in rows]


def _problems(till: Till) -> list[str]:
    with till.store.read() as session:
        return check_database(session)


def test_a_deactivated_cashier_cannot_sign_in_and_can_be_reactivated(till: Till) -> None:
    staff = till.svc.staff
    view = staff.deactivate(till.manager, "1001")
    assert (view.code, view.active) == ("1001", False)
    with pytest.raises(AuthenticationFailed) as refused:
        staff.sign_in("1001", "1111")
    assert refused.value.message == "Wrong staff code or PIN."  # says nothing of which codes exist
    [(who, subject, details)] = _audit(till, "staff.deactivate")
    assert who == till.manager.staff_id and subject == till.cashier.staff_id
    assert details["active"] is False and "seal" in details
    with pytest.raises(StaffAlreadyInactive) as again:
        staff.deactivate(till.manager, "1001")
    assert again.value.message == "Mai is already deactivated."
    with pytest.raises(StaffInactive) as no_pin:
        staff.reset_pin(till.manager, "1001", "4321")
    assert no_pin.value.message == "Mai is deactivated. Reactivate them first."
    assert staff.reactivate(till.manager, "1001").active
    assert staff.sign_in("1001", "1111").name == "Mai"
    with pytest.raises(StaffAlreadyActive):
        staff.reactivate(till.manager, "1001")
    assert _problems(till) == []  # every change carried its seal: check sees the till's own work


def test_a_reset_pin_replaces_the_old_one_lifts_a_lock_out_and_is_audited_without_it(till: Till) -> None:
    staff = till.svc.staff
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            staff.sign_in("1001", "0000")
    with pytest.raises(AccountLocked):
        staff.sign_in("1001", "1111")
    assert [r.locked for r in staff.roster(till.manager) if r.code == "1001"] == [True]
    staff.reset_pin(till.manager, "1001", "24680")
    with pytest.raises(AuthenticationFailed):
        staff.sign_in("1001", "1111")
    assert staff.sign_in("1001", "24680").name == "Mai"
    [(who, _subject, details)] = _audit(till, "staff.reset_pin")
    assert who == till.manager.staff_id
    assert not holds(json.dumps(details), "24680") and set(details) == {"code", "role", "active", "seal"}
    for bad in ("12", "12ab", "123456789", ""):
        with pytest.raises(InvalidInput) as refused:
            staff.reset_pin(till.manager, "1001", bad)
        assert refused.value.message == "PIN is not valid: use 4 to 8 digits"
    with pytest.raises(UnknownStaff) as unknown:
        staff.reset_pin(till.manager, "4040", "1234")
    assert unknown.value.message == "No staff member has the code 4040."
    assert _problems(till) == []


def test_a_role_change_holds_at_the_next_sign_in_and_at_once_for_approvals(till: Till) -> None:
    staff = till.svc.staff
    staff.create(till.manager, "9002", "Hùng", Role.MANAGER, "2222")
    signed_in = staff.sign_in("9002", "2222")
    assert staff.approve("9002", "2222", Permission.ADJUST).name == "Hùng"
    assert staff.change_role(till.manager, "9002", Role.CASHIER).role == "cashier"
    with pytest.raises(NotAManager):  # approvals read the row: at once
        staff.approve("9002", "2222", Permission.ADJUST)
    assert signed_in.role is Role.MANAGER  # a session open now keeps its role until they sign out
    assert staff.sign_in("9002", "2222").role is Role.CASHIER  # the next one has the new role
    with pytest.raises(SameRole) as same:
        staff.change_role(till.manager, "9002", Role.CASHIER)
    assert same.value.message == "Hùng already has this role."
    assert staff.change_role(till.manager, "1001", Role.MANAGER).role == "manager"
    assert staff.sign_in("1001", "1111").can(Permission.MANAGE_STAFF)
    changes = _audit(till, "staff.change_role")
    assert [(d["code"], d["was"], d["role"]) for _w, _s, d in changes] == [
        ("9002", "manager", "cashier"),
        ("1001", "cashier", "manager"),
    ]
    assert _problems(till) == []


def test_the_till_keeps_one_active_manager(till: Till) -> None:
    staff = till.svc.staff
    with pytest.raises(LastManager) as alone:
        staff.deactivate(till.manager, "9001")  # the manager themselves, the only one
    assert (
        alone.value.message
        == "Lan is the till's last active manager. Add or reactivate another manager first."
    )
    with pytest.raises(LastManager):
        staff.change_role(till.manager, "9001", Role.CASHIER)
    staff.create(till.manager, "9002", "Hùng", Role.MANAGER, "2222")
    staff.deactivate(till.manager, "9002")
    with pytest.raises(LastManager):  # an inactive manager does not count
        staff.deactivate(till.manager, "9001")
    staff.reactivate(till.manager, "9002")
    staff.deactivate(till.manager, "9001")  # now another manager remains: allowed, even for oneself
    with pytest.raises(AuthenticationFailed):
        staff.sign_in("9001", "9999")
    hung = staff.sign_in("9002", "2222")
    with pytest.raises(LastManager):
        staff.change_role(hung, "9002", Role.CASHIER)
    assert [(r.code, r.role, r.active) for r in staff.roster(hung)] == [
        ("1001", "cashier", True),
        ("9001", "manager", False),
        ("9002", "manager", True),
    ]


def test_a_deactivated_manager_approves_nothing_by_pin_or_card(till: Till) -> None:
    staff = till.svc.staff
    staff.create(till.manager, "9002", "Hùng", Role.MANAGER, "2222")
    ref = till.svc.cards.ref_for_uid("04C0FFEE000009")
    till.svc.staff_cards.link(till.manager, "9002", ref)
    staff.deactivate(till.manager, "9002")
    with pytest.raises(AuthenticationFailed):
        staff.approve("9002", "2222", Permission.ADJUST)
    with pytest.raises(StaffCardHolderInactive) as card:
        till.svc.staff_cards.approve_by_card(ref.token, Permission.ADJUST)
    assert card.value.message == "This staff card belongs to Hùng, who can no longer sign in."


def test_a_cashier_is_refused_everything_and_nothing_is_written(till: Till) -> None:
    staff = till.svc.staff
    before = len(_audit(till, "staff.sign_in"))
    for attempt in (
        lambda: staff.roster(till.cashier),
        lambda: staff.create(till.cashier, "1002", "Bình", Role.CASHIER, "1234"),
        lambda: staff.deactivate(till.cashier, "9001"),
        lambda: staff.reactivate(till.cashier, "9001"),
        lambda: staff.reset_pin(till.cashier, "9001", "1234"),
        lambda: staff.change_role(till.cashier, "1001", Role.MANAGER),
    ):
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert refused.value.message == "Only a manager can manage staff. Ask a manager to sign in."
    assert [s.code for s in staff.list()] == ["1001", "9001"]
    assert staff.sign_in("9001", "9999").role is Role.MANAGER
    assert (
        sum(1 for a in ("staff.deactivate", "staff.reset_pin", "staff.change_role") for _ in _audit(till, a))
        == 0
    )
    assert len(_audit(till, "staff.sign_in")) == before + 1


def test_the_roster_gives_the_last_sign_in_at_this_till(till: Till) -> None:
    staff = till.svc.staff
    staff.create(till.manager, "1002", "Bình", Role.CASHIER, "1234")
    later = till.clock.advance(hours=3)
    staff.sign_in("1001", "1111")
    rows = {r.code: r for r in staff.roster(till.manager)}
    assert rows["1001"].last_sign_in == later
    assert rows["1002"].last_sign_in is None and not rows["1002"].locked
    with pytest.raises(InvalidInput) as long_name:
        staff.create(till.manager, "1003", "x" * 121, Role.CASHIER, "1234")
    assert long_name.value.message == "Name is not valid: it is longer than 120 characters"
