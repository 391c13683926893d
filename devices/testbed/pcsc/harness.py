"""Running a reader against the rig and waiting on what it emits, for the device tests and the benchmarks.

``running_reader`` starts a reader on a URI (``pcsc`` or one of the rig's ``pcsc:<name>``) with an
``EventLog`` as its sink and checks, on the way out, that it stops promptly. The pytest fixtures that start the
rig's pcscd are in tests/devices/conftest.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from devices.base import Reader, ReaderConfig
from devices.events import ReaderEvent

E = TypeVar("E")


class EventLog:
    """A reader's sink that tests can wait on."""

    def __init__(self) -> None:
        self.events: list[ReaderEvent] = []
        self._changed = threading.Condition()

    def __call__(self, event: ReaderEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def mark(self) -> int:
        """A position to wait from: only events after it count."""
        with self._changed:
            return len(self.events)

    def of(self, kind: type[E], since: int = 0) -> list[E]:
        with self._changed:
            return [e for e in self.events[since:] if isinstance(e, kind)]

    def wait_for(
        self,
        kind: type[E],
        *,
        since: int = 0,
        where: Callable[[E], bool] = lambda _e: True,
        timeout: float = 5.0,
    ) -> E:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event in self.events[since:]:
                    if isinstance(event, kind) and where(event):
                        return event
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = "\n  ".join(repr(e) for e in self.events[since:]) or "(none)"
                    raise AssertionError(f"no {kind.__name__} within {timeout} s; events:\n  {seen}")
                self._changed.wait(left)

    def kinds(self, since: int = 0) -> list[str]:
        with self._changed:
            return [e.kind for e in self.events[since:]]


STOP_LIMIT = 2.0


@contextmanager
def running_reader(uri: str, config: ReaderConfig | None = None) -> Iterator[tuple[Reader, EventLog]]:
    """A started PC/SC reader and its event log; on the way out it must stop within STOP_LIMIT seconds."""
    from devices.registry import open_reader

    log = EventLog()
    reader = open_reader(uri, config or ReaderConfig())
    reader.start(log)
    try:
        yield reader, log
    finally:
        started = time.monotonic()
        reader.stop(timeout=STOP_LIMIT + 1)
        took = time.monotonic() - started
        if reader.running:
            raise AssertionError(f"{uri}: the reader thread is still running after stop()")
        if took >= STOP_LIMIT:
            raise AssertionError(f"{uri}: stop() took {took:.2f} s")
