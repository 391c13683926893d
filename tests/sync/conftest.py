"""The till's sync against the central as a real process on 127.0.0.1 (SQLite behind it), with real till
stores (SQLite files) enrolled with it.

One central serves the whole session; every test makes a store of its own (its own code), so tests cannot see
each other's members or tills."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.demo import PROGRAM_FILE
from app.paths import database_path
from app.services import SYSTEM, Actor, Role, TillServices
from app.services.syncing import TillSyncStore, enroll_till, till_engine
from app.store.db import Store, open_store
from central import service
from central.db import make_engine, migrate
from loyalty.program import load_program
from sync.client import CentralClient
from sync.engine import Backoff, SyncEngine
from sync.protocol import MemberResponse
from tests.central.process import central_process
from tests.programs import steady

_stores = itertools.count(1)


@dataclass
class Central:
    url: str
    engine: Engine

    def new_store(self) -> str:
        code = f"S{next(_stores):04d}"
        with Session(self.engine) as session, session.begin():
            service.create_store(session, code, f"Cửa hàng {code}")
        return code

    def code(self, store_code: str) -> str:
        """A one-time enrollment code for the store (made in this process: the command costs a second)."""
        with Session(self.engine) as session, session.begin():
            store = service.store_by_code(session, store_code)
            assert store is not None
            return service.new_enrollment_code(session, store)


@pytest.fixture(scope="session")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    url = f"sqlite:///{tmp_path_factory.mktemp('central') / 'central.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    try:
        with central_process(url) as base:
            yield Central(base, engine)
    finally:
        engine.dispose()


@dataclass
class EnrolledTill:
    data_dir: Path
    store: Store
    svc: TillServices
    cashier: Actor
    manager: Actor
    central_url: str

    def engine(self, **kwargs: Any) -> SyncEngine:
        kwargs.setdefault("backoff", Backoff(first=0.05, maximum=0.5))
        kwargs.setdefault("timeout", 5.0)
        return till_engine(self.store, **kwargs)

    @property
    def store_code(self) -> str:
        settings = TillSyncStore(self.store).settings()
        assert settings is not None and settings.store_code is not None
        return settings.store_code

    def central_member(self, number: str) -> MemberResponse:
        """The member as the central holds it, asked with this till's own token."""
        port_credentials = self.engine().port.credentials()
        assert port_credentials is not None
        with CentralClient.connect(self.central_url, port_credentials.token) as client:
            return client.member(number)

    def balance(self, member_id: str) -> int:
        return self.svc.members.get(member_id).balance

    def close(self) -> None:
        self.store.close()


MakeTill = Callable[..., EnrolledTill]


@pytest.fixture
def make_till(tmp_path: Path, central: Central) -> Iterator[MakeTill]:
    """An enrolled till of a store: ``make_till(store_code, number)`` (a store of its own when not given)."""
    made: list[EnrolledTill] = []

    def make(store_code: str | None = None, number: int = 1, *, url: str | None = None) -> EnrolledTill:
        code = store_code or central.new_store()
        data_dir = tmp_path / f"{code}-till{number}"
        store = open_store(database_path(data_dir))
        enroll_till(
            store, url or central.url, central.code(code), till_name=f"Quầy {number}", till_number=number
        )
        svc = TillServices.open(store)
        svc.programs.install(SYSTEM, steady(load_program(PROGRAM_FILE)))
        svc.staff.create(SYSTEM, f"10{number:02d}", f"Mai {number}", Role.CASHIER, "1111")
        svc.staff.create(SYSTEM, f"90{number:02d}", f"Lan {number}", Role.MANAGER, "9999")
        till = EnrolledTill(
            data_dir,
            store,
            svc,
            svc.staff.sign_in(f"10{number:02d}", "1111"),
            svc.staff.sign_in(f"90{number:02d}", "9999"),
            url or central.url,
        )
        made.append(till)
        return till

    yield make
    for till in made:
        till.close()
