"""A virtual contactless card on vsmartcard's vicc plumbing: run as a process, it is a card on the reader.

    python vicc_card.py '<json spec>'        (PYTHONPATH must reach Debian's ``virtualsmartcard`` package)

The process connects to vpcd (the virtual reader driver inside the rig's pcscd), prints ``ready`` once the
card is in the field and answers APDUs until vpcd closes the connection or the process is stopped — starting
it is a tap, stopping it takes the card away. Run by path, not as a module, so that it imports nothing of the
project (it only needs the standard library and virtualsmartcard).

The spec (built by ``devices/testbed/pcsc/cards.py``):
    kind        'uid' | 'type2' | 'type4'
    atr, uid    hex
    memory      hex, type2: the tag memory from page 0 (FF B0 00 <page> <len> reads it)
    aid, files  type4: the application id and {file id hex: content hex} (SELECT, READ BINARY)
    mle         type4: the largest READ BINARY the card accepts (larger ones get 6700, as a real tag would)
    pull_after  leave the field (close the connection without answering) on the Nth APDU, 1-based
    delay       seconds to think before answering each APDU (a slow or stuck card)
    port, host  where vpcd listens
    nodelay     TCP_NODELAY and quick ACKs on the socket (default true; false only to measure the difference)

virtualsmartcard has no type hints and is not in the virtualenv: pyproject.toml relaxes mypy for this file only.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import sys
import time
from typing import Any

from virtualsmartcard.SWutils import SW
from virtualsmartcard.utils import C_APDU, R_APDU
from virtualsmartcard.VirtualSmartcard import (
    VPCD_CTRL_ATR,
    VPCD_CTRL_LEN,
    VPCD_CTRL_OFF,
    VPCD_CTRL_ON,
    VPCD_CTRL_RESET,
    SmartcardOS,
    VirtualICC,
)

CONNECT_TIMEOUT = 5.0


def _sw(name: str) -> bytes:
    return struct.pack(">H", SW[name])


class ContactlessCardOS(SmartcardOS):
    """What a PC/SC contactless reader plus the card behind it answer.

    Stock vicc's ISO 7816 OS answers the reader's own pseudo-APDUs (CLA FF) as if the card had to, which is
    wrong: on a real ACR122U/Omnikey the *reader* answers GET DATA (FF CA) with the UID and turns FF B0 into
    Type 2 READ commands. This OS plays both parts.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.kind = spec["kind"]
        self.atr = bytes.fromhex(spec["atr"])
        self.uid = bytes.fromhex(spec["uid"])
        self.memory = bytes.fromhex(spec.get("memory", ""))
        self.aid = bytes.fromhex(spec.get("aid", ""))
        self.files = {int(fid, 16): bytes.fromhex(content) for fid, content in spec.get("files", {}).items()}
        self.mle = int(spec.get("mle", 255))
        self.app_selected = False
        self.current: bytes | None = None

    def getATR(self) -> bytes:  # virtualsmartcard names its hooks in camelCase
        return self.atr

    def powerUp(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.app_selected = False
        self.current = None

    def execute(self, msg: bytes) -> bytes:
        try:
            c = C_APDU(msg)
        except ValueError:
            return _sw("ERR_WRONGLENGTH")
        if c.cla == 0xFF:
            return self._reader_command(c)
        if self.kind == "type4" and c.cla == 0x00:
            return self._type4_command(c)
        return _sw("ERR_INSNOTSUPPORTED")

    # -- the reader's pseudo-APDUs (PC/SC part 3) ------------------------------------------------------
    def _reader_command(self, c: C_APDU) -> bytes:
        if c.ins == 0xCA and c.p1 == 0x00 and c.p2 == 0x00:
            le = c.effective_Le
            if le and le < len(self.uid):
                return struct.pack(">BB", 0x6C, len(self.uid))
            return R_APDU(self.uid, _sw("NORMAL")).render()
        if c.ins == 0xB0 and self.kind == "type2":
            start = (c.p1 << 8 | c.p2) * 4
            if start >= len(self.memory):
                return _sw("ERR_INCORRECTP1P2")
            # A Type 2 READ returns 16 bytes and wraps around at the end of memory; readers give back Le of them.
            le = c.effective_Le
            doubled = self.memory + self.memory
            return R_APDU(doubled[start : start + le], _sw("NORMAL")).render()
        return _sw("ERR_NOTSUPPORTED")

    # -- an NFC Forum Type 4 tag ---------------------------------------------------------------------------
    def _type4_command(self, c: C_APDU) -> bytes:
        if c.ins == 0xA4 and c.p1 == 0x04:
            self.app_selected = bytes(c.data) == self.aid
            self.current = None
            return _sw("NORMAL") if self.app_selected else _sw("ERR_FILENOTFOUND")
        if c.ins == 0xA4 and c.p1 == 0x00:
            fid = int.from_bytes(bytes(c.data), "big") if len(c.data) == 2 else -1
            if not self.app_selected or fid not in self.files:
                return _sw("ERR_FILENOTFOUND")
            self.current = self.files[fid]
            return _sw("NORMAL")
        if c.ins == 0xB0:
            if self.current is None:
                return _sw("ERR_NOCURRENTEF")
            offset = c.p1 << 8 | c.p2
            le = c.effective_Le
            if le > self.mle:
                return _sw("ERR_WRONGLENGTH")
            if offset > len(self.current):
                return _sw("ERR_OFFSETOUTOFFILE")
            data = self.current[offset : offset + le]
            sw = "NORMAL" if len(data) == le else "WARN_EOFBEFORENEREAD"
            return R_APDU(data, _sw(sw)).render()
        return _sw("ERR_INSNOTSUPPORTED")


class TapICC(VirtualICC):
    """vicc's connection to vpcd, tuned for tests.

    VirtualICC.__init__ builds a card file system we do not use and connects with default socket options;
    this keeps its protocol (2-byte big-endian length, then a control byte or an APDU) and its ``stop``, and:
    - sets TCP_NODELAY and TCP_QUICKACK, without which Nagle's algorithm and delayed ACKs cost about 40 ms
      per APDU (a Type 4 read is 6+ APDUs);
    - retries the connection briefly, so a card can be tapped right after pcscd (re)starts;
    - can leave the field after N APDUs, like a card pulled away mid-read.
    """

    def __init__(
        self,
        os_: ContactlessCardOS,
        host: str,
        port: int,
        *,
        nodelay: bool,
        pull_after: int | None,
        delay: float = 0.0,
    ):
        self.os = os_
        self.host = host
        self.port = port
        self.type = "loyalty-till-rig"
        self.server_sock = None
        self.nodelay = nodelay
        self.pull_after = pull_after
        self.delay = delay
        self.apdus = 0
        self.sock = self._connect(host, port)

    def _connect(self, host: str, port: int) -> socket.socket:
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            try:
                sock = socket.create_connection((host, port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        sock.settimeout(None)
        if self.nodelay:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._quickack(sock)
        return sock

    def _quickack(self, sock: socket.socket) -> None:
        # Linux resets TCP_QUICKACK after it is used, so it is set again after every receive.
        if self.nodelay and hasattr(socket, "TCP_QUICKACK"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)

    def _recv_exact(self, size: int) -> bytes | None:
        chunks = b""
        while len(chunks) < size:
            part = self.sock.recv(size - len(chunks))
            self._quickack(self.sock)
            if not part:
                return None
            chunks += part
        return chunks

    def _send(self, msg: bytes) -> None:
        self.sock.sendall(struct.pack("!H", len(msg)) + msg)

    def run(self) -> None:
        while True:
            header = self._recv_exact(2)
            if header is None:
                return  # vpcd went away (pcscd stopped)
            (size,) = struct.unpack("!H", header)
            msg = self._recv_exact(size) if size else b""
            if msg is None:
                return
            if size == VPCD_CTRL_LEN:
                ctrl = msg[0]
                if ctrl == VPCD_CTRL_ATR:
                    self._send(self.os.getATR())
                elif ctrl == VPCD_CTRL_ON:
                    self.os.powerUp()
                elif ctrl == VPCD_CTRL_RESET:
                    self.os.reset()
                elif ctrl == VPCD_CTRL_OFF:
                    self.os.powerDown()
                continue
            self.apdus += 1
            if self.pull_after is not None and self.apdus >= self.pull_after:
                # Out of the field: the reader sees the card vanish with this command unanswered.
                self.sock.shutdown(socket.SHUT_RDWR)
                self.sock.close()
                return
            if self.delay:
                time.sleep(self.delay)
            self._send(self.os.execute(msg))


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    icc = TapICC(
        ContactlessCardOS(spec),
        spec.get("host", "127.0.0.1"),
        int(spec["port"]),
        nodelay=bool(spec.get("nodelay", True)),
        pull_after=spec.get("pull_after"),
        delay=float(spec.get("delay", 0.0)),
    )
    print("ready", flush=True)
    try:
        icc.run()
    except (OSError, KeyboardInterrupt):
        pass
    finally:
        with contextlib.suppress(OSError):
            icc.sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
