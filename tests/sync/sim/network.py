"""The simulated network between the tills and the central: an ``httpx`` transport per till, faults drawn from
the simulation's one seeded ``random.Random``.

HTTP carries a reply on the connection of its request, and the till's client waits for that reply with one
request in flight. So the faults that reach a till are:

- a request **dropped** (the central never sees it; the till times out);
- a request **delayed**: the till times out, and the request reaches the central later — after newer
  requests of the same till and of others (**reordered**), possibly after the till started a new epoch;
- a request **duplicated**: the central gets it now and once more later (a retransmission);
- a reply **lost** after the central committed (the till times out and sends the batch again);
- a reply **late**: it arrives after the till gave up (lost to the till, the clock moved on) or before (only
  the clock moved on);
- the till **offline** for a while (connection refused), and the till **killed** with a request on the wire,
  before or after the central handled it.

A duplicated reply is not a fault here: HTTP gives the client the first answer on a connection and nothing
else, so the second copy cannot reach the till's code.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .clock import SimClock
from .trace import Trace

Central = Callable[[httpx.Request], httpx.Response]
"""Hands a request to the central and returns its reply (the central's side of the wire)."""


class TillCrashed(BaseException):
    """The till's process died while a request was on the wire. A ``BaseException``: nothing in the till's
    code may catch it, just as nothing runs in a killed process."""

    def __init__(self, till: str) -> None:
        super().__init__(f"{till} killed mid-request")
        self.till = till


@dataclass(frozen=True, slots=True)
class Faults:
    """How often each fault happens, per request or reply (the quiet phase sets them all to zero)."""

    drop_request: float = 0.07
    delay_request: float = 0.07
    duplicate_request: float = 0.07
    lose_reply: float = 0.08
    late_reply: float = 0.05
    crash: float = 0.03
    latency_ms: tuple[int, int] = (2, 300)
    timeout_ms: int = 5_000
    delay_ms: tuple[int, int] = (100, 60_000)


QUIET = Faults(0, 0, 0, 0, 0, 0)


@dataclass(order=True)
class Held:
    """A request still on the wire: it reaches the central at ``due`` (ms since the epoch), whoever waits."""

    due: int
    no: int
    till: str = field(compare=False)
    request: httpx.Request = field(compare=False)
    what: str = field(compare=False)


def describe(request: httpx.Request) -> str:
    """A request in a few words, without anything random (tokens, the change log's id)."""
    path = request.url.path
    try:
        body: Any = json.loads(request.content) if request.content else {}
    except ValueError:
        body = {}
    if path == "/v1/push" and isinstance(body, dict):
        seqs = [item.get("seq") for item in body.get("items", [])]
        span = f"{seqs[0]}..{seqs[-1]}" if seqs else "-"
        return f"push e{body.get('epoch')} seq {span}"
    if path == "/v1/pull" and isinstance(body, dict):
        cursor = str(body.get("cursor", ""))
        return f"pull after {cursor.partition('.')[2] or 0} limit {body.get('limit')}"
    return f"{request.method} {path}"


def copy(request: httpx.Request) -> httpx.Request:
    """The same request as new bytes on the wire (the original's stream belongs to the till's client)."""
    return httpx.Request(request.method, request.url, headers=request.headers, content=request.content)


class Network:
    def __init__(
        self, rng: random.Random, clock: SimClock, central: Central, trace: Trace, faults: Faults
    ) -> None:
        self.rng = rng
        self.clock = clock
        self.central = central
        self.trace = trace
        self.faults = faults
        self.held: list[Held] = []
        self.offline_until: dict[str, int] = {}
        self._numbers = 0

    def link(self, till: str) -> Link:
        """The transport of one till's client."""
        return Link(self, till)

    # -- the weather -------------------------------------------------------------------------------------------
    def quiet(self) -> None:
        """The network heals: no more faults, every till back online, what is on the wire arrives."""
        self.faults = QUIET
        self.offline_until.clear()
        self.trace.add("network heals")
        self.flush()

    def go_offline(self, till: str, ms: int) -> None:
        self.offline_until[till] = self.clock.unix_ms() + ms
        self.trace.add(f"{till} offline for {ms} ms")

    def offline(self, till: str) -> bool:
        return self.offline_until.get(till, 0) > self.clock.unix_ms()

    # -- delivery ----------------------------------------------------------------------------------------------
    def deliver_due(self) -> None:
        """Requests whose time has come reach the central, in the order of their arrival times."""
        now = self.clock.unix_ms()
        self.held.sort()
        while self.held and self.held[0].due <= now:
            self._late(self.held.pop(0))

    def flush(self) -> None:
        self.held.sort()
        while self.held:
            self._late(self.held.pop(0))

    def _late(self, held: Held) -> None:
        reply = self.central(held.request)
        self.trace.add(f"late #{held.no} {held.till} {held.what} reaches the central -> {reply.status_code}")

    def _hold(self, till: str, request: httpx.Request, what: str, due_in: int) -> int:
        self._numbers += 1
        self.held.append(Held(self.clock.unix_ms() + due_in, self._numbers, till, copy(request), what))
        return self._numbers

    def _chance(self, p: float) -> bool:
        # A draw even when p is 0: the quiet phase consumes the generator as the noisy one does.
        return self.rng.random() < p

    def send(self, till: str, request: httpx.Request) -> httpx.Response:
        f = self.faults
        self.clock.advance(self.rng.randint(*f.latency_ms))
        self.deliver_due()
        what = describe(request)
        if self.offline(till):
            self.trace.add(f"{till} {what}: offline")
            raise httpx.ConnectError("the network is unreachable (simulated)", request=request)
        if self._chance(f.crash / 2):
            self.trace.add(f"{till} {what}: killed before sending")
            raise TillCrashed(till)
        if self._chance(f.drop_request):
            self.trace.add(f"{till} {what}: request dropped")
            return self._timeout(request)
        if self._chance(f.delay_request):
            no = self._hold(till, request, what, self.rng.randint(*f.delay_ms))
            self.trace.add(f"{till} {what}: request delayed as #{no}")
            return self._timeout(request)
        if self._chance(f.duplicate_request):
            no = self._hold(till, request, what, self.rng.randint(0, f.delay_ms[1]))
            self.trace.add(f"{till} {what}: request duplicated as #{no}")
        reply = self.central(copy(request))
        self.trace.add(f"{till} {what} -> {reply.status_code} {summary(reply)}")
        if self._chance(f.crash / 2):
            self.trace.add(f"{till} killed before the reply arrived")
            raise TillCrashed(till)
        if self._chance(f.lose_reply):
            self.trace.add(f"{till} {what}: reply lost")
            return self._timeout(request)
        if self._chance(f.late_reply):
            late = self.rng.randint(1, 2 * f.timeout_ms)
            if late >= f.timeout_ms:
                self.trace.add(f"{till} {what}: reply {late} ms late, after the timeout")
                return self._timeout(request)
            self.clock.advance(late)
            self.trace.add(f"{till} {what}: reply {late} ms late")
        self.clock.advance(self.rng.randint(*f.latency_ms))
        return httpx.Response(
            reply.status_code, headers=reply.headers, content=reply.content, request=request
        )

    def _timeout(self, request: httpx.Request) -> httpx.Response:
        self.clock.advance(self.faults.timeout_ms or 1)
        raise httpx.ReadTimeout("no reply in time (simulated)", request=request)


def summary(reply: httpx.Response) -> str:
    """A reply in a few words: per item status of a push, the size of a pulled page, the detail of a refusal."""
    try:
        body: Any = reply.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    if "results" in body:
        marks = " ".join(f"{r.get('seq')}:{str(r.get('status'))[:3]}" for r in body["results"])
        return f"[{marks}] next {body.get('next_seq')}"
    if "changes" in body:
        kinds = ",".join(str(c.get("kind"))[:3] for c in body["changes"])
        return f"{len(body['changes'])} changes ({kinds}) more={body.get('more')} resync={body.get('resync')}"
    if "detail" in body:
        return str(body["detail"])[:120]
    return ""


class Link(httpx.BaseTransport):
    """One till's end of the network."""

    def __init__(self, network: Network, till: str) -> None:
        self.network = network
        self.till = till

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self.network.send(self.till, request)
