"""The invariant of docs/sync.md under a seeded simulation: several tills and the central, a fake clock, a
network that drops, delays, duplicates and reorders, tills killed mid-request and taken offline. After the
quiet phase every till shows the central's balance and entries for every member, the central's balance is
the sum of what the tills committed (entry for entry), ``check`` finds nothing, and each overdraft is recorded
once, with one inbox item.

``make test`` runs a fixed set of seeds. ``LOYALTY_SIM_SEED=N`` replays one seed (the failure message says
which, and ``LOYALTY_SIM_STEPS`` how long); ``LOYALTY_SIM_SEEDS=N`` (or ``make explore``) runs N fresh seeds,
each longer."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path
from typing import Any

import pytest

from .scheduler import Outcome, simulate
from .world import Templates

FIXED_SEEDS = (*range(1, 16), 17, 19)
STEPS = 30
EXPLORE_STEPS = 100
EXPLORE_SEEDS = 50

REGRESSIONS = {
    # Two tills offline redeem for one member at the same moment, one of them sells to her a little later, the
    # network heals (13 steps pass): the till that sold takes in the other's older redemption, which its later
    # lot must pay (app/services/sync_apply.py, an entry that arrives late). Seed 1 (in the fixed set) too.
    (84, 14),
}
"""Runs that once broke the invariant, kept whatever the fixed set becomes."""

KNOWN: dict[tuple[int, int], str] = {}
"""Runs that break the invariant today, by a defect found by the simulation and not fixed yet: each stays
visible (strict: the day it passes, the mark must go)."""


def _runs() -> list[Any]:
    """(seed, steps) to run: one replayed, fresh seeds to explore, or the fixed set with the known failures."""
    if "LOYALTY_SIM_SEED" in os.environ:
        steps = int(os.environ.get("LOYALTY_SIM_STEPS", STEPS))
        return [(int(os.environ["LOYALTY_SIM_SEED"]), steps)]
    if "LOYALTY_SIM_SEEDS" in os.environ or os.environ.get("LOYALTY_HYPOTHESIS_PROFILE") == "explore":
        fresh = random.SystemRandom()
        count = int(os.environ.get("LOYALTY_SIM_SEEDS", EXPLORE_SEEDS))
        return [(fresh.randrange(2**32), EXPLORE_STEPS) for _ in range(count)]
    runs = sorted({*((seed, STEPS) for seed in FIXED_SEEDS), *REGRESSIONS, *KNOWN})
    return [
        pytest.param(*run, marks=pytest.mark.xfail(strict=True, reason=KNOWN[run])) if run in KNOWN else run
        for run in runs
    ]


def explain(outcome: Outcome, steps: int) -> str:
    return "\n".join(
        [
            f"seed {outcome.seed} ({steps} steps) breaks the invariant:",
            *(f"  - {v}" for v in outcome.violations),
            "the end of its trace:",
            *outcome.trace[-80:],
            f"replay it: LOYALTY_SIM_SEED={outcome.seed} LOYALTY_SIM_STEPS={steps} pytest tests/sync/sim",
        ]
    )


@pytest.mark.parametrize(("seed", "steps"), _runs())
def test_the_invariant_holds_once_quiet(
    seed: int, steps: int, tmp_path: Path, sim_templates: Templates
) -> None:
    outcome = simulate(seed, tmp_path, sim_templates, steps=steps)
    assert not outcome.violations, explain(outcome, steps)


def test_a_seed_replays_event_for_event(tmp_path: Path, sim_templates: Templates) -> None:
    # Seed 84 for 13 steps: two tills offline overspend one member, a reply is lost, a till is killed.
    first = simulate(84, tmp_path / "first", sim_templates, steps=13)
    second = simulate(84, tmp_path / "second", sim_templates, steps=13)
    assert first.overdrafts == 1
    for event in ("reply lost", "killed", "offline", "redeems"):
        assert any(event in line for line in first.trace), event
    diverged = next(
        (f"{a}\n  vs\n{b}" for a, b in zip(first.trace, second.trace, strict=False) if a != b), None
    )
    assert first.trace == second.trace, f"seed 84 ran differently the second time:\n{diverged}"
    assert first.digest == second.digest
    assert not first.violations, explain(first, 13)


def test_the_fixed_runs_restart_the_central() -> None:
    """Central restarts come from a stream of their own (the seed's trade and faults stay as they were): the
    fixed set must still meet some, or a defect of restarts would go unseen."""
    import random

    from .scheduler import CENTRAL_RESTART_CHANCE

    restarted = 0
    for seed in FIXED_SEEDS:
        draws = random.Random(f"central restarts {seed}")
        restarted += any(draws.random() < CENTRAL_RESTART_CHANCE for _ in range(STEPS))
    assert restarted >= len(FIXED_SEEDS) // 2


def test_the_noisy_phase_pushes_small_batches(tmp_path: Path, sim_templates: Templates) -> None:
    """Before the network heals, each exchange pushes batches of one to six items, so that a till's outbox
    goes up in several batches whose replies can be lost, delayed or duplicated one by one. (For a session
    the engine ignored the size the simulation set, and every till sent all it had at once.)"""
    outcome = simulate(84, tmp_path, sim_templates, steps=40)
    noisy = outcome.trace[: next(i for i, line in enumerate(outcome.trace) if "network heals" in line)]
    sizes = [
        len(re.findall(r"\d+:\w{3}", found.group(1)))
        for line in noisy
        if " push" in line and (found := re.search(r" -> 200 \[([^\]]*)\]", line))
    ]
    assert sizes and max(sizes) <= 6, sizes
    assert len(set(sizes)) > 1, sizes
