"""Purchase histories in the shape the lifetime-value models read.

For every customer: how many times they came back, when they last came, how long they have been watched and
what a repeat visit is worth. The conventions are those of Fader, Hardie & Lee (2005):

* a *purchase* is a day with at least one sale: two receipts on one day are one visit (amounts add up);
* ``frequency`` counts the purchase days *after* the first one (repeat purchases);
* ``recency`` is the time from the first purchase day to the last one, ``T`` the time from the first purchase
  day to the end of observation, both in units of ``unit_days`` days (7: weeks);
* ``monetary_value`` is the mean amount of a repeat purchase day — the first purchase is left out, as the
  Gamma-Gamma spend model asks — and 0 for a customer who never came back;
* purchases after ``observation_end`` are ignored, so a summary "as of" a past day is reproducible.

``summarize`` takes any iterable of ``(customer_id, date, amount)``; ``summarize_arrays`` does the same work on
NumPy arrays (customer codes, day numbers, amounts) and is what a store-scale refresh uses: the iterable form
spends most of its time in the Python loop that reads the tuples.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from loyalty.errors import InvalidInput

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MAX_UNIT_DAYS = 366


@dataclass(frozen=True, slots=True, eq=False)
class Summary:
    """One row per customer who bought at least once by ``observation_end``, in first-seen order."""

    customers: tuple[Hashable, ...]
    frequency: IntArray
    recency: FloatArray
    T: FloatArray  # the models' own name for the customer's age
    monetary_value: FloatArray
    first_day: IntArray  # proleptic Gregorian ordinal (date.toordinal) of the first purchase day
    last_day: IntArray
    total_amount: FloatArray  # every purchase day, the first included
    observation_end: date
    unit_days: float

    def __len__(self) -> int:
        return len(self.customers)

    def position(self) -> dict[Hashable, int]:
        """Row of each customer."""
        return {customer: i for i, customer in enumerate(self.customers)}


@dataclass(frozen=True, slots=True, eq=False)
class ArraySummary:
    """``summarize_arrays``'s result: ``customer`` holds the codes that were passed in, sorted."""

    customer: IntArray
    frequency: IntArray
    recency: FloatArray
    T: FloatArray
    monetary_value: FloatArray
    first_day: IntArray
    last_day: IntArray
    total_amount: FloatArray
    observation_end: int
    unit_days: float

    def __len__(self) -> int:
        return int(self.customer.size)


def _check_unit(unit_days: float) -> float:
    if isinstance(unit_days, bool) or not isinstance(unit_days, int | float):
        raise InvalidInput(what="Time unit", why="give a number of days, such as 7 for weeks")
    if not 0 < unit_days <= MAX_UNIT_DAYS:
        raise InvalidInput(what="Time unit", why=f"it must be more than 0 and at most {MAX_UNIT_DAYS} days")
    return float(unit_days)


def summarize(
    transactions: Iterable[tuple[Hashable, date, float]], observation_end: date, unit_days: float = 7
) -> Summary:
    """Per customer: repeat purchase days, recency and age in ``unit_days`` units, mean repeat amount.

    ``transactions`` are ``(customer_id, day, amount)``; amounts are non-negative (a sale net of its refunds).
    Purchases after ``observation_end`` are ignored, and so is a customer whose purchases all come after it.
    """
    unit = _check_unit(unit_days)
    if not isinstance(observation_end, date):
        raise InvalidInput(what="Observation end", why="give a date")
    index: dict[Hashable, int] = {}
    customers: list[Hashable] = []
    codes: list[int] = []
    days: list[int] = []
    amounts: list[float] = []
    for n, item in enumerate(transactions):
        try:
            customer, day, amount = item
        except (TypeError, ValueError):
            raise InvalidInput(
                what=f"Transaction {n + 1}", why="give (customer, date, amount) for each sale"
            ) from None
        if not isinstance(day, date):
            raise InvalidInput(what=f"Transaction {n + 1}", why=f"{day!r} is not a date")
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise InvalidInput(what=f"Transaction {n + 1}", why=f"the amount {amount!r} is not a number")
        code = index.get(customer)
        if code is None:
            code = index[customer] = len(customers)
            customers.append(customer)
        codes.append(code)
        days.append(day.toordinal())
        amounts.append(float(amount))
    result = summarize_arrays(
        np.asarray(codes, dtype=np.int64),
        np.asarray(days, dtype=np.int64),
        np.asarray(amounts, dtype=np.float64),
        observation_end.toordinal(),
        unit,
    )
    return Summary(
        customers=tuple(customers[int(code)] for code in result.customer),
        frequency=result.frequency,
        recency=result.recency,
        T=result.T,
        monetary_value=result.monetary_value,
        first_day=result.first_day,
        last_day=result.last_day,
        total_amount=result.total_amount,
        observation_end=observation_end,
        unit_days=unit,
    )


def _empty(observation_end: int, unit: float) -> ArraySummary:
    ints = np.zeros(0, dtype=np.int64)
    floats = np.zeros(0, dtype=np.float64)
    return ArraySummary(ints, ints, floats, floats, floats, ints, ints, floats, observation_end, unit)


Codes = NDArray[np.integer[Any]]


