"""The one function that turns a card event into what the till looks a member up by.

Order of trust, strongest first:
1. A verified NTAG 424 DNA SUN message: the UID inside the encrypted PICC data, hashed with the till's key.
   A SUN message that fails (bad MAC, replayed counter) gives no reference at all — the card is refused.
2. A member number carried on the card or code: an NDEF URI ``…/m/<number>`` or ``loyalty:member:<number>``,
   an NDEF Text record or MIME record ``application/vnd.loyalty-till.member`` holding the number, or a
   scanned barcode/QR code (the wedge reader puts the number in a Text-like record).
3. The card's UID, hashed with the till's key (``loyalty.identity.uid_token``).
"""

from __future__ import annotations

import re

from devices.base import ReaderConfig
from devices.events import CardPresented, CardTech, MemberRef, NdefRecord, SunResult
from devices.sun import check_sun, looks_like_sun
from loyalty.errors import LoyaltyError
from loyalty.identity import uid_label, uid_token
from loyalty.text import luhn_valid

MEMBER_MIME = "application/vnd.loyalty-till.member"
_NUMBER_IN_URI = re.compile(r"(?:/m/|loyalty:member:)(\d{6,20})(?:[/?#]|$)")


def member_number_from_text(text: str) -> str | None:
    """A member number in scanned or stored text, if it is one (digits with a valid check digit)."""
    candidate = text.strip()
    match = _NUMBER_IN_URI.search(candidate)
    if match:
        candidate = match.group(1)
    return candidate if luhn_valid(candidate) and 6 <= len(candidate) <= 20 else None


def member_number_from_ndef(records: tuple[NdefRecord, ...]) -> str | None:
    for record in records:
        for text in (record.uri, record.text):
            if text:
                number = member_number_from_text(text)
                if number:
                    return number
        if record.mime == MEMBER_MIME:
            try:
                number = member_number_from_text(bytes.fromhex(record.payload_hex).decode("ascii"))
            except (ValueError, UnicodeDecodeError):
                number = None
            if number:
                return number
    return None


def member_reference(
    *,
    uid: str | None,
    ndef: tuple[NdefRecord, ...],
    sun: SunResult | None,
    uid_key: bytes,
) -> MemberRef | None:
    """What the till looks up for this card event; None when the card gives nothing usable (or a SUN
    message failed verification, which must not fall back to a weaker identity)."""
    if sun is not None:
        if sun.status != "valid" or sun.uid is None:
            return None
        return MemberRef("sun", uid_token(uid_key, sun.uid), "SUN " + uid_label(sun.uid))
    number = member_number_from_ndef(ndef)
    if number is not None:
        return MemberRef("number", number, "#" + number[-4:])
    if uid and not is_random_uid(uid):
        try:
            return MemberRef("uid", uid_token(uid_key, uid), uid_label(uid))
        except LoyaltyError:
            return None
    return None


def is_random_uid(uid: str) -> bool:
    """ISO 14443-3: a 4-byte UID starting with 0x08 is random (phones, some cards) and identifies no one."""
    text = uid.replace(":", "").replace(" ", "")
    return len(text) == 8 and text[:2] == "08"


def sun_verdict(records: tuple[NdefRecord, ...], config: ReaderConfig) -> SunResult | None:
    """The verdict on the first URI that carries a SUN message, checked against replays (``no_keys`` when
    the till has no SUN keys: such a card is refused rather than identified by its copyable UID)."""
    for record in records:
        if record.uri and looks_like_sun(record.uri):
            return check_sun(record.uri, config)
    return None


def card_presented(
    reader: str, uid: str | None, tech: CardTech, records: tuple[NdefRecord, ...], config: ReaderConfig
) -> CardPresented:
    """The event every driver emits once a card is read: SUN verdict and member reference included."""
    sun = sun_verdict(records, config)
    ref = member_reference(uid=uid, ndef=records, sun=sun, uid_key=config.uid_key)
    return CardPresented(reader, uid, tech, records, ref, sun)
