"""The store-scale benchmarks: the till's services on a generated dataset, each next to the raw library doing
the minimum work on the same file in the same run, against the targets in DESIGN.md.

What is measured (``time.perf_counter_ns`` around each call, after a warm-up):

* award / redeem committed: ``PointsService.award`` / ``redeem`` for random members (redeem: members holding at
  least 100 points); baseline: one ledger-entry-shaped ``INSERT`` into a scratch table plus ``COMMIT`` through
  ``sqlite3`` with the till's durability (WAL, ``synchronous=FULL``). Service and baseline calls alternate,
  so both see the same checkpoints and the same machine noise.
* member search as you type: ``MemberService.search`` for name prefixes drawn from the members (one to three
  words, accented or not), phone prefixes ('0912', '+8491234') and member-number prefixes; baseline: the raw
  FTS5 ``MATCH`` (names) or the index range scan (phones, numbers) the search is built on.
* identify: ``CardService.identify`` for existing cards (token to member on screen with balance); baseline:
  the card by token and the member by id through ``sqlite3``.
* cold open: ``open_store`` (as the app calls it) + ``TillServices.open`` + the active program; also without
  ``quick_check`` and as a fresh process (interpreter, imports, open); baseline: ``sqlite3.connect`` + a read.
* till memory: resident set size of this process once the in-process benchmarks have run.
* card readers (``bench/readers.py``, after the rest; ``--no-readers`` leaves them out, ``python -m bench
  readers`` runs only them): card on the PC/SC and NFC test rigs to a member reference, next to each rig's raw
  round trip; with identify, the whole path "reader event → member with balance".

The benchmarks append to the dataset (awards, redemptions, audit rows); the scratch table is dropped at the end.
"""

from __future__ import annotations

import cProfile
import json
import math
import os
import platform
import pstats
import random
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import event

from app.services import Actor, TillServices
from app.store.db import Store, open_store
from app.store.operational import retry_when_busy
from app.store.writers import WriterQueue
from bench.contention import second_writer
from bench.generate import (
    CASHIER,
    MARKER_KEY,
    dataset_is_complete,
    default_dataset_path,
    read_marker,
    stderr_log,
)
from bench.measure import Log, Target, result_row, timed
from loyalty.errors import LoyaltyError
from loyalty.money import Money
from loyalty.quote import Basket
from loyalty.text import search_terms

DEFAULT_RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
READER_RESULTS = DEFAULT_RESULTS.with_name("readers.json")
OPERATIONS = ("award", "redeem", "search", "identify")
SCRATCH_TABLE = "bench_baseline"
WARMUP = 50
COLD_SAMPLES = 5

# -- targets ---------------------------------------------------------------------------------------------
COMMIT = Target("p99 ≤ 10 ms; ≤ 3× raw (p50)", p99_ms=10, ratio=3)
SEARCH = Target("p95 ≤ 20 ms", p95_ms=20)
IDENTIFY = Target("p95 ≤ 50 ms", p95_ms=50)
COLD = Target("≤ 2 s (every sample)", max_ms=2000)
MEMORY = Target("≤ 250 MB RSS", max_mb=250)
TWO_WRITERS = Target("reported (single-writer row above)")

ROWS: tuple[tuple[str, str, Target | None], ...] = (
    ("identify", "reader event → member with balance", IDENTIFY),
    ("search", "member search as you type (all)", SEARCH),
    ("search_name", "  by name", SEARCH),
    ("search_phone", "  by phone", SEARCH),
    ("search_number", "  by member number", SEARCH),
    ("award", "award committed (durable)", COMMIT),
    ("award_two_writers", "  while a 2nd process awards every 20 ms", TWO_WRITERS),
    ("award_two_writers_flat", "  while a 2nd process awards flat out", TWO_WRITERS),
    ("redeem", "redeem committed (durable)", COMMIT),
    ("cold_open", "cold open: open_store + services", COLD),
    ("cold_process", "cold start, new process", COLD),
    ("cold_open_checked", "  after unclean shutdown (quick_check)", COLD),
    ("rss", "till memory (RSS after the run)", MEMORY),
)
"""Result keys in report order, with their label and DESIGN.md target."""
OPTIONAL_ROWS = frozenset({"cold_open_checked"})
"""Rows measured only on request (``--full-check``): on a store-scale file they take minutes."""


