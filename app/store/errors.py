"""Why the till refuses to open a database file. In every case the file is left exactly as it was."""

from __future__ import annotations

from loyalty.errors import LoyaltyError


class StoreError(LoyaltyError):
    code = "store_error"
    template = "The Loyalty Till database {path} cannot be used."


class NotOurDatabase(StoreError):
    code = "store_not_ours"
    template = "{path} is not a Loyalty Till database. It was left untouched."


class CorruptDatabase(StoreError):
    code = "store_corrupt"
    template = (
        "The Loyalty Till database {path} is damaged ({detail}). It was left untouched: "
        "restore the latest backup or call support."
    )


class DatabaseTooNew(StoreError):
    code = "store_too_new"
    template = (
        "The Loyalty Till database {path} was written by a newer version of Loyalty Till (schema {revision}). "
        "Install that version on this till. The file was left untouched."
    )


class EmptyDatabase(StoreError):
    code = "store_empty"
    template = (
        "The Loyalty Till database {path} is empty (0 bytes): that is not a new till, its data is missing. "
        "It was left untouched: restore the latest backup from {backups} (python -m app restore FILE) "
        "or call support."
    )


class OrphanedJournal(StoreError):
    code = "store_orphaned_journal"
    template = (
        "The Loyalty Till database {path} is missing but its write-ahead log {journal} is still there: "
        "the database was moved or deleted. Nothing was created: put the database back, or restore the "
        "latest backup from {backups} (python -m app restore FILE)."
    )


class DatabaseNotWritable(StoreError):
    code = "store_read_only"
    template = (
        "The Loyalty Till database {path} cannot be used: {why}. Nothing was written: fix the permissions "
        "or run the till as the user that owns its folder."
    )


class DatabaseBusy(StoreError):
    code = "store_busy"
    template = "The till's database is busy (another program is writing to it). Try again in a moment."


class DatabaseInUse(StoreError):
    code = "store_in_use"
    template = (
        "The till's database {path} is open in another program (the till window or a command). "
        "Close it first. Nothing was changed."
    )


class DiskFull(StoreError):
    code = "store_disk_full"
    template = "The disk holding {path} is full. Nothing was written: free some space and try again."


class BackupFailed(StoreError):
    code = "backup_failed"
    template = "The backup {path} could not be made or failed its check ({detail}). {outcome}"
