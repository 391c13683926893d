"""The receipt slip as a monochrome image, for a printer that has no Vietnamese code page but prints raster
images: every letter with its marks, whatever character sets the printer knows.

The image draws the same rows as the paper, the screen and the PDF (``app.receipts.layout``), one dot of
the image for one dot of the print head, as wide as the profile's paper in dots. It is drawn with Pillow
(which python-escpos already brings) in DejaVu Sans, the font the till installs for Vietnamese, directly in
1-bit mode: no anti-aliasing and no Qt, so it can be drawn on the printer's thread, and the same receipt
always gives the same dots (tests compare the bytes).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from app.receipts.layout import PlainFormats, Row, receipt_rows
from app.receipts.model import Receipt

REGULAR_FONT = "DejaVuSans.ttf"
BOLD_FONT = "DejaVuSans-Bold.ttf"
DOTS_PER_POINT_OF_TEXT = 22  # the text size is the paper's width in dots over this: 26 dots on 576
MIN_TEXT_DOTS = 16
MARGIN_DOTS = 4
DETAIL_INDENT_EM = 1.0
WHITE, BLACK = 1, 0


class RasterUnavailable(Exception):
    """The font the slip is drawn in is not installed (``make`` installs fonts-dejavu-core)."""


@cache
def _font(name: str, size: int) -> Any:
    from PIL import ImageFont

    try:
        return ImageFont.truetype(name, size)  # Pillow looks in the system's font folders by file name
    except OSError as exc:
        raise RasterUnavailable(f"the font {name} is not installed: {exc}") from exc


def available() -> bool:
    """Whether slips can be drawn here (the font is installed)."""
    try:
        _font(REGULAR_FONT, MIN_TEXT_DOTS)
        _font(BOLD_FONT, MIN_TEXT_DOTS)
    except RasterUnavailable:
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Fonts:
    size: int
    regular: Any
    bold: Any
    title: Any

    @classmethod
    def for_width(cls, width: int) -> _Fonts:
        size = max(MIN_TEXT_DOTS, width // DOTS_PER_POINT_OF_TEXT)
        return cls(size, _font(REGULAR_FONT, size), _font(BOLD_FONT, size), _font(BOLD_FONT, size * 3 // 2))

    def line_height(self, font: Any) -> int:
        ascent, descent = font.getmetrics()
        return int(ascent + descent + self.size // 6)


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the image: texts at x positions in one font."""

    height: int
    font: Any = None
    parts: tuple[tuple[int, str], ...] = ()
    rule: bool = False


def _wrap(text: str, font: Any, room: int) -> list[str]:
    """Words onto lines no wider than ``room`` dots (a word wider than a line is cut by letters)."""
    lines: list[str] = []
    current = ""
    for whole in text.split():
        word = whole
        while font.getlength(word) > room:
            if current:
                lines.append(current)
                current = ""
            cut = len(word) - 1
            while cut > 1 and font.getlength(word[:cut]) > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= room:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def _lines(rows: list[Row], fonts: _Fonts, width: int) -> list[_Line]:
    room = width - 2 * MARGIN_DOTS
    out: list[_Line] = []

    def centred(text: str, font: Any) -> None:
        height = fonts.line_height(font)
        for line in _wrap(text, font, room):
            x = MARGIN_DOTS + (room - int(font.getlength(line))) // 2
            out.append(_Line(height, font, ((x, line),)))

    for row in rows:
        if row.style == "title":
            centred(row.left, fonts.title)
        elif row.style == "heading":
            centred(row.left, fonts.bold)
        elif row.style == "center":
            centred(row.left, fonts.regular)
        elif row.style == "rule":
            out.append(_Line(fonts.size // 2 + 4, rule=True))
        elif row.style == "note":
            height = fonts.line_height(fonts.regular)
            out += [
                _Line(height, fonts.regular, ((MARGIN_DOTS, t),))
                for t in _wrap(row.left, fonts.regular, room)
            ]
        else:
            out += _pair(row, fonts, room)
    return out


def _pair(row: Row, fonts: _Fonts, room: int) -> list[_Line]:
    """A label on the left and its value flush right; the value goes under a label too long to share."""
    font = fonts.bold if row.style == "total" else fonts.regular
    height = fonts.line_height(font)
    indent = int(fonts.size * DETAIL_INDENT_EM) if row.style == "detail" else 0
    value_width = int(font.getlength(row.right))
    gap = fonts.size // 2
    label_room = room - indent - value_width - gap
    labels = _wrap(row.left, font, label_room if label_room > room // 3 else room - indent)
    right_x = MARGIN_DOTS + room - value_width
    lines = [_Line(height, font, ((MARGIN_DOTS + indent, text),)) for text in labels]
    last = lines[-1]
    if MARGIN_DOTS + indent + int(font.getlength(labels[-1])) + gap <= right_x:
        lines[-1] = _Line(height, font, (*last.parts, (right_x, row.right)))
    else:
        lines.append(_Line(height, font, ((right_x, row.right),)))
    return lines


def render_slip(receipt: Receipt, language: str, width: int) -> Any:
    """The receipt as a 1-bit Pillow image ``width`` dots wide (black = 0, the dots the head burns)."""
    from PIL import Image, ImageDraw

    fonts = _Fonts.for_width(width)
    lines = _lines(receipt_rows(receipt, language, PlainFormats(language)), fonts, width)
    top = fonts.size // 2
    height = top + sum(line.height for line in lines) + fonts.size
    image = Image.new("1", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    y = top
    for line in lines:
        if line.rule:
            middle = y + line.height // 2
            draw.rectangle((MARGIN_DOTS, middle - 1, width - MARGIN_DOTS - 1, middle), fill=BLACK)
        for x, text in line.parts:
            draw.text((x, y), text, font=line.font, fill=BLACK)
        y += line.height
    return image
