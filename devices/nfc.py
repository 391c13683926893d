"""nfcpy readers: USB devices nfcpy drives itself (Sony RC-S380, ACR122U when pcscd does not hold it, …) and
nfcpy's UDP transport (tag simulators, tests).

    nfc:usb                  the first nfcpy USB device
    nfc:usb:<bus>:<dev>      a given one (``lsusb`` numbers; ``python -m devices list`` prints them)
    nfc:udp:<host>:<port>    nfcpy's UDP transport
    nfc:tty:<port>:<driver>  a serial reader (e.g. ``nfc:tty:USB0:pn532``)

One reader thread per device: open it, announce it, then poll for a tag one technology at a time (106A: Type 2
and Type 4A tags; 212F/424F: FeliCa). A tag is read completely (UID, product, NDEF message, SUN check, member
reference) before anything is emitted, so the till sees one ``CardPresented`` or one ``ReadError`` per tap;
then the thread watches the tag until it leaves and emits ``CardRemoved``. Nothing escapes the thread: a
card pulled away mid-read is ``card_removed``, unreadable data ``bad_data``, a lost device
``reader_unplugged`` (and the device is reopened by itself when it comes back).

Everything nfcpy hands out is untyped; it stays inside the small ``_nfcpy_*``/``_tag_*`` functions below.
"""

from __future__ import annotations

import errno
import itertools
import logging
import re
import select
import threading
import time
import warnings
from collections.abc import Iterable
from typing import Any

from devices.base import ReaderConfig, ThreadedReader
from devices.errors import BadCardData, CardGone, DeviceError, NotSupported, ServiceUnavailable
from devices.events import (
    CardPresented,
    CardRemoved,
    CardTech,
    NdefRecord,
    ReaderAdded,
    ReaderLost,
    ReadError,
)
from devices.identity import card_presented
from devices.ndef import parse_ndef_message
from devices.registry import register

log = logging.getLogger(__name__)


# nfc.tag calls logging.captureWarnings(True) when imported, which reroutes every warning of the whole process
# into logging: keep the process's own choice.
_showwarning = warnings.showwarning
try:
    import nfc  # type: ignore[import-untyped]
    import nfc.clf  # type: ignore[import-untyped]
    import nfc.clf.udp  # type: ignore[import-untyped]
finally:
    warnings.showwarning = _showwarning
# nfcpy pins its logger at INFO, which lets its chatter through whatever level the till configured.
logging.getLogger("nfc").setLevel(logging.NOTSET)

# Technologies polled, in order: Type A at 106 kbit/s (NTAG, Ultralight, Type 4A tags, phones), then FeliCa.
TARGETS = ("106A", "212F", "424F")
# How often a tag on the reader is checked for still being there (nfcpy's own connect() uses 0.1 s).
PRESENCE_INTERVAL = 0.1
# How long to wait between attempts to open a device that is not there (unplugged, held by pcscd, …).
REOPEN_DELAY = 2.0
# nfcpy's tag code uses the chip's frame timeouts (a Type 2 READ waits 5 ms, a FeliCa polling 3.6 ms). Over
# UDP the "tag" is a process on a possibly loaded machine, not a chip in the field, so the UDP transport
# waits at least this long for an answer.
UDP_MIN_TIMEOUT = 0.25
# The longest a tag may keep the reader busy reading it. nfcpy's loops trust the tag (a Type 4 tag that
# answers READ BINARY with no data keeps nfcpy asking forever), and a stuck reader thread cannot be stopped.
READ_BUDGET = 5.0

_TAG_TYPES = {"Type1Tag": "Type1", "Type2Tag": "Type2", "Type3Tag": "Type3", "Type4Tag": "Type4"}
# MIFARE Classic and Mini answer SEL_RES with these SAKs. They are not NFC Forum tags: nfcpy treats them as
# Type 2 but cannot read them (no authentication), so only their UID is used.
_CLASSIC_SAKS = {
    0x08: "MIFARE Classic 1K",
    0x88: "MIFARE Classic 1K",
    0x18: "MIFARE Classic 4K",
    0x09: "MIFARE Mini",
}
# ISO-wrapped GetVersion (NXP DESFire family, NTAG 424 DNA): CLA 90, INS 60, Le 00.
_GET_VERSION_CLA, _GET_VERSION_INS = 0x90, 0x60
_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*$")


