"""Predictive lifetime value: the BG/NBD model of purchase frequency and dropout (Fader, Hardie & Lee 2005,
"Counting Your Customers the Easy Way", Marketing Science 24(2)) and the Gamma-Gamma model of spend per
purchase (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"), fitted by maximum likelihood.

Both take the summary of ``loyalty.analytics.summary`` (frequency = repeat purchase days, recency and T in model
time units, mean repeat amount). How the fits stay fast and robust on a million members:

* log-likelihoods are written in log space with ``gammaln``/``betaln``, and the BG/NBD's sum of two terms with a
  log-sum-exp; ratios like ``α^r / (α+T)^(r+x)`` become ``-r·log1p(T/α) - x·log(α+T)``, which stays finite for
  a very large α, an age of 0 or hundreds of purchases;
* customers with identical data are one row with a weight, and everything that depends on the frequency alone
  (the gamma and digamma functions) is computed once per distinct frequency;
* gradients are analytic (``tests/loyalty/analytics`` checks them against finite differences);
* parameters are optimised as logarithms with bounds (L-BFGS-B), on time and money rescaled to order one;
* data that cannot be fitted — too few customers, nobody who came back, everyone seen for no time at all — is
  refused with ``CannotFit`` and a sentence, never with NaN.

Predictions: ``probability_alive`` (always in [0, 1]), ``expected_purchases`` (a new customer),
``conditional_expected_purchases`` (a customer with a history), ``expected_spend`` and ``discounted_clv``.
The conditional expectation needs the Gaussian hypergeometric function; it is evaluated after Euler's
transformation, whose parameters no longer grow with the customer's frequency, interpolated across the closed
form's removable poles, and integrated directly wherever ``hyp2f1`` still gives no finite value.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import quad
from scipy.optimize import minimize
from scipy.special import betaincinv, betaln, digamma, exprel, gammaln, hyp2f1, roots_legendre

from loyalty.analytics import params
from loyalty.errors import Detail, InvalidInput

# Defined apart (no NumPy, for a process that only shows a fit) and named here too: the public API is this
# module's (``fit_bgnbd`` returns a ``BgNbdParams``, a refusal is a ``CannotFit``).
BgNbdParams = params.BgNbdParams
GammaGammaParams = params.GammaGammaParams
CannotFit = params.CannotFit

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Index = NDArray[np.integer[Any]]  # positions into a table: 32 or 64 bits

MIN_CUSTOMERS = 20
"""Fewer customers than this do not pin down four parameters; the fit is refused."""
MIN_REPEATERS = 10
"""The Gamma-Gamma model learns only from customers who came back; it needs at least this many."""
LOG_BOUND = 18.0
"""Parameters are searched in [e^-18, e^18] (after rescaling time and money to order one)."""
_NEAR = 1e-4
"""Closer than this to a = 1 (the closed form's removable pole) or to a vanishing third hypergeometric
parameter, the conditional expectation is interpolated between closed forms at ±_NEAR."""


# -- input checks --------------------------------------------------------------------------------------
def _floats(values: ArrayLike, what: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise InvalidInput(what=what, why="give one value per customer")
    if not np.isfinite(array).all():
        raise InvalidInput(what=what, why="every value must be a finite number")
    return array


def _histories(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
) -> tuple[FloatArray, FloatArray, FloatArray]:
    x = _floats(frequency, "Frequency")
    tx = _floats(recency, "Recency")
    age = _floats(T, "T")
    if not x.shape == tx.shape == age.shape:
        raise InvalidInput(what="Purchase history", why="frequency, recency and T must be equally long")
    if (x < 0).any() or (x != np.floor(x)).any():
        raise InvalidInput(what="Frequency", why="it counts repeat purchases: a whole number, 0 or more")
    if (tx < 0).any() or (age < 0).any():
        raise InvalidInput(what="Recency and T", why="times must not be negative")
    if (tx > age * (1 + 1e-12) + 1e-12).any():
        raise InvalidInput(what="Recency", why="the last purchase cannot come after the end of observation")
    if ((x > 0) & (tx <= 0)).any():
        raise InvalidInput(what="Recency", why="a customer with repeat purchases has a recency above 0")
    # Without a repeat purchase the last purchase is the first: recency plays no part (and is 0).
    return x, np.where(x > 0, np.minimum(tx, age), 0.0), age


def _weights(weights: ArrayLike | None, n: int) -> FloatArray:
    if weights is None:
        return np.ones(n, dtype=np.float64)
    w = _floats(weights, "Weights")
    if w.shape != (n,) or (w < 0).any():
        raise InvalidInput(what="Weights", why="give one non-negative weight per customer")
    return w


def _dot(a: FloatArray, b: FloatArray) -> float:
    """Σ a·b without BLAS. A BLAS dot product on a long vector wakes the BLAS thread pool, whose threads then
    spin for a while; on a till's two cores, busy with the window and the database, that spinning made the
    likelihood's other work ten times slower. einsum sums in one plain loop on this thread."""
    return float(np.einsum("i,i->", a, b))


def _codes(values: FloatArray) -> tuple[FloatArray, Index]:
    """Distinct values (sorted) and each element's index into them: one plain sort, cheaper than np.unique.
    The indices are 32-bit when they fit: at store scale this array is the largest of a fit."""
    if values.size == 0:
        return values, np.zeros(0, dtype=np.int64)
    order = np.argsort(values)
    ordered = values[order]
    new = np.empty(values.size, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    distinct = ordered[new]
    del ordered
    if values.size < 2**31:
        code32 = np.cumsum(new, dtype=np.int32)
        code32 -= 1
        inverse32 = np.empty(values.size, dtype=np.int32)
        inverse32[order] = code32
        return distinct, inverse32
    code = np.cumsum(new, dtype=np.int64)
    code -= 1
    inverse = np.empty(values.size, dtype=np.int64)
    inverse[order] = code
    return distinct, inverse


def _group(
    codes: tuple[Index, ...], sizes: tuple[int, ...], weights: FloatArray
) -> tuple[IntArray, FloatArray]:
    """Rows with equal codes in every column become one: the first such row's position, and the weight sum."""
    n = weights.size
    if n == 0:
        return np.zeros(0, dtype=np.int64), weights
    key = np.zeros(n, dtype=np.int64)
    for column, size in zip(codes, sizes, strict=True):
        # A mixed-radix number of the codes; renumbered (densely) when the next digit could overflow 64 bits.
        if int(key.max()) + 1 > np.iinfo(np.int64).max // max(size, 1):
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)
        key *= size
        key += column
    order = np.argsort(key)
    ordered = key[order]
    del key
    start = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return order[start], np.add.reduceat(weights[order], start)


def _by_value(values: FloatArray, weights: FloatArray) -> tuple[FloatArray, Index, FloatArray]:
    """Distinct values, each row's index into them, and the weight per distinct value."""
    distinct, index = _codes(values)
    per_value = np.bincount(index, weights=weights, minlength=distinct.size)
    return distinct, index, np.asarray(per_value, dtype=np.float64)


def _bounded_start(values: list[float]) -> FloatArray:
    return np.clip(np.log(np.asarray(values, dtype=np.float64)), -LOG_BOUND + 1, LOG_BOUND - 1)


# -- BG/NBD likelihood -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class BgNbdData:
    """A summary ready for the BG/NBD likelihood: weighted distinct rows, time rescaled by ``scale``.

    Times are kept as indices into one table of distinct times, so each evaluation takes the logarithms of
    the table (one per distinct day, a few hundred) and only gathers them for the rows."""

    times: FloatArray  # distinct ages and recencies, rescaled
    T0: Index  # ages (indices into times) of the rows without a repeat purchase
    w0: FloatArray
    x: FloatArray  # rows with repeat purchases
    tx: Index
    T: Index
    w: FloatArray
    wx_rows: FloatArray  # weight × x per row
    ux: FloatArray  # distinct frequencies of those rows, and each row's index into them
    ux_index: Index
    wx: FloatArray  # weight per distinct frequency
    customers: float
    repeat_purchases: float  # Σ weight·x, for the units' Jacobian
    scale: float

    @classmethod
    def of(
        cls,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,  # noqa: N803
        weights: ArrayLike | None = None,
        *,
        compress: bool = True,
    ) -> BgNbdData:
        x, tx, age = _histories(frequency, recency, T)
        w = _weights(weights, x.size)
        keep = w > 0
        if not keep.all():
            x, tx, age, w = x[keep], tx[keep], age[keep], w[keep]
        scale = float(age.max()) if age.size else 0.0
        return cls.build(x, tx, age, w, scale if scale > 0 else 1.0, compress=compress)

    @classmethod
    def build(
        cls,
        x: FloatArray,
        tx: FloatArray,
        age: FloatArray,
        w: FloatArray,
        scale: float,
        *,
        compress: bool = True,
    ) -> BgNbdData:
        """From checked histories (``_histories``) and positive weights, time divided by ``scale``."""
        both = np.concatenate((age, tx))
        both /= scale
        times, codes = _codes(both)
        del both
        age_code, tx_code = codes[: x.size], codes[x.size :]
        zero = x == 0
        w0 = w[zero]
        T0 = age_code[zero]  # noqa: N806
        if compress:  # one row per distinct age, weighted
            w0 = np.bincount(T0, weights=w0, minlength=times.size)
            T0 = np.flatnonzero(w0)  # noqa: N806
            w0 = w0[T0]
        repeat = ~zero
        xr, txr, ager, wr = x[repeat], tx_code[repeat], age_code[repeat], w[repeat]
        if compress and xr.size:
            x_code = xr.astype(np.int64)
            rows, wr = _group((x_code, ager, txr), (int(x_code.max()) + 1, times.size, times.size), wr)
            xr, txr, ager = xr[rows], txr[rows], ager[rows]
        ux, ux_index, wx = _by_value(xr, wr)
        return cls(
            times=times,
            T0=T0,
            w0=w0,
            x=xr,
            tx=txr,
            T=ager,
            w=wr,
            wx_rows=wr * xr,
            ux=ux,
            ux_index=ux_index,
            wx=wx,
            customers=float(w.sum()),
            repeat_purchases=_dot(wr, xr),
            scale=scale,
        )

    @property
    def rows(self) -> int:
        return int(self.T0.size + self.x.size)


def bgnbd_log_likelihood(theta: FloatArray, data: BgNbdData) -> tuple[float, FloatArray]:
    """Total log-likelihood of ``data`` at ``theta`` = log(r, alpha, a, b) (alpha in ``data``'s rescaled time)
    and its gradient with respect to ``theta``.

    Per customer, log L = log Γ(r+x)/Γ(r) + log B(a, b+x)/B(a, b) + log(A + [x>0]·D) with the still-active
    term A = α^r/(α+T)^(r+x) and the dropped-out term D = a/(b+x-1) · α^r/(α+t_x)^(r+x). With
    ℓ(t) = log1p(t/α): log A = -(r+x)·ℓ(T) - x·log α and log D - log A = log a - log(b+x-1) + (r+x)·(ℓ(T) - ℓ(t_x)),
    which is never negative-infinite nor overflowing, and log(A + D) = log A + softplus(log D - log A)."""
    r, alpha, a, b = (float(v) for v in np.exp(theta))
    log_alpha = math.log(alpha)
    ell = np.log1p(data.times / alpha)  # ℓ(t) per distinct time
    share = data.times / (alpha + data.times)  # t/(α+t) = α·∂ℓ/∂α · (-1), per distinct time
    # Customers without a repeat purchase: log L = -r·ℓ(T).
    ell0 = ell[data.T0]
    ll = -r * _dot(data.w0, ell0)
    g_r = -_dot(data.w0, ell0)
    g_alpha = r * _dot(data.w0, share[data.T0])  # α·∂/∂α
    g_a = g_b = 0.0
    if data.x.size:
        ux = data.ux
        # Terms of the frequency alone, once per distinct x.
        ll += _dot(data.wx, gammaln(r + ux) - gammaln(r) + betaln(a, b + ux) - betaln(a, b))
        g_r += _dot(data.wx, digamma(r + ux) - digamma(r))
        g_a += _dot(data.wx, digamma(a + b) - digamma(a + b + ux))
        g_b += _dot(data.wx, digamma(b + ux) - digamma(a + b + ux) - digamma(b) + digamma(a + b))
        w, wx = data.w, data.wx_rows
        ell_T = ell[data.T]  # noqa: N806
        ell_tx = ell[data.tx]
        rx = data.x + r
        gap = ell_T - ell_tx  # ≥ 0: the last purchase is never after T
        diff = (math.log(a) - np.log(b + ux - 1))[data.ux_index] + rx * gap  # log D - log A
        # softplus(diff) and the dropped-out share σ(diff), from one exponential that cannot overflow.
        small = np.exp(-np.abs(diff))
        inv = 1.0 / (1.0 + small)
        gone = np.where(diff >= 0, inv, small * inv)
        softplus = np.maximum(diff, 0.0) + np.log1p(small)
        w_rx = w * rx
        ll += -_dot(w_rx, ell_T) - log_alpha * data.repeat_purchases + _dot(w, softplus)
        w_gone = w * gone
        g_r += -_dot(w, ell_T) + _dot(w_gone, gap)
        share_T = share[data.T]  # noqa: N806
        g_alpha += _dot(w_rx, share_T) - _dot(w_gone * rx, share_T - share[data.tx]) - float(wx.sum())
        g_a += float(w_gone.sum()) / a
        per_x = np.asarray(np.bincount(data.ux_index, weights=w_gone, minlength=ux.size), dtype=np.float64)
        g_b -= _dot(per_x, 1.0 / (b + ux - 1))
    return ll, np.array([r * g_r, g_alpha, a * g_a, b * g_b])


LogLikelihood = Callable[[FloatArray], tuple[float, FloatArray]]


def _mean_objective(log_likelihood: LogLikelihood, customers: float) -> LogLikelihood:
    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        ll, grad = log_likelihood(theta)
        # The mean over customers keeps the objective of order one whatever the store's size.
        return -ll / customers, -grad / customers

    return objective


def _lbfgs(objective: LogLikelihood, start: FloatArray, model: str) -> FloatArray:
    result = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * start.size,
        options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9},
    )
    theta = np.asarray(result.x, dtype=np.float64)
    if not (np.isfinite(theta).all() and math.isfinite(float(result.fun))):
        raise CannotFit(model=model, why="the likelihood could not be evaluated at any sensible parameters")
    return theta


