"""What every benchmark row is made of: samples timed in nanoseconds, their percentiles, the row next to its
baseline, and the DESIGN.md target it is held to. ``bench.run`` uses ``bench.readers``, so both take these from
here: the bench modules import one another without cycles (an import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

Log = Callable[[str], None]


# -- targets ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    text: str
    p95_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    ratio: float | None = None
    max_mb: float | None = None

    def met(self, row: dict[str, Any]) -> bool | None:
        checks: list[bool] = []
        if self.p95_ms is not None:
            checks.append(row["p95_ms"] <= self.p95_ms)
        if self.p99_ms is not None:
            checks.append(row["p99_ms"] <= self.p99_ms)
        if self.max_ms is not None:
            checks.append(row["max_ms"] <= self.max_ms)
        if self.ratio is not None and row.get("ratio_p50") is not None:
            checks.append(row["ratio_p50"] <= self.ratio)
        if self.max_mb is not None:
            checks.append(row["mb"] <= self.max_mb)
        return all(checks) if checks else None


# -- timing ----------------------------------------------------------------------------------------------
def percentile(sorted_ns: list[int], p: float) -> float:
    """Nearest-rank percentile of sorted nanosecond samples, in milliseconds."""
    if not sorted_ns:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_ns)))
    return sorted_ns[rank - 1] / 1e6


def summarize(samples_ns: list[int]) -> dict[str, Any]:
    data = sorted(samples_ns)
    return {
        "n": len(data),
        "p50_ms": round(percentile(data, 50), 3),
        "p95_ms": round(percentile(data, 95), 3),
        "p99_ms": round(percentile(data, 99), 3),
        "max_ms": round(data[-1] / 1e6, 3) if data else math.nan,
        "mean_ms": round(sum(data) / len(data) / 1e6, 3) if data else math.nan,
    }


def result_row(
    service_ns: list[int],
    baseline_ns: list[int] | None,
    *,
    what: str,
    baseline_what: str | None,
    target: Target | None,
    **extra: Any,
) -> dict[str, Any]:
    row = summarize(service_ns)
    row["what"] = what
    if baseline_ns:
        base = summarize(baseline_ns)
        base["what"] = baseline_what
        row["baseline"] = base
        row["ratio_p50"] = round(row["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] > 0 else None
        row["ratio_p99"] = round(row["p99_ms"] / base["p99_ms"], 2) if base["p99_ms"] > 0 else None
    else:
        row["baseline"] = None
        row["ratio_p50"] = row["ratio_p99"] = None
    row.update(extra)
    row["target"] = target.text if target else None
    row["ok"] = target.met(row) if target else None
    return row


T = TypeVar("T")


def timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[int, T]:
    """``fn(*args, **kwargs)`` and how long it took, in nanoseconds."""
    start = time.perf_counter_ns()
    value = fn(*args, **kwargs)
    return time.perf_counter_ns() - start, value
