"""The sync benchmarks (``python -m bench sync``): tills and the central as real processes on 127.0.0.1, the
central on a throwaway PostgreSQL cluster, each figure beside a same-run baseline.

- **push**: one till with 100,000 offline entries (``bench.sync_till``: written through the till's own write
  path) pushes them all with its sync engine (``bench.sync_worker``, a process of its own). Total seconds,
  items per second, batch round trips. Baseline: a raw ``COPY`` of the same rows into the central's
  ``entries`` table. Target (DESIGN.md): ≤ 20 s.
- **central ingest**: the entries applied per second of the central's time (the sum of the batches' round
  trips, as the till sees them), beside the rate of that ``COPY`` — the same rows, the same table, the same
  cluster, once the table is emptied. Targets: at least 30 % of COPY's rate; ≥ 10,000 entries/s.
- **50 tills at once**: 50 tills of one store (2,000 offline entries each, sold to the same 200 members, so
  their batches lock the same member rows) start pushing at the same instant, each with its own request
  timeout and backoff, as at a shop. Aggregate rate, every request's round trip (one that timed out counts
  with the time the till waited for it), and checks: every till finished, nothing is left waiting, the
  central holds for each till exactly the entries and points it committed, PostgreSQL's deadlock counter.
  Baseline: the single till of the push row. Target: p99 batch ≤ 2 s, no deadlock.
- **first pull**: 1,000,000 members loaded into the central with ``COPY`` (``bench.sync_central``), then an
  empty enrolled till pulls everything. Seconds, rows per second, the resident set size of the pulling
  process sampled every 0.2 s. Baseline: a server-side cursor streaming the same rows from PostgreSQL.
  Target: ≤ 60 s with progress, memory flat (no more than ``FLAT_MB`` of growth after the first tenth).
  A pull still going after ``pull_budget`` seconds is stopped and its total projected from its rate.
"""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text

from bench.measure import Log, percentile
from bench.sync_central import CentralRig, NoPostgres, central_rig, load_members, pid_rss_mb
from bench.sync_till import TillJob, TillMade, make_till, new_till
from bench.sync_worker import RESULT, STARTED
from sync.protocol import MAX_PAGE

PUSH_TARGET_S = 20.0
INGEST_SHARE = 0.30
INGEST_RATE = 10_000
FLEET_P99_S = 2.0
PULL_TARGET_S = 60.0
FLAT_MB = 20.0
"""Growth of the pulling process's memory after the first tenth of the pull that still counts as flat: a page
of changes is well under a megabyte, a leak of a few hundred bytes per member shows as hundreds."""
WORKER_TIMEOUT_S = 1800.0
RSS_EVERY_S = 0.2
SETUP_PROCESSES = 2

DEFAULT_RESULTS = Path("bench/results/sync.json")
ROWS = ("push", "tills", "pull")


@dataclass(frozen=True)
class SyncConfig:
    entries: int = 100_000
    """Offline entries the push row's till sends."""
    push_members: int = 5_000
    """Members of the push row's store (its till pulls them first)."""
    tills: int = 50
    till_entries: int = 2_000
    fleet_members: int = 200
    members: int = 1_000_000
    """Members the first pull takes in."""
    pull_budget: float = 600.0
    seed: int = 11
    rows: tuple[str, ...] = ROWS
    """Which rows to run (``push`` brings the central ingest row with it)."""
    central_workers: int = 1
    """Processes of the central (``python -m central serve --workers``)."""
    pull_page: int = MAX_PAGE
    """Changes per page of the first pull (the engine's default: the protocol's most)."""

    def check(self) -> None:
        if min(self.entries, self.push_members, self.tills, self.till_entries, self.fleet_members) < 1:
            raise ValueError("every size must be at least 1")
        if self.members < 100:
            raise ValueError("--members must be at least 100")
        if not 1 <= self.central_workers <= 16:
            raise ValueError("--central-workers must be 1 to 16")
        if self.pull_budget <= 0:
            raise ValueError("--pull-budget must be positive")
        if not 1 <= self.pull_page <= MAX_PAGE:
            raise ValueError(f"--pull-page must be 1 to {MAX_PAGE}")
        unknown = set(self.rows) - set(ROWS)
        if unknown or not self.rows:
            raise ValueError(
                f"--rows takes some of {', '.join(ROWS)}, not {', '.join(sorted(unknown)) or 'none'}"
            )


