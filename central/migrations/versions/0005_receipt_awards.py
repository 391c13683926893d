"""A store's till sales by receipt number.

Each till numbers its receipts on its own, so two tills of a store can award the same number while offline (to
one member or to two). The central keeps both awards; a push that brings the second one now also puts an item
in the managers' inbox, found through this table (the receipt number was only inside each entry's body).

Keyed by the store first, like the other claims that are not about one member. The sales the central already
holds are listed here too, so a later award of one of their numbers is found; clashes among them are not
reported after the fact.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "receipt_awards",
        sa.Column("store_id", sa.String(36), nullable=False),
        sa.Column("receipt_ref", sa.String(200), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("till_id", sa.String(36), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_receipt_awards_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "receipt_ref", "entry_id", name=op.f("pk_receipt_awards")),
    )
    field = "body->>'{}'" if op.get_bind().dialect.name == "postgresql" else "json_extract(body, '$.{}')"
    ref, channel = field.format("receipt_ref"), field.format("channel")
    op.execute(
        "INSERT INTO receipt_awards (store_id, receipt_ref, entry_id, till_id, member_id) "
        f"SELECT store_id, {ref}, id, till_id, member_id FROM entries "
        f"WHERE kind = 'earn' AND {channel} = 'till' AND {ref} IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("receipt_awards")
