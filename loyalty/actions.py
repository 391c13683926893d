"""Non-purchase actions (recycling drop-off, review, survey, ...) and their per-period caps."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from loyalty.ledger import add_months
from loyalty.program import Period


def period_start(period: Period, at: datetime, zone: ZoneInfo) -> datetime | None:
    """Start of the cap period containing ``at``, in the store's calendar (None for 'ever')."""
    local = at.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    match period:
        case "day":
            start = midnight
        case "week":
            start = midnight - timedelta(days=local.weekday())  # weeks start on Monday
        case "month":
            start = midnight.replace(day=1)
        case "year":
            start = midnight.replace(month=1, day=1)
        case "ever":
            return None
    return start.astimezone(at.tzinfo)


def period_end(period: Period, start: datetime | None, zone: ZoneInfo) -> datetime | None:
    if start is None:
        return None
    local = start.astimezone(zone)
    match period:
        case "day":
            end = local + timedelta(days=1)
        case "week":
            end = local + timedelta(days=7)
        case "month":
            end = add_months(local, 1)
        case "year":
            end = add_months(local, 12)
        case "ever":
            return None
    return end.astimezone(start.tzinfo)
