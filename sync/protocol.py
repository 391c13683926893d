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
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from loyalty.audit import GENESIS_HASH, audit_hash, canonical_json
from loyalty.chain import ENTRY_FIELDS, entry_hash
from loyalty.ledger import EntryKind
from loyalty.limits import nesting_depth
from sync import erasure

PROTOCOL_VERSION = 1

MAX_BATCH = 500
"""Items in one push. A till with more waiting sends several batches, one in flight at a time."""
MAX_PAGE = 5000
"""Changes in one pull page (and items in one page of the inbox). A till pulls pages of this many: a first
pull of a large store takes in a page in few write transactions, each of which writes every index page it
changed (``app.services.syncing.APPLY_ALONE_S``); pages of 1,000 made the transactions five times as many."""
DEFAULT_PAGE = 200
MAX_PAYLOAD_CHARS = 16 * 1024
"""The compact JSON of one item's payload, keys sorted (``_compact_json``): a ledger entry or a member is a few hundred
characters."""
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


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _canonical_uuid(value: str) -> None:
    """Refuse anything but a UUID's canonical lower-case 36-character form, the only one ``str(UUID)`` makes.
    By pattern: parsing and printing a ``uuid.UUID`` for every id was 4% of a first pull's time."""
    if _CANONICAL_UUID.fullmatch(value):
        return
    try:
        uuid.UUID(value)
    except ValueError:
        raise ValueError("not a UUID") from None
    raise ValueError("a UUID must be sent in its canonical lower-case 36-character form")


def _uuid7(value: str) -> str:
    _canonical_uuid(value)
    if value[14] != "7" or value[19] not in "89ab":  # version 7 of the RFC 4122 variant, as ``UUID.version``
        raise ValueError("must be a UUIDv7")
    return value


def _uuid_any(value: str) -> str:
    _canonical_uuid(value)
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


class CheckedPayload(dict[str, JsonValue]):
    """A push item's payload as its bounds were checked, with the JSON text the size check made:
    ``parse_payload`` parses that text instead of encoding the payload a second time (a push checks and
    parses every item of a batch). Nothing changes a payload after it was checked."""

    __slots__ = ("text",)

    def __init__(self, value: dict[str, JsonValue], text: str) -> None:
        super().__init__(value)
        self.text = text


def _compact_json(value: dict[str, JsonValue]) -> str:
    """``value`` as compact JSON with sorted keys: the canonical text (``canonical_json``) for any payload
    without floats, and never shorter than it by more than a float's exponent sign. Encoded by orjson, in C:
    the standard encoder's text of every item was a twentieth of a push's time at the central. An integer
    orjson cannot hold (past 64 bits) or a lone surrogate falls back to the standard encoder."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except (TypeError, orjson.JSONEncodeError):
        return canonical_json(value)


def _bounded_payload(value: dict[str, JsonValue]) -> dict[str, JsonValue]:
    if nesting_depth(value, MAX_PAYLOAD_DEPTH) > MAX_PAYLOAD_DEPTH:
        raise ValueError(f"nests deeper than {MAX_PAYLOAD_DEPTH} levels")
    text = _compact_json(value)
    if len(text) > MAX_PAYLOAD_CHARS:
        raise ValueError(f"is longer than {MAX_PAYLOAD_CHARS} characters as JSON")
    return CheckedPayload(value, text)


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
    """A member created at the till, or its whole profile (every field set at ``updated_at``)."""
    MEMBER_EDIT = "member_edit"
    """Only the profile fields an edit changed, with the edit's time: merged field by field at the central."""
    MERGE = "merge"
    """A duplicate member merged into another: entries for it that arrive later count on the survivor."""
    CARD = "card"
    """A card linked, blocked or replaced at the till."""
    ERASE = "erase"
    """A member's personal data erased at the till on request: the central anonymises the member once, for
    good (no later edit brings the person back), audits it and sends the erasure to every till."""


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
    NOT_A_TILL_ENTRY = "not_a_till_entry"
    """A till pushed an entry in another channel's name (only the central writes those)."""
    MERGED_ELSEWHERE = "merged_elsewhere"
    """The duplicate was merged into another member at another till first."""
    INVALID_MERGE = "invalid_merge"
    CARD_BLOCKED = "card_blocked"
    """A link of a card that is blocked or replaced at the central: a block beats a link."""
    CARD_TAKEN = "card_taken"
    """The card is linked to another member of the store."""
    OVERDRAFT = "overdraft"
    """Redemptions at several tills spent more than the member had: an overdraft to recover or write off."""
    RECEIPT_TWICE = "receipt_awarded_twice"
    """Another till of the store awarded points for a sale with the same receipt number (an inbox item: both
    awards count; a manager checks it was two sales, not one sale rung up twice)."""
    MEMBER_ERASED = "member_erased"
    """An edit, a whole profile or a card of a member whose personal data was erased: it would bring the person
    back."""


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
    CARD = "card"
    """A card as the central holds it (``CardPayload``): a block that beat a link reaches every till."""
    MERGE = "merge"
    """``{source_id, target_id, merged_at}``: the source member now counts on the target."""
    ERASE = "erase"
    """``{member_id, erased_at}``: the member's personal data was erased at a till; every till erases it."""


