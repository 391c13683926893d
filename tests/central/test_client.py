"""The till's client (sync.client) against the central: answers typed, refusals and outages told apart."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from sync.client import CentralClient, Refused, Unavailable
from sync.protocol import PushRequest

from .pgcluster import free_port
from .tillmodel import enroll


def test_calls_and_refusals(client: TestClient, new_code: Callable[[str], str]) -> None:
    central = CentralClient(client)
    with pytest.raises(Refused) as unenrolled:
        central.pull()
    assert unenrolled.value.status == 401
    code = new_code("S1")
    enrolled = central.enroll(code, "Quầy 1")
    assert central.token == enrolled.token
    till = enroll(client, new_code("S1"))
    member = till.new_member(number="M-1")
    till.entry(member.id, 12)
    till.push(client, till.outbox)
    assert central.member("M-1").balance == 12
    assert [c.kind for c in central.pull().changes] == ["member", "entry", "balance"]
    assert central.inbox().items == []
    assert central.new_epoch().epoch == 2
    with pytest.raises(Refused) as missing:
        central.member("M-404")
    assert missing.value.status == 404 and "M-404" in missing.value.detail
    with pytest.raises(Refused) as spent:
        CentralClient(client).enroll(code, "Quầy 2")
    assert spent.value.status == 403 and "already used" in spent.value.detail
    with pytest.raises(Refused) as stale:
        central.push(PushRequest(till_id=enrolled.till_id, epoch=1, items=till.outbox[:1]))
    assert stale.value.status == 409 and "epoch" in stale.value.detail
    with pytest.raises(Refused) as invalid:
        central.member("bad number")
    assert invalid.value.status == 422 and "number" in invalid.value.detail


def test_no_answer_is_unavailable() -> None:
    with (
        CentralClient.connect(f"http://127.0.0.1:{free_port()}", token="x" * 43) as central,
        pytest.raises(Unavailable, match="no answer"),
    ):
        central.pull()


def test_server_errors_and_foreign_answers_are_unavailable() -> None:
    """A real server on 127.0.0.1 that fails, then answers something that is not the protocol."""
    answers = iter([(503, b"busy"), (200, b'{"hello": "world"}'), (200, b"not json")])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            status, body = next(answers)
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with CentralClient.connect(f"http://127.0.0.1:{server.server_address[1]}", token="t") as central:
            with pytest.raises(Unavailable, match="503"):
                central.pull()
            for _ in range(2):
                with pytest.raises(Unavailable, match="not the protocol"):
                    central.pull()
    finally:
        server.shutdown()
        server.server_close()
