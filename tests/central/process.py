"""The central service as a real process on 127.0.0.1 (``python -m central serve``), for the central's tests
and the till's sync tests alike."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from .pgcluster import free_port

ROOT = Path(__file__).resolve().parents[2]


def start_central(
    db_url: str, port: int, startup: float = 180.0, extra: tuple[str, ...] = ()
) -> subprocess.Popen[str]:
    """``python -m central serve`` on 127.0.0.1:``port``, returned once it answers (the caller stops it)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "central",
            "serve",
            "--db",
            db_url,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup
    while True:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"the central exited with {process.returncode}: {output}")
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop_central(process)
            pytest.fail(f"the central did not answer within {startup:.0f} s")
        time.sleep(0.1)


def stop_central(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout:
        process.stdout.close()


@contextmanager
def central_process(db_url: str, startup: float = 180.0, extra: tuple[str, ...] = ()) -> Iterator[str]:
    """Start the central on a free port of 127.0.0.1, wait until it answers, yield its base URL, stop it.
    ``extra``: more arguments for ``serve`` (``("--workers", "2")``)."""
    port = free_port()
    process = start_central(db_url, port, startup, extra)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_central(process)
