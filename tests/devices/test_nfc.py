"""devices.nfc end to end: nfcpy's real stack (ContactlessFrontend, its tag classes, its UDP driver) reading
the simulated tags of devices/testbed/nfc over UDP on 127.0.0.1 — no root, no hardware."""

from __future__ import annotations

import errno
import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import nfc.clf.udp  # type: ignore[import-untyped]
import pytest

from devices.base import ReaderConfig, SunKeys
from devices.errors import NotSupported
from devices.events import CardPresented, CardRemoved, ReaderAdded, ReaderEvent, ReaderLost, ReadError
from devices.ndef import encode_ndef_message, member_uri
from devices.nfc import NfcReader, discover, nfcpy_path, product_from_version
from devices.registry import available, open_reader
from devices.testbed.nfc import (
    Disappearing,
    FelicaLiteS,
    MifareClassic,
    Ntag213,
    StallingType4Tag,
    Type4Tag,
    UdpField,
    ntag213_memory,
    sun_url,
)
from devices.testbed.nfc.type4 import SunNdef
from loyalty.identity import uid_token

ROOT = Path(__file__).resolve().parents[2]
KEY = bytes(range(32))
NUMBER = "0010100000081"  # Luhn-valid member number
MEMBER_MESSAGE = encode_ndef_message([("uri", member_uri(NUMBER))])
SUN_KEYS = SunKeys(bytes(range(16)), bytes(range(0xF0, 0x100)))
NTAG_UID = bytes.fromhex("04A1B2C3D4E580")
T4_UID = bytes.fromhex("04DE5F1EACC040")
# Waiting for an event: generous, for a loaded machine; a passing test waits far less.
EVENT_TIMEOUT = 15.0
STOP_BUDGET = 2.0

E = TypeVar("E", bound=ReaderEvent)


class Events:
    """A started reader and the events it emits, taken one at a time in order."""

    def __init__(self, reader: NfcReader, field: UdpField | None = None) -> None:
        self.reader = reader
        self.field = field
        self.queue: queue.Queue[ReaderEvent] = queue.Queue()
        self.seen: list[ReaderEvent] = []

    def __enter__(self) -> Events:
        self.reader.start(self.queue.put)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.reader.stop()

    def expect(self, kind: type[E], timeout: float = EVENT_TIMEOUT) -> E:
        """The next event, which must be a ``kind``."""
        try:
            event = self.queue.get(timeout=timeout)
        except queue.Empty:
            story = self._story(f"no event within {timeout} s, expected {kind.__name__}")
            raise AssertionError(story) from None
        self.seen.append(event)
        assert isinstance(event, kind), self._story(f"expected {kind.__name__}, got {event}")
        return event

    def pending(self) -> list[ReaderEvent]:
        found: list[ReaderEvent] = []
        while not self.queue.empty():
            found.append(self.queue.get_nowait())
        return found

    def _story(self, what: str) -> str:
        trace = "" if self.field is None else "\nlast frames: " + repr(list(self.field.trace)[-20:])
        return f"{what}\nevents so far: {self.seen}{trace}"


def nfc_reader(uri: str, **config: object) -> NfcReader:
    return NfcReader(uri, ReaderConfig(uid_key=KEY, **config))  # type: ignore[arg-type]


def is_member_number(card: CardPresented) -> bool:
    ref = card.member_ref
    return ref is not None and (ref.kind, ref.value) == ("number", NUMBER)


