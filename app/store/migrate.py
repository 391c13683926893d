"""Alembic driven from code: no alembic.ini, the scripts ship inside the package.

Migrations run on a connection made by ``create_store_engine`` so they see the same pragmas as the till, inside
one ``BEGIN IMMEDIATE`` transaction (SQLite DDL is transactional), with foreign keys switched off for the
duration as SQLite's guide to schema changes prescribes (batch migrations rebuild tables, which would otherwise
trip or cascade foreign keys); ``PRAGMA foreign_key_check`` must find no broken reference that was not there
before the migration. One that was (a row deleted by hand from an old file) is the file's, not the
migration's: the upgrade goes ahead and ``python -m app check`` reports it, as it would at the head.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import URL, Connection, Engine

from app.store.engine import BEGIN_MODE_OPTION, create_store_engine
from app.store.models import FTS_TABLE

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Alembic is imported only when a migration runs or its history is read: importing it costs about a tenth of
# a second of every till start, where all that is needed is the head revision (read from the scripts' text).
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
_REVISION = re.compile(r'^revision: str = "([^"]+)"$', re.MULTILINE)


def alembic_config(url: str | URL | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Hand-numbered revisions (0001, 0002, ...) keep the files in order and backup names readable.
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url is not None:
        rendered = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@lru_cache(maxsize=1)
def _revisions_in_order() -> tuple[str, ...]:
    """Every script's revision, oldest first. The scripts are hand-numbered and form one line (0001 → 0002 →
    …), so their file order is the history; a test holds this equal to Alembic's own reading."""
    revisions = []
    for script in sorted(VERSIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py")):
        found = _REVISION.search(script.read_text(encoding="utf-8"))
        if found is None:  # pragma: no cover - every script declares its revision
            raise RuntimeError(f"{script.name} declares no revision")
        revisions.append(found.group(1))
    if not revisions:  # pragma: no cover - the package always ships 0001
        raise RuntimeError("no migration scripts found")
    return tuple(revisions)


def head_revision() -> str:
    return _revisions_in_order()[-1]


def known_revisions() -> frozenset[str]:
    return frozenset(_revisions_in_order())


def current_revision(connection: Connection) -> str | None:
    """The schema revision recorded in the database, or None when it has never been migrated."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def include_name(name: str | None, type_: str, _parent_names: Any = None) -> bool:
    """Autogenerate filter: the FTS5 table and its shadow tables are created by hand, not from the models."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))


def upgrade(target: Engine | Connection | str | URL, revision: str = "head") -> None:
    _run(target, "upgrade", revision)


def downgrade(target: Engine | Connection | str | URL, revision: str) -> None:
    _run(target, "downgrade", revision)


def _run(
    target: Engine | Connection | str | URL, direction: Literal["upgrade", "downgrade"], revision: str
) -> None:
    if isinstance(target, Connection):
        _run_on_connection(target, direction, revision)
        return
    engine = target if isinstance(target, Engine) else create_store_engine(target)
    try:
        with engine.connect() as connection:
            _run_on_connection(connection, direction, revision)
    finally:
        if engine is not target:
            engine.dispose()


def _run_on_connection(
    connection: Connection, direction: Literal["upgrade", "downgrade"], revision: str
) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    step = command.upgrade if direction == "upgrade" else command.downgrade
    if connection.in_transaction():
        # The caller owns the transaction; foreign keys cannot be toggled inside one, so leave them be.
        step(config, revision)
        return
    previous_mode = connection.get_execution_options().get(BEGIN_MODE_OPTION, "DEFERRED")
    with _foreign_keys_off(connection):
        connection.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"})
        try:
            with connection.begin():
                found_before = _broken_references(connection)
                step(config, revision)
                problems = _broken_references(connection) - found_before
                if problems:
                    raise RuntimeError(
                        f"migration to {revision} left broken foreign keys: {sorted(problems)[:5]}"
                    )
        finally:
            connection.execution_options(**{BEGIN_MODE_OPTION: previous_mode})


def _broken_references(connection: Connection) -> Counter[tuple[str, str]]:
    """How many rows of each table refer to a missing row of each parent table. Counted per pair of tables,
    not per row: a migration that rebuilds a table may give its rows new rowids."""
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    return Counter((str(table), str(parent)) for table, _rowid, parent, _fkid in rows)


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    # Straight to the driver: through SQLAlchemy the PRAGMA would open a transaction, where it is a no-op.
    dbapi = connection.connection.dbapi_connection
    if dbapi is None:  # pragma: no cover - a live Connection always has one
        raise RuntimeError("connection is closed")
    cursor = dbapi.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = OFF")
        yield
    finally:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
