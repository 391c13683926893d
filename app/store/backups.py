"""Verified, rotated online backups of the till's database, and restoring one.

Until the sync engine has sent them, the till holds the only copy of its offline entries, so the file is copied
regularly: daily (``python -m app maintenance`` takes one when the newest is older than the interval), at a
clean shutdown of the till, and on demand (``python -m app backup``). Every copy:

* is made with SQLite's online backup API from a read-only connection: one consistent snapshot, while the
  till and other commands go on writing;
* is written under a temporary name and linked into place when complete (``db.backup_database``);
* is verified after it is written — opened read-only, ``PRAGMA integrity_check`` must answer ``ok`` and the
  ``application_id`` must be the till's — and deleted if it fails, so nothing that looks like a backup is bad;
* counts towards the rotation: the newest ``keep`` regular backups stay (14 by default). Copies taken before a
  schema upgrade (``till-<revision>-<time>.sqlite``) are not rotated.

Restoring (:func:`restore_backup`) refuses a file that is not a sound till database, refuses while another
process has the database open, keeps the current file (with its ``-wal`` and ``-shm``) aside under a
timestamped name, and puts a verified copy of the backup in its place.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.store.db import (
    BACKUP_STAMP,
    BACKUP_STAMP_FINE,
    _connect_read_only,
    _fsync_dir,
    _sibling,
    backup_database,
    inspect_file,
)
from app.store.errors import BackupFailed, CorruptDatabase, DatabaseInUse, NotOurDatabase, StoreError
from app.store.models import APPLICATION_ID

log = logging.getLogger(__name__)

DEFAULT_KEEP = 14
MAX_KEEP = 1000
DEFAULT_INTERVAL = timedelta(days=1)
KINDS = ("daily", "shutdown", "manual")

# SQLite's unix locking (os_unix.c): every connection holds a read lock on the SHARED byte range of the
# database file while it reads and, in WAL mode, as long as it is open; and a read lock on the "DMS" byte of
# the -shm file while it has the WAL index mapped.
_SHARED_FIRST = 0x40000000 + 2
_SHARED_SIZE = 510
_SHM_DMS = 120 + 8


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    kind: str
    size: int


@dataclass(frozen=True)
class BackupResult:
    backup: Backup
    removed: tuple[Path, ...]
    kept: int


@dataclass(frozen=True)
class RestoreResult:
    restored: Path
    source: Path
    set_aside: tuple[Path, ...]
    revision: str | None


def _pattern(stem: str) -> re.Pattern[str]:
    kinds = "|".join(KINDS)
    return re.compile(rf"{re.escape(stem)}-({kinds})-(\d{{8}}T\d{{6}}\.\d{{6}}Z)(?:-(\d+))?\.sqlite")


def list_backups(db_path: Path, backup_dir: Path) -> list[Backup]:
    """The regular backups of ``db_path`` in ``backup_dir``, newest first."""
    pattern = _pattern(db_path.stem)
    found: list[tuple[datetime, int, Backup]] = []
    if not backup_dir.is_dir():
        return []
    for entry in backup_dir.iterdir():
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_file():
            continue
        taken = datetime.strptime(match.group(2), BACKUP_STAMP_FINE).replace(tzinfo=UTC)
        order = int(match.group(3) or 0)
        found.append((taken, order, Backup(entry, taken, match.group(1), entry.stat().st_size)))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [backup for _, _, backup in found]


def verify_backup(path: Path) -> None:
    """Raise ``BackupFailed`` unless ``path`` is a sound till database: read-only, ``integrity_check`` ok,
    the till's ``application_id``."""
    uri = path.resolve().as_uri() + "?mode=ro"
    if not _sibling(path, "-wal").exists():
        uri += "&immutable=1"  # nobody writes a backup: read it without creating -shm files next to it
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=5.0)) as conn:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                raise BackupFailed(path=str(path), detail="not a Loyalty Till database", outcome="")
            rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(path=str(path), detail=str(exc), outcome="") from exc
    if rows != ["ok"]:
        raise BackupFailed(path=str(path), detail="; ".join(rows[:3]), outcome="")


def take_backup(
    db_path: Path, backup_dir: Path, *, kind: str = "manual", keep: int = DEFAULT_KEEP
) -> BackupResult:
    """Copy, verify, then rotate. A copy that fails its check is deleted and ``BackupFailed`` raised (nothing
    is rotated away then: the older good copies stay)."""
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    if not 1 <= keep <= MAX_KEEP:
        raise ValueError(f"keep must be 1..{MAX_KEEP}")
    try:
        target = backup_database(db_path, backup_dir, None, name=f"{db_path.stem}-{kind}")
    except (OSError, sqlite3.Error) as exc:
        log.error("backup of %s to %s failed: %s", db_path, backup_dir, exc)
        raise BackupFailed(
            path=str(backup_dir), detail=str(exc), outcome="The older backups were kept."
        ) from exc
    try:
        verify_backup(target)
    except BackupFailed as failed:
        target.unlink(missing_ok=True)
        log.error("backup %s failed its check and was deleted: %s", target, failed.params["detail"])
        raise BackupFailed(
            path=str(target),
            detail=failed.params["detail"],
            outcome="The bad copy was deleted; the older backups were kept.",
        ) from failed
    removed = rotate(db_path, backup_dir, keep)
    backup = next((b for b in list_backups(db_path, backup_dir) if b.path == target), None)
    if backup is None:  # pragma: no cover - rotation always keeps the newest
        backup = Backup(target, datetime.now(UTC), kind, target.stat().st_size)
    log.info(
        "%s backup of %s written and verified: %s (%d bytes); %d removed by rotation",
        kind,
        db_path,
        target,
        backup.size,
        len(removed),
    )
    return BackupResult(backup=backup, removed=tuple(removed), kept=len(list_backups(db_path, backup_dir)))