ChangeKindName = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]
"""A change's kind on the wire: a ``ChangeKind``, or a kind a newer central sends that this till does not
know yet. Kept as text so that the page is still read, and the till stops before that change instead of
failing on the whole page (docs/sync.md, "Applying a pull")."""


class Change(Strict):
    no: Annotated[int, Field(ge=1)]
    kind: Annotated[ChangeKindName, Field(examples=[kind.value for kind in ChangeKind])]
    body: dict[str, JsonValue]


def cursor_after(page_cursor: str, no: int) -> str:
    """The cursor that resumes a pull right after change ``no`` of the log ``page_cursor`` belongs to: a till
    that stops inside a page (a change it cannot take in yet) keeps its place there. Cursors are
    ``LOG.NUMBER``; ``no`` 0 is the start of that log."""
    log_id, dot, _number = page_cursor.partition(".")
    if not dot:
        raise ValueError("not a cursor of a change log")
    return f"{log_id}.{no}"


class PullResponse(Strict):
    changes: list[Change]
    next_cursor: Cursor
    more: bool
    """More changes wait after ``next_cursor``: ask again at once."""
    resync: bool
    """The cursor was unknown or too old: drop what was pulled before and pull again from ``next_cursor``."""
    head: Annotated[int, Field(ge=0)] | None = None
    """The number of the store's newest change: how far a pull of many pages has to go (its progress)."""


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


InboxKind = Literal["conflict", "rejected", "overdraft", "receipt"]
Resolution = Literal["recover", "write_off", "dismiss"]
"""``recover``: an overdraft is paid back by the member's next earnings; ``write_off``: the central credits what
is still owed (a reason is required, the decision is audited); ``dismiss``: a conflict, a rejection or a
receipt awarded twice, looked at and closed (a reason is required)."""


class InboxEntry(Strict):
    """An item a manager must look at: a conflicting or rejected push item of a till of the store, an overdraft
    that redemptions at several tills ran up, or a receipt number two tills awarded points for. Resolved items
    are kept, with who resolved them."""

    id: Annotated[int, Field(ge=1)]
    item_id: Uuid
    """The push item (for an overdraft: the ledger entry that overspent)."""
    till_id: Uuid
    kind: InboxKind
    reason: Reason
    detail: str | None
    created_at: UtcText
    member_id: Uuid | None = None
    points: int | None = None
    """An overdraft's points when it was recorded."""
    remaining: int | None = None
    """What the member still owes of the overdraft (later earnings pay it back)."""
    resolution: Resolution | None = None
    resolved_at: UtcText | None = None
    resolved_by: Code | None = None
    """The manager's staff id, as the till that forwarded the decision knows them."""
    resolved_via: Uuid | None = None
    """The till the manager acted at."""
    note: str | None = None
    """The manager's reason."""


class InboxResponse(Strict):
    items: list[InboxEntry]
    more: bool


class InboxResolveRequest(Strict):
    """A manager's decision on an inbox item, forwarded by a till of the store. The till checks the manager's
    PIN and permission before it sends the request; the central records who decided and at which till."""

    action: Resolution
    staff_id: Code
    reason: LongText | None = None
    """Required for ``write_off`` and ``dismiss``."""


class InboxResolveResponse(Strict):
    item: InboxEntry
    entry_id: Uuid7 | None = None
    """The ledger entry a write-off made (it reaches every till at the next pull)."""
    balance: int | None = None
    """The member's balance after a write-off."""


# -- other channels (web shop, app, call centre) ------------------------------------------------------------

MAX_ORDER_LINES = 100
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
"""The ``Idempotency-Key`` header of a channel's request: 1 to 128 of these characters (a UUID fits)."""


