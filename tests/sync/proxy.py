"""A fault-injecting HTTP proxy between a till and the central: real sockets, real requests, planned faults.

It listens on 127.0.0.1 (an asyncio server on a thread of its own) and forwards each request to the central
on a fresh connection. Faults are planned per path prefix and used up in order:

- ``fail(n)``: answer 503 without forwarding (the central never saw the request);
- ``drop_reply(n)``: forward the request, read the central's whole reply — so the central has committed —
  then close the till's connection without a word: a reply lost after the commit;
- ``stall(n, seconds)``: forward, then hold the reply for ``seconds`` before dropping it (the till's timeout
  runs out first): a slow reply, also after the commit.

``seen`` records every request with what was done to it.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_SERVICE_UNAVAILABLE = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: 30\r\n\r\n"
    b'{"detail":"injected by proxy"}'
)


@dataclass(frozen=True)
class Fault:
    kind: str  # "fail", "drop", "stall"
    prefix: str
    seconds: float = 0.0


class FaultProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self.seen: list[tuple[str, str, str]] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # the connections being served

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- the plan --------------------------------------------------------------------------------------------
    def fail(self, times: int = 1, prefix: str = "/v1/") -> None:
        self._plan(Fault("fail", prefix), times)

    def drop_reply(self, times: int = 1, prefix: str = "/v1/push") -> None:
        self._plan(Fault("drop", prefix), times)

    def stall(self, times: int = 1, seconds: float = 3.0, prefix: str = "/v1/push") -> None:
        self._plan(Fault("stall", prefix, seconds), times)

    def _plan(self, fault: Fault, times: int) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def _take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.prefix):
                    self._faults.remove(fault)
                    return fault
        return None

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._faults)

    def outcomes(self, prefix: str) -> list[str]:
        with self._lock:
            return [outcome for _m, path, outcome in self.seen if path.startswith(prefix)]

    # -- running ---------------------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._client, "127.0.0.1", 0), self._loop
        )
        self._server = future.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                method, path = head.split(b" ", 2)[:2]
                body = await reader.readexactly(_length(head))
                fault = self._take(path.decode())
                outcome = "forwarded" if fault is None else fault.kind
                with self._lock:
                    self.seen.append((method.decode(), path.decode(), outcome))
                if fault is not None and fault.kind == "fail":
                    writer.write(_SERVICE_UNAVAILABLE)
                    await writer.drain()
                    continue
                reply = await self._forward(head + body)
                if fault is not None:
                    if fault.kind == "stall":
                        await asyncio.sleep(fault.seconds)
                    return  # the central has answered; the till never hears it
                writer.write(reply)
                await writer.drain()
        finally:
            writer.close()
            self._tasks.discard(task)

    async def _forward(self, request: bytes) -> bytes:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            up_writer.write(request)
            await up_writer.drain()
            head = await up_reader.readuntil(b"\r\n\r\n")
            body = await up_reader.readexactly(_length(head))
            return head + body
        finally:
            up_writer.close()


def _length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
        if name.strip().lower() == b"transfer-encoding":
            raise ValueError("the proxy forwards bodies with a Content-Length only")
    return 0


@contextmanager
def fault_proxy(upstream_url: str) -> Iterator[FaultProxy]:
    port = int(upstream_url.rsplit(":", 1)[1])
    proxy = FaultProxy(port)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()
