"""Engines for the central service: PostgreSQL through psycopg 3 in production, SQLite as the embedded default.

``postgresql://`` URLs are given the psycopg 3 driver. SQLite runs in WAL mode with ``synchronous=FULL`` and
foreign keys on, and a write transaction starts with ``BEGIN IMMEDIATE``: the push path reads then writes, and a
deferred transaction upgrading to a writer could fail with SQLITE_BUSY instead of waiting its turn. Read-only
work goes through ``reading(engine)`` (a deferred BEGIN: a snapshot, never waiting for the writer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url

MIGRATIONS = Path(__file__).with_name("migrations")
BEGIN_OPTION = "central_sqlite_begin"


def reading(engine: Engine) -> Engine:
    """The same engine for read-only transactions: on SQLite a plain (deferred) BEGIN, which reads a snapshot
    of the write-ahead log without waiting for the writer."""
    return engine.execution_options(**{BEGIN_OPTION: "DEFERRED"})


def normalise_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.drivername not in {"postgresql+psycopg", "sqlite", "sqlite+pysqlite"}:
        raise ValueError(f"unsupported database {parsed.drivername!r}: use postgresql:// or sqlite:///")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # transactions are ours (BEGIN below), not the driver's
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            mode = connection.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    # JSON documents (entry bodies, pulled changes) go to and from psycopg through orjson: the standard
    # library's encoder was a seventh of the central's time in a push. PostgreSQL stores ``jsonb`` parsed, so
    # the rows are the same whichever encoder wrote them.
    return create_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
        json_serializer=orjson.dumps,
        json_deserializer=orjson.loads,
    )


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, partitions: int = 0) -> None:
    """Bring the schema to the newest migration (idempotent).

    ``partitions`` (PostgreSQL only) creates the member-owned tables ``PARTITION BY HASH`` of the member id in
    that many partitions. It counts only when those tables are created (docs/operations.md).
    """
    if partitions and engine.dialect.name != "postgresql":
        raise ValueError("hash partitioning needs PostgreSQL: leave --partitions out on SQLite")
    if not 0 <= partitions <= 1024:
        raise ValueError("partitions must be between 0 (none) and 1024")
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        config.attributes["partitions"] = partitions
        command.upgrade(config, "head")
