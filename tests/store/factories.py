"""Small builders for rows the store tests need."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.store.models import LedgerEntry, Member

_member_counter = 0


def make_member(session: Session, full_name: str = "Nguyễn Văn An", **values: Any) -> Member:
    global _member_counter  # noqa: PLW0603 - unique numbers across one test run
    _member_counter += 1
    n = _member_counter
    fields: dict[str, Any] = {
        "member_number": f"M{n:08d}",
        "full_name": full_name,
        "referral_code": f"R{n:08d}",
    }
    fields.update(values)
    member = Member(**fields)
    session.add(member)
    session.flush()
    return member


def make_entry(session: Session, member: Member, seq: int, points: int = 10, **values: Any) -> LedgerEntry:
    fields: dict[str, Any] = {
        "member_id": member.id,
        "kind": "earn",
        "points": points,
        "store_id": "S1",
        "till_id": "T1",
        "seq": seq,
        "program_version": "2025.1",
        "created_at": datetime(2025, 1, 1, 12, 0, tzinfo=UTC),
    }
    fields.update(values)
    entry = LedgerEntry(**fields)
    session.add(entry)
    session.flush()
    return entry
