"""The central service's tables (SQLAlchemy 2), the same on PostgreSQL and on SQLite.

The schema is owned by the Alembic migrations in ``central/migrations``; a test compares it with these models
on both databases.

Claims are unique constraints, never look-then-insert:

- ``items.id`` claims an item id (a ledger entry's UUIDv7) once across every till and store;
- ``push_slots (till_id, epoch, seq)`` records the outcome of each push sequence number of a till's epoch;
- ``entries (till_id, epoch, seq)`` keeps a till's ledger chain positions unique within an epoch;
- ``inbox_items (store_id, item_id, kind, hash)`` makes an inbox item once however often it is replayed;
- ``changes (store_id, no)`` is the pull log, numbered under the store row's lock (``stores.last_change``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Json = JSON().with_variant(JSONB(), "postgresql")
BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite's rowid alias must be INTEGER


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcTime(TypeDecorator[datetime]):
    """An aware UTC datetime: ``timestamptz`` on PostgreSQL, naive UTC text on SQLite, aware on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: the central keeps UTC times")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    card_key: Mapped[str] = mapped_column(String(64))
    log_id: Mapped[str] = mapped_column(String(16))
    """Names this store's change log in pull cursors: a cursor of another log gets a resync."""
    last_change: Mapped[int] = mapped_column(BigInteger, default=0)
    """The last change number given out. Taken with UPDATE ... RETURNING, which holds the row lock until
    commit: change numbers of a store are assigned in commit order (docs/sync.md)."""
    created_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)


class Till(Base):
    __tablename__ = "tills"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    next_seq: Mapped[int] = mapped_column(BigInteger, default=1)
    enrolled_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcTime)
    last_push_at: Mapped[datetime | None] = mapped_column(UtcTime)


class EnrollmentCode(Base):
    __tablename__ = "enrollment_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"))
    created_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcTime)
    till_id: Mapped[str | None] = mapped_column(String(36))


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("store_id", "member_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"))
    member_number: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16), default="active")
    tier_code: Mapped[str | None] = mapped_column(String(64))
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    entry_count: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[str] = mapped_column(String(27))
    """The profile's time as the till stamped it (protocol UTC text): the newer edit wins."""


class Item(Base):
    """One claimed item id: whatever happened to it, it happens only once."""

    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"))
    till_id: Mapped[str] = mapped_column(String(36), ForeignKey("tills.id"))
    epoch: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)


class PushSlot(Base):
    """The outcome of each push sequence number of a till's epoch: what a replay is answered from."""

    __tablename__ = "push_slots"

    till_id: Mapped[str] = mapped_column(String(36), ForeignKey("tills.id"), primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[str] = mapped_column(String(36))
    hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))


class Entry(Base):
    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("till_id", "epoch", "seq"),
        Index("ix_entries_member", "member_id"),
    )

    id: Mapped[str] = mapped_column(String(36), ForeignKey("items.id"), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), ForeignKey("members.id"))
    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"))
    till_id: Mapped[str] = mapped_column(String(36), ForeignKey("tills.id"))
    epoch: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    points: Mapped[int] = mapped_column(BigInteger)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    program_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(27))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(Json)


class InboxItem(Base):
    """Something a manager must look at: a conflicting or rejected item (later: overdrafts)."""

    __tablename__ = "inbox_items"
    __table_args__ = (UniqueConstraint("store_id", "item_id", "kind", "hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"))
    till_id: Mapped[str] = mapped_column(String(36), ForeignKey("tills.id"))
    item_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcTime)


class Change(Base):
    """The pull log of a store, numbered 1, 2, 3 ... in commit order."""

    __tablename__ = "changes"

    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"), primary_key=True)
    no: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    origin_till_id: Mapped[str | None] = mapped_column(String(36))
    body: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)


class ProgramVersion(Base):
    __tablename__ = "program_versions"

    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(Json)
    sha256: Mapped[str] = mapped_column(String(64))
    installed_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)
