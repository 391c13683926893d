"""The audit log for a manager: filtered pages, an export to CSV, and the hash chains checked on demand.

Pages are keysets on ``seq`` (newest first, ``WHERE seq < :last``), each filter read from its own index
(migration 0006), so a page costs the same on the first day and after years. A row names the member it is
about: the member itself, the member of a card, of a ledger entry or of an overdraft.

The chains are checked here as ``app.store.integrity`` checks them (the same hashes: ``loyalty.audit`` and
``loyalty.chain``), but row by row as a stream, with progress, and each problem as data (which chain, what
kind, where) that the window words in its language. It reads one snapshot and never takes the write lock, so
it can run beside the till's sales on its own thread.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, case, func, literal, select, text, union_all
from sqlalchemy.orm import Session, aliased

from app.services.context import Actor, Permission
from app.services.core import Core
from app.store import models as m
from app.store.counters import ledger_counter
from loyalty.audit import GENESIS_HASH, audit_hash
from loyalty.chain import ENTRY_FIELDS, entry_hash
from loyalty.errors import Detail, InvalidInput

PAGE_SIZE = 50
MAX_PAGE = 500
PROGRESS_EVERY = 20_000  # rows between two progress reports

Progress = Callable[[int, int], None]
Stop = Callable[[], bool]


class Stopped(Exception):
    """The export or the check was stopped before it finished."""


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the manager narrowed the log to; every field optional. ``until`` is exclusive."""

    staff_id: str | None = None
    action: str | None = None
    member_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditRow:
    seq: int
    at: datetime
    staff_id: str | None
    staff_code: str | None
    staff_name: str | None
    action: str
    subject_type: str | None
    subject_id: str | None
    member_id: str | None  # the member the record is about, when it is about one
    member_number: str | None
    member_name: str | None
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: tuple[AuditRow, ...]  # newest first
    newer: bool  # rows newer than the first exist (with the same filter)
    older: bool  # rows older than the last exist


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """One break in a chain. ``kind``: for both chains ``edited`` (a row no longer matches its hash),
    ``missing`` (rows ``seq`` to ``last`` deleted), ``broken_link`` (a row does not follow the one stored
    before it: inserted, replaced or moved), ``truncated`` (rows ``seq`` to ``last`` deleted at the end);
    for the audit log ``unreadable`` (details that are not JSON); for the ledger ``added`` (rows ``seq`` to
    ``last`` added after the head the till recorded), ``head_changed`` (the last entry is not the one the
    till wrote), ``no_head`` (this till's entries without a recorded head)."""

    chain: str  # 'audit' or 'ledger'
    kind: str
    seq: int
    last: int | None = None
    till_id: str | None = None


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    audit_records: int
    ledger_entries: int
    tills: int
    problems: tuple[ChainProblem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems

    def of(self, chain: str) -> tuple[ChainProblem, ...]:
        return tuple(p for p in self.problems if p.chain == chain)


CSV_COLUMNS = (
    "seq",
    "at_utc",
    "staff_code",
    "staff_name",
    "action",
    "subject_type",
    "subject_id",
    "member_number",
    "member_name",
    "details",
)


class AuditLogService:
    """Manager only: the log says who did what to whom."""

    def __init__(self, core: Core) -> None:
        self.core = core

    # -- reading ------------------------------------------------------------------------------------------
    def page(
        self,
        actor: Actor,
        where: AuditFilter,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int = PAGE_SIZE,
    ) -> AuditPage:
        """One page, newest first: the newest rows (neither ``before`` nor ``after``), those older than
        ``before``, or those newer than ``after``."""
        actor.require(Permission.READ_AUDIT)
        _check(where)
        limit = max(1, min(limit, MAX_PAGE))
        a = m.AuditRecord
        query = _rows_query(where)
        if after is not None:
            query = query.where(a.seq > after).order_by(a.seq.asc())
        else:
            if before is not None:
                query = query.where(a.seq < before)
            query = query.order_by(a.seq.desc())
        with self.core.read() as session:
            rows = [_row(r) for r in session.execute(query.limit(limit + 1))]
        more = len(rows) > limit
        rows = rows[:limit]
        if after is not None:
            rows.reverse()
            return AuditPage(tuple(rows), newer=more, older=True)
        return AuditPage(tuple(rows), newer=before is not None, older=more)

    def actions(self, actor: Actor) -> list[str]:
        """The actions the log holds, for the filter."""
        actor.require(Permission.READ_AUDIT)
        with self.core.read() as session:
            return list(
                session.scalars(select(m.AuditRecord.action).distinct().order_by(m.AuditRecord.action))
            )

    # -- export -------------------------------------------------------------------------------------------
    def export_csv(
        self,
        actor: Actor,
        where: AuditFilter,
        path: Path,
        *,
        progress: Progress | None = None,
        stop: Stop | None = None,
    ) -> int:
        """Write the filtered rows, oldest first, to ``path`` (UTF-8 with a byte-order mark, which
        spreadsheets need to show Vietnamese); returns the number of rows. The file appears whole or not at
        all. The export itself is audited: the log says who took a copy of it."""
        actor.require(Permission.READ_AUDIT)
        _check(where)
        path = Path(path)
        if path.suffix.lower() != ".csv":
            raise InvalidInput(what="File", why="choose a file name ending in .csv")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InvalidInput(
                what="File",
                why=Detail("it cannot be written there ({error})", error=err.strerror or str(err)),
            ) from None
        partial = path.with_name(path.name + ".partial")
        count = 0
        with self.core.read() as session:
            total = int(session.execute(_count(where)).scalar_one())
            query = _rows_query(where).order_by(m.AuditRecord.seq.asc())
            try:
                with partial.open("w", encoding="utf-8-sig", newline="") as out:
                    writer = csv.writer(out)
                    writer.writerow(CSV_COLUMNS)
                    for raw in session.execute(query):
                        row = _row(raw)
                        writer.writerow(_csv_cells(row))
                        count += 1
                        if count % PROGRESS_EVERY == 0:
                            if stop is not None and stop():
                                raise Stopped
                            if progress is not None:
                                progress(count, total)
                os.replace(partial, path)
            except OSError as err:
                raise InvalidInput(
                    what="File",
                    why=Detail("it cannot be written there ({error})", error=err.strerror or str(err)),
                ) from None
            finally:
                partial.unlink(missing_ok=True)
        with self.core.write() as session:
            self.core.audit(
                session, actor, "audit.export", None, None, {"rows": count, "filter": _filter_details(where)}
            )
        if progress is not None:
            progress(count, count)
        return count

    # -- the chains ---------------------------------------------------------------------------------------
    def verify(
        self, actor: Actor, *, progress: Progress | None = None, stop: Stop | None = None
    ) -> ChainVerdict:
        """Check the audit log's chain and every till's ledger chain, from one snapshot. ``progress(done,
        total)`` counts rows of both; ``stop()`` returning True ends the check with ``Stopped``."""
        actor.require(Permission.READ_AUDIT)
        with self.core.read() as session:
            audit_total = int(session.execute(text("SELECT count(*) FROM audit_log")).scalar_one())
            ledger_total = int(session.execute(text("SELECT count(*) FROM ledger_entries")).scalar_one())
            ticker = _Ticker(audit_total + ledger_total, progress, stop)
            problems = list(_audit_chain(session, ticker))
            tills: set[str] = set()
            problems += _ledger_chains(session, ticker, tills)
            ticker.done()
        return ChainVerdict(audit_total, ledger_total, len(tills), tuple(problems))


# -- queries ------------------------------------------------------------------------------------------------
def _check(where: AuditFilter) -> None:
    if where.since is not None and where.until is not None and where.until <= where.since:
        raise InvalidInput(what="Time range", why="the end must come after the start")


def _member_of() -> Any:
    a = m.AuditRecord
    card = aliased(m.Card)
    entry = aliased(m.LedgerEntry)
    overdraft = aliased(m.Overdraft)
    member_id = case(
        (a.subject_type == "member", a.subject_id),
        (a.subject_type == "card", select(card.member_id).where(card.id == a.subject_id).scalar_subquery()),
        (
            a.subject_type == "ledger_entry",
            select(entry.member_id).where(entry.id == a.subject_id).scalar_subquery(),
        ),
        (
            a.subject_type == "overdraft",
            select(overdraft.member_id).where(overdraft.id == a.subject_id).scalar_subquery(),
        ),
        else_=None,
    )
    return member_id


def _conditions(where: AuditFilter) -> list[Any]:
    a = m.AuditRecord
    conditions: list[Any] = []
    if where.staff_id is not None:
        conditions.append(a.staff_id == where.staff_id)
    if where.action is not None:
        conditions.append(a.action == where.action)
    # A time range also bounds seq, read from the index on ``at`` (the first and the last seq in the range),
    # so a page walks only the rows of the range, not the whole log from its newest end.
    inner = aliased(m.AuditRecord)
    if where.since is not None:
        conditions.append(a.at >= where.since)
        conditions.append(
            a.seq >= select(func.min(inner.seq)).where(inner.at >= where.since).scalar_subquery()
        )
    if where.until is not None:
        conditions.append(a.at < where.until)
        conditions.append(
            a.seq <= select(func.max(inner.seq)).where(inner.at < where.until).scalar_subquery()
        )
    if where.member_id is not None:
        # What is about the member: the member itself, its cards, its ledger entries, its overdrafts (each
        # found by the index on subject_id).
        subjects = union_all(
            select(literal(where.member_id)),
            select(m.Card.id).where(m.Card.member_id == where.member_id),
            select(m.LedgerEntry.id).where(m.LedgerEntry.member_id == where.member_id),
            select(m.Overdraft.id).where(m.Overdraft.member_id == where.member_id),
        )
        conditions.append(a.subject_id.in_(subjects))
    return conditions


def _rows_query(where: AuditFilter) -> Select[Any]:
    a = m.AuditRecord
    member_id = _member_of()
    member = aliased(m.Member)
    return (
        select(a, member_id, member.member_number, member.full_name, m.Staff.code, m.Staff.name)
        .select_from(a)
        .outerjoin(member, member.id == member_id)
        .outerjoin(m.Staff, m.Staff.id == a.staff_id)
        .where(*_conditions(where))
    )


def _count(where: AuditFilter) -> Select[Any]:
    return select(func.count()).select_from(m.AuditRecord).where(*_conditions(where))


def _row(raw: Sequence[Any]) -> AuditRow:
    record, member_id, number, name, staff_code, staff_name = raw
    try:
        details = json.loads(record.details)
    except (TypeError, ValueError):
        details = {"text": str(record.details)}  # the chain check names such a row
    if not isinstance(details, dict):
        details = {"value": details}
    return AuditRow(
        seq=record.seq,
        at=record.at,
        staff_id=record.staff_id,
        staff_code=staff_code,
        staff_name=staff_name,
        action=record.action,
        subject_type=record.subject_type,
        subject_id=record.subject_id,
        member_id=member_id,
        member_number=number,
        member_name=name,
        details=details,
    )


def _csv_cells(row: AuditRow) -> list[str]:
    return [
        str(row.seq),
        row.at.isoformat(),
        row.staff_code or row.staff_id or "",
        row.staff_name or "",
        row.action,
        row.subject_type or "",
        row.subject_id or "",
        row.member_number or "",
        row.member_name or "",
        json.dumps(row.details, ensure_ascii=False, sort_keys=True),
    ]


def _filter_details(where: AuditFilter) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v)
        for k, v in asdict(where).items()
        if v is not None
    }


