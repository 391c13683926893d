"""A second process writing to the till's file while the benchmark measures awards (DESIGN.md: the window and a
command line on the same till).

``second_writer(path)`` starts ``python -m bench.contention PATH`` and stops it when the block ends. That
process opens the store as a till does, signs in the cashier and awards sales to random members through
``PointsService.award`` (with the same bounded retry the command line uses), ``pause_ms`` apart, until its
standard input closes or ``limit_s`` passes. It then prints one JSON line: how many awards it committed, how
many failed as busy, and its own latencies.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.services import TillServices
from app.store.db import open_store
from app.store.errors import DatabaseBusy
from app.store.operational import retry_when_busy
from bench.generate import CASHIER
from loyalty.money import Money
from loyalty.quote import Basket

DEFAULT_PAUSE_MS = 0.0
LIMIT_S = 600.0
AMOUNT = Money(185_000)


@dataclass
class SecondWriter:
    process: subprocess.Popen[str]
    summary: dict[str, Any] = field(default_factory=dict)


@contextmanager
def second_writer(
    path: Path, *, pause_ms: float = DEFAULT_PAUSE_MS, limit_s: float = LIMIT_S
) -> Iterator[SecondWriter]:
    """Run the second writer for the duration of the block; its summary is in ``.summary`` afterwards."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.contention",
            str(path),
            "--pause-ms",
            str(pause_ms),
            "--limit-s",
            str(limit_s),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    writer = SecondWriter(process)
    try:
        assert process.stdout is not None and process.stdin is not None
        ready = process.stdout.readline().strip()
        if ready != "writing":
            raise RuntimeError(f"the second writer did not start: {ready!r}")
        yield writer
        process.stdin.close()
        line = process.stdout.readline()
        writer.summary = json.loads(line) if line.strip() else {"error": "no summary"}
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run_writer(path: Path, pause_ms: float, limit_s: float) -> int:
    stop = threading.Event()

    def watch_stdin() -> None:
        sys.stdin.read()  # returns when the benchmark closes our standard input
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    store = open_store(path, quick_check=False)
    try:
        svc = TillServices.open(store)
        cashier = retry_when_busy(svc.staff.sign_in, CASHIER[0], CASHIER[2])
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as raw:
            members = [r[0] for r in raw.execute("SELECT id FROM members WHERE status = 'active' LIMIT 5000")]
        rng = random.Random(11)
        run_id = f"{time.time_ns() // 1000:x}"
        latencies: list[float] = []
        busy = 0
        started = time.perf_counter()
        print("writing", flush=True)
        i = 0
        while not stop.is_set() and time.perf_counter() - started < limit_s:
            start = time.perf_counter_ns()
            try:
                retry_when_busy(
                    svc.points.award, cashier, rng.choice(members), Basket.of_total(AMOUNT), f"W2{run_id}-{i}"
                )
            except DatabaseBusy:
                busy += 1
            else:
                latencies.append((time.perf_counter_ns() - start) / 1e6)
            i += 1
            if pause_ms:
                stop.wait(pause_ms / 1000)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    summary = {
        "awards": len(latencies),
        "busy_failures": busy,
        "seconds": round(seconds, 2),
        "per_second": round(len(latencies) / seconds, 1) if seconds else 0.0,
        "pause_ms": pause_ms,
        "p50_ms": round(_percentile(latencies, 50), 3),
        "p99_ms": round(_percentile(latencies, 99), 3),
    }
    print(json.dumps(summary), flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.contention", description=__doc__)
    parser.add_argument("path", type=Path, help="the till database to write to")
    parser.add_argument("--pause-ms", type=float, default=DEFAULT_PAUSE_MS, help="pause between awards")
    parser.add_argument("--limit-s", type=float, default=LIMIT_S, help="stop after this long in any case")
    args = parser.parse_args(argv)
    return run_writer(args.path, args.pause_ms, args.limit_s)


if __name__ == "__main__":
    sys.exit(main())
