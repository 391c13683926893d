"""What cashiers do with the next-best-action hints: one row per hint used or dismissed.

Revision ID: 0004_hint_uses
Revises: 0003_phones_and_reviews
Create Date: 2026-11-29

A new table only; nothing existing changes. Written by hand and frozen, like the migrations before it: it does
not import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_hint_uses"
down_revision: str | None = "0003_phones_and_reviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hint_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("hint_kind", sa.Text(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("staff_id", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.Text(), nullable=False),  # fixed-width ISO-8601 UTC, as everywhere
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name="fk_hint_uses_member_id_members"),
        sa.PrimaryKeyConstraint("id", name="pk_hint_uses"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_hint_uses_member_id_recorded_at", "hint_uses", ["member_id", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_hint_uses_member_id_recorded_at", table_name="hint_uses")
    op.drop_table("hint_uses")
