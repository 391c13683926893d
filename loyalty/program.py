"""A loyalty program version as validated data.

A program is a JSON or TOML document (see README "The program file"). It is checked once, when loaded, and
every problem is reported with its place in the file, so a manager editing it sees exactly what to fix.
Every ledger entry records the version it was computed under.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date, time
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from loyalty.errors import Detail, ProgramError
from loyalty.limits import nesting_depth
from loyalty.money import CURRENCY_EXPONENTS, MAX_MINOR_UNITS

Rounding = Literal["down", "half_up", "up"]
Period = Literal["day", "week", "month", "year", "ever"]
Multiplier = Annotated[Decimal, Field(ge=0, le=100)]
Amount = Annotated[int, Field(ge=0, le=MAX_MINOR_UNITS)]
Points = Annotated[int, Field(ge=0, le=10**9)]
PositivePoints = Annotated[int, Field(gt=0, le=10**9)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]


class _Strict(BaseModel):
    # Unknown keys are mistakes (a typo in a key would otherwise silently disable a rule).
    model_config = ConfigDict(extra="forbid", frozen=True)


class EarnRule(_Strict):
    spend_step: Annotated[int, Field(gt=0, le=MAX_MINOR_UNITS)]
    points_per_step: PositivePoints = 1
    rounding: Rounding = "down"
    minimum_spend: Amount = 0
    category_multipliers: dict[str, Multiplier] = Field(default_factory=dict)
    sku_multipliers: dict[str, Multiplier] = Field(default_factory=dict)
    excluded_categories: frozenset[str] = frozenset()
    cap_per_transaction: PositivePoints | None = None


class Tier(_Strict):
    code: Code
    name: str = Field(min_length=1)
    qualifying_spend: Amount
    multiplier: Multiplier = Decimal(1)


class Tiers(_Strict):
    qualifying_months: Annotated[int, Field(ge=1, le=60)] = 12
    review_months: Annotated[int, Field(ge=1, le=60)] = 12
    levels: list[Tier]

    @model_validator(mode="after")
    def _ordered(self) -> Tiers:
        if not self.levels:
            raise ValueError("at least one tier is needed")
        if self.levels[0].qualifying_spend != 0:
            raise ValueError("the first tier must need a qualifying spend of 0 (everyone starts there)")
        spends = [t.qualifying_spend for t in self.levels]
        if any(b <= a for a, b in pairwise(spends)):
            raise ValueError("tiers must be listed from lowest to highest qualifying spend, without ties")
        codes = [t.code for t in self.levels]
        if len(set(codes)) != len(codes):
            raise ValueError("tier codes must be unique")
        return self


class Promotion(_Strict):
    code: Code
    name: str = Field(min_length=1)
    multiplier: Multiplier | None = None
    bonus_points: PositivePoints | None = None
    days_of_week: frozenset[Annotated[int, Field(ge=0, le=6)]] | None = None  # 0 = Monday
    start_time: time | None = None
    end_time: time | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    categories: frozenset[str] | None = None
    minimum_spend: Amount = 0

    @model_validator(mode="after")
    def _consistent(self) -> Promotion:
        if (self.multiplier is None) == (self.bonus_points is None):
            raise ValueError("a promotion gives either a multiplier or bonus_points (exactly one)")
        if (self.start_time is None) != (self.end_time is None):
            raise ValueError("give both start_time and end_time, or neither")
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValueError("end_time must be after start_time")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self


class Redemption(_Strict):
    point_value: Annotated[int, Field(gt=0, le=MAX_MINOR_UNITS)]
    minimum_points: Points = 0
    max_bill_share_percent: Annotated[int, Field(ge=1, le=100)] = 100
    offline_allowance: Points = 0
    manager_approval_over: PositivePoints | None = None
    restore_on_return: bool = True
    # Restored points never arrive already expired. "grace": they keep the expiry of the points they
    # replace, but live at least ``restore_grace_days`` from the return; "fresh": they get the program's
    # full expiry from the day of the return, like newly earned points.
    restore_expiry: Literal["grace", "fresh"] = "grace"
    restore_grace_days: Annotated[int, Field(ge=1, le=3660)] = 30


class Reward(_Strict):
    code: Code
    name: str = Field(min_length=1)
    points: PositivePoints
    kind: Literal["fixed_discount", "percent_discount", "free_item"]
    amount: Annotated[int, Field(gt=0, le=MAX_MINOR_UNITS)] | None = None
    percent: Annotated[int, Field(ge=1, le=100)] | None = None
    max_discount: Annotated[int, Field(gt=0, le=MAX_MINOR_UNITS)] | None = None
    sku: str | None = None
    # What a free item is worth (its shelf price): counted against the share of the bill points may pay.
    value: Annotated[int, Field(ge=0, le=MAX_MINOR_UNITS)] = 0

    @model_validator(mode="after")
    def _by_kind(self) -> Reward:
        if self.kind == "fixed_discount" and self.amount is None:
            raise ValueError("a fixed_discount reward needs an amount")
        if self.kind == "percent_discount" and self.percent is None:
            raise ValueError("a percent_discount reward needs a percent")
        if self.kind == "free_item" and not self.sku:
            raise ValueError("a free_item reward needs the sku of the item")
        return self


class Expiry(_Strict):
    months: Annotated[int, Field(ge=1, le=120)]
    end_of_month: bool = False


class Action(_Strict):
    name: str = Field(min_length=1)
    points: PositivePoints
    cap: PositivePoints | None = None
    period: Period = "month"


class Referral(_Strict):
    referrer_points: Points = 0
    referee_points: Points = 0


class Program(_Strict):
    schema_version: Literal[1] = 1
    version: Code
    name: str = Field(min_length=1)
    currency: str = "VND"
    timezone: str = "Asia/Ho_Chi_Minh"
    earn: EarnRule
    tiers: Tiers | None = None
    promotions: list[Promotion] = Field(default_factory=list)
    redemption: Redemption
    rewards: list[Reward] = Field(default_factory=list)
    expiry: Expiry | None = None
    actions: dict[Code, Action] = Field(default_factory=dict)
    welcome_bonus: Points = 0
    referral: Referral = Referral()

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value not in CURRENCY_EXPONENTS:
            raise ValueError(f"unknown currency {value!r}; use an ISO 4217 code such as VND")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # a directory name such as "Asia" is an OSError
            raise ValueError(f"unknown time zone {value!r}; use a name such as Asia/Ho_Chi_Minh") from None
        return value

    @model_validator(mode="after")
    def _unique_codes(self) -> Program:
        for label, codes in (
            ("promotion", [p.code for p in self.promotions]),
            ("reward", [r.code for r in self.rewards]),
        ):
            seen: set[str] = set()
            for c in codes:
                if c in seen:
                    raise ValueError(f"{label} code {c!r} is used twice")
                seen.add(c)
        return self

    @model_validator(mode="after")
    def _rewards_redeemable(self) -> Program:
        # A reward passes the same limits as paying with points: one under the minimum could never be taken.
        for reward in self.rewards:
            if reward.points < self.redemption.minimum_points:
                raise ValueError(
                    f"reward {reward.code!r} costs {reward.points} points, under redemption.minimum_points "
                    f"({self.redemption.minimum_points}): it could never be redeemed"
                )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def tier(self, code: str | None) -> Tier | None:
        if self.tiers is None or code is None:
            return None
        return next((t for t in self.tiers.levels if t.code == code), None)

    def reward(self, code: str) -> Reward | None:
        return next((r for r in self.rewards if r.code == code), None)

    def canonical_json(self) -> str:
        """Stable text of the program: what is stored and hashed with its version. Sets (excluded categories,
        days of the week) are written sorted: their iteration order changes from one process to the next."""
        return json.dumps(_sorted_sets(self.model_dump()), sort_keys=True, ensure_ascii=False, indent=None)


def _sorted_sets(value: Any) -> Any:
    """The dumped program as JSON-ready values, every set as a sorted list."""
    if isinstance(value, dict):
        return {str(k): _sorted_sets(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(_sorted_sets(v) for v in value)
    if isinstance(value, list | tuple):
        return [_sorted_sets(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def _problems(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {msg}")
    return "; ".join(lines)


def parse_program(data: dict[str, Any]) -> Program:
    try:
        return Program.model_validate(data)
    except ValidationError as err:
        raise ProgramError(problems=_problems(err)) from None


MAX_PROGRAM_BYTES = 256 * 1024
"""A program file is a page of settings: anything larger is not a program (and would only cost memory)."""
MAX_PROGRAM_DEPTH = 8
"""Nesting of tables and arrays; the deepest real setting (``tiers.levels[n].code``) is 3 levels down."""
_TOO_LARGE = Detail("the file is larger than {size} KiB", size=MAX_PROGRAM_BYTES // 1024)
_TOO_DEEP = Detail("the file nests deeper than {levels} levels", levels=MAX_PROGRAM_DEPTH)


def _bracket_depth(text: str, limit: int) -> int:
    """The deepest nesting of [ and { outside strings and comments, scanning at most until ``limit`` is
    passed. Run before the parser, so a hostile file of ten thousand '[' never reaches a recursive parser."""
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            quote_ = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else ch
            i += len(quote_)
            while i < n and not text.startswith(quote_, i):
                i += 2 if text[i] == "\\" and ch == '"' else 1
            i += len(quote_)
            continue
        if ch == "#":  # TOML comment (never valid outside a string in JSON anyway)
            while i < n and text[i] != "\n":
                i += 1
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
        elif ch in "]}":
            depth -= 1
        i += 1
    return deepest


def loads_program(text: str, fmt: Literal["json", "toml"] = "json") -> Program:
    if len(text) > MAX_PROGRAM_BYTES or len(text.encode("utf-8")) > MAX_PROGRAM_BYTES:
        raise ProgramError(problems=_TOO_LARGE)
    if _bracket_depth(text, MAX_PROGRAM_DEPTH) > MAX_PROGRAM_DEPTH:
        raise ProgramError(problems=_TOO_DEEP)
    try:
        data = json.loads(text) if fmt == "json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as err:
        raise ProgramError(
            problems=Detail("the file is not valid {format} ({error})", format=fmt.upper(), error=str(err))
        ) from None
    except RecursionError:  # pragma: no cover - the depth scan above refuses such files first
        raise ProgramError(problems=_TOO_DEEP) from None
    if not isinstance(data, dict):
        raise ProgramError(problems="the file must hold one object (a table of settings)")
    if nesting_depth(data, MAX_PROGRAM_DEPTH) > MAX_PROGRAM_DEPTH:
        raise ProgramError(problems=_TOO_DEEP)
    return parse_program(data)


def load_program(path: Path) -> Program:
    fmt: Literal["json", "toml"] = "toml" if path.suffix.lower() == ".toml" else "json"
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PROGRAM_BYTES + 1)  # never read a huge file whole
        if len(raw) > MAX_PROGRAM_BYTES:
            raise ProgramError(problems=_TOO_LARGE)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ProgramError(
            problems=Detail("cannot read {file}: {error}", file=path.name, error=str(err))
        ) from None
    return loads_program(text, fmt)
