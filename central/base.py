"""What every use case of the central shares: refusals the API turns into 4xx answers, the tables, the
dialect's INSERT with ``ON CONFLICT``, and the unit of work a request fills (entries to settle, changes for the
pull log, merges to finish) before ``central.ledger.finish`` closes it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, any_, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from central import models as m
from sync.protocol import ChangeKind, ItemStatus, Reason


class ServiceError(Exception):
    """A refusal the API turns into a 4xx answer."""

    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Unauthorized(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Invalid(ServiceError):
    """Well-formed but not acceptable (a reason missing, a time out of range): 422 like a validation error."""

    status = 422


class ItemRefused(Exception):
    """A push item the central does not apply: its savepoint is rolled back, it goes to the inbox."""

    def __init__(self, status: ItemStatus, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.status, self.reason, self.detail = status, reason, detail


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _table(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


ITEMS, SLOTS, ENTRIES, MEMBERS = _table(m.Item), _table(m.PushSlot), _table(m.Entry), _table(m.Member)
INBOX, CHANGES, STORES, TILLS = _table(m.InboxItem), _table(m.Change), _table(m.Store), _table(m.Till)
CODES, PROGRAMS = _table(m.EnrollmentCode), _table(m.ProgramVersion)
NUMBERS, POSITIONS, OVERDRAFTS = _table(m.MemberNumber), _table(m.LedgerPosition), _table(m.Overdraft)
PAYOFFS, CARDS, ORDERS = _table(m.OverdraftPayoff), _table(m.Card), _table(m.Order)
REQUESTS, AUDIT, RECEIPTS = _table(m.ChannelRequest), _table(m.AuditRecord), _table(m.ReceiptAward)


def insert_on_conflict(session: Session, table: Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def among(session: Session, column: Any, values: Iterable[Any]) -> Any:
    """``column IN (values)``. On PostgreSQL ``column = ANY(:array)``: one parameter however many values, where
    an ``IN`` list renders a placeholder per value that the driver parses again for every batch of a push."""
    listed = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, listed, type_=postgresql.ARRAY(column.type)))
    return column.in_(listed)


def now() -> datetime:
    return m.utcnow()


@dataclass(frozen=True, slots=True)
class Posted:
    """An entry's effect on its member's balance, settled at the end of the request."""

    entry_id: str
    points: int
    till_id: str
    hash: str
    program_version: str
    pays_first: str | None = None
    """An overdraft this credit pays before any other (a write-off pays the overdraft it writes off)."""
    body: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    """The entry as stored (its JSON body), when the request has it at hand: lot tracking reads it from
    here instead of reading the row back (``central.lots.track``)."""


@dataclass
class Work:
    """What one request does beyond its own rows, finished in one place (``central.ledger.finish``)."""

    store_id: str
    writer_id: str
    """The till (or channel) the request comes from: the origin of its changes."""
    now: datetime
    postings: list[tuple[str, Posted]] = field(default_factory=list)
    """The request's entries in order, each with the member it counts on."""
    changes: list[tuple[ChangeKind, str | None, dict[str, Any]]] = field(default_factory=list)
    """For the pull log: kind, the writer it need not be sent back to (None: every till), body."""
    merged: list[tuple[str, str]] = field(default_factory=list)
    """(source, survivor) of merges taken in: whatever the source still holds moves to the survivor."""
    balances: dict[str, int] = field(default_factory=dict)
    """Balances after settlement, per member."""
    audits: list[dict[str, Any]] = field(default_factory=list)
    """Audit records (``central.ledger.audit`` keywords) the request writes after its changes: the audit chain
    is on the store row, which is locked last."""

    def post(self, member_id: str, posted: Posted) -> None:
        self.postings.append((member_id, posted))

    def mark(self) -> tuple[int, int, int, int]:
        """Where the work stands, to ``rewind`` to when an item is refused after adding to it."""
        return len(self.postings), len(self.changes), len(self.merged), len(self.audits)

    def take(self, other: Work) -> None:
        """Add what ``other`` did, after what this work holds (a group of pushes is finished as one)."""
        self.postings.extend(other.postings)
        self.changes.extend(other.changes)
        self.merged.extend(other.merged)
        self.audits.extend(other.audits)

    def rewind(self, mark: tuple[int, int, int, int]) -> None:
        del self.postings[mark[0] :]
        del self.changes[mark[1] :]
        del self.merged[mark[2] :]
        del self.audits[mark[3] :]
