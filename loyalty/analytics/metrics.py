"""Store metrics: cohort retention, active members, the North Star, points liability and flow, enrolments.

Definitions (the README's "Insights" section repeats them for managers):

* **Cohort** — the members whose first purchase fell in one calendar month. Cell (cohort, k) of the retention
  table is the share of the cohort who bought in the k-th month after it (k = 0 is the cohort's own month,
  100%); of the repeat-purchase table, the share who had made a second purchase day by the end of that month.
  A cell reads only purchases up to the end of its month, so a finished month's cell never changes as new
  sales arrive; the cells of the current month are marked partial, and months to come are empty. Passing the
  previous table keeps its finished cells verbatim even if a late-synced sale is dated in the past.
* **Active members** — members with a purchase in the last ``ACTIVE_DAYS`` days (the day itself included).
* **North Star** — repeat customers in the last 90 days: members with a purchase day in the window that was
  not their first purchase day. It counts the one thing a loyalty program is for, customers coming back.
* **Points liability** — the points members hold and can still spend × the point value, and when those
  points expire (by month of their last usable day). Overdrafts are owed to the store and not netted.
* **Points issued vs redeemed** — issued: earned, bonuses, actions and positive adjustments; redeemed:
  points spent, net of redemptions given back on returns; the redemption rate is redeemed / issued.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from loyalty.analytics.summary import purchase_days
from loyalty.errors import InvalidInput

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

ACTIVE_DAYS = 90
NORTH_STAR_DAYS = 90
_EPOCH = date(1970, 1, 1).toordinal()


def _months(days: NDArray[np.integer[Any]]) -> NDArray[np.int32]:
    """Months since January 1970 of day numbers, as 32-bit integers: one small table of the days' range, then
    a look-up per day (no calendar arithmetic on millions of rows)."""
    if days.size == 0:
        return np.zeros(0, dtype=np.int32)
    lo, hi = int(days.min()), int(days.max())
    span = np.arange(lo - _EPOCH, hi - _EPOCH + 1).astype("datetime64[D]")
    table = span.astype("datetime64[M]").astype(np.int32)
    return np.asarray(table[days - lo], dtype=np.int32)


def month_number(day: ArrayLike) -> IntArray:
    """Months since January 1970 of day numbers (``date.toordinal``)."""
    return _months(np.asarray(day, dtype=np.int64)).astype(np.int64)


def month_start(month: int) -> date:
    """First day of a month number (months since January 1970)."""
    return date(1970 + month // 12, month % 12 + 1, 1)


def _month_of(day: date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


# -- cohorts ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class CohortTable:
    """Rows: cohorts by month of first purchase; columns: months since. Cells to come are NaN."""

    cohorts: tuple[date, ...]  # first day of each cohort's month
    sizes: IntArray
    retention: FloatArray  # (cohorts, months since) share who bought in that month
    repeat_rate: FloatArray  # share with a second purchase day by the end of that month
    partial: BoolArray  # the cell's month is the current month: it can still change
    as_of: date

    def cell_month(self, row: int, column: int) -> int:
        return _month_of(self.cohorts[row]) + column


def cohort_table(
    customer: ArrayLike, day: ArrayLike, as_of: date, previous: CohortTable | None = None
) -> CohortTable:
    """Retention and repeat-purchase rate by monthly cohort from purchases (customer codes, day numbers).
    Purchases after ``as_of`` are ignored. With ``previous``, every cell whose month had already finished at
    ``previous.as_of`` is taken from it unchanged."""
    customers, days = purchase_days(customer, day, as_of.toordinal())
    current = _month_of(as_of)
    if customers.size == 0:
        empty = np.zeros((0, 0))
        return CohortTable((), np.zeros(0, dtype=np.int64), empty, empty, empty.astype(bool), as_of)
    # Arrays as long as the purchase days are tens of MB at store scale: each is freed as soon as it has
    # served, and kept to 32 bits where the values allow.
    n_rows = customers.size
    new_member = np.concatenate(([True], customers[1:] != customers[:-1]))
    del customers
    months = _months(days)
    del days
    start = np.flatnonzero(new_member)
    first_month = months[start]
    base = int(first_month.min())
    n_cohorts = current - base + 1
    width = n_cohorts  # the oldest cohort can be followed up to the current month
    cohort_of_member = first_month - base
    sizes = np.bincount(cohort_of_member, minlength=n_cohorts)
    # Second purchase day: the row after each member's first, when it is still that member's.
    has_second = np.concatenate((start[1:], [n_rows])) - start > 1
    repeat_offset = months[start[has_second] + 1] - first_month[has_second]
    repeated = np.bincount(
        cohort_of_member[has_second] * width + repeat_offset, minlength=n_cohorts * width
    ).reshape(n_cohorts, width)
    repeated = np.cumsum(repeated, axis=1)
    del start, has_second, repeat_offset
    # One row per (member, month) with a purchase: rows are sorted by member then day, so months ascend, and
    # every member's first row is one of them. Cell = cohort · width + months since the first purchase.
    kept = new_member.copy()
    kept[1:] |= months[1:] != months[:-1]
    member = np.cumsum(new_member[kept], dtype=np.int32)
    del new_member
    member -= 1
    cell = months[kept].astype(np.int64)
    del months, kept
    cell += (cohort_of_member * np.int32(width) - first_month)[member]
    del member
    bought = np.bincount(cell, minlength=n_cohorts * width).reshape(n_cohorts, width)
    del cell
    cell_month = base + np.arange(n_cohorts)[:, None] + np.arange(width)[None, :]
    future = cell_month > current
    with np.errstate(invalid="ignore", divide="ignore"):
        retention = np.where(sizes[:, None] > 0, bought / sizes[:, None], np.nan)
        repeat_rate = np.where(sizes[:, None] > 0, repeated / sizes[:, None], np.nan)
    retention[future] = np.nan
    repeat_rate[future] = np.nan
    cohorts = tuple(month_start(base + i) for i in range(n_cohorts))
    table = CohortTable(cohorts, sizes.astype(np.int64), retention, repeat_rate, cell_month == current, as_of)
    return table if previous is None else _keep_finished(table, previous)


def _keep_finished(table: CohortTable, previous: CohortTable) -> CohortTable:
    finished_before = _month_of(previous.as_of)  # months before this one were finished then
    rows = {cohort: i for i, cohort in enumerate(previous.cohorts)}
    retention = table.retention.copy()
    repeat_rate = table.repeat_rate.copy()
    sizes = table.sizes.copy()
    for i, cohort in enumerate(table.cohorts):
        j = rows.get(cohort)
        if j is None:
            continue
        if _month_of(cohort) < finished_before:
            sizes[i] = previous.sizes[j]
        for k in range(min(retention.shape[1], previous.retention.shape[1])):
            if table.cell_month(i, k) < finished_before:
                retention[i, k] = previous.retention[j, k]
                repeat_rate[i, k] = previous.repeat_rate[j, k]
    return CohortTable(table.cohorts, sizes, retention, repeat_rate, table.partial, table.as_of)


# -- activity --------------------------------------------------------------------------------------------
def active_members(last_day: ArrayLike, as_of: date, days: int = ACTIVE_DAYS) -> int:
    """Members whose last purchase day (day numbers) is within the ``days`` days ending ``as_of``."""
    last = np.asarray(last_day, dtype=np.int64)
    end = as_of.toordinal()
    return int(((last > end - days) & (last <= end)).sum())


def north_star_series(
    customer: ArrayLike, day: ArrayLike, first: date, last: date, window: int = NORTH_STAR_DAYS
) -> IntArray:
    """The North Star for every day from ``first`` to ``last``: members with a repeat purchase day (one that
    was not their first) in the ``window`` days ending that day.

    Each repeat day d covers the days [d, d + window); a member's consecutive repeat days overlap, so each is
    cut at the member's next repeat day and every member counts once per day. One pass and a cumulative sum."""
    if last < first:
        raise InvalidInput(what="Period", why="the last day comes before the first")
    if window < 1:
        raise InvalidInput(what="Window", why="give at least one day")
    customers, days = purchase_days(customer, day, last.toordinal())
    n_days = last.toordinal() - first.toordinal() + 1
    if customers.size == 0:
        return np.zeros(n_days, dtype=np.int64)
    lo = first.toordinal()
    # Repeat days (a member's rows after their first) that reach into the period: earlier ones cover nothing.
    repeat = np.concatenate(([False], customers[1:] == customers[:-1]))
    repeat &= days > lo - window
    who, when = customers[repeat], days[repeat]
    del repeat, customers, days
    following = np.concatenate((who[1:] == who[:-1], [False]))
    until = when + window
    until[:-1] = np.where(following[:-1], np.minimum(until[:-1], when[1:]), until[:-1])
    del who, following
    change = np.bincount(np.clip(when - lo, 0, n_days), minlength=n_days + 1)
    del when
    change -= np.bincount(np.clip(until - lo, 0, n_days), minlength=n_days + 1)
    return np.cumsum(change[:n_days]).astype(np.int64)


