"""The virtual cards of the PC/SC rig, as data: what a card holds and how it behaves.

Each card turns into a JSON spec for ``vicc_card.py`` (the process that *is* the card while it runs). Cards
keep state between taps in the test process — a SUN card's counter goes up on every tap like a real NTAG 424
DNA's — so a replay is simply tapping an old message again.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field
from typing import Any

from devices.ndef import encode_ndef_message, member_uri
from devices.testbed.pcsc.sun_gen import sun_url, tamper_mac

NDEF_AID = bytes.fromhex("D2760000850101")
CC_FILE = 0xE103
NDEF_FILE = 0xE104

MEMBER_NUMBER = "0010100000081"  # Luhn-valid
MEMBER_URL = member_uri(MEMBER_NUMBER)

# PC/SC part 3 ATR of a contactless storage card: 3B 8F 80 01 80 4F 0C, then RID A0 00 00 03 06, the standard
# byte SS, the card name NN NN and four RFU bytes; TCK is appended by ``_with_tck``.
_STORAGE_ATR_HEAD = bytes.fromhex("3B8F8001804F0CA000000306")
SS_ISO14443A_3 = 0x03
NN_MIFARE_CLASSIC_1K = 0x0001
NN_MIFARE_ULTRALIGHT = 0x0003  # Ultralight and the NTAG21x family


def _with_tck(atr_without_tck: bytes) -> bytes:
    """The ATR with its check byte: XOR of every byte after TS (needed when T=1 is offered, as here)."""
    return atr_without_tck + bytes([functools.reduce(operator.xor, atr_without_tck[1:], 0)])


def storage_card_atr(card_name: int, standard: int = SS_ISO14443A_3) -> bytes:
    return _with_tck(_STORAGE_ATR_HEAD + bytes([standard]) + card_name.to_bytes(2, "big") + bytes(4))


def iso14443_4_atr(historical: bytes = b"\x80") -> bytes:
    """What PC/SC readers make of an ISO 14443-4 card's ATS: 3B 8n 80 01 <historical bytes> TCK."""
    return _with_tck(bytes([0x3B, 0x80 | len(historical), 0x80, 0x01]) + historical)


ATR_NTAG = storage_card_atr(NN_MIFARE_ULTRALIGHT)
ATR_CLASSIC_1K = storage_card_atr(NN_MIFARE_CLASSIC_1K)
ATR_ISO14443_4 = iso14443_4_atr()  # 3B 81 80 01 80 80: DESFire, NTAG 424 DNA, phones on an ACR122U


@dataclass
class VirtualCard:
    """A card the rig can tap. ``pull_after``: the card leaves the field on that APDU (1-based); ``delay``:
    it answers each APDU that much later (a slow card; a long delay is a stuck one)."""

    uid: bytes = bytes.fromhex("04A1B2C3D4E580")
    atr: bytes = ATR_CLASSIC_1K
    pull_after: int | None = None
    delay: float = 0.0  # seconds the card takes to answer each APDU
    nodelay: bool = True

    kind = "uid"

    def spec(self) -> dict[str, Any]:
        """The JSON spec for this tap (cards with state change it here)."""
        return {
            "kind": self.kind,
            "uid": self.uid.hex(),
            "atr": self.atr.hex(),
            "pull_after": self.pull_after,
            "delay": self.delay,
            "nodelay": self.nodelay,
        }


@dataclass
class UidCard(VirtualCard):
    """A card that is only its UID: a Mifare Classic loyalty card (by default) or any card without NDEF."""


NTAG213_DATA_BYTES = 144  # CC byte 2 = 0x12: 0x12 * 8 bytes of data area
NTAG213_PAGES = 45


