"""ISO/IEC 7816-4 command APDUs, the PC/SC part 3 pseudo-APDUs that contactless readers answer themselves,
and status words turned into reader-layer errors with plain words.

Everything here is pure: builders return bytes, ``split_response`` and ``check_sw`` only look at bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from devices.errors import BadCardData, CardGone, DeviceError, NotSupported

SW_OK = 0x9000

# PC/SC 2.01 part 3 GET DATA: the reader answers with the card's UID (P1=00) or ATS / historical bytes (P1=01).
GET_UID = bytes.fromhex("FFCA000000")
GET_ATS = bytes.fromhex("FFCA010000")


def get_ats() -> bytes:
    """PC/SC GET DATA for the ATS (ISO 14443-4 cards) — ``FF CA 01 00 00``."""
    return GET_ATS


def _byte(value: int, what: str) -> int:
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{what} must be 0..255, not {value}")
    return value


def read_pages(page: int, length: int = 16) -> bytes:
    """PC/SC READ BINARY pseudo-APDU ``FF B0 00 <page> <len>``: for Type 2 tags (NTAG21x, Ultralight) the
    reader (ACR122U, ACR1252U, Omnikey…) sends the tag's READ for ``page`` and returns ``length`` bytes
    (16 = four 4-byte pages, one READ)."""
    _byte(page, "page")
    if not 1 <= length <= 0xFF:
        raise ValueError(f"length must be 1..255, not {length}")
    return bytes((0xFF, 0xB0, 0x00, page, length))


def select_aid(aid: bytes) -> bytes:
    """SELECT by DF name (application id): ``00 A4 04 00 Lc <aid> 00``."""
    if not 5 <= len(aid) <= 16:
        raise ValueError(f"an application id is 5 to 16 bytes, not {len(aid)}")
    return bytes((0x00, 0xA4, 0x04, 0x00, len(aid))) + bytes(aid) + b"\x00"


def select_file(fid: int) -> bytes:
    """SELECT an elementary file by id, no response data: ``00 A4 00 0C 02 <fid>``."""
    if not 0 <= fid <= 0xFFFF:
        raise ValueError(f"a file id is 0..FFFF, not {fid:#x}")
    return bytes((0x00, 0xA4, 0x00, 0x0C, 0x02)) + fid.to_bytes(2, "big")


def read_binary(offset: int, length: int) -> bytes:
    """READ BINARY of the selected file: ``00 B0 <offset hi> <offset lo> <Le>`` (short APDU: offset up to
    7FFF, 1..256 bytes where 256 is sent as Le 00)."""
    if not 0 <= offset <= 0x7FFF:
        raise ValueError(f"READ BINARY offset must be 0..7FFF, not {offset:#x}")
    if not 1 <= length <= 256:
        raise ValueError(f"READ BINARY length must be 1..256, not {length}")
    return bytes((0x00, 0xB0, offset >> 8, offset & 0xFF, length & 0xFF))


def split_response(resp: bytes | bytearray | Sequence[int]) -> tuple[bytes, int]:
    """A response APDU as (data, status word). pyscard gives lists of ints, other stacks bytes."""
    try:
        octets = bytes(resp)
    except (TypeError, ValueError) as err:
        raise BadCardData(f"the card's answer is not a byte string: {err}") from err
    if len(octets) < 2:
        raise BadCardData(
            f"the card's answer is too short to hold a status word ({octets.hex().upper() or 'empty'})"
        )
    return octets[:-2], (octets[-2] << 8) | octets[-1]


class WrongLe(BadCardData):
    """SW 6Cxx: the command asked for the wrong number of bytes; ``exact`` is the number the card has."""

    def __init__(self, message: str, exact: int) -> None:
        super().__init__(message)
        self.exact = exact


# Status words with fixed meanings: (error class, words).
_KNOWN: dict[int, tuple[type[DeviceError], str]] = {
    0x6282: (BadCardData, "the file ended before the bytes asked for"),
    0x6300: (CardGone, "the card was removed or did not answer"),
    0x6400: (BadCardData, "the card reported an internal error"),
    0x6581: (BadCardData, "the card reported a memory failure"),
    0x6700: (BadCardData, "the card refused the length of the command (wrong length)"),
    0x6981: (NotSupported, "the command does not fit this card's file structure (command incompatible)"),
    0x6982: (NotSupported, "the card protects this data (security status not satisfied)"),
    0x6985: (
        NotSupported,
        "the card refused the command in its current state (conditions of use not satisfied)",
    ),
    0x6A81: (NotSupported, "the card or reader does not support this function"),
    0x6A82: (NotSupported, "file or application not found on this card"),
    0x6A86: (NotSupported, "the card refused the command parameters (wrong P1/P2)"),
    0x6B00: (BadCardData, "the card refused the offset or parameters (outside the file)"),
    0x6D00: (NotSupported, "the card or reader does not support this instruction"),
    0x6E00: (NotSupported, "the card or reader does not support this command class"),
    0x6F00: (BadCardData, "the card reported an error without saying which"),
}


def check_sw(sw: int, context: str, *, not_found: str | None = None) -> None:
    """Return quietly for 9000; otherwise raise a ``DeviceError`` subclass that says what went wrong:
    ``"<context>: <words> (SW 6A82)"``. ``not_found`` replaces the words for 6A82 (e.g. "this card has no
    NDEF application" when selecting the NDEF application).

    ``CardGone`` for 6300 (what PC/SC readers answer when the card did not respond), ``NotSupported`` when the
    card or reader cannot do this (6A81, 6A82, 6D00, 6E00, 6981, 6982, 6985, 6A86), ``WrongLe`` (a
    ``BadCardData``) for 6Cxx, ``BadCardData`` for the rest, including status words not known here.
    """
    if not isinstance(sw, int) or not 0 <= sw <= 0xFFFF:
        raise BadCardData(f"{context}: the card answered with an impossible status word {sw!r}")
    if sw == SW_OK:
        return
    tag = f"(SW {sw:04X})"
    known = _KNOWN.get(sw)
    if known is not None:
        cls, words = known
        if sw == 0x6A82 and not_found:
            words = not_found
        raise cls(f"{context}: {words} {tag}")
    high, low = sw >> 8, sw & 0xFF
    if high == 0x6C:
        exact = low or 256
        raise WrongLe(f"{context}: wrong length asked for; the card has {exact} bytes {tag}", exact)
    if high == 0x61:
        raise BadCardData(
            f"{context}: the card has {low or 256} more bytes waiting that were not fetched {tag}"
        )
    if high == 0x63 and low & 0xF0 == 0xC0:
        raise BadCardData(f"{context}: verification failed, {low & 0x0F} tries left {tag}")
    if high in (0x62, 0x63):
        raise BadCardData(f"{context}: the card answered with a warning {tag}")
    if high in (0x64, 0x65, 0x66):
        raise BadCardData(f"{context}: the card reported an error {tag}")
    raise BadCardData(f"{context}: the card answered with an unexpected status {tag}")


def check_response(resp: bytes | bytearray | Sequence[int], context: str) -> bytes:
    """``split_response`` then ``check_sw``: the data of a successful response."""
    data, sw = split_response(resp)
    check_sw(sw, context)
    return data
