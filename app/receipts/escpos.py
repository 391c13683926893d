"""Receipts on an ESC/POS printer, through python-escpos.

A printer is named by a URI: ``usb:VID:PID`` (hexadecimal ids, as ``lsusb`` shows them), ``network:HOST``
or ``network:HOST:PORT`` (raw TCP, port 9100 by default), or ``file:PATH`` (a device file such as
``/dev/usb/lp0``, or any file). Its *profile* (python-escpos's printer database: ``default``, ``TM-T88V``,
``POS-5890`` …) says how many columns a line has, whether it cuts, and which code pages it has.

Vietnamese goes to paper in one of three ways, the printer's *mode*:

- ``codepage``: in Windows-1258 (the printers' "WPC1258"), when the profile has it, each toned letter as its
  letter and a combining tone mark (``app.receipts.vietnamese``);
- ``raster``: the slip drawn as a monochrome image (``app.receipts.raster``) and sent as one, when the
  profile prints raster images: every mark as on screen, on any printer of that kind;
- ``folded``: the text without diacritics (Nguyen Thi Lan), which stays readable, instead of bytes of the
  wrong code page — the last resort, for a printer with neither.

``auto`` (the default) takes the first of these the profile allows. Text is faster to print and sharper
than an image, so a printer with the code page gets text.

The whole receipt is put together in memory first (python-escpos's ``Dummy`` printer) and sent in one
write: a printer that fails halfway never gets half a receipt from us, and building the bytes needs no
printer at all (the tests compare them). Nothing here touches the sale: printing happens after it is
recorded, on the window's printer thread.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from app.receipts import raster
from app.receipts.layout import PlainFormats, Row, receipt_rows
from app.receipts.model import Receipt
from app.receipts.vietnamese import fold_ascii, to_cp1258, width

log = logging.getLogger(__name__)

DEFAULT_PROFILE = "default"
NETWORK_PORT = 9100
TIMEOUT = 5.0  # seconds to reach a printer or hear back from it before saying it is not there
VIETNAMESE_CODE_PAGE = "CP1258"
FALLBACK_COLUMNS = 32  # the narrowest common roll (58 mm), for a profile that does not say
FALLBACK_DOTS = 384  # the same roll's width in dots (48 mm printable at 203 dpi)
# The image commands a profile may have, best first: GS v 0, GS ( L, ESC *.
RASTER_COMMANDS = ("bitImageRaster", "graphics", "bitImageColumn")

PrinterKind = Literal["usb", "network", "file"]
PrinterMode = Literal["auto", "codepage", "raster", "folded"]
Rendering = Literal["codepage", "raster", "folded"]
PRINTER_MODES: tuple[PrinterMode, ...] = ("auto", "codepage", "raster", "folded")
ProblemReason = Literal["unreachable", "paper_out", "failed"]

_USB = re.compile(r"usb:([0-9A-Fa-f]{1,4}):([0-9A-Fa-f]{1,4})")
_NETWORK = re.compile(
    r"network:(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.\-]+))(?::(?P<port>[0-9]{1,5}))?"
)
_HELP = "use usb:VID:PID, network:HOST[:PORT] or file:PATH"


class PrinterProblem(Exception):
    """The receipt did not reach the paper. ``reason`` picks the sentence the window shows."""

    def __init__(self, reason: ProblemReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: ProblemReason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class PrinterSpec:
    uri: str
    kind: PrinterKind
    vendor_id: int = 0
    product_id: int = 0
    host: str = ""
    port: int = NETWORK_PORT
    path: str = ""
    profile: str = DEFAULT_PROFILE
    timeout: float = TIMEOUT
    mode: PrinterMode = "auto"


def profiles() -> dict[str, Any]:
    """python-escpos's printer profiles by name (its capabilities database)."""
    from escpos.capabilities import CAPABILITIES

    found: dict[str, Any] = CAPABILITIES["profiles"]
    return found


