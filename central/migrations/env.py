"""Alembic environment of the central service. ``central.db.migrate`` passes its connection in
``config.attributes`` and holds the transaction."""

from __future__ import annotations

from alembic import context

from central.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the central's migrations through central.db.migrate (it passes the connection)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