def wait_until(condition: Callable[[], bool], timeout: float = EVENT_TIMEOUT) -> None:
    """For conditions inside a simulator that no event announces (polls every 10 ms)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def timed_stop(reader: NfcReader) -> float:
    started = time.monotonic()
    reader.stop(timeout=5.0)
    elapsed = time.monotonic() - started
    assert not reader.running
    return elapsed


@pytest.fixture
def field() -> Iterator[UdpField]:
    with UdpField() as running:
        yield running


# -- reading each tag type ---------------------------------------------------------------------------------
def test_type2_ntag213_with_member_uri(field: UdpField) -> None:
    with Events(nfc_reader(field.uri), field) as events:
        added = events.expect(ReaderAdded)
        assert added.reader == field.uri and "udp" in added.name
        field.place(Ntag213(NTAG_UID, ndef=MEMBER_MESSAGE))
        card = events.expect(CardPresented)
        assert card.uid == NTAG_UID.hex().upper()
        assert (card.tech.tag_type, card.tech.product) == ("Type2", "NTAG213")
        assert [r.uri for r in card.ndef] == [member_uri(NUMBER)]
        assert is_member_number(card)
        assert card.sun is None
        field.remove()
        assert events.expect(CardRemoved).uid == card.uid


def test_tag_without_member_data_is_known_by_its_uid_hash(field: UdpField) -> None:
    with Events(nfc_reader(field.uri), field) as events:
        events.expect(ReaderAdded)
        field.place(Ntag213(NTAG_UID))  # an empty NDEF message
        card = events.expect(CardPresented)
        assert card.ndef == ()
        assert card.member_ref is not None and card.member_ref.kind == "uid"
        assert card.member_ref.value == uid_token(KEY, NTAG_UID)
        field.remove()
        events.expect(CardRemoved)


def test_type4_tag_with_member_mime_record(field: UdpField) -> None:
    message = encode_ndef_message([("mime:application/vnd.loyalty-till.member", NUMBER)])
    with Events(nfc_reader(field.uri), field) as events:
        events.expect(ReaderAdded)
        field.place(Type4Tag(T4_UID, ndef=message))
        card = events.expect(CardPresented)
        assert card.uid == T4_UID.hex().upper()
        assert (card.tech.tag_type, card.tech.product) == ("Type4", "NTAG424DNA")
        assert card.ndef[0].mime == "application/vnd.loyalty-till.member"
        assert is_member_number(card)
        field.remove()
        assert events.expect(CardRemoved).uid == card.uid


def test_type4_tag_of_another_make_has_no_product_name(field: UdpField) -> None:
    tag = Type4Tag(bytes.fromhex("02112233445566"), ndef=MEMBER_MESSAGE, version=None)
    with Events(nfc_reader(field.uri), field) as events:
        events.expect(ReaderAdded)
        field.place(tag)
        card = events.expect(CardPresented)
        assert (card.tech.tag_type, card.tech.product) == ("Type4", None)
        assert not any(apdu[:2] == b"\x90\x60" for apdu in tag.apdus)  # only NXP tags are asked GetVersion


def test_type3_felica_lite_s_emulated_by_nfcpy() -> None:
    with FelicaLiteS(ndef=MEMBER_MESSAGE) as felica, Events(nfc_reader(felica.uri)) as events:
        events.expect(ReaderAdded)
        card = events.expect(CardPresented)
        assert card.uid == felica.idm.hex().upper()
        assert (card.tech.tag_type, card.tech.product) == ("Type3", "FeliCa Lite-S")
        assert [r.uri for r in card.ndef] == [member_uri(NUMBER)]
        assert is_member_number(card)
        felica.remove()
        assert events.expect(CardRemoved).uid == card.uid
        felica.place()  # the same card again: read again from the start
        again = events.expect(CardPresented)
        assert again.ndef == card.ndef
        assert timed_stop(events.reader) < STOP_BUDGET  # while the emulated card is on the reader


def test_mifare_classic_gives_its_uid_and_stays_presented(field: UdpField) -> None:
    tag = MifareClassic(bytes.fromhex("5A3C9E12"))
    with Events(nfc_reader(field.uri), field) as events:
        events.expect(ReaderAdded)
        field.place(tag)
        card = events.expect(CardPresented)
        assert (card.uid, card.tech.product) == ("5A3C9E12", "MIFARE Classic 1K")
        assert card.member_ref is not None and card.member_ref.value == uid_token(KEY, "5A3C9E12")
        # It refuses every READ, which must not be taken for the card leaving: let several presence
        # checks (each one a re-select) pass and see that nothing was reported meanwhile.
        commands, selections = tag.commands, tag.selections
        wait_until(lambda: tag.selections >= selections + 4)
        assert events.pending() == [] and tag.commands == commands  # re-selected, not asked to READ
        field.remove()
        events.expect(CardRemoved)


# -- SUN ---------------------------------------------------------------------------------------------------
def test_sun_valid_then_replayed_then_the_next_real_tap(field: UdpField) -> None:
    copied = encode_ndef_message([("uri", sun_url(member_uri(NUMBER), T4_UID, 7, SUN_KEYS))])
    with Events(nfc_reader(field.uri, sun_keys=SUN_KEYS), field) as events:
        events.expect(ReaderAdded)
        field.place(Type4Tag(T4_UID, ndef=copied))
        first = events.expect(CardPresented)
        assert first.sun is not None and (first.sun.status, first.sun.counter) == ("valid", 7)
        assert first.member_ref is not None and first.member_ref.kind == "sun"
        assert first.member_ref.value == uid_token(KEY, T4_UID)
        field.remove()
        events.expect(CardRemoved)

        field.place(Type4Tag(T4_UID, ndef=copied))  # the same URL again: a copy
        replay = events.expect(CardPresented)
        assert replay.sun is not None and replay.sun.status == "replayed"
        assert replay.member_ref is None  # refused, not identified by the member number in the URL
        field.remove()
        events.expect(CardRemoved)

        field.place(Type4Tag(T4_UID, ndef=SunNdef(member_uri(NUMBER), T4_UID, SUN_KEYS, counter=7)))
        real = events.expect(CardPresented)
        assert real.sun is not None and (real.sun.status, real.sun.counter) == ("valid", 8)


def test_sun_card_without_keys_is_refused(field: UdpField) -> None:
    message = encode_ndef_message([("uri", sun_url(member_uri(NUMBER), T4_UID, 3, SUN_KEYS))])
    with Events(nfc_reader(field.uri), field) as events:
        events.expect(ReaderAdded)
        field.place(Type4Tag(T4_UID, ndef=message))
        card = events.expect(CardPresented)
        assert card.sun is not None and card.sun.status == "no_keys" and card.member_ref is None


# -- faults ------------------------------------------------------------------------------------------------
def test_tag_lost_mid_read_then_the_next_tag_reads(field: UdpField) -> None:
    # nfcpy's Type 2 activation sends 1A 00 and 60, then READs page 0: the tag vanishes at the second READ.
    with Events(nfc_reader(field.uri), field) as events:
        events.expect(ReaderAdded)
        field.place(Disappearing(Ntag213(NTAG_UID, ndef=MEMBER_MESSAGE), after=3))
        error = events.expect(ReadError)
        assert (error.code, error.uid) == ("card_removed", NTAG_UID.hex().upper())
        other = bytes.fromhex("04112233445566")
        field.place(Ntag213(other, ndef=MEMBER_MESSAGE))
        card = events.expect(CardPresented)
        assert card.uid == other.hex().upper() and card.member_ref is not None


def test_type4_tag_lost_mid_read(field: UdpField) -> None:
    with Events(nfc_reader(field.uri), field) as events:
        events.expect(ReaderAdded)
        # It answers RATS, SELECT of the NDEF application and of the CC file, then vanishes.
        field.place(Disappearing(Type4Tag(T4_UID, ndef=MEMBER_MESSAGE), after=3))
        assert events.expect(ReadError).code == "card_removed"


def test_garbage_ndef_is_bad_data_and_read_once(field: UdpField) -> None:
    garbage = ntag213_memory(NTAG_UID, tlv_area=b"\x03\x08" + b"\xff" * 8 + b"\xfe")
    with Events(nfc_reader(field.uri), field) as events:
        events.expect(ReaderAdded)
        field.place(Ntag213(NTAG_UID, memory=garbage))
        error = events.expect(ReadError)
        assert (error.code, error.uid) == ("bad_data", NTAG_UID.hex().upper())
        field.remove()
        assert events.expect(CardRemoved).uid == error.uid  # one error for the tap, not one per poll


def test_a_tag_that_never_finishes_its_data_is_bad_data(field: UdpField) -> None:
    tag = StallingType4Tag(T4_UID, ndef=MEMBER_MESSAGE)
    with Events(NfcReader(field.uri, ReaderConfig(uid_key=KEY), read_budget=1.0), field) as events:
        events.expect(ReaderAdded)
        field.place(tag)
        error = events.expect(ReadError)
        assert (error.code, error.uid) == ("bad_data", T4_UID.hex().upper()) and "busy" in error.message
        field.remove()
        events.expect(CardRemoved)


# -- stopping ----------------------------------------------------------------------------------------------
def test_stop_while_idle_facing_silence() -> None:
    # Nothing answers: every discovery waits out nfcpy's 1 s UDP timeout, the slowest idle state there is.
    with UdpField(quick_empty=False) as silent:
        reader = nfc_reader(silent.uri)
        events = Events(reader, silent)
        with events:
            events.expect(ReaderAdded)
            wait_until(lambda: len(silent.trace) >= 1)  # it is polling
            assert timed_stop(reader) < STOP_BUDGET
        assert isinstance(events.expect(ReaderLost), ReaderLost)


def test_stop_while_a_tag_is_present(field: UdpField) -> None:
    reader = nfc_reader(field.uri)
    with Events(reader, field) as events:
        events.expect(ReaderAdded)
        field.place(Type4Tag(T4_UID, ndef=MEMBER_MESSAGE))
        events.expect(CardPresented)
        assert timed_stop(reader) < STOP_BUDGET
        events.expect(CardRemoved)
        assert events.expect(ReaderLost).reason == "stopped"


def test_a_device_that_fails_comes_back_by_itself(field: UdpField, monkeypatch: pytest.MonkeyPatch) -> None:
    # What nfcpy's USB transport does when a reader is unplugged: the next poll raises OSError(ENODEV).
    failures = {"left": 2}
    sense_tta = nfc.clf.udp.Device.sense_tta

    def unplugged_for_a_moment(device: object, target: object) -> object:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OSError(errno.ENODEV, "No such device")
        return sense_tta(device, target)

    monkeypatch.setattr(nfc.clf.udp.Device, "sense_tta", unplugged_for_a_moment)
    with Events(nfc_reader(field.uri), field) as events:
        name = events.expect(ReaderAdded).name
        lost = events.expect(ReaderLost)
        assert lost.name == name and "No such device" in lost.reason
        assert events.expect(ReadError).code == "reader_unplugged"
        assert events.expect(ReaderAdded).name == name  # reopened without anyone's help
        field.place(Ntag213(NTAG_UID, ndef=MEMBER_MESSAGE))
        assert is_member_number(events.expect(CardPresented))


def test_stop_in_the_middle_of_a_read(field: UdpField) -> None:
    tag = StallingType4Tag(T4_UID, ndef=MEMBER_MESSAGE)
    reader = NfcReader(field.uri, ReaderConfig(uid_key=KEY), read_budget=600.0)
    with Events(reader, field) as events:
        events.expect(ReaderAdded)
        field.place(tag)
        wait_until(lambda: len(tag.apdus) > 20)  # deep in the endless read
        assert timed_stop(reader) < STOP_BUDGET
        assert events.expect(ReaderLost).reason == "stopped"  # and no half-read card was reported


def test_missing_device_is_reported_once_and_stop_still_works() -> None:
    reader = nfc_reader("nfc:usb:999:999")  # no such USB bus
    with Events(reader) as events:
        error = events.expect(ReadError)
        assert error.code == "no_service" and "usb:999:999" in error.message
        assert timed_stop(reader) < STOP_BUDGET
        assert events.pending() == []


# -- names, registry, command line -------------------------------------------------------------------------
def test_uris_name_nfcpy_paths() -> None:
    assert nfcpy_path("nfc") == nfcpy_path("nfc:usb") == "usb"
    assert nfcpy_path("nfc:usb:001:005") == "usb:001:005"
    assert nfcpy_path("nfc:udp:127.0.0.1:54321") == "udp:127.0.0.1:54321"
    with pytest.raises(NotSupported):
        nfcpy_path("nfc:floppy:0")
    assert isinstance(open_reader("nfc:udp:127.0.0.1:9"), NfcReader)
    assert "nfc" in available() and not available()["nfc"].startswith("unavailable")


def test_discover_never_raises() -> None:
    found = discover()
    assert all(uri.startswith("nfc:usb:") for uri in found)


def test_products_from_get_version() -> None:
    assert product_from_version(bytes.fromhex("04040230001105") + b"\x91\xaf") == "NTAG424DNA"
    assert product_from_version(bytes.fromhex("04040830001105") + b"\x91\xaf") == "NTAG424DNA TT"
    assert product_from_version(bytes.fromhex("04010112001A05") + b"\x91\xaf") == "MIFARE DESFire"
    assert product_from_version(b"\x6e\x00") is None


def test_importing_nfcpy_leaves_warnings_and_logging_alone() -> None:
    code = (
        "import logging, warnings\n"
        "before = warnings.showwarning\n"
        "import devices.nfc\n"
        "assert warnings.showwarning is before, 'warnings rerouted'\n"
        "assert logging.getLogger('nfc').level == logging.NOTSET, 'nfc logger level pinned'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_cli_watch_prints_an_nfc_tap(field: UdpField) -> None:
    field.place(Ntag213(NTAG_UID, ndef=MEMBER_MESSAGE))
    watch = ["watch", "--reader", field.uri, "--count", "1", "--timeout", "20", "--uid-key", KEY.hex()]
    result = subprocess.run(
        [sys.executable, "-m", "devices", *watch],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["kind"] for e in events] == ["reader_added", "card_presented"]
    card = events[1]
    assert card["uid"] == NTAG_UID.hex().upper() and card["tech"]["product"] == "NTAG213"
    assert card["member_ref"]["kind"] == "number" and card["member_ref"]["value"] == NUMBER


def test_a_reader_thread_is_one_thread() -> None:
    # Starting and stopping leaves no nfcpy thread behind (the till starts and stops readers at will).
    with UdpField() as quiet:
        before = set(threading.enumerate())
        reader = nfc_reader(quiet.uri)
        with Events(reader, quiet) as events:
            events.expect(ReaderAdded)
            assert [t.name for t in set(threading.enumerate()) - before] == [f"reader {quiet.uri}"]
        assert not reader.running and set(threading.enumerate()) - before == set()
