"""The central side of the sync benchmarks: a throwaway PostgreSQL cluster (``central.testbed``, as the tests
start it, but durable: fsync and synchronous commit on, as a production server runs), the central as a real
process on 127.0.0.1 (``python -m central serve``), and bulk loads straight into its tables.

``load_members`` writes members as if a till of the store had pushed them (the rows ``central.members``
writes for a ``member`` item: the member, its number's claim, one ``member`` change in the store's log),
with ``COPY`` — the way an operator would import a store's existing members, and the only way to put a
million of them in front of a first pull in seconds.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bench.generate import ts, v7
from bench.measure import Log
from bench.names import EMAIL_DOMAINS, NamePicker
from central import service
from central.db import make_engine, migrate
from central.testbed import PostgresCluster, find_pg_bin, free_port
from loyalty.text import luhn_check_digit
from sync.protocol import EnrollRequest

STARTUP_SECONDS = 60.0
_MEMBER_SALT = 0x1F83D9AB


class NoPostgres(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


@dataclass
class CentralRig:
    """A throwaway cluster with one database, migrated, and the central serving it on 127.0.0.1."""

    cluster: PostgresCluster
    db_url: str
    engine: Engine
    url: str
    process: subprocess.Popen[bytes]
    folder: Path
    stores: dict[str, str] = field(default_factory=dict)

    def new_store(self, code: str) -> str:
        """A store of the central; its id."""
        with Session(self.engine) as session, session.begin():
            store = service.create_store(session, code, f"Cửa hàng {code}")
            self.stores[code] = store.id
            return store.id

    def enrollment_code(self, store_code: str) -> str:
        with Session(self.engine) as session, session.begin():
            store = service.store_by_code(session, store_code)
            assert store is not None
            return service.new_enrollment_code(session, store)

    def writer(self, store_code: str, name: str) -> str:
        """A till of the store enrolled in this process (the one bulk-loaded members come from): its id."""
        code = self.enrollment_code(store_code)
        with Session(self.engine) as session, session.begin():
            return service.enroll(session, EnrollRequest(code=code, till_name=name)).till_id

    def psycopg(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.db_url)

    def central_pid(self) -> int:
        return self.process.pid


def _wait_until_serving(process: subprocess.Popen[bytes], base: str, log_file: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"the central exited with {process.returncode}: {log_file.read_text(errors='replace')[-2000:]}"
            )
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the central did not answer within {STARTUP_SECONDS:.0f} s")
        time.sleep(0.1)


@contextmanager
def central_rig(
    log: Log, *, durable: bool = True, keep_logs: Path | None = None, workers: int = 1
) -> Iterator[CentralRig]:
    """Start the cluster and the central; stop both at the end, whatever happened. ``keep_logs``: a folder
    to copy the central's and PostgreSQL's logs to (``sync-central.log``, ``sync-postgres.log``)."""
    bindir = find_pg_bin()
    if bindir is None:
        raise NoPostgres(
            "the PostgreSQL server binaries (initdb, pg_ctl) are not installed: "
            "`make test-system-deps` installs them"
        )
    folder = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    cluster = PostgresCluster(bindir, folder, durable=durable)
    log(
        f"PostgreSQL: a throwaway cluster on 127.0.0.1:{cluster.port} ({'durable' if durable else 'no fsync'})"
    )
    cluster.start()
    process: subprocess.Popen[bytes] | None = None
    engine: Engine | None = None
    try:
        db_url = cluster.new_database()
        engine = make_engine(db_url)
        migrate(engine)
        port = free_port()
        log_file = folder / "central.log"
        argv = [sys.executable, "-m", "central", "serve", "--db", db_url, "--host", "127.0.0.1"]
        argv += ["--workers", str(workers)]
        with log_file.open("wb") as out:
            process = subprocess.Popen(
                [*argv, "--port", str(port)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        _wait_until_serving(process, base, log_file)
        log(f"central: serving at {base} (process {process.pid}, {workers} worker(s))")
        yield CentralRig(cluster, db_url, engine, base, process, folder)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if engine is not None:
            engine.dispose()
        cluster.stop()
        if keep_logs is not None:
            keep_logs.mkdir(parents=True, exist_ok=True)
            for name, kept in (("central.log", "sync-central.log"), ("server.log", "sync-postgres.log")):
                if (folder / name).exists():
                    shutil.copyfile(folder / name, keep_logs / kept)
        shutil.rmtree(folder, ignore_errors=True)


# -- members, loaded in bulk -----------------------------------------------------------------------------------
def member_number(store_number: int, seq: int) -> str:
    """The store's number, ``00`` for the head office that imported them, a sequence, the Luhn digit."""
    body = f"{store_number:03d}00{seq:08d}"
    return body + luhn_check_digit(body)