def _checked(
    customer: ArrayLike, day: ArrayLike, amount: ArrayLike | None
) -> tuple[Codes, Codes, FloatArray | None]:
    c = np.asarray(customer)
    d = np.asarray(day)
    a = None if amount is None else np.asarray(amount, dtype=np.float64)
    if c.ndim != 1 or c.shape != d.shape or (a is not None and c.shape != a.shape):
        raise InvalidInput(
            what="Transactions", why="customers, days and amounts must be 1-D and equally long"
        )
    if c.size and not (np.issubdtype(c.dtype, np.integer) and np.issubdtype(d.dtype, np.integer)):
        raise InvalidInput(what="Transactions", why="customer codes and days must be whole numbers")
    if c.size and a is not None and (not np.isfinite(a).all() or (a < 0).any()):
        raise InvalidInput(what="Transactions", why="amounts must be finite and not negative")
    if c.size and c.min() < 0:
        raise InvalidInput(what="Transactions", why="customer codes must not be negative")
    # Integer codes keep their width (int32 codes stay int32): at store scale every copy is tens of MB.
    return c, d, a


def _in_order(c: Codes, d: Codes) -> bool:
    """Sorted by customer, then day (a read through the member-history index)?"""
    if c.size < 2:
        return True
    if not bool((c[1:] >= c[:-1]).all()):
        return False
    # Within a customer the days ascend: wherever the customer is the same, the day does not go back.
    going_back = d[1:] < d[:-1]
    going_back &= c[1:] == c[:-1]
    return not bool(going_back.any())


def _purchase_days(
    c: Codes, d: Codes, a: FloatArray | None, end: int
) -> tuple[Codes, Codes, FloatArray | None]:
    """Distinct (customer, day) pairs up to ``end``, sorted by customer then day, with each day's total."""
    seen = d <= end
    if not seen.all():
        c, d = c[seen], d[seen]
        a = None if a is None else a[seen]
    del seen
    if c.size == 0:
        return c, d, a
    if not _in_order(c, d):
        # One integer per (customer, day): sorting it sorts by customer, then day.
        first_seen = int(d.min())
        span = end - first_seen + 1
        if int(c.max()) >= np.iinfo(np.int64).max // span:
            raise InvalidInput(what="Transactions", why="customer codes are too large")
        key = c.astype(np.int64) * span + (d - first_seen)
        order = np.argsort(key, kind="stable")
        del key
        c, d = c[order], d[order]
        a = None if a is None else a[order]
        del order
    new = np.empty(c.size, dtype=bool)
    new[0] = True
    np.not_equal(c[1:], c[:-1], out=new[1:])
    new[1:] |= d[1:] != d[:-1]
    if new.all():  # no two sales of one customer on one day: the rows are the purchase days (no copies)
        return c, d, a
    if a is None:
        return c[new], d[new], None
    # The day's total: each further sale of a day is added onto the day's first row. The i-th such row, at
    # position p, belongs to purchase day p - i - 1 (the rows before it hold p - i days' first rows). Only the
    # few repeated rows are indexed: no position array as long as the input.
    repeated = np.flatnonzero(~new)
    day_amount = a[new]
    np.add.at(day_amount, repeated - np.arange(1, repeated.size + 1), a[repeated])
    return c[new], d[new], day_amount


def purchase_days(customer: ArrayLike, day: ArrayLike, observation_end: int) -> tuple[Codes, Codes]:
    """The distinct purchase days up to ``observation_end``: (customer codes, day numbers), sorted by customer
    then day (what cohorts and the North Star count)."""
    c, d, _ = _checked(customer, day, None)
    day_customer, day_number, _ = _purchase_days(c, d, None, int(observation_end))
    return day_customer, day_number


def summarize_arrays(
    customer: ArrayLike,
    day: ArrayLike,
    amount: ArrayLike,
    observation_end: int,
    unit_days: float = 7,
) -> ArraySummary:
    """``summarize`` on arrays: ``customer`` non-negative integer codes, ``day`` day numbers (any integer day
    count, such as ``date.toordinal()``), ``amount`` non-negative. Rows may come in any order; rows already
    sorted by customer and day (a ledger read in that order) skip the sort."""
    unit = _check_unit(unit_days)
    end = int(observation_end)
    c, d, a = _checked(customer, day, amount)
    day_customer, day_number, day_amount = _purchase_days(c, d, a, end)
    del c, d, a
    if day_customer.size == 0 or day_amount is None:
        return _empty(end, unit)
    start = np.flatnonzero(np.concatenate(([True], day_customer[1:] != day_customer[:-1])))
    customers = day_customer[start].astype(np.int64)
    stop = np.concatenate((start[1:], [day_customer.size]))
    frequency = (stop - start - 1).astype(np.int64)
    first_day = day_number[start].astype(np.int64)
    last_day = day_number[stop - 1].astype(np.int64)
    del day_customer, day_number, stop
    total = np.add.reduceat(day_amount, start)
    # day_amount may be the caller's own array (no sale shared a day with another): read it, never write it.
    repeat_total = total - day_amount[start]
    del day_amount, start
    monetary = np.zeros(customers.size, dtype=np.float64)
    np.divide(repeat_total, frequency, out=monetary, where=frequency > 0)
    return ArraySummary(
        customer=customers,
        frequency=frequency,
        recency=(last_day - first_day) / unit,
        T=(end - first_day) / unit,
        monetary_value=monetary,
        first_day=first_day,
        last_day=last_day,
        total_amount=total,
        observation_end=end,
        unit_days=unit,
    )