# -- workers ----------------------------------------------------------------------------------------------------
class Worker:
    """``python -m bench.sync_worker`` for one till; its stderr goes to ``log`` line by line."""

    def __init__(
        self,
        mode: str,
        data_dir: Path,
        label: str,
        log: Log | None,
        *,
        wait: bool = False,
        page: int | None = None,
    ) -> None:
        argv = [sys.executable, "-m", "bench.sync_worker", mode, str(data_dir), "--label", label]
        if wait:
            argv.append("--wait")
        if page is not None:
            argv += ["--page", str(page)]
        self.label = label
        self.lines: list[tuple[float, str]] = []
        """Its stderr, line by line, with the moment each was read."""
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE if wait else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        self._errors = threading.Thread(
            target=self._read_stderr, args=(self.process.stderr, log), daemon=True
        )
        self._errors.start()

    def _read_stderr(self, stream: IO[str], log: Log | None) -> None:
        for line in stream:
            self.lines.append((time.perf_counter(), line.rstrip()))
            if log is not None:
                log(line.rstrip())

    def ready(self) -> None:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            self.process.wait(timeout=30)
            raise RuntimeError(f"{self.label} did not start: {self.tail()}")

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def result(self, timeout: float = WORKER_TIMEOUT_S) -> dict[str, Any]:
        assert self.process.stdout is not None
        # Read to the end here: stderr has a reader of its own (``communicate`` would take lines from it).
        watchdog = threading.Timer(timeout, self.kill)
        watchdog.start()
        try:
            out = self.process.stdout.read()
            self.process.wait()
        finally:
            watchdog.cancel()
        self._errors.join(timeout=5)
        for line in reversed(out.splitlines()):
            if line.startswith(RESULT):
                found: dict[str, Any] = json.loads(line[len(RESULT) :])
                return found
        raise RuntimeError(f"{self.label} ended ({self.process.returncode}) without a result: {self.tail()}")

    def tail(self) -> str:
        return " | ".join(line for _, line in self.lines[-5:])

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _run_worker(mode: str, data_dir: Path, label: str, log: Log) -> dict[str, Any]:
    worker = Worker(mode, data_dir, label, log)
    try:
        result = worker.result()
    finally:
        worker.kill()
    if result["error"]:
        raise RuntimeError(f"{label}: {result['error']}")
    return result


def _batch_stats(batches: Sequence[Sequence[float]]) -> dict[str, Any]:
    """p50/p99/max of the batches' round trips, in ms."""
    ns = sorted(int(b[1] * 1e9) for b in batches)
    return {
        "n": len(ns),
        "p50_ms": round(percentile(ns, 50), 1),
        "p99_ms": round(percentile(ns, 99), 1),
        "max_ms": round(ns[-1] / 1e6, 1) if ns else math.nan,
    }


# -- the central's side of the checks ---------------------------------------------------------------------------
def central_holds(rig: CentralRig, till_id: str) -> tuple[int, int]:
    """(entries, sum of points) the central holds from one till."""
    with rig.engine.connect() as conn:
        row = conn.execute(
            text("SELECT count(*), coalesce(sum(points), 0) FROM entries WHERE till_id = :till"),
            {"till": till_id},
        ).one()
    return int(row[0]), int(row[1])


def deadlocks(rig: CentralRig) -> int:
    with rig.engine.connect() as conn:
        found = conn.execute(
            text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        ).scalar()
    return int(found or 0)


