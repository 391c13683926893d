"""Member-keyed tables, overdrafts, cards, merges, channels and the audit log.

- ``members`` loses its (store, number) unique constraint to ``member_numbers``, and ``entries`` its (till,
  epoch, seq) one to ``ledger_positions``: a partitioned table's unique constraints must include the
  partition key, so claims that are not about one member move to tables keyed by their own key;
- ``entries`` is keyed by ``(member_id, id)``; new member-owned tables ``overdrafts`` and
  ``overdraft_payoffs`` likewise;
- ``members`` gains ``merged_into_id`` and per-field edit times; tills gain a kind (till, channel, central)
  and a ledger chain head for the entries the central writes; inbox items gain their resolution; stores an
  audit chain head; new ``cards``, ``orders``, ``channel_requests`` and ``audit``.

With ``partitions`` set in the migration's attributes (``central.db.migrate(engine, partitions=N)``, PostgreSQL
only) the member-owned tables are created ``PARTITION BY HASH`` of the member id, in N partitions. Existing rows
are copied across.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql

# Frozen here, not imported from the models: a migration must not change when the models do.
TIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
GENESIS = "0" * 64

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEMBER_COLUMNS = "id, store_id, member_number, full_name, phone, email, status, tier_code, balance, entry_count, updated_at"
ENTRY_COLUMNS = (
    "member_id, id, store_id, till_id, epoch, seq, kind, points, amount_minor, currency, program_version, "
    "created_at, prev_hash, hash, body"
)


def _partitions() -> int:
    """How many hash partitions the member-owned tables get (0: plain tables)."""
    wanted = int(context.config.attributes.get("partitions") or 0)
    if wanted and op.get_bind().dialect.name != "postgresql":
        raise RuntimeError("hash partitioning is a PostgreSQL feature: leave it off on SQLite")
    return wanted


def _member_owned(name: str, key: str, partitions: int, *elements: Any) -> None:
    """Create a member-owned table, partitioned by hash of ``key`` when asked."""
    options: dict[str, Any] = {}
    if partitions:
        options["postgresql_partition_by"] = f"HASH ({key})"
    op.create_table(name, *elements, **options)
    for remainder in range(partitions):
        op.execute(
            f"CREATE TABLE {name}_p{remainder} PARTITION OF {name} "
            f"FOR VALUES WITH (MODULUS {partitions}, REMAINDER {remainder})"
        )


def upgrade() -> None:
    partitions = _partitions()
    # Keep the rows, rebuild the two tables whose keys change (a partitioned table cannot be made by ALTER).
    op.execute("CREATE TABLE members_0001 AS SELECT * FROM members")
    op.execute("CREATE TABLE entries_0001 AS SELECT * FROM entries")
    op.drop_index("ix_entries_member", table_name="entries")
    op.drop_table("entries")
    op.drop_table("members")

    _member_owned(
        "members",
        "id",
        partitions,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("member_number", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tier_code", sa.String(length=64), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("merged_into_id", sa.String(length=36), nullable=True),
        sa.Column("field_times", JSON, nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_members_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
    )
    op.create_table(
        "member_numbers",
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("member_number", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_numbers_member_id_members")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_member_numbers_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "member_number", name=op.f("pk_member_numbers")),
    )
    _member_owned(
        "entries",
        "member_id",
        partitions,
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("program_version", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("body", JSON, nullable=False),
        sa.ForeignKeyConstraint(["id"], ["items.id"], name=op.f("fk_entries_id_items")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_entries_member_id_members")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_entries_store_id_stores")),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"], name=op.f("fk_entries_till_id_tills")),
        sa.PrimaryKeyConstraint("member_id", "id", name=op.f("pk_entries")),
    )
    op.create_table(
        "ledger_positions",
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"], name=op.f("fk_ledger_positions_till_id_tills")),
        sa.PrimaryKeyConstraint("till_id", "epoch", "seq", name=op.f("pk_ledger_positions")),
    )
    op.execute(
        f"INSERT INTO members ({MEMBER_COLUMNS}, merged_into_id, field_times) "
        f"SELECT {MEMBER_COLUMNS}, NULL, NULL FROM members_0001"
    )
    op.execute(
        "INSERT INTO member_numbers (store_id, member_number, member_id) "
        "SELECT store_id, member_number, id FROM members_0001"
    )
    op.execute(f"INSERT INTO entries ({ENTRY_COLUMNS}) SELECT {ENTRY_COLUMNS} FROM entries_0001")
    op.execute(
        "INSERT INTO ledger_positions (till_id, epoch, seq, entry_id) SELECT till_id, epoch, seq, id "
        "FROM entries_0001"
    )
    op.drop_table("entries_0001")
    op.drop_table("members_0001")

    _member_owned(
        "overdrafts",
        "member_id",
        partitions,
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.Column("allowance", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("settled_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_overdrafts_member_id_members")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_overdrafts_store_id_stores")),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"], name=op.f("fk_overdrafts_till_id_tills")),
        sa.PrimaryKeyConstraint("member_id", "id", name=op.f("pk_overdrafts")),
    )
    _member_owned(
        "overdraft_payoffs",
        "member_id",
        partitions,
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("overdraft_id", sa.String(length=36), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_overdraft_payoffs_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", "entry_id", "overdraft_id", name=op.f("pk_overdraft_payoffs")),
    )
    op.create_table(
        "cards",
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("token", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("replaced_by_id", sa.String(length=36), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_cards_member_id_members")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_cards_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "token", name=op.f("pk_cards")),
    )
    op.create_index("ix_cards_member_id", "cards", ["member_id"], unique=False)
    op.create_table(
        "orders",
        sa.Column("channel_id", sa.String(length=36), nullable=False),
        sa.Column("order_ref", sa.String(length=64), nullable=False),
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["tills.id"], name=op.f("fk_orders_channel_id_tills")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_orders_store_id_stores")),
        sa.PrimaryKeyConstraint("channel_id", "order_ref", name=op.f("pk_orders")),
    )
    op.create_table(
        "channel_requests",
        sa.Column("channel_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("response", JSON, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["tills.id"], name=op.f("fk_channel_requests_channel_id_tills")
        ),
        sa.PrimaryKeyConstraint("channel_id", "key", name=op.f("pk_channel_requests")),
    )
    op.create_table(
        "audit",
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("via", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_audit_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "seq", name=op.f("pk_audit")),
    )

    op.add_column("stores", sa.Column("audit_seq", sa.BigInteger(), server_default="0", nullable=False))
    op.add_column(
        "stores", sa.Column("audit_head", sa.String(length=64), server_default=GENESIS, nullable=False)
    )
    op.add_column("tills", sa.Column("kind", sa.String(length=16), server_default="till", nullable=False))
    op.add_column("tills", sa.Column("ledger_seq", sa.BigInteger(), server_default="0", nullable=False))
    op.add_column(
        "tills", sa.Column("ledger_head", sa.String(length=64), server_default=GENESIS, nullable=False)
    )
    op.add_column("inbox_items", sa.Column("member_id", sa.String(length=36), nullable=True))
    op.add_column("inbox_items", sa.Column("resolution", sa.String(length=16), nullable=True))
    op.add_column("inbox_items", sa.Column("resolved_by", sa.String(length=64), nullable=True))
    op.add_column("inbox_items", sa.Column("resolved_via", sa.String(length=36), nullable=True))
    op.add_column("inbox_items", sa.Column("note", sa.Text(), nullable=True))
    op.create_index("ix_inbox_items_store_id_id", "inbox_items", ["store_id", "id"], unique=False)


def downgrade() -> None:
    """Back to 0001's shapes. What 0001 cannot hold is dropped: overdrafts, cards, orders, idempotency keys,
    the audit log, merges and per-field edit times."""
    op.drop_index("ix_inbox_items_store_id_id", table_name="inbox_items")
    for column in ("note", "resolved_via", "resolved_by", "resolution", "member_id"):
        op.drop_column("inbox_items", column)
    # 0001 knows only tills: a channel's token must not start working as a till's.
    op.execute("UPDATE tills SET revoked_at = CURRENT_TIMESTAMP WHERE kind <> 'till' AND revoked_at IS NULL")
    for column in ("ledger_head", "ledger_seq", "kind"):
        op.drop_column("tills", column)
    for column in ("audit_head", "audit_seq"):
        op.drop_column("stores", column)
    op.drop_table("audit")
    op.drop_table("channel_requests")
    op.drop_table("orders")
    op.drop_index("ix_cards_member_id", table_name="cards")
    op.drop_table("cards")
    op.drop_table("overdraft_payoffs")
    op.drop_table("overdrafts")

    op.execute("CREATE TABLE members_0002 AS SELECT * FROM members")
    op.execute("CREATE TABLE entries_0002 AS SELECT * FROM entries")
    op.drop_table("ledger_positions")
    op.drop_table("entries")
    op.drop_table("member_numbers")
    op.drop_table("members")
    op.create_table(
        "members",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("member_number", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tier_code", sa.String(length=64), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_members_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("store_id", "member_number", name=op.f("uq_members_store_id_member_number")),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("program_version", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("body", JSON, nullable=False),
        sa.ForeignKeyConstraint(["id"], ["items.id"], name=op.f("fk_entries_id_items")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_entries_member_id_members")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_entries_store_id_stores")),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"], name=op.f("fk_entries_till_id_tills")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
        sa.UniqueConstraint("till_id", "epoch", "seq", name=op.f("uq_entries_till_id_epoch_seq")),
    )
    op.create_index("ix_entries_member", "entries", ["member_id"], unique=False)
    op.execute(f"INSERT INTO members ({MEMBER_COLUMNS}) SELECT {MEMBER_COLUMNS} FROM members_0002")
    op.execute(f"INSERT INTO entries ({ENTRY_COLUMNS}) SELECT {ENTRY_COLUMNS} FROM entries_0002")
    op.drop_table("entries_0002")
    op.drop_table("members_0002")
