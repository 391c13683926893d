"""Phone numbers through phonenumbers, the duplicates that reveals, and an index for due tier reviews.

Revision ID: 0003_phones_and_reviews
Revises: 0002_ledger_chain
Create Date: 2026-11-29

Phone numbers were normalised by hand before; they are now parsed with the phonenumbers library for the
store's region (setting ``phone_region``, Vietnam by default). Every stored number is normalised again:

- a number that now normalises to one nobody else has is simply rewritten;
- several members whose numbers turn out to be one number are duplicates: the member who enrolled first
  keeps the number, the others give it up (the column is unique) and each gets a row in
  ``member_duplicates`` naming the member they duplicate and the number they had, for a manager to merge.
  The migration never merges by itself;
- a number that is not a valid number at all is left as it was and listed too ("invalid_phone").

Nothing is lost: every number taken away is kept in ``member_duplicates.old_value``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from loyalty.errors import InvalidInput
from loyalty.text import DEFAULT_PHONE_REGION, normalize_phone

revision: str = "0003_phones_and_reviews"
down_revision: str | None = "0002_ledger_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_duplicates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("duplicate_of_id", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("found_at", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "reason IN ('phone', 'invalid_phone', 'email', 'name_birthday')",
            name=op.f("ck_member_duplicates_reason"),
        ),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name="fk_member_duplicates_member_id_members"),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"], ["members.id"], name="fk_member_duplicates_duplicate_of_id_members"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_member_duplicates"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_member_duplicates_member_id", "member_duplicates", ["member_id"])
    op.create_index("ix_members_tier_review_at", "members", ["tier_review_at"])

    conn = op.get_bind()
    raw_region = conn.exec_driver_sql("SELECT value FROM settings WHERE key = 'phone_region'").scalar()
    region = json.loads(raw_region) if raw_region else DEFAULT_PHONE_REGION
    found_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # the store's fixed-width UTC text
    rows = conn.exec_driver_sql(
        "SELECT id, phone FROM members WHERE phone IS NOT NULL ORDER BY created_at, id"
    ).all()
    groups: dict[str, list[tuple[str, str]]] = {}
    for member_id, phone in rows:
        try:
            groups.setdefault(normalize_phone(phone, region), []).append((member_id, phone))
        except InvalidInput:
            conn.exec_driver_sql(
                "INSERT INTO member_duplicates (member_id, reason, value, old_value, found_at) "
                "VALUES (?, 'invalid_phone', NULL, ?, ?)",
                (member_id, phone, found_at),
            )
    # Two passes: first every number that changes hands or form lets go (the column is unique and SQLite
    # checks each statement), then each keeper takes its normalised number.
    keepers: list[tuple[str, str]] = []
    for number, members in groups.items():
        keeper_id, keeper_phone = members[0]
        for member_id, phone in members[1:]:
            conn.exec_driver_sql("UPDATE members SET phone = NULL WHERE id = ?", (member_id,))
            conn.exec_driver_sql(
                "INSERT INTO member_duplicates (member_id, duplicate_of_id, reason, value, old_value, found_at) "
                "VALUES (?, ?, 'phone', ?, ?, ?)",
                (member_id, keeper_id, number, phone, found_at),
            )
        if keeper_phone != number:
            conn.exec_driver_sql("UPDATE members SET phone = NULL WHERE id = ?", (keeper_id,))
            keepers.append((number, keeper_id))
    for number, keeper_id in keepers:
        conn.exec_driver_sql("UPDATE members SET phone = ? WHERE id = ?", (number, keeper_id))


def downgrade() -> None:
    # The numbers stay in their new form (it is a valid E.164 form for the old code too).
    op.drop_index("ix_members_tier_review_at", table_name="members")
    op.drop_index("ix_member_duplicates_member_id", table_name="member_duplicates")
    op.drop_table("member_duplicates")
