"""Member 360 (app.services.member360) on a real SQLite till: the overview's parts and the history, page by
page, newest first, every entry once, with who, where and why."""

from __future__ import annotations

from app.services.member360 import HistoryCursor, Member360
from app.services.members import CONSENT_TEXTS
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till


def test_overview_has_every_part(till: Till) -> None:
    svc = till.svc
    friend = svc.members.enroll(till.cashier, "Trần Văn Đức").member
    member = svc.members.enroll(
        till.cashier,
        "Nguyễn Thị Lan",
        phone="0901234567",
        consents=(CONSENT_TEXTS[0].answer(True),),
        referral_code=friend.referral_code,
    ).member
    till.clock.advance(hours=2)
    svc.members.record_consent(till.manager, member.id, CONSENT_TEXTS[0].answer(False))
    svc.cards.link(till.cashier, member.id, svc.cards.ref_for_uid("04A1B2C3D4E5F6"))
    svc.points.award(till.cashier, member.id, Basket.of_total(Money(6_000_000)), "HD1")
    till.clock.advance(days=1)
    svc.points.award(till.cashier, member.id, Basket.of_total(Money(500_000)), "HD2")
    svc.points.award(till.cashier, member.id, Basket.of_total(Money(200_000)), "HD3")  # same day: one visit
    overview = Member360(svc.core).overview(member.id)
    assert overview.member.full_name == "Nguyễn Thị Lan"
    assert overview.referred_by is not None and overview.referred_by.full_name == "Trần Văn Đức"
    # Consents are history: the withdrawal is newest and in force; the first answer is kept.
    marketing = overview.consent("marketing")
    assert marketing is not None and not marketing.granted and marketing.staff_name == "Lan"
    assert [c.granted for c in overview.consents] == [False, True]
    assert overview.consents[1].text_version == CONSENT_TEXTS[0].version
    assert [(c.label, c.status) for c in overview.cards] == [("…E5F6", "active")]
    assert overview.member.tier is not None and overview.member.tier.code == "silver"
    assert overview.member.tier.review_at is not None
    assert overview.worth == Money(overview.member.balance * 1000)
    assert sum(lot.remaining for lot in overview.lots) == overview.member.balance
    assert all(lot.expires_at is not None for lot in overview.lots)
    assert overview.overdrafts == ()
    visits = overview.visits
    assert (visits.purchases, visits.visits) == (3, 2)
    assert visits.spend == Money(6_700_000)
    assert visits.last_visit_at == till.clock.now


def test_history_pages_newest_first_with_who_where_why(till: Till) -> None:
    svc = till.svc
    member = svc.members.enroll(till.cashier, "Lê Thị Hồng").member
    for i in range(7):
        till.clock.advance(minutes=5)
        svc.points.award(till.cashier, member.id, Basket.of_total(Money(100_000 + i)), f"HD{i}")
    sale = svc.points.award(till.cashier, member.id, Basket.of_total(Money(300_000)), "HD9").entries[0]
    svc.points.reverse_entry(till.manager, sale.id, "rung up twice")
    desk = Member360(svc.core)
    seen = []
    after: HistoryCursor | None = None
    while True:
        page = desk.history(member.id, after, limit=3)
        seen += page.lines
        if page.next is None:
            break
        after = page.next
    assert len(seen) == len({line.id for line in seen}) == 10  # welcome bonus, 8 sales, the reversal
    assert [(line.at, line.id) for line in seen] == sorted(
        ((line.at, line.id) for line in seen), reverse=True
    )
    reversal = seen[0]
    assert (reversal.kind, reversal.reverses_id, reversal.reverses_kind) == ("reverse", sale.id, "earn")
    assert (
        reversal.reverses_receipt == "HD9"
        and reversal.staff_name == "Lan"
        and reversal.reason == "rung up twice"
    )
    reversed_sale = next(line for line in seen if line.id == sale.id)
    assert reversed_sale.reversed_by == 1 and reversed_sale.staff_name == "Mai"
    assert (reversed_sale.store_id, reversed_sale.till_id, reversed_sale.channel) == ("s1", "t1", "till")
    assert reversed_sale.program_version and reversed_sale.amount == Money(300_000)
    assert seen[-1].kind == "bonus"  # the welcome bonus, oldest