# -- 1 and 2: one till's push, the central's ingest beside COPY -----------------------------------------------
def bench_push(rig: CentralRig, folder: Path, cfg: SyncConfig, log: Log) -> tuple[dict[str, Any], TillMade]:
    log(f"push: a store of {cfg.push_members:,} members, a till with {cfg.entries:,} offline entries")
    rig.new_store("PUSH")
    load_members(rig, "PUSH", rig.writer("PUSH", "head office"), cfg.push_members, seed=cfg.seed, log=log)
    code = rig.enrollment_code("PUSH")
    till = make_till(TillJob(rig.url, code, folder / "PUSH-till01", 1, cfg.entries, cfg.seed + 1), log)
    log(f"  {till.sales.entries:,} entries written in {till.sales.seconds:.1f} s; pushing")
    result = _run_worker("push", till.data_dir, "push", log)
    holds = central_holds(rig, till.till_id)
    report = result["report"]
    seconds = result["seconds"]
    row: dict[str, Any] = {
        "what": f"one till pushes {till.committed[0]:,} offline entries (its sync engine, batches of up to 500)",
        "entries": till.committed[0],
        "seconds": round(seconds, 2),
        "items_per_s": round(till.committed[0] / seconds, 1) if seconds else None,
        "batches": _batch_stats(result["push"]),
        "applied": report["applied"],
        "refused": report["refused"],
        "failed_requests": len(result["failed"]),
        "left_waiting": report["waiting"],
        "central_holds": list(holds),
        "till_committed": list(till.committed),
        "agrees": holds == till.committed and report["waiting"] == 0,
        # Every request the central spent time on, answered or not (the ingest row's denominator).
        "push_round_trips_s": round(sum(b[1] for b in result["push"] + result["failed"]), 2),
        "target": f"≤ {PUSH_TARGET_S:.0f} s",
    }
    return row, till


ENTRY_COLUMNS = (
    "member_id, id, store_id, till_id, epoch, seq, kind, points, amount_minor, currency, program_version, "
    "created_at, prev_hash, hash, body"
)


def _copy_out(cur: Any, query: str, params: Any) -> bytes:
    """What ``COPY (query) TO STDOUT`` sends, as COPY text."""
    buffer = io.BytesIO()
    with cur.copy(f"COPY ({query}) TO STDOUT", params) as copy:
        for chunk in copy:
            buffer.write(chunk)
    return buffer.getvalue()


def _copy_in(cur: Any, statement: str, data: bytes) -> None:
    """COPY text into ``statement`` (``COPY … FROM STDIN``), a megabyte at a time."""
    with cur.copy(statement) as copy:
        view = memoryview(data)
        for at in range(0, len(data), 1 << 20):
            copy.write(view[at : at + (1 << 20)])


def _copy_rows(rig: CentralRig, till_id: str) -> bytes:
    """The till's rows of ``entries`` as COPY text, read before the table is emptied."""
    with rig.psycopg() as conn, conn.cursor() as cur:
        return _copy_out(cur, f"SELECT {ENTRY_COLUMNS} FROM entries WHERE till_id = %s", (till_id,))


def bench_copy(rig: CentralRig, till: TillMade, log: Log) -> dict[str, Any]:
    """COPY of the push's rows into the emptied ``entries`` table, committed (the rows are the same
    afterwards). The table started empty for the push too: the push row runs first on a new database."""
    rows = _copy_rows(rig, till.till_id)
    with rig.psycopg() as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM entries WHERE till_id <> %s", (till.till_id,))
        others = cur.fetchone()
        assert others is not None
        if others[0]:
            raise RuntimeError(
                "the entries table holds other tills' rows: the COPY would not be like for like"
            )
        cur.execute("TRUNCATE entries")
        conn.commit()
        log(f"COPY: {till.committed[0]:,} rows ({len(rows) / 1e6:.1f} MB) into the emptied entries table")
        started = time.perf_counter()
        _copy_in(cur, f"COPY entries ({ENTRY_COLUMNS}) FROM STDIN", rows)
        conn.commit()
        seconds = time.perf_counter() - started
    return {"rows": till.committed[0], "seconds": round(seconds, 3), "mb": round(len(rows) / 1e6, 1)}


PUSH_TABLES = (
    ("items", "till_id = %(till)s"),
    ("push_slots", "till_id = %(till)s"),
    ("ledger_positions", "till_id = %(till)s"),
    ("entries", "till_id = %(till)s"),
    ("lots", "id IN (SELECT id FROM entries WHERE till_id = %(till)s)"),
    ("lot_consumptions", "entry_id IN (SELECT id FROM entries WHERE till_id = %(till)s)"),
    ("receipt_awards", "till_id = %(till)s"),
    ("changes", "store_id = (SELECT store_id FROM tills WHERE id = %(till)s) AND kind <> 'member'"),
)
"""Every table a push of sales writes new rows to, and which of their rows the push wrote (the store of the
push row has no other till; its member changes came with its members, before the push). The members'
balances are updated, not inserted, and are left out."""


