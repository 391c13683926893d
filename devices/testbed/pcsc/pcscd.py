"""A private pcsc-lite daemon with vsmartcard's virtual reader, and virtual cards tapped on it.

How the daemon is isolated (pcsc-lite 1.9 on Debian):
- pcscd's socket and pid file paths are compiled in (``/run/pcscd``) and a second pcscd refuses to start next
  to a live one. So pcscd runs under ``unshare -m`` (a private mount namespace; ``-r`` adds a user namespace
  when the tests do not run as root) where a tmpfs covers ``/run`` and the rig's own directory is bound on
  ``/run/pcscd``: the daemon's socket appears as ``<rig dir>/run/pcscd.comm`` for everyone else, and the
  system's pcscd, if any, is untouched.
- Clients (pyscard in the test process, ``python -m devices`` subprocesses) find that socket through
  ``PCSCLITE_CSOCK_NAME``. libpcsclite reads it once per process, on first use, so ``claim_client_socket``
  sets it while pytest collects, before any test can touch PC/SC (see tests/devices/conftest.py).
- The USB driver directory is covered by an empty tmpfs inside the namespace, so the test daemon never grabs
  a real reader plugged into a developer's machine; the vpcd driver is copied next to the config instead.
- vpcd listens on TCP (all interfaces, which is why it never ships on a till) on CHANNELID and CHANNELID+1,
  one port per virtual slot ("Virtual PCD 00 00" and "... 00 01"); the rig picks two free ports per session.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from devices.testbed.pcsc.cards import VirtualCard

SOCKET_ENV = "PCSCLITE_CSOCK_NAME"
RIG_DIR_ENV = "LOYALTY_PCSC_RIG_DIR"
READER_PREFIX = "Virtual PCD"
SLOTS = 2  # vpcd opens two slots per configured reader

_VICC_SCRIPT = Path(__file__).with_name("vicc_card.py")


def claim_client_socket() -> Path:
    """The rig's directory, with PCSCLITE_CSOCK_NAME pointing at the socket its pcscd will create there.

    Idempotent within a process; a directory claimed by another process (a parent pytest, say) is not reused,
    so two test processes never share a daemon."""
    existing = os.environ.get(RIG_DIR_ENV, "")
    owner, _, path = existing.partition(":")
    if owner == str(os.getpid()) and Path(path).is_dir():
        return Path(path)
    rig_dir = Path(tempfile.mkdtemp(prefix="pcsc-rig-"))
    (rig_dir / "run").mkdir()
    os.environ[RIG_DIR_ENV] = f"{os.getpid()}:{rig_dir}"
    os.environ[SOCKET_ENV] = str(rig_dir / "run" / "pcscd.comm")
    atexit.register(shutil.rmtree, rig_dir, ignore_errors=True)
    return rig_dir


# -- finding the system parts (installed by `make system-deps`) --------------------------------------------


def _dpkg_files(package: str) -> list[str]:
    if shutil.which("dpkg") is None:
        return []
    try:
        out = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return out.stdout.splitlines() if out.returncode == 0 else []


def find_vpcd_driver() -> Path | None:
    """vpcd's IFD handler: from its reader.conf entry, the package's file list, or the usual driver dirs."""
    candidates: list[str] = []
    conf = Path("/etc/reader.conf.d/vpcd")
    if conf.is_file():
        match = re.search(r"^\s*LIBPATH\s+(\S+)", conf.read_text(errors="replace"), re.M)
        if match:
            candidates.append(match.group(1))
    candidates += [p for p in _dpkg_files("vsmartcard-vpcd") if "libifdvpcd.so" in p]
    for pattern in (
        "/usr/lib/pcsc/drivers/serial/libifdvpcd.so*",
        "/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so*",
    ):
        candidates += sorted(str(p) for p in Path("/").glob(pattern.lstrip("/")))
    for path in candidates:
        if Path(path).is_file():
            return Path(path)
    return None


def find_vicc_path() -> Path | None:
    """The directory to put on PYTHONPATH so that ``import virtualsmartcard`` works (Debian installs it under
    /usr/lib/python3/site-packages/virtualsmartcard/, which no Python searches)."""
    files = _dpkg_files("python3-virtualsmartcard") + _dpkg_files("vsmartcard-vpicc")
    found = [Path(p) for p in files if p.endswith("/virtualsmartcard/VirtualSmartcard.py")]
    found += sorted(Path("/usr/lib/python3").glob("*/virtualsmartcard/virtualsmartcard/VirtualSmartcard.py"))
    found += sorted(Path("/usr/lib/python3").glob("*/virtualsmartcard/VirtualSmartcard.py"))
    for module in found:
        if module.is_file():
            return module.parent.parent
    return None


def find_pcscd() -> Path | None:
    found = shutil.which("pcscd") or shutil.which("pcscd", path="/usr/sbin:/sbin:/usr/local/sbin")
    return Path(found) if found else None


def pcscd_usb_dropdir(pcscd: Path) -> str | None:
    """Where this pcscd looks for USB reader drivers (compiled in; ``usbdropdir=`` in its build options)."""
    try:
        match = re.search(rb"usbdropdir=(/[^\s\x00]+)", pcscd.read_bytes())
    except OSError:
        return None
    return match.group(1).decode() if match else None


@dataclass(frozen=True)
class SystemParts:
    pcscd: Path | None
    unshare: Path | None
    vpcd_driver: Path | None
    vicc_path: Path | None

    @classmethod
    def find(cls) -> SystemParts:
        unshare = shutil.which("unshare")
        return cls(find_pcscd(), Path(unshare) if unshare else None, find_vpcd_driver(), find_vicc_path())

    def missing(self) -> list[str]:
        names = {
            "pcscd": self.pcscd,
            "unshare (util-linux)": self.unshare,
            "vsmartcard-vpcd": self.vpcd_driver,
            "vsmartcard-vpicc": self.vicc_path,
        }
        return [name for name, found in names.items() if found is None]


def free_port_pair() -> int:
    """A TCP port P with P+1 also free (vpcd's two slots)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as first:
            first.bind(("", 0))
            port = int(first.getsockname()[1])
            if port >= 65535:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as second:
                try:
                    second.bind(("", port + 1))
                except OSError:
                    continue
                return port
    raise RuntimeError("no two consecutive free TCP ports for vpcd")


# -- the daemon ------------------------------------------------------------------------------------------


def _die_with_parent() -> list[str]:
    """A command prefix that has the daemon SIGTERMed when the test process dies, so a killed pytest leaves no
    pcscd behind: util-linux's setpriv sets PR_SET_PDEATHSIG, which survives the execs that follow."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM"] if setpriv else []


_NAMESPACE_SCRIPT = r"""
set -e
mount -t tmpfs -o mode=0755 pcsc-rig-run /run
mkdir /run/pcscd
mount --bind "$1" /run/pcscd
if [ -n "$4" ] && [ -d "$4" ]; then mount -t tmpfs -o mode=0755,size=64k pcsc-rig-nodrivers "$4"; fi
exec "$2" --foreground --config "$3" $5
"""


@dataclass
class PcscdDaemon:
    parts: SystemParts
    rig_dir: Path
    port: int = field(default_factory=free_port_pair)
    debug: bool = False
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def run_dir(self) -> Path:
        return self.rig_dir / "run"

    @property
    def socket_path(self) -> Path:
        return self.run_dir / "pcscd.comm"

    @property
    def log_path(self) -> Path:
        return self.rig_dir / "pcscd.log"

    def reader_names(self) -> list[str]:
        return [f"{READER_PREFIX} 00 {slot:02X}" for slot in range(SLOTS)]

    def _write_config(self) -> Path:
        assert self.parts.vpcd_driver is not None
        conf_dir = self.rig_dir / "reader.conf.d"
        conf_dir.mkdir(exist_ok=True)
        driver = self.rig_dir / self.parts.vpcd_driver.name
        if not driver.exists():
            shutil.copy2(self.parts.vpcd_driver, driver)
        (conf_dir / "vpcd").write_text(
            f'FRIENDLYNAME "{READER_PREFIX}"\n'
            f"DEVICENAME   /dev/null:{self.port:#06x}\n"
            f"LIBPATH      {driver}\n"
            f"CHANNELID    {self.port:#06x}\n"
        )
        return conf_dir

    def start(self, timeout: float = 5.0) -> None:
        if self.running:
            return
        assert self.parts.pcscd is not None and self.parts.unshare is not None
        conf_dir = self._write_config()
        self.run_dir.mkdir(exist_ok=True)
        unshare = [str(self.parts.unshare), "--mount", "--propagation", "private"]
        if os.geteuid() != 0:
            unshare.insert(1, "--map-root-user")
        dropdir = pcscd_usb_dropdir(self.parts.pcscd) or ""
        args = [
            str(self.run_dir),
            str(self.parts.pcscd),
            str(conf_dir),
            dropdir,
            "--debug" if self.debug else "",
        ]
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                [*_die_with_parent(), *unshare, "sh", "-c", _NAMESPACE_SCRIPT, "pcsc-rig", *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        finally:
            log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pcscd exited with {self.process.returncode}:\n{self.log_tail()}")
            if self._socket_answers():
                return
            time.sleep(0.02)
        self.stop(kill=True)
        raise RuntimeError(f"pcscd did not open {self.socket_path} within {timeout} s:\n{self.log_tail()}")

    def _socket_answers(self) -> bool:
        if not self.socket_path.exists():
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            try:
                probe.connect(str(self.socket_path))
            except OSError:
                return False
        return True

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, *, kill: bool = False, timeout: float = 5.0) -> None:
        """Stop the daemon: SIGTERM (clean shutdown) or SIGKILL (a crash: socket and pid file left behind)."""
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no pcscd log)"


# -- cards on the readers --------------------------------------------------------------------------------


@dataclass
class TappedCard:
    card: VirtualCard
    slot: int
    process: subprocess.Popen[str]

    @property
    def in_field(self) -> bool:
        return self.process.poll() is None


@dataclass
class PcscRig:
    """pcscd + vpcd + virtual cards. ``insert``/``remove`` tap cards; ``restart_pcscd``, ``unplug``/``plug``
    take the readers away and bring them back (vpcd's readers exist exactly as long as pcscd runs, so an
    unplugged reader is a stopped daemon)."""

    daemon: PcscdDaemon
    tapped: dict[int, TappedCard] = field(default_factory=dict)

    @property
    def parts(self) -> SystemParts:
        return self.daemon.parts

    def reader_name(self, slot: int = 0) -> str:
        return self.daemon.reader_names()[slot]

    def reader_uri(self, slot: int = 0) -> str:
        return "pcsc:" + self.reader_name(slot)

    def card_env(self) -> dict[str, str]:
        env = dict(os.environ)
        assert self.parts.vicc_path is not None
        env["PYTHONPATH"] = str(self.parts.vicc_path)
        return env

    def insert(self, card: VirtualCard, slot: int = 0, timeout: float = 5.0) -> TappedCard:
        """Put a card on a reader: start its vicc process and wait until it is connected to vpcd."""
        self.remove(slot)
        spec = card.spec() | {"port": self.daemon.port + slot, "host": "127.0.0.1"}
        process = subprocess.Popen(
            [sys.executable, str(_VICC_SCRIPT), json.dumps(spec)],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=self.card_env(),
        )
        tapped = TappedCard(card, slot, process)
        self.tapped[slot] = tapped
        assert process.stdout is not None
        # The first line is "ready" once connected; a card that could not connect exits with a traceback.
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline and not line:
            line = process.stdout.readline().strip()
            if not line and process.poll() is not None:
                break
        if line != "ready":
            self.remove(slot)
            raise RuntimeError(f"virtual card did not reach vpcd on port {spec['port']}")
        self.wait_for_card(slot, present=True)
        return tapped

    def remove(self, slot: int = 0) -> None:
        """Take the card off the reader (stop its process; vpcd sees the connection close)."""
        tapped = self.tapped.pop(slot, None)
        if tapped is None:
            return
        if tapped.process.poll() is None:
            tapped.process.terminate()
            try:
                tapped.process.wait(3)
            except subprocess.TimeoutExpired:
                tapped.process.kill()
                tapped.process.wait(3)
        if tapped.process.stdout is not None:
            tapped.process.stdout.close()
        # pcscd notices a card leaving on its next presence poll (about 0.4 s). Waiting for it keeps a quick
        # remove-then-insert from looking like one card that never left (real hands are not that fast).
        if self.daemon.running:
            self.wait_for_card(slot, present=False)

    def wait_for_card(self, slot: int, *, present: bool, timeout: float = 3.0) -> None:
        """Wait until pcscd reports the slot with (or without) a card, through the rig's own PC/SC context."""
        from smartcard import scard  # type: ignore[import-untyped]

        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise RuntimeError(f"the rig cannot reach its pcscd: {scard.SCardGetErrorMessage(hresult)}")
        try:
            name = self.reader_name(slot)
            state = scard.SCARD_STATE_UNAWARE
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                hresult, states = scard.SCardGetStatusChange(context, 200, [(name, state)])
                if hresult == scard.SCARD_S_SUCCESS:
                    state = states[0][1] & ~scard.SCARD_STATE_CHANGED
                    if bool(state & scard.SCARD_STATE_PRESENT) == present:
                        return
                elif hresult != scard.SCARD_E_TIMEOUT:
                    raise RuntimeError(f"the rig lost its pcscd: {scard.SCardGetErrorMessage(hresult)}")
            raise RuntimeError(
                f"pcscd did not see the card {'arrive' if present else 'leave'} within {timeout} s"
            )
        finally:
            scard.SCardReleaseContext(context)

    def remove_all(self) -> None:
        for slot in list(self.tapped):
            self.remove(slot)

    def stop_pcscd(self, *, kill: bool = False) -> None:
        self.remove_all()  # vicc processes lose vpcd anyway; do not leave them behind
        self.daemon.stop(kill=kill)

    def start_pcscd(self) -> None:
        self.daemon.start()

    def restart_pcscd(self, *, kill: bool = True) -> None:
        self.stop_pcscd(kill=kill)
        self.start_pcscd()

    unplug = stop_pcscd
    plug = start_pcscd

    def close(self) -> None:
        self.remove_all()
        self.daemon.stop()
