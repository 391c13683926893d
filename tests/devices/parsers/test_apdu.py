"""APDU builders, response splitting and status words."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.apdu import (
    GET_UID,
    WrongLe,
    check_response,
    check_sw,
    get_ats,
    read_binary,
    read_pages,
    select_aid,
    select_file,
    split_response,
)
from devices.errors import BadCardData, CardGone, DeviceError, NotSupported


def test_builders() -> None:
    assert GET_UID.hex().upper() == "FFCA000000"
    assert get_ats().hex().upper() == "FFCA010000"
    assert read_pages(4).hex().upper() == "FFB0000410"
    assert read_pages(0x27, 4).hex().upper() == "FFB0002704"
    assert select_aid(bytes.fromhex("D2760000850101")).hex().upper() == "00A4040007D276000085010100"
    assert select_file(0xE103).hex().upper() == "00A4000C02E103"
    assert read_binary(0, 2).hex().upper() == "00B0000002"
    assert read_binary(0x0102, 0x3B).hex().upper() == "00B001023B"
    assert read_binary(2, 256).hex().upper() == "00B0000200"


@pytest.mark.parametrize(
    "call",
    [
        lambda: read_pages(256),
        lambda: read_pages(-1),
        lambda: read_pages(4, 0),
        lambda: select_aid(b"\x01"),
        lambda: select_file(0x10000),
        lambda: read_binary(0x8000, 1),
        lambda: read_binary(0, 0),
        lambda: read_binary(0, 257),
    ],
)
def test_builders_refuse_impossible_arguments(call: Callable[[], bytes]) -> None:
    with pytest.raises(ValueError):
        call()


def test_split_response() -> None:
    assert split_response(bytes.fromhex("04A2245AC26B809000")) == (bytes.fromhex("04A2245AC26B80"), 0x9000)
    assert split_response([0x6A, 0x82]) == (b"", 0x6A82)
    assert split_response(bytearray(b"\x01\x90\x00")) == (b"\x01", 0x9000)


@pytest.mark.parametrize("resp", [b"", b"\x90", [], [0x90], [0x90, 256], [-1, 0, 0]])
def test_split_response_refuses_short_or_impossible(resp: bytes | list[int]) -> None:
    with pytest.raises(BadCardData):
        split_response(resp)


def test_check_response() -> None:
    assert check_response([0x01, 0x02, 0x90, 0x00], "reading") == b"\x01\x02"
    with pytest.raises(CardGone):
        check_response(b"\x63\x00", "reading the UID")


@pytest.mark.parametrize(
    ("sw", "cls", "words"),
    [
        (0x6282, BadCardData, "ended before"),
        (0x6300, CardGone, "the card was removed or did not answer"),
        (0x63C2, BadCardData, "2 tries left"),
        (0x6310, BadCardData, "warning"),
        (0x6400, BadCardData, "internal error"),
        (0x6581, BadCardData, "memory failure"),
        (0x6700, BadCardData, "wrong length"),
        (0x6981, NotSupported, "command incompatible"),
        (0x6982, NotSupported, "security status not satisfied"),
        (0x6985, NotSupported, "conditions of use not satisfied"),
        (0x6A81, NotSupported, "does not support this function"),
        (0x6A82, NotSupported, "not found"),
        (0x6A86, NotSupported, "wrong P1/P2"),
        (0x6B00, BadCardData, "outside the file"),
        (0x6D00, NotSupported, "instruction"),
        (0x6E00, NotSupported, "class"),
        (0x6F00, BadCardData, "error"),
        (0x6110, BadCardData, "16 more bytes"),
        (0x1234, BadCardData, "unexpected status"),
        (0x9100, BadCardData, "unexpected status"),
    ],
)
def test_status_words(sw: int, cls: type[DeviceError], words: str) -> None:
    with pytest.raises(cls) as info:
        check_sw(sw, "reading the NDEF file")
    assert type(info.value) is cls
    message = info.value.message
    assert message.startswith("reading the NDEF file: ")
    assert words in message
    assert f"(SW {sw:04X})" in message


def test_ok() -> None:
    check_sw(0x9000, "anything")


def test_not_found_words_can_be_given() -> None:
    with pytest.raises(NotSupported, match="this card has no NDEF application"):
        check_sw(0x6A82, "selecting the NDEF application", not_found="this card has no NDEF application")


def test_wrong_le_gives_the_right_length() -> None:
    with pytest.raises(WrongLe) as info:
        check_sw(0x6C0F, "reading")
    assert info.value.exact == 15
    assert "15 bytes" in info.value.message
    assert isinstance(info.value, BadCardData)
    with pytest.raises(WrongLe) as info:
        check_sw(0x6C00, "reading")
    assert info.value.exact == 256


@pytest.mark.parametrize("sw", [-1, 0x10000])
def test_impossible_status_words(sw: int) -> None:
    with pytest.raises(BadCardData):
        check_sw(sw, "x")


@given(st.integers(0, 0xFFFF))
def test_every_status_word_is_ok_or_a_device_error(sw: int) -> None:
    try:
        check_sw(sw, "ctx")
    except DeviceError as err:
        assert sw != 0x9000
        assert err.message.startswith("ctx: ")
    else:
        assert sw == 0x9000


@given(st.one_of(st.binary(max_size=40), st.lists(st.integers(-300, 600), max_size=40)))
def test_arbitrary_responses(resp: bytes | list[int]) -> None:
    try:
        data, sw = split_response(resp)
    except BadCardData:
        return
    assert 0 <= sw <= 0xFFFF
    assert len(data) == len(resp) - 2
    with contextlib.suppress(DeviceError):
        check_sw(sw, "ctx")
