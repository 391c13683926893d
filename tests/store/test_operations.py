"""Opening rules for operations: an empty file, a missing file, a read-only file or folder; busy and read-only
errors told apart from bugs, and the bounded retry of a write that meets another writer."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from app.store import open_store
from app.store.engine import create_store_engine
from app.store.errors import (
    DatabaseBusy,
    DatabaseNotWritable,
    EmptyDatabase,
    OrphanedJournal,
    StoreError,
)
from app.store.operational import RETRY_ATTEMPTS, is_busy, retry_when_busy, store_error_for

ROOT = Path(__file__).resolve().parents[2]


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_zero_byte_file_is_refused_untouched_and_points_to_the_backups(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    path.touch()
    with pytest.raises(EmptyDatabase) as caught:
        open_store(path, backup_dir=tmp_path / "my-backups")
    message = str(caught.value)
    assert "empty (0 bytes)" in message and str(tmp_path / "my-backups") in message
    assert "python -m app restore" in message
    assert path.stat().st_size == 0
    assert _listing(tmp_path) == ["till.sqlite"]


def test_only_a_missing_file_is_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "till.sqlite"
    open_store(path).close()
    assert path.stat().st_size > 0
    assert _listing(path.parent) == ["till.sqlite"]  # no temporary file left behind
    # A second open uses the file as it is.
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    open_store(path).close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_data_folder_that_is_a_file_is_refused_untouched(tmp_path: Path) -> None:
    """'--data-dir till.sqlite' by mistake: the folder given is a file, said so; nothing is created."""
    not_a_folder = tmp_path / "till.sqlite"
    not_a_folder.write_bytes(b"a file")
    for path in (not_a_folder / "till.sqlite", not_a_folder / "sub" / "till.sqlite"):
        with pytest.raises(StoreError) as caught:
            open_store(path)
        assert f"{not_a_folder} is a file, not a folder" in caught.value.message
    assert not_a_folder.read_bytes() == b"a file"
    assert _listing(tmp_path) == ["till.sqlite"]


def test_leftover_of_an_interrupted_first_start_is_not_mistaken_for_the_database(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    # A first start killed while migrating leaves its temporary file; the database itself never existed.
    (tmp_path / f".till.sqlite.new-{os.getpid()}").write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    open_store(path).close()
    assert _listing(tmp_path) == ["till.sqlite"]


def test_missing_database_with_its_log_still_there_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    open_store(path).close()
    with closing(sqlite3.connect(path)) as keep:  # keep a log alive, then lose the database
        keep.execute("PRAGMA journal_mode = WAL")
        keep.execute("PRAGMA wal_autocheckpoint = 0")
        keep.execute("CREATE TABLE scratch (x)")
        wal = tmp_path / "till.sqlite-wal"
        shutil.copyfile(wal, tmp_path / "saved-wal")
    path.unlink()
    (tmp_path / "saved-wal").rename(wal)
    assert wal.stat().st_size > 0
    with pytest.raises(OrphanedJournal) as caught:
        open_store(path)
    assert "write-ahead log" in str(caught.value)
    assert not path.exists()


def _is_root() -> bool:
    return os.geteuid() == 0


def _modes_stop_us() -> bool:
    """Whether a read-only mode stops this process (not root, or root without CAP_DAC_OVERRIDE)."""
    import tempfile

    with tempfile.NamedTemporaryFile() as probe:
        os.chmod(probe.name, 0o444)
        return not os.access(probe.name, os.W_OK)


@pytest.mark.skipif(not _modes_stop_us(), reason="file modes do not stop root: the next test covers root")
def test_read_only_file_and_folder_are_refused_before_anything_is_written(store_path: Path) -> None:
    store_path.chmod(0o444)
    try:
        before = hashlib.sha256(store_path.read_bytes()).hexdigest()
        with pytest.raises(DatabaseNotWritable) as caught:
            open_store(store_path)
        assert "read-only for this user" in str(caught.value) and str(store_path) in str(caught.value)
        assert hashlib.sha256(store_path.read_bytes()).hexdigest() == before
        assert _listing(store_path.parent) == ["till.sqlite"]
    finally:
        store_path.chmod(0o644)
    folder = store_path.parent
    folder.chmod(0o555)
    try:
        with pytest.raises(DatabaseNotWritable) as caught:
            open_store(store_path)
        assert "folder" in str(caught.value)
        with pytest.raises(DatabaseNotWritable):
            open_store(folder / "other" / "till.sqlite")
    finally:
        folder.chmod(0o755)


_OPEN_AND_REPORT = """
import sys
import threading
from pathlib import Path
from app.store import open_store
from app.store.errors import StoreError
try:
    open_store(Path(sys.argv[1])).close()
except StoreError as err:
    print(type(err).__name__, err)