# -- paths and devices -------------------------------------------------------------------------------------
def nfcpy_path(uri: str) -> str:
    """The nfcpy device path a reader URI names: ``nfc:usb:001:005`` -> ``usb:001:005``."""
    _, _, rest = uri.partition(":")
    path = rest.strip() or "usb"
    kind = path.split(":", 1)[0].lower()
    if kind not in ("usb", "udp", "tty"):
        raise NotSupported(
            f"{uri!r} is not an nfcpy reader: use nfc:usb, nfc:usb:<bus>:<dev> or nfc:udp:<host>:<port>"
        )
    return path


def _nfcpy_open(path: str) -> Any:
    """An open ``nfc.ContactlessFrontend``, or ServiceUnavailable with a reason a person can act on."""
    try:
        clf = nfc.ContactlessFrontend(path)
    except OSError as err:
        if err.errno == errno.EACCES:
            raise ServiceUnavailable(
                f"no permission to use the NFC device at {path}: install the udev rule (docs/readers_nfc.md)"
            ) from err
        if err.errno == errno.EBUSY:
            raise ServiceUnavailable(
                f"the NFC device at {path} is in use: by pcscd, another program, or the kernel's NFC driver "
                "(port100, pn533_usb; docs/readers_nfc.md)"
            ) from err
        if err.errno == errno.ENODEV:
            raise ServiceUnavailable(_no_device_message(path)) from err
        raise ServiceUnavailable(f"cannot open the NFC device at {path}: {err}") from err
    except Exception as err:  # nfcpy drivers raise whatever their transport raises
        raise ServiceUnavailable(f"cannot open the NFC device at {path}: {err}") from err
    _tune_udp(clf)
    return clf


def _no_device_message(path: str) -> str:
    # For a partial path ('usb') nfcpy skips devices it cannot open and then reports "no device": say
    # which device is there, so the exact path gives the real reason (permission, busy).
    plugged = discover() if path.startswith("usb") and path.count(":") < 2 else []
    if plugged:
        return (
            f"no NFC device at {path} could be opened, though {', '.join(plugged)} is plugged in: "
            f"use that URI to see why (permission, or held by pcscd or a kernel driver)"
        )
    return f"no NFC device at {path}"


def _tune_udp(clf: Any) -> None:
    """Make nfcpy's UDP transport dependable between two processes (see UDP_MIN_TIMEOUT)."""
    device = clf.device
    if not isinstance(device, nfc.clf.udp.Device):
        return
    exchange = device.send_cmd_recv_rsp

    def send_cmd_recv_rsp(target: Any, data: Any, timeout: float | None) -> Any:
        # An answer that came after its command had timed out must not be taken for the answer to the
        # next command (nfcpy retries reads, and a late 16-byte page would be read as the wrong page).
        _drain(device.socket)
        if timeout:
            timeout = max(timeout, UDP_MIN_TIMEOUT)
        return exchange(target, data, timeout)

    device.send_cmd_recv_rsp = send_cmd_recv_rsp


def _drain(sock: Any) -> None:
    if sock is None:
        return
    try:
        while select.select([sock], [], [], 0)[0]:
            sock.recvfrom(4096)
    except (OSError, ValueError):  # closed meanwhile: nothing left to drain
        return


def _nfcpy_name(clf: Any) -> str:
    try:
        return str(clf)
    except Exception:  # a device that died between open and here
        return "nfcpy device"


def _nfcpy_close(clf: Any) -> None:
    try:
        clf.close()
    except Exception as err:  # closing a device that is already gone
        log.debug("closing %s: %s", clf, err)


def _nfcpy_beep(clf: Any, on: bool) -> None:
    """Buzzer and LED of readers that have them (ACR122U); cashiers listen for the beep."""
    try:
        if on:
            clf.device.turn_on_led_and_buzzer()
        else:
            clf.device.turn_off_led_and_buzzer()
    except Exception as err:
        log.debug("led/buzzer of %s: %s", clf, err)


