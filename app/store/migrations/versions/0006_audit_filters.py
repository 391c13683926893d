"""The manager's audit log viewer and card history over a large log: an index for each filter it offers.

Revision ID: 0006_audit_filters
Revises: 0005_member_list
Create Date: 2026-11-29

The viewer pages newest first by ``seq`` (a keyset: ``WHERE seq < :last ORDER BY seq DESC LIMIT n``) and
filters by staff, by action, by subject (a member, a card: also a card's history) and by time. Without an
index, a filter that matches few rows reads the whole log to fill a page. Each index below ends, implicitly,
with ``seq`` (the table's rowid), so a filter and the page order are read from one index. ``at`` grows with
``seq``, so a time range is a range of the ``at`` index.

Written by hand and frozen, like the migrations before it: it does not import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006_audit_filters"
down_revision: str | None = "0005_member_list"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_audit_log_staff_id", ["staff_id"]),
    ("ix_audit_log_action", ["action"]),
    ("ix_audit_log_subject_id", ["subject_id"]),
    ("ix_audit_log_at", ["at"]),
)


def upgrade() -> None:
    for name, columns in INDEXES:
        op.create_index(name, "audit_log", columns)


def downgrade() -> None:
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="audit_log")
