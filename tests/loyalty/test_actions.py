"""Cap periods of non-purchase actions, in the store's calendar (Asia/Ho_Chi_Minh, UTC+7)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty.actions import period_end, period_start
from loyalty.program import Period
from tests.loyalty.helpers import VN, utc

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=VN)


@pytest.mark.parametrize(
    ("period", "at", "start", "end"),
    [
        # 4 March 2026 20:00 UTC is 5 March 03:00 in the store: the day is 5 March (local)
        ("day", utc(2026, 3, 4, 20), vn(2026, 3, 5), vn(2026, 3, 6)),
        # 4 March 16:59 UTC is 23:59 on 4 March in the store
        ("day", utc(2026, 3, 4, 16, 59), vn(2026, 3, 4), vn(2026, 3, 5)),
        # Sunday 8 March 2026 20:00 UTC is Monday 9 March 03:00 in the store: a new week (weeks start Monday)
        ("week", utc(2026, 3, 8, 20), vn(2026, 3, 9), vn(2026, 3, 16)),
        # Sunday 8 March 12:00 UTC is still Sunday in the store: the week of Monday 2 March
        ("week", utc(2026, 3, 8, 12), vn(2026, 3, 2), vn(2026, 3, 9)),
        # 28 Feb 2026 18:00 UTC is 1 March 01:00 in the store: March
        ("month", utc(2026, 2, 28, 18), vn(2026, 3, 1), vn(2026, 4, 1)),
        ("month", utc(2026, 2, 28, 16), vn(2026, 2, 1), vn(2026, 3, 1)),
        ("month", utc(2026, 12, 31, 12), vn(2026, 12, 1), vn(2027, 1, 1)),
        # 31 Dec 2025 17:00 UTC is New Year 2026 00:00 in the store
        ("year", utc(2025, 12, 31, 17), vn(2026, 1, 1), vn(2027, 1, 1)),
        ("year", datetime(2025, 12, 31, 16, 59, 59, tzinfo=UTC), vn(2025, 1, 1), vn(2026, 1, 1)),
    ],
)
def test_period_boundaries_in_the_stores_zone(
    period: Period, at: datetime, start: datetime, end: datetime
) -> None:
    got_start = period_start(period, at, HCM)
    assert got_start == start
    assert got_start is not None and got_start.tzinfo is UTC  # given back in the caller's zone
    got_end = period_end(period, got_start, HCM)
    assert got_end == end
    assert got_end is not None and got_end.tzinfo is UTC


def test_ever_has_no_period() -> None:
    assert period_start("ever", utc(2026, 3, 4), HCM) is None
    assert period_end("ever", None, HCM) is None
    assert period_end("month", None, HCM) is None


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["day", "week", "month", "year"]),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
)
def test_period_contains_its_moment_and_periods_tile(period: Period, at: datetime) -> None:
    start = period_start(period, at, HCM)
    assert start is not None
    end = period_end(period, start, HCM)
    assert end is not None
    assert start <= at < end
    # the period of its own start is itself, and the next period starts where this one ends
    assert period_start(period, start, HCM) == start
    assert period_start(period, end, HCM) == end
    local = start.astimezone(HCM)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
