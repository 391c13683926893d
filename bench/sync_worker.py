"""One till syncing, in a process of its own: ``python -m bench.sync_worker push|pull DATA_DIR``.

The till's data folder is opened as the application opens it, and the till's own sync engine
(``app.services.syncing.till_engine``, as ``python -m app sync --once`` builds it) does one exchange: ``push``
sends everything waiting, ``pull`` takes in everything new, tried again with the engine's backoff while the
central does not answer in time (``sync_with_retry``). The engine talks to the central through the real HTTP
client with the till's own timeout; the only addition is a stopwatch around each request (``TimedClient``),
so each batch's round trip is known, and each request that failed.

With ``--wait`` the process prints ``ready`` once the store is open and the engine built, and starts when it
reads a line on stdin: the 50-till row starts every till at the same moment, after the imports.

Progress goes to stderr; the last line on stdout is ``result`` and a JSON object (``WorkerResult``).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app.paths import database_path
from app.services.syncing import till_engine
from app.store.db import open_store
from sync.client import CentralClient, Unavailable
from sync.engine import SyncReport
from sync.port import Credentials
from sync.protocol import PullResponse, PushRequest, PushResponse
from sync.state import SyncState

RESULT = "result "
STARTED = "exchange started"
EVERY_S = 10.0
TIMEOUT_S = 30.0
"""The request timeout a till syncs with (``app.services.syncing.till_engine``'s default)."""
ATTEMPTS = 12
"""Exchanges tried while the central does not answer (with the engine's backoff: 0.5 s doubling up to a
minute, jittered), before the till gives up and the row says so."""


@dataclass
class Timings:
    origin: float = field(default_factory=time.perf_counter)
    push: list[tuple[float, float, int]] = field(default_factory=list)
    """Per batch answered: start (s after the origin), round trip (s), items."""
    pull: list[tuple[float, float, int]] = field(default_factory=list)
    """Per page: start, round trip, changes."""
    failed: list[tuple[float, float, str]] = field(default_factory=list)
    """Per request that got no usable answer (a timeout, a 5xx): start, time until it failed, why."""

    def since(self, start: float) -> tuple[float, float]:
        return start - self.origin, time.perf_counter() - start


class TimedClient(CentralClient):
    """The till's HTTP client with a stopwatch around push and pull (nothing else changes)."""

    def __init__(self, http: httpx.Client, token: str | None, timings: Timings) -> None:
        super().__init__(http, token)
        self.timings = timings

    def push(self, request: PushRequest) -> PushResponse:
        start = time.perf_counter()
        try:
            answer = super().push(request)
        except Unavailable as err:
            self.timings.failed.append((*self.timings.since(start), str(err)))
            raise
        self.timings.push.append((*self.timings.since(start), len(request.items)))
        return answer

    def pull(self, cursor: str = "", limit: int = 200) -> PullResponse:
        start = time.perf_counter()
        try:
            answer = super().pull(cursor, limit)
        except Unavailable as err:
            self.timings.failed.append((*self.timings.since(start), str(err)))
            raise
        self.timings.pull.append((*self.timings.since(start), len(answer.changes)))
        return answer


@dataclass
class WorkerResult:
    mode: str
    seconds: float
    report: dict[str, Any]
    push: list[tuple[float, float, int]]
    pull: list[tuple[float, float, int]]
    failed: list[tuple[float, float, str]]
    error: str | None = None


class Progress:
    """Lines on stderr as the exchange goes: every tenth of a large pull, and every ``EVERY_S`` seconds."""

    def __init__(self, label: str, started: float) -> None:
        self.label, self.started = label, started
        self.next_share = 0.1
        self.last_line = started

    def __call__(self, state: SyncState) -> None:
        now = time.perf_counter()
        progress = state.progress
        if progress is not None and (progress >= self.next_share or now - self.last_line >= EVERY_S):
            self.next_share = max(self.next_share, math.floor(progress * 10) / 10 + 0.1)
            print(
                f"  {self.label}: {state.pulled:,} of {state.pull_total:,} changes pulled "
                f"({now - self.started:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
        elif progress is None and now - self.last_line >= EVERY_S and state.waiting:
            print(
                f"  {self.label}: {state.waiting:,} waiting ({now - self.started:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
        else:
            return
        self.last_line = now


def run(mode: str, data_dir: Path, *, wait: bool, batch: int | None, page: int | None, label: str) -> int:
    store = open_store(database_path(data_dir))
    timings = Timings()

    def connect(credentials: Credentials) -> CentralClient:
        # The till's own request timeout (``sync.engine.default_connect``): a central too busy to answer
        # within it is "unavailable", and the till tries again with backoff, as it does at a shop.
        http = httpx.Client(
            base_url=credentials.central_url,
            verify=credentials.verify_tls,
            timeout=httpx.Timeout(TIMEOUT_S, connect=min(TIMEOUT_S, 5.0)),
        )
        return TimedClient(http, credentials.token, timings)

    engine = till_engine(store, connect=connect, batch_size=batch, page_size=page, timeout=TIMEOUT_S)
    # As ``python -m app`` does once it has started (``app.startup``): the objects that live as long as the
    # process are set aside, so the collections a pull's pages set off do not walk them again and again. A
    # till started without it spent about a quarter of a first pull's time in the collector.
    gc.collect()
    gc.freeze()
    try:
        if wait:
            print("ready", flush=True)
            sys.stdin.readline()
        print(f"  {label}: {STARTED}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        timings.origin = started
        engine.status.subscribe(Progress(label, started))
        report = SyncReport()
        error = None
        try:
            report = engine.sync_with_retry(ATTEMPTS, push=mode == "push", pull=mode == "pull")
        except Exception as err:  # reported to the parent, which says what failed
            error = f"{type(err).__name__}: {err}"
        seconds = time.perf_counter() - started
    finally:
        store.close()
    summary = {
        "applied": report.applied,
        "duplicate": report.duplicate,
        "refused": report.refused,
        "batches": report.batches,
        "pulled": report.pulled,
        "written": report.written,
        "skipped": len(report.skipped),
        "waiting": report.waiting,
    }
    result = WorkerResult(mode, seconds, summary, timings.push, timings.pull, timings.failed, error)
    print(RESULT + json.dumps(asdict(result)), flush=True)
    return 0 if error is None else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_worker", description=__doc__)
    parser.add_argument("mode", choices=("push", "pull"))
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--wait", action="store_true", help="print 'ready', start on a line from stdin")
    parser.add_argument("--batch", type=int, help="items per push (default: the engine's)")
    parser.add_argument("--page", type=int, help="changes per pull page (default: the engine's)")
    parser.add_argument("--label", default="till", help="names the till in progress lines")
    args = parser.parse_args(argv)
    return run(args.mode, args.data_dir, wait=args.wait, batch=args.batch, page=args.page, label=args.label)


if __name__ == "__main__":
    sys.exit(main())
