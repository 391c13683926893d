"""NFC Forum Type 4 tags: capability container, NLEN, the read plan, and a whole read against a fake card."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.apdu import check_response, read_binary, select_file, split_response
from devices.errors import BadCardData, DeviceError, NotSupported
from devices.ndef import encode_ndef_message, member_uri, parse_ndef_message
from devices.type4 import (
    CC_FILE,
    NDEF_AID,
    SELECT_CC_FILE,
    SELECT_NDEF_APP,
    Type4CC,
    check_select_ndef,
    parse_cc_file,
    parse_nlen,
    read_plan,
)

SPEC_CC = bytes.fromhex("000F20003B00340406E10408000000")  # NFC Forum T4T example
NTAG424_CC = bytes.fromhex("001720010000FF0406E104010000000506E10500808283000000000000000000")


def test_constants() -> None:
    assert NDEF_AID.hex().upper() == "D2760000850101"
    assert CC_FILE == 0xE103
    assert SELECT_NDEF_APP.hex().upper() == "00A4040007D276000085010100"
    assert SELECT_CC_FILE.hex().upper() == "00A4000C02E103"


def test_spec_example_cc() -> None:
    cc = parse_cc_file(SPEC_CC)
    assert cc == Type4CC(
        cclen=15,
        version=0x20,
        mle=0x3B,
        mlc=0x34,
        file_id=0xE104,
        max_size=0x0800,
        read_access=0,
        write_access=0,
    )
    assert cc.version_text == "2.0"
    assert cc.read_only is False


def test_ntag424_default_cc() -> None:
    cc = parse_cc_file(NTAG424_CC)
    assert (cc.cclen, cc.mle, cc.mlc, cc.file_id, cc.max_size) == (0x17, 0x100, 0xFF, 0xE104, 0x100)


def test_mapping_3_extended_tlv() -> None:
    cc = parse_cc_file(bytes.fromhex("001130FFFFFFFF0608E1040001000000FF"))
    assert (cc.version_text, cc.max_size, cc.read_only) == ("3.0", 0x10000, True)


@pytest.mark.parametrize(
    ("hexdata", "cls", "words"),
    [
        ("000F20003B00340406E104080000", BadCardData, "cut short"),
        ("", BadCardData, "cut short"),
        ("000E20003B00340406E10408000000", BadCardData, "impossible length"),
        ("000F10003B00340406E10408000000", NotSupported, "version 1.0"),
        ("000F20000E00340406E10408000000", BadCardData, "MLe"),
        ("000F20003B00000406E10408000000", BadCardData, "MLc"),
        ("000F20003B00340506E10408000000", BadCardData, "no NDEF file control TLV"),
        ("000F20003B00340407E10408000000", BadCardData, "no NDEF file control TLV"),
        ("000F20003B00340406E10308000000", BadCardData, "reserved NDEF file id E103"),
        ("000F20003B00340406E10400040000", BadCardData, "impossible NDEF file size"),
        ("000F20003B00340406E10408008000", NotSupported, "read access"),
        ("001130003B00340608E1040000010000", BadCardData, "cut short"),
    ],
)
def test_bad_ccs(hexdata: str, cls: type[DeviceError], words: str) -> None:
    with pytest.raises(cls, match=words):
        parse_cc_file(bytes.fromhex(hexdata))


def test_nlen() -> None:
    assert parse_nlen(b"\x00\x20") == 32
    assert parse_nlen(b"\x00\x20\xd1\x01", max_size=0x800) == 32
    assert parse_nlen(b"\x00\x00") == 0
    with pytest.raises(BadCardData, match="cut short"):
        parse_nlen(b"\x00")
    with pytest.raises(BadCardData, match="reserved"):
        parse_nlen(b"\xff\xff")
    with pytest.raises(BadCardData, match="does not fit"):
        parse_nlen(b"\x08\x00", max_size=0x800)


def test_read_plan_examples() -> None:
    assert read_plan(0, 0x3B) == []
    assert read_plan(32, 0x3B) == [(2, 32)]
    assert read_plan(100, 0x3B) == [(2, 59), (61, 41)]
    assert read_plan(600, 0x100) == [(2, 255), (257, 255), (512, 90)]
    with pytest.raises(BadCardData):
        read_plan(-1, 59)
    with pytest.raises(BadCardData):
        read_plan(10, 0)
    with pytest.raises(NotSupported):
        read_plan(0xFFFE, 255)


@given(nlen=st.integers(0, 0x7F00), mle=st.integers(1, 0xFFFF))
def test_read_plan_covers_exactly_the_message(nlen: int, mle: int) -> None:
    plan = read_plan(nlen, mle)
    position = 2
    for offset, length in plan:
        assert offset == position
        assert 1 <= length <= min(mle, 255)
        read_binary(offset, length)  # every chunk is a valid short READ BINARY
        position += length
    assert position == 2 + nlen


def test_select_ndef_answers() -> None:
    check_select_ndef(0x9000)
    with pytest.raises(NotSupported, match="this card has no NDEF application"):
        check_select_ndef(0x6A82)


# --- a whole read against a fake card --------------------------------------------------------------------------


class FakeType4Card:
    """Answers the APDUs of an NDEF read from a CC file and an NDEF file (like a phone emulating a tag)."""

    def __init__(self, cc: bytes, ndef_file: bytes, file_id: int = 0xE104) -> None:
        self.files = {CC_FILE: cc, file_id: ndef_file}
        self.app = False
        self.selected: bytes | None = None
        self.reads = 0

    def transmit(self, apdu: bytes) -> bytes:
        if apdu == SELECT_NDEF_APP:
            self.app = True
            return b"\x90\x00"
        if apdu[:5] == select_file(0)[:5]:
            fid = int.from_bytes(apdu[5:7], "big")
            if not self.app or fid not in self.files:
                return b"\x6a\x82"
            self.selected = self.files[fid]
            return b"\x90\x00"
        if apdu[:2] == b"\x00\xb0" and self.selected is not None:
            self.reads += 1
            offset = int.from_bytes(apdu[2:4], "big")
            length = apdu[4] or 256
            if offset > len(self.selected):
                return b"\x6b\x00"
            return self.selected[offset : offset + length] + b"\x90\x00"
        return b"\x6d\x00"


def read_type4(card: FakeType4Card) -> bytes:
    """The driver's sequence, using only the pure parts."""
    check_select_ndef(split_response(card.transmit(SELECT_NDEF_APP))[1])
    check_response(card.transmit(SELECT_CC_FILE), "selecting the capability container")
    cc = parse_cc_file(check_response(card.transmit(read_binary(0, 15)), "reading the capability container"))
    check_response(card.transmit(select_file(cc.file_id)), "selecting the NDEF file")
    nlen = parse_nlen(check_response(card.transmit(read_binary(0, 2)), "reading NLEN"), cc.max_size)
    return b"".join(
        check_response(card.transmit(read_binary(offset, length)), "reading the NDEF message")
        for offset, length in read_plan(nlen, cc.mle)
    )


