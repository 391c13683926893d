"""UUIDv7 ids: time-ordered, version 7, RFC 4122 variant."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty import ids
from loyalty.ids import new_id, uuid7, uuid7_time_ms


@contextmanager
def isolated_clock() -> Iterator[None]:
    """Run with a fresh id clock and put the process-wide one back afterwards, so that tests feeding
    made-up clocks (far future, going back) do not change the ids the rest of the test session makes."""
    saved = (ids._last_ms, ids._counter)
    ids._last_ms, ids._counter = 0, 0
    try:
        yield
    finally:
        ids._last_ms, ids._counter = saved


def test_version_variant_and_time() -> None:
    # A fresh id clock: ids made earlier in this process (another test's far-future clock, or thousands in one
    # millisecond) move the process-wide clock ahead of real time, by design (ids stay monotonic).
    with isolated_clock():
        before = int(time.time() * 1000)
        u = uuid7()
        after = int(time.time() * 1000)
    assert u.version == 7
    assert u.variant == uuid.RFC_4122
    assert before <= uuid7_time_ms(u) <= after + 1


def test_new_id_is_the_canonical_string() -> None:
    value = new_id()
    assert len(value) == 36
    assert str(uuid.UUID(value)) == value
    assert uuid.UUID(value).version == 7


def test_ids_in_sequence_sort_in_generation_order() -> None:
    ids_made = [uuid7() for _ in range(10_000)]
    assert len(set(ids_made)) == len(ids_made)
    assert [u.int for u in ids_made] == sorted(u.int for u in ids_made)
    strings = [str(u) for u in ids_made]
    assert strings == sorted(strings)
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids_made)


def test_a_full_millisecond_borrows_the_next_one() -> None:
    with isolated_clock():
        # 5.000 ids in the same millisecond: the 12-bit counter runs out and the next millisecond is used
        made = [uuid7(unix_ms=1_000) for _ in range(5_000)]
    assert [u.int for u in made] == sorted(u.int for u in made)
    assert uuid7_time_ms(made[0]) == 1_000
    assert uuid7_time_ms(made[-1]) == 1_001
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in made)


def test_a_clock_that_goes_back_does_not_break_the_order() -> None:
    with isolated_clock():
        first = uuid7(unix_ms=4_000_000_000_000)
        second = uuid7(unix_ms=1_000)  # clock stepped back
    assert second.int > first.int
    assert uuid7_time_ms(second) == uuid7_time_ms(first)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**48 - 1 - 2**20), min_size=1, max_size=50))
def test_ids_sort_in_generation_order_whatever_the_clock(clock: list[int]) -> None:
    with isolated_clock():
        made = [uuid7(unix_ms=ms) for ms in clock]
    assert [u.int for u in made] == sorted(u.int for u in made)
    assert [str(u) for u in made] == sorted(str(u) for u in made)
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in made)
    assert uuid7_time_ms(made[-1]) >= max(clock)


def test_the_process_clock_is_left_alone() -> None:
    # after the tests above, ids made now still carry the real time
    now = int(time.time() * 1000)
    assert abs(uuid7_time_ms(uuid7()) - now) < 60_000
