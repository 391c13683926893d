"""Column types shared by the models: UTC timestamps and JSON stored as text."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

from loyalty.audit import canonical_json


def utcnow() -> datetime:
    return datetime.now(UTC)


def format_utc(value: datetime) -> str:
    """Fixed-width ISO-8601 text, always with microseconds and 'Z'.

    Fixed width matters: SQLite compares these as text, so text order must be time order for indexes and
    range queries to be right.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"naive datetime {value!r} refused: the store keeps UTC times, pass an aware datetime"
        )
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_utc(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        # Only rows written by hand (sqlite3 shell, old fixtures) lack an offset; everything is UTC here.
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime stored as ISO-8601 text (``2025-01-31T08:15:00.000000Z``).

    Naive datetimes are refused rather than guessed: a till in Ho Chi Minh City writing local time as UTC
    would shift every expiry and promotion window by seven hours.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        return format_utc(value)

    def process_literal_param(self, value: datetime | None, dialect: Dialect) -> str:
        text = self.process_bind_param(value, dialect)
        return "NULL" if text is None else "'" + text + "'"

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return parse_utc(str(value))


class JSONText(TypeDecorator[Any]):
    """A JSON value stored as canonical JSON text.

    Not SQLAlchemy's ``JSON``: on SQLite that declares a column type with NUMERIC affinity, and canonical text
    makes stored payloads byte-for-byte comparable between the till and the central service.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return canonical_json(value)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> Any | None:
        if value is None:
            return None
        return json.loads(value)
