"""From the till's outbox to push items: the canonical form the central checks, built the same on every resend.

A push that is sent again (after a lost reply, a crash, a restart) must carry exactly the same items, or the
central would see "same id, other content" and refuse them as conflicts. So everything here is a pure
function of what the till stored:

- a **ledger entry** is sent as the ledger keeps it, not as the outbox's copy: the columns the chain hashes,
  with times in the store's fixed-width UTC text and ``details`` as its canonical JSON text, its
  ``prev_hash``, and as its hash the ``hash`` stored on the entry. The central recomputes that hash from the
  payload (``loyalty.chain.entry_hash``), so an entry edited on the till after it was written arrives
  ``rejected: hash_mismatch`` instead of being taken in silently. (The outbox's own copy carries
  ``created_at`` in ``isoformat()``, which is not the text the chain hashes.)
- a **member** change is the profile the till recorded in its outbox, in the protocol's fields, stamped with the
  time of the change; its item id is a UUIDv7 derived from the outbox row (time, number and content), so a
  resend has the same id and a different change never does.
- a **profile edit** (``member_edit``) carries only the fields the edit changed, timed at the edit; a **card**
  the card as the till holds it after the link, block or replacement; a **merge** the two members; an
  **erasure** only the member's id and time (nothing personal). Each is timed by its outbox row and has a
  derived id like a member change.

Outbox rows of kinds the protocol does not carry are held: they stay in the outbox, not counted as waiting.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from loyalty.audit import GENESIS_HASH, audit_hash, canonical_json
from loyalty.chain import ENTRY_FIELDS
from sync.protocol import ItemKind, ProtocolError, PushItem, item_hash, parse_payload, parse_utc

PUSHABLE: dict[str, ItemKind] = {
    "ledger_entry": ItemKind.LEDGER_ENTRY,
    "member": ItemKind.MEMBER,
    "member_edit": ItemKind.MEMBER_EDIT,
    "card": ItemKind.CARD,
    "merge": ItemKind.MERGE,
    "member_erased": ItemKind.ERASE,
}
"""Outbox entities the protocol carries, and the item kind each becomes."""

_HEX64 = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    """One outbox row with what its item is built from.

    ``body`` is, for a ledger entry, the entry as stored: every ``loyalty.chain.ENTRY_FIELDS`` column (times
    and ``details`` as their stored text, ``expires_at`` from the lot the entry opened), ``prev_hash`` and
    ``hash``; for a member, the outbox row's payload.
    """

    row: int
    entity: str
    entity_id: str
    created_at: str
    """The outbox row's time, as the store's UTC text."""
    body: Mapping[str, Any]


class Unsendable(ValueError):
    """A record that cannot become a push item at all (its id is not a UUIDv7, its payload is too large):
    the central could not even be told about it. ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def change_id(till_id: str, record: OutboxRecord) -> str:
    """A UUIDv7 for a change record: the row's time in milliseconds, the rest from a hash of the till, the row
    number, its time and its content (the same on every resend; a different change gets another)."""
    millis = int(parse_utc(record.created_at).timestamp() * 1000)
    seed = canonical_json([till_id, record.row, record.created_at, record.entity_id, dict(record.body)])
    bits = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:10], "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (bits >> 62 & 0xFFF) << 64
    value |= 0b10 << 62
    value |= bits & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def entry_payload(body: Mapping[str, Any]) -> dict[str, Any]:
    """The ledger entry's push payload: its chained fields as stored, and ``prev_hash``."""
    payload = {name: body.get(name) for name in ENTRY_FIELDS}
    payload["prev_hash"] = body.get("prev_hash")
    return payload


def member_payload(body: Mapping[str, Any], store_id: str, updated_at: str) -> dict[str, Any]:
    """A member's push payload: the protocol's profile fields from the outbox copy, in the till's store,
    timed at the change (the central keeps the newest edit of a profile)."""
    payload: dict[str, Any] = {
        "id": body.get("id"),
        "member_number": body.get("member_number"),
        "full_name": body.get("full_name"),
        "phone": body.get("phone"),
        "email": body.get("email"),
        "status": body.get("status", "active"),
        "store_id": store_id,
        "updated_at": updated_at,
    }
    if body.get("tier_code") is not None:
        payload["tier_code"] = body["tier_code"]
    return payload


