"""The space in front of the reader: a UDP server answering nfcpy's UDP driver for whatever tag is in it."""

from __future__ import annotations

import collections
import socket
import threading
from types import TracebackType
from typing import Protocol

HOST = "127.0.0.1"  # loopback only: a simulator is never reachable from the network
RFOFF = b"RFOFF"


class SimTag(Protocol):
    """What the field needs from a simulated tag."""

    technology: str  # 'A' (ISO 14443-3A: Type 2 and Type 4A tags) or 'F' (FeliCa)

    @property
    def present(self) -> bool:
        """False once the tag has left the field (see faults.Disappearing)."""
        ...

    def reset(self) -> None:
        """The field went off: the tag loses power and forgets its session."""

    def handle(self, frame: bytes) -> bytes | None:
        """The answer to one frame, or None to stay silent (as a tag does for frames it ignores)."""


def is_discovery(brty: str, frame: bytes) -> bool:
    """A frame a reader sends to find out whether any tag of that technology is there."""
    if brty.endswith("A"):
        return frame in (b"\x26", b"\x52")  # SENS_REQ (REQA), ALL_REQ (WUPA)
    if brty.endswith("B"):
        return frame[:1] == b"\x05"  # SENSB_REQ
    if brty.endswith("F"):
        return len(frame) >= 2 and frame[0] == len(frame) and frame[1] == 0x00  # SENSF_REQ (polling)
    return False


class UdpField:
    """A UDP server on 127.0.0.1 holding at most one simulated tag.

    nfcpy's UDP driver sends ``b"<brty> <hex>"`` datagrams from a fresh socket per discovery round and
    ``RFOFF`` when it turns the field off. The field hands each frame to the tag (when the technology matches)
    and sends back the tag's answer from the same socket.

    ``quick_empty``: with no tag of the asked technology, answer a discovery frame with ``RFOFF`` at once
    instead of keeping silent. nfcpy takes that as "nothing there" immediately, where silence costs it a
    1-second timeout per technology and round; tests stay fast and the silent path is still exercised by
    tags that disappear and by the Type 3 emulator.
    """

    def __init__(self, *, quick_empty: bool = True) -> None:
        self.quick_empty = quick_empty
        self._tag: SimTag | None = None
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        # The last frames seen, for the message of a failing test.
        self.trace: collections.deque[tuple[str, str, str | None]] = collections.deque(maxlen=200)

    # -- life cycle ---------------------------------------------------------------------------------------
    def start(self) -> UdpField:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((HOST, 0))
        self._sock = sock
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, name=f"nfcsim field {self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        sock, thread = self._sock, self._thread
        if sock is None or thread is None:
            return
        self._stopping = True
        # Wake the blocking recvfrom with a datagram to ourselves; closing a socket another thread is
        # reading does not reliably wake it on Linux.
        sock.sendto(b"", (HOST, self.port))
        thread.join(timeout)
        sock.close()
        self._sock = self._thread = None

    def __enter__(self) -> UdpField:
        return self.start() if self._sock is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._sock is None:
            raise RuntimeError("the field is not started")
        return int(self._sock.getsockname()[1])

    @property
    def uri(self) -> str:
        """The reader URI that reads this field."""
        return f"nfc:udp:{HOST}:{self.port}"

    # -- the tag ------------------------------------------------------------------------------------------
    def place(self, tag: SimTag) -> None:
        """Put a tag in front of the reader (it starts unpowered, like a card brought into the field)."""
        with self._lock:
            tag.reset()
            self._tag = tag

    def remove(self) -> None:
        with self._lock:
            self._tag = None

    @property
    def tag(self) -> SimTag | None:
        return self._tag

    # -- the server ---------------------------------------------------------------------------------------
    def _serve(self) -> None:
        sock = self._sock
        assert sock is not None
        while not self._stopping:
            try:
                data, addr = sock.recvfrom(4096)
            except OSError:
                return
            if self._stopping:
                return
            reply = self._answer(data)
            if reply is not None:
                try:
                    sock.sendto(reply, addr)
                except OSError:  # the reader closed its socket meanwhile; it will ask again
                    continue

    def _answer(self, datagram: bytes) -> bytes | None:
        if datagram.startswith(RFOFF):
            with self._lock:
                if self._tag is not None:
                    self._tag.reset()
            self.trace.append(("", "RFOFF", None))
            return None
        try:
            brty_raw, hex_raw = datagram.split()
            brty, frame = brty_raw.decode("ascii"), bytes.fromhex(hex_raw.decode("ascii"))
        except ValueError:  # not a frame (e.g. our own wake-up datagram)
            return None
        with self._lock:
            tag = self._tag
            if tag is not None and tag.present and brty.endswith(tag.technology):
                response = tag.handle(frame)
            elif self.quick_empty and is_discovery(brty, frame):
                self.trace.append((brty, frame.hex(), "RFOFF"))
                return RFOFF
            else:
                response = None
        self.trace.append((brty, frame.hex(), None if response is None else response.hex()))
        if response is None:
            return None
        return brty.encode("ascii") + b" " + response.hex().encode("ascii")
