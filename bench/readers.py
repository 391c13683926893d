"""Card readers: from a card in front of the reader to a member reference, on the two rigs the device tests use,
each next to the raw round trip of the same rig.

What is measured (``time.perf_counter_ns`` around each call, after a few warm-up calls; driver call and
baseline call alternate, so both see the same machine):

* PC/SC rig — a private pcscd with vsmartcard's virtual reader (vpcd) and the virtual cards of
  ``devices.testbed.pcsc`` (each one a vicc process), started exactly as the tests start them. For a UID-only
  card, a Type 2 tag holding a member URI and a Type 4 tag holding one: ``devices.pcsc.read_card`` with the card
  left on the reader — connect, ATR, UID, NDEF read, parse, SUN check, member reference: everything the reader
  thread does between "pcscd reports a card" and emitting ``CardPresented``. Baseline: ``SCardTransmit`` of
  GET UID (``FF CA 00 00 00``) on a connection opened once, through pyscard's ``smartcard.scard``.
* PC/SC tap: a running ``PcscReader`` and a Type 2 card tapped by ``PcscRig.insert``; from the moment the card
  process is connected to vpcd (the card is in the field) to the reader's sink receiving ``CardPresented``.
  Baseline: the same tap until a raw ``SCardGetStatusChange`` waiting on the reader sees the card. Both wait for
  pcscd's next presence poll of vpcd (every 0.4 s), so this row is reported, not held to the target
  (bench/README.md); the difference of the two is the reader thread's own share.
* NFC rig — nfcpy's UDP transport against this project's tag simulators in a ``UdpField`` on 127.0.0.1. For an
  NTAG213 (Type 2) and a Type 4 tag, each holding a member URI: one discovery round with activation
  (``devices.nfc._nfcpy_find_tag``) and the driver's read (``NfcReader._read``: NDEF, product, member
  reference) — what the reader thread does per tap. Baseline: one raw ``clf.exchange`` frame on the activated
  tag (Type 2: READ page 0; Type 4: R(NAK), nfcpy's presence check).

libpcsclite reads ``PCSCLITE_CSOCK_NAME`` once per process, at first use, so the PC/SC rows are measured in a
child process that claims the rig's socket (``claim_client_socket``) before anything else; the NFC rows run in
the calling process. The rigs are the package ``devices.testbed``, shared with the device tests; without the
system parts (pcscd, vsmartcard), the rows are reported as skipped with the reason.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.generate import stderr_log
from bench.measure import Log, Target, result_row, summarize, timed

ROOT = Path(__file__).resolve().parent.parent
READER_WARMUP = 5
TAP_SAMPLES = 10  # a tap costs about a second (card process, pcscd's presence polls on and off)
UID_KEY = bytes(range(32))
MEMBER_NUMBER = "0010100000081"  # Luhn-valid
WHOLE_PATH_P95_MS = 50.0
READER = Target("p95 ≤ 50 ms with identify", p95_ms=WHOLE_PATH_P95_MS)
POLL_SECONDS = 0.4  # pcscd asks a driver without card-event support (vpcd) for the card this often
TAP_NOTE = "none (waits for pcscd's 0.4 s poll)"
CHILD_TIMEOUT = 600.0  # seconds, plus the samples' share: a wedged rig must not hang the whole bench

READER_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "PC/SC rig: card on the reader → member ref",
        (
            ("pcsc_uid", "  UID-only card"),
            ("pcsc_type2", "  Type 2 tag, member URI"),
            ("pcsc_type4", "  Type 4 tag, NDEF member URI"),
            ("pcsc_tap", "  tap → CardPresented (running reader)"),
        ),
    ),
    (
        "NFC rig: discovery + read → member ref",
        (
            ("nfc_type2", "  NTAG213 (Type 2), member URI"),
            ("nfc_type4", "  Type 4 tag, member URI"),
        ),
    ),
)
"""Reader rows in report order, under their group's heading."""
PCSC_KEYS = tuple(key for key, _ in READER_GROUPS[0][1])
NFC_KEYS = tuple(key for key, _ in READER_GROUPS[1][1])
READER_KEYS = PCSC_KEYS + NFC_KEYS
COMBINED_KEYS = ("pcsc_uid", "pcsc_type2", "pcsc_type4", "nfc_type2", "nfc_type4")
"""Rows added to identify's p95 for the whole path (the tap row measures the rig's polling, not the till)."""

