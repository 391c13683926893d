"""The central as an ASGI application built from the environment, for several worker processes:

    CENTRAL_DB=postgresql://loyalty@db/loyalty uvicorn --factory central.asgi:create --workers 4
    CENTRAL_DB=... gunicorn -k uvicorn.workers.UvicornWorker -w 4 'central.asgi:create()'

(``python -m central serve --workers N`` does the same.) A worker holds nothing between requests but its
connection pool: everything is in the database, so any worker may answer any request. Workers do not migrate —
several at once would race — they refuse to start on a schema that is not the code's: run
``python -m central migrate`` once first.
"""

from __future__ import annotations

import gc
import os

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import FastAPI

from central.api import create_app
from central.db import alembic_config, make_engine

DB_VARIABLE = "CENTRAL_DB"


def create() -> FastAPI:
    url = os.environ.get(DB_VARIABLE)
    if not url:
        raise RuntimeError(f"set {DB_VARIABLE} to the central's database (postgresql://... or sqlite:///...)")
    engine = make_engine(url)
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    wanted = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    if current != wanted:
        engine.dispose()
        raise RuntimeError(
            f"the database's schema is at {current or 'nothing'}, this central needs {wanted}: "
            "run `python -m central migrate --db URL` once, then start the workers"
        )
    app = create_app(engine)
    set_aside_startup_objects()
    return app


def set_aside_startup_objects() -> None:
    """The objects made while the central starts (SQLAlchemy's and pydantic's classes, the app and its
    routes: most of the heap) live as long as the process: set aside (``gc.freeze``), the collector's full
    passes during pushes no longer walk them again and again."""
    gc.freeze()
