"""A long read of the whole database (checking the hash chains, exporting the log, finding duplicates) on a
thread of its own, with progress.

The op runner has one database worker, and a sale queued behind a two-minute check would wait two minutes.
These jobs only read (one snapshot, never the write lock; SQLite's WAL lets them run beside the till's
writes), so they get their own thread instead, one job at a time per page. The service call is the same
Qt-free call as anywhere; its progress, result and failure come back on the UI thread as signals. A job can
be asked to stop: the service sees ``stop()`` turn true and ends early.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.ui.ops import describe

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Stop = Callable[[], bool]
Work = Callable[[Progress, Stop], Any]


class BackgroundJob(QObject):
    progressed = Signal(int, int)  # done, total
    finished = Signal(object)  # the job's result
    failed = Signal(str, object)  # a sentence, the exception
    stopped = Signal()

    _report = Signal(int, int, int)  # number, done, total (from the job's thread)
    _end = Signal(int, object, object)  # number, result, exception

    def __init__(self, store_path: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store_path = store_path
        self._number = 0
        self._running = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._report.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._end.connect(self._ended, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._running

    def start(self, work: Work) -> bool:
        """Run ``work(progress, stop)`` on its own thread; False (and nothing started) while one runs."""
        if self._running:
            return False
        self._number += 1
        number = self._number
        self._running = True
        self._stop = threading.Event()
        stop_flag = self._stop

        def progress(done: int, total: int) -> None:
            self._emit(self._report, number, done, total)

        def run() -> None:
            try:
                result = work(progress, stop_flag.is_set)
            except BaseException as exc:  # every failure goes back to the UI thread as a sentence
                self._emit(self._end, number, None, exc)
            else:
                self._emit(self._end, number, result, None)

        self._thread = threading.Thread(target=run, name="till-desk-job", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        """Ask the running job to end; ``stopped`` follows when it has."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the job's thread ends (closing the window; tests)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    @staticmethod
    def _emit(signal: Any, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the page is gone (the window closed): nobody is left to tell
            log.debug("desk job finished after its page was closed")

    def _progress(self, number: int, done: int, total: int) -> None:
        if number == self._number and self._running:
            self.progressed.emit(done, total)

    def _ended(self, number: int, result: object, exc: BaseException | None) -> None:
        if number != self._number:
            return
        self._running = False
        if exc is None:
            self.finished.emit(result)
        elif self._stop.is_set():
            self.stopped.emit()
        else:
            self.failed.emit(describe(exc, self.store_path), exc)