_WHAT = {
    "pcsc_uid": "devices.pcsc.read_card: connect, ATR, GET UID, member reference (card left on the reader)",
    "pcsc_type2": "devices.pcsc.read_card: connect, GET UID, Type 2 CC + NDEF pages, parse, member reference",
    "pcsc_type4": "devices.pcsc.read_card: connect, GET UID, ATS, NDEF application + CC + NDEF file, member ref",
    "pcsc_tap": "card connected to vpcd (PcscRig.insert) → running PcscReader's sink gets CardPresented",
    "nfc_type2": "nfcpy: one 106A discovery + activation, NfcReader._read (NDEF, member reference)",
    "nfc_type4": "nfcpy: one 106A discovery + RATS, NfcReader._read (NDEF, GetVersion, member reference)",
}
_BASELINE = {
    "pcsc_uid": "SCardTransmit GET UID (FF CA 00 00 00) on a held connection",
    "pcsc_type2": "SCardTransmit GET UID (FF CA 00 00 00) on a held connection",
    "pcsc_type4": "SCardTransmit GET UID (FF CA 00 00 00) on a held connection",
    "pcsc_tap": "the same tap until a raw SCardGetStatusChange sees the card present",
    "nfc_type2": "clf.exchange: READ page 0 (30 00) on the activated tag",
    "nfc_type4": "clf.exchange: R(NAK) (nfcpy's presence check) on the activated tag",
}


# -- rows --------------------------------------------------------------------------------------------------
def skipped_row(key: str, reason: str) -> dict[str, Any]:
    return {
        "what": _WHAT[key],
        "skipped": reason,
        "baseline": None,
        "target": TAP_NOTE if key == "pcsc_tap" else READER.text,
        "ok": None,
    }


def _row(key: str, service_ns: list[int], baseline_ns: list[int], **extra: Any) -> dict[str, Any]:
    if key == "pcsc_tap":
        row = result_row(
            service_ns, baseline_ns, what=_WHAT[key], baseline_what=_BASELINE[key], target=None, **extra
        )
        row["target"] = TAP_NOTE
        return row
    return result_row(
        service_ns, baseline_ns, what=_WHAT[key], baseline_what=_BASELINE[key], target=READER, **extra
    )


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


# -- NFC rig (this process) --------------------------------------------------------------------------------
def nfc_rows(samples: int, warmup: int = READER_WARMUP, log: Log = stderr_log) -> dict[str, dict[str, Any]]:
    """The NFC rig's rows; skipped rows (with the reason) when nfcpy or the simulators are not there."""
    try:
        from devices import nfc as driver
        from devices.base import ReaderConfig
        from devices.ndef import encode_ndef_message, member_uri
        from devices.testbed import nfc as nfcsim
    except ImportError as err:
        return {key: skipped_row(key, f"cannot load nfcpy or the simulators: {err}") for key in NFC_KEYS}

    message = encode_ndef_message([("uri", member_uri(MEMBER_NUMBER))])
    config = ReaderConfig(uid_key=UID_KEY)
    rig = f"nfcpy {_version('nfcpy')} UDP transport, simulators on 127.0.0.1"
    rows: dict[str, dict[str, Any]] = {}
    with nfcsim.UdpField() as field:
        clf = driver._nfcpy_open(f"udp:127.0.0.1:{field.port}")
        try:
            reader = driver.NfcReader(field.uri, config)
            stop = threading.Event()
            tags = (
                ("nfc_type2", nfcsim.Ntag213(ndef=message), bytearray.fromhex("3000"), "number"),
                ("nfc_type4", nfcsim.Type4Tag(ndef=message), bytearray.fromhex("B2"), "number"),
            )
            for key, tag, frame, kind in tags:
                log(f"readers: {key}, {samples} discoveries and reads")
                field.place(tag)
                service: list[int] = []
                baseline: list[int] = []
                for i in range(warmup + samples):
                    start = time.perf_counter_ns()
                    found = driver._nfcpy_find_tag(clf, "106A", stop)
                    if not found:
                        raise RuntimeError(f"{key}: the simulated tag was not discovered")
                    presented = reader._read(clf, found, driver._tag_uid(found), stop)
                    spent = time.perf_counter_ns() - start
                    if presented.member_ref is None or presented.member_ref.kind != kind:
                        raise RuntimeError(f"{key}: no member reference from the tag: {presented!r}")
                    t_base, answer = timed(clf.exchange, bytearray(frame), 1.0)
                    if not answer:
                        raise RuntimeError(f"{key}: the tag did not answer the baseline frame")
                    if i >= warmup:
                        service.append(spent)
                        baseline.append(t_base)
                field.remove()
                rows[key] = _row(key, service, baseline, rig=rig)
        finally:
            driver._nfcpy_close(clf)
    return rows


