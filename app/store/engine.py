"""SQLAlchemy engines on the till's SQLite file: pragmas on every connection, BEGIN under our control.

Python 3.11's sqlite3 decides on its own when to BEGIN (not before SELECT or DDL), which breaks repeatable
reads, transactional DDL and savepoints. Following SQLAlchemy's SQLite notes, the driver is put in autocommit
(``isolation_level = None``) and the ``begin`` event emits BEGIN itself. Writers use ``BEGIN IMMEDIATE``: a
deferred transaction that reads first and writes later can fail with SQLITE_BUSY at the upgrade without
waiting for ``busy_timeout``; taking the write lock up front makes writers queue instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event

BEGIN_MODE_OPTION = "loyalty_begin"
"""Execution option naming how a transaction begins: ``DEFERRED`` (default), ``IMMEDIATE`` or ``EXCLUSIVE``."""

QUERY_ONLY_OPTION = "loyalty_query_only"
"""Execution option: when true, the transaction runs with ``PRAGMA query_only`` so it cannot write."""

_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})

PRAGMAS = (
    # busy_timeout first: switching to WAL needs a lock that another process may briefly hold.
    ("busy_timeout", "5000"),
    ("journal_mode", "WAL"),
    # FULL: a committed award survives a power cut, which is the point of a local ledger.
    ("synchronous", "FULL"),
    ("foreign_keys", "ON"),
    # No checkpoint inside a commit: app.store.checkpoint runs them on its own thread, off the sale path.
    ("wal_autocheckpoint", "0"),
    # A 16 MB page cache per connection (SQLite's default is 2 MB). A store of a million members has unique
    # indexes on phone, e-mail and referral code, and their keys arrive in no order: with 2 MB a first pull
    # wrote most pages out mid-transaction and read them back (148 s for a million, 114 s at 16 MB; 32 and
    # 64 MB were no faster). The cache is a bound, not a share of the data: memory stays flat.
    ("cache_size", "-16384"),
)


def sqlite_url(path: Path | str) -> URL:
    return URL.create("sqlite+pysqlite", database=str(path))


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for name, value in PRAGMAS:
            cursor.execute(f"PRAGMA {name} = {value}")
    finally:
        cursor.close()


def _on_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    mode = str(options.get(BEGIN_MODE_OPTION, "DEFERRED")).upper()
    if mode not in _BEGIN_MODES:
        raise ValueError(f"unknown BEGIN mode {mode!r}")
    query_only = bool(options.get(QUERY_ONLY_OPTION, False))
    # conn.info lives with the DBAPI connection across pool checkouts, so the pragma is only sent on change.
    if conn.info.get(QUERY_ONLY_OPTION, False) != query_only:
        conn.exec_driver_sql(f"PRAGMA query_only = {int(query_only)}")
        conn.info[QUERY_ONLY_OPTION] = query_only
    conn.exec_driver_sql(f"BEGIN {mode}")


def install_sqlite_hooks(engine: Engine) -> None:
    """Pragmas on every new connection and our own BEGIN; idempotent."""
    if not event.contains(engine, "connect", _on_connect):
        event.listen(engine, "connect", _on_connect)
    if not event.contains(engine, "begin", _on_begin):
        event.listen(engine, "begin", _on_begin)


def create_store_engine(target: Path | str | URL, **kwargs: Any) -> Engine:
    """An engine on a SQLite file (a path or a ``sqlite+pysqlite`` URL) with the till's connection setup."""
    url: URL | str
    if isinstance(target, URL) or (isinstance(target, str) and "://" in target):
        url = target
    else:
        url = sqlite_url(target)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name != "sqlite" or engine.dialect.driver != "pysqlite":
        engine.dispose()
        raise ValueError("the till's store runs on SQLite through the pysqlite driver")
    install_sqlite_hooks(engine)
    return engine
