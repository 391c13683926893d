"""The manager's member list (app.services.directory) on a real SQLite till: search as the counter searches,
every order and filter, and keyset pages that return every member exactly once, by the "few" path (a
restriction's own index, then sorted) and the "many" path (the order's index, checked row by row)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.services import SYSTEM
from app.services.directory import (
    ListCursor,
    MemberDirectory,
    MemberListRow,
    Sort,
    SortKey,
    _name_split,
    page_statement,
    search_restriction,
    segments,
)
from app.store.types import format_utc
from loyalty.money import Money
from loyalty.quote import Basket
from loyalty.text import fold
from tests.services.conftest import Till, make_till

NAMES = (
    "Nguyễn Văn An",
    "Nguyễn Văn An",  # the same name twice: the order falls back on the id
    "Nguyễn Thị Ánh",
    "Nguyễn Hữu Bình",
    "Trần Thị Lan",
    "Trần Văn Đức",
    "Lê Thị Hồng",
    "Lê Văn Anh",
    "Phạm Minh Châu",
    "Hoàng Đình Minh",
    "Võ Thị Lan Anh",
    "Đặng Quốc Bảo",
    "Bùi Thị Mai",
    "Đỗ Văn Nam",
    "Huỳnh Thị Ngọc",
    "Phan Thanh Tùng",
    "Vũ Thị Hà",
    "Đinh Công Khánh",
    "Ngô Thị Thu",
    "Dương Văn Long",
    "Lý Thị Kim",
    "Mai Văn Sơn",
    "Hồ Thị Yến",
    "Trương Văn Hải",
    "Phan Trần Tú",  # a family name as a later word: the name index's range for "tran" does not hold her
)
QUERIES = (
    "",
    "nguyen",
    "nguyễn văn",
    "lan",
    "an",
    "thi",
    "0912",
    "+84 90",
    "090",
    "0010100",
    "@example",
    "zz",
    "tran",
    "trần thị",
    "van an",
    "lê văn",
)


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Till]:
    """A till of members with every kind of difference the list orders and filters by."""
    till = make_till(tmp_path_factory.mktemp("directory"))
    svc = till.svc
    ids = []
    for i, name in enumerate(NAMES):
        phone = f"09{i % 3}{i:07d}" if i % 5 != 4 else None
        email = f"member{i}@example.vn" if i % 4 == 0 else None
        ids.append(svc.members.enroll(till.cashier, name, phone=phone, email=email).member.id)
    for i, member_id in enumerate(ids):
        till.clock.advance(hours=1)
        if i % 3 == 0:
            svc.points.award(till.cashier, member_id, Basket.of_total(Money(100_000 * (i % 7 + 1))), f"R{i}")
        if i % 6 == 1:
            # Tiers by spend: a silver and a gold member or two.
            svc.points.award(till.cashier, member_id, Basket.of_total(Money(7_000_000 * (i % 4))), f"T{i}")
        if i % 4 == 2:
            svc.points.adjust(till.manager, member_id, 50 * (i % 3 + 1), "welcome back")
    svc.members.merge(till.manager, ids[1], ids[0], "enrolled twice")
    with till.store.write() as session:
        # A tier the program no longer has (it was renamed in a new version): still listed, after the others.
        session.execute(text("UPDATE members SET tier_code = 'vip' WHERE id = :id"), {"id": ids[5]})
    yield till
    till.store.close()


def _all_rows(till: Till) -> list[MemberListRow]:
    page = MemberDirectory(till.svc.core).list_members(limit=500)
    assert page.next is None
    return list(page.rows)


def _pages(
    directory: MemberDirectory, query: str, tier: str | None, status: str | None, sort: Sort, size: int
) -> list[MemberListRow]:
    rows: list[MemberListRow] = []
    after: ListCursor | None = None
    for _ in range(200):
        page = directory.list_members(query, tier, status, sort, after, size)
        assert len(page.rows) <= size
        rows += page.rows
        if page.next is None:
            return rows
        after = page.next
    raise AssertionError("the pages never ended")


def _order_key(sort: Sort) -> Callable[[MemberListRow], tuple[object, ...]]:
    levels = ["member", "silver", "gold"]  # the demo program's tiers, lowest first
    ranked = list(reversed(levels)) if sort.descending else levels

    def key(row: MemberListRow) -> tuple[object, ...]:
        name = fold(row.full_name)
        if sort.key is SortKey.NAME:
            return (name, row.member_id)
        if sort.key is SortKey.NUMBER:
            return (row.member_number,)
        if sort.key is SortKey.BALANCE:
            return (row.balance, row.member_id)
        if sort.key is SortKey.LAST_VISIT:
            return (row.last_visit_at is None, row.last_visit_at or 0, row.member_id)
        code = row.tier_code
        rank = ranked.index(code) if code in ranked else len(ranked) + (code is None)
        return (rank, name, row.member_id)

    return key


def _check_order(rows: list[MemberListRow], sort: Sort) -> None:
    key = _order_key(sort)
    if sort.key is SortKey.TIER or not sort.descending:
        assert rows == sorted(rows, key=key)
    elif sort.key is SortKey.LAST_VISIT:
        visited = [r for r in rows if r.last_visit_at is not None]
        never = [r for r in rows if r.last_visit_at is None]
        assert rows == visited + never  # never-visited last, whichever way
        assert visited == sorted(visited, key=key, reverse=True)
        assert never == sorted(never, key=lambda r: r.member_id, reverse=True)
    else:
        assert rows == sorted(rows, key=key, reverse=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.sampled_from(QUERIES),
    tier=st.sampled_from([None, "member", "silver", "gold", "vip"]),
    status=st.sampled_from([None, "active", "merged"]),
    key=st.sampled_from(list(SortKey)),
    descending=st.booleans(),
    size=st.integers(1, 9),
    small_set=st.sampled_from([0, 1, 2, 5000]),
)
def test_pages_return_every_member_exactly_once_in_order(
    listed: Till,
    query: str,
    tier: str | None,
    status: str | None,
    key: SortKey,
    descending: bool,
    size: int,
    small_set: int,
) -> None:
    sort = Sort(key, descending)
    directory = MemberDirectory(listed.svc.core, small_set=small_set)
    rows = _pages(directory, query, tier, status, sort, size)
    ids = [r.member_id for r in rows]
    assert len(ids) == len(set(ids)), "a member listed twice"
    # The same members as one big page, and the same as the counter's search finds.
    whole = directory.list_members(query, tier, status, sort, None, 500)
    assert [r.member_id for r in whole.rows] == ids
    expected = _all_rows(listed)
    if query:
        hits = {h.member_id for h in listed.svc.members.search(query, limit=100)}
        expected = [r for r in expected if r.member_id in hits]
    expected = [
        r
        for r in expected
        if (tier is None or r.tier_code == tier) and (status is None or r.status == status)
    ]
    assert set(ids) == {r.member_id for r in expected}
    _check_order(rows, sort)
    if whole.matched is not None:
        assert whole.matched == len(ids)
    else:
        assert whole.more_than == small_set  # too many to count cheaply (never with these few)


def test_search_by_name_without_accents_by_phone_number_email_and_card(listed: Till) -> None:
    directory = MemberDirectory(listed.svc.core)
    names = [r.full_name for r in directory.list_members("nguyen van an").rows]
    assert names == ["Nguyễn Văn An", "Nguyễn Văn An"]
    assert [r.full_name for r in directory.list_members("tran thi lan").rows] == ["Trần Thị Lan"]
    # A phone typed as people say it finds the number stored in E.164.
    by_phone = directory.list_members("0900000003").rows
    assert [r.phone for r in by_phone] == ["+84900000003"]
    assert [r.full_name for r in by_phone] == [NAMES[3]]
    one = _all_rows(listed)[7]
    assert [r.member_id for r in directory.list_members(one.member_number[:-1]).rows] == [one.member_id]
    assert [r.full_name for r in directory.list_members("member8@").rows] == [NAMES[8]]
    # A card by the UID printed on it.
    card = listed.svc.cards.link(SYSTEM, one.member_id, listed.svc.cards.ref_for_uid("04A1B2C3D4E5F6"))
    try:
        assert [r.member_id for r in directory.list_members("04:a1:b2:c3:d4:e5:f6").rows] == [one.member_id]
    finally:
        listed.svc.cards.block(SYSTEM, card.id, "test card")
    assert directory.list_members("zzz").rows == ()
    assert directory.list_members("zzz").matched == 0


def test_sort_by_balance_last_visit_and_tier(listed: Till) -> None:
    directory = MemberDirectory(listed.svc.core)
    richest = directory.list_members(sort=Sort(SortKey.BALANCE, descending=True), limit=3).rows
    everyone = _all_rows(listed)
    assert [r.balance for r in richest] == sorted((r.balance for r in everyone), reverse=True)[:3]
    recent = directory.list_members(sort=Sort(SortKey.LAST_VISIT, descending=True), limit=500).rows
    assert recent[0].last_visit_at == max(r.last_visit_at for r in everyone if r.last_visit_at)
    assert recent[-1].last_visit_at is None
    tiers = [r.tier_code for r in directory.list_members(sort=Sort(SortKey.TIER, True), limit=500).rows]
    assert tiers[0] == "gold"
    assert tiers.index("silver") < tiers.index("member") < tiers.index("vip")
    assert directory.list_members(tier="gold").rows[0].tier_name == "Vàng"
    assert directory.list_members(tier="vip").rows[0].tier_name == "vip"


def test_filters_and_counts(listed: Till) -> None:
    directory = MemberDirectory(listed.svc.core)
    merged = directory.list_members(status="merged")
    assert [r.full_name for r in merged.rows] == ["Nguyễn Văn An"] and merged.matched == 1
    everyone = directory.list_members()
    assert everyone.matched == len(NAMES)
    silver = directory.list_members(tier="silver", status="active")
    assert silver.rows and all(r.tier_code == "silver" for r in silver.rows)
    assert silver.matched == len(silver.rows)
    assert directory.list_members(status="no such status").rows == ()


def test_last_visit_follows_purchases_and_never_goes_back(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Khách Mới", phone="0911111111").member
    directory = MemberDirectory(till.svc.core)
    assert directory.list_members("khach moi").rows[0].last_visit_at is None
    till.clock.advance(days=2)
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(200_000)), "V1")
    first = till.clock.now
    assert directory.list_members("khach moi").rows[0].last_visit_at == first
    till.clock.advance(days=1)
    till.svc.points.adjust(till.manager, member.id, 10, "not a visit")
    assert directory.list_members("khach moi").rows[0].last_visit_at == first
    # A purchase arriving late from another channel, older than the last visit, does not move it back.
    with till.store.write() as session:
        session.execute(
            text(
                "INSERT INTO ledger_entries (id, member_id, kind, points, store_id, till_id, seq, "
                "program_version, channel, created_at) VALUES ('late-1', :member, 'earn', 0, 's1', 'web', 1, "
                "'v', 'web', :at)"
            ),
            {"member": member.id, "at": format_utc(first - timedelta(days=1))},
        )
    assert directory.list_members("khach moi").rows[0].last_visit_at == first
    till.clock.advance(days=3)
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(90_000)), "V2")
    assert directory.list_members("khach moi").rows[0].last_visit_at == first + timedelta(days=4)


def test_a_page_reads_along_the_orders_index(listed: Till) -> None:
    """On the "many" path the planner walks the order's index: no sorting of every member."""
    expected = {
        SortKey.NAME: "ix_members_name_folded_id",
        SortKey.BALANCE: "ix_members_balance_id",
        SortKey.LAST_VISIT: "ix_members_last_visit_at_id",
        SortKey.TIER: "ix_members_tier_code_name_folded_id",
    }
    core = listed.svc.core
    restriction = search_restriction("nguyen", core.phone_region, core.uid_key)
    assert restriction is not None
    with core.read() as session:
        program = core.program(session)
        for key, index in expected.items():
            for descending in (False, True):
                order = segments(session, program, Sort(key, descending), None)
                for segment in order:
                    after = tuple("x" for _ in segment.keys)
                    sql, params = page_statement(segment, after, False, [restriction], 50)
                    plan = " | ".join(
                        str(row[-1])
                        for row in session.execute(
                            text("EXPLAIN QUERY PLAN " + sql),
                            {**params, **segment.params, **restriction.params},
                        )
                    )
                    assert index in plan, (key, plan)
                    assert "TEMP B-TREE" not in plan, (key, plan)


