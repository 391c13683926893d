"""The returns screen's read-only services (the sale behind a receipt, the preview of a return) and what is
left of an action's cap, on a real SQLite till: the preview is what the return then does, and writes
nothing; the cap shown is the cap enforced."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from app.services import SYSTEM, Actor, TillServices
from app.services.action_caps import ActionCaps
from app.services.points import PointsService
from app.services.returns_preview import ReturnDesk, rehearsal_of, summarize_return
from app.services.views import Change
from app.store import models as m
from app.store.db import open_store
from app.store.integrity import check_database
from loyalty.errors import (
    ActionCapReached,
    InvalidAmount,
    InvalidInput,
    LoyaltyError,
    NotFound,
    ReturnNotAllowed,
)
from loyalty.ids import new_id
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import START, FakeClock, Till, make_till, simple_program


def _vnd(amount: int) -> Basket:
    return Basket.of_total(Money(amount))


def _snapshot(till: Till) -> dict[str, Any]:
    """Every row of every table: a preview must leave all of them as they were."""
    with till.store.read() as s:
        tables = [
            row[0]
            for row in s.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            )
        ]
        return {
            t: sorted(map(tuple, s.execute(text(f'SELECT * FROM "{t}"')).all()), key=repr) for t in tables
        }


def test_receipt_info_shows_the_sale_and_what_was_refunded(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Huỳnh Thị Ngân").member  # 50 welcome
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "HD1")  # +100
    till.svc.points.redeem(till.cashier, member.id, 100, bill=Money(1_000_000), receipt_ref="HD1")
    desk = ReturnDesk(till.svc.core)
    info = desk.receipt_info("  HD1 ")
    assert (info.receipt, info.bill, info.points_earned, info.points_redeemed) == (
        "HD1",
        Money(1_000_000),
        100,
        100,
    )
    assert info.refunded == Money(0) and info.left == Money(1_000_000) and info.points_reversed == 0
    assert info.member.id == member.id and info.member.balance == 50
    till.svc.points.process_return(till.cashier, "HD1", Money(250_000))
    info = desk.receipt_info("HD1")
    assert info.refunded == Money(250_000) and info.left == Money(750_000) and info.points_reversed == 25
    with pytest.raises(NotFound):
        desk.receipt_info("HD-NOPE")
    with pytest.raises(InvalidInput):
        desk.receipt_info("   ")


def test_receipt_of_a_merged_member_is_shown_on_the_survivor(till: Till) -> None:
    old = till.svc.members.enroll(till.cashier, "Lê Văn Cũ").member
    new = till.svc.members.enroll(till.cashier, "Lê Văn Mới").member
    till.svc.points.award(till.cashier, old.id, _vnd(300_000), "HD7")
    till.svc.members.merge(till.manager, old.id, new.id, "same person")
    assert ReturnDesk(till.svc.core).receipt_info("HD7").member.id == new.id


def test_partial_return_preview_equals_the_return_and_writes_nothing(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Vũ Thị Hoa").member  # 50
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "HD1")  # 150
    till.svc.points.redeem(till.cashier, member.id, 100, bill=Money(1_000_000), receipt_ref="HD1")  # 50
    desk = ReturnDesk(till.svc.core)
    before = _snapshot(till)
    entry_id = new_id()
    preview = desk.preview_return(till.cashier, "HD1", Money(400_000), entry_id=entry_id)
    assert (preview.points_reversed, preview.points_restored, preview.overdraft_points) == (40, 40, 0)
    assert preview.member.balance == 50 and not preview.replayed
    assert _snapshot(till) == before  # nothing written: ledger, lots, counters, audit, outbox
    change = till.svc.points.process_return(till.cashier, "HD1", Money(400_000), entry_id=entry_id)
    assert summarize_return(change, "HD1", Money(400_000)) == preview
    with till.store.read() as s:
        assert check_database(s) == []
    # Previewed again under the same entry id: the return is recorded, nothing more would happen.
    again = desk.preview_return(till.cashier, "HD1", Money(400_000), entry_id=entry_id)
    assert again.replayed and again.points_reversed == 40


def test_full_return_after_the_points_were_spent_previews_the_overdraft(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Vũ Đức Hải").member  # 50
    till.svc.points.award(till.cashier, member.id, _vnd(1_000_000), "HD1")  # 150
    till.svc.points.redeem(till.cashier, member.id, 150, bill=Money(400_000), receipt_ref="HD2")  # 0
    preview = ReturnDesk(till.svc.core).preview_return(till.cashier, "HD1", Money(1_000_000))
    assert (preview.points_reversed, preview.points_restored, preview.overdraft_points) == (100, 0, 100)
    assert preview.member.balance == -100
    with till.store.read() as s:
        assert s.scalar(select(func.count()).select_from(m.Overdraft)) == 0
    change = till.svc.points.process_return(till.cashier, "HD1", Money(1_000_000))
    assert summarize_return(change, "HD1", Money(1_000_000)) == preview


def test_full_return_previews_the_referral_bonuses_it_takes_back(till: Till) -> None:
    referrer = till.svc.members.enroll(till.cashier, "Phạm Thị Vy").member
    friend = till.svc.members.enroll(till.cashier, "Lý Văn Phúc", referral_code=referrer.referral_code).member
    till.svc.points.award(till.cashier, friend.id, _vnd(100_000), "HD1")  # 10, and 50 + 100 referral
    preview = ReturnDesk(till.svc.core).preview_return(till.cashier, "HD1", Money(100_000))
    assert (preview.points_reversed, preview.bonus_reversed, preview.others_reversed) == (10, 50, 100)
    change = till.svc.points.process_return(till.cashier, "HD1", Money(100_000))
    assert summarize_return(change, "HD1", Money(100_000)) == preview
    assert till.svc.members.get(referrer.id).balance == 50


def test_the_preview_refuses_what_the_return_refuses(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Đỗ Minh Quân").member
    till.svc.points.award(till.cashier, member.id, _vnd(500_000), "HD1")
    till.svc.points.process_return(till.cashier, "HD1", Money(200_000))
    desk = ReturnDesk(till.svc.core)
    cases: list[tuple[str, Money, type[LoyaltyError]]] = [
        ("HD-NOPE", Money(1000), NotFound),
        ("HD1", Money(300_001), ReturnNotAllowed),
        ("HD1", Money(0), InvalidAmount),
    ]
    for receipt, refund, error in cases:
        with pytest.raises(error) as previewed:
            desk.preview_return(till.cashier, receipt, refund)
        with pytest.raises(error) as returned:
            till.svc.points.process_return(till.cashier, receipt, refund)
        assert previewed.value.message == returned.value.message


def test_what_is_left_of_a_cap_is_the_count_the_rule_enforces(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Đặng Thị Thảo").member
    caps = ActionCaps(till.svc.core)
    first = {s.code: s for s in caps.standings(member.id)}
    assert list(first) == ["recycling", "review", "survey"]  # the program's order
    recycling = first["recycling"]
    assert (recycling.points, recycling.cap, recycling.period, recycling.used, recycling.left) == (
        5,
        4,
        "month",
        0,
        4,
    )
    assert (
        recycling.period_ends is not None and recycling.period_ends.isoformat() == "2026-03-31T17:00:00+00:00"
    )
    for done in range(1, 5):
        till.svc.points.record_action(till.cashier, member.id, "recycling")
        standing = {s.code: s for s in caps.standings(member.id)}["recycling"]
        assert (standing.used, standing.left, standing.reached) == (done, 4 - done, done == 4)
    with pytest.raises(ActionCapReached):
        till.svc.points.record_action(till.cashier, member.id, "recycling")
    till.clock.advance(days=31)  # April: the count starts again, on screen and in the rule
    standing = {s.code: s for s in caps.standings(member.id)}["recycling"]
    assert (standing.used, standing.left) == (0, 4)
    till.svc.points.record_action(till.cashier, member.id, "recycling")


def test_an_action_without_a_cap_counts_nothing(tmp_path: Path) -> None:
    till = make_till(
        tmp_path,
        simple_program(
            actions={
                "litter": {"name": "Litter pick", "points": 3},
                "once": {"name": "Sign-up survey", "points": 9, "cap": 1, "period": "ever"},
            }
        ),
    )
    member = till.svc.members.enroll(till.cashier, "Cao Văn Lộc").member
    till.svc.points.record_action(till.cashier, member.id, "litter")
    till.svc.points.record_action(till.cashier, member.id, "once")
    litter, once = ActionCaps(till.svc.core).standings(member.id)
    assert (litter.cap, litter.left, litter.reached, litter.period_ends) == (None, None, False, None)
    assert (once.used, once.left, once.reached, once.period_ends) == (1, 0, True, None)
    with pytest.raises(NotFound):
        ActionCaps(till.svc.core).standings("no-such-member")


# -- the property: whatever happened before, the preview is the return -------------------------------------

_SALE = st.tuples(st.just("sale"), st.integers(0, 2), st.integers(1_000, 3_000_000))
# A share of the member's balance, in percent, paid on the last sale's receipt or on a receipt of its own.
_REDEEM = st.tuples(
    st.just("redeem"), st.integers(0, 2), st.sampled_from([100, 50, 1]) | st.integers(1, 100), st.booleans()
)
# A share of what is left of a receipt, in percent: over 100 asks for more than is left.
_RETURN = st.tuples(
    st.just("return"), st.integers(0, 50), st.sampled_from([100, 50, 1]) | st.integers(1, 110)
)
_WAIT = st.tuples(st.just("wait"), st.integers(1, 70))
# Redemptions and returns drawn more often than the rest: overdrafts and restored points need both.
_STEP = st.one_of(_SALE, _REDEEM, _REDEEM, _RETURN, _RETURN, _WAIT)


@dataclasses.dataclass(frozen=True)
class _Template:
    path: Path
    cashier: Actor


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> _Template:
    """A migrated till with its staff, copied for every example (setting one up hashes PINs: slow)."""
    folder = tmp_path_factory.mktemp("template")
    till = make_till(folder)
    till.store.close()
    return _Template(folder / "till.sqlite", till.cashier)


def _same_entries(preview: Change, actual: Change) -> None:
    """The rehearsed change record and the real one: the same entries in the same places of the till's
    ledger (sequence numbers included), the same member afterwards. Only the ids of entries that take a
    fresh id (restored points, bonuses taken back) differ."""
    assert len(preview.entries) == len(actual.entries)
    for i, (a, b) in enumerate(zip(preview.entries, actual.entries, strict=True)):
        ra, rb = dataclasses.asdict(a), dataclasses.asdict(b)
        if i > 0:
            ra.pop("id"), rb.pop("id")
        assert ra == rb
    assert preview.member == actual.member
    assert preview.overdraft_points == actual.overdraft_points


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sales=st.lists(st.tuples(st.integers(0, 2), st.integers(1_000, 3_000_000)), min_size=1, max_size=3),
    steps=st.lists(_STEP, min_size=2, max_size=16),
    restore=st.booleans(),
    referral=st.booleans(),
)
def test_for_any_history_the_preview_is_what_the_return_does(
    template: _Template,
    sales: list[tuple[int, int]],
    steps: list[tuple[Any, ...]],
    restore: bool,
    referral: bool,
) -> None:
    program = simple_program(
        version=f"p-{restore}",
        expiry={"months": 1},
        welcome_bonus=10,
        redemption={"point_value": 1000, "max_bill_share_percent": 100, "restore_on_return": restore},
        referral={"referrer_points": 30, "referee_points": 20},
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "till.sqlite"
        shutil.copyfile(template.path, path)
        store = open_store(path)
        try:
            clock = FakeClock(START)
            svc = TillServices.open(store, clock)
            svc.programs.install(SYSTEM, program)
            cashier = template.cashier
            first = svc.members.enroll(cashier, "Nguyễn An").member
            code = first.referral_code if referral else None
            members = [first.id] + [
                svc.members.enroll(cashier, name, referral_code=code).member.id
                for name in ("Trần Bình", "Lê Chi")
            ]
            desk = ReturnDesk(svc.core)
            rehearsal = PointsService(rehearsal_of(svc.core))
            receipts: list[tuple[str, str]] = []  # receipt, member
            for n, step in enumerate([("sale", *sale) for sale in sales] + steps):
                kind = step[0]
                try:
                    if kind == "sale":
                        svc.points.award(cashier, members[step[1]], _vnd(step[2]), f"R{n}")
                        receipts.append((f"R{n}", members[step[1]]))
                    elif kind == "redeem":
                        ref, who = receipts[-1] if step[3] and receipts else (f"P{n}", members[step[1]])
                        wanted = max(1, svc.members.get(who).balance * step[2] // 100)
                        svc.points.redeem(cashier, who, wanted, bill=Money(3_000_000), receipt_ref=ref)
                    elif kind == "wait":
                        clock.advance(days=step[1])
                except LoyaltyError:
                    continue  # a redemption of an empty balance: refused, as at the till
                if kind != "return" or not receipts:
                    continue
                ref = receipts[step[1] % len(receipts)][0]
                left = desk.receipt_info(ref).left.amount
                refund = Money(max(1, left * step[2] // 100) if left else 1_000)
                entry_id = new_id()
                try:
                    preview = desk.preview_return(cashier, ref, refund, entry_id=entry_id)
                    rehearsed = rehearsal.process_return(cashier, ref, refund, entry_id=entry_id)
                except LoyaltyError as refused:
                    with pytest.raises(type(refused)) as also:
                        svc.points.process_return(cashier, ref, refund, entry_id=entry_id)
                    assert also.value.message == refused.message
                    event("refused alike")
                    continue
                actual = svc.points.process_return(cashier, ref, refund, entry_id=entry_id)
                assert summarize_return(actual, ref, refund) == preview
                _same_entries(rehearsed, actual)
                event("a return with an overdraft" if actual.overdraft_points else "a return")
                if preview.points_restored:
                    event("a return that restores points")
            with store.read() as s:
                assert check_database(s) == []
        finally:
            store.close()