def _hessian(objective: LogLikelihood, theta: FloatArray, step: float = 1e-5) -> FloatArray:
    """Hessian of ``objective`` by central differences of its analytic gradient."""
    k = theta.size
    hessian = np.empty((k, k))
    for j in range(k):
        h = np.zeros(k)
        h[j] = step
        hessian[:, j] = (objective(theta + h)[1] - objective(theta - h)[1]) / (2 * step)
    return (hessian + hessian.T) / 2


def _newton(objective: LogLikelihood, theta: FloatArray, hessian: FloatArray) -> FloatArray | None:
    """Newton steps with a fixed Hessian (a subsample's, which is close to the full data's), halving a step
    that does not lower the objective. None when that does not converge, for L-BFGS-B to take over."""
    try:
        np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError:
        return None
    value, grad = objective(theta)
    for _ in range(30):
        step = -np.linalg.solve(hessian, grad)
        for _ in range(12):
            trial = np.clip(theta + step, -LOG_BOUND, LOG_BOUND)
            trial_value, trial_grad = objective(trial)
            if math.isfinite(trial_value) and trial_value <= value + 1e-15 * abs(value):
                break
            step /= 2
        else:
            return None
        done = float(np.abs(trial - theta).max()) < 1e-9 or float(np.abs(trial_grad).max()) < 1e-10
        theta, value, grad = trial, trial_value, trial_grad
        if done:
            return theta if float(np.abs(theta).max()) < LOG_BOUND else None
    return None


