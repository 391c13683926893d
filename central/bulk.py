"""Many new rows into one table, the fastest way the database offers.

A push of a till's offline sales writes hundreds of rows per table per batch. As one multi-row ``INSERT``
the driver builds and parses a statement of thousands of placeholders for every batch: a quarter of a push's
time on the central. On PostgreSQL the rows go through ``COPY … FROM STDIN`` instead, in the same
transaction (and savepoint) as everything else the batch writes; each value is first converted as the
column's type converts it for an ``INSERT`` (aware UTC times, JSON documents), so the rows stored are the
same. SQLite, the embedded default, takes the plain ``INSERT``.

``insert_rows`` is for plain inserts: nothing is returned and no conflict is tolerated (a clash fails the
transaction, as the ``INSERT`` would). ``claim_rows`` is for claims (``ON CONFLICT DO NOTHING``, returning the
keys taken): on PostgreSQL the rows go as one JSON document unpacked by the server (``jsonb_to_recordset``), a
statement whose text is the same for every batch, so the driver converts it once and the server plans it once;
the multi-row ``INSERT … RETURNING`` spent a sixth of a push's time in the driver's parsing of its placeholders.
``add_to_rows`` adds numbers to many rows by key, one ``UPDATE … FROM unnest`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from central.base import insert_on_conflict

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


def claim_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], key: str) -> list[Any]:
    """Insert ``rows`` (each with the same keys) whose primary key is free, and return the ``key`` column of
    those inserted: the rest were claimed before (``INSERT … ON CONFLICT DO NOTHING RETURNING``)."""
    if not rows:
        return []
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql" or len(rows) < COPY_FROM:
        ins = insert_on_conflict(session, table).on_conflict_do_nothing().returning(table.c[key])
        return list(session.execute(ins, list(rows)).scalars())
    # The rows go as one JSON document that the server unpacks (``jsonb_to_recordset``), encoded in C by
    # orjson: as one array per column through ``unnest``, psycopg dumped every element in Python, a twentieth
    # of a push's time on the central. Each value is converted as the column converts it first (aware UTC
    # times, which orjson writes with their offset).
    names = list(rows[0])
    converters = [table.c[name].type._cached_bind_processor(dialect) for name in names]
    document = orjson.dumps(
        [
            {
                name: row[name] if convert is None else convert(row[name])
                for name, convert in zip(names, converters, strict=True)
            }
            for row in rows
        ]
    ).decode()
    columns = ", ".join(f'"{name}"' for name in names)
    typed = ", ".join(f'"{name}" {table.c[name].type.compile(dialect=dialect)}' for name in names)
    statement = (
        f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} '
        f"FROM jsonb_to_recordset(%s::jsonb) AS u({typed}) "
        f'ON CONFLICT DO NOTHING RETURNING "{key}"'
    )
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(statement, [document])
        return [row[0] for row in cursor.fetchall()]


def add_to_rows(session: Session, table: Table, key: str, rows: Sequence[dict[str, Any]]) -> None:
    """Add each row's numbers to the columns of the same names in the row of ``table`` whose ``key`` column
    has the row's ``key`` value (each row with the same keys, each key once). On PostgreSQL one ``UPDATE …
    FROM unnest(…)``: as an executemany, hundreds of members' balances were a statement each, a tenth of a
    push's time on the central."""
    if not rows:
        return
    names = [name for name in rows[0] if name != key]
    connection = session.connection()
    if connection.dialect.name != "postgresql" or len(rows) < COPY_FROM:
        column = table.c[key]
        session.execute(
            update(table)
            .where(column == bindparam(f"b_{key}"))
            .values({name: table.c[name] + bindparam(f"b_{name}") for name in names}),
            [{f"b_{name}": value for name, value in row.items()} for row in rows],
        )
        return
    dialect = connection.dialect
    types = {name: table.c[name].type.compile(dialect=dialect) for name in [key, *names]}
    sets = ", ".join(f'"{name}" = t."{name}" + u."{name}"' for name in names)
    arrays = ", ".join(f"%s::{types[name]}[]" for name in [key, *names])
    aliases = ", ".join(f'"{name}"' for name in [key, *names])
    statement = (
        f'UPDATE "{table.name}" AS t SET {sets} FROM unnest({arrays}) AS u({aliases}) '
        f'WHERE t."{key}" = u."{key}"'
    )
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(statement, [[row[name] for row in rows] for name in [key, *names]])
