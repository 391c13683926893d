"""An NFC Forum Type 4 tag (ISO 14443-4A, ISO-DEP) with the NDEF application — by default an NXP NTAG 424 DNA.

Layers, as the reader sees them:
- ISO 14443-3A activation (``type_a.py``), SAK 20: ISO 14443-4 compliant;
- RATS (``E0 <FSDI|CID>``) -> ATS ``06 77 77 71 02 80`` (FSC 128, FWI 7: frame waiting time ~39 ms);
- ISO-DEP blocks: I-blocks ``02``/``03`` (block number toggles) carry APDUs, with command chaining answered
  by R(ACK); R(NAK) — nfcpy's presence check — is answered with R(ACK), or the last block again when it names
  the block just sent; S(DESELECT) ``C2``. No CID, no NAD; responses fit one frame (the CC limits reads to
  128 bytes), so the tag never chains its answers;
- APDUs: SELECT the NDEF application ``D2760000850101``, SELECT file ``E103`` (capability container) or
  ``E104`` (NDEF file: 2-byte length, then the message), READ BINARY; UPDATE BINARY is refused (read-only);
  the NTAG 424 DNA's ISO-wrapped GetVersion (``90 60``, then ``90 AF``) when ``version`` is set.

The NDEF message may be a callable: it is called each time the NDEF file is selected, which is how an
NTAG 424 DNA with SUN presents a new URL (counter + 1) at every tap (``SunNdef``).
"""

from __future__ import annotations

from collections.abc import Callable

from devices.base import SunKeys
from devices.ndef import encode_ndef_message
from devices.testbed.nfc.sun import sun_url
from devices.testbed.nfc.type_a import TypeATag

NDEF_AID = bytes.fromhex("D2760000850101")
CC_FID = bytes.fromhex("E103")
NDEF_FID = bytes.fromhex("E104")
NTAG424_ATS = bytes.fromhex("067777710280")
# CCLEN 000F, mapping 2.0, MLe 0080, MLc 0080, NDEF file control TLV: E104, 256 bytes, read free, no write.
CAPABILITY_CONTAINER = bytes.fromhex("000F20008000800406E104010000FF")
# GetVersion of an NTAG 424 DNA: hardware part, software part, then UID and production data (UID filled in).
NTAG424_VERSION = (bytes.fromhex("04040230001105"), bytes.fromhex("04040201001105"))
DEFAULT_UID = bytes.fromhex("04DE5F1EACC040")

SW_OK = b"\x90\x00"
SW_WRONG_LENGTH = b"\x67\x00"
SW_SECURITY = b"\x69\x82"
SW_NO_FILE_SELECTED = b"\x69\x86"
SW_SFI = b"\x69\x81"
SW_NOT_FOUND = b"\x6a\x82"
SW_WRONG_OFFSET = b"\x6b\x00"
SW_INS = b"\x6d\x00"
SW_CLA = b"\x6e\x00"
SW_NATIVE_MORE = b"\x91\xaf"
SW_NATIVE_OK = b"\x91\x00"
SW_NATIVE_ILLEGAL = b"\x91\x1c"

NdefSource = bytes | Callable[[], bytes]


class SunNdef:
    """The NDEF message of an NTAG 424 DNA with SUN: a URL with fresh encrypted PICC data and MAC at every
    read, the counter one higher each time. ``counter`` is the last one used (the next read: counter + 1)."""

    def __init__(self, base: str, uid: bytes, keys: SunKeys, *, counter: int = 0) -> None:
        self.base, self.uid, self.keys, self.counter = base, uid, keys, counter
        self.urls: list[str] = []

    def __call__(self) -> bytes:
        self.counter += 1
        url = sun_url(self.base, self.uid, self.counter, self.keys)
        self.urls.append(url)
        return encode_ndef_message([("uri", url)])