SUBSAMPLE = 50_000
"""Above twice this many customers, a fit starts on a random subsample of this size (fast), then takes
Newton steps on everyone with the subsample's curvature: a handful of passes over the full data instead
of the twenty or so a quasi-Newton search needs from a cold start."""


def _maximise(
    full: LogLikelihood,
    customers: float,
    start: FloatArray,
    model: str,
    sub: tuple[LogLikelihood, float] | None = None,
) -> FloatArray:
    objective = _mean_objective(full, customers)
    if sub is not None:
        sub_objective = _mean_objective(*sub)
        near = _lbfgs(sub_objective, start, model)
        polished = _newton(objective, near, _hessian(sub_objective, near))
        if polished is not None:
            return polished
        start = near
    return _lbfgs(objective, start, model)


def _subsample(n: int) -> IntArray | None:
    if n <= 2 * SUBSAMPLE:
        return None
    # A fixed seed: the same data always gives the same fit.
    return np.sort(np.random.default_rng(20050101).choice(n, SUBSAMPLE, replace=False))


def fit_bgnbd(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
    *,
    weights: ArrayLike | None = None,
    compress: bool = True,
) -> BgNbdParams:
    """Maximum-likelihood BG/NBD parameters r, alpha, a, b for customers with ``frequency`` repeat purchases,
    the last at ``recency``, watched for ``T`` (recency and T in one time unit; alpha comes out in it).

    ``weights`` count customers per row (default one each); identical rows are merged first unless
    ``compress`` is false. Raises ``CannotFit`` for fewer than ``MIN_CUSTOMERS`` customers, when nobody made
    a repeat purchase, or when every customer's age is 0."""
    x, tx, age = _histories(frequency, recency, T)
    w = _weights(weights, x.size)
    keep = w > 0
    if not keep.all():
        x, tx, age, w = x[keep], tx[keep], age[keep], w[keep]
    scale = float(age.max()) if age.size and age.max() > 0 else 1.0
    data = BgNbdData.build(x, tx, age, w, scale, compress=compress)
    model = "BG/NBD"
    if data.customers < MIN_CUSTOMERS:
        raise CannotFit(
            model=model,
            why=Detail(
                "it has {customers:g} customers and needs at least {minimum}",
                customers=data.customers,
                minimum=MIN_CUSTOMERS,
            ),
        )
    if not (data.times > 0).any():
        raise CannotFit(model=model, why="every customer bought for the first time at the end of observation")
    if data.x.size == 0:
        raise CannotFit(model=model, why="nobody has made a repeat purchase yet")
    # Start from one purchase per mean inter-purchase time (r = 1), a and b at 1.
    exposure = _dot(data.w0, data.times[data.T0]) + _dot(data.w, data.times[data.T])
    rate = data.repeat_purchases / max(exposure, 1e-9)
    start = _bounded_start([1.0, 1.0 / max(rate, 1e-9), 1.0, 1.0])
    sub = None
    picked = _subsample(x.size)
    if picked is not None:
        part = BgNbdData.build(x[picked], tx[picked], age[picked], w[picked], scale)
        if part.x.size:
            sub = (partial(bgnbd_log_likelihood, data=part), part.customers)
    theta = _maximise(partial(bgnbd_log_likelihood, data=data), data.customers, start, model, sub)
    r, alpha, a, b = (float(v) for v in np.exp(theta))
    ll, _ = bgnbd_log_likelihood(theta, data)
    # Rescaling time multiplies each customer's density by scale^x: undo it so the figure matches the data.
    ll -= data.repeat_purchases * math.log(data.scale)
    return BgNbdParams(r, alpha * data.scale, a, b, ll, round(data.customers))