# -- PC/SC rig (a child process: the client socket must be claimed before libpcsclite is used) --------------
_PCSC_CHILD = """
import json, sys
from devices.testbed.pcsc.pcscd import claim_client_socket
claim_client_socket()  # before anything in this process talks PC/SC
from bench.readers import pcsc_rows
rows = pcsc_rows(int(sys.argv[1]), warmup=int(sys.argv[2]), tap_samples=int(sys.argv[3]))
print(json.dumps(rows))
"""


def pcsc_rows_in_child(
    samples: int, warmup: int = READER_WARMUP, tap_samples: int = TAP_SAMPLES
) -> dict[str, dict[str, Any]]:
    """``pcsc_rows`` in a new process with its own client socket (its progress goes to stderr)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    command = [sys.executable, "-c", _PCSC_CHILD, str(samples), str(warmup), str(tap_samples)]
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            timeout=CHILD_TIMEOUT + samples * 0.5 + tap_samples * 5,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {key: skipped_row(key, "the PC/SC benchmark process timed out") for key in PCSC_KEYS}
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        reason = f"the PC/SC benchmark process failed (exit {done.returncode}; its output is above)"
        return {key: skipped_row(key, reason) for key in PCSC_KEYS}
    rows: dict[str, dict[str, Any]] = json.loads(lines[-1])
    return rows


def pcsc_rows(
    samples: int, *, warmup: int = READER_WARMUP, tap_samples: int = TAP_SAMPLES, log: Log = stderr_log
) -> dict[str, dict[str, Any]]:
    """The PC/SC rig's rows. Call only in a process that has claimed the rig's client socket; skipped rows
    (with the reason) when the system parts are missing or the rig does not start."""
    from devices.testbed.pcsc import pcscd as rigs

    parts = rigs.SystemParts.find()
    missing = parts.missing()
    if missing:
        reason = f"missing {', '.join(missing)} (`make system-deps` as root installs them)"
        return {key: skipped_row(key, reason) for key in PCSC_KEYS}
    try:
        from smartcard import scard  # type: ignore[import-untyped]  # noqa: F401 - pyscard is there
    except ImportError as err:
        return {key: skipped_row(key, f"pyscard is not installed: {err}") for key in PCSC_KEYS}
    rig_dir = rigs.claim_client_socket()
    daemon = rigs.PcscdDaemon(parts, rig_dir)
    if os.environ.get(rigs.SOCKET_ENV) != str(daemon.socket_path):
        return {
            key: skipped_row(key, f"{rigs.SOCKET_ENV} does not point at the rig's pcscd") for key in PCSC_KEYS
        }
    rig = rigs.PcscRig(daemon)
    try:
        rig.start_pcscd()
    except (RuntimeError, OSError) as err:
        who = "" if os.geteuid() == 0 else " (not root: the rig needs user namespaces then)"
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        return {key: skipped_row(key, f"the private pcscd did not start{who}: {first}") for key in PCSC_KEYS}
    stack = f"pcscd {_pcscd_version(parts.pcscd)} + vpcd + vicc, pyscard {_version('pyscard')}"
    rows: dict[str, dict[str, Any]] = {}
    try:
        try:
            rows.update(_pcsc_read_rows(rig, samples, warmup, stack, log))
        except Exception as err:
            log(f"readers: PC/SC reads failed: {err!r}")
            rows.update({key: skipped_row(key, f"failed: {err}") for key in PCSC_KEYS[:3]})
        rig.remove_all()
        try:
            rows["pcsc_tap"] = _pcsc_tap_row(rig, tap_samples, stack, log)
        except Exception as err:
            log(f"readers: PC/SC taps failed: {err!r}")
            rows["pcsc_tap"] = skipped_row("pcsc_tap", f"failed: {err}")
    finally:
        rig.close()
    return rows


def _pcscd_version(pcscd: Path | None) -> str:
    if pcscd is None:
        return "?"
    try:
        out = subprocess.run(
            [str(pcscd), "--version"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "?"
    words = (out.stdout or out.stderr).split()
    return words[2].rstrip(".") if len(words) > 2 and words[1] == "version" else "?"


def _pcsc_read_rows(rig: Any, samples: int, warmup: int, stack: str, log: Log) -> dict[str, dict[str, Any]]:
    from smartcard import scard

    from devices import pcsc
    from devices.apdu import GET_UID
    from devices.base import ReaderConfig
    from devices.testbed.pcsc import cards

    config = ReaderConfig(uid_key=UID_KEY)
    name = rig.reader_name(0)
    uri = rig.reader_uri(0)
    get_uid = list(GET_UID)
    rows: dict[str, dict[str, Any]] = {}
    context = pcsc.establish_context()
    try:
        taps = (
            ("pcsc_uid", cards.UidCard(), "uid"),
            ("pcsc_type2", cards.Type2Card(), "number"),
            ("pcsc_type4", cards.Type4Card(), "number"),
        )
        for key, card, kind in taps:
            log(f"readers: {key}, {samples} reads")
            rig.insert(card)
            code, changes = pcsc.get_status_change(context, 0, [(name, pcsc.STATE_UNAWARE)])
            if code != pcsc.S_SUCCESS or not changes:
                raise RuntimeError(f"no state for {name}: 0x{code:08X}")
            state = changes[0][1] & ~pcsc.STATE_CHANGED
            hresult, handle, protocol = scard.SCardConnect(
                context, name, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
            )
            if hresult != scard.SCARD_S_SUCCESS:
                raise RuntimeError(f"connecting for the baseline: {scard.SCardGetErrorMessage(hresult)}")
            try:
                service: list[int] = []
                baseline: list[int] = []
                for i in range(warmup + samples):
                    t_read, presented = timed(
                        pcsc.read_card, context, name, state, config, uri, pcsc.CardRead()
                    )
                    if presented.member_ref is None or presented.member_ref.kind != kind:
                        raise RuntimeError(f"{key}: no member reference from the card: {presented!r}")
                    t_base, (hresult, response) = timed(scard.SCardTransmit, handle, protocol, get_uid)
                    if hresult != scard.SCARD_S_SUCCESS or list(response[-2:]) != [0x90, 0x00]:
                        raise RuntimeError(f"{key}: GET UID failed: {hresult} {response}")
                    if i >= warmup:
                        service.append(t_read)
                        baseline.append(t_base)
            finally:
                scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
            rig.remove()
            rows[key] = _row(key, service, baseline, rig=stack)
    finally:
        pcsc.release_context(context)
    return rows


class _RawWatch(threading.Thread):
    """A bare ``SCardGetStatusChange`` loop on its own context: when does pcscd say the card is there?"""

    def __init__(self, reader: str) -> None:
        super().__init__(name="bench raw PC/SC watch", daemon=True)
        self.reader = reader
        self.ready = threading.Event()
        self.seen_ns: int | None = None
        self.error: str | None = None

    def run(self) -> None:
        from devices import pcsc

        context = pcsc.establish_context()
        try:
            code, changes = pcsc.get_status_change(context, 0, [(self.reader, pcsc.STATE_UNAWARE)])
            state = changes[0][1] & ~pcsc.STATE_CHANGED if changes else pcsc.STATE_UNAWARE
            self.ready.set()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                code, changes = pcsc.get_status_change(context, 200, [(self.reader, state)])
                if code == pcsc.S_SUCCESS and changes:
                    state = changes[0][1] & ~pcsc.STATE_CHANGED
                    if state & pcsc.STATE_PRESENT:
                        self.seen_ns = time.perf_counter_ns()
                        return
                elif code != pcsc.E_TIMEOUT:
                    self.error = f"0x{code:08X}"
                    return
            self.error = "the card was not seen within 10 s"
        finally:
            self.ready.set()
            pcsc.release_context(context)


def _pcsc_tap_row(rig: Any, samples: int, stack: str, log: Log) -> dict[str, Any]:
    """Taps through ``PcscRig.insert``, timed from the moment the card process is connected to vpcd (the card
    is in the field: ``insert`` then waits for pcscd to see it) to the running reader's ``CardPresented``.
    Each tap starts at a random point of pcscd's 0.4 s poll: right after a removal (itself seen on a poll) the
    next tap would otherwise always land at the same phase."""
    from devices.base import ReaderConfig
    from devices.events import CardPresented, CardRemoved, ReaderAdded, ReaderEvent, ReadError
    from devices.pcsc import PcscReader
    from devices.testbed.pcsc.cards import Type2Card

    log(f"readers: pcsc_tap, {samples} taps (about a second each)")
    uri = rig.reader_uri(0)
    added = threading.Event()
    presented = threading.Event()
    removed = threading.Event()
    presented_at: list[int] = []
    errors: list[str] = []
    ready_at: list[int] = []
    wait_for_card = rig.wait_for_card

    def card_ready(slot: int, *, present: bool, timeout: float = 3.0) -> None:
        # PcscRig.insert calls this as soon as the card process reports "ready" (connected to vpcd).
        if present:
            ready_at.append(time.perf_counter_ns())
        wait_for_card(slot, present=present, timeout=timeout)

    def sink(event: ReaderEvent) -> None:
        if isinstance(event, ReaderAdded) and event.reader == uri:
            added.set()
        elif isinstance(event, CardPresented) and event.reader == uri:
            presented_at.append(time.perf_counter_ns())
            if event.member_ref is None:
                errors.append(f"no member reference: {event!r}")
            presented.set()
        elif isinstance(event, CardRemoved) and event.reader == uri:
            removed.set()
        elif isinstance(event, ReadError):
            errors.append(f"{event.code}: {event.message}")

    rng = random.Random(7)
    reader = PcscReader(uri, ReaderConfig(uid_key=UID_KEY))
    reader.start(sink)
    rig.wait_for_card = card_ready
    service: list[int] = []
    baseline: list[int] = []
    spawn: list[int] = []
    try:
        if not added.wait(5):
            raise RuntimeError(f"the reader did not find {uri}")
        card = Type2Card()
        for _ in range(samples):
            time.sleep(rng.uniform(0, POLL_SECONDS))
            presented.clear()
            removed.clear()
            presented_at.clear()
            ready_at.clear()
            watch = _RawWatch(rig.reader_name(0))
            watch.start()
            watch.ready.wait(5)
            start = time.perf_counter_ns()
            rig.insert(card)
            if not presented.wait(5) or errors:
                raise RuntimeError("; ".join(errors) or "no CardPresented within 5 s")
            watch.join(10)
            if watch.seen_ns is None:
                raise RuntimeError(f"the raw watch did not see the card: {watch.error}")
            if not ready_at:
                raise RuntimeError("PcscRig.insert did not wait for the card")
            service.append(presented_at[0] - ready_at[0])
            baseline.append(watch.seen_ns - ready_at[0])
            spawn.append(ready_at[0] - start)
            rig.remove()
            if not removed.wait(5):
                raise RuntimeError("no CardRemoved within 5 s")
    finally:
        del rig.wait_for_card
        reader.stop()
    after = [max(0, s - b) for s, b in zip(service, baseline, strict=True)]
    return _row(
        "pcsc_tap",
        service,
        baseline,
        rig=stack,
        after_detection=summarize(after),
        card_start=summarize(spawn),
    )


# -- both --------------------------------------------------------------------------------------------------
def bench_readers(
    samples: int,
    *,
    warmup: int = READER_WARMUP,
    tap_samples: int | None = None,
    pcsc: bool = True,
    nfc: bool = True,
    log: Log = stderr_log,
) -> dict[str, dict[str, Any]]:
    """Every reader row (keys of ``READER_GROUPS``), as ``bench.measure.result_row`` makes them; a rig that
    cannot run gives rows with ``skipped`` (the reason) instead of figures."""
    taps = min(samples, TAP_SAMPLES) if tap_samples is None else tap_samples
    rows: dict[str, dict[str, Any]] = {}
    if pcsc:
        log(f"readers: PC/SC rig in a child process, {samples} reads per card, {taps} taps")
        rows.update(pcsc_rows_in_child(samples, warmup, taps))
    if nfc:
        try:
            rows.update(nfc_rows(samples, warmup, log))
        except Exception as err:
            log(f"readers: NFC rig failed: {err!r}")
            rows.update({key: skipped_row(key, f"failed: {err}") for key in NFC_KEYS})
    return {key: rows[key] for key in READER_KEYS if key in rows}


def combine_with_identify(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The whole path, reader event → member with balance: each reader row's p95 plus identify's p95 (the sum
    of the two p95s, a conservative stand-in for the p95 of the sum), against the DESIGN.md target. Marks the
    reader rows' ``ok`` by it. Empty when identify or the reader rows did not run."""
    identify = results.get("identify")
    if not identify or "p95_ms" not in identify:
        return []
    combined: list[dict[str, Any]] = []
    for key in COMBINED_KEYS:
        row = results.get(key)
        if not row or "p95_ms" not in row:
            continue
        total = round(row["p95_ms"] + identify["p95_ms"], 3)
        row["with_identify_p95_ms"] = total
        row["ok"] = total <= WHOLE_PATH_P95_MS
        combined.append(
            {
                "reader": key,
                "reader_p95_ms": row["p95_ms"],
                "identify_p95_ms": identify["p95_ms"],
                "p95_ms": total,
                "target": f"p95 ≤ {WHOLE_PATH_P95_MS:g} ms",
                "ok": row["ok"],
            }
        )
    return combined


