"""PC/SC readers through pyscard: ACR122U, ACR1252U, HID Omnikey, Identiv and any reader pcsc-lite drives.

    pcsc                every PC/SC reader, following readers as they are plugged in and out
    pcsc:<reader name>  one reader: its exact name, or the first reader whose name starts with it

One thread per ``PcscReader`` waits in ``SCardGetStatusChange`` on the readers and on the
``\\\\?PnP?\\Notification`` pseudo-reader (hot-plug), at most ``WAIT_MS`` at a time so that ``stop()`` is
prompt even if ``SCardCancel`` is lost. When a card arrives it is read at once (UID, then the NDEF message of a
Type 2 or Type 4 tag, then a SUN check) and reported as one ``CardPresented``.

Failures become ``ReadError`` events and the reader carries on by itself: a card pulled mid-read
(``card_removed``), pcscd stopped or restarted (``no_service``, then a new context every second until the
service is back), a reader unplugged (``ReaderLost``, ``ReaderAdded`` when it returns), damaged card data
(``bad_data``).
"""

from __future__ import annotations

import logging
import threading
from contextlib import suppress
from dataclasses import dataclass, field

from smartcard import scard as _scard  # type: ignore[import-untyped]

from devices import apdu, ndef, type2, type4
from devices.base import ReaderConfig, ThreadedReader
from devices.errors import BadCardData, CardGone, DeviceError, NotSupported, ServiceUnavailable
from devices.events import (
    CardPresented,
    CardRemoved,
    CardTech,
    ReaderAdded,
    ReaderLost,
    ReadError,
)
from devices.identity import card_presented
from devices.registry import register

log = logging.getLogger(__name__)

SCHEME = "pcsc"
PNP_READER = "\\\\?PnP?\\Notification"
WAIT_MS = 400  # longest single wait in SCardGetStatusChange: the bound on how late a stop can be noticed
SERVICE_RETRY = 1.0  # seconds between attempts to reach a stopped pcscd
LEFT_WAIT_MS = 600  # after a failed exchange, how long to wait for the reader to confirm the card has left
LEFT_STEP_MS = 100
CARD_GONE_MESSAGE = "the card was taken away before it was read; tap it again"


# --- a typed view of pyscard's low-level API ------------------------------------------------------------
# pyscard has no type information; these wrappers are the only place its results are taken apart, and they
# turn failures into PcscError carrying the PC/SC return code.


def _code(name: str) -> int:
    """A PC/SC return code or flag as an unsigned 32-bit number (pyscard hands codes back unsigned)."""
    return int(getattr(_scard, name)) & 0xFFFFFFFF


S_SUCCESS = _code("SCARD_S_SUCCESS")
E_TIMEOUT = _code("SCARD_E_TIMEOUT")
E_CANCELLED = _code("SCARD_E_CANCELLED")
E_NO_SERVICE = _code("SCARD_E_NO_SERVICE")
E_SERVICE_STOPPED = _code("SCARD_E_SERVICE_STOPPED")
E_INVALID_HANDLE = _code("SCARD_E_INVALID_HANDLE")
F_COMM_ERROR = _code("SCARD_F_COMM_ERROR")
E_NO_READERS = _code("SCARD_E_NO_READERS_AVAILABLE")
E_UNKNOWN_READER = _code("SCARD_E_UNKNOWN_READER")
E_READER_UNAVAILABLE = _code("SCARD_E_READER_UNAVAILABLE")
W_REMOVED_CARD = _code("SCARD_W_REMOVED_CARD")
W_RESET_CARD = _code("SCARD_W_RESET_CARD")
E_NO_SMARTCARD = _code("SCARD_E_NO_SMARTCARD")
E_NOT_TRANSACTED = _code("SCARD_E_NOT_TRANSACTED")
W_UNRESPONSIVE_CARD = _code("SCARD_W_UNRESPONSIVE_CARD")
W_UNPOWERED_CARD = _code("SCARD_W_UNPOWERED_CARD")
E_COMM_DATA_LOST = _code("SCARD_E_COMM_DATA_LOST")
E_SHARING_VIOLATION = _code("SCARD_E_SHARING_VIOLATION")

