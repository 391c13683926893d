"""The name index's gap (migration 0010): members added while it is open are left out of the index by the
triggers and added in chunks by ``catch_up``; whatever happens to them meanwhile (a new name, another member
enrolled, a till stopped half way), the index ends exactly as the triggers alone would have left it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.services import sync_apply
from app.store import deferred_indexes, name_index
from app.store.db import Store, open_store
from app.store.integrity import check_database
from app.store.search import check_member_search
from app.store.settings import get_setting
from tests.services.conftest import Till, make_till, pulled_member


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    made = make_till(tmp_path)
    yield made
    made.store.close()


def _check_index(session: Session) -> None:
    assert check_member_search(session)


def _found(store: Store, word: str) -> set[str]:
    with store.read() as session:
        return set(
            session.scalars(
                text(
                    "SELECT m.full_name FROM members_fts JOIN members AS m ON m.rowid = members_fts.rowid "
                    "WHERE members_fts MATCH :q"
                ),
                {"q": word},
            )
        )


def _enrol(till: Till, name: str) -> str:
    return till.svc.members.enroll(till.cashier, name).member.id


def test_names_added_in_the_gap_are_found_once_caught_up(till: Till) -> None:
    before = _enrol(till, "Nguyễn Văn An")
    with till.store.write() as session:
        name_index.open_gap(session)
        name_index.open_gap(session)  # already open: stays where it was
    added = [_enrol(till, f"Trần Thị Bình {n}") for n in range(5)]
    assert _found(till.store, "binh") == set()  # not yet in the index
    assert _found(till.store, "an") == {"Nguyễn Văn An"}
    with till.store.read() as session:
        assert name_index.behind(session) == 5
    # A new name for a member in the gap and for one before it; both kept right.
    till.svc.members.edit(till.manager, added[0], full_name="Lê Văn Cường")
    till.svc.members.edit(till.manager, before, full_name="Nguyễn Văn Anh")
    name_index.catch_up(till.store, chunk=2)
    with till.store.read() as session:
        assert name_index.gap(session) is None
        assert name_index.behind(session) == 0
    with till.store.write() as session:
        _check_index(session)
    assert _found(till.store, "binh") == {f"Trần Thị Bình {n}" for n in range(1, 5)}
    assert _found(till.store, "cuong") == {"Lê Văn Cường"}
    assert _found(till.store, "anh") == {"Nguyễn Văn Anh"}
    assert _found(till.store, "an") == set()


def test_each_step_is_its_own_transaction_and_the_triggers_follow_the_gap(till: Till) -> None:
    with till.store.write() as session:
        name_index.open_gap(session)
    for n in range(5):
        _enrol(till, f"Phạm Minh {n}")
    with till.store.write() as session:
        assert name_index.catch_up_step(session, chunk=2) is False
        _check_index_of_indexed_part = session.execute(
            text("SELECT count(*) FROM members_fts_docsize")
        ).scalar()
        assert _check_index_of_indexed_part == 2
    # A member indexed by the step is kept up to date by the triggers from now on.
    with till.store.read() as session:
        first = session.scalar(text("SELECT id FROM members WHERE full_name = 'Phạm Minh 0'"))
    till.svc.members.edit(till.manager, str(first), full_name="Đỗ Hạnh")
    assert _found(till.store, "hanh") == {"Đỗ Hạnh"}
    assert _found(till.store, "pham") == {"Phạm Minh 1"}
    while True:
        with till.store.write() as session:
            if name_index.catch_up_step(session, chunk=2):
                break
    with till.store.write() as session:
        _check_index(session)
    assert len(_found(till.store, "pham")) == 4


def test_a_till_stopped_with_the_gap_open_catches_up_in_its_maintenance(tmp_path: Path) -> None:
    import argparse

    from app.__main__ import MAINTENANCE
    from app.services import TillServices

    till = make_till(tmp_path)
    with till.store.write() as session:
        name_index.open_gap(session)
    _enrol(till, "Hoàng Thu")
    till.store.close()  # as if stopped in the middle of a pull
    store = open_store(till.path)
    try:
        step = dict(MAINTENANCE)["name index"]
        assert step(TillServices.open(store), argparse.Namespace()) == "1 names added"
        assert step(TillServices.open(store), argparse.Namespace()) == "up to date"
        assert [hit.full_name for hit in TillServices.open(store).members.search("hoang")] == ["Hoàng Thu"]
    finally:
        store.close()


# -- a first pull: the insert trigger skipped, the name indexes built at the end --------------------------------
def _schema(session: Session, kind: str) -> dict[str, str]:
    rows = session.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = :kind AND tbl_name = 'members' AND sql IS NOT NULL"
        ),
        {"kind": kind},
    )
    return {str(name): str(sql) for name, sql in rows}


_DEFERRABLE = deferred_indexes.DEFERRABLE


def test_a_first_pull_builds_the_name_indexes_once_every_name_is_in(till: Till) -> None:
    with till.store.read() as session:
        indexes, triggers = _schema(session, "index"), _schema(session, "trigger")
    assert set(_DEFERRABLE) <= set(indexes)
    with till.store.write() as session:
        assert sync_apply.apply_changes(session, [pulled_member(n + 1, n) for n in range(30)]).written == 30
    with till.store.read() as session:
        # Left for later, their text kept; the trigger is back, exactly as it was.
        assert _DEFERRABLE[0] not in _schema(session, "index")
        assert get_setting(session, deferred_indexes.DEFERRED) == {n: indexes[n] for n in _DEFERRABLE}
        assert _schema(session, "trigger") == triggers
    # A second page while they are deferred: still deferred, nothing else changes.
    with till.store.write() as session:
        assert (
            sync_apply.apply_changes(session, [pulled_member(n + 1, n) for n in range(30, 40)]).written == 10
        )
    name_index.catch_up(till.store)
    with till.store.read() as session:
        assert _schema(session, "index") == indexes
        assert _schema(session, "trigger") == triggers
        assert get_setting(session, deferred_indexes.DEFERRED) is None
        assert name_index.gap(session) is None
    with till.store.write() as session:
        assert check_database(session) == []
        _check_index(session)
    assert len(_found(till.store, "khach")) == 40
    # A member enrolled afterwards goes through the trigger again.
    _enrol(till, "Đỗ Quang Hải")
    assert _found(till.store, "hai") == {"Đỗ Quang Hải"}


def test_a_bulk_load_that_fails_leaves_the_trigger_and_the_indexes(till: Till) -> None:
    with till.store.read() as session:
        before = _schema(session, "index"), _schema(session, "trigger")
    with till.store.write() as session:
        with pytest.raises(RuntimeError), session.begin_nested(), name_index.members_in_bulk(session):
            assert _DEFERRABLE[0] not in _schema(session, "index")
            raise RuntimeError("the insert failed")
        assert (_schema(session, "index"), _schema(session, "trigger")) == before
        assert get_setting(session, deferred_indexes.DEFERRED) is None


def test_a_store_with_members_keeps_its_name_indexes(till: Till, monkeypatch: pytest.MonkeyPatch) -> None:
    _enrol(till, "Nguyễn Văn An")
    monkeypatch.setattr(deferred_indexes, "DEFER_BELOW", 1)
    with till.store.read() as session:
        indexes = _schema(session, "index")
    with till.store.write() as session:
        assert sync_apply.apply_changes(session, [pulled_member(n + 1, n) for n in range(5)]).written == 5
        assert _schema(session, "index") == indexes
        assert get_setting(session, deferred_indexes.DEFERRED) is None


def test_a_till_stopped_in_a_first_pull_builds_the_indexes_at_its_start(tmp_path: Path) -> None:
    import argparse

    from app.__main__ import MAINTENANCE
    from app.services import TillServices

    till = make_till(tmp_path)
    with till.store.read() as session:
        indexes = _schema(session, "index")
    with till.store.write() as session:
        sync_apply.apply_changes(session, [pulled_member(n + 1, n) for n in range(3)])
    till.store.close()  # stopped before the pull's last page
    store = open_store(till.path)
    try:
        step = dict(MAINTENANCE)["name index"]
        assert step(TillServices.open(store), argparse.Namespace()) == (
            "3 names added, 9 members' indexes a first pull left built"
        )
        assert step(TillServices.open(store), argparse.Namespace()) == "up to date"
        with store.read() as session:
            assert _schema(session, "index") == indexes
    finally:
        store.close()
