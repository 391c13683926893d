"""The manager's member list over a million members: an index for every order it offers, and the last visit.

Revision ID: 0005_member_list
Revises: 0004_hint_uses
Create Date: 2026-11-29

The list pages with keysets (``WHERE (key, id) > (:key, :id) ORDER BY key, id LIMIT n``), so each order it
offers needs an index that ends with the member id: by folded name, by balance, by last visit, and by tier
then name (which also serves "one tier, by name"). Members who are not active (merged, erased) are few; a
partial index finds them without reading the others. The member number is unique and already indexed.

``last_visit_at`` is the time of the member's latest purchase (an ``earn`` entry). It is kept by a trigger on
``ledger_entries`` so that every way an entry arrives (a sale at this till, an entry pulled from the central
service) moves it forward and never back; existing members get it from their history here.

Written by hand and frozen, like the migrations before it: it does not import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_member_list"
down_revision: str | None = "0004_hint_uses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LAST_VISIT_TRIGGER = (
    "CREATE TRIGGER members_last_visit_after_earn AFTER INSERT ON ledger_entries "
    "WHEN new.kind = 'earn' BEGIN "
    "UPDATE members SET last_visit_at = new.created_at "
    "WHERE id = new.member_id AND (last_visit_at IS NULL OR last_visit_at < new.created_at); "
    "END"
)

INDEXES = (
    ("ix_members_name_folded_id", ["name_folded", "id"]),
    ("ix_members_balance_id", ["balance", "id"]),
    ("ix_members_last_visit_at_id", ["last_visit_at", "id"]),
    ("ix_members_tier_code_name_folded_id", ["tier_code", "name_folded", "id"]),
)


def upgrade() -> None:
    op.add_column("members", sa.Column("last_visit_at", sa.Text(), nullable=True))  # ISO-8601 UTC text
    op.execute(
        "UPDATE members SET last_visit_at = ("
        "SELECT max(e.created_at) FROM ledger_entries AS e WHERE e.member_id = members.id AND e.kind = 'earn')"
    )
    op.execute(LAST_VISIT_TRIGGER)
    for name, columns in INDEXES:
        op.create_index(name, "members", columns)
    op.create_index(
        "ix_members_status_name_folded_id",
        "members",
        ["status", "name_folded", "id"],
        sqlite_where=sa.text("status != 'active'"),
    )


def downgrade() -> None:
    op.drop_index("ix_members_status_name_folded_id", table_name="members")
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="members")
    op.execute("DROP TRIGGER members_last_visit_after_earn")
    op.execute("ALTER TABLE members DROP COLUMN last_visit_at")