def test_whole_read_of_a_member_card() -> None:
    message = encode_ndef_message([("uri", member_uri("0010100000081")), ("text", "x" * 100)])
    card = FakeType4Card(SPEC_CC, len(message).to_bytes(2, "big") + message + bytes(50))
    assert read_type4(card) == message
    assert card.reads == 2 + 3  # CC, NLEN, then 59-byte chunks
    records = parse_ndef_message(message)
    assert records[0].uri == "https://loyalty.example/m/0010100000081"


def test_whole_read_of_a_card_without_ndef() -> None:
    card = FakeType4Card(SPEC_CC, b"")
    card.transmit = lambda apdu: b"\x6a\x82"  # type: ignore[method-assign]
    with pytest.raises(NotSupported, match="this card has no NDEF application"):
        read_type4(card)


def test_whole_read_of_an_empty_ndef_file() -> None:
    assert read_type4(FakeType4Card(SPEC_CC, b"\x00\x00" + bytes(20))) == b""


# --- properties -----------------------------------------------------------------------------------------------


@settings(max_examples=500)
@given(st.binary(max_size=40))
def test_arbitrary_cc_files(data: bytes) -> None:
    try:
        cc = parse_cc_file(data)
    except DeviceError as err:
        assert isinstance(err, (BadCardData, NotSupported))
    else:
        assert cc.mle >= 15
        read_plan(min(cc.max_size, 0x7000), cc.mle)


@given(st.binary(max_size=6), st.none() | st.integers(0, 0xFFFF))
def test_arbitrary_nlen(data: bytes, max_size: int | None) -> None:
    try:
        nlen = parse_nlen(data, max_size)
    except BadCardData:
        return
    assert 0 <= nlen <= 0xFFFE
