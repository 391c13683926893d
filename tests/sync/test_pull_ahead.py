"""The engine asks for the next page of a pull while the till takes the current one in (the central reads and
sends it meanwhile), but the cursor still moves only with a page applied: a page asked for ahead of a page the
till stopped in is dropped, and the till asks for it again in its next exchange.

The central here is an ``httpx.MockTransport`` serving a fixed log: what is tested is the order of asking and
applying, which the real central cannot be made to show without timing. Events, not sleeps, say who waits."""

from __future__ import annotations

import json
import threading
from datetime import datetime

import httpx
import pytest

from sync.client import CentralClient, Unavailable
from sync.engine import SyncEngine
from sync.port import Applied, Credentials, PushBatch, Settled
from sync.protocol import PullResponse, PushResponse

WAIT_S = 30.0
"""Only a broken engine waits this long: every wait below is released by the other side's event."""

PAGES = {
    "": ("0a1b2c3d4e5f6a7b.2", True),
    "0a1b2c3d4e5f6a7b.2": ("0a1b2c3d4e5f6a7b.4", True),
    "0a1b2c3d4e5f6a7b.4": ("0a1b2c3d4e5f6a7b.6", False),
}


class Central:
    """Serves the pages of ``PAGES`` (two balance changes each) and says when each was asked for."""

    def __init__(self, failing: str | None = None) -> None:
        self.failing = failing
        self.asked: list[str] = []
        self.asked_event = {cursor: threading.Event() for cursor in PAGES}

    def handle(self, request: httpx.Request) -> httpx.Response:
        cursor = json.loads(request.content)["cursor"]
        self.asked.append(cursor)
        if cursor == self.failing:
            self.asked_event[cursor].set()
            return httpx.Response(503, json={"detail": "the central is restarting"})
        next_cursor, more = PAGES[cursor]
        last = int(next_cursor.split(".")[1])
        body = {
            "changes": [
                {"no": no, "kind": "balance", "body": {"member_id": "m", "balance": no, "entry_count": no}}
                for no in (last - 1, last)
            ],
            "next_cursor": next_cursor,
            "more": more,
            "resync": False,
            "head": 6,
        }
        self.asked_event[cursor].set()
        return httpx.Response(200, json=body)


class Port:
    """A till that records the pages it applies; ``stop_at`` makes it stop in the page that ends there."""

    def __init__(self, central: Central, stop_at: str | None = None, wait_for_ahead: bool = True) -> None:
        self.central, self.stop_at, self.wait_for_ahead = central, stop_at, wait_for_ahead
        self.stored_cursor = ""
        self.applied: list[str] = []
        self.asked_before_applied: list[bool] = []
        self.failures: list[str] = []

    def credentials(self) -> Credentials | None:
        return Credentials("http://central.test", "till-1", "token", 1)

    def cursor(self) -> str:
        return self.stored_cursor

    def apply(self, page: PullResponse) -> Applied:
        if page.more:
            ahead = self.central.asked_event[page.next_cursor]
            if self.wait_for_ahead:
                ahead.wait(WAIT_S)
            self.asked_before_applied.append(ahead.is_set())
        if page.next_cursor == self.stop_at:
            return Applied(changes=1, stopped="a change of a kind this till does not know")
        self.applied.append(page.next_cursor)
        self.stored_cursor = page.next_cursor
        return Applied(changes=len(page.changes), written=len(page.changes))

    def batch(self, limit: int) -> PushBatch | None:
        return None

    def settle(self, batch: PushBatch, response: PushResponse) -> Settled:  # pragma: no cover - no push here
        raise AssertionError("nothing is pushed")

    def start_epoch(self, epoch: int, next_seq: int) -> None:  # pragma: no cover - no push here
        raise AssertionError("nothing is pushed")

    def waiting(self) -> int:
        return 0

    def record_success(self, at: datetime) -> None:
        pass

    def record_failure(self, at: datetime, phase: str, reason: str) -> None:
        self.failures.append(reason)

    def last_success(self) -> datetime | None:
        return None


def _engine(central: Central, port: Port, *, pull_ahead: bool = True) -> SyncEngine:
    def connect(credentials: Credentials) -> CentralClient:
        return CentralClient.connect(
            credentials.central_url, credentials.token, transport=httpx.MockTransport(central.handle)
        )

    return SyncEngine(port, connect=connect, pull_ahead=pull_ahead)


def test_the_next_page_is_asked_for_while_a_page_is_applied() -> None:
    central = Central()
    port = Port(central)
    report = _engine(central, port).sync_once(push=False)
    assert port.asked_before_applied == [True, True]  # the apply waited for the request it overlaps
    assert central.asked == ["", "0a1b2c3d4e5f6a7b.2", "0a1b2c3d4e5f6a7b.4"]  # each page once, in order
    assert (
        port.applied == ["0a1b2c3d4e5f6a7b.2", "0a1b2c3d4e5f6a7b.4", "0a1b2c3d4e5f6a7b.6"]
        and port.stored_cursor == "0a1b2c3d4e5f6a7b.6"
    )
    assert report.pulled == 6 and report.stopped is None


def test_a_page_asked_ahead_of_a_stop_is_dropped_and_asked_again() -> None:
    central = Central()
    port = Port(central, stop_at="0a1b2c3d4e5f6a7b.4")
    report = _engine(central, port).sync_once(push=False)
    assert report.stopped == "a change of a kind this till does not know"
    assert central.asked == [
        "",
        "0a1b2c3d4e5f6a7b.2",
        "0a1b2c3d4e5f6a7b.4",
    ]  # 0a1b2c3d4e5f6a7b.4's page came ahead of the stop...
    assert (
        port.applied == ["0a1b2c3d4e5f6a7b.2"] and port.stored_cursor == "0a1b2c3d4e5f6a7b.2"
    )  # ...and was not taken in
    port.stop_at = None
    _engine(central, port).sync_once(push=False)
    assert central.asked[3:] == [
        "0a1b2c3d4e5f6a7b.2",
        "0a1b2c3d4e5f6a7b.4",
    ]  # the next exchange asks from the stored cursor
    assert port.applied == ["0a1b2c3d4e5f6a7b.2", "0a1b2c3d4e5f6a7b.4", "0a1b2c3d4e5f6a7b.6"]


def test_without_pulling_ahead_a_page_is_asked_for_after_the_one_before_is_in() -> None:
    central = Central()
    port = Port(central, wait_for_ahead=False)
    _engine(central, port, pull_ahead=False).sync_once(push=False)
    assert port.asked_before_applied == [False, False]
    assert port.applied == ["0a1b2c3d4e5f6a7b.2", "0a1b2c3d4e5f6a7b.4", "0a1b2c3d4e5f6a7b.6"]


def test_a_page_asked_ahead_that_fails_fails_the_exchange_after_the_page_before_is_in() -> None:
    central = Central(failing="0a1b2c3d4e5f6a7b.2")
    port = Port(central)
    with pytest.raises(Unavailable):
        _engine(central, port).sync_once(push=False)
    assert port.applied == ["0a1b2c3d4e5f6a7b.2"] and port.stored_cursor == "0a1b2c3d4e5f6a7b.2"
    assert len(port.failures) == 1
    central.failing = None
    _engine(central, port).sync_once(push=False)
    assert port.applied == ["0a1b2c3d4e5f6a7b.2", "0a1b2c3d4e5f6a7b.4", "0a1b2c3d4e5f6a7b.6"]
