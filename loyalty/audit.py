"""The audit log's hash chain, as pure functions.

Each audit record's hash covers the previous record's hash and the record itself, so editing, deleting or
reordering a stored row breaks the chain from that row on. The till and the central service hash the same way, so
a chain can be checked wherever it is stored.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first record of a chain."""


def canonical_json(obj: Any) -> str:
    """One fixed text for a value: sorted keys, no spaces, UTF-8 kept, anything unusual as ``str``.

    Hashes are computed over this text, so it must not depend on dict order or on the JSON library's defaults.
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def audit_hash(prev_hash: str, record: dict[str, Any]) -> str:
    """Hex SHA-256 of ``prev_hash`` followed by the canonical JSON of ``record``."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(canonical_json(record).encode("utf-8"))
    return digest.hexdigest()