# -- the chains, as a stream --------------------------------------------------------------------------------
class _Ticker:
    def __init__(self, total: int, progress: Progress | None, stop: Stop | None) -> None:
        self.total = total
        self.count = 0
        self.progress = progress
        self.stop = stop

    def tick(self) -> None:
        self.count += 1
        if self.count % PROGRESS_EVERY == 0:
            if self.stop is not None and self.stop():
                raise Stopped
            if self.progress is not None:
                self.progress(self.count, self.total)

    def done(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def _cursor(session: Session) -> Any:
    """A driver cursor in the session's snapshot: the chains are read row by row, never all at once."""
    dbapi = session.connection().connection.dbapi_connection
    if dbapi is None:  # pragma: no cover - a live connection always has one
        raise RuntimeError("connection is closed")
    return dbapi.cursor()


def _audit_chain(session: Session, ticker: _Ticker) -> Iterator[ChainProblem]:
    """The audit chain as ``app.store.audit.verify_audit_chain`` checks it (the same hashed fields, from
    the stored text), streamed."""
    cursor = _cursor(session)
    try:
        cursor.execute(
            "SELECT seq, at, staff_id, action, subject_type, subject_id, details, prev_hash, hash "
            "FROM audit_log ORDER BY seq"
        )
        expected, prev_hash = 1, GENESIS_HASH
        for seq, at, staff_id, action, subject_type, subject_id, details, stored_prev, stored_hash in cursor:
            ticker.tick()
            if seq != expected:
                yield ChainProblem("audit", "missing", expected, seq - 1)
            if stored_prev != prev_hash:
                yield ChainProblem("audit", "broken_link", seq)
            try:
                parsed = json.loads(details)
            except (TypeError, ValueError):
                yield ChainProblem("audit", "unreadable", seq)
            else:
                fields = {
                    "seq": seq,
                    "at": at,
                    "staff_id": staff_id,
                    "action": action,
                    "subject_type": subject_type,
                    "subject_id": subject_id,
                    "details": parsed,
                }
                if audit_hash(stored_prev, fields) != stored_hash:
                    yield ChainProblem("audit", "edited", seq)
            prev_hash, expected = stored_hash, seq + 1
    finally:
        cursor.close()
    # AUTOINCREMENT remembers the highest seq ever given: rows removed from the end leave it behind.
    high = int(
        session.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'")).scalar() or 0
    )
    if high >= expected:
        yield ChainProblem("audit", "truncated", expected, high)


_CHAIN_COLUMNS = ", ".join(f"l.{name}" if name == "expires_at" else f"e.{name}" for name in ENTRY_FIELDS)
_TILL = ENTRY_FIELDS.index("till_id")


def _ledger_chains(session: Session, ticker: _Ticker, tills: set[str]) -> list[ChainProblem]:
    """Each till's chain in sequence order, as ``app.store.integrity.ledger_chain_problems`` walks it, with
    the head each till recorded in its counter."""
    prefix = ledger_counter("")
    heads = {
        str(name)[len(prefix) :]: (int(value), head)
        for name, value, head in session.execute(
            text("SELECT name, value, hash FROM counters WHERE substr(name, 1, :n) = :prefix"),
            {"n": len(prefix), "prefix": prefix},
        )
    }
    raw_local = session.execute(text("SELECT value FROM settings WHERE key = 'till_id'")).scalar()
    local = None if raw_local is None else str(json.loads(raw_local))
    problems: list[ChainProblem] = []
    cursor = _cursor(session)
    n = len(ENTRY_FIELDS)
    till: str | None = None
    expected, prev_hash, last_seq, last_hash = 1, GENESIS_HASH, 0, None

    def close_till() -> None:
        if till is None:
            return
        head = heads.get(till)
        if head is None:
            if till == local and last_seq:
                problems.append(ChainProblem("ledger", "no_head", last_seq, till_id=till))
            return
        head_seq, head_hash = head
        if head_seq > last_seq:
            problems.append(ChainProblem("ledger", "truncated", last_seq + 1, head_seq, till))
        elif head_seq < last_seq:
            problems.append(ChainProblem("ledger", "added", head_seq + 1, last_seq, till))
        elif head_hash != last_hash:
            problems.append(ChainProblem("ledger", "head_changed", last_seq, till_id=till))

    try:
        cursor.execute(
            f"SELECT {_CHAIN_COLUMNS}, e.prev_hash, e.hash FROM ledger_entries e "
            "LEFT JOIN lots l ON l.id = e.id ORDER BY e.till_id, e.seq"
        )
        for row in cursor:
            ticker.tick()
            if row[_TILL] != till:
                close_till()
                till = row[_TILL]
                tills.add(till)
                expected, prev_hash, last_seq, last_hash = 1, GENESIS_HASH, 0, None
            entry = dict(zip(ENTRY_FIELDS, row[:n], strict=True))
            stored_prev, stored_hash = row[n], row[n + 1]
            seq = entry["seq"]
            if not isinstance(seq, int):
                problems.append(ChainProblem("ledger", "edited", expected, till_id=till))
                continue
            if seq > expected:
                problems.append(ChainProblem("ledger", "missing", expected, seq - 1, till))
            elif stored_prev != prev_hash:
                problems.append(ChainProblem("ledger", "broken_link", seq, till_id=till))
            if stored_hash is None or entry_hash(stored_prev or "", entry) != stored_hash:
                problems.append(ChainProblem("ledger", "edited", seq, till_id=till))
            prev_hash, expected = stored_hash or "", seq + 1
            last_seq, last_hash = seq, stored_hash
        close_till()
    finally:
        cursor.close()
    for till_id, (head_seq, _hash) in heads.items():
        if till_id not in tills and head_seq > 0:
            problems.append(ChainProblem("ledger", "truncated", 1, head_seq, till_id))
    return problems
