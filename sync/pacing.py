"""How many items the next push carries: as many as the central answers within a target time.

A till that comes back online with a day of sales pushes batches of the most the protocol allows; a central
busy with fifty such tills at once answers each of them more slowly, and a batch of 500 that waits behind 49
others takes half a minute — past the till's request timeout, so it is sent again and the central does the
work twice. So the size follows the time each push took, as TCP's window follows its round trips:

- slower than the target: the next batch is cut to what the target time would have carried at the rate just
  seen (never below ``smallest``);
- well within the target: the next batch may double (never above ``largest``).

The floor matters as much as the target. When a store's tills all push at once, their batches take turns on
the same members' rows at the central, so a batch waits behind the others whatever its own size: cutting
every till down to a handful of items only adds a request's fixed cost to each turn, and the store's
throughput fell fourfold (50 tills: 588 → 144 items/s) for a p99 still far over target. The central now
applies a store's waiting pushes together (group commit), and a group whose pushes are each a run of new
sales as sets, one statement per table for all of them: a push's own cost at the central fell from about 20 ms,
and smaller batches stopped costing most of the throughput. Fifty tills (2 cores, central, PostgreSQL and all
fifty tills on one machine), the engine's floor and aim against each other, on a central that already held
100,000 entries (the benchmark's push row before): at least 40 aimed at 1.5 s, 1,071 items/s with a p99 batch
of 2.4 s; at least 30 aimed at 1.2 s, 1,004 items/s with a p99 of 1.7 s. On a new central, at least 100 aimed
at 3 s gave 1,479 items/s with a p99 of 5.3 s, and 40 at 1.5 s 1,359 items/s with a p99 of 1.8 s. The engine
so aims at 1.2 s, a twenty-fifth of its request timeout, with batches of at least 30: a till alone still
doubles to the most within five pushes (a batch of 500 takes about a quarter of a second).

A batch that went up already is sent again as it was (the outbox keeps it); only new batches follow the size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.protocol import MAX_BATCH


@dataclass(slots=True)
class BatchPacer:
    largest: int = MAX_BATCH
    smallest: int = 10
    target_s: float = 1.0
    """A push's round trip the till aims for."""
    size: int = 0
    """The size of the next batch (``largest`` until a push says otherwise)."""

    def __post_init__(self) -> None:
        if not 1 <= self.smallest <= self.largest:
            raise ValueError("the smallest batch must be at least 1 and at most the largest")
        if self.target_s <= 0:
            raise ValueError("the target time must be positive")
        self.size = self.largest if self.size == 0 else min(max(self.size, self.smallest), self.largest)

    def took(self, items: int, seconds: float) -> None:
        """A push of ``items`` items was answered in ``seconds``."""
        if items <= 0:
            return
        if seconds > self.target_s:
            carried = int(items * self.target_s / seconds)
            self.size = max(self.smallest, min(self.size, carried))
        elif seconds < self.target_s / 4 and items >= self.size:
            # Only a full batch says the central could take more: a short one (the outbox's last) does not.
            self.size = min(self.largest, self.size * 2)
