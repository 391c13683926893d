"""The card reader rows of the benchmarks (bench/readers.py) on the device tests' rigs: every row is there,
measured (or skipped with a reason when the PC/SC parts are missing), and reaches the table and the JSON.

No timing is asserted: only the shape of what is produced, and that the figures are positive.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import bench.readers
from bench.cli import main
from bench.readers import (
    COMBINED_KEYS,
    NFC_KEYS,
    PCSC_KEYS,
    READER_GROUPS,
    READER_KEYS,
    bench_readers,
    combine_with_identify,
)
from bench.run import format_table, machine_facts
from devices.testbed.pcsc.pcscd import SystemParts

SAMPLES = 3
FIGURES = ("p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms")


def pcsc_rig_usable() -> bool:
    """Whether the PC/SC rows must be measured here (as the device tests' rig fixture decides: the parts are
    there, and as root they must work)."""
    try:
        import smartcard  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return not SystemParts.find().missing() and os.geteuid() == 0


@pytest.fixture(scope="module")
def rows() -> dict[str, dict[str, Any]]:
    return bench_readers(samples=SAMPLES, warmup=1, log=lambda _message: None)


def test_every_reader_row_is_there_and_measured(rows: dict[str, dict[str, Any]]) -> None:
    assert list(rows) == list(READER_KEYS)
    must_measure = list(NFC_KEYS) + (list(PCSC_KEYS) if pcsc_rig_usable() else [])
    for key, row in rows.items():
        assert {"what", "baseline", "target", "ok"} <= set(row), key
        if row.get("skipped"):
            assert key not in must_measure, f"{key} skipped: {row['skipped']}"
            assert isinstance(row["skipped"], str) and row["skipped"]
            assert row["ok"] is None
            continue
        assert row["n"] == SAMPLES, key
        base = row["baseline"]
        assert base is not None and base["n"] == SAMPLES and base["what"]
        for figure in FIGURES:
            assert row[figure] > 0, (key, figure)
            assert base[figure] > 0, (key, figure)
        assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"]
        assert row["ratio_p50"] > 0 and row["ratio_p99"] > 0
        assert row["rig"]
        if key == "pcsc_tap":
            assert row["ok"] is None  # reported only: it waits for pcscd's polling of vpcd
            assert row["after_detection"]["n"] == SAMPLES
            assert row["card_start"]["p50_ms"] > 0
        else:
            assert row["ok"] in (True, False)


def test_table_json_and_the_whole_path(rows: dict[str, dict[str, Any]]) -> None:
    identify = {"n": 10, "p50_ms": 0.5, "p95_ms": 1.25, "p99_ms": 2.0, "baseline": None}
    results = {"identify": identify} | json.loads(json.dumps(rows))  # as a JSON round trip leaves them
    whole = combine_with_identify(results)
    measured = [key for key in COMBINED_KEYS if not results[key].get("skipped")]
    assert [item["reader"] for item in whole] == measured
    for item in whole:
        row = results[item["reader"]]
        assert item["p95_ms"] == pytest.approx(row["p95_ms"] + 1.25)
        assert row["with_identify_p95_ms"] == item["p95_ms"]
        assert row["ok"] == item["ok"] == (item["p95_ms"] <= 50)
    assert combine_with_identify(json.loads(json.dumps(rows))) == []  # no identify: no whole path

    report = {"when": "now", "machine": machine_facts(), "results": results, "whole_path": whole}
    report["readers"] = {"samples": SAMPLES, "warmup": 1, "tap_samples": SAMPLES}
    table = format_table(report)
    for heading, members in READER_GROUPS:
        assert heading in table
        for _key, label in members:
            assert label.strip() in table
    assert ("whole path" in table) == bool(measured)
    for row in rows.values():
        if row.get("skipped"):
            assert row["skipped"] in table


def test_the_readers_subcommand_writes_its_report(
    rows: dict[str, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def measured_already(samples: int, **_options: Any) -> dict[str, dict[str, Any]]:
        calls.append(samples)
        return json.loads(json.dumps(rows))

    monkeypatch.setattr(bench.readers, "bench_readers", measured_already)
    out = tmp_path / "readers.json"
    assert main(["readers", "--samples", "7", "--json", str(out)]) == 0
    assert calls == [7]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["results"]) == set(READER_KEYS)
    assert report["readers"]["samples"] == 7
    assert report["whole_path"] == []  # identify is not measured by this subcommand
