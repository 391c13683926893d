"""Named monotonic counters: the per-till ledger sequence (with the head of the till's hash chain), member
numbers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

_NEXT = text(
    "INSERT INTO counters (name, value) VALUES (:name, :start) "
    "ON CONFLICT (name) DO UPDATE SET value = value + 1 "
    "RETURNING value"
)


def next_value(session: Session, name: str, *, start: int = 1) -> int:
    """The next value of counter ``name`` (``start`` the first time), in the session's transaction.

    One statement reads and increments, so two writers can never be handed the same value; the number is only
    used up if the transaction commits.
    """
    value = session.execute(_NEXT, {"name": name, "start": start}).scalar_one()
    return int(value)


def ledger_counter(till_id: str) -> str:
    """The counter that numbers a till's ledger entries and holds the head of its chain."""
    return f"seq:{till_id}"


# These two run with every ledger entry, so they go straight to the driver, in the session's transaction:
# a few microseconds each, where a session statement with a returned row costs tens.
_NEXT_LINK = (
    "INSERT INTO counters (name, value) VALUES (?, 1) "
    "ON CONFLICT (name) DO UPDATE SET value = value + 1 "
    "RETURNING value, hash"
)
_SET_HEAD = "UPDATE counters SET hash = ? WHERE name = ?"


def _driver(session: Session) -> Any:
    dbapi = session.connection().connection.dbapi_connection
    if dbapi is None:  # pragma: no cover - a live connection always has one
        raise RuntimeError("connection is closed")
    return dbapi


def next_link(session: Session, name: str) -> tuple[int, str | None]:
    """The next number of a chained counter and the hash recorded for the number before it (None the first
    time), in one statement; record the new link's hash with ``set_head`` in the same transaction."""
    value, prev_hash = _driver(session).execute(_NEXT_LINK, (name,)).fetchone()
    return int(value), prev_hash


def set_head(session: Session, name: str, hash_: str) -> None:
    """Record the hash of the link numbered by the counter's current value: the head of the chain."""
    _driver(session).execute(_SET_HEAD, (hash_, name))


def peek_value(session: Session, name: str) -> int | None:
    """The last value handed out, or None if the counter was never used."""
    value = session.execute(text("SELECT value FROM counters WHERE name = :name"), {"name": name}).scalar()
    return None if value is None else int(value)
