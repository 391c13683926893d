"""Pushes of one store that arrive together are committed together (group commit).

Pushes of a store take turns (``service._take_store_turn``): fifty tills coming back online at once each waited
for the forty-nine pushes ahead of it, and each of those paid the same fixed costs on its own: the turn, the
store's row, a settlement of the members they share, a commit. Here the pushes that wait for a store's turn in
this process go in as one group: the first to arrive leads; the ones arriving while it works queue; when it
has committed, the first of the queue leads the next group, which takes everything that queued meanwhile (up
to ``GROUP_ITEMS`` items). A push answered from a group is answered exactly as alone
(``service.push_together``): each push has its own savepoint and its own results, and nothing is answered
before the group's commit. TigerBeetle batches its clients' requests the same way.

Only pushes that wait anyway are grouped: a push that finds its store idle goes alone, at once. Several
worker processes each group their own pushes, and their groups take turns like single pushes did.

If a group fails for a reason that is not a push's own refusal (an error of the database, say), each of its
pushes is tried again alone, so one push cannot fail the others.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from central.base import ServiceError
from central.service import PushJob
from sync.protocol import PushResponse

log = logging.getLogger(__name__)

GROUP_ITEMS = 2_000
"""At most this many items in a group, so a group's commit stays about a second away for every push in it
(a push bigger than this goes alone)."""

GROUP_ITEMS_VARIABLE = "CENTRAL_PUSH_GROUP_ITEMS"
"""The environment's say on ``GROUP_ITEMS`` for ``python -m central serve`` and its workers; 0 turns grouping
off (every push alone, taking turns as before), to measure what grouping brings."""


def group_items_from(environ: Mapping[str, str]) -> int:
    text = environ.get(GROUP_ITEMS_VARIABLE, "").strip()
    if not text:
        return GROUP_ITEMS
    if not text.isdigit():
        raise ValueError(
            f"{GROUP_ITEMS_VARIABLE} must be a whole number of items (0: no grouping), not {text!r}"
        )
    return int(text)


Outcome = PushResponse | ServiceError
RunGroup = Callable[[Sequence[PushJob]], list[Outcome]]


@dataclass(eq=False)
class _Waiting:
    job: PushJob
    woken: threading.Event = field(default_factory=threading.Event)
    outcome: Outcome | BaseException | None = None
    """Set before ``woken``; None when woken to lead the next group."""


class PushGroups:
    """Groups the pushes of each store; ``run`` applies a group in one transaction (retrying it as a whole
    when the database asks)."""

    def __init__(self, run: RunGroup, max_items: int = GROUP_ITEMS) -> None:
        self._run = run
        self._max_items = max_items
        self._lock = threading.Lock()
        self._queues: dict[str, deque[_Waiting]] = {}
        """Per store with a leader: the pushes waiting for the next group (the next leader first)."""

    def push(self, job: PushJob) -> PushResponse:
        """Apply ``job`` in the next group of its store; its answer, or its refusal raised."""
        if self._max_items == 0:
            (alone,) = self._apply([job])
            if isinstance(alone, BaseException):
                raise alone
            return alone
        me = _Waiting(job)
        store = job.till.store_id
        with self._lock:
            queue = self._queues.get(store)
            if queue is None:
                self._queues[store] = deque([me])
                leads = True
            else:
                queue.append(me)
                leads = False
        if not leads:
            me.woken.wait()
        if me.outcome is None:
            self._lead(store)
        outcome = me.outcome
        if isinstance(outcome, BaseException):
            raise outcome
        assert outcome is not None
        return outcome

    def waiting(self, store: str) -> int:
        """How many pushes of ``store`` wait for the next group (the one being applied not counted)."""
        with self._lock:
            return len(self._queues.get(store, ()))

    def _lead(self, store: str) -> None:
        with self._lock:
            queue = self._queues[store]
            group = [queue.popleft()]
            items = len(group[0].job.request.items)
            while queue and items + len(queue[0].job.request.items) <= self._max_items:
                items += len(queue[0].job.request.items)
                group.append(queue.popleft())
        try:
            outcomes: Sequence[Outcome | BaseException] = self._apply([w.job for w in group])
            if len(outcomes) != len(group):  # pragma: no cover - a broken ``run``: never leave a push waiting
                raise RuntimeError(f"{len(outcomes)} answers for a group of {len(group)} pushes")
        except BaseException as err:
            outcomes = [err] * len(group)
        for waiting, outcome in zip(group, outcomes, strict=True):
            waiting.outcome = outcome
        with self._lock:
            if queue:
                queue[0].woken.set()  # the next leader (its outcome still None)
            else:
                del self._queues[store]
        for waiting in group:
            waiting.woken.set()

    def _apply(self, jobs: list[PushJob]) -> list[Outcome | BaseException]:
        try:
            return list(self._run(jobs))
        except Exception:
            if len(jobs) == 1:
                raise
            log.warning("a group of %d pushes failed: each is tried again alone", len(jobs), exc_info=True)
        outcomes: list[Outcome | BaseException] = []
        for job in jobs:
            try:
                outcomes.extend(self._run([job]))
            except Exception as err:
                outcomes.append(err)
        return outcomes
