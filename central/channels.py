"""Other channels: the web shop, the app, the call centre. Each is a writer of its store's ledger, with a token
of its own (``python -m central channel create``; stored as its SHA-256, revocable like a till's).

- ``POST /v1/orders`` records an online order: its points are quoted by ``loyalty.quote`` under the program the
  central installed last, exactly as a till quotes a sale of the same basket at the same time and tier. The
  tier is the one the member's purchases and refunds at every till and channel earn (``central.tiers``).
- ``POST /v1/actions`` records a non-purchase action (review, referral, survey ...) within the program's cap
  for its period, counted over every entry of the member (tills and channels alike), under the member's lock.

Both need an ``Idempotency-Key``: the key is claimed (``channel_requests (channel, key)``) in the transaction
that records the request, and the answer is stored with it. The same key with the same body answers the stored
answer again; the same key with another body is refused (409). A refused request stores nothing, so it may be
sent again once the problem is fixed. An order id earns once, whatever key it comes under. The central writes
the entry in the channel's own hash chain; tills receive it, and the member's new balance, at the next pull.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from central.base import (
    ENTRIES,
    MEMBERS,
    ORDERS,
    REQUESTS,
    STORES,
    TILLS,
    Conflict,
    Invalid,
    NotFound,
    Work,
    insert_on_conflict,
    now,
    sha256_hex,
)
from central.ledger import active_program, finish, member_id_by_number, survivor, write_entry
from central.tiers import member_tier
from loyalty.actions import period_start
from loyalty.audit import canonical_json
from loyalty.errors import LoyaltyError
from loyalty.ids import new_id
from loyalty.ledger import EntryKind, expiry_for
from loyalty.money import Money
from loyalty.program import Program
from loyalty.quote import Basket, BasketLine, quote
from sync.protocol import (
    ActionRequest,
    ActionResponse,
    OrderRequest,
    OrderResponse,
    PointsComponent,
    format_utc,
    parse_utc,
)

RESERVED_NAMES = frozenset({"till", "central"})
"""Channel names entries already use for tills and the central itself."""
MAX_AGE = timedelta(days=90)
"""How far back an order or action may be dated (promotions and caps follow its time)."""
CLOCK_SKEW = timedelta(minutes=5)


def create_channel(session: Session, store_code: str, name: str) -> tuple[str, str]:
    """A channel of the store: (its id, its token). Only the token's hash is kept."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}", name):
        raise Invalid(
            "a channel name is 1 to 64 letters, digits, '_', '.', ':' or '-' (it names its entries)"
        )
    if name in RESERVED_NAMES:
        raise Invalid(f"{name!r} is reserved: name the channel after what it is (web, app, call-centre)")
    store_id = session.execute(select(STORES.c.id).where(STORES.c.code == store_code)).scalar()
    if store_id is None:
        raise NotFound(f"no store {store_code!r}")
    token = secrets.token_urlsafe(32)
    channel_id = new_id()
    session.execute(
        insert(TILLS).values(
            id=channel_id,
            store_id=store_id,
            name=name,
            token_hash=sha256_hex(token),
            epoch=1,
            next_seq=1,
            enrolled_at=now(),
            kind="channel",
            ledger_seq=0,
            ledger_head="0" * 64,
        )
    )
    return channel_id, token


def _claim_key(session: Session, channel_id: str, key: str, request_hash: str) -> dict[str, Any] | None:
    """Claim the idempotency key; the stored answer when the key was used for this same request before."""
    claimed = session.execute(
        insert_on_conflict(session, REQUESTS)
        .values(channel_id=channel_id, key=key, request_hash=request_hash, response=None, created_at=now())
        .on_conflict_do_nothing()
        .returning(REQUESTS.c.key)
    ).first()
    if claimed is not None:
        return None
    stored = session.execute(
        select(REQUESTS.c.request_hash, REQUESTS.c.response).where(
            REQUESTS.c.channel_id == channel_id, REQUESTS.c.key == key
        )
    ).one()
    if stored.request_hash != request_hash or stored.response is None:
        raise Conflict(
            "this Idempotency-Key was used for a different request: send a new request under a new key "
            "(the same key answers only the same request again)"
        )
    answer: dict[str, Any] = stored.response
    return answer


