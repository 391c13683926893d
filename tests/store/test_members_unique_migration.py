"""Migration 0011 builds the members table again with its phone, e-mail and referral code kept unique by named
indexes: every row keeps its values and rowid, the name index still finds them, every trigger that names the
table still fires, and the same duplicates are refused before and after (and after a downgrade)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from app.store import migrate
from app.store.engine import create_store_engine

BEFORE = "0010_name_index_gap"
AFTER = "0011_members_unique_indexes"

_INSERT = (
    "INSERT INTO members (id, member_number, full_name, name_folded, phone, email, referral_code, status, "
    "balance, preferred_language, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, 'active', 0, 'vi', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
)


def _member(
    conn: Connection, i: int, *, phone: str | None = None, email: str | None = None, code: str = ""
) -> None:
    conn.exec_driver_sql(
        _INSERT,
        (f"m{i}", f"N{i:04d}", f"Nguyễn Văn {i}", f"nguyen van {i}", phone, email, code or f"REF{i:04d}"),
    )


def _rows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("SELECT rowid, * FROM members ORDER BY rowid")]


def _refused(engine: Engine, **values: str) -> bool:
    try:
        with engine.begin() as conn:
            _member(conn, 999, **values)
    except IntegrityError:
        return True
    return False


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = create_store_engine(tmp_path / "till.sqlite")
    migrate.upgrade(engine, BEFORE)
    with engine.begin() as conn:
        for i in range(1, 31):
            _member(conn, i, phone=f"+8490000{i:04d}", email=f"m{i}@example.vn" if i % 2 else None)
        conn.exec_driver_sql("DELETE FROM members WHERE id IN ('m3', 'm7')")  # rowids with holes
    return engine


def _objects(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {
            str(name): str(kind)
            for kind, name in conn.exec_driver_sql(
                "SELECT type, name FROM sqlite_master WHERE tbl_name = 'members' OR sql LIKE '%members %'"
            )
        }


def test_upgrade_keeps_rows_rowids_search_and_triggers(engine: Engine) -> None:
    rows = _rows(engine)
    before = _objects(engine)
    migrate.upgrade(engine, AFTER)
    assert _rows(engine) == rows
    after = _objects(engine)
    assert {n for n in after if n.startswith("uq_members_")} == {
        "uq_members_phone",
        "uq_members_email",
        "uq_members_referral_code",
    }
    # Two autoindexes fewer (phone, e-mail, referral code moved to named ones; id and number stay).
    assert sum(n.startswith("sqlite_autoindex_members") for n in before) == 5
    assert sum(n.startswith("sqlite_autoindex_members") for n in after) == 2
    assert {n for n, k in after.items() if k == "trigger"} == {n for n, k in before.items() if k == "trigger"}
    with engine.begin() as conn:
        found = conn.exec_driver_sql(
            "SELECT rowid FROM members_fts WHERE members_fts MATCH 'van' "
        ).fetchall()
        assert len(found) == 28
        # The name index's triggers fire on the rebuilt table.
        _member(conn, 40, phone="+84900009999")
        conn.exec_driver_sql(
            "UPDATE members SET full_name = 'Trần Thị B', name_folded = 'tran thi b' WHERE id = 'm1'"
        )
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM members_fts WHERE members_fts MATCH 'tran'").scalar()
            == 1
        )
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM members_fts WHERE members_fts MATCH 'van'").scalar()
            == 28
        )
        # So does the ledger's trigger that keeps the last visit (migration 0005), which names the table.
        assert (
            "UPDATE members"
            in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'members_last_visit_after_earn'"
            ).scalar_one()
        )
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


@pytest.mark.parametrize("revision", [BEFORE, AFTER])
def test_the_same_duplicates_are_refused(engine: Engine, revision: str) -> None:
    migrate.upgrade(engine, revision)
    assert _refused(engine, phone="+84900000001")
    assert _refused(engine, email="m1@example.vn")
    assert _refused(engine, code="REF0001")
    assert not _refused(engine, phone="+84911111111", email="new@example.vn", code="NEW")


def test_downgrade_brings_the_constraints_back(engine: Engine) -> None:
    rows = _rows(engine)
    before = _objects(engine)
    migrate.upgrade(engine, AFTER)
    migrate.downgrade(engine, BEFORE)
    assert _rows(engine) == rows
    assert _objects(engine) == before
    assert _refused(engine, phone="+84900000001")
    assert _refused(engine, code="REF0001")
