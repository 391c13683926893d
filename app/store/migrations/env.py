"""Alembic environment for the till's store.

Normally run through ``app.store.migrate``, which passes its own connection in ``config.attributes`` (so the
till's pragmas apply) and already holds the transaction. Without one, a connection is made from
``sqlalchemy.url`` with the same engine setup.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.store.engine import BEGIN_MODE_OPTION, create_store_engine
from app.store.migrate import include_name
from app.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        # Alembic assumes SQLite DDL is not transactional because the sqlite3 driver used to commit around it;
        # with BEGIN under our control it is, so a failed migration leaves nothing half done.
        transactional_ddl=True,
        include_name=include_name,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        transactional_ddl=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection and no sqlalchemy.url given to the migration environment")
    engine = create_store_engine(url)
    try:
        with engine.connect() as connection:
            connection.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"})
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