class Type4Tag(TypeATag):
    def __init__(
        self,
        uid: bytes = DEFAULT_UID,
        *,
        ndef: NdefSource | None = None,
        ats: bytes = NTAG424_ATS,
        version: tuple[bytes, bytes] | None = NTAG424_VERSION,
    ) -> None:
        super().__init__(uid, sens_res=bytes.fromhex("4403"), sel_res=0x20)  # ATQA 0344, SAK 20
        self.ndef: NdefSource = b"" if ndef is None else ndef
        self.ats = ats
        self.version = version
        self.apdus: list[bytes] = []  # every APDU received, for tests
        self._reset_session()

    def _reset_session(self) -> None:
        self.protocol = False  # ISO-DEP active (after RATS)
        self.block = 1  # the PICC's block number starts at 1 (ISO 14443-4, 7.5.3.2)
        self.last_block: bytes | None = None
        self.chain = bytearray()
        self.app_selected = False
        self.file: bytes | None = None
        self.ndef_snapshot = b""
        self.version_part = -1

    def reset(self) -> None:
        super().reset()
        self._reset_session()

    def selected_now(self) -> None:
        self._reset_session()

    # -- ISO 14443-4 -------------------------------------------------------------------------------------
    def command(self, frame: bytes) -> bytes | None:
        if not frame:
            return None
        if not self.protocol:
            if frame[0] == 0xE0 and len(frame) == 2:  # RATS
                self.protocol = True
                return self.ats
            self.mute()
            return None
        pcb = frame[0]
        if pcb & 0xE2 == 0x02:  # I-block
            if pcb & 0x0C:  # CID or NAD following: not supported, and nfcpy never sends them
                return None
            self.block = pcb & 0x01
            if pcb & 0x10:  # chaining: more of the command follows
                self.chain += frame[1:]
                self.last_block = bytes([0xA2 | self.block])
                return self.last_block
            apdu = bytes(self.chain) + frame[1:]
            self.chain.clear()
            self.last_block = bytes([0x02 | self.block]) + self.apdu(apdu)
            return self.last_block
        if pcb & 0xF6 == 0xB2:  # R(NAK)
            if pcb & 0x01 == self.block and self.last_block is not None:
                return self.last_block
            return bytes([0xA2 | self.block])
        if pcb & 0xF6 == 0xA2:  # R(ACK): only meaningful when the tag chains, which it never does
            return self.last_block if pcb & 0x01 == self.block else None
        if pcb == 0xC2:  # S(DESELECT)
            self.state = "halt"
            self._reset_session()
            return b"\xc2"
        return None

    # -- ISO 7816-4 --------------------------------------------------------------------------------------
    def apdu(self, apdu: bytes) -> bytes:
        self.apdus.append(apdu)
        if len(apdu) < 4:
            return SW_WRONG_LENGTH
        cla, ins, p1, p2 = apdu[:4]
        if cla == 0x90:
            return self._native(ins)
        if cla != 0x00:
            return SW_CLA
        try:
            data, le = _split_short_apdu(apdu[4:])
        except ValueError:
            return SW_WRONG_LENGTH
        if ins == 0xA4:
            return self._select(p1, data)
        if ins == 0xB0:
            return self._read_binary(p1, p2, le)
        if ins == 0xD6:
            return SW_SECURITY
        return SW_INS

    def _select(self, p1: int, data: bytes) -> bytes:
        if p1 == 0x04:  # by DF name
            self.app_selected = data == NDEF_AID
            self.file = None
            return SW_OK if self.app_selected else SW_NOT_FOUND
        if p1 in (0x00, 0x02) and self.app_selected and data in (CC_FID, NDEF_FID):
            self.file = data
            if data == NDEF_FID:
                message = self.ndef() if callable(self.ndef) else self.ndef
                self.ndef_snapshot = len(message).to_bytes(2, "big") + message
            return SW_OK
        return SW_NOT_FOUND

    def _read_binary(self, p1: int, p2: int, le: int | None) -> bytes:
        if p1 & 0x80:
            return SW_SFI
        if self.file is None:
            return SW_NO_FILE_SELECTED
        content = CAPABILITY_CONTAINER if self.file == CC_FID else self.ndef_snapshot
        offset = p1 << 8 | p2
        if offset > len(content):
            return SW_WRONG_OFFSET
        length = le or 256
        return content[offset : offset + length] + SW_OK

    def _native(self, ins: int) -> bytes:
        if self.version is None:
            return SW_CLA
        if ins == 0x60:
            self.version_part = 0
            return self.version[0] + SW_NATIVE_MORE
        if ins == 0xAF and self.version_part == 0:
            self.version_part = 1
            return self.version[1] + SW_NATIVE_MORE
        if ins == 0xAF and self.version_part == 1:
            self.version_part = -1
            return self.uid + bytes(7) + SW_NATIVE_OK
        self.version_part = -1
        return SW_NATIVE_ILLEGAL


def _split_short_apdu(body: bytes) -> tuple[bytes, int | None]:
    """(command data, Le) of a short APDU's body (everything after CLA INS P1 P2)."""
    if not body:
        return b"", None
    if len(body) == 1:
        return b"", body[0]
    lc = body[0]
    if len(body) == 1 + lc:
        return body[1:], None
    if len(body) == 2 + lc:
        return body[1 : 1 + lc], body[-1]
    raise ValueError("APDU length does not match Lc")