def _nfcpy_find_tag(clf: Any, brty: str, stop: threading.Event) -> Any:
    """One discovery round for one technology: an activated nfcpy tag, None, or False when nfcpy gave up on
    the device or the technology (it logs and returns False for OSError and UnsupportedTargetError)."""
    rounds = itertools.count()
    return clf.connect(
        rdwr={
            "targets": [brty],
            "iterations": 1,
            "interval": 0.0,
            "on-discover": _accepts_target,
            "on-connect": lambda tag: False,  # hand the tag back: reading and presence are ours
            "beep-on-connect": False,
        },
        # nfcpy polls this before each round: exactly one round, or none once the reader is stopping.
        terminate=lambda: stop.is_set() or next(rounds) > 0,
    )


def _accepts_target(target: Any) -> bool:
    # nfcpy's default skips anything that offers peer-to-peer (SAK bit 6), which also skips phones that
    # offer both peer-to-peer and a Type 4 card: take those as cards (SAK bit 5, ISO-DEP).
    sel_res = target.sel_res
    if sel_res:
        return bool(sel_res[0] & 0x20 or not sel_res[0] & 0x40)
    sensf_res = target.sensf_res
    return not (sensf_res and bytes(sensf_res[1:3]) == b"\x01\xfe")  # FeliCa peer-to-peer


def _nfcpy_diagnose(clf: Any, brty: str) -> str:
    """Why nfcpy's connect() gave up: 'unsupported' (this device cannot poll ``brty``), 'transient', or
    DeviceError('reader_unplugged') when the device itself is gone."""
    try:
        clf.sense(nfc.clf.RemoteTarget(brty), iterations=1)
    except nfc.clf.UnsupportedTargetError:
        return "unsupported"
    except OSError as err:
        raise DeviceError(f"the NFC device was lost: {err}", code="reader_unplugged") from err
    except nfc.clf.CommunicationError:
        return "transient"
    return "transient"


# -- tags --------------------------------------------------------------------------------------------------
def _tag_uid(tag: Any) -> str | None:
    identifier = bytes(tag.identifier)
    return identifier.hex().upper() if identifier else None


def _tag_sak(tag: Any) -> int | None:
    sel_res = tag.target.sel_res if tag.target is not None else None
    return int(sel_res[0]) if sel_res else None


def _tag_tech(tag: Any) -> CardTech:
    sak = _tag_sak(tag)
    if sak in _CLASSIC_SAKS:
        return CardTech(tag_type="ISO14443-3A", product=_CLASSIC_SAKS[sak])
    type_name = str(tag.type)
    product = str(tag.product)
    if product == type_name:  # nfcpy knows only the tag type
        return CardTech(tag_type=_TAG_TYPES.get(type_name, type_name), product=None)
    # 'NXP NTAG213' -> 'NTAG213', 'FeliCa Lite-S (RC-S966)' -> 'FeliCa Lite-S'
    product = _PARENTHESIS.sub("", product.removeprefix("NXP ")).strip()
    return CardTech(tag_type=_TAG_TYPES.get(type_name, type_name), product=product or None)


def _tag_ndef_octets(tag: Any) -> bytes | None:
    """The NDEF message bytes, or None when the tag has no (readable) NDEF data — or could not finish
    reading it: nfcpy reports a failed read the same way, so the caller checks whether the tag is still
    there."""
    ndef = tag.ndef
    if ndef is None or not ndef.is_readable:
        return None
    return bytes(ndef.octets)


def _tag_present(clf: Any, tag: Any) -> bool:
    """Is the tag still in the field? nfcpy's check per tag type (Type 2: READ page 0; Type 3: polling;
    Type 4: ISO-DEP R(NAK)); a MIFARE Classic refuses unauthenticated READs, so it is re-selected instead."""
    try:
        if _tag_sak(tag) in _CLASSIC_SAKS:
            target = nfc.clf.RemoteTarget(tag.target.brty, sel_req=bytearray(tag.identifier))
            return clf.sense(target, iterations=1) is not None
        return bool(tag.is_present)
    except OSError:
        raise  # the device, not the tag
    except Exception as err:  # nfcpy raises RuntimeError, TagCommandError, … for a tag that went away
        log.debug("presence check: %r", err)
        return False


