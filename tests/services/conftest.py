from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.demo import PROGRAM_FILE
from app.services import SYSTEM, Actor, Role, TillServices, bootstrap_till
from app.store.db import Store, open_store
from app.store.types import format_utc
from loyalty.program import Program, load_program, parse_program
from sync.protocol import Change, ChangeKind


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@dataclass
class Till:
    store: Store
    svc: TillServices
    clock: FakeClock
    cashier: Actor
    manager: Actor
    path: Path


# Monday 2026-03-02 03:00 UTC = 10:00 in Ho Chi Minh City: outside the happy-hour promotion.
START = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


PULLED_STORE = "0190aaaa-0000-7000-8000-000000000001"
"""The store of ``pulled_member``'s profiles (another store's id than the till's own: the central's)."""


def pulled_member(no: int, n: int) -> Change:
    """Change ``no`` of a pull: member ``n``'s whole profile, new to the till (number F-n, a phone of its
    own, no e-mail), as the central sends it."""
    body = {
        "id": str(uuid.UUID(int=0x0190_0000_0000_7000_9000_0000_0000_0000 + n)),
        "member_number": f"F-{n}",
        "full_name": f"Khách {n}",
        "phone": f"+8491{n:07d}",
        "email": None,
        "status": "active",
        "tier_code": None,
        "store_id": PULLED_STORE,
        "updated_at": format_utc(START),
    }
    return Change(no=no, kind=ChangeKind.MEMBER, body=body)


def make_till(tmp_path: Path, program: Program | None = None) -> Till:
    path = tmp_path / "till.sqlite"
    store = open_store(path)
    bootstrap_till(store, store_id="s1", till_id="t1", store_number=1, till_number=1)
    clock = FakeClock(START)
    svc = TillServices.open(store, clock)
    svc.programs.install(SYSTEM, program or load_program(PROGRAM_FILE))
    svc.staff.create(SYSTEM, "1001", "Mai", Role.CASHIER, "1111")
    svc.staff.create(SYSTEM, "9001", "Lan", Role.MANAGER, "9999")
    cashier = svc.staff.sign_in("1001", "1111")
    manager = svc.staff.sign_in("9001", "9999")
    return Till(store, svc, clock, cashier, manager, path)


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    t = make_till(tmp_path)
    yield t
    t.store.close()


def simple_program(**overrides: object) -> Program:
    """A plain program for exact arithmetic: 1 point per 10.000 ₫, 1 point = 1.000 ₫, no extras."""
    data: dict[str, object] = {
        "version": "t1",
        "name": "Test",
        "earn": {"spend_step": 10000},
        "redemption": {"point_value": 1000},
    }
    data.update(overrides)
    return parse_program(data)
