"""Online backups: consistent while the till writes, verified, rotated; restore with the current file kept aside."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.store import NotOurDatabase, open_store
from app.store.backups import (
    backup_due,
    exclusive_use,
    list_backups,
    restore_backup,
    take_backup,
    verify_backup,
)
from app.store.db import backup_database
from app.store.errors import BackupFailed, CorruptDatabase, DatabaseInUse, EmptyDatabase, StoreError
from app.store.models import APPLICATION_ID
from tests.store.factories import make_member


def _count(path: Path, table: str) -> int:
    """Rows of ``table``, read without leaving -wal/-shm files next to a file that has none."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not path.with_name(path.name + "-wal").exists():
        uri += "&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _add_members(path: Path, n: int, prefix: str = "Member") -> None:
    with open_store(path) as store, store.write() as session:
        for i in range(n):
            make_member(session, f"Trần Thị {prefix} {i}")


def test_backup_is_a_verified_copy_and_leaves_the_folder_clean(store_path: Path) -> None:
    _add_members(store_path, 5)
    folder = store_path.parent / "backups"
    result = take_backup(store_path, folder, kind="manual")
    copy = result.backup.path
    assert copy.parent == folder and copy.name.startswith("till-manual-") and copy.suffix == ".sqlite"
    assert result.kept == 1 and result.removed == ()
    verify_backup(copy)
    with closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro&immutable=1", uri=True)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert _count(copy, "members") == 5
    # No temporary copy left, and no -wal/-shm next to the database nor the backup.
    assert sorted(p.name for p in folder.iterdir()) == [copy.name]
    assert sorted(p.name for p in store_path.parent.iterdir()) == [
        "backups",
        "till.sqlite",
        "till.sqlite-writers",
    ]


def test_backup_while_another_connection_keeps_writing(store_path: Path) -> None:
    """The online backup is one consistent snapshot; the writer is never stopped."""
    stop = threading.Event()
    written: list[int] = []
    store = open_store(store_path)

    def writer() -> None:
        i = 0
        while not stop.is_set():
            with store.write() as session:
                make_member(session, f"Lê Văn Writer {i}")
            written.append(i)
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        copies = [take_backup(store_path, store_path.parent / "backups").backup.path for _ in range(3)]
        while len(written) < 60:
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
        store.close()
    counts = [_count(c, "members") for c in copies]
    assert counts == sorted(counts) and counts[0] >= 20
    assert _count(store_path, "members") == len(written)


def test_rotation_keeps_the_newest_and_never_the_pre_upgrade_copies(store_path: Path) -> None:
    folder = store_path.parent / "backups"
    pre_upgrade = backup_database(store_path, folder, "0001")
    made = [take_backup(store_path, folder, kind="daily", keep=3).backup.path for _ in range(5)]
    kept = [b.path for b in list_backups(store_path, folder)]
    assert kept == list(reversed(made[-3:]))  # newest first
    assert not any(p.exists() for p in made[:2])
    assert pre_upgrade.exists()