def bench_copy_all(rig: CentralRig, till: TillMade, log: Log) -> dict[str, Any]:
    """COPY of every row the push wrote, table by table, into empty copies of those tables (their indexes and
    constraints, not their foreign keys), in one transaction, committed: what PostgreSQL needs to store a
    push's rows at all, the floor under the central's ingest that no code above it can go below."""
    parts: list[tuple[str, bytes]] = []
    with rig.psycopg() as conn, conn.cursor() as cur:
        for table, where in PUSH_TABLES:
            parts.append(
                (table, _copy_out(cur, f"SELECT * FROM {table} WHERE {where}", {"till": till.till_id}))
            )
        for table, _rows in parts:
            cur.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
        conn.commit()
        rows = sum(data.count(b"\n") for _t, data in parts)
        log(
            f"COPY: {rows:,} rows of the push ({sum(len(d) for _t, d in parts) / 1e6:.1f} MB) into 8 empty tables"
        )
        started = time.perf_counter()
        for table, data in parts:
            _copy_in(cur, f"COPY floor_{table} FROM STDIN", data)
        conn.commit()
        seconds = time.perf_counter() - started
        for table, _rows in parts:
            cur.execute(f"DROP TABLE floor_{table}")
        conn.commit()
    return {
        "rows": rows,
        "tables": {table: data.count(b"\n") for table, data in parts},
        "seconds": round(seconds, 3),
    }