def parse_printer(uri: str, profile: str = DEFAULT_PROFILE, mode: str = "auto") -> PrinterSpec:
    """A printer URI read into its parts; ``ValueError`` with a sentence when it is not one, or when the
    profile cannot print Vietnamese the way ``mode`` asks."""
    text = uri.strip()
    if profile not in profiles():
        raise ValueError(f"{profile!r} is not a printer profile python-escpos knows (e.g. default, TM-T88V)")
    chosen = check_mode(mode)
    rendering(profile, chosen)  # refuses a mode the profile cannot do, before anything is printed
    if m := _USB.fullmatch(text):
        vendor, product = int(m.group(1), 16), int(m.group(2), 16)
        if not vendor or not product:
            raise ValueError(f"{uri!r}: the USB vendor and product ids are not zero")
        return PrinterSpec(text, "usb", vendor_id=vendor, product_id=product, profile=profile, mode=chosen)
    if m := _NETWORK.fullmatch(text):
        port = int(m.group("port") or NETWORK_PORT)
        if not 0 < port < 65536:
            raise ValueError(f"{uri!r}: the port is a number from 1 to 65535")
        host = m.group("v6") or m.group("host")
        return PrinterSpec(text, "network", host=host, port=port, profile=profile, mode=chosen)
    if text.startswith("file:") and len(text) > len("file:"):
        return PrinterSpec(text, "file", path=text[len("file:") :], profile=profile, mode=chosen)
    raise ValueError(f"{uri!r} is not a printer: {_HELP}")


def check_mode(mode: str) -> PrinterMode:
    for known in PRINTER_MODES:
        if mode.strip().lower() == known:
            return known
    raise ValueError(f"{mode!r} is not a printer mode: use {', '.join(PRINTER_MODES)}")


def vietnamese_code_page(profile: str) -> str | None:
    """The Vietnamese code page the profile has (Windows-1258), or None."""
    pages = profiles()[profile].get("codePages", {})
    return VIETNAMESE_CODE_PAGE if VIETNAMESE_CODE_PAGE in pages.values() else None


def raster_command(profile: str) -> str | None:
    """The profile's best command for printing an image, or None when it prints none."""
    features = profiles()[profile].get("features", {})
    return next((name for name in RASTER_COMMANDS if features.get(name)), None)


def dots(profile: str) -> int:
    """How many dots wide the profile's paper is (the image is drawn that wide)."""
    value = profiles()[profile].get("media", {}).get("width", {}).get("pixels")
    return value if isinstance(value, int) and value > 0 else FALLBACK_DOTS


def rendering(profile: str, mode: PrinterMode = "auto") -> Rendering:
    """How this profile gets Vietnamese in ``mode``; ``ValueError`` with a sentence for a mode it cannot do."""
    page = vietnamese_code_page(profile) is not None
    image = raster_command(profile) is not None
    if mode == "auto":
        if page:
            return "codepage"
        if image and raster.available():
            return "raster"
        return "folded"
    if mode == "codepage" and not page:
        raise ValueError(
            f"the printer profile {profile!r} has no Vietnamese code page (Windows-1258): "
            "use --printer-mode auto, raster or folded"
        )
    if mode == "raster" and not image:
        raise ValueError(
            f"the printer profile {profile!r} prints no raster images: use --printer-mode auto or folded"
        )
    if mode == "raster" and not raster.available():
        raise ValueError("printing the receipt as an image needs the DejaVu Sans font (run make)")
    return mode


def describe(spec: PrinterSpec) -> str:
    """The printer and how Vietnamese reaches its paper, in one line (shown when the till starts)."""
    how = {
        "codepage": "Vietnamese in the code page Windows-1258",
        "raster": f"receipts printed as an image {dots(spec.profile)} dots wide (full Vietnamese)",
        "folded": "Vietnamese without diacritics (the profile has no Vietnamese code page and no raster images)",
    }[rendering(spec.profile, spec.mode)]
    return f"{spec.uri}, profile {spec.profile}, mode {spec.mode}: {how}"


