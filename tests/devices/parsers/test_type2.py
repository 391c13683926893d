"""NFC Forum Type 2 tags, worked on a realistic NTAG213 memory image."""

from __future__ import annotations

from functools import reduce
from operator import xor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.errors import BadCardData, DeviceError, NotSupported
from devices.ndef import encode_ndef_message, member_uri, parse_ndef_message
from devices.type2 import (
    DATA_AREA_PAGE,
    PAGE_SIZE,
    READ_SIZE,
    Type2CC,
    find_ndef_tlv,
    ndef_bytes_needed,
    parse_cc,
    product_from_cc,
    product_from_version,
)

UID = bytes.fromhex("04A2245AC26B80")
NUMBER = "0010100000081"
NTAG213_PAGES = 45
NTAG213_VERSION = bytes.fromhex("0004040201000F03")


def ndef_tlv(message: bytes) -> bytes:
    if len(message) < 0xFF:
        return bytes([0x03, len(message)]) + message
    return bytes([0x03, 0xFF]) + len(message).to_bytes(2, "big") + message


def ntag213(data_area: bytes, *, cc: bytes = bytes.fromhex("E1101200")) -> bytes:
    """An NTAG213 memory image: UID and BCCs, static lock bytes, CC, 144-byte data area, config pages."""
    bcc0 = reduce(xor, UID[:3], 0x88)
    bcc1 = reduce(xor, UID[3:], 0)
    head = UID[:3] + bytes([bcc0]) + UID[3:] + bytes([bcc1, 0x48, 0x00, 0x00]) + cc
    assert len(data_area) <= 144
    data = data_area + bytes(144 - len(data_area))
    config = bytes.fromhex("000000BD" + "040000FF" + "00050000" + "FFFFFFFF" + "00000000")
    image = head + data + config
    assert len(image) == NTAG213_PAGES * PAGE_SIZE
    return image


def read(image: bytes, page: int) -> bytes:
    """What one READ of ``page`` answers: 16 bytes, rolling over at the end of memory as NTAG does."""
    return bytes(image[(page * PAGE_SIZE + i) % len(image)] for i in range(READ_SIZE))


