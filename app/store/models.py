"""The till's tables as typed SQLAlchemy models.

The schema itself is owned by the Alembic migrations in ``migrations/versions``; these models must describe
exactly what the migrations create (a test compares the two). Some objects exist only in the migrations because
the ORM has no words for them: the ``members_fts`` full-text table with its sync triggers, and the triggers that
make ``ledger_entries`` and ``audit_log`` append-only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from app.store.types import JSONText, UTCDateTime, utcnow
from loyalty.ids import new_id
from loyalty.text import fold

APPLICATION_ID = 0x4C54494C
"""``PRAGMA application_id`` of a Loyalty Till database ("LTIL"): how a file is recognised as ours."""

# Named constraints let later batch migrations (SQLite rebuilds tables to alter them) address them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MEMBER_STATUSES = ("active", "merged", "erased")
CARD_KINDS = ("uid", "ndef", "sun", "barcode", "qr", "virtual")
CARD_STATUSES = ("active", "blocked", "replaced")
STAFF_ROLES = ("cashier", "manager")
STAFF_CARD_KINDS = ("uid", "sun")
STAFF_CARD_STATUSES = ("active", "unlinked")
LEDGER_KINDS = ("earn", "redeem", "bonus", "action", "adjust", "expire", "reverse", "transfer")

FTS_TABLE = "members_fts"
"""The FTS5 index over ``members.name_folded``. Query it with ``MATCH``; it is not an ORM model."""


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint(_in("status", MEMBER_STATUSES), name="status"),
        # Unique indexes, not constraints of the table, so that a first pull can drop them and build them once
        # at its end (migration 0011, app.store.deferred_indexes).
        Index("uq_members_phone", "phone", unique=True, sqlite_where=text("phone IS NOT NULL")),
        Index("uq_members_email", "email", unique=True, sqlite_where=text("email IS NOT NULL")),
        Index("uq_members_referral_code", "referral_code", unique=True),
        Index("ix_members_referred_by_id", "referred_by_id"),
        # The daily maintenance finds the members whose tier review is due without reading every member.
        Index("ix_members_tier_review_at", "tier_review_at"),
        # The manager's member list pages by keyset in each order it offers (migration 0005).
        Index("ix_members_name_folded_id", "name_folded", "id"),
        Index("ix_members_balance_id", "balance", "id"),
        Index("ix_members_last_visit_at_id", "last_visit_at", "id"),
        Index("ix_members_tier_code_name_folded_id", "tier_code", "name_folded", "id"),
        Index(
            "ix_members_status_name_folded_id",
            "status",
            "name_folded",
            "id",
            sqlite_where=text("status != 'active'"),
        ),
    )

    id: Mapped[str] = mapped_column(Text, primary_key=True, default=new_id)
    member_number: Mapped[str] = mapped_column(Text, unique=True)
    full_name: Mapped[str] = mapped_column(Text)
    name_folded: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    birthday: Mapped[date | None] = mapped_column(Date)
    referral_code: Mapped[str] = mapped_column(Text)
    referred_by_id: Mapped[str | None] = mapped_column(Text, ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(Text, default="active", server_default="active")
    merged_into_id: Mapped[str | None] = mapped_column(Text, ForeignKey("members.id"))
    tier_code: Mapped[str | None] = mapped_column(Text)
    tier_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tier_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    balance: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    first_purchase_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The latest purchase (earn entry), kept by a trigger on ledger_entries (migration 0005).
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    preferred_language: Mapped[str] = mapped_column(Text, default="vi", server_default="vi")
    home_store_id: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cards: Mapped[list[Card]] = relationship(back_populates="member", foreign_keys="Card.member_id")

    @validates("full_name")
    def _fold_name(self, _key: str, value: str) -> str:
        # name_folded is derived data: keeping it next to the assignment means it can never drift.
        self.name_folded = fold(value)
        return value

    @validates("email")
    def _lower_email(self, _key: str, value: str | None) -> str | None:
        return None if value is None else value.lower()


DUPLICATE_REASONS = ("phone", "invalid_phone", "email", "name_birthday")


class MemberDuplicate(Base):
    """A member who is probably someone else already enrolled, for a manager to merge (never merged by
    itself). ``old_value`` keeps what was taken from the member to keep a unique column unique."""

    __tablename__ = "member_duplicates"
    __table_args__ = (
        CheckConstraint(_in("reason", DUPLICATE_REASONS), name="reason"),
        Index("ix_member_duplicates_member_id", "member_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(Text, ForeignKey("members.id"))
    duplicate_of_id: Mapped[str | None] = mapped_column(Text, ForeignKey("members.id"))
    reason: Mapped[str] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(Text)
    old_value: Mapped[str | None] = mapped_column(Text)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Consent(Base):
    __tablename__ = "consents"
    __table_args__ = (
        Index("ix_consents_member_id_purpose_recorded_at", "member_id", "purpose", "recorded_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(Text, ForeignKey("members.id"))
    purpose: Mapped[str] = mapped_column(Text)
    granted: Mapped[bool] = mapped_column(Boolean)
    text_version: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    staff_id: Mapped[str | None] = mapped_column(Text)


class Card(Base):
    __tablename__ = "cards"
    __table_args__ = (
        CheckConstraint(_in("kind", CARD_KINDS), name="kind"),
        CheckConstraint(_in("status", CARD_STATUSES), name="status"),
        Index("ix_cards_member_id", "member_id"),
    )

    id: Mapped[str] = mapped_column(Text, primary_key=True, default=new_id)
    token: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="active")
    member_id: Mapped[str] = mapped_column(Text, ForeignKey("members.id"))
    label: Mapped[str] = mapped_column(Text)
    replaced_by_id: Mapped[str | None] = mapped_column(Text, ForeignKey("cards.id"))
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member: Mapped[Member] = relationship(back_populates="cards", foreign_keys=[member_id])


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (CheckConstraint(_in("role", STAFF_ROLES), name="role"),)

    id: Mapped[str] = mapped_column(Text, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    pin_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("1"))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffCard(Base):
    """A card a member of staff taps to approve in place (migration 0007). Its ``token`` is the keyed hash of
    the UID, as for members' cards, never the UID; a token is a member's card or a staff card, never both
    (the services refuse the second link). An unlinked card keeps its row, so a tap can say so."""

    __tablename__ = "staff_cards"
    __table_args__ = (
        CheckConstraint(_in("kind", STAFF_CARD_KINDS), name="kind"),
        CheckConstraint(_in("status", STAFF_CARD_STATUSES), name="status"),
        Index("ix_staff_cards_staff_id", "staff_id"),
    )

    id: Mapped[str] = mapped_column(Text, primary_key=True, default=new_id)
    token: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str] = mapped_column(Text, ForeignKey("staff.id"))
    status: Mapped[str] = mapped_column(Text, default="active", server_default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProgramVersion(Base):
    __tablename__ = "program_versions"

    version: Mapped[str] = mapped_column(Text, primary_key=True)
    # Kept as the exact text that was loaded, so sha256 can be re-checked against it.
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[Any] = mapped_column(JSONText)


class NameIndexGap(Base):
    """At most one row: members whose rowid is above ``indexed_to`` are not yet in the name index
    (``app.store.name_index``; migration 0010). Empty: every member is."""

    __tablename__ = "name_index_gap"

    indexed_to: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class Counter(Base):
    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    # For a till's ledger counter: the hash of its entry numbered ``value``, the head of the till's chain.
    hash: Mapped[str | None] = mapped_column(Text)


class LedgerEntry(Base):
    """One movement of points. Append-only: database triggers refuse UPDATE and DELETE; hash-chained per
    till, so an edit made with the triggers dropped still shows (``app.store.integrity``)."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(_in("kind", LEDGER_KINDS), name="kind"),
        UniqueConstraint("till_id", "seq", name="uq_ledger_entries_till_id_seq"),
        # Covering the member history and the tier window's net spend (see the migration).
        Index("ix_ledger_entries_member_history", "member_id", "created_at", "kind", "amount_minor"),
        Index("ix_ledger_entries_receipt_ref", "receipt_ref"),
        # A receipt earns once per till: the database refuses this till a second award, whatever the code
        # does. Not once per store: two tills may award one number offline and the central keeps both
        # (migration 0008; the service still refuses a receipt any till of the store is known to have awarded).
        Index(
            "uq_ledger_entries_till_earn_receipt",
            "store_id",
            "receipt_ref",
            "till_id",
            unique=True,
            sqlite_where=text("kind = 'earn' AND receipt_ref IS NOT NULL"),
        ),
        Index(
            "ix_ledger_entries_member_id_kind_action_code_created_at",
            "member_id",
            "kind",
            "action_code",
            "created_at",
        ),
        Index(
            "ix_ledger_entries_reverses_id",
            "reverses_id",
            sqlite_where=text("reverses_id IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(Text, primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(Text, ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(Text)
    points: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str | None] = mapped_column(Text)
    receipt_ref: Mapped[str | None] = mapped_column(Text)
    store_id: Mapped[str] = mapped_column(Text)
    till_id: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer)
    # No foreign key: entries pulled from the central service may name staff of other stores.
    staff_id: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    action_code: Mapped[str | None] = mapped_column(Text)
    program_version: Mapped[str] = mapped_column(Text)
    reverses_id: Mapped[str | None] = mapped_column(Text, ForeignKey("ledger_entries.id"))
    channel: Mapped[str] = mapped_column(Text, default="till", server_default="till")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    # The till's hash chain (loyalty.chain): the hash of the same till's previous entry, and this entry's.
    prev_hash: Mapped[str | None] = mapped_column(Text)
    hash: Mapped[str | None] = mapped_column(Text)