def phone(j: int) -> str:
    """A unique Vietnamese mobile number in E.164 for member ``j`` (a bijection below 10**8)."""
    return f"+849{(j * 48271 + 12_345_678) % 100_000_000:08d}"


@dataclass(frozen=True)
class LoadedMembers:
    count: int
    seconds: float
    first_change: int
    last_change: int


def load_members(
    rig: CentralRig,
    store_code: str,
    writer_id: str,
    count: int,
    *,
    seed: int,
    log: Log,
    store_number: int = 1,
) -> LoadedMembers:
    """``count`` members of the store, as if ``writer_id`` had pushed them: rows of ``members`` and
    ``member_numbers`` and ``member`` changes numbered after the store's last one, in one transaction."""
    store_id = rig.stores[store_code]
    rng = random.Random(seed)
    names = NamePicker(rng)
    started = time.perf_counter()
    base_us = int((datetime.now(UTC) - timedelta(days=400)).timestamp() * 1_000_000)
    step_us = max(1, 365 * 86_400_000_000 // max(1, count))
    with (
        rig.psycopg() as conn,
        conn.cursor() as cur,
        tempfile.TemporaryFile("w+", encoding="utf-8") as numbers_file,
        tempfile.TemporaryFile("w+", encoding="utf-8") as changes_file,
    ):
        cur.execute("SELECT last_change FROM stores WHERE id = %s FOR UPDATE", (store_id,))
        row = cur.fetchone()
        assert row is not None
        first = int(row[0]) + 1
        # Three tables in one pass: members go straight in, the other two are spooled and copied after.
        with cur.copy(
            "COPY members (id, store_id, member_number, full_name, phone, email, status, tier_code, "
            "balance, entry_count, updated_at, merged_into_id, field_times) FROM STDIN"
        ) as members:
            for j in range(count):
                us = base_us + j * step_us
                member_id = v7(us, j, _MEMBER_SALT)
                number = member_number(store_number, j + 1)
                name = names.pick()
                email = None
                if rng.random() < 0.35:
                    domain = EMAIL_DOMAINS[int(rng.random() * len(EMAIL_DOMAINS))]
                    email = f"{name.given_folded}.{name.family_folded}.{j}@{domain}".replace(" ", "")
                mobile = phone(j) if rng.random() < 0.95 else None
                updated = ts(us)
                profile = {
                    "member_number": number,
                    "full_name": name.full,
                    "phone": mobile,
                    "email": email,
                    "status": "active",
                    "tier_code": None,
                }
                stamps = json.dumps({key: [updated, writer_id] for key in profile})
                row = (member_id, store_id, number, name.full, mobile, email, "active", None, 0, 0, updated)
                members.write_row((*row, None, stamps))
                numbers_file.write(f"{store_id}\t{number}\t{member_id}\n")
                body = {"id": member_id, "store_id": store_id, **profile, "updated_at": updated}
                # COPY's text format: JSON escapes tabs and newlines itself; backslashes are doubled.
                text = json.dumps(body, ensure_ascii=False).replace("\\", "\\\\")
                changes_file.write(f"{store_id}\t{first + j}\tmember\t{writer_id}\t{text}\t{updated}\n")
                if (j + 1) % 200_000 == 0:
                    log(f"  members: {j + 1:,} of {count:,}")
        for spool, copy_sql in (
            (numbers_file, "COPY member_numbers (store_id, member_number, member_id) FROM STDIN"),
            (changes_file, "COPY changes (store_id, no, kind, origin_till_id, body, created_at) FROM STDIN"),
        ):
            spool.seek(0)
            with cur.copy(copy_sql) as copy:
                while chunk := spool.read(1 << 20):
                    copy.write(chunk)
        last = first + count - 1
        cur.execute("UPDATE stores SET last_change = %s WHERE id = %s", (last, store_id))
        conn.commit()
        cur.execute("ANALYZE members")
        cur.execute("ANALYZE changes")
        conn.commit()
    seconds = time.perf_counter() - started
    log(f"  {count:,} members loaded in {seconds:.1f} s")
    return LoadedMembers(count, seconds, first, last)


def pid_rss_mb(pid: int) -> float | None:
    """Resident set size of a process in MB (None when it has ended)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (None when it has ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