STATE_UNAWARE = _code("SCARD_STATE_UNAWARE")
STATE_CHANGED = _code("SCARD_STATE_CHANGED")
STATE_UNKNOWN = _code("SCARD_STATE_UNKNOWN")
STATE_UNAVAILABLE = _code("SCARD_STATE_UNAVAILABLE")
STATE_PRESENT = _code("SCARD_STATE_PRESENT")
STATE_MUTE = _code("SCARD_STATE_MUTE")
STATE_IGNORE = _code("SCARD_STATE_IGNORE")

_SERVICE_GONE = frozenset({E_NO_SERVICE, E_SERVICE_STOPPED, F_COMM_ERROR, E_INVALID_HANDLE})
_CARD_GONE = frozenset({W_REMOVED_CARD, E_NO_SMARTCARD, W_UNPOWERED_CARD, W_RESET_CARD})
# Codes that mean "the exchange failed": the card may have left, or the reader may have had a hiccup.
_CARD_MAYBE_GONE = frozenset({E_NOT_TRANSACTED, E_COMM_DATA_LOST, W_UNRESPONSIVE_CARD})
_READER_GONE = frozenset({E_READER_UNAVAILABLE, E_UNKNOWN_READER, E_NO_READERS})


class PcscError(Exception):
    def __init__(self, what: str, hresult: int) -> None:
        self.code = int(hresult) & 0xFFFFFFFF
        try:
            text = str(_scard.SCardGetErrorMessage(self.code))
        except Exception:
            text = "unknown error"
        super().__init__(f"{what}: {text} (0x{self.code:08X})")
        self.what = what
        self.text = text


class _ServiceLost(Exception):
    """pcscd went away under an open context: drop the context and reconnect."""


class _Stopping(Exception):
    """The reader is being stopped: abandon the read between two APDUs."""


def _ok(what: str, hresult: int) -> None:
    if int(hresult) & 0xFFFFFFFF != S_SUCCESS:
        raise PcscError(what, hresult)


def establish_context() -> int:
    hresult, context = _scard.SCardEstablishContext(_scard.SCARD_SCOPE_USER)
    _ok("connecting to the PC/SC service", hresult)
    return int(context)


def release_context(context: int) -> None:
    with suppress(Exception):
        _scard.SCardReleaseContext(context)


def cancel(context: int) -> None:
    with suppress(Exception):
        _scard.SCardCancel(context)


def list_readers(context: int) -> list[str]:
    hresult, readers = _scard.SCardListReaders(context, [])
    code = int(hresult) & 0xFFFFFFFF
    if code == E_NO_READERS:
        return []
    _ok("listing readers", hresult)
    return [str(name) for name in readers]


def get_status_change(
    context: int, timeout_ms: int, states: list[tuple[str, int]]
) -> tuple[int, list[tuple[str, int, bytes]]]:
    """(PC/SC code, [(reader, event state, ATR)]) — the code is returned, not raised: timeouts are normal."""
    hresult, changes = _scard.SCardGetStatusChange(context, timeout_ms, states)
    code = int(hresult) & 0xFFFFFFFF
    if code != S_SUCCESS:
        return code, []
    return code, [(str(name), int(event) & 0xFFFFFFFF, bytes(atr)) for name, event, atr in changes]


# --- reading one card -----------------------------------------------------------------------------------


