"""The till's side of sync: enrollment, and the till's store behind the sync engine's port.

What sync remembers lives in the till's ``settings`` (so a backup carries it and a restore brings it back):

- the enrollment: the central's address, the till's id and token (only here, never printed), its epoch, and
  whether TLS certificates are checked;
- the push state: the next push sequence number of the epoch, and the batch in flight (its first number and
  its outbox rows), stored *before* it is sent, so that a batch interrupted in any way is sent again exactly
  as it was;
- the pull cursor, stored in the transaction that applies the page it ends;
- the time of the last complete exchange, and the last failure.

Enrollment gives the till the central's identity: the store's id and card key and the till's id become the
till's own (``app.services.core``), so its entries carry ids the central knows. A till that already holds
ledger entries or cards under another identity cannot take on a new one (its entries are hash-chained with
the old ids, its cards hashed with the old key); a till already enrolled is enrolled again under its own id
and starts a new epoch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.services.core import (
    PHONE_REGION,
    STORE_ID,
    STORE_NUMBER,
    TILL_ID,
    TILL_NUMBER,
    UID_KEY,
)
from app.services.sync_apply import apply_changes
from app.services.sync_settings import (
    BATCH,
    CENTRAL_URL,
    CURSOR,
    EPOCH,
    LAST_FAILURE,
    LAST_SUCCESS,
    NEXT_SEQ,
    PULL_STOPPED,
    STORE_CODE,
    TILL_NAME,
    TOKEN,
    VERIFY_TLS,
)
from app.store import name_index
from app.store.db import Store
from app.store.settings import delete_setting, get_setting, set_setting
from app.store.types import format_utc, parse_utc, utcnow
from loyalty.chain import ENTRY_FIELDS
from loyalty.errors import LoyaltyError
from loyalty.text import DEFAULT_PHONE_REGION
from sync.client import CentralClient, Refused, Unavailable
from sync.engine import Backoff, Connect, SyncEngine
from sync.outbox import PUSHABLE, OutboxRecord, Unsendable, push_item
from sync.port import Applied, Credentials, PushBatch, Settled
from sync.protocol import (
    EnrollResponse,
    ItemStatus,
    PullResponse,
    PushItem,
    PushResponse,
    Reason,
    cursor_after,
)
from sync.state import SyncStatus

log = logging.getLogger(__name__)

APPLY_WITHIN_S = 0.1
"""While another writer of this till waits (a sale), a write transaction applying pulled changes ends after
the change that takes it past this time: the sale waits about this long at most (the rest of the page goes
on in the next transaction)."""

APPLY_ALONE_S = 1.0
"""While no writer of this till waits, the transaction goes on up to this long (or to the page's end).

Every transaction writes each index page it changed to the write-ahead log again, and a new member changes
a page of each of the members' random-keyed indexes (phone, e-mail, referral code, name): measured on a
million members, 1,000 rows a transaction took 244 s to insert and 50,000 rows 129 s. A writer of another
process (a command run beside the window) is not seen waiting: it waits this long at most."""

_LOOPBACK_NAMES = frozenset({"localhost"})


# -- errors: one sentence each ----------------------------------------------------------------------------------
class SyncError(LoyaltyError):
    code = "sync_error"
    template = "Sync failed: {why}"


class NotEnrolled(SyncError):
    code = "sync_not_enrolled"
    template = (
        "This till is not enrolled with a central service: enrol it with "
        "'python -m app enroll-till --central URL --code CODE' (a manager makes the code)."
    )


class CentralUnreachable(SyncError):
    code = "sync_unreachable"
    template = (
        "The central service at {url} is unavailable ({why}). The till keeps working offline; "
        "{waiting} change(s) wait to be sent."
    )


class TillRefused(SyncError):
    code = "sync_refused"
    template = "The central service refused this till: {why}. Enrol it again with a new code from a manager."


class EnrollmentRefused(SyncError):
    code = "sync_enrollment_refused"
    template = "The central service refused the enrollment: {why}. Ask a manager for a new code."


class BadCentralAddress(SyncError):
    code = "sync_bad_address"
    template = "{url} is not a central service address: {why}"


class TillHasHistory(SyncError):
    code = "sync_till_has_history"
    template = (
        "This till already holds {what} made before it was enrolled, under another identity: they cannot be "
        "sent to a central service. Enrol a new till (an empty data folder) instead."
    )


# -- the settings ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SyncSettings:
    central_url: str
    till_id: str
    store_id: str
    store_code: str | None
    till_name: str | None
    epoch: int
    next_seq: int
    cursor: str
    verify_tls: bool
    last_success: datetime | None
    last_failure: dict[str, Any] | None
    token: str = field(repr=False)  # never in a log line or a printout

    def credentials(self) -> Credentials:
        return Credentials(self.central_url, self.till_id, self.token, self.epoch, self.verify_tls)


def read_settings(session: Session) -> SyncSettings | None:
    """The till's sync settings, or None when it is not enrolled."""
    url = get_setting(session, CENTRAL_URL)
    token = get_setting(session, TOKEN)
    if url is None or token is None:
        return None
    last = get_setting(session, LAST_SUCCESS)
    return SyncSettings(
        central_url=url,
        till_id=get_setting(session, TILL_ID),
        store_id=get_setting(session, STORE_ID),
        store_code=get_setting(session, STORE_CODE),
        till_name=get_setting(session, TILL_NAME),
        epoch=int(get_setting(session, EPOCH, 1)),
        next_seq=int(get_setting(session, NEXT_SEQ, 1)),
        cursor=get_setting(session, CURSOR, ""),
        verify_tls=bool(get_setting(session, VERIFY_TLS, True)),
        last_success=None if last is None else parse_utc(last),
        last_failure=get_setting(session, LAST_FAILURE),
        token=token,
    )


def check_central_url(url: str, *, insecure: bool) -> str:
    """The central's address as the till stores it. Plain HTTP carries the till's token in clear, so it is
    accepted only on this machine (loopback) or with the local-demo switch."""
    cleaned = url.strip().rstrip("/")
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadCentralAddress(url=url, why="give it as https://HOST[:PORT]")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise BadCentralAddress(url=url, why="give only https://HOST[:PORT][/PATH]")
    if parts.scheme == "http" and not insecure and not _is_loopback(parts.hostname):
        raise BadCentralAddress(
            url=url,
            why="plain http would send the till's token in clear: use https (or --insecure-local-demo "
            "for a demo on a private network)",
        )
    return cleaned


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


# -- enrollment -------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Enrolled:
    till_id: str
    store_id: str
    store_code: str
    epoch: int
    again: bool
    """The till was enrolled before: same id, a new epoch."""


def enroll_till(
    store: Store,
    central_url: str,
    code: str,
    *,
    till_name: str,
    insecure: bool = False,
    store_number: int = 1,
    till_number: int = 1,
    transport: httpx.BaseTransport | None = None,
) -> Enrolled:
    """Spend a one-time enrollment code at the central and take on the identity it gives.

    ``store_number`` and ``till_number`` (numbers printed in member numbers) are kept when the till has
    them already. Raises ``EnrollmentRefused``, ``CentralUnreachable``, ``BadCentralAddress`` or
    ``TillHasHistory``; nothing is written unless the central enrolled the till. ``transport`` replaces the
    network to the central (``sync.client.CentralClient.connect``).
    """
    url = check_central_url(central_url, insecure=insecure)
    with store.read() as session:
        previous = read_settings(session)
        if previous is None:
            check_no_history(session)
    verify = not insecure
    client = CentralClient.connect(url, verify=verify, transport=transport)
    try:
        enrolled = client.enroll(
            code.strip().upper(), till_name, None if previous is None else previous.till_id
        )
    except ValidationError:
        raise EnrollmentRefused(why="that is not an enrollment code (it looks like ABCD-EFGH-JKMN)") from None
    except Refused as err:
        raise EnrollmentRefused(why=err.detail) from None
    except Unavailable as err:
        raise CentralUnreachable(url=url, why=str(err), waiting=0) from None
    finally:
        client.close()
    _take_identity(store, url, enrolled, till_name, verify, previous, store_number, till_number)
    log.info(
        "enrolled as till %s of store %s (epoch %d) at %s",
        enrolled.till_id,
        enrolled.store_code,
        enrolled.epoch,
        url,
    )
    return Enrolled(
        enrolled.till_id, enrolled.store_id, enrolled.store_code, enrolled.epoch, previous is not None
    )


def check_no_history(session: Session) -> None:
    """Refuse (``TillHasHistory``) when the till holds what ties it to its identity before enrollment."""
    entries = session.execute(text("SELECT count(*) FROM ledger_entries")).scalar_one()
    if entries:
        raise TillHasHistory(what=f"{entries} ledger entries")
    cards = session.execute(text("SELECT count(*) FROM cards")).scalar_one()
    if cards:
        # Card UIDs are stored as keyed hashes: the store's key from the central would orphan every one.
        raise TillHasHistory(what=f"{cards} linked cards")


def _take_identity(
    store: Store,
    url: str,
    enrolled: EnrollResponse,
    till_name: str,
    verify: bool,
    previous: SyncSettings | None,
    store_number: int,
    till_number: int,
) -> None:
    with store.write() as session:
        if previous is None:
            check_no_history(session)  # a sale written while the central answered
            set_setting(session, STORE_ID, enrolled.store_id)
            set_setting(session, TILL_ID, enrolled.till_id)
            set_setting(session, UID_KEY, enrolled.card_key)
            set_setting(session, CURSOR, "")
            for key, value in ((STORE_NUMBER, store_number), (TILL_NUMBER, till_number)):
                if get_setting(session, key) is None:
                    set_setting(session, key, value)
            if get_setting(session, PHONE_REGION) is None:
                set_setting(session, PHONE_REGION, DEFAULT_PHONE_REGION)
        set_setting(session, CENTRAL_URL, url)
        set_setting(session, TOKEN, enrolled.token)
        set_setting(session, VERIFY_TLS, verify)
        set_setting(session, STORE_CODE, enrolled.store_code)
        set_setting(session, TILL_NAME, till_name)
        _start_epoch(session, enrolled.epoch, enrolled.next_seq)
        delete_setting(session, LAST_FAILURE)


def _start_epoch(session: Session, epoch: int, next_seq: int) -> None:
    set_setting(session, EPOCH, epoch)
    set_setting(session, NEXT_SEQ, next_seq)
    delete_setting(session, BATCH)


# -- the store behind the engine's port ---------------------------------------------------------------------------
# The entities sync.outbox.PUSHABLE carries.
_SENT_ENTITIES = "(" + ", ".join(f"'{entity}'" for entity in sorted(PUSHABLE)) + ")"
_PENDING = text(
    f"SELECT id, entity FROM outbox WHERE acked_at IS NULL AND entity IN {_SENT_ENTITIES} "
    "ORDER BY id LIMIT :limit"
)
_WAITING = text(f"SELECT count(*) FROM outbox WHERE acked_at IS NULL AND entity IN {_SENT_ENTITIES}")
_HELD = text(f"SELECT count(*) FROM outbox WHERE acked_at IS NULL AND entity NOT IN {_SENT_ENTITIES}")
_ENTRY_COLUMNS = ", ".join(f"l.{name}" if name == "expires_at" else f"e.{name}" for name in ENTRY_FIELDS)
_ACK = text(
    "UPDATE outbox SET acked_at = :at, sent_at = :at, attempts = attempts + 1, last_error = :error "
    "WHERE id = :row AND acked_at IS NULL"
)
_SENT = text("UPDATE outbox SET sent_at = :at, attempts = attempts + 1 WHERE id = :row AND acked_at IS NULL")


class TillSyncStore:
    """``sync.port.TillPort`` over the till's store. Each method is one short transaction."""

    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.clock = clock or utcnow

    # -- enrollment ------------------------------------------------------------------------------------------
    def credentials(self) -> Credentials | None:
        with self.store.read() as session:
            settings = read_settings(session)
        return None if settings is None else settings.credentials()

    def settings(self) -> SyncSettings | None:
        with self.store.read() as session:
            return read_settings(session)

    # -- push ------------------------------------------------------------------------------------------------
    def batch(self, limit: int) -> PushBatch | None:
        while True:
            stored = self._stored_or_new_batch(limit)
            if stored is None:
                return None
            epoch, first, rows = stored
            till_id, store_id, records = self._records(rows)
            items: list[PushItem] = []
            unsendable: dict[int, str] = {}
            for record in records:
                try:
                    items.append(push_item(first + len(items), record, till_id=till_id, store_id=store_id))
                except Unsendable as err:
                    unsendable[record.row] = err.reason
            if not unsendable:
                return PushBatch(epoch, tuple(items), tuple(rows))
            self._drop_unsendable(stored, unsendable)

    def _stored_or_new_batch(self, limit: int) -> tuple[int, int, list[int]] | None:
        """(epoch, first seq, outbox rows) of the batch in flight, numbering a new one when none is."""
        with self.store.read() as session:
            found = self._stored(session)
            if found is not None:
                return found
            if not session.execute(_PENDING, {"limit": 1}).first():
                return None
        with self.store.write() as session:
            found = self._stored(session)
            if found is not None:
                return found
            if get_setting(session, TOKEN) is None:
                return None
            pending = session.execute(_PENDING, {"limit": limit}).all()
            if not pending:
                return None
            # Members before entries: an entry's member must be known to the central before the entry is.
            rows = [row for row, entity in pending if entity == "member"]
            rows += [row for row, entity in pending if entity != "member"]
            epoch = int(get_setting(session, EPOCH, 1))
            first = int(get_setting(session, NEXT_SEQ, 1))
            set_setting(session, BATCH, {"epoch": epoch, "first_seq": first, "rows": rows})
            return epoch, first, rows

    @staticmethod
    def _stored(session: Session) -> tuple[int, int, list[int]] | None:
        stored = get_setting(session, BATCH)
        if stored is None or stored.get("epoch") != get_setting(session, EPOCH):
            return None
        return int(stored["epoch"]), int(stored["first_seq"]), [int(r) for r in stored["rows"]]

    def _records(self, rows: Sequence[int]) -> tuple[str, str, list[OutboxRecord]]:
        with self.store.read() as session:
            till_id = get_setting(session, TILL_ID)
            store_id = get_setting(session, STORE_ID)
            found = {record.row: record for record in _load_records(session, rows)}
        return till_id, store_id, [found[row] for row in rows if row in found]

    def _drop_unsendable(self, stored: tuple[int, int, list[int]], reasons: dict[int, str]) -> None:
        """Rows that cannot become items at all: acknowledged with the reason (logged), so the queue moves on;
        the batch in flight is numbered again without them (it was never sent with them)."""
        epoch, first, rows = stored
        at = self.clock()
        with self.store.write() as session:
            if self._stored(session) != stored:
                return
            for row, reason in reasons.items():
                log.error("outbox row %d cannot be sent to the central and is set aside: %s", row, reason)
                session.execute(_ACK, {"at": format_utc(at), "row": row, "error": f"unsendable: {reason}"})
            kept = [row for row in rows if row not in reasons]
            if kept:
                set_setting(session, BATCH, {"epoch": epoch, "first_seq": first, "rows": kept})
            else:
                delete_setting(session, BATCH)

    def settle(self, batch: PushBatch, response: PushResponse) -> Settled:
        at = format_utc(self.clock())
        by_seq = {result.seq: result for result in response.results}
        counts = {"applied": 0, "duplicate": 0, "refused": 0}
        renumber = False
        gap = False
        last = batch.items[-1].seq
        with self.store.write() as session:
            # Another process of this till (the window and a ``sync`` command) may have settled this batch and
            # sent the next: then only the acknowledgements are recorded, not the sequence state.
            ours = self._stored(session) == (batch.epoch, batch.items[0].seq, list(batch.rows))
            sent: list[dict[str, Any]] = []
            acked: list[dict[str, Any]] = []
            for item, row in zip(batch.items, batch.rows, strict=True):
                result = by_seq.get(item.seq)
                if result is None or result.status is ItemStatus.GAP:
                    gap = gap or result is not None
                    sent.append({"at": at, "row": row})
                    continue
                if result.status is ItemStatus.CONFLICT and result.reason is Reason.SEQ_TAKEN:
                    # Another item holds this number at the central: this till forgot what it sent under it
                    # (restored from a backup). Sent again under a new epoch, where numbers start afresh.
                    renumber = True
                    sent.append({"at": at, "row": row})
                    continue
                error = None
                if result.status in (ItemStatus.CONFLICT, ItemStatus.REJECTED):
                    counts["refused"] += 1
                    reason = result.reason.value if result.reason is not None else result.status.value
                    error = f"{result.status.value}: {reason}: {result.detail or ''}".rstrip(": ")
                    log.warning("the central %s outbox row %d: %s", result.status.value, row, error)
                else:
                    counts[result.status.value] += 1
                acked.append({"at": at, "row": row, "error": error})
            # One statement each for the whole batch: a batch is hundreds of rows.
            if sent:
                session.execute(_SENT, sent)
            if acked:
                session.execute(_ACK, acked)
            # The central has seen numbers past this batch: this till forgot items it sent (a restore).
            renumber = ours and (renumber or response.next_seq > last + 1)
            if ours:
                if renumber:
                    delete_setting(session, BATCH)
                elif not gap:
                    set_setting(session, NEXT_SEQ, response.next_seq)
                    delete_setting(session, BATCH)
        if gap and ours:
            raise Refused(
                409,
                f"the central expects sequence {response.next_seq} of this till, which it had acknowledged "
                "before: the central's data is older than this till's",
            )
        return Settled(counts["applied"], counts["duplicate"], counts["refused"], renumber)

    def start_epoch(self, epoch: int, next_seq: int) -> None:
        with self.store.write() as session:
            _start_epoch(session, epoch, next_seq)
        log.info("sync epoch %d: what waits is numbered again from %d", epoch, next_seq)

    def waiting(self) -> int:
        with self.store.read() as session:
            return int(session.execute(_WAITING).scalar_one())

    def held(self) -> int:
        """Outbox rows of kinds the protocol does not carry: kept, not counted as waiting."""
        with self.store.read() as session:
            return int(session.execute(_HELD).scalar_one())

    # -- pull ------------------------------------------------------------------------------------------------
    def cursor(self) -> str:
        with self.store.read() as session:
            cursor: str = get_setting(session, CURSOR, "")
            return cursor

    def _enough(self, elapsed: float) -> bool:
        """Whether a transaction applying pulled changes for ``elapsed`` seconds ends now."""
        return elapsed >= APPLY_ALONE_S or (elapsed >= APPLY_WITHIN_S and self.store.writers_waiting())

    def apply(self, page: PullResponse) -> Applied:
        if page.resync:
            log.warning("the central asked for a full resync: its change log is new to this till")
        changes = list(page.changes)
        written = 0
        skipped: list[str] = []
        start = 0
        while True:
            with self.store.write() as session:
                done = apply_changes(session, changes[start:], enough=self._enough)
                if done.stopped is not None and done.stopped_no is not None:
                    # The cursor stays right before the change this till cannot take in: an updated till
                    # pulls it from there, so nothing of the log is lost by skipping it.
                    set_setting(session, CURSOR, cursor_after(page.next_cursor, done.stopped_no - 1))
                    if get_setting(session, PULL_STOPPED) != done.stopped:
                        log.warning("pull stopped: %s", done.stopped)
                        set_setting(session, PULL_STOPPED, done.stopped)
                elif start + done.read >= len(changes):
                    if get_setting(session, CURSOR, "") != page.next_cursor:
                        set_setting(session, CURSOR, page.next_cursor)
                    if get_setting(session, PULL_STOPPED) is not None:
                        delete_setting(session, PULL_STOPPED)
            written += done.written
            skipped.extend(done.skipped)
            if done.stopped is not None:
                self._index_names(last_page=True)
                return Applied(start + done.read, written, tuple(skipped), stopped=done.stopped)
            start += done.read
            if start >= len(changes):
                break
        self._index_names(last_page=not page.more)
        self.store.checkpoint_when_large()  # pages back to back never give the background one a moment
        return Applied(len(changes), written, tuple(skipped))

    def _index_names(self, *, last_page: bool) -> None:
        """Names of pulled members into the name index: all of them after the pull's last page, and a chunk
        whenever a chunk's worth waits (a first pull of a million members is searchable as it comes in)."""
        if last_page:
            name_index.catch_up(self.store)
            return
        with self.store.read() as session:
            behind = name_index.behind(session)
        if behind >= name_index.CHUNK:
            with self.store.write() as session:
                name_index.catch_up_step(session)

    def pull_stopped(self) -> str | None:
        """Why the last pull stopped before a change this till cannot take in yet (None: it did not)."""
        with self.store.read() as session:
            stopped: str | None = get_setting(session, PULL_STOPPED)
            return stopped

    # -- outcome ---------------------------------------------------------------------------------------------
    def record_success(self, at: datetime) -> None:
        with self.store.write() as session:
            set_setting(session, LAST_SUCCESS, format_utc(at))
            delete_setting(session, LAST_FAILURE)

    def record_failure(self, at: datetime, phase: str, reason: str) -> None:
        with self.store.write() as session:
            set_setting(session, LAST_FAILURE, {"at": format_utc(at), "phase": phase, "reason": reason})

    def last_success(self) -> datetime | None:
        with self.store.read() as session:
            last = get_setting(session, LAST_SUCCESS)
        return None if last is None else parse_utc(last)


def _load_records(session: Session, rows: Iterable[int]) -> list[OutboxRecord]:
    """Outbox rows as the records their items are built from: ledger entries as the ledger stores them (the
    stored text of every column, read without conversion), members as the outbox recorded them."""
    wanted = list(rows)
    if not wanted:
        return []
    marks = ", ".join(f":r{i}" for i in range(len(wanted)))
    params = {f"r{i}": row for i, row in enumerate(wanted)}
    found = session.execute(
        text(
            f"SELECT o.id, o.entity, o.entity_id, o.created_at, o.payload, {_ENTRY_COLUMNS}, "
            "e.prev_hash, e.hash, e.id IS NOT NULL FROM outbox o "
            "LEFT JOIN ledger_entries e ON o.entity = 'ledger_entry' AND e.id = o.entity_id "
            f"LEFT JOIN lots l ON l.id = e.id WHERE o.id IN ({marks})"
        ),
        params,
    ).all()
    n = len(ENTRY_FIELDS)
    records = []
    for row in found:
        row_id, entity, entity_id, created_at, payload = row[:5]
        if entity == "ledger_entry":
            if not row[-1]:
                body: dict[str, Any] = {}  # the entry is missing: its item is refused as invalid
            else:
                body = dict(zip(ENTRY_FIELDS, row[5 : 5 + n], strict=True))
                body["prev_hash"], body["hash"] = row[5 + n], row[6 + n]
        else:
            body = json.loads(payload)
        records.append(OutboxRecord(int(row_id), str(entity), str(entity_id), str(created_at), body))
    return records


# -- the engine of this till ------------------------------------------------------------------------------------
def till_engine(
    store: Store,
    *,
    status: SyncStatus | None = None,
    connect: Connect | None = None,
    timeout: float = 30.0,
    batch_size: int | None = None,
    page_size: int | None = None,
    interval: float = 15.0,
    backoff: Backoff | None = None,
) -> SyncEngine:
    """The sync engine over this till's store (not started)."""
    port = TillSyncStore(store)
    kwargs: dict[str, Any] = {}
    if batch_size is not None:
        kwargs["batch_size"] = batch_size
    if page_size is not None:
        kwargs["page_size"] = page_size
    return SyncEngine(
        port,
        status=status,
        connect=connect,
        timeout=timeout,
        interval=interval,
        backoff=backoff,
        **kwargs,
    )