def north_star(customer: ArrayLike, day: ArrayLike, as_of: date, window: int = NORTH_STAR_DAYS) -> int:
    """Repeat customers in the ``window`` days ending ``as_of``."""
    return int(north_star_series(customer, day, as_of, as_of, window)[0])


# -- points ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ExpiryBucket:
    month: date | None  # first day of the month the points' last usable day falls in; None: never expire
    points: int
    value: int  # minor units


@dataclass(frozen=True, slots=True)
class Liability:
    points: int
    value: int  # minor units: points × point value
    schedule: tuple[ExpiryBucket, ...]  # soonest first, points that never expire last


def points_liability(lots: Iterable[tuple[int, date | None]], point_value: int, as_of: date) -> Liability:
    """Outstanding points × point value from open lots ``(remaining points, last usable day or None)``; lots
    whose last usable day is before ``as_of`` are already lost and not counted."""
    if isinstance(point_value, bool) or not isinstance(point_value, int) or point_value < 0:
        raise InvalidInput(what="Point value", why="give a whole number of minor units")
    by_month: dict[date | None, int] = {}
    for remaining, usable_until in lots:
        if remaining <= 0 or (usable_until is not None and usable_until < as_of):
            continue
        month = None if usable_until is None else usable_until.replace(day=1)
        by_month[month] = by_month.get(month, 0) + remaining
    schedule = tuple(
        ExpiryBucket(month, points, points * point_value)
        for month, points in sorted(by_month.items(), key=lambda kv: (kv[0] is None, kv[0] or date.min))
    )
    total = sum(b.points for b in schedule)
    return Liability(total, total * point_value, schedule)


