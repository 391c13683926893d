"""The till's HTTP client for the central service: one method per endpoint, typed by ``sync.protocol``.

Errors come in two kinds, because the sync engine treats them differently:

- ``Refused`` — the central answered 4xx: the request itself is wrong (revoked till, stale epoch, invalid
  body). Sending it again will not help; the engine reports it and stops until someone acts.
- ``Unavailable`` — no answer (connection refused, timeout, TLS failure), a 5xx, or an answer that is not
  the protocol: try again later, with backoff. A push is safe to send again whatever happened to the first
  one, since the central answers a replay with ``duplicate``.

TLS certificates are verified by default; ``verify=False`` exists for a local demo only.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from sync.protocol import (
    DEFAULT_PAGE,
    EnrollRequest,
    EnrollResponse,
    EpochResponse,
    InboxResolveRequest,
    InboxResolveResponse,
    InboxResponse,
    MemberResponse,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)

M = TypeVar("M", bound=BaseModel)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class CentralError(Exception):
    """Anything that kept a request from its answer."""


class Refused(CentralError):
    """The central refused the request (4xx): sending it again unchanged will not help."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class Unavailable(CentralError):
    """No usable answer (network, timeout, 5xx, not the protocol): try again later."""


class CentralClient:
    """Calls the central's API over an ``httpx.Client`` (whose ``base_url`` is the central's address)."""

    def __init__(self, http: httpx.Client, token: str | None = None) -> None:
        self.http = http
        self.token = token

    @classmethod
    def connect(
        cls,
        base_url: str,
        token: str | None = None,
        *,
        verify: bool = True,
        timeout: httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> CentralClient:
        """``transport`` replaces the network (None: HTTP over TCP): a test puts a simulated one there."""
        http = httpx.Client(
            base_url=base_url, verify=verify, timeout=timeout or DEFAULT_TIMEOUT, transport=transport
        )
        return cls(http, token)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> CentralClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- the endpoints -----------------------------------------------------------------------------------------
    def enroll(self, code: str, till_name: str, previous_till_id: str | None = None) -> EnrollResponse:
        """Spend a one-time code; the client keeps the new token for the calls that follow."""
        request = EnrollRequest(code=code, till_name=till_name, previous_till_id=previous_till_id)
        enrolled = self._call(
            "POST", "/v1/enroll", EnrollResponse, json=request.model_dump(mode="json"), auth=False
        )
        self.token = enrolled.token
        return enrolled

    def new_epoch(self) -> EpochResponse:
        return self._call("POST", "/v1/epoch", EpochResponse)

    def push(self, request: PushRequest) -> PushResponse:
        # Serialised by pydantic itself: a batch is hundreds of items, and the generic route through
        # ``json.dumps`` of a dumped dict costs twice as much.
        return self._call(
            "POST",
            "/v1/push",
            PushResponse,
            content=request.model_dump_json(),
            headers={"Content-Type": "application/json"},
        )

    def pull(self, cursor: str = "", limit: int = DEFAULT_PAGE) -> PullResponse:
        request = PullRequest(cursor=cursor, limit=limit)
        return self._call("POST", "/v1/pull", PullResponse, json=request.model_dump(mode="json"))

    def member(self, number: str) -> MemberResponse:
        return self._call("GET", f"/v1/members/{quote(number, safe='')}", MemberResponse)

    def inbox(self, after: int = 0, limit: int = DEFAULT_PAGE, status: str = "open") -> InboxResponse:
        """The store's inbox items after ``after``: ``status`` open (default), resolved or all."""
        params: dict[str, str | int] = {"after": after, "limit": limit, "status": status}
        return self._call("GET", "/v1/inbox", InboxResponse, params=params)

    def resolve_inbox(self, item_id: int, request: InboxResolveRequest) -> InboxResolveResponse:
        """A manager's decision on an inbox item (the till checked the manager's permission first)."""
        return self._call(
            "POST", f"/v1/inbox/{item_id}/resolve", InboxResolveResponse, json=request.model_dump(mode="json")
        )

    # -- plumbing ----------------------------------------------------------------------------------------------
    def _call(self, method: str, path: str, model: type[M], *, auth: bool = True, **kwargs: Any) -> M:
        headers: dict[str, str] = dict(kwargs.pop("headers", None) or {})
        if auth:
            if self.token is None:
                raise Refused(401, "this till is not enrolled: no token")
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as err:
            raise Unavailable(f"no answer from the central: {err}") from err
        if response.status_code >= 500:
            raise Unavailable(f"the central failed ({response.status_code})")
        if response.status_code >= 400:
            raise Refused(response.status_code, _detail(response))
        try:
            return model.model_validate_json(response.content)
        except ValidationError as err:
            raise Unavailable(
                f"the central's answer is not the protocol: {err.error_count()} problem(s)"
            ) from err


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or response.reason_phrase
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):  # a validation error: where and why, one per problem
        parts = []
        for problem in detail[:10]:
            if isinstance(problem, dict):
                where = ".".join(str(p) for p in problem.get("loc", []))
                parts.append(f"{where}: {problem.get('msg', '')}")
        return "; ".join(parts) or response.text[:500]
    return response.text[:500]
