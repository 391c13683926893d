"""The push batch follows the central's answers: smaller when they are slow, larger again when quick."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.pacing import BatchPacer


def test_a_slow_answer_cuts_the_next_batch_to_what_the_target_carries() -> None:
    pacer = BatchPacer(largest=500, smallest=10, target_s=1.0)
    assert pacer.size == 500
    pacer.took(500, 25.0)  # fifty tills at once: 20 items a second for this one
    assert pacer.size == 20
    pacer.took(20, 2.0)
    assert pacer.size == 10
    pacer.took(10, 60.0)
    assert pacer.size == 10  # never below the smallest


def test_quick_full_batches_grow_it_back_and_a_short_one_does_not() -> None:
    pacer = BatchPacer(largest=500, smallest=10, target_s=1.0, size=10)
    pacer.took(3, 0.01)  # the outbox's last few: says nothing about a bigger batch
    assert pacer.size == 10
    sizes = []
    for _ in range(8):
        pacer.took(pacer.size, 0.05)
        sizes.append(pacer.size)
    assert sizes == [20, 40, 80, 160, 320, 500, 500, 500]


def test_within_the_target_the_size_stays() -> None:
    pacer = BatchPacer(largest=500, target_s=1.0, size=200)
    pacer.took(200, 0.6)
    assert pacer.size == 200


@given(
    st.integers(1, 500),
    st.lists(st.tuples(st.integers(0, 600), st.floats(0, 120, allow_nan=False)), max_size=30),
)
def test_the_size_stays_within_its_bounds(smallest: int, answers: list[tuple[int, float]]) -> None:
    pacer = BatchPacer(largest=500, smallest=smallest, target_s=1.0)
    for items, seconds in answers:
        pacer.took(items, seconds)
        assert smallest <= pacer.size <= 500


def test_nonsense_bounds_are_refused() -> None:
    with pytest.raises(ValueError):
        BatchPacer(largest=5, smallest=10)
    with pytest.raises(ValueError):
        BatchPacer(target_s=0)
