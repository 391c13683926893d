"""Store-scale till databases for the benchmarks: ``python -m bench generate --members N --entries N --out PATH``.

The file is created the way a till creates it (``open_store`` migrates it and stamps the application id,
``bootstrap_till`` gives it an identity, the default program is installed and two staff members are created
through the services), then closed and bulk-loaded with the plain ``sqlite3`` module on one connection:
no journal and no fsync during the load, big page cache, secondary indexes and triggers dropped first and
re-created afterwards from the exact DDL the migrations wrote, the name index rebuilt at the end.

What is loaded follows the till's own rules, so the services can work on it as on a real till:

* History is simulated day by day over ``days`` days (default two years) ending yesterday, in the store's
  opening hours. Each day starts with the expiry run the till does when it starts (``expire_due``), then the
  day's sales: enrolments (welcome bonus), earnings (most), redemptions (soonest-expiring lots consumed
  first, with ``lot_consumptions`` rows), non-purchase actions (within their caps).
* Every credit creates a lot with the program's expiry date; ``members.balance`` is the sum of the member's
  entries and equals what is left in their lots (nobody owes an overdraft).
* Ids are UUIDv7 built from the entry's time plus a counter, so they sort by time as the till's own ids do;
  ``(till_id, seq)`` counts up per till in time order; the till's counters continue after the largest
  values used; member numbers are store + till + sequence + Luhn digit as ``MemberService`` makes them.
* The total is exactly ``entries`` ledger rows: expiries are planned for (a small pilot run measures how many
  there will be) and the last year adjusts the daily number of sales to land on the total.

Earned points use the program's base rate (spend step, minimum spend, cap); tier multipliers and promotions
are not replayed, and ``details`` is left empty, as for entries pulled from the central service.
"""

from __future__ import annotations

import bisect
import json
import multiprocessing
import os
import pickle
import random
import sqlite3
import sys
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from app.demo import PROGRAM_FILE
from app.services import SYSTEM, Role, TillServices, bootstrap_till
from app.store.db import open_store
from bench.names import EMAIL_DOMAINS, NamePicker
from loyalty.audit import canonical_json
from loyalty.identity import code_token, uid_label, uid_token
from loyalty.ledger import add_months, expiry_for
from loyalty.program import Program
from loyalty.text import luhn_check_digit
from loyalty.tiers import tier_for_spend, window_start

GENERATOR_VERSION = 1
MARKER_KEY = "bench_dataset"
"""Settings key written as the very last step of a load: a dataset without it is incomplete."""

DATA_DIR = Path(__file__).resolve().parent / ".data"
DEFAULT_MEMBERS = 1_000_000
DEFAULT_ENTRIES = 10_000_000

STORE_ID = "bench-store-042"
STORE_NUMBER = 42
TILLS: tuple[tuple[str, int], ...] = (("bench-till-1", 1), ("bench-till-2", 2), ("bench-till-3", 3))
"""The store's tills; the dataset is the database of the first one. The others' sales reached it by sync."""
TILL_SHARE = (0.6, 0.25, 0.15)
THIS_TILL = 0

CASHIER = ("1001", "Trần Thị Mai", "1111")
MANAGER = ("9001", "Nguyễn Thị Lan", "9999")
"""Staff created in every dataset: (code, name, PIN). The benchmarks sign in with these."""

OPEN_AT = dtime(7, 0)
CLOSE_AT = dtime(22, 0)
EXPIRY_RUN_AT = dtime(6, 0)

CHUNK = 50_000
CACHE_KIB = 2_000_000

# Shares of a visit (what is left is an earning).
P_REDEEM = 0.06
P_ACTION = 0.05
P_REGULAR = 0.4
"""Share of visits made by "regulars" (one member in eight), who therefore collect most of the points."""
REDEEM_POINTS = (50, 50, 80, 100, 100, 150, 200, 300, 500, 1000)
LAUNCH_SHARE = 0.10
"""Share of the members who sign up in the first month (the opening campaign); the rest join evenly."""

