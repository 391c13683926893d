"""The invariant, as a property over real processes: two tills of a store sell to the same members, edit their
profiles and link and block their cards while pushes, lost replies, pulls and replayed pages happen in any
order. Whatever the order, once quiet every till shows the central's balance for every member, each holds
every entry exactly once, both show the same profile (field by field, the later edit) and the same card
(a block beats a link) as the central, and ``check`` finds nothing wrong."""

from __future__ import annotations

import contextlib
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.store.integrity import check_database
from central import models as cm
from loyalty.errors import LoyaltyError
from loyalty.money import Money
from loyalty.quote import Basket
from sync.client import CentralClient
from sync.protocol import PushRequest

from .conftest import Central, EnrolledTill, MakeTill

TILL = st.sampled_from("ab")
MEMBER = st.integers(0, 1)
CARD = st.integers(0, 2)
FIELD = st.sampled_from(("full_name", "phone", "email"))
STEP = st.one_of(
    st.tuples(st.just("edit"), TILL, MEMBER, FIELD, st.integers(0, 2)),
    st.tuples(st.just("link"), TILL, MEMBER, CARD),
    st.tuples(st.just("block"), TILL, CARD),
    st.tuples(st.just("award"), TILL, MEMBER, st.integers(1, 40)),
    st.tuples(st.just("redeem"), TILL, MEMBER, st.integers(5, 150)),
    st.tuples(st.just("push"), TILL, st.integers(1, 4)),
    st.tuples(st.just("pull"), TILL),
    st.tuples(st.just("lost_reply"), TILL, st.integers(1, 4)),
    st.tuples(st.just("page_twice"), TILL),
    st.tuples(st.just("pull_from_start"), TILL),
)

_receipts = itertools.count()
CARD_UIDS = ("04E1000000000A", "04E1000000000B", "04E1000000000C")


def edit_value(field: str, member: int, choice: int) -> str:
    """Phones and e-mails of one member never collide with another's (each till keeps them unique)."""
    if field == "full_name":
        return ("Nguyễn Thị Lan", "Trần Văn Nam", "Lê Thị Hoa")[choice]
    if field == "phone":
        return f"090{member + 1}{member + 1}1111{choice}"
    return f"m{member}.{choice}@example.vn"


def client_of(till: EnrolledTill) -> CentralClient:
    credentials = till.engine().port.credentials()
    assert credentials is not None
    return CentralClient.connect(credentials.central_url, credentials.token)


def run(step: tuple[object, ...], tills: dict[str, EnrolledTill], members: list[str]) -> None:
    name, who = step[0], str(step[1])
    till = tills[who]
    port = till.engine().port
    if name == "edit":
        member, field, choice = int(str(step[2])), str(step[3]), int(str(step[4]))
        with contextlib.suppress(LoyaltyError):
            till.svc.members.edit(till.cashier, members[member], **{field: edit_value(field, member, choice)})
    elif name == "link":
        ref = till.svc.cards.ref_for_uid(CARD_UIDS[int(str(step[3]))])
        with contextlib.suppress(LoyaltyError):  # linked here already (to anyone)
            till.svc.cards.link(till.cashier, members[int(str(step[2]))], ref)
    elif name == "block":
        held = till.svc.cards.lookup(till.svc.cards.ref_for_uid(CARD_UIDS[int(str(step[2]))]).token)
        if held is not None and held.status == "active":
            till.svc.cards.block(till.cashier, held.id, "lost")
    elif name == "award":
        amount = int(str(step[3])) * 10_000
        basket = Basket.of_total(Money(amount))
        till.svc.points.award(till.cashier, members[int(str(step[2]))], basket, f"{who}{next(_receipts)}")
    elif name == "redeem":
        # Not enough points here: the cashier is told, nothing is written.
        with contextlib.suppress(LoyaltyError):
            till.svc.points.redeem(
                till.cashier,
                members[int(str(step[2]))],
                int(str(step[3])),
                bill=Money(5_000_000),
                receipt_ref=f"{who}{next(_receipts)}",
            )
    elif name == "push":
        till.engine(batch_size=int(str(step[2]))).sync_once(pull=False)
    elif name == "pull":
        till.engine().sync_once(push=False)
    elif name == "lost_reply":
        # The batch reaches the central and is committed; its answer never reaches the till.
        batch = port.batch(int(str(step[2])))
        credentials = port.credentials()
        if batch is not None and credentials is not None:
            with client_of(till) as client:
                client.push(
                    PushRequest(till_id=credentials.till_id, epoch=batch.epoch, items=list(batch.items))
                )
    elif name == "page_twice":
        with client_of(till) as client:
            page = client.pull(port.cursor(), 5)
        port.apply(page)
        port.apply(page)
    elif name == "pull_from_start":
        with client_of(till) as client:
            page = client.pull("", 1000)
        port.apply(page)


def entries_of(till: EnrolledTill, member_id: str) -> int:
    with till.store.read() as session:
        return int(
            session.execute(
                text("SELECT count(*) FROM ledger_entries WHERE member_id = :m"), {"m": member_id}
            ).scalar_one()
        )


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=24))
def test_pushes_and_pulls_in_any_order_never_count_twice(
    make_till: MakeTill, central: Central, steps: list[tuple[object, ...]]
) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    members = [
        a.svc.members.enroll(a.cashier, name, phone=phone).member.id
        for name, phone in (("Nguyễn Thị Lan", "0901111111"), ("Trần Văn Nam", "0902222222"))
    ]
    a.engine().sync_once()
    b.engine().sync_once()
    tills = {"a": a, "b": b}

    for step in steps:
        run(step, tills, members)

    for _ in range(2):
        for till in (a, b):
            till.engine().sync_once()
    for member_id in members:
        number = a.svc.members.get(member_id).member_number
        at_central = a.central_member(number)
        for till in (a, b):
            assert till.balance(member_id) == at_central.balance
            assert entries_of(till, member_id) == at_central.entry_count
        shown = [till.svc.members.get(member_id) for till in (a, b)]
        assert len({(v.full_name, v.phone, v.email) for v in shown}) == 1
        assert shown[0].full_name == at_central.full_name
    for uid in CARD_UIDS:
        token = a.svc.cards.ref_for_uid(uid).token
        held = [till.svc.cards.lookup(token) for till in (a, b)]
        cards = {None if card is None else (card.status, card.member_id) for card in held}
        with Session(central.engine) as session:
            there = session.execute(
                select(cm.Card.status, cm.Card.member_id)
                .join(cm.Store, cm.Store.id == cm.Card.store_id)
                .where(cm.Store.code == a.store_code, cm.Card.token == token)
            ).first()
        assert cards == {None if there is None else tuple(there)}, f"card {uid}: {held}, central {there}"
    for till in (a, b):
        with till.store.read() as session:
            assert check_database(session) == []
        till.close()
