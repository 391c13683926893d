"""The HTTP API of the central service (FastAPI): ``create_app(engine)``.

Every request body and parameter is validated by the strict models of ``sync.protocol`` (422 with where and
why); bodies larger than ``MAX_BODY`` or without a length are refused before they are read (413, 411); a till
authenticates with its bearer token (401), a revoked till is refused (403), and everything a till reads or
writes is scoped to its own store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from central import service
from central.db import reading
from central.service import ServiceError, TillIdentity
from sync.protocol import (
    CURSOR_PATTERN,
    DEFAULT_PAGE,
    MAX_PAGE,
    EnrollRequest,
    EnrollResponse,
    EpochResponse,
    ErrorBody,
    InboxResponse,
    MemberResponse,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
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
    403: {"model": ErrorBody, "description": "the till is revoked"},
}


_bearer = HTTPBearer(auto_error=False)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _read_transaction(engine: Annotated[Engine, Depends(_engine)]) -> Iterator[Session]:
    with Session(reading(engine)) as session, session.begin():
        yield session


def _till(
    engine: Annotated[Engine, Depends(_engine)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TillIdentity:
    if credentials is None or len(credentials.credentials) > 256:
        raise service.Unauthorized("send the till's token as 'Authorization: Bearer <token>'")
    with Session(reading(engine)) as session, session.begin():
        return service.authenticate(session, credentials.credentials)


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


Till = Annotated[TillIdentity, Depends(_till)]
Tx = Annotated[Session, Depends(_read_transaction)]
Db = Annotated[Engine, Depends(_engine)]


def create_app(engine: Engine) -> FastAPI:
    app = FastAPI(
        title="Loyalty Till central service",
        version=API_VERSION,
        description="Enrollment, push and pull for the tills (docs/sync.md).",
    )
    app.state.engine = engine

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
        result: EnrollResponse = _write(engine, lambda session: service.enroll(session, request))
        return result

    @app.post("/v1/epoch", responses=_ERRORS)
    def epoch(identity: Till, engine: Db) -> EpochResponse:
        """Start a new epoch (a till restored from a backup): its push sequence starts again at 1."""
        result: EpochResponse = _write(engine, lambda session: service.new_epoch(session, identity))
        return result

    @app.post(
        "/v1/push",
        responses={**_ERRORS, 409: {"model": ErrorBody, "description": "not the till's current epoch"}},
    )
    def push(request: PushRequest, identity: Till, engine: Db) -> PushResponse:
        """Apply a batch of the till's outbox; one result per item."""
        result: PushResponse = _write(engine, lambda session: service.push(session, identity, request))
        return result

    @app.get("/v1/pull", responses=_ERRORS)
    def pull_get(
        identity: Till,
        tx: Tx,
        cursor: Annotated[str, Query(max_length=64, pattern=CURSOR_PATTERN)] = "",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    ) -> PullResponse:
        """The store's changes after ``cursor`` (empty: from the start)."""
        return service.pull(tx, identity, PullRequest(cursor=cursor, limit=limit))

    @app.post("/v1/pull", responses=_ERRORS)
    def pull_post(request: PullRequest, identity: Till, tx: Tx) -> PullResponse:
        """The same as ``GET /v1/pull``, with the request as a JSON body."""
        return service.pull(tx, identity, request)

    @app.get("/v1/members/{number}", responses={**_ERRORS, 404: {"model": ErrorBody}})
    def member(
        number: Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")],
        identity: Till,
        tx: Tx,
    ) -> MemberResponse:
        """A member of the till's store by number: balance, tier, entry count."""
        return service.member(tx, identity.store_id, number)

    @app.get("/v1/inbox", responses=_ERRORS)
    def inbox(
        identity: Till,
        tx: Tx,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    ) -> InboxResponse:
        """The store's open reconciliation inbox (conflicting and rejected items), after an inbox id."""
        return service.inbox(tx, identity.store_id, after, limit)

    @app.get("/v1/health")
    def health() -> dict[str, str]:
        """Ready to serve (used to wait for a starting process)."""
        return {"status": "ok"}

    app.add_middleware(BodyLimit)
    return app
