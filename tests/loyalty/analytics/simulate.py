"""Customers drawn from the models themselves, in continuous time, for parameter-recovery tests."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def bgnbd_customers(
    n: int, r: float, alpha: float, a: float, b: float, age: FloatArray, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(frequency, recency, T) of ``n`` customers observed for ``age``: purchases at rate λ ~ Gamma(r, alpha)
    from a first purchase at 0; after each repeat purchase the customer drops out with p ~ Beta(a, b)."""
    rate = rng.gamma(r, 1 / alpha, n)
    dropout = rng.beta(a, b, n)
    frequency = np.zeros(n)
    recency = np.zeros(n)
    clock = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        clock[idx] += rng.exponential(1 / rate[idx])
        over = clock[idx] > age[idx]
        active[idx[over]] = False
        bought = idx[~over]
        frequency[bought] += 1
        recency[bought] = clock[bought]
        active[bought[rng.random(bought.size) < dropout[bought]]] = False
    return frequency, recency, age.astype(np.float64)


def gamma_gamma_spends(
    frequency: FloatArray, p: float, q: float, v: float, rng: np.random.Generator
) -> FloatArray:
    """Mean spend of each customer's ``frequency`` purchases: each ~ Gamma(p, rate ν), ν ~ Gamma(q, rate v)."""
    nu = rng.gamma(q, 1 / v, frequency.size)
    # The sum of x Gamma(p, ν) purchases is Gamma(p·x, ν).
    total = np.where(frequency > 0, rng.gamma(np.maximum(p * frequency, 1e-12), 1 / nu), 0.0)
    return np.where(frequency > 0, total / np.maximum(frequency, 1), 0.0)
