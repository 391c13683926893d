"""Readers by name. A reader is named by a URI-like string:

    pcsc                    every PC/SC reader, as they come and go
    pcsc:<reader name>      one PC/SC reader
    nfc:usb                 the first nfcpy USB device; nfc:usb:<bus>:<dev> a given one
    nfc:udp:<host>:<port>   nfcpy's UDP transport (simulators, tests)
    wedge                   a keyboard-wedge barcode/QR scanner (fed by the UI's key events)
    sim                     the simulated reader (scripted taps)

Drivers register a factory for their scheme; importing a driver's module is what registers it, and a driver
whose library is missing is simply not available (``available()`` says why).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from devices.base import Reader, ReaderConfig
from devices.errors import DeviceError, NotSupported

Factory = Callable[[str, ReaderConfig], Reader]
Discoverer = Callable[[], list[str]]


@dataclass(frozen=True)
class Driver:
    scheme: str
    factory: Factory
    discover: Discoverer | None = None
    description: str = ""


_DRIVERS: dict[str, Driver] = {}
# Modules that register drivers, by scheme; imported lazily so a missing optional library (pyscard, nfcpy)
# only disables its own driver, and a till started with ``--reader sim`` never loads nfcpy or pyscard.
_DRIVER_MODULES = {
    "sim": "devices.sim",
    "wedge": "devices.wedge",
    "pcsc": "devices.pcsc",
    "nfc": "devices.nfc",
}
_import_errors: dict[str, str] = {}
_tried: set[str] = set()


def register(
    scheme: str, factory: Factory, *, discover: Discoverer | None = None, description: str = ""
) -> None:
    _DRIVERS[scheme] = Driver(scheme, factory, discover, description)


def _load(scheme: str | None = None) -> None:
    """Import the driver module of ``scheme`` (every driver module when None), each at most once."""
    for known, module in _DRIVER_MODULES.items():
        if (scheme is not None and known != scheme) or module in _tried:
            continue
        _tried.add(module)
        try:
            importlib.import_module(module)
        except ImportError as err:
            _import_errors[module] = str(err)


def scheme_of(uri: str) -> str:
    return uri.split(":", 1)[0].strip().lower()


def open_reader(uri: str, config: ReaderConfig | None = None) -> Reader:
    """The reader a URI names (not started yet)."""
    scheme = scheme_of(uri)
    _load(scheme)
    driver = _DRIVERS.get(scheme)
    if driver is None:
        _load()  # every driver, to name the known ones
        known = ", ".join(sorted(_DRIVERS)) or "none"
        hint = ""
        for module, why in _import_errors.items():
            if module.endswith("." + scheme):
                hint = f" ({why})"
        raise NotSupported(f"no reader driver for {uri!r}{hint}; known: {known}")
    return driver.factory(uri, config or ReaderConfig())


def available() -> dict[str, str]:
    """Driver schemes and their descriptions, plus drivers that could not load and why."""
    _load()
    found = {d.scheme: d.description for d in _DRIVERS.values()}
    for module, why in _import_errors.items():
        found.setdefault(module.rsplit(".", 1)[-1], f"unavailable: {why}")
    return found


def discover() -> list[str]:
    """URIs of the readers connected now (PC/SC readers by name, NFC devices), never raising."""
    _load()
    uris: list[str] = []
    for driver in _DRIVERS.values():
        if driver.discover is None:
            continue
        try:
            uris += driver.discover()
        except DeviceError:
            continue
    return uris
