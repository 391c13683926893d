"""``python -m app run`` and sync: a local central started beside the till (the till enrolled on its first
start, pointed at the new port on the next), a real central instead, or none."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.paths import database_path
from app.services.sync_settings import DEMO_STORE_CODE, is_demo_store
from app.services.syncing import TillSyncStore, till_engine
from app.store.db import Store, open_store
from app.sync_local import LocalCentral, sync_for_run
from sync.engine import Backoff

from .conftest import Central

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window_possible(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local central starts only when the window can show its state."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    for name in ("LOYALTY_NO_WINDOW", "LOYALTY_CENTRAL", "LOYALTY_ENROLLMENT_CODE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Store]:
    store = open_store(database_path(tmp_path))
    yield store
    store.close()


def run_args(data_dir: Path, **options: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "central": None,
        "code": None,
        "no_central": False,
        "insecure_local_demo": False,
        "no_window": False,
        "exit_when_ready": False,
        "store_number": 1,
        "till_number": 1,
    }
    values.update(options)
    return argparse.Namespace(**values)


def synced(store: Store) -> int:
    engine = till_engine(store, backoff=Backoff(first=0.1, maximum=0.5), timeout=5.0)
    return engine.sync_with_retry(attempts=60).waiting


@pytest.mark.usefixtures("window_possible")
@pytest.mark.slow
def test_the_first_run_enrolls_with_a_local_central_and_later_runs_find_it_again(
    till: Store, tmp_path: Path
) -> None:
    first = sync_for_run(till, run_args(tmp_path))
    assert isinstance(first, LocalCentral)
    try:
        port = TillSyncStore(till)
        credentials = port.credentials()
        assert credentials is not None and credentials.central_url == first.url
        settings = port.settings()
        assert settings is not None and settings.store_code == DEMO_STORE_CODE and is_demo_store(till)
        assert synced(till) == 0
    finally:
        first.stop()
    assert first.process.poll() is not None
    assert (tmp_path / "central.sqlite3").exists()

    second = sync_for_run(till, run_args(tmp_path))
    assert isinstance(second, LocalCentral)
    try:
        again = TillSyncStore(till).credentials()
        assert again is not None
        assert again.central_url == second.url and again.till_id == credentials.till_id and again.epoch == 1
        assert synced(till) == 0
    finally:
        second.stop()


@pytest.mark.usefixtures("window_possible")
def test_no_central_and_no_window_start_nothing(till: Store, tmp_path: Path) -> None:
    assert sync_for_run(till, run_args(tmp_path, no_central=True)) is None
    assert sync_for_run(till, run_args(tmp_path, no_window=True)) is None
    assert sync_for_run(till, run_args(tmp_path, exit_when_ready=True)) is None
    assert TillSyncStore(till).credentials() is None
    assert not (tmp_path / "central.sqlite3").exists()


@pytest.mark.usefixtures("window_possible")
def test_a_real_central_is_used_with_its_code(
    till: Store, tmp_path: Path, central: Central, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sync_for_run(till, run_args(tmp_path, central=central.url)) is None
    assert "give --code CODE" in capsys.readouterr().out
    code = central.code(central.new_store())
    assert sync_for_run(till, run_args(tmp_path, central=central.url, code=code)) is None
    credentials = TillSyncStore(till).credentials()
    assert credentials is not None and credentials.central_url == central.url
    assert synced(till) == 0
    # Enrolled with a real central: no local one is started on later runs.
    assert sync_for_run(till, run_args(tmp_path)) is None
    assert not (tmp_path / "central.sqlite3").exists()


@pytest.mark.slow
def test_run_starts_the_central_beside_the_window_and_stops_it_on_close(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    argv = [sys.executable, "-m", "app", "--data-dir", str(tmp_path), "--reader", "sim"]
    till = subprocess.Popen(
        [*argv, "run", "--demo-members", "3"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert till.stdout is not None
        for line in till.stdout:  # up to the window: enrolled, seeded, about to serve
            lines.append(line)
            if line.startswith("Try:"):
                break
        url = next(line.split("central at ")[1].strip() for line in lines if "central at " in line)
        store = open_store(database_path(tmp_path))
        try:
            port = TillSyncStore(store)
            deadline = time.monotonic() + 60
            while port.last_success() is None or port.waiting():  # the window's engine sends the demo
                assert till.poll() is None, "".join(lines)
                assert time.monotonic() < deadline, "the till did not sync in time"
                time.sleep(0.2)
        finally:
            store.close()
        assert httpx.get(f"{url}/v1/health", timeout=5).status_code == 200
        till.send_signal(signal.SIGINT)  # closes the window, as Ctrl+C in its terminal does
        output, _ = till.communicate(timeout=60)
    finally:
        if till.poll() is None:
            till.kill()
            till.wait()
    assert till.returncode == 0, "".join(lines) + output
    with pytest.raises(httpx.TransportError):  # the till's central ended with it
        httpx.get(f"{url}/v1/health", timeout=5)
