"""What happened in a run, line by line, as the seed dictates: compared between two runs of one seed, and
printed (its tail) when an invariant fails."""

from __future__ import annotations

import hashlib

from .clock import SimClock


class Trace:
    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(f"{self.clock.elapsed()} {line}")

    def digest(self) -> str:
        return hashlib.sha256("\n".join(self.lines).encode()).hexdigest()

    def tail(self, n: int = 60) -> str:
        return "\n".join(self.lines[-n:])