def edit_payload(body: Mapping[str, Any], member_id: str, store_id: str, edited_at: str) -> dict[str, Any]:
    """A profile edit's push payload: only the fields it changed, timed at the edit."""
    return {
        "member_id": member_id,
        "store_id": store_id,
        "changes": body.get("changes"),
        "edited_at": edited_at,
    }


def card_payload(body: Mapping[str, Any], store_id: str, changed_at: str) -> dict[str, Any]:
    """A card's push payload: the card as the till holds it after the change, timed at the change."""
    payload: dict[str, Any] = {
        name: body.get(name) for name in ("id", "member_id", "token", "kind", "status", "replaced_by_id")
    }
    payload["label"] = body.get("label") or None
    payload["status_reason"] = body.get("status_reason") or None
    payload["store_id"] = store_id
    payload["changed_at"] = changed_at
    return payload


def merge_payload(body: Mapping[str, Any], store_id: str, merged_at: str) -> dict[str, Any]:
    return {
        "source_id": body.get("source_id"),
        "target_id": body.get("target_id"),
        "store_id": store_id,
        "merged_at": merged_at,
    }


def erase_payload(body: Mapping[str, Any], member_id: str, store_id: str, at: str) -> dict[str, Any]:
    """Nothing personal: the member's id, the time of the erasure and who erased."""
    payload: dict[str, Any] = {
        "member_id": member_id,
        "store_id": store_id,
        "erased_at": body.get("erased_at") or at,
    }
    if body.get("staff_id") is not None:
        payload["staff_id"] = body["staff_id"]
    return payload


def _payload(kind: ItemKind, record: OutboxRecord, store_id: str) -> dict[str, Any]:
    at = record.created_at
    if kind is ItemKind.MEMBER_EDIT:
        return edit_payload(record.body, record.entity_id, store_id, at)
    if kind is ItemKind.CARD:
        return card_payload(record.body, store_id, at)
    if kind is ItemKind.MERGE:
        return merge_payload(record.body, store_id, at)
    if kind is ItemKind.ERASE:
        return erase_payload(record.body, record.entity_id, store_id, at)
    return member_payload(record.body, store_id, at)


def push_item(seq: int, record: OutboxRecord, *, till_id: str, store_id: str) -> PushItem:
    """The push item for ``record`` at push sequence ``seq``.

    A payload the protocol refuses is still sent as it is (the central rejects it on its own, into the
    managers' inbox, and the queue moves on); ``Unsendable`` only when not even the envelope can be built.
    """
    kind = PUSHABLE.get(record.entity)
    if kind is None:
        raise Unsendable(f"the protocol does not carry {record.entity!r} changes")
    stored_hash: str | None = None
    if kind is ItemKind.LEDGER_ENTRY:
        item_id = record.entity_id
        payload = entry_payload(record.body)
        candidate = record.body.get("hash")
        if isinstance(candidate, str) and len(candidate) == 64 and set(candidate) <= _HEX64:
            stored_hash = candidate
    else:
        item_id = change_id(till_id, record)
        payload = _payload(kind, record, store_id)
    if stored_hash is not None:
        # The entry's own hash, stored when it was written: its payload goes as the ledger stores it. Parsing
        # it here as well would only give the same values back (the central parses it, and recomputes the
        # hash from it); that was a third of the till's time in a push of its offline sales.
        digest = stored_hash
    else:
        try:
            model = parse_payload(kind, payload)
        except ProtocolError:
            digest = audit_hash(GENESIS_HASH, {"kind": kind.value, "payload": payload})
        else:
            payload = model.model_dump(mode="json")
            digest = item_hash(kind, model)
    try:
        return PushItem(id=item_id, seq=seq, kind=kind, payload=payload, hash=digest)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors(include_url=False)
        )
        raise Unsendable(problems) from None
