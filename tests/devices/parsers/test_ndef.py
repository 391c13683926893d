"""NDEF messages: decoding into NdefRecord, the small encoder, and garbage in."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.errors import BadCardData
from devices.events import NdefRecord
from devices.identity import MEMBER_MIME, member_number_from_ndef
from devices.ndef import encode_ndef_message, member_uri, parse_ndef_message

NUMBER = "0010100000081"  # a member number with a valid check digit


def test_empty_message() -> None:
    assert parse_ndef_message(b"") == ()


def test_a_lone_empty_record_carries_nothing() -> None:
    assert parse_ndef_message(bytes.fromhex("D00000")) == ()


def test_uri_round_trip() -> None:
    uri = member_uri(NUMBER)
    assert uri == "https://loyalty.example/m/0010100000081"
    (record,) = parse_ndef_message(encode_ndef_message([("uri", uri)]))
    assert record.tnf == 1
    assert record.type == "U"
    assert record.uri == uri
    assert record.text is None
    assert record.mime is None
    assert record.payload_hex == "04" + b"loyalty.example/m/0010100000081".hex()  # 04 = "https://"


def test_text_round_trip() -> None:
    (record,) = parse_ndef_message(encode_ndef_message([("text", "Xin chào Lan")]))
    assert (record.tnf, record.type, record.text, record.uri) == (1, "T", "Xin chào Lan", None)


def test_mime_round_trip() -> None:
    (record,) = parse_ndef_message(encode_ndef_message([("mime:" + MEMBER_MIME, NUMBER)]))
    assert (record.tnf, record.type, record.mime) == (2, MEMBER_MIME, MEMBER_MIME)
    assert bytes.fromhex(record.payload_hex) == NUMBER.encode()


def test_several_records_and_the_member_number() -> None:
    data = encode_ndef_message(
        [("text", "hello"), ("mime:" + MEMBER_MIME, NUMBER), ("uri", "https://x.example")]
    )
    records = parse_ndef_message(data)
    assert [r.type for r in records] == ["T", MEMBER_MIME, "U"]
    assert member_number_from_ndef(records) == NUMBER
    assert (
        member_number_from_ndef(parse_ndef_message(encode_ndef_message([("uri", member_uri(NUMBER))])))
        == NUMBER
    )


def test_uri_without_abbreviation_keeps_the_card_bytes() -> None:
    payload = b"\x00https://loyalty.example/m/0010100000081"
    data = bytes([0xD1, 0x01, len(payload)]) + b"U" + payload
    (record,) = parse_ndef_message(data)
    assert record.uri == "https://loyalty.example/m/0010100000081"
    assert record.payload_hex == payload.hex()  # not re-encoded with prefix code 04


def test_smart_poster_exposes_its_uri() -> None:
    inner = encode_ndef_message([("uri", member_uri(NUMBER))])
    data = bytes([0xD1, 0x02, len(inner)]) + b"Sp" + inner
    (record,) = parse_ndef_message(data)
    assert record.type == "Sp"
    assert record.uri == member_uri(NUMBER)


def test_external_and_absolute_uri_types() -> None:
    external = bytes([0xD4, 0x0F, 0x01]) + b"example.com:abc" + b"\x2a"
    (record,) = parse_ndef_message(external)
    assert (record.tnf, record.type, record.payload_hex, record.mime) == (4, "example.com:abc", "2a", None)
    absolute = bytes([0xD3, 0x16, 0x00]) + b"https://x.example/card"
    (record,) = parse_ndef_message(absolute)
    assert (record.tnf, record.type, record.mime) == (3, "https://x.example/card", None)


def test_record_is_the_events_type() -> None:
    (record,) = parse_ndef_message(encode_ndef_message([("text", "a")]))
    assert isinstance(record, NdefRecord)


@pytest.mark.parametrize(
    "hexdata",
    [
        "D1",  # header only
        "D10105",  # lengths, nothing else
        "D1010555",  # payload cut short
        "910101550068",  # ME flag never set
        "1101015500",  # MB flag not set
        "D7000000",  # TNF 7 is reserved
        "D1010254FF",  # text record: bad status byte / language length
        "D1010154FF",  # text record, language longer than the payload
        "D2010178FF",  # media type 'x' is not type/subtype
    ],
)
def test_damaged_messages(hexdata: str) -> None:
    with pytest.raises(BadCardData) as info:
        parse_ndef_message(bytes.fromhex(hexdata))
    assert info.value.message.startswith("the card's NDEF data is damaged: ")
    assert info.value.code == "bad_data"


def test_non_ascii_type_is_damaged_not_a_crash() -> None:
    with pytest.raises(BadCardData):
        parse_ndef_message(bytes.fromhex("D10100") + b"\xff")


def test_encoder_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown NDEF record kind"):
        encode_ndef_message([("sms", "x")])
    with pytest.raises(ValueError):
        encode_ndef_message([("mime:nonsense", "x")])
    assert encode_ndef_message([]) == b""


def test_member_uri_wants_digits() -> None:
    assert member_uri("123456", base="loyalty:member:") == "loyalty:member:123456"
    with pytest.raises(ValueError):
        member_uri("12 34")


@settings(max_examples=500)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    try:
        records = parse_ndef_message(data)
    except BadCardData as err:
        assert err.message.startswith("the card's NDEF data is damaged")
    else:
        assert all(isinstance(r, NdefRecord) for r in records)


@given(
    st.lists(
        st.sampled_from(["D1", "91", "51", "11", "01", "55", "54", "00", "02", "65", "6E", "FF"]), max_size=40
    )
)
def test_ndef_like_bytes_never_crash(parts: list[str]) -> None:
    with contextlib.suppress(BadCardData):
        parse_ndef_message(bytes.fromhex("".join(parts)))


_text = st.text(st.characters(codec="utf-8"), max_size=60)
_uri = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=60)


@given(
    st.lists(
        st.one_of(st.tuples(st.just("text"), _text), st.tuples(st.just("mime:" + MEMBER_MIME), _text)),
        min_size=1,
        max_size=4,
    )
)
def test_text_and_mime_round_trip(records: list[tuple[str, str]]) -> None:
    decoded = parse_ndef_message(encode_ndef_message(records))
    assert len(decoded) == len(records)
    for (kind, value), record in zip(records, decoded, strict=True):
        if kind == "text":
            assert record.text == value
        else:
            assert bytes.fromhex(record.payload_hex) == value.encode("utf-8")


@given(_uri)
def test_uri_round_trip_property(path: str) -> None:
    uri = "https://loyalty.example/" + path
    (record,) = parse_ndef_message(encode_ndef_message([("uri", uri)]))
    assert record.uri == uri


def test_an_odd_record_next_to_the_member_uri_does_not_hide_it() -> None:
    # A Wi-Fi configuration record whose payload ndeflib's Wi-Fi decoder would refuse stays opaque.
    wifi_type = b"application/vnd.wfa.wsc"
    wifi = bytes([0x92, len(wifi_type), 3]) + wifi_type + b"\x10\x0e\xff"
    uri = encode_ndef_message([("uri", member_uri(NUMBER))])
    uri = bytes([uri[0] & 0x7F]) + uri[1:]  # clear MB: it is the second record
    records = parse_ndef_message(wifi + uri)
    assert [r.mime for r in records] == ["application/vnd.wfa.wsc", None]
    assert member_number_from_ndef(records) == NUMBER
