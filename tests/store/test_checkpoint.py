"""Checkpoints run on their own thread, so commits never pay for them, and the log still stays small."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from app.store.checkpoint import Checkpointer
from app.store.db import open_store


def test_commits_do_not_checkpoint_but_the_thread_does(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    store = open_store(path)
    store._checkpointer.stop()  # drive checkpoints by hand below
    with store.write() as session:
        assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
        session.execute(text("CREATE TABLE scratch (v BLOB)"))
    for _ in range(60):
        with store.write() as session:
            session.execute(text("INSERT INTO scratch VALUES (randomblob(100000))"))
    wal = path.with_name(path.name + "-wal")
    grown = wal.stat().st_size
    assert grown > 4 * 1024 * 1024  # without automatic checkpoints the log keeps everything
    checkpointer = Checkpointer(path, threshold=1024 * 1024, interval=0.02)
    checkpointer.start()
    # 20 MB more: after a checkpoint the log is reused from its beginning, so it stays far smaller.
    for _ in range(200):
        with store.write() as session:
            session.execute(text("INSERT INTO scratch VALUES (randomblob(100000))"))
        time.sleep(0.005)
    checkpointer.stop()
    with store.read() as session:
        assert session.execute(text("SELECT count(*) FROM scratch")).scalar() == 260
    assert wal.stat().st_size < grown + 10 * 1024 * 1024
    store.close()


def test_close_leaves_no_log_behind(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    store = open_store(path)
    with store.write() as session:
        session.execute(text("CREATE TABLE scratch (v)"))
        session.execute(text("INSERT INTO scratch VALUES (1)"))
    store.close()
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_large_file_after_a_crash_opens_at_once_and_is_checked_later(tmp_path: Path) -> None:
    import shutil
    import threading

    from app.store import db

    path = tmp_path / "till.sqlite"
    store = open_store(path)
    with store.write() as session:
        session.execute(text("CREATE TABLE scratch (v)"))
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    # A copy taken while the store is open keeps its write-ahead log: what a power cut leaves behind.
    for suffix in ("", "-wal", "-shm"):
        if path.with_name(path.name + suffix).exists():
            shutil.copy(path.with_name(path.name + suffix), crashed / ("till.sqlite" + suffix))
    store.close()
    limit = db.QUICK_CHECK_ALWAYS_BYTES
    db.QUICK_CHECK_ALWAYS_BYTES = 0  # every file counts as large here
    try:
        reopened = open_store(crashed / "till.sqlite")
    finally:
        db.QUICK_CHECK_ALWAYS_BYTES = limit
    assert reopened.needs_check
    done = threading.Event()
    found: list[list[str]] = []

    def report(problems: list[str]) -> None:
        found.append(problems)
        done.set()

    reopened.check_later(report)
    assert done.wait(10)
    assert found == [[]]
    reopened.close()
