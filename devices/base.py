"""The reader interface: every driver is a ``Reader`` that runs on its own thread and hands events to a sink.

A driver implements ``run(stop)`` — its loop — and calls ``self.emit(event)``. ``ThreadedReader`` owns the
thread, a clean stop, and the rule that nothing escapes the thread: an unexpected exception becomes a
``ReadError`` event and the loop is restarted after a short pause (the reader "comes back by itself").
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from devices.errors import DeviceError
from devices.events import ReaderEvent, ReadError

log = logging.getLogger(__name__)

EventSink = Callable[[ReaderEvent], None]


@dataclass(frozen=True)
class SunKeys:
    """AES-128 keys of an NTAG 424 DNA SUN configuration (AN12196): meta read key, file read key."""

    meta_read_key: bytes
    file_read_key: bytes


@dataclass
class ReaderConfig:
    """What drivers need from the till: the key that turns UIDs into member references, SUN keys, and the
    last SUN counter seen per card (shared by every reader of the process, so a replay is caught whichever
    reader it is tapped on)."""

    uid_key: bytes = b"\0" * 32
    sun_keys: SunKeys | None = None
    sun_counters: dict[str, int] = field(default_factory=dict)
    sun_lock: threading.Lock = field(default_factory=threading.Lock)
    poll_interval: float = 0.2  # seconds between polls where a driver polls


class Reader(Protocol):
    uri: str

    def start(self, sink: EventSink) -> None: ...

    def stop(self, timeout: float = 2.0) -> None: ...

    @property
    def running(self) -> bool: ...


class ThreadedReader(ABC):
    restart_delay = 1.0

    def __init__(self, uri: str, config: ReaderConfig) -> None:
        self.uri = uri
        self.config = config
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sink: EventSink | None = None

    @abstractmethod
    def run(self, stop: threading.Event) -> None:
        """The driver's loop. Return when ``stop`` is set; raise to report an error and be restarted."""

    def emit(self, event: ReaderEvent) -> None:
        sink = self._sink
        if sink is None:
            return
        try:
            sink(event)
        except Exception:  # a broken consumer must not kill the reader
            log.exception("event sink failed for %s", self.uri)

    def start(self, sink: EventSink) -> None:
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError(f"reader {self.uri} is already running")
        self._sink = sink
        self._stop.clear()
        self._thread = threading.Thread(target=self._main, name=f"reader {self.uri}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self.interrupt()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("reader %s did not stop within %.1f s", self.uri, timeout)

    def interrupt(self) -> None:
        """Wake a driver blocked in I/O (e.g. cancel a PC/SC wait). Default: nothing to do."""
        return

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _main(self) -> None:
        while not self._stop.is_set():
            try:
                self.run(self._stop)
                return
            except DeviceError as err:
                self.emit(ReadError(self.uri, err.code, err.message))
            except Exception as err:
                log.exception("reader %s failed", self.uri)
                self.emit(ReadError(self.uri, "io", f"reader error: {err}"))
            self._stop.wait(self.restart_delay)