def _keep_answer(session: Session, channel_id: str, key: str, answer: dict[str, Any]) -> None:
    session.execute(
        update(REQUESTS)
        .where(REQUESTS.c.channel_id == channel_id, REQUESTS.c.key == key)
        .values(response=answer)
    )


def _request_hash(path: str, body: Any) -> str:
    return sha256_hex(canonical_json({"path": path, "body": body.model_dump(mode="json")}))


def _program(session: Session) -> Program:
    program = active_program(session)
    if program is None:
        raise Conflict("the central has no program yet: install one with `python -m central program install`")
    return program


def _member(session: Session, store_id: str, number: str) -> Any:
    """The member (the survivor, for a merged number), locked: caps and balances are decided under it."""
    found = member_id_by_number(session, store_id, number)
    member_id = None if found is None else survivor(session, store_id, found)
    if member_id is None:
        raise NotFound(f"no member {number} in this store")
    row = session.execute(
        select(MEMBERS.c.id, MEMBERS.c.member_number, MEMBERS.c.status)
        .where(MEMBERS.c.id == member_id)
        .with_for_update(key_share=True)
    ).one()
    if row.status != "active":
        raise Conflict(f"member {number} is {row.status}: nothing can be recorded for them")
    return row


def _when(text: str | None, at: datetime) -> datetime:
    if text is None:
        return at
    when = parse_utc(text)
    if when > at + CLOCK_SKEW:
        raise Invalid("the time is in the future: send when it happened, in UTC")
    if when < at - MAX_AGE:
        raise Invalid(
            f"the time is more than {MAX_AGE.days} days ago: such a correction is a manager's adjustment"
        )
    return when


def record_order(
    session: Session, store_id: str, channel_id: str, channel: str, key: str, request: OrderRequest
) -> tuple[OrderResponse, bool]:
    """Record an online order (docstring above). Returns the answer and whether it is a replay."""
    request_hash = _request_hash("/v1/orders", request)
    stored = _claim_key(session, channel_id, key, request_hash)
    if stored is not None:
        return OrderResponse.model_validate(stored), True
    at = now()
    program = _program(session)
    if request.currency != program.currency:
        raise Invalid(f"the program counts in {program.currency}, not {request.currency}")
    member = _member(session, store_id, request.member_number)
    ordered_at = _when(request.ordered_at, at)
    entry_id = new_id()
    claimed = session.execute(
        insert_on_conflict(session, ORDERS)
        .values(
            channel_id=channel_id,
            order_ref=request.order_ref,
            store_id=store_id,
            member_id=member.id,
            entry_id=entry_id,
            request_hash=request_hash,
            created_at=at,
        )
        .on_conflict_do_nothing()
        .returning(ORDERS.c.entry_id)
    ).first()
    if claimed is None:
        raise Conflict(f"order {request.order_ref} was recorded before (under another Idempotency-Key)")
    if request.lines is not None:
        basket = Basket.of(
            BasketLine(Money(line.amount, request.currency), line.category, line.sku, line.quantity)
            for line in request.lines
        )
    else:
        assert request.total is not None
        basket = Basket.of_total(Money(request.total, request.currency))
    tier_code = member_tier(session, program, member.id, ordered_at)
    try:
        priced = quote(program, basket, at=ordered_at, tier_code=tier_code)
    except LoyaltyError as err:
        raise Invalid(err.message) from None
    work = Work(store_id=store_id, writer_id=channel_id, now=at)
    components = [PointsComponent(rule=c.rule, points=c.points, detail=c.detail) for c in priced.components]
    entry = write_entry(
        session,
        work,
        channel_id,
        member_id=member.id,
        kind=EntryKind.EARN,
        points=priced.points,
        channel=channel,
        program_version=program.version,
        at=ordered_at,
        amount_minor=basket.total.amount,
        currency=basket.total.currency,
        receipt_ref=request.order_ref,
        details={
            "components": [c.model_dump() for c in components],
            "lines": [
                {"amount": ln.amount.amount, "category": ln.category, "sku": ln.sku, "qty": ln.quantity}
                for ln in basket.lines
            ],
        },
        expires_at=expiry_for(program.expiry, ordered_at, program.zone) if priced.points > 0 else None,
        entry_id=entry_id,
    )
    finish(session, work)
    answer = OrderResponse(
        order_ref=request.order_ref,
        entry_id=entry.id,
        member_id=member.id,
        member_number=member.member_number,
        points=priced.points,
        program_version=program.version,
        components=components,
        balance=work.balances[member.id],
        created_at=entry.created_at,
    )
    _keep_answer(session, channel_id, key, answer.model_dump(mode="json"))
    return answer, False


