"""Open lots by their expiry, for the day's expiry sweep.

Revision ID: 0009_lots_due
Revises: 0008_earn_receipt_per_till
Create Date: 2026-11-29

The sweep before the first customer asks which members hold open lots past their date. The only index of
open lots is by member, so the question read every open lot: four million on a store of a million members,
half a second of every start of the window even when nothing was due. Open lots by their expiry answer it
from the lots that are due, none on most starts. With the points left in it, the index also answers the
dashboard's points liability by expiry without reading the lots themselves.

Written by hand and frozen, like the migrations before it: it does not import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_lots_due"
down_revision: str | None = "0008_earn_receipt_per_till"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_lots_open_by_expiry",
        "lots",
        ["expires_at", "member_id", "remaining"],
        sqlite_where=sa.text("remaining > 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_lots_open_by_expiry", table_name="lots")
