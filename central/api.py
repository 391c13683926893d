"""The HTTP API of the central service (FastAPI): ``create_app(engine)``.

Every request body and parameter is validated by the strict models of ``sync.protocol`` (422 with where and
why); bodies larger than ``MAX_BODY`` or without a length are refused before they are read (413, 411); a till
or a channel authenticates with its bearer token (401), a revoked one is refused (403), a till's token opens
only the tills' endpoints and a channel's only the channels' (403), and everything either reads or writes is
scoped to its own store.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from central import channels, inbox, service
from central.base import now, sha256_hex
from central.db import reading
from central.push_groups import PushGroups, group_items_from
from central.service import ServiceError, TillIdentity
from sync.protocol import (
    CURSOR_PATTERN,
    DEFAULT_PAGE,
    IDEMPOTENCY_KEY_PATTERN,
    MAX_PAGE,
    ActionRequest,
    ActionResponse,
    EnrollRequest,
    EnrollResponse,
    EntryPayload,
    EpochResponse,
    ErrorBody,
    InboxKind,
    InboxResolveRequest,
    InboxResolveResponse,
    InboxResponse,
    ItemKind,
    MemberResponse,
    OrderRequest,
    OrderResponse,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    parse_payload,
)

MAX_BODY = 12 * 1024 * 1024
"""A full batch (500 items of at most 16 KiB of payload) with its envelope fits; anything larger is refused."""

API_VERSION = "1.0.0"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """Refuse a request body over ``limit`` bytes, or one whose length is not declared, before reading it."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in {"POST", "PUT", "PATCH"}:
            headers = dict(scope["headers"])
            length = headers.get(b"content-length")
            problem: tuple[int, str] | None = None
            if length is None:
                problem = (411, "send the body with a Content-Length")
            elif not length.isdigit() or int(length) > self.limit:
                problem = (413, f"the body is larger than {self.limit} bytes: send smaller batches")
            if problem is not None:
                response = JSONResponse({"detail": problem[1]}, status_code=problem[0])
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _retryable(err: BaseException) -> bool:
    """A PostgreSQL deadlock or serialization failure: the transaction is rolled back and may run again."""
    code = getattr(getattr(err, "orig", None), "sqlstate", None)
    return isinstance(err, OperationalError) and code in {"40P01", "40001"}


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no or unknown till token"},
    403: {"model": ErrorBody, "description": "the till is revoked, or the token is a channel's"},
}
_CHANNEL_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no or unknown channel token"},
    403: {"model": ErrorBody, "description": "the channel is revoked, or the token is a till's"},
    404: {"model": ErrorBody, "description": "no such member (or action) in the channel's store"},
    409: {
        "model": ErrorBody,
        "description": "the key was used for another request, the order was recorded before, a cap is reached",
    },
}
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"


_bearer = HTTPBearer(auto_error=False)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _read_transaction(engine: Annotated[Engine, Depends(_engine)]) -> Iterator[Session]:
    with Session(reading(engine)) as session, session.begin():
        yield session


def _identity(engine: Engine, credentials: HTTPAuthorizationCredentials | None, who: str) -> TillIdentity:
    if credentials is None or len(credentials.credentials) > 256:
        raise service.Unauthorized(f"send the {who}'s token as 'Authorization: Bearer <token>'")
    with Session(reading(engine)) as session, session.begin():
        return service.authenticate(session, credentials.credentials)


