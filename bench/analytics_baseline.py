"""The analytics benchmark's baseline, run as its own process: ``python -m bench.analytics_baseline IN OUT``.

It reads the summary the till's refresh computed (``IN``, an ``.npz`` of frequency, recency, T and monetary
value) and fits the same two models with the ``lifetimes`` package — ``BetaGeoFitter`` and
``GammaGammaFitter`` as their documentation shows, one row per customer — then scores everyone with it (P(alive)
and expected purchases). It writes its timings, its peak memory and its parameters to ``OUT`` (JSON).

``lifetimes`` is installed for the benchmark only (``make bench-analytics`` puts it in its own virtual
environment, bench/.data/baseline-venv, so the till's dependencies never meet it). Where it does not install or
import, the baseline is the textbook: the same likelihoods written plainly with ``gammaln``, no gradients, no
merging of identical rows, ``scipy.optimize.minimize`` (Nelder-Mead) from the same start — and the report
says which baseline ran and why.

This module imports nothing of the project, so that it runs in the baseline's environment.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
HORIZON_WEEKS = 90 / 7


def _peak_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    # Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) to the current one.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _lifetimes(x: FloatArray, tx: FloatArray, age: FloatArray, money: FloatArray) -> dict[str, Any]:
    lifetimes = importlib.import_module("lifetimes")
    out: dict[str, Any] = {"baseline": f"lifetimes {lifetimes.__version__}"}
    _reset_peak()
    start = time.perf_counter()
    bgf = lifetimes.BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(x, tx, age)
    out["fit_bgnbd_s"] = time.perf_counter() - start
    params = bgf.params_
    out["bgnbd"] = {k: float(params[k]) for k in ("r", "alpha", "a", "b")}
    repeat = (x > 0) & (money > 0)
    start = time.perf_counter()
    ggf = lifetimes.GammaGammaFitter(penalizer_coef=0.0)
    ggf.fit(x[repeat], money[repeat])
    out["fit_gamma_gamma_s"] = time.perf_counter() - start
    gparams = ggf.params_
    out["gamma_gamma"] = {"p": float(gparams["p"]), "q": float(gparams["q"]), "v": float(gparams["v"])}
    out["fits_peak_mb"] = _peak_mb()
    _reset_peak()
    start = time.perf_counter()
    alive = bgf.conditional_probability_alive(x, tx, age)
    purchases = bgf.conditional_expected_number_of_purchases_up_to_time(HORIZON_WEEKS, x, tx, age)
    out["score_s"] = time.perf_counter() - start
    out["score_peak_mb"] = _peak_mb()
    out["score_finite"] = bool(
        np.isfinite(np.asarray(alive)).all() and np.isfinite(np.asarray(purchases)).all()
    )
    return out


# -- the textbook baseline -------------------------------------------------------------------------------
def _bgnbd_nll(params: FloatArray, x: FloatArray, tx: FloatArray, age: FloatArray) -> float:
    from scipy.special import gammaln

    r, alpha, a, b = np.exp(params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + age)
    a4 = np.where(
        x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf
    )
    return float(-(a1 + a2 + np.logaddexp(a3, a4)).sum())


def _gamma_gamma_nll(params: FloatArray, x: FloatArray, m: FloatArray) -> float:
    from scipy.special import gammaln

    p, q, v = np.exp(params)
    ll = (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(x * m + v)
    )
    return float(-ll.sum())


def _textbook(x: FloatArray, tx: FloatArray, age: FloatArray, money: FloatArray, why: str) -> dict[str, Any]:
    from scipy.optimize import minimize

    out: dict[str, Any] = {
        "baseline": "textbook likelihood, scipy.optimize.minimize (Nelder-Mead)",
        "why": why,
    }
    _reset_peak()
    start = time.perf_counter()
    scale = float(age.max())
    fit = minimize(_bgnbd_nll, np.log([1.0, 1.0, 1.0, 1.0]), args=(x, tx / scale, age / scale), method="Nelder-Mead",
                   options={"maxiter": 2000, "xatol": 1e-6, "fatol": 1e-6})  # fmt: skip
    out["fit_bgnbd_s"] = time.perf_counter() - start
    r, alpha, a, b = np.exp(fit.x)
    out["bgnbd"] = {"r": float(r), "alpha": float(alpha * scale), "a": float(a), "b": float(b)}
    repeat = (x > 0) & (money > 0)
    mean = float(money[repeat].mean())
    start = time.perf_counter()
    gfit = minimize(_gamma_gamma_nll, np.log([2.0, 3.0, 1.0]), args=(x[repeat], money[repeat] / mean),
                    method="Nelder-Mead", options={"maxiter": 2000, "xatol": 1e-6, "fatol": 1e-6})  # fmt: skip
    out["fit_gamma_gamma_s"] = time.perf_counter() - start
    p, q, v = np.exp(gfit.x)
    out["gamma_gamma"] = {"p": float(p), "q": float(q), "v": float(v * mean)}
    out["fits_peak_mb"] = _peak_mb()
    return out


def run(source: Path, target: Path) -> int:
    data = np.load(source)
    x, tx, age, money = (
        np.asarray(data[k], dtype=np.float64) for k in ("frequency", "recency", "T", "monetary")
    )
    try:
        importlib.import_module("lifetimes")
    except Exception as exc:  # an import that fails for any reason (missing, or broken on this NumPy/pandas)
        why = f"lifetimes does not import here ({type(exc).__name__}: {str(exc)[:200]})"
        result = _textbook(x, tx, age, money, why)
    else:
        try:
            result = _lifetimes(x, tx, age, money)
        except Exception as exc:
            why = f"lifetimes failed on this data ({type(exc).__name__}: {str(exc)[:200]})"
            traceback.print_exc()
            result = _textbook(x, tx, age, money, why)
    result["python"] = sys.version.split()[0]
    result["numpy"] = np.__version__
    target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: python -m bench.analytics_baseline SUMMARY.npz RESULT.json", file=sys.stderr)
        sys.exit(2)
    sys.exit(run(Path(sys.argv[1]), Path(sys.argv[2])))
