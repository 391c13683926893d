"""The desk benchmarks (bench/desk.py) on a tiny generated dataset, through the command line as ``make bench``
runs them, so the code cannot rot. No timing is asserted: only that every row is measured next to its
baseline, that the queries find the members they were drawn from, and that the table shows every row.
"""

from __future__ import annotations

import json
import random
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.services import TillServices
from app.services.directory import MemberDirectory
from app.store.db import open_store
from bench.cli import main
from bench.desk import SEARCH_KINDS, draw_queries, format_desk_table
from bench.generate import GenerateConfig, generate

SAMPLES = 40
CONFIG = GenerateConfig(members=300, entries=3000, end_date=date(2026, 5, 1), seed=31)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("desk") / "tiny.sqlite"
    generate(path, CONFIG, log=lambda _message: None)
    return path


@pytest.fixture(scope="module")
def report(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("desk-json") / "desk.json"
    argv = ["desk", "--data", str(dataset), "--samples", str(SAMPLES), "--seed", "3", "--json", str(out)]
    assert main(argv) == 0
    found: dict[str, Any] = json.loads(out.read_text())
    return found


def test_every_row_is_measured_beside_its_baseline(report: dict[str, Any]) -> None:
    results = report["results"]
    assert report["samples"] == SAMPLES
    expected = {"desk_search", "desk_member_360"} | {f"desk_search_{kind}" for kind in SEARCH_KINDS}
    assert expected <= set(results)
    for key, row in results.items():
        assert row["target"] == "p95 ≤ 100 ms", key
        assert row["n"] > 0 and row["baseline"]["n"] > 0, key
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["max_ms"], key
        assert 0 < row["baseline"]["p50_ms"] <= row["baseline"]["max_ms"], key
        assert isinstance(row["ok"], bool), key
    assert results["desk_search"]["n"] == SAMPLES
    assert results["desk_member_360"]["n"] == SAMPLES
    opened = results["desk_member_360"]
    assert opened["overview"]["n"] == opened["history"]["n"] == SAMPLES
    assert opened["mean_history_lines"] > 0


def test_the_drawn_queries_find_their_members(dataset: Path) -> None:
    """A benchmark of searches that find nobody would measure the wrong thing."""
    with closing(sqlite3.connect(dataset)) as raw:
        queries = draw_queries(raw, random.Random(3), 70)
    assert {q.kind for q in queries} == set(SEARCH_KINDS)
    store = open_store(dataset, quick_check=False)
    try:
        directory = MemberDirectory(TillServices.open(store).core)
        for q in queries:
            page = directory.list_members(query=q.text, tier=q.tier, sort=q.sort)
            assert page.rows, q
            if q.kind in ("phone", "phone_typed"):
                assert any(row.phone == q.raw_value for row in page.rows), q
            if q.kind == "sort_points":
                balances = [row.balance for row in page.rows]
                assert balances == sorted(balances, reverse=True)
    finally:
        store.close()


def test_the_table_shows_every_row(report: dict[str, Any]) -> None:
    table = format_desk_table(report["results"])
    for key in report["results"]:
        assert key in table
    assert "overview" in table and "history" in table