def test_a_copy_that_fails_its_check_is_deleted_and_the_older_ones_stay(store_path: Path) -> None:
    folder = store_path.parent / "backups"
    good = take_backup(store_path, folder).backup.path
    _add_members(store_path, 1500)
    # Damage pages in the middle of the file: SQLite copies them faithfully, the check after the copy sees it.
    data = bytearray(store_path.read_bytes())
    page = 4096
    rng = random.Random(3)
    for n in range(len(data) // page // 2, len(data) // page // 2 + 4):
        data[n * page : (n + 1) * page] = rng.randbytes(page)
    store_path.write_bytes(bytes(data))
    with pytest.raises(BackupFailed) as caught:
        take_backup(store_path, folder, keep=1)
    assert "deleted" in str(caught.value) and "older backups were kept" in str(caught.value)
    assert [b.path for b in list_backups(store_path, folder)] == [good]
    assert sorted(p.name for p in folder.iterdir()) == [good.name]


def test_a_backup_is_due_after_the_interval(store_path: Path) -> None:
    folder = store_path.parent / "backups"
    assert backup_due(store_path, folder, timedelta(days=1))
    newest = take_backup(store_path, folder, kind="daily").backup
    assert not backup_due(store_path, folder, timedelta(days=1))
    assert backup_due(store_path, folder, timedelta(days=1), now=newest.taken_at + timedelta(days=1))
    assert newest.taken_at.tzinfo == UTC and newest.taken_at <= datetime.now(UTC)


def test_restore_puts_the_backup_in_place_and_keeps_the_current_file_aside(store_path: Path) -> None:
    folder = store_path.parent / "backups"
    _add_members(store_path, 3, "Before")
    backup = take_backup(store_path, folder).backup.path
    # Entries after the backup, some only in the write-ahead log when the restore runs (another connection
    # keeps it from being checkpointed until after the files are moved).
    _add_members(store_path, 4, "After")
    with closing(sqlite3.connect(store_path, isolation_level=None)) as conn:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("INSERT INTO settings (key, value) VALUES ('only-in-wal', '1')")
        wal = store_path.with_name("till.sqlite-wal")
        assert wal.exists() and wal.stat().st_size > 0
        wal_copy = wal.read_bytes()
    # (the connection closed and checkpointed; put the log back as an unclean shutdown leaves it)
    with closing(sqlite3.connect(store_path)) as conn:
        conn.execute("DELETE FROM settings WHERE key = 'only-in-wal'")
        conn.commit()
    wal.write_bytes(wal_copy)
    result = restore_backup(backup, store_path, folder)
    assert result.restored == store_path and result.source == backup
    aside = result.set_aside[0]
    assert aside.name.startswith("till-before-restore-") and aside.suffix == ".sqlite"
    assert aside.with_name(aside.name + "-wal") in result.set_aside
    assert not wal.exists()
    assert _count(store_path, "members") == 3
    # The set-aside file opens with everything it had, its log included.
    with closing(sqlite3.connect(aside)) as conn:
        assert conn.execute("SELECT count(*) FROM members").fetchone()[0] == 7
        assert conn.execute("SELECT count(*) FROM settings WHERE key = 'only-in-wal'").fetchone()[0] == 1
    with open_store(store_path) as store, store.read() as session:
        assert session.execute(text("SELECT count(*) FROM members")).scalar() == 3
    assert backup.exists()


@pytest.mark.parametrize("kind", ["text", "empty", "other-sqlite", "corrupt"])
def test_restore_refuses_what_is_not_a_sound_till_database(store_path: Path, kind: str) -> None:
    candidate = store_path.parent / "candidate.sqlite"
    expected: type[Exception]
    if kind == "text":
        candidate.write_text("not a database\n")
        expected = NotOurDatabase
    elif kind == "empty":
        candidate.touch()
        expected = EmptyDatabase
    elif kind == "other-sqlite":
        with closing(sqlite3.connect(candidate)) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
        expected = NotOurDatabase
    else:
        _add_members(store_path, 1500)
        data = bytearray(store_path.read_bytes())
        for n in range(len(data) // 4096 // 2, len(data) // 4096 // 2 + 4):
            data[n * 4096 : (n + 1) * 4096] = random.Random(n).randbytes(4096)
        candidate.write_bytes(bytes(data))
        expected = CorruptDatabase
    before = store_path.read_bytes()
    with pytest.raises(expected):
        restore_backup(candidate, store_path, store_path.parent / "backups")
    assert store_path.read_bytes() == before
    assert not [p for p in store_path.parent.iterdir() if p.name.startswith((".till", "till-before"))]


def test_restore_of_a_missing_file_says_so_and_changes_nothing(store_path: Path) -> None:
    before = store_path.read_bytes()
    for missing in (store_path.parent / "till-manual-typo.sqlite", store_path.parent):
        with pytest.raises(StoreError) as err:
            restore_backup(missing, store_path, store_path.parent / "backups")
        assert err.value.message == (
            f"{missing} does not exist or is not a file: give a backup file to restore, from "
            f"{store_path.parent / 'backups'}. Nothing was changed."
        )
    assert store_path.read_bytes() == before


_HOLD_OPEN = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM members").fetchone()
print("open", flush=True)
sys.stdin.read()
"""


def test_restore_refuses_while_another_process_has_the_database_open(store_path: Path) -> None:
    backup = take_backup(store_path, store_path.parent / "backups").backup.path
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_OPEN, str(store_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseInUse) as caught:
            restore_backup(backup, store_path, store_path.parent / "backups")
        assert "open in another program" in str(caught.value)
        assert not any(p.name.startswith("till-before-restore") for p in store_path.parent.iterdir())
    finally:
        holder.communicate("", timeout=30)
    with exclusive_use(store_path):  # free again once the other process has gone
        pass
    assert restore_backup(backup, store_path, store_path.parent / "backups").set_aside