def test_a_cursor_belongs_to_its_order(listed: Till) -> None:
    directory = MemberDirectory(listed.svc.core)
    page = directory.list_members(limit=2)
    assert page.next is not None
    with pytest.raises(ValueError, match="cursor"):
        directory.list_members(sort=Sort(SortKey.BALANCE), after=page.next)


@pytest.mark.parametrize("descending", [False, True], ids=["a to z", "z to a"])
def test_a_family_name_with_too_many_members_to_sort_is_read_from_its_range_and_the_few_others(
    listed: Till, descending: bool
) -> None:
    """More matches than the few it sorts (here 1): the members named Trần are one range of the name index,
    and the one with Trần as a later word is read on her own; the page merges them in name order."""
    directory = MemberDirectory(listed.svc.core, small_set=1)
    with listed.store.read() as session:
        restrictions = directory.restrictions("tran", None, None)
        split = _name_split(session, restrictions, 1)
    assert split is not None and split[0] == ("tran", "trao") and len(split[1]) == 1
    sort = Sort(SortKey.NAME, descending)
    names = [r.full_name for r in _pages(directory, "tran", None, None, sort, 2)]
    expected = ["Phan Trần Tú", "Trần Thị Lan", "Trần Văn Đức"]
    assert names == (expected[::-1] if descending else expected)
    # No word leaves few enough others ("thi": most names have it as a later word): the index is walked.
    with listed.store.read() as session:
        assert _name_split(session, directory.restrictions("thi", None, None), 1) is None
