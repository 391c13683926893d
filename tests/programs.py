"""Programs for tests that earn at the wall clock's time."""

from __future__ import annotations

from loyalty.program import Program


def steady(program: Program) -> Program:
    """``program`` without its promotions bound to a time of day. The demo program's happy hour doubles points
    from 14:00 to 17:00 on weekdays (shop time): a test that earns "now" and expects a fixed number of points
    passed or failed by the hour it ran."""
    return program.model_copy(
        update={"promotions": [p for p in program.promotions if p.start_time is None and p.end_time is None]}
    )