class OrderLine(Strict):
    amount: Annotated[int, Field(ge=1, le=MAX_MINOR)]
    """The line's total in minor units (price times quantity)."""
    category: Code | None = None
    sku: Code | None = None
    quantity: Annotated[int, Field(ge=1, le=10_000)] = 1


class OrderRequest(Strict):
    """An online order of a member: its lines (or only its total), priced by the same rules as a till sale."""

    member_number: Code
    order_ref: Code
    """The channel's own order id: one order earns once, whatever key it is sent under."""
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    lines: Annotated[list[OrderLine], Field(min_length=1, max_length=MAX_ORDER_LINES)] | None = None
    total: Annotated[int, Field(ge=1, le=MAX_MINOR)] | None = None
    ordered_at: UtcText | None = None
    """When the order was placed (promotions follow it); now when left out. At most 90 days back."""

    @model_validator(mode="after")
    def _lines_or_total(self) -> OrderRequest:
        if (self.lines is None) == (self.total is None):
            raise ValueError("give either lines or total (exactly one)")
        return self


class PointsComponent(Strict):
    rule: str
    points: int
    detail: str


class OrderResponse(Strict):
    order_ref: Code
    entry_id: Uuid7
    member_id: Uuid
    member_number: Code
    points: int
    program_version: Code
    components: list[PointsComponent]
    balance: int
    created_at: UtcText


class ActionRequest(Strict):
    """A non-purchase action of a member (review, referral, survey ...), a code of the program's actions."""

    member_number: Code
    action: Code
    reference: ShortText | None = None
    """What the action was about (the review's id, the survey's name)."""
    done_at: UtcText | None = None


class ActionResponse(Strict):
    entry_id: Uuid7
    member_id: Uuid
    member_number: Code
    action: Code
    points: int
    balance: int
    used: int
    """Actions of this code the member has in the cap period, this one included."""
    cap: int | None
    period: str
    program_version: Code
    created_at: UtcText


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
    staff_id: Code | None
    """The till's staff id (a UUID for staff created at the till; a short code for its system actors)."""
    reason: LongText | None
    action_code: Code | None
    program_version: Code
    reverses_id: Uuid | None
    channel: Code
    """``till`` for entries made at a till; a channel's name (``web``, ``app`` ...) or ``central`` for entries
    the central made (orders, actions, write-offs). Only the central writes entries of other channels."""
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


ERASED_NAME = erasure.ERASED_NAME


ProfileField = Literal["member_number", "full_name", "phone", "email", "status", "tier_code"]
PROFILE_FIELDS: tuple[ProfileField, ...] = (
    "member_number",
    "full_name",
    "phone",
    "email",
    "status",
    "tier_code",
)


class _ProfileValues(Strict):
    """The types of the fields a ``member_edit`` may change (``null`` clears phone, e-mail or tier)."""

    member_number: Code | None = None
    full_name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{6,14}$")] | None = None
    email: Annotated[str, StringConstraints(min_length=3, max_length=254)] | None = None
    status: Literal["active", "blocked"] | None = None
    tier_code: Code | None = None


class MemberEditPayload(Strict):
    """Only the profile fields one edit at the till changed, with the edit's time.

    The central keeps, for every field, the time (and till) of the edit that set it, and takes a field from an
    edit only when that edit is newer: two tills editing different fields offline both win, and for the same
    field the later edit wins (ties: the greater till id). Merges and erasures have items of their own.
    """

    member_id: Uuid
    store_id: Uuid
    changes: Annotated[dict[ProfileField, JsonValue], Field(min_length=1)]
    edited_at: UtcText

    @field_validator("changes")
    @classmethod
    def _typed(cls, changes: dict[ProfileField, JsonValue]) -> dict[ProfileField, JsonValue]:
        try:
            _ProfileValues.model_validate_json(canonical_json(changes))
        except ValidationError as err:
            raise ValueError(_problems(err)) from None
        for name in ("member_number", "full_name", "status"):
            if name in changes and changes[name] is None:
                raise ValueError(f"{name} cannot be cleared")
        return changes


class MergePayload(Strict):
    """A manager at the till merged a duplicate member (``source_id``) into ``target_id``."""

    source_id: Uuid
    target_id: Uuid
    store_id: Uuid
    merged_at: UtcText

    @model_validator(mode="after")
    def _two_members(self) -> MergePayload:
        if self.source_id == self.target_id:
            raise ValueError("a member cannot be merged into itself")
        return self


