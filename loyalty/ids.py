"""UUIDv7 identifiers: time-ordered, so ids sort by creation and index well, and globally unique, so they are
the idempotency key of every entry across tills and the central service."""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7(unix_ms: int | None = None) -> uuid.UUID:
    """A RFC 9562 version 7 UUID. Within one millisecond a 12-bit counter keeps ids monotonic."""
    global _last_ms, _counter  # noqa: PLW0603 - process-wide monotonic state is the point
    with _lock:
        ms = int(time.time() * 1000) if unix_ms is None else unix_ms
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter > 0xFFF:  # counter exhausted: borrow the next millisecond
                ms += 1
                _counter = 0
        else:
            _counter = int.from_bytes(os.urandom(2), "big") & 0x3FF  # leave head-room for increments
        _last_ms = ms
        counter = _counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand_b
    return uuid.UUID(int=value)


def new_id() -> str:
    """A new UUIDv7 as its canonical 36-character string (how ids are stored and sent)."""
    return str(uuid7())


def uuid7_time_ms(value: str | uuid.UUID) -> int:
    """The Unix millisecond timestamp embedded in a UUIDv7."""
    u = uuid.UUID(str(value))
    return u.int >> 80


def derived_id(name: str, unix_ms: int) -> str:
    """A UUIDv7 that is a function of ``name`` (and the time it carries): the same name gives the same id in
    every process, so an entry that must be written once per thing it is about (the expiry of one lot) is
    claimed by its id however many writers try. The random bits are the name's SHA-256."""
    digest = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:10], "big")
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((digest >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= digest & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))
