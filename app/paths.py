"""Where a till keeps its data: the user data folder by default, or ``--data-dir``."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "loyalty-till"
DB_FILE = "till.sqlite"


def default_data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_FILE


def backup_dir(data_dir: Path) -> Path:
    return data_dir / "backups"


def receipts_dir(data_dir: Path) -> Path:
    """Receipts saved as PDF from the till window."""
    return data_dir / "receipts"


def exports_dir(data_dir: Path) -> Path:
    """Members' personal data exported on request (JSON and PDF)."""
    return data_dir / "exports"