class CardChannel:
    """A connection to the card on one reader, for one read. Every failure is a ``DeviceError`` with the
    right code (or ``_ServiceLost``)."""

    def __init__(self, context: int, reader: str, state: int, stop: threading.Event | None = None) -> None:
        self.context = context
        self.reader = reader
        self.connected_state = state  # the reader's state when the card was seen: its event count
        self.stop = stop
        hresult, handle, protocol = _scard.SCardConnect(
            context,
            reader,
            _scard.SCARD_SHARE_SHARED,
            _scard.SCARD_PROTOCOL_T0 | _scard.SCARD_PROTOCOL_T1,
        )
        code = int(hresult) & 0xFFFFFFFF
        if code != S_SUCCESS:
            raise _device_error(PcscError("connecting to the card", hresult))
        self.handle = int(handle)
        self.protocol = int(protocol)
        self.in_transaction = False
        # A transaction keeps other programs (and other readers' threads) from interleaving their APDUs with
        # a multi-command read; the connection itself stays shared.
        if int(_scard.SCardBeginTransaction(self.handle)) & 0xFFFFFFFF == S_SUCCESS:
            self.in_transaction = True

    def close(self) -> None:
        if self.in_transaction:
            with suppress(Exception):
                _scard.SCardEndTransaction(self.handle, _scard.SCARD_LEAVE_CARD)
        with suppress(Exception):
            _scard.SCardDisconnect(self.handle, _scard.SCARD_LEAVE_CARD)

    def atr(self) -> bytes:
        hresult, _reader, _state, _protocol, atr = _scard.SCardStatus(self.handle)
        if int(hresult) & 0xFFFFFFFF != S_SUCCESS:
            raise self._failure(PcscError("reading the card's ATR", hresult))
        return bytes(atr)

    def _card_left(self) -> bool:
        """Whether the card has left the reader since the connect, after an exchange failed.

        A reader notices a card leaving by polling (pcscd asks most drivers every 0.4 s), so right after a
        failed exchange the service may still say "present": wait up to ``LEFT_WAIT_MS`` for it to change its
        mind. A card that is still there after that had an I/O error, not a removal."""
        try:
            if int(_scard.SCardStatus(self.handle)[0]) & 0xFFFFFFFF != S_SUCCESS:
                return True  # SCARD_W_REMOVED_CARD and friends: gone since the connect
            code, changes = get_status_change(self.context, 0, [(self.reader, STATE_UNAWARE)])
            if code != S_SUCCESS or not changes:
                return False
            state = changes[0][1] & ~STATE_CHANGED
            waited = 0
            while True:
                if not state & STATE_PRESENT or (state >> 16) != (self.connected_state >> 16):
                    return True
                if waited >= LEFT_WAIT_MS:
                    return False
                code, changes = get_status_change(self.context, LEFT_STEP_MS, [(self.reader, state)])
                waited += LEFT_STEP_MS
                if code == S_SUCCESS and changes:
                    state = changes[0][1] & ~STATE_CHANGED
                elif code != E_TIMEOUT:
                    return False
        except Exception:
            log.debug("checking whether the card left failed", exc_info=True)
        return False

    def _failure(self, err: PcscError) -> Exception:
        if err.code in _CARD_MAYBE_GONE and self._card_left():
            return CardGone(CARD_GONE_MESSAGE)
        return _device_error(err)

    def exchange(self, command: bytes) -> bytes:
        """Send one APDU; the whole response (data and status word). T=0 style 61xx/6Cxx are followed up."""
        response = self._transmit(command)
        if len(response) == 2 and response[0] == 0x6C and len(command) == 5:
            response = self._transmit(command[:4] + response[1:2])  # wrong Le: ask again with the exact one
        data = b""
        while len(response) >= 2 and response[-2] == 0x61:  # more data waiting: GET RESPONSE
            data += response[:-2]
            response = self._transmit(bytes((0x00, 0xC0, 0x00, 0x00, response[-1])))
        return data + response

    def _transmit(self, command: bytes) -> bytes:
        # A read is a handful of APDUs of a few ms each, but a slow card can make it seconds: a stop is
        # honoured between any two of them.
        if self.stop is not None and self.stop.is_set():
            raise _Stopping
        hresult, response = _scard.SCardTransmit(self.handle, self.protocol, list(command))
        if int(hresult) & 0xFFFFFFFF != S_SUCCESS:
            raise self._failure(PcscError("talking to the card", hresult))
        answer = bytes(response)
        if len(answer) < 2:
            # Every answer ends with a status word; an empty one is the link breaking (vpcd reports a card
            # that vanished mid-command this way, some readers too).
            if self._card_left():
                raise CardGone(CARD_GONE_MESSAGE)
            raise DeviceError("the card's answer was cut short; tap it again", code="io")
        return answer

    def data(self, command: bytes, context: str) -> bytes:
        """The data of a command that must succeed (``apdu.check_sw`` errors otherwise)."""
        return apdu.check_response(self.exchange(command), context)


