"""The till's sync engine: push the outbox, pull the store's changes, on a thread of its own.

One exchange (``sync_once``) pushes everything that waits, one batch in flight at a time, then pulls until
the central has nothing more, and records the time it ended. Everything the engine must remember lives in the
till's store, behind ``sync.port.TillPort``, and is committed with what causes it: the batch in flight is
stored before it is sent, its answer is recorded with the acknowledged rows in one transaction, a pulled page
is applied with its cursor. So a till killed at any instant sends the same batch again (answered
``duplicate``) and pulls the same page again (applied idempotently): nothing is counted twice, nothing lost.

The background loop (``start``) runs exchanges every ``interval`` seconds, or at once when ``poke``d (a sale
was recorded). A central that does not answer (network, timeout, 5xx) is tried again with exponential backoff
and full jitter (``tenacity``), so a store's tills coming back together do not knock at the same instant; a
central that refuses the till (revoked, unknown token) is reported and asked again only now and then. The
engine's state is published through ``sync.state.SyncStatus`` for the window.

The engine never holds the till's database for long: each port call is one short transaction on its own
connection, taking turns with the sales like any other writer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from sync.client import CentralClient, Refused, Unavailable
from sync.pacing import BatchPacer
from sync.port import Credentials, PushBatch, TillPort
from sync.protocol import MAX_BATCH, MAX_PAGE, PullResponse, PushRequest
from sync.state import Phase, SyncStatus

log = logging.getLogger(__name__)

PUSH_FLOOR = 30
"""The fewest items a push carries while more wait, and the first push's size (``sync.pacing`` says why)."""
PUSH_TARGET_S = 1.2
"""The round trip a push aims at (``sync.pacing``)."""

STALE_EPOCH = 409
"""The central's answer to a push under an epoch that is not the till's current one."""


class NotEnrolled(Exception):
    """The till has no credentials for a central service."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """Waits between attempts while the central does not answer: random in [first/4, min(maximum,
    first * 2^n)] seconds (exponential with full jitter)."""

    first: float = 0.5
    maximum: float = 60.0


@dataclass(slots=True)
class SyncReport:
    """What one exchange did."""

    applied: int = 0
    duplicate: int = 0
    refused: int = 0
    batches: int = 0
    pulled: int = 0
    written: int = 0
    skipped: list[str] = field(default_factory=list)
    stopped: str | None = None
    """The pull stopped before a change this till cannot take in yet (a kind it does not know): why, in one
    sentence. Pushing went on: the till's sales still reach the central."""
    waiting: int = 0
    finished_at: datetime | None = None

    @property
    def pushed(self) -> int:
        """Items the central acknowledged (whatever it decided about them)."""
        return self.applied + self.duplicate + self.refused


Connect = Callable[[Credentials], CentralClient]

WAITING_COUNT_EVERY_S = 1.0
"""During a push, what waits is counted again at most this often (the status shows it)."""


def default_connect(timeout: float) -> Connect:
    def connect(credentials: Credentials) -> CentralClient:
        return CentralClient.connect(
            credentials.central_url,
            credentials.token,
            verify=credentials.verify_tls,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        )

    return connect


def utc_now() -> datetime:
    return datetime.now(UTC)


