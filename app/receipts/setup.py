"""How this till makes receipts: which printer (if any) and the store's address for the header.

Both are properties of the machine at the counter rather than of the loyalty program, so they come from
the command line (``--printer``, ``--printer-profile``, ``--printer-mode``) or the environment
(``LOYALTY_PRINTER``, ``LOYALTY_PRINTER_PROFILE``, ``LOYALTY_PRINTER_MODE``, ``LOYALTY_STORE_ADDRESS``), like
the readers and the lock time. The mode says how Vietnamese reaches the paper (``app.receipts.escpos``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from app.receipts.escpos import DEFAULT_PROFILE, PrinterSpec, parse_printer

PRINTER_ENV = "LOYALTY_PRINTER"
PROFILE_ENV = "LOYALTY_PRINTER_PROFILE"
MODE_ENV = "LOYALTY_PRINTER_MODE"
ADDRESS_ENV = "LOYALTY_STORE_ADDRESS"
ADDRESS_LINE_SEPARATOR = ";"  # LOYALTY_STORE_ADDRESS="12 Lê Lợi, Quận 1; TP. Hồ Chí Minh"
MAX_ADDRESS_LINES = 4
MAX_ADDRESS_LINE = 80


@dataclass(frozen=True, slots=True)
class ReceiptSetup:
    printer: PrinterSpec | None = None
    address: tuple[str, ...] = ()


def address_lines(text: str) -> tuple[str, ...]:
    lines = tuple(part.strip() for part in text.split(ADDRESS_LINE_SEPARATOR) if part.strip())
    if len(lines) > MAX_ADDRESS_LINES or any(len(line) > MAX_ADDRESS_LINE for line in lines):
        raise ValueError(
            f"{ADDRESS_ENV}: at most {MAX_ADDRESS_LINES} lines of {MAX_ADDRESS_LINE} characters, "
            f"separated by '{ADDRESS_LINE_SEPARATOR}'"
        )
    if any(ord(ch) < 32 for line in lines for ch in line):
        raise ValueError(f"{ADDRESS_ENV} contains control characters")
    return lines


def receipt_setup(
    printer: str | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] = os.environ,
    mode: str | None = None,
) -> ReceiptSetup:
    """The command line's choices, else the environment's; ``ValueError`` with a sentence for a value that
    is not one."""
    uri = (printer or environ.get(PRINTER_ENV, "")).strip()
    chosen_profile = (profile or environ.get(PROFILE_ENV, "")).strip() or DEFAULT_PROFILE
    chosen_mode = (mode or environ.get(MODE_ENV, "")).strip() or "auto"
    spec = parse_printer(uri, chosen_profile, chosen_mode) if uri else None
    return ReceiptSetup(printer=spec, address=address_lines(environ.get(ADDRESS_ENV, "")))
