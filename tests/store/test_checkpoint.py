"""Checkpoints run on their own thread, so commits never pay for them, and the log still stays small."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.store.checkpoint import WAL_CHECKPOINT_BYTES, Checkpointer
from app.store.db import Store, open_store

ROW = 100_000  # bytes of random data a row: about 25 pages of the log


def _insert(store: Store, rows: int) -> None:
    for _ in range(rows):
        with store.write() as session:
            session.execute(text(f"INSERT INTO scratch VALUES (randomblob({ROW}))"))


def _open_with_scratch(path: Path) -> Store:
    store = open_store(path)
    with store.write() as session:
        assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
        session.execute(text("CREATE TABLE scratch (v BLOB)"))
    return store


def test_commits_do_not_checkpoint_and_a_checkpoint_lets_the_log_be_reused(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    store = _open_with_scratch(path)
    store._checkpointer.stop()  # this test runs every checkpoint itself, in this thread
    wal = path.with_name(path.name + "-wal")
    _insert(store, 60)
    grown = wal.stat().st_size
    assert grown > 60 * ROW  # without automatic checkpoints the log keeps everything

    checkpointer = Checkpointer(path, threshold=1024 * 1024)  # never started: driven by hand
    assert checkpointer.run_once()  # the log is past the threshold
    # 20 MB more, a checkpoint after each commit: every commit starts the log again from its beginning, so
    # the file never grows past the size it had (it would reach about 26 MB without checkpoints).
    for _ in range(200):
        _insert(store, 1)
        assert checkpointer.run_once()
        assert wal.stat().st_size <= grown
    assert checkpointer.checkpoints == 201
    with store.read() as session:
        assert session.execute(text("SELECT count(*) FROM scratch")).scalar() == 260
    store.close()


def test_a_small_log_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    store = _open_with_scratch(path)
    store._checkpointer.stop()
    _insert(store, 1)
    checkpointer = Checkpointer(path, threshold=1024 * 1024)
    assert not checkpointer.run_once()
    assert checkpointer.checkpoints == 0
    store.close()


def test_the_store_checkpoints_on_its_own_thread(tmp_path: Path) -> None:
    """The thread that open_store starts runs the checkpoints: the test only waits for one to happen."""
    path = tmp_path / "till.sqlite"
    store = _open_with_scratch(path)
    wal = path.with_name(path.name + "-wal")
    _insert(store, WAL_CHECKPOINT_BYTES // ROW + 5)
    # The log is past the threshold now, so the thread checkpoints every round. The second checkpoint counted
    # from here began after the first had finished, so after the last commit: it copied the whole log.
    seen = store._checkpointer.checkpoints
    assert store._checkpointer.wait_for_checkpoints(seen + 2, timeout=60)
    store._checkpointer.stop()  # no more checkpoints: what follows depends on the ones that ran
    grown = wal.stat().st_size
    _insert(store, 5)  # the log was checkpointed, so these commits reuse it from its beginning
    assert wal.stat().st_size <= grown
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
