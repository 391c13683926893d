from __future__ import annotations

import hashlib
import random
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from app.store import CorruptDatabase, DatabaseTooNew, NotOurDatabase, Store, open_store
from app.store.errors import StoreError
from loyalty.errors import LoyaltyError
from tests.store.factories import make_member


def _fingerprint(path: Path) -> tuple[str, set[str]]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), {p.name for p in path.parent.iterdir()}


def _assert_refused(path: Path, error: type[StoreError]) -> StoreError:
    before = _fingerprint(path)
    with pytest.raises(error) as caught:
        open_store(path)
    assert _fingerprint(path) == before, "a refused file must stay byte-for-byte unchanged, with no new files"
    return caught.value


def _text_file(path: Path) -> None:
    path.write_text("member_number,name\n1001,Lan\n", encoding="utf-8")


def _png_file(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)


def _other_app_db(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA application_id = 1234")
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('hello')")
        conn.commit()


def _other_app_wal_db(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.commit()


def _header_only(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00")


@pytest.mark.parametrize(
    "make",
    [_text_file, _png_file, _other_app_db, _other_app_wal_db],
    ids=["text", "png", "other-app", "other-app-wal-no-app-id"],
)
def test_files_that_are_not_ours_are_refused_untouched(tmp_path: Path, make: Callable[[Path], None]) -> None:
    path = tmp_path / "till.sqlite"
    make(path)
    error = _assert_refused(path, NotOurDatabase)
    assert isinstance(error, LoyaltyError)
    assert error.code == "store_not_ours"
    assert str(path) in str(error) and "left untouched" in str(error)


def test_truncated_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    _header_only(path)
    error = _assert_refused(path, StoreError)
    assert isinstance(error, NotOurDatabase | CorruptDatabase)


def test_corrupt_store_is_refused_untouched(store_path: Path) -> None:
    with open_store(store_path) as store, store.write() as session:
        for i in range(1500):
            make_member(session, f"Trần Thị Member {i}", phone=f"+8490{i:07d}")
    page_size = 4096
    data = bytearray(store_path.read_bytes())
    pages = len(data) // page_size
    assert pages > 20
    rng = random.Random(7)
    for page in range(pages // 2, pages // 2 + 4):
        start = page * page_size
        data[start : start + page_size] = rng.randbytes(page_size)
    store_path.write_bytes(bytes(data))
    error = _assert_refused(store_path, CorruptDatabase)
    assert error.code == "store_corrupt"


def test_database_written_by_newer_version_is_refused_untouched(store_path: Path) -> None:
    with closing(sqlite3.connect(store_path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffff'")
        conn.commit()
    error = _assert_refused(store_path, DatabaseTooNew)
    assert error.params["revision"] == "ffffffff"
    assert "newer version" in str(error)


def test_pragmas_on_every_connection(store: Store) -> None:
    connections = [store.engine.connect() for _ in range(3)]
    try:
        for conn in connections:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    finally:
        for conn in connections:
            conn.close()
    for make_session in (store.read, store.write, store.session):
        with make_session() as session:
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert session.execute(text("PRAGMA synchronous")).scalar() == 2
