"""UUIDv7 ids: time-ordered, version 7, RFC 4122 variant."""

from __future__ import annotations

import time
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty.ids import new_id, uuid7, uuid7_time_ms


def test_version_variant_and_time() -> None:
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
    # many ids in the same millisecond: the 12-bit counter keeps them ordered, and past 4096 it borrows
    # the next millisecond instead of wrapping round
    ids = [uuid7() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert [u.int for u in ids] == sorted(u.int for u in ids)
    strings = [str(u) for u in ids]
    assert strings == sorted(strings)
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids)


def test_a_clock_that_goes_back_does_not_break_the_order() -> None:
    first = uuid7(unix_ms=4_000_000_000_000)
    second = uuid7(unix_ms=1_000)  # clock stepped back
    assert second.int > first.int
    assert uuid7_time_ms(second) >= uuid7_time_ms(first)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**48 - 1 - 2**20), min_size=1, max_size=50))
def test_ids_sort_in_generation_order_whatever_the_clock(clock: list[int]) -> None:
    ids = [uuid7(unix_ms=ms) for ms in clock]
    ids.append(uuid7())
    assert [u.int for u in ids] == sorted(u.int for u in ids)
    assert [str(u) for u in ids] == sorted(str(u) for u in ids)
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids)