ENTRY_SQL = (
    "INSERT INTO ledger_entries (id, member_id, kind, points, amount_minor, currency, receipt_ref, store_id, "
    "till_id, seq, staff_id, reason, action_code, program_version, channel, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'till', ?)"
)
CONSUMPTION_SQL = "INSERT INTO lot_consumptions (entry_id, lot_id, points) VALUES (?, ?, ?)"
LOT_SQL = (
    "INSERT INTO lots (id, member_id, points, remaining, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)"
)
MEMBER_SQL = (
    "INSERT INTO members (id, member_number, full_name, name_folded, phone, email, birthday, referral_code, "
    "status, tier_code, tier_since, tier_review_at, balance, first_purchase_at, preferred_language, "
    "home_store_id, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
CARD_SQL = (
    "INSERT INTO cards (id, token, kind, status, member_id, label, status_reason, created_at, status_changed_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
CONSENT_SQL = (
    "INSERT INTO consents (member_id, purpose, granted, text_version, recorded_at, staff_id) "
    "VALUES (?, 'marketing', ?, '2026-01', ?, ?)"
)

Log = Callable[[str], None]


def stderr_log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def default_dataset_path(members: int, entries: int) -> Path:
    return DATA_DIR / f"till-{members}-{entries}.sqlite"


# -- ids and times ---------------------------------------------------------------------------------------
_US_PER_DAY = 86_400_000_000
_EPOCH = date(1970, 1, 1)
_day_prefix: dict[int, str] = {}
_TIME_OF_DAY = [f"{h:02d}:{m:02d}:{s:02d}." for h in range(24) for m in range(60) for s in range(60)]


def ts(us: int) -> str:
    """``app.store.types.format_utc`` of a Unix time in microseconds, without building a datetime."""
    day, in_day = divmod(us, _US_PER_DAY)
    sec, micro = divmod(in_day, 1_000_000)
    prefix = _day_prefix.get(day)
    if prefix is None:
        prefix = (_EPOCH + timedelta(days=day)).isoformat() + "T"
        _day_prefix[day] = prefix
    return f"{prefix}{_TIME_OF_DAY[sec]}{micro:06d}Z"


def to_us(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)


_ENTRY_SALT = 0x2545F491
_MEMBER_SALT = 0x6A09E667
_CARD_SALT = 0x3C6EF372


def v7(us: int, counter: int, salt: int) -> str:
    """A UUIDv7 string: 48-bit Unix milliseconds, then ``counter`` as a 42-bit dedicated counter (RFC 9562
    §6.2 method 1: the 12 ``rand_a`` bits and the top 30 of ``rand_b``), then 32 bits mixed from the counter.
    Unique per counter, and in time order when the counter grows with time."""
    rand_a = (counter >> 30) & 0xFFF
    rand_b = ((counter & 0x3FFFFFFF) << 32) | (((counter + salt) * 0x9E3779B1) & 0xFFFFFFFF)
    value = ((us // 1000) << 80) | (0x7000 << 64) | (rand_a << 64) | (0b10 << 62) | rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def member_number(store_number: int, till_number: int, seq: int) -> str:
    body = f"{store_number:03d}{till_number:02d}{seq:07d}"
    return body + luhn_check_digit(body)


_REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def referral_code(j: int) -> str:
    """Eight characters of ``MemberService``'s alphabet; a bijection of ``j`` on 40 bits, so never repeated."""
    value = ((j * 0x9E3779B97F) ^ 0x5BD1E995) & ((1 << 40) - 1)
    return "".join(_REFERRAL_ALPHABET[(value >> shift) & 31] for shift in range(35, -1, -5))


def phone_of(j: int) -> str:
    """A unique Vietnamese mobile number in E.164 (``+849xxxxxxxx``): a bijection of ``j`` below 10**8."""
    return f"+849{(j * 48271 + 12_345_678) % 100_000_000:08d}"


def card_uid(j: int) -> bytes:
    """A unique 7-byte NXP-style UID (0x04 manufacturer byte) for member ``j``'s card."""
    return b"\x04" + ((j * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)).to_bytes(6, "big")


# -- configuration ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GenerateConfig:
    members: int = DEFAULT_MEMBERS
    entries: int = DEFAULT_ENTRIES
    days: int = 730
    seed: int = 2026
    end_date: date | None = None
    """Last day of history, in the store's calendar; default: yesterday, so nothing lies in the future."""
    program_file: Path = PROGRAM_FILE

    def check(self) -> None:
        if self.members < 1 or self.entries < 1 or self.days < 2:
            raise ValueError("members, entries and days must be positive (days at least 2)")
        if self.entries < 2 * self.members:
            raise ValueError("give at least two ledger entries per member (each member has a welcome bonus)")


@dataclass
class GenerateStats:
    members: int = 0
    entries: int = 0
    lots: int = 0
    consumptions: int = 0
    cards: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


# -- calendar --------------------------------------------------------------------------------------------
class Calendar:
    """The store's days: opening hours, the morning expiry run, expiry dates and cap periods, as Unix µs."""

    def __init__(self, program: Program, end_date: date, days: int) -> None:
        zone = program.zone
        self.days = days
        self.dates = [end_date - timedelta(days=days - 1 - d) for d in range(days)]
        self.open_us: list[int] = []
        self.span_us: list[int] = []
        self.job_us: list[int] = []
        self.weight: list[float] = []
        for d, day in enumerate(self.dates):
            opens = datetime.combine(day, OPEN_AT, tzinfo=zone)
            closes = datetime.combine(day, CLOSE_AT, tzinfo=zone)
            self.open_us.append(to_us(opens.astimezone(UTC)))
            self.span_us.append(to_us(closes.astimezone(UTC)) - self.open_us[-1])
            self.job_us.append(to_us(datetime.combine(day, EXPIRY_RUN_AT, tzinfo=zone).astimezone(UTC)))
            weekend = 1.3 if day.weekday() >= 5 else 1.0
            self.weight.append(weekend * (0.8 + 0.4 * d / days))  # a store that grows a little
        self.end_us = self.open_us[-1] + self.span_us[-1]
        self.now = from_us(self.end_us)
        # Expiry of points earned at opening time on each day. With end-of-month expiry every moment of the
        # day expires at once; otherwise the date moves and the time of day stays (no DST in the zone).
        self.expiry = program.expiry
        self.exp_open_us: list[int] = []
        if program.expiry is not None:
            for d in range(days):
                due = expiry_for(program.expiry, from_us(self.open_us[d]), zone)
                assert due is not None
                self.exp_open_us.append(to_us(due.astimezone(UTC)))
        self.eom = program.expiry is not None and program.expiry.end_of_month
        # Cap periods by day, as integers (day, week, month, year keys in the store's calendar).
        self.period_key: dict[str, list[int]] = {
            "day": list(range(days)),
            "week": [(day - timedelta(days=day.weekday())).toordinal() for day in self.dates],
            "month": [day.year * 12 + day.month for day in self.dates],
            "year": [day.year for day in self.dates],
            "ever": [0] * days,
        }

    def expires_us(self, d: int, us: int) -> int:
        if self.eom:
            return self.exp_open_us[d]
        return self.exp_open_us[d] + (us - self.open_us[d])

    def job_index(self, exp_us: int) -> int:
        """The day whose morning expiry run removes a lot expiring at ``exp_us`` (``days`` if none does)."""
        return bisect.bisect_left(self.job_us, exp_us)

    def first_day_never_expiring(self) -> int:
        """The first day whose earnings do not expire within the history (all days from there on)."""
        if self.expiry is None:
            return 0
        for d in range(self.days):
            if self.job_index(self.exp_open_us[d]) >= self.days:
                return d
        return self.days


# -- the simulation --------------------------------------------------------------------------------------
LOAD_PRAGMAS = (
    "journal_mode = OFF",
    "synchronous = OFF",
    f"cache_size = -{CACHE_KIB}",
    "temp_store = FILE",
    "threads = 2",
    "foreign_keys = OFF",
)
"""The loading connection: no rollback journal, no fsync, a big page cache, two sorter threads for indexes."""


def load_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in LOAD_PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _loader_main(path: str, inbox: Connection, outbox: Connection) -> None:
    """The loader process: inserts each chunk it receives, one transaction per chunk. Answers with the
    seconds spent per table, or the error."""
    error: str | None = None
    spent: dict[str, float] = {}
    conn = load_connection(Path(path))
    try:
        while True:
            data = inbox.recv_bytes()
            if not data:
                break
            if error is not None:
                continue  # keep draining so that the sender never blocks on a full pipe
            sql, rows = pickle.loads(data)
            started = time.perf_counter()
            table = sql.split()[2]
            try:
                conn.execute("BEGIN")
                conn.executemany(sql, rows)
                conn.execute("COMMIT")
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc} (in {sql[:60]}...)"
            spent[table] = spent.get(table, 0.0) + time.perf_counter() - started
    finally:
        conn.close()
    outbox.send(error if error is not None else {k: round(v, 1) for k, v in spent.items()})


class Sink:
    """Where rows go: a separate process that inserts them, so SQLite's work (binding and B-tree inserts, the
    larger half of a load) runs on the second core while this process simulates and formats the next chunk.
    Threads would not do: the sqlite3 module takes the GIL back after every row."""

    def __init__(self, path: Path) -> None:
        ctx = multiprocessing.get_context("spawn")
        inbox, self._send = ctx.Pipe(duplex=False)
        self._result, outbox = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(
            target=_loader_main, args=(str(path), inbox, outbox), name="bench-loader", daemon=True
        )
        self._proc.start()
        inbox.close()
        outbox.close()
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def _count(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n

    def put(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self._count(sql.split()[2], len(rows))
            self._send.send_bytes(pickle.dumps((sql, rows), protocol=pickle.HIGHEST_PROTOCOL))

    def kill(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()

    def close(self) -> None:
        self._send.send_bytes(b"")
        self._send.close()
        try:
            result = self._result.recv()
        except EOFError:
            result = f"the loader process died (exit code {self._proc.exitcode})"
        self._proc.join()
        if not isinstance(result, dict):
            raise RuntimeError(f"loading failed: {result}")
        self.seconds = result


@dataclass
class Staff:
    this_till: tuple[str, ...]
    other_tills: tuple[str, ...]


class Simulation:
    """Plays the store's history day by day. With a sink it writes ledger entries and lot consumptions as it
    goes (in time order, so ids and sequence numbers arrive in index order); without one it only counts, which
    is how the pilot run measures the share of expiry entries."""

    def __init__(
        self,
        cal: Calendar,
        program: Program,
        members: int,
        entries: int,
        seed: int,
        *,
        expiry_ratio: float,
        sink: Sink | None = None,
        staff: Staff | None = None,
        log: Log | None = None,
    ) -> None:
        self.cal = cal
        self.program = program
        self.members = members
        self.entries = entries
        self.seed = seed
        self.expiry_ratio = expiry_ratio
        self.sink = sink
        self.staff = staff or Staff(("staff-this",), ("staff-other",))
        self.log = log
        # Filled by run():
        self.n = 0
        self.phase1_activities = 0
        self.expiries = 0
        self.kinds: dict[str, int] = {}
        self.consumptions = 0
        self.ent_us = array("q")
        self.ent_mem = array("i")
        self.lot_pts = array("i")
        self.lot_rem = array("i")
        self.lot_exp = array("q")
        self.mem_ids: list[str] = []
        self.join_us = array("q", bytes(8 * members))
        self.last_us = array("q", bytes(8 * members))
        self.first_buy = array("q", bytes(8 * members))
        self.spend = array("q", bytes(8 * members))
        self.balance = array("q", bytes(8 * members))
        self.mem_till = array("b", bytes(members))
        self.mem_seq = array("i", bytes(4 * members))
        self.till_seq = [0] * len(TILLS)
        self.till_members = [0] * len(TILLS)
        self.joined = 0

    def _join_targets(self) -> list[int]:
        """Cumulative number of members by the end of each day."""
        days = self.cal.days
        launch = max(1, min(30, days // 4))
        targets = []
        for d in range(days):
            x = (d + 1) / days
            g = LAUNCH_SHARE * min(1.0, (d + 1) / launch) + (1 - LAUNCH_SHARE) * x
            targets.append(min(self.members, round(self.members * g)))
        targets[-1] = self.members
        return targets

    def run(self) -> None:
        cal, program = self.cal, self.program
        rng = random.Random(self.seed)
        rnd = rng.random
        days, members_total, total = cal.days, self.members, self.entries
        sink = self.sink
        writing = sink is not None
        has_exp = program.expiry is not None
        job_us, exp_open_us, eom = cal.job_us, cal.exp_open_us, cal.eom
        open_us_l, span_us_l = cal.open_us, cal.span_us
        window_us = to_us(window_start(program.tiers, cal.now)) if program.tiers else cal.end_us
        earn = program.earn
        step, pps, min_spend = earn.spend_step, earn.points_per_step, earn.minimum_spend
        cap = earn.cap_per_transaction or 1 << 30
        red = program.redemption
        min_pts = max(1, red.minimum_points)
        point_value = red.point_value
        approval = red.manager_approval_over or 1 << 30
        welcome = program.welcome_bonus
        actions = [(code, a.points, a.cap, cal.period_key[a.period]) for code, a in program.actions.items()]
        amounts = sorted(
            min(20_000_000, max(5_000, int(round(rng.lognormvariate(11.9, 0.9), -3)))) for _ in range(4096)
        )
        staff_this, staff_other = self.staff.this_till, self.staff.other_tills
        till_cum = [sum(TILL_SHARE[: i + 1]) for i in range(len(TILLS))]
        ent_us, ent_mem = self.ent_us, self.ent_mem
        lot_pts, lot_rem, lot_exp = self.lot_pts, self.lot_rem, self.lot_exp
        lot_next = array("i")
        per_entry = (ent_us, ent_mem, lot_pts, lot_rem, lot_exp, lot_next)

        def grow() -> None:
            more = max(1024, total // 8)
            for arr in per_entry:
                arr.frombytes(bytes(more * arr.itemsize))

        grow_to = total + total // 50 + 1024
        for arr in per_entry:
            arr.frombytes(bytes(grow_to * arr.itemsize))
        head = array("i", [-1]) * members_total
        tail = array("i", [-1]) * members_total
        balance, first_buy, last_us, spend = self.balance, self.first_buy, self.last_us, self.spend
        join_us, mem_till, mem_seq = self.join_us, self.mem_till, self.mem_seq
        mem_ids = self.mem_ids
        till_seq, till_members = self.till_seq, self.till_members
        till_receipt = [0] * len(TILLS)
        kinds: dict[str, int] = {"earn": 0, "redeem": 0, "bonus": 0, "action": 0, "expire": 0}
        action_counts: dict[tuple[int, str], tuple[int, int]] = {}
        entry_rows: list[tuple[Any, ...]] = []
        cons_rows: list[tuple[Any, ...]] = []
        currency, version = program.currency, program.version
        till_ids = [t[0] for t in TILLS]
        n = 0
        joined = 0
        p_exp = 0
        pending_future = 0  # expiry entries still to come (exact from the start of the last phase)
        f_active = False
        d2 = cal.first_day_never_expiring()
        w = cal.weight
        w1 = sum(w[:d2])
        w_all = sum(w)
        phase1_total = total * w1 / (w_all + self.expiry_ratio * w1) if d2 else 0.0
        join_targets = self._join_targets()
        carry = 0.0
        started = time.perf_counter()
        next_report = 1_000_000

        def flush(force: bool = False) -> None:
            nonlocal entry_rows, cons_rows
            if sink is None:
                return
            if entry_rows and (force or len(entry_rows) >= CHUNK):
                sink.put(ENTRY_SQL, entry_rows)
                entry_rows = []
            if cons_rows and (force or len(cons_rows) >= CHUNK):
                sink.put(CONSUMPTION_SQL, cons_rows)
                cons_rows = []

        def emit(
            kind: str,
            j: int,
            points: int,
            amount: int | None,
            receipt: str | None,
            till: int,
            staff: str | None,
            reason: str | None,
            action: str | None,
            us: int,
            lot_expires: int,
        ) -> str:
            """Append one entry (and its lot when ``lot_expires`` >= 0). Returns its id when writing."""
            nonlocal n
            k = n
            n += 1
            if k >= len(ent_us):
                grow()
            kinds[kind] += 1
            ent_us[k] = us
            ent_mem[k] = j
            balance[j] += points
            last_us[j] = us
            seq = till_seq[till] + 1
            till_seq[till] = seq
            if lot_expires >= 0:
                # Arrays start zeroed: entries without a lot need no writes here.
                lot_pts[k] = points
                lot_rem[k] = points
                lot_exp[k] = lot_expires
                lot_next[k] = -1
                if head[j] < 0:
                    head[j] = k
                else:
                    lot_next[tail[j]] = k
                tail[j] = k
            if not writing:
                return ""
            eid = v7(us, k, _ENTRY_SALT)
            entry_rows.append(
                (
                    eid,
                    mem_ids[j],
                    kind,
                    points,
                    amount,
                    None if amount is None else currency,
                    receipt,
                    STORE_ID,
                    till_ids[till],
                    seq,
                    staff,
                    reason,
                    action,
                    version,
                    ts(us),
                )
            )
            return eid

        def lot_id(k: int) -> str:
            return v7(ent_us[k], k, _ENTRY_SALT)

        def advance_head(j: int) -> None:
            h = head[j]
            while h >= 0 and lot_rem[h] == 0:
                h = lot_next[h]
            head[j] = h
            if h < 0:
                tail[j] = -1

        def job_alive(j: int, job: int) -> bool:
            k = head[j]
            while k >= 0:
                if lot_rem[k] > 0 and cal.job_index(lot_exp[k]) == job:
                    return True
                k = lot_next[k]
            return False

        for d in range(days):
            # -- the morning expiry run ----------------------------------------------------------------
            if has_exp:
                job = job_us[d]
                groups: dict[int, list[int]] = {}
                while p_exp < n:
                    if lot_pts[p_exp] == 0:
                        p_exp += 1
                        continue
                    if lot_exp[p_exp] > job:
                        break
                    if lot_rem[p_exp] > 0:
                        groups.setdefault(ent_mem[p_exp], []).append(p_exp)
                    p_exp += 1
                if groups:
                    spacing = max(1, min(1000, 3_600_000_000 // (len(groups) + 1)))
                    us = job
                    for j, lots in groups.items():
                        pts = 0
                        for k in lots:
                            pts += lot_rem[k]
                        eid = emit(
                            "expire", j, -pts, None, None, THIS_TILL, None, "points expired", None, us, -1
                        )
                        for k in lots:
                            if writing:
                                cons_rows.append((eid, lot_id(k), lot_rem[k]))
                            lot_rem[k] = 0
                        self.consumptions += len(lots)
                        advance_head(j)
                        us += spacing
                    self.expiries += len(groups)
                    if f_active:
                        pending_future -= len(groups)
            if d == d2:
                # From here on every lot that will expire within the history exists: count the expiry
                # entries still to come exactly, and steer the daily sales to land on the total.
                f_active = True
                seen: set[int] = set()
                current = -1
                p = p_exp
                while p < n:
                    if lot_pts[p] and lot_rem[p] > 0:
                        jb = cal.job_index(lot_exp[p])
                        if jb >= days:
                            break
                        if jb != current:
                            pending_future += len(seen)
                            seen = set()
                            current = jb
                        seen.add(ent_mem[p])
                    p += 1
                pending_future += len(seen)
            # -- the day's sales ---------------------------------------------------------------------------
            if d < d2:
                share = phase1_total * w[d] / w1 + carry
            else:
                remaining_weight = sum(w[d:])
                budget = total - n - pending_future
                share = budget if d == days - 1 else budget * w[d] / remaining_weight + carry
            activities = max(0, int(share))
            carry = share - activities if d < days - 1 else 0.0
            joins_left = join_targets[d] - joined
            activities = max(activities, joins_left)
            if d < d2:
                self.phase1_activities += activities
            opens, span = open_us_l[d], span_us_l[d]
            gap = span / max(1, activities)
            exp_day = exp_open_us[d] if has_exp else 0
            for i in range(activities):
                us = opens + int((i + rnd()) * gap)
                r = rnd()
                till = 0 if r < till_cum[0] else (1 if r < till_cum[1] else 2)
                staff = (
                    (staff_this[0] if rnd() < 0.9 else staff_this[-1])
                    if till == THIS_TILL
                    else staff_other[int(rnd() * len(staff_other))]
                )
                lot_expires = -1
                if has_exp:
                    lot_expires = exp_day if eom else exp_day + (us - opens)
                if joins_left > 0 and (joined == 0 or rnd() * (activities - i) < joins_left):
                    # -- enrolment with the welcome bonus --------------------------------------------------
                    j = joined
                    joined += 1
                    joins_left -= 1
                    join_us[j] = us
                    last_us[j] = us
                    mem_till[j] = till
                    till_members[till] += 1
                    mem_seq[j] = till_members[till]
                    if writing:
                        mem_ids.append(v7(us, j, _MEMBER_SALT))
                    if welcome > 0:
                        emit(
                            "bonus",
                            j,
                            welcome,
                            None,
                            None,
                            till,
                            staff,
                            "welcome bonus",
                            "welcome",
                            us,
                            lot_expires,
                        )
                        continue
                    # No welcome bonus in this program: the enrolment comes with a first purchase.
                    r2 = 1.0
                elif joined == 0:
                    break
                else:
                    if rnd() < P_REGULAR:
                        j = int(rnd() * ((joined + 7) // 8)) * 8
                        if j >= joined:
                            j = joined - 1
                    else:
                        j = int(rnd() * joined)
                    r2 = rnd()
                if r2 < P_REDEEM:
                    # -- redemption: soonest-expiring live lots first ----------------------------------------
                    avail = 0
                    k = head[j]
                    while k >= 0:
                        if lot_rem[k] and (not has_exp or lot_exp[k] > us):
                            avail += lot_rem[k]
                        k = lot_next[k]
                    points = min(REDEEM_POINTS[int(rnd() * len(REDEEM_POINTS))], avail, approval)
                    if points >= min_pts:
                        left = points
                        taken: list[tuple[int, int]] = []
                        dead_jobs: set[int] = set()
                        k = head[j]
                        while left > 0:
                            rem = lot_rem[k]
                            if rem and (not has_exp or lot_exp[k] > us):
                                take = rem if rem < left else left
                                lot_rem[k] = rem - take
                                left -= take
                                taken.append((k, take))
                                if f_active and rem == take:
                                    dead_jobs.add(cal.job_index(lot_exp[k]))
                            k = lot_next[k]
                        advance_head(j)
                        for jb in dead_jobs:
                            if d < jb < days and not job_alive(j, jb):
                                pending_future -= 1
                        value = points * point_value
                        till_receipt[till] += 1
                        receipt = f"HD{TILLS[till][1]:02d}{till_receipt[till]:08d}"
                        eid = emit("redeem", j, -points, value, receipt, till, staff, None, None, us, -1)
                        if writing:
                            cons_rows.extend((eid, lot_id(lk), take) for lk, take in taken)
                        self.consumptions += len(taken)
                        continue
                elif r2 < P_REDEEM + P_ACTION and actions:
                    # -- a non-purchase action, within its cap -------------------------------------------------
                    code, points, action_cap, keys = actions[int(rnd() * len(actions))]
                    allowed = True
                    if action_cap is not None:
                        key = keys[d]
                        prev = action_counts.get((j, code))
                        count = prev[1] if prev is not None and prev[0] == key else 0
                        allowed = count < action_cap
                        if allowed:
                            action_counts[(j, code)] = (key, count + 1)
                    if allowed:
                        emit("action", j, points, None, None, till, staff, None, code, us, lot_expires)
                        continue
                # -- a sale that earns ---------------------------------------------------------------------
                amount = amounts[int(rnd() * 4096)]
                points = 0 if amount < min_spend else min(cap, amount // step * pps)
                till_receipt[till] += 1
                receipt = f"HD{TILLS[till][1]:02d}{till_receipt[till]:08d}"
                emit(
                    "earn",
                    j,
                    points,
                    amount,
                    receipt,
                    till,
                    staff,
                    None,
                    None,
                    us,
                    lot_expires if points else -1,
                )
                if first_buy[j] == 0:
                    first_buy[j] = us
                if us > window_us:
                    spend[j] += amount
            if writing:
                flush()
            if self.log is not None and n >= next_report:
                rate = n / (time.perf_counter() - started)
                self.log(f"  ledger: {n:,} of {total:,} entries, day {d + 1}/{days} ({rate:,.0f} rows/s)")
                next_report += 1_000_000
        flush(force=True)
        self.n = n
        self.kinds = kinds
        self.joined = joined


# -- the rest of each member ------------------------------------------------------------------------------
def _member_chunks(
    sim: Simulation, cal: Calendar, program: Program, seed: int, uid_key: bytes, cashier_id: str
) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Rows for members, cards and consents (their names and contacts drawn from a separate stream)."""
    rng = random.Random(seed ^ 0x5EED)
    rnd = rng.random
    names = NamePicker(rng)
    now_s = ts(cal.end_us)
    tiers = program.tiers
    review_s = ts(to_us(add_months(cal.now, tiers.review_months))) if tiers else None
    base_birthday = date(1950, 1, 1).toordinal()
    birthday_span = date(2007, 12, 31).toordinal() - base_birthday
    members: list[tuple[Any, ...]] = []
    cards: list[tuple[Any, ...]] = []
    consents: list[tuple[Any, ...]] = []
    for j in range(sim.joined):
        name = names.pick()
        mid = sim.mem_ids[j]
        till = sim.mem_till[j]
        number = member_number(STORE_NUMBER, TILLS[till][1], sim.mem_seq[j])
        joined_s = ts(sim.join_us[j])
        email = None
        if rnd() < 0.35:
            domain = EMAIL_DOMAINS[int(rnd() * len(EMAIL_DOMAINS))]
            email = f"{name.given_folded}.{name.family_folded}.{j}@{domain}".replace(" ", "")
        birthday = None
        if rnd() < 0.7:
            birthday = date.fromordinal(base_birthday + int(rnd() * birthday_span)).isoformat()
        tier_code = tier_since = tier_review = None
        if tiers is not None:
            tier_code = tier_for_spend(tiers, sim.spend[j]).code
            tier_since, tier_review = now_s, review_s
        first = sim.first_buy[j]
        members.append(
            (
                mid,
                number,
                name.full,
                name.folded,
                phone_of(j) if rnd() < 0.95 else None,
                email,
                birthday,
                referral_code(j),
                tier_code,
                tier_since,
                tier_review,
                sim.balance[j],
                ts(first) if first else None,
                "en" if rnd() < 0.04 else "vi",
                STORE_ID,
                joined_s,
                ts(sim.last_us[j]),
            )
        )
        r = rnd()
        if r < 0.55:
            uid = card_uid(j)
            blocked = rnd() < 0.005
            cards.append(
                (
                    v7(sim.join_us[j], j, _CARD_SALT),
                    uid_token(uid_key, uid),
                    "uid",
                    "blocked" if blocked else "active",
                    mid,
                    uid_label(uid),
                    "Mất thẻ" if blocked else None,
                    joined_s,
                    ts((sim.join_us[j] + cal.end_us) // 2) if blocked else joined_s,
                )
            )
        elif r < 0.7:
            cards.append(
                (
                    v7(sim.join_us[j], j, _CARD_SALT),
                    code_token(number),
                    "barcode",
                    "active",
                    mid,
                    "#" + number[-4:],
                    None,
                    joined_s,
                    joined_s,
                )
            )
        if rnd() < 0.6:
            consents.append((mid, int(rnd() < 0.7), joined_s, cashier_id))
        if len(members) >= CHUNK:
            yield MEMBER_SQL, members
            members = []
        if len(cards) >= CHUNK:
            yield CARD_SQL, cards
            cards = []
        if len(consents) >= CHUNK:
            yield CONSENT_SQL, consents
            consents = []
    yield MEMBER_SQL, members
    yield CARD_SQL, cards
    yield CONSENT_SQL, consents


def _lot_chunks(sim: Simulation) -> Iterator[list[tuple[Any, ...]]]:
    """Every lot with what is left of it, in id order."""
    rows: list[tuple[Any, ...]] = []
    ent_us, ent_mem, mem_ids = sim.ent_us, sim.ent_mem, sim.mem_ids
    lot_pts, lot_rem, lot_exp = sim.lot_pts, sim.lot_rem, sim.lot_exp
    has_exp = sim.program.expiry is not None
    for k in range(sim.n):
        points = lot_pts[k]
        if points > 0:
            us = ent_us[k]
            rows.append(
                (
                    v7(us, k, _ENTRY_SALT),
                    mem_ids[ent_mem[k]],
                    points,
                    lot_rem[k],
                    ts(lot_exp[k]) if has_exp else None,
                    ts(us),
                )
            )
            if len(rows) >= CHUNK:
                yield rows
                rows = []
    yield rows


# -- building the file -----------------------------------------------------------------------------------
def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        target = path.with_name(path.name + suffix)
        if target.exists():
            target.unlink()


def read_marker(path: Path) -> dict[str, Any] | None:
    """The completion marker of a generated dataset, or None if the file is missing or incomplete."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (MARKER_KEY,)).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    if row is None:
        return None
    value = json.loads(row[0])
    return value if isinstance(value, dict) else None


def dataset_is_complete(path: Path, members: int, entries: int) -> bool:
    marker = read_marker(path)
    return (
        marker is not None
        and marker.get("generator") == GENERATOR_VERSION
        and marker.get("members") == members
        and marker.get("entries") == entries
    )


def _pilot_expiry_ratio(cfg: GenerateConfig, cal: Calendar, program: Program, log: Log) -> float:
    """Expiry entries per first-year sale, measured on a small run with the same shape (entries per member)."""
    if cal.first_day_never_expiring() == 0:
        return 0.0
    members = min(cfg.members, max(2_000, cfg.members // 50))
    entries = round(cfg.entries * members / cfg.members)
    pilot = Simulation(cal, program, members, entries, cfg.seed + 1, expiry_ratio=0.35)
    pilot.run()
    ratio = pilot.expiries / max(1, pilot.phase1_activities)
    log(f"  pilot: {members:,} members, {pilot.n:,} entries, {ratio:.3f} expiry entries per first-year sale")
    return ratio


def generate(path: Path, cfg: GenerateConfig | None = None, *, log: Log = stderr_log) -> GenerateStats:
    """Build the dataset at ``path`` (replacing what is there). Written to ``<path>.partial`` first and renamed
    when complete, with the completion marker as the last row written."""
    cfg = cfg or GenerateConfig()
    cfg.check()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    _remove_db(partial)
    stats = GenerateStats()
    started = time.perf_counter()
    mark = started

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        stats.phases[name] = round(now - mark, 2)
        mark = now

    log(f"generating {cfg.members:,} members and {cfg.entries:,} ledger entries into {path.name}")
    # 1. The till's own set-up, through the application.
    store = open_store(partial)
    try:
        bootstrap_till(
            store, store_id=STORE_ID, till_id=TILLS[0][0], store_number=STORE_NUMBER, till_number=TILLS[0][1]
        )
        svc = TillServices.open(store)
        program = svc.programs.install_file(SYSTEM, cfg.program_file)
        cashier = svc.staff.create(SYSTEM, CASHIER[0], CASHIER[1], Role.CASHIER, CASHIER[2])
        manager = svc.staff.create(SYSTEM, MANAGER[0], MANAGER[1], Role.MANAGER, MANAGER[2])
        uid_key = svc.core.uid_key
    finally:
        store.close()
    phase("setup")

    end_date = cfg.end_date or (datetime.now(program.zone).date() - timedelta(days=1))
    cal = Calendar(program, end_date, cfg.days)
    ratio = _pilot_expiry_ratio(cfg, cal, program, log)
    phase("pilot")

    # 2. The bulk load: secondary indexes and triggers out of the way, rows through the loader process.
    conn = load_connection(partial)
    try:
        ddl = conn.execute(
            "SELECT type, name, sql FROM sqlite_master "
            "WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name"
        ).fetchall()
        for kind, name, _sql in ddl:
            conn.execute(f'DROP {kind.upper()} "{name}"')
    finally:
        conn.close()
    sink = Sink(partial)
    try:
        other_staff = tuple(v7(cal.open_us[0] - 1000 * i, i, 0x5151) for i in range(6))
        sim = Simulation(
            cal,
            program,
            cfg.members,
            cfg.entries,
            cfg.seed,
            expiry_ratio=ratio,
            sink=sink,
            staff=Staff((cashier.id, manager.id), other_staff),
            log=log,
        )
        sim.run()
        phase("ledger")
        log(f"  ledger: {sim.n:,} entries {sim.kinds}; members, cards, consents")
        for sql, rows in _member_chunks(sim, cal, program, cfg.seed, uid_key, cashier.id):
            sink.put(sql, rows)
        phase("members")
        log("  lots")
        for rows in _lot_chunks(sim):
            sink.put(LOT_SQL, rows)
    except BaseException:
        sink.kill()
        raise
    sink.close()
    phase("lots")
    log(f"  loader process, seconds by table: {sink.seconds}")
    stats.phases.update({f"insert {table}": spent for table, spent in sink.seconds.items()})
    stats.members = sim.joined
    stats.entries = sim.n
    stats.lots = sink.rows.get("lots", 0)
    stats.consumptions = sink.rows.get("lot_consumptions", 0)
    stats.cards = sink.rows.get("cards", 0)
    stats.kinds = dict(sim.kinds)
    counters = [(f"seq:{TILLS[THIS_TILL][0]}", sim.till_seq[THIS_TILL])]
    if sim.till_members[THIS_TILL]:
        counters.append(("member_number", sim.till_members[THIS_TILL]))
    del sim

    conn = load_connection(partial)
    try:
        # 3. Indexes and triggers exactly as the migrations made them, then the name index.
        log(f"  indexes ({sum(1 for k, _, _ in ddl if k == 'index')}) and triggers")
        for kind in ("index", "trigger"):
            for k, name, sql in ddl:
                if k == kind:
                    t0 = time.perf_counter()
                    conn.execute(sql)
                    if kind == "index":
                        log(f"    {name}: {time.perf_counter() - t0:.1f} s")
        phase("indexes")
        log("  name search index (FTS5 rebuild)")
        conn.execute("INSERT INTO members_fts(members_fts) VALUES ('rebuild')")
        phase("fts")

        # 4. Counters continue after what was used; the marker says the load is complete.
        marker = {
            "generator": GENERATOR_VERSION,
            "members": cfg.members,
            "entries": cfg.entries,
            "seed": cfg.seed,
            "days": cfg.days,
            "first_day": cal.dates[0].isoformat(),
            "last_day": cal.dates[-1].isoformat(),
            "store_id": STORE_ID,
            "till_id": TILLS[THIS_TILL][0],
            "cashier": CASHIER[0],
            "manager": MANAGER[0],
            "written": {
                "members": stats.members,
                "entries": stats.entries,
                "lots": stats.lots,
                "lot_consumptions": stats.consumptions,
                "cards": stats.cards,
            },
        }
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            counters,
        )
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (MARKER_KEY, canonical_json(marker)),
        )
        conn.execute("COMMIT")
        # Back to the till's own journal (synchronous and foreign keys are per connection: the app sets them).
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    _remove_db(path)
    os.replace(partial, path)

    # 5. The till opens it as its own.
    store = open_store(path, quick_check=False)
    try:
        TillServices.open(store).programs.active()
    finally:
        store.close()
    phase("reopen")
    stats.seconds = round(time.perf_counter() - started, 1)
    log(f"done in {stats.seconds:.0f} s: {stats.phases}")
    return stats