class ErasePayload(Strict):
    """A manager at the till erased a member's personal data on request. Nothing personal travels: the
    central anonymises its own copy, keeps the member's number and points (the ledger's arithmetic), and
    refuses every later edit, whole profile or card of the member."""

    member_id: Uuid
    store_id: Uuid
    erased_at: UtcText
    staff_id: Code | None = None
    """The manager who erased, as the till knows them (the central's audit record names them)."""


CardToken = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")]


class CardPayload(Strict):
    """A card as the till holds it after a link, block or replacement. ``token`` is how every till of the
    store looks the card up (``loyalty.identity``: a keyed hash of its UID, or its printed code)."""

    id: Uuid
    store_id: Uuid
    member_id: Uuid
    token: CardToken
    kind: Literal["uid", "ndef", "sun", "barcode", "qr", "virtual"]
    status: Literal["active", "blocked", "replaced"]
    label: ShortText | None = None
    replaced_by_id: Uuid | None = None
    status_reason: LongText | None = None
    changed_at: UtcText


ItemPayload = EntryPayload | MemberPayload | MemberEditPayload | MergePayload | CardPayload | ErasePayload
"""Every push item's payload model."""

_PAYLOAD_MODELS: dict[
    ItemKind,
    type[EntryPayload]
    | type[MemberPayload]
    | type[MemberEditPayload]
    | type[MergePayload]
    | type[CardPayload]
    | type[ErasePayload],
] = {
    ItemKind.LEDGER_ENTRY: EntryPayload,
    ItemKind.MEMBER: MemberPayload,
    ItemKind.MEMBER_EDIT: MemberEditPayload,
    ItemKind.MERGE: MergePayload,
    ItemKind.CARD: CardPayload,
    ItemKind.ERASE: ErasePayload,
}


def parse_payload(kind: ItemKind, payload: dict[str, JsonValue]) -> ItemPayload:
    """The payload of a push item as its kind's model; ``ProtocolError`` says what is wrong."""
    model = _PAYLOAD_MODELS[kind]
    try:
        # JSON mode: the payload arrived as JSON, so strings stand for enums and nothing else is coerced.
        return model.model_validate_json(_json_text(payload))
    except ValidationError as err:
        raise ProtocolError(_problems(err)) from None


class _PulledProfile(MemberPayload):
    """A ``member`` change's body: the profile, and each field's time, which the till reads apart (unchecked
    here, as ``parse_payload`` of the profile without it leaves it)."""

    field_times: Any = None


_PROFILES: TypeAdapter[list[_PulledProfile]] = TypeAdapter(list[_PulledProfile])


def parse_profiles(bodies: Sequence[Mapping[str, Any]]) -> list[MemberPayload]:
    """The profiles of pulled ``member`` changes' bodies (already parsed from JSON, ``field_times`` and all),
    all in one call: ``ProtocolError`` if any one is not a profile (``parse_payload`` then says which and why).

    From Python values, not from JSON text: the models are strict, so JSON's own values (strings, numbers,
    ``null``) are taken or refused as ``parse_payload`` takes or refuses them in JSON, and a profile has no
    field that only JSON would turn into something else (no enum, bytes or date object). A first pull reads a
    million of them; one at a time, making and parsing each one's text was a sixth of its time at the till."""
    try:
        return list(_PROFILES.validate_python(bodies))
    except ValidationError as err:
        raise ProtocolError(_problems(err)) from None


def _json_text(payload: dict[str, JsonValue]) -> str:
    """The payload as JSON text to validate: the text a push's size check made, or the same made now
    (validation needs no canonical form; the standard encoder's sorted text was a sixth of a first pull's
    time at the till)."""
    return payload.text if isinstance(payload, CheckedPayload) else _compact_json(payload)


def item_hash(kind: ItemKind, payload: ItemPayload) -> str:
    """The hash of an item's canonical form, as the till sends it and the central checks it."""
    if isinstance(payload, EntryPayload):
        return entry_hash(payload.prev_hash, payload.chain_fields())
    return audit_hash(GENESIS_HASH, {"kind": kind.value, "payload": payload.model_dump(mode="json")})


def make_item(seq: int, kind: ItemKind, payload: ItemPayload, item_id: str) -> PushItem:
    """A push item with its hash: what the till's engine sends for one outbox record."""
    return PushItem(
        id=item_id,
        seq=seq,
        kind=kind,
        payload=payload.model_dump(mode="json"),
        hash=item_hash(kind, payload),
    )
