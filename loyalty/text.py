"""Text normalisation for search and identity: accent folding (Vietnamese first), phone numbers, e-mail."""

from __future__ import annotations

import re
import unicodedata

from loyalty.errors import InvalidInput

# Letters that Unicode does not decompose into base + combining mark, so NFD alone misses them.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss"})
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form used for matching: 'Nguyễn Văn Ấn' -> 'nguyen van an'."""
    decomposed = unicodedata.normalize("NFD", text.casefold().translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.translate(_SPECIAL).casefold()
    stripped = _NON_WORD.sub(" ", stripped)
    return _SPACES.sub(" ", stripped).strip()


def search_terms(query: str) -> list[str]:
    """Folded words of a search box input, in order."""
    return [t for t in fold(query).split(" ") if t]


_DIGITS = re.compile(r"\D")


def normalize_phone(raw: str, default_country: str = "84") -> str:
    """E.164 form of a phone number typed at the counter.

    Vietnamese habits are the default: '0912 345 678' -> '+84912345678'; '+84 912 345 678' and
    '84912345678' are the same number. Anything that cannot be a phone number raises InvalidInput.
    """
    text = raw.strip()
    if not text:
        raise InvalidInput(what="Phone number", why="it is empty")
    if re.search(r"[^\d\s\-+().]", text):
        raise InvalidInput(what="Phone number", why="it may contain only digits, spaces, +, - and ()")
    has_plus = text.startswith("+")
    digits = _DIGITS.sub("", text)
    if text.startswith("00"):
        digits = digits[2:]
        has_plus = True
    if not has_plus:
        if digits.startswith("0"):
            digits = default_country + digits[1:]
        elif not digits.startswith(default_country) or len(digits) < 11:
            digits = default_country + digits
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        raise InvalidInput(what="Phone number", why="it has the wrong number of digits")
    return "+" + digits


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


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) >= 2 and luhn_check_digit(number[:-1]) == number[-1]