def _device_error(err: PcscError) -> Exception:
    if err.code in _SERVICE_GONE:
        return _ServiceLost(str(err))
    if err.code in _CARD_GONE:
        return CardGone(CARD_GONE_MESSAGE)
    if err.code in _READER_GONE:
        return DeviceError("the reader was unplugged", code="reader_unplugged")
    if err.code == E_SHARING_VIOLATION:
        return DeviceError("another program is using the reader", code="io")
    if err.code == W_UNRESPONSIVE_CARD:
        return DeviceError("the card does not answer; try tapping it again", code="io")
    return DeviceError(f"the reader reported an error: {err.text} (0x{err.code:08X})", code="io")


# PC/SC part 3: ATR of a contactless *storage* card, 3B 8F 80 01 80 4F 0C A0 00 00 03 06 SS NN NN 00 00 00 00.
_STORAGE_ATR = bytes.fromhex("3B8F8001804F0CA000000306")
_SS_ISO14443A_3 = 0x03
_SS_FELICA = 0x11
_STORAGE_NAMES = {
    0x0001: ("ISO14443-3", "Mifare Classic 1K"),
    0x0002: ("ISO14443-3", "Mifare Classic 4K"),
    0x0003: ("Type2", "Mifare Ultralight"),  # the NTAG21x family answers as Ultralight too
    0x0026: ("ISO14443-3", "Mifare Mini"),
    0x003A: ("Type2", "Mifare Ultralight C"),
    0x003B: ("Type3", "FeliCa"),
}


def classify_atr(atr: bytes) -> tuple[str, str | None]:
    """(tag type, product) as far as the ATR tells. A storage-card ATR names the card; any other ATR from a
    contactless reader is an ISO 14443-4 card (which may turn out to be a Type 4 tag)."""
    if atr.startswith(_STORAGE_ATR) and len(atr) >= len(_STORAGE_ATR) + 3:
        standard = atr[len(_STORAGE_ATR)]
        name = int.from_bytes(atr[len(_STORAGE_ATR) + 1 : len(_STORAGE_ATR) + 3], "big")
        known = _STORAGE_NAMES.get(name)
        if known is not None and (standard == _SS_ISO14443A_3 or known[0] == "Type3"):
            return known
        if standard == _SS_FELICA:
            return "Type3", "FeliCa"
        return "ISO14443-3", None
    return "ISO14443-4", None


def read_uid(channel: CardChannel) -> str | None:
    """The UID through the reader's GET DATA; None when the reader or card has none to give (contact cards)."""
    data, sw = apdu.split_response(channel.exchange(apdu.GET_UID))
    try:
        apdu.check_sw(sw, "reading the card's UID")
    except NotSupported:
        return None
    if not data:
        return None
    return data.hex().upper()


def read_type2_ndef(channel: CardChannel) -> tuple[bytes | None, str | None]:
    """(NDEF message or None when the tag holds none, product guess). Reads the CC page, then the data area in
    16-byte READs only as far as the NDEF TLV goes."""
    first = channel.data(
        apdu.read_pages(type2.CC_PAGE, type2.READ_SIZE), "reading the tag's capability container"
    )
    try:
        cc = type2.parse_cc(first[: type2.PAGE_SIZE])
    except NotSupported:
        return None, None  # not NDEF formatted: the UID is all there is
    product = type2.product_from_cc(cc)
    limit = cc.data_area_size
    area = first[type2.PAGE_SIZE :][:limit]
    needed = type2.ndef_bytes_needed(area)
    while needed is not None and needed > len(area) and len(area) < limit:
        page = type2.DATA_AREA_PAGE + len(area) // type2.PAGE_SIZE
        chunk = channel.data(apdu.read_pages(page, type2.READ_SIZE), "reading the tag's data")
        if not chunk:
            raise BadCardData("the tag returned no data for a page read")
        area = (area + chunk)[:limit]
        needed = type2.ndef_bytes_needed(area)
    if needed is None:
        return None, product
    try:
        return type2.find_ndef_tlv(area), product
    except NotSupported:
        return None, product


