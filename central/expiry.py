"""The central's expiry sweep: one ``expire`` entry per lot that is due, for what is left of it, exactly once.

For a till enrolled with a central, the central is the single owner of expiry (docs/sync.md, "Who owns
expiry"): tills never write expiries, they pull these. A sweep works member by member, in batches, each batch
in a transaction of its own:

- the member's row is locked first (``FOR NO KEY UPDATE``, the lock every push that touches the member takes),
  so a push and a sweep of one member take turns;
- each due lot is **claimed** with ``UPDATE lots SET expire_id = :id WHERE ... AND expire_id IS NULL``: two
  sweeps at once (two workers, a rerun after a crash) cannot both claim it, and the expiry's id is a function
  of the lot (``central.lots.expire_entry_id``), so even a claim lost with its transaction is written again
  under the same id;
- the entry is written in the central's chain (``central.ledger.write_entry``), tracked on the lot
  (``central.lots``), settled on the balance and put in the change log: every till pulls it.

Run by ``python -m central expire --db URL [--now TIME]`` and, every few minutes, inside ``serve``.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from central.base import ENTRIES, MEMBERS, Work, now
from central.ledger import active_program, central_writer, finish, write_entry
from central.lots import LOTS, expire_entry_id
from loyalty.ledger import EntryKind

log = logging.getLogger(__name__)

BATCH = 200
"""Members per transaction: a push waits behind at most one batch."""


def sweep_batch(session: Session, now: datetime, batch: int = BATCH, after: str = "") -> tuple[int, int, str]:
    """Expire the due lots of up to ``batch`` members (member id order, after ``after``) in the caller's
    transaction. Returns (lots expired, points expired, the last member id looked at; empty when done)."""
    due = session.execute(
        select(LOTS.c.member_id, LOTS.c.store_id)
        .where(
            LOTS.c.remaining > 0,
            LOTS.c.expire_id.is_(None),
            LOTS.c.expires_at <= now,
            LOTS.c.member_id > after,
        )
        .group_by(LOTS.c.member_id, LOTS.c.store_id)
        .order_by(LOTS.c.member_id)
        .limit(batch)
    ).all()
    if not due:
        return 0, 0, ""
    by_store: dict[str, list[str]] = defaultdict(list)
    for member_id, store_id in due:
        by_store[store_id].append(member_id)
    lots = points = 0
    for store_id in sorted(by_store):
        work = Work(store_id=store_id, writer_id="", now=now)
        writer = central_writer(session, store_id)
        members = session.execute(
            select(MEMBERS.c.id, MEMBERS.c.merged_into_id)
            .where(MEMBERS.c.id.in_(by_store[store_id]))
            .order_by(MEMBERS.c.id)
            .with_for_update(key_share=True)
        ).all()
        program = active_program(session)
        for member_id, merged_into in members:
            if merged_into is not None:
                # A duplicate merged into another member holds nothing of its own: what it held moved to the
                # survivor at the merge (central.ledger: the leftover transfer).
                continue
            for lot in session.execute(
                select(LOTS.c.id, LOTS.c.expires_at)
                .where(
                    LOTS.c.member_id == member_id,
                    LOTS.c.remaining > 0,
                    LOTS.c.expire_id.is_(None),
                    LOTS.c.expires_at <= now,
                )
                .order_by(LOTS.c.expires_at, LOTS.c.id)
            ).all():
                entry_id = expire_entry_id(lot.id, lot.expires_at)
                left = session.execute(
                    update(LOTS)
                    .where(LOTS.c.member_id == member_id, LOTS.c.id == lot.id, LOTS.c.expire_id.is_(None))
                    .values(expire_id=entry_id)
                    .returning(LOTS.c.remaining)
                ).scalar()
                if not left:
                    continue  # another sweep claimed it first
                version = session.execute(
                    select(ENTRIES.c.program_version).where(
                        ENTRIES.c.member_id == member_id, ENTRIES.c.id == lot.id
                    )
                ).scalar()
                write_entry(
                    session,
                    work,
                    writer,
                    member_id=member_id,
                    kind=EntryKind.EXPIRE,
                    points=-int(left),
                    channel="central",
                    program_version=version or (program.version if program else "central"),
                    at=now,
                    reason="points expired",
                    details={"lot_id": lot.id},
                    entry_id=entry_id,
                )
                lots += 1
                points += int(left)
        finish(session, work)
    return lots, points, due[-1].member_id


def sweep(engine: Engine, now: datetime, batch: int = BATCH) -> tuple[int, int]:
    """Expire every due lot, a batch of members per transaction. Returns (lots expired, points expired)."""
    total_lots = total_points = 0
    after = ""
    while True:
        with Session(engine) as session, session.begin():
            lots, points, after = sweep_batch(session, now, batch, after)
        total_lots += lots
        total_points += points
        if not after:
            return total_lots, total_points


class Sweeper:
    """The sweep every ``interval`` seconds on a thread of its own, inside ``serve``."""

    def __init__(self, engine: Engine, interval: float) -> None:
        self.engine, self.interval = engine, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="central-expiry", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                lots, points = sweep(self.engine, now())
                if lots:
                    log.info("expiry: %d lot(s), %d point(s) expired", lots, points)
            except Exception:  # a failed sweep is tried again at the next interval; serving goes on
                log.exception("expiry sweep failed")
