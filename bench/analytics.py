"""The manager insights' refresh at store scale: ``python -m bench analytics [--members N]`` (also part of
``python -m bench``; ``make bench-analytics`` runs it alone with its baseline installed).

Data: ``members`` customers (1,000,000 by default) with two years of purchases drawn, with a fixed seed, from
the models themselves — BG/NBD purchase and dropout, Gamma-Gamma spend, first purchases spread over the two
years — made directly as arrays (member code, day, amount in VND). They come in member order, then time, as the
ledger's member-history index (member_id, created_at, kind, amount_minor) gives them to a refresh that reads
through it; the same rows in time order (a read in entry order) are timed too, as a separate row, because
they must be sorted first. Nothing of this goes through the store: the benchmark is the analytics, not SQLite.

Timed, one after the other, in a process of its own (so that its memory is its own):

* summarize — purchase days, frequency, recency, T and repeat value per member (``summarize_arrays``);
* fit BG/NBD, fit Gamma-Gamma — ``fit_bgnbd`` and ``fit_gamma_gamma`` on that summary;
* score everyone — P(alive), expected purchases in the next 90 days, expected spend and the 12-month
  discounted CLV of every member;
* segments — RFM quintile edges, scores and the named segment of every member, and the segment sizes;
* cohorts — the monthly cohort retention and repeat-purchase table, and the North Star's 13-week trend.

The whole refresh is their sum. Peak memory is the process's peak resident set size during the refresh
(interpreter, libraries and the input arrays included), reset before it where Linux allows.

Baseline, in the same run: the ``lifetimes`` package fitting the same summary and scoring everyone, in its own
process (``bench/analytics_baseline.py``; its interpreter: ``--baseline-python``, else
bench/.data/baseline-venv, else this one). Without ``lifetimes`` the baseline is the textbook likelihood under
``scipy.optimize.minimize``, and the report says so.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MEMBERS = 1_000_000
DEFAULT_RESULTS = Path(__file__).resolve().parent / "results" / "analytics.json"
BASELINE_VENV = Path(__file__).resolve().parent / ".data" / "baseline-venv"
BASELINE_TIMEOUT = 3600.0
DAYS = 730
UNIT_DAYS = 7
FIRST_DAY = date(2024, 12, 1)

# The population the data is drawn from (per day, VND).
TRUE_BGNBD = {"r": 0.6, "alpha": 30.0, "a": 0.8, "b": 4.0}
TRUE_SPEND = {"p": 4.0, "q": 5.0, "v": 600_000.0}

TARGETS = {
    "fits": ("both fits < 2 s", 2.0),
    "score": ("< 2 s", 2.0),
    "refresh": ("< 15 s", 15.0),
    "memory": ("< 400 MB", 400.0),
}

T = TypeVar("T")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Purchases:
    member: NDArray[np.int32]
    day: NDArray[np.int32]  # date.toordinal()
    amount: NDArray[np.float64]
    members: int
    as_of: date


def generate(members: int, seed: int) -> Purchases:
    """Purchases of ``members`` customers drawn from the models (see the module's notes), in time order."""
    rng = np.random.default_rng(seed)
    joined = rng.uniform(0, DAYS, members)  # the first purchase, in days from FIRST_DAY
    rate = rng.gamma(TRUE_BGNBD["r"], 1 / TRUE_BGNBD["alpha"], members)
    dropout = rng.beta(TRUE_BGNBD["a"], TRUE_BGNBD["b"], members)
    nu = rng.gamma(TRUE_SPEND["q"], 1 / TRUE_SPEND["v"], members)
    who = [np.arange(members, dtype=np.int64)]
    when = [joined.copy()]
    clock = joined.copy()
    active = np.arange(members)
    while active.size:
        clock[active] += rng.exponential(1 / rate[active])
        active = active[clock[active] < DAYS]
        who.append(active.copy())
        when.append(clock[active])
        active = active[rng.random(active.size) >= dropout[active]]
    member = np.concatenate(who)
    days = np.floor(np.concatenate(when)).astype(np.int64)
    spend = rng.gamma(TRUE_SPEND["p"], 1 / nu[member])
    amount = np.maximum(np.round(spend, -3), 1000.0)  # whole thousands of đồng
    # In member order, then time: as the ledger's member-history index (member_id, created_at, kind, amount)
    # reads the sales, which is how a refresh reads them (bench_time_order measures the other order).
    order = np.lexsort((days, member))
    base = FIRST_DAY.toordinal()
    # 32-bit member codes and day numbers, as the store's rowids and day numbers fit them: half the memory.
    return Purchases(
        member[order].astype(np.int32),
        (days[order] + base).astype(np.int32),
        amount[order],
        members,
        FIRST_DAY + timedelta(days=DAYS - 1),
    )


# -- memory ----------------------------------------------------------------------------------------------
def _status(field: str) -> float | None:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return None


def rss_mb() -> float:
    return _status("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_mb() -> float:
    return _status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _release_free_memory() -> None:
    """Hand the generator's freed memory back to the system (glibc keeps freed heap otherwise), so that the
    refresh's peak is the refresh's and the input's, not the data generator's leftovers."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def reset_peak() -> bool:
    """Reset the peak resident set size to the current one (Linux); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def timed(step: str, fn: Callable[[], T], rows: dict[str, dict[str, float]]) -> T:
    before = rss_mb()
    start = time.perf_counter()
    value = fn()
    rows[step] = {"seconds": time.perf_counter() - start, "rss_before_mb": before, "peak_mb": peak_mb()}
    log(f"  {step}: {rows[step]['seconds']:.2f} s")
    return value


# -- the refresh -----------------------------------------------------------------------------------------
def refresh(
    columns: dict[str, NDArray[Any]], as_of: date
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Time every step of the insights' refresh; the rows and what came out. ``columns`` (member, day, amount)
    is handed over: the amounts are let go once summarized, as a refresh that streams its sales would."""
    from loyalty.analytics import clv, metrics, rfm
    from loyalty.analytics.summary import summarize_arrays

    rows: dict[str, dict[str, float]] = {}
    end = as_of.toordinal()
    member, day = columns["member"], columns["day"]
    summary = timed(
        "summarize", lambda: summarize_arrays(member, day, columns.pop("amount"), end, UNIT_DAYS), rows
    )
    bgnbd = timed("fit_bgnbd", lambda: clv.fit_bgnbd(summary.frequency, summary.recency, summary.T), rows)
    spend = timed(
        "fit_gamma_gamma", lambda: clv.fit_gamma_gamma(summary.frequency, summary.monetary_value), rows
    )

    def score() -> dict[str, NDArray[np.float64]]:
        scorer = clv.Scorer(bgnbd, summary.frequency, summary.recency, summary.T)
        purchases = scorer.expected_purchases(90 / UNIT_DAYS)
        value = clv.discounted_clv(
            bgnbd,
            spend,
            summary.frequency,
            summary.recency,
            summary.T,
            summary.monetary_value,
            periods=12,
            period_length=30 / UNIT_DAYS,
            discount_rate=0.01,
            scorer=scorer,
        )
        return {"p_alive": scorer.p_alive, "purchases": purchases, "clv": value}

    scores = timed("score", score, rows)

    def segments() -> dict[rfm.Segment, int]:
        days = summary.frequency + 1
        edges = rfm.fit_edges(summary.last_day, days, summary.total_amount)
        return rfm.segment_sizes(
            rfm.segment_codes(rfm.scores(edges, summary.last_day, days, summary.total_amount))
        )

    sizes = timed("segments", segments, rows)

    def cohorts() -> tuple[metrics.CohortTable, NDArray[np.int64]]:
        table = metrics.cohort_table(member, day, as_of)
        trend = metrics.north_star_series(member, day, as_of - timedelta(days=7 * 12), as_of)
        return table, trend

    table, trend = timed("cohorts", cohorts, rows)
    finite = all(bool(np.isfinite(v).all()) for v in scores.values())
    outcome = {
        "customers": len(summary),
        "purchase_rows": int(member.size),
        "repeaters": int((summary.frequency > 0).sum()),
        "bgnbd": {"r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b},
        "gamma_gamma": {"p": spend.p, "q": spend.q, "v": spend.v},
        "scores_finite": finite,
        "p_alive_range": [float(scores["p_alive"].min()), float(scores["p_alive"].max())],
        "mean_clv": float(scores["clv"].mean()),
        "segments": {s.value: n for s, n in sizes.items()},
        "cohorts": len(table.cohorts),
        "north_star": int(trend[-1]),
        "summary": summary,
    }
    return rows, outcome


def time_order_summary(data: Purchases, rows: dict[str, dict[str, float]]) -> None:
    """The same rows in entry (time) order: the summary must sort them first. Reported beside the refresh,
    not part of it (measured before it, with its own peak)."""
    from loyalty.analytics.summary import summarize_arrays

    order = np.argsort(data.day, kind="stable")
    member, day, amount = data.member[order], data.day[order], data.amount[order]
    del order
    _release_free_memory()
    reset_peak()
    end = data.as_of.toordinal()
    timed("summarize_time_order", lambda: summarize_arrays(member, day, amount, end, UNIT_DAYS), rows)


def run_baseline(summary: Any, python: str, log_to: Callable[[str], None] = log) -> dict[str, Any]:
    """The baseline on the same summary, in its own process."""
    with tempfile.TemporaryDirectory() as scratch:
        source, target = Path(scratch) / "summary.npz", Path(scratch) / "baseline.json"
        np.savez(
            source,
            frequency=summary.frequency,
            recency=summary.recency,
            T=summary.T,
            monetary=summary.monetary_value,
        )
        log_to(f"baseline ({python}): fitting the same summary")
        try:
            done = subprocess.run(
                [python, "-m", "bench.analytics_baseline", str(source), str(target)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=BASELINE_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"baseline": "none", "why": f"the baseline did not finish within {BASELINE_TIMEOUT:.0f} s"}
        if done.returncode != 0 or not target.exists():
            return {"baseline": "none", "why": f"the baseline process failed: {done.stderr.strip()[-400:]}"}
        result: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
        return result


def baseline_python(explicit: str | None) -> str:
    if explicit:
        return explicit
    candidate = BASELINE_VENV / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def measure(members: int, seed: int, *, baseline: bool = True, python: str | None = None) -> dict[str, Any]:
    """Generate, refresh, baseline: the JSON-ready report."""
    log(f"analytics: drawing {members:,} members' purchases (seed {seed})")
    data = generate(members, seed)
    rows: dict[str, dict[str, float]] = {}
    log(f"analytics: {data.member.size:,} purchases; the summary of rows in time order first")
    time_order_summary(data, rows)
    columns: dict[str, NDArray[Any]] = {"member": data.member, "day": data.day, "amount": data.amount}
    as_of = data.as_of
    del data
    _release_free_memory()
    log("analytics: refreshing")
    could_reset = reset_peak()
    start_rss = rss_mb()
    steps, outcome = refresh(columns, as_of)
    rows.update(steps)
    rows["fits"] = {"seconds": rows["fit_bgnbd"]["seconds"] + rows["fit_gamma_gamma"]["seconds"]}
    rows["refresh"] = {
        "seconds": sum(rows[k]["seconds"] for k in ("summarize", "fit_bgnbd", "fit_gamma_gamma", "score", "segments", "cohorts"))
    }  # fmt: skip
    peak = peak_mb()
    summary = outcome.pop("summary")
    report: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": _version("scipy"),
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        },
        "members": members,
        "seed": seed,
        "true_parameters": {"bgnbd_per_day": TRUE_BGNBD, "gamma_gamma": TRUE_SPEND},
        "rows": rows,
        "memory": {"peak_mb": peak, "rss_before_mb": start_rss, "peak_reset": could_reset},
        "outcome": outcome,
    }
    report["verdicts"] = {
        "fits": rows["fits"]["seconds"] < TARGETS["fits"][1],
        "score": rows["score"]["seconds"] < TARGETS["score"][1],
        "refresh": rows["refresh"]["seconds"] < TARGETS["refresh"][1],
        "memory": peak < TARGETS["memory"][1],
    }
    if baseline:
        report["baseline"] = run_baseline(summary, baseline_python(python))
    return report


def _version(module: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:
        return None


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def format_report(report: dict[str, Any]) -> str:
    rows = report["rows"]
    out = report["outcome"]
    verdicts = report["verdicts"]
    base = report.get("baseline") or {}
    machine = report["machine"]
    load = machine.get("load_average")
    lines = [
        f"Insights refresh — {report['members']:,} members, {out['purchase_rows']:,} purchases "
        f"(seed {report['seed']}), {report['when']}",
        f"machine: {machine['cores']} cores, Python {machine['python']}, NumPy {machine['numpy']}, "
        f"SciPy {machine['scipy']}" + ("" if load is None else f"; load average {load[0]:.1f} at the start"),
        "",
    ]

    def ok(key: str) -> str:
        return "ok" if verdicts[key] else "MISS"

    base_fits = None
    if "fit_bgnbd_s" in base:
        base_fits = base["fit_bgnbd_s"] + base.get("fit_gamma_gamma_s", 0.0)
    table = [
        ("step", "time", "peak MB", "baseline", "target", "ok"),
        ("summarize", _s(rows["summarize"]["seconds"]), f"{rows['summarize']['peak_mb']:.0f}", "", "", ""),
        ("fit BG/NBD", _s(rows["fit_bgnbd"]["seconds"]), f"{rows['fit_bgnbd']['peak_mb']:.0f}", _s(base.get("fit_bgnbd_s")), "", ""),
        ("fit Gamma-Gamma", _s(rows["fit_gamma_gamma"]["seconds"]), f"{rows['fit_gamma_gamma']['peak_mb']:.0f}", _s(base.get("fit_gamma_gamma_s")), "", ""),
        ("  both fits", _s(rows["fits"]["seconds"]), "", _s(base_fits), TARGETS["fits"][0], ok("fits")),
        ("score everyone", _s(rows["score"]["seconds"]), f"{rows['score']['peak_mb']:.0f}", _s(base.get("score_s")), TARGETS["score"][0], ok("score")),
        ("segments (RFM)", _s(rows["segments"]["seconds"]), f"{rows['segments']['peak_mb']:.0f}", "", "", ""),
        ("cohorts + North Star", _s(rows["cohorts"]["seconds"]), f"{rows['cohorts']['peak_mb']:.0f}", "", "", ""),
        ("whole refresh", _s(rows["refresh"]["seconds"]), "", "", TARGETS["refresh"][0], ok("refresh")),
        ("peak memory", f"{report['memory']['peak_mb']:.0f} MB", "", _mb(base.get("fits_peak_mb")), TARGETS["memory"][0], ok("memory")),
        ("(rows in time order: summarize)", _s(rows["summarize_time_order"]["seconds"]), f"{rows['summarize_time_order']['peak_mb']:.0f}", "", "", ""),
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for n, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [c.rjust(widths[i]) for i, c in enumerate(row[1:4], 1)]
        cells += [row[4].ljust(widths[4]), row[5]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(
        f"customers {out['customers']:,}, with a repeat purchase {out['repeaters']:,}; P(alive) in "
        f"[{out['p_alive_range'][0]:.3f}, {out['p_alive_range'][1]:.3f}], every score finite: {out['scores_finite']}; "
        f"mean 12-month CLV {out['mean_clv']:,.0f} ₫; North Star {out['north_star']:,}"
    )
    ours, truth = out["bgnbd"], report["true_parameters"]["bgnbd_per_day"]
    lines.append(
        "BG/NBD (weeks): "
        + ", ".join(f"{k} {ours[k]:.4g}" for k in ("r", "alpha", "a", "b"))
        + f" (drawn with r {truth['r']}, alpha {truth['alpha'] / UNIT_DAYS:.4g} weeks, a {truth['a']}, b {truth['b']})"
    )
    g = out["gamma_gamma"]
    lines.append(
        f"Gamma-Gamma: p {g['p']:.4g}, q {g['q']:.4g}, v {g['v']:,.0f} (drawn with {report['true_parameters']['gamma_gamma']})"
    )
    if base:
        lines.append(f"baseline: {base.get('baseline')}" + (f" — {base['why']}" if base.get("why") else ""))
        if "bgnbd" in base:
            theirs = base["bgnbd"]
            lines.append(
                "baseline's BG/NBD: "
                + ", ".join(f"{k} {theirs[k]:.4g}" for k in ("r", "alpha", "a", "b"))
                + "; Gamma-Gamma: "
                + ", ".join(f"{k} {base['gamma_gamma'][k]:.4g}" for k in ("p", "q", "v"))
            )
        if base_fits:
            lines.append(
                f"fits: {base_fits / rows['fits']['seconds']:.0f}× faster than the baseline in this run"
            )
    return "\n".join(lines)


def _mb(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} MB"


def analytics_main(*, members: int, seed: int, json_path: Path, baseline: bool, python: str | None) -> int:
    report = measure(members, seed, baseline=baseline, python=python)
    print(format_report(report))
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    print(f"\nJSON: {json_path.name} in {json_path.parent.name}/", file=sys.stderr)
    return 0


def run_child(members: int, seed: int, *, baseline: bool = True, python: str | None = None) -> dict[str, Any]:
    """The analytics rows for ``python -m bench``: measured in a child process, so that neither the till's
    memory row nor this refresh's peak sees the other."""
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "analytics.json"
        command = [sys.executable, "-m", "bench", "analytics", "--members", str(members), "--seed", str(seed)]
        command += ["--json", str(target)]
        if not baseline:
            command.append("--no-baseline")
        if python:
            command += ["--baseline-python", python]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not target.exists():
            return {"skipped": f"the analytics benchmark failed: {done.stderr.strip()[-400:]}"}
        report: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
        return report


def analytics_lines(report: dict[str, Any]) -> list[str]:
    """The analytics block under ``python -m bench``'s table."""
    if "skipped" in report:
        return ["", f"insights refresh: skipped — {report['skipped']}"]
    return ["", format_report(report)]