def rotate(db_path: Path, backup_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` regular backups; what was deleted."""
    removed: list[Path] = []
    for old in list_backups(db_path, backup_dir)[keep:]:
        with contextlib.suppress(FileNotFoundError):  # another process rotated it first
            old.path.unlink()
            removed.append(old.path)
    return removed


def backup_due(db_path: Path, backup_dir: Path, interval: timedelta, now: datetime | None = None) -> bool:
    """True when there is no regular backup newer than ``interval``."""
    backups = list_backups(db_path, backup_dir)
    if not backups:
        return True
    return (now or datetime.now(UTC)) - backups[0].taken_at >= interval


# -- restore ---------------------------------------------------------------------------------------------
@contextlib.contextmanager
def exclusive_use(db_path: Path) -> Iterator[None]:
    """Hold the database against every other process for the duration, or raise ``DatabaseInUse``.

    How another user is detected: SQLite (unix) keeps POSIX read locks while a connection is open — on the
    SHARED byte range of the database file whenever it reads and, in WAL mode, for as long as the connection
    lives; and on the DMS byte of the ``-shm`` file while the WAL index is mapped. This asks the kernel for a
    non-blocking *write* lock on the same bytes (``fcntl``), which is granted only when no other process holds
    any of them. While held, another process that opens the database waits (busy timeout) instead of reading
    a file that is being swapped. POSIX locks belong to the process, so this process must not have the
    database open itself (the restore command does not open it).
    """
    handles: list[int] = []
    try:
        for target, start, length in (
            (db_path, _SHARED_FIRST, _SHARED_SIZE),
            (_sibling(db_path, "-shm"), _SHM_DMS, 1),
        ):
            if not target.exists():
                continue
            fd = os.open(target, os.O_RDWR)
            handles.append(fd)
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start)
            except OSError:
                raise DatabaseInUse(path=str(db_path)) from None
        yield
    finally:
        for fd in handles:
            os.close(fd)  # closing releases this process's locks on the file


def restore_backup(source: Path, db_path: Path, backup_dir: Path) -> RestoreResult:
    """Put a verified copy of ``source`` in place of ``db_path``; the current file is kept aside."""
    source = Path(source)
    if not source.is_file():
        # A mistyped name is the likely cause: say that, not that some file is "not ours".
        raise StoreError(
            "{path} does not exist or is not a file: give a backup file to restore, from {backups}. "
            "Nothing was changed.",
            path=str(source),
            backups=str(backup_dir),
        )
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise StoreError(
            "{path} is the till's current database: give a backup file to restore.", path=str(source)
        )
    with exclusive_use(db_path):  # say so at once, before a long copy; checked again for the swap
        pass
    state = inspect_file(source, quick_check=True, backup_dir=backup_dir)
    if state.fresh:
        raise NotOurDatabase(path=str(source))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime(BACKUP_STAMP)
    # The copy is made and checked beside the database first: the swap below is then two renames.
    staged = db_path.with_name(f".{db_path.name}.restore-{os.getpid()}")
    for leftover in (staged, _sibling(staged, "-journal")):
        leftover.unlink(missing_ok=True)
    try:
        # Read-only, and without -wal/-shm files next to a backup that has none (it may be on read-only media).
        with closing(_connect_read_only(source)) as src, closing(sqlite3.connect(staged)) as dst:
            src.backup(dst)
        try:
            verify_backup(staged)
        except BackupFailed as failed:
            raise CorruptDatabase(path=str(source), detail=failed.params["detail"]) from failed
        set_aside: list[Path] = []
        with exclusive_use(db_path):
            if db_path.exists():
                aside = db_path.with_name(f"{db_path.stem}-before-restore-{stamp}{db_path.suffix}")
                counter = 0
                while any(_sibling(aside, s).exists() for s in ("", "-wal", "-shm")):  # never overwrite one
                    counter += 1
                    aside = db_path.with_name(
                        f"{db_path.stem}-before-restore-{stamp}-{counter}{db_path.suffix}"
                    )
                # The database and its -wal/-shm move together: SQLite finds a log by the database's name, so
                # the set-aside file opens with everything it had committed.
                for suffix in ("", "-wal", "-shm"):
                    current = _sibling(db_path, suffix)
                    if current.exists():
                        moved = _sibling(aside, suffix)
                        os.replace(current, moved)
                        set_aside.append(moved)
            os.replace(staged, db_path)
            _fsync_dir(db_path.parent)
    finally:
        staged.unlink(missing_ok=True)
        _sibling(staged, "-journal").unlink(missing_ok=True)
    log.info(
        "restored %s from %s (schema %s); the previous database was kept as %s",
        db_path,
        source,
        state.revision,
        ", ".join(str(p) for p in set_aside) or "nothing (there was none)",
    )
    return RestoreResult(restored=db_path, source=source, set_aside=tuple(set_aside), revision=state.revision)
