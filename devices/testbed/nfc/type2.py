"""An NFC Forum Type 2 tag: NXP NTAG213 (45 pages of 4 bytes, 144 bytes of user memory).

Commands answered once selected (frames without CRC, as nfcpy's UDP driver carries them):
``30 <page>`` READ, 16 bytes from the page on (rolling over at the end of memory); ``60`` GET_VERSION (the
NTAG213 version, which is how nfcpy tells an NTAG213 from other NXP Type 2 tags); ``3C 00`` READ_SIG;
``A2 <page> <4 bytes>`` WRITE. Anything else, or a page beyond memory, gets a NAK (``00``) and the tag falls
back to idle, as a real NTAG does — nfcpy probes with ``1A 00`` (Ultralight C authentication) and re-selects.
"""

from __future__ import annotations

from devices.testbed.nfc.type_a import TypeATag, bcc

NTAG213_VERSION = bytes.fromhex("0004040201000F03")  # vendor NXP, NTAG, 50 pF, v1.0, 144 bytes, ISO 14443-3
NTAG213_PAGES = 45
NTAG213_USER_BYTES = 144
NTAG213_CC = bytes.fromhex("E1101200")  # NDEF mapping 1.0, 0x12 × 8 = 144 bytes, read/write
ACK = b"\x0a"
NAK = b"\x00"
DEFAULT_UID = bytes.fromhex("04A1B2C3D4E580")


def ntag213_memory(uid: bytes, *, ndef: bytes | None = None, tlv_area: bytes | None = None) -> bytearray:
    """An NTAG213 memory image: UID and check bytes in pages 0–2, the capability container in page 3, the
    user memory from page 4 and the configuration pages at the end (factory defaults).

    ``ndef``: an NDEF message, stored as an NDEF TLV (``03 <len> <message>``) and a terminator TLV ``FE``;
    ``tlv_area``: raw bytes for the user memory instead (for damaged tags); neither: an empty NDEF TLV.
    """
    if len(uid) != 7:
        raise ValueError("an NTAG213 has a 7-byte UID")
    memory = bytearray(NTAG213_PAGES * 4)
    memory[0:3] = uid[0:3]
    memory[3] = bcc(bytes([0x88]) + uid[0:3])  # BCC0 includes the cascade tag
    memory[4:8] = uid[3:7]
    memory[8] = bcc(uid[3:7])  # BCC1
    memory[9] = 0x48  # internal
    memory[12:16] = NTAG213_CC
    if tlv_area is None:
        message = b"" if ndef is None else ndef
        if len(message) > 0xFE:
            raise ValueError("this simulator writes the one-byte TLV length form only")
        tlv_area = bytes([0x03, len(message)]) + message + b"\xfe"
    if len(tlv_area) > NTAG213_USER_BYTES:
        raise ValueError(f"{len(tlv_area)} bytes do not fit the NTAG213's {NTAG213_USER_BYTES} bytes")
    memory[16 : 16 + len(tlv_area)] = tlv_area
    memory[0x29 * 4 : 0x29 * 4 + 4] = bytes.fromhex("040000FF")  # CFG0: AUTH0 = FF, no password protection
    return memory


class Ntag213(TypeATag):
    """An NTAG213 in the field. ``memory``: a full image (see ``ntag213_memory``); default: ``ndef`` (an NDEF
    message, or None for an empty NDEF TLV) on a fresh tag with UID ``uid``."""

    def __init__(
        self,
        uid: bytes = DEFAULT_UID,
        *,
        ndef: bytes | None = None,
        memory: bytes | None = None,
    ) -> None:
        super().__init__(uid, sens_res=bytes.fromhex("4400"), sel_res=0x00)  # ATQA 0044, SAK 00
        self.memory = bytearray(memory if memory is not None else ntag213_memory(uid, ndef=ndef))
        if len(self.memory) != NTAG213_PAGES * 4:
            raise ValueError(f"an NTAG213 memory image is {NTAG213_PAGES * 4} bytes")
        self.signature = bytes(range(32))

    def command(self, frame: bytes) -> bytes | None:
        if not frame:
            return None
        code = frame[0]
        if code == 0x30 and len(frame) == 2:
            return self._read(frame[1])
        if code == 0x60 and len(frame) == 1:
            return NTAG213_VERSION
        if code == 0x3C and len(frame) == 2:
            return self.signature
        if code == 0xA2 and len(frame) == 6:
            return self._write(frame[1], frame[2:6])
        self.mute()
        return NAK

    def _read(self, page: int) -> bytes:
        if page >= NTAG213_PAGES:
            self.mute()
            return NAK
        start = page * 4
        doubled = self.memory + self.memory  # a READ near the end rolls over to page 0
        return bytes(doubled[start : start + 16])  # PWD and PACK are zeros in the image, as they read

    def _write(self, page: int, data: bytes) -> bytes:
        if not 4 <= page < NTAG213_PAGES:  # UID and lock pages are not writable in this simulator
            self.mute()
            return NAK
        self.memory[page * 4 : page * 4 + 4] = data
        return ACK


class MifareClassic(TypeATag):
    """A MIFARE Classic 1K as an unauthenticated reader meets it: it selects (SAK 08) and NAKs every command,
    READ included (its sectors need authentication first). Loyalty cards are often Classic cards used by UID;
    the reader must present the UID and not mistake the refused READs for a card that left."""

    def __init__(self, uid: bytes = bytes.fromhex("5A3C9E12")) -> None:
        super().__init__(uid, sens_res=bytes.fromhex("0400"), sel_res=0x08)  # ATQA 0004, SAK 08

    def command(self, frame: bytes) -> bytes | None:
        self.mute()
        return b"\x04"  # NAK: not allowed
