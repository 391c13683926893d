"""The till's first schema: members, cards, staff, the ledger with lots, audit log, outbox.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written by hand and frozen: it must not import the models, which will move on while this file describes the
schema as first released. Timestamps are TEXT holding fixed-width ISO-8601 UTC (see app.store.types).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# "LTIL": marks the file as a Loyalty Till database (app.store.models.APPLICATION_ID).
APPLICATION_ID = 0x4C54494C

FTS_TRIGGERS = {
    "members_fts_after_insert": """
        CREATE TRIGGER members_fts_after_insert AFTER INSERT ON members BEGIN
            INSERT INTO members_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
        END
    """,
    # Only a change of name_folded touches the index: balance updates on every sale must stay cheap.
    "members_fts_after_update": """
        CREATE TRIGGER members_fts_after_update AFTER UPDATE OF name_folded ON members BEGIN
            INSERT INTO members_fts(members_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
            INSERT INTO members_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
        END
    """,
    "members_fts_after_delete": """
        CREATE TRIGGER members_fts_after_delete AFTER DELETE ON members BEGIN
            INSERT INTO members_fts(members_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
        END
    """,
}

APPEND_ONLY_TRIGGERS = {
    "ledger_entries_no_update": (
        "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END"
    ),
    "ledger_entries_no_delete": (
        "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END"
    ),
    "audit_log_no_update": (
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    ),
    "audit_log_no_delete": (
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    ),
}


def _ts(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    op.create_table(
        "members",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("member_number", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("name_folded", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("referral_code", sa.Text(), nullable=False),
        sa.Column("referred_by_id", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), server_default="active", nullable=False),
        sa.Column("merged_into_id", sa.Text(), nullable=True),
        sa.Column("tier_code", sa.Text(), nullable=True),
        _ts("tier_since", nullable=True),
        _ts("tier_review_at", nullable=True),
        sa.Column("balance", sa.Integer(), server_default=sa.text("0"), nullable=False),
        _ts("first_purchase_at", nullable=True),
        sa.Column("preferred_language", sa.Text(), server_default="vi", nullable=False),
        sa.Column("home_store_id", sa.Text(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.CheckConstraint("status IN ('active', 'merged', 'erased')", name=op.f("ck_members_status")),
        sa.ForeignKeyConstraint(["referred_by_id"], ["members.id"], name="fk_members_referred_by_id_members"),
        sa.ForeignKeyConstraint(["merged_into_id"], ["members.id"], name="fk_members_merged_into_id_members"),
        sa.PrimaryKeyConstraint("id", name="pk_members"),
        sa.UniqueConstraint("member_number", name="uq_members_member_number"),
        sa.UniqueConstraint("phone", name="uq_members_phone"),
        sa.UniqueConstraint("email", name="uq_members_email"),
        sa.UniqueConstraint("referral_code", name="uq_members_referral_code"),
    )
    op.create_index("ix_members_referred_by_id", "members", ["referred_by_id"])

    op.execute(
        "CREATE VIRTUAL TABLE members_fts USING fts5("
        "name_folded, content='members', content_rowid='rowid', "
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4 5 6 7')"
    )
    for ddl in FTS_TRIGGERS.values():
        op.execute(ddl)

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("text_version", sa.Text(), nullable=False),
        _ts("recorded_at"),
        sa.Column("staff_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name="fk_consents_member_id_members"),
        sa.PrimaryKeyConstraint("id", name="pk_consents"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_consents_member_id_purpose_recorded_at", "consents", ["member_id", "purpose", "recorded_at"]
    )

    op.create_table(
        "cards",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("replaced_by_id", sa.Text(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        _ts("created_at"),
        _ts("status_changed_at", nullable=True),
        sa.CheckConstraint(
            "kind IN ('uid', 'ndef', 'sun', 'barcode', 'qr', 'virtual')", name=op.f("ck_cards_kind")
        ),
        sa.CheckConstraint("status IN ('active', 'blocked', 'replaced')", name=op.f("ck_cards_status")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name="fk_cards_member_id_members"),
        sa.ForeignKeyConstraint(["replaced_by_id"], ["cards.id"], name="fk_cards_replaced_by_id_cards"),
        sa.PrimaryKeyConstraint("id", name="pk_cards"),
        sa.UniqueConstraint("token", name="uq_cards_token"),
    )
    op.create_index("ix_cards_member_id", "cards", ["member_id"])

    op.create_table(
        "staff",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("pin_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        _ts("locked_until", nullable=True),
        _ts("created_at"),
        sa.CheckConstraint("role IN ('cashier', 'manager')", name=op.f("ck_staff_role")),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
        sa.UniqueConstraint("code", name="uq_staff_code"),
    )

    op.create_table(
        "program_versions",
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        _ts("loaded_at"),
        sa.PrimaryKeyConstraint("version", name="pk_program_versions"),
    )

    op.create_table(
        "settings",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )

    op.create_table(
        "counters",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_counters"),
    )

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("receipt_ref", sa.Text(), nullable=True),
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("till_id", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("action_code", sa.Text(), nullable=True),
        sa.Column("program_version", sa.Text(), nullable=False),
        sa.Column("reverses_id", sa.Text(), nullable=True),
        sa.Column("channel", sa.Text(), server_default="till", nullable=False),
        _ts("created_at"),
        sa.Column("details", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('earn', 'redeem', 'bonus', 'action', 'adjust', 'expire', 'reverse', 'transfer')",
            name=op.f("ck_ledger_entries_kind"),
        ),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name="fk_ledger_entries_member_id_members"),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["ledger_entries.id"], name="fk_ledger_entries_reverses_id_ledger_entries"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entries"),
        sa.UniqueConstraint("till_id", "seq", name="uq_ledger_entries_till_id_seq"),
    )
    # Covering: a member's history, and the tier window's net spend, read from the index alone — no
    # scattered table pages per entry on a 10-million-row ledger.
    op.create_index(
        "ix_ledger_entries_member_history",
        "ledger_entries",
        ["member_id", "created_at", "kind", "amount_minor"],
    )
    op.create_index("ix_ledger_entries_receipt_ref", "ledger_entries", ["receipt_ref"])
    # A receipt earns once per store, whatever the code above it does: the database itself refuses a second.
    op.create_index(
        "uq_ledger_entries_earn_receipt",
        "ledger_entries",
        ["store_id", "receipt_ref"],
        unique=True,
        sqlite_where=sa.text("kind = 'earn' AND receipt_ref IS NOT NULL"),
    )
    op.create_index(
        "ix_ledger_entries_member_id_kind_action_code_created_at",
        "ledger_entries",
        ["member_id", "kind", "action_code", "created_at"],
    )
    op.create_index(
        "ix_ledger_entries_reverses_id",
        "ledger_entries",
        ["reverses_id"],
        sqlite_where=sa.text("reverses_id IS NOT NULL"),
    )

    op.create_table(
        "lots",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        _ts("expires_at", nullable=True),
        _ts("created_at"),
        sa.CheckConstraint("points > 0", name=op.f("ck_lots_points_positive")),
        sa.CheckConstraint("remaining >= 0 AND remaining <= points", name=op.f("ck_lots_remaining_range")),
        sa.ForeignKeyConstraint(["id"], ["ledger_entries.id"], name="fk_lots_id_ledger_entries"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name="fk_lots_member_id_members"),
        sa.PrimaryKeyConstraint("id", name="pk_lots"),
    )
    op.create_index(
        "ix_lots_open_by_member",
        "lots",
        # Covering the open-lots read of every sale (the account), so it never touches the table.
        ["member_id", "expires_at", "id", "points", "remaining", "created_at"],
        sqlite_where=sa.text("remaining > 0"),
    )

    op.create_table(
        "lot_consumptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Text(), nullable=False),
        sa.Column("lot_id", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.CheckConstraint("points > 0", name=op.f("ck_lot_consumptions_points_positive")),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["ledger_entries.id"], name="fk_lot_consumptions_entry_id_ledger_entries"
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name="fk_lot_consumptions_lot_id_lots"),
        sa.PrimaryKeyConstraint("id", name="pk_lot_consumptions"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_lot_consumptions_entry_id", "lot_consumptions", ["entry_id"])
    op.create_index("ix_lot_consumptions_lot_id", "lot_consumptions", ["lot_id"])

    op.create_table(
        "overdrafts",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _ts("created_at"),
        _ts("settled_at", nullable=True),
        sa.CheckConstraint("points > 0", name=op.f("ck_overdrafts_points_positive")),
        sa.CheckConstraint(
            "remaining >= 0 AND remaining <= points", name=op.f("ck_overdrafts_remaining_range")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name="fk_overdrafts_member_id_members"),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["ledger_entries.id"], name="fk_overdrafts_entry_id_ledger_entries"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_overdrafts"),
    )
    op.create_index("ix_overdrafts_member_id", "overdrafts", ["member_id"])

    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), nullable=False),
        _ts("at"),
        sa.Column("staff_id", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("subject_type", sa.Text(), nullable=True),
        sa.Column("subject_id", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.Text(), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
        sqlite_autoincrement=True,
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("op", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _ts("created_at"),
        _ts("sent_at", nullable=True),
        _ts("acked_at", nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_pending", "outbox", ["id"], sqlite_where=sa.text("acked_at IS NULL"))

    for ddl in APPEND_ONLY_TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    for name in APPEND_ONLY_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in FTS_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS members_fts")
    # Children before parents. The application_id stays: a file downgraded to base is still ours and must
    # be recognised (and upgraded) by the next open.
    for table in (
        "outbox",
        "audit_log",
        "overdrafts",
        "lot_consumptions",
        "lots",
        "ledger_entries",
        "counters",
        "settings",
        "program_versions",
        "staff",
        "cards",
        "consents",
        "members",
    ):
        op.drop_table(table)
