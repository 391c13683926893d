"""Sync for ``python -m app run``: a local central beside the till, or a real one.

By default (``make run``) the till starts a central service of its own as a child process — ``python -m
central serve`` on 127.0.0.1 and a free port, its SQLite file in the till's data folder — and stops it when
the till closes (the child also ends if the till is killed, on Linux). On the till's first start it makes an
enrollment code for the demo store and enrolls the till, before anything is written, so the status bar shows
sync at work from the first sale. On later starts the same local central is started again and the till is
pointed at its new port.

``--central URL`` (or ``LOYALTY_CENTRAL``) points the till at a real central instead: a till not yet enrolled
there is enrolled with ``--code`` (or ``LOYALTY_ENROLLMENT_CODE``); ``--no-central`` (or
``LOYALTY_CENTRAL=off``) runs the till on its own. A till enrolled with a real central syncs with it whatever
the options say, except ``--no-central``.

A till that already holds entries from before sync (a data folder of an older version) cannot take on the
central's identity: it runs on its own, and says so.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from app.services.sync_settings import CENTRAL_URL, DEMO_STORE_CODE, LOCAL_CENTRAL
from app.services.syncing import (
    SyncError,
    TillHasHistory,
    check_central_url,
    check_no_history,
    enroll_till,
    read_settings,
)
from app.store.db import Store
from app.store.settings import get_setting, set_setting
from app.ui.display import why_no_window

log = logging.getLogger(__name__)

CENTRAL_DB = "central.sqlite3"
STARTUP_S = 30.0
OFF = ("off", "none", "no", "0")


@dataclass
class LocalCentral:
    """A central service running as this till's child process."""

    process: subprocess.Popen[bytes]
    url: str

    def wait_until_ready(self, timeout: float = STARTUP_S) -> None:
        import httpx  # only the first start waits for the central: later starts do not load the client

        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise SyncError(
                    why=f"the local central service stopped at start (status {self.process.returncode})"
                )
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SyncError(why=f"the local central service did not answer within {timeout:.0f} s")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        log.info("local central stopped")


def central_db_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / CENTRAL_DB}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    # Linux: the central ends when the till does, even when the till is killed and cannot stop it.
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_local_central(data_dir: Path) -> LocalCentral:
    """Start ``python -m central serve`` on a free port of 127.0.0.1 over the data folder's central file."""
    port = _free_port()
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / "central.log").open("ab") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "central",
                "serve",
                "--db",
                central_db_url(data_dir),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,  # noqa: PLW1509
        )
    log.info("local central started on port %d (process %d)", port, process.pid)
    return LocalCentral(process, f"http://127.0.0.1:{port}")


def demo_enrollment_code(data_dir: Path) -> str:
    """A one-time code for the local central's demo store (made on first use)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "central",
            "enrollment-code",
            "--db",
            central_db_url(data_dir),
            "--store",
            DEMO_STORE_CODE,
            "--new-store",
            "Cửa hàng demo",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise SyncError(why=f"the local central made no enrollment code: {done.stderr.strip()[-300:]}")
    return done.stdout.strip()


def sync_for_run(store: Store, args: argparse.Namespace) -> LocalCentral | None:
    """Before ``run`` serves: enroll the till where the options say, start a local central when it is the one.

    Returns the local central (stopped at exit); None when the till syncs with a real central or not at all.
    Failures are printed as one sentence and the till runs on its own: sync must never keep it from serving.
    """
    wanted = (args.central or os.environ.get("LOYALTY_CENTRAL") or "").strip()
    if args.no_central or wanted.lower() in OFF:
        return None
    try:
        if wanted:
            _real_central(store, args, wanted)
            return None
        return _local_central(store, args)
    except TillHasHistory as err:
        print(f"Sync is off: {err.message}")
    except SyncError as err:
        print(f"Sync is off for now: {err.message}")
    return None


def _real_central(store: Store, args: argparse.Namespace, url: str) -> None:
    with store.read() as session:
        settings = read_settings(session)
    if settings is not None:
        if settings.central_url != check_central_url(url, insecure=True):
            print(f"This till is enrolled with {settings.central_url}: it syncs there, not with {url}.")
        return
    code = (args.code or os.environ.get("LOYALTY_ENROLLMENT_CODE") or "").strip()
    if not code:
        print(f"Sync is off: to enrol this till with {url}, give --code CODE (a manager makes one).")
        return
    done = enroll_till(
        store,
        url,
        code,
        till_name=f"Till {args.till_number}",
        insecure=args.insecure_local_demo,
        store_number=args.store_number,
        till_number=args.till_number,
    )
    print(f"Enrolled with {url} as till {done.till_id} of store {done.store_code}.")


def _local_central(store: Store, args: argparse.Namespace) -> LocalCentral | None:
    if args.no_window or args.exit_when_ready or why_no_window() is not None:
        return None  # nothing would show the sync: the till starts as fast as it can
    with store.read() as session:
        settings = read_settings(session)
        if settings is None:
            check_no_history(session)  # before a process is started for nothing
        elif not get_setting(session, LOCAL_CENTRAL):
            return None  # enrolled with a real central: the engine syncs there
    data_dir: Path = args.data_dir
    central = start_local_central(data_dir)
    atexit.register(central.stop)
    try:
        if settings is None:
            print("First start: enrolling this till with a local central service…", flush=True)
            central.wait_until_ready()
            done = enroll_till(
                store,
                central.url,
                demo_enrollment_code(data_dir),
                till_name=f"Till {args.till_number}",
                store_number=args.store_number,
                till_number=args.till_number,
            )
            print(f"  till {done.till_id} of store {done.store_code}, central at {central.url}")
        # Later starts do not wait for it: the engine tries again until the central answers.
        with store.write() as session:
            set_setting(session, LOCAL_CENTRAL, True)
            set_setting(session, CENTRAL_URL, central.url)  # a new port on every start
    except BaseException:
        central.stop()
        raise
    return central
