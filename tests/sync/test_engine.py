"""The till's sync engine against the central as a real process: push, pull, two tills, idempotence."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from app.store.integrity import check_database
from loyalty.money import Money
from loyalty.quote import Basket
from sync.state import Phase

from .conftest import EnrolledTill, MakeTill


def award(till: EnrolledTill, member_id: str, amount: int, receipt: str) -> int:
    change = till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(amount)), receipt)
    return change.member.balance


def waiting(till: EnrolledTill) -> int:
    with till.store.read() as session:
        return int(
            session.execute(
                text("SELECT count(*) FROM outbox WHERE acked_at IS NULL AND entity != 'card'")
            ).scalar_one()
        )


def test_an_award_made_offline_reaches_the_central(make_till: MakeTill) -> None:
    till = make_till()
    lan = till.svc.members.enroll(till.cashier, "Nguyễn Thị Lan", phone="0901234567").member
    balance = award(till, lan.id, 250_000, "HD-1")
    assert waiting(till) == 3  # the member, the welcome bonus, the sale

    engine = till.engine()
    report = engine.sync_once()

    assert report.applied == 3 and report.duplicate == report.refused == 0
    assert waiting(till) == 0
    central = till.central_member(lan.member_number)
    assert (central.balance, central.entry_count) == (balance, 2)
    state = engine.status.get()
    assert state.phase is Phase.ONLINE and state.waiting == 0 and state.last_success is not None


def test_two_tills_of_a_store_agree_with_the_central(make_till: MakeTill) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = a.svc.members.enroll(a.cashier, "Trần Thị Lan", phone="0901234568").member
    award(a, lan.id, 500_000, "A-1")
    a.engine().sync_once()
    b.engine().sync_once()  # b learns of Lan and her entries
    assert b.balance(lan.id) == a.balance(lan.id)

    # Offline, each till serves her once more.
    award(b, lan.id, 300_000, "B-1")
    b.svc.points.redeem(b.cashier, lan.id, 50, bill=Money(200_000), receipt_ref="B-2")
    award(a, lan.id, 120_000, "A-2")

    for _ in range(2):
        a.engine().sync_once()
        b.engine().sync_once()
    central = a.central_member(lan.member_number)
    assert a.balance(lan.id) == b.balance(lan.id) == central.balance
    for till in (a, b):
        with till.store.read() as session:
            assert check_database(session) == []


def test_the_same_exchange_twice_changes_nothing(make_till: MakeTill) -> None:
    a = make_till()
    lan = a.svc.members.enroll(a.cashier, "Lê Văn Nam", phone="0901234569").member
    award(a, lan.id, 100_000, "A-1")
    first = a.engine().sync_once()
    second = a.engine().sync_once()
    assert first.applied == 3
    assert second.pushed == 0 and second.written == 0


def test_an_entry_written_at_a_whole_second_hashes_as_its_chain_does(make_till: MakeTill) -> None:
    # isoformat() leaves out the microseconds of a whole second; the chain hashes the fixed-width text.
    till = make_till()
    whole = datetime(2026, 3, 2, 3, 0, 0, tzinfo=UTC)
    till.svc.core.clock = lambda: whole
    lan = till.svc.members.enroll(till.cashier, "Phạm Lan", phone="0901234570").member
    with till.store.read() as session:
        stored_hash, outbox_time = session.execute(
            text(
                "SELECT e.hash, json_extract(o.payload, '$.created_at') FROM ledger_entries e "
                "JOIN outbox o ON o.entity_id = e.id"
            )
        ).one()
    assert outbox_time == "2026-03-02T03:00:00+00:00"
    batch = till.engine().port.batch(10)
    assert batch is not None
    (entry_item,) = [item for item in batch.items if item.kind.value == "ledger_entry"]
    assert entry_item.payload["created_at"] == "2026-03-02T03:00:00.000000Z"
    assert entry_item.hash == stored_hash
    report = till.engine().sync_once()
    assert report.applied == 2 and report.refused == 0
    assert till.central_member(lan.member_number).balance == lan.balance


def test_a_pull_of_many_pages_reports_its_progress(make_till: MakeTill) -> None:
    a = make_till()
    lan = a.svc.members.enroll(a.cashier, "Võ Thị Lan", phone="0901234571").member
    for n in range(12):
        award(a, lan.id, 100_000, f"A-{n}")
    a.engine(batch_size=4).sync_once()  # a member, 13 entries and their balances in the log
    b = make_till(a.store_code, 2)
    engine = b.engine(page_size=4)
    seen: list[float] = []
    engine.status.subscribe(lambda state: seen.append(state.progress) if state.progress is not None else None)

    report = engine.sync_once()

    assert report.pulled > 8
    assert seen == sorted(seen) and 0 < seen[0] < seen[-1] < 1
    assert b.balance(lan.id) == a.balance(lan.id)
