"""Operational failures of the database, told apart from bugs: another writer, a read-only file, a full disk.

Two processes may write to a till's file at once (the window and a command line, or two commands). SQLite
lets one writer at a time hold the lock; the others wait up to ``busy_timeout`` (engine.PRAGMAS, 5 s) inside
SQLite. A few busy answers come back without that wait (a write that races a checkpoint or WAL recovery, a
read snapshot that went stale), so a write use case that meets one is run again from its start by
:func:`retry_when_busy`: a bounded number of attempts with a short random back-off. Each use case is one
transaction and an error raised means nothing was written, so running it again is safe; awards are also
idempotent by receipt and entry id. If the database stays busy the caller gets :class:`DatabaseBusy`.

:func:`store_error_for` turns the driver's errors that mean "the file cannot be used right now" into the
store's errors, which carry a sentence for a person.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError
from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay, wait_random

from app.store.errors import DatabaseBusy, DatabaseNotWritable, DiskFull, StoreError
from loyalty.errors import Detail

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# SQLite primary result codes (the low byte of the extended code).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14

RETRY_ATTEMPTS = 3
"""Attempts of one write, the first included."""
RETRY_BUDGET_S = 8.0
"""No new attempt starts after this long. With busy_timeout at 5 s a write that keeps meeting a held lock is
tried twice (about 10 s in all) before the person is told; quick busy answers get all the attempts."""


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error behind ``exc`` (SQLAlchemy wraps the driver's errors), if there is one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            return current
        if isinstance(current, DBAPIError) and isinstance(current.orig, sqlite3.Error):
            return current.orig
        current = current.__cause__ or current.__context__
    return None


def _primary_code(err: sqlite3.Error) -> int | None:
    code = getattr(err, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` says another connection holds a lock the operation needed."""
    if isinstance(exc, DatabaseBusy):  # no write turn in time (app.store.writers)
        return True
    err = _sqlite_error(exc)
    if err is None:
        return False
    code = _primary_code(err)
    if code is not None:
        return code in (SQLITE_BUSY, SQLITE_LOCKED)
    message = str(err).lower()
    return "database is locked" in message or "database table is locked" in message


def is_read_only(exc: BaseException) -> bool:
    err = _sqlite_error(exc)
    if err is None:
        return False
    code = _primary_code(err)
    if code is not None:
        return code == SQLITE_READONLY
    return "readonly database" in str(err).lower()


def store_error_for(exc: BaseException, path: Path) -> StoreError | None:
    """The store's error (with its sentence) for a driver or file-system error that is operational, else None."""
    if isinstance(exc, StoreError):
        return exc
    if is_busy(exc):
        return DatabaseBusy(path=str(path))
    if is_read_only(exc):
        return DatabaseNotWritable(path=str(path), why="SQLite could not write to it (it is read-only)")
    err = _sqlite_error(exc)
    if err is not None:
        code = _primary_code(err)
        if code == SQLITE_FULL:
            return DiskFull(path=str(path))
        if code == SQLITE_CANTOPEN:
            return DatabaseNotWritable(path=str(path), why="SQLite could not open it or its folder")
    if isinstance(exc, PermissionError):
        where = exc.filename or path
        return DatabaseNotWritable(
            path=str(path), why=Detail("this user may not change {where}", where=where)
        )
    if isinstance(exc, OSError) and exc.errno == 28:  # ENOSPC
        return DiskFull(path=str(path))
    return None


def retry_when_busy(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Call ``fn`` (one write transaction); run it again while the database is busy, a few times at most.

    Raises :class:`DatabaseBusy` when the last attempt still met another writer; any other error is raised
    as it is, at once.
    """
    retrying = Retrying(
        stop=stop_after_attempt(RETRY_ATTEMPTS) | stop_after_delay(RETRY_BUDGET_S),
        wait=wait_random(0.02, 0.25),
        retry=retry_if_exception(is_busy),
        reraise=True,
        before_sleep=lambda state: log.info(
            "database busy, attempt %d of %s: trying again",
            state.attempt_number,
            getattr(fn, "__qualname__", fn),
        ),
    )
    try:
        return retrying(fn, *args, **kwargs)
    except Exception as exc:
        if is_busy(exc):
            log.warning("database still busy after retrying %s: %s", getattr(fn, "__qualname__", fn), exc)
            raise DatabaseBusy() from exc
        raise
