"""NFC Forum Type 4 tags (ISO 14443-4 cards, NTAG 424 DNA, phones emulating a tag): the NDEF mapping.

Reading the NDEF message is: SELECT the NDEF application (``NDEF_AID``), SELECT the capability container
file ``E103``, READ BINARY it (``parse_cc_file``), SELECT the NDEF file the CC names, READ BINARY its first two
bytes (``parse_nlen``), then READ BINARY the message in chunks (``read_plan``). Pure functions only.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.apdu import check_sw, select_aid, select_file
from devices.errors import BadCardData, NotSupported

NDEF_AID = bytes.fromhex("D2760000850101")  # NDEF Tag Application, mapping version 2.0 and later
CC_FILE = 0xE103
CC_MIN_LENGTH = 15  # CCLEN, version, MLe, MLc and the NDEF File Control TLV
NLEN_SIZE = 2
SHORT_APDU_MAX = 255  # what one short READ BINARY asks for here (Le 1..255)
READ_BINARY_MAX_OFFSET = 0x7FFF

SELECT_NDEF_APP = select_aid(NDEF_AID)
SELECT_CC_FILE = select_file(CC_FILE)

_TLV_NDEF_FILE = 0x04  # NDEF File Control TLV (mapping 2.0): id, 2-byte max size, access
_TLV_ENDEF_FILE = 0x06  # Extended NDEF File Control TLV (mapping 3.0): id, 4-byte max size, access
_RESERVED_FILE_IDS = frozenset({0x0000, 0xE102, 0xE103, 0x3F00, 0x3FFF, 0xFFFF})


@dataclass(frozen=True, slots=True)
class Type4CC:
    """The capability container file."""

    cclen: int
    version: int  # mapping version byte: 0x20 = 2.0
    mle: int  # the most bytes one READ BINARY may return
    mlc: int  # the most bytes one UPDATE BINARY may send
    file_id: int  # the NDEF file
    max_size: int  # the NDEF file's size, NLEN included
    read_access: int
    write_access: int

    @property
    def version_text(self) -> str:
        return f"{self.version >> 4}.{self.version & 0x0F}"

    @property
    def read_only(self) -> bool:
        return self.write_access != 0x00


def check_select_ndef(sw: int) -> None:
    """``check_sw`` for the answer to ``SELECT_NDEF_APP`` (6A82 -> "this card has no NDEF application")."""
    check_sw(sw, "selecting the NDEF application", not_found="this card has no NDEF application")


def parse_cc_file(data: bytes) -> Type4CC:
    """The capability container (the first 15 bytes of file E103 are enough; more are ignored)."""
    cc = bytes(data)
    if len(cc) < CC_MIN_LENGTH:
        raise BadCardData(f"the card's capability container is cut short: {len(cc)} of {CC_MIN_LENGTH} bytes")
    cclen = int.from_bytes(cc[0:2], "big")
    version = cc[2]
    mle = int.from_bytes(cc[3:5], "big")
    mlc = int.from_bytes(cc[5:7], "big")
    tag, length = cc[7], cc[8]
    if cclen < CC_MIN_LENGTH:
        raise BadCardData(f"the card's capability container declares an impossible length ({cclen} bytes)")
    if version >> 4 not in (2, 3):
        raise NotSupported(
            f"NFC Forum Type 4 mapping version {version >> 4}.{version & 0x0F} is not supported"
        )
    if mle < 0x000F:
        raise BadCardData(f"the card's capability container declares an impossible MLe ({mle})")
    if mlc < 0x0001:
        raise BadCardData("the card's capability container declares an MLc of 0")
    if tag == _TLV_NDEF_FILE and length == 6:
        size_len = 2
    elif tag == _TLV_ENDEF_FILE and length == 8:
        size_len = 4
    else:
        raise BadCardData(
            f"the card's capability container has no NDEF file control TLV (found tag {tag:02X} length {length})"
        )
    end = 9 + 2 + size_len + 2
    if len(cc) < end:
        raise BadCardData(f"the card's capability container is cut short: {len(cc)} of {end} bytes")
    file_id = int.from_bytes(cc[9:11], "big")
    max_size = int.from_bytes(cc[11 : 11 + size_len], "big")
    read_access, write_access = cc[11 + size_len], cc[12 + size_len]
    if file_id in _RESERVED_FILE_IDS:
        raise BadCardData(f"the card's capability container names a reserved NDEF file id {file_id:04X}")
    if max_size < 5:
        raise BadCardData(
            f"the card's capability container declares an impossible NDEF file size ({max_size})"
        )
    if read_access != 0x00:
        raise NotSupported(f"the card does not grant read access to its NDEF file (access {read_access:02X})")
    return Type4CC(cclen, version, mle, mlc, file_id, max_size, read_access, write_access)


def parse_nlen(data: bytes, max_size: int | None = None) -> int:
    """NLEN, the 2-byte length at the start of the NDEF file. With ``max_size`` (the CC's NDEF file size),
    an NLEN that does not fit the file is refused."""
    octets = bytes(data)
    if len(octets) < NLEN_SIZE:
        raise BadCardData(f"the card's NDEF length is cut short: {len(octets)} of 2 bytes")
    nlen = int.from_bytes(octets[:NLEN_SIZE], "big")
    if nlen == 0xFFFF:
        raise BadCardData("the card's NDEF length is FFFF, which is reserved")
    if max_size is not None and nlen > max_size - NLEN_SIZE:
        raise BadCardData(
            f"the card's NDEF length ({nlen} bytes) does not fit its NDEF file ({max_size - NLEN_SIZE} bytes)"
        )
    return nlen


def read_plan(nlen: int, mle: int) -> list[tuple[int, int]]:
    """The READ BINARY chunks ``(offset, length)`` that read an NDEF message of ``nlen`` bytes: they start at
    offset 2 (after NLEN), cover exactly ``[2, 2 + nlen)`` and each asks for at most ``min(mle, 255)``."""
    if not 0 <= nlen <= 0xFFFE:
        raise BadCardData(f"the card's NDEF length {nlen} is impossible")
    if mle < 1:
        raise BadCardData(f"the card's MLe {mle} is impossible")
    step = min(mle, SHORT_APDU_MAX)
    end = NLEN_SIZE + nlen
    plan = [(offset, min(step, end - offset)) for offset in range(NLEN_SIZE, end, step)]
    if plan and plan[-1][0] > READ_BINARY_MAX_OFFSET:
        raise NotSupported(
            f"the card's NDEF message is too large to read ({nlen} bytes; at most about 32 KB)"
        )
    return plan
