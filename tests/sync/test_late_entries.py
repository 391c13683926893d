"""An entry pulled after entries of a later time (an offline redemption at one till, taken in by another
after a later sale there): the till works the member's lots and overdrafts out again, in write order, so its
own ``check`` finds them as it replays them, and the later sale pays the overdraft the older redemption
opened (docs/sync.md, "Applying a pull").

Real till stores of one store, no central: the tests hand one till's entries to another as the central
serves them (the entry's stored columns, its chain link, the epoch), through the pull's own
``apply_changes``."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.services import SYSTEM, Role, TillServices, bootstrap_till
from app.services.reconcile import Reconciliation
from app.services.sync_apply import apply_changes
from app.store.db import open_store
from app.store.integrity import check_database
from app.store.types import parse_utc
from loyalty.chain import ENTRY_FIELDS
from loyalty.errors import LoyaltyError
from loyalty.ids import new_id
from loyalty.money import Money
from loyalty.program import Program
from loyalty.quote import Basket
from sync.protocol import Change, ChangeKind
from tests.services.conftest import START, FakeClock, Till, simple_program

_COLUMNS = ", ".join(f"l.{name}" if name == "expires_at" else f"e.{name}" for name in ENTRY_FIELDS)
_ENTRIES_OF_TILL = text(
    f"SELECT {_COLUMNS}, e.prev_hash FROM ledger_entries e LEFT JOIN lots l ON l.id = e.id "
    "WHERE e.till_id = :till ORDER BY e.seq"
)


@dataclass
class Store:
    """Tills of one store on one clock, and how far each has taken in each other's entries."""

    tills: dict[str, Till]
    ids: dict[str, str]
    clock: FakeClock
    taken: dict[tuple[str, str], int] = field(default_factory=dict)  # (till, from till) -> last seq

    def pull(self, name: str, source: str) -> None:
        """``name`` takes in ``source``'s entries it does not hold yet, in ``source``'s sequence order."""
        done = self.taken.get((name, source), 0)
        with self.tills[source].store.read() as session:
            rows = session.execute(_ENTRIES_OF_TILL, {"till": self.ids[source]}).all()
        changes: list[Change] = []
        for row in rows:
            body = dict(zip(ENTRY_FIELDS, row[: len(ENTRY_FIELDS)], strict=True))
            if body["seq"] > done:
                body["prev_hash"], body["epoch"] = row[-1], 1
                changes.append(Change(no=len(changes) + 1, kind=ChangeKind.ENTRY, body=body))
                done = body["seq"]
        with self.tills[name].store.write() as session:
            result = apply_changes(session, changes)
        assert not result.skipped and result.stopped is None and result.written == len(changes)
        self.taken[(name, source)] = done

    def pull_all(self, name: str) -> None:
        for source in self.tills:
            if source != name:
                self.pull(name, source)

    def enrol(self, at: str, name: str) -> str:
        """A member enrolled at till ``at``, whose profile every till of the store takes in."""
        member_id = self.tills[at].svc.members.enroll(self.tills[at].cashier, name).member.id
        with self.tills[at].store.read() as session:
            row = session.execute(
                text(
                    "SELECT member_number, full_name, home_store_id, updated_at FROM members WHERE id = :id"
                ),
                {"id": member_id},
            ).one()
        profile = {"id": member_id, "member_number": row[0], "full_name": row[1], "store_id": row[2]}
        change = Change(no=1, kind=ChangeKind.MEMBER, body={**profile, "updated_at": row[3]})
        for other, till in self.tills.items():
            if other != at:
                with till.store.write() as session:
                    assert apply_changes(session, [change]).written == 1
        return member_id

    def close(self) -> None:
        for till in self.tills.values():
            till.store.close()


