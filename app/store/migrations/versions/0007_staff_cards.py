"""Staff cards: a manager approves in place by tapping their card.

Revision ID: 0007_staff_cards
Revises: 0006_audit_filters
Create Date: 2026-11-29

A new table only; nothing existing changes. A staff card is stored as members' cards are: the keyed hash of
its UID (``token``), never the UID. ``status`` is ``active`` or ``unlinked``: an unlinked card keeps its row so
that a tap of it can be refused in words, and linking it again brings the row back.

Written by hand and frozen, like the migrations before it: it does not import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_staff_cards"
down_revision: str | None = "0006_audit_filters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_cards",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="active", nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),  # fixed-width ISO-8601 UTC, as everywhere
        sa.Column("status_changed_at", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('uid', 'sun')", name=op.f("ck_staff_cards_kind")),
        sa.CheckConstraint("status IN ('active', 'unlinked')", name=op.f("ck_staff_cards_status")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name="fk_staff_cards_staff_id_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_staff_cards"),
        sa.UniqueConstraint("token", name="uq_staff_cards_token"),
    )
    op.create_index("ix_staff_cards_staff_id", "staff_cards", ["staff_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_cards_staff_id", table_name="staff_cards")
    op.drop_table("staff_cards")
