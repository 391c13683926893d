from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import Store, open_store


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated to head, copied by tests instead of migrating again (keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    open_store(path).close()
    # Closing the last connection checkpoints and removes the WAL, so the file alone is the whole database.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def store_path(tmp_path: Path, migrated_template: Path) -> Path:
    path = tmp_path / "till.sqlite"
    shutil.copyfile(migrated_template, path)
    return path


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    with open_store(store_path) as opened:
        yield opened
