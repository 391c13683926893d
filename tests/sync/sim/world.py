"""The simulated store: the central (the real application, in-process, on a SQLite file) and several tills
(real till stores on SQLite files, the real services and sync engine), every request over ``Network``.

What the invariant needs to know is read back from the databases once the run is quiet; the only thing
observed on the way is the order in which the central applied entries (on the central's side of the wire, so
a reply lost afterwards does not hide it), which decides where an overdraft falls."""

from __future__ import annotations

import asyncio
import random
import shutil
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

import loyalty.ids
from app.demo import PROGRAM_FILE
from app.paths import database_path
from app.services import Actor, Role, TillServices
from app.services.syncing import TillSyncStore, enroll_till
from app.store.db import Store, open_store
from app.store.integrity import check_database
from central import service
from central.api import create_app
from central.db import make_engine, migrate
from loyalty.program import Program, load_program
from sync.client import CentralClient
from sync.engine import SyncEngine
from sync.port import Credentials

from .clock import SimClock
from .ids import SeededIds
from .network import QUIET, Faults, Link, Network
from .trace import Trace

CENTRAL_URL = "https://central.test"
STORE_CODE = "SIM"


@dataclass(frozen=True, slots=True)
class Templates:
    """A migrated, empty till database and central database, copied for every run (migrating each costs more
    than a short run)."""

    till: Path
    central: Path

    @classmethod
    def make(cls, folder: Path) -> Templates:
        till = database_path(folder / "till")
        open_store(till).close()
        central = folder / "central.sqlite3"
        engine = make_engine(f"sqlite:///{central}")
        migrate(engine)
        engine.dispose()
        return cls(till, central)


class CentralApp:
    """The central's side of the wire: the FastAPI application, with its request validation, called in-process
    through httpx's ASGI transport on an event loop of its own."""

    def __init__(self, db_file: Path, clock: SimClock) -> None:
        self.db_file, self.clock = db_file, clock
        self.engine: Engine = make_engine(f"sqlite:///{db_file}")
        self.transport = httpx.ASGITransport(
            app=create_app(self.engine, clock.now), raise_app_exceptions=False
        )
        self.restarts = 0
        self.loop = asyncio.new_event_loop()
        self.applied: list[str] = []
        """Ids of the items the central answered ``applied``, in the order it applied them."""
        self.failures: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        reply = self.loop.run_until_complete(self._handle(request))
        if reply.status_code >= 500:
            self.failures.append(f"{request.method} {request.url.path} -> {reply.status_code}: {reply.text}")
        elif request.url.path == "/v1/push" and reply.status_code == 200:
            self.applied += [r["id"] for r in reply.json()["results"] if r["status"] == "applied"]
        return reply

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        reply = await self.transport.handle_async_request(request)
        content = await reply.aread()
        return httpx.Response(reply.status_code, headers=reply.headers, content=content, request=request)

    def restart(self) -> None:
        """The central process stopped and started again between two requests: a new application and
        engine over the same database. What it committed stays; whatever it held only in memory is gone."""
        self.loop.run_until_complete(self.transport.aclose())
        self.engine.dispose()
        self.engine = make_engine(f"sqlite:///{self.db_file}")
        self.transport = httpx.ASGITransport(
            app=create_app(self.engine, self.clock.now), raise_app_exceptions=False
        )
        self.restarts += 1

    def close(self) -> None:
        self.loop.run_until_complete(self.transport.aclose())
        self.loop.close()
        self.engine.dispose()


class SimTill:
    """One till: its store on a file, its services and engine in memory (lost when it is killed)."""

    def __init__(self, name: str, number: int, data_dir: Path, clock: SimClock, link: Link) -> None:
        self.name = name
        self.number = number
        self.path = database_path(data_dir)
        self.clock = clock
        self.link = link
        # Staff as the services see them after sign-in (PIN checks are another test's business; their argon2
        # hashes would cost more than a short run).
        self.cashier = Actor(f"C{number}", f"Mai {number}", Role.CASHIER)
        self.manager = Actor(f"M{number}", f"Lan {number}", Role.MANAGER)
        self.store: Store
        self.svc: TillServices
        self.engine: SyncEngine

    def start(self, store: Store | None = None) -> None:
        self.store = store or open_store(self.path)
        self.svc = TillServices.open(self.store, self.clock.now)
        self.engine = SyncEngine(
            TillSyncStore(self.store, self.clock.now),
            connect=self._connect,
            clock=self.clock.now,
            pull_ahead=False,  # one thread at a time takes from the seeded link and the fake clock
        )

    def _connect(self, credentials: Credentials) -> CentralClient:
        return CentralClient.connect(credentials.central_url, credentials.token, transport=self.link)

    def kill(self) -> None:
        """The process dies: what is in memory is gone, what was committed stays in the file."""
        self.store.close()
        self.start()

    def close(self) -> None:
        self.store.close()

    @property
    def till_id(self) -> str:
        return self.svc.core.till.till_id

    def query(self, sql: str, **params: Any) -> list[Any]:
        with self.store.read() as session:
            return list(session.execute(text(sql), params).all())


