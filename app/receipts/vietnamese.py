"""Vietnamese text for receipt printers, which speak 8-bit code pages, not Unicode.

Windows-1258 (the printers' "WPC1258") holds the letters with a vowel mark (ă â ê ô ơ ư) and đ, but most
toned letters (ế, ạ, ỹ …) only as a letter followed by a combining tone mark. Python's ``cp1258`` codec
does not decompose them by itself, so ``to_cp1258`` writes each letter in that form first.

When a printer has no Vietnamese code page, ``fold_ascii`` writes the text without diacritics
(Nguyễn Thị Lan → Nguyen Thi Lan, đồng → dong): still readable, where bytes of the wrong code page would
print as garbage.
"""

from __future__ import annotations

import unicodedata

CP1258 = "cp1258"
# The five tone marks, which Windows-1258 keeps as combining characters after the letter.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# What paper shows for characters no receipt printer has, in either mode.
_PLAIN = {
    "\u00a0": " ",  # no-break space (QLocale puts one before the currency)
    "\u202f": " ",
    "\u2212": "-",  # minus sign
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "*",  # the bullets that mask a member number
    "\u20ab": "d",  # ₫: written "d" when there is no đồng sign (250.000d)
    "đ": "d",
    "Đ": "D",
}


_SPACES = frozenset("\u00a0\u202f")


def _encodable(text: str) -> bool:
    try:
        text.encode(CP1258)
    except UnicodeEncodeError:
        return False
    return True


def _cp1258_char(char: str) -> str:
    if char in _SPACES:
        return " "
    if _encodable(char):
        return char
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if c not in TONE_MARKS)
    tones = "".join(c for c in decomposed if c in TONE_MARKS)
    letter = unicodedata.normalize("NFC", base)
    if _encodable(letter + tones):
        return letter + tones
    return fold_ascii(char)


def to_cp1258(text: str) -> str:
    """``text`` in the form Windows-1258 can encode: each toned letter as its letter (with its vowel mark)
    followed by the tone mark; characters outside the code page as their plain ASCII fold."""
    nfc = unicodedata.normalize("NFC", text)
    return "".join(_cp1258_char(c) for c in nfc)


def fold_ascii(text: str) -> str:
    """``text`` without diacritics, in ASCII: what a printer without a Vietnamese code page can print."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in _PLAIN:
            out.append(_PLAIN[char])
            continue
        if char.isascii():
            out.append(char)
            continue
        stripped = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        out.append(stripped if stripped.isascii() and stripped else "?")
    return "".join(out)


def width(text: str) -> int:
    """Columns ``text`` takes on paper: a combining mark sits on its letter and takes none."""
    return sum(1 for c in text if not unicodedata.combining(c))
