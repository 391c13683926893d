"""A receipt earns once per till, not once per store.

Revision ID: 0008_earn_receipt_per_till
Revises: 0007_staff_cards
Create Date: 2026-11-29

The central keeps no such constraint: two tills of one store may award the same receipt number while offline
(their numbering is their own), and the central applies both. Scoped to the store, the index made the till that
pulled the other till's award refuse it, and the entry was lost to that till for good. Scoped to the till that
wrote the entry, it still stops this till awarding one receipt twice (the race the service's own look-up cannot
close), and every entry the central holds fits.

The new index is weaker than the old one, so the rows of any existing ledger satisfy it. Its columns are in
the order the award's look-up asks (store and receipt, then the till): the look-up before every sale reads one
index entry, not the whole store's.

Written by hand and frozen, like the migrations before it: it does not import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_earn_receipt_per_till"
down_revision: str | None = "0007_staff_cards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHERE = "kind = 'earn' AND receipt_ref IS NOT NULL"


def upgrade() -> None:
    op.drop_index("uq_ledger_entries_earn_receipt", table_name="ledger_entries")
    op.create_index(
        "uq_ledger_entries_till_earn_receipt",
        "ledger_entries",
        ["store_id", "receipt_ref", "till_id"],
        unique=True,
        sqlite_where=sa.text(_WHERE),
    )


def downgrade() -> None:
    # Fails (and leaves the schema as it was) if a receipt has since been awarded at two tills of the store:
    # the older schema cannot hold that ledger.
    op.drop_index("uq_ledger_entries_till_earn_receipt", table_name="ledger_entries")
    op.create_index(
        "uq_ledger_entries_earn_receipt",
        "ledger_entries",
        ["store_id", "receipt_ref"],
        unique=True,
        sqlite_where=sa.text(_WHERE),
    )
