"""The NFC tag simulators themselves: they must speak nfcpy's UDP frames and the card protocols correctly, or
the end-to-end tests of devices.nfc would only prove that two pieces of our own code agree."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from devices.base import SunKeys
from devices.errors import BadCardData
from devices.ndef import encode_ndef_message, member_uri, parse_ndef_message
from devices.sun import verify_sun
from devices.testbed.nfc import MifareClassic, Ntag213, Type4Tag, UdpField, ntag213_memory, sun_url
from devices.testbed.nfc.sun import encrypt_picc_data
from devices.testbed.nfc.type3 import attribute_block
from devices.testbed.nfc.type_a import cascade_levels

UID7 = bytes.fromhex("04A1B2C3D4E580")
ZERO_KEYS = SunKeys(bytes(16), bytes(16))
GARBAGE_TLV = b"\x03\x08" + b"\xff" * 8 + b"\xfe"  # an NDEF TLV whose message has TNF 7 (reserved)


# -- SUN: the tag's side of AN12196 ------------------------------------------------------------------------
def test_picc_data_encryption_matches_an12196() -> None:
    # AN12196 p. 12: UID 04DE5F1EACC040, SDMReadCtr 61 (3D0000 LSB first), random DA5CF60941, zero keys.
    uid = bytes.fromhex("04DE5F1EACC040")
    picc = encrypt_picc_data(uid, 61, bytes(16), padding=bytes.fromhex("DA5CF60941"))
    assert picc.hex().upper() == "EF963FF7828658A599F3041510671E88"
    url = sun_url("https://ntag.nxp.com/424", uid, 61, ZERO_KEYS, padding=bytes.fromhex("DA5CF60941"))
    assert url == "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086"


def test_generated_sun_urls_verify_with_the_till_code() -> None:
    keys = SunKeys(bytes(range(16)), bytes(range(16, 32)))
    url = sun_url(member_uri("0010100000081"), UID7, 1000, keys)
    result = verify_sun(url, keys)
    assert (result.status, result.uid, result.counter) == ("valid", UID7.hex().upper(), 1000)
    assert verify_sun(url, ZERO_KEYS).status == "bad_mac"


# -- Type A anticollision and the NTAG213 memory -----------------------------------------------------------
def test_cascade_levels_and_ntag213_memory() -> None:
    levels = cascade_levels(UID7)
    assert levels[0][:4] == bytes.fromhex("8804A1B2") and len(levels) == 2
    assert levels[1][:4] == UID7[3:]
    memory = ntag213_memory(UID7, ndef=b"\xd0\x00\x00")
    assert memory[3] == 0x88 ^ 0x04 ^ 0xA1 ^ 0xB2  # BCC0
    assert memory[8] == 0xC3 ^ 0xD4 ^ 0xE5 ^ 0x80  # BCC1
    assert memory[12:16] == bytes.fromhex("E1101200")
    assert memory[16:22] == bytes.fromhex("0303D00000FE")
    with pytest.raises(ValueError):
        ntag213_memory(UID7, ndef=bytes(200))


def test_garbage_tlv_really_is_garbage() -> None:
    with pytest.raises(BadCardData):
        parse_ndef_message(GARBAGE_TLV[2:-1])


# -- the field over UDP ------------------------------------------------------------------------------------
@pytest.fixture
def field() -> Iterator[UdpField]:
    with UdpField() as running:
        yield running


class Initiator:
    """A bare UDP client sending nfcpy's frame format, to test the field without nfcpy."""

    def __init__(self, field: UdpField) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(5.0)
        self.addr = ("127.0.0.1", field.port)

    def send(self, brty: str, hex_frame: str) -> bytes:
        self.sock.sendto(f"{brty} {hex_frame}".encode(), self.addr)
        data, _ = self.sock.recvfrom(4096)
        if data == b"RFOFF":
            return data
        got_brty, payload = data.split()
        assert got_brty.decode() == brty
        return bytes.fromhex(payload.decode())

    def silent(self, brty: str, hex_frame: str) -> bool:
        self.sock.sendto(f"{brty} {hex_frame}".encode(), self.addr)
        self.sock.settimeout(0.2)
        try:
            self.sock.recvfrom(4096)
        except TimeoutError:
            return True
        finally:
            self.sock.settimeout(5.0)
        return False

    def select(self, uid: bytes) -> bytes:
        assert self.send("106A", "26") != b"RFOFF"
        sak = b""
        for cmd, level in zip(("93", "95", "97"), cascade_levels(uid), strict=False):
            assert self.send("106A", cmd + "20") == level
            sak = self.send("106A", cmd + "70" + level.hex())
        return sak

    def close(self) -> None:
        self.sock.close()


