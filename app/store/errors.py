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