# -- Gamma-Gamma likelihood ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class GammaGammaData:
    """Customers with repeat purchases and a positive mean repeat amount, money rescaled by ``scale``."""

    x: FloatArray
    z: FloatArray  # x · m: what the repeat purchases add up to
    w: FloatArray
    w_x: FloatArray  # weight × x
    sum_w_log_m: float
    sum_wx_log_z: float
    ux: FloatArray
    ux_index: Index
    wx: FloatArray
    customers: float
    scale: float

    @classmethod
    def of(
        cls,
        frequency: ArrayLike,
        monetary_value: ArrayLike,
        weights: ArrayLike | None = None,
        *,
        compress: bool = True,
    ) -> GammaGammaData:
        x, m, w = _spends(frequency, monetary_value, weights)
        scale = float(np.average(m, weights=w)) if m.size else 1.0
        return cls.build(x, m, w, scale, compress=compress)

    @classmethod
    def build(
        cls, x: FloatArray, m: FloatArray, w: FloatArray, scale: float, *, compress: bool = True
    ) -> GammaGammaData:
        """From checked repeat customers (``_spends``), money divided by ``scale``."""
        m = m / scale
        if compress and x.size:
            x_code = x.astype(np.int64)
            m_values, m_code = _codes(m)
            rows, w = _group((x_code, m_code), (int(x_code.max()) + 1, m_values.size), w)
            x, m = x[rows], m[rows]
        ux, ux_index, wx = _by_value(x, w)
        z = x * m
        w_x = w * x
        return cls(
            x=x,
            z=z,
            w=w,
            w_x=w_x,
            sum_w_log_m=_dot(w, np.log(m)),
            sum_wx_log_z=_dot(w_x, np.log(z)),
            ux=ux,
            ux_index=ux_index,
            wx=wx,
            customers=float(w.sum()),
            scale=scale,
        )


