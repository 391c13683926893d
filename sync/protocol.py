"""The wire protocol between a till and the central service: request and response schemas, strict and bounded.

Both sides import this module, so a till and the central cannot disagree on a field. Every model refuses
unknown fields, coercions ("12" for 12) and values out of range; every string and list has a bound, so a
hostile or broken peer is refused with a clear error before anything is stored.

A push item is an envelope (id, seq, kind, hash) around a ``payload``. The envelope is validated with the
request: a malformed envelope is a bug in the till and refuses the whole request (422). The payload is checked
item by item (``parse_payload``, ``item_hash``) so that one bad item is *rejected* on its own and never blocks
the queue behind it.

Hashes: a ledger entry's item hash is its link in the till's hash chain (``loyalty.chain.entry_hash`` over the
entry's canonical fields and ``prev_hash``), so the central checks the very hash the till's ``check`` checks.
Any other kind hashes the canonical JSON of its kind and payload the same way (``loyalty.audit.audit_hash``).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    ValidationError,
    model_validator,
)

from loyalty.audit import GENESIS_HASH, audit_hash, canonical_json
from loyalty.chain import ENTRY_FIELDS, entry_hash
from loyalty.ledger import EntryKind
from loyalty.limits import nesting_depth

PROTOCOL_VERSION = 1

MAX_BATCH = 500
"""Items in one push. A till with more waiting sends several batches, one in flight at a time."""
MAX_PAGE = 1000
"""Changes in one pull page."""
DEFAULT_PAGE = 200
MAX_PAYLOAD_CHARS = 16 * 1024
"""The canonical JSON of one item's payload: a ledger entry or a member is a few hundred characters."""
MAX_PAYLOAD_DEPTH = 6
MAX_SEQ = 2**53 - 1
"""Sequence numbers stay exact in every JSON implementation."""
MAX_POINTS = 10**12
MAX_MINOR = 10**15
MAX_EPOCH = 2**31 - 1


class ProtocolError(ValueError):
    """A payload that does not follow the protocol; ``problems`` says where and why, one line per problem."""

    def __init__(self, problems: str) -> None:
        super().__init__(problems)
        self.problems = problems


