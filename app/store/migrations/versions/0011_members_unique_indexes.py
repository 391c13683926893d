"""The members' phone, e-mail and referral code kept unique by named indexes, which a first pull can drop.

Revision ID: 0011_members_unique_indexes
Revises: 0010_name_index_gap
Create Date: 2026-11-30

A first pull brings a store's whole membership into an empty till. Phones, e-mails and referral codes arrive in
no order, so every new member lands on a random page of each of their unique indexes, and every transaction
of the pull writes each page it changed to the write-ahead log again. Measured with SQLite alone (a million
rows, 5,000 a transaction, a 16 MB cache): 69 s with the three indexes kept up row by row, 16 s without them.
Built once at the end, sorted, they take about a second each.

SQLite cannot drop the index behind a ``UNIQUE`` constraint of the table's definition, so the table is built
again without the three constraints and the same rule is kept by ``CREATE UNIQUE INDEX`` under the same names
(``app.store.deferred_indexes`` drops and builds them). Rows keep their rowids (the name index ``members_fts``
is keyed by them); the table's other indexes and every trigger that names the table are created again from
their own stored text. The table's definition is edited from its stored text, so a column added by a later
migration is kept as it is.

Written by hand and frozen, like the migrations before it: it does not import the models.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from alembic import op

revision: str = "0011_members_unique_indexes"
down_revision: str | None = "0010_name_index_gap"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIQUE = {
    "uq_members_phone": "phone",
    "uq_members_email": "email",
    "uq_members_referral_code": "referral_code",
}

_AFTER = "CONSTRAINT uq_members_member_number UNIQUE (member_number)"
"""The constraints dropped here followed this one in the table's definition (migration 0001)."""


def _without_constraints(sql: str) -> str:
    for name, column in UNIQUE.items():
        sql, found = re.subn(rf",\s*CONSTRAINT {name} UNIQUE \({column}\)", "", sql)
        if found != 1:
            raise RuntimeError(f"members' definition has no constraint {name}")
    return sql


def _with_constraints(sql: str) -> str:
    added = "".join(f", \n\tCONSTRAINT {name} UNIQUE ({column})" for name, column in UNIQUE.items())
    if _AFTER not in sql:
        raise RuntimeError(f"members' definition has no {_AFTER}")
    return sql.replace(_AFTER, _AFTER + added, 1)


def _rebuild(edit_definition: Callable[[str], str], keep_index: Callable[[str], bool]) -> None:
    """Build the members table again from its stored definition as ``edit_definition`` changes it: rows with
    their rowids, then its indexes (those ``keep_index`` keeps) and the triggers that name it, each from its
    own stored text. SQLite's guide to schema changes: create, copy, drop, rename (foreign keys are off for
    the whole migration, ``app.store.migrate``)."""
    bind = op.get_bind()
    definition = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'members'"
    ).scalar_one()
    indexes = [
        (str(name), str(sql))
        for name, sql in bind.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL"
        )
        if keep_index(str(name))
    ]
    # Triggers on the table and those of other tables whose body writes to it (the last visit, 0005): a
    # rename checks every trigger of the schema against the tables it names.
    triggers = [
        (str(name), str(sql))
        for name, sql in bind.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        if re.search(r"\bmembers\b", str(sql))
    ]
    columns = ", ".join(
        f'"{row[1]}"' for row in bind.exec_driver_sql("PRAGMA table_info(members)").fetchall()
    )
    for name, _sql in triggers:
        op.execute(f"DROP TRIGGER {name}")
    rebuilt = re.sub(r"^CREATE TABLE \"?members\"? \(", "CREATE TABLE members_rebuilt (", str(definition))
    op.execute(edit_definition(rebuilt))
    op.execute(f"INSERT INTO members_rebuilt (rowid, {columns}) SELECT rowid, {columns} FROM members")
    op.execute("DROP TABLE members")
    op.execute("ALTER TABLE members_rebuilt RENAME TO members")
    for _name, sql in indexes:
        op.execute(sql)
    for _name, sql in triggers:
        op.execute(sql)


def upgrade() -> None:
    _rebuild(_without_constraints, lambda _name: True)
    for name, column in UNIQUE.items():
        # Phones and e-mails only where there is one (a third of members give an e-mail): a smaller index,
        # built sooner, and found by the same look-ups (a comparison with a value implies it is not null).
        where = "" if column == "referral_code" else f" WHERE {column} IS NOT NULL"
        op.execute(f"CREATE UNIQUE INDEX {name} ON members ({column}){where}")


def downgrade() -> None:
    _rebuild(_with_constraints, lambda name: name not in UNIQUE)
