"""The fitted models' parameters and the refusal to fit, without NumPy or SciPy.

``loyalty.analytics.clv`` fits and scores; these are what it returns and raises, kept apart so that a
process which only shows a fit (the till's window, given the figures by the process that fitted them) never
loads the numerical libraries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from loyalty.errors import LoyaltyError


class CannotFit(LoyaltyError):
    code = "cannot_fit"
    template = "The {model} model cannot be fitted to this purchase history: {why}"


@dataclass(frozen=True, slots=True)
class BgNbdParams:
    """BG/NBD parameters: purchase rates ~ Gamma(r, alpha) (alpha in the summary's time unit), dropout
    probability after each purchase ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = math.nan  # of the data fitted, in the original units
    customers: int = 0

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.r, self.alpha, self.a, self.b)


@dataclass(frozen=True, slots=True)
class GammaGammaParams:
    """Gamma-Gamma parameters: spend per purchase ~ Gamma(p, ν), ν ~ Gamma(q, v) (v in money units)."""

    p: float
    q: float
    v: float
    log_likelihood: float = math.nan
    customers: int = 0

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.p, self.q, self.v)

    @property
    def mean_spend(self) -> float:
        """The population's mean spend per purchase, p·v/(q-1)."""
        return self.p * self.v / (self.q - 1)
