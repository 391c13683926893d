"""Text normalisation for search and identity: accent folding (Vietnamese first), phone numbers, e-mail."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers

from loyalty.errors import Detail, InvalidInput

# Letters that Unicode does not decompose into base + combining mark, so NFD alone misses them.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss"})
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form used for matching: 'Nguyễn Văn Ấn' -> 'nguyen van an'.

    Folded a word at a time, each word's form remembered: names share few words (a first pull folds a
    million names, and folding each letter was a tenth of its time at the till). Every step of the folding
    works on one letter, or on a letter and the marks after it, and never makes or removes a space between
    words, so the words' forms joined by one space are the whole text's (a property test holds it to
    ``_fold_words``)."""
    return " ".join([folded for word in text.split() if (folded := _fold_word(word))])


@lru_cache(maxsize=65_536)
def _fold_word(word: str) -> str:
    return _fold_words(word)


def _fold_words(text: str) -> str:
    """``fold`` of any text, letter by letter."""
    decomposed = unicodedata.normalize("NFD", text.casefold().translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.translate(_SPECIAL).casefold()
    stripped = _NON_WORD.sub(" ", stripped)
    return _SPACES.sub(" ", stripped).strip()


def search_terms(query: str) -> list[str]:
    """Folded words of a search box input, in order."""
    return [t for t in fold(query).split(" ") if t]


DEFAULT_PHONE_REGION = "VN"
MAX_PHONE_TEXT = 32
_PHONE_CHARS = re.compile(r"[0-9\s\-+().]*")


def _parse_phone(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """A valid number from what was typed, or None. Tried as typed for the store's region, then, for
    digits without '+' that start with the region's own country code ('84912345678'), as an international
    number. Other countries need the '+' or '00': '2781000' typed in Vietnam is a mistyped local number,
    not a South African short number."""
    candidates = [text]
    code = str(phonenumbers.country_code_for_region(region) or "")
    if code and not text.startswith(("+", "00")) and text.lstrip(" (").startswith(code):
        candidates.append("+" + text)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


def normalize_phone(raw: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """E.164 form of a phone number typed at the counter, through the phonenumbers library.

    ``region`` is the store's (ISO 3166 code, Vietnam by default): '0912 345 678', '+84 912 345 678',
    '+84 0912 345 678' and '84912345678' are one number, '+84912345678'. A number that is not a valid
    number of its country (wrong length, unknown prefix) raises InvalidInput.
    """
    text = raw.strip()
    if not text:
        raise InvalidInput(what="Phone number", why="it is empty")
    if len(text) > MAX_PHONE_TEXT:
        raise InvalidInput(
            what="Phone number", why=Detail("it is longer than {limit} characters", limit=MAX_PHONE_TEXT)
        )
    if not _PHONE_CHARS.fullmatch(text):
        raise InvalidInput(what="Phone number", why="it may contain only digits, spaces, +, - and ()")
    number = _parse_phone(text, region)
    if number is None:
        raise InvalidInput(what="Phone number", why="it is not a valid number (check the digits)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_search_prefixes(query: str, region: str = DEFAULT_PHONE_REGION) -> set[str]:
    """E.164 prefixes that a partly typed phone number may stand for, for search as you type.

    A complete valid number gives exactly itself (normalised like at enrolment); a partial one gives the
    ways it may continue: with the region's country code in place of a leading 0, as typed after a '+',
    or with the country code put in front."""
    text = query.strip()
    digits = "".join(ch for ch in text if "0" <= ch <= "9")
    if not digits:
        return set()
    if _PHONE_CHARS.fullmatch(text):
        number = _parse_phone(text, region)
        if number is not None and len(digits) >= 8:
            return {phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)}
    code = str(phonenumbers.country_code_for_region(region) or "")
    if text.startswith("+") or text.startswith("00"):
        digits = digits[2:] if text.startswith("00") else digits
        prefixes = {"+" + digits}
        if code and digits.startswith(code + "0"):  # '+84 09…': the national 0 typed after the code
            prefixes.add("+" + code + digits[len(code) + 1 :])
        return prefixes
    if digits.startswith("0"):
        return {"+" + code + digits[1:]} if code else set()
    return {"+" + digits, "+" + code + digits} if code else {"+" + digits}


MAX_RECEIPT = 64
# Control characters (newlines, NUL), invisible format characters (bidirectional overrides, zero-width joiners),
# surrogates, private-use and unassigned code points, line and paragraph separators: a receipt number with any
# of them would print or display as something it is not.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_receipt(receipt_ref: str) -> str:
    """A receipt number as typed or scanned, trimmed; refused when empty, too long or not printable."""
    ref = receipt_ref.strip()
    if not ref:
        raise InvalidInput(what="Receipt number", why="it is empty")
    if len(ref) > MAX_RECEIPT:
        raise InvalidInput(
            what="Receipt number", why=Detail("it is longer than {limit} characters", limit=MAX_RECEIPT)
        )
    if any(unicodedata.category(ch) in _UNPRINTABLE for ch in ref):
        raise InvalidInput(
            what="Receipt number", why="it contains a control or invisible character (a line break, NUL…)"
        )
    return ref


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(raw: str) -> str:
    text = raw.strip().lower()
    if not _EMAIL.match(text) or len(text) > 254:
        raise InvalidInput(what="E-mail address", why="it does not look like name@example.com")
    return text


def luhn_check_digit(digits: str) -> str:
    """Check digit that makes ``digits + check`` pass the Luhn test (catches most mistyped numbers)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def is_ascii_digits(text: str) -> bool:
    """Only 0-9: str.isdigit also accepts other scripts' digits ('١٢٣') and superscripts."""
    return bool(text) and text.isascii() and text.isdigit()


def luhn_valid(number: str) -> bool:
    return is_ascii_digits(number) and len(number) >= 2 and luhn_check_digit(number[:-1]) == number[-1]
