"""A first pull leaves the members' unique indexes on phone, e-mail and referral code to be built at its end
(``app.store.deferred_indexes``). Meanwhile new members take their contacts and codes unchecked; building the
indexes settles what two members hold: the member here first keeps a phone or an e-mail, a referral code
drawn twice is drawn again. A sale or an enrolment in between is still checked (slower, still right)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from app.services import sync_apply
from app.store import deferred_indexes, name_index, referral_codes
from app.store.integrity import check_database
from loyalty.errors import Conflict
from sync.protocol import Change
from tests.services.conftest import Till, make_till, pulled_member


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    made = make_till(tmp_path)
    yield made
    made.store.close()


def _with(change: Change, **body: Any) -> Change:
    return Change(no=change.no, kind=change.kind, body={**change.body, **body})


def _members(till: Till) -> dict[str, tuple[Any, ...]]:
    with till.store.read() as session:
        rows = session.execute(text("SELECT member_number, phone, email, referral_code FROM members"))
        return {str(r[0]): tuple(r[1:]) for r in rows}


def _unique_indexes(till: Till) -> set[str]:
    with till.store.read() as session:
        rows = session.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE 'CREATE UNIQUE%'")
        )
        return {str(r[0]) for r in rows} & set(deferred_indexes.UNIQUE_INDEXES)


def test_the_member_here_first_keeps_a_contact_and_the_indexes_are_built(till: Till) -> None:
    here = till.svc.members.enroll(till.cashier, "Phạm Thu", phone="+84901000001", email="thu@example.vn")
    page = [
        pulled_member(1, 1),
        _with(pulled_member(2, 2), phone="+84901000001"),  # Thu's phone
        _with(pulled_member(3, 3), email="THU@example.vn"),  # Thu's e-mail, in capitals
        _with(pulled_member(4, 4), phone="+84909999999"),
        _with(pulled_member(5, 5), phone="+84909999999"),  # the one before took it in this page
    ]
    with till.store.write() as session:
        assert sync_apply.apply_changes(session, page).written == 5
        assert deferred_indexes.unchecked(session) == {"phone", "email", "referral_code"}
    assert _unique_indexes(till) == set()
    name_index.catch_up(till.store)
    assert _unique_indexes(till) == set(deferred_indexes.UNIQUE_INDEXES)
    members = _members(till)
    assert members[here.member.member_number][:2] == ("+84901000001", "thu@example.vn")
    assert members["F-2"][:2] == (None, None)
    assert members["F-3"][:2] == ("+8491" + "0000003", None)
    assert members["F-4"][0] == "+84909999999" and members["F-5"][0] is None
    with till.store.read() as session:
        assert check_database(session) == []
        assert deferred_indexes.pending(session) == {}


def test_a_referral_code_drawn_twice_is_drawn_again(till: Till, monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter(["AAAAAAAA", "AAAAAAAA", "BBBBBBBB", "AAAAAAAA", "CCCCCCCC", "DDDDDDDD"])
    monkeypatch.setattr(referral_codes, "random_referral_codes", lambda n: [next(draws) for _ in range(n)])
    with till.store.write() as session:  # the first page defers the indexes after its codes are checked
        assert sync_apply.apply_changes(session, [pulled_member(1, 1)]).written == 1
    with till.store.write() as session:  # unchecked now: the code the first member holds, drawn again
        assert sync_apply.apply_changes(session, [pulled_member(2, 2), pulled_member(3, 3)]).written == 2
    assert sorted(code for *_, code in _members(till).values()) == ["AAAAAAAA", "AAAAAAAA", "BBBBBBBB"]
    name_index.catch_up(till.store)
    codes = _members(till)
    assert codes["F-1"][2] == "AAAAAAAA"  # the first holder keeps it
    assert sorted(code for *_, code in codes.values()) == ["AAAAAAAA", "BBBBBBBB", "CCCCCCCC"]
    assert "uq_members_referral_code" in _unique_indexes(till)


def test_an_enrolment_during_the_pull_is_still_checked(till: Till) -> None:
    with till.store.write() as session:
        sync_apply.apply_changes(session, [_with(pulled_member(1, 1), email="an@example.vn")])
    with till.store.read() as session:
        assert "phone" in deferred_indexes.unchecked(session)
    with pytest.raises(Conflict):
        till.svc.members.enroll(till.cashier, "Người Khác", phone="+84910000001")
    with pytest.raises(Conflict):
        till.svc.members.enroll(till.cashier, "Người Khác", email="AN@example.vn")
    till.svc.members.enroll(till.cashier, "Người Mới", phone="+84912222222")
    name_index.catch_up(till.store)
    assert _unique_indexes(till) == set(deferred_indexes.UNIQUE_INDEXES)


def test_a_pulled_member_who_lets_go_of_a_contact_leaves_it_to_nobody_who_took_it_later(till: Till) -> None:
    """One change at a time, a member who arrived with a contact another member held got none; letting go of
    it later does not give it to them. Unchecked, they hold it meanwhile: it is taken from them then."""
    first = _with(pulled_member(1, 1), phone="+84903333333")
    later = _with(pulled_member(2, 2), phone="+84903333333")
    with till.store.write() as session:
        sync_apply.apply_changes(session, [first, later])
    moved = Change(
        no=3,
        kind=first.kind,
        body={**first.body, "phone": "+84904444444", "updated_at": "2026-03-03T00:00:00.000000Z"},
    )
    with till.store.write() as session:
        assert sync_apply.apply_changes(session, [moved]).written == 1
    name_index.catch_up(till.store)
    members = _members(till)
    assert members["F-1"][0] == "+84904444444" and members["F-2"][0] is None
