"""The till's log: one rotating file per data folder, UTC ISO-8601 times, set up once per process.

Where: the user log folder (platformdirs: on Linux ``~/.local/state/loyalty-till/log``) for the till's default
data folder; ``<data-dir>/logs`` when the till runs on another data folder (``--data-dir``), so every till
folder carries its own history. What: every command with its outcome, migrations and the backups taken before
them, backups, restores and their checks, maintenance, refusals (the error's code and sentence) and unexpected
errors with their traceback — the traceback goes only here; the person sees one sentence and this file's path.
Several processes may append to the file at once (the window and a command); each line is written whole.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import time
from pathlib import Path

from platformdirs import user_log_path

from app.paths import APP_NAME

LOG_FILE = "till.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
FORMAT = "%(asctime)s.%(msecs)03dZ %(levelname)s [%(process)d] %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"

_HANDLER_NAME = "loyalty-till-file"


def log_dir(data_dir: Path | None) -> Path:
    """``<data_dir>/logs`` for a data folder given on the command line, else the user log folder."""
    if data_dir is not None:
        return data_dir / "logs"
    return user_log_path(APP_NAME, appauthor=False)


def utc_formatter() -> logging.Formatter:
    formatter = logging.Formatter(FORMAT, DATE_FORMAT)
    formatter.converter = time.gmtime  # ISO-8601 in UTC, marked with the Z of the format
    return formatter


def close_logging() -> None:
    """Detach and close the till's log handler (set up again by the next ``setup_logging``)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()


def setup_logging(folder: Path, level: int = logging.INFO) -> Path | None:
    """Send the root logger to ``folder/till.log`` (rotated at 2 MB, 5 old files kept); the file's path, or
    None when the folder cannot be written (the till still works, and says so only in its answers)."""
    close_logging()  # set up again (tests call main() many times)
    root = logging.getLogger()
    path = folder / LOG_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        # No log file (a read-only folder): say nothing rather than let logging print records on stderr.
        quiet = logging.NullHandler()
        quiet.set_name(_HANDLER_NAME)
        root.addHandler(quiet)
        return None
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(utc_formatter())
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that talk a lot at INFO: keep their warnings only.
    for noisy in ("sqlalchemy", "asyncio", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger(__name__).debug("logging to %s (pid %d)", path, os.getpid())
    return path
