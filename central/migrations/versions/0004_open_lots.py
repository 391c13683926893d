"""An index of the open lots of each member.

A debit (a redemption, a return, an expiry) is tracked on its member's open lots, read with ``member_id =
ANY(...) AND remaining > 0``. The primary key (member, lot) found them, but by reading every lot the member
ever had: a member who shops every week for years has hundreds of closed lots for each open one, and a push
of redemptions read them all again. The partial index holds only lots with points left, in the order a debit
takes them (soonest expiry first).

Created on ``lots`` itself: on a hash-partitioned central PostgreSQL creates it on every partition.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_lots_open",
        "lots",
        ["member_id", "expires_at"],
        unique=False,
        postgresql_where=sa.text("remaining > 0"),
        sqlite_where=sa.text("remaining > 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_lots_open", table_name="lots")
