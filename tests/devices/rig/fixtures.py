"""pytest fixtures and helpers of the PC/SC rig. Import the fixtures into a test module:

    from tests.devices.rig.fixtures import pcsc_rig, pcsc_session  # noqa: F401 - fixtures

``pcsc_session`` runs one private pcscd for the whole session; ``pcsc_rig`` hands it to a test with no card on
any reader and the daemon running, and puts it back that way afterwards (a test may stop or kill pcscd).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from devices.base import Reader, ReaderConfig
from devices.events import ReaderEvent
from tests.devices.rig.pcscd import SOCKET_ENV, PcscdDaemon, PcscRig, SystemParts, claim_client_socket

E = TypeVar("E")


@pytest.fixture(scope="session")
def pcsc_session() -> Iterator[PcscRig]:
    parts = SystemParts.find()
    missing = parts.missing()
    if missing:
        hint = f"missing {', '.join(missing)}: run `make system-deps` as root (apt-get install {' '.join(missing)})"
        if os.geteuid() != 0:
            pytest.skip(f"PC/SC rig unavailable, {hint}")
        pytest.fail(f"PC/SC rig: {hint}")
    rig_dir = claim_client_socket()
    daemon = PcscdDaemon(parts, rig_dir, debug=bool(os.environ.get("PCSC_RIG_DEBUG")))
    if os.environ.get(SOCKET_ENV) != str(daemon.socket_path):
        pytest.fail(f"{SOCKET_ENV} does not point at the rig's pcscd; was it changed after collection?")
    rig = PcscRig(daemon)
    rig.start_pcscd()
    try:
        yield rig
    finally:
        rig.close()


@pytest.fixture
def pcsc_rig(pcsc_session: PcscRig) -> Iterator[PcscRig]:
    pcsc_session.remove_all()
    pcsc_session.start_pcscd()
    yield pcsc_session
    pcsc_session.remove_all()
    pcsc_session.start_pcscd()


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
        assert not reader.running, f"{uri}: the reader thread is still running after stop()"
        assert took < STOP_LIMIT, f"{uri}: stop() took {took:.2f} s"
