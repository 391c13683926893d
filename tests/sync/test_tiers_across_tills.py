"""A tier earned by spend at another till (or a web order) prices this till's next sale once it is pulled, as
the member's screen and the quote already show, and as the central prices a web order (``central.tiers``).

Real till stores of one store; one till's entries reach the other through the pull's own ``apply_changes``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.store import models as m
from loyalty.money import Money
from loyalty.quote import Basket
from loyalty.tiers import replay
from tests.services.conftest import simple_program
from tests.services.test_rules import TIERS
from tests.sync.test_late_entries import Store, open_tills

SILVER = simple_program(tiers=TIERS)  # member, then silver from 5.000.000 ₫ (×1.5)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Store]:
    made = open_tills(tmp_path, "ab", SILVER)
    yield made
    made.close()


def test_spend_pulled_from_another_till_prices_the_next_sale_at_its_tier(shop: Store) -> None:
    a, b = shop.tills["a"], shop.tills["b"]
    member = shop.enrol("a", "Lê Thu")
    shop.clock.advance(minutes=5)
    b.svc.points.award(b.cashier, member, Basket.of_total(Money(5_000_000)), "B1")  # silver at till b
    shop.clock.advance(hours=2)
    shop.pull("a", "b")
    basket = Basket.of_total(Money(100_000))
    view = a.svc.members.get(member)
    assert view.tier is not None and view.tier.code == "silver"
    assert a.svc.points.quote(member, basket).points == 15  # 10 points, and silver's half again
    change = a.svc.points.award(a.cashier, member, basket, "A1")
    assert change.entries[0].points == 15
    # The central's rule over the same entries holds the same tier. (This till took the upgrade at its own
    # next sale, A1, two hours after B1 earned it: its review date is that much later.)
    assert SILVER.tiers is not None
    with a.store.read() as session:
        rows = session.execute(
            select(m.LedgerEntry.created_at, m.LedgerEntry.amount_minor)
            .where(
                m.LedgerEntry.member_id == member,
                m.LedgerEntry.kind.in_(("earn", "reverse")),
                m.LedgerEntry.amount_minor.is_not(None),
            )
            .order_by(m.LedgerEntry.created_at)
        ).all()
        held = session.scalar(select(m.Member.tier_code).where(m.Member.id == member))
    spends = [(when, int(amount)) for when, amount in rows]
    assert replay(SILVER.tiers, spends, shop.clock.now).code == held == "silver"
