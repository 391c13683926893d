"""UUIDv7 ids from the fake clock and a seeded generator, so that a seed replays with the very same ids.

The production generator (``loyalty.ids.uuid7``) takes the wall clock and the operating system's randomness;
the simulation puts this one in its place for the length of a run. The ids keep every property the code
relies on: version 7, time-ordered by the clock that stamps the entries, unique."""

from __future__ import annotations

import random
import uuid

from .clock import SimClock


class SeededIds:
    def __init__(self, rng: random.Random, clock: SimClock) -> None:
        self.rng = rng
        self.clock = clock
        self._last_ms = 0
        self._counter = 0

    def uuid7(self, unix_ms: int | None = None) -> uuid.UUID:
        ms = self.clock.unix_ms() if unix_ms is None else unix_ms
        if ms <= self._last_ms:
            ms = self._last_ms
            self._counter += 1
            if self._counter > 0xFFF:
                ms += 1
                self._counter = 0
        else:
            self._counter = self.rng.getrandbits(10)
        self._last_ms = ms
        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= self._counter << 64
        value |= 0b10 << 62
        value |= self.rng.getrandbits(62)
        return uuid.UUID(int=value)
