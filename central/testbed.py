"""A throwaway PostgreSQL cluster for the central's tests and benchmarks: ``initdb`` into a temporary folder,
``pg_ctl start`` on 127.0.0.1 and a free port (no other interface), a fresh database per user, everything
removed at the end.

Runs the server as the ``postgres`` user when started as root (PostgreSQL refuses to run as root).

Only tests/ and bench/ import this module (an import-linter contract in pyproject.toml): nothing the central
serves depends on it. It ships with the package so that ``loyalty-bench`` can measure the central outside a
source checkout; it still needs the system's PostgreSQL server binaries.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

PG_ROOT = Path("/usr/lib/postgresql")

FAST_UNSAFE = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
"""For tests: a cluster that is thrown away needs no durability, and every commit would wait for the disk."""


def find_pg_bin() -> Path | None:
    """The newest installed server's bin folder (Debian's layout), or None."""
    if not PG_ROOT.is_dir():
        return None
    found = [d / "bin" for d in PG_ROOT.iterdir() if (d / "bin" / "initdb").exists() and d.name.isdigit()]
    return max(found, key=lambda p: int(p.parent.name)) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class PostgresCluster:
    """``durable=True`` keeps PostgreSQL's own defaults (fsync, synchronous commit, full page writes), as a
    production server runs: what the benchmarks measure. The tests leave it off."""

    def __init__(self, bindir: Path, logs: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.logs = logs
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="central-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_user: str | None = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_user is not None:
            command = ["runuser", "-u", self.as_user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stdout}\n{result.stderr}")

    def start(self) -> None:
        if self.as_user is not None:
            record = pwd.getpwnam(self.as_user)
            os.chown(self.root, record.pw_uid, record.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
            "-c max_connections=200"
        )
        if not self.durable:
            options += " " + FAST_UNSAFE
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start"
        )

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            log = self.root / "server.log"
            if log.exists():
                shutil.copy(log, self.logs / "server.log")
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
