"""Card identity: what the till looks a card up by.

Raw card UIDs are never stored: a UID is turned into a keyed hash (HMAC-SHA-256 with the store's secret
key), so a stolen database is not a list of card serial numbers to clone. Scanned codes (barcodes, QR codes,
wallet passes) carry the member number itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

from loyalty.errors import Detail, InvalidInput


class CardKind(StrEnum):
    UID = "uid"
    NDEF = "ndef"
    SUN = "sun"
    BARCODE = "barcode"
    QR = "qr"
    VIRTUAL = "virtual"


_HEX = re.compile(r"^[0-9A-Fa-f]+$")


def normalize_uid(uid: str | bytes) -> bytes:
    """UID bytes from what a reader reports ('04:A2:2B:...', '04a22b...', or raw bytes)."""
    if isinstance(uid, bytes):
        raw = uid
    else:
        text = uid.replace(":", "").replace(" ", "").replace("-", "")
        if not text or not _HEX.match(text) or len(text) % 2:
            raise InvalidInput(what="Card UID", why="it must be hexadecimal bytes")
        raw = bytes.fromhex(text)
    if not 4 <= len(raw) <= 10:  # ISO 14443 UIDs are 4, 7 or 10 bytes
        raise InvalidInput(
            what="Card UID", why=Detail("{count} bytes is not a card UID length", count=len(raw))
        )
    return raw


def uid_token(key: bytes, uid: str | bytes) -> str:
    """The keyed hash a UID is stored and looked up as."""
    if len(key) < 16:
        raise InvalidInput(what="Card key", why="it must be at least 16 bytes")
    digest = hmac.new(key, b"loyalty-card-uid:" + normalize_uid(uid), hashlib.sha256).hexdigest()
    return "uid:" + digest


def code_token(member_number: str) -> str:
    """Token for a printed card (barcode/QR) that carries the member number."""
    return "code:" + member_number.strip()


def uid_label(uid: str | bytes) -> str:
    """What staff see of a card: its last four hex digits, enough to tell two cards of one member apart."""
    return "…" + normalize_uid(uid).hex().upper()[-4:]


@dataclass(frozen=True, slots=True)
class CardRef:
    """A card as the till looks it up: its token and what kind of card it is."""

    token: str
    kind: CardKind
    label: str