# -- the workload ----------------------------------------------------------------------------------------
@dataclass
class Workload:
    path: Path
    store: Store
    svc: TillServices
    cashier: Actor
    raw: sqlite3.Connection
    rng: random.Random
    run_id: str

    @classmethod
    @contextmanager
    def open(cls, path: Path, seed: int) -> Iterator[Workload]:
        store = open_store(path, quick_check=False)
        try:
            svc = TillServices.open(store)
            cashier = svc.staff.sign_in(CASHIER[0], CASHIER[2])
            with closing(sqlite3.connect(path, isolation_level=None, timeout=10.0)) as raw:
                for pragma in ("busy_timeout = 10000", "journal_mode = WAL", "synchronous = FULL"):
                    raw.execute(f"PRAGMA {pragma}")
                yield cls(path, store, svc, cashier, raw, random.Random(seed), f"{time.time_ns() // 1000:x}")
        finally:
            store.close()

    # -- choosing members, cards and queries -------------------------------------------------------------
    def random_rows(self, table: str, columns: str, where: str, count: int) -> list[tuple[Any, ...]]:
        """``count`` random rows of ``table`` matching ``where``, drawn by rowid (tables here have no gaps)."""
        top = self.raw.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        found: list[tuple[Any, ...]] = []
        seen: set[int] = set()
        attempts = 0
        while len(found) < count and attempts < count * 50 and top:
            attempts += 1
            rowid = self.rng.randint(1, top)
            if rowid in seen:
                continue
            seen.add(rowid)
            row = self.raw.execute(
                f"SELECT {columns} FROM {table} WHERE rowid = ? AND {where}", (rowid,)
            ).fetchone()
            if row is not None:
                found.append(tuple(row))
        return found

    def name_query(self, full_name: str) -> str:
        """What a cashier types for a name: one to three words, the last one often unfinished, accents optional."""
        words = full_name.split()
        rng = self.rng
        shape = rng.random()
        if shape < 0.3:
            picked = [words[-1]]  # the given name: 'hùng'
        elif shape < 0.7:
            picked = words[:2]  # family + middle: 'nguyen van', 'Trần Th'
        else:
            picked = words[:3]
        last = picked[-1]
        if rng.random() < 0.5 and len(last) > 2:
            picked[-1] = last[: rng.randint(2, len(last) - 1)]
        text = " ".join(picked)
        form = rng.random()
        if form < 0.45:
            text = " ".join(search_terms(text))  # typed without accents, lower case
        elif form < 0.6:
            text = text.lower()
        return text

    def phone_query(self, phone: str) -> str:
        digits = phone[3:]  # '+84' stripped: '912345678'
        if self.rng.random() < 0.7:
            return "0" + digits[: self.rng.randint(3, 9)]  # '0912', '091234567'
        return "+84" + digits[: self.rng.randint(2, 7)]  # '+8491234'

    def number_query(self, number: str) -> str:
        return number[: self.rng.randint(4, len(number))]


def _raw_identify(raw: sqlite3.Connection, token: str) -> Any:
    card = raw.execute("SELECT member_id, status FROM cards WHERE token = ?", (token,)).fetchone()
    return raw.execute("SELECT * FROM members WHERE id = ?", (card[0],)).fetchone()


def _raw_fts(raw: sqlite3.Connection, expression: str) -> list[Any]:
    return raw.execute(
        "SELECT rowid FROM members_fts WHERE members_fts MATCH ? LIMIT 20", (expression,)
    ).fetchall()


def _raw_range(raw: sqlite3.Connection, column: str, low: str) -> list[Any]:
    return raw.execute(
        f"SELECT id FROM members WHERE {column} >= ? AND {column} < ? LIMIT 20", (low, _upper(low))
    ).fetchall()


def _fts_expression(query: str) -> str:
    return " ".join('"' + t.replace('"', "") + '"*' for t in search_terms(query))


def _phone_prefix(query: str) -> str:
    digits = "".join(ch for ch in query if ch.isdigit())
    return "+84" + digits[1:] if digits.startswith("0") else "+" + digits


