"""What the sync engine tells the window: one small immutable value, replaced as the engine works.

``SyncState`` holds plain values only (no Qt, no database), so the window, the command line and the tests read
it alike. ``SyncStatus`` is the observable around it: the engine thread calls ``update``; anyone may ``get``
the current value or ``subscribe`` a callback. Callbacks run on the thread that changed the state (the
engine's): a window marshals them to its own thread before touching a widget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

log = logging.getLogger(__name__)


class Phase(StrEnum):
    NOT_ENROLLED = "not_enrolled"
    """The till has no credentials for a central service: it works on its own."""
    STARTING = "starting"
    """Enrolled, the first exchange has not ended yet."""
    SYNCING = "syncing"
    """A push or a pull is under way."""
    ONLINE = "online"
    """The last exchange succeeded."""
    OFFLINE = "offline"
    """No usable answer (network, timeout, 5xx): trying again with backoff."""
    REFUSED = "refused"
    """The central refused the till (revoked, unknown token, stale epoch...): someone has to act."""
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class SyncState:
    phase: Phase = Phase.NOT_ENROLLED
    waiting: int = 0
    """Outbox items not yet acknowledged by the central."""
    last_success: datetime | None = None
    """The end of the last exchange that pushed and pulled everything (UTC)."""
    reason: str | None = None
    """Why offline or refused, in the central's or the network's words."""
    pulled: int = 0
    """Changes received by the pull under way."""
    pull_total: int | None = None
    """Changes the pull under way will receive in all, when the central says (a large first pull)."""
    retry_in: float | None = None
    """Seconds until the next attempt, while offline."""
    pull_stopped: str | None = None
    """The pull stops before a change this till cannot take in yet ("this till needs an update to take in
    changes of kind ..."): pushing goes on, what comes after that change waits at the central."""

    @property
    def progress(self) -> float | None:
        """How far the pull under way is (0.0-1.0), when its size is known."""
        if self.phase is not Phase.SYNCING or not self.pull_total:
            return None
        return min(1.0, self.pulled / self.pull_total)


Listener = Callable[[SyncState], None]


class SyncStatus:
    """The engine's observable state. Thread-safe; listeners are called outside the lock."""

    def __init__(self, initial: SyncState | None = None) -> None:
        self._state = initial or SyncState()
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def get(self) -> SyncState:
        with self._lock:
            return self._state

    def update(self, **changes: Any) -> SyncState:
        """Replace the named fields; listeners hear of it when anything changed."""
        with self._lock:
            new = replace(self._state, **changes)
            if new == self._state:
                return new
            self._state = new
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(new)
            except Exception:  # a broken listener must not stop the engine
                log.exception("sync status listener failed")
        return new

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every new state; returns the function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe
