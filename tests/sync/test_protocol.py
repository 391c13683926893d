"""Property tests of the wire protocol: valid messages round-trip through JSON unchanged; malformed ones are
refused with an error that names the field."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from loyalty.audit import GENESIS_HASH
from loyalty.chain import entry_hash
from loyalty.ids import derived_id, uuid7
from loyalty.ledger import EntryKind
from sync.protocol import (
    MAX_BATCH,
    MAX_PAGE,
    MAX_PAYLOAD_CHARS,
    EntryPayload,
    ItemKind,
    MemberPayload,
    ProtocolError,
    PullRequest,
    PushItem,
    PushRequest,
    item_hash,
    make_item,
    parse_payload,
    parse_profiles,
)

# Built without the process-wide id clock: ``uuid7(ms)`` with a time in 2033 would move that clock ahead, and
# every id made later in the same test process would carry 2033 (a test of the ids' time then failed).
uuid7s = st.builds(
    derived_id, st.text(max_size=8), st.integers(min_value=1_600_000_000_000, max_value=2_000_000_000_000)
)
hashes = st.text("0123456789abcdef", min_size=64, max_size=64)
times = st.datetimes(timezones=st.just(UTC)).map(
    lambda d: d.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
)
texts = st.text(min_size=1, max_size=200)
codes = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}\Z")


@st.composite
def entries(draw: st.DrawFn) -> EntryPayload:
    with_amount = draw(st.booleans())
    return EntryPayload(
        id=draw(uuid7s),
        member_id=draw(uuid7s),
        kind=draw(st.sampled_from(EntryKind)),
        points=draw(st.integers(-(10**12), 10**12)),
        amount_minor=draw(st.integers(0, 10**15)) if with_amount else None,
        currency=draw(st.sampled_from(["VND", "USD"])) if with_amount else None,
        receipt_ref=draw(st.none() | texts),
        store_id=draw(uuid7s),
        till_id=draw(uuid7s),
        seq=draw(st.integers(1, 2**53 - 1)),
        staff_id=draw(st.none() | uuid7s),
        reason=draw(st.none() | texts),
        action_code=draw(st.none() | codes),
        program_version=draw(codes),
        reverses_id=draw(st.none() | uuid7s),
        channel="till",
        created_at=draw(times),
        details=draw(
            st.none() | st.dictionaries(st.text(max_size=5), st.integers(), max_size=3).map(json.dumps)
        ),
        expires_at=draw(st.none() | times),
        prev_hash=draw(st.just(GENESIS_HASH) | hashes),
    )


@st.composite
def members(draw: st.DrawFn) -> MemberPayload:
    return MemberPayload(
        id=draw(uuid7s),
        member_number=draw(codes),
        full_name=draw(texts),
        phone=draw(st.none() | st.from_regex(r"\A\+84[0-9]{9}\Z")),
        email=draw(st.none() | st.emails().filter(lambda e: len(e) <= 254)),
        status=draw(st.sampled_from(["active", "blocked", "merged", "erased"])),
        tier_code=draw(st.none() | codes),
        store_id=draw(uuid7s),
        updated_at=draw(times),
    )


payloads = st.one_of(
    entries().map(lambda p: (ItemKind.LEDGER_ENTRY, p)), members().map(lambda p: (ItemKind.MEMBER, p))
)


@st.composite
def batches(draw: st.DrawFn) -> PushRequest:
    drawn = draw(st.lists(payloads, min_size=1, max_size=5))
    start = draw(st.integers(1, 10**6))
    items = [make_item(start + i, kind, payload, str(uuid7())) for i, (kind, payload) in enumerate(drawn)]
    return PushRequest(till_id=draw(uuid7s), epoch=draw(st.integers(1, 1000)), items=items)


@settings(max_examples=60, deadline=None)
@given(batches())
def test_valid_batches_round_trip(batch: PushRequest) -> None:
    text = batch.model_dump_json()
    again = PushRequest.model_validate_json(text)
    assert again == batch
    # And through a plain dict (what a web framework hands over after parsing the JSON).
    assert PushRequest.model_validate(json.loads(text)) == batch
    for item in again.items:
        payload = parse_payload(item.kind, item.payload)
        assert item_hash(item.kind, payload) == item.hash


@settings(max_examples=60, deadline=None)
@given(entries())
def test_entry_hash_is_the_ledger_chain_link(entry: EntryPayload) -> None:
    item = make_item(1, ItemKind.LEDGER_ENTRY, entry, entry.id)
    assert item.hash == entry_hash(entry.prev_hash, entry.chain_fields())
    tampered = entry.model_copy(
        update={"points": entry.points + 1 if entry.points < 10**12 else entry.points - 1}
    )
    assert item_hash(ItemKind.LEDGER_ENTRY, tampered) != item.hash


BAD_ENTRY_VALUES: list[tuple[str, Any]] = [
    ("id", "not-a-uuid"),
    ("id", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),  # a UUIDv1
    ("points", "10"),
    ("points", 10**13),
    ("points", 1.5),
    ("seq", 0),
    ("kind", "steal"),
    ("currency", "vnd"),
    ("created_at", "2026-03-02 03:00:00"),
    ("created_at", "2026-02-30T03:00:00.000000Z"),
    ("prev_hash", "XYZ"),
    ("receipt_ref", "r" * 201),
    ("channel", "web shop!"),  # a channel is a code: letters, digits, - and _
    ("member_id", None),
]


@settings(max_examples=80, deadline=None)
@given(entries(), st.sampled_from(BAD_ENTRY_VALUES))
def test_malformed_entries_are_refused_naming_the_field(entry: EntryPayload, bad: tuple[str, Any]) -> None:
    name, value = bad
    raw = entry.model_dump(mode="json")
    raw[name] = value
    with pytest.raises(ProtocolError) as refused:
        parse_payload(ItemKind.LEDGER_ENTRY, raw)
    assert refused.value.problems.startswith(name) or f"{name}:" in refused.value.problems


@settings(max_examples=40, deadline=None)
@given(entries(), st.sampled_from(["missing", "extra"]))
def test_missing_or_unknown_fields_are_refused(entry: EntryPayload, how: str) -> None:
    raw = entry.model_dump(mode="json")
    if how == "missing":
        del raw["points"]
    else:
        raw["bonus"] = 1
    with pytest.raises(ProtocolError, match=r"points|bonus"):
        parse_payload(ItemKind.LEDGER_ENTRY, raw)


BAD_ENVELOPES: list[tuple[str, Any]] = [
    ("epoch", "1"),
    ("epoch", 0),
    ("till_id", "x"),
    ("items", []),
    ("surprise", True),
]


@settings(max_examples=40, deadline=None)
@given(batches(), st.sampled_from(BAD_ENVELOPES))
def test_malformed_envelopes_are_refused(batch: PushRequest, bad: tuple[str, Any]) -> None:
    raw = batch.model_dump(mode="json")
    raw[bad[0]] = bad[1]
    with pytest.raises(ValidationError) as refused:
        PushRequest.model_validate(raw)
    assert bad[0] in str(refused.value)


@settings(max_examples=20, deadline=None)
@given(batches())
def test_items_out_of_order_or_repeated_are_refused(batch: PushRequest) -> None:
    raw = batch.model_dump(mode="json")
    raw["items"] = raw["items"] + raw["items"][:1]
    with pytest.raises(ValidationError, match=r"ascending|twice"):
        PushRequest.model_validate(raw)


def test_bounds_on_batch_payload_and_page() -> None:
    entry = EntryPayload.model_validate_json(
        json.dumps(
            {
                "id": str(uuid7()),
                "member_id": str(uuid7()),
                "kind": "earn",
                "points": 1,
                "amount_minor": 1000,
                "currency": "VND",
                "receipt_ref": None,
                "store_id": str(uuid7()),
                "till_id": str(uuid7()),
                "seq": 1,
                "staff_id": None,
                "reason": None,
                "action_code": None,
                "program_version": "p1",
                "reverses_id": None,
                "channel": "till",
                "created_at": "2026-03-02T03:00:00.000000Z",
                "details": None,
                "expires_at": None,
                "prev_hash": GENESIS_HASH,
            }
        )
    )
    item = make_item(1, ItemKind.LEDGER_ENTRY, entry, entry.id)
    too_many = [item.model_copy(update={"seq": i + 1, "id": str(uuid7())}) for i in range(MAX_BATCH + 1)]
    with pytest.raises(ValidationError, match="at most 500"):
        PushRequest(till_id=str(uuid7()), epoch=1, items=too_many)
    deep: Any = 1
    for _ in range(10):
        deep = [deep]
    with pytest.raises(ValidationError, match="nests deeper"):
        PushItem(id=item.id, seq=1, kind=ItemKind.MEMBER, payload={"x": deep}, hash=item.hash)
    with pytest.raises(ValidationError, match="longer than"):
        PushItem(
            id=item.id, seq=1, kind=ItemKind.MEMBER, payload={"x": "y" * MAX_PAYLOAD_CHARS}, hash=item.hash
        )
    with pytest.raises(ValidationError):
        PullRequest(limit=MAX_PAGE + 1)
    with pytest.raises(ValidationError):
        PullRequest(cursor="../etc")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(st.dictionaries(st.text(), json_values, max_size=5))
def test_a_payload_is_measured_on_its_canonical_text(payload: dict[str, Any]) -> None:
    """The size check's text (orjson's, keys sorted) is the canonical one for any payload without floats,
    integers past 64 bits included (they fall back to the standard encoder), so the bound is where the
    protocol says it is."""
    from loyalty.audit import canonical_json
    from sync.protocol import _compact_json

    assert _compact_json(payload) == canonical_json(payload)


def test_ids_are_refused_in_any_but_the_canonical_form() -> None:
    """A UUID is checked by its canonical pattern; what ``uuid.UUID`` would still parse (upper case, braces,
    no hyphens, a URN) is refused with the sentence that says so, anything else as not a UUID, and a v7 id
    must carry version 7 of the RFC variant."""
    import uuid

    from sync.protocol import _uuid7, _uuid_any

    good = str(uuid7())
    assert _uuid7(good) == good and _uuid_any(good) == good
    v4 = str(uuid.uuid4())
    assert _uuid_any(v4) == v4
    for other_form in (good.upper(), "{" + good + "}", good.replace("-", ""), "urn:uuid:" + good):
        with pytest.raises(ValueError, match="canonical lower-case"):
            _uuid_any(other_form)
    for junk in ("", "x" * 36, good[:-1] + "g"):
        with pytest.raises(ValueError, match="not a UUID"):
            _uuid_any(junk)
    for not_v7 in (v4, good[:19] + "c" + good[20:]):  # version 4; variant bits of another variant
        with pytest.raises(ValueError, match="UUIDv7"):
            _uuid7(not_v7)


# -- profiles pulled in bulk ----------------------------------------------------------------------------------
_PROFILE = {
    "id": "0190aaaa-0000-7000-8000-000000000001",
    "member_number": "00100000000017",
    "full_name": "Nguyễn Văn An",
    "phone": "+84912345678",
    "email": "an@example.vn",
    "status": "active",
    "tier_code": None,
    "store_id": "0190aaaa-0000-7000-8000-000000000002",
    "updated_at": "2026-03-02T03:00:00.000000Z",
}
_ODD_VALUES = st.sampled_from(
    [
        None,
        True,
        0,
        1.5,
        -7,
        "",
        "x" * 201,
        "active",
        "gold",
        "merged",
        "ACTIVE",
        "+84912345678",
        "0912345678",
        "0190AAAA-0000-7000-8000-000000000001",
        "0190aaaa000070008000000000000001",
        "not-a-uuid-at-all-but-36-characters",
        "2026-03-02T03:00:00.000000Z",
        "2026-02-30T03:00:00.000000Z",
        "2026-03-02 03:00:00",
        [],
        {},
        ["a"],
        {"k": "v"},
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from([*_PROFILE, "field_times", "extra"]), _ODD_VALUES, max_size=3)
        | st.sets(st.sampled_from(list(_PROFILE)), max_size=2),
        min_size=1,
        max_size=4,
    )
)
def test_profiles_read_in_bulk_as_one_at_a_time(changes: list[dict[str, Any] | set[str]]) -> None:
    """``parse_profiles`` (Python values, one call, ``field_times`` left for the till) reads a run of pulled
    profiles exactly as ``parse_payload`` reads each from JSON without its field times: the same profiles,
    refused if and only if one of them is."""
    bodies = []
    for change in changes:
        body = dict(_PROFILE)
        if isinstance(change, set):
            for key in change:
                del body[key]
        else:
            body.update(change)
        bodies.append(json.loads(json.dumps(body)))  # what a page's JSON gives
    alone: list[Any] = []
    for body in bodies:
        try:
            profile = parse_payload(ItemKind.MEMBER, {k: v for k, v in body.items() if k != "field_times"})
            alone.append(profile.model_dump())
        except ProtocolError:
            alone.append(None)
    try:
        together: list[Any] = [p.model_dump(exclude={"field_times"}) for p in parse_profiles(bodies)]
    except ProtocolError:
        assert None in alone
    else:
        assert together == alone
