"""Small builders shared by the loyalty domain tests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from loyalty.money import Money
from loyalty.program import Program, parse_program
from loyalty.quote import Basket, BasketLine

DEFAULT_TOML = Path(__file__).resolve().parents[2] / "resources" / "programs" / "default.toml"

# The store's zone: Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving since 1975).
VN = timezone(timedelta(hours=7))

# The least a program needs; each test adds only the rules it is about.
MINIMAL: dict[str, Any] = {
    "version": "test.1",
    "name": "Chương trình thử",
    "earn": {"spend_step": 10_000},  # 1 point per 10.000 ₫, rounded down
    "redemption": {"point_value": 1_000},  # 1 point pays 1.000 ₫
}


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Deep merge of ``extra`` into a copy of ``base`` (tables merge, everything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def program_data(rules: dict[str, Any] | None = None) -> dict[str, Any]:
    return merge(MINIMAL, rules or {})


def make_program(rules: dict[str, Any] | None = None) -> Program:
    """A program made of the minimal one plus ``rules`` (a dict shaped like the program file)."""
    return parse_program(program_data(rules))


def vnd(amount: int) -> Money:
    return Money(amount, "VND")


def line(amount: int, category: str | None = None, sku: str | None = None) -> BasketLine:
    return BasketLine(vnd(amount), category=category, sku=sku)


def basket(*lines: BasketLine | int) -> Basket:
    return Basket.of(ln if isinstance(ln, BasketLine) else line(ln) for ln in lines)


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A wall-clock time in the store (Vietnam), returned as an aware UTC datetime like the till uses."""
    return datetime(year, month, day, hour, minute, tzinfo=VN).astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
