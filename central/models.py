"""The central service's tables (SQLAlchemy 2), the same on PostgreSQL and on SQLite.

The schema is owned by the Alembic migrations in ``central/migrations``; a test compares it with these models
on both databases.

Claims are unique constraints, never look-then-insert:

- ``items.id`` claims an item id (a ledger entry's UUIDv7) once across every till and store;
- ``push_slots (till_id, epoch, seq)`` records the outcome of each push sequence number of a till's epoch;
- ``ledger_positions (till_id, epoch, seq)`` keeps a till's ledger chain positions unique within an epoch;
- ``member_numbers (store_id, member_number)`` gives a member number to one member of a store;
- ``cards (store_id, token)`` is one card of a store, whichever till linked it first;
- ``overdrafts (member_id, id)``: one overdraft per ledger entry that overspent;
- ``orders (channel_id, order_ref)`` and ``channel_requests (channel_id, key)``: an online order earns once,
  an idempotency key answers once;
- ``inbox_items (store_id, item_id, kind, hash)`` makes an inbox item once however often it is replayed;
- ``receipt_awards (store_id, receipt_ref, entry_id)`` lists a store's till sales by receipt number, to find a
  number two tills awarded (each numbers its receipts on its own);
- ``changes (store_id, no)`` is the pull log, numbered under the store row's lock (``stores.last_change``).

Growing past one server (docs/operations.md): every member-owned table (``members``, ``entries``,
``overdrafts``, ``overdraft_payoffs``, ``lots``, ``lot_consumptions``) is keyed by the member id first, so its
primary key includes the partition key and the same schema can be created ``PARTITION BY HASH``
(``central.db.migrate(partitions=N)``) or distributed by member id. Claims that are not about one member live
in tables keyed by their own key.
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
    text,
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
    audit_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """The store's audit chain: the number and hash of its last record (taken under the store row's lock)."""
    audit_head: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)


class Till(Base):
    """A writer of a store's ledger: a till (``kind = 'till'``), a sales channel such as the web shop
    (``'channel'``, whose entries the central writes for it) or the central itself (``'central'``: write-offs
    and merges, one per store, never a bearer of a token). Each keeps its own hash chain of entries."""

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
    kind: Mapped[str] = mapped_column(String(16), default="till", server_default="till")
    ledger_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """Entries the central wrote in this channel's chain (channels and the central only)."""
    ledger_head: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)


class EnrollmentCode(Base):
    __tablename__ = "enrollment_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"))
    created_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcTime)
    till_id: Mapped[str | None] = mapped_column(String(36))


class Member(Base):
    """A member of a store. Member-owned: partitioned (or distributed) by ``id``."""

    __tablename__ = "members"

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
    """The time of the newest edit taken in (protocol UTC text)."""
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    """Set when the member was merged into another: entries for it count on the survivor."""
    field_times: Mapped[dict[str, Any] | None] = mapped_column(Json)
    """Per profile field, ``[time, writer id]`` of the edit that set it: edits merge field by field."""


