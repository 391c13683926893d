"""Lots and their consumptions at the central, which owns expiry for its tills.

- ``lots``: one per credit entry (keyed by the member, then the entry's id), with its points, what is left,
  its expiry, and the one expiry entry that closed it (``expire_id``) with what that took (``expired``);
- ``lot_consumptions``: what each debit entry took from which lot.

Both are member-owned: created ``PARTITION BY HASH`` of the member id when the migration is asked for
partitions (``central.db.migrate(engine, partitions=N)``) or, when it is not, when ``members`` is partitioned
already (a central partitioned at 0002 keeps its member-owned tables alike).

The lots of the entries already held are filled by replaying each member's entries in time order, by the same
tracking a push does (``central.lots.rebuild``): lots are what the ledger maths make of the entries, never a
second copy of those rules.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.orm import Session

# Frozen here, not imported from the models: a migration must not change when the models do.
TIME = sa.DateTime(timezone=True)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _partitions() -> int:
    """Hash partitions for the new member-owned tables: as asked, else as ``members`` has (0: plain)."""
    wanted = int(context.config.attributes.get("partitions") or 0)
    bind = op.get_bind()
    if wanted and bind.dialect.name != "postgresql":
        raise RuntimeError("hash partitioning is a PostgreSQL feature: leave it off on SQLite")
    if wanted or bind.dialect.name != "postgresql":
        return wanted
    found = bind.execute(
        sa.text(
            "SELECT count(*) FROM pg_inherits i JOIN pg_class parent ON parent.oid = i.inhparent "
            "WHERE parent.relname = 'members' AND parent.relkind = 'p'"
        )
    ).scalar()
    return int(found or 0)


def _member_owned(name: str, partitions: int, *elements: Any) -> None:
    options: dict[str, Any] = {}
    if partitions:
        options["postgresql_partition_by"] = "HASH (member_id)"
    op.create_table(name, *elements, **options)
    for remainder in range(partitions):
        op.execute(
            f"CREATE TABLE {name}_p{remainder} PARTITION OF {name} "
            f"FOR VALUES WITH (MODULUS {partitions}, REMAINDER {remainder})"
        )


def upgrade() -> None:
    partitions = _partitions()
    _member_owned(
        "lots",
        partitions,
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", TIME, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expire_id", sa.String(length=36), nullable=True),
        sa.Column("expired", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_lots_member_id_members")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_lots_store_id_stores")),
        sa.PrimaryKeyConstraint("member_id", "id", name=op.f("pk_lots")),
    )
    op.create_index("ix_lots_expires_at", "lots", ["expires_at"], unique=False)
    _member_owned(
        "lot_consumptions",
        partitions,
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("lot_id", sa.String(length=36), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_lot_consumptions_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", "entry_id", "lot_id", name=op.f("pk_lot_consumptions")),
    )
    # The replay is the code's, on purpose: lots are what the ledger rules make of the entries, and the
    # rules live in one place (loyalty.ledger). It reads only entries and members, which 0003 leaves as
    # they are.
    from central.lots import rebuild

    rebuild(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_table("lot_consumptions")
    op.drop_index("ix_lots_expires_at", table_name="lots")
    op.drop_table("lots")
