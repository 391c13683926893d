"""Upgrading a central with data from the first schema (0001) to the member-keyed one, and back."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from central import service
from central.db import alembic_config, make_engine, migrate
from central.service import TillIdentity
from loyalty.audit import GENESIS_HASH
from loyalty.ledger import EntryKind
from sync.protocol import EntryPayload, ItemKind, PushRequest, item_hash, make_item

STORE, TILL, MEMBER = (
    "01900000-0000-7000-8000-000000000001",
    "01900000-0000-7000-8000-000000000002",
    "01900000-0000-7000-8000-000000000003",
)


def _to(engine: Engine, revision: str, downgrade: bool = False) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        (command.downgrade if downgrade else command.upgrade)(config, revision)


def _entry() -> EntryPayload:
    return EntryPayload(
        id="01900000-0000-7000-8000-000000000010",
        member_id=MEMBER,
        kind=EntryKind.EARN,
        points=120,
        amount_minor=1_200_000,
        currency="VND",
        receipt_ref="R1",
        store_id=STORE,
        till_id=TILL,
        seq=1,
        staff_id=None,
        reason=None,
        action_code=None,
        program_version="2026.1",
        reverses_id=None,
        channel="till",
        created_at="2026-03-02T03:00:00.000000Z",
        details=None,
        expires_at=None,
        prev_hash=GENESIS_HASH,
    )


def test_upgrade_from_0001_keeps_every_row(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        _to(engine, "0001")
        entry = _entry()
        digest = item_hash(ItemKind.LEDGER_ENTRY, entry)
        now = datetime(2026, 3, 2, 3, tzinfo=UTC)
        rows = {
            "stores": {
                "id": STORE, "code": "HCM1", "name": "Quận 1", "card_key": "k" * 64, "log_id": "0123456789abcdef",
                "last_change": 0, "created_at": now,
            },
            "tills": {
                "id": TILL, "store_id": STORE, "name": "Quầy 1", "token_hash": "t" * 64, "epoch": 1, "next_seq": 2,
                "enrolled_at": now,
            },
            "members": {
                "id": MEMBER, "store_id": STORE, "member_number": "M-1", "full_name": "Nguyễn Thị Lan",
                "status": "active", "balance": 120, "entry_count": 1, "updated_at": "2026-03-02T03:00:00.000000Z",
            },
            "items": {
                "id": entry.id, "store_id": STORE, "till_id": TILL, "epoch": 1, "seq": 1, "kind": "ledger_entry",
                "hash": digest, "status": "applied", "received_at": now,
            },
            "push_slots": {
                "till_id": TILL, "epoch": 1, "seq": 1, "item_id": entry.id, "hash": digest, "status": "applied",
            },
        }  # fmt: skip
        with engine.begin() as connection:
            for table, values in rows.items():
                names = ", ".join(values)
                connection.execute(
                    text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"),
                    values,
                )
            connection.execute(
                text(
                    "INSERT INTO entries (id, member_id, store_id, till_id, epoch, seq, kind, points, amount_minor, "
                    "currency, program_version, created_at, prev_hash, hash, body) VALUES (:id, :member_id, "
                    ":store_id, :till_id, 1, 1, 'earn', 120, 1200000, 'VND', '2026.1', :created_at, :prev, :hash, "
                    ":body)"
                ).bindparams(),
                {
                    "id": entry.id,
                    "member_id": MEMBER,
                    "store_id": STORE,
                    "till_id": TILL,
                    "created_at": entry.created_at,
                    "prev": GENESIS_HASH,
                    "hash": digest,
                    "body": entry.model_dump_json(),
                },
            )
        migrate(engine)
        with Session(engine) as session, session.begin():
            found = service.member(session, STORE, "M-1")
            assert (found.id, found.balance, found.entry_count) == (MEMBER, 120, 1)
            # The ledger position and the item claim still answer a replay as a duplicate.
            till = TillIdentity(TILL, STORE)
            replay = service.push(
                session,
                till,
                PushRequest(
                    till_id=TILL, epoch=1, items=[make_item(1, ItemKind.LEDGER_ENTRY, entry, entry.id)]
                ),
            )
            assert [r.status.value for r in replay.results] == ["duplicate"]
            taken = session.execute(
                text("SELECT member_id FROM member_numbers WHERE member_number = 'M-1'")
            ).scalar()
            position = session.execute(
                text("SELECT entry_id FROM ledger_positions WHERE till_id = :t"), {"t": TILL}
            )
            assert taken == MEMBER and position.scalar() == entry.id
            kind = session.execute(text("SELECT kind FROM tills WHERE id = :t"), {"t": TILL}).scalar()
            assert kind == "till"
        # And back: 0001's shapes with the same rows.
        _to(engine, "0001", downgrade=True)
        with engine.connect() as connection:
            assert (
                connection.execute(text("SELECT balance FROM members WHERE id = :m"), {"m": MEMBER}).scalar()
                == 120
            )
            assert connection.execute(text("SELECT count(*) FROM entries")).scalar() == 1
        migrate(engine)
    finally:
        engine.dispose()


def test_upgrade_to_0003_fills_the_lots_from_the_entries(db_url: str) -> None:
    """A central that kept no lots (0002) gets them from a replay of its entries, and its first sweep expires
    what the entries left. On the way to the head, 0005 lists its till sales by receipt number."""
    from central.expiry import sweep

    engine = make_engine(db_url)
    try:
        _to(engine, "0002")
        earn = _entry().model_copy(update={"expires_at": "2027-04-01T00:00:00.000000Z"})
        spend = EntryPayload(
            **{
                **earn.model_dump(),
                "id": "01900000-0000-7000-8000-000000000011",
                "kind": EntryKind.REDEEM,
                "points": -20,
                "amount_minor": None,
                "currency": None,
                "seq": 2,
                "created_at": "2026-03-05T03:00:00.000000Z",
                "expires_at": None,
                "prev_hash": item_hash(ItemKind.LEDGER_ENTRY, earn),
            }
        )
        now = datetime(2026, 3, 2, 3, tzinfo=UTC)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO stores (id, code, name, card_key, log_id, last_change, created_at) "
                    "VALUES (:s, 'HCM1', 'Quận 1', :k, '0123456789abcdef', 0, :now)"
                ),
                {"s": STORE, "k": "k" * 64, "now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO tills (id, store_id, name, token_hash, epoch, next_seq, enrolled_at) "
                    "VALUES (:t, :s, 'Quầy 1', :h, 1, 3, :now)"
                ),
                {"t": TILL, "s": STORE, "h": "t" * 64, "now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO members (id, store_id, member_number, full_name, status, balance, entry_count, "
                    "updated_at) VALUES (:m, :s, 'M-1', 'Nguyễn Thị Lan', 'active', 100, 2, :u)"
                ),
                {"m": MEMBER, "s": STORE, "u": "2026-03-02T03:00:00.000000Z"},
            )
            connection.execute(
                text(
                    "INSERT INTO member_numbers (store_id, member_number, member_id) VALUES (:s, 'M-1', :m)"
                ),
                {"m": MEMBER, "s": STORE},
            )
            for entry in (earn, spend):
                digest = item_hash(ItemKind.LEDGER_ENTRY, entry)
                connection.execute(
                    text(
                        "INSERT INTO items (id, store_id, till_id, epoch, seq, kind, hash, status, received_at) "
                        "VALUES (:id, :s, :t, 1, :seq, 'ledger_entry', :h, 'applied', :now)"
                    ),
                    {"id": entry.id, "s": STORE, "t": TILL, "seq": entry.seq, "h": digest, "now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO entries (member_id, id, store_id, till_id, epoch, seq, kind, points, "
                        "amount_minor, currency, program_version, created_at, prev_hash, hash, body) VALUES "
                        "(:m, :id, :s, :t, 1, :seq, :kind, :points, :amount, :currency, '2026.1', :at, :prev, :h, "
                        ":body)"
                    ),
                    {
                        "m": MEMBER,
                        "id": entry.id,
                        "s": STORE,
                        "t": TILL,
                        "seq": entry.seq,
                        "kind": entry.kind.value,
                        "points": entry.points,
                        "amount": entry.amount_minor,
                        "currency": entry.currency,
                        "at": entry.created_at,
                        "prev": entry.prev_hash,
                        "h": digest,
                        "body": entry.model_dump_json(),
                    },
                )
        migrate(engine)
        with engine.connect() as connection:
            lots = connection.execute(text("SELECT id, points, remaining FROM lots")).all()
            uses = connection.execute(text("SELECT entry_id, lot_id, points FROM lot_consumptions")).all()
        assert [tuple(row) for row in lots] == [(earn.id, 120, 100)]
        assert [tuple(row) for row in uses] == [(spend.id, earn.id, 20)]
        with engine.connect() as connection:  # 0005 lists the sales by receipt number (not the redemption)
            awards = connection.execute(
                text("SELECT store_id, receipt_ref, entry_id, till_id, member_id FROM receipt_awards")
            ).all()
        assert [tuple(row) for row in awards] == [(STORE, "R1", earn.id, TILL, MEMBER)]
        assert sweep(engine, datetime(2027, 4, 1, 1, tzinfo=UTC)) == (1, 100)
        with Session(engine) as session:
            assert service.member(session, STORE, "M-1").balance == 0
        # And back to 0002: the lots go, the entries stay.
        _to(engine, "0002", downgrade=True)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM entries")).scalar() == 3
        migrate(engine)
    finally:
        engine.dispose()