def _problems(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"]) or "(top level)"
        lines.append(f"{where}: {e['msg'].removeprefix('Value error, ')}")
    return "; ".join(lines)


# -- field types -------------------------------------------------------------------------------------------


def _uuid7(value: str) -> str:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise ValueError("not a UUID") from None
    if str(parsed) != value:
        raise ValueError("a UUID must be sent in its canonical lower-case 36-character form")
    if parsed.version != 7:
        raise ValueError("must be a UUIDv7")
    return value


def _uuid_any(value: str) -> str:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise ValueError("not a UUID") from None
    if str(parsed) != value:
        raise ValueError("a UUID must be sent in its canonical lower-case 36-character form")
    return value


_UTC_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def _utc_text(value: str) -> str:
    """The store's fixed-width UTC text (``2026-03-02T03:00:00.000000Z``), the form the chain hashes."""
    if not _UTC_TEXT.fullmatch(value):
        raise ValueError("a time must be UTC text such as 2026-03-02T03:00:00.000000Z")
    try:
        datetime.fromisoformat(value.removesuffix("Z"))
    except ValueError:
        raise ValueError("not a real date and time") from None
    return value


def format_utc(value: datetime) -> str:
    """An aware datetime as the protocol's UTC text."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware one")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=UTC)


def _bounded_payload(value: dict[str, JsonValue]) -> dict[str, JsonValue]:
    if nesting_depth(value, MAX_PAYLOAD_DEPTH) > MAX_PAYLOAD_DEPTH:
        raise ValueError(f"nests deeper than {MAX_PAYLOAD_DEPTH} levels")
    if len(canonical_json(value)) > MAX_PAYLOAD_CHARS:
        raise ValueError(f"is longer than {MAX_PAYLOAD_CHARS} characters as JSON")
    return value


Uuid7 = Annotated[str, StringConstraints(min_length=36, max_length=36), AfterValidator(_uuid7)]
Uuid = Annotated[str, StringConstraints(min_length=36, max_length=36), AfterValidator(_uuid_any)]
UtcText = Annotated[str, StringConstraints(min_length=27, max_length=27), AfterValidator(_utc_text)]
Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Code = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Seq = Annotated[int, Field(ge=1, le=MAX_SEQ)]
Epoch = Annotated[int, Field(ge=1, le=MAX_EPOCH)]
Points = Annotated[int, Field(ge=-MAX_POINTS, le=MAX_POINTS)]
Payload = Annotated[dict[str, JsonValue], AfterValidator(_bounded_payload)]
EnrollmentCode = Annotated[str, StringConstraints(pattern=r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")]
Token = Annotated[str, StringConstraints(min_length=32, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]
CURSOR_PATTERN = r"^(|[0-9a-f]{16}\.[0-9]{1,16})$"
Cursor = Annotated[str, StringConstraints(max_length=64, pattern=CURSOR_PATTERN)]
"""Opaque to the till: the central's change-log id and a change number. Empty means "from the start"."""


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# -- enrollment -----------------------------------------------------------------------------------------------


class EnrollRequest(Strict):
    code: EnrollmentCode
    till_name: ShortText
    previous_till_id: Uuid | None = None
    """A till enrolled before (restored from a backup, or set up again) keeps its id and starts a new epoch."""


class EnrollResponse(Strict):
    protocol: int = PROTOCOL_VERSION
    till_id: Uuid
    token: Token
    store_id: Uuid
    store_code: Code
    card_key: Hash
    """The store's key for hashing card UIDs (``loyalty.identity``), shared by every till of the store."""
    epoch: Epoch
    next_seq: Seq


class EpochResponse(Strict):
    epoch: Epoch
    next_seq: Seq


# -- push -----------------------------------------------------------------------------------------------------


class ItemKind(StrEnum):
    LEDGER_ENTRY = "ledger_entry"
    MEMBER = "member"


class PushItem(Strict):
    id: Uuid7
    """The idempotency key: a ledger entry's own id, or the id of the till's change record."""
    seq: Seq
    """The till's push sequence in this epoch: 1, 2, 3 ... without gaps."""
    kind: Annotated[ItemKind, Field(strict=False)]  # a JSON string naming a kind; nothing else is coerced
    payload: Payload
    hash: Hash
    """``item_hash(kind, payload)``: for a ledger entry its link in the till's hash chain."""


class PushRequest(Strict):
    till_id: Uuid
    epoch: Epoch
    items: Annotated[list[PushItem], Field(min_length=1, max_length=MAX_BATCH)]

    @model_validator(mode="after")
    def _ascending(self) -> PushRequest:
        seqs = [item.seq for item in self.items]
        if any(b <= a for a, b in pairwise(seqs)):
            raise ValueError("items must be in strictly ascending seq order")
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("an item id appears twice in the batch")
        return self


class ItemStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    """Seen before with the same content: nothing done again. ``original`` says what happened the first time."""
    CONFLICT = "conflict"
    """Same id (or same seq) as an item seen before, different content: refused, and put in the inbox."""
    REJECTED = "rejected"
    """A permanent reason: not applied, put in the inbox; the sequence moves on past it."""
    GAP = "gap"
    """Not looked at: an earlier sequence number is missing. Send from ``next_seq`` again."""


class Reason(StrEnum):
    INVALID_PAYLOAD = "invalid_payload"
    HASH_MISMATCH = "hash_mismatch"
    ID_MISMATCH = "id_mismatch"
    FOREIGN_TILL = "foreign_till"
    UNKNOWN_MEMBER = "unknown_member"
    MEMBER_NUMBER_TAKEN = "member_number_taken"
    SAME_ID_OTHER_CONTENT = "same_id_different_content"
    SEQ_TAKEN = "seq_taken"
    ENTRY_SEQ_TAKEN = "entry_seq_taken"
    MISSING_SEQ = "missing_seq"


class ItemResult(Strict):
    id: Uuid7
    seq: Seq
    status: ItemStatus
    reason: Reason | None = None
    detail: Annotated[str, StringConstraints(max_length=2000)] | None = None
    original: ItemStatus | None = None


class PushResponse(Strict):
    results: list[ItemResult]
    next_seq: Seq
    """The central's next expected sequence number for this till and epoch: everything before it is done."""


# -- pull -----------------------------------------------------------------------------------------------------


class PullRequest(Strict):
    cursor: Cursor = ""
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE


class ChangeKind(StrEnum):
    MEMBER = "member"
    BALANCE = "balance"
    ENTRY = "entry"
    PROGRAM = "program"


class Change(Strict):
    no: Annotated[int, Field(ge=1)]
    kind: ChangeKind
    body: dict[str, JsonValue]


class PullResponse(Strict):
    changes: list[Change]
    next_cursor: Cursor
    more: bool
    """More changes wait after ``next_cursor``: ask again at once."""
    resync: bool
    """The cursor was unknown or too old: drop what was pulled before and pull again from ``next_cursor``."""


# -- members --------------------------------------------------------------------------------------------------


class MemberResponse(Strict):
    id: Uuid
    member_number: Code
    full_name: str
    status: str
    tier_code: str | None
    balance: int
    entry_count: int
    updated_at: UtcText


class InboxEntry(Strict):
    """An item a manager must look at: a conflicting or rejected push item of a till of the store."""

    id: Annotated[int, Field(ge=1)]
    item_id: Uuid
    till_id: Uuid
    kind: Literal["conflict", "rejected"]
    reason: Reason
    detail: str | None
    created_at: UtcText


class InboxResponse(Strict):
    items: list[InboxEntry]
    more: bool


class ErrorBody(Strict):
    detail: str


# -- payloads -------------------------------------------------------------------------------------------------


class EntryPayload(Strict):
    """A ledger entry as the till's chain hashes it (``loyalty.chain.ENTRY_FIELDS``) and its chain link."""

    id: Uuid7
    member_id: Uuid
    kind: EntryKind
    points: Points
    amount_minor: Annotated[int, Field(ge=-MAX_MINOR, le=MAX_MINOR)] | None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None
    receipt_ref: ShortText | None
    store_id: Uuid
    till_id: Uuid
    seq: Seq
    """The entry's place in the till's ledger chain (not the push sequence)."""
    staff_id: Uuid | None
    reason: LongText | None
    action_code: Code | None
    program_version: Code
    reverses_id: Uuid | None
    channel: Literal["till"]
    created_at: UtcText
    details: Annotated[str, StringConstraints(max_length=8000)] | None
    """Canonical JSON text, as the store keeps it."""
    expires_at: UtcText | None
    prev_hash: Hash

    @model_validator(mode="after")
    def _consistent(self) -> EntryPayload:
        if (self.amount_minor is None) != (self.currency is None):
            raise ValueError("amount_minor and currency go together")
        return self

    def chain_fields(self) -> dict[str, Any]:
        dumped = self.model_dump(mode="json")
        return {name: dumped[name] for name in ENTRY_FIELDS}


class MemberPayload(Strict):
    """A member's profile as a till created or changed it."""

    id: Uuid
    member_number: Code
    full_name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    phone: Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{6,14}$")] | None = None
    email: Annotated[str, StringConstraints(min_length=3, max_length=254)] | None = None
    status: Literal["active", "blocked", "merged", "erased"] = "active"
    tier_code: Code | None = None
    store_id: Uuid
    updated_at: UtcText


def parse_payload(kind: ItemKind, payload: dict[str, JsonValue]) -> EntryPayload | MemberPayload:
    """The payload of a push item as its kind's model; ``ProtocolError`` says what is wrong."""
    model: type[EntryPayload] | type[MemberPayload] = (
        EntryPayload if kind is ItemKind.LEDGER_ENTRY else MemberPayload
    )
    try:
        # JSON mode: the payload arrived as JSON, so strings stand for enums and nothing else is coerced.
        return model.model_validate_json(canonical_json(payload))
    except ValidationError as err:
        raise ProtocolError(_problems(err)) from None


def item_hash(kind: ItemKind, payload: EntryPayload | MemberPayload) -> str:
    """The hash of an item's canonical form, as the till sends it and the central checks it."""
    if isinstance(payload, EntryPayload):
        return entry_hash(payload.prev_hash, payload.chain_fields())
    return audit_hash(GENESIS_HASH, {"kind": kind.value, "payload": payload.model_dump(mode="json")})


def make_item(seq: int, kind: ItemKind, payload: EntryPayload | MemberPayload, item_id: str) -> PushItem:
    """A push item with its hash: what the till's engine sends for one outbox record."""
    return PushItem(
        id=item_id,
        seq=seq,
        kind=kind,
        payload=payload.model_dump(mode="json"),
        hash=item_hash(kind, payload),
    )
