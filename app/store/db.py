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
from app.store.errors import (
    CorruptDatabase,
    DatabaseNotWritable,
    DatabaseTooNew,
    EmptyDatabase,
    NotOurDatabase,
    OrphanedJournal,
    StoreError,
)
from app.store.models import APPLICATION_ID
from app.store.search import rebuild_member_search
from app.store.writers import WriterQueue
from loyalty.errors import Detail

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"

# Primary SQLite result codes that mean "the bytes are bad", as opposed to busy, locked or permission errors.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


WAL_LIMIT = 64 * 1024 * 1024
"""The write-ahead log a long series of writes lets grow before it checkpoints itself (``checkpoint_when_large``)."""


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
        # Writers, in this process and others, take turns before SQLite's lock (app/store/writers.py).
        self._writers = WriterQueue(path)
        # The engine's connections do not checkpoint on commit (engine.PRAGMAS); this thread does it instead.
        self._checkpointer = Checkpointer(path)
        self._checkpointer.start()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction holds the write lock from its start (``BEGIN IMMEDIATE``).

        Commits when the block ends normally, rolls back if it raises. Writers take turns first (fairly, across
        processes: ``app.store.writers``); ``DatabaseBusy`` if the turn does not come within the busy timeout.
        """
        with self._writers.turn(), self.sessionmaker() as session:
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

    def writers_waiting(self) -> bool:
        """Whether another writer of this process (a sale, say) waits for its turn right now."""
        return self._writers.waiting() > 0

    def checkpoint_when_large(self, limit: int = WAL_LIMIT) -> None:
        """Copy the write-ahead log into the database now if it has grown past ``limit``.

        The background checkpoint never waits for the writer, and SQLite only starts the log afresh when a
        checkpoint has copied all of it before the next write: a long run of back-to-back writes (a first
        pull of a million members) never leaves it that moment, and the log grew to gigabytes. A writer that
        runs such a series calls this between its transactions."""
        self._checkpointer.run_once(threshold=limit)

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
        self._writers.close()

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
    """Nothing in it yet (missing, or a SQLite file without any schema): safe to initialise. A 0-byte file is
    not fresh: it is refused (``EmptyDatabase``) — a till's data that went missing, not a new till."""
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

    Only a missing file is created, and it is built under a temporary name and put in place once migrated, so
    a crash during the first start never leaves a half-made file behind. A 0-byte file is refused
    (``EmptyDatabase``), and so is a missing file whose write-ahead log is still there (``OrphanedJournal``).
    A file or folder this user may not write is refused (``DatabaseNotWritable``) before anything is written.
    """
    path = Path(path)
    target_dir = backup_dir if backup_dir is not None else path.parent / "backups"
    check_writable(path)
    unchecked_after_crash = False
    if quick_check == "auto":
        quick_check = _quick_check_needed(path)
        unchecked_after_crash = not quick_check and _unclean(path)
    state = inspect_file(path, quick_check=quick_check, backup_dir=target_dir)
    if not quick_check and migrate and not state.fresh and state.revision != _migrate.head_revision():
        # never migrate a file that has not been checked
        state = inspect_file(path, quick_check=True, backup_dir=target_dir)
    head = _migrate.head_revision()
    if migrate and not state.fresh and state.revision != head:
        backup = backup_database(path, target_dir, state.revision)
        log.info("backed up %s to %s before upgrading it from %s to %s", path, backup, state.revision, head)
    path.parent.mkdir(parents=True, exist_ok=True)
    if migrate and not path.exists():
        _create_database(path, head)
        state = FileState(fresh=False, revision=head)
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


def _create_database(path: Path, head: str) -> None:
    """Make a new, migrated database at ``path`` (which does not exist): built beside it under a temporary
    name, then linked into place. If another process created ``path`` meanwhile, its file wins."""
    wal = _sibling(path, "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise OrphanedJournal(path=str(path), journal=str(wal), backups=str(path.parent / "backups"))
    temp = path.with_name(f".{path.name}.new-{os.getpid()}")
    for leftover in (temp, _sibling(temp, "-wal"), _sibling(temp, "-shm"), _sibling(temp, "-journal")):
        leftover.unlink(missing_ok=True)
    engine = create_store_engine(temp)
    try:
        _migrate.upgrade(engine, head)
    finally:
        engine.dispose()  # the last connection to close checkpoints and removes the -wal and -shm files
    try:
        os.link(temp, path)  # fails if the file appeared meanwhile: never replace another process's database
    except FileExistsError:
        log.info("%s was created by another process meanwhile; using that one", path)
    except OSError:
        # A file system without hard links: a plain rename (the window for a race is the same as before).
        if not path.exists():
            os.replace(temp, path)
    else:
        log.info("created a new till database %s at schema %s", path, head)
    temp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_writable(path: Path) -> None:
    """Refuse, before anything is written, a database this user may not read and write, or whose folder it may
    not create files in (SQLite keeps ``-wal`` and ``-shm`` files next to the database).

    ``os.access`` answers for the real user. It does not stop root on a read-only *mode* (root may write
    anyway) but does on a read-only file system; what it misses, SQLite's own "attempt to write a readonly
    database" reports later (``app.store.operational``).
    """
    if path.is_dir():
        return  # not a database at all: inspect_file refuses it as not ours
    if path.exists():
        if not os.access(path, os.R_OK):
            raise DatabaseNotWritable(path=str(path), why="this user may not read it")
        if not os.access(path, os.W_OK):
            raise DatabaseNotWritable(path=str(path), why="the file is read-only for this user")
        for suffix in ("-wal", "-shm", "-journal"):
            sibling = _sibling(path, suffix)
            if sibling.exists() and not os.access(sibling, os.R_OK | os.W_OK):
                raise DatabaseNotWritable(
                    path=str(path),
                    why=Detail("{file} next to it is read-only for this user", file=sibling.name),
                )
        folder = path.parent
        if not os.access(folder, os.W_OK | os.X_OK):
            raise DatabaseNotWritable(
                path=str(path),
                why=Detail(
                    "its folder {folder} is read-only for this user "
                    "(SQLite keeps {name}-wal and {name}-shm there)",
                    folder=folder,
                    name=path.name,
                ),
            )
        return
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():  # '--data-dir till.sqlite': the data folder given is a file
        raise StoreError(
            "The Loyalty Till database {path} cannot be created: {folder} is a file, not a folder. "
            "Nothing was written: give the till's data folder.",
            path=str(path),
            folder=str(folder),
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseNotWritable(
            path=str(path),
            why=Detail("it does not exist and this user may not create files in {folder}", folder=folder),
        )


QUICK_CHECK_ALWAYS_BYTES = 32 * 1024 * 1024
"""Up to this size ``quick_check`` runs at every open. It reads the whole file: about 0.2 s for 32 MB on a busy
till, over a second for 200 MB, which the till's two-second start cannot afford."""


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


