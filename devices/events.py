"""What readers tell the till: small immutable events.

Readers never call the UI; they hand these to a sink (the UI turns them into Qt signals). Every field is
plain data so an event can be logged, printed as JSON (``python -m devices watch``) or compared in tests.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SunStatus = Literal["valid", "bad_mac", "replayed", "no_keys", "malformed"]
MemberRefKind = Literal["uid", "number", "sun"]


def _now() -> float:
    return time.time()


@dataclass(frozen=True, slots=True)
class NdefRecord:
    """One NDEF record as read from a card, with the decoded forms the till cares about."""

    tnf: int  # type name format (1 well-known, 2 MIME, 3 absolute URI, 4 external)
    type: str  # record type as text: 'U', 'T', 'application/vnd.loyalty-till.member', ...
    payload_hex: str
    uri: str | None = None  # decoded URI record
    text: str | None = None  # decoded Text record
    mime: str | None = None  # MIME type of a media record


@dataclass(frozen=True, slots=True)
class CardTech:
    """What kind of card it is, as far as the reader could tell."""

    atr: str | None = None  # PC/SC answer-to-reset, hex
    ats: str | None = None  # ISO 14443-4 answer-to-select, hex
    tag_type: str | None = None  # 'Type2', 'Type3', 'Type4', 'ISO14443-4', 'barcode', ...
    product: str | None = None  # 'NTAG213', 'NTAG424DNA', 'FeliCa Lite-S', 'Mifare Ultralight', ...


@dataclass(frozen=True, slots=True)
class SunResult:
    """Outcome of verifying an NTAG 424 DNA Secure Unique NFC message."""

    status: SunStatus
    message: str
    uid: str | None = None  # hex, when decrypted
    counter: int | None = None


@dataclass(frozen=True, slots=True)
class MemberRef:
    """What the till looks a member up by (see devices.identity.member_reference)."""

    kind: MemberRefKind
    value: str  # 'uid:<keyed hash>', a member number, or 'uid:<keyed hash>' of a SUN-verified UID
    label: str  # short text for staff


@dataclass(frozen=True, slots=True)
class ReaderAdded:
    reader: str  # reader URI, e.g. 'pcsc:ACS ACR122U 00 00'
    name: str
    at: float = field(default_factory=_now)
    kind: Literal["reader_added"] = "reader_added"


@dataclass(frozen=True, slots=True)
class ReaderLost:
    reader: str
    name: str
    reason: str
    at: float = field(default_factory=_now)
    kind: Literal["reader_lost"] = "reader_lost"


@dataclass(frozen=True, slots=True)
class CardPresented:
    reader: str
    uid: str | None  # hex, upper case; None for cards/codes without one (barcodes, random-UID phones)
    tech: CardTech
    ndef: tuple[NdefRecord, ...] = ()
    member_ref: MemberRef | None = None
    sun: SunResult | None = None
    at: float = field(default_factory=_now)
    kind: Literal["card_presented"] = "card_presented"


@dataclass(frozen=True, slots=True)
class CardRemoved:
    reader: str
    uid: str | None
    at: float = field(default_factory=_now)
    kind: Literal["card_removed"] = "card_removed"


@dataclass(frozen=True, slots=True)
class ReadError:
    """A read went wrong. ``code`` is stable (for translations and tests), ``message`` is for people."""

    reader: str
    code: str  # 'card_removed', 'no_service', 'reader_unplugged', 'bad_data', 'not_supported', 'io', ...
    message: str
    uid: str | None = None
    at: float = field(default_factory=_now)
    kind: Literal["read_error"] = "read_error"


ReaderEvent = ReaderAdded | ReaderLost | CardPresented | CardRemoved | ReadError


def event_to_json(event: ReaderEvent) -> dict[str, Any]:
    """A JSON-ready dict (what ``python -m devices watch`` prints, one per line)."""
    return asdict(event)
