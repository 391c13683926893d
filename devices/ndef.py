"""NDEF messages: bytes read from a card -> ``NdefRecord`` values the till understands, and back.

Decoding uses ndeflib (``import ndef``) in strict mode. Whatever the bytes, ``parse_ndef_message`` either
returns records or raises ``BadCardData``; no other exception leaves this module for card data.

The message is first decoded with no known record types, which checks its framing strictly and keeps every
record's TYPE and PAYLOAD exactly as stored on the card (``payload_hex`` is the card's bytes, not a
re-encoding). Only the records the till reads (URI, Text, Smart Poster) are then decoded by ndeflib's record
classes; other records (Wi-Fi, Bluetooth, Android application records…) stay opaque, so a phone's unusual
record never hides the member number next to it.
"""

from __future__ import annotations

from typing import Any

import ndef  # type: ignore[import-untyped]

from devices.errors import BadCardData
from devices.events import NdefRecord

DEFAULT_MEMBER_BASE = "https://loyalty.example/m/"

_WKT = "urn:nfc:wkt:"
_EXT = "urn:nfc:ext:"
_DECODED_TYPES = frozenset({_WKT + "U", _WKT + "T", _WKT + "Sp"})


def _damaged(err: Exception) -> BadCardData:
    return BadCardData(f"the card's NDEF data is damaged: {err or type(err).__name__}")


def _raw_records(data: bytes) -> list[Any]:
    """ndeflib's generic records for ``data``: strict framing, the stored TYPE and PAYLOAD."""
    return list(ndef.message_decoder(data, errors="strict", known_types={}))


def _typed(raw: Any) -> Any:
    """ndeflib's decoded record (UriRecord, TextRecord, SmartposterRecord) for a raw one we read, else None."""
    if raw.type not in _DECODED_TYPES:
        return None
    alone = b"".join(ndef.message_encoder([raw]))
    (record,) = ndef.message_decoder(alone, errors="strict")
    return record


def _tnf_and_type(record_type: str) -> tuple[int, str]:
    """The NDEF TNF and the TYPE as text, from ndeflib's combined record type string."""
    if record_type == "":
        return 0, ""
    if record_type.startswith(_WKT):
        return 1, record_type[len(_WKT) :]
    if record_type.startswith(_EXT):
        return 4, record_type[len(_EXT) :]
    if record_type == "unknown":
        return 5, ""
    if record_type == "unchanged":
        return 6, ""
    # TNF 2 (media type, 'type/subtype') and TNF 3 (absolute URI) are both stored as-is; a URI has a scheme
    # (':'), a media type never contains one.
    return (3 if ":" in record_type else 2), record_type


def _uri_of(typed: Any) -> str | None:
    if isinstance(typed, ndef.UriRecord):
        return str(typed.iri)
    if isinstance(typed, ndef.SmartposterRecord):  # a smart poster wraps a URI record
        resource = typed.resource
        return None if resource is None else str(resource.iri)
    return None


def _text_of(typed: Any) -> str | None:
    if isinstance(typed, ndef.TextRecord):
        return str(typed.text)
    return None


def _convert(raw: Any) -> NdefRecord:
    tnf, type_text = _tnf_and_type(str(raw.type))
    typed = _typed(raw)
    return NdefRecord(
        tnf=tnf,
        type=type_text,
        payload_hex=bytes(raw.data).hex(),
        uri=_uri_of(typed),
        text=_text_of(typed),
        mime=type_text if tnf == 2 else None,
    )


def parse_ndef_message(data: bytes) -> tuple[NdefRecord, ...]:
    """The records of an NDEF message. An empty message (no bytes) gives ``()``; so does a message made
    only of empty records (TNF 0, e.g. ``D0 00 00`` on a blank card), since those carry nothing.

    Raises ``BadCardData`` when the bytes are not a well-formed NDEF message, or a URI, Text or Smart
    Poster record in it is damaged.
    """
    try:
        records = tuple(_convert(raw) for raw in _raw_records(bytes(data)))
    except Exception as err:  # ndef.DecodeError, and whatever else garbage provokes inside ndeflib
        raise _damaged(err) from err
    return tuple(record for record in records if record.tnf != 0)


def encode_ndef_message(records: list[tuple[str, str]]) -> bytes:
    """An NDEF message for simulators and tests. Each record is ``(kind, value)``:

    - ``('uri', 'https://loyalty.example/m/0010100000081')`` -> a URI record;
    - ``('text', '0010100000081')`` -> a Text record (language 'en', UTF-8);
    - ``('mime:application/vnd.loyalty-till.member', '0010100000081')`` -> a media-type record whose payload
      is the value in UTF-8.

    An empty list gives ``b''`` (an empty message). Raises ``ValueError`` for an unknown kind or a value
    ndeflib cannot encode (a programming or configuration error, not card data).
    """
    built: list[Any] = []
    for kind, value in records:
        if kind not in ("uri", "text") and not (kind.startswith("mime:") and "/" in kind):
            raise ValueError(f"unknown NDEF record kind {kind!r}: use 'uri', 'text' or 'mime:<type/subtype>'")
        try:
            if kind == "uri":
                built.append(ndef.UriRecord(value))
            elif kind == "text":
                built.append(ndef.TextRecord(value))
            else:
                built.append(ndef.Record(kind[len("mime:") :], "", value.encode("utf-8")))
        except Exception as err:
            raise ValueError(f"cannot encode the NDEF record {kind!r}: {err}") from err
    try:
        return b"".join(ndef.message_encoder(built))
    except Exception as err:
        raise ValueError(f"cannot encode this NDEF message: {err}") from err


def member_uri(number: str, base: str = DEFAULT_MEMBER_BASE) -> str:
    """The URI a member card carries: ``base`` followed by the member number (digits only)."""
    if not (number.isascii() and number.isdigit()):
        raise ValueError(f"a member number is digits only, not {number!r}")
    return base + number
