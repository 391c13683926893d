"""Many new rows into one table, the fastest way the database offers.

A push of a till's offline sales writes hundreds of rows per table per batch. As one multi-row ``INSERT``
the driver builds and parses a statement of thousands of placeholders for every batch: a quarter of a push's
time on the central. On PostgreSQL the rows go through ``COPY … FROM STDIN`` instead, in the same
transaction (and savepoint) as everything else the batch writes; each value is first converted as the
column's type converts it for an ``INSERT`` (aware UTC times, JSON documents), so the rows stored are the
same. SQLite, the embedded default, takes the plain ``INSERT``.

Only for plain inserts: nothing is returned and no conflict is tolerated (a clash fails the transaction, as
the ``INSERT`` would).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

COPY_FROM = 20
"""Fewer rows than this go as an ``INSERT``: a ``COPY`` has its own round trips."""


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys) into ``table``."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql" or len(rows) < COPY_FROM:
        session.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    converters: list[Callable[[Any], Any] | None] = [
        table.c[name].type._cached_bind_processor(dialect) for name in names
    ]
    driver = connection.connection.driver_connection
    assert driver is not None
    columns = ", ".join(f'"{name}"' for name in names)
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    row[name] if convert is None else convert(row[name])
                    for name, convert in zip(names, converters, strict=True)
                ]
            )
