"""Staff cards: a manager links and unlinks them (audited), a tap of an active manager's card approves in
place as the manager's code and PIN do, and a card is a member's or a staff member's, never both."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import select

from app.services import Permission, Role
from app.services.staff_cards import (
    MemberCardConflict,
    MemberCardNotStaff,
    NoStaffCard,
    NotAManager,
    NotAStaffCard,
    SecureTapNeeded,
    StaffCardConflict,
    StaffCardHolderInactive,
    StaffCardKind,
    StaffCardTaken,
    StaffCardTapped,
    StaffCardUnlinked,
    UnknownStaff,
)
from app.store import models as m
from loyalty.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from loyalty.identity import CardKind, CardRef, code_token
from tests.services.conftest import Till

MANAGER_UID = "04C0FFEE000001"
CASHIER_UID = "04C0FFEE000002"


def _audit(till: Till, action: str) -> list[m.AuditRecord]:
    with till.store.read() as session:
        rows = list(session.scalars(select(m.AuditRecord).where(m.AuditRecord.action == action)))
        session.expunge_all()
        return rows


def test_a_manager_links_a_card_stored_as_a_keyed_hash_never_the_uid(till: Till) -> None:
    ref = till.svc.cards.ref_for_uid(MANAGER_UID)
    view = till.svc.staff_cards.link(till.manager, "9001", ref)
    assert (view.staff_code, view.staff_name, view.status, view.label) == ("9001", "Lan", "active", "…0001")
    with closing(sqlite3.connect(till.path)) as conn:
        [(token, kind)] = conn.execute("SELECT token, kind FROM staff_cards").fetchall()
        dump = "\n".join(conn.iterdump())
    assert token == ref.token and token.startswith("uid:") and kind == "uid"
    assert MANAGER_UID not in dump.upper() and MANAGER_UID.lower() not in dump
    [record] = _audit(till, "staff_card.link")
    assert record.staff_id == till.manager.staff_id and record.subject_id == view.id
    assert json.loads(record.details) == {"staff": "9001", "label": "…0001"}


def test_only_a_manager_links_or_unlinks_and_nothing_is_written_for_a_cashier(till: Till) -> None:
    ref = till.svc.cards.ref_for_uid(CASHIER_UID)
    with pytest.raises(PermissionDenied) as refused:
        till.svc.staff_cards.link(till.cashier, "1001", ref)
    assert refused.value.message == "Only a manager can manage staff. Ask a manager to sign in."
    till.svc.staff_cards.link(till.manager, "1001", ref)
    with pytest.raises(PermissionDenied):
        till.svc.staff_cards.unlink(till.cashier, "1001", "lost")
    with pytest.raises(PermissionDenied):
        till.svc.staff_cards.list(till.cashier)
    assert [c.staff_code for c in till.svc.staff_cards.list(till.manager)] == ["1001"]
    assert _audit(till, "staff_card.unlink") == []


def test_a_tap_of_a_managers_card_approves_with_one_audit_record_naming_the_card(till: Till) -> None:
    ref = till.svc.cards.ref_for_uid(MANAGER_UID)
    card = till.svc.staff_cards.link(till.manager, "9001", ref)
    manager = till.svc.staff_cards.approve_by_card(
        ref.token, Permission.LARGE_REDEMPTION, cashier=till.cashier
    )
    assert manager == till.manager
    [record] = _audit(till, "staff.approve")
    assert record.staff_id == till.manager.staff_id and record.subject_id == till.manager.staff_id
    assert json.loads(record.details) == {
        "means": "card",
        "approves": "large_redemption",
        "cashier": till.cashier.staff_id,
        "card": card.id,
    }


def test_code_and_pin_approve_with_the_same_record_and_pin_as_the_means(till: Till) -> None:
    manager = till.svc.staff.approve("9001", "9999", Permission.MERGE, cashier=till.cashier)
    assert manager == till.manager
    [record] = _audit(till, "staff.approve")
    assert json.loads(record.details) == {
        "means": "pin",
        "approves": "merge",
        "cashier": till.cashier.staff_id,
    }
    with pytest.raises(NotAManager) as refused:
        till.svc.staff.approve("1001", "1111", Permission.MERGE, cashier=till.cashier)
    assert refused.value.message == "Mai is not a manager and cannot approve this. Ask a manager."
    with pytest.raises(AuthenticationFailed):
        till.svc.staff.approve("9001", "0000", Permission.MERGE)
    assert len(_audit(till, "staff.approve")) == 1
    assert len(_audit(till, "staff.sign_in_failed")) == 1  # a wrong PIN counts as at sign-in


def test_a_cashiers_card_a_member_card_and_an_unknown_card_are_refused_in_words(till: Till) -> None:
    cashier_ref = till.svc.cards.ref_for_uid(CASHIER_UID)
    till.svc.staff_cards.link(till.manager, "1001", cashier_ref)
    with pytest.raises(NotAManager) as refused:
        till.svc.staff_cards.approve_by_card(cashier_ref.token, Permission.LARGE_REDEMPTION)
    assert refused.value.message == "Mai is not a manager and cannot approve this. Ask a manager."
    member = till.svc.members.enroll(till.cashier, "Trần Văn Hòa", phone="0912000111").member
    member_ref = till.svc.cards.ref_for_uid("04AB000000AA01")
    till.svc.cards.link(till.cashier, member.id, member_ref)
    with pytest.raises(MemberCardNotStaff) as refused_member:
        till.svc.staff_cards.approve_by_card(member_ref.token, Permission.LARGE_REDEMPTION)
    assert refused_member.value.message.startswith("This is a member's card, not a manager's.")
    with pytest.raises(MemberCardNotStaff):  # a printed or NDEF code names a member
        till.svc.staff_cards.approve_by_card(code_token(member.member_number), Permission.LARGE_REDEMPTION)
    with pytest.raises(NotAStaffCard):
        till.svc.staff_cards.approve_by_card(
            till.svc.cards.ref_for_uid("04FF000000FF01").token, Permission.LARGE_REDEMPTION
        )
    assert _audit(till, "staff.approve") == []


def test_an_unlinked_card_approves_nothing_and_can_be_linked_again(till: Till) -> None:
    ref = till.svc.cards.ref_for_uid(MANAGER_UID)
    till.svc.staff_cards.link(till.manager, "9001", ref)
    with pytest.raises(InvalidInput):
        till.svc.staff_cards.unlink(till.manager, "9001", "  ")
    till.clock.advance(days=1)
    [gone] = till.svc.staff_cards.unlink(till.manager, "9001", "lost at the market")
    assert gone.status == "unlinked"
    [record] = _audit(till, "staff_card.unlink")
    assert json.loads(record.details)["reason"] == "lost at the market"
    with pytest.raises(StaffCardUnlinked) as refused:
        till.svc.staff_cards.approve_by_card(ref.token, Permission.LARGE_REDEMPTION)
    assert refused.value.message.startswith("This staff card was unlinked on 2026-03-03")
    with pytest.raises(NoStaffCard):
        till.svc.staff_cards.unlink(till.manager, "9001", "again")
    assert till.svc.staff_cards.list(till.manager) == []
    assert [c.status for c in till.svc.staff_cards.list(till.manager, include_unlinked=True)] == ["unlinked"]
    # Found again: linked once more (the same row), and it approves.
    again = till.svc.staff_cards.link(till.manager, "9001", ref)
    assert again.id == gone.id and again.status == "active"
    assert till.svc.staff_cards.approve_by_card(ref.token, Permission.ADJUST) == till.manager


def test_a_card_is_a_members_or_a_staff_members_never_both(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Lê Thu Hà", phone="0912000222").member
    member_ref = till.svc.cards.ref_for_uid("04AB000000AA02")
    till.svc.cards.link(till.cashier, member.id, member_ref)
    with pytest.raises(MemberCardConflict) as refused:
        till.svc.staff_cards.link(till.manager, "9001", member_ref)
    assert refused.value.message == "This card is already a member's card: it cannot be a staff card."
    staff_ref = till.svc.cards.ref_for_uid(MANAGER_UID)
    till.svc.staff_cards.link(till.manager, "9001", staff_ref)
    with pytest.raises(StaffCardConflict) as refused_staff:
        till.svc.cards.link(till.cashier, member.id, staff_ref)
    assert refused_staff.value.message == "This card is a staff card: it cannot be a member's card."
    with pytest.raises(StaffCardConflict):  # nor as the card of a new member
        till.svc.members.enroll(till.cashier, "Phạm Minh", phone="0912000333", card=staff_ref)
    with pytest.raises(StaffCardTaken) as taken:
        till.svc.staff_cards.link(till.manager, "1001", staff_ref)
    assert taken.value.message == "This card is already the staff card of Lan."
    # Tapped where a member's card is expected, it identifies no one and is not offered for enrolment.
    with pytest.raises(StaffCardTapped):
        till.svc.cards.identify(staff_ref.token)


def test_what_cannot_be_a_staff_card_or_a_staff_member(till: Till) -> None:
    with pytest.raises(StaffCardKind):
        till.svc.staff_cards.link(till.manager, "9001", till.svc.cards.ref_for_code("0010100000081"))
    with pytest.raises(UnknownStaff) as unknown:
        till.svc.staff_cards.link(till.manager, "4242", till.svc.cards.ref_for_uid(MANAGER_UID))
    assert unknown.value.message == "No staff member has the code 4242."


def test_a_secure_card_approves_only_on_a_verified_tap(till: Till) -> None:
    token = till.svc.cards.ref_for_uid(MANAGER_UID).token
    till.svc.staff_cards.link(till.manager, "9001", CardRef(token, CardKind.SUN, "SUN …0001"))
    with pytest.raises(SecureTapNeeded):  # its UID read alone (a copied UID) is not enough
        till.svc.staff_cards.approve_by_card(token, Permission.LARGE_REDEMPTION)
    assert (
        till.svc.staff_cards.approve_by_card(token, Permission.LARGE_REDEMPTION, secure=True) == till.manager
    )


def test_the_card_of_someone_who_can_no_longer_sign_in_approves_nothing(till: Till) -> None:
    till.svc.staff.create(till.manager, "9002", "Hùng", Role.MANAGER, "2222")
    ref = till.svc.cards.ref_for_uid(MANAGER_UID)
    till.svc.staff_cards.link(till.manager, "9002", ref)
    with till.store.write() as session:  # deactivated (the staff page's job), here directly
        staff = session.scalars(select(m.Staff).where(m.Staff.code == "9002")).one()
        staff.active = False
    with pytest.raises(StaffCardHolderInactive) as refused:
        till.svc.staff_cards.approve_by_card(ref.token, Permission.LARGE_REDEMPTION)
    assert refused.value.message == "This staff card belongs to Hùng, who can no longer sign in."


def test_the_holder_of_a_card_is_named_for_the_sign_in_screen_without_signing_anyone_in(till: Till) -> None:
    ref = till.svc.cards.ref_for_uid(CASHIER_UID)
    till.svc.staff_cards.link(till.manager, "1001", ref)
    before = len(_audit(till, "staff.sign_in"))
    holder = till.svc.staff_cards.holder(ref.token)
    assert (holder.staff_code, holder.staff_name) == ("1001", "Mai")
    assert len(_audit(till, "staff.sign_in")) == before and _audit(till, "staff.approve") == []
    till.svc.staff_cards.unlink(till.manager, "1001", "left the store")
    with pytest.raises(StaffCardUnlinked):
        till.svc.staff_cards.holder(ref.token)
