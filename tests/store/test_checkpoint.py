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
