"""The members' name index (FTS5), filled in large chunks after a bulk pull.

A member added one by one puts its name in the index in its own transaction (the triggers of migration
0001, conditional since 0010). A pull that brings thousands of members at once opens a *gap* instead
(``open_gap``): the members added from then on — rowids above the gap's ``indexed_to`` — are left out by the
triggers, and ``catch_up`` adds them in sorted chunks, each a short write transaction of its own, so a sale
waits behind one chunk at most. FTS5 builds a chunk of 50,000 names into one segment; the same names one
transaction at a time leave hundreds of small segments that it keeps merging (migration 0010 has the
figures).

While the gap is open a name search does not find the members in it yet; a phone, number or card does. The
gap closes at the end of every pull, and at the till's start should a pull have been cut short.

The bulk insert itself (``members_in_bulk``) skips the insert trigger, and a first pull into an empty till
leaves the B-tree indexes keyed by names, phones, e-mails and referral codes to be built once at the end,
with the gap's catch-up (``app.store.deferred_indexes``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.store import deferred_indexes
from app.store.db import Store

CHUNK = 50_000
"""Names added per transaction: about a third of a second on a store of a million members."""

_GAP = text("SELECT max(indexed_to) FROM name_index_gap")


def gap(session: Session) -> int | None:
    """The rowid above which members are not in the name index yet; None when every member is."""
    value = session.execute(_GAP).scalar()
    return None if value is None else int(value)


def open_gap(session: Session) -> None:
    """Leave the names of members added from now on (in this transaction and after) to ``catch_up``."""
    if gap(session) is None:
        session.execute(
            text("INSERT INTO name_index_gap (indexed_to) SELECT coalesce(max(rowid), 0) FROM members")
        )


_INSERT_TRIGGER = "members_fts_after_insert"


@contextmanager
def members_in_bulk(session: Session) -> Iterator[None]:
    """Members inserted inside this block leave the name index to ``catch_up`` (the gap is opened first), and
    SQLite skips the index's insert trigger for them altogether.

    A trigger costs SQLite a sub-program run per row even when its ``WHEN`` is false: about 30 µs a member,
    a tenth of a first pull's time (300,000 members: 41 s with it, 31 s without, inserts alone). So the
    trigger is dropped for the block and created again from its own stored text before the block ends, in
    the same transaction: a rollback or a crash restores it, and no other writer runs meanwhile (the
    transaction holds the store's write lock). Members above the gap are not indexed by the trigger anyway.
    Run it in a savepoint or transaction that is rolled back should the block fail."""
    open_gap(session)
    deferred_indexes.defer(session)
    stored = session.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
        {"name": _INSERT_TRIGGER},
    ).scalar()
    if stored is None:  # a schema without it (an older migration under test): nothing to skip
        yield
        return
    session.execute(text(f"DROP TRIGGER {_INSERT_TRIGGER}"))
    # Not in a ``finally``: a failed block is rolled back (the caller runs it in a savepoint), and that brings
    # the trigger back; creating it in a failed transaction could only hide the first error.
    yield
    session.execute(text(str(stored)))


def behind(session: Session) -> int:
    """About how many members are not in the name index yet (rowids above the gap: members are never
    deleted, so new ones take the next rowid)."""
    after = gap(session)
    if after is None:
        return 0
    last = session.execute(text("SELECT max(rowid) FROM members")).scalar()
    return max(0, int(last or 0) - after)


def catch_up_step(session: Session, chunk: int = CHUNK) -> bool:
    """Add the next ``chunk`` names in the gap to the index (in rowid order); True once the gap is closed."""
    after = gap(session)
    if after is None:
        return True
    upto = session.execute(
        text(
            "SELECT max(rowid) FROM (SELECT rowid FROM members WHERE rowid > :after ORDER BY rowid LIMIT :chunk)"
        ),
        {"after": after, "chunk": chunk},
    ).scalar()
    if upto is not None:
        session.execute(
            text(
                "INSERT INTO members_fts (rowid, name_folded) "
                "SELECT rowid, name_folded FROM members WHERE rowid > :after AND rowid <= :upto ORDER BY rowid"
            ),
            {"after": after, "upto": upto},
        )
        last = session.execute(text("SELECT max(rowid) FROM members")).scalar()
        if last is not None and int(last) > int(upto):
            # From here on the triggers keep these names up to date; the rest wait for the next step.
            session.execute(text("UPDATE name_index_gap SET indexed_to = :upto"), {"upto": upto})
            return False
    session.execute(text("DELETE FROM name_index_gap"))
    return True


def catch_up(store: Store, chunk: int = CHUNK) -> None:
    """Close the gap, one chunk per write transaction, then build the indexes a first pull left for later
    (``app.store.deferred_indexes``), one per write transaction: about a second each per million members."""
    with store.read() as session:
        if gap(session) is None and not deferred_indexes.pending(session):
            return
    while True:
        with store.write() as session:
            if catch_up_step(session, chunk):
                break
    while True:
        with store.write() as session:
            if not deferred_indexes.build_next(session):
                break