"""


@pytest.mark.skipif(not _is_root(), reason="needs root to make a private read-only mount")
def test_read_only_file_system_is_refused_even_for_root(store_path: Path) -> None:
    """Root ignores file modes, but not a read-only mount: os.access reports it and the open is refused."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    folder = store_path.parent
    before = hashlib.sha256(store_path.read_bytes()).hexdigest()
    script = (
        f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && "
        f"exec {sys.executable} -c '{_OPEN_AND_REPORT}' {store_path}"
    )
    result = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    if result.returncode != 0 and "mount" in result.stderr:
        pytest.skip(f"no private mounts here: {result.stderr.strip()}")
    assert result.stdout.startswith("DatabaseNotWritable"), result.stdout + result.stderr
    assert hashlib.sha256(store_path.read_bytes()).hexdigest() == before
    assert _listing(folder) == ["till.sqlite"]


def test_sqlite_read_only_error_gets_a_sentence(store_path: Path) -> None:
    """What the pre-open check cannot see (a connection that turns out read-only) is still a sentence."""
    engine = create_store_engine(f"sqlite+pysqlite:///file:{store_path}?mode=ro&uri=true")
    try:
        with pytest.raises(Exception) as caught, engine.begin() as conn:
            conn.execute(text("INSERT INTO settings (key, value) VALUES ('x', '1')"))
    finally:
        engine.dispose()
    error = store_error_for(caught.value, store_path)
    assert isinstance(error, DatabaseNotWritable)
    assert str(store_path) in str(error) and "read-only" in str(error)


def _holder(path: Path) -> sqlite3.Connection:
    """Another writer holding the write lock."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def _quick_write(path: Path, attempts: list[int]) -> str:
    """A write that does not wait for the lock (busy timeout 0), so the test does not wait either."""
    attempts.append(1)
    with closing(sqlite3.connect(path, isolation_level=None, timeout=0)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO settings (key, value) VALUES (?, '1')", (f"k{len(attempts)}",))
        conn.execute("COMMIT")
    return "written"


def test_a_write_that_meets_another_writer_is_run_again(store_path: Path) -> None:
    open_store(store_path).close()
    holder = _holder(store_path)
    attempts: list[int] = []

    def write_then_release() -> str:
        try:
            return _quick_write(store_path, attempts)
        except sqlite3.OperationalError as err:
            assert is_busy(err)
            holder.rollback()  # the other writer finishes
            raise

    try:
        assert retry_when_busy(write_then_release) == "written"
    finally:
        holder.close()
    assert len(attempts) == 2


def test_a_database_that_stays_busy_is_a_sentence_after_a_few_attempts(store_path: Path) -> None:
    open_store(store_path).close()
    holder = _holder(store_path)
    attempts: list[int] = []
    try:
        with pytest.raises(DatabaseBusy) as caught:
            retry_when_busy(_quick_write, store_path, attempts)
    finally:
        holder.close()
    assert len(attempts) == RETRY_ATTEMPTS
    assert str(caught.value) == (
        "The till's database is busy (another program is writing to it). Try again in a moment."
    )
    with closing(sqlite3.connect(store_path)) as conn:
        assert conn.execute("SELECT count(*) FROM settings WHERE key LIKE 'k%'").fetchone()[0] == 0


def test_other_errors_are_not_retried(store_path: Path) -> None:
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        retry_when_busy(broken)
    assert calls == [1]


def test_writers_take_turns_across_stores_and_a_wait_is_bounded(tmp_path: Path) -> None:
    from app.store.writers import WriterQueue, queue_path

    db = tmp_path / "till.sqlite"
    first, second, third = WriterQueue(db), WriterQueue(db, timeout=0.2), WriterQueue(db)
    order: list[str] = []
    try:
        with first.turn():
            # Another store (or process: the lock is on the file) cannot get a turn meanwhile...
            with pytest.raises(DatabaseBusy), second.turn():
                pass
            # ...and one that waits gets it as soon as the holder lets go.
            waiting = threading.Thread(target=lambda: _take_turn(third, order))
            waiting.start()
            order.append("first done")
        waiting.join(timeout=30)
        assert order == ["first done", "third"]
        # The abandoned wait of `second` got the lock later and gave it back: turns still come.
        with first.turn(), pytest.raises(DatabaseBusy), second.turn():
            pass
        with second.turn():
            order.append("second")
    finally:
        for q in (first, second, third):
            q.close()
    assert order[-1] == "second"
    assert queue_path(db).exists()


def _take_turn(queue: object, order: list[str]) -> None:
    from app.store.writers import WriterQueue

    assert isinstance(queue, WriterQueue)
    with queue.turn():
        order.append("third")


def test_a_writer_waiting_for_its_turn_is_counted(tmp_path: Path) -> None:
    """A long series of writes (a first pull) ends its transaction early while another writer of the process
    waits: the queue says how many wait."""
    from app.store.writers import WriterQueue

    queue = WriterQueue(tmp_path / "till.sqlite")
    order: list[str] = []
    try:
        assert queue.waiting() == 0
        with queue.turn():
            assert queue.waiting() == 0  # the holder is not waiting
            waiter = threading.Thread(target=lambda: _take_turn(queue, order))
            waiter.start()
            for _ in range(3000):  # until the thread is in the queue (it has nothing else to do)
                if queue.waiting() == 1:
                    break
                threading.Event().wait(0.01)
            assert queue.waiting() == 1
            order.append("holder done")
        waiter.join(timeout=30)
        assert order == ["holder done", "third"]
        assert queue.waiting() == 0
    finally:
        queue.close()
