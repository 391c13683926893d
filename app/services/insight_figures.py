"""What the insights service returns for the desk — the model fit and the store's figures — and their plain
JSON form, both ways.

The figures are computed where the models are (``InsightsService``: in the model process beside the till, or
in the process that asks); the dashboard only shows them. So they travel as JSON, and come back exactly: every
number, every cohort cell (NaN where a cell is still to come), and each refusal to fit with its template and
values, for the window to say in its own language. NumPy only for the cohort table's arrays; no SciPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from app.services.member_facts import UNIT_DAYS
from loyalty.analytics.params import BgNbdParams, CannotFit, GammaGammaParams
from loyalty.analytics.segments import Segment
from loyalty.errors import Detail

if TYPE_CHECKING:  # NumPy comes with the cohort table: loaded when figures are read, not with this module
    from loyalty.analytics.metrics import CohortTable, Liability, PointsFlow


@dataclass(frozen=True, slots=True)
class ModelFit:
    """The fitted models, or the sentence saying why one could not be fitted."""

    bgnbd: BgNbdParams | None
    gamma_gamma: GammaGammaParams | None
    problems: tuple[str, ...]
    buyers: int
    unit_days: int = UNIT_DAYS
    errors: tuple[CannotFit, ...] = ()  # the same refusals, for the window to say in its language


@dataclass(frozen=True, slots=True)
class HintUsage:
    kind: str
    used: int
    dismissed: int


@dataclass(frozen=True, slots=True)
class StoreMetrics:
    as_of: date
    members: int  # active (not merged, not erased)
    buyers: int  # members with at least one sale
    active: int  # with a sale in the last metrics.ACTIVE_DAYS days
    north_star: int  # repeat customers in the last 90 days
    north_star_trend: tuple[tuple[date, int], ...]  # weekly, oldest first, ending as_of
    liability: Liability
    point_value: int
    owed_points: int  # open overdrafts: owed to the store, not netted from the liability
    flow: tuple[PointsFlow, ...]
    redemption_rate: float | None
    enrolments: tuple[tuple[date, int], ...]  # the last ENROLMENT_DAYS days
    cohorts: CohortTable
    segments: dict[Segment, int]
    fit: ModelFit
    hint_usage: tuple[HintUsage, ...]


def _number(value: float | None) -> float | None:
    """JSON has no NaN: a figure that does not exist (yet) is null."""
    return None if value is None or not math.isfinite(value) else float(value)


def metrics_as_dict(s: StoreMetrics) -> dict[str, object]:
    """The store metrics as plain JSON-ready values (the command line's ``--json``, CSV exports)."""
    fit = s.fit
    return {
        "as_of": s.as_of.isoformat(),
        "members": s.members,
        "buyers": s.buyers,
        "active_members": s.active,
        "north_star": s.north_star,
        "north_star_trend": [{"day": d.isoformat(), "repeat_customers": n} for d, n in s.north_star_trend],
        "liability": {
            "points": s.liability.points,
            "value": s.liability.value,
            "point_value": s.point_value,
            "expiry_schedule": [
                {
                    "month": None if b.month is None else b.month.isoformat()[:7],
                    "points": b.points,
                    "value": b.value,
                }
                for b in s.liability.schedule
            ],
        },
        "owed_points": s.owed_points,
        "points_flow": [
            {
                "month": f.month.isoformat()[:7],
                "issued": f.issued,
                "redeemed": f.redeemed,
                "expired": f.expired,
                "redemption_rate": _number(f.redemption_rate),
            }
            for f in s.flow
        ],
        "redemption_rate": _number(s.redemption_rate),
        "enrolments_per_day": [{"day": d.isoformat(), "enrolments": n} for d, n in s.enrolments],
        "cohorts": {
            "months": [c.isoformat()[:7] for c in s.cohorts.cohorts],
            "sizes": s.cohorts.sizes.tolist(),
            "retention": [[_number(v) for v in row] for row in s.cohorts.retention.tolist()],
            "repeat_rate": [[_number(v) for v in row] for row in s.cohorts.repeat_rate.tolist()],
            "partial": s.cohorts.partial.tolist(),
        },
        "segments": {segment.value: n for segment, n in s.segments.items()},
        "model": fit_as_dict(fit),
        "hint_usage": [{"kind": u.kind, "used": u.used, "dismissed": u.dismissed} for u in s.hint_usage],
    }


# -- back from JSON --------------------------------------------------------------------------------------
def _day(text: str) -> date:
    return date.fromisoformat(text)


def _month(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text + "-01")


def _float(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _why_as_json(why: object) -> object:
    if isinstance(why, Detail):
        return {"text": why.text, "params": why.params}
    return str(why)


def _why_from_json(why: object) -> object:
    if isinstance(why, dict):
        return Detail.rebuilt(str(why["text"]), dict(why.get("params") or {}))
    return str(why)


def fit_as_dict(fit: ModelFit) -> dict[str, Any]:
    """The fit as JSON-ready values, its refusals with their templates and values."""
    return {
        "unit_days": fit.unit_days,
        "buyers": fit.buyers,
        "bgnbd": None
        if fit.bgnbd is None
        else {
            "r": fit.bgnbd.r,
            "alpha": fit.bgnbd.alpha,
            "a": fit.bgnbd.a,
            "b": fit.bgnbd.b,
            "log_likelihood": _number(fit.bgnbd.log_likelihood),
            "customers": fit.bgnbd.customers,
        },
        "gamma_gamma": None
        if fit.gamma_gamma is None
        else {
            "p": fit.gamma_gamma.p,
            "q": fit.gamma_gamma.q,
            "v": fit.gamma_gamma.v,
            "log_likelihood": _number(fit.gamma_gamma.log_likelihood),
            "customers": fit.gamma_gamma.customers,
        },
        "problems": list(fit.problems),
        "errors": [
            {"model": str(e.params.get("model", "")), "why": _why_as_json(e.params.get("why", ""))}
            for e in fit.errors
        ],
    }


def fit_from_dict(data: dict[str, Any]) -> ModelFit:
    b, g = data.get("bgnbd"), data.get("gamma_gamma")
    return ModelFit(
        bgnbd=None
        if b is None
        else BgNbdParams(
            b["r"], b["alpha"], b["a"], b["b"], _float(b["log_likelihood"]), int(b["customers"])
        ),
        gamma_gamma=None
        if g is None
        else GammaGammaParams(g["p"], g["q"], g["v"], _float(g["log_likelihood"]), int(g["customers"])),
        problems=tuple(str(p) for p in data["problems"]),
        buyers=int(data["buyers"]),
        unit_days=int(data["unit_days"]),
        errors=tuple(
            CannotFit(model=e["model"], why=_why_from_json(e["why"])) for e in data.get("errors", [])
        ),
    )


def _matrix(rows: list[list[Any]], count: int, dtype: Any) -> Any:
    import numpy as np

    cells = [[(math.nan if v is None else v) for v in row] for row in rows]
    width = len(cells[0]) if cells else 0
    return np.asarray(cells, dtype=dtype).reshape(count, width)


def metrics_from_dict(data: dict[str, Any]) -> StoreMetrics:
    """``metrics_as_dict`` read back: the same figures."""
    import numpy as np

    from loyalty.analytics.metrics import CohortTable, ExpiryBucket, Liability, PointsFlow

    liability = data["liability"]
    cohorts = data["cohorts"]
    return StoreMetrics(
        as_of=_day(data["as_of"]),
        members=int(data["members"]),
        buyers=int(data["buyers"]),
        active=int(data["active_members"]),
        north_star=int(data["north_star"]),
        north_star_trend=tuple(
            (_day(p["day"]), int(p["repeat_customers"])) for p in data["north_star_trend"]
        ),
        liability=Liability(
            int(liability["points"]),
            int(liability["value"]),
            tuple(
                ExpiryBucket(_month(b["month"]), int(b["points"]), int(b["value"]))
                for b in liability["expiry_schedule"]
            ),
        ),
        point_value=int(liability["point_value"]),
        owed_points=int(data["owed_points"]),
        flow=tuple(
            PointsFlow(
                _month(f["month"]) or date.min, int(f["issued"]), int(f["redeemed"]), int(f["expired"])
            )
            for f in data["points_flow"]
        ),
        redemption_rate=data["redemption_rate"],
        enrolments=tuple((_day(e["day"]), int(e["enrolments"])) for e in data["enrolments_per_day"]),
        cohorts=CohortTable(
            cohorts=tuple(_month(c) or date.min for c in cohorts["months"]),
            sizes=np.asarray(cohorts["sizes"], dtype=np.int64),
            retention=_matrix(cohorts["retention"], len(cohorts["months"]), np.float64),
            repeat_rate=_matrix(cohorts["repeat_rate"], len(cohorts["months"]), np.float64),
            partial=_matrix(cohorts["partial"], len(cohorts["months"]), bool),
            as_of=_day(data["as_of"]),
        ),
        segments={Segment(k): int(v) for k, v in data["segments"].items()},
        fit=fit_from_dict(data["model"]),
        hint_usage=tuple(
            HintUsage(u["kind"], int(u["used"]), int(u["dismissed"])) for u in data["hint_usage"]
        ),
    )
