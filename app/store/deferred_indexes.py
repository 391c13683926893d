"""Indexes of the members table that a first pull builds once at its end instead of keeping up row by row.

A first pull brings a store's whole membership into a new till, and the members arrive in the order they
changed at the central: their names, phones, e-mails and referral codes in no order at all. Every new member
then lands on a random page of each index keyed by them, and every transaction of the pull writes each page
it changed to the write-ahead log again: measured with SQLite alone, a million members took 69 s with the
phone, e-mail and referral code indexes kept up, 16 s without them (migration 0011). Sorted once at the end,
each index takes about a second per million members. Four more indexes only ever grow at their end during a
pull (``AT_THE_END_INDEXES``), and are still cheaper to build once.

So when a pull starts adding members to an (almost) empty till, these indexes are dropped and their text kept
in the setting ``DEFERRED``, in the same transaction. Until they are built again:

- the manager's member list sorted by name, balance or last visit, and the daily tier review, read the table
  instead of an index;
- phones, e-mails and referral codes are not checked against the store by the pull (``unchecked``): a look-up
  without the index would read every member. A sale or an enrolment at the till still checks them (it reads
  the table: slower, still right);
- ``build_next`` builds them one per write transaction (a sale waits behind one at most) when the pull's last
  page is in, at the next start, or with ``python -m app maintenance``. Building a unique index first settles
  what two members hold alike (``_settle``), by the rule the pull applies one member at a time: the member
  who was here first keeps a phone or an e-mail, the later one is kept without it; a referral code drawn twice
  is drawn again for the later member.
"""

from __future__ import annotations

import json
import logging
import re

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.store.referral_codes import new_referral_codes
from app.store.settings import delete_setting, get_setting, set_setting

log = logging.getLogger(__name__)

DEFERRED = "members.deferred_indexes"
"""Setting: the members' indexes dropped for a first pull, ``{name: CREATE INDEX text}``."""

NAME_INDEXES = ("ix_members_name_folded_id", "ix_members_tier_code_name_folded_id")
"""Keyed by the folded name. Kept up row by row they were half of a first pull's insert time (300,000 members:
21.9 s with them, 11.9 s without)."""

UNIQUE_INDEXES = {
    "uq_members_phone": "phone",
    "uq_members_email": "email",
    "uq_members_referral_code": "referral_code",
}
"""The unique indexes a first pull defers, and their columns (named indexes since migration 0011)."""

AT_THE_END_INDEXES = (
    "ix_members_referred_by_id",
    "ix_members_tier_review_at",
    "ix_members_balance_id",
    "ix_members_last_visit_at_id",
)
"""Keys a pulled member adds at the end (nothing yet, its id: ids are made in time order). Cheap each, but
four of them: 500,000 members went in 2.2 s sooner without them, and building them takes 3 s a million."""

DEFERRABLE = (*NAME_INDEXES, *UNIQUE_INDEXES, *AT_THE_END_INDEXES)

DEFER_BELOW = 1_000
"""The indexes are built after the pull only when it starts on fewer members than this (a new till): on a
large store, building them again would cost more than keeping them up for a few new members."""


def defer(session: Session) -> None:
    """Drop the deferrable indexes when a bulk load starts on an (almost) empty members table, keeping their
    text in ``DEFERRED`` in the same transaction."""
    if get_setting(session, DEFERRED) is not None:
        return
    last = session.execute(text("SELECT coalesce(max(rowid), 0) FROM members")).scalar()
    if int(last or 0) >= DEFER_BELOW:
        return
    found = {
        str(name): str(sql)
        for name, sql in session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members'")
        )
        if name in DEFERRABLE and sql is not None
    }
    if not found:
        return
    for name in found:
        session.execute(text(f"DROP INDEX {name}"))
    set_setting(session, DEFERRED, found)
    session.flush()  # ``pending`` reads the table itself


def pending(session: Session) -> dict[str, str]:
    """The indexes left for later, ``{name: CREATE INDEX text}`` (empty when every one is built).

    Read straight from the table: a pull asks for every run of members, and the ORM's ``get`` of a setting
    went to the database each time anyway (the identity map holds no unreferenced row), a few times slower."""
    stored = (
        session.connection().exec_driver_sql("SELECT value FROM settings WHERE key = ?", (DEFERRED,)).scalar()
    )
    deferred = None if stored is None else json.loads(stored)
    return {str(k): str(v) for k, v in deferred.items()} if isinstance(deferred, dict) else {}


def unchecked(session: Session) -> frozenset[str]:
    """The members' columns (``phone``, ``email``, ``referral_code``) whose unique index waits to be built: a
    pull does not look their values up (``_settle`` will), since a look-up would read every member."""
    return frozenset(UNIQUE_INDEXES[name] for name in pending(session) if name in UNIQUE_INDEXES)


def build_next(session: Session) -> bool:
    """Build one index left for later (settling duplicates first for a unique one); False when none is left."""
    deferred = pending(session)
    if not deferred:
        return False
    name = min(deferred)
    create = re.sub(r"^CREATE (UNIQUE )?INDEX ", r"CREATE \1INDEX IF NOT EXISTS ", deferred[name], count=1)
    column = UNIQUE_INDEXES.get(name)
    if column is None:
        session.execute(text(create))
    else:
        try:
            with session.begin_nested():
                session.execute(text(create))
        except IntegrityError:
            _settle(session, column)
            session.execute(text(create))
    del deferred[name]
    if deferred:
        set_setting(session, DEFERRED, deferred)
    else:
        delete_setting(session, DEFERRED)
    session.flush()  # ``pending`` reads the table itself
    return True


def _settle(session: Session, column: str) -> None:
    """Leave ``column``'s value to the first member here who holds it (the lowest rowid: members are never
    deleted, so rowids go in the order members came). A later holder of a phone or e-mail is kept without
    it, as the pull does when it checks one member at a time; a referral code is drawn again."""
    later = list(
        session.scalars(
            text(
                f"SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY {column} ORDER BY rowid) AS n "
                f"FROM members WHERE {column} IS NOT NULL) WHERE n > 1 ORDER BY rowid"
            )
        )
    )
    if column == "referral_code":
        codes = new_referral_codes(session, len(later))
        session.execute(
            text("UPDATE members SET referral_code = :code WHERE rowid = :rowid"),
            [{"code": code, "rowid": rowid} for code, rowid in zip(codes, later, strict=True)],
        )
        log.info("%d referral codes drawn twice in a first pull were drawn again", len(later))
        return
    session.execute(
        text(f"UPDATE members SET {column} = NULL WHERE rowid IN (SELECT value FROM json_each(:rowids))"),
        {"rowids": json.dumps(later)},
    )
    log.warning("pull: %d members have a %s another member here held first: left off", len(later), column)
