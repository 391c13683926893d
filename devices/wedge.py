"""Keyboard-wedge barcode and QR scanners.

A wedge scanner is a keyboard: it types what it reads, very fast, and presses Enter. The till must tell a
scan from a cashier typing, and must not steal the cashier's keys. ``WedgeDecoder`` decides from timing:
keys arriving closer together than ``max_gap`` form a burst; a burst of at least ``min_length`` characters
ended by Enter is a scan. While a burst might still be a scan, keys are held back; as soon as a gap shows a
person typing, the held keys are released to the text field in order, so nothing typed is lost.

The decoder is pure (the UI feeds it key events with timestamps); ``WedgeReader`` wraps it as a reader
so scans reach the till as ordinary card events.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field

from devices.base import ReaderConfig, ThreadedReader
from devices.events import CardPresented, CardTech, NdefRecord, ReaderAdded, ReaderLost
from devices.identity import member_number_from_text, member_reference
from devices.registry import register

ENTER = "\n"


@dataclass(frozen=True)
class Hold:
    """Keep this key back for now."""


@dataclass(frozen=True)
class Release:
    """Give these keys to the focused field: it was a person typing."""

    keys: str


@dataclass(frozen=True)
class Scan:
    """A complete scan; the keys were consumed."""

    text: str


WedgeAction = Hold | Release | Scan


@dataclass
class WedgeDecoder:
    max_gap: float = 0.035  # scanners send a key every 5-20 ms; people rarely type faster than 50 ms
    min_length: int = 6
    max_length: int = 512
    _held: list[str] = field(default_factory=list)
    _last: float | None = None

    def feed(self, key: str, at: float) -> WedgeAction:
        """One key (a character, or ENTER) typed at time ``at`` (seconds, monotonic)."""
        gap_ok = self._last is not None and at - self._last <= self.max_gap
        self._last = at
        if key == ENTER:
            held = "".join(self._held)
            self._held.clear()
            if held and gap_ok and len(held) >= self.min_length:
                return Scan(held)
            return Release(held + ENTER)
        if self._held and not gap_ok:
            # Too slow for a scanner: what was held was typed by a person. Release it and start again with
            # this key, which may be the first of a scan.
            released = "".join(self._held)
            self._held = [key]
            return Release(released)
        self._held.append(key)
        if len(self._held) > self.max_length:
            released = "".join(self._held)
            self._held.clear()
            return Release(released)
        return Hold()

    def flush(self, now: float) -> Release | None:
        """Called by a timer: held keys older than the gap are a person's, give them back."""
        if self._held and self._last is not None and now - self._last > self.max_gap:
            released = "".join(self._held)
            self._held.clear()
            return Release(released)
        return None


def scan_event(reader: str, text: str, uid_key: bytes) -> CardPresented:
    """The card event of a scanned code: a member number, a member URL, or a wallet pass payload."""
    cleaned = text.strip()
    is_url = "://" in cleaned or cleaned.startswith("loyalty:")
    record = NdefRecord(
        tnf=1,
        type="U" if is_url else "T",
        payload_hex=cleaned.encode("utf-8").hex(),
        uri=cleaned if is_url else None,
        text=None if is_url else cleaned,
    )
    kind = "qr" if is_url or len(cleaned) > 20 else "barcode"
    ref = member_reference(uid=None, ndef=(record,), sun=None, uid_key=uid_key)
    return CardPresented(reader, None, CardTech(tag_type=kind), (record,), ref)


class WedgeReader(ThreadedReader):
    """Scans pushed by the UI's key filter (``push_scan``) become card events on the reader's thread."""

    def __init__(self, uri: str, config: ReaderConfig) -> None:
        super().__init__(uri, config)
        self._scans: queue.Queue[str] = queue.Queue()

    def push_scan(self, text: str) -> None:
        self._scans.put(text)

    def run(self, stop: threading.Event) -> None:
        self.emit(ReaderAdded(self.uri, "Barcode/QR scanner (keyboard)"))
        try:
            while not stop.is_set():
                try:
                    text = self._scans.get(timeout=0.1)
                except queue.Empty:
                    continue
                self.emit(scan_event(self.uri, text, self.config.uid_key))
        finally:
            self.emit(ReaderLost(self.uri, "Barcode/QR scanner (keyboard)", "stopped"))


def _factory(uri: str, config: ReaderConfig) -> WedgeReader:
    return WedgeReader(uri, config)


register("wedge", _factory, description="keyboard-wedge barcode/QR scanner")

__all__ = [
    "ENTER",
    "Hold",
    "Release",
    "Scan",
    "WedgeDecoder",
    "WedgeReader",
    "member_number_from_text",
    "scan_event",
]