def _tag_nxp_type4_product(tag: Any) -> str | None:
    """The product of an NXP Type 4 tag from its GetVersion (nfcpy calls every Type 4 tag 'Type4Tag')."""
    try:
        response = bytes(tag.send_apdu(_GET_VERSION_CLA, _GET_VERSION_INS, 0, 0, mrl=256, check_status=False))
    except OSError:
        raise
    except Exception as err:
        log.debug("GetVersion: %r", err)
        return None
    return product_from_version(response)


def product_from_version(response: bytes) -> str | None:
    """Name an NXP tag from the first GetVersion frame (hardware part, then status 91 AF)."""
    if len(response) != 9 or response[-2:] != b"\x91\xaf" or response[0] != 0x04:  # 04: NXP
        return None
    hw_type, hw_subtype, hw_major = response[1], response[2], response[3]
    if hw_type == 0x04 and hw_major == 0x30:
        return "NTAG424DNA TT" if hw_subtype & 0x08 else "NTAG424DNA"
    if hw_type == 0x04:
        return "NTAG DNA"
    if hw_type == 0x01:
        return "MIFARE DESFire"
    return None


class _ReadBudget:
    """Bounds the reading of one tag: inside ``with budget:``, every frame to the tag first checks the time
    left and the stop flag, and once either runs out the frame fails as a timeout — which nfcpy's tag code
    already handles, so it unwinds by itself. ``exhausted`` tells afterwards whether that happened."""

    def __init__(self, clf: Any, stop: threading.Event, seconds: float) -> None:
        self.clf = clf
        self.stop = stop
        self.deadline = time.monotonic() + seconds
        self.exhausted = False

    def __enter__(self) -> _ReadBudget:
        exchange = self.clf.exchange

        def bounded_exchange(send_data: Any, timeout: float | None) -> Any:
            if self.stop.is_set() or time.monotonic() > self.deadline:
                self.exhausted = True
                raise nfc.clf.TimeoutError("read budget used up")
            return exchange(send_data, timeout)

        self.clf.exchange = bounded_exchange
        return self

    def __exit__(self, *exc: object) -> None:
        del self.clf.exchange  # the class's own method again (presence checks are not bounded)


class _Stopping(Exception):
    """The reader was told to stop during a read."""


