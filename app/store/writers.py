"""Writers take turns: a queue in front of SQLite's write lock, across threads and processes.

SQLite lets one connection write at a time; a connection that finds the lock taken polls for it, sleeping 1, 2,
5, 10… up to 100 ms between tries (its busy handler), until ``busy_timeout``. A process that writes
continuously (a script awarding in bulk) releases the lock for a fraction of a millisecond between two
transactions, so a writer that is asleep keeps missing that moment: measured on the benchmark dataset, the
window's award waited up to a second (p99) behind a second process writing flat out.

So every ``Store.write`` first takes an exclusive ``flock`` on ``<database>-writers`` (a small file next to
the database, created on first use) and holds it until its transaction ends. A waiting writer sleeps in the
kernel and is woken the moment the holder lets go, so writers alternate instead of one starving the other.
The wait is bounded like SQLite's (``TURN_TIMEOUT_S``, the busy timeout): the blocking ``flock`` runs on a
helper thread with its own file descriptor, and a writer that waited too long gets ``DatabaseBusy`` (retried
by ``retry_when_busy``). Anything that cannot use the file (a folder that refuses it, another kind of file
system) simply writes without the queue: SQLite's own locking still keeps the data safe — the queue only
makes waiting fair.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from app.store.errors import DatabaseBusy

log = logging.getLogger(__name__)

TURN_TIMEOUT_S = 5.0
"""How long a writer waits for its turn: the same as SQLite's busy timeout (engine.PRAGMAS)."""


def queue_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-writers")


class WriterQueue:
    """One per ``Store``. Threads of one store take turns on a lock; stores and processes on the file."""

    def __init__(self, db_path: Path, timeout: float = TURN_TIMEOUT_S) -> None:
        self.path = queue_path(db_path)
        self.timeout = timeout
        self._local = threading.Lock()
        self._queued = 0
        """Threads of this process waiting for their turn (``waiting``)."""
        self._count = threading.Lock()
        self._fd: int | None = None
        self._unusable = False

    def _open(self) -> int | None:
        if self._fd is None and not self._unusable:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as err:
                log.info("writers queue %s not available (%s): SQLite's locking alone", self.path, err)
                self._unusable = True
        return self._fd

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the writers' turn for the duration of the block; ``DatabaseBusy`` if it does not come."""
        with self._count:
            self._queued += 1
        try:
            turn = self._local.acquire(timeout=self.timeout)
        finally:
            with self._count:
                self._queued -= 1
        if not turn:
            raise DatabaseBusy()
        try:
            held = self._acquire_file()
            try:
                yield
            finally:
                if held is not None:
                    fcntl.flock(held, fcntl.LOCK_UN)
                    if held != self._fd:
                        os.close(held)
        finally:
            self._local.release()

    def waiting(self) -> int:
        """How many threads of this process wait for the turn now: a long series of writes (a first pull)
        keeps its transactions short while a sale waits, and long otherwise. Other processes are not
        counted; they wait for the series' longest transaction at most."""
        with self._count:
            return self._queued

    def _acquire_file(self) -> int | None:
        """The descriptor holding the file lock, or None when the queue is not in use."""
        fd = self._open()
        if fd is None:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            pass
        except OSError as err:  # e.g. a file system without flock
            log.info("writers queue %s not usable (%s): SQLite's locking alone", self.path, err)
            self._unusable = True
            return None
        return self._wait_for_turn()

    def _wait_for_turn(self) -> int:
        # A descriptor of its own: locks belong to the open file, and an abandoned wait must be able to let go
        # of what it gets without touching this store's other descriptor.
        waiter = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
        got = threading.Event()
        guard = threading.Lock()
        abandoned = False

        def wait() -> None:
            fcntl.flock(waiter, fcntl.LOCK_EX)
            with guard:
                if abandoned:
                    fcntl.flock(waiter, fcntl.LOCK_UN)
                    os.close(waiter)
                    return
                got.set()

        threading.Thread(target=wait, name="writers queue", daemon=True).start()
        got.wait(self.timeout)
        with guard:
            if got.is_set():
                return waiter
            abandoned = True
        log.warning("no write turn on %s after %.1f s: another writer holds it", self.path, self.timeout)
        raise DatabaseBusy()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
