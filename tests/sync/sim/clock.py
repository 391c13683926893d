"""The simulation's clock: the only notion of now the tills, their sync engines and the central have."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
"""A Monday morning (08:00 in the store's zone): the program's happy hour is hours away."""


class SimClock:
    """Moves only when told to, in whole milliseconds (UUIDv7 and the stored times have no finer grain that
    matters here)."""

    def __init__(self, start: datetime = START) -> None:
        self._now = start
        self.start = start

    def now(self) -> datetime:
        return self._now

    def advance(self, ms: int) -> None:
        if ms < 0:
            raise ValueError("the simulation's clock never goes back")
        self._now += timedelta(milliseconds=ms)

    def unix_ms(self) -> int:
        return int(self._now.timestamp() * 1000)

    def elapsed(self) -> str:
        """Time since the start, for the trace: ``+12.345s``."""
        return f"+{(self._now - self.start).total_seconds():.3f}s"
