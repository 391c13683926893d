from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.store import Store, append_audit, open_store, verify_audit_chain
from app.store.engine import BEGIN_MODE_OPTION
from app.store.models import AuditRecord
from loyalty.audit import GENESIS_HASH, audit_hash, canonical_json

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
records = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["login", "adjust", "card_block", "merge", "settings"]),
        "staff_id": st.none() | st.text(min_size=1, max_size=8),
        "subject_type": st.none() | st.sampled_from(["member", "card", "ledger_entry"]),
        "subject_id": st.none() | st.text(max_size=12),
        "details": st.dictionaries(st.text(max_size=8), json_values, max_size=4),
        "at": st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2100, 1, 1),
            timezones=st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-5))]),
        ),
    }
)
record_lists = st.lists(records, min_size=1, max_size=8)


@pytest.fixture(scope="module")
def audit_store(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("audit") / "till.sqlite"
    path.write_bytes(migrated_template.read_bytes())
    with open_store(path) as store:
        yield store


@contextmanager
def _in_rolled_back_transaction(store: Store) -> Iterator[Session]:
    """A writer's session whose work (DDL included: SQLite DDL is transactional) is undone afterwards.

    Each hypothesis example runs in one, so examples share a database without seeing each other.
    """
    with store.engine.connect() as conn:
        conn.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"})
        transaction = conn.begin()
        try:
            yield Session(bind=conn)
        finally:
            transaction.rollback()


def _append_all(session: Session, items: list[dict[str, Any]]) -> list[AuditRecord]:
    return [append_audit(session, **item) for item in items]


def _without_triggers(session: Session) -> None:
    # Someone tampering with the file directly would do the same; the chain must still tell.
    session.execute(text("DROP TRIGGER audit_log_no_update"))
    session.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_hash_is_sha256_of_prev_hash_and_canonical_json() -> None:
    record = {"seq": 1, "at": "2025-01-01T00:00:00.000000Z", "details": {"b": 1, "a": "Đ"}}
    assert canonical_json(record) == '{"at":"2025-01-01T00:00:00.000000Z","details":{"a":"Đ","b":1},"seq":1}'
    expected = hashlib.sha256((GENESIS_HASH + canonical_json(record)).encode()).hexdigest()
    assert audit_hash(GENESIS_HASH, record) == expected
    assert GENESIS_HASH == "0" * 64


def test_first_record_links_to_genesis(audit_store: Store) -> None:
    with _in_rolled_back_transaction(audit_store) as session:
        first, second = _append_all(
            session,
            [
                {
                    "action": "login",
                    "staff_id": "s1",
                    "subject_type": None,
                    "subject_id": None,
                    "details": {"when": datetime(2025, 1, 1, tzinfo=UTC)},
                    "at": datetime.now(UTC),
                },
                {
                    "action": "logout",
                    "staff_id": "s1",
                    "subject_type": None,
                    "subject_id": None,
                    "details": {},
                    "at": datetime.now(UTC),
                },
            ],
        )
        assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
        assert (second.seq, second.prev_hash) == (2, first.hash)
        assert first.details == '{"when":"2025-01-01 00:00:00+00:00"}'
        assert verify_audit_chain(session) == []


@settings(max_examples=40, deadline=None)
@given(items=record_lists)
def test_any_appended_chain_verifies(audit_store: Store, items: list[dict[str, Any]]) -> None:
    with _in_rolled_back_transaction(audit_store) as session:
        appended = _append_all(session, items)
        assert [r.seq for r in appended] == list(range(1, len(items) + 1))
        assert verify_audit_chain(session) == []


@settings(max_examples=40, deadline=None)
@given(
    items=record_lists,
    data=st.data(),
    field=st.sampled_from(["details", "action", "at", "staff_id", "subject_id", "hash", "prev_hash"]),
)
def test_editing_any_row_is_detected(
    audit_store: Store, items: list[dict[str, Any]], data: st.DataObject, field: str
) -> None:
    with _in_rolled_back_transaction(audit_store) as session:
        appended = _append_all(session, items)
        victim = data.draw(st.sampled_from(appended), label="victim")
        old = session.execute(
            text(f"SELECT {field} FROM audit_log WHERE seq = :seq"), {"seq": victim.seq}
        ).scalar()
        new = {
            "details": canonical_json({"tampered": True}),
            "at": "1999-12-31T23:59:59.000000Z",
            "hash": "f" * 64,
            "prev_hash": "e" * 64,
        }.get(field, "tampered")
        if new == old:
            new = new + "!" if field != "details" else canonical_json({"tampered": False})
        _without_triggers(session)
        session.execute(
            text(f"UPDATE audit_log SET {field} = :new WHERE seq = :seq"), {"new": new, "seq": victim.seq}
        )
        problems = verify_audit_chain(session)
        assert problems, f"editing {field} of record {victim.seq} went unnoticed"
        assert min(p.seq for p in problems) == victim.seq


@settings(max_examples=40, deadline=None)
@given(items=record_lists, data=st.data())
def test_deleting_any_row_is_detected(
    audit_store: Store, items: list[dict[str, Any]], data: st.DataObject
) -> None:
    with _in_rolled_back_transaction(audit_store) as session:
        appended = _append_all(session, items)
        victim = data.draw(st.sampled_from(appended), label="victim")
        _without_triggers(session)
        session.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": victim.seq})
        problems = verify_audit_chain(session)
        assert problems, f"deleting record {victim.seq} of {len(appended)} went unnoticed"
        kinds = {p.kind for p in problems}
        assert kinds & {"missing", "broken_link", "truncated"}


def test_reordering_rows_is_detected(audit_store: Store) -> None:
    items = [
        {
            "action": f"a{i}",
            "staff_id": None,
            "subject_type": None,
            "subject_id": None,
            "details": {"i": i},
            "at": datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
        }
        for i in range(4)
    ]
    with _in_rolled_back_transaction(audit_store) as session:
        _append_all(session, items)
        _without_triggers(session)
        # Swap rows 2 and 3 wholesale (every column but seq), as an editor reordering history would.
        columns = "at, staff_id, action, subject_type, subject_id, details, prev_hash, hash"
        session.execute(
            text(f"CREATE TEMP TABLE swap AS SELECT seq, {columns} FROM audit_log WHERE seq IN (2, 3)")
        )
        for column in columns.split(", "):
            session.execute(
                text(
                    f"UPDATE audit_log SET {column} = "
                    f"(SELECT {column} FROM swap WHERE swap.seq = 5 - audit_log.seq) WHERE seq IN (2, 3)"
                )
            )
        problems = verify_audit_chain(session)
        assert {p.seq for p in problems} >= {2, 3}


def test_appending_after_a_removed_tail_keeps_the_gap_visible(audit_store: Store) -> None:
    items: list[dict[str, Any]] = [
        {
            "action": "x",
            "staff_id": None,
            "subject_type": None,
            "subject_id": None,
            "details": {},
            "at": datetime(2025, 1, 1, tzinfo=UTC),
        }
    ] * 3
    with _in_rolled_back_transaction(audit_store) as session:
        _append_all(session, items)
        _without_triggers(session)
        session.execute(text("DELETE FROM audit_log WHERE seq = 3"))
        assert [p.kind for p in verify_audit_chain(session)] == ["truncated"]
        record = append_audit(session, **items[0])
        assert record.seq == 4
        assert [(p.seq, p.kind) for p in verify_audit_chain(session)] == [(4, "missing")]


def test_append_refuses_naive_time(audit_store: Store) -> None:
    with _in_rolled_back_transaction(audit_store) as session, pytest.raises(ValueError, match="naive"):
        append_audit(
            session,
            action="x",
            staff_id=None,
            subject_type=None,
            subject_id=None,
            details={},
            at=datetime(2025, 1, 1),
        )
