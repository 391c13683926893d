"""The till's side of the engine: what the sync engine needs from the till's store, as a protocol.

The engine (``sync.engine``) speaks HTTP and keeps time; the till (``app.services.syncing``) implements this
port over its SQLite store. Every method that changes something is one short write transaction that commits
the state it moves together with what causes it — the acknowledged outbox rows with the next sequence number,
the applied changes with the new cursor — so a till killed at any instant resumes where it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sync.protocol import PullResponse, PushItem, PushResponse


@dataclass(frozen=True, slots=True)
class Credentials:
    """Where the central is and who this till is to it."""

    central_url: str
    till_id: str
    token: str
    epoch: int
    verify_tls: bool = True


@dataclass(frozen=True, slots=True)
class PushBatch:
    """Numbered outbox items, stored before they are sent: a batch interrupted in any way is sent again as it
    was (same items, same sequence numbers) until the central's answer is recorded."""

    epoch: int
    items: tuple[PushItem, ...]
    rows: tuple[int, ...]
    """The outbox rows the items come from, in item order."""


@dataclass(frozen=True, slots=True)
class Settled:
    """What an answer to a batch did: counts by item status."""

    applied: int = 0
    duplicate: int = 0
    refused: int = 0
    """Conflicts and rejections: done at the till, waiting for a manager at the central."""
    renumber: bool = False
    """The central holds other items at these sequence numbers (a till restored from a backup): the engine
    starts a new epoch and sends the items again under it."""


@dataclass(frozen=True, slots=True)
class Applied:
    """What a pulled page did at the till."""

    changes: int = 0
    """Changes read from the page."""
    written: int = 0
    """Changes that changed something here (the rest were already here)."""
    skipped: tuple[str, ...] = field(default=())
    """Changes that could not be taken in, one sentence each (also logged)."""
    stopped: str | None = None
    """The page was taken in only up to a change this till cannot take in yet (a kind it does not know, a
    body it cannot read), in one sentence. The cursor stays before that change, so an updated till takes
    it in; the engine stops pulling for this exchange and goes on pushing."""


class TillPort(Protocol):
    def credentials(self) -> Credentials | None:
        """None when the till is not enrolled."""
        ...

    def batch(self, limit: int) -> PushBatch | None:
        """The stored batch in flight, or up to ``limit`` waiting items numbered and stored as the new one;
        None when nothing waits."""
        ...

    def settle(self, batch: PushBatch, response: PushResponse) -> Settled:
        """Record the central's answer to ``batch``: acknowledge what is done, move the sequence on, clear the
        batch in flight — in one transaction."""
        ...

    def start_epoch(self, epoch: int, next_seq: int) -> None:
        """The central started a new epoch for this till: number what waits again from ``next_seq``."""
        ...

    def cursor(self) -> str: ...

    def apply(self, page: PullResponse) -> Applied:
        """Take a pulled page in (idempotently: the same page twice changes nothing the second time) and store
        ``page.next_cursor`` with it — or, when it ``stopped`` at a change it cannot take in, a cursor right
        before that change."""
        ...

    def waiting(self) -> int:
        """Outbox items the central has not acknowledged."""
        ...

    def record_success(self, at: datetime) -> None: ...

    def record_failure(self, at: datetime, phase: str, reason: str) -> None:
        """Remember why the last exchange failed (for ``status`` from another process)."""
        ...

    def last_success(self) -> datetime | None: ...