@dataclass
class World:
    rng: random.Random
    clock: SimClock
    trace: Trace
    central: CentralApp
    network: Network
    program: Program
    tills: list[SimTill] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """Things that must not happen whatever the network does (a till refused, a 5xx): checked at the end."""

    @classmethod
    @contextmanager
    def open(
        cls, seed: int, folder: Path, templates: Templates, tills: int, faults: Faults
    ) -> Iterator[World]:
        rng = random.Random(seed)
        clock = SimClock()
        trace = Trace(clock)
        folder.mkdir(parents=True, exist_ok=True)
        central_file = folder / "central.sqlite3"
        shutil.copyfile(templates.central, central_file)
        with ExitStack() as cleanup:
            # Ids from the seed too (see .ids), in place of the wall clock's and the system's randomness.
            production_ids = loyalty.ids.uuid7
            loyalty.ids.uuid7 = SeededIds(random.Random(rng.getrandbits(64)), clock).uuid7
            cleanup.callback(setattr, loyalty.ids, "uuid7", production_ids)
            central = CentralApp(central_file, clock)
            cleanup.callback(central.close)
            # Enrollment is the set-up, not the test: it goes over a network without faults.
            network = Network(rng, clock, central, trace, QUIET)
            world = cls(rng, clock, trace, central, network, load_program(PROGRAM_FILE))
            cleanup.callback(world.close)
            world._set_up(folder, templates, tills)
            network.faults = faults
            yield world

    def close(self) -> None:
        for till in self.tills:
            till.close()

    def _set_up(self, folder: Path, templates: Templates, count: int) -> None:
        with Session(self.central.engine) as session, session.begin():
            shop = service.create_store(session, STORE_CODE, "Cửa hàng mô phỏng")
            service.install_program(session, self.program, self.clock.now())
            codes = [service.new_enrollment_code(session, shop, self.clock.now()) for _ in range(count)]
        for number, code in enumerate(codes, start=1):
            name = f"till{number}"
            data_dir = folder / name
            path = database_path(data_dir)
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(templates.till, path)
            till = SimTill(name, number, data_dir, self.clock, self.network.link(name))
            store = open_store(path)
            enroll_till(
                store,
                CENTRAL_URL,
                code,
                till_name=f"Quầy {number}",
                till_number=number,
                transport=till.link,
            )
            till.start(store)
            till.engine.sync_once()  # the program the central publishes
            self.tills.append(till)
            self.label(till.till_id, name)

    def label(self, key: str, label: str | None = None) -> str:
        """A name for an id that is the same in every run of the seed (the trace never shows raw ids)."""
        if key not in self.labels:
            self.labels[key] = label or f"x{len(self.labels)}"
        return self.labels[key]


# -- the invariant -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    member_id: str
    till_id: str
    points: int