def order(session: Session, store_id: str, channel_id: str, order_ref: str) -> dict[str, Any]:
    """An order this channel recorded: its entry as the central holds it."""
    row = session.execute(
        select(ORDERS.c.member_id, ORDERS.c.entry_id).where(
            ORDERS.c.channel_id == channel_id, ORDERS.c.order_ref == order_ref, ORDERS.c.store_id == store_id
        )
    ).first()
    if row is None:
        raise NotFound(f"no order {order_ref} of this channel")
    body: dict[str, Any] = session.execute(
        select(ENTRIES.c.body).where(ENTRIES.c.member_id == row.member_id, ENTRIES.c.id == row.entry_id)
    ).scalar_one()
    return body


def record_action(
    session: Session, store_id: str, channel_id: str, channel: str, key: str, request: ActionRequest
) -> tuple[ActionResponse, bool]:
    """Record a non-purchase action within its cap (docstring above)."""
    stored = _claim_key(session, channel_id, key, _request_hash("/v1/actions", request))
    if stored is not None:
        return ActionResponse.model_validate(stored), True
    at = now()
    program = _program(session)
    action = program.actions.get(request.action)
    if action is None:
        known = ", ".join(sorted(program.actions)) or "none"
        raise NotFound(f"no action {request.action!r} in program {program.version} (its actions: {known})")
    member = _member(session, store_id, request.member_number)
    done_at = _when(request.done_at, at)
    used = 0
    if action.cap is not None:
        query = select(func.count()).where(
            ENTRIES.c.member_id == member.id,
            ENTRIES.c.kind == EntryKind.ACTION.value,
            ENTRIES.c.body["action_code"].as_string() == request.action,
        )
        start = period_start(action.period, done_at, program.zone)
        if start is not None:
            query = query.where(ENTRIES.c.created_at >= format_utc(start))
        used = int(session.execute(query).scalar_one())
        if used >= action.cap:
            raise Conflict(
                f"{action.name}: member {member.member_number} has reached the cap of {action.cap} "
                f"per {action.period}"
            )
    work = Work(store_id=store_id, writer_id=channel_id, now=at)
    entry = write_entry(
        session,
        work,
        channel_id,
        member_id=member.id,
        kind=EntryKind.ACTION,
        points=action.points,
        channel=channel,
        program_version=program.version,
        at=done_at,
        action_code=request.action,
        reason=request.reference,
        expires_at=expiry_for(program.expiry, done_at, program.zone),
    )
    finish(session, work)
    answer = ActionResponse(
        entry_id=entry.id,
        member_id=member.id,
        member_number=member.member_number,
        action=request.action,
        points=action.points,
        balance=work.balances[member.id],
        used=used + 1,
        cap=action.cap,
        period=action.period,
        program_version=program.version,
        created_at=entry.created_at,
    )
    _keep_answer(session, channel_id, key, answer.model_dump(mode="json"))
    return answer, False