@dataclass(frozen=True, slots=True)
class PointsFlow:
    month: date
    issued: int
    redeemed: int
    expired: int

    @property
    def redemption_rate(self) -> float | None:
        return self.redeemed / self.issued if self.issued else None


ISSUED_KINDS = frozenset({"earn", "bonus", "action", "adjust"})


def points_flow(entries: Iterable[tuple[date, str, int, bool]]) -> tuple[PointsFlow, ...]:
    """Points issued, redeemed and expired per month from ``(day, kind, points, restores_redemption)``
    (``restores_redemption`` marks the reversal that gives back points redeemed on a returned sale). Months
    without any entry between the first and the last appear with zeros."""
    months: dict[int, list[int]] = {}
    for day, kind, points, restores in entries:
        row = months.setdefault(_month_of(day), [0, 0, 0])
        if kind in ISSUED_KINDS and points > 0:
            row[0] += points
        elif kind == "redeem" or (kind == "reverse" and restores):
            row[1] -= points
        elif kind == "expire":
            row[2] -= points
    if not months:
        return ()
    return tuple(
        PointsFlow(month_start(m), *months.get(m, [0, 0, 0])) for m in range(min(months), max(months) + 1)
    )


def redemption_rate(flow: Iterable[PointsFlow]) -> float | None:
    """Redeemed / issued over the whole flow."""
    rows = list(flow)
    issued = sum(f.issued for f in rows)
    return sum(f.redeemed for f in rows) / issued if issued else None


def enrolments_per_day(days: Iterable[date], first: date, last: date) -> tuple[tuple[date, int], ...]:
    """Enrolments on each day from ``first`` to ``last`` (days without any included, as 0)."""
    if last < first:
        raise InvalidInput(what="Period", why="the last day comes before the first")
    counts: dict[date, int] = {}
    for day in days:
        if first <= day <= last:
            counts[day] = counts.get(day, 0) + 1
    n = (last - first).days + 1
    return tuple((first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(n))