class KnownTills:
    """The tokens of tills that pushed, by SHA-256: a push does not look its token up again.

    A look-up was a fifth of the central's time when fifty tills pushed at once (a read transaction of its
    own per request). What it finds never changes — which till and store a token belongs to — and what does
    change is checked by the push itself, under the till's row lock: a revoked till is refused there, and so
    is a token replaced when the till was enrolled again (``service._lock_till``). Every other request looks
    its token up. At most ``size`` tokens are kept; the oldest goes first."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._known: OrderedDict[str, TillIdentity] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str) -> TillIdentity | None:
        with self._lock:
            return self._known.get(digest)

    def add(self, identity: TillIdentity) -> None:
        with self._lock:
            self._known[identity.token_hash] = identity
            while len(self._known) > self._size:
                self._known.popitem(last=False)


def _pushing_till(
    request: Request,
    engine: Annotated[Engine, Depends(_engine)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TillIdentity:
    known: KnownTills = request.app.state.known_tills
    if credentials is not None and len(credentials.credentials) <= 256:
        found = known.get(sha256_hex(credentials.credentials))
        if found is not None:
            return found
    identity = _till(engine, credentials)
    known.add(identity)
    return identity


def _till(
    engine: Annotated[Engine, Depends(_engine)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TillIdentity:
    identity = _identity(engine, credentials, "till")
    if identity.kind != "till":
        raise service.Forbidden("this token belongs to a sales channel: this endpoint is for tills")
    return identity


def _channel(
    engine: Annotated[Engine, Depends(_engine)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TillIdentity:
    identity = _identity(engine, credentials, "channel")
    if identity.kind != "channel":
        raise service.Forbidden(
            "this token belongs to a till: orders and actions are recorded with a channel's token "
            "(python -m central channel create)"
        )
    return identity


def _write(engine: Engine, work: Callable[[Session], Any]) -> Any:
    """Run ``work`` in one transaction, again (fresh) after a deadlock or serialization failure."""
    for attempt in Retrying(
        retry=retry_if_exception(_retryable),
        stop=stop_after_attempt(4),
        wait=wait_random_exponential(multiplier=0.05, max=1),
        reraise=True,
    ):
        with attempt, Session(engine) as session, session.begin():
            return work(session)
    raise AssertionError("unreachable")  # pragma: no cover


def _json(model: BaseModel) -> Response:
    """A large answer (500 push results, 1,000 pulled changes) serialised by pydantic itself: the framework's
    generic path through ``json.dumps`` took a tenth of a push's time. The model is declared on the route
    (``response_model``), so the OpenAPI document is unchanged."""
    return Response(content=model.model_dump_json(), media_type="application/json")


Till = Annotated[TillIdentity, Depends(_till)]
PushingTill = Annotated[TillIdentity, Depends(_pushing_till)]
Channel = Annotated[TillIdentity, Depends(_channel)]
IdempotencyKey = Annotated[
    str, Header(alias="Idempotency-Key", min_length=1, max_length=128, pattern=IDEMPOTENCY_KEY_PATTERN)
]
Tx = Annotated[Session, Depends(_read_transaction)]
Db = Annotated[Engine, Depends(_engine)]


REQUEST_THREADS = 200
"""Threads for requests at once (the framework's default is 40). A push waiting for its store's group holds a
thread and no connection, so fifty tills of a store coming back together all reach the group queue instead of
some first waiting for a thread (measured: no change to the fleet's p99 either way, docs/sync.md)."""


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
    yield


def create_app(
    engine: Engine, clock: Callable[[], datetime] = now, push_group_items: int | None = None
) -> FastAPI:
    """The API over ``engine``. ``clock`` is the central's notion of now for enrollments and pushes (a test
    drives a simulated till fleet by a clock of its own). ``push_group_items``: the most items in a group of
    pushes (``central.push_groups``; 0: no grouping; default: ``CENTRAL_PUSH_GROUP_ITEMS`` or 2,000)."""
    app = FastAPI(
        lifespan=_lifespan,
        title="Loyalty Till central service",
        version=API_VERSION,
        description="Enrollment, push and pull for the tills; orders and actions of other channels; the "
        "managers' reconciliation inbox (docs/sync.md).",
    )
    app.state.engine = engine
    app.state.known_tills = KnownTills()
    # Pushes of a store that wait for its turn are applied together (group commit).
    groups = PushGroups(
        lambda jobs: _write(app.state.engine, lambda session: service.push_together(session, jobs)),
        group_items_from(os.environ) if push_group_items is None else push_group_items,
    )

    @app.exception_handler(ServiceError)
    async def _refused(_request: Request, err: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
        return JSONResponse({"detail": err.detail}, status_code=err.status, headers=headers)

    @app.post(
        "/v1/enroll",
        responses={403: {"model": ErrorBody, "description": "unknown, expired or used code"}},
    )
    def enroll(request: EnrollRequest, engine: Db) -> EnrollResponse:
        """Spend a one-time enrollment code: a till id, its token, the store's card key and an epoch."""
        result: EnrollResponse = _write(engine, lambda session: service.enroll(session, request, clock()))
        return result

    @app.post("/v1/epoch", responses=_ERRORS)
    def epoch(identity: Till, engine: Db) -> EpochResponse:
        """Start a new epoch (a till restored from a backup): its push sequence starts again at 1."""
        result: EpochResponse = _write(engine, lambda session: service.new_epoch(session, identity))
        return result

    @app.post(
        "/v1/push",
        response_model=PushResponse,
        responses={**_ERRORS, 409: {"model": ErrorBody, "description": "not the till's current epoch"}},
    )
    def push(request: PushRequest, identity: PushingTill) -> Response:
        """Apply a batch of the till's outbox; one result per item."""
        return _json(groups.push(service.prepare(identity, request, clock())))

    @app.get("/v1/pull", response_model=PullResponse, responses=_ERRORS)
    def pull_get(
        identity: Till,
        tx: Tx,
        cursor: Annotated[str, Query(max_length=64, pattern=CURSOR_PATTERN)] = "",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    ) -> Response:
        """The store's changes after ``cursor`` (empty: from the start)."""
        return _json(service.pull(tx, identity, PullRequest(cursor=cursor, limit=limit)))

    @app.post("/v1/pull", response_model=PullResponse, responses=_ERRORS)
    def pull_post(request: PullRequest, identity: Till, tx: Tx) -> Response:
        """The same as ``GET /v1/pull``, with the request as a JSON body."""
        return _json(service.pull(tx, identity, request))

    @app.get("/v1/members/{number}", responses={**_ERRORS, 404: {"model": ErrorBody}})
    def member(
        number: Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")],
        identity: Till,
        tx: Tx,
    ) -> MemberResponse:
        """A member of the till's store by number: balance, tier, entry count."""
        return service.member(tx, identity.store_id, number)

    @app.get("/v1/inbox", responses=_ERRORS)
    def inbox_list(
        identity: Till,
        tx: Tx,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
        status: Annotated[inbox.InboxStatus, Query()] = "open",
        kind: Annotated[InboxKind | None, Query()] = None,
        member_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
    ) -> InboxResponse:
        """The store's reconciliation inbox (conflicts, rejections, overdrafts) after an inbox id, oldest first:
        open items by default, ``status=resolved`` or ``all`` for the resolved ones too."""
        return inbox.inbox(tx, identity.store_id, after, limit, status=status, kind=kind, member_id=member_id)

    @app.post(
        "/v1/inbox/{item_id}/resolve",
        responses={
            **_ERRORS,
            404: {"model": ErrorBody, "description": "no such item in the till's store"},
            409: {
                "model": ErrorBody,
                "description": "resolved already otherwise, or nothing left to write off",
            },
        },
    )
    def inbox_resolve(
        item_id: Annotated[int, Path(ge=1, le=2**62)],
        request: InboxResolveRequest,
        identity: Till,
        engine: Db,
    ) -> InboxResolveResponse:
        """A manager's decision on an inbox item, forwarded by a till of the store with the manager's staff id:
        ``recover`` or ``write_off`` an overdraft (a write-off needs a reason and is audited), ``dismiss`` a
        conflict or rejection (with a reason)."""
        result: InboxResolveResponse = _write(
            engine,
            lambda session: inbox.resolve(session, identity.store_id, identity.till_id, item_id, request),
        )
        return result

    @app.post("/v1/orders", responses=_CHANNEL_ERRORS)
    def order(
        request: OrderRequest, key: IdempotencyKey, identity: Channel, engine: Db, response: Response
    ) -> OrderResponse:
        """Record an online order of a member: points by the same rules as a till sale of the same basket.
        The same ``Idempotency-Key`` with the same body answers the first answer again."""
        answer, replayed = _write(
            engine,
            lambda session: channels.record_order(
                session, identity.store_id, identity.till_id, identity.name, key, request
            ),
        )
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        result: OrderResponse = answer
        return result

    @app.get("/v1/orders/{order_ref}", responses=_CHANNEL_ERRORS)
    def order_entry(
        order_ref: Annotated[str, Path(min_length=1, max_length=64, pattern=CODE_PATTERN)],
        identity: Channel,
        tx: Tx,
    ) -> EntryPayload:
        """The ledger entry an order of this channel made."""
        entry = parse_payload(
            ItemKind.LEDGER_ENTRY, channels.order(tx, identity.store_id, identity.till_id, order_ref)
        )
        assert isinstance(entry, EntryPayload)
        return entry

    @app.post("/v1/actions", responses=_CHANNEL_ERRORS)
    def action(
        request: ActionRequest, key: IdempotencyKey, identity: Channel, engine: Db, response: Response
    ) -> ActionResponse:
        """Record a non-purchase action (review, referral, survey ...) within the program's cap for its period.
        The same ``Idempotency-Key`` with the same body answers the first answer again."""
        answer, replayed = _write(
            engine,
            lambda session: channels.record_action(
                session, identity.store_id, identity.till_id, identity.name, key, request
            ),
        )
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        result: ActionResponse = answer
        return result

    @app.get("/v1/health")
    def health() -> dict[str, str]:
        """Ready to serve (used to wait for a starting process)."""
        return {"status": "ok"}

    app.add_middleware(BodyLimit)
    return app
