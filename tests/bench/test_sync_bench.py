"""The sync benchmarks (bench/sync.py) on tiny sizes, with the same real parts as at full size: a throwaway
PostgreSQL cluster, the central as a process, tills as processes of their own. So the code cannot rot.

No timing is asserted: only that every row is measured, that the checks each row makes hold (every entry
pushed once, every till done, the central's totals equal to the tills', every member pulled), and that the
results reach the table and the JSON.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from app.paths import database_path
from app.store.db import open_store
from app.store.integrity import check_database
from bench.cli import main
from bench.sync import SyncConfig, format_sync_table
from bench.sync_central import central_rig, load_members
from bench.sync_till import TillJob, make_till
from central.testbed import find_pg_bin
from sync.engine import PUSH_FLOOR

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_pg_bin() is None,
        reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed: `make test` installs them",
    ),
]

TINY = SyncConfig(
    entries=260,
    push_members=30,
    tills=3,
    till_entries=40,
    fleet_members=12,
    members=2_500,
    pull_budget=300.0,
    seed=5,
    pull_page=1_000,
)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run through the command line, as ``make bench`` runs it; what it wrote to the JSON file."""
    out = tmp_path_factory.mktemp("sync") / "sync.json"
    argv = ["sync", "--json", str(out), "--seed", str(TINY.seed), "--pull-budget", str(TINY.pull_budget)]
    for name in ("entries", "push_members", "tills", "till_entries", "fleet_members", "members", "pull_page"):
        argv += [f"--{name.replace('_', '-')}", str(getattr(TINY, name))]
    assert main(argv) == 0
    found: dict[str, Any] = json.loads(out.read_text())
    assert found["config"] == json.loads(json.dumps(asdict(TINY)))
    return found


def test_the_push_lands_every_entry_once(results: dict[str, Any]) -> None:
    push = results["push"]
    assert push["applied"] == push["entries"] == TINY.entries
    assert push["central_holds"] == push["till_committed"] and push["agrees"]
    assert push["left_waiting"] == 0 and push["refused"] == 0
    # 260 entries: a first batch at the engine's floor, then doubling while the central answers quickly
    # (30, 60, 120, 50), or staying at the floor if it does not.
    fewest, size, left = 0, PUSH_FLOOR, TINY.entries
    while left > 0:
        fewest, left, size = fewest + 1, left - min(size, left), size * 2
    assert fewest <= push["batches"]["n"] <= math.ceil(TINY.entries / PUSH_FLOOR)
    assert push["seconds"] > 0 and push["baseline"]["seconds"] > 0


def test_the_central_ingest_is_set_beside_copy(results: dict[str, Any]) -> None:
    ingest = results["central_ingest"]
    assert ingest["entries_per_s"] > 0 and ingest["baseline"]["rows_per_s"] > 0
    share = ingest["entries_per_s"] / ingest["baseline"]["rows_per_s"]
    assert ingest["share_of_copy"] == pytest.approx(share, abs=0.001)
    # The floor: every row the push wrote, one per entry in each of the tables every sale writes to, and
    # a lot per earning; its rate is the push's entries over its seconds.
    floor = ingest["floor"]
    entries = results["push"]["entries"]
    tables = floor["tables"]
    assert [tables[t] for t in ("items", "push_slots", "ledger_positions", "entries")] == [entries] * 4
    assert 0 < tables["lots"] <= entries and tables["changes"] > entries
    assert floor["rows"] == sum(tables.values())
    assert floor["entries_per_s"] == pytest.approx(entries / floor["seconds"], rel=0.001)


def test_the_tills_all_finish_and_the_central_agrees_with_each(results: dict[str, Any]) -> None:
    fleet = results["tills"]
    assert fleet["finished"] and fleet["totals_agree"] and fleet["failures"] == []
    assert fleet["entries"] == TINY.tills * TINY.till_entries
    # Each till's 40 entries: a batch at the floor, then the rest, however quick the central was.
    assert fleet["batches"]["n"] == TINY.tills * math.ceil(TINY.till_entries / PUSH_FLOOR)
    assert fleet["left_waiting"] == 0
    assert fleet["baseline"]["items_per_s"] == results["push"]["items_per_s"]


def test_the_first_pull_takes_in_every_member_with_progress(results: dict[str, Any]) -> None:
    pull = results["first_pull"]
    assert pull["finished"] and pull["pulled"] == pull["members"] == TINY.members
    assert pull["progress_lines"] >= 1  # pages of 1,000: the pull says how far it is between pages
    assert pull["pages"]["n"] == 3
    assert pull["memory"]["samples"] > 0 and pull["memory"]["peak_mb"] > 0
    assert pull["baseline"]["rows"] == TINY.members


def test_every_row_reaches_the_table(results: dict[str, Any]) -> None:
    table = format_sync_table(results)
    for key in ("push", "central_ingest", "tills", "first_pull"):
        assert any(line.startswith(key) for line in table.splitlines()), key


def test_offline_sales_are_what_the_till_checks_and_the_central_takes(tmp_path: Path) -> None:
    """The benchmark's sales are written by the till's own write path: the till's full check finds its
    chain, balances and lots sound, as after real sales."""
    with central_rig(lambda _line: None, durable=False) as rig:
        rig.new_store("CHK")
        load_members(rig, "CHK", rig.writer("CHK", "head office"), 25, seed=3, log=lambda _line: None)
        made = make_till(TillJob(rig.url, rig.enrollment_code("CHK"), tmp_path / "till", 1, 400, seed=4))
    assert made.committed[0] == made.sales.entries == 400
    assert made.sales.earns + made.sales.redemptions == 400 and made.sales.redemptions > 0
    store = open_store(database_path(made.data_dir), quick_check=False)
    try:
        with store.read() as session:
            assert check_database(session) == []
    finally:
        store.close()


def test_the_command_line_refuses_sizes_it_cannot_measure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sync.json"
    with pytest.raises(SystemExit):
        main(["sync", "--members", "10", "--json", str(out)])  # refused: fewer than 100 members
    assert "--members must be at least 100" in capsys.readouterr().err
    assert not out.exists()