class MemberNumber(Base):
    """A member number belongs to one member of a store (a claim keyed by the number, not by the member)."""

    __tablename__ = "member_numbers"

    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"), primary_key=True)
    member_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), ForeignKey("members.id"))


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
    """A ledger entry, counted on ``member_id``, the member it names (as at every till; what it leaves on a
    merged member the central moves to the survivor with transfer entries). Member-owned: keyed by member
    first."""

    __tablename__ = "entries"

    member_id: Mapped[str] = mapped_column(String(36), ForeignKey("members.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), ForeignKey("items.id"), primary_key=True)
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


class LedgerPosition(Base):
    """A place in a writer's ledger chain, taken by one entry."""

    __tablename__ = "ledger_positions"

    till_id: Mapped[str] = mapped_column(String(36), ForeignKey("tills.id"), primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(36))


class Overdraft(Base):
    """What one debit entry took below zero. Later credits pay it back (``remaining``), or a manager writes
    it off. Keyed by the member and the entry: one overdraft per entry, whatever is replayed."""

    __tablename__ = "overdrafts"

    member_id: Mapped[str] = mapped_column(String(36), ForeignKey("members.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    """The id of the entry that overspent."""
    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"))
    till_id: Mapped[str] = mapped_column(String(36), ForeignKey("tills.id"))
    points: Mapped[int] = mapped_column(BigInteger)
    remaining: Mapped[int] = mapped_column(BigInteger)
    allowance: Mapped[int | None] = mapped_column(BigInteger)
    """The program's offline redemption allowance, when the central knows the entry's program version."""
    status: Mapped[str] = mapped_column(String(16))
    """``open`` (being paid back by earnings), ``recovered`` or ``written_off``."""
    created_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UtcTime)


class OverdraftPayoff(Base):
    """Points of a credit entry that went to an overdraft."""

    __tablename__ = "overdraft_payoffs"

    member_id: Mapped[str] = mapped_column(String(36), ForeignKey("members.id"), primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    overdraft_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    points: Mapped[int] = mapped_column(BigInteger)


class CentralLot(Base):
    """Points of one credit entry (its id is the lot's), with their expiry: the central owns expiry for
    enrolled tills, so it keeps every member's lots as the entries it applies leave them (``loyalty.ledger``),
    and its sweep expires what is left of each lot once. Member-owned: keyed by the member first."""

    __tablename__ = "lots"
    __table_args__ = (
        Index("ix_lots_expires_at", "expires_at"),
        # What a debit reads: the member's lots with points left (migration 0004).
        Index(
            "ix_lots_open",
            "member_id",
            "expires_at",
            postgresql_where=text("remaining > 0"),
            sqlite_where=text("remaining > 0"),
        ),
    )

    member_id: Mapped[str] = mapped_column(String(36), ForeignKey("members.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"))
    points: Mapped[int] = mapped_column(BigInteger)
    remaining: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime | None] = mapped_column(UtcTime)
    created_at: Mapped[datetime] = mapped_column(UtcTime)
    expire_id: Mapped[str | None] = mapped_column(String(36))
    """The expiry entry of this lot, claimed with ``UPDATE ... WHERE expire_id IS NULL``: at most one."""
    expired: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """What the expiry took, less what corrections gave back (entries dated before the expiry that arrived
    after it)."""


class CentralLotUse(Base):
    """Points a debit entry (a redemption, a return, an expiry) took from a lot."""

    __tablename__ = "lot_consumptions"

    member_id: Mapped[str] = mapped_column(String(36), ForeignKey("members.id"), primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lot_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    points: Mapped[int] = mapped_column(BigInteger)


class Card(Base):
    """A card of a store, by the token every till looks it up by. A block beats a link."""

    __tablename__ = "cards"
    __table_args__ = (Index("ix_cards_member_id", "member_id"),)

    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(200), primary_key=True)
    id: Mapped[str] = mapped_column(String(36))
    member_id: Mapped[str] = mapped_column(String(36), ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(200))
    replaced_by_id: Mapped[str | None] = mapped_column(String(36))
    status_reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[str] = mapped_column(String(27))


class Order(Base):
    """An online order of a channel: it earns once, whichever idempotency key it is sent under."""

    __tablename__ = "orders"

    channel_id: Mapped[str] = mapped_column(String(36), ForeignKey("tills.id"), primary_key=True)
    order_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"))
    member_id: Mapped[str] = mapped_column(String(36))
    entry_id: Mapped[str] = mapped_column(String(36))
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)


class ChannelRequest(Base):
    """An idempotency key of a channel, claimed with the request's effects; the answer given for it."""

    __tablename__ = "channel_requests"

    channel_id: Mapped[str] = mapped_column(String(36), ForeignKey("tills.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcTime, default=utcnow)


class AuditRecord(Base):
    """The central's audit log, hash-chained per store (``loyalty.audit``): managers' decisions."""

    __tablename__ = "audit"

    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcTime)
    actor: Mapped[str] = mapped_column(String(64))
    via: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(Json)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class InboxItem(Base):
    """Something a manager must look at: a conflicting or rejected item, or an overdraft. Kept when resolved."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("store_id", "item_id", "kind", "hash"),
        Index("ix_inbox_items_store_id_id", "store_id", "id"),
    )

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
    member_id: Mapped[str | None] = mapped_column(String(36))
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_via: Mapped[str | None] = mapped_column(String(36))
    note: Mapped[str | None] = mapped_column(Text)


class ReceiptAward(Base):
    """A till's sale by its receipt number: a second till's award of the number goes to the inbox."""

    __tablename__ = "receipt_awards"

    store_id: Mapped[str] = mapped_column(String(36), ForeignKey("stores.id"), primary_key=True)
    receipt_ref: Mapped[str] = mapped_column(String(200), primary_key=True)  # the protocol's ShortText
    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    till_id: Mapped[str] = mapped_column(String(36))
    member_id: Mapped[str] = mapped_column(String(36))


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
