"""Chain the ledger: every entry carries the hash of its till's previous entry and its own.

Revision ID: 0002_ledger_chain
Revises: 0001
Create Date: 2026-03-02

Adds ``prev_hash`` and ``hash`` to ``ledger_entries`` and the chain's head (``hash``) to ``counters``, then
chains the entries already stored, till by till in sequence order (``loyalty.chain``). Columns are added with
``ALTER TABLE ... ADD COLUMN``: a batch rebuild of the table would drop its append-only triggers. The update
trigger is lifted for the backfill only and put back exactly as 0001 wrote it.

Written by hand and frozen, like 0001: it does not import the models. It does use the chain's hash
(``loyalty.chain.entry_hash``): that is part of the sync protocol and never changes in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from loyalty.chain import GENESIS_HASH, entry_hash

revision: str = "0002_ledger_chain"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As 0001 created it (app.store.integrity checks that the trigger is present and unchanged).
LEDGER_NO_UPDATE = (
    "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries "
    "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END"
)

BATCH = 5000

_COLUMNS = (
    "e.id, e.member_id, e.kind, e.points, e.amount_minor, e.currency, e.receipt_ref, e.store_id, e.till_id, "
    "e.seq, e.staff_id, e.reason, e.action_code, e.program_version, e.reverses_id, e.channel, e.created_at, "
    "e.details, l.expires_at"
)
_NAMES = (
    "id",
    "member_id",
    "kind",
    "points",
    "amount_minor",
    "currency",
    "receipt_ref",
    "store_id",
    "till_id",
    "seq",
    "staff_id",
    "reason",
    "action_code",
    "program_version",
    "reverses_id",
    "channel",
    "created_at",
    "details",
    "expires_at",
)


def upgrade() -> None:
    op.add_column("ledger_entries", sa.Column("prev_hash", sa.Text(), nullable=True))
    op.add_column("ledger_entries", sa.Column("hash", sa.Text(), nullable=True))
    op.add_column("counters", sa.Column("hash", sa.Text(), nullable=True))

    conn = op.get_bind()
    tills = [row[0] for row in conn.exec_driver_sql("SELECT DISTINCT till_id FROM ledger_entries ORDER BY 1")]
    if not tills:
        return
    op.execute("DROP TRIGGER ledger_entries_no_update")
    for till_id in tills:
        prev_hash = GENESIS_HASH
        last_seq: int | None = None
        while True:
            rows = conn.exec_driver_sql(
                f"SELECT {_COLUMNS} FROM ledger_entries e LEFT JOIN lots l ON l.id = e.id "
                "WHERE e.till_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?",
                (till_id, -1 if last_seq is None else last_seq, BATCH),
            ).all()
            if not rows:
                break
            updates = []
            for row in rows:
                entry = dict(zip(_NAMES, row, strict=True))
                digest = entry_hash(prev_hash, entry)
                updates.append((prev_hash, digest, entry["id"]))
                prev_hash = digest
                last_seq = int(entry["seq"])
            conn.exec_driver_sql("UPDATE ledger_entries SET prev_hash = ?, hash = ? WHERE id = ?", updates)
        # The head: what the till's counter says it handed out last (check reports any disagreement).
        conn.exec_driver_sql(
            "UPDATE counters SET hash = (SELECT hash FROM ledger_entries WHERE till_id = ? AND seq = value) "
            "WHERE name = ?",
            (till_id, f"seq:{till_id}"),
        )
    op.execute(LEDGER_NO_UPDATE)


def downgrade() -> None:
    # DROP COLUMN keeps the table (and its triggers); these columns are in no index or constraint.
    op.execute("ALTER TABLE counters DROP COLUMN hash")
    op.execute("ALTER TABLE ledger_entries DROP COLUMN hash")
    op.execute("ALTER TABLE ledger_entries DROP COLUMN prev_hash")