def columns(profile: str) -> int:
    fonts = profiles()[profile].get("fonts", {})
    first = fonts.get("0") or {}
    value = first.get("columns")
    return value if isinstance(value, int) and value > 0 else FALLBACK_COLUMNS


# -- the receipt as ESC/POS --------------------------------------------------------------------------------
def _wrap(text: str, cols: int) -> list[str]:
    """Words onto lines of at most ``cols`` columns (a word longer than a line is cut)."""
    lines: list[str] = []
    current = ""
    for whole in text.split():
        word = whole
        while width(word) > cols:
            if current:
                lines.append(current)
                current = ""
            head, word = _split_at(word, cols)
            lines.append(head)
        candidate = f"{current} {word}" if current else word
        if width(candidate) <= cols:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def _split_at(word: str, cols: int) -> tuple[str, str]:
    seen = 0
    for i, char in enumerate(word):
        if width(char) and seen == cols:
            return word[:i], word[i:]
        seen += width(char)
    return word, ""


def _pair(left: str, right: str, cols: int, indent: int = 0) -> list[str]:
    """A label on the left and its value flush right; the value goes under a label too long to share."""
    pad = " " * indent
    room = cols - width(right) - 1
    # A value too wide to share a line with any of the label goes on a line of its own.
    label = _wrap(left, room - indent if room - indent > 0 else cols - indent)
    lines = [pad + line for line in label]
    last = lines[-1]
    if width(last) + 1 + width(right) <= cols:
        lines[-1] = last + " " * (cols - width(last) - width(right)) + right
    else:
        lines.append(" " * max(cols - width(right), 0) + right)
    return lines


