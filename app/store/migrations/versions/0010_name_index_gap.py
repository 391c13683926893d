"""Names indexed in large chunks after a bulk pull, instead of one by one as the members arrive.

Revision ID: 0010_name_index_gap
Revises: 0009_lots_due
Create Date: 2026-11-29

Every new member put its name into the FTS5 name index (the word index and seven prefix indexes) inside the
pull's transaction, and FTS5 keeps merging the small segments that many short transactions leave: about
0.3 ms a member on a store of a million, five minutes of a first pull of a million members for that alone.
The same names added afterwards in sorted chunks of 50,000 take about five seconds.

``name_index_gap`` holds at most one row: the members whose rowid is above ``indexed_to`` are not yet in
``members_fts``. The triggers leave those rows alone, and ``app.store.name_index`` adds them chunk by chunk
(each chunk a short transaction of its own), then deletes the row. With the table empty — the usual case —
every member is indexed and the triggers work as before.

Written by hand and frozen, like the migrations before it: it does not import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_name_index_gap"
down_revision: str | None = "0009_lots_due"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXED = "(SELECT coalesce(max(indexed_to), 9223372036854775807) FROM name_index_gap)"

TRIGGERS = {
    "members_fts_after_insert": f"""
        CREATE TRIGGER members_fts_after_insert AFTER INSERT ON members WHEN new.rowid <= {_INDEXED} BEGIN
            INSERT INTO members_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
        END
    """,
    # Only a change of name_folded touches the index: balance updates on every sale must stay cheap.
    "members_fts_after_update": f"""
        CREATE TRIGGER members_fts_after_update AFTER UPDATE OF name_folded ON members
        WHEN old.rowid <= {_INDEXED} BEGIN
            INSERT INTO members_fts(members_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
            INSERT INTO members_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
        END
    """,
    "members_fts_after_delete": f"""
        CREATE TRIGGER members_fts_after_delete AFTER DELETE ON members WHEN old.rowid <= {_INDEXED} BEGIN
            INSERT INTO members_fts(members_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
        END
    """,
}

_OLD_TRIGGERS = {
    "members_fts_after_insert": """
        CREATE TRIGGER members_fts_after_insert AFTER INSERT ON members BEGIN
            INSERT INTO members_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
        END
    """,
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


def upgrade() -> None:
    op.create_table(
        "name_index_gap",
        sa.Column("indexed_to", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("indexed_to", name="pk_name_index_gap"),
    )
    for name, ddl in TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name}")
        op.execute(ddl)


def downgrade() -> None:
    for name, ddl in _OLD_TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name}")
        op.execute(ddl)
    # Names still waiting would never be indexed by the old triggers: the whole index is built again.
    op.execute("INSERT INTO members_fts(members_fts) VALUES ('rebuild')")
    op.drop_table("name_index_gap")
