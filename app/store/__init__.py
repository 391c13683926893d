"""The till's local store: SQLite through SQLAlchemy, schema by Alembic.

Open it with :func:`open_store`; write with ``store.write()`` sessions, read with ``store.read()``.
"""

from __future__ import annotations

from app.store.audit import AuditProblem, append_audit, verify_audit_chain
from app.store.counters import next_value
from app.store.db import Store, open_store
from app.store.errors import CorruptDatabase, DatabaseTooNew, NotOurDatabase, StoreError
from app.store.models import APPLICATION_ID

__all__ = [
    "APPLICATION_ID",
    "AuditProblem",
    "CorruptDatabase",
    "DatabaseTooNew",
    "NotOurDatabase",
    "Store",
    "StoreError",
    "append_audit",
    "next_value",
    "open_store",
    "verify_audit_chain",
]
