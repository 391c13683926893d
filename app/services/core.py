"""What every use case shares: the store, the clock, the till's identity, the active program, and the
small writes that go with every change (sequence numbers, the outbox, the audit log)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.services.context import Actor, Clock, TillIdentity, utc_now
from app.store import models as m
from app.store.audit import append_audit
from app.store.counters import ledger_counter, next_link, next_value, set_head
from app.store.db import Store
from app.store.settings import get_setting, set_setting
from loyalty.chain import GENESIS_HASH
from loyalty.errors import Detail, InvalidInput, NotFound, ProgramError
from loyalty.program import Program, loads_program
from loyalty.text import DEFAULT_PHONE_REGION

# Settings keys (the `settings` table). Values are JSON.
STORE_ID = "store_id"
TILL_ID = "till_id"
STORE_NUMBER = "store_number"
TILL_NUMBER = "till_number"
UID_KEY = "uid_hash_key"
ACTIVE_PROGRAM = "active_program"
PHONE_REGION = "phone_region"


_ACTIVE_PROGRAM = text("SELECT value FROM settings WHERE key = :key").bindparams(key=ACTIVE_PROGRAM)


@dataclass
class Core:
    store: Store
    till: TillIdentity
    uid_key: bytes
    clock: Clock = utc_now
    # The store's country for phone numbers typed without a country code (ISO 3166, e.g. "VN").
    phone_region: str = DEFAULT_PHONE_REGION

    _programs: dict[str, Program] | None = None

    @classmethod
    def open(cls, store: Store, clock: Clock = utc_now) -> Core:
        """Read the till's identity from its settings (written by ``bootstrap_till``)."""
        with store.read() as session:
            store_id = get_setting(session, STORE_ID)
            if store_id is None:
                raise NotFound(what="till set-up", ref="this database (run the set-up first)")
            till = TillIdentity(
                store_id=store_id,
                till_id=get_setting(session, TILL_ID),
                store_number=int(get_setting(session, STORE_NUMBER)),
                till_number=int(get_setting(session, TILL_NUMBER)),
            )
            key = bytes.fromhex(get_setting(session, UID_KEY))
            region = get_setting(session, PHONE_REGION) or DEFAULT_PHONE_REGION
        return cls(store=store, till=till, uid_key=key, clock=clock, phone_region=region)

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise InvalidInput(what="Clock", why="times must carry a time zone")
        return moment

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.store.write() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.store.read() as session:
            yield session

    # -- programs --------------------------------------------------------------------------------------
    def program(self, session: Session, version: str | None = None) -> Program:
        """The active program, or a given version (entries keep the version they were computed under)."""
        if version is None:
            # Read on every sale (another process may install a program), as one plain statement: the
            # ORM's identity-map machinery would cost more than the read itself.
            raw = session.execute(_ACTIVE_PROGRAM).scalar()
            version = None if raw is None else json.loads(raw)
            if version is None:
                raise ProgramError(problems="no loyalty program is installed on this till")
        if self._programs is None:
            self._programs = {}
        cached = self._programs.get(version)
        if cached is not None:
            return cached
        row = session.get(m.ProgramVersion, version)
        if row is None:
            raise NotFound(what="program version", ref=version)
        program = loads_program(row.body, "json")
        self._programs[version] = program
        return program

    # -- what goes with every change -------------------------------------------------------------------
    def next_seq(self, session: Session) -> int:
        return next_value(session, ledger_counter(self.till.till_id))

    def next_link(self, session: Session) -> tuple[int, str]:
        """The next sequence number of this till's ledger and the hash of its entry before that (the head
        of the till's chain), read and advanced by one statement."""
        seq, prev_hash = next_link(session, ledger_counter(self.till.till_id))
        return seq, prev_hash or GENESIS_HASH

    def set_chain_head(self, session: Session, entry_hash: str) -> None:
        """Record the hash of the entry just numbered by ``next_link``, in the same transaction."""
        set_head(session, ledger_counter(self.till.till_id), entry_hash)

    def audit(
        self,
        session: Session,
        actor: Actor,
        action: str,
        subject_type: str | None,
        subject_id: str | None,
        details: dict[str, Any],
    ) -> None:
        append_audit(
            session,
            action=action,
            staff_id=actor.staff_id,
            subject_type=subject_type,
            subject_id=subject_id,
            details=details,
            at=self.now(),
        )

    def outbox(self, session: Session, entity: str, entity_id: str, op: str, payload: dict[str, Any]) -> None:
        session.add(
            m.OutboxItem(entity=entity, entity_id=entity_id, op=op, payload=payload, created_at=self.now())
        )


def bootstrap_till(
    store: Store,
    *,
    store_id: str,
    till_id: str,
    store_number: int,
    till_number: int,
    uid_key: bytes | None = None,
    phone_region: str | None = None,
) -> None:
    """First start of a till: its identity and the secret key its card UIDs are hashed with. Idempotent.

    Every till of a store must hash a card the same way, or a card linked at one till is unknown at the
    next: give the store's key (``uid_key``, 32 bytes) when setting up a second till. Without one, a fresh
    key is made — right for the first (or only) till.
    """
    if not 0 <= store_number <= 999 or not 0 <= till_number <= 99:
        raise InvalidInput(what="Store or till number", why="store 0-999, till 0-99")
    if uid_key is not None and len(uid_key) != 32:
        raise InvalidInput(what="Card key", why="it must be 32 bytes (64 hexadecimal digits)")
    region = check_phone_region(phone_region or DEFAULT_PHONE_REGION)
    with store.write() as session:
        if get_setting(session, STORE_ID) is not None:
            return
        set_setting(session, STORE_ID, store_id)
        set_setting(session, TILL_ID, till_id)
        set_setting(session, STORE_NUMBER, store_number)
        set_setting(session, TILL_NUMBER, till_number)
        set_setting(session, UID_KEY, uid_key.hex() if uid_key is not None else secrets.token_hex(32))
        set_setting(session, PHONE_REGION, region)


def check_phone_region(region: str) -> str:
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidInput(
            what="Phone region", why=Detail("{region} is not a country code such as VN", region=repr(region))
        )
    return code


def set_phone_region(store: Store, region: str) -> None:
    """Change the store's phone region (numbers already stored are E.164 and do not change)."""
    with store.write() as session:
        set_setting(session, PHONE_REGION, check_phone_region(region))
