"""The PC/SC driver against a real pcscd, vsmartcard's virtual reader and virtual cards (devices/testbed/pcsc/).

Timing notes: pcscd polls vpcd for card presence about every 0.4 s, so a tap or a removal is seen within
about half a second; every wait below allows several times that.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devices import pcsc
from devices.base import ReaderConfig, SunKeys
from devices.events import CardPresented, CardRemoved, ReaderAdded, ReaderLost, ReadError
from devices.ndef import encode_ndef_message, parse_ndef_message
from devices.registry import discover
from devices.testbed.pcsc.cards import (
    ATR_CLASSIC_1K,
    ATR_ISO14443_4,
    ATR_NTAG,
    MEMBER_NUMBER,
    MEMBER_URL,
    SunCard,
    Type2Card,
    Type4Card,
    UidCard,
)
from devices.testbed.pcsc.harness import running_reader
from devices.testbed.pcsc.pcscd import PcscRig
from devices.testbed.pcsc.sun_gen import sdm_mac, session_mac_key, sun_url
from loyalty.identity import uid_token

UID_KEY = bytes(range(32))
READERS = ["Virtual PCD 00 00", "Virtual PCD 00 01"]
RECOVERY = 2.0  # seconds: a card pulled mid-read, then the reader reads the next card within this


def config(**kwargs: object) -> ReaderConfig:
    return ReaderConfig(uid_key=UID_KEY, **kwargs)  # type: ignore[arg-type]


# --- without the rig ------------------------------------------------------------------------------------


def test_sun_generator_matches_an12196() -> None:
    vectors = json.loads((Path(__file__).parent / "parsers" / "vectors" / "an12196_sun.json").read_text())
    vector = next(v for v in vectors["vectors"] if v["name"] == "sun_encrypted_picc_data")
    zero = bytes(16)
    uid = bytes.fromhex(vector["expect"]["uid"])
    counter = vector["expect"]["read_counter"]
    assert session_mac_key(zero, uid, counter).hex().upper() == vector["expect"]["session_mac_key"]
    assert sdm_mac(zero, uid, counter).hex().upper() == vector["sdmmac"]
    padding = bytes.fromhex(vector["expect"]["decrypted_picc_data"])[11:]
    message = sun_url(
        "https://ntag.nxp.com/424",
        meta_read_key=zero,
        file_read_key=zero,
        uid=uid,
        counter=counter,
        padding=padding,
    )
    assert message.url == vector["url"]


@pytest.mark.parametrize(
    ("atr", "expected"),
    [
        (ATR_NTAG, ("Type2", "Mifare Ultralight")),
        (ATR_CLASSIC_1K, ("ISO14443-3", "Mifare Classic 1K")),
        (ATR_ISO14443_4, ("ISO14443-4", None)),
        (bytes.fromhex("3B8F8001804F0CA0000003061100 3B0000000042".replace(" ", "")), ("Type3", "FeliCa")),
        (bytes.fromhex("3B8F8001804F0CA000000306030099000000006A"), ("ISO14443-3", None)),
    ],
)
def test_atr_classification(atr: bytes, expected: tuple[str, str | None]) -> None:
    assert pcsc.classify_atr(atr) == expected


def test_reader_selection_by_exact_name_or_prefix() -> None:
    names = [
        "ACS ACR122U PICC Interface 00 00",
        "HID Global OMNIKEY 5422 Smartcard Reader [OMNIKEY 5422CL] 01 00",
    ]
    assert pcsc.select_readers(names, None) == names
    assert pcsc.select_readers(names, names[1]) == [names[1]]
    assert pcsc.select_readers(names, "HID Global") == [names[1]]
    assert pcsc.select_readers(names, "Identiv") == []


# --- against the rig ------------------------------------------------------------------------------------


def test_discover_lists_the_readers(pcsc_rig: PcscRig) -> None:
    assert pcsc.discover() == [f"pcsc:{name}" for name in READERS]
    assert set(discover()) >= {f"pcsc:{name}" for name in READERS}


def test_uid_card_is_presented_and_removed(pcsc_rig: PcscRig) -> None:
    card = UidCard()
    with running_reader("pcsc", config()) as (_reader, log):
        added = [log.wait_for(ReaderAdded, where=lambda e, n=n: e.name == n) for n in READERS]
        assert [a.reader for a in added] == [f"pcsc:{n}" for n in READERS]
        mark = log.mark()
        pcsc_rig.insert(card)
        presented = log.wait_for(CardPresented, since=mark)
        assert presented.reader == pcsc_rig.reader_uri(0)
        assert presented.uid == card.uid.hex().upper()
        assert presented.tech.atr == ATR_CLASSIC_1K.hex().upper()
        assert (presented.tech.tag_type, presented.tech.product) == ("ISO14443-3", "Mifare Classic 1K")
        assert presented.ndef == ()
        assert presented.sun is None
        assert presented.member_ref is not None
        assert presented.member_ref.kind == "uid"
        assert presented.member_ref.value == uid_token(UID_KEY, card.uid)
        pcsc_rig.remove()
        removed = log.wait_for(CardRemoved, since=mark)
        assert (removed.reader, removed.uid) == (presented.reader, presented.uid)
        assert log.of(ReadError) == []


def test_type2_member_card(pcsc_rig: PcscRig) -> None:
    card = Type2Card()
    with running_reader(pcsc_rig.reader_uri(0), config()) as (_reader, log):
        log.wait_for(ReaderAdded)
        pcsc_rig.insert(card)
        presented = log.wait_for(CardPresented)
    assert presented.uid == card.uid.hex().upper()
    assert (presented.tech.tag_type, presented.tech.product) == ("Type2", "NTAG213")
    assert [r.uri for r in presented.ndef] == [MEMBER_URL]
    assert presented.member_ref is not None
    assert (presented.member_ref.kind, presented.member_ref.value) == ("number", MEMBER_NUMBER)


def test_type4_ndef_is_read_in_chunks_of_mle(pcsc_rig: PcscRig) -> None:
    message = encode_ndef_message([("uri", MEMBER_URL), ("text", "Xin chào Lan — thẻ thành viên " * 4)])
    assert len(message) > 3 * 16
    expected = parse_ndef_message(message)
    results = []
    with running_reader(pcsc_rig.reader_uri(0), config()) as (_reader, log):
        # The card answers 6700 to any READ BINARY longer than its MLe, so a read that ignored MLe fails.
        for mle in (16, 255):
            mark = log.mark()
            pcsc_rig.insert(Type4Card(ndef=message, mle=mle))
            results.append(log.wait_for(CardPresented, since=mark))
            pcsc_rig.remove()
            log.wait_for(CardRemoved, since=mark)
        assert log.of(ReadError) == []
    for presented in results:
        assert presented.tech.tag_type == "Type4"
        assert presented.ndef == expected
        assert presented.member_ref is not None and presented.member_ref.kind == "number"


def test_iso14443_4_card_without_ndef_is_known_by_its_uid(pcsc_rig: PcscRig) -> None:
    card = UidCard(uid=bytes.fromhex("04A1B2C3D4E5F6"), atr=ATR_ISO14443_4)
    with running_reader(pcsc_rig.reader_uri(0), config()) as (_reader, log):
        pcsc_rig.insert(card)
        presented = log.wait_for(CardPresented)
    assert presented.tech.tag_type == "ISO14443-4"
    assert presented.ndef == ()
    assert presented.member_ref is not None
    assert presented.member_ref.value == uid_token(UID_KEY, card.uid)


def test_sun_card_valid_then_replay_and_forgery_are_refused(pcsc_rig: PcscRig) -> None:
    keys = SunKeys(
        meta_read_key=bytes.fromhex("00112233445566778899AABBCCDDEEFF"), file_read_key=bytes(range(16))
    )
    card = SunCard(meta_read_key=keys.meta_read_key, file_read_key=keys.file_read_key, counter=41)
    outcomes: list[CardPresented] = []
    with running_reader(pcsc_rig.reader_uri(0), config(sun_keys=keys)) as (_reader, log):
        for step in ("tap", "replay", "tamper", "tap"):
            card.replay_next = step == "replay"
            card.tamper_next = step == "tamper"
            mark = log.mark()
            pcsc_rig.insert(card)
            outcomes.append(log.wait_for(CardPresented, since=mark))
            pcsc_rig.remove()
            log.wait_for(CardRemoved, since=mark)
    first, replay, forged, second = outcomes
    assert first.sun is not None and first.sun.status == "valid"
    assert (first.sun.uid, first.sun.counter) == (card.uid.hex().upper(), 42)
    assert first.member_ref is not None and first.member_ref.kind == "sun"
    assert first.member_ref.value == uid_token(UID_KEY, card.uid)
    assert replay.sun is not None and replay.sun.status == "replayed"
    assert replay.member_ref is None
    assert forged.sun is not None and forged.sun.status == "bad_mac"
    assert forged.member_ref is None
    assert second.sun is not None and (second.sun.status, second.sun.counter) == ("valid", 44)


@pytest.mark.parametrize(
    "pulled",
    [Type4Card(pull_after=5), Type2Card(pull_after=3)],
    ids=["type4-after-5-apdus", "type2-after-3-apdus"],
)
def test_card_pulled_mid_read(pcsc_rig: PcscRig, pulled: Type2Card | Type4Card) -> None:
    with running_reader(pcsc_rig.reader_uri(0), config()) as (reader, log):
        pcsc_rig.insert(pulled)
        error = log.wait_for(ReadError)
        assert error.code == "card_removed"
        assert error.uid == pulled.uid.hex().upper()  # the UID was read before the card left
        pcsc_rig.remove()
        mark = log.mark()
        started = time.monotonic()
        pcsc_rig.insert(Type2Card())
        presented = log.wait_for(CardPresented, since=mark, timeout=RECOVERY)
        assert time.monotonic() - started < RECOVERY
        assert presented.member_ref is not None
        assert reader.running
        assert log.of(CardPresented) == [presented]


@pytest.mark.parametrize(
    "garbage",
    [
        Type2Card(tlv_area=bytes.fromhex("0310") + b"\xd1\x01\xffUgarbage garbage" + b"\xfe"),
        Type2Card(tlv_area=bytes.fromhex("03FF0100") + bytes(20)),
        Type4Card(ndef=b"\x99" * 40),
    ],
    ids=["type2-broken-record", "type2-tlv-past-end", "type4-garbage"],
)
def test_garbage_on_the_card_is_bad_data(pcsc_rig: PcscRig, garbage: Type2Card | Type4Card) -> None:
    with running_reader(pcsc_rig.reader_uri(0), config()) as (reader, log):
        pcsc_rig.insert(garbage)
        error = log.wait_for(ReadError)
        assert error.code == "bad_data", error
        assert error.uid == garbage.uid.hex().upper()
        assert reader.running
        pcsc_rig.remove()
        log.wait_for(CardRemoved)  # the card was reported (as an error), so its leaving is reported too
        mark = log.mark()
        pcsc_rig.insert(Type2Card())
        log.wait_for(CardPresented, since=mark)


def test_pcscd_killed_and_restarted(pcsc_rig: PcscRig) -> None:
    with running_reader("pcsc", config()) as (reader, log):
        pcsc_rig.insert(UidCard())
        first = log.wait_for(CardPresented)
        mark = log.mark()
        pcsc_rig.restart_pcscd(kill=True)  # SIGKILL: the socket dies under the open context
        error = log.wait_for(ReadError, since=mark, timeout=3)
        assert error.code == "no_service"
        lost = {e.name for e in log.of(ReaderLost, since=mark)}
        assert lost == set(READERS)
        # The card on the reader went with the service: its removal is reported too.
        assert [(e.reader, e.uid) for e in log.of(CardRemoved, since=mark)] == [(first.reader, first.uid)]
        started = time.monotonic()
        log.wait_for(ReaderAdded, since=mark, where=lambda e: e.name == READERS[0], timeout=3)
        mark = log.mark()
        pcsc_rig.insert(Type2Card())
        log.wait_for(CardPresented, since=mark, timeout=3)
        assert time.monotonic() - started < 4
        assert reader.running


def test_reader_unplugged_and_plugged_back(pcsc_rig: PcscRig) -> None:
    # vpcd's readers exist while pcscd runs: a clean pcscd stop is the reader going away.
    with running_reader(pcsc_rig.reader_uri(1), config()) as (_reader, log):
        log.wait_for(ReaderAdded)
        mark = log.mark()
        pcsc_rig.unplug()
        lost = log.wait_for(ReaderLost, since=mark, timeout=3)
        assert lost.reader == pcsc_rig.reader_uri(1)
        time.sleep(0.5)  # stays unplugged for a while; the reader keeps trying, quietly
        assert [e.code for e in log.of(ReadError, since=mark)] == ["no_service"]
        pcsc_rig.plug()
        log.wait_for(ReaderAdded, since=mark, timeout=3)
        mark = log.mark()
        pcsc_rig.insert(UidCard(), slot=1)
        presented = log.wait_for(CardPresented, since=mark, timeout=3)
        assert presented.reader == pcsc_rig.reader_uri(1)


def test_no_service_at_start_then_service_arrives(pcsc_rig: PcscRig) -> None:
    pcsc_rig.stop_pcscd()
    assert pcsc.discover() == []
    with running_reader("pcsc", config()) as (_reader, log):
        error = log.wait_for(ReadError, timeout=2)
        assert error.code == "no_service"
        pcsc_rig.start_pcscd()
        log.wait_for(ReaderAdded, timeout=3)
        pcsc_rig.insert(UidCard())
        log.wait_for(CardPresented, timeout=3)
        assert [e.code for e in log.of(ReadError)] == ["no_service"]


def test_named_reader_follows_only_that_reader(pcsc_rig: PcscRig) -> None:
    with running_reader(pcsc_rig.reader_uri(1), config()) as (_reader, log):
        added = log.wait_for(ReaderAdded)
        assert added.name == READERS[1]
        pcsc_rig.insert(UidCard(), slot=0)
        pcsc_rig.insert(Type2Card(), slot=1)
        presented = log.wait_for(CardPresented)
        assert presented.reader == pcsc_rig.reader_uri(1)
        time.sleep(0.3)
        assert len(log.of(CardPresented)) == 1
        assert len(log.of(ReaderAdded)) == 1


def test_unknown_named_reader_waits_and_says_so(pcsc_rig: PcscRig) -> None:
    with running_reader("pcsc:No Such Reader", config()) as (reader, log):
        error = log.wait_for(ReadError)
        assert error.code == "no_device"
        assert reader.running


def test_a_surprise_in_the_reader_loop_is_reported_and_the_reader_starts_afresh(
    pcsc_rig: PcscRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_read_card = pcsc.read_card
    calls: list[int] = []

    def read_card_failing_once(*args: object, **kwargs: object) -> CardPresented:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug in a parser")
        return real_read_card(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pcsc, "read_card", read_card_failing_once)
    with running_reader(pcsc_rig.reader_uri(0), config()) as (reader, log):
        log.wait_for(ReaderAdded)
        pcsc_rig.insert(UidCard())
        error = log.wait_for(ReadError)
        assert (error.code, error.message) == ("io", "reader error: a bug in a parser")
        assert log.of(ReaderLost)  # the reader is announced again, not silently kept
        presented = log.wait_for(CardPresented, timeout=3)  # the card still on the reader is read afresh
        assert presented.uid == UidCard().uid.hex().upper()
        assert len(log.of(ReaderAdded)) == 2
        assert reader.running


@pytest.mark.parametrize("state", ["idle", "card present", "no service"])
def test_stop_returns_promptly(pcsc_rig: PcscRig, state: str) -> None:
    if state == "no service":
        pcsc_rig.stop_pcscd()
    with running_reader("pcsc", config()) as (_reader, log):  # running_reader checks stop() < 2 s
        if state == "card present":
            pcsc_rig.insert(UidCard())
            log.wait_for(CardPresented)
        elif state == "no service":
            log.wait_for(ReadError)
        else:
            log.wait_for(ReaderAdded)


def test_stop_returns_promptly_in_the_middle_of_a_slow_read(pcsc_rig: PcscRig) -> None:
    slow = Type4Card(delay=0.3)  # about ten APDUs: a read of three seconds
    with running_reader(pcsc_rig.reader_uri(0), config()) as (reader, log):
        log.wait_for(ReaderAdded)
        pcsc_rig.insert(slow)
        time.sleep(0.5)
        started = time.monotonic()
        reader.stop()
        assert time.monotonic() - started < 1.0
        assert not reader.running
    assert log.of(CardPresented) == []


def test_cli_watch_prints_one_json_line_per_event(pcsc_rig: PcscRig) -> None:
    env = dict(os.environ)  # carries PCSCLITE_CSOCK_NAME: the subprocess talks to the rig's pcscd
    watch = subprocess.Popen(
        [sys.executable, "-m", "devices", "watch", "--reader", "pcsc", "--count", "1", "--timeout", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
    )
    assert watch.stdout is not None
    try:
        lines = []
        for _ in READERS:  # the readers are announced first; then the card is tapped
            lines.append(json.loads(watch.stdout.readline()))
        pcsc_rig.insert(Type2Card())
        out, err = watch.communicate(timeout=20)
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.communicate()
    lines += [json.loads(line) for line in out.splitlines() if line.strip()]
    assert watch.returncode == 0, err
    assert [line["kind"] for line in lines] == ["reader_added", "reader_added", "card_presented"]
    card = lines[-1]
    assert card["uid"] == Type2Card().uid.hex().upper()
    assert card["tech"]["tag_type"] == "Type2"
    assert card["ndef"][0]["uri"] == MEMBER_URL
    assert card["member_ref"]["kind"] == "number"
