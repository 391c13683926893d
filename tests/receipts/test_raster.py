"""Receipts as an image for printers without a Vietnamese code page: the printer mode each profile gets,
the ESC/POS bytes of a known sale drawn as a raster image (compared with a reviewed picture of it, framed
by hand in GS v 0), drawn the same on any thread."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageOps

from app.receipts import raster
from app.receipts.escpos import (
    describe,
    dots,
    parse_printer,
    raster_command,
    receipt_bytes,
    rendering,
    vietnamese_code_page,
)
from app.receipts.model import StoreHeader
from app.receipts.setup import receipt_setup
from tests.receipts.test_escpos import CUT, INIT, KNOWN_SALE

GS = b"\x1d"
PICTURE = Path(__file__).parent / "data" / "known_sale_vi_512.png"


def _raster_block(image: Image.Image, density: int = 0) -> bytes:
    """GS v 0 m xL xH yL yH and the rows, eight dots a byte, the first dot in the high bit, 1 = burn."""
    burn = ImageOps.invert(image.convert("L")).convert("1")
    width_bytes = (image.width + 7) // 8
    return (
        GS
        + b"v0"
        + bytes([density])
        + width_bytes.to_bytes(2, "little")
        + image.height.to_bytes(2, "little")
        + burn.tobytes()
    )


def test_each_profile_gets_the_best_way_it_has() -> None:
    assert vietnamese_code_page("TM-T88V") and rendering("TM-T88V") == "codepage"
    # No Windows-1258, but images: the slip goes as one.
    assert vietnamese_code_page("CT-S651") is None and raster_command("CT-S651") == "bitImageRaster"
    assert rendering("CT-S651") == "raster" and dots("CT-S651") == 640
    assert rendering("TM-U220") == "raster" and raster_command("TM-U220") == "bitImageColumn"
    assert rendering("AF-240") == "folded"  # neither: the last resort
    assert rendering("TM-T88V", "raster") == "raster" and rendering("CT-S651", "folded") == "folded"


def test_a_mode_the_profile_cannot_do_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="has no Vietnamese code page"):
        parse_printer("file:/dev/usb/lp0", "CT-S651", "codepage")
    with pytest.raises(ValueError, match="prints no raster images"):
        parse_printer("file:/dev/usb/lp0", "AF-240", "raster")
    with pytest.raises(ValueError, match="is not a printer mode"):
        parse_printer("file:/dev/usb/lp0", "TM-T88V", "colour")
    spec = parse_printer("network:10.0.0.9", "TM-T88V", "RASTER")
    assert spec.mode == "raster"
    assert describe(spec) == (
        "network:10.0.0.9, profile TM-T88V, mode raster: receipts printed as an image 512 dots wide "
        "(full Vietnamese)"
    )


def test_the_mode_comes_from_the_command_line_else_the_environment() -> None:
    env = {"LOYALTY_PRINTER": "file:/dev/usb/lp0", "LOYALTY_PRINTER_MODE": "folded"}
    setup = receipt_setup(environ=env)
    assert setup.printer is not None and setup.printer.mode == "folded"
    setup = receipt_setup(mode="raster", environ=env)
    assert setup.printer is not None and setup.printer.mode == "raster"
    plain = receipt_setup(environ={"LOYALTY_PRINTER": "file:x"}).printer
    assert plain is not None and plain.mode == "auto"


def test_the_bytes_of_a_known_sale_as_an_image_on_an_epson_tm_t88v() -> None:
    picture = Image.open(PICTURE)
    assert picture.width == dots("TM-T88V") == 512  # one dot of the picture for one dot of the head
    drawn = raster.render_slip(KNOWN_SALE, "vi", 512)
    assert ImageChops.difference(drawn.convert("L"), picture.convert("L")).getbbox() is None
    assert picture.height <= 960  # one GS v 0 block (python-escpos cuts taller images in pieces)
    expected = INIT + _raster_block(picture) + CUT
    assert receipt_bytes(KNOWN_SALE, "vi", "TM-T88V", "raster") == expected


def test_a_profile_without_vietnamese_gets_the_image_in_auto_mode() -> None:
    data = receipt_bytes(KNOWN_SALE, "vi", "CT-S651")
    assert data.startswith(INIT + GS + b"v0\x00" + (640 // 8).to_bytes(2, "little")) and data.endswith(CUT)
    assert b"Lan" not in data  # no text at all: everything is dots
    # A dot-matrix head without high density: drawn half as wide, each dot printed double.
    data = receipt_bytes(KNOWN_SALE, "vi", "ZJ-5870")
    assert data.startswith(INIT + GS + b"v0\x03" + (384 // 2 // 8).to_bytes(2, "little"))


def test_a_tall_receipt_goes_in_blocks_of_the_image() -> None:
    long = replace(KNOWN_SALE, store=StoreHeader("Cửa hàng Lan", "till-1", ("Dòng địa chỉ " * 40,)))
    data = receipt_bytes(long, "vi", "TM-T88V", "raster")
    assert data.count(GS + b"v0") >= 2 and data.endswith(CUT)


def test_the_marks_are_drawn_not_folded() -> None:
    accents = raster.render_slip(KNOWN_SALE, "vi", 512)
    plain = raster.render_slip(replace(KNOWN_SALE, store=StoreHeader("Cua hang Lan", "till-1")), "vi", 512)
    assert accents.size == plain.size
    assert ImageChops.difference(accents.convert("L"), plain.convert("L")).getbbox() is not None


def test_the_image_is_the_same_on_the_printers_thread() -> None:
    here = receipt_bytes(KNOWN_SALE, "vi", "CT-S651")
    with ThreadPoolExecutor(max_workers=2) as pool:
        there = list(pool.map(lambda _i: receipt_bytes(KNOWN_SALE, "vi", "CT-S651"), range(4)))
    assert all(data == here for data in there)


def test_a_printer_file_gets_the_image_bytes(tmp_path: Path) -> None:
    from app.receipts.escpos import print_receipt

    device = tmp_path / "lp0"
    spec = parse_printer(f"file:{device}", "CT-S651")
    sent = print_receipt(spec, KNOWN_SALE, "en")
    assert device.read_bytes() == sent == receipt_bytes(KNOWN_SALE, "en", "CT-S651")
    assert sent.startswith(INIT + GS + b"v0")
