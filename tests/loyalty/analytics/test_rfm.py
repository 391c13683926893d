from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.analytics.rfm import (
    RULES,
    SEGMENT_BY_CELL,
    SEGMENTS,
    RfmBook,
    Segment,
    fit_edges,
    scores,
    segment_codes,
    segment_of,
    segment_sizes,
)
from loyalty.analytics.segments import cell_of
from loyalty.errors import InvalidInput


def test_every_one_of_the_125_cells_has_one_segment_and_every_segment_has_cells() -> None:
    cells = [(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)]
    named = {cell: segment_of(*cell) for cell in cells}
    assert len(named) == 125
    assert set(named.values()) == set(Segment)
    assert SEGMENT_BY_CELL.shape == (5, 5, 5)
    for (r, f, m), segment in named.items():
        assert SEGMENTS[SEGMENT_BY_CELL[r - 1, f - 1, m - 1]] is segment


def test_each_rule_names_a_cell_no_earlier_rule_took() -> None:
    """The order is what makes the overlapping published ranges a function: no rule is shadowed."""
    for i, rule in enumerate(RULES):
        own = [
            (r, f, m)
            for r in range(1, 6)
            for f in range(1, 6)
            for m in range(1, 6)
            if rule.matches(r, (f + m) / 2) and not any(p.matches(r, (f + m) / 2) for p in RULES[:i])
        ]
        assert own, f"{rule.segment} is shadowed by earlier rules"
        assert all(segment_of(*cell) is rule.segment for cell in own)


@pytest.mark.parametrize(
    ("cell", "segment"),
    [
        ((5, 5, 5), Segment.CHAMPIONS),
        ((4, 4, 4), Segment.CHAMPIONS),
        ((5, 3, 3), Segment.LOYAL),  # recent, F/M 3: loyal (the table's loyal before potential loyalist)
        ((3, 5, 5), Segment.LOYAL),  # F/M high but R 3: not a champion
        ((5, 2, 2), Segment.POTENTIAL_LOYALIST),
        ((5, 1, 1), Segment.NEW),  # bought once, lately, little
        ((4, 1, 1), Segment.NEW),  # R 4 is in both New (4–5) and Promising (3–4): New comes first
        ((3, 1, 1), Segment.PROMISING),
        ((3, 2, 3), Segment.NEED_ATTENTION),
        ((3, 1, 2), Segment.ABOUT_TO_SLEEP),  # F/M 1.5
        ((2, 3, 3), Segment.AT_RISK),  # long ago but bought often: At risk before Loyal's wider R range
        ((1, 5, 4), Segment.CANT_LOSE_THEM),
        ((1, 3, 3), Segment.AT_RISK),
        ((2, 1, 2), Segment.HIBERNATING),
        ((1, 1, 1), Segment.LOST),
        ((1, 2, 1), Segment.LOST),
    ],
)
def test_worked_examples(cell: tuple[int, int, int], segment: Segment) -> None:
    assert segment_of(*cell) is segment


@pytest.mark.parametrize("cell", [(0, 1, 1), (6, 1, 1), (1, 1, 2.5)])
def test_scores_outside_1_to_5_are_refused(cell: tuple[int, int, float]) -> None:
    with pytest.raises(InvalidInput):
        segment_of(*cell)  # type: ignore[arg-type]


def test_quintile_scores_by_hand() -> None:
    # Ten members: last purchase days 1..10, purchase days mostly 1, spend 10..100.
    last = np.arange(1, 11)
    days = np.array([1, 1, 1, 1, 1, 1, 2, 2, 3, 8])
    spent = np.arange(10, 101, 10)
    edges = fit_edges(last, days, spent)
    assert edges.recency == pytest.approx((2.8, 4.6, 6.4, 8.2))
    assert edges.frequency == pytest.approx((1.0, 1.0, 1.4, 2.2))
    got = scores(edges, last, days, spent)
    assert got[:, 0].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]  # the latest purchases score 5
    assert got[:, 1].tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]  # one visit: all share the lowest score
    assert got[:, 2].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    codes = segment_codes(got)
    assert SEGMENTS[codes[0]] is Segment.LOST
    assert SEGMENTS[codes[-1]] is Segment.CHAMPIONS
    assert sum(segment_sizes(codes).values()) == 10


def test_a_sale_rescores_only_its_member_until_a_refresh() -> None:
    members = [f"m{i}" for i in range(10)]
    book = RfmBook.build(members, np.arange(1, 11), np.ones(10), np.arange(10, 101, 10))
    before = {m: book.get(m) for m in members}
    assert before["m0"] is not None and before["m0"].segment is Segment.LOST
    after = book.add_sale("m0", 11, 500.0)  # m0 comes back: latest day, a second visit, the top spend
    assert after.scores == (5, 5, 5)
    assert after.segment is Segment.CHAMPIONS
    assert all(book.get(m) == before[m] for m in members[1:])
    assert sum(book.sizes().values()) == 10
    assert book.sizes()[Segment.CHAMPIONS] == 1 + before_count(before, Segment.CHAMPIONS)
    newcomer = book.add_sale("new", 11, 10.0)
    assert newcomer.purchase_days == 1 and len(book) == 11
    same_day = book.add_sale("new", 11, 5.0)
    assert same_day.purchase_days == 1 and same_day.total_spent == 15.0
    book.refresh()
    assert sum(book.sizes().values()) == 11


def before_count(states: dict[str, object], segment: Segment) -> int:
    return sum(1 for s in states.values() if getattr(s, "segment", None) is segment)


@given(
    st.lists(
        st.tuples(st.integers(0, 8), st.integers(0, 40), st.integers(1, 1000)),
        min_size=1,
        max_size=80,
    )
)
def test_the_book_fed_sale_by_sale_equals_one_built_from_the_history(
    sales: list[tuple[int, int, int]],
) -> None:
    ordered = sorted(sales, key=lambda s: s[1])
    book = RfmBook()
    for member, day, amount in ordered:
        book.add_sale(member, day, amount)
    book.refresh()
    members = sorted({m for m, _, _ in sales})
    last = [max(d for m, d, _ in sales if m == who) for who in members]
    days = [len({d for m, d, _ in sales if m == who}) for who in members]
    spent = [sum(a for m, _, a in sales if m == who) for who in members]
    batch = RfmBook.build(list(members), last, days, spent)
    for who in members:
        assert book.get(who) == batch.get(who)
    assert book.sizes() == batch.sizes()


@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(1, 30), st.integers(1, 10**7)), min_size=1, max_size=60
    ),
    st.tuples(st.integers(-10, 420), st.integers(0, 40), st.integers(0, 2 * 10**7)),
)
def test_one_member_scored_without_numpy_equals_the_store_wide_scores(
    members: list[tuple[int, int, int]], one: tuple[int, int, int]
) -> None:
    """The counter scores a member alone (``segments.cell_of``); the desk scores the store (``scores``)."""
    columns = list(zip(*members, strict=True))
    edges = fit_edges(*columns)
    expected = scores(edges, [one[0]], [one[1]], [one[2]])[0]
    assert cell_of(edges, *one) == tuple(int(v) for v in expected)