class SyncEngine:
    def __init__(
        self,
        port: TillPort,
        *,
        status: SyncStatus | None = None,
        connect: Connect | None = None,
        timeout: float = 30.0,
        batch_size: int = MAX_BATCH,
        page_size: int = MAX_PAGE,
        interval: float = 15.0,
        refused_interval: float = 300.0,
        backoff: Backoff | None = None,
        clock: Callable[[], datetime] = utc_now,
        push_target_s: float = PUSH_TARGET_S,
        pull_ahead: bool = True,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1 to {MAX_BATCH}")
        self.port = port
        self.status = status or SyncStatus()
        self.connect = connect or default_connect(timeout)
        # Starting at the floor: a store's tills back online together would otherwise all send their first
        # batch at the most, and the last in line wait behind fifty of them. A till alone doubles to the
        # most within five pushes. The floor and the aim (1.2 s) are measured: ``sync.pacing``.
        floor = min(PUSH_FLOOR, batch_size)
        self.pacer = BatchPacer(largest=batch_size, smallest=floor, target_s=push_target_s, size=floor)
        self.page_size = page_size
        self.pull_ahead = pull_ahead
        """Ask for the next page while applying one. Off where one clock and one random source drive both
        the link and the till (the seeded simulation): two threads would take from them in any order."""
        self.interval = interval
        self.refused_interval = refused_interval
        self.backoff = backoff or Backoff()
        self.clock = clock
        self._client: CentralClient | None = None
        self._client_key: tuple[str, str, bool] | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()  # one exchange at a time, whoever asks
        self._last_failure: tuple[Phase, str] | None = None

    # -- one exchange ----------------------------------------------------------------------------------
    def sync_once(self, *, push: bool = True, pull: bool = True) -> SyncReport:
        """Push everything waiting, then pull everything new. Raises ``NotEnrolled``, ``Refused`` (the
        central will not take this till) or ``Unavailable`` (no usable answer: try again later).

        ``push=False`` or ``pull=False`` does half an exchange (the tests drive the two halves in any order);
        only a whole exchange counts as the last success."""
        with self._lock:
            credentials = self.port.credentials()
            if credentials is None:
                self.status.update(phase=Phase.NOT_ENROLLED, reason=None, waiting=self.port.waiting())
                raise NotEnrolled()
            report = SyncReport()
            self.status.update(phase=Phase.SYNCING, retry_in=None, waiting=self.port.waiting())
            try:
                if push:
                    self._push_all(credentials, report)
                if pull:
                    self._pull_all(credentials, report)
            except Refused as err:
                self._failed(Phase.REFUSED, err.detail)
                raise
            except Unavailable as err:
                self._failed(Phase.OFFLINE, str(err))
                raise
            except Exception as err:
                # The till's own store failed (busy for too long, disk full): the central is not to blame.
                self._failed(Phase.OFFLINE, f"the till's database: {err}")
                raise
            at = self.clock()
            report.waiting = self.port.waiting()
            self._last_failure = None
            if push and pull:
                self.port.record_success(at)
                report.finished_at = at
            self.status.update(
                phase=Phase.ONLINE,
                reason=None,
                last_success=at if push and pull else self.status.get().last_success,
                waiting=report.waiting,
                pulled=0,
                pull_total=None,
                retry_in=None,
                pull_stopped=report.stopped if pull else self.status.get().pull_stopped,
            )
            return report

    def _failed(self, phase: Phase, reason: str) -> None:
        self.status.update(phase=phase, reason=reason, pulled=0, pull_total=None)
        if self._last_failure == (phase, reason):
            return  # the same failure again (a retry): the store has it already
        self._last_failure = (phase, reason)
        try:
            self.port.record_failure(self.clock(), phase.value, reason)
        except Exception as err:
            log.warning("could not record the sync failure in the till's store: %s", err)

    def sync_with_retry(self, attempts: int, *, push: bool = True, pull: bool = True) -> SyncReport:
        """``sync_once``, tried up to ``attempts`` times with backoff while the central does not answer."""
        retrying = self._retrying(stop_after_attempt(attempts))
        report: SyncReport = retrying(lambda: self.sync_once(push=push, pull=pull))
        return report

    def _client_for(self, credentials: Credentials) -> CentralClient:
        key = (credentials.central_url, credentials.token, credentials.verify_tls)
        if self._client is None or self._client_key != key:
            if self._client is not None:
                self._client.close()
            self._client = self.connect(credentials)
            self._client_key = key
        return self._client

    def _push_all(self, credentials: Credentials, report: SyncReport) -> None:
        client = self._client_for(credentials)
        renumbered = False
        counted = time.monotonic()
        while True:
            batch = self.port.batch(self.pacer.size)
            if batch is None:
                return
            try:
                started = time.monotonic()
                response = client.push(self._request(credentials, batch))
                self.pacer.took(len(batch.items), time.monotonic() - started)
            except Refused as err:
                if err.status != STALE_EPOCH or renumbered:
                    raise
                # The central moved this till to a newer epoch than the store remembers (its answer to a
                # new epoch was lost): start another and number what waits again under it.
                self._new_epoch(client)
                renumbered = True
                continue
            settled = self.port.settle(batch, response)
            report.batches += 1
            report.applied += settled.applied
            report.duplicate += settled.duplicate
            report.refused += settled.refused
            if settled.renumber:
                if renumbered:
                    raise Refused(STALE_EPOCH, "the central holds other items at this till's numbers")
                log.warning("the central holds other items at this till's sequence numbers: new epoch")
                self._new_epoch(client)
                renumbered = True
            if settled.renumber or time.monotonic() - counted >= WAITING_COUNT_EVERY_S:
                self.status.update(waiting=self.port.waiting())
                counted = time.monotonic()
            else:
                # Counting what waits reads every waiting row: after every batch, a push of 100,000 rows
                # spent seconds on it. In between counts, what this batch settled is taken off.
                done = settled.applied + settled.duplicate + settled.refused
                self.status.update(waiting=max(0, self.status.get().waiting - done))

    def _request(self, credentials: Credentials, batch: PushBatch) -> PushRequest:
        return PushRequest(till_id=credentials.till_id, epoch=batch.epoch, items=list(batch.items))

    def _new_epoch(self, client: CentralClient) -> None:
        answer = client.new_epoch()
        self.port.start_epoch(answer.epoch, answer.next_seq)

    def _pull_all(self, credentials: Credentials, report: SyncReport) -> None:
        client = self._client_for(credentials)
        cursor = self.port.cursor()
        start: int | None = None
        page = client.pull(cursor, self.page_size)
        # The next page is asked for while this one is taken in: the central reads and sends it while the
        # till writes (a first pull of a store's members is two hundred pages). The cursor is still stored
        # only with the page applied; a page asked for ahead and not applied is dropped.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull-ahead") as ahead:
            while True:
                following: Future[PullResponse] | None = None
                if page.more and self.pull_ahead:
                    following = ahead.submit(client.pull, page.next_cursor, self.page_size)
                applied = self.port.apply(page)
                report.pulled += applied.changes
                report.written += applied.written
                report.skipped.extend(applied.skipped)
                if applied.stopped is not None:
                    # The rest of the log waits behind a change this till cannot take in: asking for it
                    # again would only bring the same change back. The next exchange pushes, then asks again.
                    report.stopped = applied.stopped
                    return
                if page.changes and start is None:
                    start = page.changes[0].no - 1
                self._progress(page, start)
                if not page.more:
                    return
                if following is None:
                    page = client.pull(page.next_cursor, self.page_size)
                else:
                    page = following.result()

    def _progress(self, page: PullResponse, start: int | None) -> None:
        """How far a pull of several pages is: change numbers from where it started to the log's head."""
        if start is None or not page.more or page.head is None:
            self.status.update(pulled=0, pull_total=None)
            return
        total = page.head - start
        done = page.changes[-1].no - start
        self.status.update(pulled=done, pull_total=total)

    # -- the loop on its own thread --------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stopping.clear()
        self.status.update(phase=Phase.STARTING)
        self._thread = threading.Thread(target=self._run, name="sync engine", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """Something was written: exchange now when idle (while backing off, only count what waits)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the loop; an exchange under way ends at its next step (or its request's timeout)."""
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                log.warning("the sync engine did not stop within %.0f s", timeout)
        self._thread = None
        if self._client is not None and (thread is None or not thread.is_alive()):
            self._client.close()
            self._client = None
        self.status.update(phase=Phase.STOPPED, retry_in=None, pulled=0, pull_total=None)

    def _run(self) -> None:
        self._refresh_waiting()
        try:  # what an earlier session of the till achieved, until this one does better
            self.status.update(last_success=self.port.last_success())
        except Exception:
            log.exception("could not read the last sync time")
        while not self._stopping.is_set():
            delay = self.interval
            try:
                self._retrying(lambda _state: self._stopping.is_set())(self.sync_once)
            except NotEnrolled:
                pass
            except Refused as err:
                log.warning("the central refused this till: %s", err.detail)
                delay = self.refused_interval
            except Unavailable:
                pass  # only when stopping: otherwise the retries go on
            except Exception:
                log.exception("sync failed")
                delay = self.backoff.maximum
            self._sleep(delay, interruptible=True)

    def _retrying(self, stop: Callable[[RetryCallState], bool]) -> Retrying:
        return Retrying(
            retry=retry_if_exception_type(Unavailable),
            wait=wait_random_exponential(
                multiplier=self.backoff.first, max=self.backoff.maximum, min=self.backoff.first / 4
            ),
            stop=stop,
            sleep=lambda seconds: self._sleep(seconds, interruptible=False),
            before_sleep=self._offline,
            reraise=True,
        )

    def _offline(self, state: RetryCallState) -> None:
        wait = state.next_action.sleep if state.next_action is not None else None
        error = state.outcome.exception() if state.outcome is not None else None
        log.info("central unavailable (%s): next attempt in %.1f s", error, wait or 0.0)
        self.status.update(phase=Phase.OFFLINE, retry_in=wait)

    def _sleep(self, seconds: float, *, interruptible: bool) -> None:
        """Wait ``seconds`` or until stopped. A poke ends an idle wait (sync now); during a backoff it only
        refreshes the waiting count, so sales do not make the till knock on a central that is down."""
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if self._wake.wait(remaining):
                self._wake.clear()
                if self._stopping.is_set() or interruptible:
                    return
                self._refresh_waiting()

    def _refresh_waiting(self) -> None:
        try:
            self.status.update(waiting=self.port.waiting())
        except Exception:
            log.exception("could not count the items waiting to sync")