def _upper(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# -- the measurements ------------------------------------------------------------------------------------
def bench_identify(w: Workload, samples: int, warmup: int) -> dict[str, Any]:
    tokens = [r[0] for r in w.random_rows("cards", "token", "status = 'active'", samples + warmup)]
    raw = w.raw
    svc_ns: list[int] = []
    base_ns: list[int] = []
    for i, token in enumerate(tokens):
        t_svc, view = timed(w.svc.cards.identify, token)
        t_base, _ = timed(_raw_identify, raw, token)
        assert view.balance >= 0
        if i >= warmup:
            svc_ns.append(t_svc)
            base_ns.append(t_base)
    return result_row(
        svc_ns,
        base_ns,
        what="CardService.identify(token)",
        baseline_what="sqlite3: card by token + member by id",
        target=IDENTIFY,
    )


def bench_search(w: Workload, samples: int, warmup: int) -> dict[str, dict[str, Any]]:
    people = w.random_rows("members", "full_name, phone, member_number", "1", max(50, samples // 4))
    rng = w.rng
    # 60 % names, 25 % phone numbers, 15 % member numbers; every kind at least once.
    phones = max(1, round(samples * 0.25))
    numbers = max(1, round(samples * 0.15))
    kinds = ["phone"] * phones + ["number"] * numbers
    kinds += ["name"] * max(1, samples - len(kinds))
    rng.shuffle(kinds)
    kinds = [rng.choice(("name", "name", "phone")) for _ in range(warmup)] + kinds
    queries: list[tuple[str, str]] = []
    for kind in kinds:
        name, phone, number = people[rng.randrange(len(people))]
        if kind == "phone":
            while not phone:
                name, phone, number = people[rng.randrange(len(people))]
            queries.append((kind, w.phone_query(phone)))
        elif kind == "number":
            queries.append((kind, w.number_query(number)))
        else:
            queries.append((kind, w.name_query(name)))
    raw = w.raw
    by_kind: dict[str, tuple[list[int], list[int]]] = {k: ([], []) for k in ("name", "phone", "number")}
    hits_total = 0
    for i, (kind, q) in enumerate(queries):
        t_svc, hits = timed(w.svc.members.search, q)
        hits_total += len(hits)
        if kind == "name":
            t_base, _ = timed(_raw_fts, raw, _fts_expression(q))
        elif kind == "phone":
            t_base, _ = timed(_raw_range, raw, "phone", _phone_prefix(q))
        else:
            t_base, _ = timed(_raw_range, raw, "member_number", q)
        if i >= warmup:
            by_kind[kind][0].append(t_svc)
            by_kind[kind][1].append(t_base)
    measured = queries[warmup:]
    examples = {k: [q for kk, q in measured if kk == k][:6] for k in by_kind}
    all_svc = [t for s, _ in by_kind.values() for t in s]
    all_base = [t for _, b in by_kind.values() for t in b]
    out = {
        "search": result_row(
            all_svc,
            all_base,
            what="MemberService.search(q), mixed queries",
            baseline_what="sqlite3: FTS5 MATCH / index range scan",
            target=SEARCH,
            mean_hits=round(hits_total / max(1, len(queries)), 1),
        )
    }
    labels = {
        "name": "sqlite3: SELECT rowid FROM members_fts WHERE MATCH ? LIMIT 20",
        "phone": "sqlite3: phone range scan LIMIT 20",
        "number": "sqlite3: member_number range scan LIMIT 20",
    }
    for kind, (svc_ns, base_ns) in by_kind.items():
        out[f"search_{kind}"] = result_row(
            svc_ns,
            base_ns,
            what=f"MemberService.search, {kind} prefixes",
            baseline_what=labels[kind],
            target=SEARCH,
            examples=examples[kind],
        )
    return out


def _scratch(raw: sqlite3.Connection) -> None:
    raw.execute(
        f"CREATE TABLE IF NOT EXISTS {SCRATCH_TABLE} (id TEXT PRIMARY KEY, member_id TEXT NOT NULL, "
        "kind TEXT NOT NULL, points INTEGER NOT NULL, amount_minor INTEGER, currency TEXT, receipt_ref TEXT, "
        "store_id TEXT NOT NULL, till_id TEXT NOT NULL, seq INTEGER NOT NULL, staff_id TEXT, "
        "program_version TEXT NOT NULL, created_at TEXT NOT NULL)"
    )


def _raw_commit(raw: sqlite3.Connection, i: int, member_id: str, amount: int) -> None:
    raw.execute("BEGIN IMMEDIATE")
    raw.execute(
        f"INSERT INTO {SCRATCH_TABLE} VALUES (?, ?, 'earn', ?, ?, 'VND', ?, 'bench', 'bench', ?, 'bench', "
        "'bench', ?)",
        (
            f"{time.time_ns():x}-{i}",
            member_id,
            amount // 10_000,
            amount,
            f"R{i}",
            i,
            datetime.now(UTC).isoformat(),
        ),
    )
    raw.execute("COMMIT")


AMOUNTS = (25_000, 48_000, 89_000, 120_000, 185_000, 250_000, 399_000, 560_000, 1_250_000)


def bench_award(w: Workload, samples: int, warmup: int) -> dict[str, Any]:
    members = [r[0] for r in w.random_rows("members", "id", "status = 'active'", samples + warmup)]
    _scratch(w.raw)
    svc_ns: list[int] = []
    base_ns: list[int] = []
    for i, member_id in enumerate(members):
        amount = AMOUNTS[w.rng.randrange(len(AMOUNTS))]
        receipt = f"B{w.run_id}A{i}"
        basket = Basket.of_total(Money(amount))
        t_svc, _ = timed(w.svc.points.award, w.cashier, member_id, basket, receipt)
        t_base, _ = timed(_raw_commit, w.raw, i, member_id, amount)
        if i >= warmup:
            svc_ns.append(t_svc)
            base_ns.append(t_base)
    return result_row(
        svc_ns,
        base_ns,
        what="PointsService.award(...) committed",
        baseline_what="sqlite3: INSERT one ledger-shaped row + COMMIT (WAL, synchronous=FULL)",
        target=COMMIT,
    )


SECOND_WRITER_PAUSE_MS = 20.0
"""The paced second writer: an award every 20 ms (50 a second, far busier than a second till window or a
script); the flat-out one never pauses and shows the worst case."""


def bench_award_two_writers(w: Workload, samples: int, warmup: int, pause_ms: float) -> dict[str, Any]:
    """Awards while another process awards, ``pause_ms`` apart (bench/contention.py): the window and a command
    line on one till. Calls go through ``retry_when_busy`` as the command line's do. The baseline's raw commits
    meet the same second writer and take their turn in the same writers' queue (app/store/writers.py): with
    SQLite's sleeping busy handler alone, a raw commit waits up to seconds behind a writer that never pauses,
    which measures SQLite's unfairness rather than the till's cost."""
    members = [r[0] for r in w.random_rows("members", "id", "status = 'active'", samples + warmup)]
    _scratch(w.raw)
    svc_ns: list[int] = []
    base_ns: list[int] = []
    queue = WriterQueue(w.path)

    def raw_commit_in_turn(i: int, member_id: str, amount: int) -> None:
        with queue.turn():
            _raw_commit(w.raw, i, member_id, amount)

    with second_writer(w.path, pause_ms=pause_ms) as writer:
        for i, member_id in enumerate(members):
            amount = AMOUNTS[w.rng.randrange(len(AMOUNTS))]
            basket = Basket.of_total(Money(amount))
            t_svc, _ = timed(
                retry_when_busy,
                w.svc.points.award,
                w.cashier,
                member_id,
                basket,
                f"B{w.run_id}C{pause_ms:g}-{i}",
            )
            t_base, _ = timed(raw_commit_in_turn, samples + warmup + i, member_id, amount)
            if i >= warmup:
                svc_ns.append(t_svc)
                base_ns.append(t_base)
    queue.close()
    row = result_row(
        svc_ns,
        base_ns,
        what="PointsService.award(...) committed while a second process awards",
        baseline_what="sqlite3: INSERT + COMMIT in the writers' queue, same second writer",
        target=TWO_WRITERS,
    )
    row["second_writer"] = writer.summary
    return row


def bench_redeem(w: Workload, samples: int, warmup: int) -> dict[str, Any]:
    program = w.svc.programs.active()
    red = program.redemption
    wanted = samples + warmup
    rows = w.raw.execute(
        "SELECT id, balance FROM members WHERE status = 'active' AND balance >= 100 ORDER BY random() LIMIT ?",
        (wanted,),
    ).fetchall()
    _scratch(w.raw)
    svc_ns: list[int] = []
    base_ns: list[int] = []
    refused = 0
    for i, (member_id, balance) in enumerate(rows):
        points = min(balance, w.rng.choice((50, 80, 100)), red.manager_approval_over or balance)
        points = max(points, red.minimum_points)
        value = points * red.point_value
        bill = Money(-(-value * 100 // red.max_bill_share_percent) + 10_000)
        receipt = f"B{w.run_id}R{i}"
        start = time.perf_counter_ns()
        try:
            w.svc.points.redeem(w.cashier, member_id, points, bill=bill, receipt_ref=receipt)
        except LoyaltyError:
            refused += 1  # points that expired since the dataset was made: not a commit, not timed
            continue
        t_svc = time.perf_counter_ns() - start
        t_base, _ = timed(_raw_commit, w.raw, i, member_id, value)
        if i >= warmup:
            svc_ns.append(t_svc)
            base_ns.append(t_base)
    return result_row(
        svc_ns,
        base_ns,
        what="PointsService.redeem(...) committed",
        baseline_what="sqlite3: INSERT one ledger-shaped row + COMMIT (WAL, synchronous=FULL)",
        target=COMMIT,
        refused=refused,
    )


_COLD_CODE = """
import sys, time
start = time.perf_counter()
from pathlib import Path
from app.services import TillServices
from app.store.db import open_store
store = open_store(Path(sys.argv[1]))
TillServices.open(store).programs.active()
print(time.perf_counter() - start)
store.close()
"""
_RAW_COLD_CODE = """
import sys, time, sqlite3
start = time.perf_counter()
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT value FROM settings WHERE key = 'store_id'").fetchone()
print(time.perf_counter() - start)
conn.close()
"""


def bench_cold(path: Path, samples: int, *, full_check: bool = False) -> dict[str, dict[str, Any]]:
    """Open as the app does (``open_store``'s defaults decide on ``quick_check``), in this process and in a new
    one. With ``full_check``, also once with ``quick_check=True``: what a start after an unclean shutdown (a
    non-empty WAL) costs, since ``open_store`` then checks the whole file."""

    def open_ready(**options: Any) -> None:
        store = open_store(path, **options)
        try:
            TillServices.open(store).programs.active()
        finally:
            store.close()

    def raw_open() -> None:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("SELECT value FROM settings WHERE key = 'store_id'").fetchone()

    opened: list[int] = []
    base: list[int] = []
    proc: list[int] = []
    proc_base: list[int] = []
    for _ in range(samples):
        opened.append(timed(open_ready)[0])
        base.append(timed(raw_open)[0])
        for code, into in ((_COLD_CODE, proc), (_RAW_COLD_CODE, proc_base)):
            start = time.perf_counter_ns()
            subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True)
            into.append(time.perf_counter_ns() - start)
    rows = {
        "cold_open": result_row(
            opened,
            base,
            what="open_store(path) with the app's defaults + TillServices.open + active program",
            baseline_what="sqlite3.connect + one SELECT",
            target=COLD,
        ),
        "cold_process": result_row(
            proc,
            proc_base,
            what="new Python process: imports + open_store + TillServices.open + active program",
            baseline_what="new Python process: sqlite3.connect + one SELECT",
            target=COLD,
        ),
    }
    if full_check:
        checked = [timed(open_ready, quick_check=True)[0]]
        rows["cold_open_checked"] = result_row(
            checked,
            base,
            what="open_store(path, quick_check=True): the start after an unclean shutdown",
            baseline_what="sqlite3.connect + one SELECT",
            target=COLD,
        )
    return rows


def memory_row(before_open_mb: float) -> dict[str, Any]:
    status = Path("/proc/self/status")
    rss = hwm = None
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    current = rss if rss is not None else peak
    row: dict[str, Any] = {
        "what": "resident set size of the benchmark process (services + store) after the run",
        "mb": round(current, 1),
        "peak_mb": round(hwm if hwm is not None else peak, 1),
        "before_open_mb": round(before_open_mb, 1),
        "baseline": None,
        "target": MEMORY.text,
    }
    row["ok"] = MEMORY.met(row)
    return row


def _rss_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- report ----------------------------------------------------------------------------------------------
def machine_facts() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
    }


def dataset_facts(path: Path) -> dict[str, Any]:
    marker = read_marker(path) or {}
    with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
        counts = {
            table: conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
            for table in ("members", "ledger_entries", "lots", "cards")
        }
    return {
        "file": path.name,
        "size_gb": round(path.stat().st_size / 1e9, 2),
        "rows_now": counts,
        "generated": marker.get("written"),
        "history": [marker.get("first_day"), marker.get("last_day")],
    }


def run_benchmarks(
    path: Path,
    *,
    samples: int = 2000,
    seed: int = 7,
    warmup: int = WARMUP,
    cold_samples: int = COLD_SAMPLES,
    full_check: bool = False,
    log: Log = stderr_log,
) -> dict[str, Any]:
    """Measure everything on the dataset at ``path``; the report as a JSON-ready dict."""
    started = time.perf_counter()
    before_open = _rss_mb()
    results: dict[str, Any] = {}
    try:
        with Workload.open(path, seed) as w:
            log(f"identify: {samples} cards")
            results["identify"] = bench_identify(w, samples, warmup)
            log(f"search: {samples} queries")
            results.update(bench_search(w, samples, warmup))
            log(f"award: {samples} sales")
            results["award"] = bench_award(w, samples, warmup)
            log(f"award with a second writer: {samples} sales, then {samples} with one writing flat out")
            results["award_two_writers"] = bench_award_two_writers(w, samples, warmup, SECOND_WRITER_PAUSE_MS)
            results["award_two_writers_flat"] = bench_award_two_writers(w, samples, warmup, 0.0)
            log(f"redeem: {samples} redemptions")
            results["redeem"] = bench_redeem(w, samples, warmup)
            results["rss"] = memory_row(before_open)
            w.raw.execute(f"DROP TABLE IF EXISTS {SCRATCH_TABLE}")
    finally:
        with closing(sqlite3.connect(path, timeout=10.0)) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {SCRATCH_TABLE}")
    log(f"cold open: {cold_samples} times each way" + (", then once with quick_check" if full_check else ""))
    results.update(bench_cold(path, cold_samples, full_check=full_check))
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "dataset": dataset_facts(path),
        "samples": samples,
        "warmup": warmup,
        "seconds": round(time.perf_counter() - started, 1),
        "results": {key: results[key] for key, _, _ in ROWS if key in results},
    }


def _ms(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}×"


def _cells(label: str, row: dict[str, Any]) -> tuple[str, ...]:
    ok = {True: "ok", False: "MISS", None: ""}[row.get("ok")]
    if row.get("skipped"):
        return (label, "skipped", "", "", "", "", "", "", "", "", row.get("target") or "", "")
    base = row.get("baseline") or {}
    return (
        label,
        str(row["n"]),
        _ms(row["p50_ms"]),
        _ms(row["p95_ms"]),
        _ms(row["p99_ms"]),
        _ms(base.get("p50_ms")),
        _ms(base.get("p95_ms")),
        _ms(base.get("p99_ms")),
        _ratio(row.get("ratio_p50")),
        _ratio(row.get("ratio_p99")),
        row.get("target") or "",
        ok,
    )


def format_table(report: dict[str, Any]) -> str:
    from bench.readers import READER_GROUPS, reader_notes

    m = report["machine"]
    lines = [
        f"Loyalty Till benchmarks — {report['when']}",
        f"machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB RAM, {m['os']}; "
        f"Python {m['python']}, SQLite {m['sqlite']}, SQLAlchemy {m['sqlalchemy']}",
    ]
    d = report.get("dataset")
    if d is not None:
        lines.append(
            f"dataset: {d['file']} ({d['size_gb']} GB): {d['rows_now']['members']:,} members, "
            f"{d['rows_now']['ledger_entries']:,} ledger entries, {d['rows_now']['lots']:,} lots, "
            f"{d['rows_now']['cards']:,} cards; history {d['history'][0]} .. {d['history'][1]}"
        )
        lines.append(
            f"samples: {report['samples']} per operation after {report['warmup']} warm-up calls "
            "(cold start: as listed in n); times in ms"
        )
    readers = report.get("readers")
    if readers is not None:
        lines.append(
            f"readers: {readers['samples']} reads per card after {readers['warmup']} warm-up reads, "
            f"{readers['tap_samples']} taps; times in ms"
        )
    lines.append("")
    header = (
        "what",
        "n",
        "p50",
        "p95",
        "p99",
        "base p50",
        "base p95",
        "base p99",
        "×p50",
        "×p99",
        "target",
        "ok",
    )
    table: list[tuple[str, ...]] = [header]
    for key, label, _target in ROWS:
        row = report["results"].get(key)
        if row is None:
            continue
        if key == "rss":
            ok = {True: "ok", False: "MISS", None: ""}[row.get("ok")]
            table.append(
                (label, "", f"{row['mb']:.0f} MB", f"peak {row['peak_mb']:.0f}", "", "", "", "", "", "",
                 row["target"] or "", ok)
            )  # fmt: skip
            continue
        table.append(_cells(label, row))
    for heading, members in READER_GROUPS:
        present = [(key, label) for key, label in members if key in report["results"]]
        if present:
            table.append((heading, *[""] * (len(header) - 1)))
        table += [_cells(label, report["results"][key]) for key, label in present]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for n, r in enumerate(table):
        cells = [r[0].ljust(widths[0])] + [c.rjust(widths[i]) for i, c in enumerate(r[1:-2], 1)]
        cells += [r[-2].ljust(widths[-2]), r[-1]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    redeem = report["results"].get("redeem")
    if redeem and redeem.get("refused"):
        lines.append(f"redeem: {redeem['refused']} refused (points expired since generation), not timed")
    for key in ("award_two_writers", "award_two_writers_flat"):
        other = (report["results"].get(key) or {}).get("second_writer")
        if other:
            lines.append(
                f"{key}: the second writer (pause {other.get('pause_ms')} ms) committed {other.get('awards')} "
                f"awards in {other.get('seconds')} s ({other.get('per_second')}/s), its p50 "
                f"{other.get('p50_ms')} ms, p99 {other.get('p99_ms')} ms, busy failures "
                f"{other.get('busy_failures')}"
            )
    store_baselines = [
        f"{key}: {row['baseline']['what']}"
        for key, row in report["results"].items()
        if row.get("baseline") and key in ("identify", "search_name", "award", "cold_open", "cold_process")
    ]
    if store_baselines:
        lines.append("baselines: " + "; ".join(store_baselines))
    lines += reader_notes(report)
    if "analytics" in report:
        from bench.analytics import analytics_lines

        lines += analytics_lines(report["analytics"])
    return "\n".join(lines)


# -- entry points ----------------------------------------------------------------------------------------
def resolve_dataset(members: int, entries: int, data: Path | None, log: Log = stderr_log) -> Path:
    """The dataset to use: ``data`` if given, else the cached default, generated in a child process (so this
    process's memory stays that of a till) when missing or incomplete."""
    if data is not None:
        if not data.is_file():
            raise SystemExit(f"no dataset at {data}")
        return data
    path = default_dataset_path(members, entries)
    if not dataset_is_complete(path, members, entries):
        log(f"building the dataset {path.name} (once; reused afterwards)")
        command = [
            sys.executable,
            "-m",
            "bench",
            "generate",
            "--members",
            str(members),
            "--entries",
            str(entries),
        ]
        subprocess.run([*command, "--force"], check=True)
    return path


def run_main(
    *,
    members: int,
    entries: int,
    samples: int,
    json_path: Path,
    data: Path | None,
    seed: int,
    full_check: bool = False,
    readers: bool = True,
    analytics: bool = True,
) -> int:
    path = resolve_dataset(members, entries, data)
    report = run_benchmarks(path, samples=samples, seed=seed, full_check=full_check)
    if readers:
        add_readers(report, samples)
    if analytics:
        add_analytics(report, members, seed)
    print(format_table(report))
    _write_json(report, json_path)
    return 0


def add_analytics(report: dict[str, Any], members: int, seed: int, log: Log = stderr_log) -> None:
    """The insights refresh on purchases drawn for as many members as the dataset has, next to its baseline
    (bench/analytics.py), measured in a child process."""
    from bench.analytics import run_child

    log(f"analytics: the insights refresh for {members:,} members, and its baseline")
    report["analytics"] = run_child(members, seed)


def add_readers(report: dict[str, Any], samples: int, log: Log = stderr_log) -> None:
    """Measure the card readers' rows into ``report`` (after the store's, so the memory row stays the till's),
    with the whole path (reader + identify) where both ran."""
    from bench.readers import READER_WARMUP, TAP_SAMPLES, bench_readers, combine_with_identify

    started = time.perf_counter()
    report["results"].update(bench_readers(samples, log=log))
    report["readers"] = {
        "samples": samples,
        "warmup": READER_WARMUP,
        "tap_samples": min(samples, TAP_SAMPLES),
        "seconds": round(time.perf_counter() - started, 1),
    }
    report["whole_path"] = combine_with_identify(report["results"])


def readers_main(*, samples: int, json_path: Path) -> int:
    """Only the card readers' rows (no dataset needed): ``python -m bench readers``."""
    report: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "results": {},
    }
    add_readers(report, samples)
    print(format_table(report))
    _write_json(report, json_path)
    return 0


def _write_json(report: dict[str, Any], json_path: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {json_path.name} in {json_path.parent.name}/", file=sys.stderr)


@contextmanager
def statement_timer(store: Store) -> Iterator[dict[str, list[float]]]:
    """Wall time per SQL statement text while the block runs (SQLAlchemy cursor events)."""
    stats: dict[str, list[float]] = {}

    def before(conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        conn.info.setdefault("bench_t0", []).append(time.perf_counter())

    def after(conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        spent = time.perf_counter() - conn.info["bench_t0"].pop()
        entry = stats.setdefault(" ".join(statement.split())[:150], [0, 0.0])
        entry[0] += 1
        entry[1] += spent

    event.listen(store.engine, "before_cursor_execute", before)
    event.listen(store.engine, "after_cursor_execute", after)
    try:
        yield stats
    finally:
        event.remove(store.engine, "before_cursor_execute", before)
        event.remove(store.engine, "after_cursor_execute", after)


def profile_main(*, members: int, entries: int, op: str, calls: int, data: Path | None, top: int) -> int:
    path = resolve_dataset(members, entries, data)
    with Workload.open(path, seed=11) as w:
        if op == "award":
            ids = [r[0] for r in w.random_rows("members", "id", "status = 'active'", calls)]

            def work() -> None:
                for i, mid in enumerate(ids):
                    w.svc.points.award(w.cashier, mid, Basket.of_total(Money(185_000)), f"P{w.run_id}A{i}")
        elif op == "redeem":
            rows = w.raw.execute(
                "SELECT id FROM members WHERE balance >= 100 ORDER BY random() LIMIT ?", (calls,)
            ).fetchall()

            def work() -> None:
                for i, (mid,) in enumerate(rows):
                    with suppress(LoyaltyError):
                        w.svc.points.redeem(
                            w.cashier, mid, 50, bill=Money(200_000), receipt_ref=f"P{w.run_id}R{i}"
                        )
        elif op == "identify":
            tokens = [r[0] for r in w.random_rows("cards", "token", "status = 'active'", calls)]

            def work() -> None:
                for token in tokens:
                    w.svc.cards.identify(token)
        else:
            people = w.random_rows("members", "full_name", "1", calls)
            queries = [w.name_query(p[0]) for p in people]

            def work() -> None:
                for q in queries:
                    w.svc.members.search(q)

        profiler = cProfile.Profile()
        with statement_timer(w.store) as stmts:
            start = time.perf_counter()
            profiler.enable()
            work()
            profiler.disable()
            spent = time.perf_counter() - start
        print(
            f"{op}: {calls} calls in {spent:.2f} s ({spent / max(1, calls) * 1000:.2f} ms per call, profiled)"
        )
        print("\nSQL statements by total time (count, total ms, ms per call):")
        for text, (count, total) in sorted(stmts.items(), key=lambda kv: -kv[1][1])[:15]:
            print(f"  {int(count):6d} {total * 1000:9.1f} {total * 1000 / count:8.3f}  {text}")
        print()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        w.raw.execute(f"DROP TABLE IF EXISTS {SCRATCH_TABLE}")
    return 0


__all__ = ["DEFAULT_RESULTS", "MARKER_KEY", "OPERATIONS", "format_table", "run_benchmarks"]
