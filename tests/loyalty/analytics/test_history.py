from __future__ import annotations

from datetime import date

import pytest

from loyalty.analytics.history import HistoricValue, PointsMovement, historic_value
from loyalty.errors import InvalidInput

AS_OF = date(2026, 6, 30)


def test_historic_value_worked_by_hand() -> None:
    sales = [
        (date(2026, 1, 10), 250_000),
        (date(2026, 1, 10), 50_000),  # a second receipt the same day: two sales, one visit
        (date(2026, 3, 5), 120_000),
        (date(2026, 4, 1), 0),  # refunded in full: no sale
        (date(2026, 7, 2), 999_000),  # after the day the figures are for
    ]
    points = [
        PointsMovement("bonus", 50),  # welcome
        PointsMovement("earn", 30),
        PointsMovement("earn", 12),
        PointsMovement("redeem", -50),
        PointsMovement("reverse", -3),  # points of a returned sale taken back: not a redemption
        PointsMovement("reverse", 20, restores_redemption=True),  # redeemed points given back on a return
        PointsMovement("adjust", 8),
        PointsMovement("adjust", -2),
        PointsMovement("expire", -10),
        PointsMovement("transfer", 40),
    ]
    value = historic_value(sales, points, AS_OF, enrolled_on=date(2026, 1, 1))
    assert value == HistoricValue(
        total_spend=420_000,
        sales=3,
        visits=2,
        average_basket=140_000,
        first_visit=date(2026, 1, 10),
        last_visit=date(2026, 3, 5),
        tenure_days=180,
        points_earned=100,
        points_redeemed=30,
        points_expired=10,
        redemption_rate=pytest.approx(0.3),  # type: ignore[arg-type]
    )


def test_a_member_who_never_bought() -> None:
    value = historic_value([], [PointsMovement("bonus", 50)], AS_OF)
    assert (value.sales, value.visits, value.average_basket, value.first_visit, value.tenure_days) == (
        0,
        0,
        None,
        None,
        0,
    )
    assert value.redemption_rate == 0.0
    assert historic_value([], [], AS_OF).redemption_rate is None


def test_tenure_runs_from_the_first_visit_without_an_enrolment_date() -> None:
    assert historic_value([(date(2026, 6, 1), 1000)], [], AS_OF).tenure_days == 29


def test_money_is_whole_minor_units() -> None:
    with pytest.raises(InvalidInput):
        historic_value([(date(2026, 6, 1), 10.5)], [], AS_OF)  # type: ignore[list-item]
