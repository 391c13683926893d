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
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

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
    """Close the gap, one chunk per write transaction."""
    with store.read() as session:
        if gap(session) is None:
            return
    while True:
        with store.write() as session:
            if catch_up_step(session, chunk):
                return
