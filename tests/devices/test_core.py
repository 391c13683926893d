"""The reader layer's own parts: registry, member reference, simulated reader, keyboard wedge, CLI."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.base import ReaderConfig, ThreadedReader
from devices.errors import BadCardData, NotSupported
from devices.events import (
    CardPresented,
    CardRemoved,
    NdefRecord,
    ReaderAdded,
    ReaderEvent,
    ReadError,
    SunResult,
)
from devices.identity import is_random_uid, member_number_from_text, member_reference
from devices.registry import available, open_reader
from devices.sim import SimReader, SimTap, text_record
from devices.wedge import ENTER, Hold, Release, Scan, WedgeDecoder, WedgeReader
from loyalty.identity import uid_token

ROOT = Path(__file__).resolve().parents[2]
KEY = bytes(range(32))
NUMBER = "0010100000081"  # store 001, till 01, member 0000008, Luhn check 1


def collect(reader: ThreadedReader, until: type, timeout: float = 5.0) -> list[ReaderEvent]:
    events: queue.Queue[ReaderEvent] = queue.Queue()
    reader.start(events.put)
    got: list[ReaderEvent] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                event = events.get(timeout=0.05)
            except queue.Empty:
                continue
            got.append(event)
            if isinstance(event, until):
                return got
        raise AssertionError(f"no {until.__name__} within {timeout} s; got {got}")
    finally:
        reader.stop()


# -- member reference ----------------------------------------------------------------------------------
def test_reference_prefers_verified_sun_then_number_then_uid() -> None:
    uri = text_record("uri", f"https://loyalty.example/m/{NUMBER}")
    sun = SunResult("valid", "ok", uid="04DE5F1EACC040", counter=61)
    assert member_reference(uid="04AABBCCDDEEFF", ndef=(uri,), sun=sun, uid_key=KEY) == member_reference(
        uid=None, ndef=(), sun=sun, uid_key=KEY
    )
    ref = member_reference(uid="04AABBCCDDEEFF", ndef=(uri,), sun=None, uid_key=KEY)
    assert ref is not None and ref.kind == "number" and ref.value == NUMBER
    ref = member_reference(uid="04AABBCCDDEEFF", ndef=(), sun=None, uid_key=KEY)
    assert ref is not None and ref.kind == "uid" and ref.value == uid_token(KEY, "04AABBCCDDEEFF")
    assert "04AABBCCDDEEFF" not in ref.value  # the raw UID is never the reference


def test_failed_sun_gives_no_reference_at_all() -> None:
    for status in ("bad_mac", "replayed", "malformed", "no_keys"):
        bad = SunResult(status, "refused")  # type: ignore[arg-type]
        assert member_reference(uid="04AABBCCDDEEFF", ndef=(), sun=bad, uid_key=KEY) is None


def test_random_uids_of_phones_identify_no_one() -> None:
    assert is_random_uid("08A1B2C3")
    assert member_reference(uid="08A1B2C3", ndef=(), sun=None, uid_key=KEY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NUMBER, NUMBER),
        (f"https://loyalty.example/m/{NUMBER}", NUMBER),
        (f"https://loyalty.example/m/{NUMBER}?utm=1", NUMBER),
        (f"loyalty:member:{NUMBER}", NUMBER),
        ("0010100000082", None),  # check digit wrong: a misread, not a member
        ("hello", None),
        ("", None),
    ],
)
def test_member_number_from_text(text: str, expected: str | None) -> None:
    assert member_number_from_text(text) == expected


def test_mime_member_record() -> None:
    record = NdefRecord(
        2,
        "application/vnd.loyalty-till.member",
        NUMBER.encode().hex(),
        mime="application/vnd.loyalty-till.member",
    )
    ref = member_reference(uid=None, ndef=(record,), sun=None, uid_key=KEY)
    assert ref is not None and ref.value == NUMBER
    garbage = NdefRecord(2, "x", "zz", mime="application/vnd.loyalty-till.member")
    assert member_reference(uid=None, ndef=(garbage,), sun=None, uid_key=KEY) is None


# -- registry and simulated reader ----------------------------------------------------------------------
def test_registry_knows_sim_and_wedge_and_refuses_unknown() -> None:
    drivers = available()
    assert "sim" in drivers and "wedge" in drivers
    with pytest.raises(NotSupported, match="no reader driver"):
        open_reader("floppy:0")


def test_sim_reader_taps_through_the_same_event_path() -> None:
    reader = open_reader("sim", ReaderConfig(uid_key=KEY))
    assert isinstance(reader, SimReader)
    reader.tap(SimTap(uid="04AABBCCDDEEFF", hold=0.01))
    events = collect(reader, CardRemoved)
    kinds = [type(e) for e in events]
    assert kinds[:3] == [ReaderAdded, CardPresented, CardRemoved]
    presented = events[1]
    assert isinstance(presented, CardPresented)
    assert presented.member_ref is not None and presented.member_ref.value == uid_token(KEY, "04AABBCCDDEEFF")


def test_sim_script_file(tmp_path: Path) -> None:
    script = tmp_path / "taps.json"
    script.write_text(
        json.dumps([{"after": 0.01, "uri": f"https://loyalty.example/m/{NUMBER}", "hold": 0.01}])
    )
    events = collect(open_reader(f"sim:{script}", ReaderConfig(uid_key=KEY)), CardRemoved)
    presented = next(e for e in events if isinstance(e, CardPresented))
    assert presented.member_ref is not None and presented.member_ref.kind == "number"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(BadCardData):
        open_reader(f"sim:{bad}")


class ExplodingReader(ThreadedReader):
    """A driver whose loop fails: the thread must survive, report, and retry."""

    restart_delay = 0.01

    def __init__(self) -> None:
        super().__init__("boom", ReaderConfig())
        self.calls = 0

    def run(self, stop: threading.Event) -> None:
        self.calls += 1
        if self.calls < 3:
            raise RuntimeError("driver bug")
        stop.wait()


def test_nothing_escapes_a_reader_thread_and_it_comes_back() -> None:
    reader = ExplodingReader()
    events: queue.Queue[ReaderEvent] = queue.Queue()
    reader.start(events.put)
    errors = [events.get(timeout=2), events.get(timeout=2)]
    assert all(isinstance(e, ReadError) and "driver bug" in e.message for e in errors)
    time.sleep(0.05)
    assert reader.running and reader.calls == 3
    started = time.monotonic()
    reader.stop()
    assert not reader.running and time.monotonic() - started < 2


def test_a_broken_sink_does_not_kill_the_reader() -> None:
    reader = SimReader("sim", ReaderConfig())

    def sink(_event: ReaderEvent) -> None:
        raise ValueError("UI bug")

    reader.start(sink)
    reader.tap(SimTap(uid="04AABBCCDDEEFF", hold=0.01))
    time.sleep(0.2)
    assert reader.running
    reader.stop()


# -- keyboard wedge -------------------------------------------------------------------------------------
def type_keys(decoder: WedgeDecoder, keys: str, gaps: list[float], start: float = 100.0) -> list[object]:
    actions: list[object] = []
    t = start
    for key, gap in zip(keys, gaps, strict=True):
        t += gap
        actions.append(decoder.feed(key, t))
    return actions


def test_a_scanner_burst_is_a_scan() -> None:
    decoder = WedgeDecoder()
    keys = NUMBER + ENTER
    actions = type_keys(decoder, keys, [0.008] * len(keys))
    assert actions[-1] == Scan(NUMBER)
    assert all(isinstance(a, Hold) for a in actions[:-1])


def test_a_person_typing_keeps_every_key() -> None:
    decoder = WedgeDecoder()
    keys = "nguyen" + ENTER
    actions = type_keys(decoder, keys, [0.15] * len(keys))
    released = "".join(a.keys for a in actions if isinstance(a, Release))
    assert released == keys
    assert not any(isinstance(a, Scan) for a in actions)


def test_held_keys_are_given_back_by_the_timer() -> None:
    decoder = WedgeDecoder()
    assert isinstance(decoder.feed("a", 1.0), Hold)
    assert decoder.flush(1.01) is None
    assert decoder.flush(1.2) == Release("a")


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.sampled_from("0123456789abcxyz" + ENTER), st.floats(0.001, 0.5)),
        min_size=1,
        max_size=60,
    )
)
def test_wedge_never_loses_or_invents_keys(keys: list[tuple[str, float]]) -> None:
    decoder = WedgeDecoder()
    t = 0.0
    out = []
    for key, gap in keys:
        t += gap
        action = decoder.feed(key, t)
        if isinstance(action, Release):
            out.append(action.keys)
        elif isinstance(action, Scan):
            out.append(action.text + ENTER)
    final = decoder.flush(t + 1.0)
    if final is not None:
        out.append(final.keys)
    assert "".join(out) == "".join(k for k, _ in keys)


def test_wedge_reader_turns_scans_into_card_events() -> None:
    reader = open_reader("wedge", ReaderConfig(uid_key=KEY))
    assert isinstance(reader, WedgeReader)
    reader.push_scan(f"https://loyalty.example/m/{NUMBER}")
    events = collect(reader, CardPresented)
    presented = events[-1]
    assert isinstance(presented, CardPresented)
    assert presented.tech.tag_type == "qr" and presented.uid is None
    assert presented.member_ref is not None and presented.member_ref.value == NUMBER


# -- command line ---------------------------------------------------------------------------------------
def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devices", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def test_cli_watch_prints_json_lines_and_exits_after_count(tmp_path: Path) -> None:
    script = tmp_path / "taps.json"
    script.write_text(
        json.dumps([{"uid": "04AABBCCDDEEFF", "hold": 0.01}, {"uid": "04AABBCCDDEE00", "hold": 0.01}])
    )
    result = run_cli(
        "watch", "--reader", f"sim:{script}", "--count", "2", "--timeout", "20", "--uid-key", KEY.hex()
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    presented = [e for e in events if e["kind"] == "card_presented"]
    assert [e["uid"] for e in presented] == ["04AABBCCDDEEFF", "04AABBCCDDEE00"]
    assert presented[0]["member_ref"]["value"] == uid_token(KEY, "04AABBCCDDEEFF")


def test_cli_watch_times_out_and_refuses_unknown_readers() -> None:
    timed_out = run_cli("watch", "--reader", "sim", "--count", "1", "--timeout", "0.5")
    assert timed_out.returncode == 3 and "no card within" in timed_out.stderr
    unknown = run_cli("watch", "--reader", "floppy")
    assert unknown.returncode == 2 and "no reader driver" in unknown.stderr


def test_cli_list() -> None:
    result = run_cli("list")
    assert result.returncode == 0 and "sim" in result.stdout
