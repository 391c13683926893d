"""The ledger's hash chain, as pure functions: hashed the way the audit log is (``loyalty.audit``).

Every ledger entry carries the hash of the entry written before it on the same till (``prev_hash``) and its own
``hash``: SHA-256 over that previous hash and the canonical JSON of the entry's fields below. Each till has a
chain of its own, ordered by the till's sequence number, so entries made at other tills (arriving through the
central service) keep the chain they were made with. The till and the central service hash the same way, so a
chain can be checked wherever it is stored.

The canonical entry is a plain mapping of the stored values: integers as integers, text as text, ``None`` for
an empty column, times as the store's fixed-width UTC text (``2026-03-02T03:00:00.000000Z``) and ``details``
as its canonical JSON text. ``expires_at`` is the expiry of the lot the entry opened (credits only, else
``None``): hashing it means an expiry pushed out afterwards breaks the chain like any other edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loyalty.audit import GENESIS_HASH, audit_hash

ENTRY_FIELDS = (
    "id",
    "member_id",
    "kind",
    "points",
    "amount_minor",
    "currency",
    "receipt_ref",
    "store_id",
    "till_id",
    "seq",
    "staff_id",
    "reason",
    "action_code",
    "program_version",
    "reverses_id",
    "channel",
    "created_at",
    "details",
    "expires_at",
)
"""What an entry's hash covers, beside the previous entry's hash."""

__all__ = ["ENTRY_FIELDS", "GENESIS_HASH", "entry_hash"]


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """Hex SHA-256 of ``prev_hash`` and the canonical entry (the ``ENTRY_FIELDS`` of ``entry``).

    One scheme for both chains: this is ``loyalty.audit.audit_hash`` over the entry's fields.
    """
    return audit_hash(prev_hash, {name: entry[name] for name in ENTRY_FIELDS})
