from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.analytics.metrics import (
    ExpiryBucket,
    PointsFlow,
    active_members,
    cohort_table,
    enrolments_per_day,
    month_number,
    month_start,
    north_star,
    north_star_series,
    points_flow,
    points_liability,
    redemption_rate,
)
from loyalty.errors import InvalidInput


def d(text: str) -> int:
    return date.fromisoformat(text).toordinal()


# Members 0-3 first buy in January, 4-5 in February, 6 in March (as of 15 March: the current month).
PURCHASES = [
    (0, "2026-01-05"),
    (0, "2026-01-20"),  # second purchase day in its own month
    (0, "2026-02-03"),
    (1, "2026-01-10"),
    (1, "2026-03-01"),
    (2, "2026-01-31"),
    (3, "2026-01-15"),
    (3, "2026-01-15"),  # the same day twice: one purchase day
    (4, "2026-02-01"),
    (4, "2026-02-28"),
    (4, "2026-03-10"),
    (5, "2026-02-14"),
    (6, "2026-03-02"),
    (6, "2026-04-01"),  # after as_of: ignored
]
AS_OF = date(2026, 3, 15)


def table(purchases: list[tuple[int, str]], as_of: date = AS_OF, previous: object = None):  # type: ignore[no-untyped-def]
    who = np.array([p[0] for p in purchases])
    when = np.array([d(p[1]) for p in purchases])
    return cohort_table(who, when, as_of, previous)  # type: ignore[arg-type]


def test_cohort_retention_worked_by_hand() -> None:
    t = table(PURCHASES)
    assert t.cohorts == (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))
    assert t.sizes.tolist() == [4, 2, 1]
    # January: all 4 bought in month 0; member 0 in February; member 1 in March.
    np.testing.assert_allclose(t.retention[0], [1.0, 0.25, 0.25])
    np.testing.assert_allclose(t.retention[1, :2], [1.0, 0.5])
    assert math.isnan(t.retention[1, 2])  # April for the February cohort: to come
    np.testing.assert_allclose(t.retention[2, :1], [1.0])
    # Repeat purchase by the end of each month: January: member 0 (20 Jan); then member 1 (March).
    np.testing.assert_allclose(t.repeat_rate[0], [0.25, 0.25, 0.5])
    np.testing.assert_allclose(t.repeat_rate[1, :2], [0.5, 0.5])  # member 4 on 28 Feb; member 5 never
    assert t.partial.tolist() == [[False, False, True], [False, True, False], [True, False, False]]


def test_finished_months_never_change_as_sales_arrive() -> None:
    before = table(PURCHASES)
    later = [*PURCHASES, (2, "2026-03-20"), (7, "2026-03-21"), (5, "2026-04-02")]
    after = table(later, date(2026, 4, 5))
    finished = ~before.partial & ~np.isnan(before.retention)
    rows, cols = before.retention.shape
    np.testing.assert_array_equal(after.retention[:rows, :cols][finished], before.retention[finished])
    np.testing.assert_array_equal(after.repeat_rate[:rows, :cols][finished], before.repeat_rate[finished])
    # The March cells were partial and have moved on; March is now finished and April is partial.
    assert after.retention[0, 2] == 0.5  # member 2 came back on 20 March
    assert after.sizes[2] == 2  # member 7 joined the March cohort
    assert after.partial[0, 3] and not after.partial[0, 2]


def test_a_late_sale_dated_in_a_finished_month_leaves_it_as_it_was() -> None:
    before = table(PURCHASES)
    late = [*PURCHASES, (3, "2026-02-10")]  # synced late: member 3 bought in February after all
    recomputed = table(late, AS_OF)
    assert recomputed.retention[0, 1] == 0.5  # without the previous table, February moves
    kept = table(late, AS_OF, previous=before)
    assert kept.retention[0, 1] == 0.25
    assert kept.repeat_rate[0, 1] == before.repeat_rate[0, 1]


def test_no_purchases_give_an_empty_table() -> None:
    t = cohort_table(np.array([], dtype=np.int64), np.array([], dtype=np.int64), AS_OF)
    assert t.cohorts == () and t.retention.shape == (0, 0)


def test_months() -> None:
    assert month_number([d("1970-01-31"), d("1970-02-01"), d("2026-03-15")]).tolist() == [0, 1, 674]
    assert month_start(674) == date(2026, 3, 1)


