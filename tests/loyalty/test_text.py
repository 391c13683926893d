"""Text normalisation: accent folding, phone numbers, e-mail addresses, Luhn check digits."""

from __future__ import annotations

import unicodedata

import phonenumbers
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from loyalty.errors import InvalidInput
from loyalty.text import (
    _fold_words,
    fold,
    luhn_check_digit,
    luhn_valid,
    normalize_email,
    normalize_phone,
    phone_search_prefixes,
    search_terms,
)

# -- fold -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("Nguyễn Văn Ấn", "nguyen van an"),
        ("Đặng", "dang"),
        ("đường", "duong"),
        ("TRẦN THỊ HỒNG NHUNG", "tran thi hong nhung"),
        ("  Lê   Thị\tThuỷ  ", "le thi thuy"),
        ("Phạm-Hữu O'Brien", "pham huu o brien"),
        ("Ngô Bảo Châu", "ngo bao chau"),
        ("Cà phê sữa đá", "ca phe sua da"),
        ("", ""),
        # U+00D0 (Icelandic eth) looks exactly like Vietnamese Đ (U+0110) and old converters produce it
        ("\u00d0ẶNG", "dang"),
        ("\u00d0ặng", "dang"),
        ("ØRSTED", "orsted"),
        ("Łódź", "lodz"),
    ],
)
def test_fold_examples(text: str, folded: str) -> None:
    assert fold(text) == folded


VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # ngang, huyền, sắc, hỏi, ngã, nặng


def all_vietnamese_letters() -> list[str]:
    letters = ["đ", "Đ"]
    for vowel in VOWELS:
        for tone in TONES:
            composed = unicodedata.normalize("NFC", vowel + tone)
            letters += [composed, composed.upper()]
    return letters


def test_every_vietnamese_vowel_with_every_tone_folds_to_ascii() -> None:
    letters = all_vietnamese_letters()
    assert len(letters) == 2 + 12 * 6 * 2
    for letter in letters:
        folded = fold(letter)
        expected = "d" if letter in "đĐ" else unicodedata.normalize("NFD", letter)[0].lower()
        assert folded == expected, (letter, folded)
        assert folded.isascii()
        # the decomposed (NFD) spelling that some keyboards send folds the same way
        assert fold(unicodedata.normalize("NFD", letter)) == folded


def test_search_terms() -> None:
    assert search_terms("  Nguyễn  văn ") == ["nguyen", "van"]
    assert search_terms("") == []


vietnamese_text = st.text(
    alphabet=st.sampled_from([*all_vietnamese_letters(), *"abcdefghijklmnopqrstuvwxyz0123456789 -.,'"]),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_fold_of_vietnamese_is_ascii_and_idempotent(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert fold(folded) == folded
    assert fold(unicodedata.normalize("NFD", text)) == folded


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_fold_is_idempotent_for_any_text(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.strip()
    assert "  " not in folded


_SPACES_AND_MARKS = st.sampled_from(
    [" ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u0301", "\u0323", "-", "."]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(max_size=8) | vietnamese_text | _SPACES_AND_MARKS, max_size=12).map("".join))
def test_fold_a_word_at_a_time_is_fold_of_the_whole_text(text: str) -> None:
    """``fold`` folds word by word (each word's form remembered); the whole text folded at once is the
    same, whatever the spaces, marks after a space, punctuation or letters."""
    assert fold(text) == _fold_words(text)


# -- phone numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "0912 345 678",
        "0912345678",
        "0912-345-678",
        "(091) 234 5678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "0084 912 345 678",
        "912 345 678",  # the leading 0 forgotten
        " 0912.345.678 ",
        "+84 0912 345 678",  # the national 0 kept after the country code
        "(+84) 912-345-678",
    ],
)
def test_normalize_vietnamese_phone(raw: str) -> None:
    assert normalize_phone(raw) == "+84912345678"


def test_normalize_phone_keeps_local_numbers_that_start_like_the_country_code() -> None:
    # 0849 123 456 is a Vinaphone number (prefix 084): it must not lose its 84
    assert normalize_phone("0849 123 456") == "+84849123456"
    assert normalize_phone("849 123 456") == "+84849123456"