# -- the reader --------------------------------------------------------------------------------------------
class NfcReader(ThreadedReader):
    def __init__(
        self,
        uri: str,
        config: ReaderConfig,
        *,
        targets: Iterable[str] = TARGETS,
        read_budget: float = READ_BUDGET,
    ) -> None:
        super().__init__(uri, config)
        self.path = nfcpy_path(uri)
        self.targets = tuple(targets)
        self.read_budget = read_budget

    def run(self, stop: threading.Event) -> None:
        clf = self._open(stop)
        if clf is None:
            return
        name = _nfcpy_name(clf)
        self.emit(ReaderAdded(self.uri, name))
        reason = "stopped"
        try:
            self._poll(clf, stop)
        except DeviceError as err:
            reason = err.message
            raise
        except OSError as err:  # nfcpy's USB transport: the device was unplugged or stopped answering
            reason = f"the NFC device stopped answering: {err}"
            raise DeviceError(reason, code="reader_unplugged") from err
        except Exception as err:
            reason = f"reader error: {err}"
            raise
        finally:
            _nfcpy_close(clf)
            self.emit(ReaderLost(self.uri, name, reason))

    def _open(self, stop: threading.Event) -> Any:
        """The open device; while there is none, say so once and try again every REOPEN_DELAY seconds."""
        said = False
        while not stop.is_set():
            try:
                return _nfcpy_open(self.path)
            except DeviceError as err:
                if not said:
                    self.emit(ReadError(self.uri, err.code, err.message))
                    said = True
            stop.wait(REOPEN_DELAY)
        return None

    def _poll(self, clf: Any, stop: threading.Event) -> None:
        targets = list(self.targets)
        while not stop.is_set():
            found = False
            for brty in tuple(targets):
                if stop.is_set():
                    return
                tag = _nfcpy_find_tag(clf, brty, stop)
                if tag is False:
                    if _nfcpy_diagnose(clf, brty) == "unsupported":
                        log.info("%s cannot poll %s; polling %s", self.uri, brty, targets)
                        targets.remove(brty)
                        if not targets:
                            raise NotSupported(
                                f"the NFC device at {self.path} supports none of {self.targets}"
                            )
                    continue
                if tag:
                    found = True
                    self._serve(clf, tag, stop)
            if not found:
                # USB devices answer a poll in milliseconds: without a pause the thread would spin.
                stop.wait(self.config.poll_interval)

    def _serve(self, clf: Any, tag: Any, stop: threading.Event) -> None:
        """Read the tag, tell the till, wait until it leaves, tell the till."""
        uid = _tag_uid(tag)
        try:
            event = self._read(clf, tag, uid, stop)
        except _Stopping:
            return  # the reader is being stopped in the middle of a read: nothing to report
        except CardGone as err:
            self.emit(ReadError(self.uri, err.code, err.message, uid))
            return
        except DeviceError as err:
            self.emit(ReadError(self.uri, err.code, err.message, uid))
        except OSError:
            raise  # the device failed, not the card: run() reports it and the device is reopened
        except Exception as err:  # whatever else nfcpy raises on a card that misbehaves
            log.debug("reading %s on %s", uid, self.uri, exc_info=True)
            if not _tag_present(clf, tag):
                self.emit(ReadError(self.uri, "card_removed", "the card was taken away during the read", uid))
                return
            self.emit(ReadError(self.uri, "io", f"the card could not be read: {err}", uid))
        else:
            self.emit(event)
            _nfcpy_beep(clf, True)
        # Wait for the card to leave even after an error: reading it again would only repeat the error.
        try:
            while not stop.wait(PRESENCE_INTERVAL) and _tag_present(clf, tag):
                pass
        finally:
            _nfcpy_beep(clf, False)
            self.emit(CardRemoved(self.uri, uid))

    def _read(self, clf: Any, tag: Any, uid: str | None, stop: threading.Event) -> CardPresented:
        tech = _tag_tech(tag)
        budget = _ReadBudget(clf, stop, self.read_budget)
        records: tuple[NdefRecord, ...] = ()
        if _tag_sak(tag) not in _CLASSIC_SAKS:  # a MIFARE Classic gives its UID only
            with budget:
                octets = _tag_ndef_octets(tag)
            self._check_budget(budget, stop)
            if octets is None and not _tag_present(clf, tag):
                raise CardGone("the card was taken away before it could be read; tap it again")
            if octets:
                records = parse_ndef_message(octets)  # BadCardData -> 'bad_data'
        if (
            tech.tag_type == "Type4"
            and tech.product is None
            and uid
            and uid.startswith("04")
            and len(uid) == 14
        ):
            # Only NXP tags (7-byte UIDs starting 04) are asked: a phone may take seconds to refuse.
            with budget:
                product = _tag_nxp_type4_product(tag)
            self._check_budget(budget, stop)
            if product is not None:
                tech = CardTech(tag_type=tech.tag_type, product=product)
        return card_presented(self.uri, uid, tech, records, self.config)

    def _check_budget(self, budget: _ReadBudget, stop: threading.Event) -> None:
        if stop.is_set():
            raise _Stopping
        if budget.exhausted:
            raise BadCardData(
                f"the card kept the reader busy for more than {self.read_budget:g} s "
                "without finishing its data"
            )


# -- discovery and registration ----------------------------------------------------------------------------
def discover() -> list[str]:
    """nfcpy USB devices plugged in now, as reader URIs; [] when there are none or libusb is missing."""
    try:
        from nfc.clf import device, transport

        found = transport.USB.find("usb") or []
        supported: dict[tuple[int, int], str] = device.usb_device_map
        return [
            f"nfc:usb:{int(bus):03d}:{int(dev):03d}"
            for vid, pid, bus, dev in found
            if (int(vid), int(pid)) in supported
        ]
    except Exception as err:  # no libusb, no USB bus (containers), permission problems
        log.debug("nfcpy USB discovery: %s", err)
        return []


def _factory(uri: str, config: ReaderConfig) -> NfcReader:
    return NfcReader(uri, config)


register(
    "nfc",
    _factory,
    discover=discover,
    description="nfcpy USB readers (Sony RC-S380, ACR122U without pcscd) and nfcpy's UDP transport",
)