def till_entries(till: SimTill) -> list[Entry]:
    rows = till.query("SELECT id, member_id, till_id, points FROM ledger_entries")
    return [Entry(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


def central_entries(world: World) -> list[Entry]:
    with Session(world.central.engine) as session:
        rows = session.execute(text("SELECT id, member_id, till_id, points FROM entries")).all()
    return [Entry(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


def expected_overdrafts(world: World, points: dict[str, tuple[str, int]]) -> dict[str, int]:
    """Entry id -> points overspent, replaying the entries in the order the central applied them: a debit
    overdraws by what it takes below zero (what was owed before stays owed; credits pay it back first)."""
    balance: dict[str, int] = defaultdict(int)
    overdrawn: dict[str, int] = {}
    for item_id in world.central.applied:
        if item_id not in points:
            continue  # a member item
        member_id, p = points[item_id]
        before = balance[member_id]
        after = before + p
        short = max(0, -after) - max(0, -before)
        if p < 0 and short > 0:
            overdrawn[item_id] = short
        balance[member_id] = after
    return overdrawn


def overdraft_count(world: World) -> int:
    with Session(world.central.engine) as session:
        return int(session.execute(text("SELECT count(*) FROM overdrafts")).scalar_one())


def violations(world: World) -> list[str]:
    """Every way the quiet store breaks the invariant (docs/sync.md), as sentences; [] when it holds."""
    found = list(world.problems) + [f"central failed: {f}" for f in world.central.failures]
    if world.network.held:
        found.append(f"{len(world.network.held)} requests still on the wire")
    own: dict[str, Entry] = {}
    by_till: dict[str, list[Entry]] = {}
    for till in world.tills:
        entries = till_entries(till)
        by_till[till.name] = entries
        for entry in entries:
            if entry.till_id == till.till_id:
                if entry.id in own:
                    found.append(f"entry {world.label(entry.id)} committed at two tills")
                own[entry.id] = entry
        waiting = till.engine.port.waiting()
        if waiting:
            found.append(f"{till.name}: {waiting} outbox items still waiting")
        with till.store.read() as session:
            found += [f"{till.name} check: {p}" for p in check_database(session)]
    central = central_entries(world)
    central_ids = [e.id for e in central]
    if len(set(central_ids)) != len(central_ids):
        found.append("the central counts an entry on two members")
    till_ids = {till.till_id for till in world.tills}
    central_own = {e.id: e for e in central if e.till_id in till_ids}
    central_writes = {e.id: e for e in central if e.till_id not in till_ids}
    for entry_id in own.keys() - central_own.keys():
        found.append(f"entry {world.label(entry_id)} committed at a till is missing at the central")
    for entry_id in central_own.keys() - own.keys():
        found.append(f"entry {world.label(entry_id)} at the central was committed by no till")
    for entry_id in own.keys() & central_own.keys():
        if own[entry_id].points != central_own[entry_id].points:
            found.append(f"entry {world.label(entry_id)} has other points at the central")
    everything = {**own, **central_writes}
    with Session(world.central.engine) as session:
        members = session.execute(text("SELECT id, balance, entry_count FROM members")).all()
        overdrafts: dict[str, int] = {
            str(k): int(v) for k, v in session.execute(text("SELECT id, points FROM overdrafts")).all()
        }
        inbox = session.execute(
            text("SELECT item_id, count(*) FROM inbox_items WHERE kind = 'overdraft' GROUP BY item_id")
        ).all()
    counted: dict[str, list[Entry]] = defaultdict(list)
    for entry in central:
        counted[entry.member_id].append(entry)
    for member_id, balance, count in members:
        name = world.label(member_id)
        ids = {e.id for e in counted[member_id]}
        if balance != sum(e.points for e in counted[member_id]) or count != len(ids):
            found.append(f"{name}: the central's balance {balance} ({count}) is not the sum of its entries")
        if balance != sum(everything[i].points for i in ids if i in everything):
            found.append(
                f"{name}: the central's balance {balance} is not the sum of what the tills committed"
            )
        for till in world.tills:
            mine = {e.id for e in by_till[till.name] if e.member_id == member_id}
            rows = till.query("SELECT balance FROM members WHERE id = :m", m=member_id)
            if not rows:
                found.append(f"{till.name} does not know {name}")
                continue
            shown = till.svc.members.get(member_id).balance  # what the cashier sees
            if rows[0][0] != balance or shown != balance or mine != ids:
                found.append(
                    f"{till.name}: {name} has {rows[0][0]} points (shown: {shown}) in {len(mine)} entries, "
                    f"the central {balance} in {count} ({len(mine - ids)} extra, {len(ids - mine)} missing)"
                )
    wanted = expected_overdrafts(world, {e.id: (e.member_id, e.points) for e in everything.values()})
    if overdrafts != wanted:
        found.append(
            f"overdrafts at the central {sorted((world.label(k), v) for k, v in overdrafts.items())}, "
            f"expected {sorted((world.label(k), v) for k, v in wanted.items())}"
        )
    inbox_counts = {str(item): int(n) for item, n in inbox}
    if inbox_counts != dict.fromkeys(overdrafts, 1):
        found.append(
            f"overdraft inbox items {sorted((world.label(k), n) for k, n in inbox_counts.items())} "
            f"for overdrafts {sorted(world.label(k) for k in overdrafts)}"
        )
    for till in world.tills:
        for entry_id, n in till.query(
            "SELECT entry_id, count(*) FROM overdrafts GROUP BY entry_id HAVING count(*) > 1"
        ):
            found.append(f"{till.name} records the overdraft of {world.label(entry_id)} {n} times")
    return found
