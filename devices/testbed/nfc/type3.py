"""A Type 3 tag (FeliCa Lite-S with an NDEF message), emulated by nfcpy itself.

nfcpy can be the card: ``ContactlessFrontend.connect(card=...)`` listens as a Type F target and hands the
commands it receives to ``nfc.tag.tt3.Type3TagEmulation``, which answers Polling and Read/Write Without
Encryption from the services we register (0x000B NDEF read, 0x0009 NDEF write). Over nfcpy's UDP driver the
listening side binds the driver's port and answers whoever sends frames to it, so a reader on
``udp:127.0.0.1:<port>`` reads the emulated card through the very same code as a real one.

Adjustments to nfcpy's UDP driver on the card side (a subclass, not a patch of nfcpy):
- it binds 127.0.0.1, not 0.0.0.0 (nfcpy's default), so the test card is not reachable from the network;
- it binds once, to a free port, and keeps the socket across listen rounds (nfcpy closes and re-binds the
  socket at every ``listen``, which would need a fixed, guessed port and leave gaps in which the port is
  closed);
- it listens in one long window that ``remove()`` ends. nfcpy's listen forgets the reader's Polling when its
  window closes, so a Polling answered just before the end of a short window leaves the reader's next
  command unanswered (the first read then fails: seen with 0.25 s windows).

The tag is "in the field" while its thread runs: ``remove()`` stops answering (the reader's presence check
then times out, as with a card taken away) and ``place()`` brings it back on the same port.
"""

from __future__ import annotations

import socket
import struct
import threading
from types import TracebackType
from typing import Any

import nfc  # type: ignore[import-untyped]
import nfc.clf  # type: ignore[import-untyped]
import nfc.clf.udp  # type: ignore[import-untyped]

from devices.testbed.nfc.field import HOST

# IDm: manufacturer code 012E and a card number; PMm of a FeliCa Lite-S (IC type F1 is what nfcpy looks at).
DEFAULT_IDM = bytes.fromhex("012E4CE8B7A3C4D5")
LITE_S_PMM = bytes.fromhex("00F1000000014300")
NDEF_SYSTEM = bytes.fromhex("12FC")
NDEF_READ_SERVICE = 0x000B
NDEF_WRITE_SERVICE = 0x0009
NMAXB = 13  # a FeliCa Lite-S has 14 user blocks: block 0 is the attribute block, 13 hold NDEF data
NBR = 4  # blocks per Read Without Encryption that the attribute block advertises
LISTEN_WINDOW = 3600.0  # seconds; ended early by remove()

_Socket = socket.socket  # the attribute below is called socket too, as in nfcpy


class _LoopbackListener(nfc.clf.udp.Device):  # type: ignore[misc]
    """nfcpy's UDP driver for the card side, bound once to 127.0.0.1 on a free port."""

    # Set by nfcpy's Device.__init__, which then calls _create_socket below.
    socket: _Socket | None
    addr: tuple[str, int]

    def __init__(self) -> None:
        super().__init__(HOST, 0)
        self.stopping = threading.Event()

    def _recv_data(self, timeout: float | None, *brty_list: str) -> Any:
        # nfcpy's listen loop goes on through RFOFF and junk until its window closes; a timeout ends it.
        if self.stopping.is_set():
            raise nfc.clf.TimeoutError("the emulated card left the field")
        return super()._recv_data(timeout, *brty_list)

    def _create_socket(self) -> None:
        if self.socket is None:
            self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.socket.bind((HOST, self.addr[1]))
            self.addr = self.socket.getsockname()
            self.sent_data = self.rcvd_data = 0

    def _bind_socket(self, time_to_return: float) -> bool:
        return True  # bound once in _create_socket

    def mute(self) -> None:
        return  # the card side keeps its socket: the port is the card's address

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
            self.socket = None


def _drain(sock: socket.socket) -> None:
    sock.setblocking(False)
    try:
        while True:
            sock.recvfrom(4096)
    except BlockingIOError:
        pass
    finally:
        sock.setblocking(True)


