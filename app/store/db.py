"""Opening the till's database: recognise it, check it, back it up, migrate it, hand out sessions.

A file that is not ours, is damaged, or was written by a newer version is refused before SQLite is allowed to
write anything: the checks read the header bytes directly and then use a read-only connection, so the refused
file stays byte-for-byte as it was and no ``-wal``/``-shm`` files appear next to it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.store import migrate as _migrate
from app.store.checkpoint import Checkpointer
from app.store.engine import BEGIN_MODE_OPTION, QUERY_ONLY_OPTION, create_store_engine
from app.store.errors import CorruptDatabase, DatabaseTooNew, NotOurDatabase
from app.store.models import APPLICATION_ID
from app.store.search import rebuild_member_search

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"

# Primary SQLite result codes that mean "the bytes are bad", as opposed to busy, locked or permission errors.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class Store:
    """The open database of one till: an engine and the sessions made from it."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self.sessionmaker: sessionmaker[Session] = sessionmaker(
            bind=engine.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"}),
            # The UI keeps showing objects after the sale is committed; reloading them all would be wasted I/O.
            expire_on_commit=False,
        )
        self._read_sessionmaker: sessionmaker[Session] = sessionmaker(
            bind=engine.execution_options(**{BEGIN_MODE_OPTION: "DEFERRED", QUERY_ONLY_OPTION: True}),
            expire_on_commit=False,
        )
        self.needs_check = False  # a large file opened after an unclean shutdown: see check_later
        # The engine's connections do not checkpoint on commit (engine.PRAGMAS); this thread does it instead.
        self._checkpointer = Checkpointer(path)
        self._checkpointer.start()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction holds the write lock from its start (``BEGIN IMMEDIATE``).

        Commits when the block ends normally, rolls back if it raises.
        """
        with self.sessionmaker() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Same as :meth:`write`: the safe default for code that may write."""
        with self.write() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (``PRAGMA query_only``): one consistent snapshot, never takes the write lock.

        Any attempt to write raises; the transaction is always rolled back at the end.
        """
        with self._read_sessionmaker() as session:
            try:
                yield session
            finally:
                session.rollback()

    def vacuum(self) -> None:
        """Compact the file, then rebuild the name index.

        VACUUM may renumber the rowids of ``members`` (its primary key is TEXT) and ``members_fts`` refers to
        members by rowid, so the index is rebuilt afterwards. VACUUM cannot run inside a transaction, hence the
        driver-level call around SQLAlchemy's BEGIN handling.
        """
        with self.engine.connect() as conn:
            dbapi = conn.connection.dbapi_connection
            if dbapi is None:  # pragma: no cover - a live Connection always has one
                raise RuntimeError("connection is closed")
            cursor = dbapi.cursor()
            try:
                cursor.execute("VACUUM")
            finally:
                cursor.close()
        with self.write() as session:
            rebuild_member_search(session)

    def check_later(self, report: Callable[[list[str]], None]) -> threading.Thread:
        """Run ``PRAGMA quick_check`` on a thread of its own, on a read-only connection, and hand the
        problems found ([] when the file is sound) to ``report`` — from that thread."""

        def run() -> None:
            try:
                with closing(sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
                    rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
            except sqlite3.DatabaseError as err:
                rows = [str(err)]
            report([] if rows == ["ok"] else rows)

        thread = threading.Thread(target=run, name="database check", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self._checkpointer.stop()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class FileState:
    """What the pre-open checks found in an existing file."""

    fresh: bool
    """Nothing in it yet (0 bytes, or a SQLite file without any schema): safe to initialise."""
    revision: str | None


def open_store(
    path: Path,
    *,
    backup_dir: Path | None = None,
    migrate: bool = True,
    quick_check: bool | Literal["auto"] = "auto",
) -> Store:
    """Open (creating if needed) the till database at ``path`` and bring its schema to the current version.

    Raises NotOurDatabase, CorruptDatabase or DatabaseTooNew without touching the file. Before an existing
    database is upgraded it is copied to ``backup_dir`` (default ``<path.parent>/backups``). With
    ``migrate=False`` the schema is left as found (tools and tests that drive migrations themselves).
    ``PRAGMA quick_check`` reads the whole file, so with ``quick_check="auto"`` it runs at open only when it
    is cheap (a file up to ``QUICK_CHECK_ALWAYS_BYTES``) or before a migration. A large file left by an
    unclean shutdown opens at once with ``Store.needs_check`` set: the caller runs ``Store.check_later`` so
    the till serves customers while the file is checked. ``python -m app check`` runs the full check.
    """
    path = Path(path)
    unchecked_after_crash = False
    if quick_check == "auto":
        quick_check = _quick_check_needed(path)
        unchecked_after_crash = not quick_check and _unclean(path)
    state = inspect_file(path, quick_check=quick_check)
    if not quick_check and migrate and not state.fresh and state.revision != _migrate.head_revision():
        state = inspect_file(path, quick_check=True)  # never migrate a file that has not been checked
    head = _migrate.head_revision()
    if migrate and not state.fresh and state.revision != head:
        target_dir = backup_dir if backup_dir is not None else path.parent / "backups"
        backup = backup_database(path, target_dir, state.revision)
        log.info("backed up %s to %s before upgrading it from %s to %s", path, backup, state.revision, head)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_store_engine(path)
    try:
        if migrate and state.revision != head:
            _migrate.upgrade(engine, head)
            log.info("database %s upgraded from %s to %s", path, state.revision or "empty", head)
    except BaseException:
        engine.dispose()
        raise
    store = Store(path, engine)
    store.needs_check = unchecked_after_crash
    return store


QUICK_CHECK_ALWAYS_BYTES = 256 * 1024 * 1024


def _quick_check_needed(path: Path) -> bool:
    """Check at open when it is cheap. A large file is checked after the till is up (``Store.check_later``):
    SQLite's WAL recovery already makes an unclean shutdown safe, and a 10 GB check takes minutes."""
    try:
        return path.stat().st_size <= QUICK_CHECK_ALWAYS_BYTES
    except OSError:
        return True


