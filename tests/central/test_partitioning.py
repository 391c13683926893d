"""The member-owned tables created ``PARTITION BY HASH`` of the member id on PostgreSQL
(``python -m central migrate --partitions N``): the schema is the models' schema, and the protocol's tests —
exactly-once claims, replays, concurrent pushes, the pull cursor, overdrafts, merges, orders — pass against it.

The tests below are the other modules' tests, collected again here: this module's ``db_url`` gives them a
freshly migrated, partitioned PostgreSQL database instead of SQLite and a plain one.
"""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from central.db import make_engine, migrate
from central.models import Base

from .pgcluster import PostgresCluster

# The protocol's tests, run again on the partitioned schema (collected by name from this module).
from .test_api import (  # noqa: F401
    test_a_till_cannot_touch_another_store,
    test_conflict_goes_to_the_inbox_once,
    test_enroll_push_replay_and_member,
    test_gap_refused_until_filled,
    test_member_edits_newest_wins_and_numbers_stay_unique,
    test_pull_sees_the_store_and_nothing_else,
    test_reenrolled_till_starts_a_new_epoch,
    test_rejected_item_does_not_block_the_next,
)
from .test_channels import (  # noqa: F401
    program,
    shop,
    test_concurrent_requests_keep_keys_orders_and_caps,
    test_one_answer_per_idempotency_key,
)
from .test_conflicts import (  # noqa: F401
    test_a_block_beats_a_link_whichever_arrives_first,
    test_entries_for_a_merged_member_follow_the_merge,
)
from .test_exactly_once import test_any_interleaving_counts_every_entry_exactly_once  # noqa: F401
from .test_expiry import (  # noqa: F401
    test_a_redemption_made_before_the_expiry_and_pushed_after_it_is_corrected_once,
    test_sweeps_at_once_expire_a_lot_once,
)
from .test_overdrafts import (  # noqa: F401
    test_a_manager_writes_the_overdraft_off_with_a_reason,
    test_overspending_tills_make_one_overdraft_however_pushes_are_replayed,
)
from .test_process import (  # noqa: F401
    server,
    test_push_replay_conflict_gap_and_rejection,
    test_tills_pushing_at_once_count_everything_once,
)
from .test_pull_order import test_a_later_number_waits_for_the_earlier_commit  # noqa: F401
from .test_security import stores, test_store_a_cannot_read_or_touch_store_b  # noqa: F401

pytestmark = pytest.mark.slow

PARTITIONS = 4
MEMBER_OWNED = {
    "members": "id",
    "entries": "member_id",
    "overdrafts": "member_id",
    "overdraft_payoffs": "member_id",
    "lots": "member_id",
    "lot_consumptions": "member_id",
}
_PARTITION = re.compile(r"^(members|entries|overdrafts|overdraft_payoffs|lots|lot_consumptions)_p\d+$")


@pytest.fixture
def db_url(postgres: PostgresCluster) -> str:
    """A fresh PostgreSQL database migrated with the member-owned tables hash-partitioned."""
    url = postgres.new_database()
    engine = make_engine(url)
    try:
        migrate(engine, partitions=PARTITIONS)
    finally:
        engine.dispose()
    return url


def test_member_owned_tables_are_hash_partitioned_by_member(engine: Engine) -> None:
    with engine.connect() as connection:
        keys = dict(
            connection.execute(
                text(
                    "SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_partitioned_table p "
                    "JOIN pg_class c ON c.oid = p.partrelid"
                )
            ).all()
        )
        parts = dict(
            connection.execute(
                text(
                    "SELECT parent.relname, count(*) FROM pg_inherits i "
                    "JOIN pg_class parent ON parent.oid = i.inhparent "
                    "JOIN pg_class child ON child.oid = i.inhrelid "
                    "WHERE child.relkind = 'r' GROUP BY parent.relname"
                )
            ).all()
        )
    assert keys == {table: f"HASH ({column})" for table, column in MEMBER_OWNED.items()}
    assert parts == {table: PARTITIONS for table in MEMBER_OWNED}


def _not_a_partition(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave out what PostgreSQL makes for each partition: the partitions, and the per-partition copies of a
    foreign key to a partitioned table."""
    if type_ == "table" and name is not None and _PARTITION.match(name):
        return False
    if type_ == "foreign_key_constraint" and reflected:
        return not _PARTITION.match(obj.referred_table.name)
    return True


def test_the_partitioned_schema_is_the_models_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _not_a_partition})
        assert compare_metadata(context, Base.metadata) == []


def test_partitioning_is_refused_on_sqlite(tmp_path: object) -> None:
    engine = make_engine("sqlite://")
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        migrate(engine, partitions=4)
    engine.dispose()
