"""A page of pulled member profiles is taken in with one insert per stretch of new members
(``sync_apply._member_run``): the result must be exactly what taking each change alone, in order, gives —
whatever mix of new members, updates, clashing numbers, phones and e-mails, repeated ids, unreadable bodies
and changes of an unknown kind the page holds.

The till here is new (three members), so the bulk path also leaves the members' unique indexes on phone,
e-mail and referral code to be built after the page (``app.store.deferred_indexes``): new members take their
contacts unchecked, and building the indexes settles what two members hold. The one-at-a-time path here
checks every contact against the indexes."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.services import sync_apply
from app.services.core import TILL_ID
from app.store import deferred_indexes, name_index
from app.store import models as m
from app.store.db import Store
from app.store.integrity import check_database
from app.store.search import check_member_search
from app.store.settings import get_setting
from app.store.types import format_utc
from sync.protocol import Change, ChangeKind
from tests.services.conftest import PULLED_STORE, START, make_till, pulled_member

IDS = [str(uuid.UUID(int=0x0190_0000_0000_7000_8000_0000_0000_0000 + n)) for n in range(6)]
NUMBERS = ["N-1", "N-2", "N-3", "N-4"]
PHONES = ["+84901000001", "+84901000002", "+84901000003"]
EMAILS = ["an@example.vn", "AN@example.vn", "binh@example.vn"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    till = make_till(Path(tmp_path_factory.mktemp("bulk")))
    # Two members already here: one holds a phone and an e-mail of the pools, the other the id of the pool.
    till.svc.members.enroll(till.cashier, "Phạm Thu", phone=PHONES[0], email=EMAILS[2])
    with till.store.write() as session:
        session.execute(text("UPDATE members SET member_number = 'N-1' WHERE phone = :p"), {"p": PHONES[0]})
    with till.store.write() as session:
        body = {
            **pulled_member(1, 0).body,
            "id": IDS[0],
            "member_number": "N-2",
            "phone": None,
            "full_name": "Võ Minh",
        }
        assert (
            sync_apply.apply_changes(session, [Change(no=1, kind=ChangeKind.MEMBER, body=body)]).written == 1
        )
    name_index.catch_up(till.store)  # every index built: each example's bulk path defers them again
    with till.store.read() as session:
        assert not deferred_indexes.pending(session)
    yield till.store
    till.store.close()


class _Undo(Exception):
    pass


def _run(store: Store, apply: Callable[[Session], sync_apply.ChunkResult]) -> tuple[Any, ...]:
    """Apply in a write transaction, read what it left, and roll it back (every example starts alike)."""
    seen: tuple[Any, ...] = ()
    try:
        with store.write() as session:
            result = apply(session)
            while not name_index.catch_up_step(session, chunk=3):
                pass
            while deferred_indexes.build_next(session):  # what two members hold alike is settled here
                pass
            assert check_member_search(session)  # the names of members in bulk reach the index too
            members = session.execute(
                select(m.Member.__table__).order_by(m.Member.id)  # type: ignore[arg-type]
            ).mappings()
            # Not the referral code (random). Times are the profiles' (an update too: the central's time).
            rows = [{k: v for k, v in row.items() if k != "referral_code"} for row in members]
            codes = session.scalars(select(m.Member.referral_code)).all()
            assert len(set(codes)) == len(codes)
            assert check_database(session) == []
            seen = (result.written, result.read, len(result.skipped), result.stopped, result.stopped_no, rows)
            raise _Undo
    except _Undo:
        pass
    return seen


def _one_by_one(session: Session, changes: list[Change]) -> sync_apply.ChunkResult:
    result = sync_apply.ChunkResult()
    own_till = get_setting(session, TILL_ID)
    for change in changes:
        if not sync_apply._apply_one(session, change, own_till, result):
            break
    return result


@st.composite
def pages(draw: st.DrawFn) -> list[Change]:
    changes: list[Change] = []
    for no in range(1, draw(st.integers(1, 14)) + 1):
        shape = draw(st.sampled_from(["member"] * 8 + ["unreadable", "unknown"]))
        if shape == "unknown":
            changes.append(Change(no=no, kind="from_a_newer_central", body={}))
            continue
        body: dict[str, Any] = {
            "id": draw(st.sampled_from(IDS)),
            "member_number": draw(st.sampled_from(NUMBERS)),
            "full_name": draw(st.sampled_from(NAMES)),
            "phone": draw(st.none() | st.sampled_from(PHONES)),
            "email": draw(st.none() | st.sampled_from(EMAILS)),
            "status": draw(st.sampled_from(["active", "active", "blocked", "merged", "erased"])),
            "tier_code": draw(st.none() | st.just("gold")),
            "store_id": PULLED_STORE,
            "updated_at": format_utc(START + timedelta(seconds=no)),
        }
        if shape == "unreadable":
            del body["store_id"]
        changes.append(Change(no=no, kind=ChangeKind.MEMBER, body=body))
    return changes


@given(pages())
@example([pulled_member(n + 1, n) for n in range(12)])  # a first pull: every profile new
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_page_in_bulk_ends_as_one_change_at_a_time(store: Store, page: list[Change]) -> None:
    in_bulk = _run(store, lambda session: sync_apply.apply_changes(session, page))
    alone = _run(store, lambda session: _one_by_one(session, page))
    assert in_bulk == alone


def test_a_first_pull_page_is_one_insert(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """New members go in with one statement, not one each: the point of the bulk path."""
    page = [pulled_member(n + 1, 100 + n) for n in range(40)]
    calls: list[str] = []
    original = sync_apply._apply_one

    def counted(*args: Any) -> bool:
        calls.append("alone")
        return original(*args)

    monkeypatch.setattr(sync_apply, "_apply_one", counted)
    done = _run(store, lambda session: sync_apply.apply_changes(session, page))
    assert done[:5] == (40, 40, 0, None, None)
    assert calls == []


def test_a_pull_transaction_ends_early_only_while_a_sale_waits(store: Store) -> None:
    """Alone, the pull's transaction runs up to ``APPLY_ALONE_S`` (longer transactions write each index page
    once, not once per short one); while another writer waits, it ends after ``APPLY_WITHIN_S``."""
    from app.services.syncing import APPLY_ALONE_S, APPLY_WITHIN_S, TillSyncStore

    port = TillSyncStore(store)
    assert not port._enough(APPLY_WITHIN_S * 2) and port._enough(APPLY_ALONE_S)
    holding, done = threading.Event(), threading.Event()

    def sale() -> None:
        holding.wait(30)
        with store.write():
            done.set()

    waiter = threading.Thread(target=sale)
    with store.write():
        waiter.start()
        holding.set()
        for _ in range(3000):  # until the sale is in the queue behind this transaction
            if store.writers_waiting():
                break
            threading.Event().wait(0.01)
        assert store.writers_waiting()
        assert port._enough(APPLY_WITHIN_S) and not port._enough(APPLY_WITHIN_S / 2)
    waiter.join(timeout=30)
    assert done.is_set() and not store.writers_waiting()
    # apply_changes asks after each run of changes: told "enough" at once, it stops after the first run.
    page = [pulled_member(n + 1, 300 + n) for n in range(3)] + [
        Change(no=9, kind=ChangeKind.BALANCE, body={"member_id": IDS[5], "balance": 0, "entry_count": 0})
    ]
    stopped = _run(store, lambda session: sync_apply.apply_changes(session, page, enough=lambda _s: True))
    assert stopped[:2] == (3, 3)  # written, read: the run of three new members, not the balance after it


def test_a_pulled_update_is_timed_by_the_central(store: Store) -> None:
    """A profile changed at the central keeps the central's time here, not the moment this till pulled it."""
    fresh = pulled_member(1, 700)
    at = START + timedelta(hours=2)
    update = Change(
        no=2,
        kind=ChangeKind.MEMBER,
        body={**fresh.body, "full_name": "Khách Đổi Tên", "updated_at": format_utc(at)},
    )
    rows = _run(store, lambda session: sync_apply.apply_changes(session, [fresh, update]))[5]
    [row] = [r for r in rows if r["id"] == fresh.body["id"]]
    assert row["full_name"] == "Khách Đổi Tên" and row["updated_at"] == at