def attribute_block(length: int, *, nbr: int = NBR, nbw: int = 1, nmaxb: int = NMAXB) -> bytes:
    """The Type 3 attribute information block: version 1.0, Nbr, Nbw, Nmaxb, WriteFlag 00 (no write in
    progress), RWFlag 00 (read-only), Ln (3 bytes), checksum (sum of the first 14 bytes)."""
    block = bytearray(16)
    block[0:5] = struct.pack(">BBBH", 0x10, nbr, nbw, nmaxb)
    block[11:14] = length.to_bytes(3, "big")
    block[14:16] = struct.pack(">H", sum(block[0:14]))
    return bytes(block)


class FelicaLiteS:
    def __init__(self, idm: bytes = DEFAULT_IDM, *, ndef: bytes = b"") -> None:
        if len(idm) != 8:
            raise ValueError("a FeliCa IDm is 8 bytes")
        if len(ndef) > NMAXB * 16:
            raise ValueError("the message does not fit a FeliCa Lite-S")
        self.idm = idm
        padded = ndef + bytes(-len(ndef) % 16)
        self.blocks = [attribute_block(len(ndef))] + [padded[i : i + 16] for i in range(0, len(padded), 16)]
        self.reads = 0  # blocks read, for tests
        self._device = _LoopbackListener()  # bound from here on: the port is the card's address
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._device.addr[1])

    @property
    def uri(self) -> str:
        return f"nfc:udp:{HOST}:{self.port}"

    # -- in and out of the field --------------------------------------------------------------------------
    def place(self) -> FelicaLiteS:
        if self._thread is not None:
            return self
        self._stop.clear()
        self._device.stopping.clear()
        sock = self._device.socket
        if sock is None:
            raise RuntimeError("the emulated card was closed: make a new FelicaLiteS")
        _drain(sock)  # a card entering the field does not hear what was said before
        self._thread = threading.Thread(target=self._run, name=f"nfcsim felica {self.port}", daemon=True)
        self._thread.start()
        return self

    def remove(self, timeout: float = 3.0) -> None:
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        self._device.stopping.set()
        # The emulation blocks in the socket (listening, or waiting for the next command without a
        # timeout); an RFOFF datagram — what a reader sends when its field goes off — wakes it.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as wake:
            wake.sendto(b"RFOFF", (HOST, self.port))
        thread.join(timeout)
        if thread.is_alive():
            raise RuntimeError("the FeliCa emulation did not stop")
        self._thread = None

    def close(self) -> None:
        self.remove()
        self._device.close()

    def __enter__(self) -> FelicaLiteS:
        return self.place()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- the emulation ------------------------------------------------------------------------------------
    def _run(self) -> None:
        clf = nfc.ContactlessFrontend()
        clf.device = self._device  # our listener instead of nfcpy's path lookup (which would bind 0.0.0.0)
        clf.connect(
            card={
                "on-startup": self._on_startup,
                "on-connect": self._on_connect,
                "on-release": lambda tag: False,  # stay in the field until remove()
                "timeout": LISTEN_WINDOW,
            },
            terminate=self._stop.is_set,
        )
        clf.device = None  # the listener's socket outlives the emulation (same port on place())

    def _on_startup(self, target: Any) -> Any:
        target.brty = "212F"
        target.sensf_res = bytearray(b"\x01" + self.idm + LITE_S_PMM + NDEF_SYSTEM)
        return target

    def _on_connect(self, tag: Any) -> bool:
        tag.add_service(NDEF_READ_SERVICE, self._read_block, None)
        tag.add_service(NDEF_WRITE_SERVICE, None, None)  # known service, every write refused
        return True

    def _read_block(self, number: int, rb: bool, re: bool) -> bytes | None:
        self.reads += 1
        if number < len(self.blocks):
            return self.blocks[number]
        if number <= NMAXB:
            return bytes(16)
        return None  # the emulation answers "block not found"