def read_ndef(image: bytes) -> tuple[bytes, int]:
    """A driver's loop: read the CC, then whole READs of the data area until the NDEF TLV is in; returns the
    NDEF message and the number of READs after the CC."""
    cc = parse_cc(read(image, 3))
    buffer = b""
    reads = 0
    while True:
        need = ndef_bytes_needed(buffer)
        if need is None or need <= len(buffer) or len(buffer) >= cc.data_area_size:
            break
        buffer += read(image, DATA_AREA_PAGE + len(buffer) // PAGE_SIZE)
        reads += 1
    return find_ndef_tlv(buffer[: cc.data_area_size]), reads


MESSAGE = encode_ndef_message([("uri", member_uri(NUMBER))])
IMAGE = ntag213(ndef_tlv(MESSAGE) + b"\xfe")


def test_the_image_is_what_a_tag_holds() -> None:
    assert IMAGE[12:16].hex().upper() == "E1101200"
    assert IMAGE[16] == 0x03
    assert IMAGE[18 + len(MESSAGE)] == 0xFE


def test_cc_of_an_ntag213() -> None:
    cc = parse_cc(read(IMAGE, 3))
    assert cc == Type2CC(magic=0xE1, version=0x10, data_area_size=144, read_only=False, access=0)
    assert cc.version_text == "1.0"
    assert product_from_cc(cc) == "NTAG213"


def test_ndef_of_an_ntag213_in_whole_reads() -> None:
    message, reads = read_ndef(IMAGE)
    assert message == MESSAGE
    assert len(MESSAGE) == 36
    assert reads == 3  # a 38-byte NDEF TLV: three 16-byte READs
    (record,) = parse_ndef_message(message)
    assert record.uri == "https://loyalty.example/m/0010100000081"


def test_short_message_needs_one_read() -> None:
    message = encode_ndef_message([("text", "42")])
    assert len(message) + 2 <= READ_SIZE
    image = ntag213(ndef_tlv(message) + b"\xfe")
    assert read_ndef(image) == (message, 1)
    assert ndef_bytes_needed(read(image, 4)) == 2 + len(message)


def test_lock_control_and_null_tlvs_before_the_ndef_tlv() -> None:
    area = bytes.fromhex("0000" + "0103A00C34") + ndef_tlv(MESSAGE) + b"\xfe"
    assert find_ndef_tlv(area) == MESSAGE
    assert read_ndef(ntag213(area))[0] == MESSAGE


def test_proprietary_and_memory_control_tlvs_are_skipped() -> None:
    area = bytes.fromhex("FD021234" + "0203AABBCC") + ndef_tlv(MESSAGE) + b"\xfe"
    assert find_ndef_tlv(area) == MESSAGE


def test_three_byte_length() -> None:
    message = encode_ndef_message([("text", "x" * 300)])
    area = ndef_tlv(message) + b"\xfe"
    assert area[:2] == b"\x03\xff"
    assert find_ndef_tlv(area) == message
    assert ndef_bytes_needed(area[:4]) == 4 + len(message)
    assert ndef_bytes_needed(area[:3]) == 4  # the length is not complete yet


def test_freshly_formatted_tag_has_an_empty_message() -> None:
    image = ntag213(bytes.fromhex("0300FE"))
    message, reads = read_ndef(image)
    assert (message, reads) == (b"", 1)
    assert parse_ndef_message(message) == ()


def test_terminator_first_means_no_ndef() -> None:
    assert ndef_bytes_needed(b"\xfe" + bytes(15)) is None
    with pytest.raises(NotSupported, match="no NDEF message"):
        find_ndef_tlv(b"\xfe" + bytes(15))


def test_blank_data_area_means_no_ndef() -> None:
    with pytest.raises(NotSupported, match="no NDEF message"):
        find_ndef_tlv(bytes(144))
    with pytest.raises(NotSupported):
        read_ndef(ntag213(b""))


def test_cut_short_ndef_tlv() -> None:
    with pytest.raises(BadCardData, match="cut short: 35 bytes declared, 10 present"):
        find_ndef_tlv(bytes([0x03, 35]) + bytes(10))
    with pytest.raises(BadCardData):
        find_ndef_tlv(b"\x03")
    with pytest.raises(BadCardData):
        find_ndef_tlv(b"\x03\xff\x01")
    with pytest.raises(BadCardData):
        find_ndef_tlv(b"\x01\x10\x00")  # a lock TLV running past the end


def test_ndef_longer_than_the_data_area_is_damaged() -> None:
    image = ntag213(bytes([0x03, 0xF0]) + bytes(142))
    with pytest.raises(BadCardData, match="cut short"):
        read_ndef(image)


def test_read_only_and_foreign_ccs() -> None:
    assert parse_cc(bytes.fromhex("E110120F")).read_only is True
    with pytest.raises(NotSupported, match="not an NFC Forum Type 2 tag"):
        parse_cc(bytes.fromhex("00000000"))
    with pytest.raises(NotSupported, match=r"version 2\.0"):
        parse_cc(bytes.fromhex("E1201200"))
    with pytest.raises(NotSupported, match="read access"):
        parse_cc(bytes.fromhex("E1101280"))
    with pytest.raises(BadCardData):
        parse_cc(b"\xe1\x10")


@pytest.mark.parametrize(
    ("size", "product"),
    [(0x12, "NTAG213"), (0x3E, "NTAG215"), (0x6D, "NTAG216"), (0x06, "Mifare Ultralight"), (0x10, None)],
)
def test_product_from_cc(size: int, product: str | None) -> None:
    assert product_from_cc(parse_cc(bytes([0xE1, 0x10, size, 0x00]))) == product


@pytest.mark.parametrize(
    ("version", "product"),
    [
        ("0004040201000F03", "NTAG213"),
        ("0004040201001103", "NTAG215"),
        ("0004040201001303", "NTAG216"),
        ("0004030101000B03", "Mifare Ultralight EV1"),
        ("0004030201000E03", "Mifare Ultralight EV1"),
        ("0004040101000B03", "NTAG210"),
        ("0004040201001503", None),
        ("0005040201000F03", None),  # another vendor
        ("0004040201000F", None),  # cut short
        ("", None),
    ],
)
def test_product_from_version(version: str, product: str | None) -> None:
    assert product_from_version(bytes.fromhex(version)) == product


def test_product_from_version_ignores_trailing_bytes() -> None:
    assert product_from_version(NTAG213_VERSION + b"\x90\x00") == "NTAG213"


# --- properties -----------------------------------------------------------------------------------------------

_other_tlv = st.one_of(
    st.just(b"\x00"),
    st.binary(max_size=6).map(lambda v: bytes([0x01, len(v)]) + v),
    st.binary(max_size=6).map(lambda v: bytes([0xFD, len(v)]) + v),
)


@settings(max_examples=200)
@given(before=st.lists(_other_tlv, max_size=4), message=st.binary(max_size=600))
def test_chunked_reading_finds_exactly_the_message(before: list[bytes], message: bytes) -> None:
    area = b"".join(before) + ndef_tlv(message) + b"\xfe" + bytes(16)
    buffer = b""
    while (need := ndef_bytes_needed(buffer)) is not None and need > len(buffer):
        buffer += area[len(buffer) : len(buffer) + READ_SIZE]
    assert find_ndef_tlv(buffer) == message
    assert len(buffer) - (need or 0) < READ_SIZE + 4  # never reads much more than needed


@settings(max_examples=500)
@given(st.binary(max_size=200))
def test_arbitrary_data_areas(data: bytes) -> None:
    try:
        message = find_ndef_tlv(data)
    except (BadCardData, NotSupported):
        pass
    else:
        assert len(message) <= len(data)
    need = ndef_bytes_needed(data)
    assert need is None or need >= 0


@given(st.binary(max_size=20))
def test_arbitrary_ccs_and_versions(data: bytes) -> None:
    try:
        cc = parse_cc(data)
    except DeviceError:
        pass
    else:
        assert cc.magic == 0xE1
        product_from_cc(cc)
    product_from_version(data)