def ntag_memory(
    uid: bytes, tlv_area: bytes, data_bytes: int = NTAG213_DATA_BYTES, pages: int = NTAG213_PAGES
) -> bytes:
    """An NTAG21x memory image: UID and check bytes in pages 0-2, the CC in page 3, the data area from page 4."""
    if len(uid) != 7:
        raise ValueError("NTAG21x UIDs are 7 bytes")
    if len(tlv_area) > data_bytes:
        raise ValueError(f"{len(tlv_area)} bytes do not fit the {data_bytes}-byte data area")
    bcc0 = 0x88 ^ uid[0] ^ uid[1] ^ uid[2]
    bcc1 = uid[3] ^ uid[4] ^ uid[5] ^ uid[6]
    head = uid[:3] + bytes([bcc0]) + uid[3:] + bytes([bcc1, 0x48, 0x00, 0x00])
    cc = bytes([0xE1, 0x10, data_bytes // 8, 0x00])
    data = tlv_area + bytes(data_bytes - len(tlv_area))
    config = bytes(pages * 4 - len(head) - len(cc) - len(data))
    return head + cc + data + config


def ndef_tlv(message: bytes) -> bytes:
    """An NDEF message TLV (short or three-byte length form) followed by the terminator TLV."""
    if len(message) < 0xFF:
        return bytes([0x03, len(message)]) + message + b"\xfe"
    return bytes([0x03, 0xFF]) + len(message).to_bytes(2, "big") + message + b"\xfe"


@dataclass
class Type2Card(VirtualCard):
    """An NTAG213-like NFC Forum Type 2 tag holding an NDEF message (by default a member URI)."""

    uid: bytes = bytes.fromhex("04112233445566")
    atr: bytes = ATR_NTAG
    ndef: bytes = field(default_factory=lambda: encode_ndef_message([("uri", MEMBER_URL)]))
    tlv_area: bytes | None = None  # the raw data area, to put garbage on the card

    kind = "type2"

    def spec(self) -> dict[str, Any]:
        area = self.tlv_area if self.tlv_area is not None else ndef_tlv(self.ndef)
        return super().spec() | {"memory": ntag_memory(self.uid, area).hex()}


def type4_cc_file(mle: int, mlc: int = 0xFF, max_ndef: int = 0x0800) -> bytes:
    """Capability container file E103 of an NFC Forum Type 4 tag (mapping version 2.0)."""
    return (
        (15).to_bytes(2, "big")
        + b"\x20"
        + mle.to_bytes(2, "big")
        + mlc.to_bytes(2, "big")
        + bytes([0x04, 0x06])
        + NDEF_FILE.to_bytes(2, "big")
        + max_ndef.to_bytes(2, "big")
        + b"\x00\x00"  # read access free, write access free
    )


@dataclass
class Type4Card(VirtualCard):
    """An NFC Forum Type 4 tag (or a phone emulating one): NDEF application, CC file E103, NDEF file E104.
    ``mle`` is both what the CC announces and the largest READ BINARY the card answers (smaller = more
    chunks)."""

    uid: bytes = bytes.fromhex("04C767F2066180")
    atr: bytes = ATR_ISO14443_4
    ndef: bytes = field(default_factory=lambda: encode_ndef_message([("uri", MEMBER_URL)]))
    mle: int = 0xFF
    max_ndef: int = 0x0800

    kind = "type4"

    def spec(self) -> dict[str, Any]:
        ndef_file = len(self.ndef).to_bytes(2, "big") + self.ndef
        return super().spec() | {
            "aid": NDEF_AID.hex(),
            "mle": self.mle,
            "files": {
                f"{CC_FILE:04X}": type4_cc_file(self.mle, max_ndef=self.max_ndef).hex(),
                f"{NDEF_FILE:04X}": (ndef_file + bytes(max(0, self.max_ndef - len(ndef_file)))).hex(),
            },
        }


SUN_BASE = "https://loyalty.example/s"


@dataclass
class SunCard(Type4Card):
    """An NTAG 424 DNA with SUN mirroring: every tap reads a new URL with the next counter.

    ``tamper_next`` makes the next tap send a URL whose MAC was altered; ``replay_next`` makes it send the
    previous tap's URL again (a copied message)."""

    meta_read_key: bytes = bytes(16)
    file_read_key: bytes = bytes(16)
    counter: int = 0
    base: str = SUN_BASE
    tamper_next: bool = False
    replay_next: bool = False
    last_url: str | None = None

    def spec(self) -> dict[str, Any]:
        if self.replay_next and self.last_url is not None:
            url = self.last_url
        else:
            self.counter += 1
            url = sun_url(
                self.base,
                meta_read_key=self.meta_read_key,
                file_read_key=self.file_read_key,
                uid=self.uid,
                counter=self.counter,
            ).url
            if self.tamper_next:
                url = tamper_mac(url)
        self.replay_next = self.tamper_next = False
        self.last_url = url
        self.ndef = encode_ndef_message([("uri", url)])
        return super().spec()