def inspect_file(path: Path, *, quick_check: bool = True, backup_dir: Path | None = None) -> FileState:
    """Decide whether ``path`` may be opened, without writing to it; raise the reason if not.

    A 0-byte file raises ``EmptyDatabase`` (pointing to ``backup_dir``, default ``<folder>/backups``).
    """
    if not path.exists():
        return FileState(fresh=True, revision=None)
    if path.is_file() and path.stat().st_size == 0:
        backups = backup_dir if backup_dir is not None else path.parent / "backups"
        raise EmptyDatabase(path=str(path), backups=str(backups))
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


BACKUP_STAMP = "%Y%m%dT%H%M%SZ"
BACKUP_STAMP_FINE = "%Y%m%dT%H%M%S.%fZ"


def backup_database(
    path: Path, backup_dir: Path, revision: str | None, *, name: str | None = None, at: datetime | None = None
) -> Path:
    """Copy ``path`` with SQLite's online backup API (one consistent snapshot, other writers carry on).

    The copy is named ``<stem>-<revision>-<UTC time>.sqlite`` (before an upgrade) or ``<name>-<UTC
    time, to the microsecond>.sqlite`` when ``name`` is given, with ``-1``, ``-2``… if that exists. It is written under a
    temporary name and linked into place only when complete, so a crash mid-copy never leaves something
    that looks like a good backup, and two processes backing up at once never overwrite each other.
    """
    backup_dir.mkdir(parents=True, exist_ok=True)
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    if name is not None:
        # Regular backups are rotated by their time: to the microsecond, so that a name freed by the rotation
        # is never handed to a newer copy in the same second.
        base = f"{name}-{moment.strftime(BACKUP_STAMP_FINE)}"
    else:
        base = f"{path.stem}-{revision or 'empty'}-{moment.strftime(BACKUP_STAMP)}"
    partial = backup_dir / f".{base}.{os.getpid()}.{threading.get_ident()}.partial"
    partial.unlink(missing_ok=True)
    try:
        # An ordinary connection that may not change anything (query_only): unlike a read-only one (mode=ro), it
        # removes the -wal and -shm files it made when it is the last to close, leaving the folder as it was.
        with closing(sqlite3.connect(path, timeout=5.0)) as src, closing(sqlite3.connect(partial)) as dst:
            src.execute("PRAGMA query_only = 1")
            src.backup(dst)
        counter = 0
        while True:
            target = backup_dir / (f"{base}.sqlite" if counter == 0 else f"{base}-{counter}.sqlite")
            try:
                os.link(partial, target)
                break
            except FileExistsError:
                counter += 1
            except OSError:  # no hard links on this file system
                if target.exists():
                    counter += 1
                    continue
                os.replace(partial, target)
                break
    finally:
        partial.unlink(missing_ok=True)
        _sibling(partial, "-journal").unlink(missing_ok=True)
    _fsync_dir(backup_dir)
    return target