def test_active_members_count_the_window_ending_today() -> None:
    last = [d("2026-03-15"), d("2025-12-16"), d("2025-12-15"), d("2026-03-16")]
    assert (
        active_members(last, AS_OF) == 2
    )  # 90 days: 16 Dec to 15 Mar; a purchase after today is not counted


def test_north_star_worked_by_hand() -> None:
    who = np.array([p[0] for p in PURCHASES])
    when = np.array([d(p[1]) for p in PURCHASES])
    # Repeat purchase days on or before 15 March: 0 on 20 Jan and 3 Feb, 1 on 1 Mar, 4 on 28 Feb and 10 Mar.
    assert north_star(who, when, AS_OF) == 3
    assert north_star(who, when, date(2026, 1, 19)) == 0
    assert north_star(who, when, date(2026, 1, 20)) == 1
    assert north_star(who, when, AS_OF, window=15) == 2  # 1 March and 10 March only
    assert north_star(who, when, AS_OF, window=10) == 1  # 10 March only
    series = north_star_series(who, when, date(2026, 1, 19), date(2026, 1, 21))
    assert series.tolist() == [0, 1, 1]


@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 120)), max_size=60),
    st.integers(1, 40),
)
def test_north_star_series_matches_counting_each_day(rows: list[tuple[int, int]], window: int) -> None:
    start = date(2026, 1, 1)
    who = np.array([r[0] for r in rows], dtype=np.int64)
    when = np.array([(start + timedelta(days=r[1])).toordinal() for r in rows], dtype=np.int64)
    series = north_star_series(who, when, start, start + timedelta(days=130), window)
    for offset in range(0, 131, 7):
        today = start.toordinal() + offset
        counted = 0
        for member in set(who.tolist()):
            days = sorted({int(x) for x, m in zip(when, who, strict=True) if m == member and x <= today})
            if any(today - window < x <= today for x in days[1:]):
                counted += 1
        assert series[offset] == counted


def test_points_liability_and_its_schedule() -> None:
    lots = [
        (100, date(2026, 3, 31)),
        (50, date(2026, 3, 31)),
        (20, date(2026, 3, 14)),  # last usable day already past: lost, not owed
        (30, date(2026, 5, 31)),
        (0, date(2026, 6, 30)),
        (7, None),
    ]
    got = points_liability(lots, point_value=1000, as_of=AS_OF)
    assert (got.points, got.value) == (187, 187_000)
    assert got.schedule == (
        ExpiryBucket(date(2026, 3, 1), 150, 150_000),
        ExpiryBucket(date(2026, 5, 1), 30, 30_000),
        ExpiryBucket(None, 7, 7_000),
    )
    with pytest.raises(InvalidInput):
        points_liability(lots, point_value=-1, as_of=AS_OF)


def test_points_issued_redeemed_expired_per_month() -> None:
    entries = [
        (date(2026, 1, 3), "earn", 120, False),
        (date(2026, 1, 3), "bonus", 50, False),
        (date(2026, 1, 9), "redeem", -100, False),
        (date(2026, 1, 9), "adjust", -5, False),  # a correction down is not a redemption
        (date(2026, 3, 1), "action", 10, False),
        (date(2026, 3, 2), "reverse", -12, False),  # points of a returned sale: not issued, not redeemed
        (date(2026, 3, 2), "reverse", 40, True),  # a redemption given back on a return
        (date(2026, 3, 31), "expire", -30, False),
        (date(2026, 3, 31), "transfer", 70, False),  # a merge moves points: neither issued nor redeemed
    ]
    flow = points_flow(entries)
    assert flow == (
        PointsFlow(date(2026, 1, 1), issued=170, redeemed=100, expired=0),
        PointsFlow(date(2026, 2, 1), issued=0, redeemed=0, expired=0),
        PointsFlow(date(2026, 3, 1), issued=10, redeemed=-40, expired=30),
    )
    assert flow[0].redemption_rate == pytest.approx(100 / 170)
    assert flow[1].redemption_rate is None
    assert redemption_rate(flow) == pytest.approx(60 / 180)
    assert points_flow([]) == ()


def test_enrolments_per_day_fill_the_quiet_days() -> None:
    got = enrolments_per_day(
        [date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 3), date(2026, 2, 1)],
        date(2026, 3, 1),
        date(2026, 3, 3),
    )
    assert got == ((date(2026, 3, 1), 2), (date(2026, 3, 2), 0), (date(2026, 3, 3), 1))
    with pytest.raises(InvalidInput):
        enrolments_per_day([], date(2026, 3, 2), date(2026, 3, 1))