def test_normalize_foreign_phone() -> None:
    assert normalize_phone("+65 6123 4567") == "+6561234567"
    assert normalize_phone("0065 6123 4567") == "+6561234567"
    # a Singapore number typed locally with a Singapore default
    assert normalize_phone("6123 4567", region="SG") == "+6561234567"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("abc", "it may contain only digits"),
        ("0912 ABC 678", "it may contain only digits"),
        ("0912345678@", "it may contain only digits"),
        ("0", "it is not a valid number"),
        ("12", "it is not a valid number"),
        ("+0912345678", "it is not a valid number"),
        ("+84 9123 4567 8901 2345", "it is not a valid number"),
        ("0912 345 6789", "it is not a valid number"),  # one digit too many for a mobile
        ("0912345", "it is not a valid number"),
        ("---", "it is not a valid number"),
        ("0" * 40, "longer than 32 characters"),
        ("٠٩١٢٣٤٥٦٧٨", "it may contain only digits"),  # other scripts' digits
    ],
)
def test_normalize_phone_refuses_garbage(raw: str, why: str) -> None:
    with pytest.raises(InvalidInput) as err:
        normalize_phone(raw)
    assert err.value.message.startswith("Phone number is not valid: ")
    assert why in err.value.message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 +-().", max_size=25))
@example("2781000")  # once read as a South African short number: without '+' only Vietnam is assumed
@example("+2781000")  # typed with '+', the same short number is valid
def test_normalize_phone_gives_e164_or_a_typed_error(raw: str) -> None:
    try:
        phone = normalize_phone(raw)
    except InvalidInput:
        return
    assert phone.startswith("+")
    assert phone[1:].isdigit() and phone[1] != "0"
    assert len(phone) - 1 <= 15  # E.164's limit; short numbers of small countries are valid too
    assert phonenumbers.is_valid_number(phonenumbers.parse(phone))
    if not raw.strip().startswith(("+", "00")):  # without a '+' only the store's own country is assumed
        assert phone.startswith("+84")
    assert normalize_phone(phone) == phone  # idempotent
    assert phone in phone_search_prefixes(raw)  # search finds what enrolment stored


# Vietnamese mobile prefixes after the national 0 (each carrier's ranges, as phonenumbers knows them).
VN_MOBILE = ["32", "33", "34", "35", "36", "37", "38", "39", "56", "58", "59", "70", "76", "77", "78", "79"]
VN_MOBILE += ["81", "82", "83", "84", "85", "86", "88", "89", "90", "91", "93", "94", "96", "97", "98", "99"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(VN_MOBILE), st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_one_number_however_it_is_typed(prefix: str, rest: str) -> None:
    """The four ways a Vietnamese number is written at a counter are one member, and search finds it."""
    digits = prefix + rest
    assume(phonenumbers.is_valid_number(phonenumbers.parse("0" + digits, "VN")))
    expected = "+84" + digits
    typed = [
        f"0{digits[:3]} {digits[3:6]} {digits[6:]}",  # 0912 345 678
        f"+84 {digits[:3]} {digits[3:6]} {digits[6:]}",  # +84 912 345 678
        f"+84 0{digits[:3]} {digits[3:6]} {digits[6:]}",  # +84 0912 345 678
        f"84{digits}",  # 84912345678
    ]
    for raw in typed:
        assert normalize_phone(raw) == expected, raw
        assert expected in phone_search_prefixes(raw), raw


@pytest.mark.parametrize(
    ("typed", "prefixes"),
    [
        ("0912", {"+84912"}),
        ("+8491234", {"+8491234"}),
        ("+84 0912", {"+840912", "+84912"}),
        ("912 34", {"+91234", "+8491234"}),
        ("0912 345 678", {"+84912345678"}),  # a whole number: just itself
        ("84912345678", {"+84912345678"}),
    ],
)
def test_phone_search_prefixes(typed: str, prefixes: set[str]) -> None:
    assert phone_search_prefixes(typed) == prefixes


# -- e-mail ---------------------------------------------------------------------------------------------


def test_normalize_email() -> None:
    assert normalize_email("  An.Nguyen@Example.COM ") == "an.nguyen@example.com"
    assert normalize_email("lan+loyalty@shop.vn") == "lan+loyalty@shop.vn"


@pytest.mark.parametrize(
    "raw", ["", "lan", "lan@", "@shop.vn", "lan@shop", "lan @shop.vn", "a@b@c.vn", "x" * 250 + "@a.vn"]
)
def test_normalize_email_refuses_garbage(raw: str) -> None:
    with pytest.raises(InvalidInput) as err:
        normalize_email(raw)
    assert err.value.message == "E-mail address is not valid: it does not look like name@example.com"


# -- Luhn -----------------------------------------------------------------------------------------------


def test_luhn() -> None:
    # the textbook example: 7992739871 → check digit 3
    assert luhn_check_digit("7992739871") == "3"
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("7")
    assert not luhn_valid("7992739871a")
    assert not luhn_valid("")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=20), st.data())
def test_luhn_catches_every_single_digit_mistake(digits: str, data: st.DataObject) -> None:
    number = digits + luhn_check_digit(digits)
    assert luhn_valid(number)
    i = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[i]]))
    assert not luhn_valid(number[:i] + wrong + number[i + 1 :])
