"""Write-ahead-log checkpoints off the sale path.

SQLite's automatic checkpoint runs inside the commit that crosses the threshold, so every thousandth award
would pay for copying the log into the database and an extra fsync — the slow tail of the commit latency.
The till turns automatic checkpoints off on its connections and runs them here instead: a small thread with
its own connection wakes up periodically and, when the log has grown, runs a PASSIVE checkpoint (which never
waits for, nor blocks, the writer). Closing the store runs a last TRUNCATE checkpoint.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024  # about a thousand 4 KiB pages, SQLite's own default threshold
INTERVAL = 0.5


class Checkpointer:
    def __init__(
        self, path: Path, *, threshold: int = WAL_CHECKPOINT_BYTES, interval: float = INTERVAL
    ) -> None:
        self.path = path
        self.wal = path.with_name(path.name + "-wal")
        self.threshold = threshold
        self.interval = interval
        self._stop = threading.Event()
        self._done = threading.Condition()
        self._checkpoints = 0
        self._thread = threading.Thread(target=self._run, name="wal checkpoints", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _wal_size(self) -> int:
        try:
            return self.wal.stat().st_size
        except OSError:
            return 0

    def checkpoint(self, mode: str = "PASSIVE") -> None:
        with sqlite3.connect(self.path, timeout=5.0, isolation_level=None) as conn:
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        conn.close()

    def run_once(self, threshold: int | None = None) -> bool:
        """One round of the thread: a PASSIVE checkpoint when the log has reached the threshold (``threshold``:
        another one than the thread's).

        True when a checkpoint ran; False when the log is still small, or the database was busy or locked
        (the next round tries again)."""
        if self._wal_size() < (self.threshold if threshold is None else threshold):
            return False
        try:
            self.checkpoint()
        except sqlite3.Error as err:
            log.debug("checkpoint of %s deferred: %s", self.path, err)
            return False
        with self._done:
            self._checkpoints += 1
            self._done.notify_all()
        return True

    @property
    def checkpoints(self) -> int:
        """How many checkpoints ``run_once`` has run, on the thread or by hand."""
        with self._done:
            return self._checkpoints

    def wait_for_checkpoints(self, count: int, timeout: float) -> bool:
        """Wait until ``run_once`` has run ``count`` checkpoints in all; False if ``timeout`` passed first."""
        with self._done:
            return self._done.wait_for(lambda: self._checkpoints >= count, timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.run_once()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)