def read_type4_ndef(channel: CardChannel) -> bytes | None:
    """The NDEF message of a Type 4 tag, or None when the card has no NDEF application."""
    _, sw = apdu.split_response(channel.exchange(type4.SELECT_NDEF_APP))
    try:
        type4.check_select_ndef(sw)
    except NotSupported:
        return None
    channel.data(type4.SELECT_CC_FILE, "selecting the capability container")
    try:
        cc_bytes = channel.data(apdu.read_binary(0, type4.CC_MIN_LENGTH), "reading the capability container")
    except apdu.WrongLe as wrong:
        cc_bytes = channel.data(apdu.read_binary(0, wrong.exact), "reading the capability container")
    cclen = int.from_bytes(cc_bytes[:2], "big") if len(cc_bytes) >= 2 else 0
    if len(cc_bytes) < cclen <= 0xFF:  # mapping 3.0 CCs are longer than the 15 bytes asked for
        cc_bytes = channel.data(apdu.read_binary(0, cclen), "reading the capability container")
    cc = type4.parse_cc_file(cc_bytes)
    channel.data(apdu.select_file(cc.file_id), "selecting the NDEF file")
    nlen = type4.parse_nlen(
        channel.data(apdu.read_binary(0, type4.NLEN_SIZE), "reading the NDEF length"), cc.max_size
    )
    message = b""
    for offset, length in type4.read_plan(nlen, cc.mle):
        chunk = channel.data(apdu.read_binary(offset, length), "reading the NDEF message")
        if len(chunk) != length:
            raise BadCardData(
                f"the card returned {len(chunk)} bytes of its NDEF message where {length} were asked for"
            )
        message += chunk
    return message


@dataclass
class CardRead:
    """What is known about the card being read, kept up to date so an error can still name the UID."""

    uid: str | None = None


def read_card(
    context: int,
    reader: str,
    state: int,
    config: ReaderConfig,
    reader_uri: str,
    progress: CardRead,
    stop: threading.Event | None = None,
) -> CardPresented:
    """Read the card on ``reader`` (whose state, as last reported, is ``state``) into one CardPresented."""
    channel = CardChannel(context, reader, state, stop)
    try:
        atr = channel.atr()
        uid = read_uid(channel)
        progress.uid = uid
        tag_type, product = classify_atr(atr)
        ats: str | None = None
        message: bytes | None = None
        if tag_type == "Type2":
            message, cc_product = read_type2_ndef(channel)
            product = cc_product or product
        elif tag_type == "ISO14443-4":
            ats_data, ats_sw = apdu.split_response(channel.exchange(apdu.get_ats()))
            if ats_sw == apdu.SW_OK and ats_data:
                ats = ats_data.hex().upper()
            message = read_type4_ndef(channel)
            if message is not None:
                tag_type = "Type4"
    finally:
        channel.close()
    records = ndef.parse_ndef_message(message) if message else ()
    tech = CardTech(atr=atr.hex().upper(), ats=ats, tag_type=tag_type, product=product)
    return card_presented(reader_uri, uid, tech, records, config)


# --- the reader thread ----------------------------------------------------------------------------------


@dataclass
class _Slot:
    """One reader being watched."""

    name: str
    state: int = STATE_UNAWARE
    card_seen: bool = False  # a card was reported (read or failed) and has not been reported removed
    uid: str | None = None

    @property
    def uri(self) -> str:
        return f"{SCHEME}:{self.name}"


def select_readers(names: list[str], wanted: str | None) -> list[str]:
    """The readers a URI follows: all of them, or one by exact name, else by name prefix."""
    if wanted is None:
        return list(names)
    if wanted in names:
        return [wanted]
    return [name for name in names if name.startswith(wanted)][:1]