def ingest_row(push: dict[str, Any], copy: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    serving = push["push_round_trips_s"]
    rate = push["entries"] / serving if serving and push["agrees"] else 0.0
    copy_rate = copy["rows"] / copy["seconds"] if copy["seconds"] else math.inf
    share = rate / copy_rate if copy_rate else 0.0
    # The floor in entries a second: the push's entries over the time to COPY every row they brought.
    floor_rate = push["entries"] / floor["seconds"] if floor["seconds"] else math.inf
    return {
        "what": "entries applied per second of the central's time (the sum of the batches' round trips)",
        "entries_per_s": round(rate, 1),
        "baseline": {
            "what": "COPY of the same rows into the same (emptied) entries table, committed",
            "rows_per_s": round(copy_rate, 1),
            "seconds": copy["seconds"],
        },
        "floor": {
            "what": "COPY of every row the push wrote (8 tables) into empty copies of them, committed",
            "rows": floor["rows"],
            "tables": floor["tables"],
            "seconds": floor["seconds"],
            "entries_per_s": round(floor_rate, 1),
            "share_of_copy": round(floor_rate / copy_rate, 3) if copy_rate else None,
        },
        "share_of_copy": round(share, 3),
        "target": f"≥ {INGEST_SHARE:.0%} of COPY's rate; ≥ {INGEST_RATE:,} entries/s",
        "ok": share >= INGEST_SHARE and rate >= INGEST_RATE,
    }


# -- 3: many tills at once --------------------------------------------------------------------------------------
def bench_fleet(
    rig: CentralRig, folder: Path, cfg: SyncConfig, single: dict[str, Any] | None, log: Log
) -> dict[str, Any]:
    log(
        f"{cfg.tills} tills: a store of {cfg.fleet_members:,} members, {cfg.till_entries:,} offline entries "
        "at each till"
    )
    rig.new_store("FLEET")
    load_members(rig, "FLEET", rig.writer("FLEET", "head office"), cfg.fleet_members, seed=cfg.seed, log=log)
    jobs = [
        TillJob(
            rig.url,
            rig.enrollment_code("FLEET"),
            folder / f"FLEET-till{number:02d}",
            number,
            cfg.till_entries,
            cfg.seed + 100 + number,
        )
        for number in range(1, cfg.tills + 1)
    ]
    tills: list[TillMade] = []
    started = time.perf_counter()
    # Made two at a time (one per core): each till pulls its members and writes its sales on its own.
    with ProcessPoolExecutor(max_workers=SETUP_PROCESSES, mp_context=get_context("spawn")) as pool:
        for made in pool.map(make_till, jobs):
            tills.append(made)
            if len(tills) % 10 == 0 or len(tills) == cfg.tills:
                log(f"  {len(tills)} tills ready ({time.perf_counter() - started:.0f} s)")
    deadlocks_before = deadlocks(rig)
    workers = [Worker("push", t.data_dir, f"till {i + 1}", None, wait=True) for i, t in enumerate(tills)]
    try:
        for worker in workers:
            worker.ready()
        log(f"  {len(workers)} tills push at once")
        go = time.perf_counter()
        for worker in workers:
            worker.go()
        results = [worker.result() for worker in workers]
        wall = time.perf_counter() - go
    finally:
        for worker in workers:
            worker.kill()
    failed = [f"till {i + 1}: {r['error']}" for i, r in enumerate(results) if r["error"]]
    # A request that timed out or failed is a batch the till waited for too: its latency counts.
    batches = [b for r in results for b in r["push"]] + [f for r in results for f in r["failed"]]
    attempts_failed: dict[str, int] = {}
    for r in results:
        for _, _, why in r["failed"]:
            key = "timeout" if "timed out" in why else why.removeprefix("the central failed ").strip("()")
            attempts_failed[key] = attempts_failed.get(key, 0) + 1
    # What landed, from the tills' side (the checks below hold the central to it). The engines' reports
    # cannot say: a till that tried again reports only its last exchange.
    applied = sum(t.committed[0] for t in tills)
    mismatched = [
        f"till {i + 1}: central {central_holds(rig, t.till_id)}, till {t.committed}"
        for i, t in enumerate(tills)
        if central_holds(rig, t.till_id) != t.committed
    ]
    left = sum(r["report"]["waiting"] for r in results)
    stats = _batch_stats(batches)
    locked = deadlocks(rig) - deadlocks_before
    finished = not failed and left == 0
    return {
        "what": f"{cfg.tills} tills of one store push {cfg.till_entries:,} entries each, all at once",
        "tills": cfg.tills,
        "entries": applied,
        "wall_seconds": round(wall, 2),
        "items_per_s": round(applied / wall, 1) if wall else None,
        "batches": stats,
        "slowest_till_s": round(max(r["seconds"] for r in results), 2),
        "finished": finished,
        "failures": failed,
        "left_waiting": left,
        "totals_agree": not mismatched,
        "mismatches": mismatched[:10],
        "deadlocks_detected": locked,
        "failed_requests": attempts_failed,
        "baseline": None
        if single is None
        else {
            "what": "the push row's single till, same run",
            "items_per_s": single["items_per_s"],
            "batches": single["batches"],
        },
        "target": f"p99 batch ≤ {FLEET_P99_S:.0f} s, no deadlock, every till done and agreeing",
        "ok": finished and not mismatched and stats["p99_ms"] <= FLEET_P99_S * 1000,
    }


# -- 4: the first pull of a large store -------------------------------------------------------------------------
_PULLED = re.compile(r"([\d,]+) of ([\d,]+) changes pulled")


def bench_first_pull(rig: CentralRig, folder: Path, cfg: SyncConfig, log: Log) -> dict[str, Any]:
    log(f"first pull: {cfg.members:,} members into the central")
    rig.new_store("PULL")
    loaded = load_members(rig, "PULL", rig.writer("PULL", "head office"), cfg.members, seed=cfg.seed, log=log)
    baseline = _stream_baseline(rig, "PULL", log)
    data_dir = folder / "PULL-empty-till"
    new_till(rig.url, rig.enrollment_code("PULL"), data_dir, 1).close()
    log(f"  an empty till pulls them (stopped after {cfg.pull_budget:.0f} s if not done)")
    worker = Worker("pull", data_dir, "pull", log, page=cfg.pull_page)
    samples: list[tuple[float, float]] = []
    launched = time.perf_counter()
    stopped = False
    try:
        while worker.process.poll() is None:
            now = time.perf_counter()
            rss = pid_rss_mb(worker.process.pid)
            if rss is not None:
                samples.append((now, rss))
            if now - _pull_started(worker, launched) > cfg.pull_budget:
                stopped = True
                worker.kill()
                break
            time.sleep(RSS_EVERY_S)
        result = None if stopped else worker.result()
    finally:
        worker.kill()
    began = _pull_started(worker, launched)
    progress = [(at, int(found.group(1).replace(",", ""))) for at, found in _progress(worker)]
    if result is not None:
        if result["error"]:
            raise RuntimeError(f"the pull failed: {result['error']}")
        seconds = result["seconds"]
        pulled = result["report"]["pulled"]
        pages = _batch_stats(result["pull"])
    else:  # stopped: how far the last progress line had come, and when
        last_at, pulled = progress[-1] if progress else (time.perf_counter(), 0)
        seconds = last_at - began
        pages = None
    rate = pulled / seconds if seconds > 0 else 0.0
    projected = loaded.count / rate if rate else math.inf
    # Memory from the first progress line on (a tenth of the members in: imports, the store, the first pages
    # are there by then), or from the start of the exchange when the pull was too short to report progress.
    reference = progress[0][0] if progress else began
    memory = _memory([(at, rss) for at, rss in samples if at >= began], reference)
    progress_lines = len(progress)
    flat = memory["growth_mb"] <= FLAT_MB
    return {
        "what": f"an empty enrolled till pulls {loaded.count:,} members (its sync engine, pages of {cfg.pull_page:,})",
        "members": loaded.count,
        "finished": result is not None,
        "pulled": pulled,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rate, 1),
        "projected_seconds": round(projected, 1),
        "pages": pages,
        "progress_lines": progress_lines,
        "memory": memory,
        "load_seconds": round(loaded.seconds, 1),
        "baseline": baseline,
        "target": f"≤ {PULL_TARGET_S:.0f} s with progress, memory flat (≤ {FLAT_MB:.0f} MB growth)",
        "ok": result is not None and seconds <= PULL_TARGET_S and flat and progress_lines > 0,
    }