def open_tills(folder: Path, names: str, program: Program | None = None) -> Store:
    store_id, clock = new_id(), FakeClock(START)
    tills, ids = {}, {}
    for number, name in enumerate(names, start=1):
        ids[name] = new_id()
        store = open_store(folder / f"till-{name}.sqlite")
        bootstrap_till(store, store_id=store_id, till_id=ids[name], store_number=1, till_number=number)
        svc = TillServices.open(store, clock)
        # 1 point per 10.000 ₫, 1 point = 1.000 ₫ unless told otherwise
        svc.programs.install(SYSTEM, program or simple_program())
        svc.staff.create(SYSTEM, "1001", "Mai", Role.CASHIER, "1111")
        svc.staff.create(SYSTEM, "9001", "Lan", Role.MANAGER, "9999")
        cashier, manager = svc.staff.sign_in("1001", "1111"), svc.staff.sign_in("9001", "9999")
        tills[name] = Till(store, svc, clock, cashier, manager, folder)
    return Store(tills, ids, clock)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Store]:
    made = open_tills(tmp_path, "abc")
    yield made
    made.close()


def sale(till: Till, member_id: str, points: int, receipt: str) -> str:
    """A sale that earns ``points`` (10.000 ₫ a point); the entry's id."""
    change = till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(points * 10_000)), receipt)
    (entry,) = change.entries
    assert entry.points == points
    return entry.id


def redeem(till: Till, member_id: str, points: int, receipt: str) -> str:
    change = till.svc.points.redeem(
        till.manager, member_id, points, bill=Money(points * 2_000), receipt_ref=receipt
    )
    return change.entries[0].id


def lots(till: Till, member_id: str) -> dict[str, int]:
    with till.store.read() as session:
        rows = session.execute(
            text("SELECT id, remaining FROM lots WHERE member_id = :m"), {"m": member_id}
        ).all()
    return {str(r[0]): int(r[1]) for r in rows}


def overdrafts(till: Till, member_id: str) -> dict[str, tuple[int, int, datetime | None]]:
    """Overdraft id -> (points, outstanding, settled at)."""
    with till.store.read() as session:
        rows = session.execute(
            text("SELECT id, entry_id, points, remaining, settled_at FROM overdrafts WHERE member_id = :m"),
            {"m": member_id},
        ).all()
    assert all(r[0] == r[1] for r in rows)  # an overdraft's id is its debit's
    return {str(r[0]): (int(r[2]), int(r[3]), None if r[4] is None else parse_utc(str(r[4]))) for r in rows}


def problems(till: Till) -> list[str]:
    with till.store.read() as session:
        return check_database(session)


def test_a_later_sale_pays_the_overdraft_of_an_older_redemption_pulled_after_it(shop: Store) -> None:
    # The story of simulation seed 84: three lots both tills hold, a redemption at each while offline, a sale
    # at till a after till b's redemption, then each takes in the other's entries.
    a, b = shop.tills["a"], shop.tills["b"]
    member = shop.enrol("a", "Nguyễn Thị Lan")
    first = [sale(a, member, points, f"HD{points}") for points in (50, 136, 190)]
    shop.clock.advance(minutes=1)
    shop.pull("b", "a")
    shop.clock.advance(minutes=10)
    redeem(a, member, 240, "R-A")  # a: 50 + 136 + 54 of the 190-point lot; 136 left
    shop.clock.advance(minutes=6)
    theirs = redeem(b, member, 186, "R-B")  # b, offline, at 6 minutes later: it still holds 376
    shop.clock.advance(minutes=8)
    later = sale(a, member, 83, "HD83")  # a, 8 minutes after b's redemption
    paid_at = shop.clock.now

    shop.pull("a", "b")  # b's redemption is older than a's sale
    shop.pull("b", "a")  # a's redemption and sale are older and newer than b's redemption

    for till in (a, b):
        assert problems(till) == []
        # In write order: 376 earned, 240 and 186 redeemed (an overdraft of 50), then the sale of 83 pays it.
        assert lots(till, member) == {first[0]: 0, first[1]: 0, first[2]: 0, later: 33}
        assert overdrafts(till, member) == {theirs: (50, 0, paid_at)}
        assert till.svc.members.get(member).balance == 33
    # The reconciliation inbox at a: the overdraft b's redemption opened, paid back by the later sale.
    (item,) = Reconciliation(a.svc.core).overdrafts("all")
    assert (item.id, item.entry_id, item.decision, item.settled_at) == (theirs, theirs, "paid", paid_at)
    assert item.reason == "redeem at another till" and not item.own_till


