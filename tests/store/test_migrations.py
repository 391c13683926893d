from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect, text

from app.store import migrate, open_store
from app.store.engine import create_store_engine
from app.store.errors import EmptyDatabase
from app.store.models import APPLICATION_ID, Base

TRIGGERS = {
    "members_fts_after_insert",
    "members_fts_after_update",
    "members_fts_after_delete",
    "ledger_entries_no_update",
    "ledger_entries_no_delete",
    "audit_log_no_update",
    "audit_log_no_delete",
}


def _schema_objects(path: Path) -> set[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
    return {(str(kind), str(name)) for kind, name in rows}


def test_missing_file_is_created_at_head(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "till.sqlite"
    with open_store(path) as store, store.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        assert conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
    assert not (tmp_path / "sub" / "backups").exists()


def test_missing_file_gets_the_whole_schema(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    with open_store(path) as store, store.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
    objects = _schema_objects(path)
    assert {name for kind, name in objects if kind == "trigger"} >= TRIGGERS
    assert ("table", "members_fts") in objects
    assert not (tmp_path / "backups").exists(), "nothing to back up in a new file"
    # Built under a temporary name and linked into place: nothing of it is left beside the database.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["till.sqlite"]


def test_empty_file_is_not_a_new_till(tmp_path: Path) -> None:
    """A 0-byte file is a till whose data went missing: refused untouched (tests/store/test_operations.py)."""
    path = tmp_path / "till.sqlite"
    path.touch()
    with pytest.raises(EmptyDatabase):
        open_store(path)
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["till.sqlite"]


def test_sqlite_file_without_schema_or_application_id_is_treated_as_new(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("VACUUM")  # a valid, empty database file
    assert path.stat().st_size > 0
    with open_store(path) as store, store.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()


def test_downgrade_to_base_and_upgrade_again(store_path: Path) -> None:
    before = _schema_objects(store_path)
    migrate.downgrade(store_path.as_posix(), "base")
    leftover = _schema_objects(store_path)
    assert leftover == {("table", "alembic_version")}
    with closing(sqlite3.connect(store_path)) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (0,)
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (0,)  # plain sqlite3, default off
    migrate.upgrade(store_path.as_posix())
    assert _schema_objects(store_path) == before


def test_models_match_migrated_schema(store_path: Path) -> None:
    engine = create_store_engine(store_path)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "include_name": migrate.include_name,
                    "compare_type": True,
                    "compare_server_default": True,
                },
            )
            assert compare_metadata(context, Base.metadata) == []
            inspector = inspect(conn)
            # Alembic does not compare CHECK constraints or partial-index predicates, so check them here.
            for table in Base.metadata.sorted_tables:
                reflected = {
                    c["name"]: " ".join(c["sqltext"].split())
                    for c in inspector.get_check_constraints(table.name)
                }
                declared = {
                    str(c.name): " ".join(str(c.sqltext).split())
                    for c in table.constraints
                    if isinstance(c, CheckConstraint)
                }
                assert reflected == declared, table.name
                indexes = {
                    ix["name"]: str(ix.get("dialect_options", {}).get("sqlite_where", ""))
                    for ix in inspector.get_indexes(table.name)
                }
                for index in table.indexes:
                    where = index.dialect_options["sqlite"]["where"]
                    assert indexes[index.name] == ("" if where is None else str(where)), index.name
    finally:
        engine.dispose()


def test_migration_that_fails_leaves_nothing_behind(tmp_path: Path) -> None:
    engine = create_store_engine(tmp_path / "till.sqlite")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE members (id TEXT PRIMARY KEY)")  # in the way of 0001
            conn.commit()
        with pytest.raises(Exception, match="already exists"):
            migrate.upgrade(engine)
        with engine.connect() as conn:
            assert migrate.current_revision(conn) is None
            tables = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
            assert tables == {"members"}
            assert conn.exec_driver_sql("PRAGMA application_id").scalar() == 0
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_backup_is_taken_before_upgrading(store_path: Path, tmp_path: Path) -> None:
    migrate.downgrade(store_path.as_posix(), "base")
    backup_dir = tmp_path / "saved"
    with open_store(store_path, backup_dir=backup_dir) as store, store.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
    backups = sorted(backup_dir.iterdir())
    assert len(backups) == 1
    assert backups[0].name.startswith("till-empty-")
    assert backups[0].suffix == ".sqlite"
    with closing(sqlite3.connect(backups[0])) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert _schema_objects(backups[0]) == {("table", "alembic_version")}


def test_default_backup_dir_and_no_backup_at_head(store_path: Path) -> None:
    open_store(store_path).close()
    assert not (store_path.parent / "backups").exists()
    migrate.downgrade(store_path.as_posix(), "base")
    open_store(store_path).close()
    assert len(list((store_path.parent / "backups").glob("till-empty-*.sqlite"))) == 1


def test_migrate_false_leaves_schema_alone(store_path: Path) -> None:
    migrate.downgrade(store_path.as_posix(), "base")
    with open_store(store_path, migrate=False) as store, store.engine.connect() as conn:
        assert migrate.current_revision(conn) is None
    assert not (store_path.parent / "backups").exists()


def test_head_read_from_the_scripts_is_alembics_head() -> None:
    """The till reads the head from the scripts' text to start without importing Alembic: both must agree,
    and the history must stay one line (one head, every script numbered)."""
    scripts = migrate._scripts()
    assert scripts.get_heads() == [migrate.head_revision()]
    oldest_first = [script.revision for script in scripts.walk_revisions()][::-1]
    assert list(migrate._revisions_in_order()) == oldest_first
    assert migrate.known_revisions() == frozenset(oldest_first)
