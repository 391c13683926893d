"""Rewards obey the redemption limits (README "Redeeming points or a reward"), as a property through the real
services on a real SQLite file: whatever mix of points and catalogue rewards a cashier puts on one bill, each
is accepted exactly when the minimum, the share of the bill (rewards' values included) and the manager's
threshold (all the points on the receipt) allow it, a refusal writes nothing, and what was accepted stays
within the limits."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.store import models as m
from loyalty.errors import PermissionDenied, RedemptionNotAllowed
from loyalty.money import Money
from tests.services.conftest import Till, make_till, simple_program

MINIMUM = 10
SHARE = 50
APPROVAL_OVER = 300
POINT_VALUE = 1000
# code -> (its points, what it is worth on a bill of ``bill`` ₫)
REWARDS: dict[str, tuple[int, Callable[[int], int]]] = {
    "V50K": (50, lambda bill: 50_000),  # fixed discount 50.000 ₫
    "P10": (40, lambda bill: min(bill * 10 // 100, 30_000)),  # 10 % off, at most 30.000 ₫
    "COFFEE": (30, lambda bill: 35_000),  # a free item worth 35.000 ₫
}
PROGRAM = simple_program(
    redemption={
        "point_value": POINT_VALUE,
        "minimum_points": MINIMUM,
        "max_bill_share_percent": SHARE,
        "manager_approval_over": APPROVAL_OVER,
    },
    rewards=[
        {"code": "V50K", "name": "Phiếu 50.000 ₫", "points": 50, "kind": "fixed_discount", "amount": 50_000},
        {
            "code": "P10",
            "name": "Giảm 10%",
            "points": 40,
            "kind": "percent_discount",
            "percent": 10,
            "max_discount": 30_000,
        },
        {"code": "COFFEE", "name": "Cà phê", "points": 30, "kind": "free_item", "sku": "CF", "value": 35_000},
    ],
)
_receipts = itertools.count(1)


@pytest.fixture(scope="module")
def till(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Till]:
    t = make_till(tmp_path_factory.mktemp("redemption"), PROGRAM)
    yield t
    t.store.close()


def _entries(till: Till) -> int:
    with till.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(m.LedgerEntry)) or 0)


step = st.one_of(
    st.tuples(st.just("points"), st.integers(1, 200)),
    st.tuples(st.just("reward"), st.sampled_from(sorted(REWARDS))),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bill=st.integers(1_000, 1_500_000), steps=st.lists(step, min_size=1, max_size=6))
def test_points_and_rewards_on_one_bill_are_accepted_exactly_within_the_limits(
    till: Till, bill: int, steps: list[tuple[str, object]]
) -> None:
    member = till.svc.members.enroll(till.cashier, "Khách Đổi Điểm").member.id
    till.svc.points.adjust(till.manager, member, 5_000, "property test balance")
    receipt = f"B{next(_receipts)}"
    share_limit = bill * SHARE // 100
    paid_points = paid_value = 0
    for kind, what in steps:
        if kind == "points":
            assert isinstance(what, int)
            points, value = what, what * POINT_VALUE
        else:
            assert isinstance(what, str)
            points, worth = REWARDS[what]
            value = worth(bill)
        refused: type[Exception] | None = None
        if points < MINIMUM or paid_value + value > share_limit or value > bill:
            refused = RedemptionNotAllowed
        elif paid_points + points > APPROVAL_OVER:
            refused = PermissionDenied  # a cashier alone: over the threshold needs a manager
        before = _entries(till)
        try:
            if kind == "points":
                assert isinstance(what, int)
                till.svc.points.redeem(till.cashier, member, what, bill=Money(bill), receipt_ref=receipt)
            else:
                assert isinstance(what, str)
                till.svc.points.redeem_reward(
                    till.cashier, member, what, bill=Money(bill), receipt_ref=receipt
                )
        except (RedemptionNotAllowed, PermissionDenied) as err:
            assert refused is not None and isinstance(err, refused), (kind, what, bill, err.message)
            assert _entries(till) == before  # a refusal writes nothing
            continue
        assert refused is None, (kind, what, bill, paid_points, paid_value)
        paid_points += points
        paid_value += value
    # What the receipt holds is what was accepted, and within the limits.
    with till.store.read() as s:
        held = s.execute(
            select(
                func.coalesce(func.sum(-m.LedgerEntry.points), 0),
                func.coalesce(func.sum(m.LedgerEntry.amount_minor), 0),
            ).where(m.LedgerEntry.receipt_ref == receipt, m.LedgerEntry.kind == "redeem")
        ).one()
    assert tuple(held) == (paid_points, paid_value)
    assert paid_value <= share_limit and paid_points <= APPROVAL_OVER