class Lot(Base):
    """Points earned by one entry, consumed soonest-expiring first; ``id`` is that entry's id."""

    __tablename__ = "lots"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("remaining >= 0 AND remaining <= points", name="remaining_range"),
        Index(
            "ix_lots_open_by_member",
            "member_id",
            "expires_at",
            "id",
            "points",
            "remaining",
            "created_at",
            sqlite_where=text("remaining > 0"),
        ),
        # The day's expiry sweep (which members hold open lots past their date) and the points liability by
        # expiry, from the index alone (migration 0009).
        Index(
            "ix_lots_open_by_expiry",
            "expires_at",
            "member_id",
            "remaining",
            sqlite_where=text("remaining > 0"),
        ),
    )

    id: Mapped[str] = mapped_column(Text, ForeignKey("ledger_entries.id"), primary_key=True)
    member_id: Mapped[str] = mapped_column(Text, ForeignKey("members.id"))
    points: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LotConsumption(Base):
    __tablename__ = "lot_consumptions"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        Index("ix_lot_consumptions_entry_id", "entry_id"),
        Index("ix_lot_consumptions_lot_id", "lot_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(Text, ForeignKey("ledger_entries.id"))
    lot_id: Mapped[str] = mapped_column(Text, ForeignKey("lots.id"))
    points: Mapped[int] = mapped_column(Integer)


class Overdraft(Base):
    """Points spent beyond the balance (offline redemptions on two tills); later earnings pay it off."""

    __tablename__ = "overdrafts"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("remaining >= 0 AND remaining <= points", name="remaining_range"),
        Index("ix_overdrafts_member_id", "member_id"),
    )

    id: Mapped[str] = mapped_column(Text, primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(Text, ForeignKey("members.id"))
    entry_id: Mapped[str] = mapped_column(Text, ForeignKey("ledger_entries.id"))
    points: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditRecord(Base):
    """One row of the hash-chained audit log. Write it only through ``app.store.audit.append_audit``."""

    __tablename__ = "audit_log"
    __table_args__ = (
        # The audit log viewer's filters and a card's history (migration 0006); each ends with seq (rowid).
        Index("ix_audit_log_staff_id", "staff_id"),
        Index("ix_audit_log_action", "action"),
        Index("ix_audit_log_subject_id", "subject_id"),
        Index("ix_audit_log_at", "at"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    staff_id: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    subject_type: Mapped[str | None] = mapped_column(Text)
    subject_id: Mapped[str | None] = mapped_column(Text)
    # Canonical JSON text, exactly as hashed.
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(Text)


class HintUse(Base):
    """What the cashier did with a next-best-action hint shown for a member: used it or dismissed it.
    ``hint_kind`` is a ``loyalty.analytics.hints.HintKind`` value."""

    __tablename__ = "hint_uses"
    __table_args__ = (
        Index("ix_hint_uses_member_id_recorded_at", "member_id", "recorded_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(Text, ForeignKey("members.id"))
    hint_kind: Mapped[str] = mapped_column(Text)
    used: Mapped[bool] = mapped_column(Boolean)
    staff_id: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxItem(Base):
    """A change made at this till, waiting to be pushed to the central service."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "id", sqlite_where=text("acked_at IS NULL")),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str] = mapped_column(Text)
    op: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