def test_empty_field_answers_discovery_with_rfoff_and_ignores_the_rest(field: UdpField) -> None:
    reader = Initiator(field)
    try:
        assert reader.send("106A", "26") == b"RFOFF"
        assert reader.send("212F", "0600FFFF0100") == b"RFOFF"
        assert reader.silent("106A", "3000")
        quiet = UdpField(quick_empty=False).start()
        try:
            assert Initiator(quiet).silent("106A", "26")
        finally:
            quiet.stop()
    finally:
        reader.close()


def test_ntag213_over_udp(field: UdpField) -> None:
    message = encode_ndef_message([("uri", member_uri("0010100000081"))])
    tag = Ntag213(UID7, ndef=message)
    field.place(tag)
    reader = Initiator(field)
    try:
        assert reader.select(UID7) == b"\x00"  # SAK: Type 2
        assert reader.send("106A", "60") == bytes.fromhex("0004040201000F03")
        page0 = reader.send("106A", "3000")
        assert page0[:3] == UID7[:3] and page0[12:16] == bytes.fromhex("E1101200")
        assert reader.send("106A", "3004")[:2] == bytes([0x03, len(message)])
        assert reader.send("106A", "302C")[4:8] == page0[:4]  # rolls over from the last page to page 0
        assert reader.send("106A", "30FF") == b"\x00"  # NAK beyond memory, and the tag goes idle
        assert reader.silent("106A", "3000")
        assert reader.select(UID7) == b"\x00"  # a new REQA wakes it
        reader.sock.sendto(b"RFOFF", reader.addr)  # field off: back to idle
        assert reader.silent("106A", "3000")
    finally:
        reader.close()


def test_type4_tag_iso_dep_and_ndef_application() -> None:
    message = encode_ndef_message([("text", "0010100000081")])
    tag = Type4Tag(UID7, ndef=message)
    tag.reset()
    assert tag.handle(b"\x26") == bytes.fromhex("4403")
    for level in cascade_levels(UID7)[:-1]:
        assert tag.handle(b"\x93\x70" + level) == b"\x04"
    assert tag.handle(b"\x95\x70" + cascade_levels(UID7)[-1]) == b"\x20"  # SAK: ISO 14443-4
    assert tag.handle(bytes.fromhex("E080")) == bytes.fromhex("067777710280")

    block = 0

    def apdu(hex_apdu: str) -> bytes:
        nonlocal block
        response = tag.handle(bytes([0x02 | block]) + bytes.fromhex(hex_apdu))
        assert response is not None and response[0] == 0x02 | block
        block ^= 1
        return response[1:]

    assert apdu("00A4040007D276000085010100") == b"\x90\x00"
    assert apdu("00A4000C02E103") == b"\x90\x00"
    assert apdu("00B000000F")[:-2] == bytes.fromhex("000F20008000800406E104010000FF")
    assert apdu("00A4000C02E104") == b"\x90\x00"
    assert apdu("00B0000002") == len(message).to_bytes(2, "big") + b"\x90\x00"
    assert apdu(f"00B00002{len(message):02X}") == message + b"\x90\x00"
    assert apdu("00D6000001AA") == b"\x69\x82"  # read-only
    assert apdu("00A4000C02E105") == b"\x6a\x82"
    assert apdu("9060000000")[-2:] == b"\x91\xaf"
    # R(NAK) for the next block number: the presence check. The tag answers R(ACK).
    assert tag.handle(bytes([0xB2 | block])) == bytes([0xA2 | (block ^ 1)])
    assert tag.handle(b"\xc2") == b"\xc2"  # DESELECT


def test_type4_sun_message_changes_at_every_read() -> None:
    from devices.testbed.nfc.type4 import SunNdef

    source = SunNdef(member_uri("0010100000081"), UID7, ZERO_KEYS, counter=41)
    first, second = source(), source()
    assert first != second and source.counter == 43
    assert [verify_sun(url, ZERO_KEYS).counter for url in source.urls] == [42, 43]


def test_mifare_classic_naks_reads(field: UdpField) -> None:
    uid = bytes.fromhex("5A3C9E12")
    field.place(MifareClassic(uid))
    reader = Initiator(field)
    try:
        assert reader.select(uid) == b"\x08"
        assert reader.send("106A", "3000") == b"\x04"
    finally:
        reader.close()


def test_type3_attribute_block_checksum() -> None:
    block = attribute_block(35)
    assert block[0] == 0x10 and block[11:14] == bytes([0, 0, 35])
    assert int.from_bytes(block[14:16], "big") == sum(block[:14])
