"""The op runner: every service call runs off the UI thread, on one database worker, in the manner of
Anki's ``CollectionOp``/``QueryOp``.

- ``query(fn, on_success)`` runs a read and hands its result to ``on_success`` on the UI thread;
- ``change(fn, on_success)`` runs a use case that returns ``Change`` records (or a list of them); after
  ``on_success`` the runner emits ``changed`` once per record, so every view refreshes what it shows;
- a failure is one sentence: a ``LoyaltyError`` (or an operational database error: busy, full, read-only)
  shows its own sentence; anything else is logged with its traceback and shown as a short sentence.

One worker thread means the database sees one writer from this window, in the order the cashier acted.
``advise(fn, on_success)`` runs advice (the cashier's hint: a read of its own and a question to the model
process) on a second thread, so that advice never queues in front of a sale; it writes nothing.
``study(fn, on_success)`` runs what a manager asked for that may take minutes (the store's figures, a
member's predicted value: questions to the model process) on a third, so that neither a sale nor a hint
waits behind it; it writes nothing either.
``install_excepthook`` does the same for exceptions escaping a slot: logged, shown, never lost.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

from app.services.views import Change
from app.store.operational import store_error_for
from app.ui.errors import sentence
from loyalty.errors import LoyaltyError

log = logging.getLogger(__name__)

T = TypeVar("T")
Failure = Callable[[str, BaseException], None]


@dataclass(frozen=True)
class _Job:
    fn: Callable[[], Any]
    on_success: Callable[[Any], None] | None
    on_failure: Failure | None
    is_change: bool
    is_advice: bool = False  # on a side thread (advice or study): not the database worker's


def describe(exc: BaseException, store_path: Path | None = None) -> str:
    """One sentence for any exception, in the window's language. Unexpected ones are logged here."""
    if isinstance(exc, LoyaltyError):
        return sentence(exc)
    if store_path is not None:
        known = store_error_for(exc, store_path)
        if known is not None:
            log.warning("database: %s", known.message, exc_info=exc)
            return sentence(known)
    log.error("unexpected error", exc_info=exc)
    return QCoreApplication.translate(
        "OpRunner", "Something went wrong ({name}). The details are in the till's log."
    ).format(name=type(exc).__name__)


class OpRunner(QObject):
    """One database worker; results and failures delivered on the UI thread."""

    changed = Signal(object)  # each Change record a change op produced
    failed = Signal(str)  # a sentence, for ops started without their own failure callback
    busy = Signal(bool)  # True while any op is queued or running

    _finished = Signal(object, object, object)  # job, result, exception (from the worker)

    def __init__(self, store_path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store_path = store_path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="till-db")
        self._advice = ThreadPoolExecutor(max_workers=1, thread_name_prefix="till-advice")
        self._study = ThreadPoolExecutor(max_workers=1, thread_name_prefix="till-study")
        self._pending = 0
        self._advising = 0
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        """Ops queued or running, advice included."""
        return self._pending + self._advising

    def query(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Failure | None = None,
    ) -> None:
        """Run a read (or any call whose result is not a change record) on the worker."""
        self._submit(_Job(fn, on_success, on_failure, is_change=False))

    def change(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Failure | None = None,
    ) -> None:
        """Run a use case returning ``Change`` records; each is announced on ``changed`` after success."""
        self._submit(_Job(fn, on_success, on_failure, is_change=True))

    def advise(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Failure | None = None,
    ) -> None:
        """Run advice (a read that must never wait for, or hold up, the database worker) on its own thread.
        It does not make the window busy."""
        self._beside(self._advice, _Job(fn, on_success, on_failure, is_change=False, is_advice=True))

    def study(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Failure | None = None,
    ) -> None:
        """Run a long read a manager asked for on its own thread: never in front of a sale or a hint. It
        does not make the window busy (the page that asked says it is computing)."""
        self._beside(self._study, _Job(fn, on_success, on_failure, is_change=False, is_advice=True))

    def _beside(self, executor: ThreadPoolExecutor, job: _Job) -> None:
        """A read on a thread beside the database worker (advice or study)."""
        if self._closed:
            return
        self._advising += 1
        executor.submit(self._work, job)

    def _submit(self, job: _Job) -> None:
        if self._closed:
            # A timer that fired while the window was closing: nothing is left to show its answer.
            log.debug("op dropped: the op runner is shut down")
            return
        self._pending += 1
        if self._pending == 1:
            self.busy.emit(True)
        self._executor.submit(self._work, job)

    def _work(self, job: _Job) -> None:
        try:
            result = job.fn()
        except BaseException as exc:  # every failure goes back to the UI thread as a sentence
            self._finished.emit(job, None, exc)
        else:
            self._finished.emit(job, result, None)

    def _deliver(self, job: _Job, result: object, exc: BaseException | None) -> None:
        if job.is_advice:
            self._advising -= 1
        else:
            self._pending -= 1
            if self._pending == 0:
                self.busy.emit(False)
        if exc is not None:
            text = describe(exc, self.store_path)
            if job.on_failure is not None:
                job.on_failure(text, exc)
            else:
                self.failed.emit(text)
            return
        if job.on_success is not None:
            job.on_success(result)
        if job.is_change:
            records = result if isinstance(result, (list, tuple)) else [result]
            for record in records:
                if isinstance(record, Change):
                    self.changed.emit(record)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking ops; by default wait for the one running (a sale being written) to finish."""
        self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=True)
        self._advice.shutdown(wait=wait, cancel_futures=True)
        # A long study is not waited for: its answer has no window left to go to.
        self._study.shutdown(wait=False, cancel_futures=True)


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


def install_excepthook(show: Callable[[str], None], store_path: Path | None = None) -> ExceptHook:
    """Route exceptions that escape a slot to the log and to ``show`` as one sentence. Returns the hook
    it replaced."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        try:
            text = describe(exc, store_path)
            if threading.current_thread() is threading.main_thread():
                show(text)
        except Exception:  # the hook must never raise
            log.exception("could not show an error")

    sys.excepthook = hook
    return previous
