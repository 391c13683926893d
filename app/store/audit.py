"""The hash-chained audit log: appending and verifying.

Triggers already refuse UPDATE and DELETE on ``audit_log``; the chain is for the case they do not cover, someone
who edits the file with the triggers dropped. Any edited, deleted or reordered row breaks it from that row on.
Removing rows from the end is caught through ``sqlite_sequence``, which remembers the highest ``seq`` ever used;
an attacker who also rewrites that table and every later hash is beyond what a local chain can show, which is
why the chain's head is also worth sending off the till.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.store.models import AuditRecord
from app.store.types import format_utc, parse_utc
from loyalty.audit import GENESIS_HASH, audit_hash, canonical_json


@dataclass(frozen=True)
class AuditProblem:
    seq: int
    kind: str
    """``edited``, ``missing`` (rows deleted before it), ``broken_link`` (prev_hash does not match),
    ``truncated`` (rows deleted at the end) or ``unreadable``."""
    message: str


def _hashed_fields(
    *,
    seq: int,
    at: str,
    staff_id: str | None,
    action: str,
    subject_type: str | None,
    subject_id: str | None,
    details: Any,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at,
        "staff_id": staff_id,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "details": details,
    }


def _high_water_mark(session: Session) -> int:
    """The highest seq ever given out: AUTOINCREMENT remembers it even after rows are removed."""
    stored = session.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'")).scalar()
    return int(stored or 0)


def append_audit(
    session: Session,
    *,
    action: str,
    staff_id: str | None,
    subject_type: str | None,
    subject_id: str | None,
    details: dict[str, Any],
    at: datetime,
) -> AuditRecord:
    """Add one chained record in the session's transaction, which must be a writer's (``Store.write()``).

    The write lock is what makes ``seq`` safe to compute here: no other writer can append in between.
    """
    last = session.execute(
        select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
    ).first()
    last_seq, prev_hash = (last[0], last[1]) if last is not None else (0, GENESIS_HASH)
    # Never reuse a number of a removed tail row: the gap keeps the removal visible to verify_audit_chain.
    seq = max(last_seq, _high_water_mark(session)) + 1
    details_text = canonical_json(details)
    at_text = format_utc(at)
    record_hash = audit_hash(
        prev_hash,
        _hashed_fields(
            seq=seq,
            at=at_text,
            staff_id=staff_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            # Hash what verify will read back, so values that JSON turns into text hash the same both times.
            details=json.loads(details_text),
        ),
    )
    record = AuditRecord(
        seq=seq,
        at=parse_utc(at_text),
        staff_id=staff_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details_text,
        prev_hash=prev_hash,
        hash=record_hash,
    )
    session.add(record)
    session.flush()
    return record


def verify_audit_chain(session: Session) -> list[AuditProblem]:
    """Every break in the chain, oldest first; an empty list means the log is intact."""
    problems: list[AuditProblem] = []
    # Raw text, not the ORM: verification must hash exactly the stored strings, without any type conversion.
    rows = session.execute(
        text(
            "SELECT seq, at, staff_id, action, subject_type, subject_id, details, prev_hash, hash "
            "FROM audit_log ORDER BY seq"
        )
    ).all()
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for seq, at, staff_id, action, subject_type, subject_id, details, stored_prev, stored_hash in rows:
        if seq != expected_seq:
            problems.append(
                AuditProblem(seq, "missing", f"records {expected_seq} to {seq - 1} are missing before {seq}")
            )
        if stored_prev != prev_hash:
            problems.append(
                AuditProblem(seq, "broken_link", f"record {seq} does not follow the record stored before it")
            )
        try:
            parsed = json.loads(details)
        except (TypeError, ValueError):
            problems.append(AuditProblem(seq, "unreadable", f"record {seq} has details that are not JSON"))
        else:
            fields = _hashed_fields(
                seq=seq,
                at=at,
                staff_id=staff_id,
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                details=parsed,
            )
            if audit_hash(stored_prev, fields) != stored_hash:
                problems.append(AuditProblem(seq, "edited", f"record {seq} was changed after it was written"))
        prev_hash = stored_hash
        expected_seq = seq + 1
    high = _high_water_mark(session)
    if high >= expected_seq:
        problems.append(
            AuditProblem(high, "truncated", f"records {expected_seq} to {high} were removed from the end")
        )
    return problems
