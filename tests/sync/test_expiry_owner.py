"""Who owns expiry, against the central as a real process and real till stores with a fake clock: the central
expires each lot once, enrolled tills never write an expiry and never spend a lot past its date, and an
offline redemption dated before an expiry that reaches the central after it is corrected once.

The central here is a process of this module's own, with its periodic sweep off (``--expire-every 0``): the
tests sweep at the fake clock's time through ``python -m central expire --now`` or ``central.expiry.sweep``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.demo import PROGRAM_FILE
from app.paths import database_path
from app.services import SYSTEM, Role, TillServices
from app.services.syncing import enroll_till
from app.store import models as till_models
from app.store.db import open_store
from app.store.integrity import check_database
from central import models as m
from central.db import make_engine, migrate
from central.expiry import sweep
from loyalty.errors import LoyaltyError
from loyalty.ledger import Account
from loyalty.money import Money
from loyalty.program import load_program
from loyalty.quote import Basket
from sync.protocol import parse_utc
from tests.central.process import ROOT, central_process

from .conftest import Central, EnrolledTill

START = datetime(2025, 9, 3, 3, 0, tzinfo=UTC)
"""Lots earned from here expire (12 months, end of month) from 1 October 2026, Vietnam time."""


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)


@pytest.fixture(scope="module")
def expiry_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    url = f"sqlite:///{tmp_path_factory.mktemp('central-expiry') / 'central.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    try:
        with central_process(url, extra=("--expire-every", "0")) as base:
            yield Central(base, engine)
    finally:
        engine.dispose()


_tills = itertools.count(1)


@dataclass
class Shop:
    a: EnrolledTill
    b: EnrolledTill
    clock: FakeClock
    central: Central

    def sync(self, *tills: EnrolledTill) -> None:
        for till in tills or (self.a, self.b):
            till.engine().sync_once()

    def quiet(self) -> None:
        for _ in range(2):
            self.sync()


@pytest.fixture
def make_shop(tmp_path: Path, expiry_central: Central) -> Iterator[Callable[[], Shop]]:
    opened: list[EnrolledTill] = []

    def make() -> Shop:
        clock = FakeClock()
        code = expiry_central.new_store()
        tills = []
        for number in (1, 2):
            store = open_store(database_path(tmp_path / f"{code}-{next(_tills)}"))
            enroll_till(
                store,
                expiry_central.url,
                expiry_central.code(code),
                till_name=f"Quầy {number}",
                till_number=number,
            )
            svc = TillServices.open(store, clock)
            svc.programs.install(SYSTEM, load_program(PROGRAM_FILE))
            svc.staff.create(SYSTEM, f"10{number:02d}", f"Mai {number}", Role.CASHIER, "1111")
            svc.staff.create(SYSTEM, f"90{number:02d}", f"Lan {number}", Role.MANAGER, "9999")
            till = EnrolledTill(
                tmp_path,
                store,
                svc,
                svc.staff.sign_in(f"10{number:02d}", "1111"),
                svc.staff.sign_in(f"90{number:02d}", "9999"),
                expiry_central.url,
            )
            opened.append(till)
            tills.append(till)
        return Shop(tills[0], tills[1], clock, expiry_central)

    yield make
    for till in opened:
        till.close()


def _expire_command(central: Central, now: datetime) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "central",
            "expire",
            "--db",
            str(central.engine.url),
            "--now",
            now.isoformat(),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _central_entries(central: Central, member_id: str) -> list[dict[str, object]]:
    with Session(central.engine) as session:
        return [
            dict(body)
            for body in session.scalars(
                select(m.Entry.body).where(m.Entry.member_id == member_id).order_by(m.Entry.created_at)
            )
        ]


def _till_entries(till: EnrolledTill, member_id: str, kind: str) -> list[tuple[int, str]]:
    with till.store.read() as session:
        return [
            (int(points), str(channel))
            for points, channel in session.execute(
                text(
                    "SELECT points, channel FROM ledger_entries WHERE member_id = :m AND kind = :k "
                    "ORDER BY created_at, id"
                ),
                {"m": member_id, "k": kind},
            )
        ]


def _member(shop: Shop) -> str:
    member = shop.a.svc.members.enroll(shop.a.cashier, "Nguyễn Thị Lan", phone="0901234567").member.id
    shop.sync()
    return member


def _earn(till: EnrolledTill, member_id: str, amount: int, receipt: str) -> int:
    change = till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(amount)), receipt)
    return change.entries[0].points


def test_two_enrolled_tills_never_both_expire_a_lot(make_shop: Callable[[], Shop]) -> None:
    shop = make_shop()
    member = _member(shop)  # with the welcome bonus
    _earn(shop.a, member, 1_000_000, "A-1")  # 100 points more, expiring 1 October 2026
    shop.sync()
    held = shop.b.svc.members.get(member).balance
    shop.clock.advance(400)  # past the expiry
    earned_since = 0
    for till in (shop.a, shop.b):
        # Neither the maintenance sweep nor a sale writes an expiry at an enrolled till.
        assert till.svc.points.expire_due() == 0
        view = till.svc.members.get(member)
        assert (view.balance, view.lapsed_points) == (0, held)  # not spendable: awaiting the central
        with pytest.raises(LoyaltyError):
            till.svc.points.redeem(till.cashier, member, 50, bill=Money(500_000), receipt_ref=f"R-{view.id}")
        earned_since += _earn(till, member, 200_000, f"{till.svc.core.till.till_id}-2")
    shop.sync()
    assert _till_entries(shop.a, member, "expire") == [] and _till_entries(shop.b, member, "expire") == []

    # The central expires each lot once, however often the sweep runs.
    assert _expire_command(shop.central, shop.clock.now) == f"2 lot(s) expired, {held} point(s)"
    assert _expire_command(shop.central, shop.clock.now) == "0 lot(s) expired, 0 point(s)"
    shop.quiet()
    number = shop.a.svc.members.get(member).member_number
    central = shop.a.central_member(number)
    assert central.balance == earned_since
    for till in (shop.a, shop.b):
        assert sum(p for p, _c in _till_entries(till, member, "expire")) == -held
        assert {c for _p, c in _till_entries(till, member, "expire")} == {"central"}
        view = till.svc.members.get(member)
        assert (view.balance, view.lapsed_points) == (earned_since, 0)
        with till.store.read() as session:
            assert check_database(session) == []


def test_a_late_redemption_made_before_the_expiry_is_corrected_once(make_shop: Callable[[], Shop]) -> None:
    shop = make_shop()
    member = _member(shop)  # the welcome bonus
    _earn(shop.a, member, 1_000_000, "A-1")  # and 100 points, both expiring on 1 October 2026
    shop.sync()
    held = shop.b.svc.members.get(member).balance
    # Three days before the expiry, till B redeems 60 points offline; it reconnects after the sweep.
    shop.clock.now = datetime(2026, 9, 28, 3, tzinfo=UTC)
    shop.b.svc.points.redeem(shop.b.cashier, member, 60, bill=Money(500_000), receipt_ref="B-1")
    shop.clock.now = datetime(2026, 10, 2, 3, tzinfo=UTC)
    assert sweep(shop.central.engine, shop.clock.now) == (2, held)
    shop.sync(shop.a)
    assert shop.a.svc.members.get(member).balance == 0
    shop.quiet()
    # Charged once: what was held, less the 60 redeemed before the expiry, expired; the 60 were not
    # taken twice. The corrections name the expiries they correct and give back 60 in all.
    entries = _central_entries(shop.central, member)
    expiries = {str(e["id"]): int(str(e["points"])) for e in entries if e["kind"] == "expire"}
    corrections = [e for e in entries if e["kind"] == "reverse"]
    assert sum(expiries.values()) == -held
    assert all(e["reverses_id"] in expiries and e["channel"] == "central" for e in corrections)
    assert sum(int(str(e["points"])) for e in corrections) == 60
    number = shop.a.svc.members.get(member).member_number
    assert shop.a.central_member(number).balance == 0
    # Another sweep and another exchange change nothing.
    assert sweep(shop.central.engine, shop.clock.now + timedelta(days=1)) == (0, 0)
    shop.quiet()
    assert len([e for e in _central_entries(shop.central, member) if e["kind"] == "reverse"]) == len(
        corrections
    )
    for till in (shop.a, shop.b):
        assert till.balance(member) == 0
        view = till.svc.members.get(member)
        assert (view.balance, view.lapsed_points) == (0, 0)
        assert sum(p for p, _c in _till_entries(till, member, "reverse")) == 60
        with till.store.read() as session:
            owed = session.execute(
                text("SELECT coalesce(sum(remaining), 0) FROM overdrafts WHERE member_id = :m"), {"m": member}
            ).scalar_one()
            lots = session.execute(
                text("SELECT coalesce(sum(remaining), 0) FROM lots WHERE member_id = :m"), {"m": member}
            ).scalar_one()
        assert (owed, lots) == (0, 0)
        with till.store.read() as session:
            assert check_database(session) == []  # the correction replays: lots, consumptions, overdrafts


# -- the property --------------------------------------------------------------------------------------------

TILL = st.sampled_from("ab")
STEP = st.one_of(
    st.tuples(st.just("earn"), TILL, st.integers(2, 60)),
    st.tuples(st.just("redeem"), TILL, st.integers(50, 150)),
    st.tuples(st.just("return"), TILL, st.integers(0, 5)),
    st.tuples(st.just("push"), TILL),
    st.tuples(st.just("pull"), TILL),
    st.tuples(st.just("advance"), st.integers(1, 400)),
    # A redemption now, then the clock past the soonest expiry of the till's lots and a sweep, before the
    # till pushes: the redemption reaches the central after the expiry it predates.
    st.tuples(st.just("late_redeem"), TILL, st.integers(50, 120)),
    st.tuples(st.just("late_redeem"), TILL, st.integers(50, 120)),
    st.tuples(
        st.just("sweep"),
    ),
)
_receipts = itertools.count()


def _run(shop: Shop, step: tuple[object, ...], member: str, sales: dict[str, list[str]]) -> None:
    name = step[0]
    if name == "advance":
        shop.clock.advance(int(str(step[1])))
        return
    if name == "sweep":
        sweep(shop.central.engine, shop.clock.now)
        return
    who = str(step[1])
    till = shop.a if who == "a" else shop.b
    if name == "earn":
        receipt = f"{who}-{next(_receipts)}"
        with contextlib.suppress(LoyaltyError):
            _earn(till, member, int(str(step[2])) * 10_000, receipt)
            sales[who].append(receipt)
    elif name == "redeem":
        with contextlib.suppress(LoyaltyError):  # not enough spendable points here: nothing written
            till.svc.points.redeem(
                till.cashier,
                member,
                int(str(step[2])),
                bill=Money(5_000_000),
                receipt_ref=f"r{next(_receipts)}",
            )
    elif name == "return" and sales[who]:
        receipt = sales[who].pop(int(str(step[2])) % len(sales[who]))
        with contextlib.suppress(LoyaltyError):  # the sale's whole amount, refunded
            with till.store.read() as session:
                paid = session.execute(
                    text("SELECT amount_minor FROM ledger_entries WHERE kind = 'earn' AND receipt_ref = :r"),
                    {"r": receipt},
                ).scalar_one()
            till.svc.points.process_return(till.manager, receipt, Money(int(paid)))
    elif name == "late_redeem":
        with till.store.read() as session:
            soonest = session.scalar(
                select(func.min(till_models.Lot.expires_at)).where(
                    till_models.Lot.member_id == member,
                    till_models.Lot.remaining > 0,
                    till_models.Lot.expires_at > shop.clock.now,
                )
            )
        with contextlib.suppress(LoyaltyError):
            till.svc.points.redeem(
                till.cashier,
                member,
                int(str(step[2])),
                bill=Money(5_000_000),
                receipt_ref=f"r{next(_receipts)}",
            )
        if soonest is not None:
            shop.clock.now = max(shop.clock.now, soonest + timedelta(hours=1))
        sweep(shop.central.engine, shop.clock.now)
    elif name == "push":
        till.engine().sync_once(pull=False)
    elif name == "pull":
        till.engine().sync_once(push=False)


def _expected_balance(entries: list[dict[str, object]], swept_until: datetime) -> tuple[int, dict[str, int]]:
    """The member's balance by the rules, replayed in the order things happened (not the order the central
    heard of them): every till's and channel's entry at its own time, and each lot expiring at its date (when
    a sweep has passed it) for what was left. Returns the balance and what each lot lost to its expiry."""
    events: list[tuple[datetime, int, str, dict[str, object] | None]] = []
    for e in entries:
        if e["channel"] == "central" and e["kind"] in ("expire", "reverse"):
            continue  # the central's expiries and their corrections: what this replay computes
        events.append((parse_utc(str(e["created_at"])), 1, str(e["id"]), e))
        expires = e.get("expires_at")
        if int(str(e["points"])) > 0 and isinstance(expires, str) and parse_utc(expires) <= swept_until:
            events.append((parse_utc(expires), 0, str(e["id"]), None))
    account = Account()
    expired: dict[str, int] = {}
    for at, _order, entry_id, e in sorted(events, key=lambda ev: (ev[0], ev[1], ev[2])):
        if e is None:
            left = account.lots[entry_id].remaining if entry_id in account.lots else 0
            if left:
                account.expire_lot(f"x{entry_id}", entry_id, left, at)
                expired[entry_id] = left
            continue
        points = int(str(e["points"]))
        expires = e.get("expires_at")
        if points > 0:
            account.credit(entry_id, points, at, parse_utc(expires) if isinstance(expires, str) else None)
        elif points < 0:
            first = e.get("reverses_id")
            account.debit(
                entry_id, -points, at, allow_overdraft=True, first=first if isinstance(first, str) else None
            )
    return account.balance, expired


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=6, max_size=30))
def test_expiry_with_two_tills_and_sweeps_in_any_order_charges_once(
    make_shop: Callable[[], Shop], steps: list[tuple[object, ...]]
) -> None:
    shop = make_shop()
    member = _member(shop)
    sales: dict[str, list[str]] = {"a": [], "b": []}
    for step in steps:
        _run(shop, step, member, sales)
    # Quiet: everything pushed and pulled, a last sweep, and everything pulled again.
    shop.quiet()
    sweep(shop.central.engine, shop.clock.now)
    shop.quiet()

    entries = _central_entries(shop.central, member)
    balance, expired = _expected_balance(entries, shop.clock.now)
    number = shop.a.svc.members.get(member).member_number
    central = shop.a.central_member(number)
    assert central.balance == balance
    # One expiry per lot at most, for what the rules say was left of it, net of corrections.
    by_lot: dict[str, int] = {}
    names: dict[str, str] = {}
    for e in entries:
        if e["channel"] == "central" and e["kind"] == "expire":
            lot = json.loads(str(e["details"]))["lot_id"]
            assert lot not in by_lot, "a lot expired twice"
            by_lot[lot] = int(str(e["points"]))
            names[str(e["id"])] = lot
    corrections = [e for e in entries if e["channel"] == "central" and e["kind"] == "reverse"]
    event(f"expiries: {min(len(names), 3)}+, corrections: {min(len(corrections), 2)}+")
    for e in corrections:
        by_lot[names[str(e["reverses_id"])]] += int(str(e["points"]))
    assert {lot: -points for lot, points in by_lot.items() if points} == expired
    for till in (shop.a, shop.b):
        assert till.balance(member) == central.balance
        assert [c for _p, c in _till_entries(till, member, "expire")] == ["central"] * len(names)
        with till.store.read() as session:
            count = session.execute(
                text("SELECT count(*) FROM ledger_entries WHERE member_id = :m"), {"m": member}
            ).scalar_one()
        assert count == central.entry_count