def _center(text: str, cols: int) -> list[str]:
    return [" " * ((cols - width(line)) // 2) + line for line in _wrap(text, cols)]


def write_receipt(
    printer: Any, receipt: Receipt, language: str, profile: str, mode: PrinterMode = "auto"
) -> None:
    """Send ``receipt`` to a python-escpos printer object, ending with a cut."""
    how = rendering(profile, mode)
    if how == "raster":
        _write_image(printer, receipt, language, profile)
        return
    page = vietnamese_code_page(profile) if how == "codepage" else None
    convert = to_cp1258 if page else fold_ascii
    cols = columns(profile)
    printer.hw("INIT")
    if page:
        printer.charcode(page)  # ESC t n, the profile's slot for Windows-1258
    for row in receipt_rows(receipt, language, PlainFormats(language)):
        _write_row(printer, _converted(row, convert), cols)
    printer.cut()


def _write_image(printer: Any, receipt: Receipt, language: str, profile: str) -> None:
    command = raster_command(profile)
    assert command is not None
    dense = bool(profiles()[profile].get("features", {}).get("highDensity"))
    # Without high density every dot prints twice as wide and tall: the image is drawn half as wide.
    width = dots(profile) if dense else dots(profile) // 2
    image = raster.render_slip(receipt, language, width)
    data = printer.profile.profile_data
    if not isinstance(data.get("media", {}).get("width", {}).get("pixels"), int):
        # python-escpos checks an image against the paper's width, and prints a notice when the profile
        # does not give it: this printer object is told the width the image was drawn for.
        media = dict(data.get("media", {}))
        media["width"] = {**media.get("width", {}), "pixels": width}
        printer.profile.profile_data = {**data, "media": media}
    printer.hw("INIT")
    printer.image(image, high_density_vertical=dense, high_density_horizontal=dense, impl=command)
    printer.cut()


def _converted(row: Row, convert: Callable[[str], str]) -> Row:
    return replace(row, left=convert(row.left), right=convert(row.right))


def _write_row(printer: Any, row: Row, cols: int) -> None:
    if row.style == "title":
        printer.set(align="left", bold=True, double_height=True)
        lines = _center(row.left, cols)
        printer.text("\n".join(lines) + "\n")
        printer.set(bold=False, normal_textsize=True)
        return
    if row.style == "heading":
        printer.set(bold=True)
        printer.text("\n".join(_center(row.left, cols)) + "\n")
        printer.set(bold=False)
        return
    if row.style == "rule":
        printer.text("-" * cols + "\n")
        return
    if row.style == "center":
        printer.text("\n".join(_center(row.left, cols)) + "\n")
        return
    if row.style == "note":
        printer.text("\n".join(_wrap(row.left, cols)) + "\n")
        return
    lines = _pair(row.left, row.right, cols, indent=2 if row.style == "detail" else 0)
    if row.style == "total":
        printer.set(bold=True)
    printer.text("\n".join(lines) + "\n")
    if row.style == "total":
        printer.set(bold=False)


def receipt_bytes(
    receipt: Receipt, language: str, profile: str = DEFAULT_PROFILE, mode: PrinterMode = "auto"
) -> bytes:
    """The ESC/POS bytes of ``receipt``, as the printer would get them."""
    from escpos.printer import Dummy

    dummy = Dummy(profile=profile)
    write_receipt(dummy, receipt, language, profile, mode)
    data: bytes = dummy.output
    return data


# -- sending -------------------------------------------------------------------------------------------
def _open(spec: PrinterSpec) -> Any:
    from escpos.printer import File, Network, Usb

    if spec.kind == "usb":
        return Usb(spec.vendor_id, spec.product_id, timeout=int(spec.timeout * 1000), profile=spec.profile)
    if spec.kind == "network":
        return Network(spec.host, spec.port, timeout=spec.timeout, profile=spec.profile)
    return File(spec.path, profile=spec.profile)


def _check_paper(printer: Any, spec: PrinterSpec) -> None:
    """Ask a printer that can answer (USB, network) whether it has paper. One that does not answer in time
    is given the receipt anyway: many print fine and simply do not report."""
    if spec.kind == "file":
        return
    try:
        status = printer.paper_status()
    except (TimeoutError, NotImplementedError) as exc:
        log.info("printer %s did not report its paper: %s", spec.uri, exc)
        return
    except Exception as exc:  # a USB read error: the printer is still asked to print below
        log.info("printer %s did not report its paper: %s", spec.uri, exc)
        return
    if status == 0:
        raise PrinterProblem("paper_out", f"{spec.uri} reports no paper")


def print_receipt(spec: PrinterSpec, receipt: Receipt, language: str) -> bytes:
    """Print ``receipt`` on the printer ``spec`` names; returns the bytes sent. ``PrinterProblem`` when it
    is not reachable, has no paper, or the write fails. Blocks up to the timeout: call it off the UI
    thread."""
    from escpos.exceptions import DeviceNotFoundError

    data = receipt_bytes(receipt, language, spec.profile, spec.mode)
    try:
        printer = _open(spec)
    except Exception as exc:
        raise PrinterProblem("unreachable", f"{spec.uri}: {exc}") from exc
    try:
        try:
            printer.open()
        except DeviceNotFoundError as exc:
            raise PrinterProblem("unreachable", f"{spec.uri}: {exc}") from exc
        except (OSError, ValueError) as exc:  # libusb missing, permission denied on the device
            raise PrinterProblem("unreachable", f"{spec.uri}: {exc}") from exc
        _check_paper(printer, spec)
        try:
            printer._raw(data)
        except Exception as exc:  # unplugged or switched off mid-write: broken pipe, USB error, timeout
            raise PrinterProblem("failed", f"{spec.uri}: {exc}") from exc
    finally:
        try:
            printer.close()
        except Exception:  # closing a printer that is gone must not hide why it failed
            log.debug("closing printer %s", spec.uri, exc_info=True)
    log.info("receipt %s printed on %s (%d bytes)", receipt.number, spec.uri, len(data))
    return data