def _unclean(path: Path) -> bool:
    wal = _sibling(path, "-wal")
    return wal.exists() and wal.stat().st_size > 0


def inspect_file(path: Path, *, quick_check: bool = True) -> FileState:
    """Decide whether ``path`` may be opened, without writing to it; raise the reason if not."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return FileState(fresh=True, revision=None)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except IsADirectoryError:
        raise NotOurDatabase(path=str(path)) from None
    if header != SQLITE_HEADER:
        raise NotOurDatabase(path=str(path))
    try:
        with closing(_connect_read_only(path)) as conn:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                if app_id == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                    return FileState(fresh=True, revision=None)
                raise NotOurDatabase(path=str(path))
            if quick_check:
                rows = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
                if rows != ["ok"]:
                    raise CorruptDatabase(path=str(path), detail="; ".join(str(r) for r in rows[:3]))
            revisions = _stored_revisions(conn)
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            raise CorruptDatabase(path=str(path), detail=str(exc)) from exc
        raise
    unknown = [r for r in revisions if r not in _migrate.known_revisions()]
    if unknown:
        raise DatabaseTooNew(path=str(path), revision=", ".join(unknown))
    if len(revisions) > 1:
        # The till's history is linear: several heads mean branches that no released version wrote.
        raise DatabaseTooNew(path=str(path), revision=", ".join(revisions))
    return FileState(fresh=False, revision=revisions[0] if revisions else None)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + "?mode=ro"
    if not _sibling(path, "-wal").exists() and not _sibling(path, "-journal").exists():
        # With no journal next to it the file alone is the whole database. immutable=1 then stops SQLite from
        # creating -wal/-shm files to read a WAL-mode file, which would leave traces next to a refused file.
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=5.0)


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _stored_revisions(conn: sqlite3.Connection) -> list[str]:
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not has_table:
        return []
    return [str(row[0]) for row in conn.execute("SELECT version_num FROM alembic_version")]


def backup_database(path: Path, backup_dir: Path, revision: str | None) -> Path:
    """Copy ``path`` with SQLite's online backup API to ``<stem>-<revision>-<UTC time>.sqlite``."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{path.stem}-{revision or 'empty'}-{stamp}"
    target = backup_dir / f"{base}.sqlite"
    counter = 1
    while target.exists():
        target = backup_dir / f"{base}-{counter}.sqlite"
        counter += 1
    partial = target.with_name(target.name + ".partial")
    source_uri = path.resolve().as_uri() + "?mode=ro"
    with (
        closing(sqlite3.connect(source_uri, uri=True, timeout=5.0)) as src,
        closing(sqlite3.connect(partial)) as dst,
    ):
        src.backup(dst)
    # Renamed only when complete, so a crash mid-copy never leaves something that looks like a good backup.
    os.replace(partial, target)
    return target
