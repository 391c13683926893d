from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.analytics.summary import purchase_days, summarize, summarize_arrays
from loyalty.errors import InvalidInput

END = date(2026, 1, 31)


def test_a_small_history_worked_by_hand() -> None:
    sales = [
        ("an", date(2026, 1, 1), 100),
        ("bich", date(2026, 1, 15), 80),
        ("an", date(2026, 1, 1), 50),  # same day: one visit of 150
        ("an", date(2026, 1, 8), 200),
        ("an", date(2026, 1, 22), 300),
        ("an", date(2026, 2, 10), 999),  # after the end of observation: ignored
        ("cuong", date(2026, 2, 1), 70),  # only after the end: not a customer yet
    ]
    s = summarize(sales, END)
    assert s.customers == ("an", "bich")
    assert s.frequency.tolist() == [2, 0]  # an came back on 8/1 and 22/1
    assert s.recency.tolist() == [3.0, 0.0]  # 21 days from the first to the last visit = 3 weeks
    assert s.T.tolist() == pytest.approx([30 / 7, 16 / 7])
    assert s.monetary_value.tolist() == [250.0, 0.0]  # (200 + 300) / 2: the first visit is left out
    assert s.total_amount.tolist() == [650.0, 80.0]
    assert s.first_day.tolist() == [date(2026, 1, 1).toordinal(), date(2026, 1, 15).toordinal()]
    assert s.last_day.tolist() == [date(2026, 1, 22).toordinal(), date(2026, 1, 15).toordinal()]
    assert s.position() == {"an": 0, "bich": 1}


def test_days_as_the_unit() -> None:
    s = summarize([(1, date(2026, 1, 1), 10), (1, date(2026, 1, 11), 20)], END, unit_days=1)
    assert (s.frequency[0], s.recency[0], s.T[0], s.monetary_value[0]) == (1, 10.0, 30.0, 20.0)


def test_a_first_purchase_on_the_last_day_has_age_zero() -> None:
    s = summarize([("x", END, 5)], END)
    assert (s.frequency[0], s.recency[0], s.T[0]) == (0, 0.0, 0.0)


def test_nothing_bought_gives_an_empty_summary() -> None:
    assert len(summarize([], END)) == 0
    assert len(summarize([("late", END + timedelta(days=1), 1)], END)) == 0


@pytest.mark.parametrize(
    ("rows", "unit"),
    [
        ([("a", "2026-01-01", 1)], 7),
        ([("a", date(2026, 1, 1), -5)], 7),
        ([("a", date(2026, 1, 1), True)], 7),
        ([("a", date(2026, 1, 1))], 7),
        ([("a", date(2026, 1, 1), 1)], 0),
        ([("a", date(2026, 1, 1), float("nan"))], 7),
    ],
)
def test_bad_input_is_a_sentence(rows: list[tuple[object, ...]], unit: float) -> None:
    with pytest.raises(InvalidInput) as caught:
        summarize(rows, END, unit_days=unit)  # type: ignore[arg-type]
    assert " is not valid: " in caught.value.message  # what was wrong, as a sentence


def test_arrays_in_any_order_give_the_same_summary() -> None:
    rng = np.random.default_rng(3)
    customer = rng.integers(0, 50, 2000)
    day = rng.integers(738000, 738400, 2000)
    amount = rng.integers(1, 500_000, 2000).astype(float)
    end = 738300
    ordered = np.lexsort((day, customer))
    a = summarize_arrays(customer, day, amount, end)
    b = summarize_arrays(customer[ordered], day[ordered], amount[ordered], end)
    for field in ("customer", "frequency", "recency", "T", "monetary_value", "total_amount"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_the_callers_arrays_are_left_as_they_were() -> None:
    customer = np.array([1, 1, 2], dtype=np.int32)  # one sale a day: the rows are the purchase days
    day = np.array([10, 12, 11], dtype=np.int32)
    amount = np.array([5.0, 7.0, 9.0])
    s = summarize_arrays(customer, day, amount, observation_end=20)
    assert amount.tolist() == [5.0, 7.0, 9.0]
    assert s.monetary_value.tolist() == [7.0, 0.0] and s.total_amount.tolist() == [12.0, 9.0]


def test_purchase_days_are_distinct_and_sorted() -> None:
    who, when = purchase_days([2, 1, 2, 2, 1], [10, 12, 10, 11, 30], observation_end=20)
    assert who.tolist() == [1, 2, 2]
    assert when.tolist() == [12, 10, 11]


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 60), st.integers(0, 10_000)),
        max_size=60,
    ),
    st.integers(0, 60),
    st.sampled_from([1, 7, 30]),
)
def test_summary_matches_a_plain_count(rows: list[tuple[int, int, int]], end: int, unit: int) -> None:
    start = date(2025, 1, 1)
    sales = [(c, start + timedelta(days=d), amount) for c, d, amount in rows]
    s = summarize(sales, start + timedelta(days=end), unit_days=unit)
    seen = {c for c, d, _ in rows if d <= end}
    assert set(s.customers) == seen
    for i, c in enumerate(s.customers):
        per_day: dict[int, int] = {}
        for cc, d, amount in rows:
            if cc == c and d <= end:
                per_day[d] = per_day.get(d, 0) + amount
        days = sorted(per_day)
        assert s.frequency[i] == len(days) - 1
        assert s.recency[i] == pytest.approx((days[-1] - days[0]) / unit)
        assert s.T[i] == pytest.approx((end - days[0]) / unit)
        repeat = [per_day[d] for d in days[1:]]
        assert s.monetary_value[i] == pytest.approx(sum(repeat) / len(repeat) if repeat else 0.0)
        assert s.total_amount[i] == sum(per_day.values())