def test_an_overdraft_keeps_its_id_reason_and_decision_when_rebuilt(shop: Store) -> None:
    # Till a holds an overdraft of b's redemption, and its manager decided to recover it; then an older sale
    # made at till c arrives: the overdraft shrinks, and keeps its id, its reason and the decision.
    a, b, c = shop.tills["a"], shop.tills["b"], shop.tills["c"]
    member = shop.enrol("a", "Trần Văn Nam")
    sale(a, member, 100, "HD1")
    shop.clock.advance(minutes=1)
    shop.pull("b", "a")
    shop.pull("c", "a")
    shop.clock.advance(minutes=1)
    redeem(a, member, 80, "R-A")
    shop.clock.advance(minutes=1)
    older = sale(c, member, 10, "HD2")  # c, offline
    shop.clock.advance(minutes=1)
    theirs = redeem(b, member, 60, "R-B")  # b, offline
    shop.clock.advance(minutes=1)
    shop.pull("a", "b")
    inbox = Reconciliation(a.svc.core)
    (item,) = inbox.overdrafts("open")
    assert (item.id, item.remaining) == (theirs, 40)
    inbox.recover(a.manager, item.id, "from the next purchases")

    shop.pull("a", "c")  # c's sale is older than b's redemption: it pays part of what b took

    assert problems(a) == []
    assert overdrafts(a, member) == {theirs: (30, 30, None)}  # b took 20 + 10 of the lots, 30 beyond
    assert lots(a, member)[older] == 0
    (kept,) = inbox.overdrafts("resolved")
    assert (kept.id, kept.remaining, kept.decision) == (theirs, 30, "recover")
    assert kept.reason == "redeem at another till"
    assert a.svc.members.get(member).balance == -30


def test_an_entry_pulled_in_order_is_posted_as_before(shop: Store) -> None:
    a, b = shop.tills["a"], shop.tills["b"]
    member = shop.enrol("a", "Lê Thị Hoa")
    earned = sale(a, member, 120, "HD1")
    shop.clock.advance(minutes=1)
    shop.pull("b", "a")
    shop.clock.advance(minutes=1)
    redeem(b, member, 100, "R-B")
    shop.clock.advance(minutes=1)
    shop.pull("a", "b")
    assert problems(a) == [] and lots(a, member) == {earned: 20} and overdrafts(a, member) == {}


# -- any interleaving ----------------------------------------------------------------------------------------
STEP = st.one_of(
    st.tuples(st.just("sale"), st.sampled_from("ab"), st.integers(1, 120)),
    st.tuples(st.just("redeem"), st.sampled_from("ab"), st.integers(1, 150)),
    st.tuples(st.just("pull"), st.sampled_from("ab"), st.just(0)),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=14))
def test_any_interleaving_of_sales_redemptions_and_pulls_leaves_check_clean(
    steps: list[tuple[str, str, int]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        shop = open_tills(Path(folder), "ab")
        try:
            member = shop.enrol("a", "Phạm Thu Trang")
            for n, (kind, where, points) in enumerate(steps):
                shop.clock.advance(minutes=1)
                till = shop.tills[where]
                if kind == "sale":
                    sale(till, member, points, f"HD{n}")
                elif kind == "redeem":
                    # More than this till believes she has is refused, as at a real till.
                    with contextlib.suppress(LoyaltyError):
                        redeem(till, member, points, f"R{n}")
                else:
                    shop.pull_all(where)
            shop.pull_all("a")
            shop.pull_all("b")
            a, b = shop.tills["a"], shop.tills["b"]
            assert problems(a) == [] and problems(b) == []
            # Both hold the same entries, so the same lots and overdrafts: each is the write-order replay.
            assert lots(a, member) == lots(b, member)
            assert overdrafts(a, member) == overdrafts(b, member)
            assert a.svc.members.get(member).balance == b.svc.members.get(member).balance
        finally:
            shop.close()
