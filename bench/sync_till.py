"""The till side of the sync benchmarks: tills enrolled with the benchmark's central, and a day of offline
sales written into them.

A till is made as a shop makes one: a new data folder opened by the application (``open_store``), enrolled
with a one-time code over HTTP (``enroll_till``: the central's store and till ids and card key become the
till's own), the default program installed and a cashier created through the services.

``offline_sales`` then writes the sales a till makes while the link is down, through the till's own write
path (``app.services.accounts.write_entry``, which every award and redemption goes through): each entry
numbered and linked into the till's hash chain, its lot, the lots a redemption consumes, the balance, and
its outbox row — so the push carries exactly what a real till would push. Only the transactions are larger
than a sale's (a few thousand entries each, one ``synchronous=FULL`` commit per chunk instead of per sale):
the entries are the same, the hours of a real day are not spent waiting on the disk.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from app.demo import PROGRAM_FILE
from app.paths import database_path
from app.services import SYSTEM, Role, TillServices
from app.services.accounts import MemberRow, NewEntry, load_account, load_member, write_entry
from app.services.core import TILL_ID
from app.services.syncing import enroll_till, till_engine
from app.store.db import Store, open_store
from app.store.settings import get_setting
from app.store.types import utcnow
from bench.measure import Log
from loyalty.ids import new_id
from loyalty.ledger import Account, EntryKind, Posting, expiry_for
from loyalty.money import Money
from loyalty.program import load_program
from loyalty.quote import Basket, quote, redemption_value

CASHIER = ("1001", "Trần Thị Mai", "1111")
CHUNK = 2_000
"""Entries per write transaction while the offline sales are written."""
P_REDEEM = 0.08
REDEEM_POINTS = (50, 50, 80, 100, 100, 150, 200, 300)


def new_till(central_url: str, code: str, data_dir: Path, number: int) -> Store:
    """A new till enrolled with the central at ``central_url`` with a one-time ``code``; its open store."""
    store = open_store(database_path(data_dir))
    try:
        enroll_till(store, central_url, code, till_name=f"Quầy {number}", till_number=number)
        svc = TillServices.open(store)
        svc.programs.install(SYSTEM, load_program(PROGRAM_FILE))
        svc.staff.create(SYSTEM, CASHIER[0], CASHIER[1], Role.CASHIER, CASHIER[2])
    except BaseException:
        store.close()
        raise
    return store


@dataclass(frozen=True)
class SalesMade:
    entries: int
    earns: int
    redemptions: int
    points: int
    """The sum of the entries' points (what the central's balances grow by)."""
    seconds: float


def member_ids(store: Store) -> list[str]:
    with store.read() as session:
        return [
            str(r[0])
            for r in session.execute(text("SELECT id FROM members WHERE status = 'active' ORDER BY id"))
        ]


def offline_sales(
    store: Store, count: int, *, seed: int, receipt_prefix: str, log: Log, members: list[str] | None = None
) -> SalesMade:
    """Write ``count`` sales (earnings, and redemptions of the soonest-expiring points) for the till's
    members, as the points services write them, while the till is offline."""
    svc = TillServices.open(store)
    core = svc.core
    staff_id = svc.staff.sign_in(CASHIER[0], CASHIER[2]).staff_id
    ids = members if members is not None else member_ids(store)
    if not ids:
        raise ValueError("the till has no members to sell to")
    with core.read() as session:
        program = core.program(session)
    rng = random.Random(seed)
    # Bill amounts of a convenience store, in VND: a few tens of thousands to a few million.
    bills = sorted(
        min(20_000_000, max(5_000, int(round(rng.lognormvariate(11.9, 0.9), -3)))) for _ in range(4096)
    )
    minimum = max(1, program.redemption.minimum_points)
    accounts: dict[str, tuple[MemberRow, Account]] = {}
    earns = redemptions = points = 0
    started = time.perf_counter()
    written = 0
    while written < count:
        with core.write() as session:
            for _ in range(min(CHUNK, count - written)):
                member_id = ids[int(rng.random() * len(ids))]
                held = accounts.get(member_id)
                if held is None:
                    row = load_member(session, member_id)
                    held = accounts[member_id] = (row, load_account(session, row))
                member, account = held
                at = utcnow()
                entry_id = new_id()
                receipt = f"{receipt_prefix}{written:08d}"
                available = account.available(at)
                if rng.random() < P_REDEEM and available >= minimum:
                    spent = max(
                        minimum, min(REDEEM_POINTS[int(rng.random() * len(REDEEM_POINTS))], available)
                    )
                    posting = account.debit(entry_id, spent, at)
                    spec = NewEntry(
                        EntryKind.REDEEM, amount=redemption_value(program, spent), receipt_ref=receipt
                    )
                    redemptions += 1
                else:
                    basket = Basket.of_total(Money(bills[int(rng.random() * 4096)], program.currency))
                    q = quote(program, basket, at=at, tier_code=member.tier_code)
                    if q.points > 0:
                        expires = expiry_for(program.expiry, at, program.zone)
                        posting = account.credit(entry_id, q.points, at, expires)
                    else:
                        posting = Posting(entry_id, 0)
                    details = {
                        "components": [
                            {"rule": c.rule, "points": c.points, "detail": c.detail} for c in q.components
                        ],
                        "lines": [
                            {
                                "amount": ln.amount.amount,
                                "category": ln.category,
                                "sku": ln.sku,
                                "qty": ln.quantity,
                            }
                            for ln in basket.lines
                        ],
                    }
                    spec = NewEntry(EntryKind.EARN, amount=basket.total, receipt_ref=receipt, details=details)
                    earns += 1
                write_entry(core, session, member, program, staff_id, posting, spec, at)
                points += posting.points
                written += 1
        if written % 20_000 < CHUNK:
            log(f"  offline sales: {written:,} of {count:,}")
    return SalesMade(written, earns, redemptions, points, time.perf_counter() - started)


def waiting(store: Store) -> int:
    with store.read() as session:
        return int(session.execute(text("SELECT count(*) FROM outbox WHERE acked_at IS NULL")).scalar_one())


def committed(store: Store) -> tuple[int, int]:
    """(entries, sum of points) this till wrote into its own chain: what the central must hold of it."""
    with store.read() as session:
        row = session.execute(
            text("SELECT count(*), coalesce(sum(points), 0) FROM ledger_entries WHERE till_id = :till"),
            {"till": get_setting(session, TILL_ID)},
        ).one()
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class TillJob:
    """Everything a till needs to be made in another process (plain values: it is pickled)."""

    central_url: str
    code: str
    data_dir: Path
    number: int
    entries: int
    seed: int


@dataclass(frozen=True)
class TillMade:
    data_dir: Path
    till_id: str
    sales: SalesMade
    committed: tuple[int, int]


def _quiet(_line: str) -> None:
    return None


def make_till(job: TillJob, log: Log = _quiet) -> TillMade:
    """An enrolled till that has pulled its store's members (its sync engine, in this process) and then sold
    ``job.entries`` times offline; closed again."""
    store = new_till(job.central_url, job.code, job.data_dir, job.number)
    try:
        till_engine(store).sync_once(push=False, pull=True)
        sales = offline_sales(
            store, job.entries, seed=job.seed, receipt_prefix=f"T{job.number:02d}-", log=log
        )
        made = committed(store)
        if waiting(store) != made[0]:
            raise RuntimeError(f"till {job.number}: the outbox does not hold every entry")
        with store.read() as session:
            till_id = str(get_setting(session, TILL_ID))
    finally:
        store.close()
    return TillMade(job.data_dir, till_id, sales, made)
