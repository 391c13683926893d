"""Group commit (``central.push_groups``): pushes of a store that wait for its turn are applied as one group,
each answered with its own outcome; a push's refusal stays its own; a group that fails is tried push by push;
stores do not wait for each other. Threads and events only: no sleeps, nothing depends on timing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any, cast

import pytest

from central.base import Conflict
from central.push_groups import GROUP_ITEMS, GROUP_ITEMS_VARIABLE, Outcome, PushGroups, group_items_from
from central.service import PushJob, TillIdentity
from sync.protocol import PushResponse

WAIT_S = 30  # a bound for a stuck test, never a pace


def _job(store: str, tag: str, items: int = 1) -> PushJob:
    request = SimpleNamespace(items=[None] * items, tag=tag)
    return cast(PushJob, SimpleNamespace(till=TillIdentity(till_id=tag, store_id=store), request=request))


def _tag(job: PushJob) -> str:
    return cast(Any, job.request).tag


class Central:
    """A ``run`` that records its groups; the first group of a store can be held until released."""

    def __init__(self, refuse: str | None = None, fail_with: str | None = None) -> None:
        self.groups: list[list[str]] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self.refuse, self.fail_with = refuse, fail_with

    def run(self, jobs: Sequence[PushJob]) -> list[Outcome]:
        tags = [_tag(job) for job in jobs]
        self.groups.append(tags)
        self.entered.set()
        assert self.release.wait(WAIT_S)
        if self.fail_with in tags and len(tags) > 1:
            raise RuntimeError("the database went away")
        if self.fail_with in tags:
            raise RuntimeError(f"{self.fail_with} cannot be stored")
        return [
            Conflict(f"{tag} is refused") if tag == self.refuse else cast(PushResponse, f"done {tag}")
            for tag in tags
        ]


def _push_in_thread(groups: PushGroups, job: PushJob, results: dict[str, object]) -> threading.Thread:
    def go() -> None:
        try:
            results[_tag(job)] = groups.push(job)
        except Exception as err:
            results[_tag(job)] = err

    thread = threading.Thread(target=go)
    thread.start()
    return thread


def _until(condition: Callable[[], bool]) -> None:
    done = threading.Event()
    for _ in range(WAIT_S * 100):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("the condition never came")


def _held(central: Central, groups: PushGroups, results: dict[str, object]) -> threading.Thread:
    """A first push of store S that is being applied, held there."""
    central.release.clear()
    first = _push_in_thread(groups, _job("S", "first"), results)
    assert central.entered.wait(WAIT_S)
    return first


def _behind_a_held_push(
    central: Central, groups: PushGroups, count: int, items: int = 1
) -> dict[str, object]:
    """A first push held in ``run`` while ``count`` more (t0, t1 ...) queue behind it; then all are let
    through. Each push's outcome (its answer, or what it raised) by name."""
    results: dict[str, object] = {}
    first = _held(central, groups, results)
    threads = [_push_in_thread(groups, _job("S", f"t{n}", items), results) for n in range(count)]
    _until(lambda: groups.waiting("S") == count)
    central.release.set()
    for thread in [first, *threads]:
        thread.join(WAIT_S)
    return results


def test_pushes_that_wait_go_in_one_group_each_with_its_own_answer() -> None:
    central = Central()
    groups = PushGroups(central.run)
    results = _behind_a_held_push(central, groups, 6)
    assert central.groups[0] == ["first"]
    assert sorted(central.groups[1]) == [f"t{n}" for n in range(6)] and len(central.groups) == 2
    assert results == {"first": "done first", **{f"t{n}": f"done t{n}" for n in range(6)}}
    assert groups.waiting("S") == 0
    # The store is idle again: the next push goes alone, at once.
    assert groups.push(_job("S", "later")) == "done later"
    assert central.groups[-1] == ["later"]


def test_a_refusal_is_raised_in_its_own_push_only() -> None:
    central = Central(refuse="t1")
    groups = PushGroups(central.run)
    results = _behind_a_held_push(central, groups, 3)
    assert isinstance(results["t1"], Conflict) and results["t1"].detail == "t1 is refused"
    assert results["t0"] == "done t0" and results["t2"] == "done t2"


def test_a_group_that_fails_is_tried_push_by_push() -> None:
    central = Central(fail_with="t1")
    groups = PushGroups(central.run)
    results = _behind_a_held_push(central, groups, 3)
    assert results["t0"] == "done t0" and results["t2"] == "done t2"
    assert isinstance(results["t1"], RuntimeError) and str(results["t1"]) == "t1 cannot be stored"
    assert sorted(map(tuple, central.groups[2:])) == [("t0",), ("t1",), ("t2",)]


def test_a_group_holds_at_most_so_many_items() -> None:
    central = Central()
    groups = PushGroups(central.run, max_items=10)
    results = _behind_a_held_push(central, groups, 5, items=4)
    assert [len(group) for group in central.groups] == [1, 2, 2, 1]
    assert len(results) == 6 and all(str(value).startswith("done") for value in results.values())


def test_stores_do_not_wait_for_each_other() -> None:
    held, other = Central(), Central()

    def run(jobs: Sequence[PushJob]) -> list[Outcome]:
        return (held if jobs[0].till.store_id == "S" else other).run(jobs)

    groups = PushGroups(run)
    results: dict[str, object] = {}
    first = _held(held, groups, results)
    assert groups.push(_job("T", "elsewhere")) == "done elsewhere"  # while S's group is still being applied
    held.release.set()
    first.join(WAIT_S)
    assert results == {"first": "done first"}


def test_an_unexpected_failure_of_a_lone_push_is_raised() -> None:
    groups = PushGroups(Central(fail_with="alone").run)
    with pytest.raises(RuntimeError, match="alone cannot be stored"):
        groups.push(_job("S", "alone"))
    assert groups.waiting("S") == 0


def test_no_grouping_when_told_so() -> None:
    """``CENTRAL_PUSH_GROUP_ITEMS=0``: every push goes to ``run`` alone, none waits in a queue here."""
    central = Central()
    groups = PushGroups(central.run, max_items=0)
    results: dict[str, object] = {}
    first = _held(central, groups, results)
    second = _push_in_thread(groups, _job("S", "second"), results)
    _until(lambda: ["second"] in central.groups)  # it reached run while the first was still in it
    assert groups.waiting("S") == 0
    central.release.set()
    for thread in (first, second):
        thread.join(WAIT_S)
    assert results == {"first": "done first", "second": "done second"}


@pytest.mark.parametrize(
    ("value", "items"), [(None, GROUP_ITEMS), ("", GROUP_ITEMS), ("0", 0), (" 500 ", 500)]
)
def test_the_group_size_from_the_environment(value: str | None, items: int) -> None:
    environ = {} if value is None else {GROUP_ITEMS_VARIABLE: value}
    assert group_items_from(environ) == items


@pytest.mark.parametrize("value", ["-1", "many", "1.5"])
def test_a_group_size_that_is_not_a_count_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="CENTRAL_PUSH_GROUP_ITEMS must be a whole number"):
        group_items_from({GROUP_ITEMS_VARIABLE: value})
