"""NFC Forum Type 2 tags (NTAG21x, MIFARE Ultralight): the capability container, the TLV blocks of the data
area, and a product guess. Pure functions over bytes read from the tag.

Memory layout (4-byte pages): pages 0–2 hold the UID, lock bytes; page 3 is the capability container
(CC: ``E1 <version> <data area size / 8> <access>``); the data area starts at page 4 and holds TLV blocks,
one of which (tag 03) carries the NDEF message.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.errors import BadCardData, NotSupported

PAGE_SIZE = 4
CC_PAGE = 3
DATA_AREA_PAGE = 4
READ_SIZE = 16  # one READ (or PC/SC FF B0) returns four pages

# Native Type 2 commands (for readers that pass frames through).
CMD_READ = 0x30
CMD_GET_VERSION = 0x60

TLV_NULL = 0x00
TLV_LOCK_CONTROL = 0x01
TLV_MEMORY_CONTROL = 0x02
TLV_NDEF = 0x03
TLV_PROPRIETARY = 0xFD
TLV_TERMINATOR = 0xFE

CC_MAGIC = 0xE1


@dataclass(frozen=True, slots=True)
class Type2CC:
    """The capability container (page 3)."""

    magic: int  # always 0xE1
    version: int  # mapping version byte: major in the high nibble (0x10 = 1.0)
    data_area_size: int  # bytes, = CC byte 2 × 8
    read_only: bool  # write access nibble is not 0 (0x0F: no write access)
    access: int = 0  # the raw access byte

    @property
    def version_text(self) -> str:
        return f"{self.version >> 4}.{self.version & 0x0F}"


def parse_cc(page3: bytes) -> Type2CC:
    """The CC from page 3 (extra bytes, e.g. a whole 16-byte READ from page 3, are ignored)."""
    cc = bytes(page3)
    if len(cc) < 4:
        raise BadCardData(f"the tag's capability container is cut short: {len(cc)} of 4 bytes")
    magic, version, size, access = cc[0], cc[1], cc[2], cc[3]
    if magic != CC_MAGIC:
        raise NotSupported(
            f"not an NFC Forum Type 2 tag (capability container starts with {magic:02X}, not E1)"
        )
    if version >> 4 != 1:
        raise NotSupported(f"Type 2 tag mapping version {version >> 4}.{version & 0x0F} is not supported")
    if access >> 4 != 0:
        raise NotSupported(f"the tag does not grant read access to its NDEF data (access {access:02X})")
    return Type2CC(magic, version, size * 8, read_only=(access & 0x0F) != 0, access=access)


def _walk(data: bytes) -> tuple[str, int, int]:
    """Walk the TLV blocks of a data area.

    Returns one of:
    - ``("ndef", value_start, value_length)`` for the first NDEF TLV whose header is complete;
    - ``("end", pos, 0)`` at a terminator TLV (no NDEF TLV before it);
    - ``("more", needed, 0)`` when the bytes end first: ``needed`` bytes would be enough to go on.
    """
    pos = 0
    size = len(data)
    while pos < size:
        tag = data[pos]
        if tag == TLV_NULL:
            pos += 1
            continue
        if tag == TLV_TERMINATOR:
            return "end", pos, 0
        if pos + 1 >= size:
            return "more", pos + 4, 0
        length = data[pos + 1]
        header = 2
        if length == 0xFF:
            if pos + 3 >= size:
                return "more", pos + 4, 0
            length = (data[pos + 2] << 8) | data[pos + 3]
            header = 4
        if tag == TLV_NDEF:
            return "ndef", pos + header, length
        # Lock control, memory control, proprietary and RFU TLVs are skipped by their length.
        pos += header + length
    return "more", pos + 4, 0


def find_ndef_tlv(data_area: bytes) -> bytes:
    """The NDEF message held by the first NDEF TLV of the data area (``b''`` for an empty NDEF TLV, as on a
    freshly formatted tag).

    Raises ``BadCardData`` when the TLVs are cut short or the NDEF TLV declares more bytes than there are,
    ``NotSupported`` when the tag holds no NDEF TLV at all (terminator first, or nothing but NULL TLVs —
    a tag that is not NDEF formatted; its UID may still be used).
    """
    data = bytes(data_area)
    kind, start, length = _walk(data)
    if kind == "ndef":
        if start + length > len(data):
            raise BadCardData(
                f"the tag's NDEF message is cut short: {length} bytes declared, {max(len(data) - start, 0)} present"
            )
        return data[start : start + length]
    if kind == "end":
        raise NotSupported("this tag holds no NDEF message (it is not NDEF formatted)")
    if all(b == TLV_NULL for b in data):
        raise NotSupported("this tag holds no NDEF message (its data area is empty)")
    raise BadCardData("the tag's data area is damaged: its TLV blocks run past the end")


def ndef_bytes_needed(first_pages: bytes) -> int | None:
    """How many bytes of the data area (from page 4) must be read to hold the whole NDEF TLV.

    - ``None``: a terminator comes before any NDEF TLV — there is nothing to read.
    - A number ``<= len(first_pages)``: what was read is enough; pass it to ``find_ndef_tlv``.
    - A number ``> len(first_pages)``: read at least that many bytes (rounded up to whole READs) and ask
      again — when the NDEF TLV header was already seen the number is exact, otherwise it is a lower bound
      that lets the walk go on. Callers cap reads at the CC's data area size.
    """
    kind, start, length = _walk(bytes(first_pages))
    if kind == "end":
        return None
    if kind == "ndef":
        return start + length
    return start


def product_from_version(get_version_response: bytes) -> str | None:
    """The product named by a GET_VERSION answer (8 bytes: header, vendor, type, subtype, major, minor,
    storage size, protocol), or None when it is not one we know."""
    v = bytes(get_version_response)
    if len(v) < 8 or v[0] != 0x00 or v[1] != 0x04 or v[7] != 0x03:  # NXP, ISO 14443-3 protocol
        return None
    product_type, subtype, major, storage = v[2], v[3], v[4], v[6]
    if product_type == 0x04 and major == 0x01:  # NTAG
        if subtype == 0x02:
            return {0x0F: "NTAG213", 0x11: "NTAG215", 0x13: "NTAG216"}.get(storage)
        if subtype == 0x01:
            return {0x0B: "NTAG210", 0x0E: "NTAG212"}.get(storage)
        return None
    if product_type == 0x03 and major == 0x01 and subtype in (0x01, 0x02) and storage in (0x0B, 0x0E):
        return "Mifare Ultralight EV1"
    return None


_BY_SIZE = {144: "NTAG213", 496: "NTAG215", 872: "NTAG216", 48: "Mifare Ultralight"}


def product_from_cc(cc: Type2CC) -> str | None:
    """A guess from the data area size alone (when GET_VERSION is not available). 144 bytes is also what a
    MIFARE Ultralight C declares, so this is a guess, not an identification."""
    return _BY_SIZE.get(cc.data_area_size)