def _progress(worker: Worker) -> list[tuple[float, re.Match[str]]]:
    return [(at, found) for at, line in worker.lines if (found := _PULLED.search(line))]


def _pull_started(worker: Worker, launched: float) -> float:
    """When the worker began its exchange (its imports and the store's opening done)."""
    for at, line in worker.lines:
        if line.endswith(STARTED):
            return at
    return launched


def _memory(samples: Sequence[tuple[float, float]], reference_at: float) -> dict[str, Any]:
    """Peak RSS during the pull, and how much it grew after ``reference_at``."""
    if not samples:
        return {"peak_mb": None, "reference_mb": None, "growth_mb": math.inf, "samples": 0}
    later = [rss for at, rss in samples if at >= reference_at] or [samples[-1][1]]
    peak = max(rss for _, rss in samples)
    return {
        "peak_mb": round(peak, 1),
        "reference_mb": round(later[0], 1),
        "growth_mb": round(max(later) - later[0], 1),
        "samples": len(samples),
    }


def _stream_baseline(rig: CentralRig, store_code: str, log: Log) -> dict[str, Any]:
    """A server-side cursor streaming the store's member changes in order (as pull reads them), decoded."""
    store_id = rig.stores[store_code]
    rows = 0
    started = time.perf_counter()
    with rig.psycopg() as conn, conn.cursor(name="bench_stream") as cur:
        cur.itersize = 1000
        cur.execute("SELECT no, kind, body FROM changes WHERE store_id = %s ORDER BY no", (store_id,))
        for _ in cur:
            rows += 1
    seconds = time.perf_counter() - started
    log(f"  baseline: {rows:,} rows streamed in {seconds:.1f} s")
    return {
        "what": "psycopg server-side cursor: SELECT the same changes in order, rows decoded",
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds, 1) if seconds else None,
    }


# -- the whole run ----------------------------------------------------------------------------------------------
def run_sync_benchmarks(cfg: SyncConfig, log: Log, *, keep_logs: Path | None = None) -> dict[str, Any]:
    cfg.check()
    results: dict[str, Any] = {"config": asdict(cfg)}
    with (
        central_rig(log, keep_logs=keep_logs, workers=cfg.central_workers) as rig,
        tempfile.TemporaryDirectory(prefix="bench-tills-") as tmp,
    ):
        folder = Path(tmp)
        if "push" in cfg.rows:
            push, till = bench_push(rig, folder, cfg, log)
            floor = bench_copy_all(rig, till, log)
            copy = bench_copy(rig, till, log)
            push["baseline"] = {
                "what": "COPY of the same rows into the same (emptied) entries table, committed",
                "seconds": copy["seconds"],
            }
            push["ratio"] = round(push["seconds"] / copy["seconds"], 1) if copy["seconds"] else None
            push["ok"] = push["agrees"] and push["seconds"] <= PUSH_TARGET_S
            results["push"] = push
            results["central_ingest"] = ingest_row(push, copy, floor)
        if "tills" in cfg.rows:
            results["tills"] = bench_fleet(rig, folder, cfg, results.get("push"), log)
        if "pull" in cfg.rows:
            results["first_pull"] = bench_first_pull(rig, folder, cfg, log)
    return results