@dataclass
class _Session:
    """State of one PC/SC context: the watched readers and the hot-plug pseudo-reader's state."""

    context: int
    slots: dict[str, _Slot] = field(default_factory=dict)
    pnp_state: int = STATE_UNAWARE
    pnp: bool = True  # the service reports reader arrivals/departures through PNP_READER


class PcscReader(ThreadedReader):
    def __init__(self, uri: str, config: ReaderConfig) -> None:
        super().__init__(uri, config)
        _, _, name = uri.partition(":")
        self.wanted: str | None = name or None
        self._context: int | None = None
        self._context_lock = threading.Lock()
        self._service_down_reported = False
        self._listed_once = False

    # The thread's loop: reach the service, watch until it goes away, start again.
    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                context = establish_context()
            except PcscError as err:
                self._service_down(f"cannot reach the PC/SC service (pcscd): {err.text}")
                stop.wait(SERVICE_RETRY)
                continue
            with self._context_lock:
                self._context = context
            session = _Session(context)
            try:
                self._watch(session, stop)
            except _Stopping:
                return
            except _ServiceLost as err:
                log.info("%s: PC/SC service lost: %s", self.uri, err)
                self._drop_all(session, "the PC/SC service stopped")
                self._service_down("the PC/SC service (pcscd) stopped; reconnecting")
                stop.wait(0.2)  # a restarting pcscd needs a moment; the next attempts are SERVICE_RETRY apart
            except Exception as err:
                # A surprise from the PC/SC stack (or a bug): say so, forget the readers and start afresh with
                # a new context, so that the readers are announced again rather than silently kept.
                log.exception("%s: reader loop failed", self.uri)
                self._drop_all(session, "reader error")
                self.emit(ReadError(self.uri, "io", f"reader error: {err}"))
                stop.wait(self.restart_delay)
            finally:
                with self._context_lock:
                    self._context = None
                release_context(context)

    def interrupt(self) -> None:
        with self._context_lock:
            context = self._context
        if context is not None:
            cancel(context)

    def _service_down(self, message: str) -> None:
        if not self._service_down_reported:
            self._service_down_reported = True
            self.emit(ReadError(self.uri, ServiceUnavailable.code, message))

    def _watch(self, session: _Session, stop: threading.Event) -> None:
        self._refresh(session)
        while not stop.is_set():
            states = [(PNP_READER, session.pnp_state)] if session.pnp else []
            states += [(slot.name, slot.state) for slot in session.slots.values()]
            if not states:  # nothing to wait on (no hot-plug support and no reader): poll the list
                stop.wait(WAIT_MS / 1000)
                self._refresh(session)
                continue
            code, changes = get_status_change(session.context, WAIT_MS, states)
            if code in (E_TIMEOUT, E_CANCELLED):
                if not session.pnp:
                    self._refresh(session)  # no hot-plug notifications: poll the reader list instead
                continue
            if code in _SERVICE_GONE:
                raise _ServiceLost(str(PcscError("waiting for cards", code)))
            if code == E_UNKNOWN_READER:
                # A reader left between listing and waiting, or the service has no PnP pseudo-reader.
                if not self._refresh(session) and session.pnp:
                    session.pnp = False
                continue
            if code != S_SUCCESS:
                # Anything else (pcscd shutting down answers "access denied" while it removes its readers)
                # is settled by looking at the reader list again: a vanished service or reader shows there.
                log.info("%s: waiting for cards: %s", self.uri, PcscError("status change", code))
                stop.wait(0.1)
                self._refresh(session)
                continue
            self._service_down_reported = False
            relist = False
            for name, event, _atr in changes:
                if name == PNP_READER:
                    relist = relist or bool(event & STATE_CHANGED)
                    session.pnp_state = event & ~STATE_CHANGED
                    continue
                slot = session.slots.get(name)
                if slot is None:
                    continue
                if event & (STATE_UNKNOWN | STATE_IGNORE):
                    relist = True  # the reader is gone
                    slot.state = event & ~STATE_CHANGED
                    continue
                if event & STATE_CHANGED:
                    self._on_change(session, slot, event)
                slot.state = event & ~STATE_CHANGED
                if stop.is_set():
                    return
            if relist:
                self._refresh(session)

    def _refresh(self, session: _Session) -> bool:
        """Re-list the readers: ReaderAdded / ReaderLost for the differences. True when the list changed."""
        try:
            names = select_readers(list_readers(session.context), self.wanted)
        except PcscError as err:
            # Listing readers only fails when the context or the service is broken: start afresh.
            raise _ServiceLost(str(err)) from None
        changed = False
        for name in list(session.slots):
            if name not in names:
                self._lose(session.slots.pop(name), "the reader was unplugged")
                changed = True
        for name in names:
            if name not in session.slots:
                slot = _Slot(name)
                session.slots[name] = slot
                self.emit(ReaderAdded(slot.uri, name))
                changed = True
        # No reader at the very first look is worth saying (a till started with its reader unplugged, or a
        # misspelt name); later, ReaderLost has already said it.
        if not session.slots and not self._listed_once:
            what = f"the reader {self.wanted!r} is" if self.wanted else "no PC/SC reader is"
            self.emit(ReadError(self.uri, "no_device", f"{what} connected; waiting for one to be plugged in"))
        self._listed_once = True
        return changed

    def _lose(self, slot: _Slot, reason: str) -> None:
        if slot.card_seen:
            self.emit(CardRemoved(slot.uri, slot.uid))
        self.emit(ReaderLost(slot.uri, slot.name, reason))

    def _drop_all(self, session: _Session, reason: str) -> None:
        for slot in session.slots.values():
            self._lose(slot, reason)
        session.slots.clear()

    def _on_change(self, session: _Session, slot: _Slot, event: int) -> None:
        present = bool(event & STATE_PRESENT)
        was_present = bool(slot.state & STATE_PRESENT)
        # pcsc-lite counts card events in the upper 16 bits of the state: a new count with a card present
        # before and after means the card was swapped between two waits. Other changes (the reader marking
        # the card in use while we read it) leave the count alone.
        swapped = present and was_present and (event >> 16) != (slot.state >> 16)
        if slot.card_seen and (not present or swapped):
            slot.card_seen = False
            self.emit(CardRemoved(slot.uri, slot.uid))
            slot.uid = None
        if not present or (was_present and not swapped):
            return
        slot.card_seen = True
        if event & STATE_MUTE:
            self.emit(ReadError(slot.uri, "io", "the card does not answer; try tapping it again"))
            return
        self._read(session, slot, event)

    def _read(self, session: _Session, slot: _Slot, state: int) -> None:
        progress = CardRead()
        try:
            presented = read_card(
                session.context, slot.name, state, self.config, slot.uri, progress, self._stop
            )
        except (_ServiceLost, _Stopping):
            raise
        except CardGone as err:
            slot.card_seen = False  # it already left: no CardRemoved to follow
            self.emit(ReadError(slot.uri, err.code, err.message, uid=progress.uid))
            return
        except DeviceError as err:
            if err.code == "reader_unplugged":
                slot.card_seen = False
            self.emit(ReadError(slot.uri, err.code, err.message, uid=progress.uid))
            return
        except (ValueError, IndexError, UnicodeError) as err:  # a parser surprised by what the card holds
            self.emit(
                ReadError(slot.uri, BadCardData.code, f"the card's data is damaged: {err}", uid=progress.uid)
            )
            return
        slot.uid = presented.uid
        self.emit(presented)


# --- registration ---------------------------------------------------------------------------------------


def discover() -> list[str]:
    """``pcsc:<name>`` for every reader connected now; [] when there is no PC/SC service (never raises)."""
    try:
        context = establish_context()
    except Exception:
        return []
    try:
        return [f"{SCHEME}:{name}" for name in list_readers(context)]
    except Exception:
        return []
    finally:
        release_context(context)


def open_pcsc(uri: str, config: ReaderConfig) -> PcscReader:
    return PcscReader(uri, config)


register(
    SCHEME,
    open_pcsc,
    discover=discover,
    description="PC/SC readers (pcscd): 'pcsc' follows every reader, 'pcsc:<name>' one reader",
)