_SHORT = {
    "pcsc_uid": "PC/SC UID-only",
    "pcsc_type2": "PC/SC Type 2",
    "pcsc_type4": "PC/SC Type 4",
    "pcsc_tap": "PC/SC tap",
    "nfc_type2": "NFC NTAG213",
    "nfc_type4": "NFC Type 4",
}


def reader_notes(report: dict[str, Any]) -> list[str]:
    """The lines under the table about the reader rows: baselines, skips, the tap row, the whole path."""
    results = report["results"]
    rows = {key: results[key] for key in READER_KEYS if key in results}
    if not rows:
        return []
    lines: list[str] = []
    skipped: dict[str, list[str]] = {}
    for key, row in rows.items():
        if row.get("skipped"):
            skipped.setdefault(row["skipped"], []).append(_SHORT[key])
    for reason, names in skipped.items():
        lines.append(f"skipped: {', '.join(names)}: {reason}")
    measured = {key for key, row in rows.items() if not row.get("skipped")}
    baselines = []
    if measured & set(PCSC_KEYS[:3]):
        baselines.append("PC/SC reads: SCardTransmit of GET UID on a held connection")
    if measured & set(NFC_KEYS):
        baselines.append(
            "NFC: one clf.exchange frame on the activated tag (Type 2: READ page 0; Type 4: R(NAK))"
        )
    if baselines:
        lines.append("reader baselines: " + "; ".join(baselines))
    tap = rows.get("pcsc_tap")
    if tap is not None and not tap.get("skipped"):
        after = tap.get("after_detection") or {}
        start = tap.get("card_start") or {}
        lines.append(
            "PC/SC tap: card connected to vpcd → CardPresented; base: → a raw SCardGetStatusChange sees it. "
            "pcscd asks vpcd for a card every 0.4 s,"
        )
        lines.append(
            "  so a tap waits 0-400 ms for that poll (the rig's driver, not the till); after pcscd reported the "
            f"card the reader took p50 {_fmt(after.get('p50_ms'))} / p95 {_fmt(after.get('p95_ms'))} ms; "
            f"starting the card process (not counted) took p50 {_fmt(start.get('p50_ms'))} ms"
        )
    whole_path: list[dict[str, Any]] = report.get("whole_path") or []
    if whole_path:
        lines.append(
            "reader event → member with balance, whole path = reader p95 + identify p95 "
            f"(target {whole_path[0]['target']}):"
        )
    for item in whole_path:
        verdict = "ok" if item["ok"] else "MISS"
        lines.append(
            f"  {_SHORT[item['reader']]}: {_fmt(item['reader_p95_ms'])} + {_fmt(item['identify_p95_ms'])} "
            f"= {_fmt(item['p95_ms'])} ms  {verdict}"
        )
    return lines


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


__all__ = [
    "READER_GROUPS",
    "READER_KEYS",
    "bench_readers",
    "combine_with_identify",
    "nfc_rows",
    "pcsc_rows",
    "pcsc_rows_in_child",
    "reader_notes",
]