def format_sync_table(results: dict[str, Any]) -> str:
    lines = [f"{'row':<16} {'figure':<44} {'baseline (same run)':<40} {'target':<34} ok"]

    def add(key: str, figure: str, baseline: str, row: dict[str, Any]) -> None:
        lines.append(f"{key:<16} {figure:<44} {baseline:<40} {row['target']:<34} {row['ok']}")

    push = results.get("push")
    if push:
        b = push["batches"]
        add(
            "push",
            f"{push['entries']:,} in {push['seconds']:.1f} s, {push['items_per_s']:,.0f}/s",
            f"COPY {push['baseline']['seconds']:.2f} s ({push['ratio']}×)",
            push,
        )
        lines.append(
            f"{'':<16} batches: {b['n']}, p50 {b['p50_ms']:.0f} ms, p99 {b['p99_ms']:.0f} ms, "
            f"max {b['max_ms']:.0f} ms; central holds {push['central_holds'][0]:,} entries, "
            f"{push['central_holds'][1]:,} points = the till's: {push['agrees']}"
        )
    ingest = results.get("central_ingest")
    if ingest:
        add(
            "central_ingest",
            f"{ingest['entries_per_s']:,.0f} entries/s ({ingest['share_of_copy']:.0%} of COPY)",
            f"COPY {ingest['baseline']['rows_per_s']:,.0f} rows/s",
            ingest,
        )
        floor = ingest["floor"]
        lines.append(
            f"{'':<16} floor: COPY of all {floor['rows']:,} rows the push wrote (8 tables) in "
            f"{floor['seconds']:.2f} s = {floor['entries_per_s']:,.0f} entries/s "
            f"({floor['share_of_copy']:.0%} of COPY)"
        )
    fleet = results.get("tills")
    if fleet:
        b = fleet["batches"]
        base = fleet["baseline"]
        single = (
            "—"
            if base is None
            else f"1 till: {base['items_per_s']:,.0f}/s, p99 {base['batches']['p99_ms']:,.0f} ms"
        )
        add(
            "tills",
            f"{fleet['tills']} tills: {fleet['items_per_s']:,.0f}/s, p99 batch {b['p99_ms']:,.0f} ms",
            single,
            fleet,
        )
        failed = ", ".join(f"{n} {why}" for why, n in fleet["failed_requests"].items()) or "none"
        lines.append(
            f"{'':<16} {fleet['entries']:,} entries in {fleet['wall_seconds']:.1f} s; requests {b['n']}, "
            f"p50 {b['p50_ms']:,.0f} ms, max {b['max_ms']:,.0f} ms; failed requests (tried again): {failed}"
        )
        lines.append(
            f"{'':<16} every till done: {fleet['finished']}; totals agree: {fleet['totals_agree']}; "
            f"deadlocks detected (and retried): {fleet['deadlocks_detected']}"
        )
    pull = results.get("first_pull")
    if pull:
        if pull["finished"]:
            figure = f"{pull['members']:,} in {pull['seconds']:,.1f} s, {pull['rows_per_s']:,.0f}/s"
        else:
            figure = f"stopped: {pull['pulled']:,} in {pull['seconds']:,.0f} s, {pull['rows_per_s']:,.0f}/s"
        add(
            "first_pull",
            figure,
            f"SELECT stream {pull['baseline']['seconds']:.1f} s, {pull['baseline']['rows_per_s']:,.0f}/s",
            pull,
        )
        mem = pull["memory"]
        projected = (
            ""
            if pull["finished"]
            else f"all {pull['members']:,} projected at {pull['projected_seconds']:,.0f} s; "
        )
        lines.append(
            f"{'':<16} {projected}memory: peak {mem['peak_mb']} MB, {mem['growth_mb']} MB growth after the "
            f"first tenth; {pull['progress_lines']} progress lines"
        )
    return "\n".join(lines)


def sync_main(cfg: SyncConfig, json_path: Path, log: Log) -> int:
    try:
        # The central's and PostgreSQL's logs next to the results: what to read when a row failed.
        results = run_sync_benchmarks(cfg, log, keep_logs=json_path.parent)
    except NoPostgres as err:
        log(f"the sync benchmarks cannot run: {err}")
        return 1
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(format_sync_table(results))
    return 0