def _spends(
    frequency: ArrayLike, monetary_value: ArrayLike, weights: ArrayLike | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The customers the spend model learns from: a repeat purchase with a positive mean amount (the first
    purchase is left out by design), with their weights."""
    x = _floats(frequency, "Frequency")
    m = _floats(monetary_value, "Monetary value")
    if x.shape != m.shape:
        raise InvalidInput(what="Purchase history", why="frequency and monetary value must be equally long")
    if (x < 0).any() or (x != np.floor(x)).any():
        raise InvalidInput(what="Frequency", why="it counts repeat purchases: a whole number, 0 or more")
    if (m < 0).any():
        raise InvalidInput(what="Monetary value", why="amounts must not be negative")
    w = _weights(weights, x.size)
    keep = (x > 0) & (m > 0) & (w > 0)
    return x[keep], m[keep], w[keep]


def gamma_gamma_log_likelihood(theta: FloatArray, data: GammaGammaData) -> tuple[float, FloatArray]:
    """Total log-likelihood of ``data`` at ``theta`` = log(p, q, v) (v in ``data``'s rescaled money) and its
    gradient with respect to ``theta``.

    Per customer, log L = log Γ(px+q)/(Γ(px)Γ(q)) + q·log v + (px-1)·log m + px·log x - (px+q)·log(v+xm); with
    z = x·m, that is ... - q·log1p(z/v) - px·log1p(v/z) - log m, where log1p(v/z) = log1p(z/v) + log v - log z:
    one logarithm per customer and evaluation."""
    p, q, v = (float(val) for val in np.exp(theta))
    ux = data.ux
    px = p * ux
    # Γ(px+q)/(Γ(px)Γ(q)), once per distinct x.
    ll = _dot(data.wx, gammaln(px + q) - gammaln(px) - gammaln(q))
    dig = digamma(px + q)
    g_p = _dot(data.wx, ux * (dig - digamma(px)))
    g_q = _dot(data.wx, dig - digamma(q))
    ratio = data.z / v
    l_zv = np.log1p(ratio)
    share = ratio / (1.0 + ratio)  # z/(v+z)
    sum_w_l = _dot(data.w, l_zv)
    sum_wx_l = _dot(data.w_x, l_zv)
    total_wx = float(data.w_x.sum())
    sum_wx_l_vz = sum_wx_l + math.log(v) * total_wx - data.sum_wx_log_z  # Σ w·x·log1p(v/z)
    ll += -q * sum_w_l - p * sum_wx_l_vz - data.sum_w_log_m
    g_p -= sum_wx_l_vz
    g_q -= sum_w_l
    # v·∂/∂v of the row terms: (q·z - p·x·v)/(v+z) = q·share - p·x·(1 - share).
    g_v = q * _dot(data.w, share) - p * (total_wx - _dot(data.w_x, share))
    return ll, np.array([p * g_p, q * g_q, g_v])


def fit_gamma_gamma(
    frequency: ArrayLike,
    monetary_value: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    compress: bool = True,
) -> GammaGammaParams:
    """Maximum-likelihood Gamma-Gamma parameters p, q, v from each customer's number of repeat purchases and
    the mean amount of those purchases (v comes out in the amounts' unit). Customers without a repeat purchase
    are left out. Raises ``CannotFit`` with fewer than ``MIN_REPEATERS`` such customers, or when the amounts
    vary so widely that the model has no mean spend (q ≤ 1)."""
    x, m, w = _spends(frequency, monetary_value, weights)
    scale = float(np.average(m, weights=w)) if m.size else 1.0
    data = GammaGammaData.build(x, m, w, scale, compress=compress)
    model = "Gamma-Gamma spend"
    if data.customers < MIN_REPEATERS:
        raise CannotFit(
            model=model,
            why=Detail(
                "{customers:g} customers came back with a purchase and it needs at least {minimum}",
                customers=data.customers,
                minimum=MIN_REPEATERS,
            ),
        )
    sub = None
    picked = _subsample(x.size)
    if picked is not None:
        part = GammaGammaData.build(x[picked], m[picked], w[picked], scale)
        sub = (partial(gamma_gamma_log_likelihood, data=part), part.customers)
    theta = _maximise(
        partial(gamma_gamma_log_likelihood, data=data),
        data.customers,
        _bounded_start([2.0, 3.0, 1.0]),
        model,
        sub,
    )
    p, q, v = (float(val) for val in np.exp(theta))
    if q <= 1:
        raise CannotFit(
            model=model, why="the amounts vary so widely that the model has no mean spend (q ≤ 1)"
        )
    ll, _ = gamma_gamma_log_likelihood(theta, data)
    ll -= data.customers * math.log(data.scale)
    return GammaGammaParams(p, q, v * data.scale, ll, round(data.customers))


# -- standard errors -------------------------------------------------------------------------------------
def standard_errors(log_likelihood: LogLikelihood, theta: FloatArray) -> FloatArray:
    """Standard errors of the parameters exp(theta) at a maximum of ``log_likelihood``: the inverse of the
    observed information (central differences of the analytic gradient), then the delta method."""
    cov = np.linalg.inv(-_hessian(log_likelihood, theta))
    return np.exp(theta) * np.sqrt(np.abs(np.diag(cov)))


def bgnbd_standard_errors(
    params: BgNbdParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
) -> tuple[float, float, float, float]:
    """Standard errors of r, alpha, a, b at the fitted ``params`` for the data they were fitted to."""
    data = BgNbdData.of(frequency, recency, T)
    theta = np.log([params.r, params.alpha / data.scale, params.a, params.b])
    se = standard_errors(lambda th: bgnbd_log_likelihood(th, data), theta)
    return (float(se[0]), float(se[1] * data.scale), float(se[2]), float(se[3]))


def gamma_gamma_standard_errors(
    params: GammaGammaParams, frequency: ArrayLike, monetary_value: ArrayLike
) -> tuple[float, float, float]:
    """Standard errors of p, q, v at the fitted ``params`` for the data they were fitted to."""
    data = GammaGammaData.of(frequency, monetary_value)
    theta = np.log([params.p, params.q, params.v / data.scale])
    se = standard_errors(lambda th: gamma_gamma_log_likelihood(th, data), theta)
    return (float(se[0]), float(se[1]), float(se[2] * data.scale))


# -- predictions -----------------------------------------------------------------------------------------
def probability_alive(
    params: BgNbdParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
) -> FloatArray:
    """P(the customer is still active | history): 1 / (1 + a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)) for x > 0, and
    1 for a customer without a repeat purchase (in the BG/NBD a customer can only drop out after a purchase).
    Computed as a logistic of a log-odds, so it stays in [0, 1] for any history."""
    x, tx, age = _histories(frequency, recency, T)
    r, alpha, a, b = params.as_tuple()
    repeat = x > 0
    log_odds = np.full(x.shape, -np.inf)
    xr = x[repeat]
    log_odds[repeat] = (
        math.log(a)
        - np.log(b + xr - 1)
        + (r + xr) * np.log1p((age[repeat] - tx[repeat]) / (alpha + tx[repeat]))
    )
    # 1 / (1 + e^z), written so that neither a huge nor a very negative z overflows.
    return np.asarray(np.exp(-np.logaddexp(0.0, log_odds)), dtype=np.float64)


_LEGENDRE = roots_legendre(256)


def _integral_one(k: float, s: float, a: float, beta: float) -> float:
    """E_p[(1 - (1 + p·s)^-k) / p] with p ~ Beta(a, beta), for one customer: adaptively with the density's
    end-point powers as the quadrature's weight; where that weight underflows (a and beta in the hundreds) or
    the rule fails, as the mean over the distribution's quantiles (Gauss-Legendre in the probability), which is
    finite for any a and beta."""

    def g(p: float) -> float:
        return -math.expm1(-k * math.log1p(p * s)) / p if p > 0 else k * s

    log_norm = float(betaln(a, beta))
    if log_norm > -600:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # quad's accuracy warnings: the value is checked below
            value = quad(g, 0, 1, weight="alg", wvar=(a - 1, beta - 1), limit=200)[0]
        if math.isfinite(value) and value >= 0:
            return float(value * math.exp(-log_norm))
    nodes, weights = _LEGENDRE
    prob = betaincinv(a, beta, (nodes + 1) / 2)
    with np.errstate(all="ignore"):
        values = np.where(prob > 0, -np.expm1(-k * np.log1p(prob * s)) / prob, k * s)
    return float(np.einsum("i,i->", weights, values) / 2)


def _alive_expectation_integral(params: BgNbdParams, x: FloatArray, age: FloatArray, t: float) -> FloatArray:
    """E[purchases in (T, T+t] | alive at T] = E_p[(1 - ((α+T)/(α+T+p·t))^(r+x)) / p] with p ~ Beta(a, b+x)
    (the posterior of an active customer's dropout probability), integrated adaptively in p with the Beta
    density's end-point powers as the quadrature's weight. One integral per customer: the last resort."""
    r, alpha, a, b = params.as_tuple()
    return np.array(
        [
            _integral_one(r + xi, t / (alpha + ti), a, b + xi)
            for xi, ti in zip(x.tolist(), age.tolist(), strict=True)
        ],
        dtype=np.float64,
    )


def _series_part(first: float, second: float, third: FloatArray, z: FloatArray) -> FloatArray:
    """(2F1(A, B; C; z) - 1) / B by its power series, for small z: Σ_n (A)_n (B+1)_(n-1) / ((C)_n n!) z^n.
    Without the division by B (which cancels a factor of (B)_n), so nothing is lost near B = 0."""
    term = first * z / third
    total = term.copy()
    for n in range(1, 200):
        term = term * (first + n) * (second + n) / ((third + n) * (n + 1)) * z
        total += term
        if not np.any(np.abs(term) > 1e-17 * np.abs(total)):
            break
    return total


def _closed_form(
    r: float, alpha: float, a: float, b: float, x: FloatArray, age: FloatArray, t: float
) -> FloatArray:
    """(a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))], NaN where unsafe.

    By Euler's transformation (1-z)^(r+x)·2F1(r+x, b+x; c; z) = (1-z)^(a-1)·2F1(a+b-1-r, a-1; c; z), whose
    first two parameters do not grow with x; and 1 - (1-z)^(a-1)·F = -expm1((a-1)·log(1-z)) - (1-z)^(a-1)·(F-1)
    keeps the difference accurate when it is small. When z is small, (F-1)/(a-1) comes from its power series
    and -expm1((a-1)·L)/(a-1) = -L·exprel((a-1)·L): no division by a - 1 at all, and full precision even when
    F - 1 is far below rounding (a huge α: the next t is a sliver of the customer's time scale)."""
    result = np.full(x.shape, np.nan)
    first, second = a + b - 1 - r, a - 1
    third = a + b + x - 1
    log_keep = -np.log1p(t / (alpha + age))  # L = log(1-z), z = t/(α+T+t)
    z = -np.expm1(log_keep)
    small = (third > 0.5) & (z * (1 + abs(first) * (abs(second) + 1) / np.maximum(third, 0.5)) < 1e-2)
    with np.errstate(all="ignore"):
        if small.any():
            lk = log_keep[small]
            part = _series_part(first, second, third[small], z[small])
            result[small] = third[small] * (-lk * exprel(second * lk) - np.exp(second * lk) * part)
        rest = ~small & (np.abs(third) > _NEAR / 2)
        if abs(second) > _NEAR / 2 and rest.any():
            lk = log_keep[rest]
            f = hyp2f1(first, second, third[rest], z[rest])
            bracket = -np.expm1(second * lk) - np.exp(second * lk) * (f - 1)
            result[rest] = third[rest] * bracket / second
    return result


def _alive_expectation(params: BgNbdParams, x: FloatArray, age: FloatArray, t: float) -> FloatArray:
    """Expected purchases in the next ``t`` of customers still active at age ``age`` after ``x`` repeat
    purchases. The closed form is exact but has a removable pole at a = 1 and at a vanishing third parameter
    (a + b + x = 1); near either it is interpolated linearly between the closed forms on both sides (an error
    of order _NEAR²), and wherever it is still not finite the expectation is integrated directly."""
    if t <= 0:
        return np.zeros(x.shape)
    r, alpha, a, b = params.as_tuple()
    result = _closed_form(r, alpha, a, b, x, age, t)
    if abs(a - 1) < _NEAR / 2:
        todo = np.isnan(result)
        if todo.any():
            lo = _closed_form(r, alpha, 1 - _NEAR, b, x[todo], age[todo], t)
            hi = _closed_form(r, alpha, 1 + _NEAR, b, x[todo], age[todo], t)
            result[todo] = lo + (a - (1 - _NEAR)) / (2 * _NEAR) * (hi - lo)
    near = np.isnan(result) & (np.abs(a + b + x - 1) <= _NEAR / 2)
    if near.any():
        lo = _closed_form(r, alpha, a, b - _NEAR, x[near], age[near], t)
        hi = _closed_form(r, alpha, a, b + _NEAR, x[near], age[near], t)
        result[near] = (lo + hi) / 2  # b sits halfway between b - _NEAR and b + _NEAR
    bad = ~np.isfinite(result) | (result < -1e-12)
    if bad.any():
        result[bad] = _alive_expectation_integral(params, x[bad], age[bad], t)
    return np.asarray(np.maximum(result, 0.0), dtype=np.float64)


def _check_horizon(t: float) -> float:
    if isinstance(t, bool) or not isinstance(t, int | float) or not math.isfinite(t) or t < 0:
        raise InvalidInput(what="Horizon", why="give a time of 0 or more")
    return float(t)


def expected_purchases(params: BgNbdParams, t: ArrayLike) -> FloatArray:
    """E[X(t)]: the expected repeat purchases of a new customer within ``t`` of their first purchase."""
    times = _floats(t, "Horizon")
    if (times < 0).any():
        raise InvalidInput(what="Horizon", why="give times of 0 or more")
    zero = np.zeros(1)
    return np.array([_alive_expectation(params, zero, zero, float(ti))[0] for ti in times])


def _pairs(x: FloatArray, age: FloatArray) -> tuple[FloatArray, FloatArray, IntArray]:
    """Distinct (x, age) pairs and each row's index into them (a sort, cheaper than np.unique on rows)."""
    if x.size == 0:
        return x, age, np.zeros(0, dtype=np.int64)
    order = np.lexsort((age, x))
    xs, ages = x[order], age[order]
    change = np.empty(order.size, dtype=bool)
    change[0] = True
    change[1:] = (xs[1:] != xs[:-1]) | (ages[1:] != ages[:-1])
    group = np.cumsum(change) - 1
    inverse = np.empty(order.size, dtype=np.int64)
    inverse[order] = group
    return xs[change], ages[change], inverse


class Scorer:
    """Predictions for many customers over several horizons: the customers are grouped once by (frequency,
    age) — all the hypergeometric part depends on — and each horizon costs one evaluation per group."""

    def __init__(
        self,
        params: BgNbdParams,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,  # noqa: N803
    ) -> None:
        self.params = params
        x, tx, age = _histories(frequency, recency, T)
        self.p_alive = probability_alive(params, x, tx, age)
        self._x, self._age, self._inverse = _pairs(x, age)

    def expected_purchases(self, t: float) -> FloatArray:
        """E[purchases in the next ``t`` | history], per customer."""
        horizon = _check_horizon(t)
        per_group = _alive_expectation(self.params, self._x, self._age, horizon)
        return np.asarray(self.p_alive * per_group[self._inverse], dtype=np.float64)


def conditional_expected_purchases(
    params: BgNbdParams,
    t: float,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
) -> FloatArray:
    """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` (the model's time unit) of each customer,
    P(alive) × the expected purchases of a customer still active."""
    return Scorer(params, frequency, recency, T).expected_purchases(t)


def expected_spend(params: GammaGammaParams, frequency: ArrayLike, monetary_value: ArrayLike) -> FloatArray:
    """E[spend per purchase | x repeat purchases averaging m] = p·(v + x·m) / (p·x + q - 1): the customer's own
    mean pulled towards the population's, the more so the fewer purchases it rests on."""
    x = _floats(frequency, "Frequency")
    m = _floats(monetary_value, "Monetary value")
    if x.shape != m.shape or (x < 0).any() or (m < 0).any():
        raise InvalidInput(what="Purchase history", why="give one frequency and one amount per customer")
    x = np.where(m > 0, x, 0.0)  # a customer whose repeat purchases were worth nothing tells nothing
    p, q, v = params.as_tuple()
    return np.asarray(p * (v + x * m) / (p * x + q - 1), dtype=np.float64)


def discounted_clv(
    bgnbd: BgNbdParams,
    gamma_gamma: GammaGammaParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
    monetary_value: ArrayLike,
    *,
    periods: int = 12,
    period_length: float = 30 / 7,
    discount_rate: float = 0.01,
    scorer: Scorer | None = None,
) -> FloatArray:
    """Customer lifetime value over the next ``periods`` periods of ``period_length`` model units (default:
    12 months of 30 days, in weeks): Σ_i expected spend × (E[Y(t_i)] - E[Y(t_(i-1))]) / (1 + d)^i, with the
    purchases of period i discounted at ``discount_rate`` per period."""
    if isinstance(periods, bool) or not isinstance(periods, int) or not 1 <= periods <= 600:
        raise InvalidInput(what="Periods", why="give a whole number of periods from 1 to 600")
    length = _check_horizon(period_length)
    if not 0 <= discount_rate < 10:
        raise InvalidInput(what="Discount rate", why="give a rate per period such as 0.01 for 1%")
    score = scorer or Scorer(bgnbd, frequency, recency, T)
    spend = expected_spend(gamma_gamma, frequency, monetary_value)
    value = np.zeros(spend.shape)
    before = np.zeros(spend.shape)
    for i in range(1, periods + 1):
        upto = score.expected_purchases(i * length)
        value += (upto - before) / (1 + discount_rate) ** i
        before = upto
    return np.asarray(value * spend, dtype=np.float64)
