"""Named monotonic counters: the per-till ledger sequence, member numbers."""

from __future__ import annotations

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


def peek_value(session: Session, name: str) -> int | None:
    """The last value handed out, or None if the counter was never used."""
    value = session.execute(text("SELECT value FROM counters WHERE name = :name"), {"name": name}).scalar()
    return None if value is None else int(value)
